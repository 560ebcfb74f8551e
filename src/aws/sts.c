/* sts.c — AssumeRole, AssumeRoleWithWebIdentity and SSO GetRoleCredentials (see sts.h). */
#include "aws/sts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include "aws/sigv4.h"
#include "aws/xml.h"
#include "pqsh/buf.h"

#define STS_VERSION "2011-06-15"
#define FORM_TYPE "application/x-www-form-urlencoded; charset=utf-8"

char *pq_sts_default_url(const char *region)
{
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    pq_buf_addf(&b, "https://sts.%s.amazonaws.com%s", region,
                strncmp(region, "cn-", 3) == 0 ? ".cn" : "");
    return pq_buf_detach(&b, NULL);
}

char *pq_sso_default_url(const char *region)
{
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    pq_buf_addf(&b, "https://portal.sso.%s.amazonaws.com", region);
    return pq_buf_detach(&b, NULL);
}

/* RFC 3986 percent-encoding of a form or query value (unreserved kept). */
static void add_encoded(struct pq_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~') {
            pq_buf_addc(b, (char)*p);
        } else {
            pq_buf_addc(b, '%');
            pq_buf_addc(b, hex[*p >> 4]);
            pq_buf_addc(b, hex[*p & 15]);
        }
    }
}

static void add_param(struct pq_buf *b, const char *name, const char *value)
{
    if (!value) return;
    pq_buf_addf(b, "&%s=", name);
    add_encoded(b, value);
}

/* The role parameters both STS actions share. */
static void role_params(struct pq_buf *form, const char *action, const struct pq_sts_role *role)
{
    pq_buf_addf(form, "Action=%s&Version=%s", action, STS_VERSION);
    add_param(form, "RoleArn", role->role_arn);
    add_param(form, "RoleSessionName", role->session_name);
    if (role->duration_s > 0) pq_buf_addf(form, "&DurationSeconds=%ld", role->duration_s);
    add_param(form, "ExternalId", role->external_id);
}

/* Reads <Credentials> of an STS answer, or turns an <ErrorResponse> (or a
 * failed exchange) into "error when retrieving credentials from `what`: …". */
static pq_status sts_answer(const struct pq_http_response *resp, const char *action,
                            const char *what, struct pq_aws_creds *out, struct pq_error *err)
{
    struct pq_xml *x = pq_xml_parse(resp->body.data, resp->body.len);
    char *akid = NULL, *secret = NULL, *token = NULL, *exp = NULL, *code = NULL, *msg = NULL;
    time_t when = 0;
    pq_status st = PQ_OK;
    if (resp->status != 200) {
        code = pq_xml_text(x, "Error/Code");
        msg = pq_xml_text(x, "Error/Message");
        if (code)
            st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                              "error when retrieving credentials from %s: an error occurred (%s) "
                              "when calling the %s operation: %s",
                              what, code, action, msg ? msg : "");
        else
            st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                              "error when retrieving credentials from %s: %s answered HTTP %ld",
                              what, action, resp->status);
        goto out;
    }
    akid = pq_xml_text(x, "Credentials/AccessKeyId");
    secret = pq_xml_text(x, "Credentials/SecretAccessKey");
    token = pq_xml_text(x, "Credentials/SessionToken");
    exp = pq_xml_text(x, "Credentials/Expiration");
    if (!akid || !*akid || !secret || !*secret || !token || !exp ||
        !pq_aws_parse_time(exp, &when)) {
        st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                          "error when retrieving credentials from %s: the %s answer has no "
                          "complete <Credentials>",
                          what, action);
        goto out;
    }
    pq_aws_creds_set(out, akid, secret, token, when);
out:
    if (secret) OPENSSL_cleanse(secret, strlen(secret));
    if (token) OPENSSL_cleanse(token, strlen(token));
    free(akid);
    free(secret);
    free(token);
    free(exp);
    free(code);
    free(msg);
    pq_xml_free(x);
    return st;
}

/* POSTs `form` to STS; signed when `source` is given. */
static pq_status sts_post(struct pq_http *h, const char *url, const char *region,
                          const struct pq_aws_creds *source, const char *form, const char *action,
                          const char *what, struct pq_aws_creds *out, struct pq_error *err)
{
    char *host = NULL, *path = NULL;
    char amz_date[17];
    struct pq_sigv4_result sig;
    struct pq_http_response resp;
    struct pq_buf lines[6];
    const char *headers[7];
    size_t n = 0;
    pq_status st;
    pq_sigv4_result_init(&sig);
    pq_http_response_init(&resp);
    if (!pq_http_split_url(url, &host, &path)) {
        st = pq_error_set(err, PQ_ERR_USAGE, PQ_NO_POS, PQ_NO_POS,
                          "error when retrieving credentials from %s: bad STS endpoint \"%s\"",
                          what, url);
        goto out;
    }
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(amz_date, sizeof amz_date, "%Y%m%dT%H%M%SZ", &tm);
    struct pq_sigv4_header sh[4] = {
        {"Content-Type", FORM_TYPE},
        {"Host", host},
        {"X-Amz-Date", amz_date},
        {"X-Amz-Security-Token", source ? source->session_token : NULL},
    };
    size_t nsigned = source && source->session_token ? 4 : 3;
    for (size_t i = 0; i < nsigned; i++) {
        pq_buf_init(&lines[n]);
        pq_buf_addf(&lines[n++], "%s: %s", sh[i].name, sh[i].value);
    }
    if (source) {
        struct pq_sigv4_request req = {"POST", path, "", sh, nsigned, form, strlen(form)};
        struct pq_sigv4_creds sc = {source->access_key, source->secret_key, source->session_token};
        pq_sigv4_sign(&req, &sc, region, "sts", amz_date, NULL, &sig);
        pq_buf_init(&lines[n]);
        pq_buf_addf(&lines[n++], "Authorization: %s", sig.authorization.data);
    }
    pq_buf_init(&lines[n]);
    pq_buf_adds(&lines[n++], "Accept-Encoding: identity");
    for (size_t i = 0; i < n; i++)
        headers[i] = lines[i].data;
    headers[n] = NULL;
    pq_http_sent sent;
    bool timed_out;
    st = pq_http_request(h, "POST", url, headers, form, strlen(form), 0, &resp, &sent, &timed_out,
                         err);
    if (st != PQ_OK) {
        struct pq_error why;
        pq_error_init(&why);
        pq_error_move(&why, err);
        st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                          "error when retrieving credentials from %s: %s", what, why.message);
        pq_error_release(&why);
        goto out;
    }
    st = sts_answer(&resp, action, what, out, err);
