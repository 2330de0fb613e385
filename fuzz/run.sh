#!/usr/bin/env bash
# Runs fuzz targets for a while each: `fuzz/run.sh SECONDS [TARGET...]`
# (every target when none is named). Builds them first (fuzz/build.sh),
# fills fuzz/corpus/ from the pinned specs when it is empty
# (tests/examples/fuzz_seeds.rs; the generator target's seeds are bytes
# written here), and keeps what libFuzzer learns there.
# Exits non-zero on the first finding; its input is in
# fuzz/artifacts/TARGET/ (reproduce: `fuzz/target/<host>/release/TARGET FILE`).
# The counts of each run are appended to fuzz/runs.log. The generator's
# corpus is then replayed with the full check (POLAR_FUZZ_GENERATOR_CHECK=full).
# FUZZ_TIMEOUT (seconds, default 10) is libFuzzer's -timeout for one input;
# an input slower than FUZZ_SLOW seconds (default 10, libFuzzer's) is
# written as a slow-unit-* artifact: reported, not a finding.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
timeout=${FUZZ_TIMEOUT:-10}
slow=${FUZZ_SLOW:-10}
shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(decode webhook headers request generator)
fi

bin=$(./build.sh -q | tail -n 1)
if [ ! -d corpus/decode ]; then
    (cd .. && cargo run -q -p polar-tests --example fuzz_seeds -- fuzz/corpus)
fi
if [ ! -d corpus/generator ]; then
    # The generator target reads choices, not JSON: 64 seeds of 48 bytes
    # from bash's seeded RANDOM (each a different small document).
    mkdir -p corpus/generator
    for seed in $(seq 1 64); do
        RANDOM=$seed
        bytes=""
        for _ in $(seq 1 48); do bytes+=$(printf '\\%03o' $((RANDOM % 256))); done
        printf "$bytes" >"corpus/generator/seed-$seed"
    done
fi
for target in "${targets[@]}"; do
    mkdir -p "corpus/$target" "artifacts/$target"
    echo "-- $target: ${seconds}s"
    # -max_len: the seeds include pages of a few kilobytes.
    "$bin/$target" "corpus/$target" \
        -max_total_time="$seconds" -timeout="$timeout" -report_slow_units="$slow" \
        -rss_limit_mb=4096 -max_len=65536 \
        -artifact_prefix="artifacts/$target/" -print_final_stats=1 \
        >"artifacts/$target.log" 2>&1 || {
        tail -n 40 "artifacts/$target.log"
        echo "error: fuzz target $target found a failing input (fuzz/artifacts/$target/)" >&2
        exit 1
    }
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "artifacts/$target.log")
    echo "$target: $runs executions in ${seconds}s, no finding"
    echo "$(date -u +%FT%TZ) $target ${seconds}s $runs executions, no finding" >>runs.log
    if [ "$target" = generator ]; then
        # The run checked the generated tokens without printing them (twice
        # as fast); every input it kept is also printed and parsed again
        # (a bare CR in a `///` line, a prettyplease panic).
        POLAR_FUZZ_GENERATOR_CHECK=full "$bin/generator" corpus/generator -runs=0 \
            -timeout="$timeout" -rss_limit_mb=4096 -max_len=65536 \
            -artifact_prefix="artifacts/generator/" >artifacts/generator-full.log 2>&1 || {
            tail -n 40 artifacts/generator-full.log
            echo "error: the generator's corpus has an input whose printed files fail (fuzz/artifacts/generator/)" >&2
            exit 1
        }
        echo "generator: its corpus ($(find corpus/generator -type f | wc -l) inputs) printed and parsed again, no finding"
    fi
done
