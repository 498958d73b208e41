//! Output formatting for every command that takes `--format`/`-f`, with
//! docker's semantics: the default table, `table TEMPLATE`, `json` (one
//! compact object per line), or a raw Go template executed once per item.
//! `inspect -f` has its own entry point ([`render_inspect`]).
//!
//! Templates are Go `text/template` (the `gotmpl` crate) plus docker's
//! functions (`json`, `join`, `split`, `title`, `lower`, `upper`, `pad`,
//! `truncate`). Items arrive as anything `Serialize` and are seen by the
//! template as Go maps, not structs: a missing field prints `<no value>`
//! where docker's typed structs would fail with "can't evaluate field",
//! and map ranges are sorted by key. Floats print with Rust's shortest
//! decimal form (`1000000`, where Go's `%v` prints `1e+06`); integers print
//! as integers.
//!
//! This module only builds strings; callers write them to stdout.

mod check;
mod funcs;
mod json;
mod tabwriter;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::sync::Arc;

use gotmpl::{Template, TemplateError, Value};
use serde::Serialize;

pub use tabwriter::{tabwrite, tabwrite_text};

/// Where the `--format` syntax is documented; named in parse errors.
const FORMAT_DOCS: &str = "https://docs.docker.com/go/formatting/";

/// The template `-q`/`--quiet` uses when no custom format is given.
pub const QUIET_TEMPLATE: &str = "{{.ID}}";

/// Why output could not be formatted.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// The template does not parse. docker exits 64 for this in `inspect`.
    #[error("template parsing error: {0} (the format is a Go template, see {FORMAT_DOCS})")]
    Parse(TemplateError),
    /// The template parsed but failed on the data (docker uses the same
    /// "template parsing error" wording for both).
    #[error("template parsing error: {0}")]
    Execute(TemplateError),
    /// An item could not be turned into template data.
    #[error("cannot format item for output: {0}")]
    Data(TemplateError),
    /// An item could not be encoded as JSON.
    #[error("cannot encode item as JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// How a command's list output is rendered, after docker's rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatMode {
    /// Header row plus one row per item, tab-aligned. Holds the template
    /// without its `table` prefix, with `\t`/`\n` escapes expanded.
    Table(String),
    /// One execution per item, each followed by a newline.
    Raw(String),
    /// One compact JSON object per item and line (docker 23+).
    Json,
}

/// A parsed `--format`, ready to render items.
pub struct Formatter {
    mode: FormatMode,
    rows: Option<Template>,
    header: Option<Template>,
}

impl std::fmt::Debug for Formatter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Formatter")
            .field("mode", &self.mode)
            .finish()
    }
}

/// Parses a user's `--format` value as docker does.
///
/// `default_table` is the command's own table (e.g.
/// `"table {{.ID}}\t{{.Image}}"`); it is used when the user gives nothing,
/// an empty string or just `table`. `json` selects JSON lines; anything
/// starting with `table` is a table (docker checks only the prefix);
/// anything else is a raw template. The two-character sequences `\t` and
/// `\n` become a tab and a newline, and surrounding spaces are trimmed.
pub fn parse_format(user: Option<&str>, default_table: &str) -> Result<Formatter, FormatError> {
    let mode = match user {
        None | Some("") | Some("table") => {
            // The default is always a table, whether or not the caller
            // spelled out its "table" prefix.
            FormatMode::Table(normalize(
                default_table.strip_prefix("table").unwrap_or(default_table),
            ))
        }
        Some("json") => FormatMode::Json,
        Some(s) => match s.strip_prefix("table") {
            Some(rest) => FormatMode::Table(normalize(rest)),
            None => FormatMode::Raw(normalize(s)),
        },
    };
    Formatter::new(mode)
}

/// [`parse_format`] for commands with `-q`: quiet prints only IDs unless a
/// custom (non-table) template was given, which docker lets win.
pub fn parse_format_quiet(
    user: Option<&str>,
    default_table: &str,
    quiet: bool,
) -> Result<Formatter, FormatError> {
    match user {
        None | Some("") | Some("table") if quiet => {
            Formatter::new(FormatMode::Raw(QUIET_TEMPLATE.to_string()))
        }
        _ => parse_format(user, default_table),
    }
}

/// docker's `preFormat`: trim spaces, then expand the `\t` and `\n`
/// escapes users type in shell strings.
fn normalize(template: &str) -> String {
    template
        .trim_matches(' ')
        .replace("\\t", "\t")
        .replace("\\n", "\n")
}

impl Formatter {
    /// Compiles the templates a mode needs.
    pub fn new(mode: FormatMode) -> Result<Self, FormatError> {
        let (rows, header) = match &mode {
            FormatMode::Json => (None, None),
            FormatMode::Raw(t) => (Some(compile(t, funcs::data_funcs())?), None),
            FormatMode::Table(t) => (
                Some(compile(t, funcs::data_funcs())?),
                Some(compile(t, funcs::header_funcs())?),
            ),
        };
        Ok(Formatter { mode, rows, header })
    }

    /// The chosen mode.
    pub fn mode(&self) -> &FormatMode {
        &self.mode
    }

    /// True for table output (which has a header row).
    pub fn is_table(&self) -> bool {
        matches!(self.mode, FormatMode::Table(_))
    }

