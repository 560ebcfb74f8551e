/* checkpoint.c — the writer's WAL checkpoints, on a thread of their own.
 *
 * SQLite checkpoints a WAL database itself when a commit leaves 1000 frames
 * in the log (wal_autocheckpoint): inside that commit's call it syncs the
 * log, copies the pages into the database file and syncs that. The API call
 * that happened to commit then waits for two fdatasyncs; on the benchmark
 * machine they were ~0.65 s of the 3.3 s a 100,000-INSERT script took (an
 * ext4 fdatasync waits for the disk, ~2 ms each). The engine's writer turns
 * that off (its own wal hook replaces SQLite's) and hands the checkpoints to
 * a thread with a connection of its own, which runs PASSIVE ones: they never
 * wait for the writer or a reader, and copy what no reader still needs.
 *
 * The log is only started over (rewound, so the file stops growing) by the
 * first write after a checkpoint that left no frame behind. A passive
 * checkpoint beside a busy writer never quite gets there: the writer adds
 * frames while the thread syncs. So once the log holds REWIND_FRAMES frames,
 * the writer itself checkpoints what the thread has not copied yet, just
 * after one of its rounds: a few hundred frames and two short syncs every
 * ~8,000 frames, where SQLite's own rule costs two long syncs every 1,000.
 * The log file thus grows to about REWIND_FRAMES pages (32 MB with 4 KB
 * pages; SQLite's rule keeps it near 4 MB), and only one transaction larger
 * than that takes it past REWIND_MAX_FRAMES.
 *
 * The thread and its connection are made at the first round, so a short
 * session (one -c statement) pays for neither. Where they cannot be made the
 * writer checkpoints inline every CKPT_FRAMES frames, as SQLite would.
 * The last connection to close still checkpoints everything and removes
 * the log: store_ckpt_stop closes the thread's connection before the
 * writer's closes.
 */
#include "engine/internal.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>

/* SQLite's default autocheckpoint threshold: a round starts when this many
 * frames are in the log beyond those already copied. */
#define CKPT_FRAMES 1000
/* The log size (frames) from which the writer finishes a checkpoint itself
 * (just after a round of the thread), so that the next write starts the
 * log over; and the size at which it does so at once, waiting for a round
 * still running. */
#define REWIND_FRAMES STORE_CKPT_REWIND_FRAMES
#define REWIND_MAX_FRAMES STORE_CKPT_MAX_FRAMES

struct store_ckpt {
    sqlite3 *writer;  /* borrowed: the writer's connection */
    char *file;       /* the writer's file, for the thread's connection */
    sqlite3 *db;      /* the thread's connection, or NULL before the first round */
    pthread_t thread; /* valid when `started` */
    pthread_mutex_t m;
    pthread_cond_t wake;  /* `busy` was set, or `stop` */
    pthread_cond_t idle;  /* `busy` was cleared */
    bool started, failed; /* failed: no thread or connection; checkpoint inline */
    bool busy;            /* a round is asked for or running */
    bool stop;
    int copied; /* frames of the log in the database after the last round */
    struct store_ckpt_stats stats;
};

/* Opens the thread's connection to the writer's file (NULL on failure,
 * after which the writer checkpoints inline for good). */
static sqlite3 *open_own(const struct store_ckpt *c)
{
    sqlite3 *db = NULL;
    if (!c->file || sqlite3_open_v2(c->file, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                                    NULL) != SQLITE_OK)
        goto fail;
    /* Only the first read can be kept waiting (another connection
     * recovering the log, say); a PASSIVE checkpoint never waits. */
    sqlite3_busy_timeout(db, 5000);
    /* A checkpoint needs the connection's log open: a first read opens it. */
    if (sqlite3_exec(db, "SELECT 1 FROM sqlite_master LIMIT 1", NULL, NULL, NULL) != SQLITE_OK)
        goto fail;
    return db;
fail:
    sqlite3_close_v2(db);
    return NULL;
}

/* A PASSIVE checkpoint of `db`: the frames of the log now in the database,
 * or -1 when it failed (SQLITE_BUSY: another connection was checkpointing,
 * and copied). */
static int passive(sqlite3 *db, const char *name)
{
    int log = 0, copied = 0;
    int rc = sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
    return rc == SQLITE_OK ? copied : -1;
}

