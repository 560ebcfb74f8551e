/* test_aws_util.h — helpers for the AWS backend tests: python helper servers, debug capture.
 *
 * A helper is a python3 script in tests/integration/ that prints one line
 * (its port, or JSON) and serves until its stdin closes.
 */
#ifndef PQSH_TEST_AWS_UTIL_H
#define PQSH_TEST_AWS_UTIL_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "pqsh/buf.h"

struct helper {
    pid_t pid;
    FILE *in;        /* closing it stops the helper */
    char line[1024]; /* first line the helper printed */
};

/* Directory of the test sources' sibling tests/integration/. */
static inline void helper_script(const char *name, char *out, size_t size)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", __FILE__);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        strcpy(dir, ".");
    snprintf(out, size, "%s/../integration/%s", dir, name);
}

/* Starts `python3 tests/integration/<name> [arg]`; false on failure. */
static inline bool helper_start(struct helper *h, const char *name, const char *arg)
{
    int to_child[2], from_child[2];
    char script[4200];
    helper_script(name, script, sizeof script);
    if (pipe(to_child) || pipe(from_child)) return false;
    h->pid = fork();
    if (h->pid == 0) {
        dup2(to_child[0], 0);
        dup2(from_child[1], 1);
        close(to_child[1]);
        close(from_child[0]);
        execlp("python3", "python3", script, arg, (char *)NULL);
        _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    h->in = fdopen(to_child[1], "w");
    FILE *out = fdopen(from_child[0], "r");
    bool ok = out && fgets(h->line, sizeof h->line, out) != NULL;
    if (out) fclose(out);
    if (ok) h->line[strcspn(h->line, "\n")] = '\0';
    return ok;
}

static inline void helper_stop(struct helper *h)
{
    if (h->in) fclose(h->in);
    h->in = NULL;
    if (h->pid > 0) waitpid(h->pid, NULL, 0);
    h->pid = 0;
}

/* Debug hook that collects every line (with a newline) into a pq_buf. */
static inline void collect_debug(void *ctx, const char *line)
{
    struct pq_buf *b = ctx;
    pq_buf_adds(b, line);
    pq_buf_addc(b, '\n');
}

/* Writes `text` to a new file at `path` (mode 0700 when exec). */
static inline void write_file(const char *path, const char *text, bool exec)
{
    FILE *f = fopen(path, "w");
    if (!f) return;
    fputs(text, f);
    fclose(f);
    if (exec) chmod(path, 0700);
}

#endif
