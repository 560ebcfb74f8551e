/* http.c — libcurl transport for the AWS backend and the credential endpoints. */
#include "aws/http.h"

#include <ctype.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <curl/curl.h>
#include <zlib.h>

struct pq_http {
    CURL *curl;
    long connect_timeout_ms;
    long read_timeout_ms;
    long connects;
    char errbuf[CURL_ERROR_SIZE];
    /* Read-timeout bookkeeping for the transfer in progress. */
    long idle_limit_ms;   /* 0: none */
    double last_activity; /* monotonic seconds of the last byte moved */
    curl_off_t last_dl, last_ul;
    bool read_timed_out;
    atomic_bool cancel; /* pq_http_cancel: set from another thread */
    /* pq_http_send_once: the next POST bodies are handed to libcurl through
     * a reader that cannot rewind, so libcurl cannot send one twice. */
    bool send_once;
    const char *body; /* the body being read out, and how far */
    size_t body_len, body_at;
};

void pq_http_send_once(struct pq_http *h, bool on)
{
    h->send_once = on;
}

static size_t read_body(char *buf, size_t size, size_t n, void *ctx)
{
    struct pq_http *h = ctx;
    size_t room = size * n, left = h->body_len - h->body_at;
    size_t k = left < room ? left : room;
    memcpy(buf, h->body + h->body_at, k);
    h->body_at += k;
    return k;
}

/* libcurl rewinds the body to send the request again by itself: when a
 * kept-alive connection it reused turns out dead after the request went out
 * (reference: libcurl's "Connection died, retrying a fresh connect"). For a
 * write that resend could apply it twice, or bring back our own first
 * attempt's echo ("duplicate", "condition failed") as the answer. Refusing
 * the rewind once anything was read makes the transfer fail instead
 * (CURLE_SEND_FAIL_REWIND), which the caller reports as an unknown outcome. */
static int seek_body(void *ctx, curl_off_t offset, int origin)
{
    struct pq_http *h = ctx;
    if (origin != SEEK_SET || offset != 0 || h->body_at != 0) return CURL_SEEKFUNC_FAIL;
    return CURL_SEEKFUNC_OK;
}

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A read timeout as the AWS CLI means it: no byte in either direction for
 * that long once connected. libcurl calls this at least once a second. */
static int on_progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    struct pq_http *h = ctx;
    if (atomic_load(&h->cancel)) return 1; /* CURLE_ABORTED_BY_CALLBACK */
    double now = mono_now();
    if (dlnow != h->last_dl || ulnow != h->last_ul) {
        h->last_dl = dlnow;
        h->last_ul = ulnow;
        h->last_activity = now;
        return 0;
    }
    if (h->idle_limit_ms > 0 && (now - h->last_activity) * 1000.0 >= (double)h->idle_limit_ms) {
        h->read_timed_out = true;
        return 1;
    }
    return 0;
}

void pq_http_cancel(struct pq_http *h)
{
    atomic_store(&h->cancel, true);
}

bool pq_http_cancelled(struct pq_http *h)
{
    return atomic_load(&h->cancel);
}

void pq_http_cancel_reset(struct pq_http *h)
{
    atomic_store(&h->cancel, false);
}

uint32_t pq_crc32(const void *data, size_t len)
{
    /* zlib's table is built once, thread-safely (the server calls this from
     * every worker); crc32() takes a uInt length, so feed it in pieces. */
    const unsigned char *p = data;
    uLong crc = crc32(0L, Z_NULL, 0);
    while (len) {
        uInt n = len > 0x40000000u ? 0x40000000u : (uInt)len;
        crc = crc32(crc, p, n);
        p += n;
        len -= n;
    }
    return (uint32_t)crc;
}

