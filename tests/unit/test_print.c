/* test_print.c — AST → DynamoDB text: quoting, precedence, and the round trip
 * parse(print(parse(x))) printing the same text. */
#include "check.h"

#include <stdlib.h>
#include <string.h>

#include "pqsh/parse.h"

/* Parses and prints; returns a new string or NULL (and reports) on a parse error. */
static char *reprint(const char *text, unsigned flags)
{
    struct pq_error err;
    pq_error_init(&err);
    struct pq_stmt *s;
    if (pq_parse(text, strlen(text), flags, &s, &err, NULL) != PQ_OK) {
        fprintf(stderr, "parse failed: %s\n  %s\n  at %zu\n", text, err.message, err.start);
        pq_error_release(&err);
        return NULL;
    }
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    pq_stmt_print(s, &b);
    pq_stmt_free(s);
    return pq_buf_detach(&b, NULL);
}

static void check_text(const char *text, const char *want)
{
    char *got = reprint(text, 0);
    CHECK_STR(got, want);
    free(got);
}

/* Statements whose printed form must survive another parse unchanged, in both
 * modes when they are DynamoDB PartiQL. */
static const char *const round_trip[] = {
    "SELECT * FROM Orders WHERE idempotency_token = 'token123'",
    "SELECT * FROM \"Orders\" WHERE \"idempotency_token\" = ?",
    "SELECT a, b.c, d[1][2].e FROM t.i WHERE a > 1 ORDER BY a DESC, b ASC",
    "SELECT * FROM t WHERE a = 1 OR b = 2 AND c = 3",
    "SELECT * FROM t WHERE (a = 1 OR b = 2) AND c = 3",
    "SELECT * FROM t WHERE NOT (a = 1 AND b = 2)",
    "SELECT * FROM t WHERE NOT a = 1",
    "SELECT * FROM t WHERE a = (b = c)",
    "SELECT * FROM t WHERE (a = b) = c",
    "SELECT * FROM t WHERE a - (b - c) = a - b - c",
    "SELECT * FROM t WHERE a * (b + c) = (a + b) * c",
    "SELECT * FROM t WHERE a / b % c || d = e",
    "SELECT * FROM t WHERE -a = - -1 AND +b = -(1) AND -(-(a)) = 2",
    "SELECT * FROM t WHERE a - -1 = 0 AND a--1\n= 2",
    "SELECT * FROM t WHERE a BETWEEN b + 1 AND c * 2 AND d NOT BETWEEN 1 AND (2 = 2)",
    "SELECT * FROM t WHERE (a BETWEEN 1 AND 2) BETWEEN 0 AND 1",
    "SELECT * FROM t WHERE a IN [1, 2, 'x'] AND b NOT IN (3, 4) AND c IN ?",
    "SELECT * FROM t WHERE a IS MISSING AND b IS NOT NULL AND c IS BOOL AND d is tuple",
    "SELECT * FROM t WHERE (a = 1) IS NULL AND a = 1 IS NULL",
    "SELECT * FROM t WHERE a LIKE 'x%' AND b NOT LIKE '_'",
    "SELECT * FROM t WHERE begins_with(a, 'x') AND contains(b, ?) AND size(c) > 3",
    "SELECT * FROM t WHERE attribute_type(a, 'S') AND attribute_exists(\"b\".c)",
    "SELECT * FROM t WHERE a = {'k': [1, <<'a', 'b'>>, {'n': NULL}], 'b': TRUE, 'c': FALSE}",
    "SELECT * FROM t WHERE a = 'it''s' AND \"we\"\"ird\" = ''",
    "SELECT * FROM t WHERE a = 7.31E6 AND b = .73e1 AND c = -.73e1 AND d = 731e4",
    "SELECT * FROM t WHERE a = 1e-5 AND b = 73100000e-1 AND c = 7.31e+6",
    "SELECT * FROM t WHERE x = MISSING",
    "SELECT * FROM t WHERE EXISTS(SELECT * FROM u WHERE a = 1)",
    "SELECT *, a FROM t AS x WHERE a = 1",
    "SELECT VALUE a FROM t",
    "INSERT INTO Orders VALUE {'idempotency_token': 'token123', 'order_amount': 100}",
    "INSERT INTO t VALUE {'a': ?, 'b': [?, ?], 'c': <<1, 2.5>>}",
    "INSERT INTO t VALUES {'a': 1}",
    "INSERT INTO t VALUE {'a': 1} RETURNING ALL OLD *",
    "UPDATE t SET a = a + 1 SET b = list_append(b, [1]) REMOVE c WHERE pk = 'x'",
    "UPDATE t SET a = 1, b = 2 REMOVE c, d[0] WHERE pk = ? AND sk = ? RETURNING MODIFIED NEW *",
    "UPDATE t SET ss = set_add(ss, <<'a'>>) WHERE pk = 1 RETURNING ALL NEW *",
    "UPDATE t SET m.\"x y\"[3] = 'v' WHERE pk = 1 AND attribute_exists(m) RETURNING MODIFIED OLD *",
    "FROM t WHERE pk = 1 SET a = 2",
    "DELETE FROM t WHERE pk = 1",
    "DELETE FROM t WHERE pk = 1 AND a IS NOT MISSING RETURNING ALL OLD *",
    "DELETE FROM \"my-table\".\"idx\" WHERE pk = 1",
    "EXISTS(SELECT * FROM \"Music\" WHERE \"Artist\" = 'X' AND \"SongTitle\" = 'Y' AND Awards IS "
    "MISSING)",
    "(EXISTS(SELECT * FROM t WHERE a = 1))",
    "x IS INT4",
    "token_to_check = 'token123'",
    "a.b[2] <> 3",
    "[1, 2, 3]",
    "<<>>",
    "{}",
    "f()",
    "SELECT * FROM t WHERE a = 1 ORDER BY b",
};

