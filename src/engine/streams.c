/* streams.c — DynamoDB Streams: enabling, recording changes, retention.
 *
 * Storage (created the first time a stream is enabled):
 *   pq_streams(arn, table_name, label, view_type, key_schema, created,
 *              start_seq, disabled, end_seq, trimmed)
 *   pq_stream_records(seq INTEGER PRIMARY KEY AUTOINCREMENT, arn, created, record)
 * `seq` orders every record of the database; AUTOINCREMENT never hands a
 * trimmed number out again, so sequence numbers only grow. `record` is the
 * record without eventID and SequenceNumber, which are derived from `seq`
 * when read (streams_api.c). `trimmed` is the highest seq of the stream that
 * retention removed: a position at or before it is TrimmedDataAccess.
 *
 * Each stream has one shard that never splits (a valid design for the
 * service's model: the reference §14.2); it closes when the stream is
 * disabled (explicitly, or by DeleteTable).
 */
#include "engine/streams_internal.h"
#include "pqsh/value.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TRIM_EVERY 256 /* the write path trims once every this many records */
#define TRIM_BATCH 128 /* records one trim removes at most: a write stays short */

struct streams_state {
    sqlite3_stmt *ins;
};

void streams_state_free(struct streams_state *st)
{
    if (!st) return;
    sqlite3_finalize(st->ins);
    free(st);
}

static const char SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS pq_streams("
    " arn TEXT PRIMARY KEY, table_name TEXT NOT NULL, label TEXT NOT NULL,"
    " view_type TEXT NOT NULL, key_schema TEXT NOT NULL, created REAL NOT NULL,"
    " start_seq INTEGER NOT NULL, disabled REAL, end_seq INTEGER,"
    " trimmed INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS pq_stream_records("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT, arn TEXT NOT NULL, created REAL NOT NULL,"
    " record TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS pq_stream_records_arn ON pq_stream_records(arn, seq);"
    "CREATE INDEX IF NOT EXISTS pq_stream_records_created ON pq_stream_records(created);";

pq_status sx_fail(sqlite3 *db, struct pq_error *err, const char *what)
{
    return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS, "sqlite: %s: %s", what,
                        sqlite3_errmsg(db));
}

pq_status sx_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, struct pq_error *err)
{
    if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK) {
        *st = NULL;
        return sx_fail(db, err, sql);
    }
    return PQ_OK;
}

