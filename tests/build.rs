//! `berth build` through the real binary: Dockerfiles covering every
//! instruction, the flags, the cache and the bad inputs.

mod support;

use std::path::{Path, PathBuf};

use support::{with_busybox, TestBerth};

/// Writes a context directory with the given files.
fn context(b: &TestBerth, name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = b.scratch(name);
    for (path, text) in files {
        let p = dir.join(path);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, text).expect("write");
    }
    dir
}

fn build(b: &TestBerth, dir: &Path, tag: &str, extra: &[&str]) -> String {
    let d = dir.display().to_string();
    let mut args = vec!["build", "-q", "-t", tag];
    args.extend_from_slice(extra);
    args.push(&d);
    b.cmd(&args).success().stdout_trim().to_string()
}

fn inspect(b: &TestBerth, image: &str, format: &str) -> String {
    b.cmd(&["image", "inspect", "-f", format, image])
        .success()
        .stdout_trim()
        .to_string()
}

fn run_out(b: &TestBerth, image: &str, cmd: &[&str]) -> String {
    let mut args = vec!["run", "--rm", "--network", "none", image];
    args.extend_from_slice(cmd);
    b.cmd(&args).success().stdout_trim().to_string()
}

#[test]
fn multi_stage_artifact_runs_and_rebuilds_from_cache() {
    let (b, img) = with_busybox();
    let df = format!(
        "FROM {img} AS gen\n\
         RUN mkdir /out && printf '#!/bin/sh\\necho generated-hello\\n' > /out/hello.sh && chmod +x /out/hello.sh\n\
         RUN cd /out && tar -czf /out/bundle.tgz hello.sh\n\
         FROM {img}\n\
         COPY --from=gen /out/hello.sh /usr/local/bin/hello\n\
         COPY --from=gen /out/bundle.tgz /bundle.tgz\n\
         CMD [\"hello\"]\n"
    );
    let dir = context(&b, "ms", &[("Dockerfile", &df)]);
    let id = build(&b, &dir, "ms:1", &[]);
    assert!(id.starts_with("sha256:"), "{id}");
    assert_eq!(run_out(&b, "ms:1", &[]), "generated-hello");
    assert_eq!(
        run_out(&b, "ms:1", &["tar", "-tzf", "/bundle.tgz"]),
        "hello.sh"
    );
    let before = b
        .cmd(&["images", "-a", "-q", "--no-trunc"])
        .success()
        .stdout_trim()
        .to_string();
    let again = build(&b, &dir, "ms:2", &[]);
    assert_eq!(
        again, id,
        "a re-build with nothing changed gives the same image"
    );
    let after = b
        .cmd(&["images", "-a", "-q", "--no-trunc"])
        .success()
        .stdout_trim()
        .to_string();
    assert_eq!(
        before.lines().count(),
        after.lines().count(),
        "the cached re-build created images"
    );
    // The plain output says the steps came from the cache.
    let d = dir.display().to_string();
    b.cmd(&["build", "-t", "ms:3", &d])
        .success()
        .stdout_contains("Using cache");
    // Step images are hidden from `images` without -a.
    let shown = b.cmd(&["images", "-q"]).success().stdout_trim().to_string();
    assert!(shown.lines().count() < after.lines().count());
}

