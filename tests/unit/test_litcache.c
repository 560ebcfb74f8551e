/* test_litcache.c — pq_lit_scalar: literal AttributeValues shared per thread (ast.h, litcache.c).
 */
#include "check.h"
#include "pqsh/ast.h"
#include "pqsh/thread.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Whether `v` is exactly {type: text}. */
static bool is_av(const json_t *v, const char *type, const char *text)
{
    const json_t *p = json_object_get(v, type);
    return json_is_object(v) && json_object_size(v) == 1 && json_is_string(p) &&
           json_string_length(p) == strlen(text) && strcmp(json_string_value(p), text) == 0;
}

static void test_shared(void)
{
    json_t *a = pq_lit_scalar("S", "customer_name", 13);
    json_t *b = pq_lit_scalar("S", "customer_name", 13);
    CHECK(is_av(a, "S", "customer_name"));
    CHECK(a == b); /* the same value, two references */
    json_decref(a);
    json_decref(b);
    /* The table still holds it: a third call gets it back intact. */
    json_t *c = pq_lit_scalar("S", "customer_name", 13);
    CHECK(is_av(c, "S", "customer_name"));
    json_decref(c);
    /* Only the first len bytes count. */
    json_t *d = pq_lit_scalar("S", "customer", 8);
    CHECK(is_av(d, "S", "customer"));
    json_decref(d);
}

static void test_types_apart(void)
{
    json_t *s = pq_lit_scalar("S", "12", 2);
    json_t *n = pq_lit_scalar("N", "12", 2);
    CHECK(s != n);
    CHECK(is_av(s, "S", "12"));
    CHECK(is_av(n, "N", "12"));
    json_t *s2 = pq_lit_scalar("S", "12", 2);
    CHECK(s2 == s);
    json_decref(s);
    json_decref(s2);
    json_decref(n);
    /* Other types and long texts are made fresh each time. */
    json_t *b1 = pq_lit_scalar("B", "AAE=", 4), *b2 = pq_lit_scalar("B", "AAE=", 4);
    CHECK(is_av(b1, "B", "AAE=") && is_av(b2, "B", "AAE="));
    CHECK(b1 != b2);
    json_decref(b1);
    json_decref(b2);
    char longer[200];
    memset(longer, 'x', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    json_t *l1 = pq_lit_scalar("S", longer, strlen(longer));
    json_t *l2 = pq_lit_scalar("S", longer, strlen(longer));
    CHECK(is_av(l1, "S", longer) && is_av(l2, "S", longer));
    CHECK(l1 != l2);
    json_decref(l1);
    json_decref(l2);
    json_t *e = pq_lit_scalar("S", "", 0);
    CHECK(is_av(e, "S", ""));
    json_decref(e);
}

/* Many texts (more than the table's slots, so slots are reused): each value
 * says what was asked, including ones held while their slot moved on. */
static void test_many(void)
{
    enum { N = 3000 };
    json_t **v = calloc(N, sizeof *v);
    size_t ok = 0;
    char text[32];
    for (size_t i = 0; i < N; i++) {
        snprintf(text, sizeof text, "token%08zu", i % 700);
        v[i] = pq_lit_scalar(i % 3 ? "S" : "N", text, strlen(text));
    }
    for (size_t i = 0; i < N; i++) {
        snprintf(text, sizeof text, "token%08zu", i % 700);
        ok += is_av(v[i], i % 3 ? "S" : "N", text);
        json_decref(v[i]);
    }
    CHECK_EQ(ok, N);
    free(v);
}

/* A slot's value that nobody else holds is given the next text landing in
 * its slot (same type) instead of being freed; one still held is never
 * changed: it is replaced in the table. */
static void test_reuse(void)
{
    char text[32];
    json_t *first = pq_lit_scalar("S", "reused00000000", 14);
    json_t *held = pq_lit_scalar("N", "12345678", 8);
    json_decref(first); /* the table's reference is the only one left */
    bool reused = false;
    size_t ok = 0;
    for (size_t i = 1; i <= 2000; i++) {
        snprintf(text, sizeof text, "reused%08zu", i);
        json_t *v = pq_lit_scalar("S", text, strlen(text));
        ok += is_av(v, "S", text);
        reused |= v == first;
        json_t *n = pq_lit_scalar("N", text + 6, 8); /* churns the N table past `held` */
        ok += is_av(n, "N", text + 6);
        json_decref(v);
        json_decref(n);
    }
    CHECK_EQ(ok, 4000);
    CHECK(is_av(held, "N", "12345678"));
    json_decref(held);
    /* Under AddressSanitizer nothing is reused (PQ_THREAD_REUSE). */
    if (PQ_THREAD_REUSE) CHECK(reused);
}

/* A value that shares only the inner string of a slot's {"S": …} (as
 * pq_literal_eval's new objects and sets do) keeps its text while the
 * table churns past the slot, though the outer object is the table's
 * alone again. */
static void test_payload_held(void)
{
    json_t *v = pq_lit_scalar("S", "hello", 5);
    json_t *inner = json_incref(json_object_get(v, "S"));
    json_decref(v);
    char text[32];
    for (size_t i = 1; i <= 2000; i++) {
        snprintf(text, sizeof text, "k%zu", i);
        json_decref(pq_lit_scalar("S", text, strlen(text)));
    }
    CHECK_STR(json_string_value(inner), "hello");
    json_decref(inner);
}

/* A value made on one thread and released on another; the other thread's
 * table is released when it exits (a leak shows under valgrind / LSan). */
static void *on_thread(void *arg)
{
    json_t *mine = pq_lit_scalar("S", "Alice", 5);
    bool ok = is_av(mine, "S", "Alice") && mine != arg;
    json_decref(arg);
    json_decref(mine);
    return ok ? mine : NULL;
}

/* Holds a value made on the main thread while the main thread churns its
 * table: the value the main thread dropped must not be reused under it. */
struct holder {
    json_t *v; /* the other thread's reference */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stage; /* 1: main has dropped its reference and churned */
};

static void *hold_on_thread(void *arg)
{
    struct holder *h = arg;
    pthread_mutex_lock(&h->mu);
    while (h->stage < 1)
        pthread_cond_wait(&h->cv, &h->mu);
    pthread_mutex_unlock(&h->mu);
    bool ok = is_av(h->v, "S", "held00000000");
    json_decref(h->v);
    return ok ? h : NULL;
}

static void test_threads(void)
{
    json_t *v = pq_lit_scalar("S", "Alice", 5);
    pthread_t t;
    void *ret = NULL;
    CHECK(pthread_create(&t, NULL, on_thread, json_incref(v)) == 0);
    CHECK(pthread_join(t, &ret) == 0);
    CHECK(ret != NULL);
    CHECK(is_av(v, "S", "Alice"));
    json_decref(v);

    struct holder h = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
    json_t *mine = pq_lit_scalar("S", "held00000000", 12);
    h.v = json_incref(mine);
    CHECK(pthread_create(&t, NULL, hold_on_thread, &h) == 0);
    json_decref(mine);
    char text[32];
    for (size_t i = 1; i <= 2000; i++) {
        snprintf(text, sizeof text, "held%08zu", i);
        json_decref(pq_lit_scalar("S", text, strlen(text)));
    }
    pthread_mutex_lock(&h.mu);
    h.stage = 1;
    pthread_cond_signal(&h.cv);
    pthread_mutex_unlock(&h.mu);
    CHECK(pthread_join(t, &ret) == 0);
    CHECK(ret == &h);
}

int main(void)
{
    test_shared();
    test_types_apart();
    test_many();
    test_reuse();
    test_payload_held();
    test_threads();
    DONE();
}
