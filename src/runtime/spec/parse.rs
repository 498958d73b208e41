//! Parsers for the scalar `run`/`create` flags, each matching docker's
//! accepted syntax and error text (go-units `RAMInBytes`/`ParseUlimit`,
//! docker/cli `ParseCPUs`/`ValidateSysctl`/kvfile, moby/sys `ParseSignal`).

use std::path::Path;

use nix::sys::resource::Resource;
use oci_spec::runtime::PosixRlimitType;

use super::error::{Result, SpecError};

/// `--memory 32m` etc.: bytes, with optional b/k/m/g/t/p suffix (binary
/// multiples, case-insensitive, optional trailing `b`/`ib`), as docker's
/// `units.RAMInBytes`. Fractions are allowed (`1.5g`) and truncated.
pub fn parse_memory_bytes(size: &str) -> Result<i64> {
    let invalid = || SpecError::invalid(format!("invalid size: '{size}'"));
    // The number ends at the last digit, dot or space; the rest is the suffix.
    let sep = size
        .rfind(|c: char| c.is_ascii_digit() || c == '.' || c == ' ')
        .ok_or_else(invalid)?;
    let (num, sfx) = if size.as_bytes()[sep] == b' ' {
        (&size[..sep], &size[sep + 1..])
    } else {
        (&size[..sep + 1], &size[sep + 1..])
    };
    let value: f64 = num.parse().map_err(|_| invalid())?;
    if value < 0.0 || !value.is_finite() {
        return Err(invalid());
    }
    let bad_suffix = || SpecError::invalid(format!("invalid suffix: '{}'", sfx.to_lowercase()));
    if sfx.is_empty() {
        return Ok(value as i64);
    }
    if sfx.len() > 3 {
        return Err(bad_suffix());
    }
    let lower = sfx.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    if bytes[0] == b'b' {
        return if bytes.len() == 1 {
            Ok(value as i64)
        } else {
            Err(bad_suffix())
        };
    }
    let mul: f64 = match bytes[0] {
        b'k' => 1024.0,
        b'm' => 1024.0 * 1024.0,
        b'g' => 1024.0 * 1024.0 * 1024.0,
        b't' => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        b'p' => 1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0,
        _ => return Err(bad_suffix()),
    };
    match (bytes.len(), &lower[1..]) {
        (1, _) | (2, "b") | (3, "ib") => Ok((value * mul) as i64),
        _ => Err(bad_suffix()),
    }
}

/// `--cpus 1.5` → nano CPUs (1_500_000_000), exact like docker's big.Rat
/// parsing: decimals, exponents and `a/b` fractions; finer than 1e-9 is an error.
pub fn parse_cpus(value: &str) -> Result<i64> {
    let unparsable = || SpecError::invalid(format!("failed to parse {value} as a rational number"));
    let too_precise = || SpecError::invalid("value is too precise");
    let (num, den) = match value.split_once('/') {
        Some((n, d)) => {
            let n: i128 = n.parse().map_err(|_| unparsable())?;
            let d: i128 = d.parse().map_err(|_| unparsable())?;
            if d == 0 {
                return Err(unparsable());
            }
            (n, d)
        }
        None => decimal_to_fraction(value).ok_or_else(unparsable)?,
    };
    let scaled = num.checked_mul(1_000_000_000).ok_or_else(unparsable)?;
    if scaled % den != 0 {
        return Err(too_precise());
    }
    i64::try_from(scaled / den).map_err(|_| unparsable())
}

/// "1.25e-1" → (125, 1000); `None` when it is not a decimal number.
fn decimal_to_fraction(s: &str) -> Option<(i128, i128)> {
    let (mantissa, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], s[i + 1..].parse::<i32>().ok()?),
        None => (s, 0),
    };
    let (neg, digits) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut num: i128 = 0;
    for b in int.bytes().chain(frac.bytes()) {
        num = num.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
    }
    let scale = frac.len() as i32 - exp;
    let (num, den) = if scale >= 0 {
        (num, 10i128.checked_pow(scale as u32)?)
    } else {
        (num.checked_mul(10i128.checked_pow((-scale) as u32)?)?, 1)
    };
    Some((if neg { -num } else { num }, den))
}

