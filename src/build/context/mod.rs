//! The build context: where the files that COPY and ADD bring in come from.
//!
//! A context is a directory on disk, either the user's own (`berth build
//! DIR`) or a private temporary one unpacked from a tar on stdin. This
//! module reads the Dockerfile and `.dockerignore` from it, resolves COPY
//! and ADD sources (globs, directories, symlinks, ignored files) without
//! ever leaving it, hashes what a step brings in for the build cache, and
//! copies or extracts it into a mounted container root without ever
//! leaving that root either.
//!
//! Nothing runs inside the container while a COPY writes into its root, so
//! checking each path component with `lstat` before using it is enough:
//! no one can swap a directory for a symlink between the check and the use.

mod add;
mod copy;
mod hash;
mod ignore;
mod pattern;
mod resolve;
mod scoped;
mod tarctx;
#[cfg(test)]
mod tests_add;
#[cfg(test)]
mod tests_copy;
#[cfg(test)]
mod tests_resolve;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use add::{add_into, is_tar_header, is_url, AddSource};
pub use copy::{copy_into, CopyOptions};
pub use ignore::Ignore;
pub use resolve::{resolve_in_rootfs, ResolvedSource};

use crate::store::extract::ExtractError;
use tarctx::TempDir;

/// Why a context could not be read or a COPY/ADD could not be done.
#[derive(Debug, thiserror::Error)]
pub enum ContextError {
    /// A source names nothing (or only ignored files); BuildKit's wording.
    #[error("failed to compute cache key: \"{path}\": not found")]
    NotFound { path: String },
    #[error("forbidden path outside the build context: {path}")]
    Forbidden { path: String },
    #[error("unable to prepare context: path {path:?} not found")]
    NoContextDir { path: String },
    #[error(
        "cannot find the Dockerfile {path:?} in the build context; \
         pass its location with -f"
    )]
    NoDockerfile { path: String },
    #[error("{file} line {line}: invalid pattern {pattern:?}: {reason}")]
    BadIgnorePattern {
        file: String,
        line: usize,
        pattern: String,
        reason: String,
    },
    #[error("invalid source pattern {pattern:?}: {reason}")]
    BadSourcePattern { pattern: String, reason: String },
    #[error(
        "the context archive is not a valid tar: {0}; send a tar (plain or gzip) or a Dockerfile"
    )]
    BadContextTar(#[source] ExtractError),
    #[error("cannot extract {source_path:?} into {dest}: {error}")]
    Extract {
        source_path: String,
        dest: String,
        #[source]
        error: ExtractError,
    },
    #[error("too many levels of symbolic links resolving {path:?}")]
    SymlinkLoop { path: String },
    #[error("cannot copy to {path}: {what} is not a directory")]
    NotADirectory { path: String, what: String },
    #[error(
        "cannot copy {source_path:?} to {dest}: cannot overwrite a directory with a non-directory"
    )]
    OverwriteDir { source_path: String, dest: String },
    #[error(
        "ADD cannot extract {path:?}: bzip2 and xz archives are not supported; \
         recompress it with gzip or zstd"
    )]
    UnsupportedArchive { path: String },
    #[error("cannot download {url}: {reason}")]
    Download { url: String, reason: String },
    #[error("cannot determine a file name from the URL {url}; give the destination file name")]
    UrlFileName { url: String },
    #[error("cannot {op} {path}: {source}")]
    Io {
        op: &'static str,
        path: String,
        #[source]
        source: io::Error,
    },
}

impl ContextError {
    pub(crate) fn io(op: &'static str, path: &Path) -> impl FnOnce(io::Error) -> ContextError {
        let path = path.display().to_string();
        move |source| ContextError::Io { op, path, source }
    }
}

/// Where COPY and ADD read from.
#[derive(Debug)]
pub struct BuildContext {
    root: PathBuf,
    ignore: Arc<Ignore>,
    /// Removes the unpacked tar when the context goes; `None` for a
    /// directory the user owns.
    _temp: Option<TempDir>,
}

impl BuildContext {
    /// A directory context. Reads `<dockerfile>.dockerignore` next to the
    /// Dockerfile if there is one (BuildKit's per-Dockerfile ignore file),
    /// else `<dir>/.dockerignore`.
    pub fn from_dir(dir: &Path, dockerfile: Option<&Path>) -> Result<BuildContext, ContextError> {
        let missing = || ContextError::NoContextDir {
            path: dir.display().to_string(),
        };
        let meta = fs::metadata(dir).map_err(|_| missing())?;
        if !meta.is_dir() {
            return Err(missing());
        }
        let root = fs::canonicalize(dir).map_err(ContextError::io("resolve", dir))?;
        let mut ctx = BuildContext {
            root,
            ignore: Arc::new(Ignore::default()),
            _temp: None,
        };
        ctx.load_ignore(dockerfile)?;
        Ok(ctx)
    }

