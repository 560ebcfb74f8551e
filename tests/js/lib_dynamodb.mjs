// lib_dynamodb.mjs URL — the AWS SDK's DocumentClient (@aws-sdk/lib-dynamodb)
// against pqsh serve: plain JavaScript values in and out, its marshalling
// options, the paginators, batch and transaction commands, and numbers kept
// exact beyond a double's precision (NumberValue). Every step is checked on
// the data read back; the expected values are DynamoDB's documented
// behaviour (reference/dynamodb-item-api.md), not what pqsh happens to return.
import assert from "node:assert/strict";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand, BatchWriteCommand, DeleteCommand, DynamoDBDocumentClient, GetCommand,
  NumberValue, PutCommand, QueryCommand, ScanCommand, TransactGetCommand, TransactWriteCommand,
  UpdateCommand, paginateQuery, paginateScan,
} from "@aws-sdk/lib-dynamodb";

const url = process.argv[2];
const newClient = () => new DynamoDBClient({ endpoint: url, region: "us-east-1", maxAttempts: 1,
  credentials: { accessKeyId: "AKIDPQSHTEST", secretAccessKey: "pqsh-test-secret" } });
// One DynamoDBClient per DocumentClient: from() keeps its options in the
// client's config, so two sharing one client would share the last options.
const client = newClient();
const doc = DynamoDBDocumentClient.from(client, {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
});
// The same client without the options: its errors are the library's own.
const strict = DynamoDBDocumentClient.from(newClient());
// Numbers come back wrapped, their text exact.
const exact = DynamoDBDocumentClient.from(newClient(), { unmarshallOptions: { wrapNumbers: true } });
let passed = 0;
function ok(what) { passed++; console.log(`ok   ${what}`); }

const TableName = "docs";
await client.send(new CreateTableCommand({ TableName, BillingMode: "PAY_PER_REQUEST",
  AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" },
                         { AttributeName: "sk", AttributeType: "N" }],
  KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }] }));

// --- marshalling: every JavaScript type DocumentClient maps, read back as is.
class Address { constructor(city, zip) { this.city = city; this.zip = zip; } }
const full = {
  pk: "types", sk: 1, str: "text", num: 3.25, neg: -17, big: 12345678901234567890n,
  yes: true, no: false, nothing: null, bin: new Uint8Array([0, 1, 2, 255]),
  strs: new Set(["a", "b"]), nums: new Set([1, 2.5]), list: [1, "two", [3], { four: 4 }],
  map: { nested: { deep: "x" }, empty: {} }, emptyList: [], emptyStr: "",
  gone: undefined, addr: { home: new Address("Lyon", "69001") },
};
await doc.send(new PutCommand({ TableName, Item: full }));
const { Item: types } = await doc.send(new GetCommand({ TableName, Key: { pk: "types", sk: 1 } }));
assert.equal("gone" in types, false);
assert.deepEqual(types.addr, { home: { city: "Lyon", zip: "69001" } });
assert.deepEqual(types.bin, new Uint8Array([0, 1, 2, 255]));
assert.deepEqual(types.strs, new Set(["a", "b"]));
assert.deepEqual(types.nums, new Set([1, 2.5]));
// A bigint comes back as the number it is: beyond 2^53, as a BigInt.
assert.equal(types.big, 12345678901234567890n);
const { bin, strs, nums, addr, big, ...rest } = types;
assert.deepEqual(rest, { pk: "types", sk: 1, str: "text", num: 3.25, neg: -17, yes: true, no: false,
  nothing: null, list: [1, "two", [3], { four: 4 }], map: { nested: { deep: "x" }, empty: {} },
  emptyList: [], emptyStr: "" });
ok("every marshalled type is stored and read back; undefined removed, a class as a map");

for (const Item of [{ pk: "u", sk: 1, m: { gone: undefined } }, { pk: "u", sk: 1, a: { b: new Address("x", "y") } }]) {
  let err;
  try { await strict.send(new PutCommand({ TableName, Item })); } catch (e) { err = e; }
  assert.match(String(err), /removeUndefinedValues|convertClassInstanceToMap/);
}
const { Item: none } = await doc.send(new GetCommand({ TableName, Key: { pk: "u", sk: 1 } }));
assert.equal(none, undefined);
ok("without the options the client refuses undefined and class instances, writing nothing");

// An empty set is not a DynamoDB value: the library refuses it.
await assert.rejects(doc.send(new PutCommand({ TableName, Item: { pk: "e", sk: 1, s: new Set() } })),
  /non-empty set/);
ok("an empty set is refused");

