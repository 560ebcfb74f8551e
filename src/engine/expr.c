/* expr.c — the expression layer of the item API: the request's names and values,
 * the checks every expression shares, ConditionExpression / FilterExpression
 * (compiled into ev_cond) and KeyConditionExpression (§2.4–§2.6).
 *
 * Checks run in DynamoDB's precedence (§2.5): size, syntax, redundant
 * parentheses, unknown function, misused function, reserved word, then in
 * parse order the undefined references, operand counts, repeated operands
 * and constant operand types. Every message is "Invalid <Parameter>: …",
 * behind §1.2's "1 validation error detected: " for XP_PREFIXED requests.
 */
#include "engine/expr_check.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pqsh/parse.h"

#define MAX_NAME_BYTES 65535
/* "#name" / ":value" ≤ 255 bytes; all names and values ≤ 2 MB (AWS DG,
 * service quotas, §2.9). */
#define MAX_REF_BYTES 255
#define MAX_SUBSTITUTION_BYTES (2u * 1024 * 1024)

/* ---- the request -------------------------------------------------------- */

pq_status xp_fail(const struct xp_request *r, xp_param which, struct pq_error *err, const char *fmt,
                  ...)
{
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    if (r->flags & XP_PREFIXED) pq_buf_adds(&b, "1 validation error detected: ");
    if (which <= XP_PROJECTION) pq_buf_addf(&b, "Invalid %s: ", xa_param_name(which));
    va_list ap;
    va_start(ap, fmt);
    pq_buf_vaddf(&b, fmt, ap);
    va_end(ap);
    pq_status st = pq_error_validation(err, "%s", b.data);
    pq_buf_release(&b);
    return st;
}

/* A #name / :value key: the sigil and one or more of [0-9A-Za-z_], at most
 * 255 bytes. A longer key is refused like a malformed one (UNCONFIRMED: the
 * service's text for the length is unknown; pinned in
 * tests/unit/test_expr_limits.c). */
static bool valid_ref_key(const char *k, char sigil)
{
    if (strlen(k) > MAX_REF_BYTES) return false;
    if (k[0] != sigil || !k[1]) return false;
    for (const char *p = k + 1; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
              *p == '_'))
            return false;
    return true;
}

pq_status xp_request_new(const json_t *names, const json_t *values, unsigned flags,
                         struct xp_request **out, struct pq_error *err)
{
    struct xp_request *r = pq_xcalloc(1, sizeof *r);
    r->flags = flags;
    r->used_names = json_object();
    r->used_values = json_object();
    *out = NULL;
    pq_status st = PQ_OK;
    const char *k;
    json_t *v;
    if (names) {
        if (json_object_size(names) == 0) {
            st = xp_fail(r, XP_NONE, err, "ExpressionAttributeNames must not be empty");
            goto fail;
        }
        json_object_foreach((json_t *)names, k, v)
        {
            if (!valid_ref_key(k, '#')) {
                st = xp_fail(r, XP_NONE, err,
                             "ExpressionAttributeNames contains invalid key: Syntax error; key: "
                             "\"%s\"",
                             k);
                goto fail;
            }
        }
    }
    if (values) {
        if (json_object_size(values) == 0) {
            st = xp_fail(r, XP_NONE, err, "ExpressionAttributeValues must not be empty");
            goto fail;
        }
        json_object_foreach((json_t *)values, k, v)
        {
            if (!valid_ref_key(k, ':')) {
                st = xp_fail(r, XP_NONE, err,
                             "ExpressionAttributeValues contains invalid key: Syntax error; key: "
                             "\"%s\"",
                             k);
                goto fail;
            }
        }
        /* UNCONFIRMED (§2.4 (7)): the value's own message, not wrapped in
         * dynalite's "ExpressionAttributeValues contains invalid value: … for
         * key …" — the text current UpdateItem was seen to return. */
        r->values = json_deep_copy(values);
        json_object_foreach(r->values, k, v)
        {
            if ((st = pq_value_validate(v, err)) == PQ_OK) continue;
            if (flags & XP_PREFIXED) {
                char *m = err->message;
                err->message = NULL;
                st = pq_error_validation(err, "1 validation error detected: %s", m ? m : "");
                free(m);
            }
            goto fail;
        }
    }
    /* All names and values together (keys, names, values' sizes): UNCONFIRMED
     * text, modelled on the other size limits' wording. */
    size_t total = 0;
    json_object_foreach((json_t *)names, k, v)
    {
        total += strlen(k) + json_string_length(v);
    }
    json_object_foreach(r->values, k, v)
    {
        total += strlen(k) + pq_value_size(v);
    }
    if (total > MAX_SUBSTITUTION_BYTES) {
        st = xp_fail(r, XP_NONE, err,
                     "ExpressionAttributeNames and ExpressionAttributeValues size has exceeded "
                     "the maximum allowed size; size: %zu",
                     total);
        goto fail;
    }
    if (names) {
        json_object_foreach((json_t *)names, k, v)
        {
            /* UNCONFIRMED texts: the reference knows only the fragments
             * "Empty attribute name" and the 65535-byte limit (§2.4 (8)). */
            if (json_string_length(v) == 0) {
                st = xp_fail(r, XP_NONE, err,
                             "ExpressionAttributeNames contains invalid value: Empty attribute "
                             "name for key %s",
                             k);
                goto fail;
            }
            if (json_string_length(v) > MAX_NAME_BYTES) {
                st = xp_fail(r, XP_NONE, err,
                             "ExpressionAttributeNames contains invalid value: Attribute name "
                             "exceeds the limit of 65535 bytes for key %s",
                             k);
                goto fail;
            }
        }
        r->names = json_deep_copy(names);
    }
    *out = r;
    return PQ_OK;
fail:
    xp_request_free(r);
    return st;
}

