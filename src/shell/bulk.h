/* bulk.h — several backend calls in flight at once, for .import and .export;
 * and their progress line on the terminal.
 *
 * A pool of worker threads, each with its own clone of the session's backend
 * (pq_backend_clone: against an HTTP endpoint, its own kept-alive
 * connection; every call keeps the backend's retries and errors). A backend
 * that cannot be cloned (the embedded engine: one SQLite connection) runs
 * each call at once on the caller's thread, in order.
 *
 * Ownership: bulk_submit takes the call (and its request); bulk_wait hands
 * a finished call back, to bulk_call_free.
 */
#ifndef PQSH_SHELL_BULK_H
#define PQSH_SHELL_BULK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>
#include "records.h"
#include "shell.h"

struct bulk_call {
    const char *op;   /* static string */
    json_t *request;  /* owned */
    long delay_ms;    /* wait this long before sending (backoff) */
    void *tag;        /* the caller's */
    long number;      /* the caller's */
    int attempt;      /* the caller's retry count */
    json_t *response; /* after: new reference on success */
    struct pq_error err;
    pq_status status;
    /* Optional: run on the worker's thread right after the call, for work on
     * the answer that need not wait for the caller's thread (formatting a
     * page). It may fill `out` (released with the call) and `out_errno`. */
    void (*after)(struct bulk_call *c);
    struct pq_buf out;
    int out_errno;
};

struct bulk;

/* A new call for `op` (static) with `request` (stolen). */
struct bulk_call *bulk_call_new(const char *op, json_t *request);
void bulk_call_free(struct bulk_call *c);

/* Opens a pool of `jobs` connections to the session's target (fewer when
 * the backend cannot be cloned); NULL with `err` set when a clone fails. */
struct bulk *bulk_open(struct shell *sh, int jobs, struct pq_error *err);
/* Calls that may be in flight at once (1 for the embedded engine). */
int bulk_width(const struct bulk *b);
void bulk_submit(struct bulk *b, struct bulk_call *c);
/* Calls submitted and not yet handed back. */
size_t bulk_pending(const struct bulk *b);
/* The next finished call, waiting at most `timeout_s`; NULL when nothing
 * finished in time (or nothing is pending). */
struct bulk_call *bulk_wait(struct bulk *b, double timeout_s);
/* Waits for every pending call (their results are dropped) and frees. */
void bulk_close(struct bulk *b);

/* Full-jitter exponential backoff for retry `attempt` (1-based): a random
 * delay in [0, min(cap, base × 2^(attempt-1))). */
long bulk_backoff_ms(int attempt);

/* Progress on stderr: "12,345 items  4,100/s  3.0 s  ETA 2 s", redrawn at
 * most 10 times a second, only when `on`. */
struct bulk_progress {
    bool on;
    double start, last_draw;
    const char *what; /* "written", "exported" */
    bool drawn;
};
double bulk_now(void);
void bulk_progress_start(struct bulk_progress *p, bool on, const char *what);
/* `fraction` of the work done in [0, 1], or < 0 when unknown. */
void bulk_progress_draw(struct bulk_progress *p, unsigned long long items, double fraction,
                        bool force);
void bulk_progress_clear(struct bulk_progress *p);

/* "1,234,567" */
const char *bulk_count(unsigned long long n, char buf[32]);

/* Splits a dot-command's arguments into words: blanks separate, '…' and
 * "…" quote (a doubled quote inside is one). A new array of strings; NULL
 * when a quote is not closed. */
json_t *bulk_words(const char *args);

/* One option of a bulk dot-command, named with its dashes ("--format"):
 * a switch when `flag` is set, a word when `value` is set, or a whole
 * number from `min` to `max` when `number` is set. */
struct bulk_opt {
    const char *name;
    bool *flag;
    const char **value;
    int *number, min, max;
};

/* Reads a command's `words` (bulk_words; NULL when a quote was not closed)
 * as the options of `opts` (ended by an entry with no name), anywhere, and
 * exactly `npos` other words, into `pos` (borrowed from `words`). An option
 * given twice keeps the last. False after reporting what does not fit: an
 * open quote, a number out of range, or else `usage`. */
bool bulk_args(json_t *words, const struct bulk_opt *opts, const char **pos, size_t npos,
               const struct where *w, void (*usage)(const struct where *w));

/* The format `named` by --format (NULL: none), else the one `path`'s name
 * tells; REC_NONE after reporting when neither says. */
enum rec_format bulk_format(const char *named, const char *path, const struct where *w);

/* The commands (import.c, export.c, dump.c, sample.c). */
bool shell_cmd_import(struct shell *sh, const struct where *w, const char *args, size_t at);
bool shell_cmd_export(struct shell *sh, const struct where *w, const char *args, size_t at);
bool shell_cmd_dump(struct shell *sh, const struct where *w, const char *args, size_t at);
bool shell_cmd_sample(struct shell *sh, const struct where *w, const char *args, size_t at);

#endif
