/* handle.c — DynamoDB's JSON protocol on top of the engine: one request in, one response out.
 *
 * Checks run in this order: method and path, X-Amz-Target, authentication,
 * JSON body, then the engine (which checks member types and everything
 * else). Every answer carries `x-amzn-RequestId` and an `x-amz-crc32` of the
 * exact body bytes (reference §1.2).
 */
#include "server/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "aws/http.h" /* pq_crc32 */

#define TARGET_PREFIX "DynamoDB_20120810."
#define STREAMS_PREFIX "DynamoDBStreams_20120810."
#define NS_SERVICE "com.amazon.coral.service#"
#define NS_VALIDATE "com.amazon.coral.validate#"
#define NS_DYNAMODB "com.amazonaws.dynamodb.v20120810#"

/* Every operation of DynamoDB_20120810 (botocore service model), so that an
 * operation the engine lacks can be named as such rather than "unknown". */
static const char *const dynamodb_ops[] = {"BatchExecuteStatement",
                                           "BatchGetItem",
                                           "BatchWriteItem",
                                           "CreateBackup",
                                           "CreateGlobalTable",
                                           "CreateTable",
                                           "DeleteBackup",
                                           "DeleteItem",
                                           "DeleteResourcePolicy",
                                           "DeleteTable",
                                           "DescribeBackup",
                                           "DescribeContinuousBackups",
                                           "DescribeContributorInsights",
                                           "DescribeEndpoints",
                                           "DescribeExport",
                                           "DescribeGlobalTable",
                                           "DescribeGlobalTableSettings",
                                           "DescribeImport",
                                           "DescribeKinesisStreamingDestination",
                                           "DescribeLimits",
                                           "DescribeTable",
                                           "DescribeTableReplicaAutoScaling",
                                           "DescribeTimeToLive",
                                           "DisableKinesisStreamingDestination",
                                           "EnableKinesisStreamingDestination",
                                           "ExecuteStatement",
                                           "ExecuteTransaction",
                                           "ExportTableToPointInTime",
                                           "GetItem",
                                           "GetResourcePolicy",
                                           "ImportTable",
                                           "ListBackups",
                                           "ListContributorInsights",
                                           "ListExports",
                                           "ListGlobalTables",
                                           "ListImports",
                                           "ListTables",
                                           "ListTagsOfResource",
                                           "PutItem",
                                           "PutResourcePolicy",
                                           "Query",
                                           "RestoreTableFromBackup",
                                           "RestoreTableToPointInTime",
                                           "Scan",
                                           "TagResource",
                                           "TransactGetItems",
                                           "TransactWriteItems",
                                           "UntagResource",
                                           "UpdateContinuousBackups",
                                           "UpdateContributorInsights",
                                           "UpdateGlobalTable",
                                           "UpdateGlobalTableSettings",
                                           "UpdateItem",
                                           "UpdateKinesisStreamingDestination",
                                           "UpdateTable",
                                           "UpdateTableReplicaAutoScaling",
                                           "UpdateTimeToLive",
                                           NULL};

static bool is_dynamodb_op(const char *op)
{
    for (const char *const *p = dynamodb_ops; *p; p++)
        if (strcmp(*p, op) == 0) return true;
    return false;
}

/* ---- context ---------------------------------------------------------- */

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void srv_ctx_init_dbs(struct srv_ctx *c, struct srv_dbs *dbs, const struct pq_server_keys *keys,
                      double auth_now)
{
    memset(c, 0, sizeof *c);
    c->dbs = dbs;
    c->keys = keys;
    c->auth_now = auth_now;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    c->id_seed =
        (uint64_t)ts.tv_sec * 1000000007ull ^ (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 32);
    atomic_init(&c->next_id, 1);
}

void srv_ctx_init(struct srv_ctx *c, struct pq_engine *engine, const struct pq_server_keys *keys,
                  double auth_now)
{
    srv_ctx_init_dbs(c, srv_dbs_borrow(engine), keys, auth_now);
}

