//! One instruction at a time.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::state::StageState;
use super::{BuildError, Executor, Result};
use crate::build::context::{self, AddSource, CopyOptions, ResolvedSource};
use crate::build::parser::{self, CopyArgs, Healthcheck, Instruction, Kind, RunArgs, ShellOrExec};
use crate::runtime::config::{LogConfig, RestartPolicy};
use crate::runtime::engine::{self, CreateRequest};
use crate::runtime::foreground::{self, AttachOptions};
use crate::runtime::spec::{NetworkMode, RunOptions};
use crate::store::containers::ContainerEntry;
use crate::store::{ImageRecord, Store};

fn invalid(e: impl std::fmt::Display) -> BuildError {
    BuildError::Invalid(e.to_string())
}

fn expand(ex: &Executor<'_>, state: &StageState, word: &str) -> Result<String> {
    let lookup = |k: &str| state.lookup(k);
    parser::expand_word(word, &lookup, ex.file.escape).map_err(invalid)
}

fn expand_all(ex: &Executor<'_>, state: &StageState, words: &[String]) -> Result<Vec<String>> {
    words.iter().map(|w| expand(ex, state, w)).collect()
}

pub(super) fn run_step(
    ex: &mut Executor<'_>,
    stage: usize,
    state: &mut StageState,
    ins: &Instruction,
) -> Result<()> {
    match &ins.kind {
        Kind::Run(r) => run(ex, stage, state, r),
        Kind::Copy(c) => copy(ex, stage, state, c, false),
        Kind::Add(c) => copy(ex, stage, state, c, true),
        Kind::Env(pairs) => {
            for (k, v) in pairs {
                let v = expand(ex, state, v)?;
                state.set_env(k, &v);
            }
            state.note(&ins.original);
            Ok(())
        }
        Kind::Arg(decls) => {
            for d in decls {
                let value = match ex.opts.build_args.get(&d.name) {
                    Some(v) => Some(v.clone()),
                    None => match &d.default {
                        Some(def) => Some(expand(ex, state, def)?),
                        None => state.globals.get(&d.name).cloned(),
                    },
                };
                state.args.insert(d.name.clone(), value.unwrap_or_default());
            }
            Ok(())
        }
        Kind::Label(pairs) => {
            for (k, v) in pairs {
                let (k, v) = (expand(ex, state, k)?, expand(ex, state, v)?);
                state.set_label(&k, &v);
            }
            state.note(&ins.original);
            Ok(())
        }
        Kind::Maintainer(_) => {
            state.note(&ins.original);
            Ok(())
        }
        Kind::Expose(ports) => {
            let lookup = |k: &str| state.lookup(k);
            let mut words = Vec::new();
            for p in ports {
                words.extend(parser::expand_words(p, &lookup, ex.file.escape).map_err(invalid)?);
            }
            let exposed = state
                .config
                .entry("ExposedPorts")
                .or_insert_with(|| json!({}));
            if !exposed.is_object() {
                *exposed = json!({});
            }
            for w in words {
                let key = if w.contains('/') {
                    w.to_ascii_lowercase()
                } else {
                    format!("{w}/tcp")
                };
                let port = key.split('/').next().unwrap_or("");
                if port.parse::<u16>().is_err() && !port.contains('-') {
                    return Err(invalid(format!("invalid containerPort: {port}")));
                }
                if let Some(m) = exposed.as_object_mut() {
                    m.insert(key, json!({}));
                }
            }
            state.note(&ins.original);
            Ok(())
        }
        Kind::Cmd(c) => {
            let argv = command(state, c);
            state.config.insert("Cmd".into(), json!(argv));
            state.note(&ins.original);
            Ok(())
        }
        Kind::Entrypoint(c) => {
            let argv = command(state, c);
            state.config.insert("Entrypoint".into(), json!(argv));
            state.note(&ins.original);
            Ok(())
        }
        Kind::Volume(vols) => {
            let vols = expand_all(ex, state, vols)?;
            let v = state.config.entry("Volumes").or_insert_with(|| json!({}));
            if !v.is_object() {
                *v = json!({});
            }
            for path in vols.into_iter().filter(|p| !p.is_empty()) {
                if let Some(m) = v.as_object_mut() {
                    m.insert(path, json!({}));
                }
            }
            state.note(&ins.original);
            Ok(())
        }
        Kind::User(u) => {
            let u = expand(ex, state, u)?;
            state.config.insert("User".into(), json!(u));
            state.note(&ins.original);
            Ok(())
        }
        Kind::Workdir(w) => {
            let w = expand(ex, state, w)?;
            let current = state
                .config
                .get("WorkingDir")
                .and_then(Value::as_str)
                .unwrap_or("/")
                .to_string();
            let joined = if w.starts_with('/') {
                PathBuf::from(&w)
            } else {
                Path::new(if current.is_empty() { "/" } else { &current }).join(&w)
            };
            state
                .config
                .insert("WorkingDir".into(), json!(joined.display().to_string()));
            state.note(&ins.original);
            Ok(())
        }
        Kind::StopSignal(s) => {
            let s = expand(ex, state, s)?;
            state.config.insert("StopSignal".into(), json!(s));
            state.note(&ins.original);
            Ok(())
        }
        Kind::Healthcheck(h) => {
            state
                .config
                .insert("Healthcheck".into(), healthcheck(h.as_ref()));
            state.note(&ins.original);
            Ok(())
        }
        Kind::Shell(sh) => {
            state.config.insert("Shell".into(), json!(sh));
            state.note(&ins.original);
            Ok(())
        }
        Kind::Onbuild(inner) => {
            let list = state.config.entry("OnBuild").or_insert_with(|| json!([]));
            if !list.is_array() {
                *list = json!([]);
            }
            if let Some(a) = list.as_array_mut() {
                a.push(json!(inner.original));
            }
            state.note(&ins.original);
            Ok(())
        }
    }
}

