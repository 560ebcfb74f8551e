/* exec_select.c — SELECT: clause checks, Query-vs-Scan plan (§4.2.1), ORDER BY, paging. */
#include "engine/capacity.h"
#include "engine/eval.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_PAGE_BYTES (1024 * 1024)

/* ---- checks (§4, §4.2, §4.2.2) ------------------------------------------ */

/* The name a projected path appears under: its last name component, with
 * any list indexes that follow it ("l[0]"). */
static void result_name(const struct pq_expr *p, struct pq_buf *out)
{
    size_t last = 0;
    for (size_t i = 0; i < p->nsteps; i++)
        if (p->steps[i].kind == PQ_STEP_NAME) last = i;
    pq_buf_adds(out, p->steps[last].name);
    for (size_t i = last + 1; i < p->nsteps; i++)
        pq_buf_addf(out, "[%lld]", (long long)p->steps[i].index);
}

static pq_status check_projection(const struct exec_stmt *s, const struct pq_select *sel,
                                  struct pq_error *err)
{
    if (sel->star && sel->nproj)
        return pq_error_validation(
            err, "Other attributes should not be present in the projection when '*' is used.");
    pq_status st = PQ_OK;
    struct pq_buf a = PQ_BUF_INIT, b = PQ_BUF_INIT;
    pq_buf_init(&a);
    pq_buf_init(&b);
    for (size_t i = 0; i < sel->nproj && st == PQ_OK; i++) {
        const struct pq_expr *p = sel->proj[i];
        if (p->kind != PQ_E_PATH) {
            pq_buf_reset(&a);
            pq_buf_adds(&a, "Unexpected path component");
            ev_loc_suffix(&a, &s->cx, p->kind == PQ_E_CALL ? p->name_loc : p->loc);
            st = pq_error_validation(err, "%s", a.data);
            break;
        }
        pq_buf_reset(&a);
        result_name(p, &a);
        for (size_t j = 0; j < i; j++) {
            pq_buf_reset(&b);
            result_name(sel->proj[j], &b);
            if (strcmp(a.data, b.data) == 0) {
                st = pq_error_validation(err, "Duplicate identifiers in select clause: %s", a.data);
                break;
            }
        }
    }
    pq_buf_release(&a);
    pq_buf_release(&b);
    return st;
}

/* The top-level attribute names a WHERE clause reads, each once, in order. */
static void where_attrs(const struct pq_expr *x, struct pq_buf *seen, const char ***names,
                        size_t *n)
{
    if (!x) return;
    if (x->kind == PQ_E_PATH && x->nsteps && x->steps[0].kind == PQ_STEP_NAME) {
        for (size_t i = 0; i < *n; i++)
            if (strcmp((*names)[i], x->steps[0].name) == 0) return;
        *names = pq_xrealloc(*names, (*n + 1) * sizeof **names);
        (*names)[(*n)++] = x->steps[0].name;
        return;
    }
    where_attrs(x->lhs, seen, names, n);
    where_attrs(x->rhs, seen, names, n);
    for (size_t i = 0; i < x->nitems; i++)
        where_attrs(x->items[i], seen, names, n);
}

/* Reads through an index may only use what the index holds (§4.2): a GSI
 * returns only projected attributes, and neither kind filters on others. */
static pq_status check_index_use(const struct exec_stmt *s, struct pq_error *err)
{
    const struct pq_index_meta *ix = s->index;
    const struct pq_select *sel = s->sel;
    pq_status st = PQ_OK;
    struct pq_buf list = PQ_BUF_INIT;
    pq_buf_init(&list);
    size_t missing = 0;
    if (ix->global) {
        for (size_t i = 0; i < sel->nproj; i++) {
            const char *name = sel->proj[i]->steps[0].name;
            if (index_projects(s->table, ix, name)) continue;
            pq_buf_addf(&list, "%s%s", missing++ ? ", " : "", name);
        }
        if (missing) {
            st = pq_error_validation(err,
                                     "One or more parameter values were invalid: Global "
                                     "secondary index %s does not project [%s]",
                                     ix->name, list.data);
            goto out;
        }
    }
    const char **names = NULL;
    size_t n = 0;
    where_attrs(sel->where, NULL, &names, &n);
    for (size_t i = 0; i < n; i++) {
        if (index_projects(s->table, ix, names[i])) continue;
        pq_buf_addf(&list, "%s%s", missing++ ? ", " : "", names[i]);
    }
    free(names);
    if (missing)
        st = pq_error_validation(err,
                                 "One or more parameter values were invalid: Secondary index %s "
                                 "does not project one or more filter attributes: [%s]",
                                 ix->name, list.data);
out:
    pq_buf_release(&list);
    return st;
}

