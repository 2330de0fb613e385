//! `spec/pin.toml` round trips through a real file.

mod common;

use common::TempRoot;
use xtask::pin::{Pin, PinFile};

const PIN_TEXT: &str = "\
# The Polar OpenAPI document the committed generated code was produced from.
# Written by `cargo xtask regen`; checked by `cargo xtask check`.
source_url = \"https://api.polar.sh/openapi.json\"
sha256 = \"3e9e18ac3e6b0713f80dc4edb2dcbb7e6a65f74e089fae87553e399fe86f042a\"
date = \"2026-04-16\"
";

#[test]
fn load_save_load_round_trips_and_keeps_the_header() {
    let root = TempRoot::new("pin-round-trip");
    let path = root.write("spec/pin.toml", PIN_TEXT);

    let loaded = PinFile::load(&path).unwrap();
    assert_eq!(
        loaded.pin,
        Pin {
            source_url: "https://api.polar.sh/openapi.json".into(),
            sha256: "3e9e18ac3e6b0713f80dc4edb2dcbb7e6a65f74e089fae87553e399fe86f042a".into(),
            date: "2026-04-16".into(),
        }
    );

    let moved = Pin {
        sha256: "ab".repeat(32),
        date: "2026-05-01".into(),
        ..loaded.pin.clone()
    };
    loaded.save(&moved).unwrap();

    let reloaded = PinFile::load(&path).unwrap();
    assert_eq!(reloaded.pin, moved);
    assert_eq!(
        reloaded.text,
        PIN_TEXT
            .replace(&loaded.pin.sha256, &moved.sha256)
            .replace("2026-04-16", "2026-05-01")
    );

    // Saving an unchanged pin leaves the file byte for byte as it was.
    reloaded.save(&moved).unwrap();
    assert_eq!(root.read("spec/pin.toml"), reloaded.text);
}

#[test]
fn errors_name_the_file() {
    let root = TempRoot::new("pin-errors");
    let missing = root.path().join("spec/pin.toml");
    let error = format!("{:#}", PinFile::load(&missing).unwrap_err());
    assert!(error.contains(&missing.display().to_string()), "{error}");

    let path = root.write("spec/pin.toml", PIN_TEXT.replace("sha256", "sha"));
    let error = format!("{:#}", PinFile::load(&path).unwrap_err());
    assert!(error.contains(&path.display().to_string()), "{error}");
    assert!(error.contains("line 4: unknown key `sha`"), "{error}");
}
