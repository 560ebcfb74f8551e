/* test_http_util.h — one DynamoDB call over HTTP with libcurl, for the server's unit tests. */
#ifndef PQSH_TEST_HTTP_UTIL_H
#define PQSH_TEST_HTTP_UTIL_H

#include <curl/curl.h>
#include <stdio.h>

#include "pqsh/buf.h"

/* libcurl's write callback: appends the body to the pq_buf `ud`. */
static inline size_t http_collect(char *p, size_t size, size_t n, void *ud)
{
    pq_buf_add(ud, p, size * n);
    return size * n;
}

/* POSTs body[0..len) as DynamoDB operation `op` to `url` on the handle `h`,
 * signed for key id k in region r (pqsh serve checks the shape only, not
 * the signature, without --auth). The answer's body goes in `out`, its
 * x-amz-crc32 header in crc[0..crclen) when `crc` is not NULL. Returns the
 * HTTP status, 0 when there was no answer. */
static inline long ddb_post(CURL *h, const char *url, const char *op, const char *body, size_t len,
                            struct pq_buf *out, char *crc, size_t crclen)
{
    char target[128];
    snprintf(target, sizeof target, "X-Amz-Target: DynamoDB_20120810.%s", op);
    struct curl_slist *hl = NULL;
    hl = curl_slist_append(hl, "Content-Type: application/x-amz-json-1.0");
    hl = curl_slist_append(hl, target);
    hl = curl_slist_append(hl, "X-Amz-Date: 20240101T000000Z");
    hl = curl_slist_append(hl, "Authorization: AWS4-HMAC-SHA256 Credential=k/20240101/r/dynamodb/"
                               "aws4_request, SignedHeaders=host, Signature=00");
    hl = curl_slist_append(hl, "Expect:");
    pq_buf_reset(out);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)len);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, http_collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
    struct curl_header *ch = NULL;
    long status = 0;
    if (curl_easy_perform(h) == CURLE_OK) {
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        if (crc && curl_easy_header(h, "x-amz-crc32", 0, CURLH_HEADER, -1, &ch) == CURLHE_OK)
            snprintf(crc, crclen, "%s", ch->value);
    }
    curl_slist_free_all(hl);
    return status;
}

#endif
