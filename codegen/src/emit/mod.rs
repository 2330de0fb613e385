//! Stage 3 — emit: IR → token streams, one per generated file.

mod accessors;
pub mod api;
mod api_errors;
mod api_options;
pub(crate) mod api_pages;
pub mod api_shared;
pub mod conformance;
pub mod features;
pub mod fuzz;
pub mod mock;
pub mod mock_server;
pub mod models;
pub mod roundtrip;
mod setters;
pub mod shared;
mod struct_decode;
mod struct_encode;
pub mod versions;
mod webhook_event;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// An identifier from a name the IR already made valid (raw `r#` allowed).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(bare) => Ident::new_raw(bare, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `#[doc = " line"]` attributes, one per line, so the formatter prints `///`.
pub fn doc_attrs(doc: &str) -> TokenStream {
    if doc.is_empty() {
        return TokenStream::new();
    }
    let lines = doc.lines().map(|line| {
        let text = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#[doc = #text])
    });
    quote!(#(#lines)*)
}
