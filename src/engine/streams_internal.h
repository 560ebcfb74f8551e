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
/* Retention: drops records and disabled streams older than 24 hours at `now`. */
pq_status sx_trim(sqlite3 *db, double now, struct pq_error *err) PQ_MUST_USE;
/* The region of an ARN into `out` (`n` bytes). */
void sx_region_of(const char *arn, char *out, size_t n);

#endif
