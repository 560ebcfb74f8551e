/* test_engine_crash.c — transactions survive SIGKILL: all of one or none of it.
 *
 * A child process runs ExecuteTransaction calls in a loop against a file
 * database, each inserting three items of one order, an already expired
 * TTL item, and updating the order counter, with a bounded TTL sweep step
 * every few transactions; the parent kills it with SIGKILL at a random
 * moment, 20 times. After each kill the database must open, pass PRAGMA
 * integrity_check, and hold every transaction wholly or not at all: three
 * items per order, and a counter equal to the number of orders present.
 * The table's stream must agree: exactly one INSERT record per committed
 * item, one MODIFY of the counter per committed transaction, one service
 * REMOVE per TTL item the sweep deleted, and no record of anything that
 * did not commit.
 */
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "engine/streams.h"
#include "pqsh/engine.h"

#define ROUNDS 20

static char path[256];
static long swept; /* TTL items the sweep deleted, seen in the stream at the last check */

static struct pq_engine *open_engine(void)
{
    struct pq_engine_options opt = {.path = path, .region = NULL, .fixed_time = 0, .page_bytes = 0};
    struct pq_engine *e = NULL;
    struct pq_error err;
    pq_error_init(&err);
    if (pq_engine_open(&opt, &e, &err) != PQ_OK) {
        fprintf(stderr, "cannot open %s: %s\n", path, err.message);
        exit(2);
    }
    pq_error_release(&err);
    return e;
}

static json_t *call(struct pq_engine *e, const char *op, json_t *req, struct pq_error *err)
{
    json_t *resp = NULL;
    pq_error_release(err);
    if (pq_engine_call(e, op, req, &resp, err) != PQ_OK) resp = NULL;
    json_decref(req);
    return resp;
}

/* The child: transactions until killed. Never returns. */
/* Writes transactions until killed; one byte on `ready` after the first. */
static void writer(int round, int ready)
{
    struct pq_engine *e = open_engine();
    struct pq_error err;
    pq_error_init(&err);
    for (int i = 0;; i++) {
        char order[64];
        snprintf(order, sizeof order, "o%02d-%06d", round, i);
        json_t *stmts = json_array();
        for (int k = 1; k <= 3; k++) {
            json_t *s = json_pack("{s:s, s:[{s:s}, {s:s}]}", "Statement",
                                  "INSERT INTO \"Orders\" VALUE {'pk': ?, 'sk': ?, 'pad': "
                                  "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'}",
                                  "Parameters", "S", order, "N",
                                  k == 1   ? "1"
                                  : k == 2 ? "2"
                                           : "3");
            json_array_append_new(stmts, s);
        }
        char ttl_item[200];
        snprintf(ttl_item, sizeof ttl_item,
                 "INSERT INTO \"Orders\" VALUE {'pk': 'ttl-%s', 'sk': 0, 'exp': %lld}", order,
                 (long long)time(NULL) - 60);
        json_array_append_new(stmts, json_pack("{s:s}", "Statement", ttl_item));
        json_array_append_new(stmts, json_pack("{s:s}", "Statement",
                                               "UPDATE \"Orders\" SET n = n + 1 WHERE pk = "
                                               "'counter' AND sk = 0"));
        char token[80];
        snprintf(token, sizeof token, "tok-%s", order);
        json_t *r =
            call(e, "ExecuteTransaction",
                 json_pack("{s:o, s:s}", "TransactStatements", stmts, "ClientRequestToken", token),
                 &err);
        if (!r) {
            fprintf(stderr, "transaction failed: %s\n", err.message);
            _exit(3);
        }
        json_decref(r);
        if (i == 0 && write(ready, "1", 1) != 1) _exit(3);
        size_t deleted;
        bool done;
        if (i % 4 == 3 && pq_engine_ttl_sweep(e, 16, 0, &deleted, &done, &err) != PQ_OK) {
            fprintf(stderr, "TTL sweep failed: %s\n", err.message);
            _exit(3);
        }
    }
}

/* Every record of the Orders stream, counted by item key "pk/sk":
 * [INSERT, MODIFY, REMOVE by a user, REMOVE by the service]. */
