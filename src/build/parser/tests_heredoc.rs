//! Heredocs on RUN, COPY, ADD and ONBUILD, rewritten from BuildKit's
//! heredoc parser tests.

use super::tests_parse::kinds;
use super::*;

fn doc(name: &str, content: &str, expand: bool, strip_tabs: bool) -> Heredoc {
    Heredoc {
        name: name.into(),
        content: content.into(),
        expand,
        strip_tabs,
    }
}

fn heredocs(kind: &Kind) -> Vec<Heredoc> {
    match kind {
        Kind::Run(r) => r.heredocs.clone(),
        Kind::Copy(c) | Kind::Add(c) => c.heredocs.clone(),
        Kind::Onbuild(i) => heredocs(&i.kind),
        _ => vec![],
    }
}

#[test]
fn buildkit_heredoc_table() {
    let text = "FROM alpine:3.6\n\nENV NAME=me\n\nRUN ls\n\nUSER <<INVALID\nINVALID\n\nRUN <<EMPTY\nEMPTY\n\nRUN 3<<EMPTY2\nEMPTY2\n\nRUN \"<<NOHEREDOC\"\n\nRUN <<INDENT\n\tfoo\n\tbar\nINDENT\n\nRUN <<-UNINDENT\n\tbaz\n\tquux\nUNINDENT\n\nRUN <<-UNINDENT2\n\tbaz\n\tquux\n\tUNINDENT2\n\nRUN <<-'NOEXPAND'\n\tdon't expand $NAME\nNOEXPAND\n\nRUN <<COMMENT\n# internal comment\necho hello world # trailing\nCOMMENT\n\nRUN --mount=type=cache,target=/foo <<MOUNT\necho hello\nMOUNT\n\nCOPY <<FILE1 <<FILE2 /dest\ncontent 1\nFILE1\ncontent 2\nFILE2\n\nCOPY <<EOF /quotes\n\"foo\"\n'bar'\nEOF\n\nCOPY <<X <<Y /dest\nY\nX\nX\nY\n\nRUN <<COMPLEX python3\nprint('hello world')\nCOMPLEX\n\nCOPY <<file.txt /dest\nhello world\nfile.txt\n\nRUN <<eo'f'\necho foo\neof\n\nRUN <<eo\\'f\necho foo\neo'f\n\nRUN <<'e'o\\'f\necho foo\neo'f\n\nRUN <<'one two'\necho bar\none two\n\nRUN <<$EOF\n$EOF\n\nRUN <<  EOF\nEOF\n\nRUN <<  EOF  > foo\nEOF\n";
    let want: Vec<Vec<Heredoc>> = vec![
        vec![], // ENV
        vec![], // RUN ls
        vec![], // USER <<INVALID: USER takes no heredoc
        vec![doc("EMPTY", "", true, false)],
        vec![doc("EMPTY2", "", true, false)],
        vec![],
        vec![doc("INDENT", "\tfoo\n\tbar\n", true, false)],
        vec![doc("UNINDENT", "baz\nquux\n", true, true)],
        vec![doc("UNINDENT2", "baz\nquux\n", true, true)],
        vec![doc("NOEXPAND", "don't expand $NAME\n", false, true)],
        vec![doc(
            "COMMENT",
            "# internal comment\necho hello world # trailing\n",
            true,
            false,
        )],
        vec![doc("MOUNT", "echo hello\n", true, false)],
        vec![
            doc("FILE1", "content 1\n", true, false),
            doc("FILE2", "content 2\n", true, false),
        ],
        vec![doc("EOF", "\"foo\"\n'bar'\n", true, false)],
        vec![doc("X", "Y\n", true, false), doc("Y", "X\n", true, false)],
        vec![doc("COMPLEX", "print('hello world')\n", true, false)],
        vec![doc("file.txt", "hello world\n", true, false)],
        vec![doc("eof", "echo foo\n", false, false)],
        vec![doc("eo'f", "echo foo\n", true, false)],
        vec![doc("eo'f", "echo foo\n", false, false)],
        vec![doc("one two", "echo bar\n", false, false)],
        vec![doc("$EOF", "", true, false)],
        vec![doc("EOF", "", true, false)],
        vec![doc("EOF", "", true, false)],
    ];
    // USER reads no body, so the line after it is an instruction of its
    // own: "INVALID" is then an unknown instruction.
    assert!(parse(text)
        .unwrap_err()
        .message
        .starts_with("unknown instruction: INVALID"));
    let text = text.replace("USER <<INVALID\nINVALID\n", "USER <<INVALID\n");
    let got: Vec<Vec<Heredoc>> = kinds(&text).iter().map(heredocs).collect();
    assert_eq!(got, want);
}

