//! Decoding of `date-time` properties.
//!
//! chrono's `Deserialize` for `DateTime<Utc>` parses through its general
//! format machinery, which was the largest single cost of decoding a page
//! of orders (every order carries several timestamps). Polar sends one
//! form, `2026-11-28T10:00:00.123456Z` (or with `+00:00`); that form is read
//! here digit by digit. Anything else, and anything this reader does not
//! accept, goes to chrono's own parser, so what decodes (and every error
//! message) is exactly what chrono's `Deserialize` gives.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeDelta, Utc};
use serde::de::{self, DeserializeSeed, Deserializer, Visitor};

/// Reads a `DateTime<Utc>` as chrono's `Deserialize` does, faster for the
/// common form.
#[derive(Clone, Copy)]
pub struct Timestamp;

impl<'de> DeserializeSeed<'de> for Timestamp {
    type Value = DateTime<Utc>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for Timestamp {
    type Value = DateTime<Utc>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an RFC 3339 formatted date and time string")
    }
    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        parse(value)
            .map_err(E::custom)
            .map(|dt| dt.with_timezone(&Utc))
    }
}

/// Like [`Timestamp`], for an `Option<DateTime<Utc>>` (`null` is `None`).
#[derive(Clone, Copy)]
pub struct OptionalTimestamp;

impl<'de> DeserializeSeed<'de> for OptionalTimestamp {
    type Value = Option<DateTime<Utc>>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for OptionalTimestamp {
    type Value = Option<DateTime<Utc>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an RFC 3339 formatted date and time string or null")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        Timestamp.deserialize(deserializer).map(Some)
    }
}

/// The common form read directly, everything else by chrono.
fn parse(text: &str) -> chrono::ParseResult<DateTime<FixedOffset>> {
    match common_form(text.as_bytes()) {
        Some(dt) => Ok(dt),
        None => text.parse(),
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|z|±HH:MM)`, the fraction 1 to 9
/// digits; `None` for anything else, and for values out of range (leap
/// seconds included), which chrono then judges.
fn common_form(b: &[u8]) -> Option<DateTime<FixedOffset>> {
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let year = digits(&b[0..4])?;
    let month = digits(&b[5..7])?;
    let day = digits(&b[8..10])?;
    let hour = digits(&b[11..13])?;
    let minute = digits(&b[14..16])?;
    let second = digits(&b[17..19])?;
    let mut rest = &b[19..];
    let mut nanos = 0;
    if let [b'.', fraction @ ..] = rest {
        let count = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if count == 0 || count > 9 {
            return None;
        }
        nanos = digits(&fraction[..count])? * 10u32.pow(9 - count as u32);
        rest = &fraction[count..];
    }
    let offset_seconds = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let hours = digits(&[*h1, *h2])?;
            let minutes = digits(&[*m1, *m2])?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            let seconds = (hours * 3600 + minutes * 60) as i32;
            if *sign == b'-' {
                -seconds
            } else {
                seconds
            }
        }
        _ => return None,
    };
    if second > 59 {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(year as i32, month, day)?;
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?;
    let offset = FixedOffset::east_opt(offset_seconds)?;
    let local = date.and_time(time);
    // Polar's timestamps are UTC: no offset to take away.
    let utc = if offset_seconds == 0 {
        local
    } else {
        local.checked_sub_signed(TimeDelta::seconds(i64::from(offset_seconds)))?
    };
    Some(DateTime::from_naive_utc_and_offset(utc, offset))
}

fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |n, c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What chrono's own `Deserialize` gives (value or error message).
    fn chrono_reads(text: &str) -> Result<DateTime<Utc>, String> {
        serde_json::from_value::<DateTime<Utc>>(serde_json::Value::String(text.to_owned()))
            .map_err(|e| e.to_string())
    }

    fn we_read(text: &str) -> Result<DateTime<Utc>, String> {
        Timestamp
            .deserialize(serde_json::Value::String(text.to_owned()))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn agrees_with_chrono_on_every_form_and_edge() {
        let mut cases = vec![
            "2026-11-28T10:00:00Z",
            "2026-11-28T10:00:00.1Z",
            "2026-11-28T10:00:00.123456Z",
            "2026-11-28T10:00:00.123456789Z",
            "2026-11-28T10:00:00.1234567891Z",
            "2026-11-28T10:00:00z",
            "2026-11-28T10:00:00+00:00",
            "2026-11-28T10:00:00.5-07:30",
            "2026-11-28T23:59:59+14:00",
            "2026-01-01T00:30:00+01:00",
            "0001-01-01T00:00:00+01:00",
            "9999-12-31T23:59:59-01:00",
            "2024-02-29T12:00:00Z",
            "2025-02-29T12:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-00-10T00:00:00Z",
            "2026-11-31T00:00:00Z",
            "2026-11-28T24:00:00Z",
            "2026-11-28T10:60:00Z",
            "2026-11-28T23:59:60Z",
            "2026-11-28T23:59:60.5Z",
            "2026-11-28T10:00:00+24:00",
            "2026-11-28T10:00:00+01:60",
            "2026-11-28T10:00:00+0100",
            "2026-11-28T10:00:00.Z",
            "2026-11-28 10:00:00Z",
            "2026-11-28t10:00:00Z",
            "2026-11-28T10:00:00",
            "2026-11-28T10:00Z",
            "2026-11-28",
            "+12026-11-28T10:00:00Z",
            "2026-1a-28T10:00:00Z",
            "2026-11-28T10:00:00ZZ",
            "２026-11-28T10:00:00Z",
            "",
        ];
        // Every one-character change of a common value.
        let base = "2026-11-28T10:00:00.123+02:00";
        let mut variants = Vec::new();
        for (i, _) in base.char_indices() {
            for replacement in ['0', '9', '-', ':', 'T', 'Z', '+', '.', ' '] {
                let mut text = base.to_owned();
                text.replace_range(i..i + 1, &replacement.to_string());
                variants.push(text);
            }
        }
        cases.extend(variants.iter().map(String::as_str));
        for text in cases {
            assert_eq!(we_read(text), chrono_reads(text), "{text:?}");
        }
    }

    #[test]
    fn the_optional_form_reads_null_as_none() {
        let none = OptionalTimestamp
            .deserialize(serde_json::Value::Null)
            .unwrap();
        assert_eq!(none, None);
        let some = OptionalTimestamp
            .deserialize(serde_json::Value::String("2026-11-28T10:00:00Z".into()))
            .unwrap();
        assert_eq!(some, Some(chrono_reads("2026-11-28T10:00:00Z").unwrap()));
    }
}
