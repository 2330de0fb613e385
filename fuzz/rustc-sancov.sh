#!/usr/bin/env bash
# RUSTC_WRAPPER for fuzz/build.sh: adds libFuzzer's coverage
# instrumentation (and debug assertions, overflow checks) only to this
# repository's crates (`codegen`, `polar_*`, the targets in fuzz_targets/)
# built for the target, so the dependencies (syn, proc-macro2,
# prettyplease, serde_json...) run at full speed: the coverage of our code
# is what guides the fuzzer, and the comparison callbacks in syn alone took
# about half of the `generator` target's time. Build scripts and proc
# macros (built for the host, without `--target`) get no flags, as before.
set -euo pipefail
rustc=$1
shift
ours=false
crate=""
target=false
previous=""
for arg in "$@"; do
    case "$previous" in
        --crate-name) crate=$arg ;;
    esac
    case "$arg" in
        --target | --target=*) target=true ;;
        fuzz_targets/*.rs | */fuzz_targets/*.rs) ours=true ;;
    esac
    previous=$arg
done
case "$crate" in
    codegen | polar_*) ours=true ;;
esac
if $ours && $target; then
    # build.sh sets POLAR_FUZZ_SANCOV (the flags, split on spaces).
    # shellcheck disable=SC2086
    exec "$rustc" "$@" $POLAR_FUZZ_SANCOV
fi
exec "$rustc" "$@"
