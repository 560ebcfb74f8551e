/* test_parse.c — statements → syntax trees, and malformed statements → errors. */
#include "check.h"

#include <stdlib.h>
#include <string.h>

#include "pqsh/parse.h"

#define SHELL 0u
#define STRICT PQ_PARSE_STRICT

static char printed[4096];

/* Parses `text`; on success also leaves its printed form in `printed`. */
static struct pq_stmt *parse(const char *text, unsigned flags)
{
    struct pq_error err;
    pq_error_init(&err);
    struct pq_stmt *s = NULL;
    const char *detail = NULL;
    pq_status st = pq_parse(text, strlen(text), flags, &s, &err, &detail);
    if (st != PQ_OK) {
        fprintf(stderr, "parse failed: %s\n  %s\n", text, err.message);
        printed[0] = '\0';
    } else {
        struct pq_buf b = PQ_BUF_INIT;
        pq_buf_init(&b);
        pq_stmt_print(s, &b);
        snprintf(printed, sizeof printed, "%s", b.data);
        pq_buf_release(&b);
        CHECK(detail == NULL);
    }
    CHECK_EQ(st, PQ_OK);
    pq_error_release(&err);
    return s;
}

/* Parses and checks the kind and the printed DynamoDB text. */
static void check_print(const char *text, unsigned flags, pq_stmt_kind kind, const char *want)
{
    struct pq_stmt *s = parse(text, flags);
    if (!s) return;
    CHECK_EQ(s->kind, kind);
    CHECK_STR(printed, want);
    pq_stmt_free(s);
}

struct bad {
    const char *text;
    unsigned flags;
    const char *message;
    size_t start, end;
    const char *detail;
};

static void check_bad(const struct bad *b)
{
    struct pq_error err;
    pq_error_init(&err);
    struct pq_stmt *s = (struct pq_stmt *)1;
    const char *detail = NULL;
    pq_status st = pq_parse(b->text, strlen(b->text), b->flags, &s, &err, &detail);
    CHECK_EQ(st, PQ_ERR_SYNTAX);
    CHECK(s == NULL);
    CHECK_EQ(err.code, PQ_ERR_SYNTAX);
    CHECK_STR(err.message, b->message);
    CHECK_STR(detail, b->detail);
    CHECK_EQ(err.start, b->start);
    CHECK_EQ(err.end, b->end);
    if (err.start != b->start || err.end != b->end ||
        (err.message && strcmp(err.message, b->message)))
        fprintf(stderr, "  for: %s\n", b->text);
    pq_error_release(&err);
}

/* ---- the tutorial, typed the ways a student would ------------------------ */

static void test_tutorial(void)
{
    static const char *const creates[] = {
        "CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY);",
        "create table Orders (idempotency_token string primary key)",
        "CREATE TABLE Orders (idempotency_token STRING, PRIMARY KEY (idempotency_token))",
        "CREATE TABLE \"Orders\" (\"idempotency_token\" S HASH KEY)",
        "Create Table Orders (\n  idempotency_token VARCHAR(64) PARTITION KEY\n);",
        "CREATE TABLE Orders (idempotency_token STRING) PRIMARY KEY (idempotency_token HASH)",
    };
    for (size_t i = 0; i < sizeof creates / sizeof creates[0]; i++) {
        struct pq_stmt *s = parse(creates[i], SHELL);
        if (!s) continue;
        CHECK_EQ(s->kind, PQ_S_CREATE_TABLE);
        CHECK_STR(s->u.create.table.name, "Orders");
        CHECK_EQ(s->u.create.ncols, 1);
        CHECK_STR(s->u.create.cols[0].name.name, "idempotency_token");
        CHECK_EQ(s->u.create.cols[0].type, 'S');
        bool pk_clause = s->u.create.npk == 1;
        CHECK(pk_clause || s->u.create.cols[0].key_role == 1);
        if (pk_clause) CHECK_STR(s->u.create.pk[0].name.name, "idempotency_token");
        CHECK_EQ(s->u.create.billing, PQ_BILLING_DEFAULT);
        pq_stmt_free(s);
    }

    const char *want_insert = "INSERT INTO \"Orders\" VALUE {'idempotency_token': 'token123', "
                              "'order_id': 'order001', 'customer_name': 'Alice', "
                              "'order_amount': 100}";
    check_print("INSERT INTO Orders VALUE {'idempotency_token': 'token123', 'order_id': "
                "'order001', 'customer_name': 'Alice', 'order_amount': 100};",
                SHELL, PQ_S_INSERT, want_insert);
    check_print("insert into \"Orders\" value {'idempotency_token':'token123','order_id':"
                "'order001','customer_name':'Alice','order_amount':100}",
                STRICT, PQ_S_INSERT, want_insert);

    struct pq_stmt *s =
        parse("INSERT INTO Orders (idempotency_token, order_id, customer_name, order_amount) "
              "VALUES ('token123', 'order001', 'Alice', 100)",
              SHELL);
    if (s) {
        CHECK_EQ(s->kind, PQ_S_INSERT_VALUES);
        CHECK_STR(s->u.values.table.name, "Orders");
        CHECK_EQ(s->u.values.ncols, 4);
        CHECK_STR(s->u.values.cols[3].name, "order_amount");
        CHECK_EQ(s->u.values.nrows, 1);
        CHECK_EQ(s->u.values.rowlen[0], 4);
        CHECK_EQ(s->u.values.rows[0][3]->kind, PQ_E_LIT);
        CHECK_STR(json_string_value(json_object_get(s->u.values.rows[0][3]->lit, "N")), "100");
        CHECK(!s->u.values.rows[0][0]->paren);
        pq_stmt_free(s);
    }

    static const char *const sets[] = {"SET token_to_check = 'token123';",
                                       "let token_to_check = 'token123'"};
    for (size_t i = 0; i < 2; i++) {
        s = parse(sets[i], SHELL);
        if (!s) continue;
        CHECK_EQ(s->kind, PQ_S_SET_VAR);
        CHECK_STR(s->u.set_var.name.name, "token_to_check");
        CHECK_EQ(s->u.set_var.value->kind, PQ_E_LIT);
        CHECK_STR(json_string_value(json_object_get(s->u.set_var.value->lit, "S")), "token123");
        pq_stmt_free(s);
    }
    /* A bare assignment is an expression; the shell makes it a variable. */
    s = parse("token_to_check = 'token123'", SHELL);
    if (s) {
        CHECK_EQ(s->kind, PQ_S_EXPR);
        CHECK_EQ(s->u.expr.expr->kind, PQ_E_BINARY);
        CHECK_EQ(s->u.expr.expr->op, PQ_OP_EQ);
        CHECK_EQ(s->u.expr.expr->lhs->kind, PQ_E_PATH);
        CHECK_STR(s->u.expr.expr->lhs->steps[0].name, "token_to_check");
        pq_stmt_free(s);
    }

    check_print("SELECT * FROM Orders WHERE idempotency_token = token_to_check", SHELL, PQ_S_SELECT,
                "SELECT * FROM \"Orders\" WHERE \"idempotency_token\" = \"token_to_check\"");
    check_print("select * from Orders where idempotency_token = :token_to_check;", SHELL,
                PQ_S_SELECT,
                "SELECT * FROM \"Orders\" WHERE \"idempotency_token\" = :token_to_check");
    check_print("SELECT * FROM \"Orders\" WHERE \"idempotency_token\" = 'token123'", STRICT,
                PQ_S_SELECT, "SELECT * FROM \"Orders\" WHERE \"idempotency_token\" = 'token123'");
}

