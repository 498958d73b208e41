//! Heredoc markers (`<<EOF`, `<<-EOF`, `<<"EOF"`, `3<<EOF`) on RUN, COPY and
//! ADD lines, found the way BuildKit finds them: split the line into
//! shell-like words (quotes and escapes kept), then take each word shaped
//! like `[digits]<<[-][blanks]word`.

use super::expand::heredoc_name;

/// A heredoc named on an instruction line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Marker {
    pub name: String,
    pub expand: bool,
    pub strip_tabs: bool,
    /// Byte offset of the marker word in the text it was found in.
    pub offset: usize,
}

/// The heredoc a single word declares, if it is one.
pub(super) fn parse_heredoc_word(word: &str) -> Option<Marker> {
    let rest = word.trim_start_matches(|c: char| c.is_ascii_digit());
    let rest = rest.strip_prefix("<<")?;
    let (strip_tabs, rest) = match rest.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let rest = rest.trim_start_matches([' ', '\t', '\r', '\n', '\x0c']);
    if rest.is_empty() || rest.contains('<') {
        return None;
    }
    let (name, quoted) = heredoc_name(rest)?;
    Some(Marker {
        name,
        expand: !quoted,
        strip_tabs,
        offset: 0,
    })
}

/// The heredocs of an instruction's arguments, in order. A line whose
/// quotes do not balance has none (BuildKit ignores its lexing error there).
pub(super) fn heredocs_in(args: &str) -> Vec<Marker> {
    if !args.contains("<<") {
        return Vec::new();
    }
    let Some(words) = raw_words(args) else {
        return Vec::new();
    };
    words
        .into_iter()
        .filter_map(|(offset, word)| parse_heredoc_word(word).map(|m| Marker { offset, ..m }))
        .collect()
}

/// Splits on whitespace outside quotes, keeping everything as written;
/// `<<` swallows the blanks after it.
fn raw_words(s: &str) -> Option<Vec<(usize, &str)>> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let at = |i: usize| chars.get(i).map_or(s.len(), |c| c.0);
    let mut words = Vec::new();
    let mut start: Option<usize> = None;
    let mut quote: Option<char> = None;
    let mut i = 0;
    while let Some(&(offset, c)) = chars.get(i) {
        i += 1;
        if let Some(q) = quote {
            if c == q {
                quote = None;
            } else if c == '\\' && q == '"' {
                i += 1;
            }
            continue;
        }
        if c.is_whitespace() {
            if let Some(st) = start.take() {
                words.push((st, &s[st..offset]));
            }
            continue;
        }
        start.get_or_insert(offset);
        match c {
            '\'' | '"' => quote = Some(c),
            '\\' => i += 1,
            '<' if chars.get(i).is_some_and(|n| n.1 == '<') => {
                i += 1;
                while chars
                    .get(i)
                    .is_some_and(|n| matches!(n.1, ' ' | '\t' | '\r'))
                {
                    i += 1;
                }
            }
            _ => {}
        }
    }
    if quote.is_some() {
        return None;
    }
    if let Some(st) = start {
        words.push((st, &s[st..at(chars.len())]));
    }
    Some(words)
}

/// Drops the leading tabs of every line (`<<-`).
pub(super) fn strip_leading_tabs(content: &str) -> String {
    content
        .split_inclusive('\n')
        .map(|line| line.trim_start_matches('\t'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heredoc_words() {
        let m = parse_heredoc_word("<<EOF").unwrap();
        assert_eq!(
            (m.name.as_str(), m.expand, m.strip_tabs),
            ("EOF", true, false)
        );
        let m = parse_heredoc_word("<<-'EOF'").unwrap();
        assert_eq!(
            (m.name.as_str(), m.expand, m.strip_tabs),
            ("EOF", false, true)
        );
        let m = parse_heredoc_word("3<<  X").unwrap();
        assert_eq!(m.name, "X");
        assert!(parse_heredoc_word("<<").is_none());
        assert!(parse_heredoc_word("a<<EOF").is_none());
        assert!(parse_heredoc_word("\"<<EOF\"").is_none());
        assert!(parse_heredoc_word("<<one two").is_none());
    }

    #[test]
    fn markers_on_a_line() {
        let found = heredocs_in("<<A cat - <<\"B\" > /x");
        let names: Vec<_> = found
            .iter()
            .map(|m| (m.name.as_str(), m.offset, m.expand))
            .collect();
        assert_eq!(names, [("A", 0, true), ("B", 10, false)]);
        assert!(heredocs_in("echo '<<EOF'").is_empty());
        assert!(heredocs_in("echo \"<<EOF").is_empty());
        assert_eq!(heredocs_in("<<  EOF  > foo")[0].name, "EOF");
    }

    #[test]
    fn strip_tabs_per_line() {
        assert_eq!(strip_leading_tabs("\t\ta\n\tb\n c\n"), "a\nb\n c\n");
    }
}
