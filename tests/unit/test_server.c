/* test_server.c — the serve protocol on plain structs (SigV4 vectors, errors, crc) and over HTTP.
 */
#include <curl/curl.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/http.h"
#include "check.h"
#include "test_http_util.h"
#include "pqsh/server.h"
#include "server/internal.h"

/* Reference §6.2, cross-checked with botocore. */
#define EX_AKID "AKIDEXAMPLE"
#define EX_SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define EX_TIME 1440938160.0 /* 20150830T123600Z */
#define EX_HOST "dynamodb.us-east-1.amazonaws.com"
#define EX_BODY                                                                                    \
    "{\"Statement\":\"SELECT * FROM \\\"Music\\\" WHERE Artist = "                                 \
    "?\",\"Parameters\":[{\"S\":\"Acme Band\"}]}"
#define EX_AUTH                                                                                    \
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/dynamodb/aws4_request, "           \
    "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "                                    \
    "Signature=60812dc963b2ea6e796aab8f96a7deef674d5377db02c51d73342252392807fb"
#define EX_TOKEN                                                                                   \
    "AQoDYXdzEPT//////////"                                                                        \
    "wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfI"                    \
    "eoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7W" \
    "Z0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+"          \
    "scqKmlzm8F"                                                                                   \
    "DrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="

static struct pq_engine *engine;
static struct pq_server_keys *keys;

/* Runs one request through srv_handle; the response is left in *rs. */
static void handle(struct srv_ctx *c, const char *method, const struct srv_header *h, size_t n,
                   const char *body, struct srv_response *rs)
{
    struct srv_request rq = {method, "/", h, n, body, body ? strlen(body) : 0};
    srv_response_init(rs);
    srv_handle(c, &rq, rs);
    /* Every answer: request id of 52 [A-Z0-9], crc of the exact body. */
    CHECK_EQ(strlen(rs->request_id), 52);
    CHECK_EQ(strspn(rs->request_id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), 52);
    CHECK_EQ(rs->crc32, pq_crc32(rs->body.data, rs->body.len));
}

/* The error name after '#' and the message of an error body. */
static void check_error(const struct srv_response *rs, unsigned status, const char *type,
                        const char *message)
{
    json_t *j = json_loads(rs->body.data, 0, NULL);
    const char *t = json_string_value(json_object_get(j, "__type"));
    const char *m = json_string_value(json_object_get(j, "message"));
    if (!m) m = json_string_value(json_object_get(j, "Message"));
    CHECK_EQ(rs->status, status);
    CHECK_STR(t && strchr(t, '#') ? strchr(t, '#') + 1 : t, type);
    if (message) CHECK_STR(m, message); /* NULL: any message */
    json_decref(j);
}

