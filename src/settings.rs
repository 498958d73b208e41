//! Settings resolved once from flags, `BERTH_*` variables and `berth.toml`.
