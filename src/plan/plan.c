/* plan.c — statements → steps: PartiQL statements, INSERT … VALUES, batches, transactions. */
#include "plan/internal.h"
#include "pqsh/buf.h"
#include "pqsh/parse.h"
#include "pqsh/thread.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/rand.h>

void pq_plan_init(struct pq_plan *p)
{
    p->steps = NULL;
    p->nsteps = 0;
    p->notices = NULL;
    p->nnotices = 0;
}

/* ---- a statement's request, kept for the next one ---------------------- */

/* {"Statement": text} costs five allocations to make (the object, its
 * table, the member, the string and its text) and five frees. When a plan
 * lets go of a bare one that nobody else holds — neither the object nor
 * its string: a call's shallow copy shares the string — the thread keeps
 * it, and the next statement's request is that object with its text
 * replaced (one allocation). Nobody else can see the change: the counts
 * are read with acquire loads, pairing with jansson's releasing decrement,
 * so another thread that held them (a call's worker) is done with them.
 * Under AddressSanitizer nothing is kept (PQ_THREAD_REUSE). */
struct spare_request {
    json_t *req;  /* {"Statement": text}, owned; NULL when none */
    json_t *text; /* its Statement string (borrowed from req) */
    bool registered;
};

static _Thread_local struct spare_request spare_request;

static void spare_request_drain(void *p)
{
    struct spare_request *sr = p;
    json_decref(sr->req);
    sr->req = sr->text = NULL;
}

/* Drops the plan's reference to a step's request, keeping it when it is a
 * bare {"Statement": text} nobody else holds. */
static void request_drop(json_t *req)
{
    struct spare_request *sr = &spare_request;
    void *it = json_object_iter(req);
    json_t *text = it ? json_object_iter_value(it) : NULL;
    if (!PQ_THREAD_REUSE || sr->req || json_object_size(req) != 1 || !json_is_string(text) ||
        strcmp(json_object_iter_key(it), "Statement") != 0 || pq_thread_holders(req) != 1 ||
        pq_thread_holders(text) != 1) {
        json_decref(req);
        return;
    }
    if (!sr->registered) {
        if (!pq_thread_at_exit(spare_request_drain, sr)) {
            json_decref(req);
            return;
        }
        sr->registered = true;
    }
    sr->req = req;
    sr->text = text;
}

/* A new request {"Statement": text[0..len)}; text that is not valid UTF-8
 * leaves the member out (jansson refuses the string). */
static json_t *statement_json(const char *text, size_t len)
{
    struct spare_request *sr = &spare_request;
    /* All ASCII but NUL (nearly every statement): no UTF-8 check needed. */
    bool ascii = pq_parse_ascii_run(text, len) == len;
    if (sr->req && ascii) {
        json_t *req = sr->req;
        if (json_string_setn_nocheck(sr->text, text, len)) abort(); /* out of memory */
        sr->req = sr->text = NULL;
        return req;
    }
    json_t *req = json_object();
    json_object_set_new_nocheck(req, "Statement",
                                ascii ? json_stringn_nocheck(text, len) : json_stringn(text, len));
    return req;
}

void pq_plan_release(struct pq_plan *p)
{
    for (size_t i = 0; i < p->nsteps; i++) {
        request_drop(p->steps[i].request);
        free(p->steps[i].table);
        free(p->steps[i].member_locs);
        free(p->steps[i].read_note);
        free(p->steps[i].index);
        pq_stmt_free(p->steps[i].parsed);
        for (size_t k = 0; p->steps[i].member_parsed && k < p->steps[i].nmembers; k++)
            pq_stmt_free((struct pq_stmt *)p->steps[i].member_parsed[k].stmt);
        free(p->steps[i].member_parsed);
        pq_text_map_release(&p->steps[i].map);
    }
    free(p->steps);
    for (size_t i = 0; i < p->nnotices; i++)
        free(p->notices[i]);
    free(p->notices);
    pq_plan_init(p);
}

