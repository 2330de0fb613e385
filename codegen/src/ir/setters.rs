//! Chainable setters on the structs users send (`CheckoutCreate::new(ids)
//! .success_url(url).customer_email(email)`): one per optional property,
//! taking `impl Into<T>`. An optional property is set to `Some(value)`; a
//! tri-state one (`Nullable<T>`, optional and nullable in a type sent to
//! the API) is set to `Nullable::Value(value)` by its setter and cleared
//! (`Nullable::Null`, sent as `null`) by `clear_<name>()`, so "leave
//! unchanged" stays the default and clearing is said by name. Fields stay
//! public; required ones are `new`'s arguments.

use super::names::{unraw, Namespace};
use super::{Presence, Struct, TypeRef};

/// One setter of a struct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setter {
    /// Index of the field in [`Struct::fields`].
    pub field: usize,
    /// The method's name: the field's.
    pub name: String,
    /// For a tri-state field, the method that clears it (`clear_<name>`),
    /// unless a field or setter already has that name.
    pub clear: Option<String>,
}

/// The setters of `structure`: none unless it is sent to the API; one per
/// optional or tri-state field that the spec does not fix (a constant).
pub fn setters(structure: &Struct) -> Vec<Setter> {
    if !structure.input {
        return Vec::new();
    }
    let mut taken = Namespace::new();
    // `new` is the constructor.
    taken.reserve("new");
    let settable: Vec<usize> = structure
        .fields
        .iter()
        .enumerate()
        .filter(|(_, field)| {
            matches!(field.presence, Presence::Optional | Presence::Tristate)
                && !field.is_fixed()
                && field.int_const.is_none()
                && !matches!(
                    field.ty,
                    TypeRef::Const(_) | TypeRef::ConstBool(_) | TypeRef::Unit
                )
        })
        .map(|(index, _)| index)
        .collect();
    for &index in &settable {
        taken.reserve(&structure.fields[index].rust_name);
    }
    settable
        .into_iter()
        .filter(|&index| structure.fields[index].rust_name != "new")
        .map(|index| {
            let field = &structure.fields[index];
            let clear = (field.presence == Presence::Tristate)
                .then(|| format!("clear_{}", unraw(&field.rust_name)))
                .filter(|clear| !taken.is_taken(clear))
                .inspect(|clear| taken.reserve(clear));
            Setter {
                field: index,
                name: field.rust_name.clone(),
                clear,
            }
        })
        .collect()
}
