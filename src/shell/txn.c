/* txn.c — BEGIN … COMMIT / ROLLBACK (ExecuteTransaction) and BEGIN BATCH … END BATCH
 * (BatchExecuteStatement): statements are planned when typed, so mistakes show
 * at once, collected with their places, and sent together.
 *
 * A statement that fails while a block is open (a parse error, an undefined
 * variable, a statement refused, anything) aborts the block, as psql does:
 * later statements are still checked but not queued, and COMMIT or END BATCH
 * sends nothing, says so, and ends the block as ROLLBACK does. A batch is
 * dropped whole too, not sent without the failed row: the user wrote its
 * statements as one unit, and re-running the corrected script then sends
 * each row once. */
#include "exec.h"
#include "pqsh/value.h"

#include <stdlib.h>
#include <string.h>

/* The statements collected since BEGIN / BEGIN BATCH. */
struct shell_block {
    bool batch;
    char *file; /* where BEGIN was */
    unsigned line;
    size_t n, cap;
    json_t **requests; /* {"Statement", "Parameters"} each (owned) */
    char **tables;     /* owned, may be NULL */
    bool *reads;
    /* The member's planned tree (a reference, or NULL) and its base: the
     * engine runs it instead of parsing the text again (pq_member). */
    struct pq_stmt **parsed;
    size_t *parsed_base;
    struct member_place *places; /* w.file and w.text owned */
    char token[37];              /* "" or the token of a COMMIT to retry */
    struct where failed;         /* the first statement that failed (file owned), or file NULL */
};

static const char *block_word(const struct shell_block *b)
{
    return b->batch ? "batch" : "transaction";
}

void shell_block_free(struct shell *sh)
{
    struct shell_block *b = sh->block;
    if (!b) return;
    for (size_t i = 0; i < b->n; i++) {
        json_decref(b->requests[i]);
        free(b->tables[i]);
        pq_stmt_free(b->parsed[i]);
        free((char *)b->places[i].w.file);
        free((char *)b->places[i].w.text);
        pq_text_map_release(&b->places[i].map);
    }
    free(b->requests);
    free(b->tables);
    free(b->reads);
    free(b->parsed);
    free(b->parsed_base);
    free(b->places);
    free(b->file);
    free((char *)b->failed.file);
    free(b);
    sh->block = NULL;
    sh->block_mark = NULL;
}

static void block_open(struct shell *sh, const struct where *w, bool batch)
{
    struct shell_block *b = pq_xcalloc(1, sizeof *b);
    b->batch = batch;
    b->file = pq_xstrdup(w->file);
    b->line = w->line;
    sh->block = b;
    sh->block_mark = batch ? "batch" : "txn";
}

/* Appends one member; copies what it keeps (a reference to `parsed`). */
static void block_push(struct shell_block *b, const json_t *request, const char *table, bool read,
                       struct pq_stmt *parsed, size_t parsed_base, const struct where *w,
                       struct pq_loc at, const struct pq_text_map *map, const char *tag)
{
    if (b->n == b->cap) {
        b->cap = b->cap ? 2 * b->cap : 8;
        b->requests = pq_xrealloc(b->requests, b->cap * sizeof *b->requests);
        b->tables = pq_xrealloc(b->tables, b->cap * sizeof *b->tables);
        b->reads = pq_xrealloc(b->reads, b->cap * sizeof *b->reads);
        b->parsed = pq_xrealloc(b->parsed, b->cap * sizeof *b->parsed);
        b->parsed_base = pq_xrealloc(b->parsed_base, b->cap * sizeof *b->parsed_base);
        b->places = pq_xrealloc(b->places, b->cap * sizeof *b->places);
    }
    json_t *r = json_object();
    json_object_set(r, "Statement", json_object_get(request, "Statement"));
    json_t *params = json_object_get(request, "Parameters");
    if (json_array_size(params)) json_object_set(r, "Parameters", params);
    b->requests[b->n] = r;
    b->tables[b->n] = table ? pq_xstrdup(table) : NULL;
    b->reads[b->n] = read;
    b->parsed[b->n] = pq_stmt_ref(parsed);
    b->parsed_base[b->n] = parsed_base;
    struct member_place *pl = &b->places[b->n];
    pl->w = *w;
    pl->w.file = pq_xstrdup(w->file);
    pl->w.text = pq_xstrndup(w->text, w->len);
    pl->at = at.start;
    pl->end = at.end;
    pl->map = (struct pq_text_map){NULL, 0};
    if (map && map->n) {
        pl->map.pieces = pq_xmalloc(map->n * sizeof *map->pieces);
        memcpy(pl->map.pieces, map->pieces, map->n * sizeof *map->pieces);
        pl->map.n = map->n;
    }
    pl->tag = tag;
    pl->label = "statement";
    b->n++;
}

