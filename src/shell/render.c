/* render.c — results on stdout: table, json, ddbjson and csv modes, status lines, DESCRIBE. */
#define _GNU_SOURCE /* qsort_r */
#include "shell.h"
#include "pqsh/value.h"

#include <stdlib.h>
#include <string.h>

/* Table and csv output need the columns of a whole block of items; blocks
 * are cut at this many items so that memory stays bounded. */
#define BLOCK_ITEMS 1000

struct render {
    struct shell *sh;
    const struct pq_step *step;
    json_t *block; /* items waiting to be printed (table, csv) */
    bool keys_known;
    char *hash, *range; /* key attribute names of step->table, NULL when unknown */
};

/* ---- the key-schema cache ------------------------------------------------ */

const struct key_entry *shell_table_keys(struct shell *sh, const char *table)
{
    for (size_t i = 0; i < sh->nkeys; i++)
        if (strcmp(sh->keys[i].table, table) == 0) return &sh->keys[i];
    struct key_entry e = {pq_xstrdup(table), NULL, NULL};
    json_t *req = json_pack("{s:s}", "TableName", table), *resp = NULL;
    struct pq_error err;
    pq_error_init(&err);
    /* A failure leaves the entry without keys: columns are then simply
     * alphabetical. The statement itself already succeeded. */
    if (pq_backend_call(sh->backend, "DescribeTable", req, &resp, &err) == PQ_OK) {
        size_t i;
        json_t *k;
        json_array_foreach(json_object_get(json_object_get(resp, "Table"), "KeySchema"), i, k)
        {
            const char *name = json_string_value(json_object_get(k, "AttributeName"));
            const char *type = json_string_value(json_object_get(k, "KeyType"));
            if (!name || !type) continue;
            if (strcmp(type, "HASH") == 0 && !e.hash) e.hash = pq_xstrdup(name);
            if (strcmp(type, "RANGE") == 0 && !e.range) e.range = pq_xstrdup(name);
        }
        json_decref(resp);
    }
    pq_error_release(&err);
    json_decref(req);
    sh->keys = pq_xrealloc(sh->keys, (sh->nkeys + 1) * sizeof *sh->keys);
    sh->keys[sh->nkeys] = e;
    return &sh->keys[sh->nkeys++];
}

void shell_forget_keys(struct shell *sh)
{
    for (size_t i = 0; i < sh->nkeys; i++) {
        free(sh->keys[i].table);
        free(sh->keys[i].hash);
        free(sh->keys[i].range);
    }
    free(sh->keys);
    sh->keys = NULL;
    sh->nkeys = 0;
}

static void learn_keys(struct render *r)
{
    if (r->keys_known || !r->step->table) return;
    const struct key_entry *e = shell_table_keys(r->sh, r->step->table);
    r->hash = e->hash ? pq_xstrdup(e->hash) : NULL;
    r->range = e->range ? pq_xstrdup(e->range) : NULL;
    r->keys_known = true;
}

/* ---- columns ----------------------------------------------------------- */

struct columns {
    const char **names; /* borrowed from the items */
    size_t n;
};

static int column_rank(const struct render *r, const char *name)
{
    if (r->hash && strcmp(name, r->hash) == 0) return 0;
    if (r->range && strcmp(name, r->range) == 0) return 1;
    return 2;
}

static int column_cmp(const void *a, const void *b, void *ctx)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    int rx = column_rank(ctx, x), ry = column_rank(ctx, y);
    if (rx != ry) return rx - ry;
    return strcmp(x, y);
}

/* Key attributes first (partition, sort), then the rest by name. */
static void columns_of(const struct render *r, json_t *items, struct columns *cols)
{
    json_t *seen = json_object(), *item, *v;
    size_t i;
    const char *name;
    json_array_foreach(items, i, item) json_object_foreach(item, name, v)
        json_object_set(seen, name, json_true());
    cols->n = 0;
    cols->names = pq_xcalloc(json_object_size(seen) + 1, sizeof *cols->names);
    json_array_foreach(items, i, item)
        json_object_foreach(item, name, v) if (json_object_get(seen, name))
    {
        cols->names[cols->n++] = name;
        json_object_del(seen, name);
    }
    qsort_r(cols->names, cols->n, sizeof *cols->names, column_cmp, (void *)r);
    json_decref(seen);
}

