//! Where the cgroup hierarchies are: parsed from /proc/self/mountinfo (what is
//! mounted where, with which controllers) and /proc/self/cgroup (where the
//! caller sits in each hierarchy).

use crate::store::containers::mounts::unescape_mountinfo;
use std::fs;
use std::path::{Path, PathBuf};

use super::error::CgroupError;
use super::fsio;

/// The default mount point of the cgroup filesystems.
pub const DEFAULT_ROOT: &str = "/sys/fs/cgroup";

/// Which cgroup API controls resources on this host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CgroupVersion {
    /// Legacy per-controller hierarchies (possibly "hybrid": plus a cgroup2
    /// mount without controllers, used only to track processes).
    V1,
    /// The unified hierarchy, controllers enabled through `cgroup.subtree_control`.
    V2,
}

/// v1 controllers berth places containers in. Others (net_cls, perf_event,
/// hugetlb, rdma, misc) are left alone: nothing berth offers needs them, and
/// each costs a mkdir on the start path.
pub(crate) const V1_USED: &[&str] = &[
    "cpu", "cpuacct", "cpuset", "memory", "pids", "freezer", "blkio", "devices",
];

/// Every v1 controller name the kernel knows, to tell them from mount options.
const V1_KNOWN: &[&str] = &[
    "cpu",
    "cpuacct",
    "cpuset",
    "memory",
    "devices",
    "freezer",
    "net_cls",
    "net_prio",
    "blkio",
    "perf_event",
    "hugetlb",
    "pids",
    "rdma",
    "misc",
];

/// One mounted v1 hierarchy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct V1Hierarchy {
    pub mount: PathBuf,
    /// Controllers bound to it (`["cpu", "cpuacct"]`), or `["name=systemd"]`.
    pub controllers: Vec<String>,
    /// The caller's cgroup in it, relative to `mount` (no leading '/').
    pub current: PathBuf,
}

impl V1Hierarchy {
    pub fn has(&self, controller: &str) -> bool {
        self.controllers.iter().any(|c| c == controller)
    }

    /// Whether berth joins containers to this hierarchy.
    pub fn is_used(&self) -> bool {
        self.controllers
            .iter()
            .any(|c| c == "name=systemd" || V1_USED.contains(&c.as_str()))
    }
}

/// The cgroup2 mount: the whole story on v2, a process tracker on hybrid v1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unified {
    pub mount: PathBuf,
    pub current: PathBuf,
}

/// The cgroup hierarchies of this host, as seen by the calling process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CgroupLayout {
    pub(crate) version: CgroupVersion,
    pub(crate) v1: Vec<V1Hierarchy>,
    pub(crate) unified: Option<Unified>,
}

/// Inspect the running system.
pub fn detect() -> Result<CgroupLayout, CgroupError> {
    // One read per process: the layout does not change under a running berth,
    // and a start asks for it several times.
    static LAYOUT: std::sync::OnceLock<CgroupLayout> = std::sync::OnceLock::new();
    if let Some(l) = LAYOUT.get() {
        return Ok(l.clone());
    }
    let layout = detect_uncached()?;
    Ok(LAYOUT.get_or_init(|| layout).clone())
}

fn detect_uncached() -> Result<CgroupLayout, CgroupError> {
    let mountinfo = fs::read_to_string("/proc/self/mountinfo")
        .map_err(|e| CgroupError::io("read", "/proc/self/mountinfo", e))?;
    let cgroup = fs::read_to_string("/proc/self/cgroup")
        .map_err(|e| CgroupError::io("read", "/proc/self/cgroup", e))?;
    CgroupLayout::parse(&mountinfo, &cgroup)
}

