/* test_plan.c — statements → API steps (hand-built trees) and the runner (a scripted backend). */
#include "check.h"
#include "pqsh/buf.h"
#include "pqsh/plan.h"
#include "pqsh/thread.h"
#include "pqsh/value.h"

#include <stdlib.h>
#include <string.h>

static char *dump(const json_t *j)
{
    return json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
}

#define CHECK_JSON(j, text)                                                                        \
    do {                                                                                           \
        char *dumped_ = dump(j);                                                                   \
        CHECK_STR(dumped_, text);                                                                  \
        free(dumped_);                                                                             \
    } while (0)

static struct pq_ident ident(const char *name, size_t start)
{
    struct pq_ident id = {pq_xstrdup(name), false, {start, start + strlen(name)}};
    return id;
}

/* ---- CREATE TABLE ---------------------------------------------------------- */

struct col_spec {
    const char *name, *type_text;
    char type;
    int key_role;
    size_t at; /* where the name starts; the type word follows a blank later */
};

static struct pq_stmt *create_table(const char *table, const struct col_spec *cols, size_t n)
{
    struct pq_stmt *s = pq_xcalloc(1, sizeof *s);
    s->kind = PQ_S_CREATE_TABLE;
    s->u.create.table = ident(table, 13);
    s->u.create.cols = pq_xcalloc(n ? n : 1, sizeof *s->u.create.cols);
    s->u.create.ncols = n;
    for (size_t i = 0; i < n; i++) {
        struct pq_column *c = &s->u.create.cols[i];
        c->name = ident(cols[i].name, cols[i].at);
        c->type_text = cols[i].type_text ? pq_xstrdup(cols[i].type_text) : NULL;
        c->type = cols[i].type;
        c->type_loc.start = cols[i].at + strlen(cols[i].name) + 1;
        c->type_loc.end = c->type_loc.start + (cols[i].type_text ? strlen(cols[i].type_text) : 0);
        c->key_role = cols[i].key_role;
    }
    return s;
}

static void add_pk(struct pq_stmt *s, const char *hash, const char *range)
{
    s->u.create.pk = pq_xcalloc(2, sizeof *s->u.create.pk);
    s->u.create.pk[0].name = ident(hash, 60);
    s->u.create.npk = 1;
    if (range) {
        s->u.create.pk[1].name = ident(range, 70);
        s->u.create.npk = 2;
    }
}

/* CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY, order_id STRING,
 * customer_name STRING, order_amount NUMBER) — the tutorial's table. */
static void test_create_tutorial(void)
{
    static const struct col_spec cols[] = {
        {"idempotency_token", "STRING", 'S', 1, 21},
        {"order_id", "STRING", 'S', 0, 60},
        {"customer_name", "STRING", 'S', 0, 77},
        {"order_amount", "NUMBER", 'N', 0, 99},
    };
    struct pq_stmt *s = create_table("Orders", cols, 4);
    s->u.create.if_not_exists = true;
    struct pq_plan p;
    struct pq_error err;
    pq_error_init(&err);
    CHECK_EQ(pq_plan_build(s, NULL, &p, &err), PQ_OK);
    CHECK_EQ(p.nsteps, 1);
    CHECK_EQ(p.steps[0].kind, PQ_STEP_CREATE_TABLE);
    CHECK_STR(p.steps[0].op, "CreateTable");
    CHECK_STR(p.steps[0].tag, "CREATE TABLE");
    CHECK_STR(p.steps[0].table, "Orders");
    CHECK_STR(p.steps[0].tolerate, "ResourceInUseException");
    CHECK_JSON(p.steps[0].request,
               "{\"TableName\":\"Orders\",\"AttributeDefinitions\":[{\"AttributeName\":"
               "\"idempotency_token\",\"AttributeType\":\"S\"}],\"KeySchema\":[{"
               "\"AttributeName\":\"idempotency_token\",\"KeyType\":\"HASH\"}],"
               "\"BillingMode\":\"PAY_PER_REQUEST\"}");
    /* Non-key columns: one notice, nothing sent. */
    CHECK_EQ(p.nnotices, 1);
    CHECK_STR(p.notices[0], "non-key columns order_id, customer_name, order_amount not "
                            "declared: DynamoDB tables are schemaless");
    pq_plan_release(&p);
    pq_stmt_free(s);
    pq_error_release(&err);
}

/* CREATE TABLE Music (Artist STRING, SongTitle STRING, PRIMARY KEY (Artist, SongTitle))
 * PROVISIONED 5 / 10, and the HASH / RANGE column spelling. */
static void test_create_composite_keys(void)
{
    static const struct col_spec cols[] = {
        {"Artist", "STRING", 'S', 0, 20},
        {"Year", "INT", 'N', 0, 35},
    };
    struct pq_stmt *s = create_table("Music", cols, 2);
    add_pk(s, "Artist", "Year");
    s->u.create.billing = PQ_BILLING_PROVISIONED;
    s->u.create.rcu = 5;
    s->u.create.wcu = 10;
    struct pq_plan p;
    struct pq_error err;
    pq_error_init(&err);
    CHECK_EQ(pq_plan_build(s, NULL, &p, &err), PQ_OK);
    CHECK(p.steps[0].tolerate == NULL);
    CHECK_JSON(p.steps[0].request,
               "{\"TableName\":\"Music\",\"AttributeDefinitions\":[{\"AttributeName\":\"Artist\","
               "\"AttributeType\":\"S\"},{\"AttributeName\":\"Year\",\"AttributeType\":\"N\"}],"
               "\"KeySchema\":[{\"AttributeName\":\"Artist\",\"KeyType\":\"HASH\"},{"
               "\"AttributeName\":\"Year\",\"KeyType\":\"RANGE\"}],\"BillingMode\":"
               "\"PROVISIONED\",\"ProvisionedThroughput\":{\"ReadCapacityUnits\":5,"
               "\"WriteCapacityUnits\":10}}");
    CHECK_EQ(p.nnotices, 0);
    pq_plan_release(&p);
    pq_stmt_free(s);

    /* pk BINARY HASH KEY, sk NUMBER RANGE KEY — roles on the columns. */
    static const struct col_spec cols2[] = {
        {"sk", "NUMBER", 'N', 2, 20},
        {"pk", "BINARY", 'B', 1, 40},
    };
    s = create_table("T", cols2, 2);
    CHECK_EQ(pq_plan_build(s, NULL, &p, &err), PQ_OK);
    CHECK_JSON(json_object_get(p.steps[0].request, "KeySchema"),
               "[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"sk\","
               "\"KeyType\":\"RANGE\"}]");
    CHECK_JSON(json_object_get(p.steps[0].request, "AttributeDefinitions"),
               "[{\"AttributeName\":\"pk\",\"AttributeType\":\"B\"},{\"AttributeName\":\"sk\","
               "\"AttributeType\":\"N\"}]");
    pq_plan_release(&p);
    pq_stmt_free(s);
    pq_error_release(&err);
}

