/* engine.h — the embedded DynamoDB engine: same JSON in and out, tables in SQLite.
 *
 * The engine knows nothing of the shell. It implements CreateTable,
 * DescribeTable, ListTables, DeleteTable, UpdateTable, ExecuteStatement,
 * BatchExecuteStatement and ExecuteTransaction (with ClientRequestToken
 * idempotency and ConsumedCapacity), the item operations, Time to Live, tags,
 * DescribeLimits and DescribeEndpoints with DynamoDB's semantics and exact
 * error messages (../shared/reference/dynamodb.md, dynamodb-item-api.md).
 *
 * One clock: everything that reads "now" (TTL expiry, the ClientRequestToken
 * window, CreationDateTime and the other timestamps) reads the engine's
 * clock, the real time (or the options' fixed time) plus an offset that
 * pq_engine_clock_advance moves.
 *
 * Threads: an engine is not thread-safe; callers serialise every call on it
 * (the functions below included) with one lock, which a sweeper shares.
 *
 * Ownership: pq_engine_open returns a new engine (pq_engine_close it);
 * pq_engine_call borrows `request` and gives a new reference in *response.
 * An answer may share parts with the engine (a write's {"Items": []} is
 * kept and given again, exec.c), which drops its references when closed:
 * an answer held on another thread than the close's must be dropped
 * before pq_engine_close begins (that drop ordered before it, e.g. both
 * under one lock) — pqsh serve's reset waits for the answers being sent.
 */
#ifndef PQSH_ENGINE_H
#define PQSH_ENGINE_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include "pqsh/ast.h"
#include "pqsh/backend.h"
#include "pqsh/error.h"

struct pq_engine;

struct pq_engine_options {
    const char *path;   /* SQLite file, or ":memory:" */
    const char *region; /* for ARNs; NULL → "ddblocal" (DynamoDB Local's) */
    double fixed_time;  /* epoch seconds to report as "now"; 0 → the real clock */
    size_t page_bytes;  /* SELECT page budget in bytes evaluated; 0 → 1 MB */
    /* Bytes one item collection (a partition of a table with an LSI) may
     * hold; 0 → DynamoDB's 10 GB. For tests (PQSH_TEST_COLLECTION_LIMIT). */
    int64_t collection_limit;
};

pq_status pq_engine_open(const struct pq_engine_options *opt, struct pq_engine **out,
                         struct pq_error *err) PQ_MUST_USE;
void pq_engine_close(struct pq_engine *e);
/* A reader: another connection to the database file (opt->path) an engine
 * already open writes. Each call reads the committed snapshot of its start
 * (a deferred transaction in WAL mode: it never waits for the writer, nor
 * the writer for it) and cannot write (query_only: a write is an error).
 * For read-only operations only (pqsh serve's parallel reads). */
pq_status pq_engine_open_reader(const struct pq_engine_options *opt, struct pq_engine **out,
                                struct pq_error *err) PQ_MUST_USE;

/* Runs one API operation ("CreateTable", "ExecuteStatement", …). Errors are
 * PQ_ERR_SERVICE with DynamoDB's error name and message; an unknown op is
 * UnknownOperationException. */
pq_status pq_engine_call(struct pq_engine *e, const char *op, json_t *request, json_t **response,
                         struct pq_error *err) PQ_MUST_USE;

/* `op` with its statements already parsed by the caller (one parse on the
 * way in): ExecuteStatement (n == 1), BatchExecuteStatement (parsed[i] for
 * Statements[i]) or ExecuteTransaction (parsed[i] for TransactStatements[i]);
 * any other op ignores `parsed`. Each entry is as struct pq_parsed says:
 * what pq_parse(text, PQ_PARSE_STRICT) gives for that statement's text,
 * with byte ranges counting from its `base`. An entry whose stmt is NULL or
 * has shell_syntax set, and a statement beyond the n given, are parsed from
 * their text. The answer and the errors are pq_engine_call(e, op, request,
 * …)'s, byte for byte, error ranges in the Statement text included (only
 * ExecuteStatement's errors carry one). `request` and `parsed` are
 * borrowed; no tree is changed. */
