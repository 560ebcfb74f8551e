/* exec.c — one statement: parse, then assign a variable, collect it into an open
 * transaction or batch, or plan, run and render; consumed capacity; scan warnings. */
#include "exec.h"
#include "compare.h"
#include "jobs.h"
#include "pqsh/parse.h"
#include "pqsh/value.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ---- table descriptions, cached per session (dropped after DDL) --------- */

/* DescribeTable's "Table", or NULL with *why saying what went wrong. A
 * failure is remembered too, until the next DDL statement. */
static const json_t *describe_cached(void *ctx, const char *table, const char **why)
{
    struct shell *sh = ctx;
    if (!sh->schemas) sh->schemas = json_object();
    json_t *e = json_object_get(sh->schemas, table);
    if (!e) {
        json_t *req = json_pack("{s:s}", "TableName", table), *resp = NULL;
        struct pq_error err;
        pq_error_init(&err);
        if (pq_backend_call(sh->backend, "DescribeTable", req, &resp, &err) == PQ_OK &&
            json_is_object(json_object_get(resp, "Table"))) {
            e = json_incref(json_object_get(resp, "Table"));
        } else {
            struct pq_buf b = PQ_BUF_INIT;
            pq_buf_init(&b);
            pq_buf_addf(&b, "DescribeTable failed: %s%s%s", err.type ? err.type : "",
                        err.type ? ": " : "", err.message ? err.message : "no table description");
            e = json_string(b.data);
            pq_buf_release(&b);
        }
        if (resp) json_decref(resp);
        json_decref(req);
        pq_error_release(&err);
        json_object_set_new(sh->schemas, table, e);
    }
    if (json_is_string(e)) {
        if (why) *why = json_string_value(e);
        return NULL;
    }
    return e;
}

/* A name as the shell sends names: bare where DynamoDB takes it bare (some
 * local endpoints, moto among them, drop a double-quoted name from a
 * projection), double-quoted otherwise. */
static void add_name(struct pq_buf *b, const char *name)
{
    if (pq_is_plain_identifier(name, strlen(name)))
        pq_buf_adds(b, name);
    else
        pq_buf_add_dquoted(b, name, strlen(name));
}

/* The type of `attr` in the first of at most 100 items of `table` that have
 * it: one page of a Scan (reference §3.1 `Limit` counts items evaluated). */
static char sample_type(void *ctx, const char *table, const char *attr)
{
    struct shell *sh = ctx;
    struct pq_buf text = PQ_BUF_INIT;
    struct pq_error err;
    json_t *resp = NULL;
    char type = 0;
    pq_buf_init(&text);
    pq_error_init(&err);
    pq_buf_adds(&text, "SELECT ");
    add_name(&text, attr);
    pq_buf_adds(&text, " FROM ");
    add_name(&text, table);
    pq_buf_adds(&text, " WHERE ");
    add_name(&text, attr);
    pq_buf_adds(&text, " IS NOT MISSING");
    json_t *req = json_pack("{s:s,s:i}", "Statement", text.data, "Limit", 100);
    if (pq_backend_call(sh->backend, "ExecuteStatement", req, &resp, &err) == PQ_OK) {
        json_t *v = json_object_get(json_array_get(json_object_get(resp, "Items"), 0), attr);
        switch (pq_value_type(v)) {
        case PQ_T_S:
            type = 'S';
            break;
        case PQ_T_N:
            type = 'N';
            break;
        case PQ_T_B:
            type = 'B';
            break;
        default:
            break;
        }
        json_decref(resp);
    }
    json_decref(req);
    pq_error_release(&err);
    pq_buf_release(&text);
    return type;
}

void shell_plan_context(struct shell *sh, struct pq_plan_context *ctx)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->ctx = sh;
    ctx->describe = describe_cached;
    ctx->attr_type = sample_type;
    ctx->capacity = sh->capacity;
    ctx->consistent = sh->consistent;
}

/* The same for a statement parsed from `w`. */
static void statement_context(struct shell *sh, const struct where *w, struct pq_plan_context *ctx)
{
    shell_plan_context(sh, ctx);
    ctx->source = w->text;
    ctx->source_len = w->len;
}

static bool scanwarn_on(const struct shell *sh);

