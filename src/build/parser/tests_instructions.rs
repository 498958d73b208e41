//! Every instruction in its forms, and every flag.

use std::time::Duration;

use super::tests_parse::{exec, one, shell};
use super::*;

fn run(cmd: ShellOrExec) -> RunArgs {
    RunArgs {
        cmd,
        mounts: vec![],
        network: None,
        security: None,
        heredocs: vec![],
    }
}

fn copy_args(sources: &[&str], dest: &str) -> CopyArgs {
    CopyArgs {
        sources: sources.iter().map(|s| s.to_string()).collect(),
        dest: dest.into(),
        from: None,
        chown: None,
        chmod: None,
        link: false,
        parents: false,
        excludes: vec![],
        keep_git_dir: false,
        checksum: None,
        heredocs: vec![],
    }
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn run_forms_and_flags() {
    assert_eq!(one("RUN echo hi"), Kind::Run(run(shell("echo hi"))));
    assert_eq!(
        one("RUN [\"echo\", \"hi\"]"),
        Kind::Run(run(exec(&["echo", "hi"])))
    );
    let k = one("RUN --mount=type=cache,target=/root/.cache --mount=type=secret,id=tok --network=none --security=insecure make");
    assert_eq!(
        k,
        Kind::Run(RunArgs {
            cmd: shell("make"),
            mounts: vec![
                "type=cache,target=/root/.cache".into(),
                "type=secret,id=tok".into()
            ],
            network: Some("none".into()),
            security: Some("insecure".into()),
            heredocs: vec![],
        })
    );
    // Flag values lose their quotes, like docker's flag parser.
    let k = one("RUN --mount=\"type=bind,source=a b,target=/x\" ls");
    assert!(matches!(k, Kind::Run(r) if r.mounts == ["type=bind,source=a b,target=/x"]));
    // `--` ends the flags.
    assert_eq!(one("RUN -- --version"), Kind::Run(run(shell("--version"))));
}

#[test]
fn cmd_and_entrypoint_forms() {
    assert_eq!(
        one("CMD [\"nginx\", \"-g\", \"daemon off;\"]"),
        Kind::Cmd(exec(&["nginx", "-g", "daemon off;"]))
    );
    assert_eq!(
        one("CMD nginx -g 'daemon off;'"),
        Kind::Cmd(shell("nginx -g 'daemon off;'"))
    );
    assert_eq!(
        one("ENTRYPOINT [\"/entry.sh\"]"),
        Kind::Entrypoint(exec(&["/entry.sh"]))
    );
    assert_eq!(
        one("ENTRYPOINT exec top -b"),
        Kind::Entrypoint(shell("exec top -b"))
    );
    assert_eq!(one("ENTRYPOINT"), Kind::Entrypoint(shell("")));
    assert_eq!(one("CMD"), Kind::Cmd(shell("")));
}

#[test]
fn shell_instruction_requires_json() {
    assert_eq!(
        one("SHELL [\"powershell\", \"-command\"]"),
        Kind::Shell(vec!["powershell".into(), "-command".into()])
    );
}

#[test]
fn env_forms() {
    // BuildKit's "env" testdata: values stay raw for the executor.
    let cases: &[(&str, &[(&str, &str)])] = &[
        ("ENV name value", &[("name", "value")]),
        ("ENV name=value", &[("name", "value")]),
        (
            "ENV name=value name2=value2",
            &[("name", "value"), ("name2", "value2")],
        ),
        ("ENV name=\"value value1\"", &[("name", "\"value value1\"")]),
        ("ENV name=value\\ value2", &[("name", "value\\ value2")]),
        (
            "ENV name=\"value'quote space'value2\"",
            &[("name", "\"value'quote space'value2\"")],
        ),
        (
            "ENV name='value\"double quote\"value2'",
            &[("name", "'value\"double quote\"value2'")],
        ),
        ("ENV name=\"a\\\"b\"", &[("name", "\"a\\\"b\"")]),
        ("ENV name='a\\'b''", &[("name", "'a\\'b''")]),
        ("ENV name=\"''\"", &[("name", "\"''\"")]),
        ("ENV PATH=$PATH:/opt/bin", &[("PATH", "$PATH:/opt/bin")]),
        ("ENV A=", &[("A", "")]),
        (
            "ENV JAVA_OPTS  -Xmx1g   -Xms1g",
            &[("JAVA_OPTS", "-Xmx1g   -Xms1g")],
        ),
    ];
    for (line, want) in cases {
        assert_eq!(one(line), Kind::Env(pairs(want)), "{line}");
    }
    let k = one("ENV name=value \\\n    name1=value1 \\\n    name2=\"value2a \\\n           value2b\" \\\n    name3=\"value3a\\n\\\"value3b\\\"\"");
    assert_eq!(
        k,
        Kind::Env(pairs(&[
            ("name", "value"),
            ("name1", "value1"),
            ("name2", "\"value2a            value2b\""),
            ("name3", "\"value3a\\n\\\"value3b\\\"\""),
        ]))
    );
}

#[test]
fn env_values_expand_like_docker() {
    // The raw value goes through expand_word once, as docker does.
    let lookup = |n: &str| (n == "HOME").then(|| "/root".to_string());
    let Kind::Env(p) = one("ENV A=\"$HOME/x y\" B='$HOME' C=a\\ b") else {
        panic!()
    };
    let expanded: Vec<String> = p
        .iter()
        .map(|(_, v)| expand_word(v, &lookup, '\\').unwrap())
        .collect();
    assert_eq!(expanded, ["/root/x y", "$HOME", "a b"]);
}

#[test]
fn label_forms() {
    assert_eq!(
        one("LABEL org.opencontainers.image.title=\"My App\" version=1.0"),
        Kind::Label(pairs(&[
            ("org.opencontainers.image.title", "\"My App\""),
            ("version", "1.0")
        ]))
    );
    assert_eq!(
        one("LABEL maintainer James Turnbull \"james@example.com\""),
        Kind::Label(pairs(&[(
            "maintainer",
            "James Turnbull \"james@example.com\""
        )]))
    );
    assert_eq!(
        one("LABEL \"a b\"=c"),
        Kind::Label(pairs(&[("\"a b\"", "c")]))
    );
}

#[test]
fn simple_instructions() {
    assert_eq!(
        one("MAINTAINER Jane <j@x.org>"),
        Kind::Maintainer("Jane <j@x.org>".into())
    );
    assert_eq!(one("USER 1000:1000"), Kind::User("1000:1000".into()));
    assert_eq!(one("WORKDIR /src/$APP"), Kind::Workdir("/src/$APP".into()));
    assert_eq!(
        one("STOPSIGNAL SIGQUIT"),
        Kind::StopSignal("SIGQUIT".into())
    );
    assert_eq!(
        one("EXPOSE 80/tcp 53/udp ${PORT}"),
        Kind::Expose(vec!["80/tcp".into(), "53/udp".into(), "${PORT}".into()])
    );
    assert_eq!(
        one("VOLUME /var/lib/data /logs"),
        Kind::Volume(vec!["/var/lib/data".into(), "/logs".into()])
    );
    assert_eq!(one("VOLUME [\"/a b\"]"), Kind::Volume(vec!["/a b".into()]));
    assert_eq!(
        one("ARG A B=2 C=\"x y\""),
        Kind::Arg(vec![
            ArgDecl {
                name: "A".into(),
                default: None
            },
            ArgDecl {
                name: "B".into(),
                default: Some("2".into())
            },
            ArgDecl {
                name: "C".into(),
                default: Some("\"x y\"".into())
            },
        ])
    );
}

#[test]
fn copy_and_add_forms() {
    assert_eq!(
        one("COPY a b /dst/"),
        Kind::Copy(copy_args(&["a", "b"], "/dst/"))
    );
    assert_eq!(
        one("COPY [\"test file\", \"/tmp/test file\"]"),
        Kind::Copy(copy_args(&["test file"], "/tmp/test file"))
    );
    assert_eq!(
        one("ADD\t\t[ \"vimrc\", \"/tmp\" ]"),
        Kind::Add(copy_args(&["vimrc"], "/tmp"))
    );
    assert_eq!(
        one("ADD https://example.com/a.tgz /opt/"),
        Kind::Add(copy_args(&["https://example.com/a.tgz"], "/opt/"))
    );
    let Kind::Copy(c) = one("COPY --from=build --chown=app:app --chmod=0755 --link --parents --exclude=*.md --exclude=tmp ./a /b") else {
        panic!()
    };
    assert_eq!(c.from.as_deref(), Some("build"));
    assert_eq!(c.chown.as_deref(), Some("app:app"));
    assert_eq!(c.chmod.as_deref(), Some("0755"));
    assert!(c.link && c.parents);
    assert_eq!(c.excludes, ["*.md", "tmp"]);
    let Kind::Add(a) = one("ADD --keep-git-dir=true --checksum=sha256:abc --link=false --chown=1 git@github.com:a/b.git /src") else {
        panic!()
    };
    assert!(a.keep_git_dir && !a.link);
    assert_eq!(a.checksum.as_deref(), Some("sha256:abc"));
    assert_eq!(a.chown.as_deref(), Some("1"));
    assert_eq!(a.sources, ["git@github.com:a/b.git"]);
    // Empty flag values count as unset.
    assert!(matches!(one("COPY --from= a b"), Kind::Copy(c) if c.from.is_none()));
}

#[test]
fn healthcheck_forms() {
    assert_eq!(one("HEALTHCHECK NONE"), Kind::Healthcheck(None));
    assert_eq!(one("HEALTHCHECK none"), Kind::Healthcheck(None));
    assert_eq!(
        one("HEALTHCHECK --interval=5s --timeout=3s --retries=3 \\\n  CMD /app/check.sh --quiet"),
        Kind::Healthcheck(Some(Healthcheck {
            test: vec!["CMD-SHELL".into(), "/app/check.sh --quiet".into()],
            interval: Some(Duration::from_secs(5)),
            timeout: Some(Duration::from_secs(3)),
            start_period: None,
            start_interval: None,
            retries: Some(3),
        }))
    );
    assert_eq!(
        one("HEALTHCHECK --start-period=1m30s --start-interval=500ms CMD [\"curl\", \"-f\", \"http://localhost/\"]"),
        Kind::Healthcheck(Some(Healthcheck {
            test: vec!["CMD".into(), "curl".into(), "-f".into(), "http://localhost/".into()],
            interval: None,
            timeout: None,
            start_period: Some(Duration::from_secs(90)),
            start_interval: Some(Duration::from_millis(500)),
            retries: None,
        }))
    );
    // Zero values mean "not set", as in docker's image config.
    assert_eq!(
        one("HEALTHCHECK --start-period=0s --interval=0s --retries=0 CMD [\"foo\"]"),
        Kind::Healthcheck(Some(Healthcheck {
            test: vec!["CMD".into(), "foo".into()],
            interval: None,
            timeout: None,
            start_period: None,
            start_interval: None,
            retries: None,
        }))
    );
    assert!(matches!(
        one("HEALTHCHECK   CMD   a b"),
        Kind::Healthcheck(Some(h)) if h.test == ["CMD-SHELL", "a b"]
    ));
}

#[test]
fn onbuild_wraps_instructions() {
    let Kind::Onbuild(inner) = one("ONBUILD ADD --chown=1 . /app/src") else {
        panic!()
    };
    assert_eq!(inner.original, "ADD --chown=1 . /app/src");
    assert!(matches!(&inner.kind, Kind::Add(c) if c.chown.as_deref() == Some("1")));
    let Kind::Onbuild(inner) = one("onbuild run [\"make\"]") else {
        panic!()
    };
    assert_eq!(inner.kind, Kind::Run(run(exec(&["make"]))));
    let df = parse("FROM a\n\nONBUILD RUN x\n").unwrap();
    let outer = &df.stages[0].instructions[0];
    assert_eq!(outer.original, "ONBUILD RUN x");
    assert!(matches!(&outer.kind, Kind::Onbuild(i) if i.line == 3));
}
