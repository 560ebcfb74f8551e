/* expr_check.c — the static checks of the expression language (§2.3–§2.5, §2.9, §2.10). */
#include "engine/expr_check.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "expr.tab.h"
#include "pqsh/parse.h"

/* ---- walking ------------------------------------------------------------ */

static pq_status walk_node(struct xp_request *r, struct xa_parsed *p, struct xa_node *n,
                           xp_visit fn, struct pq_error *err)
{
    if (!n) return PQ_OK;
    pq_status st = fn(r, p, n, err);
    for (size_t i = 0; !st && i < n->nkids; i++)
        st = walk_node(r, p, n->kids[i], fn, err);
    return st;
}

pq_status xp_walk(struct xp_request *r, struct xa_parsed *p, xp_visit fn, struct pq_error *err)
{
    pq_status st = walk_node(r, p, p->root, fn, err);
    for (size_t i = 0; !st && i < p->npaths; i++)
        st = walk_node(r, p, p->paths[i], fn, err);
    for (size_t i = 0; !st && i < p->nactions; i++) {
        st = walk_node(r, p, p->actions[i].path, fn, err);
        if (!st) st = walk_node(r, p, p->actions[i].value, fn, err);
    }
    return st;
}

const char *xp_call_name(const struct xa_parsed *p, const struct xa_node *n, char *buf, size_t cap)
{
    size_t len;
    const char *t = xa_tok_text(p, n->name_tok, &len);
    if (len >= cap) len = cap - 1;
    memcpy(buf, t, len);
    buf[len] = '\0';
    return buf;
}

/* ---- visitors ----------------------------------------------------------- */

pq_status xp_v_path_shape(struct xp_request *r, struct xa_parsed *p, struct xa_node *n,
                          struct pq_error *err)
{
    if (n->kind != XA_PATH) return PQ_OK;
    for (size_t i = 0; i < n->nelems; i++) {
        struct xa_elem *e = &n->elems[i];
        if (!e->is_index) continue;
        size_t len;
        const char *t = xa_tok_text(p, e->tok, &len);
        int64_t v = 0;
        for (size_t j = 0; j < len && v >= 0; j++) {
            v = v * 10 + (t[j] - '0');
            if (v > INT32_MAX) v = -1;
        }
        e->index = v;
        if (v < 0)
            return xp_fail(r, p->param, err,
                           "List index is not within the allowable range; index: [%.*s]", (int)len,
                           t);
    }
    if (n->nelems > XP_MAX_DEPTH)
        return xp_fail(r, p->param, err,
                       "The document path has too many nesting levels; nesting levels: %zu",
                       n->nelems);
    return PQ_OK;
}

void xp_count_reset(struct xp_request *r)
{
    r->count = 0;
}

pq_status xp_v_operators(struct xp_request *r, struct xa_parsed *p, struct xa_node *n,
                         struct pq_error *err)
{
    switch (n->kind) {
    case XA_CMP:
    case XA_BETWEEN:
    case XA_IN:
    case XA_AND:
    case XA_OR:
    case XA_NOT:
    case XA_PLUS:
    case XA_MINUS:
        if (++r->count > XP_MAX_OPERATORS)
            return xp_fail(r, p->param, err,
                           "The expression contains too many operators; operator count: %zu",
                           r->count);
        break;
    default:
        break;
    }
    return PQ_OK;
}

pq_status xp_v_parens(struct xp_request *r, struct xa_parsed *p, struct xa_node *n,
                      struct pq_error *err)
{
    if (n->parens > 1)
        return xp_fail(r, p->param, err, "The expression has redundant parentheses;");
    return PQ_OK;
}

static const char *const condition_functions[] = {"attribute_exists",
                                                  "attribute_not_exists",
                                                  "attribute_type",
                                                  "begins_with",
                                                  "contains",
                                                  "size",
                                                  NULL};
static const char *const update_functions[] = {"if_not_exists", "list_append", NULL};

/* Function names are case-sensitive (§2.1). */
static bool known_function(const struct xa_parsed *p, const char *name)
{
    const char *const *list = p->mode == XA_MODE_UPDATE ? update_functions : condition_functions;
    for (; *list; list++)
        if (strcmp(*list, name) == 0) return true;
    return false;
}