/// A parsed `--ulimit name=soft[:hard]`; -1 means unlimited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ulimit {
    pub name: String,
    pub soft: i64,
    pub hard: i64,
}

/// The `--ulimit` names docker accepts (go-units), with their rlimit types.
const ULIMITS: &[(&str, Resource, PosixRlimitType)] = &[
    ("core", Resource::RLIMIT_CORE, PosixRlimitType::RlimitCore),
    ("cpu", Resource::RLIMIT_CPU, PosixRlimitType::RlimitCpu),
    ("data", Resource::RLIMIT_DATA, PosixRlimitType::RlimitData),
    (
        "fsize",
        Resource::RLIMIT_FSIZE,
        PosixRlimitType::RlimitFsize,
    ),
    (
        "locks",
        Resource::RLIMIT_LOCKS,
        PosixRlimitType::RlimitLocks,
    ),
    (
        "memlock",
        Resource::RLIMIT_MEMLOCK,
        PosixRlimitType::RlimitMemlock,
    ),
    (
        "msgqueue",
        Resource::RLIMIT_MSGQUEUE,
        PosixRlimitType::RlimitMsgqueue,
    ),
    ("nice", Resource::RLIMIT_NICE, PosixRlimitType::RlimitNice),
    (
        "nofile",
        Resource::RLIMIT_NOFILE,
        PosixRlimitType::RlimitNofile,
    ),
    (
        "nproc",
        Resource::RLIMIT_NPROC,
        PosixRlimitType::RlimitNproc,
    ),
    ("rss", Resource::RLIMIT_RSS, PosixRlimitType::RlimitRss),
    (
        "rtprio",
        Resource::RLIMIT_RTPRIO,
        PosixRlimitType::RlimitRtprio,
    ),
    (
        "rttime",
        Resource::RLIMIT_RTTIME,
        PosixRlimitType::RlimitRttime,
    ),
    (
        "sigpending",
        Resource::RLIMIT_SIGPENDING,
        PosixRlimitType::RlimitSigpending,
    ),
    (
        "stack",
        Resource::RLIMIT_STACK,
        PosixRlimitType::RlimitStack,
    ),
];

impl Ulimit {
    /// The kernel resource and OCI rlimit type for this ulimit's name.
    pub fn resource(&self) -> Option<(Resource, PosixRlimitType)> {
        ULIMITS
            .iter()
            .find(|(n, _, _)| *n == self.name)
            .map(|(_, r, t)| (*r, *t))
    }
}

/// `--ulimit nofile=1024:2048` (docker's `units.ParseUlimit`).
pub fn parse_ulimit(val: &str) -> Result<Ulimit> {
    let Some((name, limits)) = val.split_once('=') else {
        return Err(SpecError::invalid(format!(
            "invalid ulimit argument: {val}"
        )));
    };
    if !ULIMITS.iter().any(|(n, _, _)| *n == name) {
        return Err(SpecError::invalid(format!("invalid ulimit type: {name}")));
    }
    let int = |s: &str| {
        s.parse::<i64>().map_err(|_| {
            SpecError::invalid(format!("strconv.ParseInt: parsing {s:?}: invalid syntax"))
        })
    };
    let parts: Vec<&str> = limits.split(':').collect();
    let (soft, hard) = match parts.as_slice() {
        [soft] => {
            let soft = int(soft)?;
            (soft, soft)
        }
        [soft, hard] => (int(soft)?, int(hard)?),
        _ => {
            return Err(SpecError::invalid(format!(
                "too many limit value arguments - {limits}, can only have up to two, `soft[:hard]`"
            )))
        }
    };
    if hard != -1 {
        if soft == -1 {
            return Err(SpecError::invalid(format!("ulimit soft limit must be less than or equal to hard limit: soft: -1 (unlimited), hard: {hard}")));
        }
        if soft > hard {
            return Err(SpecError::invalid(format!(
                "ulimit soft limit must be less than or equal to hard limit: {soft} > {hard}"
            )));
        }
    }
    Ok(Ulimit {
        name: name.to_string(),
        soft,
        hard,
    })
}

