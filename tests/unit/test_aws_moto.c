/* test_aws_moto.c — the AWS backend against moto_server with signature checking on.
 *
 * moto (tests/integration/moto_auth.py) verifies every request's SigV4
 * signature against an IAM access key it created, so each call here proves
 * the signing and framing; a wrong secret must be refused.
 */
#include "check.h"
#include "test_aws_util.h"
#include "pqsh/aws.h"

#include <jansson.h>

static char endpoint[64];
static char akid[128], secret[128];

static struct pq_backend *open_backend(const char *secret_key, struct pq_buf *debug)
{
    struct pq_aws_options o;
    struct pq_backend *b = NULL;
    struct pq_error err;
    pq_error_init(&err);
    pq_aws_options_init(&o);
    setenv("AWS_ACCESS_KEY_ID", akid, 1);
    setenv("AWS_SECRET_ACCESS_KEY", secret_key, 1);
    o.endpoint_url = endpoint;
    o.region = "us-east-1";
    o.max_attempts = 1;
    o.debug = debug ? collect_debug : NULL;
    o.debug_ctx = debug;
    if (pq_aws_backend_open(&o, &b, &err) != PQ_OK) fprintf(stderr, "open: %s\n", err.message);
    pq_error_release(&err);
    return b;
}

/* Calls `op` with a JSON text request; returns the response or NULL with `err` set. */
static json_t *call(struct pq_backend *b, const char *op, const char *request, struct pq_error *err)
{
    json_t *req = json_loads(request, 0, NULL), *resp = NULL;
    pq_error_release(err);
    if (pq_backend_call(b, op, req, &resp, err) != PQ_OK) resp = NULL;
    json_decref(req);
    return resp;
}

static const char *str_at(json_t *j, const char *path)
{
    json_t *v = j;
    char key[64];
    while (v && *path) {
        size_t n = strcspn(path, ".");
        snprintf(key, sizeof key, "%.*s", (int)n, path);
        v = json_is_array(v) ? json_array_get(v, (size_t)atoi(key)) : json_object_get(v, key);
        path += n + (path[n] == '.');
    }
    return json_string_value(v);
}

static void test_tables(struct pq_backend *b)
{
    struct pq_error err;
    pq_error_init(&err);
    json_t *r = call(b, "CreateTable",
                     "{\"TableName\":\"Orders\",\"AttributeDefinitions\":[{\"AttributeName\":"
                     "\"idempotency_token\",\"AttributeType\":\"S\"}],\"KeySchema\":[{"
                     "\"AttributeName\":\"idempotency_token\",\"KeyType\":\"HASH\"}],"
                     "\"BillingMode\":\"PAY_PER_REQUEST\"}",
                     &err);
    CHECK(r != NULL);
    CHECK_STR(str_at(r, "TableDescription.TableName"), "Orders");
    json_decref(r);

    r = call(b, "DescribeTable", "{\"TableName\":\"Orders\"}", &err);
    CHECK_STR(str_at(r, "Table.KeySchema.0.AttributeName"), "idempotency_token");
    json_decref(r);

    /* Duplicate table → ResourceInUseException. */
    r = call(b, "CreateTable",
             "{\"TableName\":\"Orders\",\"AttributeDefinitions\":[{\"AttributeName\":\"k\","
             "\"AttributeType\":\"S\"}],\"KeySchema\":[{\"AttributeName\":\"k\",\"KeyType\":"
             "\"HASH\"}],\"BillingMode\":\"PAY_PER_REQUEST\"}",
             &err);
    CHECK(r == NULL);
    CHECK_EQ(err.code, PQ_ERR_SERVICE);
    CHECK_STR(err.type, "ResourceInUseException");
    CHECK_EQ(err.http_status, 400);
    CHECK(err.detail && json_object_get(err.detail, "__type"));

    /* Missing table → ResourceNotFoundException. */
    r = call(b, "DescribeTable", "{\"TableName\":\"Nope\"}", &err);
    CHECK(r == NULL);
    CHECK_STR(err.type, "ResourceNotFoundException");
    CHECK(err.message && strstr(err.message, "Requested resource not found") != NULL);

    /* Several pages of ListTables. */
    char req[256];
    for (int i = 0; i < 4; i++) {
        snprintf(req, sizeof req,
                 "{\"TableName\":\"T%d\",\"AttributeDefinitions\":[{\"AttributeName\":\"k\","
                 "\"AttributeType\":\"S\"}],\"KeySchema\":[{\"AttributeName\":\"k\",\"KeyType\":"
                 "\"HASH\"}],\"BillingMode\":\"PAY_PER_REQUEST\"}",
                 i);
        json_decref(call(b, "CreateTable", req, &err));
        CHECK_EQ(err.code, PQ_OK);
    }
    int seen = 0, pages = 0;
    char start[64] = "";
    do {
        if (*start)
            snprintf(req, sizeof req, "{\"Limit\":2,\"ExclusiveStartTableName\":\"%s\"}", start);
        else
            snprintf(req, sizeof req, "{\"Limit\":2}");
        r = call(b, "ListTables", req, &err);
        CHECK(r != NULL);
        seen += (int)json_array_size(json_object_get(r, "TableNames"));
        const char *last = str_at(r, "LastEvaluatedTableName");
        snprintf(start, sizeof start, "%s", last ? last : "");
        json_decref(r);
        pages++;
    } while (*start && pages < 10);
    CHECK_EQ(seen, 5);
    CHECK(pages >= 3);
    pq_error_release(&err);
}

