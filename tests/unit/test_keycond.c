/* test_keycond.c — Query or Scan from a WHERE clause and a key schema (reference §4.2.1). */
#include "check.h"
#include "pqsh/buf.h"
#include "pqsh/parse.h"
#include "pqsh/plan.h"

#include <stdlib.h>
#include <string.h>

/* The note for `SELECT * FROM "T" <where>` with partition key pk and sort
 * key sk (or the index's keys gpk / gsk with `index`). */
static char *note(const char *select, const char *index)
{
    struct pq_stmt *s = NULL;
    struct pq_error err;
    struct pq_buf b = PQ_BUF_INIT;
    pq_error_init(&err);
    pq_buf_init(&b);
    if (pq_parse(select, strlen(select), 0, &s, &err, NULL)) {
        pq_buf_addf(&b, "parse error: %s", err.message);
    } else {
        struct pq_key_names k = {index ? "gpk" : "pk", index ? "gsk" : "sk"};
        struct pq_read_plan rp;
        pq_keycond_classify(s->u.select.where, &k, &rp);
        pq_read_plan_describe(&rp, "T", index, NULL, &b);
        pq_read_plan_release(&rp);
        pq_stmt_free(s);
    }
    pq_error_release(&err);
    return pq_buf_detach(&b, NULL);
}

static const struct {
    const char *select, *index, *expected;
} cases[] = {
    /* §4.2.1 rule 1: equality or IN on the partition key → Query */
    {"SELECT * FROM T WHERE pk = 'a'", NULL, "Query on table \"T\": key condition \"pk\" = 'a'"},
    {"SELECT * FROM T WHERE 'a' = pk", NULL, "Query on table \"T\": key condition 'a' = \"pk\""},
    {"SELECT * FROM T WHERE pk IN ['a', 'b']", NULL,
     "Query on table \"T\", 2 partitions: key conditions \"pk\" IN ['a', 'b']"},
    {"SELECT * FROM T WHERE pk = 1 OR pk = 2", NULL,
     "Query on table \"T\", 2 partitions, one Query per OR branch:\n"
     "    key condition \"pk\" = 1\n"
     "    key condition \"pk\" = 2"},
    {"SELECT * FROM T WHERE x = 1 AND pk = ?", NULL,
     "Query on table \"T\": key condition \"pk\" = ?; the rest of WHERE filters"},
    /* rule 3: sort-key conditions */
    {"SELECT * FROM T WHERE pk = 'a' AND sk > 3", NULL,
     "Query on table \"T\": key condition \"pk\" = 'a' AND \"sk\" > 3"},
    {"SELECT * FROM T WHERE pk = 'a' AND sk BETWEEN 1 AND 9", NULL,
     "Query on table \"T\": key condition \"pk\" = 'a' AND \"sk\" BETWEEN 1 AND 9"},
    {"SELECT * FROM T WHERE pk = 'a' AND begins_with(sk, 'x')", NULL,
     "Query on table \"T\": key condition \"pk\" = 'a' AND begins_with(\"sk\", 'x')"},
    {"SELECT * FROM T WHERE pk = 'a' AND sk <> 3", NULL,
     "Query on table \"T\": key condition \"pk\" = 'a'; the rest of WHERE filters"},
    {"SELECT * FROM T WHERE pk = 'a' AND sk IN [1, 2]", NULL,
     "Query on table \"T\": key condition \"pk\" = 'a'; the rest of WHERE filters"},
    {"SELECT * FROM T WHERE pk = 'a' AND sk = 1 OR pk = 'b' AND sk < 5", NULL,
     "Query on table \"T\", 2 partitions, one Query per OR branch:\n"
     "    key condition \"pk\" = 'a' AND \"sk\" = 1\n"
     "    key condition \"pk\" = 'b' AND \"sk\" < 5"},
    {"SELECT * FROM T WHERE (pk = 'a' OR pk = 'b') AND x = 1", NULL,
     "Query on table \"T\", 2 partitions: key conditions (\"pk\" = 'a' OR \"pk\" = 'b'); the "
     "rest of WHERE filters"},
    /* rule 2: everything else scans */
    {"SELECT * FROM T", NULL, "Scan of the whole table \"T\": there is no WHERE clause"},
    {"SELECT * FROM T WHERE pk > 'a'", NULL,
     "Scan of the whole table \"T\": WHERE has no = or IN on partition key \"pk\", so WHERE "
     "filters every item read"},
    {"SELECT * FROM T WHERE x = 1", NULL,
     "Scan of the whole table \"T\": WHERE has no = or IN on partition key \"pk\", so WHERE "
     "filters every item read"},
    {"SELECT * FROM T WHERE pk = 'a' OR x = 'b'", NULL,
     "Scan of the whole table \"T\": an OR branch has no = or IN on partition key \"pk\", so "
     "WHERE filters every item read"},
    {"SELECT * FROM T WHERE pk <> 'a'", NULL,
     "Scan of the whole table \"T\": WHERE has no = or IN on partition key \"pk\", so WHERE "
     "filters every item read"},
    {"SELECT * FROM T WHERE NOT pk = 'a'", NULL,
     "Scan of the whole table \"T\": WHERE has no = or IN on partition key \"pk\", so WHERE "
     "filters every item read"},
    {"SELECT * FROM T WHERE pk NOT IN ['a']", NULL,
     "Scan of the whole table \"T\": WHERE has no = or IN on partition key \"pk\", so WHERE "
     "filters every item read"},
    {"SELECT * FROM T WHERE sk = 1", NULL,
     "Scan of the whole table \"T\": WHERE has no = or IN on partition key \"pk\", so WHERE "
     "filters every item read"},
    {"SELECT * FROM T WHERE pk = other", NULL,
     "Scan of the whole table \"T\": WHERE has no = or IN on partition key \"pk\", so WHERE "
     "filters every item read"},
    {"SELECT * FROM T WHERE m.pk = 'a'", NULL,
     "Scan of the whole table \"T\": WHERE has no = or IN on partition key \"pk\", so WHERE "
     "filters every item read"},
    /* an index: its own keys count, the table's do not */
    {"SELECT * FROM T WHERE gpk = 1 AND gsk >= 2", "i",
     "Query on index \"T\".\"i\": key condition \"gpk\" = 1 AND \"gsk\" >= 2"},
    {"SELECT * FROM T WHERE pk = 1", "i",
     "Scan of the whole index \"T\".\"i\": WHERE has no = or IN on partition key \"gpk\", so "
     "WHERE filters every item read"},
};

