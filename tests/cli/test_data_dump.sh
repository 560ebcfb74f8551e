#!/usr/bin/env bash
# test_data_dump.sh PQSH — .dump prints a PartiQL script that rebuilds the
# tables: replayed with `pqsh -f` into an empty engine it gives the same key
# schemas, indexes (with projections), billing and items — checked by
# dumping the copy again (byte-identical) and by exporting both sides.
# Covers every type, a 38-digit number, binary, and an item too long for
# one INSERT statement (it travels as a variable).
set -u
pqsh=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
cd "$tmp" || exit 1
export HOME="$tmp" XDG_DATA_HOME="$tmp/data"
big=$(head -c 9000 /dev/zero | tr '\0' 'x')
cat > setup.sql <<EOF
CREATE TABLE "Music" ("Artist" STRING, "SongTitle" STRING, "Genre" STRING, "Year" NUMBER,
    PRIMARY KEY ("Artist", "SongTitle"),
    GLOBAL INDEX "ByGenre" ("Genre", "Year") PROJECTION KEYS_ONLY,
    LOCAL INDEX "ByYear" ("Artist", "Year") PROJECTION INCLUDE ("x"));
CREATE TABLE Counters (id NUMBER PRIMARY KEY) BILLING MODE PROVISIONED (5 RCU, 6 WCU);
CREATE TABLE Empty_table (k BINARY PRIMARY KEY);
INSERT INTO Music VALUE {'Artist': 'A', 'SongTitle': 'it''s', 'Genre': 'g', 'Year': 1999,
    'b': b64'AAE=', 'ss': <<'a','b'>>, 'ns': <<1, 2.5>>, 'bs': <<b64'AQ==', b64'Ag=='>>,
    'm': {'k': [1, 'x', NULL, TRUE, {'deep': {}}]}, 'e': '', 'el': []};
SET big = '$big';
INSERT INTO Music VALUE {'Artist': 'B', 'SongTitle': 'long', 'x': big};
INSERT INTO Counters VALUE {'id': 12345678901234567890123456789012345678};
INSERT INTO Counters VALUE {'id': -0.5, 'note': 'tab	and "quotes"'};
EOF
"$pqsh" --local a.db -f setup.sql >setup.out 2>&1 || fail "setup: $(cat setup.out)"
"$pqsh" --local a.db -c ".dump" >dump.sql 2>dump.err || fail "dump: $(cat dump.err)"
grep -q '^SET pqsh_dump_1 = ' dump.sql || fail "the long item is not sent as a variable"
"$pqsh" --local b.db -f dump.sql >replay.out 2>&1 || fail "replay: $(cut -c1-200 replay.out)"
"$pqsh" --local b.db -c ".dump" >dump2.sql 2>&1
cmp -s dump.sql dump2.sql || fail "dump of the copy differs: $(diff dump.sql dump2.sql | cut -c1-200 | head)"
for db in a b; do
  "$pqsh" --local $db.db -c ".mode json" -c "DESCRIBE Music;" 2>/dev/null |
    grep -v 'CreationDateTime\|TableArn\|TableId\|IndexArn' > desc.$db
done
cmp -s desc.a desc.b || fail "DESCRIBE differs: $(diff desc.a desc.b | head)"
"$pqsh" --local a.db -c ".dump Counters" >one.sql 2>&1
grep -q '^CREATE TABLE "Counters"' one.sql && ! grep -q Music one.sql || fail ".dump TABLE: $(cat one.sql)"
"$pqsh" --local a.db -c ".dump NoSuchTable" >none.out 2>&1 && fail ".dump of a missing table succeeded"
grep -q ResourceNotFoundException none.out || fail "missing table: $(cat none.out)"
[ "$fails" = 0 ] && echo "all passed"
exit $((fails > 0))
