//! Whole-file behaviour: directives, comments, continuations, stages, and
//! cases rewritten from BuildKit's parser testdata.

use super::*;

pub(super) fn kinds(text: &str) -> Vec<Kind> {
    let df = parse(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    df.stages
        .into_iter()
        .flat_map(|s| s.instructions)
        .map(|i| i.kind)
        .collect()
}

pub(super) fn one(text: &str) -> Kind {
    let mut all = kinds(&format!("FROM scratch\n{text}"));
    assert_eq!(all.len(), 1, "{text}");
    all.remove(0)
}

pub(super) fn shell(s: &str) -> ShellOrExec {
    ShellOrExec::Shell(s.into())
}

pub(super) fn exec(v: &[&str]) -> ShellOrExec {
    ShellOrExec::Exec(v.iter().map(|s| s.to_string()).collect())
}

fn run_text(kind: &Kind) -> &str {
    match kind {
        Kind::Run(RunArgs {
            cmd: ShellOrExec::Shell(s),
            ..
        }) => s,
        other => panic!("not a shell RUN: {other:?}"),
    }
}

fn env_pairs(kind: &Kind) -> Vec<(&str, &str)> {
    match kind {
        Kind::Env(p) | Kind::Label(p) => p.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect(),
        other => panic!("not ENV/LABEL: {other:?}"),
    }
}

#[test]
fn minimal_file() {
    let df = parse("FROM busybox\n").unwrap();
    assert_eq!(df.escape, '\\');
    assert_eq!(df.syntax, None);
    assert_eq!(
        df.stages,
        vec![Stage {
            base: "busybox".into(),
            name: None,
            platform: None,
            line: 1,
            instructions: vec![]
        }]
    );
}

#[test]
fn continue_indent_cases() {
    // BuildKit's "continueIndent": spaces before a continuation are kept,
    // those after the escape dropped, comments and blank lines skipped.
    let text = "FROM ubuntu:14.04\n\nRUN echo hello\\\n  world\\\n  goodnight  \\\n  moon\\\n  light\\\nning\nRUN echo hello  \\\n  world\nRUN echo hello  \\\nworld\nRUN echo hello \\\ngoodbye\\\nfrog\nRUN echo hello  \\  \nworld\nRUN echo hi \\\n \\\n world \\\n\\\n good\\\n\\\nnight\nRUN echo goodbye\\\nfrog\nRUN echo good\\\nbye\\\nfrog\n\nRUN echo hello \\\n# this is a comment\n\n# this is a comment with a blank line surrounding it\n\nthis is some more useful stuff\n";
    let got: Vec<String> = kinds(text)
        .iter()
        .map(|k| run_text(k).to_string())
        .collect();
    assert_eq!(
        got,
        [
            "echo hello  world  goodnight    moon  lightning",
            "echo hello    world",
            "echo hello  world",
            "echo hello goodbyefrog",
            "echo hello  world",
            "echo hi   world  goodnight",
            "echo goodbyefrog",
            "echo goodbyefrog",
            "echo hello this is some more useful stuff",
        ]
    );
}

#[test]
fn continuation_at_end_of_file() {
    assert_eq!(
        run_text(&kinds("FROM alpine:3.5\n\nRUN something \\")[0]),
        "something"
    );
}

#[test]
fn trailing_backslash_cases() {
    let text = "FROM hello-world\nENV A path\nENV B another\\\\path\nENV C trailing\\\\backslash\\\\\nENV D This should not be appended to C\nENV E hello\\\n\\\nworld\nENV F hello\\\n \\\nworld\nENV G hello \\\n\\\nworld\n";
    let all = kinds(text);
    let owned: Vec<(String, String)> = all
        .iter()
        .flat_map(env_pairs)
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let want: Vec<(String, String)> = [
        ("A", "path"),
        ("B", r"another\\path"),
        ("C", r"trailing\\backslash\\"),
        ("D", "This should not be appended to C"),
        ("E", "helloworld"),
        ("F", "hello world"),
        ("G", "hello world"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(owned, want);
}

#[test]
fn escape_directive_backtick_windows_style() {
    let text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore\nRUN dir c:\\ `\n    && echo done\nWORKDIR c:\\app\nCOPY a.txt c:\\app\\\n";
    let df = parse(text).unwrap();
    assert_eq!(df.escape, '`');
    let k: Vec<Kind> = df.stages[0]
        .instructions
        .iter()
        .map(|i| i.kind.clone())
        .collect();
    assert_eq!(run_text(&k[0]), "dir c:\\     && echo done");
    assert_eq!(k[1], Kind::Workdir("c:\\app".into()));
    match &k[2] {
        Kind::Copy(c) => assert_eq!(c.dest, "c:\\app\\"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn escape_directive_after_a_comment_is_just_a_comment() {
    // BuildKit's "escape-after-comment".
    let text = "# Comment here.\n# escape = `\n\nFROM image\nLABEL maintainer foo@bar.com\nENV GOPATH \\\n\\go";
    let df = parse(text).unwrap();
    assert_eq!(df.escape, '\\');
    let k = kinds(text);
    assert_eq!(env_pairs(&k[0]), [("maintainer", "foo@bar.com")]);
    assert_eq!(env_pairs(&k[1]), [("GOPATH", "\\go")]);
}

#[test]
fn escape_directive_without_blank_line() {
    // BuildKit's "escape-nonewline".
    let text = "# escape = `\n# There is no white space line after the directives.\nFROM image\nENV GOPATH `\n\\go\n";
    let df = parse(text).unwrap();
    assert_eq!(df.escape, '`');
    assert_eq!(env_pairs(&kinds(text)[0]), [("GOPATH", "\\go")]);
}

#[test]
fn directives_are_case_insensitive_and_only_at_the_top() {
    let df = parse("# SYNTAX = docker/dockerfile:1.7\n#Escape=\\\nFROM a\n").unwrap();
    assert_eq!(df.syntax.as_deref(), Some("docker/dockerfile:1.7"));
    let df = parse("FROM a\n# syntax=docker/dockerfile:1\n").unwrap();
    assert_eq!(df.syntax, None);
    let df = parse("\n# escape=`\nFROM a\n").unwrap();
    assert_eq!(df.escape, '\\');
    let df = parse("# check=skip=all\n# syntax=x\nFROM a\n").unwrap();
    assert_eq!(df.syntax.as_deref(), Some("x"));
}

#[test]
fn bom_and_crlf_are_accepted() {
    let k = kinds("\u{feff}FROM a\r\nRUN echo a \\\r\n  b\r\n");
    assert_eq!(run_text(&k[0]), "echo a   b");
}

#[test]
fn keywords_are_case_insensitive() {
    let df = parse("from a as Build\nrun echo\nWorkDir /x\n").unwrap();
    assert_eq!(df.stages[0].name.as_deref(), Some("build"));
    assert_eq!(
        df.stages[0].instructions[1].kind,
        Kind::Workdir("/x".into())
    );
}

#[test]
fn stages_args_and_lines() {
    let text = "ARG BASE=alpine\nARG TAG\nFROM --platform=$BUILDPLATFORM ${BASE}:${TAG} AS Builder\nRUN make\n\nFROM scratch as final\nCOPY --from=builder /out /\n";
    let df = parse(text).unwrap();
    assert_eq!(
        df.args_before_from,
        vec![
            ArgDecl {
                name: "BASE".into(),
                default: Some("alpine".into())
            },
            ArgDecl {
                name: "TAG".into(),
                default: None
            }
        ]
    );
    assert_eq!(df.stages.len(), 2);
    assert_eq!(df.stages[0].base, "${BASE}:${TAG}");
    assert_eq!(df.stages[0].name.as_deref(), Some("builder"));
    assert_eq!(df.stages[0].platform.as_deref(), Some("$BUILDPLATFORM"));
    assert_eq!(df.stages[0].line, 3);
    assert_eq!(df.stages[0].instructions[0].line, 4);
    assert_eq!(df.stages[0].instructions[0].original, "RUN make");
    assert_eq!(df.stages[1].line, 6);
    assert_eq!(df.stages[1].name.as_deref(), Some("final"));
    assert_eq!(df.stages[1].instructions[0].line, 7);
}

#[test]
fn original_joins_continuations() {
    let df = parse("FROM a\nRUN apt-get update && \\\n    apt-get install -y x  \n").unwrap();
    let i = &df.stages[0].instructions[0];
    assert_eq!(i.original, "RUN apt-get update &&     apt-get install -y x");
    assert_eq!(i.line, 2);
}

#[test]
fn edge_case_generator() {
    // BuildKit's "lk4d4-the-edge-case-generator", trimmed.
    let text = r#"FROM busybox:buildroot-2014.02

LABEL maintainer docker <docker@docker.io>

ONBUILD RUN ["echo", "test"]
ONBUILD RUN echo test
ONBUILD COPY . /


# RUN Commands \
# linebreak in comment \
RUN ["ls", "-la"]
RUN ["echo", "'1234'"]
RUN echo "1234"
RUN echo '1234' && \
    echo "456" && \
    echo 789
RUN    sh -c 'echo root:testpass \
        > /tmp/passwd'

# ENV \
ENV SCUBA 1 DUBA 3
ENV SCUBA "1 DUBA 3"

# CMD \
CMD ["echo", "test"]
CMD echo 'test' | wc -

#EXPOSE\
EXPOSE 9000 5000 6000

USER docker:root

VOLUME ["/test", "/test2"]
VOLUME /test3

WORKDIR /test

ADD . /
COPY . copy
"#;
    let k = kinds(text);
    assert_eq!(
        env_pairs(&k[0]),
        [("maintainer", "docker <docker@docker.io>")]
    );
    match &k[1] {
        Kind::Onbuild(i) => assert_eq!(
            i.kind,
            Kind::Run(RunArgs {
                cmd: exec(&["echo", "test"]),
                mounts: vec![],
                network: None,
                security: None,
                heredocs: vec![]
            })
        ),
        other => panic!("{other:?}"),
    }
    match &k[2] {
        Kind::Onbuild(i) => assert_eq!(i.original, "RUN echo test"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(&k[4], Kind::Run(r) if r.cmd == exec(&["ls", "-la"])));
    assert!(matches!(&k[5], Kind::Run(r) if r.cmd == exec(&["echo", "'1234'"])));
    assert_eq!(run_text(&k[6]), "echo \"1234\"");
    assert_eq!(
        run_text(&k[7]),
        "echo '1234' &&     echo \"456\" &&     echo 789"
    );
    assert_eq!(
        run_text(&k[8]),
        "sh -c 'echo root:testpass         > /tmp/passwd'"
    );
    assert_eq!(env_pairs(&k[9]), [("SCUBA", "1 DUBA 3")]);
    assert_eq!(env_pairs(&k[10]), [("SCUBA", "\"1 DUBA 3\"")]);
    assert_eq!(k[11], Kind::Cmd(exec(&["echo", "test"])));
    assert_eq!(k[12], Kind::Cmd(shell("echo 'test' | wc -")));
    assert_eq!(
        k[13],
        Kind::Expose(vec!["9000".into(), "5000".into(), "6000".into()])
    );
    assert_eq!(k[14], Kind::User("docker:root".into()));
    assert_eq!(k[15], Kind::Volume(vec!["/test".into(), "/test2".into()]));
    assert_eq!(k[16], Kind::Volume(vec!["/test3".into()]));
    assert_eq!(k[17], Kind::Workdir("/test".into()));
    assert!(matches!(&k[19], Kind::Copy(c) if c.sources == ["."] && c.dest == "copy"));
}

#[test]
fn escapes_case() {
    // BuildKit's "escapes": raw text is kept for the executor.
    let text = "FROM ubuntu:14.04\nLABEL maintainer Erik \\\\Hollensbe <erik@hollensbe.org>\\\"\n\nRUN apt-get \\update && \\\n  apt-get \\\"install znc -y\nADD \\conf\\\\\" /.znc\n\nRUN foo \\\n\nbar \\\n\nbaz\n\nCMD [ \"\\/usr\\\\\\\"/bin/znc\", \"-f\", \"-r\" ]\n";
    let k = kinds(text);
    assert_eq!(
        env_pairs(&k[0]),
        [("maintainer", "Erik \\\\Hollensbe <erik@hollensbe.org>\\\"")]
    );
    assert_eq!(
        run_text(&k[1]),
        "apt-get \\update &&   apt-get \\\"install znc -y"
    );
    assert!(matches!(&k[2], Kind::Add(c) if c.sources == ["\\conf\\\\\""] && c.dest == "/.znc"));
    assert_eq!(run_text(&k[3]), "foo bar baz");
    assert_eq!(k[4], Kind::Cmd(exec(&["/usr\\\"/bin/znc", "-f", "-r"])));
}

#[test]
fn json_cases() {
    // BuildKit's "json" and "jeztah-invalid-json-*".
    let cases: &[(&str, ShellOrExec)] = &[
        ("CMD []", exec(&[])),
        ("CMD [\"\"]", exec(&[""])),
        ("CMD [\"a\"]", exec(&["a"])),
        ("CMD [\"a\",\"b\"]", exec(&["a", "b"])),
        ("CMD [ \"a\", \"b\" ]", exec(&["a", "b"])),
        ("CMD\t[\t\"a\",\t\"b\"\t]\t", exec(&["a", "b"])),
        (
            r#"CMD ["abc 123", "♥", "\" \\ \/ \n \t \u0041"]"#,
            exec(&["abc 123", "♥", "\" \\ / \n \t A"]),
        ),
        (
            "CMD ['echo','single quotes are invalid JSON']",
            shell("['echo','single quotes are invalid JSON']"),
        ),
        (
            "CMD [\"echo\", \"Please, close the brackets when you're done\"",
            shell("[\"echo\", \"Please, close the brackets when you're done\""),
        ),
        (
            "CMD [\"echo\", \"x\"] && true",
            shell("[\"echo\", \"x\"] && true"),
        ),
        ("CMD \"echo\"", shell("\"echo\"")),
    ];
    for (line, want) in cases {
        assert_eq!(one(line), Kind::Cmd(want.clone()), "{line}");
    }
}

#[test]
fn args_case() {
    // BuildKit's "args".
    let df = parse("ARG foo bar=baz\nFROM ubuntu\nARG abc=\"123 456\" def\n").unwrap();
    assert_eq!(
        df.args_before_from,
        vec![
            ArgDecl {
                name: "foo".into(),
                default: None
            },
            ArgDecl {
                name: "bar".into(),
                default: Some("baz".into())
            }
        ]
    );
    assert_eq!(
        df.stages[0].instructions[0].kind,
        Kind::Arg(vec![
            ArgDecl {
                name: "abc".into(),
                default: Some("\"123 456\"".into())
            },
            ArgDecl {
                name: "def".into(),
                default: None
            }
        ])
    );
}

#[test]
fn comments_after_whitespace_and_inside_continuations() {
    let k = kinds(
        "FROM a\n   # indented comment\nRUN a \\\n  # inner comment \\\n  b\n\t# tab comment\n",
    );
    assert_eq!(k.len(), 1);
    assert_eq!(run_text(&k[0]), "a   b");
}

#[test]
fn hash_inside_an_instruction_is_not_a_comment() {
    assert_eq!(
        run_text(&one("RUN echo a # not a comment")),
        "echo a # not a comment"
    );
}
