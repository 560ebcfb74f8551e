/* test_scan.c — Scan through pq_engine_call: parallel-scan segments and 1 MB pages.
 *
 * Segments: for TotalSegments 1..9, every segment is read to its end page
 * by page (a small Limit, so paging resumes inside segments); the segments
 * must be pairwise disjoint and together hold exactly the table's items.
 * Items are random (fixed seed) on a table with a sort key, a hash-only
 * table and a GSI.
 */
#include "test_engine_util.h"

#include <stdint.h>

#define NITEMS 400

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

/* Every item of a Scan request run to its last page, as compact key texts
 * appended to `seen` (a JSON object used as a multiset: key → count). */
static int scan_all(const char *base, json_t *seen, size_t *pages)
{
    json_t *esk = NULL;
    int n = 0;
    for (;;) {
        json_t *req = json_loads(base, 0, NULL);
        if (esk) json_object_set_new(req, "ExclusiveStartKey", esk);
        char *text = json_dumps(req, JSON_COMPACT);
        json_decref(req);
        json_t *r = call_json("Scan", text);
        free(text);
        if (!r) {
            fprintf(stderr, "Scan %s: %s\n", base, last_err.message);
            check_failures++;
            return -1;
        }
        (*pages)++;
        json_t *items = json_object_get(r, "Items"), *item;
        size_t i;
        CHECK_EQ(json_integer_value(json_object_get(r, "Count")), json_array_size(items));
        json_array_foreach(items, i, item)
        {
            json_t *k =
                json_pack("{s:O, s:O}", "pk", json_object_get(item, "pk"), "sk",
                          json_object_get(item, "sk") ? json_object_get(item, "sk") : json_null());
            char *kt = json_dumps(k, JSON_COMPACT | JSON_SORT_KEYS);
            json_decref(k);
            json_int_t c = json_integer_value(json_object_get(seen, kt));
            json_object_set_new(seen, kt, json_integer(c + 1));
            free(kt);
            n++;
        }
        esk = json_object_get(r, "LastEvaluatedKey");
        if (esk) json_incref(esk);
        json_decref(r);
        if (!esk) return n;
    }
}

static void check_segments(const char *table, const char *index, size_t expect)
{
    for (int total = 1; total <= 9; total++) {
        json_t *seen = json_object();
        size_t pages = 0, sum = 0, nonempty = 0;
        for (int s = 0; s < total; s++) {
            char base[256];
            snprintf(base, sizeof base,
                     "{\"TableName\":\"%s\",\"Limit\":7,\"Segment\":%d,\"TotalSegments\":%d%s%s%s}",
                     table, s, total, index ? ",\"IndexName\":\"" : "", index ? index : "",
                     index ? "\"" : "");
            int n = scan_all(base, seen, &pages);
            if (n > 0) nonempty++;
            sum += n > 0 ? (size_t)n : 0;
        }
        /* Disjoint: nobody seen twice; complete: every item seen. */
        CHECK_EQ(sum, expect);
        CHECK_EQ(json_object_size(seen), expect);
        const char *k;
        json_t *c;
        json_object_foreach(seen, k, c) CHECK_EQ(json_integer_value(c), 1);
        /* The hash spreads partitions: no segment of a few is left empty. */
        if (total <= 4) CHECK_EQ(nonempty, (size_t)total);
        json_decref(seen);
    }
}

static void put(const char *table, const char *pk, int sk, bool has_g)
{
    char req[512];
    if (sk >= 0)
        snprintf(req, sizeof req,
                 "{\"TableName\":\"%s\",\"Item\":{\"pk\":{\"S\":\"%s\"},\"sk\":{\"N\":\"%d\"}%s}}",
                 table, pk, sk, has_g ? ",\"g\":{\"S\":\"gv\"}" : "");
    else
        snprintf(req, sizeof req, "{\"TableName\":\"%s\",\"Item\":{\"pk\":{\"S\":\"%s\"}}}", table,
                 pk);
    json_t *r = call_json("PutItem", req);
    if (!r) fprintf(stderr, "PutItem: %s\n", last_err.message);
    CHECK(r != NULL);
    json_decref(r);
}

