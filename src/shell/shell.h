/* shell.h — what the pqsh tool's files share: the session, input sources, rendering.
 *
 * Layout of the tool:
 *   main.c     options, target (embedded engine / AWS seam), ~/.pqshrc, exit status
 *   input.c    script input: lines → splitter → statements and commands
 *   repl.c     interactive input: readline, prompts, history (the only readline user)
 *   complete.c tab completion (keywords, tables, attributes, variables, commands, files)
 *   exec.c     one statement: parse → assignment or plan → run → render
 *   meta.c     dot / backslash commands (a command table)
 *   help.c     .help topics: syntax and a worked example per statement and command
 *   render.c   output modes: table, line, markdown, json, ddbjson, csv, tsv; status
 *              lines; DESCRIBE; --sort; progress counter
 *   pager.c    tall interactive results through $PAGER; .output FILE
 *   call.c     the shell's side of backend calls: timing, spinner, Ctrl-C cancel
 *   tutorial.c tutorial mode: steps, checks and hints read from data files
 *   diag.c     file:line:col messages with the source line and a caret
 *   compare.c  --compare TARGET: each plan run on a second target too, answers compared
 *   import.c, export.c, dump.c, sample.c  data in and out (see bulk.h, records.h)
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
    MODE_TSV,
    MODE_MARKDOWN,
    MODE_LINE,
};

struct tutorial;
struct call_wrap;

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
    bool failed;     /* some statement or command failed */
    int exit_status; /* why, for the exit status of a script: SHELL_EXIT_* (the worst) */
    bool quiet;      /* -q: no status lines (CREATE TABLE, INSERT 1, SET, COMMIT n, …) */
    bool quit;       /* .quit, or --bail after a failure: stop reading */
    int depth;       /* .read nesting */
    struct key_entry *keys;
    size_t nkeys;
    /* Presentation and interaction (engineer I). */
    bool interactive;  /* statements come from the prompt */
    bool sort;         /* --sort: items and attributes in a fixed order */
    bool wrap;         /* --wrap: wrap long cells instead of cutting them with … */
    bool box;          /* table mode with box-drawing characters */
    bool color;        /* ANSI colour on stdout */
    bool progress;     /* live counters and spinners on stderr */
    bool pager;        /* tall results through $PAGER */
    bool timing;       /* .timing on */
    bool consistent;   /* .consistent on: strongly consistent reads */
    bool explain;      /* .explain on: show each step's API call before it runs */
    unsigned width;    /* columns to fit tables in; 0 → no limit */
    bool width_auto;   /* `width` follows the terminal's */
    int saved_stdout;  /* .output FILE: the original stdout, or -1 */
    char *output_path; /* .output FILE: FILE (owned), or NULL */
    json_t *tables;    /* table names for completion (cached), or NULL */
    json_t *attrs;     /* {table: {attribute: true}} seen in results this session */
    json_t *last_rows; /* items of the last SELECT (capped), for tutorial checks */
    char *last_table;  /* table of the last SELECT (owned), or NULL */
    /* render_end's last one, for the next render_begin (owned), or NULL */
    struct render *render_spare;
    /* ExecuteStatement request of the last SELECT, or NULL (tutorial checks) */
    json_t *last_request;
    struct tutorial *tutorial;
    struct call_wrap *calls; /* see call.c */
    /* Target options kept for .connect (target.c, engineer L); strings borrowed from argv. */
    struct shell_target {
        bool debug, no_verify_ssl, warned;
        const char *ca_bundle, *profile;
        long connect_timeout_ms, read_timeout_ms; /* 0: default; < 0: none */
    } target;
    /* Transactions, batches, capacity, scan warnings (engineer K; see exec.h). */
    struct shell_block *block;     /* statements collected since BEGIN / BEGIN BATCH, or NULL */
    const char *block_mark;        /* "txn" or "batch" while a block is open (for the prompt) */
    bool capacity;                 /* .capacity on: ConsumedCapacity after each statement */
    int scanwarn;                  /* .scanwarn: 0 default (on when interactive), 1 on, 2 off */
    json_t *schemas;               /* {table: TableDescription or failure text}, or NULL */
    bool sandbox;                  /* --sandbox: the classroom's restricted shell (sandbox.c) */
    json_t *gset_rows;             /* while a `… \gset` statement runs: its items, else NULL */
    struct shell_compare *compare; /* --compare TARGET (compare.h), or NULL */
    struct jobs *jobs;             /* --jobs N: statements in flight (jobs.h), or NULL */
    /* Results held in stdout's buffer (input.c, shell_output_holding). */
    bool may_hold;     /* stdout is neither a terminal nor stderr's file (main.c) */
    bool local_target; /* sh->backend is the embedded engine (target.c) */
    struct shell_held {
        bool on;            /* stdout's buffer holds results not yet written */
        const char *file;   /* where the first of them came from (borrowed: the */
        unsigned line, col; /* stream that ran it writes them before it ends) */
        long long since_ms; /* when it was held (CLOCK_MONOTONIC) */
    } held;
};

