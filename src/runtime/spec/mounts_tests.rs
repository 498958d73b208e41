use super::*;

fn err<T: std::fmt::Debug>(r: Result<T>) -> String {
    r.expect_err("should fail").to_string()
}

#[test]
fn clean_path_as_go() {
    assert_eq!(clean_path("/a//b/./c/../d/"), "/a/b/d");
    assert_eq!(clean_path("/../x"), "/x");
    assert_eq!(clean_path("a/../.."), "..");
    assert_eq!(clean_path(""), ".");
}

#[test]
fn volume_bind_named_and_anonymous() {
    let b = parse_volume("/host/dir:/data:ro").unwrap();
    assert_eq!(b.kind, MountKind::Bind);
    assert_eq!(
        (b.source.as_str(), b.destination.as_str()),
        ("/host/dir", "/data")
    );
    assert!(b.read_only && b.create_source);
    assert_eq!(b.mode, "ro");

    let n = parse_volume("cache:/var/cache/").unwrap();
    assert_eq!(n.kind, MountKind::Volume);
    assert_eq!(
        (n.source.as_str(), n.destination.as_str()),
        ("cache", "/var/cache")
    );
    assert!(!n.read_only);

    let a = parse_volume("/scratch").unwrap();
    assert_eq!(a.kind, MountKind::Volume);
    assert_eq!(a.source, "");

    let p = parse_volume("/h:/c:rshared,z").unwrap();
    assert_eq!(p.propagation.as_deref(), Some("rshared"));
    let nc = parse_volume("v1:/c:nocopy").unwrap();
    assert!(nc.no_copy);
}

#[test]
fn volume_errors_are_dockers() {
    assert_eq!(
        err(parse_volume(":/x")),
        "invalid volume specification: ':/x'"
    );
    assert_eq!(
        err(parse_volume("/foo:rw")),
        "invalid volume specification: '/foo:rw'"
    );
    assert_eq!(
        err(parse_volume("/a:/b:c:d")),
        "invalid volume specification: '/a:/b:c:d'"
    );
    assert_eq!(err(parse_volume("/a:/b:bogus")), "invalid mode: bogus");
    assert_eq!(err(parse_volume("/a:/b:ro,rw")), "invalid mode: ro,rw");
    assert_eq!(
        err(parse_volume("/a:/")),
        "invalid volume specification: '/a:/': invalid mount config for type \"bind\": invalid specification: destination can't be '/'"
    );
    assert_eq!(
        err(parse_volume("/a:rel")),
        "invalid volume specification: '/a:rel': invalid mount config for type \"bind\": invalid mount path: 'rel' mount path must be absolute"
    );
    assert_eq!(
        err(parse_volume("vol:/x:shared")),
        "invalid volume specification: 'vol:/x:shared': invalid mount config for type \"volume\": field BindOptions must not be specified"
    );
    assert!(err(parse_volume("bad$name:/x"))
        .contains("includes invalid characters for a local volume name"));
}

#[test]
fn mount_bind_requires_existing_source() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().display().to_string();
    let m = parse_mount(&format!(
        "type=bind,source={src},target=/data,readonly,bind-propagation=rslave"
    ))
    .unwrap();
    assert_eq!(m.kind, MountKind::Bind);
    assert_eq!(m.source, src);
    assert!(m.read_only && !m.create_source);
    assert_eq!(m.propagation.as_deref(), Some("rslave"));

    let missing = format!("{src}/nope");
    assert_eq!(
        err(parse_mount(&format!("type=bind,src={missing},dst=/x"))),
        format!(
            "invalid mount config for type \"bind\": bind source path does not exist: {missing}"
        )
    );
    assert!(parse_mount(&format!("type=bind,src={missing},dst=/x,bind-create-src")).is_ok());
}

