/* eval.c — WHERE conditions: compile a PartiQL expression once, test it on items (§4.3). */
#include "engine/eval.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pqsh/literal.h"

/* ---- positions and paths in messages ------------------------------------ */

static size_t count_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) c++;
    return c;
}

void ev_loc_suffix(struct pq_buf *b, const struct ev_ctx *cx, struct pq_loc loc)
{
    const char *text = cx->text;
    size_t len = cx->len;
    loc.start = loc.start > cx->base ? loc.start - cx->base : 0;
    loc.end = loc.end > cx->base ? loc.end - cx->base : 0;
    size_t start = loc.start < len ? loc.start : len;
    size_t end = loc.end < start ? start : (loc.end < len ? loc.end : len);
    size_t line = 1, line_start = 0;
    for (size_t i = 0; i < start; i++) {
        if (text[i] == '\n') {
            line++;
            line_start = i + 1;
        }
    }
    pq_buf_addf(b, " at %zu:%zu:%zu", line, count_chars(text + line_start, start - line_start) + 1,
                count_chars(text + start, end - start));
}

void ev_path_render(struct pq_buf *b, const struct pq_path_step *steps, size_t nsteps)
{
    pq_buf_addc(b, '[');
    for (size_t i = 0; i < nsteps; i++) {
        if (i) pq_buf_adds(b, ", ");
        if (steps[i].kind == PQ_STEP_NAME)
            pq_buf_adds(b, steps[i].name);
        else
            pq_buf_addf(b, "[%lld]", (long long)steps[i].index);
    }
    pq_buf_addc(b, ']');
}

const json_t *ev_path_get(const json_t *item, const struct pq_path_step *steps, size_t nsteps)
{
    if (!item || nsteps == 0 || steps[0].kind != PQ_STEP_NAME) return NULL;
    const json_t *v = json_object_get(item, steps[0].name);
    for (size_t i = 1; v && i < nsteps; i++) {
        const json_t *p = pq_value_payload(v);
        if (steps[i].kind == PQ_STEP_NAME) {
            v = pq_value_type(v) == PQ_T_M ? json_object_get(p, steps[i].name) : NULL;
        } else {
            bool ok = pq_value_type(v) == PQ_T_L && steps[i].index >= 0 &&
                      (size_t)steps[i].index < json_array_size(p);
            v = ok ? json_array_get(p, (size_t)steps[i].index) : NULL;
        }
    }
    return v;
}

bool ev_operand_is_attr(const struct ev_operand *o, const char *name)
{
    return o->kind == EV_O_PATH && o->path.nsteps == 1 && o->path.steps[0].kind == PQ_STEP_NAME &&
           strcmp(o->path.steps[0].name, name) == 0;
}

/* The first part of `e` that is not a constant (a path, an operator,
 * MISSING, a sign on something else than a number …), looking inside tuples,
 * lists and bags; NULL when pq_literal_eval can evaluate `e`. */
static const struct pq_expr *first_nonconstant(const struct pq_expr *e)
{
    if (e->kind == PQ_E_UNARY) { /* a sign applies to a number literal only: -'a', -? */
        const struct pq_expr *x = e;
        while (x->kind == PQ_E_UNARY && (x->op == PQ_OP_NEG || x->op == PQ_OP_POS) && x->lhs)
            x = x->lhs;
        return x->kind == PQ_E_LIT && pq_value_type(x->lit) == PQ_T_N ? NULL : e;
    }
    if (e->kind == PQ_E_TUPLE || e->kind == PQ_E_LIST || e->kind == PQ_E_BAG) {
        for (size_t i = 0; i < e->nitems; i++) {
            const struct pq_expr *c = first_nonconstant(e->items[i]);
            if (c) return c;
        }
        return NULL;
    }
    return pq_literal_is_constant(e) ? NULL : e;
}

