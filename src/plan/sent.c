/* sent.c — the text sent for a PartiQL statement: what the user typed, with
 * only the edits DynamoDB needs, and the map from that text back to the source.
 *
 * The edits, each spliced into the source at the byte range the parse kept:
 *   - a variable reference (`:name`, a bare name read as a variable, a b64'…'
 *     literal) becomes `?`; its value travels in Parameters, in text order;
 *   - a bare name DynamoDB would refuse bare (a keyword or reserved word of
 *     its parser) is double-quoted; every other name keeps its spelling;
 *   - comments are left out (a block comment keeps its line breaks, or leaves
 *     a space between tokens; a line comment takes the blanks before it);
 *   - pqsh's spellings become DynamoDB's: `LIMIT n` goes (pqsh applies it),
 *     `VALUES {…}` of one item becomes `VALUE {…}`, and a row of SQL-style
 *     `INSERT INTO t (a, b) VALUES (x, y)` becomes `INSERT INTO t VALUE
 *     {'a': x, 'b': y}`, each value as typed.
 * Everything else — case, spacing, line breaks, quoting — is the user's.
 */
#include "plan/internal.h"
#include "pqsh/parse.h"

#include <stdlib.h>
#include <string.h>

struct edit {
    size_t start, end; /* source range replaced */
    char *text;        /* replacement (owned) */
};

struct builder {
    const char *src;
    size_t src_len;
    struct edit *e;
    size_t n, cap;
    struct pq_buf out;
    struct pq_text_map map;
    size_t map_cap;
};

static void add_edit(struct builder *b, size_t start, size_t end, char *text)
{
    if (start > end || end > b->src_len) {
        free(text);
        return;
    }
    if (b->n == b->cap) {
        b->cap = b->cap ? 2 * b->cap : 16;
        b->e = pq_xrealloc(b->e, b->cap * sizeof *b->e);
    }
    b->e[b->n++] = (struct edit){start, end, text};
}

static void add_piece(struct builder *b, size_t src, size_t src_end, bool copied)
{
    struct pq_text_map *m = &b->map;
    if (m->n == b->map_cap) {
        b->map_cap = b->map_cap ? 2 * b->map_cap : 16;
        m->pieces = pq_xrealloc(m->pieces, b->map_cap * sizeof *m->pieces);
    }
    m->pieces[m->n++] = (struct pq_text_piece){b->out.len, src, src_end, copied};
}

/* ---- collecting edits from the tree ---------------------------------------- */

static void quote_if_needed(struct builder *b, const char *name, bool quoted, struct pq_loc loc)
{
    if (quoted || !name || loc.end <= loc.start) return;
    /* Only a name written bare, exactly at `loc`. */
    if (loc.end - loc.start != strlen(name) ||
        memcmp(b->src + loc.start, name, loc.end - loc.start))
        return;
    if (pq_is_plain_identifier(name, loc.end - loc.start)) return;
    struct pq_buf q = PQ_BUF_INIT;
    pq_buf_init(&q);
    pq_buf_add_dquoted(&q, name, strlen(name));
    add_edit(b, loc.start, loc.end, pq_buf_detach(&q, NULL));
}

static void ident_edits(struct builder *b, const struct pq_ident *id)
{
    quote_if_needed(b, id->name, id->quoted, id->loc);
}

static void from_edits(struct builder *b, const struct pq_from *f)
{
    ident_edits(b, &f->table);
    ident_edits(b, &f->index);
    ident_edits(b, &f->alias);
}

static void select_edits(struct builder *b, const struct pq_select *s);

