/* plan.h — statements → DynamoDB API calls (steps), and a runner that executes them.
 *
 * A plan is a list of steps; each step is one API operation with its request
 * JSON and how to follow it up: paging through NextToken (SELECT),
 * LastEvaluatedTableName (SHOW TABLES), waiting for ACTIVE (CREATE TABLE,
 * CREATE / DROP INDEX), a client-side LIMIT, and an error that counts as
 * "already done" (IF [NOT] EXISTS). SQL-style `INSERT INTO t (cols) VALUES
 * (…), (…)` with several rows goes out as BatchExecuteStatement in chunks of
 * 25; statements collected by the shell between BEGIN and COMMIT / BEGIN
 * BATCH and END BATCH become ExecuteTransaction / BatchExecuteStatement
 * steps (pq_plan_transaction, pq_plan_batch). For a SELECT the planner also
 * tells, from the key schema, whether DynamoDB will Query or Scan (keycond.c).
 * The runner delivers results through callbacks and never prints.
 *
 * Ownership: a plan owns its steps, their requests, table names, notes and
 * notices; pq_plan_release frees them. The runner borrows everything it is
 * given; JSON passed to the sink is borrowed for the duration of the callback.
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

/* How the text sent maps back to the text typed: piece i of the sent text
 * starts at byte `sent` and is either a copy of source bytes [src, src_end)
 * (copied) or pqsh's own text standing for that source range (an edit: `?`
 * for a variable, a quoted name, VALUE {…}). Pieces are in sent order. */
struct pq_text_piece {
    size_t sent;
    size_t src, src_end;
    bool copied;
};

struct pq_text_map {
    struct pq_text_piece *pieces; /* owned */
    size_t n;
};

void pq_text_map_release(struct pq_text_map *m);
/* The source range behind sent bytes [start, end) (end == start: a point);
 * false when the map is empty. A position inside an edit maps to the whole
 * source range the edit replaced. */
bool pq_text_map_source(const struct pq_text_map *m, size_t start, size_t end, struct pq_loc *out);

/* DynamoDB's position suffix ending a message, " at LINE:COLUMN:LENGTH"
 * (1-based, in characters of the statement sent): true with the numbers. */
bool pq_message_position(const char *msg, unsigned long *line, unsigned long *col,
                         unsigned long *len);

typedef enum pq_step_type {
    PQ_STEP_SELECT, /* ExecuteStatement whose Items are results, page by page */
    PQ_STEP_WRITE,  /* ExecuteStatement INSERT / UPDATE / DELETE (Items only with RETURNING) */
    PQ_STEP_CREATE_TABLE, /* CreateTable, then DescribeTable until the table is ACTIVE */
    PQ_STEP_DROP_TABLE,   /* DeleteTable */
    PQ_STEP_DESCRIBE,     /* DescribeTable: one row, the TableDescription */
    PQ_STEP_LIST_TABLES,  /* ListTables, following LastEvaluatedTableName: rows are names */
    PQ_STEP_BATCH,        /* BatchExecuteStatement: up to 25 members, one outcome each */
    PQ_STEP_TRANSACTION,  /* ExecuteTransaction: every member or none */
    PQ_STEP_UPDATE_TABLE, /* UpdateTable (CREATE / DROP INDEX), then DescribeTable until the
                             index is ACTIVE (created) or gone (dropped) */
} pq_step_type;

/* Most statements a batch or a transaction may hold (reference §2.5). */
#define PQ_BATCH_MAX 25
#define PQ_TRANSACTION_MAX 100

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
    /* BATCH / TRANSACTION: the request's statements ("members"). member_base
     * is the position of the first one among all members of the plan (a
     * batch of more than 25 is cut into several steps); member_locs[i] is the
     * source range of member i (a row of INSERT … VALUES), or NULL when the
     * members came from several statements (the caller keeps their places). */
    size_t member_base, nmembers;
    struct pq_loc *member_locs; /* owned, or NULL */
    bool reads;                 /* the members are SELECTs: their items are results */
    /* SELECT: how DynamoDB will read, from the table's key schema (§4.2.1):
     * one or more lines ("Query on …: key condition …" / "Scan of the whole
     * table …"), or NULL when the key schema was not available. */
    char *read_note; /* owned */
    bool full_scan;  /* read_note says Scan */
    /* WRITE: DynamoDB does not say whether the write found an item (a DELETE
     * of an absent key succeeds), so no count is known unless RETURNING
     * brings the item back. */
    bool count_unknown;
    /* ExecuteStatement: where each byte of the Statement sent comes from in
     * the source the plan was built from (empty without a source). */
    struct pq_text_map map;
    /* UPDATE_TABLE: the index created (index_create) or dropped. */
    char *index; /* owned */
    bool index_create;
    /* SELECT / WRITE: the statement's own parse when it stands for
     * DynamoDB's parse of the Statement sent — the text sent is exactly the
     * text typed (no edit at all) and the SHELL-mode parse took no pqsh-only
     * turn (pq_stmt.shell_syntax) — else NULL. Its byte ranges count from
     * `parsed_base` bytes before the Statement (in the plan's source). The
     * runner hands it to a backend that takes it (pq_backend_execute: the
     * embedded engine parses once). A reference (pq_stmt_ref) the plan
     * owns. */
    struct pq_stmt *parsed;
    size_t parsed_base;
    /* BATCH / TRANSACTION: the same for each member (nmembers entries, in
     * the request's order; an entry's stmt is NULL when the member's text
     * must be parsed), or NULL when no member has one. The trees are
     * references the plan owns. */
    struct pq_parsed *member_parsed;
};

