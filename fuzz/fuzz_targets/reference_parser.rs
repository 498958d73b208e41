//! Any text: an image reference parses or is refused; a parsed one
//! round-trips through its own rendering.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(r) = berth::registry::reference::ImageRef::parse(text) {
            let again = berth::registry::reference::ImageRef::parse(&r.to_string());
            assert!(again.is_ok(), "{text:?} parsed as {r} which does not parse");
        }
    }
});
