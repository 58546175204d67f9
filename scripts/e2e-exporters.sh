#!/usr/bin/env bash
# End-to-end proof of the push, textfile and Graphite exporters against the real
# components (Debian's Pushgateway 1.5, node exporter 1.5, carbon 1.1 and Prometheus 2.42).
#
#   bash scripts/e2e-exporters.sh
#
# 1. installs what is missing (`prometheus-pushgateway prometheus-node-exporter
#    graphite-carbon prometheus`, needs root; no service is started by the install);
# 2. builds the examples `batch_job` and `textfile` and the test binaries whose ignored
#    `e2e_*` tests drive the exporters (debug builds);
# 3. Pushgateway (`--persistence.file=` empty): push (PUT), push_add (POST, async), a
#    replacing push, a gzip push and delete, in a group whose key has a `/`, an empty
#    value and a space; each checked through the gateway's own `/api/v1/metrics`. A push
#    that clashes with another group's type fails with the gateway's 400 text, identical
#    to one of the answers the gateway gives curl for the same body (it reports the clash
#    from either group's side, at random). The batch_job example pushes a
#    success, then a failure (the success stays). A real Prometheus scraping the gateway
#    with `honor_labels: true` stores the pushed jobs with their own labels;
# 4. node exporter with only the textfile collector exports the example's file exactly
#    (`node_textfile_scrape_error 0`), and while a writer rewrites a 200-series file for
#    5 s, every scrape sees one whole version of it;
# 5. carbon-cache receives the bridge's lines (once, and from the background pusher);
#    `whisper-fetch` shows the values.
#
# Every process it starts is stopped by its own PID on exit; everything binds
# 127.0.0.1; the temp dir is removed. One PASS/FAIL line; non-zero exit on failure.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lib_init e2e-exporters E2E-EXPORTERS
LIB_LOGS=(pushgateway.log prometheus.log node.log carbon.log carbon/log/console.log driver.log)

# ---------------------------------------------------------------------------------------
# 1. Tools
# ---------------------------------------------------------------------------------------
require prometheus-pushgateway prometheus-pushgateway
require prometheus-node-exporter prometheus-node-exporter
require graphite-carbon carbon-cache whisper-fetch
require prometheus prometheus
require python3 python3
require curl curl
install_required cargo
log "$(prometheus-pushgateway --version 2>&1 | head -n 1)"
log "$(prometheus-node-exporter --version 2>&1 | head -n 1)"

make_tmp e2e-exporters

# ---------------------------------------------------------------------------------------
# 2. Build
# ---------------------------------------------------------------------------------------
FEATURES="push,textfile,graphite,gzip"
log "building the examples and the e2e drivers (features $FEATURES)"
cargo_build "cargo build failed" build -p promenade --features "$FEATURES" --example batch_job --example textfile
cargo_build "cargo build failed" test -p promenade --features "$FEATURES" --test push --test textfile --test graphite --no-run
BATCH_BIN="$(cargo_artifact batch_job example)"
TEXTFILE_BIN="$(cargo_artifact textfile example)"
PUSH_TEST="$(cargo_artifact push test)"
TEXTFILE_TEST="$(cargo_artifact textfile test)"
GRAPHITE_TEST="$(cargo_artifact graphite test)"
for b in "$BATCH_BIN" "$TEXTFILE_BIN" "$PUSH_TEST" "$TEXTFILE_TEST" "$GRAPHITE_TEST"; do
    [ -n "$b" ] && [ -x "$b" ] || fail "a built binary is missing (batch_job, textfile, or a test)"
done

