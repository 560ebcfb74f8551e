/* store.c — the engine's SQLite storage: a catalog, item tables, index entry tables, tokens.
 *
 * Layout on disk (user_version 3):
 *   pq_catalog(name, id, hash_name, hash_type, range_name, range_type, description)
 *   items_<id>(hk BLOB, rk BLOB, item TEXT, size INTEGER, PRIMARY KEY(hk, rk)) WITHOUT ROWID
 *   "ix_<id>_<index>"(ihk, irk, hk, rk, size, PRIMARY KEY(ihk, irk, hk, rk)) WITHOUT ROWID
 *       with an SQLite index on (hk, rk): one row per item in a secondary index
 *   pq_tokens(token, hash, response, created): ExecuteTransaction idempotency
 *   pq_collections(tid, hk, size): item collection sizes (collections.c)
 * hk/rk are pq_value_encode_key encodings, so SQLite's BLOB (memcmp) order is
 * DynamoDB's key order; rk is the empty blob for tables without a sort key.
 * `item` is compact DynamoDB JSON, `size` its DynamoDB item size (for index
 * entries: the size of the projected entry). Index entries are kept by the
 * item writes below, in the same SQLite transaction as the item.
 *
 * Every table met is cached with its prepared statements. The cache follows
 * the savepoint stack: a table created inside a savepoint that is rolled back
 * leaves the cache with it. Another connection (a second pqsh on the same
 * file) is noticed through the pager's data version at the start of each
 * outermost transaction, which empties the cache.
 */
#include "engine/internal.h"
#include "engine/collections.h"
#include "engine/streams.h"
#include "pqsh/value.h"

#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STORE_FORMAT 3
#define BUSY_TIMEOUT_MS 5000

/* A cursor statement, cached per table and per shape of range. */
struct cur_stmt {
    unsigned shape;
    sqlite3_stmt *stmt;
    bool in_use;
    struct cur_stmt *next;
};

/* Statements that keep one index's entries. */
struct ix_stmts {
    sqlite3_stmt *del, *ins, *stats;
};

struct table_entry {
    struct pq_table_meta meta;
    int depth; /* savepoint depth that created (or changed) it; 0 once committed or loaded */
    sqlite3_stmt *get, *put, *ins, *del, *stats;
    struct ix_stmts *ix; /* meta.nindexes of them */
    struct cur_stmt *cursors;
    struct table_entry *next;
};

struct pq_store {
    sqlite3 *db;
    int depth;             /* open savepoints */
    unsigned data_version; /* SQLITE_FCNTL_DATA_VERSION after our last look */
    sqlite3_stmt *tx_begin, *tx_commit, *tx_rollback; /* outermost level */
    sqlite3_stmt *begin, *release, *rollback_to;      /* nested levels */
    sqlite3_stmt *snapshot; /* a reader's first read (store_set_reader), or NULL */
    sqlite3_stmt *cat_get, *cat_list;
    sqlite3_stmt *tok_get, *tok_put, *tok_purge;
    struct table_entry *tables;
    struct pq_buf text;   /* scratch: the JSON text of the item being written */
    char *path;           /* the database file, for messages (NULL for :memory:) */
    const char *readonly; /* why the file is open read-only (static), or NULL */

    double (*clock)(const void *arg); /* the engine's clock (store_set_clock) */
    const void *clock_arg;
    bool service;                  /* writes are the service's own (store_set_service) */
    struct streams_state *streams; /* streams.c's statements */
    struct coll_state *coll;       /* collections.c's statements */
    int64_t coll_limit;            /* bytes an item collection may hold */
    struct store_ckpt *ckpt;       /* the writer's checkpoints (checkpoint.c), or NULL */
};

struct pq_cursor {
    struct pq_store *store;
    sqlite3_stmt *stmt;
    struct cur_stmt *cached; /* NULL when the cursor owns `stmt` */
    bool done;
};

static pq_status db_fail(struct pq_store *s, struct pq_error *err, const char *what)
{
    int code = sqlite3_errcode(s->db) & 0xff;
    if (s->path && code == SQLITE_READONLY)
        return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                            "the database %s is read-only (%s): it can be read, but nothing was "
                            "written",
                            s->path, s->readonly ? s->readonly : sqlite3_errmsg(s->db));
    if (s->path && code == SQLITE_NOTADB)
        return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                            "%s is not a database (SQLite: %s)", s->path, sqlite3_errmsg(s->db));
    return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS, "sqlite: %s: %s", what,
                        sqlite3_errmsg(s->db));
}

static pq_status prepare(struct pq_store *s, const char *sql, sqlite3_stmt **out,
                         struct pq_error *err)
{
    if (*out) return PQ_OK;
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL) != SQLITE_OK) {
        *out = NULL;
        return db_fail(s, err, sql);
    }
    return PQ_OK;
}

static pq_status exec_sql(struct pq_store *s, const char *sql, struct pq_error *err)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK) return db_fail(s, err, sql);
    return PQ_OK;
}

/* Runs a statement that returns no rows, then resets it. */
static pq_status step_done(struct pq_store *s, sqlite3_stmt *st, struct pq_error *err)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return db_fail(s, err, sqlite3_sql(st));
    return PQ_OK;
}

/* A zero-length buffer must become a zero-length blob, never NULL. */
static void bind_buf(sqlite3_stmt *st, int i, const struct pq_buf *b)
{
    if (b->len == 0)
        sqlite3_bind_zeroblob(st, i, 0);
    else
        sqlite3_bind_blob(st, i, b->data, (int)b->len, SQLITE_TRANSIENT);
}

/* bind_buf for a buffer that stays unchanged until the statement is reset
 * and its bindings cleared: no copy. */
static void bind_static(sqlite3_stmt *st, int i, const struct pq_buf *b)
{
    if (b->len == 0)
        sqlite3_bind_zeroblob(st, i, 0);
    else
        sqlite3_bind_blob(st, i, b->data, (int)b->len, SQLITE_STATIC);
}

static void column_buf(sqlite3_stmt *st, int i, struct pq_buf *b)
{
    pq_buf_reset(b);
    const void *p = sqlite3_column_blob(st, i);
    int n = sqlite3_column_bytes(st, i);
    if (p && n > 0) pq_buf_add(b, p, (size_t)n);
}

/* ---- open / close --------------------------------------------------- */

static pq_status init_schema(struct pq_store *s, struct pq_error *err)
{
    sqlite3_stmt *st = NULL;
    pq_status rc = PQ_OK;
    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        rc = db_fail(s, err, "reading the format version");
        goto out;
    }
    int version = sqlite3_column_int(st, 0);
    if (version > STORE_FORMAT) {
        rc = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                          "database format %d is newer than this pqsh understands (%d)", version,
                          STORE_FORMAT);
        goto out;
    }
    /* A read-only format-2 file is read as it is: only writes need format 3. */
    if (version < STORE_FORMAT && !(s->readonly && version == 2)) {
        /* Format 2 adds the token table, format 3 the collection sizes;
         * older files are upgraded in place. */
        rc = exec_sql(s,
                      "BEGIN IMMEDIATE;"
                      "CREATE TABLE IF NOT EXISTS pq_catalog("
                      " name TEXT PRIMARY KEY, id INTEGER NOT NULL UNIQUE,"
                      " hash_name TEXT NOT NULL, hash_type TEXT NOT NULL,"
                      " range_name TEXT, range_type TEXT, description TEXT NOT NULL);"
                      "CREATE TABLE IF NOT EXISTS pq_tokens("
                      " token TEXT PRIMARY KEY, hash TEXT NOT NULL, response TEXT NOT NULL,"
                      " created REAL NOT NULL);"
                      "PRAGMA user_version = 3;",
                      err);
        if (rc == PQ_OK) rc = coll_upgrade(s->db, err);
        if (rc == PQ_OK) rc = exec_sql(s, "COMMIT", err);
        if (rc) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    }
