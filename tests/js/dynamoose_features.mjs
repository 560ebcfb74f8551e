// dynamoose_features.mjs URL — dynamoose v4's documented features against
// pqsh serve, beyond the basics of dynamoose.mjs: every attribute type,
// tables with global and local indexes (provisioned and on demand), updates
// with $SET/$ADD/$REMOVE/$DELETE, dynamoose.Condition with every operator,
// query on indexes with sort/limit/startAt/all, scan filters and count,
// batch and transaction calls, TTL through `expires`, and `update: true`
// table updates (throughput, indexes, tags, streams). Every step is checked
// on the data the library reads back or on DescribeTable.
import assert from "node:assert/strict";
import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDB, ListTagsOfResourceCommand }
  from "@aws-sdk/client-dynamodb";
import dynamoose from "dynamoose";

const url = process.argv[2];
const ddb = new DynamoDB({ endpoint: url, region: "us-east-1", maxAttempts: 1,
  credentials: { accessKeyId: "AKIDPQSHTEST", secretAccessKey: "pqsh-test-secret" } });
dynamoose.aws.ddb.set(ddb);
let passed = 0;
function ok(what) { passed++; console.log(`ok   ${what}`); }
const fast = { waitForActive: { enabled: true, check: { timeout: 10000, frequency: 20 } } };
const describe = async (TableName) => (await ddb.send(new DescribeTableCommand({ TableName }))).Table;

