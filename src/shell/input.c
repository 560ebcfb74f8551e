/* input.c — script input: lines into the splitter, statements and commands out, in order. */
#include "shell.h"
#include "jobs.h"
#include "pqsh/split.h"

#include <errno.h>
#include <signal.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Whether stdout's buffer may hold results (a statement runs, or results
 * are held), and the signal that came meanwhile: as the handler sees them. */
static struct shell *signal_shell;
static volatile sig_atomic_t held_now, held_signal;

/* True when the text holds nothing but blanks and comments (a lone `;`,
 * a trailing comment at the end of a file): there is nothing to run. */
static bool only_comments(const char *t, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r') {
            i++;
        } else if (i + 1 < n && t[i] == '-' && t[i + 1] == '-') {
            while (i < n && t[i] != '\n')
                i++;
        } else if (i + 1 < n && t[i] == '/' && t[i + 1] == '*') {
            const char *end = NULL;
            for (size_t k = i + 2; k + 1 < n && !end; k++)
                if (t[k] == '*' && t[k + 1] == '/') end = t + k;
            if (!end) return false; /* unterminated: let the parser say so */
            i = (size_t)(end - t) + 2;
        } else {
            return false;
        }
    }
    return true;
}

/* True when the text ends inside a `--` comment (quotes and block comments
 * taken into account): a `;` appended to it would read as part of the comment. */
static bool ends_in_line_comment(const char *t, size_t n)
{
    bool line_comment = false;
    for (size_t i = 0; i < n; i++) {
        if (line_comment) {
            line_comment = t[i] != '\n';
        } else if (t[i] == '\'' || t[i] == '"') {
            char q = t[i];
            while (++i < n && t[i] != q)
                ;
        } else if (t[i] == '-' && i + 1 < n && t[i + 1] == '-') {
            line_comment = true;
            i++;
        } else if (t[i] == '/' && i + 1 < n && t[i + 1] == '*') {
            for (i += 2; i + 1 < n && !(t[i] == '*' && t[i + 1] == '/'); i++)
                ;
            i++;
        }
    }
    return line_comment;
}

static void echo(const struct pq_split_stmt *p)
{
    size_t n = p->len;
    while (n && (p->text[n - 1] == ' ' || p->text[n - 1] == '\t' || p->text[n - 1] == '\n' ||
                 p->text[n - 1] == '\r'))
        n--;
    const char *semi = "";
    if (!p->is_command && p->terminated) semi = ends_in_line_comment(p->text, n) ? "\n;" : ";";
    if (p->then)
        printf("%.*s%s%s\n", (int)n, p->text, ends_in_line_comment(p->text, n) ? "\n" : " ",
               p->then);
    else
        printf("%.*s%s\n", (int)n, p->text, semi);
}

bool shell_check_output(struct shell *sh, const struct where *w)
{
    struct where first;
    if (sh->held.on) {
        /* Results held since an earlier statement are written now: what
         * could not be written was theirs first. */
        first = (struct where){sh->held.file, sh->held.line, sh->held.col, "", 0};
        w = &first;
        sh->held.on = false;
        held_now = 0;
    }
    /* A write that failed inside printf left its errno behind (stdio keeps
     * only the error flag); taken when it is a write error, else the flush's. */
    int earlier = errno;
    errno = 0;
    bool flushed = fflush(stdout) == 0;
    int e = errno;
    if (flushed && !ferror(stdout)) return true;
    if (!e && (earlier == ENOSPC || earlier == EPIPE || earlier == EIO || earlier == EFBIG ||
               earlier == EDQUOT))
        e = earlier;
    /* What could not be written is dropped, not sent to the next place. */
    __fpurge(stdout);
    clearerr(stdout);
    struct pq_buf dest = PQ_BUF_INIT;
    pq_buf_init(&dest);
    if (sh->output_path)
        pq_buf_addf(&dest, "'%s'", sh->output_path);
    else
        pq_buf_adds(&dest, "standard output");
    const char *why = e ? strerror(e) : "write error";
    if (w) {
        shell_errorf(w, "results were lost: cannot write to %s: %s", dest.data, why);
    } else {
        fprintf(stderr, "pqsh: error: results were lost: cannot write to %s: %s\n", dest.data, why);
        fflush(stderr);
    }
    shell_fail(sh);
    if (sh->output_path) {
        /* The rest of the session's results go to the screen again. */
        shell_output_to(sh, NULL, NULL);
    } else if (!sh->interactive) {
        /* Nothing more can be shown: stop rather than run blind. */
        sh->quit = true;
    }
    pq_buf_release(&dest);
    return false;
}