static void test_create_errors(void)
{
    struct pq_plan p;
    struct pq_error err;
    pq_error_init(&err);

    /* An unknown type word: named, with its range. */
    static const struct col_spec bad_type[] = {{"id", "VARCHAR2", 0, 1, 21}};
    struct pq_stmt *s = create_table("T", bad_type, 1);
    CHECK_EQ(pq_plan_build(s, NULL, &p, &err), PQ_ERR_PLAN);
    CHECK_EQ(p.nsteps, 0);
    CHECK(strstr(err.message, "unknown type 'VARCHAR2'") != NULL);
    CHECK_EQ(err.start, 24);
    CHECK_EQ(err.end, 32);
    pq_stmt_free(s);

    /* No key at all. */
    static const struct col_spec no_key[] = {{"id", "STRING", 'S', 0, 21}};
    s = create_table("T", no_key, 1);
    CHECK_EQ(pq_plan_build(s, NULL, &p, &err), PQ_ERR_PLAN);
    CHECK_STR(err.message, "table 'T' needs a partition key: mark a column PRIMARY KEY");
    CHECK_EQ(err.start, 13);
    pq_stmt_free(s);

    /* PRIMARY KEY (id) naming no typed column. */
    s = create_table("T", no_key, 1);
    add_pk(s, "other", NULL);
    CHECK_EQ(pq_plan_build(s, NULL, &p, &err), PQ_ERR_PLAN);
    CHECK(strstr(err.message, "'other'") != NULL);
    CHECK_EQ(err.start, 60);
    pq_stmt_free(s);

    /* Two partition keys. */
    static const struct col_spec two[] = {{"a", "STRING", 'S', 1, 21}, {"b", "STRING", 'S', 1, 31}};
    s = create_table("T", two, 2);
    CHECK_EQ(pq_plan_build(s, NULL, &p, &err), PQ_ERR_PLAN);
    CHECK_EQ(err.start, 31);
    pq_stmt_free(s);
    pq_error_release(&err);
}

/* ---- DROP, DESCRIBE, SHOW, SELECT LIMIT, INSERT … VALUES ------------------ */

static void test_simple_statements(void)
{
    struct pq_plan p;
    struct pq_error err;
    pq_error_init(&err);
    struct pq_stmt *s = pq_xcalloc(1, sizeof *s);
    s->kind = PQ_S_DROP_TABLE;
    s->u.drop.table = ident("Orders", 11);
    s->u.drop.if_exists = true;
    CHECK_EQ(pq_plan_build(s, NULL, &p, &err), PQ_OK);
    CHECK_STR(p.steps[0].op, "DeleteTable");
    CHECK_STR(p.steps[0].tag, "DROP TABLE");
    CHECK_STR(p.steps[0].tolerate, "ResourceNotFoundException");
    CHECK_JSON(p.steps[0].request, "{\"TableName\":\"Orders\"}");
    pq_plan_release(&p);
    pq_stmt_free(s);

    s = pq_xcalloc(1, sizeof *s);
    s->kind = PQ_S_SHOW_TABLES;
    CHECK_EQ(pq_plan_build(s, NULL, &p, &err), PQ_OK);
    CHECK_STR(p.steps[0].op, "ListTables");
    CHECK_EQ(p.steps[0].kind, PQ_STEP_LIST_TABLES);
    CHECK_JSON(p.steps[0].request, "{}");
    pq_plan_release(&p);
    pq_stmt_free(s);

    /* SELECT * FROM Orders LIMIT 2: LIMIT is applied by pqsh, not sent. */
    s = pq_xcalloc(1, sizeof *s);
    s->kind = PQ_S_SELECT;
    s->u.select.star = true;
    s->u.select.from.table = ident("Orders", 14);
    s->u.select.from.ncomponents = 1;
    s->u.select.from.nsources = 1;
    s->u.select.limit = pq_xcalloc(1, sizeof *s->u.select.limit);
    s->u.select.limit->kind = PQ_E_LIT;
    s->u.select.limit->lit = json_pack("{s:s}", "N", "2");
    CHECK_EQ(pq_plan_build(s, NULL, &p, &err), PQ_OK);
    CHECK_EQ(p.steps[0].kind, PQ_STEP_SELECT);
    CHECK(p.steps[0].has_limit);
    CHECK_EQ(p.steps[0].limit, 2);
    CHECK_JSON(p.steps[0].request, "{\"Statement\":\"SELECT * FROM \\\"Orders\\\"\"}");
    pq_plan_release(&p);
    /* LIMIT 'x' is refused with the range of the value. */
    json_decref(s->u.select.limit->lit);
    s->u.select.limit->lit = json_pack("{s:s}", "S", "x");
    s->u.select.limit->loc.start = 27;
    s->u.select.limit->loc.end = 30;
    CHECK_EQ(pq_plan_build(s, NULL, &p, &err), PQ_ERR_PLAN);
    CHECK_EQ(err.start, 27);
    pq_stmt_free(s);
    pq_error_release(&err);
}

