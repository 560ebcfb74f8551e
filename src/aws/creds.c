/* creds.c — the credential provider chain (see creds.h for the order and refresh rules). */
#include "aws/creds.h"
#include "aws/sigv4.h"
#include "aws/sts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
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

void pq_aws_creds_clear(struct pq_aws_creds *k)
{
    wipe_free(k->access_key);
    wipe_free(k->secret_key);
    wipe_free(k->session_token);
    memset(k, 0, sizeof *k);
}

void pq_aws_creds_set(struct pq_aws_creds *k, const char *akid, const char *secret,
                      const char *token, time_t expiration)
{
    pq_aws_creds_clear(k);
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
    case PQ_CREDS_ASSUME_ROLE:
        return "assume-role";
    case PQ_CREDS_WEB_IDENTITY:
        return "assume-role-with-web-identity";
    case PQ_CREDS_SSO:
        return "sso";
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
    } else if (strcmp(p, "UTC") == 0) { /* older SSO caches: "2019-10-18T20:46:55UTC" */
        p += 3;
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
    pq_aws_creds_set(k, akid, secret, token, when);
    return PQ_OK;
}

/* credential_process: the words of the command run directly (no shell, see
 * process.c), JSON Version 1 on stdout. */
static pq_status fetch_process(struct pq_creds *c, struct pq_error *err)
{
    char errpath[] = "/tmp/pqsh-credproc-XXXXXX";
    struct pq_buf out = PQ_BUF_INIT, errtext = PQ_BUF_INIT;
    json_t *doc = NULL;
    char **argv = NULL;
    pq_status st = PQ_OK;
    pq_buf_init(&out);
    pq_buf_init(&errtext);
    int efd = mkstemp(errpath);
    if (efd < 0) {
        st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                          "error when retrieving credentials from custom-process: %s",
                          strerror(errno));
        goto out;
    }
    int status = 0;
    if ((st = aws_split_command(c->process, &argv, err)) ||
        (st = aws_run_process(argv, efd, &out, &status, err))) {
        close(efd);
        goto out;
    }
    close(efd);
    char chunk[4096];
    size_t n;
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
    aws_free_argv(argv);
    OPENSSL_cleanse(out.data, out.len);
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

/* Reads a whole small file (a token); NULL with `err` set when it cannot. */
static char *read_token_file(const char *path, const char *what, struct pq_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                     "error when retrieving credentials from %s: cannot read '%s': %s", what, path,
                     strerror(errno));
        return NULL;
    }
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len < (1u << 20))
        pq_buf_add(&b, chunk, n);
    fclose(f);
    OPENSSL_cleanse(chunk, sizeof chunk);
    while (b.len &&
           (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r' || b.data[b.len - 1] == ' '))
        b.data[--b.len] = '\0';
    return pq_buf_detach(&b, NULL);
}

static pq_status fetch(struct pq_creds *c, time_t now, struct pq_error *err);

static pq_status fetch_assume_role(struct pq_creds *c, time_t now, struct pq_error *err)
{
    const struct pq_aws_creds *source;
    pq_status st = pq_creds_current(c->parent, now, &source, err);
    if (st != PQ_OK) return st;
    struct pq_sts_role role = {c->role_arn, c->session_name, c->external_id, c->duration_s};
    return pq_sts_assume_role(c->http, c->url, c->region, source, &role, &c->cur, err);
}

static pq_status fetch_web_identity(struct pq_creds *c, struct pq_error *err)
{
    char *token = read_token_file(c->token_file, "assume-role-with-web-identity", err);
    if (!token) return PQ_ERR_IO;
    struct pq_sts_role role = {c->role_arn, c->session_name, NULL, c->duration_s};
    pq_status st = pq_sts_assume_role_web(c->http, c->url, &role, token, &c->cur, err);
    OPENSSL_cleanse(token, strlen(token));
    free(token);
    return st;
}

/* The SSO access token from the cache `aws sso login` wrote, then
 * GetRoleCredentials. pqsh does not refresh the access token itself. */
static pq_status fetch_sso(struct pq_creds *c, time_t now, struct pq_error *err)
{
    json_error_t jerr;
    json_t *doc = json_load_file(c->sso_cache, 0, &jerr);
    pq_status st;
    const char *token = json_string_value(json_object_get(doc, "accessToken"));
    const char *expires = json_string_value(json_object_get(doc, "expiresAt"));
    time_t when;
    if (!token || !*token || !expires || !pq_aws_parse_time(expires, &when)) {
        st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                          "error when retrieving credentials from sso: no valid SSO token in '%s'; "
                          "run 'aws sso login' for this profile",
                          c->sso_cache);
        goto out;
    }
    if (when <= now) {
        st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                          "error when retrieving credentials from sso: the SSO session has "
                          "expired; run 'aws sso login' for this profile");
        goto out;
    }
    st = pq_sso_role_credentials(c->http, c->url, token, c->sso_account, c->sso_role, &c->cur, err);
