//! `--init`: a tiny pid 1 that is a fork of ourselves (no exec, so the
//! image needs no init binary, nor even libc). It starts the command as its
//! child, forwards signals to it, reaps every zombie, and exits with the
//! command's status (128+N when a signal N killed it), as tini does.

use std::os::fd::RawFd;

use nix::errno::Errno;

use super::child::exit_code;
use super::exec::Command;
use super::sync::{self, ChildMsg};

/// Forks the command, then becomes its init. Never returns.
pub(super) fn run(chan: RawFd, cmd: &Command) -> ! {
    // Block everything before fork: nothing is lost between fork and
    // sigwaitinfo, and blocked signals are queued even for a pid 1 that
    // has no handlers (the kernel drops unhandled ones otherwise).
    // SAFETY: plain sigset manipulation on stack values.
    let mut all: libc::sigset_t = unsafe { std::mem::zeroed() };
    let mut old: libc::sigset_t = unsafe { std::mem::zeroed() };
    unsafe {
        libc::sigfillset(&mut all);
        libc::sigprocmask(libc::SIG_SETMASK, &all, &mut old);
    }
    // SAFETY: single-threaded; the child only execs or reports and exits.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        // SAFETY: isatty/setpgid/tcsetpgrp on our own stdin; SIGTTOU is
        // still blocked so taking the foreground cannot stop us.
        unsafe {
            if libc::isatty(0) == 1 {
                libc::setpgid(0, 0);
                libc::tcsetpgrp(0, libc::getpid());
            }
            libc::sigprocmask(libc::SIG_SETMASK, &old, std::ptr::null_mut());
        }
        let e = cmd.exec();
        let _ = sync::send_child(chan, &ChildMsg::Failed(e.clone()), None);
        unsafe { libc::_exit(exit_code(&e)) }
    }
    if pid < 0 {
        let e = super::sync::ChildError::new(
            super::sync::Stage::Init,
            Errno::last(),
            "fork the command",
        );
        let _ = sync::send_child(chan, &ChildMsg::Failed(e.clone()), None);
        unsafe { libc::_exit(exit_code(&e)) }
    }
    // The parent's EOF must come from the command's exec, not from us:
    // close the channel and every other inherited fd but stdio.
    // SAFETY: closing fds this process owns.
    unsafe {
        libc::syscall(libc::SYS_close_range, 3u32, u32::MAX, 0u32);
    }
    loop {
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        // SAFETY: all is a valid set, info a valid out-parameter.
        let sig = unsafe { libc::sigwaitinfo(&all, &mut info) };
        if sig < 0 {
            continue;
        }
        if sig != libc::SIGCHLD {
            // SAFETY: kill with a valid signal number.
            unsafe { libc::kill(pid, sig) };
            continue;
        }
        loop {
            let mut status = 0;
            // SAFETY: status is a valid out-parameter.
            let r = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) };
            if r <= 0 {
                break;
            }
            if r == pid {
                let code = if libc::WIFEXITED(status) {
                    libc::WEXITSTATUS(status)
                } else {
                    128 + libc::WTERMSIG(status)
                };
                unsafe { libc::_exit(code) }
            }
        }
    }
}
