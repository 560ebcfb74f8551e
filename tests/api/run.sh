#!/usr/bin/env bash
# run.sh PQSH FILE.api [SDK] — an API golden file against a fresh `pqsh serve`.
#
# Starts `pqsh serve --local :memory:` (clock fixed at 1700000000, as the
# SQL goldens have it), runs FILE.api through an SDK — `boto3` (calls.py,
# the default) or `js` (calls.mjs, the AWS SDK for JavaScript v3) — and
# diffs the answers with FILE.out. Both SDKs must print the same text.
# PQSH_GOLDEN_UPDATE=1 writes FILE.out instead (boto3 only): read every line
# of it before committing — a golden file is a claim, not a snapshot.
set -u
if [ $# -lt 2 ]; then
  echo "usage: run.sh PQSH FILE.api [boto3|js]" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
PQSH=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
file=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
sdk=${3:-boto3}
. "$here/../integration/serve_lib.sh"
serve_setup
export PQSH_TEST_FIXED_TIME=1700000000
# A line "#! env NAME=VALUE" in FILE.api sets a test variable of the server
# (PQSH_TEST_COLLECTION_LIMIT=BYTES: a small item collection limit).
while read -r name_value; do
  export "$name_value"
done < <(sed -n 's/^#! env \(PQSH_TEST_[A-Z_]*=[0-9]*\)$/\1/p' "$file")
serve_start --local :memory:

actual="$WORK/actual"
case "$sdk" in
  boto3) python3 "$here/calls.py" "$SERVE_URL" "$file" > "$actual" 2>&1 ;;
  js) node "$here/calls.mjs" "$SERVE_URL" "$file" > "$actual" 2>&1 ;;
  *) echo "run.sh: unknown SDK $sdk" >&2; exit 2 ;;
esac
echo "# exit status: $?" >> "$actual"

if [ "${PQSH_GOLDEN_UPDATE:-}" = 1 ] && [ "$sdk" = boto3 ]; then
  cp "$actual" "${file%.api}.out"
  exit 0
fi
diff -u "${file%.api}.out" "$actual"
