/* fuzz_engine.c — libFuzzer target: requests → the embedded engine → invariants on answers and
 * store.
 *
 * Each input runs on a :memory: engine holding four tables (hash only, with
 * a stream; hash + range; hash + range with an LSI and two GSIs; a binary key) and a few
 * items, always in that state: one engine per process, its database put
 * back to a snapshot after an input that wrote. So a finding replays from
 * its input alone. The input is text:
 * its first byte picks the call, its lines give statements, Parameters and
 * extra request members:
 *
 *   E  ExecuteStatement: line 1 the statement; a later "[…" line is its
 *      Parameters, a "{…" line is merged into the request (Limit, NextToken…)
 *   P  the same, then follows NextToken for up to 16 pages
 *   B  BatchExecuteStatement, T  ExecuteTransaction: each plain line is a
 *      statement, "[…" the Parameters of the one before, "{…" is merged into
 *      the statement before (into the request when it comes first)
 *   R  any operation: line 1 the op name, the rest its raw JSON body
 *
 * Any other first byte picks one of these by its value. Checks, beyond "no
 * crash, no leak, no UB": an error is PQ_ERR_SERVICE with a type and a
 * message and no response, and leaves the store (descriptions and items) as
 * it was; a success is a JSON object that dumps; after the
 * input every table scans (paging through NextToken) to items whose
 * attributes are canonical AttributeValues and whose keys have the table's
 * key types, DescribeTable's ItemCount matches the scan, each index holds
 * exactly the items with its key attributes, and now and then SQLite's
 * integrity_check passes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/internal.h"
#include "snapshot.h"
#include "pqsh/value.h"

#define MAX_STATEMENTS 30
#define MAX_PAGES 16

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_engine: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    abort();
}

/* "Type: message" of the last failed call. */
static char last_error[512];

/* Calls `op`; checks the shape of the outcome. Returns the response (new
 * reference) or NULL after an error (described in last_error). */
static json_t *call(struct pq_engine *e, const char *op, json_t *req)
{
    struct pq_error err;
    pq_error_init(&err);
    json_t *resp = NULL;
    pq_status rc = pq_engine_call(e, op, req, &resp, &err);
    if (rc != PQ_OK) {
        if (rc != PQ_ERR_SERVICE) die("error is not a service error", err.message);
        if (!err.type || !err.type[0]) die("service error without a type", err.message);
        if (!err.message) die("service error without a message", err.type);
        if (resp) die("error with a response", err.type);
        snprintf(last_error, sizeof last_error, "%s: %s", err.type, err.message);
        pq_error_release(&err);
        return NULL;
    }
    if (!resp || !json_is_object(resp)) die("success without a JSON object", op);
    char *text = json_dumps(resp, JSON_COMPACT);
    if (!text) die("response does not dump as JSON", op);
    free(text);
    pq_error_release(&err);
    return resp;
}

static json_t *must_call(struct pq_engine *e, const char *op, const char *body)
{
    json_error_t jerr;
    json_t *req = json_loads(body, 0, &jerr);
    if (!req) die("bad setup JSON", jerr.text);
    json_t *resp = call(e, op, req);
    json_decref(req);
    if (!resp) die("setup call failed", last_error);
    return resp;
}

/* ---- the starting state ------------------------------------------------ */

