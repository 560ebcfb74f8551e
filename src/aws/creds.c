/* creds.c — the credential provider chain (see creds.h for the order and refresh rules). */
#include "aws/creds.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include "pqsh/buf.h"

#define ADVISORY_REFRESH_S (15 * 60)
#define MANDATORY_REFRESH_S (10 * 60)
#define METADATA_TIMEOUT_MS 1000L

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

static void wipe_free(char *s)
{
    if (!s) return;
    OPENSSL_cleanse(s, strlen(s));
    free(s);
}

static void creds_clear(struct pq_aws_creds *k)
{
    wipe_free(k->access_key);
    wipe_free(k->secret_key);
    wipe_free(k->session_token);
    memset(k, 0, sizeof *k);
}

static void creds_set(struct pq_aws_creds *k, const char *akid, const char *secret,
                      const char *token, time_t expiration)
{
    creds_clear(k);
    k->access_key = pq_xstrdup(akid);
    k->secret_key = pq_xstrdup(secret);
    k->session_token = token && *token ? pq_xstrdup(token) : NULL;
    k->expiration = expiration;
}

const char *pq_creds_source_name(pq_creds_source s)
{
    switch (s) {
    case PQ_CREDS_ENV:
        return "env";
    case PQ_CREDS_SHARED_FILE:
        return "shared-credentials-file";
    case PQ_CREDS_PROCESS:
        return "custom-process";
    case PQ_CREDS_CONFIG_FILE:
        return "config-file";
    case PQ_CREDS_CONTAINER:
        return "container-role";
    case PQ_CREDS_IMDS:
        return "iam-role";
    case PQ_CREDS_NONE:
        break;
    }
    return "none";
}

bool pq_aws_parse_time(const char *text, time_t *out)
{
    struct tm tm = {0};
    int n = 0;
    if (!text || sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                        &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6)
        return false;
    const char *p = text + n;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++) {
        }
    long offset = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int hh, mm, k = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &hh, &mm, &k) != 2) return false;
        offset = (hh * 60L + mm) * 60L * (*p == '-' ? -1 : 1);
        p += 1 + k;
    }
    if (*p) return false;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    *out = timegm(&tm) - offset;
    return true;
}

/* Reads {AccessKeyId, SecretAccessKey, SessionToken|Token, Expiration} from a
 * credential JSON document; `what` names the source in messages. */
static pq_status creds_from_json(struct pq_aws_creds *k, json_t *doc, const char *what,
                                 struct pq_error *err)
{
    const char *akid = json_string_value(json_object_get(doc, "AccessKeyId"));
    const char *secret = json_string_value(json_object_get(doc, "SecretAccessKey"));
    const char *token = json_string_value(json_object_get(doc, "SessionToken"));
    if (!token) token = json_string_value(json_object_get(doc, "Token"));
    const char *exp = json_string_value(json_object_get(doc, "Expiration"));
    time_t when = 0;
    if (!akid || !*akid || !secret || !*secret)
        return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                            "error when retrieving credentials from %s: missing AccessKeyId or "
                            "SecretAccessKey",
                            what);
    if (exp && !pq_aws_parse_time(exp, &when))
        return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                            "error when retrieving credentials from %s: bad Expiration '%s'", what,
                            exp);
    creds_set(k, akid, secret, token, when);
    return PQ_OK;
}

