/* internal.h — what the embedded engine's files share: the table catalog and item store.
 *
 * Layout of the engine:
 *   api.c        op dispatch (pq_engine_call), request member checks, the backend
 *   ddl.c        CreateTable (+ validation, §3.4), DescribeTable, ListTables, DeleteTable
 *   ddl_update.c UpdateTable: GSI create/delete (with backfill), billing mode, throughput
 *   store.c      SQLite: a catalog, one item table per DynamoDB table, one entry
 *                table per secondary index, idempotency tokens
 *   index.c      secondary indexes: key schemas from the description, entries,
 *                projections, index-key type checks
 *   capacity.c   ConsumedCapacity accounting (read/write units, per index)
 *   collections.c item collection sizes (LSI tables): the 10 GB limit, metrics
 *   exec.c       ExecuteStatement: statement checks, Query-vs-Scan, paging, writes
 *   batch.c      BatchExecuteStatement
 *   txn.c        ExecuteTransaction (all-or-nothing, ClientRequestToken)
 *   item_ops.c   PutItem, GetItem, DeleteItem
 *   batch_items.c BatchWriteItem, BatchGetItem
 *   transact.c   TransactGetItems, TransactWriteItems (tokens shared with txn.c)
 *   eval.c       WHERE / condition evaluation and UPDATE application on items
 *   query.c      Query, and the checks and paging it shares with Scan (scan.c)
 *
 * Ownership: metadata returned by store_table_get is owned by the store's cache
 * and stays valid until the table is dropped or the store closed (or, between
 * API calls, until the next outermost store_begin finds that another
 * connection changed the database); items returned by cursors are new
 * references.
 */
#ifndef PQSH_ENGINE_INTERNAL_H
#define PQSH_ENGINE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <sqlite3.h>
#include "pqsh/buf.h"
#include "pqsh/engine.h"
#include "pqsh/error.h"

/* strcmp(a, b) == 0, inline: the engine compares a few short names per
 * request (an operation, member names), where a call to libc's strcmp
 * costs more than the bytes compared. */
static inline bool exec_str_eq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

/* NUL-terminated `name` equals k[0..klen): false when k holds a NUL (no
 * name has one; json_object_get would not find such a key either). */
static inline bool exec_name_eq(const char *name, const char *k, size_t klen)
{
    for (size_t i = 0; i < klen; i++)
        if (name[i] != k[i] || !name[i]) return false;
    return name[klen] == '\0';
}

struct pq_store;

/* One key attribute of a table or index. */
struct pq_key_attr {
    char *name;
    char type; /* 'S', 'N' or 'B' */
};

typedef enum pq_projection_kind {
    PQ_IXP_ALL,
    PQ_IXP_KEYS_ONLY,
    PQ_IXP_INCLUDE,
} pq_projection_kind;

/* A GSI key has at most this many HASH and this many RANGE attributes
 * (multi-attribute keys, Nov 2025); tables and LSIs have one of each. */
#define PQ_IX_MAX_KEYS 4

/* A local or global secondary index, read from the table's description. */
struct pq_index_meta {
    char *name;
    bool global;
    struct pq_key_attr hash;
    struct pq_key_attr range; /* range.name NULL when the index has no sort key */
    /* Every key attribute in KeySchema order (hashes[0] is `hash`, ranges[0]
     * is `range`: those two share the names owned here). With more than one
     * on a side (`multi`), that side's encoded key is the attributes'
     * encodings each escaped and terminated (index_key_of), so byte order is
     * the order of the attributes left to right. */
    struct pq_key_attr hashes[PQ_IX_MAX_KEYS], ranges[PQ_IX_MAX_KEYS];
    size_t nhash, nrange;
    bool multi;
    pq_projection_kind projection;
    char **include; /* INCLUDE: NonKeyAttributes */
    size_t ninclude;
};

struct pq_table_meta {
    char *name;
    int64_t id; /* SQLite item table is "items_<id>" */
    struct pq_key_attr hash;
    struct pq_key_attr range;      /* range.name NULL when the table has no sort key */
    json_t *description;           /* TableDescription as DescribeTable returns it (without
                                      ItemCount/TableSizeBytes, which the store computes) */
    struct pq_index_meta *indexes; /* LSIs then GSIs, as in the description */
    bool streaming;                /* streams_enabled(), read with the description */
    size_t nindexes;
};

