/* test_aws_retry.c — retries and failures against a fault-injecting fake DynamoDB.
 *
 * tests/integration/fake_ddb.py answers each request with the next scripted
 * action (500, 503, throttling, reset, slow, truncated JSON, bad CRC …) and
 * logs what it received. Each case asserts the attempts the server saw, the
 * backoff, and the error the user would get.
 */
#include "check.h"
#include "test_aws_util.h"
#include "aws/http.h"
#include "aws/retry.h"
#include "pqsh/aws.h"

#include <jansson.h>
#include <time.h>

#define BASE_MS 40

struct outcome {
    pq_status st;
    struct pq_error err;
    json_t *resp;
    json_t *log; /* requests the server saw */
    int attempts;
    long delays[8];
    double seconds;
    struct pq_buf debug;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Runs `op` once against a fresh fake server scripted with `actions`. */
static void run(const char *actions, const char *op, const char *request, int max_attempts,
                long read_timeout_ms, struct outcome *o)
{
    struct helper h;
    memset(o, 0, sizeof *o);
    pq_error_init(&o->err);
    pq_buf_init(&o->debug);
    CHECK(helper_start(&h, "fake_ddb.py", actions));
    int port = atoi(h.line);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);

    struct pq_aws_options opt;
    struct pq_backend *b = NULL;
    pq_aws_options_init(&opt);
    opt.endpoint_url = url;
    opt.region = "eu-west-1";
    opt.max_attempts = max_attempts;
    opt.retry_base_ms = BASE_MS;
    opt.read_timeout_ms = read_timeout_ms;
    opt.connect_timeout_ms = 2000;
    opt.debug = collect_debug;
    opt.debug_ctx = &o->debug;
    CHECK_EQ(pq_aws_backend_open(&opt, &b, &o->err), PQ_OK);
    if (b) {
        json_t *req = json_loads(request, 0, NULL);
        double t0 = now_s();
        o->st = pq_backend_call(b, op, req, &o->resp, &o->err);
        o->seconds = now_s() - t0;
        json_decref(req);
        CHECK(pq_aws_last_call_stats(b, &o->attempts, o->delays, 8));
        pq_backend_close(b);
    }
    o->log = helper_get_json(port, "/__log");
    helper_stop(&h);
}

static void release(struct outcome *o)
{
    pq_error_release(&o->err);
    json_decref(o->resp);
    json_decref(o->log);
    pq_buf_release(&o->debug);
}

static const char *const LIST = "{}";
static const char *const INSERT =
    "{\"Statement\":\"INSERT INTO \\\"Orders\\\" VALUE {'k': ?}\",\"Parameters\":[{\"S\":\"a\"}]}";
static const char *const SELECT =
    "{\"Statement\":\"SELECT * FROM \\\"Orders\\\" WHERE k = ?\",\"Parameters\":[{\"S\":\"a\"}]}";

/* Backoff ceilings: attempt n sleeps in [0, base × 2^(n-1)). */
static void check_delays(const struct outcome *o)
{
    for (int i = 0; i + 1 < o->attempts && i < 8; i++) {
        CHECK(o->delays[i] >= 0);
        CHECK(o->delays[i] < (BASE_MS << i));
    }
}

static void test_ok_keepalive(void)
{
    struct outcome o;
    run("ok", "ListTables", LIST, 3, 0, &o);
    CHECK_EQ(o.st, PQ_OK);
    CHECK(json_is_array(json_object_get(o.resp, "TableNames")));
    CHECK_EQ(o.attempts, 1);
    CHECK_EQ(json_array_size(o.log), 1);
    json_t *first = json_array_get(o.log, 0);
    CHECK_STR(json_string_value(json_object_get(first, "target")), "DynamoDB_20120810.ListTables");
    CHECK_STR(json_string_value(json_object_get(first, "ua")), "pqsh/" PQSH_VERSION);
    CHECK(strncmp(json_string_value(json_object_get(first, "auth")),
                  "AWS4-HMAC-SHA256 Credential=AKIDTEST/", 37) == 0);
    CHECK(strstr(json_string_value(json_object_get(first, "auth")),
                 "/eu-west-1/dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-date;"
                 "x-amz-security-token;x-amz-target, Signature=") != NULL);
    CHECK_STR(json_string_value(json_object_get(first, "token")), "TOKEN-SECRET-XYZ");
    CHECK(strstr(o.debug.data, "request id REQ") != NULL);
    release(&o);
}

