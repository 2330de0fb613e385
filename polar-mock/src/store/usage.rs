//! Usage events (de-duplicated by `external_id`) and meters over them.

use chrono::{DateTime, Datelike, Months, SecondsFormat, TimeDelta, Timelike, Utc};
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
                if self.event_external_ids.contains(external) {
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
            if let Some(external) = create["external_id"].as_str() {
                self.event_external_ids.insert(external.to_owned());
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

    /// `meters:quantities`, as Polar's server computes it: one quantity per
    /// interval from `start_timestamp` (then every interval after it, up
    /// to `end_timestamp` included), each the meter's aggregation of the
    /// events (of the customers asked for, with the metadata asked for,
    /// matching the meter's filter) that fall in the same hour, day,
    /// ISO week, month or year as the bucket's timestamp (truncated in
    /// UTC); empty buckets are 0, and the total is the sum of the
    /// buckets. With `customer_aggregation_function`, a bucket's quantity
    /// is first computed per customer, then aggregated with that function.
    pub(crate) fn meter_quantities(
        &self,
        id: &str,
        query: &serde_json::Map<String, Value>,
    ) -> Result<Value, ApiError> {
        let index = position(&self.meters, id).ok_or_else(|| ApiError::not_found("Meter"))?;
        let meter = &self.meters[index];
        let timestamp = |key: &str| -> Result<DateTime<Utc>, ApiError> {
            let text = query.get(key).and_then(Value::as_str).unwrap_or_default();
            DateTime::parse_from_rfc3339(text)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| {
                    ApiError::invalid(
                        &["query", key],
                        "Input should be a valid datetime",
                        &json!(text),
                    )
                })
        };
        let start = timestamp("start_timestamp")?;
        let end = timestamp("end_timestamp")?;
        let interval = query
            .get("interval")
            .and_then(Value::as_str)
            .unwrap_or("day");
        let (unit, max_days) = match interval {
            "hour" => (Unit::Hour, 7),
            "week" => (Unit::Week, 365),
            "month" => (Unit::Month, 365 * 4),
            "year" => (Unit::Year, 365 * 10),
            _ => (Unit::Day, 366),
        };
        if (end.date_naive() - start.date_naive()).num_days() > max_days {
            return Err(ApiError::invalid(
                &["query"],
                "The interval is too small for the given date range. \
                 Use a larger interval or reduce the date range.",
                &json!([start.to_rfc3339(), end.to_rfc3339(), interval]),
            ));
        }
        let matching: Vec<(DateTime<Utc>, &Value)> = self
            .events
            .iter()
            .filter(|e| wanted(query.get("customer_id"), &e["customer_id"]))
            .filter(|e| {
                wanted(
                    query.get("external_customer_id"),
                    &e["external_customer_id"],
                )
            })
            .filter(|e| metadata_matches(query.get("metadata"), &e["metadata"]))
            .filter(|e| filter_matches(&meter["filter"], e))
            .filter_map(|e| {
                DateTime::parse_from_rfc3339(str_of(e, "timestamp"))
                    .ok()
                    .map(|at| (at.with_timezone(&Utc), e))
            })
            .collect();
        let aggregation = &meter["aggregation"];
        let per_customer = query
            .get("customer_aggregation_function")
            .and_then(Value::as_str);
        let mut quantities = Vec::new();
        let mut total = 0.0;
        let mut at = Some(start);
        while let Some(bucket) = at.filter(|t| *t <= end) {
            let period = unit.truncate(bucket);
            let events: Vec<&Value> = matching
                .iter()
                .filter(|(at, _)| unit.truncate(*at) == period)
                .map(|(_, e)| *e)
                .collect();
            let quantity = match per_customer {
                Some(function) => {
                    let mut customers: Vec<(String, Vec<&Value>)> = Vec::new();
                    for event in events {
                        let who = match event["customer_id"].as_str() {
                            Some(id) => id.to_owned(),
                            None => str_of(event, "external_customer_id").to_owned(),
                        };
                        match customers.iter_mut().find(|(c, _)| *c == who) {
                            Some((_, mine)) => mine.push(event),
                            None => customers.push((who, vec![event])),
                        }
                    }
                    let each: Vec<f64> = customers
                        .iter()
                        .map(|(_, mine)| aggregate(aggregation, mine))
                        .collect();
                    combine(function, &each)
                }
                None => aggregate(aggregation, &events),
            };
            total += quantity;
            quantities.push(json!({
                "timestamp": bucket.to_rfc3339_opts(SecondsFormat::AutoSi, true),
                "quantity": quantity,
            }));
            // A step added to the previous one, as PostgreSQL's
            // `generate_series` does (Jan 31, Feb 28, Mar 28, ...).
            at = unit.next(bucket);
        }
        Ok(json!({"quantities": quantities, "total": total}))
    }
}