/* SELECT * FROM <table>, printed (no source text). */
static struct pq_stmt *select_all(const char *table)
{
    struct pq_stmt *s = pq_xcalloc(1, sizeof *s);
    s->kind = PQ_S_SELECT;
    s->u.select.star = true;
    s->u.select.from.table = ident(table, 14);
    s->u.select.from.ncomponents = 1;
    s->u.select.from.nsources = 1;
    return s;
}

/* The plan of SELECT * FROM <table>: one step (pq_plan_release it). */
static json_t *plan_select_all(const char *table, struct pq_plan *p)
{
    struct pq_error err;
    pq_error_init(&err);
    struct pq_stmt *s = select_all(table);
    CHECK_EQ(pq_plan_build(s, NULL, p, &err), PQ_OK);
    pq_stmt_free(s);
    pq_error_release(&err);
    return p->nsteps == 1 ? p->steps[0].request : NULL;
}

/* A bare {"Statement": …} the released plan was the only one to hold is
 * the next statement's request, its text replaced; one held elsewhere, or
 * whose string is (a shallow copy shares it), is never changed. */
static void test_request_kept(void)
{
    struct pq_plan p;
    json_t *first = plan_select_all("Orders", &p);
    pq_plan_release(&p); /* nobody else holds it: kept */
    json_t *second = plan_select_all("Items", &p);
    CHECK_JSON(second, "{\"Statement\":\"SELECT * FROM \\\"Items\\\"\"}");
    /* Under AddressSanitizer nothing is kept (PQ_THREAD_REUSE). */
    if (PQ_THREAD_REUSE) CHECK(second == first);

    json_t *held = json_incref(second);
    pq_plan_release(&p);
    json_t *third = plan_select_all("Other", &p);
    CHECK(third != held);
    CHECK_JSON(third, "{\"Statement\":\"SELECT * FROM \\\"Other\\\"\"}");
    CHECK_JSON(held, "{\"Statement\":\"SELECT * FROM \\\"Items\\\"\"}");
    json_decref(held);

    json_t *copy = json_copy(third); /* shares the Statement string */
    pq_plan_release(&p);
    json_t *fourth = plan_select_all("Fourth", &p);
    CHECK_JSON(fourth, "{\"Statement\":\"SELECT * FROM \\\"Fourth\\\"\"}");
    CHECK_JSON(copy, "{\"Statement\":\"SELECT * FROM \\\"Other\\\"\"}");
    json_decref(copy);
    pq_plan_release(&p);
}

static struct pq_expr *lit(json_t *v, size_t start, size_t end)
{
    struct pq_expr *e = pq_xcalloc(1, sizeof *e);
    e->kind = PQ_E_LIT;
    e->lit = v;
    e->loc.start = start;
    e->loc.end = end;
    return e;
}

static struct pq_expr *bare(const char *name, size_t start)
{
    struct pq_expr *e = pq_xcalloc(1, sizeof *e);
    e->kind = PQ_E_PATH;
    e->loc.start = start;
    e->loc.end = start + strlen(name);
    e->steps = pq_xcalloc(1, sizeof *e->steps);
    e->nsteps = 1;
    e->steps[0].name = pq_xstrdup(name);
    e->steps[0].loc = e->loc;
    return e;
}

/* INSERT INTO Orders (idempotency_token, order_amount) VALUES ('t1', 1), (tok, 2) */
static struct pq_stmt *insert_values(size_t row2_len)
{
    struct pq_stmt *s = pq_xcalloc(1, sizeof *s);
    s->kind = PQ_S_INSERT_VALUES;
    s->u.values.table = ident("Orders", 12);
    s->u.values.cols = pq_xcalloc(2, sizeof *s->u.values.cols);
    s->u.values.cols[0] = ident("idempotency_token", 20);
    s->u.values.cols[1] = ident("order_amount", 39);
    s->u.values.ncols = 2;
    s->u.values.nrows = 2;
    s->u.values.rows = pq_xcalloc(2, sizeof *s->u.values.rows);
    s->u.values.rowlen = pq_xcalloc(2, sizeof *s->u.values.rowlen);
    s->u.values.rows[0] = pq_xcalloc(2, sizeof **s->u.values.rows);
    s->u.values.rows[0][0] = lit(pq_value_new_s("t1", 2), 61, 65);
    s->u.values.rows[0][1] = lit(json_pack("{s:s}", "N", "1"), 67, 68);
    s->u.values.rowlen[0] = 2;
    s->u.values.rows[1] = pq_xcalloc(2, sizeof **s->u.values.rows);
    s->u.values.rows[1][0] = bare("tok", 72);
    s->u.values.rowlen[1] = row2_len;
    if (row2_len == 2) s->u.values.rows[1][1] = lit(json_pack("{s:s}", "N", "2"), 77, 78);
    return s;
}

