//! Container logs: docker's json-file format (one JSON object per line:
//! `{"log":"hi\n","stream":"stdout","time":"…"}`) or podman's k8s-file
//! (`<RFC3339Nano> stdout F hi`), with `max-size`/`max-file` rotation, and
//! the reader behind `berth logs` (`--tail`, `--since`, `--until`, `-f`).
//! The same line splitting feeds the journald driver (see `journal`).

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use super::config::{LogConfig, LogDriver};
use super::journal::{JournalFields, JournalSink};
use crate::store::containers::ContainerEntry;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stream {
    Stdout,
    Stderr,
}

impl Stream {
    fn name(self) -> &'static str {
        match self {
            Stream::Stdout => "stdout",
            Stream::Stderr => "stderr",
        }
    }
}

/// docker splits long lines at 16 KiB; so do we.
const MAX_LINE: usize = 16 * 1024;

pub struct LogWriter {
    sink: Sink,
    partial: [Vec<u8>; 2],
}

/// Where complete (or cut) lines go.
enum Sink {
    File(FileSink),
    Journal(JournalSink),
}

/// json-file or k8s-file, with rotation.
struct FileSink {
    path: PathBuf,
    file: File,
    k8s: bool,
    size: u64,
    max_size: Option<u64>,
    max_files: u32,
}

#[derive(Serialize, Deserialize)]
struct JsonLine<'a> {
    log: std::borrow::Cow<'a, str>,
    stream: &'a str,
    time: String,
}

impl LogWriter {
    /// `None` for drivers that keep no file (none, passthrough).
    pub fn open(path: &Path, cfg: &LogConfig) -> io::Result<Option<LogWriter>> {
        let k8s = match cfg.driver {
            LogDriver::JsonFile => false,
            LogDriver::K8sFile => true,
            // The journal needs the container's fields: see `open_for`.
            LogDriver::None | LogDriver::Passthrough | LogDriver::Journald => return Ok(None),
        };
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        let size = file.metadata()?.len();
        Ok(Some(LogWriter {
            sink: Sink::File(FileSink {
                path: path.to_path_buf(),
                file,
                k8s,
                size,
                max_size: cfg.max_size(),
                max_files: cfg.max_files(),
            }),
            partial: [Vec::new(), Vec::new()],
        }))
    }

    /// The writer for a container's output under `cfg`: a log file at
    /// `path`, or the journal with the container's fields; `None` for
    /// drivers that keep nothing (none, passthrough).
    pub fn open_for(
        path: &Path,
        cfg: &LogConfig,
        entry: &ContainerEntry,
    ) -> io::Result<Option<LogWriter>> {
        if cfg.driver != LogDriver::Journald {
            return LogWriter::open(path, cfg);
        }
        let fields = JournalFields::new(
            &entry.id,
            &entry.name,
            &entry.image_name,
            cfg.options.get("tag").map(String::as_str),
        );
        Ok(Some(LogWriter {
            sink: Sink::Journal(JournalSink::open(fields)?),
            partial: [Vec::new(), Vec::new()],
        }))
    }

