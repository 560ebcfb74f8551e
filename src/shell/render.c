/* render.c — results on stdout: table, line, markdown, json, ddbjson, csv and tsv modes,
 * status lines, DESCRIBE, --sort, and the progress counter of long SELECTs. */
#define _GNU_SOURCE /* qsort_r */
#include "shell.h"
#include "grid.h"
#include "pqsh/value.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Table and csv output need the columns of a whole block of items; blocks
 * are cut at this many items so that memory stays bounded (not with --sort,
 * which orders the whole result). */
#define BLOCK_ITEMS 1000
/* Items of the last SELECT kept for tutorial checks. */
#define LAST_ROWS_MAX 100
/* A SELECT still paging after this long shows a live counter. */
#define PROGRESS_AFTER_S 1.0

struct render {
    struct shell *sh;
    const struct pq_step *step;
    json_t *block;  /* items waiting to be printed (table, csv, …; all of them with --sort); NULL
                       before the first */
    size_t printed; /* items printed so far (line mode numbers them) */
    bool keys_known;
    char *hash, *range; /* key attribute names of step->table, NULL when unknown */
    double started;     /* monotonic seconds */
    unsigned long long pages, items;
    bool counter_shown;
    /* csv and tsv: the columns of the first block, kept for every later one
     * (a header row is written once); names owned. `extra` holds the names
     * of attributes met later outside them, each warned about once. */
    char **fixed;
    size_t nfixed;
    json_t *extra;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

const char *shell_sgr(const struct shell *sh, const char *code)
{
    return sh->color ? code : "";
}

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
    /* Called after DDL: the table names for completion are stale too. */
    json_decref(sh->tables);
    sh->tables = NULL;
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

/* ---- --sort: a fixed order for items, map keys and set members ------------ */

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Set members and values of different types: type name, then text. */
static int value_cmp(json_t *a, json_t *b)
{
    int cmp;
    if (!a || !b) return !a - !b ? (a ? 1 : -1) : 0;
    if (pq_value_compare(a, b, &cmp)) return cmp;
    cmp = strcmp(pq_type_name(pq_value_type(a)), pq_type_name(pq_value_type(b)));
    if (cmp) return cmp;
    struct pq_buf x = PQ_BUF_INIT, y = PQ_BUF_INIT;
    pq_buf_init(&x);
    pq_buf_init(&y);
    pq_value_to_partiql(a, &x);
    pq_value_to_partiql(b, &y);
    cmp = strcmp(x.data, y.data);
    pq_buf_release(&x);
    pq_buf_release(&y);
    return cmp;
}

static int member_cmp(const void *a, const void *b, void *type)
{
    json_t *x = json_pack("{s:O}", (const char *)type, *(json_t *const *)a);
    json_t *y = json_pack("{s:O}", (const char *)type, *(json_t *const *)b);
    int cmp = value_cmp(x, y);
    json_decref(x);
    json_decref(y);
    return cmp;
}

/* A copy of an AttributeValue with map keys in byte order and set members
 * in DynamoDB order (new reference). */
static json_t *canonical(json_t *av)
{
    const char *type = NULL;
    json_t *payload = NULL, *out;
    size_t i;
    json_t *v;
    if (!json_is_object(av) || json_object_size(av) != 1) return json_incref(av);
    json_object_foreach(av, type, payload) break;
    if (strcmp(type, "M") == 0) {
        const char **names = pq_xcalloc(json_object_size(payload) + 1, sizeof *names);
        const char *k;
        size_t n = 0;
        json_object_foreach(payload, k, v) names[n++] = k;
        qsort(names, n, sizeof *names, name_cmp);
        json_t *m = json_object();
        for (i = 0; i < n; i++)
            json_object_set_new(m, names[i], canonical(json_object_get(payload, names[i])));
        free(names);
        out = json_pack("{s:o}", "M", m);
    } else if (strcmp(type, "L") == 0) {
        json_t *l = json_array();
        json_array_foreach(payload, i, v) json_array_append_new(l, canonical(v));
        out = json_pack("{s:o}", "L", l);
    } else if (strcmp(type, "SS") == 0 || strcmp(type, "NS") == 0 || strcmp(type, "BS") == 0) {
        size_t n = json_array_size(payload);
        json_t **m = pq_xcalloc(n + 1, sizeof *m);
        json_array_foreach(payload, i, v) m[i] = v;
        char member[2] = {type[0], 0};
        qsort_r(m, n, sizeof *m, member_cmp, member);
        json_t *set = json_array();
        for (i = 0; i < n; i++)
            json_array_append(set, m[i]);
        free(m);
        out = json_pack("{s:o}", type, set);
    } else {
        out = json_incref(av);
    }
    return out;
}

static json_t *canonical_item(json_t *item)
{
    json_t *out = json_object(), *v;
    const char *k;
    json_object_foreach(item, k, v) json_object_set_new(out, k, canonical(v));
    return out;
}

struct item_order {
    const struct columns *cols;
};

/* Items by their attributes in column order (keys first): a missing
 * attribute sorts first. */
static int item_cmp(const void *a, const void *b, void *ctx)
{
    const struct columns *cols = ctx;
    json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    for (size_t c = 0; c < cols->n; c++) {
        int cmp = value_cmp(json_object_get(x, cols->names[c]), json_object_get(y, cols->names[c]));
        if (cmp) return cmp;
    }
    return 0;
}

static void sort_items(const struct render *r, json_t *items)
{
    struct columns cols;
    size_t n = json_array_size(items), i;
    json_t *item;
    columns_of(r, items, &cols);
    json_t **v = pq_xcalloc(n + 1, sizeof *v);
    json_array_foreach(items, i, item) v[i] = json_incref(item);
    qsort_r(v, n, sizeof *v, item_cmp, &cols);
    json_array_clear(items);
    for (i = 0; i < n; i++)
        json_array_append_new(items, v[i]);
    free(v);
    free(cols.names);
}

/* ---- cells for the human modes ------------------------------------------- */

static struct grid grid_of(const struct shell *sh)
{
    return (struct grid){
        stdout, sh->box, sh->wrap, sh->width, shell_sgr(sh, "\033[1m"), shell_sgr(sh, "\033[0m")};
}

/* Table, line and markdown modes: every item's attributes as PartiQL text. */
static void print_cells(struct render *r, json_t *items)
{
    struct columns cols;
    size_t nitems = json_array_size(items);
    columns_of(r, items, &cols);
    if (cols.n == 0) goto out;
    char **cells = pq_xcalloc(nitems * cols.n + 1, sizeof *cells);
    bool *present = pq_xcalloc(nitems * cols.n + 1, sizeof *present);
    for (size_t i = 0; i < nitems; i++) {
        json_t *item = json_array_get(items, i);
        for (size_t c = 0; c < cols.n; c++) {
            json_t *v = json_object_get(item, cols.names[c]);
            struct pq_buf b = PQ_BUF_INIT;
            pq_buf_init(&b);
            if (v) pq_value_to_partiql(v, &b);
            grid_visible(&b);
            cells[i * cols.n + c] = pq_buf_detach(&b, NULL);
            present[i * cols.n + c] = v != NULL;
        }
    }
    struct grid g = grid_of(r->sh);
    const char *const *cc = (const char *const *)cells;
    if (r->sh->mode == MODE_LINE)
        grid_lines(&g, cols.names, cc, present, cols.n, nitems, r->printed);
    else if (r->sh->mode == MODE_MARKDOWN)
        grid_markdown(&g, cols.names, cc, cols.n, nitems);
    else
        grid_table(&g, cols.names, cc, cols.n, nitems);
    for (size_t i = 0; i < nitems * cols.n; i++)
        free(cells[i]);
    free(cells);
    free(present);
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
 * NULL and missing as nothing, documents as plain JSON (csv and tsv). */
static void plain_text(json_t *v, struct pq_buf *out)
{
    struct pq_buf b = *out;
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
    *out = b;
}

static void csv_value(json_t *v)
{
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    plain_text(v, &b);
    csv_field(b.data, b.len);
    pq_buf_release(&b);
}

/* csv and tsv: one header row and the same columns for the whole result,
 * which arrives in blocks: the first block's columns are kept. An attribute
 * that first appears in a later block has no column; it is named on stderr
 * once rather than shifting or re-heading the rows. Returns whether the
 * header row is to be written (the first block). cols borrows r->fixed. */
static bool fixed_columns(struct render *r, json_t *items, struct columns *cols)
{
    bool first = !r->fixed;
    if (first) {
        struct columns found;
        columns_of(r, items, &found);
        r->fixed = pq_xcalloc(found.n + 1, sizeof *r->fixed);
        for (size_t c = 0; c < found.n; c++)
            r->fixed[c] = pq_xstrdup(found.names[c]);
        r->nfixed = found.n;
        free(found.names);
        r->extra = json_object();
    }
    cols->names = (const char **)r->fixed;
    cols->n = r->nfixed;
    size_t i;
    json_t *item, *v;
    const char *name;
    json_array_foreach(items, i, item) json_object_foreach(item, name, v)
    {
        bool known = false;
        for (size_t c = 0; c < r->nfixed && !known; c++)
            known = strcmp(r->fixed[c], name) == 0;
        if (known || json_object_get(r->extra, name)) continue;
        json_object_set_new(r->extra, name, json_true());
        fprintf(stderr,
                "pqsh: warning: attribute '%s' first appears after item %zu, past the %s "
                "header: its values are left out (with --sort the whole result is read "
                "first and every attribute gets a column)\n",
                name, r->printed + i, r->sh->mode == MODE_CSV ? "CSV" : "TSV");
    }
    return first;
}

static void print_csv(struct render *r, json_t *items)
{
    struct columns cols;
    size_t i;
    json_t *item;
    bool header = fixed_columns(r, items, &cols);
    for (size_t c = 0; header && c < cols.n; c++) {
        if (c) putchar(',');
        csv_field(cols.names[c], strlen(cols.names[c]));
    }
    if (header) printf("\r\n");
    json_array_foreach(items, i, item)
    {
        for (size_t c = 0; c < cols.n; c++) {
            if (c) putchar(',');
            json_t *v = json_object_get(item, cols.names[c]);
            if (v) csv_value(v);
        }
        printf("\r\n");
    }
}

/* ---- tsv mode: tab-separated, \t \n \r \\ escaped (PostgreSQL text format) */

static void tsv_field(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        switch (s[i]) {
        case '\t':
            fputs("\\t", stdout);
            break;
        case '\n':
            fputs("\\n", stdout);
            break;
        case '\r':
            fputs("\\r", stdout);
            break;
        case '\\':
            fputs("\\\\", stdout);
            break;
        default:
            putchar(s[i]);
        }
    }
}

static void print_tsv(struct render *r, json_t *items)
{
    struct columns cols;
    size_t i;
    json_t *item;
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    bool header = fixed_columns(r, items, &cols);
    for (size_t c = 0; header && c < cols.n; c++) {
        if (c) putchar('\t');
        tsv_field(cols.names[c], strlen(cols.names[c]));
    }
    if (header) putchar('\n');
    json_array_foreach(items, i, item)
    {
        for (size_t c = 0; c < cols.n; c++) {
            if (c) putchar('\t');
            json_t *v = json_object_get(item, cols.names[c]);
            pq_buf_reset(&b);
            if (v) plain_text(v, &b);
            tsv_field(b.data, b.len);
        }
        putchar('\n');
    }
    pq_buf_release(&b);
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

/* ---- the progress counter (stderr, terminals only) ------------------------- */

static void progress(struct render *r, bool done)
{
    if (!r->sh->progress) return;
    if (done) {
        if (r->counter_shown) fputs("\r\033[K", stderr);
        r->counter_shown = false;
        return;
    }
    double elapsed = now_s() - r->started;
    if (elapsed < PROGRESS_AFTER_S) return;
    fprintf(stderr, "\r\033[K%llu item%s, %llu page%s, %.1f s (Ctrl-C stops)", r->items,
            r->items == 1 ? "" : "s", r->pages, r->pages == 1 ? "" : "s", elapsed);
    fflush(stderr);
    r->counter_shown = true;
}

/* ---- the sink ---------------------------------------------------------- */

struct render *render_begin(struct shell *sh, const struct pq_step *step)
{
    /* One kept from the last statement: no allocation per statement. */
    struct render *r = sh->render_spare;
    sh->render_spare = NULL;
    if (r)
        memset(r, 0, sizeof *r);
    else
        r = pq_xcalloc(1, sizeof *r);
    r->sh = sh;
    r->step = step;
    r->block = NULL; /* made with the first row (a write has none) */
    r->started = now_s();
    if (sh->explain) {
        struct pq_buf b = PQ_BUF_INIT;
        pq_buf_init(&b);
        pq_step_describe(step, &b);
        printf("%s-- %s%s\n", shell_sgr(sh, "\033[2m"), b.data, shell_sgr(sh, "\033[0m"));
        pq_buf_release(&b);
    }
    if (step->kind == PQ_STEP_SELECT) {
        json_decref(sh->last_rows);
        sh->last_rows = json_array();
        free(sh->last_table);
        sh->last_table = step->table ? pq_xstrdup(step->table) : NULL;
        json_decref(sh->last_request);
        sh->last_request = json_incref(step->request);
    }
    shell_calls_step(sh, step);
    return r;
}

static void flush_block(struct render *r)
{
    size_t n = json_array_size(r->block);
    if (n == 0) return;
    if (r->sh->sort) sort_items(r, r->block);
    switch (r->sh->mode) {
    case MODE_CSV:
        print_csv(r, r->block);
        break;
    case MODE_TSV:
        print_tsv(r, r->block);
        break;
    case MODE_JSON:
    case MODE_DDBJSON: {
        size_t i;
        json_t *item;
        json_array_foreach(r->block, i, item) print_json_item(r, item, r->sh->mode == MODE_DDBJSON);
        break;
    }
    default:
        print_cells(r, r->block);
        break;
    }
    r->printed += n;
    json_array_clear(r->block);
}

static bool streams(const struct shell *sh)
{
    return !sh->sort && (sh->mode == MODE_JSON || sh->mode == MODE_DDBJSON);
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
    r->pages++;
    r->items += json_array_size(rows);
    if (step->table) shell_note_attrs(r->sh, step->table, rows);
    if (step->kind == PQ_STEP_SELECT && r->sh->last_rows) {
        json_array_foreach(rows, i, row)
        {
            if (json_array_size(r->sh->last_rows) >= LAST_ROWS_MAX) break;
            json_array_append(r->sh->last_rows, row);
        }
    }
    json_array_foreach(rows, i, row)
    {
        json_t *item = r->sh->sort ? canonical_item(row) : json_incref(row);
        if (streams(r->sh)) {
            print_json_item(r, item, r->sh->mode == MODE_DDBJSON);
            r->printed++;
        } else {
            if (!r->block) r->block = json_array();
            json_array_append(r->block, item);
            if (!r->sh->sort && json_array_size(r->block) >= BLOCK_ITEMS) flush_block(r);
        }
        json_decref(item);
    }
    progress(r, false);
    return PQ_OK;
}

void render_status(struct shell *sh, const char *tag, bool with_count, unsigned long long count)
{
    /* "TAG N\n" without a printf per statement (a bulk script prints one
     * per INSERT). */
    if (sh->quiet) return;
    char line[64];
    size_t n = strlen(tag);
    if (n > sizeof line - 24) {
        if (with_count)
            shell_statusf(sh, "%s %llu\n", tag, count);
        else
            shell_statusf(sh, "%s\n", tag);
        return;
    }
    memcpy(line, tag, n);
    if (with_count) {
        char digits[24];
        size_t d = 0;
        do
            digits[d++] = (char)('0' + count % 10);
        while ((count /= 10) != 0);
        line[n++] = ' ';
        while (d)
            line[n++] = digits[--d];
    }
    line[n++] = '\n';
    shell_status_write(sh, line, n);
}

void render_end(struct render *r, const struct pq_run_outcome *outcome, bool ok)
{
    progress(r, true);
    flush_block(r);
    shell_calls_step(r->sh, NULL);
    const struct pq_step *step = r->step;
    enum out_mode mode = r->sh->mode;
    if (ok) {
        if (step->kind == PQ_STEP_SELECT && (mode == MODE_TABLE || mode == MODE_LINE))
            printf("%s(%llu item%s)%s\n", shell_sgr(r->sh, "\033[2m"),
                   (unsigned long long)outcome->count, outcome->count == 1 ? "" : "s",
                   shell_sgr(r->sh, "\033[0m"));
        else if (step->kind == PQ_STEP_LIST_TABLES && (mode == MODE_TABLE || mode == MODE_LINE))
            printf("%s(%llu table%s)%s\n", shell_sgr(r->sh, "\033[2m"),
                   (unsigned long long)outcome->count, outcome->count == 1 ? "" : "s",
                   shell_sgr(r->sh, "\033[0m"));
        else if (step->kind == PQ_STEP_WRITE)
            render_status(r->sh, step->tag, !step->count_unknown, outcome->count);
        else if (step->tag)
            render_status(r->sh, step->tag, false, 0);
    }
    shell_output_point(r->sh);
    json_decref(r->block);
    free(r->hash);
    free(r->range);
    for (size_t c = 0; c < r->nfixed; c++)
        free(r->fixed[c]);
    free(r->fixed);
    json_decref(r->extra);
    if (r->sh->render_spare)
        free(r);
    else
        r->sh->render_spare = r;
}
