/* test_aws_sts.c — assume-role, web identity and IAM Identity Center credentials against a
 * fake STS / SSO portal on loopback (tests/integration/fake_sts.py), which recomputes every
 * AssumeRole signature with botocore; role chains, loops, refresh, and the XML helper. */
#include "check.h"
#include "test_aws_util.h"
#include "aws/config.h"
#include "aws/creds.h"
#include "aws/http.h"
#include "aws/xml.h"
#include "pqsh/aws.h"

#include <jansson.h>
#include <stdlib.h>

static char dir[64];
static int sts_port;

/* Field `key` of log entry `i` counted from the end (0 = the last one). */
static const char *logged(json_t *log, size_t from_end, const char *key)
{
    size_t n = json_array_size(log);
    if (from_end >= n) return NULL;
    return json_string_value(json_object_get(json_array_get(log, n - 1 - from_end), key));
}

static void test_xml(void)
{
    const char *doc = "<?xml version=\"1.0\"?>\n<ErrorResponse xmlns=\"urn:x\"><Error>"
                      "<Code>Throttling</Code><Message>Rate &amp; more</Message></Error>"
                      "</ErrorResponse>";
    struct pq_xml *x = pq_xml_parse(doc, strlen(doc));
    CHECK(x != NULL);
    char *code = pq_xml_text(x, "Error/Code"), *msg = pq_xml_text(x, "Error/Message");
    char *none = pq_xml_text(x, "Error/Nope"), *deep = pq_xml_text(x, "Code");
    CHECK_STR(code, "Throttling");
    CHECK_STR(msg, "Rate & more");
    CHECK(none == NULL);
    CHECK_STR(deep, "Throttling");
    free(code);
    free(msg);
    free(none);
    free(deep);
    pq_xml_free(x);
    CHECK(pq_xml_parse("<a><b></a>", 10) == NULL);
    CHECK(pq_xml_parse("{\"json\": 1}", 11) == NULL);
    /* No external entities or network: the entity stays unexpanded. */
    const char *xxe = "<!DOCTYPE a [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><a><b>&e;</b></a>";
    x = pq_xml_parse(xxe, strlen(xxe));
    char *b = pq_xml_text(x, "a/b");
    CHECK(b == NULL || strstr(b, "root:") == NULL);
    free(b);
    pq_xml_free(x);
}