/* ---- results held in stdout's buffer -------------------------------------
 * A script piped through the embedded engine spent a tenth of its system
 * time writing one status line per statement (one write(2) each). When
 * nobody can be waiting on a result line by line — stdout is no terminal,
 * not stderr's file (merged output keeps its order), the target answers
 * at once (no network between two statements) — stdio may write results in
 * blocks. They are still written before pqsh could wait: before a read of
 * input that is not yet buffered (a program feeding pqsh a statement at a
 * time sees each result before it sends the next), before a dot command,
 * at the end of a statement once held for 50 ms, and at the end of each
 * stream. A write error is
 * reported at the first statement whose results were held, and a script
 * stops there, as before; the statements run meanwhile are not undone. */

/* Ctrl-C, SIGTERM or SIGHUP while a statement runs or results are held
 * (shell_output_signals): the running call is cancelled and no other is
 * made (shell_interrupted), the results are written at the statement's
 * end, and pqsh dies of the signal as it did before. That gets two
 * seconds — a write to a pipe nobody reads would wait for ever — and a
 * second signal ends it at once. With nothing held, at once. */
#define HELD_GRACE_S 2

static void on_signal(int sig)
{
    if (sig == SIGALRM) {
        sig = held_signal; /* the grace is over */
    } else if (held_now && !held_signal) {
        held_signal = sig;
        shell_interrupted = 1;
        struct pq_backend *b = signal_shell->backend; /* sqlite3_interrupt: signal-safe */
        if (b) pq_backend_cancel(b);
        alarm(HELD_GRACE_S);
        return;
    }
    signal(sig, SIG_DFL);
    raise(sig); /* delivered when this handler returns */
}

void shell_output_signals(struct shell *sh)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGALRM};
    signal_shell = sh;
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        struct sigaction sa, old;
        if (sigaction(sigs[i], NULL, &old) != 0 || old.sa_handler == SIG_IGN) continue;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sa.sa_flags = SA_RESTART; /* SQLite's system calls go on (the grace
                                     bounds a write that waits) */
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[i], &sa, NULL);
    }
}

bool shell_output_holding(const struct shell *sh)
{
    return sh->may_hold && sh->local_target && !sh->interactive && !sh->output_path &&
           !sh->compare && !sh->jobs;
}

void shell_output_point(struct shell *sh)
{
    if (!shell_output_holding(sh)) fflush(stdout);
}

bool shell_output_release(struct shell *sh)
{
    bool ok = !sh->held.on || shell_check_output(sh, NULL);
    held_now = 0;
    if (held_signal) {
        /* A signal came: what the statement it cut short wrote goes too. */
        int sig = held_signal;
        fflush(stdout);
        signal(sig, SIG_DFL);
        raise(sig);
    }
    return ok;
}

bool shell_input_has_line(FILE *f)
{
#ifdef __GLIBC__
    /* glibc's FILE shows its read buffer; elsewhere every read may block. */
    return f->_IO_read_ptr < f->_IO_read_end &&
           memchr(f->_IO_read_ptr, '\n', (size_t)(f->_IO_read_end - f->_IO_read_ptr));
#else
    (void)f;
    return false;
#endif
}

static long long monotonic_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* A statement's output is complete: written now, or held (see above). */
static void output_settle(struct shell *sh, const struct where *w)
{
    if (!shell_output_holding(sh)) {
        shell_check_output(sh, w);
        return;
    }
    if (!sh->held.on && (__fpending(stdout) || ferror(stdout)))
        sh->held = (struct shell_held){true, w->file, w->line, w->col, monotonic_ms()};
    if (held_signal || ferror(stdout) || (sh->held.on && monotonic_ms() - sh->held.since_ms >= 50))
        shell_output_release(sh); /* and dies of a signal that came */
    else if (!sh->held.on)
        held_now = 0; /* nothing to write (-q) */
}

