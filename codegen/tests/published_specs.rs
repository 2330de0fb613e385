//! Stages 1 and 2 on Polar's own documents of the dated API versions, read
//! from `../shared/spec/versions/` beside the workspace (never copied into
//! the repository): the served format (2026-04) and the documentation
//! format (2026-10: `x-codeSamples` on every operation, `components` not
//! pruned).

use codegen::ir::{self, MapKey, Models, Pagination, ResponseKind, TypeKind, TypeRef};

/// The text of `../shared/spec/versions/{relative}`, from the workspace root.
fn shared(relative: &str) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("codegen/ lives in the workspace root");
    let path = root.join("../shared/spec/versions").join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|err| {
        panic!(
            "reading {}: {err}. These tests need the published specs beside the workspace \
             (../shared/spec/versions/); see ../shared/spec/versions/README.md",
            path.display()
        )
    })
}

fn lower(relative: &str) -> Models {
    let spec = codegen::spec::parse(&shared(relative))
        .unwrap_or_else(|err| panic!("parsing {relative}: {err}"));
    ir::lower(&spec).unwrap_or_else(|err| panic!("lowering {relative}: {err}"))
}

fn webhook_events(models: &Models) -> usize {
    let id = models.webhook_event.expect("a webhooks section");
    match &models.get(id).kind {
        TypeKind::Union(union) => union.variants.len(),
        other => panic!("the webhook union is {other:?}"),
    }
}

fn operation<'m>(models: &'m Models, id: &str) -> &'m ir::Operation {
    models
        .operations
        .iter()
        .find(|op| op.operation_id == id)
        .unwrap_or_else(|| panic!("no operation {id}"))
}

/// What both documents share: the receipts answer 202 while pending, every
/// list operation pages, `amounts` maps are keyed by currency.
fn common_checks(models: &Models) {
    // Every list states its largest page ("Maximum is 100."), which
    // `.stream()` asks for; nothing else has one.
    for op in &models.operations {
        let expected = op.pagination.as_ref().map(|_| 100);
        assert_eq!(op.max_page_size, expected, "{}", op.operation_id);
    }
    for id in ["orders:receipt", "customer_portal:orders:receipt"] {
        assert!(
            matches!(
                operation(models, id).success.kind,
                ResponseKind::JsonOrPending(_)
            ),
            "{id}: {:?}",
            operation(models, id).success.kind
        );
    }
    assert!(matches!(
        operation(models, "events:list").pagination,
        Some(Pagination::Mixed { .. })
    ));
    let currency = models
        .component("PresentmentCurrency")
        .expect("PresentmentCurrency");
    let discount = models.component("DiscountFixedCreate").expect("a discount");
    let TypeKind::Struct(discount) = &models.get(discount).kind else {
        panic!("DiscountFixedCreate is a struct");
    };
    let amounts = discount
        .fields
        .iter()
        .find(|f| f.wire_name == "amounts")
        .expect("amounts");
    assert!(
        matches!(&amounts.ty, TypeRef::Map { key: MapKey::Enum(id), .. } if *id == currency),
        "{:?}",
        amounts.ty
    );
}

#[test]
fn the_2026_04_served_document_lowers() {
    let models = lower("2026-04/2026-07-10.json");
    assert_eq!(models.operations.len(), 185);
    assert_eq!(webhook_events(&models), 37);
    // 666 schemas, 652 reached through `$ref`s, and `CountryAlpha2` and
    // `CountryAlpha2Input`, which inline enums repeat (same title, same
    // values) and lowering uses in their place.
    assert_eq!(models.component_count, 654);
    assert_eq!(models.unreachable.len(), 12);
    assert!(models
        .unreachable
        .contains(&"OrganizationNotificationSettings".to_owned()));
    // Every operation with `x-polar-pagination` pages, and only those plus
    // the events list (whose page-or-cursor union no hint describes).
    assert_eq!(
        models
            .operations
            .iter()
            .filter(|op| op.pagination.is_some())
            .count(),
        37
    );
    common_checks(&models);
}

#[test]
fn the_2026_10_documentation_copy_lowers() {
    let models = lower("2026-10/2026-08-20.docs.json");
    assert_eq!(models.operations.len(), 186);
    assert_eq!(webhook_events(&models), 41);
    // 1,010 schemas, 670 reached through `$ref`s, plus `CountryAlpha2` and
    // `CountryAlpha2Input` (see above): 338 skipped. The two schemas with
    // `patternProperties` (`OIDCConfiguration*`) are among the skipped.
    assert_eq!(models.component_count, 672);
    assert_eq!(models.unreachable.len(), 338);
    let mut sorted = models.unreachable.clone();
    sorted.sort();
    assert_eq!(sorted, models.unreachable, "sorted");
    for name in ["Account", "OIDCConfigurationClientSecret"] {
        assert!(models.unreachable.contains(&name.to_owned()), "{name}");
        assert!(models.component(name).is_none(), "{name}");
    }
    assert_eq!(
        models
            .operations
            .iter()
            .filter(|op| op.pagination.is_some())
            .count(),
        38
    );
    common_checks(&models);
}