pq_status xp_v_function_name(struct xp_request *r, struct xa_parsed *p, struct xa_node *n,
                             struct pq_error *err)
{
    if (n->kind != XA_CALL) return PQ_OK;
    char name[256];
    xp_call_name(p, n, name, sizeof name);
    if (!known_function(p, name))
        return xp_fail(r, p->param, err, "Invalid function name; function: %s", name);
    return PQ_OK;
}

pq_status xp_v_reserved(struct xp_request *r, struct xa_parsed *p, struct xa_node *n,
                        struct pq_error *err)
{
    if (n->kind != XA_PATH) return PQ_OK;
    for (size_t i = 0; i < n->nelems; i++) {
        if (n->elems[i].is_ref || n->elems[i].is_index) continue;
        size_t len;
        const char *t = xa_tok_text(p, n->elems[i].tok, &len);
        if (pq_is_expression_reserved_word(t, len))
            return xp_fail(r, p->param, err,
                           "Attribute name is a reserved keyword; reserved keyword: %.*s", (int)len,
                           t);
    }
    return PQ_OK;
}

pq_status xp_v_names(struct xp_request *r, struct xa_parsed *p, struct xa_node *n,
                     struct pq_error *err)
{
    if (n->kind != XA_PATH || n->steps) return PQ_OK;
    struct pq_path_step *steps = pq_xcalloc(n->nelems, sizeof *steps);
    for (size_t i = 0; i < n->nelems; i++) {
        const struct xa_elem *e = &n->elems[i];
        size_t len;
        const char *t = xa_tok_text(p, e->tok, &len);
        steps[i].loc = (struct pq_loc){p->toks[e->tok].start, p->toks[e->tok].end};
        if (e->is_index) {
            steps[i].kind = PQ_STEP_INDEX;
            steps[i].index = e->index;
            continue;
        }
        steps[i].kind = PQ_STEP_NAME;
        if (!e->is_ref) {
            steps[i].name = pq_xstrndup(t, len);
            continue;
        }
        char *key = pq_xstrndup(t, len);
        const json_t *v = r->names ? json_object_get(r->names, key) : NULL;
        if (!v) {
            for (size_t j = 0; j < i; j++)
                free(steps[j].name);
            free(steps);
            pq_status st = xp_fail(r, p->param, err,
                                   "An expression attribute name used in the document path is "
                                   "not defined; attribute name: %s",
                                   key);
            free(key);
            return st;
        }
        json_object_set_new(r->used_names, key, json_true());
        free(key);
        steps[i].name = pq_xstrndup(json_string_value(v), json_string_length(v));
    }
    n->steps = steps;
    return PQ_OK;
}

const json_t *xp_value(const struct xp_request *r, const struct xa_parsed *p,
                       const struct xa_node *n)
{
    size_t len;
    const char *t = xa_tok_text(p, n->name_tok, &len);
    char key[300];
    if (!r->values || len >= sizeof key) return NULL;
    memcpy(key, t, len);
    key[len] = '\0';
    return json_object_get(r->values, key);
}

pq_status xp_v_values(struct xp_request *r, struct xa_parsed *p, struct xa_node *n,
                      struct pq_error *err)
{
    if (n->kind != XA_VALUE) return PQ_OK;
    size_t len;
    const char *t = xa_tok_text(p, n->name_tok, &len);
    if (!xp_value(r, p, n))
        return xp_fail(r, p->param, err,
                       "An expression attribute value used in expression is not defined; "
                       "attribute value: %.*s",
                       (int)len, t);
    char *key = pq_xstrndup(t, len);
    json_object_set_new(r->used_values, key, json_true());
    free(key);
    return PQ_OK;
}

void xp_path_render(struct pq_buf *b, const struct xa_node *n)
{
    ev_path_render(b, n->steps, n->nelems);
}

static bool step_equal(const struct pq_path_step *x, const struct pq_path_step *y)
{
    if (x->kind != y->kind) return false;
    return x->kind == PQ_STEP_NAME ? strcmp(x->name, y->name) == 0 : x->index == y->index;
}

int xp_paths_clash(const struct xa_node *a, const struct xa_node *b)
{
    size_t n = a->nelems < b->nelems ? a->nelems : b->nelems;
    for (size_t i = 0; i < n; i++) {
        if (a->steps[i].kind != b->steps[i].kind) return 2;
        if (!step_equal(&a->steps[i], &b->steps[i])) return 0;
    }
    return 1;
}

/* ---- conditions --------------------------------------------------------- */

static bool is_condition(const struct xa_node *n)
{
    return n->kind == XA_CMP || n->kind == XA_BETWEEN || n->kind == XA_IN || n->kind == XA_AND ||
           n->kind == XA_OR || n->kind == XA_NOT;
}

