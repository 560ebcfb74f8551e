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
#include <jansson.h>
#include "aws/config.h"
#include "aws/creds.h"
#include "aws/http.h"
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

/* GET http://127.0.0.1:PORT/PATH through pqsh's own HTTP client and parse the
 * JSON answer (a helper's /__log). A new reference, or NULL. */
static inline json_t *helper_get_json(int port, const char *path)
{
    struct pq_http_options ho = {0};
    struct pq_http *h = NULL;
    struct pq_http_response resp;
    struct pq_error err;
    pq_http_sent sent;
    bool timed_out;
    char url[128];
    json_t *doc = NULL;
    pq_error_init(&err);
    pq_http_response_init(&resp);
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    if (pq_http_new(&ho, &h, &err) == PQ_OK &&
        pq_http_request(h, "GET", url, NULL, NULL, 0, 2000, &resp, &sent, &timed_out, &err) ==
            PQ_OK)
        doc = json_loadb(resp.body.data, resp.body.len, 0, NULL);
    pq_http_response_release(&resp);
    pq_http_free(h);
    pq_error_release(&err);
    return doc;
}

/* Loads the configuration for `profile` (NULL: the default rules) and walks
 * the credential chain with `region` for STS. */
static inline pq_status resolve_creds(const char *profile, const char *region, struct pq_creds *c,
                                      struct pq_error *err)
{
    struct pq_aws_config cfg;
    struct pq_http_options ho = {0};
    pq_status st = pq_aws_config_load(&cfg, profile, err);
    if (st != PQ_OK) return st;
    st = pq_creds_resolve(c, &cfg, region, &ho, err);
    pq_aws_config_release(&cfg);
    return st;
}

#endif