out:
    if (token) OPENSSL_cleanse((char *)token, strlen(token));
    json_decref(doc);
    return st;
}

static pq_status fetch(struct pq_creds *c, time_t now, struct pq_error *err)
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
    case PQ_CREDS_ASSUME_ROLE:
        st = fetch_assume_role(c, now, err);
        break;
    case PQ_CREDS_WEB_IDENTITY:
        st = fetch_web_identity(c, err);
        break;
    case PQ_CREDS_SSO:
        st = fetch_sso(c, now, err);
        break;
    default:
        break;
    }
    if (st == PQ_OK) c->fetches++;
    return st;
}

/* Container endpoint from the environment: the relative URI wins. The full
 * URI must be https or a loopback / ECS / EKS address (aws_container_url_ok). */
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
        bool ok = aws_container_url_ok(full);
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

/* What the resolution of one session shares: the configuration, the STS
 * region, TLS settings, and the profiles already on the role chain. */
struct resolver {
    const struct pq_aws_config *cfg;
    const char *region;
    const struct pq_http_options *http_opt;
    const char *visited[16];
    size_t nvisited;
};

static const char *profile_key(const struct resolver *r, const char *profile, const char *key)
{
    return pq_aws_config_get(r->cfg, profile, key);
}

static bool has_static_keys(const struct resolver *r, const char *profile)
{
    return pq_aws_config_cred(r->cfg, profile, "aws_access_key_id") ||
           profile_key(r, profile, "aws_access_key_id");
}

static char *session_name(const char *configured)
{
    if (configured && *configured) return pq_xstrdup(configured);
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    pq_buf_addf(&b, "pqsh-session-%lld", (long long)time(NULL));
    return pq_buf_detach(&b, NULL);
}

static pq_status new_http(const struct resolver *r, struct pq_creds *c, struct pq_error *err)
{
    return c->http ? PQ_OK : pq_http_new(r->http_opt, &c->http, err);
}

static void sts_target(const struct resolver *r, struct pq_creds *c)
{
    c->region = pq_xstrdup(r->region ? r->region : "us-east-1");
    c->url = pq_aws_config_service_endpoint(r->cfg, "sts");
    if (!c->url) c->url = pq_sts_default_url(c->region);
}

/* Web identity from the environment (when `use_env`) or the profile; *found
 * is false when neither names a token file. */
static pq_status setup_web_identity(const struct resolver *r, struct pq_creds *c,
                                    const char *profile, bool use_env, bool *found,
                                    struct pq_error *err)
{
    const char *file = use_env ? env("AWS_WEB_IDENTITY_TOKEN_FILE") : NULL;
    const char *arn = use_env ? env("AWS_ROLE_ARN") : NULL;
    const char *name = use_env ? env("AWS_ROLE_SESSION_NAME") : NULL;
    if (!file) file = profile_key(r, profile, "web_identity_token_file");
    if (!arn) arn = profile_key(r, profile, "role_arn");
    if (!name) name = profile_key(r, profile, "role_session_name");
    *found = file != NULL;
    if (!file) return PQ_OK;
    if (!arn)
        return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                            "web identity is configured (%s) but no role ARN is (AWS_ROLE_ARN or "
                            "role_arn)",
                            use_env && env("AWS_WEB_IDENTITY_TOKEN_FILE")
                                ? "AWS_WEB_IDENTITY_TOKEN_FILE"
                                : "web_identity_token_file");
    c->source = PQ_CREDS_WEB_IDENTITY;
    c->token_file = pq_aws_expand_home(file);
    c->role_arn = pq_xstrdup(arn);
    c->session_name = session_name(name);
    sts_target(r, c);
    pq_status st = new_http(r, c, err);
    return st ? st : fetch(c, time(NULL), err);
}

/* IAM Identity Center: `sso_session` (with an [sso-session NAME] section) or
 * the legacy sso_start_url / sso_region keys, plus account and role. */
