#!/usr/bin/env bash
# Parses promenade's two text formats with parsers that are not ours:
#   - OpenMetrics 1.0 with the Python client's strict OpenMetrics parser;
#   - text 0.0.4 with the Python client's 0.0.4 parser and with `promtool check metrics`
#     (zero findings required).
# The exposition (examples/exposition_formats.rs) holds every metric type, exemplars,
# units, `_created` and awkward label values; the script checks that the parsers read back
# the exact values and label strings, not only that they do not fail.
#
# Installs what it needs (Debian's prometheus for promtool, python3 + pip's
# prometheus_client) when missing (needs root). The temp dir is removed. Prints one
# PASS/FAIL line; non-zero exit on failure.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lib_init e2e-parsers E2E-PARSERS
cd "$ROOT"

require prometheus promtool
require python3 python3
# The Python client comes from PyPI; a python3 without pip (Debian's own) gets python3-pip.
if ! python3 -c 'import prometheus_client' 2>/dev/null && ! python3 -m pip --version >/dev/null 2>&1; then
    LIB_NEED_APT+=(python3-pip)
fi
install_required cargo
if ! python3 -c 'import prometheus_client' 2>/dev/null; then
    log "installing prometheus_client with pip"
    python3 -m pip install -q prometheus_client >/dev/null 2>&1 ||
        python3 -m pip install -q --break-system-packages prometheus_client >/dev/null ||
        fail "pip install prometheus_client failed"
fi

make_tmp e2e-parsers
cargo_build "build of examples/exposition_formats.rs" build -p promenade --example exposition_formats
BIN="$(cargo_artifact exposition_formats example)"
[ -x "$BIN" ] || fail "could not find the built exposition_formats binary"
"$BIN" text >"$TMP/text.txt"
"$BIN" openmetrics >"$TMP/om.txt"

# promtool: exit 0 and not a single finding.
if ! promtool check metrics <"$TMP/text.txt" >"$TMP/promtool.out" 2>&1; then
    cat "$TMP/promtool.out" >&2
    fail "promtool check metrics rejected the text 0.0.4 exposition"
fi
if [ -s "$TMP/promtool.out" ]; then
    cat "$TMP/promtool.out" >&2
    fail "promtool check metrics reported findings"
fi

python3 - "$TMP/text.txt" "$TMP/om.txt" <<'PY' || fail "the Python client's parsers disagree (see above)"
import sys
from prometheus_client.parser import text_string_to_metric_families as parse_text
from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse_om

text = open(sys.argv[1], encoding="utf-8").read()
om = open(sys.argv[2], encoding="utf-8").read()

AWKWARD = {
    "plain": 1, 'quote"inside': 2, "back\\slash": 3, "new\nline": 4,
    "hash # and brace } { , =": 5, "unicode: é ü 日本 🚀": 6, "": 7, "trailing\\": 8,
}
HELP = 'Label values with "quotes", back\\slashes and a\nnewline in HELP.'

def check(fams, fmt):
    by = {f.name: f for f in fams}
    def sample(name, **labels):
        for f in fams:
            for s in f.samples:
                if s.name == name and s.labels == labels:
                    return s
        raise AssertionError(f"{fmt}: no sample {name}{labels}")
    def value(name, **labels):
        return sample(name, **labels).value
    errors = []
    def expect(got, want, what):
        if got != want:
            errors.append(f"{fmt}: {what}: got {got!r}, want {want!r}")
    expect(value("http_requests_total", method="get", cached="true"), 7.0, "labelled counter")
    expect(value("http_requests_total", method="post", cached="true"), 0.0, "series at zero")
    expect(value("jobs_processed_total"), 3.0, "counter with exemplar")
    expect(value("sent_bytes_total"), 1536.5, "float counter")
    expect(value("room_temperature_celsius"), -3.25, "gauge")
    expect(value("busy_workers"), 4.0, "int gauge")
    expect(value("request_latency_seconds_bucket", le="+Inf"), 3.0, "histogram +Inf")
    expect(value("request_latency_seconds_count"), 3.0, "histogram count")
    expect(value("request_size_bytes_count"), 4.0, "summary count")
    expect(value("request_size_bytes", quantile="0.5"), 250.0, "summary quantile")
    expect(value("build_info", version="1.2.3", commit='abc"def'), 1.0, "info")
    expect(value("phase", phase="running"), 1.0, "enum state")
    expect(value("features", features="upload"), 1.0, "stateset")
    for path, n in AWKWARD.items():
        expect(value("awkward_labels_total", path=path), float(n), f"label value {path!r}")
    fam = by.get("awkward_labels") or by.get("awkward_labels_total")
    expect(fam and fam.documentation, HELP, "HELP text")
    return errors

errors = []
text_fams = list(parse_text(text))
errors += check(text_fams, "0.0.4")
om_fams = list(parse_om(om))  # strict: raises on anything the spec forbids
errors += check(om_fams, "OpenMetrics")
om_by = {f.name: f for f in om_fams}
types = {n: om_by[n].type for n in om_by}
for name, want in [("jobs_processed", "counter"), ("request_latency_seconds", "histogram"),
                   ("request_size_bytes", "summary"), ("build", "info"), ("phase", "stateset"),
                   ("queue_item_age_seconds", "gaugehistogram")]:
    if types.get(name) != want:
        errors.append(f"OpenMetrics: family {name} has type {types.get(name)!r}, want {want!r}")
if om_by["request_latency_seconds"].unit != "seconds":
    errors.append("OpenMetrics: UNIT of request_latency_seconds lost")
ex = [s.exemplar for s in om_by["request_latency_seconds"].samples if s.exemplar]
if len(ex) != 1 or ex[0].labels != {"trace_id": "4bf92f3577b34da6"} or ex[0].value != 0.7:
    errors.append(f"OpenMetrics: histogram exemplar read back as {ex!r}")
created = [s for s in om_by["jobs_processed"].samples if s.name == "jobs_processed_created"]
if len(created) != 1:
    errors.append("OpenMetrics: counter _created missing")
if errors:
    print("\n".join(errors), file=sys.stderr)
    sys.exit(1)
print(f"parsed {len(text_fams)} families (0.0.4) and {len(om_fams)} (OpenMetrics), values and labels exact")
PY

pass "promtool clean on text 0.0.4; the Python client's 0.0.4 and strict OpenMetrics parsers read back every type, exemplar, unit and awkward label exactly"
