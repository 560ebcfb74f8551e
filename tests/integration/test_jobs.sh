#!/bin/bash
# test_jobs.sh PQSH — pipelined scripts (--jobs N, src/shell/jobs.c): which
# statements go out together and which wait, seen from a proxy in front of
# pqsh serve that delays each request and each answer by 150 ms and logs each
# request as it arrives and just before it is answered
# (tests/integration/ddb_proxy.py --log). A statement "waited" when every
# statement before it in the script had been answered when it arrived; that
# is exact. Whether writes to distinct keys overlapped depends on timing, so
# only "at least one did" is asserted. Every case's output must also equal
# --jobs 1's.
set -u
PQSH=$(realpath "${1:?usage: test_jobs.sh PQSH_BINARY}")
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/serve_lib.sh"
serve_setup
PROXY_PID= DROP_PID=
stop_proxy() {
    if [ -n "$PROXY_PID" ]; then exec 8>&-; wait "$PROXY_PID" 2>/dev/null; PROXY_PID=; fi
    if [ -n "$DROP_PID" ]; then exec 9>&-; wait "$DROP_PID" 2>/dev/null; DROP_PID=; fi
}
trap 'stop_proxy; serve_cleanup' EXIT
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

serve_start --local :memory:
mkfifo "$WORK/proxy.in"
python3 "$HERE/ddb_proxy.py" "$SERVE_URL" --delay-ms 150 --log "$WORK/proxy.log" \
    <"$WORK/proxy.in" >"$WORK/proxy.port" 2>"$WORK/proxy.err" &
PROXY_PID=$!
exec 8>"$WORK/proxy.in"
wait_file "$WORK/proxy.port" "$PROXY_PID"
PROXY_URL="http://127.0.0.1:$(head -1 "$WORK/proxy.port")"
cd "$WORK" || exit 1

# run NAME JOBS [OPTIONS…] < script: output in NAME.JOBS.out (exit status
# appended), the proxy's log of ExecuteStatement calls in NAME.JOBS.log.
run() {
    local name=$1 jobs=$2
    shift 2
    cat >"$name.sql"
    : >proxy.log
    "$PQSH" --endpoint-url "$PROXY_URL" --echo --jobs "$jobs" "$@" -f "$name.sql" >"$name.$jobs.out" 2>&1 </dev/null
    echo "-- exit status: $?" >>"$name.$jobs.out"
    grep "^[-0-9]* ExecuteStatement " proxy.log >"$name.$jobs.log"
}
# same NAME: both runs printed the same
same() { cmp -s "$1.1.out" "$1.16.out" || fail "$1: --jobs 16 printed otherwise: $(diff "$1.1.out" "$1.16.out")"; }
# waited NAME STATEMENT…: in the --jobs 16 run, each STATEMENT (as sent)
# arrived when every statement before it in the script (the order of the
# --jobs 1 run) had been answered. With `overlapped` instead of statements:
# some statement arrived while another was still in flight (requests sent
# together reach the proxy in any order, so the later one in the script may
# arrive first).
waited() {
    python3 - "$1.1.log" "$1.16.log" "${@:2}" <<'PY' || fail "$1: $(cat "$1.16.log")"
import sys
def events(path):
    seen, out = {}, []
    for line in open(path):
        n, _, text = line.rstrip("\n").partition(" ExecuteStatement ")
        if n != "-":
            seen[text] = seen.get(text, 0) + 1
            out.append((">", (text, seen[text])))
        else:
            k = [e for e in out if e[0] == ">" and e[1][0] == text and
                 ("<", e[1]) not in out][0][1]
            out.append(("<", k))
    return out
order = [k for e, k in events(sys.argv[1]) if e == ">"]
rank = {k: i for i, k in enumerate(order)}
flying, ok, overlapped = set(), True, False
for e, k in events(sys.argv[2]):
    if e == "<":
        flying.discard(k)
        continue
    early = [f for f in flying if rank[f] < rank[k]]
    overlapped |= bool(flying)
    if k[0] in sys.argv[3:] and early:
        print("'%s' was sent while %s was in flight" % (k[0], early))
        ok = False
    flying.add(k)
if sys.argv[3:] == ["overlapped"] and not overlapped:
    print("no statement was sent while another was in flight")
    ok = False
sys.exit(0 if ok else 1)
PY
}

