/* capacity.h — ConsumedCapacity accounting for one engine call (private to src/engine).
 *
 * An operation that was asked for ReturnConsumedCapacity TOTAL or INDEXES
 * sets e->cap = cap_new(...) for the duration of the call; the statement
 * runners then report what they read and wrote with cap_read / cap_write,
 * which do nothing when e->cap is NULL.
 *
 * Ownership: cap_new returns a new accumulator (cap_free it); the _json
 * functions return new references.
 */
#ifndef PQSH_ENGINE_CAPACITY_H
#define PQSH_ENGINE_CAPACITY_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include "engine/internal.h"

/* NULL unless `mode` is "TOTAL" or "INDEXES". `factor` multiplies every
 * figure (2 inside transactions). */
struct pq_capacity *cap_new(const char *mode, double factor);
void cap_free(struct pq_capacity *c);

/* Units for `bytes` read in one operation / one item written (see capacity.c). */
double cap_read_units(size_t bytes, bool consistent);
double cap_write_units(size_t bytes);

/* One read operation of `bytes` on table `t` or its index `ix`. */
void cap_read(struct pq_engine *e, const struct pq_table_meta *t, const struct pq_index_meta *ix,
              size_t bytes, bool consistent);
/* One item write from `old` to `new_` (NULL: absent), with its index writes. */
void cap_write(struct pq_engine *e, const struct pq_table_meta *t, const json_t *old,
               const json_t *new_);

/* A condition check of `item` (NULL: absent) in a transaction: billed as a
 * write of its size to the table alone (no index is written). */
void cap_check(struct pq_engine *e, const struct pq_table_meta *t, const json_t *item);

/* ExecuteStatement's single ConsumedCapacity (NULL when nothing was
 * touched), and the list BatchExecuteStatement / ExecuteTransaction return. */
json_t *cap_one_json(const struct pq_capacity *c);
json_t *cap_list_json(const struct pq_capacity *c);

/* ReturnItemCollectionMetrics (§11.3): true when `mode` is "SIZE" and `t`
 * has a local secondary index (only such tables have item collections that
 * DynamoDB reports). */
bool cap_wants_metrics(const char *mode, const struct pq_table_meta *t);
/* The ItemCollectionMetrics of the collection holding `key` (an item or a
 * key of `t`; its partition key is what counts), measured now: the items of
 * that partition plus their LSI entries. *out is a new reference. */
pq_status cap_item_collection(struct pq_engine *e, const struct pq_table_meta *t, const json_t *key,
                              json_t **out, struct pq_error *err) PQ_MUST_USE;

#endif
