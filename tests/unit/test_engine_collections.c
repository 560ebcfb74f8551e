/* test_engine_collections.c — item collection sizes kept by the write path match a re-sum.
 *
 * A seeded random walk of writes through every write path (PutItem,
 * UpdateItem, DeleteItem, BatchWriteItem, TransactWriteItems, PartiQL
 * INSERT/UPDATE/DELETE, BatchExecuteStatement, ExecuteTransaction, with
 * failing conditions among them) on a table with two LSIs (KEYS_ONLY,
 * INCLUDE) and a GSI, under a small collection limit. After every step the
 * size collections.c keeps for each partition key must equal the sum of its
 * items' sizes and their LSI entries' sizes read back from the store, and
 * no collection may have grown past the limit; some writes must have been
 * refused with ItemCollectionSizeLimitExceededException and some accepted.
 * Then a format-2 file (no pq_collections) is upgraded on open and its
 * sizes, computed once from the items, match the re-sum too.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "engine/collections.h"
#include "engine/internal.h"
#include "pqsh/engine.h"

#define LIMIT 2000
#define STEPS 1500
#define KEYS 4

static struct pq_engine *eng;
static struct pq_error err;
static unsigned seed = 12345;

static unsigned rnd(unsigned n)
{
    seed = seed * 1103515245u + 12345u;
    return (seed >> 8) % n;
}

static struct pq_engine *open_engine(const char *path, int64_t limit)
{
    struct pq_engine_options opt = {
        .path = path, .fixed_time = 1700000000.0, .collection_limit = limit};
    struct pq_engine *e = NULL;
    if (pq_engine_open(&opt, &e, &err) != PQ_OK) {
        fprintf(stderr, "cannot open %s: %s\n", path, err.message);
        exit(2);
    }
    return e;
}

/* Calls `op` with JSON text; *refused counts limit refusals. */
static bool call(const char *op, const char *text, int *refused)
{
    json_error_t jerr;
    json_t *req = json_loads(text, 0, &jerr), *resp = NULL;
    if (!req) {
        fprintf(stderr, "bad test JSON: %s: %s\n", text, jerr.text);
        exit(2);
    }
    pq_error_release(&err);
    pq_status st = pq_engine_call(eng, op, req, &resp, &err);
    json_decref(req);
    bool limit = false;
    if (st == PQ_OK) {
        /* Slots and cancellation reasons carry the code without "Exception". */
        char *t = json_dumps(resp, JSON_COMPACT);
        limit = strstr(t, "ItemCollectionSizeLimitExceeded") != NULL;
        free(t);
        json_decref(resp);
    } else if (err.type && strstr(err.type, "ItemCollectionSizeLimitExceeded")) {
        limit = true;
    } else if (err.type && strcmp(err.type, "TransactionCanceledException") == 0) {
        char *t = json_dumps(err.detail, JSON_COMPACT);
        limit = strstr(t, "ItemCollectionSizeLimitExceeded") != NULL;
        free(t);
    } else if (!err.type || (strcmp(err.type, "ConditionalCheckFailedException") != 0 &&
                             strcmp(err.type, "DuplicateItemException") != 0)) {
        fprintf(stderr, "%s %s: %s: %s\n", op, text, err.type ? err.type : "?",
                err.message ? err.message : "?");
        check_failures++;
    }
    if (limit) (*refused)++;
    return st == PQ_OK;
}

/* The collection of "k<i>" summed from the store, and as kept. */
static void sizes(int i, int64_t *summed, int64_t *kept)
{
    const struct pq_table_meta *t;
    if (store_table_get(eng->store, "Coll", &t, &err) || !t) exit(2);
    json_t *key = json_pack("{s:{s:s+}}", "pk", "S", "k", (char[]){(char)('0' + i), 0});
    struct pq_key k, ik;
    store_key_init(&k);
    store_key_init(&ik);
    store_key_from_item(t, key, &k);
    struct pq_range r = {.hk = &k.hk};
    struct pq_cursor *c = NULL;
    json_t *item = NULL;
    size_t size;
    *summed = 0;
    if (store_cursor_open(eng->store, t, &r, &c, &err)) exit(2);
    while (store_cursor_next(c, &item, &size, &ik, &err) == PQ_OK && item) {
        *summed += (int64_t)size;
        struct pq_buf h = PQ_BUF_INIT, rk = PQ_BUF_INIT;
        pq_buf_init(&h);
        pq_buf_init(&rk);
        for (size_t x = 0; x < t->nindexes; x++)
            if (!t->indexes[x].global && index_key_of(&t->indexes[x], item, &h, &rk))
                *summed += (int64_t)index_entry_size(t, &t->indexes[x], item);
        pq_buf_release(&h);
        pq_buf_release(&rk);
        json_decref(item);
    }
    store_cursor_close(c);
    if (coll_size(eng->store, t, &k.hk, kept, &err)) exit(2);
    store_key_release(&k);
    store_key_release(&ik);
    json_decref(key);
}

