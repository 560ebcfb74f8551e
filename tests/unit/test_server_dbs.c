/* test_server_dbs.c — pqsh serve's databases through pq_server_db_*: names, calls, list, reset.
 *
 * The API the classroom pages use: a database per access key id and
 * region, opened on first use, listed with its counts, emptied by a reset;
 * with --shared-db every name means the one database.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "pqsh/server.h"

static json_t *call(struct pq_server *s, const char *db, const char *op, const char *body)
{
    struct pq_error err;
    pq_error_init(&err);
    json_error_t jerr;
    json_t *req = json_loads(body, 0, &jerr), *resp = NULL;
    if (pq_server_db_call(s, db, op, req, &resp, &err)) {
        fprintf(stderr, "  %s on %s: %s: %s\n", op, db, err.type ? err.type : "-",
                err.message ? err.message : "-");
        resp = NULL;
    }
    json_decref(req);
    pq_error_release(&err);
    return resp;
}

#define CREATE_ORDERS                                                                              \
    "{\"TableName\":\"Orders\",\"BillingMode\":\"PAY_PER_REQUEST\","                               \
    "\"AttributeDefinitions\":[{\"AttributeName\":\"id\",\"AttributeType\":\"S\"}],"               \
    "\"KeySchema\":[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}]}"

static void put(struct pq_server *s, const char *db, const char *id)
{
    char body[128];
    snprintf(body, sizeof body, "{\"TableName\":\"Orders\",\"Item\":{\"id\":{\"S\":\"%s\"}}}", id);
    json_decref(call(s, db, "PutItem", body));
}

static void test_names(void)
{
    struct pq_error err;
    char *name = NULL;
    pq_error_init(&err);
    CHECK_EQ(pq_server_db_name("AKIDEXAMPLE", "us-east-1", &name, &err), PQ_OK);
    CHECK_STR(name, "AKIDEXAMPLE/us-east-1");
    free(name);
    /* Anything but letters and digits (in a region: lower case, digits, '-')
     * is %XX: safe as a file name, and two keys never share a name. */
    CHECK_EQ(pq_server_db_name("a_b.c", "US-x_1", &name, &err), PQ_OK);
    CHECK_STR(name, "a%5Fb%2Ec/%55%53-x%5F1");
    free(name);
    char longkey[300];
    memset(longkey, 'K', sizeof longkey - 1);
    longkey[sizeof longkey - 1] = '\0';
    CHECK_EQ(pq_server_db_name(longkey, "us-east-1", &name, &err), PQ_ERR_SERVICE);
    CHECK_STR(err.type, "UnrecognizedClientException");
    CHECK(name == NULL);
    pq_error_release(&err);
}

static long long total_items(struct pq_server_db_stats *v, size_t n, const char *name,
                             size_t *tables)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].name, name) == 0) {
            *tables = v[i].tables;
            return v[i].items;
        }
    *tables = 0;
    return -1;
}

static void test_per_key(const char *path)
{
    struct pq_server *s = NULL;
    struct pq_error err;
    pq_error_init(&err);
    struct pq_server_options o = {.db_path = path};
    CHECK_EQ(pq_server_start(&o, &s, &err), PQ_OK);
    if (!s) return;
    CHECK(pq_server_db_per_key(s));
    json_decref(call(s, "alice/us-east-1", "CreateTable", CREATE_ORDERS));
    json_decref(call(s, "bob/us-east-1", "CreateTable", CREATE_ORDERS));
    put(s, "alice/us-east-1", "a1");
    put(s, "alice/us-east-1", "a2");
    put(s, "bob/us-east-1", "b1");
    json_t *r = call(s, "bob/us-east-1", "Scan", "{\"TableName\":\"Orders\"}");
    CHECK_EQ(json_integer_value(json_object_get(r, "Count")), 1);
    json_decref(r);

    struct pq_server_db_stats *v = NULL;
    size_t n = 0, tables = 0;
    CHECK_EQ(pq_server_db_list(s, &v, &n, &err), PQ_OK);
    CHECK_EQ(n, 2);
    CHECK_EQ(total_items(v, n, "alice/us-east-1", &tables), 2);
    CHECK_EQ(tables, 1);
    CHECK_EQ(total_items(v, n, "bob/us-east-1", &tables), 1);
    pq_server_db_list_free(v, n);

    CHECK_EQ(pq_server_db_reset(s, "alice/us-east-1", &err), PQ_OK);
    r = call(s, "alice/us-east-1", "ListTables", "{}");
    CHECK_EQ(json_array_size(json_object_get(r, "TableNames")), 0);
    json_decref(r);
    CHECK_EQ(pq_server_db_list(s, &v, &n, &err), PQ_OK);
    CHECK_EQ(total_items(v, n, "alice/us-east-1", &tables), 0);
    CHECK_EQ(tables, 0);
    CHECK_EQ(total_items(v, n, "bob/us-east-1", &tables), 1);
    pq_server_db_list_free(v, n);

    /* A reset database is usable at once. */
    json_decref(call(s, "alice/us-east-1", "CreateTable", CREATE_ORDERS));
    put(s, "alice/us-east-1", "a3");
    r = call(s, "alice/us-east-1", "Scan", "{\"TableName\":\"Orders\"}");
    CHECK_EQ(json_integer_value(json_object_get(r, "Count")), 1);
    json_decref(r);

    CHECK_EQ(pq_server_db_call(s, "no-slash", "ListTables", NULL, &r, &err), PQ_ERR_USAGE);
    CHECK(r == NULL);
    pq_error_release(&err);
    pq_server_stop(s, 1000);
}

static void test_shared(void)
{
    struct pq_server *s = NULL;
    struct pq_error err;
    pq_error_init(&err);
    struct pq_server_options o = {.db_path = ":memory:", .shared_db = true};
    CHECK_EQ(pq_server_start(&o, &s, &err), PQ_OK);
    if (!s) return;
    CHECK(!pq_server_db_per_key(s));
    json_decref(call(s, "alice/us-east-1", "CreateTable", CREATE_ORDERS));
    put(s, "alice/us-east-1", "a1");
    json_t *r = call(s, "bob/eu-west-1", "Scan", "{\"TableName\":\"Orders\"}");
    CHECK_EQ(json_integer_value(json_object_get(r, "Count")), 1);
    json_decref(r);
    struct pq_server_db_stats *v = NULL;
    size_t n = 0;
    CHECK_EQ(pq_server_db_list(s, &v, &n, &err), PQ_OK);
    CHECK_EQ(n, 1);
    if (n == 1) CHECK_STR(v[0].name, "shared");
    pq_server_db_list_free(v, n);
    pq_server_stop(s, 1000);
}

int main(void)
{
    char dir[] = "/tmp/pqsh-dbs-XXXXXX";
    test_names();
    test_per_key(":memory:");
    if (mkdtemp(dir)) {
        test_per_key(dir);
        char cmd[64];
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", dir);
    }
    test_shared();
    DONE();
}
