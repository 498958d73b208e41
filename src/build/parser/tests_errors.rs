//! Every error path with its line and column, and a no-panic property test.

use rand::{Rng, SeedableRng};

use super::*;

/// (line, column, message prefix) of the error `text` gives.
fn err(text: &str) -> (usize, usize, String) {
    match parse(text) {
        Ok(df) => panic!("expected an error for {text:?}, got {df:?}"),
        Err(e) => (e.line, e.column, e.message),
    }
}

#[track_caller]
fn check(text: &str, line: usize, column: usize, prefix: &str) {
    let (l, c, m) = err(text);
    assert!(
        m.starts_with(prefix),
        "{text:?}: message {m:?} does not start with {prefix:?}"
    );
    assert_eq!((l, c), (line, column), "{text:?}: {m}");
}

#[test]
fn display_is_docker_like() {
    let e = parse("FROM a\nFOO bar\n").unwrap_err();
    assert!(e
        .to_string()
        .starts_with("Dockerfile:2:1: unknown instruction: FOO"));
}

#[test]
fn file_level_errors() {
    check("", 1, 1, "file with no instructions");
    check("# only a comment\n\n", 1, 1, "file with no instructions");
    check(
        "ARG A=1\nARG B\n",
        2,
        1,
        "the Dockerfile has no FROM instruction",
    );
    check(
        "RUN echo\nFROM a\n",
        1,
        1,
        "no build stage in current context: RUN comes before the first FROM",
    );
    check(
        "ARG X\n  ENV A=1\nFROM a\n",
        2,
        3,
        "no build stage in current context: ENV",
    );
    check(
        "FROM a AS x\nFROM b AS X\n",
        2,
        1,
        "duplicate stage name \"x\"",
    );
}

#[test]
fn directive_errors() {
    check(
        "# escape=!\nFROM a\n",
        1,
        1,
        "invalid escape token '!' does not match ` or \\",
    );
    check(
        "# syntax=a\n# syntax=b\nFROM a\n",
        2,
        1,
        "only one syntax parser directive can be used",
    );
}

#[test]
fn unknown_instructions() {
    check("FROM a\nRUNN echo\n", 2, 1, "unknown instruction: RUNN");
    check("FROM a\n\n   Foo bar\n", 3, 4, "unknown instruction: Foo");
    check("FROM a\nONBUILD BAR x\n", 2, 9, "unknown instruction: BAR");
}

#[test]
fn missing_arguments() {
    let cases: &[(&str, usize, &str)] = &[
        ("RUN", 1, "RUN requires at least one argument"),
        ("RUN []", 1, "RUN requires at least one argument"),
        ("COPY", 1, "COPY requires at least two arguments, but none were provided"),
        (
            "COPY onlyone",
            1,
            "COPY requires at least two arguments, but only one was provided. Destination could not be determined.",
        ),
        ("ADD [\"a\"]", 1, "ADD requires at least two arguments, but only one"),
        ("ENV", 1, "ENV requires at least one argument"),
        ("ENV NAME", 1, "ENV must have two arguments"),
        ("LABEL", 1, "LABEL requires at least one argument"),
        ("LABEL justkey", 1, "LABEL must have two arguments"),
        ("ARG", 1, "ARG requires at least one argument"),
        ("EXPOSE", 1, "EXPOSE requires at least one argument"),
        ("VOLUME", 1, "VOLUME requires at least one argument"),
        ("VOLUME []", 1, "VOLUME requires at least one argument"),
        ("USER", 1, "USER requires exactly one argument"),
        ("WORKDIR", 1, "WORKDIR requires exactly one argument"),
        ("STOPSIGNAL", 1, "STOPSIGNAL requires exactly one argument"),
        ("MAINTAINER", 1, "MAINTAINER requires exactly one argument"),
        ("ONBUILD", 1, "ONBUILD requires at least one argument"),
        ("SHELL", 1, "SHELL requires at least one argument"),
        ("SHELL []", 1, "SHELL requires at least one argument"),
        ("HEALTHCHECK", 1, "HEALTHCHECK requires at least one argument"),
        ("HEALTHCHECK CMD", 1, "Missing command after HEALTHCHECK CMD"),
        ("HEALTHCHECK CMD []", 1, "Missing command after HEALTHCHECK CMD"),
    ];
    for (line, column, prefix) in cases {
        check(&format!("FROM a\n{line}\n"), 2, *column, prefix);
    }
    check(
        "FROM\n",
        1,
        1,
        "FROM requires either one or three arguments",
    );
    check(
        "FROM a b\n",
        1,
        1,
        "FROM requires either one or three arguments",
    );
    check(
        "FROM a IS b\n",
        1,
        1,
        "FROM requires either one or three arguments",
    );
}

