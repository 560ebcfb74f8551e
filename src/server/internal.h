/* internal.h — what the server's files share: one HTTP request in, one HTTP response out.
 *
 * Layout of the server:
 *   http.c    libmicrohttpd glue: workers, bodies and their limit, timeouts,
 *             access log, graceful stop
 *   handle.c  the DynamoDB protocol: target, authentication, JSON, the engine
 *             call, error bodies, request ids, x-amz-crc32
 *   auth.c    SigV4 checks (well-formedness; with keys, full verification)
 *             and the access-key file
 *
 * srv_handle() knows nothing of sockets, so the whole protocol is unit-tested
 * on plain structs (tests/unit/test_server.c).
 *
 * Ownership: a request and everything it points to are borrowed; a response
 * owns its body (srv_response_init / srv_response_release).
 */
#ifndef PQSH_SERVER_INTERNAL_H
#define PQSH_SERVER_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "pqsh/buf.h"
#include "pqsh/engine.h"
#include "pqsh/error.h"
#include "pqsh/server.h"

struct srv_header {
    const char *name; /* as received, any case */
    const char *value;
};

struct srv_request {
    const char *method;
    const char *path;
    const struct srv_header *headers;
    size_t nheaders;
    const char *body;
    size_t body_len;
};

struct srv_response {
    unsigned status;
    const char *content_type;
    struct pq_buf body;
    char request_id[53];
    uint32_t crc32;
    char op[48];         /* operation named by X-Amz-Target ("" when none), for the log */
    char error_type[64]; /* error name when the answer is an error, for the log */
};

/* What every request shares. The engine is not thread-safe: calls hold `lock`. */
struct srv_ctx {
    struct pq_engine *engine;
    pthread_mutex_t lock;
    const struct pq_server_keys *keys;
    const char *region; /* NULL: any region in the credential scope */
    double auth_now;
    atomic_uint_fast64_t next_id;
    uint64_t id_seed;
    bool clock_admin; /* --clock: /pqsh/clock and /pqsh/ttl-sweep answer (admin.c) */
};

void srv_ctx_init(struct srv_ctx *c, struct pq_engine *engine, const struct pq_server_keys *keys,
                  double auth_now);
void srv_ctx_release(struct srv_ctx *c);

void srv_response_init(struct srv_response *r);
void srv_response_release(struct srv_response *r);

/* Answers one request (never fails: every problem becomes an error response). */
void srv_handle(struct srv_ctx *c, const struct srv_request *rq, struct srv_response *rs);
/* The checks that need no body (method, path, X-Amz-Target, the
 * Authorization's form and, with keys, everything but the signature), made
 * as soon as the headers are in so that a request that will be refused
 * anyway sends no body into memory. false: `rs` holds the refusal. */
bool srv_precheck(struct srv_ctx *c, const struct srv_request *rq, struct srv_response *rs);
/* Answers with an error without looking at a request (the HTTP layer's own
 * refusals): {"__type": "<namespace>#<type>", "message": …} with `status`,
 * or the status DynamoDB uses for `type` when `status` is 0. */
void srv_handle_error(struct srv_ctx *c, struct srv_response *rs, unsigned status, const char *type,
                      const char *message);

/* Value of header `name` (case-insensitive); repeated headers are joined
 * with ',' into `joined` (reset first), which then holds the result.
 * NULL when absent. */
const char *srv_header_get(const struct srv_request *rq, const char *name, struct pq_buf *joined);

/* ---- admin.c ---------------------------------------------------------- */

/* Answers a request whose path starts with /pqsh/ (pqsh's own operations,
 * pq_engine_admin): refused unless c->clock_admin. */
void srv_admin(struct srv_ctx *c, const struct srv_request *rq, struct srv_response *rs);
/* The error answer of handle.c, for admin.c. */
void srv_error_body(struct srv_response *rs, unsigned status, const char *type,
                    const char *message);

/* ---- auth.c ----------------------------------------------------------- */

/* Checks the request's SigV4 Authorization (reference §1.5, §6). Without
 * keys only its presence and form are checked. With keys: a known key id,
 * the scope (date, `region` when not NULL — else any well-formed region —,
 * service, terminator), host and every x-amz-* header signed, the key's
 * session token, the clock skew and, when `body` is true, the signature
 * over the body (false: the checks that need only the headers, made before
 * a body is read). `now` is epoch seconds. On failure a PQ_ERR_SERVICE
 * error with DynamoDB's type and message. */
pq_status srv_auth_check(const struct pq_server_keys *keys, const char *region,
                         const struct srv_request *rq, double now, bool body,
                         struct pq_error *err) PQ_MUST_USE;

#endif
