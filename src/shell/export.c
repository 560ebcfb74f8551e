/* export.c — .export TABLE FILE: a whole table out through a parallel Scan.
 *
 * Each of the N segments is scanned page after page, pages of different
 * segments in flight together (bulk.h); a segment's next page is asked for
 * before its page is written. Each page is formatted (and, for S3,
 * compressed) on the worker that fetched it, and written out as soon as it
 * arrives, so memory holds at most one page per request in flight and the
 * caller's thread only copies text into the file.
 * JSON Lines and DynamoDB JSON go to FILE.part, renamed to FILE at the end.
 * CSV and TSV need every column before the first row: pages go to a
 * temporary file first (DynamoDB JSON), then the rows are written from it.
 * The S3 format is a folder as DynamoDB's ExportTableToPointInTime writes
 * it: manifest-summary.json, manifest-files.json and data/NAME.json.gz, one
 * data file per segment; the manifests are written last, so a broken export
 * has none and is not taken for a whole one.
 */
#include "bulk.h"
#include "records.h"
#include "pqsh/value.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <zlib.h>

#define MAX_TRIES 12

struct segment {
    unsigned long long items;
    gzFile gz; /* s3 */
    char *path;
};

struct export
{
    struct shell *sh;
    const struct where *w;
    const char *table, *path;
    enum rec_format format;
    int total;
    struct segment *seg;
    FILE *out; /* json / ddbjson: FILE.part; csv / tsv: the temporary file */
    char *part;
    json_t *columns; /* csv / tsv: name → type or "AV" */
    json_t *keys;    /* key attribute names, in order */
    unsigned long long items, table_items;
    bool failed;
    char export_id[40];
    struct bulk *bulk;
    struct bulk_progress progress;
};

static void format_page(struct bulk_call *c);

static void scan_page(struct export *ex, int segment, json_t *start, int attempt, long delay)
{
    json_t *req = json_pack("{s:s}", "TableName", ex->table);
    if (ex->total > 1) {
        json_object_set_new(req, "Segment", json_integer(segment));
        json_object_set_new(req, "TotalSegments", json_integer(ex->total));
    }
    if (start) json_object_set(req, "ExclusiveStartKey", start);
    struct bulk_call *c = bulk_call_new("Scan", req);
    c->after = format_page;
    c->tag = ex;
    c->number = segment;
    c->attempt = attempt;
    c->delay_ms = delay;
    bulk_submit(ex->bulk, c);
}

static void note_columns(struct export *ex, json_t *item)
{
    const char *name;
    json_t *v;
    json_object_foreach(item, name, v)
    {
        const char *t = pq_type_name(pq_value_type(v));
        const char *had = json_string_value(json_object_get(ex->columns, name));
        if (!had)
            json_object_set_new(ex->columns, name, json_string(t));
        else if (strcmp(had, t) != 0)
            json_object_set_new(ex->columns, name, json_string("AV"));
    }
}

/* On the worker: the page's items as lines in c->out, for the S3 format
 * also compressed into the segment's file (a segment has one page out at a
 * time, so its file has one writer). Reads only what no page changes. */
static void format_page(struct bulk_call *c)
{
    const struct export *ex = c->tag;
    if (c->status != PQ_OK) return;
    enum rec_format f = ex->format == REC_S3     ? REC_S3
                        : ex->format == REC_JSON ? REC_JSON
                                                 : REC_DDBJSON;
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(c->response, "Items"), i, item)
        rec_format_line(f, item, &c->out);
    if (f == REC_S3 && c->out.len) {
        gzFile gz = ex->seg[c->number].gz;
        if (gzwrite(gz, c->out.data, (unsigned)c->out.len) != (int)c->out.len)
            c->out_errno = errno ? errno : EIO;
        pq_buf_reset(&c->out);
    }
}

