/* expr_project.c — ProjectionExpression: checks and cutting items down to the listed paths (§2.7).
 */
#include "engine/expr_check.h"

#include <stdlib.h>
#include <string.h>

/* Overlapping or conflicting paths (§2.7, §2.8): path one is the earlier. */
pq_status xp_check_clashes(struct xp_request *r, xp_param which, struct xa_node *const *paths,
                           size_t n, struct pq_error *err)
{
    for (int want = 1; want <= 2; want++) {
        for (size_t j = 1; j < n; j++) {
            for (size_t i = 0; i < j; i++) {
                if (xp_paths_clash(paths[i], paths[j]) != want) continue;
                struct pq_buf b = PQ_BUF_INIT;
                pq_buf_init(&b);
                xp_path_render(&b, paths[i]);
                pq_buf_adds(&b, ", path two: ");
                xp_path_render(&b, paths[j]);
                pq_status st = xp_fail(r, which, err,
                                       "Two document paths %s with each other; must remove or "
                                       "rewrite one of these paths; path one: %s",
                                       want == 1 ? "overlap" : "conflict", b.data);
                pq_buf_release(&b);
                return st;
            }
        }
    }
    return PQ_OK;
}

pq_status xp_projection(struct xp_request *r, const char *text, const struct xp_projection **out,
                        struct pq_error *err)
{
    struct xa_parsed *p;
    *out = NULL;
    pq_status st = xp_parse(r, XP_PROJECTION, XA_MODE_PROJECTION, text, &p, err);
    if (!st) st = xp_walk(r, p, xp_v_path_shape, err);
    if (!st) st = xp_walk(r, p, xp_v_reserved, err);
    if (!st) st = xp_walk(r, p, xp_v_names, err);
    if (!st) st = xp_check_clashes(r, XP_PROJECTION, p->paths, p->npaths, err);
    if (st) return st;
    struct xp_projection *pr = pq_xcalloc(1, sizeof *pr);
    pr->npaths = p->npaths;
    pr->paths = pq_xcalloc(p->npaths, sizeof *pr->paths);
    for (size_t i = 0; i < p->npaths; i++)
        pr->paths[i] = xp_ev_path(p, p->paths[i]);
    r->projs = pq_xrealloc(r->projs, (r->nprojs + 1) * sizeof *r->projs);
    r->projs[r->nprojs++] = pr;
    *out = pr;
    return PQ_OK;
}

/* ---- xp_project --------------------------------------------------------- */

/* What is kept of one value: the whole of it (`leaf`), or some of its map
 * members / list elements. */
struct sel {
    const struct pq_path_step *step; /* how it is reached from its parent */
    const json_t *value;             /* the value it selects from (borrowed) */
    bool leaf;
    struct sel *kids;
    size_t nkids;
};

static void sel_release(struct sel *s)
{
    for (size_t i = 0; i < s->nkids; i++)
        sel_release(&s->kids[i]);
    free(s->kids);
}

static struct sel *sel_kid(struct sel *s, const struct pq_path_step *step, const json_t *value)
{
    for (size_t i = 0; i < s->nkids; i++) {
        const struct pq_path_step *k = s->kids[i].step;
        if (k->kind == step->kind &&
            (k->kind == PQ_STEP_NAME ? strcmp(k->name, step->name) == 0 : k->index == step->index))
            return &s->kids[i];
    }
    s->kids = pq_xrealloc(s->kids, (s->nkids + 1) * sizeof *s->kids);
    struct sel *k = &s->kids[s->nkids++];
    memset(k, 0, sizeof *k);
    k->step = step;
    k->value = value;
    return k;
}

static int by_index(const void *a, const void *b)
{
    int64_t x = ((const struct sel *)a)->step->index, y = ((const struct sel *)b)->step->index;
    return x < y ? -1 : x > y;
}

/* The kept part of s->value: a new AttributeValue. */
static json_t *sel_build(struct sel *s)
{
    if (s->leaf) return json_deep_copy(s->value);
    if (pq_value_type(s->value) == PQ_T_L) {
        qsort(s->kids, s->nkids, sizeof *s->kids, by_index);
        json_t *l = json_array();
        for (size_t i = 0; i < s->nkids; i++)
            json_array_append_new(l, sel_build(&s->kids[i]));
        return pq_value_new(PQ_T_L, l);
    }
    json_t *m = json_object();
    for (size_t i = 0; i < s->nkids; i++)
        json_object_set_new(m, s->kids[i].step->name, sel_build(&s->kids[i]));
    return pq_value_new(PQ_T_M, m);
}

json_t *xp_project(const struct xp_projection *p, const json_t *item)
{
    struct sel root = {0};
    for (size_t i = 0; i < p->npaths; i++) {
        const struct ev_path *path = &p->paths[i];
        if (!ev_path_get(item, path->steps, path->nsteps)) continue;
        struct sel *s = &root;
        for (size_t k = 0; k < path->nsteps && !s->leaf; k++) {
            const json_t *v = ev_path_get(item, path->steps, k + 1);
            s = sel_kid(s, &path->steps[k], v);
        }
        s->leaf = true;
    }
    json_t *out = json_object();
    for (size_t i = 0; i < root.nkids; i++)
        json_object_set_new(out, root.kids[i].step->name, sel_build(&root.kids[i]));
    sel_release(&root);
    return out;
}