static void test_assume_role(void)
{
    struct pq_creds c;
    struct pq_error err;
    const struct pq_aws_creds *k;
    pq_error_init(&err);

    REQUIRE(resolve_creds("role1", "eu-north-1", &c, &err) == PQ_OK);
    CHECK_EQ(c.source, PQ_CREDS_ASSUME_ROLE);
    CHECK_STR(pq_creds_source_name(c.source), "assume-role");
    CHECK(strncmp(c.cur.access_key ? c.cur.access_key : "", "ASIA", 4) == 0);
    CHECK(c.cur.session_token && strncmp(c.cur.session_token, "role-token-", 11) == 0);
    CHECK(c.cur.expiration > time(NULL));
    json_t *log = helper_get_json(sts_port, "/__log");
    CHECK_STR(logged(log, 0, "action"), "AssumeRole");
    CHECK_STR(logged(log, 0, "role"), "arn:aws:iam::123456789012:role/one");
    CHECK_STR(logged(log, 0, "session"), "sess-1");
    CHECK_STR(logged(log, 0, "external_id"), "ext-1");
    CHECK_STR(logged(log, 0, "duration"), "900");
    CHECK_STR(logged(log, 0, "version"), "2011-06-15");
    CHECK_STR(logged(log, 0, "signed_by"), "AKSOURCE");
    CHECK_STR(logged(log, 0, "region"), "eu-north-1");
    json_decref(log);

    /* Refresh inside the 15-minute window: a new AssumeRole, new keys. */
    char *first = pq_xstrdup(c.cur.access_key);
    REQUIRE(pq_creds_current(&c, c.cur.expiration - 3000, &k, &err) == PQ_OK);
    CHECK_STR(k->access_key, first);
    CHECK_EQ(c.fetches, 1);
    REQUIRE(pq_creds_current(&c, c.cur.expiration - 600, &k, &err) == PQ_OK);
    CHECK(strcmp(k->access_key, first) != 0);
    CHECK_EQ(c.fetches, 2);
    free(first);
    pq_creds_release(&c);

    /* A chain: role2's source is role1, so role1's credentials sign role2's call. */
    CHECK_EQ(resolve_creds("chain", "eu-north-1", &c, &err), PQ_OK);
    CHECK_EQ(c.source, PQ_CREDS_ASSUME_ROLE);
    CHECK(c.parent && c.parent->source == PQ_CREDS_ASSUME_ROLE);
    log = helper_get_json(sts_port, "/__log");
    CHECK_STR(logged(log, 0, "role"), "arn:aws:iam::123456789012:role/two");
    CHECK(strncmp(logged(log, 0, "signed_by") ? logged(log, 0, "signed_by") : "", "ASIA", 4) == 0);
    CHECK(strncmp(logged(log, 0, "session") ? logged(log, 0, "session") : "", "pqsh-session-",
                  13) == 0);
    CHECK_STR(logged(log, 1, "role"), "arn:aws:iam::123456789012:role/one");
    json_decref(log);
    pq_creds_release(&c);

    /* A profile that is its own source with static keys is fine … */
    CHECK_EQ(resolve_creds("self", "eu-north-1", &c, &err), PQ_OK);
    CHECK_EQ(c.parent ? c.parent->source : PQ_CREDS_NONE, PQ_CREDS_CONFIG_FILE);
    pq_creds_release(&c);
    /* … a loop is not. */
    CHECK_EQ(resolve_creds("loop-a", "eu-north-1", &c, &err), PQ_ERR_IO);
    CHECK(err.message && strstr(err.message, "infinite loop in credential configuration"));
    CHECK_EQ(resolve_creds("ghost-source", "eu-north-1", &c, &err), PQ_ERR_IO);
    CHECK_STR(err.message, "the source_profile 'ghost' referenced in profile 'ghost-source' does "
                           "not exist");
    CHECK_EQ(resolve_creds("both", "eu-north-1", &c, &err), PQ_ERR_IO);
    CHECK_STR(err.message, "profile 'both' has both source_profile and credential_source");
    CHECK_EQ(resolve_creds("mfa", "eu-north-1", &c, &err), PQ_ERR_IO);
    CHECK(err.message && strstr(err.message, "mfa_serial"));

    /* credential_source = Environment, even with --profile. */
    setenv("AWS_ACCESS_KEY_ID", "AKSOURCE", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "source-secret", 1);
    CHECK_EQ(resolve_creds("envsrc", "eu-north-1", &c, &err), PQ_OK);
    CHECK_EQ(c.parent ? c.parent->source : PQ_CREDS_NONE, PQ_CREDS_ENV);
    pq_creds_release(&c);
    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    CHECK_EQ(resolve_creds("envsrc", "eu-north-1", &c, &err), PQ_ERR_IO);
    CHECK(err.message && strstr(err.message, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are "
                                             "not set"));

    /* STS's own refusal, with its code and message (parsed from XML). */
    CHECK_EQ(resolve_creds("denied", "eu-north-1", &c, &err), PQ_ERR_IO);
    CHECK_STR(err.message,
              "error when retrieving credentials from assume-role: an error occurred "
              "(AccessDenied) when calling the AssumeRole operation: User is not authorized to "
              "perform: sts:AssumeRole");
    /* A wrong source secret: the fake STS's botocore check refuses the signature. */
    CHECK_EQ(resolve_creds("badsource", "eu-north-1", &c, &err), PQ_ERR_IO);
    CHECK(err.message && strstr(err.message, "(SignatureDoesNotMatch)"));
    pq_error_release(&err);
}

