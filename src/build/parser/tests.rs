use super::*;

fn one(text: &str) -> Instruction {
    let f = parse(&format!("FROM busybox\n{text}\n")).unwrap_or_else(|e| panic!("{text}: {e}"));
    f.stages[0].instructions[0].clone()
}

fn fails(text: &str) -> ParseError {
    match parse(text) {
        Ok(f) => panic!("{text:?} parsed: {f:?}"),
        Err(e) => e,
    }
}

#[test]
fn stages_names_and_args_before_from() {
    let f = parse(
        "ARG V=1\nARG B\nFROM img:${V} AS Build\nFROM --platform=linux/amd64 build\nfrom scratch",
    )
    .expect("parse");
    assert_eq!(f.args_before_from.len(), 2);
    assert_eq!(
        f.args_before_from[0],
        ArgDecl {
            name: "V".into(),
            default: Some("1".into())
        }
    );
    assert_eq!(f.stages.len(), 3);
    assert_eq!(f.stages[0].base, "img:${V}");
    assert_eq!(f.stages[0].name.as_deref(), Some("build"));
    assert_eq!(f.stages[1].platform.as_deref(), Some("linux/amd64"));
    assert_eq!(f.stages[2].base, "scratch");
    assert_eq!(f.stages[2].line, 5);
}

#[test]
fn shell_and_exec_forms() {
    assert_eq!(
        one("RUN echo hi").kind,
        Kind::Run(RunArgs {
            cmd: ShellOrExec::Shell("echo hi".into()),
            mounts: vec![],
            network: None,
            security: None,
            heredocs: vec![]
        })
    );
    match one("CMD [\"a\", \"b c\"]").kind {
        Kind::Cmd(ShellOrExec::Exec(v)) => assert_eq!(v, ["a", "b c"]),
        k => panic!("{k:?}"),
    }
    // Not valid JSON: shell form, as docker.
    match one("ENTRYPOINT [not json]").kind {
        Kind::Entrypoint(ShellOrExec::Shell(s)) => assert_eq!(s, "[not json]"),
        k => panic!("{k:?}"),
    }
    match one("SHELL [\"/bin/bash\", \"-c\"]").kind {
        Kind::Shell(v) => assert_eq!(v, ["/bin/bash", "-c"]),
        k => panic!("{k:?}"),
    }
}

#[test]
fn continuations_comments_and_blank_lines() {
    let f = parse("FROM x\nRUN echo a \\\n# a comment\n\n    b \\\n  c\n# trailing\nRUN next")
        .expect("parse");
    let ins = &f.stages[0].instructions;
    assert_eq!(ins.len(), 2);
    assert_eq!(ins[0].original, "RUN echo a     b   c");
    assert_eq!(ins[0].line, 2);
    assert_eq!(ins[1].line, 8);
}

#[test]
fn escape_directive_backtick() {
    let f = parse("# escape=`\nFROM x\nRUN dir c:\\ `\n  && echo ok").expect("parse");
    assert_eq!(f.escape, '`');
    assert_eq!(
        f.stages[0].instructions[0].original,
        "RUN dir c:\\   && echo ok"
    );
    let f = parse("# syntax=docker/dockerfile:1\n# Escape=\\\nFROM x").expect("parse");
    assert_eq!(f.syntax.as_deref(), Some("docker/dockerfile:1"));
    // A directive after an instruction is a comment.
    let f = parse("FROM x\n# escape=`\nRUN a \\\n b").expect("parse");
    assert_eq!(f.escape, '\\');
    assert_eq!(fails("# escape=x\nFROM y").line, 1);
}

#[test]
fn env_label_arg_forms() {
    match one("ENV A=1 B=\"two words\" C=x\\ y").kind {
        Kind::Env(kv) => assert_eq!(
            kv,
            vec![
                ("A".into(), "1".into()),
                ("B".into(), "\"two words\"".into()),
                ("C".into(), "x\\ y".into())
            ]
        ),
        k => panic!("{k:?}"),
    }
    match one("ENV LEGACY value with spaces").kind {
        Kind::Env(kv) => assert_eq!(kv, vec![("LEGACY".into(), "value with spaces".into())]),
        k => panic!("{k:?}"),
    }
    match one("LABEL \"com.x\"=y z=\"a b\"").kind {
        Kind::Label(kv) => assert_eq!(
            kv,
            vec![("com.x".into(), "y".into()), ("z".into(), "\"a b\"".into())]
        ),
        k => panic!("{k:?}"),
    }
    match one("ARG A B=2").kind {
        Kind::Arg(a) => assert_eq!(
            a,
            vec![
                ArgDecl {
                    name: "A".into(),
                    default: None
                },
                ArgDecl {
                    name: "B".into(),
                    default: Some("2".into())
                }
            ]
        ),
        k => panic!("{k:?}"),
    }
    assert!(fails("FROM x\nLABEL novalue").message.contains("LABEL"));
    assert!(fails("FROM x\nENV =x").message.contains("blank"));
}

