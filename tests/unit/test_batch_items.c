/* test_batch_items.c — BatchWriteItem / BatchGetItem checks a golden file cannot make. */
#include "test_engine_util.h"

/* A BatchWriteItem of `n` puts of items k<first>… whose "v" holds `vbytes` bytes. */
static const char *put_big(int first, int n, size_t vbytes)
{
    json_t *list = json_array();
    char *v = malloc(vbytes + 1);
    memset(v, 'x', vbytes);
    v[vbytes] = '\0';
    for (int i = first; i < first + n; i++) {
        char pk[16];
        snprintf(pk, sizeof pk, "k%d", i);
        json_array_append_new(list, json_pack("{s:{s:{s:{s:s}, s:{s:s}}}}", "PutRequest", "Item",
                                              "pk", "S", pk, "v", "S", v));
    }
    free(v);
    json_t *req = json_pack("{s:{s:o}}", "RequestItems", "Tab", list);
    char *text = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    const char *a = answer("BatchWriteItem", text);
    free(text);
    return a;
}

static void test_required(void)
{
    CHECK_STR(answer("BatchWriteItem", "{}"),
              "ValidationException: The parameter 'RequestItems' is required but was not present "
              "in the request");
    CHECK_STR(answer("BatchGetItem", "{\"ReturnConsumedCapacity\": \"TOTAL\"}"),
              "ValidationException: The parameter 'RequestItems' is required but was not present "
              "in the request");
}

static void test_item_size(void)
{
    /* 409600 bytes in all: "pk" + "k0" + "v" + 409596 bytes is one byte too many. */
    CHECK_STR(put_big(0, 1, 409596),
              "ValidationException: Item size has exceeded the maximum allowed size");
    CHECK_STR(put_big(0, 1, 409595), "{\"UnprocessedItems\":{}}");
    CHECK_STR(answer("BatchWriteItem",
                     "{\"RequestItems\": {\"Tab\": [{\"DeleteRequest\": {\"Key\": {\"pk\": {\"S\": "
                     "\"k0\"}}}}]}}"),
              "{\"UnprocessedItems\":{}}");
}

/* 45 items of about 390 KB: 43 fit in 16 MB, the other two keys come back
 * in UnprocessedKeys with the table's settings; only what was read is billed. */
static void test_response_limit(void)
{
    CHECK_STR(put_big(0, 25, 390000), "{\"UnprocessedItems\":{}}");
    CHECK_STR(put_big(25, 20, 390000), "{\"UnprocessedItems\":{}}");
    json_t *keys = json_array();
    for (int i = 0; i < 45; i++) {
        char pk[16];
        snprintf(pk, sizeof pk, "k%d", i);
        json_array_append_new(keys, json_pack("{s:{s:s}}", "pk", "S", pk));
    }
    json_t *req =
        json_pack("{s:{s:{s:o, s:b, s:[s]}}, s:s}", "RequestItems", "Tab", "Keys", keys,
                  "ConsistentRead", 1, "AttributesToGet", "v", "ReturnConsumedCapacity", "TOTAL");
    char *text = json_dumps(req, JSON_COMPACT);
    json_t *r = call_json("BatchGetItem", text);
    free(text);
    json_decref(req);
    CHECK(r != NULL);
    if (!r) return;
    CHECK_EQ(json_array_size(json_object_get(json_object_get(r, "Responses"), "Tab")), 43);
    json_t *un = json_object_get(json_object_get(r, "UnprocessedKeys"), "Tab");
    char *u = json_dumps(un, JSON_COMPACT | JSON_SORT_KEYS);
    CHECK_STR(u, "{\"AttributesToGet\":[\"v\"],\"ConsistentRead\":true,\"Keys\":[{\"pk\":{\"S\":"
                 "\"k43\"}},{\"pk\":{\"S\":\"k44\"}}]}");
    free(u);
    /* 43 strongly consistent reads of 96 KB..: ceil(390007 / 4096) = 96 units each. */
    json_t *cc = json_array_get(json_object_get(r, "ConsumedCapacity"), 0);
    CHECK(json_real_value(json_object_get(cc, "CapacityUnits")) == 43 * 96.0);
    json_decref(r);
}

/* The batches and PartiQL share one store: each sees what the other wrote. */
static void test_partiql_shares_items(void)
{
    ok("INSERT INTO Tab VALUE {'pk': 'p1', 'n': 1}");
    CHECK_STR(answer("BatchGetItem", "{\"RequestItems\": {\"Tab\": {\"Keys\": [{\"pk\": {\"S\": "
                                     "\"p1\"}}]}}}"),
              "{\"Responses\":{\"Tab\":[{\"n\":{\"N\":\"1\"},\"pk\":{\"S\":\"p1\"}}]},"
              "\"UnprocessedKeys\":{}}");
    CHECK_STR(answer("BatchWriteItem", "{\"RequestItems\": {\"Tab\": [{\"PutRequest\": {\"Item\": "
                                       "{\"pk\": {\"S\": \"p2\"}}}}, {\"DeleteRequest\": "
                                       "{\"Key\": {\"pk\": {\"S\": \"p1\"}}}}]}}"),
              "{\"UnprocessedItems\":{}}");
    CHECK_STR(items("SELECT pk FROM Tab WHERE pk IN ['p1', 'p2']"), "[{\"pk\":{\"S\":\"p2\"}}]");
    CHECK_STR(error_of("INSERT INTO Tab VALUE {'pk': 'p2'}"),
              "DuplicateItemException: Duplicate primary key exists in table");
}

int main(void)
{
    engine_start(0);
    create_table("Tab", "pk", 'S', NULL, 0);
    test_required();
    test_item_size();
    test_response_limit();
    test_partiql_shares_items();
    pq_engine_close(eng);
    pq_error_release(&last_err);
    DONE();
}
