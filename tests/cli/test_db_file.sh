#!/usr/bin/env bash
# test_db_file.sh PQSH — issue 14 item 13: problems with the --local database
# file name the file and the real cause (a read-only file, a read-only
# directory that cannot hold SQLite's -wal and -shm files, not a database, a
# directory, a folder that does not exist), and a read-only database can still
# be read: SELECT works, a write gets a clear error and changes nothing.
# Permissions mean nothing to root, so as root the checks run as nobody.
set -u
pqsh=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

as_user=()
if [ "$(id -u)" = 0 ]; then
  if ! command -v setpriv > /dev/null; then
    echo "FAIL: running as root without setpriv: cannot test permissions" >&2
    exit 1
  fi
  as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  chmod 755 "$tmp"
fi
mkdir -p "$tmp/rw" "$tmp/ro"
"$pqsh" --local "$tmp/rw/orders.db" -c "CREATE TABLE Orders (k STRING PRIMARY KEY);
INSERT INTO Orders VALUE {'k': 'a'};" > /dev/null || fail "cannot make the database"
cp "$tmp/rw/orders.db" "$tmp/rw/readonly.db"
cp "$tmp/rw/orders.db" "$tmp/ro/orders.db"
echo "hello, not a database" > "$tmp/rw/notes.txt"
[ ${#as_user[@]} = 0 ] || chown -R 65534 "$tmp/rw" "$tmp/ro"
chmod 444 "$tmp/rw/readonly.db"
chmod 555 "$tmp/ro"

# run FILE: a read, a write, the read again; stdout and stderr apart.
run() {
  "${as_user[@]}" "$pqsh" --local "$1" -c "SELECT * FROM Orders;
INSERT INTO Orders VALUE {'k': 'b'};
SELECT * FROM Orders;" > "$tmp/out" 2> "$tmp/err"
  status=$?
}
one_item=" k
-----
 'a'
(1 item)"

for case in "rw/readonly.db|the file is read-only" \
            "ro/orders.db|its directory is read-only and cannot hold SQLite's -wal and -shm files"; do
  file=$tmp/${case%%|*} why=${case#*|}
  run "$file"
  [ "$status" = 1 ] || fail "$file: exit status $status, expected 1"
  [ "$(cat "$tmp/out")" = "$one_item
$one_item" ] || fail "$file: the SELECTs printed: $(cat "$tmp/out")"
  want="<command line>:2:1: error: the database $file is read-only ($why): it can be read, but nothing was written"
  [ "$(cat "$tmp/err")" = "$want" ] || fail "$file: stderr is '$(cat "$tmp/err")', expected '$want'"
done

# Files that cannot be opened at all: one line naming the file and the cause.
for case in "rw/notes.txt|$tmp/rw/notes.txt is not a database (SQLite: file is not a database)" \
            "ro/new.db|cannot create the database $tmp/ro/new.db: the directory $tmp/ro is read-only" \
            "rw|$tmp/rw is a directory, not a database file" \
            "nosuch/x.db|cannot create the database $tmp/nosuch/x.db: the directory $tmp/nosuch does not exist"; do
  file=$tmp/${case%%|*} want="pqsh: error: ${case#*|}"
  run "$file"
  [ "$status" = 1 ] || fail "$file: exit status $status, expected 1"
  [ ! -s "$tmp/out" ] || fail "$file: printed $(cat "$tmp/out")"
  [ "$(cat "$tmp/err")" = "$want" ] || fail "$file: stderr is '$(cat "$tmp/err")', expected '$want'"
done
[ ! -e "$tmp/ro/new.db" ] || fail "a database was made in the read-only directory"

# Nothing was written: the files read back as they were, writable again.
chmod 755 "$tmp/ro"
chmod 644 "$tmp/rw/readonly.db"
for f in "$tmp/rw/readonly.db" "$tmp/ro/orders.db"; do
  out=$("$pqsh" --local "$f" -c "SELECT * FROM Orders;" 2>&1)
  [ "$out" = "$one_item" ] || fail "$f changed: $out"
done

[ "$fails" = 0 ] && echo "ok: database file problems named; read-only databases readable"
exit $((fails > 0))