#[test]
fn metadata_instructions_land_in_the_image_config() {
    let (b, img) = with_busybox();
    let df = format!(
        "FROM {img}\n\
         LABEL com.example.a=\"one\" b=two\n\
         MAINTAINER someone@example.com\n\
         ENV GREETING=hello NAME=\"big world\"\n\
         ENV LEGACY value with spaces\n\
         EXPOSE 80 53/udp\n\
         WORKDIR /srv\n\
         WORKDIR app\n\
         USER nobody\n\
         VOLUME [\"/data\", \"/cache\"]\n\
         STOPSIGNAL SIGINT\n\
         HEALTHCHECK --interval=30s --timeout=5s --retries=4 CMD wget -q localhost || exit 1\n\
         SHELL [\"/bin/sh\", \"-ec\"]\n\
         ONBUILD RUN echo triggered\n\
         ENTRYPOINT [\"/bin/echo\"]\n\
         CMD [\"default\", \"args\"]\n"
    );
    let dir = context(&b, "meta", &[("Dockerfile", &df)]);
    build(&b, &dir, "meta:1", &[]);
    let cfg: serde_json::Value =
        serde_json::from_str(&inspect(&b, "meta:1", "{{json .Config}}")).expect("json");
    assert_eq!(cfg["Labels"]["com.example.a"], "one");
    assert_eq!(cfg["Labels"]["b"], "two");
    let env: Vec<&str> = cfg["Env"]
        .as_array()
        .expect("env")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert!(env.contains(&"GREETING=hello"), "{env:?}");
    assert!(env.contains(&"NAME=big world"), "{env:?}");
    assert!(env.contains(&"LEGACY=value with spaces"), "{env:?}");
    assert!(cfg["ExposedPorts"]["80/tcp"].is_object());
    assert!(cfg["ExposedPorts"]["53/udp"].is_object());
    assert_eq!(cfg["WorkingDir"], "/srv/app");
    assert_eq!(cfg["User"], "nobody");
    assert!(cfg["Volumes"]["/data"].is_object() && cfg["Volumes"]["/cache"].is_object());
    assert_eq!(cfg["StopSignal"], "SIGINT");
    assert_eq!(cfg["Healthcheck"]["Test"][0], "CMD-SHELL");
    assert_eq!(cfg["Healthcheck"]["Interval"], 30_000_000_000u64);
    assert_eq!(cfg["Healthcheck"]["Retries"], 4);
    assert_eq!(cfg["Shell"][1], "-ec");
    assert_eq!(cfg["OnBuild"][0], "RUN echo triggered");
    assert_eq!(cfg["Entrypoint"][0], "/bin/echo");
    assert_eq!(run_out(&b, "meta:1", &[]), "default args");
    // History records each instruction.
    let hist = b
        .cmd(&["history", "--no-trunc", "meta:1"])
        .success()
        .stdout_trim()
        .to_string();
    assert!(hist.contains("STOPSIGNAL SIGINT"), "{hist}");
}

#[test]
fn args_build_args_env_expansion_and_targets() {
    let (b, img) = with_busybox();
    let df = format!(
        "ARG BASE={img}\n\
         ARG GLOBAL=g-default\n\
         FROM ${{BASE}} AS first\n\
         ARG GLOBAL\n\
         ARG WHO=nobody\n\
         ENV DIR=/opt/${{WHO:-x}}\n\
         RUN mkdir -p $DIR && echo \"$GLOBAL:$WHO:${{UNSET:-fallback}}:${{WHO:+set}}\" > $DIR/out\n\
         FROM first AS second\n\
         RUN echo second > /second\n\
         FROM first\n\
         RUN echo last > /last\n"
    );
    let dir = context(&b, "args", &[("Dockerfile", &df)]);
    build(&b, &dir, "args:1", &["--build-arg", "WHO=alice"]);
    assert_eq!(
        run_out(&b, "args:1", &["cat", "/opt/alice/out"]),
        "g-default:alice:fallback:set"
    );
    b.cmd(&[
        "run",
        "--rm",
        "--network",
        "none",
        "args:1",
        "test",
        "-e",
        "/second",
    ])
    .failure();
    // --target builds that stage only.
    build(
        &b,
        &dir,
        "args:second",
        &["--target", "second", "--build-arg", "GLOBAL=cli"],
    );
    assert_eq!(
        run_out(&b, "args:second", &["cat", "/opt/nobody/out"]),
        "cli:nobody:fallback:set"
    );
    assert_eq!(run_out(&b, "args:second", &["cat", "/second"]), "second");
    let d = dir.display().to_string();
    b.cmd(&["build", "--target", "nope", &d])
        .failure()
        .stderr_contains("nope");
}

