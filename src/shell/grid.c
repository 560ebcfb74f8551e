/* grid.c — laying out cells: table (ASCII or box drawing), line and markdown modes.
 *
 * The cells arrive as text already (PartiQL literals on one line). A table
 * fits `width` columns when one is given: the widest columns shrink first
 * and long cells are cut with '…', or wrapped onto more lines with --wrap.
 * Without a width (scripts) the ASCII table is exactly the one the golden
 * tests hold. Widths are display cells (wcwidth), not bytes or code points.
 */
#define _GNU_SOURCE /* wcwidth, newlocale, uselocale */
#include "grid.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* The code point of the UTF-8 sequence at `s` and its length in bytes (an
 * invalid byte counts as one code point of its own). */
static unsigned decode(const char *s, size_t *len)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned c = u[0];
    size_t n = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    unsigned cp = n == 1 ? c : c & (0xff >> (n + 1));
    for (size_t i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80) {
            *len = 1;
            return 0xfffd;
        }
        cp = (cp << 6) | (u[i] & 0x3f);
    }
    *len = n;
    return cp;
}

/* Screen cells of one code point: wcwidth under a UTF-8 locale, whatever
 * the session's locale is (scripts often run under C). Wide CJK and emoji
 * take 2, combining marks 0; what the C library cannot place takes 1. */
static size_t cp_width(unsigned cp)
{
    static locale_t utf8;
    static bool tried;
    if (cp < 0x80) return 1;
    if (!tried) {
        tried = true;
        utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
        if (!utf8) utf8 = newlocale(LC_CTYPE_MASK, "en_US.UTF-8", (locale_t)0);
    }
    if (!utf8) return 1;
    locale_t old = uselocale(utf8);
    int w = wcwidth((wchar_t)cp);
    uselocale(old);
    return w < 0 ? 1 : (size_t)w;
}

size_t grid_width(const char *s)
{
    size_t w = 0, n;
    for (; *s; s += n)
        w += cp_width(decode(s, &n));
    return w;
}

/* Byte length of the longest prefix of `s` at most `cells` wide (combining
 * marks stay with the character before them). */
static size_t prefix_bytes(const char *s, size_t cells)
{
    size_t i = 0, w = 0, n;
    while (s[i]) {
        size_t cw = cp_width(decode(s + i, &n));
        if (w + cw > cells) break;
        w += cw;
        i += n;
    }
    return i;
}

void grid_visible(struct pq_buf *b)
{
    bool plain = true;
    for (size_t i = 0; i < b->len && plain; i++)
        plain = (unsigned char)b->data[i] >= 0x20 && b->data[i] != 0x7f;
    if (plain) return;
    struct pq_buf out = PQ_BUF_INIT;
    pq_buf_init(&out);
    for (size_t i = 0; i < b->len; i++) {
        unsigned char c = (unsigned char)b->data[i];
        if (c == '\r' && i + 1 < b->len && b->data[i + 1] == '\n') continue;
        if (c == '\n' || c == '\r') {
            pq_buf_adds(&out, "\u21b5");
        } else if (c < 0x20 || c == 0x7f) {
            /* Unicode's control pictures: U+2400 + c, U+2421 for DEL. */
            unsigned cp = c == 0x7f ? 0x2421 : 0x2400 + c;
            char pic[3] = {(char)(0xe0 | (cp >> 12)), (char)(0x80 | ((cp >> 6) & 0x3f)),
                           (char)(0x80 | (cp & 0x3f))};
            pq_buf_add(&out, pic, 3);
        } else {
            pq_buf_addc(&out, (char)c);
        }
    }
    pq_buf_release(b);
    *b = out;
}

static void pad(FILE *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fputc(' ', out);
}

static void repeat(FILE *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fputs(s, out);
}

/* Shrinks widths so that Σ width ≤ avail: every column wider than a cap is
 * cut to it (the cap as high as fits), never below `floor` characters. */
