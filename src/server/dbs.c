/* dbs.c — the databases of `pqsh serve`: one per access key id and region, or one shared.
 *
 * DynamoDB Local keeps a separate database per access key id and region
 * (files `<AccessKeyId>_<Region>.db`) unless started with -sharedDb; so do
 * we. A database is named "AKID/region" (the log, the x-pqsh-database
 * header and pq_server_db_* use that name); bytes of the key id other than
 * letters and digits, and of the region other than lower-case letters,
 * digits and '-', are written %XX, so a name is safe as a file name and in
 * a log line, and two keys never share a name. Its file is the name with
 * '_' for '/' plus ".db", in the registry's directory; in memory it is an
 * engine of its own. Databases are opened on first use and stay open until
 * the server stops; a reset reopens one empty.
 *
 * Locks, in the order they are taken: clock_op (a clock move, alone), a
 * database's gate (every use shared, a reset exclusive), its write lock
 * (one call at a time on its engine), then the leaves `lock` (the list,
 * the endpoint) and clock_lock. The list only grows (new entries at the
 * head), so a walker reads the head under `lock` and follows `next` freely.
 *
 * A call's use of the gate lasts until its answer is dropped (srv_db_call
 * .. srv_db_drop), not just the engine call: an answer may be shared with
 * the engine that gave it (a write's {"Items": []}, given again, exec.c),
 * and a reset closes that engine, dropping the engine's references.
 * jansson's json_decref reads a count plainly before its atomic decrement,
 * so an HTTP thread's drop must happen before the close, not beside it.
 *
 * Reads in parallel: a database on a file (in memory too: its file is in a
 * private temporary folder, removed at the end) has, beside its writer
 * engine, a small pool of reader engines (pq_engine_options.reader), opened
 * as needed, up to one per worker thread. The read-only operations
 * (GetItem, BatchGetItem, Query, Scan, TransactGetItems, the Describe and
 * List operations, PartiQL SELECTs, the four streams operations) run on a reader, each on the
 * committed snapshot of its start (SQLite WAL), never waiting for the writer; every other call runs
 * on the writer, one at a time. A database given to the server (srv_dbs_borrow) has no readers.
 *
 * One clock: the registry holds an empty in-memory engine whose only use
 * is its clock (pq_engine_admin "pqsh:Clock" moves it); every database's
 * engine takes that offset before each call, so a move covers every
 * database, including those opened later.
 */
#include "server/internal.h"
#include "pqsh/time.h"
#include "pqsh/tmpdir.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_SWEEP_MS 1000
#define DEFAULT_MAX_DBS 1000
#define MAX_NAME 200
#define DEFAULT_READERS 4
#define MAX_READERS 64

enum reader_state { R_EMPTY, R_FREE, R_BUSY };

struct srv_db {
    struct srv_db *next;
    char *name;
    char *path; /* the file; NULL when borrowed */
    struct pq_engine *engine;
    bool borrowed;
    pthread_rwlock_t gate;
    pthread_mutex_t write;
    /* readers: a slot is EMPTY (not open), FREE or BUSY (one caller's) */
    pthread_mutex_t pool;
    pthread_cond_t freed;
    struct pq_engine *readers[MAX_READERS];
    enum reader_state state[MAX_READERS];
};

struct srv_dbs {
    pthread_mutex_t lock; /* guards list, count, endpoint */
    struct srv_db *list;
    size_t count, max;
    bool per_key;
    char *dir;            /* per key on disk: the folder of the files; NULL in memory */
    char *shared_path;    /* shared: the file or ":memory:" */
    struct pq_tmpdir tmp; /* in memory: the private folder of the databases' files */
    unsigned readers;     /* reader engines per database at most */
    double fixed_time;
    int64_t collection_limit;
    char *endpoint;
    pthread_mutex_t clock_op;
    pthread_mutex_t clock_lock;
    struct pq_engine *clock;
    /* the background TTL sweeper over every database */
    bool sweeping;
    unsigned sweep_ms;
    pthread_t sweeper;
    pthread_mutex_t sweep_m;
    pthread_cond_t sweep_wake;
    bool sweep_stop;
};

/* ---- names ------------------------------------------------------------ */

static void encode(struct pq_buf *b, const char *s, bool lower_only)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        bool keep = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
                    (lower_only ? *p == '-' : (*p >= 'A' && *p <= 'Z'));
        if (keep)
            pq_buf_addc(b, (char)*p);
        else
            pq_buf_addf(b, "%%%02X", *p);
    }
}

