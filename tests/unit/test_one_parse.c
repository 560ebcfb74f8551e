/* test_one_parse.c — the engine's answers are the same whether it parses the
 * Statement text itself or takes the shell's parse (pq_engine_execute_parsed).
 *
 * Every statement of every golden script (tests/sql/NAME.sql) is parsed as the
 * shell parses it (SHELL mode), planned with its source, and each step runs
 * on two fresh engines in step: engine A always gets the text
 * (pq_engine_call), engine B gets the shell's tree whenever the plan offers
 * it (step->parsed). Responses (JSON with sorted keys) and errors (code, type,
 * message, byte range) must be byte for byte the same. Every other statement
 * places its tree inside a larger source (a few blank lines and spaces before
 * it), so error positions are checked through a non-zero base too. Statements
 * the planner refuses (variables, blocks, dot-commands) are skipped; BEGIN …
 * COMMIT members simply run one by one on both engines.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "test_golden_util.h"
#include "pqsh/engine.h"
#include "pqsh/parse.h"
#include "pqsh/plan.h"
#include "pqsh/split.h"

static size_t n_parsed, n_text, n_differ;

static char *answer(pq_status st, json_t *resp, const struct pq_error *err)
{
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    if (st == PQ_OK) {
        char *j = json_dumps(resp, JSON_SORT_KEYS | JSON_COMPACT);
        pq_buf_addf(&b, "OK %s", j ? j : "?");
        free(j);
    } else {
        pq_buf_addf(&b, "ERR %d %s %s [%zu,%zu)", (int)err->code, err->type ? err->type : "-",
                    err->message ? err->message : "-", err->start, err->end);
    }
    return pq_buf_detach(&b, NULL);
}

/* Runs `step` on both engines and compares the answers. */
static void run_both(struct pq_engine *a, struct pq_engine *b, const struct pq_step *step,
                     const char *where)
{
    struct pq_error ea, eb;
    json_t *ra = NULL, *rb = NULL;
    pq_error_init(&ea);
    pq_error_init(&eb);
    pq_status sa = pq_engine_call(a, step->op, step->request, &ra, &ea);
    pq_status sb;
    if (step->parsed) {
        sb = pq_engine_execute_parsed(b, step->request, step->parsed, step->parsed_base, &rb, &eb);
        n_parsed++;
    } else {
        sb = pq_engine_call(b, step->op, step->request, &rb, &eb);
        n_text++;
    }
    char *xa = answer(sa, ra, &ea), *xb = answer(sb, rb, &eb);
    check_count++;
    if (strcmp(xa, xb) != 0) {
        check_failures++;
        n_differ++;
        fprintf(stderr, "%s: %s\n  text:   %s\n  parsed: %s\n", where,
                json_string_value(json_object_get(step->request, "Statement")), xa, xb);
    }
    free(xa);
    free(xb);
    json_decref(ra);
    json_decref(rb);
    pq_error_release(&ea);
    pq_error_release(&eb);
}

static void run_statement(struct pq_engine *a, struct pq_engine *b, const struct pq_split_stmt *st,
                          size_t nth, const char *where)
{
    /* Every other statement sits after some blank text in its source. */
    size_t off;
    char *src = golden_padded(st, nth, &off);
    struct pq_stmt *s = NULL;
    struct pq_error err;
    struct pq_vars vars;
    struct pq_plan plan;
    pq_error_init(&err);
    pq_vars_init(&vars);
    pq_plan_init(&plan);
    struct pq_plan_context ctx = {.source = src, .source_len = off + st->len};
    if (pq_parse(src, off + st->len, 0, &s, &err, NULL) == PQ_OK) {
        ctx.comments = s->comments;
        ctx.ncomments = s->ncomments;
        if (s->kind != PQ_S_EXPLAIN && pq_plan_build_ex(s, &vars, &ctx, &plan, &err) == PQ_OK)
            for (size_t i = 0; i < plan.nsteps; i++)
                run_both(a, b, &plan.steps[i], where);
    }
    pq_plan_release(&plan);
    pq_stmt_free(s);
    pq_vars_release(&vars);
    pq_error_release(&err);
    free(src);
}

static void run_on_pair(const struct pq_split_stmt *st, size_t nth, const char *where, void *ctx)
{
    struct pq_engine **pair = ctx;
    run_statement(pair[0], pair[1], st, nth, where);
}

static void run_script(FILE *f, const char *path)
{
    struct pq_engine_options opt = {.path = ":memory:", .fixed_time = 1700000000.0};
    struct pq_engine *a = NULL, *b = NULL;
    struct pq_error err;
    pq_error_init(&err);
    if (pq_engine_open(&opt, &a, &err) || pq_engine_open(&opt, &b, &err)) {
        fprintf(stderr, "cannot open engine: %s\n", err.message);
        exit(1);
    }
    struct pq_engine *pair[2] = {a, b};
    each_golden_statement(f, path, run_on_pair, pair);
    pq_engine_close(a);
    pq_engine_close(b);
    pq_error_release(&err);
}

/* Statements whose SHELL-mode parse is not DynamoDB's though the text is
 * sent unchanged: the engine must parse (and refuse) them itself. */
static const char extra[] = "CREATE TABLE Things (pk STRING PRIMARY KEY);\n"
                            "SELECT * FROM Things WHERE pk = 1e99999999999;\n"
                            "INSERT INTO Things VALUE {'pk': 'x', 'n': 1e-99999999999};\n"
                            "INSERT INTO Things VALUE {'pk': 'x', 'n': 1.5};\n"
                            "SELECT * FROM Things WHERE pk = 'x' AND n = 1.5;\n"
                            "UPDATE Things SET n = n + 1 WHERE pk = 'x' RETURNING ALL NEW *;\n"
                            "SELECT n.m FROM Things WHERE pk = 'x';\n"
                            "DELETE FROM Things WHERE pk = 'x' AND n = 3;\n";

int main(void)
{
    size_t count = each_golden_script(run_script);
    FILE *f = fmemopen((void *)extra, sizeof extra - 1, "r");
    run_script(f, "extra");
    fclose(f);
    printf("%zu scripts: %zu statement calls compared through the shell's parse, %zu through "
           "the text only, %zu differ\n",
           count, n_parsed, n_text, n_differ);
    /* The comparison means something only if most statements took the tree. */
    CHECK(count >= 40);
    CHECK(n_parsed >= 300);
    DONE();
}
