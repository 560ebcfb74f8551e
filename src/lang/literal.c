/* literal.c — constant PartiQL expressions → AttributeValues, with DynamoDB's rules (§4.1).
 *
 * Errors found in the values are DynamoDB's ValidationExceptions; they also
 * carry the byte range of the offending expression so the shell can point
 * at it. The expression given to pq_literal_eval is `root` in the
 * " under root.x[1]" suffixes DynamoDB adds.
 */
#include "pqsh/literal.h"
#include "pqsh/value.h"

#include <stdarg.h>
#include <string.h>

#define NOT_WELL_FORMED "Statement wasn't well formed, can't be processed: "

/* One step of the path to the member being evaluated (".k" or "[i]"),
 * kept on the C stack; the text ("root.a[2]") is made only for a message. */
struct lstep {
    const struct lstep *up;
    const char *key; /* NULL for a list index */
    size_t index;
};

struct lctx {
    const json_t *params;
    bool shared;   /* pq_literal_eval_shared: literals' own value objects may be used */
    bool bare;     /* pq_literal_eval_item: the root tuple gives its members map */
    json_t *spare; /* pq_literal_eval_item: an empty object for that map, or NULL */
    struct pq_error *err;
    const struct lstep *top; /* NULL at the root */
    struct pq_buf path;      /* scratch for path_text() */
};

static void add_steps(struct pq_buf *b, const struct lstep *st)
{
    if (!st) return;
    add_steps(b, st->up);
    if (st->key)
        pq_buf_addf(b, ".%s", st->key);
    else
        pq_buf_addf(b, "[%zu]", st->index);
}

/* "root", "root.a", "root.a[2]": where the member being evaluated sits. */
static const char *path_text(struct lctx *c)
{
    pq_buf_reset(&c->path);
    pq_buf_adds(&c->path, "root");
    add_steps(&c->path, c->top);
    return c->path.data;
}

static pq_status eval(struct lctx *c, const struct pq_expr *e, json_t **out);

/* Attaches the expression's range to the error just set. */
static pq_status at(struct pq_error *err, const struct pq_expr *e, pq_status st)
{
    err->start = e->loc.start;
    err->end = e->loc.end;
    return st;
}

static pq_status not_constant(struct lctx *c, const struct pq_expr *e)
{
    const char *what = "an operator expression";
    const char *name = NULL;
    switch (e->kind) {
    case PQ_E_PATH:
        what = "attribute path";
        name = e->nsteps && e->steps[0].name ? e->steps[0].name : "";
        break;
    case PQ_E_CALL:
        what = "function call";
        name = e->name ? e->name : "";
        break;
    case PQ_E_VAR:
        return pq_error_set(c->err, PQ_ERR_PLAN, e->loc.start, e->loc.end,
                            "variable ':%s' is not bound", e->var ? e->var : "");
    case PQ_E_MISSING:
        what = "MISSING";
        break;
    case PQ_E_EXISTS:
        what = "a subquery";
        break;
    default:
        break;
    }
    if (name)
        return pq_error_set(c->err, PQ_ERR_PLAN, e->loc.start, e->loc.end,
                            "%s '%s' is not a constant value", what, name);
    return pq_error_set(c->err, PQ_ERR_PLAN, e->loc.start, e->loc.end, "%s is not a constant value",
                        what);
}

/* 'S' or 'N' for a string or number literal (a number may carry unary
 * signs), 0 for anything else. */
static char literal_kind(const struct pq_expr *e)
{
    bool sign = false;
    while (e && e->kind == PQ_E_UNARY && (e->op == PQ_OP_NEG || e->op == PQ_OP_POS)) {
        e = e->lhs;
        sign = true;
    }
    if (!e || e->kind != PQ_E_LIT) return 0;
    pq_type t = pq_value_type(e->lit);
    if (t == PQ_T_N) return 'N';
    if (t == PQ_T_S && !sign) return 'S';
    if (t == PQ_T_B && !sign) return 'B'; /* pqsh's b64'…' literal (SHELL mode only) */
    return 0;
}

/* PartiQL's name for the type of a constant, as DynamoDB reports it in
 * "Actual type: %s". Numbers written without '.' or exponent are INT, the
 * rest DECIMAL (UNCONFIRMED: PartiQL may call exponent forms FLOAT). */
