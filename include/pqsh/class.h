/* class.h — the classroom: `pqsh serve --class` (src/class/).
 *
 * A web server (libmicrohttpd, a thread per connection) with two pages:
 *   /          the student page: a name and the class code, then a terminal
 *              (xterm.js, embedded at build time) on a real pqsh REPL
 *   /teacher   every student live (tutorial progress, last statement, last
 *              error, idle time), reset one student's database, results CSV
 * Each joined student gets the ordinary pqsh REPL (`pqsh --sandbox`, see
 * src/shell/sandbox.c) in a child process on a pseudo-terminal, on a
 * database file of their own in `dir`; the server relays bytes between the
 * pty and the browser (Server-Sent Events out, POSTs in) and reads the
 * child's progress reports (JSON lines on an extra pipe). One REPL serves
 * the terminal and the browser; nothing of it is written twice.
 *
 * The core never prints: pq_class_start reports problems in `err`.
 *
 * Ownership: the options' strings are copied by pq_class_start.
 * pq_class_stop ends every session (children killed, pipes closed), stops
 * the web server and frees the class; the students' database files stay in
 * `dir` for the caller to remove.
 */
#ifndef PQSH_CLASS_H
#define PQSH_CLASS_H

#include <stdbool.h>
#include <stddef.h>
#include "pqsh/error.h"

struct pq_class;
struct pq_server;

struct pq_class_options {
    const char *host;          /* numeric address; NULL → "127.0.0.1" */
    unsigned port;             /* 0 → any free port (pq_class_port) */
    const char *pqsh;          /* the pqsh binary each session runs; required */
    const char *dir;           /* an existing folder for the students' databases */
    const char *code;          /* the class code students enter; NULL → six random letters */
    const char *teacher_token; /* the teacher page's token (16+ characters); NULL → random */
    unsigned idle_s;           /* a session with no input this long ends; 0 → 1800 */
    unsigned max_sessions;     /* students at once; 0 → 100 */
    unsigned long long quota_items, quota_bytes, quota_rate; /* per student; 0: none */
    /* The DynamoDB endpoint beside the class (borrowed, may be NULL): with
     * databases per access key, students who join natively (pqsh
     * --endpoint-url, their name as access key id) show on the teacher page
     * with their tables, items and bytes, and can be reset there too. */
    struct pq_server *server;
};

pq_status pq_class_start(const struct pq_class_options *opt, struct pq_class **out,
                         struct pq_error *err) PQ_MUST_USE;
unsigned pq_class_port(const struct pq_class *c);
/* The class code and the teacher's token (borrowed, live as long as the class). */
const char *pq_class_code(const struct pq_class *c);
const char *pq_class_teacher_token(const struct pq_class *c);
/* Ends every session and stops the server; NULL is allowed. */
void pq_class_stop(struct pq_class *c);
/* False when pqsh was built without xterm.js (web/node_modules absent at build time). */
bool pq_class_has_terminal(void);
/* "items=N,bytes=N,rate=N" (any subset) into the options' quotas; PQ_ERR_USAGE otherwise. */
pq_status pq_class_parse_quota(const char *text, struct pq_class_options *opt,
                               struct pq_error *err) PQ_MUST_USE;

#endif
