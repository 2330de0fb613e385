//! Operations → IR: one [`Operation`] per path + method, grouped by the
//! `operationId` (`products:list` → group `products`, method `list`).
//!
//! Schemas written inline in an operation (a request body union, a response
//! union) become named types of `polar-models`, like any inline schema.

use std::collections::HashMap;

use serde_json::Value;

use super::credentials::{auth_of, credentials_doc};
use super::docs::doc_text;
use super::lower::{peel_nullable, union_members, Ctx, Lowering};
use super::names::{field_name, type_name, Namespace};
use super::page_size::max_page_size;
use super::*;
use crate::spec::{Operation as SpecOperation, Parameter, Response, Schema};
use crate::Error;

/// Names the hand-written part of `polar-api` uses at its root; builders and
/// groups never take them.
pub const API_RUNTIME_NAMES: &[&str] = &[
    "Client",
    "ClientBuilder",
    "CustomerPortalClient",
    "CustomerSession",
    "CustomerSessionToken",
    "MemberSession",
    "MemberSessionToken",
    "Error",
    "ApiError",
    "ApiErrorBody",
    "Response",
    "RateLimit",
    "RetryConfig",
    "Server",
    "AccessToken",
    "OneOrMany",
    // The version module of the facade defines these beside the groups.
    "Version",
    "WebhookPayload",
];

/// The Rust type of the operation group at `path`: `oauth2:clients` →
/// `Oauth2Clients`, and `ClientGroup` for `client`, whose plain name the
/// runtime (and each version module's `Client` alias) already uses.
pub fn group_type_name(path: &[String]) -> String {
    let name = type_name(&path.join("_"));
    if API_RUNTIME_NAMES.contains(&name.as_str()) {
        format!("{name}Group")
    } else {
        name
    }
}

/// One API operation.
#[derive(Debug, Clone)]
pub struct Operation {
    pub operation_id: String,
    /// `snake_case` group path: `["oauth2", "clients"]`. Portal operations
    /// start with `customer_portal`.
    pub group: Vec<String>,
    /// `snake_case` method name on the group: `list`, `create_client`.
    pub method: String,
    /// The request builder's type name: `ProductsList`.
    pub builder: String,
    pub http_method: &'static str,
    /// The path template, e.g. `/v1/products/{id}`.
    pub path: String,
    pub auth: Auth,
    pub path_params: Vec<Param>,
    pub query_params: Vec<Param>,
    pub body: Option<Body>,
    pub success: Success,
    /// Documented error statuses with a JSON body, in status order.
    pub errors: Vec<ErrorResponse>,
    pub pagination: Option<Pagination>,
    /// The largest `limit` a paginated operation may ask for, as the spec
    /// states it ([`super::page_size`]); `None` when it pages without a
    /// stated maximum, or does not page.
    pub max_page_size: Option<i64>,
    pub deprecated: bool,
    pub doc: String,
    /// Where Polar documents an operation its published document leaves
    /// out: set on the operations merged from our overlay
    /// ([`crate::overlay`]).
    pub documented_at: Option<String>,
}

impl Operation {
    /// Whether a parameter is passed as a method argument (path parameters
    /// and required query parameters) rather than set on the builder.
    pub fn arguments(&self) -> impl Iterator<Item = &Param> {
        self.path_params
            .iter()
            .chain(self.query_params.iter().filter(|p| p.required))
    }
}

/// Which credentials an operation takes, and so which client offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// An organization or personal access token: `Client`.
    Organization,
    /// No credentials; offered on `Client`.
    Public,
    /// A customer or member session token: `CustomerPortalClient<_>`.
    Portal,
    /// A member session token only: `CustomerPortalClient<MemberSessionToken>`.
    PortalMember,
    /// No credentials; a customer-portal operation, offered on
    /// `CustomerPortalClient<_>`.
    PortalPublic,
}

impl Auth {
    pub fn is_portal(self) -> bool {
        matches!(self, Auth::Portal | Auth::PortalMember | Auth::PortalPublic)
    }
}

