//! Metadata as a user writes it: short value type names, values from
//! literals, and the list filter built one entry at a time.

mod common;

use std::collections::BTreeMap;

use common::{client, query_pairs, received};
use polar_api::v2026_10::models::{MetadataFilterValue, MetadataValue, ProductCreateOneTime};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[test]
fn metadata_values_come_from_literals() {
    let model: MetadataValue = "gpt-4o".into();
    let count: MetadataValue = 42.into();
    let price: MetadataValue = 1.5.into();
    let flag: MetadataValue = true.into();
    let owned: MetadataValue = String::from("owned").into();
    let wide: MetadataValue = 7_i64.into();
    let values = [model, count, price, flag, owned, wide];
    assert_eq!(
        serde_json::to_value(values).unwrap(),
        json!(["gpt-4o", 42, 1.5, true, "owned", 7])
    );

    let one: MetadataFilterValue = "pro".into();
    let number: MetadataFilterValue = 5.into();
    let any_of: MetadataFilterValue = vec!["a".to_owned(), "b".to_owned()].into();
    assert_eq!(
        serde_json::to_value([one, number, any_of]).unwrap(),
        json!(["pro", 5, ["a", "b"]])
    );

    // The alias is the type the models use: a metadata map takes it.
    let mut product = ProductCreateOneTime::new("Tokens".to_owned(), Vec::new());
    product.metadata = Some(BTreeMap::from([("model".to_owned(), "gpt-4o".into())]));
    assert_eq!(
        serde_json::to_value(&product).unwrap()["metadata"],
        json!({"model": "gpt-4o"})
    );
}

#[tokio::test]
async fn metadata_entries_add_up_in_the_query() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/customers/"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"items": [], "pagination": {"total_count": 0, "max_page": 0}}),
            ),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    client
        .customers()
        .list()
        .metadata_entry("plan", "pro")
        .metadata_entry("seats", 5)
        .send()
        .await
        .unwrap();
    // After a whole map, an entry is added to it.
    client
        .customers()
        .list()
        .metadata(BTreeMap::from([("plan".to_owned(), "pro".into())]))
        .metadata_entry("tier", vec!["a".to_owned(), "b".to_owned()])
        .send()
        .await
        .unwrap();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    let metadata = |index: usize| -> Vec<(String, String)> {
        let mut pairs: Vec<_> = query_pairs(&requests[index])
            .into_iter()
            .filter(|(key, _)| key.starts_with("metadata["))
            .collect();
        pairs.sort();
        pairs
    };
    let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    assert_eq!(
        metadata(0),
        pairs(&[("metadata[plan]", "pro"), ("metadata[seats]", "5")])
    );
    assert_eq!(
        metadata(1),
        pairs(&[
            ("metadata[plan]", "pro"),
            ("metadata[tier]", "a"),
            ("metadata[tier]", "b"),
        ])
    );
}

/// A metadata key with brackets in it cannot be told from the structure
/// of a `deepObject` name once the server decodes the query: it is refused
/// before anything is sent.
#[tokio::test]
async fn a_metadata_key_with_brackets_is_refused() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"items": [], "pagination": {"total_count": 0, "max_page": 0}}),
            ),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    for key in ["plan]x[", "a[b", "c]"] {
        let err = client
            .customers()
            .list()
            .metadata_entry(key, "pro&y=1")
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(err, polar_api::Error::Encode { .. }),
            "{key}: {err:?}"
        );
        assert!(err.to_string().contains("metadata"), "{err}");
    }
    assert!(received(&server).await.is_empty());
    // Other punctuation is sent, percent-encoded.
    client
        .customers()
        .list()
        .metadata_entry("a&b=c", "pro&y=1")
        .send()
        .await
        .unwrap();
    let requests = received(&server).await;
    let pairs = query_pairs(&requests[0]);
    assert!(
        pairs.contains(&("metadata[a&b=c]".to_owned(), "pro&y=1".to_owned())),
        "{pairs:?}"
    );
}
