/* import.c — .import FILE TABLE: items from a file into a table with BatchWriteItem.
 *
 * Records are read one at a time (records.h) and sent 25 a request, with
 * several requests in flight (bulk.h). UnprocessedItems, throttling and
 * writes of unknown outcome are sent again after a jittered backoff: a
 * PutRequest sent twice leaves the same item, so re-sending is safe within
 * an import. A request DynamoDB refuses as invalid is split into single
 * items so that the bad line can be named, reported and skipped.
 *
 * Order: two lines with the same key are never in flight together (nor in
 * one request, which DynamoDB refuses): the later line waits until the
 * earlier is acknowledged, so the last line for a key wins, as in a
 * sequential import.
 *
 * Resume: FILE.progress (beside the input) records N: every record up to
 * the N-th is acknowledged (or reported bad). It is rewritten after each
 * acknowledged request and removed when the import finishes. `--resume`
 * skips the first N records and sends the rest. "Exactly once", precisely:
 * every line ends up written, none is skipped, and no line acknowledged
 * before the last progress record is sent again; lines that were in flight
 * when the import broke (at most the requests in flight, 25 items each) may
 * be put a second time with the same content, which leaves the same item.
 */
#include "bulk.h"
#include "records.h"
#include "exec.h"
#include "pqsh/value.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BATCH 25
#define MAX_TRIES 12
/* Records rejected before any passes that stop an import as the wrong format. */
#define WRONG_FORMAT_LINES 10

struct entry {
    json_t *item;
    char *key; /* canonical text of the key, for the in-flight check */
    unsigned long long seq;
    const char *file; /* borrowed from the reader */
    unsigned long line;
};

struct batch {
    struct entry *e;
    size_t n;
};

struct import {
    struct shell *sh;
    const struct where *w;
    const char *path, *table;
    enum rec_format format;
    char *progress_path;
    bool bail, stop, failed;
    bool accepted;                    /* some record passed the checks made here */
    unsigned rejected_head;           /* records rejected before any passed */
    char *hash, *range;               /* key attribute names */
    char hash_type[4], range_type[4]; /* "S", "N", "B" */
    json_t *inflight;                 /* key text → count */
    unsigned long long next_seq;      /* records numbered from 1 */
    unsigned long long mark;          /* every record ≤ mark is done */
    unsigned char *done;              /* done[i]: record mark + 1 + i */
    size_t done_cap;
    unsigned long long written, retried, skipped;
    /* Requests allowed out at once (queued or in flight): at most two per
     * clone, halved when an answer says the table is throttling (an error
     * or UnprocessedItems), grown by one per window of clean answers. */
    double window;
    struct bulk *bulk;
    struct bulk_progress progress;
    struct rec_reader *reader;
};

/* ---- bookkeeping of finished records ---- */

static void mark_done(struct import *im, unsigned long long seq)
{
    if (seq <= im->mark) return;
    size_t i = (size_t)(seq - im->mark - 1);
    if (i >= im->done_cap) {
        size_t cap = im->done_cap ? im->done_cap : 1024;
        while (cap <= i)
            cap *= 2;
        im->done = pq_xrealloc(im->done, cap);
        memset(im->done + im->done_cap, 0, cap - im->done_cap);
        im->done_cap = cap;
    }
    im->done[i] = 1;
    size_t k = 0;
    while (k < im->done_cap && im->done[k])
        k++;
    if (k) {
        memmove(im->done, im->done + k, im->done_cap - k);
        memset(im->done + im->done_cap - k, 0, k);
        im->mark += k;
    }
}

static void save_progress(struct import *im)
{
    struct pq_buf tmp = PQ_BUF_INIT;
    pq_buf_init(&tmp);
    pq_buf_addf(&tmp, "%s.tmp", im->progress_path);
    FILE *f = fopen(tmp.data, "w");
    if (f) {
        fprintf(f, "pqsh import progress\ntable %s\nrecords %llu\n", im->table, im->mark);
        if (fclose(f) == 0) rename(tmp.data, im->progress_path);
    }
    pq_buf_release(&tmp);
}

/* Reads FILE.progress: the records already done; false (message printed)
 * when it belongs to another table or cannot be read. */
