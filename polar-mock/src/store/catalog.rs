//! Products and their prices, benefits, customers and customer sessions.

use serde_json::{json, Value};

use super::{copy_fields, now, overlay, position, set, str_of, ApiError, Store};

impl Store {
    /// `products:create`.
    pub(crate) fn create_product(&mut self, body: &Value) -> Result<Value, ApiError> {
        let mut product = self.fresh("Product");
        let id = str_of(&product, "id").to_owned();
        copy_fields(
            &mut product,
            body,
            &[
                "name",
                "description",
                "metadata",
                "recurring_interval",
                "recurring_interval_count",
                "trial_interval",
                "trial_interval_count",
            ],
        );
        set(
            &mut product,
            "visibility",
            body.get("visibility").cloned().unwrap_or(json!("public")),
        );
        let recurring = body
            .get("recurring_interval")
            .is_some_and(|interval| !interval.is_null());
        if !recurring {
            for key in [
                "recurring_interval",
                "recurring_interval_count",
                "trial_interval",
                "trial_interval_count",
            ] {
                set(&mut product, key, Value::Null);
            }
        }
        set(&mut product, "is_recurring", json!(recurring));
        set(&mut product, "is_archived", json!(false));
        let prices: Vec<Value> = body["prices"]
            .as_array()
            .map(|prices| {
                prices
                    .iter()
                    .map(|p| self.price(&id, p, &product))
                    .collect()
            })
            .unwrap_or_default();
        set(&mut product, "prices", json!(prices));
        set(&mut product, "benefits", json!([]));
        set(&mut product, "medias", json!([]));
        set(&mut product, "attached_custom_fields", json!([]));
        if body.get("metadata").is_none() {
            set(&mut product, "metadata", json!({}));
        }
        self.products.push(product.clone());
        self.emit("product.created", product.clone());
        Ok(product)
    }

    /// A stored price from a price-create body.
    fn price(&mut self, product_id: &str, create: &Value, product: &Value) -> Value {
        let schema = match str_of(create, "amount_type") {
            "custom" => "ProductPriceCustom",
            "metered_unit" => "ProductPriceMeteredUnit",
            "seat_based" => "ProductPriceSeatBased",
            _ => "ProductPriceFixed",
        };
        let mut price = self.fresh(schema);
        overlay(&mut price, create, &[]);
        set(&mut price, "product_id", json!(product_id));
        set(&mut price, "is_archived", json!(false));
        set(&mut price, "source", json!("catalog"));
        match product.get("recurring_interval").filter(|i| !i.is_null()) {
            Some(interval) => {
                set(&mut price, "type", json!("recurring"));
                set(&mut price, "recurring_interval", interval.clone());
            }
            None => {
                set(&mut price, "type", json!("one_time"));
                set(&mut price, "recurring_interval", Value::Null);
            }
        }
        price
    }

