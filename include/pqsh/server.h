/* server.h — the embedded engine served over DynamoDB's HTTP protocol (`pqsh serve`).
 *
 * An HTTP/1.1 server (libmicrohttpd, a pool of worker threads, keep-alive)
 * that speaks AWS JSON 1.0 exactly as DynamoDB does: POST / with
 * `X-Amz-Target: DynamoDB_20120810.<Op>`, answers with
 * `application/x-amz-json-1.0`, `x-amzn-RequestId` and `x-amz-crc32`, errors
 * as {"__type": "<namespace>#<Name>", "message": "…"} with DynamoDB's
 * status codes, and the protocol-level errors of reference §1.5.
 *
 * Databases: as DynamoDB Local, one per access key id and region unless
 * `shared_db` (see `db_path`); or, with `engine`, that one engine for
 * everybody. Each answer from a database names it in the `x-pqsh-database`
 * response header ("AKID/region", or "shared"), which SDKs ignore, and in
 * the access log. Writes to one database are serialised (one writer engine,
 * one SQLite connection), so no write is lost or torn; its reads (GetItem,
 * Query, Scan, the Describe and List calls, PartiQL SELECTs, …) run in
 * parallel on reader connections, each on a committed snapshot, and never
 * wait for a write (databases the server opens itself: in memory too, as
 * files in a private temporary folder). HTTP parsing, signature checks and
 * JSON coding run in parallel in the workers.
 *
 * pqsh's own requests (no signature needed, only with `clock_admin`):
 *   GET  /pqsh/clock       → {"Now": epoch seconds, "Offset": seconds}
 *   POST /pqsh/clock       body {"Advance": seconds} or {"Reset": true} → the same
 *   POST /pqsh/ttl-sweep   runs a TTL sweep round now → {"Deleted": n}
 * (and as X-Amz-Target DynamoDB_20120810.pqsh:Clock / .pqsh:TtlSweep, signed).
 * Without `clock_admin` they are refused (403, AccessDeniedException). With
 * `ttl_sweep`, a TTL sweeper runs in the background while the server runs,
 * taking the engine lock for one bounded step at a time.
 *
 * Authentication: without keys, any well-formed SigV4 Authorization header is
 * accepted and a request without one is refused (DynamoDB Local's rule). With
 * keys, every signature is verified with aws/sigv4 (scope, signed host, the
 * 15-minute clock-skew window) and refused with DynamoDB's messages.
 *
 * The core never prints: one access-log line per request goes to `log` when
 * it is set (called from worker threads, one call per line).
 *
 * Ownership: the options are borrowed during pq_server_start only, except
 * `engine` and `keys`, which must outlive the server (databases the server
 * opened itself are closed by pq_server_stop). pq_server_stop()
 * finishes the requests in flight, closes every connection and frees the
 * server; it does not close the engine.
 */
#ifndef PQSH_SERVER_H
#define PQSH_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include "pqsh/engine.h"
#include "pqsh/error.h"

#define PQ_SERVER_MAX_BODY (16u * 1024 * 1024) /* DynamoDB's request size limit */

struct pq_server;
struct pq_server_keys;

typedef void (*pq_server_log_fn)(void *ctx, const char *line);

struct pq_server_options {
    const char *host;                  /* numeric address to bind; NULL → "127.0.0.1" */
    unsigned port;                     /* 0 → any free port (see pq_server_port) */
    struct pq_engine *engine;          /* one database for every caller (borrowed);
                                          NULL → the server opens its own: */
    const char *db_path;               /* ":memory:" (NULL), a database file or a folder */
    bool shared_db;                    /* one database for every access key and region */
    double fixed_time;                 /* those databases' fixed "now"; 0 → the real clock */
    int64_t collection_limit;          /* pq_engine_options.collection_limit (tests) */
    unsigned max_dbs;                  /* per-key databases at most; 0 → 1000 */
    const struct pq_server_keys *keys; /* NULL → accept any well-formed signature */
    const char *region;                /* with keys, the one region signatures may be
                                          scoped to; NULL → any well-formed region */
    unsigned threads;                  /* worker threads; 0 → 4 */
    unsigned timeout_s;                /* idle / stalled connection timeout, and the time
                                          a connection has to start a request; 0 → 30 s */
    unsigned header_timeout_s;         /* from request line to end of headers; 0 → 10 s */
    unsigned body_timeout_s;           /* from end of headers to end of body; 0 → 60 s */
    unsigned max_per_ip;               /* connections one client address may hold; 0 → 100 */
    size_t max_body;                   /* request body limit in bytes; 0 → PQ_SERVER_MAX_BODY */
    size_t max_buffered;               /* body bytes in memory over every connection;
                                          0 → 4 × max_body */
    double auth_now;                   /* epoch seconds the signature check takes as "now";
                                          0 → the real clock (tests set it) */
    bool clock_admin;                  /* answer POST /pqsh/clock and /pqsh/ttl-sweep
                                          (pqsh serve --clock; see pq_engine_admin) */
    bool ttl_sweep;                    /* run the TTL sweeper in the background */
    unsigned sweep_ms;                 /* its round interval; 0 → 1000 ms */
    pq_server_log_fn log;              /* NULL → no access log */
    void *log_ctx;
};

