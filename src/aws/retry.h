/* retry.h — AWS "standard" retry mode: classification, full-jitter backoff, retry quota.
 *
 * As the AWS SDKs define it (SDK reference guide "Retry behavior", botocore
 * retries/standard.py): at most `max_attempts` attempts (AWS_MAX_ATTEMPTS,
 * default 3); throttling errors and transient errors (HTTP 500/502/503/504,
 * network failures, RequestTimeout) are retried after a random delay in
 * [0, min(20 s, base × 2^(attempt-1))); every retry takes 5 tokens (10 after
 * a timeout) from a quota of 500 shared by the whole session, a success
 * gives back what its retries took (or 1 token when there was no retry).
 * AWS_RETRY_MODE=adaptive adds the SDKs' client-side rate limiter.
 *
 * Plain value type: no ownership.
 */
#ifndef PQSH_AWS_RETRY_H
#define PQSH_AWS_RETRY_H

#include <stdbool.h>
#include <stdint.h>

#define PQ_RETRY_MAX_BACKOFF_MS 20000L
#define PQ_RETRY_QUOTA 500
#define PQ_RETRY_COST 5
#define PQ_RETRY_TIMEOUT_COST 10

typedef enum pq_retry_class {
    PQ_RETRY_NO = 0,    /* not retryable */
    PQ_RETRY_THROTTLE,  /* throttling error code */
    PQ_RETRY_TRANSIENT, /* 5xx, RequestTimeout, network failure, bad checksum */
} pq_retry_class;

/* Adaptive mode's client-side rate limiter (botocore retries/adaptive.py,
 * bucket.py, throttling.py): a token bucket that is off until the first
 * throttling error, a measured send rate (smoothed over half-second
 * buckets), and CUBIC to move the allowed rate: ×0.7 on throttling, then a
 * cubic climb back; never more than twice the measured rate. Times are
 * seconds on a monotonic clock. */
struct pq_rate_limiter {
    bool enabled;
    /* token bucket */
    double fill_rate, max_capacity, capacity, last_refill;
    bool refilled_once;
    /* measured send rate */
    double measured_rate, last_bucket;
    int count;
    /* CUBIC */
    double w_max, k, last_fail;
};

struct pq_retry {
    int max_attempts;
    long base_ms;                         /* 1000 in the SDKs */
    int quota;                            /* tokens left */
    uint64_t rng;                         /* xorshift state for the jitter */
    double (*random)(struct pq_retry *r); /* [0, 1); tests may replace it */
    long last_ceiling_ms;                 /* backoff ceiling of the last pq_retry_next */
    bool adaptive;                        /* AWS_RETRY_MODE=adaptive */
    struct pq_rate_limiter rl;
};

/* Attempts: `max_attempts` when > 0, else AWS_MAX_ATTEMPTS, else the
 * profile's max_attempts, else the mode's default. Mode: AWS_RETRY_MODE,
 * else the profile's retry_mode. "legacy" keeps botocore's DynamoDB legacy
 * numbers (10 attempts, 50 ms base) with standard-mode jitter and quota;
 * "adaptive" is standard plus the client rate limiter above. Profile values
 * may be NULL. `base_ms` > 0 overrides the base. `now` starts the limiter's
 * clock. */
void pq_retry_init(struct pq_retry *r, int max_attempts, const char *profile_max_attempts,
                   const char *profile_retry_mode, long base_ms, double now);

/* Adaptive mode, before each attempt: takes a token from the bucket and
 * returns how long to wait first (seconds; 0 when the limiter is off). */
double pq_retry_before_send(struct pq_retry *r, double now);
/* Adaptive mode, after each attempt's answer (or failure): adjusts the rate. */
void pq_retry_after_response(struct pq_retry *r, bool throttled, double now);

/* Classifies a service error by its name (without namespace) and HTTP status. */
pq_retry_class pq_retry_classify(const char *type, long http_status);

/* Decides about attempt number `attempt` (1-based) that just failed with
 * `cls`. Returns true and the delay to sleep when another attempt may be
 * made (taking tokens from the quota); false when attempts or quota are
 * exhausted or the class is not retryable. `*cost` receives the tokens
 * taken so that a later success can give them back. */
bool pq_retry_next(struct pq_retry *r, int attempt, pq_retry_class cls, bool timed_out,
                   long *delay_ms, int *cost);

/* Records a successful call: returns `cost` tokens (or 1 when 0) to the quota. */
void pq_retry_success(struct pq_retry *r, int cost);

#endif
