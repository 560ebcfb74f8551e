/* test_litcache.c — pq_lit_scalar: literal AttributeValues shared per thread (ast.h, litcache.c).
 */
#include "check.h"
#include "pqsh/ast.h"

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
}

int main(void)
{
    test_shared();
    test_types_apart();
    test_many();
    test_threads();
    DONE();
}
