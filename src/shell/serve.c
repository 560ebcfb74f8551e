/* serve.c — `pqsh serve`: options, the engine and the HTTP server, the wait for a signal.
 *
 * The server itself lives in the core (server.h); this file only reads the
 * options, starts the server on its databases (one per access key id and
 * region, as DynamoDB Local; --shared-db: one for everybody, by default the
 * shell's own database file, so SDKs see the tables the shell shows),
 * prints the URL to use, and stops cleanly on SIGINT / SIGTERM: requests in
 * flight are answered, then the databases are closed.
 */
#include "shell.h"
#include "pqsh/engine.h"
#include "pqsh/server.h"
#include "pqsh/tmpdir.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GRACE_MS 10000

static const char serve_usage[] =
    "usage: pqsh serve [OPTION]...\n"
    "Serve the embedded engine over DynamoDB's HTTP protocol, so that boto3, the\n"
    "AWS CLI and the other SDKs can use it as an endpoint.\n"
    "\n"
    "      --host ADDRESS     numeric address to bind (default 127.0.0.1;\n"
    "                         0.0.0.0 serves every interface)\n"
    "      --port PORT        TCP port (default 8000; 0 picks a free one)\n"
    "      --local PATH       where the tables are kept (default $XDG_DATA_HOME/pqsh/local.db,\n"
    "                         the shell's database); ':memory:' keeps nothing. One\n"
    "                         database per access key id and region, as DynamoDB Local:\n"
    "                         files AKID_REGION.db in the folder PATH, or beside the\n"
    "                         file PATH in PATH.keys/ (PATH minus .db)\n"
    "      --shared-db        one set of tables for every access key and region: the\n"
    "                         file PATH (shared-local-instance.db in a folder PATH)\n"
    "      --auth FILE        verify every SigV4 signature against the\n"
    "                         'ACCESS_KEY_ID SECRET' lines of FILE (default: any\n"
    "                         well-formed signature is accepted, as DynamoDB Local does);\n"
    "                         a third field is a session token the key needs\n"
    "      --region REGION    with --auth, the one region signatures may be scoped to\n"
    "      --max-per-ip N     connections one client address may hold (default 100)\n"
    "      --threads N        HTTP worker threads (default 4)\n"
    "      --timeout SECONDS  close connections idle or stalled this long (default 30)\n"
    "      --clock            let the engine's clock be moved (and a TTL sweep run)\n"
    "                         over HTTP: POST /pqsh/clock {\"Advance\": SECONDS} or\n"
    "                         {\"Reset\": true}, GET /pqsh/clock, POST /pqsh/ttl-sweep\n"
    "      --verbose          one access-log line per request on stderr\n"
    "      --class            also serve the classroom: a pqsh terminal in each\n"
    "                         student's browser, a teacher page (see pqsh(1))\n"
    "      --class-port PORT  the classroom's port (default: PORT + 1; 0 picks one)\n"
    "      --class-code CODE  the code students enter (default: six random letters)\n"
    "      --class-idle SECONDS  end a student's session idle this long (default 1800)\n"
    "      --class-quota items=N,bytes=N,rate=N  each student's limits: items and\n"
    "                         bytes in their tables, statements per second\n"
    "  -h, --help             show this help\n";

struct serve_options {
    const char *host;
    unsigned port;
    const char *local;
    const char *auth;
    unsigned threads;
    unsigned timeout_s;
    const char *region;
    unsigned max_per_ip;
    bool verbose;
    bool clock;
    bool shared_db;
    struct shell_class_args cls;
};

static int serve_usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "pqsh serve: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'pqsh serve --help' for more information.\n");
    return 2;
}

static bool parse_uint(const char *s, unsigned long max, unsigned *out)
{
    char *end;
    errno = 0;
    if (!*s || *s == '-') return false;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || v > max) return false;
    *out = (unsigned)v;
    return true;
}