/* Where a statement or command came from, for messages. */
struct where {
    const char *file; /* script path, "<stdin>", "<command line>" */
    unsigned line, col;
    const char *text; /* the statement text (borrowed) */
    size_t len;
};

void shell_init(struct shell *sh);
/* The binder's hook (pq_vars.fn, ctx = the shell): uuid(), now(), now() ± N
 * in a value position become parameters, evaluated once per statement run. */
bool shell_vars_fn(void *ctx, const struct pq_expr *e, json_t **value, struct pq_error *err);
void shell_release(struct shell *sh);
/* Records a failure; with --bail also stops the session. */
void shell_fail(struct shell *sh);

/* Exit statuses of a script (-f, -c, piped input), documented in --help and
 * pqsh(1). 0, 1 and 2 keep their meanings; 3 and 4 tell a script that the
 * statement itself may have been fine. */
enum {
    SHELL_EXIT_FAILED = 1,  /* a statement was refused (by pqsh or the service) */
    SHELL_EXIT_USAGE = 2,   /* bad options */
    SHELL_EXIT_CONNECT = 3, /* the service could not be reached, or refused the
                               credentials (none, expired, invalid) */
    SHELL_EXIT_UNKNOWN = 4, /* a write's outcome is unknown (the connection failed
                               after it was sent) */
};
/* The exit status that `err`, from a statement sent to backend `b`, calls
 * for (one of the above). */
int shell_exit_reason(const struct pq_backend *b, const struct pq_error *err);
/* Records why a statement failed (err: what shell_error printed) for the exit status. */
void shell_fail_because(struct shell *sh, const struct pq_error *err);

/* input.c — runs every statement and command of a stream or string. */
void shell_run_stream(struct shell *sh, FILE *f, const char *name);
void shell_run_string(struct shell *sh, const char *text, const char *name);
/* After a statement or command (w: where it was; NULL at the end): a write
 * error on stdout or the .output file is reported and fails the run; the
 * error clears, and .output goes back to the screen. False on an error. */
bool shell_check_output(struct shell *sh, const struct where *w);
/* Whether a statement's results may stay in stdout's buffer for now: a
 * script (not the prompt) on the embedded engine whose results go to a
 * file or pipe that is neither a terminal nor stderr's file (unless that
 * is /dev/null), without
 * .output, --jobs or --compare. Then stdio writes them in blocks, not one
 * write(2) per statement; they are written before input that is not yet
 * buffered is read, before a dot command, after 50 ms, and at the end of
 * the stream (shell_output_release). */
bool shell_output_holding(const struct shell *sh);
/* End of a statement's output: stdout written now unless results are held. */
void shell_output_point(struct shell *sh);
/* Writes held results; a write error is reported at the first statement
 * whose results were held (shell_check_output). False on an error. */
bool shell_output_release(struct shell *sh);
/* Installs the handlers that write held results when SIGINT, SIGTERM or
 * SIGHUP ends a script (a no-op for a signal that is ignored). */
void shell_output_signals(struct shell *sh);
/* Whether a whole line of `f` is already buffered: reading it cannot block. */
bool shell_input_has_line(FILE *f);
/* fopen(path, "r") for a script; NULL with errno set, EISDIR for a folder. */
FILE *shell_open_script(const char *path);
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
/* Set by SIGINT; checked between result pages and while a call runs. */
extern volatile int shell_interrupted;
/* Asks a yes/no question at the prompt; false unless the answer starts with y. */
bool shell_confirm(const char *question);

