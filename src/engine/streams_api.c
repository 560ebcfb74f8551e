/* streams_api.c — DynamoDBStreams_20120810: ListStreams, DescribeStream, GetShardIterator,
 * GetRecords.
 *
 * Names as the service shows them (reference §14.2): a stream's one shard is
 * "shardId-<20 digits>-<8 hex>" (its creation time in milliseconds and a hash
 * of the stream ARN); sequence numbers are 21-digit strings, "1" then the
 * record's seq on 20 digits, so they compare as numbers and as strings.
 * Iterators are "<stream arn>|1|<64 hex digits>": the position (the last
 * seq already read), the engine time the iterator was made (milliseconds)
 * and an HMAC-SHA256 over the three with a random key of the process, so
 * an iterator cannot be forged or altered (a changed one is the garbage
 * iterator's ValidationException); they expire 15 minutes after, by the
 * engine clock.
 */
#include "engine/streams_internal.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ITERATOR_LIFE 900.0        /* seconds */
#define MAX_RECORDS 1000           /* GetRecords' Limit, and its default */
#define MAX_RECORD_BYTES (1 << 20) /* one GetRecords answer */
#define MAX_LIST 100               /* ListStreams / DescribeStream Limit */

static json_t *member(const json_t *obj, const char *name)
{
    json_t *v = json_object_get(obj, name);
    return json_is_null(v) ? NULL : v;
}

static const char *member_str(const json_t *obj, const char *name)
{
    return json_string_value(member(obj, name));
}

static void check_limit(struct verrs *v, const json_t *j, long long max)
{
    if (!j) return;
    long long n = json_integer_value(j);
    char val[32];
    snprintf(val, sizeof val, "'%lld'", n);
    if (n < 1) verr(v, val, "limit", "Member must have value greater than or equal to 1");
    if (n > max) verr(v, val, "limit", "Member must have value less than or equal to %lld", max);
}

static uint64_t fnv64(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++) {
        h ^= c[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

#define FNV_BASIS 0xcbf29ce484222325ull

/* ---- a stream's row -------------------------------------------------------- */

struct stream_row {
    char *arn, *table, *label, *view;
    json_t *key_schema;
    double created, disabled; /* disabled 0: enabled */
    int64_t start_seq, end_seq, trimmed;
};

static void row_release(struct stream_row *r)
{
    free(r->arn);
    free(r->table);
    free(r->label);
    free(r->view);
    json_decref(r->key_schema);
    memset(r, 0, sizeof *r);
}

static char *col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return pq_xstrdup(t ? (const char *)t : "");
}

/* The stream `arn` as retention leaves it at `now` (its trimmed mark
 * included); *found false when there is none, or it was disabled more
 * than 24 hours ago. */
static pq_status row_load(sqlite3 *db, const char *arn, double now, struct stream_row *r,
                          bool *found, struct pq_error *err)
{
    memset(r, 0, sizeof *r);
    *found = false;
    if (!sx_has_schema(db)) return PQ_OK;
    sqlite3_stmt *st;
    pq_status rc = sx_prepare(db,
                              "SELECT arn, table_name, label, view_type, key_schema, created,"
                              " start_seq, disabled, end_seq, trimmed FROM pq_streams"
                              " WHERE arn = ?",
                              &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, arn, -1, SQLITE_TRANSIENT);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        *found = true;
        r->arn = col_dup(st, 0);
        r->table = col_dup(st, 1);
        r->label = col_dup(st, 2);
        r->view = col_dup(st, 3);
        r->key_schema = json_loads((const char *)sqlite3_column_text(st, 4), 0, NULL);
        r->created = sqlite3_column_double(st, 5);
        r->start_seq = sqlite3_column_int64(st, 6);
        r->disabled = sqlite3_column_type(st, 7) == SQLITE_NULL ? 0 : sqlite3_column_double(st, 7);
        r->end_seq = sqlite3_column_type(st, 8) == SQLITE_NULL ? r->start_seq - 1
                                                               : sqlite3_column_int64(st, 8);
        r->trimmed = sqlite3_column_int64(st, 9);
    } else if (step != SQLITE_DONE) {
        rc = sx_fail(db, err, "reading a stream");
    }
    sqlite3_finalize(st);
    if (!rc && *found && r->disabled > 0 && r->disabled < now - STREAM_RETENTION) {
        *found = false;
        row_release(r);
    }
    if (!rc && *found) rc = sx_trimmed(db, r->arn, r->trimmed, now, &r->trimmed, err);
    if (rc) row_release(r);
    return rc;
}