    /// Records output; complete lines are written at once, a trailing
    /// partial line waits for its newline (or `flush`).
    pub fn write(&mut self, stream: Stream, mut data: &[u8]) -> io::Result<()> {
        let idx = stream as usize;
        while !data.is_empty() {
            match data.iter().position(|&b| b == b'\n') {
                Some(i) => {
                    let mut line = std::mem::take(&mut self.partial[idx]);
                    line.extend_from_slice(&data[..=i]);
                    data = &data[i + 1..];
                    self.emit(stream, &line, true)?;
                }
                None => {
                    self.partial[idx].extend_from_slice(data);
                    data = &[];
                    if self.partial[idx].len() >= MAX_LINE {
                        let line = std::mem::take(&mut self.partial[idx]);
                        self.emit(stream, &line, false)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Writes out partial lines (at exit).
    pub fn flush(&mut self) -> io::Result<()> {
        for stream in [Stream::Stdout, Stream::Stderr] {
            let line = std::mem::take(&mut self.partial[stream as usize]);
            if !line.is_empty() {
                self.emit(stream, &line, false)?;
            }
        }
        match &mut self.sink {
            Sink::File(f) => f.file.flush(),
            Sink::Journal(_) => Ok(()),
        }
    }

    fn emit(&mut self, stream: Stream, line: &[u8], complete: bool) -> io::Result<()> {
        match &mut self.sink {
            Sink::File(f) => f.emit(stream, line, complete),
            Sink::Journal(j) => {
                let body = if complete {
                    &line[..line.len() - 1]
                } else {
                    line
                };
                j.send(stream, body, !complete)
            }
        }
    }
}

impl FileSink {
    fn emit(&mut self, stream: Stream, line: &[u8], complete: bool) -> io::Result<()> {
        let time = Utc::now().to_rfc3339_opts(SecondsFormat::Nanos, true);
        let mut rec = if self.k8s {
            let body = if complete {
                &line[..line.len() - 1]
            } else {
                line
            };
            let mut v = format!(
                "{time} {} {} ",
                stream.name(),
                if complete { "F" } else { "P" }
            )
            .into_bytes();
            v.extend_from_slice(body);
            v.push(b'\n');
            v
        } else {
            let mut v = serde_json::to_vec(&JsonLine {
                log: String::from_utf8_lossy(line),
                stream: stream.name(),
                time,
            })
            .map_err(io::Error::other)?;
            v.push(b'\n');
            v
        };
        if let Some(max) = self.max_size {
            if self.size > 0 && self.size + rec.len() as u64 > max {
                self.rotate()?;
            }
        }
        self.file.write_all(&rec)?;
        self.size += rec.len() as u64;
        rec.clear();
        Ok(())
    }

    fn rotate(&mut self) -> io::Result<()> {
        if self.max_files <= 1 {
            self.file.set_len(0)?;
            self.size = 0;
            return Ok(());
        }
        for i in (1..self.max_files - 1).rev() {
            let _ = fs::rename(rotated(&self.path, i), rotated(&self.path, i + 1));
        }
        fs::rename(&self.path, rotated(&self.path, 1))?;
        self.file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        self.size = 0;
        Ok(())
    }
}

fn rotated(path: &Path, n: u32) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(format!(".{n}"));
    PathBuf::from(s)
}

#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    pub stream: Stream,
    pub time: DateTime<Utc>,
    pub line: Vec<u8>,
}

/// Parses one stored line in either format.
pub fn parse_line(raw: &str) -> Option<LogEntry> {
    if raw.starts_with('{') {
        let j: JsonLine = serde_json::from_str(raw).ok()?;
        let time = DateTime::parse_from_rfc3339(&j.time)
            .ok()?
            .with_timezone(&Utc);
        let stream = if j.stream == "stderr" {
            Stream::Stderr
        } else {
            Stream::Stdout
        };
        return Some(LogEntry {
            stream,
            time,
            line: j.log.into_owned().into_bytes(),
        });
    }
    let mut parts = raw.splitn(4, ' ');
    let time = DateTime::parse_from_rfc3339(parts.next()?)
        .ok()?
        .with_timezone(&Utc);
    let stream = if parts.next()? == "stderr" {
        Stream::Stderr
    } else {
        Stream::Stdout
    };
    let full = parts.next()? == "F";
    let mut line = parts.next().unwrap_or("").as_bytes().to_vec();
    if full {
        line.push(b'\n');
    }
    Some(LogEntry { stream, time, line })
}

/// Every entry, oldest first, across rotated files.
pub fn read_all(path: &Path) -> io::Result<Vec<LogEntry>> {
    Ok(read_all_with_offset(path)?.0)
}

/// `read_all`, plus how many bytes of the current file it consumed (whole
/// lines only), so a follower can go on exactly where the read stopped.
pub fn read_all_with_offset(path: &Path) -> io::Result<(Vec<LogEntry>, u64)> {
    let mut files = Vec::new();
    for i in (1..100).rev() {
        let p = rotated(path, i);
        if p.exists() {
            files.push(p);
        }
    }
    files.push(path.to_path_buf());
    let mut out = Vec::new();
    let mut offset = 0u64;
    let last = files.len() - 1;
    for (n, f) in files.into_iter().enumerate() {
        let file = match File::open(&f) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        let mut reader = BufReader::new(file);
        loop {
            let mut line = String::new();
            let read = reader.read_line(&mut line)?;
            if read == 0 || !line.ends_with('\n') {
                break;
            }
            if n == last {
                offset += read as u64;
            }
            if let Some(e) = parse_line(line.trim_end_matches('\n')) {
                out.push(e);
            }
        }
    }
    Ok((out, offset))
}

/// `--since`/`--until`: RFC 3339, a Unix timestamp, or a relative duration (`42m`).
pub fn parse_time_bound(s: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(secs) = s.parse::<f64>() {
        let whole = secs.trunc() as i64;
        let nanos = ((secs.fract()) * 1e9) as u32;
        return DateTime::from_timestamp(whole, nanos).ok_or_else(|| format!("invalid time {s:?}"));
    }
    if let Ok(d) = super::config::parse_duration(s) {
        let d = chrono::TimeDelta::from_std(d).map_err(|_| format!("invalid time {s:?}"))?;
        return Ok(now - d);
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, fmt) {
            return Ok(t.and_utc());
        }
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        if let Some(t) = d.and_hms_opt(0, 0, 0) {
            return Ok(t.and_utc());
        }
    }
    Err(format!(
        "invalid time {s:?}: use RFC 3339 (2013-01-02T13:23:37Z), a Unix timestamp, or a duration like 42m"
    ))
}

/// Selects what `logs` shows: since/until filter, then the last `tail` entries.
pub fn select(
    entries: Vec<LogEntry>,
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
    tail: Option<usize>,
) -> Vec<LogEntry> {
    let mut v: Vec<LogEntry> = entries
        .into_iter()
        .filter(|e| since.is_none_or(|s| e.time >= s) && until.is_none_or(|u| e.time <= u))
        .collect();
    if let Some(n) = tail {
        let skip = v.len().saturating_sub(n);
        v.drain(..skip);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(driver: LogDriver, opts: &[(&str, &str)]) -> LogConfig {
        LogConfig {
            driver,
            options: opts
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn json_file_round_trips_lines_and_partials() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("ctr.log");
        let mut w = LogWriter::open(&p, &cfg(LogDriver::JsonFile, &[]))
            .expect("open")
            .expect("writer");
        w.write(Stream::Stdout, b"hello\nwor").expect("write");
        w.write(Stream::Stderr, b"oops\n").expect("write");
        w.write(Stream::Stdout, b"ld\ntail").expect("write");
        w.flush().expect("flush");
        let entries = read_all(&p).expect("read");
        let lines: Vec<_> = entries
            .iter()
            .map(|e| (e.stream, String::from_utf8_lossy(&e.line).into_owned()))
            .collect();
        assert_eq!(
            lines,
            vec![
                (Stream::Stdout, "hello\n".to_string()),
                (Stream::Stderr, "oops\n".to_string()),
                (Stream::Stdout, "world\n".to_string()),
                (Stream::Stdout, "tail".to_string()),
            ]
        );
        let raw = fs::read_to_string(&p).expect("read");
        assert!(raw.starts_with("{\"log\":\"hello\\n\",\"stream\":\"stdout\",\"time\":\""));
    }

    #[test]
    fn k8s_file_format_and_rotation() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("ctr.log");
        let mut w = LogWriter::open(
            &p,
            &cfg(
                LogDriver::K8sFile,
                &[("max-size", "200"), ("max-file", "2")],
            ),
        )
        .expect("open")
        .expect("writer");
        for i in 0..20 {
            w.write(Stream::Stdout, format!("line {i}\n").as_bytes())
                .expect("write");
        }
        w.flush().expect("flush");
        assert!(rotated(&p, 1).exists());
        assert!(!rotated(&p, 2).exists());
        let all = read_all(&p).expect("read");
        assert_eq!(
            all.last().map(|e| e.line.clone()),
            Some(b"line 19\n".to_vec())
        );
        assert!(fs::metadata(&p).expect("meta").len() <= 200);
    }

    #[test]
    fn tail_and_time_bounds() {
        let now = Utc::now();
        let mk = |s: i64| LogEntry {
            stream: Stream::Stdout,
            time: now - chrono::TimeDelta::seconds(s),
            line: vec![],
        };
        let v = vec![mk(300), mk(200), mk(100), mk(10)];
        assert_eq!(select(v.clone(), None, None, Some(2)).len(), 2);
        let since = parse_time_bound("150s", now).expect("duration");
        assert_eq!(select(v, Some(since), None, None).len(), 2);
        assert!(parse_time_bound("2013-01-02T13:23:37Z", now).is_ok());
        assert!(parse_time_bound("yesterday", now).is_err());
    }
}
