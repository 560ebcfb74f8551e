/* compare.h — `--compare TARGET` (compare.c): each plan the session runs goes
 * to a second target too, at the same time, and the answers are compared.
 *
 * State: sh->compare (NULL when not comparing), opened by shell_compare_open
 * and freed by shell_compare_close. An "answer" is a JSON array, one object
 * per plan step ({"rows", "members", "error"}), owned by whoever made it.
 */
#ifndef PQSH_SHELL_COMPARE_H
#define PQSH_SHELL_COMPARE_H

#include "shell.h"

/* Opens `spec` (an endpoint URL, local:PATH or aws[:REGION], as .connect
 * takes) as the second target; err set on failure. */
pq_status shell_compare_open(struct shell *sh, const char *spec, struct pq_error *err) PQ_MUST_USE;
void shell_compare_close(struct shell *sh);
/* Some statement got different answers from the two targets. */
bool shell_compare_differed(const struct shell *sh);
/* SHELL_EXIT_CONNECT (3) when the second target could not be reached or
 * refused the credentials for some statement, else 0. Read between
 * statements. */
int shell_compare_worst(const struct shell *sh);

/* Before `plan` runs on the session's target: starts it on the second
 * target (a thread) and returns a new, empty answer for the session's
 * target to fill, or NULL when not comparing. `plan` must stay alive until
 * shell_compare_end. */
json_t *shell_compare_begin(struct shell *sh, const struct pq_plan *plan);
/* After: waits for the second target, reports at `w` (stderr) where the
 * answers differ, and frees `mine` (NULL: nothing to do). */
void shell_compare_end(struct shell *sh, const struct where *w, json_t *mine);

/* Recording into an answer: the rows of step `step`, one batch or
 * transaction member's outcome (as the run sink gives them), the step's end. */
json_t *shell_answer_new(size_t nsteps);
void shell_answer_rows(json_t *answer, size_t step, const json_t *rows);
void shell_answer_member(json_t *answer, size_t step, size_t i, const json_t *error,
                         const json_t *item);
void shell_answer_end(json_t *answer, size_t step, pq_status st, const struct pq_error *err);

#endif
