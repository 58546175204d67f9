#!/usr/bin/env bash
# Multiprocess mode against a real Prometheus and a real Pushgateway.
#
#   scripts/e2e-multiprocess.sh
#
# 1. installs Debian's `prometheus` and `prometheus-pushgateway` if missing (needs root;
#    idempotent; no service is started by the install);
# 2. builds `examples/multiprocess.rs`; starts a Pushgateway on a free 127.0.0.1 port
#    (`--persistence.file=` empty), then the supervisor with 4 workers sharing one free
#    127.0.0.1 port (`SO_REUSEPORT`), its metrics directory in the run's temp dir, and
#    `PROMENADE_MP_PUSHGATEWAY` set: the supervisor pushes the aggregate of every worker
#    to the gateway every second (PUT, job `multiprocess_example`);
# 3. starts Prometheus scraping that port every second (each scrape answered by whichever
#    worker the kernel picks);
# 4. sends 300 requests one after another and counts the answers; waits for a scrape;
#    kills one worker with SIGKILL; waits until the supervisor has started its replacement
#    and the replacement answers; sends 300 more and counts them;
# 5. checks through Prometheus's API: the request counter equals the number of requests
#    answered, exactly; no stored sample of it ever decreased (`resets` is 0 and every
#    sample of a range query is at least the one before); the `livesum` gauge of live
#    workers is 4 at the end (the killed worker left out, its replacement counted), and
#    the killed worker's file was folded into the archive;
# 6. checks the gateway's own `/metrics`: the pushed request counter of job
#    `multiprocess_example` reaches the same total, and its `livesum` gauge is 4.
#
# Every process it starts (the Pushgateway, the supervisor and each worker it reports) is
# stopped by its own PID on exit; every server binds 127.0.0.1; the temp dir is removed.
# Prints one PASS/FAIL line and exits non-zero on failure.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lib_init e2e-multiprocess E2E-MULTIPROCESS
LIB_LOGS=(app.log prometheus.log pushgateway.log)

require prometheus prometheus
require prometheus-pushgateway prometheus-pushgateway
require python3 python3
require curl curl
install_required cargo

make_tmp e2e-multiprocess

log "building the multiprocess example"
cargo_build "cargo build --example multiprocess failed" build -p promenade --features multiprocess --example multiprocess
APP_BIN="$(cargo_artifact multiprocess example)"
[ -x "$APP_BIN" ] || fail "could not find the built multiprocess example"

# The gateway first: the supervisor pushes to it from its start.
PGW_PORT="$(new_port)"
PGW="http://127.0.0.1:$PGW_PORT"
log "starting the Pushgateway on 127.0.0.1:$PGW_PORT ($(prometheus-pushgateway --version 2>&1 | head -n 1))"
prometheus-pushgateway --web.listen-address="127.0.0.1:$PGW_PORT" --persistence.file= \
    >"$TMP/pushgateway.log" 2>&1 </dev/null &
PGW_PID=$!
track "$PGW_PID" pushgateway
wait_http "$PGW/-/ready" "$PGW_PID" "the Pushgateway"

APP_PORT="$(new_port)"
APP="http://127.0.0.1:$APP_PORT"
MP_DIR="$TMP/metrics"
log "starting the supervisor: 4 workers on 127.0.0.1:$APP_PORT, pushing to $PGW"
PROMENADE_MP_ADDR="127.0.0.1:$APP_PORT" PROMENADE_MP_WORKERS=4 PROMENADE_MULTIPROC_DIR="$MP_DIR" \
    PROMENADE_MP_PUSHGATEWAY="$PGW" "$APP_BIN" >"$TMP/app.log" 2>&1 </dev/null &
SUPERVISOR_PID=$!
track "$SUPERVISOR_PID" supervisor