#[test]
fn copy_add_flags_and_destinations() {
    match one("COPY --from=build --chown=1:2 --chmod=640 --link a b /dest/").kind {
        Kind::Copy(c) => {
            assert_eq!(c.sources, ["a", "b"]);
            assert_eq!(c.dest, "/dest/");
            assert_eq!(c.from.as_deref(), Some("build"));
            assert_eq!(c.chown.as_deref(), Some("1:2"));
            assert_eq!(c.chmod.as_deref(), Some("640"));
            assert!(c.link);
        }
        k => panic!("{k:?}"),
    }
    match one("ADD [\"a b\", \"/c\"]").kind {
        Kind::Add(c) => {
            assert_eq!(c.sources, ["a b"]);
            assert_eq!(c.dest, "/c");
        }
        k => panic!("{k:?}"),
    }
    let e = fails("FROM x\nCOPY onlyone");
    assert!(
        e.message.contains("COPY requires at least two arguments"),
        "{e}"
    );
    assert_eq!(e.line, 2);
    assert!(fails("FROM x\nCOPY --bogus a b")
        .message
        .contains("unknown flag: --bogus"));
    assert!(fails("FROM x\nADD --from=x a b")
        .message
        .contains("unknown flag: --from"));
}

#[test]
fn run_flags() {
    match one(
        "RUN --mount=type=cache,target=/c --mount=type=bind,source=x,target=/y --network=none echo",
    )
    .kind
    {
        Kind::Run(r) => {
            assert_eq!(
                r.mounts,
                ["type=cache,target=/c", "type=bind,source=x,target=/y"]
            );
            assert_eq!(r.network.as_deref(), Some("none"));
            assert_eq!(r.cmd, ShellOrExec::Shell("echo".into()));
        }
        k => panic!("{k:?}"),
    }
}

#[test]
fn heredocs() {
    let f = parse("FROM x\nRUN <<EOF\necho a\n  echo $B\nEOF\nRUN <<-\"END\" cat\n\tliteral $X\n\tEND\nCOPY <<one <<two /dir/\n1\none\n2\ntwo\nRUN after").expect("parse");
    let ins = &f.stages[0].instructions;
    assert_eq!(ins.len(), 4);
    match &ins[0].kind {
        Kind::Run(r) => {
            assert_eq!(r.heredocs[0].content, "echo a\n  echo $B\n");
            assert!(r.heredocs[0].expand);
        }
        k => panic!("{k:?}"),
    }
    match &ins[1].kind {
        Kind::Run(r) => {
            assert_eq!(r.heredocs[0].content, "literal $X\n");
            assert!(!r.heredocs[0].expand && r.heredocs[0].strip_tabs);
        }
        k => panic!("{k:?}"),
    }
    match &ins[2].kind {
        Kind::Copy(c) => {
            assert_eq!(c.heredocs.len(), 2);
            assert_eq!(c.heredocs[1].content, "2\n");
            assert_eq!(c.dest, "/dir/");
            assert!(c.sources.is_empty());
        }
        k => panic!("{k:?}"),
    }
    assert_eq!(ins[3].original, "RUN after");
    assert!(fails("FROM x\nRUN <<EOF\nno end")
        .message
        .contains("unterminated heredoc"));
}

