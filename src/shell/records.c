/* records.c — reading item files for .import (see records.h for the formats). */
#include "records.h"
#include "pqsh/value.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <zlib.h>

struct rec_reader {
    enum rec_format format;
    char **files; /* data files in order (s3: from the manifest) */
    size_t nfiles, at;
    gzFile gz;
    unsigned long line; /* lines read from the current file */
    double done_before, total;
    struct pq_buf buf; /* the current line (or CSV record) */
    /* CSV / TSV: column names and types (pq type name, "AV", or NULL). */
    char **names, **types;
    size_t ncols;
    char *types_opt; /* --types */
};

static const char *const format_names[] = {"", "csv", "tsv", "json", "ddbjson", "s3"};

enum rec_format rec_format_named(const char *name)
{
    if (strcmp(name, "jsonl") == 0) return REC_JSON;
    for (size_t i = 1; i < sizeof format_names / sizeof *format_names; i++)
        if (strcmp(name, format_names[i]) == 0) return (enum rec_format)i;
    return REC_NONE;
}

const char *rec_format_name(enum rec_format f)
{
    return format_names[f];
}

static bool ends_with(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && strncasecmp(s + len - n, suffix, n) == 0;
}

enum rec_format rec_format_guess(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return REC_S3;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (strncmp(base, "manifest-", 9) == 0) return REC_S3;
    size_t len = strlen(base);
    if (ends_with(base, len, ".json.gz")) return REC_S3;
    if (ends_with(base, len, ".gz")) len -= 3;
    if (ends_with(base, len, ".csv")) return REC_CSV;
    if (ends_with(base, len, ".tsv") || ends_with(base, len, ".tab")) return REC_TSV;
    if (ends_with(base, len, ".ddbjson") || ends_with(base, len, ".ddb.jsonl") ||
        ends_with(base, len, ".ddb.json"))
        return REC_DDBJSON;
    if (ends_with(base, len, ".jsonl") || ends_with(base, len, ".ndjson") ||
        ends_with(base, len, ".json"))
        return REC_JSON;
    return REC_NONE;
}

/* ---- plain JSON → AttributeValues (numbers exact, so not through jansson) ---- */

struct pj {
    const char *p, *end;
    const char *why;
    int depth;
};

static void pj_space(struct pj *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\r' || *j->p == '\n'))
        j->p++;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static bool pj_hex4(struct pj *j, unsigned *out)
{
    if (j->end - j->p < 4) return false;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(j->p[i]);
        if (h < 0) return false;
        v = v * 16 + (unsigned)h;
    }
    j->p += 4;
    *out = v;
    return true;
}

