//! The container's mount table in docker's order: the default mounts
//! (moby `oci/defaults.go`), then the user's binds, volumes and tmpfs
//! together with /etc/resolv.conf, /etc/hostname and /etc/hosts, sorted by
//! destination depth so a parent is mounted before what lies inside it.

use std::path::{Path, PathBuf};

use oci_spec::runtime::{Mount, MountBuilder};

use super::error::{Result, SpecError};
use super::mounts::{clean_path, parse_mount, parse_tmpfs, parse_volume, MountKind, MountSpec};
use super::{ImageConfig, InspectMount, RunOptions, SpecContext, VolumeCopy};

/// One mount before it becomes an oci-spec `Mount`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Planned {
    pub dest: String,
    pub typ: String,
    pub source: String,
    pub options: Vec<String>,
}

impl Planned {
    fn new(dest: &str, typ: &str, source: &str, options: &[&str]) -> Planned {
        Planned {
            dest: dest.to_string(),
            typ: typ.to_string(),
            source: source.to_string(),
            options: options.iter().map(|s| s.to_string()).collect(),
        }
    }

    pub fn to_oci(&self) -> Result<Mount> {
        Ok(MountBuilder::default()
            .destination(PathBuf::from(&self.dest))
            .typ(self.typ.clone())
            .source(PathBuf::from(&self.source))
            .options(self.options.clone())
            .build()?)
    }
}

/// How the namespaces and security flags shape the mount table.
pub(super) struct LayoutFlags {
    pub shm_size: i64,
    pub ipc_host: bool,
    pub ipc_none: bool,
    pub pid_host: bool,
    pub net_host: bool,
    pub rootless: bool,
    pub privileged: bool,
    pub writable_cgroups: bool,
    /// Host path of the init binary to mount at /sbin/docker-init.
    pub init: Option<PathBuf>,
}

/// The result of planning mounts.
pub(super) struct MountPlan {
    pub mounts: Vec<Planned>,
    pub inspect: Vec<InspectMount>,
    pub named: Vec<String>,
    pub anonymous: Vec<String>,
    pub copies: Vec<VolumeCopy>,
    pub rootfs_propagation: Option<String>,
}

fn defaults(shm_size: i64) -> Vec<Planned> {
    let shm = format!("size={shm_size}");
    vec![
        Planned::new("/proc", "proc", "proc", &["nosuid", "noexec", "nodev"]),
        Planned::new(
            "/dev",
            "tmpfs",
            "tmpfs",
            &["nosuid", "strictatime", "mode=755", "size=65536k"],
        ),
        Planned::new(
            "/dev/pts",
            "devpts",
            "devpts",
            &[
                "nosuid",
                "noexec",
                "newinstance",
                "ptmxmode=0666",
                "mode=0620",
                "gid=5",
            ],
        ),
        Planned::new(
            "/sys",
            "sysfs",
            "sysfs",
            &["nosuid", "noexec", "nodev", "ro"],
        ),
        Planned::new(
            "/sys/fs/cgroup",
            "cgroup",
            "cgroup",
            &["ro", "nosuid", "noexec", "nodev"],
        ),
        Planned::new(
            "/dev/mqueue",
            "mqueue",
            "mqueue",
            &["nosuid", "noexec", "nodev"],
        ),
        Planned::new(
            "/dev/shm",
            "tmpfs",
            "shm",
            &["nosuid", "noexec", "nodev", "mode=1777", &shm],
        ),
    ]
}

fn depth(dest: &str) -> usize {
    clean_path(dest).matches('/').count()
}

/// The volume name for a resolver's path (`…/<name>/_data` or `…/<name>`).
fn volume_name_from_path(p: &Path) -> String {
    let leaf = p
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if leaf == "_data" {
        if let Some(parent) = p.parent().and_then(Path::file_name) {
            return parent.to_string_lossy().into_owned();
        }
    }
    leaf
}