static void test_statements(struct pq_backend *b)
{
    struct pq_error err;
    pq_error_init(&err);
    json_t *r = call(b, "ExecuteStatement",
                     /* moto cannot bind parameters inside VALUE {…}: literals here. */
                     "{\"Statement\":\"INSERT INTO \\\"Orders\\\" VALUE {'idempotency_token': "
                     "'tok-1', 'amount': 42, 'meta': {'by': 'ann'}}\"}",
                     &err);
    CHECK(r != NULL);
    json_decref(r);
    r = call(b, "ExecuteStatement",
             "{\"Statement\":\"SELECT * FROM \\\"Orders\\\" WHERE \\\"idempotency_token\\\" = "
             "?\",\"Parameters\":[{\"S\":\"tok-1\"}]}",
             &err);
    CHECK(r != NULL);
    CHECK_STR(str_at(r, "Items.0.idempotency_token.S"), "tok-1");
    CHECK_STR(str_at(r, "Items.0.amount.N"), "42");
    CHECK_STR(str_at(r, "Items.0.meta.M.by.S"), "ann");
    json_decref(r);

    r = call(b, "ExecuteStatement",
             "{\"Statement\":\"SELECT * FROM \\\"Missing\\\" WHERE \\\"k\\\" = ?\","
             "\"Parameters\":[{\"S\":\"x\"}]}",
             &err);
    CHECK(r == NULL);
    CHECK_STR(err.type, "ResourceNotFoundException");

    json_decref(call(b, "DeleteTable", "{\"TableName\":\"Orders\"}", &err));
    CHECK_EQ(err.code, PQ_OK);
    r = call(b, "DescribeTable", "{\"TableName\":\"Orders\"}", &err);
    CHECK(r == NULL);
    CHECK_STR(err.type, "ResourceNotFoundException");
    pq_error_release(&err);
}

static void test_wrong_secret(void)
{
    struct pq_error err;
    pq_error_init(&err);
    struct pq_backend *bad = open_backend("not-the-secret", NULL);
    CHECK(bad != NULL);
    if (!bad) return;
    json_t *r = call(bad, "ListTables", "{}", &err);
    CHECK(r == NULL);
    CHECK_EQ(err.code, PQ_ERR_SERVICE);
    fprintf(stderr, "wrong secret: %s: %s\n", err.type, err.message);
    CHECK(err.type && (strcmp(err.type, "SignatureDoesNotMatch") == 0 ||
                       strcmp(err.type, "InvalidSignatureException") == 0));
    CHECK(err.message && !strstr(err.message, "not-the-secret"));
    pq_backend_close(bad);
    pq_error_release(&err);
}

int main(void)
{
    struct helper moto;
    unsetenv("AWS_PROFILE");
    unsetenv("AWS_SESSION_TOKEN");
    setenv("AWS_CONFIG_FILE", "/nonexistent/pqsh-config", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/pqsh-credentials", 1);
    CHECK(helper_start(&moto, "moto_auth.py", NULL));
    json_t *info = json_loads(moto.line, 0, NULL);
    CHECK(info != NULL);
    if (!info) DONE();
    snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%d",
             (int)json_integer_value(json_object_get(info, "port")));
    snprintf(akid, sizeof akid, "%s", json_string_value(json_object_get(info, "access_key")));
    snprintf(secret, sizeof secret, "%s", json_string_value(json_object_get(info, "secret_key")));
    json_decref(info);

    struct pq_buf debug = PQ_BUF_INIT;
    pq_buf_init(&debug);
    struct pq_backend *b = open_backend(secret, &debug);
    CHECK(b != NULL);
    if (b) {
        CHECK_STR(b->label, endpoint);
        CHECK(b->remote);
        test_tables(b);
        test_statements(b);
        pq_backend_close(b);
    }
    test_wrong_secret();
    /* The trace shows requests but never the secret or a whole signature. */
    CHECK(strstr(debug.data, "X-Amz-Target: DynamoDB_20120810.CreateTable") != NULL);
    CHECK(strstr(debug.data, "Signature=<redacted>") != NULL);
    CHECK(strstr(debug.data, secret) == NULL);
    pq_buf_release(&debug);
    helper_stop(&moto);
    DONE();
}