#[test]
fn argument_errors_point_at_the_word() {
    check(
        "FROM a AS 1st\n",
        1,
        11,
        "invalid name for build stage: \"1st\"",
    );
    check("FROM a AS b@c\n", 1, 11, "invalid name for build stage");
    check(
        "FROM a\nENV A=1 B\n",
        2,
        9,
        "Syntax error - can't find = in \"B\"",
    );
    check("FROM a\nLABEL =x\n", 2, 7, "LABEL names can not be blank");
    check("FROM a\nENV =x\n", 2, 5, "ENV names can not be blank");
    check("FROM a\nARG A=1 =2\n", 2, 9, "ARG names can not be blank");
    check(
        "FROM a\nVOLUME [\"\"]\n",
        2,
        8,
        "VOLUME specified can not be an empty string",
    );
    check(
        "FROM a\nSHELL /bin/sh -c\n",
        2,
        7,
        "SHELL requires the arguments to be in JSON form",
    );
    check(
        "FROM a\nCMD [\"a\", 1]\n",
        2,
        5,
        "when using JSON array syntax, arrays must be comprised of strings only",
    );
    check(
        "FROM a\nHEALTHCHECK NONE x\n",
        2,
        18,
        "HEALTHCHECK NONE takes no arguments",
    );
    check(
        "FROM a\nHEALTHCHECK CONNECT TCP 7000\n",
        2,
        13,
        "Unknown type \"CONNECT\" in HEALTHCHECK (try CMD)",
    );
    check(
        "FROM a\nCOPY a <<EOF\nx\nEOF\n",
        2,
        1,
        "COPY cannot accept a heredoc as a destination",
    );
}

#[test]
fn onbuild_refusals() {
    check(
        "FROM a\nONBUILD ONBUILD RUN x\n",
        2,
        9,
        "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
    );
    check(
        "FROM a\nONBUILD FROM b\n",
        2,
        9,
        "FROM isn't allowed as an ONBUILD trigger",
    );
    check(
        "FROM a\nonbuild maintainer me\n",
        2,
        9,
        "MAINTAINER isn't allowed as an ONBUILD trigger",
    );
}

#[test]
fn flag_errors_point_at_the_flag() {
    check("FROM a\nCOPY --foo=bar a b\n", 2, 6, "unknown flag: --foo");
    check(
        "FROM a\nADD --from=x a b\n",
        2,
        5,
        "unknown flag: --from (ADD accepts",
    );
    check(
        "FROM a\nCOPY --keep-git-dir a b\n",
        2,
        6,
        "unknown flag: --keep-git-dir",
    );
    check(
        "FROM a\nCMD --doit [\"a\"]\n",
        2,
        5,
        "unknown flag: --doit (CMD takes no flags)",
    );
    check(
        "FROM --platform linux/amd64 a\n",
        1,
        6,
        "missing a value on flag: --platform",
    );
    check(
        "FROM a\nRUN --network=none --network=host x\n",
        2,
        20,
        "duplicate flag specified: --network",
    );
    check(
        "FROM a\nCOPY --link=yes a b\n",
        2,
        6,
        "expecting boolean value for flag --link, not: yes",
    );
    check(
        "FROM a\nONBUILD COPY --bad a b\n",
        2,
        14,
        "unknown flag: --bad",
    );
    check(
        "FROM a\nRUN echo a \\\n  && \\\n  true\nRUN --x=1 \\\n   y\n",
        5,
        5,
        "unknown flag: --x",
    );
}

