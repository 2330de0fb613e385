#!/usr/bin/env bash
# A user's whole clean build, this checkout against another revision, for
# BENCHMARKS.md ("Compiled where used"):
#
#   benches/scripts/app-ratio.sh BASE
#
# compile-ratio.sh times polar-models + polar-api alone. Code that the SDK
# leaves generic or `#[inline]` (the response decoders, the request
# serializers, the webhook payload decoders) is compiled in the program
# that calls it instead, so the crates alone do not show all of what a user
# pays. This script builds a small program against each side: it lists
# products (one operation: a request, a response decoder) and routes a
# webhook delivery (every payload decoder of the version), with polar-api's
# default features.
#
# Each side gets the program under its own target/bench-compile/app and its
# own target directory (target/bench-compile/app-target); the first build
# there compiles every dependency (minutes, not timed). Each timed build
# follows `cargo clean -p` of the program and of every polar-* package the
# side has, so what is timed is the SDK's crates and the program, debug,
# CARGO_INCREMENTAL=0. ROUNDS (default 2) rounds, alternating which side
# goes first. BASE is checked out in target/bench-ratio/base, as by
# compile-ratio.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

if [ $# -ne 1 ]; then
    sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi
base_rev=$1
rounds=${ROUNDS:-2}
base_dir="$root/target/bench-ratio/base"
export CARGO_TERM_COLOR=never CARGO_INCREMENTAL=0

if [ ! -d "$base_dir" ]; then
    git worktree add --detach "$base_dir" "$base_rev" >/dev/null
else
    git -C "$base_dir" checkout --quiet --detach "$base_rev"
fi

# Writes the program for the checkout $1; prints its manifest path.
make_app() {
    local side=$1 app="$1/target/bench-compile/app"
    mkdir -p "$app/src"
    cat >"$app/Cargo.toml" <<TOML
[package]
name = "polar-user-app"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
polar-api = { path = "$side/polar-api" }
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }

[workspace]
TOML
    cat >"$app/src/main.rs" <<'RUST'
//! Made by benches/scripts/app-ratio.sh: a user's program.
use polar_api::v2026_10::Client;
use polar_api::webhooks::{Webhook, WebhookOutcome, WebhookSecret};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::builder().token(std::env::var("POLAR_ACCESS_TOKEN")?).build()?;
    let page = client.products().list().limit(10).send().await?;
    for product in &page.items {
        println!("{} {}", product.id, product.name);
    }
    let webhook = Webhook::new(WebhookSecret::new(&std::env::var("POLAR_WEBHOOK_SECRET")?)?);
    let body = std::fs::read("delivery.json")?;
    let headers = vec![
        ("webhook-id", std::env::var("WEBHOOK_ID")?),
        ("webhook-timestamp", std::env::var("WEBHOOK_TIMESTAMP")?),
        ("webhook-signature", std::env::var("WEBHOOK_SIGNATURE")?),
    ];
    match webhook.verify_and_route(&headers, &body)? {
        WebhookOutcome::Event(event) => println!("{event:?}"),
        other => println!("not typed: {:?}", other.delivery()),
    }
    Ok(())
}
RUST
    echo "$app/Cargo.toml"
}

# The polar-* packages of the checkout $1 (both trees have different ones).
packages() {
    find "$1" -name Cargo.toml -not -path "$1/target/*" -exec sed -n 's/^name = "\(polar-[a-z0-9-]*\)"$/\1/p' {} + |
        grep -v -e polar-codegen -e polar-benches -e polar-tests -e polar-xtask | sort -u
}

declare -A wall
time_side() {
    local side=$1 manifest
    manifest=$(make_app "$side")
    export CARGO_TARGET_DIR="$side/target/bench-compile/app-target"
    if [ ! -d "$CARGO_TARGET_DIR/debug" ]; then
        echo "   (first build of $side: every dependency, not timed)" >&2
        cargo build -q --manifest-path "$manifest" >&2
    fi
    # One at a time: `cargo clean -p` refuses a whole list when one of them
    # (an optional crate the program does not enable) is not in its graph.
    for p in $(packages "$side") polar-user-app; do
        cargo clean -q --manifest-path "$manifest" -p "$p" 2>/dev/null || true
    done
    local start end
    start=$(date +%s.%N)
    cargo build -q --manifest-path "$manifest" >&2
    end=$(date +%s.%N)
    unset CARGO_TARGET_DIR
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }'
}

rows=()
for round in $(seq "$rounds"); do
    if [ $((round % 2)) -eq 1 ]; then order=(base head); else order=(head base); fi
    for who in "${order[@]}"; do
        dir=$root
        [ "$who" = base ] && dir=$base_dir
        echo "== round $round: $who" >&2
        wall[$who]=$(time_side "$dir")
        echo "   ${wall[$who]} s" >&2
    done
    ratio=$(awk -v a="${wall[head]}" -v b="${wall[base]}" 'BEGIN { printf "%.2f", a / b }')
    rows+=("| app (clean debug) | $round | ${order[0]} first | ${wall[base]} | ${wall[head]} | $ratio |")
done

echo "BASE $base_rev ($(git -C "$base_dir" rev-parse --short HEAD)) vs this checkout ($(git rev-parse --short HEAD)); $(nproc) cores; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "| build | round | order | BASE wall (s) | this wall (s) | this ÷ BASE |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
