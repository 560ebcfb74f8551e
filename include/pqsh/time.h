/* time.h — deadlines for timed waits.
 *
 * pthread_cond_timedwait takes an absolute CLOCK_REALTIME time; every timed
 * wait in pqsh (the TTL sweepers, the server's watchdog and shutdown, the
 * shell's job poll) builds it here. Plain values: nothing to own or free.
 */
#ifndef PQSH_TIME_H
#define PQSH_TIME_H

#include <time.h>

/* CLOCK_REALTIME now plus `ns` nanoseconds (≥ 0), normalised. */
struct timespec pq_time_after_ns(long long ns);

/* The same in milliseconds. */
static inline struct timespec pq_time_after_ms(unsigned ms)
{
    return pq_time_after_ns((long long)ms * 1000000LL);
}

#endif
