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

#endif
