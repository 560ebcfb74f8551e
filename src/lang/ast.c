/* ast.c — freeing and copying syntax trees (ast.h). */
#include "pqsh/ast.h"
#include "pqsh/thread.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

void pq_ident_release(struct pq_ident *id)
{
    free(id->name);
    memset(id, 0, sizeof *id);
}

void pq_from_release(struct pq_from *f)
{
    pq_ident_release(&f->table);
    pq_ident_release(&f->index);
    pq_ident_release(&f->alias);
    memset(f, 0, sizeof *f);
}

void pq_index_def_release(struct pq_index_def *d)
{
    pq_ident_release(&d->name);
    for (size_t i = 0; i < d->nkeys && i < 2; i++)
        pq_ident_release(&d->keys[i].name);
    for (size_t i = 0; i < d->ninclude; i++)
        pq_ident_release(&d->include[i]);
    free(d->include);
    memset(d, 0, sizeof *d);
}

void pq_column_release(struct pq_column *c)
{
    pq_ident_release(&c->name);
    free(c->type_text);
    memset(c, 0, sizeof *c);
}

/* ---- the node cache ------------------------------------------------------- */

/* Under AddressSanitizer every node is malloc'd and freed, so that a node
 * used after its tree was freed is still caught (PQ_THREAD_REUSE). */
#define NODE_CACHE PQ_THREAD_REUSE

enum { NODE_CACHE_MAX = 256 };

struct node_cache {
    struct pq_expr *head; /* free nodes, linked through their first bytes */
    size_t n;
    bool registered; /* the thread-exit destructor knows this cache */
};

static _Thread_local struct node_cache node_cache;

/* The next free node after `node` (the link is kept in its first bytes). */
static struct pq_expr *next_free(const void *node)
{
    struct pq_expr *next;
    memcpy(&next, node, sizeof next);
    return next;
}

static void node_cache_drain(void *p)
{
    struct node_cache *c = p;
    while (c->head) {
        struct pq_expr *e = c->head;
        c->head = next_free(e);
        free(e);
    }
    c->n = 0;
}

struct pq_expr *pq_expr_new(pq_expr_kind kind, struct pq_loc loc)
{
    struct pq_expr *e = node_cache.head;
    if (e) {
        node_cache.head = next_free(e);
        node_cache.n--;
        memset(e, 0, sizeof *e);
    } else {
        e = pq_xcalloc(1, sizeof *e);
    }
    e->kind = kind;
    e->loc = loc;
    return e;
}

static void node_release(struct pq_expr *e)
{
    struct node_cache *c = &node_cache;
    if (!NODE_CACHE || c->n >= NODE_CACHE_MAX) {
        free(e);
        return;
    }
    if (!c->registered) {
        if (!pq_thread_at_exit(node_cache_drain, c)) {
            free(e);
            return;
        }
        c->registered = true;
    }
    void *link = e; /* the link lives in the node's first bytes (next_free) */
    memcpy(link, &c->head, sizeof c->head);
    c->head = e;
    c->n++;
}

/* ---- freeing ------------------------------------------------------------ */

static void free_exprs(struct pq_expr **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pq_expr_free(v[i]);
    free(v);
}

void pq_expr_free(struct pq_expr *e)
{
    if (!e) return;
    if (e->kind == PQ_E_LIT) {
        /* Most of a statement's nodes: a literal holds nothing else. */
        json_decref(e->lit);
        node_release(e);
        return;
    }
    if (e->lit) json_decref(e->lit);
    free(e->var);
    free(e->name);
    for (size_t i = 0; i < e->nsteps; i++)
        free(e->steps[i].name);
    free(e->steps);
    pq_expr_free(e->lhs);
    pq_expr_free(e->rhs);
    free_exprs(e->items, e->nitems);
    if (e->select) {
        pq_select_release(e->select);
        free(e->select);
    }
    node_release(e);
}

void pq_select_release(struct pq_select *s)
{
    free_exprs(s->proj, s->nproj);
    pq_from_release(&s->from);
    pq_expr_free(s->where);
    for (size_t i = 0; i < s->norder; i++)
        pq_expr_free(s->order[i].expr);
    free(s->order);
    pq_expr_free(s->limit);
    memset(s, 0, sizeof *s);
}

static void free_key_parts(struct pq_key_part *k, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pq_ident_release(&k[i].name);
    free(k);
}

struct pq_stmt *pq_stmt_ref(struct pq_stmt *s)
{
    if (s) atomic_fetch_add(&s->refs, 1);
    return s;
}

