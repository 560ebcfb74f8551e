#!/usr/bin/env node
// calls.mjs URL FILE.api — run an API golden file through the AWS SDK for
// JavaScript v3 and print the answers exactly as calls.py prints boto3's.
//
// The .api format and the output are calls.py's (read its docstring): one
// `> OpName` line per call, then the response as JSON with sorted keys, or
// `! Code: Message` and the error's other members. The two programs must
// print byte-identical text for the same answers, so each rule of calls.py
// has its twin here:
//   - `{"B": base64}` / `{"BS": [base64…]}` in a request are sent as
//     Uint8Array (the SDK base64-encodes them on the wire); binary in an
//     answer is printed in base64;
//   - timestamps (Date objects here, datetimes in boto3) are epoch seconds
//     as a string with at most 3 decimals and no trailing zeros;
//   - members that the service model declares as doubles (botocore parses
//     them to Python floats, printed `1.0`) keep a decimal point;
//   - TableId, Address (DescribeEndpoints' host:port) and the streams'
//     iterators are masked as "<varies>";
//   - the DynamoDB Streams operations go through the streams client, and a
//     request string "$Name" is the last value of member Name in an answer;
//   - the JSON is Python's json.dumps(sort_keys=True, ensure_ascii=False):
//     `", "` and `": "` separators, keys sorted by code point.
// The SDK tests the server, not the request: no retries (maxAttempts 1).
// A request that its model cannot express (a number where a string belongs,
// a wrong-typed member: the SerializationException tests) goes out as
// written, as boto3 without parameter validation sends it: when the body
// the SDK serialized is not the request of the .api file, the file's JSON
// replaces it before signing.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

// Node 20 is supported by the locked SDK; its notice about future versions
// is not an answer of the server and would land in the output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

// The npm packages of the tests live in tests/js (package.json and its lock
// file; `npm ci` there installs them).
const fromJs = createRequire(new URL("../js/package.json", import.meta.url));
const ddb = await import(pathToFileURL(fromJs.resolve("@aws-sdk/client-dynamodb")).href);
const streams = await import(
  pathToFileURL(fromJs.resolve("@aws-sdk/client-dynamodb-streams")).href);
const STREAMS_OPS = new Set(["ListStreams", "DescribeStream", "GetShardIterator", "GetRecords"]);

// Every string member of an answer, by name (the last one met wins).
function remember(v, seen) {
  if (Array.isArray(v)) v.forEach((x) => remember(x, seen));
  else if (v !== null && typeof v === "object" && !(v instanceof Uint8Array) &&
           !(v instanceof Date)) {
    for (const [k, x] of Object.entries(v)) {
      if (typeof x === "string") seen[k] = x;
      else remember(x, seen);
    }
  }
}

// Request JSON with each "$Name" string replaced from `seen`.
function recall(v, seen) {
  if (typeof v === "string" && v.startsWith("$") && v.slice(1) in seen) return seen[v.slice(1)];
  if (Array.isArray(v)) return v.map((x) => recall(x, seen));
  if (v !== null && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, recall(x, seen)]));
  return v;
}

const CALL = /^([A-Z][A-Za-z]+)\s*(.*)$/;

function fail(msg) {
  process.stderr.write(msg + "\n");
  process.exit(1);
}

function readCalls(path) {
  const calls = [];
  let cur = null;
  const lines = readFileSync(path, "utf8").split("\n");
  if (lines.length && lines[lines.length - 1] === "") lines.pop();
  lines.forEach((line, i) => {
    if (line.startsWith("#")) return;
    const m = CALL.exec(line);
    if (m) {
      cur = [m[1], m[2], i + 1];
      calls.push(cur);
    } else if (line.trim()) {
      if (cur === null) fail(`${path}:${i + 1}: text before the first call`);
      cur[1] += "\n" + line;
    }
  });
  return calls.map(([op, text, n]) => {
    try {
      return [op, text.trim() ? JSON.parse(text) : {}, n];
    } catch (e) {
      return fail(`${path}:${n}: the request of ${op} is not JSON: ${e.message}`);
    }
  });
}

const isPlain = (v) => v !== null && typeof v === "object" && !Array.isArray(v) &&
  !(v instanceof Uint8Array) && !(v instanceof Date);

// Request JSON → SDK input: base64 binary values become Uint8Array.
function toWire(v) {
  if (Array.isArray(v)) return v.map(toWire);
  if (isPlain(v)) {
    const keys = Object.keys(v);
    if (keys.length === 1 && typeof v.B === "string") return { B: Buffer.from(v.B, "base64") };
    if (keys.length === 1 && Array.isArray(v.BS) && v.BS.every((x) => typeof x === "string"))
      return { BS: v.BS.map((x) => Buffer.from(x, "base64")) };
    return Object.fromEntries(keys.map((k) => [k, toWire(v[k])]));
  }
  return v;
}

// A Python float as repr() prints it (for the doubles of the model).
class PyFloat {
  constructor(x) { this.x = x; }
  toJSON() {
    if (Number.isInteger(this.x) && Math.abs(this.x) < 1e16) return `${this.x}.0`;
    return String(this.x);
  }
}

