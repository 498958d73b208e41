//! Expansion cases, most rewritten from BuildKit's shell lexer tables.

use super::expand::{expand_heredoc, expand_word, expand_words, ExpandError};

fn env(name: &str) -> Option<String> {
    match name {
        "PWD" => Some("/home".into()),
        "SHELL" => Some("bash".into()),
        "KOREAN" => Some("한국어".into()),
        "NULL" => Some(String::new()),
        "SPACE" => Some("abc  def".into()),
        "LEADING" => Some("  ab c".into()),
        "PATHV" => Some("/usr/local/bin/tool.tar.gz".into()),
        _ => None,
    }
}

fn word(w: &str) -> Result<String, ExpandError> {
    expand_word(w, &env, '\\')
}

#[test]
fn word_table() {
    // (input, Some(output)) or (input, None) for an error.
    let cases: &[(&str, Option<&str>)] = &[
        ("hello", Some("hello")),
        ("he'll'o", Some("hello")),
        ("he'llo", None),
        (r"he\'llo", Some("he'llo")),
        (r"he\\'llo", None),
        (r"abc\tdef", Some("abctdef")),
        (r#""abc\tdef""#, Some(r"abc\tdef")),
        (r#""abc\\tdef""#, Some(r"abc\tdef")),
        (r"'abc\tdef'", Some(r"abc\tdef")),
        (r"hello\", Some("hello")),
        (r"hello\\", Some(r"hello\")),
        (r#""hello"#, None),
        (r#""hello\""#, None),
        (r#""hel'lo""#, Some("hel'lo")),
        ("'hello", None),
        (r"'hello\'", Some(r"hello\")),
        (r#""''""#, Some("''")),
        ("$.", Some("$.")),
        ("he$1x", Some("hex")),
        ("he$.x", Some("he$.x")),
        ("he$pwd.", Some("he.")),
        ("he$PWD", Some("he/home")),
        (r"he\$PWD", Some("he$PWD")),
        (r"he\\$PWD", Some(r"he\/home")),
        (r#""he\$PWD""#, Some("he$PWD")),
        (r#""he\\$PWD""#, Some(r"he\/home")),
        (r"\${}", Some("${}")),
        ("${}", None),
        ("he${}xx", None),
        ("he${hi}xx", Some("hexx")),
        ("he${PWD}", Some("he/home")),
        ("he${.}", None),
        ("he${XXX:-000}xx", Some("he000xx")),
        ("he${PWD:-000}xx", Some("he/homexx")),
        ("he${XXX:-$PWD}xx", Some("he/homexx")),
        ("he${XXX:-${PWD:-yyy}}xx", Some("he/homexx")),
        ("he${XXX:-${YYY:-yyy}}xx", Some("heyyyxx")),
        ("he${XXX:YYY}", None),
        ("he${XXX?}", None),
        ("he${XXX:?}", None),
        ("he${PWD?}", Some("he/home")),
        ("he${PWD:?}", Some("he/home")),
        ("he${NULL?}", Some("he")),
        ("he${NULL:?}", None),
        ("he${NULL-x}", Some("he")),
        ("he${NULL:-x}", Some("hex")),
        ("he${NULL+x}", Some("hex")),
        ("he${NULL:+x}", Some("he")),
        ("he${XXX:+${PWD}}xx", Some("hexx")),
        ("he${PWD:+${XXX}}xx", Some("hexx")),
        ("he${PWD:+${SHELL}}xx", Some("hebashxx")),
        ("he${XXX:+000}xx", Some("hexx")),
        ("he${PWD:+000}xx", Some("he000xx")),
        ("'he${XX}'", Some("he${XX}")),
        (r#""he${PWD}""#, Some("he/home")),
        (r#""he'$PWD'""#, Some("he'/home'")),
        ("'$PWD'", Some("$PWD")),
        (r"'\$PWD'", Some(r"\$PWD")),
        (r#"'"hello"'"#, Some(r#""hello""#)),
        ("he${PWD", None),
        ("he${PWD:=000}xx", None),
        ("he${PWD:+${PWD}:}xx", Some("he/home:xx")),
        (r"he${XXX:-\$PWD:}xx", Some("he$PWD:xx")),
        (r"he${XXX:-\${PWD}z}xx", Some("he${PWDz}xx")),
        ("안'녕'하세요", Some("안녕하세요")),
        ("안녕$KOREAN", Some("안녕한국어")),
        ("${aaa}}", Some("}")),
        ("${{aaa}", None),
        ("${aaa:-bbb}}", Some("bbb}")),
        ("${aaa:-bbb", None),
        ("${aaa:-bbb {foo}", Some("bbb {foo")),
        ("${:}", None),
        ("${:-bbb}", None),
        ("$1", Some("")),
        ("${999:-bbb}aaa", Some("bbbaaa")),
        ("$001aaa", Some("aaa")),
        ("$@@@", Some("@@")),
        ("${@:-bbb}", Some("bbb")),
        ("$$", Some("")),
        ("${$:+bbb}", Some("")),
        ("$#", Some("")),
        ("$", Some("$")),
        ("a$", Some("a$")),
    ];
    for (input, want) in cases {
        let got = word(input);
        match want {
            Some(w) => assert_eq!(got.as_deref(), Ok(*w), "input {input:?}"),
            None => assert!(got.is_err(), "input {input:?} gave {got:?}"),
        }
    }
}

#[test]
fn pattern_modifiers() {
    assert_eq!(
        word("${PATHV#*/}").as_deref(),
        Ok("usr/local/bin/tool.tar.gz")
    );
    assert_eq!(word("${PATHV##*/}").as_deref(), Ok("tool.tar.gz"));
    assert_eq!(
        word("${PATHV%.*}").as_deref(),
        Ok("/usr/local/bin/tool.tar")
    );
    assert_eq!(word("${PATHV%%.*}").as_deref(), Ok("/usr/local/bin/tool"));
    assert_eq!(
        word("${PATHV#nomatch}").as_deref(),
        Ok("/usr/local/bin/tool.tar.gz")
    );
    assert_eq!(
        word("${PATHV/local/opt}").as_deref(),
        Ok("/usr/opt/bin/tool.tar.gz")
    );
    assert_eq!(
        word("${PATHV//\\//_}").as_deref(),
        Ok("_usr_local_bin_tool.tar.gz")
    );
    assert_eq!(word("${PATHV/*/x}").as_deref(), Ok("x"));
    assert_eq!(word("${PATHV//*/x}").as_deref(), Ok("x"));
    assert_eq!(word("${XXX/a/b}").as_deref(), Ok(""));
    assert_eq!(
        word("${PATHV:#x}"),
        Err(ExpandError::UnsupportedModifier(":#".into()))
    );
    assert!(matches!(
        word(r"${PATHV#\x}"),
        Err(ExpandError::InvalidPattern { .. })
    ));
    assert_eq!(word("${PATHV/a"), Err(ExpandError::MissingSlash));
}

#[test]
fn required_variables_name_the_variable_and_message() {
    assert_eq!(
        word("${FOO:?is required}"),
        Err(ExpandError::Required {
            name: "FOO".into(),
            message: "is required".into()
        })
    );
    assert_eq!(
        word("${FOO:?is required}").unwrap_err().to_string(),
        "FOO: is required"
    );
    assert_eq!(
        word("${NULL:?}").unwrap_err().to_string(),
        "NULL: is not allowed to be empty"
    );
    assert_eq!(
        word("${FOO?}").unwrap_err().to_string(),
        "FOO: is not allowed to be unset"
    );
    assert_eq!(
        word("${FOO:?need $PWD}").unwrap_err().to_string(),
        "FOO: need /home"
    );
}

#[test]
fn unterminated_errors() {
    assert_eq!(
        word("'a"),
        Err(ExpandError::Unterminated("single-quote".into()))
    );
    assert_eq!(
        word("\"a"),
        Err(ExpandError::Unterminated("double-quote".into()))
    );
    assert_eq!(word("${a"), Err(ExpandError::MissingBrace));
    assert_eq!(word("${a:-\"b}"), Err(ExpandError::MissingBrace));
    assert_eq!(word("${}"), Err(ExpandError::BadSubstitution));
}

#[test]
fn backtick_escape() {
    let w = |s: &str| expand_word(s, &env, '`');
    assert_eq!(w(r"C:\path").as_deref(), Ok(r"C:\path"));
    assert_eq!(w("a` b").as_deref(), Ok("a b"));
    assert_eq!(w("`$PWD").as_deref(), Ok("$PWD"));
    assert_eq!(w("\"a`\"b\"").as_deref(), Ok("a\"b"));
}

#[test]
fn words_table() {
    let words = |s: &str| expand_words(s, &env, '\\');
    let cases: &[(&str, &[&str])] = &[
        ("hello", &["hello"]),
        ("hello${hi}bye", &["hellobye"]),
        ("hello${SPACE}bye", &["helloabc", "defbye"]),
        ("hello\"${SPACE}\"bye", &["helloabc  defbye"]),
        ("hello \"${SPACE}\"bye", &["hello", "abc  defbye"]),
        ("hello${LEADING}def", &["hello", "ab", "cdef"]),
        ("hello\"${LEADING}\" def", &["hello  ab c", "def"]),
        ("hello\" there  \"", &["hello there  "]),
        ("hello there     ", &["hello", "there"]),
        (r"hello\ there", &["hello there"]),
        (r#"hello\" there"#, &["hello\"", "there"]),
        (r#"hello"\\there""#, &[r"hello\there"]),
        (r#"hello"\there""#, &[r"hello\there"]),
        (r"hello'\\there'", &[r"hello\\there"]),
        ("hello'$there'", &["hello$there"]),
        ("80/tcp $NOPE 443", &["80/tcp", "443"]),
        ("", &[]),
    ];
    for (input, want) in cases {
        let want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
        assert_eq!(words(input), Ok(want), "input {input:?}");
    }
    assert!(words("hello\" there").is_err());
}

#[test]
fn heredoc_expansion_keeps_quotes_and_processes_backslashes() {
    let h = |s: &str| expand_heredoc(s, &env);
    assert_eq!(h("dir=\"$PWD\"\n").as_deref(), Ok("dir=\"/home\"\n"));
    assert_eq!(h("'${SHELL}'\n").as_deref(), Ok("'bash'\n"));
    assert_eq!(
        h("cost \\$5 ${NOPE:-free}\n").as_deref(),
        Ok("cost $5 free\n")
    );
    assert_eq!(h("a\\nb").as_deref(), Ok("anb"));
}