static void add_utf8(struct pq_buf *b, unsigned cp)
{
    if (cp < 0x80) {
        pq_buf_addc(b, (char)cp);
    } else if (cp < 0x800) {
        pq_buf_addc(b, (char)(0xc0 | cp >> 6));
        pq_buf_addc(b, (char)(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
        pq_buf_addc(b, (char)(0xe0 | cp >> 12));
        pq_buf_addc(b, (char)(0x80 | (cp >> 6 & 0x3f)));
        pq_buf_addc(b, (char)(0x80 | (cp & 0x3f)));
    } else {
        pq_buf_addc(b, (char)(0xf0 | cp >> 18));
        pq_buf_addc(b, (char)(0x80 | (cp >> 12 & 0x3f)));
        pq_buf_addc(b, (char)(0x80 | (cp >> 6 & 0x3f)));
        pq_buf_addc(b, (char)(0x80 | (cp & 0x3f)));
    }
}

/* A JSON string (j->p at the opening quote) into `out`. */
static bool pj_string(struct pj *j, struct pq_buf *out)
{
    j->p++;
    while (j->p < j->end && *j->p != '"') {
        unsigned char c = (unsigned char)*j->p;
        if (c < 0x20) return (j->why = "control character in a string"), false;
        if (c != '\\') {
            pq_buf_addc(out, (char)c);
            j->p++;
            continue;
        }
        if (++j->p >= j->end) break;
        char e = *j->p++;
        unsigned cp, lo;
        switch (e) {
        case '"':
        case '\\':
        case '/':
            pq_buf_addc(out, e);
            break;
        case 'b':
            pq_buf_addc(out, '\b');
            break;
        case 'f':
            pq_buf_addc(out, '\f');
            break;
        case 'n':
            pq_buf_addc(out, '\n');
            break;
        case 'r':
            pq_buf_addc(out, '\r');
            break;
        case 't':
            pq_buf_addc(out, '\t');
            break;
        case 'u':
            if (!pj_hex4(j, &cp)) return (j->why = "bad \\u escape"), false;
            if (cp >= 0xd800 && cp < 0xdc00) {
                if (j->end - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u')
                    return (j->why = "lone surrogate in a \\u escape"), false;
                j->p += 2;
                if (!pj_hex4(j, &lo) || lo < 0xdc00 || lo >= 0xe000)
                    return (j->why = "lone surrogate in a \\u escape"), false;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            } else if (cp >= 0xdc00 && cp < 0xe000) {
                return (j->why = "lone surrogate in a \\u escape"), false;
            }
            add_utf8(out, cp);
            break;
        default:
            return (j->why = "bad escape in a string"), false;
        }
    }
    if (j->p >= j->end) return (j->why = "unterminated string"), false;
    j->p++;
    return true;
}

static json_t *pj_value(struct pj *j);

static json_t *pj_number(struct pj *j)
{
    const char *s = j->p;
    if (j->p < j->end && *j->p == '-') j->p++;
    if (j->p < j->end && *j->p == '0') {
        j->p++;
    } else if (j->p < j->end && *j->p >= '1' && *j->p <= '9') {
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    } else {
        j->why = "not a JSON value";
        return NULL;
    }
    if (j->p < j->end && *j->p == '.') {
        const char *d = ++j->p;
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
        if (j->p == d) return (j->why = "bad number"), NULL;
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-')) j->p++;
        const char *d = j->p;
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
        if (j->p == d) return (j->why = "bad number"), NULL;
    }
    struct pq_decimal dec;
    pq_decimal_fail f = pq_decimal_parse(s, (size_t)(j->p - s), &dec);
    if (f) {
        j->why = pq_decimal_fail_message(f);
        return NULL;
    }
    return pq_value_new_n(&dec);
}

static bool pj_word(struct pj *j, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(j->end - j->p) < n || strncmp(j->p, w, n) != 0) return false;
    j->p += n;
    return true;
}

static json_t *pj_object(struct pj *j)
{
    json_t *m = json_object();
    struct pq_buf key = PQ_BUF_INIT;
    pq_buf_init(&key);
    j->p++;
    pj_space(j);
    if (j->p < j->end && *j->p == '}') {
        j->p++;
        goto done;
    }
    for (;;) {
        pj_space(j);
        if (j->p >= j->end || *j->p != '"') {
            j->why = "expected a quoted attribute name";
            goto fail;
        }
        pq_buf_reset(&key);
        if (!pj_string(j, &key)) goto fail;
        if (memchr(key.data, 0, key.len)) {
            j->why = "NUL character in an attribute name";
            goto fail;
        }
        pj_space(j);
        if (j->p >= j->end || *j->p != ':') {
            j->why = "expected ':'";
            goto fail;
        }
        j->p++;
        json_t *v = pj_value(j);
        if (!v) goto fail;
        if (json_object_get(m, key.data)) {
            json_decref(v);
            j->why = "duplicate attribute name";
            goto fail;
        }
        json_object_set_new(m, key.data, v);
        pj_space(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->end && *j->p == '}') {
            j->p++;
            break;
        }
        j->why = "expected ',' or '}'";
        goto fail;
    }
done:
    pq_buf_release(&key);
    return m;
fail:
    pq_buf_release(&key);
    json_decref(m);
    return NULL;
}

static json_t *pj_array(struct pj *j)
{
    json_t *l = json_array();
    j->p++;
    pj_space(j);
    if (j->p < j->end && *j->p == ']') {
        j->p++;
        return l;
    }
    for (;;) {
        json_t *v = pj_value(j);
        if (!v) {
            json_decref(l);
            return NULL;
        }
        json_array_append_new(l, v);
        pj_space(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->end && *j->p == ']') {
            j->p++;
            return l;
        }
        j->why = "expected ',' or ']'";
        json_decref(l);
        return NULL;
    }
}

/* One plain JSON value as an AttributeValue (new reference), or NULL. */
static json_t *pj_value(struct pj *j)
{
    pj_space(j);
    if (j->p >= j->end) return (j->why = "unexpected end of line"), NULL;
    if (++j->depth > 32) return (j->why = "nested deeper than 32 levels"), NULL;
    json_t *v = NULL;
    char c = *j->p;
    if (c == '"') {
        struct pq_buf s = PQ_BUF_INIT;
        pq_buf_init(&s);
        if (pj_string(j, &s)) {
            v = pq_value_new_s(s.data, s.len);
            if (!v) j->why = "a string is not valid UTF-8";
        }
        pq_buf_release(&s);
    } else if (c == '{') {
        json_t *m = pj_object(j);
        if (m) v = pq_value_new(PQ_T_M, m);
    } else if (c == '[') {
        json_t *l = pj_array(j);
        if (l) v = pq_value_new(PQ_T_L, l);
    } else if (pj_word(j, "true")) {
        v = pq_value_new_bool(true);
    } else if (pj_word(j, "false")) {
        v = pq_value_new_bool(false);
    } else if (pj_word(j, "null")) {
        v = pq_value_new_null();
    } else {
        v = pj_number(j);
    }
    j->depth--;
    return v;
}

int rec_parse_plain_item(const char *text, size_t len, json_t **item, struct pq_error *err)
{
    struct pj j = {text, text + len, NULL, 0};
    *item = NULL;
    pj_space(&j);
    if (j.p >= j.end || *j.p != '{') {
        pq_error_set(err, PQ_ERR_USAGE, PQ_NO_POS, PQ_NO_POS, "an item must be a JSON object");
        return -1;
    }
    json_t *av = pj_value(&j);
    if (av) {
        pj_space(&j);
        if (j.p < j.end) {
            json_decref(av);
            av = NULL;
            j.why = "text after the item";
        }
    }
    if (!av) {
        pq_error_set(err, PQ_ERR_USAGE, PQ_NO_POS, PQ_NO_POS, "not valid JSON: %s at column %zu",
                     j.why ? j.why : "bad value", (size_t)(j.p - text) + 1);
        return -1;
    }
    *item = json_incref(json_object_get(av, "M"));
    json_decref(av);
    return 1;
}

/* ---- typed cells (CSV / TSV) ---- */

/* A JSON number written as such: no leading zeros, no '+', no spaces. */
static bool looks_numeric(const char *s, size_t len)
{
    struct pj j = {s, s + len, NULL, 0};
    json_t *v = pj_number(&j);
    bool ok = v && j.p == j.end;
    json_decref(v);
    return ok;
}

/* A cell as a value of `type` (NULL: by rule). New reference, or NULL with
 * `err` set. */
static json_t *cell_value(const char *type, const char *s, size_t len, struct pq_error *err)
{
    json_t *v = NULL;
    if (!type) {
        if (looks_numeric(s, len)) {
            struct pq_decimal d;
            if (pq_decimal_parse(s, len, &d) == PQ_DEC_OK) return pq_value_new_n(&d);
        }
        v = pq_value_new_s(s, len);
        if (!v) pq_error_set(err, PQ_ERR_USAGE, PQ_NO_POS, PQ_NO_POS, "not valid UTF-8");
        return v;
    }
    pq_type t = pq_type_from_name(type);
    if (strcmp(type, "AV") == 0) {
        json_error_t je;
        v = json_loadb(s, len, 0, &je);
        if (!v) {
            pq_error_set(err, PQ_ERR_USAGE, PQ_NO_POS, PQ_NO_POS, "not DynamoDB JSON: %s", je.text);
            return NULL;
        }
    } else if (t == PQ_T_S || t == PQ_T_N || t == PQ_T_B) {
        v = json_object();
        json_object_set_new(v, type, json_stringn(s, len));
    } else if (t == PQ_T_BOOL) {
        bool b = len == 4 && strncasecmp(s, "true", 4) == 0;
        if (!b && !(len == 5 && strncasecmp(s, "false", 5) == 0)) {
            pq_error_set(err, PQ_ERR_USAGE, PQ_NO_POS, PQ_NO_POS, "'%.*s' is not true or false",
                         (int)(len > 40 ? 40 : len), s);
            return NULL;
        }
        v = pq_value_new_bool(b);
    } else if (t == PQ_T_NULL) {
        v = pq_value_new_null();
    } else {
        json_error_t je;
        json_t *payload = json_loadb(s, len, JSON_DECODE_ANY, &je);
        if (!payload) {
            pq_error_set(err, PQ_ERR_USAGE, PQ_NO_POS, PQ_NO_POS, "not a JSON %s payload: %s", type,
                         je.text);
            return NULL;
        }
        v = pq_value_new(t, payload);
    }
    if (v && pq_value_validate(v, err) != PQ_OK) {
        json_decref(v);
        return NULL;
    }
    return v;
}

/* ---- reading lines from (gzip) files ---- */

static pq_status open_next(struct rec_reader *r, struct pq_error *err)
{
    if (r->gz) {
        r->done_before += (double)gzoffset(r->gz);
        gzclose(r->gz);
        r->gz = NULL;
    }
    if (r->at >= r->nfiles) return PQ_OK;
    const char *path = r->files[r->at];
    r->gz = gzopen(path, "rb");
    if (!r->gz)
        return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS, "cannot read %s: %s", path,
                            strerror(errno ? errno : EIO));
    gzbuffer(r->gz, 1 << 17);
    r->line = 0;
    return PQ_OK;
}

/* Appends the next physical line (without its newline) to r->buf. 1: a
 * line; 0: end of all files; -2: read error. */
static int next_line(struct rec_reader *r, struct pq_error *err)
{
    char chunk[8192];
    while (r->gz) {
        bool got = false;
        while (gzgets(r->gz, chunk, sizeof chunk)) {
            size_t n = strlen(chunk);
            got = true;
            if (n && chunk[n - 1] == '\n') {
                pq_buf_add(&r->buf, chunk, n - 1);
                if (r->buf.len && r->buf.data[r->buf.len - 1] == '\r')
                    r->buf.data[--r->buf.len] = 0;
                r->line++;
                return 1;
            }
            pq_buf_add(&r->buf, chunk, n);
        }
        int zerr = 0;
        const char *msg = gzerror(r->gz, &zerr);
        if (zerr == Z_BUF_ERROR) {
            /* zlib's "unexpected end of file": the gzip stream stops early.
             * The partial line is not handed out. */
            pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                         "%s:%lu: the gzip data ends early (a truncated file?)", r->files[r->at],
                         r->line + 1);
            return -2;
        }
        if (zerr != Z_OK) {
            pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS, "cannot read %s: %s",
                         r->files[r->at], zerr == Z_ERRNO ? strerror(errno) : msg);
            return -2;
        }
        if (got) {
            r->line++;
            return 1; /* a last line without a newline */
        }
        r->at++;
        if (open_next(r, err) != PQ_OK) return -2;
        /* A CSV header belongs to one file; each S3 data file has none. */
    }
    return 0;
}