impl CgroupLayout {
    /// Build a layout from the text of /proc/self/mountinfo and /proc/self/cgroup.
    pub fn parse(mountinfo: &str, proc_cgroup: &str) -> Result<CgroupLayout, CgroupError> {
        let memberships = parse_proc_cgroup(proc_cgroup);
        let mut v1: Vec<V1Hierarchy> = Vec::new();
        let mut unified = None;
        for m in mountinfo.lines().filter_map(parse_mount_line) {
            match m.fstype {
                "cgroup2" if unified.is_none() => {
                    let path = memberships
                        .iter()
                        .find(|(ctrls, _)| ctrls.is_empty())
                        .map(|(_, p)| p.as_str())
                        .unwrap_or("/");
                    unified = Some(Unified {
                        current: relative_to_mount(path, &m.root),
                        mount: m.mount_point,
                    });
                }
                "cgroup" => {
                    let mut controllers: Vec<String> = m
                        .super_options
                        .split(',')
                        .filter(|o| V1_KNOWN.contains(o) || o.starts_with("name="))
                        .map(str::to_string)
                        .collect();
                    controllers.sort();
                    // The same hierarchy mounted twice (bind mounts): keep the first.
                    if controllers.is_empty() || v1.iter().any(|h| h.controllers == controllers) {
                        continue;
                    }
                    let path = memberships
                        .iter()
                        .find(|(ctrls, _)| *ctrls == controllers)
                        .map(|(_, p)| p.as_str())
                        .unwrap_or("/");
                    v1.push(V1Hierarchy {
                        current: relative_to_mount(path, &m.root),
                        mount: m.mount_point,
                        controllers,
                    });
                }
                _ => {}
            }
        }
        // A lone name=systemd v1 mount next to cgroup2 is still a v2 host.
        let has_v1_controllers = v1
            .iter()
            .any(|h| h.controllers.iter().any(|c| !c.starts_with("name=")));
        let version = if has_v1_controllers {
            CgroupVersion::V1
        } else if unified.is_some() {
            CgroupVersion::V2
        } else {
            return Err(CgroupError::NotMounted);
        };
        if version == CgroupVersion::V2 {
            v1.clear();
        }
        Ok(CgroupLayout {
            version,
            v1,
            unified,
        })
    }

    /// The same layout with every mount point under /sys/fs/cgroup moved
    /// below `root`: tests point this at a temporary directory laid out like
    /// cgroupfs.
    pub fn with_root(mut self, root: &Path) -> CgroupLayout {
        let rebase = |p: &Path| -> PathBuf {
            match p.strip_prefix(DEFAULT_ROOT) {
                Ok(rest) => root.join(rest),
                Err(_) => root.join(p.strip_prefix("/").unwrap_or(p)),
            }
        };
        for h in &mut self.v1 {
            h.mount = rebase(&h.mount);
        }
        if let Some(u) = &mut self.unified {
            u.mount = rebase(&u.mount);
        }
        self
    }

    pub fn version(&self) -> CgroupVersion {
        self.version
    }

    /// Whether `controller` can be used for limits on this host.
    pub fn has_controller(&self, controller: &str) -> bool {
        match self.version {
            CgroupVersion::V1 => self.v1.iter().any(|h| h.has(controller)),
            CgroupVersion::V2 => self.unified.as_ref().is_some_and(|u| {
                fsio::read_opt(&u.mount, "cgroup.controllers")
                    .ok()
                    .flatten()
                    .is_some_and(|s| s.split_whitespace().any(|c| c == controller))
            }),
        }
    }

    /// Whether memory+swap can be limited (v1 needs swap accounting; v2 needs
    /// memory.swap.max). The spec builder uses this to leave docker's default
    /// swap limit out where the kernel cannot enforce it, instead of failing.
    pub fn swap_limit_supported(&self) -> bool {
        match self.version {
            CgroupVersion::V1 => self
                .v1_hierarchy("memory")
                .is_some_and(|h| h.mount.join("memory.memsw.limit_in_bytes").exists()),
            // The root cgroup has no memory.swap.max; a missing file only
            // shows up as an error at create time.
            CgroupVersion::V2 => self.has_controller("memory"),
        }
    }

    pub(crate) fn v1_hierarchy(&self, controller: &str) -> Option<&V1Hierarchy> {
        self.v1.iter().find(|h| h.has(controller))
    }
}

/// One cgroup mount from mountinfo.
struct Mount<'a> {
    root: String,
    mount_point: PathBuf,
    fstype: &'a str,
    super_options: &'a str,
}

/// `36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue`
fn parse_mount_line(line: &str) -> Option<Mount<'_>> {
    let (left, right) = line.split_once(" - ")?;
    let mut l = left.split(' ');
    let root = unescape_mountinfo(l.nth(3)?);
    let mount_point = PathBuf::from(unescape_mountinfo(l.next()?));
    let mut r = right.split(' ');
    let fstype = r.next()?;
    if fstype != "cgroup" && fstype != "cgroup2" {
        return None;
    }
    let _source = r.next()?;
    let super_options = r.next().unwrap_or("");
    Some(Mount {
        root,
        mount_point,
        fstype,
        super_options,
    })
}

/// `4:memory:/a/b` → (["memory"], "/a/b"); `0::/x` → ([], "/x").
fn parse_proc_cgroup(text: &str) -> Vec<(Vec<String>, String)> {
    text.lines()
        .filter_map(|line| {
            let mut parts = line.splitn(3, ':');
            let _id = parts.next()?;
            let ctrls = parts.next()?;
            let path = parts.next()?;
            let mut ctrls: Vec<String> = ctrls
                .split(',')
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect();
            ctrls.sort();
            Some((ctrls, path.to_string()))
        })
        .collect()
}

