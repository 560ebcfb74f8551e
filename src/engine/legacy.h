/* legacy.h — the pre-expression request members (item API reference §10), private to src/engine.
 *
 * Expected, KeyConditions, QueryFilter, ScanFilter, ConditionalOperator and
 * AttributeUpdates are checked with DynamoDB's messages and translated into
 * the trees the expressions compile to — `struct ev_cond` for ev_test,
 * `struct xp_key_condition` for Query's key range, `struct ev_update` for
 * ev_update_apply — so legacy and expression requests are judged and applied
 * by the same evaluator. AttributesToGet needs no translation: the
 * operations keep the listed top-level names.
 *
 *     lg_check_model(...)             enum / required members, with the model's
 *                                     other violations (§1.4)
 *     lg_request_new()
 *     lg_condition / lg_key_conditions / lg_updates
 *     … use the trees …
 *     lg_request_free(r)              frees them all
 *
 * Ownership: the request members passed in are borrowed and copied where
 * kept; every tree returned through `out` is owned by the lg_request and
 * valid until lg_request_free.
 */
#ifndef PQSH_ENGINE_LEGACY_H
#define PQSH_ENGINE_LEGACY_H

#include <stdbool.h>
#include <jansson.h>
#include "engine/eval.h"
#include "engine/expr.h"
#include "pqsh/error.h"

/* Which member a map of conditions is: it names the member in messages. */
typedef enum lg_member {
    LG_EXPECTED,       /* ExpectedAttributeValue: Value / Exists / ComparisonOperator */
    LG_KEY_CONDITIONS, /* Condition: ComparisonOperator* + AttributeValueList */
    LG_QUERY_FILTER,
    LG_SCAN_FILTER,
} lg_member;

/* Model constraints of a map of conditions (ComparisonOperator required in a
 * Condition, its enum) or of AttributeUpdates (`Action`'s enum), added to
 * `v`. `map` may be NULL. */
void lg_check_model(const json_t *map, lg_member which, struct exec_violations *v);
void lg_check_updates_model(const json_t *updates, struct exec_violations *v);

struct lg_request;
struct lg_request *lg_request_new(void);
void lg_request_free(struct lg_request *r);

/* Expected / QueryFilter / ScanFilter (§10): argument counts and types,
 * Expected's member combinations, then the condition tree; entries are
 * combined by `condop` ("AND" when NULL, or "OR"). With `prefixed` (the
 * writes) invalid AttributeValues carry §1.2's "1 validation error
 * detected: ". */
pq_status lg_condition(struct lg_request *r, lg_member which, const json_t *map, const char *condop,
                       bool prefixed, const struct ev_cond **out, struct pq_error *err) PQ_MUST_USE;

/* KeyConditions: argument checks, "Conditions can be of length 1 or 2
 * only", "Attempted conditional constraint is not an indexable operation";
 * then the same key condition a KeyConditionExpression gives. */
pq_status lg_key_conditions(struct lg_request *r, const json_t *map,
                            const struct xp_key_condition **out, struct pq_error *err) PQ_MUST_USE;

/* AttributeUpdates: value checks and the PUT / ADD / DELETE actions
 * (legacy ADD on a list appends). `{}` gives an update with no action. */
pq_status lg_updates(struct lg_request *r, const json_t *updates, const struct ev_update **out,
                     struct pq_error *err) PQ_MUST_USE;

/* A runtime error of applying legacy updates, worded as the legacy API
 * words it: an operand type clash becomes "Type mismatch for attribute to
 * update". */
void lg_update_error(struct pq_error *err);

#endif
