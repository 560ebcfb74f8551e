/* test_time.c — pq_time_after_ns / _ms: an absolute CLOCK_REALTIME deadline,
 * normalised (tv_nsec in [0, 1e9)), never before now, as far ahead as asked. */
#include "check.h"
#include "pqsh/time.h"

static long long ns_of(struct timespec t)
{
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void check_after(long long ns)
{
    struct timespec before, after;
    clock_gettime(CLOCK_REALTIME, &before);
    struct timespec t = pq_time_after_ns(ns);
    clock_gettime(CLOCK_REALTIME, &after);
    CHECK(t.tv_nsec >= 0 && t.tv_nsec < 1000000000L);
    CHECK(ns_of(t) >= ns_of(before) + ns);
    CHECK(ns_of(t) <= ns_of(after) + ns);
}

int main(void)
{
    check_after(0);
    check_after(1);
    check_after(999999999LL);           /* carries into seconds for most "now"s */
    check_after(50000000LL);            /* the shell's job poll */
    check_after(2500LL * 1000000LL);    /* 2.5 s: seconds and a remainder */
    check_after(3600LL * 1000000000LL); /* an hour */
    struct timespec before;
    clock_gettime(CLOCK_REALTIME, &before);
    struct timespec ms = pq_time_after_ms(1500);
    CHECK(ms.tv_nsec >= 0 && ms.tv_nsec < 1000000000L);
    CHECK(ns_of(ms) >= ns_of(before) + 1500000000LL);
    CHECK(ns_of(ms) < ns_of(before) + 1500000000LL + 1000000000LL);
    DONE();
}