/* ---- DynamoDB statements ------------------------------------------------- */

static void test_select(void)
{
    struct pq_stmt *s = parse("SELECT a, m.sub, l[0], \"x y\" FROM \"Music\".\"byArtist\" "
                              "WHERE Artist = ? AND SongTitle > ? ORDER BY SongTitle DESC, b "
                              "LIMIT 5",
                              SHELL);
    if (s) {
        struct pq_select *q = &s->u.select;
        CHECK(!q->star);
        CHECK_EQ(q->nproj, 4);
        CHECK_EQ(q->proj[1]->kind, PQ_E_PATH);
        CHECK_EQ(q->proj[1]->nsteps, 2);
        CHECK_STR(q->proj[1]->steps[1].name, "sub");
        CHECK_EQ(q->proj[2]->steps[1].kind, PQ_STEP_INDEX);
        CHECK_EQ(q->proj[2]->steps[1].index, 0);
        CHECK(q->proj[3]->steps[0].quoted);
        CHECK_STR(q->from.table.name, "Music");
        CHECK(q->from.table.quoted);
        CHECK_STR(q->from.index.name, "byArtist");
        CHECK_EQ(q->from.ncomponents, 2);
        CHECK_EQ(q->from.nsources, 1);
        CHECK(q->from.alias.name == NULL);
        CHECK_EQ(q->where->op, PQ_OP_AND);
        CHECK_EQ(q->where->lhs->rhs->kind, PQ_E_PARAM);
        CHECK_EQ(q->where->lhs->rhs->param, 0);
        CHECK_EQ(q->where->rhs->rhs->param, 1);
        CHECK_EQ(q->norder, 2);
        CHECK(q->order[0].desc);
        CHECK(!q->order[1].desc);
        CHECK(q->limit != NULL);
        CHECK(q->unsupported == NULL);
        CHECK_EQ(s->nparams, 2);
        CHECK_STR(printed,
                  "SELECT \"a\", \"m\".\"sub\", \"l\"[0], \"x y\" FROM \"Music\".\"byArtist\" "
                  "WHERE \"Artist\" = ? AND \"SongTitle\" > ? ORDER BY \"SongTitle\" "
                  "DESC, \"b\"");
        pq_stmt_free(s);
    }

    /* What DynamoDB refuses is recorded for the engine. */
    s = parse("SELECT *, a FROM t AS x, u WHERE a = 1 GROUP BY a HAVING a > 1", SHELL);
    if (s) {
        CHECK(s->u.select.star);
        CHECK_EQ(s->u.select.nproj, 1);
        CHECK_STR(s->u.select.from.alias.name, "x");
        CHECK_EQ(s->u.select.from.nsources, 2);
        CHECK_STR(s->u.select.unsupported, "GROUP BY");
        CHECK_EQ(s->u.select.unsupported_loc.start, 39);
        CHECK_EQ(s->u.select.unsupported_loc.end, 47);
        pq_stmt_free(s);
    }
    /* Joins count as further sources; COUNT(*) is a call with a star argument. */
    s = parse("SELECT * FROM a JOIN b ON a.x = b.y WHERE a.k = 1", STRICT);
    if (s) {
        CHECK_EQ(s->u.select.from.nsources, 2);
        CHECK_STR(s->u.select.from.table.name, "a");
        CHECK(s->u.select.where != NULL);
        pq_stmt_free(s);
    }
    check_print("SELECT COUNT(*) FROM t", STRICT, PQ_S_SELECT, "SELECT COUNT(*) FROM \"t\"");
    s = parse("SELECT a FROM t WHERE count(*) > 1", SHELL);
    if (s) {
        const struct pq_expr *c = s->u.select.where->lhs;
        CHECK_EQ(c->kind, PQ_E_CALL);
        CHECK(c->star_arg);
        CHECK_EQ(c->nitems, 0);
        CHECK_STR(c->name, "count");
        pq_stmt_free(s);
    }
    /* b64'…' is a binary literal in SHELL mode only; DynamoDB reads a word and a string. */
    s = parse("SELECT * FROM t WHERE b = b64'AAE='", SHELL);
    if (s) {
        const struct pq_expr *r = s->u.select.where->rhs;
        CHECK_EQ(r->kind, PQ_E_LIT);
        CHECK_STR(json_string_value(json_object_get(r->lit, "B")), "AAE=");
        CHECK_EQ(r->loc.start, 26);
        CHECK_EQ(r->loc.end, 35);
        pq_stmt_free(s);
    }
    {
        static const struct bad strict_b64 = {"SELECT * FROM t WHERE b = b64'AAE='",
                                              STRICT,
                                              "unexpected ''AAE='' after the end of the statement",
                                              29,
                                              35,
                                              "Unexpected token after expression"};
        check_bad(&strict_b64);
    }
    s = parse("select * from t x offset 3", SHELL);
    if (s) {
        CHECK_STR(s->u.select.from.alias.name, "x");
        CHECK_STR(s->u.select.unsupported, "OFFSET");
        pq_stmt_free(s);
    }
    s = parse("select * from a.b.c", STRICT);
    if (s) {
        CHECK_EQ(s->u.select.from.ncomponents, 3);
        CHECK_STR(s->u.select.from.index.name, "b");
        pq_stmt_free(s);
    }
    s = parse("select * from \"\".\"i\"", STRICT);
    if (s) {
        CHECK(s->u.select.from.empty_component);
        pq_stmt_free(s);
    }
    s = parse("SELECT VALUE a FROM t", STRICT);
    if (s) {
        CHECK(s->u.select.value_or_pivot);
        pq_stmt_free(s);
    }
    s = parse("SELECT DISTINCT a FROM t", STRICT);
    if (s) {
        CHECK_STR(s->u.select.unsupported, "DISTINCT");
        pq_stmt_free(s);
    }
    s = parse("SELECT attribute_exists(ss) FROM t", STRICT);
    if (s) {
        CHECK_EQ(s->u.select.proj[0]->kind, PQ_E_CALL);
        CHECK_STR(s->u.select.proj[0]->name, "attribute_exists");
        CHECK_EQ(s->u.select.proj[0]->name_loc.start, 7);
        pq_stmt_free(s);
    }
}