static void test_insert_values(void)
{
    struct pq_plan p;
    struct pq_error err;
    struct pq_vars vs;
    pq_error_init(&err);
    pq_vars_init(&vs);
    pq_vars_set(&vs, "tok", pq_value_new_s("t2", 2));
    struct pq_stmt *s = insert_values(2);
    CHECK_EQ(pq_plan_build(s, &vs, &p, &err), PQ_OK);
    /* Several rows: one BatchExecuteStatement, each row a member. */
    CHECK_EQ(p.nsteps, 1);
    CHECK_EQ(p.steps[0].kind, PQ_STEP_BATCH);
    CHECK_STR(p.steps[0].op, "BatchExecuteStatement");
    CHECK_EQ(p.steps[0].nmembers, 2);
    CHECK_EQ(p.steps[0].member_base, 0);
    CHECK(!p.steps[0].reads);
    CHECK_STR(p.steps[0].table, "Orders");
    /* A variable in a row becomes that row's own parameter. */
    CHECK_JSON(p.steps[0].request,
               "{\"Statements\":[{\"Statement\":\"INSERT INTO \\\"Orders\\\" VALUE "
               "{'idempotency_token': 't1', 'order_amount': 1}\"},{\"Statement\":\"INSERT INTO "
               "\\\"Orders\\\" VALUE {'idempotency_token': ?, 'order_amount': 2}\","
               "\"Parameters\":[{\"S\":\"t2\"}]}]}");
    CHECK_EQ(p.steps[0].member_locs[0].start, 61);
    CHECK_EQ(p.steps[0].member_locs[1].start, 72);
    CHECK_EQ(p.steps[0].member_locs[1].end, 78);
    pq_plan_release(&p);
    pq_stmt_free(s);

    /* One row stays an ExecuteStatement. */
    s = insert_values(2);
    s->u.values.nrows = 1;
    CHECK_EQ(pq_plan_build(s, &vs, &p, &err), PQ_OK);
    CHECK_EQ(p.nsteps, 1);
    CHECK_EQ(p.steps[0].kind, PQ_STEP_WRITE);
    CHECK_STR(p.steps[0].tag, "INSERT");
    CHECK_JSON(p.steps[0].request, "{\"Statement\":\"INSERT INTO \\\"Orders\\\" VALUE "
                                   "{'idempotency_token': 't1', 'order_amount': 1}\"}");
    CHECK_EQ(p.steps[0].loc.start, 61);
    pq_plan_release(&p);
    s->u.values.nrows = 2;
    pq_stmt_free(s);

    /* A short row is refused before anything runs. */
    s = insert_values(1);
    CHECK_EQ(pq_plan_build(s, &vs, &p, &err), PQ_ERR_PLAN);
    CHECK_EQ(p.nsteps, 0);
    CHECK_STR(err.message, "row 2 has 1 value but the column list names 2");
    CHECK_EQ(err.start, 72);
    pq_stmt_free(s);
    pq_vars_release(&vs);
    pq_error_release(&err);
}

/* ---- the runner against a scripted backend --------------------------------- */

struct fake {
    struct pq_backend base;
    json_t *script; /* array of {"op": …, "response": …} or {"op": …, "error": type} */
    size_t next;
    json_t *seen; /* requests received, as {"op": …, "request": …} */
};

static pq_status fake_call(struct pq_backend *b, const char *op, json_t *request, json_t **response,
                           struct pq_error *err)
{
    struct fake *f = (struct fake *)b;
    /* a copy: the runner reuses its request object from page to page */
    json_array_append_new(f->seen,
                          json_pack("{s:s,s:o}", "op", op, "request", json_deep_copy(request)));
    json_t *entry = json_array_get(f->script, f->next++);
    *response = NULL;
    if (!entry) return pq_error_service(err, "ScriptEnded", "no more responses");
    if (strcmp(json_string_value(json_object_get(entry, "op")), op) != 0)
        return pq_error_service(err, "WrongOp", "expected %s",
                                json_string_value(json_object_get(entry, "op")));
    const char *type = json_string_value(json_object_get(entry, "error"));
    if (type) return pq_error_service(err, type, "scripted");
    *response = json_incref(json_object_get(entry, "response"));
    return PQ_OK;
}

static const struct pq_backend_ops fake_ops = {fake_call, NULL, NULL, NULL, NULL};

static void fake_init(struct fake *f, const char *script)
{
    json_error_t jerr;
    f->base.ops = &fake_ops;
    f->base.label = NULL;
    f->base.remote = false;
    f->script = json_loads(script, 0, &jerr);
    if (!f->script) fprintf(stderr, "bad script: %s\n", jerr.text);
    f->next = 0;
    f->seen = json_array();
}

static void fake_release(struct fake *f)
{
    json_decref(f->script);
    json_decref(f->seen);
}

struct collected {
    json_t *rows;
    int pages;
    char notice[200];
    unsigned slept;
};

static pq_status collect_rows(void *ctx, const struct pq_step *step, json_t *rows,
                              struct pq_error *err)
{
    struct collected *c = ctx;
    c->pages++;
    json_array_extend(c->rows, rows);
    return PQ_OK;
}

static void collect_notice(void *ctx, const struct pq_step *step, const char *text)
{
    struct collected *c = ctx;
    snprintf(c->notice, sizeof c->notice, "%s", text);
}

static void collect_sleep(void *ctx, unsigned ms)
{
    struct collected *c = ctx;
    c->slept += ms;
}

static struct pq_step select_step(void)
{
    struct pq_step st = {0};
    st.kind = PQ_STEP_SELECT;
    st.op = "ExecuteStatement";
    st.request = json_pack("{s:s}", "Statement", "SELECT * FROM \"T\"");
    st.table = "T";
    return st;
}

/* Pages follow NextToken until it is absent; an empty page with a token
 * does not end the read. */
