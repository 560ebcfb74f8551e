/* keycond.c — Query or Scan: a WHERE clause classified against a key schema (reference §4.2.1).
 *
 * Pure functions of the syntax tree, so that EXPLAIN, the shell's scan
 * warning and (later) the engine can share one reading of the rule. The
 * engine's own plan (src/engine/exec_select.c, pins() and sort_bounds())
 * applies the same rule to compiled conditions with values; the two agree on
 * which conjuncts are key conditions: the first sort-key conjunct that can
 * bound a range is used, the rest filter.
 */
#include "pqsh/plan.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A top-level attribute written as one name: `pk` or "pk". */
static bool is_attr(const struct pq_expr *e, const char *name)
{
    return e && name && e->kind == PQ_E_PATH && e->nsteps == 1 &&
           e->steps[0].kind == PQ_STEP_NAME && strcmp(e->steps[0].name, name) == 0;
}

/* A value DynamoDB can use in a key condition: a scalar literal, a `?`
 * parameter, or a pqsh variable not bound yet; also a signed literal. */
static bool is_value(const struct pq_expr *e)
{
    if (!e) return false;
    switch (e->kind) {
    case PQ_E_LIT:
    case PQ_E_PARAM:
    case PQ_E_VAR:
        return true;
    case PQ_E_UNARY:
        return (e->op == PQ_OP_NEG || e->op == PQ_OP_POS) && e->lhs &&
               (e->lhs->kind == PQ_E_LIT || e->lhs->kind == PQ_E_PARAM);
    default:
        return false;
    }
}

/* `e` pins the partition key: h = v, v = h, h IN [v, …], an AND with a
 * conjunct that pins, or an OR whose every branch pins. Returns the number of
 * partition values named (0: does not pin); *cond is the pinning part. */
static size_t pins(const struct pq_expr *e, const char *hash, const struct pq_expr **cond)
{
    if (!e) return 0;
    if (e->kind == PQ_E_BINARY && e->op == PQ_OP_EQ) {
        if ((is_attr(e->lhs, hash) && is_value(e->rhs)) ||
            (is_attr(e->rhs, hash) && is_value(e->lhs))) {
            *cond = e;
            return 1;
        }
        return 0;
    }
    if (e->kind == PQ_E_IN && !e->negated && is_attr(e->lhs, hash) && e->rhs &&
        e->rhs->kind == PQ_E_LIST && e->rhs->nitems > 0) {
        for (size_t i = 0; i < e->rhs->nitems; i++)
            if (!is_value(e->rhs->items[i])) return 0;
        *cond = e;
        return e->rhs->nitems;
    }
    if (e->kind == PQ_E_BINARY && e->op == PQ_OP_AND) {
        size_t n = pins(e->lhs, hash, cond);
        return n ? n : pins(e->rhs, hash, cond);
    }
    if (e->kind == PQ_E_BINARY && e->op == PQ_OP_OR) {
        const struct pq_expr *ignored;
        size_t a = pins(e->lhs, hash, &ignored);
        size_t b = a ? pins(e->rhs, hash, &ignored) : 0;
        if (!a || !b) return 0;
        *cond = e;
        return a + b;
    }
    return 0;
}

/* A conjunct on the sort key that bounds a key range. */
static bool is_range_cond(const struct pq_expr *e, const char *range)
{
    if (!e || !range) return false;
    if (e->kind == PQ_E_BINARY) {
        switch (e->op) {
        case PQ_OP_EQ:
        case PQ_OP_LT:
        case PQ_OP_LE:
        case PQ_OP_GT:
        case PQ_OP_GE:
            return (is_attr(e->lhs, range) && is_value(e->rhs)) ||
                   (is_attr(e->rhs, range) && is_value(e->lhs));
        default:
            return false;
        }
    }
    if (e->kind == PQ_E_BETWEEN)
        return !e->negated && is_attr(e->lhs, range) && e->nitems == 2 && is_value(e->items[0]) &&
               is_value(e->items[1]);
    if (e->kind == PQ_E_CALL)
        return e->name && strcasecmp(e->name, "begins_with") == 0 && e->nitems == 2 &&
               is_attr(e->items[0], range) && is_value(e->items[1]);
    return false;
}