pq_status pq_server_db_name(const char *akid, const char *region, char **out, struct pq_error *err)
{
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    *out = NULL;
    encode(&b, akid, false);
    pq_buf_addc(&b, '/');
    encode(&b, region, true);
    if (!*akid || !*region || b.len > MAX_NAME) {
        pq_buf_release(&b);
        /* A key id no real one looks like: the service's answer to an unknown key. */
        return pq_error_service(err, "UnrecognizedClientException",
                                "The security token included in the request is invalid.");
    }
    *out = pq_buf_detach(&b, NULL);
    return PQ_OK;
}

/* A name pq_server_db_name could have made. */
static bool name_ok(const char *name)
{
    const char *slash = strchr(name, '/');
    if (!slash || slash == name || !slash[1] || strchr(slash + 1, '/') || strlen(name) > MAX_NAME)
        return false;
    for (const char *p = name; *p; p++)
        if (!(*p == '/' || *p == '%' || *p == '-' || (*p >= 'a' && *p <= 'z') ||
              (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
            return false;
    return true;
}

/* ---- open / close ----------------------------------------------------- */

static void sync_clock(struct srv_dbs *d, struct pq_engine *e)
{
    pthread_mutex_lock(&d->clock_lock);
    double off = pq_engine_clock_offset(d->clock);
    pthread_mutex_unlock(&d->clock_lock);
    if (pq_engine_clock_offset(e) != off) {
        pq_engine_clock_reset(e);
        pq_engine_clock_advance(e, off);
    }
}

/* A writer (or with `reader`, a reader) engine on db's file, with the endpoint. */
static pq_status engine_open(struct srv_dbs *d, struct srv_db *db, bool reader,
                             struct pq_engine **out, struct pq_error *err)
{
    struct pq_engine_options eo = {
        .path = db->path, .fixed_time = d->fixed_time, .collection_limit = d->collection_limit};
    pq_status rc = reader ? pq_engine_open_reader(&eo, out, err) : pq_engine_open(&eo, out, err);
    if (rc) return rc;
    pthread_mutex_lock(&d->lock);
    if (d->endpoint) pq_engine_set_endpoint(*out, d->endpoint);
    pthread_mutex_unlock(&d->lock);
    return PQ_OK;
}

static struct srv_db *db_new(const char *name)
{
    struct srv_db *db = pq_xcalloc(1, sizeof *db);
    db->name = pq_xstrdup(name);
    pthread_rwlock_init(&db->gate, NULL);
    pthread_mutex_init(&db->write, NULL);
    pthread_mutex_init(&db->pool, NULL);
    pthread_cond_init(&db->freed, NULL);
    return db;
}

/* Closes the readers; nobody may be using one (the gate held exclusively). */
static void close_readers(struct srv_db *db)
{
    for (size_t i = 0; i < MAX_READERS; i++) {
        pq_engine_close(db->readers[i]);
        db->readers[i] = NULL;
        db->state[i] = R_EMPTY;
    }
}

static void remove_files(const char *path);

static void db_free(struct srv_db *db, bool remove)
{
    close_readers(db);
    if (!db->borrowed) pq_engine_close(db->engine);
    if (remove && db->path) remove_files(db->path);
    pthread_rwlock_destroy(&db->gate);
    pthread_mutex_destroy(&db->write);
    pthread_mutex_destroy(&db->pool);
    pthread_cond_destroy(&db->freed);
    free(db->name);
    free(db->path);
    free(db);
}

static char *join(const char *dir, const char *file)
{
    size_t n = strlen(dir) + strlen(file) + 2;
    char *p = pq_xmalloc(n);
    snprintf(p, n, "%s/%s", dir, file);
    return p;
}

static pq_status ensure_dir(const char *dir, struct pq_error *err)
{
    if (mkdir(dir, 0700) == 0 || errno == EEXIST) return PQ_OK;
    return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                        "cannot create the folder %s for the databases: %s", dir, strerror(errno));
}

static struct srv_dbs *dbs_alloc(void)
{
    struct srv_dbs *d = pq_xcalloc(1, sizeof *d);
    pthread_mutex_init(&d->lock, NULL);
    pthread_mutex_init(&d->clock_op, NULL);
    pthread_mutex_init(&d->clock_lock, NULL);
    pthread_mutex_init(&d->sweep_m, NULL);
    pthread_cond_init(&d->sweep_wake, NULL);
    return d;
}

static pq_status open_clock(struct srv_dbs *d, struct pq_error *err)
{
    struct pq_engine_options eo = {
        .path = ":memory:", .fixed_time = d->fixed_time, .collection_limit = d->collection_limit};
    return pq_engine_open(&eo, &d->clock, err);
}

struct srv_dbs *srv_dbs_borrow(struct pq_engine *engine)
{
    struct srv_dbs *d = dbs_alloc();
    struct pq_error err;
    pq_error_init(&err);
    /* An in-memory open fails only when memory does. */
    if (open_clock(d, &err)) abort();
    pq_error_release(&err);
    pq_engine_clock_advance(d->clock, pq_engine_clock_offset(engine));
    struct srv_db *db = db_new("shared");
    db->engine = engine;
    db->borrowed = true;
    d->list = db;
    d->count = 1;
    return d;
}

pq_status srv_dbs_open(const struct srv_dbs_options *o, struct srv_dbs **out, struct pq_error *err)
{
    struct srv_dbs *d = dbs_alloc();
    pq_status rc;
    *out = NULL;
    d->per_key = !o->shared;
    d->fixed_time = o->fixed_time;
    d->collection_limit = o->collection_limit;
    d->max = o->max_dbs ? o->max_dbs : DEFAULT_MAX_DBS;
    const char *path = o->path && *o->path ? o->path : ":memory:";
    bool memory = strcmp(path, ":memory:") == 0;
    struct stat st;
    bool is_dir =
        !memory && ((stat(path, &st) == 0 && S_ISDIR(st.st_mode)) || path[strlen(path) - 1] == '/');
    d->readers = o->readers ? o->readers : DEFAULT_READERS;
    if (d->readers > MAX_READERS) d->readers = MAX_READERS;
    if ((rc = open_clock(d, err))) goto fail;
    if (memory) {
        /* SQLite readers beside a writer need a file (WAL); shared-cache
         * memory databases lock whole tables instead. A killed server's
         * folder is removed by the next one (tmpdir.h). */
        if ((rc = pq_tmpdir_make(NULL, "pqsh-serve", &d->tmp, err))) goto fail;
    }
    if (is_dir) {
        d->dir = pq_xstrdup(path);
        size_t n = strlen(d->dir);
        while (n > 1 && d->dir[n - 1] == '/')
            d->dir[--n] = '\0';
        if (!d->per_key) d->shared_path = join(d->dir, "shared-local-instance.db");
    } else if (!d->per_key || memory) {
        d->shared_path = pq_xstrdup(path);
    } else {
        /* FILE.db → FILE.keys/, beside it. */
        size_t n = strlen(path);
        if (n > 3 && strcmp(path + n - 3, ".db") == 0) n -= 3;
        d->dir = pq_xmalloc(n + sizeof ".keys");
        memcpy(d->dir, path, n);
        memcpy(d->dir + n, ".keys", sizeof ".keys");
    }
    if (!d->per_key) {
        struct srv_db *db = db_new("shared");
        db->path = d->tmp.path ? join(d->tmp.path, "shared.db") : pq_xstrdup(d->shared_path);
        if (d->dir && (rc = ensure_dir(d->dir, err))) {
            db_free(db, false);
            goto fail;
        }
        if ((rc = engine_open(d, db, false, &db->engine, err))) {
            db_free(db, false);
            goto fail;
        }
        d->list = db;
        d->count = 1;
    }
    *out = d;
    return PQ_OK;
fail:
    srv_dbs_free(d);
    return rc;
}

/* ---- the sweeper -------------------------------------------------------- */

static bool sweep_wait(struct srv_dbs *d, unsigned ms)
{
    struct timespec ts = pq_time_after_ms(ms);
    pthread_mutex_lock(&d->sweep_m);
    while (!d->sweep_stop && pthread_cond_timedwait(&d->sweep_wake, &d->sweep_m, &ts) != ETIMEDOUT)
        ;
    bool stop = d->sweep_stop;
    pthread_mutex_unlock(&d->sweep_m);
    return stop;
}

static struct srv_db *list_head(struct srv_dbs *d)
{
    pthread_mutex_lock(&d->lock);
    struct srv_db *db = d->list;
    pthread_mutex_unlock(&d->lock);
    return db;
}

/* One bounded step of `db`'s sweep under its locks; true when its round ended. */
static bool sweep_step(struct srv_dbs *d, struct srv_db *db, unsigned max_us, size_t *deleted,
                       struct pq_error *err, pq_status *rc)
{
    bool done = true;
    size_t n = 0;
    pthread_rwlock_rdlock(&db->gate);
    pthread_mutex_lock(&db->write);
    sync_clock(d, db->engine);
    *rc = pq_engine_ttl_sweep(db->engine, 0, max_us, &n, &done, err);
    pthread_mutex_unlock(&db->write);
    pthread_rwlock_unlock(&db->gate);
    *deleted += n;
    return done || *rc;
}

/* A round over every database in time-bounded steps, the locks given back
 * between steps (and a pause as long as the step) so requests interleave. */
static void *sweeper_main(void *arg)
{
    struct srv_dbs *d = arg;
    while (!sweep_wait(d, d->sweep_ms)) {
        for (struct srv_db *db = list_head(d); db; db = db->next) {
            for (;;) {
                struct pq_error err;
                size_t deleted = 0;
                pq_status rc;
                pq_error_init(&err);
                struct timespec started;
                clock_gettime(CLOCK_MONOTONIC, &started);
                bool done = sweep_step(d, db, PQ_ENGINE_SWEEP_STEP_US, &deleted, &err, &rc);
                pq_error_release(&err);
                /* A failed step (busy database) is tried again next round. */
                if (done || sweep_wait(d, 0)) break;
                pq_engine_sweep_pause(&started);
            }
        }
    }
    return NULL;
}

pq_status srv_dbs_sweeper_start(struct srv_dbs *d, unsigned interval_ms, struct pq_error *err)
{
    d->sweep_ms = interval_ms ? interval_ms : DEFAULT_SWEEP_MS;
    if (pthread_create(&d->sweeper, NULL, sweeper_main, d) != 0)
        return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                            "cannot start the TTL sweep thread");
    d->sweeping = true;
    return PQ_OK;
}

void srv_dbs_free(struct srv_dbs *d)
{
    if (!d) return;
    if (d->sweeping) {
        pthread_mutex_lock(&d->sweep_m);
        d->sweep_stop = true;
        pthread_cond_signal(&d->sweep_wake);
        pthread_mutex_unlock(&d->sweep_m);
        pthread_join(d->sweeper, NULL);
    }
    for (struct srv_db *db = d->list, *next; db; db = next) {
        next = db->next;
        db_free(db, d->tmp.path != NULL);
    }
    pq_tmpdir_remove(&d->tmp);
    pq_engine_close(d->clock);
    pthread_mutex_destroy(&d->lock);
    pthread_mutex_destroy(&d->clock_op);
    pthread_mutex_destroy(&d->clock_lock);
    pthread_mutex_destroy(&d->sweep_m);
    pthread_cond_destroy(&d->sweep_wake);
    free(d->dir);
    free(d->shared_path);
    free(d->endpoint);
    free(d);
}

/* ---- lookup ------------------------------------------------------------- */

bool srv_dbs_per_key(const struct srv_dbs *d)
{
    return d->per_key;
}

const char *srv_dbs_where(const struct srv_dbs *d)
{
    return d->dir ? d->dir : d->shared_path ? d->shared_path : ":memory:";
}

const char *srv_db_name(const struct srv_db *db)
{
    return db->name;
}

pq_status srv_dbs_get(struct srv_dbs *d, const char *name, struct srv_db **out,
                      struct pq_error *err)
{
    pq_status rc = PQ_OK;
    *out = NULL;
    if (!d->per_key) {
        *out = list_head(d);
        return PQ_OK;
    }
    if (!name_ok(name))
        return pq_error_set(err, PQ_ERR_USAGE, PQ_NO_POS, PQ_NO_POS,
                            "'%s' is not a database name (ACCESS_KEY_ID/region)", name);
    pthread_mutex_lock(&d->lock);
    for (struct srv_db *db = d->list; db; db = db->next)
        if (strcmp(db->name, name) == 0) {
            *out = db;
            goto out;
        }
    if (d->count >= d->max) {
        /* pqsh's own limit (no DynamoDB error fits): a bound on what
         * unauthenticated clients can make the server hold. */
        rc = pq_error_service(err, "LimitExceededException",
                              "pqsh serve holds at most %zu databases (one per access key id and "
                              "region); start it with --shared-db for one set of tables",
                              d->max);
        goto out;
    }
    /* Opened under the list lock: a second request for the same new
     * database waits for this one rather than opening it twice. */
    struct srv_db *db = db_new(name);
    char file[MAX_NAME + 8];
    snprintf(file, sizeof file, "%s.db", name);
    *strchr(file, '/') = '_';
    db->path = join(d->dir ? d->dir : d->tmp.path, file);
    if (d->dir) {
        if ((rc = ensure_dir(d->dir, err))) {
            db_free(db, false);
            goto out;
        }
    }
    struct pq_engine_options eo = {
        .path = db->path, .fixed_time = d->fixed_time, .collection_limit = d->collection_limit};
    if ((rc = pq_engine_open(&eo, &db->engine, err))) {
        db_free(db, false);
        goto out;
    }
    if (d->endpoint) pq_engine_set_endpoint(db->engine, d->endpoint);
    db->next = d->list;
    d->list = db;
    d->count++;
    *out = db;
out:
    pthread_mutex_unlock(&d->lock);
    return rc;
}

pq_status srv_dbs_for_request(struct srv_dbs *d, const struct srv_request *rq, struct srv_db **out,
                              struct pq_error *err)
{
    if (!d->per_key) return srv_dbs_get(d, NULL, out, err);
    char *akid = NULL, *region = NULL, *name = NULL;
    pq_status rc;
    if (!srv_auth_scope(rq, &akid, &region))
        rc = pq_error_service(err, "MissingAuthenticationTokenException",
                              "Request is missing Authentication Token");
    else if (!(rc = pq_server_db_name(akid, region, &name, err)))
        rc = srv_dbs_get(d, name, out, err);
    free(akid);
    free(region);
    free(name);
    return rc;
}

/* ---- calls -------------------------------------------------------------- */

/* The first word of a PartiQL statement is SELECT (a statement that starts
 * otherwise, with a comment say, is taken for a write: it runs on the
 * writer, which answers every statement). */
static bool is_select(const json_t *statement)
{
    const char *p = json_string_value(statement);
    if (!p) return false;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    if (strncasecmp(p, "select", 6) != 0) return false;
    char c = p[6];
    return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '_' || c == '"');
}