/* On the caller's thread: the page formatted by format_page into the file. */
static bool write_items(struct export *ex, struct bulk_call *c)
{
    json_t *items = json_object_get(c->response, "Items");
    if (c->out_errno) {
        errno = c->out_errno;
        return false;
    }
    if (ex->format == REC_CSV || ex->format == REC_TSV) {
        size_t i;
        json_t *item;
        json_array_foreach(items, i, item) note_columns(ex, item);
    }
    if (ex->format != REC_S3 && fwrite(c->out.data, 1, c->out.len, ex->out) != c->out.len)
        return false;
    ex->seg[c->number].items += json_array_size(items);
    ex->items += json_array_size(items);
    return true;
}

static void finished(struct export *ex, struct bulk_call *c)
{
    int s = (int)c->number;
    if (c->status != PQ_OK) {
        bool again = c->status == PQ_ERR_IO || c->status == PQ_ERR_UNKNOWN ||
                     (c->err.type &&
                      (strstr(c->err.type, "Throughput") || strstr(c->err.type, "Throttling") ||
                       strcmp(c->err.type, "RequestLimitExceeded") == 0)) ||
                     c->err.http_status >= 500;
        if (again && c->attempt + 1 < MAX_TRIES && !ex->failed) {
            scan_page(ex, s, json_object_get(c->request, "ExclusiveStartKey"), c->attempt + 1,
                      bulk_backoff_ms(c->attempt + 1));
        } else if (!ex->failed) {
            bulk_progress_clear(&ex->progress);
            c->err.start = c->err.end = PQ_NO_POS;
            shell_error(ex->w, &c->err);
            ex->failed = true;
        }
        bulk_call_free(c);
        return;
    }
    /* The segment's next page is asked for first: its round trip overlaps
     * the writing of this one. */
    json_t *last = json_object_get(c->response, "LastEvaluatedKey");
    if (last && !ex->failed) scan_page(ex, s, last, 0, 0);
    if (!ex->failed && !write_items(ex, c)) {
        bulk_progress_clear(&ex->progress);
        shell_errorf(ex->w, "cannot write %s: %s", ex->path, strerror(errno));
        ex->failed = true;
    }
    bulk_call_free(c);
}

/* CSV / TSV: columns known, the rows from the temporary file. */
static bool write_csv(struct export *ex, FILE *out)
{
    json_t *order = json_array();
    size_t i;
    json_t *k;
    json_array_foreach(ex->keys, i, k)
    {
        if (json_object_get(ex->columns, json_string_value(k))) json_array_append(order, k);
    }
    json_t *rest = json_array();
    const char *name;
    json_t *v;
    json_object_foreach(ex->columns, name, v)
    {
        bool key = false;
        json_array_foreach(ex->keys, i, k)
        {
            key = key || strcmp(json_string_value(k), name) == 0;
        }
        if (!key) json_array_append_new(rest, json_string(name));
    }
    /* Sorted by name (byte order), after the keys. */
    size_t n = json_array_size(rest);
    const char **names = pq_xcalloc(n + 1, sizeof *names);
    for (i = 0; i < n; i++)
        names[i] = json_string_value(json_array_get(rest, i));
    for (size_t a = 1; a < n; a++)
        for (size_t b = a; b > 0 && strcmp(names[b - 1], names[b]) > 0; b--) {
            const char *t = names[b];
            names[b] = names[b - 1];
            names[b - 1] = t;
        }
    for (i = 0; i < n; i++)
        json_array_append_new(order, json_string(names[i]));
    free(names);
    json_decref(rest);
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    rec_csv_header(ex->format, order, ex->columns, &b);
    bool ok = fwrite(b.data, 1, b.len, out) == b.len;
    rewind(ex->out);
    char *line = NULL;
    size_t cap = 0;
    while (ok && getline(&line, &cap, ex->out) > 0) {
        json_t *item = json_loads(line, 0, NULL);
        pq_buf_reset(&b);
        rec_csv_row(ex->format, order, ex->columns, item, &b);
        json_decref(item);
        ok = fwrite(b.data, 1, b.len, out) == b.len;
    }
    free(line);
    pq_buf_release(&b);
    json_decref(order);
    return ok;
}

