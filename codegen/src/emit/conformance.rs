//! `tests/tests/generated/conformance_cases.rs`: for every operation, a call
//! through the generated client with every parameter set, and what the spec
//! says the request must look like and the response contains.
//!
//! Values come from the spec itself ([`InstanceBuilder`]); the expected
//! request is derived from the same values here, independently of the
//! runtime that will encode them. The hand-written harness in
//! `tests/tests/conformance.rs` defines `Case` and `Clients` and runs them
//! against a mock server.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::ident;
use super::models::rust_type_in;
use crate::instance::InstanceBuilder;
use crate::ir::{Auth, Models, Operation, Param, ResponseKind, TypeRef};
use crate::spec::{Parameter, Spec};
use crate::{ApiVersion, Error};

/// The cases of one version; fails, naming the operation and the schema,
/// when a parameter, body or response schema has no finite instance.
///
/// Failing (rather than generating without that operation's case) is the
/// choice here: such a schema (a required, non-nullable cycle) describes no
/// JSON document at all, so the operation could never be called or
/// answered; the document is wrong, and a refresh should stop and say so
/// instead of shipping a type nothing decodes into.
pub fn emit(spec: &Spec, models: &Models, version: &ApiVersion) -> Result<TokenStream, Error> {
    let module = format_ident!("{}", version.module());
    let models_root = quote!(::polar_models::#module);
    let builder = InstanceBuilder::new(spec);
    let spec_operations = spec.paths.iter().flat_map(|(_, item)| {
        item.operations().map(move |(_, op)| {
            let mut params = item.parameters.clone();
            params.extend(op.parameters.iter().cloned());
            (op, params)
        })
    });
    let cases = models
        .operations
        .iter()
        .zip(spec_operations)
        .map(|(op, (spec_op, params))| {
            debug_assert_eq!(Some(&op.operation_id), spec_op.operation_id.as_ref());
            emit_case(models, &models_root, &builder, op, spec_op, &params)
        })
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(quote! {
        use super::super::ResponseKind;

        #[doc = " The clients of this version."]
        pub type Clients = super::super::Clients<::polar_api::#module::Version>;
        #[doc = " A case of this version."]
        pub type Case = super::super::Case<::polar_api::#module::Version>;

        #[doc = " One case per operation of the spec, in document order."]
        pub fn cases() -> Vec<Case> {
            Vec::from([#(#cases),*])
        }
    })
}

fn emit_case(
    models: &Models,
    models_root: &TokenStream,
    builder: &InstanceBuilder<'_>,
    op: &Operation,
    spec_op: &crate::spec::Operation,
    params: &[Parameter],
) -> Result<TokenStream, Error> {
    let instance = |schema: &crate::spec::Schema, what: &str| {
        builder.try_schema(schema).map_err(|err| {
            Error::unsupported(
                format!(
                    "operation `{}` ({} {}), {what}",
                    op.operation_id, op.http_method, op.path
                ),
                err.to_string(),
            )
        })
    };
    let value_of = |param: &Param| -> Result<Value, Error> {
        let schema = params
            .iter()
            .find(|p| p.name == param.wire_name)
            .and_then(|p| p.schema.as_ref());
        Ok(match schema {
            Some(schema) => single(
                instance(schema, &format!("parameter `{}`", param.wire_name))?,
                param.many,
            ),
            None => Value::Null,
        })
    };

    // The call: accessor chain, arguments, then every optional setter.
    let (client, chain) = match op.auth {
        Auth::Organization => (quote!(org), &op.group[..]),
        Auth::Public => (quote!(public), &op.group[..]),
        Auth::Portal => (quote!(portal), &op.group[1..]),
        Auth::PortalPublic => (quote!(public_portal), &op.group[1..]),
        Auth::PortalMember => (quote!(member), &op.group[1..]),
    };
    let accessors = chain.iter().map(|g| ident(g));
    let method = ident(&op.method);
    let mut args = Vec::new();
    let mut path = op.path.clone();
    let mut query = Vec::new();
    for param in &op.path_params {
        let value = value_of(param)?;
        path = path.replace(
            &format!("{{{}}}", param.wire_name),
            &encode_segment(&scalar(&value)),
        );
        args.push(typed_literal(models, models_root, &param.ty, &value));
    }
    for param in op.query_params.iter().filter(|p| p.required) {
        let value = value_of(param)?;
        push_query(&mut query, param, &value);
        args.push(typed_literal(models, models_root, &param.ty, &value));
    }
    let body_json = match op.body.as_ref() {
        Some(body) => {
            let schema = spec_op
                .request_body
                .as_ref()
                .and_then(|b| b.content.values().next())
                .and_then(|m| m.schema.as_ref())
                .expect("the IR has a body, so the spec does");
            Some((instance(schema, "request body")?, body))
        }
        None => None,
    };
    if let Some((value, body)) = &body_json {
        if body.required {
            args.push(typed_literal(models, models_root, &body.ty, value));
        }
    }
    let mut setters = Vec::new();
    for param in op.query_params.iter().filter(|p| !p.required) {
        let value = value_of(param)?;
        if value.is_null() {
            continue;
        }
        push_query(&mut query, param, &value);
        let name = ident(&param.rust_name);
        let literal = typed_literal(models, models_root, &param.ty, &value);
        setters.push(quote!(.#name(#literal)));
    }
    if let Some((value, body)) = &body_json {
        if !body.required {
            let literal = typed_literal(models, models_root, &body.ty, value);
            setters.push(quote!(.body(#literal)));
        }
    }

    let (content_type, body_text) = match &body_json {
        None => (quote!(None), quote!(None)),
        Some((value, body)) if body.form => {
            let form = form_pairs(value);
            (
                quote!(Some("application/x-www-form-urlencoded")),
                quote!(Some(#form)),
            )
        }
        Some((value, _)) => {
            let json = value.to_string();
            (quote!(Some("application/json")), quote!(Some(#json)))
        }
    };
    let token = match op.auth {
        Auth::Organization => quote!(Some(super::super::ORG_TOKEN)),
        Auth::Portal => quote!(Some(super::super::CUSTOMER_SESSION_TOKEN)),
        Auth::PortalMember => quote!(Some(super::super::MEMBER_SESSION_TOKEN)),
        Auth::Public | Auth::PortalPublic => quote!(None),
    };
    let (kind, response, encode) = match &op.success.kind {
        // An `Option<T>` operation is called for its JSON status (the case's
        // `status`); `Some(value)` encodes as the value. The body-less 202
        // (`None`) is covered by `polar-api`'s `json_or_pending` tests.
        ResponseKind::Json(ty) | ResponseKind::JsonOrPending(ty) => {
            let schema = success_schema(spec_op);
            let value = match schema {
                Some(schema) => instance(schema, "response")?,
                None => Value::Null,
            };
            let value = if *ty == TypeRef::Any {
                serde_json::json!({"any": "value"})
            } else {
                value
            };
            let text = value.to_string();
            (
                quote!(ResponseKind::Json),
                quote!(Some(#text)),
                quote! {
                    let value = request.send().await.map_err(|e| e.to_string())?;
                    ::serde_json::to_value(value).map_err(|e| e.to_string())
                },
            )
        }
        ResponseKind::Empty => (
            quote!(ResponseKind::Empty),
            quote!(None),
            quote! {
                request.send().await.map_err(|e| e.to_string())?;
                Ok(::serde_json::Value::Null)
            },
        ),
        ResponseKind::Csv => (
            quote!(ResponseKind::Csv),
            quote!(Some("id,amount\n1,1200\n")),
            quote! {
                let value = request.send().await.map_err(|e| e.to_string())?;
                Ok(::serde_json::Value::String(value))
            },
        ),
    };
    let operation_id = &op.operation_id;
    let http_method = op.http_method;
    let status = Literal::u16_unsuffixed(op.success.status);
    let query = query.iter().map(|(k, v)| quote!((#k, #v)));
    // Every setter is called, a deprecated parameter's too.
    let allow_deprecated = op
        .query_params
        .iter()
        .any(|p| p.deprecated && !p.required)
        .then(|| quote!(#[allow(deprecated)]));
    Ok(quote! {
        Case {
            operation_id: #operation_id,
            method: #http_method,
            path: #path,
            query: &[#(#query),*],
            token: #token,
            content_type: #content_type,
            body: #body_text,
            status: #status,
            kind: #kind,
            response: #response,
            call: |clients: &Clients| {
                #allow_deprecated
                let request = clients.#client.clone()#(.#accessors())*.#method(#(#args),*)#(#setters)*;
                let future: super::super::CaseFuture = Box::pin(async move { #encode });
                future
            },
        }
    })
}

fn success_schema(op: &crate::spec::Operation) -> Option<&crate::spec::Schema> {
    op.responses
        .iter()
        .filter(|(status, _)| status.starts_with('2'))
        .find_map(|(_, r)| r.content.get("application/json"))
        .and_then(|m| m.schema.as_ref())
}

/// For a one-or-many parameter, one value (the instance may be a list).
fn single(value: Value, many: bool) -> Value {
    match value {
        Value::Array(mut items) if many => items.drain(..).next().unwrap_or(Value::Null),
        other => other,
    }
}

/// A Rust expression of the parameter's type holding `value`.
fn typed_literal(models: &Models, root: &TokenStream, ty: &TypeRef, value: &Value) -> TokenStream {
    let rust = rust_type_in(models, ty, root);
    let json = value.to_string();
    quote!(::serde_json::from_str::<#rust>(#json).expect("a value built from the spec decodes"))
}

/// The query pairs the spec's serialization rules give for `value`.
fn push_query(query: &mut Vec<(String, String)>, param: &Param, value: &Value) {
    if param.deep_object {
        if let Value::Object(map) = value {
            for (key, inner) in map {
                for item in as_list(inner) {
                    query.push((format!("{}[{key}]", param.wire_name), scalar(&item)));
                }
            }
        }
        return;
    }
    for item in as_list(value) {
        query.push((param.wire_name.clone(), scalar(&item)));
    }
}

fn as_list(value: &Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items.clone(),
        Value::Null => Vec::new(),
        other => vec![other.clone()],
    }
}

/// A JSON scalar as it appears in a URL or form, before percent-encoding.
fn scalar(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// `application/x-www-form-urlencoded` of a flat object, as `k=v&k=v` with
/// values percent-encoded.
fn form_pairs(value: &Value) -> String {
    let Value::Object(map) = value else {
        return String::new();
    };
    map.iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| format!("{}={}", encode_form(k), encode_form(&scalar(v))))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode_form(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// Percent-encoding of one path segment (RFC 3986 unreserved kept).
fn encode_segment(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}
