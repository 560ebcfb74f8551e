#!/usr/bin/env bash
# jobs_over_http.sh PQSH FILE.sql — a golden script run twice against pqsh serve,
# one statement at a time (--jobs 1) and pipelined (--jobs 16): the output and
# the exit status must be byte for byte the same (src/shell/jobs.c).
#
# Each run gets a fresh `pqsh serve --local :memory: --clock` on a free
# loopback port (clock fixed as in tests/sql/run.sh) and the options of the
# script's `-- pqsh-args:` line, as integration/sql_over_http.sh runs it.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/serve_lib.sh"
serve_golden jobs_over_http.sh "$@"

# --bail runs one statement at a time and refuses --jobs N > 1: nothing to compare.
for a in "${ARGS[@]}"; do [ "$a" = --bail ] && exit 0; done

for jobs in 1 16; do
  serve_start --local :memory: --clock
  "$PQSH" --endpoint-url "$SERVE_URL" --echo --jobs "$jobs" "${ARGS[@]}" -f "$NAME.sql" \
    < /dev/null > "$WORK/out.$jobs" 2>&1
  echo "-- exit status: $?" >> "$WORK/out.$jobs"
  serve_stop
done
cmp -s "$WORK/out.1" "$WORK/out.16" && exit 0
echo "jobs_over_http: $NAME.sql prints differently with --jobs 16 (+) than with --jobs 1 (-)"
diff -u "$WORK/out.1" "$WORK/out.16"
exit 1
