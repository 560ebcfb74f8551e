#!/usr/bin/env bash
# Files the shell writes, against a hostile home (issue 15 item 9): the
# history file is not followed through a symlink, not used when it is no
# regular file, forced to 0600 when it was readable by others; a database
# created by --local PATH is 0600.
set -euo pipefail
pqsh=${1:?usage: test_history_files_tmux.sh PQSH}
. "$(dirname "$0")/lib.sh"

hist_dir="$tmp/data/pqsh"
mkdir -p "$hist_dir"
env_common="env -u NO_COLOR TERM=xterm LANG=C.UTF-8 XDG_DATA_HOME='$tmp/data' HOME='$tmp'"

# One interactive session: type a statement, leave (pqsh has exited, its
# history written, when the shell echoes the marker); the screen is kept.
session() {
  tmux -L "$sock" kill-server 2>/dev/null || true
  sock="$sock-x"
  start "$env_common '$pqsh' --local '$1'; echo pqsh-exited"
  wait_for '^pqsh local> $'
  type_line "SELECT * FROM Missing_$2;"
  wait_for 'ResourceNotFoundException'
  type_line ".quit"
  wait_for '^pqsh-exited$'
}

# A symlink in place of the history file: refused, its target untouched.
echo "precious" > "$tmp/target"
ln -s "$tmp/target" "$hist_dir/history"
session "$tmp/db1" one
screen | grep -q "history is off: cannot use '$hist_dir/history': it is a symbolic link" ||
  fail "no warning for a symlinked history file"
[ "$(cat "$tmp/target")" = "precious" ] || fail "the symlink's target was written"

# A directory in its place: refused.
rm "$hist_dir/history"
mkdir "$hist_dir/history"
session "$tmp/db1" two
screen | grep -q "history is off: cannot use '$hist_dir/history': it is not a regular file" ||
  fail "no warning for a history directory"
rmdir "$hist_dir/history"

# A FIFO nobody reads: refused at once, not waited on.
mkfifo "$hist_dir/history"
session "$tmp/db1" fifo
screen | grep -q "history is off: cannot use '$hist_dir/history': it is not a regular file" ||
  fail "no warning for a FIFO history file"
rm "$hist_dir/history"

# An existing file readable by others: made 0600, and used.
: > "$hist_dir/history"
chmod 644 "$hist_dir/history"
session "$tmp/db1" three
[ "$(stat -c %a "$hist_dir/history")" = 600 ] || fail "history mode is $(stat -c %a "$hist_dir/history")"
grep -q 'Missing_three' "$hist_dir/history" || fail "the history file was not written"

# --local creates its database 0600 (umask 022 would give 0644).
[ "$(stat -c %a "$tmp/db1")" = 600 ] || fail "--local database mode is $(stat -c %a "$tmp/db1")"
(umask 022 && "$pqsh" --local "$tmp/db2" -c "CREATE TABLE Tab (k STRING PRIMARY KEY);" >/dev/null)
[ "$(stat -c %a "$tmp/db2")" = 600 ] || fail "--local database mode is $(stat -c %a "$tmp/db2")"
echo "ok: history symlink, non-regular file, mode; --local database mode"
