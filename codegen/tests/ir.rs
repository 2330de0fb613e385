//! Stage 2 alone: `codegen::ir::lower` on hand-written fixtures, asserting
//! on the IR (presence, drift policy, names, unions, pages, boxing, webhooks)
//! rather than on generated text.

mod common;

use codegen::ir::{
    self, ConstLit, Models, OnMissing, Origin, Presence, Shape, TypeId, TypeKind, TypeRef,
};
use common::{field, id_of, models, spec, struct_named, type_named, union_named, GOOD_FIXTURES};
use serde_json::json;

fn named(models: &Models, rust_name: &str) -> TypeRef {
    TypeRef::Named(id_of(models, rust_name))
}

fn const_value(models: &Models, ty: &TypeRef) -> String {
    match ty {
        TypeRef::Const(id) => models.consts[id.0].value.clone(),
        other => panic!("not a const: {other:?}"),
    }
}

fn presences(models: &Models, rust_name: &str) -> Vec<(String, Presence)> {
    struct_named(models, rust_name)
        .fields
        .iter()
        .map(|f| (f.wire_name.clone(), f.presence))
        .collect()
}

fn pairs<T: Copy>(items: &[(&str, T)]) -> Vec<(String, T)> {
    items
        .iter()
        .map(|(name, value)| (name.to_string(), *value))
        .collect()
}

fn lower_inline(schemas: serde_json::Value) -> Result<Models, codegen::Error> {
    let doc = json!({
        "openapi": "3.1.0",
        "info": { "title": "inline", "version": "1" },
        "components": { "schemas": schemas }
    });
    ir::lower(&codegen::spec::parse(&doc.to_string()).expect("the inline document parses"))
}

// ---- presence -------------------------------------------------------------

#[test]
fn presence_in_a_response_only_schema() {
    let m = models("required_optional_nullable");
    use Presence::*;
    assert_eq!(
        presences(&m, "Widget"),
        pairs(&[
            ("id", Required),
            ("label", RequiredNullable),
            ("note", Optional),
            ("color", Optional),
            ("nickname", Optional),
            ("count", Required),
            ("enabled", Required),
            ("tags", Required),
            ("attributes", Required),
            ("kind", Required),
            ("dimensions", Required),
            ("labels", Required),
        ])
    );
}

#[test]
fn optional_nullable_is_tristate_in_a_patch_body() {
    let m = models("required_optional_nullable");
    use Presence::*;
    assert_eq!(
        presences(&m, "WidgetUpdate"),
        pairs(&[
            ("label", Required),
            ("note", RequiredNullable),
            ("color", Tristate),
            ("nickname", Tristate),
            ("count", Optional),
            ("dimensions", Optional),
        ])
    );
    // Reachable from the request body only through `WidgetUpdate.dimensions`.
    assert_eq!(
        presences(&m, "WidgetDimensions"),
        pairs(&[("width", Tristate), ("height", Required)])
    );
}

#[test]
fn nullability_is_peeled_into_presence() {
    let m = models("required_optional_nullable");
    let update = struct_named(&m, "WidgetUpdate");
    for wire in ["note", "color", "nickname"] {
        assert_eq!(field(update, wire).ty, TypeRef::String, "{wire}");
    }
    let widget = struct_named(&m, "Widget");
    assert_eq!(field(widget, "label").ty, TypeRef::String);
    assert_eq!(
        field(widget, "tags").ty,
        TypeRef::Vec(Box::new(TypeRef::String))
    );
    assert_eq!(
        field(widget, "attributes").ty,
        TypeRef::string_map(TypeRef::String)
    );
    assert_eq!(const_value(&m, &field(widget, "kind").ty), "widget");
    assert_eq!(
        field(widget, "dimensions").ty,
        named(&m, "WidgetDimensions")
    );
    assert!(matches!(
        &type_named(&m, "WidgetLabels").kind,
        TypeKind::Alias(TypeRef::Vec(item)) if **item == TypeRef::String
    ));
}

#[test]
fn tristate_needs_a_request_body_that_reaches_the_schema() {
    // The same schemas without the PATCH operation: nothing is sent, so
    // nothing is three-state.
    let mut spec = spec("required_optional_nullable");
    spec.paths.clear();
    let m = ir::lower(&spec).expect("lowers");
    for ty in &m.types {
        if let TypeKind::Struct(s) = &ty.kind {
            for f in &s.fields {
                assert_ne!(
                    f.presence,
                    Presence::Tristate,
                    "{}.{}",
                    ty.name,
                    f.wire_name
                );
            }
        }
    }
    let update = struct_named(&m, "WidgetUpdate");
    assert_eq!(field(update, "color").presence, Presence::Optional);
    assert_eq!(field(update, "note").presence, Presence::RequiredNullable);
}

#[test]
fn response_schemas_have_no_tristate_fields() {
    let m = models("required_optional_nullable");
    let widget = struct_named(&m, "Widget");
    assert!(widget
        .fields
        .iter()
        .all(|f| f.presence != Presence::Tristate));
}

// ---- drift policy ---------------------------------------------------------

#[test]
fn missing_required_fields_default_only_when_the_type_has_an_empty_value() {
    let m = models("required_optional_nullable");
    let widget = struct_named(&m, "Widget");
    use OnMissing::*;
    let policy: Vec<(String, OnMissing)> = widget
        .fields
        .iter()
        .map(|f| (f.wire_name.clone(), f.on_missing))
        .collect();
    assert_eq!(
        policy,
        pairs(&[
            ("id", Error),           // string: no faithful empty value
            ("label", Default),      // required nullable: `None`
            ("note", Default),       // optional
            ("color", Default),      // optional
            ("nickname", Default),   // optional
            ("count", Error),        // integer: 0 would be a lie
            ("enabled", Default),    // bool: `false`
            ("tags", Default),       // array: `[]`
            ("attributes", Default), // map: `{}`
            ("kind", Default),       // const: the expected constant
            ("dimensions", Error),   // struct
            ("labels", Default),     // alias of an array
        ])
    );
}

#[test]
fn missing_required_enums_become_unknown() {
    let m = models("enums");
    let widget = struct_named(&m, "Widget");
    assert_eq!(field(widget, "color").on_missing, OnMissing::UnknownEnum); // component enum
    assert_eq!(field(widget, "finish").on_missing, OnMissing::UnknownEnum); // shared inline enum
    assert_eq!(field(widget, "channel").on_missing, OnMissing::UnknownEnum); // inline enum
    assert_eq!(
        field(widget, "previous_color").on_missing,
        OnMissing::Default
    ); // optional
    let gadget = struct_named(&m, "Gadget");
    assert_eq!(field(gadget, "size").on_missing, OnMissing::UnknownEnum);
}