static void test_run_paging(void)
{
    struct fake f;
    struct collected c = {json_array(), 0, "", 0};
    struct pq_run_sink sink = {
        .ctx = &c, .rows = collect_rows, .notice = collect_notice, .sleep = collect_sleep};
    struct pq_run_outcome out;
    struct pq_error err;
    pq_error_init(&err);
    fake_init(&f, "[{\"op\":\"ExecuteStatement\",\"response\":{\"Items\":[{\"a\":{\"N\":\"1\"}}],"
                  "\"NextToken\":\"t1\"}},"
                  "{\"op\":\"ExecuteStatement\",\"response\":{\"Items\":[],\"NextToken\":\"t2\"}},"
                  "{\"op\":\"ExecuteStatement\",\"response\":{\"Items\":[{\"a\":{\"N\":\"2\"}},"
                  "{\"a\":{\"N\":\"3\"}}]}}]");
    struct pq_step st = select_step();
    CHECK_EQ(pq_plan_run_step(&f.base, &st, &sink, &out, &err), PQ_OK);
    CHECK_EQ(out.count, 3);
    CHECK_EQ(c.pages, 2); /* the empty page is not delivered */
    CHECK_EQ(json_array_size(c.rows), 3);
    CHECK_EQ(json_array_size(f.seen), 3);
    CHECK_JSON(json_object_get(json_array_get(f.seen, 0), "request"),
               "{\"Statement\":\"SELECT * FROM \\\"T\\\"\"}");
    CHECK_JSON(json_object_get(json_array_get(f.seen, 2), "request"),
               "{\"Statement\":\"SELECT * FROM \\\"T\\\"\",\"NextToken\":\"t2\"}");
    /* the step's own request is left as planned */
    CHECK(json_object_get(st.request, "NextToken") == NULL);
    fake_release(&f);

    /* LIMIT 2: stop after two items, even though more pages exist. */
    json_array_clear(c.rows);
    c.pages = 0;
    fake_init(&f, "[{\"op\":\"ExecuteStatement\",\"response\":{\"Items\":[{\"a\":{\"N\":\"1\"}}],"
                  "\"NextToken\":\"t1\"}},"
                  "{\"op\":\"ExecuteStatement\",\"response\":{\"Items\":[{\"a\":{\"N\":\"2\"}},"
                  "{\"a\":{\"N\":\"3\"}}],\"NextToken\":\"t2\"}}]");
    st.has_limit = true;
    st.limit = 2;
    CHECK_EQ(pq_plan_run_step(&f.base, &st, &sink, &out, &err), PQ_OK);
    CHECK_EQ(out.count, 2);
    CHECK_JSON(c.rows, "[{\"a\":{\"N\":\"1\"}},{\"a\":{\"N\":\"2\"}}]");
    CHECK_EQ(json_array_size(f.seen), 2);
    fake_release(&f);

    /* LIMIT 0 asks once, for one item (so that a missing table is said),
     * and delivers nothing. */
    fake_init(&f, "[{\"op\":\"ExecuteStatement\",\"response\":{\"Items\":[{\"a\":{\"N\":\"1\"}}],"
                  "\"NextToken\":\"t1\"}}]");
    st.limit = 0;
    json_array_clear(c.rows);
    CHECK_EQ(pq_plan_run_step(&f.base, &st, &sink, &out, &err), PQ_OK);
    CHECK_EQ(out.count, 0);
    CHECK_EQ(json_array_size(c.rows), 0);
    CHECK_EQ(json_array_size(f.seen), 1);
    CHECK_EQ(json_integer_value(
                 json_object_get(json_object_get(json_array_get(f.seen, 0), "request"), "Limit")),
             1);
    fake_release(&f);
    fake_init(&f, "[{\"op\":\"ExecuteStatement\",\"error\":\"ResourceNotFoundException\"}]");
    CHECK_EQ(pq_plan_run_step(&f.base, &st, &sink, &out, &err), PQ_ERR_SERVICE);
    CHECK_STR(err.type, "ResourceNotFoundException");
    pq_error_release(&err);
    pq_error_init(&err);
    fake_release(&f);

    /* LastEvaluatedKey alone cannot be followed: said, not looped on. */
    fake_init(&f, "[{\"op\":\"ExecuteStatement\",\"response\":{\"Items\":[],"
                  "\"LastEvaluatedKey\":{\"a\":{\"N\":\"1\"}}}}]");
    st.has_limit = false;
    CHECK_EQ(pq_plan_run_step(&f.base, &st, &sink, &out, &err), PQ_OK);
    CHECK(strstr(c.notice, "LastEvaluatedKey") != NULL);
    fake_release(&f);

    /* A service error stops the step and is passed on. */
    fake_init(&f, "[{\"op\":\"ExecuteStatement\",\"error\":\"ResourceNotFoundException\"}]");
    CHECK_EQ(pq_plan_run_step(&f.base, &st, &sink, &out, &err), PQ_ERR_SERVICE);
    CHECK_STR(err.type, "ResourceNotFoundException");
    fake_release(&f);
    json_decref(st.request);
    json_decref(c.rows);
    pq_error_release(&err);
}