out:
    sqlite3_finalize(st);
    return rc;
}

static void sql_segment(sqlite3_context *cx, int argc, sqlite3_value **argv);

/* The folder of `path` (a new string). */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return pq_xstrdup(".");
    return slash == path ? pq_xstrdup("/") : pq_xstrndup(path, (size_t)(slash - path));
}

/* Looks at the file before SQLite does, to name the real cause of a problem:
 * sets s->readonly (and *immutable) when the file can only be read, fails when
 * it cannot be opened at all. */
static pq_status check_file(struct pq_store *s, const char *path, bool *immutable,
                            struct pq_error *err)
{
    struct stat st;
    char *dir = dir_of(path);
    pq_status rc = PQ_OK;
    bool dir_writable = access(dir, W_OK) == 0;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT && access(dir, F_OK) != 0)
            rc = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                              "cannot create the database %s: the directory %s does not exist",
                              path, dir);
        else if (errno == ENOENT && !dir_writable)
            rc = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                              "cannot create the database %s: the directory %s is read-only", path,
                              dir);
        else if (errno != ENOENT)
            rc = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS, "cannot open %s: %s", path,
                              strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
        rc = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                          "%s is a directory, not a database file", path);
    } else if (access(path, R_OK) != 0) {
        rc = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS, "cannot read the database %s: %s",
                          path, strerror(errno));
    } else if (access(path, W_OK) != 0) {
        s->readonly = "the file is read-only";
        *immutable = !dir_writable;
    } else if (!dir_writable) {
        /* SQLite writes beside the file (the -wal and -shm files). */
        s->readonly = "its directory is read-only and cannot hold SQLite's -wal and -shm files";
        *immutable = true;
    }
    free(dir);
    return rc;
}

/* file: URI of `path` with the query `q` (a new string). */
static char *file_uri(const char *path, const char *q)
{
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    pq_buf_adds(&b, "file:");
    for (const char *p = path; *p; p++)
        if (*p == '%' || *p == '?' || *p == '#')
            pq_buf_addf(&b, "%%%02X", (unsigned char)*p);
        else
            pq_buf_addc(&b, *p);
    pq_buf_adds(&b, q);
    return pq_buf_detach(&b, NULL);
}

pq_status store_open(const char *path, struct pq_store **out, struct pq_error *err)
{
    struct pq_store *s = pq_xcalloc(1, sizeof *s);
    pq_buf_init(&s->text);
    s->coll_limit = COLL_DEFAULT_LIMIT;
    pq_status rc = PQ_OK;
    bool memory = strcmp(path, ":memory:") == 0 || path[0] == '\0';
    bool immutable = false;
    char *uri = NULL;
    *out = NULL;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    bool uri_given = strncmp(path, "file:", 5) == 0;
    if (!memory && !uri_given) {
        s->path = pq_xstrdup(path);
        if ((rc = check_file(s, path, &immutable, err))) goto fail;
    }
    if (s->readonly) {
        /* Still readable: SELECT works, writes get db_fail's read-only message.
         * Where SQLite cannot write its -shm file either, the file is read as
         * immutable (nobody can change it through this folder). */
        flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
        uri = file_uri(path, immutable ? "?immutable=1" : "?mode=ro");
    } else if (!memory && !uri_given) {
        /* A new database is created 0600 (SQLite would make it 0644): its
         * tables are nobody else's business. SQLite gives the -wal and -shm
         * files the database's mode. An empty file is a valid empty database. */
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0) close(fd);
    }
    int orc = sqlite3_open_v2(uri ? uri : path, &s->db, flags, NULL);
    free(uri);
    if (orc != SQLITE_OK) {
        rc = s->db ? db_fail(s, err, path)
                   : pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS, "sqlite: cannot open %s",
                                  path);
        goto fail;
    }
    sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(s->db, 1);
    /* WAL keeps readers and the writer apart; NORMAL syncs only at checkpoints,
     * which is durable against application crashes and fast for many small
     * transactions (one per API call). */
    if (!memory && !s->readonly && (rc = exec_sql(s, "PRAGMA journal_mode=WAL", err))) goto fail;
    /* The page cache is SQLite's default 2 MB per connection. A larger one
     * (16 MB until 2026-12) did not speed up point reads of a 1,000,000-item
     * table (the OS caches the file), but every connection grew to it, and
     * serve keeps a writer and a pool of readers per database: a bulk load
     * paid ~4,000 first-touch page faults for it (bench/README.md). */
    if ((rc = exec_sql(s,
                       "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF;"
                       "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-2000",
                       err)))
        goto fail;
    if ((rc = init_schema(s, err))) goto fail;
    /* A file's writer checkpoints on a thread of its own (checkpoint.c). */
    if (!memory && !s->readonly) s->ckpt = store_ckpt_start(s->db);
    if (sqlite3_create_function(s->db, "pq_segment", 2,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                sql_segment, NULL, NULL) != SQLITE_OK) {
        rc = db_fail(s, err, "registering pq_segment");
        goto fail;
    }
    if ((rc = prepare(s, "BEGIN IMMEDIATE", &s->tx_begin, err)) ||
        (rc = prepare(s, "COMMIT", &s->tx_commit, err)) ||
        (rc = prepare(s, "ROLLBACK", &s->tx_rollback, err)) ||
        (rc = prepare(s, "SAVEPOINT pq", &s->begin, err)) ||
        (rc = prepare(s, "RELEASE pq", &s->release, err)) ||
        (rc = prepare(s, "ROLLBACK TO pq", &s->rollback_to, err)) ||
        (rc = prepare(s,
                      "SELECT id, hash_name, hash_type, range_name, range_type, description"
                      " FROM pq_catalog WHERE name = ?",
                      &s->cat_get, err)) ||
        (rc = prepare(s, "SELECT name FROM pq_catalog WHERE name > ? ORDER BY name LIMIT ?",
                      &s->cat_list, err)) ||
        (rc = prepare(s, "SELECT hash, response FROM pq_tokens WHERE token = ? AND created > ?",
                      &s->tok_get, err)) ||
        (rc = prepare(s,
                      "INSERT OR REPLACE INTO pq_tokens(token, hash, response, created)"
                      " VALUES (?, ?, ?, ?)",
                      &s->tok_put, err)) ||
        (rc = prepare(s, "DELETE FROM pq_tokens WHERE created <= ?", &s->tok_purge, err)))
        goto fail;
    *out = s;
    return PQ_OK;
fail:
    store_close(s);
    return rc;
}

