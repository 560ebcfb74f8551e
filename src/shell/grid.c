/* grid.c — laying out cells: table (ASCII or box drawing), line and markdown modes.
 *
 * The cells arrive as text already (PartiQL literals on one line). A table
 * fits `width` columns when one is given: the widest columns shrink first
 * and long cells are cut with '…', or wrapped onto more lines with --wrap.
 * Without a width (scripts) the ASCII table is exactly the one the golden
 * tests hold.
 */
#include "grid.h"

#include <stdlib.h>
#include <string.h>

/* Characters on screen: UTF-8 code points. */
size_t grid_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) w++;
    return w;
}

/* Byte length of the first `n` code points of `s`. */
static size_t prefix_bytes(const char *s, size_t n)
{
    size_t i = 0;
    while (s[i] && n) {
        i++;
        while (((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        n--;
    }
    return i;
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
    size_t from = prefix_bytes(cell, k * w);
    size_t n = prefix_bytes(cell + from, w);
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
static void md_cell(FILE *out, const char *s, size_t width)
{
    size_t w = 0;
    fputc(' ', out);
    for (; *s; s++) {
        if (*s == '|') {
            fputc('\\', out);
            w++;
        }
        fputc(*s, out);
        if (((unsigned char)*s & 0xC0) != 0x80) w++;
    }
    pad(out, width > w ? width - w : 0);
    fputs(" |", out);
}

static size_t md_width(const char *s)
{
    size_t w = grid_width(s);
    for (; *s; s++)
        if (*s == '|') w++;
    return w;
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
