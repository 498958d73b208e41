//! The in-process container runtime: spec generation, launcher, monitor, exec, cgroups.
pub mod spec;
