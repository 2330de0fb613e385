#!/usr/bin/env bash
# Builds the fuzz targets with libFuzzer's instrumentation on the stable
# toolchain: the flags cargo-fuzz passes, without its sanitizer (which
# needs nightly), added by rustc-sancov.sh to this repository's crates only
# (the dependencies run uninstrumented, several times faster).
# `FUZZ_INSTRUMENT=all fuzz/build.sh` instruments every crate, as cargo-fuzz
# does (to compare). `--target` keeps the flags off build scripts and proc
# macros, which run on the host without libFuzzer.
set -euo pipefail
cd "$(dirname "$0")"
host=$(rustc -vV | sed -n 's/^host: //p')
sancov="-Cpasses=sancov-module \
-Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
-Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares \
-Cdebug-assertions -Coverflow-checks"
if [ "${FUZZ_INSTRUMENT:-ours}" = all ]; then
    export RUSTFLAGS="--cfg fuzzing $sancov"
    unset RUSTC_WRAPPER
else
    # Cargo does not see the flags the wrapper adds; the RUSTFLAGS differ
    # from the other mode's, so switching modes rebuilds every crate.
    export RUSTFLAGS="--cfg fuzzing"
    export RUSTC_WRAPPER="$(pwd)/rustc-sancov.sh"
    export POLAR_FUZZ_SANCOV="$sancov"
fi
cargo build --release --target "$host" --bins "$@"
echo "$(pwd)/target/$host/release"
