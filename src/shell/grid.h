/* grid.h — cell layout for the human output modes (table, line, markdown).
 *
 * Cells are borrowed NUL-terminated UTF-8 strings on one line each, row-major
 * (`cells[row * ncols + col]`). Nothing is freed here.
 */
#ifndef PQSH_SHELL_GRID_H
#define PQSH_SHELL_GRID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "pqsh/buf.h"

struct grid {
    FILE *out;
    bool box;                 /* box-drawing characters instead of ASCII */
    bool wrap;                /* wrap long cells instead of cutting them with '…' */
    size_t limit;             /* screen columns to fit in; 0 → no limit */
    const char *bold, *reset; /* header colour escapes ("" for none) */
};

/* Screen width of `s` in display cells: wide CJK and emoji count 2,
 * combining marks 0. */
size_t grid_width(const char *s);
/* Makes a cell's text one visible line, in place: a line break shows as ↵
 * (as psql does), a tab or another control character as its Unicode control
 * picture (␉, ␀, …, ␡), so rows stay aligned and nothing invisible moves the
 * cursor. */
void grid_visible(struct pq_buf *b);

void grid_table(const struct grid *g, const char *const *names, const char *const *cells,
                size_t ncols, size_t nrows);
/* `present[row * ncols + col]`: false for attributes the item lacks. Items
 * are numbered from first + 1. */
void grid_lines(const struct grid *g, const char *const *names, const char *const *cells,
                const bool *present, size_t ncols, size_t nrows, size_t first);
void grid_markdown(const struct grid *g, const char *const *names, const char *const *cells,
                   size_t ncols, size_t nrows);

#endif
