/* thread.c — work left for the end of a thread (thread.h). */
#include "pqsh/thread.h"

#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>

enum { AT_EXIT_MAX = 4 };

struct at_exit {
    size_t n;
    struct {
        void (*fn)(void *);
        void *data;
    } hook[AT_EXIT_MAX];
};

static _Thread_local struct at_exit at_exit;
static pthread_key_t at_exit_key;
static pthread_once_t at_exit_once = PTHREAD_ONCE_INIT;

static void run_hooks(void *p)
{
    struct at_exit *a = p;
    while (a->n > 0) {
        a->n--;
        a->hook[a->n].fn(a->hook[a->n].data);
    }
}

static void key_init(void)
{
    if (pthread_key_create(&at_exit_key, run_hooks)) abort();
}

bool pq_thread_at_exit(void (*fn)(void *), void *data)
{
    struct at_exit *a = &at_exit;
    if (a->n == AT_EXIT_MAX) return false;
    pthread_once(&at_exit_once, key_init);
    /* The destructor runs only for a thread whose value is set: set it with
     * the first hook. */
    if (a->n == 0 && pthread_setspecific(at_exit_key, a)) return false;
    a->hook[a->n].fn = fn;
    a->hook[a->n].data = data;
    a->n++;
    return true;
}