// Members of DynamoDB's model whose shape is a double (ConsumedCapacity's
// CapacityUnits / ReadCapacityUnits / WriteCapacityUnits and
// ItemCollectionMetrics' SizeEstimateRangeGB). ProvisionedThroughput's
// ReadCapacityUnits / WriteCapacityUnits are longs: a double only inside a
// Capacity, which is recognised by its CapacityUnits member.
function doubles(v, inCapacity) {
  if (Array.isArray(v)) return v.map((x) => doubles(x, inCapacity));
  if (!isPlain(v)) return v;
  const capacity = "CapacityUnits" in v;
  const out = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x === "number" && (k === "CapacityUnits" ||
        ((capacity || inCapacity) && (k === "ReadCapacityUnits" || k === "WriteCapacityUnits"))))
      out[k] = new PyFloat(x);
    else if (k === "SizeEstimateRangeGB" && Array.isArray(x))
      out[k] = x.map((y) => (typeof y === "number" ? new PyFloat(y) : y));
    else out[k] = doubles(x, k === "Table" || k === "LocalSecondaryIndexes" ||
                              k === "GlobalSecondaryIndexes" ? capacity : false);
  }
  return out;
}

function epoch(d) {
  return (d.getTime() / 1000).toFixed(3).replace(/0+$/, "").replace(/\.$/, "");
}

// SDK answer → printable JSON: bytes in base64, times as epoch seconds.
function fromWire(v) {
  if (v instanceof Uint8Array) return Buffer.from(v).toString("base64");
  if (v instanceof Date) return epoch(v);
  if (v instanceof Set) return [...v].map(fromWire);
  if (Array.isArray(v)) return v.map(fromWire);
  if (isPlain(v)) {
    const out = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = fromWire(x);
    return out;
  }
  return v;
}

// Deep equality of two JSON values (object key order aside).
function sameJson(a, b) {
  if (Array.isArray(a) || Array.isArray(b))
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length &&
      a.every((x, i) => sameJson(x, b[i]));
  if (isPlain(a) && isPlain(b)) {
    const ka = Object.keys(a), kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => k in b && sameJson(a[k], b[k]));
  }
  return a === b;
}

const VARIES = new Set(["TableId", "Address", "ShardIterator", "NextShardIterator"]);

function mask(v) {
  if (Array.isArray(v)) return v.map(mask);
  if (isPlain(v)) {
    const out = {};
    for (const [k, x] of Object.entries(v)) out[k] = VARIES.has(k) ? "<varies>" : mask(x);
    return out;
  }
  return v;
}

// Python's key order: by code point (JS's default sort compares UTF-16 units).
function byCodePoint(a, b) {
  const x = [...a], y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0) - y[i].codePointAt(0);
    if (d) return d;
  }
  return x.length - y.length;
}

// json.dumps(v, sort_keys=True, ensure_ascii=False)
function dumps(v) {
  if (v instanceof PyFloat) return v.toJSON();
  if (Array.isArray(v)) return "[" + v.map(dumps).join(", ") + "]";
  if (isPlain(v)) {
    return "{" + Object.keys(v).sort(byCodePoint)
      .map((k) => JSON.stringify(k) + ": " + dumps(v[k])).join(", ") + "}";
  }
  if (v === undefined) return "null";
  return JSON.stringify(v);
}

function show(obj) {
  process.stdout.write(dumps(doubles(mask(obj), false)) + "\n");
}

// What an SDK exception carries besides the members of the error shape.
const NOT_MEMBERS = new Set(["name", "message", "Message", "$fault", "$metadata", "$retryable",
  "$response", "__type", "Code", "stack"]);

async function main() {
  const [url, path] = process.argv.slice(2);
  if (!url || !path) fail("usage: calls.mjs URL FILE.api");
  const config = {
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDPQSHTEST", secretAccessKey: "pqsh-test-secret" },
    maxAttempts: 1,
  };
  const client = new ddb.DynamoDBClient(config);
  const streamsClient = new streams.DynamoDBStreamsClient(config);
  let wanted = null; // the request of the current call, as written
  const sendAsWritten = (next) => async (args) => {
    let body = args.request?.body;
    if (body instanceof Uint8Array) body = new TextDecoder().decode(body);
    if (wanted && typeof body === "string" && !sameJson(JSON.parse(body), wanted)) {
      args.request.body = JSON.stringify(wanted);
      args.request.headers["content-length"] = String(Buffer.byteLength(args.request.body));
    }
    return next(args);
  };
  for (const c of [client, streamsClient])
    c.middlewareStack.add(sendAsWritten, { step: "build", name: "sendAsWritten" });
  const seen = {};
  for (const [op, written, n] of readCalls(path)) {
    process.stdout.write(`> ${op}\n`);
    const req = recall(written, seen);
    wanted = req;
    const isStreams = STREAMS_OPS.has(op);
    const Command = (isStreams ? streams : ddb)[`${op}Command`];
    if (!Command) fail(`${path}:${n}: the AWS SDK for JavaScript has no operation ${op}`);
    let resp;
    try {
      resp = await (isStreams ? streamsClient : client).send(new Command(toWire(req)));
    } catch (e) {
      if (!e || !e.$metadata || e.$fault === undefined) throw e; // not an answer of the service
      process.stdout.write(`! ${e.name || "?"}: ${e.message ?? ""}\n`);
      const rest = {};
      for (const [k, x] of Object.entries(e)) if (!NOT_MEMBERS.has(k) && x !== undefined) rest[k] = x;
      if (Object.keys(rest).length) show(fromWire(rest));
      continue;
    }
    delete resp.$metadata;
    remember(resp, seen);
    show(fromWire(resp));
  }
  client.destroy();
  streamsClient.destroy();
}

await main();