struct pq_capacity;

/* Write answers the engine keeps for giving again (exec.c): one per
 * thread that may be writing at once is enough. */
#define ANSWERS_KEPT 4

struct pq_engine {
    struct pq_store *store;
    char *region;
    double fixed_time;
    double clock_offset;      /* seconds added to the real or fixed time (.clock, --clock) */
    char *endpoint;           /* DescribeEndpoints' Address; NULL → the region's */
    struct ttl_cursor *sweep; /* where the TTL sweep goes on (ttl.c) */
    size_t page_bytes;
    struct pq_capacity *cap; /* non-NULL while the running call accounts capacity */
    struct exec_stmt *spare; /* the last statement's, kept for the next (exec.c) */
    /* The last writes' {"Items": []} answers, a reference to each, or NULL
     * (exec.c's empty_answer). */
    json_t *answers[ANSWERS_KEPT];
};

/* The engine's one clock: seconds since the epoch (the real time, or the
 * fixed time of the options) plus the offset the clock was moved by. */
double engine_now(const struct pq_engine *e);

/* ---- checkpoint.c ----------------------------------------------------- */

/* The WAL checkpoints of a writer's connection, run by a thread of their own
 * (checkpoint.c says why and how). store_ckpt_start installs the writer's
 * wal hook; `writer` must outlive the result. store_ckpt_stop removes the
 * hook, waits for a running round and closes the thread's connection: call
 * it before closing `writer` (NULL ok). */
struct store_ckpt;
/* The log grows to about STORE_CKPT_REWIND_FRAMES pages before it is
 * started over, and never past STORE_CKPT_MAX_FRAMES but for one
 * transaction that writes more (tests check this). */
#define STORE_CKPT_REWIND_FRAMES 8192
#define STORE_CKPT_MAX_FRAMES (STORE_CKPT_REWIND_FRAMES + 2048)
struct store_ckpt *store_ckpt_start(sqlite3 *writer);
void store_ckpt_stop(struct store_ckpt *c);
struct store_ckpt_stats store_ckpt_stats(struct store_ckpt *c);

/* ---- store.c ---------------------------------------------------------- */

pq_status store_open(const char *path, struct pq_store **out, struct pq_error *err) PQ_MUST_USE;
void store_close(struct pq_store *s);
/* Makes `s` a reader of a WAL file another connection writes: the outermost
 * store_begin starts a deferred transaction on the current committed
 * snapshot (no write lock, no wait), and any write fails (query_only). */
pq_status store_set_reader(struct pq_store *s, struct pq_error *err) PQ_MUST_USE;
/* What the writer's checkpoints did (checkpoint.c): rounds of the
 * checkpoint thread, and checkpoints the writer ran itself (to start the
 * log over, or with no thread). Zeros for a store without a log. */
struct store_ckpt_stats {
    unsigned long rounds, inline_rounds;
};
struct store_ckpt_stats store_checkpoints(struct pq_store *s);
/* Drops every cached table and statement, as when another connection
 * changed the database: for a caller that replaced the database under the
 * store (fuzz_engine restores a snapshot between inputs). Only between
 * calls. */
void store_forget(struct pq_store *s);
sqlite3 *store_db(struct pq_store *s);
/* The engine's clock, for what the store writes with a time (stream
 * records); 0 until set. */
void store_set_clock(struct pq_store *s, double (*now)(const void *arg), const void *arg);
double store_now(const struct pq_store *s);
/* Writes made while on are the service's own (TTL deletions): their stream
 * records carry userIdentity. */
void store_set_service(struct pq_store *s, bool on);
bool store_service(const struct pq_store *s);
/* streams.c's per-store state, freed with the store (or by store_forget). */
struct streams_state;
struct streams_state **store_streams(struct pq_store *s);
/* collections.c's per-store state, freed with the store (or by store_forget). */
struct coll_state;
struct coll_state **store_collections(struct pq_store *s);
/* The bytes an item collection may hold (<= 0: DynamoDB's 10 GB); tests
 * lower it (pq_engine_options.collection_limit). */