struct pq_step *plan_add_step(struct pq_plan *p, pq_step_type kind, const char *op, json_t *request,
                              const char *table, struct pq_loc loc)
{
    p->steps = pq_xrealloc(p->steps, (p->nsteps + 1) * sizeof *p->steps);
    struct pq_step *st = &p->steps[p->nsteps++];
    memset(st, 0, sizeof *st);
    st->kind = kind;
    st->op = op;
    st->request = request;
    st->table = table ? pq_xstrdup(table) : NULL;
    st->loc = loc;
    return st;
}

void plan_add_notice(struct pq_plan *p, char *text)
{
    p->notices = pq_xrealloc(p->notices, (p->nnotices + 1) * sizeof *p->notices);
    p->notices[p->nnotices++] = text;
}

json_t *plan_table_request(const char *name)
{
    json_t *req = json_object();
    json_object_set_new(req, "TableName", json_string(name));
    return req;
}

const json_t *plan_describe(const struct pq_plan_context *ctx, const char *table, const char **why)
{
    const char *ignored;
    if (!why) why = &ignored;
    *why = "the table's key schema is not known";
    if (!ctx || !ctx->describe || !table) return NULL;
    return ctx->describe(ctx->ctx, table, why);
}

static void ask_capacity(const struct pq_plan_context *ctx, json_t *req)
{
    if (ctx && ctx->capacity)
        json_object_set_new(req, "ReturnConsumedCapacity", json_string("TOTAL"));
}

/* ---- PartiQL statements -------------------------------------------------- */

/* SELECT … LIMIT n: a whole number of items, applied client-side. */
static pq_status select_limit(const struct pq_select *sel, uint64_t *limit, struct pq_error *err)
{
    const struct pq_expr *e = sel->limit;
    const char *text = NULL;
    if (e->kind == PQ_E_LIT && json_is_object(e->lit))
        text = json_string_value(json_object_get(e->lit, "N"));
    uint64_t n = 0;
    bool ok = text && *text;
    for (const char *c = text; ok && *c; c++) {
        if (*c < '0' || *c > '9' || n > (UINT64_MAX - 9) / 10) ok = false;
        n = n * 10 + (uint64_t)(*c - '0');
    }
    if (!ok)
        return pq_error_set(err, PQ_ERR_PLAN, e->loc.start, e->loc.end,
                            "LIMIT takes a whole number of items");
    *limit = n;
    return PQ_OK;
}

/* A clause DynamoDB refuses (and pq_stmt_print does not print): the
 * statement goes out with it, LIMIT included, for DynamoDB to answer. */
static bool has_refused_clause(const struct pq_stmt *s)
{
    const struct pq_select *sel = s->kind == PQ_S_SELECT   ? &s->u.select
                                  : s->kind == PQ_S_EXISTS ? s->u.exists.select
                                                           : NULL;
    const struct pq_from *from = sel                      ? &sel->from
                                 : s->kind == PQ_S_INSERT ? &s->u.insert.into
                                 : s->kind == PQ_S_UPDATE ? &s->u.update.target
                                 : s->kind == PQ_S_DELETE ? &s->u.del.from
                                                          : NULL;
    /* The tree keeps two FROM components: a third would be lost in print. */
    if (from && from->ncomponents > 2) return true;
    if (sel) return sel->unsupported || sel->from.nsources > 1;
    /* VALUE {…}, {…}: the tree keeps the first item only. */
    return s->kind == PQ_S_INSERT && (s->u.insert.unsupported || s->u.insert.nvalues > 1);
}

/* The request of `s` when its text is its source unchanged
 * (plan_sent_is_source): no text built, one copied piece for the map. */
static json_t *source_request(const struct pq_stmt *s, const struct pq_plan_context *ctx,
                              struct pq_text_map *map)
{
    size_t len = s->loc.end - s->loc.start;
    if (map) {
        map->pieces = pq_xmalloc(sizeof *map->pieces);
        map->pieces[0] = (struct pq_text_piece){0, s->loc.start, s->loc.end, true};
        map->n = 1;
    }
    return statement_json(ctx->source + s->loc.start, len);
}

/* Binds `s` and writes its text: *req = {"Statement", "Parameters"?} (new).
 * With the source known, the text is the one typed with the necessary edits
 * (sent.c) and *map says where it comes from; else the tree printed. With
 * `values`, `s` is its row `r` as a PQ_S_INSERT. */
