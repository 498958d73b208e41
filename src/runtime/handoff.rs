//! What a systemd service hands berth and berth hands on to the container:
//! socket-activated fds (`LISTEN_FDS`, sd_listen_fds(3)) and, with
//! `--sdnotify=container`, the notify socket. Both become edits of the OCI
//! spec at each start; the launcher moves the fds to 3… and writes the
//! process's real pid into `LISTEN_PID` just before exec.

use std::ffi::OsStr;
use std::os::fd::RawFd;
use std::sync::OnceLock;

use oci_spec::runtime::{MountBuilder, Spec};

use super::sdnotify::{SdNotifyError, SdNotifyMode, CONTAINER_SOCKET, NOTIFY_SOCKET};

/// The variables of sd_listen_fds(3).
const LISTEN_VARS: [&str; 3] = ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"];

/// More than any socket unit passes; a larger count is a corrupt environment.
const MAX_LISTEN_FDS: usize = 4096;

/// Sockets systemd passed to this process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenFds {
    /// They are fds 3 … 3+count-1.
    pub count: usize,
    /// `LISTEN_FDNAMES` as given (colon-separated), when given.
    pub names: Option<String>,
}

impl ListenFds {
    /// sd_listen_fds' rule: the variables count only when `LISTEN_PID`
    /// names this process (`own_pid`); anything else was meant for
    /// another process (a shell between systemd and berth, say).
    pub fn from_vars(
        pid: Option<&str>,
        fds: Option<&str>,
        names: Option<&str>,
        own_pid: u32,
    ) -> Option<ListenFds> {
        let pid: u32 = pid?.trim().parse().ok()?;
        let count: usize = fds?.trim().parse().ok()?;
        if pid != own_pid || count == 0 || count > MAX_LISTEN_FDS {
            return None;
        }
        Some(ListenFds {
            count,
            names: names.map(str::to_string),
        })
    }

    /// The fds themselves, in order.
    pub fn fds(&self) -> Vec<RawFd> {
        (3..3 + self.count as RawFd).collect()
    }
}

static ACTIVATION: OnceLock<Option<ListenFds>> = OnceLock::new();

/// Takes socket activation out of berth's environment, once per process
/// (later calls return the same answer). Call it before any thread or
/// child process starts: it removes the `LISTEN_*` variables, so nothing
/// else berth spawns (the monitor, network helpers) inherits them, and
/// marks the fds close-on-exec, so they reach only the container (the
/// launcher dups them onto 3…, which clears the flag there).
pub fn take_listen_fds() -> Option<ListenFds> {
    ACTIVATION
        .get_or_init(|| {
            let var = |k: &str| std::env::var(k).ok();
            let found = ListenFds::from_vars(
                var("LISTEN_PID").as_deref(),
                var("LISTEN_FDS").as_deref(),
                var("LISTEN_FDNAMES").as_deref(),
                std::process::id(),
            );
            for k in LISTEN_VARS {
                std::env::remove_var(k);
            }
            let found = found?;
            for fd in found.fds() {
                // SAFETY: F_SETFD only sets a flag; an fd systemd did not
                // really pass fails with EBADF and voids the hand-off.
                if unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) } < 0 {
                    return None;
                }
            }
            Some(found)
        })
        .clone()
}

/// The container's sd_listen_fds variables for `count` fds. `LISTEN_PID`
/// is a placeholder the launcher replaces at exec with the process's pid
/// as the container sees it (1 in its own pid namespace, the host pid with
/// `--pid host`, the command's pid under `--init`).
fn listen_env(count: usize, names: Option<&str>) -> Vec<String> {
    let mut env = vec![format!("LISTEN_FDS={count}"), "LISTEN_PID=1".to_string()];
    if let Some(names) = names {
        env.push(format!("LISTEN_FDNAMES={names}"));
    }
    env
}

/// Edits `spec` for one start: drops whatever `LISTEN_*` and
/// `NOTIFY_SOCKET` it carries (`--env-host`, `-e` copies of berth's own,
/// now stale), then adds the variables for the `preserve_fds` handed to
/// the container and, in `container` mode, the notify socket
/// (`notify_socket` is the supervisor's `$NOTIFY_SOCKET`) bind-mounted at
/// [`CONTAINER_SOCKET`].
pub fn prepare_spec(
    spec: &mut Spec,
    mode: SdNotifyMode,
    preserve_fds: &[RawFd],
    notify_socket: Option<&OsStr>,
) -> Result<(), SdNotifyError> {
    // Names only when these are the very fds systemd passed us.
    let names = ACTIVATION
        .get()
        .and_then(Option::as_ref)
        .filter(|a| a.count == preserve_fds.len())
        .and_then(|a| a.names.clone());
    plan_spec(
        spec,
        mode,
        preserve_fds.len(),
        names.as_deref(),
        notify_socket,
    )
}