// --- NumberValue: 38 digits survive the round trip and arithmetic.
const precise = "12345678901234567890.123456789012345678";
await exact.send(new PutCommand({ TableName, Item: { pk: "num", sk: 1, v: NumberValue.from(precise),
  small: NumberValue.from("0.000000000000000000000000000000000001") } }));
const { Item: n1 } = await exact.send(new GetCommand({ TableName, Key: { pk: "num", sk: 1 } }));
assert.ok(n1.v instanceof NumberValue);
assert.equal(n1.v.toString(), precise);
// Numbers come back without an exponent (reference/dynamodb.md §2.2).
assert.equal(n1.small.toString(), "0.000000000000000000000000000000000001");
const { Attributes: n2 } = await exact.send(new UpdateCommand({ TableName, Key: { pk: "num", sk: 1 },
  UpdateExpression: "SET v = v + :one ADD c :c", ExpressionAttributeValues: {
    ":one": NumberValue.from("0.000000000000000001"), ":c": NumberValue.from("99999999999999999999999999999999999999") },
  ReturnValues: "UPDATED_NEW" }));
assert.equal(n2.v.toString(), "12345678901234567890.123456789012345679");
assert.equal(n2.c.toString(), "99999999999999999999999999999999999999");
const { Attributes: n3 } = await exact.send(new UpdateCommand({ TableName, Key: { pk: "num", sk: 1 },
  UpdateExpression: "ADD c :one", ExpressionAttributeValues: { ":one": NumberValue.from("1") },
  ReturnValues: "UPDATED_NEW" }));
assert.equal(n3.c.toString(), "1" + "0".repeat(38));
await assert.rejects(exact.send(new UpdateCommand({ TableName, Key: { pk: "num", sk: 1 },
  UpdateExpression: "SET d = :max + :max", ExpressionAttributeValues: {
    ":max": NumberValue.from("9E+125") } })),
  (e) => e.name === "ValidationException" && /^Number overflow/.test(e.message));
// Without wrapNumbers, a number a double cannot hold is refused by the library.
await assert.rejects(strict.send(new GetCommand({ TableName, Key: { pk: "num", sk: 1 } })), /precision|wrapNumbers/i);
ok("NumberValue keeps 38 digits through put, get and update arithmetic; overflow is refused");

// --- BatchWrite / BatchGet, then the paginators over 25 items of one key.
const puts = [];
for (let i = 0; i < 25; i++) puts.push({ PutRequest: { Item: { pk: "page", sk: i, even: i % 2 === 0, pad: "x".repeat(100) } } });
const bw = await doc.send(new BatchWriteCommand({ RequestItems: { [TableName]: puts } }));
assert.deepEqual(bw.UnprocessedItems, {});
const bg = await doc.send(new BatchGetCommand({ RequestItems: { [TableName]: {
  Keys: [{ pk: "page", sk: 3 }, { pk: "page", sk: 24 }, { pk: "page", sk: 99 }],
  ProjectionExpression: "sk, even" } } }));
assert.deepEqual(bg.Responses[TableName].sort((a, b) => a.sk - b.sk), [{ sk: 3, even: false }, { sk: 24, even: true }]);
assert.deepEqual(bg.UnprocessedKeys, {});
ok("BatchWrite puts 25 items; BatchGet returns the two that exist, projected");

const pages = [];
for await (const page of paginateQuery({ client: doc, pageSize: 7 }, { TableName,
  KeyConditionExpression: "pk = :p AND sk >= :lo", ExpressionAttributeValues: { ":p": "page", ":lo": 2 },
  ProjectionExpression: "sk" })) {
  pages.push(page.Items.map((it) => it.sk));
}
assert.deepEqual(pages.map((p) => p.length), [7, 7, 7, 2]);
assert.deepEqual(pages.flat(), Array.from({ length: 23 }, (_, i) => i + 2));
const back = [];
for await (const page of paginateQuery({ client: doc, pageSize: 10 }, { TableName,
  KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": "page" },
  FilterExpression: "even = :t", ExpressionAttributeValues: { ":p": "page", ":t": true },
  ScanIndexForward: false, ProjectionExpression: "sk" })) {
  back.push(...page.Items.map((it) => it.sk));
  assert.ok(page.ScannedCount <= 10);
}
assert.deepEqual(back, [24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0]);
ok("paginateQuery: pages of 7 in key order, and backwards with a filter");

let scanned = 0, count = 0, npages = 0;
for await (const page of paginateScan({ client: doc, pageSize: 5 }, { TableName,
  FilterExpression: "pk = :p", ExpressionAttributeValues: { ":p": "page" } })) {
  npages++; scanned += page.ScannedCount; count += page.Count;
  assert.equal(page.Items.length, page.Count);
}
assert.equal(count, 25);
assert.equal(scanned, 27);
assert.ok(npages >= 6);
const seg = [];
for (const Segment of [0, 1]) {
  for await (const page of paginateScan({ client: doc, pageSize: 4 }, { TableName, Segment, TotalSegments: 2,
    Select: "COUNT" })) seg.push(page.Count);
}
assert.equal(seg.reduce((a, b) => a + b, 0), 27);
ok("paginateScan: every item once across pages and across two segments");