static void test_expressions(void)
{
    struct pq_stmt *s =
        parse("SELECT * FROM t WHERE a IN [1, 'x'] AND b NOT IN (2, 3) AND c BETWEEN 1 AND 2 + 3 "
              "AND d NOT BETWEEN -1 AND 1 AND e IS NOT MISSING AND f IS null AND g is string "
              "AND NOT h LIKE 'x%' AND i NOT LIKE 'y' AND begins_with(j, 'p') AND k <> 1 "
              "AND l != 2 AND m.n[3].\"o p\" >= 4 AND size(q) < 5",
              SHELL);
    if (s) {
        /* Walk the AND chain left to right. */
        struct pq_expr *conj[20];
        size_t n = 0;
        struct pq_expr *e = s->u.select.where;
        while (e->kind == PQ_E_BINARY && e->op == PQ_OP_AND && n < 20) {
            conj[n++] = e->rhs;
            e = e->lhs;
        }
        conj[n++] = e;
        CHECK_EQ(n, 14);
        struct pq_expr *in = conj[13], *nin = conj[12], *btw = conj[11], *nbtw = conj[10];
        CHECK_EQ(in->kind, PQ_E_IN);
        CHECK(!in->negated);
        CHECK_EQ(in->rhs->kind, PQ_E_LIST);
        CHECK(!in->rhs->paren);
        CHECK_EQ(nin->kind, PQ_E_IN);
        CHECK(nin->negated);
        CHECK(nin->rhs->paren);
        CHECK_EQ(nin->rhs->nitems, 2);
        CHECK_EQ(btw->kind, PQ_E_BETWEEN);
        CHECK_EQ(btw->items[1]->op, PQ_OP_ADD);
        CHECK(nbtw->negated);
        CHECK_STR(json_string_value(json_object_get(nbtw->items[0]->lit, "N")), "-1");
        CHECK_EQ(conj[9]->kind, PQ_E_IS);
        CHECK(conj[9]->negated);
        CHECK_STR(conj[9]->name, "MISSING");
        CHECK_STR(conj[8]->name, "NULL");
        CHECK_STR(conj[7]->name, "STRING");
        CHECK_EQ(conj[7]->name_loc.start, 153);
        CHECK_EQ(conj[6]->kind, PQ_E_UNARY);
        CHECK_EQ(conj[6]->op, PQ_OP_NOT);
        CHECK_EQ(conj[6]->lhs->op, PQ_OP_LIKE);
        CHECK_EQ(conj[5]->op, PQ_OP_NOT);
        CHECK_EQ(conj[4]->kind, PQ_E_CALL);
        CHECK_STR(conj[4]->name, "begins_with");
        CHECK_EQ(conj[4]->nitems, 2);
        CHECK_EQ(conj[3]->op, PQ_OP_NE);
        CHECK_EQ(conj[2]->op, PQ_OP_NE);
        CHECK_EQ(conj[1]->lhs->nsteps, 4);
        CHECK_STR(conj[1]->lhs->steps[3].name, "o p");
        CHECK_EQ(conj[0]->lhs->kind, PQ_E_CALL);
        pq_stmt_free(s);
    }

    /* Precedence: OR < AND < NOT < = < < < + < *. */
    s = parse("a = 1 OR b = 2 AND NOT c < 3 + 4 * 5", SHELL);
    if (s) {
        struct pq_expr *e = s->u.expr.expr;
        CHECK_EQ(e->op, PQ_OP_OR);
        CHECK_EQ(e->rhs->op, PQ_OP_AND);
        CHECK_EQ(e->rhs->rhs->op, PQ_OP_NOT);
        CHECK_EQ(e->rhs->rhs->lhs->op, PQ_OP_LT);
        CHECK_EQ(e->rhs->rhs->lhs->rhs->op, PQ_OP_ADD);
        CHECK_EQ(e->rhs->rhs->lhs->rhs->rhs->op, PQ_OP_MUL);
        pq_stmt_free(s);
    }
    s = parse("a = b < c", SHELL);
    if (s) {
        CHECK_EQ(s->u.expr.expr->op, PQ_OP_EQ);
        CHECK_EQ(s->u.expr.expr->rhs->op, PQ_OP_LT);
        pq_stmt_free(s);
    }

    /* Literals: numbers keep their text; a minus before a number folds in. */
    static const char *const numbers[] = {"1",       "-1",    "1.0",         "1e0",   "7.31E6",
                                          "7.31e+6", "731e4", "73100000e-1", ".73e1", "-.73e1"};
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
        char text[64];
        snprintf(text, sizeof text, "x = %s", numbers[i]);
        s = parse(text, STRICT);
        if (!s) continue;
        struct pq_expr *r = s->u.expr.expr->rhs;
        CHECK_EQ(r->kind, PQ_E_LIT);
        CHECK_STR(json_string_value(json_object_get(r->lit, "N")), numbers[i]);
        CHECK_EQ(r->loc.start, 4);
        CHECK_EQ(r->loc.end, 4 + strlen(numbers[i]));
        pq_stmt_free(s);
    }
    s = parse("{'s': 'it''s', 'b': TRUE, 'f': false, 'n': NULL, 'm': MISSING, 'l': [], "
              "'set': <<1, 2>>, 'p': ?, 'q': ?}",
              SHELL);
    if (s) {
        struct pq_expr *t = s->u.expr.expr;
        CHECK_EQ(t->kind, PQ_E_TUPLE);
        CHECK_EQ(t->nitems, 18);
        CHECK_STR(json_string_value(json_object_get(t->items[1]->lit, "S")), "it's");
        CHECK(json_is_true(json_object_get(t->items[3]->lit, "BOOL")));
        CHECK(json_is_false(json_object_get(t->items[5]->lit, "BOOL")));
        CHECK(json_is_true(json_object_get(t->items[7]->lit, "NULL")));
        CHECK_EQ(t->items[9]->kind, PQ_E_MISSING);
        CHECK_EQ(t->items[11]->kind, PQ_E_LIST);
        CHECK_EQ(t->items[11]->nitems, 0);
        CHECK_EQ(t->items[13]->kind, PQ_E_BAG);
        CHECK_EQ(t->items[15]->param, 0);
        CHECK_EQ(t->items[17]->param, 1);
        CHECK_EQ(s->nparams, 2);
        pq_stmt_free(s);
    }
    /* `?` inside a string is text. */
    s = parse("x = '?'", STRICT);
    if (s) {
        CHECK_EQ(s->nparams, 0);
        pq_stmt_free(s);
    }
    /* Comments anywhere between tokens. */
    check_print("SELECT /* all */ * -- columns\nFROM t WHERE /* c */ a = 1 -- end", STRICT,
                PQ_S_SELECT, "SELECT * FROM \"t\" WHERE \"a\" = 1");
    /* Quoted identifiers: "" collapses, and any text is allowed. */
    s = parse("SELECT \"a\"\"b\", \"m.z\" FROM \"my-table\"", STRICT);
    if (s) {
        CHECK_STR(s->u.select.proj[0]->steps[0].name, "a\"b");
        CHECK_STR(s->u.select.proj[1]->steps[0].name, "m.z");
        CHECK_EQ(s->u.select.proj[1]->nsteps, 1);
        CHECK_STR(s->u.select.from.table.name, "my-table");
        CHECK_STR(printed, "SELECT \"a\"\"b\", \"m.z\" FROM \"my-table\"");
        pq_stmt_free(s);
    }
    /* :name variables (SHELL). */
    s = parse("SELECT * FROM t WHERE a = :v AND b = {'k':c}", SHELL);
    if (s) {
        struct pq_expr *v = s->u.select.where->lhs->rhs;
        CHECK_EQ(v->kind, PQ_E_VAR);
        CHECK_STR(v->var, "v");
        CHECK_EQ(v->loc.start, 26);
        CHECK_EQ(v->loc.end, 28);
        /* In a tuple, ':' is the pair separator. */
        CHECK_EQ(s->u.select.where->rhs->rhs->items[1]->kind, PQ_E_PATH);
        pq_stmt_free(s);
    }
    /* Keywords are case-insensitive; function names keep their spelling. */
    check_print("from \"T\" where pk = 'x' set e = 4", STRICT, PQ_S_UPDATE,
                "FROM \"T\" WHERE \"pk\" = 'x' SET \"e\" = 4");
    check_print("SeLeCt * FrOm t WhErE Begins_With(a, 'x')", STRICT, PQ_S_SELECT,
                "SELECT * FROM \"t\" WHERE Begins_With(\"a\", 'x')");
    /* Reserved words are names in SHELL mode and after a dot; the printer quotes them. */
    check_print("SELECT date, user FROM t WHERE size = 1 AND m.order = 2 AND m.value = 3", SHELL,
                PQ_S_SELECT,
                "SELECT \"date\", \"user\" FROM \"t\" WHERE \"size\" = 1 AND \"m\".\"order\" = 2 "
                "AND \"m\".\"value\" = 3");
    check_print("SELECT key, hash, range, mode FROM t WHERE index = 1", SHELL, PQ_S_SELECT,
                "SELECT \"key\", \"hash\", \"range\", \"mode\" FROM \"t\" WHERE \"index\" = 1");
}