/* credential_process: runs the command through /bin/sh, JSON Version 1 on stdout. */
static pq_status fetch_process(struct pq_creds *c, struct pq_error *err)
{
    char errpath[] = "/tmp/pqsh-credproc-XXXXXX";
    struct pq_buf cmd = PQ_BUF_INIT, out = PQ_BUF_INIT, errtext = PQ_BUF_INIT;
    json_t *doc = NULL;
    pq_status st = PQ_OK;
    pq_buf_init(&cmd);
    pq_buf_init(&out);
    pq_buf_init(&errtext);
    int efd = mkstemp(errpath);
    if (efd < 0) {
        st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                          "error when retrieving credentials from custom-process: %s",
                          strerror(errno));
        goto out;
    }
    close(efd);
    pq_buf_addf(&cmd, "( %s ) 2>'%s'", c->process, errpath);
    FILE *p = popen(cmd.data, "r");
    if (!p) {
        st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                          "error when retrieving credentials from custom-process: %s",
                          strerror(errno));
        goto out;
    }
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
        pq_buf_add(&out, chunk, n);
    int status = pclose(p);
    FILE *ef = fopen(errpath, "r");
    if (ef) {
        while ((n = fread(chunk, 1, sizeof chunk, ef)) > 0)
            pq_buf_add(&errtext, chunk, n);
        fclose(ef);
    }
    while (errtext.len && (errtext.data[errtext.len - 1] == '\n'))
        errtext.data[--errtext.len] = 0;
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                          "error when retrieving credentials from custom-process: %s",
                          errtext.len ? errtext.data : "the command failed");
        goto out;
    }
    doc = json_loadb(out.data, out.len, 0, NULL);
    if (!json_is_object(doc)) {
        st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                          "error when retrieving credentials from custom-process: output is not "
                          "a JSON object");
        goto out;
    }
    json_t *version = json_object_get(doc, "Version");
    if (!json_is_integer(version) || json_integer_value(version) != 1) {
        st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                          "error when retrieving credentials from custom-process: unsupported "
                          "version '%s' (only Version 1 is supported)",
                          json_is_integer(version) ? "other" : "missing");
        goto out;
    }
    st = creds_from_json(&c->cur, doc, "custom-process", err);
out:
    unlink(errpath);
    OPENSSL_cleanse(out.data, out.len);
    pq_buf_release(&cmd);
    pq_buf_release(&out);
    pq_buf_release(&errtext);
    json_decref(doc);
    return st;
}

/* GETs `url` (or PUTs with `method`) with extra headers; body into `resp`. */
static pq_status metadata_call(struct pq_creds *c, const char *method, const char *url,
                               const char *const *headers, struct pq_http_response *resp,
                               struct pq_error *err)
{
    pq_http_sent sent;
    bool timed_out;
    return pq_http_request(c->http, method, url, headers, "", 0, METADATA_TIMEOUT_MS, resp, &sent,
                           &timed_out, err);
}

static pq_status fetch_container(struct pq_creds *c, struct pq_error *err)
{
    struct pq_http_response resp;
    struct pq_buf auth = PQ_BUF_INIT;
    const char *headers[2] = {NULL, NULL};
    json_t *doc = NULL;
    pq_status st;
    pq_http_response_init(&resp);
    pq_buf_init(&auth);
    if (c->auth_file) {
        FILE *f = fopen(c->auth_file, "r");
        if (!f) {
            st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                              "error when retrieving credentials from container-role: cannot "
                              "read '%s': %s",
                              c->auth_file, strerror(errno));
            goto out;
        }
        char chunk[1024];
        size_t n;
        pq_buf_adds(&auth, "Authorization: ");
        while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
            pq_buf_add(&auth, chunk, n);
        fclose(f);
        while (auth.len && (auth.data[auth.len - 1] == '\n' || auth.data[auth.len - 1] == '\r'))
            auth.data[--auth.len] = '\0';
        headers[0] = auth.data;
    } else if (c->auth) {
        pq_buf_addf(&auth, "Authorization: %s", c->auth);
        headers[0] = auth.data;
    }
    if ((st = metadata_call(c, "GET", c->url, headers, &resp, err)) != PQ_OK) goto out;
    if (resp.status != 200) {
        st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                          "error when retrieving credentials from container-role: HTTP %ld",
                          resp.status);
        goto out;
    }
    doc = json_loadb(resp.body.data, resp.body.len, 0, NULL);
    st = creds_from_json(&c->cur, doc, "container-role", err);
out:
    OPENSSL_cleanse(auth.data, auth.len);
    pq_buf_release(&auth);
    OPENSSL_cleanse(resp.body.data, resp.body.len);
    pq_http_response_release(&resp);
    json_decref(doc);
    return st;
}