/* ---- the plan ----------------------------------------------------------- */

/* One contiguous key range to read: a partition with optional sort-key
 * bounds, or (hv NULL) the whole table. */
struct krange {
    const json_t *hv; /* partition value, borrowed from the condition */
    struct pq_buf hk;
    const json_t *lo_v, *hi_v, *prefix_v; /* borrowed, for EXPLAIN */
    bool has_lo, lo_incl, has_hi, hi_incl;
    struct pq_buf lo, hi;
    size_t branch;
    int hdir, rdir; /* ORDER BY directions (+1 / -1) for sorting the ranges */
};

struct plan {
    const struct pq_index_meta *index; /* the plan reads this index */
    bool query;
    struct krange *r;
    size_t n;
    bool desc; /* sort key descending */
};

static void plan_release(struct plan *p)
{
    for (size_t i = 0; i < p->n; i++) {
        pq_buf_release(&p->r[i].hk);
        pq_buf_release(&p->r[i].lo);
        pq_buf_release(&p->r[i].hi);
    }
    free(p->r);
    memset(p, 0, sizeof *p);
}

static pq_type key_type(const struct pq_key_attr *k)
{
    return k->type == 'S' ? PQ_T_S : k->type == 'N' ? PQ_T_N : PQ_T_B;
}

/* Partition values that every item satisfying `c` must have: equality or
 * IN on the partition key, as an AND conjunct or in every OR branch.
 * Appends borrowed values to *vals; false when `c` does not pin the key. */
static bool pins(const struct ev_cond *c, const char *hash, const json_t ***vals, size_t *n)
{
    size_t mark = *n;
    switch (c->kind) {
    case EV_CMP:
        if (c->op != PQ_OP_EQ) return false;
        for (int i = 0; i < 2; i++) {
            if (ev_operand_is_attr(&c->ops[i], hash) && c->ops[1 - i].kind == EV_O_CONST) {
                *vals = pq_xrealloc(*vals, (*n + 1) * sizeof **vals);
                (*vals)[(*n)++] = c->ops[1 - i].value;
                return true;
            }
        }
        return false;
    case EV_IN:
        if (c->negated || !ev_operand_is_attr(&c->ops[0], hash)) return false;
        for (size_t i = 1; i < c->nops; i++)
            if (c->ops[i].kind != EV_O_CONST) return false;
        *vals = pq_xrealloc(*vals, (*n + c->nops - 1) * sizeof **vals);
        for (size_t i = 1; i < c->nops; i++)
            (*vals)[(*n)++] = c->ops[i].value;
        return true;
    case EV_AND:
        for (size_t i = 0; i < c->nkids; i++)
            if (pins(c->kids[i], hash, vals, n)) return true;
        return false;
    case EV_OR:
        for (size_t i = 0; i < c->nkids; i++) {
            if (!pins(c->kids[i], hash, vals, n)) {
                *n = mark;
                return false;
            }
        }
        return true;
    default:
        return false;
    }
}

/* Number of distinct partition values `c` pins (0 when it does not pin). */
static size_t pinned_count(const struct ev_cond *c, const char *hash)
{
    const json_t **vals = NULL;
    size_t n = 0, distinct = 0;
    if (c && pins(c, hash, &vals, &n)) {
        for (size_t i = 0; i < n; i++) {
            bool seen = false;
            for (size_t j = 0; j < i && !seen; j++)
                seen = pq_value_equal(vals[i], vals[j]);
            if (!seen) distinct++;
        }
    }
    free(vals);
    return distinct;
}

static const json_t *const_of(const struct ev_operand *o, pq_type want)
{
    return o->kind == EV_O_CONST && pq_value_type(o->value) == want ? o->value : NULL;
}

/* The smallest byte string above every string that starts with `p`
 * (false when there is none: p empty or all 0xFF). */
