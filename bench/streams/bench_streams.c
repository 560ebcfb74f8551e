/* bench_streams.c — DynamoDB Streams and the TTL sweep, measured on the embedded engine.
 *
 * usage: bench_streams DBFILE [ITEMS [records|sweep]]
 *   ITEMS: the TTL table's size, default 1,000,000; the third argument runs
 *   only part 1 or part 2.
 *
 * 1. GetRecords throughput: 100,000 PutItems on a table with a
 *    NEW_AND_OLD_IMAGES stream (each write also reads the old item and
 *    appends a record), then a consumer reads them all from TRIM_HORIZON
 *    with Limit 1000: write calls/s with and without the stream, records/s.
 * 2. The TTL sweep on an ITEMS-item table, every other item expired, with a
 *    stream: small requests (GetItem and Query of a random key, PutItem of
 *    a fresh item, in turn) run under the engine lock, as the shell's
 *    embedded engine runs them, while the background sweeper deletes the
 *    expired half in time-bounded steps that take the same lock; their
 *    p50 / p99 / max latency alone and during the sweep show how long the
 *    sweep can make a request wait.
 * Prints Markdown tables. Nothing here is a test.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pqsh/engine.h"

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct pq_engine *eng;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static json_t *call(const char *op, json_t *req)
{
    struct pq_error err;
    json_t *resp = NULL;
    pq_error_init(&err);
    pthread_mutex_lock(&lock);
    pq_status rc = pq_engine_call(eng, op, req, &resp, &err);
    pthread_mutex_unlock(&lock);
    if (rc) {
        fprintf(stderr, "%s: %s: %s\n", op, err.type ? err.type : "?", err.message);
        exit(1);
    }
    pq_error_release(&err);
    json_decref(req);
    return resp;
}

static void create(const char *name, const char *stream)
{
    json_t *req =
        json_pack("{s:s, s:s, s:[{s:s, s:s}], s:[{s:s, s:s}]}", "TableName", name, "BillingMode",
                  "PAY_PER_REQUEST", "AttributeDefinitions", "AttributeName", "pk", "AttributeType",
                  "S", "KeySchema", "AttributeName", "pk", "KeyType", "HASH");
    if (stream)
        json_object_set_new(req, "StreamSpecification",
                            json_pack("{s:b, s:s}", "StreamEnabled", 1, "StreamViewType", stream));
    json_decref(call("CreateTable", req));
}

static double put_many(const char *table, int n)
{
    double t0 = mono();
    for (int i = 0; i < n; i++) {
        char pk[32];
        snprintf(pk, sizeof pk, "k%07d", i % (n / 2));
        json_decref(
            call("PutItem", json_pack("{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}}}", "TableName", table,
                                      "Item", "pk", "S", pk, "v", "N", i < n / 2 ? "1" : "2", "pad",
                                      "S", "a payload of some forty bytes, as usual")));
    }
    return n / (mono() - t0);
}

static void bench_records(void)
{
    const int n = 100000;
    create("Plain", NULL);
    create("Streamed", "NEW_AND_OLD_IMAGES");
    double plain = put_many("Plain", n), streamed = put_many("Streamed", n);
    json_t *d = call("DescribeTable", json_pack("{s:s}", "TableName", "Streamed"));
    const char *arn =
        json_string_value(json_object_get(json_object_get(d, "Table"), "LatestStreamArn"));
    json_t *sd =
        call("DynamoDBStreams_20120810.DescribeStream", json_pack("{s:s}", "StreamArn", arn));
    const char *shard = json_string_value(json_object_get(
        json_array_get(json_object_get(json_object_get(sd, "StreamDescription"), "Shards"), 0),
        "ShardId"));
    json_t *it = call("DynamoDBStreams_20120810.GetShardIterator",
                      json_pack("{s:s, s:s, s:s}", "StreamArn", arn, "ShardId", shard,
                                "ShardIteratorType", "TRIM_HORIZON"));
    char *next = strdup(json_string_value(json_object_get(it, "ShardIterator")));
    long records = 0, calls = 0;
    double t0 = mono();
    for (;;) {
        json_t *r = call("DynamoDBStreams_20120810.GetRecords",
                         json_pack("{s:s, s:i}", "ShardIterator", next, "Limit", 1000));
        calls++;
        size_t got = json_array_size(json_object_get(r, "Records"));
        records += (long)got;
        free(next);
        next = strdup(json_string_value(json_object_get(r, "NextShardIterator")));
        json_decref(r);
        if (!got) break;
    }
    double secs = mono() - t0;
    free(next);
    json_decref(it);
    json_decref(sd);
    json_decref(d);
    printf("| PutItem calls/s, no stream | PutItem calls/s, NEW_AND_OLD_IMAGES | records read | "
           "GetRecords calls | records/s read |\n|---|---|---|---|---|\n");
    printf("| %.0f | %.0f | %ld | %ld | %.0f |\n\n", plain, streamed, records, calls,
           records / secs);
}

static int fresh_puts; /* PutItems of probe(): items that never expire */

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Small requests for `secs`, one at a time in turn: GetItem and Query of a
 * random key, PutItem of a fresh item (without exp); p50 / p99 / max of each. */
