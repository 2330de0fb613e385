//! The rules that make a change breaking or additive.
//!
//! A change is **breaking** when code written against the old generated
//! crates may stop compiling, or may silently stop doing what it did, with
//! the new ones. It is **additive** when such code keeps compiling and
//! working: something new appeared, or the wire format changed in a way no
//! Rust signature shows.
//!
//! What the generated crates promise, and the rules rely on:
//!
//! - string enums and unions are `#[non_exhaustive]` and have an `Unknown`
//!   variant, so a new value or variant neither breaks a `match` nor decoding;
//! - request types are built with `new(required fields)` (types with a
//!   required property) or `Default` plus field assignment (types whose
//!   properties are all optional); a struct literal naming every field is
//!   not supported, so a new optional field is additive;
//! - optional query parameters and optional bodies are builder methods,
//!   path parameters, required query parameters and required bodies are
//!   method arguments;
//! - a builder method for a query parameter takes `impl Into<OneOrMany<T>>`
//!   when the parameter takes a list, and a single `T` converts into it.
//!
//! | change | class | why |
//! |---|---|---|
//! | operation added | additive | a new method |
//! | operation removed | breaking | the method is gone |
//! | HTTP method changed | breaking | retries and idempotency change (`GET`/`PUT`/`DELETE` are retried, `POST`/`PATCH` only with a key) |
//! | path changed | additive | the call is unchanged; it requests the new path |
//! | operation moved to another client | breaking | the method is on `Client`, `CustomerPortalClient` or the member portal |
//! | operation deprecated | additive | a doc change |
//! | parameter added | breaking if it is an argument (path, required query), else additive | a new argument vs. a new builder method |
//! | parameter removed | breaking | the argument or builder method is gone |
//! | parameter retyped | breaking, except one value → one or many values of the same type | the argument's type changed |
//! | parameter became required / optional | breaking | it moves between an argument and a builder method |
//! | body added | breaking if required, else additive | a new argument vs. `.body(..)` |
//! | body removed, retyped, became required / optional | breaking | the argument changes |
//! | success response retyped | breaking | `send()` returns another type |
//! | pagination added / removed | additive / breaking | `.stream()` appears / disappears |
//! | error status added | additive | a status that was an untyped error is now typed |
//! | error status removed, error body retyped | breaking | a `match` on `ApiErrorBody` no longer sees it |
//! | schema added | additive | a new type |
//! | schema removed, renamed, kind changed, alias retyped | breaking | the type is gone or different |
//! | struct became input | additive | it gains `new()`; fields that change are listed on their own |
//! | struct no longer input | breaking if it had `new()`, else additive | the constructor is gone |
//! | struct lost `Default` | breaking | `..Default::default()` no longer compiles |
//! | field added | breaking if `new()` takes it (a required field of a type sent to the API), else additive | users must now set it |
//! | field removed, field retyped | breaking | the field is gone or has another type |
//! | field became required / optional / nullable / non-nullable | breaking if the field's Rust type or the `new()` arguments change, else additive | e.g. `Option<T>` → `T`; a received-only optional field reads as `Option<T>` nullable or not |
//! | enum value, union variant added | additive | `#[non_exhaustive]`, and old versions decode it as `Unknown` |
//! | enum value, union variant removed, variant retyped | breaking | the variant is gone or holds another type |
//! | union accessor or constructor added | additive | a new method |
//! | union accessor or constructor removed or retyped (a member added without the field, say) | breaking | calls stop compiling |
//! | webhook event added | additive | a new `WebhookPayload` variant (`#[non_exhaustive]`) |
//! | webhook event removed, payload retyped | breaking | the variant is gone or holds another type |

use super::{Class, Kind};

/// Facts about one change that decide its class, beyond its [`Kind`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facts {
    /// The added parameter or body is a method argument (path parameter,
    /// required query parameter, required body); the added field is an
    /// argument of the struct's `new()` constructor.
    pub argument: bool,
    /// The field's Rust type (with its `Option`/`Nullable` wrapper) changed,
    /// or it became or stopped being an argument of `new()`.
    pub signature_changed: bool,
    /// A parameter went from one value to one-or-many values of the same
    /// type (`T` → `impl Into<OneOrMany<T>>`).
    pub widened_to_many: bool,
    /// The struct had a `new()` constructor before the change and has none
    /// after it.
    pub lost_constructor: bool,
}

