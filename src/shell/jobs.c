/* jobs.c — pipelined scripts: writes to distinct full keys in flight together, reported in order.
 *
 * Why the rules are exact (see jobs.h for the mechanism):
 * - Two writes to different items of DynamoDB commute: neither's result
 *   (success, ConditionalCheckFailed, DuplicateItem, the RETURNING images)
 *   depends on the other. A second write to the same item, or any read,
 *   could see the other's effect, so it waits for everything in flight.
 *   On a table with a local secondary index the unit is the item
 *   collection (one partition key): its size limit can refuse either of
 *   two writes to it, depending on their order. Stream records of
 *   overlapping writes may come in another order than the script's
 *   (DynamoDB orders them per item only).
 * - Nothing a pipelined write does changes how a later statement is planned:
 *   variables change only in assignments and \gset, blocks only at BEGIN …,
 *   key schemas only at DDL, options only in commands — all barriers — so
 *   the plan made when the write is sent is the plan shell_exec makes when
 *   it is reported, but for the values of uuid() and now(): the reported
 *   plan takes the request sent (same statement text), and the answer is
 *   handed back only to that request.
 * - --bail (or .bail on) runs one statement at a time. Every write may fail
 *   (an INSERT of a key that exists, an UPDATE of one that does not,
 *   throttling), so "no statement after a failed one takes effect" only
 *   holds when each is sent after the one before it has succeeded.
 * - .timing on, --debug and --compare also run one at a time: the time of
 *   each statement is its own, the trace of each call stands by its
 *   statement, and both targets take the statements alike.
 * - Ctrl-C: while statements are in flight it stops sending; what was sent
 *   is reported, and then the signal takes its ordinary course. A second
 *   Ctrl-C does not wait.
 */
#include "jobs.h"
#include "bulk.h"
#include "exec.h"
#include "pqsh/parse.h"
#include "pqsh/split.h"
#include "pqsh/value.h"

#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct flight {
    struct pq_split_stmt piece; /* owned copy of the statement */
    const char *file;           /* borrowed (valid until shell_jobs_drain) */
    struct pq_buf key;          /* table and full key, encoded */
    struct bulk_call *call;     /* its ExecuteStatement; answered once `done` */
    bool done;
};

/* Answers the one call of a statement being reported with the answer its
 * flight received. */
struct replay {
    struct pq_backend base; /* first: shell_jobs_backend returns &base */
    struct bulk_call *call;
    bool used;
};

struct jobs {
    int width;         /* statements in flight at most; 1: off */
    struct bulk *pool; /* clones of the session's backend, or NULL */
    bool no_pool;      /* no clones to be had: off until the next command */
    /* Flights head … head + len - 1 in script order, in `cap` slots: up to
     * `width` sent and not answered, and answered ones waiting for an
     * older one to be reported. */
    struct flight *ring;
    size_t cap, head, len;
    int flying; /* sent, not yet answered */
    struct replay replay;
    bool replaying;
    bool sigint_caught; /* our SIGINT handler is installed (old_int saved) */
    struct sigaction old_int;
};

static volatile sig_atomic_t jobs_sigint;

static void on_sigint(int sig)
{
    if (jobs_sigint) {
        /* A second Ctrl-C does not wait for the answers. */
        signal(sig, SIG_DFL);
        raise(sig);
    }
    jobs_sigint = 1;
}

/* While statements are in flight Ctrl-C is caught, so that what was sent
 * is reported; otherwise it keeps the action it had. */
static void catch_sigint(struct jobs *j, bool on)
{
    if (on == j->sigint_caught) return;
    if (on) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_sigint;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART;
        if (sigaction(SIGINT, NULL, &j->old_int) != 0 || j->old_int.sa_handler == SIG_IGN) return;
        sigaction(SIGINT, &sa, NULL);
    } else {
        sigaction(SIGINT, &j->old_int, NULL);
    }
    j->sigint_caught = on;
}

/* ---- the backend that hands back an answer ------------------------------- */

static pq_status replay_call(struct pq_backend *b, const char *op, json_t *request,
                             json_t **response, struct pq_error *err)
{
    struct replay *r = (struct replay *)b;
    *response = NULL;
    if (r->used || strcmp(op, r->call->op) != 0 || !json_equal(request, r->call->request))
        /* Cannot happen (the plan is the same, see above); never sent twice. */
        return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                            "internal error: a pipelined statement was planned differently "
                            "when reported; it was sent once, as first planned");
    r->used = true;
    if (r->call->status == PQ_OK) {
        *response = json_incref(r->call->response);
        return PQ_OK;
    }
    pq_error_move(err, &r->call->err);
    return r->call->status;
}

static void replay_close(struct pq_backend *b)
{
    (void)b; /* part of struct jobs */
}

