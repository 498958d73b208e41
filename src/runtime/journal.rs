//! docker's `journald` log driver: every line a container writes becomes one
//! journal entry, sent over journald's native protocol (a datagram to
//! `/run/systemd/journal/socket`, or `$BERTH_JOURNAL_SOCKET`) with docker's
//! fields: MESSAGE, PRIORITY (6 stdout, 3 stderr), SYSLOG_IDENTIFIER and
//! CONTAINER_TAG (`--log-opt tag`, default the 12-char id), CONTAINER_ID,
//! CONTAINER_ID_FULL, CONTAINER_NAME, IMAGE_NAME, and
//! CONTAINER_PARTIAL_MESSAGE=true on a line split at 16 KiB or cut by exit.
//!
//! Encoding (systemd's "Native Journal Protocol"): `NAME=value\n` per field,
//! or, when the value holds a newline, `NAME\n` + its length as u64 little
//! endian + the bytes + `\n`. An entry too big for one datagram (EMSGSIZE)
//! goes the documented way: written to a sealed memfd whose descriptor is
//! sent alone with SCM_RIGHTS, so nothing is truncated.
//!
//! `berth logs` reads these entries back through `journalctl -o json`.

use std::fs::File;
use std::io::{self, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::fs::FileTypeExt;
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};

use super::logs::Stream;

/// Where journald listens for native-protocol datagrams.
pub const DEFAULT_SOCKET: &str = "/run/systemd/journal/socket";

/// Overrides [`DEFAULT_SOCKET`] (tests; hosts with the journal elsewhere).
pub const SOCKET_ENV: &str = "BERTH_JOURNAL_SOCKET";

/// What can go wrong writing to or reading from the journal.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// No journald socket where berth looks (docker: "journald is not enabled on this host").
    #[error(
        "the journald log driver needs journald's socket at {}, which does not exist: \
         start systemd-journald, point {SOCKET_ENV} at its socket, or use another --log-driver",
        path.display()
    )]
    NotAvailable { path: PathBuf },

    /// `berth logs` can only read through journalctl, from the system journal.
    #[error(
        "configured logging driver does not support reading: {reason}; read the journal \
         directly, e.g. journalctl CONTAINER_ID_FULL={id}"
    )]
    CannotRead { id: String, reason: String },

    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: io::Error,
    },

    /// A datagram that does not follow the native protocol.
    #[error("malformed journal entry: {0}")]
    Malformed(&'static str),
}

/// The journal socket in use: `$BERTH_JOURNAL_SOCKET` or the default.
pub fn socket_path() -> PathBuf {
    match std::env::var_os(SOCKET_ENV) {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => PathBuf::from(DEFAULT_SOCKET),
    }
}

/// Checked at create, as docker does, so a container never runs with its
/// output going nowhere.
pub fn check_available() -> Result<(), JournalError> {
    let path = socket_path();
    match std::fs::metadata(&path) {
        Ok(m) if m.file_type().is_socket() => Ok(()),
        _ => Err(JournalError::NotAvailable { path }),
    }
}

/// The fields that name the container on each of its entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalFields {
    pub tag: String,
    pub id_full: String,
    pub name: String,
    pub image: String,
}

impl JournalFields {
    /// `tag` is docker's `--log-opt tag` template; the placeholders docker
    /// documents for it are expanded, others are kept as written.
    pub fn new(id_full: &str, name: &str, image: &str, tag: Option<&str>) -> JournalFields {
        let short = id_full.get(..12).unwrap_or(id_full);
        let tag = tag
            .filter(|t| !t.is_empty())
            .unwrap_or("{{.ID}}")
            .replace("{{.ID}}", short)
            .replace("{{.FullID}}", id_full)
            .replace("{{.Name}}", name)
            .replace("{{.ImageName}}", image)
            .replace("{{.DaemonName}}", "berth");
        JournalFields {
            tag,
            id_full: id_full.to_string(),
            name: name.to_string(),
            image: image.to_string(),
        }
    }

    fn id_short(&self) -> &str {
        self.id_full.get(..12).unwrap_or(&self.id_full)
    }
}

/// Append one field in the native protocol's text or binary-safe form.
pub fn encode_field(buf: &mut Vec<u8>, name: &str, value: &[u8]) {
    buf.extend_from_slice(name.as_bytes());
    if value.contains(&b'\n') {
        buf.push(b'\n');
        buf.extend_from_slice(&(value.len() as u64).to_le_bytes());
    } else {
        buf.push(b'=');
    }
    buf.extend_from_slice(value);
    buf.push(b'\n');
}

