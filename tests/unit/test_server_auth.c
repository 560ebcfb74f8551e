/* test_server_auth.c — what issue 15 found in serve's SigV4 checks, each pinned: unsigned
 * x-amz-* headers (a replay as DeleteTable), the scope's region, session tokens, refusals made
 * before any body is read, and a key file others can read. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aws/sigv4.h"
#include "check.h"
#include "pqsh/server.h"
#include "server/internal.h"

#define AKID "AKIDSECURITY"
#define SECRET "security/secret+key"
#define TOKEN_AKID "ASIATOKEN"
#define TOKEN_SECRET "token/secret"
#define TOKEN "session-token-of-the-key"
#define NOW 1440938160.0 /* 20150830T123600Z */
#define DATE "20150830T123600Z"
#define HOST "127.0.0.1:8000"

static struct pq_engine *engine;
static struct pq_server_keys *keys;
static struct srv_ctx ctx;

/* A request: headers[0..n) signed with `akid`/`secret` for `region`, only
 * those whose name is in `sign` (";"-separated, lower case); then the
 * Authorization header is appended. */
struct req {
    struct srv_header h[8];
    size_t n;
    struct pq_sigv4_result sig;
    const char *body;
};

static void req_sign(struct req *r, const char *sign, const char *akid, const char *secret,
                     const char *region)
{
    struct pq_sigv4_header sh[8];
    size_t ns = 0;
    for (size_t i = 0; i < r->n; i++) {
        char lower[64];
        size_t k = 0;
        for (; r->h[i].name[k] && k < sizeof lower - 1; k++)
            lower[k] = (char)(r->h[i].name[k] | 0x20);
        lower[k] = '\0';
        const char *p = strstr(sign, lower);
        if (p && (p == sign || p[-1] == ';') && (p[k] == '\0' || p[k] == ';'))
            sh[ns++] = (struct pq_sigv4_header){r->h[i].name, r->h[i].value};
    }
    struct pq_sigv4_request sr = {"POST", "/", "", sh, ns, r->body, strlen(r->body)};
    struct pq_sigv4_creds cr = {akid, secret, NULL};
    pq_sigv4_result_init(&r->sig);
    pq_sigv4_sign(&sr, &cr, region, "dynamodb", DATE, NULL, &r->sig);
    r->h[r->n++] = (struct srv_header){"Authorization", r->sig.authorization.data};
}

static void req_init(struct req *r, const char *op, const char *body)
{
    static char target[96];
    memset(r, 0, sizeof *r);
    snprintf(target, sizeof target, "DynamoDB_20120810.%s", op);
    r->h[r->n++] = (struct srv_header){"Content-Type", "application/x-amz-json-1.0"};
    r->h[r->n++] = (struct srv_header){"Host", HOST};
    r->h[r->n++] = (struct srv_header){"X-Amz-Date", DATE};
    r->h[r->n++] = (struct srv_header){"X-Amz-Target", target};
    r->body = body;
}

/* "<status> <type>: <message>" of the answer, or "<status> OK". */
static const char *answer(struct req *r)
{
    static char out[1024];
    struct srv_request rq = {"POST", "/", r->h, r->n, r->body, strlen(r->body)};
    struct srv_response rs;
    srv_response_init(&rs);
    srv_handle(&ctx, &rq, &rs);
    if (rs.status == 200) {
        snprintf(out, sizeof out, "200 OK");
    } else {
        json_t *j = json_loads(rs.body.data, 0, NULL);
        const char *type = json_string_value(json_object_get(j, "__type"));
        const char *m = json_string_value(json_object_get(j, "message"));
        snprintf(out, sizeof out, "%u %s: %s", rs.status, type ? strchr(type, '#') + 1 : "?",
                 m ? m : "");
        json_decref(j);
    }
    srv_response_release(&rs);
    pq_sigv4_result_release(&r->sig);
    return out;
}

static const char *table_status(void)
{
    struct req r;
    req_init(&r, "ListTables", "{}");
    req_sign(&r, "content-type;host;x-amz-date;x-amz-target", AKID, SECRET, "us-east-1");
    struct srv_request rq = {"POST", "/", r.h, r.n, r.body, strlen(r.body)};
    struct srv_response rs;
    srv_response_init(&rs);
    srv_handle(&ctx, &rq, &rs);
    static char out[256];
    snprintf(out, sizeof out, "%s", rs.body.data);
    srv_response_release(&rs);
    pq_sigv4_result_release(&r.sig);
    return out;
}

/* A signature that leaves X-Amz-Target out could be replayed with another
 * operation: the review replayed a ListTables as DeleteTable. */
