//! Installing a compiled filter on the calling thread.

use nix::errno::Errno;

use super::{BpfProgram, SeccompError};

/// Installs `prog` on the calling thread (all threads when the profile set
/// `SECCOMP_FILTER_FLAG_TSYNC`) with `seccomp(SECCOMP_SET_MODE_FILTER)`.
///
/// The caller must have set `prctl(PR_SET_NO_NEW_PRIVS, 1)` first, unless it
/// holds CAP_SYS_ADMIN in its user namespace; otherwise the kernel refuses
/// with EACCES. Install as late as possible (after the launcher's own
/// syscalls, just before exec), since the filter binds the launcher too.
///
/// Async-signal-safe: no allocation, no locks, one syscall, so it can run in
/// the child between clone and exec. The error carries only the errno.
pub fn install(prog: &BpfProgram) -> Result<(), SeccompError> {
    let len = u16::try_from(prog.insns.len())
        .ok()
        .filter(|len| (1..=libc::BPF_MAXINSNS as u16).contains(len))
        .ok_or(SeccompError::Install {
            errno: Errno::EINVAL,
        })?;
    let fprog = libc::sock_fprog {
        len,
        filter: prog.insns.as_ptr().cast_mut(),
    };
    // SAFETY: `fprog` points at `len` valid instructions that outlive the
    // call; the kernel copies the program before returning.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_seccomp,
            libc::SECCOMP_SET_MODE_FILTER as libc::c_ulong,
            prog.flags,
            &fprog as *const libc::sock_fprog,
        )
    };
    if rc < 0 {
        return Err(SeccompError::Install {
            errno: Errno::last(),
        });
    }
    if rc > 0 {
        // With TSYNC, a positive return names a thread that could not be
        // synchronised to the new filter.
        return Err(SeccompError::Install {
            errno: Errno::EBUSY,
        });
    }
    Ok(())
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use nix::sys::wait::{waitpid, WaitStatus};
    use nix::unistd::{fork, ForkResult};

    use super::install;
    use crate::runtime::seccomp::{compile, docker_default};

    /// Installs docker's default profile (no CAP_SYS_ADMIN) in a forked child and
    /// checks what the kernel then does. Only async-signal-safe calls after fork.
    #[test]
    fn installed_default_profile_blocks_mount_and_unshare() {
        let caps = ["CAP_CHOWN", "CAP_SETUID", "CAP_SETGID"].map(String::from);
        let prog = compile(&docker_default(&caps)).expect("compiles");
        // SAFETY: the child only makes raw syscalls and leaves with _exit.
        match unsafe { fork() }.expect("fork") {
            ForkResult::Child => {
                let errno = || unsafe { *libc::__errno_location() };
                let code = unsafe {
                    if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 {
                        10
                    } else if install(&prog).is_err() {
                        11
                    } else if libc::unshare(libc::CLONE_NEWNS) != -1 || errno() != libc::EPERM {
                        12
                    } else if libc::mount(
                        c"none".as_ptr(),
                        c"/".as_ptr(),
                        c"tmpfs".as_ptr(),
                        0,
                        std::ptr::null(),
                    ) != -1
                        || errno() != libc::EPERM
                    {
                        13
                    } else if libc::syscall(libc::SYS_clone3, std::ptr::null::<u8>(), 0usize) != -1
                        || errno() != libc::ENOSYS
                    {
                        14
                    } else if libc::getpid() <= 0 {
                        15
                    } else {
                        0
                    }
                };
                unsafe { libc::_exit(code) }
            }
            ForkResult::Parent { child } => {
                let status = waitpid(child, None).expect("waitpid");
                assert_eq!(
                    status,
                    WaitStatus::Exited(child, 0),
                    "child's exit code names the failed check"
                );
            }
        }
    }
}
