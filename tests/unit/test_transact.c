/* test_transact.c — TransactWriteItems / TransactGetItems checks a golden file cannot make:
 * the 10-minute token window on the engine's clock, the 4 MB request limit. */
#include "test_engine_util.h"

#define PUT(pk, extra)                                                                             \
    "{\"Put\": {\"TableName\": \"Tab\", \"Item\": {\"pk\": {\"S\": \"" pk "\"}" extra "}}}"

static const char *write_items(const char *items, const char *token)
{
    static char req[4096];
    snprintf(req, sizeof req, "{\"TransactItems\": [%s], \"ClientRequestToken\": \"%s\"}", items,
             token);
    return answer("TransactWriteItems", req);
}

static void test_required(void)
{
    CHECK_STR(answer("TransactWriteItems", "{}"),
              "ValidationException: The parameter 'TransactItems' is required but was not "
              "present in the request");
    CHECK_STR(answer("TransactGetItems", "{}"),
              "ValidationException: The parameter 'TransactItems' is required but was not "
              "present in the request");
}

/* A replay is recognised for 10 minutes after the first call; then the
 * token is free and the request runs again. */
static void test_token_window(void)
{
    double t0 = eng->fixed_time;
    CHECK_STR(write_items(PUT("w1", ", \"n\": {\"N\": \"1\"}"), "win"), "{}");
    ok("DELETE FROM Tab WHERE pk = 'w1'");
    eng->fixed_time = t0 + 599;
    CHECK_STR(write_items(PUT("w1", ", \"n\": {\"N\": \"1\"}"), "win"), "{}");
    CHECK_STR(items("SELECT * FROM Tab WHERE pk = 'w1'"), "[]");
    CHECK_STR(write_items(PUT("w1", ""), "win"),
              "IdempotentParameterMismatchException: Specified idempotent token was used with "
              "different request parameters within the idempotency window");
    eng->fixed_time = t0 + 601;
    CHECK_STR(write_items(PUT("w1", ", \"n\": {\"N\": \"1\"}"), "win"), "{}");
    CHECK_STR(items("SELECT * FROM Tab WHERE pk = 'w1'"),
              "[{\"n\":{\"N\":\"1\"},\"pk\":{\"S\":\"w1\"}}]");
    eng->fixed_time = t0;
}

/* Eleven puts of 390 KB are more than 4 MB of request; ten are not. */
static void test_request_size(void)
{
    char *v = malloc(390001);
    memset(v, 'x', 390000);
    v[390000] = '\0';
    for (int n = 10; n <= 11; n++) {
        json_t *list = json_array();
        for (int i = 0; i < n; i++) {
            char pk[16];
            snprintf(pk, sizeof pk, "big%d", i);
            json_array_append_new(list,
                                  json_pack("{s:{s:s, s:{s:{s:s}, s:{s:s}}}}", "Put", "TableName",
                                            "Tab", "Item", "pk", "S", pk, "v", "S", v));
        }
        json_t *req = json_pack("{s:o}", "TransactItems", list);
        char *text = json_dumps(req, JSON_COMPACT);
        json_decref(req);
        CHECK_STR(answer("TransactWriteItems", text),
                  n == 10 ? "{}"
                          : "ValidationException: Transaction request size cannot exceed 4 MB");
        free(text);
    }
    free(v);
    /* The ten were written, the eleven were not. */
    CHECK_STR(error_of("INSERT INTO Tab VALUE {'pk': 'big9'}"),
              "DuplicateItemException: Duplicate primary key exists in table");
    CHECK_STR(items("SELECT pk FROM Tab WHERE pk = 'big10'"), "[]");
}

int main(void)
{
    engine_start(0);
    create_table("Tab", "pk", 'S', NULL, 0);
    test_required();
    test_token_window();
    test_request_size();
    pq_engine_close(eng);
    pq_error_release(&last_err);
    DONE();
}
