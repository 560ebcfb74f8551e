/* test_server_stream_reads.c — pqsh serve answers the streams API on its reader engines.
 *
 * ListStreams, DescribeStream, GetShardIterator and GetRecords only read
 * (dbs.c routes them to a database's readers, as GetItem): checked, as
 * test_server_reads does for GetItem, by answering all four while a
 * PutItem holds the writer, stuck on the file's write lock that another
 * connection holds. Retention (24 hours) is the writer's; a reader treats
 * what retention has yet to remove as removed without writing: with the
 * server started again a day later (a fixed clock, no sweeper, no write),
 * old records are TrimmedDataAccess, TRIM_HORIZON starts after them, a
 * stream disabled more than a day ago is gone — and the records are
 * still in the file, since nothing wrote.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "check.h"
#include "pqsh/server.h"
#include "test_server_util.h"

#define DB "streams/us-east-1"
#define T0 1700000000.0
#define ST "DynamoDBStreams_20120810."

static struct pq_server *srv;
static atomic_int failed;

/* A call; NULL and *type set (when given) on an error. */
static json_t *call_err(const char *op, json_t *req, char *type, size_t n)
{
    struct pq_error err;
    json_t *resp = NULL;
    pq_error_init(&err);
    if (type) *type = '\0';
    if (pq_server_db_call(srv, DB, op, req, &resp, &err)) {
        if (type)
            snprintf(type, n, "%s", err.type ? err.type : "-");
        else {
            fprintf(stderr, "  %s: %s: %s\n", op, err.type ? err.type : "-",
                    err.message ? err.message : "-");
            atomic_fetch_add(&failed, 1);
        }
        resp = NULL;
    }
    pq_error_release(&err);
    json_decref(req);
    return resp;
}

static json_t *call(const char *op, json_t *req)
{
    return call_err(op, req, NULL, 0);
}

static void start(const char *dir, double now)
{
    struct pq_error err;
    pq_error_init(&err);
    struct pq_server_options o = {.db_path = dir, .threads = 4, .fixed_time = now};
    CHECK_EQ(pq_server_start(&o, &srv, &err), PQ_OK);
    pq_error_release(&err);
}

static void put(const char *table, const char *id)
{
    json_decref(call("PutItem",
                     json_pack("{s:s, s:{s:{s:s}}}", "TableName", table, "Item", "id", "S", id)));
}

static void create(const char *table)
{
    json_decref(call(
        "CreateTable",
        json_pack("{s:s, s:s, s:[{s:s, s:s}], s:[{s:s, s:s}], s:{s:b, s:s}}", "TableName", table,
                  "BillingMode", "PAY_PER_REQUEST", "AttributeDefinitions", "AttributeName", "id",
                  "AttributeType", "S", "KeySchema", "AttributeName", "id", "KeyType", "HASH",
                  "StreamSpecification", "StreamEnabled", 1, "StreamViewType", "NEW_IMAGE")));
}

static char *stream_arn(const char *table)
{
    json_t *d = call("DescribeTable", json_pack("{s:s}", "TableName", table));
    const char *a =
        json_string_value(json_object_get(json_object_get(d, "Table"), "LatestStreamArn"));
    char *arn = strdup(a ? a : "");
    json_decref(d);
    return arn;
}

static char *shard_of(const char *arn)
{
    json_t *d = call(ST "DescribeStream", json_pack("{s:s}", "StreamArn", arn));
    const char *s = json_string_value(json_object_get(
        json_array_get(json_object_get(json_object_get(d, "StreamDescription"), "Shards"), 0),
        "ShardId"));
    char *id = strdup(s ? s : "");
    json_decref(d);
    return id;
}