static void expr_edits(struct builder *b, const struct pq_expr *e)
{
    if (!e) return;
    switch (e->kind) {
    case PQ_E_PARAM:
        add_edit(b, e->loc.start, e->loc.end, pq_xstrdup("?"));
        return;
    case PQ_E_PATH:
        for (size_t i = 0; i < e->nsteps; i++)
            if (e->steps[i].kind == PQ_STEP_NAME)
                quote_if_needed(b, e->steps[i].name, e->steps[i].quoted, e->steps[i].loc);
        return;
    case PQ_E_EXISTS:
        if (e->select) select_edits(b, e->select);
        return;
    default:
        break;
    }
    expr_edits(b, e->lhs);
    expr_edits(b, e->rhs);
    for (size_t i = 0; i < e->nitems; i++)
        expr_edits(b, e->items[i]);
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* Removes [start, end) and the blanks before it. */
static void remove_clause(struct builder *b, size_t start, size_t end)
{
    while (start > 0 && is_blank(b->src[start - 1]))
        start--;
    add_edit(b, start, end, pq_xstrdup(""));
}

static void select_edits(struct builder *b, const struct pq_select *s)
{
    for (size_t i = 0; i < s->nproj; i++)
        expr_edits(b, s->proj[i]);
    from_edits(b, &s->from);
    expr_edits(b, s->where);
    for (size_t i = 0; i < s->norder; i++)
        expr_edits(b, s->order[i].expr);
}

/* `word` in the case the statement's first keyword was typed in. */
static char *keyword_like(const struct builder *b, size_t stmt_start, const char *word)
{
    char *w = pq_xstrdup(word);
    char c = stmt_start < b->src_len ? b->src[stmt_start] : 'A';
    if (c >= 'a' && c <= 'z')
        for (char *p = w; *p; p++)
            if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
    return w;
}

static void stmt_edits(struct builder *b, const struct pq_stmt *s, bool keep_limit)
{
    switch (s->kind) {
    case PQ_S_SELECT:
        select_edits(b, &s->u.select);
        if (s->u.select.limit && !keep_limit)
            remove_clause(b, s->u.select.limit_loc.start, s->u.select.limit_loc.end);
        break;
    case PQ_S_EXISTS:
        if (s->u.exists.select) select_edits(b, s->u.exists.select);
        break;
    case PQ_S_INSERT: {
        struct pq_loc v = s->u.insert.values_loc;
        from_edits(b, &s->u.insert.into);
        expr_edits(b, s->u.insert.value);
        /* INSERT INTO t VALUES {…}: pqsh takes the SQL word for one item. */
        if (v.end > v.start && s->u.insert.nvalues == 1)
            add_edit(b, v.start, v.end, keyword_like(b, s->loc.start, "VALUE"));
        break;
    }
    case PQ_S_UPDATE:
        from_edits(b, &s->u.update.target);
        for (size_t i = 0; i < s->u.update.nops; i++) {
            expr_edits(b, s->u.update.ops[i].path);
            expr_edits(b, s->u.update.ops[i].value);
        }
        expr_edits(b, s->u.update.where);
        break;
    case PQ_S_DELETE:
        from_edits(b, &s->u.del.from);
        expr_edits(b, s->u.del.where);
        break;
    case PQ_S_EXPR:
        expr_edits(b, s->u.expr.expr);
        break;
    default:
        break;
    }
}

/* Comments: a block comment keeps the line breaks it spans (or one space,
 * so that tokens stay apart); a line comment goes with the blanks before it
 * on its line. */
static void comment_edits(struct builder *b, const struct pq_plan_context *ctx)
{
    for (size_t i = 0; i < ctx->ncomments; i++) {
        size_t start = ctx->comments[i].start, end = ctx->comments[i].end;
        if (end > b->src_len || start >= end) continue;
        struct pq_buf r = PQ_BUF_INIT;
        pq_buf_init(&r);
        if (b->src[start] == '-') {
            while (start > 0 && (b->src[start - 1] == ' ' || b->src[start - 1] == '\t'))
                start--;
        } else {
            for (size_t k = start; k < end; k++)
                if (b->src[k] == '\n') pq_buf_addc(&r, '\n');
            if (r.len == 0) pq_buf_addc(&r, ' ');
        }
        add_edit(b, start, end, pq_buf_detach(&r, NULL));
    }
}

static int edit_cmp(const void *x, const void *y)
{
    const struct edit *a = x, *c = y;
    if (a->start != c->start) return a->start < c->start ? -1 : 1;
    /* the wider edit first: it contains the other */
    if (a->end != c->end) return a->end > c->end ? -1 : 1;
    return 0;
}

/* Sorts the edits and drops those inside another (a comment inside a binary
 * set sent as one parameter). */
static void settle_edits(struct builder *b)
{
    if (b->n > 1) qsort(b->e, b->n, sizeof *b->e, edit_cmp);
    size_t k = 0, reach = 0;
    for (size_t i = 0; i < b->n; i++) {
        if (k > 0 && b->e[i].start < reach) {
            free(b->e[i].text);
            continue;
        }
        reach = b->e[i].end;
        b->e[k++] = b->e[i];
    }
    b->n = k;
}

/* ---- building the text -------------------------------------------------------- */

/* Appends source [start, end) with the edits inside it applied. */
static void copy_range(struct builder *b, size_t start, size_t end)
{
    size_t at = start;
    for (size_t i = 0; i < b->n && at < end; i++) {
        const struct edit *e = &b->e[i];
        if (e->start < at || e->end > end) continue;
        if (e->start > at) {
            add_piece(b, at, e->start, true);
            pq_buf_add(&b->out, b->src + at, e->start - at);
        }
        add_piece(b, e->start, e->end, false);
        pq_buf_adds(&b->out, e->text);
        at = e->end;
    }
    if (at < end) {
        add_piece(b, at, end, true);
        pq_buf_add(&b->out, b->src + at, end - at);
    }
}

/* Appends text pqsh writes itself, standing for source [src, src_end). */
static void insert_text(struct builder *b, const char *text, size_t src, size_t src_end)
{
    add_piece(b, src, src_end, false);
    pq_buf_adds(&b->out, text);
}

static void builder_release(struct builder *b)
{
    for (size_t i = 0; i < b->n; i++)
        free(b->e[i].text);
    free(b->e);
    pq_buf_release(&b->out);
    free(b->map.pieces);
}

/* The `?`s of `text` outside strings and quoted names. */
static size_t count_params(const char *text, size_t len)
{
    size_t n = 0;
    const char *p = text, *end = text + len;
    while (p < end) {
        p += strcspn(p, "?'\""); /* stops at a NUL too (text is NUL-terminated) */
        if (p >= end) break;
        if (*p == '\0') {
            p++;
        } else if (*p == '?') {
            n++;
            p++;
        } else {
            const char *q = memchr(p + 1, *p, (size_t)(end - p - 1));
            if (!q) break;
            p = q + 1;
        }
    }
    return n;
}

static pq_status finish(struct builder *b, const struct pq_stmt *s, size_t nparams,
                        struct pq_sent *out, struct pq_error *err)
{
    /* A `:name` left in the text, or a `?` lost: the text would not say what
     * the statement says. (Doubled quotes inside a string count as two
     * strings, which is the same for this count.) */
    if (count_params(b->out.data, b->out.len) != nparams) {
        builder_release(b);
        return pq_error_set(err, PQ_ERR_PLAN, s->loc.start, s->loc.end,
                            "pqsh cannot send this statement as typed: its variables do not "
                            "line up with the parameters");
    }
    out->text = pq_buf_detach(&b->out, &out->len);
    out->map = b->map;
    b->map.pieces = NULL;
    b->map.n = 0;
    builder_release(b);
    return PQ_OK;
}

pq_status plan_sent_text(const struct pq_stmt *s, size_t nparams, const struct pq_plan_context *ctx,
                         bool keep_limit, struct pq_sent *out, struct pq_error *err)
{
    struct builder b = {.src = ctx->source, .src_len = ctx->source_len};
    memset(out, 0, sizeof *out);
    pq_buf_init(&b.out);
    if (s->loc.start >= s->loc.end || s->loc.end > b.src_len) {
        builder_release(&b);
        return pq_error_set(err, PQ_ERR_PLAN, PQ_NO_POS, PQ_NO_POS,
                            "pqsh cannot send this statement as typed: its text is not known");
    }
    stmt_edits(&b, s, keep_limit);
    comment_edits(&b, ctx);
    settle_edits(&b);
    copy_range(&b, s->loc.start, s->loc.end);
    return finish(&b, s, nparams, out, err);
}

bool plan_sent_is_source(const struct pq_stmt *s, size_t nparams, const struct pq_plan_context *ctx,
                         bool keep_limit)
{
    /* No pqsh-only turn: no `:name`, no b64'…', no name DynamoDB refuses
     * bare (each sets shell_syntax in the parse); no parameter: no bare
     * name bound as a variable, no `?` edit, and no `?` for finish() to
     * miss (a `?` outside quotes and comments is a PARAM node). */
    if (s->shell_syntax || nparams != 0 || !ctx || !ctx->source) return false;
    if (s->loc.start >= s->loc.end || s->loc.end > ctx->source_len) return false;
    for (size_t i = 0; i < ctx->ncomments; i++)
        if (ctx->comments[i].start < s->loc.end && ctx->comments[i].end > s->loc.start)
            return false;
    switch (s->kind) {
    case PQ_S_SELECT:
        return !s->u.select.limit || keep_limit;
    case PQ_S_INSERT:
        return s->u.insert.values_loc.end <= s->u.insert.values_loc.start;
    default:
        /* Any other edit stmt_edits makes is a `?` or a quoted name. */
        return true;
    }
}

pq_status plan_sent_row(const struct pq_stmt *values, const struct pq_stmt *row, size_t r,
                        const struct pq_plan_context *ctx, struct pq_sent *out,
                        struct pq_error *err)
{
    struct builder b = {.src = ctx->source, .src_len = ctx->source_len};
    const struct pq_ident *table = &values->u.values.table;
    const struct pq_ident *cols = values->u.values.cols;
    struct pq_expr **vals = values->u.values.rows[r];
    const struct pq_expr *tuple = row->u.insert.value;
    size_t ncols = values->u.values.ncols;
    memset(out, 0, sizeof *out);
    pq_buf_init(&b.out);
    if (values->loc.start >= table->loc.end || table->loc.end > b.src_len) {
        builder_release(&b);
        return pq_error_set(err, PQ_ERR_PLAN, PQ_NO_POS, PQ_NO_POS,
                            "pqsh cannot send this statement as typed: its text is not known");
    }
    /* The bound row (row) holds the `?`s; its values stand where the typed
     * ones do. */
    stmt_edits(&b, row, false);
    comment_edits(&b, ctx);
    settle_edits(&b);
    copy_range(&b, values->loc.start, table->loc.end);
    char *kw = keyword_like(&b, values->loc.start, " VALUE {");
    insert_text(&b, kw, table->loc.end, table->loc.end);
    free(kw);
    for (size_t c = 0; c < ncols; c++) {
        struct pq_buf key = PQ_BUF_INIT;
        pq_buf_init(&key);
        if (c) pq_buf_adds(&key, ", ");
        pq_buf_add_squoted(&key, cols[c].name, strlen(cols[c].name));
        pq_buf_adds(&key, ": ");
        insert_text(&b, key.data, cols[c].loc.start, cols[c].loc.end);
        pq_buf_release(&key);
        const struct pq_expr *v = 2 * c + 1 < tuple->nitems ? tuple->items[2 * c + 1] : vals[c];
        size_t start = v->loc.start, end = v->loc.end;
        /* A row of one value, `('a')`: its parentheses are the row's. */
        if (values->u.values.rowlen[r] == 1 && v->kind != PQ_E_PARAM && end - start >= 2 &&
            b.src[start] == '(' && b.src[end - 1] == ')') {
            start++;
            end--;
            while (start < end && is_blank(b.src[start]))
                start++;
            while (end > start && is_blank(b.src[end - 1]))
                end--;
        }
        copy_range(&b, start, end);
    }
    insert_text(&b, "}", values->loc.end, values->loc.end);
    return finish(&b, values, row->nparams, out, err);
}

void pq_text_map_release(struct pq_text_map *m)
{
    free(m->pieces);
    m->pieces = NULL;
    m->n = 0;
}

bool pq_text_map_source(const struct pq_text_map *m, size_t start, size_t end, struct pq_loc *out)
{
    if (!m || m->n == 0) return false;
    /* The last piece starting at or before `start`. */
    size_t i = 0;
    while (i + 1 < m->n && m->pieces[i + 1].sent <= start)
        i++;
    const struct pq_text_piece *p = &m->pieces[i];
    if (p->copied) {
        out->start = p->src + (start - p->sent);
        if (out->start > p->src_end) out->start = p->src_end;
    } else {
        out->start = p->src;
        out->end = p->src_end;
    }
    if (end > start) {
        size_t k = i;
        while (k + 1 < m->n && m->pieces[k + 1].sent < end)
            k++;
        const struct pq_text_piece *q = &m->pieces[k];
        out->end = q->copied ? q->src + (end - q->sent) : q->src_end;
        if (q->copied && out->end > q->src_end) out->end = q->src_end;
    } else if (p->copied) {
        out->end = out->start;
    }
    if (out->end < out->start) out->end = out->start;
    return true;
}

/* ---- DynamoDB's error positions ------------------------------------------------- */

static bool read_number(const char **p, const char *end, unsigned long *out)
{
    unsigned long v = 0;
    const char *s = *p;
    if (s >= end || *s < '0' || *s > '9') return false;
    for (; s < end && *s >= '0' && *s <= '9'; s++) {
        if (v > 100000000ul) return false;
        v = v * 10 + (unsigned long)(*s - '0');
    }
    *p = s;
    *out = v;
    return true;
}

bool pq_message_position(const char *msg, unsigned long *line, unsigned long *col,
                         unsigned long *len)
{
    if (!msg) return false;
    const char *at = NULL;
    for (const char *p = msg; (p = strstr(p, " at ")); p++)
        at = p;
    if (!at) return false;
    const char *p = at + 4, *end = msg + strlen(msg);
    if (!read_number(&p, end, line) || p >= end || *p++ != ':' || !read_number(&p, end, col) ||
        p >= end || *p++ != ':' || !read_number(&p, end, len) || p != end)
        return false;
    return *line >= 1 && *col >= 1;
}

/* Byte offset of character `chars` (0-based) after byte `from` on its line. */
static size_t advance_chars(const char *text, size_t len, size_t from, unsigned long chars)
{
    size_t i = from;
    while (i < len && text[i] != '\n' && chars > 0) {
        i++;
        while (i < len && ((unsigned char)text[i] & 0xC0) == 0x80)
            i++;
        chars--;
    }
    return i;
}

bool pq_step_error_source(const struct pq_step *step, const char *message, struct pq_loc *out)
{
    unsigned long line, col, n;
    json_t *stmt = json_object_get(step->request, "Statement");
    if (!json_is_string(stmt) || step->map.n == 0 || !pq_message_position(message, &line, &col, &n))
        return false;
    const char *text = json_string_value(stmt);
    size_t len = json_string_length(stmt), i = 0;
    for (unsigned long l = 1; l < line; l++) {
        while (i < len && text[i] != '\n')
            i++;
        if (i == len) return false;
        i++;
    }
    size_t start = advance_chars(text, len, i, col - 1);
    size_t end = advance_chars(text, len, start, n);
    return pq_text_map_source(&step->map, start, end, out);
}