void pq_stmt_free(struct pq_stmt *s)
{
    if (!s) return;
    /* Another reference remains: drop this one. (refs counts the others, so
     * a zeroed statement has one owner.) */
    for (unsigned n = atomic_load(&s->refs); n > 0;)
        if (atomic_compare_exchange_weak(&s->refs, &n, n - 1)) return;
    switch (s->kind) {
    case PQ_S_SELECT:
        pq_select_release(&s->u.select);
        break;
    case PQ_S_INSERT:
        pq_from_release(&s->u.insert.into);
        pq_expr_free(s->u.insert.value);
        break;
    case PQ_S_UPDATE:
        pq_from_release(&s->u.update.target);
        for (size_t i = 0; i < s->u.update.nops; i++) {
            pq_expr_free(s->u.update.ops[i].path);
            pq_expr_free(s->u.update.ops[i].value);
        }
        free(s->u.update.ops);
        pq_expr_free(s->u.update.where);
        break;
    case PQ_S_DELETE:
        pq_from_release(&s->u.del.from);
        pq_expr_free(s->u.del.where);
        break;
    case PQ_S_EXISTS:
        if (s->u.exists.select) {
            pq_select_release(s->u.exists.select);
            free(s->u.exists.select);
        }
        break;
    case PQ_S_EXPR:
        pq_expr_free(s->u.expr.expr);
        break;
    case PQ_S_CREATE_TABLE:
        pq_ident_release(&s->u.create.table);
        for (size_t i = 0; i < s->u.create.ncols; i++)
            pq_column_release(&s->u.create.cols[i]);
        free(s->u.create.cols);
        free_key_parts(s->u.create.pk, s->u.create.npk);
        for (size_t i = 0; i < s->u.create.nindexes; i++)
            pq_index_def_release(&s->u.create.indexes[i]);
        free(s->u.create.indexes);
        break;
    case PQ_S_DROP_TABLE:
        pq_ident_release(&s->u.drop.table);
        break;
    case PQ_S_DESCRIBE:
        pq_ident_release(&s->u.describe.table);
        break;
    case PQ_S_INSERT_VALUES:
        pq_ident_release(&s->u.values.table);
        for (size_t i = 0; i < s->u.values.ncols; i++)
            pq_ident_release(&s->u.values.cols[i]);
        free(s->u.values.cols);
        for (size_t i = 0; i < s->u.values.nrows; i++)
            free_exprs(s->u.values.rows[i], s->u.values.rowlen[i]);
        free(s->u.values.rows);
        free(s->u.values.rowlen);
        break;
    case PQ_S_SET_VAR:
        pq_ident_release(&s->u.set_var.name);
        pq_expr_free(s->u.set_var.value);
        break;
    case PQ_S_UNSET_VAR:
        pq_ident_release(&s->u.unset_var.name);
        break;
    case PQ_S_COMMIT:
        free(s->u.commit.token);
        pq_ident_release(&s->u.commit.token_var);
        break;
    case PQ_S_EXPLAIN:
        pq_stmt_free(s->u.explain.inner);
        break;
    case PQ_S_CREATE_INDEX:
    case PQ_S_DROP_INDEX:
        pq_ident_release(&s->u.index.table);
        pq_index_def_release(&s->u.index.index);
        break;
    case PQ_S_SHOW_TABLES:
    case PQ_S_BEGIN:
    case PQ_S_ROLLBACK:
    case PQ_S_BEGIN_BATCH:
    case PQ_S_END_BATCH:
        break;
    }
    for (size_t i = 0; i < s->nnotes; i++)
        free(s->notes[i].text);
    free(s->notes);
    free(s->comments);
    free(s);
}

/* ---- cloning ---------------------------------------------------------------- */

static char *dup_or_null(const char *s)
{
    return s ? pq_xstrdup(s) : NULL;
}

static struct pq_ident clone_ident(const struct pq_ident *id)
{
    struct pq_ident c = *id;
    c.name = dup_or_null(id->name);
    return c;
}

static struct pq_from clone_from(const struct pq_from *f)
{
    struct pq_from c = *f;
    c.table = clone_ident(&f->table);
    c.index = clone_ident(&f->index);
    c.alias = clone_ident(&f->alias);
    return c;
}

static struct pq_select *clone_select(const struct pq_select *s)
{
    struct pq_select *c = pq_xmalloc(sizeof *c);
    *c = *s;
    c->proj = s->nproj ? pq_xmalloc(s->nproj * sizeof *c->proj) : NULL;
    for (size_t i = 0; i < s->nproj; i++)
        c->proj[i] = pq_expr_clone(s->proj[i]);
    c->from = clone_from(&s->from);
    c->where = pq_expr_clone(s->where);
    c->order = s->norder ? pq_xmalloc(s->norder * sizeof *c->order) : NULL;
    for (size_t i = 0; i < s->norder; i++) {
        c->order[i] = s->order[i];
        c->order[i].expr = pq_expr_clone(s->order[i].expr);
    }
    c->limit = pq_expr_clone(s->limit);
    return c;
}

struct pq_expr *pq_expr_clone(const struct pq_expr *e)
{
    if (!e) return NULL;
    struct pq_expr *c = pq_xmalloc(sizeof *c);
    *c = *e;
    c->lit = e->lit ? json_deep_copy(e->lit) : NULL;
    if (e->lit && !c->lit) abort(); /* out of memory */
    c->var = dup_or_null(e->var);
    c->name = dup_or_null(e->name);
    c->steps = e->nsteps ? pq_xmalloc(e->nsteps * sizeof *c->steps) : NULL;
    for (size_t i = 0; i < e->nsteps; i++) {
        c->steps[i] = e->steps[i];
        c->steps[i].name = dup_or_null(e->steps[i].name);
    }
    c->lhs = pq_expr_clone(e->lhs);
    c->rhs = pq_expr_clone(e->rhs);
    c->items = e->nitems ? pq_xmalloc(e->nitems * sizeof *c->items) : NULL;
    for (size_t i = 0; i < e->nitems; i++)
        c->items[i] = pq_expr_clone(e->items[i]);
    c->select = e->select ? clone_select(e->select) : NULL;
    return c;
}
