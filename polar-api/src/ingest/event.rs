//! [`Event`]: one usage event, in the version-neutral shape every API
//! version's `POST /v1/events/ingest` accepts.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Utc};
use serde::ser::{Serialize, SerializeMap, Serializer};
use uuid::Uuid;

use super::metadata::{CostMetadata, LlmMetadata};

/// Whose usage an event is: a Polar customer id, or your own id for the
/// customer (`external_customer_id`, which Polar matches to the customer
/// created with it).
///
/// Named apart from the models' `Customer` (and [`EventMetadataValue`]
/// from their `MetadataValue`), so both import side by side:
///
/// ```
/// # #[cfg(all(feature = "v2026-10", feature = "full"))] {
/// use polar_api::ingest::{Event, EventCustomer, EventMetadataValue};
/// use polar_api::v2026_10::models::{Customer, CustomerSession, MetadataValue};
/// use polar_api::CustomerSessionToken;
///
/// let event = Event::new("api.call", EventCustomer::external("user_42"));
/// let value: EventMetadataValue = 7.into();
/// # let _ = (event, value, None::<Customer>, None::<MetadataValue>, None::<CustomerSession>);
/// # let _: Option<polar_api::v2026_10::CustomerPortalClient<CustomerSessionToken>> = None;
/// // The old names still compile, with a deprecation warning, for one release.
/// #[allow(deprecated)]
/// let _: polar_api::ingest::Customer = EventCustomer::external("user_42");
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum EventCustomer {
    /// The customer's id in Polar (`customer_id`).
    Id(Uuid),
    /// Your id for the customer (`external_customer_id`).
    External(String),
}

impl EventCustomer {
    /// A customer by its Polar id.
    pub fn id(id: Uuid) -> Self {
        EventCustomer::Id(id)
    }

    /// A customer by your own id for it.
    pub fn external(id: impl Into<String>) -> Self {
        EventCustomer::External(id.into())
    }
}

impl From<Uuid> for EventCustomer {
    fn from(id: Uuid) -> Self {
        EventCustomer::Id(id)
    }
}

/// A plain metadata value: what the API accepts besides the typed `_llm`
/// and `_cost` entries (a string of 1 to 500 characters, an integer, a
/// number or a boolean).
#[derive(Clone, Debug, PartialEq)]
pub enum EventMetadataValue {
    /// A string.
    String(String),
    /// An integer.
    Integer(i64),
    /// A floating-point number (a non-finite one is sent as `null`, which
    /// the server refuses).
    Number(f64),
    /// A boolean.
    Boolean(bool),
}

impl Serialize for EventMetadataValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            EventMetadataValue::String(value) => serializer.serialize_str(value),
            EventMetadataValue::Integer(value) => serializer.serialize_i64(*value),
            EventMetadataValue::Number(value) => serializer.serialize_f64(*value),
            EventMetadataValue::Boolean(value) => serializer.serialize_bool(*value),
        }
    }
}

macro_rules! metadata_from {
    ($($ty:ty => $variant:ident as $as:ty),* $(,)?) => {$(
        impl From<$ty> for EventMetadataValue {
            fn from(value: $ty) -> Self {
                EventMetadataValue::$variant(<$as>::from(value))
            }
        }
    )*};
}

metadata_from! {
    &str => String as String,
    String => String as String,
    i64 => Integer as i64,
    i32 => Integer as i64,
    i16 => Integer as i64,
    i8 => Integer as i64,
    u32 => Integer as i64,
    u16 => Integer as i64,
    u8 => Integer as i64,
    f64 => Number as f64,
    f32 => Number as f64,
    bool => Boolean as bool,
}

impl From<u64> for EventMetadataValue {
    /// An integer; one above `i64::MAX` (which JSON integers in Polar cannot
    /// hold) becomes a number.
    fn from(value: u64) -> Self {
        match i64::try_from(value) {
            Ok(value) => EventMetadataValue::Integer(value),
            Err(_) => EventMetadataValue::Number(value as f64),
        }
    }
}

