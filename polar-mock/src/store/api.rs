//! The operations the stateful mock answers from its [`Store`]; every
//! other operation keeps answering its fixture.

use serde_json::{json, Map, Value};

use super::{position, set, str_of, ApiError, Endpoint, ListQuery, StateError, Store};
use crate::server::decode::Inputs;

/// A stateful answer: a status and a body (`Value::Null`: none).
pub(crate) type Answered = Result<(u16, Value), ApiError>;

/// What a request is, for the store.
pub(crate) struct Call<'a> {
    pub operation: &'a str,
    pub inputs: &'a Inputs,
    /// The bearer token, for the customer portal.
    pub token: Option<&'a str>,
    /// The API version the request is answered as.
    pub version: &'static str,
    /// The mock's base URL, for the URLs it makes.
    pub base_url: &'a str,
}

impl From<StateError> for ApiError {
    fn from(err: StateError) -> ApiError {
        match err {
            StateError::NotFound { kind, .. } => ApiError::not_found(kind),
            StateError::Conflict(why) => ApiError::not_permitted(why),
            StateError::Invalid(why) => ApiError::new(400, "BadRequest", why),
        }
    }
}

fn ok(value: Value) -> Answered {
    Ok((200, value))
}

fn created(value: Value) -> Answered {
    Ok((201, value))
}

