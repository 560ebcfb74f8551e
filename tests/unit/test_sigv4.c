/* test_sigv4.c — SigV4 against reference §6.2 (DynamoDB worked example) and §6.3 (AWS suite). */
#include "check.h"
#include "aws/sigv4.h"

#include <string.h>

static const char *const AKID = "AKIDEXAMPLE";
static const char *const SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
static const char *const TIME = "20150830T123600Z";
static const char *const TOKEN =
    "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfp"
    "SPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQ"
    "DYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+s"
    "cqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

static void hex32(const unsigned char k[32], char out[65])
{
    pq_sigv4_hex(k, 32, out);
}

/* §6.2: ExecuteStatement to us-east-1, every intermediate value. */
static void test_worked_example(void)
{
    const char *body =
        "{\"Statement\":\"SELECT * FROM \\\"Music\\\" WHERE Artist = ?\",\"Parameters\":[{\"S\":"
        "\"Acme Band\"}]}";
    CHECK_EQ(strlen(body), 89);
    struct pq_sigv4_header h[] = {
        {"Content-Type", "application/x-amz-json-1.0"},
        {"Host", "dynamodb.us-east-1.amazonaws.com"},
        {"X-Amz-Date", TIME},
        {"X-Amz-Target", "DynamoDB_20120810.ExecuteStatement"},
    };
    struct pq_sigv4_request req = {"POST", "/", "", h, 4, body, strlen(body)};
    struct pq_sigv4_creds creds = {AKID, SECRET, NULL};
    struct pq_sigv4_result r;
    pq_sigv4_result_init(&r);
    pq_sigv4_sign(&req, &creds, "us-east-1", "dynamodb", TIME, NULL, &r);

    CHECK_STR(r.payload_hash, "35789e4e9d9f4912e5aece3bc427984631ceba81b7fb26c8274538c91ebcfbb7");
    CHECK_STR(r.canonical_request.data,
              "POST\n/\n\n"
              "content-type:application/x-amz-json-1.0\n"
              "host:dynamodb.us-east-1.amazonaws.com\n"
              "x-amz-date:20150830T123600Z\n"
              "x-amz-target:DynamoDB_20120810.ExecuteStatement\n\n"
              "content-type;host;x-amz-date;x-amz-target\n"
              "35789e4e9d9f4912e5aece3bc427984631ceba81b7fb26c8274538c91ebcfbb7");
    CHECK_STR(r.string_to_sign.data,
              "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/dynamodb/aws4_request\n"
              "d19e57cab20febde9e84ffbb32e9749d2c5078d7cacdc54b3463c44362a39531");
    CHECK_STR(r.signed_headers.data, "content-type;host;x-amz-date;x-amz-target");

    unsigned char kd[32], kr[32], ks[32], kg[32];
    char hex[65];
    pq_sigv4_signing_key(SECRET, "20150830", "us-east-1", "dynamodb", kd, kr, ks, kg);
    hex32(kd, hex);
    CHECK_STR(hex, "0138c7a6cbd60aa727b2f653a522567439dfb9f3e72b21f9b25941a42f04a7cd");
    hex32(kr, hex);
    CHECK_STR(hex, "f33d5808504bf34812e5fade63308b424b244c59189be2a591dd2282c7cb563f");
    hex32(ks, hex);
    CHECK_STR(hex, "209e73af0bc12e97fcefb7c59680b47530d2bdb974e5ed89f4f8bf2dec21f71f");
    hex32(kg, hex);
    CHECK_STR(hex, "44a00bf61392567a12c8a1af3f6227f121fdd3ffabe98527663649f33cbff4aa");

    CHECK_STR(r.signature, "60812dc963b2ea6e796aab8f96a7deef674d5377db02c51d73342252392807fb");
    CHECK_STR(r.authorization.data,
              "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/dynamodb/aws4_request, "
              "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
              "Signature=60812dc963b2ea6e796aab8f96a7deef674d5377db02c51d73342252392807fb");
    pq_sigv4_result_release(&r);
}

