/* test_store.c — the engine's SQLite store: tables, items, ordered cursors, savepoints, files. */
#include "check.h"
#include "engine/internal.h"
#include "pqsh/value.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static struct pq_error err;

static json_t *J(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    if (!j) {
        fprintf(stderr, "bad JSON in test: %s: %s\n", text, e.text);
        abort();
    }
    return j;
}

/* The tables here have neither a stream nor item collections, so a
 * rewrite need not give the item it replaces. */
static void put(struct pq_store *s, const struct pq_table_meta *t, const char *item)
{
    json_t *j = J(item);
    CHECK_EQ(store_item_put(s, t, j, NULL, &err), PQ_OK);
    json_decref(j);
}

/* Encodes one AttributeValue given as JSON text into `b`. */
static void key_of(const char *av, struct pq_buf *b)
{
    json_t *j = J(av);
    pq_buf_reset(b);
    CHECK(pq_value_encode_key(j, b));
    json_decref(j);
}

/* Runs a cursor and returns the values of attribute `attr` as a string like
 * "-10 -2 0" (S/N payloads; B payloads are base64). */
static char *scan(struct pq_store *s, const struct pq_table_meta *t, const struct pq_range *r,
                  const char *attr, int max, struct pq_key *last)
{
    struct pq_cursor *c = NULL;
    struct pq_buf out = PQ_BUF_INIT;
    pq_buf_init(&out);
    CHECK_EQ(store_cursor_open(s, t, r, &c, &err), PQ_OK);
    if (!c) return pq_buf_detach(&out, NULL);
    json_t *item;
    size_t size;
    struct pq_key k;
    store_key_init(&k);
    for (int n = 0; max < 0 || n < max; n++) {
        CHECK_EQ(store_cursor_next(c, &item, &size, &k, &err), PQ_OK);
        if (!item) break;
        if (!r->index) CHECK_EQ(size, pq_item_size(item));
        json_t *v = pq_value_payload(json_object_get(item, attr));
        pq_buf_addf(&out, "%s%s", out.len ? " " : "", json_string_value(v));
        json_decref(item);
        if (last) {
            pq_buf_reset(&last->hk);
            pq_buf_reset(&last->rk);
            pq_buf_add(&last->hk, k.hk.data, k.hk.len);
            pq_buf_add(&last->rk, k.rk.data, k.rk.len);
            pq_buf_reset(&last->bhk);
            pq_buf_reset(&last->brk);
            pq_buf_add(&last->bhk, k.bhk.data, k.bhk.len);
            pq_buf_add(&last->brk, k.brk.data, k.brk.len);
        }
    }
    store_key_release(&k);
    store_cursor_close(c);
    return pq_buf_detach(&out, NULL);
}

#define CHECK_SCAN(s, t, r, attr, expected)                                                        \
    do {                                                                                           \
        char *got_ = scan(s, t, r, attr, -1, NULL);                                                \
        CHECK_STR(got_, expected);                                                                 \
        free(got_);                                                                                \
    } while (0)

static const struct pq_table_meta *create(struct pq_store *s, const char *name, const char *h,
                                          char ht, const char *r, char rt)
{
    struct pq_key_attr hash = {(char *)h, ht}, range = {(char *)r, rt};
    CHECK_EQ(store_table_create(s, name, &hash, r ? &range : NULL, J("{\"TableName\": 1}"), &err),
             PQ_OK);
    const struct pq_table_meta *t = NULL;
    CHECK_EQ(store_table_get(s, name, &t, &err), PQ_OK);
    CHECK(t != NULL);
    return t;
}