/// Parses every user mount and adds anonymous volumes for the image's
/// VOLUMEs that nothing else covers. Duplicate -v/--mount targets are an error.
fn user_specs(
    opts: &RunOptions,
    image: &ImageConfig,
) -> Result<(Vec<MountSpec>, Vec<bool>, Vec<MountSpec>)> {
    let mut specs = Vec::new();
    // Whether each spec came from -v (docker shows mode "z" for -v/--mount volumes, "" for image ones).
    let mut from_flags = Vec::new();
    for v in &opts.volumes {
        specs.push(parse_volume(v)?);
        from_flags.push(true);
    }
    for m in &opts.mounts {
        specs.push(parse_mount(m)?);
        from_flags.push(true);
    }
    let mut seen = std::collections::HashSet::new();
    for s in &specs {
        if !seen.insert(s.destination.clone()) {
            return Err(SpecError::invalid(format!(
                "Duplicate mount point: {}",
                s.destination
            )));
        }
    }
    let tmpfs: Vec<MountSpec> = opts
        .tmpfs
        .iter()
        .map(|t| parse_tmpfs(t))
        .collect::<Result<_>>()?;
    for dest in &image.volumes {
        let dest = clean_path(dest);
        if !seen.contains(&dest) && !tmpfs.iter().any(|t| t.destination == dest) {
            seen.insert(dest.clone());
            specs.push(parse_volume(&dest)?);
            from_flags.push(false);
        }
    }
    Ok((specs, from_flags, tmpfs))
}

fn bind_options(spec: &MountSpec) -> Vec<String> {
    let mut o = vec![if spec.non_recursive { "bind" } else { "rbind" }.to_string()];
    if spec.read_only {
        o.push(
            if spec.recursive_read_only {
                "rro"
            } else {
                "ro"
            }
            .to_string(),
        );
    }
    if spec.kind == MountKind::Bind {
        o.push(
            spec.propagation
                .clone()
                .unwrap_or_else(|| "rprivate".to_string()),
        );
    }
    o
}

