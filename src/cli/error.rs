//! How a failed command ends: one `Error: …` line on stderr and docker's
//! exit code (1 for most commands; `run` maps its own later).

use std::process::ExitCode;

/// An error with the exit code docker would use for it.
#[derive(Debug)]
pub struct CliError {
    pub error: anyhow::Error,
    pub code: u8,
}

impl<E: std::error::Error + Send + Sync + 'static> From<E> for CliError {
    fn from(e: E) -> Self {
        CliError {
            error: e.into(),
            code: 1,
        }
    }
}

impl CliError {
    pub fn msg(text: impl std::fmt::Display) -> CliError {
        CliError {
            error: anyhow::anyhow!("{text}"),
            code: 1,
        }
    }

    pub fn from_anyhow(error: anyhow::Error) -> CliError {
        CliError { error, code: 1 }
    }
}

pub type CliResult<T = ExitCode> = Result<T, CliError>;

/// Renders the error chain once: `Error: outer: cause: root cause`, without
/// repeating a cause that the outer message already includes.
pub fn render(error: &anyhow::Error) -> String {
    let mut text = error.to_string();
    for cause in error.chain().skip(1) {
        let c = cause.to_string();
        if !text.contains(&c) {
            text.push_str(": ");
            text.push_str(&c);
        }
    }
    text
}