/* Whether a plan's Query-vs-Scan notes will be shown or acted on. */
static bool wants_read_notes(const struct shell *sh, const struct pq_stmt *s)
{
    return s->kind == PQ_S_EXPLAIN || sh->explain || (sh->backend->remote && scanwarn_on(sh));
}

void shell_forget_schemas(struct shell *sh)
{
    if (sh->schemas) json_decref(sh->schemas);
    sh->schemas = NULL;
}

void shell_exec_release(struct shell *sh)
{
    shell_block_free(sh);
    shell_forget_schemas(sh);
}

/* ---- lines about the run ------------------------------------------------- */

FILE *shell_side_stream(struct shell *sh)
{
    switch (sh->mode) {
    case MODE_JSON:
    case MODE_DDBJSON:
    case MODE_CSV:
    case MODE_TSV:
        fflush(stdout);
        return stderr;
    default:
        return stdout;
    }
}

void shell_status_write(struct shell *sh, const char *text, size_t len)
{
    if (sh->quiet) return;
    FILE *out = shell_side_stream(sh);
    fwrite(text, 1, len, out);
    if (out == stderr) fflush(stderr);
}

void shell_statusf(struct shell *sh, const char *fmt, ...)
{
    if (sh->quiet) return;
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    va_list ap;
    va_start(ap, fmt);
    pq_buf_vaddf(&b, fmt, ap);
    va_end(ap);
    shell_status_write(sh, b.data, b.len);
    pq_buf_release(&b);
}

/* ---- consumed capacity -------------------------------------------------- */

/* Adds one ConsumedCapacity object to the per-table sums in `sums`:
 * {table: [units, read, write]}. */
static void add_capacity(json_t *sums, const json_t *cc)
{
    static const char *const members[] = {"CapacityUnits", "ReadCapacityUnits",
                                          "WriteCapacityUnits"};
    const char *table = json_string_value(json_object_get(cc, "TableName"));
    if (!table) table = "?";
    json_t *sum = json_object_get(sums, table);
    if (!sum) {
        sum = json_pack("[f,f,f]", 0.0, 0.0, 0.0);
        json_object_set_new(sums, table, sum);
    }
    for (size_t i = 0; i < 3; i++) {
        json_t *v = json_object_get(cc, members[i]);
        if (json_is_number(v))
            json_array_set_new(
                sum, i, json_real(json_real_value(json_array_get(sum, i)) + json_number_value(v)));
    }
}

/* Capacity figures are doubles on the wire (reference §3.1), not item
 * numbers: %g prints 0.5, 1, 2.5 as DynamoDB gives them. */
static void print_capacity(struct shell *sh, const json_t *sums)
{
    const char *table;
    json_t *sum;
    FILE *out = shell_side_stream(sh);
    if (json_object_size(sums) == 0) {
        fprintf(out, "Consumed capacity: not reported by the service\n");
        return;
    }
    json_object_foreach((json_t *)sums, table, sum)
    {
        double units = json_real_value(json_array_get(sum, 0));
        double read = json_real_value(json_array_get(sum, 1));
        double write = json_real_value(json_array_get(sum, 2));
        fprintf(out, "Consumed capacity: %g unit%s on %s", units, units == 1 ? "" : "s", table);
        if (read && write)
            fprintf(out, " (%g read, %g write)", read, write);
        else if (read || write)
            fprintf(out, " (%s)", read ? "read" : "write");
        fputc('\n', out);
    }
}

/* ---- running steps -------------------------------------------------------- */

struct run_ctx {
    struct shell *sh;
    struct render *render;
    const struct where *w;
    size_t at; /* where notices point */
    const struct member_place *places;
    json_t *capacity;         /* per-table sums for .capacity; NULL until one is reported */
    uint64_t ok, failed;      /* batch members, over the whole plan */
    struct pq_error *failure; /* receives the error of a failed step, or NULL */
    const struct pq_plan *plan;
    json_t *answer; /* --compare: what this target answered (compare.h), or NULL */
};

/* The step's position in the plan, for the --compare answer. */
static size_t step_index(const struct run_ctx *c, const struct pq_step *step)
{
    return (size_t)(step - c->plan->steps);
}

static pq_status step_rows(void *ctx, const struct pq_step *step, json_t *rows,
                           struct pq_error *err)
{
    struct run_ctx *c = ctx;
    if (c->answer) shell_answer_rows(c->answer, step_index(c, step), rows);
    return render_rows(c->render, step, rows, err);
}

