/* legacy.c — Expected, KeyConditions, QueryFilter, ScanFilter, ConditionalOperator and
 * AttributeUpdates (item API reference §10) translated into the expression trees.
 *
 * Each condition becomes the ev_cond its expression twin compiles to, so
 * ev_test judges both alike:
 *
 *     EQ NE LT LE GT GE    a = v, a <> v, a < v, …      (EV_CMP)
 *     NULL / NOT_NULL      attribute_not_exists(a) / attribute_exists(a)
 *     CONTAINS             contains(a, v); NOT_CONTAINS: NOT contains(a, v)
 *     BEGINS_WITH          begins_with(a, v)
 *     IN                   a IN (v1, …)
 *     BETWEEN              a BETWEEN v1 AND v2
 *     Expected Value       a = v; Exists false: attribute_not_exists(a)
 *
 * and the entries of a map are joined by ConditionalOperator (AND, or OR).
 * AttributeUpdates become UpdateExpression actions: PUT → SET a = v, DELETE
 * without a value → REMOVE a, DELETE with a set → DELETE a v, ADD of a
 * number or set → ADD a v, ADD of a list (legacy only) →
 * SET a = list_append(if_not_exists(a, []), v).
 */
#include "engine/legacy.h"

#include <stdlib.h>
#include <string.h>

#include "pqsh/buf.h"
#include "pqsh/value.h"

static const char invalid[] = "One or more parameter values were invalid: ";

struct lg_request {
    struct pq_path_step **steps; /* one per path made; each owns its name */
    size_t nsteps;
    struct ev_trees trees; /* conditions and updates compiled */
    json_t *values;        /* validated copies the key conditions borrow from */
    struct xp_key_condition kc;
};

struct lg_request *lg_request_new(void)
{
    struct lg_request *r = pq_xcalloc(1, sizeof *r);
    r->values = json_array();
    return r;
}

void lg_request_free(struct lg_request *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->nsteps; i++) {
        free(r->steps[i]->name);
        free(r->steps[i]);
    }
    free(r->steps);
    ev_trees_release(&r->trees);
    json_decref(r->values);
    free(r);
}

/* A one-step path naming top-level attribute `name`, owned by `r`. */
static struct ev_path top_path(struct lg_request *r, const char *name)
{
    struct pq_path_step *s = pq_xcalloc(1, sizeof *s);
    s->kind = PQ_STEP_NAME;
    s->name = pq_xstrdup(name);
    r->steps = pq_xrealloc(r->steps, (r->nsteps + 1) * sizeof *r->steps);
    r->steps[r->nsteps++] = s;
    struct ev_path p;
    memset(&p, 0, sizeof p);
    p.steps = s;
    p.nsteps = 1;
    return p;
}

/* ---- model constraints ---------------------------------------------------- */

static const char *const operators[] = {
    "EQ",   "NE",       "LE",           "LT",          "GE", "GT",      "NOT_NULL",
    "NULL", "CONTAINS", "NOT_CONTAINS", "BEGINS_WITH", "IN", "BETWEEN", NULL};

static const char *member_path(lg_member which)
{
    switch (which) {
    case LG_EXPECTED:
        return "expected";
    case LG_KEY_CONDITIONS:
        return "keyConditions";
    case LG_QUERY_FILTER:
        return "queryFilter";
    case LG_SCAN_FILTER:
        return "scanFilter";
    }
    return "";
}

static const json_t *member(const json_t *obj, const char *name)
{
    const json_t *m = json_object_get(obj, name);
    return json_is_null(m) ? NULL : m;
}

void lg_check_model(const json_t *map, lg_member which, struct exec_violations *v)
{
    const char *k;
    const json_t *c;
    json_object_foreach((json_t *)map, k, c)
    {
        struct pq_buf path = PQ_BUF_INIT;
        pq_buf_init(&path);
        pq_buf_addf(&path, "%s.%s.member.comparisonOperator", member_path(which), k);
        const json_t *op = member(c, "ComparisonOperator");
        if (!op && which != LG_EXPECTED) exec_violation(v, "null", path.data, "not be null");
        /* The enum in the order dynalite recorded from the service (UNCONFIRMED). */
        exec_check_enum(v, op, path.data, operators,
                        "[IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, "
                        "BEGINS_WITH, GE, CONTAINS]");
        pq_buf_release(&path);
    }
}

