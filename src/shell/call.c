/* call.c — the shell's side of backend calls: .timing, the spinner, and Ctrl-C during a call.
 *
 * sh->backend is wrapped in a backend that forwards every call. At the
 * prompt the call runs on a worker thread while the main thread waits,
 * drawing a spinner on stderr and watching for Ctrl-C. Ctrl-C abandons the
 * call: the statement fails with "interrupted" and the prompt comes back at
 * once. The worker finishes on its own (a backend with a cancel hook can
 * stop early); the next call waits for it first, since neither backend
 * takes two calls at a time. Scripts call the backend directly.
 */
#include "shell.h"
#include "pqsh/time.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The spinner appears after this long without an answer. */
#define SPIN_AFTER_S 0.5
#define POLL_NS 50000000L
/* How long a cancelled call may take to stop before it is abandoned (libcurl
 * checks its progress callback about once a second). */
#define CANCEL_GRACE_S 1.5

struct job {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool done;
    struct pq_backend *inner;
    char *op;
    json_t *request; /* a private copy: the caller may free its own meanwhile */
    /* The statements' trees, each a reference of the job's own (a tree is
     * never changed once parsed, and its count of references is atomic),
     * or NULL: the text. */
    struct pq_parsed *parsed;
    size_t nparsed;
    json_t *response;
    struct pq_error err;
    pq_status status;
};

struct call_wrap {
    struct pq_backend base; /* first: sh->backend points here */
    struct pq_backend *inner;
    struct shell *sh;
    struct job *pending; /* an abandoned call still running, or NULL */
};

static struct {
    double start, server; /* statement start; time inside backend calls */
    pq_step_type kind;
    const char *table; /* the step's, borrowed: set between render_begin and render_end */
    bool in_step;
    bool spinner_shown;
} now_running;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *run_job(void *arg)
{
    struct job *j = arg;
    json_t *resp = NULL;
    pq_status st =
        pq_backend_call_parsed(j->inner, j->op, j->request, j->parsed, j->nparsed, &resp, &j->err);
    pthread_mutex_lock(&j->lock);
    j->status = st;
    j->response = resp;
    j->done = true;
    pthread_cond_signal(&j->cond);
    pthread_mutex_unlock(&j->lock);
    return NULL;
}

static void job_free(struct job *j)
{
    pthread_join(j->thread, NULL);
    pthread_mutex_destroy(&j->lock);
    pthread_cond_destroy(&j->cond);
    free(j->op);
    json_decref(j->request);
    json_decref(j->response);
    pq_error_release(&j->err);
    for (size_t i = 0; j->parsed && i < j->nparsed; i++)
        pq_stmt_free((struct pq_stmt *)j->parsed[i].stmt);
    free(j->parsed);
    free(j);
}

static void spinner(struct shell *sh, double waited, bool clear)
{
    static const char *const frames[] = {"|", "/", "-", "\\"};
    if (!sh->progress) return;
    if (clear) {
        if (now_running.spinner_shown) fputs("\r\033[K", stderr);
        now_running.spinner_shown = false;
        fflush(stderr);
        return;
    }
    if (waited < SPIN_AFTER_S) return;
    const char *frame = frames[(long)(waited * 8) % 4];
    if (now_running.in_step && now_running.kind == PQ_STEP_CREATE_TABLE && now_running.table)
        fprintf(stderr, "\r\033[K%s waiting for table '%s' to become ACTIVE, %.1f s", frame,
                now_running.table, waited);
    else
        fprintf(stderr, "\r\033[K%s waiting for %s, %.1f s (Ctrl-C cancels)", frame,
                sh->backend->remote ? "DynamoDB" : "the engine", waited);
    fflush(stderr);
    now_running.spinner_shown = true;
}

/* Waits (j->lock held) until the job signals or one poll interval passes. */
static void poll_wait(struct job *j)
{
    struct timespec until = pq_time_after_ns(POLL_NS);
    pthread_cond_timedwait(&j->cond, &j->lock, &until);
}

