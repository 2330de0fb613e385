#!/usr/bin/env bash
# The decode cost of serde_json's `float_roundtrip` (BENCHMARKS.md,
# "Decoding: float_roundtrip"): builds the same decoder twice, with and
# without the feature, in scratch crates under target/float-roundtrip/, and
# times each on the same payloads, interleaved so that a change of load
# hits both: `benches/scripts/float-roundtrip.sh [PAYLOAD.json...]`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
scratch="$root/target/float-roundtrip"
for variant in on off; do
    features='"float_roundtrip"'
    [ "$variant" = off ] && features=''
    mkdir -p "$scratch/$variant/src"
    cp "$root/benches/scripts/float-roundtrip/main.rs" "$scratch/$variant/src/main.rs"
    cat >"$scratch/$variant/Cargo.toml" <<TOML
[package]
name = "float-roundtrip-$variant"
version = "0.0.0"
edition = "2021"
publish = false
[workspace]
[dependencies]
serde_json = { version = "1", features = [$features] }
[profile.release]
codegen-units = 1
TOML
    cargo build -q --release --manifest-path "$scratch/$variant/Cargo.toml"
done
for round in 1 2 3; do
    for variant in on off; do
        "$scratch/$variant/target/release/float-roundtrip-$variant" "$@" | sed "s/^/$variant\t$round\t/"
    done
done | awk -F'\t' '
    { key = $3; if (!(key in best_on)) { best_on[key] = 1e18; best_off[key] = 1e18; size[key] = $4; order[n++] = key }
      if ($1 == "on" && $5 < best_on[key]) best_on[key] = $5
      if ($1 == "off" && $5 < best_off[key]) best_off[key] = $5 }
    END { printf "%-40s %9s %12s %12s %7s\n", "payload", "bytes", "on (ns)", "off (ns)", "on/off"
          for (i = 0; i < n; i++) { k = order[i]
              printf "%-40s %9d %12d %12d %7.3f\n", k, size[k], best_on[k], best_off[k], best_on[k] / best_off[k] } }'
