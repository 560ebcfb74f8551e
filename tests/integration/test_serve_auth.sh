#!/bin/bash
# test_serve_auth.sh — SigV4 on `pqsh serve`: any well-formed signature by default,
# full verification (botocore-signed requests) with --auth FILE.
# Usage: bash test_serve_auth.sh PQSH_BINARY
set -u
PQSH=${1:?usage: test_serve_auth.sh PQSH_BINARY}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/serve_lib.sh"
serve_setup

serve_start --local :memory:
python3 "$HERE/serve_auth.py" "$SERVE_URL" any AKIDPQSHTEST pqsh-test-secret || fails=$((fails+1))
serve_stop || { echo "FAIL: server exit status $?"; fails=$((fails+1)); }

cat >"$WORK/keys" <<'KEYS'
# access key id      secret access key
AKIDOTHER            other/secret+key
AKIDPQSHAUTH,wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
KEYS
# A key file others can read is refused (issue 15 item 9).
chmod 644 "$WORK/keys"
"$PQSH" serve --port 0 --auth "$WORK/keys" >"$WORK/out" 2>&1
[ $? = 2 ] && grep -q "can be read or changed by other users (mode 0644): chmod 600" "$WORK/out" &&
    echo "ok   key file readable by others refused" ||
    { echo "FAIL readable key file"; cat "$WORK/out"; fails=$((fails+1)); }
chmod 600 "$WORK/keys"
serve_start --local :memory: --auth "$WORK/keys"
grep -q "signatures verified against 2 keys" "$SERVE_LOG.out" && echo "ok   banner names the key file" ||
    { echo "FAIL banner"; cat "$SERVE_LOG.out"; fails=$((fails+1)); }
python3 "$HERE/serve_auth.py" "$SERVE_URL" verify AKIDPQSHAUTH \
    "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" || fails=$((fails+1))
# pqsh's own HTTP client signs the same way.
AWS_ACCESS_KEY_ID=AKIDOTHER AWS_SECRET_ACCESS_KEY=other/secret+key \
    "$PQSH" --endpoint-url "$SERVE_URL" -c "CREATE TABLE Tab (k STRING PRIMARY KEY); SHOW TABLES;" \
    >"$WORK/out" 2>&1 && grep -q "Tab" "$WORK/out" && echo "ok   pqsh --endpoint-url with a listed key" ||
    { echo "FAIL pqsh client"; cat "$WORK/out"; fails=$((fails+1)); }
AWS_ACCESS_KEY_ID=AKIDOTHER AWS_SECRET_ACCESS_KEY=wrong \
    "$PQSH" --endpoint-url "$SERVE_URL" -c "SHOW TABLES;" >"$WORK/out" 2>&1
# Refused credentials: exit status 3 (cannot connect / no valid credentials).
[ $? = 3 ] && grep -q "InvalidSignatureException" "$WORK/out" && echo "ok   pqsh with a wrong secret" ||
    { echo "FAIL pqsh wrong secret"; cat "$WORK/out"; fails=$((fails+1)); }
serve_stop || { echo "FAIL: server exit status $?"; fails=$((fails+1)); }

# Bad key files are usage errors.
printf 'only-one-field\n' >"$WORK/bad"
chmod 600 "$WORK/bad"
"$PQSH" serve --port 0 --auth "$WORK/bad" >"$WORK/out" 2>&1
[ $? = 2 ] && grep -q "bad:1: expected 'ACCESS_KEY_ID SECRET_ACCESS_KEY" "$WORK/out" &&
    echo "ok   malformed key file" || { echo "FAIL malformed key file"; cat "$WORK/out"; fails=$((fails+1)); }
"$PQSH" serve --port 0 --auth "$WORK/missing" >"$WORK/out" 2>&1
[ $? = 1 ] && grep -q "cannot read" "$WORK/out" && echo "ok   missing key file" ||
    { echo "FAIL missing key file"; cat "$WORK/out"; fails=$((fails+1)); }

serve_finish