/* Operations that never write (the engine gives a reader's writes an error). */
static bool is_read(const char *op, const json_t *req)
{
    static const char *const reads[] = {
        "GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems", "DescribeTable",
        "ListTables", "DescribeTimeToLive", "ListTagsOfResource", "DescribeLimits",
        "DescribeEndpoints", "DescribeContinuousBackups", "DescribeKinesisStreamingDestination",
        "DescribeContributorInsights", "ListContributorInsights", "ListBackups", "ListGlobalTables",
        "ListExports", "ListImports",
        /* The streams API only reads; retention is the writer's (its
         * write path and the sweeper), the reads see it without writing. */
        "DynamoDBStreams_20120810.ListStreams", "DynamoDBStreams_20120810.DescribeStream",
        "DynamoDBStreams_20120810.GetShardIterator", "DynamoDBStreams_20120810.GetRecords", NULL};
    if (!op) return false;
    for (const char *const *p = reads; *p; p++)
        if (strcmp(*p, op) == 0) return true;
    if (strcmp(op, "ExecuteStatement") == 0)
        return json_is_object(req) && is_select(json_object_get(req, "Statement"));
    if (strcmp(op, "BatchExecuteStatement") == 0) {
        const json_t *list = json_is_object(req) ? json_object_get(req, "Statements") : NULL;
        if (!json_is_array(list) || json_array_size(list) == 0) return false;
        size_t i;
        const json_t *st;
        json_array_foreach(list, i, st)
        {
            if (!json_is_object(st) || !is_select(json_object_get(st, "Statement"))) return false;
        }
        return true;
    }
    return false;
}