/* "the statement at FILE:LINE:COL failed": a new string. */
static char *failed_at(const struct shell_block *b)
{
    struct pq_buf t = PQ_BUF_INIT;
    pq_buf_init(&t);
    pq_buf_addf(&t, "the statement at %s:%u:%u failed", b->failed.file, b->failed.line,
                b->failed.col);
    return pq_buf_detach(&t, NULL);
}

void shell_block_abort(struct shell *sh, const struct where *w)
{
    struct shell_block *b = sh->block;
    if (!b || b->failed.file) return;
    b->failed = (struct where){pq_xstrdup(w->file), w->line, w->col, NULL, 0};
    sh->block_mark = b->batch ? "batch!" : "txn!";
    struct pq_buf t = PQ_BUF_INIT;
    pq_buf_init(&t);
    pq_buf_addf(&t, "the %s is aborted: %s will send none of its statements (ROLLBACK ends it)",
                block_word(b), b->batch ? "END BATCH" : "COMMIT");
    shell_notice(w, PQ_NO_POS, t.data);
    pq_buf_release(&t);
}

void shell_block_still_open(struct shell *sh, const struct where *w)
{
    struct shell_block *b = sh->block;
    if (!b) return;
    struct pq_buf t = PQ_BUF_INIT;
    pq_buf_init(&t);
    if (b->failed.file)
        pq_buf_addf(&t,
                    "the %s is still open, and aborted: %s or ROLLBACK ends it, sending nothing",
                    block_word(b), b->batch ? "END BATCH" : "COMMIT");
    else
        pq_buf_addf(&t,
                    "the %s is still open: nothing was sent (%s sends it, ROLLBACK discards it)",
                    block_word(b), b->batch ? "END BATCH" : "COMMIT");
    shell_notice(w, PQ_NO_POS, t.data);
    pq_buf_release(&t);
}

/* COMMIT / END BATCH of an aborted block: says nothing was sent, ends it. */
static void end_aborted(struct shell *sh, const struct where *w)
{
    struct shell_block *b = sh->block;
    char *why = failed_at(b);
    struct pq_buf t = PQ_BUF_INIT;
    pq_buf_init(&t);
    if (b->n == 0)
        pq_buf_adds(&t, "nothing had been queued");
    else
        pq_buf_addf(&t, "%s %zu queued statement%s %s discarded", b->n == 1 ? "its" : "all", b->n,
                    b->n == 1 ? "" : "s", b->n == 1 ? "was" : "were");
    shell_errorf(w, "%s sent nothing: the %s was aborted because %s; %s",
                 b->batch ? "END BATCH" : "COMMIT", block_word(b), why, t.data);
    pq_buf_release(&t);
    free(why);
    shell_block_free(sh);
    render_status(sh, "ROLLBACK", false, 0);
    shell_fail(sh);
}

static const char *tag_of(const struct pq_stmt *s)
{
    switch (s->kind) {
    case PQ_S_SELECT:
        return "SELECT";
    case PQ_S_INSERT:
    case PQ_S_INSERT_VALUES:
        return "INSERT";
    case PQ_S_UPDATE:
        return "UPDATE";
    case PQ_S_DELETE:
        return "DELETE";
    case PQ_S_EXISTS:
        return "EXISTS";
    default:
        return "STATEMENT";
    }
}

