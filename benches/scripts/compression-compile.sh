#!/usr/bin/env bash
# The compile cost of polar-api's `gzip`, `brotli` and `http2` features, for
# BENCHMARKS.md ("Compression and HTTP/2"): clean debug builds of polar-api
# (every dependency included, as a user's first build) with the default
# features and with each set of extra features, alternating, each in a
# fresh target directory of its own.
#
#   benches/scripts/compression-compile.sh [ROUNDS]
#
# Prints each build's wall time and its ratio to the default build of the
# same round, then the build time cargo's --timings gives the crates each
# feature adds (target/compression-compile/<set>/cargo-timings/). Each
# build takes minutes: five of them, a round, take 25 minutes or more on
# the 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-1}
out=target/compression-compile
sets=("default" "gzip" "gzip,brotli" "http2" "gzip,http2")
mkdir -p "$out"

build() {
    local set=$1 dir=$out/$1
    rm -rf "$dir"
    local features=()
    [ "$set" != default ] && features=(--features "$set")
    local start end
    start=$(date +%s.%N)
    CARGO_TARGET_DIR="$dir" cargo build -q -p polar-api "${features[@]}" --timings >/dev/null 2>&1
    end=$(date +%s.%N)
    echo "$end - $start" | bc
}

for round in $(seq "$rounds"); do
    declare -A took=()
    for set in "${sets[@]}"; do
        took[$set]=$(build "$set")
        echo "round $round: $set: ${took[$set]} s (load $(cut -d' ' -f1-3 /proc/loadavg))"
    done
    for set in "${sets[@]}"; do
        printf 'round %s: %-12s %6.1f s  ratio %.3f\n' "$round" "$set" "${took[$set]}" \
            "$(echo "${took[$set]} / ${took[default]}" | bc -l)"
    done
done

# The units each set adds (crates the default build does not have), with
# cargo's own time for each, from the UNIT_DATA of the --timings report
# (python3 reads it).
for set in "${sets[@]}"; do
    [ "$set" = default ] && continue
    python3 - "$out/default" "$out/$set" "$set" <<'PY'
import json, re, sys
def units(dir):
    html = open(dir + "/cargo-timings/cargo-timing.html").read()
    data = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);\n", html, re.S).group(1))
    return {(u["name"], u["version"], u["mode"] + u["target"]): u["duration"] for u in data}
base, this = units(sys.argv[1]), units(sys.argv[2])
extra = {k: v for k, v in this.items() if k not in base}
print(f"== {sys.argv[3]}: {len(extra)} units the default build does not have, "
      f"{sum(extra.values()):.1f} s of build time (all units: default "
      f"{sum(base.values()):.1f} s, this {sum(this.values()):.1f} s)")
for (name, version, kind), seconds in sorted(extra.items(), key=lambda kv: -kv[1]):
    print(f"   {name} {version} {kind or 'lib'}: {seconds:.1f} s")
PY
done
