/* exec.c — one statement: parse, then assign a variable or plan, run and render. */
#include "shell.h"
#include "pqsh/parse.h"
#include "pqsh/value.h"

#include <string.h>

struct step_ctx {
    struct render *render;
    const struct where *w;
    size_t at; /* where notices point */
};

static pq_status step_rows(void *ctx, const struct pq_step *step, json_t *rows,
                           struct pq_error *err)
{
    struct step_ctx *c = ctx;
    return render_rows(c->render, step, rows, err);
}

static void step_notice(void *ctx, const struct pq_step *step, const char *text)
{
    struct step_ctx *c = ctx;
    shell_notice(c->w, c->at, text);
}

/* Runs one step; false when it failed (the error is printed). */
static bool run_step(struct shell *sh, const struct where *w, const struct pq_step *step,
                     bool several)
{
    struct pq_error err;
    struct pq_run_outcome outcome = {0};
    /* With several steps (INSERT … VALUES rows) messages point at the row. */
    struct step_ctx ctx = {render_begin(sh, step), w, several ? step->loc.start : PQ_NO_POS};
    struct pq_run_sink sink = {.ctx = &ctx, .rows = step_rows, .notice = step_notice};
    pq_error_init(&err);
    pq_status st = pq_plan_run_step(sh->backend, step, &sink, &outcome, &err);
    render_end(ctx.render, &outcome, st == PQ_OK);
    if (st) {
        if (err.start == PQ_NO_POS && several) {
            err.start = step->loc.start;
            err.end = step->loc.end;
        }
        shell_error(w, &err);
    } else if ((step->kind == PQ_STEP_CREATE_TABLE || step->kind == PQ_STEP_DROP_TABLE) &&
               !outcome.skipped) {
        shell_forget_keys(sh);
    }
    pq_error_release(&err);
    return st == PQ_OK;
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
    if (pq_vars_eval(&sh->vars, value, &v, err)) return false;
    pq_vars_set(&sh->vars, name, v);
    render_status("SET", false, 0);
    return true;
}

static void explain(const struct pq_plan *plan)
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

void shell_exec(struct shell *sh, const struct where *w)
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
            render_status("UNSET", false, 0);
        }
        goto out;
    }
    if (pq_plan_build(s, &sh->vars, &plan, &err)) {
        ok = false;
        goto out;
    }
    for (size_t i = 0; i < plan.nnotices; i++)
        shell_notice(w, PQ_NO_POS, plan.notices[i]);
    if (s->kind == PQ_S_EXPLAIN) {
        explain(&plan);
        goto out;
    }
    for (size_t i = 0; i < plan.nsteps && !sh->quit; i++) {
        if (!run_step(sh, w, &plan.steps[i], plan.nsteps > 1)) shell_fail(sh);
    }
out:
    fflush(stdout);
    if (!ok) {
        shell_error(w, &err);
        shell_fail(sh);
    }
    pq_error_release(&err);
    pq_plan_release(&plan);
    if (s) pq_stmt_free(s);
}