static bool prefix_successor(struct pq_buf *p)
{
    while (p->len && (unsigned char)p->data[p->len - 1] == 0xFF)
        p->len--;
    if (!p->len) return false;
    p->data[p->len - 1] = (char)((unsigned char)p->data[p->len - 1] + 1);
    p->data[p->len] = '\0';
    return true;
}

static void encode(const json_t *v, struct pq_buf *out)
{
    pq_buf_reset(out);
    pq_value_encode_key(v, out);
}

/* Turns one conjunct on the sort key into bounds; false if it is not a key
 * condition (then it is only a filter). */
static bool sort_bounds(const struct ev_cond *c, const struct pq_key_attr *rk, struct krange *r)
{
    pq_type t = key_type(rk);
    if (c->kind == EV_CMP && c->op != PQ_OP_NE) {
        pq_op op = c->op;
        const json_t *v = NULL;
        if (ev_operand_is_attr(&c->ops[0], rk->name)) {
            v = const_of(&c->ops[1], t);
        } else if (ev_operand_is_attr(&c->ops[1], rk->name)) {
            v = const_of(&c->ops[0], t);
            op = op == PQ_OP_LT   ? PQ_OP_GT
                 : op == PQ_OP_LE ? PQ_OP_GE
                 : op == PQ_OP_GT ? PQ_OP_LT
                 : op == PQ_OP_GE ? PQ_OP_LE
                                  : op;
        }
        if (!v) return false;
        if (op == PQ_OP_EQ || op == PQ_OP_GT || op == PQ_OP_GE) {
            r->has_lo = true;
            r->lo_incl = op != PQ_OP_GT;
            r->lo_v = v;
            encode(v, &r->lo);
        }
        if (op == PQ_OP_EQ || op == PQ_OP_LT || op == PQ_OP_LE) {
            r->has_hi = true;
            r->hi_incl = op != PQ_OP_LT;
            r->hi_v = v;
            encode(v, &r->hi);
        }
        return true;
    }
    if (c->kind == EV_BETWEEN && !c->negated && ev_operand_is_attr(&c->ops[0], rk->name)) {
        const json_t *lo = const_of(&c->ops[1], t), *hi = const_of(&c->ops[2], t);
        if (!lo || !hi) return false;
        r->has_lo = r->has_hi = r->lo_incl = r->hi_incl = true;
        r->lo_v = lo;
        r->hi_v = hi;
        encode(lo, &r->lo);
        encode(hi, &r->hi);
        return true;
    }
    if (c->kind == EV_BEGINS && t != PQ_T_N && ev_operand_is_attr(&c->ops[0], rk->name)) {
        const json_t *p = const_of(&c->ops[1], t);
        if (!p) return false;
        r->prefix_v = p;
        r->has_lo = r->lo_incl = true;
        encode(p, &r->lo);
        struct pq_buf raw = PQ_BUF_INIT;
        pq_buf_init(&raw);
        const json_t *pl = pq_value_payload(p);
        if (t == PQ_T_S)
            pq_buf_add(&raw, json_string_value(pl), json_string_length(pl));
        else
            pq_base64_decode(json_string_value(pl), json_string_length(pl), &raw);
        if (prefix_successor(&raw)) {
            json_t *succ;
            if (t == PQ_T_S) {
                succ = pq_value_new(PQ_T_S, json_stringn_nocheck(raw.data, raw.len));
            } else {
                succ = pq_value_new_b(raw.data, raw.len);
            }
            r->has_hi = true;
            r->hi_incl = false;
            encode(succ, &r->hi);
            json_decref(succ);
        }
        pq_buf_release(&raw);
        return true;
    }
    return false;
}

static int bufcmp(const struct pq_buf *a, const struct pq_buf *b)
{
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->data, b->data, n);
    if (c) return c;
    return a->len < b->len ? -1 : a->len > b->len;
}

/* True when range a ends before range b begins. */
static bool ends_before(const struct krange *a, const struct krange *b)
{
    if (!a->has_hi || !b->has_lo) return false;
    int c = bufcmp(&a->hi, &b->lo);
    return c < 0 || (c == 0 && !(a->hi_incl && b->lo_incl));
}

