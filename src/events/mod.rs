//! The event log behind `berth events`. berth has no daemon to broadcast
//! events, so every process that changes something (a command, the
//! detached monitor recording a `die`) appends one JSON line per event to
//! `ROOT/events/events.jsonl`, in docker's event shape. `berth events`
//! reads that file and follows it.
//!
//! Recording never fails the command that records: an event that cannot be
//! written is dropped (see [`record`]). The log file's own lock is taken
//! last, after any store lock, and held only for one write.

pub mod filter;
pub mod log;
pub mod time;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::store::containers::ContainerEntry;

pub use filter::{EventFilter, FilterError};
pub use log::{read_all, Follower};
pub use time::{parse_time, TimeError};

/// The kind of object an event is about (docker's `Type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    Container,
    Image,
    Volume,
    Network,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Container => "container",
            EventType::Image => "image",
            EventType::Volume => "volume",
            EventType::Network => "network",
        }
    }
}

/// One thing that happened, before it is stamped and written.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub kind: EventType,
    pub action: String,
    /// The actor: a container or network id, an image id or reference, a volume name.
    pub id: String,
    pub attributes: BTreeMap<String, String>,
}

impl Event {
    pub fn new(kind: EventType, action: &str, id: &str) -> Event {
        Event {
            kind,
            action: action.to_string(),
            id: id.to_string(),
            attributes: BTreeMap::new(),
        }
    }

    /// Adds one attribute (builder style).
    pub fn attr(mut self, key: &str, value: impl Into<String>) -> Event {
        self.attributes.insert(key.to_string(), value.into());
        self
    }

    /// A container event with docker's attributes: the container's labels,
    /// then `image` (as the user named it) and `name`, which win over labels
    /// of the same key as in docker.
    pub fn container(action: &str, entry: &ContainerEntry) -> Event {
        let mut e = Event::new(EventType::Container, action, &entry.id);
        e.attributes = entry.labels.clone();
        if !entry.image_name.is_empty() {
            e.attributes
                .insert("image".to_string(), entry.image_name.clone());
        }
        e.attributes.insert("name".to_string(), entry.name.clone());
        e
    }

    /// docker's `die`: the exit code and how long the container ran (whole seconds).
    pub fn die(entry: &ContainerEntry) -> Event {
        let ran = match (entry.state.started_at, entry.state.finished_at) {
            (Some(s), Some(f)) => (f - s).num_seconds().max(0),
            _ => 0,
        };
        Event::container("die", entry)
            .attr("exitCode", entry.state.exit_code.to_string())
            .attr("execDuration", ran.to_string())
    }

    /// An image event: `id` is an image id or a reference, `name` the
    /// reference it concerns (docker's `name` attribute).
    pub fn image(action: &str, id: &str, name: &str) -> Event {
        Event::new(EventType::Image, action, id).attr("name", name)
    }

    /// A volume event; berth has only the `local` driver.
    pub fn volume(action: &str, name: &str) -> Event {
        Event::new(EventType::Volume, action, name).attr("driver", "local")
    }

    /// A network event; `driver` is docker's `type` attribute.
    pub fn network(action: &str, id: &str, name: &str, driver: &str) -> Event {
        Event::new(EventType::Network, action, id)
            .attr("name", name)
            .attr("type", driver)
    }

    /// Stamps the event with `time_nano` (nanoseconds since the epoch) in
    /// docker's wire shape, legacy fields included.
    pub fn into_message(self, time_nano: i64) -> Message {
        let (status, id, from) = match self.kind {
            EventType::Container => (
                self.action.clone(),
                self.id.clone(),
                self.attributes.get("image").cloned().unwrap_or_default(),
            ),
            EventType::Image => (self.action.clone(), self.id.clone(), String::new()),
            _ => (String::new(), String::new(), String::new()),
        };
        Message {
            status,
            id,
            from,
            kind: self.kind.as_str().to_string(),
            action: self.action,
            actor: Actor {
                id: self.id,
                attributes: self.attributes,
            },
            scope: "local".to_string(),
            time: time_nano.div_euclid(1_000_000_000),
            time_nano,
        }
    }
}

/// One event as stored and printed: docker's `events.Message` JSON, with
/// the deprecated `status`/`id`/`from` filled for containers and images.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub status: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub from: String,
    /// A string, not [`EventType`], so a log written by a newer berth with
    /// more types still reads.
    #[serde(rename = "Type")]
    pub kind: String,
    #[serde(rename = "Action")]
    pub action: String,
    #[serde(rename = "Actor")]
    pub actor: Actor,
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub time: i64,
    #[serde(rename = "timeNano", default)]
    pub time_nano: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Actor {
    #[serde(rename = "ID")]
    pub id: String,
    #[serde(rename = "Attributes", default)]
    pub attributes: BTreeMap<String, String>,
}

/// A stored (fully qualified) image name as docker's events show it:
/// `docker.io/library/busybox:latest` → `busybox:latest`.
pub fn familiar(name: &str) -> String {
    crate::registry::reference::ImageRef::parse(name)
        .map(|r| r.familiar())
        .unwrap_or_else(|_| name.to_string())
}

/// The log file under a store root.
pub fn log_path(root: &Path) -> PathBuf {
    root.join("events").join(log::LOG_NAME)
}

/// Nanoseconds since the epoch, now.
pub fn now_nanos() -> i64 {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(d.as_nanos()).unwrap_or(i64::MAX)
}

/// Appends `event`, stamped now, to the log of the store at `root`.
/// Never fails: the event log is a record of what happened, and losing a
/// line must not turn a done `rm` into an error. `BERTH_DEBUG_EVENTS=1`
/// reports what went wrong on stderr.
pub fn record(root: &Path, event: Event) {
    let msg = event.into_message(now_nanos());
    if let Err(e) = log::append(&log_path(root), &msg, log::ROTATE_AT) {
        if std::env::var_os("BERTH_DEBUG_EVENTS").is_some() {
            eprintln!("berth: cannot record event in {}: {e}", root.display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_messages_carry_dockers_legacy_fields() {
        let e = Event::new(EventType::Container, "start", "abc")
            .attr("image", "busybox")
            .attr("name", "web");
        let m = e.into_message(1_700_000_000_123_456_789);
        let json = serde_json::to_string(&m).expect("json");
        assert_eq!(
            json,
            r#"{"status":"start","id":"abc","from":"busybox","Type":"container","Action":"start","Actor":{"ID":"abc","Attributes":{"image":"busybox","name":"web"}},"scope":"local","time":1700000000,"timeNano":1700000000123456789}"#
        );
    }

    #[test]
    fn volume_messages_have_no_legacy_fields() {
        let m = Event::volume("create", "data").into_message(5);
        let json = serde_json::to_string(&m).expect("json");
        assert_eq!(
            json,
            r#"{"Type":"volume","Action":"create","Actor":{"ID":"data","Attributes":{"driver":"local"}},"scope":"local","time":0,"timeNano":5}"#
        );
        let back: Message = serde_json::from_str(&json).expect("parse");
        assert_eq!(back, m);
    }
}
