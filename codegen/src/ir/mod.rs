//! Stage 2 — the intermediate representation: plain data describing the Rust
//! types to emit, with every Rust name resolved exactly once.
//!
//! Nothing in here knows about tokens; nothing in `emit` knows about the spec.

pub mod accessors;
mod credentials;
mod cycles;
pub mod docs;
pub mod enum_names;
mod enums;
pub mod features;
pub mod groups;
mod lower;
mod maps;
pub mod metadata;
pub mod names;
mod operations;
pub mod page_size;
mod pagination;
mod passes;
mod reach;
pub mod schema_docs;
pub mod secrets;
pub mod setters;
pub mod sharing;
mod unions;
mod webhooks;

pub use lower::{lower, ADDITIONAL_PROPERTIES_FIELD, RESERVED_MODULES};
pub use operations::{
    group_type_name, Auth, Body, ErrorResponse, Operation, Pagination, Param, ResponseKind,
    Success, API_RUNTIME_NAMES,
};

/// Index of a [`TypeDef`] in [`Models::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// Index of a [`ConstMarker`] in [`Models::consts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConstId(pub usize);

/// Everything `polar-models` contains.
#[derive(Debug, Clone)]
pub struct Models {
    /// Ids `0..component_count` are the spec's reachable component schemas
    /// in spec order; inline and synthetic types follow.
    pub types: Vec<TypeDef>,
    /// One marker type per distinct string `const` value.
    pub consts: Vec<ConstMarker>,
    /// The `WebhookEvent` union, when the spec has a `webhooks` section.
    pub webhook_event: Option<TypeId>,
    /// Number of component schemas (the first ids in `types`).
    pub component_count: usize,
    /// Spec names of the component schemas no operation or webhook reaches,
    /// sorted: they are not lowered, so no type is generated for them.
    pub unreachable: Vec<String>,
    /// Every operation of the spec's `paths`, in document order.
    pub operations: Vec<Operation>,
    /// The structs `Page<_, P>` is used with, and how each tells whether a
    /// page follows (sorted by id).
    pub page_positions: Vec<(TypeId, PagePosition)>,
    /// The unions with accessors or constructors, and what they are
    /// ([`accessors`]).
    pub union_methods: std::collections::BTreeMap<TypeId, accessors::UnionMethods>,
}

/// How a page's `pagination` object says whether another page follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PagePosition {
    /// Numbered pages up to a total: the integer field `max_page`.
    MaxPage { field: String },
    /// A cursor-style flag: the boolean field `has_next_page`.
    HasNextPage { field: String },
}

impl Models {
    pub fn get(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    /// The component schema with this spec name.
    pub fn component(&self, spec_name: &str) -> Option<TypeId> {
        self.types[..self.component_count]
            .iter()
            .position(|ty| matches!(&ty.origin, Origin::Component(name) if name == spec_name))
            .map(TypeId)
    }
}

/// Where a type came from; used for docs, file placement and test names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// `#/components/schemas/{0}`.
    Component(String),
    /// A schema written inline inside component `parent`, at `pointer`.
    Inline { parent: String, pointer: String },
    /// An inline enum shared by every place that declares it with the same
    /// `title` and values.
    SharedEnum { title: String },
    /// A union of primitive types, shared by its structure.
    PrimitiveUnion,
    /// The event union built from the spec's `webhooks` section.
    WebhookEvents,
    /// A short public name for a type whose structural name is long
    /// (`MetadataValue`): an alias decided in [`metadata`].
    ShortName,
}

#[derive(Debug, Clone)]
pub struct TypeDef {
    /// The Rust identifier, unique in the crate.
    pub name: String,
    pub origin: Origin,
    /// Rendered rustdoc text (already sanitized), possibly empty.
    pub doc: String,
    /// The generated module (file stem) this type is written to.
    pub module: String,
    pub kind: TypeKind,
}

#[derive(Debug, Clone)]
pub enum TypeKind {
    Struct(Struct),
    Enum(StringEnum),
    Union(Union),
    /// `pub type Name = Target;`
    Alias(TypeRef),
}

#[derive(Debug, Clone)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// Values of properties not listed, from `additionalProperties: {schema}`
    /// or `patternProperties` (keys are `String`).
    pub additional: Option<TypeRef>,
    /// Whether the type is sent to the API (a request body reaches it).
    pub input: bool,
}

