/* expr.h — DynamoDB's expression language for the item API (private to src/engine).
 *
 * One parser (grammar/expr.y, grammar/expr.l) serves ConditionExpression,
 * FilterExpression, KeyConditionExpression, ProjectionExpression and
 * UpdateExpression. Parsed expressions are compiled into the engine's own
 * trees — `struct ev_cond` (evaluated by ev_test, the same evaluator as
 * PartiQL's WHERE) and `struct ev_update` (applied by ev_update_apply) — so
 * the item API and PartiQL judge and change items alike. There is no second
 * evaluator.
 *
 * A request's expressions share one `struct xp_request`: it holds the
 * request's ExpressionAttributeNames / ExpressionAttributeValues, records
 * which of them the expressions use, and owns everything it compiles (the
 * compiled trees borrow the parsed paths). Use:
 *
 *     xp_request_new(names, values, flags, &r, err)   EAN/EAV checks of §2.4 (5–8)
 *     xp_update / xp_condition / xp_key_condition / xp_projection
 *         in the service's order (§2.4 (9)): Update, Condition, KeyCondition,
 *         Filter, Projection; each checks size, syntax, reserved words,
 *         functions, references, operand types as §2.2–§2.9 say
 *     xp_request_finish(r, err)                       unused names, then values
 *     … use the compiled trees …
 *     xp_request_free(r)                              frees them all
 *
 * Messages carry the `Invalid <Parameter>: ` prefix of §2; with
 * XP_PREFIXED (PutItem, UpdateItem, DeleteItem) they also carry §1.2's
 * `1 validation error detected: ` where the reference says so. Every error
 * is a ValidationException (pq_error_validation).
 *
 * Ownership: xp_request_new copies what it needs from `names` / `values`
 * (borrowed); every compiled object returned through `out` is owned by the
 * xp_request and valid until xp_request_free. xp_project returns a new
 * reference.
 */
#ifndef PQSH_ENGINE_EXPR_H
#define PQSH_ENGINE_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include "engine/eval.h"
#include "pqsh/error.h"

/* Which request member an expression came from: its name is the
 * "Invalid <Parameter>: " of every message about it. */
typedef enum xp_param {
    XP_UPDATE,        /* UpdateExpression */
    XP_CONDITION,     /* ConditionExpression */
    XP_KEY_CONDITION, /* KeyConditionExpression */
    XP_FILTER,        /* FilterExpression */
    XP_PROJECTION,    /* ProjectionExpression */
} xp_param;

enum xp_flags {
    XP_PREFIXED = 1 << 0, /* PutItem / UpdateItem / DeleteItem: §1.2's prefix */
};

struct xp_request;

/* Checks ExpressionAttributeNames and ExpressionAttributeValues as §2.4 (5–8)
 * says (empty maps, invalid keys, invalid values, empty names); either may
 * be NULL (absent). The orphan checks of §2.4 (2–3) depend on which
 * expressions the operation has, so the operation makes them. */
pq_status xp_request_new(const json_t *names, const json_t *values, unsigned flags,
                         struct xp_request **out, struct pq_error *err) PQ_MUST_USE;
void xp_request_free(struct xp_request *r);

/* Unused names (`Value provided in ExpressionAttributeNames unused in
 * expressions: keys: {#a, #b}`), then unused values, across every
 * expression compiled so far. */
pq_status xp_request_finish(struct xp_request *r, struct pq_error *err) PQ_MUST_USE;

/* Adds the names / values the expressions compiled so far used to the
 * caller's sets (JSON objects, key → true); either may be NULL. For callers
 * that check unused names across several requests' worth of expressions. */
void xp_request_used(const struct xp_request *r, json_t *names, json_t *values);

/* ConditionExpression or FilterExpression (`which`) → a condition tree for
 * ev_test. */
pq_status xp_condition(struct xp_request *r, xp_param which, const char *text,
                       const struct ev_cond **out, struct pq_error *err) PQ_MUST_USE;

/* A KeyConditionExpression after the parse-level checks of §2.6 (the
 * schema-level ones — which attributes are keys, value types — are Query's,
 * after the table lookup). Names are after #name substitution. */
typedef enum xp_key_op {
    XP_KEY_EQ,
    XP_KEY_LT,
    XP_KEY_LE,
    XP_KEY_GT,
    XP_KEY_GE,
    XP_KEY_BETWEEN,     /* value <= key <= value2 */
    XP_KEY_BEGINS_WITH, /* begins_with(key, value) */
} xp_key_op;

struct xp_key_cond {
    const char *name;     /* the attribute the condition is on */
    xp_key_op op;         /* `:v > sk` is returned as sk < :v */
    const json_t *value;  /* borrowed from the request's values */
    const json_t *value2; /* BETWEEN's upper bound, else NULL */
};

/* At most 8 conditions: a multi-attribute GSI key has up to 4 HASH and 4
 * RANGE attributes. More than 2 on a key schema of one or two attributes is
 * refused when the query is bound to its table (query.c). */
#define XP_MAX_KEY_CONDS 8
struct xp_key_condition {
    struct xp_key_cond conds[XP_MAX_KEY_CONDS]; /* in the order written */
    size_t n;                                   /* 1 .. XP_MAX_KEY_CONDS */
};

pq_status xp_key_condition(struct xp_request *r, const char *text,
                           const struct xp_key_condition **out, struct pq_error *err) PQ_MUST_USE;

/* ProjectionExpression: the listed paths (after #name substitution), checked
 * for overlap and conflict (§2.7). */
struct xp_projection {
    struct ev_path *paths;
    size_t npaths;
};

pq_status xp_projection(struct xp_request *r, const char *text, const struct xp_projection **out,
                        struct pq_error *err) PQ_MUST_USE;

/* The item cut down to the projection's paths, in their nesting, selected
 * list elements compacted in index order, unresolved paths dropped (§2.7).
 * Returns a new reference (an empty object when nothing matched). */
json_t *xp_project(const struct xp_projection *p, const json_t *item);

/* UpdateExpression → the actions for ev_update_apply (SET with + and -,
 * list_append, if_not_exists; REMOVE; ADD; DELETE), with the static checks
 * of §2.8. Key-attribute and index-key checks need the table and are made
 * by xp_update_check_table. */
pq_status xp_update(struct xp_request *r, const char *text, const struct ev_update **out,
                    struct pq_error *err) PQ_MUST_USE;

/* §2.8's table-dependent static checks: no action on a key attribute of `t`
 * ("Cannot update attribute <k>. This attribute is part of the key"), and
 * the static index-key type clashes of top-level SETs. */
pq_status xp_update_check_table(const struct ev_update *u, const struct pq_table_meta *t,
                                struct pq_error *err) PQ_MUST_USE;

#endif
