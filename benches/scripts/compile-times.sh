#!/usr/bin/env bash
# Wall time and peak RSS of whole commands, for BENCHMARKS.md:
#
#   debug    clean debug build of polar-models + polar-api alone (dependencies
#            prebuilt, then every polar-models* and polar-api* package made
#            stale: the facades, their runtimes and the generated crates; the
#            step fails if the timed build compiled anything else)
#   release  the same, --release
#   subset   the same as debug with polar-api's default features replaced by
#            $SUBSET_FEATURES (e.g. SUBSET_FEATURES=checkouts,webhooks); only
#            when that variable is set
#   versions the same as debug with every pinned API version's feature enabled
#            (spec/versions/*.toml) besides the defaults: what a user pays
#            while migrating from one version to the next
#   regen    `cargo xtask regen --spec SPEC` against an unchanged tree (writes
#            nothing; skipped when `cargo xtask check` says the tree is stale)
#   edit     `cargo check -p polar-api` after a one-line edit of a hand-written
#            runtime file (polar-api/runtime/src/retry.rs, then
#            polar-models/core/src/nullable.rs), incremental on as cargo defaults,
#            three times each (the edit is undone afterwards)
#   user     a user's rebuild: a binary crate outside the workspace that
#            depends on polar-api (default features) by path and lists
#            products, made under target/bench-compile/userapp; `cargo build`
#            after a one-line edit of its main.rs, incremental on, three times
#
# Usage: benches/scripts/compile-times.sh [debug] [release] [subset] [versions] [regen] [edit] [user]
#        (no step names: every step; subset only with SUBSET_FEATURES)
#
# The builds use their own target directory, target/bench-compile/target, so
# the main one is left alone (the first run there builds every dependency
# once, debug and release: minutes). The regen step uses the main target
# directory, like `cargo xtask` always does. Logs, `cargo build --timings`
# reports and the results table go to target/bench-compile/.
#
# Peak RSS is the largest process of the command's tree (the biggest rustc
# for a build). It comes from GNU time (`/usr/bin/time -v`) when installed,
# else from python3's getrusage(RUSAGE_CHILDREN), else it is not measured
# and only bash's `time` gives the wall time.
#
# COMPILE_TIMES_TIMER=gnu-time|python3|bash picks the method (to try a
# fallback); by default the first of them that is available.
#
# CARGO_INCREMENTAL defaults to 0 here, as in CI: a clean build then does
# the same work every time. Set it to 1 to measure what a developer's
# incremental-enabled debug build costs.
#
# COMPILE_TIMES_ROOT=DIR measures the checkout at DIR with this script
# (compile-ratio.sh uses it, so that both sides are measured the same way).
# COMPILE_TIMES_RUSTC_WRAPPER=PROGRAM runs the timed build's compilations of
# our crates through PROGRAM (RUSTC_WORKSPACE_WRAPPER; compile-ratio.sh's
# MEASURE=instructions passes callgrind-rustc.sh).
#
# The dev-profile builds (debug, subset, versions) compile the dependencies
# as a user's build does: the workspace's `[profile.dev.package.<dep>]`
# overrides (serde_json, syn, ... optimized for `cargo xtask regen`) are
# reset to opt-level 0 with `--config`. They matter: an optimized
# dependency shares none of its generic instances, so with serde_json at
# opt-level 3 every crate of ours compiled serde_json's number parser and
# `Value` builder itself, which a user's crates take from serde_json's own
# rlib (BENCHMARKS.md, "Eighth look"). COMPILE_TIMES_DEPS=workspace keeps
# the workspace's overrides instead.
set -euo pipefail
cd "${COMPILE_TIMES_ROOT:-$(dirname "$0")/../..}"
root=$(pwd)

out="$root/target/bench-compile"
logs="$out/logs"
reports="$out/timings"
build_target="$out/target"
mkdir -p "$logs" "$reports"

export CARGO_TERM_COLOR=never
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
incremental_default=$CARGO_INCREMENTAL