/* `… \gset`: the items are kept for variables, not printed. */
static pq_status gset_rows(void *ctx, const struct pq_step *step, json_t *rows,
                           struct pq_error *err)
{
    struct run_ctx *c = ctx;
    (void)err;
    if (c->answer) shell_answer_rows(c->answer, step_index(c, step), rows);
    json_array_extend(c->sh->gset_rows, rows);
    return PQ_OK;
}

static void step_notice(void *ctx, const struct pq_step *step, const char *text)
{
    struct run_ctx *c = ctx;
    shell_notice(c->w, c->at, text);
}

static void step_capacity(void *ctx, const struct pq_step *step, const json_t *consumed)
{
    struct run_ctx *c = ctx;
    size_t i;
    const json_t *cc;
    if (!c->capacity) c->capacity = json_object();
    if (json_is_array(consumed))
        json_array_foreach(consumed, i, cc) add_capacity(c->capacity, cc);
    else if (json_is_object(consumed))
        add_capacity(c->capacity, consumed);
}

struct pq_loc shell_member_range(const struct member_place *pl, const json_t *sent,
                                 const char *message)
{
    struct pq_loc loc = {pl->at == PQ_NO_POS ? 0 : pl->at, PQ_NO_POS};
    /* The one mapping of DynamoDB's positions (sent.c), through a step made
     * of this member's text and map. */
    struct pq_step one = {0};
    one.request = (json_t *)sent;
    one.map = pl->map;
    struct pq_loc typed;
    if (message && sent && pq_step_error_source(&one, message, &typed)) return typed;
    size_t rest = shell_line_rest(&pl->w, loc.start);
    if (pl->end != PQ_NO_POS) {
        loc.end = pl->end < rest ? pl->end : rest; /* the row */
        return loc;
    }
    /* A statement: its first word (INSERT, UPDATE, EXISTS, …). */
    loc.end = loc.start;
    while (loc.end < rest && pl->w.text[loc.end] != ' ' && pl->w.text[loc.end] != '\t' &&
           pl->w.text[loc.end] != '(')
        loc.end++;
    return loc;
}

/* One line per batch member: `row 2: INSERT 1` on stdout, or the slot's
 * error at the member's place (`file:line:col: error: row 3: DuplicateItem:
 * Duplicate primary key exists in table`). */
static void step_member(void *ctx, const struct pq_step *step, size_t i, const json_t *error,
                        const json_t *item)
{
    struct run_ctx *c = ctx;
    if (c->answer) shell_answer_member(c->answer, step_index(c, step), i, error, item);
    if (step->kind != PQ_STEP_BATCH) return;
    size_t k = step->member_base + i;
    const struct member_place *pl = c->places ? &c->places[k] : NULL;
    const char *label = pl ? pl->label : "row";
    const char *tag = pl ? pl->tag : step->reads ? "SELECT" : "INSERT";
    if (!error) {
        c->ok++;
        /* A DELETE's slot does not say whether an item was there (unless
         * RETURNING brought it back), so it gets no count. */
        if (!step->reads && !item && strcmp(tag, "DELETE") == 0)
            shell_statusf(c->sh, "%s %zu: %s\n", label, k + 1, tag);
        else
            shell_statusf(c->sh, "%s %zu: %s %d\n", label, k + 1, tag,
                          step->reads ? item != NULL : 1);
        return;
    }
    c->failed++;
    const char *code = json_string_value(json_object_get(error, "Code"));
    const char *msg = json_string_value(json_object_get(error, "Message"));
    const struct where *w = pl ? &pl->w : c->w;
    struct member_place row = {.w = *c->w, .at = PQ_NO_POS, .end = PQ_NO_POS};
    if (!pl && step->member_locs) {
        row.at = step->member_locs[i].start;
        row.end = step->member_locs[i].end;
    }
    struct pq_loc loc = shell_member_range(
        pl ? pl : &row, json_array_get(json_object_get(step->request, "Statements"), i), msg);
    struct pq_error e;
    pq_error_init(&e);
    /* A service error without a type (our label leads the message), with a
     * caret at the member's own line: under the token DynamoDB's position
     * names, else under the member (the row of INSERT … VALUES). */
    pq_error_set(&e, PQ_ERR_SERVICE, loc.start, loc.end, "%s %zu: %s%s%s", label, k + 1,
                 code ? code : "Error", msg ? ": " : "", msg ? msg : "");
    e.at_token = true;
    shell_error(w, &e);
    pq_error_release(&e);
}

