#!/usr/bin/env bash
# End-to-end proof against a real Prometheus.
#
#   scripts/e2e.sh
#
# 1. installs Debian's `prometheus` (with `promtool`) if missing (needs root; idempotent);
# 2. builds and starts the quickstart example on a free 127.0.0.1 port with its background
#    traffic off;
# 3. starts Prometheus on another free 127.0.0.1 port (temp config, temp storage,
#    scrape_interval 1s) and waits for its first scrape of the app;
# 4. checks the first scrape: `up == 1`, every series of the finite label set stored at 0;
# 5. sends a fixed set of requests, waits for a scrape that started after them, and checks
#    that the values Prometheus stored are exactly (a) what this script sent and (b) every
#    sample of the app's own /metrics at that quiet moment;
#    The app uses the HTTP middleware (`HttpMetricsLayer`): Prometheus must also hold
#    exactly the script's requests in `http_requests_total{method, route, status}` (route
#    templates, one `unmatched` value, a 405), and `histogram_quantile` over
#    `http_request_duration_seconds` for requests of known duration (`/work/{ms}`) must
#    return the quantiles computed here from the durations the script asked for;
# 6. pipes the app's exposition through `promtool check metrics` (exit 0, no findings);
# 7. protobuf: a second Prometheus started with `--enable-feature=native-histograms`
#    scrapes the quiet app through a recording proxy: every scrape asked for protobuf
#    first and was answered with the protobuf content type, `up` is 1, and every series
#    it stored equals the app's text 0.0.4 exposition of the same moment;
# 8. escaping: a fixture (an ignored test in tests/http_scrape.rs, run by its own binary)
#    serves label values with `"`, `\`, newlines, `{}#,=`, unicode and the empty string,
#    and HELP text with `\` and a newline; promtool must accept it and Prometheus must
#    store exactly the original strings.
#
# Every process it starts is stopped by its own PID on exit; every server binds
# 127.0.0.1; the temp dir is removed. Prints one PASS/FAIL line and exits non-zero on
# failure.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lib_init e2e E2E
LIB_LOGS=(app.log fixture.log prometheus.log prometheus2.log proxy.log)

# ---------------------------------------------------------------------------------------
# 1. Tools
# ---------------------------------------------------------------------------------------
require prometheus prometheus promtool
require python3 python3
require curl curl
install_required cargo
log "$(prometheus --version 2>&1 | head -n 1)"

make_tmp e2e

