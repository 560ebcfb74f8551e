/* internal.h — what the server's files share: one HTTP request in, one HTTP response out.
 *
 * Layout of the server:
 *   http.c    libmicrohttpd glue: workers, bodies and their limit, timeouts,
 *             access log, graceful stop
 *   handle.c  the DynamoDB protocol: target, authentication, JSON, the engine
 *             call, error bodies, request ids, x-amz-crc32
 *   auth.c    SigV4 checks (well-formedness; with keys, full verification)
 *             and the access-key file
 *   dbs.c     the databases: one per access key and region, or one shared;
 *             their locks, the one clock, the TTL sweeper over all of them
 *   admin.c   pqsh's own /pqsh/ requests
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
    char db[208];        /* the database the request used ("" when none): log, header */
};

/* What every request shares. */
struct srv_ctx {
    struct srv_dbs *dbs; /* owned */
    const struct pq_server_keys *keys;
    const char *region; /* NULL: any region in the credential scope */
    double auth_now;
    atomic_uint_fast64_t next_id;
    uint64_t id_seed;
    bool clock_admin; /* --clock: /pqsh/clock and /pqsh/ttl-sweep answer (admin.c) */
};

/* With an engine: one shared database, borrowed (tests, fuzzers). */
void srv_ctx_init(struct srv_ctx *c, struct pq_engine *engine, const struct pq_server_keys *keys,
                  double auth_now);
/* With databases: `dbs` is stolen. */
void srv_ctx_init_dbs(struct srv_ctx *c, struct srv_dbs *dbs, const struct pq_server_keys *keys,
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

/* ---- dbs.c ------------------------------------------------------------ */

struct srv_dbs;
struct srv_db;

struct srv_dbs_options {
    const char *path;         /* ":memory:", a database file, or a folder (see pqsh(1)) */
    bool shared;              /* one database for every key (--shared-db) */
    double fixed_time;        /* the engines' fixed "now"; 0: the real clock */
    int64_t collection_limit; /* pq_engine_options.collection_limit (tests) */
    unsigned max_dbs;         /* 0 → 1000 */
    unsigned readers;         /* reader engines per database (parallel reads); 0 → 4 */
};

/* Opens the shared database now, per-key ones on first use. *out is new:
 * srv_dbs_free it (after the server stopped using it). */
pq_status srv_dbs_open(const struct srv_dbs_options *o, struct srv_dbs **out,
                       struct pq_error *err) PQ_MUST_USE;
/* One shared database over `engine` (borrowed, must outlive the result). */
struct srv_dbs *srv_dbs_borrow(struct pq_engine *engine);
/* Stops the sweeper, closes the databases it opened, frees. NULL ok. */
void srv_dbs_free(struct srv_dbs *d);
/* A thread that sweeps TTL over every database every `interval_ms` (0 → 1 s). */
pq_status srv_dbs_sweeper_start(struct srv_dbs *d, unsigned interval_ms,
                                struct pq_error *err) PQ_MUST_USE;
bool srv_dbs_per_key(const struct srv_dbs *d);
/* The folder of the per-key files, the shared file, or ":memory:" (borrowed). */
const char *srv_dbs_where(const struct srv_dbs *d);
/* The database named `name` ("AKID/region"; ignored when shared), opened
 * now if new. *out is borrowed from `d`. */
pq_status srv_dbs_get(struct srv_dbs *d, const char *name, struct srv_db **out,
                      struct pq_error *err) PQ_MUST_USE;
/* The database of the request's access key id and region (its
 * Authorization, already checked). */
pq_status srv_dbs_for_request(struct srv_dbs *d, const struct srv_request *rq, struct srv_db **out,
                              struct pq_error *err) PQ_MUST_USE;
const char *srv_db_name(const struct srv_db *db);
/* pq_engine_call on the database, under its locks, on the one clock.
 * Every srv_db_call, failed or not, is followed by one srv_db_drop(db,
 * *response) on the same thread: until then the database's gate stays
 * held for reading, so a reset (or a new endpoint) waits, and *response,
 * which may share parts with the database's engine (pq_engine_close's
 * rule, engine.h), is never dropped beside that engine's close. Between
 * the two, the thread makes no other srv_db_call (use srv_db_call_copy
 * to keep an answer longer) and nothing else that takes the gate. */
pq_status srv_db_call(struct srv_dbs *d, struct srv_db *db, const char *op, json_t *request,
                      json_t **response, struct pq_error *err) PQ_MUST_USE;
/* Drops `response` (NULL ok) and ends srv_db_call's use of the gate. */
void srv_db_drop(struct srv_db *db, json_t *response);
/* srv_db_call and srv_db_drop with *response a deep copy: the caller's
 * alone (json_decref it), sharing nothing with the engine, free to
 * outlive a reset. */
pq_status srv_db_call_copy(struct srv_dbs *d, struct srv_db *db, const char *op, json_t *request,
                           json_t **response, struct pq_error *err) PQ_MUST_USE;
/* "pqsh:Clock" (the one clock of every database) and "pqsh:TtlSweep"
 * (every database), as pq_engine_admin answers them. */
pq_status srv_dbs_admin(struct srv_dbs *d, const char *op, json_t *request, json_t **response,
                        struct pq_error *err) PQ_MUST_USE;
/* DescribeEndpoints' address for every database, now and later. */
void srv_dbs_set_endpoint(struct srv_dbs *d, const char *address);
/* Empties one database: closed, its files removed, reopened; waits for
 * the calls in flight and their answers' srv_db_drop. The calling thread
 * must hold no answer of `db`'s (it would wait for itself). */
pq_status srv_db_reset(struct srv_dbs *d, struct srv_db *db, struct pq_error *err) PQ_MUST_USE;
pq_status srv_dbs_list(struct srv_dbs *d, struct pq_server_db_stats **out, size_t *n,
                       struct pq_error *err) PQ_MUST_USE;

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
/* The access key id and region of the request's Authorization Credential
 * (new strings); false when it has none of that form. */
bool srv_auth_scope(const struct srv_request *rq, char **akid, char **region);

#endif
