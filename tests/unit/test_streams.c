/* test_streams.c — DynamoDB Streams in the engine (streams.c, streams_api.c): a consumer
 * that sees every change of a mixed workload over every write path, TTL
 * deletions as service records, iterator expiry and retention by the clock.
 */
#include "test_engine_util.h"

#include "engine/streams.h"

#define OP(name) STREAMS_TARGET name

static unsigned long long rnd_state = 42;

static unsigned rnd(unsigned n)
{
    rnd_state = rnd_state * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)((rnd_state >> 33) % n);
}

/* The member `name` of the answer of `op` (a new string), or NULL. */
static char *answer_member(const char *op, const char *req, const char *path1, const char *path2)
{
    json_t *r = call_json(op, req);
    if (!r) return NULL;
    json_t *v = json_object_get(r, path1);
    if (path2) v = json_object_get(v, path2);
    char *s = json_is_string(v) ? strdup(json_string_value(v)) : NULL;
    json_decref(r);
    return s;
}

static char *stream_arn(const char *table)
{
    char req[128];
    snprintf(req, sizeof req, "{\"TableName\": \"%s\"}", table);
    return answer_member("DescribeTable", req, "Table", "LatestStreamArn");
}

static char *iterator(const char *arn, const char *type, const char *seq)
{
    char req[1024];
    json_t *d = call_json(OP("DescribeStream"),
                          (snprintf(req, sizeof req, "{\"StreamArn\": \"%s\"}", arn), req));
    if (!d) return NULL;
    const char *shard = json_string_value(json_object_get(
        json_array_get(json_object_get(json_object_get(d, "StreamDescription"), "Shards"), 0),
        "ShardId"));
    if (seq)
        snprintf(req, sizeof req,
                 "{\"StreamArn\": \"%s\", \"ShardId\": \"%s\", \"ShardIteratorType\": \"%s\", "
                 "\"SequenceNumber\": \"%s\"}",
                 arn, shard, type, seq);
    else
        snprintf(req, sizeof req,
                 "{\"StreamArn\": \"%s\", \"ShardId\": \"%s\", \"ShardIteratorType\": \"%s\"}", arn,
                 shard, type);
    json_decref(d);
    return answer_member(OP("GetShardIterator"), req, "ShardIterator", NULL);
}

/* GetRecords; *next replaced by the next iterator (NULL at a closed end). */
static json_t *get_records(char **next, int limit)
{
    json_t *req = json_pack("{s:s, s:i}", "ShardIterator", *next, "Limit", limit);
    json_t *resp = NULL;
    pq_error_release(&last_err);
    pq_status rc = pq_engine_call(eng, OP("GetRecords"), req, &resp, &last_err);
    json_decref(req);
    if (rc) return NULL;
    free(*next);
    const char *n = json_string_value(json_object_get(resp, "NextShardIterator"));
    *next = n ? strdup(n) : NULL;
    return resp;
}

static json_t *get_item(const char *pk)
{
    char req[256];
    snprintf(req, sizeof req, "{\"TableName\": \"Mix\", \"Key\": {\"pk\": {\"S\": \"%s\"}}}", pk);
    json_t *r = call_json("GetItem", req);
    json_t *item = json_incref(json_object_get(r, "Item"));
    json_decref(r);
    return item;
}

static bool same(const json_t *a, const json_t *b)
{
    return (!a && !b) || (a && b && json_equal(a, b));
}