void srv_ctx_release(struct srv_ctx *c)
{
    srv_dbs_free(c->dbs);
    c->dbs = NULL;
}

/* 52 characters of [A-Z0-9], the shape of DynamoDB's request ids; unique per
 * server run (a counter mixed with a per-run seed). */
static void new_request_id(struct srv_ctx *c, char out[53])
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    uint64_t n = atomic_fetch_add(&c->next_id, 1);
    uint64_t x = c->id_seed ^ (n * 0xD1B54A32D192ED03ull);
    for (int i = 0; i < 52; i += 13) {
        uint64_t r = splitmix(&x);
        for (int j = 0; j < 13; j++) {
            out[i + j] = alphabet[r % 36];
            r /= 36;
        }
    }
    out[52] = '\0';
}

/* ---- responses -------------------------------------------------------- */

void srv_response_init(struct srv_response *r)
{
    memset(r, 0, sizeof *r);
    pq_buf_init(&r->body);
    r->status = 200;
    r->content_type = "application/x-amz-json-1.0";
}

void srv_response_release(struct srv_response *r)
{
    pq_buf_release(&r->body);
}

static const char *error_namespace(const char *type)
{
    static const char *const coral_service[] = {"UnknownOperationException",
                                                "SerializationException",
                                                "MissingAuthenticationTokenException",
                                                "IncompleteSignatureException",
                                                "InvalidSignatureException",
                                                "UnrecognizedClientException",
                                                "AccessDeniedException",
                                                "RequestEntityTooLargeException",
                                                NULL};
    if (strcmp(type, "ValidationException") == 0) return NS_VALIDATE;
    for (const char *const *p = coral_service; *p; p++)
        if (strcmp(*p, type) == 0) return NS_SERVICE;
    return NS_DYNAMODB;
}

/* The model spells the message member `Message` for these (reference §1.3). */
static const char *message_member(const char *type)
{
    static const char *const capital[] = {
        "TransactionCanceledException", "TransactionInProgressException",
        "IdempotentParameterMismatchException", "SerializationException", NULL};
    for (const char *const *p = capital; *p; p++)
        if (strcmp(*p, type) == 0) return "Message";
    return "message";
}

static unsigned error_status(const char *type)
{
    if (strcmp(type, "InternalServerError") == 0) return 500;
    if (strcmp(type, "ReplicatedWriteConflictException") == 0) return 409;
    if (strcmp(type, "RequestEntityTooLargeException") == 0) return 413;
    return 400;
}

static void set_body(struct srv_response *rs, json_t *body)
{
    pq_buf_reset(&rs->body);
    char *text = json_dumps(body, JSON_COMPACT);
    if (text) {
        pq_buf_adds(&rs->body, text);
        free(text);
    } else {
        pq_buf_adds(&rs->body, "{}");
    }
}

static void error_body(struct srv_response *rs, unsigned status, const char *type,
                       const char *message, json_t *detail)
{
    json_t *body = json_is_object(detail) ? json_deep_copy(detail) : json_object();
    struct pq_buf t = PQ_BUF_INIT;
    pq_buf_init(&t);
    pq_buf_addf(&t, "%s%s", error_namespace(type), type);
    json_object_set_new(body, "__type", json_string(t.data));
    const char *member = message_member(type);
    if (message && *message && !json_object_get(body, "message") &&
        !json_object_get(body, "Message"))
        json_object_set_new(body, member, json_string(message));
    set_body(rs, body);
    json_decref(body);
    pq_buf_release(&t);
    rs->status = status ? status : error_status(type);
    snprintf(rs->error_type, sizeof rs->error_type, "%s", type);
}

static void srv_error(struct srv_response *rs, unsigned status, const char *type,
                      const char *message)
{
    error_body(rs, status, type, message, NULL);
}

