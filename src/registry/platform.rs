//! Platforms (`linux/arm64/v8`) and the choice of one manifest from a
//! manifest list. oci-client's resolver ignores `variant`; this one follows
//! containerd's rules, which docker uses: names are normalised
//! (`aarch64` → `arm64`, `x86_64` → `amd64`), a missing variant means the
//! architecture's baseline (`arm64` ≡ `arm64/v8`, `arm` ≡ `arm/v7`,
//! `amd64` ≡ `amd64/v1`), an older variant runs on a newer CPU, and the
//! closest variant wins.

use std::fmt;
use std::str::FromStr;

use super::manifest::{Descriptor, ImageIndex, PlatformSpec};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Platform {
    pub os: String,
    pub architecture: String,
    pub variant: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid platform {input:?}: {reason}; expected os[/arch[/variant]], e.g. linux/arm64/v8")]
pub struct PlatformError {
    pub input: String,
    pub reason: &'static str,
}

/// The annotation BuildKit puts on attestation entries of an index.
const REFERENCE_TYPE: &str = "vnd.docker.reference.type";

impl Platform {
    pub fn new(os: &str, architecture: &str, variant: Option<&str>) -> Platform {
        Platform {
            os: os.to_string(),
            architecture: architecture.to_string(),
            variant: variant.map(str::to_string),
        }
    }

    /// Parses `os`, `arch`, `os/arch` or `os/arch/variant` as docker's
    /// `--platform` does: a lone word is an OS if it names one (the host's
    /// architecture is implied), otherwise an architecture on linux.
    pub fn parse(s: &str) -> Result<Platform, PlatformError> {
        let err = |reason| PlatformError {
            input: s.to_string(),
            reason,
        };
        let lower = s.trim().to_ascii_lowercase();
        let parts: Vec<&str> = lower.split('/').collect();
        if parts.iter().any(|p| p.is_empty()) {
            return Err(err("a part is empty"));
        }
        let valid = |p: &str| {
            p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
        };
        if !parts.iter().all(|p| valid(p)) {
            return Err(err("only letters, digits, '.', '_' and '-' are allowed"));
        }
        let p = match parts.as_slice() {
            [one] if is_known_os(one) => {
                let host = Platform::host();
                Platform::new(one, &host.architecture, host.variant.as_deref())
            }
            [arch] => Platform::new("linux", arch, None),
            [os, arch] => Platform::new(os, arch, None),
            [os, arch, variant] => Platform::new(os, arch, Some(variant)),
            _ => return Err(err("too many parts")),
        };
        Ok(p.normalized())
    }

    /// The platform of this machine, in GOARCH names.
    pub fn host() -> Platform {
        let (arch, variant) = match std::env::consts::ARCH {
            "x86_64" => ("amd64", None),
            "aarch64" => ("arm64", Some("v8")),
            "arm" => ("arm", Some("v7")),
            "x86" => ("386", None),
            "powerpc64" => ("ppc64", None),
            "loongarch64" => ("loong64", None),
            // riscv64, s390x, mips64 … already carry their GOARCH names.
            other => (other, None),
        };
        Platform::new(std::env::consts::OS, arch, variant)
    }

    /// Canonical spelling, with the baseline variant spelled out so that
    /// equal platforms compare equal.
    pub fn normalized(&self) -> Platform {
        let os = self.os.to_ascii_lowercase();
        let os = if os == "macos" { "darwin".into() } else { os };
        let (arch, implied) = normalize_arch(&self.architecture.to_ascii_lowercase());
        let variant = self
            .variant
            .as_deref()
            .map(str::to_ascii_lowercase)
            .filter(|v| !v.is_empty())
            .or(implied.map(str::to_string));
        let variant = match (arch.as_str(), variant) {
            ("arm64", None) => Some("v8".to_string()),
            ("arm", None) => Some("v7".to_string()),
            ("amd64", None) => Some("v1".to_string()),
            // "8" and "v8" are both written in the wild.
            ("arm64" | "arm" | "amd64", Some(v)) if v.bytes().all(|b| b.is_ascii_digit()) => {
                Some(format!("v{v}"))
            }
            ("arm64", Some(v)) if v.starts_with("v8.") => Some("v8".to_string()),
            (_, v) => v,
        };
        Platform {
            os,
            architecture: arch,
            variant,
        }
    }

    fn from_spec(spec: &PlatformSpec) -> Platform {
        Platform {
            os: spec.os.clone(),
            architecture: spec.architecture.clone(),
            variant: spec.variant.clone(),
        }
        .normalized()
    }

    /// How well an image built for `candidate` suits this platform: `None`
    /// when it cannot run, otherwise a rank where higher is closer.
    fn fitness(&self, candidate: &Platform) -> Option<u32> {
        let want = self.normalized();
        let have = candidate.normalized();
        if want.os != have.os || want.architecture != have.architecture {
            return None;
        }
        if want.variant == have.variant {
            return Some(u32::MAX);
        }
        let level =
            |v: &Option<String>| -> Option<u32> { v.as_deref()?.strip_prefix('v')?.parse().ok() };
        match (level(&want.variant), level(&have.variant)) {
            // An older instruction set runs on a newer CPU (arm/v6 on v7, amd64/v2 on v3).
            (Some(w), Some(h)) if h <= w => Some(h),
            _ => None,
        }
    }
}

impl fmt::Display for Platform {
    /// `os/arch[/variant]`, leaving out the baseline variants docker leaves out
    /// (`linux/amd64`, `linux/arm64`), but keeping `linux/arm/v7`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        match (self.architecture.as_str(), self.variant.as_deref()) {
            (_, None) | ("amd64", Some("v1")) | ("arm64", Some("v8")) => Ok(()),
            (_, Some(v)) => write!(f, "/{v}"),
        }
    }
}

