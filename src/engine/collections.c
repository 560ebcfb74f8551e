/* collections.c — item collection sizes of tables with local secondary indexes.
 *
 * An item collection is every item sharing one partition key value plus
 * their entries in the table's LSIs (reference §11.3). DynamoDB refuses a
 * write that would grow one past 10 GB with ItemCollectionSizeLimitExceeded-
 * Exception "Collection size exceeded.", and reports the size as
 * ItemCollectionMetrics. Both come from one figure kept here:
 *
 *   pq_collections(tid, hk, size, PRIMARY KEY(tid, hk)) WITHOUT ROWID
 *
 * one row per non-empty collection of a table with an LSI, its size in
 * bytes (items.size plus the LSI entries' sizes, as store.c stores them).
 * store.c's write path adds each write's difference (new item and its LSI
 * entries minus the old ones) in the same SQLite transaction as the item, so
 * a collection is never re-summed after the format-3 upgrade that fills the
 * table once.
 *
 * Only a write that grows a collection is refused: shrinking writes and
 * deletes always go through, as they let a full collection get smaller.
 * Whether the limit is 10 * 2^30 bytes or 10^10 is UNCONFIRMED (AWS says
 * "10 GB"); the binary figure is used, as for SizeEstimateRangeGB.
 */
#include "engine/collections.h"

#include <stdlib.h>
#include <string.h>

#include "pqsh/value.h"

struct coll_state {
    sqlite3_stmt *get, *add, *purge;
};

void coll_state_free(struct coll_state *c)
{
    if (!c) return;
    sqlite3_finalize(c->get);
    sqlite3_finalize(c->add);
    sqlite3_finalize(c->purge);
    free(c);
}

static pq_status coll_fail(sqlite3 *db, struct pq_error *err, const char *what)
{
    return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS, "sqlite: %s: %s", what,
                        sqlite3_errmsg(db));
}

bool coll_tracked(const struct pq_table_meta *t)
{
    for (size_t i = 0; i < t->nindexes; i++)
        if (!t->indexes[i].global) return true;
    return false;
}

int64_t coll_contribution(const struct pq_table_meta *t, const json_t *item)
{
    if (!item) return 0;
    int64_t n = (int64_t)pq_item_size(item);
    struct pq_buf h = PQ_BUF_INIT, r = PQ_BUF_INIT;
    pq_buf_init(&h);
    pq_buf_init(&r);
    for (size_t i = 0; i < t->nindexes; i++) {
        const struct pq_index_meta *ix = &t->indexes[i];
        if (!ix->global && index_key_of(ix, item, &h, &r))
            n += (int64_t)index_entry_size(t, ix, item);
    }
    pq_buf_release(&h);
    pq_buf_release(&r);
    return n;
}