static const char *partiql_type(const struct pq_expr *e, const json_t *params)
{
    static const char *const names[] = {
        [PQ_T_NONE] = "MISSING", [PQ_T_S] = "STRING",  [PQ_T_N] = "DECIMAL", [PQ_T_B] = "BLOB",
        [PQ_T_BOOL] = "BOOL",    [PQ_T_NULL] = "NULL", [PQ_T_M] = "STRUCT",  [PQ_T_L] = "LIST",
        [PQ_T_SS] = "BAG",       [PQ_T_NS] = "BAG",    [PQ_T_BS] = "BAG",
    };
    while (e->kind == PQ_E_UNARY && e->lhs)
        e = e->lhs;
    switch (e->kind) {
    case PQ_E_LIT: {
        pq_type t = pq_value_type(e->lit);
        if (t == PQ_T_N) {
            const char *s = json_string_value(pq_value_payload(e->lit));
            return s && !strpbrk(s, ".eE") ? "INT" : "DECIMAL";
        }
        return names[t];
    }
    case PQ_E_PARAM:
        return names[pq_value_type(json_array_get(params, e->param))];
    case PQ_E_TUPLE:
        return "STRUCT";
    case PQ_E_LIST:
        return "LIST";
    case PQ_E_BAG:
        return "BAG";
    default:
        return "MISSING";
    }
}

static pq_status eval_number(struct lctx *c, const struct pq_expr *e, json_t *p, json_t **out)
{
    /* A plain integer is valid and canonical as written (the common case). */
    if (c->shared && pq_decimal_plain_int(json_string_value(p), json_string_length(p), NULL)) {
        *out = json_incref(e->lit);
        return PQ_OK;
    }
    struct pq_decimal d;
    pq_decimal_fail f = pq_decimal_parse_partiql(json_string_value(p), json_string_length(p), &d);
    /* Number text reaches us only from the lexer, so "not a number" means an
     * exponent or scale beyond 32 bits: DynamoDB's parser rejects those with
     * an empty reason (§4.1). */
    if (f == PQ_DEC_NOT_A_NUMBER)
        return at(c->err, e, pq_error_validation(c->err, NOT_WELL_FORMED));
    if (f != PQ_DEC_OK)
        return at(
            c->err, e,
            pq_error_validation(c->err, "%s under %s", pq_decimal_fail_message(f), path_text(c)));
    char text[PQ_DECIMAL_TEXT_MAX];
    size_t n = pq_decimal_format(&d, text);
    /* Written in canonical form already (as most numbers are): the literal's
     * own value stands for the result. */
    if (c->shared && n == json_string_length(p) && memcmp(text, json_string_value(p), n) == 0)
        *out = json_incref(e->lit);
    else
        *out = pq_value_new(PQ_T_N, json_stringn(text, n));
    return PQ_OK;
}

static pq_status eval_unary(struct lctx *c, const struct pq_expr *e, json_t **out)
{
    if (e->op != PQ_OP_NEG && e->op != PQ_OP_POS) return not_constant(c, e);
    if (literal_kind(e) != 'N')
        return pq_error_set(c->err, PQ_ERR_PLAN, e->loc.start, e->loc.end,
                            "unary %s applies to numbers only",
                            e->op == PQ_OP_NEG ? "minus" : "plus");
    json_t *v = NULL;
    pq_status st = eval(c, e->lhs, &v);
    if (st) return st;
    if (e->op == PQ_OP_NEG) {
        struct pq_decimal d;
        if (pq_value_number(v, &d) == PQ_DEC_OK) {
            d.sign = -d.sign;
            json_decref(v);
            v = pq_value_new_n(&d);
        }
    }
    *out = v;
    return PQ_OK;
}

/* Evaluates a tuple member (`key`) or list element (`index`) one step down the path. */
static pq_status eval_member(struct lctx *c, const struct pq_expr *e, json_t **out, const char *key,
                             size_t index)
{
    struct lstep step = {c->top, key, index};
    c->top = &step;
    pq_status st = eval(c, e, out);
    c->top = step.up;
    return st;
}

static pq_status eval_tuple(struct lctx *c, const struct pq_expr *e, json_t **out)
{
    pq_status st = PQ_OK;
    json_t *m = c->spare && c->bare && !c->top ? c->spare : json_object(), *kp;
    if (m == c->spare) c->spare = NULL;
    size_t i;
    const char *key = NULL;
    for (i = 0; i + 1 < e->nitems; i += 2) {
        const struct pq_expr *k = e->items[i], *v = e->items[i + 1];
        key = NULL;
        if (k->kind == PQ_E_LIT && pq_value_split(k->lit, &kp) == PQ_T_S)
            key = json_string_value(kp);
        if (k->kind == PQ_E_PARAM) {
            const json_t *pv = c->params ? json_array_get(c->params, k->param) : NULL;
            if (!pv) {
                st = at(c->err, k,
                        pq_error_validation(c->err,
                                            "Number of parameters in request and statement don't "
                                            "match."));
                goto fail;
            }
            if (pq_value_type(pv) == PQ_T_S) key = json_string_value(pq_value_payload(pv));
        }
        if (!key) {
            if (!pq_literal_is_constant(k)) {
                st = not_constant(c, k);
                goto fail;
            }
            st = at(c->err, k,
                    pq_error_validation(
                        c->err, "Tuple keys must be of type String. Actual type: %s under %s",
                        partiql_type(k, c->params), path_text(c)));
            goto fail;
        }
        /* A literal key (checked to be UTF-8 by the lexer) is looked up
         * once, by the insertion: a duplicate leaves the size unchanged. A
         * duplicate is reported before any error in its value. */
        bool checked = k->kind == PQ_E_LIT;
        if (!checked && json_object_get(m, key)) goto duplicate;
        json_t *val = NULL;
        if ((st = eval_member(c, v, &val, key, 0))) {
            if (checked && json_object_get(m, key)) goto duplicate;
            goto fail;
        }
        if (!checked) {
            json_object_set_new(m, key, val);
            continue;
        }
        size_t n = json_object_size(m);
        json_object_set_new_nocheck(m, key, val);
        if (json_object_size(m) == n) goto duplicate;
    }
    *out = c->bare && !c->top ? m : pq_value_new(PQ_T_M, m);
    return PQ_OK;
duplicate:
    st = at(c->err, e->items[i],
            pq_error_validation(c->err, "Duplicate keys in tuple. Key: %s under %s", key,
                                path_text(c)));
fail:
    json_decref(m);
    return st;
}