struct pq_plan {
    struct pq_step *steps;
    size_t nsteps;
    char **notices; /* one-line remarks made while planning (owned) */
    size_t nnotices;
};

void pq_plan_init(struct pq_plan *p);
void pq_plan_release(struct pq_plan *p);

/* What the planner may ask its caller, and request options. All optional. */
struct pq_plan_context {
    void *ctx;
    /* The TableDescription of `table` (DescribeTable's "Table"; borrowed,
     * valid while planning), or NULL when unknown (then *why, if set, says
     * why). Used for the Query-vs-Scan note of a SELECT and the key types of
     * CREATE INDEX. */
    const json_t *(*describe)(void *ctx, const char *table, const char **why);
    /* The type ('S', 'N' or 'B') attribute `attr` has in the items of
     * `table` (a sample), or 0 when unknown. For CREATE INDEX on an attribute
     * the table does not define yet. */
    char (*attr_type)(void *ctx, const char *table, const char *attr);
    /* The text the statement was parsed from (its byte ranges point into
     * it), or NULL. With it, a PartiQL statement is sent as typed, with only
     * the edits DynamoDB needs (src/plan/sent.c: variables → `?`, names it
     * refuses bare quoted, comments left out, LIMIT n and INSERT … VALUES
     * turned into DynamoDB's forms); a clause DynamoDB refuses (GROUP BY,
     * HAVING, DISTINCT, OFFSET, ON CONFLICT, several FROM sources) stays for
     * DynamoDB to answer, LIMIT too. Without it the statement is printed
     * from the tree (pq_stmt_print). */
    const char *source;
    size_t source_len;
    /* The comments in `source` (pq_stmt.comments); pq_plan_build_ex fills
     * them from the statement it plans. */
    const struct pq_loc *comments;
    size_t ncomments;
    bool capacity; /* ReturnConsumedCapacity TOTAL on statement calls */
    /* Work out each SELECT's Query-vs-Scan note (step->read_note,
     * step->full_scan), asking `describe` for the key schema. Only when the
     * note is shown (EXPLAIN, .explain) or acted on (.scanwarn): a
     * DescribeTable round trip is not free on DynamoDB. */
    bool read_notes;
    bool consistent; /* ConsistentRead on SELECT statements */
};

/* Plans one statement. Binds variables first (pq_bind), so `s` is rewritten
 * in place. Statement kinds the planner does not turn into calls by
 * themselves (SET_VAR, UNSET_VAR, BEGIN / COMMIT / ROLLBACK, BEGIN / END
 * BATCH: the shell collects the statements in between) give PQ_ERR_PLAN;
 * EXPLAIN plans its inner statement. Errors carry the byte range of the
 * offending part. On failure `out` is left empty. `ctx` may be NULL. */
pq_status pq_plan_build_ex(struct pq_stmt *s, const struct pq_vars *vars,
                           const struct pq_plan_context *ctx, struct pq_plan *out,
                           struct pq_error *err) PQ_MUST_USE;
/* The same with no context. */
pq_status pq_plan_build(struct pq_stmt *s, const struct pq_vars *vars, struct pq_plan *out,
                        struct pq_error *err) PQ_MUST_USE;

/* A statement collected for a batch or a transaction. */
struct pq_member {
    const json_t *request; /* its ExecuteStatement request (Statement, Parameters; other
                              members are left out); borrowed */
    const char *table;     /* table it reads or writes, or NULL */
    bool read;             /* a SELECT */
    /* Its planned step's `parsed` and `parsed_base` (NULL: none); borrowed,
     * the plan takes a reference. */
    struct pq_stmt *parsed;
    size_t parsed_base;
};

/* BatchExecuteStatement steps for `n` members, 25 per step, in order
 * (member_base counts across steps). n == 0 plans nothing. */
void pq_plan_batch(const struct pq_member *m, size_t n, const struct pq_plan_context *ctx,
                   struct pq_plan *out);
/* One ExecuteTransaction step for `n` members (1..100, else PQ_ERR_PLAN) with
 * ClientRequestToken `token`. */
pq_status pq_plan_transaction(const struct pq_member *m, size_t n, const char *token,
                              const struct pq_plan_context *ctx, struct pq_plan *out,
                              struct pq_error *err) PQ_MUST_USE;