/* Binds and starts serving. PQ_ERR_IO when the address cannot be bound. */
pq_status pq_server_start(const struct pq_server_options *opt, struct pq_server **out,
                          struct pq_error *err) PQ_MUST_USE;
/* The TCP port the server listens on. */
unsigned pq_server_port(const struct pq_server *s);
/* Stops accepting connections, waits (at most `grace_ms`) for the requests in
 * flight to be answered, then closes everything and frees `s`. NULL is allowed. */
void pq_server_stop(struct pq_server *s, unsigned grace_ms);

/* ---- the databases of a running server (for pqsh serve's own pages) ----
 *
 * A database is named "AKID/region" (pq_server_db_name makes the name of
 * an access key id and region); with one shared database every name means
 * that one. Safe to call from any thread while the server runs. */

/* Where the databases are: the folder of the per-key files, the shared
 * file, or ":memory:" (borrowed from `s`); whether they are per key. */
const char *pq_server_db_where(const struct pq_server *s);
bool pq_server_db_per_key(const struct pq_server *s);
/* The name of the database of `akid` in `region` (*out a new string). An
 * empty or absurdly long key id is refused as the server refuses it. */
pq_status pq_server_db_name(const char *akid, const char *region, char **out,
                            struct pq_error *err) PQ_MUST_USE;
/* Runs one API operation on the database `name`, opening it if new
 * (as pq_engine_call; *response is new and the caller's alone, sharing
 * nothing with the database's engine: it may be kept past a reset). */
pq_status pq_server_db_call(struct pq_server *s, const char *name, const char *op, json_t *request,
                            json_t **response, struct pq_error *err) PQ_MUST_USE;
/* Empties the database `name` (every table, item and token), opening it
 * if new; waits for the calls in flight on it and for the HTTP answers
 * they gave to be sent and dropped. */
pq_status pq_server_db_reset(struct pq_server *s, const char *name,
                             struct pq_error *err) PQ_MUST_USE;

struct pq_server_db_stats {
    char *name;
    size_t tables;
    long long items; /* sum of the tables' ItemCount */
    long long bytes; /* sum of their TableSizeBytes */
};
/* Every database opened so far, newest first, with its counts (*out new:
 * pq_server_db_list_free it). */
pq_status pq_server_db_list(struct pq_server *s, struct pq_server_db_stats **out, size_t *n,
                            struct pq_error *err) PQ_MUST_USE;
void pq_server_db_list_free(struct pq_server_db_stats *list, size_t n);

/* Access keys for signature verification, read from a file of
 * "ACCESS_KEY_ID SECRET_ACCESS_KEY" lines (whitespace or one comma between
 * them; blank lines and lines starting with '#' are skipped). PQ_ERR_IO when
 * the file cannot be read, PQ_ERR_USAGE (with file:line) for a malformed
 * line or a file without keys. *out is new: pq_server_keys_free it. */
pq_status pq_server_keys_load(const char *path, struct pq_server_keys **out,
                              struct pq_error *err) PQ_MUST_USE;
/* Adds one pair (copied). For tests and embedders; *keys may start NULL. */
void pq_server_keys_add(struct pq_server_keys **keys, const char *access_key,
                        const char *secret_key);
/* As pq_server_keys_add, with the session token requests signed with this
 * key must carry in X-Amz-Security-Token (NULL: none required). */
void pq_server_keys_add_token(struct pq_server_keys **keys, const char *access_key,
                              const char *secret_key, const char *session_token);
size_t pq_server_keys_count(const struct pq_server_keys *keys);
/* Wipes the secrets and frees. NULL is allowed. */
void pq_server_keys_free(struct pq_server_keys *keys);

#endif
