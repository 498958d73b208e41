//! systemd's command-line quoting (systemd.syntax(7) "Quoting", and
//! systemd.service(5) "Command lines"): words split on whitespace, double
//! or single quotes, C-style backslash escapes, `%` specifiers and `$`
//! variable expansion. The generator writes words that systemd reads back
//! exactly; the quadlet parser reads `Exec=`, `PodmanArgs=` and list keys
//! with the same rules.

use super::error::GenerateError;

/// Quotes one word so systemd reads it back as one word, leaving `%`
/// specifiers and `$` variables for systemd to expand (quadlet passes the
/// user's `%N` through on purpose).
pub fn quote_word(word: &str) -> String {
    if word == ";" {
        // A lone semicolon separates commands; `\;` is the literal.
        return "\\;".to_string();
    }
    let needs_quotes = word.is_empty()
        || word
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '"' | '\'' | '\\'));
    if !needs_quotes {
        return word.to_string();
    }
    let mut out = String::with_capacity(word.len() + 2);
    out.push('"');
    for c in word.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            other => out.push(other),
        }
    }
    out.push('"');
    out
}

/// Escapes a literal argument: `%` and `$` are doubled so systemd neither
/// expands a specifier nor substitutes a variable, then the word is quoted.
pub fn escape_arg(arg: &str) -> String {
    quote_word(&arg.replace('%', "%%").replace('$', "$$"))
}

/// Escapes each literal argument and joins them with spaces.
pub fn escape_args<S: AsRef<str>>(args: &[S]) -> String {
    args.iter()
        .map(|a| escape_arg(a.as_ref()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Quotes each word (specifiers kept) and joins them with spaces.
pub fn quote_words<S: AsRef<str>>(words: &[S]) -> String {
    words
        .iter()
        .map(|w| quote_word(w.as_ref()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Splits a value into words as systemd does: whitespace separates,
/// quotes group, backslash escapes (`\n`, `\t`, `\\`, `\"`, `\'`, `\xNN`,
/// `\;`). `%` and `$` are left as written.
pub fn split_words(value: &str) -> Result<Vec<String>, GenerateError> {
    let mut words = Vec::new();
    let mut chars = value.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            return Ok(words);
        }
        let mut word = String::new();
        let mut quote: Option<char> = None;
        while let Some(c) = chars.next() {
            match (c, quote) {
                ('\\', _) => word.push(unescape(&mut chars, value)?),
                (q @ ('"' | '\''), None) => quote = Some(q),
                (q, Some(open)) if q == open => quote = None,
                (c, None) if c.is_whitespace() => break,
                (c, _) => word.push(c),
            }
        }
        if quote.is_some() {
            return Err(GenerateError::Quoting {
                value: value.to_string(),
                reason: "a quote is not closed",
            });
        }
        words.push(word);
    }
}

fn unescape(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    value: &str,
) -> Result<char, GenerateError> {
    let bad = |reason| GenerateError::Quoting {
        value: value.to_string(),
        reason,
    };
    let c = chars
        .next()
        .ok_or_else(|| bad("it ends in a lone backslash"))?;
    Ok(match c {
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        'a' => '\u{7}',
        'b' => '\u{8}',
        'f' => '\u{c}',
        'v' => '\u{b}',
        's' => ' ',
        'x' => {
            let hex: String = [chars.next(), chars.next()].into_iter().flatten().collect();
            u8::from_str_radix(&hex, 16)
                .map(char::from)
                .map_err(|_| bad("\\x needs two hex digits"))?
        }
        other => other,
    })
}

/// Undoes [`escape_arg`]'s doubling after [`split_words`]: what systemd
/// hands the process when no specifier or variable is used.
pub fn unescape_specifiers(word: &str) -> String {
    word.replace("%%", "%").replace("$$", "$")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_words_stay_bare() {
        assert_eq!(escape_arg("-e"), "-e");
        assert_eq!(escape_arg("A=1"), "A=1");
        assert_eq!(escape_arg("/usr/local/bin/berth"), "/usr/local/bin/berth");
    }

    #[test]
    fn specifiers_and_variables_are_doubled() {
        assert_eq!(escape_arg("100%"), "100%%");
        assert_eq!(escape_arg("$HOME"), "$$HOME");
        assert_eq!(escape_arg("%n-${X}"), "%%n-$${X}");
    }

    #[test]
    fn words_with_spaces_quotes_or_backslashes_are_quoted() {
        assert_eq!(escape_arg("two words"), "\"two words\"");
        assert_eq!(escape_arg(""), "\"\"");
        assert_eq!(escape_arg("say \"hi\""), "\"say \\\"hi\\\"\"");
        assert_eq!(escape_arg("a\\b"), "\"a\\\\b\"");
        assert_eq!(escape_arg("it's"), "\"it's\"");
        assert_eq!(escape_arg("line\nbreak"), "\"line\\nbreak\"");
        assert_eq!(escape_arg(";"), "\\;");
    }

    #[test]
    fn quote_word_keeps_specifiers() {
        assert_eq!(quote_word("systemd-%N"), "systemd-%N");
        assert_eq!(quote_word("echo %N"), "\"echo %N\"");
    }

    #[test]
    fn split_words_reads_back_what_escape_wrote() {
        let args = [
            "run",
            "-e",
            "MSG=hello world",
            "100%",
            "$HOME",
            "",
            "q\"uote",
            "back\\slash",
            ";",
            "tab\there",
        ];
        let line = escape_args(&args);
        let back: Vec<String> = split_words(&line)
            .expect("valid")
            .iter()
            .map(|w| unescape_specifiers(w))
            .collect();
        assert_eq!(back, args);
    }

    #[test]
    fn split_words_follows_systemd_rules() {
        assert_eq!(
            split_words(r#"sh -c 'echo "a b"' x\ y "\x41\t""#).expect("valid"),
            vec!["sh", "-c", "echo \"a b\"", "x y", "A\t"]
        );
        assert_eq!(
            split_words("  a   b  ").expect("valid"),
            vec!["a".to_string(), "b".to_string()]
        );
        assert!(split_words("\"open").is_err());
        assert!(split_words("trailing\\").is_err());
        assert!(split_words("\\xZZ").is_err());
    }
}