/// Shell form runs through the stage's SHELL, exec form as written.
fn command(state: &StageState, c: &ShellOrExec) -> Vec<String> {
    match c {
        ShellOrExec::Exec(v) => v.clone(),
        ShellOrExec::Shell(s) => {
            let mut argv = state.shell();
            argv.push(s.clone());
            argv
        }
    }
}

fn healthcheck(h: Option<&Healthcheck>) -> Value {
    let Some(h) = h else {
        return json!({"Test": ["NONE"]});
    };
    let mut v = json!({"Test": h.test});
    let ns = |d: &std::time::Duration| json!(d.as_nanos() as u64);
    if let Some(d) = &h.interval {
        v["Interval"] = ns(d);
    }
    if let Some(d) = &h.timeout {
        v["Timeout"] = ns(d);
    }
    if let Some(d) = &h.start_period {
        v["StartPeriod"] = ns(d);
    }
    if let Some(d) = &h.start_interval {
        v["StartInterval"] = ns(d);
    }
    if let Some(r) = h.retries {
        v["Retries"] = json!(r);
    }
    v
}

/// A container of the stage's image for a step (never started for COPY).
fn create_container(
    ex: &Executor<'_>,
    image: &ImageRecord,
    run: RunOptions,
) -> Result<ContainerEntry> {
    let req = CreateRequest {
        run,
        image: Some(image.clone()),
        image_name: image.id.hex().to_string(),
        rootfs_dir: None,
        name: None,
        labels: [("io.berth.build".to_string(), "step".to_string())].into(),
        restart: RestartPolicy::No,
        log: LogConfig::parse(Some("none"), &[]).map_err(invalid)?,
        health: None,
        no_healthcheck: true,
        stop_timeout: None,
        auto_remove: false,
        publish: Vec::new(),
        publish_all: false,
        expose: Vec::new(),
        cgroups: Default::default(),
        create_command: Vec::new(),
    };
    engine::create(ex.store, req).map_err(invalid)
}

