/* sigv4.h — AWS Signature Version 4 (reference §6): canonical request, string to sign, key.
 *
 * The signer is a pure function of its inputs (no clock, no environment), so
 * it can be tested against AWS's published vectors and against botocore.
 * Every header passed in is signed; the caller adds `X-Amz-Date` and, for
 * temporary credentials, `X-Amz-Security-Token` to the list before signing
 * (the "post-sts-header-before" form AWS SDKs use for DynamoDB).
 *
 * Ownership: requests and credentials are borrowed. A pq_sigv4_result owns
 * its buffers: pq_sigv4_result_init() before, pq_sigv4_result_release() after.
 * A key cache holds a derived signing key (not the secret) and a SHA-256 of
 * the secret it was derived from; pq_sigv4_cache_clear() wipes it.
 */
#ifndef PQSH_AWS_SIGV4_H
#define PQSH_AWS_SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include "pqsh/buf.h"

#define PQ_SIGV4_EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

struct pq_sigv4_header {
    const char *name; /* any case; signed as lower case */
    const char *value;
};

struct pq_sigv4_request {
    const char *method; /* "POST" */
    const char *path;   /* already URI-encoded and normalised: "/" for DynamoDB */
    const char *query;  /* already canonical (sorted, encoded) query string: "" for DynamoDB */
    const struct pq_sigv4_header *headers;
    size_t nheaders;
    const void *body;
    size_t body_len;
};

struct pq_sigv4_creds {
    const char *access_key;
    const char *secret_key;
    const char *session_token; /* NULL when none; the caller puts it in the headers */
};

/* Signing key cache: one key per (secret, day, region, service). */
struct pq_sigv4_cache {
    bool valid;
    char date[9];
    char region[64];
    char service[64];
    unsigned char secret_sha[32];
    unsigned char key[32];
};

struct pq_sigv4_result {
    struct pq_buf canonical_request;
    struct pq_buf string_to_sign;
    struct pq_buf signed_headers;
    struct pq_buf authorization; /* the whole Authorization header value */
    char payload_hash[65];       /* hex SHA-256 of the body */
    char signature[65];          /* hex */
};

void pq_sigv4_result_init(struct pq_sigv4_result *r);
void pq_sigv4_result_release(struct pq_sigv4_result *r);
void pq_sigv4_cache_clear(struct pq_sigv4_cache *c);

/* Derives kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service),
 * "aws4_request"). `date` is YYYYMMDD. Writes the intermediate keys too when
 * the pointers are not NULL (each 32 bytes). */
void pq_sigv4_signing_key(const char *secret, const char *date, const char *region,
                          const char *service, unsigned char k_date[32], unsigned char k_region[32],
                          unsigned char k_service[32], unsigned char k_signing[32]);

/* Signs `req` at time `amz_date` (YYYYMMDDTHHMMSSZ) for `region`/`service`.
 * `cache` may be NULL. Fills `out` (previous contents are replaced). */
void pq_sigv4_sign(const struct pq_sigv4_request *req, const struct pq_sigv4_creds *creds,
                   const char *region, const char *service, const char *amz_date,
                   struct pq_sigv4_cache *cache, struct pq_sigv4_result *out);

/* Lower-case hex of `n` bytes into `hex` (2n+1 bytes with the NUL). */
void pq_sigv4_hex(const unsigned char *bytes, size_t n, char *hex);
/* Hex SHA-256 of `data` into `hex` (65 bytes). */
void pq_sigv4_sha256_hex(const void *data, size_t len, char hex[65]);

#endif
