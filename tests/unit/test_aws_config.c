/* test_aws_config.c — AWS CLI-style configuration and the credential chain, with fake files,
 * environment, a credential_process script and fake container / IMDS endpoints. */
#include "check.h"
#include "test_aws_util.h"
#include "aws/config.h"
#include "aws/creds.h"
#include "pqsh/aws.h"

#include <stdlib.h>

static char dir[64];
static char path_config[128], path_creds[128];

static const char *const ENV_VARS[] = {"AWS_PROFILE",
                                       "AWS_DEFAULT_PROFILE",
                                       "AWS_REGION",
                                       "AWS_DEFAULT_REGION",
                                       "AWS_ACCESS_KEY_ID",
                                       "AWS_SECRET_ACCESS_KEY",
                                       "AWS_SESSION_TOKEN",
                                       "AWS_ENDPOINT_URL",
                                       "AWS_ENDPOINT_URL_DYNAMODB",
                                       "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
                                       "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                                       "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                                       "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                                       "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                                       "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                                       "AWS_EC2_METADATA_V1_DISABLED",
                                       "AWS_WEB_IDENTITY_TOKEN_FILE",
                                       "AWS_ROLE_ARN",
                                       "AWS_CA_BUNDLE",
                                       "AWS_MAX_ATTEMPTS",
                                       "AWS_RETRY_MODE"};

