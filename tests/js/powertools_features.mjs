// powertools_features.mjs URL — Powertools for AWS Lambda's idempotency
// utility (DynamoDB persistence) against pqsh serve, beyond the basics of
// powertools_idempotency.mjs: the INPROGRESS record and the
// IdempotencyAlreadyInProgressError path, completion, an abandoned
// in-progress record taken over, payload validation, expiresAfterSeconds,
// the local cache, key prefixes, a sort-key table with custom attribute
// names. The utility's conditional PutItem (attribute_not_exists OR expiry <
// :now OR in-progress expired, ReturnValuesOnConditionCheckFailure ALL_OLD)
// is what pqsh must get right; assertions are on the handler runs, the
// errors and the stored records.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { CreateTableCommand, DeleteItemCommand, DynamoDBClient, PutItemCommand, ScanCommand }
  from "@aws-sdk/client-dynamodb";
import { IdempotencyConfig, makeIdempotent } from "@aws-lambda-powertools/idempotency";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";

const url = process.argv[2];
const client = new DynamoDBClient({ endpoint: url, region: "us-east-1", maxAttempts: 1,
  credentials: { accessKeyId: "AKIDPQSHTEST", secretAccessKey: "pqsh-test-secret" } });
let passed = 0;
function ok(what) { passed++; console.log(`ok   ${what}`); }

// The clock the utility reads (Date.now) can be moved forward a few seconds.
const realNow = Date.now;
let skewMs = 0;
Date.now = () => realNow() + skewMs;

const TableName = "Idem";
const SortTable = "IdemSorted";
await client.send(new CreateTableCommand({ TableName, BillingMode: "PAY_PER_REQUEST",
  AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
  KeySchema: [{ AttributeName: "id", KeyType: "HASH" }] }));
await client.send(new CreateTableCommand({ TableName: SortTable, BillingMode: "PAY_PER_REQUEST",
  AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "S" }],
  KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }] }));

const digest = (v) => createHash("md5").update(JSON.stringify(v)).digest("base64");
const records = async (table = TableName) =>
  (await client.send(new ScanCommand({ TableName: table, ConsistentRead: true }))).Items.map((i) => unmarshall(i));
const recordOf = async (id) => (await records()).find((r) => r.id === id);
const context = { functionName: "orders", getRemainingTimeInMillis: () => 30000 };
const layer = (opts = {}) => new DynamoDBPersistenceLayer({ tableName: TableName, awsSdkV3Client: client, ...opts });

// --- INPROGRESS while the handler runs; a second call meanwhile is refused.
let release;
const gate = new Promise((r) => { release = r; });
let slowRuns = 0;
const slow = makeIdempotent(async (event) => {
  slowRuns++;
  await gate;
  return { order: event.orderId, run: slowRuns };
}, { persistenceStore: layer(), config: new IdempotencyConfig({ eventKeyJmesPath: "orderId", expiresAfterSeconds: 3 }),
  keyPrefix: "slow" });
const idA = `slow#${digest("A")}`;
const t0 = Date.now();
const first = slow({ orderId: "A" }, context);
let rec;
for (let i = 0; i < 3000 && !(rec = await recordOf(idA)); i++) await new Promise((r) => setTimeout(r, 10));
assert.ok(rec, "no INPROGRESS record appeared");
assert.equal(rec.status, "INPROGRESS");
// in_progress_expiration: milliseconds, now + the Lambda's remaining time;
// expiration: seconds, now + expiresAfterSeconds.
assert.ok(rec.in_progress_expiration >= t0 + 30000 && rec.in_progress_expiration <= Date.now() + 30000);
assert.ok(rec.expiration >= Math.floor(t0 / 1000) + 3 - 1 && rec.expiration <= Math.ceil(Date.now() / 1000) + 3 + 1,
  String(rec.expiration));
await assert.rejects(slow({ orderId: "A" }, context), (e) => e.name === "IdempotencyAlreadyInProgressError");
assert.equal(slowRuns, 1);
ok("while the handler runs its record is INPROGRESS and a second call is IdempotencyAlreadyInProgressError");

release();
assert.deepEqual(await first, { order: "A", run: 1 });
rec = await recordOf(idA);
assert.equal(rec.status, "COMPLETED");
assert.deepEqual(rec.data, { order: "A", run: 1 });
assert.deepEqual(await slow({ orderId: "A" }, context), { order: "A", run: 1 });
assert.equal(slowRuns, 1);
ok("on completion the record is COMPLETED with the answer, which later calls get");