pq_status store_set_reader(struct pq_store *s, struct pq_error *err)
{
    pq_status rc;
    store_ckpt_stop(s->ckpt); /* a reader never commits a frame */
    s->ckpt = NULL;
    sqlite3_finalize(s->tx_begin);
    s->tx_begin = NULL;
    if ((rc = prepare(s, "BEGIN", &s->tx_begin, err)) ||
        (rc = prepare(s, "SELECT 1 FROM pq_catalog LIMIT 1", &s->snapshot, err)))
        return rc;
    return exec_sql(s, "PRAGMA query_only=1", err);
}

/* Statements that depend on the table's index list. */
static void entry_forget_indexes(struct table_entry *t)
{
    for (size_t i = 0; t->ix && i < t->meta.nindexes; i++) {
        sqlite3_finalize(t->ix[i].del);
        sqlite3_finalize(t->ix[i].ins);
        sqlite3_finalize(t->ix[i].stats);
    }
    free(t->ix);
    t->ix = NULL;
    for (struct cur_stmt *c = t->cursors, *next; c; c = next) {
        next = c->next;
        sqlite3_finalize(c->stmt);
        free(c);
    }
    t->cursors = NULL;
    index_meta_free(t->meta.indexes, t->meta.nindexes);
    t->meta.indexes = NULL;
    t->meta.nindexes = 0;
}

/* What the entry keeps read from its description: its indexes, and whether
 * its stream is on. */
static void entry_read_indexes(struct table_entry *t)
{
    t->meta.streaming = streams_described(t->meta.description);
    index_meta_parse(t->meta.description, &t->meta.indexes, &t->meta.nindexes);
    t->ix = pq_xcalloc(t->meta.nindexes ? t->meta.nindexes : 1, sizeof *t->ix);
}

static void entry_free(struct table_entry *t)
{
    sqlite3_finalize(t->get);
    sqlite3_finalize(t->put);
    sqlite3_finalize(t->ins);
    sqlite3_finalize(t->del);
    sqlite3_finalize(t->stats);
    entry_forget_indexes(t);
    free(t->meta.name);
    free(t->meta.hash.name);
    free(t->meta.range.name);
    json_decref(t->meta.description);
    free(t);
}

/* Drops cache entries for which `drop(entry, depth)` is true. */
static void cache_prune(struct pq_store *s, bool (*drop)(const struct table_entry *, int),
                        int depth)
{
    struct table_entry **p = &s->tables;
    while (*p) {
        struct table_entry *t = *p;
        if (drop(t, depth)) {
            *p = t->next;
            entry_free(t);
        } else {
            p = &t->next;
        }
    }
}

static bool drop_all(const struct table_entry *t, int depth)
{
    return true;
}

static bool drop_newer(const struct table_entry *t, int depth)
{
    return t->depth > depth;
}

void store_close(struct pq_store *s)
{
    if (!s) return;
    cache_prune(s, drop_all, 0);
    sqlite3_finalize(s->tx_begin);
    sqlite3_finalize(s->tx_commit);
    sqlite3_finalize(s->tx_rollback);
    sqlite3_finalize(s->begin);
    sqlite3_finalize(s->release);
    sqlite3_finalize(s->rollback_to);
    sqlite3_finalize(s->snapshot);
    sqlite3_finalize(s->cat_get);
    sqlite3_finalize(s->cat_list);
    sqlite3_finalize(s->tok_get);
    sqlite3_finalize(s->tok_put);
    sqlite3_finalize(s->tok_purge);
    streams_state_free(s->streams);
    coll_state_free(s->coll);
    pq_buf_release(&s->text);
    free(s->path);
    if (s->db) {
        if (s->depth > 0) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        /* Before the writer closes: the last connection to close
         * checkpoints the rest and removes the log. */
        store_ckpt_stop(s->ckpt);
        sqlite3_close_v2(s->db);
    }
    free(s);
}

struct store_ckpt_stats store_checkpoints(struct pq_store *s)
{
    return store_ckpt_stats(s->ckpt);
}

void store_forget(struct pq_store *s)
{
    cache_prune(s, drop_all, 0);
    streams_state_free(s->streams);
    s->streams = NULL;
    coll_state_free(s->coll);
    s->coll = NULL;
}

void store_set_clock(struct pq_store *s, double (*now)(const void *arg), const void *arg)
{
    s->clock = now;
    s->clock_arg = arg;
}

double store_now(const struct pq_store *s)
{
    return s->clock ? s->clock(s->clock_arg) : 0;
}

void store_set_service(struct pq_store *s, bool on)
{
    s->service = on;
}

bool store_service(const struct pq_store *s)
{
    return s->service;
}

struct streams_state **store_streams(struct pq_store *s)
{
    return &s->streams;
}

struct coll_state **store_collections(struct pq_store *s)
{
    return &s->coll;
}

void store_set_collection_limit(struct pq_store *s, int64_t bytes)
{
    s->coll_limit = bytes > 0 ? bytes : COLL_DEFAULT_LIMIT;
}

int64_t store_collection_limit(const struct pq_store *s)
{
    return s->coll_limit;
}

sqlite3 *store_db(struct pq_store *s)
{
    return s->db;
}

/* ---- transactions --------------------------------------------------- */

/* The pager's data version: it changes with every commit, ours or another
 * connection's; another's is seen when a transaction starts. */
static unsigned data_version(struct pq_store *s)
{
    unsigned v = 0;
    sqlite3_file_control(s->db, NULL, SQLITE_FCNTL_DATA_VERSION, &v);
    return v;
}

/* Empties the cache when another connection changed the database since our
 * last look (only between API calls, when nobody holds a table_meta): the
 * version read when the outermost transaction starts differs from the one
 * read after our last commit. (PRAGMA data_version gives the same answer,
 * as a statement to run: a step and a reset on every call.) */
static void check_other_writers(struct pq_store *s)
{
    unsigned v = data_version(s);
    if (v != s->data_version) {
        cache_prune(s, drop_all, 0);
        s->data_version = v;
    }
}

/* The outermost level is BEGIN IMMEDIATE: it takes the write lock at once
 * (waiting through the busy timeout), so a call never fails half-way because
 * another pqsh wrote to the same file since the call's first read, which a
 * deferred transaction in WAL mode cannot recover from. Inner levels are
 * savepoints. */
pq_status store_begin(struct pq_store *s, struct pq_error *err)
{
    pq_status rc;
    if ((rc = step_done(s, s->depth ? s->begin : s->tx_begin, err))) return rc;
    s->depth++;
    /* Inside the new transaction, so the lock it took serves this check too.
     * A reader's deferred transaction takes its snapshot at its first read:
     * made first, so that no write can fall between the check and it. */
    if (s->depth == 1 && s->snapshot && (rc = step_done(s, s->snapshot, err))) {
        store_rollback(s);
        return rc;
    }
    if (s->depth == 1) check_other_writers(s);
    return PQ_OK;
}

pq_status store_commit(struct pq_store *s, struct pq_error *err)
{
    pq_status rc = step_done(s, s->depth > 1 ? s->release : s->tx_commit, err);
    if (rc) return rc; /* still open: the caller rolls back */
    s->depth--;
    /* Our own commit moved the version: what the next look compares with. */
    if (s->depth == 0) s->data_version = data_version(s);
    for (struct table_entry *t = s->tables; t; t = t->next)
        if (t->depth > s->depth) t->depth = s->depth;
    return PQ_OK;
}

