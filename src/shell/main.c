/* main.c — pqsh: options, the target (embedded engine; AWS seam), ~/.pqshrc, the inputs, the exit
 * status. */
#include "shell.h"
#include "compare.h"
#include "exec.h"
#include "jobs.h"
#include "pqsh/aws.h"
#include "pqsh/engine.h"
#include "target.h"

#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage_text[] =
    "usage: pqsh [OPTION]...\n"
    "A PartiQL shell for Amazon DynamoDB. Without -f or -c it reads statements\n"
    "from standard input, interactively when that is a terminal.\n"
    "\n"
    "Input:\n"
    "  -f, --file FILE          run the statements in FILE (repeatable; '-' is stdin)\n"
    "  -c, --command TEXT       run the statements in TEXT (repeatable)\n"
    "  -v, --var NAME=VALUE     set a variable; VALUE is a PartiQL literal, else a string\n"
    "      --bail               stop at the first statement that fails (one\n"
    "                           statement at a time: not with --jobs N > 1)\n"
    "  -j, --jobs N             statements of a script in flight at once, 1 to 64\n"
    "                           (default 16 against a remote target, else 1):\n"
    "                           writes to distinct full keys overlap, anything else\n"
    "                           waits for them; output and exit status stay those\n"
    "                           of one statement at a time\n"
    "      --echo               print each statement before its result\n"
    "  -X, --no-rc              do not run ~/.pqshrc at start-up\n"
    "      --tutorial [NAME]    start tutorial NAME at the prompt (on an in-memory\n"
    "                           engine unless a target is given); alone: list them\n"
    "      --sandbox            the classroom's restricted shell (pqsh serve --class\n"
    "                           runs it): no files, other targets, pager or rc file\n"
    "\n"
    "Output:\n"
    "      --mode MODE          table (default), line, markdown, json, ddbjson, csv\n"
    "                           or tsv\n"
    "  -q, --quiet              no status lines (CREATE TABLE, INSERT 1, SET, BEGIN,\n"
    "                           COMMIT n, queued and batch rows); in json, ddbjson,\n"
    "                           csv and tsv modes they go to stderr, never stdout\n"
    "      --sort               order items and attributes deterministically (for\n"
    "                           diffs and grading)\n"
    "      --wrap               wrap long table cells instead of cutting them with …\n"
    "      --width COLS         fit tables in COLS columns (default: the terminal's\n"
    "                           width; none when output is not a terminal)\n"
    "      --box                draw tables with box characters (default on a UTF-8\n"
    "                           terminal)\n"
    "      --no-color           no colour (also NO_COLOR=1; never when not a terminal)\n"
    "      --no-pager           do not page tall results ($PAGER, default 'less -S';\n"
    "                           only at the prompt)\n"
    "      --no-history         do not read or write the history file\n"
    "\n"
    "Target:\n"
    "      --local PATH         the embedded engine on PATH (default\n"
    "                           $XDG_DATA_HOME/pqsh/local.db); ':memory:' keeps nothing\n"
    "      --aws                Amazon DynamoDB (the AWS CLI's region and credentials)\n"
    "      --region REGION      Amazon DynamoDB in REGION\n"
    "      --profile NAME       Amazon DynamoDB with the AWS CLI profile NAME\n"
    "      --endpoint-url URL   a DynamoDB-compatible endpoint\n"
    "      --debug              trace each AWS request and response on stderr\n"
    "                           (signature and secrets redacted)\n"
    "      --ca-bundle FILE     trust the CA certificates in FILE (else\n"
    "                           AWS_CA_BUNDLE, the profile's ca_bundle, the system)\n"
    "      --no-verify-ssl      do not verify TLS certificates (insecure)\n"
    "      --connect-timeout S  seconds to wait for a connection (default 60)\n"
    "      --read-timeout S     seconds of silence before a request fails\n"
    "                           (default 60; 0 waits forever)\n"
    "      --compare TARGET     send each statement to TARGET too (an endpoint URL,\n"
    "                           local:PATH or aws[:REGION]), at the same time, and\n"
    "                           report on stderr where the answers differ\n"
    "\n"
    "  -h, --help               show this help\n"
    "  -V, --version            show the version\n"
    "\n"
    "Exit status: 0 when every statement succeeded, 1 when one was refused (by\n"
    "pqsh or the service), 2 for usage errors, 3 when the service could not be\n"
    "reached or refused the credentials (none, expired, invalid), 4 when a write's\n"
    "outcome is unknown (the connection failed after it was sent); the worst one\n"
    "wins. Scripts, -f and -c only: a session at the prompt that ends normally\n"
    "exits 0. With --compare, 0 when both targets answered every statement alike\n"
    "(refusals too), 1 when they differed, 3 when either could not be reached\n"
    "or refused the credentials; 2 and 4 as above.\n"
    "\n"
    "Environment: PAGER, NO_COLOR, PQSH_HISTSIZE (history entries kept, default\n"
    "2000), PQSH_TUTORIAL_PATH (more tutorial folders, ':'-separated),\n"
    "XDG_DATA_HOME (data folder), PQSH_TEST_FIXED_TIME=SECONDS (fixes the embedded\n"
    "engine's clock, for reproducible test output). See pqsh(1).\n";

