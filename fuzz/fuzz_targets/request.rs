//! Path and query encoding: a request built from arbitrary texts goes to a
//! URL whose path segment and query pairs percent-decode back to the texts
//! given, in order.
#![no_main]
use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use percent_encoding::percent_decode_str;
use polar_api::__private::{Method, Request};

fuzz_target!(|data: &[u8]| {
    let texts = polar_fuzz::request_input(data);
    let Some((segment, pairs)) = texts.split_first() else {
        return;
    };
    let mut request =
        Request::new(Method::GET, "fuzz:get", "/v1/things/{id}/parts").path_param("id", segment);
    let mut expected = Vec::new();
    let mut refused = matches!(segment.as_str(), "" | "." | "..");
    for pair in pairs.chunks(2) {
        let [name, value] = pair else { break };
        if let Some(key) = name.strip_prefix('[') {
            refused |= key.contains(['[', ']']);
            let entry = BTreeMap::from([(key.to_owned(), value.to_owned())]);
            request = request.query_deep_object("metadata", &entry);
            expected.push((format!("metadata[{key}]"), value.clone()));
        } else {
            request = request.query(name, value);
            expected.push((name.clone(), value.clone()));
        }
    }
    let url = match request.url_on("https://api.polar.sh") {
        Ok(url) => url,
        Err(error) if refused => {
            let _ = error.to_string();
            return;
        }
        Err(error) => panic!("{texts:?} were refused: {error}"),
    };
    assert!(!refused, "{texts:?} should have been refused: {url}");
    assert_eq!(url.host_str(), Some("api.polar.sh"), "{url}");
    let segments: Vec<&str> = url.path_segments().expect("a base URL").collect();
    assert_eq!(segments.len(), 4, "{texts:?} went to {url}");
    let sent = percent_decode_str(segments[2])
        .decode_utf8()
        .expect("UTF-8");
    assert_eq!(&sent, segment, "{url}");
    let query: Vec<(String, String)> = url
        .query_pairs()
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    assert_eq!(query, expected, "{url}");
});