/// The class of a change of this kind with these facts. Each arm's comment
/// is the rule.
pub fn classify(kind: Kind, facts: &Facts) -> Class {
    use Class::{Additive, Breaking};
    match kind {
        // A new method on a group.
        Kind::OperationAdded => Additive,
        // The method is gone.
        Kind::OperationRemoved => Breaking,
        // Retries depend on the method: GET/PUT/DELETE are retried, POST and
        // PATCH only with an idempotency key; the call now means something
        // else to the server.
        Kind::OperationMethodChanged => Breaking,
        // The call is unchanged and requests the path the API now documents.
        Kind::OperationPathChanged => Additive,
        // The method moved to another client type.
        Kind::OperationClientChanged => Breaking,
        // Only the docs say so.
        Kind::OperationDeprecated => Additive,
        // A new argument breaks every call; a new builder method breaks none.
        Kind::ParameterAdded | Kind::BodyAdded => {
            if facts.argument {
                Breaking
            } else {
                Additive
            }
        }
        // `T` converts into `OneOrMany<T>`, so old calls still compile.
        Kind::ParameterRetyped => {
            if facts.widened_to_many {
                Additive
            } else {
                Breaking
            }
        }
        // The argument or builder method is gone, or moves between the two.
        Kind::ParameterRemoved
        | Kind::ParameterBecameRequired
        | Kind::ParameterBecameOptional
        | Kind::BodyRemoved
        | Kind::BodyRetyped
        | Kind::BodyBecameRequired
        | Kind::BodyBecameOptional => Breaking,
        // `send()` returns another type.
        Kind::ResponseRetyped => Breaking,
        // `.stream()` and `.collect_all()` appear.
        Kind::PaginationAdded => Additive,
        // `.stream()` and `.collect_all()` are gone.
        Kind::PaginationRemoved => Breaking,
        // An answer that was an untyped API error now carries a typed body.
        Kind::ErrorStatusAdded => Additive,
        // Code matching the typed body of that status no longer sees it.
        Kind::ErrorStatusRemoved | Kind::ErrorRetyped => Breaking,
        // A new type.
        Kind::SchemaAdded => Additive,
        // The type is gone, renamed, or another kind of type.
        Kind::SchemaRemoved
        | Kind::SchemaRenamed
        | Kind::SchemaKindChanged
        | Kind::AliasRetyped => Breaking,
        // The struct gains `new()` (fields whose wrapper changes are listed
        // on their own).
        Kind::SchemaBecameInput => Additive,
        // Breaking only when the `new()` constructor goes with it.
        Kind::SchemaNoLongerInput => {
            if facts.lost_constructor {
                Breaking
            } else {
                Additive
            }
        }
        // `..Default::default()` and `T::default()` stop compiling.
        Kind::SchemaLostDefault => Breaking,
        // Users must now pass it to `new()`; otherwise `new()` and
        // `Default` still build the struct, and readers just see a new field.
        Kind::FieldAdded => {
            if facts.argument {
                Breaking
            } else {
                Additive
            }
        }
        // The field is gone, or has another type.
        Kind::FieldRemoved | Kind::FieldRetyped => Breaking,
        // Presence decides the Rust wrapper (`T`, `Option<T>`,
        // `Nullable<T>`) and the constructor's arguments; when neither
        // changes (e.g. an optional field of a received-only type becoming
        // nullable: `Option<T>` either way), only the wire format changed.
        Kind::FieldBecameRequired
        | Kind::FieldBecameOptional
        | Kind::FieldBecameNullable
        | Kind::FieldBecameNonNullable => {
            if facts.signature_changed {
                Breaking
            } else {
                Additive
            }
        }
        // Enums and unions are `#[non_exhaustive]` with an `Unknown`
        // variant: new values break neither `match`es nor old decoders.
        Kind::EnumValueAdded | Kind::UnionVariantAdded | Kind::WebhookEventAdded => Additive,
        // A new method; calls of one that is gone or changed stop compiling.
        Kind::UnionMethodAdded => Additive,
        Kind::UnionMethodRemoved | Kind::UnionMethodRetyped => Breaking,
        // A `match` arm or constructor names a variant that is gone or holds
        // another type.
        Kind::EnumValueRemoved
        | Kind::UnionVariantRemoved
        | Kind::UnionVariantRetyped
        | Kind::WebhookEventRemoved
        | Kind::WebhookEventRetyped => Breaking,
    }
}
