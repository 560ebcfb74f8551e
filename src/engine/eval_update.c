/* eval_update.c — UPDATE's SET / REMOVE actions: compile once, apply to an item (§4.5). */
#include "engine/eval.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pqsh/literal.h"

static const char msg_operand_type[] =
    "An operand in the update expression has an incorrect data type";
static const char msg_no_attribute[] =
    "The provided expression refers to an attribute that does not exist in the item";
static const char msg_bad_path[] =
    "The document path provided in the update expression is invalid for update";

static void vx_free(struct ev_vx *v)
{
    if (!v) return;
    if (v->value) json_decref(v->value);
    vx_free(v->a);
    vx_free(v->b);
    free(v);
}

void ev_update_free(struct ev_update *u)
{
    if (!u) return;
    for (size_t i = 0; i < u->n; i++)
        vx_free(u->acts[i].value);
    free(u->acts);
    free(u);
}

static bool paths_equal(const struct ev_path *a, const struct pq_expr *e)
{
    if (e->kind != PQ_E_PATH || e->nsteps != a->nsteps) return false;
    for (size_t i = 0; i < a->nsteps; i++) {
        const struct pq_path_step *x = &a->steps[i], *y = &e->steps[i];
        if (x->kind != y->kind) return false;
        if (x->kind == PQ_STEP_NAME ? strcmp(x->name, y->name) != 0 : x->index != y->index)
            return false;
    }
    return true;
}

/* One path is a prefix of (or equal to) the other. */
static bool paths_overlap(const struct ev_path *a, const struct ev_path *b)
{
    size_t n = a->nsteps < b->nsteps ? a->nsteps : b->nsteps;
    for (size_t i = 0; i < n; i++) {
        const struct pq_path_step *x = &a->steps[i], *y = &b->steps[i];
        if (x->kind != y->kind) return false;
        if (x->kind == PQ_STEP_NAME ? strcmp(x->name, y->name) != 0 : x->index != y->index)
            return false;
    }
    return true;
}

static pq_status at_error(const struct ev_ctx *cx, struct pq_loc loc, struct pq_error *err,
                          const char *fmt, const char *arg)
{
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    pq_buf_addf(&b, fmt, arg);
    ev_loc_suffix(&b, cx, loc);
    pq_status st = pq_error_validation(err, "%s", b.data);
    pq_buf_release(&b);
    return st;
}

static void upper(char *dst, const char *src, size_t cap)
{
    size_t i = 0;
    for (; src[i] && i + 1 < cap; i++)
        dst[i] = (char)(src[i] >= 'a' && src[i] <= 'z' ? src[i] - 'a' + 'A' : src[i]);
    dst[i] = '\0';
}

static pq_status compile_value(const struct ev_ctx *cx, const struct pq_expr *e,
                               const struct ev_path *target, struct ev_vx **out,
                               struct pq_error *err);

/* set_add(path, <<…>>) / set_delete(path, <<…>>): the first argument must be
 * the assignment target, the second a set value (§4.5). Positions point at
 * the function name (UNCONFIRMED which token DynamoDB points at). */
static pq_status compile_set_fn(const struct ev_ctx *cx, const struct pq_expr *e,
                                const struct ev_path *target, struct ev_vx *v, struct pq_error *err)
{
    char fn[16];
    upper(fn, e->name, sizeof fn);
    if (e->nitems != 2)
        return at_error(cx, e->name_loc, err, "%s must have exactly two arguments", fn);
    if (!paths_equal(target, e->items[0]))
        return at_error(cx, e->name_loc, err,
                        "The first argument to %s must equal the assignment value", fn);
    v->path = *target;
    if (!pq_literal_is_constant(e->items[1]))
        return at_error(cx, e->name_loc, err,
                        "The second argument to %s must be a value with type SET", fn);
    pq_status st = ev_constant(cx, e->items[1], &v->value, err);
    if (st != PQ_OK) return st;
    pq_type t = pq_value_type(v->value);
    if (t != PQ_T_SS && t != PQ_T_NS && t != PQ_T_BS)
        return at_error(cx, e->name_loc, err,
                        "The second argument to %s must be a value with type SET", fn);
    return PQ_OK;
}

