//! Issue 6: `berth events` — every berth process (and the detached monitor)
//! appends to the store's event log; `events` lists and follows it with
//! docker's `--since`, `--until`, `--filter` and `--format`.

mod support;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use support::{berth, wait_until, with_busybox, TestBerth};

/// Now as a unix timestamp with nanoseconds, as `--since`/`--until` take it.
fn now() -> String {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970");
    format!("{}.{:09}", d.as_secs(), d.subsec_nanos())
}

/// The events between `since` and now, one template line each.
fn events_since(b: &TestBerth, since: &str, extra: &[&str], format: &str) -> Vec<String> {
    let until = now();
    let mut args = vec![
        "events", "--since", since, "--until", &until, "--format", format,
    ];
    args.extend_from_slice(extra);
    let out = b.cmd(&args);
    out.success();
    out.stdout_lines().iter().map(|s| s.to_string()).collect()
}

#[test]
fn events_lists_what_each_command_did_in_order() {
    let (b, img) = with_busybox();
    let t0 = now();
    b.cmd(&[
        "create",
        "--name",
        "web",
        "--label",
        "tier=front",
        &img,
        "sleep",
        "30",
    ])
    .success();
    b.cmd(&["start", "web"]).success();
    b.cmd(&["stop", "-t", "1", "web"]).success();
    b.cmd(&["rm", "web"]).success();
    b.cmd(&["tag", &img, "renamed:v1"]).success();
    b.cmd(&["rmi", "renamed:v1"]).success();
    b.cmd(&["volume", "create", "data"]).success();
    b.cmd(&["volume", "rm", "data"]).success();
    b.cmd(&["network", "create", "evnet"]).success();
    b.cmd(&["network", "rm", "evnet"]).success();

    let lines = events_since(&b, &t0, &[], "{{.Type}} {{.Action}}");
    // `kill` lines race with the monitor's `die`; they are checked below.
    let ordered: Vec<&str> = lines
        .iter()
        .map(String::as_str)
        .filter(|l| *l != "container kill")
        .collect();
    assert_eq!(
        ordered,
        [
            "container create",
            "container start",
            "container die",
            "container stop",
            "container destroy",
            "image tag",
            "image untag",
            "volume create",
            "volume destroy",
            "network create",
            "network destroy",
        ],
        "all events: {lines:?}"
    );

    let containers = events_since(
        &b,
        &t0,
        &["--filter", "container=web"],
        "{{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.tier}} {{.From}}",
    );
    assert_eq!(containers[0], format!("create web front {img}"));
    assert!(
        containers.iter().any(|l| l.starts_with("kill web")),
        "{containers:?}"
    );
    let signals = events_since(
        &b,
        &t0,
        &["--filter", "event=kill"],
        "{{.Actor.Attributes.signal}}",
    );
    assert_eq!(signals.first().map(String::as_str), Some("15"));

    let tag = events_since(
        &b,
        &t0,
        &["--filter", "event=tag"],
        "{{.Actor.Attributes.name}}",
    );
    assert_eq!(tag, ["renamed:v1"]);
}

#[test]
fn filters_combine_like_dockers() {
    let (b, img) = with_busybox();
    let t0 = now();
    b.cmd(&["run", "--name", "one", &img, "true"]).success();
    b.cmd(&["run", "--name", "two", &img, "sh", "-c", "exit 4"])
        .code(4);
    b.cmd(&["volume", "create", "vol1"]).success();

    let types = events_since(&b, &t0, &["-f", "type=volume"], "{{.Type}} {{.Actor.ID}}");
    assert_eq!(types, ["volume vol1"]);

    let deaths = events_since(
        &b,
        &t0,
        &["-f", "event=die"],
        "{{.Actor.Attributes.name}} {{.Actor.Attributes.exitCode}}",
    );
    assert_eq!(deaths, ["one 0", "two 4"]);

    // Same key: either; different keys: both.
    let either = events_since(
        &b,
        &t0,
        &[
            "-f",
            "container=one",
            "-f",
            "container=two",
            "-f",
            "event=start",
        ],
        "{{.Actor.Attributes.name}}",
    );
    assert_eq!(either, ["one", "two"]);
    let both = events_since(
        &b,
        &t0,
        &["-f", "container=two", "-f", "event=create"],
        "{{.Actor.Attributes.name}}",
    );
    assert_eq!(both, ["two"]);
    let labelled = events_since(&b, &t0, &["-f", "label=nosuch"], "{{.Action}}");
    assert!(labelled.is_empty(), "{labelled:?}");
}