static void test_cases(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = note(cases[i].select, cases[i].index);
        CHECK_STR(got, cases[i].expected);
        free(got);
    }
}

/* Parameters are shown with their values. */
static void test_params(void)
{
    const char *text = "SELECT * FROM T WHERE pk = ? AND sk > ?";
    struct pq_stmt *s = NULL;
    struct pq_error err;
    pq_error_init(&err);
    CHECK_EQ(pq_parse(text, strlen(text), 0, &s, &err, NULL), PQ_OK);
    struct pq_key_names k = {"pk", "sk"};
    struct pq_read_plan rp;
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    json_t *params = json_loads("[{\"S\":\"it's\"},{\"N\":\"7\"}]", 0, NULL);
    pq_keycond_classify(s->u.select.where, &k, &rp);
    CHECK(rp.query);
    CHECK_EQ(rp.nreads, 1);
    CHECK_EQ(rp.reads[0].nvalues, 1);
    CHECK(!rp.filter);
    pq_read_plan_describe(&rp, "T", NULL, params, &b);
    CHECK_STR(b.data, "Query on table \"T\": key condition \"pk\" = 'it''s' AND \"sk\" > 7");
    pq_read_plan_release(&rp);
    pq_buf_release(&b);
    json_decref(params);
    pq_stmt_free(s);
    pq_error_release(&err);
}

static void test_schema(void)
{
    json_t *desc = json_loads(
        "{\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}],"
        "\"GlobalSecondaryIndexes\":[{\"IndexName\":\"g\",\"KeySchema\":[{\"AttributeName\":"
        "\"a\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"b\",\"KeyType\":\"RANGE\"}]}],"
        "\"LocalSecondaryIndexes\":[{\"IndexName\":\"l\",\"KeySchema\":[{\"AttributeName\":"
        "\"pk\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"c\",\"KeyType\":\"RANGE\"}]}]}",
        0, NULL);
    struct pq_key_names k;
    CHECK(pq_keycond_schema(desc, NULL, &k));
    CHECK_STR(k.hash, "pk");
    CHECK(k.range == NULL);
    CHECK(pq_keycond_schema(desc, "g", &k));
    CHECK_STR(k.hash, "a");
    CHECK_STR(k.range, "b");
    CHECK(pq_keycond_schema(desc, "l", &k));
    CHECK_STR(k.range, "c");
    CHECK(!pq_keycond_schema(desc, "nope", &k));
    json_decref(desc);
}

int main(void)
{
    test_cases();
    test_params();
    test_schema();
    DONE();
}
