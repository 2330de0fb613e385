//! The generator over small documents the fuzz bytes shape
//! (`codegen::testing::small_document`: a handful of component schemas and
//! an operation or two), with the mutations of the generator's property
//! test (`codegen::testing::mutate`) applied, as `polar_fuzz::generator_input`
//! reads them. Property (`codegen::testing::check_generator`): `generate`
//! returns an error or files whose Rust parses; a panic, a stack overflow
//! or a run past `-timeout` is a finding too.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (text, mutations) = polar_fuzz::generator_input(data);
    if let Err(broken) = codegen::testing::check_generator(&text) {
        panic!("{broken}\nmutations: {mutations:?}\ndocument: {text}");
    }
});
