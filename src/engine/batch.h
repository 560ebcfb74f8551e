/* batch.h — the engine's multi-statement operations (private to src/engine).
 *
 *   batch.c  BatchExecuteStatement (§3.2): independent statements, per-slot errors
 *   txn.c    ExecuteTransaction (§3.3): all-or-nothing, ClientRequestToken
 *
 * Both borrow `req` and give a new reference in *resp, like every op.
 */
#ifndef PQSH_ENGINE_BATCH_H
#define PQSH_ENGINE_BATCH_H

#include <jansson.h>
#include "engine/internal.h"

pq_status batch_execute_statement(struct pq_engine *e, json_t *req, json_t **resp,
                                  struct pq_error *err) PQ_MUST_USE;
pq_status txn_execute_transaction(struct pq_engine *e, json_t *req, json_t **resp,
                                  struct pq_error *err) PQ_MUST_USE;

/* A service error name as a batch / cancellation code: without "Exception",
 * ValidationException → ValidationError. */
void batch_error_code(const char *type, struct pq_buf *out);

#endif
