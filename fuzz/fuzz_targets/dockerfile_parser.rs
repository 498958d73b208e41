//! Any text: the Dockerfile parser returns a Dockerfile or an error, never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = berth::build::parser::parse(text);
    }
});