static void test_segments(void)
{
    engine_start(0);
    create_table("Ranged", "pk", 'S', "sk", 'N');
    create_table("Hashed", "pk", 'S', NULL, 0);
    json_t *r = call_json("UpdateTable",
                          "{\"TableName\":\"Ranged\",\"AttributeDefinitions\":[{\"AttributeName\":"
                          "\"g\",\"AttributeType\":\"S\"},{\"AttributeName\":\"sk\","
                          "\"AttributeType\":\"N\"}],\"GlobalSecondaryIndexUpdates\":[{\"Create\":"
                          "{\"IndexName\":\"byG\",\"KeySchema\":[{\"AttributeName\":\"sk\","
                          "\"KeyType\":\"HASH\"},{\"AttributeName\":\"g\",\"KeyType\":\"RANGE\"}],"
                          "\"Projection\":{\"ProjectionType\":\"KEYS_ONLY\"}}}]}");
    if (!r) fprintf(stderr, "UpdateTable: %s\n", last_err.message);
    CHECK(r != NULL);
    json_decref(r);
    json_t *keys = json_object();
    size_t ranged = 0, in_gsi = 0;
    while (ranged < NITEMS) {
        char pk[32];
        snprintf(pk, sizeof pk, "p%u", next_rand() % 90);
        int sk = (int)(next_rand() % 50);
        char kt[64];
        snprintf(kt, sizeof kt, "%s/%d", pk, sk);
        if (json_object_get(keys, kt)) continue;
        json_object_set_new(keys, kt, json_true());
        bool g = next_rand() % 3 != 0;
        put("Ranged", pk, sk, g);
        ranged++;
        in_gsi += g;
    }
    json_decref(keys);
    for (int i = 0; i < 150; i++) {
        char pk[32];
        snprintf(pk, sizeof pk, "h%d", i);
        put("Hashed", pk, -1, false);
    }
    check_segments("Ranged", NULL, ranged);
    check_segments("Hashed", NULL, 150);
    /* The GSI is sparse: only items with g are in it. */
    check_segments("Ranged", "byG", in_gsi);

    /* A start key of another segment is refused. */
    const char *seg0 = answer("Scan", "{\"TableName\":\"Hashed\",\"Limit\":1,\"Segment\":0,"
                                      "\"TotalSegments\":2}");
    json_t *page = json_loads(seg0, 0, NULL);
    json_t *lek = json_object_get(page, "LastEvaluatedKey");
    CHECK(lek != NULL);
    json_t *req = json_pack("{s:s, s:i, s:i, s:O}", "TableName", "Hashed", "Segment", 1,
                            "TotalSegments", 2, "ExclusiveStartKey", lek);
    char *text = json_dumps(req, JSON_COMPACT);
    CHECK_STR(answer("Scan", text),
              "ValidationException: The provided starting key is invalid: Invalid "
              "ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. "
              "TotalSegments: 2 Segment: 1");
    free(text);
    json_decref(req);
    json_decref(page);
}

