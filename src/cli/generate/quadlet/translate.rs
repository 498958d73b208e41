//! One quadlet file → one service unit (podman-systemd.unit(5)):
//! `X.container` → `X.service` running `berth run`, `X.volume` →
//! `X-volume.service` running `berth volume create --ignore`, `X.network` →
//! `X-network.service` running `berth network create --ignore`. Pure: the
//! caller reads the files and writes the results.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::super::error::GenerateError;
use super::super::escape::{escape_args, quote_words, split_words};
use super::super::unitfile::{UnitFile, UnitWriter};

/// What every generated unit needs from the host.
#[derive(Debug, Clone)]
pub struct Context {
    /// The berth binary and its store flags.
    pub berth: Vec<String>,
    /// The store's root and run root (`RequiresMountsFor=`).
    pub requires_mounts: Vec<PathBuf>,
}

/// A generated service, and the `[Install]` symlinks to make for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// `X.service`, `X-volume.service`, `X-network.service`.
    pub service: String,
    pub text: String,
    /// Paths relative to the output dir (`default.target.wants/X.service`,
    /// an `Alias=` name) that link to the unit.
    pub links: Vec<String>,
}

/// The kind of a quadlet file, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Container,
    Volume,
    Network,
}

impl Kind {
    pub fn from_file_name(name: &str) -> Option<(Kind, &str)> {
        let (stem, ext) = name.rsplit_once('.')?;
        let kind = match ext {
            "container" => Kind::Container,
            "volume" => Kind::Volume,
            "network" => Kind::Network,
            _ => return None,
        };
        (!stem.is_empty()).then_some((kind, stem))
    }

    fn section(self) -> &'static str {
        match self {
            Kind::Container => "Container",
            Kind::Volume => "Volume",
            Kind::Network => "Network",
        }
    }

    fn service(self, stem: &str) -> String {
        match self {
            Kind::Container => format!("{stem}.service"),
            Kind::Volume => format!("{stem}-volume.service"),
            Kind::Network => format!("{stem}-network.service"),
        }
    }
}