/* The records from TRIM_HORIZON: how many, the first one's SequenceNumber. */
static size_t records_from_start(const char *arn, char *first, size_t n)
{
    char *shard = shard_of(arn);
    json_t *it =
        call(ST "GetShardIterator", json_pack("{s:s, s:s, s:s}", "StreamArn", arn, "ShardId", shard,
                                              "ShardIteratorType", "TRIM_HORIZON"));
    free(shard);
    json_t *r = call(ST "GetRecords",
                     json_pack("{s:O}", "ShardIterator", json_object_get(it, "ShardIterator")));
    json_t *recs = json_object_get(r, "Records");
    size_t got = json_array_size(recs);
    if (first)
        snprintf(first, n, "%s",
                 got ? json_string_value(json_object_get(
                           json_object_get(json_array_get(recs, 0), "dynamodb"), "SequenceNumber"))
                     : "");
    CHECK(json_object_get(r, "NextShardIterator") != NULL);
    json_decref(it);
    json_decref(r);
    return got;
}

static const char *tab_arn; /* the stream the reads below read */

static void put_late(void)
{
    put("Tab", "late");
}

static void stream_reads(void)
{
    json_t *l = call(ST "ListStreams", json_pack("{s:s}", "TableName", "Tab"));
    CHECK_EQ((long)json_array_size(json_object_get(l, "Streams")), 1);
    json_decref(l);
    CHECK_EQ((long)records_from_start(tab_arn, NULL, 0), 3);
}

/* The four operations answer while a write holds the writer. */
static void beside_a_stuck_write(const char *dir, const char *arn)
{
    char path[256];
    snprintf(path, sizeof path, "%s/streams_us-east-1.db", dir);
    tab_arn = arn;
    beside_stuck_write(path, put_late, stream_reads);
    CHECK_EQ((long)records_from_start(arn, NULL, 0), 4);
}

static long stored_records(const char *dir)
{
    char path[256];
    snprintf(path, sizeof path, "%s/streams_us-east-1.db", dir);
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long n = -1;
    CHECK_EQ(sqlite3_open(path, &db), SQLITE_OK);
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM pq_stream_records", -1, &st, NULL) ==
            SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

int main(void)
{
    char dir[] = "/tmp/pqsh-stream-reads-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    start(dir, T0);
    create("Tab");
    create("Old");
    put("Tab", "a");
    put("Tab", "b");
    put("Tab", "c");
    put("Old", "x");
    json_decref(call("UpdateTable", json_pack("{s:s, s:{s:b}}", "TableName", "Old",
                                              "StreamSpecification", "StreamEnabled", 0)));
    char *arn = stream_arn("Tab"), *old_arn = stream_arn("Old");
    beside_a_stuck_write(dir, arn);
    char first[32];
    CHECK_EQ((long)records_from_start(arn, first, sizeof first), 4);
    pq_server_stop(srv, 1000);

    /* A day and a minute later: only reads. */
    start(dir, T0 + 86400 + 60);
    CHECK_EQ((long)records_from_start(arn, NULL, 0), 0);
    char *shard = shard_of(arn), type[64];
    json_t *r =
        call_err(ST "GetShardIterator",
                 json_pack("{s:s, s:s, s:s, s:s}", "StreamArn", arn, "ShardId", shard,
                           "ShardIteratorType", "AFTER_SEQUENCE_NUMBER", "SequenceNumber", first),
                 type, sizeof type);
    CHECK(r == NULL);
    CHECK_STR(type, "TrimmedDataAccessException");
    json_t *l = call(ST "ListStreams", json_object());
    CHECK_EQ((long)json_array_size(json_object_get(l, "Streams")), 1);
    CHECK_STR(json_string_value(
                  json_object_get(json_array_get(json_object_get(l, "Streams"), 0), "StreamArn")),
              arn);
    json_decref(l);
    r = call_err(ST "DescribeStream", json_pack("{s:s}", "StreamArn", old_arn), type, sizeof type);
    CHECK(r == NULL);
    CHECK_STR(type, "ResourceNotFoundException");
    CHECK_EQ(atomic_load(&failed), 0);
    pq_server_stop(srv, 1000);
    /* Nothing was written: the five records are still stored. */
    CHECK_EQ(stored_records(dir), 5);
    free(shard);
    free(arn);
    free(old_arn);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", dir);
    DONE();
}
