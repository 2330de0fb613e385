//! The hand-written runtime of [`polar-models`](https://docs.rs/polar-models):
//! the types the generated models are written with, and the decoders they
//! call. Depend on `polar-models` (or `polar-api`), which re-exports all of
//! it; this crate is separate so that each API version's generated types can
//! be a crate of its own, compiled in parallel with the others (the
//! repository README says why).

#![deny(missing_docs)]
// docs.rs (`rustdoc-args = ["--cfg", "docsrs"]`) marks each item with the
// features it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod constant;
mod error_path;
mod json;
mod nullable;
mod page;
mod peek;
mod secret;
mod struct_decode;
mod struct_encode;
mod tag_scan;
mod timestamp;
mod union_decode;
mod unique_keys;

#[doc(hidden)]
pub mod __private;

pub use constant::{Const, ConstBool, ConstInt, ConstValue};
pub use nullable::Nullable;
pub use page::{Page, PageProgress};
pub use secret::Secret;

pub use chrono;
pub use uuid;
