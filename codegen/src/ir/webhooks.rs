//! Webhooks: the `WebhookPayload` union, a variant per event of the spec's
//! `webhooks` section (its request body's type), tagged by `type`.

use super::docs::doc_text;
use super::lower::{Ctx, Lowering};
use super::names::{module_name, type_name, Namespace};
use super::*;
use crate::Error;

impl Lowering<'_> {
    /// The `WebhookPayload` union, its variants sorted by event name; `None`
    /// for a document without webhooks.
    pub(super) fn lower_webhooks(&mut self) -> Result<Option<TypeId>, Error> {
        if self.spec.webhooks.is_empty() {
            return Ok(None);
        }
        let mut events: Vec<(&String, &crate::spec::PathItem)> =
            self.spec.webhooks.iter().collect();
        events.sort_unstable_by_key(|(name, _)| name.as_str());
        let mut variant_names = Namespace::new();
        variant_names.reserve("Unknown");
        let mut variants = Vec::with_capacity(events.len());
        for (event, item) in events {
            let ctx = Ctx {
                parent: format!("webhooks/{event}"),
                pointer: format!("#/webhooks/{event}"),
                hint: format!("{}Payload", type_name(event)),
                input: false,
            };
            let (method, operation) = item
                .operations()
                .next()
                .ok_or_else(|| ctx.error("a webhook without an operation"))?;
            let schema = operation
                .json_body()
                .ok_or_else(|| ctx.error("a webhook without an application/json request body"))?;
            let ty = self.type_ref(schema, &ctx)?;
            variants.push(UnionVariant {
                rust_name: variant_names.claim(&type_name(event)),
                shape: self.shape_of(schema),
                ty,
                tags: vec![event.clone()],
                boxed: false,
                doc: doc_text(
                    operation.summary.as_deref(),
                    operation.description.as_deref(),
                ),
                // Set once the operation groups are known.
                feature: None,
                source: format!(
                    "{}/{}/requestBody/content/application~1json/schema",
                    ctx.pointer,
                    method.to_lowercase()
                ),
            });
        }
        super::unions::keep_distinguishing_consts(&mut variants);
        let name = self.type_names.claim("WebhookPayload");
        let module = self.module_names.claim(&module_name(&name));
        Ok(Some(
            self.push(TypeDef {
                name,
                origin: Origin::WebhookEvents,
                doc: "A webhook delivery from Polar, decoded by its `type`.\n\n\
                  One variant per event of the spec's `webhooks` section; an event \
                  type this version does not know decodes into `Unknown` with the \
                  raw JSON."
                    .to_owned(),
                module,
                kind: TypeKind::Union(Union {
                    variants,
                    discriminator: Some("type".to_owned()),
                }),
            }),
        ))
    }
}