/* §6.2 session-token variant: ListTables with body {} and a signed token. */
static void test_worked_example_token(void)
{
    struct pq_sigv4_header h[] = {
        {"Content-Type", "application/x-amz-json-1.0"},
        {"Host", "dynamodb.us-east-1.amazonaws.com"},
        {"X-Amz-Date", TIME},
        {"X-Amz-Target", "DynamoDB_20120810.ListTables"},
        {"X-Amz-Security-Token", TOKEN},
    };
    struct pq_sigv4_request req = {"POST", "/", "", h, 5, "{}", 2};
    struct pq_sigv4_creds creds = {AKID, SECRET, TOKEN};
    struct pq_sigv4_result r;
    pq_sigv4_result_init(&r);
    pq_sigv4_sign(&req, &creds, "us-east-1", "dynamodb", TIME, NULL, &r);
    CHECK_STR(r.signed_headers.data,
              "content-type;host;x-amz-date;x-amz-security-token;x-amz-target");
    CHECK_STR(r.payload_hash, "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
    const char *sts = r.string_to_sign.data;
    const char *last = strrchr(sts, '\n');
    CHECK(last && strcmp(last + 1,
                         "a292588df1da737a62b95d9ccac42b6d923f2428f5d611c9adae6b4310679754") == 0);
    CHECK_STR(r.signature, "441a3646d5a806ea5c46ea4fcd6c9aecc9bad7df9b60a33bfe810c504ffb586d");
    pq_sigv4_result_release(&r);
}

/* §6.3 botocore aws4_testsuite POST cases (service "service", host example.amazonaws.com). */
struct suite_case {
    const char *name;
    struct pq_sigv4_header headers[4];
    size_t nheaders;
    const char *body;
    const char *creds_token;
    const char *canonical;
    const char *sts_hash;
    const char *signature;
};

static const struct suite_case suite[] = {
    {"post-vanilla",
     {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
     2,
     "",
     NULL,
     "POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
     "553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87",
     "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
    {"post-x-www-form-urlencoded",
     {{"Content-Type", "application/x-www-form-urlencoded"},
      {"Host", "example.amazonaws.com"},
      {"X-Amz-Date", "20150830T123600Z"}},
     3,
     "Param1=value1",
     NULL,
     "POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\n"
     "x-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n"
     "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e",
     "42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281",
     "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"},
    {"post-sts-header-before",
     {{"Host", "example.amazonaws.com"},
      {"X-Amz-Date", "20150830T123600Z"},
      {"X-Amz-Security-Token", NULL /* TOKEN, filled in below */}},
     3,
     "",
     "token",
     NULL,
     "c237e1b440d4c63c32ca95b5b99481081cb7b13c7e40434868e71567c1a882f6",
     "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"},
};

static void test_suite(void)
{
    for (size_t i = 0; i < sizeof suite / sizeof suite[0]; i++) {
        const struct suite_case *c = &suite[i];
        struct pq_sigv4_header h[4];
        memcpy(h, c->headers, sizeof h);
        for (size_t j = 0; j < c->nheaders; j++)
            if (!h[j].value) h[j].value = TOKEN;
        struct pq_sigv4_request req = {"POST", "/", "", h, c->nheaders, c->body, strlen(c->body)};
        struct pq_sigv4_creds creds = {AKID, SECRET, c->creds_token ? TOKEN : NULL};
        struct pq_sigv4_result r;
        pq_sigv4_result_init(&r);
        pq_sigv4_sign(&req, &creds, "us-east-1", "service", TIME, NULL, &r);
        fprintf(stderr, "case %s\n", c->name);
        if (c->canonical) CHECK_STR(r.canonical_request.data, c->canonical);
        const char *last = strrchr(r.string_to_sign.data, '\n');
        CHECK(last && strcmp(last + 1, c->sts_hash) == 0);
        static const char head[] =
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n";
        CHECK(strncmp(r.string_to_sign.data, head, sizeof head - 1) == 0);
        CHECK_STR(r.signature, c->signature);
        pq_sigv4_result_release(&r);
    }
}

/* Header canonicalisation: case, order, trimming, inner spaces, repeated names. */
static void test_canonical_headers(void)
{
    struct pq_sigv4_header h[] = {
        {"X-B", "  two   words  "},
        {"host", "h"},
        {"x-a", "1"},
        {"X-A", "2"},
    };
    struct pq_sigv4_request req = {"POST", "/", "", h, 4, "", 0};
    struct pq_sigv4_creds creds = {AKID, SECRET, NULL};
    struct pq_sigv4_result r;
    pq_sigv4_result_init(&r);
    pq_sigv4_sign(&req, &creds, "eu-west-1", "dynamodb", TIME, NULL, &r);
    CHECK_STR(r.canonical_request.data, "POST\n/\n\nhost:h\nx-a:1,2\nx-b:two words\n\n"
                                        "host;x-a;x-b\n" PQ_SIGV4_EMPTY_SHA256);
    pq_sigv4_result_release(&r);
}

/* The cache gives the same signature, and follows day, region and secret changes. */
static void test_cache(void)
{
    struct pq_sigv4_header h[] = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", TIME}};
    struct pq_sigv4_request req = {"POST", "/", "", h, 2, "", 0};
    struct pq_sigv4_creds creds = {AKID, SECRET, NULL};
    struct pq_sigv4_cache cache;
    struct pq_sigv4_result r;
    char first[65];
    pq_sigv4_cache_clear(&cache);
    pq_sigv4_result_init(&r);

    pq_sigv4_sign(&req, &creds, "us-east-1", "service", TIME, &cache, &r);
    CHECK_STR(r.signature, "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
    CHECK(cache.valid);
    pq_sigv4_sign(&req, &creds, "us-east-1", "service", TIME, &cache, &r);
    CHECK_STR(r.signature, "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");

    /* Another secret must not reuse the cached key. */
    struct pq_sigv4_creds other = {AKID, "another-secret", NULL};
    pq_sigv4_sign(&req, &other, "us-east-1", "service", TIME, &cache, &r);
    memcpy(first, r.signature, 65);
    CHECK(strcmp(first, "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b") != 0);
    pq_sigv4_sign(&req, &other, "us-east-1", "service", TIME, NULL, &r);
    CHECK_STR(r.signature, first);

    /* Another region and another day derive fresh keys. */
    pq_sigv4_sign(&req, &creds, "eu-west-1", "service", TIME, &cache, &r);
    CHECK_STR(cache.region, "eu-west-1");
    pq_sigv4_sign(&req, &creds, "eu-west-1", "service", "20150831T000000Z", &cache, &r);
    CHECK_STR(cache.date, "20150831");
    pq_sigv4_cache_clear(&cache);
    CHECK(!cache.valid);
    pq_sigv4_result_release(&r);
}

int main(void)
{
    test_worked_example();
    test_worked_example_token();
    test_suite();
    test_canonical_headers();
    test_cache();
    DONE();
}