/// [`prepare_spec`] as a pure function of its inputs.
fn plan_spec(
    spec: &mut Spec,
    mode: SdNotifyMode,
    listen_count: usize,
    listen_names: Option<&str>,
    notify_socket: Option<&OsStr>,
) -> Result<(), SdNotifyError> {
    let host_socket = mode.container_socket(notify_socket)?;
    if let Some(process) = spec.process_mut() {
        let mut env = process.env().clone().unwrap_or_default();
        env.retain(|e| {
            let key = e.split_once('=').map_or(e.as_str(), |(k, _)| k);
            key != NOTIFY_SOCKET && !LISTEN_VARS.contains(&key)
        });
        if listen_count > 0 {
            env.extend(listen_env(listen_count, listen_names));
        }
        if host_socket.is_some() {
            env.push(format!("{NOTIFY_SOCKET}={CONTAINER_SOCKET}"));
        }
        process.set_env(Some(env));
    }
    if let Some(source) = host_socket {
        let mount = MountBuilder::default()
            .destination(CONTAINER_SOCKET)
            .typ("bind")
            .source(source)
            .options(vec!["bind".to_string(), "nosuid".into(), "nodev".into()])
            .build()
            .map_err(|e| SdNotifyError::Spec(e.to_string()))?;
        // Last, so it lands on top of any tmpfs or volume on /run.
        let mut mounts = spec.mounts().clone().unwrap_or_default();
        mounts.push(mount);
        spec.set_mounts(Some(mounts));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use oci_spec::runtime::ProcessBuilder;

    fn spec_with_env(env: &[&str]) -> Spec {
        let mut spec = Spec::default();
        let process = ProcessBuilder::default()
            .args(vec!["sh".to_string()])
            .env(env.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .build()
            .expect("process");
        spec.set_process(Some(process));
        spec
    }

    fn env(spec: &Spec) -> Vec<String> {
        spec.process()
            .as_ref()
            .and_then(|p| p.env().clone())
            .unwrap_or_default()
    }

    fn mount_count(spec: &Spec) -> usize {
        spec.mounts().as_ref().map_or(0, Vec::len)
    }

    #[test]
    fn listen_vars_count_only_for_this_process() {
        let got = ListenFds::from_vars(Some("42"), Some("2"), Some("web:admin"), 42);
        assert_eq!(
            got,
            Some(ListenFds {
                count: 2,
                names: Some("web:admin".into())
            })
        );
        assert_eq!(got.map(|l| l.fds()), Some(vec![3, 4]));
        assert_eq!(ListenFds::from_vars(Some("41"), Some("2"), None, 42), None);
        assert_eq!(ListenFds::from_vars(None, Some("2"), None, 42), None);
        assert_eq!(ListenFds::from_vars(Some("42"), Some("0"), None, 42), None);
        assert_eq!(ListenFds::from_vars(Some("42"), Some("x"), None, 42), None);
        assert_eq!(
            ListenFds::from_vars(Some("42"), Some("100000"), None, 42),
            None
        );
    }

    #[test]
    fn activation_sets_the_containers_listen_vars_and_drops_stale_ones() {
        let mut spec = spec_with_env(&[
            "PATH=/bin",
            "LISTEN_PID=999",
            "LISTEN_FDS=7",
            "NOTIFY_SOCKET=/old",
        ]);
        let before = mount_count(&spec);
        plan_spec(&mut spec, SdNotifyMode::Conmon, 1, Some("web"), None).expect("plan");
        assert_eq!(
            env(&spec),
            [
                "PATH=/bin",
                "LISTEN_FDS=1",
                "LISTEN_PID=1",
                "LISTEN_FDNAMES=web"
            ]
        );
        assert_eq!(mount_count(&spec), before);
    }

    #[test]
    fn without_fds_no_listen_vars_reach_the_container() {
        let mut spec = spec_with_env(&["LISTEN_PID=5", "LISTEN_FDS=1", "LISTEN_FDNAMES=x", "A=b"]);
        plan_spec(&mut spec, SdNotifyMode::Ignore, 0, None, None).expect("plan");
        assert_eq!(env(&spec), ["A=b"]);
    }

    #[test]
    fn container_mode_mounts_the_socket_and_points_the_env_at_it() {
        let mut spec = spec_with_env(&["NOTIFY_SOCKET=/run/systemd/notify"]);
        let host = OsStr::new("/run/systemd/notify");
        plan_spec(&mut spec, SdNotifyMode::Container, 0, None, Some(host)).expect("plan");
        assert_eq!(env(&spec), ["NOTIFY_SOCKET=/run/notify/notify.sock"]);
        let mounts = spec.mounts().clone().unwrap_or_default();
        let last = mounts.last().expect("a mount");
        assert_eq!(last.destination().to_str(), Some(CONTAINER_SOCKET));
        assert_eq!(
            last.source().as_deref().and_then(|p| p.to_str()),
            Some("/run/systemd/notify")
        );
    }

    #[test]
    fn conmon_and_ignore_keep_the_socket_out_of_the_container() {
        for mode in [SdNotifyMode::Conmon, SdNotifyMode::Ignore] {
            let mut spec = spec_with_env(&["NOTIFY_SOCKET=/run/systemd/notify"]);
            let host = OsStr::new("/run/systemd/notify");
            let before = mount_count(&spec);
            plan_spec(&mut spec, mode, 0, None, Some(host)).expect("plan");
            assert!(env(&spec).is_empty(), "{mode:?}");
            assert_eq!(mount_count(&spec), before);
        }
    }

    #[test]
    fn an_abstract_socket_cannot_go_into_the_container() {
        let mut spec = spec_with_env(&[]);
        let err = plan_spec(
            &mut spec,
            SdNotifyMode::Container,
            0,
            None,
            Some(OsStr::new("@sd")),
        )
        .expect_err("refused");
        assert!(matches!(err, SdNotifyError::AbstractSocket(_)));
    }
}
