#!/usr/bin/env bash
# A whole `headroom run` of tests/bench/mmc_8x8.yaml (8 instances x 8
# workers, random balancer, rho 0.85, 12 h: 23.5 million requests, 47 million
# events) beside the bare-heap floor of the same shape and size,
# `mmc_heap 23500800 544 10 8 8`, in turn, ROUNDS times. Both simulate the
# same number of events, so floor CPU seconds / headroom CPU seconds is
# headroom's speed as a fraction of the floor's. Machines here are shared
# and noisy: quote the median ratio, not the raw times.
#   tests/bench/run_8x8.sh [BUILD_DIR] [ROUNDS]
set -euo pipefail
build=${1:-build}
rounds=${2:-5}
here=$(cd "$(dirname "$0")" && pwd)
floor_src="$here/../../../shared/bench/mmc_heap.c"
[ -f "$floor_src" ] || { echo "floor not found at $floor_src" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gcc -O2 -o "$tmp/mmc_heap" "$floor_src" -lm
cmake --build "$build" --target headroom >/dev/null
scenario="$here/mmc_8x8.yaml"
requests=23500800 # 544/s x 12 h, the scenario's

# CPU seconds (user + sys) of one command, its output discarded
cpu() {
    /usr/bin/time -f '%U %S' -o "$tmp/time" "$@" >/dev/null 2>&1
    awk '{ printf "%.3f", $1 + $2 }' "$tmp/time"
}

ratios=()
for i in $(seq "$rounds"); do
    f=$(cpu "$tmp/mmc_heap" "$requests" 544 10 8 8)
    rm -f "$tmp/bench.db"
    h=$(cpu "$build/headroom" run "$scenario" -q --jobs 1 --db "$tmp/bench.db")
    r=$(awk -v f="$f" -v h="$h" 'BEGIN { printf "%.3f", f / h }')
    ratios+=("$r")
    echo "round $i: floor ${f}s  headroom ${h}s  headroom/floor speed = $r"
done
printf '%s\n' "${ratios[@]}" | sort -n |
    awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
                              printf "median headroom/floor speed over %d rounds = %.3f (min %.3f, max %.3f)\n", NR, m, v[1], v[NR] }'
