#![no_main]
use libfuzzer_sys::fuzz_target;
fuzz_target!(|data: &[u8]| {
    let _ = polar_api_runtime::webhooks::signature::parse_header(data);
});
