/* compare.c — `--compare TARGET`: every plan runs on the session's target and,
 * at the same time, on a second one; where their answers differ, a report.
 *
 * The second target is a backend like the first (an endpoint URL through the
 * one AWS HTTP client, or an embedded engine), opened by target.c. Each plan
 * the session runs (shell_run_plan) is handed to a thread that runs the same
 * steps on the second backend through the same runner (pq_plan_run_step), so
 * each target pages, waits for tables and retries on its own. Meanwhile the
 * session runs the plan on its own target as usual, printing its results,
 * and records what it was answered. Both answers have one shape, a JSON
 * array with one object per step:
 *   {"rows": [...], "members": [...], "error": "Type: message", "ran": true}
 * `rows` are what the step delivered (items, the TableDescription of
 * DESCRIBE, table names), `members` the outcome of each statement of a batch
 * or transaction (`{"ok": item-or-null}` or `{"error": "Code: message"}`),
 * `ran` that the step was run (the session may stop early: --bail, Ctrl-C).
 *
 * Answers are compared step by step: errors by type and message; items as
 * DynamoDB compares values (numbers numerically, sets in any order), first
 * as collections (the items only one target returned are listed), then in
 * order; a TableDescription by what the statement asked for (names, keys,
 * indexes; not the ARNs, dates and counts every table has its own of).
 */
#include "compare.h"
#include "exec.h"
#include "target.h"
#include "pqsh/value.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct shell_compare {
    struct pq_backend *backend; /* the second target (owned) */
    char *label;                /* as given to --compare (owned) */
    bool differed;              /* some statement got different answers */
    /* SHELL_EXIT_CONNECT once the second target could not be reached or
     * refused the credentials, else 0; written by its thread, read once it
     * is joined. */
    int worst;
    /* The plan being run on the second target, and its answer. */
    pthread_t thread;
    bool running;
    const struct pq_plan *plan;
    /* The thread's own copies of the plan's steps: each a shallow copy
     * whose request is a deep copy (owned) and which has no parse trees
     * (the second backend parses the text sent), so that no JSON value is
     * shared between the threads (jansson's reference counts are not read
     * atomically, and a tree holds its literals' JSON values). The other
     * members are borrowed from `plan`, read only. */
    struct pq_step *steps;
    json_t *answer;
};

/* ---- answers ----------------------------------------------------------- */

json_t *shell_answer_new(size_t nsteps)
{
    json_t *a = json_array();
    for (size_t i = 0; i < nsteps; i++)
        json_array_append_new(a, json_pack("{s:[],s:[]}", "rows", "members"));
    return a;
}

static json_t *answer_step(json_t *answer, size_t step)
{
    return json_array_get(answer, step);
}

void shell_answer_rows(json_t *answer, size_t step, const json_t *rows)
{
    json_t *s = answer_step(answer, step);
    if (s) json_array_extend(json_object_get(s, "rows"), (json_t *)rows);
}

static char *error_text(const char *type, const char *message)
{
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    pq_buf_addf(&b, "%s%s%s", type ? type : "", type && message ? ": " : "",
                message ? message : "");
    return pq_buf_detach(&b, NULL);
}

void shell_answer_member(json_t *answer, size_t step, size_t i, const json_t *error,
                         const json_t *item)
{
    (void)i; /* members come in order */
    json_t *s = answer_step(answer, step);
    if (!s) return;
    json_t *m;
    if (error) {
        char *t = error_text(json_string_value(json_object_get(error, "Code")),
                             json_string_value(json_object_get(error, "Message")));
        m = json_pack("{s:s}", "error", t);
        free(t);
    } else {
        m = json_pack("{s:O?}", "ok", item);
    }
    json_array_append_new(json_object_get(s, "members"), m);
}

void shell_answer_end(json_t *answer, size_t step, pq_status st, const struct pq_error *err)
{
    json_t *s = answer_step(answer, step);
    if (!s) return;
    json_object_set_new(s, "ran", json_true());
    if (st == PQ_OK) return;
    char *t = error_text(err->type              ? err->type
                         : st == PQ_ERR_SERVICE ? "Error"
                                                : NULL,
                         err->message);
    json_object_set_new(s, "error", json_string(t));
    free(t);
}

