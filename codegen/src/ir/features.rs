//! Cargo features: which generated modules each feature needs.
//!
//! Users who call a few operation groups should not compile all of them.
//! Every top-level operation group (`checkouts`, `customer_portal`, ...) is
//! a feature of both crates, and so is `webhooks`; a `polar-models` module
//! is compiled when a feature whose operations (or webhook payloads) reach
//! one of its types is on. A webhook event belongs to the group of its
//! family (`checkout.created` to `checkouts`, see `event_families`): its
//! payload type is compiled with that group, and its variant of the event
//! union only with that group and `webhooks`, so that `checkouts,webhooks`
//! does not compile the orders, subscriptions and benefits every other
//! event carries. An error body type comes with the groups of the operations
//! that document it (so does its `ApiErrorBody` variant). Modules every
//! feature reaches and the pagination types are always compiled; modules nothing reaches
//! only with `full` (since lowering skips the schemas no operation or webhook
//! reaches, that happens only in documents with neither, such as fixtures).

use std::collections::{BTreeMap, BTreeSet};

use super::{Models, TypeId, TypeKind};

/// The feature that turns on every other one.
pub const FULL_FEATURE: &str = "full";
/// The feature for the webhook payload types (and, in `polar-api`,
/// verification).
pub const WEBHOOKS_FEATURE: &str = "webhooks";

/// Which features need what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Features {
    /// The features `full` turns on, sorted: one per top-level operation
    /// group, and `webhooks` when the spec has webhooks.
    pub names: Vec<String>,
    /// Each `polar-models` module and when it is compiled.
    pub modules: BTreeMap<String, Gate>,
}

/// When a generated module is compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gate {
    /// Always.
    Always,
    /// When any of these features is on (never empty).
    AnyOf(BTreeSet<String>),
    /// Only with `full`: no operation or webhook reaches it.
    FullOnly,
}

/// The feature of the operation group `webhooks` (managing webhook
/// endpoints and their deliveries): not `webhooks`, which is receiving them,
/// so that a receiver does not compile the endpoint operations.
pub const WEBHOOK_ENDPOINTS_FEATURE: &str = "webhook_endpoints";

/// The feature an operation group path belongs to: its first segment
/// (`webhook_endpoints` for the group `webhooks`).
pub fn group_feature(group: &[String]) -> &str {
    match group.first().map(String::as_str) {
        Some(WEBHOOKS_FEATURE) => WEBHOOK_ENDPOINTS_FEATURE,
        Some(first) => first,
        None => "operations",
    }
}

impl Features {
    pub fn of(models: &Models) -> Features {
        let mut roots: BTreeMap<String, Vec<TypeId>> = BTreeMap::new();
        let mut always = Vec::new();
        for op in &models.operations {
            let feature = group_feature(&op.group).to_owned();
            let entry = roots.entry(feature).or_default();
            let mut refs = Vec::new();
            for param in op.path_params.iter().chain(&op.query_params) {
                param.ty.named(&mut refs);
            }
            if let Some(body) = &op.body {
                body.ty.named(&mut refs);
            }
            if let Some(ty) = op.success.kind.json_type() {
                ty.named(&mut refs);
            }
            // An error body comes with the groups of the operations that
            // document it, as its `ApiErrorBody` variant does.
            for error in &op.errors {
                error.ty.named(&mut refs);
            }
            entry.extend(refs);
        }
        // Each event's payload joins its family's group (else `webhooks`);
        // the event union itself is `webhooks` alone (below), since its
        // variants carry their family's feature.
        let mut webhook_union = None;
        if let Some(events) = models.webhook_event {
            roots.entry(WEBHOOKS_FEATURE.to_owned()).or_default();
            if let TypeKind::Union(union) = &models.get(events).kind {
                for variant in &union.variants {
                    let feature = variant.feature.as_deref().unwrap_or(WEBHOOKS_FEATURE);
                    variant
                        .ty
                        .named(roots.entry(feature.to_owned()).or_default());
                }
            }
            webhook_union = Some(events);
        }

        // `Page<T, P = Pagination>` (hand-written) names the pagination types.
        always.extend(models.page_positions.iter().map(|(id, _)| *id));

        let names: Vec<String> = roots.keys().cloned().collect();
        let mut needed_by: Vec<BTreeSet<String>> = vec![BTreeSet::new(); models.types.len()];
        for (feature, ids) in &roots {
            for id in reachable(models, ids) {
                needed_by[id.0].insert(feature.clone());
            }
        }
        if let Some(events) = webhook_union {
            needed_by[events.0].insert(WEBHOOKS_FEATURE.to_owned());
        }
        let mut always_compiled = vec![false; models.types.len()];
        for id in reachable(models, &always) {
            always_compiled[id.0] = true;
        }

        let mut by_module: BTreeMap<String, (bool, BTreeSet<String>)> = BTreeMap::new();
        for (index, ty) in models.types.iter().enumerate() {
            let (always, features) = by_module.entry(ty.module.clone()).or_default();
            *always |= always_compiled[index];
            features.extend(needed_by[index].iter().cloned());
        }
        let modules = by_module
            .into_iter()
            .map(|(module, (always, features))| {
                let gate = if always || features.len() == names.len() {
                    Gate::Always
                } else if features.is_empty() {
                    Gate::FullOnly
                } else {
                    Gate::AnyOf(features)
                };
                (module, gate)
            })
            .collect();
        Features { names, modules }
    }
}

/// Puts each webhook event's variant behind the feature of its family's
/// operation group: the event name's part before the dot, plural
/// (`checkout.created` → `checkouts`, `benefit_grant.cycled` →
/// `benefit_grants`). An event whose family has no group stays behind
/// `webhooks` alone.
pub(super) fn event_families(models: &mut Models) {
    let groups: BTreeSet<String> = models
        .operations
        .iter()
        .map(|op| group_feature(&op.group).to_owned())
        .collect();
    let Some(events) = models.webhook_event else {
        return;
    };
    if let TypeKind::Union(union) = &mut models.types[events.0].kind {
        for variant in &mut union.variants {
            variant.feature = variant
                .tags
                .first()
                .and_then(|event| event.split('.').next())
                .map(|family| format!("{family}s"))
                .filter(|feature| groups.contains(feature));
        }
    }
}

/// Every type reachable from `roots` (the roots included).
fn reachable(models: &Models, roots: &[TypeId]) -> BTreeSet<TypeId> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<TypeId> = roots.to_vec();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let mut refs = Vec::new();
        match &models.get(id).kind {
            TypeKind::Struct(s) => {
                for field in &s.fields {
                    field.ty.named(&mut refs);
                }
                if let Some(values) = &s.additional {
                    values.named(&mut refs);
                }
            }
            TypeKind::Union(u) => {
                for variant in &u.variants {
                    variant.ty.named(&mut refs);
                }
            }
            TypeKind::Alias(target) => target.named(&mut refs),
            TypeKind::Enum(_) => {}
        }
        stack.extend(refs.into_iter().filter(|r| !seen.contains(r)));
    }
    seen
}
