//! The template functions docker adds to Go's builtins (`json`, `join`,
//! `split`, `title`, `lower`, `upper`, `pad`, `truncate`), their identity
//! versions used when a table's header row is rendered, and an `index`
//! that gives label maps docker's typed-map results.

use std::sync::Arc;

use gotmpl::{FuncMap, TemplateError, Value};

use super::json::to_go_json;

type FuncResult = Result<Value, TemplateError>;

/// Functions for rendering data rows (docker's `basicFunctions`).
pub fn data_funcs() -> FuncMap {
    let mut m = FuncMap::new();
    add(&mut m, "json", |a| {
        arity("json", a, 1)?;
        // docker ignores encoder errors and prints nothing for the value.
        Ok(string(to_go_json(&a[0]).unwrap_or_default()))
    });
    add(&mut m, "split", |a| {
        arity("split", a, 2)?;
        Ok(split(str_arg(a, 0)?, str_arg(a, 1)?))
    });
    add(&mut m, "join", |a| {
        arity("join", a, 2)?;
        join(&a[0], str_arg(a, 1)?)
    });
    add(&mut m, "title", |a| {
        arity("title", a, 1)?;
        Ok(string(title(str_arg(a, 0)?)))
    });
    add(&mut m, "lower", |a| {
        arity("lower", a, 1)?;
        Ok(string(str_arg(a, 0)?.to_lowercase()))
    });
    add(&mut m, "upper", |a| {
        arity("upper", a, 1)?;
        Ok(string(str_arg(a, 0)?.to_uppercase()))
    });
    add(&mut m, "truncate", |a| {
        arity("truncate", a, 2)?;
        truncate(str_arg(a, 0)?, int_arg(a, 1)?)
    });
    add(&mut m, "pad", pad);
    add(&mut m, "index", index);
    m
}

/// Functions for rendering a table's header row (docker's
/// `HeaderFunctions`): the header text stays intact, except `pad`, which
/// still pads so the header lines up with padded cells.
pub fn header_funcs() -> FuncMap {
    let mut m = data_funcs();
    for (name, n) in [
        ("json", 1),
        ("split", 2),
        ("join", 2),
        ("title", 1),
        ("lower", 1),
        ("upper", 1),
        ("truncate", 2),
    ] {
        m.insert(
            name.to_string(),
            Arc::new(move |a: &[Value]| {
                arity(name, a, n)?;
                Ok(string(str_arg(a, 0)?.to_string()))
            }),
        );
    }
    m
}

fn add(m: &mut FuncMap, name: &str, f: impl Fn(&[Value]) -> FuncResult + Send + Sync + 'static) {
    m.insert(name.to_string(), Arc::new(f));
}

fn string(s: impl Into<Arc<str>>) -> Value {
    Value::String(s.into())
}

fn arity(name: &str, args: &[Value], want: usize) -> Result<(), TemplateError> {
    if args.len() == want {
        Ok(())
    } else {
        Err(TemplateError::Exec(format!(
            "wrong number of args for {name}: want {want} got {}",
            args.len()
        )))
    }
}

fn str_arg(args: &[Value], i: usize) -> Result<&str, TemplateError> {
    match args.get(i) {
        Some(Value::String(s)) => Ok(s),
        Some(Value::Nil) | None => Err(TemplateError::Exec(
            "invalid value; expected string".to_string(),
        )),
        Some(other) => Err(TemplateError::Exec(format!(
            "wrong type for value; expected string; got {}",
            other.type_name()
        ))),
    }
}

fn int_arg(args: &[Value], i: usize) -> Result<i64, TemplateError> {
    match args.get(i) {
        Some(Value::Int(n)) => Ok(*n),
        Some(Value::Uint(n)) => {
            i64::try_from(*n).map_err(|_| TemplateError::Exec(format!("{n} overflows int")))
        }
        Some(other) => Err(TemplateError::Exec(format!(
            "wrong type for value; expected int; got {}",
            other.type_name()
        ))),
        None => Err(TemplateError::Exec(
            "invalid value; expected int".to_string(),
        )),
    }
}

/// Go's `strings.Split`: an empty separator splits into characters.
fn split(s: &str, sep: &str) -> Value {
    let parts: Vec<Value> = if sep.is_empty() {
        s.chars().map(|c| string(c.to_string())).collect()
    } else {
        s.split(sep).map(string).collect()
    };
    Value::List(parts.into())
}

/// `strings.Join`. Go requires a `[]string`; our data are JSON arrays, so
/// any scalar element is accepted and printed as the template would, and a
/// null list joins to "".
fn join(list: &Value, sep: &str) -> FuncResult {
    match list {
        Value::Nil => Ok(string("")),
        Value::List(items) => {
            let parts: Vec<String> = items
                .iter()
                .map(|v| match v {
                    Value::String(s) => s.to_string(),
                    other => other.to_string(),
                })
                .collect();
            Ok(string(parts.join(sep)))
        }
        other => Err(TemplateError::Exec(format!(
            "wrong type for value; expected []string; got {}",
            other.type_name()
        ))),
    }
}