pq_status pq_engine_call_parsed(struct pq_engine *e, const char *op, json_t *request,
                                const struct pq_parsed *parsed, size_t n, json_t **response,
                                struct pq_error *err) PQ_MUST_USE;
/* ExecuteStatement with its one statement parsed: pq_engine_call_parsed
 * with {stmt, base}. */
pq_status pq_engine_execute_parsed(struct pq_engine *e, json_t *request, const struct pq_stmt *stmt,
                                   size_t base, json_t **response,
                                   struct pq_error *err) PQ_MUST_USE;

/* The clock: "now" in epoch seconds (milliseconds in the fraction), the
 * offset it was moved by, a move (negative goes back), a reset to offset 0. */
double pq_engine_clock_now(const struct pq_engine *e);
double pq_engine_clock_offset(const struct pq_engine *e);
void pq_engine_clock_advance(struct pq_engine *e, double seconds);
void pq_engine_clock_reset(struct pq_engine *e);

/* The Address DescribeEndpoints answers (host:port, copied); NULL → "localhost". */
void pq_engine_set_endpoint(struct pq_engine *e, const char *address);

/* One step of the TTL sweep, in its own transaction: examines at most
 * `budget` items (0: no bound) and works for about `max_us` microseconds at
 * most (0: no bound; a step always makes some progress), from where the
 * last step stopped, deleting the expired ones; *deleted counts them,
 * *done tells that a whole round over every table ended with this step
 * (the next starts a new one). */
pq_status pq_engine_ttl_sweep(struct pq_engine *e, size_t budget, unsigned max_us, size_t *deleted,
                              bool *done, struct pq_error *err) PQ_MUST_USE;

/* A background sweep's pace, for every sweeper (this one and pqsh serve's
 * over many databases): a step works for PQ_ENGINE_SWEEP_STEP_US (time, not
 * items: a slow disk cannot make a step long), then pq_engine_sweep_pause
 * sleeps as long as the step took since `started` (CLOCK_MONOTONIC), and at
 * least PQ_ENGINE_SWEEP_PAUSE_NS: a request waiting for the lock takes it
 * first (a mutex is not fair: a yield alone lets the sweeper take it
 * straight back), and the sweep holds the writer half the time at most. */
#define PQ_ENGINE_SWEEP_STEP_US 1000
#define PQ_ENGINE_SWEEP_PAUSE_NS 200000L
void pq_engine_sweep_pause(const struct timespec *started);

/* A thread that runs a round of the sweep every `interval_ms` (0 → 1000), in
 * steps of a few hundred items, each step holding `lock` (the lock every
 * other call on the engine holds; borrowed, must outlive the sweeper).
 * pq_engine_sweeper_stop waits for the running step and frees (NULL ok). */
struct pq_engine_sweeper;
pq_status pq_engine_sweeper_start(struct pq_engine *e, pthread_mutex_t *lock, unsigned interval_ms,
                                  struct pq_engine_sweeper **out, struct pq_error *err) PQ_MUST_USE;
void pq_engine_sweeper_stop(struct pq_engine_sweeper *s);

/* pqsh's own administrative operations, never reachable as DynamoDB ones:
 *   "pqsh:Clock"    {} shows the clock; {"Advance": seconds} moves it;
 *                   {"Reset": true} puts it back → {"Now": epoch seconds,
 *                   "Offset": seconds}
 *   "pqsh:TtlSweep" {} runs a whole sweep round now → {"Deleted": n}
 * The embedded backend routes op names starting with "pqsh:" here; `pqsh
 * serve --clock` answers POST /pqsh/clock and /pqsh/ttl-sweep with them.
 * Errors as pq_engine_call's (ValidationException for a bad request). */
pq_status pq_engine_admin(struct pq_engine *e, const char *op, json_t *request, json_t **response,
                          struct pq_error *err) PQ_MUST_USE;

/* A backend that forwards to a new engine opened with `opt`; label "local".
 * Ops named "pqsh:…" go to pq_engine_admin. Unless the options fix the clock
 * (reproducible runs, where only "pqsh:TtlSweep" sweeps), a sweeper runs in
 * the background, sharing the backend's call lock. */
pq_status pq_engine_backend_open(const struct pq_engine_options *opt, struct pq_backend **out,
                                 struct pq_error *err) PQ_MUST_USE;

#endif
