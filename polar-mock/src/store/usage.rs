//! Usage events (de-duplicated by `external_id`) and meters over them.

use serde_json::{json, Value};

use super::{now, position, set, str_of, ApiError, Store};

impl Store {
    /// `events:ingest`: an event whose `external_id` the mock already has
    /// (or that an earlier event of the same batch has) is a duplicate and
    /// is not stored; the answer counts both, as Polar's does.
    pub(crate) fn ingest(&mut self, body: &Value) -> Result<Value, ApiError> {
        let mut inserted = 0;
        let mut duplicates = 0;
        for (i, create) in body["events"].as_array().into_iter().flatten().enumerate() {
            if let Some(external) = create["external_id"].as_str() {
                if self
                    .events
                    .iter()
                    .any(|e| e["external_id"].as_str() == Some(external))
                {
                    duplicates += 1;
                    continue;
                }
            }
            let customer = match (
                create["customer_id"].as_str(),
                create["external_customer_id"].as_str(),
            ) {
                (Some(id), _) => match position(&self.customers, id) {
                    Some(index) => Some(self.customers[index].clone()),
                    None => {
                        return Err(ApiError::invalid(
                            &["body", "events", &i.to_string(), "customer_id"],
                            "Customer does not exist.",
                            &json!(id),
                        ))
                    }
                },
                // Polar keeps events of external ids it does not know yet.
                (None, Some(external)) => self
                    .customer_by_external(external)
                    .map(|i| self.customers[i].clone()),
                (None, None) => None,
            };
            let mut event = self.fresh("UserEvent");
            for (key, value) in [
                (
                    "timestamp",
                    create
                        .get("timestamp")
                        .cloned()
                        .unwrap_or_else(|| json!(now())),
                ),
                ("name", create["name"].clone()),
                ("label", create["name"].clone()),
                ("source", json!("user")),
                (
                    "metadata",
                    create.get("metadata").cloned().unwrap_or(json!({})),
                ),
                (
                    "external_id",
                    create.get("external_id").cloned().unwrap_or(Value::Null),
                ),
                (
                    "customer_id",
                    customer.as_ref().map_or(Value::Null, |c| c["id"].clone()),
                ),
                ("customer", customer.clone().unwrap_or(Value::Null)),
                (
                    "external_customer_id",
                    create
                        .get("external_customer_id")
                        .cloned()
                        .or_else(|| customer.as_ref().map(|c| c["external_id"].clone()))
                        .unwrap_or(Value::Null),
                ),
                (
                    "parent_id",
                    create.get("parent_id").cloned().unwrap_or(Value::Null),
                ),
                ("member_id", Value::Null),
                ("external_member_id", Value::Null),
                ("child_count", json!(0)),
            ] {
                set(&mut event, key, value);
            }
            self.events.push(event);
            inserted += 1;
        }
        Ok(json!({"inserted": inserted, "duplicates": duplicates}))
    }

    /// `meters:create`.
    pub(crate) fn create_meter(&mut self, body: &Value) -> Result<Value, ApiError> {
        let mut meter = self.fresh("Meter");
        super::overlay(&mut meter, body, &["organization_id"]);
        if body.get("metadata").is_none() {
            set(&mut meter, "metadata", json!({}));
        }
        self.meters.push(meter.clone());
        Ok(meter)
    }