static void test_signatures(void)
{
    struct srv_ctx c;
    struct srv_response rs;
    srv_ctx_init(&c, engine, keys, EX_TIME);
    struct srv_header h[] = {
        {"Content-Type", "application/x-amz-json-1.0"},
        {"Host", EX_HOST},
        {"X-Amz-Date", "20150830T123600Z"},
        {"X-Amz-Target", "DynamoDB_20120810.ExecuteStatement"},
        {"Authorization", EX_AUTH},
    };
    /* The published signature is accepted: the engine answers (no such table). */
    handle(&c, "POST", h, 5, EX_BODY, &rs);
    check_error(&rs, 400, "ResourceNotFoundException", "Requested resource not found");
    CHECK_STR(rs.op, "ExecuteStatement");
    srv_response_release(&rs);

    /* One byte of the body changed: the message shows what the server computed. */
    char tampered[] = EX_BODY;
    tampered[strlen(tampered) - 5] = 'b';
    handle(&c, "POST", h, 5, tampered, &rs);
    check_error(&rs, 400, "InvalidSignatureException", NULL);
    CHECK(strstr(rs.body.data, "The request signature we calculated does not match") != NULL);
    CHECK(strstr(rs.body.data, "content-type:application/x-amz-json-1.0\\nhost:" EX_HOST
                               "\\nx-amz-date:20150830T123600Z\\n") != NULL);
    srv_response_release(&rs);

    /* Clock skew: 16 minutes later the same request has expired. */
    c.auth_now = EX_TIME + 16 * 60;
    handle(&c, "POST", h, 5, EX_BODY, &rs);
    check_error(&rs, 400, "InvalidSignatureException",
                "Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z "
                "(20150830T125200Z - 15 min.)");
    srv_response_release(&rs);
    c.auth_now = EX_TIME - 14 * 60;
    handle(&c, "POST", h, 5, EX_BODY, &rs);
    check_error(&rs, 400, "ResourceNotFoundException", "Requested resource not found");
    srv_response_release(&rs);
    c.auth_now = EX_TIME;

    /* The session-token variant of §6.2 (the token header is signed). */
    struct srv_header ht[] = {
        {"Content-Type", "application/x-amz-json-1.0"},
        {"Host", EX_HOST},
        {"X-Amz-Date", "20150830T123600Z"},
        {"X-Amz-Security-Token", EX_TOKEN},
        {"X-Amz-Target", "DynamoDB_20120810.ListTables"},
        {"Authorization",
         "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/dynamodb/aws4_request, "
         "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, "
         "Signature=441a3646d5a806ea5c46ea4fcd6c9aecc9bad7df9b60a33bfe810c504ffb586d"},
    };
    handle(&c, "POST", ht, 6, "{}", &rs);
    CHECK_EQ(rs.status, 200);
    CHECK_STR(rs.body.data, "{\"TableNames\":[]}");
    CHECK_STR(rs.content_type, "application/x-amz-json-1.0");
    srv_response_release(&rs);

    /* Unknown key, host not signed, scope for another service, date of another day. */
    h[4].value = "AWS4-HMAC-SHA256 Credential=AKIDOTHER/20150830/us-east-1/dynamodb/aws4_request, "
                 "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=00";
    handle(&c, "POST", h, 5, EX_BODY, &rs);
    check_error(&rs, 400, "UnrecognizedClientException",
                "The security token included in the request is invalid.");
    srv_response_release(&rs);
    h[4].value =
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/dynamodb/aws4_request, "
        "SignedHeaders=content-type;x-amz-date;x-amz-target, Signature=00";
    handle(&c, "POST", h, 5, EX_BODY, &rs);
    check_error(&rs, 400, "InvalidSignatureException",
                "'Host' must be a 'SignedHeader' in the AWS Authorization.");
    srv_response_release(&rs);
    h[4].value = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/dynamo/aws4_request, "
                 "SignedHeaders=host;x-amz-date, Signature=00";
    handle(&c, "POST", h, 5, EX_BODY, &rs);
    check_error(&rs, 400, "InvalidSignatureException",
                "Credential should be scoped to correct service: 'dynamodb'. ");
    srv_response_release(&rs);
    h[4].value =
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150831/us-east-1/dynamodb/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=00";
    handle(&c, "POST", h, 5, EX_BODY, &rs);
    check_error(&rs, 400, "InvalidSignatureException",
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
                "from HTTP: '20150831' != '20150830', from '20150830T123600Z'.");
    srv_response_release(&rs);
    h[4].value = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/dynamodb/aws4_request";
    handle(&c, "POST", h, 5, EX_BODY, &rs);
    check_error(&rs, 400, "IncompleteSignatureException",
                "Authorization header requires 'Signature' parameter. Authorization header "
                "requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 "
                "Credential=AKIDEXAMPLE/20150830/us-east-1/dynamodb/aws4_request");
    srv_response_release(&rs);
    srv_ctx_release(&c);
}