#[test]
fn required_tuples_and_any_values_must_be_present() {
    let m = models("formats");
    let gizmo = struct_named(&m, "Gizmo");
    assert_eq!(field(gizmo, "position").on_missing, OnMissing::Error);
    assert_eq!(field(gizmo, "anything").on_missing, OnMissing::Error);
    assert_eq!(field(gizmo, "created_at").on_missing, OnMissing::Error);
    assert_eq!(field(gizmo, "scores").on_missing, OnMissing::Default);
    assert_eq!(field(gizmo, "nothing").on_missing, OnMissing::Default);
}

// ---- enums ----------------------------------------------------------------

fn enum_variants(m: &Models, rust_name: &str) -> Vec<(String, String)> {
    match &type_named(m, rust_name).kind {
        TypeKind::Enum(e) => e
            .variants
            .iter()
            .map(|v| (v.rust_name.clone(), v.wire_value.clone()))
            .collect(),
        other => panic!("{rust_name} is not an enum: {other:?}"),
    }
}

fn strings(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn component_enum_is_a_named_type() {
    let m = models("enums");
    assert_eq!(
        enum_variants(&m, "WidgetColor"),
        strings(&[("Red", "red"), ("Green", "green"), ("Blue", "blue")])
    );
    let color = m.component("WidgetColor").expect("a component");
    assert_eq!(m.get(color).name, "WidgetColor");
    assert_eq!(m.get(color).doc, "A component string enum.");
    let widget = struct_named(&m, "Widget");
    assert_eq!(field(widget, "color").ty, TypeRef::Named(color));
    assert_eq!(field(widget, "previous_color").ty, TypeRef::Named(color));
    assert_eq!(field(widget, "previous_color").presence, Presence::Optional);
}

#[test]
fn titled_inline_enums_with_equal_values_share_one_type() {
    let m = models("enums");
    let finish = id_of(&m, "Finish");
    assert_eq!(
        field(struct_named(&m, "Widget"), "finish").ty,
        TypeRef::Named(finish)
    );
    assert_eq!(
        field(struct_named(&m, "Gadget"), "finish").ty,
        TypeRef::Named(finish)
    );
    assert_eq!(
        m.get(finish).origin,
        Origin::SharedEnum {
            title: "Finish".to_owned()
        }
    );
    assert_eq!(
        enum_variants(&m, "Finish"),
        strings(&[("Matte", "matte"), ("Gloss", "gloss")])
    );
    let enums = m
        .types
        .iter()
        .filter(|t| matches!(t.kind, TypeKind::Enum(_)))
        .count();
    // WidgetColor, Finish, WidgetSize, GadgetSize, WidgetChannel.
    assert_eq!(enums, 5);
}

#[test]
fn titled_inline_enums_with_different_values_are_named_by_place() {
    let m = models("enums");
    assert_eq!(
        enum_variants(&m, "WidgetSize"),
        strings(&[("S", "s"), ("M", "m"), ("L", "l")])
    );
    assert_eq!(
        enum_variants(&m, "GadgetSize"),
        strings(&[("S", "s"), ("M", "m")])
    );
    assert!(!m.types.iter().any(|t| t.name == "Size"));
    assert_eq!(
        type_named(&m, "GadgetSize").origin,
        Origin::Inline {
            parent: "Gadget".to_owned(),
            pointer: "#/components/schemas/Gadget/properties/size".to_owned(),
        }
    );
}

#[test]
fn untitled_inline_enum_is_named_parent_then_property() {
    let m = models("enums");
    let channel = type_named(&m, "WidgetChannel");
    assert_eq!(
        channel.origin,
        Origin::Inline {
            parent: "Widget".to_owned(),
            pointer: "#/components/schemas/Widget/properties/channel".to_owned(),
        }
    );
    assert_eq!(
        channel.module,
        type_named(&m, "Widget").module,
        "inline types live with their parent"
    );
    assert_eq!(channel.doc, "An inline enum without a title.");
}

#[test]
fn enum_values_are_mangled_into_variant_names() {
    let m = models("enums");
    assert_eq!(
        enum_variants(&m, "WidgetChannel"),
        strings(&[
            ("CustomerService", "customer_service"),
            ("V3ds", "3ds"),
            ("FooBar", "foo.bar"),
            // `Unknown` is the catch-all variant.
            ("Unknown2", "unknown"),
        ])
    );
}

#[test]
fn non_string_enums_are_refused() {
    let err = lower_inline(json!({ "Level": { "type": "integer", "enum": [1, 2] } })).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("`Level`"), "{text}");
    assert!(text.contains("enum value 1 is not a string"), "{text}");
}

// ---- unions ---------------------------------------------------------------

fn variants(m: &Models, union: &str) -> Vec<(String, TypeRef, Vec<String>)> {
    union_named(m, union)
        .variants
        .iter()
        .map(|v| (v.rust_name.clone(), v.ty.clone(), v.tags.clone()))
        .collect()
}

fn object(required: &[&str], known: &[&str], consts: &[(&str, ConstLit)]) -> Shape {
    Shape::Object {
        required: required.iter().map(|s| s.to_string()).collect(),
        known: known.iter().map(|s| s.to_string()).collect(),
        consts: consts
            .iter()
            .map(|(p, v)| (p.split('.').map(str::to_owned).collect(), v.clone()))
            .collect(),
        closed: false,
    }
}

fn closed(shape: Shape) -> Shape {
    match shape {
        Shape::Object {
            required,
            known,
            consts,
            ..
        } => Shape::Object {
            required,
            known,
            consts,
            closed: true,
        },
        other => other,
    }
}