# Checks in Python (JSON, the exposition format); written once, run per step.
{
    check_py_prelude
    cat <<'PY'
def groups(gw):
    """{frozenset(group labels): {metric name: {frozenset(series labels): value}}}."""
    body = json.loads(http_get(gw + "/api/v1/metrics"))
    if body.get("status") != "success":
        fail("gateway API: %s" % body)
    out = {}
    for g in body["data"]:
        key = frozenset(g["labels"].items())
        fams = {}
        for name, fam in g.items():
            if isinstance(fam, dict) and "metrics" in fam:
                # Histograms and summaries have no single "value": None.
                fams[name] = {frozenset(m["labels"].items()): float(m["value"]) if "value" in m else None
                              for m in fam["metrics"]}
                fams[name]["__type__"] = fam["type"]
        out[key] = fams
    return out

def main():
    cmd = sys.argv[1]
    if cmd == "group":
        # group GW GROUP_JSON EXPECT_JSON: the group holds exactly these families/values
        # (besides the gateway's push_time_seconds / push_failure_time_seconds); every
        # series carries exactly the group's labels.
        gw, key = sys.argv[2], json.loads(sys.argv[3])
        want = json.loads(sys.argv[4])
        gs = groups(gw)
        g = gs.get(frozenset(key.items()))
        if want is None:
            if g is not None:
                fail("group %s still on the gateway: %s" % (key, g))
            print("gateway: group %s absent" % key, file=sys.stderr)
            return
        if g is None:
            fail("group %s not on the gateway; groups: %s" % (key, [dict(k) for k in gs]))
        got = {n: f for n, f in g.items() if n not in ("push_time_seconds", "push_failure_time_seconds")}
        if sorted(got) != sorted(want):
            fail("group %s: families %s, expected %s" % (key, sorted(got), sorted(want)))
        for name, (typ, value) in want.items():
            fam = got[name]
            if fam.pop("__type__") != typ:
                fail("%s: type %s, expected %s" % (name, fam, typ))
            labels = [dict(k) for k in fam]
            # The gateway gives every series the grouping key, and `instance=""` if the
            # key has no instance.
            series_key = dict({"instance": ""}, **key)
            if labels != [series_key]:
                fail("%s: series labels %s, expected exactly %s" % (name, labels, series_key))
            v = list(fam.values())[0]
            if value is not None and v != float(value):
                fail("%s: %r, expected %r" % (name, v, value))
        pt = g["push_time_seconds"]
        pt.pop("__type__")
        if not list(pt.values()) or list(pt.values())[0] <= 0:
            fail("push_time_seconds not set: %s" % pt)
        print("gateway: group %s holds exactly %s" % (key, want), file=sys.stderr)
    elif cmd == "value":
        # value GW GROUP_JSON NAME: print the value of NAME in the group
        gw, key, name = sys.argv[2], json.loads(sys.argv[3]), sys.argv[4]
        fam = groups(gw)[frozenset(key.items())][name]
        fam.pop("__type__")
        print(repr(list(fam.values())[0]))
    elif cmd == "prom":
        # prom PROM SINCE JSON{promql: [labels, value or null]}: wait for a scrape after
        # SINCE, then each query returns one series with exactly these labels and value.
        prom, since, want = sys.argv[2], float(sys.argv[3]), json.loads(sys.argv[4])
        deadline = time.time() + 30
        last = None
        while time.time() < deadline:
            try:
                ts = json.loads(http_get(prom + "/api/v1/targets"))["data"]["activeTargets"]
                last = ts
                if ts and all(t["health"] == "up" and t["lastScrape"][:4] != "0001" for t in ts):
                    ok = True
                    for promql, (labels, value) in want.items():
                        res = json.loads(http_get(prom + "/api/v1/query?" + urllib.parse.urlencode({"query": promql})))["data"]["result"]
                        if len(res) != 1 or res[0]["metric"] != labels or (value is not None and float(res[0]["value"][1]) != float(value)):
                            ok = False
                            last = res
                            break
                    if ok:
                        print("prometheus: %d queries answered as pushed" % len(want), file=sys.stderr)
                        return
            except OSError:
                pass
            time.sleep(0.3)
        fail("Prometheus did not store the pushed series as expected within 30s; last: %s" % json.dumps(last))
    elif cmd == "node-file":
        # node-file NODE_URL FILE: node exporter exports every sample of FILE exactly.
        text = http_get(sys.argv[2])
        got = parse_exposition(text)
        if got.get(("node_textfile_scrape_error", frozenset())) != 0.0:
            fail("node_textfile_scrape_error is not 0:\n" + "\n".join(l for l in text.split("\n") if "textfile" in l))
        want = parse_exposition(open(sys.argv[3]).read())
        for k, v in want.items():
            if got.get(k) != v:
                fail("node exporter has %s%s = %r, the file says %r" % (k[0], dict(k[1]), got.get(k), v))
        mtime = [k for k in got if k[0] == "node_textfile_mtime_seconds"]
        if len(mtime) != 1 or not dict(mtime[0][1]).get("file", "").endswith(sys.argv[3].rsplit("/", 1)[1]):
            fail("node_textfile_mtime_seconds: %s" % mtime)
        print("node exporter: all %d samples of the file exported, node_textfile_scrape_error 0" % len(want), file=sys.stderr)
    elif cmd == "node-race":
        # node-race NODE_URL SECONDS PIDFILE: scrape until the writer is done; every scrape
        # must show one whole version of the file.
        url, seconds, writer_pid = sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
        import os
        scrapes, versions = 0, set()
        deadline = time.time() + seconds + 20
        def alive():
            try:
                os.kill(writer_pid, 0)
                return True
            except OSError:
                return False
        while alive() and time.time() < deadline:
            text = http_get(url)
            got = parse_exposition(text)
            err = got.get(("node_textfile_scrape_error", frozenset()))
            race = {k[0]: v for k, v in got.items() if k[0].startswith("e2e_race_")}
            if err != 0.0:
                fail("scrape %d: node_textfile_scrape_error %r (a partial file?)" % (scrapes, err))
            if race:
                if len(race) != 200 or len(set(race.values())) != 1:
                    fail("scrape %d saw a partial or mixed file: %d series, values %s" % (scrapes, len(race), sorted(set(race.values()))[:5]))
                versions.add(next(iter(race.values())))
            scrapes += 1
        if scrapes < 20 or len(versions) < 5:
            fail("too little overlap to prove anything: %d scrapes, %d versions" % (scrapes, len(versions)))
        print("node exporter: %d scrapes during the rewrites, %d distinct versions, each whole" % (scrapes, len(versions)), file=sys.stderr)
    else:
        fail("unknown command " + cmd)

main()
PY
} >"$TMP/check.py"
check() { python3 "$TMP/check.py" "$@"; }

