/* streams.h — DynamoDB Streams: one stream per enabled table, its change records, the API.
 *
 * A table's stream is named in its stored description (StreamSpecification,
 * LatestStreamArn, LatestStreamLabel, as DescribeTable shows them) and
 * registered in pq_streams; each change of an item of a table whose stream
 * is enabled is appended to pq_stream_records by store.c's write path, in
 * the same SQLite transaction as the item, so a record exists exactly when
 * the write committed. Records and disabled streams live 24 hours by the
 * engine's clock: the write path and the TTL sweep remove them in bounded
 * batches; the reads only read (they run on pqsh serve's reader engines)
 * and treat what retention has yet to remove as removed. The four operations of
 * DynamoDBStreams_20120810 read them; the engine knows them by their whole target name
 * ("DynamoDBStreams_20120810.GetRecords"), as the wire names them.
 *
 * Ownership: nothing returned here is borrowed; responses are new references.
 */
#ifndef PQSH_ENGINE_STREAMS_H
#define PQSH_ENGINE_STREAMS_H

#include "engine/internal.h"

#define STREAMS_TARGET "DynamoDBStreams_20120810."

/* Per-store state (prepared statements); freed with the store. */
struct streams_state;
void streams_state_free(struct streams_state *st);

/* ---- the write path (store.c) ------------------------------------------ */

/* Whether writes to `t` are recorded: its stream is enabled (as its
 * description says: streams_described, read when the store reads it). */
bool streams_enabled(const struct pq_table_meta *t);
/* Whether a TableDescription has its stream on. */
bool streams_described(const json_t *description);
/* Appends the change of one item from `old` to `now` (either NULL: inserted
 * or removed). No record when both are equal (the write changed nothing). A
 * service write (store_set_service: the TTL sweep) carries userIdentity. */
pq_status streams_record(struct pq_store *s, const struct pq_table_meta *t, const json_t *old,
                         const json_t *now, struct pq_error *err) PQ_MUST_USE;

/* Retention (the TTL sweep's steps): one bounded batch of records older
 * than 24 hours at `now` removed; nothing when no stream was ever enabled. */
pq_status streams_trim(struct pq_store *s, double now, struct pq_error *err) PQ_MUST_USE;

/* ---- tables (ddl.c) ----------------------------------------------------- */

/* Adds StreamSpecification, LatestStreamArn and LatestStreamLabel to a new
 * table's description `desc` when `spec` enables a stream, and registers it. */
pq_status streams_on_create(struct pq_engine *e, json_t *desc, const json_t *spec,
                            struct pq_error *err) PQ_MUST_USE;
/* UpdateTable's StreamSpecification `spec` applied to `desc` (a copy of t's):
 * enables a new stream or disables the current one, with DynamoDB's errors. */
pq_status streams_on_update(struct pq_engine *e, const struct pq_table_meta *t, json_t *desc,
                            const json_t *spec, struct pq_error *err) PQ_MUST_USE;
/* DeleteTable: the table's stream is disabled (still readable 24 hours). */
pq_status streams_on_delete(struct pq_engine *e, const struct pq_table_meta *t,
                            struct pq_error *err) PQ_MUST_USE;

/* ---- the API (api.c) ---------------------------------------------------- */

pq_status streams_list(struct pq_engine *e, json_t *req, json_t **resp,
                       struct pq_error *err) PQ_MUST_USE;
pq_status streams_describe(struct pq_engine *e, json_t *req, json_t **resp,
                           struct pq_error *err) PQ_MUST_USE;
pq_status streams_get_shard_iterator(struct pq_engine *e, json_t *req, json_t **resp,
                                     struct pq_error *err) PQ_MUST_USE;
pq_status streams_get_records(struct pq_engine *e, json_t *req, json_t **resp,
                              struct pq_error *err) PQ_MUST_USE;

#endif