/* ---- CSV / TSV ---- */

/* Splits r->buf into fields, reading more lines while a quote is open.
 * fields: array of [text, quoted] pairs. -1 bad, -2 I/O, 1 ok. */
static int csv_fields(struct rec_reader *r, json_t **fields, struct pq_error *err)
{
    char sep = r->format == REC_TSV ? '\t' : ',';
    struct pq_buf cell = PQ_BUF_INIT;
    pq_buf_init(&cell);
    json_t *out = json_array();
    size_t i = 0;
    bool quoted = false, was_quoted = false;
    for (;;) {
        if (i >= r->buf.len) {
            if (quoted) {
                pq_buf_addc(&cell, '\n');
                pq_buf_addc(&r->buf, '\n');
                i = r->buf.len;
                int rc = next_line(r, err);
                if (rc == 0) {
                    pq_error_set(err, PQ_ERR_USAGE, PQ_NO_POS, PQ_NO_POS,
                                 "a quoted field is not closed before the end of the file");
                    rc = -1;
                }
                if (rc < 0) goto fail;
                continue;
            }
            json_array_append_new(
                out, json_pack("[s#b]", cell.data ? cell.data : "", cell.len, was_quoted));
            break;
        }
        char c = r->buf.data[i++];
        if (quoted) {
            if (c == '"') {
                if (i < r->buf.len && r->buf.data[i] == '"') {
                    pq_buf_addc(&cell, '"');
                    i++;
                } else {
                    quoted = false;
                }
            } else {
                pq_buf_addc(&cell, c);
            }
        } else if (c == sep) {
            json_array_append_new(
                out, json_pack("[s#b]", cell.data ? cell.data : "", cell.len, was_quoted));
            pq_buf_reset(&cell);
            was_quoted = false;
        } else if (c == '"' && cell.len == 0 && !was_quoted) {
            quoted = was_quoted = true;
        } else if (c == '"') {
            pq_error_set(err, PQ_ERR_USAGE, PQ_NO_POS, PQ_NO_POS,
                         "a quote inside an unquoted field (quote the field and double the quote)");
            goto bad;
        } else if (was_quoted) {
            pq_error_set(err, PQ_ERR_USAGE, PQ_NO_POS, PQ_NO_POS,
                         "text after the closing quote of a field");
            goto bad;
        } else {
            pq_buf_addc(&cell, c);
        }
    }
    pq_buf_release(&cell);
    *fields = out;
    return 1;
bad:
    pq_buf_release(&cell);
    json_decref(out);
    return -1;
fail:
    pq_buf_release(&cell);
    json_decref(out);
    return -2 + (err->code == PQ_ERR_USAGE);
}