void store_rollback(struct pq_store *s)
{
    if (s->depth == 0) return;
    struct pq_error ignored;
    pq_error_init(&ignored);
    if (s->depth == 1) {
        /* Should ROLLBACK fail, the plain retry below leaves no transaction. */
        (void)step_done(s, s->tx_rollback, &ignored);
        if (!sqlite3_get_autocommit(s->db)) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        s->depth = 0;
    } else if (step_done(s, s->rollback_to, &ignored) || step_done(s, s->release, &ignored)) {
        /* ROLLBACK TO keeps the savepoint open and RELEASE pops it; when
         * either fails, the transaction is gone (SQLite rolled it back
         * itself, e.g. on a full disk): nothing of this call is left. */
        if (!sqlite3_get_autocommit(s->db)) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        s->depth = 0;
    } else {
        s->depth--;
    }
    pq_error_release(&ignored);
    cache_prune(s, drop_newer, s->depth);
}

/* ---- catalog -------------------------------------------------------- */

static char *column_strdup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? pq_xstrdup((const char *)t) : NULL;
}

static struct table_entry *cache_find(struct pq_store *s, const char *name)
{
    for (struct table_entry *t = s->tables; t; t = t->next)
        if (strcmp(t->meta.name, name) == 0) return t;
    return NULL;
}

pq_status store_table_get(struct pq_store *s, const char *name, const struct pq_table_meta **out,
                          struct pq_error *err)
{
    *out = NULL;
    struct table_entry *t = cache_find(s, name);
    if (t) {
        *out = &t->meta;
        return PQ_OK;
    }
    pq_status rc = PQ_OK;
    sqlite3_stmt *st = s->cat_get;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    int step = sqlite3_step(st);
    if (step == SQLITE_DONE) goto out;
    if (step != SQLITE_ROW) {
        rc = db_fail(s, err, "reading the catalog");
        goto out;
    }
    json_error_t jerr;
    json_t *desc = json_loads((const char *)sqlite3_column_text(st, 5), 0, &jerr);
    if (!desc) {
        rc = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                          "catalog entry of table %s is damaged: %s", name, jerr.text);
        goto out;
    }
    t = pq_xcalloc(1, sizeof *t);
    t->meta.name = pq_xstrdup(name);
    t->meta.id = sqlite3_column_int64(st, 0);
    t->meta.hash.name = column_strdup(st, 1);
    t->meta.hash.type = (char)sqlite3_column_text(st, 2)[0];
    t->meta.range.name = column_strdup(st, 3);
    t->meta.range.type = t->meta.range.name ? (char)sqlite3_column_text(st, 4)[0] : 0;
    t->meta.description = desc;
    entry_read_indexes(t);
    t->next = s->tables;
    s->tables = t;
    *out = &t->meta;
out:
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

static struct table_entry *entry_of(const struct pq_table_meta *m)
{
    /* meta is the first member of table_entry */
    return (struct table_entry *)m;
}

static void index_table_name(struct pq_buf *b, int64_t table_id, const char *index)
{
    /* Index names are [a-zA-Z0-9_.-]+, safe inside double quotes. */
    pq_buf_addf(b, "\"ix_%lld_%s\"", (long long)table_id, index);
}

static pq_status create_index_table(struct pq_store *s, int64_t table_id, const char *index,
                                    struct pq_error *err)
{
    struct pq_buf sql = PQ_BUF_INIT, name = PQ_BUF_INIT;
    pq_buf_init(&sql);
    pq_buf_init(&name);
    index_table_name(&name, table_id, index);
    pq_buf_addf(&sql,
                "CREATE TABLE %s(ihk BLOB NOT NULL, irk BLOB NOT NULL, hk BLOB NOT NULL,"
                " rk BLOB NOT NULL, size INTEGER NOT NULL, PRIMARY KEY(ihk, irk, hk, rk))"
                " WITHOUT ROWID;",
                name.data);
    pq_buf_addf(&sql, "CREATE INDEX \"ixb_%lld_%s\" ON %s(hk, rk)", (long long)table_id, index,
                name.data);
    pq_status rc = exec_sql(s, sql.data, err);
    pq_buf_release(&sql);
    pq_buf_release(&name);
    return rc;
}

pq_status store_table_create(struct pq_store *s, const char *name, const struct pq_key_attr *hash,
                             const struct pq_key_attr *range, json_t *description,
                             struct pq_error *err)
{
    pq_status rc = PQ_OK;
    sqlite3_stmt *st = NULL;
    char *desc_text = NULL;
    struct pq_buf sql = PQ_BUF_INIT;
    pq_buf_init(&sql);
    int64_t id = 1;

    if (sqlite3_prepare_v2(s->db, "SELECT coalesce(max(id), 0) + 1 FROM pq_catalog", -1, &st,
                           NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        rc = db_fail(s, err, "allocating a table id");
        goto out;
    }
    id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    st = NULL;

    desc_text = json_dumps(description, JSON_COMPACT);
    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO pq_catalog(name, id, hash_name, hash_type, range_name,"
                           " range_type, description) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           -1, &st, NULL) != SQLITE_OK) {
        rc = db_fail(s, err, "writing the catalog");
        goto out;
    }
    char htype[2] = {hash->type, 0}, rtype[2] = {range ? range->type : 0, 0};
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    sqlite3_bind_text(st, 3, hash->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, htype, -1, SQLITE_STATIC);
    if (range && range->name) {
        sqlite3_bind_text(st, 5, range->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, rtype, -1, SQLITE_STATIC);
    }
    sqlite3_bind_text(st, 7, desc_text, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = db_fail(s, err, "writing the catalog");
        goto out;
    }
    pq_buf_addf(&sql,
                "CREATE TABLE items_%lld(hk BLOB NOT NULL, rk BLOB NOT NULL, item TEXT NOT NULL,"
                " size INTEGER NOT NULL, PRIMARY KEY(hk, rk)) WITHOUT ROWID",
                (long long)id);
    if ((rc = exec_sql(s, sql.data, err))) goto out;
    struct pq_index_meta *ixs;
    size_t nix;
    index_meta_parse(description, &ixs, &nix);
    for (size_t i = 0; i < nix && rc == PQ_OK; i++)
        rc = create_index_table(s, id, ixs[i].name, err);
    index_meta_free(ixs, nix);
    if (rc) goto out;

    struct table_entry *t = pq_xcalloc(1, sizeof *t);
    t->meta.name = pq_xstrdup(name);
    t->meta.id = id;
    t->meta.hash.name = pq_xstrdup(hash->name);
    t->meta.hash.type = hash->type;
    if (range && range->name) {
        t->meta.range.name = pq_xstrdup(range->name);
        t->meta.range.type = range->type;
    }
    t->meta.description = description;
    description = NULL;
    entry_read_indexes(t);
    t->depth = s->depth;
    t->next = s->tables;
    s->tables = t;
out:
    sqlite3_finalize(st);
    free(desc_text);
    pq_buf_release(&sql);
    json_decref(description);
    return rc;
}

pq_status store_table_drop(struct pq_store *s, const char *name, struct pq_error *err)
{
    const struct pq_table_meta *m;
    pq_status rc = store_table_get(s, name, &m, err);
    if (rc || !m) return rc;
    int64_t id = m->id;
    char **ixnames = pq_xcalloc(m->nindexes + 1, sizeof *ixnames);
    size_t nix = m->nindexes;
    for (size_t i = 0; i < nix; i++)
        ixnames[i] = pq_xstrdup(m->indexes[i].name);
    /* Statements on the item table must go before it can be dropped. */
    struct table_entry **p = &s->tables;
    while (*p != entry_of(m))
        p = &(*p)->next;
    *p = entry_of(m)->next;
    entry_free(entry_of(m));

    sqlite3_stmt *st = NULL;
    struct pq_buf sql = PQ_BUF_INIT;
    pq_buf_init(&sql);
    if (sqlite3_prepare_v2(s->db, "DELETE FROM pq_catalog WHERE name = ?", -1, &st, NULL) !=
        SQLITE_OK) {
        rc = db_fail(s, err, "writing the catalog");
        goto out;
    }
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = db_fail(s, err, "writing the catalog");
        goto out;
    }
    if ((rc = coll_table_dropped(s, id, err))) goto out;
    pq_buf_addf(&sql, "DROP TABLE items_%lld", (long long)id);
    for (size_t i = 0; i < nix; i++) {
        pq_buf_adds(&sql, "; DROP TABLE ");
        index_table_name(&sql, id, ixnames[i]);
    }
    rc = exec_sql(s, sql.data, err);
out:
    for (size_t i = 0; i < nix; i++)
        free(ixnames[i]);
    free(ixnames);
    sqlite3_finalize(st);
    pq_buf_release(&sql);
    return rc;
}