# The workers are the supervisor's children: stop the supervisor first (so it starts no
# more), then every worker it reported, each by its own PID.
before_stop() {
    stop_pid "$SUPERVISOR_PID" supervisor
    untrack "$SUPERVISOR_PID"
    local pid
    for pid in $(worker_pids); do
        stop_pid "$pid" worker
    done
}
worker_pids() {
    sed -n 's/^worker [0-9]* pid \([0-9]*\)$/\1/p' "$TMP/app.log" 2>/dev/null | sort -u
}
live_workers() {
    local pid
    for pid in $(worker_pids); do
        kill -0 "$pid" 2>/dev/null && echo "$pid"
    done
    true
}
four_live() { [ "$(live_workers | wc -l)" -eq 4 ]; }
wait_until "$SUPERVISOR_PID" "the supervisor exited during startup" "the workers did not start within 30s" \
    four_live
wait_http "$APP/metrics" "$SUPERVISOR_PID" "the workers"

PROM_PORT="$(new_port)"
PROM="http://127.0.0.1:$PROM_PORT"
mkdir -p "$TMP/data"
cat >"$TMP/prometheus.yml" <<EOF2
global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: multiprocess
    static_configs: [{targets: ['127.0.0.1:$APP_PORT']}]
EOF2
log "starting Prometheus on 127.0.0.1:$PROM_PORT"
prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/data" \
    --web.listen-address="127.0.0.1:$PROM_PORT" >"$TMP/prometheus.log" 2>&1 </dev/null &
PROM_PID=$!
track "$PROM_PID" prometheus
wait_http "$PROM/-/ready" "$PROM_PID" "Prometheus" "Prometheus was not ready within 30s"

{
    check_py_prelude
    cat <<'PY'
def query(prom, promql, at=None):
    args = {"query": promql}
    if at is not None:
        args["time"] = "%.3f" % at
    body = json.loads(http_get(prom + "/api/v1/query?" + urllib.parse.urlencode(args)))
    if body.get("status") != "success":
        fail("query %r failed: %s" % (promql, body))
    return body["data"]["result"]

def scalar(prom, promql):
    r = query(prom, promql)
    return float(r[0]["value"][1]) if r else None

def wait_value(prom, promql, want, timeout):
    deadline, got = time.time() + timeout, None
    while time.time() < deadline:
        got = scalar(prom, promql)
        if got == want:
            return
        time.sleep(0.5)
    fail("%s is %s, want %s (waited %ss)" % (promql, got, want, timeout))

def wait_pushed(gw, total, workers, timeout):
    """The gateway's /metrics: the pushed hello counter of job multiprocess_example
    reaches `total`, and the pushed livesum gauge is `workers`."""
    def pushed(samples, name, **want):
        want["job"] = "multiprocess_example"
        got = [v for (n, labels), v in samples.items()
               if n == name and all(dict(labels).get(k) == w for k, w in want.items())]
        if len(got) > 1:
            fail("%d pushed series of %s%s: %s" % (len(got), name, want, got))
        return got[0] if got else None
    deadline, count, live = time.time() + timeout, None, None
    while time.time() < deadline:
        samples = parse_exposition(http_get(gw + "/metrics"))
        count = pushed(samples, "mp_example_requests_total", route="hello")
        live = pushed(samples, "mp_example_workers")
        if count == total and live == workers:
            return
        time.sleep(0.5)
    fail("the gateway has mp_example_requests_total{job=\"multiprocess_example\",route=\"hello\"} %s "
         "(want %s) and mp_example_workers{job=\"multiprocess_example\"} %s (want %s) after %ss"
         % (count, total, live, workers, timeout))

def main():
    cmd, prom = sys.argv[1], sys.argv[2]
    counter = 'sum(mp_example_requests_total{job="multiprocess",route="hello"})'
    if cmd == "wait-count":
        wait_value(prom, counter, float(sys.argv[3]), 60)
    elif cmd == "wait-up":
        # The first scrape lands ~6 s after Prometheus starts: wait for it, so the range
        # checked below starts before the first request.
        wait_value(prom, 'up{job="multiprocess"}', 1.0, 60)
    elif cmd == "wait-workers":
        wait_value(prom, 'mp_example_workers{job="multiprocess"}', float(sys.argv[3]), 60)
    elif cmd == "never-decreased":
        end = time.time()
        r = query(prom, 'resets(mp_example_requests_total{job="multiprocess",route="hello"}[10m])')
        if not r or any(float(s["value"][1]) != 0 for s in r):
            fail("the request counter was reset in some scrape: %s" % r)
        body = json.loads(http_get(prom + "/api/v1/query_range?" + urllib.parse.urlencode({
            "query": 'mp_example_requests_total{job="multiprocess",route="hello"}',
            "start": "%.3f" % (end - 600), "end": "%.3f" % end, "step": "1"})))
        series = body["data"]["result"]
        if len(series) != 1:
            fail("expected one request series, got %s" % series)
        values = [float(v) for _, v in series[0]["values"]]
        for a, b in zip(values, values[1:]):
            if b < a:
                fail("the request counter went down from %s to %s" % (a, b))
        print(len(values))
    elif cmd == "wait-pushed":
        # wait-pushed GATEWAY TOTAL WORKERS
        wait_pushed(prom, float(sys.argv[3]), float(sys.argv[4]), 30)
    else:
        fail("unknown command " + cmd)

main()
PY
} >"$TMP/check.py"