/* complete.c — installs readline's completion for this session. */
void shell_complete_init(struct shell *sh);
/* The statement typed so far on earlier lines (for completion context). */
void shell_complete_pending(const char *text);
/* Every table name of the target (all ListTables pages): a new reference,
 * or NULL with `err` set. */
json_t *shell_list_tables(struct shell *sh, struct pq_error *err);
/* Table names (ListTables, cached until DDL); borrowed, never NULL. */
json_t *shell_table_names(struct shell *sh);
/* Remembers the attribute names of result items of `table`. */
void shell_note_attrs(struct shell *sh, const char *table, json_t *items);

/* help.c */
/* Prints help on `topic` (a statement, a command, a mode); false when unknown. */
bool shell_help_topic(const char *topic);
/* Statement topics in order, for the overview and completion; NULL-terminated. */
const char *shell_help_name(size_t i);

/* pager.c — interactive results taller than the screen go through $PAGER. */
void shell_page_begin(struct shell *sh);
void shell_page_end(struct shell *sh);
/* Terminal size of the real stdout (0 when it is not a terminal). */
unsigned shell_term_rows(void);
unsigned shell_term_cols(void);
/* .output FILE (NULL: back to the real stdout); false with the message printed. */
bool shell_output_to(struct shell *sh, const struct where *w, const char *path);

/* call.c — wraps sh->backend (again after .connect) to time calls, show a
 * spinner and let Ctrl-C abandon a call that is taking long. */
void shell_calls_wrap(struct shell *sh);
void shell_calls_release(struct shell *sh);
/* Starts / ends the timing of one statement (prints with .timing on). */
void shell_timing_begin(struct shell *sh);
void shell_timing_end(struct shell *sh);
/* Step being run (spinner text), borrowed until the next call; NULL when
 * none (render_end says so before the step can go). */
void shell_calls_step(struct shell *sh, const struct pq_step *step);

/* tutorial.c */
/* Lists the tutorials found (for --tutorial and .tutorial). */
void shell_tutorial_list(FILE *out);
/* Starts tutorial NAME (or a path to a .tut file); false with a message. */
bool shell_tutorial_start(struct shell *sh, const char *name);
/* After each statement in tutorial mode: checks the current step. */
void shell_tutorial_after(struct shell *sh, bool statement_ok);
void shell_tutorial_hint(struct shell *sh);
void shell_tutorial_skip(struct shell *sh);
void shell_tutorial_status(struct shell *sh);
void shell_tutorial_free(struct shell *sh);

/* exec.c */
void shell_exec(struct shell *sh, const struct where *w);
/* The same for a statement ended by psql's `\gset [prefix]` (`then`): its
 * result is not printed; the attributes of its one item become variables
 * (prefix + name); no item or several is an error and sets nothing. */
void shell_exec_gset(struct shell *sh, const struct where *w, const char *then);

/* Where lines about the run go that are not results (status lines, timing):
 * stdout, except in the data modes (json, ddbjson, csv, tsv), where stdout
 * carries only the data and they go to stderr (stdout flushed first). */
FILE *shell_side_stream(struct shell *sh);
/* A status line (`INSERT 1`, `SET`, `BEGIN`, `statement 2: INSERT 1`, …) on
 * shell_side_stream(); nothing with -q. */
void shell_statusf(struct shell *sh, const char *fmt, ...) PQ_PRINTF(2, 3);
/* shell_statusf of a ready line (`len` bytes). */
void shell_status_write(struct shell *sh, const char *text, size_t len);
/* clock.c — .clock, .ttl-sweep (embedded engine) and .ttl TABLE [ATTRIBUTE|off]. */
bool shell_cmd_clock(struct shell *sh, const struct where *w, const char *args, size_t at);
bool shell_cmd_ttl_sweep(struct shell *sh, const struct where *w, const char *args, size_t at);
bool shell_cmd_ttl(struct shell *sh, const struct where *w, const char *args, size_t at);
/* tail.c — .tail TABLE (its stream's changes until Ctrl-C), .stream TABLE [VIEW|off]. */
bool shell_cmd_tail(struct shell *sh, const struct where *w, const char *args, size_t at);
bool shell_cmd_stream(struct shell *sh, const struct where *w, const char *args, size_t at);

