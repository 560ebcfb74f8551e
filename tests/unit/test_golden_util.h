/* test_golden_util.h — every golden script (tests/sql/NAME.sql), in name order,
 * handed to a test's own runner. */
#ifndef PQSH_TEST_GOLDEN_UTIL_H
#define PQSH_TEST_GOLDEN_UTIL_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pqsh/split.h"

/* The text of statement `nth` as a new string, after blank text for every
 * other statement (so positions are checked through a non-zero base too);
 * *off is where the statement starts in it. */
static char *golden_padded(const struct pq_split_stmt *st, size_t nth, size_t *off)
{
    static const char pad[] = "\n\n   ";
    *off = nth % 2 ? sizeof pad - 1 : 0;
    char *src = malloc(*off + st->len + 1);
    memcpy(src, pad, *off);
    memcpy(src + *off, st->text, st->len);
    src[*off + st->len] = '\0';
    return src;
}

/* Splits `f` (read from `path`) as the shell does and calls each(st, nth,
 * where, ctx) for each statement, not the commands: `nth` counts them
 * from 0 and `where` is "PATH:LINE". */
static void each_golden_statement(FILE *f, const char *path,
                                  void (*each)(const struct pq_split_stmt *st, size_t nth,
                                               const char *where, void *ctx),
                                  void *ctx)
{
    struct pq_splitter sp;
    struct pq_split_stmt st;
    pq_split_init(&sp);
    char *line = NULL;
    size_t cap = 0, nth = 0;
    ssize_t n;
    bool more = true;
    while (more) {
        if ((n = getline(&line, &cap, f)) >= 0) {
            size_t len = (size_t)n;
            while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
                len--;
            pq_split_feed(&sp, line, len);
        } else {
            pq_split_finish(&sp);
            more = false;
        }
        while (pq_split_next(&sp, &st)) {
            char where[512];
            snprintf(where, sizeof where, "%s:%u", path, st.line);
            if (!st.is_command) each(&st, nth++, where, ctx);
            pq_split_stmt_release(&st);
        }
    }
    free(line);
    pq_split_release(&sp);
}

static int golden_by_name(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Calls run(f, path) for each tests/sql/NAME.sql (beside this file's
 * folder), sorted by name; returns how many there were. */
static size_t each_golden_script(void (*run)(FILE *f, const char *path))
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", __FILE__);
    char *slash = strrchr(dir, '/');
    CHECK(slash != NULL);
    if (!slash) return 0;
    snprintf(slash, sizeof dir - (size_t)(slash - dir), "/../sql");
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    if (!d) return 0;
    char **names = NULL;
    size_t count = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".sql") != 0) continue;
        names = realloc(names, (count + 1) * sizeof *names);
        names[count] = malloc(strlen(dir) + len + 2);
        sprintf(names[count++], "%s/%s", dir, e->d_name);
    }
    closedir(d);
    qsort(names, count, sizeof *names, golden_by_name);
    for (size_t i = 0; i < count; i++) {
        FILE *f = fopen(names[i], "r");
        CHECK(f != NULL);
        if (f) run(f, names[i]);
        if (f) fclose(f);
        free(names[i]);
    }
    free(names);
    return count;
}

#endif
