/* web.c — the classroom's web server: pages, join, the terminal's byte streams, the teacher API.
 *
 *   GET  /                         the student page        GET /teacher  the teacher page
 *   GET  /static/NAME              our scripts and styles, xterm.js (embedded, assets.c)
 *   POST /api/join                 {"name", "code", "resume"?} → {"session", "name"}
 *   GET  /api/output?s=SID         the terminal's output: Server-Sent Events, each `data:`
 *                                  base64 bytes with `id:` its end offset (Last-Event-ID
 *                                  resumes); `event: end` with the reason when it ends
 *   POST /api/input?s=SID          keystrokes (the body, as typed)
 *   POST /api/resize?s=SID&cols=C&rows=R
 *   GET  /api/teacher/state?token=T        every student, JSON
 *   POST /api/teacher/reset?token=T&name=N a fresh, empty database for N
 *   GET  /api/teacher/results.csv?token=T  the class's results for grading
 * Errors are JSON {"error": "…"} with 400, 403, 404, 409, 413 or 503. A thread
 * per connection (libmicrohttpd): an output stream waits on its session's
 * condition variable, a keep-alive comment every 15 s.
 */
#include "internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "pqsh/server.h"
#include "pqsh/value.h"

#define BODY_MAX (64u * 1024)
#define PING_S 15

struct request {
    struct pq_buf body;
    bool too_large;
};

static enum MHD_Result send_bytes(struct MHD_Connection *conn, unsigned status, const char *type,
                                  const void *data, size_t len, bool copy)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        len, (void *)data, copy ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; style-src 'self' 'unsafe-inline'");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    enum MHD_Result ok = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result send_json(struct MHD_Connection *conn, unsigned status, json_t *o)
{
    char *text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    enum MHD_Result ok =
        send_bytes(conn, status, "application/json", text, text ? strlen(text) : 0, true);
    free(text);
    return ok;
}

static enum MHD_Result send_error(struct MHD_Connection *conn, unsigned status, const char *why)
{
    return send_json(conn, status, json_pack("{s:s}", "error", why));
}

static const char *arg(struct MHD_Connection *conn, const char *name)
{
    const char *v = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, name);
    return v ? v : "";
}

/* Constant-time comparison of a secret with what was sent. */
static bool same_secret(const char *secret, const char *sent)
{
    size_t n = strlen(secret);
    return strlen(sent) == n && CRYPTO_memcmp(secret, sent, n) == 0;
}

/* ---- the output stream -------------------------------------------------------------- */

struct stream {
    struct pq_class *c;
    struct cls_session *s;
    uint64_t at;
    bool end_sent;
};

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct stream *x = cls;
    struct cls_session *s = x->s;
    (void)pos;
    if (max < 256) return 0;
    ssize_t n = 0;
    pthread_mutex_lock(&x->c->lock);
    for (;;) {
        if (x->c->stopping || x->end_sent) {
            n = MHD_CONTENT_READER_END_OF_STREAM;
            break;
        }
        uint64_t end = s->out_base + s->out.len;
        if (x->at < s->out_base || x->at > end) x->at = s->out_base;
        if (x->at < end) {
            size_t take = (size_t)(end - x->at), room = (max - 64) / 4 * 3;
            if (take > room) take = room;
            struct pq_buf b = PQ_BUF_INIT;
            pq_buf_init(&b);
            pq_base64_encode(s->out.data + (x->at - s->out_base), take, &b);
            x->at += take;
            n = snprintf(buf, max, "id: %llu\ndata: %s\n\n", (unsigned long long)x->at, b.data);
            pq_buf_release(&b);
            break;
        }
        if (s->ended) {
            n = snprintf(buf, max, "event: end\ndata: %s\n\n",
                         s->end_reason ? s->end_reason : "the session ended");
            x->end_sent = true;
            break;
        }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += PING_S;
        if (pthread_cond_timedwait(&s->cond, &x->c->lock, &until) == ETIMEDOUT) {
            n = snprintf(buf, max, ": ping\n\n");
            break;
        }
    }
    pthread_mutex_unlock(&x->c->lock);
    return n;
}

static enum MHD_Result output(struct pq_class *c, struct MHD_Connection *conn,
                              struct cls_session *s)
{
    struct stream *x = pq_xcalloc(1, sizeof *x);
    x->c = c;
    x->s = s;
    const char *last = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Last-Event-ID");
    pthread_mutex_lock(&c->lock);
    x->at = last && *last ? strtoull(last, NULL, 10) : s->out_base;
    pthread_mutex_unlock(&c->lock);
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384, stream_read, x, free);
    MHD_add_response_header(r, "Content-Type", "text/event-stream");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    enum MHD_Result ok = MHD_queue_response(conn, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ok;
}

