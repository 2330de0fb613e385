//! The body of the mock's responses: all of it, or (for
//! [`Fault::CloseMidResponse`](super::Fault::CloseMidResponse)) a part and
//! then an error, on which hyper closes the connection.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};

pub(crate) enum MockBody {
    /// The whole body, sent as one frame.
    Full(Option<Bytes>),
    /// This part of the body, then a broken connection.
    Broken(Option<Bytes>),
}

impl MockBody {
    pub(crate) fn full(bytes: impl Into<Bytes>) -> MockBody {
        let bytes = bytes.into();
        MockBody::Full((!bytes.is_empty()).then_some(bytes))
    }
}

impl Body for MockBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        Poll::Ready(match self.get_mut() {
            MockBody::Full(bytes) => bytes.take().map(|b| Ok(Frame::data(b))),
            MockBody::Broken(bytes) => match bytes.take() {
                Some(part) => Some(Ok(Frame::data(part))),
                None => Some(Err(io::Error::new(
                    io::ErrorKind::ConnectionAborted,
                    "the mock closes the connection mid-response (an injected fault)",
                ))),
            },
        })
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, MockBody::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            MockBody::Full(bytes) => {
                SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64))
            }
            MockBody::Broken(_) => SizeHint::default(),
        }
    }
}
