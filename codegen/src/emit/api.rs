//! The operations of a version: its crate (`polar-api/generated/<version>/`,
//! see [`crate::layout::ApiCrate`]) holds a group type per `operationId`
//! prefix, a request builder per operation, and the `ApiErrorBody` enum;
//! its module in the facade (`polar-api/src/generated/<version>.rs`) holds
//! the `Version` type, the client aliases and the group accessors.
//!
//! Generated operation code calls the hand-written runtime
//! (`polar-api-runtime`) only through `crate::__private::*` (its contract
//! is written at the top of `polar-api/runtime/src/__private.rs`),
//! `crate::OneOrMany`, `crate::Response`, `crate::Error` and the pagination
//! functions, which each crate root imports ([`crate_lib`]).

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::api_options::{
    check_builder_names, emit_entry_method, emit_idempotency_key, emit_request_options,
    takes_idempotency_key,
};
use super::{doc_attrs, ident};
use crate::ir::accessors::argument_takes_into;
use crate::ir::features::group_feature;
use crate::ir::groups::{groups, is_public, portal_reach, public_type_name, Group, PortalReach};
use crate::ir::names::module_name;
use crate::ir::{group_type_name, Auth, Models, Operation, Param, ResponseKind, TypeRef};
use crate::ApiVersion;

/// One operation group's file: everything in it is the same for every
/// version whose operations are the same, since it names its version's
/// types only as `super::models::*` and its error bodies not at all (see
/// [`crate::ir::sharing`] and [`crate::emit::api_shared`]).
pub struct GroupFile {
    /// The file stem, e.g. `oauth2_clients`.
    pub module: String,
    /// The cargo feature it is compiled under.
    pub feature: String,
    pub tokens: TokenStream,
}

/// The files of every operation group of `models`, in module order.
pub fn group_files(models: &Models) -> Result<Vec<GroupFile>, crate::Error> {
    group_files_where(models, |_| true)
}

/// The file of one group (by file stem), if `models` has it.
pub fn group_file(models: &Models, module: &str) -> Result<Option<GroupFile>, crate::Error> {
    Ok(group_files_where(models, |m| m == module)?.pop())
}

fn group_files_where(
    models: &Models,
    wanted: impl Fn(&str) -> bool,
) -> Result<Vec<GroupFile>, crate::Error> {
    let mut files = Vec::new();
    for group in &groups(models)? {
        if skip_group(group)? || !wanted(&module_name(&group.type_name)) {
            continue;
        }
        files.push(GroupFile {
            module: module_name(&group.type_name),
            feature: group_feature(&group.path).to_owned(),
            tokens: emit_gated_group(models, group)?,
        });
    }
    files.sort_by(|a, b| a.module.cmp(&b.module));
    Ok(files)
}

