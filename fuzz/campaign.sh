#!/usr/bin/env bash
# A long fuzzing campaign: `fuzz/campaign.sh [SECONDS_PER_TARGET] [TARGET...]`
# (default an hour each, every target), at the lowest priority so the
# machine stays usable. The executions per target are appended to
# fuzz/runs.log; copy them into BENCHMARKS.md ("Fuzzing") with any finding.
# A finding stops the campaign: turn its input (fuzz/artifacts/TARGET/)
# into a regression test under a package's tests/ before fixing it.
# At nice 19 a fuzzer can wait for the CPU for seconds while builds run,
# and libFuzzer's -timeout is wall time: the campaign allows 60 s per
# input (FUZZ_TIMEOUT), so a starved input is not reported as a hang;
# inputs over 5 s are still written as slow-unit-* to replay alone.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-3600}
shift || true
export FUZZ_TIMEOUT=${FUZZ_TIMEOUT:-60} FUZZ_SLOW=${FUZZ_SLOW:-5}
exec nice -n 19 ./run.sh "$seconds" "$@"
