//! A property test over generator input: valid mutations of the pinned
//! documents (required entries dropped, properties made nullable,
//! self-references added, schemas renamed to colliding names, inline objects
//! nested) never make `generate` panic, overflow or loop. Each case may
//! generate or fail with an error; it must return.
//!
//! The mutations come from a seeded xorshift generator, so every run tries
//! the same cases and a failure names the case and its mutations. Each case
//! runs under `catch_unwind` on a thread with a bounded stack; a stack
//! overflow still aborts the process (it cannot be caught), which fails the
//! test run too. A case that does not return within [`CASE_TIMEOUT`] fails
//! the test (a loop).
//!
//! Cost: a full document generates in about 0.3 s in release and about
//! 0.9 s in a debug test build on this machine (2 cores, shared); 64 cases
//! take about a minute. The case count and time are printed.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use codegen::Settings;
use serde_json::{json, Map, Value};

/// Cases per run, split evenly over the pinned documents.
const CASES: u64 = 64;
/// Stack of each case's thread.
const STACK: usize = 16 << 20;
/// A case taking longer than this is taken for a loop.
const CASE_TIMEOUT: Duration = Duration::from_secs(120);

/// The pinned documents, from `../shared/spec/versions/` beside the workspace.
fn pinned() -> Vec<(String, Value)> {
    let dir = std::env::var_os("POLAR_SPEC_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/spec/versions")
        });
    let mut docs = Vec::new();
    for version in ["2026-04", "2026-10"] {
        let mut files: Vec<_> = std::fs::read_dir(dir.join(version))
            .unwrap_or_else(|err| panic!("reading {}: {err}", dir.join(version).display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        let path = files.first().expect("a pinned document");
        let text = std::fs::read_to_string(path).unwrap();
        docs.push((version.to_owned(), serde_json::from_str(&text).unwrap()));
    }
    docs
}

/// xorshift64*: small, seeded, deterministic.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a>(&mut self, items: &'a [String]) -> &'a str {
        &items[self.below(items.len())]
    }
}

fn schemas(doc: &mut Value) -> &mut Map<String, Value> {
    doc["components"]["schemas"].as_object_mut().unwrap()
}

/// Component schemas with listed properties.
fn objects(doc: &mut Value) -> Vec<String> {
    schemas(doc)
        .iter()
        .filter(|(_, s)| s["properties"].as_object().is_some_and(|p| !p.is_empty()))
        .map(|(name, _)| name.clone())
        .collect()
}

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// Apply one mutation; returns what it did.
fn mutate(doc: &mut Value, rng: &mut Rng) -> String {
    let objects = objects(doc);
    if objects.is_empty() {
        return "nothing (no object schema)".to_owned();
    }
    let name = rng.pick(&objects).to_owned();
    let schema = &mut schemas(doc)[&name];
    let properties: Vec<String> = schema["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let property = rng.pick(&properties).to_owned();
    match rng.below(6) {
        0 => {
            let Some(required) = schema.get_mut("required").and_then(Value::as_array_mut) else {
                return format!("{name}: no required list");
            };
            if required.is_empty() {
                return format!("{name}: no required entry");
            }
            let gone = required.remove(rng.below(required.len()));
            format!("{name}: dropped required {gone}")
        }
        1 => {
            let old = schema["properties"][&property].take();
            schema["properties"][&property] = json!({"anyOf": [old, {"type": "null"}]});
            format!("{name}.{property}: made nullable")
        }
        2 => {
            schema["properties"]["self_ref"] =
                json!({"anyOf": [reference(&name), {"type": "null"}]});
            push_required(schema, "self_ref");
            format!("{name}: required nullable self-reference")
        }
        3 => {
            schema["properties"]["self_ref"] = reference(&name);
            push_required(schema, "self_ref");
            format!("{name}: required non-nullable self-reference")
        }
        4 => {
            let old = schema["properties"][&property].take();
            let depth = 1 + rng.below(4);
            let mut nested = old;
            for level in 0..depth {
                nested = json!({
                    "type": "object",
                    "properties": { format!("inner{level}"): nested },
                    "required": [format!("inner{level}")]
                });
            }
            schema["properties"][&property] = nested;
            format!("{name}.{property}: nested {depth} inline objects deep")
        }
        _ => {
            // A newcomer whose Rust name collides with `name`'s, referred to
            // from `name` so that it is reachable.
            let copy = schema.clone();
            let colliding = match rng.below(3) {
                0 => upper_snake(&name),
                1 => format!("{name}_"),
                _ => format!("{}-", name),
            };
            if schemas(doc).contains_key(&colliding) {
                return format!("{name}: {colliding} exists");
            }
            schemas(doc).insert(colliding.clone(), copy);
            schemas(doc)[&name]["properties"]["colliding"] = reference(&colliding);
            format!("{name}: added colliding schema {colliding}")
        }
    }
}

fn push_required(schema: &mut Value, property: &str) {
    match schema.get_mut("required").and_then(Value::as_array_mut) {
        Some(list) => list.push(json!(property)),
        None => schema["required"] = json!([property]),
    }
}

/// `FooBar` → `FOO_BAR`.
fn upper_snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

#[test]
fn mutated_documents_never_crash_the_generator() {
    let docs = pinned();
    let started = Instant::now();
    let (mut generated, mut refused) = (0, 0);
    for case in 0..CASES {
        let (version, base) = &docs[(case % docs.len() as u64) as usize];
        let mut rng = Rng::new(case + 1);
        let mut doc = base.clone();
        let count = 1 + rng.below(4);
        let done: Vec<String> = (0..count).map(|_| mutate(&mut doc, &mut rng)).collect();
        let text = doc.to_string();
        let (send, receive) = mpsc::channel();
        std::thread::Builder::new()
            .stack_size(STACK)
            .spawn(move || {
                let result = std::panic::catch_unwind(|| {
                    codegen::generate(&text, &Settings::default()).map(|_| ())
                });
                let _ = send.send(result.map(|r| r.map_err(|e| e.to_string())));
            })
            .unwrap();
        let label = format!("case {case} ({version}: {})", done.join("; "));
        match receive.recv_timeout(CASE_TIMEOUT) {
            Ok(Ok(Ok(()))) => generated += 1,
            Ok(Ok(Err(error))) => {
                println!("{label}: refused: {error}");
                refused += 1;
            }
            Ok(Err(_)) => panic!("{label}: generate panicked"),
            Err(_) => panic!("{label}: generate did not return in {CASE_TIMEOUT:?}"),
        }
    }
    println!(
        "generator mutations: {CASES} cases ({generated} generated, {refused} refused) in {:.1?}",
        started.elapsed()
    );
}
