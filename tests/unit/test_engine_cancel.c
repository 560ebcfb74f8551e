/* test_engine_cancel.c — Ctrl-C for the embedded engine: cancelling the backend
 * stops a long call running on another thread, and leaves the engine usable. */
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "check.h"
#include "pqsh/engine.h"

static struct pq_backend *backend;
static pq_status call_status;
static struct pq_error call_err;
static atomic_bool call_done;

static void *long_scan(void *arg)
{
    (void)arg;
    json_t *req = json_pack("{s:s}", "Statement",
                            "SELECT * FROM \"Big\" WHERE \"v\" = 'never' AND size(\"pad\") > 1");
    json_t *resp = NULL;
    call_status = pq_backend_call(backend, "ExecuteStatement", req, &resp, &call_err);
    json_decref(resp);
    json_decref(req);
    call_done = true;
    return NULL;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static pq_status run(const char *statement, json_t **resp, struct pq_error *err)
{
    json_t *req = json_pack("{s:s}", "Statement", statement);
    pq_status st = pq_backend_call(backend, "ExecuteStatement", req, resp, err);
    json_decref(req);
    return st;
}

int main(void)
{
    /* One page may evaluate everything: the scan is one long call. */
    struct pq_engine_options opt = {.path = ":memory:",
                                    .region = NULL,
                                    .fixed_time = 1700000000.0,
                                    .page_bytes = (size_t)1 << 40};
    struct pq_error err;
    pq_error_init(&err);
    pq_error_init(&call_err);
    if (pq_engine_backend_open(&opt, &backend, &err) != PQ_OK) {
        fprintf(stderr, "cannot open engine: %s\n", err.message);
        return 1;
    }
    json_t *req =
        json_loads("{\"TableName\":\"Big\",\"BillingMode\":\"PAY_PER_REQUEST\","
                   "\"AttributeDefinitions\":[{\"AttributeName\":\"k\",\"AttributeType\":"
                   "\"N\"}],\"KeySchema\":[{\"AttributeName\":\"k\",\"KeyType\":\"HASH\"}]}",
                   0, NULL);
    json_t *resp = NULL;
    CHECK_EQ(pq_backend_call(backend, "CreateTable", req, &resp, &err), PQ_OK);
    json_decref(req);
    json_decref(resp);
    char stmt[256];
    for (int i = 0; i < 60000; i++) {
        snprintf(stmt, sizeof stmt,
                 "INSERT INTO \"Big\" VALUE {'k': %d, 'v': 'x', 'pad': 'abcdefghijklmnop'}", i);
        resp = NULL;
        if (run(stmt, &resp, &err) != PQ_OK) {
            fprintf(stderr, "insert failed: %s\n", err.message);
            return 1;
        }
        json_decref(resp);
    }

    /* How long the scan takes when left alone. */
    double t0 = now_s();
    long_scan(NULL);
    double alone = now_s() - t0;
    CHECK_EQ(call_status, PQ_OK);

    /* The same scan, cancelled soon after it starts, ends early with an error.
     * A cancel that comes before the scan has started does nothing (nothing
     * runs to interrupt), and on a loaded machine the thread may not have
     * started it after any fixed sleep: cancel every 10 ms until the call
     * returns. A scan that cannot be cancelled runs to its end and returns
     * PQ_OK, which fails below. */
    call_done = false;
    pthread_t th;
    CHECK_EQ(pthread_create(&th, NULL, long_scan, NULL), 0);
    usleep((useconds_t)(alone * 1e6 / 10));
    t0 = now_s();
    int cancels = 0;
    while (!call_done) {
        CHECK(pq_backend_cancel(backend));
        cancels++;
        usleep(10 * 1000);
    }
    pthread_join(th, NULL);
    double after_cancel = now_s() - t0;
    CHECK(call_done);
    CHECK(call_status != PQ_OK);
    CHECK(call_err.message && strstr(call_err.message, "interrupt") != NULL);
    fprintf(stderr, "scan alone %.3f s; ended %.3f s after the first of %d cancels (%s)\n", alone,
            after_cancel, cancels, call_err.message ? call_err.message : "no error");

    /* Cancelling with nothing running is a no-op, and the engine still works. */
    CHECK(pq_backend_cancel(backend));
    resp = NULL;
    CHECK_EQ(run("SELECT * FROM \"Big\" WHERE \"k\" = 7", &resp, &err), PQ_OK);
    CHECK_EQ(json_array_size(json_object_get(resp, "Items")), 1);
    json_decref(resp);
    pq_error_release(&err);
    pq_error_release(&call_err);
    pq_backend_close(backend);
    DONE();
}
