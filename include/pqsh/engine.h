/* engine.h — the embedded DynamoDB engine: same JSON in and out, tables in SQLite.
 *
 * The engine knows nothing of the shell. It implements CreateTable,
 * DescribeTable, ListTables, DeleteTable, UpdateTable, ExecuteStatement,
 * BatchExecuteStatement and ExecuteTransaction (with ClientRequestToken
 * idempotency and ConsumedCapacity) with DynamoDB's semantics and exact error
 * messages (../shared/reference/dynamodb.md).
 *
 * Ownership: pq_engine_open returns a new engine (pq_engine_close it);
 * pq_engine_call borrows `request` and gives a new reference in *response.
 */
#ifndef PQSH_ENGINE_H
#define PQSH_ENGINE_H

#include <jansson.h>
#include "pqsh/backend.h"
#include "pqsh/error.h"

struct pq_engine;

struct pq_engine_options {
    const char *path;   /* SQLite file, or ":memory:" */
    const char *region; /* for ARNs; NULL → "ddblocal" (DynamoDB Local's) */
    double fixed_time;  /* epoch seconds to report as "now"; 0 → the real clock */
    size_t page_bytes;  /* SELECT page budget in bytes evaluated; 0 → 1 MB */
};

pq_status pq_engine_open(const struct pq_engine_options *opt, struct pq_engine **out,
                         struct pq_error *err) PQ_MUST_USE;
void pq_engine_close(struct pq_engine *e);

/* Runs one API operation ("CreateTable", "ExecuteStatement", …). Errors are
 * PQ_ERR_SERVICE with DynamoDB's error name and message; an unknown op is
 * UnknownOperationException. */
pq_status pq_engine_call(struct pq_engine *e, const char *op, json_t *request, json_t **response,
                         struct pq_error *err) PQ_MUST_USE;

/* A backend that forwards to a new engine opened with `opt`; label "local". */
pq_status pq_engine_backend_open(const struct pq_engine_options *opt, struct pq_backend **out,
                                 struct pq_error *err) PQ_MUST_USE;

#endif
