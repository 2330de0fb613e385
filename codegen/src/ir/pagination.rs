//! How a list operation walks its pages: by page number, by cursor, or
//! (a response union of both) by either, from `x-polar-pagination` where
//! the document has it and from the operation's shape otherwise.

use super::lower::{Ctx, Lowering};
use super::*;
use crate::spec::Operation as SpecOperation;
use crate::Error;

impl Lowering<'_> {
    /// How a list operation walks its pages. `x-polar-pagination` (the
    /// versioned documents) decides where present: its `type` must be
    /// `page_limit`, and the operation must then have the shape
    /// [`Self::page_shape`] recognizes, with the hint's `item_schema` as the
    /// item. Without it (older documents, whose `x-speakeasy-pagination`
    /// marks the same operations, and the events list, which no hint marks)
    /// the shape alone decides.
    pub(super) fn pagination(
        &self,
        operation: &SpecOperation,
        success: &Success,
        query: &[Param],
        ctx: &Ctx,
    ) -> Result<Option<Pagination>, Error> {
        let Some(hint) = &operation.polar_pagination else {
            return Ok(self.page_shape(success, query));
        };
        if hint.kind != "page_limit" {
            return Err(ctx.error(format!(
                "`x-polar-pagination` of type `{}` is not supported (only `page_limit`); \
                 extend `pagination` in codegen/src/ir/operations.rs",
                hint.kind
            )));
        }
        let pagination = self.page_shape(success, query).ok_or_else(|| {
            ctx.error(
                "`x-polar-pagination` says `page_limit`, but the operation does not take a \
                 `page` query parameter and return a page (`items` + `pagination`)",
            )
        })?;
        let item = match &pagination {
            Pagination::Pages { item } | Pagination::Cursor { item } => item,
            Pagination::Mixed { item, .. } => item,
        };
        let wanted = hint
            .item_schema
            .as_ref()
            .and_then(|schema| schema.reference.as_deref());
        if let Some(wanted) = wanted {
            let found = match self.resolve_named(item) {
                Some(TypeDef {
                    origin: Origin::Component(name),
                    ..
                }) => Some(name.as_str()),
                _ => None,
            };
            if found != crate::spec::ref_name(wanted) {
                return Err(ctx.error(format!(
                    "`x-polar-pagination` gives the item `{wanted}`, but the pages hold {}",
                    found.map_or_else(|| format!("{item:?}"), |name| format!("`{name}`"))
                )));
            }
        }
        Ok(Some(pagination))
    }

    /// The type definition `ty` names, when it names one.
    fn resolve_named(&self, ty: &TypeRef) -> Option<&TypeDef> {
        match ty {
            TypeRef::Named(id) => self.types[id.0].as_ref(),
            _ => None,
        }
    }

    /// A list operation (it takes `page`) whose response is a page.
    fn page_shape(&self, success: &Success, query: &[Param]) -> Option<Pagination> {
        if !query.iter().any(|p| p.wire_name == "page") {
            return None;
        }
        let ResponseKind::Json(ty) = &success.kind else {
            return None;
        };
        match self.resolve(ty) {
            TypeRef::Page { item, pagination } => Some(if self.is_cursor(*pagination) {
                Pagination::Cursor {
                    item: (**item).clone(),
                }
            } else {
                Pagination::Pages {
                    item: (**item).clone(),
                }
            }),
            TypeRef::Named(id) => {
                let Some(TypeKind::Union(union)) = self.types[id.0].as_ref().map(|t| &t.kind)
                else {
                    return None;
                };
                let items: Vec<TypeRef> = union
                    .variants
                    .iter()
                    .filter_map(|v| match self.resolve(&v.ty) {
                        TypeRef::Page { item, .. } => Some((**item).clone()),
                        _ => None,
                    })
                    .collect();
                let same =
                    items.len() == union.variants.len() && items.windows(2).all(|w| w[0] == w[1]);
                same.then(|| Pagination::Mixed {
                    item: items[0].clone(),
                    response: *id,
                })
            }
            _ => None,
        }
    }

    fn is_cursor(&self, pagination: TypeId) -> bool {
        match self.types[pagination.0].as_ref().map(|t| &t.kind) {
            Some(TypeKind::Struct(s)) => s.fields.iter().any(|f| f.wire_name == "has_next_page"),
            _ => false,
        }
    }

    /// Follow aliases to the type they stand for.
    fn resolve<'t>(&'t self, mut ty: &'t TypeRef) -> &'t TypeRef {
        // At most one step per type: an alias of itself stops.
        for _ in 0..self.types.len() {
            match ty {
                TypeRef::Named(id) => match self.types[id.0].as_ref().map(|t| &t.kind) {
                    Some(TypeKind::Alias(target)) => ty = target,
                    _ => break,
                },
                _ => break,
            }
        }
        ty
    }
}