static void test_numeric_keys(struct pq_store *s)
{
    CHECK_EQ(store_begin(s, &err), PQ_OK);
    const struct pq_table_meta *t = create(s, "Nums", "pk", 'S', "n", 'N');
    CHECK_EQ(t->hash.type, 'S');
    CHECK_STR(t->range.name, "n");
    /* Inserted out of order; two other partitions around "a". */
    const char *ns[] = {"10", "1.5", "-2", "0", "-10"};
    for (size_t i = 0; i < 5; i++) {
        char item[128];
        snprintf(item, sizeof item,
                 "{\"pk\":{\"S\":\"a\"},\"n\":{\"N\":\"%s\"},\"x\":{\"S\":\"a%s\"}}", ns[i], ns[i]);
        put(s, t, item);
    }
    put(s, t, "{\"pk\":{\"S\":\"0\"},\"n\":{\"N\":\"5\"}}");
    put(s, t, "{\"pk\":{\"S\":\"b\"},\"n\":{\"N\":\"-100\"}}");

    struct pq_buf hk = PQ_BUF_INIT, lo = PQ_BUF_INIT, hi = PQ_BUF_INIT;
    pq_buf_init(&hk);
    pq_buf_init(&lo);
    pq_buf_init(&hi);
    key_of("{\"S\":\"a\"}", &hk);
    struct pq_range r = {0};
    r.hk = &hk;
    CHECK_SCAN(s, t, &r, "n", "-10 -2 0 1.5 10");
    r.descending = true;
    CHECK_SCAN(s, t, &r, "n", "10 1.5 0 -2 -10");

    /* Bounds: -2 <= n < 1.5, then -2 < n <= 10. */
    r.descending = false;
    key_of("{\"N\":\"-2\"}", &lo);
    key_of("{\"N\":\"1.5\"}", &hi);
    r.rk_lo = &lo;
    r.lo_inclusive = true;
    r.rk_hi = &hi;
    r.hi_inclusive = false;
    CHECK_SCAN(s, t, &r, "n", "-2 0");
    r.descending = true;
    CHECK_SCAN(s, t, &r, "n", "0 -2");
    r.lo_inclusive = false;
    r.hi_inclusive = true;
    key_of("{\"N\":\"10\"}", &hi);
    r.descending = false;
    CHECK_SCAN(s, t, &r, "n", "0 1.5 10");
    /* Numbers equal in value but written differently are the same key. */
    key_of("{\"N\":\"1.50\"}", &lo);
    r.rk_hi = NULL;
    r.lo_inclusive = true;
    CHECK_SCAN(s, t, &r, "n", "1.5 10");

    /* Resume after a key, ascending and descending, in the partition. */
    struct pq_range p = {0};
    p.hk = &hk;
    struct pq_key last;
    store_key_init(&last);
    char *first = scan(s, t, &p, "n", 2, &last);
    CHECK_STR(first, "-10 -2");
    free(first);
    p.after = &last;
    CHECK_SCAN(s, t, &p, "n", "0 1.5 10");
    p.descending = true;
    CHECK_SCAN(s, t, &p, "n", "-10");

    /* Whole table in key order: partitions by encoded S, then n. */
    struct pq_range all = {0};
    CHECK_SCAN(s, t, &all, "n", "5 -10 -2 0 1.5 10 -100");
    all.descending = true;
    CHECK_SCAN(s, t, &all, "n", "-100 10 1.5 0 -2 -10 5");
    all.descending = false;
    char *page = scan(s, t, &all, "n", 3, &last);
    CHECK_STR(page, "5 -10 -2");
    free(page);
    all.after = &last; /* resumes inside partition "a" and crosses into "b" */
    CHECK_SCAN(s, t, &all, "n", "0 1.5 10 -100");
    all.descending = true;
    CHECK_SCAN(s, t, &all, "n", "-10 5");

    /* Two cursors of the same shape at once (nested read). */
    struct pq_cursor *c1, *c2;
    json_t *i1, *i2;
    CHECK_EQ(store_cursor_open(s, t, &r, &c1, &err), PQ_OK);
    CHECK_EQ(store_cursor_open(s, t, &r, &c2, &err), PQ_OK);
    CHECK_EQ(store_cursor_next(c1, &i1, NULL, NULL, &err), PQ_OK);
    CHECK_EQ(store_cursor_next(c2, &i2, NULL, NULL, &err), PQ_OK);
    CHECK(i1 && i2 && json_equal(i1, i2));
    json_decref(i1);
    json_decref(i2);
    store_cursor_close(c2);
    CHECK_EQ(store_cursor_next(c1, &i1, NULL, NULL, &err), PQ_OK);
    CHECK_STR(json_string_value(pq_value_payload(json_object_get(i1, "n"))), "10");
    json_decref(i1);
    store_cursor_close(c1);

    store_key_release(&last);
    pq_buf_release(&hk);
    pq_buf_release(&lo);
    pq_buf_release(&hi);
    CHECK_EQ(store_commit(s, &err), PQ_OK);
}

