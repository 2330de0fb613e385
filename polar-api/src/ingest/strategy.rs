//! Strategies: usage measured for you and recorded when it is known, in
//! the spirit of `@polar-sh/ingestion`'s, as small functions over an
//! [`Ingestor`].
//!
//! Each takes a *template*, the [`Event`] to record (its name, customer
//! and any metadata of yours), and fills in what it measured:
//!
//! * [`record_llm`]: one LLM call's tokens as typed `_llm` metadata, and
//!   its cost as `_cost` from an [`LlmPrice`];
//! * [`count_read`] / [`count_stream`]: the bytes read through an
//!   `AsyncRead` or a `Stream` of byte chunks (a download, an upload
//!   body), recorded when it ends;
//! * [`timed`]: how long a future took, recorded when it ends.
//!
//! The byte and time strategies record when they finish *or are dropped*
//! (a client that went away still used what was sent), through
//! [`Ingestor::record_detached`], so they never wait and never lose the
//! event silently: one that finds the queue full and too many others
//! already waiting comes back as a failure (`FailureReason::QueueFull`).

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use futures_core::Stream;
use tokio::io::{AsyncRead, ReadBuf};

use super::event::{Event, EventMetadataValue};
use super::failure::RecordError;
use super::handle::Ingestor;
use super::metadata::{LlmMetadata, LlmPrice};

/// Records `template` with `llm` as its `_llm` metadata and, with a
/// `price`, the cost computed from the tokens as `_cost`. Waits for room
/// in the queue like [`Ingestor::record`].
///
/// ```
/// use polar_api::ingest::{strategy, EventCustomer, Event, LlmMetadata, LlmPrice};
///
/// # async fn f(ingestor: polar_api::ingest::Ingestor) -> Result<(), polar_api::ingest::RecordError> {
/// // The usage numbers of a chat completion, as the provider returned them.
/// let (prompt_tokens, cached_tokens, completion_tokens) = (1_200, 1_024, 85);
/// let gpt_4o = LlmPrice::per_million_tokens(250.0, 1_000.0).cached_input(125.0);
/// strategy::record_llm(
///     &ingestor,
///     Event::new("chat.completion", EventCustomer::external("user_42")),
///     LlmMetadata::new("openai", "gpt-4o", prompt_tokens, completion_tokens)
///         .cached_input_tokens(cached_tokens),
///     Some(&gpt_4o),
/// )
/// .await?;
/// # Ok(()) }
/// ```
pub async fn record_llm(
    ingestor: &Ingestor,
    template: Event,
    llm: LlmMetadata,
    price: Option<&LlmPrice>,
) -> Result<(), RecordError> {
    let mut event = template;
    if let Some(price) = price {
        event = event.cost(llm.cost_at(price));
    }
    ingestor.record(event.llm(llm)).await
}

/// Records `template` once, with `key` set to a measured value, when
/// finished or dropped.
struct Meter {
    ingestor: Ingestor,
    template: Option<Event>,
    key: String,
}

impl Meter {
    fn new(ingestor: &Ingestor, template: Event, key: impl Into<String>) -> Self {
        Meter {
            ingestor: ingestor.clone(),
            template: Some(template),
            key: key.into(),
        }
    }

    fn finish(&mut self, value: impl Into<EventMetadataValue>) {
        if let Some(template) = self.template.take() {
            let key = std::mem::take(&mut self.key);
            self.ingestor.record_detached(template.metadata(key, value));
        }
    }
}

/// Bytes counted so far, recorded once when finished or dropped.
struct ByteMeter {
    bytes: u64,
    meter: Meter,
}

impl ByteMeter {
    fn new(ingestor: &Ingestor, template: Event, key: impl Into<String>) -> Self {
        ByteMeter {
            bytes: 0,
            meter: Meter::new(ingestor, template, key),
        }
    }

    fn add(&mut self, bytes: usize) {
        self.bytes += bytes as u64;
    }

    fn finish(&mut self) {
        self.meter.finish(self.bytes);
    }
}

impl Drop for ByteMeter {
    fn drop(&mut self) {
        self.finish();
    }
}

