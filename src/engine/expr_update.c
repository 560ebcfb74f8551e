/* expr_update.c — UpdateExpression: static checks and compilation into ev_update (§2.8).
 *
 * Checks in dynalite's precedence: size, syntax, reserved word, unknown
 * function, repeated clause, undefined name, undefined value, overlapping
 * then conflicting targets, ADD/DELETE operand types, then the function
 * checks (operand counts, document-path arguments, nesting, constant
 * operand types).
 */
#include "engine/expr_check.h"

#include <stdlib.h>
#include <string.h>

static const char *const clause_names[] = {"SET", "REMOVE", "ADD", "DELETE"};

/* ADD / DELETE name types in long form (§2.8). */
static const char *long_type(pq_type t)
{
    switch (t) {
    case PQ_T_S:
        return "STRING";
    case PQ_T_N:
        return "NUMBER";
    case PQ_T_B:
        return "BINARY";
    case PQ_T_BOOL:
        return "BOOLEAN";
    case PQ_T_NULL:
        return "NULL";
    case PQ_T_L:
        return "LIST";
    case PQ_T_M:
        return "MAP";
    default:
        return pq_type_name(t);
    }
}

static pq_status repeated_clause(struct xp_request *r, const struct xa_parsed *p,
                                 struct pq_error *err)
{
    bool seen[4] = {false, false, false, false};
    for (size_t i = 0; i < p->nclauses; i++) {
        xa_clause c = p->clauses[i].clause;
        if (seen[c])
            return xp_fail(r, XP_UPDATE, err,
                           "The \"%s\" section can only be used once in an update expression;",
                           clause_names[c]);
        seen[c] = true;
    }
    return PQ_OK;
}

static pq_status operand_type(struct xp_request *r, const char *what, const json_t *v,
                              struct pq_error *err)
{
    return xp_fail(r, XP_UPDATE, err,
                   "Incorrect operand type for operator or function; operator or function: %s, "
                   "operand type: %s",
                   what, pq_type_name(pq_value_type(v)));
}

/* The function checks of one SET value, kids first. `in_append`: the
 * direct argument of list_append. */
static pq_status check_value(struct xp_request *r, struct xa_parsed *p, const struct xa_node *n,
                             bool in_append, struct pq_error *err)
{
    pq_status st;
    char name[256] = "";
    if (n->kind == XA_CALL) xp_call_name(p, n, name, sizeof name);
    bool append = strcmp(name, "list_append") == 0;
    for (size_t i = 0; i < n->nkids; i++)
        if ((st = check_value(r, p, n->kids[i], append, err))) return st;
    if (n->kind == XA_CALL) {
        if (n->nkids != 2)
            return xp_fail(r, XP_UPDATE, err,
                           "Incorrect number of operands for operator or function; operator or "
                           "function: %s, number of operands: %zu",
                           name, n->nkids);
        if (append && in_append)
            return xp_fail(r, XP_UPDATE, err,
                           "The function is not allowed to be used this way in an expression; "
                           "function: list_append");
        if (!append && n->kids[0]->kind != XA_PATH)
            return xp_fail(r, XP_UPDATE, err,
                           "Operator or function requires a document path; operator or "
                           "function: if_not_exists");
        for (size_t i = 0; append && i < 2; i++) {
            if (n->kids[i]->kind != XA_VALUE) continue;
            const json_t *v = xp_value(r, p, n->kids[i]);
            if (pq_value_type(v) != PQ_T_L) return operand_type(r, "list_append", v, err);
        }
    }
    if (n->kind == XA_PLUS || n->kind == XA_MINUS) {
        for (size_t i = 0; i < 2; i++) {
            if (n->kids[i]->kind != XA_VALUE) continue;
            const json_t *v = xp_value(r, p, n->kids[i]);
            if (pq_value_type(v) != PQ_T_N)
                return operand_type(r, n->kind == XA_PLUS ? "+" : "-", v, err);
        }
    }
    return PQ_OK;
}

static struct ev_vx *compile_value(struct xp_request *r, struct xa_parsed *p,
                                   const struct xa_node *n)
{
    struct ev_vx *v = pq_xcalloc(1, sizeof *v);
    char name[256];
    switch (n->kind) {
    case XA_PATH:
        v->kind = EV_VX_PATH;
        v->path = xp_ev_path(p, n);
        break;
    case XA_VALUE:
        v->kind = EV_VX_CONST;
        v->value = json_deep_copy(xp_value(r, p, n));
        break;
    case XA_PLUS:
    case XA_MINUS:
        v->kind = n->kind == XA_PLUS ? EV_VX_ADD : EV_VX_SUB;
        v->a = compile_value(r, p, n->kids[0]);
        v->b = compile_value(r, p, n->kids[1]);
        break;
    default: /* a checked call */
        xp_call_name(p, n, name, sizeof name);
        if (strcmp(name, "list_append") == 0) {
            v->kind = EV_VX_LIST_APPEND;
            v->a = compile_value(r, p, n->kids[0]);
        } else {
            v->kind = EV_VX_IF_NOT_EXISTS;
            v->path = xp_ev_path(p, n->kids[0]);
        }
        v->b = compile_value(r, p, n->kids[1]);
        break;
    }
    return v;
}

