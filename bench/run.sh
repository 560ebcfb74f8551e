#!/usr/bin/env bash
# bench/run.sh — pqsh's benchmarks, side by side with sqlite3 in one run.
#
#   bench/run.sh PQSH [startup|bulk|point|all]
#
# Environment: BENCH_INSERTS (default 100000), BENCH_ITEMS (default 1000000),
# BENCH_LOOKUPS (default 100000), BENCH_DIR (scratch folder, default a mktemp).
# Figures and how they were obtained are recorded in bench/README.md.
# The point-read tables (point.db, point.sqlite) are kept in BENCH_DIR and
# reused when it is given, since loading 1,000,000 items takes a while.
set -euo pipefail
pqsh=$(realpath "${1:?usage: bench/run.sh PQSH [startup|bulk|point|all]}")
what=${2:-all}
inserts=${BENCH_INSERTS:-100000}
items=${BENCH_ITEMS:-1000000}
lookups=${BENCH_LOOKUPS:-100000}
dir=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$dir"
export XDG_DATA_HOME="$dir/xdg"

now() { date +%s.%N; }
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", n / t }'; }

# Orders-like rows: same shape for pqsh (PartiQL) and sqlite3 (equivalent SQL).
gen_pqsh_inserts() { # N OFFSET
  awk -v n="$1" -v o="${2:-0}" 'BEGIN {
    print "CREATE TABLE IF NOT EXISTS Orders (idempotency_token STRING PRIMARY KEY);"
    for (i = o; i < o + n; i++)
      printf "INSERT INTO Orders VALUE {'"'"'idempotency_token'"'"': '"'"'token%08d'"'"', '"'"'order_id'"'"': '"'"'order%08d'"'"', '"'"'customer_name'"'"': '"'"'Alice'"'"', '"'"'order_amount'"'"': %d};\n", i, i, i % 1000
  }'
}
gen_sqlite_inserts() { # N
  awk -v n="$1" 'BEGIN {
    print "PRAGMA journal_mode=WAL;"; print "PRAGMA synchronous=NORMAL;"
    print "CREATE TABLE IF NOT EXISTS items (hk BLOB, rk BLOB, item TEXT, size INTEGER, PRIMARY KEY (hk, rk)) WITHOUT ROWID;"
    for (i = 0; i < n; i++)
      printf "INSERT INTO items VALUES (CAST('\''token%08d'\'' AS BLOB), X'\'''\'', '\''{\"idempotency_token\":{\"S\":\"token%08d\"},\"order_id\":{\"S\":\"order%08d\"},\"customer_name\":{\"S\":\"Alice\"},\"order_amount\":{\"N\":\"%d\"}}'\'', 90);\n", i, i, i, i % 1000
  }'
}

bench_startup() {
  echo "## start-up: pqsh --local :memory: -c \"SHOW TABLES\" (and sqlite3 :memory: for scale)"
  hyperfine -N --warmup 20 --runs 300 --export-json "$dir/startup.json" \
    "$pqsh --local :memory: -c 'SHOW TABLES'" \
    "sqlite3 :memory: '.tables'" 2>&1 | grep -E 'Time|±|faster|Benchmark' || true
  python3 - "$dir/startup.json" <<'PY'
import json, sys, statistics
r = json.load(open(sys.argv[1]))["results"]
for x in r:
    print(f"median {statistics.median(x['times'])*1000:.2f} ms  {x['command']}")
PY
}

bench_bulk() {
  echo "## bulk script: $inserts INSERT statements piped in, one autocommit each, WAL + synchronous=NORMAL"
  gen_pqsh_inserts "$inserts" > "$dir/inserts.sql"
  gen_sqlite_inserts "$inserts" > "$dir/inserts.sqlite.sql"
  rm -f "$dir/bulk.db"* "$dir/bulk.sqlite"*
  local t0 t1 t2 t3
  t0=$(now)
  /usr/bin/time -f "%M" -o "$dir/pqsh.rss" "$pqsh" --local "$dir/bulk.db" < "$dir/inserts.sql" > /dev/null
  t1=$(now)
  t2=$(now)
  /usr/bin/time -f "%M" -o "$dir/sqlite.rss" sqlite3 "$dir/bulk.sqlite" < "$dir/inserts.sqlite.sql" > /dev/null
  t3=$(now)
  local tp ts
  tp=$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')
  ts=$(awk -v a="$t2" -v b="$t3" 'BEGIN{print b-a}')
  echo "pqsh:    $(rate "$inserts" "$tp") statements/s  (${tp}s, peak RSS $(($(cat "$dir/pqsh.rss") / 1024)) MB)"
  echo "sqlite3: $(rate "$inserts" "$ts") statements/s  (${ts}s, peak RSS $(($(cat "$dir/sqlite.rss") / 1024)) MB)"
  awk -v a="$tp" -v b="$ts" 'BEGIN { printf "ratio pqsh/sqlite3 rate: %.2f\n", b / a }'
}

bench_point() {
  echo "## point reads: SELECT by key on a $items-item table, $lookups lookups piped in (and sqlite3 alike)"
  if [ ! -f "$dir/point.db" ]; then
    gen_pqsh_inserts "$items" | "$pqsh" --local "$dir/point.db" > /dev/null
  fi
  if [ ! -f "$dir/point.sqlite" ]; then
    { echo "BEGIN;"; gen_sqlite_inserts "$items" | sed 1,2d; echo "COMMIT;"; } |
      sqlite3 -cmd "PRAGMA journal_mode=WAL" -cmd "PRAGMA synchronous=NORMAL" "$dir/point.sqlite" > /dev/null
  fi
  awk -v n="$lookups" -v m="$items" 'BEGIN { srand(42);
    for (i = 0; i < n; i++) printf "SELECT * FROM Orders WHERE idempotency_token = '\''token%08d'\'';\n", int(rand() * m) }' \
    > "$dir/lookups.sql"
  # The same keys, as the engine stores them (one row per item, key as a blob).
  sed -E "s/^SELECT \* FROM Orders WHERE idempotency_token = '(token[0-9]+)';$/SELECT item FROM items WHERE hk = CAST('\1' AS BLOB) AND rk = X'';/" \
    "$dir/lookups.sql" > "$dir/lookups.sqlite.sql"
  local t0 t1 t2 t3 tp ts
  t0=$(now)
  "$pqsh" --local "$dir/point.db" --mode json < "$dir/lookups.sql" > "$dir/lookups.out"
  t1=$(now)
  t2=$(now)
  sqlite3 "$dir/point.sqlite" < "$dir/lookups.sqlite.sql" > "$dir/lookups.sqlite.out"
  t3=$(now)
  tp=$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')
  ts=$(awk -v a="$t2" -v b="$t3" 'BEGIN{print b-a}')
  echo "pqsh:    $(rate "$lookups" "$tp") lookups/s (${tp}s; $(wc -l < "$dir/lookups.out") items returned)"
  echo "sqlite3: $(rate "$lookups" "$ts") lookups/s (${ts}s; $(wc -l < "$dir/lookups.sqlite.out") rows returned)"
  awk -v a="$tp" -v b="$ts" 'BEGIN { printf "ratio pqsh/sqlite3 rate: %.2f\n", b / a }'
}

case "$what" in
  startup) bench_startup ;;
  bulk) bench_bulk ;;
  point) bench_point ;;
  all) bench_startup; bench_bulk; bench_point ;;
  *) echo "unknown benchmark: $what" >&2; exit 2 ;;
esac