# ---------------------------------------------------------------------------------------
# 3. Pushgateway (+ Prometheus scraping it)
# ---------------------------------------------------------------------------------------
PGW_PORT="$(new_port)"
PGW="http://127.0.0.1:$PGW_PORT"
log "starting the Pushgateway on 127.0.0.1:$PGW_PORT"
prometheus-pushgateway --web.listen-address="127.0.0.1:$PGW_PORT" --persistence.file= \
    >"$TMP/pushgateway.log" 2>&1 </dev/null &
PGW_PID=$!
track "$PGW_PID" pushgateway
wait_http "$PGW/-/ready" "$PGW_PID" "the Pushgateway"

# Prometheus first: its first scrape lands ~6 s after start, so start it early.
PROM_PORT="$(new_port)"
PROM="http://127.0.0.1:$PROM_PORT"
mkdir -p "$TMP/data"
cat >"$TMP/prometheus.yml" <<EOF
global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: pushgateway
    honor_labels: true
    static_configs: [{targets: ['127.0.0.1:$PGW_PORT']}]
EOF
log "starting Prometheus on 127.0.0.1:$PROM_PORT (scraping the gateway, honor_labels: true)"
prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/data" \
    --web.listen-address="127.0.0.1:$PROM_PORT" >"$TMP/prometheus.log" 2>&1 </dev/null &
PROM_PID=$!
track "$PROM_PID" prometheus

