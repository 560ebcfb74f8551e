#!/usr/bin/env bash
# Ctrl-C during a slow request (a fake DynamoDB on loopback that takes 20 s)
# gives the prompt back at once, the request is really stopped (the next call
# does not wait for it), and the session keeps working.
set -euo pipefail
pqsh=${1:?usage: test_cancel_tmux.sh PQSH}
. "$(dirname "$0")/lib.sh"
slow_ddb_start

start "env AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret AWS_REGION=us-east-1 TERM=xterm HOME='$tmp' XDG_DATA_HOME='$tmp/data' '$pqsh' --no-history --endpoint-url http://127.0.0.1:$port"
wait_for '> $'
type_line "SELECT * FROM Slow;"
sleep 1.5
# The spinner shows that pqsh is waiting.
wait_for 'waiting for DynamoDB'
t0=$(date +%s)
keys C-c
wait_for 'error: interrupted'
t1=$(date +%s)
# The answer would come ~18 s after t0: 10 s tells a cancelled request from
# one waited out, with room for a loaded machine.
[ $((t1 - t0)) -le 10 ] || fail "Ctrl-C took $((t1 - t0)) s to give the prompt back"
wait_for '^pqsh http://127.0.0.1:[0-9]+> $'
# The shell still works, and the next request goes out at once: the slow one
# was cancelled, not left running (an abandoned call would hold it ~20 s).
type_line ".vars"
type_line "\\set x 1"
type_line ".vars"
wait_for '^x = 1$'
t0=$(date +%s)
type_line "SELECT * FROM Fast;"
wait_for "'fast'"
t1=$(date +%s)
[ $((t1 - t0)) -le 10 ] || fail "the request after Ctrl-C took $((t1 - t0)) s: the slow one was not cancelled"
echo "ok: Ctrl-C during a slow request"
