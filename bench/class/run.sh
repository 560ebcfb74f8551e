#!/bin/bash
# bench/class/run.sh PQSH [STUDENTS] [CPS] — starts `pqsh serve --class` and runs load.py
# against it (STUDENTS default 30, typing at CPS characters a second, default 25).
set -u
PQSH=${1:?usage: run.sh PQSH [STUDENTS] [CPS]}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(mktemp)
"$PQSH" serve --local :memory: --port 0 --class --class-port 0 >"$OUT" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -f "$OUT"' EXIT
for _ in $(seq 100); do grep -q "Ctrl-C stops" "$OUT" && break; sleep 0.05; done
url=$(sed -n 's#.*classroom at \(http://[0-9.]*:[0-9]*\)/.*#\1#p' "$OUT")
code=$(sed -n 's#.*(class code \([^)]*\)).*#\1#p' "$OUT")
token=$(sed -n 's#.*teacher?token=\([0-9a-f]*\).*#\1#p' "$OUT")
python3 "$HERE/load.py" "$url" "$code" "$token" "$PID" "${2:-30}" 50 "${3:-25}"
