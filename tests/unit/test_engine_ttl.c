/* test_engine_ttl.c — the one clock and the TTL sweep's bounds (ttl.c). */
#include "test_engine_util.h"

#include <time.h>

/* CPU time of this thread: what a step costs, not how long a loaded machine
 * kept it waiting for a core. */
static double ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

static long count_of(const char *table)
{
    char stmt[128];
    snprintf(stmt, sizeof stmt, "SELECT * FROM %s", table);
    long n = 0;
    json_t *r = run(stmt);
    n = (long)json_array_size(json_object_get(r, "Items"));
    json_decref(r);
    return n;
}

static void enable(const char *table, const char *attr)
{
    char req[256];
    snprintf(req, sizeof req,
             "{\"TableName\": \"%s\", \"TimeToLiveSpecification\": {\"Enabled\": true, "
             "\"AttributeName\": \"%s\"}}",
             table, attr);
    CHECK(strstr(answer("UpdateTimeToLive", req), "\"Enabled\":true") != NULL);
}

/* The clock: an offset on the fixed time; CreationDateTime reads it. */
static void test_clock(void)
{
    CHECK(pq_engine_clock_now(eng) == 1700000000.0);
    pq_engine_clock_advance(eng, 660);
    CHECK(pq_engine_clock_now(eng) == 1700000660.0);
    CHECK(pq_engine_clock_offset(eng) == 660);
    create_table("Later", "pk", 'S', NULL, 0);
    CHECK(strstr(answer("DescribeTable", "{\"TableName\": \"Later\"}"),
                 "\"CreationDateTime\":1700000660") != NULL);
    pq_engine_clock_advance(eng, -60);
    CHECK(pq_engine_clock_now(eng) == 1700000600.0);
    pq_engine_clock_reset(eng);
    CHECK(pq_engine_clock_now(eng) == 1700000000.0);
    /* Through the admin operation, as .clock and pqsh serve --clock use it. */
    json_t *req = json_pack("{s:i}", "Advance", 30), *resp = NULL;
    CHECK(pq_engine_admin(eng, "pqsh:Clock", req, &resp, &last_err) == PQ_OK);
    CHECK(json_number_value(json_object_get(resp, "Now")) == 1700000030.0);
    json_decref(req);
    json_decref(resp);
    req = json_pack("{s:s}", "Advance", "+1m");
    CHECK(pq_engine_admin(eng, "pqsh:Clock", req, &resp, &last_err) == PQ_ERR_SERVICE);
    CHECK_STR(last_err.type, "ValidationException");
    json_decref(req);
    /* The admin operations are not DynamoDB operations. */
    CHECK_STR(answer("pqsh:Clock", "{}"), "UnknownOperationException: ");
    pq_engine_clock_reset(eng);
}

/* The ClientRequestToken window (txn.c) runs on the same clock. */
static void test_token_window(void)
{
    create_table("Tok", "pk", 'S', NULL, 0);
    const char *req = "{\"TransactStatements\": [{\"Statement\": \"UPDATE Tok SET n = 1 WHERE pk "
                      "= 'a'\"}], \"ClientRequestToken\": \"t1\"}";
    const char *other = "{\"TransactStatements\": [{\"Statement\": \"UPDATE Tok SET n = 2 WHERE "
                        "pk = 'a'\"}], \"ClientRequestToken\": \"t1\"}";
    ok("INSERT INTO Tok VALUE {'pk': 'a'}");
    CHECK_STR(answer("ExecuteTransaction", req), "{\"Responses\":[]}");
    pq_engine_clock_advance(eng, 599);
    CHECK(strncmp(answer("ExecuteTransaction", other), "IdempotentParameterMismatchException",
                  36) == 0);
    pq_engine_clock_advance(eng, 2);
    CHECK_STR(answer("ExecuteTransaction", other), "{\"Responses\":[]}");
    pq_engine_clock_reset(eng);
}

/* 1,000 items, every other one expired: steps of at most 100 items each
 * delete at most 100, the round needs at least 10 steps, and every expired
 * item goes, none other. */
static void test_sweep_bounds(void)
{
    create_table("Big", "pk", 'S', "sk", 'N');
    enable("Big", "exp");
    char stmt[256];
    for (int i = 0; i < 1000; i++) {
        snprintf(stmt, sizeof stmt, "INSERT INTO Big VALUE {'pk': 'p%d', 'sk': %d, 'exp': %d}",
                 i % 7, i, i % 2 ? 1700000000 + 3600 : 1700000000 - 60);
        ok(stmt);
    }
    CHECK_EQ(count_of("Big"), 1000);
    size_t deleted, total = 0;
    bool done = false;
    int steps = 0;
    double worst = 0;
    while (!done && steps < 1000) {
        struct timespec t0;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
        CHECK(pq_engine_ttl_sweep(eng, 100, 0, &deleted, &done, &last_err) == PQ_OK);
        double ms = ms_since(&t0);
        worst = ms > worst ? ms : worst;
        CHECK(deleted <= 100);
        total += deleted;
        steps++;
    }
    CHECK(done);
    CHECK(steps >= 10);
    CHECK_EQ((long)total, 500);
    CHECK_EQ(count_of("Big"), 500);
    /* Generous: a 100-item step takes well under a millisecond of CPU here;
     * the bound is for sanitizers. CPU time, not wall-clock time: a loaded
     * machine can stall any step for longer than that. */
    CHECK(worst < 250);
    /* Nothing is left to do: a whole round deletes nothing. */
    done = false;
    for (steps = 0; !done && steps < 100; steps++)
        CHECK(pq_engine_ttl_sweep(eng, 100, 0, &deleted, &done, &last_err) == PQ_OK && !deleted);
    /* An hour later the rest has expired. */
    pq_engine_clock_advance(eng, 3600);
    CHECK(pq_engine_ttl_sweep(eng, 0, 0, &deleted, &done, &last_err) == PQ_OK);
    CHECK(done);
    CHECK_EQ((long)deleted, 500);
    CHECK_EQ(count_of("Big"), 0);
    pq_engine_clock_reset(eng);
}