void srv_error_body(struct srv_response *rs, unsigned status, const char *type, const char *message)
{
    error_body(rs, status, type, message, NULL);
}

/* Turns an engine error into DynamoDB's answer. Anything that is not a
 * service error (SQLite failure, out of memory) is an InternalServerError,
 * which SDKs retry. */
static void engine_error(struct srv_response *rs, const char *op, struct pq_error *err)
{
    if (err->code != PQ_ERR_SERVICE || !err->type) {
        error_body(rs, 500, "InternalServerError",
                   err->message ? err->message : "Internal server error", NULL);
        return;
    }
    if (strcmp(err->type, "UnknownOperationException") == 0 && is_dynamodb_op(op)) {
        struct pq_buf m = PQ_BUF_INIT;
        pq_buf_init(&m);
        pq_buf_addf(&m, "pqsh serve does not implement the operation %s", op);
        error_body(rs, 400, "UnknownOperationException", m.data, NULL);
        pq_buf_release(&m);
        return;
    }
    error_body(rs, 0, err->type, err->message, err->detail);
}

/* ---- requests --------------------------------------------------------- */

const char *srv_header_get(const struct srv_request *rq, const char *name, struct pq_buf *joined)
{
    bool found = false;
    pq_buf_reset(joined);
    for (size_t i = 0; i < rq->nheaders; i++) {
        if (strcasecmp(rq->headers[i].name, name) != 0) continue;
        if (found) pq_buf_addc(joined, ',');
        pq_buf_adds(joined, rq->headers[i].value ? rq->headers[i].value : "");
        found = true;
    }
    return found ? joined->data : NULL;
}

static double now_seconds(const struct srv_ctx *c)
{
    if (c->auth_now > 0) return c->auth_now;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec;
}

static bool is_health_check(const struct srv_request *rq)
{
    return strcmp(rq->method, "GET") == 0 && strcmp(rq->path, "/") == 0;
}

/* pqsh's own paths (admin.c), which answer for themselves. */
static bool is_admin_path(const struct srv_request *rq)
{
    return strncmp(rq->path, "/pqsh/", 6) == 0;
}

/* Method, path, target and authentication; `body` as srv_auth_check's. */
static bool check_request(struct srv_ctx *c, const struct srv_request *rq, bool body,
                          struct srv_response *rs)
{
    struct pq_buf hv = PQ_BUF_INIT;
    struct pq_error err;
    bool ok = false;
    pq_buf_init(&hv);
    pq_error_init(&err);
    const char *target = srv_header_get(rq, "X-Amz-Target", &hv);
    const char *op = target && strncmp(target, TARGET_PREFIX, strlen(TARGET_PREFIX)) == 0
                         ? target + strlen(TARGET_PREFIX)
                         : NULL;
    /* DynamoDB Streams on the same port: the engine knows those operations
     * by their whole target (engine/streams.h). */
    if (target && strncmp(target, STREAMS_PREFIX, strlen(STREAMS_PREFIX)) == 0 &&
        target[strlen(STREAMS_PREFIX)])
        op = target;
    if (op) snprintf(rs->op, sizeof rs->op, "%s", op);
    if (strcmp(rq->method, "POST") != 0 || !op || !*op) {
        /* No message with this one (reference §1.5). */
        srv_error(rs, 400, "UnknownOperationException", NULL);
        goto out;
    }
    if (srv_auth_check(c->keys, c->region, rq, now_seconds(c), body, &err)) {
        engine_error(rs, rs->op, &err);
        goto out;
    }
    ok = true;
out:
    pq_error_release(&err);
    pq_buf_release(&hv);
    return ok;
}

/* Whether `j` holds a string with a NUL character anywhere but in a string
 * attribute value (the string of a member "S", an element of a member "SS").
 * DynamoDB strings may hold U+0000 and the engine keeps their length; a NUL
 * in a name, an expression or a number would be cut short by C strings, so
 * those requests stay refused as before. */
