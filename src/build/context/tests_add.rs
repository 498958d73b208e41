//! ADD: local archives are extracted, URLs downloaded.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::thread;

use super::tests_resolve::write;
use super::*;

fn opts() -> CopyOptions {
    CopyOptions {
        workdir: "/".to_owned(),
        ..CopyOptions::default()
    }
}

fn targz(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o755);
        h.set_uid(7);
        h.set_gid(8);
        h.set_entry_type(tar::EntryType::Regular);
        let raw = &mut h.as_old_mut().name;
        raw[..name.len()].copy_from_slice(name.as_bytes());
        h.set_cksum();
        b.append(&h, *data).unwrap();
    }
    let tar = b.into_inner().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar).unwrap();
    gz.finish().unwrap()
}

fn local(ctx: &BuildContext, names: &[&str]) -> Vec<AddSource> {
    let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    ctx.resolve(&names)
        .unwrap()
        .into_iter()
        .map(AddSource::Local)
        .collect()
}

#[test]
fn urls_are_recognised() {
    assert!(is_url("http://example.com/a.tar.gz"));
    assert!(is_url("HTTPS://example.com/"));
    assert!(!is_url("httpfile.txt"));
    assert!(!is_url("./http://x"));
    assert!(!is_url("git@github.com:x/y.git"));
}

#[test]
fn tar_headers_are_recognised_by_content() {
    let gz = targz(&[("a", b"a")]);
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut plain).unwrap();
    assert!(add::is_tar_header(&plain));
    assert!(!add::is_tar_header(&[0u8; 512]));
    assert!(!add::is_tar_header(b"just text"));
    assert!(!add::is_tar_header(&[b'x'; 1024]));
}

#[test]
fn a_local_tar_gz_is_extracted_whatever_its_name() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("bundle.bin"),
        targz(&[("app/run.sh", b"#!/bin/sh\n"), ("top.txt", b"t")]),
    )
    .unwrap();
    let ctx = BuildContext::from_dir(dir.path(), None).unwrap();
    let root = tempfile::tempdir().unwrap();
    add_into(
        root.path(),
        &local(&ctx, &["bundle.bin"]),
        "/opt",
        &opts(),
        &ctx,
    )
    .unwrap();
    assert_eq!(
        fs::read_to_string(root.path().join("opt/app/run.sh")).unwrap(),
        "#!/bin/sh\n"
    );
    assert!(root.path().join("opt/top.txt").is_file());
    assert!(!root.path().join("opt/bundle.bin").exists());
    let m = fs::metadata(root.path().join("opt/top.txt")).unwrap();
    assert_eq!(m.mode() & 0o7777, 0o755);
    assert_eq!(
        fs::metadata(root.path().join("opt")).unwrap().mode() & 0o7777,
        0o755
    );
    if nix::unistd::geteuid().is_root() {
        assert_eq!((m.uid(), m.gid()), (7, 8), "the archive's owners are kept");
        let o = CopyOptions {
            chown: Some((5, 6)),
            ..opts()
        };
        add_into(
            root.path(),
            &local(&ctx, &["bundle.bin"]),
            "/chowned/",
            &o,
            &ctx,
        )
        .unwrap();
        let m = fs::metadata(root.path().join("chowned/app/run.sh")).unwrap();
        assert_eq!((m.uid(), m.gid()), (5, 6));
    }
}

#[test]
fn a_compressed_file_that_is_not_a_tar_is_copied_as_is() {
    let dir = tempfile::tempdir().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(b"not a tar at all").unwrap();
    let bytes = gz.finish().unwrap();
    fs::write(dir.path().join("notes.gz"), &bytes).unwrap();
    write(dir.path(), "plain.txt", "p");
    let ctx = BuildContext::from_dir(dir.path(), None).unwrap();
    let root = tempfile::tempdir().unwrap();
    add_into(
        root.path(),
        &local(&ctx, &["notes.gz", "plain.txt"]),
        "/d/",
        &opts(),
        &ctx,
    )
    .unwrap();
    assert_eq!(fs::read(root.path().join("d/notes.gz")).unwrap(), bytes);
    assert!(root.path().join("d/plain.txt").is_file());
}

#[test]
fn an_archive_that_climbs_out_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("evil.tgz"), targz(&[("../../evil", b"x")])).unwrap();
    let ctx = BuildContext::from_dir(dir.path(), None).unwrap();
    let root = tempfile::tempdir().unwrap();
    let err = add_into(
        root.path(),
        &local(&ctx, &["evil.tgz"]),
        "/x/",
        &opts(),
        &ctx,
    )
    .unwrap_err();
    assert!(matches!(err, ContextError::Extract { .. }), "{err}");
    assert!(!root.path().join("evil").exists());
}

/// Serves one HTTP response on 127.0.0.1 and returns the base URL.
fn serve_once(status: &'static str, body: &'static [u8]) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || {
        if let Ok((stream, _)) = listener.accept() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            // Read the request head up to the blank line.
            while reader.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
                if line == "\r\n" {
                    break;
                }
                line.clear();
            }
            let mut s = stream;
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nLast-Modified: Wed, 21 Oct 2015 07:28:00 GMT\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(head.as_bytes());
            let _ = s.write_all(body);
        }
    });
    format!("http://{addr}")
}

#[test]
fn a_url_is_downloaded_with_mode_0600_and_its_last_modified_time() {
    let ctx = BuildContext::empty().unwrap();
    let root = tempfile::tempdir().unwrap();
    let url = format!(
        "{}/files/hello%20world.txt?x=1",
        serve_once("200 OK", b"hello")
    );
    add_into(root.path(), &[AddSource::Url(url)], "/dl/", &opts(), &ctx).unwrap();
    let p = root.path().join("dl/hello world.txt");
    assert_eq!(fs::read(&p).unwrap(), b"hello");
    let m = fs::metadata(&p).unwrap();
    assert_eq!(m.mode() & 0o7777, 0o600);
    assert_eq!(m.mtime(), 1_445_412_480);

    // A destination without a slash is the file name; --chmod wins.
    let url = format!("{}/x.bin", serve_once("200 OK", b"bin"));
    let o = CopyOptions {
        chmod: Some(0o755),
        ..opts()
    };
    add_into(
        root.path(),
        &[AddSource::Url(url)],
        "/usr/bin/tool",
        &o,
        &ctx,
    )
    .unwrap();
    let m = fs::metadata(root.path().join("usr/bin/tool")).unwrap();
    assert_eq!(m.mode() & 0o7777, 0o755);
}

#[test]
fn a_failed_download_names_the_url_and_status() {
    let ctx = BuildContext::empty().unwrap();
    let root = tempfile::tempdir().unwrap();
    let url = format!("{}/missing.txt", serve_once("404 Not Found", b"no"));
    let err = add_into(
        root.path(),
        &[AddSource::Url(url.clone())],
        "/",
        &opts(),
        &ctx,
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains(&url) && msg.contains("404"), "{msg}");
    assert!(!Path::new(&root.path().join("missing.txt")).exists());
}

#[test]
fn a_url_without_a_file_name_needs_a_destination_name() {
    let ctx = BuildContext::empty().unwrap();
    let root = tempfile::tempdir().unwrap();
    let err = add_into(
        root.path(),
        &[AddSource::Url("http://127.0.0.1:9/dir/".to_owned())],
        "/x/",
        &opts(),
        &ctx,
    )
    .unwrap_err();
    assert!(matches!(err, ContextError::UrlFileName { .. }), "{err}");
}