/* A value that is not a constant where DynamoDB needs one (an INSERT item,
 * a collection operand) is refused like a function in an INSERT item (§4.4),
 * naming a path by its first attribute and anything else UNKNOWN (as
 * DynamoDB names an unknown type, §4.1). UNCONFIRMED: the service's message
 * for these. */
static pq_status constant_checked(const struct ev_ctx *cx, const struct pq_expr *e, pq_status st,
                                  struct pq_error *err)
{
    /* Evaluated first: a value evaluates only when it is constant all
     * through, so the walk for what is not constant (whose refusal comes
     * before any of the evaluation's) is needed only when it fails. */
    const struct pq_expr *bad = st ? first_nonconstant(e) : NULL;
    if (!bad) return st;
    const char *name = bad->kind == PQ_E_PATH && bad->nsteps && bad->steps[0].name
                           ? bad->steps[0].name
                           : "UNKNOWN";
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    pq_buf_addf(&b, "Unsupported data type: %s under key root", name);
    ev_loc_suffix(&b, cx, bad->loc);
    st = pq_error_validation(err, "%s", b.data);
    pq_buf_release(&b);
    return st;
}

pq_status ev_constant(const struct ev_ctx *cx, const struct pq_expr *e, json_t **out,
                      struct pq_error *err)
{
    return constant_checked(cx, e, pq_literal_eval(e, cx->params, out, err), err);
}

pq_status ev_constant_item(const struct ev_ctx *cx, const struct pq_expr *e, json_t *spare,
                           json_t **out, struct pq_error *err)
{
    return constant_checked(cx, e, pq_literal_eval_item(e, cx->params, spare, out, err), err);
}

void ev_conjuncts(struct ev_cond *const *c, struct ev_cond *const **kids, size_t *n)
{
    if (*c && (*c)->kind == EV_AND) {
        *kids = (*c)->kids;
        *n = (*c)->nkids;
    } else {
        *kids = c;
        *n = *c ? 1 : 0;
    }
}

/* ---- compilation -------------------------------------------------------- */

/* Functions DynamoDB accepts in a WHERE clause, with their operand counts. */
typedef enum fn_id {
    FN_NONE,
    FN_EXISTS,
    FN_NOT_EXISTS,
    FN_BEGINS,
    FN_CONTAINS,
    FN_TYPE,
    FN_SIZE
} fn_id;

static const struct {
    const char *name;
    fn_id id;
    size_t nargs;
} functions[] = {
    {"attribute_exists", FN_EXISTS, 1}, {"attribute_not_exists", FN_NOT_EXISTS, 1},
    {"begins_with", FN_BEGINS, 2},      {"contains", FN_CONTAINS, 2},
    {"attribute_type", FN_TYPE, 2},     {"size", FN_SIZE, 1},
};

static fn_id function_lookup(const char *name, size_t *nargs, const char **canon)
{
    for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++) {
        if (strcasecmp(name, functions[i].name) == 0) {
            *nargs = functions[i].nargs;
            *canon = functions[i].name;
            return functions[i].id;
        }
    }
    return FN_NONE;
}

static pq_status unrecognized_function(const struct ev_ctx *cx, const char *name, struct pq_loc loc,
                                       struct pq_error *err)
{
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    pq_buf_adds(&b, "Unrecognized function: ");
    for (const char *p = name; *p; p++)
        pq_buf_addc(&b, (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p));
    ev_loc_suffix(&b, cx, loc);
    pq_status st = pq_error_validation(err, "%s", b.data);
    pq_buf_release(&b);
    return st;
}

static pq_status operand_type_error(const char *fn, const json_t *v, struct pq_error *err)
{
    return pq_error_validation(err,
                               "Incorrect operand type for operator or function; operator or "
                               "function: %s, operand type: %s",
                               fn, pq_type_name(pq_value_type(v)));
}

static struct ev_cond *cond_new(ev_kind kind, struct pq_loc loc)
{
    struct ev_cond *c = pq_xcalloc(1, sizeof *c);
    c->kind = kind;
    c->loc = loc;
    return c;
}