/* One random write of one key through one of the write paths. */
static void random_write(const char *pk, int n)
{
    char req[1024], stmt[512];
    switch (rnd(10)) {
    case 0:
        snprintf(req, sizeof req,
                 "{\"TableName\": \"Mix\", \"Item\": {\"pk\": {\"S\": \"%s\"}, \"n\": {\"N\": "
                 "\"%d\"}}}",
                 pk, n % 3);
        json_decref(call_json("PutItem", req));
        break;
    case 1:
        snprintf(req, sizeof req,
                 "{\"TableName\": \"Mix\", \"Key\": {\"pk\": {\"S\": \"%s\"}}, "
                 "\"UpdateExpression\": \"ADD c :one\", \"ExpressionAttributeValues\": {\":one\": "
                 "{\"N\": \"1\"}}}",
                 pk);
        json_decref(call_json("UpdateItem", req));
        break;
    case 2:
        snprintf(req, sizeof req, "{\"TableName\": \"Mix\", \"Key\": {\"pk\": {\"S\": \"%s\"}}}",
                 pk);
        json_decref(call_json("DeleteItem", req));
        break;
    case 3:
        snprintf(req, sizeof req,
                 "{\"RequestItems\": {\"Mix\": [{\"PutRequest\": {\"Item\": {\"pk\": {\"S\": "
                 "\"%s\"}, \"b\": {\"S\": \"batch%d\"}}}}]}}",
                 pk, n % 2);
        json_decref(call_json("BatchWriteItem", req));
        break;
    case 4:
        snprintf(req, sizeof req,
                 "{\"RequestItems\": {\"Mix\": [{\"DeleteRequest\": {\"Key\": {\"pk\": {\"S\": "
                 "\"%s\"}}}}]}}",
                 pk);
        json_decref(call_json("BatchWriteItem", req));
        break;
    case 5:
        snprintf(req, sizeof req,
                 "{\"TransactItems\": [{\"Update\": {\"TableName\": \"Mix\", \"Key\": {\"pk\": "
                 "{\"S\": \"%s\"}}, \"UpdateExpression\": \"SET t = :t\", "
                 "\"ExpressionAttributeValues\": {\":t\": {\"N\": \"%d\"}}}}]}",
                 pk, n % 4);
        json_decref(call_json("TransactWriteItems", req));
        break;
    case 6:
        snprintf(stmt, sizeof stmt, "INSERT INTO Mix VALUE {'pk': '%s', 'i': %d}", pk, n);
        json_decref(run(stmt)); /* fails when the item exists: no change */
        break;
    case 7:
        snprintf(stmt, sizeof stmt, "UPDATE Mix SET u = %d WHERE pk = '%s'", n % 2, pk);
        json_decref(run(stmt));
        break;
    case 8:
        snprintf(stmt, sizeof stmt, "DELETE FROM Mix WHERE pk = '%s'", pk);
        json_decref(run(stmt));
        break;
    default: {
        json_t *r = json_pack("{s:[{s:s}]}", "TransactStatements", "Statement", "");
        snprintf(stmt, sizeof stmt, "UPDATE Mix SET x = 'tx%d' WHERE pk = '%s'", n % 2, pk);
        json_object_set_new(json_array_get(json_object_get(r, "TransactStatements"), 0),
                            "Statement", json_string(stmt));
        json_t *resp = NULL;
        pq_error_release(&last_err);
        if (pq_engine_call(eng, "ExecuteTransaction", r, &resp, &last_err) == PQ_OK)
            json_decref(resp);
        json_decref(r);
        break;
    }
    }
}

/* The consumer: 400 random writes over every write path; a GetRecords loop
 * in small pages sees exactly the changes (old and new image compared with
 * what GetItem saw before and after each write), in order. */