static const char *const setup_tables[] = {
    /* With a stream: every write to Hash also appends a stream record. */
    "{\"TableName\":\"Hash\",\"BillingMode\":\"PAY_PER_REQUEST\","
    "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"}],"
    "\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}],"
    "\"StreamSpecification\":{\"StreamEnabled\":true,\"StreamViewType\":\"NEW_AND_OLD_IMAGES\"}}",
    "{\"TableName\":\"HashRange\",\"BillingMode\":\"PAY_PER_REQUEST\","
    "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"},"
    "{\"AttributeName\":\"sk\",\"AttributeType\":\"N\"}],"
    "\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},"
    "{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}]}",
    "{\"TableName\":\"Indexed\",\"BillingMode\":\"PROVISIONED\","
    "\"ProvisionedThroughput\":{\"ReadCapacityUnits\":5,\"WriteCapacityUnits\":5},"
    "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"},"
    "{\"AttributeName\":\"sk\",\"AttributeType\":\"N\"},"
    "{\"AttributeName\":\"l\",\"AttributeType\":\"S\"},"
    "{\"AttributeName\":\"g\",\"AttributeType\":\"N\"},"
    "{\"AttributeName\":\"gs\",\"AttributeType\":\"S\"},"
    "{\"AttributeName\":\"b\",\"AttributeType\":\"B\"}],"
    "\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},"
    "{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}],"
    "\"LocalSecondaryIndexes\":[{\"IndexName\":\"lsi\",\"KeySchema\":["
    "{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"l\",\"KeyType\":"
    "\"RANGE\"}],\"Projection\":{\"ProjectionType\":\"KEYS_ONLY\"}}],"
    "\"GlobalSecondaryIndexes\":[{\"IndexName\":\"gsi\",\"KeySchema\":["
    "{\"AttributeName\":\"g\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"gs\",\"KeyType\":"
    "\"RANGE\"}],\"Projection\":{\"ProjectionType\":\"INCLUDE\",\"NonKeyAttributes\":[\"x\"]},"
    "\"ProvisionedThroughput\":{\"ReadCapacityUnits\":1,\"WriteCapacityUnits\":1}},"
    "{\"IndexName\":\"gbin\",\"KeySchema\":[{\"AttributeName\":\"b\",\"KeyType\":\"HASH\"}],"
    "\"Projection\":{\"ProjectionType\":\"ALL\"},"
    "\"ProvisionedThroughput\":{\"ReadCapacityUnits\":1,\"WriteCapacityUnits\":1}}]}",
    "{\"TableName\":\"Bin\",\"BillingMode\":\"PAY_PER_REQUEST\","
    "\"AttributeDefinitions\":[{\"AttributeName\":\"k\",\"AttributeType\":\"B\"}],"
    "\"KeySchema\":[{\"AttributeName\":\"k\",\"KeyType\":\"HASH\"}]}",
};

static const char *const setup_items[] = {
    "INSERT INTO \"Hash\" VALUE {'pk': 'a', 'n': 1, 'm': {'x': [1, 'two', <<3, 4>>]}}",
    "INSERT INTO \"Hash\" VALUE {'pk': 'b', 'ss': <<'p', 'q'>>, 'nul': NULL, 't': TRUE}",
    "INSERT INTO \"Hash\" VALUE {'pk': '', 'e': 'empty key is refused'}",
    "INSERT INTO \"HashRange\" VALUE {'pk': 'a', 'sk': 1, 'v': 'one'}",
    "INSERT INTO \"HashRange\" VALUE {'pk': 'a', 'sk': 2.5, 'v': 'two and a half'}",
    "INSERT INTO \"HashRange\" VALUE {'pk': 'a', 'sk': -3e10, 'l': [[], {}]}",
    "INSERT INTO \"HashRange\" VALUE {'pk': 'b', 'sk': 0, 'ns': <<1, 2.0, 3e2>>}",
    "INSERT INTO \"Indexed\" VALUE {'pk': 'a', 'sk': 1, 'l': 'x', 'g': 7, 'gs': 'y', 'x': 1}",
    "INSERT INTO \"Indexed\" VALUE {'pk': 'a', 'sk': 2, 'g': 7, 'gs': 'z'}",
    "INSERT INTO \"Indexed\" VALUE {'pk': 'b', 'sk': 1, 'l': 'w', 'g': 'not a number'}",
    "INSERT INTO \"Indexed\" VALUE {'pk': 'c', 'sk': 3, 'b': ?, 'x': [1]}",
    "INSERT INTO \"Bin\" VALUE {'k': ?, 'v': 1}",
};

static struct pq_engine *engine_new(void)
{
    struct pq_engine_options opt = {
        .path = ":memory:", .region = NULL, .fixed_time = 1700000000.0, .page_bytes = 2048};
    struct pq_engine *e = NULL;
    struct pq_error err;
    pq_error_init(&err);
    if (pq_engine_open(&opt, &e, &err) != PQ_OK) die("cannot open the engine", err.message);
    for (size_t i = 0; i < sizeof setup_tables / sizeof setup_tables[0]; i++)
        json_decref(must_call(e, "CreateTable", setup_tables[i]));
    for (size_t i = 0; i < sizeof setup_items / sizeof setup_items[0]; i++) {
        json_t *req = json_pack("{s:s}", "Statement", setup_items[i]);
        if (strchr(setup_items[i], '?'))
            json_object_set_new(req, "Parameters", json_pack("[{s:s}]", "B", "AAEC/w=="));
        json_decref(call(e, "ExecuteStatement", req)); /* the empty key fails */
        json_decref(req);
    }
    return e;
}

