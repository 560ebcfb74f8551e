/* sigv4.c — AWS Signature Version 4 signing with OpenSSL (reference §6.1). */
#include "aws/sigv4.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

void pq_sigv4_result_init(struct pq_sigv4_result *r)
{
    pq_buf_init(&r->canonical_request);
    pq_buf_init(&r->string_to_sign);
    pq_buf_init(&r->signed_headers);
    pq_buf_init(&r->authorization);
    r->payload_hash[0] = '\0';
    r->signature[0] = '\0';
}

void pq_sigv4_result_release(struct pq_sigv4_result *r)
{
    pq_buf_release(&r->canonical_request);
    pq_buf_release(&r->string_to_sign);
    pq_buf_release(&r->signed_headers);
    pq_buf_release(&r->authorization);
    r->payload_hash[0] = '\0';
    r->signature[0] = '\0';
}

void pq_sigv4_cache_clear(struct pq_sigv4_cache *c)
{
    OPENSSL_cleanse(c, sizeof *c);
    c->valid = false;
}

void pq_sigv4_hex(const unsigned char *bytes, size_t n, char *hex)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        hex[2 * i] = digits[bytes[i] >> 4];
        hex[2 * i + 1] = digits[bytes[i] & 15];
    }
    hex[2 * n] = '\0';
}

void pq_sigv4_sha256_hex(const void *data, size_t len, char hex[65])
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(data, len, md);
    pq_sigv4_hex(md, sizeof md, hex);
}

static void hmac(const unsigned char *key, size_t keylen, const char *data, size_t len,
                 unsigned char out[32])
{
    unsigned int outlen = 32;
    HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)data, len, out, &outlen);
}

void pq_sigv4_signing_key(const char *secret, const char *date, const char *region,
                          const char *service, unsigned char k_date[32], unsigned char k_region[32],
                          unsigned char k_service[32], unsigned char k_signing[32])
{
    unsigned char kd[32], kr[32], ks[32];
    struct pq_buf seed = PQ_BUF_INIT;
    pq_buf_init(&seed);
    pq_buf_adds(&seed, "AWS4");
    pq_buf_adds(&seed, secret);
    hmac((const unsigned char *)seed.data, seed.len, date, strlen(date), kd);
    OPENSSL_cleanse(seed.data, seed.len);
    pq_buf_release(&seed);
    hmac(kd, 32, region, strlen(region), kr);
    hmac(kr, 32, service, strlen(service), ks);
    hmac(ks, 32, "aws4_request", 12, k_signing);
    if (k_date) memcpy(k_date, kd, 32);
    if (k_region) memcpy(k_region, kr, 32);
    if (k_service) memcpy(k_service, ks, 32);
    OPENSSL_cleanse(kd, sizeof kd);
    OPENSSL_cleanse(kr, sizeof kr);
    OPENSSL_cleanse(ks, sizeof ks);
}

/* The signing key for this secret/day/region/service, from the cache when it matches. */
static void cached_key(struct pq_sigv4_cache *cache, const char *secret, const char *date,
                       const char *region, const char *service, unsigned char key[32])
{
    unsigned char sha[32];
    if (!cache || strlen(region) >= sizeof cache->region ||
        strlen(service) >= sizeof cache->service) {
        pq_sigv4_signing_key(secret, date, region, service, NULL, NULL, NULL, key);
        return;
    }
    SHA256((const unsigned char *)secret, strlen(secret), sha);
    if (!cache->valid || memcmp(cache->date, date, 8) != 0 || strcmp(cache->region, region) ||
        strcmp(cache->service, service) || memcmp(cache->secret_sha, sha, 32) != 0) {
        pq_sigv4_signing_key(secret, date, region, service, NULL, NULL, NULL, cache->key);
        memcpy(cache->date, date, 8);
        cache->date[8] = '\0';
        strcpy(cache->region, region);
        strcpy(cache->service, service);
        memcpy(cache->secret_sha, sha, 32);
        cache->valid = true;
    }
    memcpy(key, cache->key, 32);
}

struct hdr {
    char *name; /* lower case */
    const char *value;
    size_t pos; /* input position, keeps repeated headers in order */
};

