#!/usr/bin/env bash
# The long profile of the load, fault and hostile-input suites: 64 berth
# processes on one store for minutes (BERTH_STRESS_SECS, default 120),
# 200+ kill -9 points, 300 mutated archives, the escape suite, and every
# cargo-fuzz target for FUZZ_SECS seconds each (default 60). Run as root on
# a machine like CI's, after scripts/test.sh has installed the packages:
#
#   scripts/long.sh            # everything
#   scripts/long.sh suites     # only the long test profiles
#   scripts/long.sh fuzz       # only the fuzz targets
#
# cargo-fuzz needs nightly flags; the machine's stable toolchain provides
# them with RUSTC_BOOTSTRAP=1 (libFuzzer is built with the system's g++).
set -euo pipefail
cd "$(dirname "$0")/.."

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

suites_section() {
  # One test at a time: the stress test is the load, not the harness.
  BERTH_LONG=1 cargo test --test stress --test hostile --test escape -- --test-threads=1
}

fuzz_section() {
  command -v cargo-fuzz >/dev/null 2>&1 || cargo install --locked cargo-fuzz
  local secs=${FUZZ_SECS:-60} target rc=0
  for target in dockerfile_parser reference_parser template_engine layer_extraction; do
    mkdir -p "fuzz/corpus/$target"
    echo "--> $target (${secs}s)"
    RUSTC_BOOTSTRAP=1 cargo fuzz run -O "$target" "fuzz/corpus/$target" "fuzz/seeds/$target" \
      -- -max_total_time="$secs" -rss_limit_mb=4096 || rc=1
  done
  return $rc
}

what=${1:-all}
case $what in
  all) step "long test profiles" suites_section; step "fuzz targets" fuzz_section ;;
  suites) step "long test profiles" suites_section ;;
  fuzz) step "fuzz targets" fuzz_section ;;
  *) echo "usage: $0 [all|suites|fuzz]" >&2; exit 2 ;;
esac

echo "==> summary"
printf '%s\n' "${results[@]}"
exit $failed