#[test]
fn union_members_told_apart_below_the_top_level_carry_those_constants() {
    let m = models("nested_consts");
    let shapes: Vec<(String, Shape)> = union_named(&m, "Grant")
        .variants
        .iter()
        .map(|v| (v.rust_name.clone(), v.shape.clone()))
        .collect();
    let grant = |kind: &str| {
        object(
            &["id", "benefit", "properties"],
            &["id", "benefit", "properties"],
            // `benefit.version` is 1 in every member: it tells none apart
            // and is left out; `benefit.owner.kind` is three levels down.
            &[
                ("benefit.type", ConstLit::Str(kind.to_owned())),
                ("benefit.owner.kind", ConstLit::Str(format!("{kind}_owner"))),
            ],
        )
    };
    assert_eq!(
        shapes,
        [
            ("Keys".to_owned(), grant("keys")),
            ("Files".to_owned(), grant("files")),
        ]
    );
    let update: Vec<Shape> = union_named(&m, "Update")
        .variants
        .iter()
        .map(|v| v.shape.clone())
        .collect();
    let open = object(&["id"], &["id", "note"], &[]);
    assert_eq!(update, [closed(open.clone()), open]);
    // `benefit.owners` is a union: Grant's constants do not go through it
    // (above), while Owner's own members are looked into.
    let owner: Vec<Shape> = union_named(&m, "Owner")
        .variants
        .iter()
        .map(|v| v.shape.clone())
        .collect();
    let member = |kind: &str, tag: &str| {
        object(
            &[],
            &["kind", "tag"],
            &[
                ("kind", ConstLit::Str(kind.to_owned())),
                ("tag.v", ConstLit::Str(tag.to_owned())),
            ],
        )
    };
    assert_eq!(owner, [member("a", "x"), member("b", "y")]);
}

#[test]
fn formatted_strings_have_a_shape_of_their_own() {
    let m = models("nested_consts");
    let shapes: Vec<Shape> = union_named(&m, "WhenOrLabel")
        .variants
        .iter()
        .map(|v| v.shape.clone())
        .collect();
    assert_eq!(shapes, [Shape::String, Shape::Formatted, Shape::Formatted]);
}

#[test]
fn discriminated_union_takes_tags_from_mapping_then_const() {
    let m = models("discriminated_union");
    let gadget = union_named(&m, "Gadget");
    assert_eq!(gadget.discriminator.as_deref(), Some("kind"));
    let tags = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        variants(&m, "Gadget"),
        vec![
            ("Lamp".to_owned(), named(&m, "GadgetLamp"), tags(&["lamp"])),
            (
                "Fan".to_owned(),
                named(&m, "GadgetFan"),
                tags(&["fan", "ceiling_fan"])
            ),
            // Not in the mapping: tagged by its `const`.
            (
                "Clock".to_owned(),
                named(&m, "GadgetClock"),
                tags(&["clock"])
            ),
        ]
    );
    let docs: Vec<&str> = gadget.variants.iter().map(|v| v.doc.as_str()).collect();
    assert_eq!(
        docs,
        [
            "Selected by `lamp`.",
            "Selected by `fan`, `ceiling_fan`.",
            "Selected by `clock`."
        ]
    );
}

#[test]
fn union_variants_carry_their_payload_shapes() {
    let m = models("discriminated_union");
    let shapes: Vec<Shape> = union_named(&m, "Gadget")
        .variants
        .iter()
        .map(|v| v.shape.clone())
        .collect();
    assert_eq!(
        shapes,
        [
            object(
                &["kind", "lumens"],
                &["kind", "lumens"],
                &[("kind", ConstLit::Str("lamp".into()))]
            ),
            object(
                &["kind", "blades", "oscillates"],
                &["kind", "blades", "oscillates"],
                &[("oscillates", ConstLit::Bool(true))]
            ),
            object(
                &["kind"],
                &["kind", "digital"],
                &[("kind", ConstLit::Str("clock".into()))]
            ),
        ]
    );
    assert!(union_named(&m, "Gadget").variants.iter().all(|v| !v.boxed));
}