/* Takes a reader of `db` (opening one if the pool has room, waiting when
 * every one is busy); -1 when none can be opened. Under the gate. */
static int reader_take(struct srv_dbs *d, struct srv_db *db)
{
    int slot = -1;
    bool open = false;
    pthread_mutex_lock(&db->pool);
    for (;;) {
        for (unsigned i = 0; i < d->readers && slot < 0; i++)
            if (db->state[i] == R_FREE) slot = (int)i;
        for (unsigned i = 0; i < d->readers && slot < 0; i++)
            if (db->state[i] == R_EMPTY) slot = (int)i, open = true;
        if (slot >= 0) break;
        pthread_cond_wait(&db->freed, &db->pool);
    }
    db->state[slot] = R_BUSY;
    pthread_mutex_unlock(&db->pool);
    if (!open) return slot;
    struct pq_error err;
    pq_error_init(&err);
    struct pq_engine *e = NULL;
    pq_status rc = engine_open(d, db, true, &e, &err);
    pq_error_release(&err);
    pthread_mutex_lock(&db->pool);
    db->readers[slot] = e;
    if (rc) db->state[slot] = R_EMPTY, slot = -1;
    pthread_cond_signal(&db->freed);
    pthread_mutex_unlock(&db->pool);
    return slot;
}