#[test]
fn mount_volume_and_tmpfs() {
    let v = parse_mount("type=volume,source=data,target=/d,volume-nocopy,volume-opt=o=1").unwrap();
    assert_eq!(
        (v.kind, v.source.as_str(), v.no_copy),
        (MountKind::Volume, "data", true)
    );
    let anon = parse_mount("target=/d").unwrap();
    assert_eq!((anon.kind, anon.source.as_str()), (MountKind::Volume, ""));

    let t = parse_mount("type=tmpfs,target=/t,tmpfs-size=64m,tmpfs-mode=1770").unwrap();
    assert_eq!(t.kind, MountKind::Tmpfs);
    assert_eq!(
        t.tmpfs_options,
        vec![
            "noexec",
            "nosuid",
            "nodev",
            "rprivate",
            "mode=1770",
            "size=64m"
        ]
    );
    let ro = parse_mount("type=tmpfs,dst=/t,ro,tmpfs-size=1000").unwrap();
    assert_eq!(
        ro.tmpfs_options,
        vec!["noexec", "nosuid", "nodev", "rprivate", "ro", "size=1000"]
    );
}

#[test]
fn mount_errors_are_dockers() {
    assert_eq!(err(parse_mount("")), "value is empty");
    assert_eq!(
        err(parse_mount("type=tmpfs,target=/t,bind-propagation=shared")),
        "cannot mix 'bind-*' options with mount type 'tmpfs'"
    );
    assert_eq!(
        err(parse_mount("type=bind,target=/t,volume-nocopy")),
        "cannot mix 'volume-*' options with mount type 'bind'"
    );
    assert_eq!(
        err(parse_mount("type=volume,target=/t,foo=bar")),
        "unknown option 'foo' in 'foo=bar'"
    );
    assert_eq!(
        err(parse_mount("type=volume,target")),
        "invalid field 'target' must be a key=value pair"
    );
    assert_eq!(
        err(parse_mount("type=volume,target=")),
        "invalid value for 'target': value is empty"
    );
    assert_eq!(
        err(parse_mount("type=bogus,target=/x")),
        "invalid mount config for type \"bogus\": mount type unknown"
    );
    assert_eq!(
        err(parse_mount("type=volume,source=v")),
        "invalid mount config for type \"volume\": field Target must not be empty"
    );
    assert_eq!(
        err(parse_mount("type=bind,target=/x")),
        "invalid mount config for type \"bind\": field Source must not be empty"
    );
    assert_eq!(
        err(parse_mount("type=tmpfs,target=/x,tmpfs-size=big")),
        "invalid value for tmpfs-size: big"
    );
    assert_eq!(
        err(parse_mount("type=tmpfs,source=x,target=/x")),
        "invalid mount config for type \"tmpfs\": field Source must not be specified"
    );
    assert_eq!(err(parse_mount("type=volume,target=/x,ro=maybe")), "invalid value for 'ro': invalid boolean value (\"maybe\"): must be one of \"true\", \"1\", \"false\", or \"0\" (default \"true\")");
}

#[test]
fn mount_csv_quotes() {
    let m = parse_mount("\"type=volume\",\"target=/a,b\"").unwrap();
    assert_eq!(m.destination, "/a,b");
}

#[test]
fn tmpfs_flag_parsing_and_merge() {
    let t = parse_tmpfs("/run:rw,size=64m").unwrap();
    assert_eq!(t.destination, "/run");
    assert_eq!(
        t.tmpfs_options,
        vec!["noexec", "nosuid", "nodev", "rprivate", "rw", "size=64m"]
    );
    let t = parse_tmpfs("/run:exec,size=1m,size=2m").unwrap();
    assert_eq!(
        t.tmpfs_options,
        vec!["nosuid", "nodev", "rprivate", "exec", "size=2m"]
    );
    let t = parse_tmpfs("/tmp").unwrap();
    assert_eq!(
        t.tmpfs_options,
        vec!["noexec", "nosuid", "nodev", "rprivate"]
    );
    assert_eq!(
        err(parse_tmpfs("/run:bogus")),
        "invalid tmpfs option \"bogus\""
    );
    assert_eq!(
        err(parse_tmpfs("run")),
        "invalid mount path: 'run' mount path must be absolute"
    );
    assert_eq!(
        err(parse_tmpfs("/")),
        "invalid specification: destination can't be '/'"
    );
}