/* Returns -1 to go on, else the exit status. */
static int parse_serve_options(int argc, char **argv, struct serve_options *o)
{
    enum {
        O_HOST = 256,
        O_PORT,
        O_LOCAL,
        O_AUTH,
        O_THREADS,
        O_TIMEOUT,
        O_VERBOSE,
        O_REGION,
        O_PER_IP,
        O_CLOCK,
        O_SHARED_DB,
        O_CLASS,
        O_CLASS_PORT,
        O_CLASS_CODE,
        O_CLASS_IDLE,
        O_CLASS_QUOTA,
    };
    static const struct option longopts[] = {
        {"host", required_argument, NULL, O_HOST},
        {"port", required_argument, NULL, O_PORT},
        {"local", required_argument, NULL, O_LOCAL},
        {"auth", required_argument, NULL, O_AUTH},
        {"threads", required_argument, NULL, O_THREADS},
        {"timeout", required_argument, NULL, O_TIMEOUT},
        {"verbose", no_argument, NULL, O_VERBOSE},
        {"clock", no_argument, NULL, O_CLOCK},
        {"shared-db", no_argument, NULL, O_SHARED_DB},
        {"region", required_argument, NULL, O_REGION},
        {"max-per-ip", required_argument, NULL, O_PER_IP},
        {"class", no_argument, NULL, O_CLASS},
        {"class-port", required_argument, NULL, O_CLASS_PORT},
        {"class-code", required_argument, NULL, O_CLASS_CODE},
        {"class-idle", required_argument, NULL, O_CLASS_IDLE},
        {"class-quota", required_argument, NULL, O_CLASS_QUOTA},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    o->host = "127.0.0.1";
    o->port = 8000;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case O_HOST:
            o->host = optarg;
            break;
        case O_PORT:
            if (!parse_uint(optarg, 65535, &o->port))
                return serve_usage_error("invalid port '%s'", optarg);
            break;
        case O_LOCAL:
            o->local = optarg;
            break;
        case O_AUTH:
            o->auth = optarg;
            break;
        case O_THREADS:
            if (!parse_uint(optarg, 256, &o->threads) || o->threads == 0)
                return serve_usage_error("invalid thread count '%s' (1 to 256)", optarg);
            break;
        case O_TIMEOUT:
            if (!parse_uint(optarg, 86400, &o->timeout_s) || o->timeout_s == 0)
                return serve_usage_error("invalid timeout '%s' (seconds, 1 to 86400)", optarg);
            break;
        case O_VERBOSE:
            o->verbose = true;
            break;
        case O_CLOCK:
            o->clock = true;
            break;
        case O_SHARED_DB:
            o->shared_db = true;
            break;
        case O_REGION:
            o->region = optarg;
            break;
        case O_PER_IP:
            if (!parse_uint(optarg, 65535, &o->max_per_ip) || o->max_per_ip == 0)
                return serve_usage_error("invalid connection count '%s' (1 to 65535)", optarg);
            break;
        case O_CLASS:
            o->cls.on = true;
            break;
        case O_CLASS_PORT:
            if (!parse_uint(optarg, 65535, &o->cls.port))
                return serve_usage_error("invalid port '%s'", optarg);
            o->cls.port_set = true;
            break;
        case O_CLASS_CODE:
            o->cls.code = optarg;
            break;
        case O_CLASS_IDLE:
            if (!parse_uint(optarg, 86400 * 7, &o->cls.idle_s) || o->cls.idle_s == 0)
                return serve_usage_error("invalid idle time '%s' (seconds)", optarg);
            break;
        case O_CLASS_QUOTA:
            o->cls.quota = optarg;
            break;
        case 'h':
            fputs(serve_usage, stdout);
            return 0;
        case ':':
            return serve_usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
            return serve_usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return serve_usage_error("unexpected argument '%s'", argv[optind]);
    if (!o->cls.on && (o->cls.port_set || o->cls.code || o->cls.idle_s || o->cls.quota))
        return serve_usage_error("%s", "the --class-* options need --class");
    return -1;
}

static void log_line(void *ctx, const char *line)
{
    (void)ctx;
    fprintf(stderr, "%s\n", line);
}

/* 127.0.0.0/8 and ::1 (numeric, as --host must be). */
static bool is_loopback(const char *host)
{
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, host, &a4) == 1) return (ntohl(a4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, host, &a6) == 1) return IN6_IS_ADDR_LOOPBACK(&a6);
    return false;
}

/* PQSH_TEST_COLLECTION_LIMIT=BYTES: a small item collection limit, for
 * tests that show ItemCollectionSizeLimitExceededException without writing
 * 10 GB; unset or not a positive number → DynamoDB's 10 GB. */
static int64_t collection_limit_env(void)
{
    const char *v = getenv("PQSH_TEST_COLLECTION_LIMIT");
    long long n = v ? strtoll(v, NULL, 10) : 0;
    return n > 0 ? (int64_t)n : 0;
}