static void test_round_trip(void)
{
    for (size_t i = 0; i < sizeof round_trip / sizeof round_trip[0]; i++) {
        for (unsigned flags = 0; flags <= PQ_PARSE_STRICT; flags += PQ_PARSE_STRICT) {
            char *once = reprint(round_trip[i], flags);
            CHECK(once != NULL);
            if (!once) continue;
            char *twice = reprint(once, PQ_PARSE_STRICT);
            CHECK_STR(twice, once);
            if (twice && strcmp(twice, once)) fprintf(stderr, "  from: %s\n", round_trip[i]);
            free(twice);
            free(once);
        }
    }
}

static void test_texts(void)
{
    check_text("select * from Orders where idempotency_token = 'token123';",
               "SELECT * FROM \"Orders\" WHERE \"idempotency_token\" = 'token123'");
    /* Precedence decides parentheses, not what was written. */
    check_text("SELECT * FROM t WHERE ((a = 1)) AND ((b) = (2))",
               "SELECT * FROM \"t\" WHERE \"a\" = 1 AND \"b\" = 2");
    check_text("SELECT * FROM t WHERE (a OR b) AND c",
               "SELECT * FROM \"t\" WHERE (\"a\" OR \"b\") AND \"c\"");
    check_text("SELECT * FROM t WHERE a - (b - c) = 0",
               "SELECT * FROM \"t\" WHERE \"a\" - (\"b\" - \"c\") = 0");
    check_text("SELECT * FROM t WHERE (a - b) - c = 0",
               "SELECT * FROM \"t\" WHERE \"a\" - \"b\" - \"c\" = 0");
    check_text("SELECT * FROM t WHERE a BETWEEN (1 + 2) AND (b OR c)",
               "SELECT * FROM \"t\" WHERE \"a\" BETWEEN 1 + 2 AND (\"b\" OR \"c\")");
    /* A negative operand never prints as "--" (a comment). */
    check_text("a - -1", "\"a\" - -1");
    check_text("- -a", "-(-\"a\")");
    check_text("-(-1)", "-(-1)");
    check_text("-(1)", "-1");
    check_text("- 5", "-5");
    /* IN ( … ) prints DynamoDB's [ … ] form. */
    check_text("a IN ('x', 'y')", "\"a\" IN ['x', 'y']");
    /* Keywords print upper-case; names and function names as written. */
    check_text("select * from t where a is not missing and b is null and c is boolean",
               "SELECT * FROM \"t\" WHERE \"a\" IS NOT MISSING AND \"b\" IS NULL AND \"c\" IS "
               "BOOLEAN");
    check_text("SELECT * FROM t WHERE Begins_With(\"Name\", 'A')",
               "SELECT * FROM \"t\" WHERE Begins_With(\"Name\", 'A')");
    /* LIMIT is applied by pqsh, not printed. */
    check_text("SELECT * FROM t WHERE a = 1 LIMIT 10", "SELECT * FROM \"t\" WHERE \"a\" = 1");
    /* Quotes inside names and strings are doubled. */
    check_text("SELECT \"a\"\"b\" FROM \"t\"\"\" WHERE c = 'x''y'",
               "SELECT \"a\"\"b\" FROM \"t\"\"\" WHERE \"c\" = 'x''y'");
    /* Variables print as :name until bound. */
    check_text("SELECT * FROM t WHERE a = :v", "SELECT * FROM \"t\" WHERE \"a\" = :v");
    /* pqsh statements have no DynamoDB text; EXPLAIN prints its statement. */
    check_text("CREATE TABLE t (a S PRIMARY KEY)", "");
    check_text("EXPLAIN CREATE TABLE t (a S PRIMARY KEY)", "");
    check_text("EXPLAIN DESCRIBE t", "");
    check_text("EXPLAIN DELETE FROM t WHERE pk = 1", "EXPLAIN DELETE FROM \"t\" WHERE \"pk\" = 1");
}