#[test]
fn inline_discriminated_union_is_named_by_place() {
    let m = models("discriminated_union");
    let shelf = struct_named(&m, "Shelf");
    assert_eq!(field(shelf, "featured").ty, named(&m, "ShelfFeatured"));
    assert_eq!(
        field(shelf, "gadgets").ty,
        TypeRef::Vec(Box::new(named(&m, "Gadget")))
    );
    let featured = union_named(&m, "ShelfFeatured");
    assert_eq!(featured.discriminator.as_deref(), Some("kind"));
    let tags: Vec<(&str, Vec<&str>)> = featured
        .variants
        .iter()
        .map(|v| {
            (
                v.rust_name.as_str(),
                v.tags.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(tags, [("Lamp", vec!["lamp"]), ("Clock", vec!["clock"])]);
}

#[test]
fn discriminated_union_members_must_be_refs() {
    let err = lower_inline(json!({
        "Either": {
            "oneOf": [{ "type": "object", "properties": { "k": { "const": "a" } } }, { "type": "string" }],
            "discriminator": { "propertyName": "k" }
        }
    }))
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("schema `Either` at #/components/schemas/Either/oneOf/0"),
        "{text}"
    );
    assert!(text.contains("must be a `$ref`"), "{text}");
}

#[test]
fn undiscriminated_union_is_told_apart_by_shape() {
    let m = models("undiscriminated_union");
    let payment = union_named(&m, "Payment");
    assert_eq!(payment.discriminator, None);
    assert_eq!(
        variants(&m, "Payment"),
        vec![
            // The union's own name is stripped from the variant names.
            ("Card".to_owned(), named(&m, "PaymentCard"), vec![]),
            ("Bank".to_owned(), named(&m, "PaymentBank"), vec![]),
        ]
    );
    let shapes: Vec<Shape> = payment.variants.iter().map(|v| v.shape.clone()).collect();
    assert_eq!(
        shapes,
        [
            object(
                &["card_number", "expires"],
                &["card_number", "expires"],
                &[]
            ),
            object(&["iban"], &["iban", "bic"], &[]),
        ]
    );
}

#[test]
fn nullable_inline_union_is_a_named_union_behind_presence() {
    let m = models("undiscriminated_union");
    let payment = field(struct_named(&m, "Order"), "payment");
    assert_eq!(payment.presence, Presence::RequiredNullable);
    assert_eq!(payment.ty, named(&m, "OrderPayment"));
    assert_eq!(
        type_named(&m, "OrderPayment").doc,
        "How the order was paid, if it was."
    );
    let names: Vec<&str> = union_named(&m, "OrderPayment")
        .variants
        .iter()
        .map(|v| v.rust_name.as_str())
        .collect();
    assert_eq!(names, ["Card", "Bank"]);
}

#[test]
fn nullable_component_union_is_an_alias_of_an_option() {
    let m = models("undiscriminated_union");
    let value = id_of(&m, "MaybePaymentValue");
    assert!(matches!(
        &type_named(&m, "MaybePayment").kind,
        TypeKind::Alias(TypeRef::Nullable(inner)) if **inner == TypeRef::Named(value)
    ));
    assert_eq!(union_named(&m, "MaybePaymentValue").variants.len(), 2);
}

#[test]
fn primitive_unions_are_shared_by_structure() {
    let m = models("undiscriminated_union");
    let primitive = id_of(&m, "StringOrIntegerOrNumberOrBoolean");
    let map_of = TypeRef::string_map(TypeRef::Named(primitive));
    assert_eq!(field(struct_named(&m, "Order"), "metadata").ty, map_of);
    assert_eq!(field(struct_named(&m, "Receipt"), "metadata").ty, map_of);
    let def = m.get(primitive);
    assert_eq!(def.origin, Origin::PrimitiveUnion);
    assert_eq!(def.module, "primitive_unions");
    let union = union_named(&m, "StringOrIntegerOrNumberOrBoolean");
    assert_eq!(union.discriminator, None);
    let got: Vec<(&str, &TypeRef, &Shape)> = union
        .variants
        .iter()
        .map(|v| (v.rust_name.as_str(), &v.ty, &v.shape))
        .collect();
    assert_eq!(
        got,
        [
            ("String", &TypeRef::String, &Shape::String),
            ("Integer", &TypeRef::Integer, &Shape::Integer),
            ("Number", &TypeRef::Number, &Shape::Number),
            ("Boolean", &TypeRef::Boolean, &Shape::Boolean),
        ]
    );
}

// ---- formats and containers -----------------------------------------------

#[test]
fn formats_and_containers_map_to_type_refs() {
    let m = models("formats");
    let gizmo = struct_named(&m, "Gizmo");
    let vec = |t: TypeRef| TypeRef::Vec(Box::new(t));
    let map = TypeRef::string_map;
    let expected = [
        ("created_at", TypeRef::DateTime),
        ("birthday", TypeRef::Date),
        ("id", TypeRef::Uuid),
        ("owner_id", TypeRef::Uuid),
        ("email", TypeRef::String),
        ("homepage", TypeRef::String),
        ("count", TypeRef::Integer),
        ("ratio", TypeRef::Number),
        (
            "position",
            TypeRef::Tuple(vec![TypeRef::Number, TypeRef::Number, TypeRef::String]),
        ),
        ("scores", map(TypeRef::Integer)),
        ("groups", map(vec(TypeRef::Uuid))),
        ("extra", map(TypeRef::Any)),
        ("anything", TypeRef::Any),
        ("nothing", TypeRef::Unit),
        ("timestamps", vec(TypeRef::DateTime)),
    ];
    let got: Vec<(&str, &TypeRef)> = gizmo
        .fields
        .iter()
        .map(|f| (f.wire_name.as_str(), &f.ty))
        .collect();
    let want: Vec<(&str, &TypeRef)> = expected.iter().map(|(n, t)| (*n, t)).collect();
    assert_eq!(got, want);
    assert_eq!(gizmo.additional, None);
    // `{type: null}` only admits null: required, it is the constant `()`,
    // never asked for (`Option<()>` would offer a `Some(())` the spec has
    // no value for).
    assert_eq!(field(gizmo, "nothing").presence, Presence::Required);
    assert!(field(gizmo, "nothing").is_fixed());
}

#[test]
fn additional_properties_beside_properties_are_kept() {
    let m = models("formats");
    let settings = struct_named(&m, "GizmoSettings");
    assert_eq!(settings.additional, Some(TypeRef::Boolean));
    assert_eq!(settings.fields.len(), 1);
    assert_eq!(field(settings, "theme").ty, TypeRef::String);
}

#[test]
fn several_non_null_types_are_refused() {
    let err = lower_inline(json!({
        "Loose": { "type": "object", "properties": { "v": { "type": ["string", "integer"] } } }
    }))
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("schema `Loose` at #/components/schemas/Loose/properties/v"),
        "{text}"
    );
    assert!(
        text.contains("a list of several non-null types is not supported"),
        "{text}"
    );
}

// ---- pages ----------------------------------------------------------------

fn page_of(m: &Models, rust_name: &str) -> (TypeRef, TypeId) {
    match &type_named(m, rust_name).kind {
        TypeKind::Alias(TypeRef::Page { item, pagination }) => ((**item).clone(), *pagination),
        other => panic!("{rust_name} is not a page: {other:?}"),
    }
}

#[test]
fn list_resources_become_the_shared_page() {
    let m = models("page");
    assert_eq!(
        page_of(&m, "ListResourceWidget"),
        (named(&m, "Widget"), id_of(&m, "Pagination"))
    );
    assert_eq!(
        page_of(&m, "ListResourceWithCursorWidget"),
        (named(&m, "Widget"), id_of(&m, "CursorPagination"))
    );
    let (item, _) = page_of(&m, "ListResourceNote");
    assert_eq!(item, named(&m, "ListResourceNoteItem"));
    assert_eq!(
        field(struct_named(&m, "ListResourceNoteItem"), "text").ty,
        TypeRef::String
    );
}

#[test]
fn almost_pages_stay_structs() {
    let m = models("page");
    // `pagination` not required.
    let batch = struct_named(&m, "WidgetBatch");
    assert_eq!(field(batch, "pagination").presence, Presence::Optional);
    // A third property.
    let report = struct_named(&m, "WidgetReport");
    assert_eq!(report.fields.len(), 3);
    assert_eq!(field(report, "pagination").ty, named(&m, "Pagination"));
    // Pagination types themselves are ordinary structs.
    struct_named(&m, "Pagination");
    struct_named(&m, "CursorPagination");
}

#[test]
fn pagination_objects_say_how_a_page_follows() {
    let m = models("page");
    let positions: Vec<_> = m
        .page_positions
        .iter()
        .map(|(id, position)| (m.get(*id).name.clone(), position.clone()))
        .collect();
    assert_eq!(
        positions,
        vec![
            (
                "Pagination".to_owned(),
                ir::PagePosition::MaxPage {
                    field: "max_page".to_owned()
                }
            ),
            (
                "CursorPagination".to_owned(),
                ir::PagePosition::HasNextPage {
                    field: "has_next_page".to_owned()
                }
            ),
        ]
    );
}

#[test]
fn a_pagination_object_without_a_way_to_follow_is_refused() {
    let err = lower_inline(json!({
        "Widget": { "type": "object", "properties": { "id": { "type": "string" } } },
        "Offsets": {
            "type": "object",
            "properties": { "offset": { "type": "integer" } },
            "required": ["offset"]
        },
        "ListResource_Widget_": {
            "type": "object",
            "properties": {
                "items": { "type": "array", "items": { "$ref": "#/components/schemas/Widget" } },
                "pagination": { "$ref": "#/components/schemas/Offsets" }
            },
            "required": ["items", "pagination"]
        }
    }))
    .unwrap_err()
    .to_string();
    assert!(err.contains("`Offsets`"), "{err}");
    assert!(
        err.contains("max_page") && err.contains("has_next_page"),
        "{err}"
    );
}

// ---- docs beside $ref -----------------------------------------------------

#[test]
fn ref_siblings_become_field_docs() {
    let m = models("ref_siblings");
    let widget = struct_named(&m, "Widget");
    let doc = |wire: &str| field(widget, wire).doc.clone();
    // A description beside `$ref` wins over the title beside it.
    assert_eq!(doc("mounted"), "The gadget mounted on this widget.");
    // No docs beside `$ref`: the first paragraph of the target's.
    assert_eq!(doc("spare"), "A gadget.");
    assert_eq!(doc("titled"), "Titled only");
    assert_eq!(
        doc("level"),
        "The volume level.\n\nDefaults to `\"low\"` when not sent."
    );
    assert_eq!(
        doc("legacy_level"),
        "How loud.\n\n**Deprecated** in the API."
    );
    // The referenced type keeps its own full doc.
    assert_eq!(
        type_named(&m, "Gadget").doc,
        "A gadget.\n\nA second paragraph that field docs leave out."
    );
    assert_eq!(field(widget, "mounted").ty, named(&m, "Gadget"));
    assert_eq!(field(widget, "level").ty, named(&m, "Level"));
}

// ---- names ----------------------------------------------------------------

#[test]
fn keyword_and_colliding_property_names() {
    let m = models("keywords_and_collisions");
    let names: Vec<(&str, &str)> = struct_named(&m, "Sprocket")
        .fields
        .iter()
        .map(|f| (f.wire_name.as_str(), f.rust_name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("type", "r#type"),
            ("self", "self_"),
            ("match", "r#match"),
            ("fooBar", "foo_bar"),
            ("foo_bar", "foo_bar2"),
            ("2fa_enabled", "n2fa_enabled"),
            ("Self", "self_2"),
        ]
    );
}

#[test]
fn colliding_type_names_are_suffixed_in_sorted_spec_name_order() {
    let m = models("keywords_and_collisions");
    let name_of = |spec_name: &str| {
        let id = m.component(spec_name).expect("a component");
        (m.get(id).name.clone(), m.get(id).module.clone())
    };
    // `FooBar` sorts before `Foo_Bar`, so it keeps the plain name.
    assert_eq!(
        name_of("FooBar"),
        ("FooBar".to_owned(), "foo_bar".to_owned())
    );
    assert_eq!(
        name_of("Foo_Bar"),
        ("FooBar2".to_owned(), "foo_bar2".to_owned())
    );
    // `Page` is taken by the runtime.
    assert_eq!(name_of("Page"), ("Page2".to_owned(), "page2".to_owned()));
}

#[test]
fn type_names_do_not_depend_on_document_order() {
    let mut reordered = spec("keywords_and_collisions");
    reordered.components.schemas.reverse();
    let m = ir::lower(&reordered).expect("lowers");
    let foo_bar = m.component("Foo_Bar").expect("a component");
    assert_eq!(m.get(foo_bar).name, "FooBar2");
    let camel = m.component("FooBar").expect("a component");
    assert_eq!(m.get(camel).name, "FooBar");
    // Ids still follow the document.
    assert_eq!(
        m.get(TypeId(0)).origin,
        Origin::Component("TreeNode".to_owned())
    );
}

#[test]
fn every_fixture_has_unique_type_and_module_names() {
    for name in GOOD_FIXTURES {
        let m = models(name);
        let mut names: Vec<&str> = m.types.iter().map(|t| t.name.as_str()).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(names.len(), before, "{name}: duplicate type names");
        for runtime in ["Page", "Nullable", "Const", "ConstValue"] {
            assert!(
                !names.contains(&runtime),
                "{name}: a type takes the runtime's {runtime}"
            );
        }
        // Components in spec order first (the reachable ones), each in a
        // module of its own.
        let spec = spec(name);
        let lowered: Vec<&String> = spec
            .components
            .schemas
            .keys()
            .filter(|n| !m.unreachable.contains(n))
            .collect();
        assert_eq!(m.component_count, lowered.len());
        let mut modules = Vec::new();
        for (index, spec_name) in lowered.into_iter().enumerate() {
            assert_eq!(
                m.types[index].origin,
                Origin::Component(spec_name.clone()),
                "{name}"
            );
            modules.push(m.types[index].module.as_str());
        }
        let before = modules.len();
        modules.sort_unstable();
        modules.dedup();
        assert_eq!(
            modules.len(),
            before,
            "{name}: two components share a module"
        );
    }
}

// ---- recursion ------------------------------------------------------------

#[test]
fn a_field_holding_its_own_type_by_value_is_boxed() {
    let m = models("keywords_and_collisions");
    let node = struct_named(&m, "TreeNode");
    let parent = field(node, "parent");
    assert!(parent.boxed);
    assert_eq!(parent.presence, Presence::RequiredNullable);
    assert_eq!(parent.ty, named(&m, "TreeNode"));
    // Behind a `Vec` or a map the size is already finite.
    assert!(!field(node, "children").boxed);
    assert!(!field(node, "siblings").boxed);
    assert!(!field(node, "name").boxed);
    // Nothing else in the fixture is boxed.
    let boxed: Vec<String> = m
        .types
        .iter()
        .filter_map(|t| match &t.kind {
            TypeKind::Struct(s) => Some(
                s.fields
                    .iter()
                    .filter(|f| f.boxed)
                    .map(move |f| format!("{}.{}", t.name, f.wire_name)),
            ),
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(boxed, ["TreeNode.parent"]);
}

#[test]
fn mutual_recursion_through_a_union_is_boxed() {
    let m = lower_inline(json!({
        "Expr": { "anyOf": [{ "$ref": "#/components/schemas/Literal" }, { "$ref": "#/components/schemas/Negation" }] },
        "Literal": { "type": "object", "properties": { "value": { "type": "integer" } }, "required": ["value"] },
        "Negation": { "type": "object", "properties": { "operand": { "$ref": "#/components/schemas/Expr" } }, "required": ["operand"] }
    }))
    .expect("lowers");
    assert!(field(struct_named(&m, "Negation"), "operand").boxed);
    let boxed: Vec<(&str, bool)> = union_named(&m, "Expr")
        .variants
        .iter()
        .map(|v| (v.rust_name.as_str(), v.boxed))
        .collect();
    assert_eq!(boxed, [("Literal", false), ("Negation", true)]);
}

// ---- webhooks -------------------------------------------------------------

#[test]
fn webhooks_become_one_union_tagged_by_type() {
    let m = models("webhooks");
    let id = m.webhook_event.expect("a webhook union");
    let def = m.get(id);
    assert_eq!(def.name, "WebhookPayload");
    assert_eq!(def.origin, Origin::WebhookEvents);
    let TypeKind::Union(union) = &def.kind else {
        panic!("not a union: {:?}", def.kind);
    };
    assert_eq!(union.discriminator.as_deref(), Some("type"));
    let got: Vec<(&str, TypeRef, Vec<&str>, &str)> = union
        .variants
        .iter()
        .map(|v| {
            (
                v.rust_name.as_str(),
                v.ty.clone(),
                v.tags.iter().map(String::as_str).collect(),
                v.doc.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "WidgetCreated",
                named(&m, "WebhookWidgetCreatedPayload"),
                vec!["widget.created"],
                "Sent when a widget is created."
            ),
            (
                "WidgetDeleted",
                named(&m, "WebhookWidgetDeletedPayload"),
                vec!["widget.deleted"],
                "Sent when a widget is deleted."
            ),
        ]
    );
    assert_eq!(
        union.variants[0].shape,
        object(
            &["type", "timestamp", "data"],
            &["type", "timestamp", "data"],
            &[("type", ConstLit::Str("widget.created".into()))]
        )
    );
    let payload = struct_named(&m, "WebhookWidgetCreatedPayload");
    assert_eq!(
        const_value(&m, &field(payload, "type").ty),
        "widget.created"
    );
    assert_eq!(field(payload, "type").rust_name, "r#type");
}

#[test]
fn no_webhooks_section_means_no_webhook_union() {
    for name in GOOD_FIXTURES.iter().filter(|n| spec(n).webhooks.is_empty()) {
        let m = models(name);
        assert_eq!(m.webhook_event, None, "{name}");
        assert!(
            !m.types.iter().any(|t| t.origin == Origin::WebhookEvents),
            "{name}"
        );
    }
}

// ---- errors ---------------------------------------------------------------

#[test]
fn unsupported_keywords_are_refused_naming_schema_and_keyword() {
    let err = ir::lower(&spec("unsupported")).unwrap_err();
    let codegen::Error::Unsupported { location, reason } = &err else {
        panic!("expected Unsupported, got {err:?}");
    };
    assert_eq!(
        location,
        "schema `Hybrid` at #/components/schemas/Hybrid/properties/base"
    );
    assert!(reason.starts_with("`allOf` is not supported"), "{reason}");
    let text = err.to_string();
    assert!(text.contains("Hybrid") && text.contains("allOf"), "{text}");

    let err = lower_inline(json!({ "Picky": { "not": { "type": "string" } } })).unwrap_err();
    assert_eq!(
        err.to_string(),
        "schema `Picky` at #/components/schemas/Picky: `not` is not supported by the generator; \
         extend codegen/src/ir/lower.rs"
    );
}

#[test]
fn dangling_refs_and_other_versions_are_refused() {
    let err = lower_inline(json!({
        "Widget": { "type": "object", "properties": { "g": { "$ref": "#/components/schemas/Missing" } } }
    }))
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("`$ref: #/components/schemas/Missing` does not name a component schema"),
        "{text}"
    );
    assert!(text.contains("schema `Widget`"), "{text}");

    let mut old = spec("enums");
    old.openapi = "2.0".to_owned();
    let err = ir::lower(&old).unwrap_err();
    assert!(err.to_string().contains("OpenAPI version 2.0"), "{err}");
}

// ---- maps: patternProperties and typed keys --------------------------------

fn string_map_of(value: TypeRef) -> TypeRef {
    TypeRef::string_map(value)
}

#[test]
fn pattern_properties_lower_to_a_map_of_the_patterns_schema() {
    let m = models("pattern_properties");
    let oidc = struct_named(&m, "OidcConfiguration");
    let params = field(oidc, "authorization_parameters");
    assert_eq!(params.ty, string_map_of(TypeRef::String));
    assert_eq!(params.presence, Presence::Optional);
    assert!(
        params
            .doc
            .contains("Property names match `^[a-zA-Z0-9_.-]{1,64}$`."),
        "{}",
        params.doc
    );
    // Two patterns, one value type; nullable through `anyOf`.
    let flags = field(oidc, "flags");
    assert_eq!(flags.ty, string_map_of(TypeRef::Boolean));
    assert!(flags.nullable);
    assert!(
        flags
            .doc
            .contains("Property names match one of `^[a-z]+$`, `^x-[a-z]+$`."),
        "{}",
        flags.doc
    );
    // A component that is only a pattern map is an alias, documented.
    let labels = type_named(&m, "LabelCounts");
    assert!(
        matches!(&labels.kind, TypeKind::Alias(ty) if *ty == string_map_of(TypeRef::Integer)),
        "{:?}",
        labels.kind
    );
    assert!(labels.doc.contains("`^[a-z]+$`"), "{}", labels.doc);
    // Beside `properties`, like `additionalProperties`: the flattened map.
    let tagged = struct_named(&m, "Tagged");
    assert_eq!(tagged.additional, Some(TypeRef::String));
    let names: Vec<&str> = tagged.fields.iter().map(|f| f.wire_name.as_str()).collect();
    assert_eq!(names, ["id"]);
}

#[test]
fn pattern_properties_of_different_value_types_fail_naming_the_schema() {
    let err = lower_inline(json!({
        "Mixed": {
            "type": "object",
            "patternProperties": {
                "^a": { "type": "string" },
                "^b": { "type": "integer" }
            }
        }
    }))
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("schema `Mixed` at #/components/schemas/Mixed:"),
        "{text}"
    );
    assert!(
        text.contains("`patternProperties/^a` and at `patternProperties/^b` lower to different types (`String` and `Integer`)"),
        "{text}"
    );
    // An `additionalProperties` schema beside them must agree too.
    let err = lower_inline(json!({
        "Mixed": {
            "type": "object",
            "patternProperties": { "^a": { "type": "string" } },
            "additionalProperties": { "type": "boolean" }
        }
    }))
    .unwrap_err();
    assert!(err.to_string().contains("different types"), "{err}");
    // The same type under several patterns is fine.
    let m = lower_inline(json!({
        "Same": {
            "type": "object",
            "patternProperties": { "^a": { "type": "string" }, "^b": { "type": "string", "maxLength": 3 } },
            "additionalProperties": false
        }
    }))
    .expect("one value type");
    assert!(
        matches!(&type_named(&m, "Same").kind, TypeKind::Alias(ty) if *ty == string_map_of(TypeRef::String))
    );
}

#[test]
fn property_names_type_the_keys_of_a_map() {
    let m = models("map_keys");
    let discount = struct_named(&m, "DiscountCreate");
    let currency = id_of(&m, "PresentmentCurrency");
    assert_eq!(
        field(discount, "amounts").ty,
        TypeRef::Map {
            key: ir::MapKey::Enum(currency),
            value: Box::new(TypeRef::Integer),
        }
    );
    assert!(field(discount, "amounts").nullable);
    assert_eq!(
        field(discount, "archived").ty,
        TypeRef::Map {
            key: ir::MapKey::Uuid,
            value: Box::new(TypeRef::Boolean),
        }
    );
    // Length limits only: still `String` keys.
    assert_eq!(
        field(discount, "metadata").ty,
        string_map_of(TypeRef::String)
    );
    // The key enum is a named type the map mentions.
    let mut named = Vec::new();
    field(discount, "amounts").ty.named(&mut named);
    assert_eq!(named, [currency]);
    // A required map still decodes a missing property to `{}`.
    assert_eq!(field(discount, "archived").on_missing, OnMissing::Default);
    // The surface listing spells out keys other than `String`.
    let short = |wire: &str| codegen::surface::short_type(&m, &field(discount, wire).ty, false);
    assert_eq!(short("amounts"), "Map<PresentmentCurrency, i64>");
    assert_eq!(short("archived"), "Map<Uuid, bool>");
    assert_eq!(short("metadata"), "Map<String>");
}

#[test]
fn property_names_that_are_not_string_keys_fail() {
    let map_with = |names: serde_json::Value| {
        json!({
            "Color": { "type": "object", "properties": { "x": { "type": "string" } } },
            "Bag": { "type": "object", "additionalProperties": { "type": "string" }, "propertyNames": names }
        })
    };
    for (names, wanted) in [
        (json!({ "type": "integer" }), "property names are strings"),
        (json!({ "enum": ["a", "b"] }), "an inline `enum` or `const`"),
        (
            json!({ "$ref": "#/components/schemas/Color" }),
            "`propertyNames` must be a string schema",
        ),
    ] {
        let err = lower_inline(map_with(names.clone())).unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("schema `Bag` at #/components/schemas/Bag/propertyNames:"),
            "{names}: {text}"
        );
        assert!(text.contains(wanted), "{names}: {text}");
    }
}

