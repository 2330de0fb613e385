//! Which types two API versions share (`ir::sharing`), and what the
//! generated trees make of it: a shared type is generated once under
//! the shared crate behind the features of the versions sharing it, and each of
//! those versions re-exports it where it would have defined it.

mod common;

use codegen::ir::sharing::Sharing;
use codegen::ir::{self, Models, TypeId};
use codegen::{Lifecycle, Settings, VersionInput};
use common::id_of;

/// One operation returning `Thing`. `Thing` holds a `Color` (whose values
/// are `colors`) and a `Label`; `Label` holds a `Kind` constant.
fn document(colors: &[&str], label_doc: &str) -> String {
    let colors: Vec<String> = colors.iter().map(|c| format!("\"{c}\"")).collect();
    format!(
        r##"{{"openapi": "3.1.0", "info": {{"title": "t", "version": "1"}},
  "paths": {{"/v1/things/": {{"get": {{"operationId": "things:get",
    "responses": {{"200": {{"description": "ok",
      "content": {{"application/json": {{"schema": {{"$ref": "#/components/schemas/Wrapper"}}}}}}}}}}}}}}}},
  "components": {{"schemas": {{
    "Wrapper": {{"type": "object", "required": ["thing", "label"],
      "properties": {{"thing": {{"$ref": "#/components/schemas/Thing"}},
                     "label": {{"$ref": "#/components/schemas/Label"}}}}}},
    "Thing": {{"type": "object", "required": ["color"],
      "properties": {{"color": {{"$ref": "#/components/schemas/Color"}}}}}},
    "Color": {{"type": "string", "enum": [{}]}},
    "Label": {{"type": "object", "description": "{label_doc}", "required": ["kind", "text"],
      "properties": {{"kind": {{"type": "string", "const": "label"}},
                     "text": {{"type": "string"}}}}}}}}}}}}"##,
        colors.join(", ")
    )
}

fn lower(text: &str) -> Models {
    ir::lower(&codegen::spec::parse(text).unwrap()).unwrap()
}

fn shared_names(sharing: &Sharing) -> Vec<&str> {
    sharing.types.iter().map(|t| t.name.as_str()).collect()
}

#[test]
fn a_type_is_shared_only_when_it_and_everything_it_reaches_are_the_same() {
    let old = lower(&document(&["red"], "A label."));
    let new = lower(&document(&["red", "green"], "A label."));
    let sharing = Sharing::of(&[&old, &new]);

    // `Color` gained a value; `Thing` reaches it, `Wrapper` reaches `Thing`:
    // none of the three is shared. `Label` and its constant are.
    assert_eq!(shared_names(&sharing), ["Label"]);
    let label = &sharing.types[0];
    assert_eq!(
        label.members,
        [(0, id_of(&old, "Label")), (1, id_of(&new, "Label"))]
    );
    assert_eq!(label.source(), (1, id_of(&new, "Label")));
    for (version, models) in [(0, &old), (1, &new)] {
        for name in ["Wrapper", "Thing", "Color"] {
            assert_eq!(
                sharing.type_home(version, id_of(models, name)),
                None,
                "{name}"
            );
        }
        assert_eq!(sharing.type_home(version, id_of(models, "Label")), Some(0));
        assert_eq!(sharing.shared_count(version), 1);
    }
    assert_eq!(sharing.consts.len(), 1);
    assert_eq!(sharing.consts[0].value, "label");
    assert_eq!(sharing.consts[0].versions, [0, 1]);
}

#[test]
fn identical_versions_share_everything_and_a_doc_change_is_a_difference() {
    let a = lower(&document(&["red"], "A label."));
    let b = lower(&document(&["red"], "A label."));
    let sharing = Sharing::of(&[&a, &b]);
    assert_eq!(
        shared_names(&sharing),
        ["Color", "Label", "Thing", "Wrapper"]
    );

    // The description is part of the generated code (its doc comment):
    // `Label` differs, and so does `Wrapper`, which reaches it.
    let c = lower(&document(&["red"], "Another label."));
    let sharing = Sharing::of(&[&a, &c]);
    assert_eq!(shared_names(&sharing), ["Color", "Thing"]);
}

