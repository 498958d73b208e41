//! docker's `Config` and `HostConfig` objects for `inspect`, recorded at create.

use serde_json::json;

use super::engine::CreateRequest;
use super::spec::{self, ImageConfig};

pub(super) fn docker_config_json(
    req: &CreateRequest,
    image_cfg: &ImageConfig,
    cfg_json: &serde_json::Value,
    hostname: &str,
    args: &[String],
    oci: &oci_spec::runtime::Spec,
) -> serde_json::Value {
    let env: Vec<String> = oci
        .process()
        .as_ref()
        .and_then(|p| p.env().clone())
        .unwrap_or_default();
    let _ = image_cfg;
    let image_conf = &cfg_json["config"];
    let entrypoint = match &req.run.entrypoint {
        Some(e) if e.is_empty() => serde_json::Value::Null,
        Some(e) => json!([e]),
        None => image_conf["Entrypoint"].clone(),
    };
    let cmd = if req.run.cmd.is_empty() {
        if req.run.entrypoint.is_some() {
            serde_json::Value::Null
        } else {
            image_conf["Cmd"].clone()
        }
    } else {
        json!(req.run.cmd)
    };
    let mut labels = serde_json::Map::new();
    if let Some(l) = image_conf["Labels"].as_object() {
        labels.extend(l.clone());
    }
    for (k, v) in &req.labels {
        labels.insert(k.clone(), json!(v));
    }
    let _ = args;
    let mut config = json!({
        "Hostname": hostname,
        "Domainname": req.run.domainname.clone().unwrap_or_default(),
        "User": req.run.user.clone().unwrap_or_else(|| image_conf["User"].as_str().unwrap_or("").to_string()),
        "AttachStdin": req.run.interactive,
        "AttachStdout": true,
        "AttachStderr": true,
        "Tty": req.run.tty,
        "OpenStdin": req.run.interactive,
        "StdinOnce": req.run.interactive,
        "Env": env,
        "Cmd": cmd,
        "Image": req.image_name,
        "Volumes": image_conf["Volumes"].clone(),
        "WorkingDir": req.run.workdir.clone().unwrap_or_else(|| image_conf["WorkingDir"].as_str().unwrap_or("").to_string()),
        "Entrypoint": entrypoint,
        "OnBuild": serde_json::Value::Null,
        "Labels": labels,
        "StopSignal": req.run.stop_signal.clone().or_else(|| image_conf["StopSignal"].as_str().map(str::to_string)),
        "StopTimeout": req.stop_timeout,
        "ExposedPorts": image_conf["ExposedPorts"].clone(),
        "Healthcheck": req.health.as_ref().map(|h| serde_json::to_value(h).unwrap_or_default()),
    });
    if !req.create_command.is_empty() {
        config["CreateCommand"] = json!(req.create_command);
    }
    config
}

pub(super) fn host_config_json(req: &CreateRequest) -> serde_json::Value {
    let r = &req.run;
    json!({
        "Binds": r.volumes,
        "NetworkMode": match &r.network { spec::NetworkMode::None => "none".to_string(), spec::NetworkMode::Host => "host".to_string(), spec::NetworkMode::Bridge => "bridge".to_string(), spec::NetworkMode::Container(c) => format!("container:{c}") },
        "RestartPolicy": req.restart,
        "AutoRemove": req.auto_remove,
        "LogConfig": req.log,
        "CapAdd": r.cap_add,
        "CapDrop": r.cap_drop,
        "Dns": r.dns,
        "DnsOptions": r.dns_options,
        "DnsSearch": r.dns_search,
        "ExtraHosts": r.add_hosts,
        "GroupAdd": r.group_add,
        "Privileged": r.privileged,
        "ReadonlyRootfs": r.read_only,
        "SecurityOpt": r.security_opts,
        "Tmpfs": r.tmpfs,
        "ShmSize": r.shm_size.as_deref().and_then(|s| super::config::parse_size(s).ok()).unwrap_or(64 << 20),
        "Memory": r.memory.as_deref().and_then(|s| super::config::parse_size(s).ok()).unwrap_or(0),
        "MemorySwap": r.memory_swap.as_deref().and_then(|s| super::config::parse_size(s).ok()).unwrap_or(0),
        "CpuShares": r.cpu_shares.unwrap_or(0),
        "NanoCpus": r.cpus.as_deref().and_then(|c| c.parse::<f64>().ok()).map(|c| (c * 1e9) as i64).unwrap_or(0),
        "PidsLimit": r.pids_limit,
        "Ulimits": r.ulimits,
        "Devices": r.devices,
        "Init": r.init,
    })
}