/// A never-started container of `image` (COPY, `--squash`).
pub(super) fn plain_container(ex: &Executor<'_>, image: &ImageRecord) -> Result<ContainerEntry> {
    let opts = RunOptions {
        cmd: vec!["true".into()],
        entrypoint: Some(String::new()),
        network: NetworkMode::None,
        ..RunOptions::default()
    };
    create_container(ex, image, opts)
}

fn network_options(ex: &Executor<'_>, r: &RunArgs) -> Result<(NetworkMode, Vec<String>)> {
    let want = r
        .network
        .as_deref()
        .or(ex.opts.network.as_deref())
        .unwrap_or("default");
    Ok(match want {
        "none" => (NetworkMode::None, Vec::new()),
        "host" => (NetworkMode::Host, Vec::new()),
        "default" | "bridge" if ex.store.paths().rootless => {
            (NetworkMode::Bridge, vec!["slirp4netns".into()])
        }
        "default" | "bridge" => (NetworkMode::Bridge, vec!["bridge".into()]),
        other => {
            return Err(invalid(format!(
                "network mode \"{other}\" is not supported for RUN: use default, none or host"
            )))
        }
    })
}

fn run(ex: &mut Executor<'_>, stage: usize, state: &mut StageState, r: &RunArgs) -> Result<()> {
    let Some(image) = state.image.clone() else {
        return Err(invalid(
            "a RUN needs a base image with a shell: this stage starts FROM scratch",
        ));
    };
    // A heredoc script with a #! line runs as a file, as BuildKit does.
    let mut script_dir = None;
    let argv = match r.heredoc_command() {
        Some(
            parser::HeredocCommand::Inline(text) | parser::HeredocCommand::Reconstituted(text),
        ) => {
            let mut argv = state.shell();
            argv.push(text);
            argv
        }
        Some(parser::HeredocCommand::Script { name, content }) => {
            use std::os::unix::fs::PermissionsExt;
            let dir = ex
                .store
                .root()
                .join("build")
                .join(format!("pipes-{}", std::process::id()));
            std::fs::create_dir_all(&dir).map_err(invalid)?;
            let file = dir.join(&name);
            std::fs::write(&file, &content).map_err(invalid)?;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755))
                .map_err(invalid)?;
            script_dir = Some(dir);
            let mut argv = state.shell();
            argv.push(format!("/dev/pipes/{name}"));
            argv
        }
        None => command(state, &r.cmd),
    };
    let (network, networks) = network_options(ex, r)?;
    // Build args reach RUN as environment (ENV wins), but are not kept.
    let env_names: Vec<String> = state.env().into_iter().map(|(k, _)| k).collect();
    let mut env: Vec<String> = state
        .args
        .iter()
        .filter(|(k, _)| !env_names.contains(k))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    env.extend(state.env().into_iter().map(|(k, v)| format!("{k}={v}")));
    let text = format!("RUN {}", argv.join(" "));
    let key = state.cache_key(&[
        "RUN",
        &argv.join("\0"),
        &env.join("\0"),
        &format!("{network:?}{networks:?}"),
    ]);
    if let Some(img) = ex.cached(&key) {
        ex.host.step("--> Using cache");
        return state.adopt(ex.store, img);
    }
    let user = state
        .config
        .get("User")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let workdir = state
        .config
        .get("WorkingDir")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let mut mounts = super::mounts::plan(ex, stage, &r.mounts)?;
    if let Some(dir) = &script_dir {
        mounts
            .volumes
            .push(format!("{}:/dev/pipes:ro", dir.display()));
    }
    let opts = RunOptions {
        cmd: argv.clone(),
        entrypoint: Some(String::new()),
        volumes: mounts.volumes.clone(),
        tmpfs: mounts.tmpfs.clone(),
        env,
        user: (!user.is_empty()).then_some(user),
        workdir: (!workdir.is_empty()).then_some(workdir),
        network,
        networks,
        ..RunOptions::default()
    };
    let entry = create_container(ex, &image, opts)?;
    let result = (|| {
        let code = foreground::run_attached(
            ex.store,
            &entry,
            &AttachOptions {
                interactive: false,
                sig_proxy: true,
                preserve_fds: Vec::new(),
            },
        )
        .map_err(invalid)?;
        if code != 0 {
            return Err(BuildError::RunFailed {
                command: argv.join(" "),
                code,
            });
        }
        let upper = ex.store.container_dir(&entry.id).join("upper");
        super::mounts::remove_stubs(&upper, &mounts.stubs);
        state.commit(
            ex.store,
            Some(&upper),
            Some(&super::created_by(&text, true)),
        )
    })();
    remove_container(ex.store, &entry);
    if let Some(dir) = &script_dir {
        let _ = std::fs::remove_dir_all(dir);
    }
    for img in &mounts.mounted_images {
        let _ = crate::runtime::hostmount::unmount_image(ex.store, img);
    }
    let image = result?;
    ex.remember(&key, &image);
    Ok(())
}

