/* bind.c — session variables and their binding as positional `?` parameters. */
#include "pqsh/bind.h"
#include "pqsh/buf.h"
#include "pqsh/literal.h"
#include "pqsh/parse.h"
#include "pqsh/value.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- the variable table ------------------------------------------------ */

void pq_vars_init(struct pq_vars *vs)
{
    vs->items = NULL;
    vs->n = 0;
    vs->cap = 0;
    vs->fn = NULL;
    vs->fn_ctx = NULL;
}

void pq_vars_release(struct pq_vars *vs)
{
    for (size_t i = 0; i < vs->n; i++) {
        free(vs->items[i].name);
        json_decref(vs->items[i].value);
    }
    free(vs->items);
    vs->items = NULL;
    vs->n = 0;
    vs->cap = 0;
}

/* Index of `name`, or of the place it would be inserted (*found false). */
static size_t vars_find(const struct pq_vars *vs, const char *name, bool *found)
{
    size_t lo = 0, hi = vs->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(vs->items[mid].name, name);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}

void pq_vars_set(struct pq_vars *vs, const char *name, json_t *value)
{
    bool found;
    size_t i = vars_find(vs, name, &found);
    if (found) {
        json_decref(vs->items[i].value);
        vs->items[i].value = value;
        return;
    }
    if (vs->n == vs->cap) {
        vs->cap = vs->cap ? vs->cap * 2 : 8;
        vs->items = pq_xrealloc(vs->items, vs->cap * sizeof *vs->items);
    }
    memmove(&vs->items[i + 1], &vs->items[i], (vs->n - i) * sizeof *vs->items);
    vs->items[i].name = pq_xstrdup(name);
    vs->items[i].value = value;
    vs->n++;
}

json_t *pq_vars_get(const struct pq_vars *vs, const char *name)
{
    bool found;
    size_t i = vars_find(vs, name, &found);
    return found ? vs->items[i].value : NULL;
}

bool pq_vars_unset(struct pq_vars *vs, const char *name)
{
    bool found;
    size_t i = vars_find(vs, name, &found);
    if (!found) return false;
    free(vs->items[i].name);
    json_decref(vs->items[i].value);
    memmove(&vs->items[i], &vs->items[i + 1], (vs->n - i - 1) * sizeof *vs->items);
    vs->n--;
    return true;
}

size_t pq_vars_count(const struct pq_vars *vs)
{
    return vs->n;
}

const char *pq_vars_name(const struct pq_vars *vs, size_t i)
{
    return vs->items[i].name;
}

json_t *pq_vars_value(const struct pq_vars *vs, size_t i)
{
    return vs->items[i].value;
}

bool pq_vars_valid_name(const char *name, size_t len)
{
    if (len == 0) return false;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        bool digit = c >= '0' && c <= '9';
        if (!alpha && !(digit && i > 0)) return false;
    }
    return true;
}

/* ---- binding ----------------------------------------------------------- */

/* A reference found in the tree: the PQ_E_PARAM node that replaced it and
 * the value it stands for (a reference the binder owns), in the order found;
 * `bare` names the variable when it was written as a bare name (borrowed
 * from the vars table), else NULL. */
struct ref {
    struct pq_expr *node;
    json_t *value;
    const char *bare;
};

struct binder {
    const struct pq_vars *vars;
    struct ref *refs;
    size_t n, cap;
    /* Bare names that name a variable but stay attributes (the rule in bind.h). */
    const struct pq_expr **kept;
    size_t nkept;
    /* Bare names left as attributes, for the "read both ways" note (borrowed). */
    const char **attrs;
    size_t nattrs;
    struct pq_note *notes;
    size_t nnotes;
    bool in_cond; /* walking a WHERE condition */
    /* The tree may hold a b64'…' literal: not for a statement parsed without
     * a pqsh-only turn (making one sets shell_syntax), see pq_bind. */
    bool no_binary;
    struct pq_error *err;
};