/* The narrower grammar's syntax errors (see expr.y): an operand where a
 * condition must be, a condition where an operand must be. *tok is the
 * first token the narrower grammar would refuse. */
static void shape(const struct xa_node *n, bool want_condition, size_t *tok)
{
    bool bad = n->kind != XA_CALL && is_condition(n) != want_condition;
    if (bad && n->last_tok + 1 < *tok) *tok = n->last_tok + 1;
    bool kids_conditions = n->kind == XA_AND || n->kind == XA_OR || n->kind == XA_NOT;
    for (size_t i = 0; i < n->nkids; i++)
        shape(n->kids[i], kids_conditions, tok);
}

static bool is_boolean_function(const char *name)
{
    return strcmp(name, "size") != 0;
}

/* Boolean functions used as values, size() used as a condition, and
 * functions as arguments of functions. */
static pq_status misuse(struct xp_request *r, struct xa_parsed *p, const struct xa_node *n,
                        bool want_condition, bool in_call, struct pq_error *err)
{
    if (n->kind == XA_CALL) {
        char name[256];
        xp_call_name(p, n, name, sizeof name);
        if (in_call || is_boolean_function(name) != want_condition)
            return xp_fail(r, p->param, err,
                           "The function is not allowed to be used this way in an expression; "
                           "function: %s",
                           name);
    }
    bool kids_conditions = n->kind == XA_AND || n->kind == XA_OR || n->kind == XA_NOT;
    for (size_t i = 0; i < n->nkids; i++) {
        pq_status st = misuse(r, p, n->kids[i], kids_conditions, n->kind == XA_CALL, err);
        if (st) return st;
    }
    return PQ_OK;
}

static pq_status operand_type(struct xp_request *r, struct xa_parsed *p, const char *what,
                              const json_t *v, struct pq_error *err)
{
    return xp_fail(r, p->param, err,
                   "Incorrect operand type for operator or function; operator or function: %s, "
                   "operand type: %s",
                   what, pq_type_name(pq_value_type(v)));
}

static bool orderable(const json_t *v)
{
    pq_type t = pq_value_type(v);
    return t == PQ_T_S || t == PQ_T_N || t == PQ_T_B;
}

static void render_value(struct pq_buf *b, const json_t *v)
{
    const json_t *pl = pq_value_payload(v);
    pq_buf_addf(b, "AttributeValue: {%s:", pq_type_name(pq_value_type(v)));
    if (json_is_string(pl)) pq_buf_add(b, json_string_value(pl), json_string_length(pl));
    pq_buf_addc(b, '}');
}

/* "The first operand must be distinct …" when a later operand is the same path. */
static pq_status distinct(struct xp_request *r, struct xa_parsed *p, const struct xa_node *n,
                          const char *what, struct pq_error *err)
{
    const struct xa_node *first = n->kids[0];
    if (first->kind != XA_PATH) return PQ_OK;
    for (size_t i = 1; i < n->nkids; i++) {
        const struct xa_node *o = n->kids[i];
        if (o->kind != XA_PATH || o->nelems != first->nelems || xp_paths_clash(first, o) != 1)
            continue;
        struct pq_buf b = PQ_BUF_INIT;
        pq_buf_init(&b);
        xp_path_render(&b, first);
        pq_status st = xp_fail(r, p->param, err,
                               "The first operand must be distinct from the remaining operands "
                               "for this operator or function; operator: %s, first operand: %s",
                               what, b.data);
        pq_buf_release(&b);
        return st;
    }
    return PQ_OK;
}

static const struct {
    const char *name;
    size_t nargs;
} arity[] = {{"attribute_exists", 1}, {"attribute_not_exists", 1},
             {"attribute_type", 2},   {"begins_with", 2},
             {"contains", 2},         {"size", 1}};