static void fit(size_t *width, size_t n, size_t avail)
{
    enum { FLOOR = 3 };
    size_t total = 0;
    for (size_t c = 0; c < n; c++)
        total += width[c];
    if (total <= avail) return;
    size_t lo = FLOOR, hi = 0;
    for (size_t c = 0; c < n; c++)
        if (width[c] > hi) hi = width[c];
    /* Largest cap whose capped total still fits. */
    while (lo < hi) {
        size_t mid = (lo + hi + 1) / 2, sum = 0;
        for (size_t c = 0; c < n; c++)
            sum += width[c] < mid ? width[c] : mid;
        if (sum <= avail)
            lo = mid;
        else
            hi = mid - 1;
    }
    size_t sum = 0;
    for (size_t c = 0; c < n; c++) {
        if (width[c] > lo) width[c] = lo;
        sum += width[c];
    }
    /* What is left goes one character at a time to the columns that were cut. */
    for (size_t c = 0; c < n && sum < avail; c++)
        if (width[c] == lo && lo > FLOOR) {
            width[c]++;
            sum++;
        }
}

/* Line `k` of a cell laid out in `w` characters: a cut with '…', or a slice
 * when wrapping. *more tells whether a further line follows. */
static void cell_line(const struct grid *g, const char *cell, size_t w, size_t k, struct pq_buf *b,
                      bool *more)
{
    size_t cw = grid_width(cell);
    pq_buf_reset(b);
    *more = false;
    if (cw <= w || w == 0) {
        if (k == 0) pq_buf_adds(b, cell);
        return;
    }
    if (!g->wrap) {
        if (k == 0) {
            pq_buf_add(b, cell, prefix_bytes(cell, w - 1));
            pq_buf_adds(b, "\u2026");
        }
        return;
    }
    size_t from = 0, n;
    for (size_t j = 0; j < k && cell[from]; j++)
        from += prefix_bytes(cell + from, w) ? prefix_bytes(cell + from, w) : 1;
    n = prefix_bytes(cell + from, w);
    if (n == 0 && cell[from]) decode(cell + from, &n); /* a character wider than w */
    pq_buf_add(b, cell + from, n);
    *more = cell[from + n] != '\0';
}

/* Horizontal rule of a table: ASCII `---+---` or a box rule. */
static void rule(const struct grid *g, const size_t *width, size_t n, const char *left,
                 const char *mid, const char *right)
{
    if (!g->box) {
        for (size_t c = 0; c < n; c++) {
            if (c) fputc('+', g->out);
            repeat(g->out, "-", width[c] + 2);
        }
        fputc('\n', g->out);
        return;
    }
    fputs(left, g->out);
    for (size_t c = 0; c < n; c++) {
        if (c) fputs(mid, g->out);
        repeat(g->out, "\u2500", width[c] + 2);
    }
    fputs(right, g->out);
    fputc('\n', g->out);
}

/* One row (possibly several screen lines when wrapping): ASCII rows have no
 * blanks after the last cell, box rows are closed on the right. */
static void row(const struct grid *g, const char *const *cells, const size_t *width, size_t n,
                bool header)
{
    struct pq_buf b = PQ_BUF_INIT;
    const char *bar = g->box ? "\u2502" : "|";
    pq_buf_init(&b);
    for (size_t k = 0;; k++) {
        bool any_more = false;
        if (g->box) fputs(bar, g->out);
        for (size_t c = 0; c < n; c++) {
            bool last = c + 1 == n, more;
            cell_line(g, cells[c], width[c], k, &b, &more);
            any_more |= more;
            if (c) fputs(bar, g->out);
            if (!g->box && last && b.len == 0) break;
            fputc(' ', g->out);
            if (header) fputs(g->bold, g->out);
            fputs(b.data, g->out);
            if (header) fputs(g->reset, g->out);
            if (!last || g->box) pad(g->out, width[c] - grid_width(b.data) + 1);
        }
        if (g->box) fputs(bar, g->out);
        fputc('\n', g->out);
        if (!any_more) break;
    }
    pq_buf_release(&b);
}

