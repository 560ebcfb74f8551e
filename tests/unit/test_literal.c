/* test_literal.c — constant expressions to AttributeValues, on hand-built syntax trees.
 *
 * The trees are built here with calloc (and freed with pq_expr_free), so the
 * test does not depend on the parser.
 */
#include "check.h"
#include "pqsh/literal.h"
#include "pqsh/value.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Every node gets a distinct byte range so errors can be checked to point at it. */
static size_t next_pos;

static struct pq_expr *node(pq_expr_kind kind)
{
    struct pq_expr *e = calloc(1, sizeof *e);
    e->kind = kind;
    e->loc.start = next_pos;
    e->loc.end = next_pos + 3;
    next_pos += 10;
    return e;
}

static struct pq_expr *lit(pq_type t, json_t *payload)
{
    struct pq_expr *e = node(PQ_E_LIT);
    e->lit = pq_value_new(t, payload);
    return e;
}

static struct pq_expr *N(const char *text)
{
    return lit(PQ_T_N, json_string(text));
}

static struct pq_expr *S(const char *text)
{
    return lit(PQ_T_S, json_string(text));
}

static struct pq_expr *BOOL(bool b)
{
    return lit(PQ_T_BOOL, json_boolean(b));
}

static struct pq_expr *NUL(void)
{
    return lit(PQ_T_NULL, json_true());
}

static struct pq_expr *PARAM(size_t i)
{
    struct pq_expr *e = node(PQ_E_PARAM);
    e->param = i;
    return e;
}

static struct pq_expr *UNARY(pq_op op, struct pq_expr *x)
{
    struct pq_expr *e = node(PQ_E_UNARY);
    e->op = op;
    e->lhs = x;
    return e;
}

static struct pq_expr *NEG(struct pq_expr *x)
{
    return UNARY(PQ_OP_NEG, x);
}

static struct pq_expr *BIN(pq_op op, struct pq_expr *a, struct pq_expr *b)
{
    struct pq_expr *e = node(PQ_E_BINARY);
    e->op = op;
    e->lhs = a;
    e->rhs = b;
    return e;
}

/* A node with `n` children (TUPLE: k0, v0, k1, v1, …). */
static struct pq_expr *many(pq_expr_kind kind, size_t n, ...)
{
    struct pq_expr *e = node(kind);
    va_list ap;
    va_start(ap, n);
    e->items = calloc(n ? n : 1, sizeof *e->items);
    for (size_t i = 0; i < n; i++)
        e->items[i] = va_arg(ap, struct pq_expr *);
    e->nitems = n;
    va_end(ap);
    return e;
}

#define TUPLE(n, ...) many(PQ_E_TUPLE, 2 * (n), __VA_ARGS__)
#define LIST(n, ...) many(PQ_E_LIST, n, __VA_ARGS__)
#define BAG(n, ...) many(PQ_E_BAG, n, __VA_ARGS__)

static struct pq_expr *PATH(const char *name)
{
    struct pq_expr *e = node(PQ_E_PATH);
    e->steps = calloc(1, sizeof *e->steps);
    e->steps[0].kind = PQ_STEP_NAME;
    e->steps[0].name = strdup(name);
    e->nsteps = 1;
    return e;
}

static struct pq_expr *CALL(const char *name, struct pq_expr *arg)
{
    struct pq_expr *e = many(PQ_E_CALL, 1, arg);
    e->name = strdup(name);
    return e;
}

static struct pq_expr *VAR(const char *name)
{
    struct pq_expr *e = node(PQ_E_VAR);
    e->var = strdup(name);
    return e;
}

static const char *dump(const json_t *v)
{
    static char buf[2048];
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    snprintf(buf, sizeof buf, "%s", s ? s : "(null)");
    free(s);
    return buf;
}

