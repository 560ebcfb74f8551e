# lib.sh — helpers for the tmux terminal tests (sourced): a private tmux server,
# typing lines, reading the screen, waiting for text.
sock="pqsh-term-$$-${RANDOM}"
tmp=$(mktemp -d)
cleanup() { tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; echo "--- screen:" >&2; screen >&2; exit 1; }
screen() { tmux -L "$sock" capture-pane -p -J -S -300 -t "${pane:-0}"; }
screen_escapes() { tmux -L "$sock" capture-pane -p -e -J -S -300 -t "${pane:-0}"; }
keys() { tmux -L "$sock" send-keys -t "${pane:-0}" "$@"; }
# Types text without Enter. tmux ends a command at an argument's trailing ';'.
type_text() {
  local s="$1"
  [[ $s == *';' ]] && s="${s%;}\\;"
  keys -l -- "$s"
}
type_line() { type_text "$1"; keys Enter; }
# Waits until the screen matches an extended regex (count occurrences ≥ N).
# The bound is a deadline, not a number of polls, and a generous one: a
# sanitizer build on a loaded 2-core machine can take seconds per step, and
# a wait that succeeds returns at once, so only a real failure waits it out.
wait_secs=${PQSH_TEST_WAIT:-90}
wait_for() {
  local re="$1" n="${2:-1}" end=$((SECONDS + wait_secs))
  while :; do
    if [ "$(screen | grep -cE -- "$re" || true)" -ge "$n" ]; then return 0; fi
    [ "$SECONDS" -lt "$end" ] || break
    sleep 0.05
  done
  fail "timed out waiting for /$re/ ×$n"
}
# Waits until COMMAND (a shell test, e.g. '[ -s FILE ]') holds; false after
# the same deadline as wait_for.
wait_until() {
  local end=$((SECONDS + wait_secs))
  until eval "$1"; do
    [ "$SECONDS" -lt "$end" ] || return 1
    sleep 0.05
  done
}
# Starts COMMAND in a new session (window 0) of the private server. The
# pane outlives COMMAND (its last screen stays readable) until cleanup.
start() {
  tmux -L "$sock" new-session -d -x "${cols:-120}" -y "${rows:-40}" "$1; sleep 600"
}
# Starts slow_ddb.py (the fake slow DynamoDB beside this file) on a loopback
# port it picks and sets `port`; the fake is stopped at exit, before cleanup.
term_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
slow_ddb_start() {
  python3 "$term_dir/slow_ddb.py" "$tmp/port" &
  slow_ddb_pid=$!
  trap 'kill $slow_ddb_pid 2>/dev/null || true; cleanup' EXIT
  wait_until "[ -s '$tmp/port' ]" || { echo "FAIL: slow_ddb.py did not start" >&2; exit 1; }
  port=$(cat "$tmp/port")
}
