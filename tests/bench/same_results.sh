#!/usr/bin/env bash
# Results of every bundled scenario from two headroom binaries, diffed: an
# optimisation of request mode must not change a single number.
#   tests/bench/same_results.sh OLD_HEADROOM NEW_HEADROOM [DURATION]
# Each scenario runs its first DURATION (default 4h) with its own seed and
# replications, one job; the `headroom run --json` outputs must be identical.
set -euo pipefail
old=$1
new=$2
dur=${3:-4h}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for sc in "$here"/../../scenarios/*.yaml; do
    name=$(basename "$sc" .yaml)
    for side in old new; do
        bin=${!side}
        "$bin" run "$sc" --duration "$dur" --json --jobs 1 -q --db "$tmp/$side-$name.db" \
            >"$tmp/$side-$name.json" 2>"$tmp/$side-$name.err" || true
    done
    if cmp -s "$tmp/old-$name.json" "$tmp/new-$name.json" &&
       cmp -s "$tmp/old-$name.err" "$tmp/new-$name.err"; then
        echo "same      $name ($(wc -c <"$tmp/new-$name.json") bytes)"
    else
        echo "DIFFERENT $name"
        diff "$tmp/old-$name.json" "$tmp/new-$name.json" | head -5 || true
        status=1
    fi
done
exit $status
