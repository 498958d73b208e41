//! Parsing `-v`, `--mount` and `--tmpfs` into [`MountSpec`]s, with the
//! syntax, defaults and error texts of docker/cli (`opts/mount.go`) and
//! moby's linux volume parser (`volume/mounts/linux_parser.go`).

use std::path::{Path, PathBuf};

use super::error::{Result, SpecError};

/// What kind of user mount this is (docker's `Mounts[].Type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MountKind {
    Bind,
    Volume,
    Tmpfs,
}

impl MountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MountKind::Bind => "bind",
            MountKind::Volume => "volume",
            MountKind::Tmpfs => "tmpfs",
        }
    }
}

/// One parsed user mount, before volumes are resolved to host paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountSpec {
    pub kind: MountKind,
    /// Bind: the absolute host path. Volume: its name, "" for an anonymous one. Tmpfs: "".
    pub source: String,
    /// Cleaned absolute path inside the container.
    pub destination: String,
    pub read_only: bool,
    /// The `-v` mode string as given ("ro,z"); docker shows it in inspect.
    pub mode: String,
    /// Explicit bind propagation (`rshared`, `slave`, …); binds default to `rprivate`.
    pub propagation: Option<String>,
    /// `bind-recursive=disabled`: a plain (non-recursive) bind.
    pub non_recursive: bool,
    /// `bind-recursive=readonly`: submounts read-only too (`rro`).
    pub recursive_read_only: bool,
    /// `-v` creates a missing host directory; `--mount` only with `bind-create-src`.
    pub create_source: bool,
    /// `nocopy`/`volume-nocopy`: do not copy the image's files into a new volume.
    pub no_copy: bool,
    /// Tmpfs mount options, already merged with docker's defaults.
    pub tmpfs_options: Vec<String>,
}

impl MountSpec {
    fn new(kind: MountKind) -> MountSpec {
        MountSpec {
            kind,
            source: String::new(),
            destination: String::new(),
            read_only: false,
            mode: String::new(),
            propagation: None,
            non_recursive: false,
            recursive_read_only: false,
            create_source: false,
            no_copy: false,
            tmpfs_options: Vec::new(),
        }
    }
}

const PROPAGATIONS: &[&str] = &[
    "private", "rprivate", "slave", "rslave", "shared", "rshared",
];