/// A group's file, each item behind the group's feature as well as its
/// module (`emit::shared::with_cfg`: for the docs of `polar-api`).
fn emit_gated_group(models: &Models, group: &Group<'_>) -> Result<TokenStream, crate::Error> {
    let feature = group_feature(&group.path);
    super::shared::with_cfg(
        emit_group(models, group),
        &quote!(feature = #feature),
        // `operations/mod.rs` declares the module behind the same feature.
        super::shared::Gates::ItemsButImpls,
        &operations_file(&module_name(&group.type_name)),
    )
}

/// Whether a group has no file of its own: `customer_portal` itself, whose
/// operations hang off the portal client.
fn skip_group(group: &Group<'_>) -> Result<bool, crate::Error> {
    if group.portal && group.path.len() == 1 {
        if let Some(op) = group.operations.first() {
            return Err(crate::Error::unsupported(
                format!("operation `{}`", op.operation_id),
                "a customer-portal operation outside any portal group",
            ));
        }
        return Ok(true);
    }
    Ok(false)
}

/// One version's operations: its crate (file stem → tokens, `lib` for the
/// root; see [`crate::layout::ApiCrate`]) and its module in the facade.
pub struct VersionApi {
    pub crate_files: BTreeMap<String, TokenStream>,
    pub facade_module: TokenStream,
}

/// The operations of `version`. The groups in `shared_groups` (file stems)
/// are generated once in the shared crate and only re-exported here.
pub fn emit(
    models: &Models,
    version: &ApiVersion,
    shared_groups: &BTreeSet<String>,
) -> Result<VersionApi, crate::Error> {
    let groups = groups(models)?;
    for op in &models.operations {
        check_builder_names(op)?;
    }
    let mut files = BTreeMap::new();
    let mut own = Vec::new();
    let mut reexported = Vec::new();
    let mut accessors = Vec::new();
    for group in &groups {
        if skip_group(group)? {
            continue;
        }
        let module = module_name(&group.type_name);
        let feature = group_feature(&group.path).to_owned();
        accessors.push(emit_accessor(group, &feature, version));
        if shared_groups.contains(&module) {
            reexported.push((format_ident!("{}", module), feature));
        } else {
            files.insert(operations_file(&module), emit_gated_group(models, group)?);
            own.push((format_ident!("{}", module), feature));
        }
    }
    files.insert(
        operations_file("error_body"),
        super::api_errors::error_body(models),
    );
    let (modules, features): (Vec<_>, Vec<_>) = own.into_iter().unzip();
    let (shared_modules, shared_features): (Vec<_>, Vec<_>) = reexported.into_iter().unzip();
    let name = &version.name;
    let models_crate = format_ident!(
        "{}",
        crate::layout::ModelCrate::Version(version).rust_name()
    );
    let shared_crate = format_ident!("{}", crate::layout::API_SHARED_PACKAGE.replace('-', "_"));
    let models_doc = format!(
        " The types of API version `{name}` (`polar_models::{}`).",
        version.module()
    );
    files.insert("lib".to_owned(), crate_lib());
    files.insert(
        operations_file("mod"),
        quote! {
            #[doc = #models_doc]
            pub use ::#models_crate as models;

            mod error_body;
            pub use self::error_body::ApiErrorBody;
            #[doc(hidden)]
            pub use self::error_body::decode as __decode_error_body;
            #(
                #[cfg(feature = #features)]
                mod #modules;
                #[cfg(feature = #features)]
                pub use self::#modules::*;
            )*
            #(
                #[cfg(feature = #shared_features)]
                pub use ::#shared_crate::#shared_modules::*;
            )*
        },
    );
    let ops_crate = format_ident!("{}", crate::layout::ApiCrate::Version(version).rust_name());
    let version_doc = format!(
        " API version `{name}`: every request of this module's clients sends `Polar-Version: {name}`."
    );
    let payload = match models.webhook_event {
        Some(id) => {
            let payload = ident(&models.get(id).name);
            quote! {
                #[cfg(feature = "webhooks")]
                #[doc = " The webhook payloads of this API version: one variant per event type."]
                pub use self::models::#payload as WebhookPayload;
            }
        }
        // `VersionedWebhookPayload` has a variant per version, so a version
        // whose document declares no webhooks still needs a payload type.
        None => quote! {
            #[cfg(feature = "webhooks")]
            #[doc = " The document of this API version declares no webhooks: a delivery sent as"]
            #[doc = " this version is kept as raw JSON."]
            #[derive(Clone, Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
            #[serde(transparent)]
            pub struct WebhookPayload(pub ::serde_json::Value);
            #[cfg(feature = "webhooks")]
            impl WebhookPayload {
                #[doc = " The `type` of the delivery's JSON, or `\"\"` for a value without one."]
                pub fn event_type(&self) -> &str {
                    self.0.get("type").and_then(::serde_json::Value::as_str).unwrap_or("")
                }
            }
        },
    };
    let webhooks = Some(quote! {
        #payload
        #[cfg(feature = "webhooks")]
        impl crate::webhooks::VersionedPayload for WebhookPayload {
            const API_VERSION: &'static str = API_VERSION;
        }
    });
    let facade_module = quote! {
        #[doc = " The `Polar-Version` this module's clients send."]
        pub const API_VERSION: &str = #name;

        #[doc = #version_doc]
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        pub struct Version;
        impl crate::__private::Sealed for Version {}
        impl crate::ApiVersion for Version {
            const NAME: &'static str = API_VERSION;
        }

        #[doc = " A client for this API version, authenticated with an organization access token."]
        #[doc = ""]
        #[doc = " Its operation groups are listed below; the methods every version's client"]
        #[doc = " shares are on [`polar_api::Client`](crate::Client#implementations):"]
        #[doc = ""]
        #[doc = " * making one: [`new`](crate::Client::new), [`from_env`](crate::Client::from_env),"]
        #[doc = "   [`builder`](crate::Client::builder) (sandbox, base URL, timeouts, retries, hooks),"]
        #[doc = "   [`anonymous`](crate::Client::anonymous);"]
        #[doc = " * portal clients with its configuration:"]
        #[doc = "   [`customer_portal_with`](crate::Client::customer_portal_with),"]
        #[doc = "   [`member_portal_with`](crate::Client::member_portal_with),"]
        #[doc = "   [`public_portal`](crate::Client::public_portal);"]
        #[cfg_attr(feature = "ingest", doc = " * the usage-event ingestor: [`ingestor`](crate::Client::ingestor) (feature `ingest`);")]
        #[cfg_attr(not(feature = "ingest"), doc = " * the usage-event ingestor: `ingestor` (feature `ingest`);")]
        #[doc = " * [`base_url`](crate::Client::base_url), [`api_version`](crate::Client::api_version)."]
        pub type Client = crate::Client<Version>;
        #[doc = " Configures a [`Client`] of this API version: its methods are on"]
        #[doc = " [`polar_api::ClientBuilder`](crate::ClientBuilder#implementations)"]
        #[doc = " (`token`, `sandbox`, `base_url`, `timeout`, `retry`, `hook`, ..., then `build`)."]
        pub type ClientBuilder = crate::ClientBuilder<Version>;
        #[doc = " A customer-portal client of this API version. Its operation groups are listed"]
        #[doc = " below; making one ([`from_customer_session`](crate::CustomerPortalClient::from_customer_session),"]
        #[doc = " [`from_member_session`](crate::CustomerPortalClient::from_member_session),"]
        #[doc = " [`public`](crate::CustomerPortalClient::public), or from a [`Client`]) and"]
        #[doc = " [`with_token`](crate::CustomerPortalClient::with_token) are on"]
        #[doc = " [`polar_api::CustomerPortalClient`](crate::CustomerPortalClient#implementations)."]
        pub type CustomerPortalClient<S = crate::CustomerSessionToken> = crate::CustomerPortalClient<Version, S>;

        // The operation groups, request builders, error bodies and `models`
        // are this version's crate.
        #[doc(inline)]
        pub use ::#ops_crate::*;

        #webhooks

        #(#accessors)*
    };
    Ok(VersionApi {
        crate_files: files,
        facade_module,
    })
}

