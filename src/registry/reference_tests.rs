//! Cases from docker's distribution/reference tests (reference_test.go,
//! normalize_test.go), checked against our normalised form.

use super::*;

const FF: &str = "sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
const BUSYBOX_DIGEST: &str =
    "sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa";

fn parse(s: &str) -> ImageRef {
    match ImageRef::parse(s) {
        Ok(r) => r,
        Err(e) => panic!("{s:?} should parse, got: {e}"),
    }
}

fn err(s: &str) -> ReferenceError {
    match ImageRef::parse(s) {
        Ok(r) => panic!("{s:?} should be refused, parsed as {r}"),
        Err(e) => e,
    }
}

fn parts(s: &str) -> (String, String, Option<String>, Option<String>) {
    let r = parse(s);
    (
        r.registry().to_owned(),
        r.repository().to_owned(),
        r.tag().map(str::to_owned),
        r.digest().map(str::to_owned),
    )
}

fn some(s: &str) -> Option<String> {
    Some(s.to_owned())
}

#[test]
fn familiar_names_normalise_to_docker_hub_library() {
    let r = parse("busybox");
    assert_eq!(r.registry(), "docker.io");
    assert_eq!(r.repository(), "library/busybox");
    assert_eq!(r.tag(), Some("latest"));
    assert_eq!(r.digest(), None);
    assert_eq!(r.to_string(), "docker.io/library/busybox:latest");
    assert_eq!(r.name(), "docker.io/library/busybox");
    assert_eq!(r.familiar_name(), "busybox");
    assert_eq!(r.familiar(), "busybox:latest");
}

#[test]
fn full_familiar_and_legacy_hub_names_are_the_same_reference() {
    // (familiar, full, ambiguous) triples from TestParseRepositoryInfo.
    let cases: &[(&str, &str, &[&str], &str, &str)] = &[
        ("localhost/fooo", "localhost/fooo", &[], "localhost", "fooo"),
        (
            "localhost/fooo/bar",
            "localhost/fooo/bar",
            &[],
            "localhost",
            "fooo/bar",
        ),
        (
            "LOCALDOMAIN/fooo",
            "LOCALDOMAIN/fooo",
            &[],
            "LOCALDOMAIN",
            "fooo",
        ),
        (
            "LOCALDOMAIN/fooo/bar",
            "LOCALDOMAIN/fooo/bar",
            &[],
            "LOCALDOMAIN",
            "fooo/bar",
        ),
        (
            "fooo/bar",
            "docker.io/fooo/bar",
            &["index.docker.io/fooo/bar"],
            "docker.io",
            "fooo/bar",
        ),
        (
            "ubuntu",
            "docker.io/library/ubuntu",
            &["library/ubuntu"],
            "docker.io",
            "library/ubuntu",
        ),
        (
            "nonlibrary/ubuntu",
            "docker.io/nonlibrary/ubuntu",
            &[],
            "docker.io",
            "nonlibrary/ubuntu",
        ),
        (
            "other/library",
            "docker.io/other/library",
            &[],
            "docker.io",
            "other/library",
        ),
        (
            "127.0.0.1:8000/private/moonbase",
            "127.0.0.1:8000/private/moonbase",
            &[],
            "127.0.0.1:8000",
            "private/moonbase",
        ),
        (
            "example.com/privatebase",
            "example.com/privatebase",
            &[],
            "example.com",
            "privatebase",
        ),
        (
            "example.com:8000/private/moonbase",
            "example.com:8000/private/moonbase",
            &[],
            "example.com:8000",
            "private/moonbase",
        ),
        (
            "ubuntu-12.04-base",
            "docker.io/library/ubuntu-12.04-base",
            &["index.docker.io/library/ubuntu-12.04-base"],
            "docker.io",
            "library/ubuntu-12.04-base",
        ),
        (
            "foo",
            "docker.io/library/foo",
            &["docker.io/foo"],
            "docker.io",
            "library/foo",
        ),
        (
            "library/foo/bar",
            "docker.io/library/foo/bar",
            &[],
            "docker.io",
            "library/foo/bar",
        ),
        (
            "store/foo/bar",
            "docker.io/store/foo/bar",
            &[],
            "docker.io",
            "store/foo/bar",
        ),
        ("Foo/bar", "Foo/bar", &[], "Foo", "bar"),
        ("FOO/bar", "FOO/bar", &[], "FOO", "bar"),
    ];
    for (familiar, full, ambiguous, domain, path) in cases {
        let inputs = [*familiar, *full]
            .into_iter()
            .chain(ambiguous.iter().copied());
        for input in inputs {
            let r = parse(input);
            assert_eq!(r.familiar_name(), *familiar, "familiar name of {input}");
            assert_eq!(r.name(), *full, "full name of {input}");
            assert_eq!(r.registry(), *domain, "domain of {input}");
            assert_eq!(r.repository(), *path, "path of {input}");
            assert_eq!(r.tag(), Some("latest"), "default tag of {input}");
        }
    }
}