static void test_consumer(void)
{
    CHECK(strstr(answer("CreateTable",
                        "{\"TableName\": \"Mix\", \"BillingMode\": \"PAY_PER_REQUEST\", "
                        "\"AttributeDefinitions\": [{\"AttributeName\": \"pk\", "
                        "\"AttributeType\": \"S\"}], \"KeySchema\": [{\"AttributeName\": \"pk\", "
                        "\"KeyType\": \"HASH\"}], \"StreamSpecification\": {\"StreamEnabled\": "
                        "true, \"StreamViewType\": \"NEW_AND_OLD_IMAGES\"}}"),
                 "LatestStreamArn") != NULL);
    char *arn = stream_arn("Mix");
    CHECK(arn != NULL);
    char *it = iterator(arn, "LATEST", NULL);
    CHECK(it != NULL);
    json_t *expected = json_array();
    for (int i = 0; i < 400; i++) {
        char pk[8];
        snprintf(pk, sizeof pk, "k%u", rnd(5));
        json_t *before = get_item(pk);
        random_write(pk, i);
        json_t *after = get_item(pk);
        if (before || after) {
            if (!(before && after && json_equal(before, after))) {
                json_t *change = json_object();
                if (before) json_object_set(change, "OldImage", before);
                if (after) json_object_set(change, "NewImage", after);
                json_array_append_new(expected, change);
            }
        }
        json_decref(before);
        json_decref(after);
    }
    CHECK(json_array_size(expected) > 200);
    size_t seen = 0, mismatches = 0;
    char last_seq[32] = "";
    for (int page = 0; page < 1000 && it; page++) {
        json_t *r = get_records(&it, 7);
        CHECK(r != NULL);
        if (!r) break;
        json_t *recs = json_object_get(r, "Records");
        if (!json_array_size(recs)) {
            json_decref(r);
            break;
        }
        size_t i;
        json_t *rec;
        json_array_foreach(recs, i, rec)
        {
            json_t *d = json_object_get(rec, "dynamodb");
            json_t *want = json_array_get(expected, seen++);
            const char *name = json_string_value(json_object_get(rec, "eventName"));
            json_t *oldi = json_object_get(want, "OldImage"),
                   *newi = json_object_get(want, "NewImage");
            const char *want_name = !oldi ? "INSERT" : !newi ? "REMOVE" : "MODIFY";
            const char *seq = json_string_value(json_object_get(d, "SequenceNumber"));
            bool ok_rec = want && strcmp(name, want_name) == 0 &&
                          same(json_object_get(d, "OldImage"), oldi) &&
                          same(json_object_get(d, "NewImage"), newi) && seq && strlen(seq) == 21 &&
                          strcmp(seq, last_seq) > 0;
            if (!ok_rec && mismatches++ == 0) {
                char *a = json_dumps(rec, JSON_SORT_KEYS), *b = json_dumps(want, JSON_SORT_KEYS);
                fprintf(stderr, "record %zu: %s\nwanted %s\n", seen, a, b);
                free(a);
                free(b);
            }
            if (seq) snprintf(last_seq, sizeof last_seq, "%s", seq);
        }
        json_decref(r);
    }
    CHECK_EQ(mismatches, 0);
    CHECK_EQ(seen, json_array_size(expected));
    /* DeleteTable closes the stream, which stays readable. */
    CHECK(strstr(answer("DeleteTable", "{\"TableName\": \"Mix\"}"), "DELETING") != NULL);
    CHECK(strstr(error_of("SELECT * FROM Mix"), "ResourceNotFoundException") != NULL);
    char req[512];
    snprintf(req, sizeof req, "{\"StreamArn\": \"%s\"}", arn);
    CHECK(strstr(answer(OP("DescribeStream"), req), "\"StreamStatus\":\"DISABLED\"") != NULL);
    json_t *r = get_records(&it, 10);
    CHECK(r != NULL && json_array_size(json_object_get(r, "Records")) == 0 && it == NULL);
    json_decref(r);
    free(it);
    free(arn);
    json_decref(expected);
}

/* TTL deletions are REMOVE records of the service (reference §12, §14.3). */
static void test_ttl(void)
{
    CHECK(strstr(answer("CreateTable",
                        "{\"TableName\": \"Tokens\", \"BillingMode\": \"PAY_PER_REQUEST\", "
                        "\"AttributeDefinitions\": [{\"AttributeName\": \"pk\", "
                        "\"AttributeType\": \"S\"}], \"KeySchema\": [{\"AttributeName\": \"pk\", "
                        "\"KeyType\": \"HASH\"}], \"StreamSpecification\": {\"StreamEnabled\": "
                        "true, \"StreamViewType\": \"OLD_IMAGE\"}}"),
                 "LatestStreamArn") != NULL);
    CHECK(strstr(answer("UpdateTimeToLive", "{\"TableName\": \"Tokens\", "
                                            "\"TimeToLiveSpecification\": {\"Enabled\": true, "
                                            "\"AttributeName\": \"exp\"}}"),
                 "\"Enabled\":true") != NULL);
    ok("INSERT INTO Tokens VALUE {'pk': 'old', 'exp': 1700000600}");
    ok("INSERT INTO Tokens VALUE {'pk': 'new', 'exp': 1700009999}");
    char *arn = stream_arn("Tokens");
    pq_engine_clock_advance(eng, 660);
    char *it = iterator(arn, "TRIM_HORIZON", NULL);
    size_t deleted;
    bool done = false;
    while (!done)
        CHECK(pq_engine_ttl_sweep(eng, 0, 0, &deleted, &done, &last_err) == PQ_OK);
    json_t *r = get_records(&it, 100);
    json_t *recs = json_object_get(r, "Records");
    CHECK_EQ(json_array_size(recs), 3);
    json_t *rm = json_array_get(recs, 2);
    char *t = json_dumps(rm, JSON_COMPACT | JSON_SORT_KEYS);
    CHECK(strstr(t, "\"eventName\":\"REMOVE\"") != NULL);
    CHECK(strstr(t, "\"userIdentity\":{\"PrincipalId\":\"dynamodb.amazonaws.com\",\"Type\":"
                    "\"Service\"}") != NULL);
    CHECK(strstr(t, "\"OldImage\":{\"exp\":{\"N\":\"1700000600\"},\"pk\":{\"S\":\"old\"}}") !=
          NULL);
    CHECK(strstr(t, "\"ApproximateCreationDateTime\":1700000660") != NULL);
    /* A user's delete carries no userIdentity. */
    ok("DELETE FROM Tokens WHERE pk = 'new'");
    json_decref(r);
    r = get_records(&it, 100);
    recs = json_object_get(r, "Records");
    CHECK_EQ(json_array_size(recs), 1);
    CHECK(json_object_get(json_array_get(recs, 0), "userIdentity") == NULL);
    CHECK_STR(items("SELECT pk FROM Tokens"), "[]");
    free(t);
    json_decref(r);
    free(it);
    free(arn);
    pq_engine_clock_reset(eng);
}

