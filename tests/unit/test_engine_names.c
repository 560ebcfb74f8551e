/* test_engine_names.c — request member and operation names as the engine
 * matches them: exactly, a name with a NUL inside matching nothing (as
 * json_object_get sees it), whatever the name's length or prefix. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "test_engine_open.h"
#include "pqsh/engine.h"

/* "OK <json>" or "ERR <type> <message>": a new string. The request is
 * `request` plus, when `name` is given, a member named name[0..nlen)
 * (jansson's parser takes no NUL in a name: it is set directly) with the
 * value JSON `value`. */
static char *call_with(struct pq_engine *e, const char *op, const char *request, const char *name,
                       size_t nlen, const char *value)
{
    json_error_t jerr;
    json_t *req = json_loads(request, 0, &jerr), *resp = NULL;
    if (!req) {
        fprintf(stderr, "bad test JSON: %s: %s\n", jerr.text, request);
        exit(1);
    }
    if (name) json_object_setn_new(req, name, nlen, json_loads(value, JSON_DECODE_ANY, &jerr));
    struct pq_error err;
    pq_error_init(&err);
    pq_status st = pq_engine_call(e, op, req, &resp, &err);
    char *j = st == PQ_OK ? json_dumps(resp, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
    size_t n = 64 + (j ? strlen(j) : 0) + (err.message ? strlen(err.message) : 0) +
               (err.type ? strlen(err.type) : 0);
    char *a = malloc(n);
    if (st == PQ_OK)
        snprintf(a, n, "OK %s", j);
    else
        snprintf(a, n, "ERR %s %s", err.type ? err.type : "-", err.message ? err.message : "-");
    free(j);
    json_decref(req);
    json_decref(resp);
    pq_error_release(&err);
    return a;
}

static char *call(struct pq_engine *e, const char *op, const char *request)
{
    return call_with(e, op, request, NULL, 0, NULL);
}

/* The answer to `request` with the member name[0..nlen) = value added is
 * `request`'s own. */
static void ignored(struct pq_engine *e, const char *op, const char *request, const char *name,
                    size_t nlen, const char *value)
{
    char *x = call_with(e, op, request, name, nlen, value), *y = call(e, op, request);
    CHECK_STR(x, y);
    free(x);
    free(y);
}

static void starts(struct pq_engine *e, const char *op, const char *request, const char *prefix)
{
    char *a = call(e, op, request);
    CHECK(strncmp(a, prefix, strlen(prefix)) == 0);
    if (strncmp(a, prefix, strlen(prefix)) != 0) fprintf(stderr, "  %s %s: %s\n", op, request, a);
    free(a);
}

int main(void)
{
    struct pq_engine *e = test_engine_open(0);
    starts(
        e, "CreateTable",
        "{\"TableName\": \"Tab\", \"BillingMode\": \"PAY_PER_REQUEST\", \"AttributeDefinitions\": "
        "[{\"AttributeName\": \"pk\", \"AttributeType\": \"S\"}], \"KeySchema\": "
        "[{\"AttributeName\": \"pk\", \"KeyType\": \"HASH\"}]}",
        "OK ");
    starts(e, "ExecuteStatement", "{\"Statement\": \"INSERT INTO Tab VALUE {'pk': 'a'}\"}", "OK ");

    /* ExecuteStatement's members (read_members): a NUL or one byte more or
     * less is another member, ignored. */
    starts(e, "ExecuteStatement", "{\"Statement\": \"SELECT * FROM Tab\"}", "OK {\"Items\":[{");
    ignored(e, "ExecuteStatement", "{}", "Statement\0", 10, "\"SELECT * FROM Tab\"");
    ignored(e, "ExecuteStatement", "{}", "Statement\0x", 11, "\"SELECT * FROM Tab\"");
    ignored(e, "ExecuteStatement", "{}", "Statemen", 8, "\"SELECT * FROM Tab\"");
    ignored(e, "ExecuteStatement", "{}", "StatementX", 10, "\"SELECT * FROM Tab\"");
    ignored(e, "ExecuteStatement", "{\"Statement\": \"SELECT * FROM Tab\"}", "Limit\0", 6, "0");
    starts(e, "ExecuteStatement", "{\"Statement\": \"SELECT * FROM Tab\", \"Limit\": 0}", "ERR ");

    /* The shape check (check_members): a wrong type under a name with a NUL
     * is no member's, so not checked; under the name itself it is. */
    static const char get[] = "{\"TableName\": \"Tab\", \"Key\": {\"pk\": {\"S\": \"a\"}}}";
    starts(e, "GetItem", get, "OK {\"Item\":{\"pk\"");
    ignored(e, "GetItem", get, "ConsistentRead\0", 15, "5");
    ignored(e, "GetItem", get, "ConsistentRea", 13, "5");
    char *bad = call_with(e, "GetItem", get, "ConsistentRead", 14, "5");
    CHECK(strncmp(bad, "ERR SerializationException", 26) == 0);
    free(bad);

    /* Operation names (find_op): exact. */
    starts(e, "ExecuteStatemen", "{\"Statement\": \"SELECT * FROM Tab\"}", "ERR ");
    starts(e, "ExecuteStatementX", "{\"Statement\": \"SELECT * FROM Tab\"}", "ERR ");
    starts(e, "DescribeTable", "{\"TableName\": \"Tab\"}", "OK ");
    starts(e, "DescribeTabl", "{\"TableName\": \"Tab\"}", "ERR ");

    pq_engine_close(e);
    DONE();
}