static void test_protocol_errors(void)
{
    struct srv_ctx c;
    struct srv_response rs;
    srv_ctx_init(&c, engine, NULL, 0);
    struct srv_header h[] = {
        {"X-Amz-Target", "DynamoDB_20120810.ListTables"},
        {"Authorization", "AWS4-HMAC-SHA256 Credential=anything/20240101/xx-none-1/dynamodb/"
                          "aws4_request, SignedHeaders=host;x-amz-date, Signature=abc"},
        {"x-amz-date", "20240101T000000Z"},
    };
    /* Without keys any well-formed signature passes. */
    handle(&c, "POST", h, 3, "{}", &rs);
    CHECK_EQ(rs.status, 200);
    CHECK_STR(rs.body.data, "{\"TableNames\":[]}");
    char first_id[53];
    memcpy(first_id, rs.request_id, sizeof first_id);
    srv_response_release(&rs);
    handle(&c, "POST", h, 3, "{}", &rs);
    CHECK(strcmp(first_id, rs.request_id) != 0);
    srv_response_release(&rs);

    handle(&c, "POST", h, 1, "{}", &rs);
    check_error(&rs, 400, "MissingAuthenticationTokenException",
                "Request is missing Authentication Token");
    srv_response_release(&rs);
    handle(&c, "POST", h, 2, "{}", &rs);
    check_error(&rs, 400, "IncompleteSignatureException", NULL);
    CHECK(strstr(rs.body.data, "requires existence of either a 'X-Amz-Date' or a 'Date' header"));
    srv_response_release(&rs);

    handle(&c, "POST", h + 1, 2, "{}", &rs);
    CHECK_STR(rs.body.data, "{\"__type\":\"com.amazon.coral.service#UnknownOperationException\"}");
    CHECK_EQ(rs.status, 400);
    srv_response_release(&rs);
    h[0].value = "DynamoDB_20120810.Frobnicate";
    handle(&c, "POST", h, 3, "{}", &rs);
    CHECK_STR(rs.body.data, "{\"__type\":\"com.amazon.coral.service#UnknownOperationException\"}");
    srv_response_release(&rs);
    h[0].value = "DynamoDB_20120810.RestoreTableToPointInTime";
    handle(&c, "POST", h, 3, "{}", &rs);
    check_error(&rs, 400, "UnknownOperationException",
                "pqsh serve does not implement the operation RestoreTableToPointInTime");
    srv_response_release(&rs);

    h[0].value = "DynamoDB_20120810.DescribeTable";
    handle(&c, "POST", h, 3, "{\"TableName\":", &rs);
    CHECK_STR(rs.body.data, "{\"__type\":\"com.amazon.coral.service#SerializationException\"}");
    srv_response_release(&rs);
    handle(&c, "POST", h, 3, "{\"TableName\":true}", &rs);
    check_error(&rs, 400, "SerializationException", "TRUE_VALUE cannot be converted to String");
    CHECK(strstr(rs.body.data, "\"Message\"") != NULL);
    srv_response_release(&rs);
    handle(&c, "POST", h, 3, "{\"TableName\":\"Nope\"}", &rs);
    CHECK_STR(rs.body.data, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#"
                            "ResourceNotFoundException\",\"message\":\"Requested resource not "
                            "found: Table: Nope not found\"}");
    srv_response_release(&rs);
    handle(&c, "POST", h, 3, "{\"TableName\":\"ab\"}", &rs);
    CHECK(strncmp(rs.body.data, "{\"__type\":\"com.amazon.coral.validate#ValidationException\"",
                  57) == 0);
    srv_response_release(&rs);

    handle(&c, "GET", NULL, 0, NULL, &rs);
    CHECK_EQ(rs.status, 200);
    CHECK_STR(rs.content_type, "text/plain");
    srv_response_release(&rs);
    srv_ctx_release(&c);
}

/* ---- over HTTP ------------------------------------------------------------ */

static int log_lines;
static void count_log(void *ctx, const char *line)
{
    (void)ctx;
    (void)line;
    __atomic_add_fetch(&log_lines, 1, __ATOMIC_SEQ_CST);
}