impl From<usize> for EventMetadataValue {
    fn from(value: usize) -> Self {
        EventMetadataValue::from(value as u64)
    }
}

/// One usage event for [`Ingestor::record`](super::Ingestor::record): a
/// name (what a meter's filter matches), whose usage it is, and metadata
/// (what a meter sums, counts or filters on).
///
/// It is the same for every API version: it serializes to one element of
/// the `events` list of `POST /v1/events/ingest` (an
/// `EventCreateCustomer` or `EventCreateExternalCustomer`).
///
/// ```
/// use polar_api::ingest::{CostMetadata, EventCustomer, Event, LlmMetadata};
///
/// let event = Event::new("llm.completion", EventCustomer::external("user_42"))
///     .external_id("req-7f3a")
///     .metadata("endpoint", "/v1/chat")
///     .metadata("streamed", true)
///     .llm(LlmMetadata::new("openai", "gpt-4o", 1200, 300).cached_input_tokens(1000))
///     .cost(CostMetadata::usd_cents(0.42));
/// let json = serde_json::to_value(&event)?;
/// assert_eq!(json["external_customer_id"], "user_42");
/// assert_eq!(json["metadata"]["_llm"]["total_tokens"], 1500);
/// assert_eq!(json["metadata"]["_cost"]["currency"], "usd");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub(crate) name: String,
    pub(crate) customer: EventCustomer,
    pub(crate) external_id: Option<String>,
    pub(crate) timestamp: Option<DateTime<Utc>>,
    pub(crate) metadata: BTreeMap<String, EventMetadataValue>,
    /// What most events do not have, boxed to keep an `Event` small (it
    /// travels by value through the queue and in `RecordError`).
    pub(crate) extra: Option<Box<Extra>>,
}

/// The less common fields of an [`Event`].
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Extra {
    pub(crate) organization_id: Option<Uuid>,
    pub(crate) parent_id: Option<String>,
    pub(crate) member_id: Option<Uuid>,
    pub(crate) external_member_id: Option<String>,
    pub(crate) llm: Option<LlmMetadata>,
    pub(crate) cost: Option<CostMetadata>,
}

impl Event {
    /// An event named `name` (at most 128 characters) for `customer`.
    pub fn new(name: impl Into<String>, customer: impl Into<EventCustomer>) -> Self {
        Event {
            name: name.into(),
            customer: customer.into(),
            external_id: None,
            timestamp: None,
            metadata: BTreeMap::new(),
            extra: None,
        }
    }

    fn extra_mut(&mut self) -> &mut Extra {
        self.extra.get_or_insert_with(Box::default)
    }

    fn extra(&self) -> Option<&Extra> {
        self.extra.as_deref()
    }

    /// Your unique id for this event. The server skips an event whose
    /// `external_id` it has already stored, which is what makes resending a
    /// batch safe. Without one, [`Ingestor::record`](super::Ingestor::record)
    /// gives the event a fresh UUID (version 7).
    #[must_use]
    pub fn external_id(mut self, id: impl Into<String>) -> Self {
        self.external_id = Some(id.into());
        self
    }

    /// When the usage happened. Without one, the ingestor stamps the event
    /// with the time it was recorded (not the later time it is sent).
    #[must_use]
    pub fn timestamp(mut self, timestamp: DateTime<Utc>) -> Self {
        self.timestamp = Some(timestamp);
        self
    }

    /// The organization owning the event; needed only with a personal
    /// access token (an organization token implies it).
    #[must_use]
    pub fn organization_id(mut self, id: Uuid) -> Self {
        self.extra_mut().organization_id = Some(id);
        self
    }

    /// The parent event: a Polar event id or the `external_id` of another
    /// event.
    #[must_use]
    pub fn parent_id(mut self, id: impl Into<String>) -> Self {
        self.extra_mut().parent_id = Some(id.into());
        self
    }

    /// The member of the customer's organization who used it (B2B), by
    /// Polar member id: for an event of a [`EventCustomer::Id`].
    #[must_use]
    pub fn member_id(mut self, id: Uuid) -> Self {
        self.extra_mut().member_id = Some(id);
        self
    }

