// electrodb.mjs URL — electrodb (a single-table-design library) against pqsh
// serve, through its own API: put, get, query (key and sort-key range),
// update (set, add, remove), scan, delete. Every step is checked on the data
// electrodb reads back.
import assert from "node:assert/strict";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Entity } from "electrodb";

const url = process.argv[2];
const client = new DynamoDBClient({ endpoint: url, region: "us-east-1", maxAttempts: 1,
  credentials: { accessKeyId: "AKIDPQSHTEST", secretAccessKey: "pqsh-test-secret" } });
const table = "electro";
let passed = 0;
function ok(what) { passed++; console.log(`ok   ${what}`); }

await client.send(new CreateTableCommand({ TableName: table, BillingMode: "PAY_PER_REQUEST",
  AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" },
                         { AttributeName: "sk", AttributeType: "S" }],
  KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }] }));

const Order = new Entity({
  model: { entity: "order", version: "1", service: "shop" },
  attributes: {
    customer: { type: "string", required: true },
    orderId: { type: "string", required: true },
    amount: { type: "number", required: true },
    status: { type: ["placed", "shipped"], default: "placed" },
    tags: { type: "set", items: "string" },
    note: { type: "string" },
  },
  indexes: {
    byCustomer: {
      pk: { field: "pk", composite: ["customer"] },
      sk: { field: "sk", composite: ["orderId"] },
    },
  },
}, { table, client });

await Order.put({ customer: "alice", orderId: "o-001", amount: 100, tags: ["gift"], note: "ring twice" }).go();
await Order.put({ customer: "alice", orderId: "o-002", amount: 250 }).go();
await Order.put({ customer: "alice", orderId: "o-010", amount: 40 }).go();
await Order.put({ customer: "bob", orderId: "o-003", amount: 75 }).go();
ok("put four orders");

const got = await Order.get({ customer: "alice", orderId: "o-001" }).go();
assert.deepEqual(got.data, { customer: "alice", orderId: "o-001", amount: 100, status: "placed",
  tags: ["gift"], note: "ring twice" });
ok("get returns the order as put");

const alice = await Order.query.byCustomer({ customer: "alice" }).go();
assert.deepEqual(alice.data.map((o) => o.orderId), ["o-001", "o-002", "o-010"]);
ok("query by customer returns alice's three orders in sort-key order");

const range = await Order.query.byCustomer({ customer: "alice" }).between({ orderId: "o-002" }, { orderId: "o-009" }).go();
assert.deepEqual(range.data.map((o) => o.orderId), ["o-002"]);
const big = await Order.query.byCustomer({ customer: "alice" }).where(({ amount }, { gte }) => gte(amount, 100)).go();
assert.deepEqual(big.data.map((o) => o.orderId), ["o-001", "o-002"]);
ok("query with a sort-key range and with a filter");

const updated = await Order.update({ customer: "alice", orderId: "o-002" })
  .set({ status: "shipped" }).add({ amount: 5, tags: ["express"] }).remove(["note"])
  .go({ response: "all_new" });
assert.deepEqual(updated.data, { customer: "alice", orderId: "o-002", amount: 255, status: "shipped",
  tags: ["express"] });
ok("update sets, adds and removes, returning the new item");

await assert.rejects(Order.patch({ customer: "carol", orderId: "o-999" }).set({ amount: 1 }).go(),
  /conditional request failed/i);
ok("patch of a missing order fails its condition");

const all = await Order.scan.go();
assert.deepEqual(all.data.map((o) => `${o.customer}/${o.orderId}/${o.amount}`).sort(),
  ["alice/o-001/100", "alice/o-002/255", "alice/o-010/40", "bob/o-003/75"]);
ok("scan returns every order with its data");

await Order.delete({ customer: "alice", orderId: "o-001" }).go();
const after = await Order.get({ customer: "alice", orderId: "o-001" }).go();
assert.equal(after.data, null);
const left = await Order.query.byCustomer({ customer: "alice" }).go();
assert.deepEqual(left.data.map((o) => o.orderId), ["o-002", "o-010"]);
ok("delete removes the order");

client.destroy();
console.log(`${passed} passed, 0 failed`);