pq_status pq_http_new(const struct pq_http_options *opt, struct pq_http **out, struct pq_error *err)
{
    static bool global_done;
    if (!global_done) {
        /* Not thread-safe by design: the shell is single-threaded. */
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
            return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS, "cannot initialise libcurl");
        global_done = true;
    }
    struct pq_http *h = pq_xcalloc(1, sizeof *h);
    h->curl = curl_easy_init();
    if (!h->curl) {
        free(h);
        return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS, "cannot create a libcurl handle");
    }
    h->connect_timeout_ms = opt->connect_timeout_ms > 0 ? opt->connect_timeout_ms : 60000;
    h->read_timeout_ms = opt->read_timeout_ms ? opt->read_timeout_ms : 60000;
    CURL *c = h->curl;
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "pqsh/" PQSH_VERSION);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
    /* A connection idle this long is not reused: servers drop idle
     * keep-alive connections, and a request sent on one that died is the
     * case libcurl resends by itself (see http.h). Under typical idle
     * timeouts of 30-60 s, so a dead one is rarely picked. */
    curl_easy_setopt(c, CURLOPT_MAXAGE_CONN, 20L);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, h);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, opt->no_verify ? 0L : 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, opt->no_verify ? 0L : 2L);
    if (opt->ca_bundle && *opt->ca_bundle) curl_easy_setopt(c, CURLOPT_CAINFO, opt->ca_bundle);
    *out = h;
    return PQ_OK;
}

void pq_http_free(struct pq_http *h)
{
    if (!h) return;
    curl_easy_cleanup(h->curl);
    free(h);
}

void pq_http_response_init(struct pq_http_response *r)
{
    r->status = 0;
    pq_buf_init(&r->body);
    r->request_id = NULL;
    r->crc32 = NULL;
}

void pq_http_response_release(struct pq_http_response *r)
{
    pq_buf_release(&r->body);
    free(r->request_id);
    free(r->crc32);
    pq_http_response_init(r);
}

bool pq_http_split_url(const char *url, char **host_out, char **path_out)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL;
    bool ok = false;
    *host_out = *path_out = NULL;
    if (!u || !strstr(url, "://") || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
        (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0))
        goto out;
    struct pq_buf h = PQ_BUF_INIT;
    pq_buf_init(&h);
    pq_buf_adds(&h, host);
    if (curl_url_get(u, CURLUPART_PORT, &port, CURLU_NO_DEFAULT_PORT) == CURLUE_OK)
        pq_buf_addf(&h, ":%s", port);
    *host_out = pq_buf_detach(&h, NULL);
    curl_url_get(u, CURLUPART_PATH, &path, 0);
    *path_out = pq_xstrdup(path && *path ? path : "/");
    ok = true;
out:
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_free(path);
    curl_url_cleanup(u);
    return ok;
}

long pq_http_connects(const struct pq_http *h)
{
    return h->connects;
}

static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
    struct pq_http_response *r = ctx;
    pq_buf_add(&r->body, data, size * n);
    return size * n;
}

/* "Name: value\r\n" → value trimmed, when the name matches (any case). */
static char *header_value(const char *line, size_t len, const char *name)
{
    size_t nl = strlen(name);
    if (len <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':') return NULL;
    const char *v = line + nl + 1, *end = line + len;
    while (v < end && isspace((unsigned char)*v))
        v++;
    while (end > v && isspace((unsigned char)end[-1]))
        end--;
    return pq_xstrndup(v, (size_t)(end - v));
}

static size_t on_header(char *data, size_t size, size_t n, void *ctx)
{
    struct pq_http_response *r = ctx;
    size_t len = size * n;
    char *v;
    if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        /* A new response (after 100-continue): forget the previous headers. */
        free(r->request_id);
        free(r->crc32);
        r->request_id = NULL;
        r->crc32 = NULL;
    } else if ((v = header_value(data, len, "x-amzn-RequestId")) ||
               (v = header_value(data, len, "x-amz-request-id"))) {
        free(r->request_id);
        r->request_id = v;
    } else if ((v = header_value(data, len, "x-amz-crc32"))) {
        free(r->crc32);
        r->crc32 = v;
    }
    return len;
}

