/* test_server_reads.c — pqsh serve's reads run beside its writes, and see only committed states.
 *
 * A database's read-only calls run on reader connections (dbs.c), each on
 * the snapshot of its start, while writes go one at a time through the
 * writer. Checked here, on a file and "in memory", through the same call
 * path the HTTP workers use (pq_server_db_call):
 *   - atomicity as readers see it: a writer sets all ten items of a table
 *     to the same new value in each TransactWriteItems; readers running at
 *     the same time (TransactGetItems, BatchGetItem, Scan, PartiQL SELECT)
 *     always find the ten values equal, and never going back;
 *   - parallelism: while a write waits for the file's write lock (which
 *     another connection holds), GetItems are answered — impossible when
 *     every call took one lock.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sched.h>
#include <sqlite3.h>

#include "check.h"
#include "pqsh/server.h"
#include "test_server_util.h"

#define DB "reader/us-east-1"
#define ITEMS 10
#define ROUNDS 300
#define READERS 3

static struct pq_server *srv;
static atomic_int writer_done;
static atomic_int torn, backwards, failed, reads;

static json_t *call(const char *op, json_t *req)
{
    struct pq_error err;
    json_t *resp = NULL;
    pq_error_init(&err);
    if (pq_server_db_call(srv, DB, op, req, &resp, &err)) {
        fprintf(stderr, "  %s: %s: %s\n", op, err.type ? err.type : "-",
                err.message ? err.message : "-");
        atomic_fetch_add(&failed, 1);
        resp = NULL;
    }
    pq_error_release(&err);
    json_decref(req);
    return resp;
}

static json_t *key(int i)
{
    char k[16];
    snprintf(k, sizeof k, "k%d", i);
    return json_pack("{s:{s:s}}", "id", "S", k);
}

/* One TransactWriteItems: every item's v becomes `round`. */
static void write_round(int round)
{
    json_t *items = json_array();
    char n[16];
    snprintf(n, sizeof n, "%d", round);
    for (int i = 0; i < ITEMS; i++)
        json_array_append_new(items,
                              json_pack("{s:{s:s, s:o, s:s, s:{s:{s:s}}}}", "Update", "TableName",
                                        "Tab", "Key", key(i), "UpdateExpression", "SET v = :v",
                                        "ExpressionAttributeValues", ":v", "N", n));
    json_decref(call("TransactWriteItems", json_pack("{s:o}", "TransactItems", items)));
}

/* The v of every item in `list` (objects holding an item, or items under
 * `member`): all equal, and not below *last. */
static void judge(const json_t *list, const char *member, long *last)
{
    long first = -1;
    size_t i, n = 0;
    json_t *x;
    json_array_foreach(list, i, x)
    {
        const json_t *item = member ? json_object_get(x, member) : x;
        const char *s = json_string_value(json_object_get(json_object_get(item, "v"), "N"));
        long v = s ? atol(s) : -1;
        if (first < 0) first = v;
        if (v != first) atomic_fetch_add(&torn, 1);
        n++;
    }
    if (n != ITEMS) atomic_fetch_add(&torn, 1);
    if (first < *last) atomic_fetch_add(&backwards, 1);
    *last = first;
    atomic_fetch_add(&reads, 1);
}

static void *reader(void *arg)
{
    int kind = (int)(intptr_t)arg;
    long last = 0;
    while (!atomic_load(&writer_done)) {
        json_t *resp = NULL;
        if (kind == 0) {
            json_t *list = json_array();
            for (int i = 0; i < ITEMS; i++)
                json_array_append_new(
                    list, json_pack("{s:{s:s, s:o}}", "Get", "TableName", "Tab", "Key", key(i)));
            resp = call("TransactGetItems", json_pack("{s:o}", "TransactItems", list));
            judge(json_object_get(resp, "Responses"), "Item", &last);
        } else if (kind == 1) {
            resp = call("Scan", json_pack("{s:s}", "TableName", "Tab"));
            judge(json_object_get(resp, "Items"), NULL, &last);
        } else {
            resp = call("ExecuteStatement", json_pack("{s:s}", "Statement", "SELECT * FROM Tab"));
            judge(json_object_get(resp, "Items"), NULL, &last);
        }
        json_decref(resp);
    }
    return NULL;
}

/* The write to be stuck on the file's write lock. */
static void put_late(void)
{
    json_decref(call(
        "PutItem", json_pack("{s:s, s:{s:{s:s}}}", "TableName", "Tab", "Item", "id", "S", "late")));
}

static void get_items(void)
{
    int answered = 0;
    for (int i = 0; i < 20; i++) {
        json_t *r =
            call("GetItem", json_pack("{s:s, s:o}", "TableName", "Tab", "Key", key(i % ITEMS)));
        answered += json_object_get(r, "Item") != NULL;
        json_decref(r);
    }
    CHECK_EQ(answered, 20);
}

/* Parallelism, without timing: while another connection holds the file's
 * write lock, a PutItem holds the writer (waiting in SQLite's busy
 * handler); GetItems still answer, before the PutItem does. */
static void reads_beside_a_stuck_write(const char *dir)
{
    char path[256];
    snprintf(path, sizeof path, "%s/reader_us-east-1.db", dir);
    beside_stuck_write(path, put_late, get_items);
    json_t *r = call("GetItem",
                     json_pack("{s:s, s:{s:{s:s}}}", "TableName", "Tab", "Key", "id", "S", "late"));
    CHECK(json_object_get(r, "Item") != NULL);
    json_decref(r);
}

static void run(const char *path)
{
    struct pq_error err;
    pq_error_init(&err);
    struct pq_server_options o = {.db_path = path, .threads = 4};
    CHECK_EQ(pq_server_start(&o, &srv, &err), PQ_OK);
    if (!srv) return;
    json_decref(call("CreateTable",
                     json_pack("{s:s, s:s, s:[{s:s, s:s}], s:[{s:s, s:s}]}", "TableName", "Tab",
                               "BillingMode", "PAY_PER_REQUEST", "AttributeDefinitions",
                               "AttributeName", "id", "AttributeType", "S", "KeySchema",
                               "AttributeName", "id", "KeyType", "HASH")));
    write_round(0);
    atomic_store(&writer_done, 0);
    atomic_store(&torn, 0);
    atomic_store(&backwards, 0);
    atomic_store(&reads, 0);
    atomic_store(&failed, 0);
    pthread_t th[READERS];
    for (int i = 0; i < READERS; i++)
        pthread_create(&th[i], NULL, reader, (void *)(intptr_t)i);
    for (int r = 1; r <= ROUNDS; r++)
        write_round(r);
    atomic_store(&writer_done, 1);
    for (int i = 0; i < READERS; i++)
        pthread_join(th[i], NULL);
    fprintf(stderr, "  %s: %d reads beside %d transactions\n", path, atomic_load(&reads), ROUNDS);
    CHECK(atomic_load(&reads) > 0);
    CHECK_EQ(atomic_load(&torn), 0);
    CHECK_EQ(atomic_load(&backwards), 0);
    CHECK_EQ(atomic_load(&failed), 0);

    if (strcmp(path, ":memory:") != 0) reads_beside_a_stuck_write(path);
    CHECK_EQ(atomic_load(&failed), 0);
    pq_server_stop(srv, 1000);
    srv = NULL;
}

int main(void)
{
    char dir[] = "/tmp/pqsh-reads-XXXXXX";
    run(":memory:");
    if (mkdtemp(dir)) {
        run(dir);
        char cmd[64];
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", dir);
    }
    DONE();
}