static pq_status check_call(struct xp_request *r, struct xa_parsed *p, const struct xa_node *n,
                            struct pq_error *err)
{
    char name[256];
    xp_call_name(p, n, name, sizeof name);
    for (size_t i = 0; i < sizeof arity / sizeof arity[0]; i++)
        if (strcmp(arity[i].name, name) == 0 && arity[i].nargs != n->nkids)
            return xp_fail(r, p->param, err,
                           "Incorrect number of operands for operator or function; operator or "
                           "function: %s, number of operands: %zu",
                           name, n->nkids);
    bool needs_path = strcmp(name, "attribute_exists") == 0 ||
                      strcmp(name, "attribute_not_exists") == 0 ||
                      strcmp(name, "attribute_type") == 0;
    if (needs_path && n->kids[0]->kind != XA_PATH)
        return xp_fail(r, p->param, err,
                       "Operator or function requires a document path; operator or function: %s",
                       name);
    pq_status st;
    if (n->nkids > 1 && (st = distinct(r, p, n, name, err))) return st;
    if (strcmp(name, "attribute_type") == 0) {
        const struct xa_node *t = n->kids[1];
        /* UNCONFIRMED: a path as the type operand; refused like a constant
         * of the wrong type, naming it PATH. */
        if (t->kind != XA_VALUE)
            return xp_fail(r, p->param, err,
                           "Incorrect operand type for operator or function; operator or "
                           "function: attribute_type, operand type: PATH");
        const json_t *v = xp_value(r, p, t);
        if (pq_value_type(v) != PQ_T_S) return operand_type(r, p, name, v, err);
        const char *code = json_string_value(pq_value_payload(v));
        if (pq_type_from_name(code) == PQ_T_NONE)
            return xp_fail(r, p->param, err,
                           "Invalid attribute type name found; type: %s, valid types: "
                           "{B,NULL,SS,BOOL,L,BS,N,NS,S,M}",
                           code);
    }
    if (strcmp(name, "begins_with") == 0) {
        for (size_t i = 0; i < 2; i++) {
            if (n->kids[i]->kind != XA_VALUE) continue;
            const json_t *v = xp_value(r, p, n->kids[i]);
            pq_type t = pq_value_type(v);
            if (t != PQ_T_S && t != PQ_T_B) return operand_type(r, p, name, v, err);
        }
    }
    if (strcmp(name, "size") == 0 && n->kids[0]->kind == XA_VALUE) {
        const json_t *v = xp_value(r, p, n->kids[0]);
        pq_type t = pq_value_type(v);
        if (t == PQ_T_N || t == PQ_T_BOOL || t == PQ_T_NULL)
            return operand_type(r, p, name, v, err);
    }
    return PQ_OK;
}

static pq_status check_between(struct xp_request *r, struct xa_parsed *p, const struct xa_node *n,
                               struct pq_error *err)
{
    pq_status st;
    if ((st = distinct(r, p, n, "BETWEEN", err))) return st;
    const json_t *b[3] = {NULL, NULL, NULL};
    for (size_t i = 0; i < 3; i++) {
        if (n->kids[i]->kind != XA_VALUE) continue;
        b[i] = xp_value(r, p, n->kids[i]);
        /* UNCONFIRMED text (§2.5): modelled on the other operand-type messages. */
        if (!orderable(b[i])) return operand_type(r, p, "BETWEEN", b[i], err);
    }
    if (!b[1] || !b[2]) return PQ_OK;
    struct pq_buf m = PQ_BUF_INIT;
    pq_buf_init(&m);
    pq_buf_adds(&m, "lower bound operand: ");
    render_value(&m, b[1]);
    pq_buf_adds(&m, ", upper bound operand: ");
    render_value(&m, b[2]);
    int c = 0;
    if (pq_value_type(b[1]) != pq_value_type(b[2]))
        st = xp_fail(r, p->param, err,
                     "The BETWEEN operator requires same data type for lower and upper bounds; %s",
                     m.data);
    else if (pq_value_compare(b[1], b[2], &c) && c > 0)
        st = xp_fail(r, p->param, err,
                     "The BETWEEN operator requires upper bound to be greater than or equal to "
                     "lower bound; %s",
                     m.data);
    pq_buf_release(&m);
    return st;
}

/* Undefined references, operand counts, repeated operands and constant
 * types, the first in parse order (kids before their operator). */