pq_status store_table_list(struct pq_store *s, const char *start_after, size_t limit,
                           json_t **names, bool *more, struct pq_error *err)
{
    pq_status rc = PQ_OK;
    sqlite3_stmt *st = s->cat_list;
    json_t *arr = json_array();
    *names = NULL;
    *more = false;
    sqlite3_bind_text(st, 1, start_after ? start_after : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)limit + 1);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (json_array_size(arr) == limit) {
            *more = true;
            break;
        }
        json_array_append_new(arr, json_string((const char *)sqlite3_column_text(st, 0)));
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE) {
        rc = db_fail(s, err, "listing tables");
        goto out;
    }
    *names = arr;
    arr = NULL;
out:
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    json_decref(arr);
    return rc;
}

static pq_status table_stmt(struct pq_store *s, const struct pq_table_meta *m, sqlite3_stmt **slot,
                            const char *fmt, struct pq_error *err)
{
    if (*slot) return PQ_OK;
    struct pq_buf sql = PQ_BUF_INIT;
    pq_buf_init(&sql);
    pq_buf_addf(&sql, fmt, (long long)m->id);
    pq_status rc = prepare(s, sql.data, slot, err);
    pq_buf_release(&sql);
    return rc;
}

pq_status store_table_stats(struct pq_store *s, const struct pq_table_meta *t, int64_t *count,
                            int64_t *bytes, struct pq_error *err)
{
    struct table_entry *e = entry_of(t);
    pq_status rc =
        table_stmt(s, t, &e->stats, "SELECT count(*), coalesce(sum(size), 0) FROM items_%lld", err);
    if (rc) return rc;
    if (sqlite3_step(e->stats) != SQLITE_ROW) {
        rc = db_fail(s, err, "counting items");
    } else {
        *count = sqlite3_column_int64(e->stats, 0);
        *bytes = sqlite3_column_int64(e->stats, 1);
    }
    sqlite3_reset(e->stats);
    return rc;
}

/* Prepares a statement on the entry table of index i: `fmt` has one %s for
 * the quoted table name. */
static pq_status ix_stmt(struct pq_store *s, const struct pq_table_meta *m, size_t i,
                         sqlite3_stmt **slot, const char *fmt, struct pq_error *err)
{
    if (*slot) return PQ_OK;
    struct pq_buf name = PQ_BUF_INIT, sql = PQ_BUF_INIT;
    pq_buf_init(&name);
    pq_buf_init(&sql);
    index_table_name(&name, m->id, m->indexes[i].name);
    pq_buf_addf(&sql, fmt, name.data);
    pq_status rc = prepare(s, sql.data, slot, err);
    pq_buf_release(&name);
    pq_buf_release(&sql);
    return rc;
}

pq_status store_index_stats(struct pq_store *s, const struct pq_table_meta *t,
                            const struct pq_index_meta *ix, int64_t *count, int64_t *bytes,
                            struct pq_error *err)
{
    struct table_entry *e = entry_of(t);
    size_t i = (size_t)(ix - t->indexes);
    pq_status rc =
        ix_stmt(s, t, i, &e->ix[i].stats, "SELECT count(*), coalesce(sum(size), 0) FROM %s", err);
    if (rc) return rc;
    if (sqlite3_step(e->ix[i].stats) != SQLITE_ROW) {
        rc = db_fail(s, err, "counting index items");
    } else {
        *count = sqlite3_column_int64(e->ix[i].stats, 0);
        *bytes = sqlite3_column_int64(e->ix[i].stats, 1);
    }
    sqlite3_reset(e->ix[i].stats);
    return rc;
}

/* ---- keys and items ------------------------------------------------- */

void store_key_init(struct pq_key *k)
{
    pq_buf_init(&k->hk);
    pq_buf_init(&k->rk);
    pq_buf_init(&k->bhk);
    pq_buf_init(&k->brk);
}

void store_key_release(struct pq_key *k)
{
    pq_buf_release(&k->hk);
    pq_buf_release(&k->rk);
    pq_buf_release(&k->bhk);
    pq_buf_release(&k->brk);
}

static bool encode_attr(const struct pq_key_attr *a, const json_t *item, struct pq_buf *out)
{
    const json_t *v = json_object_get(item, a->name);
    if (!v || pq_value_type(v) != pq_type_from_name((char[]){a->type, 0})) return false;
    return pq_value_encode_key(v, out);
}

bool store_key_from_item(const struct pq_table_meta *t, const json_t *item, struct pq_key *k)
{
    pq_buf_reset(&k->hk);
    pq_buf_reset(&k->rk);
    if (!encode_attr(&t->hash, item, &k->hk)) return false;
    return !t->range.name || encode_attr(&t->range, item, &k->rk);
}

pq_status store_item_get(struct pq_store *s, const struct pq_table_meta *t, const struct pq_key *k,
                         json_t **item, struct pq_error *err)
{
    struct table_entry *e = entry_of(t);
    *item = NULL;
    pq_status rc =
        table_stmt(s, t, &e->get, "SELECT item FROM items_%lld WHERE hk = ? AND rk = ?", err);
    if (rc) return rc;
    bind_buf(e->get, 1, &k->hk);
    bind_buf(e->get, 2, &k->rk);
    int step = sqlite3_step(e->get);
    if (step == SQLITE_ROW) {
        json_error_t jerr;
        *item = json_loadb((const char *)sqlite3_column_text(e->get, 0),
                           (size_t)sqlite3_column_bytes(e->get, 0), JSON_ALLOW_NUL, &jerr);
        if (!*item)
            rc = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                              "stored item of table %s is damaged: %s", t->name, jerr.text);
    } else if (step != SQLITE_DONE) {
        rc = db_fail(s, err, "reading an item");
    }
    sqlite3_reset(e->get);
    return rc;
}