static pq_status setup_sso(const struct resolver *r, struct pq_creds *c, const char *profile,
                           bool *found, struct pq_error *err)
{
    static const char *const keys[] = {"sso_session", "sso_start_url", "sso_region",
                                       "sso_account_id", "sso_role_name"};
    const char *v[5];
    *found = false;
    for (size_t i = 0; i < 5; i++) {
        v[i] = profile_key(r, profile, keys[i]);
        if (v[i]) *found = true;
    }
    if (!*found) return PQ_OK;
    const char *session = v[0], *start_url = v[1], *region = v[2];
    if (session) {
        struct pq_buf sec = PQ_BUF_INIT;
        pq_buf_init(&sec);
        pq_buf_addf(&sec, "sso-session %s", session);
        if (!pq_ini_has_section(&r->cfg->config, sec.data)) {
            pq_buf_release(&sec);
            return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                                "profile '%s' names sso_session '%s', but the config file has no "
                                "[sso-session %s] section",
                                profile, session, session);
        }
        start_url = pq_ini_get(&r->cfg->config, sec.data, "sso_start_url");
        region = pq_ini_get(&r->cfg->config, sec.data, "sso_region");
        pq_buf_release(&sec);
    }
    struct pq_buf missing = PQ_BUF_INIT;
    pq_buf_init(&missing);
    if (!start_url) pq_buf_adds(&missing, " sso_start_url");
    if (!region) pq_buf_adds(&missing, " sso_region");
    if (!v[3]) pq_buf_adds(&missing, " sso_account_id");
    if (!v[4]) pq_buf_adds(&missing, " sso_role_name");
    if (missing.len) {
        pq_status st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                                    "profile '%s' is configured to use SSO but is missing:%s",
                                    profile, missing.data);
        pq_buf_release(&missing);
        return st;
    }
    pq_buf_release(&missing);

    /* The cache file is named by the SHA-1 of the session name (or of the
     * start URL for legacy profiles), as botocore's SSO token loader does. */
    const char *key = session ? session : start_url;
    unsigned char sha[20];
    char hex[41];
    unsigned len = 0;
    EVP_Digest(key, strlen(key), sha, &len, EVP_sha1(), NULL);
    pq_sigv4_hex(sha, 20, hex);
    struct pq_buf path = PQ_BUF_INIT;
    pq_buf_init(&path);
    pq_buf_addf(&path, "~/.aws/sso/cache/%s.json", hex);
    c->sso_cache = pq_aws_expand_home(path.data);
    pq_buf_release(&path);
    c->source = PQ_CREDS_SSO;
    c->sso_account = pq_xstrdup(v[3]);
    c->sso_role = pq_xstrdup(v[4]);
    c->url = pq_aws_config_service_endpoint(r->cfg, "sso");
    if (!c->url) c->url = pq_sso_default_url(region);
    pq_status st = new_http(r, c, err);
    return st ? st : fetch(c, time(NULL), err);
}

/* The profile's own providers (botocore's profile provider builder, which
 * also serves source profiles): web identity, SSO, shared credentials file,
 * credential_process, config file keys. Appends what it tried to `tried`. */
static pq_status profile_providers(const struct resolver *r, struct pq_creds *c,
                                   const char *profile, bool use_env, bool *found,
                                   struct pq_buf *tried, struct pq_error *err)
{
    const struct pq_aws_config *cfg = r->cfg;
    pq_status st;
    const char *v;
    if ((st = setup_web_identity(r, c, profile, use_env, found, err)) || *found) return st;
    if ((st = setup_sso(r, c, profile, found, err)) || *found) return st;
    pq_buf_addf(tried, "%sweb identity, SSO", tried->len ? ", " : "");

    const char *akid = pq_aws_config_cred(cfg, profile, "aws_access_key_id");
    const char *secret = pq_aws_config_cred(cfg, profile, "aws_secret_access_key");
    *found = true;
    if (akid && secret) {
        pq_aws_creds_set(&c->cur, akid, secret,
                         pq_aws_config_cred(cfg, profile, "aws_session_token"), 0);
        c->source = PQ_CREDS_SHARED_FILE;
        return PQ_OK;
    }
    pq_buf_addf(tried, ", shared credentials file (%s, profile %s)", cfg->creds_path, profile);

    if ((v = profile_key(r, profile, "credential_process")) && *v) {
        c->source = PQ_CREDS_PROCESS;
        c->process = pq_xstrdup(v);
        return fetch(c, time(NULL), err);
    }
    pq_buf_adds(tried, ", credential_process");

    akid = profile_key(r, profile, "aws_access_key_id");
    secret = profile_key(r, profile, "aws_secret_access_key");
    if (akid && secret) {
        pq_aws_creds_set(&c->cur, akid, secret, profile_key(r, profile, "aws_session_token"), 0);
        c->source = PQ_CREDS_CONFIG_FILE;
        return PQ_OK;
    }
    pq_buf_addf(tried, ", config file (%s)", cfg->config_path);
    *found = false;
    return PQ_OK;
}

