/* test_expr_limits.c — the limits on ExpressionAttributeNames / ExpressionAttributeValues
 * (§2.9): a #name or :value key of at most 255 bytes, all names and values
 * together at most 2 MB. Both texts are UNCONFIRMED (pqsh's choice, pinned here).
 */
#include "test_engine_util.h"

/* A request {"TableName": "Tbl", "FilterExpression": filter, EAN, EAV} (EAN/EAV stolen). */
static json_t *scan_request(const char *filter, json_t *names, json_t *values)
{
    json_t *req = json_pack("{s:s, s:s}", "TableName", "Tbl", "FilterExpression", filter);
    if (names) json_object_set_new(req, "ExpressionAttributeNames", names);
    if (values) json_object_set_new(req, "ExpressionAttributeValues", values);
    return req;
}

/* Runs Scan; returns NULL on success, else the error message (last_err's). */
static const char *scan(json_t *req)
{
    json_t *resp = NULL;
    pq_error_release(&last_err);
    pq_status st = pq_engine_call(eng, "Scan", req, &resp, &last_err);
    json_decref(req);
    json_decref(resp);
    return st == PQ_OK ? NULL : last_err.message;
}

static char *repeat(char first, char c, size_t n)
{
    char *s = malloc(n + 1);
    memset(s, c, n);
    s[0] = first;
    s[n] = '\0';
    return s;
}

static void test_key_length(void)
{
    char *name255 = repeat('#', 'n', 255), *name256 = repeat('#', 'n', 256);
    char *value255 = repeat(':', 'v', 255), *value256 = repeat(':', 'v', 256);
    char filter[1024], want[1024];

    snprintf(filter, sizeof filter, "%s = %s", name255, value255);
    CHECK(scan(scan_request(filter, json_pack("{s:s}", name255, "a"),
                            json_pack("{s:{s:s}}", value255, "S", "x"))) == NULL);

    snprintf(filter, sizeof filter, "%s = %s", name256, value255);
    snprintf(want, sizeof want,
             "ExpressionAttributeNames contains invalid key: Syntax error; key: \"%s\"", name256);
    CHECK_STR(scan(scan_request(filter, json_pack("{s:s}", name256, "a"),
                                json_pack("{s:{s:s}}", value255, "S", "x"))),
              want);

    snprintf(filter, sizeof filter, "%s = %s", name255, value256);
    snprintf(want, sizeof want,
             "ExpressionAttributeValues contains invalid key: Syntax error; key: \"%s\"", value256);
    CHECK_STR(scan(scan_request(filter, json_pack("{s:s}", name255, "a"),
                                json_pack("{s:{s:s}}", value256, "S", "x"))),
              want);
    free(name255);
    free(name256);
    free(value255);
    free(value256);
}

/* n values of `bytes`-byte strings, :v0 … :v<n-1>, and the filter a IN (…). */
static json_t *big_values(size_t n, size_t bytes, char *filter, size_t cap)
{
    json_t *values = json_object();
    char *s = repeat('x', 'x', bytes);
    size_t len = (size_t)snprintf(filter, cap, "a IN (");
    for (size_t i = 0; i < n; i++) {
        char key[24]; /* ":v" + 20 digits + NUL */
        snprintf(key, sizeof key, ":v%zu", i);
        json_object_set_new(values, key, json_pack("{s:s}", "S", s));
        len += (size_t)snprintf(filter + len, cap - len, "%s%s", i ? ", " : "", key);
    }
    snprintf(filter + len, cap - len, ")");
    free(s);
    return values;
}

static void test_total_size(void)
{
    char filter[256];
    /* 5 × (3 + 350000) bytes: under 2 MB. */
    json_t *values = big_values(5, 350000, filter, sizeof filter);
    CHECK(scan(scan_request(filter, NULL, values)) == NULL);
    /* 6 × (3 + 350000) + (2 + 1) bytes: over. */
    values = big_values(6, 350000, filter, sizeof filter);
    CHECK_STR(scan(scan_request(filter, json_pack("{s:s}", "#a", "a"), values)),
              "ExpressionAttributeNames and ExpressionAttributeValues size has exceeded the "
              "maximum allowed size; size: 2100021");
}

int main(void)
{
    engine_start(0);
    create_table("Tbl", "pk", 'S', NULL, 0);
    test_key_length();
    test_total_size();
    pq_engine_close(eng);
    pq_error_release(&last_err);
    (void)ok; /* shared helpers this file does not need */
    (void)error_of;
    (void)items;
    DONE();
}
