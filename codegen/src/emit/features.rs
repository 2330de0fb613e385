//! Feature gates: `#[cfg]` attributes for generated modules, the
//! `[features]` lines of the hand-written manifests, and the manifests of
//! the generated model and operation crates.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::features::{Features, Gate, FULL_FEATURE, WEBHOOKS_FEATURE};
use crate::layout::{
    ApiCrate, ModelCrate, API_RUNTIME_DIR, API_RUNTIME_PACKAGE, API_SHARED_PACKAGE, CORE_DIR,
    CORE_PACKAGE, PACKAGE_VERSION, SHARED_PACKAGE,
};
use crate::{ApiVersion, Lifecycle};

/// First line of a generated block in a hand-written file.
pub const BLOCK_BEGIN: &str =
    "# @generated begin: written by `cargo xtask regen` from the spec; do not edit by hand";
/// Last line of a generated block in a hand-written file.
pub const BLOCK_END: &str = "# @generated end";

/// The `#[cfg]` attribute for a module behind `gate` (nothing when always
/// compiled).
pub fn cfg(gate: &Gate) -> TokenStream {
    match gate {
        Gate::Always => TokenStream::new(),
        Gate::FullOnly => quote!(#[cfg(feature = #FULL_FEATURE)]),
        Gate::AnyOf(features) if features.len() == 1 => {
            let feature = features.iter().next().expect("one feature");
            quote!(#[cfg(feature = #feature)])
        }
        Gate::AnyOf(features) => {
            let features = features.iter();
            quote!(#[cfg(any(#(feature = #features),*))])
        }
    }
}

/// The generated block at the end of `polar-models/Cargo.toml` (the
/// facade, see [`crate::layout`]): the default (every group of the current
/// version), a feature per version that turns on its crate, a feature per
/// group of any version that turns the group on in every model crate
/// enabled, and the model crates as dependencies.
pub fn models_manifest_block(versions: &[(&ApiVersion, Features)], shared: bool) -> String {
    let crates: Vec<ModelCrate<'_>> = versions
        .iter()
        .map(|(version, _)| ModelCrate::Version(version))
        .collect();
    // `"polar-models-shared/<feature>", "polar-models-v2026-10?/<feature>", ..`
    let forward = |feature: &str| {
        let shared = shared.then(|| format!("\"{SHARED_PACKAGE}/{feature}\""));
        let versions = crates
            .iter()
            .map(|krate| format!("\"{}?/{feature}\"", krate.package()));
        shared.into_iter().chain(versions).collect::<Vec<_>>()
    };
    let groups = group_names(versions);
    let mut full: Vec<String> = groups.iter().map(|n| format!("\"{n}\"")).collect();
    full.extend(forward(FULL_FEATURE));
    let mut lines = vec![
        format!(
            "default = [\"{FULL_FEATURE}\", {}]",
            current_feature(versions)
        ),
        format!("{FULL_FEATURE} = [{}]", full.join(", ")),
    ];
    for (version, _) in versions {
        let feature = version.feature();
        let package = ModelCrate::Version(version).package();
        let mut enables = vec![format!("\"dep:{package}\"")];
        if shared {
            enables.push(format!("\"{SHARED_PACKAGE}/{feature}\""));
        }
        lines.push(format!("{feature} = [{}]", enables.join(", ")));
    }
    for name in &groups {
        lines.push(format!("{name} = [{}]", forward(name).join(", ")));
    }
    let dependency = |krate: ModelCrate<'_>, optional: bool| {
        dependency_table(&krate.package(), "polar-models", &krate.dir(), optional)
    };
    if shared {
        lines.extend(dependency(ModelCrate::Shared, false));
    }
    for krate in &crates {
        lines.extend(dependency(*krate, true));
    }
    block(lines)
}

/// The whole `Cargo.toml` of a generated model crate: its features (the
/// group features of every version, so that the facade can forward each
/// group to every crate; the shared crate also has a feature per version,
/// since a shared type is compiled only when a version sharing it is) and
/// its dependencies on the runtime and, for a version, the shared crate.
pub fn model_crate_manifest(
    krate: ModelCrate<'_>,
    versions: &[(&ApiVersion, Features)],
    shared: bool,
) -> String {
    let description = match krate {
        ModelCrate::Shared => "The types several API versions of Polar (polar.sh) define alike; \
             use them through polar-models"
            .to_owned(),
        ModelCrate::Version(version) => format!(
            "The types of Polar (polar.sh) API version {}; use them through polar-models",
            version.name
        ),
    };
    let uses_shared = shared && matches!(krate, ModelCrate::Version(_));
    let mut full = full_line(versions);
    if uses_shared {
        // `full` also compiles the shared types no group reaches.
        full.insert_str(
            full.len() - 1,
            &format!(", \"{SHARED_PACKAGE}/{FULL_FEATURE}\""),
        );
    }
    let mut features = vec![full];
    if let ModelCrate::Shared = krate {
        features.extend(
            versions
                .iter()
                .map(|(v, _)| format!("{} = []", v.feature())),
        );
    }
    // A version's crate forwards each group to the shared crate, so that it
    // builds alone (as `cargo publish` verifies it), not only through the
    // facade, which forwards to every crate.
    features.extend(group_names(versions).into_iter().map(|name| {
        if uses_shared {
            format!("{name} = [\"{SHARED_PACKAGE}/{name}\"]")
        } else {
            format!("{name} = []")
        }
    }));
    let mut dependencies = vec![path_dependency(CORE_PACKAGE, &krate.dir(), CORE_DIR, None)];
    if let (true, ModelCrate::Version(version)) = (uses_shared, krate) {
        dependencies.push(path_dependency(
            SHARED_PACKAGE,
            &krate.dir(),
            &ModelCrate::Shared.dir(),
            Some(&version.feature()),
        ));
    }
    dependencies.extend([
        "serde.workspace = true".to_owned(),
        "serde_json.workspace = true".to_owned(),
    ]);
    crate_manifest(
        &krate.package(),
        &description,
        "polar-models",
        "every type",
        &features,
        &dependencies,
    )
}

/// The whole `Cargo.toml` of a generated crate, used through `facade`
/// (whose docs.rs page shows `shown`).
fn crate_manifest(
    name: &str,
    description: &str,
    facade: &str,
    shown: &str,
    features: &[String],
    dependencies: &[String],
) -> String {
    format!(
        "{MANIFEST_PREAMBLE}\
         [package]\n\
         name = \"{name}\"\n\
         version.workspace = true\n\
         description = \"{description}\"\n\
         edition.workspace = true\n\
         rust-version.workspace = true\n\
         license.workspace = true\n\
         repository.workspace = true\n\
         documentation = \"https://docs.rs/{facade}\"\n\
         \n\
         # docs.rs: {shown}, as `{facade}` shows them.\n\
         [package.metadata.docs.rs]\n\
         all-features = true\n\
         rustdoc-args = [\"--cfg\", \"docsrs\"]\n\
         \n\
         [features]\n\
         {features}\n\
         \n\
         [dependencies]\n\
         {dependencies}\n",
        features = features.join("\n"),
        dependencies = dependencies.join("\n"),
    )
}

/// `package = { path = "..", version = "=0.1.0" }` (with `features` when
/// given), for a generated crate in `from` depending on the one in `to`.
fn path_dependency(package: &str, from: &str, to: &str, feature: Option<&str>) -> String {
    let features = feature.map_or(String::new(), |f| format!(", features = [\"{f}\"]"));
    format!(
        "{package} = {{ path = \"{}\", version = \"={PACKAGE_VERSION}\"{features} }}",
        relative(from, to)
    )
}

/// A facade's `[dependencies.<package>]` table for its generated crate in
/// `dir` (a directory under the facade's `facade_dir`).
fn dependency_table(package: &str, facade_dir: &str, dir: &str, optional: bool) -> Vec<String> {
    let path = dir
        .strip_prefix(&format!("{facade_dir}/"))
        .expect("a facade's generated crates live under it");
    lines_of(&format!(
        "\n[dependencies.{package}]\npath = \"{path}\"\nversion = \"={PACKAGE_VERSION}\"{}",
        if optional { "\noptional = true" } else { "" }
    ))
}

/// The first line of a generated manifest.
pub const MANIFEST_PREAMBLE: &str =
    "# @generated by `cargo xtask regen` from Polar's OpenAPI document. Do not edit by hand.\n";

/// The path of workspace directory `to` as seen from workspace directory
/// `from` (both `/`-separated, no `..` in either).
fn relative(from: &str, to: &str) -> String {
    let from: Vec<&str> = from.split('/').collect();
    let to: Vec<&str> = to.split('/').collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts = vec![".."; from.len() - common];
    parts.extend(&to[common..]);
    parts.join("/")
}

fn lines_of(text: &str) -> Vec<String> {
    text.lines().map(str::to_owned).collect()
}

/// The feature of `polar-api/Cargo.toml` that carries its hand-written
/// `webhooks` feature (which also turns on the HMAC dependencies) into the
/// operation crates; `webhooks` lists it.
pub const API_WEBHOOKS_FORWARD: &str = "__webhooks";

/// The generated block at the end of `polar-api/Cargo.toml`'s features: the
/// default, a feature per version (its models and its operation crate), a
/// feature per group forwarded to the models and to every operation crate
/// enabled, and the operation crates as dependencies. `webhooks` is
/// hand-written there and lists [`API_WEBHOOKS_FORWARD`].
pub fn api_manifest_block(versions: &[(&ApiVersion, Features)], shared_groups: bool) -> String {
    let crates: Vec<ApiCrate<'_>> = versions
        .iter()
        .map(|(version, _)| ApiCrate::Version(version))
        .collect();
    let forward = |feature: &str| {
        let shared = shared_groups.then(|| format!("\"{API_SHARED_PACKAGE}/{feature}\""));
        let versions = crates
            .iter()
            .map(|krate| format!("\"{}?/{feature}\"", krate.package()));
        shared.into_iter().chain(versions).collect::<Vec<_>>()
    };
    let mut lines = vec![
        format!(
            "default = [\"rustls\", \"gzip\", \"{FULL_FEATURE}\", {}]",
            current_feature(versions)
        ),
        full_line(versions),
    ];
    for (version, _) in versions {
        let feature = version.feature();
        let mut enables = vec![
            format!("\"polar-models/{feature}\""),
            format!("\"dep:{}\"", ApiCrate::Version(version).package()),
        ];
        if shared_groups {
            enables.push(format!("\"{API_SHARED_PACKAGE}/{feature}\""));
        }
        lines.push(format!("{feature} = [{}]", enables.join(", ")));
    }
    for name in group_names(versions) {
        let mut enables = forward(name);
        if name == WEBHOOKS_FEATURE {
            lines.push(format!("{API_WEBHOOKS_FORWARD} = [{}]", enables.join(", ")));
            continue;
        }
        enables.insert(0, format!("\"polar-models/{name}\""));
        lines.push(format!("{name} = [{}]", enables.join(", ")));
    }
    let dependency = |krate: ApiCrate<'_>, optional: bool| {
        dependency_table(&krate.package(), "polar-api", &krate.dir(), optional)
    };
    if shared_groups {
        lines.extend(dependency(ApiCrate::Shared, false));
    }
    for krate in &crates {
        lines.extend(dependency(*krate, true));
    }
    block(lines)
}

/// The whole `Cargo.toml` of a generated operation crate: the group
/// features of every version (the facade forwards each group to every
/// crate), each turning the group on in the crate's models; the shared
/// crate also has a feature per version. Its dependencies: the runtime, its
/// models, and for a version the shared groups (with that version on).
pub fn api_crate_manifest(
    krate: ApiCrate<'_>,
    versions: &[(&ApiVersion, Features)],
    shared_groups: bool,
) -> String {
    let (description, models) = match krate {
        ApiCrate::Shared => (
            "The operation groups several API versions of Polar (polar.sh) generate alike; \
             use them through polar-api"
                .to_owned(),
            ModelCrate::Shared,
        ),
        ApiCrate::Version(version) => (
            format!(
                "The operations of Polar (polar.sh) API version {}; use them through polar-api",
                version.name
            ),
            ModelCrate::Version(version),
        ),
    };
    let models_package = models.package();
    let uses_shared = shared_groups && matches!(krate, ApiCrate::Version(_));
    let mut features = vec![full_line(versions)];
    if let ApiCrate::Shared = krate {
        features.extend(versions.iter().map(|(v, _)| {
            let feature = v.feature();
            format!("{feature} = [\"{models_package}/{feature}\"]")
        }));
    }
    features.extend(group_names(versions).into_iter().map(|name| {
        let mut enables = vec![format!("\"{models_package}/{name}\"")];
        if uses_shared {
            enables.push(format!("\"{API_SHARED_PACKAGE}/{name}\""));
        }
        format!("{name} = [{}]", enables.join(", "))
    }));
    let mut dependencies = vec![
        path_dependency(API_RUNTIME_PACKAGE, &krate.dir(), API_RUNTIME_DIR, None),
        path_dependency(&models_package, &krate.dir(), &models.dir(), None),
    ];
    if let (true, ApiCrate::Version(version)) = (uses_shared, krate) {
        dependencies.push(path_dependency(
            API_SHARED_PACKAGE,
            &krate.dir(),
            &ApiCrate::Shared.dir(),
            Some(&version.feature()),
        ));
    }
    dependencies.extend([
        "futures-core = \"0.3.31\"".to_owned(),
        "reqwest = { version = \"0.13\", default-features = false }".to_owned(),
        "serde.workspace = true".to_owned(),
        "serde_json.workspace = true".to_owned(),
    ]);
    crate_manifest(
        &krate.package(),
        &description,
        "polar-api",
        "every operation",
        &features,
        &dependencies,
    )
}

/// The generated `[features]` lines of `tests/Cargo.toml`: every version,
/// on by default, so `cargo test --workspace` tests them all.
pub fn tests_manifest_block(versions: &[(&ApiVersion, Features)]) -> String {
    let all: Vec<String> = versions
        .iter()
        .map(|(v, _)| format!("\"{}\"", v.feature()))
        .collect();
    let mut lines = vec![format!("default = [{}]", all.join(", "))];
    for (version, _) in versions {
        let feature = version.feature();
        lines.push(format!(
            "{feature} = [\"polar-models/{feature}\", \"polar-api/{feature}\", \"polar-mock/{feature}\"]"
        ));
    }
    block(lines)
}

/// `"v2026-10"`, the feature of the current version (the generator checked
/// there is exactly one).
fn current_feature(versions: &[(&ApiVersion, Features)]) -> String {
    versions
        .iter()
        .find(|(v, _)| v.lifecycle == Lifecycle::Current)
        .or(versions.last())
        .map(|(v, _)| format!("\"{}\"", v.feature()))
        .unwrap_or_default()
}

/// The group features of every version, sorted, each once, and always
/// `webhooks`: `polar-api`'s hand-written `webhooks` feature names
/// `polar-models/webhooks` and `__webhooks`, so the manifests must define
/// them even when no version's document has webhooks.
fn group_names<'a>(versions: &'a [(&ApiVersion, Features)]) -> Vec<&'a str> {
    let names: BTreeSet<&str> = versions
        .iter()
        .flat_map(|(_, features)| features.names.iter().map(String::as_str))
        .chain([WEBHOOKS_FEATURE])
        .collect();
    names.into_iter().collect()
}

