/* test_bind.c — session variables and binding references as `?` parameters (hand-built trees). */
#include "check.h"
#include "pqsh/bind.h"
#include "pqsh/buf.h"
#include "pqsh/value.h"

#include <stdlib.h>
#include <string.h>

/* ---- tree builders (byte ranges are what a parser would record) ---------- */

static struct pq_expr *node(pq_expr_kind kind, size_t start, size_t end)
{
    struct pq_expr *e = pq_xcalloc(1, sizeof *e);
    e->kind = kind;
    e->loc.start = start;
    e->loc.end = end;
    return e;
}

static struct pq_expr *name_at(const char *name, bool quoted, size_t start)
{
    struct pq_expr *e = node(PQ_E_PATH, start, start + strlen(name) + (quoted ? 2 : 0));
    e->steps = pq_xcalloc(1, sizeof *e->steps);
    e->nsteps = 1;
    e->steps[0].kind = PQ_STEP_NAME;
    e->steps[0].name = pq_xstrdup(name);
    e->steps[0].quoted = quoted;
    e->steps[0].loc = e->loc;
    return e;
}

static struct pq_expr *str_at(const char *s, size_t start)
{
    struct pq_expr *e = node(PQ_E_LIT, start, start + strlen(s) + 2);
    e->lit = pq_value_new_s(s, strlen(s));
    return e;
}

static struct pq_expr *var_at(const char *name, size_t start)
{
    struct pq_expr *e = node(PQ_E_VAR, start, start + strlen(name) + 1);
    e->var = pq_xstrdup(name);
    return e;
}

static struct pq_expr *bin(pq_op op, struct pq_expr *l, struct pq_expr *r)
{
    struct pq_expr *e = node(PQ_E_BINARY, l->loc.start, r->loc.end);
    e->op = op;
    e->lhs = l;
    e->rhs = r;
    return e;
}

static struct pq_expr *items(pq_expr_kind kind, size_t n, struct pq_expr **v)
{
    struct pq_expr *e = node(kind, v[0]->loc.start, v[n - 1]->loc.end);
    e->items = pq_xcalloc(n, sizeof *e->items);
    memcpy(e->items, v, n * sizeof *v);
    e->nitems = n;
    return e;
}

static struct pq_stmt *select_where(struct pq_expr *where)
{
    struct pq_stmt *s = pq_xcalloc(1, sizeof *s);
    s->kind = PQ_S_SELECT;
    s->u.select.star = true;
    s->u.select.from.table.name = pq_xstrdup("Orders");
    s->u.select.from.ncomponents = 1;
    s->u.select.from.nsources = 1;
    s->u.select.where = where;
    return s;
}

static char *dump(const json_t *j)
{
    return json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
}

#define CHECK_JSON(j, text)                                                                        \
    do {                                                                                           \
        char *dumped_ = dump(j);                                                                   \
        CHECK_STR(dumped_, text);                                                                  \
        free(dumped_);                                                                             \
    } while (0)

static struct pq_vars tutorial_vars(void)
{
    struct pq_vars vs;
    pq_vars_init(&vs);
    pq_vars_set(&vs, "token_to_check", pq_value_new_s("token123", 8));
    pq_vars_set(&vs, "amount", json_pack("{s:s}", "N", "100"));
    return vs;
}

/* ---- the variable table ---------------------------------------------------- */

static void test_vars_table(void)
{
    struct pq_vars vs;
    pq_vars_init(&vs);
    pq_vars_set(&vs, "zeta", pq_value_new_s("z", 1));
    pq_vars_set(&vs, "alpha", pq_value_new_s("a", 1));
    pq_vars_set(&vs, "mid", pq_value_new_bool(true));
    CHECK_EQ(pq_vars_count(&vs), 3);
    CHECK_STR(pq_vars_name(&vs, 0), "alpha");
    CHECK_STR(pq_vars_name(&vs, 1), "mid");
    CHECK_STR(pq_vars_name(&vs, 2), "zeta");
    /* Setting again replaces the value (the old one is released). */
    pq_vars_set(&vs, "mid", pq_value_new_s("m", 1));
    CHECK_EQ(pq_vars_count(&vs), 3);
    CHECK_JSON(pq_vars_get(&vs, "mid"), "{\"S\":\"m\"}");
    CHECK(pq_vars_get(&vs, "nope") == NULL);
    CHECK(pq_vars_unset(&vs, "alpha"));
    CHECK(!pq_vars_unset(&vs, "alpha"));
    CHECK_EQ(pq_vars_count(&vs), 2);
    CHECK_STR(pq_vars_name(&vs, 0), "mid");
    pq_vars_release(&vs);
    CHECK_EQ(pq_vars_count(&vs), 0);

    CHECK(pq_vars_valid_name("token_to_check", 14));
    CHECK(pq_vars_valid_name("_x1", 3));
    CHECK(!pq_vars_valid_name("1x", 2));
    CHECK(!pq_vars_valid_name("a-b", 3));
    CHECK(!pq_vars_valid_name("", 0));
}