/* ---- the second target's thread ---------------------------------------- */

struct second_ctx {
    json_t *answer;
    size_t step;
};

static pq_status second_rows(void *ctx, const struct pq_step *step, json_t *rows,
                             struct pq_error *err)
{
    struct second_ctx *c = ctx;
    (void)step;
    (void)err;
    shell_answer_rows(c->answer, c->step, rows);
    return PQ_OK;
}

static void second_member(void *ctx, const struct pq_step *step, size_t i, const json_t *error,
                          const json_t *item)
{
    struct second_ctx *c = ctx;
    (void)step;
    shell_answer_member(c->answer, c->step, i, error, item);
}

static void *second_run(void *arg)
{
    struct shell_compare *cmp = arg;
    for (size_t i = 0; i < cmp->plan->nsteps; i++) {
        struct second_ctx c = {cmp->answer, i};
        struct pq_run_sink sink = {.ctx = &c, .rows = second_rows, .member = second_member};
        struct pq_run_outcome outcome = {0};
        struct pq_error err;
        pq_error_init(&err);
        pq_status st = pq_plan_run_step(cmp->backend, &cmp->steps[i], &sink, &outcome, &err);
        shell_answer_end(cmp->answer, i, st, &err);
        /* A refusal, or an answer of unknown outcome (moto's crashes are
         * HTTP 500s), is an answer to compare; no answer at all is not. */
        if (st && shell_exit_reason(cmp->backend, &err) == SHELL_EXIT_CONNECT)
            cmp->worst = SHELL_EXIT_CONNECT;
        pq_error_release(&err);
    }
    return NULL;
}

/* ---- opening and closing ------------------------------------------------- */

pq_status shell_compare_open(struct shell *sh, const char *spec, struct pq_error *err)
{
    struct pq_backend *b = NULL;
    pq_status st = target_open_other(sh, spec, &b, err);
    if (st) return st;
    struct shell_compare *c = pq_xcalloc(1, sizeof *c);
    c->backend = b;
    c->label = pq_xstrdup(spec);
    sh->compare = c;
    return PQ_OK;
}

bool shell_compare_differed(const struct shell *sh)
{
    return sh->compare && sh->compare->differed;
}

int shell_compare_worst(const struct shell *sh)
{
    return sh->compare ? sh->compare->worst : 0;
}

void shell_compare_close(struct shell *sh)
{
    struct shell_compare *c = sh->compare;
    if (!c) return;
    if (c->running) pthread_join(c->thread, NULL);
    json_decref(c->answer);
    pq_backend_close(c->backend);
    free(c->label);
    free(c);
    sh->compare = NULL;
}

json_t *shell_compare_begin(struct shell *sh, const struct pq_plan *plan)
{
    struct shell_compare *c = sh->compare;
    if (!c || plan->nsteps == 0) return NULL;
    c->plan = plan;
    c->answer = shell_answer_new(plan->nsteps);
    c->steps = pq_xmalloc(plan->nsteps * sizeof *c->steps);
    for (size_t i = 0; i < plan->nsteps; i++) {
        c->steps[i] = plan->steps[i];
        c->steps[i].request = json_deep_copy(plan->steps[i].request);
        c->steps[i].parsed = NULL;
        c->steps[i].member_parsed = NULL;
    }
    c->running = pthread_create(&c->thread, NULL, second_run, c) == 0;
    if (!c->running) second_run(c); /* no thread: one after the other */
    return shell_answer_new(plan->nsteps);
}

/* ---- comparing ----------------------------------------------------------- */

enum { SHOW_MAX = 10 }; /* items listed per side */

/* Items (`items`) as DynamoDB compares values; other rows (a table's shape,
 * table names) as JSON. */
static bool rows_equal(const json_t *a, const json_t *b, bool items)
{
    if (items && json_is_object(a) && json_is_object(b)) {
        json_t *ma = json_pack("{s:O}", "M", a), *mb = json_pack("{s:O}", "M", b);
        bool eq = pq_value_equal(ma, mb);
        json_decref(ma);
        json_decref(mb);
        return eq;
    }
    return json_equal((json_t *)a, (json_t *)b);
}

