// electrodb_features.mjs URL — electrodb v3's documented features against
// pqsh serve, beyond the basics of electrodb.mjs: a Service of two entities
// sharing a collection on a GSI, every write (put, create, patch, update with
// set/add/subtract/append/remove/delete/data, upsert, delete, remove), get,
// batchGet/batchWrite, queries with begins/between/gt/lte and where clauses,
// cursor pagination, scan, transactWrite/transactGet, match and find. Every
// step is checked on the data electrodb reads back.
import assert from "node:assert/strict";
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { Entity, Service } from "electrodb";

const url = process.argv[2];
const client = new DynamoDBClient({ endpoint: url, region: "us-east-1", maxAttempts: 1,
  credentials: { accessKeyId: "AKIDPQSHTEST", secretAccessKey: "pqsh-test-secret" } });
const table = "org";
let passed = 0;
function ok(what) { passed++; console.log(`ok   ${what}`); }

const S = "S";
await client.send(new CreateTableCommand({ TableName: table, BillingMode: "PAY_PER_REQUEST",
  AttributeDefinitions: ["pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "gsi3pk", "gsi3sk"]
    .map((AttributeName) => ({ AttributeName, AttributeType: S })),
  KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
  GlobalSecondaryIndexes: [
    { IndexName: "gsi1", Projection: { ProjectionType: "ALL" },
      KeySchema: [{ AttributeName: "gsi1pk", KeyType: "HASH" }, { AttributeName: "gsi1sk", KeyType: "RANGE" }] },
    { IndexName: "gsi2", Projection: { ProjectionType: "ALL" },
      KeySchema: [{ AttributeName: "gsi2pk", KeyType: "HASH" }, { AttributeName: "gsi2sk", KeyType: "RANGE" }] },
    { IndexName: "gsi3", Projection: { ProjectionType: "KEYS_ONLY" },
      KeySchema: [{ AttributeName: "gsi3pk", KeyType: "HASH" }, { AttributeName: "gsi3sk", KeyType: "RANGE" }] },
  ] }));

const Employee = new Entity({
  model: { entity: "employee", version: "1", service: "org" },
  attributes: {
    employeeId: { type: "string", required: true },
    office: { type: "string", required: true },
    team: { type: ["dev", "ops", "sales"], required: true },
    name: { type: "string", required: true },
    salary: { type: "number", default: 0 },
    hired: { type: "string" },
    skills: { type: "set", items: "string" },
    projects: { type: "list", items: { type: "string" } },
    manager: { type: "string" },
    address: { type: "map", properties: { city: { type: "string" }, zip: { type: "string" } } },
    active: { type: "boolean", default: true },
    createdAt: { type: "number", readOnly: true, default: () => 1700000000 },
  },
  indexes: {
    employee: { pk: { field: "pk", composite: ["employeeId"] }, sk: { field: "sk", composite: [] } },
    byOffice: { index: "gsi1", collection: "workplaces",
      pk: { field: "gsi1pk", composite: ["office"] }, sk: { field: "gsi1sk", composite: ["team", "employeeId"] } },
    byManager: { index: "gsi2",
      pk: { field: "gsi2pk", composite: ["manager"] }, sk: { field: "gsi2sk", composite: ["hired"] } },
    // A KEYS_ONLY index, sparse: only employees with a salary above 100 are in it.
    wellPaid: { index: "gsi3", projection: "keys_only", condition: (attr) => attr.salary > 100,
      pk: { field: "gsi3pk", composite: ["team"] }, sk: { field: "gsi3sk", composite: ["employeeId"] } },
  },
}, { table, client });

const Office = new Entity({
  model: { entity: "office", version: "1", service: "org" },
  attributes: {
    office: { type: "string", required: true },
    country: { type: "string", required: true },
    city: { type: "string", required: true },
    capacity: { type: "number" },
  },
  indexes: {
    locations: { pk: { field: "pk", composite: ["country"] }, sk: { field: "sk", composite: ["city", "office"] } },
    workplaces: { index: "gsi1", collection: "workplaces",
      pk: { field: "gsi1pk", composite: ["office"] }, sk: { field: "gsi1sk", composite: [] } },
  },
}, { table, client });

const org = new Service({ employee: Employee, office: Office });

// --- put, create (refuses an existing item), get, batchWrite.
await Office.put({ office: "lyon1", country: "fr", city: "lyon", capacity: 40 }).go();
await Office.put({ office: "paris1", country: "fr", city: "paris", capacity: 200 }).go();
await Office.put({ office: "berlin1", country: "de", city: "berlin", capacity: 80 }).go();
const people = [
  { employeeId: "e01", office: "lyon1", team: "dev", name: "Ana", salary: 100, hired: "2020-01-15", manager: "e05",
    skills: ["c", "sql"], projects: ["pqsh"], address: { city: "lyon", zip: "69001" } },
  { employeeId: "e02", office: "lyon1", team: "ops", name: "Ben", salary: 90, hired: "2021-03-01", manager: "e05" },
  { employeeId: "e03", office: "lyon1", team: "dev", name: "Chloe", salary: 120, hired: "2019-07-30", manager: "e05" },
  { employeeId: "e04", office: "paris1", team: "sales", name: "Dan", salary: 80, hired: "2022-11-11", manager: "e06" },
  { employeeId: "e05", office: "lyon1", team: "dev", name: "Eve", salary: 150, hired: "2018-02-02", manager: "e06" },
];
const bw = await Employee.put(people).go();
assert.deepEqual(bw.unprocessed, []);
await Employee.create({ employeeId: "e06", office: "paris1", team: "ops", name: "Fay", hired: "2015-05-05" }).go();
await assert.rejects(Employee.create({ employeeId: "e06", office: "paris1", team: "ops", name: "Dup" }).go(),
  /conditional request failed/i);
const e01 = await Employee.get({ employeeId: "e01" }).go();
assert.deepEqual(e01.data, { ...people[0], active: true, createdAt: 1700000000 });
const e06 = await Employee.get({ employeeId: "e06" }).go();
assert.equal(e06.data.name, "Fay");
assert.equal(e06.data.salary, 0);
ok("put, batch put (no unprocessed), create refusing an existing key, get with defaults");

// The keys electrodb wrote: its own key format, on the base table and both GSIs.
const raw = (await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: "$org#employeeid_e01" },
  sk: { S: "$employee_1" } } }))).Item;