static json_t *stream_counts(struct pq_engine *e, struct pq_error *err)
{
    json_t *counts = json_object();
    json_t *d = call(e, "DescribeTable", json_pack("{s:s}", "TableName", "Orders"), err);
    const char *arn =
        json_string_value(json_object_get(json_object_get(d, "Table"), "LatestStreamArn"));
    json_t *sd =
        arn ? call(e, STREAMS_TARGET "DescribeStream", json_pack("{s:s}", "StreamArn", arn), err)
            : NULL;
    const char *shard = json_string_value(json_object_get(
        json_array_get(json_object_get(json_object_get(sd, "StreamDescription"), "Shards"), 0),
        "ShardId"));
    json_t *it = shard ? call(e, STREAMS_TARGET "GetShardIterator",
                              json_pack("{s:s, s:s, s:s}", "StreamArn", arn, "ShardId", shard,
                                        "ShardIteratorType", "TRIM_HORIZON"),
                              err)
                       : NULL;
    CHECK(it != NULL);
    char *next = it ? strdup(json_string_value(json_object_get(it, "ShardIterator"))) : NULL;
    while (next) {
        json_t *r = call(e, STREAMS_TARGET "GetRecords",
                         json_pack("{s:s, s:i}", "ShardIterator", next, "Limit", 1000), err);
        free(next);
        next = NULL;
        CHECK(r != NULL);
        json_t *recs = json_object_get(r, "Records"), *rec;
        size_t i;
        json_array_foreach(recs, i, rec)
        {
            const json_t *keys = json_object_get(json_object_get(rec, "dynamodb"), "Keys");
            char key[128];
            snprintf(key, sizeof key, "%s/%s",
                     json_string_value(json_object_get(json_object_get(keys, "pk"), "S")),
                     json_string_value(json_object_get(json_object_get(keys, "sk"), "N")));
            json_t *c = json_object_get(counts, key);
            if (!c) {
                c = json_pack("[i, i, i, i]", 0, 0, 0, 0);
                json_object_set_new(counts, key, c);
            }
            const char *name = json_string_value(json_object_get(rec, "eventName"));
            size_t slot = strcmp(name, "INSERT") == 0            ? 0
                          : strcmp(name, "MODIFY") == 0          ? 1
                          : json_object_get(rec, "userIdentity") ? 3
                                                                 : 2;
            json_array_set_new(c, slot,
                               json_integer(json_integer_value(json_array_get(c, slot)) + 1));
        }
        if (json_array_size(recs))
            next = strdup(json_string_value(json_object_get(r, "NextShardIterator")));
        json_decref(r);
    }
    json_decref(it);
    json_decref(sd);
    json_decref(d);
    return counts;
}

/* The record counts of `key` as "I M R S". */
static const char *counts_of(json_t *counts, const char *key)
{
    static char out[64];
    json_t *c = json_object_get(counts, key);
    snprintf(out, sizeof out, "%lld %lld %lld %lld",
             (long long)json_integer_value(json_array_get(c, 0)),
             (long long)json_integer_value(json_array_get(c, 1)),
             (long long)json_integer_value(json_array_get(c, 2)),
             (long long)json_integer_value(json_array_get(c, 3)));
    json_object_del(counts, key);
    return out;
}