    /// `meters:quantities`: the meter's aggregation over the events its
    /// filter matches (in the time range and of the customer asked for),
    /// as one quantity for the whole range.
    pub(crate) fn meter_quantities(
        &self,
        id: &str,
        query: &serde_json::Map<String, Value>,
    ) -> Result<Value, ApiError> {
        let index = position(&self.meters, id).ok_or_else(|| ApiError::not_found("Meter"))?;
        let meter = &self.meters[index];
        let start = query
            .get("start_timestamp")
            .and_then(Value::as_str)
            .unwrap_or("");
        let end = query
            .get("end_timestamp")
            .and_then(Value::as_str)
            .unwrap_or("9999");
        let matching: Vec<&Value> = self
            .events
            .iter()
            .filter(|e| {
                let at = str_of(e, "timestamp");
                at >= start && at <= end
            })
            .filter(|e| wanted(query.get("customer_id"), &e["customer_id"]))
            .filter(|e| {
                wanted(
                    query.get("external_customer_id"),
                    &e["external_customer_id"],
                )
            })
            .filter(|e| filter_matches(&meter["filter"], e))
            .collect();
        let property = str_of(&meter["aggregation"], "property");
        let values: Vec<f64> = matching
            .iter()
            .filter_map(|e| property_value(e, property))
            .collect();
        let total = match str_of(&meter["aggregation"], "func") {
            "sum" => values.iter().sum(),
            "max" => values.iter().copied().fold(f64::NAN, f64::max),
            "min" => values.iter().copied().fold(f64::NAN, f64::min),
            "avg" if !values.is_empty() => values.iter().sum::<f64>() / values.len() as f64,
            "avg" => 0.0,
            "unique" => {
                let mut seen: Vec<String> = matching
                    .iter()
                    .map(|e| property_text(e, property))
                    .collect();
                seen.sort();
                seen.dedup();
                seen.len() as f64
            }
            _ => matching.len() as f64,
        };
        let total = if total.is_nan() { 0.0 } else { total };
        let at = if start.is_empty() {
            now()
        } else {
            start.to_owned()
        };
        Ok(json!({"quantities": [{"timestamp": at, "quantity": total}], "total": total}))
    }
}

fn wanted(filter: Option<&Value>, actual: &Value) -> bool {
    match filter {
        None => true,
        Some(Value::Array(values)) => values.iter().any(|v| v == actual),
        Some(value) => value == actual,
    }
}

/// An event's property: `name`, `timestamp`, or `metadata.<key>` (or a
/// bare metadata key).
fn property<'a>(event: &'a Value, property: &str) -> Option<&'a Value> {
    match property {
        "name" | "timestamp" | "source" => event.get(property),
        _ => {
            let key = property.strip_prefix("metadata.").unwrap_or(property);
            event["metadata"].get(key)
        }
    }
}

fn property_value(event: &Value, name: &str) -> Option<f64> {
    property(event, name).and_then(Value::as_f64)
}

fn property_text(event: &Value, name: &str) -> String {
    property(event, name)
        .map(|v| v.to_string())
        .unwrap_or_default()
}

/// A meter filter (`{conjunction, clauses}`, clauses nesting) against an
/// event.
fn filter_matches(filter: &Value, event: &Value) -> bool {
    let clauses = filter["clauses"].as_array().cloned().unwrap_or_default();
    if clauses.is_empty() {
        return true;
    }
    let results = clauses.iter().map(|clause| {
        if clause.get("clauses").is_some() {
            return filter_matches(clause, event);
        }
        let actual = property(event, str_of(clause, "property"));
        let expected = &clause["value"];
        let number = |v: &Value| {
            v.as_f64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        };
        let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
        match (str_of(clause, "operator"), actual) {
            (_, None) => false,
            ("eq", Some(a)) => text(a) == text(expected),
            ("ne", Some(a)) => text(a) != text(expected),
            ("like", Some(a)) => text(a).contains(text(expected).trim_matches('%')),
            ("not_like", Some(a)) => !text(a).contains(text(expected).trim_matches('%')),
            (op, Some(a)) => match (number(a), number(expected)) {
                (Some(a), Some(b)) => match op {
                    "gt" => a > b,
                    "gte" => a >= b,
                    "lt" => a < b,
                    "lte" => a <= b,
                    _ => false,
                },
                _ => false,
            },
        }
    });
    let results: Vec<bool> = results.collect();
    if str_of(filter, "conjunction") == "or" {
        results.into_iter().any(|r| r)
    } else {
        results.into_iter().all(|r| r)
    }
}