static bool scanwarn_on(const struct shell *sh)
{
    return sh->scanwarn == 1 || (sh->scanwarn == 0 && sh->interactive);
}

/* .scanwarn: a SELECT that scans a whole table on the HTTP backend is asked
 * about first (it reads, and bills, every item). */
static bool scan_allowed(struct shell *sh, const struct where *w, const struct pq_step *step)
{
    if (step->kind != PQ_STEP_SELECT || !step->full_scan || !sh->backend->remote ||
        !scanwarn_on(sh))
        return true;
    struct pq_buf q = PQ_BUF_INIT;
    pq_buf_init(&q);
    pq_buf_addf(&q, "%s.\nThis reads (and bills) every item. Run it anyway?", step->read_note);
    bool yes = shell_confirm(q.data);
    pq_buf_release(&q);
    if (!yes)
        shell_errorf(w, "not run: the SELECT would scan the whole table (.scanwarn off "
                        "stops asking)");
    return yes;
}

static bool is_ddl(const struct pq_step *step)
{
    return step->kind == PQ_STEP_CREATE_TABLE || step->kind == PQ_STEP_DROP_TABLE ||
           step->kind == PQ_STEP_UPDATE_TABLE;
}

/* Runs one step; false when it failed (the error is printed). */
static bool run_step(struct run_ctx *c, const struct pq_step *step, bool several)
{
    struct shell *sh = c->sh;
    struct pq_error err;
    struct pq_run_outcome outcome = {0};
    if (!scan_allowed(sh, c->w, step)) return false;
    bool capture = sh->gset_rows && step->kind == PQ_STEP_SELECT;
    /* With several steps (INSERT … VALUES rows) messages point at the row. */
    c->render = capture ? NULL : render_begin(sh, step);
    c->at = several && step->loc.start != PQ_NO_POS ? step->loc.start : PQ_NO_POS;
    struct pq_run_sink sink = {.ctx = c,
                               .rows = capture ? gset_rows : step_rows,
                               .notice = step_notice,
                               .member = step_member,
                               .capacity = step_capacity};
    pq_error_init(&err);
    /* A pipelined write (jobs.c) takes the answer its call already had. */
    pq_status st = pq_plan_run_step(shell_jobs_backend(sh), step, &sink, &outcome, &err);
    if (c->render) render_end(c->render, &outcome, st == PQ_OK);
    c->render = NULL;
    if (c->answer) shell_answer_end(c->answer, step_index(c, step), st, &err);
    if (st) {
        struct pq_loc typed;
        /* DynamoDB's "at L:C:N" counts in the text sent: point at the same
         * token in the text typed. */
        if (st == PQ_ERR_SERVICE && err.start == PQ_NO_POS &&
            pq_step_error_source(step, err.message, &typed)) {
            err.start = typed.start;
            err.end = typed.end;
            err.at_token = true;
        }
        if (err.start == PQ_NO_POS && several && step->loc.start != PQ_NO_POS) {
            err.start = step->loc.start;
            err.end = step->loc.end;
        }
        shell_error(c->w, &err);
        shell_fail_because(sh, &err);
        if (step->kind == PQ_STEP_TRANSACTION) shell_txn_report(step, &err, c->places);
        if (c->failure) pq_error_move(c->failure, &err);
    } else if (step->kind == PQ_STEP_TRANSACTION) {
        render_status(sh, "COMMIT", true, outcome.count);
    }
    if (is_ddl(step) && !outcome.skipped) {
        /* Even a failed CREATE INDEX may have changed something. */
        shell_forget_keys(sh);
        shell_forget_schemas(sh);
    }
    pq_error_release(&err);
    return st == PQ_OK;
}

static bool calls_statements(const struct pq_plan *plan)
{
    for (size_t i = 0; i < plan->nsteps; i++)
        if (strcmp(plan->steps[i].op, "ExecuteStatement") == 0 ||
            plan->steps[i].kind == PQ_STEP_BATCH || plan->steps[i].kind == PQ_STEP_TRANSACTION)
            return true;
    return false;
}

