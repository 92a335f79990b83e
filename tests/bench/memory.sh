#!/usr/bin/env bash
# Peak resident memory of `headroom run` on tests/bench/memory.yaml for 1, 7
# and 30 days at the same rate (docs/performance.md, "Memory"); with
# --short-noise, the same service with a 10 s noise correlation (a 1 s noise
# grid). Memory, unlike time, does not depend on a busy machine.
#   tests/bench/memory.sh [BUILD_DIR] [--short-noise]
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
scenario="$here/memory.yaml"
if [ "${2:-}" = "--short-noise" ]; then
    sed 's/correlation: 5m/correlation: 10s/' "$scenario" > "$tmp/memory-10s.yaml"
    scenario="$tmp/memory-10s.yaml"
fi
for d in 1d 7d 30d; do
    /usr/bin/time -f '%M' -o "$tmp/rss" "$build/headroom" run "$scenario" --duration "$d" \
        --db "$tmp/$d.db" --jobs 1 -q >/dev/null 2>&1
    printf '%-4s peak RSS %6d KiB, %6d decisions\n' "$d" "$(cat "$tmp/rss")" \
        "$(sqlite3 "$tmp/$d.db" 'select count(*) from decisions')"
done
