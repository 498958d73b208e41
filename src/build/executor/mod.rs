//! The build executor: runs a parsed Dockerfile against the store, docker's
//! classic way — each RUN in a container of the image so far, each COPY/ADD
//! into a container's mounted rootfs, each step committed as an image whose
//! only name is its build-cache key. The metadata instructions change the
//! config and are folded into the next committed step's history.

mod mounts;
mod squash;
mod state;
mod steps;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use serde_json::{Map, Value};

use super::cache::{self, BuildCache};
use super::context::BuildContext;
use super::parser::{self, Dockerfile, Kind};
use crate::store::images::ImageQuery;
use crate::store::{ImageRecord, Store};
pub use state::StageState;

/// What `berth build` asks for.
pub struct BuildOptions {
    pub dockerfile: String,
    pub context: BuildContext,
    /// Fully qualified names for the result.
    pub tags: Vec<String>,
    pub build_args: BTreeMap<String, String>,
    pub target: Option<String>,
    /// Neither use nor record cached steps.
    pub no_cache: bool,
    /// `--layers=false`: do not record steps in the cache.
    pub layers: bool,
    pub labels: BTreeMap<String, String>,
    /// RUN's network: `bridge` (default), `none`, `host`.
    pub network: Option<String>,
    /// `--secret id=…,src=…`.
    pub secrets: BTreeMap<String, PathBuf>,
    /// `--squash`: the new layers become one.
    pub squash: bool,
}

/// What the executor needs from its caller: images (pulled as `--pull`
/// says) and somewhere to report steps.
pub trait BuildHost {
    fn resolve_image(&self, name: &str) -> std::result::Result<ImageRecord, String>;
    fn step(&self, text: &str);
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("{0}")]
    Parse(#[from] parser::ParseError),
    /// A step failed: which instruction (line) and why.
    #[error("Dockerfile:{line}: {instruction}: {message}")]
    Step {
        line: usize,
        instruction: String,
        message: String,
    },
    /// RUN exited non-zero: docker's wording and code.
    #[error("process \"{command}\" did not complete successfully: exit code: {code}")]
    RunFailed { command: String, code: i32 },
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

pub type Result<T> = std::result::Result<T, BuildError>;

/// The host platform, as docker's automatic platform args give it.
fn platform_args() -> Vec<(String, String)> {
    let arch = crate::store::archive::host_arch();
    let platform = format!("linux/{arch}");
    vec![
        ("TARGETPLATFORM".into(), platform.clone()),
        ("TARGETOS".into(), "linux".into()),
        ("TARGETARCH".into(), arch.to_string()),
        ("TARGETVARIANT".into(), String::new()),
        ("BUILDPLATFORM".into(), platform),
        ("BUILDOS".into(), "linux".into()),
        ("BUILDARCH".into(), arch.to_string()),
        ("BUILDVARIANT".into(), String::new()),
    ]
}

/// Builds and tags; returns the final image.
pub fn build(store: &Store, opts: &BuildOptions, host: &dyn BuildHost) -> Result<ImageRecord> {
    let file = parser::parse(&opts.dockerfile)?;
    if file.stages.is_empty() {
        return Err(BuildError::Invalid(
            "the Dockerfile has no FROM instruction: a build needs at least one stage".into(),
        ));
    }
    let target = match &opts.target {
        Some(t) => {
            let t = t.to_ascii_lowercase();
            file.stages
                .iter()
                .position(|s| s.name.as_deref() == Some(t.as_str()))
                .ok_or_else(|| {
                    BuildError::Invalid(format!("target stage \"{t}\" could not be found"))
                })?
        }
        None => file.stages.len() - 1,
    };
    let needed = needed_stages(&file, target);
    let mut exec = Executor {
        store,
        opts,
        host,
        file: &file,
        cache: BuildCache::new(store.root()),
        built: HashMap::new(),
        bases: HashMap::new(),
        global_args: global_args(&file, opts),
        step_no: 0,
        total_steps: needed
            .iter()
            .map(|i| 1 + file.stages[*i].instructions.len())
            .sum(),
    };
    for i in needed {
        let image = exec.run_stage(i)?;
        exec.built.insert(i, image);
    }
    let mut image = exec
        .built
        .remove(&target)
        .ok_or_else(|| BuildError::Invalid("the target stage produced no image".into()))?;
    if opts.squash {
        let base = exec.bases.get(&target).cloned().flatten();
        let make = |b: &ImageRecord| steps::plain_container(&exec, b);
        image = squash::squash(store, base.as_ref(), &image, &make)?;
    }
    for tag in &opts.tags {
        image = store.tag_image(&ImageQuery::new(image.id.hex(), None), tag)?;
    }
    Ok(image)
}

/// ARGs before the first FROM, with `--build-arg` values and the platform args.
fn global_args(file: &Dockerfile, opts: &BuildOptions) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = platform_args().into_iter().collect();
    for a in &file.args_before_from {
        let lookup = |k: &str| out.get(k).cloned();
        let value = opts.build_args.get(&a.name).cloned().or_else(|| {
            a.default
                .as_deref()
                .and_then(|d| parser::expand_word(d, &lookup, file.escape).ok())
        });
        out.insert(a.name.clone(), value.unwrap_or_default());
    }
    out
}

