#!/usr/bin/env bash
# Load test of the stand-alone server under concurrent writers.
#
#   scripts/load.sh            # 20 s, records the result in BENCHMARKS.md
#   LOAD_RECORD=0 scripts/load.sh
#
# 1. installs Debian's `wrk` if missing (needs root; idempotent);
# 2. builds examples/load_target.rs in release (no default features): a registry of
#    10,000 counter series, LOAD_WRITERS writer threads incrementing random series
#    without pause, served by `promenade::serve::Server` on 127.0.0.1 (port
#    chosen by the OS);
# 3. drives GET /metrics with wrk for LOAD_DURATION seconds (LOAD_THREADS threads,
#    LOAD_CONNECTIONS keep-alive connections) while the writers run;
# 4. fails on any non-2xx answer or socket error;
# 5. stops the writers and checks that the counters read back over HTTP sum to exactly
#    the increments the writers made (by the target itself, and again here with curl);
# 6. writes scrape latency p50/p99, scrapes per second, the machine and the command into
#    the "Load" section of BENCHMARKS.md (between its markers; the rest of the file is
#    left as it is).
#
# Every process it starts is stopped by its own PID; the temp dir is removed. Prints one
# PASS/FAIL line. Takes about 20 s plus the release build (~1 min from scratch).
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lib_init load LOAD
LIB_LOGS=(target.out)
DURATION="${LOAD_DURATION:-20}"
WRITERS="${LOAD_WRITERS:-2}"
THREADS="${LOAD_THREADS:-2}"
CONNECTIONS="${LOAD_CONNECTIONS:-8}"
RECORD="${LOAD_RECORD:-1}"
BENCHMARKS="${LOAD_BENCHMARKS:-$ROOT/BENCHMARKS.md}"
LOADAVG_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
# The target reads its commands from a FIFO this shell holds open on fd 3: on exit, close
# it before the target is stopped (only fd 3: the failure report still goes to stderr).
before_stop() { { exec 3>&-; } 2>/dev/null || true; }

# ---------------------------------------------------------------------------------------
# 1. Tools
# ---------------------------------------------------------------------------------------
require wrk wrk
require curl curl
require python3 python3
install_required cargo

make_tmp load

# ---------------------------------------------------------------------------------------
# 2. Build and start the target
# ---------------------------------------------------------------------------------------
log "building examples/load_target.rs (release)"
cargo_build "cargo build --release --example load_target failed" \
    build --release -p promenade --no-default-features --example load_target
TARGET_BIN="$(cargo_artifact load_target example)"
[ -x "$TARGET_BIN" ] || fail "could not find the built load_target binary"

# The target reads its commands from a FIFO that this shell holds open on fd 3.
mkfifo "$TMP/ctl"
"$TARGET_BIN" 127.0.0.1:0 "$WRITERS" <"$TMP/ctl" >"$TMP/target.out" 2>&1 &
TARGET_PID=$!
track "$TARGET_PID" load_target
exec 3>"$TMP/ctl"

wait_until "$TARGET_PID" "load_target exited during startup" "load_target did not start within 30s" \
    grep -q '^listening ' "$TMP/target.out"
URL="$(sed -n 's/^listening \(http:[^ ]*\).*/\1/p' "$TMP/target.out" | head -n 1)"
case "$URL" in
http://127.0.0.1:*/metrics) ;;
*) fail "unexpected address from load_target: '$URL'" ;;
esac
log "load_target on $URL with $WRITERS writers"

curl -fsS -o "$TMP/first.prom" "$URL" || fail "the first scrape failed"
series="$(grep -c '^load_increments_total{' "$TMP/first.prom" || true)"
[ "$series" = 10000 ] || fail "expected 10000 series in the exposition, found $series"
SCRAPE_KIB=$(($(wc -c <"$TMP/first.prom") / 1024))

# ---------------------------------------------------------------------------------------
# 3. wrk against /metrics while the writers run
# ---------------------------------------------------------------------------------------
WRK_CMD="wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --timeout 5s --latency $URL"
log "running: $WRK_CMD"
timeout $((DURATION + 30)) $WRK_CMD >"$TMP/wrk.out" 2>&1 || {
    cat "$TMP/wrk.out" >&2
    fail "wrk failed"
}
cat "$TMP/wrk.out" >&2
kill -0 "$TARGET_PID" 2>/dev/null || fail "load_target died under load"

eval "$(python3 - "$TMP/wrk.out" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def grab(pattern, default=""):
    m = re.search(pattern, text, re.M)
    return m.group(1) if m else default