/* Evaluates `e` (then frees it) and checks the value's compact JSON. */
static void ok(struct pq_expr *e, const json_t *params, const char *want, int line)
{
    struct pq_error err;
    json_t *v = NULL;
    pq_error_init(&err);
    CHECK(pq_literal_is_constant(e));
    pq_status st = pq_literal_eval(e, params, &v, &err);
    CHECK_EQ(st, PQ_OK);
    CHECK_STR(dump(v), want);
    if (st || !v || strcmp(dump(v), want) != 0)
        fprintf(stderr, "  (case at line %d: %s)\n", line, err.message ? err.message : "");
    json_decref(v);
    /* Sharing the literals changes nothing in the value. */
    v = NULL;
    st = pq_literal_eval_shared(e, params, &v, &err);
    CHECK_EQ(st, PQ_OK);
    CHECK_STR(dump(v), want);
    if (st || !v || strcmp(dump(v), want) != 0) fprintf(stderr, "  (shared, line %d)\n", line);
    json_decref(v);
    pq_error_release(&err);
    pq_expr_free(e);
}

/* Evaluates `e` and checks the error: status, message and that its range is
 * the one of `where` (NULL: not checked). */
static void bad(struct pq_expr *e, const json_t *params, pq_status code, const char *msg,
                const struct pq_expr *where, int line)
{
    struct pq_error err;
    json_t *v = (json_t *)1;
    pq_error_init(&err);
    pq_status st = pq_literal_eval(e, params, &v, &err);
    CHECK_EQ(st, code);
    CHECK_EQ(err.code, code);
    CHECK(v == NULL);
    CHECK_STR(err.message, msg);
    if (code == PQ_ERR_SERVICE) CHECK_STR(err.type, "ValidationException");
    if (where) {
        CHECK_EQ(err.start, where->loc.start);
        CHECK_EQ(err.end, where->loc.end);
    }
    if (st != code || !err.message || strcmp(err.message, msg) != 0)
        fprintf(stderr, "  (case at line %d)\n", line);
    pq_error_release(&err);
    /* The same error when the literals may be shared. */
    pq_error_init(&err);
    v = (json_t *)1;
    st = pq_literal_eval_shared(e, params, &v, &err);
    CHECK_EQ(st, code);
    CHECK(v == NULL);
    CHECK_STR(err.message, msg);
    if (where) {
        CHECK_EQ(err.start, where->loc.start);
        CHECK_EQ(err.end, where->loc.end);
    }
    pq_error_release(&err);
    pq_expr_free(e);
}

/* pq_literal_eval_shared takes a scalar literal's own value object where it
 * stands for the result (a canonical number, a string), never where the
 * value differs from the literal (a number that canonicalises); and the
 * literal is left as it was. */
static void test_shared(void)
{
    struct pq_error err;
    pq_error_init(&err);
    struct pq_expr *s = S("token"), *n = N("100"), *m = N("1.50");
    struct pq_expr *t = many(PQ_E_TUPLE, 6, S("a"), s, S("b"), n, S("c"), m);
    json_t *v = NULL;
    CHECK_EQ(pq_literal_eval_shared(t, NULL, &v, &err), PQ_OK);
    const json_t *p = pq_value_payload(v);
    CHECK(json_object_get(p, "a") == s->lit);
    CHECK(json_object_get(p, "b") == n->lit);
    CHECK(json_object_get(p, "c") != m->lit);
    CHECK_STR(dump(v),
              "{\"M\":{\"a\":{\"S\":\"token\"},\"b\":{\"N\":\"100\"},\"c\":{\"N\":\"1.5\"}}}");
    CHECK_STR(dump(m->lit), "{\"N\":\"1.50\"}");
    json_decref(v);
    /* pq_literal_eval_item: the members map itself, nested tuples as M. */
    struct pq_expr *nested = TUPLE(2, S("k"), S("v"), S("t"), TUPLE(1, S("x"), N("1")));
    CHECK_EQ(pq_literal_eval_item(nested, NULL, NULL, &v, &err), PQ_OK);
    CHECK_STR(dump(v), "{\"k\":{\"S\":\"v\"},\"t\":{\"M\":{\"x\":{\"N\":\"1\"}}}}");
    json_decref(v);
    pq_expr_free(nested);
    /* pq_literal_eval makes values of its own. */
    CHECK_EQ(pq_literal_eval(t, NULL, &v, &err), PQ_OK);
    CHECK(json_object_get(pq_value_payload(v), "a") != s->lit);
    json_decref(v);
    pq_error_release(&err);
    pq_expr_free(t);
}