/* The first sort-key condition among the top-level conjuncts of `e`. */
static const struct pq_expr *find_range(const struct pq_expr *e, const char *range)
{
    if (!e) return NULL;
    if (e->kind == PQ_E_BINARY && e->op == PQ_OP_AND) {
        const struct pq_expr *r = find_range(e->lhs, range);
        return r ? r : find_range(e->rhs, range);
    }
    return is_range_cond(e, range) ? e : NULL;
}

static size_t conjuncts(const struct pq_expr *e)
{
    if (e && e->kind == PQ_E_BINARY && e->op == PQ_OP_AND)
        return conjuncts(e->lhs) + conjuncts(e->rhs);
    return 1;
}

/* A pinning condition with nothing else in it (an OR branch may carry more:
 * `h = 1 AND x = 2 OR h = 3`). */
static bool pure_pin(const struct pq_expr *e)
{
    if (e->kind == PQ_E_BINARY && e->op == PQ_OP_OR) return pure_pin(e->lhs) && pure_pin(e->rhs);
    return e->kind == PQ_E_IN || (e->kind == PQ_E_BINARY && e->op == PQ_OP_EQ);
}

/* One Query for `branch`; true when more than its key conditions are in it. */
static bool add_read(struct pq_read_plan *p, const struct pq_expr *branch,
                     const struct pq_key_names *k)
{
    struct pq_key_read r = {NULL, NULL, 0};
    r.nvalues = pins(branch, k->hash, &r.hash_cond);
    r.range_cond = find_range(branch, k->range);
    p->reads = pq_xrealloc(p->reads, (p->nreads + 1) * sizeof *p->reads);
    p->reads[p->nreads++] = r;
    size_t used = 1 + (r.range_cond != NULL);
    return conjuncts(branch) > used || !pure_pin(r.hash_cond);
}

static bool or_branches_all_pin(const struct pq_expr *e, const char *hash)
{
    const struct pq_expr *ignored;
    if (e->kind == PQ_E_BINARY && e->op == PQ_OP_OR)
        return or_branches_all_pin(e->lhs, hash) && or_branches_all_pin(e->rhs, hash);
    return pins(e, hash, &ignored) > 0;
}

/* Adds one read per OR branch of `e` (every branch pins). */
static bool add_branches(struct pq_read_plan *p, const struct pq_expr *e,
                         const struct pq_key_names *k)
{
    if (e->kind == PQ_E_BINARY && e->op == PQ_OP_OR) {
        bool a = add_branches(p, e->lhs, k);
        bool b = add_branches(p, e->rhs, k);
        return a || b;
    }
    return add_read(p, e, k);
}

void pq_keycond_classify(const struct pq_expr *where, const struct pq_key_names *k,
                         struct pq_read_plan *out)
{
    const struct pq_expr *cond = NULL;
    memset(out, 0, sizeof *out);
    out->hash = k->hash;
    if (!where) {
        out->why = "there is no WHERE clause";
        return;
    }
    if (!pins(where, k->hash, &cond)) {
        out->why = where->kind == PQ_E_BINARY && where->op == PQ_OP_OR
                       ? "an OR branch has no = or IN on partition key"
                       : "WHERE has no = or IN on partition key";
        out->filter = true;
        return;
    }
    out->query = true;
    /* A top-level OR whose every branch pins: one Query per branch, each
     * with its own sort-key condition (§4.2.1 rule 1 and 3). */
    if (where->kind == PQ_E_BINARY && where->op == PQ_OP_OR && or_branches_all_pin(where, k->hash))
        out->filter = add_branches(out, where, k);
    else
        out->filter = add_read(out, where, k);
}

void pq_read_plan_release(struct pq_read_plan *p)
{
    free(p->reads);
    memset(p, 0, sizeof *p);
}

static void names_of(const json_t *schema, struct pq_key_names *out)
{
    size_t i;
    json_t *k;
    out->hash = out->range = NULL;
    json_array_foreach(schema, i, k)
    {
        const char *name = json_string_value(json_object_get(k, "AttributeName"));
        const char *type = json_string_value(json_object_get(k, "KeyType"));
        if (!name || !type) continue;
        if (strcmp(type, "HASH") == 0 && !out->hash) out->hash = name;
        if (strcmp(type, "RANGE") == 0 && !out->range) out->range = name;
    }
}