# 1. Writes to distinct full keys fly together; the same key again while
#    it is in flight (also as 1.0 for 1), a write whose key is not pinned,
#    and a read wait. (Each script drops its table at the end, so that both
#    runs start alike.)
script1="DROP TABLE IF EXISTS JobsA;
CREATE TABLE JobsA (pk STRING, sk NUMBER, PRIMARY KEY (pk, sk));
INSERT INTO JobsA VALUE {'pk': 'a', 'sk': 1};
INSERT INTO JobsA VALUE {'pk': 'a', 'sk': 2, 'n': 7};
UPDATE JobsA SET n = 5 WHERE pk = 'a' AND sk = 3;
INSERT INTO JobsA VALUE {'pk': 'a', 'sk': 2};
INSERT INTO JobsA VALUE {'pk': 'b', 'sk': 1};
DELETE FROM JobsA WHERE sk = 1.0 AND pk = 'b';
UPDATE JobsA SET n = 6 WHERE n = 7;
INSERT INTO JobsA VALUE {'pk': 'c', 'sk': 1};
SELECT * FROM JobsA WHERE pk = 'a';
DROP TABLE JobsA;"
run keys 1 <<<"$script1"
run keys 16 <<<"$script1"
same keys
grep -q "ConditionalCheckFailedException" keys.16.out || fail "keys: the UPDATE of no item should fail: $(cat keys.16.out)"
grep -q "DuplicateItemException" keys.16.out || fail "keys: the second INSERT of ('a', 2) should fail: $(cat keys.16.out)"
[ "$(grep -v '^-' keys.1.log | cut -d' ' -f1 | sort -u)" = 0 ] || fail "keys: --jobs 1 overlapped statements: $(cat keys.1.log)"
waited keys "INSERT INTO JobsA VALUE {'pk': 'a', 'sk': 2}" "DELETE FROM JobsA WHERE sk = 1.0 AND pk = 'b'" \
    "UPDATE JobsA SET n = 6 WHERE n = 7" "SELECT * FROM JobsA WHERE pk = 'a'"
waited keys overlapped

# 1b. With a local secondary index the item collection (one partition key)
#     is the unit: its 10 GB limit can refuse either of two writes to it,
#     depending on their order. Other partitions still fly together.
script1b="DROP TABLE IF EXISTS JobsL;
CREATE TABLE JobsL (pk STRING, sk NUMBER, r STRING, PRIMARY KEY (pk, sk),
    INDEX byR LOCAL (pk, r) PROJECTION ALL);
INSERT INTO JobsL VALUE {'pk': 'a', 'sk': 1, 'r': 'x'};
INSERT INTO JobsL VALUE {'pk': 'a', 'sk': 2, 'r': 'y'};
INSERT INTO JobsL VALUE {'pk': 'b', 'sk': 1, 'r': 'x'};
INSERT INTO JobsL VALUE {'pk': 'c', 'sk': 1, 'r': 'x'};
SELECT * FROM JobsL WHERE pk = 'a';
DROP TABLE JobsL;"
run lsi 1 <<<"$script1b"
run lsi 16 <<<"$script1b"
same lsi
waited lsi overlapped
# The two writes to partition 'a' were never in flight at once (whichever
# reached the proxy first).
python3 - lsi.16.log <<'PY' || fail "lsi: partition 'a' written twice at once: $(cat lsi.16.log)"
import sys
flying = set()
for line in open(sys.argv[1]):
    n, _, text = line.rstrip("\n").partition(" ExecuteStatement ")
    if n == "-":
        flying.discard(text)
        continue
    if "'pk': 'a'" in text and any("'pk': 'a'" in f for f in flying):
        sys.exit(1)
    flying.add(text)
