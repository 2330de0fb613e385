#!/usr/bin/env bash
# The compile time of this checkout as a ratio of another revision's, for
# BENCHMARKS.md: both revisions built back to back, alternating which goes
# first, for several rounds, on the same machine under the same load.
#
#   benches/scripts/compile-ratio.sh BASE [STEP ...]
#
# BASE is any git revision (e.g. the commit a change started from). STEP is
# one of compile-times.sh's build steps (debug, release, subset, versions;
# default: debug release). ROUNDS (default 2) sets the number of rounds;
# SUBSET_FEATURES is passed on for the subset step.
#
# BASE is checked out, detached, in target/bench-ratio/base (a git
# worktree, reused between runs); this checkout is the other side. This
# checkout's benches/scripts/compile-times.sh measures each side
# (COMPILE_TIMES_ROOT), building in that side's own
# target/bench-compile/target with the same settings (dependencies prebuilt,
# then our crates made stale, then a timed build of them alone), so the
# ratio compares like with like. The first run prebuilds every dependency
# once per side (minutes).
#
# Prints, per step and round, both wall times, both peak RSS and the ratio
# (this checkout / BASE), then per step the median ratio with its 95 %
# interval (distribution-free, from the order statistics of the per-round
# ratios: with few rounds it is wide, which is the point) and the median
# ratio of the CPU time (user + system, from GNU time; "-" without it): the
# work done, less sensitive than the wall time to how the two cores were
# shared. The table goes to target/bench-ratio/results.md.
#
# MEASURE=instructions counts instead of timing: each side is built once
# per step with every rustc of our crates under valgrind's callgrind
# (callgrind-rustc.sh), and the table lists each crate's instructions on
# both sides and the change, then the totals. The count repeats within
# 0.1 % from run to run, so one build says what many timed rounds only
# approach; it cannot see how the two cores were shared (the wall time
# can). A build takes about 50 times as long as without callgrind
# (minutes). Needs valgrind.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

