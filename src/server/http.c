/* http.c — the HTTP side of `pqsh serve`: libmicrohttpd workers, bodies, limits, stop.
 *
 * libmicrohttpd runs a pool of worker threads, each polling many kept-alive
 * connections (epoll), so a slow or stalled client holds no worker: it only
 * holds its connection. Bodies are collected per request up to the limit; a
 * larger one is answered with 413 as soon as its Content-Length is seen (or
 * when the limit is crossed, for chunked bodies) and the connection is
 * closed.
 *
 * Hostile clients (issue 15): the idle timeout restarts with every byte, so
 * a client trickling a byte at a time would hold its connection for ever.
 * Each connection therefore also has absolute deadlines — to start a request
 * (since it was accepted or answered its last one), to finish the headers
 * once the request line is in, to finish the body once the headers are in —
 * kept by one watchdog thread that shuts down the socket of a connection
 * past its deadline. One address may hold only so many connections. Before
 * a body is read, a request that will be refused anyway (no target, no or a
 * malformed Authorization, with keys an unknown key or an unsigned header)
 * is answered and closed; the bodies being received are capped in total
 * (503 past the cap), so unfinished uploads cannot fill memory.
 *
 * Stopping: the listening socket is closed first (quiesce), responses then
 * carry "Connection: close" so kept-alive clients go away, and the requests
 * in flight are waited for before the daemon and its workers are stopped.
 */
#include "server/internal.h"
#include "pqsh/time.h"

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
#define DEFAULT_HEADER_TIMEOUT_S 10
#define DEFAULT_BODY_TIMEOUT_S 60
#define DEFAULT_PER_IP 100
#define CONNECTION_LIMIT 1024
#define WATCH_PERIOD_MS 200

/* One accepted socket, from libmicrohttpd's "started" to its "closed"
 * notification (the socket stays open until after the latter, so the
 * watchdog may shut it down while it holds `conns_lock` and finds it
 * listed). */
struct conn {
    struct conn *prev, *next;
    int fd;
    struct timespec deadline; /* {0, 0}: none (a response is being made) */
    bool shut;
};

struct pq_server {
    struct MHD_Daemon *daemon;
    struct srv_ctx ctx;
    unsigned port;
    size_t max_body;
    size_t max_buffered;
    unsigned timeout_s, header_timeout_s, body_timeout_s;
    pthread_mutex_t conns_lock; /* guards conns, buffered, watch_stop */
    pthread_cond_t watch_wake;
    struct conn *conns;
    size_t buffered; /* body bytes reserved by requests in progress */
    bool watch_stop;
    pthread_t watchdog;
    pq_server_log_fn log;
    void *log_ctx;
    pthread_mutex_t lock; /* guards inflight and draining */
    pthread_cond_t idle;
    unsigned inflight;
    bool draining;
};

/* Per-request state, from the first call of the access handler to the
 * completion callback. */
struct request_state {
    struct pq_buf body;
    bool too_big;
    bool answered; /* a response was queued early (413, a refusal, 503) */
    bool headers_done;
    size_t reserved; /* bytes of s->buffered this request holds */
    struct timespec start;
};

/* ---- deadlines -------------------------------------------------------- */

static struct conn *conn_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

/* Sets the connection's deadline `seconds` from now (0: none). */
static void set_deadline(struct pq_server *s, struct MHD_Connection *c, unsigned seconds)
{
    struct conn *k = conn_of(c);
    if (!k) return;
    struct timespec d = {0, 0};
    if (seconds) {
        clock_gettime(CLOCK_MONOTONIC, &d);
        d.tv_sec += seconds;
    }
    pthread_mutex_lock(&s->conns_lock);
    k->deadline = d;
    pthread_mutex_unlock(&s->conns_lock);
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    struct pq_server *s = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        struct conn *k = pq_xcalloc(1, sizeof *k);
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        k->fd = ci ? ci->connect_fd : -1;
        clock_gettime(CLOCK_MONOTONIC, &k->deadline);
        k->deadline.tv_sec += s->timeout_s;
        pthread_mutex_lock(&s->conns_lock);
        k->next = s->conns;
        if (s->conns) s->conns->prev = k;
        s->conns = k;
        pthread_mutex_unlock(&s->conns_lock);
        *socket_context = k;
        return;
    }
    struct conn *k = *socket_context;
    if (!k) return;
    pthread_mutex_lock(&s->conns_lock);
    if (k->prev)
        k->prev->next = k->next;
    else
        s->conns = k->next;
    if (k->next) k->next->prev = k->prev;
    pthread_mutex_unlock(&s->conns_lock);
    free(k);
    *socket_context = NULL;
}