void xp_request_free(struct xp_request *r)
{
    if (!r) return;
    ev_trees_release(&r->trees);
    for (size_t i = 0; i < r->nkeyconds; i++)
        free(r->keyconds[i]);
    free(r->keyconds);
    for (size_t i = 0; i < r->nprojs; i++) {
        free(r->projs[i]->paths);
        free(r->projs[i]);
    }
    free(r->projs);
    for (size_t i = 0; i < r->nparsed; i++)
        xa_parsed_free(r->parsed[i]);
    free(r->parsed);
    json_decref(r->names);
    json_decref(r->values);
    json_decref(r->used_names);
    json_decref(r->used_values);
    free(r);
}

static pq_status check_unused(const struct xp_request *r, const char *what, const json_t *map,
                              const json_t *used, struct pq_error *err)
{
    struct pq_buf keys = PQ_BUF_INIT;
    pq_buf_init(&keys);
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)map, k, v)
    {
        if (json_object_get(used, k)) continue;
        if (keys.len) pq_buf_adds(&keys, ", ");
        pq_buf_adds(&keys, k);
    }
    pq_status st = PQ_OK;
    if (keys.len)
        st = xp_fail(r, XP_NONE, err, "Value provided in %s unused in expressions: keys: {%s}",
                     what, keys.data);
    pq_buf_release(&keys);
    return st;
}

void xp_request_used(const struct xp_request *r, json_t *names, json_t *values)
{
    if (names) json_object_update(names, r->used_names);
    if (values) json_object_update(values, r->used_values);
}

pq_status xp_request_finish(struct xp_request *r, struct pq_error *err)
{
    pq_status st = PQ_OK;
    if (r->names) st = check_unused(r, "ExpressionAttributeNames", r->names, r->used_names, err);
    if (!st && r->values)
        st = check_unused(r, "ExpressionAttributeValues", r->values, r->used_values, err);
    return st;
}

/* ---- parsing with the checks every kind shares -------------------------- */

pq_status xp_parse(struct xp_request *r, xp_param which, xa_mode mode, const char *text,
                   struct xa_parsed **out, struct pq_error *err)
{
    *out = NULL;
    size_t len = strlen(text);
    if (len > XP_MAX_BYTES)
        return xp_fail(r, which, err,
                       "Expression size has exceeded the maximum allowed size; expression size: "
                       "%zu",
                       len);
    if (len == 0) return xp_fail(r, which, err, "The expression can not be empty;");
    struct xa_parsed *p;
    pq_status st = xa_parse(mode, which, text, len, &p, err);
    r->parsed = pq_xrealloc(r->parsed, (r->nparsed + 1) * sizeof *r->parsed);
    r->parsed[r->nparsed++] = p;
    if (st) return xp_prefix(r, st, err);
    *out = p;
    return PQ_OK;
}

