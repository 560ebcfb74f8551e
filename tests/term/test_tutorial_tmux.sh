#!/usr/bin/env bash
# A student types the tutorial at a real pqsh prompt (tmux send-keys), one
# statement split over three lines; the answers are read off the screen
# (capture-pane). Ctrl-D leaves; afterwards the history file exists with mode 0600.
set -euo pipefail
pqsh=${1:?usage: test_tutorial_tmux.sh PQSH}
. "$(dirname "$0")/lib.sh"

mkdir -p "$tmp/data"
cols=160 rows=50 start "env -u NO_COLOR TERM=xterm XDG_DATA_HOME='$tmp/data' HOME='$tmp' '$pqsh' --local :memory:; echo pqsh-exit=\$?"
wait_for '^pqsh local> $'
screen | grep -q 'local engine in memory' || fail "banner does not name the target"

# Step 1, over three lines: the continuation prompt shows after each open line.
type_line "CREATE TABLE Orders ("
wait_for '^pqsh local-> $'
type_line "  idempotency_token STRING"
wait_for '^pqsh local->   idempotency_token STRING$'
type_line "  PRIMARY KEY);"
wait_for '^CREATE TABLE$'

# Step 2.
type_line "INSERT INTO Orders VALUE {'idempotency_token': 'token123', 'order_id': 'order001', 'customer_name': 'Alice', 'order_amount': 100};"
wait_for '^INSERT 1$'

# Step 3.
type_line "SET token_to_check = 'token123';"
wait_for '^SET$'

# Step 4: the order is found through the variable.
type_line "SELECT * FROM Orders WHERE idempotency_token = token_to_check;"
wait_for '^\(1 item\)$'
# ASCII bars, or box drawing when the terminal's locale is UTF-8.
screen | grep -qE "^(│)? 'token123' +(\||│) 'Alice' +(\||│) 100 +(\||│) 'order001'( +│)?$" ||
  fail "SELECT row not on screen"

# The duplicate order is refused, and the shell keeps going.
type_line "INSERT INTO Orders VALUE {'idempotency_token': 'token123', 'order_id': 'order001', 'customer_name': 'Alice', 'order_amount': 100};"
wait_for 'error: DuplicateItemException: Duplicate primary key exists in table'

# A syntax error shows a caret under the offending place.
type_line "SELECT * FROM Orders WHERE idempotency_token = ;"
wait_for 'error: '
screen | grep -qE '^ +\^' || fail "no caret line under a syntax error"

# The data is intact after the errors.
type_line "SELECT order_id FROM Orders;"
wait_for '^\(1 item\)$' 2

# Ctrl-D on an empty line leaves the shell, with status 0 (a failed
# statement earlier in a session does not make the session fail).
keys C-d
# pqsh has exited (and written its history) once the shell echoes its status.
wait_for '^pqsh-exit=0$'
hist="$tmp/data/pqsh/history"
[ -f "$hist" ] || fail "history file $hist not written"
mode=$(stat -c %a "$hist")
[ "$mode" = 600 ] || fail "history file mode is $mode, expected 600"
grep -q "SET token_to_check = 'token123';" "$hist" || fail "statement missing from history"
echo "ok: tutorial typed at the prompt; history mode $mode"
