//! One request, from its bytes to the mock's answer: the API version, the
//! route, injected faults, credentials, validation of every input (and
//! their decoding into the client's types), then the answer — an override,
//! or the operation's fixture.

use bytes::Bytes;
use http::header::{HeaderValue, ALLOW, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use http::request::Parts;
use http::{Response, StatusCode};
use serde_json::{json, Value};

use super::body::MockBody;
use super::decode::{Inputs, Issues};
use super::routes::Matched;
use super::rules::Fault;
use super::state::{OperationInputs, VersionState};
use super::table::{Auth, Operation, Response as Success};
use super::validate::{Problem, Source};
use super::Shared;

/// The request header that selects the API version, and the response
/// header that says which one answered.
const VERSION_HEADER: &str = "polar-version";

/// What the mock does with a request.
pub(crate) enum Outcome {
    Respond(Response<MockBody>),
    /// Close the connection without answering.
    Close,
}

/// What a request was routed to, for the record.
#[derive(Default)]
pub(crate) struct Routed {
    pub operation_id: Option<&'static str>,
    pub api_version: Option<&'static str>,
}

pub(crate) async fn answer(
    shared: &Shared,
    parts: &Parts,
    body: &Bytes,
    routed: &mut Routed,
) -> Outcome {
    let requested = parts
        .headers
        .get(VERSION_HEADER)
        .map(|v| v.to_str().unwrap_or("").trim());
    let name = requested.unwrap_or(shared.default_version);
    let Some(state) = super::state::version(name) else {
        // Polar's answer to a version it does not serve: the bare 404 of
        // an unknown route, served as no version.
        return Outcome::Respond(json_response(404, None, &json!({"detail": "Not Found"})));
    };
    let version = state.table.version;
    routed.api_version = Some(version);
    let (index, path_params) = match state.router.find(parts.method.as_str(), parts.uri.path()) {
        Matched::Operation(index, params) => (index, params),
        Matched::MethodNotAllowed(methods) => {
            let mut response =
                json_response(405, Some(version), &json!({"detail": "Method Not Allowed"}));
            if let Ok(allow) = HeaderValue::from_str(&methods.join(", ")) {
                response.headers_mut().insert(ALLOW, allow);
            }
            return Outcome::Respond(response);
        }
        Matched::NotFound => {
            return Outcome::Respond(json_response(
                404,
                Some(version),
                &json!({"detail": "Not Found"}),
            ))
        }
    };
    let operation = &state.table.operations[index];
    routed.operation_id = Some(operation.id);

    let mut close_mid_response = false;
    match shared.rules.take_fault(operation.id, version) {
        Some(Fault::TooManyRequests { retry_after }) => {
            let seconds = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
            let mut response =
                json_response(429, Some(version), &json!({"detail": "Too Many Requests"}));
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(seconds));
            return Outcome::Respond(response);
        }
        Some(Fault::Status(status)) => {
            let reason = StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("Error");
            return Outcome::Respond(response(
                status,
                Some(version),
                Some("text/plain; charset=utf-8"),
                Bytes::from(reason),
            ));
        }
        Some(Fault::Delay(delay)) => tokio::time::sleep(delay).await,
        Some(Fault::CloseWithoutResponse) => return Outcome::Close,
        Some(Fault::CloseMidResponse) => close_mid_response = true,
        None => {}
    }

    if !authorized(shared, operation.auth, parts) {
        return Outcome::Respond(json_response(
            401,
            Some(version),
            &json!({"error": "Unauthorized", "detail": "Unauthorized"}),
        ));
    }

    let inputs = match read_inputs(
        state,
        &state.inputs[index],
        operation,
        &path_params,
        parts,
        body,
    ) {
        Ok(inputs) => inputs,
        Err(problems) => {
            return Outcome::Respond(json_response(
                422,
                Some(version),
                &json!({"detail": problems}),
            ))
        }
    };

    let answer = match shared.rules.take_answer(operation.id, version) {
        Some(answer) => {
            let mut response = response(answer.status, Some(version), None, answer.body);
            for (name, value) in answer.headers {
                response.headers_mut().insert(name, value);
            }
            response
        }
        None => match stateful_answer(shared, operation, &inputs, parts, version) {
            Some(response) => response,
            None => match super::sign_in::answer(shared, operation.id, &inputs, version) {
                Some(response) => response,
                None => fixture(operation, version),
            },
        },
    };
    if close_mid_response {
        return Outcome::Respond(break_body(answer));
    }
    Outcome::Respond(answer)
}