static void test_throttling(const char *action, const char *type)
{
    struct outcome o;
    char script[64];
    snprintf(script, sizeof script, "%s,%s,ok", action, action);
    run(script, "ListTables", LIST, 3, 0, &o);
    CHECK_EQ(o.st, PQ_OK);
    CHECK_EQ(o.attempts, 3);
    CHECK_EQ(json_array_size(o.log), 3);
    check_delays(&o);
    CHECK(strstr(o.debug.data, type) != NULL);
    release(&o);

    /* Throttled writes are retried too: nothing was applied. Exhausted → the error. */
    run(action, "ExecuteStatement", INSERT, 3, 0, &o);
    CHECK_EQ(o.st, PQ_ERR_SERVICE);
    CHECK_STR(o.err.type, type);
    CHECK_EQ(o.err.http_status, 400);
    CHECK_EQ(o.attempts, 3);
    CHECK_EQ(json_array_size(o.log), 3);
    check_delays(&o);
    release(&o);
}

static void test_5xx(void)
{
    struct outcome o;
    run("500,503,ok", "ListTables", LIST, 3, 0, &o);
    CHECK_EQ(o.st, PQ_OK);
    CHECK_EQ(o.attempts, 3);
    release(&o);

    run("503", "ListTables", LIST, 4, 0, &o);
    CHECK_EQ(o.st, PQ_ERR_SERVICE);
    CHECK_STR(o.err.type, "ServiceUnavailable");
    CHECK_EQ(o.err.http_status, 503);
    CHECK_EQ(o.attempts, 4);
    CHECK_EQ(json_array_size(o.log), 4);
    check_delays(&o);
    release(&o);

    /* A 500 on a write leaves its fate open: no retry, outcome unknown. */
    run("500", "ExecuteStatement", INSERT, 3, 0, &o);
    CHECK_EQ(o.st, PQ_ERR_UNKNOWN);
    CHECK_EQ(o.err.code, PQ_ERR_UNKNOWN);
    CHECK_STR(o.err.type, "InternalServerError");
    CHECK(o.err.message &&
          strncmp(o.err.message, "outcome unknown: the ExecuteStatement request", 45) == 0);
    CHECK_EQ(json_array_size(o.log), 1);
    release(&o);

    /* … but a SELECT is retried. */
    run("500,ok", "ExecuteStatement", SELECT, 3, 0, &o);
    CHECK_EQ(o.st, PQ_OK);
    CHECK_EQ(json_array_size(o.log), 2);
    release(&o);
}

static void test_reset(void)
{
    struct outcome o;
    run("reset,ok", "ListTables", LIST, 3, 0, &o);
    CHECK_EQ(o.st, PQ_OK);
    CHECK_EQ(o.attempts, 2);
    release(&o);

    run("reset", "ListTables", LIST, 3, 0, &o);
    CHECK_EQ(o.st, PQ_ERR_IO);
    CHECK_EQ(o.attempts, 3);
    CHECK(o.err.message && strstr(o.err.message, "endpoint URL"));
    release(&o);

    run("reset", "ExecuteStatement", INSERT, 3, 0, &o);
    CHECK_EQ(o.st, PQ_ERR_UNKNOWN);
    CHECK_EQ(json_array_size(o.log), 1);
    CHECK(o.err.message && strstr(o.err.message, "may or may not have been applied"));
    release(&o);
}

static void test_slow(void)
{
    struct outcome o;
    run("slow", "ListTables", LIST, 2, 1000, &o);
    CHECK_EQ(o.st, PQ_ERR_IO);
    CHECK(o.err.message && strstr(o.err.message, "read timeout"));
    CHECK_EQ(o.attempts, 2);
    /* Two 1 s timeouts: at least 1.5 s. The fake answers after 3 s, so a
     * timeout not applied shows above as a success, not here as time; the
     * upper bound only leaves out the 60 s default, with room for a loaded
     * machine. */
    CHECK(o.seconds >= 1.5 && o.seconds < 40);
    release(&o);
}

