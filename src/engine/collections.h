/* collections.h — item collection sizes (tables with an LSI), kept by store.c's write path.
 *
 * See collections.c for the table and the rules. Nothing returned is
 * borrowed; `hk` arguments are a partition key's order-preserving encoding
 * (struct pq_key's hk).
 */
#ifndef PQSH_ENGINE_COLLECTIONS_H
#define PQSH_ENGINE_COLLECTIONS_H

#include "engine/internal.h"

/* DynamoDB's limit on one item collection: 10 GB. */
#define COLL_DEFAULT_LIMIT ((int64_t)10 << 30)

/* Per-store state (prepared statements); freed with the store. */
struct coll_state;
void coll_state_free(struct coll_state *c);

/* Whether `t` has item collections that count: it has a local secondary index. */
bool coll_tracked(const struct pq_table_meta *t);
/* What `item` (NULL: none) adds to its collection: its size plus its LSI entries'. */
int64_t coll_contribution(const struct pq_table_meta *t, const json_t *item);
/* The collection's size in bytes (0 when it has no item). */
pq_status coll_size(struct pq_store *s, const struct pq_table_meta *t, const struct pq_buf *hk,
                    int64_t *bytes, struct pq_error *err) PQ_MUST_USE;
/* ItemCollectionSizeLimitExceededException when growing the collection by
 * `delta` bytes would take it past the store's limit (store_collection_limit). */
pq_status coll_check(struct pq_store *s, const struct pq_table_meta *t, const struct pq_buf *hk,
                     int64_t delta, struct pq_error *err) PQ_MUST_USE;
/* Records a write's difference. */
pq_status coll_add(struct pq_store *s, const struct pq_table_meta *t, const struct pq_buf *hk,
                   int64_t delta, struct pq_error *err) PQ_MUST_USE;
/* Format 3 (store.c's init_schema): creates pq_collections and fills it
 * from the tables that already exist. */
pq_status coll_upgrade(sqlite3 *db, struct pq_error *err) PQ_MUST_USE;
/* DeleteTable: forgets the table's sizes (its id may be given again). */
pq_status coll_table_dropped(struct pq_store *s, int64_t tid, struct pq_error *err) PQ_MUST_USE;

#endif
