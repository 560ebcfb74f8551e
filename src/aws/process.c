/* process.c — credential_process without a shell, and the container endpoint's URL rules.
 *
 * botocore splits `credential_process` with shlex (POSIX rules) and runs the
 * words directly; running the whole value through /bin/sh let a ';' in a
 * profile run more commands (issue 15 item 8). The container endpoint URL
 * was checked by string prefix, so http://169.254.170.23@127.0.0.1:… passed
 * and the authorization token went to the host after the '@' (item 7): it is
 * now parsed by libcurl, and the host compared as botocore does.
 */
#define _GNU_SOURCE /* pipe2 */
#include "aws/creds.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <curl/curl.h>

extern char **environ;

/* ---- shlex.split ------------------------------------------------------ */

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

pq_status aws_split_command(const char *s, char ***out, struct pq_error *err)
{
    size_t n = 0, cap = 4;
    char **argv = pq_xcalloc(cap, sizeof *argv);
    struct pq_buf w = PQ_BUF_INIT;
    pq_buf_init(&w);
    const char *problem = NULL;
    const char *p = s;
    *out = NULL;
    for (;;) {
        while (is_blank(*p))
            p++;
        if (!*p) break;
        pq_buf_reset(&w);
        while (*p && !is_blank(*p)) {
            if (*p == '\'') { /* literal up to the next quote */
                const char *e = strchr(p + 1, '\'');
                if (!e) {
                    problem = "No closing quotation";
                    goto fail;
                }
                pq_buf_add(&w, p + 1, (size_t)(e - p - 1));
                p = e + 1;
            } else if (*p == '"') { /* backslash escapes only \ and " */
                p++;
                while (*p && *p != '"') {
                    if (*p == '\\' && (p[1] == '\\' || p[1] == '"')) p++;
                    pq_buf_addc(&w, *p++);
                }
                if (!*p) {
                    problem = "No closing quotation";
                    goto fail;
                }
                p++;
            } else if (*p == '\\') { /* escapes any one character */
                if (!p[1]) {
                    problem = "No escaped character";
                    goto fail;
                }
                pq_buf_addc(&w, p[1]);
                p += 2;
            } else {
                pq_buf_addc(&w, *p++);
            }
        }
        if (n + 2 > cap) {
            cap *= 2;
            argv = pq_xrealloc(argv, cap * sizeof *argv);
        }
        argv[n++] = pq_xstrndup(w.data ? w.data : "", w.len);
        argv[n] = NULL;
    }
    if (n == 0) {
        problem = "the command is empty";
        goto fail;
    }
    pq_buf_release(&w);
    *out = argv;
    return PQ_OK;
fail:
    pq_buf_release(&w);
    aws_free_argv(argv);
    return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                        "error when retrieving credentials from custom-process: %s", problem);
}

void aws_free_argv(char **argv)
{
    if (!argv) return;
    for (char **a = argv; *a; a++)
        free(*a);
    free(argv);
}

pq_status aws_run_process(char *const *argv, int err_fd, struct pq_buf *out, int *status,
                          struct pq_error *err)
{
    int pipefd[2];
    posix_spawn_file_actions_t fa;
    pid_t pid;
    if (pipe2(pipefd, O_CLOEXEC) != 0)
        return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                            "error when retrieving credentials from custom-process: %s",
                            strerror(errno));
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
    if (err_fd >= 0) posix_spawn_file_actions_adddup2(&fa, err_fd, STDERR_FILENO);
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pipefd[1]);
    if (rc != 0) {
        close(pipefd[0]);
        return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                            "error when retrieving credentials from custom-process: cannot run "
                            "'%s': %s",
                            argv[0], strerror(rc));
    }
    char chunk[4096];
    ssize_t k;
    while ((k = read(pipefd[0], chunk, sizeof chunk)) != 0) {
        if (k < 0) {
            if (errno == EINTR) continue;
            break;
        }
        pq_buf_add(out, chunk, (size_t)k);
    }
    close(pipefd[0]);
    while (waitpid(pid, status, 0) < 0)
        if (errno != EINTR) {
            *status = -1;
            break;
        }
    return PQ_OK;
}

/* ---- the container endpoint ------------------------------------------- */

/* botocore's ContainerMetadataFetcher: https to any host, else plain http
 * only to these hosts or a loopback address. */
static bool allowed_http_host(const char *host)
{
    static const char *const named[] = {"169.254.170.2", "169.254.170.23", "[fd00:ec2::23]",
                                        "localhost"};
    for (size_t i = 0; i < sizeof named / sizeof *named; i++)
        if (strcmp(host, named[i]) == 0) return true;
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, host, &a4) == 1) return (ntohl(a4.s_addr) >> 24) == 127;
    size_t n = strlen(host);
    if (n > 2 && host[0] == '[' && host[n - 1] == ']') {
        char bare[64];
        if (n - 2 >= sizeof bare) return false;
        memcpy(bare, host + 1, n - 2);
        bare[n - 2] = '\0';
        return inet_pton(AF_INET6, bare, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
    }
    return false;
}

bool aws_container_url_ok(const char *url)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL, *user = NULL, *password = NULL;
    bool ok = false;
    if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK) goto out;
    if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
        goto out;
    /* Userinfo has no business in the URL: with it, "the host" is a matter of parsing. */
    if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
        curl_url_get(u, CURLUPART_PASSWORD, &password, 0) == CURLUE_OK)
        goto out;
    if (strcmp(scheme, "https") == 0)
        ok = true;
    else if (strcmp(scheme, "http") == 0)
        ok = allowed_http_host(host);
out:
    curl_free(scheme);
    curl_free(host);
    curl_free(user);
    curl_free(password);
    curl_url_cleanup(u);
    return ok;
}