/// Wraps `reader` so that the number of bytes read through it is recorded
/// as metadata `key` of `template` when it reaches the end (or is dropped
/// before).
///
/// ```
/// use polar_api::ingest::{strategy, EventCustomer, Event};
/// use tokio::io::AsyncReadExt;
///
/// # async fn f(ingestor: polar_api::ingest::Ingestor) -> std::io::Result<()> {
/// let file: &[u8] = b"the bytes of a file being served";
/// let template = Event::new("download", EventCustomer::external("user_42")).metadata("file", "report.pdf");
/// let mut body = strategy::count_read(&ingestor, template, "bytes", file);
/// let mut sent = Vec::new();
/// body.read_to_end(&mut sent).await?; // at the end: recorded with "bytes": 32
/// # Ok(()) }
/// ```
pub fn count_read<R: AsyncRead + Unpin>(
    ingestor: &Ingestor,
    template: Event,
    key: impl Into<String>,
    reader: R,
) -> CountingReader<R> {
    CountingReader {
        inner: reader,
        count: ByteMeter::new(ingestor, template, key),
    }
}

/// An `AsyncRead` that counts its bytes: see [`count_read`].
pub struct CountingReader<R> {
    inner: R,
    count: ByteMeter,
}

impl<R> CountingReader<R> {
    /// The bytes read so far.
    pub fn bytes(&self) -> u64 {
        self.count.bytes
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for CountingReader<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let asked = buf.remaining() > 0;
        let poll = Pin::new(&mut this.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = poll {
            let read = buf.filled().len() - before;
            this.count.add(read);
            if read == 0 && asked {
                this.count.finish();
            }
        }
        poll
    }
}

/// Wraps a stream of byte chunks (`Result<B, E>` items, as HTTP bodies
/// stream them) so that the number of bytes that went through is recorded
/// as metadata `key` of `template` when it ends (or is dropped before).
///
/// ```
/// use polar_api::ingest::{strategy, EventCustomer, Event};
/// use futures_util::StreamExt;
///
/// # async fn f(ingestor: polar_api::ingest::Ingestor) {
/// let chunks = futures_util::stream::iter([Ok::<_, std::io::Error>(vec![0u8; 512]), Ok(vec![0u8; 512])]);
/// let template = Event::new("upload", EventCustomer::external("user_42"));
/// let mut upload = strategy::count_stream(&ingestor, template, "bytes", chunks);
/// while let Some(chunk) = upload.next().await {
///     // ... pass the chunk on (to S3, to the client) ...
/// }
/// // the stream ended: recorded with "bytes": 1024
/// # }
/// ```
pub fn count_stream<S>(
    ingestor: &Ingestor,
    template: Event,
    key: impl Into<String>,
    stream: S,
) -> CountingStream<S> {
    CountingStream {
        inner: stream,
        count: ByteMeter::new(ingestor, template, key),
    }
}

/// A byte stream that counts its bytes: see [`count_stream`].
pub struct CountingStream<S> {
    inner: S,
    count: ByteMeter,
}

impl<S> CountingStream<S> {
    /// The bytes through so far.
    pub fn bytes(&self) -> u64 {
        self.count.bytes
    }
}

impl<S, B, E> Stream for CountingStream<S>
where
    S: Stream<Item = Result<B, E>> + Unpin,
    B: AsRef<[u8]>,
{
    type Item = Result<B, E>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_next(cx);
        match &poll {
            Poll::Ready(Some(Ok(chunk))) => this.count.add(chunk.as_ref().len()),
            Poll::Ready(None) => this.count.finish(),
            _ => {}
        }
        poll
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

/// Runs `work` and records how long it took, in milliseconds (a number
/// with a fraction), as metadata `key` of `template`; also when `work` is
/// cancelled (the returned future dropped), with the time until then.
///
/// ```
/// use polar_api::ingest::{strategy, EventCustomer, Event};
///
/// # async fn f(ingestor: polar_api::ingest::Ingestor) {
/// let template = Event::new("render", EventCustomer::external("user_42")).metadata("format", "pdf");
/// let pages = strategy::timed(&ingestor, template, "duration_ms", async {
///     // ... the work being billed by the time it takes ...
///     12
/// })
/// .await;
/// assert_eq!(pages, 12);
/// # }
/// ```
pub async fn timed<F: Future>(
    ingestor: &Ingestor,
    template: Event,
    key: impl Into<String>,
    work: F,
) -> F::Output {
    let mut timer = Timer {
        started: Instant::now(),
        meter: Meter::new(ingestor, template, key),
    };
    let output = work.await;
    timer.finish();
    output
}

struct Timer {
    started: Instant,
    meter: Meter,
}

impl Timer {
    fn finish(&mut self) {
        let millis = self.started.elapsed().as_secs_f64() * 1000.0;
        self.meter.finish(millis);
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        self.finish();
    }
}
