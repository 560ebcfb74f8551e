#!/usr/bin/env bash
# jobs_over_http.sh PQSH FILE.sql — a golden script run twice against pqsh serve,
# one statement at a time (--jobs 1) and pipelined (--jobs 16): the output and
# the exit status must be byte for byte the same (src/shell/jobs.c).
#
# Each run gets a fresh `pqsh serve --local :memory: --clock` on a free
# loopback port (clock fixed as in tests/sql/run.sh) and the options of the
# script's `-- pqsh-args:` line, as integration/sql_over_http.sh runs it.
set -u
if [ $# -ne 2 ]; then
  echo "usage: jobs_over_http.sh PQSH FILE.sql" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
pqsh=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
dir=$(dirname "$2")
name=$(basename "$2" .sql)
cd "$dir" || exit 2

PQSH=$pqsh
. "$here/serve_lib.sh"
serve_setup
export PQSH_TEST_FIXED_TIME=1700000000

args=()
first=$(head -n 1 "$name.sql")
case "$first" in
  "-- pqsh-args:"*) read -r -a args <<< "${first#-- pqsh-args:}" ;;
esac
# --bail runs one statement at a time and refuses --jobs N > 1: nothing to compare.
for a in "${args[@]}"; do [ "$a" = --bail ] && exit 0; done

for jobs in 1 16; do
  serve_start --local :memory: --clock
  "$pqsh" --endpoint-url "$SERVE_URL" --echo --jobs "$jobs" "${args[@]}" -f "$name.sql" \
    < /dev/null > "$WORK/out.$jobs" 2>&1
  echo "-- exit status: $?" >> "$WORK/out.$jobs"
  serve_stop
done
cmp -s "$WORK/out.1" "$WORK/out.16" && exit 0
echo "jobs_over_http: $name.sql prints differently with --jobs 16 (+) than with --jobs 1 (-)"
diff -u "$WORK/out.1" "$WORK/out.16"
exit 1