#define OK(e, want) ok(e, NULL, want, __LINE__)
#define OKP(e, p, want) ok(e, p, want, __LINE__)
#define BAD(e, msg, where) bad(e, NULL, PQ_ERR_SERVICE, msg, where, __LINE__)
#define BADP(e, p, msg, where) bad(e, p, PQ_ERR_SERVICE, msg, where, __LINE__)
#define PLAN(e, msg, where) bad(e, NULL, PQ_ERR_PLAN, msg, where, __LINE__)

#define OVER                                                                                       \
    "Number overflow. Attempting to store a number with magnitude larger than supported range"
#define UNDER                                                                                      \
    "Number underflow. Attempting to store a number with magnitude smaller than supported range"
#define PREC "Attempting to store more than 38 significant digits in a Number"
#define WELL "Statement wasn't well formed, can't be processed: "
#define BAGTYPE                                                                                    \
    "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags"
#define NPARAMS "Number of parameters in request and statement don't match."

static void test_values(void)
{
    OK(S("token123"), "{\"S\":\"token123\"}");
    OK(S(""), "{\"S\":\"\"}");
    OK(S("it's"), "{\"S\":\"it's\"}");
    OK(N("100"), "{\"N\":\"100\"}");
    OK(N("1.50"), "{\"N\":\"1.5\"}");
    OK(N("7.31E6"), "{\"N\":\"7310000\"}");
    OK(N("7.31e+6"), "{\"N\":\"7310000\"}");
    OK(N(".73e1"), "{\"N\":\"7.3\"}");
    OK(N("73100000e-1"), "{\"N\":\"7310000\"}");
    OK(N("0e125"), "{\"N\":\"0\"}");
    OK(N("1E-130"), "{\"N\":\"0.0000000000000000000000000000000000000000000000000000000000000000"
                    "000000000000000000000000000000000000000000000000000000000000000001\"}");
    OK(N("12345678901234567890123456789012345678"),
       "{\"N\":\"12345678901234567890123456789012345678\"}");
    OK(NEG(N("1")), "{\"N\":\"-1\"}");
    OK(NEG(N(".73e1")), "{\"N\":\"-7.3\"}");
    OK(NEG(N("0")), "{\"N\":\"0\"}");
    OK(NEG(NEG(N("2.0"))), "{\"N\":\"2\"}");
    OK(UNARY(PQ_OP_POS, N("3")), "{\"N\":\"3\"}");
    OK(N("-4"), "{\"N\":\"-4\"}"); /* a parser may fold the sign into the text */
    OK(BOOL(true), "{\"BOOL\":true}");
    OK(BOOL(false), "{\"BOOL\":false}");
    OK(NUL(), "{\"NULL\":true}");
    OK(TUPLE(4, S("idempotency_token"), S("token123"), S("order_id"), S("order001"),
             S("customer_name"), S("Alice"), S("order_amount"), N("100")),
       "{\"M\":{\"idempotency_token\":{\"S\":\"token123\"},\"order_id\":{\"S\":\"order001\"},"
       "\"customer_name\":{\"S\":\"Alice\"},\"order_amount\":{\"N\":\"100\"}}}");
    OK(TUPLE(0, NULL), "{\"M\":{}}");
    OK(LIST(0, NULL), "{\"L\":[]}");
    OK(LIST(3, N("1"), S("a"), LIST(1, BOOL(true))),
       "{\"L\":[{\"N\":\"1\"},{\"S\":\"a\"},{\"L\":[{\"BOOL\":true}]}]}");
    OK(TUPLE(1, S("m"), TUPLE(1, S("n"), LIST(1, NUL()))),
       "{\"M\":{\"m\":{\"M\":{\"n\":{\"L\":[{\"NULL\":true}]}}}}}");
    OK(BAG(2, S("a"), S("b")), "{\"SS\":[\"a\",\"b\"]}");
    OK(BAG(3, N("1"), N("2.50"), NEG(N("3"))), "{\"NS\":[\"1\",\"2.5\",\"-3\"]}");
    OK(BAG(2, S("a"), S("A")), "{\"SS\":[\"a\",\"A\"]}");
    OK(TUPLE(1, S("s"), BAG(1, S(""))), "{\"M\":{\"s\":{\"SS\":[\"\"]}}}");
}