static void test_unsigned_target(void)
{
    struct req r;
    req_init(&r, "CreateTable",
             "{\"TableName\":\"Keep\",\"AttributeDefinitions\":[{\"AttributeName\":\"k\","
             "\"AttributeType\":\"S\"}],\"KeySchema\":[{\"AttributeName\":\"k\",\"KeyType\":"
             "\"HASH\"}],\"BillingMode\":\"PAY_PER_REQUEST\"}");
    req_sign(&r, "content-type;host;x-amz-date;x-amz-target", AKID, SECRET, "us-east-1");
    CHECK_STR(answer(&r), "200 OK");
    CHECK_STR(table_status(), "{\"TableNames\":[\"Keep\"]}");

    /* Signed without the target, sent as DeleteTable: refused, table kept. */
    req_init(&r, "DeleteTable", "{\"TableName\":\"Keep\"}");
    req_sign(&r, "content-type;host;x-amz-date", AKID, SECRET, "us-east-1");
    CHECK_STR(answer(&r), "400 InvalidSignatureException: 'X-Amz-Target' must be a "
                          "'SignedHeader' in the AWS Authorization.");
    CHECK_STR(table_status(), "{\"TableNames\":[\"Keep\"]}");

    /* X-Amz-Date, and any other x-amz-* header present, likewise. */
    req_init(&r, "ListTables", "{}");
    req_sign(&r, "content-type;host;x-amz-target", AKID, SECRET, "us-east-1");
    CHECK_STR(answer(&r), "400 InvalidSignatureException: 'X-Amz-Date' must be a "
                          "'SignedHeader' in the AWS Authorization.");
    req_init(&r, "ListTables", "{}");
    r.h[r.n++] = (struct srv_header){"x-amz-user-agent", "aws-sdk-js/3"};
    req_sign(&r, "content-type;host;x-amz-date;x-amz-target", AKID, SECRET, "us-east-1");
    CHECK_STR(answer(&r), "400 InvalidSignatureException: 'x-amz-user-agent' must be a "
                          "'SignedHeader' in the AWS Authorization.");
    /* Headers outside x-amz-* may stay unsigned (SDKs leave user-agent out). */
    req_init(&r, "ListTables", "{}");
    r.h[r.n++] = (struct srv_header){"User-Agent", "boto3"};
    req_sign(&r, "host;x-amz-date;x-amz-target", AKID, SECRET, "us-east-1");
    CHECK_STR(answer(&r), "200 OK");
}

static void test_region(void)
{
    struct req r;
    req_init(&r, "ListTables", "{}");
    req_sign(&r, "host;x-amz-date;x-amz-target", AKID, SECRET, "eu-west-3");
    CHECK_STR(answer(&r), "200 OK"); /* any region when the server names none */
    req_init(&r, "ListTables", "{}");
    req_sign(&r, "host;x-amz-date;x-amz-target", AKID, SECRET, "US_EAST");
    CHECK_STR(answer(&r), "400 InvalidSignatureException: Credential should be scoped to a "
                          "valid region, not 'US_EAST'. ");
    ctx.region = "us-east-1";
    req_init(&r, "ListTables", "{}");
    req_sign(&r, "host;x-amz-date;x-amz-target", AKID, SECRET, "eu-west-3");
    CHECK_STR(answer(&r), "400 InvalidSignatureException: Credential should be scoped to a "
                          "valid region, not 'eu-west-3'. ");
    req_init(&r, "ListTables", "{}");
    req_sign(&r, "host;x-amz-date;x-amz-target", AKID, SECRET, "us-east-1");
    CHECK_STR(answer(&r), "200 OK");
    ctx.region = NULL;
}

/* A key listed with a session token works only with that token. */
static void test_session_token(void)
{
    struct req r;
    req_init(&r, "ListTables", "{}");
    req_sign(&r, "host;x-amz-date;x-amz-target", TOKEN_AKID, TOKEN_SECRET, "us-east-1");
    CHECK_STR(answer(&r), "400 UnrecognizedClientException: The security token included in the "
                          "request is invalid.");
    req_init(&r, "ListTables", "{}");
    r.h[r.n++] = (struct srv_header){"X-Amz-Security-Token", "another-token"};
    req_sign(&r, "host;x-amz-date;x-amz-security-token;x-amz-target", TOKEN_AKID, TOKEN_SECRET,
             "us-east-1");
    CHECK_STR(answer(&r), "400 UnrecognizedClientException: The security token included in the "
                          "request is invalid.");
    req_init(&r, "ListTables", "{}");
    r.h[r.n++] = (struct srv_header){"X-Amz-Security-Token", TOKEN};
    req_sign(&r, "host;x-amz-date;x-amz-security-token;x-amz-target", TOKEN_AKID, TOKEN_SECRET,
             "us-east-1");
    CHECK_STR(answer(&r), "200 OK");
    /* The token must be signed too. */
    req_init(&r, "ListTables", "{}");
    r.h[r.n++] = (struct srv_header){"X-Amz-Security-Token", TOKEN};
    req_sign(&r, "host;x-amz-date;x-amz-target", TOKEN_AKID, TOKEN_SECRET, "us-east-1");
    CHECK_STR(answer(&r), "400 InvalidSignatureException: 'X-Amz-Security-Token' must be a "
                          "'SignedHeader' in the AWS Authorization.");
}