/* SELECT * FROM Orders WHERE idempotency_token = token_to_check
 *                            ^27                 ^47            */
static void test_bare_name_in_value_position(void)
{
    struct pq_vars vs = tutorial_vars();
    struct pq_error err;
    json_t *params = NULL;
    pq_error_init(&err);
    struct pq_stmt *s = select_where(bin(PQ_OP_EQ, name_at("idempotency_token", false, 27),
                                         name_at("token_to_check", false, 47)));
    CHECK_EQ(pq_bind(s, &vs, &params, &err), PQ_OK);
    CHECK_EQ(s->nparams, 1);
    CHECK_JSON(params, "[{\"S\":\"token123\"}]");
    struct pq_expr *w = s->u.select.where;
    CHECK_EQ(w->lhs->kind, PQ_E_PATH); /* the left operand stays an attribute */
    CHECK_EQ(w->rhs->kind, PQ_E_PARAM);
    CHECK_EQ(w->rhs->param, 0);
    CHECK_EQ(w->rhs->loc.start, 47);
    CHECK_EQ(w->rhs->loc.end, 61);
    json_decref(params);
    pq_stmt_free(s);

    /* No variable of that name: an attribute compared with an attribute. */
    s = select_where(bin(PQ_OP_EQ, name_at("a", false, 27), name_at("b", false, 31)));
    CHECK_EQ(pq_bind(s, &vs, &params, &err), PQ_OK);
    CHECK_EQ(s->u.select.where->rhs->kind, PQ_E_PATH);
    CHECK(params == NULL); /* no variable: no array */
    CHECK_EQ(s->nparams, 0);
    json_decref(params);
    pq_stmt_free(s);

    /* A double-quoted identifier is always an attribute. */
    s = select_where(bin(PQ_OP_EQ, name_at("a", false, 27), name_at("token_to_check", true, 31)));
    CHECK_EQ(pq_bind(s, &vs, &params, &err), PQ_OK);
    CHECK_EQ(s->u.select.where->rhs->kind, PQ_E_PATH);
    json_decref(params);
    pq_stmt_free(s);

    /* Never the left operand, even when a variable has that name. */
    s = select_where(bin(PQ_OP_EQ, name_at("token_to_check", false, 27), str_at("x", 44)));
    CHECK_EQ(pq_bind(s, &vs, &params, &err), PQ_OK);
    CHECK_EQ(s->u.select.where->lhs->kind, PQ_E_PATH);
    CHECK(params == NULL); /* no variable: no array */
    json_decref(params);
    pq_stmt_free(s);
    pq_error_release(&err);
    pq_vars_release(&vs);
}

static void test_colon_references_and_errors(void)
{
    struct pq_vars vs = tutorial_vars();
    struct pq_error err;
    json_t *params = NULL;
    pq_error_init(&err);

    /* :name anywhere a value stands, even on the left. */
    struct pq_stmt *s = select_where(bin(PQ_OP_EQ, var_at("amount", 27), name_at("n", false, 37)));
    CHECK_EQ(pq_bind(s, &vs, &params, &err), PQ_OK);
    CHECK_EQ(s->u.select.where->lhs->kind, PQ_E_PARAM);
    CHECK_JSON(params, "[{\"N\":\"100\"}]");
    json_decref(params);
    pq_stmt_free(s);

    /* Undefined :name: an error naming it, with its range. */
    s = select_where(bin(PQ_OP_EQ, name_at("a", false, 27), var_at("missing", 31)));
    CHECK_EQ(pq_bind(s, &vs, &params, &err), PQ_ERR_BIND);
    CHECK(params == NULL);
    CHECK_STR(err.message, "undefined variable ':missing'");
    CHECK_EQ(err.start, 31);
    CHECK_EQ(err.end, 39);
    pq_stmt_free(s);

    /* A `?` typed by the user: nothing could fill it. */
    struct pq_expr *q = node(PQ_E_PARAM, 31, 32);
    s = select_where(bin(PQ_OP_EQ, name_at("a", false, 27), q));
    s->nparams = 1;
    CHECK_EQ(pq_bind(s, &vs, &params, &err), PQ_ERR_BIND);
    CHECK_EQ(err.start, 31);
    CHECK_EQ(err.end, 32);
    CHECK(strstr(err.message, "'?'") != NULL);
    pq_stmt_free(s);
    pq_error_release(&err);
    pq_vars_release(&vs);
}