assert.equal(raw.gsi1pk.S, "$org#office_lyon1");
assert.equal(raw.gsi1sk.S, "$workplaces#employee_1#team_dev#employeeid_e01");
assert.equal(raw.gsi2sk.S, "$employee_1#hired_2020-01-15");
ok("the stored item carries electrodb's keys for the table and both indexes");

// --- batchGet, with keys that do not exist.
const bg = await Employee.get([{ employeeId: "e02" }, { employeeId: "e04" }, { employeeId: "nobody" }]).go();
assert.deepEqual(bg.data.map((e) => e.name).sort(), ["Ben", "Dan"]);
assert.deepEqual(bg.unprocessed, []);
ok("batchGet returns the items that exist, nothing unprocessed");

// --- queries: begins, between, gt, lte, where, on the table and on GSIs.
const names = (r) => r.data.map((e) => e.name);
assert.deepEqual(names(await Employee.query.byOffice({ office: "lyon1" }).go()), ["Ana", "Chloe", "Eve", "Ben"]);
assert.deepEqual(names(await Employee.query.byOffice({ office: "lyon1", team: "dev" }).go()), ["Ana", "Chloe", "Eve"]);
assert.deepEqual(names(await Employee.query.byOffice({ office: "lyon1" }).begins({ team: "o" }).go()), ["Ben"]);
assert.deepEqual(names(await Employee.query.byManager({ manager: "e05" })
  .between({ hired: "2019-01-01" }, { hired: "2020-12-31" }).go()), ["Chloe", "Ana"]);
assert.deepEqual(names(await Employee.query.byManager({ manager: "e05" }).gt({ hired: "2020-01-15" }).go()), ["Ben"]);
assert.deepEqual(names(await Employee.query.byManager({ manager: "e05" }).lte({ hired: "2020-01-15" }).go()),
  ["Chloe", "Ana"]);
assert.deepEqual(names(await Employee.query.byManager({ manager: "e05" }).gte({ hired: "2020-01-15" }).go({ order: "desc" })),
  ["Ben", "Ana"]);
assert.deepEqual(names(await Employee.query.byOffice({ office: "lyon1" })
  .where(({ salary, team }, { gt, eq }) => `${gt(salary, 95)} AND ${eq(team, "dev")}`).go()), ["Ana", "Chloe", "Eve"]);
assert.deepEqual(names(await Employee.query.byOffice({ office: "lyon1" })
  .where(({ skills }, { contains }) => contains(skills, "sql"))
  .where(({ address }, { exists }) => exists(address)).go()), ["Ana"]);