    /// The member of the customer's organization who used it (B2B), by
    /// your id for the member: for an event of a [`EventCustomer::External`].
    #[must_use]
    pub fn external_member_id(mut self, id: impl Into<String>) -> Self {
        self.extra_mut().external_member_id = Some(id.into());
        self
    }

    /// Sets a metadata entry (keys of at most 40 characters, at most 50
    /// entries). Use [`llm`](Self::llm) and [`cost`](Self::cost) for the
    /// reserved keys `_llm` and `_cost`: a typed entry set there replaces a
    /// plain one of the same key.
    #[must_use]
    pub fn metadata(
        mut self,
        key: impl Into<String>,
        value: impl Into<EventMetadataValue>,
    ) -> Self {
        self.metadata.insert(key.into(), value.into());
        self
    }

    /// The `_llm` metadata: model and token counts of an LLM call.
    #[must_use]
    pub fn llm(mut self, llm: LlmMetadata) -> Self {
        self.extra_mut().llm = Some(llm);
        self
    }

    /// The `_cost` metadata: what the usage cost you.
    #[must_use]
    pub fn cost(mut self, cost: CostMetadata) -> Self {
        self.extra_mut().cost = Some(cost);
        self
    }

    /// The event's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whose usage it is.
    pub fn customer(&self) -> &EventCustomer {
        &self.customer
    }

    /// Its `external_id`: yours, or the one the ingestor gave it.
    pub fn get_external_id(&self) -> Option<&str> {
        self.external_id.as_deref()
    }

    /// When the usage happened: yours, or the time it was recorded.
    pub fn get_timestamp(&self) -> Option<DateTime<Utc>> {
        self.timestamp
    }

    /// The plain metadata entries.
    pub fn get_metadata(&self) -> &BTreeMap<String, EventMetadataValue> {
        &self.metadata
    }

    /// The `_llm` metadata, if set.
    pub fn get_llm(&self) -> Option<&LlmMetadata> {
        self.extra().and_then(|extra| extra.llm.as_ref())
    }

    /// The `_cost` metadata, if set.
    pub fn get_cost(&self) -> Option<&CostMetadata> {
        self.extra().and_then(|extra| extra.cost.as_ref())
    }

    /// What `record` fills in: an `external_id` (UUID v7 from `now`) and
    /// the timestamp, where the event has none.
    pub(crate) fn prepare(&mut self, now: SystemTime) {
        if self.external_id.is_none() {
            self.external_id = Some(new_external_id(now));
        }
        if self.timestamp.is_none() {
            self.timestamp = Some(DateTime::<Utc>::from(now));
        }
    }

    fn has_metadata(&self) -> bool {
        !self.metadata.is_empty() || self.get_llm().is_some() || self.get_cost().is_some()
    }
}

/// A fresh version 7 UUID: the Unix time in milliseconds, then 74 random
/// bits. Time-ordered (ids sort by the time they were recorded, and a
/// server's index on them grows at one end), and still unique: two events
/// of the same millisecond collide with probability 2^-74. The random
/// bits come from `fastrand` (per thread, seeded from the process's random
/// state): an id only needs to be unique, not unguessable, and this keeps
/// `record` free of system calls.
pub(crate) fn new_external_id(now: SystemTime) -> String {
    let millis = now
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    let mut random = [0u8; 10];
    fastrand::fill(&mut random);
    let id = uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid();
    let mut text = Uuid::encode_buffer();
    id.hyphenated().encode_lower(&mut text).to_owned()
}