/// Lexical `path.Clean` as Go does it (for absolute and relative paths).
pub fn clean_path(p: &str) -> String {
    let abs = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !abs {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    match (abs, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// moby's `linuxValidMountMode`: each option known, at most one per category.
fn valid_mode(mode: &str) -> bool {
    if mode.is_empty() {
        return true;
    }
    let mut counts = [0u8; 5];
    for o in mode.split(',') {
        let cat = match o {
            "rw" | "ro" => 0,
            "z" | "Z" => 1,
            _ if PROPAGATIONS.contains(&o) => 2,
            "nocopy" => 3,
            "consistent" | "cached" | "delegated" => 4,
            _ => return false,
        };
        counts[cat] += 1;
    }
    counts.iter().all(|c| *c <= 1)
}

/// A name the local volume driver accepts.
fn check_volume_name(name: &str) -> Result<()> {
    let mut chars = name.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && name.len() >= 2
        && chars.all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(SpecError::invalid(format!("create {name}: {name:?} includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path")))
    }
}

/// docker's target checks: set, absolute, not `/`.
fn check_target(kind: MountKind, target: &str) -> std::result::Result<String, String> {
    if target.is_empty() {
        return Err(mount_config_err(kind, "field Target must not be empty"));
    }
    if clean_path(target) == "/" {
        return Err(mount_config_err(
            kind,
            "invalid specification: destination can't be '/'",
        ));
    }
    if !target.starts_with('/') {
        return Err(mount_config_err(
            kind,
            &format!("invalid mount path: '{target}' mount path must be absolute"),
        ));
    }
    Ok(clean_path(target))
}

fn mount_config_err(kind: MountKind, msg: &str) -> String {
    format!("invalid mount config for type \"{}\": {msg}", kind.as_str())
}

/// Makes a `.`-relative host path absolute, as the docker CLI does.
fn absolutize(source: &str) -> String {
    if source.starts_with('.') {
        if let Ok(cwd) = std::env::current_dir() {
            return clean_path(&cwd.join(source).to_string_lossy());
        }
    }
    source.to_string()
}

/// `-v`: `/host:/ctr[:opts]` (bind), `name:/ctr[:opts]` (named volume),
/// `/ctr` (anonymous volume). opts: `ro|rw`, `z|Z`, a propagation,
/// `nocopy`, a consistency. A missing bind source is created later, as docker does.
pub fn parse_volume(raw: &str) -> Result<MountSpec> {
    let invalid_spec = || format!("invalid volume specification: '{raw}'");
    let parts: Vec<&str> = raw.splitn(4, ':').collect();
    if parts[0].is_empty() {
        return Err(SpecError::invalid(invalid_spec()));
    }
    let (source, target, mode) = match parts.as_slice() {
        [t] => (String::new(), *t, ""),
        [s, t] => {
            if valid_mode(t) {
                return Err(SpecError::invalid(invalid_spec()));
            }
            (absolutize(s), *t, "")
        }
        [s, t, m] => (absolutize(s), *t, *m),
        _ => return Err(SpecError::invalid(invalid_spec())),
    };
    if !valid_mode(mode) {
        return Err(SpecError::invalid(format!("invalid mode: {mode}")));
    }
    let kind = if source.starts_with('/') {
        MountKind::Bind
    } else {
        MountKind::Volume
    };
    let opts: Vec<&str> = mode.split(',').collect();
    let propagation = opts
        .iter()
        .find(|o| PROPAGATIONS.contains(o))
        .map(|s| s.to_string());
    let no_copy = opts.contains(&"nocopy");
    let wrap = |e: String| SpecError::invalid(format!("{}: {e}", invalid_spec()));
    if kind == MountKind::Volume && propagation.is_some() {
        return Err(wrap(mount_config_err(
            kind,
            "field BindOptions must not be specified",
        )));
    }
    if kind == MountKind::Bind && no_copy {
        return Err(wrap(mount_config_err(
            kind,
            "field VolumeOptions must not be specified",
        )));
    }
    let destination = check_target(kind, target).map_err(wrap)?;
    if kind == MountKind::Volume && !source.is_empty() {
        check_volume_name(&source)?;
    }
    let mut m = MountSpec::new(kind);
    m.source = if kind == MountKind::Bind {
        clean_path(&source)
    } else {
        source
    };
    m.destination = destination;
    m.read_only = opts.contains(&"ro");
    m.mode = mode.to_string();
    m.propagation = propagation;
    m.create_source = kind == MountKind::Bind;
    m.no_copy = no_copy;
    Ok(m)
}

/// Splits one CSV record as Go's `encoding/csv` does (quotes, `""` escapes).
fn csv_fields(value: &str) -> Result<Vec<String>> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut chars = value.chars().peekable();
    let mut in_quotes = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        match c {
            '"' if in_quotes && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' if in_quotes => in_quotes = false,
            '"' if at_start => in_quotes = true,
            ',' if !in_quotes => {
                fields.push(std::mem::take(&mut cur));
                at_start = true;
                continue;
            }
            c => cur.push(c),
        }
        at_start = false;
    }
    if in_quotes {
        return Err(SpecError::invalid(format!(
            "parse error: extraneous or missing \" in quoted-field: {value}"
        )));
    }
    fields.push(cur);
    Ok(fields)
}

fn parse_bool(key: &str, val: Option<&str>) -> Result<bool> {
    match val {
        None | Some("1") | Some("true") => Ok(true),
        Some("0") | Some("false") => Ok(false),
        Some(v) => Err(SpecError::invalid(format!("invalid value for '{key}': invalid boolean value ({v:?}): must be one of \"true\", \"1\", \"false\", or \"0\" (default \"true\")"))),
    }
}

