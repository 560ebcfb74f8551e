/* target.c — AWS connection options, --debug tracing, and `.connect` to switch targets. */
#include "target.h"
#include "exec.h"
#include "pqsh/aws.h"
#include "pqsh/engine.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void target_option(struct shell *sh, enum target_option opt, const char *arg)
{
    struct shell_target *t = &sh->target;
    long *ms = NULL;
    const char *name = NULL;
    switch (opt) {
    case TARGET_OPT_DEBUG:
        t->debug = true;
        return;
    case TARGET_OPT_CA_BUNDLE:
        t->ca_bundle = arg;
        return;
    case TARGET_OPT_NO_VERIFY_SSL:
        t->no_verify_ssl = true;
        return;
    case TARGET_OPT_CONNECT_TIMEOUT:
        ms = &t->connect_timeout_ms;
        name = "--connect-timeout";
        break;
    case TARGET_OPT_READ_TIMEOUT:
        ms = &t->read_timeout_ms;
        name = "--read-timeout";
        break;
    }
    /* Seconds, as the AWS CLI takes them (fractions allowed); 0 = no timeout. */
    char *end;
    errno = 0;
    double s = strtod(arg, &end);
    if (errno || end == arg || *end || s < 0 || s > 86400) {
        fflush(stdout);
        fprintf(stderr,
                "pqsh: %s needs a number of seconds (0 for none), not '%s'\n"
                "Try 'pqsh --help' for more information.\n",
                name, arg);
        exit(2);
    }
    /* pq_aws_options: 0 means "the default", negative means "never". */
    *ms = s == 0 ? -1 : (long)(s * 1000 + 0.5);
    if (*ms == 0) *ms = 1;
}

/* --debug: one line per event on stderr; the aws module has already
 * redacted the signature and every secret. */
static void debug_line(void *ctx, const char *line)
{
    (void)ctx;
    fflush(stdout);
    fprintf(stderr, "debug: %s\n", line);
}

pq_status target_open_aws(struct shell *sh, const char *region, const char *profile,
                          const char *endpoint_url, struct pq_error *err)
{
    struct shell_target *t = &sh->target;
    struct pq_aws_options ao;
    struct pq_backend *b = NULL;
    pq_aws_options_init(&ao);
    if (profile) t->profile = profile;
    ao.region = region;
    ao.profile = t->profile;
    ao.endpoint_url = endpoint_url;
    ao.ca_bundle = t->ca_bundle;
    ao.no_verify_ssl = t->no_verify_ssl;
    /* 0 → the backend's default; the connect timeout has no "never". */
    ao.connect_timeout_ms = t->connect_timeout_ms > 0 ? t->connect_timeout_ms : 0;
    ao.read_timeout_ms = t->read_timeout_ms;
    if (t->debug) ao.debug = debug_line;
    /* For the shell-level fault tests only: a small first backoff ceiling
     * keeps retries quick while their growth stays visible in --debug. */
    const char *base = getenv("PQSH_TEST_RETRY_BASE_MS");
    if (base && *base) ao.retry_base_ms = atol(base);
    if (t->no_verify_ssl && !t->warned) {
        fflush(stdout);
        fprintf(stderr, "pqsh: warning: --no-verify-ssl: TLS certificates are not verified; "
                        "anyone on the network path can read and change the traffic\n");
        t->warned = true;
    }
    pq_status st = pq_aws_backend_open(&ao, &b, err);
    if (st == PQ_OK) {
        if (sh->backend) pq_backend_close(sh->backend);
        sh->backend = b;
        sh->local_target = false;
    }
    return st;
}

