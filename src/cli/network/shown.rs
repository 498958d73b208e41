//! The networks the commands show: the stored ones and the predefined
//! `host` and `none`, which are never stored.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::cli::error::{CliError, CliResult};
use crate::net::store::{builtin_id, lookup, NetStore, NetStoreError, NetworkRecord};

/// A network as the commands show it: stored, or one of the predefined
/// `host`/`none`.
#[derive(Clone)]
pub(super) enum Shown {
    Stored(NetworkRecord),
    Builtin {
        name: &'static str,
        driver: &'static str,
    },
}

impl Shown {
    pub(super) fn id(&self) -> String {
        match self {
            Shown::Stored(r) => r.id.clone(),
            Shown::Builtin { name, .. } => builtin_id(name),
        }
    }

    pub(super) fn name(&self) -> &str {
        match self {
            Shown::Stored(r) => &r.name,
            Shown::Builtin { name, .. } => name,
        }
    }

    pub(super) fn driver(&self) -> &str {
        match self {
            Shown::Stored(r) => &r.driver,
            Shown::Builtin { driver, .. } => driver,
        }
    }

    pub(super) fn labels(&self) -> BTreeMap<String, String> {
        match self {
            Shown::Stored(r) => r.labels.clone(),
            Shown::Builtin { .. } => BTreeMap::new(),
        }
    }

    pub(super) fn created(&self) -> Option<DateTime<Utc>> {
        match self {
            Shown::Stored(r) => Some(r.created),
            Shown::Builtin { .. } => None,
        }
    }

    pub(super) fn is_builtin(&self) -> bool {
        matches!(self, Shown::Builtin { .. }) || self.name() == "bridge"
    }
}

const BUILTINS: [(&str, &str); 2] = [("host", "host"), ("none", "null")];

/// Every network, the default `bridge` created if it was never used.
pub(super) fn all_networks(store: &NetStore) -> CliResult<Vec<Shown>> {
    crate::net::host::ensure_default(store).map_err(|e| CliError::msg(e.to_string()))?;
    let mut all: Vec<Shown> = store.list()?.into_iter().map(Shown::Stored).collect();
    all.extend(
        BUILTINS
            .iter()
            .map(|&(name, driver)| Shown::Builtin { name, driver }),
    );
    all.sort_by(|a, b| a.name().cmp(b.name()));
    Ok(all)
}

/// docker's lookup over stored and predefined networks.
pub(super) fn resolve(all: &[Shown], name_or_id: &str) -> Result<Shown, NetStoreError> {
    let mut records = Vec::new();
    for n in all {
        match n {
            Shown::Builtin { .. } => {
                let id = n.id();
                // Short prefixes stay with the stored networks' ids.
                let prefix_ok = name_or_id.len() >= 3 && id.starts_with(name_or_id);
                if n.name() == name_or_id || id == name_or_id || prefix_ok {
                    return Ok(n.clone());
                }
            }
            Shown::Stored(r) => records.push(r.clone()),
        }
    }
    lookup(&records, name_or_id).cloned().map(Shown::Stored)
}