static bool load_progress(struct import *im, unsigned long long *records)
{
    FILE *f = fopen(im->progress_path, "r");
    char line[512];
    char table[300] = "";
    *records = 0;
    if (!f) return true;
    bool ok = fgets(line, sizeof line, f) && strcmp(line, "pqsh import progress\n") == 0;
    while (ok && fgets(line, sizeof line, f)) {
        if (sscanf(line, "table %299[^\n]", table) == 1) continue;
        if (sscanf(line, "records %llu", records) == 1) continue;
    }
    fclose(f);
    if (!ok) {
        shell_errorf(im->w, "%s is not a pqsh progress file", im->progress_path);
        return false;
    }
    if (strcmp(table, im->table) != 0) {
        shell_errorf(im->w, "%s records an import into '%s', not '%s'", im->progress_path, table,
                     im->table);
        return false;
    }
    return true;
}

/* ---- keys ---- */

static bool describe_keys(struct import *im, struct pq_error *err)
{
    json_t *req = json_pack("{s:s}", "TableName", im->table), *resp = NULL;
    pq_status st = pq_backend_call(im->sh->backend, "DescribeTable", req, &resp, err);
    json_decref(req);
    if (st != PQ_OK) return false;
    json_t *t = json_object_get(resp, "Table");
    size_t i;
    json_t *k;
    json_array_foreach(json_object_get(t, "KeySchema"), i, k)
    {
        const char *name = json_string_value(json_object_get(k, "AttributeName"));
        const char *kt = json_string_value(json_object_get(k, "KeyType"));
        size_t j;
        json_t *d;
        const char *type = "S";
        json_array_foreach(json_object_get(t, "AttributeDefinitions"), j, d)
        {
            if (strcmp(json_string_value(json_object_get(d, "AttributeName")), name) == 0)
                type = json_string_value(json_object_get(d, "AttributeType"));
        }
        if (kt && strcmp(kt, "HASH") == 0) {
            im->hash = pq_xstrdup(name);
            snprintf(im->hash_type, sizeof im->hash_type, "%s", type);
        } else {
            im->range = pq_xstrdup(name);
            snprintf(im->range_type, sizeof im->range_type, "%s", type);
        }
    }
    json_decref(resp);
    return im->hash != NULL;
}

/* Checks the item's key (DynamoDB's messages) and returns its canonical
 * text, or NULL with `why` set. */
static char *item_key(struct import *im, json_t *item, char **why)
{
    const char *names[2] = {im->hash, im->range};
    const char *types[2] = {im->hash_type, im->range_type};
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    for (int i = 0; i < 2 && names[i]; i++) {
        json_t *v = json_object_get(item, names[i]);
        struct pq_buf m = PQ_BUF_INIT;
        pq_buf_init(&m);
        if (!v) {
            pq_buf_addf(&m, "One of the required keys was not given a value (missing '%s')",
                        names[i]);
        } else if (strcmp(pq_type_name(pq_value_type(v)), types[i]) != 0) {
            pq_buf_addf(&m,
                        "One or more parameter values were invalid: Type mismatch for key %s "
                        "expected: %s actual: %s",
                        names[i], types[i], pq_type_name(pq_value_type(v)));
        }
        if (m.len) {
            *why = pq_buf_detach(&m, NULL);
            pq_buf_release(&b);
            return NULL;
        }
        pq_buf_release(&m);
        if (i) pq_buf_addc(&b, '\x01');
        pq_value_encode_key(v, &b);
    }
    /* The encoding may hold NUL bytes: keep it as hex text. */
    struct pq_buf hex = PQ_BUF_INIT;
    pq_buf_init(&hex);
    for (size_t i = 0; i < b.len; i++)
        pq_buf_addf(&hex, "%02x", (unsigned char)b.data[i]);
    pq_buf_release(&b);
    return pq_buf_detach(&hex, NULL);
}

/* ---- requests ---- */

static void report_line(struct import *im, const char *file, unsigned long line, const char *msg)
{
    fflush(stdout);
    bulk_progress_clear(&im->progress);
    fprintf(stderr, "%s:%lu: %s: %s\n", file, line, im->bail ? "error" : "skipped", msg);
}

static void entry_release(struct entry *e)
{
    json_decref(e->item);
    free(e->key);
}

