//! What `generate systemd` and `generate quadlet` can fail on.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("no such container {0:?}; list containers with berth ps -a")]
    NoSuchContainer(String),
    #[error("{value:?}: {reason}; check the quoting (systemd.syntax(7))")]
    Quoting { value: String, reason: &'static str },
    #[error("{0} is not a valid restart policy; use one of no, on-success, on-failure, on-abnormal, on-watchdog, on-abort, always")]
    RestartPolicy(String),
    #[error("cannot use --new on container {0}: it has no recorded create command (containers created by older berth versions or by build); recreate it with berth run or berth create")]
    NoCreateCommand(String),
    #[error("container {container}'s create command {command:?} has no run or create; recreate it with berth run or berth create")]
    BadCreateCommand {
        container: String,
        command: Vec<String>,
    },
    #[error("{}:{line}: {message}", path.display())]
    Syntax {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{}:{line}: unsupported key {key:?} in [{section}]; remove it or use PodmanArgs=", path.display())]
    UnknownKey {
        path: PathBuf,
        line: usize,
        section: String,
        key: String,
    },
    #[error("{}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
    #[error("{op} {}: {source}", path.display())]
    Io {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("generate quadlet needs an output directory (systemd passes three); give one, or use --dryrun")]
    NoOutputDir,
    #[error("no unit could be generated: every quadlet file failed (see the warnings above)")]
    NothingGenerated,
}

impl GenerateError {
    pub fn io(op: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        GenerateError::Io {
            op,
            path: path.into(),
            source,
        }
    }
}
