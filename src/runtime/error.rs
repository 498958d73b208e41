//! The runtime's error type, with the exit code docker's `run` uses for each.

#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("{0}")]
    Invalid(String),
    /// The command in the image does not exist (run exits 127).
    #[error("{0}")]
    CommandNotFound(String),
    /// The command exists but cannot be run (run exits 126).
    #[error("{0}")]
    CannotInvoke(String),
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Setup(String),
    #[error("container {0} is not running")]
    NotRunning(String),
}

impl RuntimeError {
    /// docker's exit code for `run`/`create` failures: 125 for berth's own,
    /// 126/127 for a command that cannot be invoked or found.
    pub fn run_exit_code(&self) -> u8 {
        match self {
            RuntimeError::CommandNotFound(_) => 127,
            RuntimeError::CannotInvoke(_) => 126,
            _ => 125,
        }
    }

    pub fn io(what: impl Into<String>, source: std::io::Error) -> RuntimeError {
        RuntimeError::Io {
            what: what.into(),
            source,
        }
    }
}

pub type Result<T, E = RuntimeError> = std::result::Result<T, E>;