/* ---- the input --------------------------------------------------------- */

/* Line `i` of the input (after the mode byte) as a new JSON value: a
 * string, or the parsed value of a line starting with '[' or '{' (NULL when
 * such a line is not JSON or not UTF-8). */
struct line {
    const char *text;
    size_t len;
};

static size_t split_lines(const char *text, size_t len, struct line *out, size_t max)
{
    size_t n = 0, pos = 0;
    while (pos <= len && n < max) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t l = nl ? (size_t)(nl - (text + pos)) : len - pos;
        out[n].text = text + pos;
        out[n].len = l;
        n++;
        pos += l + 1;
    }
    return n;
}

static bool is_json_line(const struct line *l)
{
    return l->len > 0 && (l->text[0] == '[' || l->text[0] == '{');
}

/* NULL when the line is not valid UTF-8 (it could not travel as JSON). */
static json_t *line_json(const struct line *l)
{
    if (is_json_line(l)) return json_loadb(l->text, l->len, 0, NULL);
    return json_stringn(l->text, l->len);
}

/* Merges a '{' line into `obj`; a '[' line becomes `obj`.Parameters. */
static void apply_json_line(json_t *obj, const struct line *l)
{
    json_t *v = line_json(l);
    if (!v) return;
    if (json_is_object(v))
        json_object_update(obj, v);
    else
        json_object_set(obj, "Parameters", v);
    json_decref(v);
}

/* Statements (with their Parameters and members) of a B or T input. */
static json_t *statement_list(const struct line *lines, size_t n, json_t *request)
{
    json_t *list = json_array();
    json_t *cur = NULL;
    for (size_t i = 0; i < n; i++) {
        if (is_json_line(&lines[i])) {
            apply_json_line(cur ? cur : request, &lines[i]);
            continue;
        }
        json_t *s = line_json(&lines[i]);
        if (!s) continue;
        cur = json_pack("{s:o}", "Statement", s);
        json_array_append_new(list, cur);
    }
    return list;
}

static char *store_digest(struct pq_engine *e);

/* The digest of the store as of `digest_changes` rows changed on the
 * connection (sqlite3_total_changes counts every row written, even by a
 * rolled-back call): while the count stays, so does the store, and the
 * digest is not computed again. */
static char *digest;
static int digest_changes = -1;

static const char *current_digest(struct pq_engine *e)
{
    int now = sqlite3_total_changes(store_db(e->store));
    if (!digest || now != digest_changes) {
        free(digest);
        digest = store_digest(e);
        digest_changes = now;
    }
    return digest;
}

/* call() for the input's own requests: a call that fails leaves the store
 * as it was (every call is one SQLite transaction). A call that wrote no
 * row cannot have changed it. */
static json_t *input_call(struct pq_engine *e, const char *op, json_t *req)
{
    char *before = pq_xstrdup(current_digest(e));
    int changes = sqlite3_total_changes(store_db(e->store));
    json_t *resp = call(e, op, req);
    if (!resp && sqlite3_total_changes(store_db(e->store)) != changes &&
        strcmp(before, current_digest(e)) != 0)
        die("a failed call changed the store", last_error);
    free(before);
    return resp;
}

static void run_statement(struct pq_engine *e, const struct line *lines, size_t n, bool paging)
{
    json_t *s = n ? line_json(&lines[0]) : NULL;
    if (!s) return;
    json_t *req = json_pack("{s:o}", "Statement", s);
    for (size_t i = 1; i < n; i++)
        if (is_json_line(&lines[i])) apply_json_line(req, &lines[i]);
    json_t *resp = input_call(e, "ExecuteStatement", req);
    for (int page = 0; paging && resp && page < MAX_PAGES; page++) {
        json_t *token = json_object_get(resp, "NextToken");
        if (!token) break;
        json_object_set(req, "NextToken", token);
        json_decref(resp);
        resp = input_call(e, "ExecuteStatement", req);
    }
    json_decref(resp);
    json_decref(req);
}

