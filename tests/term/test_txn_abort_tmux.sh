#!/usr/bin/env bash
# The bank transfer of issue 14 typed at the prompt: the credit names an
# undefined variable, so the transaction is aborted (the prompt says
# [txn!]), COMMIT sends nothing and prints ROLLBACK, and both balances are
# unchanged. A COMMIT that fails to parse leaves the transaction open.
# .quit with a transaction open warns as Ctrl-D does.
set -euo pipefail
pqsh=${1:?usage: test_txn_abort_tmux.sh PQSH}
. "$(dirname "$0")/lib.sh"

env_common="env TERM=xterm LANG=C.UTF-8 NO_COLOR=1 XDG_DATA_HOME='$tmp' HOME='$tmp'"
start "$env_common '$pqsh' --no-pager --local :memory:"
wait_for '^pqsh local> $'

type_line "CREATE TABLE Bank (acct STRING PRIMARY KEY);"
wait_for '^CREATE TABLE$'
type_line "INSERT INTO Bank VALUE {'acct': 'alice', 'bal': 500};"
type_line "INSERT INTO Bank VALUE {'acct': 'bob', 'bal': 0};"
wait_for '^INSERT 1$' 2
type_line "BEGIN;"
wait_for '^pqsh local\[txn\]> $'
type_line "UPDATE Bank SET bal = bal - 100 WHERE acct = 'alice';"
wait_for '^UPDATE queued \(statement 1 of the transaction\)$'
type_line "UPDATE Bank SET bal = bal + 100 WHERE acct = :dest;"
wait_for "error: undefined variable ':dest'"
wait_for 'notice: the transaction is aborted: COMMIT will send none of its statements'
wait_for '^pqsh local\[txn!\]> $'
type_line "COMMIT;"
wait_for 'error: COMMIT sent nothing: the transaction was aborted because the statement at <stdin>:6:1 failed'
wait_for '^ROLLBACK$'
wait_for '^pqsh local> $'
type_line "SELECT bal FROM Bank WHERE acct = 'alice';"
wait_for '^\(1 item\)$'
screen | grep -qE '│ 500 │' || fail "the debit was committed alone"
screen | grep -q '^COMMIT 1$' && fail "a COMMIT was sent"

# A mistyped COMMIT: the transaction stays open; the next COMMIT sends it.
type_line "SET dest = 'bob';"
type_line "BEGIN;"
type_line "UPDATE Bank SET bal = bal - 100 WHERE acct = 'alice';"
type_line "UPDATE Bank SET bal = bal + 100 WHERE acct = :dest;"
wait_for '^UPDATE queued \(statement 2 of the transaction\)$'
type_line "COMIT;"
wait_for 'notice: the transaction is still open: nothing was sent'
wait_for '^pqsh local\[txn\]> $'
type_line "COMMIT;"
wait_for '^COMMIT 2$'
type_line "SELECT acct, bal FROM Bank WHERE acct = 'bob';"
wait_for '^\(1 item\)$' 2
screen | grep -qE "│ 'bob' *│ 100 │" || fail "the transfer was not committed"

# .quit with a transaction open says it was not sent.
type_line "BEGIN;"
type_line "UPDATE Bank SET bal = 0 WHERE acct = 'bob';"
wait_for '^UPDATE queued \(statement 1 of the transaction\)$' 1
type_line ".quit"
wait_for 'error: the transaction begun here was never committed: its 1 statement was not sent'
echo ok