pq_status target_open_local(struct shell *sh, const char *path, char **banner, struct pq_error *err)
{
    struct pq_buf b = PQ_BUF_INIT;
    struct pq_backend *backend = NULL;
    char *dir = NULL;
    pq_status st;
    pq_buf_init(&b);
    if (!path || !*path) {
        if (!(dir = shell_data_dir())) {
            st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS, "no data folder");
            goto out;
        }
        pq_buf_addf(&b, "%s/local.db", dir);
        path = b.data;
    }
    const char *fixed = getenv("PQSH_TEST_FIXED_TIME");
    struct pq_engine_options eo = {.path = path, .fixed_time = fixed ? strtod(fixed, NULL) : 0};
    if ((st = pq_engine_backend_open(&eo, &backend, err)) != PQ_OK) goto out;
    struct pq_buf text = PQ_BUF_INIT;
    pq_buf_init(&text);
    if (strcmp(path, ":memory:") == 0)
        pq_buf_adds(&text, "local engine in memory (nothing is kept)");
    else if (sh->sandbox) /* the classroom's server path is none of the student's business */
        pq_buf_adds(&text, "local engine on your own database (the classroom keeps it)");
    else
        pq_buf_addf(&text, "local engine at %s", path);
    *banner = pq_buf_detach(&text, NULL);
    if (sh->backend) pq_backend_close(sh->backend);
    sh->backend = backend;
    sh->local_target = true;
out:
    pq_buf_release(&b);
    free(dir);
    return st;
}

static bool spec_known(const char *spec)
{
    return strcmp(spec, "local") == 0 || strncmp(spec, "local:", 6) == 0 ||
           strcmp(spec, "aws") == 0 || strncmp(spec, "aws:", 4) == 0 ||
           strncmp(spec, "http://", 7) == 0 || strncmp(spec, "https://", 8) == 0;
}

/* `spec` opened into sh->backend (kept on failure); *banner as target_open_local. */
static pq_status open_spec(struct shell *sh, const char *spec, char **banner, struct pq_error *err)
{
    if (strcmp(spec, "local") == 0 || strncmp(spec, "local:", 6) == 0)
        return target_open_local(sh, spec[5] ? spec + 6 : NULL, banner, err);
    if (strcmp(spec, "aws") == 0 || strncmp(spec, "aws:", 4) == 0)
        return target_open_aws(sh, spec[3] ? spec + 4 : NULL, NULL, NULL, err);
    if (strncmp(spec, "http://", 7) == 0 || strncmp(spec, "https://", 8) == 0)
        return target_open_aws(sh, NULL, NULL, spec, err);
    return pq_error_set(err, PQ_ERR_USAGE, PQ_NO_POS, PQ_NO_POS,
                        "'%s' is no target: local[:PATH], aws[:REGION] or an endpoint URL", spec);
}

pq_status target_open_other(struct shell *sh, const char *spec, struct pq_backend **out,
                            struct pq_error *err)
{
    /* The opening functions install what they open: lend them an empty slot. */
    struct pq_backend *mine = sh->backend;
    bool local = sh->local_target;
    char *banner = NULL;
    sh->backend = NULL;
    pq_status st = open_spec(sh, spec, &banner, err);
    *out = st == PQ_OK ? sh->backend : NULL;
    sh->backend = mine;
    sh->local_target = local;
    free(banner);
    return st;
}

bool target_connect(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    struct pq_error err;
    char *banner = NULL;
    pq_status st;
    pq_error_init(&err);
    if (!*args) {
        printf("%s\n", sh->backend ? sh->backend->label : "(none)");
        return true;
    }
    if (sh->block) {
        /* Its statements were planned against this target's tables. */
        bool batch = sh->block_mark && strcmp(sh->block_mark, "batch") == 0;
        shell_errorf(w, ".connect cannot switch targets inside an open %s: %s or ROLLBACK first",
                     batch ? "batch" : "transaction", batch ? "END BATCH" : "COMMIT");
        return false;
    }
    if (!spec_known(args)) {
        shell_errorf(w, "usage: .connect local[:PATH] | aws[:REGION] | URL");
        return false;
    }
    st = open_spec(sh, args, &banner, &err);
    if (st != PQ_OK) {
        /* The session keeps its target. */
        err.start = err.end = PQ_NO_POS;
        shell_error(w, &err);
        pq_error_release(&err);
        return false;
    }
    shell_forget_keys(sh);
    shell_forget_schemas(sh);
    if (banner)
        printf("connected to %s\n", banner);
    else
        printf("connected to Amazon DynamoDB (%s)\n", sh->backend->label);
    free(banner);
    return true;
}