/* a BETWEEN lo AND hi, x IN [v, 'k'], begins_with(token_to_check, amount):
 * bounds, list elements and arguments after the first are value positions. */
static void test_value_positions(void)
{
    struct pq_vars vs;
    struct pq_error err;
    json_t *params = NULL;
    pq_error_init(&err);
    pq_vars_init(&vs);
    pq_vars_set(&vs, "lo", pq_value_new_s("1", 1));
    pq_vars_set(&vs, "hi", pq_value_new_s("2", 1));
    pq_vars_set(&vs, "v", pq_value_new_s("3", 1));
    pq_vars_set(&vs, "p", pq_value_new_s("4", 1));
    pq_vars_set(&vs, "first", pq_value_new_s("5", 1));

    struct pq_expr *between = node(PQ_E_BETWEEN, 10, 30);
    between->lhs = name_at("a", false, 10);
    between->items = pq_xcalloc(2, sizeof *between->items);
    between->items[0] = name_at("lo", false, 20);
    between->items[1] = name_at("hi", false, 27);
    between->nitems = 2;

    struct pq_expr *in = node(PQ_E_IN, 35, 50);
    in->lhs = name_at("x", false, 35);
    in->rhs = items(PQ_E_LIST, 2, (struct pq_expr *[]){name_at("v", false, 41), str_at("k", 44)});

    struct pq_expr *call = node(PQ_E_CALL, 55, 80);
    call->name = pq_xstrdup("begins_with");
    call->items = pq_xcalloc(2, sizeof *call->items);
    call->items[0] = name_at("first", false, 67);
    call->items[1] = name_at("p", false, 74);
    call->nitems = 2;

    struct pq_stmt *s = select_where(bin(PQ_OP_AND, bin(PQ_OP_AND, between, in), call));
    CHECK_EQ(pq_bind(s, &vs, &params, &err), PQ_OK);
    CHECK_EQ(between->lhs->kind, PQ_E_PATH);
    CHECK_EQ(between->items[0]->kind, PQ_E_PARAM);
    CHECK_EQ(between->items[1]->kind, PQ_E_PARAM);
    CHECK_EQ(in->lhs->kind, PQ_E_PATH);
    CHECK_EQ(in->rhs->items[0]->kind, PQ_E_PARAM);
    CHECK_EQ(in->rhs->items[1]->kind, PQ_E_LIT);
    CHECK_EQ(call->items[0]->kind, PQ_E_PATH); /* the first argument is the path */
    CHECK_EQ(call->items[1]->kind, PQ_E_PARAM);
    CHECK_EQ(s->nparams, 4);
    CHECK_JSON(params, "[{\"S\":\"1\"},{\"S\":\"2\"},{\"S\":\"3\"},{\"S\":\"4\"}]");
    json_decref(params);
    pq_stmt_free(s);
    pq_error_release(&err);
    pq_vars_release(&vs);
}

/* FROM t WHERE k = :a SET x = :b — the FROM-first UPDATE form is sent as
 * typed, so the parameters follow the typed order (WHERE before SET), and
 * the printer keeps that order too. */