/* Sends `b` (its entries move into the request); `fresh` when its keys are
 * not yet counted in flight. */
static void send_batch(struct import *im, struct batch *b, int attempt, long delay_ms, bool fresh)
{
    json_t *reqs = json_array();
    for (size_t i = 0; i < b->n; i++) {
        json_array_append_new(reqs, json_pack("{s:{s:O}}", "PutRequest", "Item", b->e[i].item));
        if (fresh) {
            json_t *c = json_object_get(im->inflight, b->e[i].key);
            json_object_set_new(im->inflight, b->e[i].key,
                                json_integer(c ? json_integer_value(c) + 1 : 1));
        }
    }
    json_t *req = json_pack("{s:{s:o}}", "RequestItems", im->table, reqs);
    struct bulk_call *c = bulk_call_new("BatchWriteItem", req);
    struct batch *own = pq_xcalloc(1, sizeof *own);
    *own = *b;
    c->tag = own;
    c->attempt = attempt;
    c->delay_ms = delay_ms;
    bulk_submit(im->bulk, c);
    b->e = NULL;
    b->n = 0;
}

static void entry_finish(struct import *im, struct entry *e)
{
    json_t *c = json_object_get(im->inflight, e->key);
    if (c && json_integer_value(c) > 1)
        json_object_set_new(im->inflight, e->key, json_integer(json_integer_value(c) - 1));
    else
        json_object_del(im->inflight, e->key);
    mark_done(im, e->seq);
    entry_release(e);
}

static bool retryable(const struct bulk_call *c)
{
    if (c->status == PQ_ERR_UNKNOWN || c->status == PQ_ERR_IO) return true;
    if (c->status != PQ_ERR_SERVICE || !c->err.type) return false;
    static const char *const kinds[] = {"ProvisionedThroughputExceededException",
                                        "ThrottlingException",
                                        "RequestLimitExceeded",
                                        "InternalServerError",
                                        "ServiceUnavailable",
                                        "TooManyRequestsException",
                                        "LimitExceededException"};
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (strcmp(c->err.type, kinds[i]) == 0) return true;
    return c->err.http_status >= 500;
}

static bool throttled(const struct bulk_call *c)
{
    if (c->status != PQ_ERR_SERVICE || !c->err.type) return false;
    return strstr(c->err.type, "Throughput") || strstr(c->err.type, "Throttling") ||
           strcmp(c->err.type, "RequestLimitExceeded") == 0;
}

/* Additive increase, multiplicative decrease, as TCP does for a congested
 * link: pressing on with every clone would only draw more throttling. */
static void adapt(struct import *im, bool pushed_back)
{
    double most = (double)bulk_width(im->bulk) * 2;
    if (pushed_back)
        im->window = im->window / 2 < 1 ? 1 : im->window / 2;
    else
        im->window = im->window + 1 / im->window > most ? most : im->window + 1 / im->window;
}

