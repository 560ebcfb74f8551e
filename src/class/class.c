/* class.c — the classroom's life: options, start, stop (see pqsh/class.h). */
#include "internal.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

bool pq_class_has_terminal(void)
{
    return cls_have_xterm;
}

/* Six characters that read aloud without doubt (no 0/O, 1/I/L). */
static char *new_code(void)
{
    static const char alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    char hex[13], *code = pq_xmalloc(7);
    cls_random_hex(hex, 6);
    for (size_t i = 0; i < 6; i++)
        code[i] = alphabet[strtoul((char[]){hex[2 * i], hex[2 * i + 1], 0}, NULL, 16) %
                           (sizeof alphabet - 1)];
    code[6] = '\0';
    return code;
}

const char *pq_class_code(const struct pq_class *c)
{
    return c->opt.code;
}

const char *pq_class_teacher_token(const struct pq_class *c)
{
    return c->opt.teacher_token;
}

pq_status pq_class_start(const struct pq_class_options *opt, struct pq_class **out,
                         struct pq_error *err)
{
    *out = NULL;
    if (!opt->pqsh || !opt->dir || (opt->code && !*opt->code) ||
        (opt->teacher_token && strlen(opt->teacher_token) < 16))
        return pq_error_set(err, PQ_ERR_USAGE, PQ_NO_POS, PQ_NO_POS,
                            "the class needs the pqsh binary, a folder, a class code and a "
                            "teacher token of 16 characters or more");
    if (!cls_have_xterm)
        return pq_error_set(err, PQ_ERR_USAGE, PQ_NO_POS, PQ_NO_POS,
                            "this pqsh was built without xterm.js, which the student page needs: "
                            "run 'npm ci' in web/ and build again");
    if (opt->port > 65535)
        return pq_error_set(err, PQ_ERR_USAGE, PQ_NO_POS, PQ_NO_POS, "port %u is out of range",
                            opt->port);
    struct pq_class *c = pq_xcalloc(1, sizeof *c);
    c->opt = *opt;
    c->opt.host = pq_xstrdup(opt->host ? opt->host : "127.0.0.1");
    c->opt.pqsh = pq_xstrdup(opt->pqsh);
    c->opt.dir = pq_xstrdup(opt->dir);
    c->opt.code = opt->code ? pq_xstrdup(opt->code) : new_code();
    char token[33];
    cls_random_hex(token, 16);
    c->opt.teacher_token = pq_xstrdup(opt->teacher_token ? opt->teacher_token : token);
    pthread_mutex_init(&c->lock, NULL);
    if (cls_web_start(c, err)) {
        pq_class_stop(c);
        return err->code;
    }
    *out = c;
    return PQ_OK;
}

unsigned pq_class_port(const struct pq_class *c)
{
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(c->daemon, MHD_DAEMON_INFO_BIND_PORT);
    return di ? di->port : c->opt.port;
}

void pq_class_stop(struct pq_class *c)
{
    if (!c) return;
    cls_web_stop(c);
    pthread_mutex_lock(&c->lock);
    c->stopping = true;
    pthread_mutex_unlock(&c->lock);
    cls_sessions_free(c);
    pthread_mutex_destroy(&c->lock);
    free((char *)c->opt.host);
    free((char *)c->opt.pqsh);
    free((char *)c->opt.dir);
    free((char *)c->opt.code);
    free((char *)c->opt.teacher_token);
    free(c);
}

pq_status pq_class_parse_quota(const char *text, struct pq_class_options *opt, struct pq_error *err)
{
    const char *p = text;
    while (*p) {
        size_t n = strcspn(p, "=,");
        unsigned long long *dst = NULL;
        if (n == 5 && strncmp(p, "items", 5) == 0) dst = &opt->quota_items;
        if (n == 5 && strncmp(p, "bytes", 5) == 0) dst = &opt->quota_bytes;
        if (n == 4 && strncmp(p, "rate", 4) == 0) dst = &opt->quota_rate;
        char *end = NULL;
        if (dst && p[n] == '=' && p[n + 1] >= '0' && p[n + 1] <= '9')
            *dst = strtoull(p + n + 1, &end, 10);
        if (!dst || !end || (*end && *end != ',') || (*end == ',' && !end[1]))
            return pq_error_set(err, PQ_ERR_USAGE, PQ_NO_POS, PQ_NO_POS,
                                "invalid quota '%s' (items=N,bytes=N,rate=N; 0: no limit)", text);
        p = *end ? end + 1 : end;
    }
    return PQ_OK;
}
