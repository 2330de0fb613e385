//! `codegen::ir::schema_docs`: a component the spec leaves undescribed
//! says what it is and where it is used, instead of "The `X` schema.".

mod common;

use common::{models, type_named};

#[test]
fn an_undescribed_alias_says_what_it_stands_for_and_where_it_is_taken() {
    let m = models("union_methods");
    let doc = &type_named(&m, "CheckoutCreate").doc;
    assert!(
        doc.starts_with(
            "Another name for [`CheckoutProductsCreate`](super::CheckoutProductsCreate): \
             the spec defines `CheckoutCreate` as that schema, so the two names are one type."
        ),
        "{doc}"
    );
    assert!(
        doc.contains("Build it with `CheckoutCreate::new(..)` and its setters"),
        "{doc}"
    );
    // The target's own description, then the operations.
    assert!(
        doc.contains("CheckoutProductsCreate: Create a checkout session from a list of products."),
        "{doc}"
    );
    assert!(
        doc.ends_with("The request body of `client.checkouts().create(..)`."),
        "{doc}"
    );
}

#[test]
fn an_undescribed_union_says_what_it_holds_and_how_to_read_and_build_it() {
    let m = models("union_methods");
    let grant = &type_named(&m, "Grant").doc;
    assert!(grant.starts_with("One of [`Discord`](Grant::Discord), [`License`](Grant::License), [`Custom`](Grant::Custom), or [`Unknown`](Grant::Unknown)"), "{grant}");
    assert!(
        grant.contains("read without a `match`: `benefit_id()`, `customer()`, `note()`, `tags()`."),
        "{grant}"
    );
    assert!(
        grant.ends_with("Returned by `client.sessions().create(..)`."),
        "{grant}"
    );
    let plan = &type_named(&m, "PlanUpdate").doc;
    assert!(
        plan.contains("Build one with a constructor such as `PlanUpdate::seats(..)`"),
        "{plan}"
    );
    assert!(
        plan.ends_with("The request body of `client.plans().update(..)`."),
        "{plan}"
    );
}

#[test]
fn a_described_schema_keeps_its_description() {
    let m = models("union_methods");
    assert_eq!(
        type_named(&m, "GrantCustom").doc,
        "A custom grant, itself one of two shapes that both have the shared fields."
    );
    assert_eq!(
        type_named(&m, "CheckoutProductsCreate").doc,
        "Create a checkout session from a list of products."
    );
}