PY

# 2. Variables: an assignment and \gset wait for what is in flight, and the
#    writes after them see the new values.
script2="DROP TABLE IF EXISTS JobsV;
CREATE TABLE JobsV (pk STRING PRIMARY KEY);
SET k = 'x1';
INSERT INTO JobsV VALUE {'pk': :k};
SET k = 'x2';
INSERT INTO JobsV VALUE {'pk': :k};
INSERT INTO JobsV VALUE {'pk': 'y', 'v': 1};
SELECT v FROM JobsV WHERE pk = 'y' \\gset got_
INSERT INTO JobsV VALUE {'pk': 'x3', 'v': :got_v};
INSERT INTO JobsV VALUE {'pk': 'x4', 'v': :got_v};
SELECT * FROM JobsV;
DROP TABLE JobsV;"
run vars 1 --sort <<<"$script2"
run vars 16 --sort <<<"$script2"
same vars
waited vars "INSERT INTO JobsV VALUE {'pk': ?}" "SELECT v FROM JobsV WHERE pk = 'y'" \
    "INSERT INTO JobsV VALUE {'pk': 'x3', 'v': ?}"
grep -q "^(5 items)" vars.16.out || fail "vars: 5 items expected: $(cat vars.16.out)"

# 3. --bail: one statement at a time; nothing after the failed one is sent.
script3="DROP TABLE IF EXISTS JobsB;
CREATE TABLE JobsB (pk STRING PRIMARY KEY);
INSERT INTO JobsB VALUE {'pk': 'a'};
INSERT INTO JobsB VALUE {'pk': 'a'};
INSERT INTO JobsB VALUE {'pk': 'never'};"
"$PQSH" --endpoint-url "$PROXY_URL" --bail --jobs 4 -c "SELECT 1;" >bail_usage.out 2>&1
[ $? = 2 ] && grep -q "cannot be combined with --jobs" bail_usage.out || fail "--bail --jobs 4 should be a usage error: $(cat bail_usage.out)"
run bail 16 --bail <<<"${script3/DROP/.bail on
DROP}" 2>/dev/null
grep -q "never" bail.16.log && fail "bail: a statement after the failed one was sent: $(cat bail.16.log)"
run bailopt 1 --bail <<<"$script3"
grep -q "never" bailopt.1.log && fail "bail: --bail sent a statement after the failed one"
tail -1 bailopt.1.out | grep -q "exit status: 1" || fail "bail: exit status $(tail -1 bailopt.1.out)"

# 4. A program that writes a statement and waits for its result gets it
#    before it writes the next (nothing is held back while input is idle).
coproc CO { "$PQSH" --endpoint-url "$PROXY_URL" 2>&1; }
copid=$CO_PID
echo "INSERT INTO JobsB VALUE {'pk': 'co1'};" >&"${CO[1]}"
IFS= read -r -t 60 line <&"${CO[0]}"
[ "$line" = "INSERT 1" ] || fail "coprocess: no result before the next statement: '$line'"
echo "INSERT INTO JobsB VALUE {'pk': 'co2'};" >&"${CO[1]}"
IFS= read -r -t 60 line <&"${CO[0]}"
[ "$line" = "INSERT 1" ] || fail "coprocess: second result: '$line'"
eval "exec ${CO[1]}>&-"
wait "$copid"

# 5. Ctrl-C with statements in flight: nothing more is sent, everything sent
#    is reported, then SIGINT ends pqsh as it would have.
{
    echo "CREATE TABLE IF NOT EXISTS JobsC (pk NUMBER PRIMARY KEY);"
    for i in $(seq 200); do echo "INSERT INTO JobsC VALUE {'pk': $i};"; done
} >ctrlc.sql
: >proxy.log
python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])' \
    "$PQSH" --endpoint-url "$PROXY_URL" -f ctrlc.sql >ctrlc.out 2>&1 &