/* Removes the entries of the item at key `k` from every index of `t`. */
static pq_status index_remove(struct pq_store *s, const struct pq_table_meta *t,
                              const struct pq_key *k, struct pq_error *err)
{
    struct table_entry *e = entry_of(t);
    pq_status rc = PQ_OK;
    for (size_t i = 0; i < t->nindexes && rc == PQ_OK; i++) {
        if ((rc = ix_stmt(s, t, i, &e->ix[i].del, "DELETE FROM %s WHERE hk = ? AND rk = ?", err)))
            break;
        bind_buf(e->ix[i].del, 1, &k->hk);
        bind_buf(e->ix[i].del, 2, &k->rk);
        rc = step_done(s, e->ix[i].del, err);
    }
    return rc;
}

/* Adds `item` (at key `k`) to every index whose key attributes it holds. */
static pq_status index_add(struct pq_store *s, const struct pq_table_meta *t,
                           const struct pq_key *k, const json_t *item, struct pq_error *err)
{
    struct table_entry *e = entry_of(t);
    pq_status rc = PQ_OK;
    struct pq_buf ihk = PQ_BUF_INIT, irk = PQ_BUF_INIT;
    pq_buf_init(&ihk);
    pq_buf_init(&irk);
    for (size_t i = 0; i < t->nindexes && rc == PQ_OK; i++) {
        const struct pq_index_meta *ix = &t->indexes[i];
        if (!index_key_of(ix, item, &ihk, &irk)) continue; /* sparse */
        if ((rc = ix_stmt(
                 s, t, i, &e->ix[i].ins,
                 "INSERT OR REPLACE INTO %s(ihk, irk, hk, rk, size) VALUES (?, ?, ?, ?, ?)", err)))
            break;
        sqlite3_stmt *st = e->ix[i].ins;
        bind_buf(st, 1, &ihk);
        bind_buf(st, 2, &irk);
        bind_buf(st, 3, &k->hk);
        bind_buf(st, 4, &k->rk);
        sqlite3_bind_int64(st, 5, (sqlite3_int64)index_entry_size(t, ix, item));
        rc = step_done(s, st, err);
    }
    pq_buf_release(&ihk);
    pq_buf_release(&irk);
    return rc;
}

/* Writes with INSERT OR REPLACE (put) or INSERT OR IGNORE (insert);
 * `made` is what the caller made of the item already, or NULL. */
static pq_status item_write(struct pq_store *s, const struct pq_table_meta *t, const json_t *item,
                            const struct store_made *made, bool replace, const json_t *given,
                            bool *written, struct pq_error *err)
{
    struct table_entry *e = entry_of(t);
    sqlite3_stmt **slot = replace ? &e->put : &e->ins;
    pq_status rc = table_stmt(
        s, t, slot,
        replace ? "INSERT OR REPLACE INTO items_%lld(hk, rk, item, size) VALUES (?, ?, ?, ?)"
                : "INSERT OR IGNORE INTO items_%lld(hk, rk, item, size) VALUES (?, ?, ?, ?)",
        err);
    if (rc) return rc;
    struct pq_key own;
    const struct pq_key *k = made && made->keyed ? &made->key : &own;
    json_t *read = NULL;
    const json_t *old = given;
    store_key_init(&own);
    if (k == &own && !store_key_from_item(t, item, &own)) {
        rc = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                          "item for table %s lacks a well-typed key", t->name);
        goto out;
    }
    /* Streams: the item before the write, for the change record; item
     * collections: what it held of its collection. A put's caller gives it
     * (it has read it already); an insert's is read here for item
     * collections only (a stream records an insert only into a free key). */
    bool stream = streams_enabled(t), coll = coll_tracked(t);
    if (!replace && coll && (rc = store_item_get(s, t, k, &read, err))) goto out;
    if (!replace) old = read;
    int64_t delta = 0;
    if (coll && (replace || !old)) {
        delta = coll_contribution(t, item) - coll_contribution(t, old);
        if ((rc = coll_check(s, t, &k->hk, delta, err))) goto out;
    }
    const struct pq_buf *text = made ? &made->text : &s->text;
    size_t size = made ? made->size : 0;
    if (!made) {
        pq_buf_reset(&s->text);
        pq_item_text(item, &s->text, &size, NULL); /* no error without `err` */
    }
    sqlite3_stmt *st = *slot;
    /* `k` outlives the step, and the bindings are cleared after it. */
    bind_static(st, 1, &k->hk);
    bind_static(st, 2, &k->rk);
    sqlite3_bind_text(st, 3, text->data, (int)text->len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)size);
    int step = sqlite3_step(st);
    bool changed = step == SQLITE_DONE && sqlite3_changes(s->db) > 0;
    if (step != SQLITE_DONE)
        rc = db_fail(s, err, "writing an item");
    else if (written)
        *written = changed;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc == PQ_OK && changed && t->nindexes) {
        if (replace) rc = index_remove(s, t, k, err);
        if (rc == PQ_OK) rc = index_add(s, t, k, item, err);
    }
    if (rc == PQ_OK && changed && coll) rc = coll_add(s, t, &k->hk, delta, err);
    if (rc == PQ_OK && changed && stream) rc = streams_record(s, t, old, item, err);
out:
    json_decref(read);
    store_key_release(&own);
    return rc;
}

pq_status store_item_put(struct pq_store *s, const struct pq_table_meta *t, const json_t *item,
                         const json_t *old, struct pq_error *err)
{
    return item_write(s, t, item, NULL, true, old, NULL, err);
}

pq_status store_item_insert(struct pq_store *s, const struct pq_table_meta *t, const json_t *item,
                            const struct store_made *made, bool *inserted, struct pq_error *err)
{
    *inserted = false;
    return item_write(s, t, item, made, false, NULL, inserted, err);
}

pq_status store_item_delete(struct pq_store *s, const struct pq_table_meta *t,
                            const struct pq_key *k, const json_t *old, struct pq_error *err)
{
    struct table_entry *e = entry_of(t);
    pq_status rc = table_stmt(s, t, &e->del, "DELETE FROM items_%lld WHERE hk = ? AND rk = ?", err);
    /* Streams: the item removed (the caller's `old`), for the change record
     * (none when absent); item collections: what it held of its collection. */
    bool stream = streams_enabled(t), coll = coll_tracked(t);
    if (rc) return rc;
    bind_buf(e->del, 1, &k->hk);
    bind_buf(e->del, 2, &k->rk);
    if ((rc = step_done(s, e->del, err)) == PQ_OK && t->nindexes) rc = index_remove(s, t, k, err);
    if (rc == PQ_OK && old && coll) rc = coll_add(s, t, &k->hk, -coll_contribution(t, old), err);
    if (rc == PQ_OK && old && stream) rc = streams_record(s, t, old, NULL, err);
    return rc;
}

/* ---- table changes (UpdateTable) ---------------------------------------- */

pq_status store_table_update(struct pq_store *s, const struct pq_table_meta *t, json_t *description,
                             struct pq_error *err)
{
    struct table_entry *e = entry_of(t);
    pq_status rc = PQ_OK;
    sqlite3_stmt *st = NULL;
    char *text = json_dumps(description, JSON_COMPACT);
    if (sqlite3_prepare_v2(s->db, "UPDATE pq_catalog SET description = ? WHERE id = ?", -1, &st,
                           NULL) != SQLITE_OK) {
        rc = db_fail(s, err, "writing the catalog");
        goto out;
    }
    sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, t->id);
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = db_fail(s, err, "writing the catalog");
        goto out;
    }
    entry_forget_indexes(e);
    json_decref(e->meta.description);
    e->meta.description = description;
    description = NULL;
    entry_read_indexes(e);
    /* A rollback of this level must forget the changed entry (it reloads). */
    if (e->depth < s->depth) e->depth = s->depth;