static void reader_give(struct srv_db *db, int slot)
{
    pthread_mutex_lock(&db->pool);
    db->state[slot] = R_FREE;
    pthread_cond_signal(&db->freed);
    pthread_mutex_unlock(&db->pool);
}

pq_status srv_db_call(struct srv_dbs *d, struct srv_db *db, const char *op, json_t *request,
                      json_t **response, struct pq_error *err)
{
    pq_status rc;
    /* Held for reading until srv_db_drop: see internal.h. */
    pthread_rwlock_rdlock(&db->gate);
    int slot = db->borrowed || !is_read(op, request) ? -1 : reader_take(d, db);
    if (slot >= 0) {
        struct pq_engine *e = db->readers[slot];
        sync_clock(d, e);
        rc = pq_engine_call(e, op, request, response, err);
        reader_give(db, slot);
    } else {
        /* Writes, and reads when no reader could be opened. */
        pthread_mutex_lock(&db->write);
        sync_clock(d, db->engine);
        rc = pq_engine_call(db->engine, op, request, response, err);
        pthread_mutex_unlock(&db->write);
    }
    return rc;
}

void srv_db_drop(struct srv_db *db, json_t *response)
{
    json_decref(response);
    pthread_rwlock_unlock(&db->gate);
}

pq_status srv_db_call_copy(struct srv_dbs *d, struct srv_db *db, const char *op, json_t *request,
                           json_t **response, struct pq_error *err)
{
    json_t *given = NULL;
    pq_status rc = srv_db_call(d, db, op, request, &given, err);
    *response = given ? json_deep_copy(given) : NULL;
    srv_db_drop(db, given);
    return rc;
}