static void test_printed_order(void)
{
    struct pq_vars vs;
    struct pq_error err;
    json_t *params = NULL;
    pq_error_init(&err);
    pq_vars_init(&vs);
    pq_vars_set(&vs, "a", pq_value_new_s("A", 1));
    pq_vars_set(&vs, "b", pq_value_new_s("B", 1));
    struct pq_stmt *s = pq_xcalloc(1, sizeof *s);
    s->kind = PQ_S_UPDATE;
    s->u.update.from_first = true;
    s->u.update.target.table.name = pq_xstrdup("t");
    s->u.update.target.ncomponents = 1;
    s->u.update.target.nsources = 1;
    s->u.update.ops = pq_xcalloc(1, sizeof *s->u.update.ops);
    s->u.update.nops = 1;
    s->u.update.ops[0].kind = PQ_UPD_SET;
    s->u.update.ops[0].path = name_at("x", false, 24);
    s->u.update.ops[0].value = var_at("b", 28);
    s->u.update.where = bin(PQ_OP_EQ, name_at("k", false, 13), name_at("a", false, 17));
    CHECK_EQ(pq_bind(s, &vs, &params, &err), PQ_OK);
    CHECK_JSON(params, "[{\"S\":\"A\"},{\"S\":\"B\"}]");
    CHECK_EQ(s->u.update.ops[0].value->param, 1);
    CHECK_EQ(s->u.update.where->rhs->param, 0);
    struct pq_buf text = PQ_BUF_INIT;
    pq_buf_init(&text);
    pq_stmt_print(s, &text);
    CHECK_STR(text.data, "FROM \"t\" WHERE \"k\" = ? SET \"x\" = ?");
    pq_buf_release(&text);
    CHECK_EQ(s->u.update.ops[0].path->kind, PQ_E_PATH);
    json_decref(params);
    pq_stmt_free(s);
    pq_error_release(&err);
    pq_vars_release(&vs);
}

/* INSERT tuple values are value positions; tuple keys are not. */
static void test_insert_tuple(void)
{
    struct pq_vars vs = tutorial_vars();
    struct pq_error err;
    json_t *params = NULL;
    pq_error_init(&err);
    struct pq_stmt *s = pq_xcalloc(1, sizeof *s);
    s->kind = PQ_S_INSERT;
    s->u.insert.into.table.name = pq_xstrdup("Orders");
    s->u.insert.into.ncomponents = 1;
    s->u.insert.into.nsources = 1;
    s->u.insert.nvalues = 1;
    s->u.insert.value = items(
        PQ_E_TUPLE, 4,
        (struct pq_expr *[]){str_at("idempotency_token", 26), name_at("token_to_check", false, 47),
                             str_at("order_amount", 63), name_at("amount", false, 79)});
    CHECK_EQ(pq_bind(s, &vs, &params, &err), PQ_OK);
    CHECK_EQ(s->u.insert.value->items[0]->kind, PQ_E_LIT);
    CHECK_EQ(s->u.insert.value->items[1]->kind, PQ_E_PARAM);
    CHECK_EQ(s->u.insert.value->items[3]->kind, PQ_E_PARAM);
    CHECK_JSON(params, "[{\"S\":\"token123\"},{\"N\":\"100\"}]");
    json_decref(params);
    pq_stmt_free(s);
    pq_error_release(&err);
    pq_vars_release(&vs);
}

static void test_assignment_forms(void)
{
    const char *name = NULL;
    const struct pq_expr *value = NULL;
    struct pq_loc loc;

    /* token_to_check = 'token123' (a bare expression statement) */
    struct pq_stmt *s = pq_xcalloc(1, sizeof *s);
    s->kind = PQ_S_EXPR;
    s->u.expr.expr = bin(PQ_OP_EQ, name_at("token_to_check", false, 0), str_at("token123", 17));
    CHECK(pq_bind_assignment(s, &name, &loc, &value));
    CHECK_STR(name, "token_to_check");
    CHECK_EQ(loc.start, 0);
    CHECK_EQ(value->kind, PQ_E_LIT);
    pq_stmt_free(s);

    /* a = b as a whole statement is an assignment too (DynamoDB could only
     * answer "Unsupported operation: Eq"): pq_vars_eval then says that b is
     * a name, as it does for SET a = b. */
    s = pq_xcalloc(1, sizeof *s);
    s->kind = PQ_S_EXPR;
    s->u.expr.expr = bin(PQ_OP_EQ, name_at("a", false, 0), name_at("b", false, 4));
    CHECK(pq_bind_assignment(s, &name, &loc, &value));
    CHECK_EQ(value->kind, PQ_E_PATH);
    pq_stmt_free(s);

    /* "a" = 'x': a double-quoted name is an attribute */
    s = pq_xcalloc(1, sizeof *s);
    s->kind = PQ_S_EXPR;
    s->u.expr.expr = bin(PQ_OP_EQ, name_at("a", true, 0), str_at("x", 6));
    CHECK(!pq_bind_assignment(s, &name, &loc, &value));
    pq_stmt_free(s);

    /* b = :a copies another variable */
    s = pq_xcalloc(1, sizeof *s);
    s->kind = PQ_S_EXPR;
    s->u.expr.expr = bin(PQ_OP_EQ, name_at("b", false, 0), var_at("a", 4));
    CHECK(pq_bind_assignment(s, &name, NULL, &value));
    CHECK_EQ(value->kind, PQ_E_VAR);
    pq_stmt_free(s);

    /* SET name = 'v' / LET name = 'v' */
    s = pq_xcalloc(1, sizeof *s);
    s->kind = PQ_S_SET_VAR;
    s->u.set_var.name.name = pq_xstrdup("token_to_check");
    s->u.set_var.name.loc.start = 4;
    s->u.set_var.name.loc.end = 18;
    s->u.set_var.value = str_at("token123", 21);
    CHECK(pq_bind_assignment(s, &name, &loc, &value));
    CHECK_STR(name, "token_to_check");
    CHECK_EQ(loc.start, 4);
    pq_stmt_free(s);
}

