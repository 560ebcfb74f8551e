#!/usr/bin/env bash
# sql_over_http.sh PQSH FILE.sql — a golden script again, through real HTTP.
#
# Starts `pqsh serve --local :memory:` on a free loopback port (clock fixed
# with PQSH_TEST_FIXED_TIME as tests/sql/run.sh does), runs FILE.sql with
# `pqsh --endpoint-url http://127.0.0.1:PORT` and the same options run.sh
# uses, and compares with the same FILE.out. When the two targets differ on
# purpose, sql_over_http/NAME.diff holds the expected `diff FILE.out actual`
# output, after '#' lines that give the reasons.
set -u
if [ $# -ne 2 ]; then
  echo "usage: sql_over_http.sh PQSH FILE.sql" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
pqsh=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
dir=$(dirname "$2")
name=$(basename "$2" .sql)
cd "$dir" || exit 2

work=$(mktemp -d /tmp/pqsh-sqlhttp-XXXXXX)
server=
cleanup() {
  [ -n "$server" ] && kill -TERM "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
export HOME="$work" XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config"
export AWS_CONFIG_FILE="$work/none" AWS_SHARED_CREDENTIALS_FILE="$work/none"
export AWS_ACCESS_KEY_ID=AKIDSQLHTTP AWS_SECRET_ACCESS_KEY=sql-over-http AWS_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ENDPOINT_URL_DYNAMODB AWS_DEFAULT_REGION
export PQSH_TEST_FIXED_TIME=1700000000

"$pqsh" serve --local :memory: --port 0 >"$work/serve.out" 2>"$work/serve.err" &
server=$!
url=
for _ in $(seq 100); do
  url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/serve.out" 2>/dev/null | head -1)
  [ -n "$url" ] && break
  kill -0 "$server" 2>/dev/null || break
  sleep 0.05
done
if [ -z "$url" ]; then
  echo "pqsh serve did not start:" >&2
  cat "$work/serve.out" "$work/serve.err" >&2
  exit 1
fi

args=()
first=$(head -n 1 "$name.sql")
case "$first" in
  "-- pqsh-args:"*) read -r -a args <<< "${first#-- pqsh-args:}" ;;
esac

actual="$work/actual"
"$pqsh" --endpoint-url "$url" --echo "${args[@]}" -f "$name.sql" < /dev/null > "$actual" 2>&1
echo "-- exit status: $?" >> "$actual"

diff "$name.out" "$actual" > "$work/diff"
allowed="$here/sql_over_http/$name.diff"
if [ -f "$allowed" ]; then
  grep -v '^#' "$allowed" | diff -u - "$work/diff" && exit 0
  echo "sql_over_http: the differences from $name.out are not the allowed ones above" >&2
  exit 1
fi
[ -s "$work/diff" ] || exit 0
diff -u "$name.out" "$actual"
exit 1
