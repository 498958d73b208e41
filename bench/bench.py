#!/usr/bin/env python3
"""berth vs podman, side by side, in one run; prints ratios.

Figures (issue 2): cold `pull` of a multi-layer image from a local registry,
and `images` with 200 images. Not a test: it prints numbers, it asserts nothing.

Usage: bench/bench.py [--runs N] [--berth PATH] [--no-podman]
Needs root (podman's rootful store, the registry), docker-registry installed.
"""

import argparse
import gzip
import hashlib
import io
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def sh(*args, **kw):
    return subprocess.run(args, check=True, **kw)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_registry(tmp):
    port = free_port()
    cfg = os.path.join(tmp, "registry.yml")
    with open(cfg, "w") as f:
        f.write(
            "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n"
            f"    rootdirectory: {tmp}/registry-data\n  delete:\n    enabled: true\n"
            f"http:\n  addr: 127.0.0.1:{port}\n"
        )
    proc = subprocess.Popen(["docker-registry", "serve", cfg],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/", timeout=1)
            return proc, f"127.0.0.1:{port}"
        except Exception:
            time.sleep(0.05)
    proc.kill()
    sys.exit("docker-registry did not start")


def layer_tar(files):
    """An uncompressed layer tar from {path: bytes}."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for path, data in files.items():
            info = tarfile.TarInfo(path)
            info.size = len(data)
            info.mode = 0o755
            info.mtime = 1700000000
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def oci_archive(layers, tag):
    """A docker-archive/OCI tar loadable by `berth load`, from uncompressed layers."""
    blobs = {}
    diff_ids, descs = [], []
    for raw in layers:
        diff_ids.append("sha256:" + hashlib.sha256(raw).hexdigest())
        gz = gzip.compress(raw, compresslevel=6, mtime=0)
        d = hashlib.sha256(gz).hexdigest()
        blobs[d] = gz
        descs.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                      "digest": "sha256:" + d, "size": len(gz)})
    config = json.dumps({
        "architecture": "amd64", "os": "linux",
        "config": {"Cmd": ["sh"], "Env": ["PATH=/bin"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created_by": f"layer {i}"} for i in range(len(layers))],
    }).encode()
    cd = hashlib.sha256(config).hexdigest()
    blobs[cd] = config
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": "sha256:" + cd, "size": len(config)},
        "layers": descs,
    }).encode()
    md = hashlib.sha256(manifest).hexdigest()
    blobs[md] = manifest
    index = json.dumps({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": "sha256:" + md, "size": len(manifest),
        "annotations": {"io.containerd.image.name": tag,
                        "org.opencontainers.image.ref.name": tag.rsplit(":", 1)[-1]}}]}).encode()
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as t:
        def add(name, data):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
        add("oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
        add("index.json", index)
        for d, data in blobs.items():
            add(f"blobs/sha256/{d}", data)
    return out.getvalue()


def timed(cmd, env=None):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - t


def ensure_podman():
    if not (shutil.which("podman") and shutil.which("runc")):
        if os.geteuid() != 0:
            return bool(shutil.which("podman"))
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        r = subprocess.run(["apt-get", "install", "-y", "-qq", "podman", "runc"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if r.returncode != 0:
            return False
    # This machine: runc + cgroupfs, and ulimits at or below the hard limit.
    os.makedirs("/etc/containers", exist_ok=True)
    conf = "/etc/containers/containers.conf"
    if not os.path.exists(conf):
        with open(conf, "w") as f:
            f.write('[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]\n'
                    '[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\n')
    return True


# (what, berth, podman, ratio, target) rows for --summary's table.
ROWS = []


def report(name, berth_s, podman_s, target=None):
    b = statistics.median(berth_s) * 1000
    line = f"{name:<34} berth {b:8.1f} ms"
    row = [name, f"{b:.1f} ms", "", "", target or ""]
    if podman_s:
        p = statistics.median(podman_s) * 1000
        line += f"   podman {p:8.1f} ms   ratio podman/berth {p / b:6.2f}x"
        row[2:4] = [f"{p:.1f} ms", f"{p / b:.1f}x"]
    ROWS.append(row)
    if target:
        line += f"   (target: {target})"
    print(line, flush=True)


def bench_pull(args, tmp, addr, podman):
    berth = [args.berth, "--root", f"{tmp}/seed", "--runroot", f"{tmp}/seed-run"]
    # A multi-layer image: busybox plus four layers of incompressible data (about 24 MB).
    with open("/bin/busybox", "rb") as f:
        bb = f.read()
    layers = [layer_tar({"bin/busybox": bb})]
    for i in range(4):
        layers.append(layer_tar({f"data/blob{i}": os.urandom(6 * 1024 * 1024)}))
    ref = f"{addr}/bench/multi:latest"
    subprocess.run(berth + ["load"], input=oci_archive(layers, ref), check=True,
                   stdout=subprocess.DEVNULL)
    sh(*berth, "push", "-q", ref, stdout=subprocess.DEVNULL)
    b_times, p_times = [], []
    for i in range(args.runs):
        root = f"{tmp}/b{i}"
        b_times.append(timed([args.berth, "--root", root, "--runroot", root + "-run", "pull", "-q", ref]))
        shutil.rmtree(root, ignore_errors=True)
        if podman:
            proot = f"{tmp}/p{i}"
            p_times.append(timed(["podman", "--root", proot, "--runroot", proot + "-run",
                                  "pull", "-q", "--tls-verify=false", ref]))
            subprocess.run(["podman", "--root", proot, "--runroot", proot + "-run", "system", "reset", "-f"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            shutil.rmtree(proot, ignore_errors=True)
    report("pull (5-layer, ~24 MB, cold)", b_times, p_times, "berth >= 2x faster")


def bench_images(args, tmp, podman):
    root = f"{tmp}/many"
    many = [args.berth, "--root", root, "--runroot", root + "-run"]
    proot = f"{tmp}/pmany"
    pman = ["podman", "--root", proot, "--runroot", proot + "-run"]
    for i in range(200):
        tar = layer_tar({f"id{i}": str(i).encode()})
        subprocess.run(many + ["import", "-", f"bench/img{i}:latest"], input=tar, check=True,
                       stdout=subprocess.DEVNULL)
        if podman:
            subprocess.run(pman + ["import", "-", f"bench/img{i}:latest"], input=tar, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    b_times = [timed(many + ["images"]) for _ in range(args.runs * 4)]
    p_times = [timed(pman + ["images"]) for _ in range(args.runs * 4)] if podman else []
    report("images (200 images)", b_times, p_times, "berth < 20 ms")
    if podman:
        subprocess.run(pman + ["system", "reset", "-f"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def busybox_rootfs_tar():
    """A busybox root filesystem as a tar (applets as symlinks)."""
    names = subprocess.run(["/bin/busybox", "--list"], capture_output=True, text=True).stdout.split()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        for d in ["bin", "etc", "tmp", "proc", "sys", "dev", "root"]:
            info = tarfile.TarInfo(d)
            info.type = tarfile.DIRTYPE
            info.mode = 0o1777 if d == "tmp" else 0o755
            t.addfile(info)
        t.add("/bin/busybox", arcname="bin/busybox")
        for n in names:
            if n != "busybox":
                info = tarfile.TarInfo(f"bin/{n}")
                info.type = tarfile.SYMTYPE
                info.linkname = "busybox"
                t.addfile(info)
        pw = b"root:x:0:0:root:/root:/bin/sh\n"
        info = tarfile.TarInfo("etc/passwd")
        info.size = len(pw)
        t.addfile(info, io.BytesIO(pw))
    return buf.getvalue()


def bench_run(args, tmp, podman):
    tar = busybox_rootfs_tar()
    root = f"{tmp}/run"
    b = [args.berth, "--root", root, "--runroot", root + "-run"]
    subprocess.run(b + ["import", "-", "bench/bb:latest"], input=tar, check=True, stdout=subprocess.DEVNULL)
    proot = f"{tmp}/prun"
    p = ["podman", "--root", proot, "--runroot", proot + "-run"]
    if podman:
        subprocess.run(p + ["import", "-", "bench/bb:latest"], input=tar, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    n = args.runs * 4
    timed(b + ["run", "--rm", "--network", "none", "bench/bb", "true"])
    b_times = [timed(b + ["run", "--rm", "--network", "none", "bench/bb", "true"]) for _ in range(n)]
    p_times = []
    if podman:
        timed(p + ["run", "--rm", "--network", "none", "bench/bb", "true"])
        p_times = [timed(p + ["run", "--rm", "--network", "none", "bench/bb", "true"]) for _ in range(n)]
    report("run --rm --network none true", b_times, p_times, "berth >= 10x faster")

    # The default bridge network: veth, address, route, lease, /etc/hosts.
    timed(b + ["run", "--rm", "bench/bb", "true"])
    b_times = [timed(b + ["run", "--rm", "bench/bb", "true"]) for _ in range(n)]
    p_times = []
    if podman:
        timed(p + ["run", "--rm", "bench/bb", "true"])
        p_times = [timed(p + ["run", "--rm", "bench/bb", "true"]) for _ in range(n)]
    report("run --rm true (bridge)", b_times, p_times, "berth >= 10x faster")

    # ps -a with 500 containers (created, not started: ps reads records only).
    for i in range(500):
        subprocess.run(b + ["create", "--network", "none", "bench/bb", "true"], check=True,
                       stdout=subprocess.DEVNULL)
    pb = [timed(b + ["ps", "-a"]) for _ in range(args.runs * 4)]
    pp = []
    if podman:
        for i in range(500):
            subprocess.run(p + ["create", "--network", "none", "bench/bb", "true"], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        pp = [timed(p + ["ps", "-a"]) for _ in range(args.runs * 4)]
    report("ps -a (500 containers)", pb, pp, "berth < 30 ms")

    # Monitor RSS: the per-container supervisor of a detached container.
    out = subprocess.run(b + ["run", "-d", "--network", "none", "bench/bb", "sleep", "60"],
                         capture_output=True, text=True, check=True).stdout.strip()
    pid = subprocess.run(b + ["inspect", "-f", "{{.State.Pid}}", out], capture_output=True,
                         text=True, check=True).stdout.strip()
    with open(f"/proc/{pid}/status") as f:
        ppid = [l.split()[1] for l in f if l.startswith("PPid:")][0]
    # Steady state: what the supervisor holds while its container runs
    # (berth's monitor trims its start-up memory once it settles).
    time.sleep(3)
    with open(f"/proc/{ppid}/status") as f:
        rss_kb = int([l.split()[1] for l in f if l.startswith("VmRSS:")][0])
    conmon = ""
    if podman:
        cid = subprocess.run(p + ["run", "-d", "--network", "none", "bench/bb", "sleep", "60"],
                             capture_output=True, text=True).stdout.strip()
        cpid = subprocess.run(p + ["inspect", "-f", "{{.State.ConmonPid}}", cid], capture_output=True,
                              text=True).stdout.strip()
        time.sleep(3)
        try:
            with open(f"/proc/{cpid}/status") as f:
                ckb = int([l.split()[1] for l in f if l.startswith("VmRSS:")][0])
            conmon = f"   conmon {ckb / 1024:6.2f} MiB"
        except (OSError, IndexError, ValueError):
            pass
        subprocess.run(p + ["rm", "-f", cid], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(f"{'monitor RSS (detached container)':<34} berth {rss_kb / 1024:6.2f} MiB{conmon}   (target: < 2 MiB)",
          flush=True)
    conmon_mib = conmon.split()[1] + " MiB (conmon)" if conmon else ""
    ROWS.append(["supervisor RSS, detached container", f"{rss_kb / 1024:.2f} MiB", conmon_mib, "",
                 "< 2 MiB"])
    subprocess.run(b + ["rm", "-f", out], stdout=subprocess.DEVNULL)
    if podman:
        subprocess.run(p + ["system", "reset", "-f"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # The bench store's default network: its bridge and rules go with it.
    subprocess.run(b + ["system", "reset", "-f"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


BUILD_DOCKERFILE = """FROM bench/bb
RUN mkdir -p /app && echo built > /app/marker
COPY files /app/files
RUN ls /app/files | wc -l > /app/count
ENV MODE=bench
WORKDIR /app
CMD ["cat", "/app/count"]
"""


def bench_build(args, tmp, podman):
    """A cold build (empty cache) and a fully cached re-build, side by side."""
    tar = busybox_rootfs_tar()
    ctx = f"{tmp}/buildctx"
    os.makedirs(f"{ctx}/files", exist_ok=True)
    for i in range(50):
        with open(f"{ctx}/files/f{i}.txt", "w") as f:
            f.write(f"file {i}\n" * 20)
    with open(f"{ctx}/Dockerfile", "w") as f:
        f.write(BUILD_DOCKERFILE)
    root = f"{tmp}/build"
    b = [args.berth, "--root", root, "--runroot", root + "-run"]
    subprocess.run(b + ["import", "-", "bench/bb:latest"], input=tar, check=True, stdout=subprocess.DEVNULL)
    proot = f"{tmp}/pbuild"
    p = ["podman", "--root", proot, "--runroot", proot + "-run"]
    if podman:
        subprocess.run(p + ["import", "-", "bench/bb:latest"], input=tar, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cold_b, cold_p, warm_b, warm_p = [], [], [], []
    for i in range(args.runs):
        subprocess.run(b + ["builder", "prune", "-f"], stdout=subprocess.DEVNULL)
        cold_b.append(timed(b + ["build", "-q", "-t", f"bench/app:{i}", ctx]))
        warm_b.append(timed(b + ["build", "-q", "-t", f"bench/app:{i}", ctx]))
        if podman:
            cold_p.append(timed(p + ["build", "-q", "--no-cache", "-t", f"bench/app:{i}", ctx]))
            warm_p.append(timed(p + ["build", "-q", "-t", f"bench/app:{i}", ctx]))
    report("build, cold", cold_b, cold_p, "berth >= 2x faster")
    report("build, fully cached", warm_b, warm_p, "berth >= 10x faster")
    subprocess.run(b + ["system", "reset", "-f"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if podman:
        subprocess.run(p + ["system", "reset", "-f"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def bench_version(args, podman):
    """Process start-up: the floor under every command."""
    n = args.runs * 10
    timed([args.berth, "version"])
    b_times = [timed([args.berth, "version"]) for _ in range(n)]
    p_times = []
    if podman:
        timed(["podman", "version"])
        p_times = [timed(["podman", "version"]) for _ in range(n)]
    report("version (start-up)", b_times, p_times)


def write_summary(podman):
    """The markdown table of every comparison, to stdout and bench/summary.md."""
    lines = ["| what | berth | podman 4.3.1 | podman/berth | target |",
             "| --- | --- | --- | --- | --- |"]
    for row in ROWS:
        lines.append("| " + " | ".join(row) + " |")
    if not podman:
        lines.append("")
        lines.append("(podman was not available: berth figures only)")
    text = "\n".join(lines) + "\n"
    print()
    print(text, end="")
    with open(os.path.join(REPO, "bench", "summary.md"), "w") as f:
        f.write(f"<!-- python3 bench/bench.py --summary; {time.strftime('%Y-%m-%d')}, "
                f"{os.cpu_count()} CPUs -->\n")
        f.write(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--berth", help="a berth binary to measure (default: build target/release/berth)")
    ap.add_argument("--no-podman", action="store_true")
    ap.add_argument("--only", default="pull,images,run",
                    help="comma-separated sections: pull, images, run, build, version")
    ap.add_argument("--summary", action="store_true",
                    help="every section, then a markdown table (also written to bench/summary.md)")
    args = ap.parse_args()
    if args.summary:
        args.only = "version,run,pull,images,build"
    if args.berth is None:
        # Always rebuild: an existing release binary may predate the checkout.
        sh("cargo", "build", "--release", "--quiet", cwd=REPO)
        args.berth = os.path.join(REPO, "target/release/berth")
    podman = not args.no_podman and ensure_podman()
    only = set(args.only.split(","))
    tmp = tempfile.mkdtemp(prefix="berth-bench-")
    reg, addr = start_registry(tmp)
    try:
        if "pull" in only:
            bench_pull(args, tmp, addr, podman)
        if "images" in only:
            bench_images(args, tmp, podman)
        if "run" in only:
            bench_run(args, tmp, podman)
        if "build" in only:
            bench_build(args, tmp, podman)
        if "version" in only:
            bench_version(args, podman)
        if args.summary:
            write_summary(podman)
    finally:
        reg.kill()
        reg.wait()
        subprocess.run(["umount", "-R", "-l", tmp], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
