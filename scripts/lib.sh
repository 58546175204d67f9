# shellcheck shell=bash
# What the end-to-end scripts (e2e.sh, e2e-parsers.sh, e2e-exporters.sh, load.sh) share.
# Sourced, never run, right after `set -euo pipefail`:
#
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   lib_init e2e E2E              # log prefix `e2e:`, report `E2E PASS: …` / `E2E FAIL: …`
#
# lib_init installs the EXIT trap and makes SIGINT/SIGTERM fail the run ("interrupted").
# On exit, whatever the path:
#   1. `before_stop`, if the script defines that function;
#   2. the processes registered with `track PID NAME`, newest first, each stopped by its
#      own PID (SIGTERM, up to 5 s, then SIGKILL; never by name) and reaped;
#   3. on failure, the last 20 lines of each file of LIB_LOGS (paths relative to $TMP);
#   4. $TMP removed, and a /usr/sbin/policy-rc.d this run created;
#   5. one line on stdout: `<TITLE> PASS: <what pass said> (<N>s)` when the script ended
#      with `pass "…"`, else `<TITLE> FAIL: <what fail said> (<N>s)`; a non-zero exit.
#
# The rest, each described where it is defined:
#   ROOT, TMP, log, fail, pass                       reporting
#   require, install_required                        Debian packages (as root, policy-rc.d)
#   make_tmp                                         the temp dir
#   cargo_build, cargo_artifact                      builds and the binaries they made
#   new_port                                         free 127.0.0.1 ports, never one twice
#   track, stop_tracked, untrack, stop_pid           processes, by PID
#   wait_until, wait_http                            waiting for a process to be ready
#   check_py_prelude                                 the start of a script's check.py

# The repository root.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The run's temp dir (see make_tmp); removed on exit.
TMP=""
LIB_NAME=""
LIB_TITLE=""
LIB_START_TIME=$(date +%s)
LIB_RESULT="FAIL"
LIB_PASS_MESSAGE=""
LIB_FAIL_REASON="aborted"
LIB_POLICY_RC_CREATED=""
# Logs (relative to $TMP) whose last lines are shown when the run fails.
LIB_LOGS=()
# "PID NAME" of every process to stop on exit, oldest first.
LIB_PIDS=()
# Packages `install_required` installs, and the commands it checks afterwards.
LIB_NEED_APT=()
LIB_TOOLS=()

# lib_init NAME TITLE: the log prefix and the PASS/FAIL line's first word; sets the traps.
lib_init() {
    LIB_NAME="$1"
    LIB_TITLE="$2"
    trap lib_cleanup EXIT
    trap 'LIB_FAIL_REASON="interrupted"; exit 130' INT TERM
}

# log MESSAGE: one line on stderr, prefixed with the script's name.
log() { printf '%s: %s\n' "$LIB_NAME" "$*" >&2; }

# fail REASON: ends the run; the FAIL line gives REASON. Not from inside `$(…)`.
fail() {
    LIB_FAIL_REASON="$*"
    exit 1
}

# pass MESSAGE: every check passed; the PASS line gives MESSAGE. The script's last word.
pass() {
    LIB_PASS_MESSAGE="$*"
    LIB_RESULT="PASS"
}