/* IMDSv2: PUT a session token, then GET the role name and its credentials.
 * Falls back to IMDSv1 (no token) when the PUT answers 403/404/405 or times
 * out, unless AWS_EC2_METADATA_V1_DISABLED is true (botocore's rules). */
static pq_status fetch_imds(struct pq_creds *c, struct pq_error *err)
{
    struct pq_http_response resp;
    struct pq_buf url = PQ_BUF_INIT, tok = PQ_BUF_INIT;
    const char *headers[2] = {NULL, NULL};
    json_t *doc = NULL;
    char *role = NULL;
    pq_status st;
    pq_http_response_init(&resp);
    pq_buf_init(&url);
    pq_buf_init(&tok);

    pq_buf_addf(&url, "%s/latest/api/token", c->url);
    const char *ttl[] = {"X-aws-ec2-metadata-token-ttl-seconds: 21600", NULL};
    pq_http_sent sent;
    bool timed_out;
    st = pq_http_request(c->http, "PUT", url.data, ttl, "", 0, METADATA_TIMEOUT_MS, &resp, &sent,
                         &timed_out, err);
    if (st == PQ_OK && resp.status == 200) {
        pq_buf_addf(&tok, "X-aws-ec2-metadata-token: %s", resp.body.data);
        headers[0] = tok.data;
    } else if (st == PQ_OK && resp.status == 400) {
        st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                          "error when retrieving credentials from iam-role: bad IMDS token "
                          "request");
        goto out;
    } else if (st != PQ_OK && !(timed_out && sent == PQ_HTTP_MAYBE_SENT)) {
        goto out; /* nothing answers: not on EC2 */
    } else if (pq_aws_truthy(env("AWS_EC2_METADATA_V1_DISABLED"))) {
        st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                          "error when retrieving credentials from iam-role: no IMDSv2 token and "
                          "IMDSv1 is disabled");
        goto out;
    }
    c->imds_v1 = headers[0] == NULL;
    pq_error_release(err);

    pq_buf_reset(&url);
    pq_buf_addf(&url, "%s/latest/meta-data/iam/security-credentials/", c->url);
    if ((st = metadata_call(c, "GET", url.data, headers, &resp, err)) != PQ_OK) goto out;
    if (resp.status != 200 || resp.body.len == 0) {
        st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                          "error when retrieving credentials from iam-role: no role attached "
                          "(HTTP %ld)",
                          resp.status);
        goto out;
    }
    role = pq_xstrndup(resp.body.data, strcspn(resp.body.data, "\r\n"));
    pq_buf_adds(&url, role);
    if ((st = metadata_call(c, "GET", url.data, headers, &resp, err)) != PQ_OK) goto out;
    doc = resp.status == 200 ? json_loadb(resp.body.data, resp.body.len, 0, NULL) : NULL;
    const char *code = json_string_value(json_object_get(doc, "Code"));
    if (!doc || (code && strcmp(code, "Success") != 0)) {
        st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                          "error when retrieving credentials from iam-role: HTTP %ld for role "
                          "'%s'",
                          resp.status, role);
        goto out;
    }
    st = creds_from_json(&c->cur, doc, "iam-role", err);
out:
    free(role);
    OPENSSL_cleanse(tok.data, tok.len);
    pq_buf_release(&tok);
    pq_buf_release(&url);
    OPENSSL_cleanse(resp.body.data, resp.body.len);
    pq_http_response_release(&resp);
    json_decref(doc);
    return st;
}

static pq_status fetch(struct pq_creds *c, struct pq_error *err)
{
    pq_status st = PQ_OK;
    switch (c->source) {
    case PQ_CREDS_PROCESS:
        st = fetch_process(c, err);
        break;
    case PQ_CREDS_CONTAINER:
        st = fetch_container(c, err);
        break;
    case PQ_CREDS_IMDS:
        st = fetch_imds(c, err);
        break;
    default:
        break;
    }
    if (st == PQ_OK) c->fetches++;
    return st;
}