static bool same_bounds(const struct krange *a, const struct krange *b)
{
    return a->has_lo == b->has_lo && a->has_hi == b->has_hi &&
           (!a->has_lo || (a->lo_incl == b->lo_incl && bufcmp(&a->lo, &b->lo) == 0)) &&
           (!a->has_hi || (a->hi_incl == b->hi_incl && bufcmp(&a->hi, &b->hi) == 0));
}

/* Adds the ranges of one branch (a condition that pins the partition key
 * of the key schema `hash` / `range` read). */
static pq_status add_branch(struct plan *p, const struct pq_key_attr *hash,
                            const struct pq_key_attr *range, struct ev_cond *branch, size_t bno,
                            struct pq_error *err)
{
    struct ev_cond *const *conj;
    size_t nconj, npins = 0;
    ev_conjuncts(&branch, &conj, &nconj);
    for (size_t i = 0; i < nconj; i++) {
        const json_t **v = NULL;
        size_t nv = 0;
        npins += pins(conj[i], hash->name, &v, &nv);
        free(v);
    }
    /* `pk = 'a' AND pk = 'b'`: the text is the shared catalog's (§4.2.1
     * item 6); that DynamoDB refuses this case with it is UNCONFIRMED. */
    if (npins > 1)
        return pq_error_validation(
            err, "Only single equality condition should be present on hash key %s", hash->name);
    const json_t **vals = NULL;
    size_t nvals = 0;
    pins(branch, hash->name, &vals, &nvals);
    struct krange proto;
    memset(&proto, 0, sizeof proto);
    pq_buf_init(&proto.lo);
    pq_buf_init(&proto.hi);
    if (range) {
        struct ev_cond *const *kids;
        size_t n;
        ev_conjuncts(&branch, &kids, &n);
        for (size_t i = 0; i < n; i++)
            if (sort_bounds(kids[i], range, &proto)) break;
    }
    pq_status st = PQ_OK;
    for (size_t i = 0; i < nvals && st == PQ_OK; i++) {
        /* No key holds a BOOL, NULL, list, map or set: the shared catalog's
         * text (§4.2.1 item 6; the exact trigger is UNCONFIRMED). */
        pq_type vt = pq_value_type(vals[i]);
        if (vt != PQ_T_S && vt != PQ_T_N && vt != PQ_T_B) {
            st = pq_error_validation(err,
                                     "Key value must be of type S, N, or B. Key name: %s, Key "
                                     "type: %s",
                                     hash->name, pq_type_name(vt));
            break;
        }
        /* A value of another key type names no partition: nothing to read
         * (DynamoDB's answer here is UNCONFIRMED). */
        if (vt != key_type(hash)) continue;
        struct krange r = proto;
        pq_buf_init(&r.hk);
        pq_buf_init(&r.lo);
        pq_buf_init(&r.hi);
        pq_buf_add(&r.lo, proto.lo.data, proto.lo.len);
        pq_buf_add(&r.hi, proto.hi.data, proto.hi.len);
        r.hv = vals[i];
        r.branch = bno;
        encode(vals[i], &r.hk);
        bool skip = false;
        for (size_t j = 0; j < p->n && !skip && st == PQ_OK; j++) {
            const struct krange *o = &p->r[j];
            if (bufcmp(&o->hk, &r.hk) != 0) continue;
            if (o->branch == bno && same_bounds(o, &r))
                skip = true; /* pk IN ['a', 'a'] */
            else if (!ends_before(o, &r) && !ends_before(&r, o))
                st = pq_error_validation(
                    err,
                    "Overlapping conditions with range keys are not supported in where clause");
        }
        if (skip || st != PQ_OK) {
            pq_buf_release(&r.hk);
            pq_buf_release(&r.lo);
            pq_buf_release(&r.hi);
            if (st != PQ_OK) break;
            continue;
        }
        p->r = pq_xrealloc(p->r, (p->n + 1) * sizeof *p->r);
        p->r[p->n++] = r;
    }
    pq_buf_release(&proto.lo);
    pq_buf_release(&proto.hi);
    free(vals);
    return st;
}

struct order {
    bool hash_desc, range_desc, has_hash;
};