static pq_status row_request(struct pq_stmt *s, const struct pq_stmt *values, size_t r,
                             const struct pq_vars *vars, const struct pq_plan_context *ctx,
                             json_t **req, struct pq_text_map *map, struct pq_error *err)
{
    json_t *params = NULL;
    *req = NULL;
    pq_status st = pq_bind(s, vars, &params, err);
    if (st) return st;
    size_t nparams = json_array_size(params);
    if (!values && plan_sent_is_source(s, nparams, ctx, has_refused_clause(s))) {
        *req = source_request(s, ctx, map);
    } else if (ctx && ctx->source) {
        struct pq_sent sent;
        st = values ? plan_sent_row(values, s, r, ctx, &sent, err)
                    : plan_sent_text(s, nparams, ctx, has_refused_clause(s), &sent, err);
        if (st) {
            json_decref(params);
            return st;
        }
        *req = statement_json(sent.text, sent.len);
        free(sent.text);
        if (map)
            *map = sent.map;
        else
            pq_text_map_release(&sent.map);
    } else {
        struct pq_buf text = PQ_BUF_INIT;
        pq_buf_init(&text);
        pq_stmt_print(s, &text);
        *req = statement_json(text.data, text.len);
        pq_buf_release(&text);
    }
    /* DynamoDB refuses an empty Parameters list (reference §1.4). */
    if (nparams) json_object_set(*req, "Parameters", params);
    json_decref(params);
    return PQ_OK;
}

/* A statement of its own. */
static pq_status statement_request(struct pq_stmt *s, const struct pq_vars *vars,
                                   const struct pq_plan_context *ctx, json_t **req,
                                   struct pq_text_map *map, struct pq_error *err)
{
    return row_request(s, NULL, 0, vars, ctx, req, map, err);
}

/* Whether `s`, bound, stands for DynamoDB's parse of `req`'s Statement:
 * one of its statements, no pqsh-only syntax, and the text sent is the
 * source text of `s` byte for byte (so no variable, comment, quoting,
 * LIMIT or VALUES edit was made). */
static bool parse_stands(const struct pq_stmt *s, const json_t *req,
                         const struct pq_plan_context *ctx, const struct pq_text_map *map)
{
    switch (s->kind) {
    case PQ_S_SELECT:
    case PQ_S_INSERT:
    case PQ_S_UPDATE:
    case PQ_S_DELETE:
    case PQ_S_EXISTS:
    case PQ_S_EXPR:
        break;
    default:
        return false;
    }
    if (s->shell_syntax || !ctx || !ctx->source || s->loc.start >= s->loc.end ||
        s->loc.end > ctx->source_len)
        return false;
    /* A map of one copied piece, the whole statement: the text is its
     * source, byte for byte (sent.c copies nothing else into it). */
    if (map->n == 1 && map->pieces[0].copied && map->pieces[0].sent == 0 &&
        map->pieces[0].src == s->loc.start && map->pieces[0].src_end == s->loc.end)
        return true;
    const json_t *text = json_object_get(req, "Statement");
    size_t n = s->loc.end - s->loc.start;
    return json_string_length(text) == n &&
           memcmp(json_string_value(text), ctx->source + s->loc.start, n) == 0;
}

/* Binds `s`, writes its text, and appends an ExecuteStatement step. */
static pq_status add_statement(struct pq_plan *p, struct pq_stmt *s, const struct pq_vars *vars,
                               const struct pq_plan_context *ctx, pq_step_type kind,
                               const char *tag, const char *table, struct pq_loc loc,
                               struct pq_error *err)
{
    json_t *req;
    struct pq_text_map map = {NULL, 0};
    pq_status st = statement_request(s, vars, ctx, &req, &map, err);
    if (st) return st;
    if (kind == PQ_STEP_SELECT && s->kind == PQ_S_SELECT && ctx && ctx->consistent)
        json_object_set_new(req, "ConsistentRead", json_true());
    ask_capacity(ctx, req);
    struct pq_step *step = plan_add_step(p, kind, "ExecuteStatement", req, table, loc);
    step->tag = tag;
    step->map = map;
    if (parse_stands(s, req, ctx, &step->map)) {
        step->parsed = pq_stmt_ref(s);
        step->parsed_base = s->loc.start;
    }
    return PQ_OK;
}

