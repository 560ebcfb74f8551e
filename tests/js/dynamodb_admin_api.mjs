// dynamodb_admin_api.mjs ADMIN_URL — dynamodb-admin's HTTP API (what its
// pages' scripts call) in front of pqsh serve: create a table with a global
// and a local index as the create-table form posts it, add, edit, read and delete items, scan and query
// pages with filters and paging, purge a table, delete one table and then
// all of them. Each answer is checked against what DynamoDB would hold.
import assert from "node:assert/strict";

const admin = process.argv[2];
let passed = 0;
function ok(what) { passed++; console.log(`ok   ${what}`); }

async function call(method, path, body) {
  const res = await fetch(admin + path, { method, redirect: "manual",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) };
}
async function expect(method, path, status, body) {
  const r = await call(method, path, body);
  assert.equal(r.status, status, `${method} ${path}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
  return r;
}

// --- create-table. The form posts its capacity fields as strings, which
// dynamodb-admin 5 passes on through SDK v3 unconverted: DynamoDB's JSON
// layer refuses a string for a Long (SerializationException, reference
// §1.5), so nothing is created. With numbers the table is made.
const asStrings = await call("POST", "/create-table", {
  TableDefinition: { TableName: "Orders", HashAttributeName: "customer", HashAttributeType: "S",
    ReadCapacityUnits: "3", WriteCapacityUnits: "2" } });
assert.equal(asStrings.status, 500);
assert.equal(asStrings.json().message, "STRING_VALUE cannot be converted to Long");
assert.deepEqual((await expect("GET", "/api/tables", 200)).json(), []);
await expect("POST", "/create-table", 204, {
  TableDefinition: { TableName: "Orders", HashAttributeName: "customer", HashAttributeType: "S",
    RangeAttributeName: "orderId", RangeAttributeType: "N", ReadCapacityUnits: 3, WriteCapacityUnits: 2 },
  SecondaryIndexes: [
    { IndexName: "byStatus", IndexType: "global", HashAttributeName: "status", HashAttributeType: "S",
      RangeAttributeName: "orderId", RangeAttributeType: "N", ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
    { IndexName: "byTotal", IndexType: "local", HashAttributeName: "customer", HashAttributeType: "S",
      RangeAttributeName: "total", RangeAttributeType: "N" },
  ] });
await expect("POST", "/create-table", 204, {
  TableDefinition: { TableName: "Notes", HashAttributeName: "id", HashAttributeType: "S",
    ReadCapacityUnits: 1, WriteCapacityUnits: 1 } });
// A second table of the same name: DynamoDB's ResourceInUseException, shown as an error.
const dup = await call("POST", "/create-table", {
  TableDefinition: { TableName: "Notes", HashAttributeName: "id", HashAttributeType: "S",
    ReadCapacityUnits: 1, WriteCapacityUnits: 1 } });
assert.equal(dup.status, 500);
assert.match(dup.json().message, /Table already exists: Notes/);
const tables = (await expect("GET", "/api/tables", 200)).json();
assert.deepEqual(tables.map((t) => t.TableName), ["Notes", "Orders"]);
const orders = tables.find((t) => t.TableName === "Orders");
assert.equal(orders.TableStatus, "ACTIVE");
assert.deepEqual(orders.ProvisionedThroughput.ReadCapacityUnits, 3);
assert.deepEqual(orders.GlobalSecondaryIndexes.map((i) => i.IndexName), ["byStatus"]);
assert.deepEqual(orders.LocalSecondaryIndexes.map((i) => i.IndexName), ["byTotal"]);
assert.deepEqual(orders.AttributeDefinitions.map((a) => `${a.AttributeName}:${a.AttributeType}`).sort(),
  ["customer:S", "orderId:N", "status:S", "total:N"]);
ok("create-table: capacities as strings refused, with a GSI and an LSI made; the list shows both tables");

// --- add items, read one, edit it.
for (let i = 1; i <= 7; i++) {
  const item = { customer: i <= 5 ? "alice" : "bob", orderId: i, status: i % 2 ? "open" : "shipped",
    total: 10 * i, lines: [{ sku: `s${i}`, qty: i }] };
  const key = (await expect("PUT", "/tables/Orders/add-item", 200, item)).json();
  assert.deepEqual(key, { customer: item.customer, orderId: i });
}
const page = await expect("GET", "/tables/Orders/items/alice,3", 200);
assert.match(page.text, /&#34;total&#34;: 30|"total": 30/);
const edited = (await expect("PUT", "/tables/Orders/items/alice,3", 200,
  { customer: "alice", orderId: 3, status: "shipped", total: 31, note: "edited" })).json();
assert.deepEqual(edited, { customer: "alice", orderId: 3, status: "shipped", total: 31, note: "edited" });
await expect("GET", "/tables/Orders/items/alice,99", 404);
ok("add-item writes and returns the key; an item's page; editing replaces the item; a missing one is 404");

// --- scan and query pages.
const items = async (params) => (await expect("GET", `/tables/Orders/items?${new URLSearchParams(params)}`, 200)).json();
const keys = (d) => d.Items.map((i) => `${i.customer}/${i.orderId}`);
const all = await items({});
assert.equal(all.Items.length, 7);
assert.deepEqual(all.uniqueKeys.slice(0, 2), ["customer", "orderId"]);
assert.equal(all.nextKey, null);
const p1 = await items({ pageSize: "3" });
assert.equal(p1.Items.length, 3);
assert.ok(p1.nextKey);
const p2 = await items({ pageSize: "3", startKey: decodeURIComponent(p1.nextKey) });
const p3 = await items({ pageSize: "3", startKey: decodeURIComponent(p2.nextKey) });
assert.deepEqual([...keys(p1), ...keys(p2), ...keys(p3)].sort(), keys(all).sort());
assert.equal(p3.nextKey, null);
const shipped = await items({ filters: JSON.stringify({ status: { type: "S", value: "shipped", operator: "=" } }) });
assert.deepEqual(keys(shipped).sort(), ["alice/2", "alice/3", "alice/4", "bob/6"]);
const q = await items({ operationType: "query", queryableSelection: "table", filters: JSON.stringify({
  customer: { type: "S", value: "alice", operator: "=" }, orderId: { type: "N", value: "2", operator: ">" } }) });
assert.deepEqual(keys(q), ["alice/3", "alice/4", "alice/5"]);
const qg = await items({ operationType: "query", queryableSelection: "byStatus", filters: JSON.stringify({
  status: { type: "S", value: "open", operator: "=" }, orderId: { type: "N", value: "5", operator: "<=" },
  total: { type: "N", value: "20", operator: ">" } }) });
assert.deepEqual(keys(qg), ["alice/5"]);
const qb = await items({ operationType: "query", queryableSelection: "table", filters: JSON.stringify({
  customer: { type: "S", value: "bob", operator: "=" }, lines: { type: "S", value: "x", operator: "<>" } }) });
assert.deepEqual(keys(qb), ["bob/6", "bob/7"]);
ok("items: scan, pages of 3 with startKey, a filter, a query on the table and on the GSI");

await expect("GET", "/tables/Orders/meta", 200);
const ttl = await expect("GET", "/tables/Orders/ttl", 200);
assert.match(ttl.text, /DISABLED/);
ok("the meta and TTL pages render");

// --- delete an item, purge, delete tables.
await expect("DELETE", "/tables/Orders/items/bob,7", 204);
assert.equal((await items({})).Items.length, 6);
await expect("DELETE", "/tables/Orders/all", 200);
assert.equal((await items({})).Items.length, 0);
await expect("DELETE", "/tables/Notes", 204);
assert.deepEqual((await expect("GET", "/api/tables", 200)).json().map((t) => t.TableName), ["Orders"]);
const gone = await call("GET", "/tables/Notes/items");
assert.equal(gone.status, 500);
assert.match(gone.json().message, /Requested resource not found|not found/i);
await expect("DELETE", "/tables", 200);
assert.deepEqual((await expect("GET", "/api/tables", 200)).json(), []);
ok("delete an item, purge a table, delete one table, then all");

console.log(`${passed} passed, 0 failed`);
