#!/usr/bin/env bash
# Request-mode speed beside the bare-heap floor, in one run (machines here are
# shared and noisy: compare the ratio, not the raw numbers).
#   tests/bench/run.sh [BUILD_DIR] [EVENTS] [ROUNDS]
set -euo pipefail
build=${1:-build}
events=${2:-20000000}
rounds=${3:-3}
here=$(cd "$(dirname "$0")" && pwd)
floor_src="$here/../../../shared/bench/mmc_heap.c"
[ -f "$floor_src" ] || { echo "floor not found at $floor_src" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gcc -O2 -o "$tmp/mmc_heap" "$floor_src" -lm
cmake --build "$build" --target bench_mmc >/dev/null
for i in $(seq "$rounds"); do
    f=$("$tmp/mmc_heap" "$((events / 2))")
    h=$("$build/tests/bench_mmc" "$events")
    echo "$f"
    echo "$h"
    fe=$(sed -n 's/.*events_per_s=\([0-9]*\).*/\1/p' <<<"$f")
    he=$(sed -n 's/.*events_per_s=\([0-9]*\).*/\1/p' <<<"$h")
    awk -v f="$fe" -v h="$he" 'BEGIN { printf "round ratio headroom/floor = %.2f\n", h / f }'
done