out:
    sqlite3_finalize(st);
    free(text);
    json_decref(description);
    return rc;
}

pq_status store_index_create(struct pq_store *s, const struct pq_table_meta *t, const char *name,
                             struct pq_error *err)
{
    const struct pq_index_meta *ix = index_find(t, name);
    if (!ix)
        return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS, "index %s of table %s unknown",
                            name, t->name);
    pq_status rc = create_index_table(s, t->id, name, err);
    struct pq_cursor *c = NULL;
    json_t *item = NULL;
    struct pq_key k;
    store_key_init(&k);
    if (rc) goto out;
    /* Backfill: every existing item that holds the index key. */
    struct pq_range all;
    memset(&all, 0, sizeof all);
    if ((rc = store_cursor_open(s, t, &all, &c, err))) goto out;
    for (;;) {
        if ((rc = store_cursor_next(c, &item, NULL, &k, err)) || !item) break;
        struct table_entry *e = entry_of(t);
        struct pq_buf ihk = PQ_BUF_INIT, irk = PQ_BUF_INIT;
        pq_buf_init(&ihk);
        pq_buf_init(&irk);
        size_t i = (size_t)(ix - t->indexes);
        if (index_key_of(ix, item, &ihk, &irk) &&
            (rc =
                 ix_stmt(s, t, i, &e->ix[i].ins,
                         "INSERT OR REPLACE INTO %s(ihk, irk, hk, rk, size) VALUES (?, ?, ?, ?, ?)",
                         err)) == PQ_OK) {
            sqlite3_stmt *st = e->ix[i].ins;
            bind_buf(st, 1, &ihk);
            bind_buf(st, 2, &irk);
            bind_buf(st, 3, &k.hk);
            bind_buf(st, 4, &k.rk);
            sqlite3_bind_int64(st, 5, (sqlite3_int64)index_entry_size(t, ix, item));
            rc = step_done(s, st, err);
        }
        pq_buf_release(&ihk);
        pq_buf_release(&irk);
        json_decref(item);
        item = NULL;
        if (rc) break;
    }
out:
    if (item) json_decref(item);
    store_cursor_close(c);
    store_key_release(&k);
    return rc;
}

pq_status store_index_drop(struct pq_store *s, const struct pq_table_meta *t, const char *name,
                           struct pq_error *err)
{
    struct pq_buf sql = PQ_BUF_INIT;
    pq_buf_init(&sql);
    pq_buf_adds(&sql, "DROP TABLE ");
    index_table_name(&sql, t->id, name);
    pq_status rc = exec_sql(s, sql.data, err);
    pq_buf_release(&sql);
    return rc;
}

/* ---- idempotency tokens ------------------------------------------------- */