#[test]
fn run_heredoc_commands() {
    let k = kinds("FROM a\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n");
    let Kind::Run(r) = &k[0] else { panic!() };
    assert_eq!(r.cmd, ShellOrExec::Shell("<<EOF".into()));
    assert_eq!(
        r.heredoc_command(),
        Some(HeredocCommand::Inline(
            "apt-get update\napt-get install -y curl\n".into()
        ))
    );

    let k = kinds("FROM a\nRUN <<EOT\n#!/usr/bin/env python3\nprint('hi')\nEOT\n");
    let Kind::Run(r) = &k[0] else { panic!() };
    assert_eq!(
        r.heredoc_command(),
        Some(HeredocCommand::Script {
            name: "EOT".into(),
            content: "#!/usr/bin/env python3\nprint('hi')\n".into()
        })
    );

    let k = kinds("FROM a\nRUN python3 <<EOF\nprint(1)\nEOF\n");
    let Kind::Run(r) = &k[0] else { panic!() };
    assert_eq!(
        r.heredoc_command(),
        Some(HeredocCommand::Reconstituted(
            "python3 <<EOF\nprint(1)\nEOF".into()
        ))
    );

    let k = kinds("FROM a\nRUN <<A cat - <<'B' > /out\na $X\nA\nb $X\nB\n");
    let Kind::Run(r) = &k[0] else { panic!() };
    assert_eq!(
        r.heredoc_command(),
        Some(HeredocCommand::Reconstituted(
            "<<A cat - <<'B' > /out\na $X\nA\nb $X\nB".into()
        ))
    );
    let err = parse("FROM a\nRUN echo <<x\n").unwrap_err();
    assert_eq!((err.line, err.column), (2, 10));
    assert!(err.message.starts_with("unterminated heredoc"));
}

#[test]
fn copy_heredocs_are_not_sources() {
    let k = kinds("FROM a\nCOPY --chmod=755 <<EOF /usr/local/bin/hello\n#!/bin/sh\necho hello $NAME\nEOF\nCOPY << X ./cfg /etc/\nkey=1\nX\n");
    let Kind::Copy(c) = &k[0] else { panic!() };
    assert!(c.sources.is_empty());
    assert_eq!(c.dest, "/usr/local/bin/hello");
    assert_eq!(c.chmod.as_deref(), Some("755"));
    assert_eq!(
        c.heredocs,
        vec![doc("EOF", "#!/bin/sh\necho hello $NAME\n", true, false)]
    );
    let Kind::Copy(c) = &k[1] else { panic!() };
    assert_eq!(c.sources, ["./cfg"]);
    assert_eq!(c.heredocs, vec![doc("X", "key=1\n", true, false)]);
}

#[test]
fn heredoc_bodies_are_not_instructions_or_comments() {
    let text = "FROM a\nRUN <<EOF\n# not a comment\nFROM b\n  \\\nEOF\nRUN echo after\n";
    let df = parse(text).unwrap();
    assert_eq!(df.stages.len(), 1);
    let ins = &df.stages[0].instructions;
    assert_eq!(
        heredocs(&ins[0].kind)[0].content,
        "# not a comment\nFROM b\n  \\\n"
    );
    assert_eq!(ins[1].line, 7);
}

#[test]
fn crlf_bodies_keep_their_line_endings() {
    let k = kinds("FROM a\r\nCOPY <<EOF /x\r\nline\r\nEOF\r\n");
    assert_eq!(heredocs(&k[0])[0].content, "line\r\n");
}

#[test]
fn exec_form_never_has_heredocs() {
    let k = kinds("FROM a\nRUN [\"sh\", \"-c\", \"cat <<EOF\"]\n");
    assert!(heredocs(&k[0]).is_empty());
}

#[test]
fn onbuild_heredocs_attach_to_the_trigger() {
    let df = parse("FROM a\nONBUILD RUN <<EOF\necho built\nEOF\n").unwrap();
    let ins = &df.stages[0].instructions[0];
    assert_eq!(
        heredocs(&ins.kind),
        vec![doc("EOF", "echo built\n", true, false)]
    );
    let Kind::Onbuild(inner) = &ins.kind else {
        panic!()
    };
    assert_eq!(inner.source_with_heredocs(), "RUN <<EOF\necho built\nEOF");
}
