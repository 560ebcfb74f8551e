#!/bin/bash
# test_serve_dbs.sh — pqsh serve keeps one database per access key id and
# region (DynamoDB Local's default), in files beside --local FILE or in a
# folder, or in memory; --shared-db gives one; the shell's --local is one
# database whatever the key. The banner, --verbose and the x-pqsh-database
# header say which database a request used.
# Usage: bash test_serve_dbs.sh PQSH_BINARY
set -u
PQSH=${1:?usage: test_serve_dbs.sh PQSH_BINARY}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/serve_lib.sh"
serve_setup
unset PQSH_TEST_FIXED_TIME
PY="$HERE/serve_dbs.py"
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fails=$((fails+1)); }

# Per key, beside a file: data.db → data.keys/<key>_<region>.db
serve_start --local "$WORK/data.db" --verbose
grep -q 'one database per access key id and region' "$SERVE_LOG.out" &&
    ok "the banner says one database per key" || bad "banner: $(cat "$SERVE_LOG.out")"
python3 "$PY" "$SERVE_URL" per-key || fails=$((fails+1))
[ -f "$WORK/data.keys/alice_us-east-1.db" ] && [ -f "$WORK/data.keys/bob_us-east-1.db" ] &&
    [ ! -e "$WORK/data.db" ] && ok "files data.keys/alice_us-east-1.db, bob_us-east-1.db" ||
    bad "files: $(ls -R "$WORK")"
[ "$(stat -c %a "$WORK/data.keys")" = 700 ] && ok "the folder is 0700" || bad "folder mode"
grep -q 'DescribeTable 400 ResourceNotFoundException .* database alice/eu-west-1 (tables are kept per access key' \
    "$SERVE_LOG" && ok "--verbose names the database and hints on ResourceNotFound" ||
    bad "log: $(grep DescribeTable "$SERVE_LOG")"
grep -q 'PutItem 200 - .* database bob/us-east-1$' "$SERVE_LOG" &&
    ok "--verbose: every line names its database" || bad "log lines"
serve_stop || bad "exit status"
serve_start --local "$WORK/data.db"
python3 "$PY" "$SERVE_URL" seen || fails=$((fails+1))
serve_stop || bad "exit status"

# Per key in a folder, with the clock: one move and one sweep cover all. A
# fixed clock: the real one would start the background sweep, which could
# delete the expired items between the move and the sweep under test.
mkdir "$WORK/dir"
PQSH_TEST_FIXED_TIME=1700000000 serve_start --local "$WORK/dir" --clock
python3 "$PY" "$SERVE_URL" per-key-clock || fails=$((fails+1))
[ -f "$WORK/dir/alice_us-east-1.db" ] && ok "files in the folder" || bad "folder: $(ls "$WORK/dir")"
serve_stop || bad "exit status"

# Per key in memory.
serve_start --local :memory:
python3 "$PY" "$SERVE_URL" per-key || fails=$((fails+1))
serve_stop || bad "exit status"

# Shared: one file, everybody's.
serve_start --local "$WORK/shared.db" --shared-db
grep -q 'one database shared by every access key' "$SERVE_LOG.out" &&
    ok "the banner says shared" || bad "banner: $(cat "$SERVE_LOG.out")"
python3 "$PY" "$SERVE_URL" shared || fails=$((fails+1))
serve_stop || bad "exit status"
[ -f "$WORK/shared.db" ] && [ ! -e "$WORK/shared.keys" ] && ok "--shared-db uses the file itself" ||
    bad "shared files: $(ls "$WORK")"

# The shell's --local is one database, whatever the access key.
AWS_ACCESS_KEY_ID=alice "$PQSH" --local "$WORK/shell.db" -c \
    "CREATE TABLE Orders (id STRING PRIMARY KEY); INSERT INTO Orders VALUE {'id': 'x'};" >/dev/null 2>&1
out=$(AWS_ACCESS_KEY_ID=bob AWS_REGION=eu-west-1 "$PQSH" --local "$WORK/shell.db" -c \
    "SELECT id FROM Orders;" 2>&1)
echo "$out" | grep -q x && ok "the shell's --local: one database for every key" || bad "shell: $out"
serve_finish
