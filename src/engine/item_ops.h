/* item_ops.h — PutItem, GetItem and DeleteItem in the engine (private to src/engine).
 *
 * The classic single-item API that SDK code and test harnesses lean on:
 * Item / Key, ConsistentRead, ReturnValues (NONE | ALL_OLD),
 * ReturnConsumedCapacity, ReturnValuesOnConditionCheckFailure, a
 * ProjectionExpression of top-level names (GetItem), and ConditionExpression
 * with ExpressionAttributeNames / ExpressionAttributeValues — attribute_exists
 * and attribute_not_exists (the idempotency pattern) plus comparisons,
 * BETWEEN, IN, begins_with, contains, attribute_type, size, AND / OR / NOT.
 * A condition is translated to a PartiQL WHERE clause and compiled with the
 * engine's own evaluator (eval.h), so both APIs judge items alike.
 *
 * Same contract as the other operations (internal.h): the request is
 * borrowed, *resp is a new reference on PQ_OK, and the call runs inside the
 * API call's store transaction.
 */
#ifndef PQSH_ENGINE_ITEM_OPS_H
#define PQSH_ENGINE_ITEM_OPS_H

#include <jansson.h>
#include "engine/internal.h"

pq_status item_put_item(struct pq_engine *e, json_t *req, json_t **resp,
                        struct pq_error *err) PQ_MUST_USE;
pq_status item_get_item(struct pq_engine *e, json_t *req, json_t **resp,
                        struct pq_error *err) PQ_MUST_USE;
pq_status item_delete_item(struct pq_engine *e, json_t *req, json_t **resp,
                           struct pq_error *err) PQ_MUST_USE;

/* Shared with the batch and transaction operations (batch_items.c, transact.c). */
struct exec_violations;
/* TableName's model constraints, reported at member `path` ("tableName"). */
void item_check_table_name(struct exec_violations *v, const json_t *name, const char *path);
/* A validated deep copy of an Item / Key map (*out a new reference); with
 * `prefixed`, value errors carry "1 validation error detected: ". */
pq_status item_copy_values(const json_t *map, bool prefixed, json_t **out,
                           struct pq_error *err) PQ_MUST_USE;
/* An Item holds the table's key attributes with their types ("Missing the
 * key", "Type mismatch for key"). */
pq_status item_check_item_keys(const struct pq_table_meta *t, const json_t *item,
                               struct pq_error *err) PQ_MUST_USE;
/* A Key holds exactly the table's key attributes ("The provided key element
 * does not match the schema"). */
pq_status item_check_key(const struct pq_table_meta *t, const json_t *key,
                         struct pq_error *err) PQ_MUST_USE;

/* A ConditionExpression compiled as PutItem / DeleteItem compile theirs
 * (until the expression parser of expr.h replaces both): `what` names the
 * member in messages; used names / values are recorded in the two sets. */
struct item_cond;
pq_status item_cond_compile(const char *what, const char *text, const json_t *names,
                            const json_t *values, json_t *used_names, json_t *used_values,
                            struct item_cond **out, struct pq_error *err) PQ_MUST_USE;
bool item_cond_test(const struct item_cond *c, const json_t *item);
void item_cond_free(struct item_cond *c);
/* GetItem's ProjectionExpression (top-level names): *out a new JSON array of names. */
pq_status item_projection(const char *text, const json_t *names, json_t *used_names, json_t **out,
                          struct pq_error *err) PQ_MUST_USE;
/* "Value provided in <what> unused in expressions: keys: {…}". */
pq_status item_check_unused(const char *what, const json_t *map, const json_t *used,
                            struct pq_error *err) PQ_MUST_USE;

#endif
