#!/usr/bin/env bash
# run.sh PQSH FILE.sql — run one golden script and diff its output with FILE.out.
#
# The script runs on a fresh in-memory engine with --echo, stdout and stderr
# merged (pqsh flushes stdout before every message, so the order is the
# order things happened), from the script's own folder so messages name it
# as FILE.sql. A first line `-- pqsh-args: ARGS` adds options. The runner
# appends `-- exit status: N`. PQSH_TEST_FIXED_TIME fixes the engine's clock.
#
# PQSH_GOLDEN_UPDATE=1 writes FILE.out instead of comparing: read every line
# of it before committing — a golden file is a claim, not a snapshot.
set -u
if [ $# -ne 2 ]; then
  echo "usage: run.sh PQSH FILE.sql" >&2
  exit 2
fi
pqsh=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
dir=$(dirname "$2")
name=$(basename "$2" .sql)
cd "$dir" || exit 2

args=()
first=$(head -n 1 "$name.sql")
case "$first" in
  "-- pqsh-args:"*) read -r -a args <<< "${first#-- pqsh-args:}" ;;
esac

actual=$(mktemp)
trap 'rm -f "$actual"' EXIT
PQSH_TEST_FIXED_TIME=1700000000 "$pqsh" --local :memory: --echo "${args[@]}" -f "$name.sql" \
  < /dev/null > "$actual" 2>&1
echo "-- exit status: $?" >> "$actual"

if [ "${PQSH_GOLDEN_UPDATE:-}" = 1 ]; then
  cp "$actual" "$name.out"
  exit 0
fi
diff -u "$name.out" "$actual"
