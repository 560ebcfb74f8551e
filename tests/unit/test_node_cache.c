/* test_node_cache.c — pq_expr_new / pq_expr_free: the per-thread cache of freed nodes (ast.h). */
#include "check.h"
#include "pqsh/ast.h"
#include "pqsh/value.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Whether every byte of `e` other than kind and loc is zero. */
static bool zero_but_kind_loc(const struct pq_expr *e)
{
    struct pq_expr z;
    memset(&z, 0, sizeof z);
    z.kind = e->kind;
    z.loc = e->loc;
    return memcmp(&z, e, sizeof z) == 0;
}

/* A node with every member set, as a parse leaves one. */
static struct pq_expr *dirty_node(void)
{
    struct pq_expr *e = pq_expr_new(PQ_E_CALL, (struct pq_loc){3, 9});
    e->op = PQ_OP_ADD;
    e->negated = true;
    e->lit = pq_value_new_s("x", 1);
    e->param = 7;
    e->var = pq_xstrdup("v");
    e->name = pq_xstrdup("f");
    e->name_loc = (struct pq_loc){1, 2};
    e->lhs = pq_expr_new(PQ_E_PARAM, (struct pq_loc){0, 1});
    e->items = pq_xcalloc(2, sizeof *e->items);
    e->items[0] = pq_expr_new(PQ_E_MISSING, (struct pq_loc){4, 11});
    e->nitems = 1;
    e->star_arg = e->paren = true;
    e->depth = 3;
    return e;
}

static void test_new_is_zeroed(void)
{
    struct pq_expr *e = pq_expr_new(PQ_E_LIT, (struct pq_loc){5, 8});
    CHECK_EQ(e->kind, PQ_E_LIT);
    CHECK_EQ(e->loc.start, 5);
    CHECK_EQ(e->loc.end, 8);
    CHECK(zero_but_kind_loc(e));
    pq_expr_free(e);
    /* Nodes that held everything come back zeroed. */
    for (int round = 0; round < 3; round++) {
        pq_expr_free(dirty_node());
        for (int i = 0; i < 4; i++) {
            struct pq_expr *n = pq_expr_new(PQ_E_PATH, (struct pq_loc){1, 2});
            CHECK_EQ(n->kind, PQ_E_PATH);
            CHECK(zero_but_kind_loc(n));
            pq_expr_free(n);
        }
    }
}

static void test_reuse_and_calloc_nodes(void)
{
    /* A node made with calloc (as bind.c and plan.c make some) is freed by
     * pq_expr_free like any other. */
    struct pq_expr *c = pq_xcalloc(1, sizeof *c);
    c->kind = PQ_E_LIT;
    c->lit = pq_value_new_s("y", 1);
    pq_expr_free(c);
    struct pq_expr *e = pq_expr_new(PQ_E_BINARY, (struct pq_loc){0, 0});
    CHECK(zero_but_kind_loc(e));
#if !defined(__SANITIZE_ADDRESS__)
    /* Outside AddressSanitizer builds the last node freed is the next one made. */
    CHECK(e == c);
#endif
    pq_expr_free(e);
}

static void test_many(void)
{
    /* More nodes than the cache keeps: the rest go back to malloc. */
    enum { N = 2000 };
    struct pq_expr **v = pq_xcalloc(N, sizeof *v);
    for (size_t i = 0; i < N; i++)
        v[i] = pq_expr_new(PQ_E_MISSING, (struct pq_loc){i, i + 1});
    for (size_t i = 0; i < N; i++)
        pq_expr_free(v[i]);
    size_t ok = 0;
    for (size_t i = 0; i < N; i++) {
        v[i] = pq_expr_new(PQ_E_VAR, (struct pq_loc){i, i});
        ok += v[i]->kind == PQ_E_VAR && zero_but_kind_loc(v[i]);
    }
    CHECK_EQ(ok, N);
    for (size_t i = 0; i < N; i++)
        pq_expr_free(v[i]);
    free(v);
}

/* A thread that frees nodes made on another thread, then exits: its cache
 * is freed with it (a leak here shows under valgrind / LeakSanitizer). */
static void *free_on_thread(void *arg)
{
    struct pq_expr **v = arg;
    for (size_t i = 0; i < 16; i++)
        pq_expr_free(v[i]);
    struct pq_expr *e = pq_expr_new(PQ_E_LIT, (struct pq_loc){0, 1});
    bool zeroed = zero_but_kind_loc(e);
    pq_expr_free(e);
    return zeroed ? v : NULL;
}

static void test_other_thread(void)
{
    struct pq_expr *v[16];
    for (size_t i = 0; i < 16; i++)
        v[i] = dirty_node();
    pthread_t t;
    void *ret = NULL;
    CHECK(pthread_create(&t, NULL, free_on_thread, v) == 0);
    CHECK(pthread_join(t, &ret) == 0);
    CHECK(ret == v);
}

int main(void)
{
    test_new_is_zeroed();
    test_reuse_and_calloc_nodes();
    test_many();
    test_other_thread();
    DONE();
}
