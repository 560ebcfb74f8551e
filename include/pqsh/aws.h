/* aws.h — the DynamoDB-over-HTTP backend: SigV4, AWS CLI configuration, credentials, retries.
 *
 * pq_aws_backend_open() resolves the target the way the AWS CLI does
 * (options > environment > profile in the config files), finds credentials
 * through the CLI's provider chain, and returns a struct pq_backend whose
 * call() POSTs signed AWS JSON 1.0 requests with libcurl (one kept-alive
 * connection) and retries in AWS "standard" mode.
 *
 * The core never prints: request/response traces and retry notes go to the
 * `debug` hook, one line per call, with the signature, secret key and session
 * token already redacted.
 *
 * Ownership: the options and everything they point to are borrowed during
 * pq_aws_backend_open only (copied as needed). The backend is freed with
 * pq_backend_close() (backend.h).
 */
#ifndef PQSH_AWS_H
#define PQSH_AWS_H

#include <stdbool.h>
#include "pqsh/backend.h"
#include "pqsh/error.h"

typedef void (*pq_aws_debug_fn)(void *ctx, const char *line);

struct pq_aws_options {
    const char *region;  /* --region; NULL → AWS_REGION > AWS_DEFAULT_REGION > profile */
    const char *profile; /* --profile; NULL → AWS_PROFILE > AWS_DEFAULT_PROFILE > "default" */
    const char *endpoint_url; /* --endpoint-url; NULL → env / profile / the region's endpoint */
    const char *ca_bundle;    /* --ca-bundle; NULL → AWS_CA_BUNDLE > profile ca_bundle > system */
    bool no_verify_ssl;       /* --no-verify-ssl (the shell prints the warning) */
    long connect_timeout_ms;  /* --connect-timeout; 0 → 60 s */
    long read_timeout_ms;     /* --read-timeout; 0 → 60 s; negative → wait forever */
    int max_attempts;         /* 0 → AWS_MAX_ATTEMPTS > profile max_attempts > 3 */
    long retry_base_ms;       /* first backoff ceiling; 0 → 1000 ms (tests use less) */
    pq_aws_debug_fn debug;    /* NULL → no trace */
    void *debug_ctx;
};

/* Zeroes the options (every field then means "the default"). */
void pq_aws_options_init(struct pq_aws_options *opt);

/* Opens the HTTP backend. Fails with PQ_ERR_USAGE when no region can be
 * found, with PQ_ERR_IO when no credentials can be found (the message lists
 * the sources tried) or a config file / credential_process fails. The
 * backend's label is the region, or the endpoint URL when one was chosen. */
pq_status pq_aws_backend_open(const struct pq_aws_options *opt, struct pq_backend **out,
                              struct pq_error *err) PQ_MUST_USE;

/* Writes the retry counters of the last call on `b` (an AWS backend):
 * attempts made and the backoff slept before each retry, in milliseconds.
 * For tests and --debug summaries; false when `b` is not an AWS backend. */
bool pq_aws_last_call_stats(const struct pq_backend *b, int *attempts, long *delays_ms,
                            int max_delays);

#endif