/// The stateful mock's answer, for an operation its store keeps: in the
/// shape of the operation's fixture, so that it stays valid for its schema.
fn stateful_answer(
    shared: &Shared,
    operation: &Operation,
    inputs: &Inputs,
    parts: &Parts,
    version: &'static str,
) -> Option<Response<MockBody>> {
    if !shared.stateful {
        return None;
    }
    let call = crate::store::Call {
        operation: operation.id,
        inputs,
        token: bearer(parts),
        version,
        base_url: &shared.base_url,
    };
    let answered = if operation.id == "webhooks:list_webhook_deliveries" {
        let records = (shared.webhooks.deliveries().iter().enumerate())
            .flat_map(|(number, delivery)| delivery.records(number))
            .collect();
        Ok((
            200,
            crate::store::ListQuery {
                query: &inputs.query,
            }
            .page(records),
        ))
    } else {
        shared.with_store(|store| crate::store::answer(store, &call))?
    };
    Some(match answered {
        Ok((status, Value::Null)) => response(status, Some(version), None, Bytes::new()),
        Ok((status, body)) => {
            let body = match operation.response {
                Success::Json(template) => match serde_json::from_str::<Value>(template) {
                    Ok(template) => crate::store::shape(&body, &template),
                    Err(_) => body,
                },
                _ => body,
            };
            json_response(status, Some(version), &body)
        }
        Err(err) => json_response(err.status, Some(version), &err.body),
    })
}

/// The request's bearer token.
fn bearer(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}

/// The operation's success answer: its fixture.
fn fixture(operation: &Operation, version: &'static str) -> Response<MockBody> {
    match operation.response {
        Success::Json(json) => response(
            operation.status,
            Some(version),
            Some("application/json"),
            Bytes::from_static(json.as_bytes()),
        ),
        Success::Csv(csv) => response(
            operation.status,
            Some(version),
            Some("text/csv; charset=utf-8"),
            Bytes::from_static(csv.as_bytes()),
        ),
        Success::Empty => response(operation.status, Some(version), None, Bytes::new()),
    }
}

/// A response whose connection breaks after the headers and half the body:
/// the `Content-Length` announces all of it.
fn break_body(response: Response<MockBody>) -> Response<MockBody> {
    let (mut parts, body) = response.into_parts();
    let full = match body {
        MockBody::Full(bytes) | MockBody::Broken(bytes) => bytes.unwrap_or_default(),
    };
    parts
        .headers
        .insert(CONTENT_LENGTH, HeaderValue::from(full.len()));
    let half = full.slice(..full.len() / 2);
    Response::from_parts(parts, MockBody::Broken(Some(half)))
}

/// Whether the request carries the credentials the operation takes.
fn authorized(shared: &Shared, auth: Auth, parts: &Parts) -> bool {
    let token = bearer(parts);
    match auth {
        Auth::Public | Auth::PortalPublic => true,
        Auth::Organization => {
            token.is_some_and(|t| shared.org_tokens.iter().any(|known| known == t))
        }
        Auth::Portal => {
            token.is_some_and(|t| t.starts_with("polar_cst_") || t.starts_with("polar_mst_"))
        }
        Auth::PortalMember => token.is_some_and(|t| t.starts_with("polar_mst_")),
    }
}