#[test]
fn copy_and_add_follow_dockers_rules() {
    let (b, img) = with_busybox();
    let df = format!(
        "FROM {img}\n\
         COPY a.txt /dest/\n\
         COPY dir /copied\n\
         COPY *.md /docs/\n\
         COPY --chown=1000:1000 --chmod=600 secret.txt /owned.txt\n\
         WORKDIR /w\n\
         COPY a.txt rel.txt\n\
         ADD archive.tar /unpacked/\n"
    );
    let dir = context(
        &b,
        "copy",
        &[
            ("Dockerfile", &df),
            ("a.txt", "A\n"),
            ("dir/inner/b.txt", "B\n"),
            ("one.md", "1\n"),
            ("two.md", "2\n"),
            ("secret.txt", "S\n"),
            ("ignored.log", "nope\n"),
            (".dockerignore", "*.log\n"),
        ],
    );
    // A tar that ADD must unpack.
    let tar_dir = b.scratch("tarsrc");
    std::fs::write(tar_dir.join("from-tar.txt"), "T\n").expect("write");
    let status = std::process::Command::new("tar")
        .args([
            "-cf",
            &dir.join("archive.tar").display().to_string(),
            "-C",
            &tar_dir.display().to_string(),
            "from-tar.txt",
        ])
        .status()
        .expect("tar");
    assert!(status.success());
    build(&b, &dir, "copy:1", &[]);
    assert_eq!(run_out(&b, "copy:1", &["cat", "/dest/a.txt"]), "A");
    assert_eq!(run_out(&b, "copy:1", &["cat", "/copied/inner/b.txt"]), "B");
    assert_eq!(
        run_out(&b, "copy:1", &["sh", "-c", "cat /docs/one.md /docs/two.md"]),
        "1\n2"
    );
    assert_eq!(
        run_out(&b, "copy:1", &["stat", "-c", "%u:%g %a", "/owned.txt"]),
        "1000:1000 600"
    );
    assert_eq!(run_out(&b, "copy:1", &["cat", "/w/rel.txt"]), "A");
    assert_eq!(
        run_out(&b, "copy:1", &["cat", "/unpacked/from-tar.txt"]),
        "T"
    );
    // An ignored file is not in the context.
    let bad = format!("FROM {img}\nCOPY ignored.log /x\n");
    std::fs::write(dir.join("Dockerfile"), bad).expect("write");
    let d = dir.display().to_string();
    b.cmd(&["build", &d])
        .failure()
        .stderr_contains("ignored.log");
}

#[test]
fn cache_follows_content_not_mtime() {
    let (b, img) = with_busybox();
    let df = format!("FROM {img}\nCOPY f.txt /f.txt\nRUN cat /f.txt > /copy\n");
    let dir = context(&b, "cache", &[("Dockerfile", &df), ("f.txt", "one\n")]);
    let first = build(&b, &dir, "c:1", &[]);
    // Same content, new mtime: still cached.
    std::fs::write(dir.join("f.txt"), "one\n").expect("rewrite");
    assert_eq!(build(&b, &dir, "c:2", &[]), first);
    // New content: a new image with the new file.
    std::fs::write(dir.join("f.txt"), "two\n").expect("rewrite");
    let second = build(&b, &dir, "c:3", &[]);
    assert_ne!(second, first);
    assert_eq!(run_out(&b, "c:3", &["cat", "/copy"]), "two");
    // --no-cache rebuilds every step.
    let d = dir.display().to_string();
    let out = b
        .cmd(&["build", "--no-cache", "-t", "c:4", &d])
        .success()
        .stdout_trim()
        .to_string();
    assert!(!out.contains("Using cache"), "{out}");
    // builder prune forgets the cache.
    b.cmd(&["builder", "prune", "-f"]).success();
    let out = b
        .cmd(&["build", "-t", "c:5", &d])
        .success()
        .stdout_trim()
        .to_string();
    assert!(!out.contains("Using cache"), "{out}");
}