// Run in phases: "create" (everything up to TTL), then "expire", "update"
// and "ondemand", each in its own process, since dynamoose attaches every model to the first Table object
// it made for a table name, whose options (no `update`) would then win.
const phase = process.argv[3] ?? "create";
if (phase === "create") {
  // --- every attribute type, saveUnknown, and a table with both index kinds.
  const productSchema = new dynamoose.Schema({
    id: { type: String, hashKey: true },
    version: { type: Number, rangeKey: true },
    name: { type: String, required: true, index: { name: "byName", type: "global", rangeKey: "price",
      throughput: { read: 2, write: 3 } } },
    price: Number,
    inStock: Boolean,
    released: { type: Date, index: { name: "byReleased", type: "local" } },
    image: Buffer,
    tags: { type: Set, schema: [String] },
    sizes: { type: Set, schema: [Number] },
    blobs: { type: Set, schema: [Buffer] },
    dims: { type: Object, schema: { w: Number, h: Number, unit: { type: String, default: "cm" } } },
    parts: { type: Array, schema: [{ type: Object, schema: { sku: String, qty: Number } }] },
    extra: { type: Object },
  }, { saveUnknown: ["extra.**"], timestamps: true });
  const Product = dynamoose.model("Products", productSchema, { ...fast, throughput: { read: 5, write: 4 } });

  const released = new Date("2024-05-06T07:08:09.010Z");
  await Product.create({ id: "p1", version: 1, name: "lamp", price: 30, inStock: true, released,
    image: Buffer.from([1, 2, 3]), tags: new Set(["home", "light"]), sizes: new Set([1, 2.5]),
    blobs: new Set([Buffer.from("a"), Buffer.from("b")]), dims: { w: 10, h: 40 },
    parts: [{ sku: "bulb", qty: 1 }, { sku: "shade", qty: 2 }], extra: { color: "red", deep: { x: [1] } } });
  const p1 = await Product.get({ id: "p1", version: 1 });
  assert.equal(p1.name, "lamp");
  assert.equal(p1.inStock, true);
  assert.ok(p1.released instanceof Date);
  assert.equal(p1.released.getTime(), released.getTime());
  assert.deepEqual([...p1.image], [1, 2, 3]);
  assert.deepEqual([...p1.tags].sort(), ["home", "light"]);
  assert.deepEqual([...p1.sizes].sort(), [1, 2.5]);
  assert.deepEqual([...p1.blobs].map((b) => Buffer.from(b).toString()).sort(), ["a", "b"]);
  assert.deepEqual(p1.dims, { w: 10, h: 40, unit: "cm" });
  assert.deepEqual(p1.parts, [{ sku: "bulb", qty: 1 }, { sku: "shade", qty: 2 }]);
  assert.deepEqual(p1.extra, { color: "red", deep: { x: [1] } });
  assert.ok(p1.createdAt instanceof Date && p1.updatedAt instanceof Date);
  // Stored as DynamoDB types: Date as N (milliseconds), Buffer as B, sets as SS/NS/BS.
  const raw = (await ddb.getItem({ TableName: "Products", Key: { id: { S: "p1" }, version: { N: "1" } } })).Item;
  assert.deepEqual(raw.released, { N: String(released.getTime()) });
  assert.deepEqual(Object.keys(raw.image), ["B"]);
  assert.deepEqual(Object.keys(raw.tags), ["SS"]);
  assert.deepEqual(Object.keys(raw.sizes), ["NS"]);
  assert.deepEqual(Object.keys(raw.blobs), ["BS"]);
  ok("every attribute type is stored as its DynamoDB type and read back");

  const t = await describe("Products");
  assert.deepEqual(t.ProvisionedThroughput.ReadCapacityUnits, 5);
  assert.deepEqual(t.ProvisionedThroughput.WriteCapacityUnits, 4);
  assert.equal(t.GlobalSecondaryIndexes.length, 1);
  assert.equal(t.GlobalSecondaryIndexes[0].IndexName, "byName");
  assert.deepEqual(t.GlobalSecondaryIndexes[0].KeySchema, [{ AttributeName: "name", KeyType: "HASH" },
    { AttributeName: "price", KeyType: "RANGE" }]);
  assert.equal(t.GlobalSecondaryIndexes[0].ProvisionedThroughput.ReadCapacityUnits, 2);
  assert.equal(t.GlobalSecondaryIndexes[0].ProvisionedThroughput.WriteCapacityUnits, 3);
  assert.equal(t.GlobalSecondaryIndexes[0].IndexStatus, "ACTIVE");
  assert.deepEqual(t.LocalSecondaryIndexes.map((i) => [i.IndexName, i.KeySchema.map((k) => k.AttributeName)]),
    [["byReleased", ["id", "released"]]]);
  ok("the model created its table with a provisioned GSI and an LSI");

  // Schema validation happens in the library; a required attribute missing.
  await assert.rejects(Product.create({ id: "p9", version: 1 }), /name is a required property/);

  // --- more products for queries.
  const more = [];
  for (let v = 2; v <= 6; v++) {
    more.push({ id: "p1", version: v, name: v % 2 ? "lamp" : "desk", price: 10 * v, inStock: v > 3,
      released: new Date(released.getTime() + v * 1000), tags: new Set([`t${v}`, "home"]) });
  }
  more.push({ id: "p2", version: 1, name: "lamp", price: 5, inStock: false, released });
  await Product.batchPut(more);
  const fetched = await Product.batchGet([{ id: "p1", version: 2 }, { id: "p2", version: 1 }, { id: "zz", version: 1 }]);
  assert.deepEqual(fetched.map((p) => `${p.id}/${p.version}/${p.name}`).sort(), ["p1/2/desk", "p2/1/lamp"]);
  assert.deepEqual(fetched.unprocessedKeys, []);
  ok("batchPut writes six items; batchGet returns those that exist");

  // --- query: table key, sort, limit, startAt, all, GSI and LSI.
  const q1 = await Product.query("id").eq("p1").sort("descending").exec();
  assert.deepEqual(q1.map((p) => p.version), [6, 5, 4, 3, 2, 1]);
  const q2 = await Product.query("id").eq("p1").where("version").between(2, 4).exec();
  assert.deepEqual(q2.map((p) => p.version), [2, 3, 4]);
  const page1 = await Product.query("id").eq("p1").limit(2).exec();
  assert.deepEqual(page1.map((p) => p.version), [1, 2]);
  assert.deepEqual(page1.lastKey, { id: "p1", version: 2 });
  const page2 = await Product.query("id").eq("p1").limit(2).startAt(page1.lastKey).exec();
  assert.deepEqual(page2.map((p) => p.version), [3, 4]);
  const all = await Product.query("id").eq("p1").limit(1).all().exec();
  assert.deepEqual(all.map((p) => p.version), [1, 2, 3, 4, 5, 6]);
  // all() merges the pages' answers: Count is summed.
  assert.equal(all.count, 6);
  const lamps = await Product.query("name").eq("lamp").using("byName").exec();
  assert.deepEqual(lamps.map((p) => `${p.id}/${p.version}/${p.price}`), ["p2/1/5", "p1/1/30", "p1/3/30", "p1/5/50"]);
  const cheap = await Product.query("name").eq("lamp").where("price").lt(40).using("byName").sort("descending").exec();
  assert.deepEqual(cheap.map((p) => p.price), [30, 30, 5]);
  const byDate = await Product.query("id").eq("p1").where("released").gt(released.getTime() + 3500)
    .using("byReleased").exec();
  assert.deepEqual(byDate.map((p) => p.version), [4, 5, 6]);
  const cnt = await Product.query("id").eq("p1").filter("inStock").eq(true).count().exec();
  // (dynamoose reads a "QueriedCount" DynamoDB does not have: only count is checked.)
  assert.equal(cnt.count, 4);
  const attrs = await Product.query("id").eq("p1").attributes(["version", "price"]).limit(2).exec();
  assert.deepEqual(attrs.map((p) => p.toJSON()), [{ version: 1, price: 30 }, { version: 2, price: 20 }]);
  ok("query: sort, between, limit with startAt, all(), GSI and LSI, count, attributes");

  // --- scan with filters and the Condition operators.
  const C = dynamoose.Condition;
  const ids = async (cond) => (await Product.scan(cond).exec().catch((e) => { console.log("scan failed", new Error().stack.split("\n").slice(0,6).join(" ")); throw e; })).map((p) => `${p.id}/${p.version}`).sort();
  assert.deepEqual(await ids(new C("name").beginsWith("de")), ["p1/2", "p1/4", "p1/6"]);
  assert.deepEqual(await ids(new C("price").between(20, 40)), ["p1/1", "p1/2", "p1/3", "p1/4"]);
  assert.deepEqual(await ids(new C("price").in([5, 60])), ["p1/6", "p2/1"]);
  assert.deepEqual(await ids(new C("image").exists()), ["p1/1"]);
  assert.deepEqual(await ids(new C("image").not().exists()).then((a) => a.length), 6);
  assert.deepEqual(await ids(new C("tags").contains("t5")), ["p1/5"]);
  assert.deepEqual(await ids(new C("tags").not().contains("home")), ["p2/1"]);
  assert.deepEqual(await ids(new C("name").ne("lamp").and().where("price").ge(60)), ["p1/6"]);
  assert.deepEqual(await ids(new C("price").le(10).or().where("price").gt(55)), ["p1/6", "p2/1"]);
  assert.deepEqual(await ids(new C("inStock").eq(false).and().parenthesis((c) => c.where("price").lt(10)
    .or().where("version").eq(3))), ["p1/3", "p2/1"]);
  assert.deepEqual(await ids(new C("dims.w").eq(10)), ["p1/1"]);
  assert.deepEqual(await ids(new C("dims").exists().and().where("name").eq("lamp")), ["p1/1"]);
  assert.deepEqual(await ids(new C({ name: { eq: "desk" }, price: { gt: 30 } })), ["p1/4", "p1/6"]);
  // Raw conditions, for what Condition has no method for: attribute_type, size.
  const rawCond = (FilterExpression, ExpressionAttributeNames, ExpressionAttributeValues) =>
    new C({ FilterExpression, ExpressionAttributeNames, ExpressionAttributeValues });
  assert.deepEqual(await ids(rawCond("attribute_type(#i, :b)", { "#i": "image" }, { ":b": { S: "B" } })), ["p1/1"]);
  assert.deepEqual(await ids(rawCond("attribute_type(#r, :s)", { "#r": "released" }, { ":s": { S: "S" } })), []);
  assert.deepEqual(await ids(rawCond("attribute_type(#e, :m) AND attribute_type(#e.#d.#x, :l)",
    { "#e": "extra", "#d": "deep", "#x": "x" }, { ":m": { S: "M" }, ":l": { S: "L" } })), ["p1/1"]);
  assert.deepEqual(await ids(rawCond("size(#p) = :two AND size(#n) = :four",
    { "#p": "parts", "#n": "name" }, { ":two": { N: "2" }, ":four": { N: "4" } })), ["p1/1"]);
  const scanCount = await Product.scan("price").gt(25).count().exec();
  assert.deepEqual(scanCount, { count: 5, scannedCount: 7 });
  const par = await Product.scan().parallel(3).exec();
  assert.equal(par.length, 7);
  ok("scan with every Condition operator, not(), and/or, groups, nested paths, attribute_type, size, count, parallel");

  // --- update operators.
  // ADD and DELETE of one set in one update are overlapping paths: DynamoDB
  // refuses them (reference/dynamodb-item-api.md §1.2), and nothing changes.
  await assert.rejects(Product.update({ id: "p1", version: 1 }, { $ADD: { tags: ["sale"] }, $DELETE: { tags: ["light"] } }),
    (e) => e.name === "ValidationException" && e.message === "1 validation error detected: Invalid UpdateExpression: " +
      "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [tags], path two: [tags]");
  await Product.update({ id: "p1", version: 1 }, { $DELETE: { tags: ["light"] } });
  const u1 = await Product.update({ id: "p1", version: 1 }, {
    $SET: { price: 35, dims: { w: 10, h: 45 } }, $ADD: { tags: ["sale"], sizes: [3] }, $REMOVE: ["image"],
  });
  assert.equal(u1.price, 35);
  assert.deepEqual([...u1.tags].sort(), ["home", "sale"]);
  assert.deepEqual([...u1.sizes].sort(), [1, 2.5, 3]);
  assert.equal(u1.image, undefined);
  assert.deepEqual(u1.dims, { w: 10, h: 45 });
  const u2 = await Product.update({ id: "p1", version: 1 }, { price: 36, $REMOVE: ["extra"], $ADD: { sizes: [-1] } });
  assert.equal(u2.price, 36);
  assert.equal(u2.extra, undefined);
  assert.deepEqual([...u2.sizes].sort((a, b) => a - b), [-1, 1, 2.5, 3]);
  const u3 = await Product.update({ id: "p1", version: 1 }, { $ADD: { parts: [{ sku: "cord", qty: 1 }] } });
  assert.deepEqual(u3.parts.map((p) => p.sku), ["bulb", "shade", "cord"]);
  // A conditional update that fails changes nothing.
  await assert.rejects(Product.update({ id: "p1", version: 1 }, { price: 1 },
    { condition: new C("price").lt(10) }), /conditional request failed/i);
  await Product.update({ id: "p1", version: 1 }, { price: 37 }, { condition: new C("price").eq(36) });
  const after = await Product.get({ id: "p1", version: 1 });
  assert.equal(after.price, 37);
  // return: "item" default; returnValues "NONE" style: update returning the request only.
  const req = await Product.update({ id: "p1", version: 1 }, { price: 38 }, { return: "request" });
  assert.equal(req.UpdateExpression.includes("SET"), true);
  ok("update with $SET, $ADD (number, set, list), $REMOVE, $DELETE and conditions");

  // --- create/save/delete with conditions.
  await assert.rejects(Product.create({ id: "p1", version: 1, name: "x" }), /conditional request failed/i);
  const item = new Product({ id: "p3", version: 1, name: "chair", price: 80 });
  await item.save();
  item.price = 75;
  await item.save({ condition: new C("price").eq(80) });
  await assert.rejects(item.save({ condition: new C("price").eq(80) }), /conditional request failed/i);
  assert.equal((await Product.get({ id: "p3", version: 1 })).price, 75);
  await assert.rejects(Product.delete({ id: "p3", version: 1 }, { condition: new C("price").gt(100) }),
    /conditional request failed/i);
  await Product.delete({ id: "p3", version: 1 }, { condition: new C("price").eq(75) });
  assert.equal(await Product.get({ id: "p3", version: 1 }), undefined);
  await Product.batchDelete([{ id: "p1", version: 5 }, { id: "p1", version: 6 }]);
  assert.deepEqual((await Product.query("id").eq("p1").exec()).map((p) => p.version), [1, 2, 3, 4]);
  ok("save and delete with conditions; batchDelete");

  // --- transactions.
  await dynamoose.transaction([
    Product.transaction.create({ id: "p4", version: 1, name: "sofa", price: 500 }),
    Product.transaction.update({ id: "p1", version: 2 }, { $ADD: { price: 1 } }),
    Product.transaction.delete({ id: "p1", version: 4 }),
    Product.transaction.condition({ id: "p2", version: 1 }, new C("price").eq(5)),
  ]);
  // (A missing item's response is {} as in DynamoDB, which dynamoose 4.2
  // cannot unmarshal: the transaction gets items that exist.)
  const tg = await dynamoose.transaction([Product.transaction.get({ id: "p4", version: 1 }),
    Product.transaction.get({ id: "p1", version: 2 })]);
  assert.deepEqual(tg.map((p) => `${p.id}/${p.version}/${p.price}`), ["p4/1/500", "p1/2/21"]);
  assert.equal(await Product.get({ id: "p1", version: 4 }), undefined);
  await assert.rejects(dynamoose.transaction([
    Product.transaction.update({ id: "p1", version: 2 }, { $ADD: { price: 100 } }),
    Product.transaction.condition({ id: "p2", version: 1 }, new C("price").eq(6)),
  ]), (e) => e.name === "TransactionCanceledException");
  assert.equal((await Product.get({ id: "p1", version: 2 })).price, 21);
  ok("dynamoose.transaction writes and reads atomically; a failed condition cancels all");

  // --- TTL through `expires`, on an on-demand table.
  const Session = dynamoose.model("Sessions", new dynamoose.Schema({ sid: { type: String, hashKey: true },
    user: String }), { ...fast, throughput: "ON_DEMAND", expires: { ttl: 60 * 60 * 1000, attribute: "expiresAt" } });
  const before = Date.now();
  await Session.create({ sid: "s1", user: "alice" });
  const ttlDesc = (await ddb.send(new DescribeTimeToLiveCommand({ TableName: "Sessions" }))).TimeToLiveDescription;
  assert.deepEqual(ttlDesc, { TimeToLiveStatus: "ENABLED", AttributeName: "expiresAt" });
  const rawSession = (await ddb.getItem({ TableName: "Sessions", Key: { sid: { S: "s1" } } })).Item;
  const exp = Number(rawSession.expiresAt.N);
  // Stored in seconds since the epoch, an hour ahead.
  assert.ok(exp >= Math.floor(before / 1000) + 3600 - 1 && exp <= Math.floor(Date.now() / 1000) + 3600 + 1, String(exp));
  const s1 = await Session.get("s1");
  assert.ok(s1.expiresAt instanceof Date);
  const st = await describe("Sessions");
  assert.equal(st.BillingModeSummary.BillingMode, "PAY_PER_REQUEST");
  ok("expires: UpdateTimeToLive enabled on the model's attribute, items carry it in seconds");
}