    /// `products:update`.
    pub(crate) fn update_product(&mut self, id: &str, body: &Value) -> Result<Value, ApiError> {
        let index = position(&self.products, id).ok_or_else(|| ApiError::not_found("Product"))?;
        let product_snapshot = self.products[index].clone();
        let mut product = product_snapshot.clone();
        overlay(
            &mut product,
            body,
            &["prices", "medias", "attached_custom_fields"],
        );
        if let Some(prices) = body["prices"].as_array() {
            let existing = product_snapshot["prices"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let mut new_prices = Vec::new();
            for price in prices {
                match price.get("id").and_then(Value::as_str) {
                    // An existing price kept.
                    Some(price_id) => new_prices.extend(
                        existing
                            .iter()
                            .filter(|p| str_of(p, "id") == price_id)
                            .cloned(),
                    ),
                    None => new_prices.push(self.price(id, price, &product_snapshot)),
                }
            }
            set(&mut product, "prices", json!(new_prices));
        }
        set(&mut product, "modified_at", json!(now()));
        self.products[index] = product.clone();
        self.emit("product.updated", product.clone());
        Ok(product)
    }

    /// `products:update_benefits`.
    pub(crate) fn set_product_benefits(
        &mut self,
        id: &str,
        body: &Value,
    ) -> Result<Value, ApiError> {
        let index = position(&self.products, id).ok_or_else(|| ApiError::not_found("Product"))?;
        let mut benefits = Vec::new();
        for (i, benefit_id) in body["benefits"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            let found = benefit_id
                .as_str()
                .and_then(|b| position(&self.benefits, b))
                .map(|b| self.benefits[b].clone());
            match found {
                Some(benefit) => benefits.push(benefit),
                None => {
                    return Err(ApiError::invalid(
                        &["body", "benefits", &i.to_string()],
                        "Benefit does not exist.",
                        benefit_id,
                    ))
                }
            }
        }
        let product = &mut self.products[index];
        set(product, "benefits", json!(benefits));
        set(product, "modified_at", json!(now()));
        let product = product.clone();
        self.emit("product.updated", product.clone());
        Ok(product)
    }

    /// `benefits:create`.
    pub(crate) fn create_benefit(&mut self, body: &Value) -> Result<Value, ApiError> {
        let schema = match str_of(body, "type") {
            "license_keys" => "BenefitLicenseKeys",
            "discord" => "BenefitDiscord",
            "github_repository" => "BenefitGitHubRepository",
            "downloadables" => "BenefitDownloadables",
            "meter_credit" => "BenefitMeterCredit",
            "feature_flag" => "BenefitFeatureFlag",
            "slack_shared_channel" => "BenefitSlackSharedChannel",
            _ => "BenefitCustom",
        };
        let mut benefit = self.fresh(schema);
        overlay(&mut benefit, body, &["organization_id"]);
        unset_options_are_null(&mut benefit);
        if body.get("metadata").is_none() {
            set(&mut benefit, "metadata", json!({}));
        }
        self.benefits.push(benefit.clone());
        self.emit("benefit.created", benefit.clone());
        Ok(benefit)
    }

    /// `benefits:update`.
    pub(crate) fn update_benefit(&mut self, id: &str, body: &Value) -> Result<Value, ApiError> {
        let index = position(&self.benefits, id).ok_or_else(|| ApiError::not_found("Benefit"))?;
        let benefit = &mut self.benefits[index];
        let previous = benefit["properties"].clone();
        // `properties: null` leaves them as they are, as in Polar.
        let given = !body["properties"].is_null();
        let skip: &[&str] = if given {
            &["type"]
        } else {
            &["type", "properties"]
        };
        overlay(benefit, body, skip);
        unset_options_are_null(benefit);
        set(benefit, "modified_at", json!(now()));
        let benefit = benefit.clone();
        self.refresh_benefit_copies(&benefit);
        self.emit("benefit.updated", benefit.clone());
        // Polar sends `benefit.updated` at once and updates the grants in
        // a job after it.
        if given {
            self.update_grants_of_benefit(id, &previous);
        }
        Ok(benefit)
    }

    /// The benefit as products and grants embed it, made current (Polar
    /// reads it from the benefit each time).
    fn refresh_benefit_copies(&mut self, benefit: &Value) {
        let id = str_of(benefit, "id");
        for product in &mut self.products {
            if let Some(benefits) = product["benefits"].as_array_mut() {
                for copy in benefits.iter_mut().filter(|b| str_of(b, "id") == id) {
                    *copy = benefit.clone();
                }
            }
        }
        for grant in self
            .grants
            .iter_mut()
            .filter(|g| str_of(g, "benefit_id") == id)
        {
            set(grant, "benefit", benefit.clone());
        }
    }

    /// `customers:create`: emails and external ids are unique, as Polar
    /// has them.
    pub(crate) fn create_customer(&mut self, body: &Value) -> Result<Value, ApiError> {
        let email = str_of(body, "email").to_lowercase();
        if self
            .customers
            .iter()
            .any(|c| str_of(c, "email").eq_ignore_ascii_case(&email))
        {
            return Err(ApiError::invalid(
                &["body", "email"],
                "A customer with this email address already exists.",
                &json!(email),
            ));
        }
        if let Some(external) = body["external_id"].as_str() {
            if self.customer_by_external(external).is_some() {
                return Err(ApiError::invalid(
                    &["body", "external_id"],
                    "A customer with this external ID already exists.",
                    &json!(external),
                ));
            }
        }
        let mut customer = self.fresh("Customer");
        for key in [
            "external_id",
            "name",
            "billing_name",
            "billing_address",
            "tax_id",
            "deleted_at",
            "first_user_event_at",
            "default_payment_method_id",
        ] {
            set(&mut customer, key, Value::Null);
        }
        overlay(&mut customer, body, &["organization_id", "owner", "tax_id"]);
        set(&mut customer, "email", json!(email));
        set(&mut customer, "email_verified", json!(false));
        if body.get("metadata").is_none() {
            set(&mut customer, "metadata", json!({}));
        }
        self.customers.push(customer.clone());
        self.emit("customer.created", customer.clone());
        self.emit_state(str_of(&customer, "id"));
        Ok(customer)
    }

    /// The index of the customer with this external id.
    pub(crate) fn customer_by_external(&self, external_id: &str) -> Option<usize> {
        self.customers.iter().position(|c| {
            c["external_id"].as_str() == Some(external_id) && c["deleted_at"].is_null()
        })
    }

    /// The index of a live customer by id.
    pub(crate) fn customer_index(&self, id: &str) -> Result<usize, ApiError> {
        position(&self.customers, id)
            .filter(|&i| self.customers[i]["deleted_at"].is_null())
            .ok_or_else(|| ApiError::not_found("Customer"))
    }

    /// `customers:update` (and `update_external`).
    pub(crate) fn update_customer(
        &mut self,
        index: usize,
        body: &Value,
    ) -> Result<Value, ApiError> {
        if let Some(external) = body["external_id"].as_str() {
            if self
                .customer_by_external(external)
                .is_some_and(|other| other != index)
            {
                return Err(ApiError::invalid(
                    &["body", "external_id"],
                    "A customer with this external ID already exists.",
                    &json!(external),
                ));
            }
        }
        let customer = &mut self.customers[index];
        overlay(customer, body, &["tax_id", "owner"]);
        set(customer, "modified_at", json!(now()));
        let customer = customer.clone();
        self.emit("customer.updated", customer.clone());
        self.emit_state(str_of(&customer, "id"));
        Ok(customer)
    }

    /// `customers:delete`: the customer is soft-deleted, as Polar does.
    pub(crate) fn delete_customer(&mut self, index: usize) {
        let now = now();
        let customer = &mut self.customers[index];
        set(customer, "deleted_at", json!(now));
        let customer = customer.clone();
        self.emit("customer.deleted", customer.clone());
        self.emit_state(str_of(&customer, "id"));
    }

    /// `customer-sessions:create`: a token for the customer portal,
    /// scoped to the customer.
    pub(crate) fn create_session(&mut self, body: &Value) -> Result<Value, ApiError> {
        let index = match (
            body["customer_id"].as_str(),
            body["external_customer_id"].as_str(),
        ) {
            (Some(id), _) => self.customer_index(id)?,
            (None, Some(external)) => self
                .customer_by_external(external)
                .ok_or_else(|| ApiError::not_found("Customer"))?,
            (None, None) => return Err(ApiError::not_found("Customer")),
        };
        let customer = self.customers[index].clone();
        let number = self.next_number();
        let token = format!("polar_cst_mock_{:016x}{number:08}", self.seed_hint());
        let mut session = self.fresh("CustomerSession");
        set(&mut session, "token", json!(token));
        set(&mut session, "customer_id", customer["id"].clone());
        set(&mut session, "customer", customer.clone());
        copy_fields(&mut session, body, &["return_url"]);
        set(
            &mut session,
            "customer_portal_url",
            json!(format!(
                "https://polar.sh/mock/portal?customer_session_token={token}"
            )),
        );
        self.sessions
            .push((token, str_of(&customer, "id").to_owned()));
        Ok(session)
    }

    /// A session `token` (from a sign-in code) for the customer with
    /// `email`, when there is one.
    pub(crate) fn add_session_for_email(&mut self, token: &str, email: &str) {
        let customer = self
            .customers
            .iter()
            .find(|c| c["deleted_at"].is_null() && str_of(c, "email").eq_ignore_ascii_case(email))
            .map(|c| str_of(c, "id").to_owned());
        if let Some(customer) = customer {
            self.sessions.push((token.to_owned(), customer));
        }
    }

    /// The customer state: the customer, its active subscriptions and
    /// granted benefits.
    pub(crate) fn customer_state(&self, customer_id: &str) -> Value {
        let Some(index) = position(&self.customers, customer_id) else {
            return Value::Null;
        };
        let mut state = self.fixture("CustomerState");
        overlay(&mut state, &self.customers[index], &[]);
        let subscription_template = self.fixture("CustomerStateSubscription");
        let subscriptions: Vec<Value> = self
            .subscriptions
            .iter()
            .filter(|s| str_of(s, "customer_id") == customer_id)
            .filter(|s| matches!(str_of(s, "status"), "active" | "trialing"))
            .map(|s| {
                let mut view = super::fit(s, &subscription_template);
                set(&mut view, "meters", json!([]));
                view
            })
            .collect();
        let grants: Vec<Value> = self
            .grants
            .iter()
            .filter(|g| str_of(g, "customer_id") == customer_id && g["is_granted"] == json!(true))
            .map(|g| {
                json!({
                    "id": g["id"], "created_at": g["created_at"], "modified_at": g["modified_at"],
                    "granted_at": g["granted_at"], "benefit_id": g["benefit_id"],
                    "benefit_type": g["benefit"]["type"], "benefit_metadata": g["benefit"]["metadata"],
                    "properties": g["properties"],
                })
            })
            .collect();
        set(&mut state, "active_subscriptions", json!(subscriptions));
        set(&mut state, "granted_benefits", json!(grants));
        set(&mut state, "active_meters", json!([]));
        state
    }

    /// Emit `customer.state_changed` for a customer.
    pub(crate) fn emit_state(&mut self, customer_id: &str) {
        let state = self.customer_state(customer_id);
        if !state.is_null() {
            self.emit("customer.state_changed", state);
        }
    }

    fn seed_hint(&self) -> u64 {
        self.seed
    }
}

/// A license-keys benefit's unset options are `null` in the read shape.
fn unset_options_are_null(benefit: &mut Value) {
    if str_of(benefit, "type") != "license_keys" {
        return;
    }
    if let Some(properties) = benefit["properties"].as_object_mut() {
        for key in ["expires", "activations", "limit_usage"] {
            properties.entry(key).or_insert(Value::Null);
        }
    }
}
