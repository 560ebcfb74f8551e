/* test_sigv4_diff.c — 200 random requests signed by pqsh and by botocore's SigV4Auth must agree.
 *
 * botocore runs in python3 (tests/integration/sigv4_botocore.py). Requests
 * vary in body bytes, time, region, target, host, extra headers with odd
 * whitespace, and the presence of a session token (which both sign).
 */
#include "check.h"
#include "aws/sigv4.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>

#define NCASES 200

static uint64_t rng_state;

static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 11);
}

static void random_text(char *out, size_t len, const char *alphabet)
{
    size_t n = strlen(alphabet);
    for (size_t i = 0; i < len; i++)
        out[i] = alphabet[rnd() % n];
    out[len] = '\0';
}

struct gen_case {
    char time[17], region[32], access_key[32], secret[48], token[200], host[80];
    char target[64], extra[64];
    bool has_token, has_extra;
    unsigned char body[400];
    size_t body_len;
};

static const char *const regions[] = {"us-east-1",  "eu-west-2",     "ap-southeast-1",
                                      "cn-north-1", "us-gov-west-1", "local"};
static const char *const ops[] = {"ExecuteStatement", "ListTables", "CreateTable", "DescribeTable",
                                  "BatchExecuteStatement"};

static void gen(struct gen_case *c)
{
    time_t t = (time_t)946684800 + (time_t)(rnd() % 3155760000u); /* 2000 … 2099 */
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(c->time, sizeof c->time, "%Y%m%dT%H%M%SZ", &tm);
    if (rnd() % 4 == 0)
        random_text(c->region, 3 + rnd() % 12, "abcdefghijklmnopqrstuvwxyz-0123456789");
    else
        strcpy(c->region, regions[rnd() % 6]);
    random_text(c->access_key, 20, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
    random_text(c->secret, 40, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/+");
    c->has_token = rnd() % 2;
    random_text(c->token, 100 + rnd() % 90,
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+=");
    if (rnd() % 3 == 0)
        snprintf(c->host, sizeof c->host, "127.0.0.1:%u", 1024 + rnd() % 60000);
    else
        snprintf(c->host, sizeof c->host, "dynamodb.%s.amazonaws.com", c->region);
    snprintf(c->target, sizeof c->target, "DynamoDB_20120810.%s", ops[rnd() % 5]);
    c->has_extra = rnd() % 4 == 0;
    strcpy(c->extra, "  spaced   value\twith  tabs ");
    c->body_len = rnd() % 5 == 0 ? 0 : rnd() % sizeof c->body;
    for (size_t i = 0; i < c->body_len; i++)
        c->body[i] = (unsigned char)rnd();
}

static size_t headers_of(const struct gen_case *c, struct pq_sigv4_header *h)
{
    size_t n = 0;
    h[n++] = (struct pq_sigv4_header){"Content-Type", "application/x-amz-json-1.0"};
    h[n++] = (struct pq_sigv4_header){"Host", c->host};
    h[n++] = (struct pq_sigv4_header){"X-Amz-Date", c->time};
    h[n++] = (struct pq_sigv4_header){"X-Amz-Target", c->target};
    if (c->has_extra) h[n++] = (struct pq_sigv4_header){"X-Amz-Meta-Note", c->extra};
    if (c->has_token) h[n++] = (struct pq_sigv4_header){"X-Amz-Security-Token", c->token};
    return n;
}

int main(void)
{
    static struct gen_case cases[NCASES];
    rng_state = 0x9e3779b97f4a7c15ull ^ (uint64_t)time(NULL);
    if (getenv("PQSH_SIGV4_SEED")) rng_state = strtoull(getenv("PQSH_SIGV4_SEED"), NULL, 0);
    printf("seed 0x%llx\n", (unsigned long long)rng_state);

    char in_path[] = "/tmp/pqsh-sigv4-XXXXXX";
    int fd = mkstemp(in_path);
    CHECK(fd >= 0);
    if (fd < 0) DONE();
    FILE *in = fdopen(fd, "w");
    for (int i = 0; i < NCASES; i++) {
        struct gen_case *c = &cases[i];
        gen(c);
        /* botocore adds X-Amz-Date and the token itself, so leave them out. */
        json_t *hdrs = json_array();
        json_array_append_new(hdrs,
                              json_pack("[ss]", "Content-Type", "application/x-amz-json-1.0"));
        json_array_append_new(hdrs, json_pack("[ss]", "Host", c->host));
        json_array_append_new(hdrs, json_pack("[ss]", "X-Amz-Target", c->target));
        if (c->has_extra)
            json_array_append_new(hdrs, json_pack("[ss]", "X-Amz-Meta-Note", c->extra));
        char hex[2 * sizeof c->body + 1];
        pq_sigv4_hex(c->body, c->body_len, hex);
        json_t *j = json_pack("{ss ss ss ss ss ss so ss}", "time", c->time, "region", c->region,
                              "service", "dynamodb", "access_key", c->access_key, "secret_key",
                              c->secret, "host", c->host, "headers", hdrs, "body_hex", hex);
        if (c->has_token) json_object_set_new(j, "token", json_string(c->token));
        char *line = json_dumps(j, JSON_COMPACT);
        fprintf(in, "%s\n", line);
        free(line);
        json_decref(j);
    }
    fclose(in);

    char script[4096], cmd[8192];
    snprintf(script, sizeof script, "%s", __FILE__);
    char *slash = strrchr(script, '/');
    if (slash)
        *slash = '\0';
    else
        strcpy(script, ".");
    snprintf(cmd, sizeof cmd, "python3 '%s/../integration/sigv4_botocore.py' < '%s'", script,
             in_path);
    FILE *out = popen(cmd, "r");
    CHECK(out != NULL);
    int matched = 0, got = 0;
    struct pq_sigv4_cache cache;
    pq_sigv4_cache_clear(&cache);
    char line[1024];
    for (int i = 0; out && i < NCASES && fgets(line, sizeof line, out); i++) {
        got++;
        line[strcspn(line, "\n")] = '\0';
        struct pq_sigv4_header h[8];
        size_t n = headers_of(&cases[i], h);
        struct pq_sigv4_request req = {"POST", "/", "", h, n, cases[i].body, cases[i].body_len};
        struct pq_sigv4_creds creds = {cases[i].access_key, cases[i].secret,
                                       cases[i].has_token ? cases[i].token : NULL};
        struct pq_sigv4_result r;
        pq_sigv4_result_init(&r);
        /* Alternate between the cache and fresh derivation. */
        pq_sigv4_sign(&req, &creds, cases[i].region, "dynamodb", cases[i].time,
                      i % 2 ? &cache : NULL, &r);
        if (strcmp(r.authorization.data, line) == 0) {
            matched++;
        } else {
            fprintf(stderr, "case %d differs\n  pqsh:     %s\n  botocore: %s\n", i,
                    r.authorization.data, line);
        }
        pq_sigv4_result_release(&r);
    }
    CHECK(out && pclose(out) == 0);
    unlink(in_path);
    CHECK_EQ(got, NCASES);
    CHECK_EQ(matched, NCASES);
    DONE();
}
