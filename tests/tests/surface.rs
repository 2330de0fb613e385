//! The API surface of the generated crates, as snapshots, one pair per
//! pinned API version: a spec refresh shows up here as a reviewable diff
//! (`cargo insta review`, or read the `.snap.new` file next to the
//! snapshot).

use polar_tests::{pins, spec};

#[test]
fn models_surface() {
    for pin in pins() {
        let models = codegen::ir::lower(&spec(&pin.version)).expect("the pinned spec lowers");
        let name = format!("models_surface_{}", pin.version);
        insta::assert_snapshot!(name, codegen::surface::models(&models));
    }
}

#[test]
fn operations_surface() {
    for pin in pins() {
        let models = codegen::ir::lower(&spec(&pin.version)).expect("the pinned spec lowers");
        let name = format!("operations_surface_{}", pin.version);
        insta::assert_snapshot!(name, codegen::surface::operations(&models));
    }
}