static void test_params(void)
{
    json_t *params =
        json_loads("[{\"S\":\"k\"},{\"N\":\"5\"},{\"BS\":[\"AA==\"]},{\"B\":\"AQ==\"}]", 0, NULL);
    OKP(PARAM(0), params, "{\"S\":\"k\"}");
    OKP(PARAM(2), params, "{\"BS\":[\"AA==\"]}");
    OKP(LIST(2, PARAM(1), PARAM(3)), params, "{\"L\":[{\"N\":\"5\"},{\"B\":\"AQ==\"}]}");
    OKP(TUPLE(1, PARAM(0), N("1")), params, "{\"M\":{\"k\":{\"N\":\"1\"}}}");
    OKP(TUPLE(1, S("bin"), PARAM(3)), params, "{\"M\":{\"bin\":{\"B\":\"AQ==\"}}}");

    struct pq_expr *p = PARAM(4);
    BADP(p, params, NPARAMS, p);
    p = PARAM(0);
    BAD(p, NPARAMS, p); /* no parameters at all */
    p = PARAM(7);
    BADP(TUPLE(1, S("a"), p), params, NPARAMS, p);
    p = PARAM(9);
    BADP(TUPLE(1, p, S("a")), params, NPARAMS, p);
    p = PARAM(1);
    BADP(TUPLE(1, p, S("a")), params,
         "Tuple keys must be of type String. Actual type: DECIMAL under root", p);
    p = PARAM(3);
    BADP(TUPLE(1, p, S("a")), params,
         "Tuple keys must be of type String. Actual type: BLOB under root", p);
    p = PARAM(0);
    BADP(BAG(2, S("a"), p), params, BAGTYPE, p); /* ? inside << >> */
    json_decref(params);
}

static void test_number_errors(void)
{
    struct pq_expr *n = N("1e126");
    BAD(n, OVER " under root", n);
    n = N("1e126");
    BAD(NEG(n), OVER " under root", n);
    n = N("1e126");
    BAD(TUPLE(2, S("a"), S("ok"), S("x"), n), OVER " under root.x", n);
    n = N("1e-131");
    BAD(LIST(2, N("1"), n), UNDER " under root[1]", n);
    n = N("123456789012345678901234567890123456789");
    BAD(TUPLE(1, S("a"), LIST(1, TUPLE(1, S("b"), n))), PREC " under root.a[0].b", n);
    n = N("0e126");
    BAD(n, OVER " under root", n);
    n = N("0e-131");
    BAD(n, UNDER " under root", n);
    n = N("1e2147483647");
    BAD(n, UNDER " under root", n); /* the 32-bit wrap of the PartiQL layer */
    n = N("1e2147483648");
    BAD(n, WELL, n);
    n = N("1e99999999999");
    BAD(TUPLE(1, S("a"), n), WELL, n);
    n = N("1.5e-2147483647");
    BAD(n, WELL, n);
    n = N("1e200");
    BAD(TUPLE(1, S("s"), BAG(2, N("1"), n)), OVER " under root.s", n);
}