static pq_status eval_list(struct lctx *c, const struct pq_expr *e, json_t **out)
{
    pq_status st = PQ_OK;
    json_t *l = json_array();
    for (size_t i = 0; i < e->nitems; i++) {
        json_t *val = NULL;
        if ((st = eval_member(c, e->items[i], &val, NULL, i))) goto fail;
        json_array_append_new(l, val);
    }
    *out = pq_value_new(PQ_T_L, l);
    return PQ_OK;
fail:
    json_decref(l);
    return st;
}

/* <<…>> holds only string literals or only number literals. A `?` inside a
 * bag, mixed strings and numbers, and every other member get the
 * "Unsupported data type in Bag" message (UNCONFIRMED for the first two).
 * Members are range-checked under the bag's own path (UNCONFIRMED). The
 * duplicates message lists the members Java-style, [a, b, a], numbers in
 * canonical form (UNCONFIRMED: DynamoDB may show them as written). */
static pq_status eval_bag(struct lctx *c, const struct pq_expr *e, json_t **out)
{
    pq_status st = PQ_OK;
    json_t *set = NULL, *arr = json_array();
    if (e->nitems == 0) {
        st = at(c->err, e, pq_error_validation(c->err, "Empty bags are not supported"));
        goto fail;
    }
    char kind = literal_kind(e->items[0]);
    for (size_t i = 0; i < e->nitems; i++) {
        const struct pq_expr *it = e->items[i];
        if (literal_kind(it) == kind && kind) continue;
        if (!pq_literal_is_constant(it)) {
            st = not_constant(c, it);
            goto fail;
        }
        st = at(c->err, it,
                pq_error_validation(c->err, "Unsupported data type in Bag. DynamoDB only supports "
                                            "either numbers or strings in bags"));
        goto fail;
    }
    for (size_t i = 0; i < e->nitems; i++) {
        json_t *val = NULL;
        if ((st = eval(c, e->items[i], &val))) goto fail;
        json_array_append(arr, pq_value_payload(val));
        json_decref(val);
    }
    set = pq_value_new(kind == 'S' ? PQ_T_SS : kind == 'B' ? PQ_T_BS : PQ_T_NS, arr);
    arr = NULL;
    if (pq_value_set_has_duplicates(set)) {
        json_t *members = pq_value_payload(set);
        struct pq_buf b;
        pq_buf_init(&b);
        for (size_t i = 0; i < json_array_size(members); i++) {
            if (i) pq_buf_adds(&b, ", ");
            json_t *s = json_array_get(members, i);
            pq_buf_add(&b, json_string_value(s), json_string_length(s));
        }
        st = at(c->err, e,
                pq_error_validation(c->err,
                                    "One or more parameter values were invalid: Input collection "
                                    "[%s] contains duplicates.",
                                    b.data));
        pq_buf_release(&b);
        goto fail;
    }
    *out = set;
    return PQ_OK;
fail:
    json_decref(arr);
    json_decref(set);
    return st;
}