impl FromStr for Platform {
    type Err = PlatformError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Platform::parse(s)
    }
}

fn is_known_os(s: &str) -> bool {
    matches!(
        s,
        "linux" | "windows" | "darwin" | "freebsd" | "netbsd" | "openbsd" | "solaris" | "illumos"
    )
}

/// GOARCH name and the variant an alias implies (`armhf` is arm/v7).
fn normalize_arch(arch: &str) -> (String, Option<&'static str>) {
    let (a, v) = match arch {
        "x86_64" | "x86-64" | "amd64" => ("amd64", None),
        "aarch64" | "arm64" => ("arm64", None),
        "armhf" => ("arm", Some("v7")),
        "armel" => ("arm", Some("v6")),
        "i386" | "i686" | "x86" => ("386", None),
        other => return (other.to_string(), None),
    };
    (a.to_string(), v)
}

/// Whether an index entry is an attestation or other non-image artifact
/// (BuildKit writes them as `unknown/unknown` with an annotation).
fn is_attestation(d: &Descriptor) -> bool {
    let annotated = d
        .annotations
        .as_ref()
        .is_some_and(|a| a.contains_key(REFERENCE_TYPE));
    let unknown = d
        .platform
        .as_ref()
        .is_some_and(|p| p.os == "unknown" || p.architecture == "unknown");
    annotated || unknown
}

/// Picks the entry of `index` that best suits `want`; on a tie the first wins,
/// as docker's. Entries without a platform cannot be told apart and are skipped.
pub fn select<'a>(index: &'a ImageIndex, want: &Platform) -> Option<&'a Descriptor> {
    let mut best: Option<(u32, &Descriptor)> = None;
    for d in &index.manifests {
        if is_attestation(d) {
            continue;
        }
        let Some(spec) = &d.platform else { continue };
        let Some(score) = want.fitness(&Platform::from_spec(spec)) else {
            continue;
        };
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, d));
        }
    }
    best.map(|(_, d)| d)
}