/* Container endpoint from the environment: the relative URI wins. The full
 * URI must be https or a loopback / ECS / EKS address (as botocore checks). */
static pq_status container_url(struct pq_creds *c, bool *found, struct pq_error *err)
{
    const char *rel = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const char *full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    *found = false;
    if (rel) {
        struct pq_buf b = PQ_BUF_INIT;
        pq_buf_init(&b);
        pq_buf_addf(&b, "http://169.254.170.2%s", rel);
        c->url = pq_buf_detach(&b, NULL);
    } else if (full) {
        static const char *const allowed[] = {"http://127.",
                                              "http://localhost",
                                              "http://[::1]",
                                              "http://169.254.170.2",
                                              "http://169.254.170.23",
                                              "http://[fd00:ec2::23]",
                                              "https://"};
        bool ok = false;
        for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++)
            if (strncmp(full, allowed[i], strlen(allowed[i])) == 0) ok = true;
        if (!ok)
            return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                                "unsupported host in AWS_CONTAINER_CREDENTIALS_FULL_URI: must be "
                                "https or a loopback, ECS or EKS address");
        c->url = pq_xstrdup(full);
    } else {
        return PQ_OK;
    }
    const char *file = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    const char *tok = env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    if (file)
        c->auth_file = pq_xstrdup(file);
    else if (tok)
        c->auth = pq_xstrdup(tok);
    *found = true;
    return PQ_OK;
}