static void test_corrupt(void)
{
    struct outcome o;
    run("trunc,ok", "ListTables", LIST, 3, 0, &o);
    CHECK_EQ(o.st, PQ_OK);
    CHECK_EQ(o.attempts, 2);
    release(&o);

    run("trunc", "ListTables", LIST, 2, 0, &o);
    CHECK_EQ(o.st, PQ_ERR_IO);
    CHECK(o.err.message && strstr(o.err.message, "invalid JSON"));
    release(&o);

    run("badcrc,ok", "ListTables", LIST, 3, 0, &o);
    CHECK_EQ(o.st, PQ_OK);
    CHECK_EQ(o.attempts, 2);
    CHECK(strstr(o.debug.data, "checksum mismatch") != NULL);
    release(&o);

    run("badcrc", "ExecuteStatement", INSERT, 3, 0, &o);
    CHECK_EQ(o.st, PQ_ERR_UNKNOWN);
    CHECK(o.err.message && strstr(o.err.message, "checksum mismatch"));
    release(&o);
}

static void test_not_retryable(void)
{
    struct outcome o;
    run("validate", "ListTables", LIST, 3, 0, &o);
    CHECK_EQ(o.st, PQ_ERR_SERVICE);
    CHECK_STR(o.err.type, "ValidationException");
    CHECK_STR(o.err.message, "bad input");
    CHECK_EQ(o.attempts, 1);
    CHECK(o.err.detail && json_object_get(o.err.detail, "Message"));
    release(&o);
}

/* Unit level: the ceiling doubles and stops at 20 s; the quota runs out. */
static double always_max(struct pq_retry *r)
{
    (void)r;
    return 0.999999;
}

static void test_backoff_and_quota(void)
{
    struct pq_retry r;
    long d;
    int cost = 0;
    unsetenv("AWS_MAX_ATTEMPTS");
    unsetenv("AWS_RETRY_MODE");
    pq_retry_init(&r, 0, NULL, NULL, 0, 0);
    CHECK_EQ(r.max_attempts, 3);
    CHECK_EQ(r.base_ms, 1000);
    pq_retry_init(&r, 0, "7", NULL, 0, 0);
    CHECK_EQ(r.max_attempts, 7);
    setenv("AWS_MAX_ATTEMPTS", "5", 1);
    pq_retry_init(&r, 0, "7", NULL, 0, 0);
    CHECK_EQ(r.max_attempts, 5);
    unsetenv("AWS_MAX_ATTEMPTS");
    setenv("AWS_RETRY_MODE", "legacy", 1);
    pq_retry_init(&r, 0, NULL, NULL, 0, 0);
    CHECK_EQ(r.max_attempts, 10);
    unsetenv("AWS_RETRY_MODE");

    pq_retry_init(&r, 12, NULL, NULL, 1000, 0);
    r.random = always_max;
    long expect[] = {999, 1999, 3999, 7999, 15999, 19999, 19999};
    for (int i = 0; i < 7; i++) {
        CHECK(pq_retry_next(&r, i + 1, PQ_RETRY_THROTTLE, false, &d, &cost));
        CHECK_EQ(d, expect[i]);
    }
    CHECK_EQ(cost, 35);
    CHECK_EQ(r.quota, 500 - 35);
    pq_retry_success(&r, cost);
    CHECK_EQ(r.quota, 500);
    CHECK(!pq_retry_next(&r, 1, PQ_RETRY_NO, false, &d, &cost));
    CHECK(!pq_retry_next(&r, 12, PQ_RETRY_TRANSIENT, false, &d, &cost));
    /* Timeouts cost 10; an empty quota stops retries. */
    cost = 0;
    int n = 0;
    while (pq_retry_next(&r, 1, PQ_RETRY_TRANSIENT, true, &d, &cost))
        n++;
    CHECK_EQ(n, 50);
    CHECK_EQ(r.quota, 0);

    CHECK_EQ(pq_retry_classify("ThrottlingException", 400), PQ_RETRY_THROTTLE);
    CHECK_EQ(pq_retry_classify("ProvisionedThroughputExceededException", 400), PQ_RETRY_THROTTLE);
    CHECK_EQ(pq_retry_classify("RequestLimitExceeded", 400), PQ_RETRY_THROTTLE);
    CHECK_EQ(pq_retry_classify("InternalServerError", 500), PQ_RETRY_TRANSIENT);
    CHECK_EQ(pq_retry_classify("HttpError", 502), PQ_RETRY_TRANSIENT);
    CHECK_EQ(pq_retry_classify("ValidationException", 400), PQ_RETRY_NO);
    CHECK_EQ(pq_retry_classify("ConditionalCheckFailedException", 400), PQ_RETRY_NO);
}