static const char *refused_word(const struct pq_step *step)
{
    switch (step->kind) {
    case PQ_STEP_CREATE_TABLE:
        return "CREATE TABLE";
    case PQ_STEP_DROP_TABLE:
        return "DROP TABLE";
    case PQ_STEP_UPDATE_TABLE:
        return step->tag;
    default:
        return NULL;
    }
}

bool shell_block_add(struct shell *sh, const struct where *w, const struct pq_stmt *s,
                     const struct pq_plan *plan)
{
    struct shell_block *b = sh->block;
    size_t adding = 0;
    bool metadata = plan->nsteps > 0;
    for (size_t i = 0; i < plan->nsteps; i++) {
        const struct pq_step *st = &plan->steps[i];
        const char *word = refused_word(st);
        if (word) {
            shell_errorf(w, "%s cannot be part of a %s: %s first", word, block_word(b),
                         b->batch ? "END BATCH or ROLLBACK" : "COMMIT or ROLLBACK");
            return false;
        }
        if (st->has_limit) {
            shell_errorf(w,
                         "LIMIT cannot be applied inside a %s: its statements go out as one "
                         "request",
                         block_word(b));
            return false;
        }
        metadata &= st->kind == PQ_STEP_DESCRIBE || st->kind == PQ_STEP_LIST_TABLES;
        adding += st->kind == PQ_STEP_BATCH ? st->nmembers : 1;
    }
    /* DESCRIBE and SHOW TABLES change nothing: they run at once. */
    if (metadata) return shell_run_plan(sh, w, plan, NULL, NULL);
    if (b->failed.file) {
        char *why = failed_at(b);
        struct pq_buf t = PQ_BUF_INIT;
        pq_buf_init(&t);
        pq_buf_addf(&t, "%s not queued: the %s is aborted (%s)", tag_of(s), block_word(b), why);
        shell_notice(w, PQ_NO_POS, t.data);
        pq_buf_release(&t);
        free(why);
        return true;
    }
    if (!b->batch && b->n + adding > PQ_TRANSACTION_MAX) {
        shell_errorf(w, "a transaction holds at most %d statements: this would make %zu",
                     PQ_TRANSACTION_MAX, b->n + adding);
        return false;
    }
    size_t first = b->n;
    for (size_t i = 0; i < plan->nsteps; i++) {
        const struct pq_step *st = &plan->steps[i];
        if (st->kind != PQ_STEP_BATCH) {
            block_push(b, st->request, st->table, s->kind == PQ_S_SELECT, st->parsed,
                       st->parsed_base, w, (struct pq_loc){PQ_NO_POS, PQ_NO_POS}, &st->map,
                       tag_of(s));
            continue;
        }
        /* Rows of INSERT … VALUES: one member each, pointing at its row. */
        json_t *list = json_object_get(st->request, "Statements");
        for (size_t k = 0; k < st->nmembers; k++)
            block_push(b, json_array_get(list, k), st->table, false, NULL, 0, w,
                       st->member_locs ? st->member_locs[k] : (struct pq_loc){PQ_NO_POS, PQ_NO_POS},
                       NULL, "INSERT");
    }
    if (b->n - first == 1)
        shell_statusf(sh, "%s queued (statement %zu of the %s)\n", tag_of(s), b->n, block_word(b));
    else
        shell_statusf(sh, "%s queued (statements %zu-%zu of the %s)\n", tag_of(s), first + 1, b->n,
                      block_word(b));
    return true;
}

static void build_members(const struct shell_block *b, struct pq_member *m)
{
    for (size_t i = 0; i < b->n; i++)
        m[i] = (struct pq_member){b->requests[i], b->tables[i], b->reads[i], b->parsed[i],
                                  b->parsed_base[i]};
}

/* Errors after which the same COMMIT may still succeed: the transaction is
 * kept, and COMMIT again sends it with the same ClientRequestToken, so that
 * DynamoDB runs it at most once (reference §3.3). */
