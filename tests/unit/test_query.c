/* test_query.c — Query through pq_engine_call: pages across 1 MB with a Limit and a filter.
 *
 * 30 items of ~100 KB in one partition, every third one "kept" by the
 * filter. A page stops at the Limit or at the item that crosses 1 MB,
 * whichever comes first; Count counts what the filter kept, ScannedCount
 * what was read; following LastEvaluatedKey reads every item exactly once,
 * forwards and backwards.
 */
#include "test_engine_util.h"

#define NITEMS 30
#define BLOB 100000

static void put_big(int sk)
{
    static char *blob;
    if (!blob) {
        blob = malloc(BLOB + 1);
        memset(blob, 'x', BLOB);
        blob[BLOB] = '\0';
    }
    char n[16];
    snprintf(n, sizeof n, "%d", sk);
    json_t *req =
        json_pack("{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:b}}}", "TableName", "Big", "Item", "pk",
                  "S", "p", "sk", "N", n, "data", "S", blob, "kept", "BOOL", sk % 3 == 0);
    json_t *r = NULL;
    pq_error_release(&last_err);
    CHECK(pq_engine_call(eng, "PutItem", req, &r, &last_err) == PQ_OK);
    json_decref(r);
    json_decref(req);
    if (sk == NITEMS - 1) {
        free(blob);
        blob = NULL;
    }
}

/* Pages of a Query with `limit` (0: none) until the end; checks each page
 * against the rules and returns the number of pages. */
static int read_pages(int limit, bool forward, const int *expect_scanned, int npages)
{
    json_t *esk = NULL;
    int pages = 0, kept = 0, read = 0, prev = forward ? -1 : NITEMS;
    for (;;) {
        json_t *req = json_pack("{s:s, s:s, s:s, s:{s:{s:s}, s:{s:b}}, s:b, s:s, s:s}", "TableName",
                                "Big", "KeyConditionExpression", "pk = :p", "FilterExpression",
                                "kept = :k", "ExpressionAttributeValues", ":p", "S", "p", ":k",
                                "BOOL", 1, "ScanIndexForward", forward, "ProjectionExpression",
                                "sk", "ReturnConsumedCapacity", "TOTAL");
        if (limit) json_object_set_new(req, "Limit", json_integer(limit));
        if (esk) json_object_set_new(req, "ExclusiveStartKey", esk);
        json_t *r = NULL;
        pq_error_release(&last_err);
        if (pq_engine_call(eng, "Query", req, &r, &last_err) != PQ_OK) {
            fprintf(stderr, "Query: %s\n", last_err.message);
            check_failures++;
            json_decref(req);
            return -1;
        }
        json_decref(req);
        json_int_t scanned = json_integer_value(json_object_get(r, "ScannedCount"));
        json_t *items = json_object_get(r, "Items"), *item;
        size_t i;
        if (pages < npages) CHECK_EQ(scanned, expect_scanned[pages]);
        CHECK_EQ(json_integer_value(json_object_get(r, "Count")), json_array_size(items));
        json_array_foreach(items, i, item)
        {
            int sk = atoi(json_string_value(json_object_get(json_object_get(item, "sk"), "N")));
            CHECK_EQ(sk % 3, 0);
            CHECK(forward ? sk > prev : sk < prev);
            prev = sk;
            kept++;
        }
        read += (int)scanned;
        /* Units: the bytes read this page (~100 KB each), halved. */
        double units = json_real_value(
            json_object_get(json_object_get(r, "ConsumedCapacity"), "CapacityUnits"));
        CHECK(units >= (double)scanned * 24 / 2 && units <= (double)scanned * 25 / 2 + 0.5);
        pages++;
        esk = json_object_get(r, "LastEvaluatedKey");
        if (esk) json_incref(esk);
        json_decref(r);
        if (!esk) break;
    }
    CHECK_EQ(kept, NITEMS / 3);
    CHECK_EQ(read, NITEMS);
    return pages;
}

int main(void)
{
    (void)ok; /* helpers of test_engine_util.h this test does not need */
    (void)items;
    (void)error_of;
    engine_start(0);
    create_table("Big", "pk", 'S', "sk", 'N');
    for (int i = 0; i < NITEMS; i++)
        put_big(i);
    /* No Limit: 11 items make a page (the 11th crosses 1 MB). */
    const int by_size[] = {11, 11, 8};
    CHECK_EQ(read_pages(0, true, by_size, 3), 3);
    CHECK_EQ(read_pages(0, false, by_size, 3), 3);
    /* Limit 4 ends pages before 1 MB does. */
    const int by_limit[] = {4, 4, 4, 4, 4, 4, 4, 2};
    CHECK_EQ(read_pages(4, true, by_limit, 8), 8);
    /* Limit 15 is above the 1 MB page: the size ends each page. */
    CHECK_EQ(read_pages(15, false, by_size, 3), 3);
    /* Limit 10 = exactly the items of the last page: an empty page follows. */
    const int ten[] = {10, 10, 10, 0};
    CHECK_EQ(read_pages(10, true, ten, 4), 4);
    pq_engine_close(eng);
    pq_error_release(&last_err);
    DONE();
}
