//! The operation groups of a version: operations sharing a group path
//! (`customer_portal`/`orders`), the parent groups that only hold
//! subgroups, and which portal clients reach each group. The operations
//! emitter (`emit::api`) writes a type per group from these.

use std::collections::BTreeMap;

use super::{group_type_name, Auth, Models, Operation};

/// Operations sharing a group path, e.g. `customer_portal`/`orders`.
pub(crate) struct Group<'m> {
    pub path: Vec<String>,
    pub type_name: String,
    pub operations: Vec<&'m Operation>,
    /// Under `customer_portal`.
    pub portal: bool,
    /// Every operation needs a member session.
    pub member_only: bool,
}

pub(crate) fn groups(models: &Models) -> Result<Vec<Group<'_>>, crate::Error> {
    let mut by_path: BTreeMap<Vec<String>, Vec<&Operation>> = BTreeMap::new();
    for operation in &models.operations {
        by_path
            .entry(operation.group.clone())
            .or_default()
            .push(operation);
    }
    // Parent groups that only hold subgroups (e.g. `customer_portal`) exist
    // too, so every accessor chain has a type to return.
    let paths: Vec<Vec<String>> = by_path.keys().cloned().collect();
    for path in paths {
        for len in 1..path.len() {
            by_path.entry(path[..len].to_vec()).or_default();
        }
    }
    let mut groups = Vec::new();
    for (path, operations) in by_path {
        let portal = path.first().map(String::as_str) == Some("customer_portal");
        let member_count = operations
            .iter()
            .filter(|o| o.auth == Auth::PortalMember)
            .count();
        if member_count != 0 && member_count != operations.len() {
            return Err(crate::Error::unsupported(
                format!("operation group `{}`", path.join(":")),
                "mixes member-session-only operations with others; split the group in codegen/src/ir/groups.rs",
            ));
        }
        if let Some(op) = operations.iter().find(|o| o.auth.is_portal() != portal) {
            return Err(crate::Error::unsupported(
                format!("operation `{}`", op.operation_id),
                "its credentials do not match its group (portal vs organization)",
            ));
        }
        groups.push(Group {
            type_name: group_type_name(&path),
            member_only: member_count != 0,
            path,
            operations,
            portal,
        });
    }
    Ok(groups)
}

/// Whether an operation needs no credentials (its `security` names none).
pub(crate) fn is_public(op: &Operation) -> bool {
    matches!(op.auth, Auth::Public | Auth::PortalPublic)
}

/// Which portal clients reach a portal group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PortalReach {
    /// Every operation is public: every `CustomerPortalClient<S>`, also
    /// `NoSession`.
    Everyone,
    /// No operation is public: clients holding a session token.
    Sessions,
    /// Some are public: clients holding a session token get the whole
    /// group, `CustomerPortalClient<NoSession>` a second type holding only
    /// the public ones (`<Group>Public`).
    Split,
}

pub(crate) fn portal_reach(group: &Group<'_>) -> PortalReach {
    let public = group.operations.iter().filter(|op| is_public(op)).count();
    if public == 0 {
        PortalReach::Sessions
    } else if public == group.operations.len() {
        PortalReach::Everyone
    } else {
        PortalReach::Split
    }
}

/// The type `CustomerPortalClient<NoSession>` gets for a [`PortalReach::Split`] group.
pub(crate) fn public_type_name(group: &Group<'_>) -> String {
    format!("{}Public", group.type_name)
}

/// For each portal group `CustomerPortalClient<NoSession>` reaches, its
/// accessor and the operations (`operationId`s) it offers there: what a
/// portal client without a session token can call.
pub fn public_portal_surface(models: &Models) -> Result<Vec<(String, Vec<String>)>, crate::Error> {
    let mut out = Vec::new();
    for group in groups(models)? {
        if !group.portal || group.path.len() != 2 || group.member_only {
            continue;
        }
        let ops: Vec<String> = match portal_reach(&group) {
            PortalReach::Sessions => continue,
            PortalReach::Everyone | PortalReach::Split => group
                .operations
                .iter()
                .filter(|op| is_public(op))
                .map(|op| op.operation_id.clone())
                .collect(),
        };
        out.push((group.path[1].clone(), ops));
    }
    Ok(out)
}