/* What a DESCRIBE asked about a table: its name, keys and indexes. */
static json_t *table_shape(const json_t *desc)
{
    static const char *const keep[] = {"TableName", "KeySchema", "AttributeDefinitions",
                                       "StreamSpecification"};
    static const char *const index_keep[] = {"IndexName", "KeySchema", "Projection"};
    json_t *out = json_object();
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
        json_t *v = json_object_get(desc, keep[i]);
        if (v) json_object_set(out, keep[i], v);
    }
    /* The billing mode, not the time it was set. */
    json_t *mode = json_object_get(json_object_get(desc, "BillingModeSummary"), "BillingMode");
    if (mode) json_object_set(out, "BillingMode", mode);
    const char *lists[] = {"GlobalSecondaryIndexes", "LocalSecondaryIndexes"};
    for (size_t l = 0; l < 2; l++) {
        json_t *idx = json_object_get(desc, lists[l]), *x;
        size_t i;
        if (!json_is_array(idx) || !json_array_size(idx)) continue;
        json_t *shaped = json_array();
        json_array_foreach(idx, i, x)
        {
            json_t *s = json_object();
            for (size_t k = 0; k < sizeof index_keep / sizeof index_keep[0]; k++) {
                json_t *v = json_object_get(x, index_keep[k]);
                if (v) json_object_set(s, index_keep[k], v);
            }
            json_array_append_new(shaped, s);
        }
        json_object_set_new(out, lists[l], shaped);
    }
    return out;
}

static void print_value(FILE *out, const json_t *v)
{
    char *t = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    fprintf(out, "%s", t ? t : "?");
    free(t);
}

/* An error's text up to its first line break (an HTML error page is long). */
static void print_error(FILE *out, const char *e)
{
    size_t n = strcspn(e, "\n");
    fprintf(out, "error: %.*s%s", (int)n, e, e[n] ? " …" : "");
}

static void print_member(FILE *out, const json_t *m)
{
    const char *e = json_string_value(json_object_get(m, "error"));
    json_t *item = json_object_get(m, "ok");
    if (!m) {
        fprintf(out, "no outcome");
    } else if (e) {
        print_error(out, e);
    } else if (json_is_object(item)) {
        fprintf(out, "success, ");
        print_value(out, item);
    } else {
        fprintf(out, "success");
    }
}

static void print_answer_word(FILE *out, const json_t *step, bool reads)
{
    const char *e = json_string_value(json_object_get(step, "error"));
    size_t n = json_array_size(json_object_get(step, "rows"));
    if (e)
        print_error(out, e);
    else if (reads || n)
        fprintf(out, "%zu row%s", n, n == 1 ? "" : "s");
    else
        fprintf(out, "success");
}

/* The rows of a and b as collections: each row of `a` not matched in `b`.
 * `used` marks rows of b already matched. Returns how many were listed. */
static size_t only_in(FILE *out, const char *label, const json_t *a, const json_t *b, bool items)
{
    size_t na = json_array_size(a), nb = json_array_size(b), shown = 0, missing = 0;
    bool *used = pq_xcalloc(nb ? nb : 1, sizeof *used);
    for (size_t i = 0; i < na; i++) {
        bool found = false;
        for (size_t j = 0; j < nb && !found; j++)
            if (!used[j] && rows_equal(json_array_get(a, i), json_array_get(b, j), items))
                used[j] = found = true;
        if (found) continue;
        missing++;
        if (shown < SHOW_MAX) {
            fprintf(out, "  only from %s: ", label);
            print_value(out, json_array_get(a, i));
            fputc('\n', out);
            shown++;
        }
    }
    if (missing > shown) fprintf(out, "  … and %zu more only from %s\n", missing - shown, label);
    free(used);
    return missing;
}