static pq_status compile_call(const struct ev_ctx *cx, const struct pq_expr *e,
                              const struct ev_path *target, struct ev_vx *v, struct pq_error *err)
{
    pq_status st;
    if (strcasecmp(e->name, "set_add") == 0 || strcasecmp(e->name, "set_delete") == 0) {
        v->kind = strcasecmp(e->name, "set_add") == 0 ? EV_VX_SET_ADD : EV_VX_SET_DELETE;
        return compile_set_fn(cx, e, target, v, err);
    }
    bool append = strcasecmp(e->name, "list_append") == 0;
    /* if_not_exists is UpdateItem's function; its use in PartiQL SET is
     * UNCONFIRMED but harmless to accept. */
    bool ifne = strcasecmp(e->name, "if_not_exists") == 0;
    if (!append && !ifne) {
        struct pq_buf b = PQ_BUF_INIT;
        pq_buf_init(&b);
        for (const char *p = e->name; *p; p++)
            pq_buf_addc(&b, (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p));
        st = at_error(cx, e->name_loc, err, "Unrecognized function: %s", b.data);
        pq_buf_release(&b);
        return st;
    }
    const char *canon = append ? "list_append" : "if_not_exists";
    if (e->nitems != 2)
        return pq_error_validation(err,
                                   "Incorrect number of operands for operator or function; "
                                   "operator or function: %s, number of operands: %zu",
                                   canon, e->nitems);
    v->kind = append ? EV_VX_LIST_APPEND : EV_VX_IF_NOT_EXISTS;
    if (ifne) {
        if (e->items[0]->kind != PQ_E_PATH)
            return pq_error_validation(err, "Operator or function requires a document path; "
                                            "operator or function: if_not_exists");
        v->path = (struct ev_path){e->items[0]->steps, e->items[0]->nsteps, e->items[0]->loc};
    } else if ((st = compile_value(cx, e->items[0], target, &v->a, err)) != PQ_OK) {
        return st;
    }
    if ((st = compile_value(cx, e->items[1], target, &v->b, err)) != PQ_OK) return st;
    if (append)
        for (struct ev_vx *x = v->a; x; x = x == v->a ? v->b : NULL)
            if (x->kind == EV_VX_CONST && pq_value_type(x->value) != PQ_T_L)
                return pq_error_validation(err, "%s", msg_operand_type);
    return PQ_OK;
}

static pq_status compile_value(const struct ev_ctx *cx, const struct pq_expr *e,
                               const struct ev_path *target, struct ev_vx **out,
                               struct pq_error *err)
{
    struct ev_vx *v = pq_xcalloc(1, sizeof *v);
    *out = v;
    pq_status st;
    switch (e->kind) {
    case PQ_E_PATH:
        v->kind = EV_VX_PATH;
        v->path = (struct ev_path){e->steps, e->nsteps, e->loc};
        return PQ_OK;
    case PQ_E_MISSING:
        return pq_error_validation(err, "MISSING must be compared using IS operator");
    case PQ_E_IS:
        return pq_error_validation(err, "IS operator is not supported in update expressions");
    case PQ_E_CALL:
        return compile_call(cx, e, target, v, err);
    case PQ_E_BINARY:
        if (e->op != PQ_OP_ADD && e->op != PQ_OP_SUB) break;
        v->kind = e->op == PQ_OP_ADD ? EV_VX_ADD : EV_VX_SUB;
        if ((st = compile_value(cx, e->lhs, target, &v->a, err)) != PQ_OK) return st;
        if ((st = compile_value(cx, e->rhs, target, &v->b, err)) != PQ_OK) return st;
        if ((v->a->kind == EV_VX_CONST && pq_value_type(v->a->value) != PQ_T_N) ||
            (v->b->kind == EV_VX_CONST && pq_value_type(v->b->value) != PQ_T_N))
            return pq_error_validation(err, "%s", msg_operand_type);
        return PQ_OK;
    default:
        break;
    }
    if (pq_literal_is_constant(e)) {
        v->kind = EV_VX_CONST;
        return ev_constant(cx, e, &v->value, err);
    }
    const char *name = pq_op_text(e->op);
    if (e->kind == PQ_E_BETWEEN) name = "BETWEEN";
    if (e->kind == PQ_E_IN) name = "IN";
    return pq_error_validation(err, "Unsupported operator in Update Expression. Operator: %s",
                               name);
}

