#!/usr/bin/env bash
# test_random_input.sh PQSH — random scripts through the whole shell path:
# split → parse → bind → plan → engine → render, on --local :memory:.
#
# A fixed-seed generator writes scripts of plausible statements (tables with
# indexes, items with odd values: deep nesting, sets, extreme numbers,
# control characters, wide and invalid UTF-8, b64'…' literals; variables,
# transactions, batches, EXPLAIN, dot-commands) and damages some lines (cut,
# spliced, bytes flipped). Each script runs in a random output mode. pqsh
# must end with status 0 or 1 and say nothing from a sanitizer: under
# ASan/UBSan (.ci/run) this catches crashes, leaks and UB the golden tests
# never reach. Bounded to about 30 seconds; PQSH_RANDOM_SEED and
# PQSH_RANDOM_SECONDS change the seed and the budget.
set -u
pqsh=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
seed=${PQSH_RANDOM_SEED:-20240611}
budget=${PQSH_RANDOM_SECONDS:-30}

python3 - "$tmp" "$seed" 400 <<'EOF'
import random, sys

out, seed, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(seed)
tables = ["Tab1", "Tab2", "Orders", "\"odd.name-1\""]
attrs = ["pk", "sk", "a", "b", "m", "l", "n", "s", "\"value\"", "\"x y\"", "g"]

def number():
    return rnd.choice(["0", "-0", "1", "-1", "12.50", "1e5", "-3E-7", "9" * 38, "007", ".5",
                       "9.9999999999999999999999999999999999999E+125", "1E-130", "5.",
                       str(rnd.randint(-10**6, 10**6))] + ["1" + "0" * 40, "1E-131", "1E126"] * wild())

def wild():
    return rnd.random() < 0.08

def string():
    return "'" + rnd.choice(["", "a", "b", "it''s", "x" * rnd.randint(1, 300), "\u00e9t\u00e9",
                             "\u4e2d\u6587\u5b57", "\U0001F600 emoji", "tab\there", "nl\\n",
                             "\x01\x02ctl", "\u200b", "%s %n %d", "a\u0301", "\ufeffbom",
                             "very " * 40, "\x1b[31mred"]) + "'"

def scalar():
    return rnd.choice([number, string, lambda: rnd.choice(["TRUE", "FALSE", "NULL", ":v1", "v2", "b64'AAE='"])])()

def value(depth=0):
    if wild():
        return rnd.choice(["MISSING", "?", "`ion`", "b64'=='", "-" + scalar(), scalar() + " + " + scalar(),
                           "<<>>", "{'a': 1, 'a': 2}", "[" * 40 + "1" + "]" * 40])
    k = rnd.randint(0, 10 if depth < 6 else 3)
    if k <= 3: return scalar()
    if k <= 5:
        return "{" + ", ".join("'%s': %s" % (rnd.choice(["a", "b", "", "k k", "\u00fc", "c%d" % i]), value(depth + 1))
                               for i in range(rnd.randint(0, 3))) + "}"
    if k <= 7:
        return "[" + ", ".join(value(depth + 1) for _ in range(rnd.randint(0, 4))) + "]"
    if k == 8:
        return "<<" + ", ".join(sorted(set(number() for _ in range(rnd.randint(1, 3))))) + ">>"
    if k == 9:
        return "<<" + ", ".join(sorted(set(string() for _ in range(rnd.randint(1, 3))))) + ">>"
    return "<<" + ", ".join(sorted(set("b64'%s'" % rnd.choice(["AA==", "AQ==", "/w==", "AAECAw=="]) for _ in range(rnd.randint(1, 3))))) + ">>"

def nested(depth):
    v = number()
    for _ in range(depth):
        v = rnd.choice(["[%s]", "{'k': %s}"]) % v
    return v

def path():
    p = rnd.choice(attrs)
    for _ in range(rnd.randint(0, 3)):
        p += rnd.choice([".a", "[0]", "[3]", ".\"q\"", "[-1]"])
    return p

def cond():
    k = rnd.randint(0, 9)
    if k <= 3: return "%s %s %s" % (path(), rnd.choice(["=", "<>", "<", ">=", "!="]), value(3))
    if k == 4: return "%s BETWEEN %s AND %s" % (path(), value(4), value(4))
    if k == 5: return "%s IN [%s]" % (path(), ", ".join(value(4) for _ in range(rnd.randint(1, 4))))
    if k == 6: return "%s IS %s" % (path(), rnd.choice(["MISSING", "NOT NULL", "STRING", "INT4", "BOOL"]))
    if k == 7: return "%s(%s, %s)" % (rnd.choice(["begins_with", "contains", "attribute_type", "size", "nofn"]), path(), value(4))
    if k == 8: return "NOT (%s)" % cond()
    return "%s %s %s" % (cond(), rnd.choice(["AND", "OR"]), cond())

