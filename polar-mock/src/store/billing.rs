//! Checkouts and what completing one makes: the order, the subscription of
//! a recurring price, the benefit grants (the subscription's life after
//! that is in `lifecycle`).

use chrono::{DateTime, Months, TimeDelta, Utc};
use serde_json::{json, Value};
use uuid::Uuid;

use super::{copy_fields, now, position, set, str_of, ApiError, StateError, Store};

/// What [`MockPolar::complete_checkout`](crate::MockPolar::complete_checkout)
/// made.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CompletedCheckout {
    /// The customer who paid (created by the checkout when it had none).
    pub customer_id: Uuid,
    /// The order.
    pub order_id: Uuid,
    /// The subscription, for a recurring price.
    pub subscription_id: Option<Uuid>,
    /// A grant per benefit of the product.
    pub benefit_grant_ids: Vec<Uuid>,
    /// A license key per license-keys benefit.
    pub license_key_ids: Vec<Uuid>,
}

fn uuid(text: &str) -> Uuid {
    text.parse().unwrap_or_default()
}

pub(super) fn not_found(kind: &'static str, id: &str) -> StateError {
    StateError::NotFound {
        kind,
        id: id.to_owned(),
    }
}

impl Store {
    /// `checkouts:create`.
    pub(crate) fn create_checkout(
        &mut self,
        body: &Value,
        base_url: &str,
    ) -> Result<Value, ApiError> {
        let mut products = Vec::new();
        let ids = match body["products"].as_array() {
            Some(ids) => ids.clone(),
            // 2026-04's single-product body.
            None => body.get("product_id").cloned().into_iter().collect(),
        };
        for (i, id) in ids.iter().enumerate() {
            match id.as_str().and_then(|id| position(&self.products, id)) {
                Some(index) => products.push(self.products[index].clone()),
                None => {
                    return Err(ApiError::invalid(
                        &["body", "products", &i.to_string()],
                        "Product does not exist.",
                        id,
                    ))
                }
            }
        }
        let Some(product) = products.first().cloned() else {
            return Err(ApiError::invalid(
                &["body", "products"],
                "List should have at least 1 item after validation, not 0",
                &json!([]),
            ));
        };
        let price = product["prices"].get(0).cloned().unwrap_or(Value::Null);
        let amount = price["price_amount"].as_i64().unwrap_or(0);
        let mut checkout = self.fresh("Checkout");
        let number = self.next_number();
        let client_secret = format!("polar_c_mock{:016x}{number:08}", self.seed);
        set(&mut checkout, "status", json!("open"));
        set(&mut checkout, "client_secret", json!(client_secret));
        set(
            &mut checkout,
            "url",
            json!(format!("{base_url}/checkout/{client_secret}")),
        );
        for key in [
            "customer_id",
            "customer_name",
            "customer_email",
            "customer_ip_address",
            "customer_billing_name",
            "customer_billing_address",
            "customer_tax_id",
            "external_customer_id",
            "discount_id",
            "discount",
            "subscription_id",
            "embed_origin",
            "payment_method_type",
            "trial_end",
            "active_trial_interval",
            "active_trial_interval_count",
        ] {
            set(&mut checkout, key, Value::Null);
        }
        copy_fields(
            &mut checkout,
            body,
            &[
                "customer_id",
                "customer_name",
                "customer_email",
                "external_customer_id",
                "success_url",
                "return_url",
                "metadata",
                "customer_metadata",
                "customer_billing_address",
                "locale",
            ],
        );
        set(&mut checkout, "product_id", product["id"].clone());
        set(&mut checkout, "product", product.clone());
        set(&mut checkout, "products", json!(products));
        set(&mut checkout, "product_price_id", price["id"].clone());
        set(&mut checkout, "product_price", price.clone());
        let prices: serde_json::Map<String, Value> = products
            .iter()
            .map(|p| (str_of(p, "id").to_owned(), p["prices"].clone()))
            .collect();
        set(&mut checkout, "prices", Value::Object(prices));
        for key in ["amount", "net_amount", "total_amount"] {
            set(&mut checkout, key, json!(amount));
        }
        set(&mut checkout, "discount_amount", json!(0));
        set(&mut checkout, "tax_amount", json!(0));
        set(
            &mut checkout,
            "currency",
            price.get("price_currency").cloned().unwrap_or(json!("usd")),
        );
        set(&mut checkout, "is_free_product_price", json!(amount == 0));
        set(&mut checkout, "is_payment_required", json!(amount > 0));
        self.checkouts.push(checkout.clone());
        self.emit("checkout.created", checkout.clone());
        Ok(checkout)
    }