void store_set_collection_limit(struct pq_store *s, int64_t bytes);
int64_t store_collection_limit(const struct pq_store *s);

/* A write transaction around one API call: nestable, the outermost level is
 * BEGIN IMMEDIATE, inner levels are SAVEPOINTs. */
pq_status store_begin(struct pq_store *s, struct pq_error *err) PQ_MUST_USE;
pq_status store_commit(struct pq_store *s, struct pq_error *err) PQ_MUST_USE;
void store_rollback(struct pq_store *s);

/* Looks a table up by exact name; *out NULL (and PQ_OK) when absent. */
pq_status store_table_get(struct pq_store *s, const char *name, const struct pq_table_meta **out,
                          struct pq_error *err) PQ_MUST_USE;
/* Creates the catalog entry and item table. Steals `description`. */
pq_status store_table_create(struct pq_store *s, const char *name, const struct pq_key_attr *hash,
                             const struct pq_key_attr *range, json_t *description,
                             struct pq_error *err) PQ_MUST_USE;
pq_status store_table_drop(struct pq_store *s, const char *name, struct pq_error *err) PQ_MUST_USE;
/* Names in ascending byte order after `start_after` (NULL: from the first),
 * at most `limit`; *names is a new JSON array; *more tells whether more follow. */
pq_status store_table_list(struct pq_store *s, const char *start_after, size_t limit,
                           json_t **names, bool *more, struct pq_error *err) PQ_MUST_USE;
/* Item count and total item bytes (DynamoDB accounting). */
pq_status store_table_stats(struct pq_store *s, const struct pq_table_meta *t, int64_t *count,
                            int64_t *bytes, struct pq_error *err) PQ_MUST_USE;
/* Entry count and projected bytes of index `ix` (one of t->indexes). */
pq_status store_index_stats(struct pq_store *s, const struct pq_table_meta *t,
                            const struct pq_index_meta *ix, int64_t *count, int64_t *bytes,
                            struct pq_error *err) PQ_MUST_USE;
/* Replaces the description of `t` (steals `description`) and re-reads its
 * index list; `t` stays valid, pointers into its old index list do not. */
pq_status store_table_update(struct pq_store *s, const struct pq_table_meta *t, json_t *description,
                             struct pq_error *err) PQ_MUST_USE;
/* Creates the entry table of index `name` (already in t's description) and
 * backfills it from the items; store_index_drop removes it. */
pq_status store_index_create(struct pq_store *s, const struct pq_table_meta *t, const char *name,
                             struct pq_error *err) PQ_MUST_USE;
pq_status store_index_drop(struct pq_store *s, const struct pq_table_meta *t, const char *name,
                           struct pq_error *err) PQ_MUST_USE;

/* Idempotency tokens: the request hash and stored response of `token` when
 * it was recorded after `not_before` (*hash a new string, *response a new
 * reference; both NULL when unknown). store_token_put records one and drops
 * tokens recorded at or before `expire_before`. */
pq_status store_token_get(struct pq_store *s, const char *token, double not_before, char **hash,
                          json_t **response, struct pq_error *err) PQ_MUST_USE;
pq_status store_token_put(struct pq_store *s, const char *token, const char *hash,
                          const json_t *response, double now, double expire_before,
                          struct pq_error *err) PQ_MUST_USE;

/* Key of an item: order-preserving encodings of the hash and range values.
 * `item` must hold the key attributes with the right types (checked by the
 * caller). */
struct pq_key {
    struct pq_buf hk;
    struct pq_buf rk;  /* empty when the table has no sort key */
    struct pq_buf bhk; /* index cursors: the base table key of the entry */
    struct pq_buf brk;
};
void store_key_init(struct pq_key *k);
void store_key_release(struct pq_key *k);
bool store_key_from_item(const struct pq_table_meta *t, const json_t *item, struct pq_key *k);

/* Reads one item by key; *item is a new reference or NULL when absent. */
pq_status store_item_get(struct pq_store *s, const struct pq_table_meta *t, const struct pq_key *k,
                         json_t **item, struct pq_error *err) PQ_MUST_USE;
