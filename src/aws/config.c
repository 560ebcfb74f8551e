/* config.c — shared config and credentials files, region and endpoint resolution. */
#include "aws/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "pqsh/buf.h"

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

bool pq_aws_truthy(const char *v)
{
    return v && strcasecmp(v, "true") == 0;
}

char *pq_aws_expand_home(const char *path)
{
    const char *home = getenv("HOME");
    if (path[0] == '~' && (path[1] == '/' || path[1] == '\0') && home) {
        struct pq_buf b = PQ_BUF_INIT;
        pq_buf_init(&b);
        pq_buf_adds(&b, home);
        pq_buf_adds(&b, path + 1);
        return pq_buf_detach(&b, NULL);
    }
    return pq_xstrdup(path);
}

static char *trimmed(const char *s, size_t len)
{
    while (len && isspace((unsigned char)*s))
        s++, len--;
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    return pq_xstrndup(s, len);
}

static void ini_add(struct pq_ini *ini, const char *section, char *key, char *value)
{
    /* A later duplicate replaces the earlier value, as in configparser. */
    for (size_t i = 0; i < ini->n; i++) {
        if (strcmp(ini->e[i].section, section) == 0 && strcmp(ini->e[i].key, key) == 0) {
            free(ini->e[i].value);
            ini->e[i].value = value;
            free(key);
            return;
        }
    }
    if (ini->n == ini->cap) {
        ini->cap = ini->cap ? 2 * ini->cap : 16;
        ini->e = pq_xrealloc(ini->e, ini->cap * sizeof *ini->e);
    }
    ini->e[ini->n++] = (struct pq_ini_entry){pq_xstrdup(section), key, value};
}

pq_status pq_ini_parse(struct pq_ini *ini, const char *text, const char *path, struct pq_error *err)
{
    char *section = NULL, *parent = NULL; /* parent: key whose sub-keys follow */
    pq_status st = PQ_OK;
    unsigned lineno = 0;
    const char *p = text;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        const char *line = p;
        p += len + (eol ? 1 : 0);
        lineno++;
        if (len && line[len - 1] == '\r') len--;
        size_t indent = 0;
        while (indent < len && (line[indent] == ' ' || line[indent] == '\t'))
            indent++;
        if (indent == len || line[indent] == '#' || line[indent] == ';') continue;
        if (indent == 0 && line[0] == '[') {
            const char *close = memchr(line, ']', len);
            if (!close) {
                st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                                  "%s:%u: unable to parse config file: missing ']'", path, lineno);
                goto out;
            }
            free(section);
            section = trimmed(line + 1, (size_t)(close - line - 1));
            /* Collapse inner whitespace: "profile   x" names profile x. */
            char *w = section;
            for (char *r = section; *r; r++) {
                if (isspace((unsigned char)*r)) {
                    if (w > section && w[-1] != ' ') *w++ = ' ';
                } else {
                    *w++ = *r;
                }
            }
            *w = '\0';
            free(parent);
            parent = NULL;
            continue;
        }
        if (!section) {
            st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                              "%s:%u: unable to parse config file: line outside any section", path,
                              lineno);
            goto out;
        }
        const char *eq = memchr(line + indent, '=', len - indent);
        if (!eq) {
            st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                              "%s:%u: unable to parse config file: expected 'key = value'", path,
                              lineno);
            goto out;
        }
        char *key = trimmed(line + indent, (size_t)(eq - line - indent));
        for (char *k = key; *k; k++)
            *k = (char)tolower((unsigned char)*k);
        char *value = trimmed(eq + 1, (size_t)(line + len - eq - 1));
        if (indent > 0 && parent) {
            struct pq_buf full = PQ_BUF_INIT;
            pq_buf_init(&full);
            pq_buf_addf(&full, "%s.%s", parent, key);
            free(key);
            ini_add(ini, section, pq_buf_detach(&full, NULL), value);
            continue;
        }
        free(parent);
        parent = *value ? NULL : pq_xstrdup(key);
        ini_add(ini, section, key, value);
    }