/* ---- the teacher ---------------------------------------------------------------------- */

static json_t *student_json(const struct cls_session *s, double now)
{
    json_t *o =
        json_pack("{s:s,s:I,s:I,s:I,s:I,s:b,s:b,s:I}", "name", s->name, "done", (json_int_t)s->done,
                  "steps", (json_int_t)s->steps, "statements", (json_int_t)s->statements, "errors",
                  (json_int_t)s->errors, "last_ok", s->last_ok, "ended", s->ended, "idle_s",
                  (json_int_t)(now > s->last_active ? now - s->last_active : 0));
    json_object_set_new(o, "tutorial", s->tutorial ? json_string(s->tutorial) : json_null());
    json_object_set_new(o, "last_statement",
                        s->last_statement ? json_string(s->last_statement) : json_null());
    json_object_set_new(o, "last_error", s->last_error ? json_string(s->last_error) : json_null());
    return o;
}

/* The access key id of a per-key database name "AKID/region", %XX decoded. */
static char *native_name(const char *db)
{
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    for (const char *p = db; *p && *p != '/'; p++) {
        unsigned v;
        if (*p == '%' && sscanf(p + 1, "%2X", &v) == 1) {
            pq_buf_addc(&b, (char)v);
            p += 2;
        } else {
            pq_buf_addc(&b, *p);
        }
    }
    return pq_buf_detach(&b, NULL);
}

/* Students who joined natively: the endpoint's per-key databases whose key
 * is no browser student's name. A new array of {name, region, tables, items,
 * bytes, db}, empty without a per-key endpoint. */
static json_t *native_students(struct pq_class *c)
{
    json_t *list = json_array();
    struct pq_server_db_stats *dbs = NULL;
    size_t n = 0;
    struct pq_error err;
    pq_error_init(&err);
    if (!c->opt.server || !pq_server_db_per_key(c->opt.server) ||
        pq_server_db_list(c->opt.server, &dbs, &n, &err)) {
        pq_error_release(&err);
        return list;
    }
    for (size_t i = 0; i < n; i++) {
        char *name = native_name(dbs[i].name);
        pthread_mutex_lock(&c->lock);
        bool browser = cls_find_name(c, name) != NULL;
        pthread_mutex_unlock(&c->lock);
        if (!browser)
            json_array_append_new(list, json_pack("{s:s,s:s,s:I,s:I,s:I,s:s}", "name", name,
                                                  "region", strchr(dbs[i].name, '/') + 1, "tables",
                                                  (json_int_t)dbs[i].tables, "items",
                                                  (json_int_t)dbs[i].items, "bytes",
                                                  (json_int_t)dbs[i].bytes, "db", dbs[i].name));
        free(name);
    }
    pq_server_db_list_free(dbs, n);
    return list;
}

static enum MHD_Result teacher_state(struct pq_class *c, struct MHD_Connection *conn)
{
    json_t *list = json_array(), *native = native_students(c), *v;
    double now = cls_now();
    size_t i;
    pthread_mutex_lock(&c->lock);
    for (i = 0; i < c->nsessions; i++)
        json_array_append_new(list, student_json(c->sessions[i], now));
    pthread_mutex_unlock(&c->lock);
    json_array_foreach(native, i, v) json_object_del(v, "db");
    return send_json(conn, 200,
                     json_pack("{s:o,s:o,s:I}", "students", list, "native", native, "idle_limit_s",
                               (json_int_t)(c->opt.idle_s ? c->opt.idle_s : 1800)));
}

/* One CSV field, quoted; a leading = + - @ gets a ' so that a spreadsheet
 * never runs what a student typed as a formula. */
static void csv_field(struct pq_buf *b, const char *text, bool last)
{
    pq_buf_addc(b, '"');
    if (text && strchr("=+-@", text[0]) && text[0]) pq_buf_addc(b, '\'');
    for (const char *p = text ? text : ""; *p; p++) {
        if (*p == '"') pq_buf_addc(b, '"');
        pq_buf_addc(b, *p);
    }
    pq_buf_adds(b, last ? "\"\r\n" : "\",");
}

