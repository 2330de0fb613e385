fn main() {
    let path = std::env::args().nth(1).expect("spec path");
    let out = std::env::args().nth(2).expect("out dir");
    let json = std::fs::read_to_string(path).unwrap();
    let files = codegen::generate(&json, &codegen::Settings { spec_sha256: "x".into(), spec_date: "d".into() }).unwrap_or_else(|e| panic!("{e}"));
    for (p, c) in files { let p = std::path::Path::new(&out).join(p); std::fs::create_dir_all(p.parent().unwrap()).unwrap(); std::fs::write(p, c).unwrap(); }
}
