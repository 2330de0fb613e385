//! What an operation's `security` accepts: the [`Auth`] its client needs,
//! and the doc paragraph that says so.

use super::*;
use crate::spec::Operation as SpecOperation;

/// What an operation's `security` says it accepts, as a doc paragraph:
/// each scheme in the spec's order, with the scopes the spec lists for it.
/// No `security` (or an empty one) means no credentials: the client sends
/// no `Authorization` header.
pub(super) fn credentials_doc(operation: &SpecOperation) -> String {
    let requirements: Vec<_> = operation.security.iter().flatten().collect();
    if requirements.iter().all(|r| r.is_empty()) {
        return "**Credentials:** none; the API leaves this operation public, and the \
                client sends it without an `Authorization` header."
            .to_owned();
    }
    let first_scopes = requirements
        .iter()
        .flat_map(|r| r.values())
        .next()
        .cloned()
        .unwrap_or_default();
    // When every scheme lists the same scopes, they are said once.
    let same_scopes = requirements
        .iter()
        .flat_map(|r| r.values())
        .all(|scopes| *scopes == first_scopes);
    let scope_text = |scopes: &[String]| {
        let scopes: Vec<String> = scopes.iter().map(|s| format!("`{s}`")).collect();
        format!("scopes listed: {}", scopes.join(", "))
    };
    let mut ways: Vec<String> = Vec::new();
    for requirement in requirements {
        let parts: Vec<String> = requirement
            .iter()
            .map(|(scheme, scopes)| {
                let what = match scheme.as_str() {
                    "oat" => "an organization access token".to_owned(),
                    "pat" => "a personal access token".to_owned(),
                    "oidc" => "an OpenID Connect (OAuth2) access token".to_owned(),
                    "customer_session" => "a customer session token".to_owned(),
                    "member_session" => "a member session token".to_owned(),
                    other => format!("the `{other}` scheme"),
                };
                if scopes.is_empty() || same_scopes {
                    what
                } else {
                    format!("{what} ({})", scope_text(scopes))
                }
            })
            .collect();
        let way = parts.join(" and ");
        if !ways.contains(&way) {
            ways.push(way);
        }
    }
    let list = match ways.as_slice() {
        [one] => one.clone(),
        [rest @ .., last] => format!("{}, or {last}", rest.join(", ")),
        [] => unreachable!("non-empty"),
    };
    let no_org = !operation
        .security
        .iter()
        .flatten()
        .any(|r| r.contains_key("oat"));
    let customer = operation
        .security
        .iter()
        .flatten()
        .any(|r| r.contains_key("customer_session") || r.contains_key("member_session"));
    let mut text = if same_scopes && !first_scopes.is_empty() {
        format!("**Credentials:** {list} ({}).", scope_text(&first_scopes))
    } else {
        format!("**Credentials:** {list}.")
    };
    if no_org && !customer {
        text.push_str(" An organization access token is not accepted.");
    }
    text
}

pub(super) fn auth_of(operation: &SpecOperation, group: &[String]) -> Auth {
    let schemes: Vec<&str> = operation
        .security
        .iter()
        .flatten()
        .flat_map(|requirement| requirement.keys().map(String::as_str))
        .collect();
    let portal = group.first().map(String::as_str) == Some("customer_portal");
    let has = |name: &str| schemes.contains(&name);
    if has("oat") || has("pat") || has("oidc") {
        Auth::Organization
    } else if has("customer_session") {
        Auth::Portal
    } else if has("member_session") {
        Auth::PortalMember
    } else if portal {
        Auth::PortalPublic
    } else {
        Auth::Public
    }
}