out:
    for (size_t i = 0; i < n; i++) {
        OPENSSL_cleanse(lines[i].data, lines[i].len);
        pq_buf_release(&lines[i]);
    }
    OPENSSL_cleanse(resp.body.data, resp.body.len);
    pq_http_response_release(&resp);
    pq_sigv4_result_release(&sig);
    free(host);
    free(path);
    return st;
}

pq_status pq_sts_assume_role(struct pq_http *h, const char *url, const char *region,
                             const struct pq_aws_creds *source, const struct pq_sts_role *role,
                             struct pq_aws_creds *out, struct pq_error *err)
{
    struct pq_buf form = PQ_BUF_INIT;
    pq_buf_init(&form);
    role_params(&form, "AssumeRole", role);
    pq_status st =
        sts_post(h, url, region, source, form.data, "AssumeRole", "assume-role", out, err);
    pq_buf_release(&form);
    return st;
}

pq_status pq_sts_assume_role_web(struct pq_http *h, const char *url, const struct pq_sts_role *role,
                                 const char *token, struct pq_aws_creds *out, struct pq_error *err)
{
    struct pq_buf form = PQ_BUF_INIT;
    pq_buf_init(&form);
    role_params(&form, "AssumeRoleWithWebIdentity", role);
    add_param(&form, "WebIdentityToken", token);
    pq_status st = sts_post(h, url, NULL, NULL, form.data, "AssumeRoleWithWebIdentity",
                            "assume-role-with-web-identity", out, err);
    OPENSSL_cleanse(form.data, form.len);
    pq_buf_release(&form);
    return st;
}

pq_status pq_sso_role_credentials(struct pq_http *h, const char *url, const char *access_token,
                                  const char *account_id, const char *role_name,
                                  struct pq_aws_creds *out, struct pq_error *err)
{
    struct pq_buf full = PQ_BUF_INIT, auth = PQ_BUF_INIT;
    struct pq_http_response resp;
    json_t *doc = NULL;
    pq_status st;
    pq_buf_init(&full);
    pq_buf_init(&auth);
    pq_http_response_init(&resp);
    size_t len = strlen(url);
    while (len && url[len - 1] == '/')
        len--;
    pq_buf_addf(&full, "%.*s/federation/credentials?account_id=", (int)len, url);
    add_encoded(&full, account_id);
    pq_buf_adds(&full, "&role_name=");
    add_encoded(&full, role_name);
    pq_buf_addf(&auth, "x-amz-sso_bearer_token: %s", access_token);
    const char *headers[] = {auth.data, NULL};
    pq_http_sent sent;
    bool timed_out;
    st = pq_http_request(h, "GET", full.data, headers, NULL, 0, 0, &resp, &sent, &timed_out, err);
    if (st != PQ_OK) {
        struct pq_error why;
        pq_error_init(&why);
        pq_error_move(&why, err);
        st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                          "error when retrieving credentials from sso: %s", why.message);
        pq_error_release(&why);
        goto out;
    }
    doc = json_loadb(resp.body.data, resp.body.len, 0, NULL);
    if (resp.status != 200) {
        const char *msg = json_string_value(json_object_get(doc, "message"));
        if (!msg) msg = json_string_value(json_object_get(doc, "Message"));
        st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                          "error when retrieving credentials from sso: an error occurred (HTTP "
                          "%ld) when calling the GetRoleCredentials operation: %s",
                          resp.status, msg ? msg : "no message");
        goto out;
    }
    json_t *rc = json_object_get(doc, "roleCredentials");
    const char *akid = json_string_value(json_object_get(rc, "accessKeyId"));
    const char *secret = json_string_value(json_object_get(rc, "secretAccessKey"));
    const char *token = json_string_value(json_object_get(rc, "sessionToken"));
    json_t *exp = json_object_get(rc, "expiration"); /* epoch milliseconds */
    if (!akid || !*akid || !secret || !*secret || !json_is_integer(exp)) {
        st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                          "error when retrieving credentials from sso: the GetRoleCredentials "
                          "answer has no complete roleCredentials");
        goto out;
    }
    pq_aws_creds_set(out, akid, secret, token, (time_t)(json_integer_value(exp) / 1000));
out:
    OPENSSL_cleanse(auth.data, auth.len);
    OPENSSL_cleanse(resp.body.data, resp.body.len);
    pq_buf_release(&auth);
    pq_buf_release(&full);
    pq_http_response_release(&resp);
    json_decref(doc);
    return st;
}