impl Struct {
    /// Whether the generated struct derives `Default`: every field is
    /// optional or a constant.
    pub fn derives_default(&self) -> bool {
        self.fields
            .iter()
            .all(|f| matches!(f.presence, Presence::Optional | Presence::Tristate) || f.is_fixed())
    }

    /// Whether the generated struct has a `new(required fields)`
    /// constructor: a type sent to the API that cannot derive `Default`.
    pub fn has_constructor(&self) -> bool {
        self.input && !self.derives_default()
    }

    /// The fields `new` takes as arguments, in order (required, not
    /// [fixed](Field::is_fixed)). Empty when there is no constructor.
    pub fn constructor_arguments(&self) -> impl Iterator<Item = &Field> {
        let has = self.has_constructor();
        self.fields.iter().filter(move |f| {
            has && matches!(f.presence, Presence::Required | Presence::RequiredNullable)
                && !f.is_fixed()
        })
    }
}

#[derive(Debug, Clone)]
pub struct Field {
    /// The JSON property name.
    pub wire_name: String,
    /// The Rust field name (may be a raw identifier such as `r#type`).
    pub rust_name: String,
    pub ty: TypeRef,
    pub presence: Presence,
    /// Whether the spec allows `null` here. [`Presence`] already says so for
    /// required fields and for fields of types sent to the API; for an
    /// optional field of a received-only type both read as `Option<T>`, and
    /// only this flag keeps the difference (the changelog reports it).
    pub nullable: bool,
    /// What decoding does when the property is missing from the payload.
    pub on_missing: OnMissing,
    /// Set when the field closes a cycle of directly contained types.
    pub boxed: bool,
    pub doc: String,
    /// `const: <integer>`: the value the spec fixes the property to. The
    /// field's Rust type is then `ConstInt<value>` (a `ty` of
    /// [`TypeRef::Integer`] says what the value is).
    pub int_const: Option<i64>,
}

impl Field {
    /// Whether the spec fixes the field's value, so that a constructor never
    /// asks for it and `Default` gives it: a string, boolean or integer
    /// `const`, or a required property whose only value is `null`.
    pub fn is_fixed(&self) -> bool {
        match self.ty {
            TypeRef::Const(_) => true,
            TypeRef::ConstBool(_) | TypeRef::Unit => self.presence == Presence::Required,
            _ => self.int_const.is_some() && self.presence == Presence::Required,
        }
    }
}

/// How the spec says a property may appear, and so its Rust wrapper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Listed in `required`, not nullable: `T`.
    Required,
    /// Listed in `required`, nullable: `Option<T>`, `None` sent as `null`.
    RequiredNullable,
    /// Not required (nullable or not): `Option<T>`, `None` left out.
    Optional,
    /// Not required and nullable, in a type that is sent to the API:
    /// `Nullable<T>`, three states (absent, `null`, value).
    Tristate,
}

/// The drift policy for a property the payload lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnMissing {
    /// Decoding fails: there is no faithful reading.
    Error,
    /// The Rust type's `Default`, which is the type's true empty value
    /// (`None`, `[]`, `{}`, `false`, the expected constant).
    Default,
    /// A string enum's `Unknown("")`: the same bucket a value this SDK does
    /// not know lands in, so a missing enum never sinks the whole object.
    UnknownEnum,
}

#[derive(Debug, Clone)]
pub struct StringEnum {
    pub variants: Vec<EnumVariant>,
}