#[test]
fn default_and_json_output_look_like_dockers() {
    let b = berth();
    let t0 = now();
    b.cmd(&["volume", "create", "plain"]).success();
    let text = events_since(&b, &t0, &[], "");
    assert_eq!(text.len(), 1, "{text:?}");
    assert!(
        text[0].ends_with(" volume create plain (driver=local)"),
        "{text:?}"
    );
    let json = events_since(&b, &t0, &[], "json");
    let v: serde_json::Value = serde_json::from_str(&json[0]).expect("a JSON line");
    assert_eq!(v["Type"], "volume");
    assert_eq!(v["Action"], "create");
    assert_eq!(v["Actor"]["ID"], "plain");
    assert_eq!(v["scope"], "local");
    assert!(v["timeNano"].as_i64().is_some_and(|n| n > 0));
}

#[test]
fn a_detached_containers_die_is_recorded_by_its_monitor() {
    let (b, img) = with_busybox();
    let t0 = now();
    b.cmd(&[
        "run",
        "-d",
        "--name",
        "bg",
        &img,
        "sh",
        "-c",
        "sleep 0.2; exit 3",
    ])
    .success();
    let mut deaths = Vec::new();
    let died = wait_until(Duration::from_secs(20), || {
        deaths = events_since(
            &b,
            &t0,
            &["--filter", "event=die", "--filter", "container=bg"],
            "{{.Actor.Attributes.name}} {{.Actor.Attributes.exitCode}}",
        );
        !deaths.is_empty()
    });
    assert!(died, "no die event from the monitor");
    assert_eq!(deaths, ["bg 3"]);
}

#[test]
fn events_follows_new_events_until_stopped() {
    let (b, img) = with_busybox();
    let t0 = now();
    let mut child = b
        .command(&[
            "events",
            "--since",
            &t0,
            "--filter",
            "type=container",
            "--format",
            "{{.Action}} {{.Actor.Attributes.name}}",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start berth events");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    b.cmd(&["run", "--rm", "--name", "followed", &img, "true"])
        .success();
    let mut seen = Vec::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !seen.iter().any(|l: &String| l == "destroy followed") {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => seen.push(line),
            Err(_) => break,
        }
    }
    // Only the process this test started.
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(
        seen,
        [
            "create followed",
            "start followed",
            "die followed",
            "destroy followed"
        ]
    );
}

#[test]
fn concurrent_commands_lose_and_tear_no_events() {
    let b = berth();
    let t0 = now();
    const THREADS: usize = 8;
    const ROUNDS: usize = 6;
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let b = &b;
            s.spawn(move || {
                for r in 0..ROUNDS {
                    let name = format!("v{t}-{r}");
                    b.cmd(&["volume", "create", &name]).success();
                    b.cmd(&["volume", "rm", &name]).success();
                }
            });
        }
    });
    let log = std::fs::read_to_string(b.root().join("events/events.jsonl")).expect("the log");
    let mut creates = 0;
    let mut destroys = 0;
    for line in log.lines() {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("torn line {line:?}: {e}"));
        match v["Action"].as_str() {
            Some("create") => creates += 1,
            Some("destroy") => destroys += 1,
            other => panic!("unexpected action {other:?}"),
        }
    }
    assert_eq!((creates, destroys), (THREADS * ROUNDS, THREADS * ROUNDS));
    let listed = events_since(&b, &t0, &["-f", "type=volume"], "{{.Action}}");
    assert_eq!(listed.len(), 2 * THREADS * ROUNDS);
}

#[test]
fn bad_times_filters_and_formats_exit_1() {
    let b = berth();
    b.cmd(&["events", "--since", "yesterday"])
        .code(1)
        .stderr_contains("Error:");
    b.cmd(&["events", "--since", "0", "--until", "2026-13-45"])
        .code(1)
        .stderr_contains("Error:");
    b.cmd(&["events", "--until", "1s", "--filter", "colour=red"])
        .code(1)
        .stderr_contains("invalid filter");
    b.cmd(&["events", "--until", "1s", "--format", "{{.Type"])
        .code(1)
        .stderr_contains("Error:");
}