static const struct pq_backend_ops replay_ops = {replay_call, replay_close, NULL, NULL, NULL};

void shell_jobs_sent_request(struct shell *sh, struct pq_plan *plan)
{
    struct jobs *j = sh->jobs;
    if (!j || !j->replaying || j->replay.used || plan->nsteps != 1 ||
        strcmp(plan->steps[0].op, j->replay.call->op) != 0)
        return;
    const json_t *sent = j->replay.call->request, *planned = plan->steps[0].request;
    /* The same statement text; only the values may differ. */
    if (!json_equal(json_object_get(sent, "Statement"), json_object_get(planned, "Statement")))
        return;
    json_decref(plan->steps[0].request);
    plan->steps[0].request = json_deep_copy(sent);
}

struct pq_backend *shell_jobs_backend(struct shell *sh)
{
    return sh->jobs && sh->jobs->replaying ? &sh->jobs->replay.base : sh->backend;
}

/* ---- which statements fly ------------------------------------------------ */

/* The AttributeValue a key is compared with: a literal or a `?` parameter. */
static const json_t *constant(const struct pq_expr *e, const json_t *params)
{
    if (e->kind == PQ_E_LIT) return e->lit;
    if (e->kind == PQ_E_PARAM) return json_array_get(params, e->param);
    return NULL;
}

/* Records `v` as the value of key attribute `name`, if it is one; false
 * when the key would be ambiguous. */
static bool pin(const struct pq_key_names *k, const char *name, const json_t *v, const json_t **hv,
                const json_t **rv)
{
    const json_t **slot = strcmp(name, k->hash) == 0                ? hv
                          : k->range && strcmp(name, k->range) == 0 ? rv
                                                                    : NULL;
    if (!slot) return true;
    if (!v || (*slot && !pq_value_equal(*slot, v))) return false;
    *slot = v;
    return true;
}

/* INSERT's VALUE {'k': v, …}: the key attributes' values (each written once). */
static bool item_keys(const struct pq_expr *e, const json_t *params, const struct pq_key_names *k,
                      const json_t **hv, const json_t **rv)
{
    if (!e || e->kind != PQ_E_TUPLE) return false;
    for (size_t i = 0; i + 1 < e->nitems; i += 2) {
        const struct pq_expr *name = e->items[i];
        if (name->kind != PQ_E_LIT || pq_value_type(name->lit) != PQ_T_S) return false;
        const char *n = json_string_value(pq_value_payload(name->lit));
        const json_t **slot = !n                                     ? NULL
                              : strcmp(n, k->hash) == 0              ? hv
                              : k->range && strcmp(n, k->range) == 0 ? rv
                                                                     : NULL;
        if (!n) return false;
        if (!slot) continue;
        if (*slot) return false; /* written twice: DynamoDB's to judge, not ours */
        if (!(*slot = constant(e->items[i + 1], params))) return false;
    }
    return true;
}

/* UPDATE / DELETE … WHERE: `key = constant` conjuncts at the top level
 * (other conjuncts are conditions on the one item). */
static bool where_keys(const struct pq_expr *e, const json_t *params, const struct pq_key_names *k,
                       const json_t **hv, const json_t **rv)
{
    if (!e) return true;
    if (e->kind == PQ_E_BINARY && e->op == PQ_OP_AND)
        return where_keys(e->lhs, params, k, hv, rv) && where_keys(e->rhs, params, k, hv, rv);
    if (e->kind != PQ_E_BINARY || e->op != PQ_OP_EQ) return true;
    const struct pq_expr *path = e->lhs, *value = e->rhs;
    if (path->kind != PQ_E_PATH) {
        path = e->rhs;
        value = e->lhs;
    }
    if (path->kind != PQ_E_PATH || path->nsteps != 1 || path->steps[0].kind != PQ_STEP_NAME)
        return true;
    return pin(k, path->steps[0].name, constant(value, params), hv, rv);
}

static bool add_key_value(struct pq_buf *key, const json_t *v)
{
    struct pq_buf enc = PQ_BUF_INIT;
    pq_buf_init(&enc);
    bool ok = pq_value_encode_key(v, &enc);
    if (ok) {
        uint32_t n = (uint32_t)enc.len;
        pq_buf_addc(key, (char)pq_value_type(v));
        pq_buf_add(key, (const char *)&n, sizeof n);
        pq_buf_add(key, enc.data, enc.len);
    }
    pq_buf_release(&enc);
    return ok;
}

/* The table and full primary key the write `step` changes, from the text
 * it sends (parsed as DynamoDB parses it) and the table's key schema; false
 * when they cannot be known for certain. */
