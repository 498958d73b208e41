//! The append-only log file: how writers add a line without losing or
//! interleaving one, how it rotates, and how readers read and follow it.
//!
//! Writers open the file with `O_APPEND`, take `flock` on it, check that
//! the path still names the file they locked (another writer may have
//! rotated it while they waited), and write the line in one `write`. A
//! crash mid-write leaves a torn last line: readers skip it, and the next
//! writer starts its line on a fresh one. No fsync: the log is a record,
//! not state, and a start must not pay a disk flush for it.
//!
//! Rotation: a writer that finds the file past the size limit renames it
//! to `events.jsonl.1` (replacing the older one) under its lock; readers
//! read `.1`, then the current file.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{FileExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use super::Message;

pub const LOG_NAME: &str = "events.jsonl";

/// Size past which the log rotates: about 4000 events, so the two files
/// together hold the recent history docker's daemon keeps in memory (256
/// events) many times over, and reading them stays fast.
pub const ROTATE_AT: u64 = 1 << 20;

/// How often a writer tries again when the file was rotated under it.
const ROTATION_RETRIES: usize = 8;

/// The rotated (older) file beside `path`.
pub fn rotated_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".1");
    PathBuf::from(name)
}

fn open_append(path: &Path) -> io::Result<File> {
    let open = || {
        OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .mode(0o644)
            .open(path)
    };
    match open() {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            open()
        }
        other => other,
    }
}

fn identity(meta: &std::fs::Metadata) -> (u64, u64) {
    (meta.dev(), meta.ino())
}

