/* split.c — cut input lines into statements at ';' outside quotes and comments.
 *
 * A pure function of the lines fed: no I/O, no parsing. Comments before a
 * statement's first token are dropped (so a statement's text, line and column
 * start at its first real token); comments inside a statement stay in its text.
 */
#include "pqsh/split.h"

#include <stdlib.h>
#include <string.h>

void pq_split_init(struct pq_splitter *s)
{
    memset(s, 0, sizeof *s);
    pq_buf_init(&s->pending);
}

void pq_split_stmt_release(struct pq_split_stmt *st)
{
    free(st->text);
    free(st->then);
    memset(st, 0, sizeof *st);
}

void pq_split_release(struct pq_splitter *s)
{
    for (size_t i = s->head; i < s->nready; i++)
        pq_split_stmt_release(&s->ready[i]);
    free(s->ready);
    pq_buf_release(&s->pending);
    memset(s, 0, sizeof *s);
    pq_buf_init(&s->pending);
}

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* The bytes pq_split_feed looks at inside statement text; every other byte
 * is copied as it comes, in runs. */
static const bool special[256] = {
    ['-'] = true, ['/'] = true, [';'] = true, ['\\'] = true, ['\''] = true, ['"'] = true};

static void push(struct pq_splitter *s, const char *text, size_t len, unsigned line, unsigned col,
                 bool is_command, bool terminated)
{
    if (s->head > 0 && s->head == s->nready) s->head = s->nready = 0;
    if (s->nready == s->cap_ready) {
        s->cap_ready = s->cap_ready ? 2 * s->cap_ready : 8;
        s->ready = pq_xrealloc(s->ready, s->cap_ready * sizeof *s->ready);
    }
    struct pq_split_stmt *st = &s->ready[s->nready++];
    st->text = pq_xstrndup(text, len);
    st->len = len;
    st->line = line;
    st->col = col;
    st->is_command = is_command;
    st->terminated = terminated;
    st->then = NULL;
}

/* Queues text[0..len) less its trailing blanks as the statement begun at
 * start_line / start_col, and clears the pending text; true when there was
 * any. `text` is either the pending text or, for a statement begun and
 * ended on one line, the line itself (nothing pending: no copy into it). */
static bool end_statement_text(struct pq_splitter *s, const char *text, size_t len, bool terminated)
{
    while (len > 0 && blank(text[len - 1]))
        len--;
    if (len > 0) push(s, text, len, s->start_line, s->start_col, false, terminated);
    pq_buf_reset(&s->pending);
    s->state = PQ_OPEN_NONE;
    return len > 0;
}

/* Ends the pending statement (if it has any text). */
static bool end_statement(struct pq_splitter *s, bool terminated)
{
    return end_statement_text(s, s->pending.data, s->pending.len, terminated);
}