// ---- success responses --------------------------------------------------------

fn lower_doc(doc: serde_json::Value) -> Result<Models, codegen::Error> {
    ir::lower(&codegen::spec::parse(&doc.to_string()).expect("the document parses"))
}

/// A document with one `GET /v1/things` whose responses are `responses`.
fn with_responses(responses: serde_json::Value) -> serde_json::Value {
    json!({
        "openapi": "3.1.0",
        "info": { "title": "responses", "version": "1" },
        "paths": { "/v1/things": { "get": {
            "operationId": "things:get",
            "responses": responses
        } } },
        "components": { "schemas": {
            "Thing": { "type": "object", "properties": { "id": { "type": "string" } } },
            "Other": { "type": "object", "properties": { "name": { "type": "string" } } }
        } }
    })
}

fn json_of(name: &str) -> serde_json::Value {
    json!({ "description": "ok", "content": { "application/json": {
        "schema": { "$ref": format!("#/components/schemas/{name}") }
    } } })
}

#[test]
fn a_json_200_beside_a_bodyless_202_is_json_or_pending() {
    let m = models("pending_response");
    let [op] = m.operations.as_slice() else {
        panic!("one operation")
    };
    assert_eq!(op.operation_id, "orders:receipt");
    assert_eq!(op.success.status, 200);
    assert_eq!(
        op.success.kind,
        ir::ResponseKind::JsonOrPending(named(&m, "OrderReceipt"))
    );
    assert_eq!(
        op.success.kind.json_type(),
        Some(&named(&m, "OrderReceipt"))
    );
    let errors: Vec<u16> = op.errors.iter().map(|e| e.status).collect();
    assert_eq!(errors, [404]);
    // Whatever the order of the responses.
    let m = lower_doc(with_responses(json!({
        "202": { "description": "pending" },
        "200": json_of("Thing")
    })))
    .expect("lowers");
    assert_eq!(
        m.operations[0].success.kind,
        ir::ResponseKind::JsonOrPending(named(&m, "Thing"))
    );
    assert_eq!(m.operations[0].success.status, 200);
}