bool shell_run_plan(struct shell *sh, const struct where *w, const struct pq_plan *plan,
                    const struct member_place *places, struct pq_error *failure)
{
    struct run_ctx c = {sh, NULL, w, PQ_NO_POS, places, NULL, 0, 0, failure, plan, NULL};
    bool ok = true, batch = false;
    c.answer = shell_compare_begin(sh, plan);
    /* Ctrl-C (or a script's signal, input.c) stops the steps left: each
     * would only fail as interrupted. */
    for (size_t i = 0; i < plan->nsteps && !sh->quit && !shell_interrupted; i++) {
        batch |= plan->steps[i].kind == PQ_STEP_BATCH;
        if (!run_step(&c, &plan->steps[i], plan->nsteps > 1 && !places)) {
            ok = false;
            shell_fail(sh);
        }
    }
    if (batch && (c.ok || c.failed)) {
        char failed[40] = "";
        if (c.failed)
            snprintf(failed, sizeof failed, ", %llu failed", (unsigned long long)c.failed);
        shell_statusf(sh, "BATCH %llu: %llu succeeded%s\n", (unsigned long long)(c.ok + c.failed),
                      (unsigned long long)c.ok, failed);
    }
    if (c.failed) {
        ok = false;
        shell_fail(sh);
    }
    shell_compare_end(sh, w, c.answer);
    /* A failed call reports no capacity: say nothing rather than "not reported". */
    if (sh->capacity && calls_statements(plan) && (ok || json_object_size(c.capacity)))
        print_capacity(sh, c.capacity);
    shell_output_point(sh);
    json_decref(c.capacity);
    return ok;
}

void shell_explain(const struct pq_plan *plan)
{
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    for (size_t i = 0; i < plan->nsteps; i++) {
        pq_buf_reset(&b);
        pq_step_describe(&plan->steps[i], &b);
        printf("%s\n", b.data);
    }
    pq_buf_release(&b);
}

/* ---- dot commands ----------------------------------------------------- */

static bool on_off(const struct where *w, const char *cmd, const char *args, bool *flag)
{
    if (strcmp(args, "on") == 0 || strcmp(args, "off") == 0) {
        *flag = strcmp(args, "on") == 0;
        return true;
    }
    shell_errorf(w, "usage: %s on|off", cmd);
    return false;
}

bool shell_cmd_capacity(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    if (!*args) {
        printf("%s\n", sh->capacity ? "on" : "off");
        return true;
    }
    return on_off(w, ".capacity", args, &sh->capacity);
}

bool shell_cmd_scanwarn(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    bool on = scanwarn_on(sh);
    if (!*args) {
        printf("%s\n", on ? "on" : "off");
        return true;
    }
    if (!on_off(w, ".scanwarn", args, &on)) return false;
    sh->scanwarn = on ? 1 : 2;
    return true;
}

/* ---- one statement ------------------------------------------------------ */

/* `name()` written with no arguments (any case). */
static bool is_call0(const struct pq_expr *e, const char *name)
{
    return e && e->kind == PQ_E_CALL && e->name && strcasecmp(e->name, name) == 0;
}

/* "Now" in whole epoch seconds: the engine's clock where there is one to ask
 * — the embedded engine, or an endpoint URL that is `pqsh serve --clock` — so
 * that .clock and PQSH_TEST_FIXED_TIME move it as they move TTL; else (AWS,
 * another local DynamoDB, a server without --clock) this machine's. */
static long long session_now(struct shell *sh)
{
    long long now = (long long)time(NULL);
    if (sh->backend->remote && strncmp(sh->backend->label, "http", 4) != 0) return now;
    json_t *req = json_object(), *resp = NULL;
    struct pq_error err;
    pq_error_init(&err);
    if (pq_backend_call(sh->backend, "pqsh:Clock", req, &resp, &err) == PQ_OK)
        now = (long long)floor(json_number_value(json_object_get(resp, "Now")));
    if (resp) json_decref(resp);
    json_decref(req);
    pq_error_release(&err);
    return now;
}

/* The shell's own functions, for the value of SET and (through the binder,
 * shell_vars_fn) any value position of a statement: uuid() → a random
 * version 4 UUID string (an idempotency token, a ClientRequestToken), now()
 * → the time in epoch seconds as a number (a TTL value), now() + N / now() -
 * N with N whole seconds. *v is a new value; false when `value` is none of
 * these; true with *v unset and err set when it is one written wrong. */