assert.deepEqual(names(await Employee.query.byOffice({ office: "lyon1" })
  .where(({ name }, { begins, notExists, size }) => `${begins(name, "E")} OR (${notExists(name)})`).go()), ["Eve"]);
assert.deepEqual(names(await Employee.query.byOffice({ office: "lyon1" })
  .where(({ salary }, { between }) => between(salary, 90, 110)).go()), ["Ana", "Ben"]);
assert.deepEqual(names(await Employee.query.byOffice({ office: "lyon1" })
  .where(({ address }, { eq }) => eq(address.city, "lyon")).go()), ["Ana"]);
assert.deepEqual(names(await Employee.query.byOffice({ office: "lyon1" })
  .where(({ name }, { value, name: n }) => `${n(name)} IN (${value(name, "Ben")}, ${value(name, "Eve")})`).go()),
  ["Eve", "Ben"]);
const offices = await Office.query.locations({ country: "fr" }).begins({ city: "l" }).go();
assert.deepEqual(offices.data.map((o) => o.office), ["lyon1"]);
ok("queries: composite sort keys, begins, between, gt, lte, gte desc, where with every operator");

// --- a KEYS_ONLY sparse index: keys only, or the whole items with hydrate.
const wellPaid = await Employee.query.wellPaid({ team: "dev" }).go();
// The index holds keys only: electrodb finds no attributes in them.
assert.deepEqual(wellPaid.data, [{}, {}]);
const rawKeys = await Employee.query.wellPaid({ team: "dev" }).go({ data: "raw" });
assert.deepEqual(rawKeys.data.Items.map((i) => Object.keys(i).sort()), [["gsi3pk", "gsi3sk", "pk", "sk"],
  ["gsi3pk", "gsi3sk", "pk", "sk"]]);
assert.deepEqual(rawKeys.data.Items.map((i) => i.pk), ["$org#employeeid_e03", "$org#employeeid_e05"]);
const hydrated = await Employee.query.wellPaid({ team: "dev" }).go({ hydrate: true });
assert.deepEqual(hydrated.data.map((e) => `${e.employeeId}/${e.name}/${e.salary}`), ["e03/Chloe/120", "e05/Eve/150"]);
// Projections and a count limit.
const proj = await Employee.query.byOffice({ office: "lyon1" }).go({ attributes: ["name", "salary"] });
assert.deepEqual(proj.data, [{ name: "Ana", salary: 100 }, { name: "Chloe", salary: 120 }, { name: "Eve", salary: 150 },
  { name: "Ben", salary: 90 }]);
const two = await Employee.query.byOffice({ office: "lyon1" }).go({ count: 2 });
assert.deepEqual(names(two), ["Ana", "Chloe"]);
ok("a sparse KEYS_ONLY index, hydrated from the table; attribute projections; count");

// --- collections across entities.
const wp = await org.collections.workplaces({ office: "lyon1" }).go();
assert.deepEqual(wp.data.office.map((o) => o.city), ["lyon"]);
assert.deepEqual(wp.data.employee.map((e) => e.name).sort(), ["Ana", "Ben", "Chloe", "Eve"]);
const wpDev = await org.collections.workplaces({ office: "lyon1" })
  .where(({ team }, { eq }) => eq(team, "ops")).go();
assert.deepEqual(wpDev.data.employee.map((e) => e.name), ["Ben"]);
ok("a Service collection returns both entities of an office from one query");

// --- pagination with cursors, and pages: "all".
const seen = [];
let cursor = null, pages = 0;
do {
  const page = await Employee.query.byOffice({ office: "lyon1" }).go({ cursor, limit: 3 });
  seen.push(...names(page));
  cursor = page.cursor;
  pages++;
} while (cursor && pages < 10);
assert.deepEqual(seen, ["Ana", "Chloe", "Eve", "Ben"]);
assert.ok(pages === 2 || pages === 3, String(pages));
const allScan = await Employee.scan.go({ pages: "all" });
assert.equal(allScan.data.length, 6);
const scanDev = await Employee.scan.where(({ team }, { eq }) => eq(team, "dev")).go({ pages: "all" });
assert.deepEqual(scanDev.data.map((e) => e.employeeId).sort(), ["e01", "e03", "e05"]);
ok("cursor pagination visits every employee once; scan with and without a filter");

