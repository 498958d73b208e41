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
