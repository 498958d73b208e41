//! One stage's state while it builds: the image so far, its config, the
//! metadata history not yet committed, and the ARGs in scope.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::Utc;
use serde_json::{json, Map, Value};

use super::{image_config, Result};
use crate::store::diff::{self, CommitRequest};
use crate::store::{ImageRecord, Store};

pub struct StageState {
    /// None until a scratch stage commits its first step.
    pub image: Option<ImageRecord>,
    /// The image `config` object as it stands.
    pub config: Map<String, Value>,
    /// History of metadata instructions since the last commit.
    pending: Vec<Value>,
    /// ARGs declared in this stage, with their values.
    pub args: BTreeMap<String, String>,
    /// ARGs before the first FROM (a stage sees them once it redeclares them).
    pub globals: BTreeMap<String, String>,
}

impl StageState {
    pub fn new(
        store: &Store,
        image: Option<ImageRecord>,
        globals: &BTreeMap<String, String>,
    ) -> Result<StageState> {
        let config = match &image {
            Some(img) => image_config(store, img)?,
            None => Map::new(),
        };
        Ok(StageState {
            image,
            config,
            pending: Vec::new(),
            args: BTreeMap::new(),
            globals: globals.clone(),
        })
    }

    /// The base image's ONBUILD triggers, which run first and are not inherited.
    pub fn take_onbuild(&mut self) -> Vec<String> {
        match self.config.remove("OnBuild") {
            Some(Value::Array(a)) => a
                .into_iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// `Env` as (name, value) pairs, in order.
    pub fn env(&self) -> Vec<(String, String)> {
        self.config
            .get("Env")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(|kv| match kv.split_once('=') {
                        Some((k, v)) => (k.to_string(), v.to_string()),
                        None => (kv.to_string(), String::new()),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A variable as instructions see it: ENV wins over ARG (docker's rule).
    pub fn lookup(&self, name: &str) -> Option<String> {
        self.env()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
            .or_else(|| self.args.get(name).cloned())
    }

    pub fn set_env(&mut self, key: &str, value: &str) {
        let mut env = self.env();
        match env.iter_mut().find(|(k, _)| k == key) {
            Some(e) => e.1 = value.to_string(),
            None => env.push((key.to_string(), value.to_string())),
        }
        self.config.insert(
            "Env".into(),
            json!(env
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()),
        );
    }

    pub fn set_label(&mut self, key: &str, value: &str) {
        let labels = self.config.entry("Labels").or_insert_with(|| json!({}));
        if !labels.is_object() {
            *labels = json!({});
        }
        if let Some(m) = labels.as_object_mut() {
            m.insert(key.to_string(), json!(value));
        }
    }

    /// The shell for shell-form RUN/CMD/ENTRYPOINT (`SHELL` sets it).
    pub fn shell(&self) -> Vec<String> {
        self.config
            .get("Shell")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .filter(|v: &Vec<String>| !v.is_empty())
            .unwrap_or_else(|| vec!["/bin/sh".into(), "-c".into()])
    }

    /// Records a metadata instruction for the next commit's history.
    pub fn note(&mut self, created_by: &str) {
        self.pending.push(json!({
            "created": Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Nanos, true),
            "created_by": created_by,
            "comment": "buildkit.dockerfile.v0",
            "empty_layer": true,
        }));
    }

    pub fn has_pending(&self) -> bool {
        !self.pending.is_empty() || self.image.is_none()
    }

    /// A cache key for the next step: the image so far, the config and the
    /// pending history, then the step's own parts.
    pub fn cache_key(&self, parts: &[&str]) -> String {
        let parent = self
            .image
            .as_ref()
            .map_or_else(|| "scratch".to_string(), |i| i.id.hex().to_string());
        let config = Value::Object(self.config.clone()).to_string();
        let pending: Vec<&str> = self
            .pending
            .iter()
            .filter_map(|h| h["created_by"].as_str())
            .collect();
        let pending = pending.join("\n");
        let mut all = vec![parent.as_str(), config.as_str(), pending.as_str()];
        all.extend_from_slice(parts);
        super::cache_key(&all)
    }

    /// Commits the layer in `upper` (or none) with the pending history and
    /// `created_by` as the new step; the result is the stage's new image.
    pub fn commit(
        &mut self,
        store: &Store,
        upper: Option<&Path>,
        created_by: Option<&str>,
    ) -> Result<ImageRecord> {
        let mut history = std::mem::take(&mut self.pending);
        let step = match created_by {
            Some(c) => c.to_string(),
            // A metadata-only commit: the last pending entry is the step.
            None => history
                .pop()
                .and_then(|h| h["created_by"].as_str().map(str::to_string))
                .unwrap_or_default(),
        };
        let req = CommitRequest {
            upper: upper.map(Path::to_path_buf),
            history_before: history,
            base: self.image.clone(),
            config: self.config.clone(),
            author: None,
            comment: Some("buildkit.dockerfile.v0".into()),
            created_by: step,
            name: None,
        };
        let image = diff::commit(store, &req)?;
        self.image = Some(image.clone());
        Ok(image)
    }

    /// Moves to a cached image (its config is what this step would make).
    pub fn adopt(&mut self, store: &Store, image: ImageRecord) -> Result<()> {
        self.config = image_config(store, &image)?;
        self.pending.clear();
        self.image = Some(image);
        Ok(())
    }
}