static bool retryable(const struct pq_error *err)
{
    static const char *const types[] = {"TransactionInProgressException",
                                        "ThrottlingException",
                                        "ProvisionedThroughputExceededException",
                                        "RequestLimitExceeded",
                                        "InternalServerError",
                                        "ServiceUnavailable",
                                        "TransactionConflictException"};
    if (err->code == PQ_ERR_IO || err->code == PQ_ERR_UNKNOWN) return true;
    for (size_t i = 0; err->type && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(err->type, types[i]) == 0) return true;
    return false;
}

/* Plans what COMMIT / END BATCH sends; false with the message printed. */
static bool block_plan(struct shell *sh, const struct where *w, const struct pq_stmt *s,
                       const char *token, struct pq_plan *plan)
{
    struct shell_block *b = sh->block;
    struct pq_plan_context ctx;
    struct pq_member *m = pq_xcalloc(b->n ? b->n : 1, sizeof *m);
    struct pq_error err;
    bool ok = true;
    pq_error_init(&err);
    shell_plan_context(sh, &ctx);
    build_members(b, m);
    pq_plan_init(plan);
    if (b->batch) {
        pq_plan_batch(m, b->n, &ctx, plan);
    } else if (pq_plan_transaction(m, b->n, token, &ctx, plan, &err)) {
        shell_error(w, &err);
        ok = false;
    }
    pq_error_release(&err);
    free(m);
    return ok;
}

/* The token COMMIT WITH TOKEN names: the literal, the variable's string
 * (borrowed from the session), or NULL without WITH TOKEN. False with the
 * message printed when the variable is missing or not a string. */
static bool named_token(struct shell *sh, const struct where *w, const struct pq_stmt *s,
                        const char **out)
{
    const struct pq_ident *id = &s->u.commit.token_var;
    *out = s->u.commit.token;
    if (!id->name) return true;
    struct pq_error err;
    pq_error_init(&err);
    const json_t *v = id->quoted ? NULL : pq_vars_get(&sh->vars, id->name);
    if (id->quoted)
        pq_error_set(&err, PQ_ERR_BIND, id->loc.start, id->loc.end,
                     "\"%s\" is a name: a token is a string in single quotes ('%s') or a "
                     "variable (:name)",
                     id->name, id->name);
    else if (!v)
        pq_error_set(&err, PQ_ERR_BIND, id->loc.start, id->loc.end, "undefined variable ':%s'",
                     id->name);
    else if (pq_value_type(v) != PQ_T_S)
        pq_error_set(&err, PQ_ERR_BIND, id->loc.start, id->loc.end,
                     "the token must be a string: ':%s' holds a value of type %s", id->name,
                     pq_type_name(pq_value_type(v)));
    else
        *out = json_string_value(pq_value_payload(v));
    bool ok = !err.message;
    if (!ok) shell_error(w, &err);
    pq_error_release(&err);
    return ok;
}

/* The token COMMIT sends: WITH TOKEN's, else the one a failed COMMIT of
 * this transaction used, else a new random UUID. */
static const char *commit_token(struct shell_block *b, const char *named)
{
    if (named) return named;
    if (!b->token[0]) pq_plan_new_token(b->token);
    return b->token;
}