static enum MHD_Result teacher_csv(struct pq_class *c, struct MHD_Connection *conn)
{
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    pq_buf_adds(&b, "name,tutorial,steps_done,steps,statements,errors,last_statement,last_error,"
                    "seconds_since_activity\r\n");
    double now = cls_now();
    pthread_mutex_lock(&c->lock);
    for (size_t i = 0; i < c->nsessions; i++) {
        const struct cls_session *s = c->sessions[i];
        char n[4][32];
        snprintf(n[0], sizeof n[0], "%llu", s->done);
        snprintf(n[1], sizeof n[1], "%llu", s->steps);
        snprintf(n[2], sizeof n[2], "%llu", s->statements);
        snprintf(n[3], sizeof n[3], "%llu", s->errors);
        csv_field(&b, s->name, false);
        csv_field(&b, s->tutorial, false);
        for (size_t k = 0; k < 4; k++)
            csv_field(&b, n[k], false);
        csv_field(&b, s->last_statement, false);
        csv_field(&b, s->last_error, false);
        char idle[32];
        snprintf(idle, sizeof idle, "%.0f", now > s->last_active ? now - s->last_active : 0);
        csv_field(&b, idle, true);
    }
    pthread_mutex_unlock(&c->lock);
    /* Native students: their tables and items are all the server knows. */
    json_t *native = native_students(c), *v;
    size_t i;
    json_array_foreach(native, i, v)
    {
        char what[96];
        snprintf(what, sizeof what, "native: %lld tables, %lld items",
                 (long long)json_integer_value(json_object_get(v, "tables")),
                 (long long)json_integer_value(json_object_get(v, "items")));
        csv_field(&b, json_string_value(json_object_get(v, "name")), false);
        for (size_t k = 0; k < 5; k++)
            csv_field(&b, "", false);
        csv_field(&b, what, false);
        csv_field(&b, "", false);
        csv_field(&b, "", true);
    }
    json_decref(native);
    struct MHD_Response *r = MHD_create_response_from_buffer(b.len, b.data, MHD_RESPMEM_MUST_COPY);
    pq_buf_release(&b);
    MHD_add_response_header(r, "Content-Type", "text/csv; charset=utf-8");
    MHD_add_response_header(r, "Content-Disposition", "attachment; filename=\"class-results.csv\"");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    enum MHD_Result ok = MHD_queue_response(conn, 200, r);
    MHD_destroy_response(r);
    return ok;
}

/* Reset of a native student: every database of that access key (each region). */
static enum MHD_Result reset_native(struct pq_class *c, struct MHD_Connection *conn,
                                    const char *name)
{
    json_t *native = native_students(c), *v;
    size_t i, done = 0;
    bool ok = true;
    json_array_foreach(native, i, v)
    {
        if (strcmp(json_string_value(json_object_get(v, "name")), name) != 0) continue;
        struct pq_error err;
        pq_error_init(&err);
        if (pq_server_db_reset(c->opt.server, json_string_value(json_object_get(v, "db")), &err))
            ok = false;
        pq_error_release(&err);
        done++;
    }
    json_decref(native);
    if (!done) return send_error(conn, 404, "no student of that name in this class");
    if (!ok) return send_error(conn, 500, "the database could not be reset");
    return send_json(conn, 200, json_pack("{s:s}", "reset", name));
}

static enum MHD_Result teacher(struct pq_class *c, struct MHD_Connection *conn, const char *what,
                               const char *method)
{
    if (!same_secret(c->opt.teacher_token, arg(conn, "token")))
        return send_error(conn, 403,
                          "wrong teacher token (pqsh serve printed the teacher's URL "
                          "at start)");
    bool post = strcmp(method, "POST") == 0;
    if (strcmp(what, "state") == 0 && !post) return teacher_state(c, conn);
    if (strcmp(what, "results.csv") == 0 && !post) return teacher_csv(c, conn);
    if (strcmp(what, "reset") == 0 && post) {
        pthread_mutex_lock(&c->lock);
        struct cls_session *s = cls_find_name(c, arg(conn, "name"));
        pthread_mutex_unlock(&c->lock);
        if (!s) return reset_native(c, conn, arg(conn, "name"));
        if (!cls_reset(c, s)) return send_error(conn, 500, "the session could not be restarted");
        return send_json(conn, 200, json_pack("{s:s}", "reset", s->name));
    }
    return send_error(conn, 404, "not found");
}

/* ---- the student -------------------------------------------------------------------- */

/* The client's address as 16 bytes (IPv4 mapped, IPv6 cut to its /64); all
 * zero when libmicrohttpd cannot say. */