int pq_shell_serve(int argc, char **argv)
{
    struct serve_options o = {0};
    struct pq_error err;
    struct pq_server_keys *keys = NULL;
    struct pq_server *server = NULL;
    struct pq_class *cls = NULL;
    struct pq_tmpdir cls_dir = {0};
    char *dir = NULL, *path = NULL;
    int status = parse_serve_options(argc, argv, &o);
    if (status >= 0) return status;
    status = 1;
    pq_error_init(&err);

    if (o.auth && pq_server_keys_load(o.auth, &keys, &err)) goto fail;
    if (o.local) {
        path = pq_xstrdup(o.local);
    } else {
        dir = shell_data_dir();
        if (!dir) goto out;
        size_t n = strlen(dir) + sizeof "/local.db";
        path = pq_xmalloc(n);
        snprintf(path, n, "%s/local.db", dir);
    }
    const char *fixed = getenv("PQSH_TEST_FIXED_TIME");

    /* The workers inherit this mask: only sigwait below sees SIGINT / SIGTERM. */
    /* A shell starts background jobs with SIGINT ignored; an ignored signal
     * never reaches sigwait, so take the default disposition back first. */
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct pq_server_options so = {
        .host = o.host,
        .port = o.port,
        .db_path = path,
        .shared_db = o.shared_db,
        .fixed_time = fixed ? strtod(fixed, NULL) : 0,
        .collection_limit = collection_limit_env(),
        .keys = keys,
        .threads = o.threads,
        .timeout_s = o.timeout_s,
        .clock_admin = o.clock,
        /* A fixed clock (PQSH_TEST_FIXED_TIME) is for reproducible runs:
         * no background sweep then, as in the shell; /pqsh/ttl-sweep sweeps. */
        .ttl_sweep = !fixed,
        .region = o.region,
        .max_per_ip = o.max_per_ip,
        .log = o.verbose ? log_line : NULL,
    };
    if (pq_server_start(&so, &server, &err)) goto fail;

    /* A wildcard address is no URL: name the loopback one, say the rest. */
    bool any4 = strcmp(o.host, "0.0.0.0") == 0, any6 = strcmp(o.host, "::") == 0;
    const char *shown = any4 ? "127.0.0.1" : any6 ? "::1" : o.host;
    bool v6 = strchr(shown, ':') != NULL;
    char url[128];
    snprintf(url, sizeof url, "http://%s%s%s:%u", v6 ? "[" : "", shown, v6 ? "]" : "",
             pq_server_port(server));
    if (any4 || any6)
        printf("pqsh serve: listening on every %s interface (port %u)\n", any4 ? "IPv4" : "IPv6",
               pq_server_port(server));
    const char *where = pq_server_db_where(server);
    bool memory = strcmp(where, ":memory:") == 0;
    printf("pqsh serve: DynamoDB endpoint at %s (%s%s)\n", url,
           memory ? "engine in memory, nothing is kept" : "local engine at ", memory ? "" : where);
    if (pq_server_db_per_key(server))
        printf("  one database per access key id and region (\"database AKID/us-east-1\"%s);"
               " --shared-db for one set of tables\n",
               memory ? "" : ": files AKID_us-east-1.db");
    else
        printf("  one database shared by every access key and region\n");
    if (!keys && !is_loopback(o.host))
        fprintf(stderr,
                "pqsh serve: warning: %s is reachable from the network and --auth is not set: "
                "anyone who can reach port %u can read, change and delete every table, over "
                "unencrypted HTTP (see SECURITY in pqsh(1))\n",
                o.host, pq_server_port(server));
    if (keys)
        printf("  signatures verified against %zu key%s from %s\n", pq_server_keys_count(keys),
               pq_server_keys_count(keys) == 1 ? "" : "s", o.auth);
    else
        printf("  any signed request is accepted (any access key and secret)\n");
    if (o.clock)
        printf("  the clock can be moved: curl -d '{\"Advance\": 660}' %s/pqsh/clock\n", url);
    printf("  try: aws dynamodb list-tables --endpoint-url %s\n", url);
    if (o.cls.on) {
        status =
            shell_class_start(&o.cls, o.host, is_loopback(o.host), server, o.port, &cls, &cls_dir);
        if (status) goto out;
        status = 1;
    }
    printf("  Ctrl-C stops the server.\n");
    fflush(stdout);

    int sig = 0;
    while (sigwait(&stop, &sig) != 0)
        ;
    if (o.verbose)
        fprintf(stderr, "pqsh serve: %s, finishing requests in flight\n",
                sig == SIGINT ? "interrupted" : "terminated");
    shell_class_stop(cls, &cls_dir); /* first: the teacher page reads the server's databases */
    cls = NULL;
    pq_server_stop(server, GRACE_MS);
    server = NULL;
    status = 0;
    goto out;
fail:
    fprintf(stderr, "pqsh serve: error: %s%s%s\n", err.type ? err.type : "", err.type ? ": " : "",
            err.message ? err.message : "failed");
    if (err.code == PQ_ERR_USAGE) status = 2;
out:
    shell_class_stop(cls, &cls_dir);
    pq_server_stop(server, GRACE_MS);
    pq_server_keys_free(keys);
    pq_error_release(&err);
    free(path);
    free(dir);
    return status;
}