pid=$!
# Until 20 INSERTs went out (6 s at 300 ms each on a quiet machine), or a
# minute; stopping earlier or later changes how many were sent, not the checks.
end=$((SECONDS + 60))
until [ "$(grep -c "^[0-9]* ExecuteStatement INSERT" proxy.log)" -ge 20 ] || [ "$SECONDS" -ge "$end" ]; do
    sleep 0.05
done
kill -INT "$pid"
wait "$pid"
status=$?
sent=$(grep -c "^[0-9]* ExecuteStatement INSERT" proxy.log)
shown=$(grep -c "^INSERT 1$" ctrlc.out)
[ "$status" = 130 ] || fail "ctrl-c: exit status $status, not 130 (SIGINT)"
[ "$sent" -lt 200 ] || fail "ctrl-c: every statement was sent"
[ "$sent" = "$shown" ] || fail "ctrl-c: $sent INSERTs sent, $shown reported: $(tail -3 ctrlc.out)"

# 7. A write whose answer is lost (the proxy forwards it, then closes the
#    connection): outcome unknown, exit status 4, the same output both ways;
#    the writes after it were sent and took effect as in a one-at-a-time run.
mkfifo drop.in
python3 "$HERE/ddb_proxy.py" "$SERVE_URL" --delay-ms 100 --drop-after "'lost'" \
    <drop.in >drop.port 2>drop.err 8>&- &
DROP_PID=$!
exec 9>drop.in
wait_file drop.port "$DROP_PID"
DROP_URL="http://127.0.0.1:$(head -1 drop.port)"
for jobs in 1 16; do
    AWS_MAX_ATTEMPTS=1 "$PQSH" --endpoint-url "$DROP_URL" --echo --jobs $jobs -c "DROP TABLE IF EXISTS JobsU;
CREATE TABLE JobsU (pk STRING PRIMARY KEY);
INSERT INTO JobsU VALUE {'pk': 'before'};
INSERT INTO JobsU VALUE {'pk': 'lost'};
INSERT INTO JobsU VALUE {'pk': 'after'};
INSERT INTO JobsU VALUE {'pk': 'after2'};" >unknown.$jobs.out 2>&1
    echo "-- exit status: $?" >>unknown.$jobs.out
    "$PQSH" --endpoint-url "$SERVE_URL" --sort -c "SELECT pk FROM JobsU;" >unknown.$jobs.items 2>&1
done
sed -i '/^unknown.*DROP TABLE IF EXISTS/,+0d' unknown.1.out unknown.16.out
grep -q "notice: table 'JobsU' does not exist" unknown.1.out && sed -i "/table 'JobsU' does not exist/d" unknown.1.out
same unknown
tail -1 unknown.16.out | grep -q "exit status: 4" || fail "unknown: exit status: $(cat unknown.16.out)"
grep -q "outcome unknown" unknown.16.out || fail "unknown: no 'outcome unknown': $(cat unknown.16.out)"
grep -q "(4 items)" unknown.16.items || fail "unknown: items: $(cat unknown.16.items)"

# 6. The embedded engine runs one statement at a time whatever N.
"$PQSH" --local :memory: --jobs 16 -c "CREATE TABLE JobsE (pk NUMBER PRIMARY KEY);
INSERT INTO JobsE VALUE {'pk': 1}; INSERT INTO JobsE VALUE {'pk': 1};" >embedded.out 2>&1
[ $? = 1 ] && grep -q DuplicateItemException embedded.out || fail "embedded: $(cat embedded.out)"
"$PQSH" --jobs 0 -c "SELECT 1;" >zero.out 2>&1
[ $? = 2 ] || fail "--jobs 0 should be a usage error: $(cat zero.out)"

serve_finish
