//! berth.toml and `BERTH_*`: the default network, default ulimits and
//! registry mirrors take effect, `info` shows them, and a broken file is
//! a clear error naming it.

mod support;

use std::path::PathBuf;

use support::{images, registry, unique_repo, with_busybox, TestBerth};

fn write_config(b: &TestBerth, text: &str) -> PathBuf {
    let path = b.scratch("cfg").join("berth.toml");
    std::fs::write(&path, text).expect("write berth.toml");
    path
}

const DEFAULTS: &str = r#"
[network]
default = "none"

[containers]
ulimits = ["nofile=1024:2048"]

[something-newer]
ignored = true
"#;

/// Interface names in the container's /proc/net/dev.
fn interfaces(b: &TestBerth, extra: &[&str], img: &str) -> Vec<String> {
    let mut args = vec!["run", "--rm"];
    args.extend(extra);
    args.extend([img, "cat", "/proc/net/dev"]);
    let out = b.cmd(&args);
    out.success();
    out.stdout_lines()
        .iter()
        .filter_map(|l| l.split_once(':').map(|(name, _)| name.trim().to_string()))
        .filter(|n| !n.contains('|'))
        .collect()
}

#[test]
fn the_configured_default_network_applies_without_network() {
    let (mut b, img) = with_busybox();
    let cfg = write_config(&b, DEFAULTS);
    let cfg = cfg.to_string_lossy().to_string();
    assert_eq!(interfaces(&b, &["--berth-config", &cfg], &img), ["lo"]);
    b.env("BERTH_CONFIG", Some(&cfg));
    assert_eq!(interfaces(&b, &[], &img), ["lo"]);
    // --network still wins over the default.
    let host = interfaces(&b, &["--network", "host"], &img);
    assert!(
        host.len() > 1,
        "host network shows the host's interfaces: {host:?}"
    );
    // BERTH_NETWORK wins over the file.
    b.env("BERTH_NETWORK", Some("host"));
    assert!(interfaces(&b, &[], &img).len() > 1);
}

#[test]
fn default_ulimits_apply_and_a_containers_own_ulimit_wins() {
    let (mut b, img) = with_busybox();
    let cfg = write_config(&b, DEFAULTS);
    b.env("BERTH_CONFIG", Some(&cfg.to_string_lossy()));
    b.cmd(&["run", "--rm", &img, "sh", "-c", "ulimit -n; ulimit -Hn"])
        .success()
        .stdout_is("1024\n2048\n");
    b.cmd(&[
        "run",
        "--rm",
        "--ulimit",
        "nofile=512:1024",
        &img,
        "sh",
        "-c",
        "ulimit -n; ulimit -Hn",
    ])
    .success()
    .stdout_is("512\n1024\n");
}

#[test]
fn info_shows_the_configuration_in_effect() {
    let mut b = TestBerth::new();
    let cfg = write_config(
        &b,
        &format!(
            "{DEFAULTS}\n[registries]\ninsecure = [\"10.0.0.0/8\"]\nmirrors = {{ \"docker.io\" = [\"http://127.0.0.1:1\", \"mirror.lan\"] }}\n"
        ),
    );
    let cfg_s = cfg.to_string_lossy().to_string();
    b.env("BERTH_CONFIG", Some(&cfg_s));
    let text = b.cmd(&["info"]);
    text.success()
        .stdout_contains(&format!("Config Files: {cfg_s}"))
        .stdout_contains("Default Network: none")
        .stdout_contains("nofile=1024:2048")
        .stdout_contains("10.0.0.0/8")
        .stdout_contains("docker.io: http://127.0.0.1:1")
        .stdout_contains("docker.io: mirror.lan");
    let json = b.cmd(&["info", "--format", "{{json .}}"]);
    json.success();
    let v: serde_json::Value = serde_json::from_str(json.stdout_trim()).expect("info json");
    assert_eq!(v["DefaultNetwork"], "none");
    assert_eq!(v["DefaultUlimits"][0], "nofile=1024:2048");
    assert_eq!(v["RegistryMirrors"]["docker.io"][1], "mirror.lan");
    assert_eq!(v["ConfigFiles"][0], cfg_s.as_str());
    assert_eq!(v["DockerRootDir"], b.root().to_string_lossy().as_ref());
    b.cmd(&["info", "--format", "{{.DefaultNetwork}}"])
        .success()
        .stdout_is("none\n");
}

#[test]
fn a_pull_goes_through_the_registrys_mirror() {
    let reg = registry();
    let repo = unique_repo("mirrored");
    let pushed = images::push_busybox(reg, &repo, "v1");
    let mut b = TestBerth::new();
    let cfg = write_config(
        &b,
        &format!(
            "[registries]\nmirrors = {{ \"mirror.invalid:5000\" = [\"http://{}\"] }}\n",
            reg.addr()
        ),
    );
    b.env("BERTH_CONFIG", Some(&cfg.to_string_lossy()));
    let name = format!("mirror.invalid:5000/{repo}:v1");
    b.cmd(&["pull", "-q", &name]).success();
    b.cmd(&["images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}"])
        .success()
        .stdout_contains(&format!("mirror.invalid:5000/{repo}:v1"));
    b.cmd(&["image", "inspect", "-f", "{{.Id}}", &name])
        .success()
        .stdout_is(&format!("{}\n", pushed.config_digest));
    // inspect --remote reads through the mirror too.
    b.cmd(&["image", "inspect", "--remote", &name]).success();
    // Without the mirror the name does not resolve.
    b.env("BERTH_CONFIG", None);
    b.cmd(&["pull", "-q", &format!("mirror.invalid:5000/{repo}:v1")])
        .failure();
}

#[test]
fn a_broken_config_is_a_clear_error_naming_the_file_and_key() {
    let mut b = TestBerth::new();
    let cfg = write_config(&b, "[network\ndefault = \"none\"\n");
    let cfg_s = cfg.to_string_lossy().to_string();
    b.env("BERTH_CONFIG", Some(&cfg_s));
    b.cmd(&["ps"]).code(1).stderr_contains(&cfg_s);
    b.cmd(&["run", "--rm", "busybox", "true"])
        .code(125)
        .stderr_contains(&cfg_s);
    std::fs::write(&cfg, "[containers]\nulimits = [\"nofile=x\"]\n").expect("rewrite");
    b.cmd(&["ps"])
        .code(1)
        .stderr_contains("[containers] ulimits");
    std::fs::write(
        &cfg,
        "[registries]\nmirrors = { \"docker.io\" = [\"https://m.lan/some/path\"] }\n",
    )
    .expect("rewrite");
    b.cmd(&["ps"])
        .code(1)
        .stderr_contains("[registries] mirrors.\"docker.io\"");
    b.env("BERTH_CONFIG", Some("/nonexistent/berth.toml"));
    b.cmd(&["ps"])
        .code(1)
        .stderr_contains("/nonexistent/berth.toml");
}