static const char *type_names_ok(const char *t)
{
    if (strcmp(t, "AV") == 0) return t;
    return pq_type_from_name(t) != PQ_T_NONE ? t : NULL;
}

/* The header row: names, `name:TYPE`, then --types on top. */
static int csv_header(struct rec_reader *r, struct pq_error *err)
{
    json_t *fields = NULL;
    pq_buf_reset(&r->buf);
    int rc = next_line(r, err);
    if (rc == 0) {
        pq_error_set(err, PQ_ERR_USAGE, PQ_NO_POS, PQ_NO_POS, "no header row (the file is empty)");
        return -1;
    }
    if (rc < 0 || (rc = csv_fields(r, &fields, err)) < 0) return rc;
    r->ncols = json_array_size(fields);
    r->names = pq_xcalloc(r->ncols, sizeof *r->names);
    r->types = pq_xcalloc(r->ncols, sizeof *r->types);
    for (size_t i = 0; i < r->ncols; i++) {
        const char *f = json_string_value(json_array_get(json_array_get(fields, i), 0));
        const char *colon = strrchr(f, ':');
        if (colon && type_names_ok(colon + 1)) {
            r->names[i] = pq_xstrndup(f, (size_t)(colon - f));
            r->types[i] = pq_xstrdup(colon + 1);
        } else {
            r->names[i] = pq_xstrdup(f);
        }
        if (!*r->names[i]) {
            pq_error_set(err, PQ_ERR_USAGE, PQ_NO_POS, PQ_NO_POS,
                         "column %zu of the header has no name", i + 1);
            json_decref(fields);
            return -1;
        }
        for (size_t k = 0; k < i; k++)
            if (strcmp(r->names[k], r->names[i]) == 0) {
                pq_error_set(err, PQ_ERR_USAGE, PQ_NO_POS, PQ_NO_POS,
                             "column '%s' appears twice in the header", r->names[i]);
                json_decref(fields);
                return -1;
            }
    }
    json_decref(fields);
    /* --types name:TYPE,name:TYPE */
    for (char *p = r->types_opt; p && *p;) {
        size_t n = strcspn(p, ",");
        char *one = pq_xstrndup(p, n), *colon = strrchr(one, ':');
        p += n + (p[n] == ',');
        size_t k = 0;
        if (colon) *colon = 0;
        while (colon && k < r->ncols && strcmp(r->names[k], one) != 0)
            k++;
        if (!colon || !type_names_ok(colon + 1) || k == r->ncols) {
            pq_error_set(err, PQ_ERR_USAGE, PQ_NO_POS, PQ_NO_POS,
                         !colon || !type_names_ok(colon + 1)
                             ? "--types wants NAME:TYPE,… with TYPE one of S N B BOOL NULL M L SS "
                               "NS BS AV, not '%s'"
                             : "--types names '%s', which is not a column of the header",
                         one);
            free(one);
            return -1;
        }
        free(r->types[k]);
        r->types[k] = pq_xstrdup(colon + 1);
        free(one);
    }
    return 1;
}