static const char CREATE[] =
    "{\"TableName\":\"Coll\",\"BillingMode\":\"PAY_PER_REQUEST\","
    "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"},"
    "{\"AttributeName\":\"sk\",\"AttributeType\":\"N\"},{\"AttributeName\":\"a\",\"AttributeType\":"
    "\"S\"},{\"AttributeName\":\"b\",\"AttributeType\":\"N\"},{\"AttributeName\":\"g\","
    "\"AttributeType\":\"S\"}],"
    "\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"sk\","
    "\"KeyType\":\"RANGE\"}],"
    "\"LocalSecondaryIndexes\":[{\"IndexName\":\"byA\",\"KeySchema\":[{\"AttributeName\":\"pk\","
    "\"KeyType\":\"HASH\"},{\"AttributeName\":\"a\",\"KeyType\":\"RANGE\"}],\"Projection\":{"
    "\"ProjectionType\":\"KEYS_ONLY\"}},{\"IndexName\":\"byB\",\"KeySchema\":[{\"AttributeName\":"
    "\"pk\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"b\",\"KeyType\":\"RANGE\"}],\"Projection\":{"
    "\"ProjectionType\":\"INCLUDE\",\"NonKeyAttributes\":[\"x\"]}}],"
    "\"GlobalSecondaryIndexes\":[{\"IndexName\":\"byG\",\"KeySchema\":[{\"AttributeName\":\"g\","
    "\"KeyType\":\"HASH\"}],\"Projection\":{\"ProjectionType\":\"ALL\"}}]}";

/* A random item of collection k<key>, sort key sk, as DynamoDB JSON text. */
static void random_item(char *out, size_t n, int key, int sk)
{
    char pad[300];
    unsigned len = rnd(250);
    memset(pad, 'x', len);
    pad[len] = 0;
    int w = snprintf(out, n, "{\"pk\":{\"S\":\"k%d\"},\"sk\":{\"N\":\"%d\"}", key, sk);
    if (rnd(2)) w += snprintf(out + w, n - (size_t)w, ",\"a\":{\"S\":\"a%u\"}", rnd(9));
    if (rnd(2)) w += snprintf(out + w, n - (size_t)w, ",\"b\":{\"N\":\"%u\"}", rnd(99));
    if (rnd(2)) w += snprintf(out + w, n - (size_t)w, ",\"g\":{\"S\":\"g%u\"}", rnd(3));
    if (rnd(2)) w += snprintf(out + w, n - (size_t)w, ",\"x\":{\"S\":\"%s\"}", pad);
    snprintf(out + w, n - (size_t)w, ",\"y\":{\"S\":\"%.*s\"}}", (int)rnd(len + 1), pad);
}