/* Characters on screen: UTF-8 code points. */
static size_t display_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) w++;
    return w;
}

static void pad(size_t n)
{
    for (size_t i = 0; i < n; i++)
        putchar(' ');
}

/* ---- table mode ---------------------------------------------------------- */

/* One line of cells: ` a | b | c`, padded to the column widths, with no
 * blanks after the last cell. */
static void table_row(const char **cells, const size_t *width, size_t n)
{
    for (size_t c = 0; c < n; c++) {
        bool last = c + 1 == n;
        if (c) putchar('|');
        if (last && !*cells[c]) break;
        printf(" %s", cells[c]);
        if (!last) pad(width[c] - display_width(cells[c]) + 1);
    }
    putchar('\n');
}

/* A cell on one line: line breaks inside strings show as ↵ (as psql does),
 * so that rows stay aligned. Takes the buffer's text. */
static char *one_line(struct pq_buf *b)
{
    if (!memchr(b->data, '\n', b->len) && !memchr(b->data, '\r', b->len))
        return pq_buf_detach(b, NULL);
    struct pq_buf out = PQ_BUF_INIT;
    pq_buf_init(&out);
    for (size_t i = 0; i < b->len; i++) {
        if (b->data[i] == '\r' && i + 1 < b->len && b->data[i + 1] == '\n') continue;
        if (b->data[i] == '\n' || b->data[i] == '\r')
            pq_buf_adds(&out, "\u21b5");
        else
            pq_buf_addc(&out, b->data[i]);
    }
    pq_buf_release(b);
    return pq_buf_detach(&out, NULL);
}

static void print_table(const struct render *r, json_t *items)
{
    struct columns cols;
    size_t nitems = json_array_size(items);
    columns_of(r, items, &cols);
    if (cols.n == 0) goto out;
    size_t *width = pq_xcalloc(cols.n, sizeof *width);
    char **cells = pq_xcalloc(nitems * cols.n, sizeof *cells);
    for (size_t c = 0; c < cols.n; c++)
        width[c] = display_width(cols.names[c]);
    for (size_t i = 0; i < nitems; i++) {
        json_t *item = json_array_get(items, i);
        for (size_t c = 0; c < cols.n; c++) {
            json_t *v = json_object_get(item, cols.names[c]);
            struct pq_buf b = PQ_BUF_INIT;
            pq_buf_init(&b);
            if (v) pq_value_to_partiql(v, &b);
            cells[i * cols.n + c] = one_line(&b);
            size_t w = display_width(cells[i * cols.n + c]);
            if (w > width[c]) width[c] = w;
        }
    }
    table_row(cols.names, width, cols.n);
    for (size_t c = 0; c < cols.n; c++) {
        if (c) putchar('+');
        for (size_t k = 0; k < width[c] + 2; k++)
            putchar('-');
    }
    putchar('\n');
    for (size_t i = 0; i < nitems; i++)
        table_row((const char **)&cells[i * cols.n], width, cols.n);
    for (size_t i = 0; i < nitems * cols.n; i++)
        free(cells[i]);
    free(cells);
    free(width);
out:
    free(cols.names);
}

/* ---- csv mode (RFC 4180: CRLF line ends, "" inside quoted fields) -------- */

static void csv_field(const char *s, size_t len)
{
    bool quote = false;
    for (size_t i = 0; i < len && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (!quote) {
        fwrite(s, 1, len, stdout);
        return;
    }
    putchar('"');
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"') putchar('"');
        putchar(s[i]);
    }
    putchar('"');
}

/* Strings and numbers as their text, binary as base64, BOOL as true/false,
 * NULL and missing as an empty field, documents as plain JSON. */