/* Checks the file after a kill; returns the number of orders present. */
static long check_database(void)
{
    sqlite3 *db = NULL;
    CHECK_EQ(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    CHECK_EQ(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    CHECK_EQ(sqlite3_step(st), SQLITE_ROW);
    CHECK_STR((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
    sqlite3_close(db);

    struct pq_engine *e = open_engine();
    struct pq_error err;
    pq_error_init(&err);
    long orders = 0, counter = -1, items = 0;
    int bad = 0, bad_records = 0;
    long n_swept = 0;
    json_t *counts = stream_counts(e, &err);
    json_t *ttl_left = json_object(); /* TTL items still there */
    char last[64] = "";
    int in_last = 0;
    json_t *token = NULL;
    do {
        json_t *req = json_pack("{s:s}", "Statement", "SELECT pk, sk, n FROM \"Orders\"");
        if (token) json_object_set_new(req, "NextToken", token);
        token = NULL;
        json_t *r = call(e, "ExecuteStatement", req, &err);
        CHECK(r != NULL);
        if (!r) break;
        json_t *list = json_object_get(r, "Items"), *it;
        size_t i;
        json_array_foreach(list, i, it)
        {
            const char *pk = json_string_value(json_object_get(json_object_get(it, "pk"), "S"));
            if (strcmp(pk, "counter") == 0) {
                counter = atol(json_string_value(json_object_get(json_object_get(it, "n"), "N")));
                continue;
            }
            if (strncmp(pk, "ttl-", 4) == 0) {
                json_object_set_new(ttl_left, pk + 4, json_true());
                continue;
            }
            /* A committed item: inserted once, never changed. */
            char key[128];
            snprintf(key, sizeof key, "%s/%s", pk,
                     json_string_value(json_object_get(json_object_get(it, "sk"), "N")));
            if (strcmp(counts_of(counts, key), "1 0 0 0") != 0) bad_records++;
            items++;
            /* Items come in key order: the three of one order are adjacent. */
            if (strcmp(pk, last) != 0) {
                if (last[0] && in_last != 3) bad++;
                snprintf(last, sizeof last, "%s", pk);
                in_last = 0;
                orders++;
            }
            in_last++;
        }
        token = json_incref(json_object_get(r, "NextToken"));
        json_decref(r);
    } while (token);
    if (last[0] && in_last != 3) bad++;
    CHECK_EQ(bad, 0);
    /* The TTL item of each committed order: still there (inserted once) or
     * swept (inserted, then removed by the service, once each). Orders are
     * the keys whose INSERT was counted above, so walk the counts of TTL
     * items: each must belong to a committed order. */
    const char *key;
    json_t *c, *tmp;
    json_object_foreach_safe(counts, tmp, key, c)
    {
        if (strncmp(key, "ttl-", 4) != 0) continue;
        char order[96];
        snprintf(order, sizeof order, "%.*s", (int)(strlen(key) - 6), key + 4); /* "/0" */
        bool left = json_object_get(ttl_left, order) != NULL;
        if (!left) n_swept++;
        const char *got = counts_of(counts, key);
        if (strcmp(got, left ? "1 0 0 0" : "1 0 0 1") != 0) bad_records++;
        json_object_del(ttl_left, order);
    }
    /* TTL items still there must have their INSERT (counted above: none left). */
    CHECK_EQ(json_object_size(ttl_left), 0);
    /* The counter: inserted at the start, one MODIFY per committed transaction. */
    char want[64];
    snprintf(want, sizeof want, "1 %ld 0 0", counter);
    CHECK_STR(counts_of(counts, "counter/0"), want);
    /* Nothing else: no record of an uncommitted write. */
    CHECK_EQ(json_object_size(counts), 0);
    CHECK_EQ(bad_records, 0);
    swept = n_swept;
    json_decref(counts);
    json_decref(ttl_left);
    CHECK_EQ(items, orders * 3);
    CHECK_EQ(counter, orders);
    pq_error_release(&err);
    pq_engine_close(e);
    return orders;
}

int main(void)
{
    char dir[] = "/tmp/pqsh-crash-XXXXXX";
    if (!mkdtemp(dir)) return 2;
    snprintf(path, sizeof path, "%s/crash.db", dir);
    struct pq_engine *e = open_engine();
    struct pq_error err;
    pq_error_init(&err);
    json_t *r = call(e, "CreateTable",
                     json_loads("{\"TableName\":\"Orders\",\"BillingMode\":\"PAY_PER_REQUEST\","
                                "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\","
                                "\"AttributeType\":\"S\"},{\"AttributeName\":\"sk\","
                                "\"AttributeType\":\"N\"}],\"KeySchema\":[{\"AttributeName\":"
                                "\"pk\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"sk\","
                                "\"KeyType\":\"RANGE\"}],\"StreamSpecification\":"
                                "{\"StreamEnabled\":true,\"StreamViewType\":\"KEYS_ONLY\"}}",
                                0, NULL),
                     &err);
    CHECK(r != NULL);
    json_decref(r);
    r = call(e, "UpdateTimeToLive",
             json_pack("{s:s, s:{s:b, s:s}}", "TableName", "Orders", "TimeToLiveSpecification",
                       "Enabled", 1, "AttributeName", "exp"),
             &err);
    CHECK(r != NULL);
    json_decref(r);
    r = call(e, "ExecuteStatement",
             json_pack("{s:s}", "Statement",
                       "INSERT INTO \"Orders\" VALUE {'pk': 'counter', 'sk': 0, 'n': 0}"),
             &err);
    CHECK(r != NULL);
    json_decref(r);
    pq_engine_close(e);
    pq_error_release(&err);

    srand(20240601);
    long before = 0;
    for (int round = 0; round < ROUNDS; round++) {
        fflush(NULL);
        int ready[2];
        if (pipe(ready) != 0) return 2;
        pid_t pid = fork();
        if (pid < 0) return 2;
        if (pid == 0) {
            close(ready[0]);
            writer(round, ready[1]);
        }
        close(ready[1]);
        /* The kill comes 20 to 200 ms after the writer's first commit (up
         * to a minute for it): counted from the fork alone, a loaded
         * machine could let every kill land before any commit. */
        struct pollfd first = {ready[0], POLLIN, 0};
        CHECK(poll(&first, 1, 60000) == 1);
        close(ready[0]);
        struct timespec ts = {0, (long)(20 + rand() % 180) * 1000000L};
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        int status = 0;
        waitpid(pid, &status, 0);
        CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        long orders = check_database();
        CHECK(orders >= before);
        before = orders;
    }
    /* The writers did get transactions through between the kills: one
     * before each kill at least. */
    CHECK(before >= ROUNDS);
    /* A whole sweep without a kill: every expired item goes, each with its
     * service REMOVE (on a slow machine the writers' steps may not have
     * reached any). */
    e = open_engine();
    size_t deleted;
    bool done = false;
    for (int i = 0; i < 1000 && !done; i++)
        CHECK(pq_engine_ttl_sweep(e, 0, 0, &deleted, &done, &err) == PQ_OK);
    pq_engine_close(e);
    pq_error_release(&err);
    CHECK_EQ(check_database(), before);
    CHECK(swept > 0);
    printf("%ld transactions committed over %d kills, %ld TTL deletions in the stream\n", before,
           ROUNDS, swept);

    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    DONE();
}