/* Literal values of every AttributeValue type (the binder may put them in a tree). */
static void test_values(void)
{
    struct {
        const char *json;
        const char *want;
    } cases[] = {
        {"{\"S\": \"it's\"}", "'it''s'"},
        {"{\"N\": \"-1.5E3\"}", "-1.5E3"},
        {"{\"BOOL\": true}", "TRUE"},
        {"{\"NULL\": true}", "NULL"},
        {"{\"M\": {\"a\": {\"N\": \"1\"}}}", "{'a': 1}"},
        {"{\"L\": [{\"S\": \"x\"}, {\"BOOL\": false}]}", "['x', FALSE]"},
        {"{\"SS\": [\"a\", \"b\"]}", "<<'a', 'b'>>"},
        {"{\"NS\": [\"1\", \"2\"]}", "<<1, 2>>"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct pq_expr e;
        memset(&e, 0, sizeof e);
        e.kind = PQ_E_LIT;
        e.lit = json_loads(cases[i].json, 0, NULL);
        CHECK(e.lit != NULL);
        struct pq_buf b = PQ_BUF_INIT;
        pq_buf_init(&b);
        pq_expr_print(&e, &b);
        CHECK_STR(b.data, cases[i].want);
        pq_buf_release(&b);
        json_decref(e.lit);
    }
    /* A negative number under a minus gets parentheses. */
    struct pq_expr lit, neg;
    memset(&lit, 0, sizeof lit);
    memset(&neg, 0, sizeof neg);
    lit.kind = PQ_E_LIT;
    lit.lit = json_pack("{s:s}", "N", "-2");
    neg.kind = PQ_E_UNARY;
    neg.op = PQ_OP_NEG;
    neg.lhs = &lit;
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    pq_expr_print(&neg, &b);
    CHECK_STR(b.data, "-(-2)");
    pq_buf_release(&b);
    json_decref(lit.lit);
}

/* A clone prints like the original and shares nothing with it. */
static void test_clone(void)
{
    for (size_t i = 0; i < sizeof round_trip / sizeof round_trip[0]; i++) {
        struct pq_error err;
        pq_error_init(&err);
        struct pq_stmt *s;
        if (pq_parse(round_trip[i], strlen(round_trip[i]), 0, &s, &err, NULL) != PQ_OK) {
            pq_error_release(&err);
            continue;
        }
        struct pq_expr *e = NULL;
        if (s->kind == PQ_S_SELECT) e = s->u.select.where;
        if (s->kind == PQ_S_EXPR) e = s->u.expr.expr;
        if (s->kind == PQ_S_INSERT) e = s->u.insert.value;
        if (e) {
            struct pq_expr *c = pq_expr_clone(e);
            struct pq_buf a = PQ_BUF_INIT, b = PQ_BUF_INIT;
            pq_buf_init(&a);
            pq_buf_init(&b);
            pq_expr_print(e, &a);
            pq_stmt_free(s); /* the clone must survive its original */
            s = NULL;
            pq_expr_print(c, &b);
            CHECK_STR(b.data, a.data);
            CHECK(c->loc.end > c->loc.start);
            pq_expr_free(c);
            pq_buf_release(&a);
            pq_buf_release(&b);
        }
        pq_stmt_free(s);
    }
    CHECK(pq_expr_clone(NULL) == NULL);
}

int main(void)
{
    test_round_trip();
    test_texts();
    test_values();
    test_clone();
    DONE();
}