static bool session_value(struct shell *sh, const struct pq_expr *value, json_t **v,
                          struct pq_error *err)
{
    const struct pq_expr *call = value, *delta = NULL;
    if (value->kind == PQ_E_BINARY && (value->op == PQ_OP_ADD || value->op == PQ_OP_SUB) &&
        is_call0(value->lhs, "now")) {
        call = value->lhs;
        delta = value->rhs;
    }
    bool uuid = is_call0(call, "uuid"), now = is_call0(call, "now");
    if (!uuid && !now) return false;
    if (call->nitems || call->star_arg) {
        pq_error_set(err, PQ_ERR_BIND, call->loc.start, call->loc.end, "%s() takes no arguments",
                     uuid ? "uuid" : "now");
        return true;
    }
    if (uuid) {
        char text[37];
        pq_plan_new_token(text);
        *v = pq_value_new_s(text, strlen(text));
        return true;
    }
    long long secs = session_now(sh), d = 0;
    if (delta) {
        const char *n =
            delta->kind == PQ_E_LIT ? json_string_value(json_object_get(delta->lit, "N")) : NULL;
        char *end = NULL;
        if (n) d = strtoll(n, &end, 10);
        if (!n || *end || d < 0 || d > 100LL * 366 * 86400) {
            pq_error_set(err, PQ_ERR_BIND, delta->loc.start, delta->loc.end,
                         "now() %s takes a whole number of seconds (up to 100 years), e.g. now() "
                         "+ 86400",
                         value->op == PQ_OP_ADD ? "+" : "-");
            return true;
        }
        if (value->op == PQ_OP_SUB) d = -d;
    }
    char text[32];
    snprintf(text, sizeof text, "%lld", secs + d);
    *v = pq_value_new(PQ_T_N, json_string(text));
    return true;
}

bool shell_vars_fn(void *ctx, const struct pq_expr *e, json_t **value, struct pq_error *err)
{
    *value = NULL;
    return session_value(ctx, e, value, err);
}

static bool assign(struct shell *sh, const char *name, struct pq_loc loc,
                   const struct pq_expr *value, struct pq_error *err)
{
    json_t *v = NULL;
    if (!pq_vars_valid_name(name, strlen(name))) {
        pq_error_set(err, PQ_ERR_BIND, loc.start, loc.end,
                     "invalid variable name '%s' (letters, digits and _)", name);
        return false;
    }
    if (session_value(sh, value, &v, err)) {
        if (!v) return false;
    } else if (pq_vars_eval(&sh->vars, value, &v, err)) {
        return false;
    }
    pq_vars_set(&sh->vars, name, v);
    render_status(sh, "SET", false, 0);
    return true;
}

static bool is_block_statement(const struct pq_stmt *s)
{
    if (s->kind == PQ_S_EXPLAIN && s->u.explain.inner) s = s->u.explain.inner;
    switch (s->kind) {
    case PQ_S_BEGIN:
    case PQ_S_COMMIT:
    case PQ_S_ROLLBACK:
    case PQ_S_BEGIN_BATCH:
    case PQ_S_END_BATCH:
        return true;
    default:
        return false;
    }
}

/* The first word of a statement that did not parse, skipping blanks and
 * comments, is one of BEGIN, COMMIT, ROLLBACK or END: it was meant to
 * control the block, not to be one of its statements. */
static bool meant_for_block(const struct where *w)
{
    static const char *const words[] = {"BEGIN", "COMMIT", "ROLLBACK", "END"};
    const char *t = w->text, *end = w->text + w->len;
    for (;;) {
        while (t < end && (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r'))
            t++;
        if (end - t >= 2 && t[0] == '-' && t[1] == '-') {
            while (t < end && *t != '\n')
                t++;
        } else if (end - t >= 2 && t[0] == '/' && t[1] == '*') {
            const char *c = t + 2;
            while (c + 1 < end && !(c[0] == '*' && c[1] == '/'))
                c++;
            t = c + 2 <= end ? c + 2 : end;
        } else {
            break;
        }
    }
    size_t n = 0;
    while (t + n < end && ((t[n] >= 'a' && t[n] <= 'z') || (t[n] >= 'A' && t[n] <= 'Z')))
        n++;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i]) == n && strncasecmp(t, words[i], n) == 0) return true;
    return false;
}