static int csv_item(struct rec_reader *r, json_t **item, struct pq_error *err)
{
    json_t *fields = NULL;
    int rc = csv_fields(r, &fields, err);
    if (rc < 0) return rc;
    if (json_array_size(fields) != r->ncols) {
        pq_error_set(err, PQ_ERR_USAGE, PQ_NO_POS, PQ_NO_POS, "%zu fields where the header has %zu",
                     json_array_size(fields), r->ncols);
        json_decref(fields);
        return -1;
    }
    json_t *it = json_object();
    for (size_t i = 0; i < r->ncols; i++) {
        json_t *f = json_array_get(fields, i);
        const char *s = json_string_value(json_array_get(f, 0));
        size_t len = json_string_length(json_array_get(f, 0));
        bool quoted = json_is_true(json_array_get(f, 1));
        if (len == 0 && !quoted) continue; /* absent */
        json_t *v = cell_value(r->types[i], s, len, err);
        if (!v) {
            char *why = pq_xstrdup(err->message ? err->message : "bad value");
            pq_error_set(err, PQ_ERR_USAGE, PQ_NO_POS, PQ_NO_POS, "column '%s': %s", r->names[i],
                         why);
            free(why);
            json_decref(it);
            json_decref(fields);
            return -1;
        }
        json_object_set_new(it, r->names[i], v);
    }
    json_decref(fields);
    *item = it;
    return 1;
}