static void add_note(struct binder *b, struct pq_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void add_note(struct binder *b, struct pq_loc loc, const char *fmt, ...)
{
    struct pq_buf t = PQ_BUF_INIT;
    va_list ap;
    pq_buf_init(&t);
    va_start(ap, fmt);
    pq_buf_vaddf(&t, fmt, ap);
    va_end(ap);
    b->notes = pq_xrealloc(b->notes, (b->nnotes + 1) * sizeof *b->notes);
    b->notes[b->nnotes].loc = loc;
    b->notes[b->nnotes].text = pq_buf_detach(&t, NULL);
    b->nnotes++;
}

/* Steals `value`. */
static void replace_with_param(struct binder *b, struct pq_expr **slot, json_t *value,
                               const char *bare)
{
    struct pq_expr *p = pq_xcalloc(1, sizeof *p);
    p->kind = PQ_E_PARAM;
    p->loc = (*slot)->loc;
    pq_expr_free(*slot);
    *slot = p;
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 8;
        b->refs = pq_xrealloc(b->refs, b->cap * sizeof *b->refs);
    }
    b->refs[b->n].node = p;
    b->refs[b->n].value = value;
    b->refs[b->n].bare = bare;
    b->n++;
}

static bool is_comparison(pq_op op)
{
    return op == PQ_OP_EQ || op == PQ_OP_NE || op == PQ_OP_LT || op == PQ_OP_LE || op == PQ_OP_GT ||
           op == PQ_OP_GE || op == PQ_OP_LIKE;
}

static bool is_bare_name(const struct pq_expr *e)
{
    return e->kind == PQ_E_PATH && e->nsteps == 1 && e->steps[0].kind == PQ_STEP_NAME &&
           !e->steps[0].quoted && e->steps[0].name;
}

static bool is_kept(const struct binder *b, const struct pq_expr *e)
{
    for (size_t i = 0; i < b->nkept; i++)
        if (b->kept[i] == e) return true;
    return false;
}

/* A bare name that will be read as a variable. */
static bool is_bare_var(const struct binder *b, const struct pq_expr *e)
{
    return e && is_bare_name(e) && pq_vars_get(b->vars, e->steps[0].name) && !is_kept(b, e);
}

/* Does `e` refer to the item once variables are read: an attribute path that
 * stays one, or a subquery? */
static bool reads_item(const struct binder *b, const struct pq_expr *e)
{
    if (!e) return false;
    switch (e->kind) {
    case PQ_E_PATH:
        return !is_bare_var(b, e);
    case PQ_E_EXISTS:
        return true;
    case PQ_E_TUPLE:
        for (size_t i = 1; i < e->nitems; i += 2)
            if (reads_item(b, e->items[i])) return true;
        return false;
    default:
        if (reads_item(b, e->lhs) || reads_item(b, e->rhs)) return true;
        for (size_t i = 0; i < e->nitems; i++)
            if (reads_item(b, e->items[i])) return true;
        return false;
    }
}

/* The first bare name in `e` (in printed order) that would be read as a variable. */
static const struct pq_expr *first_bare_var(const struct binder *b, const struct pq_expr *e)
{
    const struct pq_expr *f = NULL;
    if (!e || e->kind == PQ_E_TUPLE || e->kind == PQ_E_EXISTS) return NULL;
    if (is_bare_var(b, e)) return e;
    if ((f = first_bare_var(b, e->lhs))) return f;
    for (size_t i = 0; i < e->nitems; i++)
        if ((f = first_bare_var(b, e->items[i]))) return f;
    return first_bare_var(b, e->rhs);
}

/* A test in a condition (comparison, BETWEEN, IN, function call) must look at
 * the item: when reading every bare name as a variable would leave it none,
 * its first bare name stays the attribute, and a note says so. */
static void keep_an_attribute(struct binder *b, const struct pq_expr *test)
{
    if (!b->in_cond || reads_item(b, test)) return;
    const struct pq_expr *f = first_bare_var(b, test);
    if (!f) return;
    b->kept = pq_xrealloc(b->kept, (b->nkept + 1) * sizeof *b->kept);
    b->kept[b->nkept++] = f;
    add_note(b, f->loc,
             "%s is read as the attribute %s: a condition must test the item (the variable is :%s)",
             f->steps[0].name, f->steps[0].name, f->steps[0].name);
}

/* Edit distance of a and b, when at most 2 (else 3). */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > lb + 2 || lb > la + 2 || la > 64 || lb > 64) return 3;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + ((a[i - 1] | 0x20) != (b[j - 1] | 0x20));
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb] > 3 ? 3 : row[lb];
}

/* A set variable whose name is within two edits of `name` (borrowed), or NULL. */
static const char *similar_var(const struct pq_vars *vs, const char *name)
{
    for (size_t i = 0; i < vs->n; i++)
        if (distance(vs->items[i].name, name) <= 2) return vs->items[i].name;
    return NULL;
}

