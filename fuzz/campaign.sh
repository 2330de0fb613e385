#!/usr/bin/env bash
# A long fuzzing campaign: `fuzz/campaign.sh [SECONDS_PER_TARGET] [TARGET...]`
# (default an hour each, every target), at the lowest priority so the
# machine stays usable. The executions per target are appended to
# fuzz/runs.log; copy them into BENCHMARKS.md ("Fuzzing") with any finding.
# A finding stops the campaign: turn its input (fuzz/artifacts/TARGET/)
# into a regression test under a package's tests/ before fixing it.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-3600}
shift || true
exec nice -n 19 ./run.sh "$seconds" "$@"
