#!/usr/bin/env bash
# sql_over_http.sh PQSH FILE.sql — a golden script again, through real HTTP.
#
# Starts `pqsh serve --local :memory: --clock` (so .clock and .ttl-sweep
# answer as on the embedded engine) on a free loopback port (clock fixed
# with PQSH_TEST_FIXED_TIME as tests/sql/run.sh does), runs FILE.sql with
# `pqsh --endpoint-url http://127.0.0.1:PORT` and the same options run.sh
# uses, and compares with the same FILE.out. When the two targets differ on
# purpose, sql_over_http/NAME.diff holds the expected `diff FILE.out actual`
# output, after '#' lines that give the reasons.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/serve_lib.sh"
serve_golden sql_over_http.sh "$@"
serve_start --local :memory: --clock

actual="$WORK/actual"
"$PQSH" --endpoint-url "$SERVE_URL" --echo "${ARGS[@]}" -f "$NAME.sql" < /dev/null > "$actual" 2>&1
echo "-- exit status: $?" >> "$actual"

diff "$NAME.out" "$actual" > "$WORK/diff"
allowed="$here/sql_over_http/$NAME.diff"
if [ -f "$allowed" ]; then
  grep -v '^#' "$allowed" | diff -u - "$WORK/diff" && exit 0
  echo "sql_over_http: the differences from $NAME.out are not the allowed ones above" >&2
  exit 1
fi
[ -s "$WORK/diff" ] || exit 0
diff -u "$NAME.out" "$actual"
exit 1
