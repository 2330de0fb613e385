//! What changed between two versions of the spec, as users of the generated
//! crates see it.
//!
//! [`diff`] lowers both documents to the IR ([`crate::ir::lower`]) and
//! compares the Rust-facing view: component schemas are matched by their
//! spec name, every other type (inline types, shared enums, primitive
//! unions) by its Rust name, operations by `operationId`, webhook events by
//! their event name. Each difference becomes an [`Entry`], classified as
//! [`Class::Breaking`] or [`Class::Additive`] by the rules in
//! [`classify`] (also tabulated in the README, "Reviewing a
//! spec refresh").
//!
//! The result is deterministic: entries are sorted by
//! `(kind, item, old, new, note)`, and nothing depends on the order of the
//! document's maps or on hash-map iteration.
//!
//! [`render`] turns a [`Changelog`] into plain text, Markdown or JSON.

pub mod classify;
mod compare;
pub mod render;

use serde::Serialize;

use crate::ir::{self, Models};
use crate::spec::Spec;
use crate::Error;

/// Compare two specs. Fails when either does not lower to the IR (the same
/// error `generate` would give).
pub fn diff(old: &Spec, new: &Spec) -> Result<Changelog, Error> {
    let old = ir::lower(old)?;
    let new = ir::lower(new)?;
    Ok(diff_models(&old, &new))
}

/// Compare two lowered specs.
pub fn diff_models(old: &Models, new: &Models) -> Changelog {
    let mut entries = compare::compare(old, new);
    entries.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    entries.dedup();
    Changelog { entries }
}

/// Every change between two specs, sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Changelog {
    pub entries: Vec<Entry>,
}

impl Changelog {
    /// The breaking entries, in order.
    pub fn breaking(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.class == Class::Breaking)
    }

    /// The additive entries, in order.
    pub fn additive(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.class == Class::Additive)
    }

    /// `(breaking, additive)` counts.
    pub fn counts(&self) -> (usize, usize) {
        let breaking = self.breaking().count();
        (breaking, self.entries.len() - breaking)
    }

    /// Whether nothing that users of the generated crates see changed.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether any entry is breaking.
    pub fn has_breaking(&self) -> bool {
        self.breaking().next().is_some()
    }
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub kind: Kind,
    pub class: Class,
    /// What changed: an `operationId` (`products:list`), a Rust type name
    /// (`Customer`), a field (`Customer.email`), a webhook event name
    /// (`order.paid`).
    pub item: String,
    /// The Rust-facing value before the change (a type, a path, an enum
    /// value), when there was one.
    pub old: Option<String>,
    /// The value after the change, when there is one.
    pub new: Option<String>,
    /// Context a reviewer needs (the parameter name, why it is breaking).
    pub note: Option<String>,
}

impl Entry {
    fn sort_key(&self) -> (Kind, &str, Option<&str>, Option<&str>, Option<&str>) {
        (
            self.kind,
            &self.item,
            self.old.as_deref(),
            self.new.as_deref(),
            self.note.as_deref(),
        )
    }
}

/// Whether code written against the old generated crates keeps compiling
/// and behaving as documented against the new ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// It may not: a user has to change code.
    Breaking,
    /// It does: new things appeared, or a change no Rust signature shows.
    Additive,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::Additive => "additive",
        }
    }
}