pq_status ev_update_compile(const struct ev_ctx *cx, const struct pq_update_op *ops, size_t n,
                            const struct pq_table_meta *t, struct ev_update **out,
                            struct pq_error *err)
{
    pq_status st = PQ_OK;
    struct ev_update *u = pq_xcalloc(1, sizeof *u);
    u->acts = pq_xcalloc(n ? n : 1, sizeof *u->acts);
    for (size_t i = 0; i < n; i++) {
        const struct pq_expr *p = ops[i].path;
        struct ev_action *a = &u->acts[u->n++];
        a->kind = ops[i].kind == PQ_UPD_SET ? EV_ACT_SET : EV_ACT_REMOVE;
        a->path = (struct ev_path){p->steps, p->nsteps, p->loc};
        const char *root = p->nsteps ? p->steps[0].name : NULL;
        if (root && (strcmp(root, t->hash.name) == 0 ||
                     (t->range.name && strcmp(root, t->range.name) == 0))) {
            /* PartiQL's own text is UNCONFIRMED; this is UpdateItem's. */
            st = pq_error_validation(err,
                                     "One or more parameter values were invalid: Cannot update "
                                     "attribute %s. This attribute is part of the key",
                                     root);
            goto fail;
        }
        if (a->kind == EV_ACT_SET &&
            (st = compile_value(cx, ops[i].value, &a->path, &a->value, err)) != PQ_OK)
            goto fail;
    }
    /* UpdateItem's rule, which the PartiQL translation inherits (wording
     * UNCONFIRMED for PartiQL). */
    for (size_t i = 0; i < u->n; i++) {
        for (size_t j = i + 1; j < u->n; j++) {
            if (!paths_overlap(&u->acts[i].path, &u->acts[j].path)) continue;
            struct pq_buf b = PQ_BUF_INIT;
            pq_buf_init(&b);
            ev_path_render(&b, u->acts[i].path.steps, u->acts[i].path.nsteps);
            pq_buf_adds(&b, ", path two: ");
            ev_path_render(&b, u->acts[j].path.steps, u->acts[j].path.nsteps);
            st = pq_error_validation(err,
                                     "Invalid UpdateExpression: Two document paths overlap with "
                                     "each other; must remove or rewrite one of these paths; "
                                     "path one: %s",
                                     b.data);
            pq_buf_release(&b);
            goto fail;
        }
    }
    *out = u;
    return PQ_OK;
fail:
    ev_update_free(u);
    *out = NULL;
    return st;
}

/* ---- application -------------------------------------------------------- */

static pq_status set_op(pq_type t, const json_t *cur, const json_t *arg, bool add, json_t **out,
                        struct pq_error *err)
{
    *out = NULL;
    if (!cur) {
        if (add) *out = json_deep_copy(arg);
        return PQ_OK;
    }
    if (pq_value_type(cur) != t) return pq_error_validation(err, "%s", msg_operand_type);
    bool ok = add ? pq_value_set_union(cur, arg, out) : pq_value_set_difference(cur, arg, out);
    if (!ok) return pq_error_validation(err, "%s", msg_operand_type);
    return PQ_OK;
}

/* Computes a SET value from the original item. *out is a new reference, or
 * NULL when the attribute should end up absent (set_delete emptied it). */
static pq_status vx_eval(const struct ev_vx *v, const json_t *item, json_t **out,
                         struct pq_error *err)
{
    *out = NULL;
    json_t *a = NULL, *b = NULL;
    pq_status st = PQ_OK;
    const json_t *cur;
    switch (v->kind) {
    case EV_VX_CONST:
        *out = json_deep_copy(v->value);
        return PQ_OK;
    case EV_VX_PATH:
        cur = ev_path_get(item, v->path.steps, v->path.nsteps);
        if (!cur) return pq_error_validation(err, "%s", msg_no_attribute);
        *out = json_deep_copy(cur);
        return PQ_OK;
    case EV_VX_IF_NOT_EXISTS:
        cur = ev_path_get(item, v->path.steps, v->path.nsteps);
        if (cur) {
            *out = json_deep_copy(cur);
            return PQ_OK;
        }
        return vx_eval(v->b, item, out, err);
    case EV_VX_SET_ADD:
    case EV_VX_SET_DELETE:
        cur = ev_path_get(item, v->path.steps, v->path.nsteps);
        return set_op(pq_value_type(v->value), cur, v->value, v->kind == EV_VX_SET_ADD, out, err);
    default:
        break;
    }
    if ((st = vx_eval(v->a, item, &a, err)) != PQ_OK) goto out;
    if ((st = vx_eval(v->b, item, &b, err)) != PQ_OK) goto out;
    if (!a || !b) {
        st = pq_error_validation(err, "%s", msg_no_attribute);
        goto out;
    }
    if (v->kind == EV_VX_LIST_APPEND) {
        if (pq_value_type(a) != PQ_T_L || pq_value_type(b) != PQ_T_L) {
            st = pq_error_validation(err, "%s", msg_operand_type);
            goto out;
        }
        json_t *l = json_deep_copy(pq_value_payload(a));
        json_array_extend(l, pq_value_payload(b));
        *out = pq_value_new(PQ_T_L, l);
        goto out;
    }
    struct pq_decimal x, y, r;
    if (pq_value_type(a) != PQ_T_N || pq_value_type(b) != PQ_T_N ||
        pq_value_number(a, &x) != PQ_DEC_OK || pq_value_number(b, &y) != PQ_DEC_OK) {
        st = pq_error_validation(err, "%s", msg_operand_type);
        goto out;
    }
    pq_decimal_fail f =
        v->kind == EV_VX_ADD ? pq_decimal_add(&x, &y, &r) : pq_decimal_sub(&x, &y, &r);
    if (f != PQ_DEC_OK) {
        st = pq_error_validation(err, "%s", pq_decimal_fail_message(f));
        goto out;
    }
    *out = pq_value_new_n(&r);
out:
    if (a) json_decref(a);
    if (b) json_decref(b);
    return st;
}

