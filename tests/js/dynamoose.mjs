// dynamoose.mjs URL — dynamoose (a Mongoose-like modelling library) against
// pqsh serve, through its own API: create, get, query, update, scan,
// delete. Every step is checked on the data dynamoose reads back.
import assert from "node:assert/strict";
import { DynamoDB } from "@aws-sdk/client-dynamodb";
import dynamoose from "dynamoose";

const url = process.argv[2];
dynamoose.aws.ddb.set(new DynamoDB({ endpoint: url, region: "us-east-1", maxAttempts: 1,
  credentials: { accessKeyId: "AKIDPQSHTEST", secretAccessKey: "pqsh-test-secret" } }));
let passed = 0;
function ok(what) { passed++; console.log(`ok   ${what}`); }

const schema = new dynamoose.Schema({
  customer: { type: String, hashKey: true },
  orderId: { type: String, rangeKey: true },
  amount: Number,
  status: { type: String, default: "placed" },
  items: { type: Array, schema: [String] },
});
// The model creates its table (DescribeTable, CreateTable, then DescribeTable
// until ACTIVE) before its first request.
const Order = dynamoose.model("Orders", schema);

await Order.create({ customer: "alice", orderId: "o-001", amount: 100, items: ["ring"] });
await Order.create({ customer: "alice", orderId: "o-002", amount: 250, items: ["book", "pen"] });
await Order.create({ customer: "bob", orderId: "o-003", amount: 75 });
await assert.rejects(Order.create({ customer: "bob", orderId: "o-003", amount: 1 }),
  /conditional request failed/i);
ok("the model created its table; create writes three orders and refuses to overwrite one");

const got = await Order.get({ customer: "alice", orderId: "o-002" });
assert.deepEqual(got.toJSON(), { customer: "alice", orderId: "o-002", amount: 250, status: "placed",
  items: ["book", "pen"] });
ok("get returns the order as created");

const alice = await Order.query("customer").eq("alice").exec();
assert.deepEqual(alice.map((o) => o.orderId), ["o-001", "o-002"]);
const big = await Order.query("customer").eq("alice").where("amount").gt(150).exec();
assert.deepEqual(big.map((o) => o.orderId), ["o-002"]);
const count = await Order.query("customer").eq("alice").count().exec();
assert.equal(count.count, 2);
ok("query by hash key, with a filter, and a count");

const updated = await Order.update({ customer: "alice", orderId: "o-001" },
  { $SET: { status: "shipped" }, $ADD: { amount: 5 } });
assert.equal(updated.status, "shipped");
assert.equal(updated.amount, 105);
const reread = await Order.get({ customer: "alice", orderId: "o-001" });
assert.deepEqual(reread.toJSON(), { customer: "alice", orderId: "o-001", amount: 105,
  status: "shipped", items: ["ring"] });
ok("update sets and adds, and the change is stored");

const all = await Order.scan().exec();
assert.deepEqual(all.map((o) => `${o.customer}/${o.orderId}/${o.amount}`).sort(),
  ["alice/o-001/105", "alice/o-002/250", "bob/o-003/75"]);
const cheap = await Order.scan("amount").lt(100).exec();
assert.deepEqual(cheap.map((o) => o.orderId), ["o-003"]);
ok("scan returns every order; a filtered scan the cheap one");

await Order.delete({ customer: "alice", orderId: "o-002" });
assert.equal(await Order.get({ customer: "alice", orderId: "o-002" }), undefined);
const left = await Order.scan().exec();
assert.equal(left.count, 2);
ok("delete removes the order");

console.log(`${passed} passed, 0 failed`);