    /// Change a checkout's status, emitting `checkout.updated`.
    fn checkout_status(&mut self, index: usize, status: &str) -> Value {
        let checkout = &mut self.checkouts[index];
        set(checkout, "status", json!(status));
        set(checkout, "modified_at", json!(now()));
        let checkout = checkout.clone();
        self.emit("checkout.updated", checkout.clone());
        checkout
    }

    /// What a customer paying for the checkout makes. See the crate docs
    /// for the events, and their order.
    pub(crate) fn complete_checkout(&mut self, id: &str) -> Result<CompletedCheckout, StateError> {
        let index = position(&self.checkouts, id).ok_or_else(|| not_found("checkout", id))?;
        let status = str_of(&self.checkouts[index], "status").to_owned();
        if status != "open" {
            return Err(StateError::Conflict(format!(
                "checkout {id} is {status}, not open"
            )));
        }
        self.checkout_status(index, "confirmed");
        let checkout = self.checkouts[index].clone();

        // The customer: the checkout's, else one by external id or email,
        // else a new one.
        let customer_index = match checkout["customer_id"]
            .as_str()
            .and_then(|c| position(&self.customers, c))
        {
            Some(found) => found,
            None => {
                let external = checkout["external_customer_id"].as_str();
                let by_external = external.and_then(|e| self.customer_by_external(e));
                let email = match checkout["customer_email"].as_str() {
                    Some(email) => email.to_owned(),
                    None => format!("customer{}@example.com", self.next_number()),
                };
                let by_email = self
                    .customers
                    .iter()
                    .position(|c| str_of(c, "email").eq_ignore_ascii_case(&email));
                match by_external.or(by_email) {
                    Some(found) => found,
                    None => {
                        let body = json!({
                            "email": email,
                            "name": checkout["customer_name"],
                            "external_id": external,
                            "metadata": checkout.get("customer_metadata").cloned().unwrap_or(json!({})),
                        });
                        self.create_customer(&body)
                            .map_err(|err| StateError::Conflict(err.body.to_string()))?;
                        self.customers.len() - 1
                    }
                }
            }
        };
        let customer = self.customers[customer_index].clone();
        let customer_id = str_of(&customer, "id").to_owned();
        let product = checkout["product"].clone();
        let recurring = product["is_recurring"].as_bool().unwrap_or(false);

        let subscription = recurring.then(|| self.new_subscription(&checkout, &customer));
        let order = self.new_order(
            &checkout,
            &customer,
            subscription.as_ref(),
            if recurring {
                "subscription_create"
            } else {
                "purchase"
            },
        );
        self.emit("order.created", pending(&order));
        if let Some(subscription) = &subscription {
            self.emit("subscription.created", subscription.clone());
            self.emit("subscription.active", subscription.clone());
        }
        self.emit("order.updated", order.clone());
        self.emit("order.paid", order.clone());
        {
            let checkout = &mut self.checkouts[index];
            set(checkout, "customer_id", json!(customer_id));
            set(
                checkout,
                "subscription_id",
                subscription
                    .as_ref()
                    .map_or(Value::Null, |s| s["id"].clone()),
            );
        }
        self.checkout_status(index, "succeeded");

        let mut benefit_grant_ids = Vec::new();
        let mut license_key_ids = Vec::new();
        for benefit in product["benefits"].as_array().cloned().unwrap_or_default() {
            // The benefit as stored now, not as copied into the product.
            let benefit = position(&self.benefits, str_of(&benefit, "id"))
                .map_or(benefit, |i| self.benefits[i].clone());
            let (grant_id, key_id) = self.grant(&benefit, &customer, subscription.as_ref(), &order);
            benefit_grant_ids.push(uuid(&grant_id));
            license_key_ids.extend(key_id.map(|k| uuid(&k)));
        }
        self.emit_state(&customer_id);
        Ok(CompletedCheckout {
            customer_id: uuid(&customer_id),
            order_id: uuid(str_of(&order, "id")),
            subscription_id: subscription.map(|s| uuid(str_of(&s, "id"))),
            benefit_grant_ids,
            license_key_ids,
        })
    }

