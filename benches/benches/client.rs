//! The overhead of the generated client over plain `reqwest`.
//!
//! Both send the same GET to the same local mock server
//! (`polar_benches::mock`, 127.0.0.1, keep-alive) and decode the same
//! response body into the same type; the difference is what `polar-api`
//! adds (request building, the tracing span, the retry loop, status and
//! error-body handling). To compare only that, both use a `reqwest::Client`
//! built the same way (the SDK's default connect timeout, no proxy: the
//! traffic must stay on loopback), send the same headers (`User-Agent`,
//! `Accept`, `Authorization`, `Polar-Version`) and set the SDK's default
//! 60 s per-request timeout.
//!
//! * `client/products_get`: `client.products().get(id)`, one `Product`;
//! * `client/orders_list_100`: `client.orders().list().limit(100)`, a page
//!   of 100 orders.
//!
//! `cargo bench -p polar-benches --bench client`

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use polar_api::v2026_10::models::uuid::Uuid;
use polar_api::v2026_10::models::{ListResourceOrder, Product};
use polar_api::v2026_10::Client;
use polar_benches::mock::MockServer;
use polar_benches::payloads::{self, decode_strict};
use polar_models::__private::decode_json;
use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION, USER_AGENT};
use serde::de::DeserializeOwned;

const TOKEN: &str = "polar_oat_benchmark";

/// The `reqwest::Client` both sides use: the SDK's default, plus no proxy.
fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(polar_api::DEFAULT_CONNECT_TIMEOUT)
        .no_proxy()
        .build()
        .expect("a reqwest client")
}

/// The same request, by hand.
struct Plain {
    http: reqwest::Client,
    base_url: String,
    user_agent: HeaderValue,
    authorization: HeaderValue,
}

impl Plain {
    fn new(base_url: String) -> Self {
        Plain {
            http: http_client(),
            base_url,
            // What the SDK sends (`polar-api-rust/<its version>`).
            user_agent: HeaderValue::from_static("polar-api-rust/0.1.0"),
            authorization: HeaderValue::try_from(format!("Bearer {TOKEN}")).expect("a header"),
        }
    }

    async fn get<T: DeserializeOwned>(&self, path_and_query: &str) -> T {
        let response = self
            .http
            .get(format!("{}{path_and_query}", self.base_url))
            .header(USER_AGENT, self.user_agent.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(AUTHORIZATION, self.authorization.clone())
            .header(
                polar_api::API_VERSION_HEADER,
                HeaderValue::from_static(polar_api::v2026_10::API_VERSION),
            )
            .timeout(polar_api::DEFAULT_TIMEOUT)
            .send()
            .await
            .expect("a response")
            .error_for_status()
            .expect("a 2xx status");
        let body = response.bytes().await.expect("a body");
        // As the SDK decodes (one UTF-8 check, then the `&str` reader), so
        // the two sides differ only in what the SDK adds around the request;
        // reqwest's own `json()` reads with `from_slice`, which is slower.
        decode_json(&body).expect("a typed body")
    }
}

fn client(c: &mut Criterion) {
    let spec = polar_benches::spec();
    let product = payloads::product(&spec);
    let orders = payloads::order_page(&spec);
    let _: Product = decode_strict("product", &product);
    let _: ListResourceOrder = decode_strict("orders", &orders);

    let server = MockServer::start(vec![
        ("/v1/products/".to_owned(), product.clone()),
        ("/v1/orders/".to_owned(), orders.clone()),
    ])
    .expect("the mock server starts");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let polar = Client::builder()
        .token(TOKEN)
        .base_url(server.base_url())
        .http_client(http_client())
        .build()
        .expect("a polar client");
    let plain = Plain::new(server.base_url());
    let id: Uuid = payloads::uuid_for(0).parse().expect("a UUID");
    let product_path = format!("/v1/products/{id}");
    let orders_path = "/v1/orders/?limit=100";

    // Both sides get the same thing (and open their connection) before
    // anything is measured.
    runtime.block_on(async {
        let a = polar
            .products()
            .get(id)
            .send()
            .await
            .expect("polar: products:get");
        let b: Product = plain.get(&product_path).await;
        assert!(a == b, "both clients decode the same product");
        let a = polar
            .orders()
            .list()
            .limit(100)
            .send()
            .await
            .expect("polar: orders:list");
        let b: ListResourceOrder = plain.get(orders_path).await;
        assert!(a == b, "both clients decode the same page");
    });

    let mut group = c.benchmark_group("client/products_get");
    group.throughput(Throughput::Bytes(product.len() as u64));
    group.bench_function("polar_api", |b| {
        b.to_async(&runtime)
            .iter(|| async { polar.products().get(id).send().await.expect("products:get") })
    });
    group.bench_function("reqwest", |b| {
        b.to_async(&runtime)
            .iter(|| async { plain.get::<Product>(&product_path).await })
    });
    group.finish();

    let mut group = c.benchmark_group("client/orders_list_100");
    group.throughput(Throughput::Bytes(orders.len() as u64));
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("polar_api", |b| {
        b.to_async(&runtime).iter(|| async {
            polar
                .orders()
                .list()
                .limit(100)
                .send()
                .await
                .expect("orders:list")
        })
    });
    group.bench_function("reqwest", |b| {
        b.to_async(&runtime)
            .iter(|| async { plain.get::<ListResourceOrder>(orders_path).await })
    });
    group.finish();

    drop(server);
}

criterion_group!(benches, client);
criterion_main!(benches);