if (phase === "update") {
  // --- update: true — the same table, a new model definition: throughput,
  // a new GSI (and the old one deleted), tags, streams.
  const schema2 = new dynamoose.Schema({
    id: { type: String, hashKey: true },
    version: { type: Number, rangeKey: true },
    name: String,
    price: { type: Number, index: { name: "byPrice", type: "global" } },
    released: { type: Date, index: { name: "byReleased", type: "local" } },
  });
  const Product2 = dynamoose.model("Products2", schema2, { ...fast, tableName: "Products", create: false,
    update: true, throughput: { read: 7, write: 8 }, tags: { team: "catalog" },
    streamOptions: { enabled: true, type: "NEW_AND_OLD_IMAGES" } });
  // The model's setup flow (DescribeTable, UpdateTable ×n, TagResource, each
  // followed by waitForActive) runs before its first request.
  assert.equal((await Product2.get({ id: "p4", version: 1 })).price, 500);
  const t2 = await describe("Products");
  assert.deepEqual([t2.ProvisionedThroughput.ReadCapacityUnits, t2.ProvisionedThroughput.WriteCapacityUnits], [7, 8]);
  assert.deepEqual(t2.GlobalSecondaryIndexes.map((i) => [i.IndexName, i.IndexStatus]), [["byPrice", "ACTIVE"]]);
  assert.deepEqual(t2.StreamSpecification, { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" });
  const tags = (await ddb.send(new ListTagsOfResourceCommand({ ResourceArn: t2.TableArn }))).Tags;
  assert.deepEqual(tags, [{ Key: "team", Value: "catalog" }]);
  const byPrice = await Product2.query("price").eq(500).using("byPrice").exec();
  assert.deepEqual(byPrice.map((p) => p.id), ["p4"]);
  ok("update: true changes throughput, replaces the GSI (backfilled), adds tags and a stream");

}

if (phase === "expire") {
  // The server runs with --clock: an hour and a second later a TTL sweep
  // deletes the session (its expiresAt is in the past), and not the one
  // created with a longer TTL. On the real clock the server also sweeps in
  // the background every second, and a round of it may come between the
  // move and the sweep asked for: the session goes in one or the other.
  const Session = dynamoose.model("Sessions", new dynamoose.Schema({ sid: { type: String, hashKey: true },
    user: String }), { create: false, waitForActive: false, expires: { ttl: 60 * 60 * 1000, attribute: "expiresAt" } });
  await Session.create({ sid: "s2", user: "bob", expiresAt: new Date(Date.now() + 3 * 3600 * 1000) });
  const post = async (path, body) => (await fetch(url + path, { method: "POST", body: JSON.stringify(body) })).json();
  assert.equal((await Session.get("s1")).user, "alice");
  await post("/pqsh/clock", { Advance: 3602 });
  const swept = await post("/pqsh/ttl-sweep", {});
  assert.ok(swept.Deleted === 0 || swept.Deleted === 1, JSON.stringify(swept));
  assert.equal(await Session.get("s1"), undefined);
  assert.equal((await Session.get("s2")).user, "bob");
  await post("/pqsh/clock", { Reset: true });
  ok("a TTL sweep past the expiry deletes the expired session only");
}

if (phase === "ondemand") {
  // Switching to on-demand.
  const schema2 = new dynamoose.Schema({ id: { type: String, hashKey: true },
    version: { type: Number, rangeKey: true }, price: Number });
  const Product3 = dynamoose.model("Products3", schema2, { ...fast, tableName: "Products", create: false,
    update: ["throughput"], throughput: "ON_DEMAND" });
  assert.equal((await Product3.get({ id: "p4", version: 1 })).price, 500);
  const t3 = await describe("Products");
  assert.equal(t3.BillingModeSummary.BillingMode, "PAY_PER_REQUEST");
  ok("update: [\"throughput\"] switches the table to PAY_PER_REQUEST");

}
console.log(`${passed} passed, 0 failed`);
