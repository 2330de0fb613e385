//! The stateful core: an in-memory Polar organization (products and
//! prices, benefits, customers and their sessions, checkouts, orders,
//! subscriptions, benefit grants, license keys, refunds, usage events and
//! meters, webhook endpoints), kept as JSON in the shape of one API version
//! (the mock's default version), built from that version's fixtures so
//! that every field the mock does not model keeps a valid value.
//!
//! Sans I/O: each operation changes the [`Store`] and pushes the webhook
//! events the change emits onto its outbox; the server turns them into
//! deliveries.

mod api;
mod billing;
mod catalog;
mod grants;
mod licenses;
mod lifecycle;
#[cfg(test)]
mod tests;
mod usage;

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Map, Value};

pub(crate) use api::{answer, create_endpoint, shape, Call};

pub use billing::CompletedCheckout;

/// A problem the API answers with: its status and body.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub status: u16,
    pub body: Value,
}

impl ApiError {
    /// Polar's `{"error", "detail"}` shape.
    pub(crate) fn new(status: u16, error: &str, detail: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: json!({"error": error, "detail": detail.into()}),
        }
    }

    pub(crate) fn not_found(what: &str) -> ApiError {
        ApiError::new(404, "ResourceNotFound", format!("{what} not found"))
    }

    pub(crate) fn not_permitted(detail: impl Into<String>) -> ApiError {
        ApiError::new(403, "NotPermitted", detail)
    }

    /// FastAPI's 422 with one problem at `loc` (a segment of digits is a
    /// list index, a number in FastAPI's `loc`).
    pub(crate) fn invalid(loc: &[&str], msg: &str, input: &Value) -> ApiError {
        let loc: Vec<Value> = loc
            .iter()
            .map(|segment| {
                segment
                    .parse::<u64>()
                    .map_or_else(|_| json!(segment), |index| json!(index))
            })
            .collect();
        ApiError {
            status: 422,
            body: json!({"detail": [{"loc": loc, "msg": msg, "type": "value_error", "input": input}]}),
        }
    }
}

/// Why a test helper could not do what it was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StateError {
    /// No such object in the mock's state: its kind and id.
    NotFound {
        /// `"checkout"`, `"subscription"`, ...
        kind: &'static str,
        /// The id asked for.
        id: String,
    },
    /// The object is not in a state that allows it (a checkout already
    /// completed, a subscription already revoked, ...).
    Conflict(String),
    /// What was asked is not valid (an API version this build does not
    /// include, an unknown event, a secret that does not read).
    Invalid(String),
}

