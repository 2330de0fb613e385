//! Numbers decode to the nearest `f64` and survive a round trip: decoding
//! a number literal gives what Rust's (correctly rounded) parser gives, and
//! `decode(encode(decode(x)))` encodes to the same text as `decode(x)`.
//! Found by fuzzing (issue 31): serde_json's default parser is not
//! correctly rounded, so a long literal decoded, encoded and decoded again
//! moved by one unit in the last place.
//!
//! The literals are generated, not sampled from a fixed list: integers of
//! 1 to 400 digits, decimals of 1 to 30 significant digits with exponents
//! from -330 to 330, and the shortest text of random `f64`s.

use polar_models::v2026_10::{MetadataValue, StringOrIntegerOrNumberOrBoolean};
use serde_json::Value;

/// A small deterministic generator (xorshift), so a failure names its case.
struct Numbers(u64);

impl Numbers {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn digits(&mut self, count: u64) -> String {
        let mut text = String::new();
        text.push(char::from(b'1' + self.below(9) as u8));
        for _ in 1..count {
            text.push(char::from(b'0' + self.below(10) as u8));
        }
        text
    }

    fn literal(&mut self) -> String {
        match self.below(3) {
            0 => {
                let count = 1 + self.below(400);
                self.digits(count)
            }
            1 => {
                let count = 1 + self.below(30);
                let digits = self.digits(count);
                let point = 1 + self.below(count) as usize;
                let exponent = self.below(661) as i64 - 330;
                let (whole, fraction) = digits.split_at(point);
                match fraction {
                    "" => format!("{whole}e{exponent}"),
                    _ => format!("{whole}.{fraction}e{exponent}"),
                }
            }
            _ => {
                let value = f64::from_bits(self.next());
                if value.is_finite() {
                    format!("{value:e}")
                } else {
                    "0.5".to_owned()
                }
            }
        }
    }
}

fn as_f64(value: &StringOrIntegerOrNumberOrBoolean) -> Option<f64> {
    match value {
        StringOrIntegerOrNumberOrBoolean::Number(n) => Some(*n),
        StringOrIntegerOrNumberOrBoolean::Integer(n) => Some(*n as f64),
        _ => None,
    }
}

#[test]
fn every_number_decodes_to_the_nearest_f64_and_round_trips() {
    let mut numbers = Numbers(0x5eed_1234_abcd_ef01);
    let mut checked = 0;
    for case in 0..20_000 {
        let literal = numbers.literal();
        let expected: f64 = literal.parse().expect("a valid literal");
        if !expected.is_finite() {
            continue; // beyond f64: not a JSON number serde_json accepts
        }
        let first: MetadataValue = serde_json::from_str(&literal)
            .unwrap_or_else(|e| panic!("case {case}: {literal} does not decode: {e}"));
        let decoded = as_f64(&first).unwrap_or_else(|| panic!("case {case}: {first:?}"));
        assert_eq!(
            decoded.to_bits(),
            expected.to_bits(),
            "case {case}: {literal} decodes to {decoded:e}, not the nearest f64 {expected:e}"
        );
        let encoded = serde_json::to_string(&first).unwrap();
        let second: MetadataValue = serde_json::from_str(&encoded).unwrap();
        assert_eq!(
            serde_json::to_string(&second).unwrap(),
            encoded,
            "case {case}: {literal} is not idempotent"
        );
        // The same through a free-form value (a union's `Unknown`).
        let value: Value = serde_json::from_str(&literal).unwrap();
        let again: Value = serde_json::from_str(&value.to_string()).unwrap();
        assert_eq!(
            again.to_string(),
            value.to_string(),
            "case {case}: {literal}"
        );
        checked += 1;
    }
    // About a tenth overflow f64 (an exponent past 308, or over 309 digits).
    assert!(checked > 15_000, "only {checked} cases were finite numbers");
}
