//! The changelog between two published specs, as the Markdown a spec-refresh
//! pull request would carry, and its determinism on real documents.
//!
//! The specs are read from the shared copies beside the checkout
//! (`../shared/spec/polar-openapi-{date}.json`); without them these tests
//! fail, naming the missing file.

use codegen::changelog::{self, render, Changelog};
use codegen::spec::Spec;

const OLD: &str = "2026-03-03";
const NEW: &str = "2026-04-16";

fn shared_spec(date: &str) -> Spec {
    let path =
        polar_tests::workspace_root().join(format!("../shared/spec/polar-openapi-{date}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!(
            "the changelog tests need the published spec of {date} at {} ({error}); \
             put the shared spec copies beside the checkout",
            path.display()
        )
    });
    codegen::spec::parse(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn changelog(old: &Spec, new: &Spec) -> Changelog {
    changelog::diff(old, new).unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn changelog_2026_03_03_to_2026_04_16() {
    let changelog = changelog(&shared_spec(OLD), &shared_spec(NEW));
    insta::assert_snapshot!(
        "changelog_2026_03_03_to_2026_04_16",
        render::markdown(&changelog)
    );
}

#[test]
fn diffing_real_specs_twice_gives_identical_output() {
    let (old, new) = (shared_spec(OLD), shared_spec(NEW));
    let first = changelog(&old, &new);
    let second = changelog(&old, &new);
    assert_eq!(render::json(&first), render::json(&second));
    assert_eq!(render::markdown(&first), render::markdown(&second));
}

#[test]
fn reordering_schemas_and_paths_does_not_change_the_changelog() {
    let reversed = |mut spec: Spec| {
        spec.components.schemas.reverse();
        spec.paths.reverse();
        spec.webhooks.reverse();
        spec
    };
    let (old, new) = (shared_spec(OLD), shared_spec(NEW));
    let straight = changelog(&old, &new);
    let shuffled = changelog(&reversed(old), &reversed(new));
    assert_eq!(render::json(&straight), render::json(&shuffled));
}

#[test]
fn a_spec_compared_with_itself_has_no_changes() {
    let spec = shared_spec(NEW);
    let changelog = changelog(&spec, &spec);
    assert!(changelog.is_empty(), "{}", render::text(&changelog));
}
