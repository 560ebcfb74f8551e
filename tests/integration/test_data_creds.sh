#!/bin/bash
# test_data_creds.sh PQSH — the clones that carry a bulk .import/.export share
# one credential provider: a credential_process runs once per session, not
# once per clone, and credentials about to expire are refreshed once for all
# of them (under a lock) even with 16 requests in flight. The process counts
# its runs in a file; the first two answers expire within the 15-minute
# refresh window (so the next call fetches again), later ones in an hour.
set -u
PQSH=${1:?usage: test_data_creds.sh PQSH_BINARY}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/serve_lib.sh"
serve_setup
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
serve_start --local :memory:
cd "$WORK" || exit 1

cat >creds.sh <<'SH'
#!/bin/bash
n=$(( $(cat "$(dirname "$0")/runs" 2>/dev/null || echo 0) + 1 ))
echo "$n" >"$(dirname "$0")/runs"
if [ "$n" -le "${EXPIRING:-0}" ]; then mins=14; else mins=60; fi
exp=$(date -u -d "+$mins minutes" +%Y-%m-%dT%H:%M:%SZ)
printf '{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "s", "SessionToken": "t%d", "Expiration": "%s"}\n' "$n" "$exp"
SH
chmod +x creds.sh
printf '[profile counted]\nregion = us-east-1\ncredential_process = %s/creds.sh\n' "$WORK" >aws.config
export AWS_CONFIG_FILE="$WORK/aws.config"
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
runs() { cat runs 2>/dev/null || echo 0; }

python3 -c "
for i in range(2000): print('{\"pk\": \"k%04d\", \"n\": %d}' % (i, i))
" >items.jsonl
pq() { "$PQSH" --profile counted --endpoint-url "$SERVE_URL" "$@"; }

pq -c "CREATE TABLE Creds (pk STRING PRIMARY KEY);" >create.out 2>&1 || fail "CREATE TABLE: $(cat create.out)"
rm -f runs
pq -c ".import --jobs 16 items.jsonl Creds" >import.out 2>&1 || fail "import: $(cat import.out)"
grep -q "^IMPORT Creds: 2,000 written" import.out || fail "import summary: $(cat import.out)"
[ "$(runs)" = 1 ] || fail "credential_process ran $(runs) times for an import with 16 clones, not once"

rm -f runs
pq -c ".export --segments 8 Creds out.jsonl" >export.out 2>&1 || fail "export: $(cat export.out)"
grep -q "^EXPORT Creds: 2,000 items, 8 segments" export.out || fail "export summary: $(cat export.out)"
[ "$(runs)" = 1 ] || fail "credential_process ran $(runs) times for an export of 8 segments, not once"

# Expiring credentials: resolved (run 1, expiring), refreshed by the first
# call (run 2, expiring again), refreshed by the next call (run 3, an hour)
# — one of the 16 clones, while the others wait for it and use the result.
rm -f runs
python3 -c "
for i in range(2000, 4000): print('{\"pk\": \"k%04d\", \"n\": %d}' % (i, i))
" >more.jsonl
EXPIRING=2 pq -c ".import --jobs 16 more.jsonl Creds" >import2.out 2>&1 || fail "import: $(cat import2.out)"
grep -q "^IMPORT Creds: 2,000 written" import2.out || fail "import summary: $(cat import2.out)"
[ "$(runs)" = 3 ] || fail "credential_process ran $(runs) times with expiring credentials, not 3"
pq -c ".export Creds all.jsonl" >count.out 2>&1
grep -q "^EXPORT Creds: 4,000 items" count.out || fail "items read back: $(cat count.out)"

serve_stop || fail "serve exited with an error"
serve_finish