/// The platforms an index offers, for the "no matching manifest" error.
pub fn available(index: &ImageIndex) -> Vec<String> {
    index
        .manifests
        .iter()
        .filter(|d| !is_attestation(d))
        .filter_map(|d| d.platform.as_ref())
        .map(|p| Platform::from_spec(p).to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: u8, os: &str, arch: &str, variant: Option<&str>) -> Descriptor {
        Descriptor {
            media_type: super::super::manifest::OCI_MANIFEST.into(),
            digest: format!("sha256:{}", format!("{n:02x}").repeat(32)),
            size: 100,
            urls: None,
            platform: Some(PlatformSpec {
                architecture: arch.into(),
                os: os.into(),
                variant: variant.map(str::to_string),
                os_version: None,
            }),
            annotations: None,
        }
    }

    fn index(entries: Vec<Descriptor>) -> ImageIndex {
        ImageIndex {
            schema_version: 2,
            media_type: None,
            manifests: entries,
        }
    }

    fn pick(idx: &ImageIndex, want: &str) -> Option<String> {
        let want = Platform::parse(want).expect("test platform parses");
        select(idx, &want).map(|d| d.digest[7..9].to_string())
    }

    #[test]
    fn parses_docker_platform_strings() {
        assert_eq!(
            Platform::parse("linux/arm64/v8"),
            Ok(Platform::new("linux", "arm64", Some("v8")))
        );
        assert_eq!(
            Platform::parse("linux/aarch64"),
            Ok(Platform::new("linux", "arm64", Some("v8")))
        );
        assert_eq!(
            Platform::parse("Linux/x86_64"),
            Ok(Platform::new("linux", "amd64", Some("v1")))
        );
        assert_eq!(
            Platform::parse("linux/armhf"),
            Ok(Platform::new("linux", "arm", Some("v7")))
        );
        assert_eq!(
            Platform::parse("linux/arm/6"),
            Ok(Platform::new("linux", "arm", Some("v6")))
        );
        assert_eq!(
            Platform::parse("arm64"),
            Ok(Platform::new("linux", "arm64", Some("v8")))
        );
        assert_eq!(
            Platform::parse("linux/riscv64"),
            Ok(Platform::new("linux", "riscv64", None))
        );
        let host = Platform::host().normalized();
        assert_eq!(
            Platform::parse("linux").map(|p| p.architecture),
            Ok(host.architecture)
        );
        for bad in ["", "linux/", "/amd64", "linux/amd64/v8/x", "linux/am d64"] {
            assert!(Platform::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn displays_as_docker_does() {
        let show = |s: &str| Platform::parse(s).map(|p| p.to_string());
        assert_eq!(show("linux/amd64"), Ok("linux/amd64".into()));
        assert_eq!(show("linux/arm64/v8"), Ok("linux/arm64".into()));
        assert_eq!(show("linux/arm"), Ok("linux/arm/v7".into()));
        assert_eq!(show("linux/amd64/v3"), Ok("linux/amd64/v3".into()));
    }

    #[test]
    fn host_uses_goarch_names() {
        let h = Platform::host();
        assert_eq!(h.os, "linux");
        if cfg!(target_arch = "x86_64") {
            assert_eq!(h, Platform::new("linux", "amd64", None));
        }
        if cfg!(target_arch = "aarch64") {
            assert_eq!(h, Platform::new("linux", "arm64", Some("v8")));
        }
    }

    #[test]
    fn arm64_without_variant_matches_v8_both_ways() {
        let idx = index(vec![
            entry(1, "linux", "amd64", None),
            entry(2, "linux", "arm64", Some("v8")),
        ]);
        assert_eq!(pick(&idx, "linux/arm64").as_deref(), Some("02"));
        let idx = index(vec![entry(3, "linux", "arm64", None)]);
        assert_eq!(pick(&idx, "linux/arm64/v8").as_deref(), Some("03"));
    }

    #[test]
    fn arm_variants_pick_the_closest_compatible() {
        let idx = index(vec![
            entry(1, "linux", "arm", Some("v5")),
            entry(2, "linux", "arm", Some("v7")),
            entry(3, "linux", "arm", Some("v6")),
        ]);
        assert_eq!(pick(&idx, "linux/arm/v7").as_deref(), Some("02"));
        assert_eq!(pick(&idx, "linux/arm").as_deref(), Some("02"));
        assert_eq!(pick(&idx, "linux/arm/v6").as_deref(), Some("03"));
        let only_v7 = index(vec![entry(4, "linux", "arm", Some("v7"))]);
        assert_eq!(pick(&only_v7, "linux/arm/v6"), None);
    }

    #[test]
    fn amd64_levels_run_older_builds_only() {
        let idx = index(vec![
            entry(1, "linux", "amd64", Some("v3")),
            entry(2, "linux", "amd64", None),
        ]);
        assert_eq!(pick(&idx, "linux/amd64").as_deref(), Some("02"));
        assert_eq!(pick(&idx, "linux/amd64/v3").as_deref(), Some("01"));
        assert_eq!(pick(&idx, "linux/amd64/v2").as_deref(), Some("02"));
    }

    #[test]
    fn skips_attestations_and_other_oses() {
        let mut att = entry(1, "unknown", "unknown", None);
        att.annotations = Some(
            [(
                REFERENCE_TYPE.to_string(),
                "attestation-manifest".to_string(),
            )]
            .into_iter()
            .collect(),
        );
        let mut annotated_amd64 = entry(2, "linux", "amd64", None);
        annotated_amd64.annotations = att.annotations.clone();
        let mut no_platform = entry(3, "linux", "amd64", None);
        no_platform.platform = None;
        let idx = index(vec![
            att,
            annotated_amd64,
            no_platform,
            entry(4, "windows", "amd64", None),
            entry(5, "linux", "amd64", None),
        ]);
        assert_eq!(pick(&idx, "linux/amd64").as_deref(), Some("05"));
        assert_eq!(pick(&idx, "windows/amd64").as_deref(), Some("04"));
        assert_eq!(pick(&idx, "linux/s390x"), None);
        assert_eq!(
            available(&idx),
            vec!["windows/amd64".to_string(), "linux/amd64".into()]
        );
    }

    #[test]
    fn first_of_equal_entries_wins() {
        let idx = index(vec![
            entry(1, "linux", "amd64", None),
            entry(2, "linux", "amd64", Some("v1")),
        ]);
        assert_eq!(pick(&idx, "linux/amd64").as_deref(), Some("01"));
    }
}