pub(super) fn plan_mounts(
    opts: &RunOptions,
    image: &ImageConfig,
    ctx: &mut SpecContext,
    f: &LayoutFlags,
) -> Result<MountPlan> {
    let (specs, from_flags, tmpfs) = user_specs(opts, image)?;
    let mut plan = MountPlan {
        mounts: Vec::new(),
        inspect: Vec::new(),
        named: Vec::new(),
        anonymous: Vec::new(),
        copies: Vec::new(),
        rootfs_propagation: None,
    };
    let mut user: Vec<Planned> = Vec::new();
    for (spec, flagged) in specs.iter().zip(from_flags) {
        // A tmpfs at the same place wins over a volume or bind (moby setupMounts).
        if tmpfs.iter().any(|t| t.destination == spec.destination) {
            continue;
        }
        match spec.kind {
            MountKind::Bind => {
                let src = Path::new(&spec.source);
                if spec.create_source && !src.exists() {
                    std::fs::create_dir_all(src).map_err(|source| SpecError::Io {
                        what: "creating bind source",
                        path: src.to_path_buf(),
                        source,
                    })?;
                }
                let propagation = spec
                    .propagation
                    .clone()
                    .unwrap_or_else(|| "rprivate".to_string());
                match propagation.as_str() {
                    "shared" | "rshared" => plan.rootfs_propagation = Some("shared".into()),
                    "slave" | "rslave" if plan.rootfs_propagation.is_none() => {
                        plan.rootfs_propagation = Some("rslave".into())
                    }
                    _ => {}
                }
                user.push(Planned {
                    dest: spec.destination.clone(),
                    typ: "bind".into(),
                    source: spec.source.clone(),
                    options: bind_options(spec),
                });
                plan.inspect.push(InspectMount {
                    typ: "bind".into(),
                    name: String::new(),
                    source: spec.source.clone(),
                    destination: spec.destination.clone(),
                    driver: String::new(),
                    mode: spec.mode.clone(),
                    rw: !spec.read_only,
                    propagation,
                });
            }
            MountKind::Volume => {
                let path = (ctx.resolve_volume)(&spec.source)?;
                let name = if spec.source.is_empty() {
                    let n = volume_name_from_path(&path);
                    plan.anonymous.push(n.clone());
                    n
                } else {
                    if !plan.named.contains(&spec.source) {
                        plan.named.push(spec.source.clone());
                    }
                    spec.source.clone()
                };
                if !spec.no_copy {
                    plan.copies.push(VolumeCopy {
                        name: name.clone(),
                        destination: spec.destination.clone(),
                    });
                }
                let source = path.to_string_lossy().into_owned();
                user.push(Planned {
                    dest: spec.destination.clone(),
                    typ: "bind".into(),
                    source: source.clone(),
                    options: bind_options(spec),
                });
                let mode = if spec.mode.is_empty() && flagged {
                    "z".to_string()
                } else {
                    spec.mode.clone()
                };
                plan.inspect.push(InspectMount {
                    typ: "volume".into(),
                    name,
                    source,
                    destination: spec.destination.clone(),
                    driver: "local".into(),
                    mode,
                    rw: !spec.read_only,
                    propagation: String::new(),
                });
            }
            MountKind::Tmpfs => {
                user.push(Planned {
                    dest: spec.destination.clone(),
                    typ: "tmpfs".into(),
                    source: "tmpfs".into(),
                    options: spec.tmpfs_options.clone(),
                });
                plan.inspect.push(InspectMount {
                    typ: "tmpfs".into(),
                    name: String::new(),
                    source: String::new(),
                    destination: spec.destination.clone(),
                    driver: String::new(),
                    mode: String::new(),
                    rw: !spec.read_only,
                    propagation: String::new(),
                });
            }
        }
    }
    user.sort_by_key(|m| depth(&m.dest));

    // /etc files from the caller, unless the user mounted something there.
    let net_files = [
        ("/etc/resolv.conf", &ctx.resolv_conf),
        ("/etc/hostname", &ctx.hostname_file),
        ("/etc/hosts", &ctx.hosts_file),
    ];
    for (dest, src) in net_files {
        if let Some(src) = src {
            if !user.iter().any(|m| m.dest == dest) {
                let mut o = vec!["rbind"];
                if opts.read_only {
                    o.push("ro");
                }
                o.push("rprivate");
                user.push(Planned::new(dest, "bind", &src.to_string_lossy(), &o));
            }
        }
    }
    if f.ipc_host && !user.iter().any(|m| m.dest == "/dev/shm") {
        user.push(Planned::new(
            "/dev/shm",
            "bind",
            "/dev/shm",
            &["rbind", "rprivate"],
        ));
    }
    for t in &tmpfs {
        user.retain(|m| m.dest != t.destination);
        user.push(Planned {
            dest: t.destination.clone(),
            typ: "tmpfs".into(),
            source: "tmpfs".into(),
            options: t.tmpfs_options.clone(),
        });
    }
    user.sort_by_key(|m| depth(&m.dest));

    let user_dests: Vec<&str> = user.iter().map(|m| m.dest.as_str()).collect();
    let user_dev = user_dests.contains(&"/dev");
    let mut mounts: Vec<Planned> = defaults(f.shm_size)
        .into_iter()
        .filter(|m| !user_dests.contains(&m.dest.as_str()))
        .filter(|m| !(user_dev && m.dest.starts_with("/dev/")))
        .filter(|m| !(f.ipc_none && m.dest == "/dev/shm"))
        .collect();
    if let Some(init) = &f.init {
        mounts.push(Planned::new(
            "/sbin/docker-init",
            "bind",
            &init.to_string_lossy(),
            &["bind", "ro"],
        ));
    }
    if opts.read_only {
        for m in mounts.iter_mut() {
            let exempt =
                ["/proc", "/dev/pts", "/dev/shm", "/dev/mqueue", "/dev"].contains(&m.dest.as_str());
            if !exempt && !m.options.iter().any(|o| o == "ro") {
                m.options.push("ro".into());
            }
        }
    }
    for m in mounts.iter_mut() {
        if (f.privileged && m.dest == "/sys") || (f.writable_cgroups && m.typ == "cgroup") {
            m.options.retain(|o| o != "ro");
        }
    }
    if f.rootless {
        rootless_fixups(&mut mounts, f);
    }
    mounts.extend(user);
    plan.mounts = mounts;
    Ok(plan)
}

/// What an unprivileged user namespace cannot mount fresh is bound from the
/// host instead (moby `rootless/specconv`, podman for sysfs).
fn rootless_fixups(mounts: &mut [Planned], f: &LayoutFlags) {
    for m in mounts.iter_mut() {
        let host_bind = |dest: &str, extra: &[&str]| {
            let mut o = vec!["rbind", "nosuid", "noexec", "nodev"];
            o.extend_from_slice(extra);
            Planned::new(dest, "bind", dest, &o)
        };
        match m.dest.as_str() {
            "/proc" if f.pid_host => *m = host_bind("/proc", &[]),
            "/dev/shm" | "/dev/mqueue" if f.ipc_host => *m = host_bind(&m.dest.clone(), &[]),
            "/sys" if f.net_host => *m = host_bind("/sys", &["ro"]),
            _ => {}
        }
    }
}