/// The doc of a version's operation crate root.
pub fn crate_doc(version: &ApiVersion) -> String {
    format!(
        "Every operation of Polar (polar.sh) API version {} as a request builder. Use them \
         through polar-api (`polar_api::{}`).",
        version.name,
        version.module()
    )
}

/// The doc of a version's module in the facade.
pub fn facade_doc(version: &ApiVersion) -> String {
    format!(
        "The clients of Polar's API version {}: every operation of its crate (`{}`), \
         reached from them.",
        version.name,
        crate::layout::ApiCrate::Version(version).package()
    )
}

/// The root of an operation crate, `src/lib.rs`: the runtime's items at the
/// paths the operation files name them by (`crate::Error`,
/// `crate::__private::Request`), so that a group file reads the same in any
/// crate, and the operations, which rustfmt leaves alone (they are
/// formatted by the generator; this file is as rustfmt would write it).
pub fn crate_lib() -> TokenStream {
    quote! {
        // docs.rs shows which feature each item needs (its `rustdoc-args`).
        #![cfg_attr(docsrs, feature(doc_cfg))]
        #[allow(unused_imports)]
        use polar_api_runtime::*;

        #[rustfmt::skip]
        mod operations;
        // Empty when no group of the crate is enabled.
        #[allow(unused_imports)]
        pub use operations::*;
    }
}

