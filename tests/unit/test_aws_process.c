/* test_aws_process.c — credential_process split as shlex does and run without a shell; the
 * container endpoint URL parsed, not prefix-matched (issue 15 items 7 and 8). */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "aws/creds.h"
#include "check.h"

/* The words joined with '|', or "ERROR: message". */
static const char *split(const char *s)
{
    static char out[512];
    char **argv = NULL;
    struct pq_error err;
    pq_error_init(&err);
    if (aws_split_command(s, &argv, &err)) {
        snprintf(out, sizeof out, "ERROR: %s", err.message);
    } else {
        out[0] = '\0';
        for (char **a = argv; *a; a++)
            snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s", a == argv ? "" : "|", *a);
    }
    aws_free_argv(argv);
    pq_error_release(&err);
    return out;
}

static void test_split(void)
{
    CHECK_STR(split("/usr/bin/helper --profile dev"), "/usr/bin/helper|--profile|dev");
    CHECK_STR(split("  a\t b  "), "a|b");
    CHECK_STR(split("'a b' \"c \\\"d\\\\\" e\\ f"), "a b|c \"d\\|e f");
    CHECK_STR(split("x'y z'w \"\""), "xy zw|");
    /* Backslashes inside single quotes and other escapes in double quotes stay. */
    CHECK_STR(split("'a\\b' \"a\\b\""), "a\\b|a\\b");
    /* Shell syntax is just text. */
    CHECK_STR(split("helper; rm -rf ~ && $(id) | tee `x`"), "helper;|rm|-rf|~|&&|$(id)|||tee|`x`");
    CHECK_STR(split("a 'b"),
              "ERROR: error when retrieving credentials from custom-process: No closing quotation");
    CHECK_STR(split("a \"b"),
              "ERROR: error when retrieving credentials from custom-process: No closing quotation");
    CHECK_STR(split("a\\"),
              "ERROR: error when retrieving credentials from custom-process: No escaped character");
    CHECK_STR(split("   "),
              "ERROR: error when retrieving credentials from custom-process: the command is empty");
}

/* A ';' in the profile value runs nothing more: echo prints it. */
static void test_no_shell(void)
{
    char dir[] = "/tmp/pqsh-test-proc-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char cmd[256], marker[128];
    snprintf(marker, sizeof marker, "%s/pwned", dir);
    snprintf(cmd, sizeof cmd, "echo hello; touch %s", marker);
    char **argv = NULL;
    struct pq_error err;
    pq_error_init(&err);
    CHECK_EQ(aws_split_command(cmd, &argv, &err), PQ_OK);
    struct pq_buf out = PQ_BUF_INIT;
    pq_buf_init(&out);
    int status = -1;
    CHECK_EQ(aws_run_process(argv, -1, &out, &status, &err), PQ_OK);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    char want[256];
    snprintf(want, sizeof want, "hello; touch %s\n", marker);
    CHECK_STR(out.data, want);
    CHECK(access(marker, F_OK) != 0);
    aws_free_argv(argv);

    /* A program that does not exist is an error, not a shell message. */
    CHECK_EQ(aws_split_command("/nonexistent/helper x", &argv, &err), PQ_OK);
    pq_buf_reset(&out);
    CHECK_EQ(aws_run_process(argv, -1, &out, &status, &err), PQ_ERR_IO);
    CHECK_STR(err.message, "error when retrieving credentials from custom-process: cannot run "
                           "'/nonexistent/helper': No such file or directory");
    aws_free_argv(argv);
    pq_buf_release(&out);
    pq_error_release(&err);
    rmdir(dir);
}

static void test_container_url(void)
{
    /* The review's finding: the token went to the host after the '@'. */
    CHECK(!aws_container_url_ok("http://169.254.170.23@127.0.0.1:9/creds"));
    CHECK(!aws_container_url_ok("http://169.254.170.23@evil.example/creds"));
    CHECK(!aws_container_url_ok("https://user:pw@creds.example/"));
    /* A prefix is not a host. */
    CHECK(!aws_container_url_ok("http://127.0.0.1.evil.example/creds"));
    CHECK(!aws_container_url_ok("http://169.254.170.22/creds"));
    CHECK(!aws_container_url_ok("http://169.254.170.234/creds"));
    CHECK(!aws_container_url_ok("http://localhost.evil.example/"));
    CHECK(!aws_container_url_ok("http://10.0.0.1/creds"));
    CHECK(!aws_container_url_ok("ftp://127.0.0.1/creds"));
    CHECK(!aws_container_url_ok("not a url"));
    /* botocore's allowed hosts. */
    CHECK(aws_container_url_ok("http://127.0.0.1:8080/creds"));
    CHECK(aws_container_url_ok("http://127.1.2.3/creds"));
    CHECK(aws_container_url_ok("http://localhost:3000/creds"));
    CHECK(aws_container_url_ok("http://[::1]:3000/creds"));
    CHECK(aws_container_url_ok("http://169.254.170.2/v2/credentials"));
    CHECK(aws_container_url_ok("http://169.254.170.23/v1/credentials"));
    CHECK(aws_container_url_ok("http://[fd00:ec2::23]/v1/credentials"));
    CHECK(aws_container_url_ok("https://creds.example/any"));
}

int main(void)
{
    test_split();
    test_no_shell();
    test_container_url();
    DONE();
}
