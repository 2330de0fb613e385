//! The credential rule (`codegen::ir::secrets`) on small inline schemas:
//! which properties lowering makes `TypeRef::Secret`, in every presence,
//! and which it leaves alone.

mod common;

use codegen::ir::{self, secrets, Models, Presence, TypeRef};
use common::{field, struct_named};
use serde_json::json;

/// One response schema and one PATCH body with the properties under test.
fn models() -> Models {
    let doc = json!({
        "openapi": "3.1.0",
        "info": { "title": "secrets", "version": "1" },
        "paths": {
            "/v1/things/{id}": {
                "patch": {
                    "operationId": "things:update",
                    "parameters": [{"name": "id", "in": "path", "required": true,
                                    "schema": {"type": "string"}}],
                    "requestBody": {"required": true, "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/ThingUpdate"}}}},
                    "responses": {"200": {"description": "ok", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Thing"}}}}}
                }
            }
        },
        "components": { "schemas": {
            "Thing": {
                "type": "object",
                "required": ["token", "access_token", "refresh_token", "client_secret",
                             "token_type", "client_secret_expires_at", "input_tokens",
                             "client_secret_last_4", "confirmation_token_id", "key", "code"],
                "properties": {
                    "token": {"type": "string", "title": "Token"},
                    "access_token": {"type": "string"},
                    "refresh_token": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                    "id_token": {"type": "string"},
                    "client_secret": {"type": "string", "title": "Client Secret"},
                    "signing_secret": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                    "token_type": {"type": "string", "const": "Bearer"},
                    "token_type_hint": {"type": "string"},
                    "token_endpoint_auth_method": {"type": "string",
                        "enum": ["client_secret_basic", "none"]},
                    "client_secret_expires_at": {"type": "integer"},
                    "invitation_token_expires_at": {"type": "string", "format": "date-time"},
                    "input_tokens": {"type": "integer"},
                    "client_secret_last_4": {"type": "string",
                        "description": "Last four characters of the client secret (display only)."},
                    "masked_token": {"type": "string",
                        "description": "The token, masked for display."},
                    "confirmation_token_id": {"type": "string",
                        "description": "ID of the Stripe confirmation token."},
                    "session_token_id": {"type": "string", "format": "uuid"},
                    "key": {"type": "string", "title": "Key"},
                    "code": {"type": "string",
                        "description": "Code customers can use to apply the discount."},
                    "value": {"type": "string",
                        "description": "The secret value of the integration."},
                    "name": {"type": "string"}
                }
            },
            "ThingUpdate": {
                "type": "object",
                "properties": {
                    "secret": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                    "api_key": {"type": "string"},
                    "name": {"anyOf": [{"type": "string"}, {"type": "null"}]}
                }
            }
        }}
    });
    ir::lower(&codegen::spec::parse(&doc.to_string()).expect("parses")).expect("lowers")
}

#[test]
fn credentials_become_secrets_in_every_presence() {
    let m = models();
    let thing = struct_named(&m, "Thing");
    for (name, presence) in [
        ("token", Presence::Required),
        ("access_token", Presence::Required),
        ("refresh_token", Presence::RequiredNullable),
        ("id_token", Presence::Optional),
        ("client_secret", Presence::Required),
        ("signing_secret", Presence::Optional),
        ("value", Presence::Optional),
    ] {
        let f = field(thing, name);
        assert_eq!(f.ty, TypeRef::Secret, "Thing.{name}");
        assert_eq!(f.presence, presence, "Thing.{name}");
    }
    let update = struct_named(&m, "ThingUpdate");
    assert_eq!(field(update, "secret").ty, TypeRef::Secret);
    assert_eq!(field(update, "secret").presence, Presence::Tristate);
    assert_eq!(field(update, "api_key").ty, TypeRef::Secret);
    assert_eq!(field(update, "name").ty, TypeRef::String);
}

#[test]
fn names_and_descriptions_that_are_not_credentials_are_left_alone() {
    let m = models();
    let thing = struct_named(&m, "Thing");
    for name in [
        "token_type",
        "token_type_hint",
        "token_endpoint_auth_method",
        "client_secret_expires_at",
        "invitation_token_expires_at",
        "input_tokens",
        "client_secret_last_4",
        "masked_token",
        "confirmation_token_id",
        "session_token_id",
        "key",
        "code",
        "name",
    ] {
        assert_ne!(field(thing, name).ty, TypeRef::Secret, "Thing.{name}");
    }
}

#[test]
fn the_listing_names_every_secret_and_agrees_with_the_rule() {
    let m = models();
    let listed: Vec<(String, String)> = secrets::secret_fields(&m)
        .into_iter()
        .map(|f| (f.schema, f.wire_name))
        .collect();
    let expected: Vec<(String, String)> = [
        ("Thing", "access_token"),
        ("Thing", "client_secret"),
        ("Thing", "id_token"),
        ("Thing", "refresh_token"),
        ("Thing", "signing_secret"),
        ("Thing", "token"),
        ("Thing", "value"),
        ("ThingUpdate", "api_key"),
        ("ThingUpdate", "secret"),
    ]
    .iter()
    .map(|(s, f)| (s.to_string(), f.to_string()))
    .collect();
    assert_eq!(listed, expected);
    assert_eq!(secrets::credential_fields(&m), secrets::secret_fields(&m));
}
