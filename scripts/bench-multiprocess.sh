#!/usr/bin/env bash
# Runs the multiprocess benchmarks (`benches-mp/`, package `promenade-benches-mp`) and
# writes their section of BENCHMARKS.md, between `<!-- bench-multiprocess.sh: begin -->`
# and `<!-- bench-multiprocess.sh: end -->` (the rest of the file is kept):
# - recording into this process' mapped file beside recording in process, for counter
#   inc, labelled counter inc and histogram observe (target: at most 1.5×);
# - the scrape of the aggregate by live processes (1, 2, 4, 8) and series per process
#   (100, 1000), and of 8 live processes beside the archive of 1,000 dead ones.
#
# Usage: scripts/bench-multiprocess.sh
# `scripts/bench.sh` runs it last; then (BENCH_STAMP set by it) the recording table also
# shows promenade built without the feature, from the single-process groups of that run.
# Needs: cargo, python3. Takes about two minutes on two cores once built.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
command=(cargo bench -p promenade-benches-mp)
target_dir="$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"

"${command[@]}" --no-run
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
stamp="$(mktemp)"
trap 'rm -f "$stamp"' EXIT
started="$(date -u '+%Y-%m-%d %H:%M UTC')"
"${command[@]}"
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

export BENCH_TARGET_DIR="$target_dir" BENCH_MP_STAMP="$stamp" BENCH_COMMAND="${command[*]}" \
    BENCH_STARTED="$started" BENCH_LOAD_BEFORE="$load_before" BENCH_LOAD_AFTER="$load_after" \
    BENCH_REV="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
python3 - <<'PY' | python3 scripts/write-section.py BENCHMARKS.md bench-multiprocess.sh
import json, os, sys

target = os.environ["BENCH_TARGET_DIR"]


def estimate(group, bench, stamp):
    """criterion's mean and 95% interval in ns, or None when not fresh (older than stamp)."""
    p = os.path.join(target, "criterion", group, bench, "new", "estimates.json")
    if not os.path.exists(p) or os.path.getmtime(p) < os.path.getmtime(stamp):
        return None
    with open(p) as f:
        mean = json.load(f)["mean"]
    ci = mean["confidence_interval"]
    return mean["point_estimate"], ci["lower_bound"], ci["upper_bound"]


def need(group, bench):
    e = estimate(group, bench, os.environ["BENCH_MP_STAMP"])
    if e is None:
        sys.exit(f"bench-multiprocess.sh: no fresh estimate for {group}/{bench}; did the run fail?")
    return e


# The single-process groups of the same scripts/bench.sh run, when there is one.
outer = os.environ.get("BENCH_STAMP")
RECORDING = [
    ("mp_counter_inc", "counter inc", "counter_inc"),
    ("mp_labelled_counter_inc", "labelled counter inc (18 series, enum labels)", "labelled_counter_inc"),
    ("mp_histogram_observe", "histogram observe (14 buckets)", "histogram_observe"),
]
out = []
p = out.append
p("## Multiprocess mode (`benches-mp/`)")
p("")
p(f"Written by `scripts/bench-multiprocess.sh` at `{os.environ['BENCH_REV']}`, "
  f"{os.environ['BENCH_STARTED']}; command `{os.environ['BENCH_COMMAND']}`. Load average "
  f"(1, 5, 15 min): {os.environ['BENCH_LOAD_BEFORE']} before, {os.environ['BENCH_LOAD_AFTER']} after.")
p("")
p("### Recording")
p("")
p("The bodies and inputs of the single-process groups, in one binary built with the "
  "`multiprocess` feature: *in process* is a metric that keeps its own atomics (never "
  "registered in the default registry, so never bound); *multiprocess* one registered in "
  "the default registry after `multiprocess::Builder::start`, so its cells are in this "
  "process' mapped file (the bench checks it through the aggregate first). With the "
  "feature compiled in, an unbound metric's write is sequentially consistent and "
  "re-checks for a cell (the move-in protocol), so the last column gives, when "
  "`scripts/bench.sh` ran this, promenade built without the feature in the same run.")
p("")
p("| operation | in process, ns | multiprocess, ns | multiprocess ÷ in process | target ≤ 1.5× | without the feature, ns | multiprocess ÷ without |")
p("|---|---|---|---|---|---|---|")
for group, title, single in RECORDING:
    own, bound = need(group, "in_process"), need(group, "multiprocess")
    ratio = bound[0] / own[0]
    off = estimate(single, "promenade", outer) if outer else None
    off_cells = (f"{off[0]:.2f} | {bound[0] / off[0]:.2f}×" if off else "— | —")
    p(f"| {title} | {own[0]:.2f} [{own[1]:.2f}, {own[2]:.2f}] | "
      f"{bound[0]:.2f} [{bound[1]:.2f}, {bound[2]:.2f}] | {ratio:.2f}× | "
      f"{'met' if ratio <= 1.5 else '**MISSED**'} | {off_cells} |")
p("")
p("### Scraping the aggregate")
p("")
p("The text exposition of `multiprocess::collector(dir)` in a registry of its own, as any "
  "process' `/metrics` serves it: each live worker process (this bench re-executed) holds "
  "S counter series of an open label set; the directory lock taken shared, the archive "
  "and every process file read and merged, the text written into a reused buffer. The "
  "last row adds the archive of 1,000 processes that came and went (each with the same "
  "1,000 series, folded by `multiprocess::compact`).")
p("")
p("| live processes | series each | ms per scrape | µs per process-series |")
p("|---|---|---|---|")
rows = [(n, s, f"{n}_processes_{s}_series") for s in (100, 1000) for n in (1, 2, 4, 8)]
for n, s, bench in rows:
    e = need("mp_scrape", bench)
    p(f"| {n} | {s:,} | {e[0] / 1e6:.2f} [{e[1] / 1e6:.2f}, {e[2] / 1e6:.2f}] | {e[0] / 1e3 / (n * s):.2f} |")
dead = need("mp_scrape", "8_processes_1000_series_1000_dead")
live = need("mp_scrape", "8_processes_1000_series")
p(f"| 8 + 1,000 dead (archived) | 1,000 | {dead[0] / 1e6:.2f} [{dead[1] / 1e6:.2f}, {dead[2] / 1e6:.2f}] | — |")
p("")
p(f"The 1,000 dead processes add {dead[0] / live[0]:.2f}× to the scrape of the 8 live ones: "
  "the archive holds each series once, however many processes had it. Cost grows with "
  "live processes × series, the files being read one after another.")
print("\n".join(out))
PY
echo "wrote the multiprocess section of $root/BENCHMARKS.md"