static void test_run_ddl(void)
{
    struct fake f;
    struct collected c = {json_array(), 0, "", 0};
    struct pq_run_sink sink = {
        .ctx = &c, .rows = collect_rows, .notice = collect_notice, .sleep = collect_sleep};
    struct pq_run_outcome out;
    struct pq_error err;
    pq_error_init(&err);
    struct pq_step st = {0};
    st.kind = PQ_STEP_CREATE_TABLE;
    st.op = "CreateTable";
    st.request = json_pack("{s:s}", "TableName", "T");
    st.table = "T";
    st.tolerate = "ResourceInUseException";

    /* CREATING → not found yet → CREATING → ACTIVE: the first DescribeTable
     * at once, then growing pauses. */
    fake_init(&f,
              "[{\"op\":\"CreateTable\",\"response\":{\"TableDescription\":{\"TableStatus\":"
              "\"CREATING\"}}},"
              "{\"op\":\"DescribeTable\",\"error\":\"ResourceNotFoundException\"},"
              "{\"op\":\"DescribeTable\",\"response\":{\"Table\":{\"TableStatus\":"
              "\"CREATING\"}}},"
              "{\"op\":\"DescribeTable\",\"response\":{\"Table\":{\"TableStatus\":\"ACTIVE\"}}}]");
    CHECK_EQ(pq_plan_run_step(&f.base, &st, &sink, &out, &err), PQ_OK);
    CHECK_EQ(out.count, 1);
    CHECK(!out.skipped);
    CHECK_EQ(f.next, 4);
    CHECK_EQ(c.slept, 0 + 100 + 200);
    fake_release(&f);

    /* ACTIVE at once (the embedded engine): no polling. */
    c.slept = 0;
    fake_init(&f, "[{\"op\":\"CreateTable\",\"response\":{\"TableDescription\":{\"TableStatus\":"
                  "\"ACTIVE\"}}}]");
    CHECK_EQ(pq_plan_run_step(&f.base, &st, &sink, &out, &err), PQ_OK);
    CHECK_EQ(c.slept, 0);
    fake_release(&f);

    /* IF NOT EXISTS: ResourceInUseException means there is nothing to do. */
    fake_init(&f, "[{\"op\":\"CreateTable\",\"error\":\"ResourceInUseException\"}]");
    CHECK_EQ(pq_plan_run_step(&f.base, &st, &sink, &out, &err), PQ_OK);
    CHECK(out.skipped);
    CHECK_STR(c.notice, "table 'T' already exists, skipping");
    CHECK_EQ(err.code, PQ_OK);
    fake_release(&f);

    /* Without it the error stands. */
    st.tolerate = NULL;
    fake_init(&f, "[{\"op\":\"CreateTable\",\"error\":\"ResourceInUseException\"}]");
    CHECK_EQ(pq_plan_run_step(&f.base, &st, &sink, &out, &err), PQ_ERR_SERVICE);
    fake_release(&f);
    json_decref(st.request);

    /* SHOW TABLES follows LastEvaluatedTableName. */
    struct pq_step lt = {0};
    lt.kind = PQ_STEP_LIST_TABLES;
    lt.op = "ListTables";
    lt.request = json_object();
    json_array_clear(c.rows);
    fake_init(&f, "[{\"op\":\"ListTables\",\"response\":{\"TableNames\":[\"a\",\"b\"],"
                  "\"LastEvaluatedTableName\":\"b\"}},"
                  "{\"op\":\"ListTables\",\"response\":{\"TableNames\":[\"c\"]}}]");
    CHECK_EQ(pq_plan_run_step(&f.base, &lt, &sink, &out, &err), PQ_OK);
    CHECK_EQ(out.count, 3);
    CHECK_JSON(c.rows, "[\"a\",\"b\",\"c\"]");
    CHECK_JSON(json_object_get(json_array_get(f.seen, 1), "request"),
               "{\"ExclusiveStartTableName\":\"b\"}");
    fake_release(&f);
    json_decref(lt.request);
    json_decref(c.rows);
    pq_error_release(&err);
}

static void test_describe_step(void)
{
    struct pq_step st = select_step();
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    st.has_limit = true;
    st.limit = 5;
    pq_step_describe(&st, &b);
    CHECK_STR(b.data, "ExecuteStatement {\"Statement\":\"SELECT * FROM \\\"T\\\"\"} [follow "
                      "NextToken; stop after 5 items]\n  LIMIT 5 is applied by pqsh: DynamoDB "
                      "refuses LIMIT in a statement, so it is not sent and paging stops after 5 "
                      "items");
    pq_buf_release(&b);
    json_decref(st.request);
}

/* ---- batches, transactions, indexes ------------------------------------ */

struct outcomes {
    json_t *seen; /* [[i, code or null, item or null], …] */
    json_t *capacity;
    json_t *rows;
};

static void collect_member(void *ctx, const struct pq_step *step, size_t i, const json_t *error,
                           const json_t *item)
{
    struct outcomes *o = ctx;
    json_t *code = json_object_get(error, "Code");
    json_array_append_new(
        o->seen, json_pack("[I,O?,O?]", (json_int_t)(step->member_base + i), code, (json_t *)item));
}

static void collect_capacity(void *ctx, const struct pq_step *step, const json_t *consumed)
{
    struct outcomes *o = ctx;
    json_array_append(o->capacity, (json_t *)consumed);
}

static pq_status collect_outcome_rows(void *ctx, const struct pq_step *step, json_t *rows,
                                      struct pq_error *err)
{
    struct outcomes *o = ctx;
    json_array_extend(o->rows, rows);
    return PQ_OK;
}

static void no_sleep(void *ctx, unsigned ms) {}

/* A member of table T; its request is freed by release_members(). */
static struct pq_member member(const char *statement, bool read)
{
    return (struct pq_member){json_pack("{s:s}", "Statement", statement), "T", read, NULL, 0};
}

static void release_members(struct pq_member *m, size_t n)
{
    for (size_t i = 0; i < n; i++)
        json_decref((json_t *)m[i].request);
}

/* 27 members: two calls (25 + 2); slot errors are per member; a throttled
 * slot is sent again alone and its second answer counts. */