/* Inserts or replaces the item under its key. `old` (borrowed) is the item
 * it replaces as the caller read it in this transaction, NULL when there is
 * none: the stream record's old image and the item collection's size come
 * from it, without a second read. */
pq_status store_item_put(struct pq_store *s, const struct pq_table_meta *t, const json_t *item,
                         const json_t *old, struct pq_error *err) PQ_MUST_USE;
/* What an INSERT makes of its item before writing it: its key (as
 * store_key_from_item makes it; `keyed` false when not made) and its JSON
 * text and size (pq_item_text's). */
struct store_made {
    struct pq_key key;
    bool keyed;
    struct pq_buf text;
    size_t size;
};
/* Inserts the item only if its key is free (PartiQL INSERT in one step);
 * *inserted false means an item with that key exists and nothing changed.
 * `made` (borrowed) holds the item's parts the caller has made already,
 * or is NULL: they are made here. */
pq_status store_item_insert(struct pq_store *s, const struct pq_table_meta *t, const json_t *item,
                            const struct store_made *made, bool *inserted,
                            struct pq_error *err) PQ_MUST_USE;
/* Deletes the item under `k`; `old` (borrowed) is that item as the caller
 * read it in this transaction (NULL: absent), as for store_item_put. */
pq_status store_item_delete(struct pq_store *s, const struct pq_table_meta *t,
                            const struct pq_key *k, const json_t *old,
                            struct pq_error *err) PQ_MUST_USE;

/* Ordered reads. A range over one partition (hk set) with optional sort-key
 * bounds, or the whole table (hk NULL) in key order. `after` resumes after a
 * key (exclusive) for paging. */
struct pq_range {
    const struct pq_index_meta *index; /* read this index of the table (NULL: the table) */
    const struct pq_buf *hk;           /* NULL → whole table */
    const struct pq_buf *rk_lo;        /* NULL → unbounded */
    bool lo_inclusive;
    const struct pq_buf *rk_hi; /* NULL → unbounded */
    bool hi_inclusive;
    const struct pq_buf *rk_prefix; /* begins_with on the sort key, or NULL */
    bool descending;
    const struct pq_key *after; /* resume strictly after this key, or NULL */
    uint32_t total_segments;    /* > 1: only partitions of `segment` (parallel Scan) */
    uint32_t segment;
};

struct pq_cursor;
pq_status store_cursor_open(struct pq_store *s, const struct pq_table_meta *t,
                            const struct pq_range *r, struct pq_cursor **out,
                            struct pq_error *err) PQ_MUST_USE;
/* Next item (new reference) with its stored size and key; *item NULL at the end. */
pq_status store_cursor_next(struct pq_cursor *c, json_t **item, size_t *size, struct pq_key *key,
                            struct pq_error *err) PQ_MUST_USE;
void store_cursor_close(struct pq_cursor *c);
/* The segment (0 .. total-1) of a parallel Scan that holds the partition
 * whose encoded key is `hk`: a fixed 64-bit hash of the key scaled to
 * `total`, so segments are disjoint and cover the key space. */
uint32_t store_segment_of(const void *hk, size_t len, uint32_t total);

/* ---- index.c ---------------------------------------------------------- */

/* The index's key attributes in KeySchema order, HASH ones first, into out;
 * returns how many. Borrowed from ix. */
size_t index_key_attrs(const struct pq_index_meta *ix,
                       const struct pq_key_attr *out[2 * PQ_IX_MAX_KEYS]);

/* The indexes of a TableDescription (LSIs, then GSIs); free with index_meta_free. */
void index_meta_parse(const json_t *desc, struct pq_index_meta **out, size_t *n);
void index_meta_free(struct pq_index_meta *v, size_t n);
const struct pq_index_meta *index_find(const struct pq_table_meta *t, const char *name);
/* Encodes the index key of `item`; false when the item is not in the index
 * (an index key attribute is missing or of another type). */
bool index_key_of(const struct pq_index_meta *ix, const json_t *item, struct pq_buf *ihk,
                  struct pq_buf *irk);