static void test_string_keys(struct pq_store *s)
{
    CHECK_EQ(store_begin(s, &err), PQ_OK);
    const struct pq_table_meta *t = create(s, "Strs", "pk", 'N', "sk", 'S');
    const char *sks[] = {"b", "abd", "a", "ab", "ac", "abc", "Z", "\xc2\xbf"};
    for (size_t i = 0; i < sizeof sks / sizeof sks[0]; i++) {
        json_t *item = json_pack("{s:{s:s}, s:{s:s}}", "pk", "N", "7", "sk", "S", sks[i]);
        CHECK_EQ(store_item_put(s, t, item, NULL, &err), PQ_OK);
        json_decref(item);
    }
    struct pq_buf hk = PQ_BUF_INIT, pre = PQ_BUF_INIT, lo = PQ_BUF_INIT;
    pq_buf_init(&hk);
    pq_buf_init(&pre);
    pq_buf_init(&lo);
    key_of("{\"N\":\"7.0\"}", &hk);
    struct pq_range r = {0};
    r.hk = &hk;
    /* UTF-8 byte order: "Z" (0x5a) < "a" … < "¿" (0xc2bf). */
    CHECK_SCAN(s, t, &r, "sk", "Z a ab abc abd ac b \xc2\xbf");
    key_of("{\"S\":\"ab\"}", &pre);
    r.rk_prefix = &pre;
    CHECK_SCAN(s, t, &r, "sk", "ab abc abd");
    r.descending = true;
    CHECK_SCAN(s, t, &r, "sk", "abd abc ab");
    /* Prefix with a lower bound and a resume point. */
    r.descending = false;
    key_of("{\"S\":\"ab\"}", &lo);
    r.rk_lo = &lo;
    r.lo_inclusive = false;
    CHECK_SCAN(s, t, &r, "sk", "abc abd");
    struct pq_key after;
    store_key_init(&after);
    pq_buf_add(&after.hk, hk.data, hk.len);
    key_of("{\"S\":\"abc\"}", &after.rk);
    r.after = &after;
    CHECK_SCAN(s, t, &r, "sk", "abd");
    store_key_release(&after);

    /* Point reads, conditional insert, delete. */
    struct pq_key k;
    store_key_init(&k);
    json_t *probe = J("{\"pk\":{\"N\":\"7\"},\"sk\":{\"S\":\"ab\"},\"v\":{\"BOOL\":true}}");
    CHECK(store_key_from_item(t, probe, &k));
    json_t *got = NULL;
    CHECK_EQ(store_item_get(s, t, &k, &got, &err), PQ_OK);
    CHECK(got && !json_object_get(got, "v"));
    bool inserted = true;
    CHECK_EQ(store_item_insert(s, t, probe, NULL, &inserted, &err), PQ_OK);
    CHECK(!inserted);
    CHECK_EQ(store_item_put(s, t, probe, got, &err), PQ_OK);
    json_decref(got);
    CHECK_EQ(store_item_get(s, t, &k, &got, &err), PQ_OK);
    CHECK(got && json_equal(got, probe));
    json_decref(got);
    CHECK_EQ(store_item_delete(s, t, &k, probe, &err), PQ_OK);
    CHECK_EQ(store_item_get(s, t, &k, &got, &err), PQ_OK);
    CHECK(got == NULL);
    struct store_made made = {.keyed = true};
    store_key_init(&made.key);
    pq_buf_init(&made.text);
    CHECK(store_key_from_item(t, probe, &made.key));
    CHECK_EQ(pq_item_text(probe, &made.text, &made.size, &err), PQ_OK);
    CHECK_EQ(store_item_insert(s, t, probe, &made, &inserted, &err), PQ_OK);
    store_key_release(&made.key);
    pq_buf_release(&made.text);
    CHECK(inserted);
    /* A key of the wrong type is not a key of this table. */
    json_t *wrong = J("{\"pk\":{\"S\":\"7\"},\"sk\":{\"S\":\"ab\"}}");
    CHECK(!store_key_from_item(t, wrong, &k));
    CHECK(store_item_put(s, t, wrong, NULL, &err) != PQ_OK);
    json_decref(wrong);
    json_decref(probe);
    store_key_release(&k);

    int64_t count = 0, bytes = 0;
    CHECK_EQ(store_table_stats(s, t, &count, &bytes, &err), PQ_OK);
    CHECK_EQ(count, 8);
    /* pk "7" is 2 bytes + name 2; sk values 1..3 bytes + name 2; v BOOL 1 + name 1. */
    CHECK_EQ(bytes, 8 * 4 + (1 + 3 + 1 + 2 + 2 + 3 + 1 + 2) + 8 * 2 + 2);
    pq_buf_release(&hk);
    pq_buf_release(&pre);
    pq_buf_release(&lo);
    CHECK_EQ(store_commit(s, &err), PQ_OK);
}

