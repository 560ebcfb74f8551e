/* retry.c — AWS standard retry mode (see retry.h for the rules and their sources). */
#include "aws/retry.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Throttling codes of the standard mode (SDK reference guide; botocore
 * retries/standard.py ThrottlingErrorDetector and _retry.json). */
static const char *const throttling_codes[] = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
};

static const char *const transient_codes[] = {
    "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete",
    "InternalServerError", /* DynamoDB's 500; also caught by the status below */
};

#define CUBIC_SCALE 0.4
#define CUBIC_BETA 0.7
#define MIN_FILL_RATE 0.5
#define RATE_SMOOTHING 0.8
#define RATE_BUCKET_S 0.5

static double xorshift_random(struct pq_retry *r)
{
    r->rng ^= r->rng << 13;
    r->rng ^= r->rng >> 7;
    r->rng ^= r->rng << 17;
    return (double)(r->rng >> 11) / 9007199254740992.0; /* 2^53 */
}

void pq_retry_init(struct pq_retry *r, int max_attempts, const char *profile_max_attempts,
                   const char *profile_retry_mode, long base_ms, double now)
{
    memset(r, 0, sizeof *r);
    const char *env = getenv("AWS_MAX_ATTEMPTS");
    const char *mode = getenv("AWS_RETRY_MODE");
    if (!mode || !*mode) mode = profile_retry_mode;
    bool legacy = mode && strcmp(mode, "legacy") == 0;
    int n = max_attempts;
    if (n <= 0 && env && *env) n = atoi(env);
    if (n <= 0 && profile_max_attempts && *profile_max_attempts) n = atoi(profile_max_attempts);
    if (n <= 0) n = legacy ? 10 : 3;
    r->max_attempts = n;
    r->base_ms = base_ms > 0 ? base_ms : legacy ? 50 : 1000;
    r->quota = PQ_RETRY_QUOTA;
    r->rng =
        (uint64_t)time(NULL) * 6364136223846793005ull ^ (uint64_t)getpid() ^ 0x9e3779b97f4a7c15ull;
    if (!r->rng) r->rng = 1;
    r->random = xorshift_random;
    r->adaptive = mode && strcmp(mode, "adaptive") == 0;
    struct pq_rate_limiter *l = &r->rl;
    l->fill_rate = 1; /* botocore: TokenBucket(max_rate=1), capacity 0 */
    l->max_capacity = 1;
    l->last_bucket = floor(now);
    l->w_max = 0.5; /* CubicCalculator(starting_max_rate=0.5) */
    l->k = cbrt(l->w_max * (1 - CUBIC_BETA) / CUBIC_SCALE);
    l->last_fail = now;
}

pq_retry_class pq_retry_classify(const char *type, long http_status)
{
    if (type) {
        for (size_t i = 0; i < sizeof throttling_codes / sizeof *throttling_codes; i++)
            if (strcmp(type, throttling_codes[i]) == 0) return PQ_RETRY_THROTTLE;
        for (size_t i = 0; i < sizeof transient_codes / sizeof *transient_codes; i++)
            if (strcmp(type, transient_codes[i]) == 0) return PQ_RETRY_TRANSIENT;
    }
    if (http_status == 429) return PQ_RETRY_THROTTLE;
    if (http_status == 500 || http_status == 502 || http_status == 503 || http_status == 504)
        return PQ_RETRY_TRANSIENT;
    return PQ_RETRY_NO;
}

bool pq_retry_next(struct pq_retry *r, int attempt, pq_retry_class cls, bool timed_out,
                   long *delay_ms, int *cost)
{
    *delay_ms = 0;
    if (cls == PQ_RETRY_NO || attempt >= r->max_attempts) return false;
    int need = timed_out ? PQ_RETRY_TIMEOUT_COST : PQ_RETRY_COST;
    if (r->quota < need) return false;
    r->quota -= need;
    *cost += need;
    /* Full jitter: uniform in [0, min(max, base × 2^(attempt-1))). */
    double ceiling = (double)r->base_ms;
    for (int i = 1; i < attempt && ceiling < PQ_RETRY_MAX_BACKOFF_MS; i++)
        ceiling *= 2;
    if (ceiling > PQ_RETRY_MAX_BACKOFF_MS) ceiling = PQ_RETRY_MAX_BACKOFF_MS;
    r->last_ceiling_ms = (long)ceiling;
    *delay_ms = (long)(r->random(r) * ceiling);
    return true;
}

void pq_retry_success(struct pq_retry *r, int cost)
{
    r->quota += cost > 0 ? cost : 1;
    if (r->quota > PQ_RETRY_QUOTA) r->quota = PQ_RETRY_QUOTA;
}

static void bucket_refill(struct pq_rate_limiter *l, double now)
{
    if (!l->refilled_once) {
        l->refilled_once = true;
        l->last_refill = now;
        return;
    }
    double c = l->capacity + (now - l->last_refill) * l->fill_rate;
    l->capacity = c < l->max_capacity ? c : l->max_capacity;
    l->last_refill = now;
}

static void bucket_set_rate(struct pq_rate_limiter *l, double rate, double now)
{
    bucket_refill(l, now);
    l->fill_rate = rate > MIN_FILL_RATE ? rate : MIN_FILL_RATE;
    l->max_capacity = rate >= 1 ? rate : 1;
    if (l->capacity > l->max_capacity) l->capacity = l->max_capacity;
}

double pq_retry_before_send(struct pq_retry *r, double now)
{
    struct pq_rate_limiter *l = &r->rl;
    if (!r->adaptive || !l->enabled) return 0;
    bucket_refill(l, now);
    if (l->capacity >= 1) {
        l->capacity -= 1;
        return 0;
    }
    /* Wait until one token has accrued; it is spent on this request. */
    double wait = (1 - l->capacity) / l->fill_rate;
    l->capacity = 0;
    l->last_refill = now + wait;
    return wait;
}

/* Send rate smoothed over half-second buckets (botocore's RateClocker). */
static double measure(struct pq_rate_limiter *l, double now)
{
    double bucket = floor(now / RATE_BUCKET_S) * RATE_BUCKET_S;
    l->count++;
    if (bucket > l->last_bucket) {
        double rate = l->count / (bucket - l->last_bucket);
        l->measured_rate = rate * RATE_SMOOTHING + l->measured_rate * (1 - RATE_SMOOTHING);
        l->count = 0;
        l->last_bucket = bucket;
    }
    return l->measured_rate;
}

void pq_retry_after_response(struct pq_retry *r, bool throttled, double now)
{
    struct pq_rate_limiter *l = &r->rl;
    if (!r->adaptive) return;
    double measured = measure(l, now), rate;
    if (!throttled) {
        rate = CUBIC_SCALE * pow(now - l->last_fail - l->k, 3) + l->w_max;
    } else {
        double current = l->enabled && l->fill_rate < measured ? l->fill_rate : measured;
        l->w_max = current;
        l->k = cbrt(l->w_max * (1 - CUBIC_BETA) / CUBIC_SCALE);
        l->last_fail = now;
        rate = current * CUBIC_BETA;
        l->enabled = true;
    }
    bucket_set_rate(l, rate < 2 * measured ? rate : 2 * measured, now);
}