/* Appends one attribute value to a multi-attribute key side: its key
 * encoding with 0x00 escaped as 0x00 0xff, then 0x00 0x01. With `open` the
 * terminator is left out (a begins_with prefix). false for a non-key type. */
bool index_key_append(const json_t *v, bool open, struct pq_buf *out);
/* Whether `attr` is one of the index's key attributes. */
bool index_has_key(const struct pq_index_meta *ix, const char *attr);
/* Whether the index projects top-level attribute `attr` (keys always are). */
bool index_projects(const struct pq_table_meta *t, const struct pq_index_meta *ix,
                    const char *attr);
/* The item as the index holds it (new reference); its size. */
json_t *index_project(const struct pq_table_meta *t, const struct pq_index_meta *ix,
                      const json_t *item);
size_t index_entry_size(const struct pq_table_meta *t, const struct pq_index_meta *ix,
                        const json_t *item);
/* Index key attributes of a written item must have the index's types. */
pq_status index_check_item(const struct pq_table_meta *t, const json_t *item,
                           struct pq_error *err) PQ_MUST_USE;

/* ---- item_ops.c ------------------------------------------------------- */

/* Whether two items (attribute maps, borrowed) hold the same attributes with
 * equal values by DynamoDB's equality (pq_value_equal): numbers by value,
 * set members in any order. An item rewritten that way has not changed. */
bool item_equal(const json_t *a, const json_t *b);

/* ---- ddl.c ------------------------------------------------------------ */

pq_status ddl_create_table(struct pq_engine *e, json_t *req, json_t **resp,
                           struct pq_error *err) PQ_MUST_USE;
pq_status ddl_describe_table(struct pq_engine *e, json_t *req, json_t **resp,
                             struct pq_error *err) PQ_MUST_USE;
pq_status ddl_list_tables(struct pq_engine *e, json_t *req, json_t **resp,
                          struct pq_error *err) PQ_MUST_USE;
pq_status ddl_delete_table(struct pq_engine *e, json_t *req, json_t **resp,
                           struct pq_error *err) PQ_MUST_USE;
/* UpdateTable: GlobalSecondaryIndexUpdates (Create with backfill, Delete,
 * Update), BillingMode, ProvisionedThroughput, DeletionProtectionEnabled. */
pq_status ddl_update_table(struct pq_engine *e, json_t *req, json_t **resp,
                           struct pq_error *err) PQ_MUST_USE;

/* The request-model checks (reference §1.4) shared by the operations
 * outside ddl.c (ttl.c, tags.c): violations are collected, then reported
 * together as "N validation errors detected: …; …" by verrs_finish. */
struct verrs {
    struct pq_buf text;
    int n;
};
struct str_rule {
    bool required;
    size_t min, max; /* max 0: unbounded */
    bool name_pattern;
    const char *const *enums; /* NULL-terminated, in the order the message lists them */
};
/* Adds "Value <value> at '<path>' failed to satisfy constraint: <rule>";
 * `value` is already rendered ('x', null, '[…]'). */
void verr(struct verrs *v, const char *value, const char *path, const char *fmt, ...)
    PQ_PRINTF(4, 5);
/* A string member (`j` NULL when absent) against `r`, lengths in bytes. */
void check_str(struct verrs *v, const char *path, const json_t *j, const struct str_rule *r);
pq_status verrs_finish(struct verrs *v, struct pq_error *err) PQ_MUST_USE;
extern const struct str_rule R_TABLE_NAME;
/* The table a TableName member names: NAME itself, or the NAME of a table
 * ARN arn:PARTITION:dynamodb:REGION:ACCOUNT:table/NAME (a pointer into
 * `name`). */
const char *ddl_table_name(const char *name);
/* TableName of a table operation: a name, or a table ARN (*name points into `req`). */
pq_status ddl_table_name_arg(const json_t *req, const char **name,
                             struct pq_error *err) PQ_MUST_USE;
/* The table, or ResourceNotFoundException "Requested resource not found: Table: <name> not found".
 */
pq_status ddl_find_table(struct pq_engine *e, const char *name, const struct pq_table_meta **t,
                         struct pq_error *err) PQ_MUST_USE;

