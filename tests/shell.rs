//! Fitting the shell: the checked-in completion scripts and man pages are
//! what berth generates, bash completion names live containers and images,
//! and `berth help CMD` is `berth CMD --help`.

mod support;

use std::path::Path;
use std::process::Command;

use support::berth::BERTH;
use support::{berth, with_busybox, TestBerth};

fn repo_file(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn checked_in_completion_scripts_are_what_berth_generates() {
    let b = berth();
    for (shell, file) in [
        ("bash", "completions/berth.bash"),
        ("zsh", "completions/_berth"),
        ("fish", "completions/berth.fish"),
    ] {
        let out = b.cmd(&["completion", shell]);
        out.success();
        assert!(
            out.stdout_trim().len() > 1000,
            "{shell}: the script is suspiciously short"
        );
        assert!(
            out.stdout_trim() == repo_file(file).trim(),
            "{file} is stale; regenerate it with: berth completion {shell} > {file}"
        );
    }
}

#[test]
fn checked_in_man_pages_are_what_berth_generates() {
    let b = berth();
    let dir = b.scratch("man");
    b.cmd(&["generate-man", &dir.to_string_lossy()]).success();
    let mut generated: Vec<String> = std::fs::read_dir(&dir)
        .expect("generated dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    generated.sort();
    let checked_in = Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let mut present: Vec<String> = std::fs::read_dir(&checked_in)
        .expect("man/ exists")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    present.sort();
    assert_eq!(
        generated, present,
        "man/ differs from the generated pages; regenerate with: berth generate-man man"
    );
    for name in ["berth.1", "berth-run.1", "berth-network-create.1"] {
        assert!(generated.contains(&name.to_string()), "{name} missing");
    }
    for name in &generated {
        let want = std::fs::read(dir.join(name)).expect("generated page");
        let have = std::fs::read(checked_in.join(name)).expect("checked-in page");
        assert!(
            want == have,
            "man/{name} is stale; regenerate with: berth generate-man man"
        );
    }
    b.cmd(&["--help"]).success().stdout_contains("completion");
    assert!(
        !b.cmd(&["--help"]).stdout_trim().contains("generate-man"),
        "generate-man is hidden from help"
    );
}

#[test]
fn help_cmd_prints_what_cmd_help_prints() {
    let b = berth();
    for args in [vec!["run"], vec!["network", "create"], vec!["ps"]] {
        let mut help = vec!["help"];
        help.extend(&args);
        let via_help = b.cmd(&help);
        via_help.success();
        let mut flag = args.clone();
        flag.push("--help");
        let via_flag = b.cmd(&flag);
        via_flag.success();
        assert_eq!(via_help.stdout_trim(), via_flag.stdout_trim(), "{args:?}");
    }
    let top = b.cmd(&["help"]);
    top.success().stdout_contains("Usage: berth");
    assert_eq!(top.stdout_trim(), b.cmd(&["--help"]).stdout_trim());
}

/// Runs bash completion for `words` (the last is the word being completed)
/// against `b`'s store, with the built berth first on PATH.
fn complete(b: &TestBerth, words: &[&str]) -> Vec<String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/berth.bash");
    let bin_dir = Path::new(BERTH).parent().expect("binary dir");
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let snippet = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={}; _berth; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        quoted.join(" "),
        words.len() - 1
    );
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(&snippet)
        .env("PATH", path)
        .env("BERTH_ROOT", b.root())
        .env("BERTH_RUNROOT", b.runroot())
        .output()
        .expect("run bash");
    assert!(
        out.status.success(),
        "bash completion failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completes_container_and_image_names_from_the_store() {
    let (b, img) = with_busybox();
    b.cmd(&["create", "--name", "completion-web", &img, "true"])
        .success();
    assert_eq!(complete(&b, &["berth", "stop", ""]), ["completion-web"]);
    assert_eq!(
        complete(&b, &["berth", "logs", "compl"]),
        ["completion-web"]
    );
    assert_eq!(
        complete(&b, &["berth", "container", "rm", "-f", ""]),
        ["completion-web"]
    );
    // Only the first argument of exec is a container.
    assert!(!complete(&b, &["berth", "exec", "completion-web", ""])
        .contains(&"completion-web".to_string()));
    assert_eq!(complete(&b, &["berth", "rmi", ""]), [img.as_str()]);
    assert_eq!(complete(&b, &["berth", "run", "--rm", ""]), [img.as_str()]);
    assert!(complete(&b, &["berth", "network", "rm", ""]).contains(&"bridge".to_string()));
    assert_eq!(complete(&b, &["berth", "ru"]), ["run"]);
    // A --root typed on the line wins over the environment's store.
    let other = berth();
    let root = other.root().to_string_lossy().to_string();
    assert!(complete(&b, &["berth", "--root", &root, "stop", ""]).is_empty());
}

#[test]
fn zsh_and_fish_scripts_carry_the_name_layer() {
    let b = berth();
    let zsh = b.cmd(&["completion", "zsh"]);
    zsh.success().stdout_contains("#compdef berth");
    zsh.stdout_contains("_berth_dynamic");
    zsh.stdout_contains("compdef _berth berth");
    let fish = b.cmd(&["completion", "fish"]);
    fish.success().stdout_contains("complete -c berth");
    fish.stdout_contains("__berth_dynamic");
    b.cmd(&["completion", "tcsh"]).failure();
}
