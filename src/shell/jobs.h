/* jobs.h — pipelined scripts (`--jobs N`): writes to distinct full keys in flight together,
 * every result printed exactly as one statement at a time would print it.
 *
 * A statement of a script is pipelined when shell_exec would run it as one
 * ExecuteStatement INSERT, UPDATE or DELETE whose target item is pinned by
 * its full primary key (from the table's key schema: DescribeTable, cached
 * per session) and no statement still in flight writes that key. Its call
 * is sent at once on a clone of the session's backend (bulk.c's pool);
 * everything else is a barrier: it waits until every statement in flight
 * has been reported, then runs as usual. Each pipelined statement is then
 * run by the ordinary shell_run_piece, in script order, once its answer is
 * in: the one call it makes is answered from the answer already received
 * (shell_jobs_backend), so its output — status line, RETURNING items,
 * errors with file:line and caret, notices, .capacity, the exit status —
 * is the sequential run's, byte for byte.
 *
 * Off (one statement at a time) at the prompt, with --bail or .bail on
 * (see jobs.c for why), with .timing on or --debug, in a sandbox, inside BEGIN …
 * COMMIT, and on a backend that cannot be cloned (the embedded engine).
 */
#ifndef PQSH_SHELL_JOBS_H
#define PQSH_SHELL_JOBS_H

#include "shell.h"

struct pq_split_stmt;

/* Statements in flight at most (bulk.c's limit on clones). */
#define SHELL_JOBS_MAX 64
/* The default for scripts against a remote target. */
#define SHELL_JOBS_DEFAULT 16

/* Sets the session's width: `n` statements in flight at most (1: off). */
void shell_jobs_init(struct shell *sh, int n);
/* Runs (or sends, to report later) one piece the splitter returned;
 * `file` must stay valid until shell_jobs_drain. */
void shell_jobs_piece(struct shell *sh, const struct pq_split_stmt *piece, const char *file);
/* Reports every statement in flight, in order (waits for their answers). */
void shell_jobs_drain(struct shell *sh);
/* Before a read from `f` that may block: when no more input is ready, the
 * statements in flight are reported first (a program that writes a
 * statement and waits for its result must get it). */
void shell_jobs_before_read(struct shell *sh, FILE *f);
/* The backend a step of the statement being run calls: sh->backend, or
 * while a pipelined statement is reported, one that hands back its answer. */
struct pq_backend *shell_jobs_backend(struct shell *sh);
/* While a pipelined statement is reported: its plan of one ExecuteStatement
 * takes the request that was sent (the same statement, with the values
 * uuid() and now() had then). */
void shell_jobs_sent_request(struct shell *sh, struct pq_plan *plan);
/* Drains and frees (for shell_release). */
void shell_jobs_release(struct shell *sh);

#endif
