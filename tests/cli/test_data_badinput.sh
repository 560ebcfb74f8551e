#!/usr/bin/env bash
# test_data_badinput.sh PQSH — .import and .export given bad input, on the
# embedded engine: each a clear error, with FILE:LINE where there is a line;
# bad records skipped and the rest written; nothing half-written without
# saying so. Cases: records that are not items in each format (JSON that is
# no object, invalid JSON, bad DynamoDB JSON type descriptors, S3 lines
# without "Item"), a key of the wrong type, an item over 400 KB, a gzip file
# cut short (stops there, writes none of its records, keeps no progress
# file), a file in another format than its name says (stops after 10
# rejected records instead of reporting every line), a folder without a
# manifest, a table that does not exist, an output that cannot be written.
set -u
pqsh=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
cd "$tmp" || exit 1
export HOME="$tmp" XDG_DATA_HOME="$tmp/data"
big=$(head -c 420000 /dev/zero | tr '\0' x)

# Records that are not items: each named by FILE:LINE, the good ones written.
printf '{"id": "a", "n": 1}\n[1,2]\n{"id": "b", "n": }\n\n{"id": 5}\n"str"\n{"id": "c", "big": "%s"}\n{"id": "d"}\n' "$big" >j.jsonl
cat >d.ddbjson <<'EOF'
{"id": {"S": "e"}}
{"id": {"S": 1}}
{"id": {"N": "abc"}}
{"id": {"S": "f"}, "x": {"SS": []}}
{"Item": {"id": {"S": "g"}}}
{"id": {"S": "h"}, "x": {"NULL": false}}
EOF
printf '{"Item": {"id": {"S": "i"}}}\n{"id": {"S": "j"}}\n{"Item": 5}\n' >s.s3json
cat >t.sql <<'EOF'
CREATE TABLE Bad (id STRING PRIMARY KEY);
.import j.jsonl Bad
.import --format ddbjson d.ddbjson Bad
.import --format s3 s.s3json Bad
SELECT id FROM Bad;
EOF
"$pqsh" --local :memory: -f t.sql >t.out 2>t.err && fail "bad records: exit status 0"
cat >t.want <<'EOF'
j.jsonl:2: skipped: an item must be a JSON object
j.jsonl:3: skipped: not valid JSON: not a JSON value at column 18
j.jsonl:5: skipped: One or more parameter values were invalid: Type mismatch for key id expected: S actual: N
j.jsonl:6: skipped: an item must be a JSON object
j.jsonl:7: skipped: Item size has exceeded the maximum allowed size
d.ddbjson:2: skipped: attribute 'id': NUMBER_VALUE cannot be converted to String
d.ddbjson:3: skipped: attribute 'id': The parameter cannot be converted to a numeric value: abc
d.ddbjson:4: skipped: attribute 'x': One or more parameter values were invalid: An string set  may not be empty
d.ddbjson:5: skipped: attribute 'Item': Supplied AttributeValue is empty, must contain exactly one of the supported datatypes
d.ddbjson:6: skipped: attribute 'x': One or more parameter values were invalid: Null attribute value types must have the value of true
s.s3json:2: skipped: not a line of DynamoDB's export format ({"Item": {…}})
s.s3json:3: skipped: not a line of DynamoDB's export format ({"Item": {…}})
EOF
diff t.want t.err >/dev/null || fail "bad records report: $(diff t.want t.err)"
grep -q "^IMPORT Bad: 2 written, 0 retried, 5 skipped" t.out || fail "jsonl summary: $(cat t.out)"
grep -q "^IMPORT Bad: 1 written, 0 retried, 5 skipped" t.out || fail "ddbjson summary: $(cat t.out)"
grep -q "^IMPORT Bad: 1 written, 0 retried, 2 skipped" t.out || fail "s3 summary: $(cat t.out)"
grep -q "(4 items)" t.out || fail "items written: $(cat t.out)"

# A gzip file cut short (a broken download): an error at the line where it
# ends; the records before it are in and the progress file says how far, so
# that the whole file, fetched again, is resumed from there.
python3 -c "
for i in range(2000): print('{\"id\": \"z%04d\", \"pad\": \"%s\"}' % (i, 'p' * (i % 50)))
" | gzip -c >full.jsonl.gz
head -c $(($(stat -c %s full.jsonl.gz) / 2)) full.jsonl.gz >cut.jsonl.gz
"$pqsh" --local cut.db -c "CREATE TABLE Cut (id STRING PRIMARY KEY);" -c ".import cut.jsonl.gz Cut" \
  >cut.out 2>cut.err && fail "cut gzip: exit status 0"