impl std::fmt::Display for StateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StateError::NotFound { kind, id } => write!(f, "no {kind} {id} in the mock"),
            StateError::Conflict(why) | StateError::Invalid(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for StateError {}

/// A webhook event a change emitted: its type and its `data`, in the
/// store's version.
#[derive(Debug, Clone)]
pub(crate) struct Emitted {
    pub event_type: String,
    pub data: Value,
}

/// A registered webhook endpoint (no `Debug`: it holds the secret).
#[derive(Clone)]
pub(crate) struct Endpoint {
    /// The `WebhookEndpoint` object, as the API answers it.
    pub json: Value,
    /// The API version its payloads are sent as.
    pub api_version: &'static str,
}

impl Endpoint {
    pub(crate) fn id(&self) -> &str {
        str_of(&self.json, "id")
    }
    pub(crate) fn url(&self) -> &str {
        str_of(&self.json, "url")
    }
    pub(crate) fn secret(&self) -> &str {
        str_of(&self.json, "secret")
    }
    pub(crate) fn wants(&self, event_type: &str) -> bool {
        self.json["enabled"].as_bool().unwrap_or(true)
            && self.json["events"]
                .as_array()
                .is_some_and(|events| events.iter().any(|e| e == event_type))
    }
}

/// Each mock's ids differ from every other mock's of the process.
static NEXT_STORE: AtomicU64 = AtomicU64::new(1);

/// The state of one mock.
pub(crate) struct Store {
    /// The API version whose shapes the objects are kept in.
    pub version: &'static str,
    seed: u64,
    counter: u64,
    pub products: Vec<Value>,
    pub benefits: Vec<Value>,
    pub customers: Vec<Value>,
    /// `(token, customer id)` of each customer session.
    pub sessions: Vec<(String, String)>,
    pub checkouts: Vec<Value>,
    pub orders: Vec<Value>,
    pub subscriptions: Vec<Value>,
    pub grants: Vec<Value>,
    pub license_keys: Vec<Value>,
    pub activations: Vec<Value>,
    pub refunds: Vec<Value>,
    pub events: Vec<Value>,
    /// The `external_id` of every stored event, for de-duplication
    /// without a scan of them all.
    event_external_ids: HashSet<String>,
    pub meters: Vec<Value>,
    pub endpoints: Vec<Endpoint>,
    /// What changes emitted, not yet delivered.
    pub outbox: Vec<Emitted>,
}

impl Store {
    /// Every object kept that has an id of its own: products, benefits,
    /// customers, checkouts, orders, subscriptions, benefit grants, license
    /// keys, refunds, events, meters.
    pub(crate) fn all_objects(&self) -> impl Iterator<Item = &Value> {
        [
            &self.products,
            &self.benefits,
            &self.customers,
            &self.checkouts,
            &self.orders,
            &self.subscriptions,
            &self.grants,
            &self.license_keys,
            &self.refunds,
            &self.events,
            &self.meters,
        ]
        .into_iter()
        .flat_map(|items| items.iter())
    }

    pub(crate) fn new(version: &'static str) -> Store {
        Store {
            version,
            seed: NEXT_STORE.fetch_add(1, Ordering::Relaxed),
            counter: 0,
            products: Vec::new(),
            benefits: Vec::new(),
            customers: Vec::new(),
            sessions: Vec::new(),
            checkouts: Vec::new(),
            orders: Vec::new(),
            subscriptions: Vec::new(),
            grants: Vec::new(),
            license_keys: Vec::new(),
            activations: Vec::new(),
            refunds: Vec::new(),
            events: Vec::new(),
            event_external_ids: HashSet::new(),
            meters: Vec::new(),
            endpoints: Vec::new(),
            outbox: Vec::new(),
        }
    }

    /// A new UUID (version 4, as Polar's), unique in the process.
    pub(crate) fn new_id(&mut self) -> String {
        self.counter += 1;
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.seed.to_be_bytes());
        bytes[8..].copy_from_slice(&self.counter.to_be_bytes());
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .to_string()
    }

    /// A number unique in this store, for tokens and keys.
    pub(crate) fn next_number(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    /// The fixture of component schema `name` of the store's version, as
    /// JSON (`Value::Null` when the version has no such schema).
    pub(crate) fn fixture(&self, name: &str) -> Value {
        schema_fixture(self.version, name)
    }

    /// A fixture of schema `name` with a new id and the current time.
    pub(crate) fn fresh(&mut self, name: &str) -> Value {
        let mut value = self.fixture(name);
        let id = self.new_id();
        let now = now();
        if let Some(object) = value.as_object_mut() {
            object.insert("id".into(), json!(id));
            for stamp in ["created_at", "modified_at"] {
                if object.contains_key(stamp) {
                    object.insert(stamp.into(), json!(now));
                }
            }
        }
        value
    }

    /// Record an event for the webhook endpoints.
    pub(crate) fn emit(&mut self, event_type: &str, data: Value) {
        self.outbox.push(Emitted {
            event_type: event_type.to_owned(),
            data,
        });
    }

    /// The customer a customer session token belongs to.
    pub(crate) fn session_customer(&self, token: &str) -> Option<String> {
        self.sessions
            .iter()
            .find(|(t, _)| t == token)
            .map(|(_, customer)| customer.clone())
    }
}

/// The fixture of schema `name` of `version`, as JSON.
pub(crate) fn schema_fixture(version: &str, name: &str) -> Value {
    crate::fixtures::schemas(version)
        .and_then(|schemas| schemas.iter().find(|(n, _)| *n == name))
        .and_then(|(_, json)| serde_json::from_str(json).ok())
        .unwrap_or(Value::Null)
}

/// Now, as Polar writes times (UTC, microseconds, `Z`).
pub(crate) fn now() -> String {
    let elapsed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    chrono::DateTime::from_timestamp(elapsed.as_secs() as i64, elapsed.subsec_micros() * 1000)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// `value[key]` as text (`""` when it is not a string).
pub(crate) fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// Set `key` on an object (nothing on other values).
pub(crate) fn set(value: &mut Value, key: &str, new: Value) {
    if let Some(object) = value.as_object_mut() {
        object.insert(key.to_owned(), new);
    }
}

/// Copy each of `keys` present in `from` onto `to`.
pub(crate) fn copy_fields(to: &mut Value, from: &Value, keys: &[&str]) {
    for key in keys {
        if let Some(v) = from.get(*key) {
            set(to, key, v.clone());
        }
    }
}

/// Copy every field of `from` onto `to`, except `skip`.
pub(crate) fn overlay(to: &mut Value, from: &Value, skip: &[&str]) {
    if let Some(fields) = from.as_object() {
        for (key, v) in fields {
            if !skip.contains(&key.as_str()) {
                set(to, key, v.clone());
            }
        }
    }
}

/// Index of the object with `id` in `items`.
pub(crate) fn position(items: &[Value], id: &str) -> Option<usize> {
    items.iter().position(|item| str_of(item, "id") == id)
}

/// `stored` in the shape of `template` (a fixture of the schema the answer
/// is decoded as): the fields `template` has, each taken from `stored` when
/// it has it, else from `template`. A nested entity (an object with an
/// `id`) that lacks some of the template's fields is fitted the same way
/// (a subscription's product where the schema wants its organization too);
/// other values are kept as stored (a union's variant keeps its own
/// fields). This keeps an answer of another version, or of a schema that
/// embeds more, valid for its schema.
pub(crate) fn fit(stored: &Value, template: &Value) -> Value {
    match (stored.as_object(), template.as_object()) {
        (Some(stored), Some(template)) => {
            let mut out = Map::new();
            for (key, default) in template {
                let value = match stored.get(key) {
                    Some(value) if narrower_entity(value, default) => fit(value, default),
                    Some(value) => value.clone(),
                    None => default.clone(),
                };
                out.insert(key.clone(), value);
            }
            Value::Object(out)
        }
        _ => stored.clone(),
    }
}

/// Whether `value` and `template` are entities and `value` lacks a field
/// of `template`.
fn narrower_entity(value: &Value, template: &Value) -> bool {
    match (value.as_object(), template.as_object()) {
        (Some(value), Some(template)) => {
            value.contains_key("id")
                && template.contains_key("id")
                && template.keys().any(|key| !value.contains_key(key))
        }
        _ => false,
    }
}

/// The query filters a list honours, by name, and the page asked for.
pub(crate) struct ListQuery<'a> {
    pub query: &'a Map<String, Value>,
}

impl ListQuery<'_> {
    fn number(&self, key: &str, default: u64) -> u64 {
        self.query
            .get(key)
            .and_then(Value::as_u64)
            .unwrap_or(default)
    }

    /// Keep the items every filter of the query matches: a parameter
    /// named like a top-level field matches its value (any of them, for a
    /// repeated parameter); `external_customer_id` the customer's external
    /// id; `query` a text search of names and emails; `metadata[key]` a
    /// metadata value; `active` a subscription's status. Then sort
    /// (`sorting`, default newest first) and take the page.
    pub(crate) fn page(&self, items: Vec<Value>) -> Value {
        let mut kept: Vec<Value> = items
            .into_iter()
            .filter(|item| self.matches(item))
            .collect();
        self.sort(&mut kept);
        let limit = self.number("limit", 10).clamp(1, 100);
        let page = self.number("page", 1).max(1);
        let total = kept.len() as u64;
        let max_page = total.div_ceil(limit);
        let items: Vec<Value> = kept
            .into_iter()
            .skip(((page - 1) * limit) as usize)
            .take(limit as usize)
            .collect();
        json!({"items": items, "pagination": {"total_count": total, "max_page": max_page}})
    }

    fn matches(&self, item: &Value) -> bool {
        self.query.iter().all(|(key, wanted)| match key.as_str() {
            "page" | "limit" | "sorting" | "organization_id" => true,
            "query" => {
                let needle = wanted.as_str().unwrap_or_default().to_lowercase();
                ["name", "email", "description", "key", "display_key"]
                    .iter()
                    .any(|field| str_of(item, field).to_lowercase().contains(&needle))
            }
            "external_customer_id" => {
                let actual = item
                    .get("external_customer_id")
                    .or_else(|| item.get("customer").and_then(|c| c.get("external_id")))
                    .cloned()
                    .unwrap_or(Value::Null);
                any_equal(wanted, &actual)
            }
            "active" if item.get("active").is_none() => {
                let active = matches!(str_of(item, "status"), "active" | "trialing");
                wanted.as_bool() == Some(active)
            }
            "metadata" => wanted.as_object().is_none_or(|wanted| {
                wanted.iter().all(|(k, v)| {
                    any_equal(v, &item["metadata"].get(k).cloned().unwrap_or_default())
                })
            }),
            field => match item.get(field) {
                Some(actual) => any_equal(wanted, actual),
                // A filter on what the mock does not keep: not applied.
                None => true,
            },
        })
    }

    fn sort(&self, items: &mut [Value]) {
        let sorting: Vec<String> = match self.query.get("sorting") {
            Some(Value::Array(keys)) => keys
                .iter()
                .filter_map(|k| k.as_str().map(str::to_owned))
                .collect(),
            Some(Value::String(key)) => vec![key.clone()],
            _ => vec!["-created_at".to_owned()],
        };
        // Stable, and the store keeps creation order: reversing first makes
        // "newest first" hold for equal timestamps too.
        items.reverse();
        for key in sorting.iter().rev() {
            let (field, descending) = match key.strip_prefix('-') {
                Some(field) => (field, true),
                None => (key.as_str(), false),
            };
            if descending {
                items.sort_by(|a, b| compare(&b[field], &a[field]));
            } else {
                items.sort_by(|a, b| compare(&a[field], &b[field]));
            }
        }
    }
}