out:
    free(section);
    free(parent);
    return st;
}

void pq_ini_release(struct pq_ini *ini)
{
    for (size_t i = 0; i < ini->n; i++) {
        free(ini->e[i].section);
        free(ini->e[i].key);
        if (ini->e[i].value) {
            /* Values may be secrets: wipe before freeing. */
            memset(ini->e[i].value, 0, strlen(ini->e[i].value));
            free(ini->e[i].value);
        }
    }
    free(ini->e);
    ini->e = NULL;
    ini->n = ini->cap = 0;
}

const char *pq_ini_get(const struct pq_ini *ini, const char *section, const char *key)
{
    for (size_t i = 0; i < ini->n; i++)
        if (strcmp(ini->e[i].section, section) == 0 && strcmp(ini->e[i].key, key) == 0)
            return ini->e[i].value;
    return NULL;
}

bool pq_ini_has_section(const struct pq_ini *ini, const char *section)
{
    for (size_t i = 0; i < ini->n; i++)
        if (strcmp(ini->e[i].section, section) == 0) return true;
    return false;
}

/* Reads and parses one file; a missing file is an empty configuration. */
static pq_status load_file(struct pq_ini *ini, const char *path, struct pq_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT || errno == ENOTDIR) return PQ_OK;
        return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS, "cannot read '%s': %s", path,
                            strerror(errno));
    }
    struct pq_buf text = PQ_BUF_INIT;
    pq_buf_init(&text);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        pq_buf_add(&text, chunk, n);
    bool failed = ferror(f);
    fclose(f);
    pq_status st =
        failed ? pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS, "cannot read '%s'", path)
               : pq_ini_parse(ini, text.data, path, err);
    memset(text.data, 0, text.len);
    pq_buf_release(&text);
    return st;
}

pq_status pq_aws_config_load(struct pq_aws_config *c, const char *profile_opt, struct pq_error *err)
{
    pq_status st;
    memset(c, 0, sizeof *c);
    const char *cfg = env("AWS_CONFIG_FILE"), *creds = env("AWS_SHARED_CREDENTIALS_FILE");
    c->config_path = pq_aws_expand_home(cfg ? cfg : "~/.aws/config");
    c->creds_path = pq_aws_expand_home(creds ? creds : "~/.aws/credentials");
    if ((st = load_file(&c->config, c->config_path, err)) != PQ_OK) goto fail;
    if ((st = load_file(&c->creds, c->creds_path, err)) != PQ_OK) goto fail;

    const char *profile = profile_opt && *profile_opt ? profile_opt : NULL;
    c->profile_explicit = profile != NULL;
    if (!profile) profile = env("AWS_PROFILE");
    if (!profile) profile = env("AWS_DEFAULT_PROFILE");
    bool named = profile != NULL;
    c->profile = pq_xstrdup(profile ? profile : "default");
    if (named && !pq_aws_config_has_profile(c, c->profile)) {
        st = pq_error_set(err, PQ_ERR_USAGE, PQ_NO_POS, PQ_NO_POS,
                          "the config profile (%s) could not be found", c->profile);
        goto fail;
    }
    return PQ_OK;
fail:
    pq_aws_config_release(c);
    return st;
}

void pq_aws_config_release(struct pq_aws_config *c)
{
    free(c->profile);
    free(c->config_path);
    free(c->creds_path);
    pq_ini_release(&c->config);
    pq_ini_release(&c->creds);
    memset(c, 0, sizeof *c);
}

const char *pq_aws_config_get(const struct pq_aws_config *c, const char *profile, const char *key)
{
    struct pq_buf sec = PQ_BUF_INIT;
    pq_buf_init(&sec);
    pq_buf_addf(&sec, "profile %s", profile);
    const char *v = pq_ini_get(&c->config, sec.data, key);
    /* `[default]` names the default profile; `[profile default]` wins when both exist. */
    if (!v && strcmp(profile, "default") == 0) v = pq_ini_get(&c->config, "default", key);
    pq_buf_release(&sec);
    return v;
}