static void step(int *refused, int *accepted)
{
    char item[1024], item2[1024], req[4096];
    int key = (int)rnd(KEYS), sk = (int)rnd(16), sk2 = (sk + 1 + (int)rnd(14)) % 16;
    char pad[200];
    unsigned len = rnd(180);
    memset(pad, 'z', len);
    pad[len] = 0;
    random_item(item, sizeof item, key, sk);
    random_item(item2, sizeof item2, (int)rnd(KEYS), sk2);
    const char *op = NULL;
    switch (rnd(11)) {
    case 0:
    case 1:
        snprintf(req, sizeof req, "{\"TableName\":\"Coll\",\"Item\":%s}", item);
        op = "PutItem";
        break;
    case 2:
        snprintf(req, sizeof req,
                 "{\"TableName\":\"Coll\",\"Key\":{\"pk\":{\"S\":\"k%d\"},\"sk\":{\"N\":\"%d\"}},"
                 "\"UpdateExpression\":\"SET x = :p, a = :a\",\"ExpressionAttributeValues\":{"
                 "\":p\":{\"S\":\"%s\"},\":a\":{\"S\":\"u%u\"}}}",
                 key, sk, pad, rnd(5));
        op = "UpdateItem";
        break;
    case 3:
        snprintf(req, sizeof req,
                 "{\"TableName\":\"Coll\",\"Key\":{\"pk\":{\"S\":\"k%d\"},\"sk\":{\"N\":\"%d\"}},"
                 "\"UpdateExpression\":\"REMOVE %s\"}",
                 key, sk, rnd(2) ? "x, y" : "a");
        op = "UpdateItem";
        break;
    case 4:
        snprintf(
            req, sizeof req,
            "{\"TableName\":\"Coll\",\"Key\":{\"pk\":{\"S\":\"k%d\"},\"sk\":{\"N\":\"%d\"}}%s}",
            key, sk, rnd(3) ? "" : ",\"ConditionExpression\":\"attribute_exists(zz)\"");
        op = "DeleteItem";
        break;
    case 5:
        if (rnd(2))
            snprintf(req, sizeof req,
                     "{\"RequestItems\":{\"Coll\":[{\"PutRequest\":{\"Item\":%s}},"
                     "{\"PutRequest\":{\"Item\":%s}}]}}",
                     item, item2);
        else
            snprintf(
                req, sizeof req,
                "{\"RequestItems\":{\"Coll\":[{\"PutRequest\":{\"Item\":%s}},"
                "{\"DeleteRequest\":{\"Key\":{\"pk\":{\"S\":\"k%d\"},\"sk\":{\"N\":\"%d\"}}}}]}}",
                item, (key + 1) % KEYS, sk2);
        op = "BatchWriteItem";
        break;
    case 6:
        snprintf(
            req, sizeof req,
            "{\"TransactItems\":[{\"Put\":{\"TableName\":\"Coll\",\"Item\":%s}},"
            "{\"Update\":{\"TableName\":\"Coll\",\"Key\":{\"pk\":{\"S\":\"k%d\"},\"sk\":{\"N\":"
            "\"%d\"}},\"UpdateExpression\":\"SET y = :p\",\"ExpressionAttributeValues\":{"
            "\":p\":{\"S\":\"%s\"}}%s}}]}",
            item, (key + 1) % KEYS, sk2, pad,
            rnd(4) ? "" : ",\"ConditionExpression\":\"attribute_exists(zz)\"");
        op = "TransactWriteItems";
        break;
    case 7:
        snprintf(req, sizeof req,
                 "{\"Statement\":\"INSERT INTO Coll VALUE {'pk': 'k%d', 'sk': %d, 'a': 'i', 'x': "
                 "'%s'}\"}",
                 key, sk, pad);
        op = "ExecuteStatement";
        break;
    case 8:
        snprintf(req, sizeof req,
                 "{\"Statement\":\"UPDATE Coll SET y = '%s' SET b = %u WHERE pk = 'k%d' AND sk = "
                 "%d\"}",
                 pad, rnd(50), key, sk);
        op = "ExecuteStatement";
        break;
    case 9:
        snprintf(req, sizeof req,
                 "{\"Statements\":[{\"Statement\":\"DELETE FROM Coll WHERE pk = 'k%d' AND sk = "
                 "%d\"},{\"Statement\":\"INSERT INTO Coll VALUE {'pk': 'k%d', 'sk': %d, 'b': 1, "
                 "'x': '%s'}\"}]}",
                 key, sk, (key + 1) % KEYS, sk2, pad);
        op = "BatchExecuteStatement";
        break;
    default:
        snprintf(req, sizeof req,
                 "{\"TransactStatements\":[{\"Statement\":\"UPDATE Coll SET x = '%s' WHERE pk = "
                 "'k%d' AND sk = %d\"},{\"Statement\":\"DELETE FROM Coll WHERE pk = 'k%d' AND sk "
                 "= %d\"}]}",
                 pad, key, sk, (key + 1) % KEYS, sk2);
        op = "ExecuteTransaction";
        break;
    }
    if (call(op, req, refused)) (*accepted)++;
}

static void check_all(int at)
{
    for (int i = 0; i < KEYS; i++) {
        int64_t summed, kept;
        sizes(i, &summed, &kept);
        if (summed != kept || kept > LIMIT) {
            fprintf(stderr, "step %d, k%d: kept %lld, summed %lld\n", at, i, (long long)kept,
                    (long long)summed);
            check_failures++;
        }
        check_count++;
    }
}

int main(void)
{
    pq_error_init(&err);
    char path[] = "/tmp/pqsh-coll-XXXXXX";
    if (!mkdtemp(path)) return 2;
    char file[300];
    snprintf(file, sizeof file, "%s/db.sqlite", path);

    eng = open_engine(file, LIMIT);
    int refused = 0, accepted = 0;
    CHECK(call("CreateTable", CREATE, &refused));
    for (int i = 0; i < STEPS; i++) {
        step(&refused, &accepted);
        check_all(i);
    }
    fprintf(stderr, "%d writes accepted, %d refused for the limit\n", accepted, refused);
    CHECK(refused > 50);
    CHECK(accepted > 500);
    int64_t before[KEYS];
    for (int i = 0; i < KEYS; i++) {
        int64_t summed;
        sizes(i, &summed, &before[i]);
        fprintf(stderr, "k%d: %lld bytes\n", i, (long long)before[i]);
        CHECK(before[i] > LIMIT / 2);
    }
    pq_engine_close(eng);

    /* Back to format 2: the upgrade fills the sizes from the items. */
    sqlite3 *db;
    CHECK(sqlite3_open(file, &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, "DROP TABLE pq_collections; PRAGMA user_version = 2", NULL, NULL,
                       NULL) == SQLITE_OK);
    sqlite3_close(db);
    eng = open_engine(file, LIMIT);
    for (int i = 0; i < KEYS; i++) {
        int64_t summed, kept;
        sizes(i, &summed, &kept);
        CHECK_EQ(kept, before[i]);
        CHECK_EQ(summed, kept);
    }
    check_all(-1);
    /* DeleteTable forgets them: a new table may get the same id. */
    CHECK(call("DeleteTable", "{\"TableName\":\"Coll\"}", &refused));
    CHECK(call("CreateTable", CREATE, &refused));
    check_all(-2);
    pq_engine_close(eng);
    pq_error_release(&err);

    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    if (system(cmd) != 0) return 2;
    DONE();
}