const SIGNALS: &[(&str, i32)] = &[
    ("ABRT", 6),
    ("ALRM", 14),
    ("BUS", 7),
    ("CHLD", 17),
    ("CLD", 17),
    ("CONT", 18),
    ("FPE", 8),
    ("HUP", 1),
    ("ILL", 4),
    ("INT", 2),
    ("IO", 29),
    ("IOT", 6),
    ("KILL", 9),
    ("PIPE", 13),
    ("POLL", 29),
    ("PROF", 27),
    ("PWR", 30),
    ("QUIT", 3),
    ("SEGV", 11),
    ("STKFLT", 16),
    ("STOP", 19),
    ("SYS", 31),
    ("TERM", 15),
    ("TRAP", 5),
    ("TSTP", 20),
    ("TTIN", 21),
    ("TTOU", 22),
    ("URG", 23),
    ("USR1", 10),
    ("USR2", 12),
    ("VTALRM", 26),
    ("WINCH", 28),
    ("XCPU", 24),
    ("XFSZ", 25),
];

const SIGRTMIN: i32 = 34;
const SIGRTMAX: i32 = 64;

/// `--stop-signal`/`kill -s`: `SIGTERM`, `term`, `15`, `RTMIN+3` (moby/sys `ParseSignal`).
pub fn parse_signal(raw: &str) -> Result<i32> {
    let invalid = || SpecError::invalid(format!("invalid signal: {raw}"));
    if let Ok(n) = raw.parse::<i64>() {
        return match i32::try_from(n) {
            Ok(n) if (1..=SIGRTMAX).contains(&n) => Ok(n),
            _ => Err(invalid()),
        };
    }
    let upper = raw.to_ascii_uppercase();
    let name = upper.strip_prefix("SIG").unwrap_or(&upper);
    if let Some(&(_, n)) = SIGNALS.iter().find(|(s, _)| *s == name) {
        return Ok(n);
    }
    // Real-time signals: RTMIN, RTMIN+1..RTMIN+15, RTMAX-14..RTMAX-1, RTMAX.
    let offset = |s: &str| s.parse::<i32>().ok().filter(|n| (1..=15).contains(n));
    match name {
        "RTMIN" => Ok(SIGRTMIN),
        "RTMAX" => Ok(SIGRTMAX),
        _ => {
            if let Some(n) = name.strip_prefix("RTMIN+").and_then(offset) {
                Ok(SIGRTMIN + n)
            } else if let Some(n) = name
                .strip_prefix("RTMAX-")
                .and_then(offset)
                .filter(|n| *n <= 14)
            {
                Ok(SIGRTMAX - n)
            } else {
                Err(invalid())
            }
        }
    }
}

/// `--sysctl k=v`: only namespaced sysctls docker allows (`net.*`,
/// `fs.mqueue.*` and the IPC `kernel.*` ones).
pub fn parse_sysctl(val: &str) -> Result<(String, String)> {
    const IPC: &[&str] = &[
        "kernel.msgmax",
        "kernel.msgmnb",
        "kernel.msgmni",
        "kernel.sem",
        "kernel.shmall",
        "kernel.shmmax",
        "kernel.shmmni",
        "kernel.shm_rmid_forced",
    ];
    let not_allowed = || SpecError::invalid(format!("sysctl '{val}' is not allowed"));
    let (k, v) = val.split_once('=').ok_or_else(not_allowed)?;
    if k.is_empty() {
        return Err(not_allowed());
    }
    if IPC.contains(&k) || k.starts_with("net.") || k.starts_with("fs.mqueue.") {
        Ok((k.to_string(), v.to_string()))
    } else {
        Err(not_allowed())
    }
}

/// `--env-file`: docker's kvfile rules. `#` comments and blank lines are
/// skipped, leading whitespace is trimmed, `K=V` is taken verbatim (no quote
/// processing), a lone `K` takes the host's value or is dropped when unset.
pub fn parse_env_file(path: &Path) -> Result<Vec<String>> {
    let bytes = std::fs::read(path).map_err(|source| SpecError::Io {
        what: "reading env file",
        path: path.to_path_buf(),
        source,
    })?;
    parse_env_lines(&bytes, &|k| std::env::var(k).ok())
        .map_err(|e| SpecError::invalid(format!("invalid env file ({}): {e}", path.display())))
}