/* Prints how step `i` of the two answers differs; false when it does not. */
static bool step_differs(FILE *out, const struct pq_step *step, const char *la, const json_t *a,
                         const char *lb, const json_t *b, bool header_done, const struct where *w,
                         size_t nsteps, size_t i)
{
    const char *ea = json_string_value(json_object_get(a, "error"));
    const char *eb = json_string_value(json_object_get(b, "error"));
    json_t *ra = json_object_get(a, "rows"), *rb = json_object_get(b, "rows");
    json_t *ma = json_object_get(a, "members"), *mb = json_object_get(b, "members");
    bool shaped = step->kind == PQ_STEP_DESCRIBE;
    bool items = !shaped && step->kind != PQ_STEP_LIST_TABLES;
    if (shaped) {
        json_t *sa = json_array(), *sb = json_array(), *x;
        size_t k;
        json_array_foreach(ra, k, x) json_array_append_new(sa, table_shape(x));
        json_array_foreach(rb, k, x) json_array_append_new(sb, table_shape(x));
        ra = sa;
        rb = sb;
    }
    bool same_error = (!ea && !eb) || (ea && eb && strcmp(ea, eb) == 0);
    size_t nra = json_array_size(ra), nrb = json_array_size(rb);
    bool same_rows = nra == nrb;
    for (size_t k = 0; same_rows && k < nra; k++)
        same_rows = rows_equal(json_array_get(ra, k), json_array_get(rb, k), items);
    bool same_members = json_array_size(ma) == json_array_size(mb);
    for (size_t k = 0; same_members && k < json_array_size(ma); k++) {
        json_t *x = json_array_get(ma, k), *y = json_array_get(mb, k);
        const char *xe = json_string_value(json_object_get(x, "error"));
        const char *ye = json_string_value(json_object_get(y, "error"));
        json_t *xo = json_object_get(x, "ok"), *yo = json_object_get(y, "ok");
        same_members = (xe && ye)   ? strcmp(xe, ye) == 0
                       : (xe || ye) ? false
                       : (json_is_null(xo) || !xo) && (json_is_null(yo) || !yo)
                           ? true
                           : xo && yo && rows_equal(xo, yo, true);
    }
    bool differs = !same_error || !same_rows || !same_members;
    if (differs) {
        if (!header_done) shell_diag(w, "differ", "the two targets answered differently");
        if (nsteps > 1) fprintf(out, "  step %zu of %zu (%s):\n", i + 1, nsteps, step->op);
        bool reads = step->kind == PQ_STEP_SELECT || step->kind == PQ_STEP_LIST_TABLES ||
                     step->kind == PQ_STEP_DESCRIBE;
        fprintf(out, "  %s: ", la);
        print_answer_word(out, a, reads);
        fprintf(out, "\n  %s: ", lb);
        print_answer_word(out, b, reads);
        fputc('\n', out);
        if (!same_rows) {
            size_t x = only_in(out, la, ra, rb, items);
            size_t y = only_in(out, lb, rb, ra, items);
            if (!x && !y) fprintf(out, "  the same rows, in another order\n");
        }
        if (!same_members) {
            size_t n = json_array_size(ma) > json_array_size(mb) ? json_array_size(ma)
                                                                 : json_array_size(mb);
            for (size_t k = 0; k < n; k++) {
                json_t *x = json_array_get(ma, k), *y = json_array_get(mb, k);
                if (x && y && json_equal(x, y)) continue;
                fprintf(out, "  statement %zu: %s: ", step->member_base + k + 1, la);
                print_member(out, x);
                fprintf(out, "; %s: ", lb);
                print_member(out, y);
                fputc('\n', out);
            }
        }
    }
    if (shaped) {
        json_decref(ra);
        json_decref(rb);
    }
    return differs;
}

void shell_compare_end(struct shell *sh, const struct where *w, json_t *mine)
{
    struct shell_compare *c = sh->compare;
    if (!c || !mine) return;
    if (c->running) pthread_join(c->thread, NULL);
    c->running = false;
    fflush(stdout);
    bool any = false;
    /* Steps the session did not run (--bail, Ctrl-C stopped it) are not compared. */
    for (size_t i = 0; i < c->plan->nsteps; i++)
        if (json_is_true(json_object_get(json_array_get(mine, i), "ran")))
            any |= step_differs(stderr, &c->plan->steps[i], sh->backend->label,
                                json_array_get(mine, i), c->label, json_array_get(c->answer, i),
                                any, w, c->plan->nsteps, i);
    fflush(stderr);
    c->differed |= any;
    for (size_t i = 0; i < c->plan->nsteps; i++)
        json_decref(c->steps[i].request);
    free(c->steps);
    c->steps = NULL;
    json_decref(c->answer);
    c->answer = NULL;
    c->plan = NULL;
    json_decref(mine);
}