macro_rules! kinds {
    ($($(#[$doc:meta])* $variant:ident => $id:literal,)*) => {
        /// What kind of change an [`Entry`] is. The declaration order is the
        /// order entries are listed in.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        pub enum Kind {
            $($(#[$doc])* #[serde(rename = $id)] $variant,)*
        }

        impl Kind {
            /// Every kind, in listing order.
            pub const ALL: &'static [Kind] = &[$(Kind::$variant,)*];

            /// The stable `snake_case` id used in JSON.
            pub fn id(self) -> &'static str {
                match self {
                    $(Kind::$variant => $id,)*
                }
            }
        }
    };
}

kinds! {
    /// A new `operationId`.
    OperationAdded => "operation_added",
    /// An `operationId` is gone.
    OperationRemoved => "operation_removed",
    /// Same `operationId`, another HTTP method.
    OperationMethodChanged => "operation_method_changed",
    /// Same `operationId`, another path template.
    OperationPathChanged => "operation_path_changed",
    /// The operation moved between `Client`, `CustomerPortalClient` and the
    /// member portal (its security requirements changed).
    OperationClientChanged => "operation_client_changed",
    /// The operation is now marked deprecated.
    OperationDeprecated => "operation_deprecated",
    /// A path or query parameter appeared.
    ParameterAdded => "parameter_added",
    /// A parameter is gone.
    ParameterRemoved => "parameter_removed",
    /// A parameter's Rust type changed.
    ParameterRetyped => "parameter_retyped",
    /// An optional query parameter became required.
    ParameterBecameRequired => "parameter_became_required",
    /// A required query parameter became optional.
    ParameterBecameOptional => "parameter_became_optional",
    /// The operation takes a request body it did not take.
    BodyAdded => "body_added",
    /// The operation takes no request body any more.
    BodyRemoved => "body_removed",
    /// The request body's type changed.
    BodyRetyped => "body_retyped",
    /// An optional request body became required.
    BodyBecameRequired => "body_became_required",
    /// A required request body became optional.
    BodyBecameOptional => "body_became_optional",
    /// The success response's type changed.
    ResponseRetyped => "response_retyped",
    /// A list operation now offers `.stream()` / `.collect_all()`.
    PaginationAdded => "pagination_added",
    /// A list operation no longer offers `.stream()` / `.collect_all()`.
    PaginationRemoved => "pagination_removed",
    /// A documented error status (with a typed body) appeared.
    ErrorStatusAdded => "error_status_added",
    /// A documented error status is gone.
    ErrorStatusRemoved => "error_status_removed",
    /// The typed body of a documented error status changed.
    ErrorRetyped => "error_retyped",
    /// A new type in `polar-models` (a component schema, or an inline type).
    SchemaAdded => "schema_added",
    /// A type of `polar-models` is gone.
    SchemaRemoved => "schema_removed",
    /// A component schema's Rust name changed.
    SchemaRenamed => "schema_renamed",
    /// A type changed between struct, enum, union and alias.
    SchemaKindChanged => "schema_kind_changed",
    /// A type alias points at another type.
    AliasRetyped => "alias_retyped",
    /// A struct is now sent to the API (a request body reaches it).
    SchemaBecameInput => "schema_became_input",
    /// A struct is no longer sent to the API.
    SchemaNoLongerInput => "schema_no_longer_input",
    /// A struct no longer derives `Default`.
    SchemaLostDefault => "schema_lost_default",
    /// A struct field (property) appeared.
    FieldAdded => "field_added",
    /// A struct field is gone.
    FieldRemoved => "field_removed",
    /// A struct field's Rust type changed.
    FieldRetyped => "field_retyped",
    /// An optional property became required.
    FieldBecameRequired => "field_became_required",
    /// A required property became optional.
    FieldBecameOptional => "field_became_optional",
    /// A property now allows `null`.
    FieldBecameNullable => "field_became_nullable",
    /// A property no longer allows `null`.
    FieldBecameNonNullable => "field_became_non_nullable",
    /// A string enum gained a value.
    EnumValueAdded => "enum_value_added",
    /// A string enum lost a value.
    EnumValueRemoved => "enum_value_removed",
    /// A union gained a variant.
    UnionVariantAdded => "union_variant_added",
    /// A union lost a variant.
    UnionVariantRemoved => "union_variant_removed",
    /// A union variant holds another type.
    UnionVariantRetyped => "union_variant_retyped",
    /// A union gained an accessor (a field every member now shares) or a
    /// constructor.
    UnionMethodAdded => "union_method_added",
    /// A union lost an accessor (a member no longer has the field, or a new
    /// member lacks it) or a constructor.
    UnionMethodRemoved => "union_method_removed",
    /// A union's accessor or constructor has another signature.
    UnionMethodRetyped => "union_method_retyped",
    /// A new webhook event.
    WebhookEventAdded => "webhook_event_added",
    /// A webhook event is gone.
    WebhookEventRemoved => "webhook_event_removed",
    /// A webhook event's payload type changed.
    WebhookEventRetyped => "webhook_event_retyped",
}

impl Kind {
    /// The id in words: `field became required`, `field became non-nullable`.
    pub fn label(self) -> String {
        self.id()
            .replace('_', " ")
            .replace("non nullable", "non-nullable")
    }
}