#[test]
fn ambiguous_2xx_responses_fail_naming_the_operation() {
    for (responses, wanted) in [
        (
            json!({ "200": json_of("Thing"), "201": json_of("Other") }),
            "several 2xx responses with a body (200, 201)",
        ),
        (
            json!({ "200": json_of("Thing"), "202": { "description": "pending" }, "204": { "description": "gone" } }),
            "2xx responses 202, 204 beside 200",
        ),
    ] {
        let err = lower_doc(with_responses(responses)).unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("schema `operation things:get` at #/paths//v1/things/get/responses:"),
            "{text}"
        );
        assert!(text.contains(wanted), "{text}");
    }
}

#[test]
fn other_multi_2xx_shapes_keep_their_reading() {
    // 2025-05-28 `refunds:create`: 200 JSON beside a body-less 201 reads as
    // the JSON response, as it always has.
    let m = lower_doc(with_responses(json!({
        "200": json_of("Thing"),
        "201": { "description": "created" }
    })))
    .expect("lowers");
    assert_eq!(
        m.operations[0].success.kind,
        ir::ResponseKind::Json(named(&m, "Thing"))
    );
    // Only body-less successes: nothing to decode.
    let m = lower_doc(with_responses(json!({
        "202": { "description": "accepted" },
        "204": { "description": "done" }
    })))
    .expect("lowers");
    assert_eq!(m.operations[0].success.kind, ir::ResponseKind::Empty);
    assert_eq!(m.operations[0].success.status, 202);
}

