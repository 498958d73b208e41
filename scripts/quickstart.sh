#!/usr/bin/env bash
# Builds berth and runs a first container from a busybox root filesystem,
# with nothing downloaded but Debian's busybox-static.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> building berth (release)"
cargo build --release
berth=target/release/berth

if [ ! -x /bin/busybox ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Error: /bin/busybox is missing; install it with: sudo apt-get install busybox-static" >&2
    exit 1
  fi
  echo "==> installing busybox-static"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends busybox-static ||
    { apt-get update && apt-get install -y --no-install-recommends busybox-static; }
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rootfs=$work/rootfs

echo "==> making a busybox root filesystem"
mkdir -p "$rootfs"/{bin,dev,etc,proc,root,sys,tmp,var}
chmod 1777 "$rootfs/tmp"
cp /bin/busybox "$rootfs/bin/busybox"
for applet in $("$rootfs/bin/busybox" --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\nnobody:x:65534:\n' >"$rootfs/etc/group"
tar -C "$rootfs" -cf "$work/busybox.tar" .
echo "    $(tar -tf "$work/busybox.tar" | wc -l) entries in $work/busybox.tar"

echo "==> importing it as an image"
root=${BERTH_QUICKSTART_ROOT:-$work/store}
b() { "$berth" --root "$root" --runroot "$work/run" "$@"; }
b import -c 'CMD ["sh"]' "$work/busybox.tar" quickstart/busybox:latest
b images
b inspect -f '{{.Id}} {{json .Config.Cmd}}' quickstart/busybox:latest

echo "==> running a container"
b run --rm --network none quickstart/busybox:latest sh -c 'echo "hello from berth: $(uname -s) pid $$, $(hostname)"'
echo "quickstart done"
