//! Any bytes as a layer: extraction succeeds or fails, never panics, and
//! never writes outside its destination (a canary beside it stays empty).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(tmp) = tempfile::tempdir() else {
        return;
    };
    let dest = tmp.path().join("layer");
    let canary = tmp.path().join("canary");
    if std::fs::create_dir(&dest).is_err() || std::fs::create_dir(&canary).is_err() {
        return;
    }
    let opts = berth::store::extract::ExtractOptions {
        rootless: false,
        max_total_bytes: Some(64 << 20),
    };
    let _ = berth::store::extract::extract_layer(std::io::Cursor::new(data), &dest, &opts);
    let leaked = std::fs::read_dir(&canary).map(|d| d.count()).unwrap_or(0);
    assert_eq!(leaked, 0, "extraction wrote outside its destination");
    let stray = std::fs::read_dir(tmp.path()).map(|d| d.count()).unwrap_or(0);
    assert_eq!(stray, 2, "extraction created files beside its destination");
});
