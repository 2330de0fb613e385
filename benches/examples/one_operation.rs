//! A program that calls one operation (`products:get`), to measure the size
//! of a release binary that uses `polar-api` for a single call (see
//! BENCHMARKS.md, "Memory and size"). It is built, not run, by the
//! measurement; run against the real API it prints the product's name:
//!
//! `POLAR_ACCESS_TOKEN=... cargo run --release -p polar-benches --example one_operation -- PRODUCT_ID`

fn main() {
    let Some(id) = std::env::args().nth(1) else {
        eprintln!("usage: one_operation PRODUCT_ID");
        std::process::exit(2);
    };
    let id: polar_api::v2026_10::models::uuid::Uuid = match id.parse() {
        Ok(id) => id,
        Err(e) => {
            eprintln!("not a product id: {e}");
            std::process::exit(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let outcome = polar_api::v2026_10::Client::from_env()
        .map(|client| runtime.block_on(client.products().get(id).send()));
    match outcome.and_then(|result| result) {
        Ok(product) => println!("{}", product.name),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