void grid_table(const struct grid *g, const char *const *names, const char *const *cells,
                size_t ncols, size_t nrows)
{
    size_t *width = pq_xcalloc(ncols, sizeof *width);
    for (size_t c = 0; c < ncols; c++)
        width[c] = grid_width(names[c]);
    for (size_t i = 0; i < nrows; i++)
        for (size_t c = 0; c < ncols; c++) {
            size_t w = grid_width(cells[i * ncols + c]);
            if (w > width[c]) width[c] = w;
        }
    if (g->limit) {
        /* ' x ' per column, a bar between columns (and at both ends in a box). */
        size_t frame = 3 * ncols - 1 + (g->box ? 2 : 0);
        fit(width, ncols, g->limit > frame + 3 * ncols ? g->limit - frame : 3 * ncols);
    }
    if (g->box) rule(g, width, ncols, "\u250c", "\u252c", "\u2510");
    row(g, names, width, ncols, true);
    rule(g, width, ncols, "\u251c", "\u253c", "\u2524");
    for (size_t i = 0; i < nrows; i++)
        row(g, cells + i * ncols, width, ncols, false);
    if (g->box) rule(g, width, ncols, "\u2514", "\u2534", "\u2518");
    free(width);
}

/* Line mode, like psql's \x: a `-[ item N ]` rule, then `name | value` per
 * attribute the item has. */
void grid_lines(const struct grid *g, const char *const *names, const char *const *cells,
                const bool *present, size_t ncols, size_t nrows, size_t first)
{
    size_t namew = 0, valw = 0;
    for (size_t c = 0; c < ncols; c++)
        if (grid_width(names[c]) > namew) namew = grid_width(names[c]);
    for (size_t i = 0; i < nrows * ncols; i++)
        if (present[i] && grid_width(cells[i]) > valw) valw = grid_width(cells[i]);
    if (g->limit && namew + 3 + valw > g->limit)
        valw = g->limit > namew + 3 + 3 ? g->limit - namew - 3 : 3;
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    for (size_t i = 0; i < nrows; i++) {
        pq_buf_reset(&b);
        pq_buf_addf(&b, "-[ item %zu ]", first + i + 1);
        size_t rulew = grid_width(b.data);
        fputs(b.data, g->out);
        if (namew + 1 > rulew) {
            repeat(g->out, "-", namew + 1 - rulew);
            rulew = namew + 1;
        }
        fputc('+', g->out);
        repeat(g->out, "-", namew + 3 + valw > rulew + 1 ? namew + 3 + valw - rulew - 1 : 1);
        fputc('\n', g->out);
        for (size_t c = 0; c < ncols; c++) {
            if (!present[i * ncols + c]) continue;
            const char *cell = cells[i * ncols + c];
            for (size_t k = 0;; k++) {
                bool more;
                cell_line(g, cell, valw, k, &b, &more);
                const char *name = k == 0 ? names[c] : "";
                fprintf(g->out, "%s%s%s", g->bold, name, g->reset);
                pad(g->out, namew - grid_width(name));
                fprintf(g->out, " | %s\n", b.data);
                if (!more) break;
            }
        }
    }
    pq_buf_release(&b);
}

/* Markdown (GitHub tables): cells padded, '|' escaped; never cut. */
static size_t md_width(const char *s)
{
    size_t w = grid_width(s);
    for (; *s; s++)
        if (*s == '|') w++;
    return w;
}

static void md_cell(FILE *out, const char *s, size_t width)
{
    size_t w = md_width(s);
    fputc(' ', out);
    for (; *s; s++) {
        if (*s == '|') fputc('\\', out);
        fputc(*s, out);
    }
    pad(out, width > w ? width - w : 0);
    fputs(" |", out);
}

void grid_markdown(const struct grid *g, const char *const *names, const char *const *cells,
                   size_t ncols, size_t nrows)
{
    size_t *width = pq_xcalloc(ncols, sizeof *width);
    for (size_t c = 0; c < ncols; c++)
        width[c] = md_width(names[c]) < 3 ? 3 : md_width(names[c]);
    for (size_t i = 0; i < nrows * ncols; i++)
        if (md_width(cells[i]) > width[i % ncols]) width[i % ncols] = md_width(cells[i]);
    fputc('|', g->out);
    for (size_t c = 0; c < ncols; c++)
        md_cell(g->out, names[c], width[c]);
    fputs("\n|", g->out);
    for (size_t c = 0; c < ncols; c++) {
        repeat(g->out, "-", width[c] + 2);
        fputc('|', g->out);
    }
    fputc('\n', g->out);
    for (size_t i = 0; i < nrows; i++) {
        fputc('|', g->out);
        for (size_t c = 0; c < ncols; c++)
            md_cell(g->out, cells[i * ncols + c], width[c]);
        fputc('\n', g->out);
    }
    free(width);
}
