/* internal.h — what the classroom's files share: the class, its sessions, the embedded pages.
 *
 * Layout:
 *   session.c  one student: the pqsh child on a pty, the relay thread, the
 *              output kept for the browser, the child's reports, reset, idle end
 *   web.c      the web server: pages, join, output stream, input, teacher API
 *   assets.c   (generated at build time from web/ and xterm.js) the files served
 *
 * Locking: `lock` guards the session list and every session's fields; a
 * session's `cond` is signalled when its output grows or it ends. `life`
 * serialises starting, resetting and ending one session's child. Sessions are
 * never freed before the class is: pointers to them stay valid.
 */
#ifndef PQSH_CLASS_INTERNAL_H
#define PQSH_CLASS_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "pqsh/buf.h"
#include "pqsh/class.h"

#define CLS_OUT_MAX (512u * 1024) /* output kept per session for (re)connecting browsers */

struct cls_session {
    char *name;
    char sid[33]; /* the browser's handle: 32 random hex digits */
    char *db;     /* the student's database file */
    pid_t pid;    /* the child, 0 when none */
    int master;   /* the pty, -1 when none */
    int report;   /* read end of the report pipe, -1 when none */
    pthread_t relay;
    bool relay_running;
    bool resetting; /* the child is being replaced: its end is not the session's */
    bool ended;     /* no child and none coming: the browser is told why */
    char *end_reason;
    pthread_cond_t cond;
    pthread_mutex_t life;
    struct pq_buf out; /* output not yet dropped; out.data[0] is byte out_base */
    uint64_t out_base;
    struct pq_buf line; /* a report line being read */
    /* For the teacher. */
    char *tutorial, *last_statement, *last_error;
    unsigned long long done, steps, statements, errors;
    bool last_ok;
    double joined, last_active; /* epoch seconds */
};

/* Wrong class codes allowed per client address (an IPv4 address or an IPv6
 * /64): a bucket of CLS_GUESS_BURST, one more every CLS_GUESS_REFILL_S.
 * 31^6 codes at 10 a minute would take a guesser centuries. */
#define CLS_GUESS_BURST 10
#define CLS_GUESS_REFILL_S 6.0
#define CLS_GUESS_SLOTS 256

struct cls_guesser {
    bool used;
    unsigned char addr[16]; /* the address (IPv4 mapped), IPv6 cut to its /64 */
    double tokens, at;      /* the bucket, as of `at` (epoch seconds) */
};

struct pq_class {
    struct pq_class_options opt;                  /* strings owned */
    struct cls_guesser guessers[CLS_GUESS_SLOTS]; /* under `lock` */
    pthread_mutex_t lock;
    struct cls_session **sessions;
    size_t nsessions;
    bool stopping;
    struct MHD_Daemon *daemon;
};

struct cls_asset {
    const char *path; /* as requested, e.g. "/static/xterm.js" */
    const char *type;
    const unsigned char *data;
    size_t len;
};
/* NULL-path-terminated; generated (assets.c). */
extern const struct cls_asset cls_assets[];
extern const bool cls_have_xterm; /* xterm.js was found at build time */

double cls_now(void);
/* Random hex digits into out[0 .. 2n) and a terminator. */
void cls_random_hex(char *out, size_t n);

/* session.c. The caller holds no lock unless said. */
/* Finds a session by name or by sid (lock held). */
struct cls_session *cls_find_name(struct pq_class *c, const char *name);
struct cls_session *cls_find_sid(struct pq_class *c, const char *sid);
/* Joins `name`: a new session, or a new child for an ended one. Returns the
 * session, or NULL with *status and *why (static text) set. `resume`: the
 * sid the browser had (a reload keeps its session), or NULL. */
struct cls_session *cls_join(struct pq_class *c, const char *name, const char *resume,
                             unsigned *status, const char **why);
/* Writes keystrokes to the session's pty; false when it has no child. */
bool cls_input(struct pq_class *c, struct cls_session *s, const char *data, size_t len);
void cls_resize(struct pq_class *c, struct cls_session *s, unsigned cols, unsigned rows);
/* Replaces the child by a fresh one on an empty database. */
bool cls_reset(struct pq_class *c, struct cls_session *s);
/* Ends every session and frees them (at stop). */
void cls_sessions_free(struct pq_class *c);

/* web.c */
pq_status cls_web_start(struct pq_class *c, struct pq_error *err);
void cls_web_stop(struct pq_class *c);

#endif
