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

/* Screen width of `s`, in UTF-8 code points. */
size_t grid_width(const char *s);

void grid_table(const struct grid *g, const char *const *names, const char *const *cells,
                size_t ncols, size_t nrows);
/* `present[row * ncols + col]`: false for attributes the item lacks. Items
 * are numbered from first + 1. */
void grid_lines(const struct grid *g, const char *const *names, const char *const *cells,
                const bool *present, size_t ncols, size_t nrows, size_t first);
void grid_markdown(const struct grid *g, const char *const *names, const char *const *cells,
                   size_t ncols, size_t nrows);

#endif