void lg_check_updates_model(const json_t *updates, struct exec_violations *v)
{
    static const char *const actions[] = {"ADD", "PUT", "DELETE", NULL};
    const char *k;
    const json_t *u;
    json_object_foreach((json_t *)updates, k, u)
    {
        struct pq_buf path = PQ_BUF_INIT;
        pq_buf_init(&path);
        pq_buf_addf(&path, "attributeUpdates.%s.member.action", k);
        exec_check_enum(v, member(u, "Action"), path.data, actions, "[ADD, PUT, DELETE]");
        pq_buf_release(&path);
    }
}

/* ---- values ----------------------------------------------------------------- */

/* Validates an AttributeValue of a condition or update (a copy kept by `r`);
 * *out borrows the copy. */
static pq_status check_value(struct lg_request *r, const json_t *av, bool prefixed,
                             const json_t **out, struct pq_error *err)
{
    json_t *copy = json_deep_copy(av);
    json_array_append_new(r->values, copy);
    *out = copy;
    pq_status st = pq_value_validate(copy, err);
    if (st && prefixed && err->code == PQ_ERR_SERVICE && err->message &&
        strcmp(err->type, "ValidationException") == 0) {
        char *m = err->message;
        err->message = NULL;
        pq_error_validation(err, "1 validation error detected: %s", m);
        free(m);
    }
    return st;
}

/* The arguments of one ComparisonOperator: count, one type, the types the
 * operator takes, BETWEEN's bounds (dynalite's checks, §10). `vals` are
 * validated. */
static pq_status check_arguments(const char *op, const json_t *const *vals, size_t n,
                                 struct pq_error *err)
{
    static const char *const ones[] = {"EQ", "NE",       "LE",           "LT",          "GE",
                                       "GT", "CONTAINS", "NOT_CONTAINS", "BEGINS_WITH", NULL};
    bool ok;
    if (strcmp(op, "NULL") == 0 || strcmp(op, "NOT_NULL") == 0)
        ok = n == 0;
    else if (strcmp(op, "IN") == 0)
        ok = n >= 1;
    else if (strcmp(op, "BETWEEN") == 0)
        ok = n == 2;
    else {
        ok = false;
        for (const char *const *p = ones; *p; p++)
            if (strcmp(op, *p) == 0) ok = n == 1;
    }
    if (!ok)
        return pq_error_validation(err,
                                   "%sInvalid number of argument(s) for the %s "
                                   "ComparisonOperator",
                                   invalid, op);
    if (n == 0) return PQ_OK;
    pq_type t = pq_value_type(vals[0]);
    for (size_t i = 1; i < n; i++)
        if (pq_value_type(vals[i]) != t)
            return pq_error_validation(err,
                                       "%sAttributeValues inside AttributeValueList must be "
                                       "of same type",
                                       invalid);
    bool scalar = t == PQ_T_S || t == PQ_T_N || t == PQ_T_B;
    bool allowed;
    if (strcmp(op, "EQ") == 0 || strcmp(op, "NE") == 0)
        /* "EQ is supported for all data types, including lists and maps" (AWS
         * API reference, Condition); dynalite's older table allowed scalars
         * and sets only. */
        allowed = true;
    else if (strcmp(op, "BEGINS_WITH") == 0)
        allowed = t == PQ_T_S || t == PQ_T_B;
    else
        allowed = scalar;
    if (!allowed)
        return pq_error_validation(err,
                                   "%sComparisonOperator %s is not valid for %s "
                                   "AttributeValue type",
                                   invalid, op, pq_type_name(t));
    int cmp;
    if (strcmp(op, "BETWEEN") == 0 && pq_value_compare(vals[0], vals[1], &cmp) && cmp > 0)
        return pq_error_validation(err, "The BETWEEN condition was provided a range where the "
                                        "lower bound is greater than the upper bound");
    return PQ_OK;
}

/* AttributeValueList's values, validated (at most `cap` kept in vals). */
static pq_status list_values(struct lg_request *r, const json_t *list, bool prefixed,
                             const json_t ***vals, size_t *n, struct pq_error *err)
{
    *n = json_array_size(list);
    *vals = pq_xcalloc(*n ? *n : 1, sizeof **vals);
    for (size_t i = 0; i < *n; i++) {
        pq_status st = check_value(r, json_array_get(list, i), prefixed, &(*vals)[i], err);
        if (st) return st;
    }
    return PQ_OK;
}

