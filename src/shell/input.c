/* input.c — script input: lines into the splitter, statements and commands out, in order. */
#include "shell.h"
#include "jobs.h"
#include "pqsh/split.h"

#include <errno.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

void shell_run_piece(struct shell *sh, const struct pq_split_stmt *p, const char *file)
{
    struct where w = {file, p->line, p->col, p->text, p->len};
    if (!p->is_command && only_comments(p->text, p->len)) return;
    if (sh->echo) echo(p);
    if (p->is_command) {
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
    shell_check_output(sh, &w);
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
    pq_split_release(&sp);
}