/// The target and every stage it reaches through FROM or COPY --from, in
/// Dockerfile order (BuildKit skips the rest).
fn needed_stages(file: &Dockerfile, target: usize) -> Vec<usize> {
    let index_of = |name: &str| -> Option<usize> {
        let lower = name.to_ascii_lowercase();
        file.stages
            .iter()
            .position(|s| s.name.as_deref() == Some(lower.as_str()))
            .or_else(|| {
                name.parse::<usize>()
                    .ok()
                    .filter(|i| *i < file.stages.len())
            })
    };
    let mut need = vec![false; file.stages.len()];
    let mut todo = vec![target];
    while let Some(i) = todo.pop() {
        if need[i] {
            continue;
        }
        need[i] = true;
        let stage = &file.stages[i];
        if let Some(j) = index_of(&stage.base).filter(|j| *j < i) {
            todo.push(j);
        }
        for ins in &stage.instructions {
            if let Kind::Copy(c) | Kind::Add(c) = &ins.kind {
                if let Some(j) = c.from.as_deref().and_then(index_of).filter(|j| *j < i) {
                    todo.push(j);
                }
            }
        }
    }
    (0..file.stages.len()).filter(|i| need[*i]).collect()
}

struct Executor<'a> {
    store: &'a Store,
    opts: &'a BuildOptions,
    host: &'a dyn BuildHost,
    file: &'a Dockerfile,
    cache: BuildCache,
    built: HashMap<usize, ImageRecord>,
    /// Each built stage's starting image (None: scratch), for `--squash`.
    bases: HashMap<usize, Option<ImageRecord>>,
    global_args: BTreeMap<String, String>,
    step_no: usize,
    total_steps: usize,
}