static bool passed(const struct timespec *d, const struct timespec *now)
{
    if (d->tv_sec == 0 && d->tv_nsec == 0) return false;
    return now->tv_sec > d->tv_sec || (now->tv_sec == d->tv_sec && now->tv_nsec >= d->tv_nsec);
}

/* Shuts down the sockets of connections past their deadline; libmicrohttpd
 * then sees the connection fail and cleans it up in its own thread. */
static void *watchdog(void *arg)
{
    struct pq_server *s = arg;
    pthread_mutex_lock(&s->conns_lock);
    while (!s->watch_stop) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        for (struct conn *k = s->conns; k; k = k->next) {
            if (k->shut || k->fd < 0 || !passed(&k->deadline, &now)) continue;
            shutdown(k->fd, SHUT_RDWR);
            k->shut = true;
        }
        struct timespec wake = pq_time_after_ms(WATCH_PERIOD_MS);
        pthread_cond_timedwait(&s->watch_wake, &s->conns_lock, &wake);
    }
    pthread_mutex_unlock(&s->conns_lock);
    return NULL;
}

/* Takes `n` more bytes of the body budget for `st`; false past the cap. */
static bool reserve(struct pq_server *s, struct request_state *st, size_t n)
{
    if (st->reserved >= n) return true;
    size_t more = n - st->reserved;
    pthread_mutex_lock(&s->conns_lock);
    bool ok = s->buffered + more <= s->max_buffered;
    if (ok) s->buffered += more;
    pthread_mutex_unlock(&s->conns_lock);
    if (ok) st->reserved = n;
    return ok;
}

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
    char line[1024];
    int n = snprintf(line, sizeof line, "%s %s %s %u %s %zu bytes %.2f ms %s", addr, method,
                     rs->op[0] ? rs->op : "-", rs->status, rs->error_type[0] ? rs->error_type : "-",
                     rs->body.len, elapsed_ms(start), rs->request_id);
    if (rs->db[0] && n > 0 && (size_t)n < sizeof line)
        n += snprintf(line + n, sizeof line - (size_t)n, " database %s", rs->db);
    /* "My tables vanished": say where this request looked (the message
     * itself stays DynamoDB's). */
    if (rs->db[0] && srv_dbs_per_key(s->ctx.dbs) && n > 0 && (size_t)n < sizeof line &&
        strcmp(rs->error_type, "ResourceNotFoundException") == 0)
        snprintf(line + n, sizeof line - (size_t)n,
                 " (tables are kept per access key id and region: another key or region "
                 "sees other tables; pqsh serve --shared-db shares one set)");
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
    if (rs->db[0]) MHD_add_response_header(r, "x-pqsh-database", rs->db);
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

/* Queues an answer made before the body was read; the connection closes
 * after it (libmicrohttpd does not read a body nobody asked for). */
static enum MHD_Result answer_early(struct pq_server *s, struct MHD_Connection *conn,
                                    const char *method, struct request_state *st,
                                    struct srv_response *rs)
{
    log_request(s, conn, method, rs, &st->start);
    st->answered = true;
    pq_buf_release(&st->body);
    enum MHD_Result ok = queue(s, conn, rs);
    srv_response_release(rs);
    return ok;
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
    return answer_early(s, conn, method, st, &rs);
}

/* Every body in progress together is over the cap. UNCONFIRMED: DynamoDB's
 * 503 is named ServiceUnavailable (SDKs retry it). */
static enum MHD_Result too_busy(struct pq_server *s, struct MHD_Connection *conn,
                                const char *method, struct request_state *st)
{
    struct srv_response rs;
    srv_response_init(&rs);
    srv_handle_error(&s->ctx, &rs, 503, "ServiceUnavailable",
                     "Too many request bodies are being received; retry later");
    return answer_early(s, conn, method, st, &rs);
}

/* The headers are in: a request that will be refused whatever its body is
 * answered now. */
static bool precheck(struct pq_server *s, struct MHD_Connection *conn, const char *url,
                     const char *method, struct srv_response *rs)
{
    struct header_list hl = {0};
    MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_header, &hl);
    struct srv_request rq = {method, url, hl.items, hl.n, NULL, 0};
    bool ok = srv_precheck(&s->ctx, &rq, rs);
    free(hl.items);
    return ok;
}

