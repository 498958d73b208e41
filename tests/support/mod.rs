//! The shared integration-test harness: every file under `tests/` starts with
//! `mod support;` and gets
//!
//! - [`berth()`]: a [`TestBerth`] with its own `--root`/`--runroot`, whose
//!   `cmd(&[...])` runs the real built binary and returns an [`Output`] with
//!   assertion helpers;
//! - [`registry()`] / [`auth_registry()`]: a real `docker-registry` on a free
//!   loopback port, started once per test binary and killed when it exits;
//! - [`images`]: OCI/docker images built in memory from the host's
//!   busybox-static and pushed straight over HTTP (no berth involved), with
//!   a [`images::PushedImage`] describing what landed.
//!
//! Panics are the error handling here: this is test code, and each panic
//! message says what was being attempted and what to install or check.

// Each test binary compiles this module and uses only part of it.
#![allow(dead_code, unused_imports)]

pub mod berth;
pub mod http;
pub mod images;
pub mod install;
pub mod layers;
pub mod registry;
pub mod rootless;

pub use berth::{berth, Output, TestBerth};
pub use registry::{auth_registry, registry, Registry};

use std::sync::atomic::{AtomicU64, Ordering};

/// A repository name unique within this test binary (and across binaries
/// run at the same time, via the pid), so parallel tests never share a
/// repository: `unique_repo("busybox")` → `"busybox-4242-7"`.
pub fn unique_repo(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}-{}-{n}", std::process::id())
}

/// A fresh store holding a busybox image pulled from the shared registry;
/// returns the store and the image reference.
pub fn with_busybox() -> (TestBerth, String) {
    let reg = registry();
    let img = images::push_busybox(reg, &unique_repo("bb"), "latest");
    let b = berth();
    b.cmd(&["pull", "-q", &img.reference]).success();
    (b, img.reference)
}

/// Polls `f` every 50 ms until it holds or `limit` passes.
pub fn wait_until(limit: std::time::Duration, mut f: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + limit;
    while std::time::Instant::now() < deadline {
        if f() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    false
}
