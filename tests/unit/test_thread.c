/* test_thread.c — pq_thread_at_exit (thread.h): hooks run when their thread
 * ends, last registered first, and only there. */
#include "check.h"
#include "pqsh/thread.h"

#include <pthread.h>
#include <string.h>

struct trace {
    char order[8];
    size_t n;
};

static void hook_a(void *p)
{
    struct trace *t = p;
    t->order[t->n++] = 'a';
}

static void hook_b(void *p)
{
    struct trace *t = p;
    t->order[t->n++] = 'b';
}

/* Registers a then b, and then as many more as it takes to be refused. */
static void *worker(void *p)
{
    struct trace *t = p;
    size_t accepted = 0;
    if (pq_thread_at_exit(hook_a, t)) accepted++;
    if (pq_thread_at_exit(hook_b, t)) accepted++;
    /* Nothing has run while the thread lives. */
    if (t->n != 0) return NULL;
    while (accepted < 100 && pq_thread_at_exit(hook_b, t))
        accepted++;
    return (void *)accepted;
}

static void test_runs_at_thread_exit(void)
{
    struct trace t = {{0}, 0};
    pthread_t th;
    void *accepted = NULL;
    CHECK(pthread_create(&th, NULL, worker, &t) == 0);
    CHECK(pthread_join(th, &accepted) == 0);
    /* A bounded number taken (the rest refused, never overwritten), each
     * run once, the last registered first: the b's, then a. */
    size_t n = (size_t)accepted;
    CHECK(n >= 2 && n < 8);
    CHECK_EQ(t.n, n);
    for (size_t i = 0; i + 1 < n; i++)
        CHECK(t.order[i] == 'b');
    CHECK(t.order[n - 1] == 'a');
}

static void test_threads_apart(void)
{
    /* Each thread has its own hooks: two threads, each runs only its own. */
    struct trace t1 = {{0}, 0}, t2 = {{0}, 0};
    pthread_t a, b;
    void *r1, *r2;
    CHECK(pthread_create(&a, NULL, worker, &t1) == 0);
    CHECK(pthread_create(&b, NULL, worker, &t2) == 0);
    CHECK(pthread_join(a, &r1) == 0);
    CHECK(pthread_join(b, &r2) == 0);
    CHECK_EQ(t1.n, (size_t)r1);
    CHECK_EQ(t2.n, (size_t)r2);
}

int main(void)
{
    test_runs_at_thread_exit();
    test_threads_apart();
    DONE();
}