/* Notes on a comparison whose reading of bare names is easy to mistake: a
 * variable on the left of an attribute, or a bare name on each side and no
 * variable of either name. */
static void note_comparison(struct binder *b, const struct pq_expr *e)
{
    if (!b->in_cond) return;
    if (is_bare_var(b, e->lhs) && reads_item(b, e->rhs)) {
        const char *n = e->lhs->steps[0].name;
        add_note(b, e->lhs->loc,
                 "%s is read as the variable :%s; write \"%s\" for an attribute of that name", n, n,
                 n);
    } else if (is_bare_name(e->lhs) && is_bare_name(e->rhs) && !is_bare_var(b, e->lhs) &&
               !is_bare_var(b, e->rhs) && !is_kept(b, e->lhs) && !is_kept(b, e->rhs)) {
        const char *n = e->rhs->steps[0].name, *like = similar_var(b->vars, n);
        if (like)
            add_note(b, e->rhs->loc,
                     "%s is read as an attribute: no variable of that name is set (did you mean "
                     ":%s?)",
                     n, like);
        else
            add_note(b, e->rhs->loc,
                     "%s is read as an attribute: no variable of that name is set (SET %s = …)", n,
                     n);
    }
}

static pq_status walk(struct binder *b, struct pq_expr **slot, bool vp);

static bool has_binary_item(const struct pq_expr *bag)
{
    for (size_t i = 0; i < bag->nitems; i++)
        if (bag->items[i]->kind == PQ_E_LIT && pq_value_type(bag->items[i]->lit) == PQ_T_B)
            return true;
    return false;
}

static void release_binder(struct binder *b)
{
    for (size_t i = 0; i < b->n; i++)
        json_decref(b->refs[i].value);
    free(b->refs);
    free(b->kept);
    free(b->attrs);
    for (size_t i = 0; i < b->nnotes; i++)
        free(b->notes[i].text);
    free(b->notes);
}
static pq_status walk_select(struct binder *b, struct pq_select *sel);

/* Whether walk() would leave `e` as it is without looking further: a
 * literal, when no b64'…' can be among them (most of a bulk INSERT's
 * nodes, skipped without a call). */
static bool inert(const struct binder *b, const struct pq_expr *e)
{
    return !e || (e->kind == PQ_E_LIT && b->no_binary);
}

static pq_status walk_items(struct binder *b, struct pq_expr **items, size_t n, bool vp)
{
    for (size_t i = 0; i < n; i++) {
        if (inert(b, items[i])) continue;
        pq_status st = walk(b, &items[i], vp);
        if (st) return st;
    }
    return PQ_OK;
}