static void clean_env(void)
{
    for (size_t i = 0; i < sizeof ENV_VARS / sizeof *ENV_VARS; i++)
        unsetenv(ENV_VARS[i]);
    setenv("AWS_CONFIG_FILE", path_config, 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", path_creds, 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
}

static const char *const CONFIG = "# comment\n"
                                  "[default]\n"
                                  "region = eu-west-1\n"
                                  "\n"
                                  "[profile dev]\n"
                                  "region=ap-south-1\n"
                                  "services = local-ddb\n"
                                  "aws_access_key_id = AKCONFIGDEV\n"
                                  "aws_secret_access_key = config-dev-secret\n"
                                  "\n"
                                  "[profile shadowed]\n"
                                  "aws_access_key_id = AKCONFIGSHADOW\n"
                                  "aws_secret_access_key = config-shadow-secret\n"
                                  "endpoint_url = http://profile-endpoint:1234\n"
                                  "\n"
                                  "[profile ignoring]\n"
                                  "endpoint_url = http://ignored:1\n"
                                  "ignore_configured_endpoint_urls = true\n"
                                  "\n"
                                  "[services local-ddb]\n"
                                  "dynamodb =\n"
                                  "  endpoint_url = http://localhost:8000\n"
                                  "s3 =\n"
                                  "  endpoint_url = http://s3.local\n"
                                  "\n"
                                  "[profile role]\n"
                                  "role_arn = arn:aws:iam::123456789012:role/x\n"
                                  "source_profile = default\n"
                                  "\n"
                                  "[profile role-nosource]\n"
                                  "role_arn = arn:aws:iam::123456789012:role/x\n";

static const char *const CREDS = "[default]\n"
                                 "aws_access_key_id = AKFILEDEFAULT\n"
                                 "aws_secret_access_key = file-default-secret\n"
                                 "[shadowed]\n"
                                 "aws_access_key_id = AKFILESHADOW\n"
                                 "aws_secret_access_key = file-shadow-secret\n"
                                 "aws_session_token = file-shadow-token\n"
                                 "[lonely]\n"
                                 "region = nowhere\n";

static void test_ini(void)
{
    struct pq_ini ini = {0};
    struct pq_error err;
    pq_error_init(&err);
    CHECK_EQ(pq_ini_parse(&ini, CONFIG, "config", &err), PQ_OK);
    CHECK_STR(pq_ini_get(&ini, "profile dev", "region"), "ap-south-1");
    CHECK_STR(pq_ini_get(&ini, "services local-ddb", "dynamodb.endpoint_url"),
              "http://localhost:8000");
    CHECK_STR(pq_ini_get(&ini, "services local-ddb", "s3.endpoint_url"), "http://s3.local");
    CHECK_STR(pq_ini_get(&ini, "services local-ddb", "dynamodb"), "");
    CHECK(pq_ini_get(&ini, "profile dev", "comment") == NULL);
    pq_ini_release(&ini);

    CHECK_EQ(pq_ini_parse(&ini, "key = v\n", "bad", &err), PQ_ERR_IO);
    CHECK_STR(err.message, "bad:1: unable to parse config file: line outside any section");
    pq_ini_release(&ini);
    CHECK_EQ(pq_ini_parse(&ini, "[x]\r\nK = spaced  value \r\n[y\n", "crlf", &err), PQ_ERR_IO);
    CHECK_STR(pq_ini_get(&ini, "x", "k"), "spaced  value");
    pq_ini_release(&ini);
    pq_error_release(&err);
}

static char *region_of(const char *profile_opt, const char *region_opt)
{
    struct pq_aws_config c;
    struct pq_error err;
    pq_error_init(&err);
    if (pq_aws_config_load(&c, profile_opt, &err) != PQ_OK) {
        pq_error_release(&err);
        return pq_xstrdup("(error)");
    }
    char *r = pq_aws_config_region(&c, region_opt);
    pq_aws_config_release(&c);
    return r ? r : pq_xstrdup("(none)");
}

static void check_region(const char *profile_opt, const char *region_opt, const char *expect)
{
    char *r = region_of(profile_opt, region_opt);
    CHECK_STR(r, expect);
    free(r);
}

static void test_profiles_and_region(void)
{
    struct pq_aws_config c;
    struct pq_error err;
    pq_error_init(&err);
    clean_env();
    check_region(NULL, NULL, "eu-west-1");
    check_region("dev", NULL, "ap-south-1");
    setenv("AWS_PROFILE", "dev", 1);
    check_region(NULL, NULL, "ap-south-1");
    check_region("default", NULL, "eu-west-1"); /* --profile beats AWS_PROFILE */
    setenv("AWS_DEFAULT_REGION", "us-west-1", 1);
    check_region(NULL, NULL, "us-west-1");
    setenv("AWS_REGION", "us-west-2", 1);
    check_region(NULL, NULL, "us-west-2");
    check_region(NULL, "sa-east-1", "sa-east-1");
    clean_env();
    check_region("lonely", NULL, "(none)"); /* region only counts in the config file */

    CHECK_EQ(pq_aws_config_load(&c, "missing", &err), PQ_ERR_USAGE);
    CHECK_STR(err.message, "the config profile (missing) could not be found");
    setenv("AWS_PROFILE", "missing-too", 1);
    CHECK_EQ(pq_aws_config_load(&c, NULL, &err), PQ_ERR_USAGE);
    CHECK_STR(err.message, "the config profile (missing-too) could not be found");
    clean_env();
    /* No files at all: the default profile is fine. */
    setenv("AWS_CONFIG_FILE", "/nonexistent/x", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/y", 1);
    CHECK_EQ(pq_aws_config_load(&c, NULL, &err), PQ_OK);
    pq_aws_config_release(&c);
    clean_env();
    pq_error_release(&err);
}

static void check_endpoint(const char *profile, const char *opt, const char *region,
                           const char *expect, bool expect_custom)
{
    struct pq_aws_config c;
    struct pq_error err;
    bool custom = !expect_custom;
    pq_error_init(&err);
    CHECK_EQ(pq_aws_config_load(&c, profile, &err), PQ_OK);
    char *url = pq_aws_config_endpoint(&c, opt, region, &custom);
    CHECK_STR(url, expect);
    CHECK_EQ(custom, expect_custom);
    free(url);
    pq_aws_config_release(&c);
    pq_error_release(&err);
}

static void test_endpoints(void)
{
    clean_env();
    check_endpoint(NULL, NULL, "us-east-1", "https://dynamodb.us-east-1.amazonaws.com", false);
    check_endpoint(NULL, NULL, "cn-north-1", "https://dynamodb.cn-north-1.amazonaws.com.cn", false);
    check_endpoint(NULL, NULL, "local", "http://localhost:8000", false);
    check_endpoint("shadowed", NULL, "us-east-1", "http://profile-endpoint:1234", true);
    check_endpoint("dev", NULL, "us-east-1", "http://localhost:8000", true); /* [services] */
    setenv("AWS_ENDPOINT_URL", "http://global:1", 1);
    check_endpoint("dev", NULL, "us-east-1", "http://global:1", true);
    setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://ddb:2", 1);
    check_endpoint("dev", NULL, "us-east-1", "http://ddb:2", true);
    check_endpoint("dev", "http://opt:3", "us-east-1", "http://opt:3", true);
    setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
    check_endpoint("dev", NULL, "us-east-1", "https://dynamodb.us-east-1.amazonaws.com", false);
    check_endpoint("dev", "http://opt:3", "us-east-1", "http://opt:3", true);
    clean_env();
    check_endpoint("ignoring", NULL, "eu-west-1", "https://dynamodb.eu-west-1.amazonaws.com",
                   false);
}

static void check_key(const char *profile, pq_creds_source source, const char *akid,
                      const char *token)
{
    struct pq_creds c;
    struct pq_error err;
    pq_error_init(&err);
    CHECK_EQ(resolve_creds(profile, "us-east-1", &c, &err), PQ_OK);
    if (err.message) fprintf(stderr, "resolve: %s\n", err.message);
    CHECK_EQ(c.source, source);
    CHECK_STR(c.cur.access_key, akid);
    if (token)
        CHECK_STR(c.cur.session_token, token);
    else
        CHECK(c.cur.session_token == NULL);
    pq_creds_release(&c);
    pq_error_release(&err);
}

static void test_static_sources(void)
{
    struct pq_creds c;
    struct pq_error err;
    pq_error_init(&err);
    clean_env();
    check_key(NULL, PQ_CREDS_SHARED_FILE, "AKFILEDEFAULT", NULL);
    check_key("shadowed", PQ_CREDS_SHARED_FILE, "AKFILESHADOW", "file-shadow-token");
    check_key("dev", PQ_CREDS_CONFIG_FILE, "AKCONFIGDEV", NULL);
    setenv("AWS_ACCESS_KEY_ID", "AKENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
    setenv("AWS_SESSION_TOKEN", "env-token", 1);
    check_key(NULL, PQ_CREDS_ENV, "AKENV", "env-token");
    setenv("AWS_PROFILE", "dev", 1);
    check_key(NULL, PQ_CREDS_ENV, "AKENV", "env-token"); /* AWS_PROFILE keeps env keys */
    unsetenv("AWS_PROFILE");
    check_key("dev", PQ_CREDS_CONFIG_FILE, "AKCONFIGDEV", NULL); /* --profile skips them */
    unsetenv("AWS_SECRET_ACCESS_KEY");
    CHECK_EQ(resolve_creds(NULL, "us-east-1", &c, &err), PQ_ERR_IO);
    CHECK_STR(err.message, "partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY");
    clean_env();

    /* Role profiles without a source are refused before any STS call
     * (test_aws_sts.c covers working roles against a fake STS). */
    CHECK_EQ(resolve_creds("role-nosource", "us-east-1", &c, &err), PQ_ERR_IO);
    CHECK_STR(err.message, "profile 'role-nosource' has role_arn but neither source_profile nor "
                           "credential_source");

    /* Nothing anywhere: the message lists what was tried. */
    setenv("AWS_CONFIG_FILE", "/nonexistent/x", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/y", 1);
    CHECK_EQ(resolve_creds(NULL, "us-east-1", &c, &err), PQ_ERR_IO);
    CHECK_STR(err.message,
              "unable to locate credentials; tried environment variables (AWS_ACCESS_KEY_ID, "
              "AWS_SECRET_ACCESS_KEY), assume-role (no role_arn in profile default), web "
              "identity, SSO, shared credentials file (/nonexistent/y, profile default), "
              "credential_process, config file (/nonexistent/x), container "
              "credentials (AWS_CONTAINER_CREDENTIALS_*_URI not set), EC2 instance metadata "
              "(disabled by AWS_EC2_METADATA_DISABLED)");
    clean_env();
    pq_error_release(&err);
}

static void test_process(void)
{
    char script[160], cfg[160], text[1024];
    struct pq_creds c;
    struct pq_error err;
    const struct pq_aws_creds *k;
    time_t exp;
    pq_error_init(&err);
    snprintf(script, sizeof script, "%s/cred.sh", dir);
    snprintf(text, sizeof text,
             "#!/bin/sh\n"
             "n=$(cat %s/count 2>/dev/null || echo 0); n=$((n+1)); echo $n > %s/count\n"
             "if [ $n -ge 3 ]; then echo \"boom $n\" >&2; exit 3; fi\n"
             "echo '{\"Version\": 1, \"AccessKeyId\": \"AKPROC'$n'\", \"SecretAccessKey\": "
             "\"proc-secret\", \"SessionToken\": \"proc-token\", \"Expiration\": "
             "\"2030-01-01T00:00:00Z\"}'\n",
             dir, dir);
    write_file(script, text, true);
    snprintf(cfg, sizeof cfg, "%s/config-proc", dir);
    snprintf(text, sizeof text,
             "[profile proc]\ncredential_process = %s --flag\n"
             "[profile v2]\ncredential_process = echo '{\"Version\": 2}'\n"
             "[profile noexp]\ncredential_process = echo '{\"Version\": 1, \"AccessKeyId\": "
             "\"AKNOEXP\", \"SecretAccessKey\": \"s\"}'\n",
             script);
    write_file(cfg, text, false);
    clean_env();
    setenv("AWS_CONFIG_FILE", cfg, 1);

    CHECK(pq_aws_parse_time("2030-01-01T00:00:00Z", &exp));
    CHECK_EQ(resolve_creds("proc", "us-east-1", &c, &err), PQ_OK);
    CHECK_EQ(c.source, PQ_CREDS_PROCESS);
    CHECK_STR(c.cur.access_key, "AKPROC1");
    CHECK_STR(c.cur.session_token, "proc-token");
    CHECK_EQ(c.cur.expiration, exp);
    /* Far from expiry: no new run. */
    CHECK_EQ(pq_creds_current(&c, exp - 3600, &k, &err), PQ_OK);
    CHECK_STR(k->access_key, "AKPROC1");
    CHECK_EQ(c.fetches, 1);
    /* Inside the 15-minute window: fetched again. */
    CHECK_EQ(pq_creds_current(&c, exp - 600, &k, &err), PQ_OK);
    CHECK_STR(k->access_key, "AKPROC2");
    CHECK_EQ(c.fetches, 2);
    /* Refresh fails with more than 10 minutes left: the old ones stay. */
    CHECK_EQ(pq_creds_current(&c, exp - 700, &k, &err), PQ_OK);
    CHECK_STR(k->access_key, "AKPROC2");
    /* Refresh fails near expiry: an error carrying the process's stderr. */
    CHECK_EQ(pq_creds_current(&c, exp - 60, &k, &err), PQ_ERR_IO);
    CHECK_STR(err.message, "error when retrieving credentials from custom-process: boom 4");
    pq_creds_release(&c);

    CHECK_EQ(resolve_creds("v2", "us-east-1", &c, &err), PQ_ERR_IO);
    CHECK(strstr(err.message, "only Version 1 is supported") != NULL);
    check_key("noexp", PQ_CREDS_PROCESS, "AKNOEXP", NULL);
    clean_env();
    pq_error_release(&err);

    time_t t;
    CHECK(pq_aws_parse_time("2030-01-01T02:00:00.123+02:00", &t));
    CHECK_EQ(t, exp);
    CHECK(!pq_aws_parse_time("2030-01-01", &t));
}

static void test_container_and_imds(void)
{
    struct helper h;
    struct pq_creds c;
    struct pq_error err;
    char url[128], tokfile[128];
    pq_error_init(&err);
    clean_env();
    setenv("AWS_CONFIG_FILE", "/nonexistent/x", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/y", 1);

    CHECK(helper_start(&h, "fake_creds.py", "v2"));
    snprintf(url, sizeof url, "http://127.0.0.1:%d/container", atoi(h.line));
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer tok-123", 1);
    check_key(NULL, PQ_CREDS_CONTAINER, "ASIAFAKE", "fake-token");
    /* The token file wins over the token variable. */
    snprintf(tokfile, sizeof tokfile, "%s/token", dir);
    write_file(tokfile, "Bearer tok-123\n", false);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer wrong", 1);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tokfile, 1);
    check_key(NULL, PQ_CREDS_CONTAINER, "ASIAFAKE", "fake-token");
    unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    CHECK_EQ(resolve_creds(NULL, "us-east-1", &c, &err), PQ_ERR_IO);
    CHECK_STR(err.message, "error when retrieving credentials from container-role: HTTP 401");
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://203.0.113.9/creds", 1);
    CHECK_EQ(resolve_creds(NULL, "us-east-1", &c, &err), PQ_ERR_IO);
    CHECK(strstr(err.message, "unsupported host") != NULL);
    unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");

    /* IMDSv2 with a session token. */
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", atoi(h.line));
    unsetenv("AWS_EC2_METADATA_DISABLED");
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", url, 1);
    check_key(NULL, PQ_CREDS_IMDS, "ASIAFAKE", "fake-token");
    helper_stop(&h);

    /* IMDSv1 fallback when the token PUT is refused, unless v1 is disabled. */
    CHECK(helper_start(&h, "fake_creds.py", "v1"));
    snprintf(url, sizeof url, "http://127.0.0.1:%d", atoi(h.line));
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", url, 1);
    check_key(NULL, PQ_CREDS_IMDS, "ASIAFAKE", "fake-token");
    setenv("AWS_EC2_METADATA_V1_DISABLED", "true", 1);
    CHECK_EQ(resolve_creds(NULL, "us-east-1", &c, &err), PQ_ERR_IO);
    CHECK(strstr(err.message, "IMDSv1 is disabled") != NULL);
    helper_stop(&h);
    clean_env();
    pq_error_release(&err);
}

/* The whole backend: region required, label, bad endpoint. */
static void test_backend_open(void)
{
    struct pq_aws_options o;
    struct pq_backend *b = NULL;
    struct pq_error err;
    pq_error_init(&err);
    pq_aws_options_init(&o);
    clean_env();
    setenv("AWS_CONFIG_FILE", "/nonexistent/x", 1);
    setenv("AWS_ACCESS_KEY_ID", "AKENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
    CHECK_EQ(pq_aws_backend_open(&o, &b, &err), PQ_ERR_USAGE);
    CHECK_STR(err.message, "no region: use --region, set AWS_REGION or put `region` in profile "
                           "'default'");
    o.region = "eu-central-1";
    CHECK_EQ(pq_aws_backend_open(&o, &b, &err), PQ_OK);
    CHECK_STR(b ? b->label : NULL, "eu-central-1");
    pq_backend_close(b);
    o.endpoint_url = "localhost:8000";
    CHECK_EQ(pq_aws_backend_open(&o, &b, &err), PQ_ERR_USAGE);
    CHECK(strstr(err.message, "bad value for --endpoint-url \"localhost:8000\"") != NULL);
    clean_env();
    pq_error_release(&err);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/pqsh-cfg-XXXXXX");
    if (!mkdtemp(dir)) return 1;
    snprintf(path_config, sizeof path_config, "%s/config", dir);
    snprintf(path_creds, sizeof path_creds, "%s/credentials", dir);
    write_file(path_config, CONFIG, false);
    write_file(path_creds, CREDS, false);

    test_ini();
    test_profiles_and_region();
    test_endpoints();
    test_static_sources();
    test_process();
    test_container_and_imds();
    test_backend_open();

    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", dir);
    DONE();
}
