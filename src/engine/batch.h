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
/* The same with the members parsed by the caller: parsed[i] for statement i
 * (i < n), as pq_engine_call_parsed takes them; NULL / 0: all parsed here. */
pq_status batch_execute_parsed(struct pq_engine *e, json_t *req, const struct pq_parsed *parsed,
                               size_t n, json_t **resp, struct pq_error *err) PQ_MUST_USE;
pq_status txn_execute_parsed(struct pq_engine *e, json_t *req, const struct pq_parsed *parsed,
                             size_t n, json_t **resp, struct pq_error *err) PQ_MUST_USE;

/* A service error name as a batch / cancellation code: without "Exception",
 * ValidationException → ValidationError. */
void batch_error_code(const char *type, struct pq_buf *out);

/* ---- shared with TransactWriteItems (transact.c) ---------------------- */

/* SHA-256 (hex) of `v` as canonical JSON (keys sorted): what "the same
 * request" means for a ClientRequestToken. */
void txn_request_hash(const json_t *v, char out[65]);
/* The one store of ClientRequestTokens (ExecuteTransaction and
 * TransactWriteItems share it): a token recorded in the last 10 minutes
 * with the same `hash` gives *replayed (a new reference: the stored
 * response, with the replay's ConsumedCapacity when `rcc` asks for it);
 * with another hash, IdempotentParameterMismatchException. *replayed NULL
 * and PQ_OK: the token is unknown, run the request. */
pq_status txn_token_check(struct pq_engine *e, const char *token, const char *hash, const char *rcc,
                          json_t **replayed, struct pq_error *err) PQ_MUST_USE;
/* Records a successful request's `response` under `token`; `tables` (stolen)
 * maps each table name to the number of items the request touched there. */
pq_status txn_token_record(struct pq_engine *e, const char *token, const char *hash,
                           const json_t *response, json_t *tables,
                           struct pq_error *err) PQ_MUST_USE;
/* TransactionCanceledException with `reasons` (one per action, in order;
 * borrowed) and the message listing their codes. */
pq_status txn_cancel(json_t *reasons, struct pq_error *err) PQ_MUST_USE;

#endif
