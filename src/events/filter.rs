//! `berth events --filter`, with docker's rules (moby `daemon/events/filter.go`):
//! values of one key are alternatives, different keys must all hold, and
//! every `label=` must hold. Names (`container=`, `network=`, `volume=`)
//! match the actor's id or `name` attribute exactly or as a prefix;
//! `image=` matches the image's id, name or name without tag.

use std::collections::BTreeMap;

use super::Message;
use crate::registry::reference::ImageRef;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum FilterError {
    #[error("bad format of filter (expected name=value): {0:?}")]
    Format(String),
    #[error("invalid filter '{0}'; valid filters are container, event, image, label, network, scope, type and volume (also daemon, plugin, node, service, secret, config)")]
    UnknownKey(String),
    #[error("unknown event type {0:?}; valid types are container, image, network, volume (and docker's builder, config, daemon, node, plugin, secret, service)")]
    UnknownType(String),
}

/// Keys matched against the actor's id or `name` attribute.
const NAME_KEYS: &[&str] = &[
    "container",
    "network",
    "volume",
    "daemon",
    "plugin",
    "node",
    "service",
    "secret",
    "config",
];

const TYPES: &[&str] = &[
    "builder",
    "config",
    "container",
    "daemon",
    "image",
    "network",
    "node",
    "plugin",
    "secret",
    "service",
    "volume",
];

/// Parsed `--filter` values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventFilter {
    by_key: BTreeMap<String, Vec<String>>,
}

impl EventFilter {
    /// Parses `key=value` arguments.
    pub fn parse(args: &[String]) -> Result<EventFilter, FilterError> {
        let mut by_key: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for arg in args {
            let (key, value) = arg
                .split_once('=')
                .ok_or_else(|| FilterError::Format(arg.clone()))?;
            let key = key.trim().to_lowercase();
            let known = NAME_KEYS.contains(&key.as_str())
                || matches!(key.as_str(), "event" | "image" | "label" | "scope" | "type");
            if !known {
                return Err(FilterError::UnknownKey(key));
            }
            if key == "type" && !TYPES.contains(&value) {
                return Err(FilterError::UnknownType(value.to_string()));
            }
            by_key.entry(key).or_default().push(value.to_string());
        }
        Ok(EventFilter { by_key })
    }

    /// Whether `m` passes every filter.
    pub fn matches(&self, m: &Message) -> bool {
        self.by_key.iter().all(|(key, values)| match key.as_str() {
            "event" => fuzzy(values, &m.action),
            "type" => exact(values, &m.kind),
            "scope" => exact(values, &m.scope),
            "image" => image_matches(values, m),
            "label" => values.iter().all(|l| label_matches(l, &m.actor.attributes)),
            _ => {
                let name = m.actor.attributes.get("name").map(String::as_str);
                fuzzy(values, &m.actor.id) || name.is_some_and(|n| fuzzy(values, n))
            }
        })
    }
}

fn exact(values: &[String], source: &str) -> bool {
    values.iter().any(|v| v == source)
}

/// docker's `FuzzyMatch`: equal, or `source` starts with a value.
fn fuzzy(values: &[String], source: &str) -> bool {
    values.iter().any(|v| source.starts_with(v.as_str()))
}

/// `busybox:latest` → `busybox`; what does not parse as a reference stays.
fn strip_tag(image: &str) -> String {
    match ImageRef::parse(image) {
        Ok(r) => r.familiar_name(),
        Err(_) => image.to_string(),
    }
}

fn image_matches(values: &[String], m: &Message) -> bool {
    let attr = if m.kind == "image" { "name" } else { "image" };
    let name = m
        .actor
        .attributes
        .get(attr)
        .map(String::as_str)
        .unwrap_or("");
    [
        m.actor.id.clone(),
        name.to_string(),
        strip_tag(&m.actor.id),
        strip_tag(name),
    ]
    .iter()
    .any(|s| exact(values, s))
}

fn label_matches(want: &str, attributes: &BTreeMap<String, String>) -> bool {
    match want.split_once('=') {
        Some((k, v)) => attributes.get(k).is_some_and(|have| have == v),
        None => attributes.contains_key(want),
    }
}

#[cfg(test)]
mod tests {
    use super::super::Event;
    use super::*;

    fn filter(args: &[&str]) -> EventFilter {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        EventFilter::parse(&args).expect("filter")
    }

    fn start(name: &str, image: &str) -> Message {
        Event::new(super::super::EventType::Container, "start", "0123abcd")
            .attr("name", name)
            .attr("image", image)
            .attr("tier", "web")
            .into_message(0)
    }

    #[test]
    fn same_key_ors_and_different_keys_and() {
        let m = start("web", "busybox");
        assert!(filter(&["event=start", "event=die"]).matches(&m));
        assert!(filter(&["event=start", "type=container"]).matches(&m));
        assert!(!filter(&["event=start", "type=image"]).matches(&m));
        assert!(!filter(&["event=die"]).matches(&m));
        assert!(filter(&[]).matches(&m));
    }

    #[test]
    fn containers_match_by_name_or_id_prefix() {
        let m = start("web", "busybox");
        assert!(filter(&["container=web"]).matches(&m));
        assert!(filter(&["container=0123"]).matches(&m));
        assert!(!filter(&["container=db"]).matches(&m));
        // A volume event has no container to match.
        let v = Event::volume("create", "data").into_message(0);
        assert!(!filter(&["container=web"]).matches(&v));
        assert!(filter(&["volume=data"]).matches(&v));
    }

    #[test]
    fn images_match_with_or_without_tag() {
        let m = start("web", "busybox:latest");
        assert!(filter(&["image=busybox"]).matches(&m));
        assert!(filter(&["image=busybox:latest"]).matches(&m));
        assert!(!filter(&["image=alpine"]).matches(&m));
        let tag = Event::image("tag", "sha256:aa", "foo:1").into_message(0);
        assert!(filter(&["image=foo"]).matches(&tag));
        assert!(filter(&["image=sha256:aa"]).matches(&tag));
    }

    #[test]
    fn every_label_must_hold() {
        let m = start("web", "busybox");
        assert!(filter(&["label=tier"]).matches(&m));
        assert!(filter(&["label=tier=web"]).matches(&m));
        assert!(!filter(&["label=tier=web", "label=env"]).matches(&m));
    }

    #[test]
    fn bad_filters_are_errors() {
        let parse = |a: &str| EventFilter::parse(&[a.to_string()]);
        assert_eq!(parse("event"), Err(FilterError::Format("event".into())));
        assert_eq!(
            parse("colour=red"),
            Err(FilterError::UnknownKey("colour".into()))
        );
        assert_eq!(
            parse("type=thing"),
            Err(FilterError::UnknownType("thing".into()))
        );
    }
}