static struct order order_of(const struct pq_select *sel, const struct pq_key_attr *hash)
{
    struct order o = {false, false, false};
    for (size_t i = 0; i < sel->norder; i++) {
        const char *name = sel->order[i].expr->steps[0].name;
        if (strcmp(name, hash->name) == 0) {
            o.has_hash = true;
            o.hash_desc = sel->order[i].desc;
        } else {
            o.range_desc = sel->order[i].desc;
        }
    }
    return o;
}

static int range_cmp(const void *x, const void *y)
{
    const struct krange *a = x, *b = y;
    int c = bufcmp(&a->hk, &b->hk);
    if (c) return c * a->hdir;
    c = a->has_lo && b->has_lo ? bufcmp(&a->lo, &b->lo) : (int)b->has_lo - (int)a->has_lo;
    return c * a->rdir;
}

static pq_status build_plan(const struct exec_stmt *s, struct plan *p, struct pq_error *err)
{
    const struct pq_select *sel = s->sel;
    memset(p, 0, sizeof *p);
    p->index = s->index;
    pq_status st = PQ_OK;
    const json_t **vals = NULL;
    size_t nvals = 0;
    /* A multi-attribute GSI key is read as a Scan of the index with the
     * WHERE clause as its filter: PartiQL's rules for pinning a key (one
     * equality on the partition key) name one attribute, and how DynamoDB
     * plans several is UNCONFIRMED; the results are the same. */
    if (!s->where || (s->index && s->index->multi) ||
        !pins(s->where, s->khash->name, &vals, &nvals)) {
        free(vals);
        p->r = pq_xcalloc(1, sizeof *p->r);
        p->n = 1;
        pq_buf_init(&p->r[0].hk);
        pq_buf_init(&p->r[0].lo);
        pq_buf_init(&p->r[0].hi);
        return PQ_OK;
    }
    free(vals);
    p->query = true;
    struct ev_cond *w = s->where;
    bool every_branch = w->kind == EV_OR;
    for (size_t i = 0; every_branch && i < w->nkids; i++) {
        const json_t **v = NULL;
        size_t n = 0;
        every_branch = pins(w->kids[i], s->khash->name, &v, &n);
        free(v);
    }
    if (every_branch) {
        for (size_t i = 0; i < w->nkids && st == PQ_OK; i++)
            st = add_branch(p, s->khash, s->krange, w->kids[i], i, err);
    } else {
        st = add_branch(p, s->khash, s->krange, w, 0, err);
    }
    /* At most 50 partition values (reference §2.5); the text is the shared
     * catalog's (§4.2.1 item 6). */
    if (st == PQ_OK && p->n > EV_MAX_IN_PARTITIONS)
        st = pq_error_validation(err, "Too many decomposed read operations for a given query.");
    if (st != PQ_OK) {
        plan_release(p);
        return st;
    }
    if (sel->norder) {
        struct order o = order_of(sel, s->khash);
        p->desc = o.range_desc;
        for (size_t i = 0; i < p->n; i++) {
            p->r[i].hdir = o.hash_desc ? -1 : 1;
            p->r[i].rdir = o.range_desc ? -1 : 1;
        }
        /* p->r is NULL when no branch was planned: qsort(NULL, 0, …) is undefined. */
        if (p->n > 1) qsort(p->r, p->n, sizeof *p->r, range_cmp);
    }
    return PQ_OK;
}

