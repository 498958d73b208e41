//! Devices: `--device` parsing (docker/cli), host lookup (moby
//! `DevicesFromPath`), the default device-cgroup allow list, and the host's
//! devices for `--privileged` (containerd `HostDevices`).

use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

use oci_spec::runtime::{
    LinuxDevice, LinuxDeviceBuilder, LinuxDeviceCgroup, LinuxDeviceCgroupBuilder, LinuxDeviceType,
};

use super::error::{Result, SpecError};
use super::mounts::clean_path;

/// A parsed `--device host[:container][:perms]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceMapping {
    pub path_on_host: String,
    pub path_in_container: String,
    /// Cgroup permissions, some of `rwm`.
    pub permissions: String,
}

fn valid_perms(mode: &str) -> bool {
    !mode.is_empty()
        && mode.chars().all(|c| "rwm".contains(c))
        && mode
            .chars()
            .enumerate()
            .all(|(i, c)| !mode[..i].contains(c))
}

/// `--device /dev/fuse[:/dev/fuse][:rwm]`, validated as docker/cli does.
pub fn parse_device(device: &str) -> Result<DeviceMapping> {
    let bad = || SpecError::invalid(format!("bad format for path: {device}"));
    if device.matches(':').count() > 2 {
        return Err(bad());
    }
    let parts: Vec<&str> = device.split(':').collect();
    if parts[0].is_empty() {
        return Err(bad());
    }
    let (host, container, perms) = match parts.as_slice() {
        [h] => (*h, *h, "rwm"),
        [h, x] if valid_perms(x) => (*h, *h, *x),
        [h, c] => (*h, *c, "rwm"),
        [h, c, p] => {
            if !valid_perms(p) {
                return Err(SpecError::invalid(format!("bad mode specified: {p}")));
            }
            (*h, *c, *p)
        }
        _ => return Err(bad()),
    };
    if !container.starts_with('/') {
        return Err(SpecError::invalid(format!(
            "{container} is not an absolute path"
        )));
    }
    Ok(DeviceMapping {
        path_on_host: host.to_string(),
        path_in_container: clean_path(container),
        permissions: perms.to_string(),
    })
}

/// One device node from `stat`, or `None` when the path is not a device.
fn device_at(host: &Path, container: &Path) -> std::io::Result<Option<LinuxDevice>> {
    let md = std::fs::symlink_metadata(host)?;
    let ft = md.file_type();
    let typ = if ft.is_char_device() {
        LinuxDeviceType::C
    } else if ft.is_block_device() {
        LinuxDeviceType::B
    } else if ft.is_fifo() {
        LinuxDeviceType::P
    } else {
        return Ok(None);
    };
    let rdev = md.rdev();
    LinuxDeviceBuilder::default()
        .path(container.to_path_buf())
        .typ(typ)
        .major(nix::sys::stat::major(rdev) as i64)
        .minor(nix::sys::stat::minor(rdev) as i64)
        .file_mode(md.mode() & 0o7777)
        .uid(md.uid())
        .gid(md.gid())
        .build()
        .map(Some)
        .map_err(std::io::Error::other)
}

/// An allow rule for one device.
pub fn allow_rule(dev: &LinuxDevice, access: &str) -> Result<LinuxDeviceCgroup> {
    Ok(LinuxDeviceCgroupBuilder::default()
        .allow(true)
        .typ(dev.typ())
        .major(dev.major())
        .minor(dev.minor())
        .access(access)
        .build()?)
}

/// Looks the mapping up on the host: a device node, or a directory whose
/// device nodes are all added under the container path.
pub fn resolve_device(m: &DeviceMapping) -> Result<Vec<LinuxDevice>> {
    let fail = |reason: String| SpecError::Device {
        path: m.path_on_host.clone(),
        reason,
    };
    let mut host = PathBuf::from(&m.path_on_host);
    if std::fs::symlink_metadata(&host).is_ok_and(|md| md.file_type().is_symlink()) {
        if let Ok(real) = std::fs::canonicalize(&host) {
            host = real;
        }
    }
    match device_at(&host, Path::new(&m.path_in_container)) {
        Ok(Some(dev)) => return Ok(vec![dev]),
        Ok(None) => {}
        Err(e) => return Err(fail(e.to_string())),
    }
    let mut devs = Vec::new();
    if host.is_dir() {
        walk(&host, &mut |p| {
            let rel = p.strip_prefix(&host).unwrap_or(p);
            if let Ok(Some(d)) = device_at(p, &Path::new(&m.path_in_container).join(rel)) {
                devs.push(d);
            }
        });
    }
    if devs.is_empty() {
        return Err(fail("not a device node".to_string()));
    }
    Ok(devs)
}

fn walk(dir: &Path, f: &mut dyn FnMut(&Path)) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => walk(&p, f),
            Ok(_) => f(&p),
            Err(_) => {}
        }
    }
}

/// Every device under the host's /dev, for `--privileged` (containerd
/// `HostDevices`: skips pts, shm, fd, mqueue and udev/lxc internals, and console).
pub fn host_devices() -> Vec<LinuxDevice> {
    fn scan(dir: &Path, out: &mut Vec<LinuxDevice>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let name = e.file_name();
            let p = e.path();
            match e.file_type() {
                Ok(t) if t.is_dir() => {
                    let skip = [".lxc", ".lxd-mounts", ".udev", "fd", "mqueue", "pts", "shm"];
                    if !skip.iter().any(|s| name == *s) {
                        scan(&p, out);
                    }
                }
                Ok(_) if name == "console" => {}
                Ok(_) => {
                    if let Ok(Some(d)) = device_at(&p, &p) {
                        out.push(d);
                    }
                }
                Err(_) => {}
            }
        }
    }
    let mut out = Vec::new();
    scan(Path::new("/dev"), &mut out);
    out
}