static void do_commit(struct shell *sh, const struct where *w, const struct pq_stmt *s)
{
    struct shell_block *b = sh->block;
    struct pq_plan plan;
    struct pq_error failure;
    if (b->failed.file) {
        end_aborted(sh, w);
        return;
    }
    if (b->n == 0) {
        shell_notice(w, PQ_NO_POS, "the transaction is empty: nothing was sent");
        render_status(sh, "COMMIT", true, 0);
        shell_block_free(sh);
        return;
    }
    const char *named;
    if (!named_token(sh, w, s, &named)) {
        shell_block_still_open(sh, w);
        shell_fail(sh);
        return;
    }
    const char *token = commit_token(b, named);
    if (!block_plan(sh, w, s, token, &plan)) {
        shell_fail(sh);
        return;
    }
    pq_error_init(&failure);
    if (shell_run_plan(sh, w, &plan, b->places, &failure)) {
        shell_block_free(sh);
    } else if (retryable(&failure)) {
        /* Keep the token even when WITH TOKEN gave it: COMMIT again repeats it. */
        if (token != b->token) snprintf(b->token, sizeof b->token, "%s", token);
        shell_notice(w, PQ_NO_POS,
                     "the transaction is still open: COMMIT again sends it with the same "
                     "ClientRequestToken (ROLLBACK discards it)");
    } else {
        shell_block_free(sh);
    }
    pq_error_release(&failure);
    pq_plan_release(&plan);
}

static void do_end_batch(struct shell *sh, const struct where *w, const struct pq_stmt *s)
{
    struct pq_plan plan;
    if (sh->block->failed.file) {
        end_aborted(sh, w);
        return;
    }
    if (sh->block->n == 0) shell_notice(w, PQ_NO_POS, "the batch is empty: nothing was sent");
    if (block_plan(sh, w, s, NULL, &plan)) shell_run_plan(sh, w, &plan, sh->block->places, NULL);
    if (sh->block->n == 0) render_status(sh, "END BATCH", false, 0);
    pq_plan_release(&plan);
    shell_block_free(sh);
}

/* EXPLAIN BEGIN / COMMIT / …: what the statement would do, sending nothing. */
static void explain_block(struct shell *sh, const struct where *w, const struct pq_stmt *s)
{
    struct shell_block *b = sh->block;
    struct pq_plan plan;
    bool ends = s->kind == PQ_S_COMMIT || s->kind == PQ_S_END_BATCH;
    if (ends && b && b->batch == (s->kind == PQ_S_END_BATCH)) {
        char token[37];
        const char *t = NULL;
        if (!b->batch) {
            /* The token COMMIT would send, without fixing it for COMMIT. */
            if (!named_token(sh, w, s, &t)) return;
            t = t ? t : b->token[0] ? b->token : token;
            if (t == token) pq_plan_new_token(token);
        }
        if (b->failed.file) {
            char *why = failed_at(b);
            printf("(nothing: the %s is aborted, %s)\n", block_word(b), why);
            free(why);
        } else if (b->n == 0) {
            printf("(nothing: the %s is empty)\n", block_word(b));
        } else if (block_plan(sh, w, s, t, &plan)) {
            shell_explain(&plan);
            pq_plan_release(&plan);
        }
        return;
    }
    switch (s->kind) {
    case PQ_S_BEGIN:
        printf("(nothing: BEGIN collects the statements that follow, sent as ExecuteTransaction "
               "at COMMIT)\n");
        break;
    case PQ_S_BEGIN_BATCH:
        printf("(nothing: BEGIN BATCH collects the statements that follow, sent as "
               "BatchExecuteStatement at END BATCH)\n");
        break;
    case PQ_S_ROLLBACK:
        printf("(nothing: ROLLBACK discards the collected statements)\n");
        break;
    default:
        printf("(nothing: no %s is open)\n", s->kind == PQ_S_COMMIT ? "transaction" : "batch");
        break;
    }
}

