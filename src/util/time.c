/* time.c — deadlines for timed waits (see pqsh/time.h). */
#include "pqsh/time.h"

struct timespec pq_time_after_ns(long long ns)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    long long nsec = (long long)t.tv_nsec + ns % 1000000000LL;
    t.tv_sec += (time_t)(ns / 1000000000LL + nsec / 1000000000LL);
    t.tv_nsec = (long)(nsec % 1000000000LL);
    return t;
}
