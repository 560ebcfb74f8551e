/* sandbox.c — the classroom's restricted shell: `pqsh --sandbox`, what it refuses, its quotas,
 * and the progress it reports to `pqsh serve --class`.
 *
 * `pqsh serve --class` runs one ordinary pqsh REPL per browser student on a
 * pseudo-terminal (src/class/session.c): the same prompt, history, completion,
 * help, modes and tutorial mode as at a terminal. --sandbox makes that REPL
 * safe to hand to a stranger on the server's machine:
 *   - only the dot-commands of the allow list below run; the others (.read,
 *     .output, .connect, .import / .export and whatever is added later) are
 *     refused with a message, since they reach the server's files or other
 *     targets; `.tutorial` takes a tutorial name, never a path;
 *   - no pager (less can open files and run commands), no ~/.pqshrc, no
 *     history file, no file-name completion;
 *   - quotas: statements per second, and writes refused once the student's
 *     tables hold the class's limit of items or bytes.
 * Quotas come from PQSH_CLASS_QUOTA="ITEMS BYTES RATE" (0: no limit).
 *
 * Reports: with PQSH_CLASS_FD=N, one JSON object per line is written to fd N
 * for the server's teacher page — {"tutorial", "done", "steps"} when tutorial
 * progress changes, {"statement", "ok", "error"} after every statement or
 * command. A failed write to it is ignored: the shell goes on.
 *
 * There is one shell per process, so the state is file-static.
 */
#include "shell.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define REPORT_TEXT_MAX 400 /* bytes of a statement or error kept in a report */

static struct {
    bool on;
    int fd; /* reports; -1: none */
    unsigned long long items, bytes, rate;
    double window; /* start of the current one-second window */
    unsigned long long in_window;
    char *error; /* last error message of the current piece (owned), or NULL */
} sb = {.fd = -1};