impl Serialize for Event {
    /// The wire shape of one element of `events` in `POST /v1/events/ingest`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("name", &self.name)?;
        match &self.customer {
            EventCustomer::Id(id) => map.serialize_entry("customer_id", id)?,
            EventCustomer::External(id) => map.serialize_entry("external_customer_id", id)?,
        }
        if let Some(id) = &self.external_id {
            map.serialize_entry("external_id", id)?;
        }
        if let Some(timestamp) = &self.timestamp {
            map.serialize_entry("timestamp", timestamp)?;
        }
        if let Some(extra) = self.extra() {
            if let Some(id) = &extra.organization_id {
                map.serialize_entry("organization_id", id)?;
            }
            if let Some(id) = &extra.parent_id {
                map.serialize_entry("parent_id", id)?;
            }
            if let Some(id) = &extra.member_id {
                map.serialize_entry("member_id", id)?;
            }
            if let Some(id) = &extra.external_member_id {
                map.serialize_entry("external_member_id", id)?;
            }
        }
        if self.has_metadata() {
            map.serialize_entry("metadata", &WireMetadata(self))?;
        }
        map.end()
    }
}

/// `metadata`: the typed entries, then the plain ones (a plain entry under
/// a key a typed entry takes is left out).
struct WireMetadata<'a>(&'a Event);

impl Serialize for WireMetadata<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let event = self.0;
        let mut map = serializer.serialize_map(None)?;
        let (llm, cost) = (event.get_llm(), event.get_cost());
        if let Some(llm) = llm {
            map.serialize_entry("_llm", llm)?;
        }
        if let Some(cost) = cost {
            map.serialize_entry("_cost", cost)?;
        }
        for (key, value) in &event.metadata {
            let taken = (key == "_llm" && llm.is_some()) || (key == "_cost" && cost.is_some());
            if !taken {
                map.serialize_entry(key, value)?;
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn minimal_events_have_only_the_required_fields() {
        let id: Uuid = "992fae2a-2a17-4b7a-8d9e-e287cf90131b".parse().unwrap();
        assert_eq!(
            serde_json::to_value(Event::new("api.call", id)).unwrap(),
            json!({"name": "api.call", "customer_id": "992fae2a-2a17-4b7a-8d9e-e287cf90131b"})
        );
        assert_eq!(
            serde_json::to_value(Event::new("api.call", EventCustomer::external("u1"))).unwrap(),
            json!({"name": "api.call", "external_customer_id": "u1"})
        );
    }

    #[test]
    fn typed_metadata_replaces_plain_entries_of_its_key() {
        let event = Event::new("x", EventCustomer::external("u"))
            .metadata("_cost", "plain")
            .metadata("_llm", 1)
            .metadata("bytes", 10u64)
            .cost(CostMetadata::usd_cents(2.5));
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(
            json["metadata"],
            json!({"_cost": {"amount": 2.5, "currency": "usd"}, "_llm": 1, "bytes": 10})
        );
    }

    #[test]
    fn prepare_fills_a_v7_id_and_the_time_only_when_missing() {
        let now = UNIX_EPOCH + std::time::Duration::from_millis(1_790_000_000_123);
        let mut event = Event::new("x", EventCustomer::external("u"));
        event.prepare(now);
        let id: Uuid = event.get_external_id().unwrap().parse().unwrap();
        assert_eq!(id.get_version_num(), 7);
        let (secs, nanos) = id.get_timestamp().unwrap().to_unix();
        assert_eq!((secs, nanos / 1_000_000), (1_790_000_000, 123));
        assert_eq!(event.get_timestamp(), Some(DateTime::<Utc>::from(now)));

        let mut kept = Event::new("x", EventCustomer::external("u")).external_id("mine");
        kept.prepare(now);
        assert_eq!(kept.get_external_id(), Some("mine"));
        assert_ne!(new_external_id(now), new_external_id(now));
    }

    #[test]
    fn an_event_stays_small() {
        // It is moved through the queue and returned in `RecordError`.
        assert!(
            std::mem::size_of::<Event>() <= 128,
            "{}",
            std::mem::size_of::<Event>()
        );
    }

    #[test]
    fn integers_beyond_i64_become_numbers() {
        assert_eq!(
            EventMetadataValue::from(7u64),
            EventMetadataValue::Integer(7)
        );
        assert!(matches!(
            EventMetadataValue::from(u64::MAX),
            EventMetadataValue::Number(_)
        ));
    }
}