// --- Query and Scan via the plain commands: Select COUNT, Limit + ExclusiveStartKey.
const q = await doc.send(new QueryCommand({ TableName, KeyConditionExpression: "pk = :p AND sk BETWEEN :a AND :b",
  ExpressionAttributeValues: { ":p": "page", ":a": 5, ":b": 9 }, Select: "COUNT" }));
assert.equal(q.Count, 5);
assert.equal(q.Items, undefined);
const l1 = await doc.send(new QueryCommand({ TableName, KeyConditionExpression: "pk = :p",
  ExpressionAttributeValues: { ":p": "page" }, Limit: 2 }));
assert.deepEqual(l1.LastEvaluatedKey, { pk: "page", sk: 1 });
const l2 = await doc.send(new QueryCommand({ TableName, KeyConditionExpression: "pk = :p",
  ExpressionAttributeValues: { ":p": "page" }, Limit: 2, ExclusiveStartKey: l1.LastEvaluatedKey }));
assert.deepEqual(l2.Items.map((i) => i.sk), [2, 3]);
const s = await doc.send(new ScanCommand({ TableName, Limit: 100, FilterExpression: "attribute_exists(addr.home.city)" }));
assert.deepEqual(s.Items.map((i) => i.pk), ["types"]);
assert.equal(s.LastEvaluatedKey, undefined);
ok("Query with Select COUNT and Limit/ExclusiveStartKey; Scan on a nested path");

// --- TransactWrite with ClientRequestToken: idempotent, and conflicts refused.
const tx = (token, amount) => new TransactWriteCommand({ ClientRequestToken: token, TransactItems: [
  { Put: { TableName, Item: { pk: "acct", sk: 1, balance: 100 } , ConditionExpression: "attribute_not_exists(pk)" } },
  { Update: { TableName, Key: { pk: "acct", sk: 2 }, UpdateExpression: "ADD balance :a",
    ExpressionAttributeValues: { ":a": amount } } },
  { ConditionCheck: { TableName, Key: { pk: "page", sk: 0 }, ConditionExpression: "even = :t",
    ExpressionAttributeValues: { ":t": true } } },
] });
await doc.send(tx("token-0001", 50));
// The same token and request again: succeeds, and changes nothing.
await doc.send(tx("token-0001", 50));
const { Item: a2 } = await doc.send(new GetCommand({ TableName, Key: { pk: "acct", sk: 2 } }));
assert.equal(a2.balance, 50);
// The same token with different parameters.
await assert.rejects(doc.send(tx("token-0001", 51)), (e) => e.name === "IdempotentParameterMismatchException");
// A new token: the Put's condition fails, nothing of it is applied.
await assert.rejects(doc.send(tx("token-0002", 50)), (e) => {
  assert.equal(e.name, "TransactionCanceledException");
  assert.deepEqual(e.CancellationReasons.map((r) => r.Code), ["ConditionalCheckFailed", "None", "None"]);
  return true;
});
const { Item: a2b } = await doc.send(new GetCommand({ TableName, Key: { pk: "acct", sk: 2 } }));
assert.equal(a2b.balance, 50);
ok("TransactWrite: a repeated ClientRequestToken is idempotent, a changed one refused, a failed one changes nothing");

const tg = await doc.send(new TransactGetCommand({ TransactItems: [
  { Get: { TableName, Key: { pk: "acct", sk: 1 } } },
  { Get: { TableName, Key: { pk: "acct", sk: 3 } } },
  { Get: { TableName, Key: { pk: "types", sk: 1 }, ProjectionExpression: "#m.nested, #l[3]",
    ExpressionAttributeNames: { "#l": "list", "#m": "map" } } },
] }));
assert.deepEqual(tg.Responses, [{ Item: { pk: "acct", sk: 1, balance: 100 } }, {},
  { Item: { map: { nested: { deep: "x" } }, list: [{ four: 4 }] } }]);
ok("TransactGet: items in request order, an empty response for a missing one, projections");

// --- Update and Delete with ReturnValues and conditions.
const up = await doc.send(new UpdateCommand({ TableName, Key: { pk: "types", sk: 1 },
  UpdateExpression: "SET #l = list_append(#l, :more), #m.added = :now REMOVE str DELETE strs :b ADD nums :n",
  ExpressionAttributeNames: { "#l": "list", "#m": "map" },
  ExpressionAttributeValues: { ":more": [5], ":now": "yes", ":b": new Set(["b"]), ":n": new Set([7]) },
  ReturnValues: "UPDATED_OLD" }));