static void test_web_identity(void)
{
    struct pq_creds c;
    struct pq_error err;
    char token[128];
    pq_error_init(&err);
    snprintf(token, sizeof token, "%s/webtoken", dir);

    CHECK_EQ(resolve_creds("web", "eu-north-1", &c, &err), PQ_OK);
    CHECK_EQ(c.source, PQ_CREDS_WEB_IDENTITY);
    json_t *log = helper_get_json(sts_port, "/__log");
    CHECK_STR(logged(log, 0, "action"), "AssumeRoleWithWebIdentity");
    CHECK_STR(logged(log, 0, "role"), "arn:aws:iam::123456789012:role/web");
    json_decref(log);
    /* The token file is read again at each refresh: a rotated bad token fails. */
    write_file(token, "web-token-rotated-bad\n", false);
    const struct pq_aws_creds *k;
    CHECK_EQ(pq_creds_current(&c, c.cur.expiration - 60, &k, &err), PQ_ERR_IO);
    CHECK(err.message && strstr(err.message, "(InvalidIdentityToken)"));
    write_file(token, "web-token-ok\n", false);
    pq_creds_release(&c);

    /* From the environment, for the default profile. */
    setenv("AWS_WEB_IDENTITY_TOKEN_FILE", token, 1);
    setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/env-web", 1);
    setenv("AWS_ROLE_SESSION_NAME", "env-session", 1);
    CHECK_EQ(resolve_creds(NULL, "eu-north-1", &c, &err), PQ_OK);
    CHECK_EQ(c.source, PQ_CREDS_WEB_IDENTITY);
    log = helper_get_json(sts_port, "/__log");
    CHECK_STR(logged(log, 0, "role"), "arn:aws:iam::123456789012:role/env-web");
    CHECK_STR(logged(log, 0, "session"), "env-session");
    json_decref(log);
    pq_creds_release(&c);
    unsetenv("AWS_ROLE_ARN");
    CHECK_EQ(resolve_creds(NULL, "eu-north-1", &c, &err), PQ_ERR_IO);
    CHECK(err.message && strstr(err.message, "no role ARN"));
    unsetenv("AWS_WEB_IDENTITY_TOKEN_FILE");
    unsetenv("AWS_ROLE_SESSION_NAME");
    pq_error_release(&err);
}

static void test_sso(void)
{
    struct pq_creds c;
    struct pq_error err;
    pq_error_init(&err);
    CHECK_EQ(resolve_creds("sso-new", "eu-north-1", &c, &err), PQ_OK);
    CHECK_EQ(c.source, PQ_CREDS_SSO);
    CHECK(c.cur.session_token && strncmp(c.cur.session_token, "role-token-", 11) == 0);
    CHECK(c.cur.expiration > time(NULL) + 3000);
    json_t *log = helper_get_json(sts_port, "/__log");
    CHECK_STR(logged(log, 0, "action"), "GetRoleCredentials");
    CHECK_STR(logged(log, 0, "account"), "111122223333");
    CHECK_STR(logged(log, 0, "role"), "ReadOnly");
    json_decref(log);
    pq_creds_release(&c);

    /* Legacy keys: the cache file is named by the start URL's SHA-1; it expired. */
    CHECK_EQ(resolve_creds("sso-legacy", "eu-north-1", &c, &err), PQ_ERR_IO);
    CHECK_STR(err.message, "error when retrieving credentials from sso: the SSO session has "
                           "expired; run 'aws sso login' for this profile");
    CHECK_EQ(resolve_creds("sso-missing", "eu-north-1", &c, &err), PQ_ERR_IO);
    CHECK_STR(err.message,
              "profile 'sso-missing' is configured to use SSO but is missing: sso_account_id "
              "sso_role_name");
    CHECK_EQ(resolve_creds("sso-nologin", "eu-north-1", &c, &err), PQ_ERR_IO);
    CHECK(err.message && strstr(err.message, "no valid SSO token in"));
    /* An SSO profile as the source of a role. */
    CHECK_EQ(resolve_creds("role-from-sso", "eu-north-1", &c, &err), PQ_OK);
    CHECK_EQ(c.parent ? c.parent->source : PQ_CREDS_NONE, PQ_CREDS_SSO);
    pq_creds_release(&c);
    pq_error_release(&err);
}