# --- dependencies as a user builds them -------------------------------------
# `--config` flags resetting each dev-profile override of a dependency (a
# package that is not one of this tree's members) to opt-level 0.
user_profile_flags=()
case "${COMPILE_TIMES_DEPS:-user}" in
    user)
        members=$(git ls-files '*Cargo.toml' | xargs sed -n 's/^name *= *"\(.*\)"/\1/p' | sort -u)
        for dep in $(sed -n 's/^\[profile\.dev\.package\.\([A-Za-z0-9_-]*\)\]/\1/p' Cargo.toml); do
            grep -qx -- "$dep" <<<"$members" && continue
            user_profile_flags+=(--config "profile.dev.package.$dep.opt-level=0")
        done
        ;;
    workspace) ;;
    *)
        echo "COMPILE_TIMES_DEPS must be user or workspace" >&2
        exit 2
        ;;
esac

# --- which steps ----------------------------------------------------------
steps=("$@")
if [ ${#steps[@]} -eq 0 ]; then
    steps=(debug release regen)
    if [ -n "${SUBSET_FEATURES:-}" ]; then
        steps=(debug release subset regen)
    fi
fi
for step in "${steps[@]}"; do
    case "$step" in
        debug | release | subset | versions | regen | edit | user) ;;
        *)
            echo "unknown step '$step' (debug, release, subset, versions, regen, edit, user)" >&2
            exit 2
            ;;
    esac
done

# --- how to measure -------------------------------------------------------
timer="${COMPILE_TIMES_TIMER:-}"
if [ -z "$timer" ]; then
    if [ -x /usr/bin/time ] && /usr/bin/time -v true >/dev/null 2>&1; then
        timer=gnu-time
    elif command -v python3 >/dev/null 2>&1; then
        timer=python3
    else
        timer=bash
    fi
fi
case "$timer" in
    gnu-time | python3 | bash) ;;
    *)
        echo "COMPILE_TIMES_TIMER must be gnu-time, python3 or bash" >&2
        exit 2
        ;;
esac

# Runs a command (output to $logs/NAME.log); sets $wall_s, $rss_mib, $status.
# shellcheck disable=SC2016
py_timer='
import resource, subprocess, sys, time
start = time.monotonic()
status = subprocess.call(sys.argv[2:])
wall = time.monotonic() - start
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
with open(sys.argv[1], "w") as f:
    f.write(f"{wall:.2f} {peak_kib}\n")
sys.exit(status)
'
measure() {
    local name=$1
    shift
    local log="$logs/$name.log" times="$logs/$name.time"
    status=0
    echo "  \$ $*" | tee "$log" >&2
    case "$timer" in
        gnu-time)
            /usr/bin/time -v -o "$times" "$@" >>"$log" 2>&1 || status=$?
            # "Elapsed (wall clock) time (h:mm:ss or m:ss): 1:02.34"
            wall_s=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($NF, p, ":"); s = 0;
                for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }' "$times")
            rss_mib=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $NF / 1024 }' "$times")
            ;;
        python3)
            python3 -c "$py_timer" "$times" "$@" >>"$log" 2>&1 || status=$?
            wall_s=$(awk '{ printf "%.2f", $1 }' "$times")
            rss_mib=$(awk '{ printf "%.0f", $2 / 1024 }' "$times")
            ;;
        bash)
            local TIMEFORMAT=%R
            { time "$@" >>"$log" 2>&1; } 2>"$times" || status=$?
            wall_s=$(awk '{ printf "%.2f", $1 }' "$times")
            rss_mib="n/a"
            ;;
    esac
    echo "  -> ${wall_s} s, peak RSS ${rss_mib} MiB, exit ${status} (log: ${log#"$root"/})" >&2
}

rows=()
row() { rows+=("| $1 | \`$2\` | $3 | $4 | $5 |"); }

# Runs an untimed preparation command, quietly unless it fails.
prepare() {
    local log=$1
    shift
    echo "  (prepare) $*" >&2
    if ! "$@" >>"$log" 2>&1; then
        echo "preparation failed: $* (see ${log#"$root"/})" >&2
        tail -20 "$log" >&2
        return 1
    fi
}

