//! The seam between the launcher's plan and the kernel (STYLE.md rule 10).
//!
//! Every call the container child makes that changes the world (mounts,
//! namespaces, credentials, capabilities, files it creates) goes through
//! [`Syscall`]. [`LinuxSyscall`] makes the real calls; [`RecordingSyscall`]
//! records them as readable lines and succeeds, so unit tests can assert
//! exactly which mounts a spec produces without root.

use std::cell::RefCell;
use std::ffi::CString;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

use nix::errno::Errno;
use nix::fcntl::{openat, openat2, OFlag, OpenHow, ResolveFlag};
use nix::mount::{MntFlags, MsFlags};
use nix::sched::CloneFlags;
use nix::sys::stat::{Mode, SFlag};

/// Result of one seam call: the errno is all the child can report.
pub type SysResult<T> = Result<T, Errno>;

/// The calls the container child makes that change the world.
pub trait Syscall {
    /// mount(2).
    fn mount(
        &self,
        source: Option<&Path>,
        target: &Path,
        fstype: Option<&str>,
        flags: MsFlags,
        data: Option<&str>,
    ) -> SysResult<()>;
    /// umount2(2).
    fn umount2(&self, target: &Path, flags: MntFlags) -> SysResult<()>;
    /// pivot_root(2).
    fn pivot_root(&self, new_root: &Path, put_old: &Path) -> SysResult<()>;
    /// chdir(2).
    fn chdir(&self, path: &Path) -> SysResult<()>;
    /// Makes `dest` (absolute, as the container sees it) exist under `root`
    /// as a directory (or an empty file when `file`), creating what is
    /// missing, resolving every symlink inside `root` so an untrusted image
    /// cannot point a mount outside it. Returns the resolved host path.
    fn ensure_path_in_root(&self, root: &Path, dest: &Path, file: bool) -> SysResult<PathBuf>;
    /// Whether `path` is a directory (stat, following symlinks).
    fn is_dir(&self, path: &Path) -> SysResult<bool>;
    /// The mount flags (MS_RDONLY, MS_NOSUID, ...) of the mount holding `path`.
    fn mount_flags(&self, path: &Path) -> SysResult<MsFlags>;
    /// symlink(2): `link` will point at `target`.
    fn symlink(&self, target: &Path, link: &Path) -> SysResult<()>;
    /// mknod(2).
    fn mknod(&self, path: &Path, kind: SFlag, perm: u32, dev: u64) -> SysResult<()>;
    /// chown(2) without following symlinks.
    fn lchown(&self, path: &Path, uid: u32, gid: u32) -> SysResult<()>;
    /// Writes `data` to an existing file (sysctls, oom_score_adj).
    fn write_file(&self, path: &Path, data: &[u8]) -> SysResult<()>;
    /// write(2) to an already open fd (cgroup.procs).
    fn write_fd(&self, fd: BorrowedFd<'_>, data: &[u8]) -> SysResult<()>;
    /// sethostname(2).
    fn sethostname(&self, name: &str) -> SysResult<()>;
    /// setdomainname(2).
    fn setdomainname(&self, name: &str) -> SysResult<()>;
    /// setns(2).
    fn setns(&self, fd: BorrowedFd<'_>, kind: CloneFlags) -> SysResult<()>;
    /// unshare(2).
    fn unshare(&self, flags: CloneFlags) -> SysResult<()>;
    /// setgroups(2).
    fn setgroups(&self, gids: &[u32]) -> SysResult<()>;
    /// setresgid(2) with all three ids equal.
    fn setresgid(&self, gid: u32) -> SysResult<()>;
    /// setresuid(2) with all three ids equal.
    fn setresuid(&self, uid: u32) -> SysResult<()>;
    /// prctl(PR_SET_KEEPCAPS).
    fn set_keepcaps(&self, keep: bool) -> SysResult<()>;
    /// prctl(PR_CAPBSET_DROP).
    fn capbset_drop(&self, cap: u32) -> SysResult<()>;
    /// capset(2), version 3, for the calling thread.
    fn capset(&self, effective: u64, permitted: u64, inheritable: u64) -> SysResult<()>;
    /// prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE).
    fn ambient_raise(&self, cap: u32) -> SysResult<()>;
    /// prctl(PR_SET_NO_NEW_PRIVS, 1).
    fn set_no_new_privs(&self) -> SysResult<()>;
    /// setrlimit(2); `resource` is a `libc::RLIMIT_*` value.
    fn setrlimit(&self, resource: u32, soft: u64, hard: u64) -> SysResult<()>;
}

fn cstr(p: &Path) -> SysResult<CString> {
    CString::new(p.as_os_str().as_bytes()).map_err(|_| Errno::EINVAL)
}

/// The real kernel.
#[derive(Debug, Default, Clone, Copy)]
pub struct LinuxSyscall;

fn open_in_root(root: BorrowedFd<'_>, rel: &Path) -> SysResult<OwnedFd> {
    let how = OpenHow::new()
        .flags(OFlag::O_PATH | OFlag::O_CLOEXEC)
        .resolve(ResolveFlag::RESOLVE_IN_ROOT | ResolveFlag::RESOLVE_NO_MAGICLINKS);
    openat2(root, rel, how)
}

fn fd_path(fd: &OwnedFd) -> SysResult<PathBuf> {
    let link = format!("/proc/self/fd/{}", fd.as_raw_fd());
    nix::fcntl::readlink(link.as_str()).map(PathBuf::from)
}

impl Syscall for LinuxSyscall {
    fn mount(
        &self,
        source: Option<&Path>,
        target: &Path,
        fstype: Option<&str>,
        flags: MsFlags,
        data: Option<&str>,
    ) -> SysResult<()> {
        nix::mount::mount(source, target, fstype, flags, data)
    }

    fn umount2(&self, target: &Path, flags: MntFlags) -> SysResult<()> {
        nix::mount::umount2(target, flags)
    }

    fn pivot_root(&self, new_root: &Path, put_old: &Path) -> SysResult<()> {
        nix::unistd::pivot_root(new_root, put_old)
    }

    fn chdir(&self, path: &Path) -> SysResult<()> {
        nix::unistd::chdir(path)
    }

    fn ensure_path_in_root(&self, root: &Path, dest: &Path, file: bool) -> SysResult<PathBuf> {
        let root_fd = nix::fcntl::open(
            root,
            OFlag::O_PATH | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC,
            Mode::empty(),
        )?;
        let rel: PathBuf = dest
            .components()
            .filter(|c| matches!(c, Component::Normal(_)))
            .collect();
        if rel.as_os_str().is_empty() {
            return Ok(root.to_path_buf());
        }
        match open_in_root(root_fd.as_fd(), &rel) {
            Ok(fd) => return fd_path(&fd),
            Err(Errno::ENOENT) => {}
            Err(e) => return Err(e),
        }
        // Create the missing components one by one. Each parent fd was
        // resolved inside the root, and mkdirat/openat on a plain name never
        // follow a symlink, so nothing is created outside the rootfs.
        let count = rel.components().count();
        let mut parent = nix::unistd::dup(&root_fd)?;
        let mut prefix = PathBuf::new();
        for (i, comp) in rel.components().enumerate() {
            prefix.push(comp);
            parent = match open_in_root(root_fd.as_fd(), &prefix) {
                Ok(fd) => fd,
                Err(Errno::ENOENT) => {
                    if i + 1 == count && file {
                        let flags =
                            OFlag::O_CREAT | OFlag::O_WRONLY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
                        match openat(
                            &parent,
                            comp.as_os_str(),
                            flags,
                            Mode::from_bits_truncate(0o644),
                        ) {
                            Ok(_) | Err(Errno::EEXIST) => {}
                            Err(e) => return Err(e),
                        }
                    } else {
                        match nix::sys::stat::mkdirat(
                            &parent,
                            comp.as_os_str(),
                            Mode::from_bits_truncate(0o755),
                        ) {
                            Ok(()) | Err(Errno::EEXIST) => {}
                            Err(e) => return Err(e),
                        }
                    }
                    open_in_root(root_fd.as_fd(), &prefix)?
                }
                Err(e) => return Err(e),
            };
        }
        fd_path(&parent)
    }

    fn is_dir(&self, path: &Path) -> SysResult<bool> {
        let st = nix::sys::stat::stat(path)?;
        Ok(st.st_mode & libc::S_IFMT == libc::S_IFDIR)
    }

    fn mount_flags(&self, path: &Path) -> SysResult<MsFlags> {
        let p = cstr(path)?;
        let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
        // SAFETY: p is a valid C string and st a properly sized out-buffer.
        Errno::result(unsafe { libc::statvfs(p.as_ptr(), &mut st) })?;
        let f = st.f_flag;
        let mut out = MsFlags::empty();
        for (st_bit, ms) in [
            (libc::ST_RDONLY, MsFlags::MS_RDONLY),
            (libc::ST_NOSUID, MsFlags::MS_NOSUID),
            (libc::ST_NODEV, MsFlags::MS_NODEV),
            (libc::ST_NOEXEC, MsFlags::MS_NOEXEC),
            (libc::ST_NOATIME, MsFlags::MS_NOATIME),
            (libc::ST_NODIRATIME, MsFlags::MS_NODIRATIME),
            (libc::ST_RELATIME, MsFlags::MS_RELATIME),
        ] {
            if f & st_bit != 0 {
                out |= ms;
            }
        }
        Ok(out)
    }

    fn symlink(&self, target: &Path, link: &Path) -> SysResult<()> {
        nix::unistd::symlinkat(target, nix::fcntl::AT_FDCWD, link)
    }

    fn mknod(&self, path: &Path, kind: SFlag, perm: u32, dev: u64) -> SysResult<()> {
        nix::sys::stat::mknod(path, kind, Mode::from_bits_truncate(perm), dev)
    }

    fn lchown(&self, path: &Path, uid: u32, gid: u32) -> SysResult<()> {
        let p = cstr(path)?;
        // SAFETY: p is a valid C string.
        Errno::result(unsafe { libc::lchown(p.as_ptr(), uid, gid) }).map(drop)
    }

    fn write_file(&self, path: &Path, data: &[u8]) -> SysResult<()> {
        let fd = nix::fcntl::open(path, OFlag::O_WRONLY | OFlag::O_CLOEXEC, Mode::empty())?;
        self.write_fd(fd.as_fd(), data)
    }

    fn write_fd(&self, fd: BorrowedFd<'_>, data: &[u8]) -> SysResult<()> {
        let n = nix::unistd::write(fd, data)?;
        if n == data.len() {
            Ok(())
        } else {
            Err(Errno::EIO)
        }
    }

    fn sethostname(&self, name: &str) -> SysResult<()> {
        nix::unistd::sethostname(name)
    }

    fn setdomainname(&self, name: &str) -> SysResult<()> {
        // SAFETY: the pointer and length describe `name`'s bytes.
        Errno::result(unsafe { libc::setdomainname(name.as_ptr().cast(), name.len()) }).map(drop)
    }

    fn setns(&self, fd: BorrowedFd<'_>, kind: CloneFlags) -> SysResult<()> {
        nix::sched::setns(fd, kind)
    }

    fn unshare(&self, flags: CloneFlags) -> SysResult<()> {
        nix::sched::unshare(flags)
    }

    fn setgroups(&self, gids: &[u32]) -> SysResult<()> {
        // SAFETY: the pointer and length describe `gids`.
        Errno::result(unsafe { libc::setgroups(gids.len(), gids.as_ptr()) }).map(drop)
    }

    fn setresgid(&self, gid: u32) -> SysResult<()> {
        // Raw syscall: the libc wrapper would broadcast to threads via
        // signals, which is pointless (we are single-threaded) and slower.
        Errno::result(unsafe { libc::syscall(libc::SYS_setresgid, gid, gid, gid) }).map(drop)
    }

    fn setresuid(&self, uid: u32) -> SysResult<()> {
        Errno::result(unsafe { libc::syscall(libc::SYS_setresuid, uid, uid, uid) }).map(drop)
    }

    fn set_keepcaps(&self, keep: bool) -> SysResult<()> {
        prctl(libc::PR_SET_KEEPCAPS, keep as libc::c_ulong, 0)
    }

    fn capbset_drop(&self, cap: u32) -> SysResult<()> {
        prctl(libc::PR_CAPBSET_DROP, cap.into(), 0)
    }

    fn capset(&self, effective: u64, permitted: u64, inheritable: u64) -> SysResult<()> {
        super::caps::capset_raw(effective, permitted, inheritable)
    }

    fn ambient_raise(&self, cap: u32) -> SysResult<()> {
        prctl(
            libc::PR_CAP_AMBIENT,
            libc::PR_CAP_AMBIENT_RAISE as libc::c_ulong,
            cap.into(),
        )
    }

    fn set_no_new_privs(&self) -> SysResult<()> {
        prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0)
    }

    fn setrlimit(&self, resource: u32, soft: u64, hard: u64) -> SysResult<()> {
        let lim = libc::rlimit {
            rlim_cur: soft,
            rlim_max: hard,
        };
        // SAFETY: lim is a valid rlimit.
        Errno::result(unsafe { libc::setrlimit(resource, &lim) }).map(drop)
    }
}

fn prctl(op: libc::c_int, a: libc::c_ulong, b: libc::c_ulong) -> SysResult<()> {
    // SAFETY: these prctl operations take integer arguments only.
    Errno::result(unsafe { libc::prctl(op, a, b, 0 as libc::c_ulong, 0 as libc::c_ulong) })
        .map(drop)
}

/// Test fake: records each call as one line and succeeds.
///
/// `dirs` lists the paths `is_dir` reports as directories (all others are
/// files), `missing` the paths `is_dir` reports as ENOENT.
#[derive(Debug, Default)]
pub struct RecordingSyscall {
    calls: RefCell<Vec<String>>,
    /// Paths that `is_dir` reports as directories.
    pub dirs: Vec<PathBuf>,
    /// Paths that `is_dir` reports as missing.
    pub missing: Vec<PathBuf>,
}

impl RecordingSyscall {
    /// A fake with no directories and nothing missing.
    pub fn new() -> Self {
        Self::default()
    }