/* ---- conditions ----------------------------------------------------------- */

static struct ev_cond *cond_new(ev_kind kind)
{
    struct ev_cond *c = pq_xcalloc(1, sizeof *c);
    c->kind = kind;
    return c;
}

static void add_path_operand(struct ev_cond *c, struct ev_path p)
{
    c->ops = pq_xrealloc(c->ops, (c->nops + 1) * sizeof *c->ops);
    struct ev_operand *o = &c->ops[c->nops++];
    memset(o, 0, sizeof *o);
    o->kind = EV_O_PATH;
    o->path = p;
}

static void add_const_operand(struct ev_cond *c, const json_t *v)
{
    c->ops = pq_xrealloc(c->ops, (c->nops + 1) * sizeof *c->ops);
    struct ev_operand *o = &c->ops[c->nops++];
    memset(o, 0, sizeof *o);
    o->kind = EV_O_CONST;
    o->value = json_deep_copy(v);
}

static void add_kid(struct ev_cond *c, struct ev_cond *kid)
{
    c->kids = pq_xrealloc(c->kids, (c->nkids + 1) * sizeof *c->kids);
    c->kids[c->nkids++] = kid;
}

/* The tree of `attr <op> vals` (arguments checked). */
static struct ev_cond *compile_op(struct lg_request *r, const char *attr, const char *op,
                                  const json_t *const *vals, size_t n)
{
    static const struct {
        const char *name;
        pq_op op;
    } cmps[] = {{"EQ", PQ_OP_EQ}, {"NE", PQ_OP_NE}, {"LT", PQ_OP_LT},
                {"LE", PQ_OP_LE}, {"GT", PQ_OP_GT}, {"GE", PQ_OP_GE}};
    struct ev_path p = top_path(r, attr);
    struct ev_cond *c;
    for (size_t i = 0; i < sizeof cmps / sizeof cmps[0]; i++) {
        if (strcmp(op, cmps[i].name) != 0) continue;
        c = cond_new(EV_CMP);
        c->op = cmps[i].op;
        add_path_operand(c, p);
        add_const_operand(c, vals[0]);
        return c;
    }
    if (strcmp(op, "NULL") == 0 || strcmp(op, "NOT_NULL") == 0) {
        /* Existence: an attribute of type NULL exists (§10). */
        c = cond_new(op[0] == 'N' && op[1] == 'U' ? EV_NOT_EXISTS : EV_EXISTS);
        add_path_operand(c, p);
        return c;
    }
    if (strcmp(op, "IN") == 0 || strcmp(op, "BETWEEN") == 0) {
        c = cond_new(op[0] == 'I' ? EV_IN : EV_BETWEEN);
        add_path_operand(c, p);
        for (size_t i = 0; i < n; i++)
            add_const_operand(c, vals[i]);
        return c;
    }
    c = cond_new(strcmp(op, "BEGINS_WITH") == 0 ? EV_BEGINS : EV_CONTAINS);
    add_path_operand(c, p);
    add_const_operand(c, vals[0]);
    if (strcmp(op, "NOT_CONTAINS") != 0) return c;
    /* NOT contains(a, v): true on a missing attribute, as the expression is. */
    struct ev_cond *neg = cond_new(EV_NOT);
    add_kid(neg, c);
    return neg;
}