/// How a key turns into berth flags.
#[derive(Clone, Copy)]
enum Map {
    /// The last value, as one flag value.
    Last(&'static str),
    /// Every value, one flag each.
    Each(&'static str),
    /// Every value split into words, one flag per word.
    Words(&'static str),
    /// A boolean: the flag when true.
    Flag(&'static str),
    /// Handled by the translator itself.
    Special,
}

const CONTAINER_KEYS: &[(&str, Map)] = &[
    ("Image", Map::Special),
    ("ContainerName", Map::Special),
    ("Exec", Map::Special),
    ("PodmanArgs", Map::Special),
    ("Notify", Map::Special),
    ("Volume", Map::Special),
    ("Network", Map::Special),
    ("User", Map::Special),
    ("Group", Map::Special),
    ("Entrypoint", Map::Last("--entrypoint")),
    ("Environment", Map::Words("--env")),
    ("EnvironmentFile", Map::Each("--env-file")),
    ("EnvironmentHost", Map::Flag("--env-host")),
    ("PublishPort", Map::Each("--publish")),
    ("ExposeHostPort", Map::Each("--expose")),
    ("Mount", Map::Each("--mount")),
    ("Label", Map::Words("--label")),
    ("Annotation", Map::Words("--annotation")),
    ("WorkingDir", Map::Last("--workdir")),
    ("HostName", Map::Last("--hostname")),
    ("AddCapability", Map::Words("--cap-add")),
    ("DropCapability", Map::Words("--cap-drop")),
    ("ReadOnly", Map::Flag("--read-only")),
    ("Tmpfs", Map::Each("--tmpfs")),
    ("RunInit", Map::Flag("--init")),
    ("AddHost", Map::Each("--add-host")),
    ("AddDevice", Map::Each("--device")),
    ("DNS", Map::Each("--dns")),
    ("DNSSearch", Map::Each("--dns-search")),
    ("DNSOption", Map::Each("--dns-option")),
    ("IP", Map::Last("--ip")),
    ("NetworkAlias", Map::Each("--network-alias")),
    ("Ulimit", Map::Each("--ulimit")),
    ("ShmSize", Map::Last("--shm-size")),
    ("PidsLimit", Map::Last("--pids-limit")),
    ("StopSignal", Map::Last("--stop-signal")),
    ("StopTimeout", Map::Last("--stop-timeout")),
    ("Pull", Map::Last("--pull")),
    ("LogDriver", Map::Last("--log-driver")),
    ("HealthCmd", Map::Last("--health-cmd")),
    ("HealthInterval", Map::Last("--health-interval")),
    ("HealthRetries", Map::Last("--health-retries")),
    ("HealthTimeout", Map::Last("--health-timeout")),
    ("HealthStartPeriod", Map::Last("--health-start-period")),
];

const VOLUME_KEYS: &[(&str, Map)] = &[
    ("VolumeName", Map::Special),
    ("PodmanArgs", Map::Special),
    ("Options", Map::Special),
    ("Type", Map::Special),
    ("Device", Map::Special),
    ("User", Map::Special),
    ("Group", Map::Special),
    ("Copy", Map::Special),
    ("Driver", Map::Last("--driver")),
    ("Label", Map::Words("--label")),
];

const NETWORK_KEYS: &[(&str, Map)] = &[
    ("NetworkName", Map::Special),
    ("PodmanArgs", Map::Special),
    ("Driver", Map::Last("--driver")),
    ("Subnet", Map::Each("--subnet")),
    ("Gateway", Map::Each("--gateway")),
    ("IPRange", Map::Each("--ip-range")),
    ("Internal", Map::Flag("--internal")),
    ("IPv6", Map::Flag("--ipv6")),
    ("Label", Map::Words("--label")),
    ("Options", Map::Words("--opt")),
];

/// Sections berth handles itself; the rest pass through.
const OWN_SECTIONS: &[&str] = &["Unit", "Service", "Container", "Volume", "Network"];

/// The default name of the object a quadlet file makes: `systemd-STEM`.
pub fn default_object_name(stem: &str) -> String {
    format!("systemd-{stem}")
}

/// Refuses a file with a key berth does not know in its own section
/// (podman's quadlet does the same, naming the key).
fn check_keys(unit: &UnitFile, kind: Kind) -> Result<(), GenerateError> {
    let known = match kind {
        Kind::Container => CONTAINER_KEYS,
        Kind::Volume => VOLUME_KEYS,
        Kind::Network => NETWORK_KEYS,
    };
    let section = kind.section();
    if let Some(e) = unit
        .entries(section)
        .find(|e| !known.iter().any(|(k, _)| *k == e.key))
    {
        return Err(GenerateError::UnknownKey {
            path: unit.path.clone(),
            line: e.line,
            section: section.to_string(),
            key: e.key.clone(),
        });
    }
    Ok(())
}

fn words_of(unit: &UnitFile, section: &str, key: &str) -> Result<Vec<String>, GenerateError> {
    let mut out = Vec::new();
    for v in unit.all(section, key) {
        out.extend(split_words(v)?);
    }
    Ok(out)
}

/// The table-driven keys of `section` as berth flags.
fn mapped_flags(
    unit: &UnitFile,
    section: &str,
    table: &[(&str, Map)],
) -> Result<Vec<String>, GenerateError> {
    let mut out = Vec::new();
    for (key, map) in table {
        match *map {
            Map::Last(flag) => {
                if let Some(v) = unit.last(section, key).filter(|v| !v.is_empty()) {
                    out.extend([flag.to_string(), v.to_string()]);
                }
            }
            Map::Each(flag) => {
                for v in unit.all(section, key) {
                    out.extend([flag.to_string(), v.to_string()]);
                }
            }
            Map::Words(flag) => {
                for w in words_of(unit, section, key)? {
                    out.extend([flag.to_string(), w]);
                }
            }
            Map::Flag(flag) => {
                if unit.boolean(section, key)? == Some(true) {
                    out.push(flag.to_string());
                }
            }
            Map::Special => {}
        }
    }
    Ok(out)
}

/// Names of the other quadlet files, for `Y.volume`/`Z.network` references.
pub type Siblings = BTreeMap<String, UnitFile>;

/// The object a `Y.volume` or `Z.network` reference names, and its service.
fn reference(siblings: &Siblings, file: &str, kind: Kind) -> Option<(String, String)> {
    let (k, stem) = Kind::from_file_name(file)?;
    if k != kind {
        return None;
    }
    let key = match kind {
        Kind::Volume => "VolumeName",
        Kind::Network => "NetworkName",
        Kind::Container => return None,
    };
    let name = siblings
        .get(file)
        .and_then(|u| u.last(kind.section(), key))
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| default_object_name(stem));
    Some((name, kind.service(stem)))
}

/// Translates one parsed quadlet file.
pub fn translate(
    unit: &UnitFile,
    file_name: &str,
    siblings: &Siblings,
    ctx: &Context,
) -> Result<Generated, GenerateError> {
    let invalid = |message: String| GenerateError::Invalid {
        path: unit.path.clone(),
        message,
    };
    let (kind, stem) = Kind::from_file_name(file_name)
        .ok_or_else(|| invalid("not a .container, .volume or .network file".into()))?;
    if !unit.has_section(kind.section()) {
        return Err(invalid(format!("it has no [{}] section", kind.section())));
    }
    check_keys(unit, kind)?;
    let mut out = UnitWriter::default();
    for e in unit.entries("Unit") {
        out.add("Unit", &e.key, e.value.clone());
    }
    out.add("Unit", "SourcePath", unit.path.display().to_string());
    let mounts: Vec<String> = ctx
        .requires_mounts
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    out.add("Unit", "RequiresMountsFor", escape_args(&mounts));
    let berth = escape_args(&ctx.berth);
    match kind {
        Kind::Container => container(unit, stem, siblings, &berth, &mut out)?,
        Kind::Volume | Kind::Network => object(unit, kind, stem, &berth, &mut out)?,
    }
    // The user's [Service] settings win over ours: systemd would take the
    // last of a single-valued key anyway, but one line reads clearer.
    let user_service: Vec<_> = unit.entries("Service").collect();
    for e in &user_service {
        if e.key != "Environment" {
            out.remove("Service", &e.key);
        }
    }
    for e in user_service {
        out.add("Service", &e.key, e.value.clone());
    }
    let mut links = Vec::new();
    let service = kind.service(stem);
    for s in unit
        .sections
        .iter()
        .filter(|s| !OWN_SECTIONS.contains(&s.name.as_str()))
    {
        for e in &s.entries {
            out.add(&s.name, &e.key, e.value.clone());
        }
    }
    // Generated units cannot be enabled: the generator makes the links
    // `systemctl enable` would have made.
    for (key, suffix) in [
        ("WantedBy", "wants"),
        ("RequiredBy", "requires"),
        ("UpheldBy", "upholds"),
    ] {
        for target in words_of(unit, "Install", key)? {
            links.push(format!("{target}.{suffix}/{service}"));
        }
    }
    links.extend(words_of(unit, "Install", "Alias")?);
    Ok(Generated {
        service,
        text: out.render(),
        links,
    })
}

fn container(
    unit: &UnitFile,
    stem: &str,
    siblings: &Siblings,
    berth: &str,
    out: &mut UnitWriter,
) -> Result<(), GenerateError> {
    const S: &str = "Container";
    let image = unit
        .last(S, "Image")
        .filter(|i| !i.is_empty())
        .ok_or_else(|| GenerateError::Invalid {
            path: unit.path.clone(),
            message: "no Image= key in [Container]; name the image to run".into(),
        })?;
    let name = unit
        .last(S, "ContainerName")
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| default_object_name(stem));
    let notify = match unit.last(S, "Notify") {
        Some("healthy") => "healthy",
        _ if unit.boolean(S, "Notify")? == Some(true) => "container",
        _ => "conmon",
    };
    let mut args: Vec<String> = vec![
        "--name".into(),
        name,
        "--cidfile=%t/%N.cid".into(),
        "--replace".into(),
        "--rm".into(),
        "--cgroups=split".into(),
        format!("--sdnotify={notify}"),
        "-d".into(),
    ];
    let mut deps = Vec::new();
    for v in unit.all(S, "Volume") {
        let (source, rest) = match v.split_once(':') {
            Some((s, r)) => (s, Some(r)),
            None => (v, None),
        };
        let source = match reference(siblings, source, Kind::Volume) {
            Some((volume, service)) => {
                deps.push(service);
                volume
            }
            None => source.to_string(),
        };
        args.push("-v".into());
        args.push(match rest {
            Some(r) => format!("{source}:{r}"),
            None => source,
        });
    }
    for v in unit.all(S, "Network") {
        let (net, opts) = match v.split_once(':') {
            Some((n, o)) => (n, Some(o)),
            None => (v, None),
        };
        let net = match reference(siblings, net, Kind::Network) {
            Some((network, service)) => {
                deps.push(service);
                network
            }
            None => net.to_string(),
        };
        args.push(match opts {
            Some(o) => format!("--network={net}:{o}"),
            None => format!("--network={net}"),
        });
    }
    match (unit.last(S, "User"), unit.last(S, "Group")) {
        (Some(u), Some(g)) => args.extend(["--user".into(), format!("{u}:{g}")]),
        (Some(u), None) => args.extend(["--user".into(), u.to_string()]),
        (None, Some(_)) => {
            return Err(GenerateError::Invalid {
                path: unit.path.clone(),
                message: "Group= needs User= as well".into(),
            })
        }
        (None, None) => {}
    }
    args.extend(mapped_flags(unit, S, CONTAINER_KEYS)?);
    args.extend(words_of(unit, S, "PodmanArgs")?);
    args.push(image.to_string());
    args.extend(words_of(unit, S, "Exec")?);

    out.add("Unit", "Wants", "network-online.target");
    out.add("Unit", "After", "network-online.target");
    for d in &deps {
        out.add("Unit", "Requires", d.clone());
        out.add("Unit", "After", d.clone());
    }
    out.add("Service", "Environment", "BERTH_SYSTEMD_UNIT=%n");
    out.add("Service", "KillMode", "mixed");
    out.add(
        "Service",
        "ExecStop",
        format!("{berth} rm -v -f -i --cidfile=%t/%N.cid"),
    );
    out.add(
        "Service",
        "ExecStopPost",
        format!("-{berth} rm -v -f -i --cidfile=%t/%N.cid"),
    );
    out.add("Service", "Delegate", "yes");
    out.add("Service", "Type", "notify");
    out.add("Service", "NotifyAccess", "all");
    out.add("Service", "SyslogIdentifier", "%N");
    out.add(
        "Service",
        "ExecStart",
        format!("{berth} run {}", quote_words(&args)),
    );
    Ok(())
}

fn object(
    unit: &UnitFile,
    kind: Kind,
    stem: &str,
    berth: &str,
    out: &mut UnitWriter,
) -> Result<(), GenerateError> {
    let s = kind.section();
    let (name_key, table, command) = match kind {
        Kind::Volume => ("VolumeName", VOLUME_KEYS, "volume"),
        _ => ("NetworkName", NETWORK_KEYS, "network"),
    };
    let name = unit
        .last(s, name_key)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| default_object_name(stem));
    let mut args: Vec<String> = vec![command.into(), "create".into(), "--ignore".into()];
    args.extend(mapped_flags(unit, s, table)?);
    if kind == Kind::Volume {
        // The local driver's mount options, as podman's quadlet passes them.
        for (key, opt) in [
            ("Type", "type"),
            ("Device", "device"),
            ("Options", "o"),
            ("User", "uid"),
            ("Group", "gid"),
        ] {
            if let Some(v) = unit.last(s, key).filter(|v| !v.is_empty()) {
                args.extend(["--opt".into(), format!("{opt}={v}")]);
            }
        }
        if unit.boolean(s, "Copy")? == Some(true) {
            args.extend(["--opt".into(), "copy".into()]);
        }
    }
    args.extend(words_of(unit, s, "PodmanArgs")?);
    args.push(name);
    out.add(
        "Service",
        "ExecStart",
        format!("{berth} {}", quote_words(&args)),
    );
    out.add("Service", "Type", "oneshot");
    out.add("Service", "RemainAfterExit", "yes");
    out.add("Service", "SyslogIdentifier", "%N");
    Ok(())
}
