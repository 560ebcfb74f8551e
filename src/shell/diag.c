/* diag.c — messages as FILE:LINE:COL: error: TEXT, the source line, and a caret under the token. */
#include "shell.h"

#include <stdarg.h>
#include <string.h>

/* Line and column (1-based, bytes) of byte `at` of the statement, and the
 * offset where that line starts within the statement text. */
static void locate(const struct where *w, size_t at, unsigned *line, unsigned *col,
                   size_t *line_start)
{
    unsigned l = w->line, c = w->col;
    size_t ls = 0;
    for (size_t i = 0; i < at && i < w->len; i++) {
        if (w->text[i] == '\n') {
            l++;
            c = 1;
            ls = i + 1;
        } else {
            c++;
        }
    }
    *line = l;
    *col = c;
    *line_start = ls;
}

static bool utf8_continuation(char c)
{
    return ((unsigned char)c & 0xC0) == 0x80;
}

/* The source line holding byte `at`, then `^~~~` under [at, end). */
static void show_caret(const struct where *w, size_t line_start, size_t at, size_t end)
{
    size_t line_end = line_start;
    while (line_end < w->len && w->text[line_end] != '\n')
        line_end++;
    fprintf(stderr, "%.*s\n", (int)(line_end - line_start), w->text + line_start);
    for (size_t i = line_start; i < at && i < line_end; i++) {
        if (w->text[i] == '\t')
            fputc('\t', stderr);
        else if (!utf8_continuation(w->text[i]))
            fputc(' ', stderr);
    }
    fputc('^', stderr);
    size_t stop = end < line_end ? end : line_end;
    bool first = true;
    for (size_t i = at; i < stop; i++) {
        if (utf8_continuation(w->text[i])) continue;
        if (!first) fputc('~', stderr);
        first = false;
    }
    fputc('\n', stderr);
}

static void report(const struct where *w, size_t at, const char *kind, const char *type,
                   const char *message)
{
    unsigned line, col;
    size_t line_start;
    fflush(stdout);
    if (strcmp(kind, "error") == 0) shell_sandbox_error(type, message); /* classroom reports */
    locate(w, at == PQ_NO_POS ? 0 : at, &line, &col, &line_start);
    fprintf(stderr, "%s:%u:%u: %s: %s%s%s\n", w->file, line, col, kind, type ? type : "",
            type ? ": " : "", message ? message : "");
}

/* DynamoDB's answer to a statement over 8,192 characters quotes the whole
 * statement back ("Value '…' at 'statement' failed to satisfy constraint:
 * Member must have length less than or equal to 8192"). The message is
 * clipped to the statement's start and its length, and a hint says how a
 * long value gets in: as a variable, which travels as a parameter outside
 * the statement text. Returns false for any other message. */
static bool too_long(const struct where *w, size_t at, const char *type, const char *msg)
{
    enum { KEEP = 60 };
    const char *limit = strstr(msg, "failed to satisfy constraint: Member must have length less "
                                    "than or equal to 8192");
    const char *value = strstr(msg, "Value '");
    if (!limit || !value || value > limit) return false;
    value += strlen("Value '");
    const char *end = NULL;
    for (const char *p = value; (p = strstr(p, "' at '")) && p < limit; p++)
        end = p;
    if (!end) return false;
    size_t len = (size_t)(end - value), keep = 0, chars = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)value[i] & 0xC0) != 0x80 && chars++ == KEEP) keep = i;
    if (chars <= KEEP) return false;
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    pq_buf_add(&b, msg, (size_t)(value - msg));
    pq_buf_add(&b, value, keep);
    pq_buf_addf(&b, "\u2026' (%zu characters)%s", chars, end + 1);
    report(w, at, "error", type, b.data);
    report(w, at, "hint", NULL,
           "a statement is at most 8,192 characters; a long value travels as a variable, "
           "outside the text: SET doc = '...'; then write :doc where the value goes");
    pq_buf_release(&b);
    fflush(stderr);
    return true;
}

void shell_error(const struct where *w, const struct pq_error *err)
{
    /* A service error points at the statement (or the row of INSERT …
     * VALUES) with no caret, unless DynamoDB's message gave a position
     * (" at L:C:N", mapped back to the text typed): then it gets a caret
     * like pqsh's own errors. */
    bool has_pos = err->start != PQ_NO_POS && err->start <= w->len;
    bool caret = has_pos && (err->code != PQ_ERR_SERVICE || err->at_token);
    const char *type = err->code == PQ_ERR_SERVICE ? err->type : NULL;
    size_t at = has_pos ? err->start : PQ_NO_POS;
    if (err->code == PQ_ERR_SERVICE && err->message && too_long(w, at, type, err->message)) return;
    report(w, at, "error", type, err->message);
    if (err->code == PQ_ERR_UNKNOWN)
        report(w, at, "hint", NULL,
               "read the item back (SELECT it by its key) to see whether the write was applied "
               "before sending it again: sent again, an INSERT may meet its own first attempt "
               "(DuplicateItemException) and a conditional write its own change");
    if (caret) {
        unsigned line, col;
        size_t line_start;
        locate(w, at, &line, &col, &line_start);
        size_t end = err->end == PQ_NO_POS || err->end < at ? at : err->end;
        show_caret(w, line_start, at, end);
    }
    fflush(stderr);
}

void shell_errorf(const struct where *w, const char *fmt, ...)
{
    struct pq_buf b = PQ_BUF_INIT;
    va_list ap;
    pq_buf_init(&b);
    va_start(ap, fmt);
    pq_buf_vaddf(&b, fmt, ap);
    va_end(ap);
    report(w, PQ_NO_POS, "error", NULL, b.data);
    fflush(stderr);
    pq_buf_release(&b);
}

void shell_notice(const struct where *w, size_t at, const char *text)
{
    report(w, at, "notice", NULL, text);
    fflush(stderr);
}

void shell_notice_span(const struct where *w, size_t start, size_t end, const char *text)
{
    unsigned line, col;
    size_t line_start;
    if (start > w->len) start = 0;
    report(w, start, "notice", NULL, text);
    locate(w, start, &line, &col, &line_start);
    show_caret(w, line_start, start, end < start ? start : end);
    fflush(stderr);
}

size_t shell_line_rest(const struct where *w, size_t at)
{
    size_t end = at;
    while (end < w->len && w->text[end] != '\n')
        end++;
    while (end > at && (w->text[end - 1] == ' ' || w->text[end - 1] == '\t' ||
                        w->text[end - 1] == '\r' || w->text[end - 1] == ';'))
        end--;
    return end;
}

void shell_diag(const struct where *w, const char *kind, const char *text)
{
    report(w, PQ_NO_POS, kind, NULL, text);
}

/* The binder's notes on how it read bare names (pq_bind), with carets. */
void shell_stmt_notes(const struct where *w, const struct pq_stmt *s)
{
    for (; s; s = s->kind == PQ_S_EXPLAIN ? s->u.explain.inner : NULL) {
        for (size_t i = 0; i < s->nnotes; i++) {
            const struct pq_note *n = &s->notes[i];
            unsigned line, col;
            size_t line_start;
            report(w, n->loc.start, "notice", NULL, n->text);
            locate(w, n->loc.start, &line, &col, &line_start);
            show_caret(w, line_start, n->loc.start, n->loc.end);
        }
    }
    fflush(stderr);
}