/* What the HTTP layer asks before it reads a body. */
static const char *precheck(const struct srv_header *h, size_t n)
{
    static char out[512];
    struct srv_request rq = {"POST", "/", h, n, NULL, 0};
    struct srv_response rs;
    srv_response_init(&rs);
    bool ok = srv_precheck(&ctx, &rq, &rs);
    snprintf(out, sizeof out, "%s %u %s", ok ? "pass" : "refuse", rs.status, rs.error_type);
    if (!ok) CHECK_EQ(strlen(rs.request_id), 52);
    srv_response_release(&rs);
    return out;
}

static void test_precheck(void)
{
    struct req r;
    req_init(&r, "PutItem", "{\"a\":1}");
    CHECK_STR(precheck(r.h, r.n), "refuse 400 MissingAuthenticationTokenException");
    req_sign(&r, "host;x-amz-date;x-amz-target", "AKIDUNKNOWN", SECRET, "us-east-1");
    CHECK_STR(precheck(r.h, r.n), "refuse 400 UnrecognizedClientException");
    pq_sigv4_result_release(&r.sig);
    req_init(&r, "PutItem", "{\"a\":1}");
    req_sign(&r, "host;x-amz-date", AKID, SECRET, "us-east-1");
    CHECK_STR(precheck(r.h, r.n), "refuse 400 InvalidSignatureException");
    pq_sigv4_result_release(&r.sig);
    /* The signature itself covers the body: not checked yet. */
    req_init(&r, "PutItem", "{\"a\":1}");
    req_sign(&r, "host;x-amz-date;x-amz-target", AKID, "wrong secret", "us-east-1");
    CHECK_STR(precheck(r.h, r.n), "pass 200 ");
    pq_sigv4_result_release(&r.sig);
    struct srv_header no_target[] = {{"Host", HOST}};
    CHECK_STR(precheck(no_target, 1), "refuse 400 UnknownOperationException");
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    CHECK(chmod(path, mode) == 0);
}

static void test_key_file(void)
{
    char dir[] = "/tmp/pqsh-test-keyfile-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[64];
    snprintf(path, sizeof path, "%s/keys", dir);
    struct pq_server_keys *k = NULL;
    struct pq_error err;
    pq_error_init(&err);
    write_file(path, "AKIDA secretA\nASIAB,secretB,tokenB\n", 0600);
    CHECK_EQ(pq_server_keys_load(path, &k, &err), PQ_OK);
    CHECK_EQ(pq_server_keys_count(k), 2);
    pq_server_keys_free(k);
    k = NULL;
    write_file(path, "AKIDA secretA tokenA extra\n", 0600);
    CHECK_EQ(pq_server_keys_load(path, &k, &err), PQ_ERR_USAGE);
    /* Readable (or writable) by others: refused. */
    write_file(path, "AKIDA secretA\n", 0644);
    CHECK_EQ(pq_server_keys_load(path, &k, &err), PQ_ERR_USAGE);
    char want[256];
    snprintf(want, sizeof want,
             "'%s' can be read or changed by other users (mode 0644): chmod 600 '%s'", path, path);
    CHECK_STR(err.message, want);
    CHECK(k == NULL);
    write_file(path, "AKIDA secretA\n", 0640);
    CHECK_EQ(pq_server_keys_load(path, &k, &err), PQ_ERR_USAGE);
    pq_error_release(&err);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    struct pq_error err;
    pq_error_init(&err);
    struct pq_engine_options eo = {.path = ":memory:"};
    if (pq_engine_open(&eo, &engine, &err)) return 1;
    pq_server_keys_add(&keys, AKID, SECRET);
    pq_server_keys_add_token(&keys, TOKEN_AKID, TOKEN_SECRET, TOKEN);
    srv_ctx_init(&ctx, engine, keys, NOW);
    test_unsigned_target();
    test_region();
    test_session_token();
    test_precheck();
    test_key_file();
    srv_ctx_release(&ctx);
    pq_server_keys_free(keys);
    pq_engine_close(engine);
    DONE();
}