static void test_tuple_errors(void)
{
    struct pq_expr *k = N("1");
    BAD(TUPLE(1, k, N("2")), "Tuple keys must be of type String. Actual type: INT under root", k);
    k = N("1.5");
    BAD(TUPLE(1, S("a"), TUPLE(1, k, N("2"))),
        "Tuple keys must be of type String. Actual type: DECIMAL under root.a", k);
    k = NEG(N("1"));
    BAD(TUPLE(1, k, N("2")), "Tuple keys must be of type String. Actual type: INT under root", k);
    k = BOOL(true);
    BAD(TUPLE(1, k, N("2")), "Tuple keys must be of type String. Actual type: BOOL under root", k);
    k = NUL();
    BAD(TUPLE(1, k, N("2")), "Tuple keys must be of type String. Actual type: NULL under root", k);
    k = LIST(1, S("a"));
    BAD(LIST(1, TUPLE(1, k, N("2"))),
        "Tuple keys must be of type String. Actual type: LIST under root[0]", k);
    k = TUPLE(1, S("a"), N("1"));
    BAD(TUPLE(1, k, N("2")), "Tuple keys must be of type String. Actual type: STRUCT under root",
        k);
    k = BAG(1, S("a"));
    BAD(TUPLE(1, k, N("2")), "Tuple keys must be of type String. Actual type: BAG under root", k);
    k = S("a");
    BAD(TUPLE(2, S("a"), N("1"), k, N("2")), "Duplicate keys in tuple. Key: a under root", k);
    k = S("x");
    BAD(TUPLE(1, S("m"), TUPLE(3, S("x"), N("1"), S("y"), N("1"), k, N("2"))),
        "Duplicate keys in tuple. Key: x under root.m", k);
    /* A duplicate key is reported before an error in its value; the value
     * of a key seen once is checked as any other. */
    k = S("a");
    BAD(TUPLE(2, S("a"), N("1"), k, N("1e999")), "Duplicate keys in tuple. Key: a under root", k);
    k = N("1e999");
    BAD(TUPLE(2, S("a"), N("1"), S("b"), k), OVER " under root.b", k);
    /* keys are case-sensitive */
    OK(TUPLE(2, S("a"), N("1"), S("A"), N("2")),
       "{\"M\":{\"a\":{\"N\":\"1\"},\"A\":{\"N\":\"2\"}}}");
}

static void test_bag_errors(void)
{
    struct pq_expr *b = BAG(0, NULL);
    BAD(b, "Empty bags are not supported", b);
    b = BAG(0, NULL);
    BAD(TUPLE(1, S("s"), b), "Empty bags are not supported", b);
    struct pq_expr *m = BOOL(true);
    BAD(BAG(1, m), BAGTYPE, m);
    m = NUL();
    BAD(BAG(2, S("a"), m), BAGTYPE, m);
    m = LIST(1, N("1"));
    BAD(BAG(1, m), BAGTYPE, m);
    m = BAG(1, N("1"));
    BAD(BAG(1, m), BAGTYPE, m);
    m = TUPLE(1, S("a"), N("1"));
    BAD(BAG(1, m), BAGTYPE, m);
    m = S("a");
    BAD(BAG(2, N("1"), m), BAGTYPE, m); /* numbers and strings do not mix */
    m = NEG(S("a"));
    BAD(BAG(2, S("b"), m), BAGTYPE, m);
    b = BAG(2, S("x"), S("x"));
    BAD(b,
        "One or more parameter values were invalid: Input collection [x, x] contains duplicates.",
        b);
    b = BAG(3, S("a"), S("b"), S("a"));
    BAD(b,
        "One or more parameter values were invalid: Input collection [a, b, a] contains "
        "duplicates.",
        b);
    b = BAG(2, N("1"), N("1.0"));
    BAD(b,
        "One or more parameter values were invalid: Input collection [1, 1] contains duplicates.",
        b);
}