/* `vp`: the slot is a value position (see bind.h). */
static pq_status walk(struct binder *b, struct pq_expr **slot, bool vp)
{
    struct pq_expr *e = *slot;
    pq_status st = PQ_OK;
    if (!e) return PQ_OK;
    json_t *fv = NULL;
    if (vp && b->vars->fn && (e->kind == PQ_E_CALL || e->kind == PQ_E_BINARY) &&
        b->vars->fn(b->vars->fn_ctx, e, &fv, b->err)) {
        if (!fv) return b->err->code ? b->err->code : PQ_ERR_BIND;
        replace_with_param(b, slot, fv, NULL);
        return PQ_OK;
    }
    switch (e->kind) {
    case PQ_E_VAR: {
        json_t *v = pq_vars_get(b->vars, e->var);
        if (!v)
            return pq_error_set(b->err, PQ_ERR_BIND, e->loc.start, e->loc.end,
                                "undefined variable ':%s'", e->var);
        replace_with_param(b, slot, json_incref(v), NULL);
        return PQ_OK;
    }
    case PQ_E_PARAM:
        return pq_error_set(b->err, PQ_ERR_BIND, e->loc.start, e->loc.end,
                            "nothing fills '?' in pqsh: set a variable and write :name instead");
    case PQ_E_PATH:
        if (vp && is_bare_var(b, e)) {
            bool found;
            size_t i = vars_find(b->vars, e->steps[0].name, &found);
            replace_with_param(b, slot, json_incref(b->vars->items[i].value),
                               b->vars->items[i].name);
        } else if (e->nsteps >= 1 && e->steps[0].kind == PQ_STEP_NAME && e->steps[0].name &&
                   !e->steps[0].quoted) {
            b->attrs = pq_xrealloc(b->attrs, (b->nattrs + 1) * sizeof *b->attrs);
            b->attrs[b->nattrs++] = e->steps[0].name;
        }
        return PQ_OK;
    case PQ_E_LIT:
        /* b64'…' (a pqsh literal): DynamoDB has no binary literal, so the
         * value always travels as a parameter. */
        if (!b->no_binary && pq_value_type(e->lit) == PQ_T_B)
            replace_with_param(b, slot, json_incref(e->lit), NULL);
        return PQ_OK;
    case PQ_E_MISSING:
        return PQ_OK;
    case PQ_E_TUPLE:
        /* keys are never value positions; values inherit */
        for (size_t i = 0; i < e->nitems && !st; i++)
            if (!inert(b, e->items[i])) st = walk(b, &e->items[i], (i % 2 == 1) && vp);
        return st;
    case PQ_E_BAG:
        if (has_binary_item(e)) {
            /* <<b64'…', …>>: a binary set, sent whole as one BS parameter,
             * unchecked: DynamoDB judges it (duplicates, …) with its own words. */
            json_t *members = json_array();
            for (size_t i = 0; i < e->nitems; i++) {
                const struct pq_expr *it = e->items[i];
                if (it->kind != PQ_E_LIT || pq_value_type(it->lit) != PQ_T_B) {
                    json_decref(members);
                    return pq_error_set(b->err, PQ_ERR_BIND, it->loc.start, it->loc.end,
                                        "a binary set holds only b64'…' values");
                }
                json_array_append(members, pq_value_payload(it->lit));
            }
            replace_with_param(b, slot, pq_value_new(PQ_T_BS, members), NULL);
            return PQ_OK;
        }
        return walk_items(b, e->items, e->nitems, vp);
    case PQ_E_LIST:
        return walk_items(b, e->items, e->nitems, vp);
    case PQ_E_UNARY:
        return walk(b, &e->lhs, e->op != PQ_OP_NOT && vp);
    case PQ_E_BINARY:
        if (e->op == PQ_OP_AND || e->op == PQ_OP_OR) {
            st = walk(b, &e->lhs, false);
            return st ? st : walk(b, &e->rhs, false);
        }
        if (is_comparison(e->op)) {
            keep_an_attribute(b, e);
            note_comparison(b, e);
            vp = true;
        }
        /* both operands of a comparison or of arithmetic in a value position */
        st = walk(b, &e->lhs, vp);
        return st ? st : walk(b, &e->rhs, vp);
    case PQ_E_BETWEEN:
        keep_an_attribute(b, e);
        st = walk(b, &e->lhs, true);
        return st ? st : walk_items(b, e->items, e->nitems, true);
    case PQ_E_IN:
        keep_an_attribute(b, e);
        st = walk(b, &e->lhs, true);
        return st ? st : walk(b, &e->rhs, true);
    case PQ_E_IS:
        return walk(b, &e->lhs, false);
    case PQ_E_CALL:
        keep_an_attribute(b, e);
        return walk_items(b, e->items, e->nitems, true);
    case PQ_E_EXISTS:
        return e->select ? walk_select(b, e->select) : PQ_OK;
    }
    return PQ_OK;
}

/* A WHERE condition: its tests must look at the item (keep_an_attribute). */
static pq_status walk_cond(struct binder *b, struct pq_expr **slot)
{
    bool outer = b->in_cond;
    b->in_cond = true;
    pq_status st = walk(b, slot, false);
    b->in_cond = outer;
    return st;
}

static pq_status walk_select(struct binder *b, struct pq_select *sel)
{
    bool outer = b->in_cond;
    b->in_cond = false;
    pq_status st = walk_items(b, sel->proj, sel->nproj, false);
    b->in_cond = outer;
    if (!st) st = walk_cond(b, &sel->where);
    for (size_t i = 0; i < sel->norder && !st; i++)
        st = walk(b, &sel->order[i].expr, false);
    return st;
}