/* One entry of Expected: its member combinations, then its tree. */
static pq_status expected_entry(struct lg_request *r, const char *attr, const json_t *e,
                                bool prefixed, struct ev_cond **out, struct pq_error *err)
{
    const json_t *value = member(e, "Value"), *exists = member(e, "Exists");
    const json_t *list = member(e, "AttributeValueList");
    const char *op = json_string_value(member(e, "ComparisonOperator"));
    *out = NULL;
    if (value && list)
        return pq_error_validation(err,
                                   "%sValue and AttributeValueList cannot be used together "
                                   "for Attribute: %s",
                                   invalid, attr);
    if (op) {
        if (exists)
            return pq_error_validation(err,
                                       "%sExists and ComparisonOperator cannot be used "
                                       "together for Attribute: %s",
                                       invalid, attr);
        if (!value && !list && strcmp(op, "NULL") != 0 && strcmp(op, "NOT_NULL") != 0)
            return pq_error_validation(err,
                                       "%sValue or AttributeValueList must be used with "
                                       "ComparisonOperator: %s for Attribute: %s",
                                       invalid, op, attr);
        const json_t **vals = NULL;
        size_t n = 0;
        pq_status st;
        if (value) {
            vals = pq_xcalloc(1, sizeof *vals);
            n = 1;
            st = check_value(r, value, prefixed, &vals[0], err);
        } else {
            st = list_values(r, list, prefixed, &vals, &n, err);
        }
        if (!st) st = check_arguments(op, vals, n, err);
        if (!st) *out = compile_op(r, attr, op, vals, n);
        free(vals);
        return st;
    }
    if (list)
        return pq_error_validation(err,
                                   "%sAttributeValueList can only be used with a "
                                   "ComparisonOperator for Attribute: %s",
                                   invalid, attr);
    bool want = !exists || json_is_true(exists);
    if (want && !value)
        return pq_error_validation(err,
                                   "%sValue must be provided when Exists is %s for "
                                   "Attribute: %s",
                                   invalid, exists ? "true" : "null", attr);
    if (!want && value)
        return pq_error_validation(err,
                                   "%sValue cannot be used when Exists is false for "
                                   "Attribute: %s",
                                   invalid, attr);
    if (!want) {
        *out = compile_op(r, attr, "NULL", NULL, 0);
        return PQ_OK;
    }
    const json_t *v;
    pq_status st = check_value(r, value, prefixed, &v, err);
    if (st) return st;
    *out = compile_op(r, attr, "EQ", &v, 1);
    return PQ_OK;
}

/* One Condition (KeyConditions, QueryFilter, ScanFilter): its arguments.
 * *vals is allocated (free it) and borrows validated copies. */
static pq_status condition_entry(struct lg_request *r, const json_t *c, const json_t ***vals,
                                 size_t *n, struct pq_error *err)
{
    pq_status st = list_values(r, member(c, "AttributeValueList"), false, vals, n, err);
    if (st) return st;
    return check_arguments(json_string_value(member(c, "ComparisonOperator")), *vals, *n, err);
}

pq_status lg_condition(struct lg_request *r, lg_member which, const json_t *map, const char *condop,
                       bool prefixed, const struct ev_cond **out, struct pq_error *err)
{
    *out = NULL;
    if (!map) return PQ_OK;
    struct ev_cond *all = cond_new(condop && strcmp(condop, "OR") == 0 ? EV_OR : EV_AND);
    ev_trees_add_cond(&r->trees, all);
    const char *k;
    const json_t *c;
    json_object_foreach((json_t *)map, k, c)
    {
        struct ev_cond *one = NULL;
        pq_status st;
        if (which == LG_EXPECTED) {
            st = expected_entry(r, k, c, prefixed, &one, err);
        } else {
            const json_t **vals = NULL;
            size_t n = 0;
            st = condition_entry(r, c, &vals, &n, err);
            if (!st)
                one = compile_op(r, k, json_string_value(member(c, "ComparisonOperator")), vals, n);
            free(vals);
        }
        if (st) return st;
        add_kid(all, one);
    }
    *out = all;
    return PQ_OK;
}

pq_status lg_key_conditions(struct lg_request *r, const json_t *map,
                            const struct xp_key_condition **out, struct pq_error *err)
{
    static const struct {
        const char *name;
        xp_key_op op;
    } ops[] = {{"EQ", XP_KEY_EQ},          {"LE", XP_KEY_LE}, {"LT", XP_KEY_LT},
               {"GE", XP_KEY_GE},          {"GT", XP_KEY_GT}, {"BEGINS_WITH", XP_KEY_BEGINS_WITH},
               {"BETWEEN", XP_KEY_BETWEEN}};
    *out = NULL;
    const char *k;
    const json_t *c;
    const json_t *first[2][2] = {{NULL, NULL}, {NULL, NULL}};
    size_t i = 0;
    json_object_foreach((json_t *)map, k, c)
    {
        const json_t **vals = NULL;
        size_t n = 0;
        pq_status st = condition_entry(r, c, &vals, &n, err);
        if (!st && i < 2) {
            first[i][0] = n > 0 ? vals[0] : NULL;
            first[i][1] = n > 1 ? vals[1] : NULL;
        }
        free(vals);
        if (st) return st;
        i++;
    }
    size_t count = json_object_size(map);
    if (count < 1 || count > 2)
        return pq_error_validation(err, "Conditions can be of length 1 or 2 only");
    memset(&r->kc, 0, sizeof r->kc);
    i = 0;
    json_object_foreach((json_t *)map, k, c)
    {
        const char *op = json_string_value(member(c, "ComparisonOperator"));
        size_t j = 0;
        while (j < sizeof ops / sizeof ops[0] && strcmp(ops[j].name, op) != 0)
            j++;
        if (j == sizeof ops / sizeof ops[0])
            return pq_error_validation(err, "Attempted conditional constraint is not an "
                                            "indexable operation");
        struct xp_key_cond *kc = &r->kc.conds[i];
        kc->name = k; /* borrowed from the request, which outlives the call */
        kc->op = ops[j].op;
        kc->value = first[i][0];
        kc->value2 = first[i][1];
        i++;
    }
    r->kc.n = i;
    *out = &r->kc;
    return PQ_OK;
}