    /// An open checkout expires (`checkout.expired`).
    pub(crate) fn expire_checkout(&mut self, id: &str) -> Result<(), StateError> {
        let index = position(&self.checkouts, id).ok_or_else(|| not_found("checkout", id))?;
        let status = str_of(&self.checkouts[index], "status").to_owned();
        if status != "open" {
            return Err(StateError::Conflict(format!(
                "checkout {id} is {status}, not open"
            )));
        }
        let checkout = &mut self.checkouts[index];
        set(checkout, "status", json!("expired"));
        set(checkout, "modified_at", json!(now()));
        let checkout = checkout.clone();
        self.emit("checkout.expired", checkout);
        Ok(())
    }

    fn new_subscription(&mut self, checkout: &Value, customer: &Value) -> Value {
        let product = &checkout["product"];
        let price = &checkout["product_price"];
        let mut subscription = self.fresh("Subscription");
        let start = now();
        let interval = product["recurring_interval"]
            .as_str()
            .unwrap_or("month")
            .to_owned();
        let count = product["recurring_interval_count"].as_u64().unwrap_or(1);
        let end = advance(&start, &interval, count);
        for (key, value) in [
            ("amount", checkout["amount"].clone()),
            ("currency", checkout["currency"].clone()),
            ("recurring_interval", json!(interval)),
            ("recurring_interval_count", json!(count)),
            ("status", json!("active")),
            ("current_period_start", json!(start)),
            ("current_period_end", json!(end)),
            ("current_meter_period_start", json!(start)),
            ("current_meter_period_end", json!(end)),
            ("started_at", json!(start)),
            ("customer_id", customer["id"].clone()),
            ("customer", customer.clone()),
            ("product_id", product["id"].clone()),
            ("product", product.clone()),
            ("checkout_id", checkout["id"].clone()),
            ("prices", json!([price])),
            (
                "metadata",
                checkout.get("metadata").cloned().unwrap_or(json!({})),
            ),
            ("meters", json!([])),
        ] {
            set(&mut subscription, key, value);
        }
        for key in [
            "trial_start",
            "trial_end",
            "canceled_at",
            "ends_at",
            "ended_at",
            "pending_update",
            "paused_at",
            "resumes_at",
            "discount_id",
            "discount",
            "customer_cancellation_reason",
            "customer_cancellation_comment",
        ] {
            set(&mut subscription, key, Value::Null);
        }
        set(&mut subscription, "cancel_at_period_end", json!(false));
        self.subscriptions.push(subscription.clone());
        subscription
    }

    pub(super) fn new_order(
        &mut self,
        checkout: &Value,
        customer: &Value,
        subscription: Option<&Value>,
        billing_reason: &str,
    ) -> Value {
        let amount = checkout["amount"].as_i64().unwrap_or(0);
        let mut order = self.fresh("Order");
        let number = self.orders.len() + 1;
        let mut item = self.fresh("OrderItemSchema");
        set(&mut item, "label", checkout["product"]["name"].clone());
        set(&mut item, "amount", json!(amount));
        set(&mut item, "tax_amount", json!(0));
        set(
            &mut item,
            "product_price_id",
            checkout["product_price_id"].clone(),
        );
        let mut product = checkout["product"].clone();
        if let Some(product) = product.as_object_mut() {
            // The order's product has no prices or benefits.
            for key in ["prices", "benefits", "medias", "attached_custom_fields"] {
                product.remove(key);
            }
        }
        for (key, value) in [
            ("status", json!("paid")),
            ("paid", json!(true)),
            ("subtotal_amount", json!(amount)),
            ("discount_amount", json!(0)),
            ("net_amount", json!(amount)),
            ("tax_amount", json!(0)),
            ("total_amount", json!(amount)),
            ("due_amount", json!(0)),
            ("refunded_amount", json!(0)),
            ("refunded_tax_amount", json!(0)),
            ("refundable_amount", json!(amount)),
            ("refundable_tax_amount", json!(0)),
            ("currency", checkout["currency"].clone()),
            ("billing_reason", json!(billing_reason)),
            ("billing_name", customer["name"].clone()),
            ("invoice_number", json!(format!("MOCK-{number:04}"))),
            ("is_invoice_generated", json!(false)),
            ("customer_id", customer["id"].clone()),
            ("customer", customer.clone()),
            ("product_id", checkout["product_id"].clone()),
            ("product", product),
            ("checkout_id", checkout["id"].clone()),
            (
                "subscription_id",
                subscription.map_or(Value::Null, |s| s["id"].clone()),
            ),
            (
                "subscription",
                subscription.map_or(Value::Null, |s| {
                    let mut s = s.clone();
                    if let Some(s) = s.as_object_mut() {
                        for key in ["customer", "product", "discount", "prices", "meters"] {
                            s.remove(key);
                        }
                    }
                    s
                }),
            ),
            ("items", json!([item])),
            (
                "metadata",
                checkout.get("metadata").cloned().unwrap_or(json!({})),
            ),
            ("description", checkout["product"]["name"].clone()),
        ] {
            set(&mut order, key, value);
        }
        for key in [
            "discount_id",
            "discount",
            "next_payment_attempt_at",
            "receipt_number",
        ] {
            set(&mut order, key, Value::Null);
        }
        self.orders.push(order.clone());
        order
    }