static void test_writes(void)
{
    struct pq_stmt *s = parse("UPDATE \"Music\" SET AwardsWon = AwardsWon + 1, x.y[2] = ? "
                              "REMOVE a, b.c SET l = list_append(l, [2016]) "
                              "WHERE Artist = 'Acme' AND SongTitle = 'PartiQL' "
                              "RETURNING MODIFIED NEW *",
                              STRICT);
    if (s) {
        CHECK_EQ(s->kind, PQ_S_UPDATE);
        CHECK_STR(s->u.update.target.table.name, "Music");
        CHECK_EQ(s->u.update.nops, 5);
        CHECK_EQ(s->u.update.ops[0].kind, PQ_UPD_SET);
        CHECK_EQ(s->u.update.ops[0].value->op, PQ_OP_ADD);
        CHECK_EQ(s->u.update.ops[1].path->nsteps, 3);
        CHECK_EQ(s->u.update.ops[2].kind, PQ_UPD_REMOVE);
        CHECK(s->u.update.ops[2].value == NULL);
        CHECK_EQ(s->u.update.ops[3].path->nsteps, 2);
        CHECK_EQ(s->u.update.ops[4].value->kind, PQ_E_CALL);
        CHECK_EQ(s->u.update.returning, PQ_RET_MODIFIED_NEW);
        CHECK(!s->u.update.from_first);
        CHECK_EQ(s->nparams, 1);
        pq_stmt_free(s);
    }
    s = parse("FROM t WHERE pk = 1 SET a = 2 RETURNING ALL OLD *", STRICT);
    if (s) {
        CHECK(s->u.update.from_first);
        CHECK_EQ(s->u.update.returning, PQ_RET_ALL_OLD);
        pq_stmt_free(s);
    }
    s = parse("DELETE FROM t WHERE pk = 1 RETURNING ALL NEW *", STRICT);
    if (s) {
        CHECK_EQ(s->kind, PQ_S_DELETE);
        CHECK_EQ(s->u.del.returning, PQ_RET_ALL_NEW);
        CHECK_EQ(s->u.del.returning_loc.start, 27);
        CHECK_STR(printed, "DELETE FROM \"t\" WHERE \"pk\" = 1 RETURNING ALL NEW *");
        pq_stmt_free(s);
    }
    s = parse("DELETE FROM t", STRICT);
    if (s) {
        CHECK(s->u.del.where == NULL);
        pq_stmt_free(s);
    }
    s = parse("INSERT INTO t VALUES {'a': 1}, {'a': 2}", STRICT);
    if (s) {
        CHECK_EQ(s->kind, PQ_S_INSERT);
        CHECK(s->u.insert.values_keyword);
        CHECK_EQ(s->u.insert.nvalues, 2);
        pq_stmt_free(s);
    }
    s = parse("INSERT INTO t VALUE 'x' ON CONFLICT DO NOTHING", SHELL);
    if (s) {
        CHECK_STR(s->u.insert.unsupported, "ON CONFLICT");
        CHECK_EQ(s->u.insert.value->kind, PQ_E_LIT);
        pq_stmt_free(s);
    }
    s = parse("INSERT INTO t.i VALUE {'a': 1} RETURNING ALL OLD *", STRICT);
    if (s) {
        CHECK_STR(s->u.insert.into.index.name, "i");
        CHECK_EQ(s->u.insert.returning, PQ_RET_ALL_OLD);
        pq_stmt_free(s);
    }
    /* SQL-style rows: pqsh's INSERT … VALUES. */
    s = parse("INSERT INTO t VALUES ('a', 1), ('b', 2), ('c')", SHELL);
    if (s) {
        CHECK_EQ(s->kind, PQ_S_INSERT_VALUES);
        CHECK(s->u.values.cols == NULL);
        CHECK_EQ(s->u.values.nrows, 3);
        CHECK_EQ(s->u.values.rowlen[1], 2);
        CHECK_EQ(s->u.values.rowlen[2], 1);
        CHECK_STR(json_string_value(json_object_get(s->u.values.rows[2][0]->lit, "S")), "c");
        pq_stmt_free(s);
    }
    /* … which DynamoDB's parser sees as INSERT with VALUES (refused by the engine). */
    s = parse("INSERT INTO t VALUES ('a', 1)", STRICT);
    if (s) {
        CHECK_EQ(s->kind, PQ_S_INSERT);
        CHECK(s->u.insert.values_keyword);
        pq_stmt_free(s);
    }
    s = parse("EXISTS(SELECT * FROM \"Music\" WHERE \"Artist\" = 'X' AND Awards IS MISSING)",
              STRICT);
    if (s) {
        CHECK_EQ(s->kind, PQ_S_EXISTS);
        CHECK_STR(s->u.exists.select->from.table.name, "Music");
        CHECK_STR(
            printed,
            "EXISTS(SELECT * FROM \"Music\" WHERE \"Artist\" = 'X' AND \"Awards\" IS MISSING)");
        pq_stmt_free(s);
    }
    /* EXISTS(path) is a call (the engine answers "Unrecognized function"). */
    s = parse("SELECT * FROM t WHERE exists(a)", STRICT);
    if (s) {
        CHECK_EQ(s->u.select.where->kind, PQ_E_CALL);
        CHECK_STR(s->u.select.where->name, "exists");
        pq_stmt_free(s);
    }
}