/// Where a crate's operation files go: `operations/<stem>`, under the
/// root [`crate_lib`] declares.
pub fn operations_file(stem: &str) -> String {
    format!("operations/{stem}")
}

fn emit_group(models: &Models, group: &Group<'_>) -> TokenStream {
    let name = ident(&group.type_name);
    let what = group.path.join(" / ");
    let group_doc = format!(" Operations of the `{what}` group.");
    let children = emit_child_accessors(models, group);
    let methods = group.operations.iter().map(|op| emit_method(models, op));
    let builders = group.operations.iter().map(|op| emit_builder(models, op));
    let public_part = (group.portal && portal_reach(group) == PortalReach::Split).then(|| {
        let public_name = ident(&public_type_name(group));
        let public_doc = format!(
            " The operations of the `{what}` group the API leaves public: what a portal \
             client without a session token (`CustomerPortalClient<NoSession>`) can call."
        );
        let public_methods = group
            .operations
            .iter()
            .filter(|op| is_public(op))
            .map(|op| emit_method(models, op));
        quote! {
            #[doc = #public_doc]
            #[derive(Clone, Debug)]
            pub struct #public_name {
                core: crate::__private::Core,
                errors: crate::__private::ErrorDecoder,
            }
            impl #public_name {
                #[doc(hidden)]
                pub fn __new(core: crate::__private::Core, errors: crate::__private::ErrorDecoder) -> Self {
                    #public_name { core, errors }
                }
                #(#public_methods)*
            }
        }
    });
    quote! {
        #public_part
        #[doc = #group_doc]
        #[derive(Clone, Debug)]
        pub struct #name {
            core: crate::__private::Core,
            errors: crate::__private::ErrorDecoder,
        }
        impl #name {
            #[doc(hidden)]
            pub fn __new(core: crate::__private::Core, errors: crate::__private::ErrorDecoder) -> Self {
                #name { core, errors }
            }
            #children
            #(#methods)*
        }
        #(#builders)*
    }
}

/// `client.products()` or `portal.orders()`, in the version's `mod.rs` (a
/// nested group is reached from its parent instead): the one place a group
/// is tied to a version, by the version's error decoder.
fn emit_accessor(group: &Group<'_>, feature: &str, version: &ApiVersion) -> TokenStream {
    let name = ident(&group.type_name);
    let doc = format!(" The `{}` operations.", group.path.join(" / "));
    let accessor_depth = if group.portal { 2 } else { 1 };
    if group.path.len() > accessor_depth {
        // Reached from its parent group instead.
        return TokenStream::new();
    }
    let method = ident(group.path.last().expect("a group has a path"));
    let ops_crate = format_ident!("{}", crate::layout::ApiCrate::Version(version).rust_name());
    let construct = quote!(#name::__new(self.__core().clone(), ::#ops_crate::__decode_error_body));
    if !group.portal {
        return quote! {
            #[cfg(feature = #feature)]
            impl Client {
                #[doc = #doc]
                pub fn #method(&self) -> #name {
                    #construct
                }
            }
        };
    }
    if group.path.len() == 1 {
        // `customer_portal` itself: its operations hang off the portal client.
        return TokenStream::new();
    }
    if group.member_only {
        return quote! {
            #[cfg(feature = #feature)]
            impl CustomerPortalClient<crate::MemberSessionToken> {
                #[doc = #doc]
                #[doc = ""]
                #[doc = " Only a member session may call these."]
                pub fn #method(&self) -> #name {
                    #construct
                }
            }
        };
    }
    match portal_reach(group) {
        PortalReach::Everyone => quote! {
            #[cfg(feature = #feature)]
            impl<S: crate::SessionKind> CustomerPortalClient<S> {
                #[doc = #doc]
                #[doc = ""]
                #[doc = " The API leaves them public: a client without a session token may call them too."]
                pub fn #method(&self) -> #name {
                    #construct
                }
            }
        },
        PortalReach::Sessions => quote! {
            #[cfg(feature = #feature)]
            impl<S: crate::AuthenticatedSession> CustomerPortalClient<S> {
                #[doc = #doc]
                pub fn #method(&self) -> #name {
                    #construct
                }
            }
        },
        PortalReach::Split => {
            let public_name = ident(&public_type_name(group));
            let public_doc = format!(
                " The `{}` operations the API leaves public (the others need a session token).",
                group.path.join(" / ")
            );
            quote! {
                #[cfg(feature = #feature)]
                impl<S: crate::AuthenticatedSession> CustomerPortalClient<S> {
                    #[doc = #doc]
                    pub fn #method(&self) -> #name {
                        #construct
                    }
                }
                #[cfg(feature = #feature)]
                impl CustomerPortalClient<crate::NoSession> {
                    #[doc = #public_doc]
                    pub fn #method(&self) -> #public_name {
                        #public_name::__new(self.__core().clone(), ::#ops_crate::__decode_error_body)
                    }
                }
            }
        }
    }
}