assert.deepEqual(up.Attributes.list, [1, "two", [3], { four: 4 }]);
assert.equal(up.Attributes.str, "text");
assert.deepEqual(up.Attributes.strs, new Set(["a", "b"]));
assert.deepEqual(up.Attributes.nums, new Set([1, 2.5]));
// UPDATED_OLD holds the updated paths only: map.added did not exist.
assert.equal(up.Attributes.map, undefined);
const { Item: after } = await doc.send(new GetCommand({ TableName, Key: { pk: "types", sk: 1 },
  ProjectionExpression: "#l, strs, nums, #m, str", ExpressionAttributeNames: { "#l": "list", "#m": "map" } }));
assert.deepEqual(after, { list: [1, "two", [3], { four: 4 }, 5], strs: new Set(["a"]),
  nums: new Set([1, 2.5, 7]), map: { nested: { deep: "x" }, empty: {}, added: "yes" } });
await assert.rejects(doc.send(new DeleteCommand({ TableName, Key: { pk: "types", sk: 1 },
  ConditionExpression: "size(#l) > :n", ExpressionAttributeNames: { "#l": "list" },
  ExpressionAttributeValues: { ":n": 5 }, ReturnValuesOnConditionCheckFailure: "ALL_OLD" })),
  (e) => e.name === "ConditionalCheckFailedException" && e.Item.pk.S === "types");
const del = await doc.send(new DeleteCommand({ TableName, Key: { pk: "types", sk: 1 }, ReturnValues: "ALL_OLD" }));
assert.equal(del.Attributes.str, undefined);
assert.equal(del.Attributes.emptyStr, "");
ok("Update with ReturnValues UPDATED_OLD; Delete: failed condition returns the item, ALL_OLD returns it");

// --- concurrent writes through the server's threads: 40 ADDs of one
// counter all count; of 20 conditional creates of one item exactly one wins;
// 10 transactions moving 1 between two accounts keep the total.
await Promise.all(Array.from({ length: 40 }, () => doc.send(new UpdateCommand({ TableName,
  Key: { pk: "counter", sk: 1 }, UpdateExpression: "ADD hits :one", ExpressionAttributeValues: { ":one": 1 } }))));
assert.equal((await doc.send(new GetCommand({ TableName, Key: { pk: "counter", sk: 1 } }))).Item.hits, 40);
const creates = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => doc.send(new PutCommand({ TableName,
  Item: { pk: "lock", sk: 1, owner: i }, ConditionExpression: "attribute_not_exists(pk)" }))));
assert.equal(creates.filter((r) => r.status === "fulfilled").length, 1);
assert.deepEqual(new Set(creates.filter((r) => r.status === "rejected").map((r) => r.reason.name)),
  new Set(["ConditionalCheckFailedException"]));
await doc.send(new BatchWriteCommand({ RequestItems: { [TableName]: [
  { PutRequest: { Item: { pk: "bank", sk: 1, balance: 10 } } }, { PutRequest: { Item: { pk: "bank", sk: 2, balance: 0 } } }] } }));
const moves = await Promise.allSettled(Array.from({ length: 10 }, () => doc.send(new TransactWriteCommand({ TransactItems: [
  { Update: { TableName, Key: { pk: "bank", sk: 1 }, UpdateExpression: "SET balance = balance - :one",
    ConditionExpression: "balance >= :one", ExpressionAttributeValues: { ":one": 1 } } },
  { Update: { TableName, Key: { pk: "bank", sk: 2 }, UpdateExpression: "SET balance = balance + :one",
    ExpressionAttributeValues: { ":one": 1 } } }] }))));
const moved = moves.filter((r) => r.status === "fulfilled").length;
// A transaction may be refused while another holds the items (TransactionConflict);
// whatever succeeded is what moved.
assert.ok(moves.every((r) => r.status === "fulfilled" || r.reason.name === "TransactionCanceledException"));
const bank = (await doc.send(new QueryCommand({ TableName, KeyConditionExpression: "pk = :b",
  ExpressionAttributeValues: { ":b": "bank" }, ConsistentRead: true }))).Items.map((i) => i.balance);
assert.deepEqual(bank, [10 - moved, moved]);
assert.ok(moved >= 1);
ok("concurrent writes: 40 ADDs count 40, one of 20 conditional creates wins, transfers keep the total");

client.destroy(); strict.destroy(); exact.destroy();
console.log(`${passed} passed, 0 failed`);