static void operand_release(struct ev_operand *o)
{
    if (o->value) json_decref(o->value);
    ev_cond_free(o->cond);
}

/* An array of `n` owned conditions: an AND/OR's operands, a request's trees. */
static void conds_free(struct ev_cond **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ev_cond_free(v[i]);
    free(v);
}

static void conds_push(struct ev_cond ***v, size_t *n, struct ev_cond *c)
{
    *v = pq_xrealloc(*v, (*n + 1) * sizeof **v);
    (*v)[(*n)++] = c;
}

void ev_cond_free(struct ev_cond *c)
{
    if (!c) return;
    conds_free(c->kids, c->nkids);
    for (size_t i = 0; i < c->nops; i++)
        operand_release(&c->ops[i]);
    free(c->ops);
    free(c);
}

static void add_kid(struct ev_cond *c, struct ev_cond *kid)
{
    conds_push(&c->kids, &c->nkids, kid);
}

void ev_trees_add_cond(struct ev_trees *t, struct ev_cond *c)
{
    conds_push(&t->conds, &t->nconds, c);
}

void ev_trees_add_update(struct ev_trees *t, struct ev_update *u)
{
    t->updates = pq_xrealloc(t->updates, (t->nupdates + 1) * sizeof *t->updates);
    t->updates[t->nupdates++] = u;
}

void ev_trees_release(struct ev_trees *t)
{
    conds_free(t->conds, t->nconds);
    for (size_t i = 0; i < t->nupdates; i++)
        ev_update_free(t->updates[i]);
    free(t->updates);
    *t = (struct ev_trees){0};
}

static struct ev_operand *add_operand(struct ev_cond *c)
{
    c->ops = pq_xrealloc(c->ops, (c->nops + 1) * sizeof *c->ops);
    struct ev_operand *o = &c->ops[c->nops++];
    memset(o, 0, sizeof *o);
    return o;
}

static pq_status compile_cond(const struct ev_ctx *cx, const struct pq_expr *e,
                              struct ev_cond **out, struct pq_error *err);

static pq_status compile_call(const struct ev_ctx *cx, const struct pq_expr *e,
                              struct ev_cond **out, struct pq_error *err);

/* An operand position: a path, a constant, size(path), or a nested condition. */
static pq_status compile_operand(const struct ev_ctx *cx, const struct pq_expr *e,
                                 struct ev_operand *o, struct pq_error *err)
{
    o->loc = e->loc;
    switch (e->kind) {
    case PQ_E_MISSING:
        return pq_error_validation(err, "MISSING must be compared using IS operator");
    case PQ_E_PATH:
        o->kind = EV_O_PATH;
        o->path = (struct ev_path){e->steps, e->nsteps, e->loc};
        return PQ_OK;
    case PQ_E_CALL: {
        size_t nargs;
        const char *canon;
        if (function_lookup(e->name, &nargs, &canon) == FN_SIZE) {
            if (e->nitems != 1)
                return pq_error_validation(err,
                                           "Incorrect number of operands for operator or "
                                           "function; operator or function: size, number of "
                                           "operands: %zu",
                                           e->nitems);
            if (e->items[0]->kind != PQ_E_PATH) {
                if (e->items[0]->kind == PQ_E_MISSING)
                    return pq_error_validation(err, "MISSING must be compared using IS operator");
                return pq_error_validation(err, "Operator or function requires a document "
                                                "path; operator or function: size");
            }
            o->kind = EV_O_SIZE;
            o->path = (struct ev_path){e->items[0]->steps, e->items[0]->nsteps, e->items[0]->loc};
            return PQ_OK;
        }
        o->kind = EV_O_COND;
        return compile_call(cx, e, &o->cond, err);
    }
    case PQ_E_UNARY:
        /* -a, +size(a), -'s': the sign of something that is not a number literal. */
        if (e->op != PQ_OP_NOT && first_nonconstant(e))
            return pq_error_validation(err,
                                       "Unsupported operator in Condition Expression. "
                                       "Operator: %s",
                                       pq_op_text(e->op));
        break;
    case PQ_E_BINARY:
        if (e->op == PQ_OP_ADD || e->op == PQ_OP_SUB || e->op == PQ_OP_MUL || e->op == PQ_OP_DIV ||
            e->op == PQ_OP_MOD || e->op == PQ_OP_CONCAT)
            /* UNCONFIRMED: DynamoDB's condition language has no arithmetic;
             * the wording follows the update-expression message. */
            return pq_error_validation(err,
                                       "Unsupported operator in Condition Expression. "
                                       "Operator: %s",
                                       pq_op_text(e->op));
        break;
    default:
        break;
    }
    /* A collection holding a path ([a, 1]) or a :variable is neither a
     * constant nor a condition (compile_cond would hand it back here):
     * ev_constant refuses it. */
    if (pq_literal_is_constant(e) || e->kind == PQ_E_TUPLE || e->kind == PQ_E_LIST ||
        e->kind == PQ_E_BAG || e->kind == PQ_E_VAR) {
        o->kind = EV_O_CONST;
        return ev_constant(cx, e, &o->value, err);
    }
    o->kind = EV_O_COND;
    return compile_cond(cx, e, &o->cond, err);
}

