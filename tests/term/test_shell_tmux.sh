#!/usr/bin/env bash
# The prompt at a real terminal (tmux): completion of a table, an attribute
# and a variable; a three-line statement recalled from history as one entry;
# Ctrl-C clears the input and the shell stays; colour on a terminal and not
# with NO_COLOR or when output is a pipe; the pager at the prompt, never in
# scripts; credentials never reach the history file.
set -euo pipefail
pqsh=${1:?usage: test_shell_tmux.sh PQSH}
. "$(dirname "$0")/lib.sh"

mkdir -p "$tmp/data"
cat > "$tmp/pager.sh" <<PAGER
#!/bin/sh
echo used >> "$tmp/pager-used"
cat
PAGER
chmod +x "$tmp/pager.sh"
env_common="env -u NO_COLOR TERM=xterm LANG=C.UTF-8 XDG_DATA_HOME='$tmp/data' HOME='$tmp' PAGER='$tmp/pager.sh'"
rows=40 start "$env_common '$pqsh' --local '$tmp/db'; echo pqsh-exited"
wait_for '^pqsh local> $'

type_line "CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY);"
wait_for '^CREATE TABLE$'
type_line "INSERT INTO Orders VALUE {'idempotency_token': 'token123', 'customer_name': 'Alice'};"
wait_for '^INSERT 1$'

# Colour on a terminal: the header of a table is bold.
type_line "SELECT * FROM Orders;"
wait_for '^\(1 item\)$'
screen_escapes | grep -q $'\e\[1m' || fail "no colour on a terminal"

# Completion: a table name after FROM, an attribute after WHERE (seen in a
# result), a variable after ':'.
type_line "SET token_to_check = 'token123';"
wait_for '^SET$'
type_text "SELECT * FROM Ord"
keys Tab
type_text "WHERE customer_n" # a completed word ends with a blank
keys Tab
type_text "= 'Alice' AND idempotency_token = :token_to"
keys Tab
type_text ";"
keys Enter
wait_for "^pqsh local> SELECT \* FROM Orders WHERE customer_name = 'Alice' AND idempotency_token = :token_to_check ;$"
wait_for '^\(1 item\)$' 2

# A statement over three lines comes back from history (Up) as one entry.
type_line "SELECT customer_name"
type_line "  FROM Orders"
type_line "  WHERE idempotency_token = 'token123';"
wait_for '^\(1 item\)$' 3
keys Up
sleep 0.2
keys Enter
wait_for '^\(1 item\)$' 4

# Ctrl-C drops what is typed (even over several lines); the prompt stays.
type_line "SELECT * FROM"
wait_for '^pqsh local-> $'
type_text "Orders WHERE"
keys C-c
wait_for '^pqsh local> $'
type_line "SELECT 'still here' AS x FROM Orders;" >/dev/null
type_line "SHOW TABLES;"
wait_for '^Orders$' 1

# Tall results go through the pager at the prompt.
for i in $(seq 1 45); do printf "INSERT INTO Orders VALUE {'idempotency_token': 't%02d'};\n" "$i"; done > "$tmp/many.sql"
type_line ".read $tmp/many.sql"
wait_for '^INSERT 1$' 46
type_line "SELECT idempotency_token FROM Orders;"
wait_until "[ -s '$tmp/pager-used' ]" || fail "the pager was not used for 46 rows at the prompt"
# A secret typed at the prompt stays out of the history file.
type_line "\\set aws_secret_access_key 'wJalrXUtnFEMIK7MDENG'"
type_line ".quit"
wait_for '^pqsh-exited$' # history is written
hist="$tmp/data/pqsh/history"
grep -q "wJalrXUtnFEMIK7MDENG" "$hist" && fail "a secret reached the history file"
grep -q "^  FROM Orders$" "$hist" || fail "the three-line statement is not kept whole in the history"
tmux -L "$sock" kill-server 2>/dev/null || true
# A fresh server on its own socket: a new session on the socket of a server
# still shutting down fails ("server exited unexpectedly").
sock="$sock-2"

# Scripts are never paged, even on a terminal; NO_COLOR turns colour off.
rm -f "$tmp/pager-used"
rows=10 start "env NO_COLOR=1 TERM=xterm HOME='$tmp' PAGER='$tmp/pager.sh' '$pqsh' --local '$tmp/db' -c 'SELECT idempotency_token FROM Orders;'"
wait_for '^\(46 items\)$'
[ ! -e "$tmp/pager-used" ] || fail "the pager was used for a script"
screen_escapes | grep -q $'\e\[' && fail "colour despite NO_COLOR"
# Output into a pipe has no colour and no box drawing.
out=$(env -u NO_COLOR TERM=xterm HOME="$tmp" "$pqsh" --local "$tmp/db" -c "SELECT * FROM Orders WHERE idempotency_token = 'token123';" | cat)
[[ $out == *$'\e'* ]] && fail "colour in a pipe"
[[ $out == *"| 'Alice'"* ]] || fail "a pipe does not get the ASCII table: $out"
echo "ok: completion, history, Ctrl-C, colour, pager"