/* The value of an assignment is any literal and may name other variables. */
static void test_eval(void)
{
    struct pq_vars vs = tutorial_vars();
    struct pq_error err;
    json_t *v = NULL;
    pq_error_init(&err);

    struct pq_expr *e = str_at("token123", 0);
    CHECK_EQ(pq_vars_eval(&vs, e, &v, &err), PQ_OK);
    CHECK_JSON(v, "{\"S\":\"token123\"}");
    json_decref(v);
    pq_expr_free(e);

    e = items(PQ_E_LIST, 2,
              (struct pq_expr *[]){var_at("amount", 1), name_at("token_to_check", false, 10)});
    CHECK_EQ(pq_vars_eval(&vs, e, &v, &err), PQ_OK);
    CHECK_JSON(v, "{\"L\":[{\"N\":\"100\"},{\"S\":\"token123\"}]}");
    json_decref(v);
    /* the caller's tree is left as it was */
    CHECK_EQ(e->items[0]->kind, PQ_E_VAR);
    pq_expr_free(e);

    e = name_at("not_a_variable", false, 5);
    CHECK_EQ(pq_vars_eval(&vs, e, &v, &err), PQ_ERR_BIND);
    CHECK(v == NULL);
    CHECK_EQ(err.start, 5);
    pq_expr_free(e);
    pq_error_release(&err);
    pq_vars_release(&vs);
}

/* \set and -v: a PartiQL literal, or else the text as a string. */
static void test_parse_text(void)
{
    struct pq_vars vs = tutorial_vars();
    struct pq_error err;
    json_t *v = NULL;
    pq_error_init(&err);
    static const struct {
        const char *text, *json;
    } cases[] = {
        {"'token123'", "{\"S\":\"token123\"}"},
        {"  'it''s'  ", "{\"S\":\"it's\"}"},
        {"100", "{\"N\":\"100\"}"},
        {"-1.50", "{\"N\":\"-1.5\"}"},
        {"TRUE", "{\"BOOL\":true}"},
        {"null", "{\"NULL\":true}"},
        {"{'a': 1}", "{\"M\":{\"a\":{\"N\":\"1\"}}}"},
        {"[1, 'x']", "{\"L\":[{\"N\":\"1\"},{\"S\":\"x\"}]}"},
        {"<<'a', 'b'>>", "{\"SS\":[\"a\",\"b\"]}"},
        {":amount", "{\"N\":\"100\"}"},
        {"token123", "{\"S\":\"token123\"}"},
        {"hello world", "{\"S\":\"hello world\"}"},
        {"", "{\"S\":\"\"}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK_EQ(pq_vars_parse_text(&vs, cases[i].text, strlen(cases[i].text), &v, &err), PQ_OK);
        CHECK_JSON(v, cases[i].json);
        json_decref(v);
    }
    /* A literal DynamoDB refuses is an error, not a string. */
    CHECK(pq_vars_parse_text(&vs, "1e999", 5, &v, &err) != PQ_OK);
    CHECK(v == NULL);
    CHECK(strstr(err.message, "overflow") != NULL);
    pq_error_release(&err);
    pq_vars_release(&vs);
}

int main(void)
{
    test_vars_table();
    test_bare_name_in_value_position();
    test_colon_references_and_errors();
    test_value_positions();
    test_printed_order();
    test_insert_tuple();
    test_assignment_forms();
    test_eval();
    test_parse_text();
    DONE();
}