    /// Grant `benefit`: the grant, and a license key for a license-keys
    /// benefit; emits `benefit_grant.created`.
    fn grant(
        &mut self,
        benefit: &Value,
        customer: &Value,
        subscription: Option<&Value>,
        order: &Value,
    ) -> (String, Option<String>) {
        let kind = str_of(benefit, "type").to_owned();
        let schema = match kind.as_str() {
            "license_keys" => "BenefitGrantLicenseKeysWebhook",
            "discord" => "BenefitGrantDiscordWebhook",
            "github_repository" => "BenefitGrantGitHubRepositoryWebhook",
            "downloadables" => "BenefitGrantDownloadablesWebhook",
            "meter_credit" => "BenefitGrantMeterCreditWebhook",
            "feature_flag" => "BenefitGrantFeatureFlagWebhook",
            "slack_shared_channel" => "BenefitGrantSlackSharedChannelWebhook",
            _ => "BenefitGrantCustomWebhook",
        };
        let mut grant = self.fresh(schema);
        let grant_id = str_of(&grant, "id").to_owned();
        let key_id = (kind == "license_keys").then(|| self.new_license_key(benefit, customer));
        let properties = match &key_id {
            Some(key_id) => {
                let key = &self.license_keys[self.license_keys.len() - 1];
                json!({"license_key_id": key_id, "display_key": key["display_key"]})
            }
            None => json!({}),
        };
        for (key, value) in [
            ("granted_at", json!(now())),
            ("is_granted", json!(true)),
            ("is_revoked", json!(false)),
            ("revoked_at", Value::Null),
            (
                "subscription_id",
                subscription.map_or(Value::Null, |s| s["id"].clone()),
            ),
            ("order_id", order["id"].clone()),
            ("customer_id", customer["id"].clone()),
            ("customer", customer.clone()),
            ("member_id", Value::Null),
            ("member", Value::Null),
            ("benefit_id", benefit["id"].clone()),
            ("benefit", benefit.clone()),
            ("error", Value::Null),
            ("properties", properties),
            ("previous_properties", Value::Null),
        ] {
            set(&mut grant, key, value);
        }
        self.grants.push(grant.clone());
        self.emit("benefit_grant.created", grant);
        (grant_id, key_id)
    }
}

/// The order as it was created, before its payment: `pending`, nothing
/// paid yet.
pub(super) fn pending(order: &Value) -> Value {
    let mut pending = order.clone();
    set(&mut pending, "status", json!("pending"));
    set(&mut pending, "paid", json!(false));
    set(&mut pending, "due_amount", order["total_amount"].clone());
    pending
}

/// `start` plus `count` intervals (`day`, `week`, `month`, `year`).
pub(crate) fn advance(start: &str, interval: &str, count: u64) -> String {
    let Ok(start) = DateTime::parse_from_rfc3339(start) else {
        return start.to_owned();
    };
    let start = start.with_timezone(&Utc);
    let count32 = u32::try_from(count).unwrap_or(1);
    let end = match interval {
        "day" => start.checked_add_signed(TimeDelta::days(count as i64)),
        "week" => start.checked_add_signed(TimeDelta::weeks(count as i64)),
        "year" => start.checked_add_months(Months::new(12 * count32)),
        _ => start.checked_add_months(Months::new(count32)),
    };
    end.unwrap_or(start)
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}