// --- expiresAfterSeconds: once the record's expiry is past, the handler runs again.
skewMs = 4000;
const beforeRerun = realNow();
assert.deepEqual(await slow({ orderId: "A" }, context), { order: "A", run: 2 });
assert.equal(slowRuns, 2);
rec = await recordOf(idA);
assert.equal(rec.status, "COMPLETED");
// The new expiry counts from the moved clock: at least 4 + 3 s after beforeRerun (rounded).
assert.ok(rec.expiration >= Math.floor(beforeRerun / 1000) + 4 + 3 - 1, String(rec.expiration));
skewMs = 0;
ok("an expired record (expiry < :now) is replaced and the handler runs again");

// --- an abandoned INPROGRESS record (the Lambda died): taken over once its
// in-progress expiry is past, refused while it is not.
let crashRuns = 0;
const crashed = makeIdempotent(async (event) => { crashRuns++; return { id: event.id }; },
  { persistenceStore: layer(), config: new IdempotencyConfig({ eventKeyJmesPath: "id" }), keyPrefix: "crash" });
const abandoned = (id, inProgressExpiry) => client.send(new PutItemCommand({ TableName, Item: marshall({
  id: `crash#${digest(id)}`, status: "INPROGRESS", expiration: Math.round(Date.now() / 1000) + 3600,
  in_progress_expiration: inProgressExpiry }) }));
await abandoned("old", Date.now() - 1000);
await abandoned("live", Date.now() + 60000);
assert.deepEqual(await crashed({ id: "old" }, context), { id: "old" });
await assert.rejects(crashed({ id: "live" }, context), (e) => e.name === "IdempotencyAlreadyInProgressError");
assert.equal(crashRuns, 1);
assert.equal((await recordOf(`crash#${digest("old")}`)).status, "COMPLETED");
assert.equal((await recordOf(`crash#${digest("live")}`)).status, "INPROGRESS");
ok("an INPROGRESS record past its in-progress expiry is taken over; a live one is not");

// --- payload validation.
let payRuns = 0;
const pay = makeIdempotent(async (event) => { payRuns++; return { charged: event.amount }; },
  { persistenceStore: layer(), keyPrefix: "pay",
    config: new IdempotencyConfig({ eventKeyJmesPath: "orderId", payloadValidationJmesPath: "[amount, currency]" }) });
assert.deepEqual(await pay({ orderId: "B", amount: 10, currency: "EUR", note: "a" }, context), { charged: 10 });
assert.deepEqual(await pay({ orderId: "B", amount: 10, currency: "EUR", note: "b" }, context), { charged: 10 });
await assert.rejects(pay({ orderId: "B", amount: 11, currency: "EUR" }, context),
  (e) => e.name === "IdempotencyValidationError");
assert.equal(payRuns, 1);
rec = await recordOf(`pay#${digest("B")}`);
assert.equal(rec.validation, digest([10, "EUR"]));
ok("payloadValidationJmesPath: the same payload reuses the answer, a changed one is IdempotencyValidationError");

// --- the local cache: answers come from memory, even when the record is gone.
let cacheRuns = 0;
const cachedFn = (useLocalCache) => makeIdempotent(async (event) => { cacheRuns++; return { n: cacheRuns }; },
  { persistenceStore: layer(), keyPrefix: "cache", config: new IdempotencyConfig({ eventKeyJmesPath: "k", useLocalCache }) });
const withCache = cachedFn(true);
assert.deepEqual(await withCache({ k: "C" }, context), { n: 1 });
await client.send(new DeleteItemCommand({ TableName, Key: marshall({ id: `cache#${digest("C")}` }) }));
assert.deepEqual(await withCache({ k: "C" }, context), { n: 1 });
const noCache = cachedFn(false);
assert.deepEqual(await noCache({ k: "C" }, context), { n: 2 });
assert.equal(cacheRuns, 2);
ok("useLocalCache answers from memory; without it a deleted record means a new run");

