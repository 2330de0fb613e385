//! Updates of benefit grants: when a benefit's properties change in a way
//! its kind cares about, and when a customer changes a grant's properties
//! from the portal. Follows Polar's server (`benefit_grant` service,
//! `enqueue_benefit_grant_updates` / `update_benefit_grant`, and the
//! customer portal's grant update).

use serde_json::{json, Value};

use super::{now, position, set, str_of, ApiError, Store};

/// Whether a change of a benefit's properties from `previous` to `current`
/// updates its grants. License keys: when the expiry, the activations or
/// the usage limit changed (as Polar's license-keys strategy decides); a
/// custom benefit: never (Polar's custom strategy); the other kinds: when
/// anything in the properties changed (an assumption: the mock does not
/// model their strategies).
fn requires_update(kind: &str, previous: &Value, current: &Value) -> bool {
    match kind {
        "license_keys" => ["expires", "activations", "limit_usage"]
            .iter()
            .any(|key| option(previous, key) != option(current, key)),
        "custom" => false,
        _ => previous != current,
    }
}

/// `properties[key]`, an absent key as `null`.
fn option<'a>(properties: &'a Value, key: &str) -> &'a Value {
    properties.get(key).unwrap_or(&Value::Null)
}

impl Store {
    /// After `benefits:update` changed a benefit's properties from
    /// `previous`: every granted grant of the benefit whose customer is not
    /// deleted is updated (its properties derived again from the benefit;
    /// a license key takes the new limits and expiry), each sending
    /// `benefit_grant.updated` then `customer.state_changed`. Revoked
    /// grants are left alone.
    pub(crate) fn update_grants_of_benefit(&mut self, benefit_id: &str, previous: &Value) {
        let Some(index) = position(&self.benefits, benefit_id) else {
            return;
        };
        let benefit = self.benefits[index].clone();
        if !requires_update(str_of(&benefit, "type"), previous, &benefit["properties"]) {
            return;
        }
        let granted: Vec<usize> = (0..self.grants.len())
            .filter(|&i| {
                let grant = &self.grants[i];
                str_of(grant, "benefit_id") == benefit_id
                    && grant["is_granted"] == json!(true)
                    && grant["is_revoked"] != json!(true)
            })
            .collect();
        for grant_index in granted {
            self.update_grant(grant_index);
        }
    }

    /// Update one grant from its benefit as it is now (Polar's
    /// `update_benefit_grant`): nothing for a revoked grant or a deleted
    /// customer; else its properties derived again, `previous_properties`
    /// what they were, and `benefit_grant.updated`, `customer.state_changed`.
    fn update_grant(&mut self, grant_index: usize) {
        let grant = &self.grants[grant_index];
        if grant["is_revoked"] == json!(true) {
            return;
        }
        let customer_id = str_of(grant, "customer_id").to_owned();
        let Some(customer) = position(&self.customers, &customer_id)
            .map(|i| self.customers[i].clone())
            .filter(|c| c["deleted_at"].is_null())
        else {
            return;
        };
        let benefit = position(&self.benefits, str_of(grant, "benefit_id"))
            .map_or_else(|| grant["benefit"].clone(), |i| self.benefits[i].clone());
        let previous_properties = grant["properties"].clone();
        let mut properties = previous_properties.clone();
        if str_of(&benefit, "type") == "license_keys" {
            if let Some(key_index) = previous_properties["license_key_id"]
                .as_str()
                .and_then(|key_id| position(&self.license_keys, key_id))
            {
                let (limit_activations, limit_usage, expires_at) = key_terms(&benefit);
                let key = &mut self.license_keys[key_index];
                set(key, "status", json!("granted"));
                set(key, "limit_activations", limit_activations);
                set(key, "limit_usage", limit_usage);
                set(key, "expires_at", expires_at);
                set(key, "modified_at", json!(now()));
                set(&mut properties, "display_key", key["display_key"].clone());
            }
        }
        let grant = &mut self.grants[grant_index];
        set(grant, "properties", properties);
        set(grant, "previous_properties", previous_properties);
        set(grant, "benefit", benefit);
        set(grant, "customer", customer);
        set(grant, "is_granted", json!(true));
        set(grant, "error", Value::Null);
        set(grant, "modified_at", json!(now()));
        let grant = grant.clone();
        self.emit("benefit_grant.updated", grant);
        self.emit_state(&customer_id);
    }

    /// The customer portal's `benefit-grants:update` for `customer`: a
    /// grant of theirs that is not revoked (Polar's portal does not show
    /// revoked grants: `404`), of the benefit type the body names (else
    /// `422`). A Discord, GitHub repository or Slack shared channel grant
    /// takes the properties sent (a new `invited_email` drops the Slack
    /// invitation) and is then updated as above; the other kinds take no
    /// properties from the customer and are answered unchanged. The mock
    /// keeps no OAuth accounts, so it accepts any `account_id` (Polar
    /// refuses one the customer has not linked).
    pub(crate) fn portal_update_grant(
        &mut self,
        customer: &str,
        id: &str,
        body: &Value,
    ) -> Result<Value, ApiError> {
        let index = position(&self.grants, id)
            .filter(|&i| {
                str_of(&self.grants[i], "customer_id") == customer
                    && self.grants[i]["is_revoked"] != json!(true)
            })
            .ok_or_else(|| ApiError::not_found("Benefit grant"))?;
        let kind = str_of(&self.grants[index]["benefit"], "type").to_owned();
        if str_of(body, "benefit_type") != kind {
            return Err(ApiError::invalid(
                &["body", "benefit_type"],
                "Benefit type must match the existing granted benefit type.",
                &body["benefit_type"],
            ));
        }
        if matches!(
            kind.as_str(),
            "discord" | "github_repository" | "slack_shared_channel"
        ) {
            let grant = &mut self.grants[index];
            let mut properties = grant["properties"].clone();
            if !properties.is_object() {
                properties = json!({});
            }
            let sent = &body["properties"];
            if kind == "slack_shared_channel"
                && sent.get("invited_email") != properties.get("invited_email")
            {
                if let Some(properties) = properties.as_object_mut() {
                    properties.remove("invite_id");
                    properties.remove("invite_url");
                }
            }
            super::overlay(&mut properties, sent, &[]);
            set(grant, "properties", properties);
            set(grant, "error", Value::Null);
            let answer = grant.clone();
            self.update_grant(index);
            return Ok(answer);
        }
        Ok(self.grants[index].clone())
    }
}

/// A license key's terms from its benefit's properties: the activation
/// limit, the usage limit, and the expiry counted from now (Polar derives
/// the expiry from the time the key is granted, or updated).
pub(crate) fn key_terms(benefit: &Value) -> (Value, Value, Value) {
    let properties = &benefit["properties"];
    let expires_at = match properties["expires"].as_object() {
        Some(expires) => {
            let ttl = expires.get("ttl").and_then(Value::as_u64).unwrap_or(1);
            let interval = match expires.get("timeframe").and_then(Value::as_str) {
                Some("day") => "day",
                Some("month") => "month",
                _ => "year",
            };
            json!(super::billing::advance(&now(), interval, ttl))
        }
        None => Value::Null,
    };
    (
        properties["activations"]["limit"].clone(),
        properties["limit_usage"].clone(),
        expires_at,
    )
}
