#!/usr/bin/env bash
# test_aws_leak.sh — secrets never leak: an interactive pqsh session (tmux, so
# history is written) with --debug and EXPLAIN against moto_server, using a
# secret key and a session token from the environment; then a scripted
# session whose credentials come from an assumed role (fake STS, source keys
# in a credentials file). Afterwards every byte pqsh printed (the terminal
# stream, stderr) and every file under HOME and the data folder is searched
# for each secret key and session token: none may be found. The search is
# checked to work by finding the (public) access key ids in the same bytes.
# Usage: bash test_aws_leak.sh PQSH_BINARY
set -uo pipefail
PQSH=${1:?usage: test_aws_leak.sh PQSH_BINARY}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d /tmp/pqsh-leak-XXXXXX)
sock="pqsh-leak-$$"
fails=0
cleanup() {
    tmux -L "$sock" kill-server 2>/dev/null
    exec 7>&- 8>&- 2>/dev/null
    wait 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL $*"; fails=$((fails+1)); }

# start NAME SCRIPT ARG: a helper that prints one line and serves until fd closes.
mkfifo "$WORK/moto.in" "$WORK/sts.in"
python3 "$HERE/moto_auth.py" noauth <"$WORK/moto.in" >"$WORK/moto.out" 2>"$WORK/moto.err" &
exec 7>"$WORK/moto.in"
python3 "$HERE/fake_sts.py" 3600 <"$WORK/sts.in" >"$WORK/sts.out" 2>"$WORK/sts.err" &
exec 8>"$WORK/sts.in"
# Until both have printed their line (moto takes seconds to import, many
# more on a loaded machine): a deadline of 3 minutes, not a count of polls.
end=$((SECONDS + 180))
until [ -s "$WORK/moto.out" ] && [ -s "$WORK/sts.out" ]; do
    [ "$SECONDS" -lt "$end" ] || break
    sleep 0.1
done
MOTO=$(python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["port"])' <"$WORK/moto.out") ||
    { echo "moto did not start"; cat "$WORK/moto.err"; exit 1; }
STS=$(head -1 "$WORK/sts.out")
URL="http://127.0.0.1:$MOTO"

SECRET="leakcheck-secret-Wq8Zr2"
TOKEN="leakcheck-session-token-Pf3Xn7"
SOURCE_SECRET="source-secret" # fake_sts.py's key for AKSOURCE
export HOME="$WORK/home" XDG_DATA_HOME="$WORK/data" XDG_CONFIG_HOME="$WORK/config"
mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME"
printf '[profile leakrole]\nrole_arn = arn:aws:iam::123456789012:role/leak\nsource_profile = src\nregion = us-east-1\n' >"$WORK/aws-config"
printf '[src]\naws_access_key_id = AKSOURCE\naws_secret_access_key = %s\n' "$SOURCE_SECRET" >"$WORK/credentials"

# 1. Interactive, in tmux: --debug, EXPLAIN, variables, history on.
screen() { tmux -L "$sock" capture-pane -p -J -S -2000 2>/dev/null; }
type_line() {
    local s="$1"
    [[ $s == *';' ]] && s="${s%;}\\;"
    tmux -L "$sock" send-keys -l -- "$s"
    tmux -L "$sock" send-keys Enter
}
wait_for() {
    local re="$1" n="${2:-1}"
    tmux -L "$sock" has-session 2>/dev/null || { fail "the tmux session is gone (waiting for /$re/)"; return 1; }
    local end=$((SECONDS + 90)) # generous: every step is quick unless it is broken
    while :; do
        [ "$(screen | grep -cE -- "$re" || true)" -ge "$n" ] && return 0
        [ "$SECONDS" -lt "$end" ] || break
        sleep 0.05
    done
    fail "timed out waiting for /$re/ x$n"; screen | tail -20
}
tmux -L "$sock" new-session -d -x 200 -y 50 \
    "env TERM=xterm HOME='$HOME' XDG_DATA_HOME='$XDG_DATA_HOME' XDG_CONFIG_HOME='$XDG_CONFIG_HOME' \
     AWS_CONFIG_FILE='$WORK/none' AWS_SHARED_CREDENTIALS_FILE='$WORK/none' AWS_EC2_METADATA_DISABLED=true \
     AWS_ACCESS_KEY_ID=AKIDLEAKCHECK AWS_SECRET_ACCESS_KEY='$SECRET' AWS_SESSION_TOKEN='$TOKEN' \
     '$PQSH' --endpoint-url '$URL' --debug 2>'$WORK/stderr1'; echo PQSH-EXITED; sleep 30"
tmux -L "$sock" pipe-pane -o "cat >>'$WORK/terminal1'"
wait_for '^pqsh http://127\.0\.0\.1:[0-9]+> $'
type_line "CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY);"
wait_for '^CREATE TABLE$'
type_line "INSERT INTO Orders VALUE {'idempotency_token': 'token123', 'order_amount': 100};"
wait_for '^INSERT 1$'
type_line "SET token_to_check = 'token123';"
wait_for '^SET$'
type_line "EXPLAIN SELECT * FROM Orders WHERE idempotency_token = token_to_check;"
wait_for 'ExecuteStatement'
type_line "SELECT * FROM Orders WHERE idempotency_token = token_to_check;"
wait_for '\(1 item\)'
type_line ".quit"
wait_for '^PQSH-EXITED$'
screen >"$WORK/screen1"

grep -q 'Signature=<redacted>' "$WORK/stderr1" || fail "--debug did not trace the signed requests"
grep -q 'X-Amz-Security-Token: <redacted>' "$WORK/stderr1" || fail "--debug did not show the redacted token"
grep -q 'HTTP 200 (request id ' "$WORK/stderr1" || fail "--debug did not show the status and request id"
hist="$XDG_DATA_HOME/pqsh/history"
grep -q 'token_to_check' "$hist" 2>/dev/null || fail "history was not written ($hist)"

# 2. Scripted: credentials from an assumed role (fake STS), --debug and EXPLAIN.
AWS_CONFIG_FILE="$WORK/aws-config" AWS_SHARED_CREDENTIALS_FILE="$WORK/credentials" \
AWS_ENDPOINT_URL_STS="http://127.0.0.1:$STS" AWS_EC2_METADATA_DISABLED=true \
    "$PQSH" --profile leakrole --endpoint-url "$URL" --debug --echo >"$WORK/stdout2" 2>"$WORK/stderr2" <<'SQL'
SET t = 'token123';
EXPLAIN SELECT * FROM Orders WHERE idempotency_token = :t;
SELECT * FROM Orders WHERE idempotency_token = :t;
SQL
[ $? = 0 ] || { fail "assumed-role session failed"; cat "$WORK/stderr2"; }
grep -q 'credentials from assume-role' "$WORK/stderr2" || fail "session 2 did not use the assumed role"
# What STS issued to pqsh (fake_sts.py numbers its keys): role-secret-N / role-token-N.
ISSUED=$(python3 -c "import json,sys,urllib.request; print(len(json.load(urllib.request.urlopen(sys.argv[1]))))" \
    "http://127.0.0.1:$STS/__log")
[ "$ISSUED" -ge 1 ] || fail "no AssumeRole call reached the fake STS"

# Every byte pqsh printed, and every file it may have written.
targets=("$WORK/terminal1" "$WORK/screen1" "$WORK/stderr1" "$WORK/stdout2" "$WORK/stderr2"
         "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME")
# The search works: the public key ids are there.
grep -rqF AKIDLEAKCHECK "${targets[@]}" || fail "search sanity: access key id not found"
grep -rqF AKSOURCE "$WORK/stderr2" || grep -rqF ASIA "$WORK/stderr2" || fail "search sanity: role key id not found"
secrets=("$SECRET" "$TOKEN" "$SOURCE_SECRET")
for i in $(seq 1 "$ISSUED"); do secrets+=("role-secret-$i" "role-token-$i"); done
for s in "${secrets[@]}"; do
    if grep -rqaF -- "$s" "${targets[@]}"; then
        fail "leak: '$s' found in $(grep -rlaF -- "$s" "${targets[@]}" | tr '\n' ' ')"
    fi
done
# Nor a whole signature (64 hex digits after Signature=).
if grep -rqaE 'Signature=[0-9a-f]{64}' "${targets[@]}"; then fail "leak: a signature was printed"; fi

[ "$fails" = 0 ] && echo "all passed (searched ${#secrets[@]} secrets)" || echo "$fails failed"
[ "$fails" = 0 ]