bool sx_has_schema(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    bool found = false;
    if (sqlite3_prepare_v2(db,
                           "SELECT 1 FROM sqlite_master WHERE type = 'table' AND"
                           " name = 'pq_stream_records'",
                           -1, &st, NULL) == SQLITE_OK)
        found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

/* One integer from a query with up to one text and one integer parameter;
 * `dflt` when no row or NULL. */
pq_status sx_int(sqlite3 *db, const char *sql, const char *text, int64_t num, int64_t dflt,
                 int64_t *out, struct pq_error *err)
{
    sqlite3_stmt *st;
    pq_status rc = sx_prepare(db, sql, &st, err);
    if (rc) return rc;
    int n = sqlite3_bind_parameter_count(st), i = 1;
    if (text && i <= n) sqlite3_bind_text(st, i++, text, -1, SQLITE_TRANSIENT);
    if (i <= n) sqlite3_bind_int64(st, i, num);
    int step = sqlite3_step(st);
    *out = dflt;
    if (step == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        *out = sqlite3_column_int64(st, 0);
    else if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = sx_fail(db, err, sql);
    sqlite3_finalize(st);
    return rc;
}

int64_t sx_last_seq(sqlite3 *db)
{
    int64_t n = 0;
    struct pq_error e;
    pq_error_init(&e);
    if (sx_int(db, "SELECT seq FROM sqlite_sequence WHERE name = 'pq_stream_records'", NULL, 0, 0,
               &n, &e))
        n = 0;
    pq_error_release(&e);
    return n;
}

/* One bounded batch of retention: at most TRIM_BATCH of the oldest records
 * older than 24 hours, then the streams disabled more than 24 hours ago. */
pq_status sx_trim(sqlite3 *db, double now, struct pq_error *err)
{
    double cutoff = now - STREAM_RETENTION;
    sqlite3_stmt *pick = NULL, *bump = NULL, *del = NULL, *gone = NULL;
    pq_status rc;
    if ((rc = sx_prepare(db,
                         "SELECT seq, arn FROM pq_stream_records INDEXED BY"
                         " pq_stream_records_created WHERE created < ? ORDER BY created LIMIT ?",
                         &pick, err)))
        return rc;
    sqlite3_bind_double(pick, 1, cutoff);
    sqlite3_bind_int(pick, 2, TRIM_BATCH);
    int step;
    while (!rc && (step = sqlite3_step(pick)) == SQLITE_ROW) {
        /* The stream's trimmed mark first: a position at or before a
         * removed record is TrimmedDataAccess from then on. */
        if ((!bump &&
             (rc = sx_prepare(db, "UPDATE pq_streams SET trimmed = max(trimmed, ?1) WHERE arn = ?2",
                              &bump, err))) ||
            (!del &&
             (rc = sx_prepare(db, "DELETE FROM pq_stream_records WHERE seq = ?", &del, err))))
            break;
        sqlite3_bind_int64(bump, 1, sqlite3_column_int64(pick, 0));
        sqlite3_bind_text(bump, 2, (const char *)sqlite3_column_text(pick, 1), -1,
                          SQLITE_TRANSIENT);
        sqlite3_bind_int64(del, 1, sqlite3_column_int64(pick, 0));
        if (sqlite3_step(bump) != SQLITE_DONE || sqlite3_step(del) != SQLITE_DONE)
            rc = sx_fail(db, err, "trimming a stream");
        sqlite3_reset(bump);
        sqlite3_reset(del);
    }
    if (!rc && step != SQLITE_DONE && step != SQLITE_ROW) rc = sx_fail(db, err, "trimming streams");
    sqlite3_finalize(pick);
    sqlite3_finalize(bump);
    sqlite3_finalize(del);
    if (!rc && !(rc = sx_prepare(db,
                                 "DELETE FROM pq_streams WHERE disabled IS NOT NULL AND"
                                 " disabled < ?",
                                 &gone, err))) {
        sqlite3_bind_double(gone, 1, cutoff);
        if (sqlite3_step(gone) != SQLITE_DONE) rc = sx_fail(db, err, "dropping old streams");
        sqlite3_finalize(gone);
    }
    return rc;
}

pq_status sx_trimmed(sqlite3 *db, const char *arn, int64_t stored, double now, int64_t *out,
                     struct pq_error *err)
{
    sqlite3_stmt *st;
    /* Through the created index: only records retention has yet to remove
     * are read, a few in the steady state. */
    pq_status rc = sx_prepare(db,
                              "SELECT max(seq) FROM pq_stream_records INDEXED BY"
                              " pq_stream_records_created WHERE created < ?1 AND arn = ?2",
                              &st, err);
    if (rc) return rc;
    sqlite3_bind_double(st, 1, now - STREAM_RETENTION);
    sqlite3_bind_text(st, 2, arn, -1, SQLITE_TRANSIENT);
    int step = sqlite3_step(st);
    int64_t old = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0; /* NULL: 0 */
    if (step != SQLITE_ROW && step != SQLITE_DONE) rc = sx_fail(db, err, "reading a stream");
    sqlite3_finalize(st);
    *out = old > stored ? old : stored;
    return rc;
}

pq_status streams_trim(struct pq_store *s, double now, struct pq_error *err)
{
    sqlite3 *db = store_db(s);
    return sx_has_schema(db) ? sx_trim(db, now, err) : PQ_OK;
}

/* ---- the write path ------------------------------------------------------ */

bool streams_described(const json_t *description)
{
    const json_t *spec = json_object_get(description, "StreamSpecification");
    return json_is_true(json_object_get(spec, "StreamEnabled")) &&
           json_is_string(json_object_get(description, "LatestStreamArn"));
}

bool streams_enabled(const struct pq_table_meta *t)
{
    return t->streaming;
}

void sx_region_of(const char *arn, char *out, size_t n)
{
    /* arn:aws:dynamodb:REGION:ACCOUNT:… */
    const char *p = arn;
    for (int i = 0; i < 3 && p; i++)
        if ((p = strchr(p, ':'))) p++;
    const char *end = p ? strchr(p, ':') : NULL;
    size_t len = end ? (size_t)(end - p) : 0;
    if (len >= n) len = n - 1;
    memcpy(out, p ? p : "", len);
    out[len] = '\0';
}

pq_status streams_record(struct pq_store *s, const struct pq_table_meta *t, const json_t *old,
                         const json_t *now, struct pq_error *err)
{
    /* A write that changes nothing leaves no record: the service writes one
     * only when the item changed (reference §14.3; a PutItem of an identical
     * item is observed to give none — tests/api/streams_records.api pins it).
     * Unchanged by DynamoDB's equality: set members in another order are the
     * same set (tests/api/numbers_equal.api). */
    if (old && now && item_equal(old, now)) return PQ_OK;
    if (!old && !now) return PQ_OK;
    sqlite3 *db = store_db(s);
    struct streams_state **slot = store_streams(s);
    if (!*slot) *slot = pq_xcalloc(1, sizeof **slot);
    struct streams_state *st = *slot;
    pq_status rc;
    if (!st->ins &&
        (rc = sx_prepare(db, "INSERT INTO pq_stream_records(arn, created, record) VALUES (?, ?, ?)",
                         &st->ins, err)))
        return rc;

    const char *arn = json_string_value(json_object_get(t->description, "LatestStreamArn"));
    const char *view = json_string_value(
        json_object_get(json_object_get(t->description, "StreamSpecification"), "StreamViewType"));
    if (!view) view = "KEYS_ONLY";
    const json_t *any = now ? now : old;
    json_t *keys = json_object();
    json_object_set(keys, t->hash.name, json_object_get(any, t->hash.name));
    if (t->range.name) json_object_set(keys, t->range.name, json_object_get(any, t->range.name));
    double when = store_now(s);
    json_t *d = json_pack("{s:I, s:O}", "ApproximateCreationDateTime", (json_int_t)floor(when),
                          "Keys", keys);
    /* SizeBytes: the DynamoDB sizes of Keys and of the images the record
     * carries (UNCONFIRMED formula; the service's examples fit it). */
    size_t size = pq_item_size(keys);
    json_decref(keys);
    bool new_image = strcmp(view, "NEW_IMAGE") == 0 || strcmp(view, "NEW_AND_OLD_IMAGES") == 0;
    bool old_image = strcmp(view, "OLD_IMAGE") == 0 || strcmp(view, "NEW_AND_OLD_IMAGES") == 0;
    if (new_image && now) {
        json_object_set_new(d, "NewImage", json_deep_copy(now));
        size += pq_item_size(now);
    }
    if (old_image && old) {
        json_object_set_new(d, "OldImage", json_deep_copy(old));
        size += pq_item_size(old);
    }
    json_object_set_new(d, "SizeBytes", json_integer((json_int_t)size));
    json_object_set_new(d, "StreamViewType", json_string(view));
    char region[64];
    sx_region_of(arn, region, sizeof region);
    json_t *rec = json_pack("{s:s, s:s, s:s, s:s, s:o}", "eventName",
                            !old   ? "INSERT"
                            : !now ? "REMOVE"
                                   : "MODIFY",
                            "eventVersion", "1.1", "eventSource", "aws:dynamodb", "awsRegion",
                            region, "dynamodb", d);
    if (store_service(s))
        json_object_set_new(
            rec, "userIdentity",
            json_pack("{s:s, s:s}", "Type", "Service", "PrincipalId", "dynamodb.amazonaws.com"));
    char *text = json_dumps(rec, JSON_COMPACT);
    json_decref(rec);
    sqlite3_bind_text(st->ins, 1, arn, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(st->ins, 2, when);
    sqlite3_bind_text(st->ins, 3, text, -1, SQLITE_TRANSIENT);
    int step = sqlite3_step(st->ins);
    sqlite3_reset(st->ins);
    sqlite3_clear_bindings(st->ins);
    free(text);
    if (step != SQLITE_DONE) return sx_fail(db, err, "writing a stream record");
    if (sqlite3_last_insert_rowid(db) % TRIM_EVERY == 0) return sx_trim(db, when, err);
    return PQ_OK;
}

/* ---- enabling and disabling ---------------------------------------------- */

/* "2015-05-11T21:21:33.291": UTC, milliseconds, no zone. */
static void make_label(double t, char *out, size_t n)
{
    int64_t ms = (int64_t)llround(t * 1000);
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    size_t k = strftime(out, n, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + k, n - k, ".%03d", (int)(ms % 1000));
}

/* A new stream of the table described by `desc`, registered and named in `desc`. */
static pq_status enable(struct pq_engine *e, json_t *desc, const char *view, struct pq_error *err)
{
    sqlite3 *db = store_db(e->store);
    if (sqlite3_exec(db, SCHEMA, NULL, NULL, NULL) != SQLITE_OK)
        return sx_fail(db, err, "creating the stream tables");
    const char *table_arn = json_string_value(json_object_get(desc, "TableArn"));
    const char *table = json_string_value(json_object_get(desc, "TableName"));
    double now = engine_now(e);
    char label[40];
    struct pq_buf arn = PQ_BUF_INIT;
    pq_buf_init(&arn);
    pq_status rc = PQ_OK;
    /* A label is unique per table: with a fixed clock, the next millisecond. */
    for (double t = now;; t += 0.001) {
        int64_t taken;
        make_label(t, label, sizeof label);
        pq_buf_reset(&arn);
        pq_buf_addf(&arn, "%s/stream/%s", table_arn, label);
        if ((rc = sx_int(db, "SELECT 1 FROM pq_streams WHERE arn = ?", arn.data, 0, 0, &taken,
                         err)) ||
            !taken)
            break;
    }
    sqlite3_stmt *st = NULL;
    char *ks = json_dumps(json_object_get(desc, "KeySchema"), JSON_COMPACT);
    if (!rc && !(rc = sx_prepare(db,
                                 "INSERT INTO pq_streams(arn, table_name, label, view_type,"
                                 " key_schema, created, start_seq) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                 &st, err))) {
        sqlite3_bind_text(st, 1, arn.data, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, table, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, label, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 4, view, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 5, ks, -1, SQLITE_TRANSIENT);
        sqlite3_bind_double(st, 6, now);
        sqlite3_bind_int64(st, 7, sx_last_seq(db) + 1);
        if (sqlite3_step(st) != SQLITE_DONE) rc = sx_fail(db, err, "registering a stream");
        sqlite3_finalize(st);
    }
    free(ks);
    if (!rc) {
        json_object_set_new(desc, "StreamSpecification",
                            json_pack("{s:b, s:s}", "StreamEnabled", 1, "StreamViewType", view));
        json_object_set_new(desc, "LatestStreamLabel", json_string(label));
        json_object_set_new(desc, "LatestStreamArn", json_string(arn.data));
    }
    pq_buf_release(&arn);
    return rc;
}

/* Closes the stream `arn`: its shard ends at its last record. */
static pq_status disable(struct pq_engine *e, const char *arn, struct pq_error *err)
{
    sqlite3 *db = store_db(e->store);
    sqlite3_stmt *st;
    pq_status rc = sx_prepare(db,
                              "UPDATE pq_streams SET disabled = ?1, end_seq = (SELECT max(seq)"
                              " FROM pq_stream_records WHERE arn = ?2) WHERE arn = ?2",
                              &st, err);
    if (rc) return rc;
    sqlite3_bind_double(st, 1, engine_now(e));
    sqlite3_bind_text(st, 2, arn, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE) rc = sx_fail(db, err, "disabling a stream");
    sqlite3_finalize(st);
    return rc;
}

pq_status streams_on_create(struct pq_engine *e, json_t *desc, const json_t *spec,
                            struct pq_error *err)
{
    if (!json_is_true(json_object_get(spec, "StreamEnabled"))) return PQ_OK;
    return enable(e, desc, json_string_value(json_object_get(spec, "StreamViewType")), err);
}

pq_status streams_on_update(struct pq_engine *e, const struct pq_table_meta *t, json_t *desc,
                            const json_t *spec, struct pq_error *err)
{
    if (!spec || json_is_null(spec)) return PQ_OK;
    const json_t *view = json_object_get(spec, "StreamViewType");
    if (json_is_null(view)) view = NULL;
    if (json_is_true(json_object_get(spec, "StreamEnabled"))) {
        /* The observed cloud answer (reference §14.1), whatever the view type. */
        if (streams_enabled(t))
            return pq_error_validation(err, "Table already has an enabled stream: TableName: %s",
                                       t->name);
        /* UNCONFIRMED wording, after CreateTable's. */
        if (!view)
            return pq_error_validation(err, "One or more parameter values were invalid: Table is "
                                            "being updated with a stream enabled, StreamViewType "
                                            "must be specified");
        return enable(e, desc, json_string_value(view), err);
    }
    /* UNCONFIRMED wording (DynamoDB Local's, reference §14.1). */
    if (!streams_enabled(t))
        return pq_error_validation(err, "Table has no stream to disable: TableName: %s", t->name);
    pq_status rc =
        disable(e, json_string_value(json_object_get(t->description, "LatestStreamArn")), err);
    /* LatestStreamArn and LatestStreamLabel stay: they name the latest
     * stream, now disabled (UNCONFIRMED; moto does the same). */
    if (!rc)
        json_object_set_new(desc, "StreamSpecification", json_pack("{s:b}", "StreamEnabled", 0));
    return rc;
}

pq_status streams_on_delete(struct pq_engine *e, const struct pq_table_meta *t,
                            struct pq_error *err)
{
    if (!streams_enabled(t)) return PQ_OK;
    return disable(e, json_string_value(json_object_get(t->description, "LatestStreamArn")), err);
}