/* The request line is in: its headers must follow within the header timeout. */
static void *on_request_line(void *cls, const char *uri, struct MHD_Connection *conn)
{
    struct pq_server *s = cls;
    (void)uri;
    struct request_state *st = pq_xcalloc(1, sizeof *st);
    pq_buf_init(&st->body);
    clock_gettime(CLOCK_MONOTONIC, &st->start);
    set_deadline(s, conn, s->header_timeout_s);
    return st;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
    struct pq_server *s = cls;
    struct request_state *st = *req_cls;
    (void)version;
    if (!st) { /* no request line seen (cannot happen with the callback set) */
        st = on_request_line(s, url, conn);
        *req_cls = st;
    }
    if (!st->headers_done) {
        st->headers_done = true;
        pthread_mutex_lock(&s->lock);
        s->inflight++;
        pthread_mutex_unlock(&s->lock);
        set_deadline(s, conn, s->body_timeout_s);
        const char *cl =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        unsigned long long n = 0;
        if (cl) {
            char *end;
            errno = 0;
            n = strtoull(cl, &end, 10);
            if (errno || *end || n > s->max_body) {
                st->too_big = true;
                return too_large(s, conn, method, st);
            }
        }
        struct srv_response rs;
        srv_response_init(&rs);
        if (!precheck(s, conn, url, method, &rs)) return answer_early(s, conn, method, st, &rs);
        srv_response_release(&rs);
        if (!reserve(s, st, (size_t)n)) return too_busy(s, conn, method, st);
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (st->answered) return MHD_YES;
        if (!st->too_big && st->body.len + n > s->max_body) {
            st->too_big = true;
            pq_buf_release(&st->body);
        }
        if (st->too_big) return MHD_YES;
        if (!reserve(s, st, st->body.len + n)) return too_busy(s, conn, method, st);
        pq_buf_add(&st->body, upload_data, n);
        return MHD_YES;
    }
    if (st->answered) return MHD_YES;
    if (st->too_big) return too_large(s, conn, method, st);

    set_deadline(s, conn, 0); /* the engine's time is bounded elsewhere */
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
    (void)toe;
    if (!st) return;
    /* The next request on this connection must start in time too. */
    set_deadline(s, conn, s->timeout_s);
    pthread_mutex_lock(&s->conns_lock);
    s->buffered -= st->reserved;
    pthread_mutex_unlock(&s->conns_lock);
    bool counted = st->headers_done;
    pq_buf_release(&st->body);
    free(st);
    *req_cls = NULL;
    if (!counted) return;
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

static void stop_watchdog(struct pq_server *s)
{
    pthread_mutex_lock(&s->conns_lock);
    s->watch_stop = true;
    pthread_cond_signal(&s->watch_wake);
    pthread_mutex_unlock(&s->conns_lock);
    pthread_join(s->watchdog, NULL);
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

    struct srv_dbs *dbs = NULL;
    if (opt->engine) {
        dbs = srv_dbs_borrow(opt->engine);
    } else {
        struct srv_dbs_options dbo = {.path = opt->db_path,
                                      .shared = opt->shared_db,
                                      .fixed_time = opt->fixed_time,
                                      .collection_limit = opt->collection_limit,
                                      .max_dbs = opt->max_dbs,
                                      .readers = opt->threads ? opt->threads : DEFAULT_THREADS};
        pq_status rc = srv_dbs_open(&dbo, &dbs, err);
        if (rc) return rc;
    }
    struct pq_server *s = pq_xcalloc(1, sizeof *s);
    srv_ctx_init_dbs(&s->ctx, dbs, opt->keys, opt->auth_now);
    s->ctx.clock_admin = opt->clock_admin;
    s->ctx.region = opt->region;
    s->max_body = opt->max_body ? opt->max_body : PQ_SERVER_MAX_BODY;
    s->log = opt->log;
    s->log_ctx = opt->log_ctx;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->idle, NULL);
    s->max_buffered = opt->max_buffered ? opt->max_buffered : 4 * (size_t)s->max_body;
    if (s->max_buffered < s->max_body) s->max_buffered = s->max_body;
    s->timeout_s = opt->timeout_s ? opt->timeout_s : DEFAULT_TIMEOUT_S;
    s->header_timeout_s = opt->header_timeout_s ? opt->header_timeout_s : DEFAULT_HEADER_TIMEOUT_S;
    s->body_timeout_s = opt->body_timeout_s ? opt->body_timeout_s : DEFAULT_BODY_TIMEOUT_S;
    pthread_mutex_init(&s->conns_lock, NULL);
    pthread_cond_init(&s->watch_wake, NULL);
    unsigned threads = opt->threads ? opt->threads : DEFAULT_THREADS;
    unsigned per_ip = opt->max_per_ip ? opt->max_per_ip : DEFAULT_PER_IP;
    if (pthread_create(&s->watchdog, NULL, watchdog, s) != 0) {
        s->daemon = NULL;
        errno = EAGAIN;
    } else {
        s->daemon = MHD_start_daemon(
            flags, (uint16_t)opt->port, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER,
            on_mhd_log, s, MHD_OPTION_SOCK_ADDR, sa, MHD_OPTION_THREAD_POOL_SIZE, threads,
            MHD_OPTION_CONNECTION_TIMEOUT, s->timeout_s, MHD_OPTION_CONNECTION_LIMIT,
            (unsigned)CONNECTION_LIMIT, MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip,
            MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_NOTIFY_CONNECTION,
            on_connection, s, MHD_OPTION_URI_LOG_CALLBACK, on_request_line, s, MHD_OPTION_END);
        if (!s->daemon) {
            int e = errno;
            stop_watchdog(s);
            errno = e;
        }
    }
    if (!s->daemon) {
        int e = errno;
        srv_ctx_release(&s->ctx);
        pthread_mutex_destroy(&s->lock);
        pthread_cond_destroy(&s->idle);
        pthread_mutex_destroy(&s->conns_lock);
        pthread_cond_destroy(&s->watch_wake);
        free(s);
        return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS, "cannot listen on %s port %u%s%s",
                            host, opt->port, e ? ": " : "", e ? strerror(e) : "");
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di ? di->port : opt->port;
    char address[INET6_ADDRSTRLEN + 16];
    bool v6 = strchr(host, ':') != NULL;
    snprintf(address, sizeof address, "%s%s%s:%u", v6 ? "[" : "", host, v6 ? "]" : "", s->port);
    srv_dbs_set_endpoint(s->ctx.dbs, address);
    if (opt->ttl_sweep && srv_dbs_sweeper_start(s->ctx.dbs, opt->sweep_ms, err)) {
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
    struct timespec deadline = pq_time_after_ms(grace_ms);
    pthread_mutex_lock(&s->lock);
    s->draining = true;
    while (s->inflight > 0)
        if (pthread_cond_timedwait(&s->idle, &s->lock, &deadline) == ETIMEDOUT) break;
    pthread_mutex_unlock(&s->lock);
    MHD_stop_daemon(s->daemon);
    stop_watchdog(s);
    if (listen_fd != MHD_INVALID_SOCKET) close(listen_fd);
    srv_ctx_release(&s->ctx);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->idle);
    pthread_mutex_destroy(&s->conns_lock);
    pthread_cond_destroy(&s->watch_wake);
    free(s);
}

/* ---- the databases ------------------------------------------------------ */

pq_status pq_server_db_call(struct pq_server *s, const char *name, const char *op, json_t *request,
                            json_t **response, struct pq_error *err)
{
    struct srv_db *db;
    *response = NULL;
    pq_status rc = srv_dbs_get(s->ctx.dbs, name, &db, err);
    return rc ? rc : srv_db_call_copy(s->ctx.dbs, db, op, request, response, err);
}

pq_status pq_server_db_reset(struct pq_server *s, const char *name, struct pq_error *err)
{
    struct srv_db *db;
    pq_status rc = srv_dbs_get(s->ctx.dbs, name, &db, err);
    return rc ? rc : srv_db_reset(s->ctx.dbs, db, err);
}

pq_status pq_server_db_list(struct pq_server *s, struct pq_server_db_stats **out, size_t *n,
                            struct pq_error *err)
{
    return srv_dbs_list(s->ctx.dbs, out, n, err);
}

const char *pq_server_db_where(const struct pq_server *s)
{
    return srv_dbs_where(s->ctx.dbs);
}

bool pq_server_db_per_key(const struct pq_server *s)
{
    return srv_dbs_per_key(s->ctx.dbs);
}
