/* shell.h — what the pqsh tool's files share: the session, input sources, rendering.
 *
 * Layout of the tool:
 *   main.c    options, target (embedded engine / AWS seam), exit status
 *   input.c   script input: lines → splitter → statements and commands
 *   repl.c    interactive input: readline, prompts, history (the only readline user)
 *   exec.c    one statement: parse → assignment or plan → run → render
 *   meta.c    dot / backslash commands (a command table)
 *   render.c  output modes: table, json, ddbjson, csv; status lines; DESCRIBE
 *   diag.c    file:line:col messages with the source line and a caret
 *
 * Results go to stdout, errors and notices to stderr; stdout is flushed
 * before anything is written to stderr so merged output keeps its order.
 */
#ifndef PQSH_SHELL_H
#define PQSH_SHELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>
#include "pqsh/backend.h"
#include "pqsh/bind.h"
#include "pqsh/error.h"
#include "pqsh/plan.h"

enum out_mode {
    MODE_TABLE,
    MODE_JSON,
    MODE_DDBJSON,
    MODE_CSV,
};

/* Key attribute names of a table, cached per session (dropped after DDL). */
struct key_entry {
    char *table;
    char *hash;  /* NULL when DescribeTable failed */
    char *range; /* NULL when the table has no sort key */
};

struct shell {
    struct pq_backend *backend;
    struct pq_vars vars;
    enum out_mode mode;
    bool echo;
    bool bail;
    bool failed; /* some statement or command failed */
    bool quit;   /* .quit, or --bail after a failure: stop reading */
    int depth;   /* .read nesting */
    struct key_entry *keys;
    size_t nkeys;
    /* Target options kept for .connect (target.c, engineer L); strings borrowed from argv. */
    struct shell_target {
        bool debug, no_verify_ssl, warned;
        const char *ca_bundle, *profile;
        long connect_timeout_ms, read_timeout_ms; /* 0: default; < 0: none */
    } target;
};

/* Where a statement or command came from, for messages. */
struct where {
    const char *file; /* script path, "<stdin>", "<command line>" */
    unsigned line, col;
    const char *text; /* the statement text (borrowed) */
    size_t len;
};

void shell_init(struct shell *sh);
void shell_release(struct shell *sh);
/* Records a failure; with --bail also stops the session. */
void shell_fail(struct shell *sh);

/* input.c — runs every statement and command of a stream or string. */
void shell_run_stream(struct shell *sh, FILE *f, const char *name);
void shell_run_string(struct shell *sh, const char *text, const char *name);
struct pq_split_stmt;
struct pq_splitter;
/* Runs one piece the splitter returned (statement or command line). */
void shell_run_piece(struct shell *sh, const struct pq_split_stmt *piece, const char *file);
/* Runs every piece the splitter has ready (until .quit or --bail stops). */
void shell_drain(struct shell *sh, struct pq_splitter *sp, const char *file);
/* End of input: runs what is pending, after a word about an open comment. */
void shell_finish(struct shell *sh, struct pq_splitter *sp, const char *file);

/* main.c — $XDG_DATA_HOME/pqsh (or ~/.local/share/pqsh), created 0700;
 * a new string, or NULL (message printed) when it cannot be made. */
char *shell_data_dir(void);

/* repl.c — the interactive loop (stdin is a terminal). */
void shell_repl(struct shell *sh, const char *target, bool history);
/* Set by SIGINT; checked between result pages. */
extern volatile int shell_interrupted;

/* exec.c */
void shell_exec(struct shell *sh, const struct where *w);

/* meta.c — runs a dot / backslash command line. */
void shell_command(struct shell *sh, const struct where *w);
bool shell_set_mode(struct shell *sh, const char *name);
void shell_list_vars(struct shell *sh);

/* render.c */
struct render;
struct render *render_begin(struct shell *sh, const struct pq_step *step);
pq_status render_rows(void *ctx, const struct pq_step *step, json_t *rows, struct pq_error *err);
/* Flushes buffered rows and prints the status line or item count. */
void render_end(struct render *r, const struct pq_run_outcome *outcome, bool ok);
void render_status(const char *tag, bool with_count, unsigned long long count);
/* Key names of a table (cached; DescribeTable on a miss). */
const struct key_entry *shell_table_keys(struct shell *sh, const char *table);
void shell_forget_keys(struct shell *sh);

/* diag.c */
void shell_error(const struct where *w, const struct pq_error *err);
void shell_errorf(const struct where *w, const char *fmt, ...) PQ_PRINTF(2, 3);
void shell_notice(const struct where *w, size_t at, const char *text);

#endif
