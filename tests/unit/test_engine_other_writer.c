/* test_engine_other_writer.c — an engine notices what another connection changed in its file.
 *
 * Two engines on one database file, as two pqsh processes would be. Each
 * caches the tables it has met; a change the other one commits (a table
 * dropped and made again with another key, a stream turned on) must be
 * seen by the next call, and the engine's own commits must not hide it.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "pqsh/engine.h"

static char dir[64] = "/tmp/pqsh-other-writer-XXXXXX";
static char path[128];

static struct pq_engine *open_engine(void)
{
    struct pq_engine_options opt = {.path = path, .fixed_time = 1700000000.0};
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

/* `op` with a request in JSON text: "OK" or "<type>: <message>" (static). */
static const char *call(struct pq_engine *e, const char *op, const char *request)
{
    static char out[1024];
    json_t *req = json_loads(request, 0, NULL), *resp = NULL;
    struct pq_error err;
    pq_error_init(&err);
    if (!req) {
        fprintf(stderr, "bad test JSON: %s\n", request);
        exit(2);
    }
    if (pq_engine_call(e, op, req, &resp, &err) == PQ_OK)
        snprintf(out, sizeof out, "OK");
    else
        snprintf(out, sizeof out, "%s: %s", err.type ? err.type : "?", err.message);
    json_decref(resp);
    json_decref(req);
    pq_error_release(&err);
    return out;
}

static const char *run(struct pq_engine *e, const char *statement)
{
    char req[512];
    json_t *s = json_string(statement);
    char *quoted = json_dumps(s, JSON_ENCODE_ANY);
    snprintf(req, sizeof req, "{\"Statement\": %s}", quoted);
    free(quoted);
    json_decref(s);
    return call(e, "ExecuteStatement", req);
}

static const char *create(struct pq_engine *e, const char *key, char type)
{
    char req[512];
    snprintf(req, sizeof req,
             "{\"TableName\":\"Tab\",\"BillingMode\":\"PAY_PER_REQUEST\","
             "\"AttributeDefinitions\":[{\"AttributeName\":\"%s\",\"AttributeType\":\"%c\"}],"
             "\"KeySchema\":[{\"AttributeName\":\"%s\",\"KeyType\":\"HASH\"}]}",
             key, type, key);
    return call(e, "CreateTable", req);
}

int main(void)
{
    if (!mkdtemp(dir)) return 2;
    snprintf(path, sizeof path, "%s/db.sqlite", dir);
    struct pq_engine *a = open_engine(), *b = open_engine();

    CHECK_STR(create(a, "pk", 'S'), "OK");
    CHECK_STR(run(a, "INSERT INTO Tab VALUE {'pk': 'a1'}"), "OK");
    CHECK_STR(run(a, "INSERT INTO Tab VALUE {'pk': 'a2'}"), "OK"); /* after its own commit */

    /* B drops T and makes it again with another key: A's next INSERT is
     * judged by the new table, not its cached copy of the old one. */
    CHECK_STR(call(b, "DeleteTable", "{\"TableName\":\"Tab\"}"), "OK");
    CHECK_STR(create(b, "id", 'N'), "OK");
    CHECK_STR(run(a, "INSERT INTO Tab VALUE {'pk': 'a3'}"),
              "ValidationException: Key attribute should be present in the item: Key id");
    CHECK_STR(run(a, "INSERT INTO Tab VALUE {'id': 1}"), "OK");
    CHECK_STR(run(b, "INSERT INTO Tab VALUE {'id': 1}"),
              "DuplicateItemException: Duplicate primary key exists in table");

    /* B turns the stream on after A has written (and cached T) again: A's
     * next write is recorded. */
    CHECK_STR(run(a, "INSERT INTO Tab VALUE {'id': 2}"), "OK");
    CHECK_STR(call(b, "UpdateTable",
                   "{\"TableName\":\"Tab\",\"StreamSpecification\":"
                   "{\"StreamEnabled\":true,\"StreamViewType\":\"KEYS_ONLY\"}}"),
              "OK");
    CHECK_STR(run(a, "INSERT INTO Tab VALUE {'id': 3}"), "OK");
    json_t *req = json_pack("{s:s}", "TableName", "Tab"), *resp = NULL;
    struct pq_error err;
    pq_error_init(&err);
    CHECK_EQ(pq_engine_call(b, "DescribeTable", req, &resp, &err), PQ_OK);
    const char *arn =
        json_string_value(json_object_get(json_object_get(resp, "Table"), "LatestStreamArn"));
    CHECK(arn != NULL);
    json_t *sreq = json_pack("{s:s}", "StreamArn", arn ? arn : ""), *sresp = NULL;
    CHECK_EQ(pq_engine_call(a, "DynamoDBStreams_20120810.DescribeStream", sreq, &sresp, &err),
             PQ_OK);
    json_t *shard =
        json_array_get(json_object_get(json_object_get(sresp, "StreamDescription"), "Shards"), 0);
    json_t *ireq = json_pack("{s:s, s:s, s:s}", "StreamArn", arn ? arn : "", "ShardId",
                             json_string_value(json_object_get(shard, "ShardId")),
                             "ShardIteratorType", "TRIM_HORIZON"),
           *iresp = NULL;
    CHECK_EQ(pq_engine_call(a, "DynamoDBStreams_20120810.GetShardIterator", ireq, &iresp, &err),
             PQ_OK);
    json_t *rreq = json_pack("{s:O}", "ShardIterator", json_object_get(iresp, "ShardIterator")),
           *rresp = NULL;
    CHECK_EQ(pq_engine_call(a, "DynamoDBStreams_20120810.GetRecords", rreq, &rresp, &err), PQ_OK);
    json_t *records = json_object_get(rresp, "Records");
    CHECK_EQ(json_array_size(records), 1);
    json_t *keys = json_object_get(json_object_get(json_array_get(records, 0), "dynamodb"), "Keys");
    CHECK_STR(json_string_value(json_object_get(json_object_get(keys, "id"), "N")), "3");
    json_decref(req);
    json_decref(resp);
    json_decref(sreq);
    json_decref(sresp);
    json_decref(ireq);
    json_decref(iresp);
    json_decref(rreq);
    json_decref(rresp);
    pq_error_release(&err);

    pq_engine_close(a);
    pq_engine_close(b);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    DONE();
}