static void test_not_constant(void)
{
    struct pq_expr *x = PATH("x");
    CHECK(!pq_literal_is_constant(x));
    PLAN(x, "attribute path 'x' is not a constant value", x);
    x = PATH("price");
    PLAN(TUPLE(1, S("a"), x), "attribute path 'price' is not a constant value", x);
    x = CALL("set_add", S("a"));
    PLAN(TUPLE(1, S("a"), x), "function call 'set_add' is not a constant value", x);
    x = VAR("token_to_check");
    PLAN(LIST(1, x), "variable ':token_to_check' is not bound", x);
    x = node(PQ_E_MISSING);
    PLAN(x, "MISSING is not a constant value", x);
    x = BIN(PQ_OP_ADD, N("1"), N("2"));
    PLAN(x, "an operator expression is not a constant value", x);
    x = UNARY(PQ_OP_NOT, BOOL(true));
    PLAN(x, "an operator expression is not a constant value", x);
    x = NEG(S("a"));
    PLAN(x, "unary minus applies to numbers only", x);
    x = PATH("k");
    PLAN(TUPLE(1, x, N("1")), "attribute path 'k' is not a constant value", x);
    x = PATH("p");
    PLAN(BAG(2, S("a"), x), "attribute path 'p' is not a constant value", x);

    /* pq_literal_is_constant on its own */
    static const struct {
        int which;
        bool want;
    } cases[] = {{0, true}, {1, true}, {2, true}, {3, false}, {4, false}, {5, true}, {6, false}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct pq_expr *e = NULL;
        switch (cases[i].which) {
        case 0:
            e = TUPLE(1, S("a"), LIST(2, NEG(N("1")), PARAM(0)));
            break;
        case 1:
            e = BAG(1, S("a"));
            break;
        case 2:
            e = NUL();
            break;
        case 3:
            e = LIST(2, N("1"), PATH("x"));
            break;
        case 4:
            e = BIN(PQ_OP_EQ, PATH("x"), N("1"));
            break;
        case 5:
            e = UNARY(PQ_OP_POS, N("1"));
            break;
        case 6:
            e = UNARY(PQ_OP_NOT, BOOL(false));
            break;
        }
        CHECK_EQ(pq_literal_is_constant(e), cases[i].want);
        pq_expr_free(e);
    }
    CHECK(!pq_literal_is_constant(NULL));
}

/* Evaluates tuple `e` (then frees it) with pq_literal_eval_item over
 * `*spare` (taken), as exec.c does with the last INSERT's members map:
 * the result, or the error and its range, must be what evaluating without
 * a spare gives. *spare becomes the result (NULL after an error); *reused
 * says whether it is the very object given (a tuple's map is always made
 * in the spare: in place when the names match, emptied first otherwise). */
static void item_over(struct pq_expr *e, const json_t *params, json_t **spare, bool *reused,
                      const char *want_error, int line)
{
    int failures = check_failures;
    struct pq_error err, plain_err;
    json_t *v = NULL, *plain = NULL, *given = *spare;
    pq_error_init(&err);
    pq_error_init(&plain_err);
    pq_status plain_st = pq_literal_eval_item(e, params, NULL, &plain, &plain_err);
    pq_status st = pq_literal_eval_item(e, params, given, &v, &err);
    CHECK_EQ(st, plain_st);
    if (st == PQ_OK) {
        char *want = json_dumps(plain, JSON_COMPACT | JSON_ENCODE_ANY);
        CHECK_STR(dump(v), want);
        free(want);
    } else {
        CHECK(v == NULL);
        CHECK_STR(err.message, plain_err.message);
        CHECK_EQ(err.start, plain_err.start);
        CHECK_EQ(err.end, plain_err.end);
    }
    CHECK_STR(st == PQ_OK ? "" : err.message, want_error ? want_error : "");
    if (check_failures != failures) fprintf(stderr, "  (case at line %d)\n", line);
    *reused = given && v == given;
    *spare = v;
    json_decref(plain);
    pq_error_release(&err);
    pq_error_release(&plain_err);
    pq_expr_free(e);
}

/* pq_literal_eval_item over a spare members map: the same names in the
 * same order only get new values; any other shape,
 * a parameter key, a duplicate or a failing value gives exactly what a fresh
 * evaluation gives, names in the statement's order. */
