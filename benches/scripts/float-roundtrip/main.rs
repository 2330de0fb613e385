// Decodes JSON payloads with serde_json's number parser as built (with or
// without `float_roundtrip`, chosen by the manifest float-roundtrip.sh
// writes) and prints nanoseconds per decode of each: `main FILE...`.
// Besides the files, a synthetic metadata-heavy payload: 100 objects whose
// metadata holds decimal fractions, the numbers `float_roundtrip` parses
// differently.
use std::time::Instant;

fn metadata_heavy() -> String {
    let items: Vec<String> = (0..100)
        .map(|i| {
            format!(
                r#"{{"id":"obj_{i}","amount":{a},"metadata":{{"ratio":0.{i}7,"price":{p}.99,"score":{s}e-3,"pi":3.141592653589793,"weight":12.5,"count":{i},"label":"x{i}"}}}}"#,
                a = i * 1000,
                p = i * 3,
                s = i * 7 + 1
            )
        })
        .collect();
    format!(r#"{{"items":[{}],"pagination":{{"total_count":100,"max_page":1}}}}"#, items.join(","))
}

fn main() {
    let mut payloads: Vec<(String, String)> = std::env::args()
        .skip(1)
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("a payload file");
            (path, text)
        })
        .collect();
    payloads.push(("metadata-heavy (synthetic)".into(), metadata_heavy()));
    for (name, text) in &payloads {
        // Warm up, then the best of 5 rounds of N decodes.
        let n = (2_000_000 / text.len().max(1)).clamp(50, 20_000);
        let mut best = f64::MAX;
        for _ in 0..6 {
            let start = Instant::now();
            for _ in 0..n {
                let value: serde_json::Value = serde_json::from_str(std::hint::black_box(text)).unwrap();
                std::hint::black_box(value);
            }
            best = best.min(start.elapsed().as_nanos() as f64 / n as f64);
        }
        println!("{name}\t{}\t{best:.0}", text.len());
    }
}