/* The container that holds the last step of `p`, or NULL. */
static json_t *parent_of(json_t *item, const struct ev_path *p)
{
    return (json_t *)ev_path_get(item, p->steps, p->nsteps - 1);
}

/* Stores `v` (stolen; NULL removes) at path `p` of `item`. */
static pq_status path_store(json_t *item, const struct ev_path *p, json_t *v, struct pq_error *err)
{
    const struct pq_path_step *last = &p->steps[p->nsteps - 1];
    if (p->nsteps == 1) {
        if (v)
            json_object_set_new(item, last->name, v);
        else
            json_object_del(item, last->name);
        return PQ_OK;
    }
    json_t *parent = parent_of(item, p);
    json_t *payload = parent ? pq_value_payload(parent) : NULL;
    if (last->kind == PQ_STEP_NAME && parent && pq_value_type(parent) == PQ_T_M) {
        if (v)
            json_object_set_new(payload, last->name, v);
        else
            json_object_del(payload, last->name);
        return PQ_OK;
    }
    if (last->kind == PQ_STEP_INDEX && parent && pq_value_type(parent) == PQ_T_L &&
        last->index >= 0) {
        size_t i = (size_t)last->index, n = json_array_size(payload);
        if (!v) {
            if (i < n) json_array_remove(payload, i);
        } else if (i < n) {
            json_array_set_new(payload, i, v);
        } else {
            json_array_append_new(payload, v); /* past the end appends, as UpdateItem */
        }
        return PQ_OK;
    }
    if (v) json_decref(v);
    return pq_error_validation(err, "%s", msg_bad_path);
}

/* REMOVE actions on list elements run from the highest index down so that
 * every index names an element of the original list. */
static int remove_order(const void *x, const void *y)
{
    const struct ev_action *a = *(const struct ev_action *const *)x,
                           *b = *(const struct ev_action *const *)y;
    const struct pq_path_step *la = &a->path.steps[a->path.nsteps - 1];
    const struct pq_path_step *lb = &b->path.steps[b->path.nsteps - 1];
    int64_t ia = la->kind == PQ_STEP_INDEX ? la->index : -1;
    int64_t ib = lb->kind == PQ_STEP_INDEX ? lb->index : -1;
    return ia < ib ? 1 : ia > ib ? -1 : 0;
}

/* SET / ADD actions are stored in the order written, except that those
 * ending in a list index go last, by ascending index, so that several
 * appends past the end land in index order (§2.8). */
static int store_order(const void *x, const void *y)
{
    const struct ev_action *a = *(const struct ev_action *const *)x,
                           *b = *(const struct ev_action *const *)y;
    const struct pq_path_step *la = &a->path.steps[a->path.nsteps - 1];
    const struct pq_path_step *lb = &b->path.steps[b->path.nsteps - 1];
    int64_t ia = la->kind == PQ_STEP_INDEX ? la->index : -1;
    int64_t ib = lb->kind == PQ_STEP_INDEX ? lb->index : -1;
    if (ia != ib) return ia < ib ? -1 : 1;
    return a < b ? -1 : a > b; /* stable: actions live in one array */
}