/* One finished request: acknowledged items are done, the rest go again. */
static void finished(struct import *im, struct bulk_call *c)
{
    struct batch *b = c->tag;
    adapt(im, throttled(c) ||
                  (c->status == PQ_OK &&
                   json_array_size(json_object_get(json_object_get(c->response, "UnprocessedItems"),
                                                   im->table)) > 0));
    if (c->status == PQ_OK) {
        json_t *un = json_object_get(json_object_get(c->response, "UnprocessedItems"), im->table);
        struct batch again = {pq_xcalloc(b->n, sizeof *b->e), 0};
        for (size_t i = 0; i < b->n; i++) {
            bool left = false;
            size_t k;
            json_t *r;
            json_array_foreach(un, k, r)
            {
                json_t *it = json_object_get(json_object_get(r, "PutRequest"), "Item");
                char *why = NULL, *key = it ? item_key(im, it, &why) : NULL;
                if (key && strcmp(key, b->e[i].key) == 0) left = true;
                free(key);
                free(why);
            }
            if (left) {
                again.e[again.n++] = b->e[i];
            } else {
                im->written++;
                entry_finish(im, &b->e[i]);
            }
        }
        if (again.n) {
            im->retried += again.n;
            send_batch(im, &again, c->attempt + 1, bulk_backoff_ms(c->attempt + 1), false);
        }
        free(again.e);
    } else if (retryable(c) && c->attempt + 1 < MAX_TRIES) {
        im->retried += b->n;
        struct batch again = {b->e, b->n};
        b->e = NULL;
        b->n = 0;
        send_batch(im, &again, c->attempt + 1, bulk_backoff_ms(c->attempt + 1), false);
    } else if (c->status == PQ_ERR_SERVICE && c->err.type &&
               strcmp(c->err.type, "ValidationException") == 0 && b->n > 1) {
        /* Which line? Each alone. */
        for (size_t i = 0; i < b->n; i++) {
            struct batch one = {pq_xcalloc(1, sizeof *b->e), 1};
            one.e[0] = b->e[i];
            send_batch(im, &one, c->attempt, 0, false);
        }
        b->n = 0;
    } else if (c->status == PQ_ERR_SERVICE && c->err.type &&
               strcmp(c->err.type, "ValidationException") == 0) {
        report_line(im, b->e[0].file, b->e[0].line, c->err.message);
        im->skipped++;
        entry_finish(im, &b->e[0]);
        if (im->bail) im->stop = im->failed = true;
    } else {
        /* The table is gone, access denied, retries exhausted: stop. */
        if (!im->failed) {
            bulk_progress_clear(&im->progress);
            c->err.start = c->err.end = PQ_NO_POS;
            shell_error(im->w, &c->err);
        }
        im->stop = im->failed = true;
        for (size_t i = 0; i < b->n; i++)
            entry_release(&b->e[i]);
    }
    if (c->status == PQ_OK || !im->failed) save_progress(im);
    free(b->e);
    free(b);
    bulk_call_free(c);
    /* For the resume test: die like `kill -9` after N acknowledged requests. */
    static long acked;
    const char *kill_after = getenv("PQSH_TEST_IMPORT_KILL_AFTER");
    if (kill_after && ++acked >= atol(kill_after)) raise(SIGKILL);
}

static void progress(struct import *im, bool force)
{
    /* The reader runs ahead of what is acknowledged (up to two requests per
     * clone are queued), so the share done is the records done in order out
     * of the total the records read so far promise. */
    double done, total, fraction = -1;
    rec_reader_position(im->reader, &done, &total);
    if (total > 0 && done > 0 && im->next_seq > 0) {
        double records = (double)im->next_seq * total / done;
        fraction = (double)im->mark / records;
    }
    bulk_progress_draw(&im->progress, im->written, fraction, force);
}

/* Waits for one finished request (true) or a short while (false). */
static bool step(struct import *im)
{
    struct bulk_call *c = bulk_wait(im->bulk, 0.1);
    if (c) finished(im, c);
    if (shell_interrupted && !im->stop) im->stop = im->failed = true;
    progress(im, false);
    return c != NULL;
}

/* ---- the command ---- */

static void usage(const struct where *w)
{
    shell_errorf(w, "usage: .import [--format csv|tsv|json|ddbjson|s3] [--types NAME:TYPE,…] "
                    "[--create KEY:TYPE[,SORTKEY:TYPE]] [--bail] [--resume] [--jobs N] "
                    "[--progress] FILE TABLE");
}

