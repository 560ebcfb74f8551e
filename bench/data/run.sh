#!/bin/bash
# bench/data/run.sh PQSH [CLI_CALLS] — bulk data against pqsh serve behind a
# proxy that delays every request and every answer by 10 ms (loopback;
# tests/integration/ddb_proxy.py --delay-ms 10), in one run:
#   import 10,000 items: pqsh .import, boto3's batch_writer, and a loop of
#   `aws dynamodb batch-write-item` calls (CLI_CALLS calls of 25 items, 20 by
#   default, timed and scaled to 400 calls: one CLI process takes about a
#   second to start, a full loop would take minutes);
#   export 100,000 items with 1 and 8 segments.
# Prints one line per case: seconds and items/s; for the import the limit the
# delay sets (400 requests / 16 in flight x 20 ms) and the ratio to it, and
# the same import straight to serve (no proxy: the CPU floor of client and
# server on this machine); for the exports the CPU seconds pqsh serve spent
# (the engine's share). The load average is printed before and after.
set -u
PQSH=$(realpath "${1:?usage: run.sh PQSH [CLI_CALLS]}")
CLI_CALLS=${2:-20}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$HERE/../..
WORK=$(mktemp -d /tmp/pqsh-bench-data-XXXXXX)
SERVE_PID= PROXY_PID=
cleanup() {
    [ -n "$PROXY_PID" ] && { exec 8>&-; wait "$PROXY_PID" 2>/dev/null; }
    [ -n "$SERVE_PID" ] && { kill "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null; }
    rm -rf "$WORK"
}
trap cleanup EXIT
export HOME="$WORK" XDG_DATA_HOME="$WORK/data" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=bench AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
cd "$WORK" || exit 1

"$PQSH" serve --port 0 --local :memory: --threads 16 >serve.out 2>serve.err &
SERVE_PID=$!
for _ in $(seq 100); do URL=$(grep -o 'http://[0-9.]*:[0-9]*' serve.out | head -1); [ -n "$URL" ] && break; sleep 0.05; done
mkfifo proxy.in
python3 "$ROOT/tests/integration/ddb_proxy.py" "$URL" --delay-ms 10 <proxy.in >proxy.port 2>proxy.err &
PROXY_PID=$!
exec 8>proxy.in
for _ in $(seq 100); do [ -s proxy.port ] && break; sleep 0.1; done
PROXY="http://127.0.0.1:$(head -1 proxy.port)"

python3 -c "
for i in range(10000): print('{\"pk\": \"item%05d\", \"n\": %d, \"s\": \"%s\"}' % (i, i, 'x' * 40))
" > items.jsonl
for t in Pqsh Boto Cli; do
    "$PQSH" --endpoint-url "$URL" -q -c "CREATE TABLE Bench$t (pk STRING PRIMARY KEY);"
done
now() { date +%s.%N; }
report() { python3 -c "import sys; s=float(sys.argv[2]); print('%-34s %8.2f s %10.0f items/s' % (sys.argv[1], s, float(sys.argv[3])/s))" "$@"; }
serve_cpu() { awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$SERVE_PID/stat"; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

"$PQSH" --endpoint-url "$URL" -q -c "CREATE TABLE BenchDirect (pk STRING PRIMARY KEY);"
t0=$(now); "$PQSH" --endpoint-url "$PROXY" -c ".import items.jsonl BenchPqsh" >pqsh.out 2>&1; t1=$(now)
s=$(echo "$t1 - $t0" | bc)
report "import 10,000: pqsh .import" "$s" 10000
grep -q "10,000 written" pqsh.out || { echo "pqsh import failed:"; cat pqsh.out; }
python3 -c "import sys; print('  delay-bound limit 0.50 s (400 requests / 16 in flight x 20 ms): %.2fx' % (float(sys.argv[1]) / 0.5))" "$s"
t0=$(now); "$PQSH" --endpoint-url "$URL" -c ".import items.jsonl BenchDirect" >direct.out 2>&1; t1=$(now)
report "  same, straight to serve (no proxy)" "$(echo "$t1 - $t0" | bc)" 10000

t0=$(now)
python3 - "$PROXY" <<'EOF'
import sys, json, boto3
t = boto3.resource("dynamodb", endpoint_url=sys.argv[1]).Table("BenchBoto")
with t.batch_writer() as w:
    for line in open("items.jsonl"):
        d = json.loads(line)
        w.put_item(Item=d)
EOF
t1=$(now)
report "import 10,000: boto3 batch_writer" "$(echo "$t1 - $t0" | bc)" 10000

python3 - "$CLI_CALLS" <<'EOF'
import json, sys
lines = [json.loads(l) for l in open("items.jsonl")]
for c in range(int(sys.argv[1])):
    reqs = [{"PutRequest": {"Item": {"pk": {"S": d["pk"]}, "n": {"N": str(d["n"])}, "s": {"S": d["s"]}}}}
            for d in lines[c * 25:(c + 1) * 25]]
    json.dump({"BenchCli": reqs}, open("batch%d.json" % c, "w"))
EOF
t0=$(now)
for c in $(seq 0 $((CLI_CALLS - 1))); do
    aws dynamodb batch-write-item --endpoint-url "$PROXY" --request-items "file://batch$c.json" >/dev/null
done
t1=$(now)
s=$(echo "($t1 - $t0) * 400 / $CLI_CALLS" | bc -l)
report "import 10,000: aws CLI loop (est.)" "$s" 10000

python3 -c "
for i in range(100000): print('{\"pk\": \"e%06d\", \"n\": %d, \"s\": \"%s\"}' % (i, i, 'y' * 60))
" > big.jsonl
"$PQSH" --endpoint-url "$URL" -q -c "CREATE TABLE BenchExport (pk STRING PRIMARY KEY);"
"$PQSH" --endpoint-url "$URL" -c ".import big.jsonl BenchExport" >load.out 2>&1
for seg in 1 8; do
    c0=$(serve_cpu)
    t0=$(now); "$PQSH" --endpoint-url "$PROXY" -c ".export --segments $seg BenchExport out$seg.jsonl" >exp$seg.out 2>&1; t1=$(now)
    report "export 100,000: $seg segment(s)" "$(echo "$t1 - $t0" | bc)" 100000
    echo "  pqsh serve CPU: $(echo "$(serve_cpu) - $c0" | bc) s"
    grep -q "100,000 items" exp$seg.out || { echo "export failed:"; cat exp$seg.out; }
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