/* Iterators live 15 minutes; records and disabled streams 24 hours. */
static void test_clock_limits(void)
{
    create_table("Aging", "pk", 'S', NULL, 0);
    CHECK(strstr(answer("UpdateTable", "{\"TableName\": \"Aging\", \"StreamSpecification\": "
                                       "{\"StreamEnabled\": true, \"StreamViewType\": "
                                       "\"KEYS_ONLY\"}}"),
                 "LatestStreamArn") != NULL);
    char *arn = stream_arn("Aging");
    ok("INSERT INTO Aging VALUE {'pk': 'a'}");
    char *it = iterator(arn, "TRIM_HORIZON", NULL);
    pq_engine_clock_advance(eng, 899);
    json_t *r = get_records(&it, 10);
    CHECK(r != NULL);
    CHECK_EQ(json_array_size(json_object_get(r, "Records")), 1);
    const char *seq = json_string_value(json_object_get(
        json_object_get(json_array_get(json_object_get(r, "Records"), 0), "dynamodb"),
        "SequenceNumber"));
    char first[32];
    snprintf(first, sizeof first, "%s", seq ? seq : "");
    json_decref(r);
    pq_engine_clock_advance(eng, 901); /* the new iterator is 901 s old */
    CHECK(get_records(&it, 10) == NULL);
    CHECK_STR(last_err.type, "ExpiredIteratorException");
    CHECK(strstr(last_err.message, "Iterator expired. The iterator was created at time Tue Nov "
                                   "14 22:28:19 UTC 2023 while right now it is") != NULL);
    free(it);

    /* 24 hours minus 10 minutes after the record: still there. */
    pq_engine_clock_reset(eng);
    pq_engine_clock_advance(eng, 86400 - 600);
    it = iterator(arn, "TRIM_HORIZON", NULL);
    CHECK(it != NULL);
    char *at = iterator(arn, "AT_SEQUENCE_NUMBER", first);
    CHECK(at != NULL);
    free(at);
    /* 11 minutes later the record is trimmed: the 11-minute-old iterator
     * points before the trim horizon. */
    pq_engine_clock_advance(eng, 660);
    CHECK(get_records(&it, 10) == NULL);
    CHECK_STR(answer(OP("GetRecords"), "{\"ShardIterator\": \"x|1|y\"}"),
              "ValidationException: Invalid ShardIterator");
    CHECK(iterator(arn, "AT_SEQUENCE_NUMBER", first) == NULL);
    CHECK_STR(last_err.type, "TrimmedDataAccessException");
    CHECK_STR(last_err.message, "The data you are trying to access has been trimmed");
    free(it);
    /* TRIM_HORIZON now starts after the trimmed record. */
    it = iterator(arn, "TRIM_HORIZON", NULL);
    r = get_records(&it, 10);
    CHECK_EQ(json_array_size(json_object_get(r, "Records")), 0);
    json_decref(r);
    free(it);

    /* A disabled stream is gone 24 hours after it was disabled. */
    CHECK(strstr(answer("UpdateTable", "{\"TableName\": \"Aging\", \"StreamSpecification\": "
                                       "{\"StreamEnabled\": false}}"),
                 "\"StreamEnabled\":false") != NULL);
    char req[512];
    snprintf(req, sizeof req, "{\"StreamArn\": \"%s\"}", arn);
    CHECK(strstr(answer(OP("DescribeStream"), req), "\"StreamStatus\":\"DISABLED\"") != NULL);
    pq_engine_clock_advance(eng, 86401);
    CHECK(strncmp(answer(OP("DescribeStream"), req), "ResourceNotFoundException", 25) == 0);
    free(arn);
    pq_engine_clock_reset(eng);
}