grep -qE "^<command line>:1:1: error: cut.jsonl.gz:[0-9]+: the gzip data ends early \(a truncated file\?\)$" cut.err ||
  fail "cut gzip message: $(head -5 cut.err)"
in=$(sed -n 's/^pqsh: import stopped: every record up to the \([0-9,]*\)-th is in; cut.jsonl.gz.progress records the place.*/\1/p' cut.err | tr -d ,)
[ -n "$in" ] && [ "$in" -gt 0 ] && [ "$in" -lt 2000 ] || fail "cut gzip: $(head -5 cut.err)"
grep -q "^IMPORT Cut: ${in:-x} written" <(sed 's/,//g' cut.out) || fail "cut gzip summary: $(head -5 cut.out)"
cp full.jsonl.gz cut.jsonl.gz
"$pqsh" --local cut.db -c ".import --resume cut.jsonl.gz Cut" >resume.out 2>&1 || fail "resume: $(head -5 resume.out)"
grep -q "^IMPORT Cut: $((2000 - ${in:-0})) written" <(sed 's/,//g' resume.out) ||
  fail "resume after the cut: $(head -5 resume.out)"
"$pqsh" --local cut.db -c ".export Cut back.jsonl" >back.out 2>&1
grep -q "^EXPORT Cut: 2,000 items" back.out || fail "items after the resume: $(head -5 back.out)"

# A CSV file read as JSON Lines: ten lines reported, then it stops.
python3 -c "
print('id,n')
for i in range(500): print('k%d,%d' % (i, i))
" >wrong.jsonl
printf 'CREATE TABLE Wrong (id STRING PRIMARY KEY);\n.import wrong.jsonl Wrong\n' >wrong.sql
"$pqsh" --local :memory: -f wrong.sql >wrong.out 2>wrong.err && fail "wrong format: exit status 0"
[ "$(grep -c '^wrong.jsonl:[0-9]*: skipped: an item must be a JSON object$' wrong.err)" = 10 ] ||
  fail "wrong format: lines reported: $(head -20 wrong.err)"
grep -q "^wrong.sql:2:1: error: the first 10 records of wrong.jsonl were all rejected: is it json? (--format chooses the format)$" wrong.err ||
  fail "wrong format message: $(cat wrong.err)"
grep -q "^IMPORT Wrong: 0 written, 0 retried, 10 skipped" wrong.out || fail "wrong format summary: $(cat wrong.out)"
[ -e wrong.jsonl.progress ] && fail "wrong format left a progress file"
printf 'CREATE TABLE Right (id STRING PRIMARY KEY);\n.import --format csv wrong.jsonl Right\n' >right.sql
"$pqsh" --local :memory: -f right.sql >right.out 2>&1 || fail "--format csv: $(cat right.out)"
grep -q "^IMPORT Right: 500 written" right.out || fail "--format csv: $(cat right.out)"

# Files, folders, tables and outputs that are not there.
mkdir folder.jsonl
printf 'CREATE TABLE Tab (id STRING PRIMARY KEY);\n' >ok.sql
while IFS='|' read -r cmd want; do
  "$pqsh" --local :memory: -f ok.sql -c "$cmd" >e.out 2>&1 && fail "$cmd: exit status 0"
  grep -qF -- "$want" e.out || fail "$cmd: $(cat e.out)"
done <<'EOF'
.import nothere.csv Tab|error: cannot read nothere.csv: No such file or directory
.import folder.jsonl Tab|error: cannot read folder.jsonl/manifest-files.json: No such file or directory
.import j.jsonl NoSuchTable|error: ResourceNotFoundException: Requested resource not found
.import --format xml j.jsonl Tab|error: unknown format 'xml' (csv, tsv, json, ddbjson or s3)
.import j.weird Tab|error: cannot tell the format from the name j.weird: use --format
.import --jobs 0 j.jsonl Tab|error: --jobs wants a number from 1 to 64, not '0'
.import 'j.jsonl Tab|error: a quote is not closed
.import j.jsonl|error: usage: .import
.export --segments 65 Tab out.jsonl|error: --segments wants a number from 1 to 64, not '65'
.export --bail Tab out.jsonl|error: usage: .export
.export Tab out.jsonl extra|error: usage: .export
.export NoSuchTable out.jsonl|error: ResourceNotFoundException: Requested resource not found
.export Tab nodir/out.jsonl|error: cannot write nodir/out.jsonl.part: No such file or directory
.export --format s3 Tab nodir/out|error: cannot make the folder nodir/out/data: No such file or directory
.export Tab out.weird|error: cannot tell the format from the name out.weird: use --format
EOF
ls nodir out.jsonl out.jsonl.part >/dev/null 2>&1 && fail "a failed export left a file"

[ "$fails" = 0 ] && echo "all passed"
exit $((fails > 0))