/// The caller's cgroup relative to the mount: /proc/self/cgroup paths are
/// relative to the hierarchy (or cgroup namespace) root, while a mount may
/// expose only a subtree (its mountinfo root). A path outside the mounted
/// subtree (a container's private cgroup namespace) maps to the mount itself.
fn relative_to_mount(path: &str, mount_root: &str) -> PathBuf {
    let path = Path::new(path);
    let rel = path.strip_prefix(mount_root).unwrap_or(Path::new(""));
    rel.strip_prefix("/").unwrap_or(rel).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HYBRID_MOUNTINFO: &str = "\
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
50 31 0:39 / /sys/fs/cgroup/net_cls rw,relatime - cgroup cgroup rw,net_cls
";
    const HYBRID_CGROUP: &str = "\
9:name=systemd:/
8:pids:/
6:freezer:/
4:memory:/process_api/18e2
3:cpuset:/
2:cpuacct:/
1:cpu:/
0::/
";

    #[test]
    fn hybrid_host_is_v1_with_a_tracking_cgroup2() {
        let l = CgroupLayout::parse(HYBRID_MOUNTINFO, HYBRID_CGROUP).unwrap();
        assert_eq!(l.version(), CgroupVersion::V1);
        let mem = l.v1_hierarchy("memory").unwrap();
        assert_eq!(mem.mount, Path::new("/sys/fs/cgroup/memory"));
        assert_eq!(mem.current, Path::new("process_api/18e2"));
        assert_eq!(l.v1_hierarchy("cpu").unwrap().current, Path::new(""));
        assert!(l.v1.iter().any(|h| h.controllers == ["name=systemd"]));
        assert!(!l.v1.iter().find(|h| h.has("net_cls")).unwrap().is_used());
        assert_eq!(
            l.unified.as_ref().unwrap().mount,
            Path::new("/sys/fs/cgroup/unified")
        );
        assert!(l.has_controller("pids"));
        assert!(!l.has_controller("blkio"));
    }

    #[test]
    fn comounted_cpu_cpuacct_matches_its_proc_line_in_any_order() {
        let mi = "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpuacct,cpu\n";
        let cg = "2:cpu,cpuacct:/user.slice\n";
        let l = CgroupLayout::parse(mi, cg).unwrap();
        let h = l.v1_hierarchy("cpuacct").unwrap();
        assert!(h.has("cpu"));
        assert_eq!(h.current, Path::new("user.slice"));
    }

    #[test]
    fn pure_v2_host() {
        let mi = "\
25 20 0:23 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
";
        let cg = "0::/system.slice/ci.service\n";
        let l = CgroupLayout::parse(mi, cg).unwrap();
        assert_eq!(l.version(), CgroupVersion::V2);
        let u = l.unified.unwrap();
        assert_eq!(u.current, Path::new("system.slice/ci.service"));
        assert_eq!(u.mount, Path::new("/sys/fs/cgroup"));
    }

    #[test]
    fn mount_of_a_subtree_strips_its_root_and_escapes_are_decoded() {
        let mi = "25 20 0:23 /docker/abc /sys/fs/cgroup\\040x rw - cgroup2 cgroup2 rw\n";
        let l = CgroupLayout::parse(mi, "0::/docker/abc/inner\n").unwrap();
        let u = l.unified.unwrap();
        assert_eq!(u.mount, Path::new("/sys/fs/cgroup x"));
        assert_eq!(u.current, Path::new("inner"));
        let l = CgroupLayout::parse(mi, "0::/\n").unwrap();
        assert_eq!(l.unified.unwrap().current, Path::new(""));
    }

    #[test]
    fn no_cgroup_mounts_is_an_error() {
        let mi = "31 23 0:28 / /sys rw - sysfs sysfs rw\n";
        assert!(matches!(
            CgroupLayout::parse(mi, ""),
            Err(CgroupError::NotMounted)
        ));
    }

    #[test]
    fn with_root_rebases_mounts() {
        let l = CgroupLayout::parse(HYBRID_MOUNTINFO, HYBRID_CGROUP)
            .unwrap()
            .with_root(Path::new("/tmp/fake"));
        assert_eq!(
            l.v1_hierarchy("pids").unwrap().mount,
            Path::new("/tmp/fake/pids")
        );
        assert_eq!(l.unified.unwrap().mount, Path::new("/tmp/fake/unified"));
    }

    #[test]
    fn detect_reads_this_machine() {
        // Every Linux CI machine has some cgroup mount; this must not fail.
        let l = detect().unwrap();
        match l.version() {
            CgroupVersion::V1 => assert!(!l.v1.is_empty()),
            CgroupVersion::V2 => assert!(l.unified.is_some()),
        }
    }
}
