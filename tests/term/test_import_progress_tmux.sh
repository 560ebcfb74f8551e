#!/usr/bin/env bash
# .import at the prompt of a real terminal shows a live progress line on
# stderr (items written, rate, elapsed, ETA), read here off the tmux screen
# while it runs; the line is gone when the summary line (written, retried,
# skipped, seconds) is printed. With stderr not a terminal (2>FILE) the same
# import at the same prompt shows no progress anywhere, nor does a script.
# The target is pqsh serve behind tests/integration/ddb_proxy.py, 40 ms each
# way, with 3 requests in flight: 3,000 items take about 3 s.
set -euo pipefail
pqsh=${1:?usage: test_import_progress_tmux.sh PQSH}
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
export HOME="$tmp" XDG_DATA_HOME="$tmp/data" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret AWS_REGION=us-east-1
"$pqsh" serve --port 0 --local :memory: >"$tmp/serve.out" 2>"$tmp/serve.err" &
serve=$!
proxy=
trap '[ -n "$proxy" ] && kill $proxy 2>/dev/null; kill $serve 2>/dev/null || true; cleanup' EXIT
wait_until "grep -q 'http://' '$tmp/serve.out'" || { echo "FAIL: pqsh serve did not start" >&2; exit 1; }
url=$(grep -o 'http://[0-9.]*:[0-9]*' "$tmp/serve.out" | head -1)
mkfifo "$tmp/proxy.in"
python3 "$here/../integration/ddb_proxy.py" "$url" --delay-ms 40 <"$tmp/proxy.in" >"$tmp/proxy.port" &
proxy=$!
exec 8>"$tmp/proxy.in"
wait_until "[ -s '$tmp/proxy.port' ]" || { echo "FAIL: ddb_proxy.py did not start" >&2; exit 1; }
slow="http://127.0.0.1:$(head -1 "$tmp/proxy.port")"
python3 -c "
for i in range(3000): print('{\"pk\": \"k%05d\", \"n\": %d, \"s\": \"%s\"}' % (i, i, 'x' * 30))
" >"$tmp/items.jsonl"
for t in Shown Hidden Script; do
  "$pqsh" --endpoint-url "$url" -q -c "CREATE TABLE $t (pk STRING PRIMARY KEY);"
done
env_common="env TERM=xterm LANG=C.UTF-8"
progress_re='^[0-9,]+ items written, [0-9]+/s, [0-9]+\.[0-9] s, ETA [0-9]+ s$'
summary_re='^IMPORT [A-Za-z]+: 3,000 written, 0 retried, 0 skipped, [0-9]+\.[0-9]{2} s$'

# At the prompt, stderr the terminal: the line is on the screen while it runs.
# Everything the pane shows is recorded (pipe-pane), transient lines too: a
# poll of the screen can miss a line that lives a few seconds when the
# machine is loaded, the record cannot.
start "cd '$tmp' && $env_common '$pqsh' --no-history --endpoint-url $slow"
tmux -L "$sock" pipe-pane -o "cat >> '$tmp/shown.log'"
wait_for '> $'
type_line ".import --jobs 3 items.jsonl Shown"
wait_for "$summary_re"
# Progress lines as drawn (each ends at a carriage return or an erase, not
# at a newline): one at least, counting some but not all of the items.
mid=$(grep -aoE "${progress_re:1:-1}" "$tmp/shown.log" | grep -oE '^[0-9,]+' | tr -d , |
  awk '$1 > 0 && $1 < 3000' | head -1)
[ -n "$mid" ] || fail "no progress line counting items mid-import: $(grep -aoE 'items written[^\r]*' "$tmp/shown.log" | head -3)"
screen | grep -qE 'items written, .*ETA' && fail "the progress line is still on the screen"
screen | grep -qE "^IMPORT Shown: " || fail "no summary for table Shown"
tmux -L "$sock" kill-server 2>/dev/null || true
sock="$sock-2" # a new server on its own socket (see test_shell_tmux.sh)

# At the prompt with stderr redirected: no progress on the screen or in the file.
start "cd '$tmp' && $env_common '$pqsh' --no-history --endpoint-url $slow 2>'$tmp/stderr.log'"
tmux -L "$sock" pipe-pane -o "cat >> '$tmp/hidden.log'"
wait_for '> $'
type_line ".import --jobs 3 items.jsonl Hidden"
wait_for "$summary_re"
grep -aq 'items written' "$tmp/hidden.log" && fail "progress shown with stderr not a terminal"
grep -aq 'items written' "$tmp/stderr.log" && fail "progress written to a stderr that is a file"
tmux -L "$sock" kill-server 2>/dev/null || true
sock="$sock-3"

# A script on the terminal: no progress line either.
start "cd '$tmp' && $env_common '$pqsh' --endpoint-url $slow -c '.import --jobs 3 items.jsonl Script'"
tmux -L "$sock" pipe-pane -o "cat >> '$tmp/script.log'"
wait_for "$summary_re"
grep -aq 'items written' "$tmp/script.log" && fail "a script showed the progress line"
echo "ok: import progress on a terminal's prompt only, then the summary"