static void shard_id(const struct stream_row *r, char out[48])
{
    uint32_t h = (uint32_t)fnv64(FNV_BASIS, r->arn, strlen(r->arn));
    snprintf(out, 48, "shardId-%020lld-%08" PRIx32, (long long)llround(r->created * 1000), h);
}

static void seq_text(int64_t seq, char out[24])
{
    snprintf(out, 24, "1%020lld", (long long)seq);
}

/* A sequence number this engine handed out; false for any other text. */
static bool seq_parse(const char *s, int64_t *seq)
{
    if (!s || strlen(s) != 21 || s[0] != '1') return false;
    int64_t n = 0;
    for (const char *p = s + 1; *p; p++) {
        if (*p < '0' || *p > '9' || n > (INT64_MAX - 9) / 10) return false;
        n = n * 10 + (*p - '0');
    }
    *seq = n;
    return true;
}

/* "arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL" */
static bool arn_ok(const char *arn)
{
    if (strncmp(arn, "arn:", 4) != 0) return false;
    const char *p = arn;
    for (int i = 0; i < 5; i++)
        if (!(p = strchr(p, ':')))
            return false;
        else
            p++;
    if (strncmp(strchr(arn + 4, ':') + 1, "dynamodb:", 9) != 0) return false;
    if (strncmp(p, "table/", 6) != 0) return false;
    const char *s = strstr(p + 6, "/stream/");
    return s && s > p + 6 && s[8] != '\0';
}

/* The stream named by member `arn`: ValidationException for a malformed ARN,
 * ResourceNotFoundException for an unknown one (texts UNCONFIRMED, DynamoDB
 * Local's wording). */
static pq_status find_stream(struct pq_engine *e, const char *arn, struct stream_row *r,
                             struct pq_error *err)
{
    bool found;
    if (!arn_ok(arn)) return pq_error_validation(err, "Invalid StreamArn");
    pq_status rc = row_load(store_db(e->store), arn, engine_now(e), r, &found, err);
    if (!rc && !found)
        rc = pq_error_service(err, "ResourceNotFoundException",
                              "Requested resource not found: Stream: %s not found", arn);
    return rc;
}

/* ---- iterators ------------------------------------------------------------- */

/* The iterators' key: random, one per process, so every engine of one
 * `pqsh serve` (its writer and readers, every database) accepts the
 * iterators the others made, and nobody outside can make one. A server
 * started again refuses the old ones, as it would after 15 minutes. */
static unsigned char iterator_key[32];
static bool iterator_key_ok;
static pthread_once_t iterator_key_once = PTHREAD_ONCE_INIT;

static void iterator_key_init(void)
{
    iterator_key_ok = RAND_bytes(iterator_key, sizeof iterator_key) == 1;
}

#define MAC_BYTES 16 /* HMAC-SHA256, cut to 128 bits */

/* The MAC of an iterator's ARN, position and time; false when no key. */
static bool iterator_mac(const char *arn, size_t arn_len, uint64_t after, uint64_t ms,
                         unsigned char mac[MAC_BYTES])
{
    pthread_once(&iterator_key_once, iterator_key_init);
    if (!iterator_key_ok) return false;
    unsigned char full[EVP_MAX_MD_SIZE], fields[16];
    for (int i = 0; i < 8; i++) {
        fields[i] = (unsigned char)(after >> (56 - 8 * i));
        fields[8 + i] = (unsigned char)(ms >> (56 - 8 * i));
    }
    struct pq_buf msg = PQ_BUF_INIT;
    pq_buf_init(&msg);
    pq_buf_add(&msg, arn, arn_len);
    pq_buf_add(&msg, (const char *)fields, sizeof fields);
    unsigned len = 0;
    bool ok = HMAC(EVP_sha256(), iterator_key, (int)sizeof iterator_key,
                   (const unsigned char *)msg.data, msg.len, full, &len) != NULL &&
              len >= MAC_BYTES;
    pq_buf_release(&msg);
    if (ok) memcpy(mac, full, MAC_BYTES);
    return ok;
}