#[test]
fn tags_digests_and_ports_split_as_docker_does() {
    // (input, registry, repository, tag)
    let cases: &[[&str; 4]] = &[
        ["test_com", "docker.io", "library/test_com", "latest"],
        ["test.com:tag", "docker.io", "library/test.com", "tag"],
        // A single component is never a domain, even with a port-like tag.
        ["test.com:5000", "docker.io", "library/test.com", "5000"],
        ["test.com/repo:tag", "test.com", "repo", "tag"],
        ["test:5000/repo", "test:5000", "repo", "latest"],
        ["test:5000/repo:tag", "test:5000", "repo", "tag"],
        [
            "lowercase:Uppercase",
            "docker.io",
            "library/lowercase",
            "Uppercase",
        ],
        [
            "sub-dom1.foo.com/bar/baz/quux",
            "sub-dom1.foo.com",
            "bar/baz/quux",
            "latest",
        ],
        [
            "sub-dom1.foo.com/bar/baz/quux:some-long-tag",
            "sub-dom1.foo.com",
            "bar/baz/quux",
            "some-long-tag",
        ],
        [
            "b.gcr.io/test.example.com/my-app:test.example.com",
            "b.gcr.io",
            "test.example.com/my-app",
            "test.example.com",
        ],
        [
            "xn--n3h.com/myimage:xn--n3h.com",
            "xn--n3h.com",
            "myimage",
            "xn--n3h.com",
        ],
        [
            "foo_bar.com:8080",
            "docker.io",
            "library/foo_bar.com",
            "8080",
        ],
        [
            "foo/foo_bar.com:8080",
            "docker.io",
            "foo/foo_bar.com",
            "8080",
        ],
        ["192.168.1.1", "docker.io", "library/192.168.1.1", "latest"],
        [
            "192.168.1.1:5000",
            "docker.io",
            "library/192.168.1.1",
            "5000",
        ],
        ["192.168.1.1/repo", "192.168.1.1", "repo", "latest"],
        [
            "192.168.1.1:5000/repo:5050",
            "192.168.1.1:5000",
            "repo",
            "5050",
        ],
        ["[2001:db8::1]/repo", "[2001:db8::1]", "repo", "latest"],
        [
            "[2001:db8:1:2:3:4:5:6]/repo:tag",
            "[2001:db8:1:2:3:4:5:6]",
            "repo",
            "tag",
        ],
        [
            "[2001:db8::1]:5000/repo",
            "[2001:db8::1]:5000",
            "repo",
            "latest",
        ],
        [
            "[2001:db8::]:5000/repo",
            "[2001:db8::]:5000",
            "repo",
            "latest",
        ],
        ["[::1]:5000/repo", "[::1]:5000", "repo", "latest"],
        ["[::1]:5000/foo", "[::1]:5000", "foo", "latest"],
    ];
    for [input, domain, path, tag] in cases {
        let want = (domain.to_string(), path.to_string(), some(tag), None);
        assert_eq!(parts(input), want, "{input}");
    }
}

#[test]
fn digest_without_tag_gets_no_default_tag() {
    let input = format!("test:5000/repo@{FF}");
    assert_eq!(
        parts(&input),
        ("test:5000".into(), "repo".into(), None, some(FF))
    );
    assert_eq!(parse(&input).to_string(), input);
    let r = parse(&format!("redis@{BUSYBOX_DIGEST}"));
    assert_eq!(
        r.to_string(),
        format!("docker.io/library/redis@{BUSYBOX_DIGEST}")
    );
    assert_eq!(r.familiar(), format!("redis@{BUSYBOX_DIGEST}"));
}

#[test]
fn tag_and_digest_together_are_both_kept() {
    let short = format!("busybox:latest@{BUSYBOX_DIGEST}");
    let r = parse(&short);
    assert_eq!(r.to_string(), format!("docker.io/library/{short}"));
    assert_eq!(r.familiar(), short);
    assert_eq!(r.tag(), Some("latest"));
    assert_eq!(r.digest(), Some(BUSYBOX_DIGEST));

    let v6 = format!("[2001:db8::1]:5000/repo:tag@{FF}");
    assert_eq!(
        parts(&v6),
        (
            "[2001:db8::1]:5000".into(),
            "repo".into(),
            some("tag"),
            some(FF)
        )
    );
    let puny = format!("xn--7o8h.com/myimage:xn--7o8h.com@{FF}");
    assert_eq!(parse(&puny).to_string(), puny);
}

