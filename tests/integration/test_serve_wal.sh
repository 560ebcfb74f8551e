#!/bin/bash
# test_serve_wal.sh — the WAL of a database served by `pqsh serve` stays
# bounded under concurrent writers and readers (the writer's checkpoints
# run on a thread of their own, src/engine/checkpoint.c, while the server's
# reader engines keep reading), nothing is lost, and the log is gone after
# the server stops. 2 clients write 7,000 items each (~30,000 log frames,
# over three times the rewind size) while another reads all the time.
# Usage: bash test_serve_wal.sh PQSH_BINARY
set -u
PQSH=${1:?usage: test_serve_wal.sh PQSH_BINARY}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/serve_lib.sh"
serve_setup
N=7000
DB="$WORK/wal.db"
# STORE_CKPT_MAX_FRAMES (src/engine/internal.h) frames of a 4 KiB page and
# its 24-byte header, plus the log's own 32-byte header.
BOUND=$(( (8192 + 2048) * (4096 + 24) + 32 ))

serve_start --local "$DB" --shared-db --threads 4
"$PQSH" --endpoint-url "$SERVE_URL" -c 'CREATE TABLE "Wal" (k STRING PRIMARY KEY);' >/dev/null ||
    { echo "FAIL create table"; exit 1; }
pad=$(printf 'x%.0s' $(seq 1 200))
for w in 1 2; do
    for i in $(seq 1 $N); do
        printf "INSERT INTO \"Wal\" VALUE {'k': 'w%d-%d', 'pad': '%s'};\n" "$w" "$i" "$pad"
    done >"$WORK/w$w.sql"
done
pids=()
for w in 1 2; do
    "$PQSH" --endpoint-url "$SERVE_URL" -f "$WORK/w$w.sql" >"$WORK/w$w.out" 2>&1 &
    pids+=($!)
done
(
    while [ ! -e "$WORK/stop" ]; do
        "$PQSH" --endpoint-url "$SERVE_URL" -c "SELECT k FROM \"Wal\" WHERE k = 'w1-1';" \
            >/dev/null 2>>"$WORK/reader.err"
    done
) &
reader=$!
for w in 1 2; do
    wait "${pids[$((w - 1))]}" && [ "$(grep -c '^INSERT 1$' "$WORK/w$w.out")" = "$N" ] &&
        echo "ok   writer $w: $N INSERTs" ||
        { echo "FAIL writer $w"; grep -v '^INSERT 1$' "$WORK/w$w.out" | head -5; fails=$((fails + 1)); }
done
touch "$WORK/stop"
wait "$reader"
[ ! -s "$WORK/reader.err" ] && echo "ok   the reader saw no error" ||
    { echo "FAIL reader"; sort "$WORK/reader.err" | uniq -c | head -5; fails=$((fails + 1)); }
# SQLite never shrinks the log file (no journal_size_limit): its size is
# the largest the log ever was.
size=$(stat -c %s "$DB-wal" 2>/dev/null || echo 0)
[ "$size" -le "$BOUND" ] && echo "ok   the log stayed under $BOUND bytes ($size)" ||
    { echo "FAIL the log grew to $size bytes (bound $BOUND)"; fails=$((fails + 1)); }
n=$("$PQSH" --endpoint-url "$SERVE_URL" -c 'SELECT k FROM "Wal";' | grep -c "'w[12]-")
[ "$n" = $((2 * N)) ] && echo "ok   all $n items there" ||
    { echo "FAIL $n items, not $((2 * N))"; fails=$((fails + 1)); }
serve_stop && echo "ok   exit status 0" || { echo "FAIL: server exit status $?"; fails=$((fails + 1)); }
[ ! -e "$DB-wal" ] && echo "ok   no log left after the server stopped" ||
    { echo "FAIL: log left behind"; ls -la "$WORK"; fails=$((fails + 1)); }
serve_finish
