#!/usr/bin/env bash
# bench/serve/run.sh PQSH [SECONDS] [partiql|items] — requests per second and
# latency of `pqsh serve` against moto_server, in the same run, on the same
# requests.
#
# partiql (the default): for each server create table "Bench", preload 1,000
# items, then for 1, 4 and 16 concurrent keep-alive clients run
# ExecuteStatement INSERTs of fresh keys, SELECTs of one item by key, and
# ListTables (moto's cheapest request, for a fair floor), SECONDS each
# (default 5).
# items: table "BenchItems" (10 partitions of 100 items, PutItem), then
# GetItem, Query (one page of 100 items), Scan (4 segments, pages of 100),
# UpdateItem and TransactWriteItems (two updates) the same way.
# Prints a Markdown table (req/s, p50, p99, errors) and the pqsh/moto ratio.
# pqsh serves --local :memory: and a database file (SQLite WAL), 4 workers.
# The load generator (load.c, plain sockets) runs on the same machine.
set -eu
if [ $# -lt 1 ]; then
  echo "usage: bench/serve/run.sh PQSH [SECONDS]" >&2
  exit 2
fi
pqsh=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
secs=${2:-5}
set_=${3:-partiql}
case "$set_" in
  partiql) preload=preload modes="insert select list" ;;
  items) preload=preload-items modes="getitem query scan update transact" ;;
  *) echo "bench/serve/run.sh: unknown set $set_ (partiql or items)" >&2; exit 2 ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/pqsh-bench-serve-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
gcc -O2 -pthread -o "$work/load" "$here/load.c"
export HOME="$work" XDG_DATA_HOME="$work/data"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 200); do
    python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),0.2)' "$1" \
      2>/dev/null && return 0
    sleep 0.1
  done
  echo "server on port $1 did not start" >&2
  return 1
}

declare -A rps errs
row() { # server port
  local name=$1 port=$2
  "$work/load" 127.0.0.1 "$port" "$preload" 1 0
  for mode in $modes; do
    for c in 1 4 16; do
      read -r m cl n el r p50 p99 err _ < <("$work/load" 127.0.0.1 "$port" "$mode" "$c" "$secs")
      rps[$name.$mode.$c]=$r
      errs[$name.$mode.$c]=$err
      printf '| %-19s | %-8s | %2d | %8s | %7s | %7s | %6s |\n' "$name" "$mode" "$c" "$r" "$p50" "$p99" "$err"
    done
  done
}

echo "machine: $(nproc) cores, $(uname -sr); each cell runs ${secs} s"
echo
echo "| server              | op       |  c |    req/s | p50 ms  | p99 ms  | errors |"
echo "|---------------------|----------|----|----------|---------|---------|--------|"

port=$(free_port)
"$pqsh" serve --local :memory: --port "$port" >/dev/null 2>&1 &
pids+=($!)
wait_port "$port"
row "pqsh serve :memory:" "$port"

port=$(free_port)
"$pqsh" serve --local "$work/bench.db" --port "$port" >/dev/null 2>&1 &
pids+=($!)
wait_port "$port"
row "pqsh serve file" "$port"

port=$(free_port)
moto_server -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
pids+=($!)
wait_port "$port"
row "moto_server" "$port"

echo
echo "| op       |  c | pqsh :memory: / moto | pqsh file / moto |"
echo "|----------|----|----------------------|------------------|"
# ratio A B ERRORS: A/B, unless either side answered errors (a rate of
# refusals is no throughput).
ratio() {
  awk -v a="$1" -v b="$2" -v e="$3" \
    'BEGIN { if (e > 0) print "errors"; else if (b > 0) printf "%.1fx", a / b; else print "n/a" }'
}
for mode in $modes; do
  for c in 1 4 16; do
    m=${rps[moto_server.$mode.$c]}
    printf '| %-8s | %2d | %20s | %16s |\n' "$mode" "$c" \
      "$(ratio "${rps[pqsh serve :memory:.$mode.$c]}" "$m" \
         $((${errs[pqsh serve :memory:.$mode.$c]} + ${errs[moto_server.$mode.$c]})))" \
      "$(ratio "${rps[pqsh serve file.$mode.$c]}" "$m" \
         $((${errs[pqsh serve file.$mode.$c]} + ${errs[moto_server.$mode.$c]})))"
  done
done
