//! JSON encoding of template values exactly as docker's `json` template
//! function prints it: Go's `encoding/json` with HTML escaping turned off
//! (docker calls `SetEscapeHTML(false)`), map keys sorted, floats in Go's
//! notation (`1e+21`, integral floats without `.0`), U+2028/U+2029 escaped.

use std::fmt::Write as _;

use gotmpl::Value;

/// Why a value has no JSON form.
#[derive(Debug, thiserror::Error)]
pub enum JsonError {
    #[error("json: unsupported value: {0}")]
    UnsupportedFloat(f64),
    #[error("json: unsupported type: func")]
    Function,
}

/// Encodes `value` as compact JSON, Go-style.
pub fn to_go_json(value: &Value) -> Result<String, JsonError> {
    let mut out = String::new();
    write_value(&mut out, value)?;
    Ok(out)
}

fn write_value(out: &mut String, value: &Value) -> Result<(), JsonError> {
    match value {
        Value::Nil => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Value::Uint(n) => {
            let _ = write!(out, "{n}");
        }
        Value::Float(f) => write_float(out, *f)?,
        Value::String(s) => write_string(out, s),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item)?;
            }
            out.push(']');
        }
        Value::Map(map) => {
            // BTreeMap iteration is byte-wise key order, which is Go's order.
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, key);
                out.push(':');
                write_value(out, item)?;
            }
            out.push('}');
        }
        Value::Function(_) => return Err(JsonError::Function),
    }
    Ok(())
}

/// Go's `floatEncoder`: plain decimal in [1e-6, 1e21), exponent form
/// outside it with a signed, unpadded exponent (`1e+21`, `1e-7`).
fn write_float(out: &mut String, f: f64) -> Result<(), JsonError> {
    if !f.is_finite() {
        return Err(JsonError::UnsupportedFloat(f));
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        // Rust's `{:e}` is the shortest round-trip mantissa, like Go's -1
        // precision; only the exponent's sign needs adding.
        let sci = format!("{f:e}");
        match sci.split_once('e') {
            Some((mantissa, exp)) if !exp.starts_with('-') => {
                let _ = write!(out, "{mantissa}e+{exp}");
            }
            _ => out.push_str(&sci),
        }
    } else {
        let _ = write!(out, "{f}");
    }
    Ok(())
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            // Go escapes these even without HTML escaping: they end lines
            // in JavaScript.
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json_of(v: serde_json::Value) -> String {
        let value = gotmpl::to_value(&v).unwrap_or(Value::Nil);
        to_go_json(&value).unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn objects_are_compact_with_sorted_keys() {
        let v = serde_json::json!({"b": 1, "a": [true, null, "x"], "c": {"z": -2, "y": 1.5}});
        assert_eq!(
            json_of(v),
            r#"{"a":[true,null,"x"],"b":1,"c":{"y":1.5,"z":-2}}"#
        );
    }

    #[test]
    fn html_characters_are_not_escaped_like_docker() {
        assert_eq!(json_of(serde_json::json!("<a&b>")), r#""<a&b>""#);
    }

    #[test]
    fn control_and_line_separator_characters_are_escaped_like_go() {
        let v = serde_json::json!("q\"b\\\n\r\t\u{8}\u{c}\u{1}\u{7f}\u{2028}é");
        assert_eq!(
            json_of(v),
            "\"q\\\"b\\\\\\n\\r\\t\\b\\f\\u0001\u{7f}\\u2028é\""
        );
    }

    #[test]
    fn floats_use_go_notation() {
        let enc = |f: f64| to_go_json(&Value::Float(f)).unwrap_or_default();
        assert_eq!(enc(1234.0), "1234");
        assert_eq!(enc(0.5), "0.5");
        assert_eq!(enc(1e21), "1e+21");
        assert_eq!(enc(1.5e-7), "1.5e-7");
        assert_eq!(enc(1e-6), "0.000001");
        assert_eq!(enc(-2.5e22), "-2.5e+22");
        assert!(to_go_json(&Value::Float(f64::NAN)).is_err());
    }

    #[test]
    fn large_unsigned_integers_are_exact() {
        assert_eq!(json_of(serde_json::json!(u64::MAX)), "18446744073709551615");
    }
}
