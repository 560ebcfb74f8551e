// powertools_idempotency.mjs URL — Powertools for AWS Lambda's idempotency
// utility, with its DynamoDB persistence layer, against pqsh serve.
//
// Orders as the tutorial has them, made idempotent on the order's
// idempotency_token: the same event twice runs the handler once and returns
// the first answer; a handler that throws leaves no record, so the retry of
// that event runs it again. The assertions are on what the handler did and
// on the items of the persistence table, read back with GetItem.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { CreateTableCommand, DynamoDBClient, ExecuteStatementCommand } from "@aws-sdk/client-dynamodb";
import { IdempotencyConfig, makeIdempotent } from "@aws-lambda-powertools/idempotency";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";

const url = process.argv[2];
const clientConfig = { endpoint: url, region: "us-east-1", maxAttempts: 1,
  credentials: { accessKeyId: "AKIDPQSHTEST", secretAccessKey: "pqsh-test-secret" } };
const client = new DynamoDBClient(clientConfig);
const TableName = "IdempotencyTable";
let passed = 0;
function ok(what) { passed++; console.log(`ok   ${what}`); }

await client.send(new CreateTableCommand({ TableName, BillingMode: "PAY_PER_REQUEST",
  AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
  KeySchema: [{ AttributeName: "id", KeyType: "HASH" }] }));

const persistenceStore = new DynamoDBPersistenceLayer({ tableName: TableName, awsSdkV3Client: client });
const config = new IdempotencyConfig({ eventKeyJmesPath: "idempotency_token" });

const orders = [];
const placeOrder = makeIdempotent(async (event) => {
  orders.push(event.order_id);
  return { order_id: event.order_id, placed: orders.length };
}, { persistenceStore, config });

const event = { idempotency_token: "token123", order_id: "order001", order_amount: 100 };
// What Lambda passes as the context: the utility reads the remaining time.
const context = { functionName: "placeOrder", getRemainingTimeInMillis: () => 30000 };
const first = await placeOrder(event, context);
const second = await placeOrder(event, context);
assert.deepEqual(orders, ["order001"]);
ok("the same event twice runs the handler once");
assert.deepEqual(second, first);
assert.deepEqual(first, { order_id: "order001", placed: 1 });
ok("the second call returns the first call's answer");

// The records the utility wrote, read with PartiQL: one per token, status
// COMPLETED, holding the handler's answer.
const records = async () => (await client.send(new ExecuteStatementCommand({
  Statement: `SELECT * FROM "${TableName}"`, ConsistentRead: true }))).Items;
const stored = await records();
assert.equal(stored.length, 1);
// The key: "<function name>#<md5 of the JMESPath result, base64>".
const digest = createHash("md5").update(JSON.stringify("token123")).digest("base64");
assert.ok(stored[0].id.S.endsWith(`#${digest}`), stored[0].id.S);
assert.equal(stored[0].status.S, "COMPLETED");
assert.deepEqual(unmarshall(stored[0].data.M), first);
ok("the persistence table holds one COMPLETED record with the answer");

// A failing handler: no record is kept, the retry runs the handler again.
let attempts = 0;
const flaky = makeIdempotent(async (event) => {
  attempts++;
  if (attempts === 1) throw new Error("payment service down");
  return { order_id: event.order_id, attempt: attempts };
}, { persistenceStore, config });
const event2 = { idempotency_token: "token456", order_id: "order002", order_amount: 250 };
await assert.rejects(flaky(event2, context), /payment service down/);
const retried = await flaky(event2, context);
assert.equal(attempts, 2);
assert.deepEqual(retried, { order_id: "order002", attempt: 2 });
ok("after a failing handler the retry runs it again");
const again = await flaky(event2, context);
assert.equal(attempts, 2);
assert.deepEqual(again, retried);
ok("and once it succeeded, the same event is not run a third time");
const all = await records();
assert.deepEqual(all.map((r) => r.status.S).sort(), ["COMPLETED", "COMPLETED"]);
ok("both tokens end with one COMPLETED record each");

client.destroy();
console.log(`${passed} passed, 0 failed`);