def create():
    t = rnd.choice(tables)
    ty = lambda: rnd.choice(["STRING", "NUMBER", "BINARY", "S", "N", "B", "BOOL"])
    cols = "pk %s HASH KEY" % ty()
    if rnd.random() < 0.6: cols += ", sk %s RANGE KEY" % ty()
    if rnd.random() < 0.4: cols += ", INDEX gix GLOBAL (g %s, sk) PROJECTION ALL" % ty()
    if rnd.random() < 0.3: cols += ", LOCAL INDEX lix (pk, a %s) PROJECTION KEYS ONLY" % ty()
    return "CREATE TABLE %s%s (%s)" % (rnd.choice(["", "IF NOT EXISTS "]), t, cols)

def statement():
    t = rnd.choice(tables)
    k = rnd.randint(0, 26)
    if k <= 2: return create()
    if k <= 7:
        key = {"Tab1": "'pk': %s" % string(), "Tab2": "'pk': %s, 'sk': %s" % (string(), number()),
               "Orders": "'pk': %s, 'sk': %s" % (string(), string()),
               "\"odd.name-1\"": "'pk': %s" % number()}[t]
        if wild(): key = "'pk': %s" % value()
        items = ", ".join("'%s': %s" % (rnd.choice(["a", "g", "m", "l", "n", "s", "value", "e\u0301", ""]),
                                        value() if rnd.random() < 0.95 else nested(rnd.randint(25, 40)))
                          for _ in range(rnd.randint(0, 6)))
        return "INSERT INTO %s VALUE {%s%s}" % (t, key, ", " + items if items else "")
    if k == 8:
        rows = ", ".join("(%s, %s)" % (value(4), value(4)) for _ in range(rnd.randint(1, 30)))
        return "INSERT INTO %s (pk, sk) VALUES %s" % (t, rows)
    if k <= 12:
        proj = rnd.choice(["*", "pk", "pk, sk, m.a[0], l[1]", "\"value\"", "size(l)"])
        q = "SELECT %s FROM %s%s" % (proj, t, rnd.choice(["", ".gix", ".\"lix\""]))
        if rnd.random() < 0.8: q += " WHERE " + cond()
        if rnd.random() < 0.2: q += " ORDER BY sk " + rnd.choice(["ASC", "DESC"])
        if rnd.random() < 0.1: q += " LIMIT %d" % rnd.randint(0, 3)
        return q
    if k <= 14:
        acts = " ".join(rnd.choice(["SET %s = %s" % (path(), value(3)), "REMOVE %s" % path(),
                                    "SET n = n + 1", "SET l = list_append(l, [1])",
                                    "SET s = set_add(s, <<'z'>>)"]) for _ in range(rnd.randint(1, 3)))
        return "UPDATE %s %s WHERE %s%s" % (t, acts, cond(), rnd.choice(["", " RETURNING ALL NEW *", " RETURNING MODIFIED OLD *"]))
    if k == 15: return "DELETE FROM %s WHERE %s%s" % (t, cond(), rnd.choice(["", " RETURNING ALL OLD *"]))
    if k == 16: return "SET %s = %s" % (rnd.choice(["v1", "v2", "v3"]), value())
    if k == 17: return rnd.choice(["BEGIN", "BEGIN TRANSACTION", "COMMIT", "ROLLBACK", "BEGIN BATCH", "END BATCH",
                                   "BEGIN TRANSACTION WITH TOKEN 'tok'"])
    if k == 18: return "EXPLAIN " + statement()
    if k == 19: return rnd.choice(["SHOW TABLES", "DESCRIBE " + t, "DROP TABLE " + t, "UNSET v1",
                                   "DROP TABLE IF EXISTS " + t])
    if k == 20: return "CREATE INDEX idx ON %s (%s %s)" % (t, rnd.choice(attrs), rnd.choice(["STRING", "NUMBER"]))
    if k == 21: return "DROP INDEX idx ON " + t
    if k == 22: return "EXISTS(SELECT * FROM %s WHERE %s)" % (t, cond())
    if k == 23: return "SELECT * FROM %s WHERE pk = :%s" % (t, rnd.choice(["v1", "v2", "nope"]))
    if k == 24: return rnd.choice(["UPDATE %s SET a = ? WHERE pk = 'x'" % t, "INSERT INTO %s VALUE ?" % t])
    if k == 25: return "SELECT VALUE pk FROM %s GROUP BY pk HAVING 1 = 1" % t
    return "".join(rnd.choice("()'\"{}[]<>;:?.,=-+*/|`\\ abcSELECTFROM12\u00e9\t") for _ in range(rnd.randint(1, 40)))