static void run_input(struct pq_engine *e, const char *text, size_t len)
{
    static const char modes[] = "EPBTR";
    struct line lines[MAX_STATEMENTS * 2];
    if (len == 0) return;
    char mode = strchr(modes, text[0]) && text[0] ? text[0] : modes[(unsigned char)text[0] % 5];
    size_t n = split_lines(text + 1, len - 1, lines, sizeof lines / sizeof lines[0]);
    json_t *req = NULL, *resp = NULL;
    switch (mode) {
    case 'E':
    case 'P':
        run_statement(e, lines, n, mode == 'P');
        return;
    case 'B':
        req = json_object();
        json_object_set_new(req, "Statements", statement_list(lines, n, req));
        resp = input_call(e, "BatchExecuteStatement", req);
        break;
    case 'T':
        req = json_object();
        json_object_set_new(req, "TransactStatements", statement_list(lines, n, req));
        resp = input_call(e, "ExecuteTransaction", req);
        /* The same request again: an idempotent replay or the same answer. */
        if (json_object_get(req, "ClientRequestToken")) {
            json_decref(resp);
            resp = input_call(e, "ExecuteTransaction", req);
        }
        break;
    default: {
        if (n < 1 || memchr(lines[0].text, '\0', lines[0].len)) return;
        char op[64];
        snprintf(op, sizeof op, "%.*s", (int)lines[0].len, lines[0].text);
        const char *body = n > 1 ? lines[1].text : "";
        req = json_loadb(body, len - 1 - (size_t)(body - (text + 1)), 0, NULL);
        if (!req) return;
        resp = input_call(e, op, req);
        break;
    }
    }
    json_decref(resp);
    json_decref(req);
}

/* ---- the store afterwards ---------------------------------------------- */

/* `item` attribute values are canonical: validation accepts them unchanged. */
static void check_attributes(const json_t *item)
{
    const char *name;
    json_t *v;
    json_object_foreach((json_t *)item, name, v)
    {
        json_t *copy = json_deep_copy(v);
        struct pq_error err;
        pq_error_init(&err);
        if (pq_value_validate(copy, &err) != PQ_OK)
            die("stored value does not validate", err.message);
        if (!pq_value_equal(copy, v) || !json_equal(copy, v))
            die("stored value is not canonical", name);
        pq_error_release(&err);
        json_decref(copy);
        struct pq_buf out = PQ_BUF_INIT;
        pq_buf_init(&out);
        pq_value_to_partiql(v, &out);
        pq_value_to_plain_json(v, &out);
        pq_buf_release(&out);
    }
}

static bool has_type(const json_t *item, const struct pq_key_attr *k)
{
    if (!k->name) return true;
    json_t *v = json_object_get(item, k->name);
    return v && pq_value_type(v) == pq_type_from_name((char[]){k->type, '\0'});
}

/* Scans `from` (a quoted table or "T"."index") page by page; returns the
 * items (new reference). */
static json_t *scan(struct pq_engine *e, const char *from)
{
    char stmt[600];
    snprintf(stmt, sizeof stmt, "SELECT * FROM %s", from);
    json_t *req = json_pack("{s:s}", "Statement", stmt);
    json_t *all = json_array();
    for (int page = 0;; page++) {
        if (page > 10000) die("scan does not end", from);
        json_t *resp = call(e, "ExecuteStatement", req);
        if (!resp) die(stmt, last_error);
        json_array_extend(all, json_object_get(resp, "Items"));
        json_t *token = json_object_get(resp, "NextToken");
        if (token) json_object_set(req, "NextToken", token);
        json_decref(resp);
        if (!token) break;
    }
    json_decref(req);
    return all;
}