/// One journal entry for a line of output (`line` without its newline).
pub fn encode_entry(f: &JournalFields, stream: Stream, line: &[u8], partial: bool) -> Vec<u8> {
    let mut buf = Vec::with_capacity(line.len() + 256);
    encode_field(&mut buf, "MESSAGE", line);
    let priority = match stream {
        Stream::Stdout => b"6",
        Stream::Stderr => b"3",
    };
    encode_field(&mut buf, "PRIORITY", priority);
    encode_field(&mut buf, "SYSLOG_IDENTIFIER", f.tag.as_bytes());
    encode_field(&mut buf, "CONTAINER_ID", f.id_short().as_bytes());
    encode_field(&mut buf, "CONTAINER_ID_FULL", f.id_full.as_bytes());
    encode_field(&mut buf, "CONTAINER_NAME", f.name.as_bytes());
    encode_field(&mut buf, "CONTAINER_TAG", f.tag.as_bytes());
    encode_field(&mut buf, "IMAGE_NAME", f.image.as_bytes());
    if partial {
        encode_field(&mut buf, "CONTAINER_PARTIAL_MESSAGE", b"true");
    }
    buf
}

/// Split a native-protocol datagram back into its fields, in order.
pub fn decode_entry(mut data: &[u8]) -> Result<Vec<(String, Vec<u8>)>, JournalError> {
    let mut out = Vec::new();
    while !data.is_empty() {
        let end = data
            .iter()
            .position(|&b| b == b'\n' || b == b'=')
            .ok_or(JournalError::Malformed("field without '=' or newline"))?;
        let name = String::from_utf8_lossy(&data[..end]).into_owned();
        if data[end] == b'=' {
            let rest = &data[end + 1..];
            let nl = rest
                .iter()
                .position(|&b| b == b'\n')
                .ok_or(JournalError::Malformed("value without newline"))?;
            out.push((name, rest[..nl].to_vec()));
            data = &rest[nl + 1..];
        } else {
            let rest = &data[end + 1..];
            let len_bytes: [u8; 8] = rest
                .get(..8)
                .and_then(|b| b.try_into().ok())
                .ok_or(JournalError::Malformed("short length"))?;
            let len = usize::try_from(u64::from_le_bytes(len_bytes))
                .map_err(|_| JournalError::Malformed("length too large"))?;
            let value = rest
                .get(8..8 + len)
                .ok_or(JournalError::Malformed("value shorter than its length"))?;
            if rest.get(8 + len) != Some(&b'\n') {
                return Err(JournalError::Malformed("binary value without newline"));
            }
            out.push((name, value.to_vec()));
            data = &rest[8 + len + 1..];
        }
    }
    Ok(out)
}

/// A connection to the journal for one container's output.
pub struct JournalSink {
    sock: UnixDatagram,
    path: PathBuf,
    fields: JournalFields,
}

impl JournalSink {
    pub fn open(fields: JournalFields) -> io::Result<JournalSink> {
        Ok(JournalSink {
            sock: UnixDatagram::unbound()?,
            path: socket_path(),
            fields,
        })
    }

    /// Send one line (without its newline) as one entry.
    pub fn send(&self, stream: Stream, line: &[u8], partial: bool) -> io::Result<()> {
        let entry = encode_entry(&self.fields, stream, line, partial);
        match self.sock.send_to(&entry, &self.path) {
            Ok(_) => Ok(()),
            Err(e) if matches!(e.raw_os_error(), Some(libc::EMSGSIZE) | Some(libc::ENOBUFS)) => {
                send_memfd(&self.sock, &self.path, &entry)
            }
            Err(e) => Err(e),
        }
    }
}

/// journald's way for big entries: the payload in a sealed memfd, its
/// descriptor the only content of the datagram.
fn send_memfd(sock: &UnixDatagram, path: &Path, payload: &[u8]) -> io::Result<()> {
    use nix::sys::socket::{sendmsg, ControlMessage, MsgFlags, UnixAddr};
    let name = c"berth-journal";
    // SAFETY: memfd_create takes a NUL-terminated name and flags; the
    // returned descriptor is new and owned here.
    let fd =
        unsafe { libc::memfd_create(name.as_ptr(), libc::MFD_CLOEXEC | libc::MFD_ALLOW_SEALING) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fd was just returned by memfd_create and nothing else owns it.
    let mut file = File::from(unsafe { OwnedFd::from_raw_fd(fd) });
    file.write_all(payload)?;
    let seals = libc::F_SEAL_SHRINK | libc::F_SEAL_GROW | libc::F_SEAL_WRITE | libc::F_SEAL_SEAL;
    // SAFETY: F_ADD_SEALS on our own memfd.
    if unsafe { libc::fcntl(file.as_raw_fd(), libc::F_ADD_SEALS, seals) } < 0 {
        return Err(io::Error::last_os_error());
    }
    let addr = UnixAddr::new(path).map_err(io::Error::from)?;
    let fds = [file.as_raw_fd()];
    sendmsg(
        sock.as_raw_fd(),
        &[],
        &[ControlMessage::ScmRights(&fds)],
        MsgFlags::empty(),
        Some(&addr),
    )
    .map(|_| ())
    .map_err(io::Error::from)
}

/// One entry read back from the journal.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadEntry {
    pub stream: Stream,
    /// Microseconds since the epoch (`__REALTIME_TIMESTAMP`).
    pub realtime_us: i64,
    pub message: Vec<u8>,
    pub partial: bool,
}