# The checks are in Python (JSON and the exposition format); written once, run per step.
{
    check_py_prelude
    cat <<'PY'
def query(prom, promql):
    url = prom + "/api/v1/query?" + urllib.parse.urlencode({"query": promql})
    body = json.loads(http_get(url))
    if body.get("status") != "success":
        fail("query %r failed: %s" % (promql, body))
    return body["data"]["result"]

def targets(prom):
    """The active targets (none while service discovery has not produced them yet)."""
    body = json.loads(http_get(prom + "/api/v1/targets"))
    return body["data"]["activeTargets"]

def rfc3339_to_unix(ts):
    # 2023-01-01T12:34:56.123456789Z or with an offset; keep microseconds.
    from datetime import datetime
    if ts.startswith("0001-01-01"):
        return 0.0
    main, frac, tz = ts, "", "+00:00"
    if ts.endswith("Z"):
        main = ts[:-1]
    else:
        main, tz = ts[:-6], ts[-6:]
    if "." in main:
        main, frac = main.split(".")
    dt = datetime.fromisoformat(main + tz)
    return dt.timestamp() + (float("0." + frac) if frac else 0.0)

def wait_scrape(prom, after, timeout, expected_targets):
    """Waits until every target had a successful scrape that started after unix time `after`."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            ts = targets(prom)
            last = ts
            if len(ts) == expected_targets and all(
                t.get("health") == "up" and rfc3339_to_unix(t.get("lastScrape", "")) > after
                for t in ts
            ):
                return ts
        except OSError:
            pass
        time.sleep(0.2)
    fail("no successful scrape of all %d targets started after %.3f within %ss; last target state: %s"
         % (expected_targets, after, timeout, json.dumps(last)))

def main():
    cmd, prom = sys.argv[1], sys.argv[2]
    if cmd in ("wait-scrape", "wait-scrape-one"):
        n = 2 if cmd == "wait-scrape" else 1
        for t in wait_scrape(prom, float(sys.argv[3]), float(sys.argv[4]), n):
            print("scraped %s at %s (%s)" % (t["scrapeUrl"], t["lastScrape"], t["health"]), file=sys.stderr)
    elif cmd == "first-scrape":
        up = query(prom, 'up{job="quickstart"}')
        if len(up) != 1 or up[0]["value"][1] != "1":
            fail("up{job=\"quickstart\"} is not 1: %s" % up)
        series = query(prom, "quickstart_requests_total")
        if len(series) != 6:
            fail("expected the 6 series of the finite label set from the first scrape, got %d: %s" % (len(series), series))
        for s in series:
            if s["value"][1] != "0":
                fail("series not at zero before any traffic: %s" % s)
        timed = query(prom, 'function_duration_seconds_count{job="quickstart"}')
        functions = sorted(s["metric"].get("function") for s in timed)
        if functions != ["get_item", "index", "post_order"]:
            fail("timed functions at zero from the first scrape: expected get_item, index, post_order; got %s" % functions)
        print("first scrape: up=1, 6 request series and %d timed functions stored at 0" % len(timed), file=sys.stderr)
    elif cmd == "process":
        # The process collector is in the default registry with the default features:
        # the quickstart's scrape carries the process metrics, with plausible values.
        # argv[3]: when the app was started (unix seconds).
        started = float(sys.argv[3])
        def one(name):
            res = query(prom, '%s{job="quickstart"}' % name)
            if len(res) != 1:
                fail("%s: expected one series from the quickstart, got %s" % (name, res))
            return float(res[0]["value"][1])
        cpu = one("process_cpu_seconds_total")
        rss = one("process_resident_memory_bytes")
        vms = one("process_virtual_memory_bytes")
        fds, max_fds = one("process_open_fds"), one("process_max_fds")
        start = one("process_start_time_seconds")
        if not (cpu >= 0 and rss > 0 and vms >= rss and 0 < fds <= max_fds):
            fail("implausible process metrics: cpu %r, rss %r, vms %r, fds %r of %r" % (cpu, rss, vms, fds, max_fds))
        # /proc's start time has clock-tick resolution, and boot time whole seconds.
        if not (started - 2 <= start <= started + 30):
            fail("process_start_time_seconds %r is not when the app started (%r)" % (start, started))
        print("process metrics: cpu %.2fs, rss %d bytes, %d of %d fds, started %.2f (app started %.2f)"
              % (cpu, rss, fds, max_fds, start, started), file=sys.stderr)
    elif cmd == "expect":
        # argv[3]: JSON {promql: expected_value}
        for promql, want in json.loads(sys.argv[3]).items():
            res = query(prom, promql)
            if len(res) != 1:
                fail("%s: expected exactly one series, got %s" % (promql, res))
            got = float(res[0]["value"][1])
            if got != float(want):
                fail("%s: Prometheus stored %r, expected %r" % (promql, got, want))
        print("script-side expectations: %d exact matches" % len(json.loads(sys.argv[3])), file=sys.stderr)
    elif cmd == "protobuf-log":
        # argv[3]: the recording proxy's log, one JSON object per scrape it relayed.
        lines = [json.loads(l) for l in open(sys.argv[3], encoding="utf-8") if l.strip()]
        if not lines:
            fail("the recording proxy relayed no scrape")
        want = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited; escaping=underscores"
        for l in lines:
            if not l["accept"].startswith("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited"):
                fail("Prometheus did not ask for protobuf first: Accept %r" % l["accept"])
            if l["status"] != 200 or l["content_type"] != want:
                fail("a scrape was not answered with protobuf: %s" % l)
        print("protobuf: %d scrapes asked for protobuf first and were answered %r (%s, %d bytes last)"
              % (len(lines), want, lines[-1]["content_encoding"] or "identity", lines[-1]["bytes"]), file=sys.stderr)
    elif cmd == "compare":
        # Every sample of the app's exposition (argv[3]: a file) must be stored with the
        # identical value; Prometheus must hold nothing else for the job but its own
        # synthetic series.
        app = parse_exposition(open(sys.argv[3], encoding="utf-8").read())
        if len(sys.argv) > 4 and sys.argv[4] == "no-created":
            # Prometheus 2 stores no `_created` series from a protobuf scrape (it skips
            # `created_timestamp`), and text 0.0.4 has none.
            app = {k: v for k, v in app.items() if not k[0].endswith("_created")}
        # The process metrics move between the app's scrape and Prometheus' (CPU time,
        # memory): the "process" command checks them instead.
        app = {k: v for k, v in app.items() if not k[0].startswith("process_")}
        stored = {}
        for s in query(prom, '{job="quickstart"}'):
            labels = dict(s["metric"])
            name = labels.pop("__name__")
            labels.pop("job", None)
            labels.pop("instance", None)
            stored[(name, frozenset(labels.items()))] = float(s["value"][1])
        synthetic = {"up", "scrape_duration_seconds", "scrape_samples_scraped",
                     "scrape_samples_post_metric_relabeling", "scrape_series_added"}
        problems = []
        for key, want in sorted(app.items(), key=lambda kv: (kv[0][0], sorted(kv[0][1]))):
            got = stored.get(key)
            same = got is not None and (got == want or (math.isnan(got) and math.isnan(want)))
            if not same:
                problems.append("%s%s: app %r, Prometheus %r" % (key[0], dict(key[1]), want, got))
        for key in stored:
            if key not in app and key[0] not in synthetic and not key[0].startswith("process_"):
                problems.append("%s%s: stored by Prometheus but not in the app's exposition" % (key[0], dict(key[1])))
        if problems:
            fail("%d mismatches between the app and Prometheus:\n  %s" % (len(problems), "\n  ".join(problems[:40])))
        print("compare: all %d samples of the app's exposition stored identically" % len(app), file=sys.stderr)
    elif cmd == "quantiles":
        # argv[3]: the selector of one histogram series; argv[4]: its bucket bounds
        # (space-separated, +Inf implied); argv[5]: the observed durations (space-separated
        # seconds, each well inside its bucket). Checks every stored bucket count, then
        # histogram_quantile against Prometheus' interpolation computed here.
        selector, bounds = sys.argv[3], [float(b) for b in sys.argv[4].split()]
        obs = [float(o) for o in sys.argv[5].split()]
        les = bounds + [math.inf]
        cumulative = [sum(1 for o in obs if o <= le) for le in les]
        for le, want in zip(les, cumulative):
            le_text = "+Inf" if le == math.inf else repr(le)
            promql = '%s_bucket%s' % (selector.split("{")[0], "{" + selector.split("{", 1)[1][:-1] + ',le="%s"}' % le_text)
            res = query(prom, promql)
            if len(res) != 1 or float(res[0]["value"][1]) != want:
                fail("%s: expected %d, Prometheus holds %s" % (promql, want, res))
        def expected_quantile(q):
            rank = q * cumulative[-1]
            i = next(i for i, c in enumerate(cumulative) if c >= rank)
            if les[i] == math.inf:
                return bounds[-1]
            start = 0.0 if i == 0 else les[i - 1]
            below = 0 if i == 0 else cumulative[i - 1]
            return start + (les[i] - start) * (rank - below) / (cumulative[i] - below)
        name, labels = selector.split("{", 1)
        checked = []
        for q in (0.25, 0.5, 0.9, 0.99):
            want = expected_quantile(q)
            promql = "histogram_quantile(%s, sum by (le) (%s_bucket{%s))" % (q, name, labels)
            res = query(prom, promql)
            if len(res) != 1:
                fail("%s: expected one result, got %s" % (promql, res))
            got = float(res[0]["value"][1])
            if abs(got - want) > 1e-9:
                fail("%s = %r, expected %r from the generated durations %s" % (promql, got, want, obs))
            checked.append("p%g=%.4f" % (q * 100, got))
        print("histogram_quantile over %s: %s (as generated)" % (selector, ", ".join(checked)), file=sys.stderr)
    elif cmd == "awkward":
        # argv[3]: the JSON the fixture wrote: the HELP text and each (value, position, count).
        exp = json.load(open(sys.argv[3], encoding="utf-8"))
        want = {e["position"]: (e["value"], float(e["count"])) for e in exp["series"]}
        got = {}
        for s in query(prom, 'e2e_awkward_total{job="awkward"}'):
            m = s["metric"]
            # Prometheus drops a label whose value is empty: absent means "".
            got[m["position"]] = (m.get("value", ""), float(s["value"][1]))
        problems = ["position %s: sent %r, Prometheus stored %r" % (p, want[p], got.get(p))
                    for p in sorted(want, key=int) if got.get(p) != want[p]]
        problems += ["position %s: stored but never sent: %r" % (p, got[p]) for p in got if p not in want]
        if problems:
            fail("label values did not survive the trip through Prometheus:\n  " + "\n  ".join(problems))
        # Metadata is keyed by the family name: `e2e_awkward_total` from a text 0.0.4
        # scrape, `e2e_awkward` from an OpenMetrics one (what the server negotiates with
        # Prometheus' Accept header).
        helps = []
        for family in ("e2e_awkward_total", "e2e_awkward"):
            md = json.loads(http_get(prom + "/api/v1/metadata?metric=" + family))
            helps += [m.get("help") for m in md["data"].get(family, [])]
        if helps != [exp["help"]]:
            fail("HELP stored by Prometheus %r, sent %r" % (helps, exp["help"]))
        print("escaping: %d awkward label values and the HELP text stored exactly as sent" % len(want), file=sys.stderr)
    else:
        fail("unknown command " + cmd)

main()
PY
} >"$TMP/check.py"

# ---------------------------------------------------------------------------------------
# 2. Build and start the app
# ---------------------------------------------------------------------------------------
log "building the quickstart example"
cargo_build "cargo build --example quickstart failed" build -p promenade --example quickstart
APP_BIN="$(cargo_artifact quickstart example)"
[ -x "$APP_BIN" ] || fail "could not find the built quickstart binary"

log "building the escaping fixture (tests/http_scrape.rs)"
cargo_build "cargo test --test http_scrape --no-run failed" test -p promenade --test http_scrape --no-run
FIXTURE_BIN="$(cargo_artifact http_scrape test)"
[ -x "$FIXTURE_BIN" ] || fail "could not find the built http_scrape test binary"

APP_PORT="$(new_port)"
APP="http://127.0.0.1:$APP_PORT"
log "starting quickstart on 127.0.0.1:$APP_PORT"
# Started directly (no `cargo run`, no setsid) so that $! is the app's own PID.
APP_STARTED=$(date +%s.%N)
PROMENADE_QUICKSTART_ADDR="127.0.0.1:$APP_PORT" PROMENADE_QUICKSTART_TRAFFIC=0 \
    "$APP_BIN" >"$TMP/app.log" 2>&1 </dev/null &
APP_PID=$!
track "$APP_PID" quickstart
wait_http "$APP/metrics" "$APP_PID" "the quickstart app"

CT="$(curl -fsS -o /dev/null -w '%{content_type}' "$APP/metrics")"
[ "$CT" = "text/plain; version=0.0.4; charset=utf-8; escaping=underscores" ] || fail "unexpected Content-Type from /metrics: '$CT'"

# An exposition without the process metrics (CPU time and memory move even while the
# app is quiet), for the comparisons of quiet scrapes.
without_process() {
    grep -v -e '^process_' -e '^# [A-Z]* process_' "$1"
}
same_quiet() {
    cmp -s <(without_process "$1") <(without_process "$2")
}

promtool_check() {
    local file="$1" what="$2" out rc=0
    out="$(promtool check metrics <"$file" 2>&1)" || rc=$?
    if [ "$rc" -ne 0 ] || [ -n "$out" ]; then
        log "promtool check metrics ($what) exited $rc:"
        printf '%s\n' "$out" >&2
        fail "promtool check metrics reported findings on the $what exposition"
    fi
    log "promtool check metrics ($what): exit 0, no findings"
}
curl -fsS "$APP/metrics" >"$TMP/first.prom"
promtool_check "$TMP/first.prom" "idle"

FIXTURE_PORT="$(new_port)"
FIXTURE="http://127.0.0.1:$FIXTURE_PORT"
log "starting the escaping fixture on 127.0.0.1:$FIXTURE_PORT"
# The test binary itself (not `cargo test`), so that $! is the serving process.
PROMENADE_E2E_FIXTURE_ADDR="127.0.0.1:$FIXTURE_PORT" PROMENADE_E2E_FIXTURE_EXPECTED="$TMP/awkward.json" \
    "$FIXTURE_BIN" --ignored --exact e2e_fixture_awkward_labels --nocapture >"$TMP/fixture.log" 2>&1 </dev/null &
FIXTURE_PID=$!
track "$FIXTURE_PID" fixture
wait_http "$FIXTURE/metrics" "$FIXTURE_PID" "the escaping fixture" "the escaping fixture did not answer within 30s"
[ -s "$TMP/awkward.json" ] || fail "the escaping fixture did not write what it recorded"
curl -fsS "$FIXTURE/metrics" >"$TMP/awkward.prom"
promtool_check "$TMP/awkward.prom" "escaping fixture"

# ---------------------------------------------------------------------------------------
# 3. Start Prometheus
# ---------------------------------------------------------------------------------------
PROM_PORT="$(new_port)"
PROM="http://127.0.0.1:$PROM_PORT"
mkdir -p "$TMP/data"
cat >"$TMP/prometheus.yml" <<EOF
global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: quickstart
    honor_labels: false
    static_configs: [{targets: ['127.0.0.1:$APP_PORT']}]
  - job_name: awkward
    static_configs: [{targets: ['127.0.0.1:$FIXTURE_PORT']}]
EOF
log "starting Prometheus on 127.0.0.1:$PROM_PORT"
PROM_STARTED=$(date +%s.%N)
prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/data" \
    --web.listen-address="127.0.0.1:$PROM_PORT" >"$TMP/prometheus.log" 2>&1 </dev/null &
PROM_PID=$!
track "$PROM_PID" prometheus
wait_http "$PROM/-/ready" "$PROM_PID" "Prometheus" "Prometheus was not ready within 30s"
# The first scrape lands ~6 s after start (a 5 s discovery throttle in 2.42).
log "waiting for Prometheus' first scrape (~6 s)"
python3 "$TMP/check.py" wait-scrape "$PROM" "$PROM_STARTED" 30 || fail "Prometheus never scraped the app"
python3 "$TMP/check.py" first-scrape "$PROM" || fail "the first scrape is not what the app exposes at start"
python3 "$TMP/check.py" process "$PROM" "$APP_STARTED" || fail "the quickstart's scrape lacks plausible process metrics"

# ---------------------------------------------------------------------------------------
# 4. A fixed amount of traffic, then exact comparison
# ---------------------------------------------------------------------------------------
ITEMS_OK=0
ITEMS_MISSING=0
for id in 0 1 2 3 5 8 13 21 34 55 89 99 100 144 233 377; do
    code="$(curl -sS -o /dev/null -w '%{http_code}' "$APP/items/$id")"
    if [ "$id" -lt 100 ]; then
        [ "$code" = 200 ] || fail "GET /items/$id answered $code"
        ITEMS_OK=$((ITEMS_OK + 1))
    else
        [ "$code" = 404 ] || fail "GET /items/$id answered $code"
        ITEMS_MISSING=$((ITEMS_MISSING + 1))
    fi
done
INDEX=0
for _ in 1 2 3; do
    code="$(curl -sS -o /dev/null -w '%{http_code}' "$APP/")"
    [ "$code" = 200 ] || fail "GET / answered $code"
    INDEX=$((INDEX + 1))
done
# Order sizes against buckets 1, 2, 5, 10, 20: le=1 → 2, le=2 → 3, le=5 → 5, le=10 → 6,
# le=20 → 7, +Inf → 8; sum 1+1+2+3+5+8+13+40 = 73.
ORDERS=0
for n in 1 1 2 3 5 8 13 40; do
    code="$(curl -sS -o /dev/null -w '%{http_code}' -d "$n" "$APP/orders")"
    [ "$code" = 200 ] || fail "POST /orders $n answered $code"
    ORDERS=$((ORDERS + 1))
done
BAD_ORDERS=0
for body in "zero" "0" "-4"; do
    code="$(curl -sS -o /dev/null -w '%{http_code}' -d "$body" "$APP/orders")"
    [ "$code" = 400 ] || fail "POST /orders '$body' answered $code"
    BAD_ORDERS=$((BAD_ORDERS + 1))
done
# Requests of known duration, for histogram_quantile: 3 x 150 ms land in the (0.1, 0.25]
# bucket, 5 x 350 ms in (0.25, 0.5] (the quickstart's buckets; ~100 ms of margin each).
WORK_BUCKETS="0.005 0.025 0.1 0.25 0.5 1 2.5"
WORK_MS="150 150 150 350 350 350 350 350"
WORK=0
WORK_SECONDS=""
for ms in $WORK_MS; do
    code="$(curl -sS -o /dev/null -w '%{http_code}' "$APP/work/$ms")"
    [ "$code" = 200 ] || fail "GET /work/$ms answered $code"
    WORK=$((WORK + 1))
    WORK_SECONDS="$WORK_SECONDS $(python3 -c "print($ms / 1000)")"
done
# No route matches these: one `unmatched` route value. A method the route lacks: 405.
UNMATCHED=0
for path in /nope /items /items/1/extra "/../etc/passwd"; do
    code="$(curl -sS --path-as-is -o /dev/null -w '%{http_code}' "$APP$path")"
    [ "$code" = 404 ] || fail "GET $path answered $code"
    UNMATCHED=$((UNMATCHED + 1))
done
code="$(curl -sS -o /dev/null -w '%{http_code}' -X DELETE "$APP/orders")"
[ "$code" = 405 ] || fail "DELETE /orders answered $code"
TRAFFIC_DONE=$(date +%s.%N)
log "sent $((ITEMS_OK + ITEMS_MISSING)) item requests, $INDEX index requests, $ORDERS orders, $BAD_ORDERS bad orders, $WORK timed work requests, $UNMATCHED unmatched, 1 DELETE"
HTTP_TOTAL=$((ITEMS_OK + ITEMS_MISSING + INDEX + ORDERS + BAD_ORDERS + WORK + UNMATCHED + 1))

# The app is quiet now (no background traffic; scraping records nothing).
curl -fsS "$APP/metrics" >"$TMP/after.prom"
# What Prometheus itself receives: its Accept header negotiates OpenMetrics, which also
# carries `_created` samples. The comparison below is against this exposition.
PROM_ACCEPT='application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'
curl -fsS -H "Accept: $PROM_ACCEPT" "$APP/metrics" >"$TMP/after.om"
python3 "$TMP/check.py" wait-scrape "$PROM" "$TRAFFIC_DONE" 20 || fail "no scrape after the traffic"
# The query engine sees a scrape's samples once the scrape is committed; one more scrape
# interval makes the comparison independent of that race.
sleep 1.2

EXPECT="$(
    cat <<EOF
{
 "up{job=\"quickstart\"}": 1,
 "quickstart_requests_total{method=\"get\",status=\"2xx\"}": $((ITEMS_OK + INDEX)),
 "quickstart_requests_total{method=\"get\",status=\"4xx\"}": $ITEMS_MISSING,
 "quickstart_requests_total{method=\"get\",status=\"5xx\"}": 0,
 "quickstart_requests_total{method=\"post\",status=\"2xx\"}": $ORDERS,
 "quickstart_requests_total{method=\"post\",status=\"4xx\"}": $BAD_ORDERS,
 "quickstart_requests_total{method=\"post\",status=\"5xx\"}": 0,
 "sum(quickstart_requests_total)": $((ITEMS_OK + ITEMS_MISSING + INDEX + ORDERS + BAD_ORDERS)),
 "quickstart_order_items_bucket{le=\"1.0\"}": 2,
 "quickstart_order_items_bucket{le=\"2.0\"}": 3,
 "quickstart_order_items_bucket{le=\"5.0\"}": 5,
 "quickstart_order_items_bucket{le=\"10.0\"}": 6,
 "quickstart_order_items_bucket{le=\"20.0\"}": 7,
 "quickstart_order_items_bucket{le=\"+Inf\"}": 8,
 "quickstart_order_items_count": $ORDERS,
 "quickstart_order_items_sum": 73,
 "quickstart_in_flight": 0,
 "quickstart_place_order_seconds_count": $ORDERS,
 "function_duration_seconds_count{function=\"get_item\"}": $((ITEMS_OK + ITEMS_MISSING)),
 "function_duration_seconds_bucket{function=\"get_item\",le=\"+Inf\"}": $((ITEMS_OK + ITEMS_MISSING)),
 "function_duration_seconds_count{function=\"index\"}": $INDEX,
 "function_duration_seconds_count{function=\"post_order\"}": $((ORDERS + BAD_ORDERS)),
 "http_requests_total{method=\"GET\",route=\"/items/{id}\",status=\"200\"}": $ITEMS_OK,
 "http_requests_total{method=\"GET\",route=\"/items/{id}\",status=\"404\"}": $ITEMS_MISSING,
 "http_requests_total{method=\"GET\",route=\"/\",status=\"200\"}": $INDEX,
 "http_requests_total{method=\"POST\",route=\"/orders\",status=\"200\"}": $ORDERS,
 "http_requests_total{method=\"POST\",route=\"/orders\",status=\"400\"}": $BAD_ORDERS,
 "http_requests_total{method=\"DELETE\",route=\"/orders\",status=\"405\"}": 1,
 "http_requests_total{method=\"GET\",route=\"/work/{ms}\",status=\"200\"}": $WORK,
 "http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"}": $UNMATCHED,
 "count(http_requests_total{job=\"quickstart\"})": 8,
 "sum(http_requests_total{job=\"quickstart\"})": $HTTP_TOTAL,
 "sum(http_request_duration_seconds_count{job=\"quickstart\"})": $HTTP_TOTAL,
 "http_request_duration_seconds_count{method=\"GET\",route=\"/work/{ms}\"}": $WORK,
 "http_requests_in_flight{job=\"quickstart\"}": 0
}
EOF
)"
python3 "$TMP/check.py" expect "$PROM" "$EXPECT" || fail "Prometheus does not hold what the script sent"
python3 "$TMP/check.py" quantiles "$PROM" \
    'http_request_duration_seconds{job="quickstart",method="GET",route="/work/{ms}"}' \
    "$WORK_BUCKETS" "$WORK_SECONDS" || fail "histogram_quantile over the middleware's durations is not what the script generated"
curl -fsS "$APP/metrics" >"$TMP/after2.prom"
same_quiet "$TMP/after.prom" "$TMP/after2.prom" || fail "the app's exposition changed while it should be quiet"
curl -fsS -H "Accept: $PROM_ACCEPT" "$APP/metrics" >"$TMP/after2.om"
same_quiet "$TMP/after.om" "$TMP/after2.om" || fail "the app's OpenMetrics exposition changed while it should be quiet"
python3 "$TMP/check.py" compare "$PROM" "$TMP/after.om" || fail "Prometheus' stored values differ from the app's exposition"
python3 "$TMP/check.py" awkward "$PROM" "$TMP/awkward.json" || fail "escaped label values or HELP did not round-trip through Prometheus"

# ---------------------------------------------------------------------------------------
# 6. Protobuf: a second Prometheus, with native histograms on, asks for protobuf first
# ---------------------------------------------------------------------------------------
# A recording proxy between it and the app logs what Prometheus asked for (`Accept`) and
# what the app answered (`Content-Type`), so the script sees the negotiation itself.
cat >"$TMP/proxy.py" <<'PY'
import http.server, json, sys, urllib.error, urllib.request

upstream, log_path, port = sys.argv[1], sys.argv[2], int(sys.argv[3])

class Relay(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        headers = {k: v for k, v in self.headers.items() if k.lower() in ("accept", "accept-encoding", "user-agent")}
        req = urllib.request.Request(upstream + self.path, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                status, body, rh = r.status, r.read(), r.headers
        except urllib.error.HTTPError as e:
            status, body, rh = e.code, e.read(), e.headers
        self.send_response(status)
        for k in ("Content-Type", "Content-Encoding"):
            if rh.get(k):
                self.send_header(k, rh.get(k))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        with open(log_path, "a", encoding="utf-8") as f:
            f.write(json.dumps({"accept": self.headers.get("Accept", ""), "status": status,
                                "content_type": rh.get("Content-Type"),
                                "content_encoding": rh.get("Content-Encoding"),
                                "bytes": len(body)}) + "\n")

    def log_message(self, *args):
        pass

http.server.ThreadingHTTPServer(("127.0.0.1", port), Relay).serve_forever()
PY
PROXY_PORT="$(new_port)"
python3 "$TMP/proxy.py" "$APP" "$TMP/proxy.jsonl" "$PROXY_PORT" >"$TMP/proxy.log" 2>&1 </dev/null &
PROXY_PID=$!
track "$PROXY_PID" proxy
wait_http "http://127.0.0.1:$PROXY_PORT/metrics" "$PROXY_PID" "the recording proxy"
: >"$TMP/proxy.jsonl"

PROM2_PORT="$(new_port)"
PROM2="http://127.0.0.1:$PROM2_PORT"
mkdir -p "$TMP/data2"
cat >"$TMP/prometheus2.yml" <<EOF
global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: quickstart
    static_configs: [{targets: ['127.0.0.1:$PROXY_PORT']}]
EOF
log "starting a second Prometheus with --enable-feature=native-histograms on 127.0.0.1:$PROM2_PORT"
PROM2_STARTED=$(date +%s.%N)
prometheus --config.file="$TMP/prometheus2.yml" --storage.tsdb.path="$TMP/data2" \
    --enable-feature=native-histograms \
    --web.listen-address="127.0.0.1:$PROM2_PORT" >"$TMP/prometheus2.log" 2>&1 </dev/null &
PROM2_PID=$!
track "$PROM2_PID" prometheus2
wait_http "$PROM2/-/ready" "$PROM2_PID" "the second Prometheus" "the second Prometheus was not ready within 30s"
python3 "$TMP/check.py" wait-scrape-one "$PROM2" "$PROM2_STARTED" 30 || fail "the second Prometheus never scraped the app"
sleep 1.2
# The app is still quiet: the text scrape taken now is what every protobuf scrape carried.
curl -fsS "$APP/metrics" >"$TMP/pb-time.prom"
same_quiet "$TMP/after.prom" "$TMP/pb-time.prom" || fail "the app's exposition changed while it should be quiet"
python3 "$TMP/check.py" expect "$PROM2" '{"up{job=\"quickstart\"}": 1}' || fail "up is not 1 for the protobuf scrape"
python3 "$TMP/check.py" protobuf-log "$PROM2" "$TMP/proxy.jsonl" || fail "the scrapes were not negotiated as protobuf"
python3 "$TMP/check.py" compare "$PROM2" "$TMP/pb-time.prom" no-created || fail "values stored from protobuf differ from a text scrape of the same moment"

# ---------------------------------------------------------------------------------------
# 7. promtool on the exposition with traffic in it
# ---------------------------------------------------------------------------------------
promtool_check "$TMP/after.prom" "after traffic"

pass "real Prometheus scraped the quickstart app; stored values equal what the app recorded (OpenMetrics, and protobuf with native histograms on: negotiated, up=1, every series equal to a text scrape); middleware counts and histogram_quantile match the generated requests; escaped label values and HELP stored as the originals; promtool check metrics clean"
