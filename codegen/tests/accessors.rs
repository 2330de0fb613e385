//! `codegen::ir::accessors` on the `union_methods` fixture: which fields
//! become accessors of a union (and how each member lends them), and how
//! the constructors of a union of request bodies are named.

mod common;

use codegen::ir::accessors::{Accessor, MemberAccess, UnionMethods, View};
use codegen::ir::{Models, TypeRef};
use common::{id_of, models};

fn methods<'m>(models: &'m Models, union: &str) -> &'m UnionMethods {
    models
        .union_methods
        .get(&id_of(models, union))
        .unwrap_or_else(|| panic!("{union} has no methods"))
}

fn accessor<'m>(models: &'m Models, union: &str, name: &str) -> &'m Accessor {
    methods(models, union)
        .accessors
        .iter()
        .find(|a| a.name == name)
        .unwrap_or_else(|| panic!("{union} has no accessor {name}"))
}

fn accessor_names(models: &Models, union: &str) -> Vec<String> {
    methods(models, union)
        .accessors
        .iter()
        .map(|a| a.name.clone())
        .collect()
}

const FIELD: MemberAccess = MemberAccess::Field {
    optional: false,
    boxed: false,
};
const OPTIONAL: MemberAccess = MemberAccess::Field {
    optional: true,
    boxed: false,
};

#[test]
fn every_field_all_members_share_with_one_type_is_an_accessor() {
    let m = models("union_methods");
    // `email` is a string in one member and an integer in the other;
    // `type` is each member's constant.
    assert_eq!(accessor_names(&m, "Customer"), ["external_id"]);
    // `clone` would hide `Clone::clone`; `plain` is one member's only.
    assert_eq!(
        accessor_names(&m, "GrantCustom"),
        ["benefit_id", "customer", "note", "tags"]
    );
    // Through the member union `GrantCustom`; `properties` differs by member.
    assert_eq!(
        accessor_names(&m, "Grant"),
        ["benefit_id", "customer", "note", "tags"]
    );
}

#[test]
fn an_accessor_says_how_each_member_lends_it() {
    let m = models("union_methods");
    let benefit = accessor(&m, "GrantCustom", "benefit_id");
    assert_eq!(benefit.ty, TypeRef::Uuid);
    assert_eq!(benefit.view, View::Ref);
    assert!(benefit.always, "required in every member");
    assert_eq!(benefit.members, [FIELD, FIELD]);
    // Required in one member, optional in the other.
    let note = accessor(&m, "GrantCustom", "note");
    assert_eq!(note.view, View::Str);
    assert!(!note.always);
    assert_eq!(note.members, [FIELD, OPTIONAL]);
    let tags = accessor(&m, "GrantCustom", "tags");
    assert_eq!(tags.view, View::Slice);
    // A member that is a union answers through its own accessor, whose
    // `Unknown` lends nothing: never `always`.
    let benefit = accessor(&m, "Grant", "benefit_id");
    assert_eq!(benefit.members, [FIELD, FIELD, MemberAccess::Union]);
    assert!(!benefit.always);
    // Nullable in one member, optional in another, a union in the third.
    let note = accessor(&m, "Grant", "note");
    assert_eq!(note.members, [OPTIONAL, OPTIONAL, MemberAccess::Union]);
    let customer = accessor(&m, "Grant", "customer");
    assert_eq!(customer.ty, TypeRef::Named(id_of(&m, "Customer")));
}

#[test]
fn a_tri_state_field_is_lent_as_its_nullable() {
    let m = models("union_methods");
    let body = m
        .operations
        .iter()
        .find(|op| op.operation_id == "sessions:create")
        .and_then(|op| op.body.as_ref())
        .expect("a body");
    let TypeRef::Named(id) = body.ty else {
        panic!("a named body: {:?}", body.ty)
    };
    let union = &m.get(id).name;
    let return_url = accessor(&m, union, "return_url");
    assert_eq!(return_url.view, View::Nullable);
    assert_eq!(return_url.ty, TypeRef::String);
}

#[test]
fn accessor_docs_say_what_none_means() {
    let m = models("union_methods");
    let external = accessor(&m, "Customer", "external_id");
    assert!(
        external.doc.starts_with("Your id for the customer.\n\n"),
        "{}",
        external.doc
    );
    assert!(
        external.doc.contains("`None` when the member has no value"),
        "{}",
        external.doc
    );
    let benefit = accessor(&m, "GrantCustom", "benefit_id");
    assert!(
        benefit.doc.contains("`None` only for [`Unknown`]"),
        "{}",
        benefit.doc
    );
    // Every member (and member of the member union) has it: only an
    // `Unknown`, at either level, lends nothing.
    let through = accessor(&m, "Grant", "benefit_id");
    assert!(
        through.doc.contains("Every member has it: `None` only for"),
        "{}",
        through.doc
    );
    assert!(
        through.doc.contains("here or in a member union"),
        "{}",
        through.doc
    );
    let note = accessor(&m, "Grant", "note");
    assert!(
        note.doc.contains("`None` when the member has no value"),
        "{}",
        note.doc
    );
}

fn constructors(models: &Models, union: &str) -> Vec<(String, String)> {
    let union_def = match &models.get(id_of(models, union)).kind {
        codegen::ir::TypeKind::Union(u) => u.clone(),
        other => panic!("{other:?}"),
    };
    methods(models, union)
        .constructors
        .iter()
        .map(|c| {
            (
                c.name.clone(),
                union_def.variants[c.variant].rust_name.clone(),
            )
        })
        .collect()
}

#[test]
fn request_body_constructors_are_named_by_the_argument_that_tells_them_apart() {
    let m = models("union_methods");
    let body = m
        .operations
        .iter()
        .find(|op| op.operation_id == "sessions:create")
        .and_then(|op| op.body.as_ref())
        .expect("a body");
    let TypeRef::Named(id) = body.ty else {
        panic!("a named body")
    };
    let names = constructors(&m, &m.get(id).name);
    let names: Vec<&str> = names.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["customer_id", "external_customer_id"]);
}

#[test]
fn otherwise_every_constructor_of_the_union_is_named_by_its_variant() {
    let m = models("union_methods");
    // `PlanCancel` takes no argument: no argument tells it apart.
    assert_eq!(
        constructors(&m, "PlanUpdate"),
        [
            ("seats".to_owned(), "Seats".to_owned()),
            ("cancel".to_owned(), "Cancel".to_owned())
        ]
    );
    let plan = methods(&m, "PlanUpdate");
    assert!(plan.constructors[0].with_new);
    assert!(!plan.constructors[1].with_new, "PlanCancel derives Default");
    // Response unions get none.
    assert!(methods(&m, "Grant").constructors.is_empty());
}