/* Adaptive mode: the limiter is off until a throttle, then spaces requests
 * out at 0.7 × the measured rate and climbs back (CUBIC). Fake clock. */
static void test_adaptive_limiter(void)
{
    struct pq_retry r;
    setenv("AWS_RETRY_MODE", "adaptive", 1);
    pq_retry_init(&r, 0, NULL, NULL, 0, 100.0);
    unsetenv("AWS_RETRY_MODE");
    CHECK(r.adaptive);
    CHECK_EQ(r.max_attempts, 3);
    double t = 100.0;
    for (int i = 0; i < 30; i++, t += 0.1) { /* 10 requests a second, all fine */
        CHECK(pq_retry_before_send(&r, t) == 0);
        pq_retry_after_response(&r, false, t);
    }
    CHECK(!r.rl.enabled);
    CHECK(r.rl.measured_rate > 8 && r.rl.measured_rate < 11);
    pq_retry_after_response(&r, true, t);
    CHECK(r.rl.enabled);
    double throttled_rate = r.rl.fill_rate;
    CHECK(throttled_rate > 5 && throttled_rate < 8); /* 0.7 × ~10 */
    /* A burst now has to wait: at most max_capacity requests go at once. */
    double waited = 0, last = 0;
    bool grew = true;
    for (int i = 0; i < 20; i++) {
        double w = pq_retry_before_send(&r, t);
        if (i > 10 && w < last) grew = false;
        last = w;
        waited = w;
    }
    CHECK(grew);
    CHECK(waited > 20.0 / throttled_rate - 1.5 && waited < 20.0 / throttled_rate + 0.5);
    /* Successes long after the throttle raise the allowed rate again. */
    t += waited;
    for (int i = 0; i < 40; i++, t += 0.2) {
        t += pq_retry_before_send(&r, t);
        pq_retry_after_response(&r, false, t);
    }
    CHECK(r.rl.fill_rate > throttled_rate);

    /* Standard mode never waits, even after throttling. */
    pq_retry_init(&r, 0, NULL, "standard", 0, 0);
    CHECK(!r.adaptive);
    pq_retry_after_response(&r, true, 1.0);
    CHECK(pq_retry_before_send(&r, 1.0) == 0);
    pq_retry_init(&r, 0, NULL, "adaptive", 0, 0); /* the profile's retry_mode */
    CHECK(r.adaptive);
}

static void test_adaptive_backend(void)
{
    struct outcome o;
    setenv("AWS_RETRY_MODE", "adaptive", 1);
    run("throttle,throttle,ok", "ListTables", LIST, 0, 0, &o);
    unsetenv("AWS_RETRY_MODE");
    CHECK_EQ(o.st, PQ_OK);
    CHECK_EQ(o.attempts, 3);
    CHECK_EQ(json_array_size(o.log), 3);
    CHECK(strstr(o.debug.data, "max attempts 3 (adaptive)") != NULL);
    release(&o);
}

int main(void)
{
    setenv("AWS_ACCESS_KEY_ID", "AKIDTEST", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "SECRET-KEY-XYZ", 1);
    setenv("AWS_SESSION_TOKEN", "TOKEN-SECRET-XYZ", 1);
    setenv("AWS_CONFIG_FILE", "/nonexistent/pqsh-config", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/pqsh-credentials", 1);
    unsetenv("AWS_PROFILE");
    unsetenv("AWS_MAX_ATTEMPTS");
    unsetenv("AWS_RETRY_MODE");
    test_backoff_and_quota();
    test_ok_keepalive();
    test_throttling("throttle", "ThrottlingException");
    test_throttling("ptee", "ProvisionedThroughputExceededException");
    test_5xx();
    test_reset();
    test_slow();
    test_corrupt();
    test_not_retryable();
    test_adaptive_limiter();
    test_adaptive_backend();
    DONE();
}