static pq_status semantic(struct xp_request *r, struct xa_parsed *p, struct xa_node *n,
                          struct pq_error *err)
{
    pq_status st;
    if (n->kind == XA_PATH) return xp_v_names(r, p, n, err);
    if (n->kind == XA_VALUE) return xp_v_values(r, p, n, err);
    for (size_t i = 0; i < n->nkids; i++)
        if ((st = semantic(r, p, n->kids[i], err))) return st;
    switch (n->kind) {
    case XA_CALL:
        return check_call(r, p, n, err);
    case XA_CMP:
        if ((st = distinct(r, p, n, pq_op_text(n->op), err))) return st;
        if (n->op == PQ_OP_EQ || n->op == PQ_OP_NE) return PQ_OK;
        for (size_t i = 0; i < 2; i++) {
            if (n->kids[i]->kind != XA_VALUE) continue;
            const json_t *v = xp_value(r, p, n->kids[i]);
            /* UNCONFIRMED text (§2.5), the reference's suggestion. */
            if (!orderable(v)) return operand_type(r, p, pq_op_text(n->op), v, err);
        }
        return PQ_OK;
    case XA_BETWEEN:
        return check_between(r, p, n, err);
    case XA_IN:
        /* UNCONFIRMED text (§2.5); the left operand counts. */
        if (n->nkids > XP_MAX_IN_OPERANDS)
            return xp_fail(r, p->param, err,
                           "The IN operator is provided with too many operands; number of "
                           "operands: %zu",
                           n->nkids);
        return distinct(r, p, n, "IN", err);
    default:
        return PQ_OK;
    }
}

/* Syntax-level checks shared by conditions and key conditions. */
static pq_status check_common(struct xp_request *r, struct xa_parsed *p, struct pq_error *err)
{
    size_t tok = SIZE_MAX;
    shape(p->root, true, &tok);
    if (tok != SIZE_MAX) return xp_prefix(r, xa_syntax_error(p, tok, err), err);
    pq_status st;
    xp_count_reset(r);
    if ((st = xp_walk(r, p, xp_v_path_shape, err))) return st;
    if ((st = xp_walk(r, p, xp_v_operators, err))) return st;
    if ((st = xp_walk(r, p, xp_v_parens, err))) return st;
    if ((st = xp_walk(r, p, xp_v_function_name, err))) return st;
    if ((st = misuse(r, p, p->root, true, false, err))) return st;
    return xp_walk(r, p, xp_v_reserved, err);
}

pq_status xp_check_condition(struct xp_request *r, struct xa_parsed *p, struct pq_error *err)
{
    pq_status st = check_common(r, p, err);
    return st ? st : semantic(r, p, p->root, err);
}

/* begins_with's constants are S or B in a key condition too: a number sort
 * key has no prefix (`begins_with(sk, :n)` with :n an N is refused before
 * the schema is looked at, as in a ConditionExpression). */
static pq_status key_begins_operands(struct xp_request *r, struct xa_parsed *p, struct xa_node *n,
                                     struct pq_error *err)
{
    char name[32];
    if (n->kind != XA_CALL || strcmp(xp_call_name(p, n, name, sizeof name), "begins_with") != 0)
        return PQ_OK;
    for (size_t i = 0; i < n->nkids; i++) {
        if (n->kids[i]->kind != XA_VALUE) continue;
        const json_t *v = xp_value(r, p, n->kids[i]);
        pq_type t = pq_value_type(v);
        if (t != PQ_T_S && t != PQ_T_B) return operand_type(r, p, "begins_with", v, err);
    }
    return PQ_OK;
}

/* A key condition's BETWEEN bounds must be in order: AWS answers
 * "Invalid KeyConditionExpression: The BETWEEN operator requires upper
 * bound to be greater than or equal to lower bound; ..." before the
 * schema is looked at. Bounds of different or non-key types are left to
 * the schema check ("Condition parameter type does not match schema
 * type", tests/api/query.api). */
static pq_status key_between_bounds(struct xp_request *r, struct xa_parsed *p, struct xa_node *n,
                                    struct pq_error *err)
{
    if (n->kind != XA_BETWEEN || n->kids[1]->kind != XA_VALUE || n->kids[2]->kind != XA_VALUE)
        return PQ_OK;
    const json_t *lo = xp_value(r, p, n->kids[1]), *hi = xp_value(r, p, n->kids[2]);
    pq_type t = pq_value_type(lo);
    if (t != pq_value_type(hi) || (t != PQ_T_S && t != PQ_T_N && t != PQ_T_B)) return PQ_OK;
    return check_between(r, p, n, err);
}

pq_status xp_check_key_condition(struct xp_request *r, struct xa_parsed *p, struct pq_error *err)
{
    pq_status st = check_common(r, p, err);
    if (!st) st = xp_walk(r, p, xp_v_names, err);
    if (!st) st = xp_walk(r, p, xp_v_values, err);
    if (!st) st = xp_walk(r, p, key_begins_operands, err);
    if (!st) st = xp_walk(r, p, key_between_bounds, err);
    return st;
}