/* A step bounded by time alone stops at its deadline but always makes
 * progress: with a deadline of 1 µs each step reads one chunk (16 items). */
static void test_sweep_time_bound(void)
{
    create_table("Timed", "pk", 'S', NULL, 0);
    enable("Timed", "exp");
    char stmt[256];
    for (int i = 0; i < 320; i++) {
        snprintf(stmt, sizeof stmt, "INSERT INTO Timed VALUE {'pk': 'k%03d', 'exp': %d}", i,
                 i % 2 ? 1700000000 + 3600 : 1700000000 - 60);
        ok(stmt);
    }
    size_t deleted, total = 0;
    bool done = false;
    int steps = 0;
    while (!done && steps < 1000) {
        CHECK(pq_engine_ttl_sweep(eng, 0, 1, &deleted, &done, &last_err) == PQ_OK);
        CHECK(deleted <= 8);
        total += deleted;
        steps++;
    }
    CHECK(done);
    /* 320 items of "Timed" in chunks of 16, plus the other tables' items. */
    CHECK(steps >= 20);
    CHECK_EQ((long)total, 160);
    CHECK_EQ(count_of("Timed"), 160);
    CHECK(strstr(answer("DeleteTable", "{\"TableName\": \"Timed\"}"), "DELETING") != NULL);
}

/* What is not expired: strings, missing, more than five years old, later
 * than now; a table without TTL; a table dropped in the middle of a round. */
static void test_sweep_rules(void)
{
    create_table("Rules", "pk", 'S', NULL, 0);
    create_table("NoTtl", "pk", 'S', NULL, 0);
    enable("Rules", "exp");
    ok("INSERT INTO Rules VALUE {'pk': 'now', 'exp': 1700000000}");
    ok("INSERT INTO Rules VALUE {'pk': 'fraction', 'exp': 1699999999.5}");
    ok("INSERT INTO Rules VALUE {'pk': 'exponent', 'exp': 1.6e9}");
    ok("INSERT INTO Rules VALUE {'pk': 'later', 'exp': 1700000001}");
    ok("INSERT INTO Rules VALUE {'pk': 'string', 'exp': '1'}");
    ok("INSERT INTO Rules VALUE {'pk': 'missing'}");
    ok("INSERT INTO Rules VALUE {'pk': 'set', 'exp': <<1>>}");
    ok("INSERT INTO Rules VALUE {'pk': 'six-years', 'exp': 1510000000}");
    ok("INSERT INTO NoTtl VALUE {'pk': 'x', 'exp': 1}");
    size_t deleted;
    bool done;
    json_t *resp = NULL, *req = json_object();
    CHECK(pq_engine_admin(eng, "pqsh:TtlSweep", req, &resp, &last_err) == PQ_OK);
    CHECK_EQ((long)json_integer_value(json_object_get(resp, "Deleted")), 3);
    json_decref(resp);
    json_decref(req);
    CHECK_STR(items("SELECT pk FROM Rules WHERE pk IN ['now', 'fraction', 'exponent']"), "[]");
    CHECK_EQ(count_of("Rules"), 5);
    CHECK_EQ(count_of("NoTtl"), 1);
    /* A step stops inside "Rules"; the table is dropped; the next goes on. */
    pq_engine_clock_advance(eng, 10);
    CHECK(pq_engine_ttl_sweep(eng, 1, 0, &deleted, &done, &last_err) == PQ_OK);
    CHECK(strstr(answer("DeleteTable", "{\"TableName\": \"Rules\"}"), "DELETING") != NULL);
    CHECK(strstr(error_of("SELECT * FROM Rules"), "ResourceNotFoundException") != NULL);
    for (int i = 0; i < 50 && !done; i++)
        CHECK(pq_engine_ttl_sweep(eng, 1, 0, &deleted, &done, &last_err) == PQ_OK);
    CHECK(done);
    pq_engine_clock_reset(eng);
}

int main(void)
{
    engine_start(0);
    test_clock();
    test_token_window();
    test_sweep_bounds();
    test_sweep_time_bound();
    test_sweep_rules();
    pq_engine_close(eng);
    pq_error_release(&last_err);
    DONE();
}