pq_status exec_select_check(struct pq_engine *e, struct exec_stmt *s, struct pq_error *err)
{
    pq_status st;
    const struct pq_select *sel = s->sel;
    if (sel->limit) return pq_error_validation(err, "Unsupported clause: LIMIT");
    if (sel->unsupported) {
        if (strcmp(sel->unsupported, "DISTINCT") == 0)
            return pq_error_validation(err, "Unsupported token in expression: DISTINCT");
        return pq_error_validation(err, "Unsupported clause: %s", sel->unsupported);
    }
    if (sel->value_or_pivot)
        return pq_error_validation(err,
                                   "Select projection doesn't support value or pivot keywords");
    if ((st = exec_check_from(&sel->from, err)) != PQ_OK) return st;
    if ((st = check_projection(s, sel, err)) != PQ_OK) return st;
    if ((st = store_table_get(e->store, sel->from.table.name, &s->table, err)) != PQ_OK) return st;
    if (!s->table)
        return pq_error_service(err, "ResourceNotFoundException", "Requested resource not found");
    s->khash = &s->table->hash;
    s->krange = s->table->range.name ? &s->table->range : NULL;
    if (sel->from.index.name) {
        s->index = index_find(s->table, sel->from.index.name);
        if (!s->index)
            return pq_error_validation(err, "The table does not have the specified index");
        s->khash = &s->index->hash;
        s->krange = s->index->range.name ? &s->index->range : NULL;
    }
    if (sel->where && (st = ev_compile(&s->cx, sel->where, &s->where, err)) != PQ_OK) return st;
    if (s->index && (st = check_index_use(s, err)) != PQ_OK) return st;
    if (!sel->norder) return PQ_OK;
    if (!sel->where)
        return pq_error_validation(err,
                                   "Must have WHERE clause in the statement when using ORDER BY "
                                   "clause.");
    for (size_t i = 0; i < sel->norder; i++) {
        const struct pq_expr *x = sel->order[i].expr;
        if (x->kind != PQ_E_PATH || x->nsteps != 1 || x->steps[0].kind != PQ_STEP_NAME) {
            /* Type names follow PartiQL's AST (UNCONFIRMED beyond the text). */
            const char *type = x->kind == PQ_E_PATH                           ? "Path"
                               : x->kind == PQ_E_LIT || x->kind == PQ_E_PARAM ? "Lit"
                               : x->kind == PQ_E_CALL                         ? "Call"
                                                                              : "NAry";
            return pq_error_validation(err,
                                       "Argument to ORDER BY must be of type VariableReference. "
                                       "Type: %s",
                                       type);
        }
        const char *name = x->steps[0].name;
        if (strcmp(name, s->khash->name) != 0 && !(s->krange && strcmp(name, s->krange->name) == 0))
            return pq_error_validation(err,
                                       "Variable reference %s in ORDER BY clause must be part of "
                                       "the primary key",
                                       name);
    }
    size_t parts = pinned_count(s->where, s->khash->name);
    if (parts == 0)
        return pq_error_validation(err, "Must have at least one non-optional hash key condition in "
                                        "WHERE clause when using ORDER BY clause.");
    if (parts > 1 && !order_of(sel, s->khash).has_hash)
        return pq_error_validation(err, "Must have hash key in ORDER BY clause when more than one "
                                        "hash key condition specified in WHERE clause.");
    return PQ_OK;
}

/* ---- NextToken ---------------------------------------------------------- */

/* The token binds a page to its statement and parameters (FNV-1a 64 of
 * both) and records where the page stopped: range number and last key. */
