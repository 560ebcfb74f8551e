#!/usr/bin/env bash
# bench/serve/stall.sh PQSH [SECONDS] — does one client's worst legal request stall the others?
# (issue 15 item 2)
#
# Starts `pqsh serve` on a database file (4 workers), preloads 1,000 items,
# then measures SELECTs by key from 4 keep-alive clients twice, SECONDS each
# (default 10): alone, and while a fifth client sends the worst legal request
# the security review found over and over (an UPDATE adding, then removing, a
# 40,000-member string set given as one ~400 KB parameter; before the set
# operations were O(n log n) one such request held the engine for minutes).
# Then the same for small GetItems (4 clients) alone, beside that worst
# legal write, and beside the worst legal read: a BatchGetItem of 100 items
# of ~390 KB (16 MB answered, the rest UnprocessedKeys).
# Prints a Markdown table: small requests' req/s, p50, p99, errors.
set -eu
if [ $# -lt 1 ]; then
  echo "usage: bench/serve/stall.sh PQSH [SECONDS]" >&2
  exit 2
fi
pqsh=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
secs=${2:-10}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/pqsh-bench-stall-XXXXXX)
pid=
cleanup() {
  [ -n "$pid" ] && { kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT
gcc -O2 -pthread -o "$work/load" "$here/load.c"
export HOME="$work" XDG_DATA_HOME="$work/data"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$pqsh" serve --local "$work/stall.db" --port "$port" --threads 4 >/dev/null 2>&1 &
pid=$!
for _ in $(seq 200); do
  python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),0.2)' "$port" \
    2>/dev/null && break
  sleep 0.1
done
"$work/load" 127.0.0.1 "$port" preload 1 0
"$work/load" 127.0.0.1 "$port" preload-items 1 0
"$work/load" 127.0.0.1 "$port" preload-big 1 0

echo "machine: $(nproc) cores, $(uname -sr); each row runs ${secs} s"
echo
echo "| small requests  | alongside                    | req/s  | p50 ms | p99 ms | errors |"
echo "|-----------------|------------------------------|--------|--------|--------|--------|"
read -r _ _ _ _ r p50 p99 err _ < <("$work/load" 127.0.0.1 "$port" select 4 "$secs")
printf '| %-15s | %-28s | %6s | %6s | %6s | %6s |\n' "4 × SELECT" "nothing" "$r" "$p50" "$p99" "$err"
read -r _ _ _ _ r p50 p99 err _ < <("$work/load" 127.0.0.1 "$port" stall 5 "$secs")
printf '| %-15s | %-28s | %6s | %6s | %6s | %6s |\n' "4 × SELECT" "40,000-member set ops" "$r" "$p50" "$p99" "$err"
read -r _ _ _ _ r p50 p99 err _ < <("$work/load" 127.0.0.1 "$port" getitem 4 "$secs")
printf '| %-15s | %-28s | %6s | %6s | %6s | %6s |\n' "4 × GetItem" "nothing" "$r" "$p50" "$p99" "$err"
read -r _ _ _ _ r p50 p99 err _ < <("$work/load" 127.0.0.1 "$port" stall-write 5 "$secs")
printf '| %-15s | %-28s | %6s | %6s | %6s | %6s |\n' "4 × GetItem" "40,000-member set ops" "$r" "$p50" "$p99" "$err"
read -r _ _ _ _ r p50 p99 err _ < <("$work/load" 127.0.0.1 "$port" stall-read 5 "$secs")
printf '| %-15s | %-28s | %6s | %6s | %6s | %6s |\n' "4 × GetItem" "16 MB BatchGetItem" "$r" "$p50" "$p99" "$err"