pq_status srv_dbs_admin(struct srv_dbs *d, const char *op, json_t *request, json_t **response,
                        struct pq_error *err)
{
    *response = NULL;
    if (op && strcmp(op, "pqsh:Clock") == 0) {
        pthread_mutex_lock(&d->clock_op);
        pthread_mutex_lock(&d->clock_lock);
        pq_status rc = pq_engine_admin(d->clock, op, request, response, err);
        pthread_mutex_unlock(&d->clock_lock);
        pthread_mutex_unlock(&d->clock_op);
        return rc;
    }
    if (op && strcmp(op, "pqsh:TtlSweep") == 0) {
        if (request && !json_is_object(request) && !json_is_null(request))
            return pq_error_service(err, "SerializationException", "%s",
                                    "Start of structure or map expected");
        /* Every database, each from the start of a round: whatever a
         * background step left behind is finished first, then one whole
         * round runs (as pq_engine_admin's sweep). */
        size_t total = 0;
        for (struct srv_db *db = list_head(d); db; db = db->next) {
            for (int rounds = 0; rounds < 2;) {
                pq_status rc;
                if (sweep_step(d, db, 0, &total, err, &rc)) rounds++;
                if (rc) return rc;
            }
        }
        *response = json_pack("{s:I}", "Deleted", (json_int_t)total);
        return PQ_OK;
    }
    return pq_error_service(err, "UnknownOperationException", "%s", "");
}

void srv_dbs_set_endpoint(struct srv_dbs *d, const char *address)
{
    pthread_mutex_lock(&d->lock);
    free(d->endpoint);
    d->endpoint = pq_xstrdup(address);
    struct srv_db *head = d->list;
    pthread_mutex_unlock(&d->lock);
    for (struct srv_db *db = head; db; db = db->next) {
        pthread_rwlock_wrlock(&db->gate);
        pq_engine_set_endpoint(db->engine, address);
        for (size_t i = 0; i < MAX_READERS; i++)
            if (db->readers[i]) pq_engine_set_endpoint(db->readers[i], address);
        pthread_rwlock_unlock(&db->gate);
    }
}