/// `--mount type=bind|volume|tmpfs,source=…,target=…,readonly,…` (docker/cli
/// `MountOpt.Set`), validated as the daemon does. A bind source must exist
/// unless `bind-create-src` is given.
pub fn parse_mount(value: &str) -> Result<MountSpec> {
    let value = value.trim();
    if value.is_empty() {
        return Err(SpecError::invalid("value is empty"));
    }
    let mut kind = "volume".to_string();
    let (mut source, mut target) = (String::new(), String::new());
    let mut read_only = false;
    let mut bind_opts: Vec<String> = Vec::new();
    let mut volume_opts: Vec<String> = Vec::new();
    let mut tmpfs_opts: Vec<String> = Vec::new();
    let mut m = MountSpec::new(MountKind::Volume);
    let (mut tmpfs_size, mut tmpfs_mode) = (None::<i64>, None::<u32>);
    for field in csv_fields(value)? {
        let (key, val) = match field.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (field.as_str(), None),
        };
        if key.trim() != key {
            return Err(SpecError::invalid(format!(
                "invalid option '{}' in '{field}': option should not have whitespace",
                key.trim()
            )));
        }
        if let Some(v) = val {
            if v.trim().is_empty() {
                return Err(SpecError::invalid(format!(
                    "invalid value for '{key}': value is empty"
                )));
            }
            if v.trim() != v {
                return Err(SpecError::invalid(format!(
                    "invalid value for '{key}' in '{field}': value should not have whitespace"
                )));
            }
        }
        let key = key.to_ascii_lowercase();
        let v = val.unwrap_or("");
        if val.is_none()
            && !matches!(
                key.as_str(),
                "readonly" | "ro" | "volume-nocopy" | "bind-nonrecursive" | "bind-create-src"
            )
        {
            return Err(SpecError::invalid(format!(
                "invalid field '{field}' must be a key=value pair"
            )));
        }
        match key.as_str() {
            "type" => kind = v.to_ascii_lowercase(),
            "source" | "src" => source = absolutize(v),
            "target" | "dst" | "destination" => target = v.to_string(),
            "readonly" | "ro" => read_only = parse_bool(&key, val)?,
            "consistency" => {}
            "bind-propagation" => {
                bind_opts.push(key.clone());
                m.propagation = Some(v.to_ascii_lowercase());
            }
            "bind-nonrecursive" => {
                return Err(SpecError::invalid(
                    "bind-nonrecursive is deprecated, use bind-recursive=disabled instead",
                ))
            }
            "bind-recursive" => {
                bind_opts.push(key.clone());
                match v {
                    "enabled" | "writable" => {}
                    "disabled" => m.non_recursive = true,
                    "readonly" => m.recursive_read_only = true,
                    _ => return Err(SpecError::invalid(format!("invalid value for {key}: {v} (must be \"enabled\", \"disabled\", \"writable\", or \"readonly\")"))),
                }
            }
            "bind-create-src" => {
                bind_opts.push(key.clone());
                m.create_source = parse_bool(&key, val)?;
            }
            "volume-nocopy" => {
                volume_opts.push(key.clone());
                m.no_copy = parse_bool(&key, val)?;
            }
            "volume-subpath" | "volume-label" | "volume-driver" | "volume-opt" => {
                volume_opts.push(key.clone())
            }
            "tmpfs-size" => {
                tmpfs_opts.push(key.clone());
                tmpfs_size =
                    Some(parse_memory(v).ok_or_else(|| {
                        SpecError::invalid(format!("invalid value for {key}: {v}"))
                    })?);
            }
            "tmpfs-mode" => {
                tmpfs_opts.push(key.clone());
                tmpfs_mode =
                    Some(u32::from_str_radix(v, 8).map_err(|_| {
                        SpecError::invalid(format!("invalid value for {key}: {v}"))
                    })?);
            }
            _ => {
                return Err(SpecError::invalid(format!(
                    "unknown option '{key}' in '{field}'"
                )))
            }
        }
    }
    let kind = match kind.as_str() {
        "bind" => MountKind::Bind,
        "volume" => MountKind::Volume,
        "tmpfs" => MountKind::Tmpfs,
        "" => return Err(SpecError::invalid("type is required")),
        other => {
            return Err(SpecError::invalid(format!(
                "invalid mount config for type {other:?}: mount type unknown"
            )))
        }
    };
    for (used, prefix, k) in [
        (&bind_opts, "bind", MountKind::Bind),
        (&volume_opts, "volume", MountKind::Volume),
        (&tmpfs_opts, "tmpfs", MountKind::Tmpfs),
    ] {
        if !used.is_empty() && kind != k {
            return Err(SpecError::invalid(format!(
                "cannot mix '{prefix}-*' options with mount type '{}'",
                kind.as_str()
            )));
        }
    }
    if m.recursive_read_only {
        if !read_only {
            return Err(SpecError::invalid("option 'bind-recursive=readonly' requires 'readonly' to be specified in conjunction"));
        }
        if m.propagation.as_deref().is_some_and(|p| p != "rprivate") {
            return Err(SpecError::invalid("option 'bind-recursive=readonly' requires 'bind-propagation=rprivate' to be specified in conjunction"));
        }
    }
    m.kind = kind;
    m.destination = check_target(kind, &target).map_err(SpecError::Invalid)?;
    m.read_only = read_only;
    match kind {
        MountKind::Bind => {
            if source.is_empty() {
                return Err(SpecError::invalid(mount_config_err(
                    kind,
                    "field Source must not be empty",
                )));
            }
            if let Some(p) = &m.propagation {
                if !PROPAGATIONS.contains(&p.as_str()) {
                    return Err(SpecError::invalid(mount_config_err(
                        kind,
                        &format!("invalid propagation mode: {p}"),
                    )));
                }
            }
            if !source.starts_with('/') {
                return Err(SpecError::invalid(mount_config_err(
                    kind,
                    &format!("invalid mount path: '{source}' mount path must be absolute"),
                )));
            }
            let src = PathBuf::from(clean_path(&source));
            if !m.create_source && !Path::new(&src).exists() {
                return Err(SpecError::BindSourceMissing(src));
            }
            m.source = clean_path(&source);
        }
        MountKind::Volume => {
            if !source.is_empty() {
                check_volume_name(&source)?;
            }
            m.source = source;
        }
        MountKind::Tmpfs => {
            if !source.is_empty() {
                return Err(SpecError::invalid(mount_config_err(
                    kind,
                    "field Source must not be specified",
                )));
            }
            let mut data = Vec::new();
            if read_only {
                data.push("ro".to_string());
            }
            if let Some(mode) = tmpfs_mode.filter(|m| *m != 0) {
                data.push(format!("mode={mode:o}"));
            }
            if let Some(size) = tmpfs_size.filter(|s| *s != 0) {
                data.push(format!("size={}", size_with_suffix(size)));
            }
            m.tmpfs_options = merge_tmpfs_options(&data)?;
        }
    }
    Ok(m)
}