#[test]
fn dockerfile_from_flags_and_stdin() {
    let (b, img) = with_busybox();
    let df = format!("FROM {img}\nRUN echo alt > /which\n");
    let dir = context(&b, "flags", &[("build/Alt.dockerfile", &df)]);
    let d = dir.display().to_string();
    let alt = dir.join("build/Alt.dockerfile").display().to_string();
    let iid = dir.join("iid").display().to_string();
    b.cmd(&[
        "build",
        "-q",
        "-f",
        &alt,
        "--iidfile",
        &iid,
        "-t",
        "f:1",
        &d,
    ])
    .success();
    let written = std::fs::read_to_string(dir.join("iid")).expect("iidfile");
    assert!(written.starts_with("sha256:"), "{written}");
    assert_eq!(run_out(&b, "f:1", &["cat", "/which"]), "alt");
    // -f - reads the Dockerfile from stdin.
    let df2 = format!("FROM {img}\nRUN echo stdin > /which\n");
    b.cmd_stdin(&["build", "-q", "-f", "-", "-t", "f:2", &d], df2.as_bytes())
        .success();
    assert_eq!(run_out(&b, "f:2", &["cat", "/which"]), "stdin");
    // `-` with only a Dockerfile on stdin: no context.
    let df3 = format!("FROM {img}\nRUN echo bare > /which\n");
    b.cmd_stdin(&["build", "-q", "-t", "f:3", "-"], df3.as_bytes())
        .success();
    assert_eq!(run_out(&b, "f:3", &["cat", "/which"]), "bare");
    // A context tar on stdin.
    let tctx = context(
        &b,
        "tarctx",
        &[
            ("Dockerfile", &format!("FROM {img}\nCOPY x /x\n")),
            ("x", "from-tar\n"),
        ],
    );
    let out = std::process::Command::new("tar")
        .args(["-cf", "-", "-C", &tctx.display().to_string(), "."])
        .output()
        .expect("tar");
    b.cmd_stdin(&["build", "-q", "-t", "f:4", "-"], &out.stdout)
        .success();
    assert_eq!(run_out(&b, "f:4", &["cat", "/x"]), "from-tar");
}

#[test]
fn heredoc_run_and_shell_forms() {
    let (b, img) = with_busybox();
    let df = format!(
        "FROM {img}\n\
         RUN <<EOF\n\
         echo one > /h1\n\
         echo two >> /h1\n\
         EOF\n\
         RUN [\"sh\", \"-c\", \"echo exec > /h2\"]\n\
         RUN echo continued \\\n    line > /h3\n"
    );
    let dir = context(&b, "heredoc", &[("Dockerfile", &df)]);
    build(&b, &dir, "h:1", &[]);
    assert_eq!(run_out(&b, "h:1", &["cat", "/h1"]), "one\ntwo");
    assert_eq!(run_out(&b, "h:1", &["cat", "/h2"]), "exec");
    assert_eq!(run_out(&b, "h:1", &["cat", "/h3"]), "continued line");
}

#[test]
fn bad_dockerfiles_fail_with_the_line_and_leave_no_image() {
    let (b, img) = with_busybox();
    let cases: Vec<(String, &str)> = vec![
        (format!("FROM {img}\nFROBNICATE x\n"), "unknown instruction"),
        (format!("FROM {img}\nRUN exit 3\n"), "exit code: 3"),
        ("RUN echo no-from\n".to_string(), "FROM"),
        (format!("FROM {img}\nCOPY missing.txt /x\n"), "missing.txt"),
        (format!("FROM {img}\nCOPY ../outside /x\n"), "outside"),
        (
            format!("FROM {img}\nCOPY --from=nostage /x /y\n"),
            "nostage",
        ),
        (format!("FROM {img}\nCOPY onlyone\n"), "COPY"),
    ];
    for (i, (df, want)) in cases.iter().enumerate() {
        let dir = context(&b, &format!("bad{i}"), &[("Dockerfile", df)]);
        let d = dir.display().to_string();
        let tag = format!("bad:{i}");
        let out = b.cmd(&["build", "-t", &tag, &d]);
        out.failure();
        out.stderr_contains(want);
        b.cmd(&["image", "inspect", &tag]).failure();
    }
    b.cmd(&["system", "check", "--quick"]).success();
}