/* "<arn>|1|<position: 16 hex><time in ms: 16 hex><MAC: 32 hex>"; NULL when
 * no key could be made (the caller answers an internal error). */
static json_t *iterator_make(const char *arn, int64_t after, double now)
{
    uint64_t ms = (uint64_t)llround(now * 1000);
    unsigned char mac[MAC_BYTES];
    if (!iterator_mac(arn, strlen(arn), (uint64_t)after, ms, mac)) return NULL;
    char hex[2 * MAC_BYTES + 1];
    for (int i = 0; i < MAC_BYTES; i++)
        snprintf(hex + 2 * i, 3, "%02x", mac[i]);
    return json_sprintf("%s|1|%016" PRIx64 "%016" PRIx64 "%s", arn, (uint64_t)after, ms, hex);
}

static bool hex_field(const char *p, int digits, uint64_t *out)
{
    uint64_t v = 0;
    for (int i = 0; i < digits; i++) {
        char c = p[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0) return false;
        v = v << 4 | (uint64_t)d;
    }
    *out = v;
    return true;
}

/* Splits an iterator into its stream ARN (into `arn`), position and time;
 * false for anything this process did not make (the MAC compared in
 * constant time). */
static bool iterator_parse(const char *it, struct pq_buf *arn, int64_t *after, double *made)
{
    const char *bar = strstr(it, "|1|");
    if (!bar || strlen(bar + 3) != 32 + 2 * MAC_BYTES) return false;
    uint64_t a, ms, byte;
    unsigned char given[MAC_BYTES], mac[MAC_BYTES];
    if (!hex_field(bar + 3, 16, &a) || !hex_field(bar + 19, 16, &ms)) return false;
    for (int i = 0; i < MAC_BYTES; i++) {
        if (!hex_field(bar + 35 + 2 * i, 2, &byte)) return false;
        given[i] = (unsigned char)byte;
    }
    if (!iterator_mac(it, (size_t)(bar - it), a, ms, mac) ||
        CRYPTO_memcmp(given, mac, MAC_BYTES) != 0 || a > INT64_MAX)
        return false;
    pq_buf_reset(arn);
    pq_buf_add(arn, it, (size_t)(bar - it));
    *after = (int64_t)a;
    *made = (double)ms / 1000;
    return true;
}

/* Java's Date.toString, which the service's messages use. */
static void java_date(double t, char out[40])
{
    time_t s = (time_t)t;
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(out, 40, "%a %b %d %H:%M:%S UTC %Y", &tm);
}

/* ---- ListStreams ------------------------------------------------------------ */