void shell_run_piece(struct shell *sh, const struct pq_split_stmt *p, const char *file)
{
    struct where w = {file, p->line, p->col, p->text, p->len};
    if (!p->is_command && only_comments(p->text, p->len)) return;
    if (sh->echo) echo(p);
    if (p->is_command) {
        if (!shell_output_release(sh) && sh->quit) return;
        bool failed = sh->failed;
        sh->failed = false;
        shell_command(sh, &w);
        if (sh->sandbox) shell_sandbox_report(&w, !sh->failed);
        sh->failed = failed || sh->failed;
        shell_check_output(sh, &w);
        return;
    }
    if (sh->sandbox && !shell_sandbox_statement(sh, &w)) {
        shell_sandbox_report(&w, false);
        shell_fail(sh);
        return;
    }
    bool failed = sh->failed;
    sh->failed = false;
    shell_calls_wrap(sh); /* again: .connect may have opened another backend */
    if (shell_output_holding(sh)) held_now = 1; /* its results may sit in the buffer */
    shell_page_begin(sh);
    shell_timing_begin(sh);
    if (p->then)
        shell_exec_gset(sh, &w, p->then);
    else
        shell_exec(sh, &w);
    shell_timing_end(sh);
    shell_page_end(sh);
    bool ok = !sh->failed;
    sh->failed = failed || !ok;
    if (sh->tutorial) shell_tutorial_after(sh, ok);
    if (sh->sandbox) shell_sandbox_report(&w, ok);
    output_settle(sh, &w);
}

void shell_drain(struct shell *sh, struct pq_splitter *sp, const char *file)
{
    struct pq_split_stmt piece;
    while (!sh->quit && pq_split_next(sp, &piece)) {
        shell_jobs_piece(sh, &piece, file);
        pq_split_stmt_release(&piece);
    }
}

void shell_finish(struct shell *sh, struct pq_splitter *sp, const char *file)
{
    if (sh->quit) {
        shell_jobs_drain(sh);
        return;
    }
    /* A block comment left open with no statement around it would vanish:
     * say so (inside a statement the parser does). */
    if (pq_split_state(sp) == PQ_OPEN_COMMENT && sp->pending.len == 0) {
        struct where w = {file, sp->line, 1, "", 0};
        shell_errorf(&w, "unterminated /* comment at the end of the input");
        shell_fail(sh);
    }
    pq_split_finish(sp);
    shell_drain(sh, sp, file);
    shell_jobs_drain(sh); /* `file` is the caller's: report what is in flight now */
}

FILE *shell_open_script(const char *path)
{
    FILE *f = fopen(path, "r");
    struct stat st;
    if (f && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        errno = EISDIR;
        return NULL;
    }
    return f;
}

void shell_run_stream(struct shell *sh, FILE *f, const char *name)
{
    struct pq_splitter sp;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    pq_split_init(&sp);
    while (!sh->quit) {
        if (sh->held.on && !shell_input_has_line(f)) shell_output_release(sh);
        shell_jobs_before_read(sh, f);
        if ((n = getline(&line, &cap, f)) < 0) break;
        if (n > 0 && line[n - 1] == '\n') n--;
        pq_split_feed(&sp, line, (size_t)n);
        shell_drain(sh, &sp, name);
    }
    if (ferror(f)) {
        /* A read error must not pass for the end of the script. */
        int e = errno;
        struct where w = {name, sp.line, 1, "", 0};
        shell_errorf(&w, "cannot read '%s': %s", name, strerror(e));
        shell_fail(sh);
    }
    shell_finish(sh, &sp, name);
    shell_output_release(sh); /* before `name` goes: held.file may be it */
    free(line);
    pq_split_release(&sp);
}

void shell_run_string(struct shell *sh, const char *text, const char *name)
{
    struct pq_splitter sp;
    pq_split_init(&sp);
    while (!sh->quit) {
        const char *nl = strchr(text, '\n');
        size_t n = nl ? (size_t)(nl - text) : strlen(text);
        pq_split_feed(&sp, text, n);
        shell_drain(sh, &sp, name);
        if (!nl) break;
        text = nl + 1;
    }
    shell_finish(sh, &sp, name);
    shell_output_release(sh);
    pq_split_release(&sp);
}