step() {
    log "push step: $1"
    PROMENADE_E2E_GATEWAY="$PGW" PROMENADE_E2E_STEP="$1" PROMENADE_E2E_OUT="$TMP/clash.txt" \
        "$PUSH_TEST" --ignored --exact e2e_pushgateway_step --nocapture >"$TMP/driver.log" 2>&1 ||
        fail "push step $1 failed (see driver.log)"
}
GROUP='{"job": "e2e", "instance": "", "path": "/var/lib/x", "team": "a b+c"}'

step push
check group "$PGW" "$GROUP" '{"e2e_items_total": ["COUNTER", 5], "e2e_temp": ["GAUGE", 21.5]}' ||
    fail "push (PUT) did not land as sent"
step push_add_async
check group "$PGW" "$GROUP" '{"e2e_items_total": ["COUNTER", 5], "e2e_temp": ["GAUGE", 22.5], "e2e_extra": ["GAUGE", 1]}' ||
    fail "push_add (POST) did not replace only same-named families"
step push_replace
check group "$PGW" "$GROUP" '{"e2e_temp": ["GAUGE", 23]}' || fail "push (PUT) did not replace the group"
step push_gzip
check group "$PGW" '{"job": "e2e_gzip"}' '{"e2e_zipped_total": ["COUNTER", 7]}' ||
    fail "the gzip push did not land"

step clash
# Pushgateway 1.5.1 reports a type clash from either group's side, at random ("… job a …
# is not a GAUGE" or "… job b … is not a COUNTER"), so promenade's message must be the
# gateway's pattern and equal, byte for byte, one of the answers the gateway gives curl
# for the same body (both sides show up within a few tries).
grep -Eq '^pushed metrics are invalid or inconsistent with existing metrics: .* is not a (COUNTER|GAUGE)$' "$TMP/clash.txt" ||
    fail "the clash error lacks the gateway's text: $(cat "$TMP/clash.txt")"
same=""
for _ in $(seq 20); do
    curl -sS -o "$TMP/clash.curl" -X PUT --data-binary @"$TMP/clash.txt.body" \
        -H 'Content-Type: text/plain; version=0.0.4' "$PGW/metrics/job/e2e_clash" || fail "curl to the gateway failed"
    if cmp -s "$TMP/clash.txt" "$TMP/clash.curl"; then same=1; break; fi
done
[ -n "$same" ] ||
    fail "promenade's error message is none of the gateway's answers to curl: '$(cat "$TMP/clash.txt")' vs e.g. '$(cat "$TMP/clash.curl")'"
log "rejected push: $(cat "$TMP/clash.txt.display")"

log "batch_job example: a successful run"
PUSHGATEWAY_URL="$PGW" BATCH_JOB_ITEMS=42 "$BATCH_BIN" >"$TMP/batch.log" 2>&1 || {
    cat "$TMP/batch.log" >&2
    fail "the batch_job example failed"
}
BATCH='{"job": "batch_job"}'
check group "$PGW" "$BATCH" '{"batch_job_items_processed_total": ["COUNTER", 42], "batch_job_item_duration_seconds": ["HISTOGRAM", null], "job_start_timestamp_seconds": ["GAUGE", null], "job_duration_seconds": ["GAUGE", null], "job_last_success_timestamp_seconds": ["GAUGE", null]}' ||
    fail "the batch job's success push is not on the gateway"
SUCCESS_AT="$(check value "$PGW" "$BATCH" job_last_success_timestamp_seconds)"
python3 -c "import sys, time; t = float(sys.argv[1]); sys.exit(0 if abs(time.time() - t) < 60 else 1)" "$SUCCESS_AT" ||
    fail "job_last_success_timestamp_seconds $SUCCESS_AT is not now"
log "batch_job example: a failing run"
if PUSHGATEWAY_URL="$PGW" BATCH_JOB_FAIL=1 "$BATCH_BIN" >"$TMP/batch.log" 2>&1; then
    fail "the failing batch_job run exited 0"