static void probe(const char *label, int items, double secs)
{
    static const char *const ops[] = {"GetItem", "Query", "PutItem"};
    size_t cap = 1 << 21, n[3] = {0, 0, 0};
    double *lat[3];
    for (int o = 0; o < 3; o++)
        lat[o] = malloc(cap * sizeof *lat[o]);
    double end = mono() + secs;
    unsigned x = 12345;
    for (int i = 0; mono() < end && n[2] < cap; i++) {
        int o = i % 3;
        x = x * 1103515245u + 12345u;
        char pk[32];
        snprintf(pk, sizeof pk, "t%07u", (x >> 8) % (unsigned)items);
        json_t *req;
        if (o == 0)
            req = json_pack("{s:s, s:{s:{s:s}}}", "TableName", "Expiring", "Key", "pk", "S", pk);
        else if (o == 1)
            req = json_pack("{s:s, s:s, s:{s:{s:s}}}", "TableName", "Expiring",
                            "KeyConditionExpression", "pk = :p", "ExpressionAttributeValues", ":p",
                            "S", pk);
        else {
            snprintf(pk, sizeof pk, "w%07d", fresh_puts++);
            req = json_pack("{s:s, s:{s:{s:s}, s:{s:s}}}", "TableName", "Expiring", "Item", "pk",
                            "S", pk, "pad", "S", "some forty bytes of data");
        }
        double t0 = mono();
        json_decref(call(ops[o], req));
        lat[o][n[o]++] = (mono() - t0) * 1e3;
        usleep(200); /* a steady stream of small requests, not a flood */
    }
    for (int o = 0; o < 3; o++) {
        qsort(lat[o], n[o], sizeof *lat[o], cmp);
        printf("| %s | %s | %zu | %.3f | %.3f | %.3f |\n", label, ops[o], n[o], lat[o][n[o] / 2],
               lat[o][n[o] * 99 / 100], lat[o][n[o] - 1]);
        free(lat[o]);
    }
}

static void bench_sweep(int items)
{
    create("Expiring", "NEW_AND_OLD_IMAGES");
    json_decref(call("UpdateTimeToLive",
                     json_pack("{s:s, s:{s:b, s:s}}", "TableName", "Expiring",
                               "TimeToLiveSpecification", "Enabled", 1, "AttributeName", "exp")));
    long now = (long)time(NULL);
    double t0 = mono();
    for (int i = 0; i < items; i += 25) {
        json_t *reqs = json_array();
        for (int j = i; j < i + 25 && j < items; j++) {
            char pk[32], exp[32];
            snprintf(pk, sizeof pk, "t%07d", j);
            /* every other item expired a minute ago; the rest in a day */
            snprintf(exp, sizeof exp, "%ld", j % 2 ? now - 60 : now + 86400);
            json_array_append_new(reqs, json_pack("{s:{s:{s:{s:s}, s:{s:s}, s:{s:s}}}}",
                                                  "PutRequest", "Item", "pk", "S", pk, "exp", "N",
                                                  exp, "pad", "S", "some forty bytes of data"));
        }
        json_decref(
            call("BatchWriteItem", json_pack("{s:{s:o}}", "RequestItems", "Expiring", reqs)));
    }
    fprintf(stderr, "loaded %d items in %.1f s\n", items, mono() - t0);
    printf(
        "| phase | request | requests | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|---|\n");
    probe("alone", items, 5);
    struct pq_engine_sweeper *sw;
    struct pq_error err;
    pq_error_init(&err);
    double s0 = mono();
    if (pq_engine_sweeper_start(eng, &lock, 1, &sw, &err)) {
        fprintf(stderr, "sweeper: %s\n", err.message);
        exit(1);
    }
    probe("during the sweep", items, 10);
    /* Until the expired half is gone (the sweeper's rounds go on). */
    json_t *cnt;
    long left;
    do {
        usleep(200000);
        cnt = call("DescribeTable", json_pack("{s:s}", "TableName", "Expiring"));
        left =
            (long)json_integer_value(json_object_get(json_object_get(cnt, "Table"), "ItemCount"));
        json_decref(cnt);
    } while (left > items / 2 + fresh_puts && mono() - s0 < 1800);
    double took = mono() - s0;
    pq_engine_sweeper_stop(sw);
    printf("\nsweep of %d expired items (of %d) with a stream: %.1f s, %.0f deletions/s\n",
           items / 2, items, took, (items / 2) / took);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_streams DBFILE [ITEMS [records|sweep]]\n");
        return 2;
    }
    int items = argc > 2 ? atoi(argv[2]) : 1000000;
    setvbuf(stdout, NULL, _IOLBF, 0); /* each table row as soon as it is measured */
    struct pq_engine_options opt = {
        .path = argv[1], .region = NULL, .fixed_time = 0, .page_bytes = 0};
    struct pq_error err;
    pq_error_init(&err);
    if (pq_engine_open(&opt, &eng, &err)) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    const char *part = argc > 3 ? argv[3] : "all";
    if (strcmp(part, "sweep") != 0) bench_records();
    if (strcmp(part, "records") != 0) bench_sweep(items);
    pq_engine_close(eng);
    return 0;
}
