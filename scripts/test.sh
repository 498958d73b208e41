#!/usr/bin/env bash
# berth's whole check: formatting, lints, then every unit and integration
# test. As root it first installs the Debian packages the integration tests
# drive (a real docker-registry, busybox-static for test images, and uidmap,
# passt and slirp4netns for rootless). Runs every step even after a failure,
# then prints a summary and exits non-zero if anything failed.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

missing=()
[ -x /usr/bin/docker-registry ] || missing+=(docker-registry)
[ -x /bin/busybox ] || missing+=(busybox-static)
command -v newuidmap >/dev/null 2>&1 || missing+=(uidmap)
[ -x /usr/bin/pasta ] || missing+=(passt)
[ -x /usr/bin/slirp4netns ] || missing+=(slirp4netns)
# tests/escape.rs builds its probe with `cc -static`.
[ -f /usr/lib/x86_64-linux-gnu/libc.a ] || [ -f /usr/lib/aarch64-linux-gnu/libc.a ] || missing+=(libc6-dev)
command -v cc >/dev/null 2>&1 || missing+=(gcc)
if ((${#missing[@]})); then
  if [ "$(id -u)" -eq 0 ]; then
    echo "==> installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt_install() { apt-get install -y --no-install-recommends "${missing[@]}"; }
    # A fresh machine may have no package lists yet: update only then.
    apt_install || { apt-get update && apt_install; }
  else
    echo "warning: ${missing[*]} missing and not root; integration tests will fail." >&2
    echo "         install with: sudo apt-get install ${missing[*]}" >&2
  fi
fi

# Rootless networking (pasta, slirp4netns) opens /dev/net/tun as the
# user; Debian's udev rules make it 0666, some VM images leave it 0600.
# tests/rootless.rs creates its own unprivileged users (useradd).
if [ "$(id -u)" -eq 0 ] && [ -c /dev/net/tun ]; then
  chmod 0666 /dev/net/tun
fi

results=()
failed=0
step() {
  local name=$1 start=$SECONDS
  shift
  echo "==> $name"
  if "$@"; then
    results+=("ok    $name ($((SECONDS - start))s)")
  else
    results+=("FAIL  $name ($((SECONDS - start))s)")
    failed=1
  fi
}

test_log=$(mktemp)
trap 'rm -f "$test_log"' EXIT
run_tests() { cargo test 2>&1 | tee "$test_log"; }

step "cargo fmt --check" cargo fmt --all -- --check --color never
step "cargo clippy" cargo clippy --all-targets -- -D warnings
step "cargo test" run_tests

# One line per libtest binary: "test result: ok. 12 passed; 0 failed; ..."
read -r passed failed_tests < <(awk '/^test result:/ {
    for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed;/) p += $i; if ($(i+1) ~ /^failed;/) f += $i }
  } END { print p + 0, f + 0 }' "$test_log")

echo
echo "==> summary"
printf '%s\n' "${results[@]}"
echo "tests: ${passed} passed, ${failed_tests} failed"
exit "$failed"