static bool full_key(struct shell *sh, const struct pq_step *step, struct pq_buf *key)
{
    const char *text = json_string_value(json_object_get(step->request, "Statement"));
    const json_t *params = json_object_get(step->request, "Parameters");
    struct pq_stmt *s = NULL;
    struct pq_error err;
    bool ok = false;
    pq_error_init(&err);
    if (!text || pq_parse(text, strlen(text), PQ_PARSE_STRICT, &s, &err, NULL)) goto out;
    const struct pq_from *from = s->kind == PQ_S_INSERT   ? &s->u.insert.into
                                 : s->kind == PQ_S_UPDATE ? &s->u.update.target
                                 : s->kind == PQ_S_DELETE ? &s->u.del.from
                                                          : NULL;
    if (!from || !from->table.name || from->index.name || from->empty_component ||
        from->alias.name || from->nsources > 1)
        goto out;
    struct pq_plan_context ctx;
    shell_plan_context(sh, &ctx);
    const json_t *desc = ctx.describe(ctx.ctx, from->table.name, NULL);
    struct pq_key_names k;
    const json_t *hv = NULL, *rv = NULL;
    if (!desc || !pq_keycond_schema(desc, NULL, &k) || !k.hash) goto out;
    if (s->kind == PQ_S_INSERT
            ? s->u.insert.nvalues != 1 || s->u.insert.values_keyword ||
                  !item_keys(s->u.insert.value, params, &k, &hv, &rv)
            : !where_keys(s->kind == PQ_S_UPDATE ? s->u.update.where : s->u.del.where, params, &k,
                          &hv, &rv))
        goto out;
    if (!hv || (k.range != NULL) != (rv != NULL)) goto out;
    pq_buf_add(key, from->table.name, strlen(from->table.name) + 1);
    /* With a local secondary index, the items of one partition key share an
     * item collection and its 10 GB limit: which of two writes to it is
     * refused depends on their order, so the collection is the unit. */
    if (json_array_size(json_object_get(desc, "LocalSecondaryIndexes"))) rv = NULL;
    ok = add_key_value(key, hv) && (!rv || add_key_value(key, rv));
out:
    pq_error_release(&err);
    if (s) pq_stmt_free(s);
    return ok;
}

/* Whether a statement may be sent before the ones in flight are reported. */
static bool may_fly(const struct shell *sh)
{
    const struct jobs *j = sh->jobs;
    return j->width > 1 && !j->no_pool && sh->backend->remote && !sh->interactive && !sh->bail &&
           !sh->timing && !sh->target.debug && !sh->compare && !sh->sandbox && !sh->tutorial &&
           !sh->block && !sh->quit;
}

static bool in_flight(const struct jobs *j, const struct pq_buf *key)
{
    for (size_t i = 0; i < j->len; i++) {
        const struct pq_buf *k = &j->ring[(j->head + i) % j->cap].key;
        if (k->len == key->len && memcmp(k->data, key->data, key->len) == 0) return true;
    }
    return false;
}

/* ---- sending and reporting ----------------------------------------------- */

static void close_pool(struct jobs *j)
{
    bulk_close(j->pool);
    j->pool = NULL;
    j->no_pool = false;
}

/* The pool, opened on first use; false when the backend gives no second
 * connection (then statements run one at a time until the next command). */
static bool open_pool(struct shell *sh)
{
    struct jobs *j = sh->jobs;
    if (j->pool) return true;
    struct pq_error err;
    pq_error_init(&err);
    j->pool = bulk_open(sh, j->width, &err);
    pq_error_release(&err);
    if (j->pool && bulk_width(j->pool) > 1) return true;
    close_pool(j);
    j->no_pool = true;
    return false;
}

/* Marks every call answered so far; waits up to `timeout_s` for one. */
static void collect(struct jobs *j, double timeout_s)
{
    struct bulk_call *c;
    while ((c = bulk_wait(j->pool, timeout_s))) {
        ((struct flight *)c->tag)->done = true;
        j->flying--;
        timeout_s = 0;
    }
}

/* Reports the oldest statement in flight, waiting for its answer. */
static void report_oldest(struct shell *sh)
{
    struct jobs *j = sh->jobs;
    struct flight *f = &j->ring[j->head];
    while (!f->done)
        collect(j, 0.1);
    struct where w = {f->file, f->piece.line, f->piece.col, f->piece.text, f->piece.len};
    if (sh->quit) {
        /* The output failed after it was sent (see shell_check_output). */
        shell_errorf(&w, "sent before the output failed: its result is not shown");
        shell_fail(sh);
    } else {
        j->replay.call = f->call;
        j->replay.used = false;
        j->replay.base.label = sh->backend->label;
        j->replay.base.remote = sh->backend->remote;
        j->replaying = true;
        shell_run_piece(sh, &f->piece, f->file);
        j->replaying = false;
        if (!j->replay.used) {
            shell_errorf(&w, "internal error: the statement was sent but not reported");
            shell_fail(sh);
        }
    }
    bulk_call_free(f->call);
    pq_split_stmt_release(&f->piece);
    pq_buf_release(&f->key);
    memset(f, 0, sizeof *f);
    j->head = (j->head + 1) % j->cap;
    if (--j->len) return;
    /* Nothing in flight: Ctrl-C acts as usual again, and one that came
     * meanwhile takes its course now. */
    catch_sigint(j, false);
    if (jobs_sigint) {
        jobs_sigint = 0;
        fflush(stdout);
        raise(SIGINT);
    }
}

