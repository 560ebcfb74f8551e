/* snapshot.h — a fuzz target's engine database, saved once and put back after an input that wrote.
 *
 * Reopening and setting up an engine per input costs far more than the
 * input itself; restoring a serialized copy of the clean database costs
 * little, and every input still starts from the same state, so a finding
 * replays from its input alone. Failures abort (a fuzz target has nobody
 * to report to).
 */
#ifndef PQSH_FUZZ_SNAPSHOT_H
#define PQSH_FUZZ_SNAPSHOT_H

#include <stdbool.h>
#include <sqlite3.h>
#include "engine/internal.h"

struct fuzz_snapshot {
    unsigned char *data; /* sqlite3_serialize's copy of "main" */
    sqlite3_int64 len;
    int clean_changes; /* sqlite3_total_changes when the database was clean */
};

/* Saves the engine's database as it is now. */
void fuzz_snapshot_take(struct fuzz_snapshot *s, struct pq_engine *e);
/* True when a row was written (even in a rolled-back call) since the
 * snapshot was taken or last put back. */
bool fuzz_snapshot_dirty(const struct fuzz_snapshot *s, struct pq_engine *e);
/* Puts the saved database back when it is dirty; false when it was not. */
bool fuzz_snapshot_restore(struct fuzz_snapshot *s, struct pq_engine *e);

#endif