pq_status streams_list(struct pq_engine *e, json_t *req, json_t **resp, struct pq_error *err)
{
    static const struct str_rule table_rule = {false, 3, 255, true, NULL};
    static const struct str_rule start_rule = {false, 37, 1024, false, NULL};
    struct verrs v = {PQ_BUF_INIT, 0};
    pq_buf_init(&v.text);
    *resp = NULL;
    const char *table = member_str(req, "TableName");
    const char *start = member_str(req, "ExclusiveStartStreamArn");
    check_str(&v, "tableName", member(req, "TableName"), &table_rule);
    check_limit(&v, member(req, "Limit"), MAX_LIST);
    check_str(&v, "exclusiveStartStreamArn", member(req, "ExclusiveStartStreamArn"), &start_rule);
    pq_status rc = verrs_finish(&v, err);
    if (rc) return rc;
    json_int_t limit = member(req, "Limit") ? json_integer_value(member(req, "Limit")) : MAX_LIST;
    sqlite3 *db = store_db(e->store);
    json_t *list = json_array();
    bool more = false;
    if (sx_has_schema(db)) {
        sqlite3_stmt *st;
        /* In ARN order (the table's name, then the label's time); a stream
         * disabled more than 24 hours ago is gone. */
        if ((rc = sx_prepare(db,
                             "SELECT arn, table_name, label FROM pq_streams WHERE (?1 IS NULL OR"
                             " table_name = ?1) AND (?2 IS NULL OR arn > ?2) AND (disabled IS"
                             " NULL OR disabled >= ?3) ORDER BY arn",
                             &st, err)))
            goto out;
        sqlite3_bind_double(st, 3, engine_now(e) - STREAM_RETENTION);
        if (table) sqlite3_bind_text(st, 1, table, -1, SQLITE_TRANSIENT);
        if (start) sqlite3_bind_text(st, 2, start, -1, SQLITE_TRANSIENT);
        int step;
        while ((step = sqlite3_step(st)) == SQLITE_ROW) {
            if ((json_int_t)json_array_size(list) == limit) {
                more = true;
                break;
            }
            json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "StreamArn",
                                                  sqlite3_column_text(st, 0), "TableName",
                                                  sqlite3_column_text(st, 1), "StreamLabel",
                                                  sqlite3_column_text(st, 2)));
        }
        if (step != SQLITE_ROW && step != SQLITE_DONE) rc = sx_fail(db, err, "listing streams");
        sqlite3_finalize(st);
        if (rc) goto out;
    }
    /* A table that does not exist and has no stream left: UNCONFIRMED (the
     * service's type for an unknown table; DynamoDB's usual text). */
    if (table && !json_array_size(list) && !start) {
        const struct pq_table_meta *t;
        if ((rc = store_table_get(e->store, table, &t, err))) goto out;
        if (!t) {
            rc = pq_error_service(err, "ResourceNotFoundException",
                                  "Requested resource not found: Table: %s not found", table);
            goto out;
        }
    }
    *resp = json_pack("{s:O}", "Streams", list);
    if (more)
        json_object_set(
            *resp, "LastEvaluatedStreamArn",
            json_object_get(json_array_get(list, json_array_size(list) - 1), "StreamArn"));
out:
    json_decref(list);
    return rc;
}

/* ---- DescribeStream --------------------------------------------------------- */

static const struct str_rule ARN_RULE = {true, 37, 1024, false, NULL};
static const struct str_rule SHARD_RULE = {true, 28, 65, false, NULL};

pq_status streams_describe(struct pq_engine *e, json_t *req, json_t **resp, struct pq_error *err)
{
    static const struct str_rule start_rule = {false, 28, 65, false, NULL};
    struct verrs v = {PQ_BUF_INIT, 0};
    pq_buf_init(&v.text);
    *resp = NULL;
    check_str(&v, "streamArn", member(req, "StreamArn"), &ARN_RULE);
    check_limit(&v, member(req, "Limit"), MAX_LIST);
    check_str(&v, "exclusiveStartShardId", member(req, "ExclusiveStartShardId"), &start_rule);
    pq_status rc = verrs_finish(&v, err);
    if (rc) return rc;
    struct stream_row r;
    if ((rc = find_stream(e, member_str(req, "StreamArn"), &r, err))) return rc;
    char id[48], start[24], end[24];
    shard_id(&r, id);
    seq_text(r.start_seq, start);
    json_t *range = json_pack("{s:s}", "StartingSequenceNumber", start);
    if (r.disabled > 0) {
        /* A closed shard ends at its last record (at its start when it had none). */
        seq_text(r.end_seq >= r.start_seq ? r.end_seq : r.start_seq, end);
        json_object_set_new(range, "EndingSequenceNumber", json_string(end));
    }
    json_t *shards = json_array();
    const char *after = member_str(req, "ExclusiveStartShardId");
    /* One shard, which has no children (ShardFilter CHILD_SHARDS). */
    if (!member(req, "ShardFilter") && !(after && strcmp(after, id) >= 0))
        json_array_append_new(shards,
                              json_pack("{s:s, s:o}", "ShardId", id, "SequenceNumberRange", range));
    else
        json_decref(range);
    json_t *d = json_pack("{s:s, s:s, s:s, s:s, s:f, s:s, s:O, s:o}", "StreamArn", r.arn,
                          "StreamLabel", r.label, "StreamStatus",
                          r.disabled > 0 ? "DISABLED" : "ENABLED", "StreamViewType", r.view,
                          "CreationRequestDateTime", r.created, "TableName", r.table, "KeySchema",
                          r.key_schema ? r.key_schema : json_null(), "Shards", shards);
    *resp = json_pack("{s:o}", "StreamDescription", d);
    row_release(&r);
    return PQ_OK;
}

/* ---- GetShardIterator ------------------------------------------------------- */