pub(crate) fn parse_env_lines(
    bytes: &[u8],
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for (idx, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let raw = if idx == 0 {
            raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw)
        } else {
            raw
        };
        let line = std::str::from_utf8(raw)
            .map_err(|_| format!("invalid utf8 bytes at line {}: {raw:?}", idx + 1))?;
        let line = line.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, has_value) = match line.split_once('=') {
            Some((k, _)) => (k, true),
            None => (line, false),
        };
        if key.is_empty() {
            return Err(format!("no variable name on line '{line}'"));
        }
        if key.contains([' ', '\t']) {
            return Err(format!("variable '{key}' contains whitespaces"));
        }
        if has_value {
            out.push(line.to_string());
        } else if let Some(value) = lookup(key) {
            out.push(format!("{key}={value}"));
        }
    }
    Ok(out)
}

/// Validates `--cpuset-cpus` ("0-3,5") against the host's CPU count.
pub fn check_cpuset(cpus: &str, host_cpus: usize) -> Result<()> {
    let bad = || {
        SpecError::invalid(format!(
            "Invalid value {cpus} for cpuset cpus: invalid format: {cpus}"
        ))
    };
    let mut max = 0usize;
    for part in cpus.split(',') {
        let (lo, hi) = match part.split_once('-') {
            Some((a, b)) => (
                a.parse::<usize>().map_err(|_| bad())?,
                b.parse::<usize>().map_err(|_| bad())?,
            ),
            None => {
                let n = part.parse::<usize>().map_err(|_| bad())?;
                (n, n)
            }
        };
        if hi < lo {
            return Err(bad());
        }
        max = max.max(hi);
    }
    if max >= host_cpus {
        let available = if host_cpus <= 1 {
            "0".to_string()
        } else {
            format!("0-{}", host_cpus - 1)
        };
        return Err(SpecError::invalid(format!(
            "Requested CPUs are not available - requested {cpus}, available: {available}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err<T: std::fmt::Debug>(r: Result<T>) -> String {
        r.expect_err("should fail").to_string()
    }

    #[test]
    fn memory_sizes_follow_rams_in_bytes() {
        assert_eq!(parse_memory_bytes("32m").unwrap(), 32 << 20);
        assert_eq!(parse_memory_bytes("32M").unwrap(), 32 << 20);
        assert_eq!(parse_memory_bytes("1g").unwrap(), 1 << 30);
        assert_eq!(parse_memory_bytes("1GiB").unwrap(), 1 << 30);
        assert_eq!(parse_memory_bytes("2kb").unwrap(), 2048);
        assert_eq!(parse_memory_bytes("512").unwrap(), 512);
        assert_eq!(parse_memory_bytes("512b").unwrap(), 512);
        assert_eq!(parse_memory_bytes("1.5k").unwrap(), 1536);
        assert_eq!(parse_memory_bytes("10 m").unwrap(), 10 << 20);
        assert_eq!(err(parse_memory_bytes("abc")), "invalid size: 'abc'");
        assert_eq!(err(parse_memory_bytes("-1m")), "invalid size: '-1m'");
        assert_eq!(err(parse_memory_bytes("3x")), "invalid suffix: 'x'");
        assert_eq!(err(parse_memory_bytes("3mbb")), "invalid suffix: 'mbb'");
        assert_eq!(err(parse_memory_bytes("3kx")), "invalid suffix: 'kx'");
    }

    #[test]
    fn cpus_are_exact_nano_cpus() {
        assert_eq!(parse_cpus("1.5").unwrap(), 1_500_000_000);
        assert_eq!(parse_cpus("0.01").unwrap(), 10_000_000);
        assert_eq!(parse_cpus("2").unwrap(), 2_000_000_000);
        assert_eq!(parse_cpus("3/2").unwrap(), 1_500_000_000);
        assert_eq!(parse_cpus("1e-3").unwrap(), 1_000_000);
        assert_eq!(err(parse_cpus("0.0000000001")), "value is too precise");
        assert_eq!(
            err(parse_cpus("one")),
            "failed to parse one as a rational number"
        );
    }

    #[test]
    fn ulimits_as_go_units() {
        let u = parse_ulimit("nofile=1024:2048").unwrap();
        assert_eq!((u.name.as_str(), u.soft, u.hard), ("nofile", 1024, 2048));
        let u = parse_ulimit("nproc=100").unwrap();
        assert_eq!((u.soft, u.hard), (100, 100));
        let u = parse_ulimit("core=-1").unwrap();
        assert_eq!((u.soft, u.hard), (-1, -1));
        assert_eq!(
            err(parse_ulimit("nofile")),
            "invalid ulimit argument: nofile"
        );
        assert_eq!(err(parse_ulimit("as=1")), "invalid ulimit type: as");
        assert_eq!(
            err(parse_ulimit("nofile=2:1")),
            "ulimit soft limit must be less than or equal to hard limit: 2 > 1"
        );
        assert_eq!(
            err(parse_ulimit("nofile=-1:10")),
            "ulimit soft limit must be less than or equal to hard limit: soft: -1 (unlimited), hard: 10"
        );
        assert_eq!(
            err(parse_ulimit("nofile=1:2:3")),
            "too many limit value arguments - 1:2:3, can only have up to two, `soft[:hard]`"
        );
        assert_eq!(
            err(parse_ulimit("nofile=x")),
            "strconv.ParseInt: parsing \"x\": invalid syntax"
        );
    }

    #[test]
    fn signals_by_name_number_and_rt_offset() {
        assert_eq!(parse_signal("SIGTERM").unwrap(), 15);
        assert_eq!(parse_signal("term").unwrap(), 15);
        assert_eq!(parse_signal("15").unwrap(), 15);
        assert_eq!(parse_signal("SIGKILL").unwrap(), 9);
        assert_eq!(parse_signal("sigusr1").unwrap(), 10);
        assert_eq!(parse_signal("RTMIN+3").unwrap(), 37);
        assert_eq!(parse_signal("SIGRTMAX-1").unwrap(), 63);
        assert_eq!(err(parse_signal("0")), "invalid signal: 0");
        assert_eq!(err(parse_signal("SIGFOO")), "invalid signal: SIGFOO");
        assert_eq!(err(parse_signal("65")), "invalid signal: 65");
    }

    #[test]
    fn sysctls_only_namespaced() {
        assert_eq!(
            parse_sysctl("net.ipv4.ip_forward=1").unwrap(),
            ("net.ipv4.ip_forward".to_string(), "1".to_string())
        );
        assert!(parse_sysctl("kernel.shmmax=1").is_ok());
        assert!(parse_sysctl("fs.mqueue.msg_max=10").is_ok());
        assert_eq!(
            err(parse_sysctl("kernel.pid_max=1")),
            "sysctl 'kernel.pid_max=1' is not allowed"
        );
        assert_eq!(
            err(parse_sysctl("net.foo")),
            "sysctl 'net.foo' is not allowed"
        );
    }

    #[test]
    fn env_file_rules() {
        let text = b"\xEF\xBB\xBFA=1\n# comment\n\n   B=\"quoted\" \nHOSTVAR\nMISSING\r\nC=x=y\n";
        let lookup = |k: &str| (k == "HOSTVAR").then(|| "from-host".to_string());
        let got = parse_env_lines(text, &lookup).unwrap();
        assert_eq!(
            got,
            vec!["A=1", "B=\"quoted\" ", "HOSTVAR=from-host", "C=x=y"]
        );
        assert_eq!(
            parse_env_lines(b"=x\n", &lookup).unwrap_err(),
            "no variable name on line '=x'"
        );
        assert_eq!(
            parse_env_lines(b"A B=x\n", &lookup).unwrap_err(),
            "variable 'A B' contains whitespaces"
        );
    }

    #[test]
    fn env_file_errors_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("env");
        std::fs::write(&p, b"K=V\n=bad\n").unwrap();
        let msg = err(parse_env_file(&p));
        assert!(
            msg.starts_with(&format!("invalid env file ({}): ", p.display())),
            "{msg}"
        );
        assert!(parse_env_file(&dir.path().join("nope")).is_err());
    }

    #[test]
    fn cpuset_checks_format_and_availability() {
        assert!(check_cpuset("0-1", 2).is_ok());
        assert!(check_cpuset("0,1", 4).is_ok());
        assert_eq!(
            err(check_cpuset("0-3", 2)),
            "Requested CPUs are not available - requested 0-3, available: 0-1"
        );
        assert_eq!(
            err(check_cpuset("a", 2)),
            "Invalid value a for cpuset cpus: invalid format: a"
        );
    }
}