#[test]
fn healthcheck_flag_values() {
    check(
        "FROM a\nHEALTHCHECK --interval=5 CMD x\n",
        2,
        13,
        "--interval: invalid duration \"5\"",
    );
    check(
        "FROM a\nHEALTHCHECK --timeout=10ns CMD x\n",
        2,
        13,
        "--timeout: cannot be less than 1ms",
    );
    check(
        "FROM a\nHEALTHCHECK --retries=-1 CMD x\n",
        2,
        13,
        "--retries cannot be negative (-1)",
    );
    check(
        "FROM a\nHEALTHCHECK --retries=x CMD x\n",
        2,
        13,
        "invalid --retries value \"x\"",
    );
    check(
        "FROM a\nHEALTHCHECK --start-period=1y CMD x\n",
        2,
        13,
        "--start-period: invalid duration",
    );
}

#[test]
fn unterminated_heredocs() {
    check(
        "FROM a\nRUN <<EOF\necho\n",
        2,
        5,
        "unterminated heredoc: no line \"EOF\"",
    );
    check(
        "FROM a\nCOPY <<A <<B /x\na\nA\nb\n",
        2,
        10,
        "unterminated heredoc: no line \"B\"",
    );
    check(
        "FROM a\nRUN --mount=type=tmpfs,target=/t cat <<-END\n",
        2,
        38,
        "unterminated heredoc",
    );
}

#[test]
fn errors_on_continuation_lines_name_the_physical_line() {
    // The bad word sits on the third physical line of the instruction.
    check(
        "FROM a\nENV A=1 \\\n  # note\n  B \\\n  C=2\n",
        4,
        3,
        "Syntax error - can't find = in \"B\"",
    );
    check(
        "FROM x \\\n  AS \\\n  9lives\n",
        3,
        3,
        "invalid name for build stage",
    );
}

/// Strings built from Dockerfile-ish fragments, then mutated, must parse or
/// fail with an error, never panic.
#[test]
fn parse_never_panics() {
    const FRAGMENTS: &[&str] = &[
        "FROM ",
        "RUN ",
        "COPY ",
        "ADD ",
        "ENV ",
        "LABEL ",
        "ARG ",
        "ONBUILD ",
        "HEALTHCHECK ",
        "CMD ",
        "SHELL ",
        "EXPOSE ",
        "VOLUME ",
        "USER ",
        "WORKDIR ",
        "STOPSIGNAL ",
        "MAINTAINER ",
        "ENTRYPOINT ",
        "AS ",
        "NONE ",
        "--mount=",
        "--from=",
        "--interval=",
        "--retries=",
        "--link",
        "--",
        "<<",
        "<<-",
        "EOF",
        "'",
        "\"",
        "\\",
        "`",
        "$",
        "${",
        "}",
        ":-",
        "[",
        "]",
        ",",
        "=",
        "#",
        "# escape=`",
        "# syntax=x",
        "\n",
        "\r\n",
        "\t",
        " ",
        "é",
        "\u{feff}",
        "\u{0}",
        "a",
        "1",
        "1m30s",
        "[\"a\"]",
        "[1]",
        "🦀",
    ];
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x5eed);
    for _ in 0..3000 {
        let mut text = String::new();
        for _ in 0..rng.random_range(0..40) {
            text.push_str(FRAGMENTS[rng.random_range(0..FRAGMENTS.len())]);
        }
        // Mutate: drop or duplicate a random char range.
        let chars: Vec<char> = text.chars().collect();
        if !chars.is_empty() && rng.random_bool(0.5) {
            let a = rng.random_range(0..chars.len());
            let b = rng.random_range(a..chars.len());
            let mutated: String = if rng.random_bool(0.5) {
                chars[..a].iter().chain(&chars[b..]).collect()
            } else {
                chars[..b].iter().chain(&chars[a..]).collect()
            };
            text = mutated;
        }
        let _ = parse(&text);
        let _ = parse(&format!("FROM a\n{text}"));
        let none = |_: &str| None;
        let _ = expand_word(&text, &none, '\\');
        let _ = expand_words(&text, &none, '`');
        let _ = expand_heredoc(&text, &none);
    }
    // Arbitrary bytes, lossily decoded.
    for _ in 0..2000 {
        let len = rng.random_range(0..200);
        let bytes: Vec<u8> = (0..len).map(|_| rng.random()).collect();
        let text = String::from_utf8_lossy(&bytes);
        let _ = parse(&text);
        let _ = parse(&format!("FROM a\nRUN {text}"));
    }
}