fn compare(a: &Value, b: &Value) -> std::cmp::Ordering {
    match (a, b) {
        (Value::Number(a), Value::Number(b)) => a
            .as_f64()
            .partial_cmp(&b.as_f64())
            .unwrap_or(std::cmp::Ordering::Equal),
        _ => a
            .as_str()
            .unwrap_or_default()
            .cmp(b.as_str().unwrap_or_default()),
    }
}

/// Whether `actual` equals `wanted` or, for a repeated parameter, one of
/// its values.
fn any_equal(wanted: &Value, actual: &Value) -> bool {
    match wanted {
        Value::Array(values) => values.iter().any(|v| v == actual),
        wanted => wanted == actual,
    }
}

/// Counts of the store's objects, for `Debug` and the docs' examples.
#[allow(dead_code)]
pub(crate) fn counts(store: &Store) -> BTreeMap<&'static str, usize> {
    BTreeMap::from([
        ("products", store.products.len()),
        ("customers", store.customers.len()),
        ("checkouts", store.checkouts.len()),
        ("orders", store.orders.len()),
        ("subscriptions", store.subscriptions.len()),
        ("benefit_grants", store.grants.len()),
        ("license_keys", store.license_keys.len()),
        ("events", store.events.len()),
        ("webhook_endpoints", store.endpoints.len()),
    ])
}