/* The whole backend with an assumed role: requests carry the role's keys and token. */
static void test_backend_with_role(void)
{
    struct helper ddb;
    struct pq_aws_options o;
    struct pq_backend *b = NULL;
    struct pq_error err;
    struct pq_buf debug = PQ_BUF_INIT;
    json_t *resp = NULL;
    char url[64];
    pq_error_init(&err);
    pq_buf_init(&debug);
    CHECK(helper_start(&ddb, "fake_ddb.py", "ok"));
    snprintf(url, sizeof url, "http://127.0.0.1:%d", atoi(ddb.line));
    pq_aws_options_init(&o);
    o.profile = "role1";
    o.region = "eu-north-1";
    o.endpoint_url = url;
    o.debug = collect_debug;
    o.debug_ctx = &debug;
    CHECK_EQ(pq_aws_backend_open(&o, &b, &err), PQ_OK);
    if (b) {
        json_t *req = json_object();
        CHECK_EQ(pq_backend_call(b, "ListTables", req, &resp, &err), PQ_OK);
        json_decref(req);
        pq_backend_close(b);
    }
    CHECK(strstr(debug.data ? debug.data : "", "credentials from assume-role") != NULL);
    CHECK(strstr(debug.data ? debug.data : "", "role-token-") == NULL);
    CHECK(strstr(debug.data ? debug.data : "", "role-secret-") == NULL);
    json_decref(resp);
    pq_buf_release(&debug);
    pq_error_release(&err);
    helper_stop(&ddb);
}

