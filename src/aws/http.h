/* http.h — one kept-alive libcurl handle: requests, timeouts, TLS settings, response headers.
 *
 * Proxies come from the environment (libcurl reads http_proxy / https_proxy /
 * no_proxy itself). TLS is verified unless `no_verify` is set; `ca_bundle`
 * replaces the system CA store. Content is never decoded (identity), so the
 * x-amz-crc32 header applies to the bytes received.
 *
 * Known limit: when a kept-alive connection dies before any answer, libcurl
 * itself sends the request once more on a new connection (there is no option
 * to stop it). A server that acted on the first copy and then reset the
 * connection would see a write twice; DynamoDB closes idle connections
 * rather than mid-request, and a second INSERT is refused as a duplicate.
 * To make a dead connection unlikely, none idle for more than 20 s is reused.
 *
 * Ownership: pq_http_new returns a handle to pq_http_free. A response owns
 * its body and strings: pq_http_response_init() before a request,
 * pq_http_response_release() after.
 */
#ifndef PQSH_AWS_HTTP_H
#define PQSH_AWS_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "pqsh/buf.h"
#include "pqsh/error.h"

struct pq_http;

struct pq_http_options {
    const char *ca_bundle;   /* NULL → system store */
    bool no_verify;          /* skip TLS peer and host verification */
    long connect_timeout_ms; /* 0 → 60 s */
    long read_timeout_ms;    /* silence on the socket this long aborts; 0 → 60 s; < 0 → never */
};

struct pq_http_response {
    long status; /* HTTP status; 0 when no response was read */
    struct pq_buf body;
    char *request_id; /* x-amzn-RequestId (or x-amz-request-id); NULL if absent */
    char *crc32;      /* x-amz-crc32 as received; NULL if absent */
};

/* What a network failure means for the request. */
typedef enum pq_http_sent {
    PQ_HTTP_NOT_SENT = 0, /* failed before the request left (DNS, connect, TLS) */
    PQ_HTTP_MAYBE_SENT,   /* the server may have received and acted on it */
} pq_http_sent;

pq_status pq_http_new(const struct pq_http_options *opt, struct pq_http **out,
                      struct pq_error *err) PQ_MUST_USE;
void pq_http_free(struct pq_http *h);

void pq_http_response_init(struct pq_http_response *r);
void pq_http_response_release(struct pq_http_response *r);

/* Sends one request. `headers` is a NULL-terminated list of "Name: value"
 * lines (borrowed). On PQ_OK any HTTP status may be in `resp`. On a network
 * failure returns PQ_ERR_IO, sets `*sent`, and `*timed_out` when the connect
 * or read timeout fired. `timeout_ms` > 0 overrides the read timeout and caps
 * the whole exchange (credential endpoints use 1 s). */
pq_status pq_http_request(struct pq_http *h, const char *method, const char *url,
                          const char *const *headers, const void *body, size_t body_len,
                          long timeout_ms, struct pq_http_response *resp, pq_http_sent *sent,
                          bool *timed_out, struct pq_error *err) PQ_MUST_USE;

/* With `on`, the POST bodies of the next requests can be sent only once:
 * libcurl may not silently send a request again on a fresh connection after
 * a reused one died (it would for a plain body). Such a failure is PQ_ERR_IO
 * with *sent = PQ_HTTP_MAYBE_SENT. For calls that are not idempotent. */
void pq_http_send_once(struct pq_http *h, bool on);

/* Splits an http(s) URL into the Host header value (host[:port], the port
 * only when the URL names one) and the path ("/" when empty). New strings;
 * false (nothing allocated) when the URL is not http:// or https://. */
bool pq_http_split_url(const char *url, char **host, char **path);

/* Ctrl-C: makes the transfer in progress (or the next one) stop at
 * libcurl's next progress callback; safe from any thread. The flag stays set
 * until pq_http_cancel_reset (at the start of the next backend call). */
void pq_http_cancel(struct pq_http *h);
bool pq_http_cancelled(struct pq_http *h);
void pq_http_cancel_reset(struct pq_http *h);

/* Number of TCP connections opened so far (keep-alive tests). */
long pq_http_connects(const struct pq_http *h);

/* CRC-32 (IEEE 802.3, as x-amz-crc32 uses) of `len` bytes. */
uint32_t pq_crc32(const void *data, size_t len);

#endif