static void md5_file(const char *path, char hex[33], char b64[25])
{
    unsigned char md[EVP_MAX_MD_SIZE], buf[65536];
    unsigned len = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_md5(), NULL);
    FILE *f = fopen(path, "rb");
    size_t n;
    while (f && (n = fread(buf, 1, sizeof buf, f)) > 0)
        EVP_DigestUpdate(ctx, buf, n);
    if (f) fclose(f);
    EVP_DigestFinal_ex(ctx, md, &len);
    EVP_MD_CTX_free(ctx);
    for (unsigned i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    EVP_EncodeBlock((unsigned char *)b64, md, 16);
}

/* The two manifests of DynamoDB's export format, written last. */
static bool write_manifests(struct export *ex, const char *table_arn, double start)
{
    struct pq_buf p = PQ_BUF_INIT, body = PQ_BUF_INIT;
    pq_buf_init(&p);
    pq_buf_init(&body);
    char prefix[128];
    snprintf(prefix, sizeof prefix, "AWSDynamoDB/%s", ex->export_id);
    for (int s = 0; s < ex->total; s++) {
        char hex[33], b64[25];
        md5_file(ex->seg[s].path, hex, b64);
        const char *base = strrchr(ex->seg[s].path, '/') + 1;
        pq_buf_addf(&body,
                    "{\"itemCount\":%llu,\"md5Checksum\":\"%s\",\"etag\":\"%s\","
                    "\"dataFileS3Key\":\"%s/data/%s\"}\n",
                    ex->seg[s].items, b64, hex, prefix, base);
    }
    pq_buf_addf(&p, "%s/manifest-files.json", ex->path);
    FILE *f = fopen(p.data, "w");
    bool ok = f && fwrite(body.data, 1, body.len, f) == body.len;
    if (f && fclose(f) != 0) ok = false;
    char hex[33], b64[25], t0[32], t1[32];
    md5_file(p.data, hex, b64);
    time_t now = time(NULL), begun = now - (time_t)(bulk_now() - start);
    strftime(t0, sizeof t0, "%Y-%m-%dT%H:%M:%S.000Z", gmtime(&begun));
    strftime(t1, sizeof t1, "%Y-%m-%dT%H:%M:%S.000Z", gmtime(&now));
    json_t *summary = json_object();
    json_object_set_new(summary, "version", json_string("2020-06-30"));
    json_object_set_new(summary, "exportArn",
                        json_sprintf("%s/export/%s", table_arn, ex->export_id));
    json_object_set_new(summary, "startTime", json_string(t0));
    json_object_set_new(summary, "endTime", json_string(t1));
    json_object_set_new(summary, "tableArn", json_string(table_arn));
    json_object_set_new(summary, "tableId", json_string(ex->export_id));
    json_object_set_new(summary, "exportTime", json_string(t0));
    json_object_set_new(summary, "s3Bucket", json_null());
    json_object_set_new(summary, "s3Prefix", json_null());
    json_object_set_new(summary, "s3SseAlgorithm", json_string("AES256"));
    json_object_set_new(summary, "s3SseKmsKeyId", json_null());
    json_object_set_new(summary, "manifestFilesS3Key",
                        json_sprintf("%s/manifest-files.json", prefix));
    json_object_set_new(summary, "manifestFilesMd5Checksum", json_string(b64));
    json_object_set_new(summary, "billedSizeBytes", json_integer(0));
    json_object_set_new(summary, "itemCount", json_integer((json_int_t)ex->items));
    json_object_set_new(summary, "outputFormat", json_string("DYNAMODB_JSON"));
    json_object_set_new(summary, "exportType", json_string("FULL_EXPORT"));
    pq_buf_reset(&p);
    pq_buf_addf(&p, "%s/manifest-summary.json", ex->path);
    if (json_dump_file(summary, p.data, JSON_COMPACT) != 0) ok = false;
    json_decref(summary);
    pq_buf_release(&p);
    pq_buf_release(&body);
    return ok;
}

static void usage(const struct where *w)
{
    shell_errorf(w, "usage: .export [--format csv|tsv|json|ddbjson|s3] [--segments N] "
                    "[--progress] TABLE FILE");
}