#[test]
fn platform_other_than_the_host_is_refused() {
    let (b, img) = with_busybox();
    let dir = context(&b, "plat", &[("Dockerfile", &format!("FROM {img}\n"))]);
    let d = dir.display().to_string();
    b.cmd(&["build", "--platform", "linux/s390x", &d])
        .failure()
        .stderr_contains("platform");
}

#[test]
fn run_mounts_and_secrets_stay_out_of_layers() {
    let (b, img) = with_busybox();
    let df = format!(
        "FROM {img}\n\
         RUN --mount=type=cache,target=/cache echo x >> /cache/count && wc -l < /cache/count > /seen\n\
         RUN --mount=type=bind,source=data,target=/mnt/data cat /mnt/data/in.txt > /from-bind\n\
         RUN --mount=type=secret,id=token cat /run/secrets/token > /dev/null && test -s /run/secrets/token && echo used > /secret-used\n\
         RUN --mount=type=tmpfs,target=/scratch touch /scratch/gone && echo ok > /tmpfs-ok\n"
    );
    let dir = context(
        &b,
        "mounts",
        &[("Dockerfile", &df), ("data/in.txt", "bound\n")],
    );
    let secret = b.scratch("secret-src").join("token");
    std::fs::write(&secret, "s3cr3t-value\n").expect("secret");
    let sec = format!("id=token,src={}", secret.display());
    build(&b, &dir, "mnt:1", &["--secret", &sec]);
    assert_eq!(run_out(&b, "mnt:1", &["cat", "/seen"]), "1");
    assert_eq!(run_out(&b, "mnt:1", &["cat", "/from-bind"]), "bound");
    assert_eq!(run_out(&b, "mnt:1", &["cat", "/secret-used"]), "used");
    assert_eq!(run_out(&b, "mnt:1", &["cat", "/tmpfs-ok"]), "ok");
    // Neither the secret nor mounted files are in the image.
    b.cmd(&[
        "run",
        "--rm",
        "--network",
        "none",
        "mnt:1",
        "test",
        "-e",
        "/run/secrets/token",
    ])
    .failure();
    b.cmd(&[
        "run",
        "--rm",
        "--network",
        "none",
        "mnt:1",
        "test",
        "-e",
        "/mnt/data/in.txt",
    ])
    .failure();
    b.cmd(&[
        "run",
        "--rm",
        "--network",
        "none",
        "mnt:1",
        "test",
        "-e",
        "/scratch/gone",
    ])
    .failure();
    let saved = b.scratch("saved").join("image.tar");
    let saved_s = saved.display().to_string();
    b.cmd(&["save", "-o", &saved_s, "mnt:1"]).success();
    let bytes = std::fs::read(&saved).expect("read save");
    let found = bytes.windows(12).any(|w| w == b"s3cr3t-value");
    assert!(!found, "the secret ended up in the saved image");
    // The cache mount persists across builds (a --no-cache re-run appends).
    build(&b, &dir, "mnt:2", &["--no-cache", "--secret", &sec]);
    assert_eq!(run_out(&b, "mnt:2", &["cat", "/seen"]), "2");
    // A required secret that is missing fails the build.
    std::fs::write(
        dir.join("Dockerfile"),
        format!("FROM {img}\nRUN --mount=type=secret,id=nope,required cat /run/secrets/nope\n"),
    )
    .expect("write");
    let d = dir.display().to_string();
    b.cmd(&["build", &d])
        .failure()
        .stderr_contains("secret nope");
}