/// Parse one line of `journalctl -o json`. MESSAGE is a string, or an array
/// of bytes when it is not valid UTF-8.
pub fn parse_journalctl_json(line: &str) -> Option<ReadEntry> {
    let v: serde_json::Value = serde_json::from_str(line).ok()?;
    let message = match &v["MESSAGE"] {
        serde_json::Value::String(s) => s.as_bytes().to_vec(),
        serde_json::Value::Array(a) => a
            .iter()
            .map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok()))
            .collect::<Option<Vec<u8>>>()?,
        _ => return None,
    };
    let stream = if v["PRIORITY"].as_str() == Some("3") {
        Stream::Stderr
    } else {
        Stream::Stdout
    };
    let realtime_us = v["__REALTIME_TIMESTAMP"].as_str()?.parse().ok()?;
    let partial = v["CONTAINER_PARTIAL_MESSAGE"].as_str() == Some("true");
    Some(ReadEntry {
        stream,
        realtime_us,
        message,
        partial,
    })
}

/// The `journalctl` command that lists a container's entries, or why the
/// journal cannot be read: berth reads only the system journal (the default
/// socket), through journalctl. `tail` applies only when following (a plain
/// read selects the tail itself, after `--since`/`--until`).
pub fn journalctl_command(
    id_full: &str,
    follow: bool,
    tail: Option<usize>,
) -> Result<std::process::Command, JournalError> {
    let cannot = |reason: String| JournalError::CannotRead {
        id: id_full.to_string(),
        reason,
    };
    if socket_path() != Path::new(DEFAULT_SOCKET) {
        return Err(cannot(format!(
            "{SOCKET_ENV} points at another journal ({})",
            socket_path().display()
        )));
    }
    let exe = find_in_path("journalctl")
        .ok_or_else(|| cannot("journalctl is not installed".to_string()))?;
    let mut cmd = std::process::Command::new(exe);
    cmd.args(["--no-pager", "-o", "json", "--all"]);
    if follow {
        cmd.arg("--follow");
        // -f alone would start at the last ten entries.
        match tail {
            Some(n) => cmd.arg(format!("--lines={n}")),
            None => cmd.arg("--no-tail"),
        };
    }
    cmd.arg(format!("CONTAINER_ID_FULL={id_full}"));
    Ok(cmd)
}

/// Read a container's entries through journalctl, handing each to
/// `on_entry`. Following goes on while `running()` says the container
/// runs, then drains what journalctl still prints for a moment and stops it.
pub fn read(
    id_full: &str,
    follow: bool,
    tail: Option<usize>,
    on_entry: &mut dyn FnMut(ReadEntry),
    running: &mut dyn FnMut() -> bool,
) -> Result<(), JournalError> {
    use std::io::BufRead;
    use std::process::Stdio;
    let io_err = |what: &str, source: io::Error| JournalError::Io {
        what: what.to_string(),
        source,
    };
    let mut cmd = journalctl_command(id_full, follow, tail)?;
    cmd.stdout(Stdio::piped()).stdin(Stdio::null());
    let mut child = cmd.spawn().map_err(|e| io_err("run journalctl", e))?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| io_err("read journalctl", io::ErrorKind::BrokenPipe.into()))?;
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        for line in io::BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let tick = std::time::Duration::from_millis(200);
    let mut stopping_at = None;
    loop {
        match rx.recv_timeout(tick) {
            Ok(line) => {
                if let Some(e) = parse_journalctl_json(&line) {
                    on_entry(e);
                }
                continue;
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
        }
        if follow && stopping_at.is_none() && !running() {
            // journald may still be writing the last lines.
            stopping_at = Some(std::time::Instant::now() + tick * 3);
        }
        if stopping_at.is_some_and(|t| std::time::Instant::now() >= t) {
            let _ = child.kill();
            break;
        }
    }
    let status = child.wait().map_err(|e| io_err("wait for journalctl", e))?;
    let _ = reader.join();
    if !follow && !status.success() {
        return Err(JournalError::CannotRead {
            id: id_full.to_string(),
            reason: format!("journalctl failed ({status})"),
        });
    }
    Ok(())
}

