#!/bin/bash
# test_serve_concurrency.sh — many clients at once against `pqsh serve` on a file
# (SQLite in WAL mode): 8 processes each INSERT 1,000 items, a quarter of the
# keys shared by all of them; then SIGTERM while writers are busy, a restart,
# and every acknowledged write is still there.
# Usage: bash test_serve_concurrency.sh PQSH_BINARY
set -u
PQSH=${1:?usage: test_serve_concurrency.sh PQSH_BINARY}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/serve_lib.sh"
serve_setup
PY="$HERE/serve_concurrency.py"
CLIENTS=8 N=1000 SHARED=250
DB="$WORK/load.db"

serve_start --local "$DB" --shared-db --threads 4
"$PQSH" --endpoint-url "$SERVE_URL" -c 'CREATE TABLE "Load" (k STRING PRIMARY KEY);' >/dev/null ||
    { echo "FAIL create table"; exit 1; }
pids=()
for c in $(seq 1 $CLIENTS); do
    python3 "$PY" insert "$SERVE_URL" "$c" $N $SHARED "$WORK/result.$c" &
    pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || { echo "FAIL client $p exited $?"; fails=$((fails+1)); }; done
python3 "$PY" verify "$SERVE_URL" $CLIENTS $N $SHARED "$WORK"/result.* || fails=$((fails+1))
"$PQSH" --endpoint-url "$SERVE_URL" -c 'SHOW TABLES;' >"$WORK/out" 2>&1 && grep -q Load "$WORK/out" &&
    echo "ok   the server is still serving" || { echo "FAIL still serving"; fails=$((fails+1)); }

# SIGTERM while 4 writers are busy: the server answers what is in flight,
# exits 0 and leaves a closed database (no WAL left behind).
pids=()
for c in 1 2 3 4; do
    python3 "$PY" until-stopped "$SERVE_URL" "$c" "$WORK/acked.$c" &
    pids+=($!)
done
# SIGTERM only once every writer has had a write acknowledged (starting
# boto3 can take seconds on a loaded machine, e.g. under ASan in CI), then a
# little more so that writes are in flight.
for i in $(seq 1 600); do
    n=0
    for c in 1 2 3 4; do [ -s "$WORK/acked.$c" ] && n=$((n + 1)); done
    [ "$n" = 4 ] && break
    sleep 0.05
done
sleep 0.5
serve_stop && echo "ok   SIGTERM: exit status 0" || { echo "FAIL: server exit status $?"; fails=$((fails+1)); }
for p in "${pids[@]}"; do wait "$p"; done
[ ! -s "$DB-wal" ] && echo "ok   database closed cleanly (no WAL left)" ||
    { echo "FAIL: WAL left behind"; ls -la "$WORK"; fails=$((fails+1)); }
serve_start --local "$DB" --shared-db
python3 "$PY" verify-acked "$SERVE_URL" "$WORK"/acked.* || fails=$((fails+1))
serve_stop || { echo "FAIL: server exit status $?"; fails=$((fails+1)); }

serve_finish
