//! systemd's readiness protocol (sd_notify(3)) and `--sdnotify`: who tells
//! a `Type=notify` unit that the service is up. One datagram of
//! newline-separated `KEY=VALUE` lines to the socket named by
//! `$NOTIFY_SOCKET` (a path, or an abstract name written `@name`).
//!
//! The modes are podman's: `conmon` (berth's supervisor reports
//! `MAINPID` and `READY=1` once the container runs), `container` (the
//! container gets the socket and reports `READY=1` itself; berth reports
//! only `MAINPID`), `ignore` (nothing, and the container never sees the
//! socket).

use std::ffi::OsStr;
use std::io;
use std::os::linux::net::SocketAddrExt;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::net::{SocketAddr, UnixDatagram};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Where the container finds the notify socket with `--sdnotify=container`.
pub const CONTAINER_SOCKET: &str = "/run/notify/notify.sock";

/// The environment variable systemd names its socket in.
pub const NOTIFY_SOCKET: &str = "NOTIFY_SOCKET";

/// `--sdnotify`. The CLI's default is `conmon` (podman's); the type's
/// default is `ignore`, so containers berth makes for itself (build
/// steps) and records from before the flag never talk to systemd.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SdNotifyMode {
    Container,
    Conmon,
    #[default]
    Ignore,
}

#[derive(Debug, thiserror::Error)]
pub enum SdNotifyError {
    #[error("invalid --sdnotify value {0:?}: use container, conmon or ignore")]
    InvalidMode(String),
    #[error("NOTIFY_SOCKET={0} is an abstract socket, which cannot be bind-mounted into a container; use --sdnotify=conmon (berth reports readiness itself) or give the service a socket path")]
    AbstractSocket(String),
    #[error("cannot plan the notify socket mount: {0}")]
    Spec(String),
}

impl SdNotifyMode {
    /// The flag's value; `None` (flag not given) is `conmon`.
    pub fn parse(value: Option<&str>) -> Result<SdNotifyMode, SdNotifyError> {
        match value {
            None | Some("conmon") => Ok(SdNotifyMode::Conmon),
            Some("container") => Ok(SdNotifyMode::Container),
            Some("ignore") => Ok(SdNotifyMode::Ignore),
            Some(other) => Err(SdNotifyError::InvalidMode(other.to_string())),
        }
    }

    /// What the supervising process (pid `supervisor`) reports once the
    /// container runs; `None` when it reports nothing.
    pub fn supervisor_message(self, supervisor: u32) -> Option<String> {
        match self {
            SdNotifyMode::Conmon => Some(format!("MAINPID={supervisor}\nREADY=1")),
            // The container says READY itself; systemd must still learn
            // which process to watch, since berth's own pid may be the one
            // it started (`run`) or may have exited (`run -d`).
            SdNotifyMode::Container => Some(format!("MAINPID={supervisor}")),
            SdNotifyMode::Ignore => None,
        }
    }

    /// The host socket to bind-mount at [`CONTAINER_SOCKET`], given the
    /// supervisor's `$NOTIFY_SOCKET`: only in `container` mode and only
    /// when systemd gave one.
    pub fn container_socket(
        self,
        notify_socket: Option<&OsStr>,
    ) -> Result<Option<PathBuf>, SdNotifyError> {
        let Some(socket) = notify_socket.filter(|s| !s.is_empty()) else {
            return Ok(None);
        };
        if self != SdNotifyMode::Container {
            return Ok(None);
        }
        if socket.as_bytes().starts_with(b"@") {
            return Err(SdNotifyError::AbstractSocket(
                socket.to_string_lossy().into_owned(),
            ));
        }
        let path = PathBuf::from(socket);
        Ok(Some(std::path::absolute(&path).unwrap_or(path)))
    }
}

/// Sends `message` to `$NOTIFY_SOCKET`; `Ok(false)` when it is unset (not
/// run by systemd, or nothing to tell).
pub fn notify(message: &str) -> io::Result<bool> {
    notify_maybe(std::env::var_os(NOTIFY_SOCKET).as_deref(), message)
}

/// As [`notify`], with the socket given (unset or empty: `Ok(false)`).
pub fn notify_maybe(socket: Option<&OsStr>, message: &str) -> io::Result<bool> {
    match socket.filter(|s| !s.is_empty()) {
        Some(socket) => notify_to(socket, message).map(|()| true),
        None => Ok(false),
    }
}

