#!/bin/sh
# Fluid mode against request mode on the bundled scenarios: every policy of
# every scenario run both ways (same seeds), one line per policy with the
# p95 latency (relative difference), the error rate (difference in
# percentage points) and the cost (relative difference). The targets
# (docs/validation.md): p95 within 10%, errors within 0.1 pp, cost within 1%.
#
#   [REPLICATIONS=N] tests/bench/fluid_agreement.sh [BUILD_DIR] [SCENARIO...]
#
# REPLICATIONS=N compares the means over N replications (--replications N)
# instead of the scenario's own count: a policy at a threshold takes a
# different path on every seed, and the means show whether the two modes
# differ by more than the seeds do.
# Takes about as long as running every scenario in request mode (minutes).
set -eu
build=${1:-build}
[ $# -gt 0 ] && shift
[ $# -eq 0 ] && set -- scenarios/*.yaml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '%-24s %-16s %9s %9s %7s %7s %7s %10s %10s %7s\n' scenario policy \
    'p95 req' 'p95 flu' 'diff%' 'err req' 'err flu' 'cost req' 'cost flu' 'diff%'
for sc in "$@"; do
    name=$(basename "$sc" .yaml)
    reps=${REPLICATIONS:+--replications $REPLICATIONS}
    # shellcheck disable=SC2086
    "$build/headroom" run "$sc" $reps --fidelity request --db "$tmp/r.db" -q --json > "$tmp/r.json" 2>/dev/null
    # shellcheck disable=SC2086
    "$build/headroom" run "$sc" $reps --fidelity fluid --db "$tmp/f.db" -q --json > "$tmp/f.json" 2>/dev/null
    python3 - "$name" "$tmp/r.json" "$tmp/f.json" <<'PY'
import json, sys
name, r, f = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
fl = {p["name"]: p for p in f["policies"]}
for p in r["policies"]:
    q = fl[p["name"]]
    def rel(a, b):
        return 100.0 * (b - a) / a if a else float("nan")
    print("%-24s %-16s %9.1f %9.1f %7.1f %7.3f %7.3f %10.2f %10.2f %7.2f" % (
        name[:24], p["name"][:16], p["latency_p95_ms"], q["latency_p95_ms"],
        rel(p["latency_p95_ms"], q["latency_p95_ms"]), p["error_rate_pct"], q["error_rate_pct"],
        p["cost"], q["cost"], rel(p["cost"], q["cost"])))
PY
done