pq_status pq_http_request(struct pq_http *h, const char *method, const char *url,
                          const char *const *headers, const void *body, size_t body_len,
                          long timeout_ms, struct pq_http_response *resp, pq_http_sent *sent,
                          bool *timed_out, struct pq_error *err)
{
    CURL *c = h->curl;
    struct curl_slist *list = NULL;
    pq_status st = PQ_OK;

    pq_http_response_release(resp);
    *sent = PQ_HTTP_NOT_SENT;
    *timed_out = false;
    for (const char *const *p = headers; p && *p; p++)
        list = curl_slist_append(list, *p);
    /* libcurl would add these on its own; DynamoDB wants neither. */
    list = curl_slist_append(list, "Expect:");
    list = curl_slist_append(list, "Accept:");

    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, resp);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, resp);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, h->connect_timeout_ms);
    if (strcmp(method, "GET") == 0) {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        if (h->send_once) {
            h->body = body ? body : "";
            h->body_len = body ? body_len : 0;
            h->body_at = 0;
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
            curl_easy_setopt(c, CURLOPT_READFUNCTION, read_body);
            curl_easy_setopt(c, CURLOPT_READDATA, h);
            curl_easy_setopt(c, CURLOPT_SEEKFUNCTION, seek_body);
            curl_easy_setopt(c, CURLOPT_SEEKDATA, h);
        } else {
            curl_easy_setopt(c, CURLOPT_READFUNCTION, NULL);
            curl_easy_setopt(c, CURLOPT_SEEKFUNCTION, NULL);
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
        }
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    }
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST,
                     strcmp(method, "GET") && strcmp(method, "POST") ? method : NULL);
    if (timeout_ms > 0) {
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
        h->idle_limit_ms = 0;
    } else {
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 0L);
        h->idle_limit_ms = h->read_timeout_ms > 0 ? h->read_timeout_ms : 0;
    }
    h->last_activity = mono_now();
    h->last_dl = h->last_ul = -1;
    h->read_timed_out = false;
    h->errbuf[0] = '\0';

    CURLcode rc = curl_easy_perform(c);
    long n_connects = 0;
    curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &n_connects);
    h->connects += n_connects;
    if (rc != CURLE_OK) {
        curl_off_t pretransfer = 0;
        curl_easy_getinfo(c, CURLINFO_PRETRANSFER_TIME_T, &pretransfer);
        switch (rc) {
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
        case CURLE_COULDNT_CONNECT:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_URL_MALFORMAT:
        case CURLE_UNSUPPORTED_PROTOCOL:
            *sent = PQ_HTTP_NOT_SENT;
            break;
        default:
            *sent = pretransfer > 0 ? PQ_HTTP_MAYBE_SENT : PQ_HTTP_NOT_SENT;
            break;
        }
        *timed_out = rc == CURLE_OPERATION_TIMEDOUT || h->read_timed_out;
        if (h->read_timed_out) {
            *sent = PQ_HTTP_MAYBE_SENT;
            pretransfer = 1;
            snprintf(h->errbuf, sizeof h->errbuf, "no data for %ld ms", h->idle_limit_ms);
        }
        if (rc == CURLE_ABORTED_BY_CALLBACK && atomic_load(&h->cancel))
            snprintf(h->errbuf, sizeof h->errbuf, "cancelled");
        /* Our refused rewind (seek_body) means what libcurl says on a fresh
         * connection closed unanswered: the same words whether the
         * connection was new or kept alive (a pipelined script's clones
         * must print what one connection prints). */
        if (rc == CURLE_SEND_FAIL_REWIND)
            snprintf(h->errbuf, sizeof h->errbuf, "Empty reply from server");
        const char *why = h->errbuf[0] ? h->errbuf : curl_easy_strerror(rc);
        if (*timed_out && pretransfer > 0)
            st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                              "read timeout on endpoint URL: \"%s\" (%s)", url, why);
        else if (*timed_out)
            st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                              "connect timeout on endpoint URL: \"%s\" (%s)", url, why);
        else if (*sent == PQ_HTTP_MAYBE_SENT)
            st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                              "connection was closed before a valid response from endpoint URL: "
                              "\"%s\" (%s)",
                              url, why);
        else
            st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                              "could not connect to the endpoint URL: \"%s\" (%s)", url, why);
        goto out;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
out:
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(list);
    return st;
}
