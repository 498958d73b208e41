//! Command-line parsing, dispatch and output formatting.

pub mod format;