void shell_block_statement(struct shell *sh, const struct where *w, struct pq_stmt *s)
{
    struct shell_block *b = sh->block;
    if (s->kind == PQ_S_EXPLAIN) {
        explain_block(sh, w, s->u.explain.inner);
        return;
    }
    switch (s->kind) {
    case PQ_S_BEGIN:
    case PQ_S_BEGIN_BATCH:
        if (b) {
            shell_errorf(w, "a %s is already open (since %s:%u): %s first", block_word(b), b->file,
                         b->line, b->batch ? "END BATCH or ROLLBACK" : "COMMIT or ROLLBACK");
            shell_fail(sh);
            return;
        }
        block_open(sh, w, s->kind == PQ_S_BEGIN_BATCH);
        render_status(sh, s->kind == PQ_S_BEGIN ? "BEGIN" : "BEGIN BATCH", false, 0);
        return;
    case PQ_S_COMMIT:
    case PQ_S_END_BATCH: {
        bool commit = s->kind == PQ_S_COMMIT;
        if (!b || b->batch == commit) {
            if (b)
                shell_errorf(w, "a %s is open: %s sends it", block_word(b),
                             b->batch ? "END BATCH" : "COMMIT");
            else
                shell_errorf(w, "%s without %s: no %s is open", commit ? "COMMIT" : "END BATCH",
                             commit ? "BEGIN" : "BEGIN BATCH", commit ? "transaction" : "batch");
            shell_fail(sh);
            return;
        }
        if (commit)
            do_commit(sh, w, s);
        else
            do_end_batch(sh, w, s);
        return;
    }
    case PQ_S_ROLLBACK:
        if (!b) {
            shell_errorf(w, "ROLLBACK without BEGIN: no transaction is open");
            shell_fail(sh);
            return;
        }
        shell_block_free(sh);
        render_status(sh, "ROLLBACK", false, 0);
        return;
    default:
        return;
    }
}

/* The member's message at its own place: its source line and a caret under
 * the token DynamoDB's " at L:C:N" in `message` names, else under the member. */
static void member_notice(const struct pq_step *step, const struct member_place *pl, size_t i,
                          const char *text, const char *message)
{
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    pq_buf_addf(&b, "statement %zu: %s", step->member_base + i + 1, text);
    json_t *sent = json_array_get(json_object_get(step->request, "TransactStatements"), i);
    struct pq_loc loc = shell_member_range(pl, sent, message);
    if (!message)
        shell_notice(&pl->w, loc.start, b.data); /* a member that did not fail */
    else
        shell_notice_span(&pl->w, loc.start, loc.end, b.data);
    pq_buf_release(&b);
}

void shell_txn_report(const struct pq_step *step, const struct pq_error *err,
                      const struct member_place *places)
{
    if (!places || err->code != PQ_ERR_SERVICE || !err->type) return;
    if (strcmp(err->type, "TransactionCanceledException") == 0) {
        size_t i;
        json_t *r;
        json_array_foreach(json_object_get(err->detail, "CancellationReasons"), i, r)
        {
            if (i >= step->nmembers) break;
            const char *code = json_string_value(json_object_get(r, "Code"));
            const char *msg = json_string_value(json_object_get(r, "Message"));
            struct pq_buf b = PQ_BUF_INIT;
            pq_buf_init(&b);
            pq_buf_addf(&b, "%s%s%s", code ? code : "?", msg ? ": " : "", msg ? msg : "");
            /* Code "None": this member was fine; no caret for it. */
            bool fine = code && strcmp(code, "None") == 0;
            member_notice(step, &places[step->member_base + i], i, b.data,
                          fine  ? NULL
                          : msg ? msg
                                : "");
            pq_buf_release(&b);
        }
        fflush(stderr);
        return;
    }
    /* "Validation failed in TransactStatements[2]: …" names a statement. */
    const char *p = err->message ? strstr(err->message, "TransactStatements[") : NULL;
    if (!p) return;
    char *endp;
    unsigned long i = strtoul(p + strlen("TransactStatements["), &endp, 10);
    if (*endp != ']' || i >= step->nmembers) return;
    member_notice(step, &places[step->member_base + i], i, "the statement DynamoDB refers to",
                  err->message);
    fflush(stderr);
}

void shell_block_abandon(struct shell *sh, const char *file)
{
    struct shell_block *b = sh->block;
    if (!b) return;
    struct where w = {b->file, b->line, 1, "", 0};
    shell_errorf(&w, "the %s begun here was never %s: its %zu statement%s %s not sent",
                 block_word(b), b->batch ? "ended (END BATCH)" : "committed", b->n,
                 b->n == 1 ? "" : "s", b->n == 1 ? "was" : "were");
    shell_block_free(sh);
    shell_fail(sh);
}
