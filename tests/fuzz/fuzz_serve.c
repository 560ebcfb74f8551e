/* fuzz_serve.c — libFuzzer target: HTTP requests → pqsh serve's request handler → invariants.
 *
 * The handler (srv_precheck, then srv_handle, as the HTTP layer calls them)
 * gets requests made of the input, which is text:
 *
 *   byte 0    flags: 1 = the server has keys (else any well-formed signature
 *             passes), 2 = sign the request with the listed key (so that the
 *             engine is reached with keys too), 4 = the key needs a session
 *             token, 8 = the server names a region
 *   line 1    the method, line 2 the path
 *   then      "Name: value" header lines up to an empty line
 *   the rest  the body
 *
 * Checks, beyond "no crash, no leak, no UB": every answer has a status
 * DynamoDB uses, a 52-character request id, the crc32 of its exact body and
 * (but for the health check) a JSON object body with a "__type" when it is
 * an error; a request the precheck refuses is refused by the full handler
 * with the same status and error. The engine is one per process; its
 * database is put back to the empty state after an input that wrote.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/http.h"
#include "aws/sigv4.h"
#include "engine/internal.h"
#include "snapshot.h"
#include "server/internal.h"

#define AKID "AKIDFUZZ"
#define SECRET "fuzz/secret"
#define TOKEN "fuzz-token"
#define NOW 1440938160.0 /* 20150830T123600Z */
#define MAX_HEADERS 24

static struct pq_engine *eng;
static struct pq_server_keys *keys, *token_keys;
static struct fuzz_snapshot snap;

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_serve: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    abort();
}

static void setup(void)
{
    struct pq_engine_options opt = {
        .path = ":memory:", .region = NULL, .fixed_time = 1700000000.0, .page_bytes = 2048};
    struct pq_error err;
    pq_error_init(&err);
    if (pq_engine_open(&opt, &eng, &err) != PQ_OK) die("cannot open the engine", err.message);
    pq_server_keys_add(&keys, AKID, SECRET);
    pq_server_keys_add_token(&token_keys, AKID, SECRET, TOKEN);
    fuzz_snapshot_take(&snap, eng);
}

/* Cuts the next '\n'-ended line off [*p, end) as a NUL-terminated copy. */
static char *next_line(const char **p, const char *end)
{
    const char *s = *p;
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    const char *e = nl ? nl : end;
    *p = nl ? nl + 1 : end;
    return pq_xstrndup(s, (size_t)(e - s));
}

static void check_response(const struct srv_response *rs, bool health)
{
    /* 403: a /pqsh/ path on a server started without --clock (admin.c). */
    static const unsigned statuses[] = {200, 400, 403, 413, 500, 503};
    bool known = false;
    for (size_t i = 0; i < sizeof statuses / sizeof *statuses; i++)
        known |= rs->status == statuses[i];
    if (!known) die("unexpected status", rs->error_type);
    if (strlen(rs->request_id) != 52) die("request id is not 52 characters", rs->request_id);
    if (rs->crc32 != pq_crc32(rs->body.data, rs->body.len)) die("crc32 of the body", NULL);
    if (health && rs->status == 200) return;
    json_t *j = json_loadb(rs->body.data ? rs->body.data : "", rs->body.len, 0, NULL);
    if (!json_is_object(j)) die("body is not a JSON object", rs->body.data);
    if (rs->status != 200 && !json_is_string(json_object_get(j, "__type")))
        die("error without __type", rs->body.data);
    if (rs->status == 500 && strcmp(rs->error_type, "InternalServerError") == 0)
        die("internal error", rs->body.data); /* a bad request is a 400, never a 500 */
    json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!eng) setup();
    if (size < 1) return 0;
    unsigned flags = data[0];
    const char *p = (const char *)data + 1, *end = (const char *)data + size;
    char *method = next_line(&p, end);
    char *path = next_line(&p, end);
    struct srv_header h[MAX_HEADERS + 1];
    char *owned[MAX_HEADERS];
    size_t n = 0;
    while (p < end && n < MAX_HEADERS) {
        char *line = next_line(&p, end);
        if (!*line) {
            free(line);
            break;
        }
        char *colon = strchr(line, ':');
        if (colon) {
            *colon = '\0';
            char *v = colon + 1;
            while (*v == ' ')
                v++;
            h[n].name = line;
            h[n].value = v;
            owned[n++] = line;
        } else {
            free(line);
        }
    }
    const char *body = p;
    size_t body_len = (size_t)(end - p);

    struct pq_sigv4_result sig;
    pq_sigv4_result_init(&sig);
    size_t nh = n;
    if (flags & 2) { /* signed by the key: every header given, as an SDK does */
        struct pq_sigv4_header sh[MAX_HEADERS];
        for (size_t i = 0; i < n; i++)
            sh[i] = (struct pq_sigv4_header){h[i].name, h[i].value};
        struct pq_sigv4_request sr = {"POST", "/", "", sh, n, body, body_len};
        struct pq_sigv4_creds cr = {AKID, SECRET, NULL};
        pq_sigv4_sign(&sr, &cr, "us-east-1", "dynamodb", "20150830T123600Z", NULL, &sig);
        h[nh++] = (struct srv_header){"Authorization", sig.authorization.data};
    }

    struct srv_ctx ctx;
    srv_ctx_init(&ctx, eng, (flags & 1) ? ((flags & 4) ? token_keys : keys) : NULL, NOW);
    if (flags & 8) ctx.region = "us-east-1";
    struct srv_request rq = {method, path, h, nh, body, body_len};
    struct srv_response pre, rs;
    srv_response_init(&pre);
    srv_response_init(&rs);
    bool passed = srv_precheck(&ctx, &rq, &pre);
    if (!passed) check_response(&pre, false);
    srv_handle(&ctx, &rq, &rs);
    bool health = strcmp(method, "GET") == 0 && strcmp(path, "/") == 0;
    check_response(&rs, health);
    if (!passed && (pre.status != rs.status || strcmp(pre.error_type, rs.error_type) != 0))
        die("the precheck refused what the handler answered otherwise", pre.error_type);
    srv_response_release(&pre);
    srv_response_release(&rs);
    srv_ctx_release(&ctx);
    pq_sigv4_result_release(&sig);
    for (size_t i = 0; i < n; i++)
        free(owned[i]);
    free(method);
    free(path);
    fuzz_snapshot_restore(&snap, eng);
    return 0;
}