    /// Renders `items`. `headers` maps field names to column titles, e.g.
    /// `("ID", "CONTAINER ID")`; a field without one is titled by its name
    /// split into words and upper-cased (`CreatedSince` → `CREATED SINCE`).
    pub fn render<T: Serialize>(
        &self,
        items: &[T],
        headers: &[(&str, &str)],
    ) -> Result<String, FormatError> {
        let values = items
            .iter()
            .map(|item| gotmpl::to_value(item).map_err(FormatError::Data))
            .collect::<Result<Vec<_>, _>>()?;
        self.render_values(&values, headers)
    }

    /// [`render`](Self::render) for callers that build template values
    /// themselves.
    pub fn render_values(
        &self,
        items: &[Value],
        headers: &[(&str, &str)],
    ) -> Result<String, FormatError> {
        let mut out = String::new();
        match (&self.mode, &self.rows) {
            (FormatMode::Json, _) | (_, None) => {
                for item in items {
                    // Functions are the only values without JSON, and
                    // serialized data never holds one: print them as null.
                    out.push_str(&json::to_go_json(item).unwrap_or_else(|_| "null".into()));
                    out.push('\n');
                }
            }
            (FormatMode::Raw(_), Some(rows)) => execute_each(rows, items, &mut out)?,
            (FormatMode::Table(source), Some(rows)) => {
                if let Some(header) = &self.header {
                    // docker ignores header errors and keeps what was
                    // printed before the failure.
                    let _ = header.execute_fmt(&mut out, &header_data(source, headers));
                }
                out.push('\n');
                execute_each(rows, items, &mut out)?;
                out = tabwrite_text(&out);
            }
        }
        Ok(out)
    }
}

/// Renders `inspect` output as docker does: no format prints an indented
/// JSON array, `json` a compact one, and a template is executed on each
/// object with a newline after each. Unlike `--format` for lists, `\t` is
/// not expanded. With no objects a template prints a lone newline, as
/// docker's does.
pub fn render_inspect<T: Serialize>(
    format: Option<&str>,
    items: &[T],
) -> Result<String, FormatError> {
    match format {
        None | Some("") => {
            if items.is_empty() {
                return Ok("[]\n".to_string());
            }
            let mut buf = Vec::new();
            let pretty = serde_json::ser::PrettyFormatter::with_indent(b"    ");
            let mut ser = serde_json::Serializer::with_formatter(&mut buf, pretty);
            items.serialize(&mut ser)?;
            let mut out = String::from_utf8_lossy(&buf).into_owned();
            out.push('\n');
            Ok(out)
        }
        Some("json") => Ok(format!("{}\n", serde_json::to_string(items)?)),
        Some(template) => render_template_each(template, items),
    }
}

/// Executes `template` once per item, each followed by a newline
/// (`inspect -f`). The template is used as given.
pub fn render_template_each<T: Serialize>(
    template: &str,
    items: &[T],
) -> Result<String, FormatError> {
    let compiled = compile(template, funcs::data_funcs())?;
    let values = items
        .iter()
        .map(|item| gotmpl::to_value(item).map_err(FormatError::Data))
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = String::new();
    execute_each(&compiled, &values, &mut out)?;
    if out.is_empty() {
        out.push('\n');
    }
    Ok(out)
}

fn compile(source: &str, funcs: gotmpl::FuncMap) -> Result<Template, FormatError> {
    check::undefined_functions(source, &funcs).map_err(FormatError::Parse)?;
    Template::new("")
        .funcs(funcs)
        .parse(source)
        .map_err(FormatError::Parse)
}

fn execute_each(template: &Template, items: &[Value], out: &mut String) -> Result<(), FormatError> {
    for item in items {
        template
            .execute_fmt(out, item)
            .map_err(FormatError::Execute)?;
        out.push('\n');
    }
    Ok(())
}

/// The data a table's header row is rendered from: every field the
/// template names, titled by the caller's map or by default.
fn header_data(template: &str, headers: &[(&str, &str)]) -> Value {
    let mut map: BTreeMap<Arc<str>, Value> = referenced_fields(template)
        .into_iter()
        .map(|f| {
            let title = default_header(&f);
            (Arc::from(f), Value::String(title.into()))
        })
        .collect();
    for (field, title) in headers {
        map.insert(Arc::from(*field), Value::String(Arc::from(*title)));
    }
    Value::Map(Arc::new(map))
}

/// Top-level field names in a template: identifiers after a `.` that is
/// not itself preceded by a name or a closing bracket (so `.State.Status`
/// yields `State`, and `$.Name` yields `Name`). Over-matching in literal
/// text is harmless: unused header fields are never printed.
fn referenced_fields(template: &str) -> Vec<String> {
    let bytes = template.as_bytes();
    let mut fields = Vec::new();
    for (i, &b) in bytes.iter().enumerate() {
        if b != b'.' {
            continue;
        }
        let prev = i.checked_sub(1).map(|p| bytes[p]);
        if prev.is_some_and(|p| p.is_ascii_alphanumeric() || matches!(p, b'_' | b')' | b']')) {
            continue;
        }
        let name: String = template[i + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            fields.push(name);
        }
    }
    fields
}

/// `CreatedSince` → `CREATED SINCE`, `IPAddress` → `IP ADDRESS`,
/// `ID` → `ID`: words split where case changes, upper-cased.
fn default_header(field: &str) -> String {
    let chars: Vec<char> = field.chars().collect();
    let mut out = String::with_capacity(field.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if i > 0 && c.is_uppercase() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                out.push(' ');
            }
        }
        out.extend(c.to_uppercase());
    }
    out
}