fn remove_container(store: &Store, entry: &ContainerEntry) {
    if let Ok(fresh) = store.find_container(&entry.id) {
        let _ = crate::runtime::hostmount::unmount_container(store, &fresh);
        let _ = engine::remove(store, &fresh, true);
    }
}

/// `--chown` as numbers: names resolve against the image's /etc files.
fn chown_ids(rootfs: &Path, spec: Option<&str>) -> Result<Option<(u32, u32)>> {
    let Some(spec) = spec.filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let u = crate::runtime::spec::resolve_user(rootfs, spec, &[]).map_err(invalid)?;
    Ok(Some((u.uid, u.gid)))
}

fn chmod_bits(spec: Option<&str>) -> Result<Option<u32>> {
    spec.map(|s| {
        u32::from_str_radix(s, 8).map_err(|_| invalid(format!("invalid chmod parameter: {s}")))
    })
    .transpose()
}

fn copy(
    ex: &mut Executor<'_>,
    stage: usize,
    state: &mut StageState,
    c: &CopyArgs,
    add: bool,
) -> Result<()> {
    let word = if add { "ADD" } else { "COPY" };
    let sources = expand_all(ex, state, &c.sources)?;
    let dest = expand(ex, state, &c.dest)?;
    let chown = c
        .chown
        .as_deref()
        .map(|s| expand(ex, state, s))
        .transpose()?;
    let workdir = state
        .config
        .get("WorkingDir")
        .and_then(Value::as_str)
        .unwrap_or("/")
        .to_string();
    // Where sources come from: the context, or another stage's / an image's rootfs.
    let from_image = match &c.from {
        Some(f) => {
            let f = expand(ex, state, f)?;
            Some(match ex.stage_index(&f, stage) {
                Some(j) => ex
                    .built
                    .get(&j)
                    .cloned()
                    .ok_or_else(|| invalid(format!("stage {f} has not been built")))?,
                None => ex.host.resolve_image(&f).map_err(invalid)?,
            })
        }
        None => None,
    };
    let from_root = match &from_image {
        Some(img) => Some(crate::runtime::hostmount::mount_image(ex.store, img).map_err(invalid)?),
        None => None,
    };
    let resolved: Vec<ResolvedSource>;
    let mut urls = Vec::new();
    let content_key = match &from_root {
        Some(root) => {
            resolved = context::resolve_in_rootfs(root, &sources).map_err(invalid)?;
            format!(
                "{}:{}",
                from_image
                    .as_ref()
                    .map(|i| i.id.hex().to_string())
                    .unwrap_or_default(),
                sources.join("\0")
            )
        }
        None => {
            let (remote, local): (Vec<String>, Vec<String>) = sources
                .iter()
                .cloned()
                .partition(|s| add && context::is_url(s));
            urls = remote;
            resolved = if local.is_empty() {
                Vec::new()
            } else {
                ex.opts.context.resolve(&local).map_err(invalid)?
            };
            let mut k = ex.opts.context.hash_sources(&resolved).map_err(invalid)?;
            k.push_str(&urls.join("\0"));
            k
        }
    };
    // `COPY <<EOF /dest`: each heredoc is a file named by its delimiter.
    let heredoc_dir = ex
        .store
        .root()
        .join("build")
        .join(format!("heredocs-{}", std::process::id()));
    let mut resolved = resolved;
    let mut content_key = content_key;
    if !c.heredocs.is_empty() {
        let _ = std::fs::remove_dir_all(&heredoc_dir);
        std::fs::create_dir_all(&heredoc_dir).map_err(invalid)?;
        let mut names = Vec::new();
        for d in &c.heredocs {
            let body = if d.expand {
                expand(ex, state, &d.content)?
            } else {
                d.content.clone()
            };
            std::fs::write(heredoc_dir.join(&d.name), &body).map_err(invalid)?;
            content_key.push_str(&format!("\0{}\0{body}", d.name));
            names.push(format!("/{}", d.name));
        }
        resolved.extend(context::resolve_in_rootfs(&heredoc_dir, &names).map_err(invalid)?);
    }
    let sources: Vec<String> = sources
        .into_iter()
        .chain(c.heredocs.iter().map(|d| format!("<<{}", d.name)))
        .collect();
    let text = format!("{word} {} {dest}", sources.join(" "));
    let key = state.cache_key(&[
        word,
        &content_key,
        &dest,
        chown.as_deref().unwrap_or(""),
        c.chmod.as_deref().unwrap_or(""),
        &workdir,
    ]);
    if let Some(img) = ex.cached(&key).filter(|_| urls.is_empty()) {
        ex.host.step("--> Using cache");
        return state.adopt(ex.store, img);
    }
    let chmod = chmod_bits(c.chmod.as_deref())?;
    let do_copy = |rootfs: &Path| -> Result<()> {
        let opts = CopyOptions {
            chown: chown_ids(rootfs, chown.as_deref())?,
            chmod,
            workdir: workdir.clone(),
        };
        if add {
            let mut all: Vec<AddSource> = resolved.iter().cloned().map(AddSource::Local).collect();
            all.extend(urls.iter().cloned().map(AddSource::Url));
            context::add_into(rootfs, &all, &dest, &opts, &ex.opts.context).map_err(invalid)
        } else {
            context::copy_into(rootfs, &resolved, &dest, &opts, &ex.opts.context).map_err(invalid)
        }
    };
    let created_by = super::created_by(&text, true);
    let result = match state.image.clone() {
        None => {
            // FROM scratch: the files are the whole layer.
            let tmp = ex
                .store
                .root()
                .join("build")
                .join(format!("scratch-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&tmp);
            std::fs::create_dir_all(&tmp).map_err(invalid)?;
            let r =
                do_copy(&tmp).and_then(|()| state.commit(ex.store, Some(&tmp), Some(&created_by)));
            let _ = std::fs::remove_dir_all(&tmp);
            r
        }
        Some(image) => {
            let opts = RunOptions {
                cmd: vec!["true".into()],
                entrypoint: Some(String::new()),
                network: NetworkMode::None,
                ..RunOptions::default()
            };
            let entry = create_container(ex, &image, opts)?;
            let r = crate::runtime::hostmount::mount_container(ex.store, &entry)
                .map_err(invalid)
                .and_then(|merged| {
                    let copied = do_copy(&merged);
                    let _ = crate::runtime::hostmount::unmount_container(ex.store, &entry);
                    copied
                })
                .and_then(|()| {
                    let upper = ex.store.container_dir(&entry.id).join("upper");
                    state.commit(ex.store, Some(&upper), Some(&created_by))
                });
            remove_container(ex.store, &entry);
            r
        }
    };
    if let Some(img) = &from_image {
        let _ = crate::runtime::hostmount::unmount_image(ex.store, img);
    }
    let _ = std::fs::remove_dir_all(&heredoc_dir);
    let image = result?;
    if urls.is_empty() {
        ex.remember(&key, &image);
    }
    Ok(())
}