static const char *const ITERATOR_TYPES[] = {"TRIM_HORIZON", "LATEST", "AT_SEQUENCE_NUMBER",
                                             "AFTER_SEQUENCE_NUMBER", NULL};

pq_status streams_get_shard_iterator(struct pq_engine *e, json_t *req, json_t **resp,
                                     struct pq_error *err)
{
    static const struct str_rule type_rule = {true, 0, 0, false, ITERATOR_TYPES};
    static const struct str_rule seq_rule = {false, 21, 40, false, NULL};
    struct verrs v = {PQ_BUF_INIT, 0};
    pq_buf_init(&v.text);
    *resp = NULL;
    check_str(&v, "streamArn", member(req, "StreamArn"), &ARN_RULE);
    check_str(&v, "shardId", member(req, "ShardId"), &SHARD_RULE);
    check_str(&v, "shardIteratorType", member(req, "ShardIteratorType"), &type_rule);
    check_str(&v, "sequenceNumber", member(req, "SequenceNumber"), &seq_rule);
    pq_status rc = verrs_finish(&v, err);
    if (rc) return rc;
    const char *type = member_str(req, "ShardIteratorType");
    const char *seqs = member_str(req, "SequenceNumber");
    bool at = strcmp(type, "AT_SEQUENCE_NUMBER") == 0;
    bool by_seq = at || strcmp(type, "AFTER_SEQUENCE_NUMBER") == 0;
    /* UNCONFIRMED wording (the types are as observed, reference §14.2). */
    if (by_seq && !seqs)
        return pq_error_validation(err, "Must specify a sequence number for iterator type %s",
                                   type);
    if (!by_seq && seqs)
        return pq_error_validation(err,
                                   "Sequence number must not be specified for iterator "
                                   "type %s",
                                   type);
    sqlite3 *db = store_db(e->store);
    double now = engine_now(e);
    struct stream_row r;
    if ((rc = find_stream(e, member_str(req, "StreamArn"), &r, err))) return rc;
    char id[48];
    shard_id(&r, id);
    int64_t after = 0, seq = 0;
    if (strcmp(member_str(req, "ShardId"), id) != 0) {
        rc = pq_error_service(err, "ResourceNotFoundException",
                              "Requested resource not found: Shard does not exist");
    } else if (by_seq && !seq_parse(seqs, &seq)) {
        rc = pq_error_validation(err, "Invalid SequenceNumber: %s", seqs);
    } else if (by_seq && seq <= r.trimmed) {
        rc = pq_error_service(err, "TrimmedDataAccessException",
                              "The data you are trying to access has been trimmed");
    } else if (by_seq && seq < r.start_seq) {
        /* UNCONFIRMED wording. */
        rc = pq_error_validation(err, "Invalid SequenceNumber %s for shard %s", seqs, id);
    } else if (by_seq) {
        after = at ? seq - 1 : seq;
    } else if (strcmp(type, "TRIM_HORIZON") == 0) {
        after = r.trimmed > r.start_seq - 1 ? r.trimmed : r.start_seq - 1;
    } else {
        /* LATEST: after everything recorded so far (a closed shard: at its end). */
        int64_t last = sx_last_seq(db);
        after = last > r.start_seq - 1 ? last : r.start_seq - 1;
    }
    json_t *it = rc ? NULL : iterator_make(r.arn, after, now);
    if (it)
        *resp = json_pack("{s:o}", "ShardIterator", it);
    else if (!rc)
        rc = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS, "no random key for iterators");
    row_release(&r);
    return rc;
}

/* ---- GetRecords ------------------------------------------------------------- */

/* The stored record `text` of `seq` with its eventID and SequenceNumber. */
static json_t *full_record(const char *arn, int64_t seq, const char *text)
{
    json_t *stored = json_loads(text, JSON_ALLOW_NUL, NULL);
    if (!stored) return NULL;
    uint64_t h1 = fnv64(FNV_BASIS, arn, strlen(arn));
    h1 = fnv64(h1, &seq, sizeof seq);
    uint64_t h2 = fnv64(h1 ^ 0x9e3779b97f4a7c15ull, &seq, sizeof seq);
    char id[40], seqs[24];
    snprintf(id, sizeof id, "%016" PRIx64 "%016" PRIx64, h1, h2);
    seq_text(seq, seqs);
    json_object_set_new(json_object_get(stored, "dynamodb"), "SequenceNumber", json_string(seqs));
    json_t *rec = json_pack("{s:s}", "eventID", id);
    json_object_update(rec, stored);
    json_decref(stored);
    return rec;
}

