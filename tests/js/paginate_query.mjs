// paginate_query.mjs URL — the AWS SDK for JavaScript v3's paginateQuery and
// paginateScan against pqsh serve: each follows LastEvaluatedKey until it is
// absent, so the pages together must hold exactly the items one unpaged
// request returns, in order — on a hash-only table (whose Limit-cut page
// hands its only item's key back as ExclusiveStartKey), a sort key, an LSI
// and a GSI.
import assert from "node:assert/strict";
import { CreateTableCommand, DynamoDBClient, PutItemCommand, QueryCommand, ScanCommand,
  paginateQuery, paginateScan } from "@aws-sdk/client-dynamodb";

const url = process.argv[2];
const client = new DynamoDBClient({ endpoint: url, region: "us-east-1", maxAttempts: 1,
  credentials: { accessKeyId: "AKIDPQSHTEST", secretAccessKey: "pqsh-test-secret" } });
let passed = 0;
function ok(what) { passed++; console.log(`ok   ${what}`); }

async function walk(name, paginate, Command, pageSize, input, wantItems, wantPages) {
  const got = [];
  let pages = 0;
  // The paginator writes ExclusiveStartKey into the input it is given.
  for await (const page of paginate({ client, pageSize }, { ...input })) {
    pages++;
    got.push(...(page.Items ?? []));
    assert.ok(pages < 1000, `${name}: the paginator does not stop`);
  }
  const whole = await client.send(new Command({ ...input }));
  assert.deepEqual(got, whole.Items, `${name}: pages hold the unpaged items in order`);
  assert.equal(got.length, wantItems, `${name}: items`);
  if (wantPages !== undefined) assert.equal(pages, wantPages, `${name}: pages`);
  ok(`${name}: ${got.length} items over ${pages} pages`);
}

await client.send(new CreateTableCommand({ TableName: "Tokens", BillingMode: "PAY_PER_REQUEST",
  AttributeDefinitions: [{ AttributeName: "p", AttributeType: "S" }],
  KeySchema: [{ AttributeName: "p", KeyType: "HASH" }] }));
for (let i = 0; i < 5; i++)
  await client.send(new PutItemCommand({ TableName: "Tokens",
    Item: { p: { S: `t${i}` }, n: { N: String(i) } } }));
await walk("hash-only Query", paginateQuery, QueryCommand, 1,
  { TableName: "Tokens", KeyConditionExpression: "p = :p",
    ExpressionAttributeValues: { ":p": { S: "t3" } } }, 1, 2);
await walk("hash-only Scan", paginateScan, ScanCommand, 2, { TableName: "Tokens" }, 5, 3);

await client.send(new CreateTableCommand({ TableName: "Orders", BillingMode: "PAY_PER_REQUEST",
  AttributeDefinitions: [{ AttributeName: "cust", AttributeType: "S" },
    { AttributeName: "id", AttributeType: "N" }, { AttributeName: "total", AttributeType: "N" },
    { AttributeName: "status", AttributeType: "S" }],
  KeySchema: [{ AttributeName: "cust", KeyType: "HASH" }, { AttributeName: "id", KeyType: "RANGE" }],
  LocalSecondaryIndexes: [{ IndexName: "byTotal",
    KeySchema: [{ AttributeName: "cust", KeyType: "HASH" }, { AttributeName: "total", KeyType: "RANGE" }],
    Projection: { ProjectionType: "ALL" } }],
  GlobalSecondaryIndexes: [{ IndexName: "byStatus",
    KeySchema: [{ AttributeName: "status", KeyType: "HASH" }],
    Projection: { ProjectionType: "KEYS_ONLY" } }] }));
for (const cust of ["ann", "bob"])
  for (let i = 0; i < 11; i++)
    await client.send(new PutItemCommand({ TableName: "Orders", Item: {
      cust: { S: cust }, id: { N: String(i) }, total: { N: String(i % 4) },
      status: { S: i % 3 ? "open" : "shipped" } } }));
const ann = { TableName: "Orders", KeyConditionExpression: "cust = :c",
  ExpressionAttributeValues: { ":c": { S: "ann" } } };
await walk("table Query", paginateQuery, QueryCommand, 3, ann, 11, 4);
await walk("LSI Query, descending", paginateQuery, QueryCommand, 2,
  { ...ann, IndexName: "byTotal", ScanIndexForward: false }, 11, 6);
await walk("hash-only GSI Query", paginateQuery, QueryCommand, 3,
  { TableName: "Orders", IndexName: "byStatus", KeyConditionExpression: "#s = :s",
    ExpressionAttributeNames: { "#s": "status" },
    ExpressionAttributeValues: { ":s": { S: "shipped" } } }, 8, 3);
console.log(`${passed} passed`);