static void test_batch(void)
{
    struct pq_member m[27];
    struct pq_plan p;
    struct pq_plan_context ctx = {.capacity = true};
    char text[64];
    for (size_t i = 0; i < 27; i++) {
        snprintf(text, sizeof text, "INSERT INTO \"T\" VALUE {'k': %zu}", i);
        m[i] = member(text, false);
    }
    pq_plan_init(&p);
    pq_plan_batch(m, 27, &ctx, &p);
    CHECK_EQ(p.nsteps, 2);
    CHECK_EQ(p.steps[0].nmembers, 25);
    CHECK_EQ(p.steps[1].nmembers, 2);
    CHECK_EQ(p.steps[1].member_base, 25);
    CHECK_EQ(json_array_size(json_object_get(p.steps[0].request, "Statements")), 25);
    CHECK_STR(json_string_value(json_object_get(p.steps[0].request, "ReturnConsumedCapacity")),
              "TOTAL");
    CHECK_JSON(json_array_get(json_object_get(p.steps[1].request, "Statements"), 1),
               "{\"Statement\":\"INSERT INTO \\\"T\\\" VALUE {'k': 26}\"}");

    struct fake f;
    struct outcomes o = {json_array(), json_array(), json_array()};
    struct pq_run_sink sink = {.ctx = &o,
                               .rows = collect_outcome_rows,
                               .sleep = no_sleep,
                               .member = collect_member,
                               .capacity = collect_capacity};
    struct pq_run_outcome out = {0};
    struct pq_error err;
    pq_error_init(&err);
    fake_init(&f, "[{\"op\":\"BatchExecuteStatement\",\"response\":{\"Responses\":["
                  "{\"TableName\":\"T\"},"
                  "{\"Error\":{\"Code\":\"ThrottlingError\",\"Message\":\"slow down\"}}],"
                  "\"ConsumedCapacity\":[{\"TableName\":\"T\",\"CapacityUnits\":1}]}},"
                  "{\"op\":\"BatchExecuteStatement\",\"response\":{\"Responses\":["
                  "{\"Error\":{\"Code\":\"DuplicateItem\",\"Message\":\"Duplicate primary key "
                  "exists in table\"}}]}}]");
    CHECK_EQ(pq_plan_run_step(&f.base, &p.steps[1], &sink, &out, &err), PQ_OK);
    CHECK_EQ(out.count, 1);
    CHECK_EQ(out.failed, 1);
    CHECK_JSON(o.seen, "[[25,null,null],[26,\"DuplicateItem\",null]]");
    CHECK_JSON(o.capacity, "[[{\"TableName\":\"T\",\"CapacityUnits\":1}]]");
    /* The retry carries only the throttled statement. */
    CHECK_EQ(json_array_size(json_object_get(json_object_get(json_array_get(f.seen, 1), "request"),
                                             "Statements")),
             1);
    fake_release(&f);

    /* A failed call fails the step. */
    fake_init(&f, "[{\"op\":\"BatchExecuteStatement\",\"error\":\"ValidationException\"}]");
    CHECK_EQ(pq_plan_run_step(&f.base, &p.steps[1], &sink, &out, &err), PQ_ERR_SERVICE);
    fake_release(&f);
    pq_plan_release(&p);

    /* Reads: found items are rows. */
    struct pq_member r[2] = {member("SELECT * FROM \"T\" WHERE \"k\" = 1", true),
                             member("SELECT * FROM \"T\" WHERE \"k\" = 2", true)};
    ctx.capacity = false;
    ctx.consistent = true;
    pq_plan_init(&p);
    pq_plan_batch(r, 2, &ctx, &p);
    CHECK(p.steps[0].reads);
    CHECK_JSON(json_array_get(json_object_get(p.steps[0].request, "Statements"), 0),
               "{\"Statement\":\"SELECT * FROM \\\"T\\\" WHERE \\\"k\\\" = 1\","
               "\"ConsistentRead\":true}");
    json_array_clear(o.seen);
    fake_init(&f, "[{\"op\":\"BatchExecuteStatement\",\"response\":{\"Responses\":["
                  "{\"TableName\":\"T\",\"Item\":{\"k\":{\"N\":\"1\"}}},{\"TableName\":\"T\"}]}}]");
    memset(&out, 0, sizeof out);
    CHECK_EQ(pq_plan_run_step(&f.base, &p.steps[0], &sink, &out, &err), PQ_OK);
    CHECK_EQ(out.count, 2);
    CHECK_JSON(o.rows, "[{\"k\":{\"N\":\"1\"}}]");
    fake_release(&f);
    pq_plan_release(&p);
    release_members(m, 27);
    release_members(r, 2);
    json_decref(o.seen);
    json_decref(o.capacity);
    json_decref(o.rows);
    pq_error_release(&err);
}

static void test_transaction(void)
{
    struct pq_member m[2] = {member("SELECT * FROM \"T\" WHERE \"k\" = 1", true),
                             member("SELECT * FROM \"T\" WHERE \"k\" = 2", true)};
    struct pq_plan p;
    struct pq_error err;
    pq_error_init(&err);
    CHECK_EQ(pq_plan_transaction(m, 2, "tok-1", NULL, &p, &err), PQ_OK);
    CHECK_EQ(p.nsteps, 1);
    CHECK_EQ(p.steps[0].kind, PQ_STEP_TRANSACTION);
    CHECK(p.steps[0].reads);
    CHECK_JSON(p.steps[0].request,
               "{\"TransactStatements\":[{\"Statement\":\"SELECT * FROM \\\"T\\\" WHERE "
               "\\\"k\\\" = 1\"},{\"Statement\":\"SELECT * FROM \\\"T\\\" WHERE \\\"k\\\" = 2\"}],"
               "\"ClientRequestToken\":\"tok-1\"}");
    /* Reads: one row per statement, {} for an item that does not exist. */
    struct fake f;
    struct outcomes o = {json_array(), json_array(), json_array()};
    struct pq_run_sink sink = {.ctx = &o, .rows = collect_outcome_rows, .member = collect_member};
    struct pq_run_outcome out = {0};
    fake_init(&f, "[{\"op\":\"ExecuteTransaction\",\"response\":{\"Responses\":["
                  "{\"Item\":{\"k\":{\"N\":\"1\"}}},{}]}}]");
    CHECK_EQ(pq_plan_run_step(&f.base, &p.steps[0], &sink, &out, &err), PQ_OK);
    CHECK_EQ(out.count, 2);
    CHECK_JSON(o.rows, "[{\"k\":{\"N\":\"1\"}},{}]");
    fake_release(&f);
    pq_plan_release(&p);

    /* 0 or more than 100 statements are refused. */
    CHECK_EQ(pq_plan_transaction(m, 0, "t", NULL, &p, &err), PQ_ERR_PLAN);
    CHECK_EQ(pq_plan_transaction(m, 101, "t", NULL, &p, &err), PQ_ERR_PLAN);
    CHECK_STR(err.message, "a transaction holds 1 to 100 statements, not 101");
    release_members(m, 2);
    json_decref(o.seen);
    json_decref(o.capacity);
    json_decref(o.rows);
    pq_error_release(&err);
}

/* Random UUIDs of version 4, variant 10, never the same twice. */
static void test_token(void)
{
    char a[37], b[37];
    pq_plan_new_token(a);
    pq_plan_new_token(b);
    CHECK_EQ(strlen(a), 36);
    CHECK(a[8] == '-' && a[13] == '-' && a[18] == '-' && a[23] == '-');
    CHECK(a[14] == '4');
    CHECK(strchr("89ab", a[19]) != NULL);
    CHECK(strcmp(a, b) != 0);
}