struct source {
    bool is_file;
    const char *arg;
};

struct options {
    struct source *sources;
    size_t nsources;
    const char *local;
    bool aws;
    const char *region, *profile, *endpoint_url;
    bool history;
    bool no_rc;
    bool no_color, no_pager, box;
    bool want_tutorial;
    const char *tutorial; /* NULL with want_tutorial: list them */
    const char *compare;  /* --compare TARGET, or NULL */
    int jobs;             /* --jobs N; 0: the default */
};

void shell_init(struct shell *sh)
{
    memset(sh, 0, sizeof *sh);
    pq_vars_init(&sh->vars);
    sh->vars.fn = shell_vars_fn;
    sh->vars.fn_ctx = sh;
    sh->mode = MODE_TABLE;
    sh->saved_stdout = -1;
}

void shell_release(struct shell *sh)
{
    shell_tutorial_free(sh);
    shell_jobs_release(sh); /* reports what is still in flight */
    shell_exec_release(sh); /* an open BEGIN block, cached table descriptions */
    shell_compare_close(sh);
    shell_calls_release(sh);
    shell_output_to(sh, NULL, NULL);
    pq_vars_release(&sh->vars);
    shell_forget_keys(sh);
    json_decref(sh->attrs);
    json_decref(sh->last_rows);
    free(sh->last_table);
    free(sh->render_spare);
    json_decref(sh->last_request);
    if (sh->backend) pq_backend_close(sh->backend);
    sh->backend = NULL;
}

void shell_fail(struct shell *sh)
{
    sh->failed = true;
    if (sh->exit_status < SHELL_EXIT_FAILED) sh->exit_status = SHELL_EXIT_FAILED;
    if (sh->bail) sh->quit = true;
}

/* The service's answers that mean "who are you?", not "no" to the statement. */
static bool credentials_refused(const char *type)
{
    static const char *const types[] = {"UnrecognizedClientException",
                                        "InvalidSignatureException",
                                        "MissingAuthenticationTokenException",
                                        "IncompleteSignatureException",
                                        "ExpiredTokenException",
                                        "InvalidClientTokenId"};
    for (size_t i = 0; type && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(type, types[i]) == 0) return true;
    return false;
}

int shell_exit_reason(const struct pq_backend *b, const struct pq_error *err)
{
    if (err->code == PQ_ERR_UNKNOWN) return SHELL_EXIT_UNKNOWN;
    if ((err->code == PQ_ERR_IO && b && b->remote && !shell_interrupted) ||
        (err->code == PQ_ERR_SERVICE && credentials_refused(err->type)))
        return SHELL_EXIT_CONNECT;
    return SHELL_EXIT_FAILED;
}

void shell_fail_because(struct shell *sh, const struct pq_error *err)
{
    int why = shell_exit_reason(sh->backend, err);
    shell_fail(sh);
    if (why > sh->exit_status) sh->exit_status = why;
}

static void usage_error(const char *fmt, const char *what)
{
    fflush(stdout);
    fprintf(stderr, "pqsh: ");
    fprintf(stderr, fmt, what);
    fprintf(stderr, "\nTry 'pqsh --help' for more information.\n");
    exit(2);
}

/* mkdir -p with mode 0700 for every folder it creates. */
static bool make_dirs(char *path)
{
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0') continue;
        char c = *p;
        *p = '\0';
        int rc = mkdir(path, 0700);
        *p = c;
        if (rc != 0 && errno != EEXIST) return false;
        if (!c) return true;
    }
}

