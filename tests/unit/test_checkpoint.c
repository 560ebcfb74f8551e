/* test_checkpoint.c — the writer's WAL checkpoints on their own thread (checkpoint.c):
 * the log is started over so it stays bounded, nothing is lost, the log is
 * gone after close, and one transaction larger than the bound still commits. */
#include "check.h"
#include "engine/internal.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static struct pq_error err;

struct files {
    char dir[64], db[128], wal[136], shm[136];
};

static void files_make(struct files *f)
{
    snprintf(f->dir, sizeof f->dir, "/tmp/pqsh-ckpt-XXXXXX");
    if (!mkdtemp(f->dir)) {
        perror("mkdtemp");
        exit(1);
    }
    snprintf(f->db, sizeof f->db, "%s/db.sqlite", f->dir);
    snprintf(f->wal, sizeof f->wal, "%s-wal", f->db);
    snprintf(f->shm, sizeof f->shm, "%s-shm", f->db);
}

static void files_remove(const struct files *f)
{
    unlink(f->wal);
    unlink(f->shm);
    unlink(f->db);
    rmdir(f->dir);
}

static long long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static const struct pq_table_meta *create_table(struct pq_store *s)
{
    struct pq_key_attr hash = {"id", 'S'};
    json_t *desc = json_pack("{s:s}", "TableName", "Orders");
    const struct pq_table_meta *t = NULL;
    CHECK_EQ(store_begin(s, &err), PQ_OK);
    CHECK_EQ(store_table_create(s, "Orders", &hash, NULL, desc, &err), PQ_OK);
    CHECK_EQ(store_table_get(s, "Orders", &t, &err), PQ_OK);
    CHECK_EQ(store_commit(s, &err), PQ_OK);
    return t;
}

/* An item with key "k<i>" and a string of `pad` bytes. */
static void put_item(struct pq_store *s, const struct pq_table_meta *t, int i, size_t pad)
{
    char key[32];
    snprintf(key, sizeof key, "k%08d", i);
    char *text = malloc(pad + 1);
    memset(text, 'x', pad);
    text[pad] = '\0';
    json_t *item = json_pack("{s:{s:s}, s:{s:s}}", "id", "S", key, "pad", "S", text);
    CHECK_EQ(store_item_put(s, t, item, NULL, &err), PQ_OK);
    json_decref(item);
    free(text);
}

static int64_t count_items(const char *path)
{
    struct pq_store *s = NULL;
    const struct pq_table_meta *t = NULL;
    int64_t count = -1, bytes = 0;
    CHECK_EQ(store_open(path, &s, &err), PQ_OK);
    if (!s) return -1;
    CHECK_EQ(store_begin(s, &err), PQ_OK);
    CHECK_EQ(store_table_get(s, "Orders", &t, &err), PQ_OK);
    if (t) CHECK_EQ(store_table_stats(s, t, &count, &bytes, &err), PQ_OK);
    CHECK_EQ(store_commit(s, &err), PQ_OK);
    store_close(s);
    return count;
}

/* A new database file with an empty table Orders: the table, or NULL. */
static const struct pq_table_meta *open_new(struct files *f, struct pq_store **s)
{
    files_make(f);
    CHECK_EQ(store_open(f->db, s, &err), PQ_OK);
    return *s ? create_table(*s) : NULL;
}

/* One commit per item, many more frames than the bound: the log file never
 * grows past the bound (the writer starts it over), the thread ran rounds
 * and the writer finished some itself. */
