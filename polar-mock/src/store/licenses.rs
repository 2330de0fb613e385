//! License keys: made by a license-keys benefit's grant, validated,
//! activated and deactivated within the benefit's limits.

use serde_json::{json, Value};

use super::{now, position, set, str_of, ApiError, Store};

impl Store {
    /// A license key for a grant of `benefit`; its id.
    pub(crate) fn new_license_key(&mut self, benefit: &Value, customer: &Value) -> String {
        let mut key = self.fresh("LicenseKeyRead");
        let id = str_of(&key, "id").to_owned();
        let properties = &benefit["properties"];
        let prefix = properties["prefix"]
            .as_str()
            .filter(|p| !p.is_empty())
            .unwrap_or("");
        let body = id.to_uppercase();
        let text = if prefix.is_empty() {
            body.clone()
        } else {
            format!("{prefix}_{body}")
        };
        let display = format!("****-{}", &body[body.len() - 6..]);
        let (limit_activations, limit_usage, expires_at) = super::grants::key_terms(benefit);
        for (field, value) in [
            ("organization_id", benefit["organization_id"].clone()),
            ("customer_id", customer["id"].clone()),
            ("customer", customer.clone()),
            ("benefit_id", benefit["id"].clone()),
            ("key", json!(text)),
            ("display_key", json!(display)),
            ("status", json!("granted")),
            ("limit_activations", limit_activations),
            ("usage", json!(0)),
            ("limit_usage", limit_usage),
            ("validations", json!(0)),
            ("last_validated_at", Value::Null),
            ("expires_at", expires_at),
        ] {
            set(&mut key, field, value);
        }
        self.license_keys.push(key);
        id
    }

    /// The index of the key `body["key"]` names (and, when the body says,
    /// of that benefit and customer), for a validate/activate/deactivate.
    fn key_index(&self, body: &Value, customer: Option<&str>) -> Result<usize, ApiError> {
        let text = str_of(body, "key");
        self.license_keys
            .iter()
            .position(|k| {
                str_of(k, "key") == text
                    && body["benefit_id"]
                        .as_str()
                        .is_none_or(|b| str_of(k, "benefit_id") == b)
                    && body["customer_id"]
                        .as_str()
                        .is_none_or(|c| str_of(k, "customer_id") == c)
                    && customer.is_none_or(|c| str_of(k, "customer_id") == c)
            })
            .ok_or_else(|| ApiError::not_found("License key"))
    }

    /// A granted, unexpired key, or why not.
    fn usable(&self, index: usize) -> Result<(), ApiError> {
        let key = &self.license_keys[index];
        if str_of(key, "status") != "granted" {
            return Err(ApiError::not_permitted("License key is no longer active."));
        }
        if let Some(expires) = key["expires_at"].as_str() {
            if expires < now().as_str() {
                return Err(ApiError::not_permitted("License key has expired."));
            }
        }
        Ok(())
    }

    /// `license_keys:validate`.
    pub(crate) fn validate_key(
        &mut self,
        body: &Value,
        customer: Option<&str>,
    ) -> Result<Value, ApiError> {
        let index = self.key_index(body, customer)?;
        self.usable(index)?;
        let activation = match body["activation_id"].as_str() {
            Some(activation_id) => {
                let found = self.activations.iter().find(|a| {
                    str_of(a, "id") == activation_id
                        && str_of(a, "license_key_id") == str_of(&self.license_keys[index], "id")
                });
                Some(
                    found
                        .cloned()
                        .ok_or_else(|| ApiError::not_found("Activation"))?,
                )
            }
            None => None,
        };
        let increment = body["increment_usage"].as_i64().unwrap_or(0);
        let key = &mut self.license_keys[index];
        let usage = key["usage"].as_i64().unwrap_or(0) + increment;
        if let Some(limit) = key["limit_usage"].as_i64() {
            if increment > 0 && usage > limit {
                return Err(ApiError::not_permitted("License key usage limit exceeded."));
            }
        }
        let validations = key["validations"].as_i64().unwrap_or(0) + 1;
        set(key, "usage", json!(usage));
        set(key, "validations", json!(validations));
        set(key, "last_validated_at", json!(now()));
        let mut validated = key.clone();
        set(
            &mut validated,
            "activation",
            activation.map(|a| strip_key(&a)).unwrap_or(Value::Null),
        );
        Ok(validated)
    }

    /// `license_keys:activate`: within the benefit's activation limit.
    pub(crate) fn activate_key(
        &mut self,
        body: &Value,
        customer: Option<&str>,
    ) -> Result<Value, ApiError> {
        let index = self.key_index(body, customer)?;
        self.usable(index)?;
        let key = self.license_keys[index].clone();
        let Some(limit) = key["limit_activations"].as_u64() else {
            return Err(ApiError::not_permitted(
                "This license key does not support activations.",
            ));
        };
        let key_id = str_of(&key, "id").to_owned();
        let used = self
            .activations
            .iter()
            .filter(|a| str_of(a, "license_key_id") == key_id)
            .count() as u64;
        if used >= limit {
            return Err(ApiError::not_permitted(format!(
                "License key only supports {limit} activations."
            )));
        }
        let mut activation = self.fresh("LicenseKeyActivationRead");
        set(&mut activation, "license_key_id", json!(key_id));
        set(&mut activation, "label", body["label"].clone());
        set(
            &mut activation,
            "meta",
            body.get("meta").cloned().unwrap_or(json!({})),
        );
        set(&mut activation, "license_key", key);
        self.activations.push(activation.clone());
        Ok(activation)
    }

    /// `license_keys:deactivate`.
    pub(crate) fn deactivate_key(
        &mut self,
        body: &Value,
        customer: Option<&str>,
    ) -> Result<(), ApiError> {
        let index = self.key_index(body, customer)?;
        let key_id = str_of(&self.license_keys[index], "id").to_owned();
        let activation = str_of(body, "activation_id");
        let found = self
            .activations
            .iter()
            .position(|a| str_of(a, "id") == activation && str_of(a, "license_key_id") == key_id)
            .ok_or_else(|| ApiError::not_found("License key activation"))?;
        self.activations.remove(found);
        Ok(())
    }

    /// A key with its activations (`license_keys:get`).
    pub(crate) fn key_with_activations(&self, id: &str) -> Result<Value, ApiError> {
        let index =
            position(&self.license_keys, id).ok_or_else(|| ApiError::not_found("License key"))?;
        let mut key = self.license_keys[index].clone();
        let activations: Vec<Value> = self
            .activations
            .iter()
            .filter(|a| str_of(a, "license_key_id") == id)
            .map(strip_key)
            .collect();
        set(&mut key, "activations", json!(activations));
        Ok(key)
    }

    /// `license_keys:update`.
    pub(crate) fn update_key(&mut self, id: &str, body: &Value) -> Result<Value, ApiError> {
        let index =
            position(&self.license_keys, id).ok_or_else(|| ApiError::not_found("License key"))?;
        let key = &mut self.license_keys[index];
        super::overlay(key, body, &[]);
        set(key, "modified_at", json!(now()));
        Ok(key.clone())
    }
}

/// An activation without its embedded key (the shape inside a key).
fn strip_key(activation: &Value) -> Value {
    let mut activation = activation.clone();
    if let Some(object) = activation.as_object_mut() {
        object.remove("license_key");
    }
    activation
}