/* How DynamoDB will read: the note EXPLAIN shows and .scanwarn asks about. */
static void note_read(struct pq_step *step, const struct pq_select *sel,
                      const struct pq_plan_context *ctx)
{
    const char *table = sel->from.table.name, *index = sel->from.index.name, *why = NULL;
    const json_t *desc = plan_describe(ctx, table, &why);
    struct pq_key_names k;
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    if (!desc) {
        /* Without a context (unit tests, pqsh serve) there is nothing to say. */
        if (ctx && ctx->describe) {
            pq_buf_addf(&b, "Query or Scan: not known (%s)", why);
            step->read_note = pq_buf_detach(&b, NULL);
        }
        pq_buf_release(&b);
        return;
    }
    if (!pq_keycond_schema(desc, index, &k)) {
        pq_buf_addf(&b, "Query or Scan: not known (table '%s' has no index '%s')", table, index);
    } else {
        struct pq_read_plan rp;
        pq_keycond_classify(sel->where, &k, &rp);
        pq_read_plan_describe(&rp, table, index, json_object_get(step->request, "Parameters"), &b);
        step->full_scan = !rp.query;
        pq_read_plan_release(&rp);
    }
    step->read_note = pq_buf_detach(&b, NULL);
}

static pq_status plan_select(struct pq_plan *p, struct pq_stmt *s, const struct pq_vars *vars,
                             const struct pq_plan_context *ctx, struct pq_error *err)
{
    uint64_t limit = 0;
    struct pq_select *sel = &s->u.select;
    if (sel->limit) {
        pq_status st = select_limit(sel, &limit, err);
        if (st) return st;
    }
    pq_status st =
        add_statement(p, s, vars, ctx, PQ_STEP_SELECT, NULL, sel->from.table.name, s->loc, err);
    if (st) return st;
    struct pq_step *step = &p->steps[p->nsteps - 1];
    /* Sent as written, LIMIT included: DynamoDB answers for it. */
    step->has_limit = sel->limit != NULL && !(ctx && ctx->source && has_refused_clause(s));
    step->limit = limit;
    if (ctx && ctx->read_notes) note_read(step, sel, ctx);
    return PQ_OK;
}

static struct pq_loc row_loc(struct pq_expr **row, size_t n, struct pq_loc fallback)
{
    if (n == 0 || !row[0] || !row[n - 1]) return fallback;
    struct pq_loc l = {row[0]->loc.start, row[n - 1]->loc.end};
    return l;
}

/* A string literal node holding `name` (a tuple key). */
static struct pq_expr *key_literal(const char *name, struct pq_loc loc)
{
    struct pq_expr *k = pq_xcalloc(1, sizeof *k);
    k->kind = PQ_E_LIT;
    k->loc = loc;
    k->lit = json_pack("{s:s}", "S", name);
    return k;
}

/* Row `r` of INSERT … VALUES as INSERT INTO "t" VALUE {'c1': v1, …}. */
static struct pq_stmt *row_insert(const struct pq_stmt *s, size_t r)
{
    const struct pq_ident *table = &s->u.values.table;
    const struct pq_ident *cols = s->u.values.cols;
    size_t ncols = s->u.values.ncols;
    struct pq_expr **row = s->u.values.rows[r];
    struct pq_stmt *ins = pq_xcalloc(1, sizeof *ins);
    struct pq_expr *tuple = pq_xcalloc(1, sizeof *tuple);
    ins->kind = PQ_S_INSERT;
    ins->shell_syntax = s->shell_syntax; /* its values may hold b64'…' literals (pq_bind) */
    ins->loc = row_loc(row, ncols, s->loc);
    ins->u.insert.into.table.name = pq_xstrdup(table->name);
    ins->u.insert.into.table.quoted = table->quoted;
    ins->u.insert.into.table.loc = table->loc;
    ins->u.insert.into.ncomponents = 1;
    ins->u.insert.into.nsources = 1;
    ins->u.insert.value = tuple;
    ins->u.insert.nvalues = 1;
    tuple->kind = PQ_E_TUPLE;
    tuple->loc = ins->loc;
    tuple->nitems = 2 * ncols;
    tuple->items = pq_xcalloc(tuple->nitems, sizeof *tuple->items);
    for (size_t c = 0; c < ncols; c++) {
        tuple->items[2 * c] = key_literal(cols[c].name, cols[c].loc);
        tuple->items[2 * c + 1] = pq_expr_clone(row[c]);
    }
    return ins;
}