void pq_split_feed(struct pq_splitter *s, const char *line, size_t len)
{
    s->line++;
    if (len > 0 && line[len - 1] == '\r') len--;
    size_t skip = 0; /* a BOM: dropped, and not counted in columns */
    if (s->line == 1 && len >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3)) skip = 3;
    line += skip;
    len -= skip;

    if (s->pending.len == 0 && s->state == PQ_OPEN_NONE) {
        size_t i = 0;
        while (i < len && blank(line[i]))
            i++;
        if (i < len && (line[i] == '.' || line[i] == '\\')) {
            push(s, line + i, len - i, s->line, (unsigned)(i + 1), true, true);
            return;
        }
    }
    if (s->pending.len > 0) pq_buf_addc(&s->pending, '\n');

    /* Statement text is copied in runs: [from, i) is the part of this line
     * read since the last copy; it goes into `pending` before the statement
     * ends and at the end of the line. Text before a statement's first
     * token (blanks, comments) is never copied. */
    bool in_text = s->pending.len > 0; /* statement text has begun */
    size_t from = 0;
    for (size_t i = 0; i < len; i++) {
        char c = line[i];
        switch (s->state) {
        case PQ_OPEN_STRING:
        case PQ_OPEN_IDENT: {
            /* Up to and with the closing quote. A doubled quote reads as
             * close-then-open: same result. */
            const char *q = memchr(line + i, s->state == PQ_OPEN_STRING ? '\'' : '"', len - i);
            if (!q) {
                i = len;
                break;
            }
            s->state = PQ_OPEN_TEXT;
            i = (size_t)(q - line);
            continue;
        }
        case PQ_OPEN_COMMENT: {
            /* Up to and with the closing star-slash on this line. */
            size_t k = i;
            while (k + 1 < len && !(line[k] == '*' && line[k + 1] == '/'))
                k++;
            if (k + 1 >= len) {
                i = len;
                break;
            }
            i = k + 1;
            s->state = in_text ? PQ_OPEN_TEXT : PQ_OPEN_NONE;
            continue;
        }
        case PQ_OPEN_NONE:
        case PQ_OPEN_TEXT:
            break;
        }
        if (i >= len) break;
        if (c == '-' && i + 1 < len && line[i + 1] == '-') break; /* a line comment: to the end */
        if (c == '/' && i + 1 < len && line[i + 1] == '*') {
            i++;
            s->state = PQ_OPEN_COMMENT;
            continue;
        }
        if (c == ';') {
            if (in_text && s->pending.len == 0)
                end_statement_text(s, line + from, i - from, true);
            else {
                if (in_text) pq_buf_add(&s->pending, line + from, i - from);
                end_statement(s, true);
            }
            in_text = false;
            continue;
        }
        if (c == '\\' && in_text && len - i >= 5 && memcmp(line + i, "\\gset", 5) == 0 &&
            (len - i == 5 || blank(line[i + 5]))) {
            /* SELECT … \gset [prefix]: the statement ends here, the command
             * takes the rest of the line. */
            pq_buf_add(&s->pending, line + from, i - from);
            bool queued = end_statement(s, true);
            size_t n = len - i;
            while (n > 0 && blank(line[i + n - 1]))
                n--;
            if (queued) s->ready[s->nready - 1].then = pq_xstrndup(line + i, n);
            return;
        }
        if (!in_text) {
            if (blank(c)) continue;
            in_text = true;
            from = i;
            s->start_line = s->line;
            s->start_col = (unsigned)(i + 1);
            s->state = PQ_OPEN_TEXT;
        }
        /* The run of bytes that none of the cases above looks at, taking
         * in every 'string' and "name" closed on this line (a doubled
         * quote reads as close-then-open: same result). */
        size_t j = i;
        for (;;) {
            if (line[j] == '\'' || line[j] == '"') {
                const char *q = memchr(line + j + 1, line[j], len - j - 1);
                if (!q) { /* open to the end of the line */
                    s->state = line[j] == '\'' ? PQ_OPEN_STRING : PQ_OPEN_IDENT;
                    j = len;
                    break;
                }
                j = (size_t)(q - line);
            }
            j++;
            while (j < len && !special[(unsigned char)line[j]])
                j++;
            if (j >= len || (line[j] != '\'' && line[j] != '"')) break;
        }
        i = j - 1;
    }
    if (in_text)
        pq_buf_add(&s->pending, line + from, len - from);
    else
        pq_buf_reset(&s->pending);
}

bool pq_split_next(struct pq_splitter *s, struct pq_split_stmt *out)
{
    if (s->head >= s->nready) return false;
    *out = s->ready[s->head++];
    memset(&s->ready[s->head - 1], 0, sizeof *out);
    return true;
}

void pq_split_finish(struct pq_splitter *s)
{
    end_statement(s, false);
}

pq_split_open pq_split_state(const struct pq_splitter *s)
{
    if (s->state == PQ_OPEN_NONE && s->pending.len > 0) return PQ_OPEN_TEXT;
    return s->state;
}

void pq_split_discard(struct pq_splitter *s)
{
    pq_buf_reset(&s->pending);
    s->state = PQ_OPEN_NONE;
    s->in_line_comment = false;
    s->comment_depth = 0;
}