/* Commands a student may run. Everything else is refused in the sandbox. */
static const char *const allowed[] = {
    ".help",       "\\?",       "\\h",       ".quit",   ".exit",      "\\q",       ".mode",
    "\\x",         ".timing",   "\\timing",  ".vars",   "\\set",      "\\unset",   ".echo",
    ".bail",       ".capacity", ".scanwarn", ".tables", "\\dt",       ".describe", "\\d",
    ".consistent", ".explain",  ".reset",    ".clock",  ".ttl-sweep", ".ttl",      ".tutorial",
    ".hint",       ".skip",     ".dump",     ".stream", ".tail",      NULL,
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void shell_sandbox_init(struct shell *sh)
{
    sh->sandbox = true;
    sb.on = true;
    const char *fd = getenv("PQSH_CLASS_FD");
    if (fd && *fd) {
        char *end;
        long n = strtol(fd, &end, 10);
        if (!*end && n > 2 && n < 1024) sb.fd = (int)n;
    }
    const char *q = getenv("PQSH_CLASS_QUOTA");
    if (q && sscanf(q, "%llu %llu %llu", &sb.items, &sb.bytes, &sb.rate) != 3)
        sb.items = sb.bytes = sb.rate = 0;
}

bool shell_sandboxed(void)
{
    return sb.on;
}

bool shell_sandbox_command(const struct where *w, const char *name, size_t n, const char *args)
{
    for (size_t i = 0; allowed[i]; i++) {
        if (strlen(allowed[i]) != n || strncmp(allowed[i], name, n) != 0) continue;
        if (strcmp(allowed[i], ".tutorial") == 0 && strchr(args, '/')) {
            shell_errorf(w, "in the classroom .tutorial takes a tutorial's name, not a path "
                            "(.tutorial lists them)");
            return false;
        }
        return true;
    }
    shell_errorf(w,
                 "'%.*s' is not available in the classroom: it would reach the server's files "
                 "or another target (.help lists the commands)",
                 (int)n, name);
    return false;
}

/* True for statements that may add items or bytes (checked against the quota). */
static bool may_grow(const char *text, size_t len)
{
    static const char *const words[] = {"INSERT", "UPDATE", "UPSERT", "REPLACE",
                                        "CREATE", "COMMIT", "END",    NULL};
    size_t i = strspn(text, " \t\r\n"), n = 0;
    while (i + n < len && ((text[i + n] | 0x20) >= 'a' && (text[i + n] | 0x20) <= 'z'))
        n++;
    for (size_t k = 0; words[k]; k++)
        if (strlen(words[k]) == n && strncasecmp(words[k], text + i, n) == 0) return true;
    return false;
}

/* Items and bytes in the student's tables (DescribeTable's counts); false
 * when they cannot be read (the statement then runs and meets its own error). */
static bool usage(struct shell *sh, unsigned long long *items, unsigned long long *bytes)
{
    struct pq_error err;
    pq_error_init(&err);
    json_t *names = shell_list_tables(sh, &err);
    *items = *bytes = 0;
    size_t i;
    json_t *name;
    json_array_foreach(names, i, name)
    {
        json_t *req = json_pack("{s:O}", "TableName", name), *resp = NULL;
        pq_error_release(&err);
        pq_error_init(&err);
        if (pq_backend_call(sh->backend, "DescribeTable", req, &resp, &err) == PQ_OK) {
            json_t *t = json_object_get(resp, "Table");
            *items += (unsigned long long)json_integer_value(json_object_get(t, "ItemCount"));
            *bytes += (unsigned long long)json_integer_value(json_object_get(t, "TableSizeBytes"));
        }
        json_decref(req);
        json_decref(resp);
    }
    bool ok = names != NULL;
    json_decref(names);
    pq_error_release(&err);
    return ok;
}

bool shell_sandbox_statement(struct shell *sh, const struct where *w)
{
    if (sb.rate) {
        double t = now_s();
        if (t - sb.window >= 1.0) {
            sb.window = t;
            sb.in_window = 0;
        }
        if (++sb.in_window > sb.rate) {
            shell_errorf(w,
                         "quota: this class allows %llu statement%s per second; wait a moment "
                         "and run it again",
                         sb.rate, sb.rate == 1 ? "" : "s");
            return false;
        }
    }
    unsigned long long items, bytes;
    if ((sb.items || sb.bytes) && may_grow(w->text, w->len) && usage(sh, &items, &bytes)) {
        if (sb.items && items >= sb.items) {
            shell_errorf(w,
                         "quota: your tables hold %llu items and this class allows %llu; "
                         "DELETE items or DROP a table to make room",
                         items, sb.items);
            return false;
        }
        if (sb.bytes && bytes >= sb.bytes) {
            shell_errorf(w,
                         "quota: your tables hold %llu bytes and this class allows %llu; "
                         "DELETE items or DROP a table to make room",
                         bytes, sb.bytes);
            return false;
        }
    }
    return true;
}

void shell_sandbox_error(const char *type, const char *message)
{
    if (!sb.on || sb.error) return; /* the first error of a piece is its cause */
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    pq_buf_addf(&b, "%s%s%s", type ? type : "", type ? ": " : "", message ? message : "");
    sb.error = pq_buf_detach(&b, NULL);
}

static void send_report(json_t *o)
{
    if (sb.fd < 0) {
        json_decref(o);
        return;
    }
    char *line = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(o);
    if (!line) return;
    size_t n = strlen(line);
    line[n] = '\n'; /* replaces the terminator: the line is written by length */
    for (size_t off = 0; off < n + 1;) {
        ssize_t k = write(sb.fd, line + off, n + 1 - off);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break;
        off += (size_t)k;
    }
    free(line);
}

/* At most REPORT_TEXT_MAX bytes, cut at a UTF-8 boundary. */
static json_t *clipped(const char *s, size_t n)
{
    if (n > REPORT_TEXT_MAX) {
        n = REPORT_TEXT_MAX;
        while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    json_t *v = json_stringn(s, n);
    return v ? v : json_string("(not UTF-8)");
}

void shell_sandbox_report(const struct where *w, bool ok)
{
    if (!sb.on) return;
    size_t n = w->len;
    while (n && strchr(" \t\r\n", w->text[n - 1]))
        n--;
    json_t *o = json_pack("{s:o,s:b}", "statement", clipped(w->text, n), "ok", ok);
    if (!ok && sb.error) json_object_set_new(o, "error", clipped(sb.error, strlen(sb.error)));
    send_report(o);
    free(sb.error);
    sb.error = NULL;
}

void shell_sandbox_progress(const char *tutorial, size_t done, size_t steps)
{
    if (!sb.on) return;
    send_report(json_pack("{s:s,s:I,s:I}", "tutorial", tutorial, "done", (json_int_t)done, "steps",
                          (json_int_t)steps));
}
