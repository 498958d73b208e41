//! Writes formatted output to stdout: list tables and `inspect` JSON,
//! through the shared `format` engine.

use std::io::Write;

use serde::Serialize;

use super::error::CliResult;
use super::format;

/// Prints list output (`images`, `history`, …) in the user's `--format`.
pub fn print_list<T: Serialize>(
    user_format: Option<&str>,
    default_table: &str,
    items: &[T],
    headers: &[(&str, &str)],
) -> CliResult<()> {
    let formatter = format::parse_format(user_format, default_table)?;
    let text = formatter.render(items, headers)?;
    write_stdout(&text)
}

/// Prints `inspect` output: a JSON array, or the template per object.
pub fn print_inspect<T: Serialize>(user_format: Option<&str>, items: &[T]) -> CliResult<()> {
    let text = format::render_inspect(user_format, items)?;
    write_stdout(&text)
}

fn write_stdout(text: &str) -> CliResult<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        // A closed pipe (`berth images | head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
