#!/bin/bash
# bench/data/jobs.sh PQSH [SEQ] — a 10,000-INSERT script (distinct keys) run
# against pqsh serve behind a proxy that delays every request and every
# answer by 10 ms (loopback; tests/integration/ddb_proxy.py --delay-ms 10),
# in one run: with --jobs 1 (one statement at a time) and with --jobs 16
# (pipelined, src/shell/jobs.c). SEQ statements (default all 10,000) are
# run with --jobs 1 and the time scaled to 10,000. Prints one line per case
# (seconds, statements/s), the limit the delay sets (10,000 round trips of
# 20 ms ÷ 16 in flight) and the two ratios; both outputs are checked.
set -u
PQSH=$(realpath "${1:?usage: jobs.sh PQSH [SEQ]}")
SEQ=${2:-10000}
N=10000
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$HERE/../..
. "$ROOT/tests/integration/serve_lib.sh"
serve_setup
PROXY_PID=
trap '[ -n "$PROXY_PID" ] && { exec 8>&-; wait "$PROXY_PID" 2>/dev/null; }; serve_cleanup' EXIT
serve_start --local :memory: --threads 16
cd "$WORK" || exit 1
mkfifo proxy.in
python3 "$ROOT/tests/integration/ddb_proxy.py" "$SERVE_URL" --delay-ms 10 <proxy.in >proxy.port 2>proxy.err &
PROXY_PID=$!
exec 8>proxy.in
for _ in $(seq 100); do [ -s proxy.port ] && break; sleep 0.1; done
PROXY="http://127.0.0.1:$(head -1 proxy.port)"

for t in Seq Jobs; do
    "$PQSH" --endpoint-url "$SERVE_URL" -q -c "CREATE TABLE Bench$t (pk STRING, sk NUMBER, PRIMARY KEY (pk, sk));"
    python3 -c "
import sys
for i in range(int(sys.argv[2])):
    print(\"INSERT INTO Bench%s VALUE {'pk': 'user%03d', 'sk': %d, 'n': %d.5, 's': '%s'};\" % (sys.argv[1], i % 500, i, i, 'x' * 40))
" "$t" "$([ $t = Seq ] && echo "$SEQ" || echo $N)" > "$t.sql"
done
now() { date +%s.%N; }
report() { python3 -c "import sys; s=float(sys.argv[2]); print('%-40s %8.2f s %10.0f statements/s' % (sys.argv[1], s, float(sys.argv[3])/s))" "$@"; }

t0=$(now); "$PQSH" --endpoint-url "$PROXY" --jobs 1 -f Seq.sql >seq.out 2>&1; t1=$(now)
seq_s=$(echo "($t1 - $t0) * $N / $SEQ" | bc -l)
label="10,000 INSERTs: --jobs 1"; [ "$SEQ" != $N ] && label="$label (est. from $SEQ)"
report "$label" "$seq_s" $N
t0=$(now); /usr/bin/time -f "%U %S" -o jobs.cpu "$PQSH" --endpoint-url "$PROXY" --jobs 16 -f Jobs.sql >jobs.out 2>&1; t1=$(now)
jobs_s=$(echo "$t1 - $t0" | bc -l)
report "10,000 INSERTs: --jobs 16" "$jobs_s" $N
echo "   (pqsh CPU for --jobs 16: $(cut -d" " -f1 jobs.cpu) s user, $(cut -d" " -f2 jobs.cpu) s system)"
limit=$(echo "$N * 0.020 / 16" | bc -l)
report "limit: 10,000 × 20 ms ÷ 16 in flight" "$limit" $N
python3 -c "import sys; a,b,c=map(float,sys.argv[1:]); print('--jobs 16 is %.1fx --jobs 1 (target >= 10x); %.2fx the limit (target <= 2x)' % (a/b, b/c))" "$seq_s" "$jobs_s" "$limit"
[ "$(grep -cx "INSERT 1" seq.out)" = "$SEQ" ] || { echo "--jobs 1 run failed:"; tail -3 seq.out; }
[ "$(grep -cx "INSERT 1" jobs.out)" = $N ] || { echo "--jobs 16 run failed:"; tail -3 jobs.out; }
"$PQSH" --endpoint-url "$SERVE_URL" -q --mode csv -c "SELECT pk FROM BenchJobs;" | grep -c "^user" | grep -qx $N ||
    echo "BenchJobs does not hold $N items"