/// Go's deprecated `strings.Title`: upper-cases the first letter of every
/// word, where any non-alphanumeric ASCII character (except `_`) or
/// Unicode space starts a new word; the rest is left as is.
fn title(s: &str) -> String {
    let is_separator = |c: char| {
        if c.is_ascii() {
            !(c.is_ascii_alphanumeric() || c == '_')
        } else if c.is_alphanumeric() {
            false
        } else {
            c.is_whitespace()
        }
    };
    let mut out = String::with_capacity(s.len());
    let mut prev = ' ';
    for c in s.chars() {
        if is_separator(prev) {
            let mut upper = c.to_uppercase();
            // Go maps rune to rune; keep characters whose upper case is
            // several characters (ß → SS) unchanged, as Go does.
            match (upper.next(), upper.next()) {
                (Some(u), None) => out.push(u),
                _ => out.push(c),
            }
        } else {
            out.push(c);
        }
        prev = c;
    }
    out
}

/// docker's `truncateWithLength`: keeps the first `n` bytes. Go can cut a
/// character in half; we back off to the previous character boundary.
fn truncate(s: &str, n: i64) -> FuncResult {
    let n = usize::try_from(n).map_err(|_| {
        TemplateError::Exec(format!(
            "error calling truncate: slice bounds out of range [:{n}]"
        ))
    })?;
    if s.len() < n {
        return Ok(string(s));
    }
    let mut end = n;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    Ok(string(&s[..end]))
}

/// docker's `padWithSpace`: spaces before and after a non-empty string.
fn pad(args: &[Value]) -> FuncResult {
    arity("pad", args, 3)?;
    let s = str_arg(args, 0)?;
    if s.is_empty() {
        return Ok(string(""));
    }
    let count = |i| {
        int_arg(args, i).and_then(|n| {
            usize::try_from(n).map_err(|_| {
                TemplateError::Exec(format!("error calling pad: negative repeat count {n}"))
            })
        })
    };
    let (before, after) = (count(1)?, count(2)?);
    Ok(string(format!(
        "{}{s}{}",
        " ".repeat(before),
        " ".repeat(after)
    )))
}

/// Go's `index`, except that a key missing from a map whose values are all
/// strings (or from a null map) yields "" rather than `<no value>`. docker
/// indexes typed `map[string]string` label maps, where a missing label is
/// the empty string; `{{index .Config.Labels "x"}}` must print nothing.
fn index(args: &[Value]) -> FuncResult {
    let Some((first, keys)) = args.split_first() else {
        return Err(TemplateError::Exec(
            "wrong number of args for index: want at least 1 got 0".to_string(),
        ));
    };
    let mut current = first.clone();
    for key in keys {
        current = match (&current, key) {
            (Value::Map(map), Value::String(k)) => match map.get(k.as_ref()) {
                Some(v) => v.clone(),
                None if map.values().all(|v| matches!(v, Value::String(_))) => string(""),
                None => Value::Nil,
            },
            (Value::Nil, Value::String(_)) => string(""),
            (container, key) => container.index(key)?,
        };
    }
    Ok(current)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Value {
        string(v)
    }

    #[test]
    fn title_matches_go_strings_title() {
        assert_eq!(title("hello world"), "Hello World");
        assert_eq!(title("foo-bar_baz.qux"), "Foo-Bar_baz.Qux");
        assert_eq!(title("ALREADY up"), "ALREADY Up");
        assert_eq!(title("été 1er"), "Été 1er");
    }

    #[test]
    fn truncate_keeps_leading_bytes() {
        let t = |v: &str, n| truncate(v, n).map(|v| v.to_string()).unwrap_or_default();
        assert_eq!(t("abcdef", 3), "abc");
        assert_eq!(t("abc", 3), "abc");
        assert_eq!(t("ab", 5), "ab");
        assert_eq!(t("éa", 1), "");
        assert!(truncate("abc", -1).is_err());
    }

    #[test]
    fn pad_only_pads_non_empty_strings() {
        let p = |v: &str| pad(&[s(v), Value::Int(2), Value::Int(1)]).map(|v| v.to_string());
        assert_eq!(p("x").unwrap_or_default(), "  x ");
        assert_eq!(p("").unwrap_or_default(), "");
        assert!(pad(&[s("x"), Value::Int(-1), Value::Int(0)]).is_err());
    }

    #[test]
    fn split_on_empty_separator_gives_characters() {
        assert_eq!(split("ab", "").to_string(), "[a b]");
        assert_eq!(split("a,,b", ",").to_string(), "[a  b]");
    }

    #[test]
    fn string_functions_reject_non_strings() {
        let upper = data_funcs().get("upper").cloned();
        let err = upper.map(|f| f(&[Value::Int(1)]));
        assert!(matches!(err, Some(Err(TemplateError::Exec(m))) if m.contains("expected string")));
    }

    #[test]
    fn index_of_missing_label_is_empty_string() {
        let labels = gotmpl::to_value(&serde_json::json!({"a": "1"})).unwrap_or(Value::Nil);
        assert_eq!(index(&[labels.clone(), s("a")]).ok(), Some(s("1")));
        assert_eq!(index(&[labels, s("zz")]).ok(), Some(s("")));
        assert_eq!(index(&[Value::Nil, s("zz")]).ok(), Some(s("")));
        let nets = gotmpl::to_value(&serde_json::json!({"n": {"IP": "x"}})).unwrap_or(Value::Nil);
        assert_eq!(index(&[nets, s("zz")]).ok(), Some(Value::Nil));
        let list = gotmpl::to_value(&serde_json::json!([[1, 2], [3]])).unwrap_or(Value::Nil);
        assert_eq!(
            index(&[list.clone(), Value::Int(0), Value::Int(1)]).ok(),
            Some(Value::Uint(2))
        );
        assert!(index(&[list, Value::Int(5)]).is_err());
    }
}
