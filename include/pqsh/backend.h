/* backend.h — the one call interface both targets implement: op + request → response.
 *
 * The request and response are DynamoDB JSON exactly as on the wire (jansson
 * objects). Ownership: `request` is borrowed; on PQ_OK *response is a new
 * reference; on failure *response is NULL and `err` is set (PQ_ERR_SERVICE
 * with DynamoDB's error name and message, and `detail` holding the whole
 * error body, for service errors).
 */
#ifndef PQSH_BACKEND_H
#define PQSH_BACKEND_H

#include <stdbool.h>
#include <jansson.h>
#include "pqsh/error.h"

struct pq_backend;
struct pq_stmt;

/* A statement of a request as the caller already parsed it (one parse on the
 * way in): `stmt` is what pq_parse(text, PQ_PARSE_STRICT) gives for the
 * statement's text, except that its byte ranges count from `base` bytes
 * before that text (a tree parsed from a larger source, in which the text is
 * the bytes [base, base + length)); NULL: the text is parsed. Borrowed. */
struct pq_parsed {
    const struct pq_stmt *stmt;
    size_t base;
};

struct pq_backend_ops {
    pq_status (*call)(struct pq_backend *b, const char *op, json_t *request, json_t **response,
                      struct pq_error *err);
    void (*close)(struct pq_backend *b);
    /* Optional (NULL: not supported). Asks the call running on another thread
     * to stop soon; that call then fails. Safe to call from any thread, and a
     * no-op when no call is running. */
    void (*cancel)(struct pq_backend *b);
    /* Optional (NULL: not supported). Opens another backend to the same
     * target with its own connection, which may run calls on another thread
     * at the same time as this one (bulk import/export keep several calls in
     * flight this way: a pool of kept-alive connections of the one HTTP
     * client). *out is a new backend for pq_backend_close. */
    pq_status (*clone)(struct pq_backend *b, struct pq_backend **out, struct pq_error *err);
    /* Optional (NULL: the text is sent as by `call`). `op` with the
     * request's statements already parsed, as pq_engine_call_parsed takes
     * them: parsed[i] stands for statement i of ExecuteStatement's
     * Statement, BatchExecuteStatement's Statements or ExecuteTransaction's
     * TransactStatements (`n` entries; borrowed). The answer is exactly
     * call(b, op, request, …)'s. */
    pq_status (*call_parsed)(struct pq_backend *b, const char *op, json_t *request,
                             const struct pq_parsed *parsed, size_t n, json_t **response,
                             struct pq_error *err);
};

struct pq_backend {
    const struct pq_backend_ops *ops;
    char *label; /* shown in banner and prompt: "local", "us-east-1", an URL */
    bool remote; /* true for HTTP targets (scan warnings, retries) */
};

static inline pq_status pq_backend_call(struct pq_backend *b, const char *op, json_t *request,
                                        json_t **response, struct pq_error *err)
{
    return b->ops->call(b, op, request, response, err);
}

/* `op` through ops->call_parsed when the backend has it and `parsed` is
 * given (`n` entries, one per statement of the request), else through
 * ops->call. */
static inline pq_status pq_backend_call_parsed(struct pq_backend *b, const char *op,
                                               json_t *request, const struct pq_parsed *parsed,
                                               size_t n, json_t **response, struct pq_error *err)
{
    if (parsed && b->ops->call_parsed)
        return b->ops->call_parsed(b, op, request, parsed, n, response, err);
    return b->ops->call(b, op, request, response, err);
}

/* ExecuteStatement with its one statement parsed (`stmt` NULL: the text). */
static inline pq_status pq_backend_execute(struct pq_backend *b, json_t *request,
                                           const struct pq_stmt *stmt, size_t base,
                                           json_t **response, struct pq_error *err)
{
    struct pq_parsed one = {stmt, base};
    return pq_backend_call_parsed(b, "ExecuteStatement", request, stmt ? &one : NULL, 1, response,
                                  err);
}

/* Asks a running call to stop (see ops->cancel); false when the backend cannot. */
static inline bool pq_backend_cancel(struct pq_backend *b)
{
    if (!b->ops->cancel) return false;
    b->ops->cancel(b);
    return true;
}

/* Another backend to the same target for another thread (see ops->clone);
 * PQ_OK with *out NULL when the backend cannot be cloned (the embedded
 * engine: one SQLite connection, calls in turn). */
static inline pq_status pq_backend_clone(struct pq_backend *b, struct pq_backend **out,
                                         struct pq_error *err)
{
    *out = NULL;
    return b->ops->clone ? b->ops->clone(b, out, err) : PQ_OK;
}

/* Closes the backend and frees it (including `label`). NULL is allowed. */
void pq_backend_close(struct pq_backend *b);

#endif
