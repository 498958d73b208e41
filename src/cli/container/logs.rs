//! `logs`: reads the container's log file (json-file or k8s-file), or the
//! journal for the journald driver.

use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::process::ExitCode;
use std::time::Duration;

use chrono::{SecondsFormat, Utc};

use super::args::LogsArgs;
use super::lifecycle::{find, open};
use crate::cli::error::{CliError, CliResult};
use crate::runtime::config::LogDriver;
use crate::runtime::engine;
use crate::runtime::journal;
use crate::runtime::logs::{
    parse_line, parse_time_bound, read_all_with_offset, select, LogEntry, Stream,
};
use crate::settings::Settings;
use crate::store::containers::ContainerStatus;

fn emit(e: &LogEntry, timestamps: bool) {
    let mut line = Vec::new();
    if timestamps {
        line.extend_from_slice(
            e.time
                .to_rfc3339_opts(SecondsFormat::Nanos, true)
                .as_bytes(),
        );
        line.push(b' ');
    }
    line.extend_from_slice(&e.line);
    let _ = match e.stream {
        Stream::Stdout => std::io::stdout().lock().write_all(&line),
        Stream::Stderr => std::io::stderr().lock().write_all(&line),
    };
}

pub fn logs(settings: &Settings, args: &LogsArgs) -> CliResult {
    let store = open(settings)?;
    let entry = find(&store, &args.container)?;
    let config = engine::load_config(&store, &entry.id).map_err(CliError::from)?;
    let log_cfg = config.log.clone();
    if let Some(c) = &log_cfg {
        if matches!(c.driver, LogDriver::None | LogDriver::Passthrough) {
            return Err(CliError::msg(format!(
                "configured logging driver does not support reading: the container uses the {:?} log driver",
                c.driver
            )));
        }
    }
    let path = log_cfg
        .as_ref()
        .and_then(|c| c.options.get("path").map(std::path::PathBuf::from))
        .unwrap_or_else(|| store.container_dir(&entry.id).join("ctr.log"));
    let now = Utc::now();
    let since = match &args.since {
        Some(s) => Some(parse_time_bound(s, now).map_err(CliError::msg)?),
        None => None,
    };
    let until = match &args.until {
        Some(s) => Some(parse_time_bound(s, now).map_err(CliError::msg)?),
        None => None,
    };
    let tail = match args.tail.as_str() {
        "all" | "" => None,
        n => Some(
            n.parse::<i64>()
                .map_err(|_| CliError::msg(format!("invalid value for --tail: {n:?}")))?
                .max(0) as usize,
        ),
    };
    if log_cfg
        .as_ref()
        .is_some_and(|c| c.driver == LogDriver::Journald)
    {
        return journal_logs(&store, &entry.id, args, since, until, tail);
    }
    let (entries, offset) = read_all_with_offset(&path).unwrap_or_default();
    for e in select(entries, since, until, tail) {
        emit(&e, args.timestamps);
    }
    let _ = std::io::stdout().flush();
    if !args.follow || until.is_some() {
        return Ok(ExitCode::SUCCESS);
    }
    // Follow: new lines from the current end until the container stops.
    // The monitor creates the log just after the container starts: a
    // follower that comes first waits for it rather than missing everything.
    let mut file = loop {
        match std::fs::File::open(&path) {
            Ok(f) => break f,
            Err(_) if still_running(&store, &entry.id) => {
                std::thread::sleep(Duration::from_millis(20))
            }
            Err(_) => return Ok(ExitCode::SUCCESS),
        }
    };
    // Go on exactly after what was printed above.
    let mut pos = offset;
    let mut pending = String::new();
    let mut finishing = false;
    loop {
        let len = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(pos);
        if len < pos {
            // Rotated: start over on the new file.
            file = match std::fs::File::open(&path) {
                Ok(f) => f,
                Err(_) => return Ok(ExitCode::SUCCESS),
            };
            pos = 0;
        }
        let _ = file.seek(SeekFrom::Start(pos));
        let mut reader = BufReader::new(&file);
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    pos += n as u64;
                    pending.push_str(&line);
                    if pending.ends_with('\n') {
                        if let Some(e) = parse_line(pending.trim_end_matches('\n')) {
                            if since.is_none_or(|s| e.time >= s) {
                                emit(&e, args.timestamps);
                            }
                        }
                        pending.clear();
                    }
                }
            }
        }
        let _ = std::io::stdout().flush();
        if finishing {
            return Ok(ExitCode::SUCCESS);
        }
        if !still_running(&store, &entry.id) {
            // One more pass: the last lines may have landed after this read.
            finishing = true;
            continue;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `logs` of a journald container: the entries journalctl finds for it.
fn journal_logs(
    store: &crate::store::Store,
    id: &str,
    args: &LogsArgs,
    since: Option<chrono::DateTime<Utc>>,
    until: Option<chrono::DateTime<Utc>>,
    tail: Option<usize>,
) -> CliResult {
    let to_entry = |e: journal::ReadEntry| {
        let mut line = e.message;
        if !e.partial {
            line.push(b'\n');
        }
        LogEntry {
            stream: e.stream,
            time: chrono::DateTime::from_timestamp_micros(e.realtime_us).unwrap_or_default(),
            line,
        }
    };
    let follow = args.follow && until.is_none();
    let mut collected = Vec::new();
    let mut on_entry = |e: journal::ReadEntry| {
        let e = to_entry(e);
        if follow {
            if since.is_none_or(|s| e.time >= s) {
                emit(&e, args.timestamps);
                let _ = std::io::stdout().flush();
            }
        } else {
            collected.push(e);
        }
    };
    let mut running = || still_running(store, id);
    journal::read(id, follow, tail, &mut on_entry, &mut running)
        .map_err(|e| CliError::msg(e.to_string()))?;
    for e in select(collected, since, until, tail) {
        emit(&e, args.timestamps);
    }
    let _ = std::io::stdout().flush();
    Ok(ExitCode::SUCCESS)
}

fn still_running(store: &crate::store::Store, id: &str) -> bool {
    store.find_container(id).is_ok_and(|e| {
        matches!(
            e.state.status,
            ContainerStatus::Running | ContainerStatus::Paused | ContainerStatus::Restarting
        ) && !e.state.is_stale()
    })
}