static pq_status compile_call(const struct ev_ctx *cx, const struct pq_expr *e,
                              struct ev_cond **out, struct pq_error *err)
{
    size_t nargs;
    const char *canon;
    fn_id id = function_lookup(e->name, &nargs, &canon);
    if (id == FN_NONE) return unrecognized_function(cx, e->name, e->name_loc, err);
    if (e->nitems != nargs)
        return pq_error_validation(err,
                                   "Incorrect number of operands for operator or function; "
                                   "operator or function: %s, number of operands: %zu",
                                   canon, e->nitems);
    if (e->items[0]->kind != PQ_E_PATH) {
        if (e->items[0]->kind == PQ_E_MISSING)
            return pq_error_validation(err, "MISSING must be compared using IS operator");
        return pq_error_validation(err,
                                   "Operator or function requires a document path; operator "
                                   "or function: %s",
                                   canon);
    }
    static const ev_kind kinds[] = {
        [FN_EXISTS] = EV_EXISTS,     [FN_NOT_EXISTS] = EV_NOT_EXISTS, [FN_BEGINS] = EV_BEGINS,
        [FN_CONTAINS] = EV_CONTAINS, [FN_TYPE] = EV_ATTR_TYPE,
    };
    if (id == FN_SIZE) {
        /* size(path) alone is a value, not a condition: it is never BOOL true. */
        struct ev_cond *c = cond_new(EV_VALUE, e->loc);
        *out = c;
        return compile_operand(cx, e, add_operand(c), err);
    }
    struct ev_cond *c = cond_new(kinds[id], e->loc);
    *out = c;
    pq_status st;
    for (size_t i = 0; i < e->nitems; i++) {
        if ((st = compile_operand(cx, e->items[i], add_operand(c), err)) != PQ_OK) return st;
    }
    const struct ev_operand *arg = c->nops > 1 ? &c->ops[1] : NULL;
    if (id == FN_BEGINS && arg->kind == EV_O_CONST) {
        pq_type t = pq_value_type(arg->value);
        if (t != PQ_T_S && t != PQ_T_B) return operand_type_error(canon, arg->value, err);
    }
    if (id == FN_TYPE) {
        pq_type t = PQ_T_NONE;
        if (arg->kind == EV_O_CONST && pq_value_type(arg->value) == PQ_T_S)
            t = pq_type_from_name(json_string_value(pq_value_payload(arg->value)));
        if (t == PQ_T_NONE) {
            /* UNCONFIRMED for PartiQL: the text is the one ConditionExpression gives. */
            const char *shown = arg->kind == EV_O_CONST && pq_value_type(arg->value) == PQ_T_S
                                    ? json_string_value(pq_value_payload(arg->value))
                                    : "";
            return pq_error_validation(err,
                                       "Invalid attribute type name found; type: %s, valid "
                                       "types: { B,NULL,SS,BOOL,L,BS,N,NS,S,M }",
                                       shown);
        }
        c->type = t;
    }
    return PQ_OK;
}