/// Sends one datagram to `socket`: a path, or an abstract name when it
/// starts with `@` (systemd's spelling of the leading NUL byte).
pub fn notify_to(socket: &OsStr, message: &str) -> io::Result<()> {
    let sock = UnixDatagram::unbound()?;
    let bytes = socket.as_bytes();
    let sent = match bytes.strip_prefix(b"@") {
        Some(name) => sock.send_to_addr(message.as_bytes(), &SocketAddr::from_abstract_name(name)?),
        None => sock.send_to(message.as_bytes(), socket),
    }?;
    if sent != message.len() {
        return Err(io::Error::new(
            io::ErrorKind::WriteZero,
            format!("sd_notify: sent {sent} of {} bytes", message.len()),
        ));
    }
    Ok(())
}

/// Tells systemd what `mode` says the supervisor (pid `supervisor`)
/// reports; `Ok(false)` when there was nothing to send or nobody to tell.
pub fn announce(mode: SdNotifyMode, supervisor: u32) -> io::Result<bool> {
    match mode.supervisor_message(supervisor) {
        Some(msg) => notify(&msg),
        None => Ok(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn receive(sock: &UnixDatagram) -> String {
        sock.set_read_timeout(Some(Duration::from_secs(5)))
            .expect("set timeout");
        let mut buf = [0u8; 256];
        let n = sock.recv(&mut buf).expect("a datagram arrives");
        String::from_utf8_lossy(&buf[..n]).into_owned()
    }

    #[test]
    fn a_path_socket_receives_one_datagram() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("notify");
        let server = UnixDatagram::bind(&path).expect("bind");
        notify_to(path.as_os_str(), "MAINPID=42\nREADY=1").expect("send");
        assert_eq!(receive(&server), "MAINPID=42\nREADY=1");
    }

    #[test]
    fn an_at_sign_names_an_abstract_socket() {
        let name = format!("berth-sdnotify-test-{}", std::process::id());
        let addr = SocketAddr::from_abstract_name(name.as_bytes()).expect("abstract name");
        let server = UnixDatagram::bind_addr(&addr).expect("bind abstract");
        notify_to(OsStr::new(&format!("@{name}")), "READY=1").expect("send");
        assert_eq!(receive(&server), "READY=1");
    }

    #[test]
    fn a_missing_socket_is_an_error_not_a_hang() {
        let dir = tempfile::tempdir().expect("temp dir");
        let missing = dir.path().join("nobody-listens");
        assert!(notify_to(missing.as_os_str(), "READY=1").is_err());
    }

    #[test]
    fn unset_notify_socket_sends_nothing() {
        // The environment itself is left alone: other tests run in threads.
        assert!(!notify_maybe(None, "READY=1").expect("no error when unset"));
        assert!(!notify_maybe(Some(OsStr::new("")), "READY=1").expect("empty is unset"));
    }

    #[test]
    fn modes_parse_with_conmon_as_the_default() {
        assert_eq!(SdNotifyMode::parse(None).ok(), Some(SdNotifyMode::Conmon));
        assert_eq!(
            SdNotifyMode::parse(Some("container")).ok(),
            Some(SdNotifyMode::Container)
        );
        assert_eq!(
            SdNotifyMode::parse(Some("ignore")).ok(),
            Some(SdNotifyMode::Ignore)
        );
        let err = SdNotifyMode::parse(Some("sometimes")).expect_err("invalid");
        assert!(err.to_string().contains("sometimes"));
    }

    #[test]
    fn each_mode_says_what_the_supervisor_reports() {
        assert_eq!(
            SdNotifyMode::Conmon.supervisor_message(7).as_deref(),
            Some("MAINPID=7\nREADY=1")
        );
        assert_eq!(
            SdNotifyMode::Container.supervisor_message(7).as_deref(),
            Some("MAINPID=7")
        );
        assert_eq!(SdNotifyMode::Ignore.supervisor_message(7), None);
    }

    #[test]
    fn only_container_mode_mounts_the_socket_and_never_an_abstract_one() {
        let path = OsStr::new("/run/systemd/notify");
        assert_eq!(
            SdNotifyMode::Container.container_socket(Some(path)).ok(),
            Some(Some(PathBuf::from("/run/systemd/notify")))
        );
        assert_eq!(
            SdNotifyMode::Conmon.container_socket(Some(path)).ok(),
            Some(None)
        );
        assert_eq!(
            SdNotifyMode::Container.container_socket(None).ok(),
            Some(None)
        );
        let err = SdNotifyMode::Container
            .container_socket(Some(OsStr::new("@abstract")))
            .expect_err("abstract is refused");
        assert!(err.to_string().contains("@abstract"));
        assert_eq!(
            SdNotifyMode::Ignore
                .container_socket(Some(OsStr::new("@abstract")))
                .ok(),
            Some(None)
        );
    }
}
