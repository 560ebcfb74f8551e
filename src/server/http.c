/* http.c — the HTTP side of `pqsh serve`: libmicrohttpd workers, bodies, limits, stop.
 *
 * libmicrohttpd runs a pool of worker threads, each polling many kept-alive
 * connections (epoll), so a slow or stalled client holds no worker: it only
 * holds its connection until the idle timeout closes it. Bodies are
 * collected per request up to the limit; a larger one is answered with 413
 * as soon as its Content-Length is seen (or when the limit is crossed, for
 * chunked bodies) and the connection is closed.
 *
 * Stopping: the listening socket is closed first (quiesce), responses then
 * carry "Connection: close" so kept-alive clients go away, and the requests
 * in flight are waited for before the daemon and its workers are stopped.
 */
#include "server/internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_THREADS 4
#define DEFAULT_TIMEOUT_S 30
#define CONNECTION_LIMIT 1024

struct pq_server {
    struct MHD_Daemon *daemon;
    struct srv_ctx ctx;
    unsigned port;
    size_t max_body;
    pq_server_log_fn log;
    void *log_ctx;
    pthread_mutex_t lock; /* guards inflight and draining */
    pthread_cond_t idle;
    unsigned inflight;
    bool draining;
    struct pq_engine_sweeper *sweeper;
};

/* Per-request state, from the first call of the access handler to the
 * completion callback. */
struct request_state {
    struct pq_buf body;
    bool too_big;
    bool answered; /* a response was queued early (413) */
    struct timespec start;
};

static double elapsed_ms(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) * 1e3 +
           (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

static void client_address(struct MHD_Connection *conn, char *out, size_t n)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, n, "-");
    if (!ci || !ci->client_addr) return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)n);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)n);
}

/* One access-log line: client, method, operation, status, error, bytes, time, request id. */
static void log_request(struct pq_server *s, struct MHD_Connection *conn, const char *method,
                        const struct srv_response *rs, const struct timespec *start)
{
    if (!s->log) return;
    char addr[INET6_ADDRSTRLEN + 1];
    client_address(conn, addr, sizeof addr);
    char line[512];
    snprintf(line, sizeof line, "%s %s %s %u %s %zu bytes %.2f ms %s", addr, method,
             rs->op[0] ? rs->op : "-", rs->status, rs->error_type[0] ? rs->error_type : "-",
             rs->body.len, elapsed_ms(start), rs->request_id);
    s->log(s->log_ctx, line);
}

static enum MHD_Result queue(struct pq_server *s, struct MHD_Connection *conn,
                             struct srv_response *rs)
{
    size_t len;
    char *body = pq_buf_detach(&rs->body, &len);
    struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(body);
        return MHD_NO;
    }
    char crc[16];
    snprintf(crc, sizeof crc, "%lu", (unsigned long)rs->crc32);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, rs->content_type);
    MHD_add_response_header(r, "x-amzn-RequestId", rs->request_id);
    MHD_add_response_header(r, "x-amz-crc32", crc);
    pthread_mutex_lock(&s->lock);
    bool draining = s->draining;
    pthread_mutex_unlock(&s->lock);
    if (draining) MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
    enum MHD_Result ok = MHD_queue_response(conn, rs->status, r);
    MHD_destroy_response(r);
    return ok;
}

struct header_list {
    struct srv_header *items;
    size_t n, cap;
};

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    struct header_list *l = cls;
    (void)kind;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 16;
        l->items = pq_xrealloc(l->items, l->cap * sizeof *l->items);
    }
    l->items[l->n].name = key;
    l->items[l->n].value = value ? value : "";
    l->n++;
    return MHD_YES;
}

/* The 413 answer. UNCONFIRMED: the service's exact body for an oversized
 * request (dynalite answers 413; the error name here is ours). */
static enum MHD_Result too_large(struct pq_server *s, struct MHD_Connection *conn,
                                 const char *method, struct request_state *st)
{
    struct srv_response rs;
    srv_response_init(&rs);
    char msg[128];
    snprintf(msg, sizeof msg, "Request body exceeds the limit of %zu bytes", s->max_body);
    srv_handle_error(&s->ctx, &rs, 413, "RequestEntityTooLargeException", msg);
    log_request(s, conn, method, &rs, &st->start);
    st->answered = true;
    enum MHD_Result ok = queue(s, conn, &rs);
    srv_response_release(&rs);
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
    struct pq_server *s = cls;
    struct request_state *st = *req_cls;
    (void)version;
    if (!st) {
        st = pq_xcalloc(1, sizeof *st);
        pq_buf_init(&st->body);
        clock_gettime(CLOCK_MONOTONIC, &st->start);
        *req_cls = st;
        pthread_mutex_lock(&s->lock);
        s->inflight++;
        pthread_mutex_unlock(&s->lock);
        const char *cl =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl) {
            char *end;
            errno = 0;
            unsigned long long n = strtoull(cl, &end, 10);
            if (errno || *end || n > s->max_body) {
                st->too_big = true;
                return too_large(s, conn, method, st);
            }
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!st->too_big && st->body.len + *upload_data_size > s->max_body) {
            st->too_big = true;
            pq_buf_release(&st->body);
        }
        if (!st->too_big) pq_buf_add(&st->body, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (st->answered) return MHD_YES;
    if (st->too_big) return too_large(s, conn, method, st);

    struct header_list hl = {0};
    MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_header, &hl);
    struct srv_request rq = {method, url, hl.items, hl.n, st->body.data, st->body.len};
    struct srv_response rs;
    srv_response_init(&rs);
    srv_handle(&s->ctx, &rq, &rs);
    free(hl.items);
    log_request(s, conn, method, &rs, &st->start);
    enum MHD_Result ok = queue(s, conn, &rs);
    srv_response_release(&rs);
    return ok;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct pq_server *s = cls;
    struct request_state *st = *req_cls;
    (void)conn;
    (void)toe;
    if (!st) return;
    pq_buf_release(&st->body);
    free(st);
    *req_cls = NULL;
    pthread_mutex_lock(&s->lock);
    if (s->inflight) s->inflight--;
    if (s->inflight == 0) pthread_cond_broadcast(&s->idle);
    pthread_mutex_unlock(&s->lock);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    struct pq_server *s = cls;
    if (!s->log) return;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && msg[n - 1] == '\n')
        msg[--n] = '\0';
    char line[560];
    snprintf(line, sizeof line, "http: %s", msg);
    s->log(s->log_ctx, line);
}