// --- 20 concurrent calls with one key: exactly one runs the handler, the
// others find its INPROGRESS record (the conditional PutItem is atomic).
let concRuns = 0, releaseConc, settled = 0;
const concGate = new Promise((r) => { releaseConc = r; });
const conc = makeIdempotent(async () => { concRuns++; await concGate; return "done"; },
  { persistenceStore: layer(), keyPrefix: "conc", config: new IdempotencyConfig({ eventKeyJmesPath: "id" }) });
const racing = Array.from({ length: 20 }, () => conc({ id: "X" }, context)
  .then((v) => ["ok", v], (e) => ["err", e.name]).finally(() => { settled++; }));
for (let i = 0; i < 6000 && settled < 19; i++) await new Promise((r) => setTimeout(r, 10));
assert.equal(settled, 19);
releaseConc();
const outcomes = await Promise.all(racing);
assert.equal(concRuns, 1);
assert.deepEqual(outcomes.filter((o) => o[0] === "ok"), [["ok", "done"]]);
assert.deepEqual(new Set(outcomes.filter((o) => o[0] === "err").map((o) => o[1])),
  new Set(["IdempotencyAlreadyInProgressError"]));
ok("20 concurrent calls with one key: one run, 19 IdempotencyAlreadyInProgressError");

// --- no key in the event.
const strict = makeIdempotent(async () => "ran", { persistenceStore: layer(), keyPrefix: "strict",
  config: new IdempotencyConfig({ eventKeyJmesPath: "missing", throwOnNoIdempotencyKey: true }) });
await assert.rejects(strict({ other: 1 }, context), (e) => e.name === "IdempotencyPersistenceLayerError" &&
  e.cause?.name === "IdempotencyKeyError");
assert.equal((await records()).filter((r) => r.id.startsWith("strict")).length, 0);
ok("throwOnNoIdempotencyKey: an event without the key is refused, no record is written");

// --- a table with a sort key and custom attribute names.
let sortedRuns = 0;
const sortedLayer = new DynamoDBPersistenceLayer({ tableName: SortTable, awsSdkV3Client: client,
  keyAttr: "pk", sortKeyAttr: "sk", staticPkValue: "idempotency#shop", expiryAttr: "ttl_at",
  inProgressExpiryAttr: "running_until", statusAttr: "state", dataAttr: "result", validationKeyAttr: "hash" });
let releaseSorted;
const sortedGate = new Promise((r) => { releaseSorted = r; });
const sorted = makeIdempotent(async (event) => { sortedRuns++; await sortedGate; return [event.id, sortedRuns]; },
  { persistenceStore: sortedLayer, keyPrefix: "sorted",
    config: new IdempotencyConfig({ eventKeyJmesPath: "id", payloadValidationJmesPath: "qty" }) });
const s1 = sorted({ id: "D", qty: 2 }, context);
let srec;
for (let i = 0; i < 3000 && !(srec = (await records(SortTable))[0]); i++) await new Promise((r) => setTimeout(r, 10));
assert.equal(srec.pk, "idempotency#shop");
assert.equal(srec.sk, `sorted#${digest("D")}`);
assert.equal(srec.state, "INPROGRESS");
assert.ok(srec.running_until > Date.now());
await assert.rejects(sorted({ id: "D", qty: 2 }, context), (e) => e.name === "IdempotencyAlreadyInProgressError");
releaseSorted();
assert.deepEqual(await s1, ["D", 1]);
assert.deepEqual(await sorted({ id: "D", qty: 2 }, context), ["D", 1]);
await assert.rejects(sorted({ id: "D", qty: 3 }, context), (e) => e.name === "IdempotencyValidationError");
assert.deepEqual(await sorted({ id: "E", qty: 1 }, context), ["E", 2]);
const sortedRecs = (await records(SortTable)).sort((a, b) => a.sk.localeCompare(b.sk));
assert.deepEqual(sortedRecs.map((r) => [r.pk, r.sk, r.state, r.result, r.hash]), [
  ["idempotency#shop", `sorted#${digest("D")}`, "COMPLETED", ["D", 1], digest(2)],
  ["idempotency#shop", `sorted#${digest("E")}`, "COMPLETED", ["E", 2], digest(1)],
].sort((a, b) => a[1].localeCompare(b[1])));
assert.ok(sortedRecs.every((r) => typeof r.ttl_at === "number"));
ok("sort-key table, static partition value and custom attribute names: the same protocol");

client.destroy();
console.log(`${passed} passed, 0 failed`);