/* A statement that is one unquoted name and nothing else. */
static bool lone_word(const struct pq_stmt *s)
{
    const struct pq_expr *e = s->kind == PQ_S_EXPR ? s->u.expr.expr : NULL;
    return e && e->kind == PQ_E_PATH && e->nsteps == 1 && e->steps[0].kind == PQ_STEP_NAME &&
           !e->steps[0].quoted && !e->paren;
}

/* Plans a statement as shell_exec runs it (the one way: exec_statement and
 * the pipeline of jobs.c plan alike, so both send the same request). */
static pq_status plan_statement(struct shell *sh, const struct where *w, struct pq_stmt *s,
                                struct pq_plan *plan, struct pq_error *err)
{
    struct pq_plan_context ctx;
    statement_context(sh, w, &ctx);
    ctx.read_notes = wants_read_notes(sh, s);
    pq_status st = pq_plan_build_ex(s, &sh->vars, &ctx, plan, err);
    /* A pipelined statement being reported keeps the request it was sent
     * with (uuid() and now() are not planned twice alike). */
    if (st == PQ_OK) shell_jobs_sent_request(sh, plan);
    return st;
}

bool shell_exec_lone_write(struct shell *sh, const struct where *w, struct pq_plan *plan)
{
    struct pq_stmt *s = NULL;
    struct pq_error err;
    const char *name;
    struct pq_loc name_loc;
    const struct pq_expr *value;
    bool lone = false;
    pq_error_init(&err);
    /* The same tests, in the same order, as exec_statement's before it runs a plan. */
    if (sh->block || pq_parse(w->text, w->len, 0, &s, &err, NULL)) goto out;
    /* Only writes are planned twice (a CREATE INDEX plan may read items). */
    if (s->kind != PQ_S_INSERT && s->kind != PQ_S_INSERT_VALUES && s->kind != PQ_S_UPDATE &&
        s->kind != PQ_S_DELETE)
        goto out;
    if (pq_bind_assignment(s, &name, &name_loc, &value) || s->kind == PQ_S_UNSET_VAR ||
        s->kind == PQ_S_EXPLAIN || is_block_statement(s))
        goto out;
    if (plan_statement(sh, w, s, plan, &err)) goto out;
    lone = plan->nsteps == 1 && plan->steps[0].kind == PQ_STEP_WRITE &&
           strcmp(plan->steps[0].op, "ExecuteStatement") == 0;
out:
    pq_error_release(&err);
    if (s) pq_stmt_free(s);
    return lone;
}

enum block_role { NOT_CONTROL, CONTROL, CONTROL_UNPARSED };
static void exec_statement(struct shell *sh, const struct where *w, enum block_role *role);

void shell_exec(struct shell *sh, const struct where *w)
{
    bool failed_before = sh->failed;
    enum block_role role = NOT_CONTROL;
    sh->failed = false;
    exec_statement(sh, w, &role);
    /* A failed statement aborts an open block; a failed BEGIN, COMMIT, …
     * does not (the block is still there to end properly). */
    if (sh->failed && sh->block) {
        if (role == NOT_CONTROL)
            shell_block_abort(sh, w);
        else if (role == CONTROL_UNPARSED)
            shell_block_still_open(sh, w);
    }
    sh->failed |= failed_before;
}

/* Runs the statement; *role tells whether it was (or was meant as) a
 * statement that opens or ends a block. */