/* Every table's description and items as one text (a new string). */
static char *store_digest(struct pq_engine *e)
{
    struct pq_error err;
    pq_error_init(&err);
    json_t *names = NULL;
    bool more = false;
    if (store_table_list(e->store, NULL, 1000, &names, &more, &err) != PQ_OK)
        die("table list", err.message);
    json_t *all = json_object();
    size_t i;
    json_t *name;
    json_array_foreach(names, i, name)
    {
        const struct pq_table_meta *t = NULL;
        if (store_table_get(e->store, json_string_value(name), &t, &err) != PQ_OK || !t)
            die("listed table is not there", json_string_value(name));
        char from[600];
        snprintf(from, sizeof from, "\"%s\"", t->name);
        json_object_set_new(
            all, t->name,
            json_pack("{s:O,s:o}", "description", t->description, "items", scan(e, from)));
    }
    json_decref(names);
    pq_error_release(&err);
    /* The streams' records and streams: a failed call leaves none behind. */
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(store_db(e->store),
                           "SELECT (SELECT count(*) || '/' || ifnull(max(seq), 0) FROM"
                           " pq_stream_records) || '/' || (SELECT count(*) FROM pq_streams)",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        json_object_set_new(all, "pqsh:streams",
                            json_string((const char *)sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
    char *text = json_dumps(all, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(all);
    return text;
}

/* Whether `item` holds every key attribute of `ix` (multi-attribute keys too). */
static bool has_index_key(const json_t *item, const struct pq_index_meta *ix)
{
    for (size_t k = 0; k < ix->nhash; k++)
        if (!has_type(item, &ix->hashes[k])) return false;
    for (size_t k = 0; k < ix->nrange; k++)
        if (!has_type(item, &ix->ranges[k])) return false;
    return true;
}

static void check_table(struct pq_engine *e, const struct pq_table_meta *t)
{
    char from[600];
    snprintf(from, sizeof from, "\"%s\"", t->name);
    json_t *items = scan(e, from);
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
    {
        if (!has_type(item, &t->hash) || !has_type(item, &t->range))
            die("item with a bad key", t->name);
        check_attributes(item);
    }
    struct pq_error err;
    pq_error_init(&err);
    int64_t count, bytes;
    if (store_table_stats(e->store, t, &count, &bytes, &err) != PQ_OK)
        die("table stats", err.message);
    if (count != (int64_t)json_array_size(items)) die("item count differs from the scan", t->name);
    for (size_t x = 0; x < t->nindexes; x++) {
        const struct pq_index_meta *ix = &t->indexes[x];
        size_t expect = 0;
        json_array_foreach(items, i, item) expect += has_index_key(item, ix);
        snprintf(from, sizeof from, "\"%s\".\"%s\"", t->name, ix->name);
        json_t *entries = scan(e, from);
        json_t *entry;
        json_array_foreach(entries, i, entry)
        {
            if (!has_index_key(entry, ix) || !has_type(entry, &t->hash) ||
                !has_type(entry, &t->range))
                die("index entry with a bad key", ix->name);
        }
        if (json_array_size(entries) != expect)
            die("index entries differ from the items", ix->name);
        if (store_index_stats(e->store, t, ix, &count, &bytes, &err) != PQ_OK)
            die("index stats", err.message);
        if (count != (int64_t)expect) die("index count differs from the items", ix->name);
        json_decref(entries);
    }
    pq_error_release(&err);
    json_decref(items);
}

static void check_store(struct pq_engine *e, bool integrity)
{
    struct pq_error err;
    pq_error_init(&err);
    json_t *names = NULL;
    bool more = false;
    if (store_table_list(e->store, NULL, 1000, &names, &more, &err) != PQ_OK)
        die("table list", err.message);
    size_t i;
    json_t *name;
    json_array_foreach(names, i, name)
    {
        const struct pq_table_meta *t = NULL;
        if (store_table_get(e->store, json_string_value(name), &t, &err) != PQ_OK || !t)
            die("listed table is not there", json_string_value(name));
        check_table(e, t);
    }
    json_decref(names);
    if (integrity) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(store_db(e->store), "PRAGMA integrity_check", -1, &st, NULL) !=
                SQLITE_OK ||
            sqlite3_step(st) != SQLITE_ROW ||
            strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0)
            die("integrity_check", sqlite3_errmsg(store_db(e->store)));
        sqlite3_finalize(st);
    }
    pq_error_release(&err);
}

/* One engine for the whole run, set up once: its database right after
 * setup is kept (sqlite3_serialize) and put back (sqlite3_deserialize)
 * after an input that wrote anything, even in a rolled-back call — far
 * cheaper than opening and setting up a new engine (issue 15: from about
 * 200 inputs/s). Every input thus starts from the same state, so a finding
 * replays from its input alone. */
static struct pq_engine *eng;
static struct fuzz_snapshot snap;
static char *clean_digest;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!eng) {
        eng = engine_new();
        check_store(eng, true);
        fuzz_snapshot_take(&snap, eng);
        clean_digest = store_digest(eng);
    }
    run_input(eng, (const char *)data, size);
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 16777619u;
    /* An input that wrote no row left the checked setup state as it was. */
    if (fuzz_snapshot_dirty(&snap, eng)) check_store(eng, h % 16 == 0);
    if (fuzz_snapshot_restore(&snap, eng)) {
        free(digest);
        digest = pq_xstrdup(clean_digest);
        digest_changes = snap.clean_changes;
    }
    return 0;
}
