//! Arbitrary JSON decoded as every webhook payload, page and union of each
//! pinned version (the first two bytes choose), with the round-trip
//! property of `polar_fuzz::check_roundtrip`.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((version, decoded, json)) = polar_fuzz::decode_input(data) else {
        return;
    };
    if let Err(broken) = (decoded.check)(json) {
        panic!("v{version} {}: {broken}", decoded.name);
    }
});
