//! The in-process container runtime: spec generation, launcher, monitor, exec, cgroups.
//!
//! `berth run` clones the container itself and stays its parent: no runc, no
//! conmon. The pieces, each in its own module:
//! - `spec`: flags + image config → OCI runtime spec (pure data, unit-tested);
//! - `seccomp`: docker's default profile compiled to BPF in pure Rust;
//! - `cgroups`: v1 and v2 resource limits, stats, freezer;
//! - `launcher`: clone with namespaces, rootfs, pivot_root, caps, exec; `exec` joins;
//! - `engine`: create/start/stop/remove flows over the store; `relay` the
//!   parent's poll loop; `monitor` the detached supervisor; `logs` the log files;
//! - `attach`: the monitor's attach socket and the client of `run -it`/`attach`;
//! - `sdnotify`, `handoff`: systemd's readiness protocol, socket activation.

pub mod attach;
pub mod cgroups;
pub mod config;
pub mod container_cgroup;
pub mod control;
pub mod engine;
pub mod error;
mod etc_files;
pub mod exec;
pub mod foreground;
pub mod fs;
pub mod handoff;
pub mod hostmount;
mod inspect_json;
pub mod journal;
pub mod launcher;
pub mod logs;
pub mod monitor;
pub mod networking;
pub mod ports;
pub mod relay;
pub mod sdnotify;
pub mod seccomp;
pub mod spec;
pub mod tty;
pub mod update;
pub mod userns;

pub use error::{Result, RuntimeError};
