//! API versions on the wire, through the generated operations of each
//! version module against a local wiremock server: the `Polar-Version`
//! header every client (organization and portal) sends, the 404 that means
//! "this version is not served" (never a missing resource), the typed error
//! bodies of each version, and the version the server echoes back.
//!
//! The same tests run for every version module compiled in: `v2026_10` with
//! the default features, `v2026_04` with `--features v2026-04` (which
//! `cargo test --workspace` turns on through `polar-tests`).

/// The tests of one version module (`$version`, sending `$name`).
macro_rules! version_tests {
    ($version:ident, $name:literal) => {
        mod $version {
            use std::time::Duration;

            use polar_api::$version::models::uuid::Uuid;
            use polar_api::$version::models::LicenseKeyValidate;
            use polar_api::$version::{ApiErrorBody, Client, ClientBuilder, CustomerPortalClient};
            use polar_api::{ApiVersion, Error, MemberSessionToken, NoSession, API_VERSION_HEADER};
            use serde_json::{json, Value};
            use wiremock::matchers::{method, path};
            use wiremock::{Mock, MockServer, ResponseTemplate};

            /// The version this module's clients must send.
            const VERSION: &str = $name;
            const TOKEN: &str = "polar_oat_versions_test";

            fn builder(server: &MockServer) -> ClientBuilder {
                Client::builder()
                    .base_url(server.uri())
                    .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
                    .timeout(Duration::from_secs(10))
                    .no_retries()
            }

            fn client(server: &MockServer) -> Client {
                builder(server).token(TOKEN).build().unwrap()
            }

            fn empty_page() -> Value {
                json!({"items": [], "pagination": {"total_count": 0, "max_page": 0}})
            }

            fn product_id() -> Uuid {
                Uuid::from_u128(0x1000_0000_0000_4000_8000_0000_0000_0404)
            }

            /// Answers every request with `template`.
            async fn answer(template: ResponseTemplate) -> MockServer {
                let server = MockServer::start().await;
                Mock::given(method("GET"))
                    .respond_with(template)
                    .mount(&server)
                    .await;
                server
            }

            /// Every request the server received carried `Polar-Version:
            /// VERSION`, exactly once; returns how many there were.
            async fn assert_all_sent_the_version(server: &MockServer) -> usize {
                let requests = server.received_requests().await.unwrap();
                for request in &requests {
                    let values: Vec<_> = request
                        .headers
                        .get_all(API_VERSION_HEADER)
                        .iter()
                        .map(|value| value.to_str().unwrap().to_owned())
                        .collect();
                    assert_eq!(values, [VERSION], "{} {}", request.method, request.url);
                }
                requests.len()
            }

            #[test]
            fn the_version_type_names_the_header_value() {
                assert_eq!(polar_api::$version::Version::NAME, VERSION);
                assert_eq!(polar_api::$version::API_VERSION, VERSION);
                assert!(polar_api::API_VERSIONS.contains(&VERSION));
                let client = Client::builder().token(TOKEN).build().unwrap();
                assert_eq!(client.api_version(), VERSION);
                assert!(format!("{client:?}").contains(VERSION));
            }

            #[tokio::test]
            async fn every_request_of_the_client_carries_its_version() {
                let server = MockServer::start().await;
                Mock::given(method("GET"))
                    .and(path("/v1/products/"))
                    .respond_with(ResponseTemplate::new(200).set_body_json(empty_page()))
                    .expect(2)
                    .mount(&server)
                    .await;
                Mock::given(method("GET"))
                    .and(path(format!("/v1/products/{}", product_id())))
                    .respond_with(ResponseTemplate::new(404).set_body_json(json!({
                        "error": "ResourceNotFound",
                        "detail": "Not found"
                    })))
                    .expect(1)
                    .mount(&server)
                    .await;

                let client = client(&server);
                let page = client.products().list().limit(10).send().await.unwrap();
                assert!(page.items.is_empty());
                // A clone, and the anonymous client, send it too.
                let anonymous = builder(&server).build_anonymous().unwrap();
                anonymous.products().list().send().await.unwrap();
                let err = client.clone().products().get(product_id()).send().await;
                assert!(err.unwrap_err().is_not_found());

                assert_eq!(assert_all_sent_the_version(&server).await, 3);
            }

            #[tokio::test]
            async fn every_request_of_the_portal_clients_carries_its_version() {
                let server = MockServer::start().await;
                Mock::given(method("GET"))
                    .and(path("/v1/customer-portal/orders/"))
                    .respond_with(ResponseTemplate::new(200).set_body_json(empty_page()))
                    .expect(4)
                    .mount(&server)
                    .await;
                Mock::given(method("GET"))
                    .and(path("/v1/customer-portal/organizations/acme"))
                    .respond_with(ResponseTemplate::new(404).set_body_json(json!({
                        "error": "ResourceNotFound",
                        "detail": "Not found"
                    })))
                    .expect(1)
                    .mount(&server)
                    .await;
                Mock::given(method("POST"))
                    .and(path("/v1/customer-portal/license-keys/validate"))
                    .respond_with(ResponseTemplate::new(404).set_body_json(json!({
                        "error": "ResourceNotFound",
                        "detail": "Not found"
                    })))
                    .expect(1)
                    .mount(&server)
                    .await;

                let org = client(&server);
                let customer = org.customer_portal_with("polar_cst_customer");
                let member = org.member_portal_with("polar_mst_member");
                let public = org.public_portal();
                let standalone: CustomerPortalClient = builder(&server)
                    .build_customer_portal("polar_cst_standalone")
                    .unwrap();
                let standalone_member: CustomerPortalClient<MemberSessionToken> = builder(&server)
                    .build_member_portal("polar_mst_standalone")
                    .unwrap();
                for portal in [&customer, &standalone] {
                    portal.orders().list().send().await.unwrap();
                }
                for portal in [&member, &standalone_member] {
                    portal.orders().list().send().await.unwrap();
                }
                // Without a session only the public operations exist.
                let err = public.organizations().get("acme").send().await.unwrap_err();
                assert!(err.is_not_found(), "{err:?}");

                let standalone_public: CustomerPortalClient<NoSession> =
                    builder(&server).build_public_portal().unwrap();
                let body = LicenseKeyValidate::new("POLAR-KEY".to_owned(), Uuid::from_u128(7));
                let err = standalone_public
                    .license_keys()
                    .validate(body)
                    .send()
                    .await
                    .unwrap_err();
                assert!(err.is_not_found(), "{err:?}");

                assert_eq!(assert_all_sent_the_version(&server).await, 6);
            }

            #[tokio::test]
            async fn a_bare_404_without_the_echo_is_an_unsupported_version() {
                let server = answer(
                    ResponseTemplate::new(404).set_body_json(json!({"detail": "Not Found"})),
                )
                .await;
                let err = client(&server)
                    .products()
                    .get(product_id())
                    .send()
                    .await
                    .unwrap_err();
                match &err {
                    Error::UnsupportedApiVersion {
                        operation,
                        requested,
                        served,
                        url,
                    } => {
                        assert_eq!(*operation, "products:get");
                        assert_eq!(*requested, VERSION);
                        assert_eq!(*served, None);
                        assert!(url.starts_with(&server.uri()), "{url}");
                        assert!(url.contains("/v1/products/"), "{url}");
                    }
                    other => panic!("expected UnsupportedApiVersion, got {other:?}"),
                }
                assert!(err.is_unsupported_api_version());
                assert!(!err.is_not_found(), "never a missing resource");
                assert_eq!(err.status(), None);
                assert!(err.api_error().is_none());
                assert_eq!(err.operation(), Some("products:get"));
                let text = err.to_string();
                assert!(text.contains(VERSION), "{text}");
                assert!(text.starts_with("products:get: "), "{text}");
                assert_eq!(assert_all_sent_the_version(&server).await, 1);
                // Whatever the operation.
                let err = client(&server).products().list().send().await.unwrap_err();
                assert!(err.is_unsupported_api_version(), "{err:?}");
            }

            #[tokio::test]
            async fn a_bare_404_served_as_another_version_says_which() {
                let other = if VERSION == "2026-04" {
                    "2026-10"
                } else {
                    "2026-04"
                };
                let server = answer(
                    ResponseTemplate::new(404)
                        .insert_header(API_VERSION_HEADER, other)
                        .set_body_json(json!({"detail": "Not Found"})),
                )
                .await;
                let err = client(&server)
                    .products()
                    .get(product_id())
                    .send()
                    .await
                    .unwrap_err();
                match &err {
                    Error::UnsupportedApiVersion {
                        requested, served, ..
                    } => {
                        assert_eq!(*requested, VERSION);
                        assert_eq!(served.as_deref(), Some(other));
                    }
                    other => panic!("expected UnsupportedApiVersion, got {other:?}"),
                }
                assert!(err.to_string().contains(other), "{err}");
                assert!(!err.is_not_found());
            }

            #[tokio::test]
            async fn a_bare_404_with_the_echo_is_an_ordinary_404() {
                // The version is served; the route or the resource is missing.
                let server = answer(
                    ResponseTemplate::new(404)
                        .insert_header(API_VERSION_HEADER, VERSION)
                        .set_body_json(json!({"detail": "Not Found"})),
                )
                .await;
                let err = client(&server)
                    .products()
                    .get(product_id())
                    .send()
                    .await
                    .unwrap_err();
                assert!(err.is_not_found(), "{err:?}");
                assert!(!err.is_unsupported_api_version());
                let Error::Api(api) = &err else {
                    panic!("expected Error::Api, got {err:?}");
                };
                assert_eq!(api.status, 404);
                assert_eq!(api.operation, "products:get");
                assert_eq!(api.api_version(), Some(VERSION));
                assert_eq!(api.detail().as_deref(), Some("Not Found"));
                assert!(api.body::<ApiErrorBody>().is_some(), "{api:?}");
            }

            #[tokio::test]
            async fn a_resource_not_found_body_is_a_typed_404_without_the_echo() {
                let raw = r#"{"error":"ResourceNotFound","detail":"Not found"}"#;
                let server =
                    answer(ResponseTemplate::new(404).set_body_raw(raw, "application/json")).await;
                let err = client(&server)
                    .products()
                    .get(product_id())
                    .send()
                    .await
                    .unwrap_err();
                assert!(err.is_not_found(), "{err:?}");
                assert!(!err.is_unsupported_api_version());
                let api = err.api_error().expect("an API error");
                assert_eq!(&api.raw[..], raw.as_bytes());
                assert_eq!(api.api_version(), None);
                match api.body::<ApiErrorBody>() {
                    Some(ApiErrorBody::ResourceNotFound(body)) => {
                        assert_eq!(body.detail, "Not found");
                        assert_eq!(body.error.as_str(), "ResourceNotFound");
                    }
                    other => panic!("expected ResourceNotFound, got {other:?}"),
                }
                // The body is this version's type, not any other's.
                assert!(api.body::<Value>().is_none());
                assert_other_versions_do_not_read_it(api);
            }

            /// Another compiled-in version's `ApiErrorBody` does not
            /// downcast from this version's body.
            fn assert_other_versions_do_not_read_it(api: &polar_api::ApiError) {
                #[cfg(feature = "v2026-04")]
                if VERSION != "2026-04" {
                    assert!(api.body::<polar_api::v2026_04::ApiErrorBody>().is_none());
                }
                #[cfg(feature = "v2026-10")]
                if VERSION != "2026-10" {
                    assert!(api.body::<polar_api::v2026_10::ApiErrorBody>().is_none());
                }
                let _ = api;
            }

            #[tokio::test]
            async fn the_echoed_version_is_readable_on_responses_and_errors() {
                let server = MockServer::start().await;
                Mock::given(method("GET"))
                    .and(path("/v1/products/"))
                    .respond_with(
                        ResponseTemplate::new(200)
                            .insert_header(API_VERSION_HEADER, VERSION)
                            .set_body_json(empty_page()),
                    )
                    .mount(&server)
                    .await;
                Mock::given(method("GET"))
                    .and(path(format!("/v1/products/{}", product_id())))
                    .respond_with(
                        ResponseTemplate::new(409)
                            .insert_header(API_VERSION_HEADER, VERSION)
                            .set_body_json(json!({"detail": "busy"})),
                    )
                    .mount(&server)
                    .await;
                let client = client(&server);

                let response = client.products().list().send_with_response().await.unwrap();
                assert_eq!(response.status, 200);
                assert_eq!(response.api_version(), Some(VERSION));
                assert!(response.value.items.is_empty());

                let err = client
                    .products()
                    .get(product_id())
                    .send_with_response()
                    .await
                    .unwrap_err();
                assert_eq!(err.status(), Some(409));
                assert_eq!(err.api_error().unwrap().api_version(), Some(VERSION));
            }

            #[tokio::test]
            async fn a_response_without_the_echo_has_no_version() {
                let server =
                    answer(ResponseTemplate::new(200).set_body_json(empty_page())).await;
                let response = client(&server)
                    .products()
                    .list()
                    .send_with_response()
                    .await
                    .unwrap();
                assert_eq!(response.api_version(), None);
            }
        }
    };
}

#[cfg(feature = "v2026-04")]
version_tests!(v2026_04, "2026-04");
#[cfg(feature = "v2026-10")]
version_tests!(v2026_10, "2026-10");
