/* plan.h — statements → DynamoDB API calls (steps), and a runner that executes them.
 *
 * A plan is a list of steps; each step is one API operation with its request
 * JSON and how to follow it up: paging through NextToken (SELECT),
 * LastEvaluatedTableName (SHOW TABLES), waiting for ACTIVE (CREATE TABLE), a
 * client-side LIMIT, and an error that counts as "already done" (IF [NOT]
 * EXISTS). SQL-style `INSERT INTO t (cols) VALUES (…), (…)` plans one
 * PartiQL INSERT per row. The runner delivers results through callbacks and
 * never prints.
 *
 * Ownership: a plan owns its steps, their requests, table names and notices;
 * pq_plan_release frees them. The runner borrows everything it is given; row
 * arrays passed to the sink are borrowed for the duration of the callback.
 */
#ifndef PQSH_PLAN_H
#define PQSH_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "pqsh/ast.h"
#include "pqsh/backend.h"
#include "pqsh/bind.h"
#include "pqsh/buf.h"
#include "pqsh/error.h"

typedef enum pq_step_type {
    PQ_STEP_SELECT, /* ExecuteStatement whose Items are results, page by page */
    PQ_STEP_WRITE,  /* ExecuteStatement INSERT / UPDATE / DELETE (Items only with RETURNING) */
    PQ_STEP_CREATE_TABLE, /* CreateTable, then DescribeTable until the table is ACTIVE */
    PQ_STEP_DROP_TABLE,   /* DeleteTable */
    PQ_STEP_DESCRIBE,     /* DescribeTable: one row, the TableDescription */
    PQ_STEP_LIST_TABLES,  /* ListTables, following LastEvaluatedTableName: rows are names */
} pq_step_type;

struct pq_step {
    pq_step_type kind;
    const char *op;       /* "ExecuteStatement", "CreateTable", … (static) */
    json_t *request;      /* owned */
    const char *tag;      /* status word for writes and DDL: "INSERT", "UPDATE", "DELETE",
                             "CREATE TABLE", "DROP TABLE"; NULL otherwise (static) */
    char *table;          /* table read or changed (owned); NULL for ListTables */
    const char *tolerate; /* service error type that means "nothing to do" (IF [NOT]
                             EXISTS), or NULL (static) */
    bool has_limit;       /* SELECT … LIMIT n: stop after `limit` items */
    uint64_t limit;
    struct pq_loc loc; /* source range the step comes from (a row of INSERT … VALUES,
                          or the statement); for error positions */
};

struct pq_plan {
    struct pq_step *steps;
    size_t nsteps;
    char **notices; /* one-line remarks made while planning (owned) */
    size_t nnotices;
};

void pq_plan_init(struct pq_plan *p);
void pq_plan_release(struct pq_plan *p);

/* Plans one statement. Binds variables first (pq_bind), so `s` is rewritten
 * in place. Statement kinds the planner does not turn into calls (SET_VAR,
 * UNSET_VAR, transactions, batches, EXPLAIN's wrapper, indexes) give
 * PQ_ERR_PLAN; EXPLAIN plans its inner statement. Errors carry the byte range
 * of the offending part. On failure `out` is left empty. */
pq_status pq_plan_build(struct pq_stmt *s, const struct pq_vars *vars, struct pq_plan *out,
                        struct pq_error *err) PQ_MUST_USE;

/* Appends a one-line description of a step for EXPLAIN:
 * `ExecuteStatement {"Statement": …}` plus its follow-ups in brackets. */
void pq_step_describe(const struct pq_step *step, struct pq_buf *out);

struct pq_run_sink {
    void *ctx;
    /* One page of results: for SELECT and RETURNING an array of items, for
     * DESCRIBE an array holding the TableDescription, for SHOW TABLES an array
     * of name strings. Returning non-OK stops the step with that error. May be
     * NULL (results dropped). */
    pq_status (*rows)(void *ctx, const struct pq_step *step, json_t *rows, struct pq_error *err);
    /* A remark about the step ("table 'x' already exists, skipping"). May be NULL. */
    void (*notice)(void *ctx, const struct pq_step *step, const char *text);
    /* Waits `ms` milliseconds between DescribeTable polls; NULL → nanosleep. */
    void (*sleep)(void *ctx, unsigned ms);
};

struct pq_run_outcome {
    uint64_t count; /* rows delivered; 1 for a successful write or DDL step */
    bool skipped;   /* the tolerated error happened: nothing was done */
};

/* Runs one step against a backend. Stops at the first error (set in `err`). */
pq_status pq_plan_run_step(struct pq_backend *b, const struct pq_step *step,
                           const struct pq_run_sink *sink, struct pq_run_outcome *out,
                           struct pq_error *err) PQ_MUST_USE;

/* How long the runner waits at most for a new table to become ACTIVE. */
#define PQ_PLAN_ACTIVE_TIMEOUT_MS 300000u

#endif