/* IS <word>: MISSING, NULL or a PartiQL type name (§4.3). */
static pq_status compile_is(const struct ev_ctx *cx, const struct pq_expr *e, struct ev_cond **out,
                            struct pq_error *err)
{
    static const struct {
        const char *word;
        pq_type type;
    } types[] = {
        {"BOOLEAN", PQ_T_BOOL}, {"BOOL", PQ_T_BOOL}, {"NUMERIC", PQ_T_N}, {"STRING", PQ_T_S},
        {"BLOB", PQ_T_B},       {"STRUCT", PQ_T_M},  {"TUPLE", PQ_T_M},   {"LIST", PQ_T_L},
    };
    const char *word = e->name ? e->name : "";
    struct ev_cond *c;
    if (strcasecmp(word, "MISSING") == 0) {
        c = cond_new(EV_IS_MISSING, e->loc);
    } else if (strcasecmp(word, "NULL") == 0) {
        c = cond_new(EV_IS_NULL, e->loc);
    } else {
        pq_type t = PQ_T_NONE;
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
            if (strcasecmp(word, types[i].word) == 0) t = types[i].type;
        if (t == PQ_T_NONE)
            return pq_error_validation(err,
                                       "Unsupported data type for IS operator: %s. Supported "
                                       "data types are [MISSING, NULL, BOOLEAN, BLOB, STRING, "
                                       "NUMERIC, STRUCT, TUPLE, LIST]",
                                       word);
        c = cond_new(EV_IS_TYPE, e->loc);
        c->type = t;
    }
    c->negated = e->negated;
    *out = c;
    return compile_operand(cx, e->lhs, add_operand(c), err);
}

/* Ordering operators take S, N or B only; a constant of another type is a
 * static error (a stored attribute of another type just compares false). */
static pq_status check_ordered(const struct ev_cond *c, const char *opname, struct pq_error *err)
{
    for (size_t i = 0; i < c->nops; i++) {
        const struct ev_operand *o = &c->ops[i];
        if (o->kind != EV_O_CONST) continue;
        pq_type t = pq_value_type(o->value);
        if (t != PQ_T_S && t != PQ_T_N && t != PQ_T_B)
            return operand_type_error(opname, o->value, err);
    }
    return PQ_OK;
}