static pq_status walk_stmt(struct binder *b, struct pq_stmt *s)
{
    pq_status st = PQ_OK;
    switch (s->kind) {
    case PQ_S_SELECT:
        return walk_select(b, &s->u.select);
    case PQ_S_EXISTS:
        return s->u.exists.select ? walk_select(b, s->u.exists.select) : PQ_OK;
    case PQ_S_INSERT:
        return walk(b, &s->u.insert.value, true);
    case PQ_S_UPDATE:
        for (size_t i = 0; i < s->u.update.nops && !st; i++) {
            st = walk(b, &s->u.update.ops[i].path, false);
            if (!st) st = walk(b, &s->u.update.ops[i].value, true);
        }
        return st ? st : walk_cond(b, &s->u.update.where);
    case PQ_S_DELETE:
        return walk_cond(b, &s->u.del.where);
    case PQ_S_EXPR:
        return walk(b, &s->u.expr.expr, false);
    case PQ_S_INSERT_VALUES:
        for (size_t r = 0; r < s->u.values.nrows && !st; r++)
            st = walk_items(b, s->u.values.rows[r], s->u.values.rowlen[r], true);
        return st;
    case PQ_S_SET_VAR:
        return walk(b, &s->u.set_var.value, true);
    case PQ_S_EXPLAIN:
        return s->u.explain.inner ? walk_stmt(b, s->u.explain.inner) : PQ_OK;
    default:
        return PQ_OK;
    }
}

static int ref_cmp(const void *a, const void *b)
{
    const struct ref *x = a, *y = b;
    if (x->node->loc.start != y->node->loc.start)
        return x->node->loc.start < y->node->loc.start ? -1 : 1;
    return 0;
}

/* Numbers the references in text order (where they stand in the statement as
 * written, which is the text pqsh sends) and appends their values to
 * `params`, counting from the array's current size: DynamoDB fills the `?`s
 * in the order they appear. */
static void number_refs(struct binder *b, json_t *params)
{
    /* References never overlap, so equal starts do not occur. */
    if (b->n > 1) qsort(b->refs, b->n, sizeof *b->refs, ref_cmp);
    for (size_t i = 0; i < b->n; i++) {
        b->refs[i].node->param = json_array_size(params);
        json_array_append(params, b->refs[i].value);
    }
}

/* A bare name read as a variable in one place and as an attribute in another
 * (UPDATE t SET n = n + 1 with a variable n set) is worth a word. */
static void note_both_ways(struct binder *b)
{
    for (size_t i = 0; i < b->n; i++) {
        if (!b->refs[i].bare) continue;
        for (size_t k = 0; k < b->nattrs; k++)
            if (strcmp(b->attrs[k], b->refs[i].bare) == 0) {
                const char *n = b->refs[i].bare;
                add_note(b, b->refs[i].node->loc,
                         "%s is read as the variable :%s here and as the attribute %s elsewhere in "
                         "the statement (write \"%s\" for the attribute)",
                         n, n, n, n);
                break;
            }
    }
}

pq_status pq_bind(struct pq_stmt *s, const struct pq_vars *vars, json_t **params,
                  struct pq_error *err)
{
    struct binder b = {.vars = vars, .no_binary = !s->shell_syntax, .err = err};
    json_t *arr = NULL;
    pq_status st = walk_stmt(&b, s);
    if (st) goto out;
    /* Most statements have no variable: no array to make and free. */
    if (b.n) {
        arr = json_array();
        number_refs(&b, arr);
    }
    s->nparams = b.n;
    if (s->kind == PQ_S_EXPLAIN && s->u.explain.inner) s->u.explain.inner->nparams = b.n;
    note_both_ways(&b);
    s->notes = b.notes;
    s->nnotes = b.nnotes;
    b.notes = NULL;
    b.nnotes = 0;
out:
    release_binder(&b);
    *params = arr;
    return st;
}

pq_status pq_bind_expr(struct pq_expr **slot, bool value_pos, const struct pq_vars *vars,
                       json_t *params, struct pq_error *err)
{
    struct binder b = {.vars = vars, .err = err};
    pq_status st = walk(&b, slot, value_pos);
    if (!st) number_refs(&b, params);
    release_binder(&b);
    return st;
}

/* ---- assignments ------------------------------------------------------- */

/* A constant once variables are bound: literals, `:name`, and tuples / lists
 * / bags / signed values built of them. */