pq_status xp_prefix(const struct xp_request *r, pq_status st, struct pq_error *err)
{
    if (st && (r->flags & XP_PREFIXED) && err->message) {
        char *m = err->message;
        err->message = NULL;
        pq_error_validation(err, "1 validation error detected: %s", m);
        free(m);
    }
    return st;
}

/* ---- conditions: compilation into ev_cond ------------------------------- */

static pq_status compile_cond(struct xp_request *r, const struct xa_parsed *p,
                              const struct xa_node *n, struct ev_cond **out);

static struct ev_cond *cond_new(ev_kind kind)
{
    return pq_xcalloc(1, sizeof(struct ev_cond));
}

static struct ev_operand *add_operand(struct ev_cond *c)
{
    c->ops = pq_xrealloc(c->ops, (c->nops + 1) * sizeof *c->ops);
    struct ev_operand *o = &c->ops[c->nops++];
    memset(o, 0, sizeof *o);
    return o;
}

static void add_kid(struct ev_cond *c, struct ev_cond *kid)
{
    c->kids = pq_xrealloc(c->kids, (c->nkids + 1) * sizeof *c->kids);
    c->kids[c->nkids++] = kid;
}

struct ev_path xp_ev_path(const struct xa_parsed *p, const struct xa_node *n)
{
    struct pq_loc loc = {p->toks[n->first_tok].start, p->toks[n->last_tok].end};
    return (struct ev_path){n->steps, n->nelems, loc};
}

/* An operand: a path, a :value, or size(path or :value). Checked already. */
static void compile_operand(struct xp_request *r, const struct xa_parsed *p,
                            const struct xa_node *n, struct ev_operand *o)
{
    o->loc = (struct pq_loc){p->toks[n->first_tok].start, p->toks[n->last_tok].end};
    if (n->kind == XA_PATH) {
        o->kind = EV_O_PATH;
        o->path = xp_ev_path(p, n);
    } else if (n->kind == XA_VALUE) {
        o->kind = EV_O_CONST;
        o->value = json_deep_copy(xp_value(r, p, n));
    } else { /* size() */
        const struct xa_node *a = n->kids[0];
        if (a->kind == XA_PATH) {
            o->kind = EV_O_SIZE;
            o->path = xp_ev_path(p, a);
        } else {
            o->kind = EV_O_CONST;
            o->value = ev_size_of(xp_value(r, p, a));
        }
    }
}

static pq_status compile_cond(struct xp_request *r, const struct xa_parsed *p,
                              const struct xa_node *n, struct ev_cond **out)
{
    struct ev_cond *c = NULL;
    switch (n->kind) {
    case XA_AND:
    case XA_OR: {
        ev_kind k = n->kind == XA_AND ? EV_AND : EV_OR;
        c = cond_new(k);
        c->kind = k;
        for (size_t i = 0; i < 2; i++) {
            struct ev_cond *kid;
            (void)compile_cond(r, p, n->kids[i], &kid);
            if (kid->kind == k) { /* flatten a AND (b AND c) */
                for (size_t j = 0; j < kid->nkids; j++)
                    add_kid(c, kid->kids[j]);
                kid->nkids = 0;
                ev_cond_free(kid);
            } else {
                add_kid(c, kid);
            }
        }
        break;
    }
    case XA_NOT: {
        c = cond_new(EV_NOT);
        c->kind = EV_NOT;
        struct ev_cond *kid;
        (void)compile_cond(r, p, n->kids[0], &kid);
        add_kid(c, kid);
        break;
    }
    case XA_CMP:
    case XA_BETWEEN:
    case XA_IN:
        c = cond_new(EV_CMP);
        c->kind = n->kind == XA_CMP ? EV_CMP : n->kind == XA_BETWEEN ? EV_BETWEEN : EV_IN;
        c->op = n->op;
        for (size_t i = 0; i < n->nkids; i++)
            compile_operand(r, p, n->kids[i], add_operand(c));
        break;
    default: { /* a boolean function */
        size_t len;
        const char *name = xa_tok_text(p, n->name_tok, &len);
        c = cond_new(EV_EXISTS);
        if (len == 16 && memcmp(name, "attribute_exists", len) == 0)
            c->kind = EV_EXISTS;
        else if (len == 20 && memcmp(name, "attribute_not_exists", len) == 0)
            c->kind = EV_NOT_EXISTS;
        else if (len == 11 && memcmp(name, "begins_with", len) == 0)
            c->kind = EV_BEGINS;
        else if (len == 8 && memcmp(name, "contains", len) == 0)
            c->kind = EV_CONTAINS;
        else
            c->kind = EV_ATTR_TYPE;
        compile_operand(r, p, n->kids[0], add_operand(c));
        if (c->kind == EV_ATTR_TYPE)
            c->type =
                pq_type_from_name(json_string_value(pq_value_payload(xp_value(r, p, n->kids[1]))));
        else if (n->nkids > 1)
            compile_operand(r, p, n->kids[1], add_operand(c));
        break;
    }
    }
    c->loc = (struct pq_loc){p->toks[n->first_tok].start, p->toks[n->last_tok].end};
    *out = c;
    return PQ_OK;
}