/* A random UUID version 4 (RFC 9562) in lowercase text, from OpenSSL's
 * RAND_bytes: the ClientRequestToken of a COMMIT without WITH TOKEN. */
void pq_plan_new_token(char out[37]);

/* Appends a description of a step for EXPLAIN: `ExecuteStatement
 * {"Statement": …}` plus its follow-ups in brackets, then (SELECT) the read
 * note and the client-side LIMIT on indented lines. Ends without a newline. */
void pq_step_describe(const struct pq_step *step, struct pq_buf *out);

/* ---- keycond.c: Query or Scan, from the WHERE clause and the key schema ----
 *
 * DynamoDB's rule (reference §4.2.1): a SELECT is a Query when its WHERE
 * clause pins the partition key by equality or IN, as a top-level AND
 * conjunct or in every branch of an OR; otherwise it scans the whole table
 * (or index). Within each Query, one conjunct on the sort key using =, <,
 * <=, >, >=, BETWEEN or begins_with is a key condition; everything else
 * filters. This works on the syntax tree (values are literals, `?`
 * parameters or variables), needs no engine and allocates only `reads`. */
struct pq_key_names {
    const char *hash;  /* partition key attribute */
    const char *range; /* sort key attribute, or NULL */
};

struct pq_key_read {
    const struct pq_expr *hash_cond;  /* `h = v`, `h IN [...]`, or an OR of those (borrowed) */
    const struct pq_expr *range_cond; /* the sort-key condition, or NULL (borrowed) */
    size_t nvalues;                   /* partition values hash_cond names */
};

struct pq_read_plan {
    bool query;
    struct pq_key_read *reads; /* one per OR branch when every branch pins, else one */
    size_t nreads;
    bool filter;      /* conditions beyond the key conditions filter the items read */
    const char *why;  /* Scan: why, to follow the partition key's name (static) */
    const char *hash; /* the partition key (borrowed from the key names) */
};

/* Classifies `where` (NULL: no WHERE clause). Borrowed pointers into `where`. */
void pq_keycond_classify(const struct pq_expr *where, const struct pq_key_names *k,
                         struct pq_read_plan *out);
void pq_read_plan_release(struct pq_read_plan *p);
/* Appends the note for a read of `table` (or its `index`, NULL for none):
 * "Query on table \"T\": key condition \"pk\" = 'a' AND \"sk\" > 1", or
 * "Scan of the whole table \"T\": <why>"; several OR branches give one
 * indented line each. `params` (the request's Parameters, may be NULL)
 * fill the `?` shown. */
void pq_read_plan_describe(const struct pq_read_plan *p, const char *table, const char *index,
                           const json_t *params, struct pq_buf *out);
/* The key schema of `index` (NULL: the table) in a TableDescription; false
 * when there is no such index. Names are borrowed from `desc`. */
bool pq_keycond_schema(const json_t *desc, const char *index, struct pq_key_names *out);

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
    /* BATCH / TRANSACTION: the outcome of member `i` (0-based within the step;
     * add step->member_base for the plan-wide position), in order: `error`
     * is NULL or the slot's {"Code", "Message"}; `item` the slot's Item (read
     * found, or RETURNING) or NULL. May be NULL. */
    void (*member)(void *ctx, const struct pq_step *step, size_t i, const json_t *error,
                   const json_t *item);
    /* The ConsumedCapacity of a response (an object, or a list for batches
     * and transactions), when the response has one. May be NULL. */
    void (*capacity)(void *ctx, const struct pq_step *step, const json_t *consumed);
};

struct pq_run_outcome {
    uint64_t count;  /* rows delivered; 1 for a successful write or DDL step; BATCH:
                        members that succeeded; TRANSACTION: members committed */
    bool skipped;    /* the tolerated error happened: nothing was done */
    uint64_t failed; /* BATCH: members whose slot carries an error */
};

/* Runs one step against a backend. Stops at the first error (set in `err`).
 * A BATCH step succeeds when the call does, whatever its slots say (see
 * outcome->failed); slots failing with a retryable code (throttling,
 * conflicts, internal errors) are sent again, up to 3 times. A TRANSACTION
 * that is cancelled fails with TransactionCanceledException, the reasons in
 * err->detail's CancellationReasons. */
pq_status pq_plan_run_step(struct pq_backend *b, const struct pq_step *step,
                           const struct pq_run_sink *sink, struct pq_run_outcome *out,
                           struct pq_error *err) PQ_MUST_USE;

/* The source range a service error's position (`message` ends " at L:C:N",
 * counted in the step's Statement) stands for, through step->map: false when
 * the message has no position or the step no map. */
bool pq_step_error_source(const struct pq_step *step, const char *message, struct pq_loc *out);

/* How long the runner waits at most for a new table or index to become ACTIVE. */
#define PQ_PLAN_ACTIVE_TIMEOUT_MS 300000u

#endif