/* ---- pqsh statements ---------------------------------------------------- */

static void test_create_table(void)
{
    static const char *const music[] = {
        "CREATE TABLE Music (Artist STRING PARTITION KEY, SongTitle STRING SORT KEY)",
        "CREATE TABLE Music (Artist STRING, SongTitle STRING, PRIMARY KEY (Artist, SongTitle))",
        "CREATE TABLE Music (Artist string, SongTitle string) PRIMARY KEY (Artist HASH, "
        "SongTitle RANGE)",
        "create table Music (Artist string hash key, SongTitle string range key)",
        "create table Music (Artist text hash, SongTitle varchar(10) range);",
    };
    for (size_t i = 0; i < sizeof music / sizeof music[0]; i++) {
        struct pq_stmt *s = parse(music[i], SHELL);
        if (!s) continue;
        CHECK_EQ(s->kind, PQ_S_CREATE_TABLE);
        CHECK_STR(s->u.create.table.name, "Music");
        CHECK_EQ(s->u.create.ncols, 2);
        CHECK_EQ(s->u.create.cols[0].type, 'S');
        CHECK_EQ(s->u.create.cols[1].type, 'S');
        if (s->u.create.npk) {
            CHECK_EQ(s->u.create.npk, 2);
            CHECK_STR(s->u.create.pk[1].name.name, "SongTitle");
            CHECK(s->u.create.pk[0].role != 2 && s->u.create.pk[1].role != 1);
        } else {
            CHECK_EQ(s->u.create.cols[0].key_role, 1);
            CHECK_EQ(s->u.create.cols[1].key_role, 2);
        }
        pq_stmt_free(s);
    }

    struct pq_stmt *s = parse(
        "CREATE TABLE IF NOT EXISTS \"T-1\" (pk NUMBER PRIMARY KEY, sk DECIMAL(10, 2) SORT KEY, "
        "data BINARY, n INT, c CHARACTER VARYING, x DOUBLE PRECISION, w widget, "
        "INDEX byN GLOBAL (n, sk) PROJECTION INCLUDE (data, c), "
        "LOCAL INDEX byC (pk, c) PROJECTION KEYS ONLY, "
        "INDEX byW (w HASH)) BILLING MODE PROVISIONED (5 RCU, 7 WCU)",
        SHELL);
    if (s) {
        CHECK(s->u.create.if_not_exists);
        CHECK_STR(s->u.create.table.name, "T-1");
        CHECK_EQ(s->u.create.ncols, 7);
        CHECK_EQ(s->u.create.cols[0].type, 'N');
        CHECK_EQ(s->u.create.cols[0].key_role, 1);
        CHECK_STR(s->u.create.cols[1].type_text, "DECIMAL(10, 2)");
        CHECK_EQ(s->u.create.cols[1].type, 'N');
        CHECK_EQ(s->u.create.cols[1].key_role, 2);
        CHECK_EQ(s->u.create.cols[2].type, 'B');
        CHECK_EQ(s->u.create.cols[3].type, 'N');
        CHECK_STR(s->u.create.cols[4].type_text, "CHARACTER VARYING");
        CHECK_EQ(s->u.create.cols[4].type, 'S');
        CHECK_EQ(s->u.create.cols[5].type, 'N');
        CHECK_EQ(s->u.create.cols[6].type, 0);
        CHECK_STR(s->u.create.cols[6].type_text, "widget");
        CHECK_EQ(s->u.create.cols[6].type_loc.start, 148);
        CHECK_EQ(s->u.create.nindexes, 3);
        struct pq_index_def *g = &s->u.create.indexes[0], *l = &s->u.create.indexes[1];
        CHECK_STR(g->name.name, "byN");
        CHECK(g->global);
        CHECK_EQ(g->nkeys, 2);
        CHECK_STR(g->keys[1].name.name, "sk");
        CHECK_EQ(g->projection, PQ_PROJ_INCLUDE);
        CHECK_EQ(g->ninclude, 2);
        CHECK_STR(g->include[1].name, "c");
        CHECK(!l->global);
        CHECK_EQ(l->projection, PQ_PROJ_KEYS_ONLY);
        CHECK(s->u.create.indexes[2].global);
        CHECK_EQ(s->u.create.indexes[2].keys[0].role, 1);
        CHECK_EQ(s->u.create.billing, PQ_BILLING_PROVISIONED);
        CHECK_EQ(s->u.create.rcu, 5);
        CHECK_EQ(s->u.create.wcu, 7);
        pq_stmt_free(s);
    }
    s = parse("create table t (k s primary key) billing mode provisioned (read 3, write 4)", SHELL);
    if (s) {
        CHECK_EQ(s->u.create.rcu, 3);
        CHECK_EQ(s->u.create.wcu, 4);
        pq_stmt_free(s);
    }
    s = parse("create table t (k s primary key) billing mode pay_per_request", SHELL);
    if (s) {
        CHECK_EQ(s->u.create.billing, PQ_BILLING_PAY_PER_REQUEST);
        pq_stmt_free(s);
    }
    s = parse("create table t (k s primary key) billing mode on demand", SHELL);
    if (s) {
        CHECK_EQ(s->u.create.billing, PQ_BILLING_PAY_PER_REQUEST);
        pq_stmt_free(s);
    }
}