static void csv_value(json_t *v)
{
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    switch (pq_value_type(v)) {
    case PQ_T_S:
    case PQ_T_N:
    case PQ_T_B: {
        json_t *p = pq_value_payload(v);
        pq_buf_add(&b, json_string_value(p), json_string_length(p));
        break;
    }
    case PQ_T_NULL:
    case PQ_T_NONE:
        break;
    default:
        pq_value_to_plain_json(v, &b);
        break;
    }
    csv_field(b.data, b.len);
    pq_buf_release(&b);
}

static void print_csv(const struct render *r, json_t *items)
{
    struct columns cols;
    size_t i;
    json_t *item;
    columns_of(r, items, &cols);
    for (size_t c = 0; c < cols.n; c++) {
        if (c) putchar(',');
        csv_field(cols.names[c], strlen(cols.names[c]));
    }
    printf("\r\n");
    json_array_foreach(items, i, item)
    {
        for (size_t c = 0; c < cols.n; c++) {
            if (c) putchar(',');
            json_t *v = json_object_get(item, cols.names[c]);
            if (v) csv_value(v);
        }
        printf("\r\n");
    }
    free(cols.names);
}

/* ---- json modes: one object per item per line, streamed ------------------ */

static void print_json_item(const struct render *r, json_t *item, bool typed)
{
    json_t *one = json_array();
    struct columns cols;
    struct pq_buf b = PQ_BUF_INIT;
    json_array_append(one, item);
    columns_of(r, one, &cols);
    pq_buf_init(&b);
    pq_buf_addc(&b, '{');
    for (size_t c = 0; c < cols.n; c++) {
        json_t *name = json_string(cols.names[c]);
        char *text = json_dumps(name, JSON_ENCODE_ANY);
        pq_buf_addf(&b, "%s%s: ", c ? ", " : "", text);
        free(text);
        json_decref(name);
        json_t *v = json_object_get(item, cols.names[c]);
        if (typed) {
            /* the separators of pq_value_to_plain_json: ", " and ": " */
            text = json_dumps(v, JSON_PRESERVE_ORDER);
            pq_buf_adds(&b, text);
            free(text);
        } else {
            pq_value_to_plain_json(v, &b);
        }
    }
    pq_buf_adds(&b, "}\n");
    fwrite(b.data, 1, b.len, stdout);
    pq_buf_release(&b);
    free(cols.names);
    json_decref(one);
}

/* ---- DESCRIBE -------------------------------------------------------------- */

static const char *attr_type(json_t *table, const char *name)
{
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(table, "AttributeDefinitions"), i, d)
    {
        const char *n = json_string_value(json_object_get(d, "AttributeName"));
        if (n && strcmp(n, name) == 0) {
            const char *t = json_string_value(json_object_get(d, "AttributeType"));
            return t ? t : "?";
        }
    }
    return "?";
}

static void print_key_schema(json_t *table, json_t *schema)
{
    size_t i;
    json_t *k;
    json_array_foreach(schema, i, k)
    {
        const char *name = json_string_value(json_object_get(k, "AttributeName"));
        const char *type = json_string_value(json_object_get(k, "KeyType"));
        if (!name || !type) continue;
        printf("%s%s %s (%s)", i ? ", " : "", name, attr_type(table, name),
               strcmp(type, "HASH") == 0 ? "partition key" : "sort key");
    }
}

static void print_indexes(json_t *table, const char *member, const char *kind, bool *any)
{
    size_t i;
    json_t *ix;
    json_array_foreach(json_object_get(table, member), i, ix)
    {
        printf("%s%s (%s): ", *any ? "           " : "",
               json_string_value(json_object_get(ix, "IndexName")), kind);
        print_key_schema(table, json_object_get(ix, "KeySchema"));
        const char *proj =
            json_string_value(json_object_get(json_object_get(ix, "Projection"), "ProjectionType"));
        printf("; projects %s\n", proj ? proj : "ALL");
        *any = true;
    }
}