/// Small Dockerfiles, one behaviour each: (name, body after FROM, files, command, expected output).
#[test]
fn many_small_dockerfiles_build_and_run_as_docker_would() {
    let (b, img) = with_busybox();
    type Case<'a> = (
        &'a str,
        &'a str,
        &'a [(&'a str, &'a str)],
        &'a [&'a str],
        &'a str,
    );
    let cases: &[Case<'_>] = &[
        ("env-expand", "ENV A=1\nENV B=${A}2\nRUN echo $B > /o", &[], &["cat", "/o"], "12"),
        ("env-default", "RUN echo ${NOPE:-dflt} > /o", &[], &["cat", "/o"], "dflt"),
        ("arg-default", "ARG X=fromarg\nRUN echo $X > /o", &[], &["cat", "/o"], "fromarg"),
        ("arg-not-kept", "ARG SECRETISH=1\nRUN true", &[], &["sh", "-c", "echo ${SECRETISH:-unset}"], "unset"),
        ("env-beats-arg", "ARG V=arg\nENV V=env\nRUN echo $V > /o", &[], &["cat", "/o"], "env"),
        ("workdir-relative", "WORKDIR /a\nWORKDIR b\nRUN pwd > /o", &[], &["cat", "/o"], "/a/b"),
        ("workdir-env", "ENV D=/srv\nWORKDIR $D/x\nRUN pwd > /o", &[], &["cat", "/o"], "/srv/x"),
        ("user-run", "RUN echo app:x:1234:1234::/:/bin/sh >> /etc/passwd\nUSER app\nRUN id -u > /tmp/o", &[], &["cat", "/tmp/o"], "1234"),
        ("shell-exec-form", "RUN [\"/bin/sh\", \"-c\", \"echo exec > /o\"]", &[], &["cat", "/o"], "exec"),
        ("shell-instruction", "SHELL [\"env\", \"VIA=custom-shell\", \"/bin/sh\", \"-c\"]\nRUN echo $VIA > /o", &[], &["cat", "/o"], "custom-shell"),
        ("cmd-shell-form", "CMD echo from-cmd", &[], &[], "from-cmd"),
        ("entrypoint-plus-cmd", "ENTRYPOINT [\"echo\", \"ep\"]\nCMD [\"cmd\"]", &[], &[], "ep cmd"),
        ("entrypoint-shell", "ENTRYPOINT echo shell-ep", &[], &[], "shell-ep"),
        ("copy-rename", "COPY f.txt /renamed", &[("f.txt", "F\n")], &["cat", "/renamed"], "F"),
        ("copy-dir-contents", "COPY d /target/", &[("d/x/y.txt", "Y\n")], &["cat", "/target/x/y.txt"], "Y"),
        ("copy-glob-question", "COPY f?.txt /g/", &[("f1.txt", "1\n"), ("f2.txt", "2\n")], &["sh", "-c", "cat /g/*"], "1\n2"),
        ("copy-json-form", "COPY [\"with space.txt\", \"/ws.txt\"]", &[("with space.txt", "W\n")], &["cat", "/ws.txt"], "W"),
        ("copy-chown-names", "RUN echo u2:x:2000:2000::/:/bin/sh >> /etc/passwd && echo u2:x:2000: >> /etc/group\nCOPY --chown=u2:u2 f.txt /f", &[("f.txt", "x\n")], &["stat", "-c", "%u", "/f"], "2000"),
        ("copy-heredoc", "COPY <<EOF /greeting\nhello heredoc\nEOF", &[], &["cat", "/greeting"], "hello heredoc"),
        ("copy-expands-vars", "ENV DEST=/vv\nCOPY f.txt $DEST", &[("f.txt", "V\n")], &["cat", "/vv"], "V"),
        ("dockerignore-exception", "COPY . /ctx/", &[(".dockerignore", "*.tmp\n!keep.tmp\n"), ("a.tmp", "a\n"), ("keep.tmp", "k\n")], &["ls", "/ctx"], "Dockerfile\nkeep.tmp"),
        ("add-plain-file", "ADD f.txt /added.txt", &[("f.txt", "ADDED\n")], &["cat", "/added.txt"], "ADDED"),
        ("run-heredoc-stdin", "RUN cat > /o <<EOF\nfrom stdin heredoc\nEOF", &[], &["cat", "/o"], "from stdin heredoc"),
        ("volume-keeps-earlier-data", "RUN mkdir /data && echo pre > /data/f\nVOLUME /data", &[], &["cat", "/data/f"], "pre"),
        ("whiteout-deletes", "RUN echo a > /gone\nRUN rm /gone", &[], &["sh", "-c", "test -e /gone && echo there || echo deleted"], "deleted"),
        ("label-expands", "ARG L=lbl\nLABEL v=$L\nRUN true", &[], &["true"], ""),
        ("onbuild-recorded", "ONBUILD RUN echo later\nRUN true", &[], &["true"], ""),
        ("run-heredoc-shebang", "RUN <<EOF\n#!/bin/sh\necho shebang > /o\nEOF", &[], &["cat", "/o"], "shebang"),
        ("copy-heredoc-expands", "ENV WHO=world\nCOPY <<EOF /hi\nhello $WHO\nEOF", &[], &["cat", "/hi"], "hello world"),
        ("escape-continuation", "RUN echo one \\\n  two > /o", &[], &["cat", "/o"], "one two"),
    ];
    for (name, body, files, cmd, want) in cases {
        let df = format!("FROM {img}\n{body}\n");
        let mut all: Vec<(&str, &str)> = vec![("Dockerfile", &df)];
        all.extend_from_slice(files);
        let dir = context(&b, name, &all);
        let tag = format!("small:{name}");
        build(&b, &dir, &tag, &[]);
        if !cmd.is_empty() || !want.is_empty() {
            assert_eq!(run_out(&b, &tag, cmd), *want, "case {name}");
        }
    }
    // Config-only checks for the two metadata cases.
    assert_eq!(
        inspect(&b, "small:label-expands", "{{index .Config.Labels \"v\"}}"),
        "lbl"
    );
    assert_eq!(
        inspect(&b, "small:onbuild-recorded", "{{index .Config.OnBuild 0}}"),
        "RUN echo later"
    );
}

