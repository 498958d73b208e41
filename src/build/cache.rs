//! The build cache: a step's key (its parent image, the instruction as
//! expanded, the build args it sees and the content it reads) → the image
//! the step produced. Those images have no names; `images` hides them and
//! `builder prune` removes them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::store::atomic::write_atomic_unsynced;
use crate::store::lock::StoreLock;

#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheFile {
    /// key → image id (hex).
    #[serde(default)]
    steps: BTreeMap<String, String>,
}

/// `ROOT/build/cache.json` under its own lock.
pub struct BuildCache {
    dir: PathBuf,
    lock: StoreLock,
}

#[derive(Debug, thiserror::Error)]
#[error("build cache {path}: {source}")]
pub struct CacheError {
    path: String,
    #[source]
    source: std::io::Error,
}

fn io_err(path: &Path, source: std::io::Error) -> CacheError {
    CacheError {
        path: path.display().to_string(),
        source,
    }
}

/// A step's cache key from its parts, in order.
pub fn key(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p.as_bytes());
    }
    hex::encode(h.finalize())
}

impl BuildCache {
    pub fn new(root: &Path) -> BuildCache {
        let dir = root.join("build");
        let lock = StoreLock::new(dir.join("cache.lock"), "build cache");
        BuildCache { dir, lock }
    }

    fn file(&self) -> PathBuf {
        self.dir.join("cache.json")
    }

    fn load(&self) -> CacheFile {
        std::fs::read(self.file())
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    fn ensure_dir(&self) -> Result<(), CacheError> {
        std::fs::create_dir_all(&self.dir).map_err(|e| io_err(&self.dir, e))
    }

    /// The image a step with this key produced before, if recorded.
    pub fn get(&self, key: &str) -> Option<String> {
        if !self.file().exists() {
            return None;
        }
        let _guard = self.lock.read().ok()?;
        self.load().steps.get(key).cloned()
    }

    pub fn put(&self, key: &str, image_hex: &str) -> Result<(), CacheError> {
        self.ensure_dir()?;
        let _guard = self.lock.write().map_err(|e| io_err(self.lock.path(), e))?;
        let mut file = self.load();
        file.steps.insert(key.to_string(), image_hex.to_string());
        self.save(&file)
    }

    fn save(&self, file: &CacheFile) -> Result<(), CacheError> {
        let bytes =
            serde_json::to_vec(file).map_err(|e| io_err(&self.file(), std::io::Error::other(e)))?;
        write_atomic_unsynced(&self.file(), &bytes).map_err(|e| io_err(&self.file(), e))
    }

    /// Every image the cache refers to (hex ids).
    pub fn images(&self) -> Vec<String> {
        if !self.file().exists() {
            return Vec::new();
        }
        let Ok(_guard) = self.lock.read() else {
            return Vec::new();
        };
        self.load().steps.into_values().collect()
    }

    /// Forgets every entry; returns the images they referred to.
    pub fn clear(&self) -> Result<Vec<String>, CacheError> {
        if !self.file().exists() {
            return Ok(Vec::new());
        }
        let _guard = self.lock.write().map_err(|e| io_err(self.lock.path(), e))?;
        let file = self.load();
        self.save(&CacheFile::default())?;
        Ok(file.steps.into_values().collect())
    }

    /// Drops entries whose image is gone (`keep` says which exist).
    pub fn retain(&self, keep: impl Fn(&str) -> bool) -> Result<(), CacheError> {
        if !self.file().exists() {
            return Ok(());
        }
        let _guard = self.lock.write().map_err(|e| io_err(self.lock.path(), e))?;
        let mut file = self.load();
        let before = file.steps.len();
        file.steps.retain(|_, v| keep(v));
        if file.steps.len() != before {
            self.save(&file)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_separate_their_parts() {
        assert_ne!(key(&["ab", "c"]), key(&["a", "bc"]));
        assert_eq!(key(&["x", "y"]), key(&["x", "y"]));
    }

    #[test]
    fn put_get_clear_round_trip() {
        let dir = tempfile::tempdir().expect("tempdir");
        let c = BuildCache::new(dir.path());
        assert_eq!(c.get("k"), None);
        c.put("k", "abc").expect("put");
        c.put("k2", "def").expect("put");
        assert_eq!(c.get("k").as_deref(), Some("abc"));
        c.retain(|v| v != "def").expect("retain");
        assert_eq!(c.images(), vec!["abc".to_string()]);
        assert_eq!(c.clear().expect("clear"), vec!["abc".to_string()]);
        assert_eq!(c.get("k"), None);
    }
}