const char *pq_aws_config_cred(const struct pq_aws_config *c, const char *profile, const char *key)
{
    return pq_ini_get(&c->creds, profile, key);
}

bool pq_aws_config_has_profile(const struct pq_aws_config *c, const char *profile)
{
    struct pq_buf sec = PQ_BUF_INIT;
    pq_buf_init(&sec);
    pq_buf_addf(&sec, "profile %s", profile);
    bool found = pq_ini_has_section(&c->config, sec.data) ||
                 pq_ini_has_section(&c->creds, profile) ||
                 (strcmp(profile, "default") == 0 && pq_ini_has_section(&c->config, "default"));
    pq_buf_release(&sec);
    return found;
}

char *pq_aws_config_region(const struct pq_aws_config *c, const char *opt)
{
    const char *r = opt && *opt ? opt : NULL;
    if (!r) r = env("AWS_REGION");
    if (!r) r = env("AWS_DEFAULT_REGION");
    if (!r) r = pq_aws_config_get(c, c->profile, "region");
    return r && *r ? pq_xstrdup(r) : NULL;
}

/* The endpoint configured for `service` (lower-case service id, e.g.
 * "dynamodb", "sts", "sso"): AWS_ENDPOINT_URL_<ID> > AWS_ENDPOINT_URL >
 * `[services]` section > profile endpoint_url, unless ignored. Borrowed
 * (environment or configuration) or NULL. */
static const char *configured_endpoint(const struct pq_aws_config *c, const char *service)
{
    const char *url = NULL;
    bool ignore = pq_aws_truthy(env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"));
    if (!env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"))
        ignore = pq_aws_truthy(pq_aws_config_get(c, c->profile, "ignore_configured_endpoint_urls"));
    if (ignore) return NULL;
    struct pq_buf name = PQ_BUF_INIT;
    pq_buf_init(&name);
    pq_buf_adds(&name, "AWS_ENDPOINT_URL_");
    for (const char *s = service; *s; s++)
        pq_buf_addc(&name, (char)toupper((unsigned char)*s));
    url = env(name.data);
    if (!url) url = env("AWS_ENDPOINT_URL");
    const char *services = pq_aws_config_get(c, c->profile, "services");
    if (!url && services) {
        pq_buf_reset(&name);
        pq_buf_addf(&name, "services %s", services);
        struct pq_buf key = PQ_BUF_INIT;
        pq_buf_init(&key);
        pq_buf_addf(&key, "%s.endpoint_url", service);
        url = pq_ini_get(&c->config, name.data, key.data);
        pq_buf_release(&key);
    }
    pq_buf_release(&name);
    if (!url) url = pq_aws_config_get(c, c->profile, "endpoint_url");
    return url && *url ? url : NULL;
}

char *pq_aws_config_service_endpoint(const struct pq_aws_config *c, const char *service)
{
    const char *url = configured_endpoint(c, service);
    return url ? pq_xstrdup(url) : NULL;
}

char *pq_aws_config_endpoint(const struct pq_aws_config *c, const char *opt, const char *region,
                             bool *custom)
{
    const char *url = opt && *opt ? opt : configured_endpoint(c, "dynamodb");
    *custom = url != NULL;
    if (url) return pq_xstrdup(url);
    /* Standard endpoints (reference §1.1, endpoint-rule-set-1.json). */
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    if (strcmp(region, "local") == 0)
        pq_buf_adds(&b, "http://localhost:8000");
    else if (strncmp(region, "cn-", 3) == 0)
        pq_buf_addf(&b, "https://dynamodb.%s.amazonaws.com.cn", region);
    else
        pq_buf_addf(&b, "https://dynamodb.%s.amazonaws.com", region);
    return pq_buf_detach(&b, NULL);
}
