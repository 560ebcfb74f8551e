/* snapshot.c — save and put back a fuzz target's engine database (see snapshot.h). */
#include "snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die(const char *what, sqlite3 *db)
{
    fprintf(stderr, "fuzz snapshot: %s: %s\n", what, sqlite3_errmsg(db));
    abort();
}

void fuzz_snapshot_take(struct fuzz_snapshot *s, struct pq_engine *e)
{
    sqlite3 *db = store_db(e->store);
    sqlite3_free(s->data);
    s->data = sqlite3_serialize(db, "main", &s->len, 0);
    if (!s->data) die("cannot snapshot the database", db);
    s->clean_changes = sqlite3_total_changes(db);
}

bool fuzz_snapshot_dirty(const struct fuzz_snapshot *s, struct pq_engine *e)
{
    return sqlite3_total_changes(store_db(e->store)) != s->clean_changes;
}

bool fuzz_snapshot_restore(struct fuzz_snapshot *s, struct pq_engine *e)
{
    if (!fuzz_snapshot_dirty(s, e)) return false;
    sqlite3 *db = store_db(e->store);
    store_forget(e->store);
    unsigned char *copy = sqlite3_malloc64((sqlite3_uint64)s->len);
    if (!copy) die("out of memory", db);
    memcpy(copy, s->data, (size_t)s->len);
    if (sqlite3_deserialize(db, "main", copy, s->len, s->len,
                            SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE) !=
        SQLITE_OK)
        die("cannot restore the snapshot", db);
    s->clean_changes = sqlite3_total_changes(db);
    return true;
}
