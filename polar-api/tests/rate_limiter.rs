//! One client-side rate limiter shared by a client and the ingestor built
//! from it: together they never start more requests per window than it
//! allows, as counted by a server on 127.0.0.1.
//!
//! On tokio's paused clock: the server runs on the test's runtime, so that
//! the arrival times it records are on the clock the limiter reads, and a
//! minute's window takes no time. (Time jumps only when every task waits,
//! and loopback I/O is ready at once, so a request in transfer does not
//! let the clock jump under it.)

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::send_json;
use polar_api::__private::Request;
use polar_api::ingest::{Event, EventCustomer};
use polar_api::reqwest::Method;
use polar_api::v2026_10::Client;
use polar_api::{Error, RateLimiter, TimeoutLimit};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

/// What the server saw: each request's path and arrival time.
type Arrivals = Arc<Mutex<Vec<(String, Instant)>>>;

/// A keep-alive HTTP/1.1 server on 127.0.0.1 that answers every request
/// 200: `{"inserted": <events>, "duplicates": 0}` for an ingest, `{}` for
/// anything else (or 429 with `Retry-After` for paths under `/v1/busy`).
async fn counting_server() -> (String, Arrivals) {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let arrivals: Arrivals = Arc::default();
    let seen = Arc::clone(&arrivals);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve(stream, Arc::clone(&seen)));
        }
    });
    (url, arrivals)
}

async fn serve(mut stream: TcpStream, arrivals: Arrivals) -> std::io::Result<()> {
    let mut buf = Vec::new();
    loop {
        let head_end = loop {
            if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break end + 4;
            }
            if stream.read_buf(&mut buf).await? == 0 {
                return Ok(());
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
        let path = head.split(' ').nth(1).unwrap_or("").to_owned();
        let length: usize = head
            .lines()
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse().ok())?
            })
            .unwrap_or(0);
        while buf.len() < head_end + length {
            if stream.read_buf(&mut buf).await? == 0 {
                return Ok(());
            }
        }
        arrivals
            .lock()
            .unwrap()
            .push((path.clone(), Instant::now()));
        let body: Vec<u8> = buf.drain(..head_end + length).skip(head_end).collect();
        let (status, extra, answer) = if path.starts_with("/v1/events/ingest") {
            let events = serde_json::from_slice::<Value>(&body).unwrap()["events"]
                .as_array()
                .map_or(0, Vec::len);
            (
                "200 OK",
                "",
                format!(r#"{{"inserted":{events},"duplicates":0}}"#),
            )
        } else if path.starts_with("/v1/busy") {
            (
                "429 Too Many Requests",
                "retry-after: 30\r\n",
                "{}".to_owned(),
            )
        } else {
            ("200 OK", "", "{}".to_owned())
        };
        let response = format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\n{extra}content-length: {}\r\n\r\n{answer}",
            answer.len()
        );
        stream.write_all(response.as_bytes()).await?;
    }
}

fn client(url: &str, limiter: &RateLimiter) -> Client {
    Client::builder()
        .token(common::TOKEN)
        .base_url(url)
        .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
        // No timer but the limiter's: the paused clock jumps to timers.
        .no_timeout()
        .no_retries()
        .rate_limiter(limiter.clone())
        .build()
        .unwrap()
}

fn get(path: &'static str) -> Request {
    Request::new(Method::GET, "products:list", path)
}

/// The most arrivals within any `window` (a window starting at each one).
fn most_in_any_window(times: &[Instant], window: Duration) -> usize {
    let mut times = times.to_vec();
    times.sort();
    (0..times.len())
        .map(|i| {
            times[i..]
                .iter()
                .take_while(|t| **t - times[i] < window)
                .count()
        })
        .max()
        .unwrap_or(0)
}

#[tokio::test(start_paused = true)]
async fn a_client_and_its_ingestor_sharing_a_limiter_never_exceed_it() {
    let window = Duration::from_secs(60);
    let limit = 5;
    let limiter = RateLimiter::new(limit, window);
    let (url, arrivals) = counting_server().await;
    let client = client(&url, &limiter);
    let started = Instant::now();

    // The ingestor sends 20 requests of 2 events, two at a time.
    let ingestor = client
        .ingestor()
        .max_batch_size(2)
        .max_in_flight(2)
        .max_delay(Duration::from_millis(1))
        .start()
        .unwrap();
    for i in 0..40 {
        ingestor
            .record(Event::new("call", EventCustomer::external("c")).external_id(format!("e{i}")))
            .await
            .unwrap();
    }
    // Meanwhile the client makes 12 calls of its own, from two tasks.
    let calls: Vec<_> = (0..2)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                for _ in 0..6 {
                    send_json::<Value>(&client, get("/v1/products/"))
                        .await
                        .unwrap();
                }
            })
        })
        .collect();
    for call in calls {
        call.await.unwrap();
    }
    let report = ingestor.shutdown_within(Duration::from_secs(3600)).await;
    assert!(report.is_complete(), "{report:?}");

    let arrivals = arrivals.lock().unwrap();
    let ingests = arrivals
        .iter()
        .filter(|(path, _)| path.starts_with("/v1/events/ingest"))
        .count();
    assert_eq!((ingests, arrivals.len() - ingests), (20, 12));
    let times: Vec<Instant> = arrivals.iter().map(|(_, at)| *at).collect();
    assert_eq!(most_in_any_window(&times, window), limit as usize);
    // 32 requests at 5 a minute: the last starts in the seventh minute.
    let last = *times.iter().max().unwrap() - started;
    assert!(
        last >= Duration::from_secs(6 * 60) && last < Duration::from_secs(7 * 60),
        "{last:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_429_holds_every_request_sharing_the_limiter() {
    let limiter = RateLimiter::per_minute(1000);
    let (url, arrivals) = counting_server().await;
    let first = client(&url, &limiter);
    let second = client(&url, &limiter);
    let started = Instant::now();
    let err = send_json::<Value>(&first, get("/v1/busy/"))
        .await
        .unwrap_err();
    assert!(err.is_rate_limited(), "{err:?}");
    // Another client given the same limiter waits out the Retry-After.
    send_json::<Value>(&second, get("/v1/products/"))
        .await
        .unwrap();
    let arrivals = arrivals.lock().unwrap();
    assert_eq!(arrivals.len(), 2);
    assert_eq!(arrivals[1].1 - started, Duration::from_secs(30));
}

#[tokio::test(start_paused = true)]
async fn waiting_for_a_slot_ends_at_the_deadline() {
    let limiter = RateLimiter::new(1, Duration::from_secs(60));
    let (url, arrivals) = counting_server().await;
    let client = Client::builder()
        .token(common::TOKEN)
        .base_url(&url)
        .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
        .no_timeout()
        .deadline(Duration::from_secs(10))
        .rate_limiter(limiter)
        .build()
        .unwrap();
    send_json::<Value>(&client, get("/v1/products/"))
        .await
        .unwrap();
    let started = Instant::now();
    let err = send_json::<Value>(&client, get("/v1/products/"))
        .await
        .unwrap_err();
    match err {
        Error::Timeout {
            limit: TimeoutLimit::Deadline(deadline),
            sent: false,
            ..
        } => assert_eq!(deadline, Duration::from_secs(10)),
        other => panic!("a deadline timeout: {other:?}"),
    }
    assert_eq!(started.elapsed(), Duration::from_secs(10));
    assert_eq!(arrivals.lock().unwrap().len(), 1);
}
