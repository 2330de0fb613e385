//! Compression and HTTP/2 (issue 26, item 12): what `Accept-Encoding:
//! gzip` / `br` and HTTP/2 (ALPN over rustls) change for a page of 100
//! orders fetched by the SDK, against a server on 127.0.0.1 that
//! compresses.
//!
//! Two pages: the page the other benchmarks use (built from the spec, whose
//! items repeat the same placeholder text, so it compresses far better
//! than real data: the optimistic end), and the same page with every
//! string replaced by random letters and digits of the same length (the
//! pessimistic end: real names, emails and descriptions compress better
//! than random text, real UUIDs and timestamps about as well). The first
//! is fetched and decoded as `client.orders().list()` does; the second is
//! not valid as orders any more, so it is fetched as bytes through the same
//! client (`Core::send`: the same transport, no decoding).
//!
//! The server is hyper's (HTTP/1.1 and HTTP/2, ALPN `h2` and `http/1.1`
//! over rustls with a certificate made at start-up, plus a plain-HTTP
//! port), and answers every request with the same page: compressed with
//! brotli (quality 5) when the request accepts `br`, else with gzip (level
//! 6) when it accepts `gzip`, else as it is. The compressed bodies are made
//! once, up front, so the times below are the client's: transfer, TLS,
//! decompression and decoding. A server that compresses each answer on the
//! fly adds its own time, which loopback cannot tell apart from ours.
//!
//! Before measuring, the bench prints the bytes each configuration moves
//! per page on the wire (counted on the server's sockets: headers, framing
//! and TLS records included) and checks that the body was sent with the
//! encoding expected.
//!
//! * `wire/page/<config>`: one page, one request at a time, on a kept-alive
//!   connection, decoded;
//! * `wire/random_page/<config>`: one randomized page, as bytes;
//! * `wire/page_x8/<config>`: eight pages at once (HTTP/1.1 opens eight
//!   connections, HTTP/2 multiplexes one), decoded.
//!
//! `cargo bench -p polar-benches --features wire --bench wire`

use std::convert::Infallible;
use std::io::Write;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use http_body_util::Full;
use hyper::header::{ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_TYPE};
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use polar_api::__private::Request as ApiRequest;
use polar_api::v2026_10::models::ListResourceOrder;
use polar_api::v2026_10::Client;
use polar_benches::payloads::{self, decode_strict};
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;

const TOKEN: &str = "polar_oat_benchmark";

/// The page in each encoding.
struct Bodies {
    identity: Bytes,
    gzip: Bytes,
    brotli: Bytes,
}

impl Bodies {
    fn new(page: &[u8]) -> Bodies {
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
        gzip.write_all(page).expect("gzip");
        let gzip = gzip.finish().expect("gzip");
        let mut brotli = Vec::new();
        {
            let mut writer = brotli::CompressorWriter::new(&mut brotli, 4096, 5, 22);
            writer.write_all(page).expect("brotli");
        }
        Bodies {
            identity: Bytes::copy_from_slice(page),
            gzip: Bytes::from(gzip),
            brotli: Bytes::from(brotli),
        }
    }
}

/// What the server counts: bytes through its sockets, and the encoding and
/// protocol of the last answer.
#[derive(Default)]
struct Counters {
    read: AtomicU64,
    written: AtomicU64,
    last: Mutex<(String, String)>,
}

/// A socket that counts what goes through it.
struct Counted<S> {
    inner: S,
    counters: Arc<Counters>,
}

impl<S: AsyncRead + Unpin> AsyncRead for Counted<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let poll = Pin::new(&mut self.inner).poll_read(cx, buf);
        let read = buf.filled().len() - before;
        self.counters.read.fetch_add(read as u64, Ordering::Relaxed);
        poll
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Counted<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write(cx, buf);
        if let Poll::Ready(Ok(n)) = &poll {
            self.counters
                .written
                .fetch_add(*n as u64, Ordering::Relaxed);
        }
        poll
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

async fn answer(
    request: Request<hyper::body::Incoming>,
    bodies: Arc<Bodies>,
    counters: Arc<Counters>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let accepts = request
        .headers()
        .get(ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let (encoding, body) = if accepts.contains("br") {
        ("br", bodies.brotli.clone())
    } else if accepts.contains("gzip") {
        ("gzip", bodies.gzip.clone())
    } else {
        ("identity", bodies.identity.clone())
    };
    *counters.last.lock().expect("lock") =
        (encoding.to_owned(), format!("{:?}", request.version()));
    let mut response = Response::builder().header(CONTENT_TYPE, "application/json");
    if encoding != "identity" {
        response = response.header(CONTENT_ENCODING, encoding);
    }
    Ok(response.body(Full::new(body)).expect("a response"))
}

/// Serves one connection, HTTP/1.1 or HTTP/2 (by ALPN, or by preface).
async fn serve<S>(io: S, bodies: Arc<Bodies>, counters: Arc<Counters>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |request| {
        answer(request, Arc::clone(&bodies), Arc::clone(&counters))
    });
    let _ = auto::Builder::new(TokioExecutor::new())
        .serve_connection(TokioIo::new(io), service)
        .await;
}