fn rule(
    allow: bool,
    typ: Option<LinuxDeviceType>,
    major: Option<i64>,
    minor: Option<i64>,
    access: &str,
) -> Result<LinuxDeviceCgroup> {
    let mut b = LinuxDeviceCgroupBuilder::default()
        .allow(allow)
        .access(access);
    if let Some(t) = typ {
        b = b.typ(t);
    }
    if let Some(m) = major {
        b = b.major(m);
    }
    if let Some(m) = minor {
        b = b.minor(m);
    }
    Ok(b.build()?)
}

/// moby's default rules: deny everything, allow the standard character
/// devices, deny fuse (10:229).
pub fn default_rules() -> Result<Vec<LinuxDeviceCgroup>> {
    let c = Some(LinuxDeviceType::C);
    let mut rules = vec![rule(false, None, None, None, "rwm")?];
    for (maj, min) in [(1, 5), (1, 3), (1, 9), (1, 8), (5, 0), (5, 1)] {
        rules.push(rule(true, c, Some(maj), Some(min), "rwm")?);
    }
    rules.push(rule(false, c, Some(10), Some(229), "rwm")?);
    Ok(rules)
}

/// runc appends its own allow list after the spec's rules (mknod of any
/// device, the standard nodes, ptys, /dev/net/tun); having no runc, we put
/// it in the spec so the launcher applies exactly what docker+runc would.
pub fn runtime_rules() -> Result<Vec<LinuxDeviceCgroup>> {
    let c = Some(LinuxDeviceType::C);
    let mut rules = vec![
        rule(true, c, None, None, "m")?,
        rule(true, Some(LinuxDeviceType::B), None, None, "m")?,
    ];
    for (maj, min) in [
        (1, Some(3)),
        (1, Some(8)),
        (1, Some(7)),
        (5, Some(0)),
        (1, Some(5)),
        (1, Some(9)),
        (5, Some(1)),
        (136, None),
        (5, Some(2)),
        (10, Some(200)),
    ] {
        rules.push(rule(true, c, Some(maj), min, "rwm")?);
    }
    Ok(rules)
}

/// `--privileged`: every device allowed.
pub fn allow_all() -> Result<Vec<LinuxDeviceCgroup>> {
    Ok(vec![rule(true, None, None, None, "rwm")?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_syntax_as_docker_cli() {
        let d = parse_device("/dev/fuse").unwrap();
        assert_eq!(
            (
                d.path_on_host.as_str(),
                d.path_in_container.as_str(),
                d.permissions.as_str()
            ),
            ("/dev/fuse", "/dev/fuse", "rwm")
        );
        let d = parse_device("/dev/sda:/dev/xvda:r").unwrap();
        assert_eq!(
            (d.path_in_container.as_str(), d.permissions.as_str()),
            ("/dev/xvda", "r")
        );
        let d = parse_device("/dev/sda:rw").unwrap();
        assert_eq!(
            (d.path_in_container.as_str(), d.permissions.as_str()),
            ("/dev/sda", "rw")
        );
        assert_eq!(
            parse_device("/a:/b:c:d").unwrap_err().to_string(),
            "bad format for path: /a:/b:c:d"
        );
        assert_eq!(
            parse_device("/a:/b:rr").unwrap_err().to_string(),
            "bad mode specified: rr"
        );
        assert_eq!(
            parse_device("/a:rel").unwrap_err().to_string(),
            "rel is not an absolute path"
        );
    }

    #[test]
    fn resolves_dev_null_with_major_minor() {
        let devs = resolve_device(&parse_device("/dev/null:/dev/mynull:rw").unwrap()).unwrap();
        assert_eq!(devs.len(), 1);
        assert_eq!(devs[0].path(), Path::new("/dev/mynull"));
        assert_eq!(
            (devs[0].typ(), devs[0].major(), devs[0].minor()),
            (LinuxDeviceType::C, 1, 3)
        );
        let r = allow_rule(&devs[0], "rw").unwrap();
        assert_eq!(r.to_string(), "c 1:3 rw");
    }

    #[test]
    fn missing_or_non_device_errors() {
        let e = resolve_device(&parse_device("/definitely/not/here").unwrap()).unwrap_err();
        assert!(e.to_string().starts_with("error gathering device information while adding custom device \"/definitely/not/here\""));
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("file");
        std::fs::write(&f, "x").unwrap();
        let e = resolve_device(&parse_device(&f.display().to_string()).unwrap()).unwrap_err();
        assert!(e.to_string().ends_with("not a device node"), "{e}");
    }

    #[test]
    fn default_and_runtime_rules() {
        let text: Vec<String> = default_rules()
            .unwrap()
            .iter()
            .map(|r| format!("{}{}", if r.allow() { "+" } else { "-" }, r))
            .collect();
        assert_eq!(
            text,
            [
                "-a *:* rwm",
                "+c 1:5 rwm",
                "+c 1:3 rwm",
                "+c 1:9 rwm",
                "+c 1:8 rwm",
                "+c 5:0 rwm",
                "+c 5:1 rwm",
                "-c 10:229 rwm"
            ]
        );
        let text: Vec<String> = runtime_rules()
            .unwrap()
            .iter()
            .map(|r| r.to_string())
            .collect();
        assert_eq!(text[..3], ["c *:* m", "b *:* m", "c 1:3 rwm"]);
        assert!(text.contains(&"c 136:* rwm".to_string()));
        assert!(text.contains(&"c 10:200 rwm".to_string()));
    }
}