// --- match and find.
const m = await Employee.match({ office: "lyon1", team: "dev" }).go({ pages: "all" });
assert.deepEqual(m.data.map((e) => e.employeeId).sort(), ["e01", "e03", "e05"]);
// find builds the key from the attributes given and adds no filter for the others.
const f = await Employee.find({ office: "lyon1", team: "ops", name: "not a filter" }).go({ pages: "all" });
assert.deepEqual(f.data.map((e) => e.employeeId), ["e02"]);
const m2 = await Employee.match({ office: "lyon1", name: "Ben" }).go({ pages: "all" });
assert.deepEqual(m2.data.map((e) => e.employeeId), ["e02"]);
const f2 = await Employee.find({ manager: "e06" }).go({ pages: "all" });
assert.deepEqual(f2.data.map((e) => e.employeeId).sort(), ["e04", "e05"]);
ok("match and find choose an index and filter the rest");

// --- update operations.
const u = await Employee.update({ employeeId: "e01" })
  .set({ name: "Ana B." }).add({ salary: 10, skills: ["go"] }).subtract({ salary: 3 }).go({ response: "all_new" })
  .catch((e) => e);
// add and subtract on one attribute in one update are overlapping paths.
assert.match(String(u), /Two document paths overlap/);
const u1 = await Employee.update({ employeeId: "e01" })
  .set({ name: "Ana B." }).add({ salary: 10, skills: ["go"] }).append({ projects: ["bench"] })
  .remove(["manager"]).go({ response: "all_new" });
assert.deepEqual(u1.data.name, "Ana B.");
assert.deepEqual(u1.data.salary, 110);
assert.deepEqual(u1.data.skills.sort(), ["c", "go", "sql"]);
assert.deepEqual(u1.data.projects, ["pqsh", "bench"]);
assert.equal(u1.data.manager, undefined);
const u2 = await Employee.update({ employeeId: "e01" }).subtract({ salary: 5 }).delete({ skills: ["c"] })
  .go({ response: "updated_new" });
// (electrodb's update also sets the item's own key attributes: employeeId.)
assert.deepEqual({ ...u2.data, skills: u2.data.skills.sort() }, { employeeId: "e01", salary: 105, skills: ["go", "sql"] });
const u3 = await Employee.update({ employeeId: "e01" })
  .data(({ salary, address, projects }, { set, add, remove, append }) => {
    set(address.city, "Villeurbanne");
    add(salary, 1);
    append(projects, ["docs"]);
  }).go({ response: "all_old" });
assert.equal(u3.data.salary, 105);
const after = await Employee.get({ employeeId: "e01" }).go();
assert.deepEqual([after.data.salary, after.data.address, after.data.projects],
  [106, { city: "Villeurbanne", zip: "69001" }, ["pqsh", "bench", "docs"]]);
// Changing an attribute of a GSI key rewrites that index's key.
await Employee.patch({ employeeId: "e02" }).set({ team: "dev", office: "lyon1" })
  .composite({ office: "lyon1" }).go();
const devs = await Employee.query.byOffice({ office: "lyon1", team: "dev" }).go();
assert.deepEqual(devs.data.map((e) => e.employeeId), ["e01", "e02", "e03", "e05"]);
// readOnly attributes cannot be updated (the library refuses).
await assert.rejects(Employee.update({ employeeId: "e01" }).set({ createdAt: 1 }).go(), /read-only/i);
// update with a condition.
await assert.rejects(Employee.update({ employeeId: "e01" }).set({ salary: 1 })
  .where(({ salary }, { lt }) => lt(salary, 100)).go(), /conditional request failed/i);
assert.equal((await Employee.get({ employeeId: "e01" }).go()).data.salary, 106);
ok("update: set, add, subtract, append, remove, delete, data(); GSI keys follow; conditions");

// ifNotExists in an upsert leaves an existing value alone (if_not_exists).
await Employee.upsert({ employeeId: "e06", office: "paris1", team: "ops", name: "Fay" })
  .ifNotExists({ hired: "2099-01-01", manager: "e01" }).go();
const e06b = await Employee.get({ employeeId: "e06" }).go();
assert.deepEqual([e06b.data.hired, e06b.data.manager], ["2015-05-05", "e01"]);