/// The store's answer to `call`, or `None` for an operation it does not
/// keep (or a portal call with a token it did not issue).
pub(crate) fn answer(store: &mut Store, call: &Call<'_>) -> Option<Answered> {
    let inputs = call.inputs;
    let body = inputs.body.clone().unwrap_or(Value::Null);
    let path = |name: &str| {
        inputs
            .path
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let id = path("id");
    let list = |items: Vec<Value>| {
        ok(ListQuery {
            query: &inputs.query,
        }
        .page(items))
    };
    let get = |items: &[Value], what: &str| -> Answered {
        position(items, &id)
            .map(|i| items[i].clone())
            .ok_or_else(|| ApiError::not_found(what))
            .and_then(ok)
    };

    if let Some(portal) = call.operation.strip_prefix("customer_portal:") {
        return portal_answer(store, call, portal, &body, &id);
    }

    Some(match call.operation {
        "products:create" => store.create_product(&body).and_then(created),
        "products:get" => get(&store.products, "Product"),
        "products:list" => list(store.products.clone()),
        "products:update" => store.update_product(&id, &body).and_then(ok),
        "products:update_benefits" => store.set_product_benefits(&id, &body).and_then(ok),

        "benefits:create" => store.create_benefit(&body).and_then(created),
        "benefits:get" => get(&store.benefits, "Benefit"),
        "benefits:list" => list(store.benefits.clone()),
        "benefits:update" => store.update_benefit(&id, &body).and_then(ok),
        "benefits:delete" => match position(&store.benefits, &id) {
            Some(index) => {
                set(&mut store.benefits[index], "is_deleted", json!(true));
                Ok((204, Value::Null))
            }
            None => Err(ApiError::not_found("Benefit")),
        },
        "benefits:grants" => list(
            store
                .grants
                .iter()
                .filter(|g| str_of(g, "benefit_id") == id)
                .cloned()
                .collect(),
        ),
        "benefit-grants:list" => list(store.grants.clone()),

        "customers:create" => store.create_customer(&body).and_then(created),
        "customers:list" => list(live(&store.customers)),
        "customers:get" => store
            .customer_index(&id)
            .map(|i| store.customers[i].clone())
            .and_then(ok),
        "customers:get_external" => external(store, &path("external_id"))
            .map(|i| store.customers[i].clone())
            .and_then(ok),
        "customers:update" => store
            .customer_index(&id)
            .and_then(|i| store.update_customer(i, &body))
            .and_then(ok),
        "customers:update_external" => external(store, &path("external_id"))
            .and_then(|i| store.update_customer(i, &body))
            .and_then(ok),
        "customers:delete" => store.customer_index(&id).map(|i| {
            store.delete_customer(i);
            (204, Value::Null)
        }),
        "customers:delete_external" => external(store, &path("external_id")).map(|i| {
            store.delete_customer(i);
            (204, Value::Null)
        }),
        "customers:get_state" => store
            .customer_index(&id)
            .map(|_| store.customer_state(&id))
            .and_then(ok),
        "customers:get_state_external" => external(store, &path("external_id"))
            .map(|i| store.customer_state(str_of(&store.customers[i], "id")))
            .and_then(ok),
        "customer-sessions:create" => store.create_session(&body).and_then(created),

        "checkouts:create" => store
            .create_checkout(&body, call.base_url)
            .and_then(created),
        "checkouts:get" => get(&store.checkouts, "Checkout"),
        "checkouts:list" => list(store.checkouts.clone()),
        "checkouts:update" => match position(&store.checkouts, &id) {
            Some(index) => {
                let checkout = &mut store.checkouts[index];
                super::overlay(
                    checkout,
                    &body,
                    &["products", "product_price_id", "amount", "discount_code"],
                );
                set(checkout, "modified_at", json!(super::now()));
                let checkout = checkout.clone();
                store.emit("checkout.updated", checkout.clone());
                ok(checkout)
            }
            None => Err(ApiError::not_found("Checkout")),
        },
        "checkouts:client_get" => {
            let secret = path("client_secret");
            store
                .checkouts
                .iter()
                .find(|c| str_of(c, "client_secret") == secret)
                .cloned()
                .ok_or_else(|| ApiError::not_found("Checkout"))
                .and_then(ok)
        }

        "checkouts:client_confirm" => client_confirm(store, &path("client_secret"), &body),

        "orders:list" => list(store.orders.clone()),
        "orders:get" => get(&store.orders, "Order"),
        "refunds:list" => list(store.refunds.clone()),
        "refunds:create" => store
            .refund_order(
                str_of(&body, "order_id"),
                body["amount"].as_i64(),
                body["reason"].as_str().unwrap_or("customer_request"),
                body["revoke_benefits"].as_bool().unwrap_or(false),
            )
            .and_then(created),

        "subscriptions:list" => list(store.subscriptions.clone()),
        "subscriptions:get" => get(&store.subscriptions, "Subscription"),
        "subscriptions:revoke" => store
            .revoke_subscription(&id)
            .map_err(ApiError::from)
            .and_then(ok),
        "subscriptions:update" => update_subscription(store, &id, &body),

        "license_keys:list" => list(store.license_keys.clone()),
        "license_keys:get" => store.key_with_activations(&id).and_then(ok),
        "license_keys:update" => store.update_key(&id, &body).and_then(ok),
        "license_keys:get_activation" => {
            let activation = path("activation_id");
            store
                .activations
                .iter()
                .find(|a| str_of(a, "id") == activation && str_of(a, "license_key_id") == id)
                .cloned()
                .ok_or_else(|| ApiError::not_found("License key activation"))
                .and_then(ok)
        }
        "license_keys:validate" => store.validate_key(&body, None).and_then(ok),
        "license_keys:activate" => store.activate_key(&body, None).and_then(ok),
        "license_keys:deactivate" => store
            .deactivate_key(&body, None)
            .map(|()| (204, Value::Null)),

        "events:ingest" => store.ingest(&body).and_then(ok),
        "events:list" => list(store.events.clone()),
        "events:get" => get(&store.events, "Event"),
        "meters:create" => store.create_meter(&body).and_then(created),
        "meters:get" => get(&store.meters, "Meter"),
        "meters:list" => list(store.meters.clone()),
        "meters:quantities" => store.meter_quantities(&id, &inputs.query).and_then(ok),

        "webhooks:create_webhook_endpoint" => {
            let endpoint = create_endpoint(store, &body, call.version);
            created(endpoint)
        }
        "webhooks:list_webhook_endpoints" => {
            list(store.endpoints.iter().map(|e| e.json.clone()).collect())
        }
        "webhooks:get_webhook_endpoint" => endpoint_index(store, &id)
            .map(|i| store.endpoints[i].json.clone())
            .and_then(ok),
        "webhooks:update_webhook_endpoint" => endpoint_index(store, &id).and_then(|i| {
            let endpoint = &mut store.endpoints[i].json;
            super::overlay(endpoint, &body, &[]);
            set(endpoint, "modified_at", json!(super::now()));
            ok(endpoint.clone())
        }),
        "webhooks:delete_webhook_endpoint" => endpoint_index(store, &id).map(|i| {
            store.endpoints.remove(i);
            (204, Value::Null)
        }),
        _ => return None,
    })
}

/// The customer portal, scoped to the session's customer. Validating,
/// activating and deactivating a license key take no session.
fn portal_answer(
    store: &mut Store,
    call: &Call<'_>,
    operation: &str,
    body: &Value,
    id: &str,
) -> Option<Answered> {
    match operation {
        "license_keys:validate" => return Some(store.validate_key(body, None).and_then(ok)),
        "license_keys:activate" => return Some(store.activate_key(body, None).and_then(ok)),
        "license_keys:deactivate" => {
            return Some(
                store
                    .deactivate_key(body, None)
                    .map(|()| (204, Value::Null)),
            )
        }
        _ => {}
    }
    let customer = store.session_customer(call.token?)?;
    let mine = |items: &[Value]| -> Vec<Value> {
        items
            .iter()
            .filter(|item| str_of(item, "customer_id") == customer)
            .cloned()
            .collect()
    };
    let list = |items: Vec<Value>| {
        ok(ListQuery {
            query: &call.inputs.query,
        }
        .page(items))
    };
    let get = |items: Vec<Value>, what: &str| -> Answered {
        items
            .into_iter()
            .find(|item| str_of(item, "id") == id)
            .ok_or_else(|| ApiError::not_found(what))
            .and_then(ok)
    };
    Some(match operation {
        "customers:get" => store
            .customer_index(&customer)
            .map(|i| store.customers[i].clone())
            .and_then(ok),
        "subscriptions:list" => list(mine(&store.subscriptions)),
        "subscriptions:get" => get(mine(&store.subscriptions), "Subscription"),
        "subscriptions:cancel" => match mine(&store.subscriptions)
            .iter()
            .any(|s| str_of(s, "id") == id)
        {
            true => store
                .cancel_subscription(id, None)
                .map_err(ApiError::from)
                .and_then(ok),
            false => Err(ApiError::not_found("Subscription")),
        },
        "subscriptions:update" => match mine(&store.subscriptions)
            .iter()
            .any(|s| str_of(s, "id") == id)
        {
            true => update_subscription(store, id, body),
            false => Err(ApiError::not_found("Subscription")),
        },
        "orders:list" => list(mine(&store.orders)),
        "orders:get" => get(mine(&store.orders), "Order"),
        // Polar's portal does not show revoked grants.
        "benefit-grants:list" => list(unrevoked(mine(&store.grants))),
        "benefit-grants:get" => get(unrevoked(mine(&store.grants)), "Benefit grant"),
        "benefit-grants:update" => store.portal_update_grant(&customer, id, body).and_then(ok),
        "license_keys:list" => list(mine(&store.license_keys)),
        "license_keys:get" => match mine(&store.license_keys)
            .iter()
            .any(|k| str_of(k, "id") == id)
        {
            true => store.key_with_activations(id).and_then(ok),
            false => Err(ApiError::not_found("License key")),
        },
        _ => return None,
    })
}

/// `subscriptions:update`: a cancellation (`cancel_at_period_end`), its
/// undoing, or a revocation (`revoke: true`); other changes are kept as
/// given.
fn update_subscription(store: &mut Store, id: &str, body: &Value) -> Answered {
    let result = if body["revoke"] == json!(true) {
        store.revoke_subscription(id)
    } else if body["cancel_at_period_end"] == json!(true) {
        store.cancel_subscription(id, body.get("customer_cancellation_reason"))
    } else if body["cancel_at_period_end"] == json!(false) {
        store.uncancel_subscription(id)
    } else {
        let index = position(&store.subscriptions, id)
            .ok_or_else(|| ApiError::not_found("Subscription"))?;
        let subscription = &mut store.subscriptions[index];
        if let Some(metadata) = body.get("metadata") {
            set(subscription, "metadata", metadata.clone());
        }
        set(subscription, "modified_at", json!(super::now()));
        let subscription = subscription.clone();
        store.emit("subscription.updated", subscription.clone());
        Ok(subscription)
    };
    result.map_err(ApiError::from).and_then(ok)
}

/// The customer confirms the checkout from its page: the customer's
/// details it sends are kept, and the checkout completes as
/// [`Store::complete_checkout`] does (the payment succeeds at once).
fn client_confirm(store: &mut Store, client_secret: &str, body: &Value) -> Answered {
    let index = store
        .checkouts
        .iter()
        .position(|c| str_of(c, "client_secret") == client_secret)
        .ok_or_else(|| ApiError::not_found("Checkout"))?;
    let keep = [
        "customer_name",
        "customer_email",
        "customer_billing_name",
        "customer_billing_address",
        "customer_tax_id",
    ];
    super::copy_fields(&mut store.checkouts[index], body, &keep);
    let id = str_of(&store.checkouts[index], "id").to_owned();
    store.complete_checkout(&id)?;
    // The answer is the confirmed checkout (its schema's status is the
    // constant `confirmed`); reading it again shows it succeeded.
    let mut confirmed = store.checkouts[index].clone();
    set(&mut confirmed, "status", json!("confirmed"));
    ok(confirmed)
}

fn unrevoked(grants: Vec<Value>) -> Vec<Value> {
    grants
        .into_iter()
        .filter(|g| g["is_revoked"] != json!(true))
        .collect()
}

fn live(customers: &[Value]) -> Vec<Value> {
    customers
        .iter()
        .filter(|c| c["deleted_at"].is_null())
        .cloned()
        .collect()
}

fn external(store: &Store, external_id: &str) -> Result<usize, ApiError> {
    store
        .customer_by_external(external_id)
        .ok_or_else(|| ApiError::not_found("Customer"))
}

fn endpoint_index(store: &Store, id: &str) -> Result<usize, ApiError> {
    store
        .endpoints
        .iter()
        .position(|e| e.id() == id)
        .ok_or_else(|| ApiError::not_found("Webhook endpoint"))
}

/// A webhook endpoint from a `WebhookEndpointCreate` body (and, from a
/// test helper, a secret), sent payloads of `version`.
pub(crate) fn create_endpoint(store: &mut Store, body: &Value, version: &'static str) -> Value {
    let mut endpoint = store.fresh("WebhookEndpoint");
    let secret = match body["secret"].as_str() {
        Some(secret) => secret.to_owned(),
        None => {
            // 32 bytes as hex: text that is valid base64 too, so it reads
            // the same both ways a `WebhookSecret` reads a secret.
            let id = store.new_id().replace('-', "");
            format!("whsec_{id}{}", str_of(&endpoint, "id").replace('-', ""))
        }
    };
    super::overlay(&mut endpoint, body, &["secret"]);
    set(&mut endpoint, "secret", json!(secret));
    set(
        &mut endpoint,
        "enabled",
        body.get("enabled").cloned().unwrap_or(json!(true)),
    );
    if body.get("name").is_none() {
        set(&mut endpoint, "name", Value::Null);
    }
    store.endpoints.push(Endpoint {
        json: endpoint.clone(),
        api_version: version,
    });
    endpoint
}

/// `answer` in the shape of the operation's response `template` (its
/// fixture): a list's items and pagination, or one object.
pub(crate) fn shape(answer: &Value, template: &Value) -> Value {
    match (
        answer.get("items"),
        template.get("items").and_then(|items| items.get(0)),
    ) {
        (Some(Value::Array(items)), Some(item_template)) => {
            let items: Vec<Value> = items
                .iter()
                .map(|item| super::fit(item, item_template))
                .collect();
            let mut pagination = Map::new();
            let ours = &answer["pagination"];
            if let Some(keys) = template["pagination"].as_object() {
                for (key, default) in keys {
                    let value = match key.as_str() {
                        "has_next_page" => json!(false),
                        _ => ours.get(key).cloned().unwrap_or_else(|| default.clone()),
                    };
                    pagination.insert(key.clone(), value);
                }
            }
            let mut out = super::fit(answer, template);
            set(&mut out, "items", json!(items));
            set(&mut out, "pagination", Value::Object(pagination));
            out
        }
        _ => super::fit(answer, template),
    }
}