static void exec_statement(struct shell *sh, const struct where *w, enum block_role *role)
{
    struct pq_stmt *s = NULL;
    struct pq_error err;
    struct pq_plan plan;
    const char *name;
    struct pq_loc name_loc;
    const struct pq_expr *value;
    bool ok = true;
    pq_error_init(&err);
    pq_plan_init(&plan);
    if (pq_parse(w->text, w->len, 0, &s, &err, NULL)) {
        *role = meant_for_block(w) ? CONTROL_UNPARSED : NOT_CONTROL;
        ok = false;
        goto out;
    }
    if (pq_bind_assignment(s, &name, &name_loc, &value)) {
        ok = assign(sh, name, name_loc, value, &err);
        goto out;
    }
    if (s->kind == PQ_S_UNSET_VAR) {
        const struct pq_ident *id = &s->u.unset_var.name;
        if (!pq_vars_unset(&sh->vars, id->name)) {
            pq_error_set(&err, PQ_ERR_BIND, id->loc.start, id->loc.end, "no variable named '%s'",
                         id->name);
            ok = false;
        } else {
            render_status(sh, "UNSET", false, 0);
        }
        goto out;
    }
    if (sh->block && lone_word(s)) {
        /* `COMIT;`, `ROLLBAK;`: a word alone can only have been meant to end
         * the block (DynamoDB would refuse it at COMMIT). */
        const struct pq_expr *e = s->u.expr.expr;
        pq_error_set(&err, PQ_ERR_BIND, e->loc.start, e->loc.end,
                     "'%s' alone is not a statement (COMMIT, END BATCH or ROLLBACK ends the "
                     "block)",
                     e->steps[0].name);
        *role = CONTROL_UNPARSED;
        ok = false;
        goto out;
    }
    if (is_block_statement(s)) {
        *role = CONTROL;
        shell_block_statement(sh, w, s);
        goto out;
    }
    if (plan_statement(sh, w, s, &plan, &err)) {
        ok = false;
        goto out;
    }
    shell_stmt_notes(w, s);
    for (size_t i = 0; i < plan.nnotices; i++)
        shell_notice(w, PQ_NO_POS, plan.notices[i]);
    if (s->kind == PQ_S_EXPLAIN) {
        shell_explain(&plan);
        goto out;
    }
    if (sh->block) {
        if (!shell_block_add(sh, w, s, &plan)) shell_fail(sh);
        goto out;
    }
    shell_run_plan(sh, w, &plan, NULL, NULL);
out:
    shell_output_point(sh);
    if (!ok) {
        shell_error(w, &err);
        shell_fail(sh);
    }
    pq_error_release(&err);
    pq_plan_release(&plan);
    if (s) pq_stmt_free(s);
}

/* ---- \gset --------------------------------------------------------------- */

void shell_exec_gset(struct shell *sh, const struct where *w, const char *then)
{
    const char *prefix = then + strlen("\\gset");
    while (*prefix == ' ' || *prefix == '\t')
        prefix++;
    size_t plen = strspn(prefix, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
    if (prefix[plen]) {
        shell_errorf(w, "usage: \\gset [prefix] (a prefix of letters, digits and _), not run");
        shell_fail(sh);
        return;
    }
    if (sh->block) {
        shell_errorf(w, "\\gset inside %s: the statement would run at its end, not run",
                     sh->block_mark && !strcmp(sh->block_mark, "batch") ? "a batch"
                                                                        : "a transaction");
        shell_fail(sh);
        return;
    }
    sh->gset_rows = json_array();
    bool failed_before = sh->failed;
    sh->failed = false;
    shell_exec(sh, w);
    json_t *rows = sh->gset_rows;
    sh->gset_rows = NULL;
    bool ok = !sh->failed;
    sh->failed |= failed_before;
    if (!ok) goto out;
    /* psql's messages. */
    if (json_array_size(rows) != 1) {
        shell_errorf(w, json_array_size(rows) ? "more than one row returned for \\gset"
                                              : "no rows returned for \\gset");
        shell_fail(sh);
        goto out;
    }
    json_t *item = json_array_get(rows, 0), *v;
    const char *attr;
    struct pq_buf name = PQ_BUF_INIT;
    pq_buf_init(&name);
    /* Every name first: a failed \gset sets nothing. */
    json_object_foreach(item, attr, v)
    {
        pq_buf_reset(&name);
        pq_buf_addf(&name, "%.*s%s", (int)plen, prefix, attr);
        if (!pq_vars_valid_name(name.data, name.len)) {
            shell_errorf(w,
                         "\\gset: attribute '%s' cannot be a variable name (letters, digits "
                         "and _), nothing set",
                         attr);
            shell_fail(sh);
            pq_buf_release(&name);
            goto out;
        }
    }
    json_object_foreach(item, attr, v)
    {
        pq_buf_reset(&name);
        pq_buf_addf(&name, "%.*s%s", (int)plen, prefix, attr);
        pq_vars_set(&sh->vars, name.data, json_incref(v));
    }
    pq_buf_release(&name);
out:
    json_decref(rows);
}
