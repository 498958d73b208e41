use super::*;

fn change(s: &str) -> Change {
    parse_change(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn cmd_and_entrypoint_take_exec_or_shell_form() {
    assert_eq!(
        change(r#"CMD ["/bin/sh", "-c", "echo hi"]"#),
        Change::Cmd(strings(&["/bin/sh", "-c", "echo hi"]))
    );
    assert_eq!(
        change("cmd echo hi"),
        Change::Cmd(strings(&["/bin/sh", "-c", "echo hi"]))
    );
    assert_eq!(
        change(r#"ENTRYPOINT ["/init"]"#),
        Change::Entrypoint(strings(&["/init"]))
    );
    // Malformed JSON is shell form, as docker treats it.
    assert_eq!(
        change("ENTRYPOINT [oops"),
        Change::Entrypoint(strings(&["/bin/sh", "-c", "[oops"]))
    );
}

#[test]
fn env_and_label_take_both_forms() {
    let pairs = |v: &[(&str, &str)]| {
        v.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        change(r#"ENV A=1 B="two words" C=x\ y"#),
        Change::Env(pairs(&[("A", "1"), ("B", "two words"), ("C", "x y")]))
    );
    assert_eq!(
        change("ENV PATH /usr/bin:/bin"),
        Change::Env(pairs(&[("PATH", "/usr/bin:/bin")]))
    );
    assert_eq!(
        change("ENV GREETING hello world"),
        Change::Env(pairs(&[("GREETING", "hello world")]))
    );
    assert_eq!(
        change(r#"LABEL a=b "com.x.y"='z z'"#),
        Change::Label(pairs(&[("a", "b"), ("com.x.y", "z z")]))
    );
    for bad in ["ENV", "ENV A=1 B", "ENV =x", "LABEL onlykey"] {
        assert!(parse_change(bad).is_err(), "{bad:?} accepted");
    }
}

#[test]
fn expose_normalises_ports() {
    assert_eq!(
        change("EXPOSE 80 53/UDP 8000-8002"),
        Change::Expose(strings(&[
            "80/tcp", "53/udp", "8000/tcp", "8001/tcp", "8002/tcp"
        ]))
    );
    for bad in [
        "EXPOSE http",
        "EXPOSE 80/icmp",
        "EXPOSE 70000",
        "EXPOSE 90-80",
    ] {
        assert!(parse_change(bad).is_err(), "{bad:?} accepted");
    }
}

#[test]
fn simple_instructions() {
    assert_eq!(
        change("USER nobody:nogroup"),
        Change::User("nobody:nogroup".into())
    );
    assert_eq!(
        change("WORKDIR /srv/app"),
        Change::Workdir("/srv/app".into())
    );
    assert_eq!(
        change("STOPSIGNAL SIGTERM"),
        Change::StopSignal("SIGTERM".into())
    );
    assert_eq!(
        change(r#"VOLUME ["/data", "/logs"]"#),
        Change::Volume(strings(&["/data", "/logs"]))
    );
    assert_eq!(
        change("VOLUME /data /logs"),
        Change::Volume(strings(&["/data", "/logs"]))
    );
    assert_eq!(
        change("ONBUILD RUN make"),
        Change::OnBuild("RUN make".into())
    );
    assert!(parse_change("ONBUILD FROM x").is_err());
    assert!(parse_change("USER").is_err());
}

#[test]
fn healthcheck_flags_and_forms() {
    let h = match change(
        "HEALTHCHECK --interval=30s --timeout=1m30s --retries=3 CMD curl -f http://localhost/",
    ) {
        Change::Healthcheck(h) => h,
        other => panic!("{other:?}"),
    };
    assert_eq!(h.test, strings(&["CMD-SHELL", "curl -f http://localhost/"]));
    assert_eq!(h.interval, Some(30_000_000_000));
    assert_eq!(h.timeout, Some(90_000_000_000));
    assert_eq!(h.retries, Some(3));
    assert_eq!(
        change(r#"HEALTHCHECK CMD ["/ok"]"#),
        Change::Healthcheck(Healthcheck {
            test: strings(&["CMD", "/ok"]),
            ..Default::default()
        })
    );
    assert_eq!(
        change("HEALTHCHECK NONE"),
        Change::Healthcheck(Healthcheck {
            test: strings(&["NONE"]),
            ..Default::default()
        })
    );
    for bad in [
        "HEALTHCHECK --interval=5 CMD x",
        "HEALTHCHECK --bogus=1 CMD x",
        "HEALTHCHECK CMD",
        "HEALTHCHECK RUN x",
    ] {
        assert!(parse_change(bad).is_err(), "{bad:?} accepted");
    }
}

#[test]
fn other_instructions_are_refused_with_docker_s_message() {
    for (s, word) in [
        ("RUN apt-get update", "RUN"),
        ("from busybox", "FROM"),
        ("COPY a b", "COPY"),
        ("BOGUS", "BOGUS"),
    ] {
        let msg = parse_change(s).expect_err("accepted").to_string();
        assert!(
            msg.contains(&format!(
                "dockerfile instruction {word} is not supported by --change"
            )),
            "{msg}"
        );
    }
}

#[test]
fn changes_apply_in_order_to_the_config() {
    let changes = ImportChanges::parse(&[
        "ENV A=1 B=2",
        "ENV A=3",
        "EXPOSE 80",
        "LABEL x=y",
        "WORKDIR /srv",
        "WORKDIR app/../web",
        "CMD [\"a\"]",
        "CMD b",
        "VOLUME /data",
        "HEALTHCHECK --interval=1s CMD true",
    ])
    .expect("parse");
    let cfg = Value::Object(changes.to_config());
    assert_eq!(cfg["Env"], json!(["B=2", "A=3"]));
    assert_eq!(cfg["ExposedPorts"], json!({"80/tcp": {}}));
    assert_eq!(cfg["Labels"], json!({"x": "y"}));
    assert_eq!(cfg["WorkingDir"], "/srv/web");
    assert_eq!(cfg["Cmd"], json!(["/bin/sh", "-c", "b"]));
    assert_eq!(cfg["Volumes"], json!({"/data": {}}));
    assert_eq!(
        cfg["Healthcheck"],
        json!({"Test": ["CMD-SHELL", "true"], "Interval": 1_000_000_000u64})
    );
    assert!(ImportChanges::default().to_config().is_empty());
}