fi
check group "$PGW" "$BATCH" '{"batch_job_items_processed_total": ["COUNTER", 42], "batch_job_item_duration_seconds": ["HISTOGRAM", null], "job_start_timestamp_seconds": ["GAUGE", null], "job_duration_seconds": ["GAUGE", null], "job_last_success_timestamp_seconds": ["GAUGE", '"$SUCCESS_AT"'], "job_last_failure_timestamp_seconds": ["GAUGE", null]}' ||
    fail "the failure push did not keep the last success, or lacks the failure time"

check prom "$PROM" "$(date +%s)" '{
  "e2e_temp": [{"__name__": "e2e_temp", "job": "e2e", "path": "/var/lib/x", "team": "a b+c"}, 23],
  "batch_job_items_processed_total": [{"__name__": "batch_job_items_processed_total", "job": "batch_job"}, 42],
  "e2e_zipped_total": [{"__name__": "e2e_zipped_total", "job": "e2e_gzip"}, 7]
}' || fail "Prometheus scraping the gateway did not store the pushed jobs"

step delete
check group "$PGW" "$GROUP" null || fail "delete did not remove the group"
check group "$PGW" "$BATCH" '{"batch_job_items_processed_total": ["COUNTER", 42], "batch_job_item_duration_seconds": ["HISTOGRAM", null], "job_start_timestamp_seconds": ["GAUGE", null], "job_duration_seconds": ["GAUGE", null], "job_last_success_timestamp_seconds": ["GAUGE", '"$SUCCESS_AT"'], "job_last_failure_timestamp_seconds": ["GAUGE", null]}' ||
    fail "delete removed more than its group"
stop_tracked "$PROM_PID"

# ---------------------------------------------------------------------------------------
# 4. node exporter, textfile collector only
# ---------------------------------------------------------------------------------------
mkdir -p "$TMP/textfile"
NODE_PORT="$(new_port)"
NODE="http://127.0.0.1:$NODE_PORT/metrics"
log "starting the node exporter on 127.0.0.1:$NODE_PORT (textfile collector only)"
prometheus-node-exporter --web.listen-address="127.0.0.1:$NODE_PORT" --collector.disable-defaults \
    --collector.textfile --collector.textfile.directory="$TMP/textfile" >"$TMP/node.log" 2>&1 </dev/null &
NODE_PID=$!
track "$NODE_PID" node_exporter
wait_http "$NODE" "$NODE_PID" "the node exporter"
"$TEXTFILE_BIN" "$TMP/textfile" >"$TMP/textfile.log" 2>&1 || fail "the textfile example failed: $(cat "$TMP/textfile.log")"
[ "$(ls -A "$TMP/textfile")" = "promenade_example.prom" ] || fail "unexpected files: $(ls -A "$TMP/textfile")"
check node-file "$NODE" "$TMP/textfile/promenade_example.prom" || fail "the node exporter did not export the textfile"

rm -f "$TMP/textfile/promenade_example.prom"
log "rewriting a 200-series textfile for 5 s while scraping"
PROMENADE_E2E_TEXTFILE="$TMP/textfile/race.prom" PROMENADE_E2E_SECONDS=5 \
    "$TEXTFILE_TEST" --ignored --exact e2e_textfile_writer --nocapture >"$TMP/writer.log" 2>&1 &
WRITER_PID=$!
track "$WRITER_PID" textfile-writer
check node-race "$NODE" 5 "$WRITER_PID" || fail "a scrape saw a partial textfile"
wait "$WRITER_PID" || fail "the textfile writer failed: $(tail -n 5 "$TMP/writer.log")"
untrack "$WRITER_PID"
log "writer: $(grep -o 'E2E_WRITES [0-9]*' "$TMP/writer.log") rewrites"
[ "$(ls -A "$TMP/textfile")" = "race.prom" ] || fail "temporary files left behind: $(ls -A "$TMP/textfile")"
stop_tracked "$NODE_PID"

