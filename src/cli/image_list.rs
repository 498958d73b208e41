//! Read-only image views: `images`, `image inspect`, `history`.

use std::process::ExitCode;

use serde_json::{json, Map, Value};

use super::error::{CliError, CliResult};
use super::image::{
    familiar, find_image, parse_ref, runtime, HistoryArgs, ImageInspectArgs, ImagesArgs,
};
use super::output::{human_size, rfc3339, time_ago};
use super::render;
use crate::registry::reference::ImageRef;
use crate::registry::remote;
use crate::settings::Settings;
use crate::store::{ImageRecord, Store};

const IMAGES_TABLE: &str = "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";
const IMAGES_TABLE_DIGESTS: &str =
    "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";
const IMAGE_HEADERS: &[(&str, &str)] = &[
    ("Repository", "REPOSITORY"),
    ("Tag", "TAG"),
    ("ID", "IMAGE ID"),
    ("Digest", "DIGEST"),
    ("CreatedSince", "CREATED"),
    ("CreatedAt", "CREATED AT"),
    ("Size", "SIZE"),
    ("Containers", "CONTAINERS"),
    ("SharedSize", "SHARED SIZE"),
    ("UniqueSize", "UNIQUE SIZE"),
    ("VirtualSize", "VIRTUAL SIZE"),
];

/// One row of `images`: a (repository, tag) of an image, as docker lists them.
struct ImageRow {
    repository: String,
    tag: String,
    digest: String,
}

fn rows_of(img: &ImageRecord) -> Vec<ImageRow> {
    let mut rows = Vec::new();
    let digest_for = |repo_name: &str| -> String {
        img.repo_digests
            .iter()
            .find_map(|d| {
                let (n, dg) = d.split_once('@')?;
                (n == repo_name).then(|| dg.to_string())
            })
            .unwrap_or_else(|| "<none>".into())
    };
    for name in &img.names {
        if let Ok(r) = ImageRef::parse(name) {
            rows.push(ImageRow {
                repository: r.familiar_name(),
                tag: r.tag().unwrap_or("<none>").to_string(),
                digest: digest_for(&r.name()),
            });
        }
    }
    // A repository known only by digest still gets a row, tagged <none>.
    for d in &img.repo_digests {
        let Some((repo_name, dg)) = d.split_once('@') else {
            continue;
        };
        let has_tag = img
            .names
            .iter()
            .any(|n| n.rsplit_once(':').is_some_and(|(r, _)| r == repo_name));
        if !has_tag {
            let repo = ImageRef::parse(repo_name)
                .map(|r| r.familiar_name())
                .unwrap_or_else(|_| repo_name.to_string());
            rows.push(ImageRow {
                repository: repo,
                tag: "<none>".into(),
                digest: dg.to_string(),
            });
        }
    }
    if rows.is_empty() {
        rows.push(ImageRow {
            repository: "<none>".into(),
            tag: "<none>".into(),
            digest: "<none>".into(),
        });
    }
    rows
}

struct Filters {
    dangling: Option<bool>,
    references: Vec<String>,
    labels: Vec<(String, Option<String>)>,
}

fn parse_filters(raw: &[String]) -> CliResult<Filters> {
    let mut f = Filters {
        dangling: None,
        references: vec![],
        labels: vec![],
    };
    for item in raw {
        let Some((key, value)) = item.split_once('=') else {
            return Err(CliError::msg(format!(
                "bad format of filter (expected name=value): {item}"
            )));
        };
        match key {
            "dangling" => {
                f.dangling = Some(match value.to_ascii_lowercase().as_str() {
                    "true" | "1" => true,
                    "false" | "0" => false,
                    _ => {
                        return Err(CliError::msg(format!(
                            "invalid filter 'dangling={value}': use true or false"
                        )))
                    }
                })
            }
            "reference" => f.references.push(value.to_string()),
            "label" => f.labels.push(match value.split_once('=') {
                Some((k, v)) => (k.to_string(), Some(v.to_string())),
                None => (value.to_string(), None),
            }),
            other => {
                return Err(CliError::msg(format!(
                    "invalid filter '{other}': images support dangling, reference and label"
                )))
            }
        }
    }
    Ok(f)
}

