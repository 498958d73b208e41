//! Instruction flags (`--name=value`), checked against what each
//! instruction accepts, and Go-style durations for HEALTHCHECK.

use std::time::Duration;

use super::words::Word;
use super::Located;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FlagType {
    /// `--name=value`, once.
    Value,
    /// `--name` or `--name=true|false`, once.
    Bool,
    /// `--name=value`, any number of times.
    List,
}

/// Flag values by name, in the order given.
#[derive(Debug, Default)]
pub(super) struct Flags {
    values: Vec<(&'static str, String)>,
}

impl Flags {
    /// The value of a single-valued flag; an empty value counts as unset.
    pub fn value(&self, name: &str) -> Option<String> {
        self.values
            .iter()
            .find(|(n, v)| *n == name && !v.is_empty())
            .map(|(_, v)| v.clone())
    }

    pub fn bool(&self, name: &str) -> bool {
        self.values.iter().any(|(n, v)| *n == name && v == "true")
    }

    pub fn list(&self, name: &str) -> Vec<String> {
        self.values
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

/// Checks `words` against the flags `instruction` accepts.
pub(super) fn parse(
    instruction: &str,
    words: &[Word],
    accepted: &[(&'static str, FlagType)],
) -> Result<Flags, Located> {
    let mut flags = Flags::default();
    for word in words {
        let body = word.text.strip_prefix("--").unwrap_or(&word.text);
        let (name, value) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (body, None),
        };
        let Some(&(known, kind)) = accepted.iter().find(|(n, _)| *n == name) else {
            let hint = if accepted.is_empty() {
                format!("{instruction} takes no flags")
            } else {
                let names: Vec<String> = accepted.iter().map(|(n, _)| format!("--{n}")).collect();
                format!("{instruction} accepts {}", names.join(", "))
            };
            return Err(Located::new(
                word.offset,
                format!("unknown flag: --{name} ({hint})"),
            ));
        };
        if kind != FlagType::List && flags.values.iter().any(|(n, _)| *n == known) {
            return Err(Located::new(
                word.offset,
                format!("duplicate flag specified: --{known}"),
            ));
        }
        let value = match (kind, value) {
            (FlagType::Bool, None) => "true".to_string(),
            (FlagType::Bool, Some(v)) => match v.to_ascii_lowercase().as_str() {
                "true" => "true".to_string(),
                "false" => "false".to_string(),
                _ => {
                    return Err(Located::new(
                        word.offset,
                        format!("expecting boolean value for flag --{known}, not: {v}"),
                    ))
                }
            },
            (_, Some(v)) => v.to_string(),
            (_, None) => {
                return Err(Located::new(
                    word.offset,
                    format!("missing a value on flag: --{known} (write --{known}=VALUE)"),
                ))
            }
        };
        flags.values.push((known, value));
    }
    Ok(flags)
}

/// Parses a Go duration (`300ms`, `1.5h`, `1m30s`, `0`).
pub(super) fn go_duration(s: &str) -> Result<Duration, String> {
    let bad = || format!("invalid duration \"{s}\": use a Go duration such as 30s, 1m30s or 500ms");
    let (negative, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Ok(Duration::ZERO);
    }
    if rest.is_empty() {
        return Err(bad());
    }
    let mut total: u128 = 0;
    while !rest.is_empty() {
        let int_len = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let (int_part, after) = rest.split_at(int_len);
        let (frac_part, after) = match after.strip_prefix('.') {
            Some(a) => {
                let n = a.find(|c: char| !c.is_ascii_digit()).unwrap_or(a.len());
                a.split_at(n)
            }
            None => ("", after),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(bad());
        }
        let unit_len = after
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_len);
        let nanos: u128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return Err(bad()),
        };
        let whole: u128 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().map_err(|_| bad())?
        };
        total = total.saturating_add(whole.saturating_mul(nanos));
        if !frac_part.is_empty() {
            // Only the first 18 digits matter at nanosecond precision.
            let digits = &frac_part[..frac_part.len().min(18)];
            let frac: u128 = digits.parse().map_err(|_| bad())?;
            total = total.saturating_add(frac * nanos / 10u128.pow(digits.len() as u32));
        }
        rest = after;
    }
    if negative && total > 0 {
        return Err(format!("invalid duration \"{s}\": it cannot be negative"));
    }
    let nanos = u64::try_from(total).map_err(|_| format!("invalid duration \"{s}\": too long"))?;
    Ok(Duration::from_nanos(nanos))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<Word> {
        list.iter()
            .map(|t| Word {
                text: t.to_string(),
                offset: 0,
            })
            .collect()
    }

    const COPY: &[(&str, FlagType)] = &[
        ("from", FlagType::Value),
        ("link", FlagType::Bool),
        ("exclude", FlagType::List),
    ];

    #[test]
    fn flags_by_type() {
        let f = parse(
            "COPY",
            &words(&["--from=a", "--link", "--exclude=x", "--exclude=y"]),
            COPY,
        )
        .unwrap();
        assert_eq!(f.value("from").as_deref(), Some("a"));
        assert!(f.bool("link"));
        assert_eq!(f.list("exclude"), ["x", "y"]);
        let f = parse("COPY", &words(&["--link=FALSE"]), COPY).unwrap();
        assert!(!f.bool("link"));
    }

    #[test]
    fn flag_errors() {
        let err = |w: &[&str]| parse("COPY", &words(w), COPY).unwrap_err().message;
        assert!(err(&["--foo"]).starts_with("unknown flag: --foo"));
        assert!(err(&["--from"]).starts_with("missing a value on flag: --from"));
        assert_eq!(
            err(&["--from=a", "--from=b"]),
            "duplicate flag specified: --from"
        );
        assert_eq!(
            err(&["--link=maybe"]),
            "expecting boolean value for flag --link, not: maybe"
        );
    }

    #[test]
    fn go_durations() {
        assert_eq!(go_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(go_duration("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(go_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(go_duration("1.5h"), Ok(Duration::from_secs(5400)));
        assert_eq!(go_duration("0"), Ok(Duration::ZERO));
        assert_eq!(go_duration("2us"), Ok(Duration::from_micros(2)));
        assert!(go_duration("10").is_err());
        assert!(go_duration("s").is_err());
        assert!(go_duration("-1s").is_err());
        assert!(go_duration("1x").is_err());
        assert!(go_duration("").is_err());
    }
}
