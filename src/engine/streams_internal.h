/* streams_internal.h — what streams.c (storage, recording) and streams_api.c (the four
 * operations) share. Errors are PQ_ERR_IO with SQLite's text.
 */
#ifndef PQSH_ENGINE_STREAMS_INTERNAL_H
#define PQSH_ENGINE_STREAMS_INTERNAL_H

#include "engine/streams.h"

#define STREAM_RETENTION 86400.0 /* records and disabled streams: 24 hours */

pq_status sx_fail(sqlite3 *db, struct pq_error *err, const char *what) PQ_MUST_USE;
pq_status sx_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st,
                     struct pq_error *err) PQ_MUST_USE;
/* Whether the stream tables exist (no stream was ever enabled otherwise). */
bool sx_has_schema(sqlite3 *db);
/* The first column of the first row of `sql`, run with `text` (if not NULL)
 * then `num` bound to its parameters in order; `dflt` for no row or NULL. */
pq_status sx_int(sqlite3 *db, const char *sql, const char *text, int64_t num, int64_t dflt,
                 int64_t *out, struct pq_error *err) PQ_MUST_USE;
/* The highest sequence number ever handed out (0: none). */
int64_t sx_last_seq(sqlite3 *db);
/* Retention, a write: drops a bounded batch of the records older than 24
 * hours at `now` (raising their streams' trimmed mark) and the streams
 * disabled more than 24 hours ago. Called by the write path now and then
 * and by every TTL sweep step, so it catches up in short steps. */
pq_status sx_trim(sqlite3 *db, double now, struct pq_error *err) PQ_MUST_USE;
/* Retention as a read sees it, without writing (readers cannot): the
 * highest seq of stream `arn` that is trimmed at `now`, its stored mark
 * `stored` or a record older than 24 hours not yet removed. */
pq_status sx_trimmed(sqlite3 *db, const char *arn, int64_t stored, double now, int64_t *out,
                     struct pq_error *err) PQ_MUST_USE;
/* The region of an ARN into `out` (`n` bytes). */
void sx_region_of(const char *arn, char *out, size_t n);

#endif
