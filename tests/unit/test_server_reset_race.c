/* test_server_reset_race.c — a database reset never races an answer still being sent.
 *
 * A writer engine gives a write's {"Items": []} answer again once its
 * holders dropped it (exec.c's empty_answer), so an answer can be shared
 * with the engine that made it; a reset closes that engine, dropping the
 * engine's references. pqsh serve's HTTP threads serialise and drop an
 * answer after the engine call: were the reset not to wait for that drop,
 * the two threads would change the answer's count unordered (jansson reads
 * it plainly before its atomic decrement), a data race ThreadSanitizer
 * reports (CI runs this test under it). Checked two ways: the rule itself
 * (a reset does not finish while an answer of that database is held), and
 * HTTP writes answered {"Items": []} while the database is reset again and
 * again.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "test_http_util.h"
#include "pqsh/server.h"
#include "pqsh/thread.h"
#include "server/internal.h"

#define DB "k/r" /* the database of the Credential below: key id k, region r */
#define CREATE                                                                                     \
    "{\"TableName\":\"Tab\",\"BillingMode\":\"PAY_PER_REQUEST\","                                  \
    "\"AttributeDefinitions\":[{\"AttributeName\":\"k\",\"AttributeType\":\"S\"}],"                \
    "\"KeySchema\":[{\"AttributeName\":\"k\",\"KeyType\":\"HASH\"}]}"
#define WRITERS 3
#define RESETS 25

/* ---- the rule: a reset waits until the answers in flight are dropped ---- */

static struct srv_dbs *rule_dbs;
static struct srv_db *rule_db;
static atomic_int reset_started, reset_finished;

static void *reset_run(void *arg)
{
    (void)arg;
    struct pq_error err;
    pq_error_init(&err);
    atomic_store(&reset_started, 1);
    CHECK_EQ(srv_db_reset(rule_dbs, rule_db, &err), PQ_OK);
    pq_error_release(&err);
    atomic_store(&reset_finished, 1);
    return NULL;
}

/* srv_db_call, its answer checked as `want` ("*": any; NULL: an error), then dropped. */
static void db_call(const char *op, const char *body, const char *want)
{
    struct pq_error err;
    pq_error_init(&err);
    json_t *req = json_loads(body, 0, NULL), *resp = NULL;
    pq_status rc = srv_db_call(rule_dbs, rule_db, op, req, &resp, &err);
    char *text = resp ? json_dumps(resp, JSON_COMPACT) : NULL;
    if (want) {
        CHECK_EQ(rc, PQ_OK);
        if (strcmp(want, "*") != 0) CHECK_STR(text, want);
    } else {
        CHECK(rc != PQ_OK);
    }
    free(text);
    srv_db_drop(rule_db, resp);
    json_decref(req);
    pq_error_release(&err);
}

static void test_reset_waits_for_answer(void)
{
    struct pq_error err;
    pq_error_init(&err);
    struct srv_dbs_options o = {.path = ":memory:"};
    CHECK_EQ(srv_dbs_open(&o, &rule_dbs, &err), PQ_OK);
    CHECK_EQ(srv_dbs_get(rule_dbs, DB, &rule_db, &err), PQ_OK);
    db_call("CreateTable", CREATE, "*");
    const char *insert = "{\"Statement\":\"INSERT INTO Tab VALUE {'k': 'a'}\"}";
    db_call("ExecuteStatement", insert, "{\"Items\":[]}");

    /* The next write's answer is the engine's kept one, given again: held
     * by the engine and by us. */
    json_t *req = json_loads("{\"Statement\":\"INSERT INTO Tab VALUE {'k': 'b'}\"}", 0, NULL);
    json_t *held = NULL;
    CHECK_EQ(srv_db_call(rule_dbs, rule_db, "ExecuteStatement", req, &held, &err), PQ_OK);
    CHECK_EQ(pq_thread_holders(held), 2);
    pthread_t t;
    atomic_store(&reset_started, 0);
    atomic_store(&reset_finished, 0);
    pthread_create(&t, NULL, reset_run, NULL);
    while (!atomic_load(&reset_started))
        sched_yield();
    /* A reset that did not wait would be over by now; on a loaded machine
     * it might not be, and this check would then miss it, but never fails
     * a reset that waits (under ThreadSanitizer the HTTP test below sees
     * the race itself). */
    usleep(100 * 1000);
    CHECK(!atomic_load(&reset_finished));
    char *text = json_dumps(held, JSON_COMPACT);
    CHECK_STR(text, "{\"Items\":[]}");
    free(text);
    srv_db_drop(rule_db, held);
    pthread_join(t, NULL);
    CHECK(atomic_load(&reset_finished));
    json_decref(req);

    /* Reset: the table is gone, and the database is usable at once. */
    db_call("ListTables", "{}", "{\"TableNames\":[]}");
    db_call("ExecuteStatement", insert, NULL);
    srv_dbs_free(rule_dbs);
    pq_error_release(&err);
}

