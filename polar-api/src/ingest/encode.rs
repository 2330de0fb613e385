//! Request bodies: `{"events":[...]}` for a run of events, split where a
//! body would pass the byte limit, and re-assembled for part of a batch
//! (after a `422`) without serializing again.

use std::ops::Range;

use bytes::Bytes;

use super::event::Event;

const PREFIX: &[u8] = br#"{"events":["#;
const SUFFIX: &[u8] = b"]}";

/// A request body and where each of its events is in it.
#[derive(Clone, Debug)]
pub(crate) struct Body {
    pub(crate) bytes: Bytes,
    spans: Vec<Range<usize>>,
}

impl Body {
    /// The number of events in the body.
    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }

    /// The body of the events at `indices` (in that order) of this one.
    pub(crate) fn subset(&self, indices: &[usize]) -> Body {
        let size: usize = indices.iter().map(|&i| self.spans[i].len() + 1).sum();
        let mut out = Vec::with_capacity(PREFIX.len() + size + SUFFIX.len());
        out.extend_from_slice(PREFIX);
        let mut spans = Vec::with_capacity(indices.len());
        for (n, &i) in indices.iter().enumerate() {
            if n > 0 {
                out.push(b',');
            }
            let start = out.len();
            out.extend_from_slice(&self.bytes[self.spans[i].clone()]);
            spans.push(start..out.len());
        }
        out.extend_from_slice(SUFFIX);
        Body {
            bytes: out.into(),
            spans,
        }
    }
}

/// Encodes `events` into bodies of at most `max_bytes` (a single event
/// larger than that gets a body of its own). Returns each body with the
/// number of events it holds, in order.
pub(crate) fn encode(events: &[Event], max_bytes: usize) -> Vec<(usize, Body)> {
    let mut bodies = Vec::new();
    let mut buf = Vec::with_capacity(PREFIX.len() + events.len() * 256);
    let mut spans: Vec<Range<usize>> = Vec::with_capacity(events.len());
    buf.extend_from_slice(PREFIX);
    for event in events {
        let separator = buf.len();
        if !spans.is_empty() {
            buf.push(b',');
        }
        let start = buf.len();
        // Serializing into a `Vec` fails only for maps with non-string
        // keys, which an `Event` cannot hold.
        if serde_json::to_writer(&mut buf, event).is_err() {
            buf.truncate(separator);
            buf.extend_from_slice(b"null");
        }
        if buf.len() + SUFFIX.len() > max_bytes && !spans.is_empty() {
            // Move this event into the next body.
            let tail = buf.split_off(start);
            buf.truncate(separator);
            buf.extend_from_slice(SUFFIX);
            let capacity = buf.capacity();
            let full = std::mem::replace(&mut buf, Vec::with_capacity(capacity));
            bodies.push((
                spans.len(),
                Body {
                    bytes: full.into(),
                    spans: std::mem::take(&mut spans),
                },
            ));
            buf.extend_from_slice(PREFIX);
            let start = buf.len();
            buf.extend_from_slice(&tail);
            spans.push(start..buf.len());
        } else {
            spans.push(start..buf.len());
        }
    }
    if !spans.is_empty() {
        buf.extend_from_slice(SUFFIX);
        bodies.push((
            spans.len(),
            Body {
                bytes: buf.into(),
                spans,
            },
        ));
    }
    bodies
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::EventCustomer;

    fn events(n: usize) -> Vec<Event> {
        (0..n)
            .map(|i| {
                Event::new("e", EventCustomer::external(format!("c{i}")))
                    .external_id(format!("id{i}"))
            })
            .collect()
    }

    fn ids(body: &Body) -> Vec<String> {
        let json: serde_json::Value = serde_json::from_slice(&body.bytes).unwrap();
        json["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["external_id"].as_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn one_body_when_it_fits() {
        let bodies = encode(&events(3), 1 << 20);
        assert_eq!(bodies.len(), 1);
        assert_eq!(bodies[0].0, 3);
        assert_eq!(ids(&bodies[0].1), ["id0", "id1", "id2"]);
    }

    #[test]
    fn split_at_the_byte_limit_and_nothing_lost() {
        let one = serde_json::to_vec(&events(1)[0]).unwrap().len();
        // Room for two events per body.
        let max = PREFIX.len() + 2 * one + 1 + SUFFIX.len();
        let bodies = encode(&events(5), max);
        assert_eq!(bodies.iter().map(|b| b.0).collect::<Vec<_>>(), [2, 2, 1]);
        let all: Vec<String> = bodies.iter().flat_map(|(_, b)| ids(b)).collect();
        assert_eq!(all, ["id0", "id1", "id2", "id3", "id4"]);
        for (_, body) in &bodies {
            assert!(body.bytes.len() <= max);
        }
        // An event larger than the limit still goes, alone.
        let alone = encode(&events(2), 10);
        assert_eq!(alone.iter().map(|b| b.0).collect::<Vec<_>>(), [1, 1]);
    }

    #[test]
    fn subsets_reuse_the_encoded_events() {
        let (_, body) = encode(&events(4), 1 << 20).remove(0);
        let part = body.subset(&[3, 1]);
        assert_eq!(ids(&part), ["id3", "id1"]);
        assert_eq!(ids(&part.subset(&[1])), ["id1"]);
    }
}