/* INSERT INTO t (c1, c2) VALUES (v1, v2), (…): one PartiQL INSERT per row.
 * One row is an ExecuteStatement; several go out as BatchExecuteStatement,
 * 25 rows per call, each row with its own outcome. */
static pq_status plan_insert_values(struct pq_plan *p, struct pq_stmt *s,
                                    const struct pq_vars *vars, const struct pq_plan_context *ctx,
                                    struct pq_error *err)
{
    const struct pq_ident *table = &s->u.values.table;
    size_t ncols = s->u.values.ncols, nrows = s->u.values.nrows;
    if (!s->u.values.cols)
        return pq_error_set(err, PQ_ERR_PLAN, table->loc.start, table->loc.end,
                            "INSERT … VALUES needs a column list after the table name: "
                            "DynamoDB items have no column order");
    for (size_t r = 0; r < nrows; r++) {
        size_t n = s->u.values.rowlen[r];
        struct pq_loc loc = row_loc(s->u.values.rows[r], n, s->loc);
        if (n != ncols)
            return pq_error_set(err, PQ_ERR_PLAN, loc.start, loc.end,
                                "row %zu has %zu value%s but the column list names %zu", r + 1, n,
                                n == 1 ? "" : "s", ncols);
    }
    if (nrows == 1) {
        struct pq_stmt *ins = row_insert(s, 0);
        json_t *req;
        struct pq_text_map map = {NULL, 0};
        pq_status st = row_request(ins, s, 0, vars, ctx, &req, &map, err);
        if (!st) {
            ask_capacity(ctx, req);
            struct pq_step *step =
                plan_add_step(p, PQ_STEP_WRITE, "ExecuteStatement", req, table->name, ins->loc);
            step->tag = "INSERT";
            step->map = map;
        }
        pq_stmt_free(ins);
        return st;
    }
    json_t **reqs = pq_xcalloc(nrows, sizeof *reqs);
    struct pq_member *m = pq_xcalloc(nrows, sizeof *m);
    pq_status st = PQ_OK;
    for (size_t r = 0; r < nrows && !st; r++) {
        struct pq_stmt *ins = row_insert(s, r);
        st = row_request(ins, s, r, vars, ctx, &reqs[r], NULL, err);
        pq_stmt_free(ins);
        m[r] = (struct pq_member){reqs[r], table->name, false, NULL, 0};
    }
    size_t first = p->nsteps;
    if (!st) pq_plan_batch(m, nrows, ctx, p);
    /* Each member points at its row. */
    for (size_t i = first; i < p->nsteps; i++) {
        struct pq_step *step = &p->steps[i];
        step->member_locs = pq_xcalloc(step->nmembers, sizeof *step->member_locs);
        for (size_t k = 0; k < step->nmembers; k++) {
            size_t r = step->member_base + k;
            step->member_locs[k] = row_loc(s->u.values.rows[r], ncols, s->loc);
        }
    }
    for (size_t r = 0; r < nrows; r++)
        if (reqs[r]) json_decref(reqs[r]);
    free(reqs);
    free(m);
    return st;
}

/* ---- batches and transactions --------------------------------------------- */

/* The member's statement as a BatchStatementRequest / ParameterizedStatement. */
static json_t *member_request(const struct pq_member *m)
{
    json_t *r = json_object();
    json_object_set(r, "Statement", json_object_get(m->request, "Statement"));
    json_t *params = json_object_get(m->request, "Parameters");
    if (json_array_size(params)) json_object_set(r, "Parameters", params);
    return r;
}