static pq_status setup_imds(const struct resolver *r, struct pq_creds *c, const char *profile,
                            struct pq_error *err)
{
    const char *v = env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    if (!v) v = profile_key(r, profile, "ec2_metadata_service_endpoint");
    c->url = pq_xstrdup(v ? v : "http://169.254.169.254");
    size_t len = strlen(c->url);
    while (len && c->url[len - 1] == '/')
        c->url[--len] = '\0';
    c->source = PQ_CREDS_IMDS;
    return new_http(r, c, err);
}

static pq_status setup_assume_role(struct resolver *r, struct pq_creds *c, const char *profile,
                                   struct pq_error *err);

/* Credentials of a source_profile (botocore's _resolve_credentials_from_profile). */
static pq_status setup_source_profile(struct resolver *r, struct pq_creds *c, const char *source,
                                      const char *parent, struct pq_error *err)
{
    if (!pq_aws_config_has_profile(r->cfg, source))
        return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                            "the source_profile '%s' referenced in profile '%s' does not exist",
                            source, parent);
    bool is_self = strcmp(source, parent) == 0;
    if (!(is_self && has_static_keys(r, source)))
        for (size_t i = 0; i < r->nvisited; i++)
            if (strcmp(r->visited[i], source) == 0)
                return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                                    "infinite loop in credential configuration: profile '%s' is "
                                    "its own source_profile through a chain of roles",
                                    source);
    if (!is_self && profile_key(r, source, "role_arn") && !has_static_keys(r, source))
        return setup_assume_role(r, c, source, err);
    struct pq_buf tried = PQ_BUF_INIT;
    bool found = false;
    pq_buf_init(&tried);
    pq_status st = profile_providers(r, c, source, false, &found, &tried, err);
    pq_buf_release(&tried);
    if (st == PQ_OK && !found)
        st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                          "the source_profile '%s' of profile '%s' has no credentials", source,
                          parent);
    return st;
}

/* credential_source = Environment | Ec2InstanceMetadata | EcsContainer. */
static pq_status setup_credential_source(struct resolver *r, struct pq_creds *c, const char *what,
                                         const char *profile, struct pq_error *err)
{
    bool found = false;
    pq_status st;
    if (strcmp(what, "Environment") == 0) {
        const char *akid = env("AWS_ACCESS_KEY_ID"), *secret = env("AWS_SECRET_ACCESS_KEY");
        if (!akid || !secret)
            return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                                "credential_source Environment of profile '%s': "
                                "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set",
                                profile);
        pq_aws_creds_set(&c->cur, akid, secret, env("AWS_SESSION_TOKEN"), 0);
        c->source = PQ_CREDS_ENV;
        return PQ_OK;
    }
    if (strcmp(what, "Ec2InstanceMetadata") == 0) {
        if ((st = setup_imds(r, c, profile, err)) != PQ_OK) return st;
        return fetch(c, time(NULL), err);
    }
    if (strcmp(what, "EcsContainer") == 0) {
        if ((st = container_url(c, &found, err)) != PQ_OK) return st;
        if (!found)
            return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                                "credential_source EcsContainer of profile '%s': "
                                "AWS_CONTAINER_CREDENTIALS_*_URI is not set",
                                profile);
        c->source = PQ_CREDS_CONTAINER;
        if ((st = new_http(r, c, err)) != PQ_OK) return st;
        return fetch(c, time(NULL), err);
    }
    return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                        "unsupported credential_source '%s' in profile '%s' (Environment, "
                        "Ec2InstanceMetadata or EcsContainer)",
                        what, profile);
}

/* A profile with role_arn: its source first, then AssumeRole. */
static pq_status setup_assume_role(struct resolver *r, struct pq_creds *c, const char *profile,
                                   struct pq_error *err)
{
    const char *source = profile_key(r, profile, "source_profile");
    const char *cred_source = profile_key(r, profile, "credential_source");
    const char *duration = profile_key(r, profile, "duration_seconds");
    pq_status st;
    if (source && cred_source)
        return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                            "profile '%s' has both source_profile and credential_source", profile);
    if (!source && !cred_source)
        return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                            "profile '%s' has role_arn but neither source_profile nor "
                            "credential_source",
                            profile);
    if (profile_key(r, profile, "mfa_serial"))
        return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                            "profile '%s' needs an MFA code (mfa_serial), which pqsh cannot ask "
                            "for; use credentials from 'aws sts get-session-token' instead",
                            profile);
    if (r->nvisited == sizeof r->visited / sizeof *r->visited)
        return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                            "role chain of profile '%s' is too long", profile);
    r->visited[r->nvisited++] = profile;
    c->source = PQ_CREDS_ASSUME_ROLE;
    c->role_arn = pq_xstrdup(profile_key(r, profile, "role_arn"));
    c->session_name = session_name(profile_key(r, profile, "role_session_name"));
    const char *ext = profile_key(r, profile, "external_id");
    c->external_id = ext ? pq_xstrdup(ext) : NULL;
    c->duration_s = duration ? atol(duration) : 0;
    sts_target(r, c);
    c->parent = pq_xcalloc(1, sizeof *c->parent);
    st = source ? setup_source_profile(r, c->parent, source, profile, err)
                : setup_credential_source(r, c->parent, cred_source, profile, err);
    if (st == PQ_OK) st = new_http(r, c, err);
    if (st == PQ_OK) st = fetch(c, time(NULL), err);
    return st;
}