fn parse_memory(v: &str) -> Option<i64> {
    super::parse::parse_memory_bytes(v).ok()
}

/// moby's `ConvertTmpfsOptions` size rendering: the largest of g/m/k that divides evenly.
fn size_with_suffix(size: i64) -> String {
    for (suffix, div) in [("g", 1i64 << 30), ("m", 1 << 20), ("k", 1 << 10)] {
        if size % div == 0 {
            return format!("{}{suffix}", size / div);
        }
    }
    size.to_string()
}

/// `--tmpfs /run:rw,size=64m` → destination and merged mount options.
pub fn parse_tmpfs(raw: &str) -> Result<MountSpec> {
    let (dest, data) = raw.split_once(':').unwrap_or((raw, ""));
    if clean_path(dest) == "/" {
        return Err(SpecError::invalid(
            "invalid specification: destination can't be '/'",
        ));
    }
    if !dest.starts_with('/') {
        return Err(SpecError::invalid(format!(
            "invalid mount path: '{dest}' mount path must be absolute"
        )));
    }
    let data: Vec<String> = if data.is_empty() {
        Vec::new()
    } else {
        data.split(',').map(str::to_string).collect()
    };
    let mut m = MountSpec::new(MountKind::Tmpfs);
    m.destination = clean_path(dest);
    m.tmpfs_options = merge_tmpfs_options(&data)?;
    m.read_only = m.tmpfs_options.iter().any(|o| o == "ro");
    Ok(m)
}

/// The collision key of a mount flag (moby/sys `flags`); propagation modes share one.
fn flag_key(option: &str) -> Option<&'static str> {
    Some(match option {
        "ro" | "rw" => "rdonly",
        "suid" | "nosuid" => "nosuid",
        "dev" | "nodev" => "nodev",
        "exec" | "noexec" => "noexec",
        "sync" | "async" => "sync",
        "dirsync" => "dirsync",
        "remount" => "remount",
        "mand" | "nomand" => "mand",
        "atime" | "noatime" => "noatime",
        "diratime" | "nodiratime" => "nodiratime",
        "bind" | "rbind" | "unbindable" | "runbindable" | "private" | "rprivate" | "shared"
        | "rshared" | "slave" | "rslave" => "propagation",
        "relatime" | "norelatime" => "relatime",
        "strictatime" | "nostrictatime" => "strictatime",
        _ => return None,
    })
}

/// docker's tmpfs defaults (`noexec nosuid nodev rprivate`) followed by the
/// user's options, deduplicated with the later option winning (moby/sys
/// `MergeTmpfsOptions`).
pub fn merge_tmpfs_options(user: &[String]) -> Result<Vec<String>> {
    let all: Vec<&str> = ["noexec", "nosuid", "nodev", "rprivate"]
        .into_iter()
        .chain(user.iter().map(String::as_str))
        .collect();
    let mut seen_flags = Vec::new();
    let mut seen_data = Vec::new();
    let mut out = Vec::new();
    for option in all.iter().rev() {
        if *option == "defaults" {
            continue;
        }
        if let Some(key) = flag_key(option) {
            if !seen_flags.contains(&key) {
                seen_flags.push(key);
                out.push(option.to_string());
            }
            continue;
        }
        let name = match option.split_once('=') {
            Some((n, _))
                if [
                    "",
                    "size",
                    "mode",
                    "uid",
                    "gid",
                    "nr_inodes",
                    "nr_blocks",
                    "mpol",
                ]
                .contains(&n) =>
            {
                n
            }
            Some((n, _)) => return Err(SpecError::invalid(format!("invalid tmpfs option {n:?}"))),
            None => {
                return Err(SpecError::invalid(format!(
                    "invalid tmpfs option {option:?}"
                )))
            }
        };
        if !seen_data.contains(&name) {
            seen_data.push(name);
            out.push(option.to_string());
        }
    }
    out.reverse();
    Ok(out)
}

#[cfg(test)]
#[path = "mounts_tests.rs"]
mod tests;
