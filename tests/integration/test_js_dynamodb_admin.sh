#!/bin/bash
# test_js_dynamodb_admin.sh — dynamodb-admin (the web GUI people point at a
# local DynamoDB, from npm: tests/js) against `pqsh serve`: its table list and
# a table's items page show what a PartiQL INSERT made with pqsh itself wrote.
# The pages are fetched over HTTP and their HTML is checked for the data.
# Usage: bash test_js_dynamodb_admin.sh PQSH_BINARY
set -u
. "$(cd "$(dirname "$0")" && pwd)/js_lib.sh"
js_setup "$@"

ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fails=$((fails+1)); }

serve_start --local :memory:
"$PQSH" --endpoint-url "$SERVE_URL" -c "CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY);
INSERT INTO Orders VALUE {'idempotency_token': 'token123', 'order_id': 'order001',
  'customer_name': 'Alice', 'order_amount': 100};
INSERT INTO Orders VALUE {'idempotency_token': 'token456', 'order_id': 'order002',
  'customer_name': 'Bob', 'order_amount': 250};" >"$WORK/pqsh.out" 2>&1 ||
    { bad "pqsh --endpoint-url wrote the table"; cat "$WORK/pqsh.out"; }

js_admin_start

# page PATH FILE: fetch one page of the GUI; its HTTP status must be 200.
page() {
    local code
    code=$(curl -s -o "$2" -w '%{http_code}' "$ADMIN_URL$1")
    [ "$code" = 200 ] || { bad "GET $1 answered HTTP $code"; cat "$2" | head -20; return 1; }
}

# The table list: the table pqsh created, linked to its page.
if page / "$WORK/tables.html"; then
    grep -q 'data-table-name="Orders"' "$WORK/tables.html" && ok "table list shows Orders" ||
        bad "table list shows Orders"
    grep -Eq "href=['\"]/tables/Orders['\"]" "$WORK/tables.html" && ok "table list links to Orders" ||
        bad "table list links to Orders"
fi

# The items page: its HTML, then the items it shows, which the page's script
# fetches from /tables/Orders/items (a Scan): both orders, every attribute.
page /tables/Orders "$WORK/table.html" && grep -q 'breadcrumb-item active" >Orders' "$WORK/table.html" &&
    ok "items page of Orders" || bad "items page of Orders"
if page /tables/Orders/items "$WORK/items.json"; then
    python3 - "$WORK/items.json" <<'PY' && ok "items page lists both orders" || bad "items page lists both orders"
import json, sys
data = json.load(open(sys.argv[1]))
items = sorted(data["Items"], key=lambda it: it["idempotency_token"])
for it in items:
    it.pop("__key", None)
want = [{"idempotency_token": "token123", "order_id": "order001", "customer_name": "Alice",
         "order_amount": 100},
        {"idempotency_token": "token456", "order_id": "order002", "customer_name": "Bob",
         "order_amount": 250}]
print("  items:", items)
sys.exit(0 if items == want and data["uniqueKeys"][0] == "idempotency_token" else 1)
PY
fi

# One item's page: the JSON of token123 as the GUI shows it for editing.
if page "/tables/Orders/items/token123" "$WORK/item.html"; then
    python3 - "$WORK/item.html" <<'PY' && ok "item page shows token123's attributes" || bad "item page shows token123's attributes"
import html as h, sys
text = h.unescape(open(sys.argv[1]).read())
want = ['"idempotency_token": "token123"', '"order_id": "order001"', '"customer_name": "Alice"',
        '"order_amount": 100']
missing = [w for w in want if w not in text]
print("  missing:", missing) if missing else None
sys.exit(1 if missing else 0)
PY
fi

if [ "$fails" != 0 ]; then
    echo "--- dynamodb-admin log"; tail -20 "$WORK/admin.log"
fi
serve_finish
