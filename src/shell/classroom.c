/* classroom.c — `pqsh serve --class`: the class's folder, options and the URLs to hand out.
 *
 * The classroom itself is the core's (pqsh/class.h, src/class/); this file
 * makes a private folder for the students' databases, finds the pqsh binary
 * each student's session runs, starts the class next to the DynamoDB
 * endpoint and says where the student and teacher pages are.
 */
#include "shell.h"
#include "pqsh/class.h"
#include "pqsh/server.h"
#include "pqsh/tmpdir.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int shell_class_start(const struct shell_class_args *a, const char *host, bool loopback,
                      struct pq_server *server, unsigned ddb_port, struct pq_class **out,
                      struct pq_tmpdir *dir)
{
    struct pq_class_options co = {.host = host, .code = a->code, .server = server};
    struct pq_error err;
    char exe[PATH_MAX];
    pq_error_init(&err);
    *out = NULL;
    *dir = (struct pq_tmpdir){0};
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        fprintf(stderr, "pqsh serve: error: cannot find the pqsh binary: %s\n", strerror(errno));
        return 1;
    }
    exe[n] = '\0';
    co.pqsh = exe;
    co.port = a->port_set ? a->port : ddb_port ? ddb_port + 1 : 0;
    co.idle_s = a->idle_s;
    if (a->quota && pq_class_parse_quota(a->quota, &co, &err)) goto fail;
    /* The databases live as long as the class: TMPDIR if set, else memory
     * (/dev/shm: no disk syncs between a student's Enter and the prompt). */
    const char *tmp = getenv("TMPDIR");
    if (!tmp || *tmp != '/') tmp = access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "/tmp";
    if (pq_tmpdir_make(tmp, "pqsh-class", dir, &err)) goto fail;
    co.dir = dir->path;
    if (pq_class_start(&co, out, &err)) {
        pq_tmpdir_remove(dir);
        goto fail;
    }
    bool v6 = strchr(host, ':') != NULL;
    bool any = strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0;
    const char *shown = any ? (v6 ? "::1" : "127.0.0.1") : host;
    char url[128];
    snprintf(url, sizeof url, "http://%s%s%s:%u", v6 ? "[" : "", shown, v6 ? "]" : "",
             pq_class_port(*out));
    printf("pqsh serve: classroom at %s/ (class code %s)\n", url, pq_class_code(*out));
    printf("  teacher: %s/teacher?token=%s\n", url, pq_class_teacher_token(*out));
    if (any)
        printf("  students in the room open http://THIS-MACHINE'S-ADDRESS:%u/ and enter the code\n",
               pq_class_port(*out));
    else if (!loopback)
        printf("  students open the classroom's URL and enter the code\n");
    printf("  each student's tables live in %s while the class runs\n", dir->path);
    if (pq_server_db_per_key(server))
        printf("  students with pqsh at hand join with their name as access key id:\n"
               "    AWS_ACCESS_KEY_ID=NAME AWS_SECRET_ACCESS_KEY=x pqsh --endpoint-url "
               "http://%s%s%s:%u\n",
               v6 ? "[" : "", shown, v6 ? "]" : "", pq_server_port(server));
    fflush(stdout);
    return 0;
fail:
    fprintf(stderr, "pqsh serve: error: %s\n", err.message ? err.message : "the class failed");
    int status = err.code == PQ_ERR_USAGE ? 2 : 1;
    pq_error_release(&err);
    return status;
}

void shell_class_stop(struct pq_class *c, struct pq_tmpdir *dir)
{
    pq_class_stop(c);
    pq_tmpdir_remove(dir); /* the students' database files, then the folder */
}