#[derive(Debug, Clone)]
pub struct EnumVariant {
    pub rust_name: String,
    pub wire_value: String,
    /// The name the value asked for when another variant had it first (see
    /// [`enum_names`]); `rust_name` is then that name with a number.
    pub collision: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Union {
    pub variants: Vec<UnionVariant>,
    /// The property whose value names the variant, for discriminated unions.
    pub discriminator: Option<String>,
}

#[derive(Debug, Clone)]
pub struct UnionVariant {
    pub rust_name: String,
    pub ty: TypeRef,
    /// Discriminator values that select this variant.
    pub tags: Vec<String>,
    /// What a payload of this variant looks like, for choosing a variant
    /// when there is no (or no usable) discriminator.
    pub shape: Shape,
    pub boxed: bool,
    pub doc: String,
    /// The Cargo feature without which the variant is left out (its payloads
    /// then decode into `Unknown`): a webhook event's family
    /// (`features::event_families`). `None`: always there.
    pub feature: Option<String>,
    /// Where the member's schema is written in the document (a JSON
    /// pointer, as in error messages): for tests that build an instance of
    /// every member. Not part of the type's definition (sharing ignores it).
    /// Empty for the members of a union of primitives, which is shared by
    /// structure, not written in one place.
    pub source: String,
}

/// The JSON shape of a union member.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Object {
        required: Vec<String>,
        known: Vec<String>,
        /// `(path, value)` for `const` properties: the member's own
        /// (a path of one property), and those below it that tell the
        /// members of its union apart (`["benefit", "type"]`), reached
        /// through objects without crossing another union.
        consts: Vec<(Vec<String>, ConstLit)>,
        /// `additionalProperties: false`: a payload with a property the
        /// member does not list is not this member.
        closed: bool,
    },
    /// A member that is itself a union: any of these.
    OneOf(Vec<Shape>),
    String,
    /// A string with a format the member's type checks (`date-time`,
    /// `date`, `uuid`): tried before a plain string.
    Formatted,
    /// A string `const`.
    StringConst(String),
    Integer,
    Number,
    Boolean,
    Array,
    Null,
    Any,
}

/// A reference to a Rust type, as written at a use site.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeRef {
    Named(TypeId),
    String,
    /// A string that carries a credential: `Secret`, which never prints
    /// its value (decided in [`secrets`]).
    Secret,
    Integer,
    Number,
    Boolean,
    DateTime,
    Date,
    Uuid,
    /// Any JSON value.
    Any,
    /// Only `null` is allowed: `()` (a required property of this type is
    /// fixed: `Presence::Required`, never asked for).
    Unit,
    Const(ConstId),
    /// A boolean `const`: `ConstBool<value>`, whose `Default` (and missing
    /// value) is the constant.
    ConstBool(bool),
    Vec(Box<TypeRef>),
    /// A JSON object used as a map: `BTreeMap<key, value>`.
    Map {
        key: MapKey,
        value: Box<TypeRef>,
    },
    Tuple(Vec<TypeRef>),
    /// `null` or the inner type (inside containers; fields peel this off
    /// into their [`Presence`]).
    Nullable(Box<TypeRef>),
    /// The shared page type: `Page<item, pagination>`.
    Page {
        item: Box<TypeRef>,
        pagination: TypeId,
    },
}

impl TypeRef {
    /// A map with `String` keys.
    pub fn string_map(value: TypeRef) -> TypeRef {
        TypeRef::Map {
            key: MapKey::String,
            value: Box::new(value),
        }
    }

    /// The named types this reference mentions.
    pub fn named(&self, out: &mut Vec<TypeId>) {
        match self {
            TypeRef::Named(id) => out.push(*id),
            TypeRef::Vec(inner) | TypeRef::Nullable(inner) => inner.named(out),
            TypeRef::Map { key, value } => {
                if let MapKey::Enum(id) = key {
                    out.push(*id);
                }
                value.named(out)
            }
            TypeRef::Tuple(items) => items.iter().for_each(|item| item.named(out)),
            TypeRef::Page { item, pagination } => {
                item.named(out);
                out.push(*pagination);
            }
            _ => {}
        }
    }
}

/// The key type of a [`TypeRef::Map`], from the object's `propertyNames`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapKey {
    /// Any property name (no `propertyNames`, or one that only limits the
    /// length or pattern).
    String,
    /// `propertyNames: {format: uuid}`: `uuid::Uuid`.
    Uuid,
    /// `propertyNames: {$ref: <a string enum>}`: the enum (which derives
    /// `Eq`, `Ord` and `Hash`).
    Enum(TypeId),
}

/// A marker type standing for one string constant.
#[derive(Debug, Clone)]
pub struct ConstMarker {
    pub rust_name: String,
    pub value: String,
}

/// A scalar `const` a payload property must equal.
#[derive(Debug, Clone, PartialEq)]
pub enum ConstLit {
    Str(String),
    Bool(bool),
}