    /// A context sent as a tar stream (plain, gzip or zstd), unpacked into
    /// a private temporary directory that lives as long as the context.
    /// Members that would land outside it (`..`, writing through symlinks)
    /// are refused. `.dockerignore` at its top applies.
    pub fn from_tar(reader: impl io::Read + Send + 'static) -> Result<BuildContext, ContextError> {
        let temp = TempDir::new()?;
        tarctx::unpack(reader, temp.path())?;
        let mut ctx = BuildContext {
            root: temp.path().to_path_buf(),
            ignore: Arc::new(Ignore::default()),
            _temp: Some(temp),
        };
        ctx.load_ignore(None)?;
        Ok(ctx)
    }

    /// An empty context, for a Dockerfile alone on stdin.
    pub fn empty() -> Result<BuildContext, ContextError> {
        let temp = TempDir::new()?;
        Ok(BuildContext {
            root: temp.path().to_path_buf(),
            ignore: Arc::new(Ignore::default()),
            _temp: Some(temp),
        })
    }

    /// The context's directory on disk.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The ignore rules in force.
    pub fn ignore(&self) -> &Ignore {
        &self.ignore
    }

    /// (Re)reads the ignore file for `dockerfile` (relative to the context
    /// or absolute): `<dockerfile>.dockerignore` if it exists, else the
    /// context's `.dockerignore`, else nothing is ignored.
    pub fn load_ignore(&mut self, dockerfile: Option<&Path>) -> Result<(), ContextError> {
        let mut candidates = Vec::new();
        if let Some(df) = dockerfile {
            let mut name = self.root.join(df).into_os_string();
            name.push(".dockerignore");
            candidates.push(PathBuf::from(name));
        }
        candidates.push(self.root.join(".dockerignore"));
        for file in candidates {
            match fs::read(&file) {
                Ok(bytes) => {
                    let text = String::from_utf8_lossy(&bytes);
                    let shown = file.file_name().map(|n| n.to_string_lossy().into_owned());
                    let ignore = Ignore::parse(&text, shown.as_deref().unwrap_or(".dockerignore"))?;
                    self.ignore = Arc::new(ignore);
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(ContextError::io("read", &file)(e)),
            }
        }
        self.ignore = Arc::new(Ignore::default());
        Ok(())
    }

    /// The Dockerfile's text: `name` (relative to the context, or absolute;
    /// the caller handles `-f -`), else `Dockerfile` in the context, else
    /// `dockerfile` as docker falls back to. Readable even when ignored.
    pub fn dockerfile(&self, name: Option<&Path>) -> Result<String, ContextError> {
        let candidates: Vec<PathBuf> = match name {
            Some(n) => vec![self.root.join(n)],
            None => vec![self.root.join("Dockerfile"), self.root.join("dockerfile")],
        };
        for path in &candidates {
            match fs::read(path) {
                Ok(bytes) => {
                    return String::from_utf8(bytes).map_err(|_| ContextError::Io {
                        op: "read",
                        path: path.display().to_string(),
                        source: io::Error::new(
                            io::ErrorKind::InvalidData,
                            "the Dockerfile is not UTF-8 text",
                        ),
                    })
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::NotFound | io::ErrorKind::IsADirectory
                    ) => {}
                Err(e) => return Err(ContextError::io("read", path)(e)),
            }
        }
        Err(ContextError::NoDockerfile {
            path: name
                .map(|n| n.display().to_string())
                .unwrap_or_else(|| "Dockerfile".to_owned()),
        })
    }

    /// Resolves COPY/ADD sources (already variable-expanded) in the
    /// context; see [`resolve`](resolve::resolve_sources) for the rules.
    pub fn resolve(&self, sources: &[String]) -> Result<Vec<ResolvedSource>, ContextError> {
        resolve::resolve_sources(&self.root, Some(&self.ignore), sources)
    }

    /// A content hash (`sha256:<hex>`) of everything `sources` bring in;
    /// see [`hash::hash_sources`].
    pub fn hash_sources(&self, sources: &[ResolvedSource]) -> Result<String, ContextError> {
        hash::hash_sources(sources, &self.ignore)
    }
}