print("WRK_REQUESTS=%s" % grab(r"^\s*(\d+) requests in"))
print("WRK_RPS=%s" % grab(r"^Requests/sec:\s*([\d.]+)"))
print("WRK_P50=%s" % grab(r"^\s*50%\s+(\S+)"))
print("WRK_P75=%s" % grab(r"^\s*75%\s+(\S+)"))
print("WRK_P90=%s" % grab(r"^\s*90%\s+(\S+)"))
print("WRK_P99=%s" % grab(r"^\s*99%\s+(\S+)"))
print("WRK_NON2XX=%s" % grab(r"Non-2xx or 3xx responses:\s*(\d+)", "0"))
print("WRK_SOCKET_ERRORS='%s'" % grab(r"Socket errors:\s*(.*)$", ""))
print("WRK_TRANSFER=%s" % grab(r"^Transfer/sec:\s*(\S+)"))
PY
)"
[ -n "$WRK_REQUESTS" ] && [ "$WRK_REQUESTS" -gt 0 ] || fail "wrk made no requests"
[ "$WRK_NON2XX" = 0 ] || fail "$WRK_NON2XX non-2xx responses under load"
[ -z "$WRK_SOCKET_ERRORS" ] || fail "socket errors under load: $WRK_SOCKET_ERRORS"

# ---------------------------------------------------------------------------------------
# 4. Nothing lost: stop the writers, read the counters back
# ---------------------------------------------------------------------------------------
echo stop >&3
wait_until "$TARGET_PID" "load_target exited before reporting its read-back" \
    "load_target did not report its read-back within 30s" grep -q '^readback ' "$TMP/target.out"
cat "$TMP/target.out" >&2
READBACK="$(grep '^readback ' "$TMP/target.out")"
INCREMENTS="$(sed -n 's/^readback increments=\([0-9]*\) .*/\1/p' <<<"$READBACK")"
WRITE_RATE="$(sed -n 's/^writers stopped: .* rate=\([0-9]*\)\/s.*/\1/p' "$TMP/target.out")"
case "$READBACK" in
*"check=ok") ;;
*) fail "the target's read-back does not match its increments: $READBACK" ;;
esac
# And once more from outside, with curl.
SUM="$(curl -fsS "$URL" | awk '/^load_increments_total\{/ { n += 1; s += $NF } END { printf "%d %.0f", n, s }')"
[ "$SUM" = "10000 $INCREMENTS" ] ||
    fail "curl reads back '$SUM' (series, sum); the writers made $INCREMENTS increments"
log "read back: 10000 series summing to exactly $INCREMENTS increments"

exec 3>&-
wait "$TARGET_PID" || fail "load_target exited with an error"
untrack "$TARGET_PID"

SUMMARY="$WRK_REQUESTS scrapes of 10,000 series in ${DURATION}s ($WRK_RPS/s), p50 $WRK_P50, p99 $WRK_P99, 0 errors; $INCREMENTS increments by $WRITERS writers, all read back"

# ---------------------------------------------------------------------------------------
# 5. Record
# ---------------------------------------------------------------------------------------
if [ "$RECORD" != 0 ]; then
    CPU="$( (lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1) || true)"
    MACHINE="${CPU:-unknown CPU}, $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM, Linux $(uname -r)"
    LOADAVG="$(cut -d' ' -f1-3 /proc/loadavg)"
    REV="$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    WRK_VERSION="$( (wrk -v 2>&1 || true) | head -n 1 | cut -d' ' -f1-2)"
    python3 "$ROOT/scripts/write-section.py" "$BENCHMARKS" load.sh <<MD || fail "could not write $BENCHMARKS"
## Load: scraping 10,000 series under concurrent writers

Written by \`scripts/load.sh\` at \`$REV\` on $(date -u +%Y-%m-%d). The target
(\`examples/load_target.rs\`, release, no default features) holds one family of 10,000
counter series; $WRITERS writer threads increment random series without pause while
\`wrk\` scrapes \`/metrics\` from the stand-alone server (\`Server::builder()\`, text 0.0.4,
about $SCRAPE_KIB KiB per scrape).

| measure | value |
|---|---|
| scrapes | $WRK_REQUESTS in ${DURATION} s |
| scrapes per second | $WRK_RPS |
| scrape latency p50 | $WRK_P50 |
| scrape latency p75 / p90 | $WRK_P75 / $WRK_P90 |
| scrape latency p99 | $WRK_P99 |
| non-2xx responses, socket errors | 0, 0 |
| increments made by the writers | $INCREMENTS (≈ $WRITE_RATE/s while being scraped) |
| counter total read back over HTTP | $INCREMENTS (exact, 10,000 series) |

- Machine: $MACHINE.
- Load average (1, 5, 15 min): $LOADAVG_BEFORE before the run, $LOADAVG at the end.
  Writers, server and wrk share these CPUs (and so does anything else running), so the
  numbers are a floor, not a peak.
- Command: \`scripts/load.sh\` (\`LOAD_DURATION=$DURATION LOAD_WRITERS=$WRITERS LOAD_THREADS=$THREADS LOAD_CONNECTIONS=$CONNECTIONS\`), i.e. \`$WRK_CMD\` with $WRK_VERSION against
  \`load_target 127.0.0.1:0 $WRITERS\`.
MD
    log "recorded in $BENCHMARKS"
fi

pass "$SUMMARY"