#[test]
fn valid_repository_names_from_docker_parse() {
    for name in [
        "docker/docker",
        "library/debian",
        "debian",
        "localhost/library/debian",
        "localhost/debian",
        "LOCALDOMAIN/library/debian",
        "LOCALDOMAIN/debian",
        "docker.io/docker/docker",
        "docker.io/library/debian",
        "docker.io/debian",
        "index.docker.io/docker/docker",
        "index.docker.io/library/debian",
        "index.docker.io/debian",
        "127.0.0.1:5000/docker/docker",
        "127.0.0.1:5000/library/debian",
        "127.0.0.1:5000/debian",
        "192.168.0.1",
        "192.168.0.1:80",
        "192.168.0.1:8/debian",
        "192.168.0.2:25000/debian",
        "thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev",
        "[fc00::1]:5000/docker",
        "[fc00::1]:5000/docker/docker",
        "[fc00:1:2:3:4:5:6:7]:5000/library/debian",
        // With a domain, 64 hex is a name, not an ID.
        "docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
        "Docker/docker",
        "DOCKER/docker",
        "docker-rules/docker",
        "docker---rules/docker",
        "doc/docker",
        "d/docker",
        "jess/t",
        "dock__er/docker",
    ] {
        parse(name);
    }
}

#[test]
fn invalid_repository_names_from_docker_are_refused() {
    let too_long_namespace = format!("{}/docker", "x".repeat(256));
    for name in [
        "",
        ":justtag",
        "https://github.com/docker/docker",
        "docker/Docker",
        "-docker",
        "-docker/docker",
        "-docker.io/docker/docker",
        "docker///docker",
        "docker.io/docker/Docker",
        "docker.io/docker///docker",
        "[fc00::1]",
        "[fc00::1]:5000",
        "[2001:db8::1]:tag",
        "fc00::1:5000/debian",
        "[fe80::1%eth0]:5000/debian",
        "[fe80::1%@invalidzone]:5000/repo",
        "[2001:db8:3:4::192.0.2.33]:5000/debian",
        "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
        "docker-/docker",
        "-docker-/docker",
        "____/____",
        "_docker/_docker",
        "dock..er/docker",
        "dock_.er/docker",
        "dock-.er/docker",
        "dock___er/docker",
        "docker/",
        "aa/asdf$$^/aa",
        "busybox:",
        "busybox:-tag",
        "busybox:.tag",
        "busybox@",
        "foo_bar.com/x",
        "a b",
        too_long_namespace.as_str(),
    ] {
        err(name);
    }
}

#[test]
fn error_messages_read_like_dockers() {
    assert_eq!(
        err("Busybox").to_string(),
        "invalid reference format: repository name (library/Busybox) must be lowercase"
    );
    assert_eq!(
        err("test:5000/Uppercase/lowercase:tag"),
        ReferenceError::Uppercase {
            repository: "Uppercase/lowercase".into()
        }
    );
    assert!(err("a b")
        .to_string()
        .starts_with("invalid reference format: \"a b\""));
    let hex = "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a";
    assert!(err(hex).to_string().starts_with(&format!(
        "invalid repository name ({hex}), cannot specify 64-byte"
    )));
}

#[test]
fn repository_length_limit_counts_the_path_only() {
    // distribution/reference v0.6 (docker 25+) excludes the domain from the limit.
    let ok = format!("example.com/{}:tag", "a".repeat(255));
    assert_eq!(parse(&ok).repository().len(), 255);
    let deep = format!("{}a:tag-puts-this-over-max", "a/".repeat(127));
    assert_eq!(parse(&deep).repository().len(), 255);
    let too_long = format!("domain/{}:tag", "a".repeat(256));
    assert!(matches!(err(&too_long), ReferenceError::NameTooLong { .. }));
}

#[test]
fn tag_grammar_limits() {
    parse(&format!("busybox:{}", "t".repeat(128)));
    err(&format!("busybox:{}", "t".repeat(129)));
    assert_eq!(
        parse("busybox:_under.score-1").tag(),
        Some("_under.score-1")
    );
    err("busybox:a:b");
    err("busybox:tag/x");
}