char *shell_data_dir(void)
{
    struct pq_buf b = PQ_BUF_INIT;
    const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    pq_buf_init(&b);
    if (xdg && *xdg == '/')
        pq_buf_addf(&b, "%s/pqsh", xdg);
    else if (home && *home)
        pq_buf_addf(&b, "%s/.local/share/pqsh", home);
    else {
        fprintf(stderr, "pqsh: error: neither XDG_DATA_HOME nor HOME is set\n");
        pq_buf_release(&b);
        return NULL;
    }
    if (!make_dirs(b.data)) {
        fprintf(stderr, "pqsh: error: cannot create '%s': %s\n", b.data, strerror(errno));
        pq_buf_release(&b);
        return NULL;
    }
    return pq_buf_detach(&b, NULL);
}

/* -v NAME=VALUE */
static void set_var_option(struct shell *sh, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq || !pq_vars_valid_name(arg, (size_t)(eq - arg)))
        usage_error("-v needs NAME=VALUE with a name of letters, digits and _, not '%s'", arg);
    struct pq_error err;
    json_t *v = NULL;
    pq_error_init(&err);
    if (pq_vars_parse_text(&sh->vars, eq + 1, strlen(eq + 1), &v, &err)) {
        fprintf(stderr, "pqsh: -v %s: %s%s%s\n", arg, err.type ? err.type : "",
                err.type ? ": " : "", err.message);
        pq_error_release(&err);
        exit(2);
    }
    char *name = pq_xstrndup(arg, (size_t)(eq - arg));
    pq_vars_set(&sh->vars, name, v);
    free(name);
}