static void test_binary_keys(struct pq_store *s)
{
    CHECK_EQ(store_begin(s, &err), PQ_OK);
    const struct pq_table_meta *t = create(s, "Bins", "h", 'B', "r", 'B');
    /* r: 01, 01ff, 01ff00, 01ffff, 02, ff, ffff (base64 below). */
    const char *rs[] = {"Af8A", "AQ==", "Ag==", "/w==", "Af8=", "//8=", "Af//"};
    for (size_t i = 0; i < 7; i++) {
        json_t *item = json_pack("{s:{s:s}, s:{s:s}}", "h", "B", "AA==", "r", "B", rs[i]);
        CHECK_EQ(store_item_put(s, t, item, NULL, &err), PQ_OK);
        json_decref(item);
    }
    struct pq_buf hk = PQ_BUF_INIT, pre = PQ_BUF_INIT, hi = PQ_BUF_INIT;
    pq_buf_init(&hk);
    pq_buf_init(&pre);
    pq_buf_init(&hi);
    key_of("{\"B\":\"AA==\"}", &hk);
    struct pq_range r = {0};
    r.hk = &hk;
    /* Unsigned byte order. */
    CHECK_SCAN(s, t, &r, "r", "AQ== Af8= Af8A Af// Ag== /w== //8=");
    /* begins_with 01ff: its upper end is 02. */
    key_of("{\"B\":\"Af8=\"}", &pre);
    r.rk_prefix = &pre;
    CHECK_SCAN(s, t, &r, "r", "Af8= Af8A Af//");
    /* begins_with ff: no upper end exists. */
    key_of("{\"B\":\"/w==\"}", &pre);
    CHECK_SCAN(s, t, &r, "r", "/w== //8=");
    r.descending = true;
    CHECK_SCAN(s, t, &r, "r", "//8= /w==");
    /* begins_with 01 with an upper bound r <= 01ff00. */
    r.descending = false;
    key_of("{\"B\":\"AQ==\"}", &pre);
    key_of("{\"B\":\"Af8A\"}", &hi);
    r.rk_hi = &hi;
    r.hi_inclusive = true;
    CHECK_SCAN(s, t, &r, "r", "AQ== Af8= Af8A");
    pq_buf_release(&hk);
    pq_buf_release(&pre);
    pq_buf_release(&hi);
    CHECK_EQ(store_commit(s, &err), PQ_OK);
}

static void test_hash_only(struct pq_store *s)
{
    CHECK_EQ(store_begin(s, &err), PQ_OK);
    const struct pq_table_meta *t = create(s, "Orders", "idempotency_token", 'S', NULL, 0);
    CHECK(t->range.name == NULL);
    put(s, t, "{\"idempotency_token\":{\"S\":\"token123\"},\"order_amount\":{\"N\":\"100\"}}");
    put(s, t, "{\"idempotency_token\":{\"S\":\"token000\"}}");
    struct pq_range all = {0};
    CHECK_SCAN(s, t, &all, "idempotency_token", "token000 token123");
    struct pq_key k;
    store_key_init(&k);
    json_t *probe = J("{\"idempotency_token\":{\"S\":\"token123\"}}");
    CHECK(store_key_from_item(t, probe, &k));
    CHECK_EQ(k.rk.len, 0);
    json_t *got = NULL;
    CHECK_EQ(store_item_get(s, t, &k, &got, &err), PQ_OK);
    CHECK(got && json_object_get(got, "order_amount"));
    json_decref(got);
    json_decref(probe);
    store_key_release(&k);
    CHECK_EQ(store_commit(s, &err), PQ_OK);
}