/* ---- DynamoDB JSON ---- */

static int ddb_item(struct rec_reader *r, json_t **item, struct pq_error *err)
{
    json_error_t je;
    json_t *doc = json_loadb(r->buf.data, r->buf.len, 0, &je);
    if (!doc) {
        pq_error_set(err, PQ_ERR_USAGE, PQ_NO_POS, PQ_NO_POS, "not valid JSON: %s at column %d",
                     je.text, je.column);
        return -1;
    }
    json_t *it = doc;
    if (r->format == REC_S3) {
        it = json_object_get(doc, "Item");
        if (!json_is_object(it) || json_object_size(doc) != 1) {
            pq_error_set(err, PQ_ERR_USAGE, PQ_NO_POS, PQ_NO_POS,
                         "not a line of DynamoDB's export format ({\"Item\": {…}})");
            json_decref(doc);
            return -1;
        }
    }
    if (!json_is_object(it)) {
        pq_error_set(err, PQ_ERR_USAGE, PQ_NO_POS, PQ_NO_POS, "an item must be a JSON object");
        json_decref(doc);
        return -1;
    }
    const char *name;
    json_t *v;
    json_object_foreach(it, name, v)
    {
        if (pq_value_validate(v, err) != PQ_OK) {
            char *why = pq_xstrdup(err->message ? err->message : "bad value");
            pq_error_set(err, PQ_ERR_USAGE, PQ_NO_POS, PQ_NO_POS, "attribute '%s': %s", name, why);
            free(why);
            json_decref(doc);
            return -1;
        }
    }
    *item = json_incref(it);
    json_decref(doc);
    return 1;
}

/* ---- the reader ---- */

static void add_file(struct rec_reader *r, char *path)
{
    r->files = pq_xrealloc(r->files, (r->nfiles + 1) * sizeof *r->files);
    r->files[r->nfiles++] = path;
}

/* S3 export: the data files named by manifest-files.json in `dir`. */
static pq_status s3_manifest(struct rec_reader *r, const char *dir, struct pq_error *err)
{
    struct pq_buf p = PQ_BUF_INIT;
    pq_buf_init(&p);
    pq_buf_addf(&p, "%s/manifest-files.json", dir);
    FILE *f = fopen(p.data, "r");
    pq_status st = PQ_OK;
    if (!f) {
        st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS, "cannot read %s: %s", p.data,
                          strerror(errno));
        goto out;
    }
    char *line = NULL;
    size_t cap = 0;
    unsigned long n = 0;
    while (getline(&line, &cap, f) > 0) {
        n++;
        if (strspn(line, " \t\r\n") == strlen(line)) continue;
        json_t *doc = json_loads(line, 0, NULL);
        const char *key = json_string_value(json_object_get(doc, "dataFileS3Key"));
        if (!key) {
            st = pq_error_set(err, PQ_ERR_USAGE, PQ_NO_POS, PQ_NO_POS,
                              "%s:%lu: not a manifest line (no dataFileS3Key)", p.data, n);
            json_decref(doc);
            break;
        }
        /* The key is the S3 object's; locally the file is data/NAME here. */
        const char *base = strrchr(key, '/');
        struct pq_buf fp = PQ_BUF_INIT;
        pq_buf_init(&fp);
        pq_buf_addf(&fp, "%s/data/%s", dir, base ? base + 1 : key);
        add_file(r, pq_buf_detach(&fp, NULL));
        json_decref(doc);
    }
    free(line);
    fclose(f);
