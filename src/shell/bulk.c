/* bulk.c — a pool of backend clones on worker threads; the bulk progress line. */
#include "bulk.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_JOBS 64

struct queue {
    struct bulk_call **items;
    size_t head, len, cap;
};

struct worker {
    struct bulk *b;
    pthread_t thread;
    struct pq_backend *backend; /* owned clone */
};

struct bulk {
    struct shell *sh;
    int nworkers; /* 0: calls run on the caller's thread */
    struct worker workers[MAX_JOBS];
    pthread_mutex_t lock;
    pthread_cond_t work, done_cond;
    struct queue todo, done;
    size_t pending;
    bool stop;
};

static void q_push(struct queue *q, struct bulk_call *c)
{
    if (q->len == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 16;
        struct bulk_call **items = pq_xcalloc(cap, sizeof *items);
        for (size_t i = 0; i < q->len; i++)
            items[i] = q->items[(q->head + i) % q->cap];
        free(q->items);
        q->items = items;
        q->head = 0;
        q->cap = cap;
    }
    q->items[(q->head + q->len++) % q->cap] = c;
}

static struct bulk_call *q_pop(struct queue *q)
{
    if (!q->len) return NULL;
    struct bulk_call *c = q->items[q->head];
    q->head = (q->head + 1) % q->cap;
    q->len--;
    return c;
}

double bulk_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

struct bulk_call *bulk_call_new(const char *op, json_t *request)
{
    struct bulk_call *c = pq_xcalloc(1, sizeof *c);
    c->op = op;
    c->request = request;
    pq_error_init(&c->err);
    pq_buf_init(&c->out);
    return c;
}

void bulk_call_free(struct bulk_call *c)
{
    if (!c) return;
    json_decref(c->request);
    json_decref(c->response);
    pq_error_release(&c->err);
    pq_buf_release(&c->out);
    free(c);
}

static void run_call(struct pq_backend *backend, struct bulk_call *c)
{
    if (c->delay_ms > 0) sleep_ms(c->delay_ms);
    json_decref(c->response);
    c->response = NULL;
    pq_error_release(&c->err);
    c->status = pq_backend_call(backend, c->op, c->request, &c->response, &c->err);
    if (c->after) c->after(c);
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct bulk *b = w->b;
    pthread_mutex_lock(&b->lock);
    for (;;) {
        struct bulk_call *c;
        while (!(c = q_pop(&b->todo)) && !b->stop)
            pthread_cond_wait(&b->work, &b->lock);
        if (!c) break;
        pthread_mutex_unlock(&b->lock);
        run_call(w->backend, c);
        pthread_mutex_lock(&b->lock);
        q_push(&b->done, c);
        pthread_cond_signal(&b->done_cond);
    }
    pthread_mutex_unlock(&b->lock);
    return NULL;
}

struct bulk *bulk_open(struct shell *sh, int jobs, struct pq_error *err)
{
    struct bulk *b = pq_xcalloc(1, sizeof *b);
    b->sh = sh;
    pthread_mutex_init(&b->lock, NULL);
    pthread_cond_init(&b->work, NULL);
    pthread_cond_init(&b->done_cond, NULL);
    if (jobs > MAX_JOBS) jobs = MAX_JOBS;
    /* Workers never take SIGINT: Ctrl-C reaches the main thread's loop. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    for (int i = 0; i < jobs; i++) {
        struct pq_backend *clone = NULL;
        if (pq_backend_clone(sh->backend, &clone, err) != PQ_OK) {
            bulk_close(b);
            return NULL;
        }
        if (!clone) break; /* not clonable: calls in turn on this thread */
        struct worker *w = &b->workers[b->nworkers];
        w->b = b;
        w->backend = clone;
        pthread_sigmask(SIG_BLOCK, &block, &old);
        int rc = pthread_create(&w->thread, NULL, worker_main, w);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        if (rc != 0) {
            pq_backend_close(clone);
            break;
        }
        b->nworkers++;
    }
    return b;
}

int bulk_width(const struct bulk *b)
{
    return b->nworkers ? b->nworkers : 1;
}

void bulk_submit(struct bulk *b, struct bulk_call *c)
{
    b->pending++;
    if (!b->nworkers) {
        run_call(b->sh->backend, c);
        q_push(&b->done, c);
        return;
    }
    pthread_mutex_lock(&b->lock);
    q_push(&b->todo, c);
    pthread_cond_signal(&b->work);
    pthread_mutex_unlock(&b->lock);
}

size_t bulk_pending(const struct bulk *b)
{
    return b->pending;
}

struct bulk_call *bulk_wait(struct bulk *b, double timeout_s)
{
    struct bulk_call *c = NULL;
    if (!b->pending) return NULL;
    if (!b->nworkers) {
        c = q_pop(&b->done);
    } else {
        double until = bulk_now() + timeout_s;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        double rt = (double)ts.tv_sec + ts.tv_nsec / 1e9 + timeout_s;
        ts.tv_sec = (time_t)rt;
        ts.tv_nsec = (long)((rt - (double)ts.tv_sec) * 1e9);
        pthread_mutex_lock(&b->lock);
        while (!(c = q_pop(&b->done)) && bulk_now() < until)
            if (pthread_cond_timedwait(&b->done_cond, &b->lock, &ts) != 0) {
                c = q_pop(&b->done);
                break;
            }
        pthread_mutex_unlock(&b->lock);
    }
    if (c) b->pending--;
    return c;
}

