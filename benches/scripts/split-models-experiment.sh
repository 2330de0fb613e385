#!/usr/bin/env bash
# An experiment, not a build step: rearranges a scratch worktree's generated
# polar-models into one crate per layer -- polar-models-core (the hand-written
# runtime), polar-models-shared (the types several versions define alike) and
# one crate per API version -- with polar-models as a facade that re-exports
# them under the same paths, then times a clean debug build of the models and
# polar-api, one version and two versions, against the unchanged tree, in one
# run, alternating. Why: a crate's frontend runs on one core; as separate
# crates the two versions' own types compile side by side once the shared
# crate's metadata is out. The generator does not emit this layout yet; the
# numbers are in BENCHMARKS.md (issue 10, item 7).
#
# Usage: benches/scripts/split-models-experiment.sh [ROUNDS]   (default 2)
# Leaves the worktree at target/split-experiment (delete with
# `git worktree remove --force target/split-experiment`).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
rounds=${1:-2}
wt="$root/target/split-experiment"
export CARGO_TARGET_DIR="$root/target/split-experiment-target" CARGO_INCREMENTAL=0

if [ ! -d "$wt" ]; then
    git worktree add -q --detach "$wt" HEAD
    (
        cd "$wt"
        M=polar-models
        versions=$(cd $M/src/generated && ls -d v* | tr '\n' ' ')
        mkdir -p $M/core/src
        for f in $M/src/*.rs; do [ "$(basename "$f")" = lib.rs ] || mv "$f" $M/core/src/; done
        python3 - "$versions" <<'PY'
import re, sys, pathlib
versions = sys.argv[1].split()
features = [v.replace("_", "-") for v in versions]  # v2026_10 -> v2026-10
root = pathlib.Path("polar-models")
manifest = (root / "Cargo.toml").read_text()
block = manifest[manifest.index("# @generated begin"):manifest.index("# @generated end")]
groups = [g for g in re.findall(r"^([a-z0-9_-]+) = \[\]$", block, re.M) if g not in features]
common = """edition.workspace = true
rust-version.workspace = true
license.workspace = true
[dependencies]
serde.workspace = true
serde_json.workspace = true
"""
def crate(dir, name, deps, feats):
    (root / dir).mkdir(exist_ok=True)
    text = f'[package]\nname = "{name}"\nversion = "0.1.0"\n{common}{deps}[features]\n{feats}'
    (root / dir / "Cargo.toml").write_text(text)
crate("core", "polar-models-core", "chrono.workspace = true\nuuid.workspace = true\n", "")
leaf_features = "full = [" + ", ".join(f'"{g}"' for g in groups) + "]\n" + "".join(f"{f} = []\n" for f in features + groups)
core_dep = 'polar-models-core = { path = "../core" }\n'
crate("shared", "polar-models-shared", core_dep, leaf_features)
for v, f in zip(versions, features):
    crate(v, f"polar-models-{f}", core_dep + 'polar-models-shared = { path = "../shared" }\n', leaf_features)
(root / "core/src/lib.rs").write_text("""#![allow(missing_docs)]
mod constant;
mod nullable;
mod page;
mod secret;
mod struct_decode;
mod tag_scan;
mod timestamp;
#[doc(hidden)]
pub mod __private;
pub use constant::{Const, ConstValue};
pub use nullable::Nullable;
pub use page::{Page, PageProgress};
pub use secret::Secret;
pub use chrono;
pub use uuid;
""")
gen = root / "src/generated"
for module, dir in [("__shared", "shared")] + list(zip(versions, versions)):
    src = root / dir / "src"
    (gen / module).rename(src)
    lib = (src / "mod.rs").read_text()
    (src / "mod.rs").unlink()
    lib = lib.replace("pub use crate::{chrono,", "#[doc(hidden)]\npub use ::polar_models_core::__private;\npub use ::polar_models_core::{chrono,", 1)
    (src / "lib.rs").write_text("#![allow(missing_docs)]\n" + lib)
    for file in src.glob("*.rs"):
        text = file.read_text()
        if "super::super::__shared" in text:
            file.write_text(text.replace("super::super::__shared", "::polar_models_shared"))
(gen / "mod.rs").unlink()
gen.rmdir()
def forward(g):
    return ", ".join([f'"polar-models-shared/{g}"'] + [f'"polar-models-{f}?/{g}"' for f in features])
lines = []
for line in block.splitlines():
    m = re.match(r"^([a-z0-9_-]+) = \[\]$", line)
    if m and m.group(1) in features:
        f = m.group(1)
        line = f'{f} = ["dep:polar-models-{f}", "polar-models-shared/{f}"]'
    elif m:
        line = f"{m.group(1)} = [{forward(m.group(1))}]"
    elif line.startswith("full = ["):
        line = line[:-1] + ", " + forward("full") + "]"
    lines.append(line)
manifest = manifest.replace(block, "\n".join(lines) + "\n")
deps = 'polar-models-core = { path = "core" }\npolar-models-shared = { path = "shared" }\n' + "".join(
    f'polar-models-{f} = {{ path = "{v}", optional = true }}\n' for v, f in zip(versions, features))
(root / "Cargo.toml").write_text(manifest.replace("[dependencies]\n", "[dependencies]\n" + deps, 1))
lib = (root / "src/lib.rs").read_text()
lib = lib[:lib.index("mod constant;")] + """#[doc(hidden)]
pub use polar_models_core::__private;
pub use polar_models_core::{chrono, uuid, Const, ConstValue, Nullable, Page, PageProgress, Secret};
#[doc(hidden)]
pub use polar_models_shared as __shared;
""" + "".join(f'#[cfg(feature = "{f}")]\npub use polar_models_{v} as {v};\n' for v, f in zip(versions, features))
(root / "src/lib.rs").write_text(lib)
ws = pathlib.Path("Cargo.toml")
members = ", ".join(f'"polar-models/{d}"' for d in ["core", "shared"] + versions)
ws.write_text(ws.read_text().replace('"polar-models", ', f'"polar-models", {members}, ', 1))
PY
    )
fi

# One clean debug build of the models and polar-api in tree $1; extra flags after.
build() {
    local tree=$1
    shift
    local packages
    packages=$(cd "$tree" && cargo metadata --no-deps --format-version 1 | python3 -c \
        'import json, sys; print(" ".join("-p " + p["name"] for p in json.load(sys.stdin)["packages"] if p["name"].startswith(("polar-models", "polar-api"))))')
    (cd "$tree" && cargo build -q -p polar-models -p polar-api "$@" && cargo clean -q $packages) >/dev/null 2>&1
    local start end
    start=$(date +%s.%N)
    (cd "$tree" && cargo build -q -p polar-models -p polar-api "$@")
    end=$(date +%s.%N)
    echo "$end - $start" | bc
}

two=(--features "polar-api/$(cd "$wt/polar-models" && ls -d v* | head -1 | sed 's/_/-/')")
for round in $(seq "$rounds"); do
    echo "round $round: unchanged 1v $(build "$root") s, split 1v $(build "$wt") s," \
        "unchanged 2v $(build "$root" "${two[@]}") s, split 2v $(build "$wt" "${two[@]}") s"
done