static void test_shell_statements(void)
{
    struct {
        const char *text;
        pq_stmt_kind kind;
    } simple[] = {
        {"DROP TABLE Orders", PQ_S_DROP_TABLE},
        {"drop table if exists Orders;", PQ_S_DROP_TABLE},
        {"DESCRIBE Orders", PQ_S_DESCRIBE},
        {"describe table \"Orders\"", PQ_S_DESCRIBE},
        {"DESC Orders", PQ_S_DESCRIBE},
        {"desc table Orders", PQ_S_DESCRIBE},
        {"SHOW TABLES", PQ_S_SHOW_TABLES},
        {"UNSET token", PQ_S_UNSET_VAR},
        {"BEGIN", PQ_S_BEGIN},
        {"begin transaction", PQ_S_BEGIN},
        {"COMMIT", PQ_S_COMMIT},
        {"ROLLBACK", PQ_S_ROLLBACK},
        {"BEGIN BATCH", PQ_S_BEGIN_BATCH},
        {"END BATCH;", PQ_S_END_BATCH},
        {"EXPLAIN SELECT * FROM t", PQ_S_EXPLAIN},
        {"DROP INDEX i ON t", PQ_S_DROP_INDEX},
    };
    for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++) {
        struct pq_stmt *s = parse(simple[i].text, SHELL);
        if (!s) continue;
        CHECK_EQ(s->kind, simple[i].kind);
        if (s->kind == PQ_S_DROP_TABLE) {
            CHECK_STR(s->u.drop.table.name, "Orders");
            CHECK_EQ(s->u.drop.if_exists, i == 1);
        }
        if (s->kind == PQ_S_DESCRIBE) CHECK_STR(s->u.describe.table.name, "Orders");
        pq_stmt_free(s);
    }
    struct pq_stmt *s = parse("COMMIT WITH TOKEN 'tok-1'", SHELL);
    if (s) {
        CHECK_STR(s->u.commit.token, "tok-1");
        pq_stmt_free(s);
    }
    s = parse("EXPLAIN UPDATE t SET a = ? WHERE pk = ?", SHELL);
    if (s) {
        CHECK_EQ(s->u.explain.inner->kind, PQ_S_UPDATE);
        CHECK_EQ(s->u.explain.inner->nparams, 2);
        pq_stmt_free(s);
    }
    s = parse("CREATE INDEX byA ON t (a, b RANGE) PROJECTION INCLUDE (x)", SHELL);
    if (s) {
        CHECK_EQ(s->kind, PQ_S_CREATE_INDEX);
        CHECK_STR(s->u.index.table.name, "t");
        CHECK_STR(s->u.index.index.name.name, "byA");
        CHECK(s->u.index.index.global);
        CHECK_EQ(s->u.index.index.nkeys, 2);
        CHECK_EQ(s->u.index.index.keys[1].role, 2);
        CHECK_EQ(s->u.index.index.ninclude, 1);
        pq_stmt_free(s);
    }
    s = parse("DROP INDEX byA ON t", SHELL);
    if (s) {
        CHECK_STR(s->u.index.index.name.name, "byA");
        CHECK_STR(s->u.index.table.name, "t");
        pq_stmt_free(s);
    }
    s = parse("SET limit_x = {'a': [1, 2]}", SHELL);
    if (s) {
        CHECK_EQ(s->u.set_var.value->kind, PQ_E_TUPLE);
        pq_stmt_free(s);
    }
}

/* ---- errors ------------------------------------------------------------- */

