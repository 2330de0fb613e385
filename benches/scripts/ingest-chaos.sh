#!/usr/bin/env bash
# The ingestor's chaos test (polar-api/tests/ingest_chaos.rs) over more
# seeds and more events than `cargo test` runs, for BENCHMARKS.md
# ("Usage-event ingestor: the chaos test"):
#
#   benches/scripts/ingest-chaos.sh
#   SEEDS=0..5000 EVENTS=10000 THREADS=2 benches/scripts/ingest-chaos.sh
#
# SEEDS is a range a..b (default 0..1000), EVENTS the events each seed's
# producers record (default 10000; `cargo test` runs 0..200 with 1000),
# THREADS how many seeds run at once (default 2). Each seed's mock server
# answers at random (503, 429 with Retry-After, timeouts, connections
# closed mid-answer, 422s naming events) and the seed ends at a random
# point by shutdown(), shutdown_within, the last handle's drop, or the
# runtime's drop; every recorded event must then be inserted once,
# refused, or reported undelivered. The totals are printed at the end;
# a failing seed is named with its plan (run it alone with
# SEEDS=n..n+1).
set -euo pipefail
cd "$(dirname "$0")/../.."
export POLAR_SPEC_DIR="${POLAR_SPEC_DIR:-$(pwd)/../shared/spec/versions}"
export INGEST_CHAOS_SEEDS="${SEEDS:-0..1000}"
export INGEST_CHAOS_EVENTS="${EVENTS:-10000}"
export INGEST_CHAOS_THREADS="${THREADS:-2}"
exec cargo test -q -p polar-api --features ingest --test ingest_chaos -- --nocapture
