//! A minimal HTTP/1.1 server on 127.0.0.1 for the client benchmark.
//!
//! It answers every request whose path starts with a route's prefix with
//! that route's body (`200`, `application/json`), anything else with `404`,
//! and keeps connections alive, so a benchmark measures the client, not
//! connection setup. Responses are encoded once, up front: serving one is a
//! header scan and one write. It runs on its own thread and runtime, and
//! stops when the [`MockServer`] is dropped.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

/// A running mock server.
pub struct MockServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

struct Routes {
    /// (path prefix, the whole encoded response).
    routes: Vec<(String, Vec<u8>)>,
    not_found: Vec<u8>,
}

impl Routes {
    fn response(&self, path: &str) -> &[u8] {
        self.routes
            .iter()
            .find(|(prefix, _)| path.starts_with(prefix.as_str()))
            .map_or(&self.not_found, |(_, response)| response)
    }
}

fn encode(status: &str, body: &[u8]) -> Vec<u8> {
    let mut response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(body);
    response
}

impl MockServer {
    /// Serves `routes` (path prefix → JSON body; the first matching prefix
    /// wins) on an ephemeral port of 127.0.0.1.
    pub fn start(routes: Vec<(String, Vec<u8>)>) -> io::Result<MockServer> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let routes = Arc::new(Routes {
            routes: routes
                .into_iter()
                .map(|(prefix, body)| (prefix, encode("200 OK", &body)))
                .collect(),
            not_found: encode("404 Not Found", br#"{"detail":"Not Found"}"#),
        });
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("mock-server".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let listener =
                        TcpListener::from_std(listener).expect("a tokio listener from std");
                    tokio::spawn(accept(listener, routes));
                    // Until `stop` is sent or dropped.
                    let _ = stopped.await;
                });
                // Dropping the runtime ends the accept loop and every
                // connection.
            })?;
        Ok(MockServer {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`, without a trailing `/`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn accept(listener: TcpListener, routes: Arc<Routes>) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                tokio::spawn(serve(stream, Arc::clone(&routes)));
            }
            // Out of file descriptors and the like: try again.
            Err(_) => tokio::task::yield_now().await,
        }
    }
}

/// Serves requests on one connection until the client closes it, sends
/// `Connection: close`, or sends something that is not HTTP/1.1.
async fn serve(mut stream: TcpStream, routes: Arc<Routes>) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buf: Vec<u8> = Vec::with_capacity(8 * 1024);
    loop {
        let head_len = loop {
            if let Some(end) = find(&buf, b"\r\n\r\n") {
                break end + 4;
            }
            if stream.read_buf(&mut buf).await? == 0 {
                return Ok(());
            }
        };
        let Some(head) = Head::parse(&buf[..head_len]) else {
            return Ok(());
        };
        // Skip any request body.
        while buf.len() < head_len + head.content_length {
            if stream.read_buf(&mut buf).await? == 0 {
                return Ok(());
            }
        }
        stream.write_all(routes.response(&head.path)).await?;
        buf.drain(..head_len + head.content_length);
        if head.close {
            return Ok(());
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// What the server reads of a request head.
struct Head {
    /// The path, without the query.
    path: String,
    content_length: usize,
    close: bool,
}

impl Head {
    fn parse(head: &[u8]) -> Option<Head> {
        let head = std::str::from_utf8(head).ok()?;
        let mut lines = head.split("\r\n");
        let mut request_line = lines.next()?.split(' ');
        let _method = request_line.next()?;
        let target = request_line.next()?;
        let path = target.split('?').next().unwrap_or(target).to_owned();
        let mut content_length = 0;
        let mut close = request_line.next()? != "HTTP/1.1";
        for line in lines {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                content_length = value.parse().ok()?;
            } else if name.eq_ignore_ascii_case("connection") {
                close = value.eq_ignore_ascii_case("close");
            }
        }
        Some(Head {
            path,
            content_length,
            close,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Write};

    /// Reads one response: (status line, body).
    fn read_response(reader: &mut impl BufRead) -> (String, Vec<u8>) {
        let mut status = String::new();
        reader.read_line(&mut status).unwrap();
        let mut length = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        (status.trim_end().to_owned(), body)
    }

    #[test]
    fn serves_routes_on_one_kept_alive_connection() {
        let server = MockServer::start(vec![("/v1/products/".into(), br#"{"a":1}"#.to_vec())])
            .expect("the server starts");
        assert!(server.addr().ip().is_loopback());
        let mut stream = std::net::TcpStream::connect(server.addr()).unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        for _ in 0..2 {
            stream
                .write_all(b"GET /v1/products/x?y=1 HTTP/1.1\r\nhost: a\r\n\r\n")
                .unwrap();
            let (status, body) = read_response(&mut reader);
            assert_eq!(status, "HTTP/1.1 200 OK");
            assert_eq!(body, br#"{"a":1}"#);
        }
        stream
            .write_all(b"POST /nope HTTP/1.1\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}")
            .unwrap();
        let (status, _) = read_response(&mut reader);
        assert_eq!(status, "HTTP/1.1 404 Not Found");
        drop(server);
    }
}
