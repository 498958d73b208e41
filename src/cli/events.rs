//! `berth events` (and `system events`): past events from the log since
//! `--since`, then new ones as other berth processes write them, until
//! `--until` or until interrupted. Without `--since`/`--until` only new
//! events print, as docker's.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use serde::Serialize;

use super::error::{CliError, CliResult};
use super::format::{FormatMode, Formatter};
use crate::events::{self, EventFilter, Follower, Message};
use crate::settings::Settings;

/// How often the log is checked for new lines while following.
const POLL_EVERY: Duration = Duration::from_millis(100);

#[derive(Debug, Args)]
pub struct EventsArgs {
    /// Filter output based on conditions provided (e.g. "type=container", "event=die")
    #[arg(short = 'f', long = "filter", value_name = "FILTER")]
    pub filters: Vec<String>,
    /// Format output using a custom template: 'json' or a Go template
    #[arg(long, value_name = "STRING")]
    pub format: Option<String>,
    /// Show all events created since timestamp
    #[arg(long, value_name = "STRING")]
    pub since: Option<String>,
    /// Stream events until this timestamp
    #[arg(long, value_name = "STRING")]
    pub until: Option<String>,
}

pub fn events(settings: &Settings, args: &EventsArgs) -> CliResult {
    let now = events::now_nanos();
    let time = |v: &Option<String>| -> CliResult<Option<i64>> {
        v.as_deref()
            .map(|s| events::parse_time(s, now).map_err(CliError::from))
            .transpose()
    };
    let since = time(&args.since)?;
    let until = time(&args.until)?;
    let filter = EventFilter::parse(&args.filters)?;
    let printer = Printer::new(args.format.as_deref())?;
    let path = events::log_path(&settings.store.root);
    let mut follower = if since.is_some() || until.is_some() {
        Follower::from_start(&path)
    } else {
        Follower::at_end(&path)
    };
    let in_range = |m: &Message| {
        since.is_none_or(|s| m.time_nano >= s) && until.is_none_or(|u| m.time_nano <= u)
    };
    let mut out = std::io::stdout();
    loop {
        // Read the clock before polling: an event stamped before `until`
        // and written after this poll is still caught by the next one.
        let polled_at = events::now_nanos();
        for m in follower.poll()? {
            if in_range(&m) && filter.matches(&m) {
                let line = printer.line(&m)?;
                match out.write_all(line.as_bytes()).and_then(|_| out.flush()) {
                    // The reader went away (`berth events | head -1`): done.
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                        return Ok(ExitCode::SUCCESS)
                    }
                    other => other?,
                }
            }
        }
        if until.is_some_and(|u| polled_at > u) {
            return Ok(ExitCode::SUCCESS);
        }
        std::thread::sleep(POLL_EVERY);
    }
}

/// How one event becomes one line.
enum Printer {
    /// docker's own line: `TIME TYPE ACTION ID (k=v, …)`.
    Text,
    /// The stored JSON, as docker's `{{json .}}` prints it.
    Json,
    Template(Box<Formatter>),
}

impl Printer {
    fn new(format: Option<&str>) -> CliResult<Printer> {
        let printer = match format {
            None | Some("") => Printer::Text,
            Some(f) if f == "json" || f.trim() == "{{json .}}" => Printer::Json,
            Some(f) => Printer::Template(Box::new(Formatter::new(FormatMode::Raw(f.to_string()))?)),
        };
        // As docker does: try the template on an empty event, so a bad one
        // fails now rather than at the first event.
        printer.line(&events::Event::new(events::EventType::Container, "", "").into_message(0))?;
        Ok(printer)
    }

    fn line(&self, m: &Message) -> CliResult<String> {
        match self {
            Printer::Text => Ok(text_line(m)),
            Printer::Json => Ok(format!("{}\n", serde_json::to_string(m)?)),
            Printer::Template(f) => {
                let value = gotmpl::to_value(&TemplateView::of(m))
                    .map_err(|e| CliError::msg(format!("cannot format event: {e}")))?;
                Ok(f.render_values(&[value], &[])?)
            }
        }
    }
}

/// docker's `printOutput`: local time with nine fraction digits, then the
/// attributes sorted by key.
fn text_line(m: &Message) -> String {
    let time = chrono::DateTime::from_timestamp_nanos(m.time_nano)
        .with_timezone(&chrono::Local)
        .format("%Y-%m-%dT%H:%M:%S%.9f%:z")
        .to_string();
    // Go prints a zero offset as Z.
    let time = match time.strip_suffix("+00:00") {
        Some(t) => format!("{t}Z"),
        None => time,
    };
    let mut line = format!("{time} {} {} {}", m.kind, m.action, m.actor.id);
    if !m.actor.attributes.is_empty() {
        let attrs: Vec<String> = m
            .actor
            .attributes
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        line.push_str(&format!(" ({})", attrs.join(", ")));
    }
    line.push('\n');
    line
}

/// The event as templates see it: docker's Go field names, not its JSON keys.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct TemplateView<'a> {
    status: &'a str,
    #[serde(rename = "ID")]
    id: &'a str,
    from: &'a str,
    #[serde(rename = "Type")]
    kind: &'a str,
    action: &'a str,
    actor: ActorView<'a>,
    scope: &'a str,
    time: i64,
    time_nano: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ActorView<'a> {
    #[serde(rename = "ID")]
    id: &'a str,
    attributes: &'a std::collections::BTreeMap<String, String>,
}

impl<'a> TemplateView<'a> {
    fn of(m: &'a Message) -> TemplateView<'a> {
        TemplateView {
            status: &m.status,
            id: &m.id,
            from: &m.from,
            kind: &m.kind,
            action: &m.action,
            actor: ActorView {
                id: &m.actor.id,
                attributes: &m.actor.attributes,
            },
            scope: &m.scope,
            time: m.time,
            time_nano: m.time_nano,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{Event, EventType};

    fn sample() -> Message {
        Event::new(EventType::Container, "die", "abc")
            .attr("name", "web")
            .attr("exitCode", "3")
            .into_message(1_700_000_000_000_000_001)
    }

    #[test]
    fn text_lines_look_like_dockers() {
        let line = text_line(&sample());
        let (time, rest) = line.split_once(' ').expect("time");
        assert_eq!(rest, "container die abc (exitCode=3, name=web)\n");
        // Nine fraction digits, whatever the local zone.
        assert!(time.contains(".000000001"), "{time}");
    }

    #[test]
    fn templates_see_go_field_names() {
        let p = Printer::new(Some(
            "{{.Type}} {{.Action}} {{.Actor.Attributes.name}} {{.Status}} {{.TimeNano}}",
        ))
        .expect("printer");
        assert_eq!(
            p.line(&sample()).expect("line"),
            "container die web die 1700000000000000001\n"
        );
    }

    #[test]
    fn json_prints_dockers_json_keys() {
        let p = Printer::new(Some("{{json .}}")).expect("printer");
        let line = p.line(&sample()).expect("line");
        assert!(line.starts_with(r#"{"status":"die","id":"abc","#), "{line}");
    }

    #[test]
    fn a_bad_template_fails_up_front() {
        assert!(Printer::new(Some("{{.Type")).is_err());
        assert!(Printer::new(Some("{{nosuchfunc .}}")).is_err());
    }
}
