#!/usr/bin/env bash
# A SELECT that keeps paging for more than a second shows a live counter
# (items, pages, elapsed) on a terminal at the prompt; the counter is gone
# when the result is printed, and scripts never show it, even on a terminal.
# The pages come from a fake DynamoDB on loopback (8 pages, 0.4 s each).
set -euo pipefail
pqsh=${1:?usage: test_progress_tmux.sh PQSH}
. "$(dirname "$0")/lib.sh"
slow_ddb_start
env_common="env AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret AWS_REGION=us-east-1 TERM=xterm LANG=C.UTF-8 HOME='$tmp' XDG_DATA_HOME='$tmp/data'"

# At the prompt: everything the pane shows is recorded, transient lines too.
start "$env_common '$pqsh' --no-history --endpoint-url http://127.0.0.1:$port"
tmux -L "$sock" pipe-pane -o "cat >> '$tmp/interactive.log'"
wait_for '> $'
type_line "SELECT * FROM Paged;"
wait_for '^\(24 items\)$'
grep -aqE '[0-9]+ items, [0-9]+ pages, [0-9]+\.[0-9] s \(Ctrl-C stops\)' "$tmp/interactive.log" ||
  fail "no progress counter while paging at the prompt"
screen | grep -qE 'pages, .* s \(Ctrl-C stops\)' && fail "the counter is still on the screen"
tmux -L "$sock" kill-server 2>/dev/null || true
sock="$sock-2" # a new server on its own socket (see test_shell_tmux.sh)

# A script on the same terminal: the same paging, no counter.
start "$env_common '$pqsh' --endpoint-url http://127.0.0.1:$port -c 'SELECT * FROM Paged;'"
tmux -L "$sock" pipe-pane -o "cat >> '$tmp/script.log'"
wait_for '^\(24 items\)$'
grep -aq 'Ctrl-C stops' "$tmp/script.log" && fail "a script showed the progress counter"
echo "ok: progress counter at the prompt only"