static void client_key(struct MHD_Connection *conn, unsigned char key[16])
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    memset(key, 0, 16);
    if (!ci || !ci->client_addr) return;
    if (ci->client_addr->sa_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)ci->client_addr;
        key[10] = key[11] = 0xff;
        memcpy(key + 12, &a->sin_addr, 4);
        return;
    }
    if (ci->client_addr->sa_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ci->client_addr;
        memcpy(key, &a->sin6_addr, 16);
        if (!IN6_IS_ADDR_V4MAPPED(&a->sin6_addr)) memset(key + 8, 0, 8);
        return;
    }
}

/* The bucket of wrong codes for the client's address, refilled to now (lock held);
 * a new address takes an unused slot, or the one untouched longest. */
static struct cls_guesser *guesser(struct pq_class *c, const unsigned char key[16], double now)
{
    struct cls_guesser *g = NULL, *spare = NULL;
    for (size_t i = 0; i < CLS_GUESS_SLOTS && !g; i++) {
        struct cls_guesser *x = &c->guessers[i];
        if (x->used && memcmp(x->addr, key, 16) == 0)
            g = x;
        else if (!spare || (spare->used && (!x->used || x->at < spare->at)))
            spare = x;
    }
    if (!g) {
        g = spare;
        g->used = true;
        memcpy(g->addr, key, 16);
        g->tokens = CLS_GUESS_BURST;
        g->at = now;
    }
    g->tokens += (now - g->at) / CLS_GUESS_REFILL_S;
    if (g->tokens > CLS_GUESS_BURST) g->tokens = CLS_GUESS_BURST;
    g->at = now;
    return g;
}

/* Checks the code under the address's budget: 0 when right, else the status
 * (403 wrong, 429 too many wrong ones — then even the right code waits, or
 * guessing would go on), with the seconds to wait in *wait. */
static unsigned check_code(struct pq_class *c, struct MHD_Connection *conn, const char *code,
                           unsigned *wait)
{
    unsigned char key[16];
    client_key(conn, key); /* an address it cannot tell shares the all-zero slot */
    unsigned status = 0;
    pthread_mutex_lock(&c->lock);
    struct cls_guesser *g = guesser(c, key, cls_now());
    if (g->tokens < 1) {
        status = 429;
        *wait = (unsigned)((1 - g->tokens) * CLS_GUESS_REFILL_S) + 1;
    } else if (!same_secret(c->opt.code, code)) {
        status = 403;
        g->tokens -= 1;
    }
    pthread_mutex_unlock(&c->lock);
    return status;
}

static enum MHD_Result join(struct pq_class *c, struct MHD_Connection *conn, struct request *rq)
{
    json_t *in = json_loadb(rq->body.data ? rq->body.data : "", rq->body.len, 0, NULL);
    const char *name = json_string_value(json_object_get(in, "name"));
    const char *code = json_string_value(json_object_get(in, "code"));
    const char *resume = json_string_value(json_object_get(in, "resume"));
    enum MHD_Result ok;
    unsigned refused = 0, wait = 0;
    if (!name || !code) {
        ok = send_error(conn, 400, "join with {\"name\": …, \"code\": …}");
    } else if ((refused = check_code(c, conn, code, &wait)) == 403) {
        ok = send_error(conn, 403, "wrong class code (ask your teacher for it)");
    } else if (refused == 429) {
        char why[128];
        snprintf(why, sizeof why, "too many wrong class codes from this address: try again in %u s",
                 wait);
        ok = send_error(conn, 429, why);
    } else {
        unsigned status = 0;
        const char *why = NULL;
        struct cls_session *s = cls_join(c, name, resume, &status, &why);
        if (!s) {
            ok = send_error(conn, status, why);
        } else {
            pthread_mutex_lock(&c->lock);
            json_t *o = json_pack("{s:s,s:s}", "session", s->sid, "name", s->name);
            pthread_mutex_unlock(&c->lock);
            ok = send_json(conn, 200, o);
        }
    }
    json_decref(in);
    return ok;
}

static struct cls_session *by_sid(struct pq_class *c, struct MHD_Connection *conn)
{
    pthread_mutex_lock(&c->lock);
    struct cls_session *s = cls_find_sid(c, arg(conn, "s"));
    pthread_mutex_unlock(&c->lock);
    return s;
}