static void test_rollback(struct pq_store *s)
{
    const struct pq_table_meta *t;
    /* A table created and filled in a rolled-back transaction leaves nothing. */
    CHECK_EQ(store_begin(s, &err), PQ_OK);
    t = create(s, "Gone", "k", 'S', NULL, 0);
    put(s, t, "{\"k\":{\"S\":\"x\"}}");
    store_rollback(s);
    CHECK_EQ(store_table_get(s, "Gone", &t, &err), PQ_OK);
    CHECK(t == NULL);
    json_t *names;
    bool more;
    CHECK_EQ(store_table_list(s, NULL, 100, &names, &more, &err), PQ_OK);
    for (size_t i = 0; i < json_array_size(names); i++)
        CHECK(strcmp(json_string_value(json_array_get(names, i)), "Gone") != 0);
    json_decref(names);
    sqlite3_stmt *st;
    CHECK_EQ(sqlite3_prepare_v2(store_db(s),
                                "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'items_%'", -1,
                                &st, NULL),
             SQLITE_OK);
    CHECK_EQ(sqlite3_step(st), SQLITE_ROW);
    CHECK_EQ(sqlite3_column_int(st, 0), 4); /* Nums, Strs, Bins, Orders */
    sqlite3_finalize(st);

    /* Nested: the inner savepoint's write goes, the outer one's stays. */
    CHECK_EQ(store_table_get(s, "Orders", &t, &err), PQ_OK);
    CHECK_EQ(store_begin(s, &err), PQ_OK);
    put(s, t, "{\"idempotency_token\":{\"S\":\"outer\"}}");
    CHECK_EQ(store_begin(s, &err), PQ_OK);
    put(s, t, "{\"idempotency_token\":{\"S\":\"inner\"}}");
    const struct pq_table_meta *t2 = create(s, "Inner", "k", 'S', NULL, 0);
    CHECK(t2 != NULL);
    store_rollback(s);
    CHECK_EQ(store_commit(s, &err), PQ_OK);
    struct pq_range all = {0};
    CHECK_SCAN(s, t, &all, "idempotency_token", "outer token000 token123");
    CHECK_EQ(store_table_get(s, "Inner", &t2, &err), PQ_OK);
    CHECK(t2 == NULL);

    /* A table created in an inner savepoint that is committed survives. */
    CHECK_EQ(store_begin(s, &err), PQ_OK);
    CHECK_EQ(store_begin(s, &err), PQ_OK);
    create(s, "Kept", "k", 'S', NULL, 0);
    CHECK_EQ(store_commit(s, &err), PQ_OK);
    CHECK_EQ(store_commit(s, &err), PQ_OK);
    CHECK_EQ(store_begin(s, &err), PQ_OK);
    store_rollback(s);
    CHECK_EQ(store_table_get(s, "Kept", &t2, &err), PQ_OK);
    CHECK(t2 != NULL);

    /* A drop that is rolled back leaves the table and its items. */
    CHECK_EQ(store_begin(s, &err), PQ_OK);
    CHECK_EQ(store_table_drop(s, "Orders", &err), PQ_OK);
    CHECK_EQ(store_table_get(s, "Orders", &t, &err), PQ_OK);
    CHECK(t == NULL);
    store_rollback(s);
    CHECK_EQ(store_table_get(s, "Orders", &t, &err), PQ_OK);
    CHECK(t != NULL);
    if (t) CHECK_SCAN(s, t, &all, "idempotency_token", "outer token000 token123");
}

static void test_list_and_drop(struct pq_store *s)
{
    json_t *names;
    bool more;
    CHECK_EQ(store_table_list(s, NULL, 3, &names, &more, &err), PQ_OK);
    char *text = json_dumps(names, JSON_COMPACT);
    CHECK_STR(text, "[\"Bins\",\"Kept\",\"Nums\"]");
    CHECK(more);
    free(text);
    json_decref(names);
    CHECK_EQ(store_table_list(s, "Nums", 3, &names, &more, &err), PQ_OK);
    text = json_dumps(names, JSON_COMPACT);
    CHECK_STR(text, "[\"Orders\",\"Strs\"]");
    CHECK(!more);
    free(text);
    json_decref(names);

    CHECK_EQ(store_begin(s, &err), PQ_OK);
    CHECK_EQ(store_table_drop(s, "Strs", &err), PQ_OK);
    CHECK_EQ(store_commit(s, &err), PQ_OK);
    const struct pq_table_meta *t;
    CHECK_EQ(store_table_get(s, "Strs", &t, &err), PQ_OK);
    CHECK(t == NULL);
    /* A new table of the same name starts empty with its own key types. */
    CHECK_EQ(store_begin(s, &err), PQ_OK);
    t = create(s, "Strs", "other", 'B', NULL, 0);
    int64_t count = -1, bytes = -1;
    CHECK_EQ(store_table_stats(s, t, &count, &bytes, &err), PQ_OK);
    CHECK_EQ(count, 0);
    CHECK_EQ(bytes, 0);
    CHECK_EQ(store_commit(s, &err), PQ_OK);
}