fn find_in_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn fields() -> JournalFields {
        JournalFields::new(ID, "web", "busybox:latest", None)
    }

    #[test]
    fn text_fields_use_the_equals_form() {
        let e = encode_entry(&fields(), Stream::Stdout, b"hello", false);
        let text = String::from_utf8(e).unwrap();
        assert!(text.starts_with("MESSAGE=hello\nPRIORITY=6\n"), "{text}");
        assert!(text.contains("SYSLOG_IDENTIFIER=0123456789ab\n"));
        assert!(text.contains("CONTAINER_ID=0123456789ab\n"));
        assert!(text.contains(&format!("CONTAINER_ID_FULL={ID}\n")));
        assert!(text.contains("CONTAINER_NAME=web\nCONTAINER_TAG=0123456789ab\n"));
        assert!(text.ends_with("IMAGE_NAME=busybox:latest\n"));
    }

    #[test]
    fn a_value_with_a_newline_uses_the_length_prefixed_form() {
        let mut buf = Vec::new();
        encode_field(&mut buf, "MESSAGE", b"a\nb");
        let mut want = b"MESSAGE\n".to_vec();
        want.extend_from_slice(&3u64.to_le_bytes());
        want.extend_from_slice(b"a\nb\n");
        assert_eq!(buf, want);
    }

    #[test]
    fn entries_decode_back_in_both_forms() {
        let e = encode_entry(&fields(), Stream::Stderr, b"multi\nline", true);
        let got = decode_entry(&e).unwrap();
        assert_eq!(got[0], ("MESSAGE".into(), b"multi\nline".to_vec()));
        assert_eq!(got[1], ("PRIORITY".into(), b"3".to_vec()));
        assert_eq!(
            got.last().unwrap(),
            &("CONTAINER_PARTIAL_MESSAGE".into(), b"true".to_vec())
        );
        assert!(decode_entry(b"MESSAGE\n\x05\0\0\0\0\0\0\0ab").is_err());
        assert!(decode_entry(b"NOVALUE").is_err());
    }

    #[test]
    fn tag_templates_expand_docker_placeholders() {
        let f = JournalFields::new(ID, "web", "img", Some("{{.Name}}/{{.ID}}"));
        assert_eq!(f.tag, "web/0123456789ab");
        let f = JournalFields::new(ID, "web", "img", Some("fixed"));
        assert_eq!(f.tag, "fixed");
    }

    #[test]
    fn sink_sends_one_datagram_per_line_and_big_ones_via_memfd() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.sock");
        let server = UnixDatagram::bind(&path).unwrap();
        let sink = JournalSink {
            sock: UnixDatagram::unbound().unwrap(),
            path: path.clone(),
            fields: fields(),
        };
        sink.send(Stream::Stdout, b"small", false).unwrap();
        let mut buf = vec![0u8; 65536];
        let n = server.recv(&mut buf).unwrap();
        assert_eq!(decode_entry(&buf[..n]).unwrap()[0].1, b"small");
        // The memfd path, as taken on EMSGSIZE: an empty datagram with one fd.
        let big = encode_entry(&fields(), Stream::Stdout, &vec![b'x'; 300_000], false);
        send_memfd(&sink.sock, &path, &big).unwrap();
        let mut space = nix::cmsg_space!([std::os::fd::RawFd; 1]);
        let mut iov = [io::IoSliceMut::new(&mut buf)];
        let msg = nix::sys::socket::recvmsg::<()>(
            server.as_raw_fd(),
            &mut iov,
            Some(&mut space),
            nix::sys::socket::MsgFlags::empty(),
        )
        .unwrap();
        assert_eq!(msg.bytes, 0);
        let fd = msg
            .cmsgs()
            .unwrap()
            .find_map(|c| match c {
                nix::sys::socket::ControlMessageOwned::ScmRights(f) => f.first().copied(),
                _ => None,
            })
            .unwrap();
        // SAFETY: the fd was just received and is owned by this test.
        let mut f = File::from(unsafe { OwnedFd::from_raw_fd(fd) });
        // The sender's writes left the shared file offset at the end.
        io::Seek::seek(&mut f, io::SeekFrom::Start(0)).unwrap();
        let mut got = Vec::new();
        io::Read::read_to_end(&mut f, &mut got).unwrap();
        assert_eq!(got, big);
    }

    #[test]
    fn journalctl_json_lines_parse_text_and_byte_messages() {
        let l = r#"{"MESSAGE":"hi","PRIORITY":"6","__REALTIME_TIMESTAMP":"1700000000000000"}"#;
        let e = parse_journalctl_json(l).unwrap();
        assert_eq!(
            (e.stream, e.message.as_slice()),
            (Stream::Stdout, &b"hi"[..])
        );
        let l = r#"{"MESSAGE":[104,255],"PRIORITY":"3","__REALTIME_TIMESTAMP":"1"}"#;
        let e = parse_journalctl_json(l).unwrap();
        assert_eq!((e.stream, e.message), (Stream::Stderr, vec![104, 255]));
        assert!(parse_journalctl_json("{}").is_none());
    }
}