/// True when `path` still names the open `file`.
fn still_named(file: &File, path: &Path) -> io::Result<bool> {
    let mine = identity(&file.metadata()?);
    match std::fs::metadata(path) {
        Ok(m) => Ok(identity(&m) == mine),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// Appends `msg` as one line, rotating first when the file has reached
/// `rotate_at` bytes.
pub fn append(path: &Path, msg: &Message, rotate_at: u64) -> io::Result<()> {
    let mut line = serde_json::to_vec(msg)?;
    line.push(b'\n');
    for _ in 0..ROTATION_RETRIES {
        let mut file = open_append(path)?;
        file.lock()?;
        if !still_named(&file, path)? {
            continue;
        }
        let size = file.metadata()?.len();
        if size >= rotate_at {
            std::fs::rename(path, rotated_path(path))?;
            // Writers waiting on this file's lock see the rename and reopen.
            continue;
        }
        if size > 0 && !ends_with_newline(&file, size) {
            // A writer died mid-line: keep that torn line from swallowing ours.
            line.insert(0, b'\n');
        }
        return file.write_all(&line);
    }
    Err(io::Error::other(format!(
        "{} was rotated {ROTATION_RETRIES} times while waiting to write",
        path.display()
    )))
}

fn ends_with_newline(file: &File, size: u64) -> bool {
    let mut last = [0u8; 1];
    matches!(file.read_at(&mut last, size - 1), Ok(1) if last[0] == b'\n')
}

/// Parses complete lines of `buf` into `out` and returns how many bytes
/// they took; a trailing partial line (still being written, or torn) is
/// left. Lines that do not parse (torn by a crash) are skipped.
fn parse_lines(buf: &[u8], out: &mut Vec<Message>) -> usize {
    let mut used = 0;
    while let Some(n) = buf[used..].iter().position(|&b| b == b'\n') {
        let line = &buf[used..used + n];
        if let Ok(m) = serde_json::from_slice::<Message>(line) {
            out.push(m);
        }
        used += n + 1;
    }
    used
}

/// Every stored event, oldest first: the rotated file, then the current.
pub fn read_all(path: &Path) -> io::Result<Vec<Message>> {
    let mut f = Follower::from_start(path);
    f.poll()
}

/// Reads the log as it grows, across rotations.
#[derive(Debug)]
pub struct Follower {
    path: PathBuf,
    file: Option<(File, (u64, u64))>,
    pending: Vec<u8>,
    /// Read the rotated file before the current one (once).
    read_rotated: bool,
    /// The first file opened is read from its end, not its start.
    skip_existing: bool,
}

impl Follower {
    /// Follows from the first stored event.
    pub fn from_start(path: &Path) -> Follower {
        Follower {
            path: path.to_path_buf(),
            file: None,
            pending: Vec::new(),
            read_rotated: true,
            skip_existing: false,
        }
    }

    /// Follows from now: only events written after this call.
    pub fn at_end(path: &Path) -> Follower {
        let mut f = Follower {
            path: path.to_path_buf(),
            file: None,
            pending: Vec::new(),
            read_rotated: false,
            skip_existing: true,
        };
        // Opened now, so what is written from here on counts as new.
        let _ = f.open_current();
        f
    }

    fn open_current(&mut self) -> io::Result<bool> {
        let mut file = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                // Created later: everything in it is new.
                self.skip_existing = false;
                return Ok(false);
            }
            Err(e) => return Err(e),
        };
        if self.skip_existing {
            file.seek(SeekFrom::End(0))?;
            self.skip_existing = false;
        }
        let id = identity(&file.metadata()?);
        self.file = Some((file, id));
        self.pending.clear();
        Ok(true)
    }

    /// The events written since the last call.
    pub fn poll(&mut self) -> io::Result<Vec<Message>> {
        let mut out = Vec::new();
        if self.file.is_none() && !self.open_current()? {
            if self.read_rotated {
                self.read_rotated = false;
                self.read_rotated_file(None, &mut out)?;
            }
            return Ok(out);
        }
        if self.read_rotated {
            self.read_rotated = false;
            let current = self.file.as_ref().map(|(_, id)| *id);
            self.read_rotated_file(current, &mut out)?;
        }
        self.drain(&mut out)?;
        let renamed = match std::fs::metadata(&self.path) {
            Ok(m) => Some(identity(&m)) != self.file.as_ref().map(|(_, id)| *id),
            Err(e) if e.kind() == io::ErrorKind::NotFound => false,
            Err(e) => return Err(e),
        };
        if renamed {
            // Lines that landed in the old file before its rename, then the new file.
            self.drain(&mut out)?;
            self.file = None;
            if self.open_current()? {
                self.drain(&mut out)?;
            }
        }
        Ok(out)
    }

    /// Reads `.1` whole, unless it is the file already open as current
    /// (rotated between opening and now: it is read as current instead).
    fn read_rotated_file(
        &self,
        current: Option<(u64, u64)>,
        out: &mut Vec<Message>,
    ) -> io::Result<()> {
        let mut old = match File::open(rotated_path(&self.path)) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        if Some(identity(&old.metadata()?)) == current {
            return Ok(());
        }
        let mut buf = Vec::new();
        old.read_to_end(&mut buf)?;
        parse_lines(&buf, out);
        Ok(())
    }

    fn drain(&mut self, out: &mut Vec<Message>) -> io::Result<()> {
        let Some((file, _)) = self.file.as_mut() else {
            return Ok(());
        };
        file.read_to_end(&mut self.pending)?;
        let used = parse_lines(&self.pending, out);
        self.pending.drain(..used);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::Event;
    use super::*;

    fn vol(n: u32) -> Message {
        Event::volume("create", &format!("v{n}")).into_message(i64::from(n))
    }

    /// A size limit that `lines` short lines (like `vol(0)`'s) reach.
    fn limit_of(lines: u64) -> u64 {
        (serde_json::to_vec(&vol(0)).expect("json").len() as u64 + 1) * lines
    }

    fn names(msgs: &[Message]) -> Vec<String> {
        msgs.iter().map(|m| m.actor.id.clone()).collect()
    }

    #[test]
    fn appends_and_reads_back_in_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("events").join(LOG_NAME);
        for n in 0..3 {
            append(&path, &vol(n), ROTATE_AT).expect("append");
        }
        assert_eq!(names(&read_all(&path).expect("read")), ["v0", "v1", "v2"]);
    }

    #[test]
    fn a_torn_last_line_is_skipped_and_the_next_write_starts_fresh() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(LOG_NAME);
        append(&path, &vol(1), ROTATE_AT).expect("append");
        let mut f = OpenOptions::new().append(true).open(&path).expect("open");
        f.write_all(br#"{"Type":"volume","Act"#).expect("tear");
        assert_eq!(names(&read_all(&path).expect("read")), ["v1"]);
        append(&path, &vol(2), ROTATE_AT).expect("append");
        assert_eq!(names(&read_all(&path).expect("read")), ["v1", "v2"]);
    }

    #[test]
    fn rotation_keeps_one_old_file_and_readers_see_both() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(LOG_NAME);
        // Two lines per file.
        let limit = limit_of(2);
        for n in 0..5 {
            append(&path, &vol(n), limit).expect("append");
        }
        // v0 v1 rotated away, v2 v3 in .1, v4 current.
        assert_eq!(names(&read_all(&path).expect("read")), ["v2", "v3", "v4"]);
        assert!(rotated_path(&path).exists());
    }

    #[test]
    fn a_follower_sees_new_lines_across_a_rotation_and_not_old_ones() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(LOG_NAME);
        let limit = limit_of(2);
        append(&path, &vol(0), limit).expect("append");
        let mut f = Follower::at_end(&path);
        assert!(f.poll().expect("poll").is_empty());
        append(&path, &vol(1), limit).expect("append");
        assert_eq!(names(&f.poll().expect("poll")), ["v1"]);
        // v2 rotates the file; v3 lands in the new one.
        append(&path, &vol(2), limit).expect("append");
        append(&path, &vol(3), limit).expect("append");
        assert_eq!(names(&f.poll().expect("poll")), ["v2", "v3"]);
        assert!(f.poll().expect("poll").is_empty());
    }

    #[test]
    fn a_follower_waits_for_a_partial_line_to_complete() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(LOG_NAME);
        let mut f = Follower::at_end(&path);
        let mut line = serde_json::to_vec(&vol(7)).expect("json");
        let mut w = open_append(&path).expect("open");
        w.write_all(&line[..10]).expect("write");
        assert!(f.poll().expect("poll").is_empty());
        line.push(b'\n');
        w.write_all(&line[10..]).expect("write");
        assert_eq!(names(&f.poll().expect("poll")), ["v7"]);
    }

    #[test]
    fn concurrent_writers_lose_and_tear_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(LOG_NAME);
        // One rotation midway, and none that would drop lines out of `.1`.
        let limit = limit_of(200);
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let path = path.clone();
                std::thread::spawn(move || {
                    for n in 0..30 {
                        append(&path, &vol(t * 1000 + n), limit).expect("append");
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("join");
        }
        let all = read_all(&path).expect("read");
        assert_eq!(all.len(), 240);
        let raw = std::fs::read_to_string(&path).expect("read");
        assert!(raw.ends_with('\n'));
    }
}
