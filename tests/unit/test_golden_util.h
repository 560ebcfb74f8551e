/* test_golden_util.h — every golden script (tests/sql/NAME.sql), in name order,
 * handed to a test's own runner. */
#ifndef PQSH_TEST_GOLDEN_UTIL_H
#define PQSH_TEST_GOLDEN_UTIL_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

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
