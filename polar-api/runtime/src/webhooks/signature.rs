//! The Standard Webhooks signature: HMAC-SHA256 over
//! `{webhook-id}.{webhook-timestamp}.{body}`, carried as `v1,<base64>`
//! entries of the `webhook-signature` header.

use base64::alphabet;
use base64::engine::general_purpose::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::secret::WebhookSecret;

/// Standard base64, padded or not, in its canonical form only (no stray bits
/// after the last byte), so that one MAC has one spelling.
const SIGNATURE_BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

type HmacSha256 = Hmac<Sha256>;

/// The version tag of HMAC-SHA256 signatures.
const V1: &str = "v1";

/// The MAC state after absorbing `{id}.{timestamp}.{body}`, with the
/// header texts exactly as received.
fn mac(key: &[u8], id: &[u8], timestamp: &[u8], body: &[u8]) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(id);
    mac.update(b".");
    mac.update(timestamp);
    mac.update(b".");
    mac.update(body);
    mac
}

/// The `webhook-signature` header value for this content: one `v1,` entry
/// per key the secret stands for, separated by a space.
pub fn sign(secret: &WebhookSecret, id: &str, timestamp: i64, body: &[u8]) -> String {
    let timestamp = timestamp.to_string();
    secret
        .keys()
        .map(|(_, key)| {
            let tag = mac(key, id.as_bytes(), timestamp.as_bytes(), body)
                .finalize()
                .into_bytes();
            format!("{V1},{}", STANDARD.encode(tag))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Why a `webhook-signature` header cannot be read.
#[derive(Debug, PartialEq, Eq)]
pub enum SignatureHeaderError {
    /// Not visible ASCII separated by spaces.
    NotAscii,
    /// No entries at all.
    Empty,
    /// An entry without the `version,` part.
    EntryWithoutVersion,
}

/// The decoded `v1` signatures of a `webhook-signature` header. Entries with
/// another version tag are skipped, and so are `v1` entries that are not
/// base64 (they cannot match, but must not hide a valid entry).
pub fn parse_header(value: &[u8]) -> Result<Vec<Vec<u8>>, SignatureHeaderError> {
    let value = std::str::from_utf8(value).map_err(|_| SignatureHeaderError::NotAscii)?;
    if !value
        .bytes()
        .all(|b| b.is_ascii_graphic() || b == b' ' || b == b'\t')
    {
        return Err(SignatureHeaderError::NotAscii);
    }
    let mut signatures = Vec::new();
    let mut entries = 0usize;
    for entry in value.split_ascii_whitespace() {
        entries += 1;
        let (version, signature) = entry
            .split_once(',')
            .ok_or(SignatureHeaderError::EntryWithoutVersion)?;
        if version != V1 {
            continue;
        }
        if let Ok(bytes) = SIGNATURE_BASE64.decode(signature) {
            signatures.push(bytes);
        }
    }
    if entries == 0 {
        return Err(SignatureHeaderError::Empty);
    }
    Ok(signatures)
}

/// Whether any of `signatures` is the MAC of the content under any of the
/// secret's keys. Each comparison takes constant time.
pub fn matches(
    secret: &WebhookSecret,
    id: &[u8],
    timestamp: &[u8],
    body: &[u8],
    signatures: &[Vec<u8>],
) -> bool {
    if signatures.is_empty() {
        return false;
    }
    secret.keys().any(|(_, key)| {
        let expected = mac(key, id, timestamp, body);
        signatures
            .iter()
            .any(|signature| expected.clone().verify_slice(signature).is_ok())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_entries_are_split_on_spaces_and_filtered_by_version() {
        let parsed = parse_header(b"v1a,AAAA  v1,AQID v2,BBBB\tv1,!!notbase64 v1,BAU=").unwrap();
        assert_eq!(parsed, vec![vec![1, 2, 3], vec![4, 5]]);
    }

    #[test]
    fn only_canonical_base64_counts() {
        // "AQI=" is [1, 2]; "AQJ=" has stray low bits and is skipped.
        assert_eq!(parse_header(b"v1,AQI= v1,AQJ=").unwrap(), vec![vec![1, 2]]);
        assert_eq!(parse_header(b"v1,AQI").unwrap(), vec![vec![1, 2]]);
    }

    #[test]
    fn malformed_headers_are_refused() {
        assert_eq!(
            parse_header(b"   ").unwrap_err(),
            SignatureHeaderError::Empty
        );
        assert_eq!(
            parse_header(b"v1,AQID AQID").unwrap_err(),
            SignatureHeaderError::EntryWithoutVersion
        );
        assert_eq!(
            parse_header("v1,AQID\u{e9}".as_bytes()).unwrap_err(),
            SignatureHeaderError::NotAscii
        );
        assert_eq!(
            parse_header(b"v1,\x00").unwrap_err(),
            SignatureHeaderError::NotAscii
        );
    }

    #[test]
    fn sign_emits_one_entry_per_key() {
        let both =
            WebhookSecret::new("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=").unwrap();
        let header = sign(&both, "msg_1", 1_700_000_000, b"{}");
        let entries: Vec<_> = header.split(' ').collect();
        assert_eq!(entries.len(), 2);
        assert!(entries
            .iter()
            .all(|e| e.starts_with("v1,") && e.len() == 3 + 44));
        let signatures = parse_header(header.as_bytes()).unwrap();
        assert!(matches(&both, b"msg_1", b"1700000000", b"{}", &signatures));
        assert!(!matches(
            &both,
            b"msg_1",
            b"1700000000",
            b"{} ",
            &signatures
        ));
    }
}