def command():
    return rnd.choice([".mode " + rnd.choice(["table", "line", "markdown", "json", "ddbjson", "csv", "tsv", "nope"]),
                       "\\x " + rnd.choice(["on", "off"]), ".capacity " + rnd.choice(["on", "off"]),
                       ".explain " + rnd.choice(["on", "off"]), ".consistent on", ".vars", ".tables",
                       ".describe " + rnd.choice(tables), ".echo on", ".reset force", ".help " + rnd.choice(["SELECT", "nope", ""]),
                       "\\set v3 " + value(4), "\\unset v2", ".timing on", ".nosuch", ".scanwarn off",
                       ".output", ".mode"])

def damage(line):
    k = rnd.randint(0, 4)
    b = line.encode("utf-8")
    if k == 0 and b: return b[:rnd.randint(0, len(b))]
    if k == 1 and b:
        i = rnd.randint(0, len(b) - 1)
        return b[:i] + bytes([rnd.randint(1, 255)]) + b[i + 1:]
    if k == 2: return b + rnd.choice([b"\xff\xfe", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\x00"])
    if k == 3: return b.replace(b"'", b"", 1)
    return b + b" -- comment ; 'x"

setup = ["CREATE TABLE Tab1 (pk STRING PRIMARY KEY);",
         "CREATE TABLE Tab2 (pk STRING HASH KEY, sk NUMBER RANGE KEY);",
         "CREATE TABLE Orders (pk STRING HASH KEY, sk STRING RANGE KEY, g NUMBER, "
         "INDEX gix GLOBAL (g) PROJECTION ALL, LOCAL INDEX lix (pk, a STRING) PROJECTION KEYS ONLY);",
         "CREATE TABLE \"odd.name-1\" (pk NUMBER PRIMARY KEY);", "SET v1 = 'a';", "SET v2 = 2;"]
for n in range(count):
    lines = [x.encode() for x in setup]
    for _ in range(rnd.randint(20, 70)):
        r = rnd.random()
        line = command() if r < 0.12 else statement() + rnd.choice([";"] * 12 + [";;", ""])
        data = damage(line) if rnd.random() < 0.08 else line.encode("utf-8")
        if rnd.random() < 0.1: data = data.replace(b" ", b"\n", 2)
        lines.append(data)
    with open("%s/s%03d.sql" % (out, n), "wb") as f:
        f.write(b"\n".join(lines) + b"\n")
    modes = ["table", "line", "markdown", "json", "ddbjson", "csv", "tsv"]
    opts = ["--mode", rnd.choice(modes)]
    if rnd.random() < 0.3: opts += ["--wrap", "--width", str(rnd.choice([10, 11, 20, 80, 200]))]
    if rnd.random() < 0.3: opts += ["--box"]
    if rnd.random() < 0.3: opts += ["--sort"]
    if rnd.random() < 0.2:  # a bad -v is a usage error (status 2): valid values only
        opts += ["-v", "v1=%s" % rnd.choice(["1", "'s'", "word", "{'a': [1, 'b']}", "<<1, 2>>",
                                             "b64'AAE='", "NULL", "-0.5e-3"])]
    with open("%s/s%03d.opts" % (out, n), "w") as f:
        f.write("\n".join(opts) + "\n")
EOF
[ -f "$tmp/s000.sql" ] || { echo "FAIL: the generator wrote no scripts" >&2; exit 1; }

fails=0
runs=0
start=$SECONDS
for script in "$tmp"/s*.sql; do
  # At least 5 scripts, however slow a loaded machine makes each; then
  # as many as fit in the budget.
  ((runs < 5 || SECONDS - start < budget)) || break
  mapfile -t opts < "${script%.sql}.opts"
  (cd "$tmp" && "$pqsh" -X --no-history --local :memory: "${opts[@]}" -f "$script") \
    > /dev/null 2> "$tmp/err" < /dev/null
  status=$?
  runs=$((runs + 1))
  if [ "$status" != 0 ] && [ "$status" != 1 ] ||
     grep -qE "AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer" "$tmp/err"; then
    echo "FAIL: $(basename "$script") (${opts[*]}): exit status $status" >&2
    grep -E -A12 "Sanitizer|runtime error:" "$tmp/err" | head -n 30 >&2
    mkdir -p "${PQSH_RANDOM_KEEP:-$tmp/keep}"
    cp "$script" "${script%.sql}.opts" "${PQSH_RANDOM_KEEP:-$tmp/keep}/" 2>/dev/null
    fails=$((fails + 1))
  fi
done
[ "$runs" -ge 5 ] || { echo "FAIL: only $runs scripts were written" >&2; fails=$((fails + 1)); }
echo "$runs random scripts (seed $seed), $fails failed"
[ "$fails" = 0 ]