#[test]
fn digests_other_than_sha256_hex64_are_refused_clearly() {
    let short = err("repo@sha256:ffffffffffffffffffffffffffffffffff");
    assert!(matches!(
        short,
        ReferenceError::InvalidDigest {
            reason: DigestProblem::Length,
            ..
        }
    ));
    let unsupported = format!("validname@invaliddigest:{}", &FF[7..]);
    assert!(matches!(
        err(&unsupported),
        ReferenceError::InvalidDigest {
            reason: DigestProblem::UnsupportedAlgorithm,
            ..
        }
    ));
    let sha512 = format!("validname@sha512:{}", "f".repeat(128));
    assert!(err(&sha512)
        .to_string()
        .contains("only sha256 is supported"));
    let upper = format!("validname@sha256:{}", "F".repeat(64));
    assert!(matches!(
        err(&upper),
        ReferenceError::InvalidDigest {
            reason: DigestProblem::Format,
            ..
        }
    ));
    // Too short to be a digest at all: the grammar fails first, as in docker.
    assert!(matches!(
        err("busybox@sha256:abc"),
        ReferenceError::InvalidFormat { .. }
    ));
    assert!(matches!(
        err(&format!("@{FF}")),
        ReferenceError::InvalidFormat { .. }
    ));
}

#[test]
fn with_tag_and_with_digest_validate_and_keep_the_rest() {
    let r = parse("quay.io/foo/bar:1.0");
    let retagged = r.with_tag("2.0").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(retagged.to_string(), "quay.io/foo/bar:2.0");
    assert!(matches!(
        r.with_tag("-bad"),
        Err(ReferenceError::InvalidTag { .. })
    ));
    assert!(matches!(
        r.with_tag(""),
        Err(ReferenceError::InvalidTag { .. })
    ));

    let pinned = r.with_digest(FF).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(pinned.to_string(), format!("quay.io/foo/bar:1.0@{FF}"));
    assert_eq!(pinned.familiar(), format!("quay.io/foo/bar:1.0@{FF}"));
    assert!(r.with_digest("sha256:abc").is_err());
    assert!(r.with_digest("foo").is_err());

    let rd = r.repo_digest(FF).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rd.to_string(), format!("quay.io/foo/bar@{FF}"));
    assert_eq!(rd.tag(), None);
}

#[test]
fn familiar_forms_strip_only_hub_and_single_level_library() {
    assert_eq!(parse("docker.io/library/busybox:1").familiar(), "busybox:1");
    assert_eq!(
        parse("index.docker.io/foo/bar").familiar(),
        "foo/bar:latest"
    );
    assert_eq!(parse("library/foo/bar").familiar_name(), "library/foo/bar");
    assert_eq!(
        parse("127.0.0.1:5000/busybox").familiar_name(),
        "127.0.0.1:5000/busybox"
    );
    assert_eq!(
        parse("localhost:5000/library/x").familiar_name(),
        "localhost:5000/library/x"
    );
    assert_eq!(
        parse("gcr.io/library/busybox").familiar_name(),
        "gcr.io/library/busybox"
    );
}

#[test]
fn display_round_trips_through_parse_and_serde() {
    for s in [
        "busybox",
        "foo/bar:1",
        "[::1]:5000/foo@sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "localhost:5000/a/b/c:v1.2",
    ] {
        let r: ImageRef = s.parse().unwrap_or_else(|e: ReferenceError| panic!("{e}"));
        assert_eq!(parse(&r.to_string()), r);
        assert_eq!(parse(&r.familiar()), r);
        let json = serde_json::to_string(&r).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(json, format!("\"{r}\""));
        let back: ImageRef = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, r);
    }
    assert!(serde_json::from_str::<ImageRef>("\"Bad Name\"").is_err());
}

#[test]
fn loopback_registries_are_plain_http_by_default() {
    for s in [
        "localhost/foo",
        "localhost:5000/foo",
        "127.0.0.1:5000/busybox",
        "127.1.2.3/foo",
        "[::1]:5000/foo",
        "[::1]/foo",
    ] {
        assert!(parse(s).is_insecure_by_default(), "{s}");
    }
    for s in [
        "busybox",
        "quay.io/foo",
        "192.168.1.1:5000/foo",
        "[2001:db8::1]:5000/foo",
        "localhost.example.com/foo",
        "128.0.0.1/foo",
    ] {
        assert!(!parse(s).is_insecure_by_default(), "{s}");
    }
}

#[test]
fn id_prefixes_are_recognised() {
    assert!(looks_like_id_prefix("abc"));
    assert!(looks_like_id_prefix("0123456789ab"));
    assert!(looks_like_id_prefix(&"a".repeat(64)));
    assert!(looks_like_id_prefix("sha256:abc"));
    assert!(!looks_like_id_prefix(""));
    assert!(!looks_like_id_prefix("sha256:"));
    assert!(!looks_like_id_prefix(&"a".repeat(65)));
    assert!(!looks_like_id_prefix("ABC"));
    assert!(!looks_like_id_prefix("busybox"));
    assert!(!looks_like_id_prefix("abc:latest"));
}