# ---------------------------------------------------------------------------------------
# 5. carbon-cache
# ---------------------------------------------------------------------------------------
C="$TMP/carbon"
mkdir -p "$C/storage/whisper" "$C/lists" "$C/log" "$C/run"
LINE_PORT="$(new_port)"
cat >"$C/carbon.conf" <<EOF
[cache]
STORAGE_DIR = $C/storage
LOCAL_DATA_DIR = $C/storage/whisper
WHITELISTS_DIR = $C/lists
LOG_DIR = $C/log
PID_DIR = $C/run
USER =
ENABLE_LOGROTATION = False
MAX_CACHE_SIZE = inf
MAX_UPDATES_PER_SECOND = inf
MAX_CREATES_PER_MINUTE = inf
LINE_RECEIVER_INTERFACE = 127.0.0.1
LINE_RECEIVER_PORT = $LINE_PORT
ENABLE_UDP_LISTENER = False
PICKLE_RECEIVER_INTERFACE = 127.0.0.1
PICKLE_RECEIVER_PORT = $(new_port)
CACHE_QUERY_INTERFACE = 127.0.0.1
CACHE_QUERY_PORT = $(new_port)
LOG_LISTENER_CONN_SUCCESS = False
EOF
printf '[default]\npattern = .*\nretentions = 1s:1h\n' >"$C/storage-schemas.conf"
log "starting carbon-cache (line receiver on 127.0.0.1:$LINE_PORT)"
carbon-cache --config="$C/carbon.conf" --nodaemon start >"$TMP/carbon.log" 2>&1 </dev/null &
CARBON_PID=$!
track "$CARBON_PID" carbon-cache
wait_until "$CARBON_PID" "carbon-cache exited during startup" "carbon-cache did not listen within 30s" \
    python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$LINE_PORT"
BRIDGE_START=$(date +%s)
PROMENADE_E2E_CARBON="127.0.0.1:$LINE_PORT" "$GRAPHITE_TEST" --ignored --exact e2e_graphite_bridge --nocapture \
    >"$TMP/driver.log" 2>&1 || fail "the Graphite bridge driver failed (see driver.log)"
log "bridge: $(grep -o 'E2E_PUSHES [0-9]*' "$TMP/driver.log") background pushes"

# whisper-fetch prints `<unix s>\t<value or None>`; the values of FILE since the bridge started.
whisper_values() {
    whisper-fetch --from="$((BRIDGE_START - 5))" "$1" 2>/dev/null | awk '$2 != "None" {print $2}' | sort -u | tr '\n' ' '
}
expect_whisper() {
    local metric="$1" want="$2" file deadline=$(($(date +%s) + 20)) got=""
    file="$C/storage/whisper/$(echo "$metric" | tr . /).wsp"
    while [ "$(date +%s)" -lt "$deadline" ]; do
        if [ -f "$file" ]; then
            got="$(whisper_values "$file")"
            [ "$got" = "$want" ] && { log "whisper: $metric = $got"; return 0; }
        fi
        sleep 0.5
    done
    fail "whisper-fetch $metric: got '${got}', expected '${want}' (file $([ -f "$file" ] && echo exists || echo missing))"
}
expect_whisper promenade_e2e.once.http_requests_total.cached.true.method.POST_x "7.000000 "
expect_whisper promenade_e2e.once.http_requests_total.cached.false.method.get "0.000000 "
expect_whisper promenade_e2e.once.latency_seconds_bucket.le._Inf "2.000000 "
expect_whisper promenade_e2e.once.latency_seconds_sum "2.250000 "
expect_whisper promenade_e2e.once.peers "1.500000 "
expect_whisper promenade_e2e.loop.level "10.000000 20.000000 "
expect_whisper promenade_e2e.loop.latency_seconds_count "2.000000 "
[ ! -e "$C/storage/whisper/promenade_e2e/once/broken.wsp" ] || fail "a NaN sample reached carbon"

pass "Pushgateway took push/push_add/delete (\`/\`, empty and space in the grouping key, gzip, async) and refused a type clash with its 400 text; Prometheus saw the pushed jobs; node exporter exported the textfile with no partial read under rewrites; carbon stored the bridge's values"