static void *ckpt_main(void *arg)
{
    struct store_ckpt *c = arg;
    pthread_mutex_lock(&c->m);
    for (;;) {
        while (!c->stop && !c->busy)
            pthread_cond_wait(&c->wake, &c->m);
        if (c->stop) break;
        pthread_mutex_unlock(&c->m);
        if (!c->db) c->db = open_own(c);
        int copied = c->db ? passive(c->db, NULL) : -1;
        pthread_mutex_lock(&c->m);
        if (!c->db) c->failed = true;
        if (copied >= 0) __atomic_store_n(&c->copied, copied, __ATOMIC_RELAXED);
        c->stats.rounds++;
        __atomic_store_n(&c->busy, false, __ATOMIC_RELAXED);
        pthread_cond_broadcast(&c->idle);
    }
    pthread_mutex_unlock(&c->m);
    return NULL;
}

/* Starts the thread (c->m held); false when it cannot be started. Every
 * signal stays with the other threads (Ctrl-C is the shell's). */
static bool start_thread(struct store_ckpt *c)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    c->started = pthread_create(&c->thread, NULL, ckpt_main, c) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return c->started;
}

/* Asks the thread for a round (c->m held); false when there is no thread. */
static bool ask_round(struct store_ckpt *c)
{
    if (c->failed || (!c->started && !start_thread(c))) {
        c->failed = true;
        return false;
    }
    __atomic_store_n(&c->busy, true, __ATOMIC_RELAXED);
    pthread_cond_signal(&c->wake);
    return true;
}

/* The writer's wal hook: called after each commit of the writer's
 * connection, outside its transaction, with the frames now in the log. */
static int on_commit(void *arg, sqlite3 *db, const char *name, int frames)
{
    struct store_ckpt *c = arg;
    /* Most commits have nothing to do, which is seen without the lock
     * (`copied` and `busy` are written under it). */
    int done = __atomic_load_n(&c->copied, __ATOMIC_RELAXED);
    if (frames < REWIND_FRAMES && frames >= done &&
        (frames - done < CKPT_FRAMES || __atomic_load_n(&c->busy, __ATOMIC_RELAXED)))
        return SQLITE_OK;
    pthread_mutex_lock(&c->m);
    /* Fewer frames than copied: the log was started over since. */
    if (frames < c->copied) __atomic_store_n(&c->copied, 0, __ATOMIC_RELAXED);
    int waiting = frames - c->copied;
    bool now = false;
    if (frames >= REWIND_MAX_FRAMES) {
        /* The thread is slow (or one transaction was large): the writer
         * waits for its round and finishes the checkpoint. */
        while (c->busy)
            pthread_cond_wait(&c->idle, &c->m);
        now = true;
    } else if (c->busy) {
        /* The running round copies; the next commit looks again. */
    } else if (frames >= REWIND_FRAMES) {
        /* Time to start the log over: finished here when little is left
         * (just after a round), else after one more round. */
        now = waiting < CKPT_FRAMES / 2 || !ask_round(c);
    } else if (waiting >= CKPT_FRAMES) {
        now = !ask_round(c);
    }
    pthread_mutex_unlock(&c->m);
    if (!now) return SQLITE_OK;
    int copied = passive(db, name);
    pthread_mutex_lock(&c->m);
    if (copied >= 0) __atomic_store_n(&c->copied, copied, __ATOMIC_RELAXED);
    c->stats.inline_rounds++;
    pthread_mutex_unlock(&c->m);
    /* As SQLite's own hook: a failed checkpoint is not the commit's failure. */
    return SQLITE_OK;
}

struct store_ckpt *store_ckpt_start(sqlite3 *writer)
{
    struct store_ckpt *c = pq_xcalloc(1, sizeof *c);
    c->writer = writer;
    const char *file = sqlite3_db_filename(writer, "main");
    c->file = file && *file ? pq_xstrdup(file) : NULL;
    pthread_mutex_init(&c->m, NULL);
    pthread_cond_init(&c->wake, NULL);
    pthread_cond_init(&c->idle, NULL);
    sqlite3_wal_hook(writer, on_commit, c);
    return c;
}

void store_ckpt_stop(struct store_ckpt *c)
{
    if (!c) return;
    sqlite3_wal_hook(c->writer, NULL, NULL);
    pthread_mutex_lock(&c->m);
    c->stop = true;
    pthread_cond_signal(&c->wake);
    pthread_mutex_unlock(&c->m);
    if (c->started) pthread_join(c->thread, NULL);
    sqlite3_close_v2(c->db);
    free(c->file);
    pthread_cond_destroy(&c->idle);
    pthread_cond_destroy(&c->wake);
    pthread_mutex_destroy(&c->m);
    free(c);
}

struct store_ckpt_stats store_ckpt_stats(struct store_ckpt *c)
{
    struct store_ckpt_stats st = {0, 0};
    if (!c) return st;
    pthread_mutex_lock(&c->m);
    st = c->stats;
    pthread_mutex_unlock(&c->m);
    return st;
}
