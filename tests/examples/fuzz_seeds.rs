//! Writes the seed corpora of the fuzz targets (fuzz/README.md) from the
//! pinned specs: for the `decode` target, instances of every type it
//! decodes in each version (a page or a component union as itself, every
//! member of each union, every webhook event's payload), with each union
//! member picked in turn; for `webhook`, each event's payload as a delivery
//! of its version; for `headers` and `request`, a few values of each form.
//!
//! `cargo run -p polar-tests --example fuzz_seeds -- fuzz/corpus`
//! (`POLAR_SPEC_DIR` as for the tests). Not committed: a few megabytes.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use codegen::instance::InstanceBuilder;
use codegen::ir::{Models, Origin, TypeKind, TypeRef};

/// How many union-member choices each instance is built with.
const VARIANTS: usize = 3;

fn main() {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "fuzz/corpus".into()),
    );
    let mut counts = Vec::new();
    let mut decode = Vec::new();
    let mut webhook = Vec::new();
    for (version_index, pin) in polar_tests::pins().iter().enumerate() {
        let spec = polar_tests::spec(&pin.version);
        let models = codegen::ir::lower(&spec).expect("the pinned spec lowers");
        let fuzzed = codegen::emit::fuzz::fuzzed_types(&models);
        for (type_index, name) in fuzzed.iter().enumerate() {
            for json in instances(&spec, &models, name) {
                let mut input = vec![byte(version_index), byte(type_index)];
                input.extend(&json);
                decode.push(input);
            }
        }
        for event in webhook_events(&models) {
            for json in component_instances(&spec, &event) {
                let mut input = format!("webhook-api-version: {}\n\0", pin.version).into_bytes();
                input.extend(&json);
                webhook.push(input);
            }
        }
    }
    counts.push(("decode", write_all(&out.join("decode"), &decode)));
    counts.push(("webhook", write_all(&out.join("webhook"), &webhook)));
    let headers: Vec<Vec<u8>> = [
        "120",
        " 7 ",
        "1.5",
        "18446744073709551616",
        "1e20",
        "-1",
        "Wed, 21 Oct 2015 07:28:00 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
        "Fri, 31 Dec 9999 23:59:59 GMT",
        "v1,AQID v2,BBBB",
        "v1,AQI= v1,AQJ= v1a,x",
    ]
    .iter()
    .map(|text| text.as_bytes().to_vec())
    .collect();
    counts.push(("headers", write_all(&out.join("headers"), &headers)));
    let requests: Vec<Vec<u8>> = [
        &b"prod_123\0limit\x0010\0[plan\0pro"[..],
        b"a b/c?d#e%20\0q\0x&y=z+w\0[k=v&\0\xc3\xa9",
        b"..\0page\x001",
        b"\xe2\x82\xac\0sorting\0-created_at\0sorting\0name",
    ]
    .iter()
    .map(|bytes| bytes.to_vec())
    .collect();
    counts.push(("request", write_all(&out.join("request"), &requests)));
    for (target, count) in counts {
        println!("{target}: {count} seeds in {}", out.join(target).display());
    }
}

fn byte(index: usize) -> u8 {
    u8::try_from(index).expect("the fuzz target picks a type with one byte")
}

/// Instances of the Rust type `name`: of its component schema, and of each
/// member's when it is a union.
fn instances(spec: &codegen::spec::Spec, models: &Models, name: &str) -> Vec<Vec<u8>> {
    let ty = models
        .types
        .iter()
        .find(|ty| ty.name == name)
        .expect("a fuzzed type is in the IR");
    let mut components = BTreeSet::new();
    if let Origin::Component(spec_name) = &ty.origin {
        components.insert(spec_name.clone());
    }
    if let TypeKind::Union(union) = &ty.kind {
        for variant in &union.variants {
            if let TypeRef::Named(member) = &variant.ty {
                if let Origin::Component(spec_name) = &models.get(*member).origin {
                    components.insert(spec_name.clone());
                }
            }
        }
    }
    components
        .iter()
        .flat_map(|component| component_instances(spec, component))
        .collect()
}

/// The distinct instances of a component, one per union-member choice.
fn component_instances(spec: &codegen::spec::Spec, name: &str) -> Vec<Vec<u8>> {
    let mut seen = BTreeSet::new();
    for variant in 0..VARIANTS {
        let builder = InstanceBuilder::new(spec).with_variant(variant);
        if let Some(Ok(value)) = builder.try_component(name) {
            seen.insert(serde_json::to_vec(&value).expect("an instance encodes"));
        }
    }
    seen.into_iter().collect()
}

/// The spec names of the webhook events' payload schemas.
fn webhook_events(models: &Models) -> Vec<String> {
    let Some(id) = models.webhook_event else {
        return Vec::new();
    };
    let TypeKind::Union(union) = &models.get(id).kind else {
        return Vec::new();
    };
    union
        .variants
        .iter()
        .filter_map(|variant| match &variant.ty {
            TypeRef::Named(member) => match &models.get(*member).origin {
                Origin::Component(name) => Some(name.clone()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// Writes each input to `dir`, named by its position; returns the count.
fn write_all(dir: &Path, inputs: &[Vec<u8>]) -> usize {
    std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("creating {}: {e}", dir.display()));
    for (index, input) in inputs.iter().enumerate() {
        let path = dir.join(format!("seed-{index:05}"));
        std::fs::write(&path, input).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    }
    inputs.len()
}