/* --create pk:S[,sk:N]: an on-demand table, waited for until ACTIVE. */
static bool create_table(struct import *im, const char *spec)
{
    json_t *schema = json_array(), *defs = json_array();
    char *copy = pq_xstrdup(spec);
    bool ok = true;
    int n = 0;
    for (char *tok = strtok(copy, ","); tok && ok; tok = strtok(NULL, ","), n++) {
        char *colon = strchr(tok, ':');
        const char *type = colon ? colon + 1 : "S";
        if (colon) *colon = 0;
        if (n > 1 || !*tok || (strcmp(type, "S") && strcmp(type, "N") && strcmp(type, "B"))) {
            ok = false;
            break;
        }
        json_array_append_new(
            schema, json_pack("{s:s,s:s}", "AttributeName", tok, "KeyType", n ? "RANGE" : "HASH"));
        json_array_append_new(defs,
                              json_pack("{s:s,s:s}", "AttributeName", tok, "AttributeType", type));
    }
    free(copy);
    if (!ok || !n) {
        shell_errorf(im->w, "--create wants KEY:TYPE[,SORTKEY:TYPE] with TYPE S, N or B, not '%s'",
                     spec);
        json_decref(schema);
        json_decref(defs);
        return false;
    }
    json_t *req = json_pack("{s:s,s:o,s:o,s:s}", "TableName", im->table, "KeySchema", schema,
                            "AttributeDefinitions", defs, "BillingMode", "PAY_PER_REQUEST");
    json_t *resp = NULL;
    struct pq_error err;
    pq_error_init(&err);
    if (pq_backend_call(im->sh->backend, "CreateTable", req, &resp, &err) != PQ_OK) {
        shell_error(im->w, &err);
        ok = false;
    }
    json_decref(req);
    json_decref(resp);
    for (int i = 0; ok && i < 600; i++) {
        req = json_pack("{s:s}", "TableName", im->table);
        resp = NULL;
        pq_error_release(&err);
        if (pq_backend_call(im->sh->backend, "DescribeTable", req, &resp, &err) != PQ_OK) {
            shell_error(im->w, &err);
            ok = false;
        }
        const char *status =
            json_string_value(json_object_get(json_object_get(resp, "Table"), "TableStatus"));
        bool active = status && strcmp(status, "ACTIVE") == 0;
        json_decref(req);
        json_decref(resp);
        if (!ok || active) break;
        usleep(200000);
    }
    pq_error_release(&err);
    shell_forget_keys(im->sh);
    shell_forget_schemas(im->sh);
    return ok;
}

static bool run(struct import *im, unsigned long long resume_from)
{
    struct batch cur = {NULL, 0};
    struct pq_error err;
    pq_error_init(&err);
    while (!im->stop) {
        while ((double)bulk_pending(im->bulk) >= im->window && !im->stop)
            step(im);
        if (im->stop) break;
        json_t *item = NULL;
        const char *file = NULL;
        unsigned long line = 0;
        int rc = rec_read(im->reader, &item, &file, &line, &err);
        if (rc == 0) break;
        if (rc == -2) {
            bulk_progress_clear(&im->progress);
            shell_error(im->w, &err);
            im->stop = im->failed = true;
            break;
        }
        unsigned long long seq = ++im->next_seq;
        if (seq <= resume_from) {
            json_decref(item);
            mark_done(im, seq);
            continue;
        }
        char *why = NULL, *key = NULL;
        if (rc == 1 && json_object_size(item) == 0) why = pq_xstrdup("no attributes");
        if (rc == 1 && !why && pq_item_size(item) > 400 * 1024)
            why = pq_xstrdup("Item size has exceeded the maximum allowed size");
        if (rc == 1 && !why) key = item_key(im, item, &why);
        if (rc < 0 || why) {
            report_line(im, file, line, why ? why : err.message);
            free(why);
            json_decref(item);
            im->skipped++;
            mark_done(im, seq);
            if (im->bail) im->stop = im->failed = true;
            /* A file in another format (or with no key column) would be
             * reported line by line to its end: stop early instead. */
            if (!im->accepted && ++im->rejected_head == WRONG_FORMAT_LINES && !im->stop) {
                bulk_progress_clear(&im->progress);
                shell_errorf(im->w,
                             "the first %d records of %s were all rejected: is it %s? "
                             "(--format chooses the format)",
                             WRONG_FORMAT_LINES, im->path, rec_format_name(im->format));
                im->stop = im->failed = true;
            }
            continue;
        }
        im->accepted = true;
        /* Same key twice: the request so far goes first, and the earlier
         * line must be acknowledged before this one is sent. */
        bool dup = false;
        for (size_t i = 0; i < cur.n && !dup; i++)
            dup = strcmp(cur.e[i].key, key) == 0;
        if (dup) send_batch(im, &cur, 0, 0, true);
        while (json_object_get(im->inflight, key) && !im->stop)
            step(im);
        if (!cur.e) cur.e = pq_xcalloc(BATCH, sizeof *cur.e);
        cur.e[cur.n++] = (struct entry){item, key, seq, file, line};
        if (cur.n == BATCH) send_batch(im, &cur, 0, 0, true);
    }
    if (cur.n && !im->stop) send_batch(im, &cur, 0, 0, true);
    for (size_t i = 0; i < cur.n; i++)
        entry_release(&cur.e[i]);
    free(cur.e);
    while (bulk_pending(im->bulk))
        step(im);
    pq_error_release(&err);
    return !im->failed;
}