/* Waits for a job; false when Ctrl-C came first (the job keeps running). */
static bool wait_job(struct shell *sh, struct job *j)
{
    double t0 = now_s();
    bool done;
    pthread_mutex_lock(&j->lock);
    while (!(done = j->done) && !shell_interrupted) {
        poll_wait(j);
        if (!j->done) {
            pthread_mutex_unlock(&j->lock);
            spinner(sh, now_s() - t0, false);
            pthread_mutex_lock(&j->lock);
        }
    }
    pthread_mutex_unlock(&j->lock);
    spinner(sh, 0, true);
    return done;
}

static pq_status interrupted(struct pq_error *err, const char *what)
{
    return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS, "interrupted%s", what);
}

/* After Ctrl-C: asks the backend to stop the call and gives it a moment.
 * True when the call ended (its own error, usually "interrupted", stands). */
static bool cancel_job(struct call_wrap *w, struct job *j)
{
    if (!pq_backend_cancel(w->inner)) return false;
    double until = now_s() + CANCEL_GRACE_S;
    pthread_mutex_lock(&j->lock);
    while (!j->done && now_s() < until) {
        poll_wait(j);
    }
    bool done = j->done;
    pthread_mutex_unlock(&j->lock);
    return done;
}

static pq_status threaded_call(struct call_wrap *w, const char *op, json_t *request,
                               const struct pq_parsed *parsed, size_t n, json_t **response,
                               struct pq_error *err)
{
    if (w->pending) {
        if (!wait_job(w->sh, w->pending))
            return interrupted(err, " (the request abandoned earlier is still running)");
        job_free(w->pending);
        w->pending = NULL;
    }
    if (shell_interrupted) return interrupted(err, "");
    struct job *j = pq_xcalloc(1, sizeof *j);
    pthread_mutex_init(&j->lock, NULL);
    pthread_cond_init(&j->cond, NULL);
    j->inner = w->inner;
    j->op = pq_xstrdup(op);
    j->request = json_deep_copy(request);
    if (parsed) {
        j->parsed = pq_xcalloc(n ? n : 1, sizeof *j->parsed);
        j->nparsed = n;
        for (size_t i = 0; i < n; i++)
            j->parsed[i] =
                (struct pq_parsed){pq_stmt_ref((struct pq_stmt *)parsed[i].stmt), parsed[i].base};
    }
    pq_error_init(&j->err);
    /* The worker never takes SIGINT: Ctrl-C must reach the waiting thread. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    int rc = pthread_create(&j->thread, NULL, run_job, j);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        /* No thread: call directly, without Ctrl-C. */
        pthread_mutex_destroy(&j->lock);
        pthread_cond_destroy(&j->cond);
        free(j->op);
        json_decref(j->request);
        for (size_t i = 0; j->parsed && i < j->nparsed; i++)
            pq_stmt_free((struct pq_stmt *)j->parsed[i].stmt);
        free(j->parsed);
        free(j);
        return pq_backend_call_parsed(w->inner, op, request, parsed, n, response, err);
    }
    bool cancelled = false;
    if (!wait_job(w->sh, j)) {
        if (!cancel_job(w, j)) {
            w->pending = j;
            return interrupted(err, " (the request was abandoned; if it was a write, it may "
                                    "still take effect)");
        }
        cancelled = true;
    }
    pq_status st = j->status;
    *response = j->response;
    j->response = NULL;
    /* A call stopped by Ctrl-C reads "interrupted", whatever layer noticed;
     * a write whose fate is open keeps saying so. */
    if (st && cancelled && st != PQ_ERR_UNKNOWN)
        st = interrupted(err, "");
    else if (st)
        pq_error_move(err, &j->err);
    job_free(j);
    return st;
}