# Requests, one after another: each answered one counts.
send() {
    local n="$1" ok=0 i
    for i in $(seq 1 "$n"); do
        if curl -fsS -o /dev/null --max-time 5 "$APP/"; then ok=$((ok + 1)); fi
    done
    echo "$ok"
}

python3 "$TMP/check.py" wait-up "$PROM" || fail "Prometheus never scraped the workers"
log "sending 300 requests"
FIRST="$(send 300)"
log "answered: $FIRST"
python3 "$TMP/check.py" wait-count "$PROM" "$FIRST" || fail "Prometheus never showed the first $FIRST requests"
python3 "$TMP/check.py" wait-workers "$PROM" 4 || fail "the livesum gauge did not count 4 workers"

VICTIM="$(live_workers | sed -n 1p)"  # sed reads it all: no SIGPIPE under pipefail
[ -n "$VICTIM" ] || fail "no live worker to kill"
log "killing worker pid $VICTIM with SIGKILL"
kill -9 "$VICTIM"
wait_until "$SUPERVISOR_PID" "the supervisor exited" "the supervisor did not replace the killed worker within 30s" \
    grep -q "pid $VICTIM exited" "$TMP/app.log"
wait_until "$SUPERVISOR_PID" "the supervisor exited" "the replacement did not start within 30s" \
    four_live

log "sending 300 more requests"
SECOND="$(send 300)"
TOTAL=$((FIRST + SECOND))
log "answered: $SECOND (total $TOTAL)"
python3 "$TMP/check.py" wait-count "$PROM" "$TOTAL" || fail "Prometheus's counter is not the $TOTAL requests answered"
python3 "$TMP/check.py" wait-workers "$PROM" 4 || fail "the livesum gauge does not show exactly the 4 live workers"
SAMPLES="$(python3 "$TMP/check.py" never-decreased "$PROM")" || fail "the request counter decreased in some scrape"
ls "$MP_DIR"/promenade-archive.mp >/dev/null 2>&1 || fail "the killed worker's file was not folded into the archive"
[ "$(ls "$MP_DIR" | grep -c '^promenade-[0-9]')" -eq 4 ] || fail "expected the files of 4 live workers, found: $(ls "$MP_DIR")"

python3 "$TMP/check.py" wait-pushed "$PGW" "$TOTAL" 4 ||
    fail "the aggregate pushed to the Pushgateway does not show the $TOTAL requests and 4 workers"

pass "$TOTAL requests over 4 workers and one SIGKILL: Prometheus's counter exact, never decreasing over $SAMPLES samples, livesum 4, dead worker archived; the aggregate pushed to the Pushgateway exact too"
