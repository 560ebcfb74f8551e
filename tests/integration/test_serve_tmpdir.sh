#!/bin/bash
# test_serve_tmpdir.sh — a SIGKILLed `pqsh serve` leaves its in-memory databases' folder (and
# the classroom's) behind; the next server removes it, and leaves alone a live server's folder
# and folders that are not a server's. A clean stop removes its own. (src/util/tmpdir.c)
# Usage: bash test_serve_tmpdir.sh PQSH_BINARY
set -u
PQSH=${1:?usage: test_serve_tmpdir.sh PQSH_BINARY}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/class_lib.sh"
serve_setup
export TMPDIR="$WORK/tmp"
mkdir -p "$TMPDIR"

check() { # WHAT CONDITION...
    local what=$1; shift
    if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fails=$((fails+1)); fi
}
folders() { find "$TMPDIR" -mindepth 1 -maxdepth 1 -type d -name "$1-*" | sort; }
write_item() { # URL
    AWS_ACCESS_KEY_ID=AKIDPQSHTEST "$PQSH" --endpoint-url "$1" -q -c \
        "CREATE TABLE T (k STRING PRIMARY KEY); INSERT INTO T VALUE {'k': 'a'};" >/dev/null
}

# Not a server's: a folder of the same prefix without a lock file, and one with
# an unrelated file. Neither may ever be removed.
mkdir "$TMPDIR/pqsh-serve-mine" && echo keep >"$TMPDIR/pqsh-serve-mine/notes.txt"
# Nor a symbolic link of that name to a folder that looks abandoned.
mkdir "$WORK/elsewhere" && echo keep >"$WORK/elsewhere/data.txt" && : >"$WORK/elsewhere/.lock"
ln -s "$WORK/elsewhere" "$TMPDIR/pqsh-serve-link"

serve_start --local :memory: --class --class-port 0
killed=$(folders pqsh-serve | grep -v mine)
killed_class=$(folders pqsh-class)
check "the server made one databases folder, with its lock" \
    test "$(echo "$killed" | wc -l)" = 1 -a -f "$killed/.lock"
check "and one classroom folder" test -n "$killed_class" -a -f "$killed_class/.lock"
write_item "$SERVE_URL"
check "its databases are files in it" test -n "$(ls "$killed" | grep '\.db$')"
kill -KILL "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null; SERVE_PID=
check "SIGKILL leaves the folders behind" test -d "$killed" -a -d "$killed_class"

serve_start --local :memory: --class --class-port 0
live=$(folders pqsh-serve | grep -v mine)
check "the next server removed the killed one's folders" \
    test ! -e "$killed" -a ! -e "$killed_class"
check "and made its own" test "$(echo "$live" | wc -l)" = 1 -a -f "$live/.lock"
check "a folder that is not a server's stays" test -f "$TMPDIR/pqsh-serve-mine/notes.txt"
first_pid=$SERVE_PID
write_item "$SERVE_URL"

# A second live server does not remove the first one's folder.
serve_start --local :memory:
check "a second server leaves a live server's folder alone" \
    test -d "$live" -a -n "$(ls "$live" | grep '\.db$')"
serve_stop || { echo "FAIL: second server exit status $?"; fails=$((fails+1)); }
SERVE_PID=$first_pid
serve_stop || { echo "FAIL: server exit status $?"; fails=$((fails+1)); }
check "clean stops remove their folders" \
    test -z "$(folders pqsh-serve | grep -v mine)" -a -z "$(folders pqsh-class)"
check "and nothing else" test -f "$TMPDIR/pqsh-serve-mine/notes.txt"
check "a link is never followed" test -f "$WORK/elsewhere/data.txt" -a -L "$TMPDIR/pqsh-serve-link"
serve_finish