pq_status pq_server_start(const struct pq_server_options *opt, struct pq_server **out,
                          struct pq_error *err)
{
    const char *host = opt->host ? opt->host : "127.0.0.1";
    struct sockaddr_in sin;
    struct sockaddr_in6 sin6;
    struct sockaddr *sa;
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    *out = NULL;
    memset(&sin, 0, sizeof sin);
    memset(&sin6, 0, sizeof sin6);
    if (inet_pton(AF_INET, host, &sin.sin_addr) == 1) {
        sin.sin_family = AF_INET;
        sin.sin_port = htons((uint16_t)opt->port);
        sa = (struct sockaddr *)&sin;
    } else if (inet_pton(AF_INET6, host, &sin6.sin6_addr) == 1) {
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = htons((uint16_t)opt->port);
        sa = (struct sockaddr *)&sin6;
        flags |= MHD_USE_IPv6;
    } else {
        return pq_error_set(err, PQ_ERR_USAGE, PQ_NO_POS, PQ_NO_POS,
                            "'%s' is not a numeric IPv4 or IPv6 address", host);
    }
    if (opt->port > 65535)
        return pq_error_set(err, PQ_ERR_USAGE, PQ_NO_POS, PQ_NO_POS, "port %u is out of range",
                            opt->port);

    struct pq_server *s = pq_xcalloc(1, sizeof *s);
    srv_ctx_init(&s->ctx, opt->engine, opt->keys, opt->auth_now);
    s->ctx.clock_admin = opt->clock_admin;
    s->max_body = opt->max_body ? opt->max_body : PQ_SERVER_MAX_BODY;
    s->log = opt->log;
    s->log_ctx = opt->log_ctx;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->idle, NULL);
    unsigned threads = opt->threads ? opt->threads : DEFAULT_THREADS;
    unsigned timeout = opt->timeout_s ? opt->timeout_s : DEFAULT_TIMEOUT_S;
    s->daemon = MHD_start_daemon(
        flags, (uint16_t)opt->port, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER,
        on_mhd_log, s, MHD_OPTION_SOCK_ADDR, sa, MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_TIMEOUT, timeout, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)CONNECTION_LIMIT, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_END);
    if (!s->daemon) {
        int e = errno;
        srv_ctx_release(&s->ctx);
        pthread_mutex_destroy(&s->lock);
        pthread_cond_destroy(&s->idle);
        free(s);
        return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS, "cannot listen on %s port %u%s%s",
                            host, opt->port, e ? ": " : "", e ? strerror(e) : "");
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di ? di->port : opt->port;
    char address[INET6_ADDRSTRLEN + 16];
    bool v6 = strchr(host, ':') != NULL;
    snprintf(address, sizeof address, "%s%s%s:%u", v6 ? "[" : "", host, v6 ? "]" : "", s->port);
    pthread_mutex_lock(&s->ctx.lock);
    pq_engine_set_endpoint(opt->engine, address);
    pthread_mutex_unlock(&s->ctx.lock);
    if (opt->ttl_sweep &&
        pq_engine_sweeper_start(opt->engine, &s->ctx.lock, opt->sweep_ms, &s->sweeper, err)) {
        pq_server_stop(s, 0);
        return err->code;
    }
    *out = s;
    return PQ_OK;
}

unsigned pq_server_port(const struct pq_server *s)
{
    return s->port;
}

void pq_server_stop(struct pq_server *s, unsigned grace_ms)
{
    if (!s) return;
    MHD_socket listen_fd = MHD_quiesce_daemon(s->daemon);
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += grace_ms / 1000;
    deadline.tv_nsec += (long)(grace_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&s->lock);
    s->draining = true;
    while (s->inflight > 0)
        if (pthread_cond_timedwait(&s->idle, &s->lock, &deadline) == ETIMEDOUT) break;
    pthread_mutex_unlock(&s->lock);
    MHD_stop_daemon(s->daemon);
    if (listen_fd != MHD_INVALID_SOCKET) close(listen_fd);
    pq_engine_sweeper_stop(s->sweeper);
    srv_ctx_release(&s->ctx);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->idle);
    free(s);
}