/// The server: a plain port and a TLS port, on a thread of its own.
struct Server {
    plain: SocketAddr,
    tls: SocketAddr,
    certificate: Vec<u8>,
    counters: Arc<Counters>,
}

fn start_server(bodies: Bodies) -> Server {
    let key =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).expect("a certificate");
    let certificate = key.cert.der().to_vec();
    let private_key = rustls::pki_types::PrivateKeyDer::try_from(key.signing_key.serialize_der())
        .expect("a private key");
    let mut tls = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("TLS versions")
    .with_no_client_auth()
    .with_single_cert(vec![key.cert.der().clone()], private_key)
    .expect("a TLS config");
    tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls));

    let plain = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("a port");
    let secure = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("a port");
    plain.set_nonblocking(true).expect("nonblocking");
    secure.set_nonblocking(true).expect("nonblocking");
    let server = Server {
        plain: plain.local_addr().expect("an address"),
        tls: secure.local_addr().expect("an address"),
        certificate,
        counters: Arc::default(),
    };
    let counters = Arc::clone(&server.counters);
    let bodies = Arc::new(bodies);
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            let plain = TcpListener::from_std(plain).expect("a listener");
            let secure = TcpListener::from_std(secure).expect("a listener");
            loop {
                tokio::select! {
                    Ok((stream, _)) = plain.accept() => {
                        let _ = stream.set_nodelay(true);
                        let io = Counted { inner: stream, counters: Arc::clone(&counters) };
                        tokio::spawn(serve(io, Arc::clone(&bodies), Arc::clone(&counters)));
                    }
                    Ok((stream, _)) = secure.accept() => {
                        let _ = stream.set_nodelay(true);
                        let acceptor = acceptor.clone();
                        let bodies = Arc::clone(&bodies);
                        let counters = Arc::clone(&counters);
                        tokio::spawn(async move {
                            let io = Counted { inner: stream, counters: Arc::clone(&counters) };
                            if let Ok(tls) = acceptor.accept(io).await {
                                serve(tls, bodies, counters).await;
                            }
                        });
                    }
                }
            }
        });
    });
    server
}

/// One way of fetching: the transport, the encodings asked for.
#[derive(Clone, Copy)]
struct Config {
    name: &'static str,
    tls: bool,
    http2: bool,
    gzip: bool,
    brotli: bool,
    /// The encoding the server should answer with.
    expect: &'static str,
}

const CONFIGS: [Config; 7] = [
    Config {
        name: "http1",
        tls: false,
        http2: false,
        gzip: false,
        brotli: false,
        expect: "identity",
    },
    Config {
        name: "http1_gzip",
        tls: false,
        http2: false,
        gzip: true,
        brotli: false,
        expect: "gzip",
    },
    Config {
        name: "http1_br",
        tls: false,
        http2: false,
        gzip: false,
        brotli: true,
        expect: "br",
    },
    Config {
        name: "tls_http1",
        tls: true,
        http2: false,
        gzip: false,
        brotli: false,
        expect: "identity",
    },
    Config {
        name: "tls_http1_gzip",
        tls: true,
        http2: false,
        gzip: true,
        brotli: false,
        expect: "gzip",
    },
    Config {
        name: "tls_http2",
        tls: true,
        http2: true,
        gzip: false,
        brotli: false,
        expect: "identity",
    },
    Config {
        name: "tls_http2_gzip",
        tls: true,
        http2: true,
        gzip: true,
        brotli: false,
        expect: "gzip",
    },
];

fn client_for(config: Config, server: &Server) -> Client {
    let mut http = reqwest::Client::builder()
        .connect_timeout(polar_api::DEFAULT_CONNECT_TIMEOUT)
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .gzip(config.gzip)
        .brotli(config.brotli)
        .tls_certs_only([
            reqwest::Certificate::from_der(&server.certificate).expect("a certificate")
        ]);
    if !config.http2 {
        http = http.http1_only();
    }
    let base_url = if config.tls {
        format!("https://{}", server.tls)
    } else {
        format!("http://{}", server.plain)
    };
    Client::builder()
        .token(TOKEN)
        .base_url(base_url)
        .http_client(http.build().expect("a reqwest client"))
        .build()
        .expect("a polar client")
}

async fn page(client: &Client) -> ListResourceOrder {
    client
        .orders()
        .list()
        .limit(100)
        .send()
        .await
        .expect("orders:list")
}

/// The page as bytes, undecoded.
async fn raw_page(client: &Client) -> Bytes {
    let request = ApiRequest::new(reqwest::Method::GET, "orders:list", "/v1/orders/");
    client
        .__core()
        .send(request)
        .await
        .expect("orders:list")
        .body
}