/* meta.c — runs a dot / backslash command line. */
void shell_command(struct shell *sh, const struct where *w);
bool shell_set_mode(struct shell *sh, const char *name);
#define SHELL_MODES "table, line, markdown, json, ddbjson, csv or tsv"
/* Command names (aliases included) for completion; NULL past the end. */
const char *shell_command_name(size_t i);
void shell_list_vars(struct shell *sh);

/* render.c */
struct render;
/* Colour escapes for stdout (empty strings without colour). */
const char *shell_sgr(const struct shell *sh, const char *code);
struct render *render_begin(struct shell *sh, const struct pq_step *step);
pq_status render_rows(void *ctx, const struct pq_step *step, json_t *rows, struct pq_error *err);
/* Flushes buffered rows and prints the status line or item count. */
void render_end(struct render *r, const struct pq_run_outcome *outcome, bool ok);
void render_status(struct shell *sh, const char *tag, bool with_count, unsigned long long count);
/* Key names of a table (cached; DescribeTable on a miss). */
const struct key_entry *shell_table_keys(struct shell *sh, const char *table);
void shell_forget_keys(struct shell *sh);

/* diag.c */
void shell_error(const struct where *w, const struct pq_error *err);
void shell_errorf(const struct where *w, const char *fmt, ...) PQ_PRINTF(2, 3);
void shell_notice(const struct where *w, size_t at, const char *text);
/* A notice at byte `start` of the statement, then its source line and a
 * caret under [start, end). */
void shell_notice_span(const struct where *w, size_t start, size_t end, const char *text);
/* The end of the text on the line holding byte `at` (trailing blanks and a
 * ';' left out): a caret under [at, that) underlines the rest of the line. */
size_t shell_line_rest(const struct where *w, size_t at);
/* FILE:LINE:COL: KIND: TEXT on stderr, at the statement's start. */
void shell_diag(const struct where *w, const char *kind, const char *text);
struct pq_stmt;
void shell_stmt_notes(const struct where *w, const struct pq_stmt *s);

/* sandbox.c — `pqsh --sandbox`, the shell `pqsh serve --class` gives each
 * browser student: an allow list of commands, quotas, reports to the server. */
void shell_sandbox_init(struct shell *sh);
bool shell_sandboxed(void);
/* False (message printed) when command `name` (n bytes) may not run here. */
bool shell_sandbox_command(const struct where *w, const char *name, size_t n, const char *args);
/* Before a statement: false (message printed) when a quota refuses it. */
bool shell_sandbox_statement(struct shell *sh, const struct where *w);
/* After a statement or command; records the first error message of each. */
void shell_sandbox_report(const struct where *w, bool ok);
void shell_sandbox_error(const char *type, const char *message);
void shell_sandbox_progress(const char *tutorial, size_t done, size_t steps);

/* classroom.c — `pqsh serve --class` (the classroom: pqsh/class.h). */
struct shell_class_args {
    bool on;
    bool port_set;
    unsigned port, idle_s;
    const char *quota, *code; /* NULL: no quotas / a random code */
};
struct pq_class;
/* Starts the class on `host` and prints its URLs; 0, or the exit status.
 * *dir: the students' folder (shell_class_stop removes it). */
struct pq_server;
struct pq_tmpdir;
int shell_class_start(const struct shell_class_args *a, const char *host, bool loopback,
                      struct pq_server *server, unsigned ddb_port, struct pq_class **out,
                      struct pq_tmpdir *dir);
/* Stops the class (c may be NULL) and removes *dir (may be empty). */
void shell_class_stop(struct pq_class *c, struct pq_tmpdir *dir);

/* serve.c: `pqsh serve [OPTIONS]` (argv[0] is "serve"); returns the exit status. */
int pq_shell_serve(int argc, char **argv);

#endif