static pq_status eval(struct lctx *c, const struct pq_expr *e, json_t **out)
{
    switch (e->kind) {
    case PQ_E_LIT: {
        json_t *payload;
        pq_type t = pq_value_split(e->lit, &payload);
        if (t == PQ_T_N) return eval_number(c, e, payload, out);
        /* A known tag means one member (pq_value_split's own check). */
        if ((t != PQ_T_NONE || json_object_size(e->lit) == 1) && !json_is_object(payload) &&
            !json_is_array(payload)) {
            /* The literal itself when the caller allows it (no copy at all). */
            if (c->shared && t != PQ_T_NONE) {
                *out = json_incref(e->lit);
                return PQ_OK;
            }
            /* {"S": text}, {"BOOL": b}, {"NULL": true}: a new value sharing
             * the scalar payload (nothing changes a JSON string or boolean
             * in place) — cheaper than a deep copy on every INSERT. */
            void *it = json_object_iter(e->lit);
            *out = json_object();
            json_object_set_nocheck(*out, json_object_iter_key(it), json_object_iter_value(it));
            return PQ_OK;
        }
        *out = json_deep_copy(e->lit);
        return *out ? PQ_OK : pq_error_nomem(c->err);
    }
    case PQ_E_PARAM: {
        const json_t *pv = c->params ? json_array_get(c->params, e->param) : NULL;
        if (!pv)
            return at(c->err, e,
                      pq_error_validation(c->err, "Number of parameters in request and statement "
                                                  "don't match."));
        *out = json_deep_copy(pv);
        return *out ? PQ_OK : pq_error_nomem(c->err);
    }
    case PQ_E_TUPLE:
        return eval_tuple(c, e, out);
    case PQ_E_LIST:
        return eval_list(c, e, out);
    case PQ_E_BAG:
        return eval_bag(c, e, out);
    case PQ_E_UNARY:
        return eval_unary(c, e, out);
    default:
        return not_constant(c, e);
    }
}

/* The root tuple's members written over those of `m`, a members map made
 * by an earlier evaluation: true when `e` names exactly m's members, in
 * their order, all with string literal keys, and every value evaluates —
 * m's pairs (names, hash table) are then kept and only their values
 * replaced, which is the map eval_tuple would make, with nothing allocated
 * for it. False for anything else (another name, order or count, a
 * parameter key, a value that fails): m then holds some new values and
 * some old, and the caller empties it and evaluates the usual way, which
 * gives that way's own result or error. m's names are distinct, so a key
 * equal to the one in its place never repeats an earlier one. */
static bool eval_tuple_over(struct lctx *c, const struct pq_expr *e, json_t *m)
{
    void *it = json_object_iter(m);
    for (size_t i = 0; i + 1 < e->nitems; i += 2) {
        const struct pq_expr *k = e->items[i];
        json_t *kp, *val = NULL;
        if (!it || k->kind != PQ_E_LIT || pq_value_split(k->lit, &kp) != PQ_T_S) return false;
        const char *key = json_string_value(kp);
        if (strcmp(key, json_object_iter_key(it)) != 0) return false;
        if (eval_member(c, e->items[i + 1], &val, key, 0) != PQ_OK) {
            /* The usual way sets this error again, from scratch. */
            pq_error_release(c->err);
            return false;
        }
        json_object_iter_set_new(m, it, val);
        it = json_object_iter_next(m, it);
    }
    return it == NULL;
}

static pq_status literal_eval(const struct pq_expr *e, const json_t *params, bool shared, bool bare,
                              json_t *spare, json_t **out, struct pq_error *err)
{
    struct lctx c = {params, shared, bare, NULL, err, NULL, PQ_BUF_INIT};
    pq_buf_init(&c.path);
    *out = NULL;
    pq_status st = PQ_OK;
    if (spare && e->kind == PQ_E_TUPLE && eval_tuple_over(&c, e, spare)) {
        *out = spare;
        goto done;
    }
    if (spare) {
        json_object_clear(spare);
        c.spare = spare;
    }
    st = eval(&c, e, out);
    if (c.spare) json_decref(c.spare); /* not taken: `e` is no tuple */
done:
    pq_buf_release(&c.path);
    return st;
}

pq_status pq_literal_eval(const struct pq_expr *e, const json_t *params, json_t **out,
                          struct pq_error *err)
{
    return literal_eval(e, params, false, false, NULL, out, err);
}

pq_status pq_literal_eval_shared(const struct pq_expr *e, const json_t *params, json_t **out,
                                 struct pq_error *err)
{
    return literal_eval(e, params, true, false, NULL, out, err);
}

pq_status pq_literal_eval_item(const struct pq_expr *e, const json_t *params, json_t *spare,
                               json_t **out, struct pq_error *err)
{
    return literal_eval(e, params, true, e->kind == PQ_E_TUPLE, spare, out, err);
}

bool pq_literal_is_constant(const struct pq_expr *e)
{
    if (!e) return false;
    switch (e->kind) {
    case PQ_E_LIT:
    case PQ_E_PARAM:
        return true;
    case PQ_E_TUPLE:
    case PQ_E_LIST:
    case PQ_E_BAG:
        for (size_t i = 0; i < e->nitems; i++)
            if (!pq_literal_is_constant(e->items[i])) return false;
        return true;
    case PQ_E_UNARY:
        return (e->op == PQ_OP_NEG || e->op == PQ_OP_POS) && pq_literal_is_constant(e->lhs);
    default:
        return false;
    }
}