static bool nul_outside_values(const json_t *j, bool value)
{
    if (json_is_string(j))
        return !value && memchr(json_string_value(j), '\0', json_string_length(j)) != NULL;
    if (json_is_array(j)) {
        for (size_t i = 0; i < json_array_size(j); i++)
            if (nul_outside_values(json_array_get(j, i), value)) return true;
        return false;
    }
    if (!json_is_object(j)) return false;
    for (void *it = json_object_iter((json_t *)j); it;
         it = json_object_iter_next((json_t *)j, it)) {
        const char *k = json_object_iter_key(it);
        const json_t *v = json_object_iter_value(it);
        bool s = (strcmp(k, "S") == 0 && json_is_string(v)) ||
                 (strcmp(k, "SS") == 0 && json_is_array(v));
        if (nul_outside_values(v, s)) return true;
    }
    return false;
}

static void dispatch(struct srv_ctx *c, const struct srv_request *rq, struct srv_response *rs)
{
    struct pq_error err;
    json_t *req = NULL, *resp = NULL;
    struct srv_db *called = NULL; /* resp is srv_db_call's: srv_db_drop it */
    pq_error_init(&err);

    if (is_health_check(rq)) {
        /* The service's health check answer. */
        rs->content_type = "text/plain";
        pq_buf_adds(&rs->body, "healthy: pqsh serve ");
        goto out;
    }
    if (is_admin_path(rq)) {
        srv_admin(c, rq, rs);
        goto out;
    }
    if (!check_request(c, rq, true, rs)) goto out;
    json_error_t jerr;
    req = json_loadb(rq->body ? rq->body : "", rq->body_len, JSON_ALLOW_NUL, &jerr);
    if (req && nul_outside_values(req, false)) {
        json_decref(req);
        req = NULL;
    }
    if (!req) {
        srv_error(rs, 400, "SerializationException", NULL);
        goto out;
    }
    /* pqsh's own operations (the shell's .clock and .ttl-sweep against
     * this server): only with --clock, see admin.c. */
    bool admin = strncmp(rs->op, "pqsh:", 5) == 0;
    if (admin && !c->clock_admin) {
        srv_admin(c, rq, rs);
        goto out;
    }
    pq_status st;
    if (admin) {
        st = srv_dbs_admin(c->dbs, rs->op, req, &resp, &err);
    } else {
        struct srv_db *db = NULL;
        st = srv_dbs_for_request(c->dbs, rq, &db, &err);
        if (!st) {
            snprintf(rs->db, sizeof rs->db, "%s", srv_db_name(db));
            st = srv_db_call(c->dbs, db, rs->op, req, &resp, &err);
            called = db;
        }
    }
    if (st) {
        engine_error(rs, rs->op, &err);
        goto out;
    }
    set_body(rs, resp);
out:
    json_decref(req);
    if (called)
        srv_db_drop(called, resp);
    else
        json_decref(resp);
    pq_error_release(&err);
}

bool srv_precheck(struct srv_ctx *c, const struct srv_request *rq, struct srv_response *rs)
{
    if (is_health_check(rq) || is_admin_path(rq) || check_request(c, rq, false, rs)) return true;
    new_request_id(c, rs->request_id);
    rs->crc32 = pq_crc32(rs->body.data, rs->body.len);
    return false;
}

void srv_handle(struct srv_ctx *c, const struct srv_request *rq, struct srv_response *rs)
{
    new_request_id(c, rs->request_id);
    dispatch(c, rq, rs);
    rs->crc32 = pq_crc32(rs->body.data, rs->body.len);
}

void srv_handle_error(struct srv_ctx *c, struct srv_response *rs, unsigned status, const char *type,
                      const char *message)
{
    new_request_id(c, rs->request_id);
    srv_error(rs, status, type, message);
    rs->crc32 = pq_crc32(rs->body.data, rs->body.len);
}