/* UpdateExpression ADD: number + number (missing = 0), set ∪ set. */
static pq_status add_value(const json_t *cur, const json_t *arg, json_t **out, struct pq_error *err)
{
    *out = NULL;
    if (pq_value_type(arg) != PQ_T_N) return set_op(pq_value_type(arg), cur, arg, true, out, err);
    if (!cur) {
        *out = json_deep_copy(arg);
        return PQ_OK;
    }
    struct pq_decimal x, y, r;
    if (pq_value_type(cur) != PQ_T_N || pq_value_number(cur, &x) != PQ_DEC_OK ||
        pq_value_number(arg, &y) != PQ_DEC_OK)
        return pq_error_validation(err, "%s", msg_operand_type);
    pq_decimal_fail f = pq_decimal_add(&x, &y, &r);
    if (f != PQ_DEC_OK) return pq_error_validation(err, "%s", pq_decimal_fail_message(f));
    *out = pq_value_new_n(&r);
    return PQ_OK;
}

pq_status ev_update_apply(const struct ev_update *u, json_t *item, struct pq_error *err)
{
    return ev_update_apply_item(u, item, true, err);
}

pq_status ev_update_apply_item(const struct ev_update *u, json_t *item, bool existed,
                               struct pq_error *err)
{
    pq_status st = PQ_OK;
    json_t *orig = json_deep_copy(item);
    json_t **vals = pq_xcalloc(u->n ? u->n : 1, sizeof *vals);
    const struct ev_action **removes = pq_xcalloc(u->n ? u->n : 1, sizeof *removes);
    const struct ev_action **stores = pq_xcalloc(u->n ? u->n : 1, sizeof *stores);
    size_t nremoves = 0, nstores = 0;
    /* Every value is computed from the item as it was (§2.8). */
    for (size_t i = 0; i < u->n; i++) {
        const struct ev_action *a = &u->acts[i];
        const json_t *cur = a->kind == EV_ACT_SET || a->kind == EV_ACT_REMOVE
                                ? NULL
                                : ev_path_get(orig, a->path.steps, a->path.nsteps);
        switch (a->kind) {
        case EV_ACT_REMOVE:
            removes[nremoves++] = a;
            continue;
        case EV_ACT_SET:
            st = vx_eval(a->value, orig, &vals[i], err);
            break;
        case EV_ACT_ADD:
            st = add_value(cur, a->value->value, &vals[i], err);
            break;
        case EV_ACT_DELETE:
            if (!cur) continue; /* deleting from a missing set: nothing to do */
            st = set_op(pq_value_type(a->value->value), cur, a->value->value, false, &vals[i], err);
            break;
        }
        if (st != PQ_OK) goto out;
        stores[nstores++] = a;
    }
    qsort(stores, nstores, sizeof *stores, store_order);
    for (size_t i = 0; i < nstores; i++) {
        size_t k = (size_t)(stores[i] - u->acts);
        st = path_store(item, &stores[i]->path, vals[k], err);
        vals[k] = NULL;
        if (st != PQ_OK) goto out;
    }
    qsort(removes, nremoves, sizeof *removes, remove_order);
    for (size_t i = 0; i < nremoves; i++) {
        const struct ev_path *p = &removes[i]->path;
        /* Removing from a missing top-level attribute is a no-op; a nested
         * path needs its container (UpdateItem semantics), unless the item
         * is being created. */
        if (p->nsteps > 1 && !ev_path_get(orig, p->steps, p->nsteps - 1)) {
            if (!existed) continue;
            st = pq_error_validation(err, "%s", msg_bad_path);
            goto out;
        }
        if ((st = path_store(item, p, NULL, err)) != PQ_OK) goto out;
    }
out:
    for (size_t i = 0; i < u->n; i++)
        if (vals[i]) json_decref(vals[i]);
    free(vals);
    free(removes);
    free(stores);
    json_decref(orig);
    return st;
}

/* RETURNING MODIFIED …: DynamoDB returns just the updated paths; we return
 * the whole top-level attributes they live in (a simplification for nested
 * paths). */
json_t *ev_update_modified(const struct ev_update *u, const json_t *item)
{
    json_t *out = json_object();
    for (size_t i = 0; i < u->n; i++) {
        const char *root = u->acts[i].path.steps[0].name;
        json_t *v = json_object_get(item, root);
        if (v) json_object_set(out, root, v);
    }
    return out;
}
