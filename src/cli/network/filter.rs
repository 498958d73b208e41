//! `network ls --filter` and `network prune --filter`, with docker's rules.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};

use super::shown::Shown;
use crate::cli::error::{CliError, CliResult};
use crate::net::store::NetworkRecord;

/// `--filter` values grouped by key; values of one key are alternatives.
pub(super) fn group_filters(filters: &[String]) -> CliResult<BTreeMap<String, Vec<String>>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in filters {
        let Some((k, v)) = f.split_once('=') else {
            return Err(CliError::msg(format!(
                "bad format of filter (expected name=value): {f}"
            )));
        };
        out.entry(k.to_string()).or_default().push(v.to_string());
    }
    Ok(out)
}

/// docker's label filter: `key` or `key=value`.
pub(super) fn label_matches(labels: &BTreeMap<String, String>, want: &str) -> bool {
    match want.split_once('=') {
        Some((k, v)) => labels.get(k).is_some_and(|x| x == v),
        None => labels.contains_key(want),
    }
}

pub(super) fn ls_matches(
    n: &Shown,
    filters: &BTreeMap<String, Vec<String>>,
    in_use: &HashMap<String, usize>,
) -> CliResult<bool> {
    for (key, values) in filters {
        let any = |f: &dyn Fn(&str) -> bool| values.iter().any(|v| f(v));
        let ok = match key.as_str() {
            // docker matches name and id as regular expressions; a plain
            // string is a substring match.
            "name" => any(&|v| n.name().contains(v)),
            "id" => any(&|v| n.id().contains(v)),
            "driver" => any(&|v| n.driver() == v),
            "scope" => any(&|v| v == "local"),
            // docker requires every label filter to match.
            "label" => values.iter().all(|v| label_matches(&n.labels(), v)),
            "type" => {
                for v in values {
                    if v != "custom" && v != "builtin" {
                        return Err(CliError::msg(format!(
                            "invalid filter: 'type'='{v}' (use type=custom or type=builtin)"
                        )));
                    }
                }
                any(&|v| (v == "builtin") == n.is_builtin())
            }
            "dangling" => {
                let mut ok = false;
                for v in values {
                    let want = match v.as_str() {
                        "true" | "1" => true,
                        "false" | "0" => false,
                        _ => {
                            return Err(CliError::msg(format!(
                                "invalid filter 'dangling={v}' (use true or false)"
                            )))
                        }
                    };
                    let dangling = !n.is_builtin() && !in_use.contains_key(&n.id());
                    ok |= dangling == want;
                }
                ok
            }
            other => return Err(CliError::msg(format!("invalid filter '{other}'"))),
        };
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

/// `network prune --filter`: `label=`, `label!=`, `until=`.
pub(super) fn prune_selector(filters: &[String]) -> CliResult<impl Fn(&NetworkRecord) -> bool> {
    let groups = group_filters(filters)?;
    let mut until = None;
    let mut with = Vec::new();
    let mut without = Vec::new();
    for (key, values) in groups {
        match key.as_str() {
            "until" => {
                for v in values {
                    let t = crate::runtime::logs::parse_time_bound(&v, Utc::now())
                        .map_err(CliError::msg)?;
                    until = Some(until.map_or(t, |u: DateTime<Utc>| u.min(t)));
                }
            }
            "label" => with = values,
            "label!" => without = values,
            other => {
                return Err(CliError::msg(format!(
                    "invalid filter '{other}' (network prune takes until=, label= and label!=)"
                )))
            }
        }
    }
    Ok(move |n: &NetworkRecord| {
        until.is_none_or(|u| n.created < u)
            && with.iter().all(|w| label_matches(&n.labels, w))
            && !without.iter().any(|w| label_matches(&n.labels, w))
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::{record, stored};
    use super::*;

    fn matches(n: &Shown, filters: &[&str], used: bool) -> bool {
        let f: Vec<String> = filters.iter().map(|s| s.to_string()).collect();
        let mut in_use = HashMap::new();
        if used {
            in_use.insert(n.id(), 1);
        }
        ls_matches(n, &group_filters(&f).expect("filters"), &in_use).expect("valid")
    }

    #[test]
    fn ls_filters_combine_like_dockers() {
        let app = stored("appnet", &[("env", "prod"), ("team", "")]);
        let host = Shown::Builtin {
            name: "host",
            driver: "host",
        };
        assert!(
            matches(&app, &["name=app", "name=zzz"], false),
            "values of a key are alternatives"
        );
        assert!(
            !matches(&app, &["name=app", "driver=host"], false),
            "keys must all match"
        );
        assert!(matches(&app, &["label=env=prod", "label=team"], false));
        assert!(!matches(&app, &["label=env=prod", "label=missing"], false));
        assert!(matches(&app, &["type=custom"], false));
        assert!(matches(&host, &["type=builtin"], false));
        assert!(matches(&app, &["dangling=true"], false));
        assert!(!matches(&app, &["dangling=true"], true));
        assert!(!matches(&host, &["dangling=true"], false));
        assert!(matches(&app, &["id=abab"], false));
    }

    #[test]
    fn bad_filters_are_errors() {
        let app = stored("a", &[]);
        for bad in ["color=red", "type=other", "dangling=maybe"] {
            let groups = group_filters(&[bad.to_string()]).expect("groups");
            assert!(ls_matches(&app, &groups, &HashMap::new()).is_err(), "{bad}");
        }
        assert!(group_filters(&["novalue".to_string()]).is_err());
    }

    #[test]
    fn prune_filters_select_by_label_and_age() {
        let rec = record("a", &[("keep", "yes")]);
        let sel = |f: &[&str]| {
            let f: Vec<String> = f.iter().map(|s| s.to_string()).collect();
            prune_selector(&f).expect("filters")(&rec)
        };
        assert!(sel(&[]));
        assert!(!sel(&["label!=keep"]));
        assert!(sel(&["label=keep=yes"]));
        assert!(
            !sel(&["until=1h"]),
            "created just now, not before an hour ago"
        );
        assert!(sel(&["until=2999-01-01T00:00:00Z"]));
        assert!(prune_selector(&["dangling=true".to_string()]).is_err());
    }
}