int main(void)
{
    static const char *const unset[] = {"AWS_PROFILE",
                                        "AWS_DEFAULT_PROFILE",
                                        "AWS_REGION",
                                        "AWS_DEFAULT_REGION",
                                        "AWS_ACCESS_KEY_ID",
                                        "AWS_SECRET_ACCESS_KEY",
                                        "AWS_SESSION_TOKEN",
                                        "AWS_ENDPOINT_URL",
                                        "AWS_ENDPOINT_URL_DYNAMODB",
                                        "AWS_ROLE_ARN",
                                        "AWS_WEB_IDENTITY_TOKEN_FILE",
                                        "AWS_ROLE_SESSION_NAME",
                                        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                                        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                                        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"};
    for (size_t i = 0; i < sizeof unset / sizeof *unset; i++)
        unsetenv(unset[i]);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    snprintf(dir, sizeof dir, "/tmp/pqsh-sts-XXXXXX");
    if (!mkdtemp(dir)) return 1;
    struct helper sts;
    if (!helper_start(&sts, "fake_sts.py", "3600")) {
        fprintf(stderr, "fake_sts.py did not start\n");
        return 1;
    }
    sts_port = atoi(sts.line);
    char url[64], path[256], text[4096];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", sts_port);
    setenv("AWS_ENDPOINT_URL_STS", url, 1);
    setenv("AWS_ENDPOINT_URL_SSO", url, 1);
    setenv("HOME", dir, 1);

    snprintf(path, sizeof path, "%s/webtoken", dir);
    write_file(path, "web-token-ok\n", false);
    snprintf(text, sizeof text,
             "[default]\nregion = eu-north-1\n"
             "[profile role1]\nrole_arn = arn:aws:iam::123456789012:role/one\n"
             "source_profile = src\nexternal_id = ext-1\nrole_session_name = sess-1\n"
             "duration_seconds = 900\n"
             "[profile chain]\nrole_arn = arn:aws:iam::123456789012:role/two\n"
             "source_profile = role1\n"
             "[profile self]\nrole_arn = arn:aws:iam::123456789012:role/self\n"
             "source_profile = self\naws_access_key_id = AKSOURCE\n"
             "aws_secret_access_key = source-secret\n"
             "[profile loop-a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = loop-b\n"
             "[profile loop-b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = loop-a\n"
             "[profile ghost-source]\nrole_arn = arn:aws:iam::1:role/g\nsource_profile = ghost\n"
             "[profile both]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = src\n"
             "credential_source = Environment\n"
             "[profile mfa]\nrole_arn = arn:aws:iam::1:role/m\nsource_profile = src\n"
             "mfa_serial = arn:aws:iam::1:mfa/me\n"
             "[profile envsrc]\nrole_arn = arn:aws:iam::123456789012:role/env\n"
             "credential_source = Environment\n"
             "[profile denied]\nrole_arn = arn:aws:iam::123456789012:role/denied\n"
             "source_profile = src\n"
             "[profile badsource]\nrole_arn = arn:aws:iam::123456789012:role/one\n"
             "source_profile = wrongkey\n"
             "[profile web]\nrole_arn = arn:aws:iam::123456789012:role/web\n"
             "web_identity_token_file = %s\n"
             "[profile sso-new]\nsso_session = corp\nsso_account_id = 111122223333\n"
             "sso_role_name = ReadOnly\n"
             "[sso-session corp]\nsso_region = eu-west-1\n"
             "sso_start_url = https://corp.awsapps.com/start\n"
             "[profile sso-legacy]\nsso_start_url = https://legacy.awsapps.com/start\n"
             "sso_region = us-east-1\nsso_account_id = 1\nsso_role_name = R\n"
             "[profile sso-missing]\nsso_session = corp\n"
             "[profile sso-nologin]\nsso_start_url = https://nologin.awsapps.com/start\n"
             "sso_region = us-east-1\nsso_account_id = 1\nsso_role_name = R\n"
             "[profile role-from-sso]\nrole_arn = arn:aws:iam::123456789012:role/x\n"
             "source_profile = sso-new\n",
             path);
    snprintf(path, sizeof path, "%s/config", dir);
    write_file(path, text, false);
    setenv("AWS_CONFIG_FILE", path, 1);
    snprintf(path, sizeof path, "%s/credentials", dir);
    write_file(path,
               "[src]\naws_access_key_id = AKSOURCE\naws_secret_access_key = source-secret\n"
               "[wrongkey]\naws_access_key_id = AKSOURCE\naws_secret_access_key = not-it\n",
               false);
    setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
    /* SSO caches, named by SHA-1 (computed with python's hashlib) of the
     * session name "corp" and of the legacy start URL. */
    snprintf(path, sizeof path, "mkdir -p '%s/.aws/sso/cache'", dir);
    if (system(path) != 0) return 1;
    snprintf(path, sizeof path, "%s/.aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json",
             dir);
    write_file(path,
               "{\"startUrl\": \"https://corp.awsapps.com/start\", \"region\": \"eu-west-1\", "
               "\"accessToken\": \"sso-access-token\", \"expiresAt\": \"2099-01-01T00:00:00Z\"}",
               false);
    snprintf(path, sizeof path, "%s/.aws/sso/cache/79e435d7a515078e81c9dffc35f38d5687ebd3a7.json",
             dir);
    write_file(path,
               "{\"accessToken\": \"sso-access-token\", \"expiresAt\": \"2001-01-01T00:00:00UTC\"}",
               false);

    test_xml();
    test_assume_role();
    test_web_identity();
    test_sso();
    test_backend_with_role();

    helper_stop(&sts);
    snprintf(path, sizeof path, "rm -rf '%s'", dir);
    if (system(path) != 0) fprintf(stderr, "cannot remove %s\n", dir);
    DONE();
}