/* ---- ttl.c, tags.c ---------------------------------------------------- */

/* UpdateTimeToLive / DescribeTimeToLive; the setting lives in the table's
 * stored description under TTL_MEMBER, which DescribeTable leaves out. */
#define TTL_MEMBER "pqsh:TimeToLive"
pq_status ttl_update(struct pq_engine *e, json_t *req, json_t **resp,
                     struct pq_error *err) PQ_MUST_USE;
pq_status ttl_describe(struct pq_engine *e, json_t *req, json_t **resp,
                       struct pq_error *err) PQ_MUST_USE;
/* account.c: point-in-time recovery (a table setting) and the account-wide
 * lists and descriptions an engine has nothing in. */
pq_status account_describe_continuous_backups(struct pq_engine *e, json_t *req, json_t **resp,
                                              struct pq_error *err) PQ_MUST_USE;
pq_status account_update_continuous_backups(struct pq_engine *e, json_t *req, json_t **resp,
                                            struct pq_error *err) PQ_MUST_USE;
pq_status account_describe_kinesis(struct pq_engine *e, json_t *req, json_t **resp,
                                   struct pq_error *err) PQ_MUST_USE;
pq_status account_describe_contributor_insights(struct pq_engine *e, json_t *req, json_t **resp,
                                                struct pq_error *err) PQ_MUST_USE;
pq_status account_list_backups(struct pq_engine *e, json_t *req, json_t **resp,
                               struct pq_error *err) PQ_MUST_USE;
pq_status account_list_global_tables(struct pq_engine *e, json_t *req, json_t **resp,
                                     struct pq_error *err) PQ_MUST_USE;
pq_status account_list_exports(struct pq_engine *e, json_t *req, json_t **resp,
                               struct pq_error *err) PQ_MUST_USE;
pq_status account_list_imports(struct pq_engine *e, json_t *req, json_t **resp,
                               struct pq_error *err) PQ_MUST_USE;
pq_status account_list_contributor_insights(struct pq_engine *e, json_t *req, json_t **resp,
                                            struct pq_error *err) PQ_MUST_USE;
/* Where the sweep goes on between steps (NULL: at the start of a round). */
struct ttl_cursor;
void ttl_cursor_free(struct ttl_cursor *c);
/* TagResource / UntagResource / ListTagsOfResource; tags live in the stored
 * description under TAGS_MEMBER (hidden like TTL_MEMBER). */
#define TAGS_MEMBER "pqsh:Tags"
pq_status tags_tag(struct pq_engine *e, json_t *req, json_t **resp,
                   struct pq_error *err) PQ_MUST_USE;
pq_status tags_untag(struct pq_engine *e, json_t *req, json_t **resp,
                     struct pq_error *err) PQ_MUST_USE;
pq_status tags_list(struct pq_engine *e, json_t *req, json_t **resp,
                    struct pq_error *err) PQ_MUST_USE;
/* CreateTable's Tags (already model-checked): the semantic checks of
 * TagResource, then the stored list (new reference) or NULL when none. */
pq_status tags_for_create(const json_t *tags, json_t **stored, struct pq_error *err) PQ_MUST_USE;
/* DescribeLimits / DescribeEndpoints. */
pq_status tags_describe_limits(struct pq_engine *e, json_t *req, json_t **resp,
                               struct pq_error *err) PQ_MUST_USE;
pq_status tags_describe_endpoints(struct pq_engine *e, json_t *req, json_t **resp,
                                  struct pq_error *err) PQ_MUST_USE;

/* ---- exec.c ----------------------------------------------------------- */

pq_status exec_execute_statement(struct pq_engine *e, json_t *req, json_t **resp,
                                 struct pq_error *err) PQ_MUST_USE;
/* The same with the statement parsed by the caller (parsed[0] when n > 0,
 * else the text is parsed); see pq_engine_call_parsed. */
pq_status exec_execute_parsed(struct pq_engine *e, json_t *req, const struct pq_parsed *parsed,
                              size_t n, json_t **resp, struct pq_error *err) PQ_MUST_USE;

#endif