static void test_http(void)
{
    struct pq_server *s = NULL;
    struct pq_error err;
    pq_error_init(&err);
    struct pq_server_options o = {.engine = engine, .max_body = 4096, .log = count_log};
    CHECK_EQ(pq_server_start(&o, &s, &err), PQ_OK);
    if (!s) {
        fprintf(stderr, "  cannot start: %s\n", err.message);
        pq_error_release(&err);
        return;
    }
    CHECK(pq_server_port(s) > 0);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/", pq_server_port(s));
    CURL *h = curl_easy_init();
    struct pq_buf out = PQ_BUF_INIT;
    pq_buf_init(&out);
    char crc[32] = "";
    const char *create = "{\"TableName\":\"Tab\",\"BillingMode\":\"PAY_PER_REQUEST\","
                         "\"AttributeDefinitions\":[{\"AttributeName\":\"k\",\"AttributeType\":"
                         "\"S\"}],\"KeySchema\":[{\"AttributeName\":\"k\",\"KeyType\":\"HASH\"}]}";
    CHECK_EQ(ddb_post(h, url, "CreateTable", create, strlen(create), &out, crc, sizeof crc), 200);
    CHECK(strstr(out.data, "\"TableName\":\"Tab\"") != NULL);
    char want[32];
    snprintf(want, sizeof want, "%lu", (unsigned long)pq_crc32(out.data, out.len));
    CHECK_STR(crc, want);
    const char *put = "{\"TableName\":\"Tab\",\"Item\":{\"k\":{\"S\":\"a\"}}}";
    CHECK_EQ(ddb_post(h, url, "PutItem", put, strlen(put), &out, NULL, 0), 200);
    CHECK_STR(out.data, "{}");
    long connects = -1;
    curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &connects);
    CHECK_EQ(connects, 0); /* the second request reused the connection */

    /* Over the body limit: 413 before the body is read. */
    char *big = pq_xmalloc(5000);
    memset(big, ' ', 5000);
    CHECK_EQ(ddb_post(h, url, "ListTables", big, 5000, &out, NULL, 0), 413);
    CHECK(strstr(out.data, "RequestEntityTooLargeException") != NULL);
    free(big);
    const char *get = "{\"TableName\":\"Tab\",\"Key\":{\"k\":{\"S\":\"a\"}}}";
    CHECK_EQ(ddb_post(h, url, "GetItem", get, strlen(get), &out, NULL, 0), 200);
    CHECK_STR(out.data, "{\"Item\":{\"k\":{\"S\":\"a\"}}}");

    curl_easy_cleanup(h);
    pq_buf_release(&out);
    pq_server_stop(s, 1000);
    CHECK_EQ(__atomic_load_n(&log_lines, __ATOMIC_SEQ_CST), 4);

    /* A port in use is an I/O error with the reason. */
    struct pq_server *a = NULL, *b = NULL;
    CHECK_EQ(pq_server_start(&o, &a, &err), PQ_OK);
    struct pq_server_options o2 = o;
    o2.port = a ? pq_server_port(a) : 1;
    CHECK_EQ(pq_server_start(&o2, &b, &err), PQ_ERR_IO);
    CHECK(err.message && strstr(err.message, "cannot listen on 127.0.0.1 port") != NULL);
    pq_server_stop(a, 0);
    pq_server_stop(b, 0);
    o2.host = "localhost"; /* names are not resolved */
    CHECK_EQ(pq_server_start(&o2, &b, &err), PQ_ERR_USAGE);
    pq_error_release(&err);
}

static void test_key_file(void)
{
    char path[] = "/tmp/pqsh-test-keys-XXXXXX";
    int fd = mkstemp(path);
    const char *text = "# comment\n\n  AKIDONE   secret/one  \nAKIDTWO,secret+two\n";
    CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    struct pq_server_keys *k = NULL;
    struct pq_error err;
    pq_error_init(&err);
    CHECK_EQ(pq_server_keys_load(path, &k, &err), PQ_OK);
    CHECK_EQ(pq_server_keys_count(k), 2);
    pq_server_keys_free(k);

    fd = open(path, O_WRONLY | O_TRUNC);
    text = "AKIDONE secret\nAKIDBAD\n";
    CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    CHECK_EQ(pq_server_keys_load(path, &k, &err), PQ_ERR_USAGE);
    CHECK(err.message && strstr(err.message, ":2: expected 'ACCESS_KEY_ID SECRET_ACCESS_KEY"));
    fd = open(path, O_WRONLY | O_TRUNC);
    close(fd);
    CHECK_EQ(pq_server_keys_load(path, &k, &err), PQ_ERR_USAGE);
    CHECK(err.message && strstr(err.message, "no access keys"));
    unlink(path);
    CHECK_EQ(pq_server_keys_load(path, &k, &err), PQ_ERR_IO);
    pq_error_release(&err);
}

int main(void)
{
    struct pq_error err;
    pq_error_init(&err);
    struct pq_engine_options eo = {.path = ":memory:"};
    if (pq_engine_open(&eo, &engine, &err)) return 1;
    pq_server_keys_add(&keys, EX_AKID, EX_SECRET);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    test_signatures();
    test_protocol_errors();
    test_http();
    test_key_file();
    pq_server_keys_free(keys);
    pq_engine_close(engine);
    curl_global_cleanup();
    pq_error_release(&err);
    DONE();
}
