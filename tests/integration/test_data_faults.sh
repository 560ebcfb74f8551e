#!/bin/bash
# test_data_faults.sh PQSH — .import and .export against pqsh serve through a
# proxy that throttles a share of BatchWriteItem calls and hands back a random
# part of others as UnprocessedItems (tests/integration/ddb_proxy.py). Every
# item must arrive exactly once: the proxy counts the PutRequests it passed
# on, and each key must have been passed exactly once; the table read back
# (directly from serve) must equal the input. Then a parallel export
# (4 segments) through the proxy must give the same items. Then a table
# with a capacity: the import's adaptive window.
set -u
PQSH=${1:?usage: test_data_faults.sh PQSH_BINARY}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/serve_lib.sh"
serve_setup
PROXY_PID=
stop_proxy() { if [ -n "$PROXY_PID" ]; then exec 8>&-; wait "$PROXY_PID" 2>/dev/null; PROXY_PID=; fi; }
trap 'stop_proxy; serve_cleanup' EXIT
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

serve_start --local :memory:
mkfifo "$WORK/proxy.in"
python3 "$HERE/ddb_proxy.py" "$SERVE_URL" --throttle 0.2 --unprocessed 0.3 --seed 7 \
    <"$WORK/proxy.in" >"$WORK/proxy.port" 2>"$WORK/proxy.err" &
PROXY_PID=$!
exec 8>"$WORK/proxy.in"
wait_file "$WORK/proxy.port" "$PROXY_PID"
PROXY_URL="http://127.0.0.1:$(head -1 "$WORK/proxy.port")"
export PQSH_TEST_RETRY_BASE_MS=20

cd "$WORK" || exit 1
python3 -c "
for i in range(3000):
    print('{\"pk\": \"p%d\", \"sk\": %d, \"n\": %d.%d, \"s\": \"%s\"}' % (i % 97, i, i, i, 'x' * (i % 30)))
" > items.jsonl
"$PQSH" --endpoint-url "$SERVE_URL" -c "CREATE TABLE Faults (pk STRING, sk NUMBER, PRIMARY KEY (pk, sk));" >/dev/null 2>&1 ||
    fail "CREATE TABLE failed"
"$PQSH" --endpoint-url "$PROXY_URL" -c ".import --jobs 8 items.jsonl Faults" >import.out 2>&1 ||
    fail "import through the faulty proxy failed: $(cat import.out)"
grep -q "^IMPORT Faults: 3,000 written, [1-9][0-9,]* retried, 0 skipped" import.out ||
    fail "import summary: $(cat import.out)"
curl -s "$PROXY_URL/__counts" >counts.json
python3 - counts.json <<'EOF' || fail "items did not arrive exactly once"
import json, sys
c = json.load(open(sys.argv[1]))
puts = c["puts"]
assert c["throttled"] > 0 and c["unprocessed"] > 0, c
assert len(puts) == 3000, len(puts)
twice = [k for k, n in puts.items() if n != 1]
assert not twice, twice[:3]
EOF
"$PQSH" --endpoint-url "$SERVE_URL" -c ".export Faults direct.jsonl" >export1.out 2>&1 ||
    fail "export from serve failed: $(cat export1.out)"
"$PQSH" --endpoint-url "$PROXY_URL" -c ".export --segments 4 Faults parallel.ddbjson" >export2.out 2>&1 ||
    fail "parallel export failed: $(cat export2.out)"
grep -q "^EXPORT Faults: 3,000 items, 4 segments" export2.out || fail "export summary: $(cat export2.out)"
python3 - <<'EOF' || fail "items read back differ from the input"
import json
from decimal import Decimal
def plain(d):
    return json.dumps({k: (format(v.normalize(), "f") if isinstance(v, Decimal) else v)
                       for k, v in d.items()}, sort_keys=True)
a = sorted(plain(json.loads(l, parse_float=Decimal, parse_int=Decimal)) for l in open("items.jsonl"))
b = sorted(plain(json.loads(l, parse_float=Decimal, parse_int=Decimal)) for l in open("direct.jsonl"))
assert a == b, (a[:2], b[:2])
c = []
for l in open("parallel.ddbjson"):
    it = json.loads(l)
    c.append(plain({k: (Decimal(v["N"]) if "N" in v else v["S"]) for k, v in it.items()}))
assert sorted(c) == a, (len(c), len(a))
EOF
stop_proxy

# A table that takes 1,000 items a second (the proxy hands the rest back as
# UnprocessedItems): every item arrives once, and the import narrows its
# window instead of pressing on with 16 requests. Fewer than 4,300 items
# are re-sent: with the fixed window 5,500-5,900 were (and it took 3.7-5.6
# s), with the adaptive one 2,700-3,100 (2.9-3.7 s; the floor is 2.9 s).
python3 "$HERE/ddb_proxy.py" "$SERVE_URL" --delay-ms 5 --capacity 1000 \
    <"$WORK/proxy.in" >"$WORK/proxy2.port" 2>"$WORK/proxy2.err" &
PROXY_PID=$!
exec 8>"$WORK/proxy.in"
wait_file "$WORK/proxy2.port" "$PROXY_PID"
CAP_URL="http://127.0.0.1:$(head -1 "$WORK/proxy2.port")"
python3 -c "
for i in range(3000): print('{\"pk\": \"c%05d\", \"n\": %d}' % (i, i))
" > capped.jsonl
"$PQSH" --endpoint-url "$SERVE_URL" -c "CREATE TABLE Capped (pk STRING PRIMARY KEY);" >/dev/null 2>&1 ||
    fail "CREATE TABLE Capped failed"
"$PQSH" --endpoint-url "$CAP_URL" -c ".import --jobs 16 capped.jsonl Capped" >capped.out 2>&1 ||
    fail "import against a capped table failed: $(cat capped.out)"
retried=$(sed -n 's/^IMPORT Capped: 3,000 written, \([0-9,]*\) retried, 0 skipped.*/\1/p' capped.out | tr -d ,)
[ -n "$retried" ] || fail "capped import summary: $(cat capped.out)"
[ "${retried:-0}" -gt 0 ] && [ "${retried:-0}" -lt 4300 ] ||
    fail "capped import re-sent $retried items for 3,000: the window did not narrow"
curl -s "$CAP_URL/__counts" >capped.json
python3 - capped.json <<'EOF' || fail "capped: items did not arrive exactly once"
import json, sys
c = json.load(open(sys.argv[1]))
assert c["capped"] > 0, c["capped"]
assert len(c["puts"]) == 3000 and all(n == 1 for n in c["puts"].values()), len(c["puts"])
EOF
stop_proxy
serve_stop || fail "serve exited with an error"
serve_finish