#[test]
fn onbuild_triggers_run_in_the_child_build() {
    let (b, img) = with_busybox();
    let parent = context(
        &b,
        "ob-parent",
        &[(
            "Dockerfile",
            &format!("FROM {img}\nONBUILD RUN echo triggered > /trigger\n"),
        )],
    );
    build(&b, &parent, "obparent:1", &[]);
    let child = context(
        &b,
        "ob-child",
        &[("Dockerfile", "FROM obparent:1\nRUN cat /trigger > /seen\n")],
    );
    build(&b, &child, "obchild:1", &[]);
    assert_eq!(run_out(&b, "obchild:1", &["cat", "/seen"]), "triggered");
    // Triggers are not inherited further.
    assert_eq!(inspect(&b, "obchild:1", "{{json .Config.OnBuild}}"), "null");
}

#[test]
fn squash_makes_the_new_layers_one() {
    let (b, img) = with_busybox();
    let df = format!(
        "FROM {img}\n\
         RUN echo one > /one && echo doomed > /doomed\n\
         RUN echo two > /two && rm /doomed && rm /bin/true\n\
         COPY f.txt /f.txt\n\
         CMD [\"cat\", \"/two\"]\n"
    );
    let dir = context(&b, "squash", &[("Dockerfile", &df), ("f.txt", "F\n")]);
    build(&b, &dir, "sq:plain", &[]);
    build(&b, &dir, "sq:squashed", &["--squash"]);
    let layers = |t: &str| {
        inspect(&b, t, "{{len .RootFS.Layers}}")
            .parse::<usize>()
            .unwrap_or(0)
    };
    let base = inspect(&b, &img, "{{len .RootFS.Layers}}")
        .parse::<usize>()
        .unwrap_or(0);
    assert_eq!(layers("sq:plain"), base + 3);
    assert_eq!(layers("sq:squashed"), base + 1);
    assert_eq!(run_out(&b, "sq:squashed", &[]), "two");
    assert_eq!(
        run_out(&b, "sq:squashed", &["cat", "/one", "/f.txt"]),
        "one\nF"
    );
    b.cmd(&[
        "run",
        "--rm",
        "--network",
        "none",
        "sq:squashed",
        "test",
        "-e",
        "/doomed",
    ])
    .failure();
    b.cmd(&[
        "run",
        "--rm",
        "--network",
        "none",
        "sq:squashed",
        "test",
        "-e",
        "/bin/true",
    ])
    .failure();
}

