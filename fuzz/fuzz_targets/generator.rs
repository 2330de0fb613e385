//! The generator over small documents the fuzz bytes shape
//! (`codegen::testing::small_document`: a handful of component schemas and
//! an operation or two), with the mutations of the generator's property
//! test (`codegen::testing::mutate`) applied, as `polar_fuzz::generator_input`
//! reads them. Property: `generate` returns an error or files whose Rust
//! parses; a panic, a stack overflow or a run past `-timeout` is a finding
//! too. Fuzzing checks the tokens without printing them
//! (`codegen::testing::check_generator_unformatted`, about twice as fast);
//! with `POLAR_FUZZ_GENERATOR_CHECK=full` in the environment it prints
//! them and parses the text (`check_generator`), which `fuzz/run.sh` does
//! over the corpus after each run.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (text, mutations) = polar_fuzz::generator_input(data);
    let check = if polar_fuzz::generator_full_check() {
        codegen::testing::check_generator
    } else {
        codegen::testing::check_generator_unformatted
    };
    if let Err(broken) = check(&text) {
        panic!("{broken}\nmutations: {mutations:?}\ndocument: {text}");
    }
});