/* The table all members share, or NULL. */
static const char *common_table(const struct pq_member *m, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!m[i].table || !m[0].table || strcmp(m[i].table, m[0].table) != 0) return NULL;
    return n ? m[0].table : NULL;
}

static bool all_reads(const struct pq_member *m, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!m[i].read) return false;
    return n > 0;
}

/* The members' parses for step->member_parsed (references), or NULL when
 * none has one. */
static struct pq_parsed *members_parsed(const struct pq_member *m, size_t n)
{
    struct pq_parsed *out = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!m[i].parsed) continue;
        if (!out) out = pq_xcalloc(n, sizeof *out);
        out[i] = (struct pq_parsed){pq_stmt_ref(m[i].parsed), m[i].parsed_base};
    }
    return out;
}

void pq_plan_batch(const struct pq_member *m, size_t n, const struct pq_plan_context *ctx,
                   struct pq_plan *out)
{
    for (size_t base = 0; base < n; base += PQ_BATCH_MAX) {
        size_t k = n - base < PQ_BATCH_MAX ? n - base : PQ_BATCH_MAX;
        json_t *list = json_array();
        for (size_t i = 0; i < k; i++) {
            json_t *r = member_request(&m[base + i]);
            if (m[base + i].read && ctx && ctx->consistent)
                json_object_set_new(r, "ConsistentRead", json_true());
            json_array_append_new(list, r);
        }
        json_t *req = json_pack("{s:o}", "Statements", list);
        ask_capacity(ctx, req);
        struct pq_loc none = {PQ_NO_POS, PQ_NO_POS};
        struct pq_step *step = plan_add_step(out, PQ_STEP_BATCH, "BatchExecuteStatement", req,
                                             common_table(m + base, k), none);
        step->member_base = base;
        step->nmembers = k;
        step->reads = all_reads(m + base, k);
        step->member_parsed = members_parsed(m + base, k);
    }
}

pq_status pq_plan_transaction(const struct pq_member *m, size_t n, const char *token,
                              const struct pq_plan_context *ctx, struct pq_plan *out,
                              struct pq_error *err)
{
    pq_plan_init(out);
    if (n == 0 || n > PQ_TRANSACTION_MAX)
        return pq_error_set(err, PQ_ERR_PLAN, PQ_NO_POS, PQ_NO_POS,
                            "a transaction holds 1 to %d statements, not %zu", PQ_TRANSACTION_MAX,
                            n);
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, member_request(&m[i]));
    json_t *req = json_pack("{s:o,s:s}", "TransactStatements", list, "ClientRequestToken", token);
    ask_capacity(ctx, req);
    struct pq_loc none = {PQ_NO_POS, PQ_NO_POS};
    struct pq_step *step = plan_add_step(out, PQ_STEP_TRANSACTION, "ExecuteTransaction", req,
                                         common_table(m, n), none);
    step->nmembers = n;
    step->reads = all_reads(m, n);
    step->member_parsed = members_parsed(m, n);
    return PQ_OK;
}

void pq_plan_new_token(char out[37])
{
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1) {
        /* OpenSSL's generator failing is not recoverable for a token that
         * must not repeat: /dev/urandom is the fallback. */
        FILE *f = fopen("/dev/urandom", "rb");
        if (!f || fread(b, 1, sizeof b, f) != sizeof b) abort();
        fclose(f);
    }
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80); /* variant 10 */
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (size_t i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out[o++] = '-';
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 15];
    }
    out[o] = '\0';
}

/* ---- the dispatcher ------------------------------------------------------ */

static pq_status not_planned(const struct pq_stmt *s, const char *what, struct pq_error *err)
{
    return pq_error_set(err, PQ_ERR_PLAN, s->loc.start, s->loc.end,
                        "%s is run by the shell, not planned", what);
}