pq_status xp_update(struct xp_request *r, const char *text, const struct ev_update **out,
                    struct pq_error *err)
{
    struct xa_parsed *p;
    *out = NULL;
    pq_status st = xp_parse(r, XP_UPDATE, XA_MODE_UPDATE, text, &p, err);
    xp_count_reset(r);
    if (!st) st = xp_walk(r, p, xp_v_path_shape, err);
    if (!st) st = xp_walk(r, p, xp_v_operators, err);
    if (!st) st = xp_walk(r, p, xp_v_parens, err);
    if (!st) st = xp_walk(r, p, xp_v_reserved, err);
    if (!st) st = xp_walk(r, p, xp_v_function_name, err);
    if (!st) st = repeated_clause(r, p, err);
    if (!st) st = xp_walk(r, p, xp_v_names, err);
    if (!st) st = xp_walk(r, p, xp_v_values, err);
    if (st) return st;

    struct xa_node **targets = pq_xcalloc(p->nactions, sizeof *targets);
    for (size_t i = 0; i < p->nactions; i++)
        targets[i] = p->actions[i].path;
    st = xp_check_clashes(r, XP_UPDATE, targets, p->nactions, err);
    free(targets);
    if (st) return st;

    for (size_t i = 0; i < p->nactions; i++) {
        const struct xa_action *a = &p->actions[i];
        if (a->clause != XA_ADD && a->clause != XA_DELETE) continue;
        const json_t *v = xp_value(r, p, a->value);
        pq_type t = pq_value_type(v);
        bool set = t == PQ_T_SS || t == PQ_T_NS || t == PQ_T_BS;
        if (set || (a->clause == XA_ADD && t == PQ_T_N)) continue;
        return xp_fail(r, XP_UPDATE, err,
                       "Incorrect operand type for operator or function; operator: %s, operand "
                       "type: %s",
                       clause_names[a->clause], long_type(t));
    }
    for (size_t i = 0; i < p->nactions; i++)
        if (p->actions[i].clause == XA_SET &&
            (st = check_value(r, p, p->actions[i].value, false, err)))
            return st;

    struct ev_update *u = pq_xcalloc(1, sizeof *u);
    u->acts = pq_xcalloc(p->nactions, sizeof *u->acts);
    u->n = p->nactions;
    for (size_t i = 0; i < p->nactions; i++) {
        const struct xa_action *a = &p->actions[i];
        static const ev_act_kind kinds[] = {EV_ACT_SET, EV_ACT_REMOVE, EV_ACT_ADD, EV_ACT_DELETE};
        u->acts[i].kind = kinds[a->clause];
        u->acts[i].path = xp_ev_path(p, a->path);
        if (a->value) u->acts[i].value = compile_value(r, p, a->value);
    }
    ev_trees_add_update(&r->trees, u);
    *out = u;
    return PQ_OK;
}

pq_status xp_update_check_table(const struct ev_update *u, const struct pq_table_meta *t,
                                struct pq_error *err)
{
    for (size_t i = 0; i < u->n; i++) {
        const char *root = u->acts[i].path.steps[0].name;
        if (strcmp(root, t->hash.name) == 0 || (t->range.name && strcmp(root, t->range.name) == 0))
            return pq_error_validation(err,
                                       "One or more parameter values were invalid: Cannot update "
                                       "attribute %s. This attribute is part of the key",
                                       root);
    }
    /* Index keys: a top-level SET of a constant of another type than the
     * index key's. */
    for (size_t i = 0; i < u->n; i++) {
        const struct ev_action *a = &u->acts[i];
        if (a->kind != EV_ACT_SET || a->path.nsteps != 1 || a->value->kind != EV_VX_CONST) continue;
        for (size_t x = 0; x < t->nindexes; x++) {
            const struct pq_index_meta *ix = &t->indexes[x];
            const struct pq_key_attr *keys[2 * PQ_IX_MAX_KEYS];
            size_t nkeys = index_key_attrs(ix, keys);
            for (size_t k = 0; k < nkeys; k++) {
                if (strcmp(keys[k]->name, a->path.steps[0].name) != 0) continue;
                pq_type got = pq_value_type(a->value->value);
                if (got == pq_type_from_name((char[]){keys[k]->type, 0})) continue;
                return pq_error_validation(err,
                                           "One or more parameter values were invalid: Type "
                                           "mismatch for Index Key %s Expected: %c Actual: %s "
                                           "IndexName: %s",
                                           keys[k]->name, keys[k]->type, pq_type_name(got),
                                           ix->name);
            }
        }
    }
    return PQ_OK;
}