static void test_file(void)
{
    char dir[] = "/tmp/pqsh-store-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256], wal[300];
    snprintf(path, sizeof path, "%s/db.sqlite", dir);
    snprintf(wal, sizeof wal, "%s-wal", path);

    struct pq_store *s = NULL, *s2 = NULL;
    CHECK_EQ(store_open(path, &s, &err), PQ_OK);
    if (!s) return;
    CHECK_EQ(store_begin(s, &err), PQ_OK);
    const struct pq_table_meta *t = create(s, "Orders", "id", 'S', NULL, 0);
    put(s, t, "{\"id\":{\"S\":\"token123\"}}");
    CHECK_EQ(store_commit(s, &err), PQ_OK);
    struct stat st;
    CHECK(stat(wal, &st) == 0); /* WAL mode */

    /* A second connection sees the committed table; when the first replaces
     * the table, the second notices at its next transaction. */
    CHECK_EQ(store_open(path, &s2, &err), PQ_OK);
    const struct pq_table_meta *t2 = NULL;
    CHECK_EQ(store_begin(s2, &err), PQ_OK);
    CHECK_EQ(store_table_get(s2, "Orders", &t2, &err), PQ_OK);
    CHECK(t2 && t2->hash.type == 'S');
    CHECK_EQ(store_commit(s2, &err), PQ_OK);

    CHECK_EQ(store_begin(s, &err), PQ_OK);
    CHECK_EQ(store_table_drop(s, "Orders", &err), PQ_OK);
    t = create(s, "Orders", "id", 'N', NULL, 0);
    put(s, t, "{\"id\":{\"N\":\"1\"}}");
    put(s, t, "{\"id\":{\"N\":\"2\"}}");
    CHECK_EQ(store_commit(s, &err), PQ_OK);

    /* While one connection is inside a call, the other waits for it (here
     * only 20 ms) instead of interleaving. */
    CHECK_EQ(store_begin(s, &err), PQ_OK);
    sqlite3_busy_timeout(store_db(s2), 20);
    CHECK_EQ(store_begin(s2, &err), PQ_ERR_IO);
    store_rollback(s);
    CHECK_EQ(store_begin(s2, &err), PQ_OK);
    CHECK_EQ(store_table_get(s2, "Orders", &t2, &err), PQ_OK);
    CHECK(t2 && t2->hash.type == 'N');
    int64_t count = 0, bytes = 0;
    if (t2) CHECK_EQ(store_table_stats(s2, t2, &count, &bytes, &err), PQ_OK);
    CHECK_EQ(count, 2);
    CHECK_EQ(store_commit(s2, &err), PQ_OK);
    store_close(s2);
    store_close(s);

    /* Reopened, everything is still there. */
    CHECK_EQ(store_open(path, &s, &err), PQ_OK);
    CHECK_EQ(store_table_get(s, "Orders", &t, &err), PQ_OK);
    CHECK(t != NULL);
    struct pq_range all = {0};
    if (t) CHECK_SCAN(s, t, &all, "id", "1 2");
    store_close(s);

    unlink(wal);
    char shm[300];
    snprintf(shm, sizeof shm, "%s-shm", path);
    unlink(shm);
    unlink(path);
    rmdir(dir);
}

