/* thread.h — work left for the end of a thread.
 *
 * Per-thread caches (ast.c's free nodes, litcache.c's literals) hold memory
 * that must go when their thread ends: each registers its release here, and
 * one thread-exit destructor runs them all.
 */
#ifndef PQSH_THREAD_H
#define PQSH_THREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

/* Runs fn(data) when the calling thread exits through pthread_exit or by
 * returning from its start routine (not for the main thread: what it holds
 * goes with the process), the last registered first. False when nothing
 * was registered (a thread takes a few; or the system refused): the
 * caller then keeps nothing for later. */
bool pq_thread_at_exit(void (*fn)(void *), void *data);

/* 1 when such caches may keep freed memory for reuse; 0 under
 * AddressSanitizer, so that memory used after it was freed is still
 * caught (each cache then frees and allocates as if it had none). */
#if defined(__SANITIZE_ADDRESS__)
#define PQ_THREAD_REUSE 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PQ_THREAD_REUSE 0
#endif
#endif
#ifndef PQ_THREAD_REUSE
#define PQ_THREAD_REUSE 1
#endif

/* The references held to `v`, read with an acquire load. jansson changes a
 * count atomically (releasing) but reads it plainly; reading 1 here means
 * every other holder, on any thread, has dropped `v` and its last use of it
 * happened before whatever the caller does next: the test for reusing or
 * changing a value in place instead of making a new one. */
static inline size_t pq_thread_holders(const json_t *v)
{
    return __atomic_load_n(&v->refcount, __ATOMIC_ACQUIRE);
}

#endif