/* Reports the answered statements at the head, in order. */
static void report_ready(struct shell *sh)
{
    struct jobs *j = sh->jobs;
    while (j->len && j->ring[j->head].done && !sh->quit)
        report_oldest(sh);
}

/* Waits until fewer than `width` statements are in flight and a slot is
 * free, reporting what can be reported meanwhile. */
static void make_room(struct shell *sh)
{
    struct jobs *j = sh->jobs;
    while (!sh->quit && j->flying >= j->width) {
        collect(j, 0.1);
        report_ready(sh);
    }
    if (!sh->quit && j->len == j->cap) report_oldest(sh);
}

void shell_jobs_drain(struct shell *sh)
{
    struct jobs *j = sh->jobs;
    while (j && j->len)
        report_oldest(sh);
}

/* Sends the write planned in `plan` for `p`; `key` is moved into the flight. */
static void send(struct shell *sh, const struct pq_split_stmt *p, const char *file,
                 const struct pq_plan *plan, struct pq_buf *key)
{
    struct jobs *j = sh->jobs;
    struct flight *f = &j->ring[(j->head + j->len) % j->cap];
    f->piece = *p;
    f->piece.text = pq_xstrndup(p->text, p->len);
    f->piece.then = NULL;
    f->file = file;
    f->key = *key;
    pq_buf_init(key);
    f->call = bulk_call_new("ExecuteStatement", json_deep_copy(plan->steps[0].request));
    f->call->tag = f;
    f->done = false;
    j->len++;
    j->flying++;
    catch_sigint(j, true);
    bulk_submit(j->pool, f->call);
}

void shell_jobs_piece(struct shell *sh, const struct pq_split_stmt *p, const char *file)
{
    struct jobs *j = sh->jobs;
    if (!j || j->width <= 1) {
        shell_run_piece(sh, p, file);
        return;
    }
    struct pq_plan plan;
    struct pq_buf key = PQ_BUF_INIT;
    pq_plan_init(&plan);
    pq_buf_init(&key);
    struct where w = {file, p->line, p->col, p->text, p->len};
    bool fly = !p->is_command && !p->then && may_fly(sh) && shell_exec_lone_write(sh, &w, &plan) &&
               full_key(sh, &plan.steps[0], &key);
    if (fly && in_flight(j, &key)) shell_jobs_drain(sh);
    /* After Ctrl-C nothing more is sent (the drain below ends the run). */
    if (fly && !jobs_sigint && !sh->quit && may_fly(sh) && open_pool(sh)) {
        make_room(sh);
        if (!sh->quit) send(sh, p, file, &plan, &key);
        collect(j, 0);
        report_ready(sh);
    } else {
        /* A barrier: everything in flight is reported first. */
        shell_jobs_drain(sh);
        /* A command may change the target (.connect): new clones after it. */
        if (p->is_command && j->pool) close_pool(j);
        if (p->is_command) j->no_pool = false;
        if (!sh->quit) shell_run_piece(sh, p, file);
    }
    pq_buf_release(&key);
    pq_plan_release(&plan);
}

void shell_jobs_before_read(struct shell *sh, FILE *f)
{
    struct jobs *j = sh->jobs;
    if (!j || !j->len) return;
    if (shell_input_has_line(f)) return;
    struct pollfd pfd = {fileno(f), POLLIN, 0};
    if (poll(&pfd, 1, 0) > 0) return;
    shell_jobs_drain(sh);
}

void shell_jobs_init(struct shell *sh, int n)
{
    if (n > SHELL_JOBS_MAX) n = SHELL_JOBS_MAX;
    if (n <= 1) return;
    struct jobs *j = pq_xcalloc(1, sizeof *j);
    j->width = n;
    j->cap = 4 * (size_t)n;
    j->ring = pq_xcalloc(j->cap, sizeof *j->ring);
    j->replay.base.ops = &replay_ops;
    sh->jobs = j;
}

void shell_jobs_release(struct shell *sh)
{
    struct jobs *j = sh->jobs;
    if (!j) return;
    shell_jobs_drain(sh);
    close_pool(j);
    free(j->ring);
    free(j);
    sh->jobs = NULL;
}