/// Go's `path.Match` subset docker uses for reference filters: `*`, `?`.
fn glob_match(pattern: &str, text: &str) -> bool {
    fn go(p: &[u8], t: &[u8]) -> bool {
        match (p.first(), t.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&p[1..], t) || (!t.is_empty() && t[0] != b'/' && go(p, &t[1..])),
            (Some(b'?'), Some(c)) if *c != b'/' => go(&p[1..], &t[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &t[1..]),
            _ => false,
        }
    }
    go(pattern.as_bytes(), text.as_bytes())
}

fn config_of(store: &Store, img: &ImageRecord) -> Value {
    store
        .read_blob(&img.id)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Value::Null)
}

pub fn images(settings: &Settings, args: &ImagesArgs) -> CliResult {
    let store = Store::open(&settings.store)?;
    let filters = parse_filters(&args.filters)?;
    let mut list = store.list_images()?;
    list.sort_by(|a, b| b.created.cmp(&a.created).then(b.added.cmp(&a.added)));
    let wanted_repo = args.reference.clone();
    // Build steps' images (the build cache) are intermediate: only -a shows them.
    let intermediate: std::collections::HashSet<String> = if args.all {
        Default::default()
    } else {
        crate::build::cache::BuildCache::new(store.root())
            .images()
            .into_iter()
            .collect()
    };
    let mut items = Vec::new();
    for img in &list {
        if img.names.is_empty() && intermediate.contains(img.id.hex()) {
            continue;
        }
        if let Some(d) = filters.dangling {
            if d != img.names.is_empty() {
                continue;
            }
        }
        if !filters.labels.is_empty() {
            let cfg = config_of(&store, img);
            let labels = &cfg["config"]["Labels"];
            let ok = filters.labels.iter().all(|(k, v)| match (&labels[k], v) {
                (Value::String(have), Some(want)) => have == want,
                (Value::String(_), None) => true,
                _ => false,
            });
            if !ok {
                continue;
            }
        }
        let id = if args.no_trunc {
            img.id.to_string()
        } else {
            img.id.short().to_string()
        };
        for row in rows_of(img) {
            let full = format!("{}:{}", row.repository, row.tag);
            if !filters.references.is_empty()
                && !filters
                    .references
                    .iter()
                    .any(|p| glob_match(p, &row.repository) || glob_match(p, &full))
            {
                continue;
            }
            if let Some(want) = &wanted_repo {
                let matches = match want.split_once(':') {
                    Some((r, t)) if !t.contains('/') => r == row.repository && t == row.tag,
                    _ => want == &row.repository,
                };
                if !matches {
                    continue;
                }
            }
            let created = img.created.unwrap_or(img.added);
            items.push(json!({
                "Containers": "N/A",
                "CreatedAt": created.format("%Y-%m-%d %H:%M:%S %z UTC").to_string(),
                "CreatedSince": time_ago(created),
                "Digest": row.digest,
                "ID": id,
                "Repository": row.repository,
                "SharedSize": "N/A",
                "Size": human_size(img.size),
                "Tag": row.tag,
                "UniqueSize": "N/A",
                "VirtualSize": human_size(img.size),
            }));
        }
    }
    if args.quiet {
        let mut seen = std::collections::HashSet::new();
        for it in &items {
            let id = it["ID"].as_str().unwrap_or_default().to_string();
            if seen.insert(id.clone()) {
                println!("{id}");
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let table = if args.digests {
        IMAGES_TABLE_DIGESTS
    } else {
        IMAGES_TABLE
    };
    render::print_list(args.format.as_deref(), table, &items, IMAGE_HEADERS)?;
    Ok(ExitCode::SUCCESS)
}

/// docker's image inspect JSON for one stored image.
pub fn image_json(store: &Store, img: &ImageRecord) -> Value {
    let cfg = config_of(store, img);
    let mut config = Map::new();
    for (k, v) in [
        ("Hostname", json!("")),
        ("Domainname", json!("")),
        ("User", json!("")),
        ("AttachStdin", json!(false)),
        ("AttachStdout", json!(false)),
        ("AttachStderr", json!(false)),
        ("Tty", json!(false)),
        ("OpenStdin", json!(false)),
        ("StdinOnce", json!(false)),
        ("Env", Value::Null),
        ("Cmd", Value::Null),
        ("Image", json!("")),
        ("Volumes", Value::Null),
        ("WorkingDir", json!("")),
        ("Entrypoint", Value::Null),
        ("OnBuild", Value::Null),
        ("Labels", Value::Null),
    ] {
        config.insert(k.to_string(), v);
    }
    if let Value::Object(c) = &cfg["config"] {
        for (k, v) in c {
            config.insert(k.clone(), v.clone());
        }
    }
    let layers: Vec<Value> = img
        .layers
        .iter()
        .map(|l| json!(l.diff_id.as_str()))
        .collect();
    let lower: Vec<String> = img
        .layers
        .iter()
        .rev()
        .map(|l| store.layer_diff_path(&l.diff_id).display().to_string())
        .collect();
    json!({
        "Id": img.id.as_str(),
        "RepoTags": img.names.iter().map(|n| familiar(n)).collect::<Vec<_>>(),
        "RepoDigests": img.repo_digests.iter().map(|n| familiar(n)).collect::<Vec<_>>(),
        "Parent": "",
        "Comment": cfg["history"].as_array().and_then(|h| h.last()).and_then(|h| h["comment"].as_str()).unwrap_or(""),
        "Created": cfg["created"].as_str().map(str::to_string).or_else(|| img.created.map(rfc3339)).unwrap_or_default(),
        "DockerVersion": cfg["docker_version"].as_str().unwrap_or(""),
        "Author": cfg["author"].as_str().unwrap_or(""),
        "Config": Value::Object(config),
        "Architecture": cfg["architecture"].as_str().unwrap_or(""),
        "Variant": cfg["variant"],
        "Os": cfg["os"].as_str().unwrap_or(""),
        "Size": img.size,
        "VirtualSize": img.size,
        "GraphDriver": {
            "Name": "overlay",
            "Data": { "LowerDir": lower.join(":") },
        },
        "RootFS": { "Type": "layers", "Layers": layers },
        "Metadata": { "LastTagTime": rfc3339(img.added) },
        "Descriptor": {
            "mediaType": img.manifest_media_type,
            "digest": img.manifest.as_str(),
        },
    })
}

pub fn image_inspect(settings: &Settings, args: &ImageInspectArgs) -> CliResult {
    let mut out = Vec::new();
    let mut failed = None;
    if args.remote {
        let rt = runtime()?;
        let opts = super::image::registry_options(settings, &args.registry)?;
        for name in &args.names {
            let r = parse_ref(name)?;
            let remote = rt
                .block_on(remote::inspect_remote(&r, &opts))
                .map_err(CliError::from)?;
            out.push(remote_json(&r, &remote));
        }
    } else {
        let store = Store::open(&settings.store)?;
        for name in &args.names {
            match find_image(&store, name) {
                Ok(img) => out.push(image_json(&store, &img)),
                Err(e) => failed = Some(e),
            }
        }
    }
    render::print_inspect(args.format.as_deref(), &out)?;
    match failed {
        Some(e) => Err(e),
        None => Ok(ExitCode::SUCCESS),
    }
}

fn remote_json(r: &ImageRef, remote: &remote::RemoteImage) -> Value {
    let manifest: Value = serde_json::from_slice(&remote.manifest_raw).unwrap_or(Value::Null);
    let cfg = remote.config.clone().unwrap_or(Value::Null);
    json!({
        "Name": r.familiar(),
        "Digest": remote.digest,
        "RepoTags": r.tag().map(|_| vec![r.familiar()]).unwrap_or_default(),
        "Created": cfg["created"],
        "Architecture": cfg["architecture"],
        "Os": cfg["os"],
        "Config": cfg["config"],
        "RootFS": cfg["rootfs"],
        "Layers": manifest["layers"].as_array().map(|ls| ls.iter().map(|l| l["digest"].clone()).collect::<Vec<_>>()),
        "Manifest": manifest,
    })
}

const HISTORY_TABLE: &str =
    "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}";
const HISTORY_HEADERS: &[(&str, &str)] = &[
    ("ID", "IMAGE"),
    ("CreatedSince", "CREATED"),
    ("CreatedAt", "CREATED AT"),
    ("CreatedBy", "CREATED BY"),
    ("Size", "SIZE"),
    ("Comment", "COMMENT"),
];

pub fn history(settings: &Settings, args: &HistoryArgs) -> CliResult {
    let store = Store::open(&settings.store)?;
    let img = find_image(&store, &args.image)?;
    let cfg = config_of(&store, &img);
    let layer_sizes: Vec<u64> = {
        let records = store.list_layers()?;
        img.layers
            .iter()
            .map(|l| {
                records
                    .iter()
                    .find(|r| r.diff_id == l.diff_id)
                    .map(|r| r.size)
                    .unwrap_or(0)
            })
            .collect()
    };
    let history = cfg["history"].as_array().cloned().unwrap_or_default();
    let mut layer_idx = 0usize;
    let mut rows = Vec::new();
    for h in &history {
        let empty = h["empty_layer"].as_bool().unwrap_or(false);
        let size = if empty {
            0
        } else {
            let s = layer_sizes.get(layer_idx).copied().unwrap_or(0);
            layer_idx += 1;
            s
        };
        rows.push((h.clone(), size));
    }
    rows.reverse();
    let mut items = Vec::new();
    for (i, (h, size)) in rows.iter().enumerate() {
        let id = if i == 0 {
            if args.no_trunc {
                img.id.to_string()
            } else {
                img.id.short().to_string()
            }
        } else {
            "<missing>".to_string()
        };
        let created = h["created"]
            .as_str()
            .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
            .map(|t| t.with_timezone(&chrono::Utc));
        let mut created_by = h["created_by"].as_str().unwrap_or("").to_string();
        if !args.no_trunc && created_by.chars().count() > 45 {
            created_by = created_by.chars().take(44).collect::<String>() + "…";
        }
        items.push(json!({
            "ID": id,
            "CreatedSince": created.map(|t| if args.human { time_ago(t) } else { rfc3339(t) }).unwrap_or_else(|| "N/A".into()),
            "CreatedAt": created.map(rfc3339).unwrap_or_default(),
            "CreatedBy": created_by,
            "Size": if args.human { human_size(*size) } else { size.to_string() },
            "Comment": h["comment"].as_str().unwrap_or(""),
        }));
    }
    if args.quiet {
        for it in &items {
            println!("{}", it["ID"].as_str().unwrap_or_default());
        }
        return Ok(ExitCode::SUCCESS);
    }
    render::print_list(
        args.format.as_deref(),
        HISTORY_TABLE,
        &items,
        HISTORY_HEADERS,
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Top-level `inspect`: containers first, then images, as docker looks
/// them up; `--type` narrows it. docker prints what it found, then the misses.
pub fn inspect(settings: &Settings, args: &super::image::InspectArgs) -> CliResult {
    let kind = args.kind.as_deref();
    if let Some(k) = kind {
        if !matches!(k, "container" | "image" | "volume") {
            return Err(CliError::msg(format!(
                "\"{k}\" is not a valid value for --type; use container, image or volume"
            )));
        }
    }
    let store = Store::open(&settings.store)?;
    let _ = store.reconcile_stale();
    let mut out = Vec::new();
    let mut missing = Vec::new();
    for name in &args.names {
        if kind.is_none() || kind == Some("container") {
            if let Ok(c) = store.find_container(name) {
                out.push(super::container::container_json(&store, &c));
                continue;
            }
        }
        if kind.is_none() || kind == Some("image") {
            if let Ok(img) = find_image(&store, name) {
                out.push(image_json(&store, &img));
                continue;
            }
        }
        if kind == Some("volume") {
            if let Ok(v) = store.find_volume(name) {
                out.push(serde_json::to_value(&v).unwrap_or(Value::Null));
                continue;
            }
        }
        missing.push(name.clone());
    }
    render::print_inspect(args.format.as_deref(), &out)?;
    if missing.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    let mut msg = String::new();
    for (i, m) in missing.iter().enumerate() {
        if i > 0 {
            msg.push_str("\nError: ");
        }
        msg.push_str(&format!("No such object: {m}"));
    }
    Err(CliError::msg(msg))
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn reference_globs_follow_go_path_match() {
        assert!(glob_match("busy*", "busybox"));
        assert!(glob_match("*/busybox", "127.0.0.1:5000/busybox"));
        assert!(!glob_match("*", "a/b"));
        assert!(glob_match("busybox:lat?st", "busybox:latest"));
    }
}
