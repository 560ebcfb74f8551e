/* batch_items.h — the item API's multi-item operations (private to src/engine).
 *
 *   batch_items.c  BatchWriteItem (§8), BatchGetItem (§7)
 *   transact.c     TransactGetItems (§9.1), TransactWriteItems (§9.2)
 *
 * Same contract as every operation (internal.h): the request is borrowed,
 * *resp is a new reference on PQ_OK, and the call runs inside the API call's
 * store transaction, so a failed call changes nothing.
 */
#ifndef PQSH_ENGINE_BATCH_ITEMS_H
#define PQSH_ENGINE_BATCH_ITEMS_H

#include <jansson.h>
#include "engine/internal.h"

/* DynamoDB's item size limit (§D-2.4). */
#define BI_MAX_ITEM_BYTES 409600

pq_status bi_batch_write_item(struct pq_engine *e, json_t *req, json_t **resp,
                              struct pq_error *err) PQ_MUST_USE;
pq_status bi_batch_get_item(struct pq_engine *e, json_t *req, json_t **resp,
                            struct pq_error *err) PQ_MUST_USE;
pq_status tx_transact_get_items(struct pq_engine *e, json_t *req, json_t **resp,
                                struct pq_error *err) PQ_MUST_USE;
pq_status tx_transact_write_items(struct pq_engine *e, json_t *req, json_t **resp,
                                  struct pq_error *err) PQ_MUST_USE;

/* The member `name` of `req`, NULL when absent or JSON null. */
const json_t *bi_member(const json_t *req, const char *name);
/* "The parameter '<name>' is required but was not present in the request"
 * (§D-1.4) when `name` is absent from `req`; PQ_OK otherwise. */
pq_status bi_required(const json_t *req, const char *name, struct pq_error *err) PQ_MUST_USE;
/* Whether two keys of table `t` name the same item (numbers by value). */
bool bi_same_key(const struct pq_table_meta *t, const json_t *a, const json_t *b);

#endif