static uint64_t request_hash(const struct exec_request *r)
{
    uint64_t h = 14695981039346656037ull;
    char *params = r->params ? json_dumps(r->params, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    const char *parts[2] = {r->statement, params ? params : ""};
    size_t lens[2] = {r->len, params ? strlen(params) + 1 : 0};
    for (int p = 0; p < 2; p++) {
        for (size_t i = 0; i < lens[p]; i++) {
            h ^= (unsigned char)parts[p][i];
            h *= 1099511628211ull;
        }
    }
    free(params);
    return h;
}

static json_t *b64_string(const struct pq_buf *b)
{
    struct pq_buf t = PQ_BUF_INIT;
    pq_buf_init(&t);
    pq_base64_encode(b->data, b->len, &t);
    json_t *s = json_stringn(t.data, t.len);
    pq_buf_release(&t);
    return s;
}

static json_t *token_new(const struct exec_request *r, size_t range, const struct pq_key *k)
{
    char h[17];
    snprintf(h, sizeof h, "%016llx", (unsigned long long)request_hash(r));
    json_t *j = json_pack("{s:i, s:s, s:I, s:o, s:o}", "v", 1, "h", h, "r", (json_int_t)range, "hk",
                          b64_string(&k->hk), "rk", b64_string(&k->rk));
    /* On an index, the base key of the last entry too. */
    if (k->bhk.len) {
        json_object_set_new(j, "bh", b64_string(&k->bhk));
        json_object_set_new(j, "br", b64_string(&k->brk));
    }
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    struct pq_buf t = PQ_BUF_INIT;
    pq_buf_init(&t);
    pq_base64_encode(text, strlen(text), &t);
    free(text);
    json_t *s = json_stringn(t.data, t.len);
    pq_buf_release(&t);
    return s;
}

static bool b64_field(const json_t *j, const char *name, struct pq_buf *out)
{
    const json_t *s = json_object_get(j, name);
    return json_is_string(s) && pq_base64_decode(json_string_value(s), json_string_length(s), out);
}

/* Decodes a NextToken: a malformed token is "Invalid NextToken"; a token of
 * another statement, other parameters or an impossible position is "The
 * provided starting key is invalid" (DynamoDB Local's two texts, §3.1). */
static pq_status token_read(const struct exec_request *r, const struct plan *p, size_t *range,
                            struct pq_key *k, struct pq_error *err)
{
    struct pq_buf raw = PQ_BUF_INIT;
    pq_buf_init(&raw);
    json_t *j = NULL;
    pq_status st = PQ_OK;
    if (!pq_base64_decode(r->next_token, strlen(r->next_token), &raw) ||
        !(j = json_loadb(raw.data, raw.len, 0, NULL)) || !json_is_object(j) ||
        json_integer_value(json_object_get(j, "v")) != 1 ||
        !json_is_string(json_object_get(j, "h")) || !json_is_integer(json_object_get(j, "r")) ||
        !b64_field(j, "hk", &k->hk) || !b64_field(j, "rk", &k->rk) ||
        (json_object_get(j, "bh") && !b64_field(j, "bh", &k->bhk)) ||
        (json_object_get(j, "br") && !b64_field(j, "br", &k->brk))) {
        st = pq_error_validation(err, "Invalid NextToken");
        goto out;
    }
    char h[17];
    snprintf(h, sizeof h, "%016llx", (unsigned long long)request_hash(r));
    json_int_t ri = json_integer_value(json_object_get(j, "r"));
    if (strcmp(json_string_value(json_object_get(j, "h")), h) != 0 || ri < 0 ||
        (size_t)ri >= p->n || (p->query && bufcmp(&p->r[ri].hk, &k->hk) != 0) ||
        (p->index != NULL) != (k->bhk.len > 0)) {
        st = pq_error_validation(err, "The provided starting key is invalid");
        goto out;
    }
    *range = (size_t)ri;
out:
    if (j) json_decref(j);
    pq_buf_release(&raw);
    return st;
}

/* ---- reading ------------------------------------------------------------ */

static json_t *project(const struct pq_select *sel, const json_t *item)
{
    if (sel->star) return json_incref((json_t *)item);
    json_t *out = json_object();
    struct pq_buf name = PQ_BUF_INIT;
    pq_buf_init(&name);
    for (size_t i = 0; i < sel->nproj; i++) {
        const struct pq_expr *p = sel->proj[i];
        const json_t *v = ev_path_get(item, p->steps, p->nsteps);
        if (!v) continue;
        pq_buf_reset(&name);
        result_name(p, &name);
        json_object_set(out, name.data, (json_t *)v);
    }
    pq_buf_release(&name);
    return out;
}

static void store_range_of(const struct plan *p, const struct krange *k, const struct pq_key *after,
                           struct pq_range *r)
{
    memset(r, 0, sizeof *r);
    r->index = p->index;
    r->descending = p->desc;
    r->after = after;
    if (!p->query) return;
    r->hk = &k->hk;
    if (k->has_lo) {
        r->rk_lo = &k->lo;
        r->lo_inclusive = k->lo_incl;
    }
    if (k->has_hi) {
        r->rk_hi = &k->hi;
        r->hi_inclusive = k->hi_incl;
    }
}

/* True when a read through an LSI must fetch attributes the index does not
 * project from the base item (DynamoDB does that for LSIs, §4.2). */
static bool lsi_fetches(const struct exec_stmt *s)
{
    if (!s->index || s->index->global) return false;
    for (size_t i = 0; i < s->sel->nproj; i++)
        if (!index_projects(s->table, s->index, s->sel->proj[i]->steps[0].name)) return true;
    return false;
}

pq_status exec_select_run(struct pq_engine *e, struct exec_stmt *s, const struct exec_request *r,
                          json_t **resp, struct pq_error *err)
{
    const struct pq_select *sel = s->sel;
    struct plan p;
    struct pq_key resume, last;
    struct pq_cursor *cur = NULL;
    json_t *items = json_array(), *token = NULL, *item = NULL;
    size_t first = 0, evaluated = 0, bytes = 0;
    size_t budget = e->page_bytes ? e->page_bytes : DEFAULT_PAGE_BYTES;
    json_int_t limit = r->limit ? json_integer_value(r->limit) : 0;
    bool resuming = false, fetch = lsi_fetches(s);
    /* SELECT * on an index returns what the index holds (UNCONFIRMED for an
     * LSI, which could also fetch the rest from the base item). */
    bool projected_only = s->index && (s->index->global || sel->star);
    store_key_init(&resume);
    store_key_init(&last);
    pq_status st = build_plan(s, &p, err);
    if (st != PQ_OK) goto out_noplan;
    if (r->next_token) {
        if ((st = token_read(r, &p, &first, &resume, err)) != PQ_OK) goto out;
        resuming = true;
    }
    for (size_t ri = first; ri < p.n && !token; ri++) {
        struct pq_range range;
        size_t range_bytes = 0;
        store_range_of(&p, &p.r[ri], resuming && ri == first ? &resume : NULL, &range);
        if ((st = store_cursor_open(e->store, s->table, &range, &cur, err)) != PQ_OK) goto out;
        for (;;) {
            size_t size = 0;
            if ((st = store_cursor_next(cur, &item, &size, &last, err)) != PQ_OK) goto out;
            if (!item) break;
            evaluated++;
            bytes += size;
            range_bytes += size;
            if (projected_only) {
                json_t *held = index_project(s->table, s->index, item);
                json_decref(item);
                item = held;
            }
            if (ev_test(s->where, item)) {
                json_array_append_new(items, project(sel, item));
                if (fetch) cap_read(e, s->table, NULL, pq_item_size(item), r->consistent_read);
            }
            json_decref(item);
            item = NULL;
            /* A page ends after Limit items or page_bytes evaluated; the
             * token is given even if nothing follows, as DynamoDB does. */
            if ((limit > 0 && evaluated >= (size_t)limit) || bytes >= budget) {
                token = token_new(r, ri, &last);
                break;
            }
        }
        store_cursor_close(cur);
        cur = NULL;
        cap_read(e, s->table, s->index, range_bytes, r->consistent_read);
    }
    *resp = json_pack("{s:O}", "Items", items);
    if (token) json_object_set(*resp, "NextToken", token);
out:
    plan_release(&p);
out_noplan:
    if (cur) store_cursor_close(cur);
    if (item) json_decref(item);
    if (token) json_decref(token);
    json_decref(items);
    store_key_release(&resume);
    store_key_release(&last);
    return st;
}

pq_status exec_select_explain(struct pq_engine *e, const struct exec_request *r, json_t **out,
                              struct pq_error *err)
{
    struct exec_stmt *s = NULL;
    struct plan p;
    *out = NULL;
    pq_status st = exec_prepare(e, r, &s, err);
    if (st != PQ_OK) return st;
    if (s->ast->kind != PQ_S_SELECT) {
        exec_stmt_free(s);
        return pq_error_validation(err, "Only SELECT statements have a read plan");
    }
    if ((st = build_plan(s, &p, err)) != PQ_OK) {
        exec_stmt_free(s);
        return st;
    }
    json_t *ranges = json_array();
    for (size_t i = 0; p.query && i < p.n; i++) {
        const struct krange *k = &p.r[i];
        json_t *j = json_pack("{s:O}", "Partition", k->hv);
        if (k->prefix_v) json_object_set(j, "BeginsWith", (json_t *)k->prefix_v);
        if (k->lo_v) {
            json_object_set(j, "Lower", (json_t *)k->lo_v);
            json_object_set_new(j, "LowerInclusive", json_boolean(k->lo_incl));
        }
        if (k->hi_v) {
            json_object_set(j, "Upper", (json_t *)k->hi_v);
            json_object_set_new(j, "UpperInclusive", json_boolean(k->hi_incl));
        }
        json_array_append_new(ranges, j);
    }
    *out = json_pack("{s:s, s:o, s:b}", "Type", p.query ? "Query" : "Scan", "Ranges", ranges,
                     "Descending", p.desc);
    plan_release(&p);
    exec_stmt_free(s);
    return PQ_OK;
}