static void test_errors(void)
{
    static const struct bad bad[] = {
        /* DynamoDB's documented cases (reference §4.1, §4.3). */
        {"SELECT * FROM t WHERE", STRICT, "unexpected end of input, expected an expression", 21, 21,
         "Unexpected term"},
        {"SELECT * FROM t WHERE ;", STRICT, "unexpected ';', expected an expression", 22, 23,
         "Unexpected term"},
        {"SELECT * FROM", STRICT, "unexpected end of input, expected table name", 13, 13,
         "Unexpected term"},
        /* A projection with no FROM: what is missing is the table. */
        {"SELECT 1", SHELL, "unexpected end of input, expected FROM and a table name", 8, 8,
         "Unexpected term"},
        {"SELECT EXISTS(SELECT * FROM t WHERE k = 1)", STRICT,
         "unexpected end of input, expected FROM and a table name", 42, 42, "Unexpected term"},
        {"SELECT * FROM t WHERE a = 1 AND", STRICT,
         "unexpected end of input, expected an expression", 31, 31,
         "Missing right-hand side expression of infix operator"},
        {"SELECT * FROM t WHERE a = 1 OR ", STRICT,
         "unexpected end of input, expected an expression", 31, 31,
         "Missing right-hand side expression of infix operator"},
        {"SELECT * FROM t WHERE IS NULL", STRICT, "unexpected 'IS', expected an expression", 22, 24,
         "Unexpected operator"},
        {"SELECT * FROM t WHERE pk = LIKE", STRICT, "unexpected 'LIKE', expected an expression", 27,
         31, "Unexpected operator"},
        {"SELECT * FROM t WHERE ORDER BY pk", STRICT, "unexpected 'ORDER', expected an expression",
         22, 27, "Unexpected keyword"},
        {"SELECT * FROM t ORDER BY pk WHERE pk = 1", STRICT,
         "unexpected 'WHERE' after the end of the statement", 28, 33,
         "Unexpected token after expression"},
        {"DELETE FROM t WHERE pk = 1 ORDER BY pk", STRICT,
         "unexpected 'ORDER' after the end of the statement", 27, 32,
         "Unexpected token after expression"},
        {"SELECT * FROM t WHERE a = 1 e5", STRICT, "unexpected 'e5' after the end of the statement",
         28, 30, "Unexpected token after expression"},
        {"SELECT * FROM t;;", STRICT, "unexpected ';' after the end of the statement", 16, 17,
         "Unexpected token after expression"},
        {"DELETE FROM", STRICT, "unexpected end of input, expected table name", 11, 11,
         "Expected identifier for simple path"},
        {"SELECT * FROM t # comment", STRICT,
         "unexpected '#': a comment is written -- to the end of the line, or /* ... */", 16, 17,
         ""},
        {"SELECT * FROM t /* open", STRICT, "unterminated comment", 16, 18, ""},
        {"SELECT * FROM t WHERE a IS INT5", STRICT, "unknown type name 'INT5'", 27, 31,
         "Expected type name"},
        {"SELECT * FROM t WHERE a IS NOT \"x\"", STRICT, "expected a type name after IS", 31, 34,
         "Expected type name"},
        {"SELECT * FROM t WHERE a IS", STRICT, "unexpected end of input, expected a name", 26, 26,
         "Expected type name"},
        {"SELECT * FROM t WHERE a.inner = 1", STRICT,
         "'inner' is a reserved word; quote it as a name", 24, 29, "Invalid path dot component"},
        {"SELECT * FROM t WHERE m.value = 1", STRICT,
         "'value' is a reserved word; quote it as a name", 24, 29, "Invalid path dot component"},
        {"SELECT * FROM t WHERE pad = 'none'", STRICT,
         "unexpected 'pad' (a reserved word: write \"pad\" for a name)", 22, 25,
         "Unexpected keyword"},
        {"SELECT * FROM t WHERE value = 1", STRICT, "unexpected 'value', expected an expression",
         22, 27, "Unexpected keyword"},
        {"SELECT * FROM t WHERE new = 1", STRICT, "unexpected keyword 'new'", 22, 25,
         "Unexpected keyword"},
        {"SELECT * FROM t WHERE a = 1e2147483648", STRICT, "number exponent out of range", 26, 38,
         ""},
        {"SELECT * FROM t WHERE a = 1.5e-2147483647", STRICT, "number exponent out of range", 26,
         41, ""},
        /* pqsh statements and variables do not exist for DynamoDB. */
        {"CREATE TABLE t (a STRING PRIMARY KEY)", STRICT,
         "unexpected 'CREATE' (a reserved word: write \"CREATE\" for a name)", 0, 6,
         "Unexpected keyword"},
        {"SET x = 1", STRICT, "unexpected 'SET'", 0, 3, "Unexpected keyword"},
        {"DESC t", STRICT, "unexpected 'DESC'", 0, 4, "Unexpected keyword"},
        {"SHOW TABLES", STRICT, "unexpected 'TABLES' after the end of the statement", 5, 11,
         "Unexpected token after expression"},
        {"SELECT * FROM t WHERE a = :x", STRICT, "named variables are not PartiQL", 26, 28,
         "Unexpected term"},
        /* Lexical errors. */
        {"SELECT * FROM t WHERE a = 'open", SHELL, "unterminated string", 26, 31, ""},
        {"SELECT * FROM \"open", SHELL, "unterminated quoted identifier", 14, 19, ""},
        {"SELECT * FROM t WHERE a = `1`", SHELL,
         "unexpected '`' (Ion literals are not supported; quote a name with double quotes: "
         "\"Orders\")",
         26, 27, ""},
        {"SELECT * FROM t WHERE a = @", SHELL,
         "unexpected character '@': a variable is written :name (set it with SET name = value)", 26,
         27, ""},
        {"SELECT * FROM t WHERE a = $1", SHELL,
         "unexpected character '$': a variable is written :name (set it with SET name = value)", 26,
         27, ""},
        {"SELECT * FROM t WHERE a == 1", SHELL, "unexpected '==': equality is written with one '='",
         24, 26, ""},
        {"SELECT * FROM t WHERE a == 1", STRICT, "unexpected '=', expected an expression", 25, 26,
         "Unexpected operator"},
        {"SELECT * FROM t WHERE a = \xc3\xa9", SHELL, "unexpected non-ASCII text (quote it)", 26,
         28, ""},
        {"SELECT * FROM t WHERE a = '\xff'", SHELL, "invalid UTF-8 in quoted text", 27, 28, ""},
        /* pqsh's own mistakes. */
        {"", SHELL, "unexpected end of input, expected an expression", 0, 0, "Unexpected term"},
        {"SELECT * FROM t WHERE a = : x", SHELL, "unexpected ':'", 26, 27, "Unexpected term"},
        {"SELECT * FROM t WHERE a[1.5] = 1", SHELL, "a list index must be a whole number", 24, 27,
         "Unexpected term"},
        {"CREATE TABLE t (a STRING", SHELL, "unexpected end of input", 24, 24, "Unexpected term"},
        {"CREATE TABLE t (a STRING, PRIMARY KEY (a), PRIMARY KEY (a))", SHELL,
         "PRIMARY KEY is given twice", 43, 50, ""},
        {"CREATE TABLE t (a STRING, PRIMARY KEY (a)) PRIMARY KEY (a)", SHELL,
         "PRIMARY KEY is given twice", 43, 58, ""},
        {"CREATE TABLE t (a S, INDEX i (a, b, c))", SHELL,
         "an index has at most two key attributes", 30, 37, ""},
        {"CREATE TABLE t (a S) BILLING MODE PROVISIONED (1.5 RCU, 1 WCU)", SHELL,
         "capacity units must be whole numbers", 46, 47, ""},
        {"DROP TABLE", SHELL, "unexpected end of input, expected table name", 10, 10,
         "Expected identifier for simple path"},
        {"INSERT INTO t VALUE", SHELL, "unexpected end of input, expected an expression", 19, 19,
         "Unexpected term"},
        {"UPDATE t WHERE a = 1", SHELL, "unexpected 'WHERE', expected a name", 9, 14,
         "Unexpected keyword"},
        {"UPDATE t SET a = 1 SET", SHELL, "unexpected end of input, expected a name", 22, 22,
         "Expected identifier for simple path"},
        {"SELECT * FROM t WHERE a = 1 RETURNING ALL OLD *", SHELL,
         "unexpected 'RETURNING' after the end of the statement", 28, 37,
         "Unexpected token after expression"},
        {"DELETE FROM t RETURNING ALL OLD", SHELL, "unexpected end of input, expected '*'", 31, 31,
         "Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause"},
        {"UPDATE t SET a = 1 RETURNING MODIFIED NEW a", STRICT, "unexpected 'a', expected '*'", 42,
         43, "Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        check_bad(&bad[i]);
}

static void test_reserved(void)
{
    static const char *const yes[] = {
        "value", "VALUES", "date",      "time",     "timestamp", "user",   "size",    "order",
        "Key",   "count",  "level",     "position", "session",   "zone",   "names",   "first",
        "last",  "global", "local",     "index",    "list",      "string", "missing", "inner",
        "pad",   "select", "returning", "modified", "bag"};
    static const char *const no[] = {"name",
                                     "status",
                                     "type",
                                     "data",
                                     "Artist",
                                     "pk",
                                     "sk",
                                     "token",
                                     "",
                                     "idempotency_token",
                                     "averyveryverylongwordthatisnotreserved"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        CHECK(pq_is_reserved_word(yes[i], strlen(yes[i])));
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        CHECK(!pq_is_reserved_word(no[i], strlen(no[i])));
    /* Length-bounded: "values" cut to 5 bytes is "value". */
    CHECK(pq_is_reserved_word("values", 5));
    CHECK(!pq_is_reserved_word("sizes", 5));
}

/* Every keyword the lexer knows must be found (the table is binary-searched). */
static void test_keywords(void)
{
    static const char *const shell_words[] = {
        "BATCH",     "BEGIN",   "BILLING",    "COMMIT",      "CONSTRAINT",
        "CREATE",    "DEMAND",  "DESCRIBE",   "DROP",        "END",
        "EXPLAIN",   "GLOBAL",  "HASH",       "IF",          "INCLUDE",
        "INDEX",     "KEY",     "KEYS",       "KEYS_ONLY",   "LET",
        "LOCAL",     "MODE",    "ONLY",       "PARTITION",   "PAY_PER_REQUEST",
        "PRECISION", "PRIMARY", "PROJECTION", "PROVISIONED", "RANGE",
        "RCU",       "READ",    "ROLLBACK",   "SHOW",        "SORT",
        "TABLE",     "TABLES",  "TO",         "TOKEN",       "TRANSACTION",
        "UNSET",     "VARYING", "WCU",        "WITH",        "WRITE"};
    /* In SHELL mode the unreserved ones are names: `x = <word>` parses for them,
     * and for reserved ones it fails — either way the word must not be IDENT
     * in a place where only a keyword fits, which `BEGIN <word>` would show.
     * Simplest observable property: in STRICT mode they are all plain words. */
    for (size_t i = 0; i < sizeof shell_words / sizeof shell_words[0]; i++) {
        char text[64];
        snprintf(text, sizeof text, "x.%s = 1", shell_words[i]);
        struct pq_stmt *s = parse(text, SHELL);
        if (s) {
            CHECK_STR(s->u.expr.expr->lhs->steps[1].name, shell_words[i]);
            pq_stmt_free(s);
        }
    }
    /* Statement keywords found by lookup in any case. */
    struct pq_stmt *s = parse("bEgIn TrAnSaCtIoN", SHELL);
    if (s) {
        CHECK_EQ(s->kind, PQ_S_BEGIN);
        pq_stmt_free(s);
    }
    s = parse("CREATE TABLE t (a S PRIMARY KEY) BILLING MODE PAY_PER_REQUEST", SHELL);
    if (s) {
        CHECK_EQ(s->u.create.billing, PQ_BILLING_PAY_PER_REQUEST);
        pq_stmt_free(s);
    }
}

/* Trees are bounded in depth, so no recursive walk can exhaust the stack. */
static void test_depth(void)
{
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    pq_buf_adds(&b, "x = 1");
    for (int i = 0; i < 999; i++)
        pq_buf_adds(&b, " OR 1");
    struct pq_stmt *s = parse(b.data, STRICT); /* 999 ORs + '=' = 1000 levels */
    pq_stmt_free(s);
    pq_buf_adds(&b, " OR 1");
    struct bad too_deep = {b.data, STRICT, "expression nested too deeply (more than 1000 levels)",
                           0,      b.len,  ""};
    check_bad(&too_deep);
    pq_buf_reset(&b);
    for (int i = 0; i < 20000; i++)
        pq_buf_addc(&b, '(');
    pq_buf_addc(&b, '1');
    for (int i = 0; i < 20000; i++)
        pq_buf_addc(&b, ')');
    struct pq_error err;
    pq_error_init(&err);
    const char *detail;
    CHECK_EQ(pq_parse(b.data, b.len, SHELL, &s, &err, &detail), PQ_ERR_SYNTAX);
    CHECK_STR(err.message, "statement nested too deeply");
    CHECK_STR(detail, "");
    pq_error_release(&err);
    pq_buf_release(&b);
}

int main(void)
{
    test_depth();
    test_tutorial();
    test_select();
    test_expressions();
    test_writes();
    test_create_table();
    test_shell_statements();
    test_errors();
    test_reserved();
    test_keywords();
    DONE();
}
