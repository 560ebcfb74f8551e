/* expr_check.h — what the expression files share (private to src/engine/expr*.c).
 *
 * struct xp_request (declared in expr.h) is defined here; expr_check.c holds
 * the static checks, expr.c the request, conditions and key conditions,
 * expr_project.c projections, expr_update.c update expressions.
 */
#ifndef PQSH_ENGINE_EXPR_CHECK_H
#define PQSH_ENGINE_EXPR_CHECK_H

#include "engine/expr_internal.h"
#include "pqsh/buf.h"

#define XP_MAX_BYTES 4096      /* expression size (§2.9) */
#define XP_MAX_OPERATORS 300   /* operators per expression */
#define XP_MAX_DEPTH 32        /* document path nesting levels */
#define XP_MAX_IN_OPERANDS 100 /* IN, its left operand included */
#define XP_NONE ((xp_param)99) /* a message about no one expression */

struct xp_request {
    unsigned flags;
    json_t *names;                    /* copy, or NULL */
    json_t *values;                   /* validated copy, or NULL */
    json_t *used_names, *used_values; /* key → true */
    struct xa_parsed **parsed;        /* every expression parsed, owned */
    size_t nparsed;
    struct ev_trees trees; /* conditions and updates compiled */
    struct xp_key_condition **keyconds;
    size_t nkeyconds;
    struct xp_projection **projs;
    size_t nprojs;
    size_t count; /* xp_v_operators' running count */
};

/* expr.c */
/* A ValidationException "[1 validation error detected: ][Invalid <which>: ]<fmt>"
 * (no "Invalid …" for XP_NONE). */
pq_status xp_fail(const struct xp_request *r, xp_param which, struct pq_error *err, const char *fmt,
                  ...) PQ_PRINTF(4, 5);
/* Adds §1.2's prefix to err's message for XP_PREFIXED requests; returns st. */
pq_status xp_prefix(const struct xp_request *r, pq_status st, struct pq_error *err);
/* Size, emptiness and syntax; the parsed text is owned by `r`. */
pq_status xp_parse(struct xp_request *r, xp_param which, xa_mode mode, const char *text,
                   struct xa_parsed **out, struct pq_error *err) PQ_MUST_USE;
/* The ev_path of a checked PATH node (borrows its steps). */
struct ev_path xp_ev_path(const struct xa_parsed *p, const struct xa_node *n);

/* expr_check.c */
pq_status xp_check_condition(struct xp_request *r, struct xa_parsed *p,
                             struct pq_error *err) PQ_MUST_USE;
pq_status xp_check_key_condition(struct xp_request *r, struct xa_parsed *p,
                                 struct pq_error *err) PQ_MUST_USE;
/* A check applied to every node of a parsed expression, in text order
 * (update actions: the path, then the value). */
typedef pq_status (*xp_visit)(struct xp_request *r, struct xa_parsed *p, struct xa_node *n,
                              struct pq_error *err);
pq_status xp_walk(struct xp_request *r, struct xa_parsed *p, xp_visit fn,
                  struct pq_error *err) PQ_MUST_USE;
/* Visitors: nesting levels and list indexes of paths; the operator count
 * (call xp_count_reset first); parentheses; function names; reserved words;
 * #name substitution into n->steps; :value look-up (both mark what they
 * use). */
pq_status xp_v_path_shape(struct xp_request *r, struct xa_parsed *p, struct xa_node *n,
                          struct pq_error *err);
void xp_count_reset(struct xp_request *r);
pq_status xp_v_operators(struct xp_request *r, struct xa_parsed *p, struct xa_node *n,
                         struct pq_error *err);
pq_status xp_v_parens(struct xp_request *r, struct xa_parsed *p, struct xa_node *n,
                      struct pq_error *err);
pq_status xp_v_function_name(struct xp_request *r, struct xa_parsed *p, struct xa_node *n,
                             struct pq_error *err);
pq_status xp_v_reserved(struct xp_request *r, struct xa_parsed *p, struct xa_node *n,
                        struct pq_error *err);
pq_status xp_v_names(struct xp_request *r, struct xa_parsed *p, struct xa_node *n,
                     struct pq_error *err);
pq_status xp_v_values(struct xp_request *r, struct xa_parsed *p, struct xa_node *n,
                      struct pq_error *err);
/* The value of a resolved :value node (borrowed from the request). */
const json_t *xp_value(const struct xp_request *r, const struct xa_parsed *p,
                       const struct xa_node *n);
/* "[a, b, [1]]" of a resolved path. */
void xp_path_render(struct pq_buf *b, const struct xa_node *n);
/* Two resolved paths: 0 disjoint, 1 overlap (one is a prefix of the other),
 * 2 conflict (a name and an index at one position). */
int xp_paths_clash(const struct xa_node *a, const struct xa_node *b);
/* expr_project.c: "Two document paths overlap / conflict …" among resolved
 * paths, the earlier one as path one. */
pq_status xp_check_clashes(struct xp_request *r, xp_param which, struct xa_node *const *paths,
                           size_t n, struct pq_error *err) PQ_MUST_USE;
/* The function name of a CALL node, NUL-terminated into buf. */
const char *xp_call_name(const struct xa_parsed *p, const struct xa_node *n, char *buf, size_t cap);

#endif
