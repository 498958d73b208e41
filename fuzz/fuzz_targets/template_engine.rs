//! Any template against a docker-shaped object: rendered or refused.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(template) = std::str::from_utf8(data) else {
        return;
    };
    let item = serde_json::json!({
        "ID": "0123456789ab", "Names": "web", "Labels": {"a": "b"},
        "Ports": [{"PrivatePort": 80, "Type": "tcp"}], "State": {"ExitCode": 0},
        "Size": 12345, "Nested": {"List": [1, "two", null, true]}
    });
    let _ = berth::cli::format::render_template_each(template, &[item.clone()]);
    let _ = berth::cli::format::parse_format(Some(template), "table {{.ID}}")
        .and_then(|f| f.render(&[item], &[]));
});