static void test_item_spare(void)
{
    json_t *spare = NULL, *params = json_pack("[{s:s}]", "S", "p");
    bool reused = false;
    item_over(TUPLE(2, S("a"), S("x"), S("b"), N("1")), NULL, &spare, &reused, NULL, __LINE__);
    CHECK(!reused); /* there was none */
    CHECK_STR(dump(spare), "{\"a\":{\"S\":\"x\"},\"b\":{\"N\":\"1\"}}");
    /* Values left null, as exec.c leaves its spare. */
    for (void *it = json_object_iter(spare); it; it = json_object_iter_next(spare, it))
        json_object_iter_set_new(spare, it, json_null());
    item_over(TUPLE(2, S("a"), S("y"), S("b"), LIST(1, N("2.50"))), NULL, &spare, &reused, NULL,
              __LINE__);
    CHECK(reused);
    CHECK_STR(dump(spare), "{\"a\":{\"S\":\"y\"},\"b\":{\"L\":[{\"N\":\"2.5\"}]}}");
    /* Another order: built again, in the statement's order. */
    item_over(TUPLE(2, S("b"), S("z"), S("a"), BOOL(true)), NULL, &spare, &reused, NULL, __LINE__);
    CHECK(reused);
    CHECK_STR(dump(spare), "{\"b\":{\"S\":\"z\"},\"a\":{\"BOOL\":true}}");
    /* Fewer members, then more. */
    item_over(TUPLE(1, S("b"), S("q")), NULL, &spare, &reused, NULL, __LINE__);
    CHECK(reused);
    CHECK_STR(dump(spare), "{\"b\":{\"S\":\"q\"}}");
    item_over(TUPLE(3, S("b"), S("r"), S("c"), NUL(), S("d"), N("3")), NULL, &spare, &reused, NULL,
              __LINE__);
    CHECK(reused);
    CHECK_STR(dump(spare), "{\"b\":{\"S\":\"r\"},\"c\":{\"NULL\":true},\"d\":{\"N\":\"3\"}}");
    item_over(TUPLE(3, S("b"), S("s"), S("c"), S("t"), S("d"), N("4")), NULL, &spare, &reused, NULL,
              __LINE__);
    CHECK(reused);
    CHECK_STR(dump(spare), "{\"b\":{\"S\":\"s\"},\"c\":{\"S\":\"t\"},\"d\":{\"N\":\"4\"}}");
    /* A parameter as a key: the usual way. */
    item_over(TUPLE(3, PARAM(0), S("u"), S("c"), S("v"), S("d"), N("5")), params, &spare, &reused,
              NULL, __LINE__);
    CHECK(reused);
    CHECK_STR(dump(spare), "{\"p\":{\"S\":\"u\"},\"c\":{\"S\":\"v\"},\"d\":{\"N\":\"5\"}}");
    /* A duplicate key, after the same names in place. */
    item_over(TUPLE(2, S("c"), S("w"), S("d"), N("6")), NULL, &spare, &reused, NULL, __LINE__);
    item_over(TUPLE(3, S("c"), S("w"), S("d"), N("6"), S("c"), N("7")), NULL, &spare, &reused,
              "Duplicate keys in tuple. Key: c under root", __LINE__);
    CHECK(spare == NULL);
    /* A value that fails half-way through the same names. */
    item_over(TUPLE(2, S("c"), S("w"), S("d"), N("6")), NULL, &spare, &reused, NULL, __LINE__);
    item_over(TUPLE(2, S("c"), S("w"), S("d"), N("1e126")), NULL, &spare, &reused,
              OVER " under root.d", __LINE__);
    CHECK(spare == NULL);
    /* Not a tuple: the spare is released, the value is the literal's. */
    item_over(TUPLE(1, S("c"), S("w")), NULL, &spare, &reused, NULL, __LINE__);
    struct pq_error err;
    pq_error_init(&err);
    json_t *v = NULL;
    struct pq_expr *n = N("8");
    CHECK_EQ(pq_literal_eval_item(n, NULL, spare, &v, &err), PQ_OK);
    CHECK_STR(dump(v), "{\"N\":\"8\"}");
    json_decref(v);
    pq_expr_free(n);
    json_decref(params);
}

int main(void)
{
    test_values();
    test_params();
    test_number_errors();
    test_tuple_errors();
    test_bag_errors();
    test_not_constant();
    test_shared();
    test_item_spare();
    DONE();
}