/* ---- over HTTP: writes answered while the database is reset ------------ */

static char url[64];
static atomic_int writes, stop, failures;

static bool has_error(const struct pq_buf *b, const char *type)
{
    return strstr(b->data, type) != NULL;
}

/* Inserts new items until told to stop; after a reset (no table), creates
 * the table again. Every answer is one of those a reset can explain. */
static void *writer_run(void *arg)
{
    int id = (int)(intptr_t)arg;
    CURL *h = curl_easy_init();
    struct pq_buf out = PQ_BUF_INIT;
    pq_buf_init(&out);
    for (long n = 0; !atomic_load(&stop); n++) {
        char body[128];
        snprintf(body, sizeof body, "{\"Statement\":\"INSERT INTO Tab VALUE {'k': 'w%d-%ld'}\"}",
                 id, n);
        long st = ddb_post(h, url, "ExecuteStatement", body, strlen(body), &out, NULL, 0);
        if (st == 200 && strcmp(out.data, "{\"Items\":[]}") == 0) {
            atomic_fetch_add(&writes, 1);
            continue;
        }
        if (st == 400 && has_error(&out, "#ResourceNotFoundException")) {
            st = ddb_post(h, url, "CreateTable", CREATE, strlen(CREATE), &out, NULL, 0);
            if (st == 200 || (st == 400 && has_error(&out, "#ResourceInUseException"))) continue;
        }
        fprintf(stderr, "  writer %d: %ld %s\n", id, st, out.data);
        atomic_fetch_add(&failures, 1);
        break;
    }
    pq_buf_release(&out);
    curl_easy_cleanup(h);
    return NULL;
}

static void test_writes_beside_resets(void)
{
    struct pq_server *s = NULL;
    struct pq_error err;
    pq_error_init(&err);
    struct pq_server_options o = {.threads = 4};
    CHECK_EQ(pq_server_start(&o, &s, &err), PQ_OK);
    if (!s) return;
    snprintf(url, sizeof url, "http://127.0.0.1:%u/", pq_server_port(s));
    pthread_t w[WRITERS];
    for (int i = 0; i < WRITERS; i++)
        pthread_create(&w[i], NULL, writer_run, (void *)(intptr_t)i);
    /* Each reset after a few more answered writes, so that writes and
     * resets interleave whatever the machine's speed. */
    int resets = 0;
    for (int last = 0; resets < RESETS && !atomic_load(&failures); resets++) {
        while (atomic_load(&writes) < last + WRITERS && !atomic_load(&failures))
            sched_yield();
        last = atomic_load(&writes);
        CHECK_EQ(pq_server_db_reset(s, DB, &err), PQ_OK);
    }
    atomic_store(&stop, 1);
    for (int i = 0; i < WRITERS; i++)
        pthread_join(w[i], NULL);
    CHECK_EQ(atomic_load(&failures), 0);
    CHECK_EQ(resets, RESETS);
    CHECK(atomic_load(&writes) >= RESETS * WRITERS);
    pq_error_release(&err);
    pq_server_stop(s, 1000);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    test_reset_waits_for_answer();
    test_writes_beside_resets();
    curl_global_cleanup();
    DONE();
}