// ---- the documentation format: reachability, x-polar-pagination ------------

#[test]
fn only_schemas_an_operation_or_a_webhook_reaches_are_lowered() {
    let m = models("docs_format");
    assert_eq!(m.unreachable, ["AccountBilling", "AccountUpdate"]);
    assert!(m.component("AccountUpdate").is_none());
    assert!(!m.types.iter().any(|t| t.name.starts_with("Account")));
    // Reached through a `$ref` of a reached schema, or only by a webhook.
    for name in ["Owner", "Pagination", "WebhookWidgetCreatedPayload"] {
        assert!(m.component(name).is_some(), "{name}");
    }
    // A component an inline enum repeats (same title and values) is used
    // in its place, so it is generated although no `$ref` names it.
    let status = m.component("WidgetStatus").expect("WidgetStatus is kept");
    assert_eq!(
        field(struct_named(&m, "Widget"), "status").ty,
        TypeRef::Named(status)
    );
    assert_eq!(m.component_count, 6);
}

#[test]
fn a_document_without_operations_or_webhooks_keeps_every_schema() {
    let m = models("enums");
    assert!(m.unreachable.is_empty());
    assert_eq!(m.component_count, spec("enums").components.schemas.len());
}

#[test]
fn x_polar_pagination_decides_which_operations_page() {
    let m = models("docs_format");
    let op = |id: &str| {
        m.operations
            .iter()
            .find(|o| o.operation_id == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    assert_eq!(
        op("widgets:list").pagination,
        Some(ir::Pagination::Pages {
            item: named(&m, "Widget")
        })
    );
    assert_eq!(op("widgets:get").pagination, None);
}

/// `docs_format` with `edit` applied to the document.
fn docs_format_with(edit: impl FnOnce(&mut serde_json::Value)) -> Result<Models, codegen::Error> {
    let mut doc: serde_json::Value =
        serde_json::from_str(&common::fixture("docs_format")).expect("JSON");
    edit(&mut doc);
    lower_doc(doc)
}

#[test]
fn x_polar_pagination_that_does_not_fit_fails_naming_the_operation() {
    let err = docs_format_with(|doc| {
        doc["paths"]["/v1/widgets/"]["get"]["x-polar-pagination"]["type"] = json!("cursor");
    })
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "schema `operation widgets:list` at #/paths//v1/widgets//get/x-polar-pagination: \
         `x-polar-pagination` of type `cursor` is not supported (only `page_limit`); extend \
         `pagination` in codegen/src/ir/operations.rs"
    );

    let err = docs_format_with(|doc| {
        doc["paths"]["/v1/widgets/{id}"]["get"]["x-polar-pagination"] =
            json!({ "type": "page_limit", "item_schema": { "$ref": "#/components/schemas/Widget" } });
    })
    .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("`operation widgets:get`"), "{text}");
    assert!(
        text.contains("does not take a `page` query parameter"),
        "{text}"
    );

    let err = docs_format_with(|doc| {
        doc["paths"]["/v1/widgets/"]["get"]["x-polar-pagination"]["item_schema"] =
            json!({ "$ref": "#/components/schemas/Owner" });
    })
    .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("`operation widgets:list`"), "{text}");
    assert!(
        text.contains("gives the item `#/components/schemas/Owner`, but the pages hold `Widget`"),
        "{text}"
    );
}