static void print_description(json_t *t)
{
    printf("Table:     %s\n", json_string_value(json_object_get(t, "TableName")));
    printf("Status:    %s\n", json_string_value(json_object_get(t, "TableStatus")));
    printf("Key:       ");
    print_key_schema(t, json_object_get(t, "KeySchema"));
    putchar('\n');
    const char *billing =
        json_string_value(json_object_get(json_object_get(t, "BillingModeSummary"), "BillingMode"));
    json_t *pt = json_object_get(t, "ProvisionedThroughput");
    json_int_t rcu = json_integer_value(json_object_get(pt, "ReadCapacityUnits"));
    json_int_t wcu = json_integer_value(json_object_get(pt, "WriteCapacityUnits"));
    if (billing && strcmp(billing, "PAY_PER_REQUEST") == 0)
        printf("Billing:   on demand (PAY_PER_REQUEST)\n");
    else
        printf("Billing:   provisioned, %lld read / %lld write capacity units\n", (long long)rcu,
               (long long)wcu);
    printf("Items:     %lld\n", (long long)json_integer_value(json_object_get(t, "ItemCount")));
    printf("Indexes:   ");
    bool any = false;
    print_indexes(t, "GlobalSecondaryIndexes", "global", &any);
    print_indexes(t, "LocalSecondaryIndexes", "local", &any);
    if (!any) printf("none\n");
}

/* ---- the sink ---------------------------------------------------------- */

struct render *render_begin(struct shell *sh, const struct pq_step *step)
{
    struct render *r = pq_xcalloc(1, sizeof *r);
    r->sh = sh;
    r->step = step;
    r->block = json_array();
    return r;
}

static void flush_block(struct render *r)
{
    if (json_array_size(r->block) == 0) return;
    if (r->sh->mode == MODE_CSV)
        print_csv(r, r->block);
    else
        print_table(r, r->block);
    json_array_clear(r->block);
}

pq_status render_rows(void *ctx, const struct pq_step *step, json_t *rows, struct pq_error *err)
{
    struct render *r = ctx;
    size_t i;
    json_t *row;
    if (shell_interrupted) return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS, "interrupted");
    if (step->kind == PQ_STEP_LIST_TABLES) {
        json_array_foreach(rows, i, row) printf("%s\n", json_string_value(row));
        return PQ_OK;
    }
    if (step->kind == PQ_STEP_DESCRIBE) {
        json_array_foreach(rows, i, row)
        {
            if (r->sh->mode == MODE_JSON || r->sh->mode == MODE_DDBJSON) {
                char *text = json_dumps(row, JSON_PRESERVE_ORDER);
                printf("%s\n", text);
                free(text);
            } else {
                print_description(row);
            }
        }
        return PQ_OK;
    }
    learn_keys(r);
    json_array_foreach(rows, i, row)
    {
        if (r->sh->mode == MODE_JSON || r->sh->mode == MODE_DDBJSON) {
            print_json_item(r, row, r->sh->mode == MODE_DDBJSON);
            continue;
        }
        json_array_append(r->block, row);
        if (json_array_size(r->block) >= BLOCK_ITEMS) flush_block(r);
    }
    return PQ_OK;
}

void render_status(const char *tag, bool with_count, unsigned long long count)
{
    if (with_count)
        printf("%s %llu\n", tag, count);
    else
        printf("%s\n", tag);
}

void render_end(struct render *r, const struct pq_run_outcome *outcome, bool ok)
{
    flush_block(r);
    const struct pq_step *step = r->step;
    if (ok) {
        if (step->kind == PQ_STEP_SELECT && r->sh->mode == MODE_TABLE)
            printf("(%llu item%s)\n", (unsigned long long)outcome->count,
                   outcome->count == 1 ? "" : "s");
        else if (step->kind == PQ_STEP_WRITE)
            render_status(step->tag, true, outcome->count);
        else if (step->tag)
            render_status(step->tag, false, 0);
    }
    fflush(stdout);
    json_decref(r->block);
    free(r->hash);
    free(r->range);
    free(r);
}