static pq_status wrap_call(struct pq_backend *b, const char *op, json_t *request, json_t **response,
                           struct pq_error *err)
{
    struct call_wrap *w = (struct call_wrap *)b;
    double t0 = now_s();
    pq_status st;
    *response = NULL;
    if (w->sh->interactive)
        st = threaded_call(w, op, request, NULL, 0, response, err);
    else if (shell_interrupted) /* a script's signal: no call after it (input.c) */
        st = interrupted(err, "");
    else
        st = pq_backend_call(w->inner, op, request, response, err);
    now_running.server += now_s() - t0;
    return st;
}

/* Statements the shell parsed go to the backend with their trees; at the
 * prompt the call runs on a worker that Ctrl-C may abandon, which holds
 * references of its own to the trees, as it holds a copy of the request. */
static pq_status wrap_call_parsed(struct pq_backend *b, const char *op, json_t *request,
                                  const struct pq_parsed *parsed, size_t n, json_t **response,
                                  struct pq_error *err)
{
    struct call_wrap *w = (struct call_wrap *)b;
    double t0 = now_s();
    pq_status st;
    *response = NULL;
    if (w->sh->interactive)
        st = threaded_call(w, op, request, parsed, n, response, err);
    else if (shell_interrupted) /* a script's signal: no call after it (input.c) */
        st = interrupted(err, "");
    else
        st = pq_backend_call_parsed(w->inner, op, request, parsed, n, response, err);
    now_running.server += now_s() - t0;
    return st;
}

static void wrap_close(struct pq_backend *b)
{
    struct call_wrap *w = (struct call_wrap *)b;
    if (w->sh->calls == w) w->sh->calls = NULL;
    if (w->pending) {
        /* Still running at exit or .connect: let it be (its backend too). */
        pthread_mutex_lock(&w->pending->lock);
        bool done = w->pending->done;
        pthread_mutex_unlock(&w->pending->lock);
        if (!done) {
            pthread_detach(w->pending->thread);
            free(w);
            return;
        }
        job_free(w->pending);
    }
    pq_backend_close(w->inner);
    free(w);
}

static void wrap_cancel(struct pq_backend *b)
{
    pq_backend_cancel(((struct call_wrap *)b)->inner);
}

/* A clone is of the inner backend: bulk workers need no spinner or Ctrl-C
 * thread of their own (the bulk loop watches Ctrl-C). */
static pq_status wrap_clone(struct pq_backend *b, struct pq_backend **out, struct pq_error *err)
{
    return pq_backend_clone(((struct call_wrap *)b)->inner, out, err);
}

static const struct pq_backend_ops wrap_ops = {wrap_call, wrap_close, wrap_cancel, wrap_clone,
                                               wrap_call_parsed};

void shell_calls_wrap(struct shell *sh)
{
    if (!sh->backend || sh->backend->ops == &wrap_ops) return;
    struct call_wrap *w = pq_xcalloc(1, sizeof *w);
    w->base.ops = &wrap_ops;
    w->base.label = pq_xstrdup(sh->backend->label ? sh->backend->label : "");
    w->base.remote = sh->backend->remote;
    w->inner = sh->backend;
    w->sh = sh;
    sh->backend = &w->base;
    sh->calls = w;
}

void shell_calls_release(struct shell *sh)
{
    now_running.table = NULL;
}

void shell_calls_step(struct shell *sh, const struct pq_step *step)
{
    now_running.table = step ? step->table : NULL;
    now_running.in_step = step != NULL;
    if (step) now_running.kind = step->kind;
}

void shell_timing_begin(struct shell *sh)
{
    now_running.start = now_s();
    now_running.server = 0;
}

void shell_timing_end(struct shell *sh)
{
    if (!sh->timing) return;
    double total = (now_s() - now_running.start) * 1000.0, server = now_running.server * 1000.0;
    fprintf(shell_side_stream(sh), "Time: %.3f ms (server %.3f ms, client %.3f ms)\n", total,
            server, total > server ? total - server : 0.0);
}