#[derive(Debug, Clone)]
pub struct Param {
    pub wire_name: String,
    pub rust_name: String,
    /// The type of one value.
    pub ty: TypeRef,
    pub required: bool,
    /// One value or a list (`anyOf [X, array<X>]` or `array<X>`): sent as
    /// repeated keys.
    pub many: bool,
    /// `style: deepObject`: sent as `name[key]=value`.
    pub deep_object: bool,
    /// For an optional `deepObject` map, the value type its add-one-entry
    /// builder method (`.metadata_entry(key, value)`) takes: the map's value
    /// type, or its short name (`MetadataFilterValue`, see
    /// [`super::metadata`]). `None` for every other parameter.
    pub entry_value: Option<TypeRef>,
    pub doc: String,
    /// `deprecated: true` on the parameter or on its schema: the doc says
    /// so, and an optional one's builder method is `#[deprecated]`.
    pub deprecated: bool,
}

impl Param {
    /// The key type and the value type of the add-one-entry method, for an
    /// optional `deepObject` map parameter.
    pub fn map_entry(&self) -> Option<(MapKey, &TypeRef)> {
        match (&self.ty, &self.entry_value) {
            (TypeRef::Map { key, .. }, Some(value)) => Some((*key, value)),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Body {
    pub ty: TypeRef,
    /// `application/x-www-form-urlencoded` instead of JSON.
    pub form: bool,
    pub required: bool,
}

#[derive(Debug, Clone)]
pub struct Success {
    pub status: u16,
    pub kind: ResponseKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ResponseKind {
    /// A JSON body of this type.
    Json(TypeRef),
    /// A JSON body of this type, or `202 Accepted` without a body (the
    /// result is not ready yet, e.g. a receipt still being generated):
    /// `send()` returns `Option<T>`, `None` for the 202.
    JsonOrPending(TypeRef),
    /// No body (204, or a 2xx whose schema is empty).
    Empty,
    /// A `text/csv` export.
    Csv,
}

impl ResponseKind {
    /// The type of the JSON body, when there is one.
    pub fn json_type(&self) -> Option<&TypeRef> {
        match self {
            ResponseKind::Json(ty) | ResponseKind::JsonOrPending(ty) => Some(ty),
            ResponseKind::Empty | ResponseKind::Csv => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ErrorResponse {
    pub status: u16,
    pub ty: TypeRef,
}

/// How a list operation walks its pages.
#[derive(Debug, Clone, PartialEq)]
pub enum Pagination {
    /// `page`/`limit` with `Pagination { max_page, .. }`.
    Pages { item: TypeRef },
    /// `page`/`limit` with `CursorPagination { has_next_page }`.
    Cursor { item: TypeRef },
    /// A union of a page and a cursor page (the events list): each response
    /// says which it is.
    Mixed { item: TypeRef, response: TypeId },
}

impl Pagination {
    /// The type of one item of the list.
    pub fn item(&self) -> &TypeRef {
        match self {
            Pagination::Pages { item }
            | Pagination::Cursor { item }
            | Pagination::Mixed { item, .. } => item,
        }
    }
}

impl<'a> Lowering<'a> {
    pub(super) fn lower_operations(&mut self) -> Result<Vec<Operation>, Error> {
        let spec = self.spec;
        let mut builders = Namespace::new();
        for name in API_RUNTIME_NAMES {
            builders.reserve(name);
        }
        // Method names per group: operationIds that collide after case
        // conversion (`things:get-one`, `things:get_one`), or repeat, get
        // `2`, `3`, ... in document order, as builders do.
        let mut methods: HashMap<Vec<String>, Namespace> = HashMap::new();
        // Builders never take a group's type name (`things:list:one` is
        // the group `ThingsList`, as `things:list` is the builder).
        for item in spec.paths.values() {
            for (_, operation) in item.operations() {
                if let Some(id) = &operation.operation_id {
                    let (group, _) = split_operation_id(id);
                    for len in 1..=group.len() {
                        builders.reserve(&group_type_name(&group[..len]));
                    }
                }
            }
        }
        let mut operations = Vec::new();
        for (path, item) in &spec.paths {
            for (method, operation) in item.operations() {
                let mut params = item.parameters.clone();
                params.extend(operation.parameters.iter().cloned());
                let mut lowered =
                    self.lower_operation(path, method, operation, &params, &mut builders)?;
                lowered.method = methods
                    .entry(lowered.group.clone())
                    .or_default()
                    .claim(&lowered.method);
                operations.push(lowered);
            }
        }
        Ok(operations)
    }

    fn lower_operation(
        &mut self,
        path: &str,
        http_method: &'static str,
        operation: &SpecOperation,
        params: &[Parameter],
        builders: &mut Namespace,
    ) -> Result<Operation, Error> {
        let operation_id = operation.operation_id.clone().ok_or_else(|| {
            Error::unsupported(format!("operation {http_method} {path}"), "no operationId")
        })?;
        let (group, method) = split_operation_id(&operation_id);
        if group.is_empty() {
            // Operations are reached through their group (`client.things()`).
            return Err(Error::unsupported(
                format!("operation {http_method} {path}"),
                format!(
                    "operationId `{operation_id}` names no group \
                     (`group:method`, like `products:list`)"
                ),
            ));
        }
        let builder = builders.claim(&type_name(&format!("{}_{}", group.join("_"), method)));
        let ctx = |pointer: &str, hint: String, input: bool| Ctx {
            parent: format!("operation {operation_id}"),
            pointer: format!("#/paths/{path}/{}/{pointer}", http_method.to_lowercase()),
            hint,
            input,
        };

        let mut param_names = Namespace::new();
        let mut path_params = Vec::new();
        let mut query_params = Vec::new();
        for param in params {
            let hint = format!("{builder}{}", type_name(&param.name));
            let ctx = ctx(&format!("parameters/{}", param.name), hint, true);
            let lowered = self.lower_param(param, &ctx, &mut param_names)?;
            match param.location.as_str() {
                "path" => path_params.push(Param {
                    required: true,
                    ..lowered
                }),
                "query" => query_params.push(lowered),
                other => {
                    return Err(ctx.error(format!("parameters in `{other}` are not supported")))
                }
            }
        }

        let body = match &operation.request_body {
            None => None,
            Some(body) => {
                let (media, form) = match (
                    body.content.get("application/json"),
                    body.content.get("application/x-www-form-urlencoded"),
                ) {
                    (Some(json), _) => (json, false),
                    (None, Some(form)) => (form, true),
                    _ => {
                        let types: Vec<&String> = body.content.keys().collect();
                        return Err(ctx("requestBody", String::new(), true)
                            .error(format!("request body types {types:?} are not supported")));
                    }
                };
                let schema = media.schema.as_ref().ok_or_else(|| {
                    ctx("requestBody", String::new(), true).error("a request body without a schema")
                })?;
                let ctx = ctx("requestBody", format!("{builder}Body"), true);
                Some(Body {
                    ty: self.type_ref(schema, &ctx)?,
                    form,
                    required: body.required,
                })
            }
        };

        let success =
            self.lower_success(operation, &builder, &ctx("responses", String::new(), false))?;
        let mut errors = Vec::new();
        for (status, response) in &operation.responses {
            let Ok(code) = status.parse::<u16>() else {
                continue;
            };
            if code < 400 {
                continue;
            }
            let Some(schema) = response
                .content
                .get("application/json")
                .and_then(|m| m.schema.as_ref())
            else {
                continue;
            };
            let ctx = ctx(
                &format!("responses/{status}"),
                format!("{builder}Error{status}"),
                false,
            );
            errors.push(ErrorResponse {
                status: code,
                ty: self.type_ref(schema, &ctx)?,
            });
        }
        errors.sort_by_key(|e| e.status);

        let auth = auth_of(operation, &group);
        let mut doc = doc_text(operation.summary.as_deref(), None);
        if let Some(description) = operation.description.as_deref() {
            let description = doc_text(None, Some(description));
            if !description.is_empty() && description != doc {
                if !doc.is_empty() {
                    doc.push_str("\n\n");
                }
                doc.push_str(&description);
            }
        }
        if !doc.is_empty() {
            doc.push_str("\n\n");
        }
        doc.push_str(&format!("`{http_method} {path}` (`{operation_id}`)"));
        if let Some(url) = &operation.documented_at {
            doc.push_str(&format!(
                "\n\nNot in Polar's published OpenAPI document (Polar marks it private), but \
                 documented by Polar at <{url}>: generated from polar-rs's overlay, \
                 `spec/overlay.json`."
            ));
        }
        if operation.deprecated {
            doc.push_str("\n\n**Deprecated** in the API.");
        }
        doc.push_str("\n\n");
        doc.push_str(&credentials_doc(operation));
        let pagination = self.pagination(
            operation,
            &success,
            &query_params,
            &ctx("x-polar-pagination", String::new(), false),
        )?;
        // Only an optional integer `limit` of a paginated operation is
        // filled in by `.stream()`.
        let settable_limit = query_params
            .iter()
            .any(|p| p.wire_name == "limit" && !p.required && !p.many && p.ty == TypeRef::Integer);
        let max_page_size = match (&pagination, settable_limit) {
            (Some(_), true) => max_page_size(params),
            _ => None,
        };
        Ok(Operation {
            operation_id,
            group,
            method,
            builder,
            http_method,
            path: path.to_owned(),
            auth,
            path_params,
            query_params,
            body,
            success,
            errors,
            max_page_size,
            pagination,
            deprecated: operation.deprecated,
            doc,
            documented_at: operation.documented_at.clone(),
        })
    }

    fn lower_param(
        &mut self,
        param: &Parameter,
        ctx: &Ctx,
        names: &mut Namespace,
    ) -> Result<Param, Error> {
        let schema = param
            .schema
            .as_ref()
            .ok_or_else(|| ctx.error(format!("parameter `{}` has no schema", param.name)))?;
        let (ty, many) = match one_or_many(schema) {
            Some(single) => (self.param_type(single, ctx)?, true),
            None => match self.param_type(schema, ctx)? {
                TypeRef::Vec(item) => (*item, true),
                other => (other, false),
            },
        };
        let deep_object = param.style.as_deref() == Some("deepObject");
        let entry_value = match &ty {
            TypeRef::Map { value, .. } if deep_object && !many && !param.required => {
                Some((**value).clone())
            }
            _ => None,
        };
        let mut doc = doc_text(
            None,
            param
                .description
                .as_deref()
                .or(schema.description.as_deref()),
        );
        if let Some(default) = schema.default.as_ref().filter(|d| !d.is_null()) {
            if !doc.is_empty() {
                doc.push_str("\n\n");
            }
            doc.push_str(&format!("Defaults to `{default}` on the server."));
        }
        if doc.is_empty() {
            doc = format!("The `{}` parameter.", param.name);
        }
        let deprecated = param.deprecated || schema.deprecated;
        if deprecated {
            doc.push_str("\n\n**Deprecated** in the API.");
        }
        // A credential given as a parameter (a checkout's `client_secret`
        // in its path) is held as a `Secret`, so the builder's `Debug`
        // hides it; it is sent as given.
        let ty = if many {
            ty
        } else {
            super::secrets::secret_type(&param.name, &doc, ty)
        };
        Ok(Param {
            wire_name: param.name.clone(),
            rust_name: names.claim(&field_name(&param.name)),
            ty,
            required: param.required,
            many,
            deep_object,
            entry_value,
            doc,
            deprecated,
        })
    }

    /// A parameter's type without its nullability: absence is how a query
    /// parameter says `null`. Aliases of nullable types are seen through.
    fn param_type(&mut self, schema: &Schema, ctx: &Ctx) -> Result<TypeRef, Error> {
        let mut ty = peel_nullable(self.type_ref(schema, ctx)?).0;
        // Each alias once: one that reaches itself (`S = anyOf[S, null]`)
        // stops at itself.
        let mut seen = Vec::new();
        while let TypeRef::Named(id) = &ty {
            if seen.contains(&id.0) {
                break;
            }
            seen.push(id.0);
            match self.types[id.0].as_ref().map(|t| &t.kind) {
                Some(TypeKind::Alias(TypeRef::Nullable(inner))) => ty = (**inner).clone(),
                _ => break,
            }
        }
        Ok(ty)
    }

    /// What `send()` returns, from the 2xx responses. One 2xx is read as it
    /// is. Several: a JSON one beside a body-less `202 Accepted` (an order
    /// receipt still being generated) is `JsonOrPending`; only body-less
    /// ones are `Empty`; several with a body are ambiguous and fail. A
    /// body-less 2xx other than 202 beside a JSON one (the 2025-05-28
    /// document's `refunds:create`: 200 JSON, 201 "Refund created.") is
    /// read as the JSON response, as the generator always has.
    fn lower_success(
        &mut self,
        operation: &SpecOperation,
        builder: &str,
        ctx: &Ctx,
    ) -> Result<Success, Error> {
        let successes: Vec<(u16, &Response)> = operation
            .responses
            .iter()
            .filter_map(|(status, response)| Some((status.parse::<u16>().ok()?, response)))
            .filter(|(status, _)| (200..300).contains(status))
            .collect();
        let (with_body, bodiless): (Vec<_>, Vec<_>) = successes
            .iter()
            .copied()
            .partition(|(_, response)| !response.content.is_empty());
        let statuses = |list: &[(u16, &Response)]| {
            list.iter()
                .map(|(status, _)| status.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match (with_body.as_slice(), bodiless.as_slice()) {
            ([], []) => Err(ctx.error("no 2xx response")),
            ([], [(status, _), ..]) => Ok(Success {
                status: *status,
                kind: ResponseKind::Empty,
            }),
            ([(status, response)], []) => self.success(*status, response, builder, ctx),
            ([(status, response)], others) if others.iter().any(|(s, _)| *s == 202) => {
                let success = self.success(*status, response, builder, ctx)?;
                match (success.kind, others) {
                    (ResponseKind::Json(ty), [_]) => Ok(Success {
                        status: success.status,
                        kind: ResponseKind::JsonOrPending(ty),
                    }),
                    _ => Err(ctx.error(format!(
                        "2xx responses {} beside {status}: only a JSON response beside a \
                         body-less 202 is supported (`Option<T>`, `None` for the 202)",
                        statuses(others)
                    ))),
                }
            }
            ([(status, response)], _) => self.success(*status, response, builder, ctx),
            (several, _) => Err(ctx.error(format!(
                "several 2xx responses with a body ({}): which one `send()` returns is \
                 ambiguous; extend `lower_success` in codegen/src/ir/operations.rs",
                statuses(several)
            ))),
        }
    }

    /// One 2xx response as `send()` reads it.
    fn success(
        &mut self,
        status: u16,
        response: &Response,
        builder: &str,
        ctx: &Ctx,
    ) -> Result<Success, Error> {
        let json = response
            .content
            .get("application/json")
            .and_then(|m| m.schema.as_ref());
        let kind = if response.content.contains_key("text/csv") {
            ResponseKind::Csv
        } else {
            match json {
                None => ResponseKind::Empty,
                Some(schema) if is_empty_schema(schema) => {
                    if status == 200 {
                        ResponseKind::Json(TypeRef::Any)
                    } else {
                        ResponseKind::Empty
                    }
                }
                Some(schema) => {
                    let ctx = Ctx {
                        hint: format!("{builder}Response"),
                        pointer: format!("{}/{status}", ctx.pointer),
                        ..ctx.clone()
                    };
                    ResponseKind::Json(self.type_ref(schema, &ctx)?)
                }
            }
        };
        Ok(Success { status, kind })
    }
}

/// `products:list` → (`["products"]`, `list`); repeated segments collapse
/// (`oauth2:clients:oauth2:create_client` → `["oauth2", "clients"]`).
fn split_operation_id(id: &str) -> (Vec<String>, String) {
    let mut segments: Vec<String> = id.split(':').map(field_name).collect();
    let method = segments.pop().unwrap_or_default();
    let mut group: Vec<String> = Vec::new();
    for segment in segments {
        if !group.contains(&segment) {
            group.push(segment);
        }
    }
    (group, method)
}

/// For `anyOf [X, array<X>]` (plus `null`), the `X`.
fn one_or_many(schema: &Schema) -> Option<&Schema> {
    let (members, _) = union_members(schema)?;
    let [single, list] = members.as_slice() else {
        return None;
    };
    let items = list.items.as_deref()?;
    (list.type_names() == ["array"] && same_schema(single, items)).then_some(*single)
}

/// Structural equality for the parts that decide a Rust type.
fn same_schema(a: &Schema, b: &Schema) -> bool {
    a.reference == b.reference
        && a.ty == b.ty
        && a.format == b.format
        && a.enum_values == b.enum_values
}

/// `{}`: a schema that says nothing.
fn is_empty_schema(schema: &Schema) -> bool {
    schema.reference.is_none()
        && schema.ty.is_none()
        && schema.any_of.is_none()
        && schema.one_of.is_none()
        && schema.properties.is_empty()
        && schema.const_value.as_ref().is_none_or(Value::is_null)
}