static void test_log_bounded(void)
{
    struct files f;
    struct pq_store *s = NULL;
    const struct pq_table_meta *t = open_new(&f, &s);
    REQUIRE(t != NULL);
    sqlite3_stmt *ps = NULL;
    sqlite3_prepare_v2(store_db(s), "PRAGMA page_size", -1, &ps, NULL);
    CHECK_EQ(sqlite3_step(ps), SQLITE_ROW);
    long long page = sqlite3_column_int64(ps, 0);
    sqlite3_finalize(ps);
    /* The log's header (32 bytes), then a 24-byte header per frame. */
    long long bound = 32 + (page + 24) * STORE_CKPT_MAX_FRAMES;
    enum { N = 3 * STORE_CKPT_MAX_FRAMES };
    long long most = 0;
    for (int i = 0; i < N; i++) {
        CHECK_EQ(store_begin(s, &err), PQ_OK);
        put_item(s, t, i, 100);
        CHECK_EQ(store_commit(s, &err), PQ_OK);
        long long size = file_size(f.wal);
        if (size > most) most = size;
    }
    CHECK(most > 0);
    if (most > bound) fprintf(stderr, "log grew to %lld bytes, bound %lld\n", most, bound);
    CHECK(most <= bound);
    struct store_ckpt_stats st = store_checkpoints(s);
    CHECK(st.rounds >= 1);
    CHECK(st.inline_rounds >= 1);
    /* Each inline checkpoint starts the log over: about one per
     * STORE_CKPT_REWIND_FRAMES frames, not one per 1,000 as SQLite's own rule. */
    CHECK(st.inline_rounds <= (unsigned long)(3 * N / STORE_CKPT_REWIND_FRAMES) + 1);
    store_close(s);
    /* The writer closed last: the log was checkpointed and removed. */
    CHECK_EQ(file_size(f.wal), -1);
    CHECK_EQ(count_items(f.db), N);
    files_remove(&f);
}

/* A first transaction larger than the bound, before any round: the writer
 * checkpoints it itself (no thread to wait for), and a reader that opens
 * afterwards sees it all. */
static void test_one_large_transaction(void)
{
    struct files f;
    struct pq_store *s = NULL;
    const struct pq_table_meta *t = open_new(&f, &s);
    REQUIRE(t != NULL);
    /* 64 KB items: 16 or 17 overflow pages each. */
    enum { N = STORE_CKPT_MAX_FRAMES / 16 + 16 };
    CHECK_EQ(store_begin(s, &err), PQ_OK);
    for (int i = 0; i < N; i++)
        put_item(s, t, i, 64 * 1024);
    CHECK_EQ(store_commit(s, &err), PQ_OK);
    struct store_ckpt_stats st = store_checkpoints(s);
    CHECK_EQ(st.rounds, 0);
    CHECK_EQ(st.inline_rounds, 1);
    /* The next write starts the log over: the file stops growing. */
    long long after_big = file_size(f.wal);
    for (int i = 0; i < 100; i++) {
        CHECK_EQ(store_begin(s, &err), PQ_OK);
        put_item(s, t, N + i, 100);
        CHECK_EQ(store_commit(s, &err), PQ_OK);
    }
    CHECK_EQ(file_size(f.wal), after_big);
    CHECK_EQ(count_items(f.db), N + 100);
    store_close(s);
    CHECK_EQ(count_items(f.db), N + 100);
    files_remove(&f);
}

/* An in-memory store has no log, hence no checkpoints. */
static void test_memory(void)
{
    struct pq_store *s = NULL;
    CHECK_EQ(store_open(":memory:", &s, &err), PQ_OK);
    if (!s) return;
    const struct pq_table_meta *t = create_table(s);
    REQUIRE(t != NULL);
    for (int i = 0; i < 2000; i++) {
        CHECK_EQ(store_begin(s, &err), PQ_OK);
        put_item(s, t, i, 100);
        CHECK_EQ(store_commit(s, &err), PQ_OK);
    }
    struct store_ckpt_stats st = store_checkpoints(s);
    CHECK_EQ(st.rounds + st.inline_rounds, 0);
    store_close(s);
}

int main(void)
{
    pq_error_init(&err);
    test_log_bounded();
    test_one_large_transaction();
    test_memory();
    pq_error_release(&err);
    DONE();
}
