#!/usr/bin/env bash
# test_data_import.sh PQSH — .import / .export on the embedded engine:
# every format round-trips (export → import into a new table → the same
# items, every type: binary, sets, nested maps, 38-digit numbers, empty
# strings and lists); a CSV with bad lines is reported line by line and the
# good lines land; a killed import resumed with --resume writes every line
# and sends none of those already acknowledged again.
set -u
pqsh=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
cd "$tmp" || exit 1
export HOME="$tmp" XDG_DATA_HOME="$tmp/data"

# Items as a set of canonical JSON lines (sets compared as sets).
cat > norm.py <<'EOF'
import json, sys
from decimal import Decimal
# Numbers compare by value (DynamoDB stores them canonically).
def num(s):
    return format(Decimal(s).normalize(), "E")
def norm(v):
    if isinstance(v, dict):
        if len(v) == 1 and list(v)[0] == "N":
            return {"N": num(v["N"])}
        if len(v) == 1 and list(v)[0] == "NS":
            return {"NS": sorted(num(x) for x in v["NS"])}
        if len(v) == 1 and list(v)[0] in ("SS", "BS"):
            k = list(v)[0]
            return {k: sorted(v[k])}
        return {k: norm(x) for k, x in v.items()}
    if isinstance(v, list):
        return [norm(x) for x in v]
    return v
out = []
for line in open(sys.argv[1]):
    if line.strip():
        out.append(json.dumps(norm(json.loads(line)), sort_keys=True))
print("\n".join(sorted(out)))
EOF

# Every type, in DynamoDB JSON.
cat > all.ddbjson <<'EOF'
{"pk":{"S":"s1"},"n":{"N":"12345678901234567890123456789012345678"},"tiny":{"N":"-1.5E-130"},"b":{"B":"AAEC/w=="},"t":{"BOOL":true},"f":{"BOOL":false},"z":{"NULL":true}}
{"pk":{"S":"s2"},"m":{"M":{"deep":{"M":{"l":{"L":[{"S":"a"},{"N":"1"},{"B":"AA=="},{"SS":["x"]}]}}},"e":{"S":""}}},"el":{"L":[]},"em":{"M":{}}}
{"pk":{"S":"s3"},"ss":{"SS":["a","b","ünï"]},"ns":{"NS":["1","-2.5","99999999999999999999999999999999999999"]},"bs":{"BS":["AQ==","Ag=="]}}
{"pk":{"S":"s4"},"empty":{"S":""},"tab":{"S":"a\tb,c\"d\ne"},"n0":{"N":"0"}}
{"pk":{"S":"s5"},"mixed":{"N":"1"}}
{"pk":{"S":"s6"},"mixed":{"S":"one"}}
EOF
{
  echo "CREATE TABLE Source (pk STRING PRIMARY KEY);"
  echo ".import all.ddbjson Source"
  echo ".export Source all.out.ddbjson"
  for f in csv tsv ddbjson; do
    echo ".export Source out.$f"
    echo "CREATE TABLE Copy_$f (pk STRING PRIMARY KEY);"
    echo ".import out.$f Copy_$f"
    echo ".export Copy_$f back.$f.ddbjson"
  done
  echo ".export --format s3 Source out_s3"
  echo ".import --create pk:S out_s3 Copy_s3"
  echo ".export Copy_s3 back.s3.ddbjson"
  echo ".import --create pk:S out_s3/manifest-summary.json Copy_s3m"
  echo ".export Copy_s3m back.s3m.ddbjson"
} > rt.sql
"$pqsh" --local :memory: -f rt.sql > rt.out 2>&1 || fail "round-trip script failed: $(cat rt.out)"
python3 norm.py all.ddbjson > want
python3 norm.py all.out.ddbjson > got || fail "export of Source unreadable"
cmp -s want got || fail "export differs from the input: $(diff want got)"
for f in csv tsv ddbjson s3 s3m; do
  python3 norm.py back.$f.ddbjson > got.$f 2>/dev/null
  cmp -s want got.$f || fail "round trip through $f differs: $(diff want got.$f)"
