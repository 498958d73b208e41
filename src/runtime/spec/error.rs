//! The spec planner's error type. Messages reuse docker's wording so scripts
//! that grep docker's errors keep working; variants callers branch on
//! (no command, unknown user, missing bind source) are sentinels.

use std::io;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// A flag value docker rejects; the text is docker's.
    #[error("{0}")]
    Invalid(String),

    /// Neither the image nor the command line gives a command to run.
    #[error("no command specified; give one after the image name or use an image with a CMD or ENTRYPOINT")]
    NoCommand,

    /// `--mount type=bind` with a source that does not exist (docker errors; `-v` creates it).
    #[error("invalid mount config for type \"bind\": bind source path does not exist: {}", .0.display())]
    BindSourceMissing(PathBuf),

    /// `-u name` not in the image's /etc/passwd.
    #[error("unable to find user {0}: no matching entries in passwd file")]
    UnknownUser(String),

    /// `-u user:group` or `--group-add name` not in the image's /etc/group.
    #[error("unable to find group {0}: no matching entries in group file")]
    UnknownGroup(String),

    /// `--device` naming something that is not a device (or a directory of them).
    #[error("error gathering device information while adding custom device {path:?}: {reason}")]
    Device { path: String, reason: String },

    /// `--init` but no static init binary on the host.
    #[error("--init needs an init binary on the host (docker-init, tini-static or catatonit); install one (e.g. `apt install tini`) or drop --init")]
    NoInitBinary,

    /// The caller's volume resolver failed.
    #[error("volume {name:?}: {message}")]
    Volume { name: String, message: String },

    #[error("{what} {}: {source}", path.display())]
    Io {
        what: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    #[error("building the OCI spec: {0}")]
    Oci(#[from] oci_spec::OciSpecError),
}

impl SpecError {
    pub(crate) fn invalid(msg: impl Into<String>) -> SpecError {
        SpecError::Invalid(msg.into())
    }
}

pub type Result<T, E = SpecError> = std::result::Result<T, E>;