pq_status store_token_get(struct pq_store *s, const char *token, double not_before, char **hash,
                          json_t **response, struct pq_error *err)
{
    pq_status rc = PQ_OK;
    *hash = NULL;
    *response = NULL;
    sqlite3_stmt *st = s->tok_get;
    sqlite3_bind_text(st, 1, token, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(st, 2, not_before);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        *hash = column_strdup(st, 0);
        *response = json_loads((const char *)sqlite3_column_text(st, 1), 0, NULL);
        if (!*response) {
            free(*hash);
            *hash = NULL;
            rc = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                              "stored response of token %s is damaged", token);
        }
    } else if (step != SQLITE_DONE) {
        rc = db_fail(s, err, "reading a token");
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

pq_status store_token_put(struct pq_store *s, const char *token, const char *hash,
                          const json_t *response, double now, double expire_before,
                          struct pq_error *err)
{
    pq_status rc;
    sqlite3_bind_double(s->tok_purge, 1, expire_before);
    if ((rc = step_done(s, s->tok_purge, err))) return rc;
    char *text = json_dumps(response, JSON_COMPACT);
    sqlite3_stmt *st = s->tok_put;
    sqlite3_bind_text(st, 1, token, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, text, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(st, 4, now);
    rc = step_done(s, st, err);
    free(text);
    return rc;
}

/* ---- cursors -------------------------------------------------------- */

uint32_t store_segment_of(const void *hk, size_t len, uint32_t total)
{
    /* FNV-1a 64 of the encoded partition key, then splitmix64's finaliser so
     * that the high bits, which pick the segment, depend on every byte. */
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < len; i++) {
        h ^= ((const unsigned char *)hk)[i];
        h *= 1099511628211ull;
    }
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebull;
    h ^= h >> 31;
    return (uint32_t)(((unsigned __int128)h * total) >> 64);
}

/* pq_segment(hk, total): the Scan segment of an encoded partition key. */
static void sql_segment(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    (void)argc;
    sqlite3_int64 total = sqlite3_value_int64(argv[1]);
    if (total < 1 || total > UINT32_MAX) {
        sqlite3_result_null(cx);
        return;
    }
    sqlite3_result_int64(cx,
                         store_segment_of(sqlite3_value_blob(argv[0]),
                                          (size_t)sqlite3_value_bytes(argv[0]), (uint32_t)total));
}

/* The shape of a range decides the SQL text; the values are bound. */
enum {
    SH_HK = 1 << 0,
    SH_LO = 1 << 1,
    SH_LO_INCL = 1 << 2,
    SH_HI = 1 << 3,
    SH_HI_INCL = 1 << 4,
    SH_PREFIX = 1 << 5,
    SH_PREFIX_END = 1 << 6, /* the prefix has an upper bound (not all 0xff) */
    SH_DESC = 1 << 7,
    SH_AFTER = 1 << 8,
    SH_SEGMENT = 1 << 9, /* parallel Scan: one segment of the partition keys */
};

/* The smallest byte string greater than every string starting with `p`:
 * drop trailing 0xff bytes and add one to the last byte. false if none. */
static bool prefix_end(const struct pq_buf *p, struct pq_buf *out)
{
    size_t n = p->len;
    while (n > 0 && (unsigned char)p->data[n - 1] == 0xff)
        n--;
    if (n == 0) return false;
    pq_buf_reset(out);
    pq_buf_add(out, p->data, n);
    out->data[n - 1] = (char)((unsigned char)out->data[n - 1] + 1);
    return true;
}

static unsigned range_shape(const struct pq_range *r, const struct pq_buf *pend_ok)
{
    unsigned sh = 0;
    if (r->hk) sh |= SH_HK;
    if (r->rk_lo) sh |= SH_LO | (r->lo_inclusive ? SH_LO_INCL : 0);
    if (r->rk_hi) sh |= SH_HI | (r->hi_inclusive ? SH_HI_INCL : 0);
    if (r->rk_prefix) sh |= SH_PREFIX | (pend_ok ? SH_PREFIX_END : 0);
    if (r->descending) sh |= SH_DESC;
    if (r->after) sh |= SH_AFTER;
    if (r->total_segments > 1) sh |= SH_SEGMENT;
    return sh;
}

/* SQL for a shape; parameters appear in the order cursor_bind binds them.
 * On an index (ix not NULL) hk/rk are the index key, rows come in index-key
 * order and then base-key order, and the base key is selected too. */
static void cursor_sql(int64_t id, const char *ix, unsigned sh, struct pq_buf *sql)
{
    if (ix) {
        pq_buf_adds(sql, "SELECT i.item, x.size, x.ihk, x.irk, x.hk, x.rk FROM ");
        index_table_name(sql, id, ix);
        pq_buf_addf(sql, " x JOIN items_%lld i ON i.hk = x.hk AND i.rk = x.rk WHERE 1",
                    (long long)id);
    } else {
        pq_buf_addf(sql, "SELECT item, size, hk, rk FROM items_%lld WHERE 1", (long long)id);
    }
    const char *hk = ix ? "x.ihk" : "hk", *rk = ix ? "x.irk" : "rk";
    if (sh & SH_HK) pq_buf_addf(sql, " AND %s = ?", hk);
    if (sh & SH_LO) pq_buf_addf(sql, (sh & SH_LO_INCL) ? " AND %s >= ?" : " AND %s > ?", rk);
    if (sh & SH_HI) pq_buf_addf(sql, (sh & SH_HI_INCL) ? " AND %s <= ?" : " AND %s < ?", rk);
    if (sh & SH_PREFIX) pq_buf_addf(sql, " AND %s >= ?", rk);
    if (sh & SH_PREFIX_END) pq_buf_addf(sql, " AND %s < ?", rk);
    if (sh & SH_SEGMENT) pq_buf_addf(sql, " AND pq_segment(%s, ?) = ?", hk);
    const char *dir = (sh & SH_DESC) ? "<" : ">";
    const char *ord = (sh & SH_DESC) ? "DESC" : "ASC";
    if (ix) {
        if (sh & SH_AFTER) {
            if (sh & SH_HK)
                pq_buf_addf(sql, " AND (x.irk, x.hk, x.rk) %s (?, ?, ?)", dir);
            else
                pq_buf_addf(sql, " AND (x.ihk, x.irk, x.hk, x.rk) %s (?, ?, ?, ?)", dir);
        }
        if (!(sh & SH_HK))
            pq_buf_addf(sql, " ORDER BY x.ihk %s,", ord);
        else
            pq_buf_adds(sql, " ORDER BY");
        pq_buf_addf(sql, " x.irk %s, x.hk %s, x.rk %s", ord, ord, ord);
        return;
    }
    if (sh & SH_AFTER) {
        if (sh & SH_HK)
            pq_buf_addf(sql, " AND rk %s ?", dir);
        else
            pq_buf_addf(sql, " AND (hk, rk) %s (?, ?)", dir);
    }
    if (sh & SH_HK)
        pq_buf_addf(sql, " ORDER BY rk %s", ord);
    else
        pq_buf_addf(sql, " ORDER BY hk %s, rk %s", ord, ord);
}

static void cursor_bind(sqlite3_stmt *st, unsigned sh, const struct pq_range *r,
                        const struct pq_buf *pend)
{
    int i = 1;
    if (sh & SH_HK) bind_buf(st, i++, r->hk);
    if (sh & SH_LO) bind_buf(st, i++, r->rk_lo);
    if (sh & SH_HI) bind_buf(st, i++, r->rk_hi);
    if (sh & SH_PREFIX) bind_buf(st, i++, r->rk_prefix);
    if (sh & SH_PREFIX_END) bind_buf(st, i++, pend);
    if (sh & SH_SEGMENT) {
        sqlite3_bind_int64(st, i++, r->total_segments);
        sqlite3_bind_int64(st, i++, r->segment);
    }
    if (sh & SH_AFTER) {
        if (!(sh & SH_HK)) bind_buf(st, i++, &r->after->hk);
        bind_buf(st, i++, &r->after->rk);
        if (r->index) {
            bind_buf(st, i++, &r->after->bhk);
            bind_buf(st, i++, &r->after->brk);
        }
    }
}

pq_status store_cursor_open(struct pq_store *s, const struct pq_table_meta *t,
                            const struct pq_range *r, struct pq_cursor **out, struct pq_error *err)
{
    struct table_entry *e = entry_of(t);
    pq_status rc = PQ_OK;
    struct pq_buf pend = PQ_BUF_INIT, sql = PQ_BUF_INIT;
    pq_buf_init(&pend);
    pq_buf_init(&sql);
    *out = NULL;
    bool has_end = r->rk_prefix && prefix_end(r->rk_prefix, &pend);
    unsigned sh = range_shape(r, has_end ? &pend : NULL);
    /* Index cursors are cached per index: its position joins the shape. */
    if (r->index) sh |= (unsigned)(r->index - t->indexes + 1) << 12;

    struct pq_cursor *c = pq_xcalloc(1, sizeof *c);
    c->store = s;
    struct cur_stmt *cs = e->cursors;
    while (cs && cs->shape != sh)
        cs = cs->next;
    if (cs && !cs->in_use) {
        c->stmt = cs->stmt;
        c->cached = cs;
    } else {
        cursor_sql(t->id, r->index ? r->index->name : NULL, sh & 0xfff, &sql);
        sqlite3_stmt *st = NULL;
        if ((rc = prepare(s, sql.data, &st, err))) goto fail;
        if (!cs) {
            /* First use of this shape: cache it. A nested cursor of a shape
             * already in use gets its own statement (below, not cached). */
            cs = pq_xcalloc(1, sizeof *cs);
            cs->shape = sh;
            cs->stmt = st;
            cs->next = e->cursors;
            e->cursors = cs;
            c->cached = cs;
        }
        c->stmt = st;
    }
    if (c->cached) c->cached->in_use = true;
    cursor_bind(c->stmt, sh, r, &pend);
    *out = c;
    goto out;
fail:
    free(c);
out:
    pq_buf_release(&pend);
    pq_buf_release(&sql);
    return rc;
}

pq_status store_cursor_next(struct pq_cursor *c, json_t **item, size_t *size, struct pq_key *key,
                            struct pq_error *err)
{
    *item = NULL;
    if (c->done) return PQ_OK;
    int step = sqlite3_step(c->stmt);
    if (step == SQLITE_DONE) {
        c->done = true;
        return PQ_OK;
    }
    if (step != SQLITE_ROW) {
        c->done = true;
        return db_fail(c->store, err, "reading items");
    }
    json_error_t jerr;
    *item = json_loadb((const char *)sqlite3_column_text(c->stmt, 0),
                       (size_t)sqlite3_column_bytes(c->stmt, 0), JSON_ALLOW_NUL, &jerr);
    if (!*item)
        return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS, "stored item is damaged: %s",
                            jerr.text);
    if (size) *size = (size_t)sqlite3_column_int64(c->stmt, 1);
    if (key) {
        column_buf(c->stmt, 2, &key->hk);
        column_buf(c->stmt, 3, &key->rk);
        if (sqlite3_column_count(c->stmt) > 4) {
            column_buf(c->stmt, 4, &key->bhk);
            column_buf(c->stmt, 5, &key->brk);
        }
    }
    return PQ_OK;
}

void store_cursor_close(struct pq_cursor *c)
{
    if (!c) return;
    if (c->cached && c->cached->stmt == c->stmt) {
        sqlite3_reset(c->stmt);
        sqlite3_clear_bindings(c->stmt);
        c->cached->in_use = false;
    } else {
        sqlite3_finalize(c->stmt);
    }
    free(c);
}