    /// A fake whose `is_dir` knows these directories and missing paths.
    pub fn with_paths(dirs: Vec<PathBuf>, missing: Vec<PathBuf>) -> Self {
        Self {
            calls: RefCell::default(),
            dirs,
            missing,
        }
    }

    /// The calls made so far, one line each.
    pub fn calls(&self) -> Vec<String> {
        self.calls.borrow().clone()
    }

    fn rec(&self, line: String) {
        self.calls.borrow_mut().push(line);
    }
}

fn flag_names(flags: MsFlags) -> String {
    if flags.is_empty() {
        return "0".into();
    }
    flags
        .iter_names()
        .map(|(n, _)| n.trim_start_matches("MS_"))
        .collect::<Vec<_>>()
        .join("|")
}

impl Syscall for RecordingSyscall {
    fn mount(
        &self,
        source: Option<&Path>,
        target: &Path,
        fstype: Option<&str>,
        flags: MsFlags,
        data: Option<&str>,
    ) -> SysResult<()> {
        let src = source.map_or("-".into(), |s| s.display().to_string());
        self.rec(format!(
            "mount {src} {} {} {} {}",
            target.display(),
            fstype.unwrap_or("-"),
            flag_names(flags),
            data.unwrap_or("-")
        ));
        Ok(())
    }
    fn umount2(&self, target: &Path, flags: MntFlags) -> SysResult<()> {
        let names: Vec<&str> = flags.iter_names().map(|(n, _)| n).collect();
        self.rec(format!("umount2 {} {}", target.display(), names.join("|")));
        Ok(())
    }
    fn pivot_root(&self, new_root: &Path, put_old: &Path) -> SysResult<()> {
        self.rec(format!(
            "pivot_root {} {}",
            new_root.display(),
            put_old.display()
        ));
        Ok(())
    }
    fn chdir(&self, path: &Path) -> SysResult<()> {
        self.rec(format!("chdir {}", path.display()));
        Ok(())
    }
    fn ensure_path_in_root(&self, root: &Path, dest: &Path, file: bool) -> SysResult<PathBuf> {
        let rel: PathBuf = dest
            .components()
            .filter(|c| matches!(c, Component::Normal(_)))
            .collect();
        // The fake has no filesystem: files and directories resolve alike.
        let _ = file;
        Ok(root.join(rel))
    }
    fn is_dir(&self, path: &Path) -> SysResult<bool> {
        if self.missing.iter().any(|m| m == path) {
            return Err(Errno::ENOENT);
        }
        Ok(self.dirs.iter().any(|d| d == path))
    }
    fn mount_flags(&self, _path: &Path) -> SysResult<MsFlags> {
        Ok(MsFlags::empty())
    }
    fn symlink(&self, target: &Path, link: &Path) -> SysResult<()> {
        self.rec(format!(
            "symlink {} -> {}",
            link.display(),
            target.display()
        ));
        Ok(())
    }
    fn mknod(&self, path: &Path, kind: SFlag, perm: u32, dev: u64) -> SysResult<()> {
        let k = if kind == SFlag::S_IFBLK {
            'b'
        } else if kind == SFlag::S_IFIFO {
            'p'
        } else {
            'c'
        };
        let (ma, mi) = (libc::major(dev), libc::minor(dev));
        self.rec(format!("mknod {} {k} {ma}:{mi} {perm:o}", path.display()));
        Ok(())
    }
    fn lchown(&self, path: &Path, uid: u32, gid: u32) -> SysResult<()> {
        self.rec(format!("chown {} {uid}:{gid}", path.display()));
        Ok(())
    }
    fn write_file(&self, path: &Path, data: &[u8]) -> SysResult<()> {
        self.rec(format!(
            "write {} {}",
            path.display(),
            String::from_utf8_lossy(data)
        ));
        Ok(())
    }
    fn write_fd(&self, fd: BorrowedFd<'_>, data: &[u8]) -> SysResult<()> {
        self.rec(format!(
            "write fd{} {}",
            fd.as_raw_fd(),
            String::from_utf8_lossy(data)
        ));
        Ok(())
    }
    fn sethostname(&self, name: &str) -> SysResult<()> {
        self.rec(format!("sethostname {name}"));
        Ok(())
    }
    fn setdomainname(&self, name: &str) -> SysResult<()> {
        self.rec(format!("setdomainname {name}"));
        Ok(())
    }
    fn setns(&self, fd: BorrowedFd<'_>, kind: CloneFlags) -> SysResult<()> {
        self.rec(format!("setns fd{} {:?}", fd.as_raw_fd(), kind));
        Ok(())
    }
    fn unshare(&self, flags: CloneFlags) -> SysResult<()> {
        self.rec(format!("unshare {flags:?}"));
        Ok(())
    }
    fn setgroups(&self, gids: &[u32]) -> SysResult<()> {
        self.rec(format!("setgroups {gids:?}"));
        Ok(())
    }
    fn setresgid(&self, gid: u32) -> SysResult<()> {
        self.rec(format!("setresgid {gid}"));
        Ok(())
    }
    fn setresuid(&self, uid: u32) -> SysResult<()> {
        self.rec(format!("setresuid {uid}"));
        Ok(())
    }
    fn set_keepcaps(&self, keep: bool) -> SysResult<()> {
        self.rec(format!("keepcaps {keep}"));
        Ok(())
    }
    fn capbset_drop(&self, cap: u32) -> SysResult<()> {
        self.rec(format!("capbset_drop {cap}"));
        Ok(())
    }
    fn capset(&self, effective: u64, permitted: u64, inheritable: u64) -> SysResult<()> {
        self.rec(format!(
            "capset eff={effective:#x} prm={permitted:#x} inh={inheritable:#x}"
        ));
        Ok(())
    }
    fn ambient_raise(&self, cap: u32) -> SysResult<()> {
        self.rec(format!("ambient_raise {cap}"));
        Ok(())
    }
    fn set_no_new_privs(&self) -> SysResult<()> {
        self.rec("no_new_privs".into());
        Ok(())
    }
    fn setrlimit(&self, resource: u32, soft: u64, hard: u64) -> SysResult<()> {
        self.rec(format!("setrlimit {resource} {soft} {hard}"));
        Ok(())
    }
}