done
grep -q "^IMPORT Copy_csv: 6 written, 0 retried, 0 skipped" rt.out || fail "csv import summary: $(cat rt.out)"
ls out_s3/data/*.json.gz >/dev/null 2>&1 || fail "no data/*.json.gz in the S3 export"
python3 - out_s3 <<'EOF' || fail "S3 export manifests"
import json, sys, gzip, hashlib, base64, os
d = sys.argv[1]
s = json.load(open(d + "/manifest-summary.json"))
assert s["version"] == "2020-06-30" and s["outputFormat"] == "DYNAMODB_JSON" and s["itemCount"] == 6, s
total = 0
for line in open(d + "/manifest-files.json"):
    m = json.loads(line)
    p = d + "/data/" + os.path.basename(m["dataFileS3Key"])
    raw = open(p, "rb").read()
    assert base64.b64encode(hashlib.md5(raw).digest()).decode() == m["md5Checksum"]
    n = sum(1 for l in gzip.decompress(raw).decode().splitlines() if json.loads(l)["Item"])
    assert n == m["itemCount"]
    total += n
assert total == 6
EOF

# Plain JSON Lines: the types plain JSON has, numbers exact.
cat > plain.jsonl <<'EOF'
{"pk": "j1", "n": 12345678901234567890123456789012345678, "x": -0.000001, "t": true, "z": null}
{"pk": "j2", "m": {"a": [1, "two", {"three": 3}], "e": ""}, "l": [], "o": {}, "u": "\u00e9\ud83d\ude00"}
EOF
printf 'CREATE TABLE Plain (pk STRING PRIMARY KEY);\n.import plain.jsonl Plain\n.export Plain back.jsonl\nCREATE TABLE Plain2 (pk STRING PRIMARY KEY);\n.import back.jsonl Plain2\n.export Plain2 back2.jsonl\n' > plain.sql
"$pqsh" --local :memory: -f plain.sql > plain.out 2>&1 || fail "plain JSON script failed: $(cat plain.out)"
python3 -c "
import json,sys
a=[json.loads(l) for l in open('plain.jsonl')]; b=[json.loads(l) for l in open('back2.jsonl')]
key=lambda d: d['pk']
assert sorted(a,key=key)==sorted(b,key=key), (a,b)
" || fail "plain JSON round trip differs"
grep -q '12345678901234567890123456789012345678' back2.jsonl || fail "38-digit number not exact in JSON Lines"

# Bad lines: each reported as FILE:LINE, the good ones written, status 1.
cat > bad.csv <<'EOF'
id,qty:N,note
k1,1,fine
k2,lots,not a number
,3,no key
k4,4,"unterminated
k5,5,ok
EOF
cat > bad2.csv <<'EOF'
id,qty:N,note
k1,1,fine
k2,2,"a ""quoted"" word"
k3,3,x,extra
k6,6,last
EOF
printf 'CREATE TABLE Bad (id STRING PRIMARY KEY);\n.import bad2.csv Bad\n.import bad.csv Bad\n' > bad.sql
"$pqsh" --local :memory: -f bad.sql > bad.out 2> bad.err
status=$?
[ "$status" = 1 ] || fail "bad lines: exit status $status, expected 1"
cat > bad.want <<'EOF'
bad2.csv:4: skipped: 4 fields where the header has 3
bad.csv:3: skipped: column 'qty': The parameter cannot be converted to a numeric value: lots
bad.csv:4: skipped: One of the required keys was not given a value (missing 'id')
bad.csv:5: skipped: a quoted field is not closed before the end of the file
EOF
diff bad.want bad.err >/dev/null || fail "bad-line report: $(diff bad.want bad.err)"
grep -q "IMPORT Bad: 3 written, 0 retried, 1 skipped" bad.out || fail "bad2 summary: $(cat bad.out)"

# --bail stops at the first bad line; before anything is written it says so
# and leaves no progress file, after that the progress file says where.
printf 'CREATE TABLE Bail (id STRING PRIMARY KEY);\n.import --bail bad.csv Bail\n' > bail.sql
"$pqsh" --local :memory: -f bail.sql > bail.out 2> bail.err && fail "--bail: exit status 0"
grep -q "^bad.csv:3: error:" bail.err || fail "--bail message: $(cat bail.err)"
grep -q "^pqsh: import stopped: no record of bad.csv was written$" bail.err || fail "--bail: $(cat bail.err)"
[ -f bad.csv.progress ] && fail "--bail left a progress file with nothing written"
{ echo "id,qty:N"; for i in $(seq 60); do echo "g$i,$i"; done; echo "bad,x"; echo "g61,61"; } > late.csv
printf 'CREATE TABLE Late (id STRING PRIMARY KEY);\n.import --bail late.csv Late\n' > late.sql
"$pqsh" --local :memory: -f late.sql > late.out 2> late.err && fail "--bail late: exit status 0"
grep -q "^late.csv:62: error:" late.err || fail "--bail late message: $(cat late.err)"
grep -q "^pqsh: import stopped: every record up to the 50-th is in; late.csv.progress" late.err ||
  fail "--bail late: $(cat late.err)"
[ "$(sed -n 's/^records //p' late.csv.progress 2>/dev/null)" = 50 ] || fail "--bail late: no progress file at 50"
rm -f late.csv.progress

# A killed import, resumed: every line once, none acknowledged twice.
python3 -c "
for i in range(1, 1001): print('{\"id\": \"k%04d\", \"n\": %d, \"pad\": \"%s\"}' % (i, i, 'x' * (i % 50)))
" > many.jsonl
printf 'CREATE TABLE Many (id STRING PRIMARY KEY);\n' | "$pqsh" --local many.db >/dev/null
# (in a subshell whose stderr is closed: bash's "Killed" notice is not a failure)
( PQSH_TEST_IMPORT_KILL_AFTER=7 "$pqsh" --local many.db -c ".import many.jsonl Many" >kill.out 2>&1
  echo $? > kill.status ) 2>/dev/null
status=$(cat kill.status)
[ "$status" = 137 ] || fail "kill knob: status $status"
done_records=$(sed -n 's/^records //p' many.jsonl.progress)
[ "$done_records" = 175 ] || fail "progress after 7 requests: '$done_records', expected 175"
"$pqsh" --local many.db -c ".import many.jsonl Many" >again.out 2>&1 && fail "a second import without --resume was allowed"
grep -q "use --resume" again.out || fail "no hint at --resume: $(cat again.out)"
"$pqsh" --local many.db -c ".import --resume many.jsonl Many" >resume.out 2>&1 || fail "resume failed: $(cat resume.out)"
grep -q "IMPORT Many: 825 written" resume.out || fail "resume wrote other than 825: $(cat resume.out)"
[ -f many.jsonl.progress ] && fail "progress file left after a finished import"
"$pqsh" --local many.db -c ".export Many many.out.jsonl" >/dev/null 2>&1
python3 -c "
import json
a=sorted(json.dumps(json.loads(l),sort_keys=True) for l in open('many.jsonl'))
b=sorted(json.dumps(json.loads(l),sort_keys=True) for l in open('many.out.jsonl'))
assert a==b, (len(a), len(b))
" || fail "resumed import: items differ from the file"

# An empty table exports a CSV header of its keys, which imports back.
printf 'CREATE TABLE Emp (id STRING, n NUMBER, PRIMARY KEY (id, n));\n.export Emp e.csv\nCREATE TABLE Emp2 (id STRING, n NUMBER, PRIMARY KEY (id, n));\n.import e.csv Emp2\n' > e.sql
"$pqsh" --local :memory: -f e.sql > e.out 2>&1 || fail "empty table round trip: $(cat e.out)"
[ "$(cat e.csv)" = "id:S,n:N" ] || fail "empty table CSV: $(cat e.csv)"

# Errors: no such file, unknown format, no such table.
"$pqsh" --local :memory: -c ".import nothere.csv Tab" >e1 2>&1 && fail "missing file accepted"
grep -q "cannot read nothere.csv: No such file or directory" e1 || fail "missing file: $(cat e1)"
touch x.weird
"$pqsh" --local :memory: -c ".import x.weird Tab" >e2 2>&1 && fail "unknown format accepted"
grep -q "use --format" e2 || fail "unknown format: $(cat e2)"
"$pqsh" --local :memory: -c ".import plain.jsonl NoSuchTable" >e3 2>&1 && fail "missing table accepted"
grep -q "ResourceNotFoundException" e3 || fail "missing table: $(cat e3)"

[ "$fails" = 0 ] && echo "all passed"
exit $((fails > 0))