static pq_status plan_stmt(struct pq_plan *p, struct pq_stmt *s, const struct pq_vars *vars,
                           const struct pq_plan_context *ctx, struct pq_error *err)
{
    struct pq_step *step;
    switch (s->kind) {
    case PQ_S_SELECT:
        return plan_select(p, s, vars, ctx, err);
    case PQ_S_INSERT:
        /* `INSERT INTO t VALUES {…}` with one item: pqsh accepts the SQL word. */
        if (s->u.insert.values_keyword && s->u.insert.nvalues == 1)
            s->u.insert.values_keyword = false;
        return add_statement(p, s, vars, ctx, PQ_STEP_WRITE, "INSERT", s->u.insert.into.table.name,
                             s->loc, err);
    case PQ_S_UPDATE:
        return add_statement(p, s, vars, ctx, PQ_STEP_WRITE, "UPDATE",
                             s->u.update.target.table.name, s->loc, err);
    case PQ_S_DELETE: {
        pq_status st = add_statement(p, s, vars, ctx, PQ_STEP_WRITE, "DELETE",
                                     s->u.del.from.table.name, s->loc, err);
        if (!st) p->steps[p->nsteps - 1].count_unknown = s->u.del.returning == PQ_RET_NONE;
        return st;
    }
    case PQ_S_EXISTS:
    case PQ_S_EXPR:
        /* DynamoDB answers these with its own error; let it. */
        return add_statement(p, s, vars, ctx, PQ_STEP_SELECT, NULL, NULL, s->loc, err);
    case PQ_S_INSERT_VALUES:
        return plan_insert_values(p, s, vars, ctx, err);
    case PQ_S_CREATE_TABLE:
        return plan_create_table(p, s, err);
    case PQ_S_DROP_TABLE:
        step =
            plan_add_step(p, PQ_STEP_DROP_TABLE, "DeleteTable",
                          plan_table_request(s->u.drop.table.name), s->u.drop.table.name, s->loc);
        step->tag = "DROP TABLE";
        if (s->u.drop.if_exists) step->tolerate = "ResourceNotFoundException";
        return PQ_OK;
    case PQ_S_DESCRIBE:
        plan_add_step(p, PQ_STEP_DESCRIBE, "DescribeTable",
                      plan_table_request(s->u.describe.table.name), s->u.describe.table.name,
                      s->loc);
        return PQ_OK;
    case PQ_S_SHOW_TABLES:
        plan_add_step(p, PQ_STEP_LIST_TABLES, "ListTables", json_object(), NULL, s->loc);
        return PQ_OK;
    case PQ_S_CREATE_INDEX:
        return plan_create_index(p, s, ctx, err);
    case PQ_S_DROP_INDEX:
        plan_drop_index(p, s);
        return PQ_OK;
    case PQ_S_EXPLAIN:
        if (!s->u.explain.inner || s->u.explain.inner->kind == PQ_S_EXPLAIN)
            return pq_error_set(err, PQ_ERR_PLAN, s->loc.start, s->loc.end,
                                "EXPLAIN of EXPLAIN shows nothing more");
        return plan_stmt(p, s->u.explain.inner, vars, ctx, err);
    case PQ_S_SET_VAR:
    case PQ_S_UNSET_VAR:
        return not_planned(s, "a variable statement", err);
    case PQ_S_BEGIN:
    case PQ_S_COMMIT:
    case PQ_S_ROLLBACK:
        return not_planned(s, "a transaction (BEGIN / COMMIT / ROLLBACK)", err);
    case PQ_S_BEGIN_BATCH:
    case PQ_S_END_BATCH:
        return not_planned(s, "a batch (BEGIN BATCH / END BATCH)", err);
    }
    return pq_error_set(err, PQ_ERR_PLAN, s->loc.start, s->loc.end,
                        "this statement is not supported");
}

pq_status pq_plan_build_ex(struct pq_stmt *s, const struct pq_vars *vars,
                           const struct pq_plan_context *ctx, struct pq_plan *out,
                           struct pq_error *err)
{
    struct pq_plan_context with_comments;
    if (ctx) {
        with_comments = *ctx;
        with_comments.comments = s->comments;
        with_comments.ncomments = s->ncomments;
        ctx = &with_comments;
    }
    pq_plan_init(out);
    pq_status st = plan_stmt(out, s, vars, ctx, err);
    if (st) pq_plan_release(out);
    return st;
}

pq_status pq_plan_build(struct pq_stmt *s, const struct pq_vars *vars, struct pq_plan *out,
                        struct pq_error *err)
{
    return pq_plan_build_ex(s, vars, NULL, out, err);
}