# One "our two crates alone" build: prebuild everything, clean the two
# crates, time their rebuild. $1 = step name, the rest = extra cargo flags.
crates_alone() {
    local name=$1
    shift
    local flags=("$@")
    local shown=("$@") deps_note=""
    local profile_flags=()
    for flag in "${flags[@]}"; do
        [ "$flag" = "--release" ] && profile_flags=(--release)
    done
    if [ ${#profile_flags[@]} -eq 0 ] && [ ${#user_profile_flags[@]} -gt 0 ]; then
        flags=("${user_profile_flags[@]}" "${flags[@]}")
        deps_note="; dependencies at opt-level 0, as users build them"
    fi
    echo "== $name: polar-models + polar-api alone (${flags[*]:-dev profile})" >&2
    : >"$logs/$name.prepare.log"
    export CARGO_TARGET_DIR="$build_target"
    prepare "$logs/$name.prepare.log" cargo build -p polar-models -p polar-api "${flags[@]}"
    # polar-models and polar-api are facades over their runtimes and their
    # generated crates (polar-models-core, -shared, one per API version;
    # polar-api-runtime, -shared, one per version): rebuild them all.
    # Their fingerprints are removed rather than `cargo clean -p`, which
    # also deletes the metadata of a dependency (zeroize, cargo 1.95) and so
    # made every timed build rebuild rustls and reqwest too.
    local profile_dir=debug
    [ ${#profile_flags[@]} -gt 0 ] && profile_dir=release
    rm -rf "$build_target/$profile_dir"/.fingerprint/polar-models* \
        "$build_target/$profile_dir"/.fingerprint/polar-api*
    local wrapper=()
    [ -n "${COMPILE_TIMES_RUSTC_WRAPPER:-}" ] &&
        wrapper=(env RUSTC_WORKSPACE_WRAPPER="$COMPILE_TIMES_RUSTC_WRAPPER")
    measure "$name" "${wrapper[@]}" cargo build -p polar-models -p polar-api --timings "${flags[@]}"
    # Only our crates may have been compiled: anything else in the timed
    # build is noise the ratio would hide.
    local others
    others=$(grep '^ *Compiling ' "$logs/$name.log" | grep -v ' polar-\(models\|api\)' || true)
    if [ -n "$others" ]; then
        echo "error: the timed $name build compiled more than polar-models* and polar-api*:" >&2
        echo "$others" >&2
        exit 1
    fi
    local ours
    ours=$(grep -c '^ *Compiling polar-\(models\|api\)' "$logs/$name.log" || true)
    if [ "$ours" -lt 3 ]; then
        echo "error: the timed $name build compiled $ours of our crates (stale fingerprints not removed?)" >&2
        exit 1
    fi
    unset CARGO_TARGET_DIR
    if [ -f "$build_target/cargo-timings/cargo-timing.html" ]; then
        cp "$build_target/cargo-timings/cargo-timing.html" "$reports/$name.html"
    fi
    row "$name" "cargo build -p polar-models -p polar-api${shown[*]:+ ${shown[*]}}" "$wall_s" "$rss_mib" \
        "exit $status$deps_note; timings: ${reports#"$root"/}/$name.html"
}

regen() {
    echo "== regen: peak RSS of cargo xtask regen" >&2
    : >"$logs/regen.prepare.log"
    # Build xtask first so the number is the run, not its compilation; and
    # make sure the tree is fresh, so regen writes nothing.
    prepare "$logs/regen.prepare.log" cargo build -p xtask
    # xtask finds every pinned version's document by SHA-256 ($POLAR_SPEC_DIR,
    # spec/cache/, ../shared/spec/versions/).
    if ! prepare "$logs/regen.prepare.log" cargo xtask check; then
        echo "the generated code is stale (or a pinned document is missing): skipped" >&2
        row regen "cargo xtask regen" "-" "-" "skipped: tree is stale"
        return
    fi
    local before after
    before=$(git status --porcelain)
    measure regen cargo xtask regen
    after=$(git status --porcelain)
    local note="exit $status"
    if [ "$before" != "$after" ]; then
        note="$note; WARNING: the working tree changed"
        echo "WARNING: regen changed the working tree (git status differs)" >&2
    fi
    row regen "cargo xtask regen (every pinned version)" "$wall_s" "$rss_mib" "$note"
}

# Appends a comment line to $1 (the edit a developer makes), or removes
# it again: each call changes the file's text, so each rebuild has work.
toggle_edit() {
    local file=$1 mark="// compile-times.sh edit"
    if tail -n 1 "$file" | grep -qF "$mark"; then
        sed -i '$ d' "$file"
    else
        echo "$mark" >>"$file"
    fi
}

# `cargo check -p polar-api` after editing one hand-written runtime file.
edit_runtime() {
    echo "== edit: cargo check -p polar-api after editing a runtime file" >&2
    : >"$logs/edit.prepare.log"
    export CARGO_TARGET_DIR="$build_target" CARGO_INCREMENTAL=1
    prepare "$logs/edit.prepare.log" cargo check -p polar-api
    local file run
    for file in polar-api/runtime/src/retry.rs polar-models/core/src/nullable.rs; do
        for run in 1 2 3; do
            toggle_edit "$file"
            measure "edit-$(basename "$file" .rs)-$run" cargo check -p polar-api
            row "edit $file ($run)" "cargo check -p polar-api" "$wall_s" "$rss_mib" "exit $status; incremental"
        done
        # An odd number of edits leaves the mark: take it out again.
        toggle_edit "$file"
    done
    git diff --quiet -- polar-api/runtime/src/retry.rs polar-models/core/src/nullable.rs ||
        echo "WARNING: an edited runtime file was not restored" >&2
    export CARGO_INCREMENTAL="$incremental_default"
    unset CARGO_TARGET_DIR
}

# A user's binary crate, rebuilt after editing its main.rs.
user_crate() {
    echo "== user: a user crate's rebuild after editing its main.rs" >&2
    local app="$out/userapp"
    mkdir -p "$app/src"
    cat >"$app/Cargo.toml" <<TOML
[package]
name = "userapp"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
polar-api = { path = "$root/polar-api" }
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }

[workspace]
TOML
    cat >"$app/src/main.rs" <<'RUST'
//! Made by benches/scripts/compile-times.sh: a user's program.
use polar_api::v2026_10::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::builder().token(std::env::var("POLAR_ACCESS_TOKEN")?).build()?;
    let page = client.products().list().limit(10).send().await?;
    for product in &page.items {
        println!("{} {}", product.id, product.name);
    }
    Ok(())
}
RUST
    : >"$logs/user.prepare.log"
    export CARGO_TARGET_DIR="$build_target" CARGO_INCREMENTAL=1
    prepare "$logs/user.prepare.log" cargo build --manifest-path "$app/Cargo.toml"
    local run
    for run in 1 2 3; do
        toggle_edit "$app/src/main.rs"
        measure "user-$run" cargo build --manifest-path "$app/Cargo.toml"
        row "user crate, main.rs edited ($run)" "cargo build" "$wall_s" "$rss_mib" "exit $status; incremental"
    done
    export CARGO_INCREMENTAL="$incremental_default"
    unset CARGO_TARGET_DIR
}

for step in "${steps[@]}"; do
    case "$step" in
        debug) crates_alone debug ;;
        release) crates_alone release --release ;;
        subset)
            if [ -z "${SUBSET_FEATURES:-}" ]; then
                echo "subset: set SUBSET_FEATURES (e.g. checkouts,webhooks)" >&2
                exit 2
            fi
            features=$(sed 's|[^,][^,]*|polar-api/&|g' <<<"rustls,$SUBSET_FEATURES")
            crates_alone subset --no-default-features --features "$features"
            ;;
        versions)
            features=$(sed -n 's/^version *= *"\(.*\)"/polar-api\/v\1/p' spec/versions/*.toml | paste -sd,)
            crates_alone versions --features "$features"
            ;;
        regen) regen ;;
        edit) edit_runtime ;;
        user) user_crate ;;
    esac
done

# --- the table ------------------------------------------------------------
{
    echo "Machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo);" \
        "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); $(cargo --version);" \
        "CARGO_INCREMENTAL=$CARGO_INCREMENTAL; measured with $timer; $(date -u +%Y-%m-%dT%H:%MZ)"
    echo
    echo "| step | command | wall (s) | peak RSS (MiB) | notes |"
    echo "|---|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
} | tee "$out/results.md"
echo >&2
echo "table: ${out#"$root"/}/results.md; logs: ${logs#"$root"/}/" >&2