/// The request's inputs, validated against their schemas and decoded into
/// the client's types; every problem found when they are not.
fn read_inputs(
    state: &VersionState,
    spec: &OperationInputs,
    operation: &Operation,
    path_params: &[(&'static str, String)],
    parts: &Parts,
    body: &Bytes,
) -> Result<Inputs, Vec<Problem>> {
    let schemas = &state.schemas;
    let mut inputs = Inputs::default();
    let mut problems = Vec::new();

    for (name, schema) in &spec.path {
        let Some((_, text)) = path_params.iter().find(|(param, _)| param == name) else {
            continue;
        };
        let value = schemas.coerce(schema, text);
        let mut loc = vec![json!("path"), json!(name)];
        problems.extend(schemas.validate(schema, &value, &mut loc, Source::Text));
        inputs.path.insert(name.clone(), value);
    }

    let pairs: Vec<(String, String)> =
        form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    for query in &spec.query {
        let mut loc = vec![json!("query"), json!(query.name)];
        let value = if query.deep {
            let fields = deep_fields(&query.name, &pairs);
            (!fields.is_empty()).then(|| schemas.coerce_fields(&query.schema, &fields))
        } else {
            let texts: Vec<String> = pairs
                .iter()
                .filter(|(key, _)| *key == query.name)
                .map(|(_, value)| value.clone())
                .collect();
            (!texts.is_empty()).then(|| schemas.coerce_all(&query.schema, &texts))
        };
        match value {
            Some(value) => {
                problems.extend(schemas.validate(&query.schema, &value, &mut loc, Source::Text));
                inputs.query.insert(query.name.clone(), value);
            }
            None if query.required => problems.push(Problem::missing(&loc, &Value::Null)),
            None => {}
        }
    }

    if let Some(body_spec) = &spec.body {
        let mut loc = vec![json!("body")];
        if body.is_empty() {
            if body_spec.required {
                problems.push(Problem::missing(&loc, &Value::Null));
            }
        } else if body_spec.form {
            let mut fields: Vec<(String, Vec<String>)> = Vec::new();
            for (key, value) in form_urlencoded::parse(body) {
                match fields.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, values)) => values.push(value.into_owned()),
                    None => fields.push((key.into_owned(), vec![value.into_owned()])),
                }
            }
            let value = schemas.coerce_fields(&body_spec.schema, &fields);
            problems.extend(schemas.validate(&body_spec.schema, &value, &mut loc, Source::Text));
            inputs.body = Some(value);
        } else {
            match serde_json::from_slice::<Value>(body) {
                Ok(value) => {
                    problems.extend(schemas.validate(
                        &body_spec.schema,
                        &value,
                        &mut loc,
                        Source::Json,
                    ));
                    inputs.body = Some(value);
                }
                Err(err) => problems.push(json_invalid(body, &err)),
            }
        }
    }

    if !problems.is_empty() {
        return Err(problems);
    }
    // Valid by the schemas: now as the client's types, the mirror image of
    // the client's encoding.
    let mut issues = Issues::default();
    (operation.decode)(&inputs, &mut issues);
    if issues.problems.is_empty() {
        Ok(inputs)
    } else {
        Err(issues.problems)
    }
}

/// The `deepObject` fields of parameter `name`: `name[key]=value` pairs,
/// each key with its values in order.
fn deep_fields(name: &str, pairs: &[(String, String)]) -> Vec<(String, Vec<String>)> {
    let mut fields: Vec<(String, Vec<String>)> = Vec::new();
    for (key, value) in pairs {
        let Some(inner) = key
            .strip_prefix(name)
            .and_then(|rest| rest.strip_prefix('['))
            .and_then(|rest| rest.strip_suffix(']'))
        else {
            continue;
        };
        match fields.iter_mut().find(|(k, _)| k == inner) {
            Some((_, values)) => values.push(value.clone()),
            None => fields.push((inner.to_owned(), vec![value.clone()])),
        }
    }
    fields
}

/// FastAPI's answer to a body that is not JSON: where it broke, counted in
/// characters from the start.
fn json_invalid(body: &[u8], err: &serde_json::Error) -> Problem {
    let text = String::from_utf8_lossy(body);
    let position: usize = text
        .lines()
        .take(err.line().saturating_sub(1))
        .map(|line| line.chars().count() + 1)
        .sum::<usize>()
        + err.column().saturating_sub(1);
    let mut problem = Problem::new(
        &[json!("body"), json!(position)],
        "json_invalid",
        "JSON decode error",
        &json!({}),
    );
    problem.ctx = Some(json!({"error": err.to_string()}));
    problem
}

/// A JSON response.
pub(crate) fn json_response(
    status: u16,
    version: Option<&str>,
    body: &Value,
) -> Response<MockBody> {
    response(
        status,
        version,
        Some("application/json"),
        Bytes::from(body.to_string()),
    )
}

/// A response with the served version, when there is one.
pub(crate) fn response(
    status: u16,
    version: Option<&str>,
    content_type: Option<&'static str>,
    body: Bytes,
) -> Response<MockBody> {
    let mut response = Response::new(MockBody::full(body));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Some(content_type) = content_type {
        response
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    if let Some(version) = version.and_then(|v| HeaderValue::from_str(v).ok()) {
        response.headers_mut().insert(VERSION_HEADER, version);
    }
    response
}