static pq_status state(struct pq_store *s, struct coll_state **out, struct pq_error *err)
{
    struct coll_state **slot = store_collections(s);
    sqlite3 *db = store_db(s);
    if (!*slot) {
        struct coll_state *c = pq_xcalloc(1, sizeof *c);
        if (sqlite3_prepare_v2(db, "SELECT size FROM pq_collections WHERE tid = ? AND hk = ?", -1,
                               &c->get, NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(db,
                               "INSERT INTO pq_collections(tid, hk, size) VALUES (?, ?, ?)"
                               " ON CONFLICT(tid, hk) DO UPDATE SET size = size + excluded.size",
                               -1, &c->add, NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(db,
                               "DELETE FROM pq_collections WHERE tid = ? AND hk = ? AND size <= 0",
                               -1, &c->purge, NULL) != SQLITE_OK) {
            pq_status rc = coll_fail(db, err, "preparing the collection statements");
            coll_state_free(c);
            return rc;
        }
        *slot = c;
    }
    *out = *slot;
    return PQ_OK;
}

pq_status coll_size(struct pq_store *s, const struct pq_table_meta *t, const struct pq_buf *hk,
                    int64_t *bytes, struct pq_error *err)
{
    struct coll_state *c = NULL;
    pq_status rc = state(s, &c, err);
    *bytes = 0;
    if (rc) return rc;
    sqlite3_bind_int64(c->get, 1, t->id);
    sqlite3_bind_blob(c->get, 2, hk->data ? hk->data : "", (int)hk->len, SQLITE_STATIC);
    int step = sqlite3_step(c->get);
    if (step == SQLITE_ROW)
        *bytes = sqlite3_column_int64(c->get, 0);
    else if (step != SQLITE_DONE)
        rc = coll_fail(store_db(s), err, "reading a collection size");
    sqlite3_reset(c->get);
    return rc;
}

pq_status coll_check(struct pq_store *s, const struct pq_table_meta *t, const struct pq_buf *hk,
                     int64_t delta, struct pq_error *err)
{
    if (delta <= 0) return PQ_OK;
    int64_t now;
    pq_status rc = coll_size(s, t, hk, &now, err);
    if (rc) return rc;
    if (now + delta > store_collection_limit(s))
        return pq_error_service(err, "ItemCollectionSizeLimitExceededException",
                                "Collection size exceeded.");
    return PQ_OK;
}

pq_status coll_add(struct pq_store *s, const struct pq_table_meta *t, const struct pq_buf *hk,
                   int64_t delta, struct pq_error *err)
{
    if (delta == 0) return PQ_OK;
    struct coll_state *c = NULL;
    pq_status rc = state(s, &c, err);
    if (rc) return rc;
    const void *p = hk->data ? hk->data : "";
    sqlite3_bind_int64(c->add, 1, t->id);
    sqlite3_bind_blob(c->add, 2, p, (int)hk->len, SQLITE_STATIC);
    sqlite3_bind_int64(c->add, 3, delta);
    if (sqlite3_step(c->add) != SQLITE_DONE)
        rc = coll_fail(store_db(s), err, "sizing a collection");
    sqlite3_reset(c->add);
    if (rc == PQ_OK && delta < 0) {
        /* An emptied collection leaves no row behind. */
        sqlite3_bind_int64(c->purge, 1, t->id);
        sqlite3_bind_blob(c->purge, 2, p, (int)hk->len, SQLITE_STATIC);
        if (sqlite3_step(c->purge) != SQLITE_DONE)
            rc = coll_fail(store_db(s), err, "sizing a collection");
        sqlite3_reset(c->purge);
    }
    return rc;
}

/* ---- the schema ---------------------------------------------------------- */

static const char SCHEMA[] = "CREATE TABLE IF NOT EXISTS pq_collections(tid INTEGER NOT NULL,"
                             " hk BLOB NOT NULL, size INTEGER NOT NULL,"
                             " PRIMARY KEY(tid, hk)) WITHOUT ROWID";

pq_status coll_upgrade(sqlite3 *db, struct pq_error *err)
{
    if (sqlite3_exec(db, SCHEMA, NULL, NULL, NULL) != SQLITE_OK)
        return coll_fail(db, err, "creating the collection table");
    sqlite3_stmt *st = NULL;
    pq_status rc = PQ_OK;
    struct pq_buf sql = PQ_BUF_INIT;
    pq_buf_init(&sql);
    if (sqlite3_prepare_v2(db, "SELECT id, description FROM pq_catalog", -1, &st, NULL) !=
        SQLITE_OK) {
        rc = coll_fail(db, err, "reading the catalog");
        goto out;
    }
    while (rc == PQ_OK && sqlite3_step(st) == SQLITE_ROW) {
        long long id = sqlite3_column_int64(st, 0);
        json_t *desc = json_loads((const char *)sqlite3_column_text(st, 1), 0, NULL);
        struct pq_index_meta *ixs = NULL;
        size_t nix = 0;
        if (desc) index_meta_parse(desc, &ixs, &nix);
        pq_buf_reset(&sql);
        pq_buf_addf(&sql,
                    "INSERT INTO pq_collections(tid, hk, size) SELECT %lld, hk, sum(size) FROM"
                    " (SELECT hk, size FROM items_%lld",
                    id, id);
        bool lsi = false;
        for (size_t i = 0; i < nix; i++) {
            if (ixs[i].global) continue;
            lsi = true;
            /* Index names are [a-zA-Z0-9_.-]+, safe inside double quotes. */
            pq_buf_addf(&sql, " UNION ALL SELECT hk, size FROM \"ix_%lld_%s\"", id, ixs[i].name);
        }
        pq_buf_adds(&sql, ") GROUP BY hk");
        if (lsi && sqlite3_exec(db, sql.data, NULL, NULL, NULL) != SQLITE_OK)
            rc = coll_fail(db, err, "sizing the item collections");
        index_meta_free(ixs, nix);
        json_decref(desc);
    }
out:
    sqlite3_finalize(st);
    pq_buf_release(&sql);
    return rc;
}

pq_status coll_table_dropped(struct pq_store *s, int64_t tid, struct pq_error *err)
{
    sqlite3 *db = store_db(s);
    sqlite3_stmt *st = NULL;
    pq_status rc = PQ_OK;
    if (sqlite3_prepare_v2(db, "DELETE FROM pq_collections WHERE tid = ?", -1, &st, NULL) !=
        SQLITE_OK) {
        rc = coll_fail(db, err, "dropping the collection sizes");
    } else {
        sqlite3_bind_int64(st, 1, tid);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = coll_fail(db, err, "dropping the collection sizes");
    }
    sqlite3_finalize(st);
    return rc;
}