// --- upsert: creates, then updates in place; patch refuses a missing item.
await Employee.upsert({ employeeId: "e07", office: "berlin1", team: "ops", name: "Gus", salary: 70 }).go();
await Employee.upsert({ employeeId: "e07", office: "berlin1", team: "ops", name: "Gus", salary: 75 }).go();
const e07 = await Employee.get({ employeeId: "e07" }).go();
assert.equal(e07.data.salary, 75);
assert.equal(e07.data.active, true);
await assert.rejects(Employee.patch({ employeeId: "nobody" }).set({ name: "x" }).go(), /conditional request failed/i);
ok("upsert creates, updates, and with ifNotExists keeps existing values; patch of a missing item fails");

// --- delete and remove.
await Employee.delete({ employeeId: "nobody" }).go();
await assert.rejects(Employee.remove({ employeeId: "nobody" }).go(), /conditional request failed/i);
const del = await Employee.remove({ employeeId: "e07" }).go({ response: "all_old" });
assert.equal(del.data.name, "Gus");
assert.equal((await Employee.get({ employeeId: "e07" }).go()).data, null);
const bdel = await Employee.delete([{ employeeId: "e04" }, { employeeId: "nobody2" }]).go();
assert.deepEqual(bdel.unprocessed, []);
assert.equal((await Employee.get({ employeeId: "e04" }).go()).data, null);
ok("delete of a missing key succeeds, remove fails; remove returns the old item; batch delete");

// --- transactions.
await org.transaction.write(({ employee, office }) => [
  employee.create({ employeeId: "e08", office: "berlin1", team: "dev", name: "Hal" }).commit(),
  employee.patch({ employeeId: "e03" }).add({ salary: 5 }).commit(),
  office.update({ country: "de", city: "berlin", office: "berlin1" }).add({ capacity: 1 }).commit(),
  employee.check({ employeeId: "e05" }).where(({ salary }, { eq }) => eq(salary, 150)).commit(),
]).go();
const tg = await org.transaction.get(({ employee, office }) => [
  employee.get({ employeeId: "e08" }).commit(),
  employee.get({ employeeId: "e03" }).commit(),
  office.get({ country: "de", city: "berlin", office: "berlin1" }).commit(),
  employee.get({ employeeId: "missing" }).commit(),
]).go();
assert.equal(tg.canceled, false);
assert.deepEqual(tg.data.map((r) => r.item && (r.item.name ?? r.item.capacity)), ["Hal", "Chloe", 81, null]);
assert.equal(tg.data[1].item.salary, 125);
const failed = await org.transaction.write(({ employee }) => [
  employee.patch({ employeeId: "e03" }).add({ salary: 100 }).commit(),
  employee.create({ employeeId: "e08", office: "berlin1", team: "dev", name: "Hal again" }).commit(),
]).go();
assert.equal(failed.canceled, true);
assert.deepEqual(failed.data.map((r) => r.code), ["None", "ConditionalCheckFailed"]);
assert.equal((await Employee.get({ employeeId: "e03" }).go()).data.salary, 125);
ok("transactWrite (create, patch, update, check) and transactGet; a cancelled one changes nothing");

// --- batchGet beyond 16 MB: the keys past the limit come back unprocessed
// (reference/dynamodb-item-api.md: UnprocessedKeys), and electrodb hands
// them back as keys to retry.
const Doc = new Entity({
  model: { entity: "doc", version: "1", service: "org" },
  attributes: { docId: { type: "string", required: true }, body: { type: "string" } },
  indexes: { doc: { pk: { field: "pk", composite: ["docId"] }, sk: { field: "sk", composite: [] } } },
}, { table, client });
const body = "x".repeat(390 * 1024);
const docIds = Array.from({ length: 45 }, (_, i) => `d${String(i).padStart(2, "0")}`);
const dw = await Doc.put(docIds.map((docId) => ({ docId, body }))).go();
assert.deepEqual(dw.unprocessed, []);
const dg = await Doc.get(docIds.map((docId) => ({ docId }))).go();
assert.ok(dg.unprocessed.length > 0 && dg.data.length > 0, `${dg.data.length} + ${dg.unprocessed.length}`);
assert.ok(dg.data.length * body.length <= 16 * 1024 * 1024);
assert.deepEqual([...dg.data.map((d) => d.docId), ...dg.unprocessed.map((k) => k.docId)].sort(), docIds);
assert.ok(dg.data.every((d) => d.body === body));
const retry = await Doc.get(dg.unprocessed).go();
assert.deepEqual(retry.unprocessed, []);
assert.equal(retry.data.length, dg.unprocessed.length);
ok("batchGet past 16 MB: the rest is unprocessed, and a retry of those returns them");

client.destroy();
console.log(`${passed} passed, 0 failed`);