out:
    pq_buf_release(&p);
    return st;
}

struct rec_reader *rec_reader_open(const char *path, enum rec_format format, const char *types,
                                   struct pq_error *err)
{
    struct rec_reader *r = pq_xcalloc(1, sizeof *r);
    struct stat st;
    r->format = format;
    pq_buf_init(&r->buf);
    if (types) r->types_opt = pq_xstrdup(types);
    if (stat(path, &st) != 0) {
        pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS, "cannot read %s: %s", path,
                     strerror(errno));
        goto fail;
    }
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (format == REC_S3 && (S_ISDIR(st.st_mode) || strncmp(base, "manifest-", 9) == 0)) {
        char *dir = S_ISDIR(st.st_mode) ? pq_xstrdup(path)
                    : base == path      ? pq_xstrdup(".")
                                        : pq_xstrndup(path, (size_t)(base - 1 - path));
        pq_status s = s3_manifest(r, dir, err);
        free(dir);
        if (s != PQ_OK) goto fail;
    } else if (S_ISDIR(st.st_mode)) {
        pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                     "%s is a folder (only an S3 export folder can be imported)", path);
        goto fail;
    } else {
        add_file(r, pq_xstrdup(path));
    }
    for (size_t i = 0; i < r->nfiles; i++)
        if (stat(r->files[i], &st) == 0) r->total += (double)st.st_size;
    if (open_next(r, err) != PQ_OK) goto fail;
    if ((format == REC_CSV || format == REC_TSV) && csv_header(r, err) < 0) {
        /* Say where: the header is line 1. */
        char *why = pq_xstrdup(err->message);
        pq_error_set(err, PQ_ERR_USAGE, PQ_NO_POS, PQ_NO_POS, "%s:1: %s", path, why);
        free(why);
        goto fail;
    }
    if (format != REC_CSV && format != REC_TSV && types) {
        pq_error_set(err, PQ_ERR_USAGE, PQ_NO_POS, PQ_NO_POS, "--types is for CSV and TSV only");
        goto fail;
    }
    return r;
fail:
    rec_reader_free(r);
    return NULL;
}

int rec_read(struct rec_reader *r, json_t **item, const char **file, unsigned long *line,
             struct pq_error *err)
{
    *item = NULL;
    for (;;) {
        pq_buf_reset(&r->buf);
        int rc = next_line(r, err);
        if (rc <= 0) return rc;
        *file = r->files[r->at];
        *line = r->line;
        /* Blank lines separate nothing: skipped in every format. */
        if (strspn(r->buf.data, " \t") == r->buf.len) continue;
        switch (r->format) {
        case REC_CSV:
        case REC_TSV:
            return csv_item(r, item, err);
        case REC_JSON:
            return rec_parse_plain_item(r->buf.data, r->buf.len, item, err);
        default:
            return ddb_item(r, item, err);
        }
    }
}

void rec_reader_position(const struct rec_reader *r, double *done, double *total)
{
    /* A plain file: the bytes handed out so far (gzoffset would count the
     * 128 KiB read ahead — most of a small file). A gzip file: the
     * compressed bytes read, as its size in `total` is compressed. */
    double at = 0;
    if (r->gz) at = (double)(gzdirect(r->gz) ? gztell(r->gz) : gzoffset(r->gz));
    *done = r->done_before + at;
    *total = r->total;
}

void rec_reader_free(struct rec_reader *r)
{
    if (!r) return;
    if (r->gz) gzclose(r->gz);
    for (size_t i = 0; i < r->nfiles; i++)
        free(r->files[i]);
    free(r->files);
    for (size_t i = 0; i < r->ncols; i++) {
        free(r->names[i]);
        free(r->types[i]);
    }
    free(r->names);
    free(r->types);
    free(r->types_opt);
    pq_buf_release(&r->buf);
    free(r);
}