static const json_t *fixed_describe(void *ctx, const char *table, const char **why)
{
    return ctx;
}

/* CREATE INDEX byCustomer ON Orders (customer, placed) PROJECTION KEYS_ONLY */
static void test_create_index(void)
{
    struct pq_stmt *s = pq_xcalloc(1, sizeof *s);
    s->kind = PQ_S_CREATE_INDEX;
    s->u.index.table = ident("Orders", 30);
    s->u.index.index.name = ident("byCustomer", 13);
    s->u.index.index.global = true;
    s->u.index.index.keys[0].name = ident("customer", 38);
    s->u.index.index.keys[1].name = ident("placed", 48);
    s->u.index.index.nkeys = 2;
    s->u.index.index.projection = PQ_PROJ_KEYS_ONLY;
    json_t *desc =
        json_loads("{\"AttributeDefinitions\":[{\"AttributeName\":\"id\",\"AttributeType\":\"S\"},"
                   "{\"AttributeName\":\"placed\",\"AttributeType\":\"N\"}],"
                   "\"BillingModeSummary\":{\"BillingMode\":\"PROVISIONED\"},"
                   "\"ProvisionedThroughput\":{\"ReadCapacityUnits\":5,\"WriteCapacityUnits\":3}}",
                   0, NULL);
    struct pq_plan_context ctx = {.ctx = desc, .describe = fixed_describe};
    struct pq_plan p;
    struct pq_error err;
    pq_error_init(&err);
    CHECK_EQ(pq_plan_build_ex(s, NULL, &ctx, &p, &err), PQ_OK);
    CHECK_EQ(p.nsteps, 1);
    CHECK_EQ(p.steps[0].kind, PQ_STEP_UPDATE_TABLE);
    CHECK_STR(p.steps[0].tag, "CREATE INDEX");
    CHECK_STR(p.steps[0].index, "byCustomer");
    /* `placed` has a type already; `customer` is taken as a string, and said so. */
    CHECK_JSON(p.steps[0].request,
               "{\"TableName\":\"Orders\",\"AttributeDefinitions\":[{\"AttributeName\":"
               "\"customer\",\"AttributeType\":\"S\"},{\"AttributeName\":\"placed\","
               "\"AttributeType\":\"N\"}],\"GlobalSecondaryIndexUpdates\":[{\"Create\":{"
               "\"IndexName\":\"byCustomer\",\"KeySchema\":[{\"AttributeName\":\"customer\","
               "\"KeyType\":\"HASH\"},{\"AttributeName\":\"placed\",\"KeyType\":\"RANGE\"}],"
               "\"Projection\":{\"ProjectionType\":\"KEYS_ONLY\"},\"ProvisionedThroughput\":{"
               "\"ReadCapacityUnits\":5,\"WriteCapacityUnits\":3}}}]}");
    CHECK_EQ(p.nnotices, 1);
    pq_plan_release(&p);

    /* The runner waits until DescribeTable shows the index ACTIVE. */
    struct fake f;
    struct collected c = {json_array(), 0, "", 0};
    struct pq_run_sink sink = {.ctx = &c, .sleep = collect_sleep};
    struct pq_run_outcome out;
    CHECK_EQ(pq_plan_build_ex(s, NULL, &ctx, &p, &err), PQ_OK);
    fake_init(&f, "[{\"op\":\"UpdateTable\",\"response\":{\"TableDescription\":{"
                  "\"GlobalSecondaryIndexes\":[{\"IndexName\":\"byCustomer\",\"IndexStatus\":"
                  "\"CREATING\"}]}}},"
                  "{\"op\":\"DescribeTable\",\"response\":{\"Table\":{\"GlobalSecondaryIndexes\":"
                  "[{\"IndexName\":\"byCustomer\",\"IndexStatus\":\"ACTIVE\"}]}}}]");
    CHECK_EQ(pq_plan_run_step(&f.base, &p.steps[0], &sink, &out, &err), PQ_OK);
    CHECK_EQ(f.next, 2);
    fake_release(&f);
    pq_plan_release(&p);

    /* LSIs only come with their table. */
    s->u.index.index.global = false;
    CHECK_EQ(pq_plan_build_ex(s, NULL, &ctx, &p, &err), PQ_ERR_PLAN);
    pq_stmt_free(s);

    /* DROP INDEX: UpdateTable Delete, then wait until the index is gone. */
    s = pq_xcalloc(1, sizeof *s);
    s->kind = PQ_S_DROP_INDEX;
    s->u.index.table = ident("Orders", 25);
    s->u.index.index.name = ident("byCustomer", 11);
    CHECK_EQ(pq_plan_build(s, NULL, &p, &err), PQ_OK);
    CHECK_JSON(p.steps[0].request, "{\"TableName\":\"Orders\",\"GlobalSecondaryIndexUpdates\":"
                                   "[{\"Delete\":{\"IndexName\":\"byCustomer\"}}]}");
    fake_init(&f, "[{\"op\":\"UpdateTable\",\"response\":{\"TableDescription\":{"
                  "\"GlobalSecondaryIndexes\":[{\"IndexName\":\"byCustomer\",\"IndexStatus\":"
                  "\"DELETING\"}]}}},"
                  "{\"op\":\"DescribeTable\",\"response\":{\"Table\":{}}}]");
    CHECK_EQ(pq_plan_run_step(&f.base, &p.steps[0], &sink, &out, &err), PQ_OK);
    CHECK_EQ(f.next, 2);
    fake_release(&f);
    pq_plan_release(&p);
    pq_stmt_free(s);
    json_decref(desc);
    json_decref(c.rows);
    pq_error_release(&err);
}

int main(void)
{
    test_create_tutorial();
    test_create_composite_keys();
    test_create_errors();
    test_simple_statements();
    test_request_kept();
    test_insert_values();
    test_run_paging();
    test_run_ddl();
    test_describe_step();
    test_batch();
    test_transaction();
    test_token();
    test_create_index();
    DONE();
}