#define IX_DESC(gsis)                                                                              \
    "{\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"},"               \
    "{\"AttributeName\":\"g\",\"AttributeType\":\"S\"},"                                           \
    "{\"AttributeName\":\"n\",\"AttributeType\":\"N\"}],\"GlobalSecondaryIndexes\":[" gsis "]}"
#define GSI_G                                                                                      \
    "{\"IndexName\":\"byG\",\"KeySchema\":[{\"AttributeName\":\"g\",\"KeyType\":"                  \
    "\"HASH\"},{\"AttributeName\":\"n\",\"KeyType\":\"RANGE\"}],\"Projection\":{"                  \
    "\"ProjectionType\":\"KEYS_ONLY\"}}"
#define GSI_N                                                                                      \
    "{\"IndexName\":\"by.n-2\",\"KeySchema\":[{\"AttributeName\":\"n\",\"KeyType\":"               \
    "\"HASH\"}],\"Projection\":{\"ProjectionType\":\"ALL\"}}"

/* Secondary-index entries follow every write; sparse; created and dropped. */
static void test_index_entries(struct pq_store *s)
{
    CHECK_EQ(store_begin(s, &err), PQ_OK);
    struct pq_key_attr hash = {"pk", 'S'};
    CHECK_EQ(store_table_create(s, "Ix", &hash, NULL, J(IX_DESC(GSI_G)), &err), PQ_OK);
    const struct pq_table_meta *t = NULL;
    CHECK_EQ(store_table_get(s, "Ix", &t, &err), PQ_OK);
    CHECK_EQ(t->nindexes, 1);
    CHECK_STR(t->indexes[0].name, "byG");
    CHECK(t->indexes[0].global);
    CHECK_EQ(t->indexes[0].range.type, 'N');
    CHECK_EQ(t->indexes[0].projection, PQ_IXP_KEYS_ONLY);
    put(s, t,
        "{\"pk\":{\"S\":\"a\"},\"g\":{\"S\":\"x\"},\"n\":{\"N\":\"2\"},\"v\":{\"S\":\"va\"}}");
    put(s, t, "{\"pk\":{\"S\":\"b\"},\"g\":{\"S\":\"x\"},\"n\":{\"N\":\"1\"}}");
    put(s, t, "{\"pk\":{\"S\":\"c\"},\"g\":{\"S\":\"y\"},\"n\":{\"N\":\"3\"}}");
    put(s, t, "{\"pk\":{\"S\":\"d\"},\"g\":{\"S\":\"x\"}}");                     /* no n: sparse */
    put(s, t, "{\"pk\":{\"S\":\"e\"},\"g\":{\"N\":\"1\"},\"n\":{\"N\":\"1\"}}"); /* g not S */
    struct pq_range r = {0};
    r.index = &t->indexes[0];
    CHECK_SCAN(s, t, &r, "pk", "b a c"); /* index key order: (x,1) (x,2) (y,3) */
    struct pq_buf hk = PQ_BUF_INIT;
    pq_buf_init(&hk);
    key_of("{\"S\":\"x\"}", &hk);
    r.hk = &hk;
    r.descending = true;
    CHECK_SCAN(s, t, &r, "pk", "a b");
    /* Paging resumes after an index key + base key. */
    r.descending = false;
    struct pq_key last;
    store_key_init(&last);
    char *first = scan(s, t, &r, "pk", 1, &last);
    CHECK_STR(first, "b");
    free(first);
    CHECK(last.bhk.len > 0);
    r.after = &last;
    CHECK_SCAN(s, t, &r, "pk", "a");
    r.after = NULL;
    store_key_release(&last);
    /* Rewriting an item moves its entry; deleting removes it. */
    put(s, t, "{\"pk\":{\"S\":\"a\"},\"g\":{\"S\":\"y\"},\"n\":{\"N\":\"0\"}}");
    CHECK_SCAN(s, t, &r, "pk", "b");
    struct pq_key k;
    store_key_init(&k);
    json_t *bkey = J("{\"pk\":{\"S\":\"b\"}}");
    CHECK(store_key_from_item(t, bkey, &k));
    json_decref(bkey);
    json_t *bold = NULL;
    CHECK_EQ(store_item_get(s, t, &k, &bold, &err), PQ_OK);
    CHECK_EQ(store_item_delete(s, t, &k, bold, &err), PQ_OK);
    json_decref(bold);
    CHECK_SCAN(s, t, &r, "pk", "");
    store_key_release(&k);
    r.hk = NULL;
    CHECK_SCAN(s, t, &r, "pk", "a c");
    int64_t count = 0, bytes = 0;
    CHECK_EQ(store_index_stats(s, t, &t->indexes[0], &count, &bytes, &err), PQ_OK);
    CHECK_EQ(count, 2);
    /* KEYS_ONLY entries hold pk, g, n: "a" (n 0: 1 byte) and "c" (n 3: 2 bytes);
     * the names are 2 + 1 + 1 bytes, the strings 1 byte each. */
    CHECK_EQ(bytes, (4 + 1 + 1 + 1) + (4 + 1 + 1 + 2));
    CHECK_EQ(store_commit(s, &err), PQ_OK);

    /* A second index added later is backfilled; a rollback forgets it. */
    CHECK_EQ(store_begin(s, &err), PQ_OK);
    CHECK_EQ(store_table_update(s, t, J(IX_DESC(GSI_G "," GSI_N)), &err), PQ_OK);
    CHECK_EQ(t->nindexes, 2);
    CHECK_EQ(store_index_create(s, t, "by.n-2", &err), PQ_OK);
    struct pq_range rn = {0};
    rn.index = index_find(t, "by.n-2");
    CHECK_SCAN(s, t, &rn, "pk", "a e c"); /* n 0 (a), 1 (e), 3 (c); d has no n */
    store_rollback(s);
    CHECK_EQ(store_table_get(s, "Ix", &t, &err), PQ_OK);
    CHECK_EQ(t->nindexes, 1);

    CHECK_EQ(store_begin(s, &err), PQ_OK);
    CHECK_EQ(store_table_update(s, t, J(IX_DESC(GSI_G "," GSI_N)), &err), PQ_OK);
    CHECK_EQ(store_index_create(s, t, "by.n-2", &err), PQ_OK);
    CHECK_EQ(store_commit(s, &err), PQ_OK);
    CHECK_EQ(store_table_get(s, "Ix", &t, &err), PQ_OK);
    rn.index = index_find(t, "by.n-2");
    CHECK_SCAN(s, t, &rn, "pk", "a e c");
    CHECK_EQ(store_begin(s, &err), PQ_OK);
    CHECK_EQ(store_table_update(s, t, J(IX_DESC(GSI_N)), &err), PQ_OK);
    CHECK_EQ(store_index_drop(s, t, "byG", &err), PQ_OK);
    CHECK_EQ(t->nindexes, 1);
    CHECK_EQ(store_table_drop(s, "Ix", &err), PQ_OK);
    CHECK_EQ(store_commit(s, &err), PQ_OK);
    pq_buf_release(&hk);
}

/* Items are stored as JSON text: every string survives the round trip. */
static void test_item_text(struct pq_store *s)
{
    CHECK_EQ(store_begin(s, &err), PQ_OK);
    const struct pq_table_meta *t = create(s, "Texts", "pk", 'S', NULL, 0);
    static const char text[] = "a\"b\\c\b\f\n\r\t\x01\x1f\x7f\0z \xc3\xa9 /";
    json_t *item = json_pack("{s:{s:s}, s:{s:s#}, s:{s:[s,s]}, s:{s:b}, s:{s:{s:{s:s}}}}", "pk",
                             "S", "k\"q", "s", "S", text, (int)sizeof text - 1, "ss", "SS", "x",
                             "y", "b", "BOOL", 1, "m", "M", "in\ner", "S", "v");
    CHECK_EQ(store_item_put(s, t, item, NULL, &err), PQ_OK);
    struct pq_key k;
    store_key_init(&k);
    CHECK(store_key_from_item(t, item, &k));
    json_t *back = NULL;
    CHECK_EQ(store_item_get(s, t, &k, &back, &err), PQ_OK);
    CHECK(back && json_equal(back, item));
    if (back) json_decref(back);
    json_decref(item);
    store_key_release(&k);
    CHECK_EQ(store_commit(s, &err), PQ_OK);
}

/* Tokens are found until they expire, and expired ones are purged. */
static void test_tokens(struct pq_store *s)
{
    char *hash = NULL;
    json_t *resp = NULL;
    CHECK_EQ(store_begin(s, &err), PQ_OK);
    json_t *r = J("{\"Responses\":[]}");
    CHECK_EQ(store_token_put(s, "tok", "h1", r, 1000.0, 400.0, &err), PQ_OK);
    json_decref(r);
    CHECK_EQ(store_token_get(s, "tok", 999.0, &hash, &resp, &err), PQ_OK);
    CHECK_STR(hash, "h1");
    CHECK(json_is_array(json_object_get(resp, "Responses")));
    free(hash);
    json_decref(resp);
    CHECK_EQ(store_token_get(s, "tok", 1000.0, &hash, &resp, &err), PQ_OK);
    CHECK(hash == NULL && resp == NULL);
    CHECK_EQ(store_token_get(s, "other", 0, &hash, &resp, &err), PQ_OK);
    CHECK(hash == NULL);
    r = J("{}");
    CHECK_EQ(store_token_put(s, "tok2", "h2", r, 2000.0, 1500.0, &err), PQ_OK);
    json_decref(r);
    sqlite3_stmt *st = NULL;
    CHECK_EQ(
        sqlite3_prepare_v2(store_db(s), "SELECT group_concat(token) FROM pq_tokens", -1, &st, NULL),
        SQLITE_OK);
    CHECK_EQ(sqlite3_step(st), SQLITE_ROW);
    CHECK_STR((const char *)sqlite3_column_text(st, 0), "tok2");
    sqlite3_finalize(st);
    CHECK_EQ(store_commit(s, &err), PQ_OK);
}

int main(void)
{
    pq_error_init(&err);
    struct pq_store *s = NULL;
    CHECK_EQ(store_open(":memory:", &s, &err), PQ_OK);
    if (!s) DONE();
    test_numeric_keys(s);
    test_string_keys(s);
    test_binary_keys(s);
    test_hash_only(s);
    test_rollback(s);
    test_list_and_drop(s);
    test_index_entries(s);
    test_tokens(s);
    test_item_text(s);
    store_close(s);
    test_file();
    pq_error_release(&err);
    DONE();
}