pq_status pq_creds_resolve(struct pq_creds *c, const struct pq_aws_config *cfg, const char *region,
                           const struct pq_http_options *http_opt, struct pq_error *err)
{
    struct pq_buf tried = PQ_BUF_INIT;
    struct resolver r = {.cfg = cfg, .region = region, .http_opt = http_opt};
    const char *profile = cfg->profile;
    pq_status st = PQ_OK;
    bool found = false;
    memset(c, 0, sizeof *c);
    pq_buf_init(&tried);

    /* 1. Environment, unless --profile named a profile explicitly. */
    if (!cfg->profile_explicit) {
        const char *akid = env("AWS_ACCESS_KEY_ID"), *secret = env("AWS_SECRET_ACCESS_KEY");
        if (akid && secret) {
            pq_aws_creds_set(&c->cur, akid, secret, env("AWS_SESSION_TOKEN"), 0);
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

    /* 2. Assume-role profiles (a role_arn without a web identity token file). */
    if (profile_key(&r, profile, "role_arn") &&
        !profile_key(&r, profile, "web_identity_token_file")) {
        if ((st = setup_assume_role(&r, c, profile, err)) != PQ_OK) goto fail;
        goto out;
    }
    pq_buf_addf(&tried, "%sassume-role (no role_arn in profile %s)", tried.len ? ", " : "",
                profile);

    /* 3.–7. Web identity, SSO, shared credentials file, credential_process, config file. */
    if ((st = profile_providers(&r, c, profile, true, &found, &tried, err)) != PQ_OK) goto fail;
    if (found) goto out;

    /* 8. Container credentials. */
    if ((st = container_url(c, &found, err)) != PQ_OK) goto fail;
    if (found) {
        c->source = PQ_CREDS_CONTAINER;
        if ((st = new_http(&r, c, err)) != PQ_OK) goto fail;
        if ((st = fetch(c, time(NULL), err)) != PQ_OK) goto fail;
        goto out;
    }
    pq_buf_adds(&tried, ", container credentials (AWS_CONTAINER_CREDENTIALS_*_URI not set)");

    /* 9. EC2 instance metadata. */
    if (pq_aws_truthy(env("AWS_EC2_METADATA_DISABLED"))) {
        pq_buf_adds(&tried, ", EC2 instance metadata (disabled by AWS_EC2_METADATA_DISABLED)");
    } else {
        if ((st = setup_imds(&r, c, profile, err)) != PQ_OK) goto fail;
        struct pq_error ierr;
        pq_error_init(&ierr);
        if (fetch(c, time(NULL), &ierr) == PQ_OK) goto out;
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
        pq_status st = fetch(c, now, err);
        if (st != PQ_OK) {
            if (old.access_key && old.expiration - now > MANDATORY_REFRESH_S) {
                /* Advisory window: keep the old credentials a little longer. */
                pq_aws_creds_clear(&c->cur);
                c->cur = old;
                pq_error_release(err);
                *out = &c->cur;
                return PQ_OK;
            }
            pq_aws_creds_clear(&old);
            return st;
        }
        pq_aws_creds_clear(&old);
    }
    *out = &c->cur;
    return PQ_OK;
}

void pq_creds_release(struct pq_creds *c)
{
    pq_aws_creds_clear(&c->cur);
    free(c->process);
    free(c->url);
    wipe_free(c->auth);
    free(c->auth_file);
    pq_http_free(c->http);
    if (c->parent) {
        pq_creds_release(c->parent);
        free(c->parent);
    }
    free(c->role_arn);
    free(c->session_name);
    free(c->external_id);
    free(c->token_file);
    free(c->region);
    free(c->sso_cache);
    free(c->sso_account);
    free(c->sso_role);
    memset(c, 0, sizeof *c);
}
