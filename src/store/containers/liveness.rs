//! Telling a live container from a stale entry. berth has no daemon: a
//! container is "running" only while the process supervising it (the
//! foreground `berth` or the detached monitor) lives. If that process was
//! killed, its entry still says running; `reconcile_stale` corrects it.

use std::fs;
use std::path::Path;

use chrono::{DateTime, Utc};

use super::{ContainerState, ContainerStatus, ContainersFile};
use crate::store::error::Result;
use crate::store::records;
use crate::store::Store;

/// Exit code recorded when the monitor died without writing one: the
/// container was most likely killed with it (128 + SIGKILL), as docker
/// reports a container killed by `kill -9`.
pub const UNKNOWN_EXIT_CODE: i32 = 137;

/// The file the monitor writes the container's exit code to (decimal text).
pub const EXIT_CODE_FILE: &str = "exit-code";

/// Field 22 of `/proc/<pid>/stat` (start time in clock ticks after boot),
/// or None when there is no such process. The command name (field 2) may
/// hold spaces and parentheses, so fields are counted after its last `)`.
pub fn process_start_time(pid: i32) -> Option<u64> {
    stat_fields(pid).map(|(_, start)| start)
}

/// (state letter, start time) of a process.
fn stat_fields(pid: i32) -> Option<(char, u64)> {
    if pid <= 0 {
        return None;
    }
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &stat[stat.rfind(')')? + 1..];
    let mut fields = after.split_ascii_whitespace();
    // `after` starts at field 3 (state); starttime is field 22.
    let state = fields.next()?.chars().next()?;
    let start = fields.nth(22 - 4)?.parse().ok()?;
    Some((state, start))
}

/// True when `pid` is a live (not zombie) process that started at `start`
/// (any start when `start` is 0, i.e. unknown).
pub fn process_is(pid: i32, start: u64) -> bool {
    match stat_fields(pid) {
        Some(('Z' | 'X', _)) | None => false,
        Some((_, s)) => start == 0 || s == start,
    }
}

impl ContainerState {
    /// Active (running, paused, restarting) but its supervising process is
    /// gone, or the pid now belongs to another process.
    pub fn is_stale(&self) -> bool {
        self.status.is_active() && !process_is(self.monitor_pid, self.monitor_start)
    }

    /// Marks the container exited after its supervisor died, with the exit
    /// code the monitor recorded in `dir` (if it got that far).
    fn mark_exited_after_monitor_death(&mut self, dir: &Path) {
        let recorded = read_exit_code(dir);
        self.status = ContainerStatus::Exited;
        self.paused = false;
        self.pid = 0;
        match recorded {
            Some((code, when)) => {
                self.exit_code = code;
                self.finished_at = Some(when);
            }
            None => {
                self.exit_code = UNKNOWN_EXIT_CODE;
                self.finished_at = Some(Utc::now());
                self.error = format!(
                    "the berth process supervising the container (pid {}) died without recording its exit status",
                    self.monitor_pid
                );
            }
        }
        self.monitor_pid = 0;
        self.monitor_start = 0;
    }
}

/// The code in `<dir>/exit-code` and the file's mtime (when it was written).
fn read_exit_code(dir: &Path) -> Option<(i32, DateTime<Utc>)> {
    let path = dir.join(EXIT_CODE_FILE);
    let code = fs::read_to_string(&path).ok()?.trim().parse().ok()?;
    let when = fs::metadata(&path)
        .and_then(|m| m.modified())
        .map(DateTime::<Utc>::from)
        .unwrap_or_else(|_| Utc::now());
    Some((code, when))
}

impl Store {
    /// Marks stale entries exited (see `ContainerState::is_stale`) and
    /// returns their ids. Reads under the shared lock and takes the
    /// exclusive one only when something is stale, so `ps` stays cheap.
    pub fn reconcile_stale(&self) -> Result<Vec<String>> {
        let file = self.load_containers_shared()?;
        if !file.containers.iter().any(|e| e.state.is_stale()) {
            return Ok(Vec::new());
        }
        let guard = self.lock_containers_write()?;
        // Reloaded: another process may have reconciled or restarted them meanwhile.
        let mut file: ContainersFile = records::load(&self.containers_file(), &guard)?;
        let mut fixed = Vec::new();
        for e in &mut file.containers {
            if e.state.is_stale() {
                let dir = self.container_dir(&e.id);
                e.state.mark_exited_after_monitor_death(&dir);
                fixed.push(e.id.clone());
            }
        }
        if !fixed.is_empty() {
            self.save_containers(&file, &guard)?;
            // The supervisor that would have recorded these deaths is gone.
            for e in file.containers.iter().filter(|e| fixed.contains(&e.id)) {
                crate::events::record(self.root(), crate::events::Event::die(e));
            }
        }
        Ok(fixed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_own_start_time_and_rejects_missing_pids() {
        let me = std::process::id() as i32;
        let start = process_start_time(me).expect("own stat");
        assert!(start > 0);
        assert_eq!(process_start_time(me), Some(start));
        assert!(process_is(me, start));
        assert!(process_is(me, 0));
        assert!(!process_is(me, start + 1));
        assert_eq!(process_start_time(0), None);
        assert_eq!(process_start_time(-5), None);
        assert_eq!(process_start_time(i32::MAX), None);
    }

    #[test]
    fn parses_a_command_name_with_spaces_and_parens() {
        // A process whose comm is `a) (b c` would confuse a naive split.
        let dir = tempfile::tempdir().expect("tempdir");
        let exe = dir.path().join("a) (b c");
        fs::copy("/bin/sleep", &exe).expect("copy sleep");
        let mut child = std::process::Command::new(&exe)
            .arg("5")
            .spawn()
            .expect("spawn");
        let pid = child.id() as i32;
        let comm = fs::read_to_string(format!("/proc/{pid}/stat")).expect("stat");
        let start = process_start_time(pid);
        let _ = child.kill();
        let _ = child.wait();
        assert!(comm.contains("(a) (b c)"), "{comm}");
        let mine = process_start_time(std::process::id() as i32).expect("own");
        // The child started after us.
        assert!(start.expect("child start") >= mine);
    }
}