static pq_status compile_cond(const struct ev_ctx *cx, const struct pq_expr *e,
                              struct ev_cond **out, struct pq_error *err)
{
    pq_status st = PQ_OK;
    struct ev_cond *c = NULL;
    *out = NULL;
    switch (e->kind) {
    case PQ_E_BINARY:
        if (e->op == PQ_OP_AND || e->op == PQ_OP_OR) {
            ev_kind k = e->op == PQ_OP_AND ? EV_AND : EV_OR;
            c = cond_new(k, e->loc);
            *out = c;
            const struct pq_expr *sides[2] = {e->lhs, e->rhs};
            for (int i = 0; i < 2; i++) {
                struct ev_cond *kid;
                if ((st = compile_cond(cx, sides[i], &kid, err)) != PQ_OK) {
                    ev_cond_free(kid);
                    return st;
                }
                if (kid->kind == k) { /* flatten a AND (b AND c) */
                    for (size_t j = 0; j < kid->nkids; j++)
                        add_kid(c, kid->kids[j]);
                    kid->nkids = 0;
                    ev_cond_free(kid);
                } else {
                    add_kid(c, kid);
                }
            }
            return PQ_OK;
        }
        if (e->op >= PQ_OP_EQ && e->op <= PQ_OP_GE) {
            c = cond_new(EV_CMP, e->loc);
            c->op = e->op;
            *out = c;
            if ((st = compile_operand(cx, e->lhs, add_operand(c), err)) != PQ_OK) return st;
            if ((st = compile_operand(cx, e->rhs, add_operand(c), err)) != PQ_OK) return st;
            if (e->op != PQ_OP_EQ && e->op != PQ_OP_NE)
                return check_ordered(c, pq_op_text(e->op), err);
            return PQ_OK;
        }
        if (e->op == PQ_OP_LIKE)
            /* UNCONFIRMED: DynamoDB has no LIKE; modelled on "Unsupported operation: %s". */
            return pq_error_validation(err, "Unsupported operation: Like");
        break;
    case PQ_E_UNARY:
        if (e->op == PQ_OP_NOT) {
            c = cond_new(EV_NOT, e->loc);
            *out = c;
            struct ev_cond *kid = NULL;
            st = compile_cond(cx, e->lhs, &kid, err);
            add_kid(c, kid);
            return st;
        }
        break;
    case PQ_E_BETWEEN:
        c = cond_new(EV_BETWEEN, e->loc);
        c->negated = e->negated;
        *out = c;
        if ((st = compile_operand(cx, e->lhs, add_operand(c), err)) != PQ_OK) return st;
        for (size_t i = 0; i < e->nitems && i < 2; i++)
            if ((st = compile_operand(cx, e->items[i], add_operand(c), err)) != PQ_OK) return st;
        return check_ordered(c, "BETWEEN", err);
    case PQ_E_IN:
        if (e->lhs->kind != PQ_E_PATH || !e->rhs || e->rhs->kind != PQ_E_LIST ||
            e->rhs->nitems == 0)
            return pq_error_validation(err, "IN operator must have a left hand argument of type "
                                            "Variable Reference and right hand argument of type "
                                            "Seq with at least one member");
        /* DynamoDB allows at most 100 values in IN (50 when they pick
         * partitions, checked by the SELECT plan); the wording of this
         * message is UNCONFIRMED. */
        if (e->rhs->nitems > EV_MAX_IN_VALUES)
            return pq_error_validation(err,
                                       "IN operator must have at most %d members in its right "
                                       "hand argument of type Seq",
                                       EV_MAX_IN_VALUES);
        c = cond_new(EV_IN, e->loc);
        c->negated = e->negated;
        *out = c;
        if ((st = compile_operand(cx, e->lhs, add_operand(c), err)) != PQ_OK) return st;
        for (size_t i = 0; i < e->rhs->nitems; i++)
            if ((st = compile_operand(cx, e->rhs->items[i], add_operand(c), err)) != PQ_OK)
                return st;
        return PQ_OK;
    case PQ_E_IS:
        return compile_is(cx, e, out, err);
    case PQ_E_CALL:
        return compile_call(cx, e, out, err);
    case PQ_E_EXISTS: {
        /* EXISTS(...) inside WHERE is not a function DynamoDB knows. */
        struct pq_loc loc = {e->loc.start, e->loc.start + 6};
        return unrecognized_function(cx, "exists", loc, err);
    }
    default:
        break;
    }
    c = cond_new(EV_VALUE, e->loc);
    *out = c;
    return compile_operand(cx, e, add_operand(c), err);
}

pq_status ev_compile(const struct ev_ctx *cx, const struct pq_expr *e, struct ev_cond **out,
                     struct pq_error *err)
{
    struct ev_cond *c = NULL;
    pq_status st = compile_cond(cx, e, &c, err);
    if (st != PQ_OK) {
        ev_cond_free(c);
        c = NULL;
    }
    *out = c;
    return st;
}

/* ---- evaluation --------------------------------------------------------- */

static json_t *number_value(size_t n)
{
    char text[32];
    int len = snprintf(text, sizeof text, "%zu", n);
    struct pq_decimal d;
    if (pq_decimal_parse(text, (size_t)len, &d) != PQ_DEC_OK) return NULL;
    return pq_value_new_n(&d);
}