impl Executor<'_> {
    fn announce(&mut self, text: &str) {
        self.step_no += 1;
        self.host.step(&format!(
            "STEP {}/{}: {text}",
            self.step_no, self.total_steps
        ));
    }

    fn stage_index(&self, name: &str, before: usize) -> Option<usize> {
        let lower = name.to_ascii_lowercase();
        self.file.stages[..before]
            .iter()
            .position(|s| s.name.as_deref() == Some(lower.as_str()))
            .or_else(|| name.parse::<usize>().ok().filter(|i| *i < before))
    }

    /// The image a stage starts from: an earlier stage, `scratch`, or an image.
    fn base_image(&self, i: usize, base: &str) -> Result<Option<ImageRecord>> {
        if let Some(j) = self.stage_index(base, i) {
            return Ok(self.built.get(&j).cloned());
        }
        if base.eq_ignore_ascii_case("scratch") {
            return Ok(None);
        }
        self.host
            .resolve_image(base)
            .map(Some)
            .map_err(|message| BuildError::Step {
                line: self.file.stages[i].line,
                instruction: format!("FROM {base}"),
                message,
            })
    }

    fn run_stage(&mut self, i: usize) -> Result<ImageRecord> {
        let stage = &self.file.stages[i];
        let lookup_globals = |k: &str| self.global_args.get(k).cloned();
        let base =
            parser::expand_word(&stage.base, &lookup_globals, self.file.escape).map_err(|e| {
                BuildError::Step {
                    line: stage.line,
                    instruction: format!("FROM {}", stage.base),
                    message: e.to_string(),
                }
            })?;
        self.announce(&format!(
            "FROM {base}{}",
            stage
                .name
                .as_deref()
                .map(|n| format!(" AS {n}"))
                .unwrap_or_default()
        ));
        let image = self.base_image(i, &base)?;
        self.bases.insert(i, image.clone());
        let mut state = StageState::new(self.store, image, &self.global_args)?;
        for trigger in state.take_onbuild() {
            let ins = parser::parse(&format!("FROM scratch\n{trigger}"))?
                .stages
                .into_iter()
                .next()
                .and_then(|s| s.instructions.into_iter().next());
            if let Some(ins) = ins {
                self.step(i, &mut state, &ins)?;
            }
        }
        for ins in &stage.instructions {
            self.announce(&ins.original);
            self.step(i, &mut state, ins)?;
        }
        if i == self.file.stages.len() - 1 || Some(i) == self.target_index() {
            for (k, v) in &self.opts.labels {
                state.set_label(k, v);
            }
        }
        self.finish_stage(&mut state)
    }

    fn target_index(&self) -> Option<usize> {
        let t = self.opts.target.as_deref()?.to_ascii_lowercase();
        self.file
            .stages
            .iter()
            .position(|s| s.name.as_deref() == Some(t.as_str()))
    }

    /// Commits pending metadata (if any) as a config-only image.
    fn finish_stage(&mut self, state: &mut StageState) -> Result<ImageRecord> {
        if let (Some(img), false) = (&state.image, state.has_pending()) {
            return Ok(img.clone());
        }
        let key = state.cache_key(&["<end of stage>"]);
        if let Some(img) = self.cached(&key) {
            return Ok(img);
        }
        let image = state.commit(self.store, None, None)?;
        self.remember(&key, &image);
        Ok(image)
    }

    fn cached(&self, key: &str) -> Option<ImageRecord> {
        if self.opts.no_cache {
            return None;
        }
        let hex = self.cache.get(key)?;
        self.store.find_image(&ImageQuery::new(&hex, None)).ok()
    }

    fn remember(&self, key: &str, image: &ImageRecord) {
        if self.opts.layers && !self.opts.no_cache {
            let _ = self.cache.put(key, image.id.hex());
        }
    }

    fn step(&mut self, i: usize, state: &mut StageState, ins: &parser::Instruction) -> Result<()> {
        let fail = |message: String| BuildError::Step {
            line: ins.line,
            instruction: ins.original.clone(),
            message,
        };
        steps::run_step(self, i, state, ins).map_err(|e| match e {
            BuildError::Invalid(m) => fail(m),
            BuildError::Store(s) => fail(s.to_string()),
            other => other,
        })
    }
}

/// The `config` object of an image (docker's capitalised keys).
pub(crate) fn image_config(store: &Store, image: &ImageRecord) -> Result<Map<String, Value>> {
    let raw = store.read_blob(&image.id)?;
    let v: Value = serde_json::from_slice(&raw).map_err(|e| {
        BuildError::Invalid(format!(
            "image {} has a corrupt config: {e}",
            image.id.short()
        ))
    })?;
    Ok(v["config"].as_object().cloned().unwrap_or_default())
}

/// History `created_by` for a step, BuildKit style.
pub(crate) fn created_by(text: &str, layer: bool) -> String {
    if layer {
        format!("{text} # buildkit")
    } else {
        text.to_string()
    }
}

pub(crate) use cache::key as cache_key;
