/* test_engine_crash.c — transactions survive SIGKILL: all of one or none of it.
 *
 * A child process runs ExecuteTransaction calls in a loop against a file
 * database, each inserting three items of one order and updating the
 * order counter; the parent kills it with SIGKILL at a random moment, 20
 * times. After each kill the database must open, pass PRAGMA
 * integrity_check, and hold every transaction wholly or not at all: three
 * items per order, and a counter equal to the number of orders present.
 */
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "pqsh/engine.h"

#define ROUNDS 20

static char path[256];

static struct pq_engine *open_engine(void)
{
    struct pq_engine_options opt = {path, NULL, 0, 0};
    struct pq_engine *e = NULL;
    struct pq_error err;
    pq_error_init(&err);
    if (pq_engine_open(&opt, &e, &err) != PQ_OK) {
        fprintf(stderr, "cannot open %s: %s\n", path, err.message);
        exit(2);
    }
    pq_error_release(&err);
    return e;
}

static json_t *call(struct pq_engine *e, const char *op, json_t *req, struct pq_error *err)
{
    json_t *resp = NULL;
    pq_error_release(err);
    if (pq_engine_call(e, op, req, &resp, err) != PQ_OK) resp = NULL;
    json_decref(req);
    return resp;
}

/* The child: transactions until killed. Never returns. */
static void writer(int round)
{
    struct pq_engine *e = open_engine();
    struct pq_error err;
    pq_error_init(&err);
    for (int i = 0;; i++) {
        char order[64];
        snprintf(order, sizeof order, "o%02d-%06d", round, i);
        json_t *stmts = json_array();
        for (int k = 1; k <= 3; k++) {
            json_t *s = json_pack("{s:s, s:[{s:s}, {s:s}]}", "Statement",
                                  "INSERT INTO \"Orders\" VALUE {'pk': ?, 'sk': ?, 'pad': "
                                  "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'}",
                                  "Parameters", "S", order, "N",
                                  k == 1   ? "1"
                                  : k == 2 ? "2"
                                           : "3");
            json_array_append_new(stmts, s);
        }
        json_array_append_new(stmts, json_pack("{s:s}", "Statement",
                                               "UPDATE \"Orders\" SET n = n + 1 WHERE pk = "
                                               "'counter' AND sk = 0"));
        char token[80];
        snprintf(token, sizeof token, "tok-%s", order);
        json_t *r =
            call(e, "ExecuteTransaction",
                 json_pack("{s:o, s:s}", "TransactStatements", stmts, "ClientRequestToken", token),
                 &err);
        if (!r) {
            fprintf(stderr, "transaction failed: %s\n", err.message);
            _exit(3);
        }
        json_decref(r);
    }
}

/* Checks the file after a kill; returns the number of orders present. */
static long check_database(void)
{
    sqlite3 *db = NULL;
    CHECK_EQ(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    CHECK_EQ(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    CHECK_EQ(sqlite3_step(st), SQLITE_ROW);
    CHECK_STR((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
    sqlite3_close(db);

    struct pq_engine *e = open_engine();
    struct pq_error err;
    pq_error_init(&err);
    long orders = 0, counter = -1, items = 0;
    int bad = 0;
    char last[64] = "";
    int in_last = 0;
    json_t *token = NULL;
    do {
        json_t *req = json_pack("{s:s}", "Statement", "SELECT pk, sk, n FROM \"Orders\"");
        if (token) json_object_set_new(req, "NextToken", token);
        token = NULL;
        json_t *r = call(e, "ExecuteStatement", req, &err);
        CHECK(r != NULL);
        if (!r) break;
        json_t *list = json_object_get(r, "Items"), *it;
        size_t i;
        json_array_foreach(list, i, it)
        {
            const char *pk = json_string_value(json_object_get(json_object_get(it, "pk"), "S"));
            if (strcmp(pk, "counter") == 0) {
                counter = atol(json_string_value(json_object_get(json_object_get(it, "n"), "N")));
                continue;
            }
            items++;
            /* Items come in key order: the three of one order are adjacent. */
            if (strcmp(pk, last) != 0) {
                if (last[0] && in_last != 3) bad++;
                snprintf(last, sizeof last, "%s", pk);
                in_last = 0;
                orders++;
            }
            in_last++;
        }
        token = json_incref(json_object_get(r, "NextToken"));
        json_decref(r);
    } while (token);
    if (last[0] && in_last != 3) bad++;
    CHECK_EQ(bad, 0);
    CHECK_EQ(items, orders * 3);
    CHECK_EQ(counter, orders);
    pq_error_release(&err);
    pq_engine_close(e);
    return orders;
}

int main(void)
{
    char dir[] = "/tmp/pqsh-crash-XXXXXX";
    if (!mkdtemp(dir)) return 2;
    snprintf(path, sizeof path, "%s/crash.db", dir);
    struct pq_engine *e = open_engine();
    struct pq_error err;
    pq_error_init(&err);
    json_t *r = call(e, "CreateTable",
                     json_loads("{\"TableName\":\"Orders\",\"BillingMode\":\"PAY_PER_REQUEST\","
                                "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\","
                                "\"AttributeType\":\"S\"},{\"AttributeName\":\"sk\","
                                "\"AttributeType\":\"N\"}],\"KeySchema\":[{\"AttributeName\":"
                                "\"pk\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"sk\","
                                "\"KeyType\":\"RANGE\"}]}",
                                0, NULL),
                     &err);
    CHECK(r != NULL);
    json_decref(r);
    r = call(e, "ExecuteStatement",
             json_pack("{s:s}", "Statement",
                       "INSERT INTO \"Orders\" VALUE {'pk': 'counter', 'sk': 0, 'n': 0}"),
             &err);
    CHECK(r != NULL);
    json_decref(r);
    pq_engine_close(e);
    pq_error_release(&err);

    srand(20240601);
    long before = 0;
    for (int round = 0; round < ROUNDS; round++) {
        fflush(NULL);
        pid_t pid = fork();
        if (pid < 0) return 2;
        if (pid == 0) writer(round);
        struct timespec ts = {0, (long)(20 + rand() % 180) * 1000000L};
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        int status = 0;
        waitpid(pid, &status, 0);
        CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        long orders = check_database();
        CHECK(orders >= before);
        before = orders;
    }
    /* The writers did get transactions through between the kills. */
    CHECK(before > ROUNDS);
    printf("%ld transactions committed over %d kills\n", before, ROUNDS);

    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    DONE();
}