/* size(): string bytes (UTF-8; the unit for multibyte text is UNCONFIRMED),
 * binary bytes, element count of sets, lists and maps; MISSING otherwise. */
json_t *ev_size_of(const json_t *v)
{
    const json_t *p = pq_value_payload(v);
    switch (pq_value_type(v)) {
    case PQ_T_S:
        return number_value(json_string_length(p));
    case PQ_T_B: {
        struct pq_buf b = PQ_BUF_INIT;
        pq_buf_init(&b);
        bool ok = pq_base64_decode(json_string_value(p), json_string_length(p), &b);
        json_t *r = ok ? number_value(b.len) : NULL;
        pq_buf_release(&b);
        return r;
    }
    case PQ_T_SS:
    case PQ_T_NS:
    case PQ_T_BS:
    case PQ_T_L:
        return number_value(json_array_size(p));
    case PQ_T_M:
        return number_value(json_object_size(p));
    default:
        return NULL;
    }
}

/* Value of an operand on `item`: a new reference, NULL for MISSING. */
static json_t *operand_eval(const struct ev_operand *o, const json_t *item)
{
    switch (o->kind) {
    case EV_O_CONST:
        return json_incref(o->value);
    case EV_O_PATH:
        return json_incref((json_t *)ev_path_get(item, o->path.steps, o->path.nsteps));
    case EV_O_SIZE: {
        const json_t *v = ev_path_get(item, o->path.steps, o->path.nsteps);
        return v ? ev_size_of(v) : NULL;
    }
    case EV_O_COND:
        return pq_value_new_bool(ev_test(o->cond, item));
    }
    return NULL;
}

static bool bytes_of(const json_t *v, struct pq_buf *out)
{
    const json_t *p = pq_value_payload(v);
    if (pq_value_type(v) == PQ_T_S) {
        pq_buf_add(out, json_string_value(p), json_string_length(p));
        return true;
    }
    return pq_value_type(v) == PQ_T_B &&
           pq_base64_decode(json_string_value(p), json_string_length(p), out);
}

static bool begins_with(const json_t *v, const json_t *prefix)
{
    if (pq_value_type(v) != pq_value_type(prefix)) return false;
    struct pq_buf a = PQ_BUF_INIT, b = PQ_BUF_INIT;
    pq_buf_init(&a);
    pq_buf_init(&b);
    bool r = bytes_of(v, &a) && bytes_of(prefix, &b) && b.len <= a.len &&
             memcmp(a.data, b.data, b.len) == 0;
    pq_buf_release(&a);
    pq_buf_release(&b);
    return r;
}

static pq_type set_member_type(pq_type set)
{
    return set == PQ_T_SS ? PQ_T_S : set == PQ_T_NS ? PQ_T_N : set == PQ_T_BS ? PQ_T_B : PQ_T_NONE;
}

/* contains(): substring of a string, byte substring of a binary, member of
 * a set, element of a list. */
static bool contains(const json_t *v, const json_t *x)
{
    pq_type t = pq_value_type(v);
    const json_t *p = pq_value_payload(v);
    if (t == PQ_T_B) {
        if (pq_value_type(x) != PQ_T_B) return false;
        struct pq_buf a = PQ_BUF_INIT, b = PQ_BUF_INIT;
        pq_buf_init(&a);
        pq_buf_init(&b);
        bool r = bytes_of(v, &a) && bytes_of(x, &b) && b.len <= a.len;
        bool found = r && b.len == 0;
        for (size_t i = 0; r && !found && i + b.len <= a.len; i++)
            found = memcmp(a.data + i, b.data, b.len) == 0;
        pq_buf_release(&a);
        pq_buf_release(&b);
        return found;
    }
    if (t == PQ_T_S) {
        if (pq_value_type(x) != PQ_T_S) return false;
        const json_t *xp = pq_value_payload(x);
        size_t n = json_string_length(p), m = json_string_length(xp);
        const char *s = json_string_value(p), *sub = json_string_value(xp);
        if (m == 0) return true;
        for (size_t i = 0; i + m <= n; i++)
            if (memcmp(s + i, sub, m) == 0) return true;
        return false;
    }
    if (t == PQ_T_L) {
        for (size_t i = 0; i < json_array_size(p); i++)
            if (pq_value_equal(json_array_get(p, i), x)) return true;
        return false;
    }
    pq_type mt = set_member_type(t);
    if (mt == PQ_T_NONE || pq_value_type(x) != mt) return false;
    bool found = false;
    for (size_t i = 0; !found && i < json_array_size(p); i++) {
        json_t *m = pq_value_new(mt, json_incref(json_array_get(p, i)));
        found = pq_value_equal(m, x);
        json_decref(m);
    }
    return found;
}

