//! The API surface of the generated crates, as snapshots: a spec refresh
//! shows up here as a reviewable diff (`cargo insta review`, or read the
//! `.snap.new` file next to the snapshot).

use polar_tests::pinned_spec;

#[test]
fn models_surface() {
    let models = codegen::ir::lower(&pinned_spec()).expect("the pinned spec lowers");
    insta::assert_snapshot!("models_surface", codegen::surface::models(&models));
}

#[test]
fn operations_surface() {
    let models = codegen::ir::lower(&pinned_spec()).expect("the pinned spec lowers");
    insta::assert_snapshot!("operations_surface", codegen::surface::operations(&models));
}