fn full_line(versions: &[(&ApiVersion, Features)]) -> String {
    let all: Vec<String> = group_names(versions)
        .into_iter()
        .map(|n| format!("\"{n}\""))
        .collect();
    format!("{FULL_FEATURE} = [{}]", all.join(", "))
}

fn block(lines: Vec<String>) -> String {
    let mut out = format!("{BLOCK_BEGIN}\n");
    for line in lines {
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(BLOCK_END);
    out.push('\n');
    out
}

/// `current` (a hand-written file) with its generated block replaced by
/// `block` (which carries its own begin and end lines).
pub fn splice_block(path: &str, current: &str, block: &str) -> Result<String, crate::Error> {
    let missing = |what: &str| {
        crate::Error::unsupported(
            path,
            format!("has no `{what}` line; the generated feature list goes between `{BLOCK_BEGIN}` and `{BLOCK_END}`"),
        )
    };
    let begin = current
        .find(BLOCK_BEGIN)
        .ok_or_else(|| missing(BLOCK_BEGIN))?;
    let end_marker = current[begin..]
        .find(BLOCK_END)
        .ok_or_else(|| missing(BLOCK_END))?
        + begin;
    let after = current[end_marker..]
        .find('\n')
        .map_or(current.len(), |n| end_marker + n + 1);
    Ok(format!(
        "{}{}{}",
        &current[..begin],
        block,
        &current[after..]
    ))
}