/// Between the two pinned documents most types are the same, and every
/// shared type reaches only types that are shared by (at least) the same
/// versions: the shared module never names a type it does not hold.
#[test]
fn the_two_versions_share_most_types_and_only_whole_closures() {
    use codegen::ir::sharing::Sharing;
    let old = lower("2026-04/2026-07-10.json");
    let new = lower("2026-10/2026-08-20.docs.json");
    let versions = [&old, &new];
    let sharing = Sharing::of(&versions);
    let (shared_old, shared_new) = (sharing.shared_count(0), sharing.shared_count(1));
    assert!(
        shared_old * 10 > old.types.len() * 7 && shared_new * 10 > new.types.len() * 7,
        "expected most types shared: {shared_old}/{} and {shared_new}/{}",
        old.types.len(),
        new.types.len()
    );
    for shared in &sharing.types {
        for &(version, id) in &shared.members {
            let models = versions[version];
            assert_eq!(models.get(id).name, shared.name);
            let mut reached = Vec::new();
            match &models.get(id).kind {
                TypeKind::Struct(s) => {
                    s.fields.iter().for_each(|f| f.ty.named(&mut reached));
                    if let Some(additional) = &s.additional {
                        additional.named(&mut reached);
                    }
                }
                TypeKind::Union(u) => u.variants.iter().for_each(|v| v.ty.named(&mut reached)),
                TypeKind::Alias(target) => target.named(&mut reached),
                TypeKind::Enum(_) => {}
            }
            for target in reached {
                let home = sharing.type_home(version, target).unwrap_or_else(|| {
                    panic!(
                        "{} is shared but reaches {}, which is not",
                        shared.name,
                        models.get(target).name
                    )
                });
                let target_versions: Vec<usize> =
                    sharing.types[home].members.iter().map(|m| m.0).collect();
                for &(member, _) in &shared.members {
                    assert!(target_versions.contains(&member), "{}", shared.name);
                }
            }
        }
    }
    // What differs includes the types the documents are known to differ in.
    for name in ["Order", "Subscription"] {
        let id = codegen::ir::TypeId(
            new.types
                .iter()
                .position(|t| t.name == name)
                .expect("exists"),
        );
        assert_eq!(
            sharing.type_home(1, id),
            None,
            "{name} differs between the copies"
        );
    }
}

/// The HTTP method each generated request builder sends, and whether it
/// has an `idempotency_key` method, from the emitted `polar-api` files.
fn builders(files: &codegen::Files) -> Vec<(String, String, bool)> {
    let mut found = Vec::new();
    for (path, text) in files {
        if !(path.starts_with("polar-api/generated/") && path.ends_with(".rs")) {
            continue;
        }
        let file = syn::parse_file(text).unwrap_or_else(|err| panic!("{path}: {err}"));
        for item in file.items {
            let syn::Item::Impl(block) = item else {
                continue;
            };
            let operation = block.items.iter().find_map(|member| match member {
                syn::ImplItem::Const(c) if c.ident == "OPERATION" => match &c.expr {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) => Some(s.value()),
                    _ => None,
                },
                _ => None,
            });
            let Some(operation) = operation else {
                continue;
            };
            let text = quote::ToTokens::to_token_stream(&block)
                .to_string()
                .replace(' ', "");
            let methods: Vec<&str> = ["GET", "POST", "PATCH", "PUT", "DELETE", "HEAD", "OPTIONS"]
                .into_iter()
                .filter(|m| text.contains(&format!("::reqwest::Method::{m},")))
                .collect();
            let [method] = methods.as_slice() else {
                panic!("{path}: builder of {operation} sends {methods:?}");
            };
            let has_key = block.items.iter().any(
                |member| matches!(member, syn::ImplItem::Fn(f) if f.sig.ident == "idempotency_key"),
            );
            found.push((operation, method.to_string(), has_key));
        }
    }
    found
}

#[test]
fn only_mutating_builders_take_an_idempotency_key() {
    for relative in ["2026-04/2026-07-10.json", "2026-10/2026-08-20.docs.json"] {
        let text = shared(relative);
        let files = codegen::generate(&text, &codegen::Settings::default())
            .unwrap_or_else(|err| panic!("generating {relative}: {err}"));
        let found = builders(&files);
        let models = lower(relative);
        assert_eq!(
            found.len(),
            models.operations.len(),
            "{relative}: one builder per operation"
        );
        for (operation, method, has_key) in &found {
            assert_eq!(
                method,
                operation_method(&models, operation),
                "{relative}: {operation}"
            );
            let mutating = matches!(method.as_str(), "POST" | "PATCH" | "PUT" | "DELETE");
            assert_eq!(*has_key, mutating, "{relative}: {operation} ({method})");
        }
        for method in ["GET", "POST", "PATCH", "DELETE"] {
            assert!(
                found.iter().any(|(_, m, _)| m == method),
                "{relative}: no {method} builder to check"
            );
        }
    }
}

fn operation_method<'m>(models: &'m Models, id: &str) -> &'m str {
    operation(models, id).http_method
}