if [ $# -lt 1 ]; then
    sed -n '2,/^set -euo/p' "$0" | sed -n 's/^# \{0,1\}//p' >&2
    exit 2
fi
base_rev=$1
shift
steps=("$@")
[ ${#steps[@]} -eq 0 ] && steps=(debug release)
rounds=${ROUNDS:-2}

out="$root/target/bench-ratio"
base_dir="$out/base"
mkdir -p "$out"
base_commit=$(git rev-parse --verify "$base_rev^{commit}")
head_commit=$(git rev-parse HEAD)
if [ -d "$base_dir" ]; then
    git -C "$base_dir" checkout -q --detach "$base_commit"
else
    git worktree add -q --detach "$base_dir" "$base_commit"
fi

# Runs one side's compile-times.sh for one step; prints "wall rss".
build_once() {
    local dir=$1 step=$2
    # This checkout's script measures both sides, so that a fix to the
    # measurement applies to BASE too.
    COMPILE_TIMES_ROOT=$dir "$root/benches/scripts/compile-times.sh" "$step" >"$out/last.log" 2>&1 || {
        echo "compile-times.sh $step failed in $dir (see ${out#"$root"/}/last.log)" >&2
        tail -20 "$out/last.log" >&2
        exit 1
    }
    # The row of the step: | step | `command` | wall | rss | notes |
    local wall_rss cpu
    wall_rss=$(awk -F' *[|] *' -v step="$step" '$2 == step { print $4, $5 }' \
        "$dir/target/bench-compile/results.md")
    # CPU seconds (user + system) from GNU time's report, when it made one.
    cpu=$(awk -F': ' '/User time \(seconds\)|System time \(seconds\)/ { s += $NF; n++ }
        END { if (n == 2) printf "%.2f", s; else print "-" }' \
        "$dir/target/bench-compile/logs/$step.time" 2>/dev/null || echo -)
    echo "$wall_rss ${cpu:--}"
}

# HEAD / BASE to two decimals.
ratio_of() { awk -v h="$1" -v b="$2" 'BEGIN { printf "%.2f", h / b }'; }

# The median of the numbers on stdin, and its 95 % interval from the order
# statistics (ranks n/2 -/+ 0.98 sqrt(n), clamped): "median low high".
median_interval() {
    sort -n | awk '{ a[NR] = $1 } END {
        if (NR == 0) { print "- - -"; exit }
        m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
        half = 0.98 * sqrt(NR)
        lo = int(NR / 2 - half); if (lo < 1) lo = 1
        hi = int(NR / 2 + half + 1.999); if (hi > NR) hi = NR
        printf "%.2f %.2f %.2f\n", m, a[lo], a[hi] }'
}

# MEASURE=instructions: one build of each side per step under callgrind.
if [ "${MEASURE:-wall}" = instructions ]; then
    command -v valgrind >/dev/null || {
        echo "MEASURE=instructions needs valgrind" >&2
        exit 1
    }
    counts_of() { # dir step -> "crate instructions" lines, summed per crate
        local dir=$1 step=$2 counts="$out/callgrind"
        rm -rf "$counts" && mkdir -p "$counts"
        CALLGRIND_RUSTC_DIR=$counts COMPILE_TIMES_RUSTC_WRAPPER="$root/benches/scripts/callgrind-rustc.sh" \
            build_once "$dir" "$step" >/dev/null
        awk '{ n[$1] += $2 } END { for (c in n) printf "%s %.0f\n", c, n[c] }' "$counts/counts" | sort
    }
    {
        echo "BASE $base_rev ($(git rev-parse --short "$base_commit")) vs this checkout" \
            "($(git rev-parse --short "$head_commit")$(git diff --quiet HEAD || echo ', with uncommitted changes'));" \
            "instructions (callgrind) of each rustc; $(date -u +%Y-%m-%dT%H:%MZ)"
        for step in "${steps[@]}"; do
            echo "== $step: BASE" >&2
            base_counts=$(counts_of "$base_dir" "$step")
            echo "== $step: this checkout" >&2
            head_counts=$(counts_of "$root" "$step")
            echo
            echo "| $step: crate | BASE (G) | this (G) | change |"
            echo "|---|---|---|---|"
            join -a1 -a2 -e 0 -o 0,1.2,2.2 <(echo "$base_counts") <(echo "$head_counts") |
                awk '{ b += $2; h += $3
                       printf "| %s | %.3f | %.3f | %s |\n", $1, $2 / 1e9, $3 / 1e9,
                           ($2 > 0) ? sprintf("%+.1f %%", ($3 / $2 - 1) * 100) : "new" }
                     END { printf "| **total** | **%.3f** | **%.3f** | **%+.1f %%** |\n",
                           b / 1e9, h / 1e9, (h / b - 1) * 100 }'
        done
    } | tee "$out/instructions.md"
    exit 0
fi

rows=()
for step in "${steps[@]}"; do
    ratios=()
    cpu_ratios=()
    for round in $(seq 1 "$rounds"); do
        # Alternate which side goes first, so a trend in the load (or a
        # warm cache) does not favour one side.
        if [ $((round % 2)) -eq 1 ]; then order=(base head); else order=(head base); fi
        for side in "${order[@]}"; do
            dir=$root
            [ "$side" = base ] && dir=$base_dir
            echo "== $step, round $round: $side" >&2
            read -r wall rss cpu < <(build_once "$dir" "$step")
            echo "   $wall s, peak RSS $rss MiB, CPU $cpu s" >&2
            if [ "$side" = base ]; then
                base_wall=$wall base_rss=$rss base_cpu=$cpu
            else
                head_wall=$wall head_rss=$rss head_cpu=$cpu
            fi
        done
        ratio=$(ratio_of "$head_wall" "$base_wall")
        ratios+=("$ratio")
        cpu_ratio=-
        if [ "$base_cpu" != - ] && [ "$head_cpu" != - ]; then
            cpu_ratio=$(ratio_of "$head_cpu" "$base_cpu")
            cpu_ratios+=("$cpu_ratio")
        fi
        rows+=("| $step | $round | ${order[0]} first | $base_wall | $head_wall | $base_rss | $head_rss | $ratio | $base_cpu | $head_cpu | $cpu_ratio |")
    done
    read -r median low high < <(printf '%s\n' "${ratios[@]}" | median_interval)
    cpu_median=-
    if [ ${#cpu_ratios[@]} -gt 0 ]; then read -r cpu_median _ _ < <(printf '%s\n' "${cpu_ratios[@]}" | median_interval); fi
    rows+=("| $step | median of $rounds | | | | | | **$median** ($low–$high) | | | **$cpu_median** |")
done

{
    echo "BASE $base_rev ($(git rev-parse --short "$base_commit")) vs this checkout" \
        "($(git rev-parse --short "$head_commit")$(git diff --quiet HEAD || echo ', with uncommitted changes'));" \
        "$(nproc) cores; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg);" \
        "$(date -u +%Y-%m-%dT%H:%MZ)"
    echo
    echo "| step | round | order | BASE wall (s) | this wall (s) | BASE peak RSS (MiB) | this peak RSS (MiB) | this ÷ BASE (wall; 95 % interval) | BASE CPU (s) | this CPU (s) | this ÷ BASE (CPU) |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
} | tee "$out/results.md"