bool shell_cmd_import(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    (void)at;
    json_t *words = bulk_words(args);
    struct import im = {.sh = sh, .w = w};
    const char *format = NULL, *types = NULL, *create = NULL;
    bool resume = false, force_progress = false, ok = false;
    int jobs = 16;
    struct pq_error err;
    pq_error_init(&err);
    const char *pos[2] = {NULL, NULL};
    const struct bulk_opt opts[] = {
        {.name = "--bail", .flag = &im.bail},
        {.name = "--resume", .flag = &resume},
        {.name = "--progress", .flag = &force_progress},
        {.name = "--format", .value = &format},
        {.name = "--types", .value = &types},
        {.name = "--create", .value = &create},
        {.name = "--jobs", .number = &jobs, .min = 1, .max = 64},
        {0},
    };
    if (!bulk_args(words, opts, pos, 2, w, usage)) goto out;
    im.path = pos[0];
    im.table = pos[1];
    enum rec_format f = bulk_format(format, im.path, w);
    im.format = f;
    if (f == REC_NONE) goto out;
    struct pq_buf pp = PQ_BUF_INIT;
    pq_buf_init(&pp);
    pq_buf_adds(&pp, im.path);
    while (pp.len > 1 && pp.data[pp.len - 1] == '/')
        pp.data[--pp.len] = 0;
    pq_buf_adds(&pp, ".progress");
    im.progress_path = pq_buf_detach(&pp, NULL);
    unsigned long long resume_from = 0;
    if (!resume && access(im.progress_path, F_OK) == 0) {
        shell_errorf(w,
                     "%s exists: an earlier import of this file did not finish; use --resume "
                     "to go on from where it stopped, or remove the file",
                     im.progress_path);
        goto out;
    }
    if (resume && !load_progress(&im, &resume_from)) goto out;
    im.reader = rec_reader_open(im.path, f, types, &err);
    if (!im.reader) {
        shell_error(w, &err);
        goto out;
    }
    if (create && !create_table(&im, create)) goto out;
    if (!describe_keys(&im, &err)) {
        err.start = err.end = PQ_NO_POS;
        shell_error(w, &err);
        goto out;
    }
    im.inflight = json_object();
    im.bulk = bulk_open(sh, sh->backend->remote ? jobs : 1, &err);
    if (!im.bulk) {
        shell_error(w, &err);
        goto out;
    }
    im.window = (double)bulk_width(im.bulk) * 2;
    bulk_progress_start(&im.progress, force_progress || (sh->progress && isatty(2)), "written");
    ok = run(&im, resume_from);
    bulk_progress_clear(&im.progress);
    double secs = bulk_now() - im.progress.start;
    char a[32], b[32], c[32];
    if (ok) {
        remove(im.progress_path);
    } else {
        fflush(stdout);
        if (im.written == 0 && resume_from == 0) {
            /* Nothing to go on from (at most bad records to report again):
             * no progress file to trip the next try. */
            remove(im.progress_path);
            fprintf(stderr, "pqsh: import stopped%s: no record of %s was written\n",
                    shell_interrupted ? " (interrupted)" : "", im.path);
        } else {
            save_progress(&im);
            fprintf(stderr,
                    "pqsh: import stopped%s: every record up to the %s-th is in; %s records "
                    "the place (.import --resume … goes on from there)\n",
                    shell_interrupted ? " (interrupted)" : "", bulk_count(im.mark, a),
                    im.progress_path);
        }
    }
    shell_statusf(sh, "IMPORT %s: %s written, %s retried, %s skipped, %.2f s\n", im.table,
                  bulk_count(im.written, a), bulk_count(im.retried, b), bulk_count(im.skipped, c),
                  secs);
    if (im.skipped && !im.bail) ok = false;
out:
    bulk_close(im.bulk);
    rec_reader_free(im.reader);
    json_decref(im.inflight);
    json_decref(words);
    free(im.progress_path);
    free(im.hash);
    free(im.range);
    free(im.done);
    pq_error_release(&err);
    return ok;
}