/* ---- AttributeUpdates --------------------------------------------------------- */

static struct ev_vx *vx_const(const json_t *v)
{
    struct ev_vx *x = pq_xcalloc(1, sizeof *x);
    x->kind = EV_VX_CONST;
    x->value = json_deep_copy(v);
    return x;
}

pq_status lg_updates(struct lg_request *r, const json_t *updates, const struct ev_update **out,
                     struct pq_error *err)
{
    *out = NULL;
    struct ev_update *u = pq_xcalloc(1, sizeof *u);
    size_t cap = json_object_size(updates);
    u->acts = pq_xcalloc(cap ? cap : 1, sizeof *u->acts);
    ev_trees_add_update(&r->trees, u);
    const char *k;
    const json_t *e;
    json_object_foreach((json_t *)updates, k, e)
    {
        const json_t *value = member(e, "Value");
        const char *action = json_string_value(member(e, "Action"));
        if (!action) action = "PUT";
        const json_t *v = NULL;
        if (value) {
            pq_status st = check_value(r, value, true, &v, err);
            if (st) return st;
        }
        pq_type t = v ? pq_value_type(v) : PQ_T_NULL;
        bool set = t == PQ_T_SS || t == PQ_T_NS || t == PQ_T_BS;
        if (!v && strcmp(action, "DELETE") != 0)
            return pq_error_validation(err,
                                       "%sOnly DELETE action is allowed when no attribute "
                                       "value is specified",
                                       invalid);
        if (v && strcmp(action, "DELETE") == 0 && !set)
            return pq_error_validation(err,
                                       "%sDELETE action with value is not supported for the "
                                       "type %s",
                                       invalid, pq_type_name(t));
        if (v && strcmp(action, "ADD") == 0 && !set && t != PQ_T_N && t != PQ_T_L)
            return pq_error_validation(err, "%sADD action is not supported for the type %s",
                                       invalid, pq_type_name(t));
        struct ev_action *a = &u->acts[u->n++];
        a->path = top_path(r, k);
        if (strcmp(action, "PUT") == 0) {
            a->kind = EV_ACT_SET;
            a->value = vx_const(v);
        } else if (strcmp(action, "DELETE") == 0) {
            a->kind = v ? EV_ACT_DELETE : EV_ACT_REMOVE;
            if (v) a->value = vx_const(v);
        } else if (t != PQ_T_L) {
            a->kind = EV_ACT_ADD;
            a->value = vx_const(v);
        } else {
            /* ADD of a list appends (legacy only): a = list_append(if_not_exists(a, []), v). */
            a->kind = EV_ACT_SET;
            a->value = pq_xcalloc(1, sizeof *a->value);
            a->value->kind = EV_VX_LIST_APPEND;
            a->value->a = pq_xcalloc(1, sizeof *a->value->a);
            a->value->a->kind = EV_VX_IF_NOT_EXISTS;
            a->value->a->path = a->path;
            json_t *empty = pq_value_new(PQ_T_L, json_array());
            a->value->a->b = vx_const(empty);
            json_decref(empty);
            a->value->b = vx_const(v);
        }
    }
    *out = u;
    return PQ_OK;
}

void lg_update_error(struct pq_error *err)
{
    if (err->code != PQ_ERR_SERVICE || !err->message ||
        strcmp(err->message, "An operand in the update expression has an incorrect data type") != 0)
        return;
    pq_error_release(err);
    pq_error_init(err);
    pq_error_validation(err, "Type mismatch for attribute to update");
}