#[test]
fn labels_tags_layers_and_network_flags() {
    let (b, img) = with_busybox();
    let df = format!("FROM {img}\nRUN ls /sys/class/net > /nets\nLABEL from=dockerfile\n");
    let dir = context(&b, "flags2", &[("Dockerfile", &df)]);
    build(
        &b,
        &dir,
        "lbl:one",
        &[
            "-t",
            "lbl:two",
            "--label",
            "from=cli",
            "--label",
            "extra=1",
            "--network",
            "none",
            "--layers=false",
        ],
    );
    // Both tags name the image; --label wins over the Dockerfile's.
    assert_eq!(
        inspect(&b, "lbl:one", "{{.Id}}"),
        inspect(&b, "lbl:two", "{{.Id}}")
    );
    assert_eq!(
        inspect(&b, "lbl:one", "{{index .Config.Labels \"from\"}}"),
        "cli"
    );
    assert_eq!(
        inspect(&b, "lbl:one", "{{index .Config.Labels \"extra\"}}"),
        "1"
    );
    // RUN saw only loopback with --network none.
    assert_eq!(run_out(&b, "lbl:one", &["cat", "/nets"]), "lo");
    // --layers=false recorded nothing: the next build runs every step again.
    let d = dir.display().to_string();
    let out = b
        .cmd(&["build", "-t", "lbl:three", &d])
        .success()
        .stdout_trim()
        .to_string();
    assert!(!out.contains("Using cache"), "{out}");
}

#[test]
fn an_unreadable_context_file_fails_cleanly() {
    let (b, img) = with_busybox();
    let df = format!("FROM {img}\nCOPY . /ctx/\n");
    let dir = context(&b, "unreadable", &[("Dockerfile", &df), ("ok.txt", "ok\n")]);
    // A dangling symlink copies as a symlink; a FIFO cannot be read as a file.
    let fifo = dir.join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !made {
        eprintln!("mkfifo unavailable: skipping");
        return;
    }
    let d = dir.display().to_string();
    let out = b.cmd(&["build", "-t", "unread:1", &d]);
    // Either berth copies the FIFO as a FIFO (docker does) or it refuses it
    // with an error naming it; it never hangs or half-tags an image.
    if out.exit_code() == Some(0) {
        assert_eq!(
            run_out(
                &b,
                "unread:1",
                &["sh", "-c", "test -p /ctx/pipe && echo fifo"]
            ),
            "fifo"
        );
    } else {
        out.stderr_contains("pipe");
        b.cmd(&["image", "inspect", "unread:1"]).failure();
    }
}

#[test]
fn system_prune_removes_what_nothing_uses() {
    let (b, img) = with_busybox();
    let dir = context(
        &b,
        "prune",
        &[("Dockerfile", &format!("FROM {img}\nRUN echo x > /x\n"))],
    );
    build(&b, &dir, "pr:1", &[]);
    b.cmd(&[
        "create",
        "--name",
        "stopped",
        "--network",
        "none",
        &img,
        "true",
    ])
    .success();
    b.cmd(&[
        "run",
        "-d",
        "--name",
        "running",
        "--network",
        "none",
        &img,
        "sleep",
        "300",
    ])
    .success();
    b.cmd(&["network", "create", "unused-net"]).success();
    b.cmd(&["system", "prune", "-f"]).success();
    b.cmd(&["inspect", "stopped"]).failure();
    b.cmd(&["inspect", "running"]).success();
    b.cmd(&["network", "inspect", "unused-net"]).failure();
    // Tagged images stay (not -a); the build cache is gone.
    b.cmd(&["image", "inspect", "pr:1"]).success();
    let d = dir.display().to_string();
    let out = b
        .cmd(&["build", "-t", "pr:2", &d])
        .success()
        .stdout_trim()
        .to_string();
    assert!(!out.contains("Using cache"), "{out}");
    b.cmd(&["rm", "-f", "running"]).success();
    b.cmd(&["system", "check", "--quick"]).success();
}
