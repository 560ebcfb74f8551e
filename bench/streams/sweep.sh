#!/usr/bin/env bash
# bench/streams/sweep.sh PQSH [ITEMS] [SECONDS] — the TTL sweep's cost seen by requests
# over HTTP (issue 10: the sweep must not stall requests for more than a few ms).
#
# Starts `pqsh serve --clock --shared-db` on a database file (8 workers),
# creates table "Expiring" (pk S, sk N, a NEW_AND_OLD_IMAGES stream) and
# loads ITEMS items (default 1,000,000; 9 in 10 expire in an hour, the rest
# in 30 days) with BatchWriteItem from 2 clients (bench/serve/load.c). Then
# it runs the same load three times, SECONDS each (default 20), 6 keep-alive
# connections at once: 2 sending GetItem of a random item, 2 Query of a
# random partition, 2 PutItem of a fresh item:
#   1. TTL not enabled: no sweep at all;
#   2. TTL enabled, nothing expired: the background sweeper reads the table
#      round after round and deletes nothing;
#   3. the clock moved 2 hours (POST /pqsh/clock): the sweeper deletes the
#      9 in 10 expired items, each with its REMOVE stream record.
# It then waits for the sweep to end and reports its duration.
# Prints a Markdown table (req/s, p50, p99, max per operation and phase).
set -eu
if [ $# -lt 1 ]; then
  echo "usage: bench/streams/sweep.sh PQSH [ITEMS] [SECONDS]" >&2
  exit 2
fi
pqsh=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
items=${2:-1000000}
secs=${3:-20}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/pqsh-bench-sweep-XXXXXX")
pid=
cleanup() {
  [ -n "$pid" ] && { kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT
gcc -O2 -pthread -o "$work/load" "$here/../serve/load.c"
export HOME="$work" XDG_DATA_HOME="$work/data" LOAD_ITEMS="$items"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$pqsh" serve --local "$work/sweep.db" --shared-db --clock --port "$port" --threads 8 \
  >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 200); do
  python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),0.2)' "$port" \
    2>/dev/null && break
  sleep 0.1
done

# ddb OP JSON [PATH]: one request; prints the answer's body.
ddb() {
  python3 - "$port" "$@" <<'EOF'
import sys, urllib.request, urllib.error
port, op, body = sys.argv[1], sys.argv[2], sys.argv[3]
path = sys.argv[4] if len(sys.argv) > 4 else "/"
req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body.encode(), headers={
    "Content-Type": "application/x-amz-json-1.0", "X-Amz-Date": "20240101T000000Z",
    "X-Amz-Target": "DynamoDB_20120810." + op,
    "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDBENCH/20240101/us-east-1/dynamodb/"
                     "aws4_request, SignedHeaders=host, Signature=00"})
try:
    print(urllib.request.urlopen(req, timeout=600).read().decode())
except urllib.error.HTTPError as e:
    sys.exit(f"{op}: {e.code} {e.read().decode()}")
EOF
}
count() {
  ddb DescribeTable '{"TableName": "Expiring"}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["Table"]["ItemCount"])'
}

ddb CreateTable '{"TableName": "Expiring", "BillingMode": "PAY_PER_REQUEST",
  "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                           {"AttributeName": "sk", "AttributeType": "N"}],
  "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
  "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_AND_OLD_IMAGES"}}' >/dev/null
t0=$(date +%s.%N)
read -r _ _ n _ _ _ _ err _ < <("$work/load" 127.0.0.1 "$port" preload-ttl 2 0)
t1=$(date +%s.%N)
echo "loaded $items items in $n BatchWriteItems ($err errors) in $(echo "$t1 - $t0" | bc) s;" \
  "$(count) items; load average $(cut -d' ' -f1-3 /proc/loadavg)"
puts=0
# phase NAME: the three loads at once, SECONDS each; one table row per operation.
phase() {
  "$work/load" 127.0.0.1 "$port" ttl-get 2 "$secs" >"$work/get" &
  local g=$!
  "$work/load" 127.0.0.1 "$port" ttl-query 2 "$secs" >"$work/query" &
  local q=$!
  "$work/load" 127.0.0.1 "$port" ttl-put 2 "$secs" >"$work/put"
  wait "$g" "$q"
  local la
  la=$(cut -d' ' -f1 /proc/loadavg)
  for f in get query put; do
    read -r m c n _ r p50 p99 e mx <"$work/$f"
    printf '| %-34s | %-9s | %d | %8s | %7s | %7s | %8s | %4s | %5s |\n' "$1" "$m" "$c" "$r" "$p50" \
      "$p99" "$mx" "$e" "$la"
    [ "$f" = put ] && puts=$((puts + n - e))
  done
}
echo
echo "| phase | op | conns | req/s | p50 ms | p99 ms | max ms | errors | load |"
echo "|---|---|---|---|---|---|---|---|---|"
phase "no TTL (no sweep)"
ddb UpdateTimeToLive '{"TableName": "Expiring",
  "TimeToLiveSpecification": {"Enabled": true, "AttributeName": "exp"}}' >/dev/null
sleep 2
phase "TTL on, nothing expired"
ddb x '{"Advance": 7200}' /pqsh/clock >/dev/null
s0=$(date +%s.%N)
phase "sweep deleting $((items - items / 10)) items"
left=$(count)
echo
echo "items left when the third phase ended: $left (of $items + $puts written; $((items / 10 + puts)) when the sweep is over)"
while [ "$(count)" -gt $((items / 10 + puts)) ]; do sleep 1; done
s1=$(date +%s.%N)
echo "the sweep of $((items - items / 10)) expired items took $(echo "$s1 - $s0" | bc) s" \
  "(load average $(cut -d' ' -f1-3 /proc/loadavg))"