pq_status streams_get_records(struct pq_engine *e, json_t *req, json_t **resp, struct pq_error *err)
{
    static const struct str_rule it_rule = {true, 1, 2048, false, NULL};
    struct verrs v = {PQ_BUF_INIT, 0};
    pq_buf_init(&v.text);
    *resp = NULL;
    check_str(&v, "shardIterator", member(req, "ShardIterator"), &it_rule);
    check_limit(&v, member(req, "Limit"), MAX_RECORDS);
    pq_status rc = verrs_finish(&v, err);
    if (rc) return rc;
    json_int_t limit =
        member(req, "Limit") ? json_integer_value(member(req, "Limit")) : MAX_RECORDS;
    struct pq_buf arn = PQ_BUF_INIT;
    pq_buf_init(&arn);
    int64_t after;
    double made, now = engine_now(e);
    sqlite3 *db = store_db(e->store);
    struct stream_row r;
    bool found = false;
    memset(&r, 0, sizeof r);
    json_t *records = NULL;
    /* UNCONFIRMED wording. */
    if (!iterator_parse(member_str(req, "ShardIterator"), &arn, &after, &made)) {
        rc = pq_error_validation(err, "Invalid ShardIterator");
        goto out;
    }
    if ((rc = row_load(db, arn.data, now, &r, &found, err))) goto out;
    if (!found) {
        rc = pq_error_service(err, "ResourceNotFoundException",
                              "Requested resource not found: Stream: %s not found", arn.data);
        goto out;
    }
    if (now - made > ITERATOR_LIFE) {
        char then_s[40], now_s[40];
        java_date(made, then_s);
        java_date(now, now_s);
        /* UNCONFIRMED wording: Kinesis's, on which the service's streams run. */
        rc = pq_error_service(err, "ExpiredIteratorException",
                              "Iterator expired. The iterator was created at time %s while right "
                              "now it is %s which is further in the future than the tolerated "
                              "delay of 900000 milliseconds.",
                              then_s, now_s);
        goto out;
    }
    if (after < r.trimmed) {
        rc = pq_error_service(err, "TrimmedDataAccessException",
                              "The data you are trying to access has been trimmed");
        goto out;
    }
    sqlite3_stmt *st;
    if ((rc = sx_prepare(db,
                         "SELECT seq, record FROM pq_stream_records WHERE arn = ? AND seq > ?"
                         " ORDER BY seq LIMIT ?",
                         &st, err)))
        goto out;
    sqlite3_bind_text(st, 1, r.arn, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, after);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)limit + 1);
    records = json_array();
    size_t bytes = 0;
    bool more = false;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        size_t len = (size_t)sqlite3_column_bytes(st, 1);
        if ((json_int_t)json_array_size(records) == limit ||
            (json_array_size(records) && bytes + len > MAX_RECORD_BYTES)) {
            more = true;
            break;
        }
        int64_t seq = sqlite3_column_int64(st, 0);
        json_t *rec = full_record(r.arn, seq, (const char *)sqlite3_column_text(st, 1));
        if (!rec) {
            rc = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                              "a stored stream record of %s is damaged", r.arn);
            break;
        }
        json_array_append_new(records, rec);
        bytes += len;
        after = seq;
    }
    if (!rc && step != SQLITE_ROW && step != SQLITE_DONE) rc = sx_fail(db, err, "reading records");
    sqlite3_finalize(st);
    if (rc) goto out;
    /* A closed shard read to its end has no next iterator. */
    json_t *next = NULL;
    if ((more || r.disabled <= 0) && !(next = iterator_make(r.arn, after, now))) {
        rc = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS, "no random key for iterators");
        goto out;
    }
    *resp = json_pack("{s:O}", "Records", records);
    if (next) json_object_set_new(*resp, "NextShardIterator", next);
out:
    json_decref(records);
    row_release(&r);
    pq_buf_release(&arn);
    return rc;
}