static bool ordered(const json_t *a, const json_t *b, pq_op op)
{
    int cmp;
    if (!a || !b || !pq_value_compare(a, b, &cmp)) return false;
    switch (op) {
    case PQ_OP_LT:
        return cmp < 0;
    case PQ_OP_LE:
        return cmp <= 0;
    case PQ_OP_GT:
        return cmp > 0;
    case PQ_OP_GE:
        return cmp >= 0;
    default:
        return false;
    }
}

bool ev_test(const struct ev_cond *c, const json_t *item)
{
    if (!c) return true;
    bool r = false;
    json_t *v[3] = {NULL, NULL, NULL};
    switch (c->kind) {
    case EV_AND:
        for (size_t i = 0; i < c->nkids; i++)
            if (!ev_test(c->kids[i], item)) return false;
        return true;
    case EV_OR:
        for (size_t i = 0; i < c->nkids; i++)
            if (ev_test(c->kids[i], item)) return true;
        return false;
    case EV_NOT:
        return !ev_test(c->kids[0], item);
    case EV_IN:
        v[0] = operand_eval(&c->ops[0], item);
        for (size_t i = 1; v[0] && !r && i < c->nops; i++) {
            json_t *x = operand_eval(&c->ops[i], item);
            r = x && pq_value_equal(v[0], x);
            if (x) json_decref(x);
        }
        r = r != c->negated;
        goto out;
    default:
        break;
    }
    for (size_t i = 0; i < c->nops && i < 3; i++)
        v[i] = operand_eval(&c->ops[i], item);
    switch (c->kind) {
    case EV_CMP:
        if (c->op == PQ_OP_EQ || c->op == PQ_OP_NE)
            r = (v[0] && v[1] && pq_value_equal(v[0], v[1])) == (c->op == PQ_OP_EQ);
        else
            r = ordered(v[0], v[1], c->op);
        break;
    case EV_BETWEEN:
        r = ordered(v[0], v[1], PQ_OP_GE) && ordered(v[0], v[2], PQ_OP_LE);
        r = r != c->negated;
        break;
    case EV_IS_MISSING:
        r = (v[0] == NULL) != c->negated;
        break;
    case EV_IS_NULL:
        r = (v[0] && pq_value_type(v[0]) == PQ_T_NULL) != c->negated;
        break;
    case EV_IS_TYPE:
        r = (v[0] && pq_value_type(v[0]) == c->type) != c->negated;
        break;
    case EV_EXISTS:
        r = v[0] != NULL;
        break;
    case EV_NOT_EXISTS:
        r = v[0] == NULL;
        break;
    case EV_BEGINS:
        r = v[0] && v[1] && begins_with(v[0], v[1]);
        break;
    case EV_CONTAINS:
        r = v[0] && v[1] && contains(v[0], v[1]);
        break;
    case EV_ATTR_TYPE:
        r = v[0] && pq_value_type(v[0]) == c->type;
        break;
    case EV_VALUE:
        r = v[0] && pq_value_type(v[0]) == PQ_T_BOOL && json_is_true(pq_value_payload(v[0]));
        break;
    default:
        break;
    }
out:
    for (int i = 0; i < 3; i++)
        if (v[i]) json_decref(v[i]);
    return r;
}
