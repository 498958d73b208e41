//! `RUN --mount`: cache, bind, secret and tmpfs mounts, as `-v`/`--tmpfs`
//! options of the step's container. Their contents never reach the layer:
//! a bind mount's writes land in the mounted directory, not the upper dir.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{BuildError, Executor, Result};

/// What a RUN's mounts add to its container, and the stub files a secret
/// mount leaves in the upper dir (removed before the commit).
#[derive(Default)]
pub(super) struct RunMounts {
    pub volumes: Vec<String>,
    pub tmpfs: Vec<String>,
    pub stubs: Vec<String>,
    /// Images mounted on the host for `from=`; unmounted after the step.
    pub mounted_images: Vec<crate::store::ImageRecord>,
}

fn invalid(m: impl Into<String>) -> BuildError {
    BuildError::Invalid(m.into())
}

fn options(raw: &str) -> BTreeMap<String, String> {
    raw.split(',')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (k.trim().to_ascii_lowercase(), v.trim().to_string()),
            None => (p.trim().to_ascii_lowercase(), "true".to_string()),
        })
        .collect()
}

fn truthy(o: &BTreeMap<String, String>, key: &str) -> bool {
    o.get(key).is_some_and(|v| v != "false")
}

/// A `source=` path inside `root` that may not leave it.
fn inside(root: &Path, source: &str) -> Result<PathBuf> {
    let mut out = root.to_path_buf();
    for c in Path::new(source).components() {
        match c {
            std::path::Component::Normal(n) => out.push(n),
            std::path::Component::ParentDir => {
                return Err(invalid(format!("mount source {source:?} leaves its root")))
            }
            _ => {}
        }
    }
    Ok(out)
}

pub(super) fn plan(ex: &Executor<'_>, stage: usize, raw_mounts: &[String]) -> Result<RunMounts> {
    let mut out = RunMounts::default();
    for raw in raw_mounts {
        let o = options(raw);
        let kind = o.get("type").map(String::as_str).unwrap_or("bind");
        let target = o
            .get("target")
            .or_else(|| o.get("dst"))
            .or_else(|| o.get("destination"))
            .cloned();
        match kind {
            "cache" => {
                let target = target.ok_or_else(|| invalid("a cache mount needs target="))?;
                let id = o.get("id").cloned().unwrap_or_else(|| target.clone());
                let dir = ex
                    .store
                    .root()
                    .join("build")
                    .join("cache-mounts")
                    .join(super::cache_key(&[&id]));
                std::fs::create_dir_all(&dir)
                    .map_err(|e| invalid(format!("create cache mount {}: {e}", dir.display())))?;
                out.volumes.push(format!("{}:{target}", dir.display()));
            }
            "bind" => {
                let target = target.ok_or_else(|| invalid("a bind mount needs target="))?;
                let source = o
                    .get("source")
                    .or_else(|| o.get("src"))
                    .cloned()
                    .unwrap_or_default();
                let root = match o.get("from") {
                    Some(f) => {
                        let image =
                            match ex.stage_index(f, stage) {
                                Some(j) => ex.built.get(&j).cloned().ok_or_else(|| {
                                    invalid(format!("stage {f} has not been built"))
                                })?,
                                None => ex.host.resolve_image(f).map_err(invalid)?,
                            };
                        let path = crate::runtime::hostmount::mount_image(ex.store, &image)
                            .map_err(|e| invalid(e.to_string()))?;
                        out.mounted_images.push(image);
                        path
                    }
                    None => ex.opts.context.root().to_path_buf(),
                };
                let host = inside(&root, &source)?;
                if !host.exists() {
                    return Err(invalid(format!("mount source {source:?} not found")));
                }
                let ro = if truthy(&o, "rw") || truthy(&o, "readwrite") {
                    ""
                } else {
                    ":ro"
                };
                out.volumes.push(format!("{}:{target}{ro}", host.display()));
            }
            "secret" => {
                let id = o
                    .get("id")
                    .cloned()
                    .or_else(|| {
                        target
                            .as_deref()
                            .and_then(|t| Path::new(t).file_name())
                            .map(|n| n.to_string_lossy().into_owned())
                    })
                    .ok_or_else(|| invalid("a secret mount needs id="))?;
                let target = target.unwrap_or_else(|| format!("/run/secrets/{id}"));
                match ex.opts.secrets.get(&id) {
                    Some(src) if src.is_file() => {
                        out.volumes.push(format!("{}:{target}:ro", src.display()));
                        out.stubs.push(target);
                    }
                    Some(src) => {
                        return Err(invalid(format!(
                            "secret {id}: {} is not a readable file",
                            src.display()
                        )))
                    }
                    None if truthy(&o, "required") => {
                        return Err(invalid(format!(
                            "secret {id} not found: pass it with --secret id={id},src=PATH"
                        )))
                    }
                    None => {}
                }
            }
            "tmpfs" => {
                let target = target.ok_or_else(|| invalid("a tmpfs mount needs target="))?;
                out.tmpfs.push(target);
            }
            "ssh" => {
                return Err(invalid(
                    "RUN --mount=type=ssh is not supported by this berth yet",
                ))
            }
            other => {
                return Err(invalid(format!(
                    "unsupported mount type {other:?}: use bind, cache, secret or tmpfs"
                )))
            }
        }
    }
    Ok(out)
}

/// Removes the empty files a secret mount's target left in the upper dir
/// (the bind mount needs a file to mount over; the layer must not keep it).
pub(super) fn remove_stubs(upper: &Path, stubs: &[String]) {
    for s in stubs {
        let p = upper.join(s.trim_start_matches('/'));
        if std::fs::symlink_metadata(&p).is_ok_and(|m| m.is_file() && m.len() == 0) {
            let _ = std::fs::remove_file(&p);
            // Parents created just for it (/run/secrets) go too when empty.
            let mut dir = p.parent();
            while let Some(d) = dir.filter(|d| *d != upper) {
                if std::fs::remove_dir(d).is_err() {
                    break;
                }
                dir = d.parent();
            }
        }
    }
}
