/* exec.h — what exec.c and txn.c share: running plans, transactions and batches,
 * consumed capacity, scan warnings, and the table-description cache.
 *
 *   exec.c  one statement: parse → assignment, block statement or plan → run → render
 *   txn.c   BEGIN [TRANSACTION] … COMMIT / ROLLBACK and BEGIN BATCH … END BATCH:
 *           statements are planned when typed, collected, and sent together
 *
 * State lives in struct shell (shell.h): `block`, `block_mark`, `capacity`,
 * `scanwarn`, `schemas`. shell_exec_release() frees it.
 */
#ifndef PQSH_SHELL_EXEC_H
#define PQSH_SHELL_EXEC_H

#include "shell.h"

/* ---- exec.c ---------------------------------------------------------- */

/* The planner's context for this session: cached DescribeTable results,
 * .capacity and .consistent. */
void shell_plan_context(struct shell *sh, struct pq_plan_context *ctx);
/* Forgets cached table descriptions (after DDL). */
void shell_forget_schemas(struct shell *sh);

/* Where each member of a batch or transaction came from. */
struct member_place {
    struct where w;         /* the statement (w.text borrowed from the caller) */
    size_t at;              /* byte in w.text the member starts at (a row), or PQ_NO_POS */
    size_t end;             /* where its text ends (a row), or PQ_NO_POS: its first line */
    struct pq_text_map map; /* the member's sent text → w.text (owned; empty for a row) */
    const char *tag;        /* "INSERT", "UPDATE", "DELETE", "SELECT", "EXISTS" */
    const char *label;      /* "row" (INSERT … VALUES) or "statement" */
};

/* Runs the steps of a plan; false when one failed (the error is printed,
 * and moved to `failure` when that is not NULL). `places` (NULL when the
 * plan comes from one statement) tells where the members of BATCH and
 * TRANSACTION steps come from. Prints the batch summary and, with .capacity
 * on, the capacity consumed. */
bool shell_run_plan(struct shell *sh, const struct where *w, const struct pq_plan *plan,
                    const struct member_place *places, struct pq_error *failure);

/* The source range a batch or transaction member's error points at: the
 * token of DynamoDB's " at L:C:N" when `message` has one (`sent` is the
 * member's {"Statement"} and `pl` has its map), else the member's text on
 * its first word (the row of INSERT … VALUES, on the row's first line). */
struct pq_loc shell_member_range(const struct member_place *pl, const json_t *sent,
                                 const char *message);

/* For pipelined scripts (jobs.c): true when shell_exec would run the
 * statement at `w` as exactly one ExecuteStatement write (INSERT, UPDATE or
 * DELETE; no assignment, block, EXPLAIN or BATCH), with that plan in `plan`
 * (the caller releases it; it may hold a partial plan when false). Prints
 * nothing; may ask DescribeTable (cached) as planning does. */
bool shell_exec_lone_write(struct shell *sh, const struct where *w, struct pq_plan *plan);

/* Prints the plan as EXPLAIN does. */
void shell_explain(const struct pq_plan *plan);

/* .capacity on|off and .scanwarn on|off (entries in meta.c's table). */
bool shell_cmd_capacity(struct shell *sh, const struct where *w, const char *args, size_t at);
bool shell_cmd_scanwarn(struct shell *sh, const struct where *w, const char *args, size_t at);

/* Frees what exec.c and txn.c keep in struct shell (an open block is
 * discarded). For shell_release(). */
void shell_exec_release(struct shell *sh);

/* ---- txn.c ----------------------------------------------------------- */

/* BEGIN, BEGIN BATCH, COMMIT, ROLLBACK, END BATCH, and EXPLAIN of them. */
void shell_block_statement(struct shell *sh, const struct where *w, struct pq_stmt *s);
/* While a block is open: collects the statements of `plan` (planned from
 * `s`), or refuses them; false with the message printed. */
bool shell_block_add(struct shell *sh, const struct where *w, const struct pq_stmt *s,
                     const struct pq_plan *plan);
/* After a failed ExecuteTransaction: each statement's cancellation reason
 * at its own place, or the statement a validation error names. */
void shell_txn_report(const struct pq_step *step, const struct pq_error *err,
                      const struct member_place *places);
/* A statement at `w` failed while a block is open: the block is aborted
 * (COMMIT / END BATCH will send nothing). Says so the first time. */
void shell_block_abort(struct shell *sh, const struct where *w);
/* A statement meant to end the block (COMMIT …) did not parse: says the
 * block is still open and how to end it. */
void shell_block_still_open(struct shell *sh, const struct where *w);
/* End of input with a block open: says it was not sent, and discards it. */
void shell_block_abandon(struct shell *sh, const char *file);
/* Frees an open block without a word. */
void shell_block_free(struct shell *sh);

#endif