#[test]
fn healthcheck_forms() {
    match one("HEALTHCHECK --interval=1m30s --timeout=500ms --retries=3 CMD curl -f x || exit 1")
        .kind
    {
        Kind::Healthcheck(Some(h)) => {
            assert_eq!(h.test, ["CMD-SHELL", "curl -f x || exit 1"]);
            assert_eq!(h.interval, Some(Duration::from_secs(90)));
            assert_eq!(h.timeout, Some(Duration::from_millis(500)));
            assert_eq!(h.retries, Some(3));
        }
        k => panic!("{k:?}"),
    }
    match one("HEALTHCHECK CMD [\"/bin/check\", \"-q\"]").kind {
        Kind::Healthcheck(Some(h)) => assert_eq!(h.test, ["CMD", "/bin/check", "-q"]),
        k => panic!("{k:?}"),
    }
    assert_eq!(one("HEALTHCHECK NONE").kind, Kind::Healthcheck(None));
    assert!(fails("FROM x\nHEALTHCHECK --interval=5x CMD y")
        .message
        .contains("interval"));
    assert!(fails("FROM x\nHEALTHCHECK WHAT y")
        .message
        .contains("Unknown type"));
}

#[test]
fn onbuild_and_misc() {
    match one("ONBUILD RUN echo hi").kind {
        Kind::Onbuild(inner) => assert_eq!(inner.original, "RUN echo hi"),
        k => panic!("{k:?}"),
    }
    assert!(fails("FROM x\nONBUILD ONBUILD RUN x")
        .message
        .contains("Chaining"));
    assert!(fails("FROM x\nONBUILD FROM y")
        .message
        .contains("isn't allowed"));
    assert_eq!(one("maintainer me").kind, Kind::Maintainer("me".into()));
    assert_eq!(
        one("EXPOSE 80 443/tcp").kind,
        Kind::Expose(vec!["80".into(), "443/tcp".into()])
    );
    assert_eq!(
        one("VOLUME /a /b").kind,
        Kind::Volume(vec!["/a".into(), "/b".into()])
    );
    assert_eq!(one("VOLUME [\"/a\"]").kind, Kind::Volume(vec!["/a".into()]));
    assert_eq!(one("USER app:app").kind, Kind::User("app:app".into()));
    assert_eq!(one("WORKDIR /srv").kind, Kind::Workdir("/srv".into()));
    assert_eq!(
        one("STOPSIGNAL SIGKILL").kind,
        Kind::StopSignal("SIGKILL".into())
    );
}

#[test]
fn errors_name_line_and_instruction() {
    let e = fails("FROM x\n\nFROBNICATE y");
    assert_eq!(
        (e.line, e.message.as_str()),
        (3, "unknown instruction: FROBNICATE")
    );
    assert_eq!(
        e.to_string(),
        "Dockerfile:3:1: unknown instruction: FROBNICATE"
    );
    assert!(fails("RUN x").message.contains("FROM"));
    assert!(fails("FROM").message.contains("FROM requires"));
    assert!(fails("FROM a AS 1bad").message.contains("invalid name"));
    assert!(fails("FROM a b").message.contains("FROM requires"));
    assert!(fails("FROM x\nRUN").message.contains("RUN requires"));
    assert!(fails("FROM x\nSHELL sh -c").message.contains("JSON"));
    assert!(fails("FROM x\nCMD").message.contains("CMD requires"));
}

#[test]
fn never_panics_on_mutated_input() {
    use rand::{Rng, SeedableRng};
    let seed = "FROM a AS b\nRUN <<EOF\nx\nEOF\nCOPY --from=b [\"x\", \"/y\"]\nENV A=\"b\" \\\n C=d\nHEALTHCHECK --interval=1s CMD true\nONBUILD ADD a b\n";
    let alphabet: Vec<char> = "FROMRUN<>-=\"'\\`[]{}$ \n\t#:/abcEOF,".chars().collect();
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    for _ in 0..3000 {
        let mut s: Vec<char> = seed.chars().collect();
        for _ in 0..rng.random_range(1..8) {
            let i = rng.random_range(0..s.len());
            match rng.random_range(0..3) {
                0 => {
                    s.remove(i);
                }
                1 => s.insert(i, alphabet[rng.random_range(0..alphabet.len())]),
                _ => s[i] = alphabet[rng.random_range(0..alphabet.len())],
            }
            if s.is_empty() {
                break;
            }
        }
        let text: String = s.into_iter().collect();
        let _ = parse(&text);
        let _ = expand_word(&text, &|_| None, '\\');
    }
}

#[test]
fn durations_like_go() {
    assert_eq!(parse_duration("1h2m3s"), Some(Duration::from_secs(3723)));
    assert_eq!(parse_duration("1.5s"), Some(Duration::from_millis(1500)));
    assert_eq!(parse_duration("0"), Some(Duration::ZERO));
    assert_eq!(parse_duration("5"), None);
    assert_eq!(parse_duration(""), None);
}