bool pq_keycond_schema(const json_t *desc, const char *index, struct pq_key_names *out)
{
    static const char *const lists[] = {"GlobalSecondaryIndexes", "LocalSecondaryIndexes"};
    out->hash = out->range = NULL;
    if (!index) {
        names_of(json_object_get(desc, "KeySchema"), out);
        return out->hash != NULL;
    }
    for (int l = 0; l < 2; l++) {
        size_t i;
        json_t *ix;
        json_array_foreach(json_object_get(desc, lists[l]), i, ix)
        {
            const char *name = json_string_value(json_object_get(ix, "IndexName"));
            if (name && strcmp(name, index) == 0) {
                names_of(json_object_get(ix, "KeySchema"), out);
                return out->hash != NULL;
            }
        }
    }
    return false;
}

/* ---- the note EXPLAIN prints --------------------------------------------- */

/* Replaces `?` parameters by their values, so the note shows what is sent. */
static void fill_params(struct pq_expr *e, const json_t *params)
{
    if (!e) return;
    if (e->kind == PQ_E_PARAM) {
        json_t *v = json_array_get(params, e->param);
        if (!v) return;
        e->kind = PQ_E_LIT;
        e->lit = json_deep_copy(v);
        return;
    }
    fill_params(e->lhs, params);
    fill_params(e->rhs, params);
    for (size_t i = 0; i < e->nitems; i++)
        fill_params(e->items[i], params);
}

static void print_filled(const struct pq_expr *e, const json_t *params, struct pq_buf *out)
{
    struct pq_expr *copy = pq_expr_clone(e);
    fill_params(copy, params);
    pq_expr_print(copy, out);
    pq_expr_free(copy);
}

static void print_key_read(const struct pq_key_read *r, const json_t *params, struct pq_buf *out)
{
    bool or = r->hash_cond->kind == PQ_E_BINARY && r->hash_cond->op == PQ_OP_OR;
    pq_buf_adds(out, r->nvalues > 1 ? "key conditions " : "key condition ");
    if (or) pq_buf_addc(out, '(');
    print_filled(r->hash_cond, params, out);
    if (or) pq_buf_addc(out, ')');
    if (r->range_cond) {
        pq_buf_adds(out, " AND ");
        print_filled(r->range_cond, params, out);
    }
}

void pq_read_plan_describe(const struct pq_read_plan *p, const char *table, const char *index,
                           const json_t *params, struct pq_buf *out)
{
    struct pq_buf what = PQ_BUF_INIT;
    pq_buf_init(&what);
    pq_buf_adds(&what, index ? "index " : "table ");
    pq_buf_add_dquoted(&what, table, strlen(table));
    if (index) {
        pq_buf_addc(&what, '.');
        pq_buf_add_dquoted(&what, index, strlen(index));
    }
    if (!p->query) {
        pq_buf_addf(out, "Scan of the whole %s: %s", what.data, p->why);
        if (p->filter) {
            pq_buf_addc(out, ' ');
            pq_buf_add_dquoted(out, p->hash, strlen(p->hash));
            pq_buf_adds(out, ", so WHERE filters every item read");
        }
        pq_buf_release(&what);
        return;
    }
    size_t partitions = 0;
    for (size_t i = 0; i < p->nreads; i++)
        partitions += p->reads[i].nvalues;
    pq_buf_addf(out, "Query on %s", what.data);
    if (partitions > 1) pq_buf_addf(out, ", %zu partitions", partitions);
    if (p->nreads == 1) {
        pq_buf_adds(out, ": ");
        print_key_read(&p->reads[0], params, out);
    } else {
        pq_buf_addf(out, ", one Query per OR branch:");
        for (size_t i = 0; i < p->nreads; i++) {
            pq_buf_adds(out, "\n    ");
            print_key_read(&p->reads[i], params, out);
        }
    }
    if (p->filter)
        pq_buf_adds(out, p->nreads == 1 ? "; the rest of WHERE filters"
                                        : "\n    the rest of WHERE filters");
    pq_buf_release(&what);
}
