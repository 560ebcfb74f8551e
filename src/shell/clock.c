/* clock.c — .clock, .ttl-sweep and .ttl: the engine's clock and Time to Live from the prompt.
 *
 * .clock and .ttl-sweep are pqsh's own operations (pq_engine_admin), so they
 * work on the embedded engine and on `pqsh serve --clock` only; .ttl is DynamoDB's UpdateTimeToLive
 * / DescribeTimeToLive (PartiQL has no statement for it) and works on any target. All three go
 * through the session's backend like statements do.
 */
#include "shell.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Calls `op`; the answer (new reference) or NULL with the message printed. */
static json_t *call(struct shell *sh, const struct where *w, const char *op, json_t *req)
{
    struct pq_error err;
    json_t *resp = NULL;
    pq_error_init(&err);
    if (pq_backend_call(sh->backend, op, req, &resp, &err)) shell_error(w, &err);
    pq_error_release(&err);
    json_decref(req);
    return resp;
}

/* The embedded engine, or an endpoint URL (pqsh serve --clock answers; a
 * server started without it refuses with its own message), never AWS. */
static bool embedded_only(struct shell *sh, const struct where *w, const char *cmd)
{
    if (!sh->backend->remote || strncmp(sh->backend->label, "http", 4) == 0) return true;
    shell_errorf(w, "%s works on the embedded engine or on pqsh serve --clock only (this is %s)",
                 cmd, sh->backend->label);
    return false;
}

/* "+11m" "-30s" "+2h" "+1d" "+90" (seconds) → seconds; false when malformed. */
static bool parse_move(const char *s, double *out)
{
    if (*s != '+' && *s != '-') return false;
    double sign = *s == '-' ? -1 : 1;
    char *end;
    s++;
    if (*s < '0' || *s > '9') return false;
    double n = strtod(s, &end);
    static const struct {
        char unit;
        double seconds;
    } units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
    double mult = 1;
    if (*end) {
        mult = 0;
        for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
            if (end[0] == units[i].unit && !end[1]) mult = units[i].seconds;
        if (!mult) return false;
    }
    *out = sign * n * mult;
    return true;
}

/* An offset as "+1h30m", "-30s", "+0s". */
static void format_offset(double off, char *buf, size_t n)
{
    long long s = llround(fabs(off));
    size_t at = (size_t)snprintf(buf, n, "%s", off < 0 ? "-" : "+");
    static const struct {
        long long seconds;
        char unit;
    } units[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
    for (size_t i = 0; i < sizeof units / sizeof units[0] && at < n; i++) {
        long long q = s / units[i].seconds;
        bool last = units[i].unit == 's';
        if (q || (last && at == 1))
            at += (size_t)snprintf(buf + at, n - at, "%lld%c", q, units[i].unit);
        s %= units[i].seconds;
    }
}

bool shell_cmd_clock(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    (void)at;
    if (!embedded_only(sh, w, ".clock")) return false;
    json_t *req = json_object();
    double move;
    if (strcmp(args, "now") == 0) {
        json_object_set_new(req, "Reset", json_true());
    } else if (parse_move(args, &move)) {
        json_object_set_new(req, "Advance", json_real(move));
    } else if (*args) {
        json_decref(req);
        shell_errorf(w, "usage: .clock [+N[s|m|h|d] | -N[s|m|h|d] | now]  (e.g. .clock +11m)");
        return false;
    }
    json_t *resp = call(sh, w, "pqsh:Clock", req);
    if (!resp) return false;
    double now = json_number_value(json_object_get(resp, "Now"));
    double off = json_number_value(json_object_get(resp, "Offset"));
    time_t secs = (time_t)floor(now);
    struct tm tm;
    char when[32], moved[48];
    gmtime_r(&secs, &tm);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
    format_offset(off, moved, sizeof moved);
    printf("clock: %s (epoch %lld), %s%s\n", when, (long long)secs, off ? "moved " : "not moved",
           off ? moved : "");
    json_decref(resp);
    return true;
}

bool shell_cmd_ttl_sweep(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    (void)at;
    if (*args) {
        shell_errorf(w, "usage: .ttl-sweep");
        return false;
    }
    if (!embedded_only(sh, w, ".ttl-sweep")) return false;
    json_t *resp = call(sh, w, "pqsh:TtlSweep", json_object());
    if (!resp) return false;
    json_int_t n = json_integer_value(json_object_get(resp, "Deleted"));
    printf("TTL sweep: %lld expired item%s deleted\n", (long long)n, n == 1 ? "" : "s");
    json_decref(resp);
    return true;
}

/* .ttl TABLE [ATTRIBUTE|off] */
bool shell_cmd_ttl(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    (void)at;
    size_t n = strcspn(args, " \t");
    const char *attr = args + n + strspn(args + n, " \t");
    if (!n || strchr(attr, ' ') || strchr(attr, '\t')) {
        shell_errorf(w, "usage: .ttl TABLE [ATTRIBUTE | off]  (e.g. .ttl Tokens expires_at)");
        return false;
    }
    char *table = pq_xstrndup(args, n);
    json_t *resp;
    bool ok = false;
    if (strcmp(attr, "off") == 0) {
        /* Disabling names the attribute: the one enabled now. */
        resp = call(sh, w, "DescribeTimeToLive", json_pack("{s:s}", "TableName", table));
        const char *cur = json_string_value(
            json_object_get(json_object_get(resp, "TimeToLiveDescription"), "AttributeName"));
        json_t *req =
            json_pack("{s:s, s:{s:b, s:s}}", "TableName", table, "TimeToLiveSpecification",
                      "Enabled", 0, "AttributeName", cur ? cur : "-");
        json_decref(resp);
        resp = call(sh, w, "UpdateTimeToLive", req);
        if (resp) printf("TTL on %s: DISABLED\n", table);
    } else if (*attr) {
        resp = call(sh, w, "UpdateTimeToLive",
                    json_pack("{s:s, s:{s:b, s:s}}", "TableName", table, "TimeToLiveSpecification",
                              "Enabled", 1, "AttributeName", attr));
        if (resp)
            printf("TTL on %s: ENABLED (items expire when %s, a Number of epoch seconds, has "
                   "passed)\n",
                   table, attr);
    } else {
        resp = call(sh, w, "DescribeTimeToLive", json_pack("{s:s}", "TableName", table));
        const json_t *d = json_object_get(resp, "TimeToLiveDescription");
        const char *cur = json_string_value(json_object_get(d, "AttributeName"));
        if (resp)
            printf("TTL on %s: %s%s%s%s\n", table,
                   json_string_value(json_object_get(d, "TimeToLiveStatus")),
                   cur ? " (attribute " : "", cur ? cur : "", cur ? ")" : "");
    }
    ok = resp != NULL;
    json_decref(resp);
    free(table);
    return ok;
}