pq_status xp_condition(struct xp_request *r, xp_param which, const char *text,
                       const struct ev_cond **out, struct pq_error *err)
{
    struct xa_parsed *p;
    *out = NULL;
    pq_status st = xp_parse(r, which, XA_MODE_CONDITION, text, &p, err);
    if (!st) st = xp_check_condition(r, p, err);
    if (st) return st;
    struct ev_cond *c;
    (void)compile_cond(r, p, p->root, &c);
    ev_trees_add_cond(&r->trees, c);
    *out = c;
    return PQ_OK;
}

/* ---- KeyConditionExpression (§2.6, parse level) ------------------------- */

/* The conditions joined by AND at the top (parentheses see-through). */
static void key_conjuncts(const struct xa_node *n, const struct xa_node **v, size_t *nv)
{
    if (n->kind == XA_AND) {
        key_conjuncts(n->kids[0], v, nv);
        key_conjuncts(n->kids[1], v, nv);
        return;
    }
    if (*nv <= XP_MAX_KEY_CONDS) v[*nv] = n;
    (*nv)++;
}

static bool call_is(const struct xa_parsed *p, const struct xa_node *n, const char *name)
{
    size_t len;
    const char *t = xa_tok_text(p, n->name_tok, &len);
    return n->kind == XA_CALL && len == strlen(name) && memcmp(t, name, len) == 0;
}

/* The first operator KeyConditionExpression refuses inside `n`, or NULL. */
static const char *key_bad_operator(const struct xa_parsed *p, const struct xa_node *n, char *buf,
                                    size_t cap)
{
    switch (n->kind) {
    case XA_OR:
        return "OR";
    case XA_NOT:
        return "NOT";
    case XA_IN:
        return "IN";
    case XA_CMP:
        if (n->op == PQ_OP_NE) return "<>";
        break;
    case XA_CALL:
        if (!call_is(p, n, "begins_with") && !call_is(p, n, "size")) {
            size_t len;
            const char *t = xa_tok_text(p, n->name_tok, &len);
            snprintf(buf, cap, "%.*s", (int)len, t);
            return buf;
        }
        break;
    default:
        break;
    }
    for (size_t i = 0; i < n->nkids; i++) {
        const char *b = key_bad_operator(p, n->kids[i], buf, cap);
        if (b) return b;
    }
    return NULL;
}

static bool has_size(const struct xa_parsed *p, const struct xa_node *n)
{
    if (n->kind == XA_CALL && call_is(p, n, "size")) return true;
    for (size_t i = 0; i < n->nkids; i++)
        if (has_size(p, n->kids[i])) return true;
    return false;
}

