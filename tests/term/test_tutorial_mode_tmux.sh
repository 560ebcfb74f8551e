#!/usr/bin/env bash
# Tutorial mode at a real prompt: the whole idempotency tutorial typed step by
# step (goals, checks, "Progress N / 4 steps", why this matters); a wrong
# statement at step 1 gets a useful hint; .hint and .skip; a second tutorial
# file added here (not shipped) works without code changes.
set -euo pipefail
pqsh=${1:?usage: test_tutorial_mode_tmux.sh PQSH}
. "$(dirname "$0")/lib.sh"

start "env TERM=xterm HOME='$tmp' XDG_DATA_HOME='$tmp/data' '$pqsh' --no-history --tutorial idempotency"
wait_for '^Tutorial: Idempotency tokens with DynamoDB$'
wait_for '^Progress 0 / 4 steps$'
wait_for '^Step 1 / 4: Create the DynamoDB table'

# A wrong key at step 1: told what is wrong, and how to fix it.
type_line "CREATE TABLE Orders (order_id STRING PRIMARY KEY);"
wait_for "^Not yet: table 'Orders' has partition key 'order_id' \(STRING\); this step wants 'idempotency_token' \(STRING\)\. Drop it \(DROP TABLE Orders;\) and create it again\.$"
wait_for '^Hint: Use CREATE TABLE Orders'
type_line "DROP TABLE Orders;"
wait_for "^Not yet: there is no table 'Orders' yet\.$"
type_line ".hint"
wait_for '^Hint: ' 3
type_line "CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY);"
wait_for 'Step 1 done\. Progress 1 / 4 steps$'
wait_for '^Step 2 / 4: Add a sample order item'

# Step 2: an attribute with the wrong value first.
type_line "INSERT INTO Orders VALUE {'idempotency_token': 'token123', 'order_id': 'order001', 'customer_name': 'Alice', 'order_amount': 10};"
wait_for "^Not yet: the item's 'order_amount' is 10; this step wants 100\.$"
type_line "UPDATE Orders SET order_amount = 100 WHERE idempotency_token = 'token123';"
wait_for 'Step 2 done\. Progress 2 / 4 steps$'

type_line "SET token_to_check = 'token123';"
wait_for 'Step 3 done\. Progress 3 / 4 steps$'
type_line "SELECT * FROM Orders WHERE idempotency_token = token_to_check;"
wait_for 'Step 4 done\. Progress 4 / 4 steps$'
wait_for '^Why this matters$'
wait_for "^Tutorial 'idempotency' complete: 4 of 4 steps done\.$"
type_line ".quit"
tmux -L "$sock" kill-server 2>/dev/null || true
sock="$sock-2" # a new server on its own socket (see test_shell_tmux.sh)

# A teacher's own tutorial, found through PQSH_TUTORIAL_PATH.
mkdir -p "$tmp/class"
cat > "$tmp/class/scores.tut" <<'TUT'
title: Keep scores
why: Numbers are exact decimals in DynamoDB.
step: Make a table
goal: Create a table Scores keyed by player (STRING) and round (NUMBER).
hint: CREATE TABLE Scores (player STRING, round NUMBER, PRIMARY KEY (player, round));
check: table Scores player S round N
step: Record a score
goal: Insert player 'ann', round 1, points 12.5.
hint: INSERT INTO Scores VALUE {'player': 'ann', 'round': 1, 'points': 12.5};
check: item Scores {'player': 'ann', 'round': 1, 'points': 12.5}
TUT
list=$(PQSH_TUTORIAL_PATH="$tmp/class" "$pqsh" --tutorial)
[[ $list == *"scores"*"Keep scores (2 steps)"* ]] || fail "--tutorial does not list the added tutorial: $list"
start "env TERM=xterm HOME='$tmp' PQSH_TUTORIAL_PATH='$tmp/class' '$pqsh' --no-history"
wait_for '^pqsh local> $'
type_line ".tutorial scores"
wait_for '^Step 1 / 2: Make a table$'
type_line ".skip"
wait_for '^Skipped step 1\.$'
wait_for '^Step 2 / 2: Record a score$'
type_line "CREATE TABLE Scores (player STRING, round NUMBER, PRIMARY KEY (player, round));"
wait_for "^Not yet: the item|^Not yet: table 'Scores' has no item"
type_line "INSERT INTO Scores VALUE {'player': 'ann', 'round': 1, 'points': 12.50};"
wait_for 'Step 2 done\. Progress 1 / 2 steps$'
wait_for "^Tutorial 'scores' complete: 1 of 2 steps done\.$"
echo "ok: tutorial mode typed at the prompt; hints; a second tutorial file"