static bool open_outputs(struct export *ex)
{
    if (ex->format == REC_S3) {
        struct pq_buf p = PQ_BUF_INIT;
        pq_buf_init(&p);
        pq_buf_addf(&p, "%s/data", ex->path);
        if ((mkdir(ex->path, 0777) != 0 && errno != EEXIST) ||
            (mkdir(p.data, 0777) != 0 && errno != EEXIST)) {
            shell_errorf(ex->w, "cannot make the folder %s: %s", p.data, strerror(errno));
            pq_buf_release(&p);
            return false;
        }
        pq_buf_release(&p);
        for (int s = 0; s < ex->total; s++) {
            struct pq_buf fp = PQ_BUF_INIT;
            pq_buf_init(&fp);
            pq_buf_addf(&fp, "%s/data/%s-%05d.json.gz", ex->path, ex->export_id, s);
            ex->seg[s].path = pq_buf_detach(&fp, NULL);
            ex->seg[s].gz = gzopen(ex->seg[s].path, "wb6");
            if (!ex->seg[s].gz) {
                shell_errorf(ex->w, "cannot write %s: %s", ex->seg[s].path, strerror(errno));
                return false;
            }
        }
        return true;
    }
    if (ex->format == REC_CSV || ex->format == REC_TSV) {
        ex->out = tmpfile();
    } else {
        struct pq_buf p = PQ_BUF_INIT;
        pq_buf_init(&p);
        pq_buf_addf(&p, "%s.part", ex->path);
        ex->part = pq_buf_detach(&p, NULL);
        ex->out = fopen(ex->part, "w");
    }
    if (!ex->out) {
        shell_errorf(ex->w, "cannot write %s: %s", ex->part ? ex->part : "a temporary file",
                     strerror(errno));
        return false;
    }
    setvbuf(ex->out, NULL, _IOFBF, 1 << 16); /* a page is ~1 MB: 16 writes, not 256 */
    return true;
}

/* Moves the finished output into place; false (message printed) when it fails. */
static bool close_outputs(struct export *ex)
{
    bool ok = !ex->failed;
    for (int s = 0; s < ex->total && ex->format == REC_S3; s++)
        if (ex->seg[s].gz) {
            if (gzclose(ex->seg[s].gz) != Z_OK) ok = false;
            ex->seg[s].gz = NULL;
        }
    if (ex->format == REC_CSV || ex->format == REC_TSV) {
        if (ok) {
            struct pq_buf p = PQ_BUF_INIT;
            pq_buf_init(&p);
            pq_buf_addf(&p, "%s.part", ex->path);
            ex->part = pq_buf_detach(&p, NULL);
            FILE *f = fopen(ex->part, "w");
            ok = f && write_csv(ex, f);
            if (f && fclose(f) != 0) ok = false;
        }
        if (ex->out) fclose(ex->out);
    } else if (ex->out && fclose(ex->out) != 0) {
        ok = false;
    }
    ex->out = NULL;
    if (ok && ex->part && rename(ex->part, ex->path) != 0) ok = false;
    if (!ok && !ex->failed) shell_errorf(ex->w, "cannot write %s: %s", ex->path, strerror(errno));
    if (!ok && ex->part) remove(ex->part);
    return ok;
}