#[test]
fn one_version_shares_nothing() {
    let only = lower(&document(&["red"], "A label."));
    let sharing = Sharing::of(&[&only]);
    assert!(sharing.types.is_empty() && sharing.consts.is_empty());
    assert_eq!(sharing.type_home(0, TypeId(0)), None);
}

#[test]
fn the_generated_trees_define_a_shared_type_once_and_re_export_it() {
    let (old, new) = (
        codegen::spec::parse(&document(&["red"], "A label.")).unwrap(),
        codegen::spec::parse(&document(&["red", "green"], "A label.")).unwrap(),
    );
    let input = |version, lifecycle, spec| VersionInput {
        version,
        lifecycle,
        spec,
        settings: Settings::default(),
    };
    let files = codegen::generate_versions(&[
        input("2026-04", Lifecycle::Deprecated, &old),
        input("2026-10", Lifecycle::Current, &new),
    ])
    .unwrap();

    let shared = &files["polar-models/generated/shared/src/types/label.rs"];
    assert!(shared.contains("pub struct Label"), "{shared}");
    assert!(
        shared.contains(r#"#[cfg(any(feature = "v2026-04", feature = "v2026-10"))]"#),
        "compiled when either version is: {shared}"
    );
    let consts = &files["polar-models/generated/shared/src/types/consts.rs"];
    assert!(consts.contains("pub struct Label;"), "{consts}");
    for module in ["v2026_04", "v2026_10"] {
        let label = &files[&format!("polar-models/generated/{module}/src/types/label.rs")];
        assert!(
            label.contains("pub use ::polar_models_shared::Label;")
                && !label.contains("pub struct"),
            "{module} re-exports, never redefines: {label}"
        );
        let thing = &files[&format!("polar-models/generated/{module}/src/types/thing.rs")];
        assert!(thing.contains("pub struct Thing"), "{module}: {thing}");
        let consts = &files[&format!("polar-models/generated/{module}/src/types/consts.rs")];
        assert!(
            consts.contains("pub use ::polar_models_shared::consts::Label;"),
            "{consts}"
        );
    }
    let root = &files["polar-models/src/generated/mod.rs"];
    assert!(
        root.contains("pub use ::polar_models_shared as __shared;"),
        "{root}"
    );
    // Each version's crate depends on the shared one, and the facade turns
    // the shared types of a version on with that version.
    let manifest = &files["polar-models/generated/v2026_04/Cargo.toml"];
    assert!(
        manifest.contains("polar-models-shared = { path = \"../shared\""),
        "{manifest}"
    );
    let facade = &files["polar-models/Cargo.toml"];
    assert!(
        facade.contains("[dependencies.polar-models-shared]")
            && facade.contains(
                "v2026-04 = [\"dep:polar-models-v2026-04\", \"polar-models-shared/v2026-04\"]"
            ),
        "{facade}"
    );
    assert!(
        !files
            .keys()
            .any(|path| path.contains("generated/shared/src/types/thing")),
        "a type that differs is not shared"
    );

    // Alone, a version has no shared tree.
    let alone = codegen::generate_from(&new, &Settings::default()).unwrap();
    assert!(!alone.keys().any(|path| path.contains("generated/shared/")));
    assert!(!alone["polar-models/src/generated/mod.rs"].contains("__shared"));
    let manifests = alone
        .iter()
        .filter(|(path, _)| path.ends_with("Cargo.toml"));
    for (path, manifest) in manifests.filter(|(path, _)| path.starts_with("polar-models")) {
        assert!(
            !manifest.contains("polar-models-shared"),
            "{path}: {manifest}"
        );
    }
}

#[test]
fn each_version_keeps_its_own_webhook_event_union() {
    // The same document twice: every type is the same, but the event union
    // is each version's `WebhookPayload`, which names its version.
    let text = common::fixture("webhooks");
    let (a, b) = (lower(&text), lower(&text));
    let sharing = Sharing::of(&[&a, &b]);
    let events = a.webhook_event.expect("the fixture has webhooks");
    assert_eq!(sharing.type_home(0, events), None);
    assert_eq!(sharing.type_home(1, b.webhook_event.unwrap()), None);
    // Everything else is shared.
    assert_eq!(sharing.shared_count(0), a.types.len() - 1);
}

/// What keeps a build with few features free of warnings: the shared
/// groups' `models` import exists only when a shared group is compiled,
/// and a version's error decoder, whose callers are the group accessors in
/// the facade, is exported from its crate, so it is never dead code even
/// when no group is on. (`.ci/run` lints such builds with warnings denied;
/// this catches a regression in `cargo test`.)
#[test]
fn trimmed_feature_sets_leave_nothing_unused() {
    let spec = codegen::spec::parse(&document(&["red"], "A label.")).unwrap();
    let input = |version, lifecycle| VersionInput {
        version,
        lifecycle,
        spec: &spec,
        settings: Settings::default(),
    };
    let files = codegen::generate_versions(&[
        input("2026-04", Lifecycle::Deprecated),
        input("2026-10", Lifecycle::Current),
    ])
    .unwrap();
    let flat =
        |path: &str| -> String { files[path].split_whitespace().collect::<Vec<_>>().join(" ") };

    let shared_root = flat("polar-api/generated/shared/src/operations/mod.rs");
    let group = r#"all(any(feature = "v2026-04", feature = "v2026-10"), feature = "things")"#;
    assert!(
        shared_root.contains(&format!(
            "#[cfg(any({group}))] use ::polar_models_shared as models;"
        )),
        "{shared_root}"
    );
    for module in ["v2026_04", "v2026_10"] {
        let root = flat(&format!(
            "polar-api/generated/{module}/src/operations/mod.rs"
        ));
        assert!(
            root.contains(
                "#[doc(hidden)] pub use self::error_body::decode as __decode_error_body;"
            ),
            "{module}: {root}"
        );
        let error_body = flat(&format!(
            "polar-api/generated/{module}/src/operations/error_body.rs"
        ));
        assert!(
            error_body.contains("pub fn decode("),
            "{module}: {error_body}"
        );
    }
}

/// A version's generated crates compile on their own, as `cargo publish`
/// verifies each one: a version's model and operation crates turn on that
/// version in the shared crate they depend on, and forward every group
/// feature to it (otherwise only the facades, which forward to every
/// crate, would build).
#[test]
fn each_version_crate_turns_on_what_it_needs_in_the_shared_crate() {
    // Versions that differ in one type (no operation group is shared), and
    // identical versions (every group is).
    for colors in [&["red", "green"][..], &["red"][..]] {
        let (old, new) = (
            codegen::spec::parse(&document(&["red"], "A label.")).unwrap(),
            codegen::spec::parse(&document(colors, "A label.")).unwrap(),
        );
        let input = |version, lifecycle, spec| VersionInput {
            version,
            lifecycle,
            spec,
            settings: Settings::default(),
        };
        let files = codegen::generate_versions(&[
            input("2026-04", Lifecycle::Deprecated, &old),
            input("2026-10", Lifecycle::Current, &new),
        ])
        .unwrap();
        let groups_shared = files.contains_key("polar-api/generated/shared/Cargo.toml");
        assert_eq!(groups_shared, colors.len() == 1, "{colors:?}");
        for (module, feature) in [("v2026_04", "v2026-04"), ("v2026_10", "v2026-10")] {
            let kinds = [
                ("models", "polar-models-shared"),
                ("api", "polar-api-shared"),
            ];
            for (kind, shared) in kinds.into_iter().take(if groups_shared { 2 } else { 1 }) {
                let path = format!("polar-{kind}/generated/{module}/Cargo.toml");
                let manifest = &files[&path];
                assert!(
                    manifest
                        .lines()
                        .any(|line| line.starts_with(&format!("{shared} = "))
                            && line.contains(&format!("features = [\"{feature}\"]"))),
                    "{path} turns on {feature} in {shared}: {manifest}"
                );
                assert!(
                    manifest.lines().any(|line| line.starts_with("things = [")
                        && line.contains(&format!("\"{shared}/things\""))),
                    "{path} forwards the group to {shared}: {manifest}"
                );
            }
            let path = format!("polar-models/generated/{module}/Cargo.toml");
            assert!(
                files[&path].lines().any(|line| line.starts_with("full = [")
                    && line.contains("\"polar-models-shared/full\"")),
                "{path}: `full` also compiles the shared types no group reaches"
            );
        }
    }
}