/// `page` with every string value (not the keys) replaced by random
/// letters and digits of the same length; the same each run.
fn randomized(page: &[u8]) -> Vec<u8> {
    fn walk(value: &mut Value, state: &mut u64) {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        match value {
            Value::String(text) => {
                *text = (0..text.chars().count())
                    .map(|_| {
                        // xorshift64
                        *state ^= *state << 13;
                        *state ^= *state >> 7;
                        *state ^= *state << 17;
                        ALPHABET[(*state % ALPHABET.len() as u64) as usize] as char
                    })
                    .collect();
            }
            Value::Array(items) => items.iter_mut().for_each(|item| walk(item, state)),
            Value::Object(fields) => fields.values_mut().for_each(|field| walk(field, state)),
            _ => {}
        }
    }
    let mut value: Value = serde_json::from_slice(page).expect("JSON");
    walk(&mut value, &mut 0x9e37_79b9_7f4a_7c15);
    serde_json::to_vec(&value).expect("JSON")
}

fn describe(what: &str, bodies: &Bodies) {
    eprintln!(
        "{what}: {} bytes; gzip (level 6) {} bytes ({:.1} %); brotli (quality 5) {} bytes ({:.1} %)",
        bodies.identity.len(),
        bodies.gzip.len(),
        100.0 * bodies.gzip.len() as f64 / bodies.identity.len() as f64,
        bodies.brotli.len(),
        100.0 * bodies.brotli.len() as f64 / bodies.identity.len() as f64,
    );
}

/// Bytes on the wire per page, on a connection already open, and a check
/// of the encoding and protocol each configuration got.
fn bytes_per_page(
    runtime: &tokio::runtime::Runtime,
    server: &Server,
    clients: &[(Config, Client)],
) {
    const PAGES: u64 = 20;
    for (config, client) in clients {
        runtime.block_on(async {
            raw_page(client).await;
            // The server counts a write once it returns, which can be
            // after the client has read it: let the last one be counted.
            tokio::time::sleep(Duration::from_millis(50)).await;
            let counters = &server.counters;
            let read = counters.read.load(Ordering::Relaxed);
            let written = counters.written.load(Ordering::Relaxed);
            for _ in 0..PAGES {
                raw_page(client).await;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
            let read = counters.read.load(Ordering::Relaxed) - read;
            let written = counters.written.load(Ordering::Relaxed) - written;
            let (encoding, version) = counters.last.lock().expect("lock").clone();
            assert_eq!(encoding, config.expect, "{}", config.name);
            let want = if config.http2 { "HTTP/2.0" } else { "HTTP/1.1" };
            assert_eq!(version, want, "{}", config.name);
            eprintln!(
                "{:>15}: {version}, {encoding:>8}: {:>7} bytes down, {:>4} bytes up per page",
                config.name,
                written / PAGES,
                read / PAGES,
            );
        });
    }
}

fn wire(c: &mut Criterion) {
    let spec = polar_benches::spec();
    let orders = payloads::order_page(&spec);
    let expected: ListResourceOrder = decode_strict("orders", &orders);
    let random = randomized(&orders);
    let bodies = Bodies::new(&orders);
    let random_bodies = Bodies::new(&random);
    describe("the generated page of 100 orders", &bodies);
    describe("the same page, strings randomized", &random_bodies);
    let page_len = orders.len() as u64;
    let server = start_server(bodies);
    let random_server = start_server(random_bodies);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let clients: Vec<(Config, Client)> = CONFIGS
        .iter()
        .map(|config| (*config, client_for(*config, &server)))
        .collect();
    let random_clients: Vec<(Config, Client)> = CONFIGS
        .iter()
        .map(|config| (*config, client_for(*config, &random_server)))
        .collect();
    for (config, client) in &clients {
        runtime.block_on(async {
            assert!(
                page(client).await == expected,
                "{}: the page decodes",
                config.name
            );
        });
    }
    eprintln!("the generated page:");
    bytes_per_page(&runtime, &server, &clients);
    eprintln!("the randomized page:");
    bytes_per_page(&runtime, &random_server, &random_clients);

    let mut group = c.benchmark_group("wire/page");
    group.throughput(Throughput::Bytes(page_len));
    group.measurement_time(Duration::from_secs(6));
    for (config, client) in &clients {
        group.bench_function(config.name, |b| b.to_async(&runtime).iter(|| page(client)));
    }
    group.finish();

    let mut group = c.benchmark_group("wire/random_page");
    group.throughput(Throughput::Bytes(random.len() as u64));
    group.measurement_time(Duration::from_secs(6));
    for (config, client) in &random_clients {
        group.bench_function(config.name, |b| {
            b.to_async(&runtime).iter(|| raw_page(client))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("wire/page_x8");
    group.throughput(Throughput::Bytes(8 * page_len));
    group.measurement_time(Duration::from_secs(6));
    for (config, client) in clients.iter().filter(|(config, _)| config.tls) {
        group.bench_function(config.name, |b| {
            b.to_async(&runtime).iter(|| async {
                let pages: Vec<_> = (0..8).map(|_| page(client)).collect();
                futures_util::future::join_all(pages).await
            })
        });
    }
    group.finish();
}

criterion_group!(benches, wire);
criterion_main!(benches);