/* ---- reset and list ----------------------------------------------------- */

static void remove_files(const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        size_t n = strlen(path) + strlen(suffixes[i]) + 1;
        char *p = pq_xmalloc(n);
        snprintf(p, n, "%s%s", path, suffixes[i]);
        unlink(p);
        free(p);
    }
}

/* The gate taken for writing waits for every call in flight, and for the
 * answers they gave to be dropped (srv_db_drop), before the engines close. */
pq_status srv_db_reset(struct srv_dbs *d, struct srv_db *db, struct pq_error *err)
{
    if (db->borrowed)
        return pq_error_set(err, PQ_ERR_USAGE, PQ_NO_POS, PQ_NO_POS,
                            "the database was given to the server and cannot be reset by it");
    pthread_rwlock_wrlock(&db->gate);
    close_readers(db);
    pq_engine_close(db->engine);
    db->engine = NULL;
    remove_files(db->path);
    pq_status rc = engine_open(d, db, false, &db->engine, err);
    pthread_rwlock_unlock(&db->gate);
    return rc;
}

/* Tables, items and bytes of one database, through its own API (answers
 * copied: the ListTables page is kept across the DescribeTable calls,
 * which would otherwise take the gate again while holding it). */
static pq_status db_stats(struct srv_dbs *d, struct srv_db *db, struct pq_server_db_stats *s,
                          struct pq_error *err)
{
    json_t *req = json_object(), *resp = NULL;
    pq_status rc = PQ_OK;
    const char *start = NULL;
    char *last = NULL;
    do {
        json_object_clear(req);
        if (start) json_object_set_new(req, "ExclusiveStartTableName", json_string(start));
        json_decref(resp);
        if ((rc = srv_db_call_copy(d, db, "ListTables", req, &resp, err))) break;
        size_t i;
        json_t *t;
        json_array_foreach(json_object_get(resp, "TableNames"), i, t)
        {
            json_t *dreq = json_pack("{s:O}", "TableName", t), *dresp = NULL;
            rc = srv_db_call_copy(d, db, "DescribeTable", dreq, &dresp, err);
            json_decref(dreq);
            if (rc == PQ_OK) {
                json_t *td = json_object_get(dresp, "Table");
                s->tables++;
                s->items += json_integer_value(json_object_get(td, "ItemCount"));
                s->bytes += json_integer_value(json_object_get(td, "TableSizeBytes"));
            } else if (err->type && strcmp(err->type, "ResourceNotFoundException") == 0) {
                /* Deleted between the two calls. */
                pq_error_release(err);
                pq_error_init(err);
                rc = PQ_OK;
            }
            json_decref(dresp);
            if (rc) break;
        }
        const char *next = json_string_value(json_object_get(resp, "LastEvaluatedTableName"));
        free(last);
        last = next ? pq_xstrdup(next) : NULL;
        start = last;
    } while (rc == PQ_OK && start);
    free(last);
    json_decref(req);
    json_decref(resp);
    return rc;
}

pq_status srv_dbs_list(struct srv_dbs *d, struct pq_server_db_stats **out, size_t *n,
                       struct pq_error *err)
{
    pthread_mutex_lock(&d->lock);
    struct srv_db *head = d->list;
    size_t count = d->count;
    pthread_mutex_unlock(&d->lock);
    struct pq_server_db_stats *v = pq_xcalloc(count ? count : 1, sizeof *v);
    size_t i = 0;
    pq_status rc = PQ_OK;
    for (struct srv_db *db = head; db && i < count; db = db->next, i++) {
        v[i].name = pq_xstrdup(db->name);
        if ((rc = db_stats(d, db, &v[i], err))) {
            pq_server_db_list_free(v, i + 1);
            *out = NULL;
            *n = 0;
            return rc;
        }
    }
    *out = v;
    *n = i;
    return PQ_OK;
}

void pq_server_db_list_free(struct pq_server_db_stats *list, size_t n)
{
    for (size_t i = 0; list && i < n; i++)
        free(list[i].name);
    free(list);
}
