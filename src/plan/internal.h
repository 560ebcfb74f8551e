/* internal.h — what the planner's files share: building steps and notices.
 *
 *   plan.c     the dispatcher, PartiQL statements, INSERT … VALUES, batches, transactions
 *   ddl.c      CREATE TABLE, CREATE INDEX, DROP INDEX
 *   keycond.c  Query or Scan from WHERE and the key schema (§4.2.1)
 *   run.c      running steps: paging, batches, transactions, waiting for ACTIVE
 */
#ifndef PQSH_PLAN_INTERNAL_H
#define PQSH_PLAN_INTERNAL_H

#include "pqsh/plan.h"

/* Appends a step; steals `request`; copies `table` (may be NULL). */
struct pq_step *plan_add_step(struct pq_plan *p, pq_step_type kind, const char *op, json_t *request,
                              const char *table, struct pq_loc loc);
/* Appends a notice; steals `text`. */
void plan_add_notice(struct pq_plan *p, char *text);
/* {"TableName": name} */
json_t *plan_table_request(const char *name);
/* The table's description from the context, or NULL. */
const json_t *plan_describe(const struct pq_plan_context *ctx, const char *table, const char **why);

/* sent.c: the text sent for a statement, typed text with the necessary
 * edits (see the file), and its map back to the source. */
struct pq_sent {
    char *text; /* owned */
    size_t len;
    struct pq_text_map map;
};
/* The text for `s` (bound: its `nparams` references are PQ_E_PARAM nodes);
 * needs ctx->source. `keep_limit`: LIMIT stays (a statement DynamoDB refuses
 * anyway). Fails (PQ_ERR_PLAN) when the text would not say what the
 * statement says. */
pq_status plan_sent_text(const struct pq_stmt *s, size_t nparams, const struct pq_plan_context *ctx,
                         bool keep_limit, struct pq_sent *out, struct pq_error *err) PQ_MUST_USE;
/* Whether plan_sent_text would send the source text of `s` unchanged (its
 * map one copied piece): true only when no edit can arise, which is told
 * without walking the tree. */
bool plan_sent_is_source(const struct pq_stmt *s, size_t nparams, const struct pq_plan_context *ctx,
                         bool keep_limit);
/* The same for row `r` of INSERT … VALUES `values`, bound as `row` (the
 * PQ_S_INSERT the planner made of it). */
pq_status plan_sent_row(const struct pq_stmt *values, const struct pq_stmt *row, size_t r,
                        const struct pq_plan_context *ctx, struct pq_sent *out,
                        struct pq_error *err) PQ_MUST_USE;

/* ddl.c */
pq_status plan_create_table(struct pq_plan *p, const struct pq_stmt *s,
                            struct pq_error *err) PQ_MUST_USE;
pq_status plan_create_index(struct pq_plan *p, const struct pq_stmt *s,
                            const struct pq_plan_context *ctx, struct pq_error *err) PQ_MUST_USE;
void plan_drop_index(struct pq_plan *p, const struct pq_stmt *s);

#endif
