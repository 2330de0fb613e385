#!/usr/bin/env bash
# A RUSTC_WORKSPACE_WRAPPER that runs each rustc compiling a crate under
# valgrind's callgrind and appends "crate-name instructions" to
# $CALLGRIND_RUSTC_DIR/counts: the instructions a compilation executes,
# which repeat within 0.1 % from run to run where its wall time varies by
# ±15 % on a shared VM. Used by `compile-ratio.sh` with
# MEASURE=instructions; cargo calls it as `callgrind-rustc.sh RUSTC ARGS...`.
set -euo pipefail
rustc=$1
shift
dir=${CALLGRIND_RUSTC_DIR:?set CALLGRIND_RUSTC_DIR to a directory for the counts}

crate=""
previous=""
for arg in "$@"; do
    [ "$previous" = --crate-name ] && crate=$arg
    previous=$arg
done
# cargo's own queries (`rustc -vV`, and `--crate-name ___ --print ...`
# for the target's file names) are not compilations of ours.
[ -n "$crate" ] && [ "$crate" != ___ ] || exec "$rustc" "$@"

log=$(mktemp "$dir/valgrind.XXXXXX")
status=0
valgrind --tool=callgrind --log-file="$log" --callgrind-out-file="$log.out" \
    "$rustc" "$@" || status=$?
instructions=$(awk '/Collected :/ { s += $NF } END { printf "%.0f\n", s }' "$log")
echo "$crate $instructions" >>"$dir/counts"
rm -f "$log" "$log.out"
exit "$status"