lib_cleanup() {
    local status=$? i f
    ! declare -F before_stop >/dev/null || before_stop || true
    [ -z "$LIB_POLICY_RC_CREATED" ] || rm -f /usr/sbin/policy-rc.d
    for ((i = ${#LIB_PIDS[@]} - 1; i >= 0; i--)); do
        stop_pid "${LIB_PIDS[i]%% *}" "${LIB_PIDS[i]#* }"
    done
    if [ "$status" -ne 0 ] && [ -n "$TMP" ] && [ -d "$TMP" ]; then
        for f in "${LIB_LOGS[@]}"; do
            if [ -s "$TMP/$f" ]; then
                log "---- last lines of $f ----"
                tail -n 20 "$TMP/$f" >&2 || true
            fi
        done
    fi
    [ -z "$TMP" ] || rm -rf "$TMP"
    local elapsed=$(($(date +%s) - LIB_START_TIME))
    if [ "$status" -eq 0 ] && [ "$LIB_RESULT" = "PASS" ]; then
        echo "$LIB_TITLE PASS: $LIB_PASS_MESSAGE (${elapsed}s)"
    else
        echo "$LIB_TITLE FAIL: $LIB_FAIL_REASON (${elapsed}s)"
        [ "$status" -ne 0 ] || status=1
    fi
    exit "$status"
}

# require PACKAGE COMMAND...: the run needs every COMMAND; PACKAGE (Debian) provides them.
require() {
    local package="$1" cmd missing=""
    shift
    for cmd in "$@"; do
        LIB_TOOLS+=("$cmd")
        command -v "$cmd" >/dev/null 2>&1 || missing=1
    done
    [ -z "$missing" ] || LIB_NEED_APT+=("$package")
}

# install_required [COMMAND...]: installs the packages whose commands are missing (as root:
# `apt-get update` first, no recommends, no service started), then checks that every
# required COMMAND, and each given here, is on PATH.
install_required() {
    local tool
    if [ "${#LIB_NEED_APT[@]}" -gt 0 ]; then
        [ "$(id -u)" -eq 0 ] || fail "missing ${LIB_NEED_APT[*]} and not root: run as root or install them"
        log "installing ${LIB_NEED_APT[*]} with apt-get"
        export DEBIAN_FRONTEND=noninteractive
        # The postinst scripts of Prometheus, the Pushgateway, the node exporter and carbon
        # would start system-wide daemons (all interfaces, default ports) wherever an init
        # system runs: forbid service starts for the duration of the install, unless the
        # machine already has a policy of its own.
        if [ ! -e /usr/sbin/policy-rc.d ]; then
            printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
            chmod 0755 /usr/sbin/policy-rc.d
            LIB_POLICY_RC_CREATED=1
        fi
        apt-get update -qq >/dev/null || fail "apt-get update failed"
        apt-get install -y -qq --no-install-recommends "${LIB_NEED_APT[@]}" >/dev/null ||
            fail "apt-get install ${LIB_NEED_APT[*]} failed"
        if [ -n "$LIB_POLICY_RC_CREATED" ]; then
            rm -f /usr/sbin/policy-rc.d
            LIB_POLICY_RC_CREATED=""
        fi
    fi
    for tool in "${LIB_TOOLS[@]}" "$@"; do
        command -v "$tool" >/dev/null 2>&1 || fail "$tool not found on PATH"
    done
}

# make_tmp NAME: creates the run's temp dir ($TMP, promenade-NAME.XXXXXX), removed on exit.
make_tmp() {
    TMP="$(mktemp -d -t "promenade-$1.XXXXXX")"
}

# cargo_build FAILURE ARGS...: `cargo ARGS... --message-format=json-render-diagnostics` in
# $ROOT, its messages appended to $TMP/build.json (for cargo_artifact) and its stderr to
# $TMP/build.log; if it fails, shows the end of the log and fails with FAILURE.
cargo_build() {
    local failure="$1"
    shift
    if ! (cd "$ROOT" && cargo "$@" --message-format=json-render-diagnostics \
        >>"$TMP/build.json" 2>>"$TMP/build.log"); then
        tail -n 40 "$TMP/build.log" >&2
        fail "$failure"
    fi
}

# cargo_artifact NAME KIND: the path of the executable cargo_build made for target NAME
# of KIND (`example`, `test`), or nothing.
cargo_artifact() {
    python3 - "$TMP/build.json" "$1" "$2" <<'PY'
import json, sys
path, name, kind = sys.argv[1:]
found = ""
for line in open(path):
    try:
        m = json.loads(line)
    except ValueError:
        continue
    t = m.get("target", {})
    if m.get("reason") == "compiler-artifact" and t.get("name") == name and kind in t.get("kind", []) and m.get("executable"):
        found = m["executable"]
if found:
    print(found)
PY
}

LIB_USED_PORTS=" "
# new_port: a port free on 127.0.0.1 now, never one it gave before in this run.
new_port() {
    local p
    p="$(lib_free_port)"
    while [[ "$LIB_USED_PORTS" == *" $p "* ]]; do p="$(lib_free_port)"; done
    LIB_USED_PORTS="$LIB_USED_PORTS$p "
    echo "$p"
}
lib_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# track PID NAME: stop process PID (called NAME in the log) on exit.
track() { LIB_PIDS+=("$1 $2"); }

# untrack PID: forget PID (the script waited for it itself).
untrack() {
    local keep=() e
    for e in "${LIB_PIDS[@]}"; do
        [ "${e%% *}" = "$1" ] || keep+=("$e")
    done
    LIB_PIDS=("${keep[@]}")
}

# stop_tracked PID: stops a tracked process now (stop_pid) and forgets it.
stop_tracked() {
    local e name="process"
    for e in "${LIB_PIDS[@]}"; do
        [ "${e%% *}" != "$1" ] || name="${e#* }"
    done
    stop_pid "$1" "$name"
    untrack "$1"
}

# stop_pid PID NAME: SIGTERM to PID, up to 5 s for it to go, then SIGKILL; reaps it.
stop_pid() {
    local pid="$1" name="$2"
    [ -n "$pid" ] || return 0
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            log "$name (pid $pid) ignored SIGTERM; sending SIGKILL"
            kill -9 "$pid" 2>/dev/null || true
        fi
    fi
    wait "$pid" 2>/dev/null || true
}

# wait_until PID EXITED TIMEOUT COMMAND...: runs COMMAND (stderr discarded) every 0.1 s
# until it succeeds; fails with EXITED as soon as process PID is gone, with TIMEOUT after
# 30 s.
wait_until() {
    local pid="$1" exited="$2" timeout="$3" deadline=$(($(date +%s) + 30))
    shift 3
    until "$@" 2>/dev/null; do
        kill -0 "$pid" 2>/dev/null || fail "$exited"
        [ "$(date +%s)" -lt "$deadline" ] || fail "$timeout"
        sleep 0.1
    done
}

# wait_http URL PID NAME [TIMEOUT]: waits until URL answers 2xx; fails with "NAME exited
# during startup" or, after 30 s, TIMEOUT (default "NAME did not answer URL within 30s").
wait_http() {
    wait_until "$2" "$3 exited during startup" "${4:-$3 did not answer $1 within 30s}" \
        curl -fsS -o /dev/null "$1"
}

# check_py_prelude: what a script's Python checks start with (print it, then the script's
# own part): the imports, `fail(msg)` (a `check: ` line on stderr, exit 1),
# `http_get(url)` and `parse_exposition(text)` (the samples of a text 0.0.4 exposition,
# as {(name, frozenset(labels)): value}).
check_py_prelude() {
    cat <<'PY'
import json, math, sys, time, urllib.parse, urllib.request

def fail(msg):
    print("check: " + msg, file=sys.stderr)
    sys.exit(1)

def http_get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read().decode("utf-8")

def parse_exposition(text):
    """Samples of a text 0.0.4 exposition: {(name, frozenset(labels)): value}."""
    out = {}
    for line in text.split("\n"):
        if not line or line.startswith("#"):
            continue
        i = 0
        while i < len(line) and line[i] not in "{ \t":
            i += 1
        name, labels = line[:i], {}
        if i < len(line) and line[i] == "{":
            i += 1
            while True:
                while line[i] in " \t,":
                    i += 1
                if line[i] == "}":
                    i += 1
                    break
                eq = line.index("=", i)
                lname = line[i:eq].strip()
                i = eq + 1
                assert line[i] == '"', line
                i += 1
                val = []
                while line[i] != '"':
                    if line[i] == "\\":
                        i += 1
                        val.append({"n": "\n", "\\": "\\", '"': '"'}[line[i]])
                    else:
                        val.append(line[i])
                    i += 1
                i += 1
                labels[lname] = "".join(val)
        value = line[i:].split()[0]
        out[(name, frozenset(labels.items()))] = float(value)
    return out
PY
}
