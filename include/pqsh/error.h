/* error.h — status codes and the error value every fallible pqsh function fills.
 *
 * Ownership rule for this module: a struct pq_error owns its strings and its
 * `detail` reference. pq_error_init() before first use, pq_error_release()
 * after; setting an error that is already set replaces it (the old one is
 * released). The core library never prints an error; the shell formats it.
 */
#ifndef PQSH_ERROR_H
#define PQSH_ERROR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#define PQ_MUST_USE __attribute__((warn_unused_result))
#define PQ_PRINTF(f, a) __attribute__((format(printf, f, a)))

typedef enum pq_status {
    PQ_OK = 0,
    PQ_ERR_NOMEM,   /* allocation failed */
    PQ_ERR_SYNTAX,  /* statement text does not parse; range set */
    PQ_ERR_BIND,    /* variable binding failed (undefined :name, …); range set */
    PQ_ERR_PLAN,    /* statement parses but cannot be turned into API calls */
    PQ_ERR_SERVICE, /* DynamoDB (or the embedded engine) answered with an error */
    PQ_ERR_IO,      /* file, database or network failure */
    PQ_ERR_USAGE,   /* bad command-line or dot-command usage */
    PQ_ERR_UNKNOWN, /* a write whose outcome is unknown (network failed mid-call) */
} pq_status;

#define PQ_NO_POS SIZE_MAX

struct pq_error {
    pq_status code;
    char *type;      /* PQ_ERR_SERVICE: DynamoDB error name, e.g. "ValidationException" */
    char *message;   /* human text; for service errors DynamoDB's exact message */
    size_t start;    /* byte range in the statement source, or PQ_NO_POS */
    size_t end;      /* exclusive */
    json_t *detail;  /* optional whole error body (CancellationReasons, Item); owned */
    int http_status; /* 0 when not from HTTP */
    bool at_token;   /* PQ_ERR_SERVICE: start/end come from the service's own position
                        (" at L:C:N" mapped to the source), so they mark a token */
};

void pq_error_init(struct pq_error *e);
void pq_error_release(struct pq_error *e);
/* Moves src into dst (dst released first); src is left initialised and empty. */
void pq_error_move(struct pq_error *dst, struct pq_error *src);

/* Sets a local error with a byte range (PQ_NO_POS for none). Returns `code`. */
pq_status pq_error_set(struct pq_error *e, pq_status code, size_t start, size_t end,
                       const char *fmt, ...) PQ_PRINTF(5, 6);
/* Sets a DynamoDB service error: type name (without namespace) and exact message.
 * Returns PQ_ERR_SERVICE. */
pq_status pq_error_service(struct pq_error *e, const char *type, const char *fmt, ...)
    PQ_PRINTF(3, 4);
/* Shorthand for a ValidationException. */
pq_status pq_error_validation(struct pq_error *e, const char *fmt, ...) PQ_PRINTF(2, 3);
/* PQ_ERR_NOMEM with a fixed message. */
pq_status pq_error_nomem(struct pq_error *e);

#endif
