#!/usr/bin/env bash
# The expiring-tokens tutorial at a real prompt: TTL enabled with .ttl, a
# token inserted with an expiry, the clock moved past it, the TTL sweep, the
# same token accepted again; the checks' "Not yet" messages on the way (the
# token inserted before TTL is on, an expired token still there before the
# sweep, a duplicate insert refused). The clock starts at the fixed time
# 1700000000 so the epochs typed here are known.
set -euo pipefail
pqsh=${1:?usage: test_tutorial_ttl_tmux.sh PQSH}
. "$(dirname "$0")/lib.sh"

start "env TERM=xterm HOME='$tmp' XDG_DATA_HOME='$tmp/data' PQSH_TEST_FIXED_TIME=1700000000 '$pqsh' --no-history --local :memory: --tutorial expiring_tokens"
wait_for '^Tutorial: Expiring idempotency tokens with Time to Live$'
wait_for '^Step 1 / 4: Create the token table'
type_line "CREATE TABLE Tokens (token STRING PRIMARY KEY);"
wait_for 'Step 1 done\. Progress 1 / 4 steps$'
wait_for '^Step 2 / 4: Turn on Time to Live'

# The token before TTL is on: not yet.
type_line "INSERT INTO Tokens VALUE {'token': 'tok-1', 'expires_at': 1700000600};"
wait_for "^Not yet: Time to Live is not enabled on 'Tokens' with attribute 'expires_at' \(\.ttl Tokens expires_at\)\.$"
type_line ".ttl Tokens expires_at"
wait_for '^TTL on Tokens: ENABLED'
type_line ".clock"
wait_for '^clock: 2023-11-14 22:13:20 UTC \(epoch 1700000000\), not moved$'
# The same token again is refused (idempotent); the step's checks now hold.
type_line "INSERT INTO Tokens VALUE {'token': 'tok-1', 'expires_at': 1700000600};"
wait_for 'Duplicate primary key exists in table'
type_line "SELECT * FROM Tokens;"
wait_for 'Step 2 done\. Progress 2 / 4 steps$'
wait_for '^Step 3 / 4: Move the clock past the expiry'

type_line ".clock +11m"
wait_for '^clock: 2023-11-14 22:24:20 UTC \(epoch 1700000660\), moved \+11m$'
# Expired but not swept: still readable, so not yet.
type_line "SELECT * FROM Tokens WHERE token = 'tok-1';"
wait_for "^Not yet: this item is still there: Tokens \{'token': 'tok-1'\}\.$"
type_line ".ttl-sweep"
wait_for '^TTL sweep: 1 expired item deleted$'
type_line "SELECT * FROM Tokens WHERE token = 'tok-1';"
wait_for 'Step 3 done\. Progress 3 / 4 steps$'

type_line "INSERT INTO Tokens VALUE {'token': 'tok-1', 'expires_at': 1700001260};"
wait_for 'Step 4 done\. Progress 4 / 4 steps$'
wait_for '^Why this matters$'
wait_for "^Tutorial 'expiring_tokens' complete: 4 of 4 steps done\.$"
type_line ".quit"
echo "ok: the expiring-tokens tutorial typed at the prompt, with the clock moved and the sweep"