void bulk_close(struct bulk *b)
{
    if (!b) return;
    pthread_mutex_lock(&b->lock);
    b->stop = true;
    pthread_cond_broadcast(&b->work);
    pthread_mutex_unlock(&b->lock);
    for (int i = 0; i < b->nworkers; i++) {
        pthread_join(b->workers[i].thread, NULL);
        pq_backend_close(b->workers[i].backend);
    }
    struct bulk_call *c;
    while ((c = q_pop(&b->todo)))
        bulk_call_free(c);
    while ((c = q_pop(&b->done)))
        bulk_call_free(c);
    free(b->todo.items);
    free(b->done.items);
    pthread_mutex_destroy(&b->lock);
    pthread_cond_destroy(&b->work);
    pthread_cond_destroy(&b->done_cond);
    free(b);
}

long bulk_backoff_ms(int attempt)
{
    static unsigned seed;
    if (!seed) seed = (unsigned)time(NULL) ^ (unsigned)getpid();
    long ceiling = 50L << (attempt > 10 ? 10 : attempt - 1);
    if (ceiling > 5000) ceiling = 5000;
    return (long)((double)rand_r(&seed) / ((double)RAND_MAX + 1) * (double)ceiling);
}

const char *bulk_count(unsigned long long n, char buf[32])
{
    char raw[32];
    int len = snprintf(raw, sizeof raw, "%llu", n), o = 0;
    for (int i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0) buf[o++] = ',';
        buf[o++] = raw[i];
    }
    buf[o] = 0;
    return buf;
}

void bulk_progress_start(struct bulk_progress *p, bool on, const char *what)
{
    memset(p, 0, sizeof *p);
    p->on = on;
    p->what = what;
    p->start = bulk_now();
}

void bulk_progress_draw(struct bulk_progress *p, unsigned long long items, double fraction,
                        bool force)
{
    if (!p->on) return;
    double now = bulk_now();
    if (!force && now - p->last_draw < 0.1) return;
    p->last_draw = now;
    double elapsed = now - p->start;
    char n[32];
    fflush(stdout);
    fprintf(stderr, "\r\033[K%s items %s, %.0f/s, %.1f s", bulk_count(items, n), p->what,
            elapsed > 0 ? (double)items / elapsed : 0.0, elapsed);
    if (fraction > 0.01 && fraction < 1)
        fprintf(stderr, ", ETA %.0f s", elapsed / fraction - elapsed);
    fflush(stderr);
    p->drawn = true;
}

void bulk_progress_clear(struct bulk_progress *p)
{
    if (!p->drawn) return;
    fputs("\r\033[K", stderr);
    fflush(stderr);
    p->drawn = false;
}

json_t *bulk_words(const char *args)
{
    json_t *words = json_array();
    struct pq_buf w = PQ_BUF_INIT;
    pq_buf_init(&w);
    const char *p = args;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p) break;
        pq_buf_reset(&w);
        pq_buf_adds(&w, "");
        while (*p && *p != ' ' && *p != '\t') {
            if (*p == '\'' || *p == '"') {
                char q = *p++;
                for (;;) {
                    if (!*p) {
                        pq_buf_release(&w);
                        json_decref(words);
                        return NULL;
                    }
                    if (*p == q && p[1] == q) {
                        pq_buf_addc(&w, q);
                        p += 2;
                    } else if (*p == q) {
                        p++;
                        break;
                    } else {
                        pq_buf_addc(&w, *p++);
                    }
                }
            } else {
                pq_buf_addc(&w, *p++);
            }
        }
        json_array_append_new(words, json_stringn(w.data, w.len));
    }
    pq_buf_release(&w);
    return words;
}

static const struct bulk_opt *find_opt(const struct bulk_opt *opts, const char *name)
{
    for (; opts->name; opts++)
        if (strcmp(opts->name, name) == 0) return opts;
    return NULL;
}

bool bulk_args(json_t *words, const struct bulk_opt *opts, const char **pos, size_t npos,
               const struct where *w, void (*usage)(const struct where *w))
{
    size_t i, n = 0;
    json_t *word;
    if (!words) {
        shell_errorf(w, "a quote is not closed");
        return false;
    }
    json_array_foreach(words, i, word)
    {
        const char *s = json_string_value(word);
        const char *next = json_string_value(json_array_get(words, i + 1));
        const struct bulk_opt *o = find_opt(opts, s);
        if (o && o->flag) {
            *o->flag = true;
        } else if (o && next && o->value) {
            *o->value = next, i++;
        } else if (o && next && o->number) {
            *o->number = atoi(next), i++;
            if (*o->number < o->min || *o->number > o->max) {
                shell_errorf(w, "%s wants a number from %d to %d, not '%s'", o->name, o->min,
                             o->max, next);
                return false;
            }
        } else if (s[0] == '-' && s[1] == '-') {
            usage(w);
            return false;
        } else if (n < npos) {
            pos[n++] = s;
        } else {
            usage(w);
            return false;
        }
    }
    if (n != npos) {
        usage(w);
        return false;
    }
    return true;
}

enum rec_format bulk_format(const char *named, const char *path, const struct where *w)
{
    enum rec_format f = named ? rec_format_named(named) : rec_format_guess(path);
    if (f != REC_NONE) return f;
    if (named)
        shell_errorf(w, "unknown format '%s' (csv, tsv, json, ddbjson or s3)", named);
    else
        shell_errorf(
            w, "cannot tell the format from the name %s: use --format csv|tsv|json|ddbjson|s3",
            path);
    return REC_NONE;
}
