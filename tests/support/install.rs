//! Makes sure the Debian packages the harness drives are present. As root
//! it installs what is missing (CI starts from a fresh Debian 12); as an
//! ordinary user it can only say what to install.

use std::path::Path;
use std::process::Command;
use std::sync::Mutex;

/// A Debian package and the file that proves it is installed.
pub struct Package {
    pub name: &'static str,
    pub provides: &'static str,
}

pub const DOCKER_REGISTRY: Package = Package {
    name: "docker-registry",
    provides: "/usr/bin/docker-registry",
};

pub const BUSYBOX_STATIC: Package = Package {
    name: "busybox-static",
    provides: "/bin/busybox",
};

pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Installs every missing package in one apt-get call, running
/// `apt-get update` only when the first attempt fails (a fresh machine may
/// have no package lists yet). Panics with the manual command when that is
/// impossible.
pub fn ensure(packages: &[&Package]) {
    // Test threads race here; one apt-get at a time (dpkg would refuse the
    // second anyway, with a confusing lock error).
    static APT: Mutex<()> = Mutex::new(());
    let _guard = APT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());

    let missing: Vec<&str> = packages
        .iter()
        .filter(|p| !Path::new(p.provides).exists())
        .map(|p| p.name)
        .collect();
    if missing.is_empty() {
        return;
    }
    let manual = format!("apt-get install -y {}", missing.join(" "));
    if !is_root() {
        panic!(
            "the tests need {missing:?} and cannot install them without root; run: sudo {manual}"
        );
    }
    if apt_install(&missing) {
        return;
    }
    let updated = apt(&["update"]);
    if !(updated && apt_install(&missing)) {
        panic!("installing {missing:?} failed (see apt-get output above); try: apt-get update && {manual}");
    }
}

fn apt_install(names: &[&str]) -> bool {
    let mut args = vec!["install", "-y", "--no-install-recommends"];
    args.extend_from_slice(names);
    apt(&args)
}

fn apt(args: &[&str]) -> bool {
    Command::new("apt-get")
        .args(args)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .stdin(std::process::Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}