/// The interval of a meter's quantities.
#[derive(Clone, Copy)]
enum Unit {
    Hour,
    Day,
    Week,
    Month,
    Year,
}

impl Unit {
    /// The start of the period `at` falls in (PostgreSQL's `date_trunc`
    /// in UTC: a week starts on Monday).
    fn truncate(self, at: DateTime<Utc>) -> DateTime<Utc> {
        let date = at.date_naive();
        let day = match self {
            Unit::Hour => {
                let hour = date.and_hms_opt(at.hour(), 0, 0).unwrap_or_default();
                return hour.and_utc();
            }
            Unit::Day => date,
            Unit::Week => date - TimeDelta::days(i64::from(date.weekday().num_days_from_monday())),
            Unit::Month => date.with_day(1).unwrap_or(date),
            Unit::Year => date.with_ordinal(1).unwrap_or(date),
        };
        day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
    }

    fn next(self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Unit::Hour => at.checked_add_signed(TimeDelta::hours(1)),
            Unit::Day => at.checked_add_signed(TimeDelta::days(1)),
            Unit::Week => at.checked_add_signed(TimeDelta::weeks(1)),
            Unit::Month => at.checked_add_months(Months::new(1)),
            Unit::Year => at.checked_add_months(Months::new(12)),
        }
    }
}

/// The meter's aggregation (`count`, `sum`, `max`, `min`, `avg`,
/// `unique`) of `events`; 0 when there is nothing to aggregate.
fn aggregate(aggregation: &Value, events: &[&Value]) -> f64 {
    let property = str_of(aggregation, "property");
    let function = str_of(aggregation, "func");
    if function == "unique" {
        let mut seen: Vec<String> = events.iter().map(|e| property_text(e, property)).collect();
        seen.sort();
        seen.dedup();
        return seen.len() as f64;
    }
    if !matches!(function, "sum" | "max" | "min" | "avg") {
        return events.len() as f64;
    }
    let values: Vec<f64> = events
        .iter()
        .filter_map(|e| property_value(e, property))
        .collect();
    combine(function, &values)
}

/// `function` over numbers (`count`, `sum`, `max`, `min`, `avg`,
/// `unique`); 0 over none.
fn combine(function: &str, values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    match function {
        "sum" => values.iter().sum(),
        "max" => values.iter().copied().fold(f64::MIN, f64::max),
        "min" => values.iter().copied().fold(f64::MAX, f64::min),
        "avg" => values.iter().sum::<f64>() / values.len() as f64,
        "unique" => {
            let mut seen: Vec<u64> = values.iter().map(|v| v.to_bits()).collect();
            seen.sort_unstable();
            seen.dedup();
            seen.len() as f64
        }
        _ => values.len() as f64,
    }
}

/// `metadata[key]=value` filters (any of the values, when repeated).
fn metadata_matches(filter: Option<&Value>, metadata: &Value) -> bool {
    filter.and_then(Value::as_object).is_none_or(|wanted| {
        wanted.iter().all(|(key, value)| {
            let actual = metadata.get(key).cloned().unwrap_or(Value::Null);
            let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
            match value {
                Value::Array(values) => values.iter().any(|v| text(v) == text(&actual)),
                value => text(value) == text(&actual),
            }
        })
    })
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
