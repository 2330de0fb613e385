//! `spec/versions/<version>.toml` round trips through a real file, and the
//! set of pin files keeps its rules.

mod common;

use common::{pin_text, TempRoot};
use xtask::pin::{Lifecycle, Pin, PinFile};
use xtask::pins::{pin_path, PinChange, Pins};

const SHA: &str = "8ac1830be58df3d24270430c2a3fc226eedede5c44ec1675b4a7d491d476ca44";

const PIN_TEXT: &str = "\
# Polar API version 2026-10.
# Written by `cargo xtask regen`; checked by `cargo xtask check`.
version = \"2026-10\"
lifecycle = \"current\"
source_url = \"https://api.polar.sh/2026-10/openapi.json\"
sha256 = \"8ac1830be58df3d24270430c2a3fc226eedede5c44ec1675b4a7d491d476ca44\"
date = \"2026-08-20\"
copy = \"Polar's documentation copy of 2026-10 on 2026-08-20 (docs format), before the freeze\"
";

#[test]
fn load_save_load_round_trips_and_keeps_the_header() {
    let root = TempRoot::new("pin-round-trip");
    let path = root.write("spec/versions/2026-10.toml", PIN_TEXT);

    let loaded = PinFile::load(&path).unwrap();
    assert_eq!(
        loaded.pin,
        Pin {
            version: "2026-10".into(),
            lifecycle: Lifecycle::Current,
            source_url: "https://api.polar.sh/2026-10/openapi.json".into(),
            sha256: SHA.into(),
            date: "2026-08-20".into(),
            copy: "Polar's documentation copy of 2026-10 on 2026-08-20 (docs format), before \
                   the freeze"
                .into(),
        }
    );

    let moved = Pin {
        sha256: "ab".repeat(32),
        date: "2026-09-28".into(),
        copy: "the frozen document".into(),
        ..loaded.pin.clone()
    };
    loaded.save(&moved).unwrap();

    let reloaded = PinFile::load(&path).unwrap();
    assert_eq!(reloaded.pin, moved);
    assert_eq!(
        reloaded.text,
        PIN_TEXT
            .replace(SHA, &moved.sha256)
            .replace("date = \"2026-08-20\"", "date = \"2026-09-28\"")
            .replace(&loaded.pin.copy, "the frozen document")
    );

    // Saving an unchanged pin leaves the file byte for byte as it was.
    reloaded.save(&moved).unwrap();
    assert_eq!(root.read("spec/versions/2026-10.toml"), reloaded.text);
}

#[test]
fn errors_name_the_file() {
    let root = TempRoot::new("pin-errors");
    let missing = root.path().join("spec/versions/2026-10.toml");
    let error = format!("{:#}", PinFile::load(&missing).unwrap_err());
    assert!(error.contains(&missing.display().to_string()), "{error}");

    let path = root.write(
        "spec/versions/2026-10.toml",
        PIN_TEXT.replace("sha256", "sha"),
    );
    let error = format!("{:#}", PinFile::load(&path).unwrap_err());
    assert!(error.contains(&path.display().to_string()), "{error}");
    assert!(error.contains("line 6: unknown key `sha`"), "{error}");
}

#[test]
fn the_set_is_sorted_and_a_file_is_named_after_its_version() {
    let root = TempRoot::new("pins-set");
    let url = "https://example.com";
    root.write(
        &pin_path("2026-10"),
        pin_text("2026-10", "current", SHA, url),
    );
    root.write(
        &pin_path("2026-04"),
        pin_text("2026-04", "deprecated", SHA, url),
    );
    root.write("spec/versions/README.md", "not a pin");
    let pins = Pins::load(root.path()).unwrap();
    assert_eq!(pins.names(), "2026-04 (deprecated), 2026-10 (current)");

    root.write(
        "spec/versions/2027-01.toml",
        pin_text("2027-02", "next", SHA, url),
    );
    let error = format!("{:#}", Pins::load(root.path()).unwrap_err());
    assert!(
        error.contains("a pin file is named after its version"),
        "{error}"
    );
}

#[test]
fn an_invalid_set_is_refused_on_load() {
    let root = TempRoot::new("pins-two-current");
    let url = "https://example.com";
    root.write(
        &pin_path("2026-10"),
        pin_text("2026-10", "current", SHA, url),
    );
    root.write(
        &pin_path("2026-04"),
        pin_text("2026-04", "current", SHA, url),
    );
    let error = format!("{:#}", Pins::load(root.path()).unwrap_err());
    assert!(error.contains("2 versions are current"), "{error}");
}

#[test]
fn no_pins_is_an_empty_set_that_commands_refuse() {
    let root = TempRoot::new("pins-none");
    let pins = Pins::load(root.path()).unwrap();
    assert!(pins.files.is_empty());
    let error = pins.require_any().unwrap_err().to_string();
    assert!(
        error.contains("regen --add YYYY-MM --lifecycle current"),
        "{error}"
    );
}

#[test]
fn save_creates_updates_and_deletes_pin_files() {
    let root = TempRoot::new("pins-save");
    let url = "https://example.com";
    root.write(
        &pin_path("2026-04"),
        pin_text("2026-04", "deprecated", SHA, url),
    );
    root.write(
        &pin_path("2026-10"),
        pin_text("2026-10", "current", SHA, url),
    );
    let pins = Pins::load(root.path()).unwrap();
    let mut new = pins.list();
    new.remove(0);
    new[0].date = "2026-09-28".into();
    new.push(Pin {
        version: "2027-01".into(),
        lifecycle: Lifecycle::Next,
        ..new[0].clone()
    });

    let changes = pins.save(&new).unwrap();

    assert_eq!(changes.len(), 3, "{changes:?}");
    assert!(matches!(&changes[0], PinChange::Updated { new, .. } if new.version == "2026-10"));
    assert!(matches!(&changes[1], PinChange::Added(pin) if pin.version == "2027-01"));
    assert!(matches!(&changes[2], PinChange::Removed(pin) if pin.version == "2026-04"));
    assert!(!root.exists(&pin_path("2026-04")));
    assert!(root
        .read(&pin_path("2026-10"))
        .starts_with("# the pin of 2026-10\n"));
    assert!(root
        .read(&pin_path("2027-01"))
        .starts_with("# Polar API version 2027-01:"));
    assert_eq!(Pins::load(root.path()).unwrap().list(), new);
}