pq_status pq_creds_resolve(struct pq_creds *c, const struct pq_aws_config *cfg,
                           const struct pq_http_options *http_opt, struct pq_error *err)
{
    struct pq_buf tried = PQ_BUF_INIT;
    const char *profile = cfg->profile;
    const char *v;
    pq_status st = PQ_OK;
    bool found = false;
    memset(c, 0, sizeof *c);
    pq_buf_init(&tried);

    /* 1. Environment, unless --profile named a profile explicitly. */
    if (!cfg->profile_explicit) {
        const char *akid = env("AWS_ACCESS_KEY_ID"), *secret = env("AWS_SECRET_ACCESS_KEY");
        if (akid && secret) {
            creds_set(&c->cur, akid, secret, env("AWS_SESSION_TOKEN"), 0);
            c->source = PQ_CREDS_ENV;
            goto out;
        }
        if (akid || secret) {
            st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                              "partial credentials found in env, missing: %s",
                              akid ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
            goto fail;
        }
        pq_buf_adds(&tried, "environment variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)");
    }

    /* 2. Profile kinds pqsh recognises but cannot use yet: refuse clearly
     * rather than silently falling through to other credentials. */
    static const char *const unsupported[][2] = {
        {"role_arn", "assume-role profiles (role_arn)"},
        {"web_identity_token_file", "web identity profiles (web_identity_token_file)"},
        {"sso_session", "IAM Identity Center profiles (sso_session)"},
        {"sso_start_url", "IAM Identity Center profiles (sso_start_url)"},
    };
    for (size_t i = 0; i < sizeof unsupported / sizeof *unsupported; i++) {
        if (pq_aws_config_get(cfg, profile, unsupported[i][0])) {
            st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                              "profile '%s' uses %s, which pqsh does not support yet", profile,
                              unsupported[i][1]);
            goto fail;
        }
    }
    if (env("AWS_WEB_IDENTITY_TOKEN_FILE") && env("AWS_ROLE_ARN")) {
        st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                          "AWS_WEB_IDENTITY_TOKEN_FILE is set, but pqsh does not support web "
                          "identity credentials yet");
        goto fail;
    }

    /* 3. Shared credentials file. */
    const char *akid = pq_aws_config_cred(cfg, profile, "aws_access_key_id");
    const char *secret = pq_aws_config_cred(cfg, profile, "aws_secret_access_key");
    if (akid && secret) {
        creds_set(&c->cur, akid, secret, pq_aws_config_cred(cfg, profile, "aws_session_token"), 0);
        c->source = PQ_CREDS_SHARED_FILE;
        goto out;
    }
    pq_buf_addf(&tried, "%sshared credentials file (%s, profile %s)", tried.len ? ", " : "",
                cfg->creds_path, profile);

    /* 4. credential_process. */
    if ((v = pq_aws_config_get(cfg, profile, "credential_process")) && *v) {
        c->source = PQ_CREDS_PROCESS;
        c->process = pq_xstrdup(v);
        if ((st = fetch(c, err)) != PQ_OK) goto fail;
        goto out;
    }
    pq_buf_adds(&tried, ", credential_process");

    /* 5. Static keys in the config file. */
    akid = pq_aws_config_get(cfg, profile, "aws_access_key_id");
    secret = pq_aws_config_get(cfg, profile, "aws_secret_access_key");
    if (akid && secret) {
        creds_set(&c->cur, akid, secret, pq_aws_config_get(cfg, profile, "aws_session_token"), 0);
        c->source = PQ_CREDS_CONFIG_FILE;
        goto out;
    }
    pq_buf_addf(&tried, ", config file (%s)", cfg->config_path);

    /* 6. Container credentials. */
    if ((st = container_url(c, &found, err)) != PQ_OK) goto fail;
    if (found) {
        c->source = PQ_CREDS_CONTAINER;
        if ((st = pq_http_new(http_opt, &c->http, err)) != PQ_OK) goto fail;
        if ((st = fetch(c, err)) != PQ_OK) goto fail;
        goto out;
    }
    pq_buf_adds(&tried, ", container credentials (AWS_CONTAINER_CREDENTIALS_*_URI not set)");

    /* 7. EC2 instance metadata. */
    if (pq_aws_truthy(env("AWS_EC2_METADATA_DISABLED"))) {
        pq_buf_adds(&tried, ", EC2 instance metadata (disabled by AWS_EC2_METADATA_DISABLED)");
    } else {
        v = env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        if (!v) v = pq_aws_config_get(cfg, profile, "ec2_metadata_service_endpoint");
        c->url = pq_xstrdup(v ? v : "http://169.254.169.254");
        size_t len = strlen(c->url);
        while (len && c->url[len - 1] == '/')
            c->url[--len] = '\0';
        c->source = PQ_CREDS_IMDS;
        if ((st = pq_http_new(http_opt, &c->http, err)) != PQ_OK) goto fail;
        struct pq_error ierr;
        pq_error_init(&ierr);
        if (fetch(c, &ierr) == PQ_OK) goto out;
        pq_buf_addf(&tried, ", EC2 instance metadata (%s: %s)", c->url, ierr.message);
        pq_error_release(&ierr);
    }
    st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                      "unable to locate credentials; tried %s", tried.data);
    goto fail;
out:
    pq_buf_release(&tried);
    return PQ_OK;
fail:
    pq_buf_release(&tried);
    pq_creds_release(c);
    return st;
}

pq_status pq_creds_current(struct pq_creds *c, time_t now, const struct pq_aws_creds **out,
                           struct pq_error *err)
{
    if (c->cur.expiration && c->cur.expiration - now < ADVISORY_REFRESH_S) {
        struct pq_aws_creds old = c->cur;
        memset(&c->cur, 0, sizeof c->cur);
        pq_status st = fetch(c, err);
        if (st != PQ_OK) {
            if (old.access_key && old.expiration - now > MANDATORY_REFRESH_S) {
                /* Advisory window: keep the old credentials a little longer. */
                creds_clear(&c->cur);
                c->cur = old;
                pq_error_release(err);
                *out = &c->cur;
                return PQ_OK;
            }
            creds_clear(&old);
            return st;
        }
        creds_clear(&old);
    }
    *out = &c->cur;
    return PQ_OK;
}

void pq_creds_release(struct pq_creds *c)
{
    creds_clear(&c->cur);
    free(c->process);
    free(c->url);
    wipe_free(c->auth);
    free(c->auth_file);
    pq_http_free(c->http);
    memset(c, 0, sizeof *c);
}