static enum MHD_Result student_api(struct pq_class *c, struct MHD_Connection *conn,
                                   const char *what, const char *method, struct request *rq)
{
    bool post = strcmp(method, "POST") == 0;
    if (strcmp(what, "join") == 0 && post) return join(c, conn, rq);
    struct cls_session *s = by_sid(c, conn);
    if (!s) return send_error(conn, 404, "no such session (join again)");
    if (strcmp(what, "output") == 0 && !post) return output(c, conn, s);
    if (strcmp(what, "input") == 0 && post) {
        if (!cls_input(c, s, rq->body.data ? rq->body.data : "", rq->body.len))
            return send_error(conn, 409, "the session has ended (join again)");
        return send_bytes(conn, 204, "text/plain", "", 0, false);
    }
    if (strcmp(what, "resize") == 0 && post) {
        unsigned long cols = strtoul(arg(conn, "cols"), NULL, 10),
                      rows = strtoul(arg(conn, "rows"), NULL, 10);
        if (cols < 10 || cols > 1000 || rows < 2 || rows > 1000)
            return send_error(conn, 400, "cols 10 to 1000, rows 2 to 1000");
        cls_resize(c, s, (unsigned)cols, (unsigned)rows);
        return send_bytes(conn, 204, "text/plain", "", 0, false);
    }
    return send_error(conn, 404, "not found");
}

/* ---- dispatch ------------------------------------------------------------------------- */

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **req_cls)
{
    struct pq_class *c = cls;
    (void)version;
    struct request *rq = *req_cls;
    if (!rq) {
        rq = pq_xcalloc(1, sizeof *rq);
        pq_buf_init(&rq->body);
        *req_cls = rq;
        return MHD_YES;
    }
    if (*upload_size) {
        if (rq->body.len + *upload_size > BODY_MAX)
            rq->too_large = true;
        else
            pq_buf_add(&rq->body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (rq->too_large) return send_error(conn, 413, "request body too large");
    bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    if (!get && strcmp(method, "POST") != 0) return send_error(conn, 405, "method not allowed");
    if (strncmp(url, "/api/teacher/", 13) == 0) return teacher(c, conn, url + 13, method);
    if (strncmp(url, "/api/", 5) == 0) return student_api(c, conn, url + 5, method, rq);
    const char *path = strcmp(url, "/") == 0          ? "/static/student.html"
                       : strcmp(url, "/teacher") == 0 ? "/static/teacher.html"
                                                      : url;
    for (const struct cls_asset *a = cls_assets; a->path && get; a++)
        if (strcmp(a->path, path) == 0)
            return send_bytes(conn, 200, a->type, a->data, a->len, false);
    return send_error(conn, 404, "not found");
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode code)
{
    struct request *rq = *req_cls;
    (void)cls;
    (void)conn;
    (void)code;
    if (!rq) return;
    pq_buf_release(&rq->body);
    free(rq);
    *req_cls = NULL;
}

pq_status cls_web_start(struct pq_class *c, struct pq_error *err)
{
    const char *host = c->opt.host;
    struct sockaddr_in sin;
    struct sockaddr_in6 sin6;
    struct sockaddr *sa;
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD;
    memset(&sin, 0, sizeof sin);
    memset(&sin6, 0, sizeof sin6);
    if (inet_pton(AF_INET, host, &sin.sin_addr) == 1) {
        sin.sin_family = AF_INET;
        sin.sin_port = htons((uint16_t)c->opt.port);
        sa = (struct sockaddr *)&sin;
    } else if (inet_pton(AF_INET6, host, &sin6.sin6_addr) == 1) {
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = htons((uint16_t)c->opt.port);
        sa = (struct sockaddr *)&sin6;
        flags |= MHD_USE_IPv6;
    } else {
        return pq_error_set(err, PQ_ERR_USAGE, PQ_NO_POS, PQ_NO_POS,
                            "'%s' is not a numeric IPv4 or IPv6 address", host);
    }
    c->daemon = MHD_start_daemon(flags, (uint16_t)c->opt.port, NULL, NULL, on_request, c,
                                 MHD_OPTION_SOCK_ADDR, sa, MHD_OPTION_CONNECTION_TIMEOUT,
                                 (unsigned)(4 * PING_S), MHD_OPTION_CONNECTION_LIMIT, 1000u,
                                 MHD_OPTION_NOTIFY_COMPLETED, on_completed, c, MHD_OPTION_END);
    if (!c->daemon)
        return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                            "cannot listen on %s port %u for the class: %s", host, c->opt.port,
                            strerror(errno ? errno : EADDRINUSE));
    return PQ_OK;
}

void cls_web_stop(struct pq_class *c)
{
    if (!c->daemon) return;
    /* Streams waiting for output see `stopping` and end. */
    pthread_mutex_lock(&c->lock);
    c->stopping = true;
    for (size_t i = 0; i < c->nsessions; i++)
        pthread_cond_broadcast(&c->sessions[i]->cond);
    pthread_mutex_unlock(&c->lock);
    MHD_stop_daemon(c->daemon);
    c->daemon = NULL;
}