static bool is_value_expr(const struct pq_expr *e)
{
    if (!e) return false;
    switch (e->kind) {
    case PQ_E_VAR:
        return true;
    case PQ_E_TUPLE:
    case PQ_E_LIST:
    case PQ_E_BAG:
        for (size_t i = 0; i < e->nitems; i++)
            if (!is_value_expr(e->items[i])) return false;
        return true;
    case PQ_E_UNARY:
        return e->op != PQ_OP_NOT && is_value_expr(e->lhs);
    default:
        return pq_literal_is_constant(e);
    }
}

bool pq_bind_assignment(const struct pq_stmt *s, const char **name, struct pq_loc *name_loc,
                        const struct pq_expr **value)
{
    if (s->kind == PQ_S_SET_VAR) {
        *name = s->u.set_var.name.name;
        if (name_loc) *name_loc = s->u.set_var.name.loc;
        *value = s->u.set_var.value;
        return *name != NULL;
    }
    if (s->kind != PQ_S_EXPR) return false;
    const struct pq_expr *e = s->u.expr.expr;
    /* Whatever stands on the right: pq_vars_eval judges it with SET's words
     * (DynamoDB would only say "Unsupported operation: Eq"). */
    if (!e || e->kind != PQ_E_BINARY || e->op != PQ_OP_EQ || !e->lhs || !is_bare_name(e->lhs) ||
        !e->rhs)
        return false;
    *name = e->lhs->steps[0].name;
    if (name_loc) *name_loc = e->lhs->loc;
    *value = e->rhs;
    return true;
}

/* `s` with every ' doubled, as a single-quoted PartiQL string needs (caller frees). */
static char *double_quotes(const char *s)
{
    size_t n = 0;
    for (const char *p = s; *p; p++)
        n += *p == '\'' ? 2 : 1;
    char *out = pq_xmalloc(n + 1), *o = out;
    for (const char *p = s; *p; p++) {
        *o++ = *p;
        if (*p == '\'') *o++ = '\'';
    }
    *o = '\0';
    return out;
}

pq_status pq_vars_eval(const struct pq_vars *vars, const struct pq_expr *value, json_t **out,
                       struct pq_error *err)
{
    struct pq_expr *copy = pq_expr_clone(value);
    json_t *params = json_array();
    pq_status st = pq_bind_expr(&copy, true, vars, params, err);
    *out = NULL;
    if (st) goto out;
    if (!pq_literal_is_constant(copy)) {
        if (value->kind == PQ_E_PATH && value->nsteps == 1 &&
            value->steps[0].kind == PQ_STEP_NAME) {
            /* SET t = "token123" or SET t = token123: a name where a string
             * was meant (a variable's name would have been bound above). */
            char *str = double_quotes(value->steps[0].name);
            st = pq_error_set(err, PQ_ERR_BIND, value->loc.start, value->loc.end,
                              "a variable's value must be a literal: %s%s%s is a name; a string "
                              "is written in single quotes, '%s'",
                              value->steps[0].quoted ? "\"" : "", value->steps[0].name,
                              value->steps[0].quoted ? "\"" : "", str);
            free(str);
            goto out;
        }
        st = pq_error_set(err, PQ_ERR_BIND, value->loc.start, value->loc.end,
                          "a variable's value must be a literal");
        goto out;
    }
    st = pq_literal_eval(copy, params, out, err);
    if (st && err->start == PQ_NO_POS) {
        /* DynamoDB's own messages (number out of range, …) carry no position;
         * point at the value that caused them. */
        err->start = value->loc.start;
        err->end = value->loc.end;
    }
out:
    json_decref(params);
    pq_expr_free(copy);
    return st;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

pq_status pq_vars_parse_text(const struct pq_vars *vars, const char *text, size_t len, json_t **out,
                             struct pq_error *err)
{
    struct pq_stmt *s = NULL;
    struct pq_error perr;
    pq_status st = PQ_OK;
    pq_error_init(&perr);
    while (len && is_space(*text))
        text++, len--;
    while (len && is_space(text[len - 1]))
        len--;
    *out = NULL;
    /* A literal parses as a bare expression statement; anything else
     * (a word, several words, a syntax error) is a string as written. */
    if (pq_parse(text, len, 0, &s, &perr, NULL) == PQ_OK && s->kind == PQ_S_EXPR &&
        is_value_expr(s->u.expr.expr)) {
        st = pq_vars_eval(vars, s->u.expr.expr, out, err);
        goto out;
    }
    *out = pq_value_new_s(text, len);
out:
    pq_error_release(&perr);
    if (s) pq_stmt_free(s);
    return st;
}