static pq_status key_cond(struct xp_request *r, const struct xa_parsed *p, const struct xa_node *n,
                          struct xp_key_cond *kc, struct pq_error *err)
{
    static const char invalid[] = "Invalid condition in KeyConditionExpression: ";
    const struct xa_node *key = NULL;
    const struct xa_node *vals[2] = {NULL, NULL};
    size_t nvals = 0, npaths = 0;
    if (n->kind == XA_CALL && n->nkids != 2)
        return xp_fail(r, XP_KEY_CONDITION, err,
                       "Incorrect number of operands for operator or function; operator or "
                       "function: begins_with, number of operands: %zu",
                       n->nkids);
    if (n->kind == XA_BETWEEN || n->kind == XA_CALL) {
        bool between = n->kind == XA_BETWEEN;
        if (n->kids[0]->kind != XA_PATH)
            return xp_fail(r, XP_KEY_CONDITION, err,
                           "%s%s operator must have the key attribute as its first operand",
                           invalid, between ? "BETWEEN" : "begins_with");
        key = n->kids[0];
        npaths = 1;
        for (size_t i = 1; i < n->nkids; i++) {
            if (n->kids[i]->kind == XA_PATH)
                npaths++;
            else if (nvals < 2)
                vals[nvals++] = n->kids[i];
        }
        kc->op = between ? XP_KEY_BETWEEN : XP_KEY_BEGINS_WITH;
    } else if (n->kind == XA_CMP) {
        bool flip = false;
        for (size_t i = 0; i < 2; i++) {
            if (n->kids[i]->kind == XA_PATH) {
                npaths++;
                if (!key) {
                    key = n->kids[i];
                    flip = i == 1;
                }
            } else {
                vals[nvals++] = n->kids[i];
            }
        }
        static const xp_key_op ops[] = {[PQ_OP_EQ] = XP_KEY_EQ,
                                        [PQ_OP_LT] = XP_KEY_LT,
                                        [PQ_OP_LE] = XP_KEY_LE,
                                        [PQ_OP_GT] = XP_KEY_GT,
                                        [PQ_OP_GE] = XP_KEY_GE};
        static const xp_key_op flipped[] = {[PQ_OP_EQ] = XP_KEY_EQ,
                                            [PQ_OP_LT] = XP_KEY_GT,
                                            [PQ_OP_LE] = XP_KEY_GE,
                                            [PQ_OP_GT] = XP_KEY_LT,
                                            [PQ_OP_GE] = XP_KEY_LE};
        kc->op = flip ? flipped[n->op] : ops[n->op];
    }
    if (npaths > 1)
        return xp_fail(r, XP_KEY_CONDITION, err, "%sMultiple attribute names used in one condition",
                       invalid);
    if (!key) return xp_fail(r, XP_KEY_CONDITION, err, "%sNo key attribute specified", invalid);
    if (key->nelems > 1)
        return xp_fail(r, XP_KEY_CONDITION, err,
                       "KeyConditionExpressions cannot have conditions on nested attributes");
    kc->name = key->steps[0].name;
    kc->value = nvals > 0 ? xp_value(r, p, vals[0]) : NULL;
    kc->value2 = nvals > 1 ? xp_value(r, p, vals[1]) : NULL;
    return PQ_OK;
}

pq_status xp_key_condition(struct xp_request *r, const char *text,
                           const struct xp_key_condition **out, struct pq_error *err)
{
    struct xa_parsed *p;
    *out = NULL;
    pq_status st = xp_parse(r, XP_KEY_CONDITION, XA_MODE_CONDITION, text, &p, err);
    if (!st) st = xp_check_key_condition(r, p, err);
    if (st) return st;
    char buf[64];
    const char *bad = key_bad_operator(p, p->root, buf, sizeof buf);
    if (bad)
        return xp_fail(r, XP_KEY_CONDITION, err,
                       "Invalid operator used in KeyConditionExpression: %s", bad);
    if (has_size(p, p->root))
        return xp_fail(r, XP_KEY_CONDITION, err,
                       "KeyConditionExpressions cannot contain nested operations");
    const struct xa_node *conds[XP_MAX_KEY_CONDS + 1];
    size_t n = 0;
    key_conjuncts(p->root, conds, &n);
    /* More than a multi-attribute key can use: the text of two-attribute
     * keys (what DynamoDB says past 8 is UNCONFIRMED). */
    if (n > XP_MAX_KEY_CONDS)
        return xp_fail(r, XP_KEY_CONDITION, err, "Conditions can be of length 1 or 2 only");
    struct xp_key_condition *kc = pq_xcalloc(1, sizeof *kc);
    r->keyconds = pq_xrealloc(r->keyconds, (r->nkeyconds + 1) * sizeof *r->keyconds);
    r->keyconds[r->nkeyconds++] = kc;
    for (size_t i = 0; i < n; i++) {
        if ((st = key_cond(r, p, conds[i], &kc->conds[i], err))) return st;
        kc->n++;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(kc->conds[i].name, kc->conds[j].name) == 0)
                return xp_fail(r, XP_KEY_CONDITION, err,
                               "KeyConditionExpressions must only contain one condition per key");
    *out = kc;
    return PQ_OK;
}