static int hdr_cmp(const void *a, const void *b)
{
    const struct hdr *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c) return c;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Trimmed value with inner runs of whitespace collapsed to one space (botocore's
 * ' '.join(value.split())). */
static void add_canonical_value(struct pq_buf *out, const char *v)
{
    bool pending_space = false, any = false;
    for (const char *p = v; *p; p++) {
        if (isspace((unsigned char)*p)) {
            pending_space = any;
            continue;
        }
        if (pending_space) pq_buf_addc(out, ' ');
        pending_space = false;
        any = true;
        pq_buf_addc(out, *p);
    }
}

static void canonical_headers(const struct pq_sigv4_request *req, struct pq_buf *cr,
                              struct pq_buf *signed_headers)
{
    struct hdr *h = pq_xcalloc(req->nheaders, sizeof *h);
    for (size_t i = 0; i < req->nheaders; i++) {
        h[i].name = pq_xstrdup(req->headers[i].name);
        for (char *p = h[i].name; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        h[i].value = req->headers[i].value;
        h[i].pos = i;
    }
    qsort(h, req->nheaders, sizeof *h, hdr_cmp);
    pq_buf_reset(signed_headers);
    for (size_t i = 0; i < req->nheaders; i++) {
        bool repeat = i > 0 && strcmp(h[i].name, h[i - 1].name) == 0;
        if (repeat) {
            pq_buf_addc(cr, ',');
        } else {
            if (i > 0) pq_buf_addc(cr, '\n');
            pq_buf_adds(cr, h[i].name);
            pq_buf_addc(cr, ':');
            if (signed_headers->len) pq_buf_addc(signed_headers, ';');
            pq_buf_adds(signed_headers, h[i].name);
        }
        add_canonical_value(cr, h[i].value);
    }
    if (req->nheaders) pq_buf_addc(cr, '\n');
    for (size_t i = 0; i < req->nheaders; i++)
        free(h[i].name);
    free(h);
}

void pq_sigv4_sign(const struct pq_sigv4_request *req, const struct pq_sigv4_creds *creds,
                   const char *region, const char *service, const char *amz_date,
                   struct pq_sigv4_cache *cache, struct pq_sigv4_result *out)
{
    char date[9], cr_hash[65];
    unsigned char key[32], sig[32];

    memcpy(date, amz_date, 8);
    date[8] = '\0';
    pq_buf_reset(&out->canonical_request);
    pq_buf_reset(&out->string_to_sign);
    pq_buf_reset(&out->authorization);

    /* Canonical request (§6.1 step 2). */
    struct pq_buf *cr = &out->canonical_request;
    pq_buf_addf(cr, "%s\n%s\n%s\n", req->method, req->path, req->query ? req->query : "");
    canonical_headers(req, cr, &out->signed_headers);
    pq_buf_addc(cr, '\n');
    pq_buf_add(cr, out->signed_headers.data, out->signed_headers.len);
    pq_buf_addc(cr, '\n');
    pq_sigv4_sha256_hex(req->body ? req->body : "", req->body_len, out->payload_hash);
    pq_buf_adds(cr, out->payload_hash);

    /* String to sign (step 3). */
    pq_sigv4_sha256_hex(cr->data, cr->len, cr_hash);
    pq_buf_addf(&out->string_to_sign, "AWS4-HMAC-SHA256\n%s\n%s/%s/%s/aws4_request\n%s", amz_date,
                date, region, service, cr_hash);

    /* Key (step 4) and signature (step 5). */
    cached_key(cache, creds->secret_key, date, region, service, key);
    hmac(key, sizeof key, out->string_to_sign.data, out->string_to_sign.len, sig);
    OPENSSL_cleanse(key, sizeof key);
    pq_sigv4_hex(sig, sizeof sig, out->signature);

    pq_buf_addf(&out->authorization,
                "AWS4-HMAC-SHA256 Credential=%s/%s/%s/%s/aws4_request, SignedHeaders=%s, "
                "Signature=%s",
                creds->access_key, date, region, service, out->signed_headers.data, out->signature);
}