bool shell_cmd_export(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    (void)at;
    json_t *words = bulk_words(args), *desc = NULL, *req = NULL;
    struct export ex = {.sh = sh, .w = w};
    const char *format = NULL, *pos[2] = {NULL, NULL};
    bool force_progress = false, ok = false;
    int segments = 0;
    size_t i;
    json_t *word;
    struct pq_error err;
    pq_error_init(&err);
    const struct bulk_opt opts[] = {
        {.name = "--progress", .flag = &force_progress},
        {.name = "--format", .value = &format},
        {.name = "--segments", .number = &segments, .min = 1, .max = 64},
        {0},
    };
    if (!bulk_args(words, opts, pos, 2, w, usage)) goto out;
    ex.table = pos[0];
    ex.path = pos[1];
    ex.format = bulk_format(format, ex.path, w);
    if (ex.format == REC_NONE) goto out;
    req = json_pack("{s:s}", "TableName", ex.table);
    if (pq_backend_call(sh->backend, "DescribeTable", req, &desc, &err) != PQ_OK) {
        err.start = err.end = PQ_NO_POS;
        shell_error(w, &err);
        goto out;
    }
    json_t *t = json_object_get(desc, "Table");
    ex.table_items = (unsigned long long)json_integer_value(json_object_get(t, "ItemCount"));
    ex.keys = json_array();
    json_array_foreach(json_object_get(t, "KeySchema"), i, word)
    {
        json_array_append(ex.keys, json_object_get(word, "AttributeName"));
    }
    /* Default: one segment per 2,000 items (at least 1, at most 16) against
     * an endpoint; the embedded engine answers in turn, so 1 there. */
    if (!segments) {
        unsigned long long n = ex.table_items / 2000 + 1;
        segments = !sh->backend->remote ? 1 : n > 16 ? 16 : (int)n;
    }
    ex.total = segments;
    ex.seg = pq_xcalloc((size_t)segments, sizeof *ex.seg);
    ex.columns = json_object();
    /* The key columns head a CSV header even when the table is empty. */
    json_array_foreach(json_object_get(t, "AttributeDefinitions"), i, word)
    {
        const char *a = json_string_value(json_object_get(word, "AttributeName"));
        size_t k;
        json_t *key;
        json_array_foreach(ex.keys, k, key)
        {
            if (strcmp(json_string_value(key), a) == 0)
                json_object_set(ex.columns, a, json_object_get(word, "AttributeType"));
        }
    }
    snprintf(ex.export_id, sizeof ex.export_id, "%013lld-%08lx", (long long)time(NULL) * 1000,
             (unsigned long)getpid() & 0xffffffffUL);
    if (!open_outputs(&ex)) goto out;
    ex.bulk = bulk_open(sh, segments, &err);
    if (!ex.bulk) {
        shell_error(w, &err);
        goto out;
    }
    bulk_progress_start(&ex.progress, force_progress || (sh->progress && isatty(2)), "exported");
    for (int s = 0; s < segments; s++)
        scan_page(&ex, s, NULL, 0, 0);
    while (bulk_pending(ex.bulk)) {
        struct bulk_call *c = bulk_wait(ex.bulk, 0.1);
        if (c) finished(&ex, c);
        if (shell_interrupted && !ex.failed) {
            bulk_progress_clear(&ex.progress);
            shell_errorf(w, "interrupted");
            ex.failed = true;
        }
        bulk_progress_draw(&ex.progress, ex.items,
                           ex.table_items ? (double)ex.items / (double)ex.table_items : -1, false);
    }
    bulk_progress_clear(&ex.progress);
    ok = close_outputs(&ex);
    if (ok && ex.format == REC_S3) {
        const char *arn = json_string_value(json_object_get(t, "TableArn"));
        ok = write_manifests(&ex, arn ? arn : ex.table, ex.progress.start);
        if (!ok) shell_errorf(w, "cannot write the manifests in %s: %s", ex.path, strerror(errno));
    }
    if (!ok && ex.format == REC_S3) {
        fflush(stdout);
        fprintf(stderr, "pqsh: %s is incomplete (it has no manifest)\n", ex.path);
    }
    if (ok) {
        char n[32];
        shell_statusf(sh, "EXPORT %s: %s items, %d segment%s, %.2f s\n", ex.table,
                      bulk_count(ex.items, n), segments, segments == 1 ? "" : "s",
                      bulk_now() - ex.progress.start);
    }
out:
    bulk_close(ex.bulk);
    for (int s = 0; ex.seg && s < ex.total; s++) {
        if (ex.seg[s].gz) gzclose(ex.seg[s].gz);
        free(ex.seg[s].path);
    }
    if (ex.out) fclose(ex.out);
    if (!ok && ex.part) remove(ex.part);
    free(ex.seg);
    free(ex.part);
    json_decref(ex.columns);
    json_decref(ex.keys);
    json_decref(desc);
    json_decref(req);
    json_decref(words);
    pq_error_release(&err);
    return ok;
}
