#!/usr/bin/env bash
# Builds the fuzz targets with libFuzzer's instrumentation on the stable
# toolchain: the flags cargo-fuzz passes, without its sanitizer (which
# needs nightly). `--target` keeps the flags off build scripts and proc
# macros, which run on the host without libFuzzer.
set -euo pipefail
cd "$(dirname "$0")"
host=$(rustc -vV | sed -n 's/^host: //p')
export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module \
-Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
-Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares \
-Cdebug-assertions -Coverflow-checks"
cargo build --release --target "$host" --bins "$@"
echo "$(pwd)/target/$host/release"