static void parse_options(int argc, char **argv, struct shell *sh, struct options *o)
{
    enum {
        OPT_BAIL = 256,
        OPT_ECHO,
        OPT_MODE,
        OPT_LOCAL,
        OPT_AWS,
        OPT_REGION,
        OPT_PROFILE,
        OPT_ENDPOINT,
        OPT_DEBUG,
        OPT_CA_BUNDLE,
        OPT_NO_VERIFY_SSL,
        OPT_CONNECT_TIMEOUT,
        OPT_READ_TIMEOUT,
        OPT_SORT,
        OPT_WRAP,
        OPT_WIDTH,
        OPT_BOX,
        OPT_NO_COLOR,
        OPT_NO_PAGER,
        OPT_NO_HISTORY,
        OPT_TUTORIAL,
        OPT_SANDBOX,
        OPT_COMPARE,
    };
    static const struct option longopts[] = {
        {"file", required_argument, NULL, 'f'},
        {"command", required_argument, NULL, 'c'},
        {"var", required_argument, NULL, 'v'},
        {"no-rc", no_argument, NULL, 'X'},
        {"no-history", no_argument, NULL, OPT_NO_HISTORY},
        {"sort", no_argument, NULL, OPT_SORT},
        {"quiet", no_argument, NULL, 'q'},
        {"wrap", no_argument, NULL, OPT_WRAP},
        {"width", required_argument, NULL, OPT_WIDTH},
        {"box", no_argument, NULL, OPT_BOX},
        {"no-color", no_argument, NULL, OPT_NO_COLOR},
        {"no-pager", no_argument, NULL, OPT_NO_PAGER},
        {"tutorial", optional_argument, NULL, OPT_TUTORIAL},
        {"sandbox", no_argument, NULL, OPT_SANDBOX},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {"bail", no_argument, NULL, OPT_BAIL},
        {"jobs", required_argument, NULL, 'j'},
        {"echo", no_argument, NULL, OPT_ECHO},
        {"mode", required_argument, NULL, OPT_MODE},
        {"local", required_argument, NULL, OPT_LOCAL},
        {"aws", no_argument, NULL, OPT_AWS},
        {"region", required_argument, NULL, OPT_REGION},
        {"profile", required_argument, NULL, OPT_PROFILE},
        {"endpoint-url", required_argument, NULL, OPT_ENDPOINT},
        {"debug", no_argument, NULL, OPT_DEBUG},
        {"ca-bundle", required_argument, NULL, OPT_CA_BUNDLE},
        {"no-verify-ssl", no_argument, NULL, OPT_NO_VERIFY_SSL},
        {"connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT},
        {"read-timeout", required_argument, NULL, OPT_READ_TIMEOUT},
        {"compare", required_argument, NULL, OPT_COMPARE},
        {NULL, 0, NULL, 0},
    };
    int c;
    opterr = 0;
    o->history = true;
    while ((c = getopt_long(argc, argv, ":f:c:v:j:XqhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
        case 'c':
            o->sources = pq_xrealloc(o->sources, (o->nsources + 1) * sizeof *o->sources);
            o->sources[o->nsources++] = (struct source){c == 'f', optarg};
            break;
        case 'v':
            set_var_option(sh, optarg);
            break;
        case 'X':
            o->no_rc = true;
            break;
        case 'j': {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || end == optarg || n < 1 || n > SHELL_JOBS_MAX)
                usage_error("--jobs needs a number from 1 to 64, not '%s'", optarg);
            o->jobs = (int)n;
            break;
        }
        case 'q':
            sh->quiet = true;
            break;
        case OPT_NO_HISTORY:
            o->history = false;
            break;
        case OPT_SORT:
            sh->sort = true;
            break;
        case OPT_WRAP:
            sh->wrap = true;
            break;
        case OPT_WIDTH: {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || n < 10 || n > 100000)
                usage_error("--width needs a number of columns (10 or more), not '%s'", optarg);
            sh->width = (unsigned)n;
            break;
        }
        case OPT_BOX:
            o->box = true;
            break;
        case OPT_NO_COLOR:
            o->no_color = true;
            break;
        case OPT_NO_PAGER:
            o->no_pager = true;
            break;
        case OPT_TUTORIAL:
            o->want_tutorial = true;
            /* `--tutorial NAME` as well as `--tutorial=NAME`. */
            if (optarg)
                o->tutorial = optarg;
            else if (optind < argc && argv[optind][0] != '-')
                o->tutorial = argv[optind++];
            break;
        case OPT_SANDBOX: /* the classroom's shell (sandbox.c): no pager, rc or history file */
            shell_sandbox_init(sh);
            o->no_pager = o->no_rc = true;
            o->history = false;
            break;
        case 'h':
            fputs(usage_text, stdout);
            exit(0);
        case 'V':
            printf("pqsh %s\n", PQSH_VERSION);
            exit(0);
        case OPT_BAIL:
            sh->bail = true;
            break;
        case OPT_ECHO:
            sh->echo = true;
            break;
        case OPT_MODE:
            if (!shell_set_mode(sh, optarg))
                usage_error("unknown mode '%s' (" SHELL_MODES ")", optarg);
            break;
        case OPT_LOCAL:
            o->local = optarg;
            break;
        case OPT_AWS:
            o->aws = true;
            break;
        case OPT_REGION:
            o->region = optarg;
            break;
        case OPT_PROFILE:
            o->profile = optarg;
            break;
        case OPT_ENDPOINT:
            o->endpoint_url = optarg;
            break;
        case OPT_DEBUG:
            target_option(sh, TARGET_OPT_DEBUG, optarg);
            break;
        case OPT_CA_BUNDLE:
            target_option(sh, TARGET_OPT_CA_BUNDLE, optarg);
            break;
        case OPT_NO_VERIFY_SSL:
            target_option(sh, TARGET_OPT_NO_VERIFY_SSL, optarg);
            break;
        case OPT_CONNECT_TIMEOUT:
            target_option(sh, TARGET_OPT_CONNECT_TIMEOUT, optarg);
            break;
        case OPT_READ_TIMEOUT:
            target_option(sh, TARGET_OPT_READ_TIMEOUT, optarg);
            break;
        case OPT_COMPARE:
            o->compare = optarg;
            break;
        case ':':
            usage_error("option '%s' needs a value", argv[optind - 1]);
            break;
        default:
            usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) usage_error("unexpected argument '%s' (scripts go after -f)", argv[optind]);
    /* --bail: no statement after a failed one may take effect, and any write
     * may fail, so each waits for the one before (jobs.c). */
    if (sh->bail && o->jobs > 1)
        usage_error("%s", "--bail runs one statement at a time: it cannot be combined with "
                          "--jobs N > 1");
    if (o->local && (o->aws || o->region || o->profile || o->endpoint_url))
        usage_error("%s", "--local cannot be combined with --aws, --region, --profile or "
                          "--endpoint-url");
}

/* Opens the target; *banner receives "local engine at PATH" or the like.
 * Returns the exit status to give up with (2 for usage errors), or 0. */
static int open_target(struct shell *sh, const struct options *o, char **banner)
{
    struct pq_error err;
    struct pq_buf b = PQ_BUF_INIT;
    const char *path = o->local;
    bool ok = false;
    pq_error_init(&err);
    pq_buf_init(&b);
    if (o->aws || o->region || o->profile || o->endpoint_url) {
        if (target_open_aws(sh, o->region, o->profile, o->endpoint_url, &err)) goto out;
        pq_buf_addf(&b, "Amazon DynamoDB (%s)", sh->backend->label);
        ok = true;
        goto out;
    }
    if (!path && o->tutorial)
        path = ":memory:"; /* a tutorial starts from nothing and leaves nothing */
    char *text = NULL;
    if (target_open_local(sh, path, &text, &err)) goto out;
    pq_buf_adds(&b, text);
    free(text);
    ok = true;
out:
    if (!ok) {
        fprintf(stderr, "pqsh: error: %s%s%s\n", err.type ? err.type : "", err.type ? ": " : "",
                err.message ? err.message : "cannot open the target");
        pq_buf_release(&b);
    } else {
        *banner = pq_buf_detach(&b, NULL);
    }
    /* A remote target that cannot be used (no credentials, …) is exit 3; a
     * local database that cannot be opened stays a plain failure. */
    bool remote = o->aws || o->region || o->profile || o->endpoint_url;
    int status = ok                         ? 0
                 : err.code == PQ_ERR_USAGE ? SHELL_EXIT_USAGE
                 : remote                   ? SHELL_EXIT_CONNECT
                                            : SHELL_EXIT_FAILED;
    pq_error_release(&err);
    return status;
}

static void run_source(struct shell *sh, const struct source *src)
{
    if (!src->is_file) {
        shell_run_string(sh, src->arg, "<command line>");
        return;
    }
    if (strcmp(src->arg, "-") == 0) {
        shell_run_stream(sh, stdin, "<stdin>");
        return;
    }
    FILE *f = shell_open_script(src->arg);
    if (!f) {
        fflush(stdout);
        fprintf(stderr, "pqsh: error: cannot open '%s': %s\n", src->arg, strerror(errno));
        shell_fail(sh);
        return;
    }
    shell_run_stream(sh, f, src->arg);
    fclose(f);
}

/* ~/.pqshrc: statements and commands run before anything else (psql's
 * psqlrc); -X skips it. A missing file is no error. */
static void run_rc(struct shell *sh)
{
    const char *home = getenv("HOME");
    if (!home || !*home) return;
    struct pq_buf p = PQ_BUF_INIT;
    pq_buf_init(&p);
    pq_buf_addf(&p, "%s/.pqshrc", home);
    FILE *f = fopen(p.data, "r");
    if (f) {
        shell_run_stream(sh, f, p.data);
        fclose(f);
    }
    pq_buf_release(&p);
}

/* Terminal-only presentation: colour, box drawing, width, pager, progress. */
static void setup_terminal(struct shell *sh, const struct options *o)
{
    setlocale(LC_CTYPE, ""); /* for readline's multibyte editing and the codeset */
    bool out_tty = isatty(STDOUT_FILENO);
    const char *no_color = getenv("NO_COLOR"), *term = getenv("TERM");
    bool utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
    sh->color =
        out_tty && !o->no_color && !(no_color && *no_color) && !(term && strcmp(term, "dumb") == 0);
    sh->box = o->box || (out_tty && utf8);
    sh->width_auto = !sh->width && out_tty;
    if (sh->width_auto) sh->width = shell_term_cols();
    sh->progress = sh->interactive && isatty(STDERR_FILENO);
    sh->pager = sh->interactive && out_tty && !o->no_pager;
    /* Results may be held in stdout's buffer (shell_output_holding) only
     * where nobody reads them line by line: not a terminal, and not the
     * file stderr writes to (2>&1 keeps errors beside their statements) —
     * unless that is a device that keeps nothing in order (/dev/null). */
    struct stat so, se;
    bool same = fstat(STDOUT_FILENO, &so) == 0 && fstat(STDERR_FILENO, &se) == 0 &&
                so.st_dev == se.st_dev && so.st_ino == se.st_ino;
    bool device = same && S_ISCHR(so.st_mode); /* not a terminal: out_tty is false */
    sh->may_hold = !out_tty && (!same || device);
}

int main(int argc, char **argv)
{
    /* `pqsh serve …`: the embedded engine as a DynamoDB endpoint (serve.c). */
    if (argc > 1 && strcmp(argv[1], "serve") == 0) return pq_shell_serve(argc - 1, argv + 1);
    struct shell sh;
    struct options o = {0};
    char *banner = NULL;
    shell_init(&sh);
    /* A closed pipe is a write error to report (shell_check_output), not a
     * silent death; the pager reads a file, never our pipe. */
    signal(SIGPIPE, SIG_IGN);
    parse_options(argc, argv, &sh, &o);
    if (o.want_tutorial && !o.tutorial) {
        shell_tutorial_list(stdout);
        shell_release(&sh);
        free(o.sources);
        return 0;
    }
    sh.interactive = o.nsources == 0 && isatty(STDIN_FILENO);
    setup_terminal(&sh, &o);
    if (sh.may_hold && !sh.interactive) shell_output_signals(&sh);
    int status = open_target(&sh, &o, &banner);
    if (status) {
        shell_release(&sh);
        free(o.sources);
        return status;
    }
    if (o.compare) {
        struct pq_error err;
        pq_error_init(&err);
        if (shell_compare_open(&sh, o.compare, &err)) {
            fprintf(stderr, "pqsh: error: --compare %s: %s%s%s\n", o.compare,
                    err.type ? err.type : "", err.type ? ": " : "",
                    err.message ? err.message : "cannot open the target");
            status = err.code == PQ_ERR_USAGE              ? SHELL_EXIT_USAGE
                     : strncmp(o.compare, "local", 5) == 0 ? SHELL_EXIT_FAILED
                                                           : SHELL_EXIT_CONNECT;
            pq_error_release(&err);
            free(banner);
            free(o.sources);
            shell_release(&sh);
            return status;
        }
    }
    shell_calls_wrap(&sh);
    /* Scripts against a remote target pipeline by default: a round trip per
     * statement is what they wait for, and the output does not change. At
     * the prompt statements come one at a time; the embedded engine has no
     * second connection to overlap them on. */
    if (!sh.interactive)
        shell_jobs_init(&sh, o.jobs               ? o.jobs
                             : sh.bail            ? 1
                             : sh.backend->remote ? SHELL_JOBS_DEFAULT
                                                  : 1);
    if (!o.no_rc) run_rc(&sh);
    if (o.tutorial && !sh.quit && !shell_tutorial_start(&sh, o.tutorial)) {
        free(banner);
        free(o.sources);
        shell_release(&sh);
        return 2;
    }
    for (size_t i = 0; i < o.nsources && !sh.quit; i++)
        run_source(&sh, &o.sources[i]);
    if (o.nsources == 0 && !sh.quit) {
        if (sh.interactive)
            shell_repl(&sh, banner, o.history);
        else
            shell_run_stream(&sh, stdin, "<stdin>");
    }
    /* A BEGIN or BEGIN BATCH never closed (end of input, Ctrl-D, .quit,
     * --bail): say so, and fail the run. */
    shell_block_abandon(&sh, NULL);
    shell_check_output(&sh, NULL);
    /* A script (or -f / -c) fails when a statement failed; a session at the
     * prompt that ends normally succeeds, whatever was mistyped in it (psql
     * and sqlite3 do the same). */
    status = sh.failed && !sh.interactive ? (sh.exit_status ? sh.exit_status : 1) : 0;
    /* --compare: whether the targets answered alike (a statement both
     * refused alike is no difference); 2, 3 and 4 keep their meanings. */
    if (sh.compare && status < SHELL_EXIT_USAGE) status = shell_compare_differed(&sh) ? 1 : 0;
    /* …and a second target that could not be reached or refused the
     * credentials says so as the first would (3). */
    if (sh.compare && shell_compare_worst(&sh) > status) status = shell_compare_worst(&sh);
    free(banner);
    free(o.sources);
    shell_release(&sh);
    return status;
}