/* Items of ~100 KB: a page stops at the item that crosses 1 MB. */
static void test_pages(void)
{
    engine_start(0);
    create_table("Big", "pk", 'S', "sk", 'N');
    char *blob = malloc(100 * 1000 + 1);
    memset(blob, 'x', 100 * 1000);
    blob[100 * 1000] = '\0';
    for (int i = 0; i < 25; i++) {
        json_t *req = json_pack("{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}}}", "TableName", "Big", "Item",
                                "pk", "S", "p", "sk", "N", "0", "data", "S", blob);
        char n[8];
        snprintf(n, sizeof n, "%d", i);
        json_object_set_new(json_object_get(json_object_get(req, "Item"), "sk"), "N",
                            json_string(n));
        json_t *r = NULL;
        pq_error_release(&last_err);
        CHECK(pq_engine_call(eng, "PutItem", req, &r, &last_err) == PQ_OK);
        json_decref(r);
        json_decref(req);
    }
    free(blob);
    /* 10 items are 1,000,000-odd bytes, the 11th crosses 1 MB. */
    json_t *r = call_json("Scan", "{\"TableName\":\"Big\",\"Select\":\"COUNT\","
                                  "\"ReturnConsumedCapacity\":\"TOTAL\"}");
    CHECK(r != NULL);
    CHECK_EQ(json_integer_value(json_object_get(r, "ScannedCount")), 11);
    CHECK_EQ(json_integer_value(json_object_get(r, "Count")), 11);
    CHECK(json_object_get(r, "Items") == NULL);
    CHECK_STR(json_string_value(json_object_get(
                  json_object_get(json_object_get(r, "LastEvaluatedKey"), "sk"), "N")),
              "10");
    /* 11 items of 100,012 bytes: ceil(1,100,132 / 4096) = 269 units, halved. */
    CHECK(json_real_value(
              json_object_get(json_object_get(r, "ConsumedCapacity"), "CapacityUnits")) == 134.5);
    json_decref(r);
    /* A Limit below the page size ends the page first. */
    r = call_json("Scan", "{\"TableName\":\"Big\",\"Limit\":4,\"Select\":\"COUNT\","
                          "\"ExclusiveStartKey\":{\"pk\":{\"S\":\"p\"},\"sk\":{\"N\":\"20\"}}}");
    CHECK(r != NULL);
    CHECK_EQ(json_integer_value(json_object_get(r, "ScannedCount")), 4);
    CHECK_STR(json_string_value(json_object_get(
                  json_object_get(json_object_get(r, "LastEvaluatedKey"), "sk"), "N")),
              "24");
    json_decref(r);
    /* The last page: nothing after sk 24, no LastEvaluatedKey. */
    r = call_json("Scan", "{\"TableName\":\"Big\",\"Select\":\"COUNT\","
                          "\"ExclusiveStartKey\":{\"pk\":{\"S\":\"p\"},\"sk\":{\"N\":\"24\"}}}");
    CHECK(r != NULL);
    CHECK_EQ(json_integer_value(json_object_get(r, "ScannedCount")), 0);
    CHECK(json_object_get(r, "LastEvaluatedKey") == NULL);
    json_decref(r);
}

/* Model constraints boto3 refuses to send (it checks them itself). */
static void test_model(void)
{
    engine_start(0);
    CHECK_STR(answer("Scan", "{}"), "ValidationException: The parameter 'TableName' is required "
                                    "but was not present in the request");
    CHECK_STR(answer("Scan", "{\"TableName\":\"\",\"Limit\":0,\"Segment\":-1,"
                             "\"TotalSegments\":0,\"AttributesToGet\":[]}"),
              "ValidationException: 5 validation errors detected: Value '' at 'tableName' failed "
              "to satisfy constraint: Member must have length greater than or equal to 1; Value "
              "'[]' at 'attributesToGet' failed to satisfy constraint: Member must have length "
              "greater than or equal to 1; Value '0' at 'limit' failed to satisfy constraint: "
              "Member must have value greater than or equal to 1; Value '0' at 'totalSegments' "
              "failed to satisfy constraint: Member must have value greater than or equal to 1; "
              "Value '-1' at 'segment' failed to satisfy constraint: Member must have value "
              "greater than or equal to 0");
    CHECK_STR(answer("Scan", "{\"TableName\":\"t\",\"Segment\":1000000,"
                             "\"TotalSegments\":1000000}"),
              "ValidationException: 1 validation error detected: Value '1000000' at 'segment' "
              "failed to satisfy constraint: Member must have value less than or equal to 999999");
    CHECK_STR(answer("Scan", "{\"TableName\":\"t\",\"Limit\":\"1\"}"),
              "SerializationException: STRING_VALUE cannot be converted to Integer");
}

int main(void)
{
    (void)ok; /* helpers of test_engine_util.h this test does not need */
    (void)items;
    (void)error_of;
    test_model();
    test_segments();
    test_pages();
    pq_engine_close(eng);
    pq_error_release(&last_err);
    DONE();
}