/* GetRecords with `it` altered at byte `pos` (the character there replaced
 * by `c`): "<type>: <message>" or the records. */
static const char *get_altered(const char *it, size_t pos, char c)
{
    char *x = strdup(it);
    x[pos] = c;
    json_t *req = json_pack("{s:s}", "ShardIterator", x);
    char *text = json_dumps(req, 0);
    const char *out = answer(OP("GetRecords"), text);
    free(text);
    json_decref(req);
    free(x);
    return out;
}

/* Iterators carry an HMAC with the process's random key: any change to one
 * is the garbage iterator's ValidationException; another engine of the
 * same process (pqsh serve's readers and writer) accepts it. */
static void test_forged_iterators(void)
{
    CHECK(strstr(answer("CreateTable",
                        "{\"TableName\": \"Forge\", \"BillingMode\": \"PAY_PER_REQUEST\","
                        " \"AttributeDefinitions\": [{\"AttributeName\": \"pk\", "
                        "\"AttributeType\": \"S\"}], \"KeySchema\": [{\"AttributeName\": "
                        "\"pk\", \"KeyType\": \"HASH\"}], \"StreamSpecification\": "
                        "{\"StreamEnabled\": true, \"StreamViewType\": \"KEYS_ONLY\"}}"),
                 "Forge") != NULL);
    ok("INSERT INTO Forge VALUE {'pk': 'a'}");
    ok("INSERT INTO Forge VALUE {'pk': 'b'}");
    char *arn = stream_arn("Forge");
    char *it = iterator(arn, "TRIM_HORIZON", NULL);
    CHECK(it != NULL);
    if (!it) return;
    const char *bar = strstr(it, "|1|");
    CHECK(bar && strlen(bar + 3) == 64);
    size_t at = (size_t)(bar - it) + 3;
    CHECK(strstr(get_altered(it, 0, 'a'), "\"Records\"") != NULL); /* unchanged: 'a' of arn */
    /* The position moved back (to read again what was read, or trimmed). */
    CHECK_STR(get_altered(it, at + 15, it[at + 15] == '0' ? '1' : '0'),
              "ValidationException: Invalid ShardIterator");
    /* The time moved on (an expired iterator made young). */
    CHECK_STR(get_altered(it, at + 31, it[at + 31] == '0' ? '1' : '0'),
              "ValidationException: Invalid ShardIterator");
    /* The MAC itself, its last digit. */
    CHECK_STR(get_altered(it, at + 63, it[at + 63] == '0' ? '1' : '0'),
              "ValidationException: Invalid ShardIterator");
    /* Another stream's ARN with this one's fields. */
    CHECK_STR(get_altered(it, at - 4, it[at - 4] == '0' ? '1' : '0'),
              "ValidationException: Invalid ShardIterator");
    /* The former unkeyed form: 40 hex digits of position, time, checksum. */
    char old[1200];
    snprintf(old, sizeof old, "{\"ShardIterator\": \"%.*s|1|%040d\"}", (int)(bar - it), it, 0);
    CHECK_STR(answer(OP("GetRecords"), old), "ValidationException: Invalid ShardIterator");
    /* Another engine of this process accepts the MAC: its database has no
     * such stream, which it says, rather than a garbage iterator. */
    struct pq_engine *other = NULL, *mine = eng;
    struct pq_engine_options opt = {.path = ":memory:", .fixed_time = 1700000000.0};
    CHECK_EQ(pq_engine_open(&opt, &other, &last_err), PQ_OK);
    eng = other;
    static const char gone[] = "ResourceNotFoundException: Requested resource not found: Stream: ";
    CHECK(strncmp(get_altered(it, 0, 'a'), gone, sizeof gone - 1) == 0);
    eng = mine;
    pq_engine_close(other);
    free(it);
    free(arn);
}

int main(void)
{
    engine_start(0);
    test_consumer();
    test_ttl();
    test_clock_limits();
    test_forged_iterators();
    pq_engine_close(eng);
    pq_error_release(&last_err);
    DONE();
}