/// Accessors from a group to its nested groups (`oauth2().clients()`).
fn emit_child_accessors(models: &Models, group: &Group<'_>) -> TokenStream {
    let depth = if group.portal { 2 } else { 1 };
    if group.path.len() < depth {
        return TokenStream::new();
    }
    let mut children: Vec<Vec<String>> = models
        .operations
        .iter()
        .filter(|op| op.group.len() > group.path.len() && op.group.starts_with(&group.path))
        .map(|op| op.group[..=group.path.len()].to_vec())
        .collect();
    children.sort();
    children.dedup();
    let accessors = children.iter().map(|child| {
        let method = ident(child.last().expect("non-empty"));
        let child_type = ident(&group_type_name(child));
        let doc = format!(" The `{}` operations.", child.join(" / "));
        quote! {
            #[doc = #doc]
            pub fn #method(&self) -> super::#child_type {
                super::#child_type::__new(self.core.clone(), self.errors)
            }
        }
    });
    quote!(#(#accessors)*)
}

/// The method on the group that starts a request.
fn emit_method(models: &Models, op: &Operation) -> TokenStream {
    let method = ident(&op.method);
    let builder = ident(&op.builder);
    let doc = doc_attrs(&op.doc);
    let mut args = Vec::new();
    let mut inits = Vec::new();
    for param in op.arguments() {
        let name = ident(&param.rust_name);
        let (arg_ty, convert) = argument_type(models, param);
        args.push(quote!(#name: #arg_ty));
        inits.push(match convert {
            Some(convert) => quote!(#name: #convert),
            None => quote!(#name),
        });
    }
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        let ty = model_type(models, &body.ty);
        if argument_takes_into(models, &body.ty) {
            args.push(quote!(body: impl Into<#ty>));
            inits.push(quote!(body: body.into()));
        } else {
            args.push(quote!(body: #ty));
            inits.push(quote!(body));
        }
    }
    let optional_fields = optional_query(op).map(|p| ident(&p.rust_name));
    let optional_body = op
        .body
        .as_ref()
        .filter(|b| !b.required)
        .map(|_| quote!(body: None,));
    quote! {
        #doc
        pub fn #method(&self, #(#args),*) -> #builder {
            #builder {
                core: self.core.clone(),
                errors: self.errors,
                options: Default::default(),
                #(#inits,)*
                #(#optional_fields: Default::default(),)*
                #optional_body
            }
        }
    }
}

pub(super) fn optional_query(op: &Operation) -> impl Iterator<Item = &Param> {
    op.query_params.iter().filter(|p| !p.required)
}

/// An argument's type and, unless it is stored as given, its conversion:
/// strings take `impl Into<String>` (or `Secret`), unions `impl Into<_>`
/// (any member), lists `impl Into<OneOrMany<_>>`.
fn argument_type(models: &Models, param: &Param) -> (TokenStream, Option<TokenStream>) {
    let name = ident(&param.rust_name);
    if param.many {
        let ty = model_type(models, &param.ty);
        return (
            quote!(impl Into<crate::OneOrMany<#ty>>),
            Some(quote!(#name.into().into_iter().collect())),
        );
    }
    match param.ty {
        TypeRef::String => (quote!(impl Into<String>), Some(quote!(#name.into()))),
        TypeRef::Secret => (impl_into(models, &param.ty), Some(quote!(#name.into()))),
        _ if argument_takes_into(models, &param.ty) => {
            (impl_into(models, &param.ty), Some(quote!(#name.into())))
        }
        _ => (model_type(models, &param.ty), None),
    }
}

fn impl_into(models: &Models, ty: &TypeRef) -> TokenStream {
    let ty = model_type(models, ty);
    quote!(impl Into<#ty>)
}

fn stored_type(models: &Models, param: &Param) -> TokenStream {
    let ty = model_type(models, &param.ty);
    match (param.many, param.required) {
        (true, _) => quote!(Vec<#ty>),
        (false, true) => ty,
        (false, false) => quote!(Option<#ty>),
    }
}

fn emit_builder(models: &Models, op: &Operation) -> TokenStream {
    let builder = ident(&op.builder);
    let operation_id = &op.operation_id;
    let builder_doc = format!(
        " A `{}` request; set optional parameters, then `send().await`.",
        op.operation_id
    );
    let mut fields = Vec::new();
    for param in op.arguments().chain(optional_query(op)) {
        let name = ident(&param.rust_name);
        let ty = stored_type(models, param);
        fields.push(quote!(#name: #ty,));
    }
    if let Some(body) = &op.body {
        let ty = model_type(models, &body.ty);
        fields.push(if body.required {
            quote!(body: #ty,)
        } else {
            quote!(body: Option<#ty>,)
        });
    }
    let setters = optional_query(op).map(|param| emit_setter(models, param));
    let body_setter = op.body.as_ref().filter(|b| !b.required).map(|body| {
        let ty = model_type(models, &body.ty);
        let (arg, value) = if argument_takes_into(models, &body.ty) {
            (quote!(impl Into<#ty>), quote!(body.into()))
        } else {
            (ty, quote!(body))
        };
        quote! {
            #[doc = " The request body."]
            pub fn body(mut self, body: #arg) -> Self {
                self.body = Some(#value);
                self
            }
        }
    });
    let request = emit_request(op);
    let request_options = emit_request_options();
    let idempotency_key = takes_idempotency_key(op).then(emit_idempotency_key);
    let (value_ty, decode) = response_handling(models, op);
    let pagination = op
        .pagination
        .as_ref()
        .map(|p| super::api_pages::walkers(models, op, p));
    // `request` is `#[inline]` so that it is compiled where `send` is
    // polled, in the program that calls the operation, like the response
    // decoding: as a plain fn it was compiled here for every operation, with
    // a serializer for every request body (BENCHMARKS.md, "Compiled where
    // used").
    quote! {
        #[doc = #builder_doc]
        #[derive(Clone, Debug)]
        #[must_use = "a request does nothing until `send` is awaited"]
        pub struct #builder {
            core: crate::__private::Core,
            errors: crate::__private::ErrorDecoder,
            options: crate::__private::RequestOptions,
            #(#fields)*
        }
        impl #builder {
            const OPERATION: &'static str = #operation_id;
            #(#setters)*
            #body_setter
            #request_options
            #idempotency_key
            #[doc = " Send the request and decode the response."]
            pub async fn send(self) -> Result<#value_ty, crate::Error> {
                self.send_with_response().await.map(crate::Response::into_value)
            }
            #[doc = " Send the request; the response keeps its status, headers and rate limits."]
            pub async fn send_with_response(self) -> Result<crate::Response<#value_ty>, crate::Error> {
                let request = self.request()?;
                let response = self.core.send(request).await?;
                #decode
            }
            #pagination
            #[inline]
            fn request(&self) -> Result<crate::__private::Request, crate::Error> {
                #request
            }
        }
    }
}

fn emit_setter(models: &Models, param: &Param) -> TokenStream {
    let name = ident(&param.rust_name);
    let mut doc = doc_attrs(&param.doc);
    if param.deprecated {
        doc.extend(quote!(#[deprecated(note = "deprecated in the API")]));
    }
    let ty = model_type(models, &param.ty);
    if param.many {
        return quote! {
            #doc
            #[doc = ""]
            #[doc = " Takes one value or several; calling it again adds more."]
            pub fn #name(mut self, value: impl Into<crate::OneOrMany<#ty>>) -> Self {
                self.#name.extend(value.into());
                self
            }
        };
    }
    let (arg, value) = match param.ty {
        TypeRef::String => (quote!(impl Into<String>), quote!(value.into())),
        TypeRef::Secret => (impl_into(models, &param.ty), quote!(value.into())),
        _ if argument_takes_into(models, &param.ty) => {
            (impl_into(models, &param.ty), quote!(value.into()))
        }
        _ => (ty, quote!(value)),
    };
    let entry = emit_entry_method(models, param);
    quote! {
        #doc
        pub fn #name(mut self, value: #arg) -> Self {
            self.#name = Some(#value);
            self
        }
        #entry
    }
}

fn emit_request(op: &Operation) -> TokenStream {
    let method = format_ident!("{}", op.http_method);
    let path = &op.path;
    let mut steps = Vec::new();
    for param in &op.path_params {
        let wire = &param.wire_name;
        let name = ident(&param.rust_name);
        steps.push(quote!(request = request.path_param(#wire, &self.#name);));
    }
    for param in &op.query_params {
        let wire = &param.wire_name;
        let name = ident(&param.rust_name);
        let call = if param.deep_object {
            quote!(query_deep_object)
        } else {
            quote!(query)
        };
        steps.push(match (param.many, param.required) {
            (true, _) => quote! {
                if !self.#name.is_empty() {
                    request = request.#call(#wire, &self.#name);
                }
            },
            (false, true) => quote!(request = request.#call(#wire, &self.#name);),
            (false, false) => quote! {
                if let Some(value) = &self.#name {
                    request = request.#call(#wire, value);
                }
            },
        });
    }
    if let Some(body) = &op.body {
        let call = if body.form {
            quote!(form_body)
        } else {
            quote!(json_body)
        };
        steps.push(if body.required {
            quote!(request = request.#call(&self.body)?;)
        } else {
            quote! {
                if let Some(body) = &self.body {
                    request = request.#call(body)?;
                }
            }
        });
    }
    if op.success.kind == ResponseKind::Csv {
        steps.push(quote!(request = request.accept("text/csv");));
    }
    if matches!(op.auth, Auth::Public | Auth::PortalPublic) {
        // The spec names no credentials: the client's token stays home.
        steps.push(quote!(request = request.public();));
    }
    let binding = if steps.is_empty() {
        quote!(let request)
    } else {
        quote!(let mut request)
    };
    quote! {
        #binding = crate::__private::Request::new(::reqwest::Method::#method, Self::OPERATION, #path);
        #(#steps)*
        Ok(request.options(self.options.clone()))
    }
}

/// The decoded value type and the decoding call.
fn response_handling(models: &Models, op: &Operation) -> (TokenStream, TokenStream) {
    match &op.success.kind {
        ResponseKind::Json(ty) => {
            let ty = model_type(models, ty);
            (
                ty,
                quote!(crate::__private::json(
                    Self::OPERATION,
                    response,
                    self.errors
                )),
            )
        }
        ResponseKind::JsonOrPending(ty) => {
            let ty = model_type(models, ty);
            (
                quote!(Option<#ty>),
                quote!(crate::__private::json_or_pending(
                    Self::OPERATION,
                    response,
                    self.errors
                )),
            )
        }
        ResponseKind::Empty => (
            quote!(()),
            quote!(crate::__private::empty(
                Self::OPERATION,
                response,
                self.errors
            )),
        ),
        ResponseKind::Csv => (
            quote!(String),
            quote!(crate::__private::text(
                Self::OPERATION,
                response,
                self.errors
            )),
        ),
    }
}

/// A model type seen from `polar-api`.
pub(super) fn model_type(models: &Models, ty: &TypeRef) -> TokenStream {
    super::models::rust_type_in(models, ty, &quote!(super::models))
}