#[test]
fn sort_values_with_a_leading_minus_are_named_desc() {
    let m = lower_inline(json!({
        "WidgetSortProperty": {
            "type": "string",
            "enum": ["started_at", "-started_at", "name", "-name", "-", "unknown", "-unknown"]
        }
    }))
    .expect("lowers");
    assert_eq!(
        enum_variants(&m, "WidgetSortProperty"),
        strings(&[
            ("StartedAt", "started_at"),
            ("StartedAtDesc", "-started_at"),
            ("Name", "name"),
            ("NameDesc", "-name"),
            ("Empty", "-"),
            ("Unknown2", "unknown"),
            ("UnknownDesc", "-unknown"),
        ])
    );
}

#[test]
fn desc_name_collisions_are_resolved_by_one_order_and_said_in_the_docs() {
    // `name_desc` is a plain value: it keeps `NameDesc` wherever it stands,
    // and `-name` takes the next free name, its docs saying why.
    for values in [
        json!(["-name", "name_desc", "name"]),
        json!(["name", "name_desc", "-name"]),
    ] {
        let m = lower_inline(json!({
            "Sorting": { "type": "string", "enum": values }
        }))
        .expect("lowers");
        let TypeKind::Enum(e) = &type_named(&m, "Sorting").kind else {
            panic!("an enum")
        };
        let by_wire = |wire: &str| {
            e.variants
                .iter()
                .find(|v| v.wire_value == wire)
                .expect("the value has a variant")
        };
        assert_eq!(by_wire("name_desc").rust_name, "NameDesc");
        assert_eq!(by_wire("name_desc").collision, None);
        assert_eq!(by_wire("-name").rust_name, "NameDesc2");
        assert_eq!(by_wire("-name").collision.as_deref(), Some("NameDesc"));
        assert_eq!(by_wire("name").rust_name, "Name");
    }
}

#[test]
fn the_largest_page_a_list_may_ask_for_comes_from_its_limit_parameter() {
    let max_of = |m: &Models, id: &str| {
        m.operations
            .iter()
            .find(|o| o.operation_id == id)
            .unwrap_or_else(|| panic!("{id}"))
            .max_page_size
    };
    // The fixture's `limit` says nothing about a maximum: none is assumed.
    let m = models("docs_format");
    assert_eq!(max_of(&m, "widgets:list"), None);

    let limit = "/v1/widgets/";
    let with_limit = |schema: serde_json::Value, description: Option<&str>| {
        docs_format_with(|doc| {
            let params = doc["paths"][limit]["get"]["parameters"]
                .as_array_mut()
                .expect("parameters");
            let param = params
                .iter_mut()
                .find(|p| p["name"] == "limit")
                .expect("a limit parameter");
            param["schema"] = schema;
            if let Some(text) = description {
                param["description"] = json!(text);
            }
        })
        .expect("lowers")
    };
    // Polar's wording, in the parameter's or the schema's description.
    let polar = "Size of a page, defaults to 10. Maximum is 100.";
    let m = with_limit(json!({ "type": "integer", "default": 10 }), Some(polar));
    assert_eq!(max_of(&m, "widgets:list"), Some(100));
    let m = with_limit(
        json!({ "type": "integer", "default": 10, "description": polar }),
        None,
    );
    assert_eq!(max_of(&m, "widgets:list"), Some(100));
    // A schema `maximum` is preferred to the prose.
    let m = with_limit(
        json!({ "type": "integer", "maximum": 50, "description": polar }),
        None,
    );
    assert_eq!(max_of(&m, "widgets:list"), Some(50));
    // An operation that does not page has none.
    assert_eq!(max_of(&m, "widgets:get"), None);
}
