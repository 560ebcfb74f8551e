/* test_decimal.c — exact decimals: parsing, range, formatting, compare, add/sub, size, keys. */
#include "check.h"
#include "pqsh/buf.h"
#include "pqsh/decimal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Expected text: the canonical form, or one of these failure markers. */
#define NAN_ "!nan"
#define PREC "!precision"
#define OVER "!overflow"
#define UNDER "!underflow"

static const char *fail_name(pq_decimal_fail f)
{
    switch (f) {
    case PQ_DEC_NOT_A_NUMBER:
        return NAN_;
    case PQ_DEC_PRECISION:
        return PREC;
    case PQ_DEC_OVERFLOW:
        return OVER;
    case PQ_DEC_UNDERFLOW:
        return UNDER;
    default:
        return "";
    }
}

static char text_buf[PQ_DECIMAL_TEXT_MAX];

static const char *fmt(const struct pq_decimal *d)
{
    pq_decimal_format(d, text_buf);
    return text_buf;
}

/* Parses with the item-API parser (partiql = 0) or the PartiQL one; returns
 * the canonical text or the failure marker. */
static const char *parsed(const char *text, int partiql)
{
    struct pq_decimal d;
    size_t len = strlen(text);
    pq_decimal_fail f =
        partiql ? pq_decimal_parse_partiql(text, len, &d) : pq_decimal_parse(text, len, &d);
    if (f != PQ_DEC_OK) return fail_name(f);
    return fmt(&d);
}

static struct pq_decimal num(const char *text)
{
    struct pq_decimal d;
    pq_decimal_fail f = pq_decimal_parse(text, strlen(text), &d);
    if (f != PQ_DEC_OK) {
        fprintf(stderr, "bad test number %s\n", text);
        abort();
    }
    return d;
}

static char *repeat(char c, size_t n, const char *prefix, const char *suffix)
{
    size_t lp = strlen(prefix), ls = strlen(suffix);
    char *s = malloc(lp + n + ls + 1);
    memcpy(s, prefix, lp);
    memset(s + lp, c, n);
    memcpy(s + lp + n, suffix, ls + 1);
    return s;
}

static void test_parse_table(void)
{
    static const struct {
        const char *in, *item, *partiql;
    } cases[] = {
        {"1", "1", "1"},
        {"-1.50", "-1.5", "-1.5"},
        {"7.31E6", "7310000", "7310000"},
        {"7.31e+6", "7310000", "7310000"},
        {"731e4", "7310000", "7310000"},
        {"73100000e-1", "7310000", "7310000"},
        {".73e1", "7.3", "7.3"},
        {"-.73e1", "-7.3", "-7.3"},
        {"1.0", "1", "1"},
        {"1e0", "1", "1"},
        {"15E-1", "1.5", "1.5"},
        {"00012.3400", "12.34", "12.34"},
        {"0.0015", "0.0015", "0.0015"},
        {"-0.0015", "-0.0015", "-0.0015"},
        {"100", "100", "100"},
        {"+1", "1", "1"}, /* Java BigDecimal accepts a leading '+' */
        {"5.", "5", "5"}, /* and a trailing dot */
        {"-0", "0", "0"},
        {"0.00", "0", "0"},
        {"-0.0e-5", "0", "0"},
        {"0e125", "0", "0"},
        {"0e126", OVER, OVER},
        {"0.0e126", "0", "0"}, /* 0 × 10^125 as Java sees it */
        {"000e126", OVER, OVER},
        {"0e-130", "0", "0"},
        {"0e-131", UNDER, UNDER},
        {"0.0e-130", UNDER, UNDER},
        {"1e125", NULL, NULL},
        {"1e126", OVER, OVER},
        {"10e125", OVER, OVER},
        {"0.1e126", NULL, NULL},
        {"1E-130", NULL, NULL},
        {"1E-131", UNDER, UNDER},
        {"0.1E-130", UNDER, UNDER},
        {"1.5E-130", NULL, NULL},
        {"-1e126", OVER, OVER},
        {"-1E-131", UNDER, UNDER},
        {"9.9999999999999999999999999999999999999E+125", NULL, NULL},
        {"12345678901234567890123456789012345678e88", NULL, NULL},
        {"12345678901234567890123456789012345678e89", OVER, OVER},
        {"12345678901234567890123456789012345678", "12345678901234567890123456789012345678",
         "12345678901234567890123456789012345678"},
        {"123456789012345678901234567890123456789", PREC, PREC},
        {"1.23456789012345678901234567890123456789", PREC, PREC},
        {"0.00000000001234567890123456789012345678901234567890", PREC, PREC},
        {"1000000000000000000000000000000000000000000000",
         "1000000000000000000000000000000000000000000000",
         "1000000000000000000000000000000000000000000000"},
        {"1.00000000000000000000000000000000000000000000000000", "1", "1"},
        {"99999999999999999999999999999999999999", "99999999999999999999999999999999999999",
         "99999999999999999999999999999999999999"},
        /* exponents: beyond int64 cannot be converted; beyond int32 is out of
         * range for items, not convertible for PartiQL parameters */
        {"1e99999999999", OVER, NAN_},
        {"1e-99999999999", UNDER, NAN_},
        {"0e99999999999", OVER, NAN_},
        {"1e9223372036854775807", OVER, NAN_},
        {"1e9223372036854775808", NAN_, NAN_},
        {"1e-9223372036854775808", UNDER, NAN_},
        {"1e-9223372036854775809", NAN_, NAN_},
        {"1e99999999999999999999", NAN_, NAN_},
        {"1e0000000000000000000000000005", "100000", "100000"},
        {"1e2147483647", OVER, UNDER}, /* DynamoDB's 32-bit wrap in the PartiQL layer */
        {"1e2147483648", OVER, NAN_},
        {"1e-2147483648", UNDER, NAN_},   /* scale 2^31 does not fit */
        {"1.5e-2147483647", UNDER, NAN_}, /* scale 2^31 does not fit */
        {"1e-2147483647", UNDER, UNDER},
        /* not numbers */
        {"", NAN_, NAN_},
        {"1 ", NAN_, NAN_},
        {" 1", NAN_, NAN_},
        {"0x10", NAN_, NAN_},
        {"NaN", NAN_, NAN_},
        {"Infinity", NAN_, NAN_},
        {"-Infinity", NAN_, NAN_},
        {"1e", NAN_, NAN_},
        {"1e+", NAN_, NAN_},
        {"e5", NAN_, NAN_},
        {"+-1", NAN_, NAN_},
        {"--1", NAN_, NAN_},
        {"1.2.3", NAN_, NAN_},
        {"abc", NAN_, NAN_},
        {".", NAN_, NAN_},
        {"-", NAN_, NAN_},
        {"+", NAN_, NAN_},
        {"-.e1", NAN_, NAN_},
        {"1e5.5", NAN_, NAN_},
        {"1_000", NAN_, NAN_},
        {"1,5", NAN_, NAN_},
        {"1d0", NAN_, NAN_},
        {"1e1e1", NAN_, NAN_},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        /* NULL expectation: in range, canonical text checked elsewhere */
        const char *want_item = cases[i].item, *want_pq = cases[i].partiql;
        const char *got = parsed(cases[i].in, 0);
        if (want_item) {
            CHECK_STR(got, want_item);
        } else {
            CHECK(got[0] != '!');
        }
        got = parsed(cases[i].in, 1);
        if (want_pq) {
            CHECK_STR(got, want_pq);
        } else {
            CHECK(got[0] != '!');
        }
    }
}

static void test_extreme_texts(void)
{
    /* 1E-130: "0." then 129 zeros then 1 */
    char *want = repeat('0', 129, "0.", "1");
    CHECK_STR(parsed("1E-130", 0), want);
    free(want);
    want = repeat('0', 129, "-0.", "15");
    CHECK_STR(parsed("-1.5E-130", 0), want);
    free(want);
    want = repeat('0', 125, "1", "");
    CHECK_STR(parsed("1e125", 0), want);
    free(want);
    /* the longest canonical text fits PQ_DECIMAL_TEXT_MAX */
    const char *digits = "12345678901234567890123456789012345678";
    char in[64];
    snprintf(in, sizeof in, "-%.1s.%sE-130", digits, digits + 1);
    want = repeat('0', 129, "-0.", digits);
    CHECK_STR(parsed(in, 0), want);
    CHECK(strlen(want) < PQ_DECIMAL_TEXT_MAX);
    free(want);
    snprintf(in, sizeof in, "%.1s.%sE125", digits, digits + 1);
    want = repeat('0', 88, digits, "");
    CHECK_STR(parsed(in, 0), want);
    free(want);
    /* trailing zeros of a long mantissa do not count as precision */
    char *in2 = repeat('0', 300, "7", "e-300");
    CHECK_STR(parsed(in2, 0), "7");
    free(in2);
}

static void test_struct_and_messages(void)
{
    struct pq_decimal d = num("-12.3400");
    CHECK_EQ(d.sign, -1);
    CHECK_EQ(d.ndigits, 4);
    CHECK_EQ(d.digits[0], 1);
    CHECK_EQ(d.digits[3], 4);
    CHECK_EQ(d.exp, -2);
    d = num("0");
    CHECK_EQ(d.sign, 0);
    CHECK_EQ(d.ndigits, 0);
    CHECK_EQ(d.exp, 0);
    d = num("1200");
    CHECK_EQ(d.ndigits, 2);
    CHECK_EQ(d.exp, 2);

    CHECK_STR(pq_decimal_fail_message(PQ_DEC_OK), "");
    CHECK_STR(pq_decimal_fail_message(PQ_DEC_NOT_A_NUMBER),
              "The parameter cannot be converted to a numeric value: ");
    CHECK_STR(pq_decimal_fail_message(PQ_DEC_PRECISION),
              "Attempting to store more than 38 significant digits in a Number");
    CHECK_STR(pq_decimal_fail_message(PQ_DEC_OVERFLOW),
              "Number overflow. Attempting to store a number with magnitude larger than supported "
              "range");
    CHECK_STR(pq_decimal_fail_message(PQ_DEC_UNDERFLOW),
              "Number underflow. Attempting to store a number with magnitude smaller than "
              "supported range");

    pq_decimal_from_int(0, &d);
    CHECK_STR(fmt(&d), "0");
    pq_decimal_from_int(-4200, &d);
    CHECK_STR(fmt(&d), "-4200");
    pq_decimal_from_int(INT64_MIN, &d);
    CHECK_STR(fmt(&d), "-9223372036854775808");
}

/* Numbers in strictly increasing order. */
static const char *const sorted[] = {
    "-9.9999999999999999999999999999999999999E125",
    "-1E125",
    "-99999999999999999999999999999999999999",
    "-1000",
    "-999.99",
    "-100",
    "-12.5",
    "-12.25",
    "-12.2",
    "-12",
    "-1.0000000000000000000000000000000000001",
    "-1",
    "-0.99999999999999999999999999999999999999",
    "-0.5",
    "-0.0000001",
    "-1.5E-130",
    "-1E-130",
    "0",
    "1E-130",
    "1.1E-130",
    "2E-130",
    "1E-129",
    "0.0000001",
    "0.1",
    "0.12",
    "0.2",
    "1",
    "1.0000000000000000000000000000000000001",
    "1.2",
    "1.25",
    "1.3",
    "9",
    "10",
    "11",
    "100",
    "101",
    "12345678901234567890123456789012345678",
    "12345678901234567890123456789012345679",
    "1E38",
    "1.1E38",
    "1E100",
    "9.9999999999999999999999999999999999999E125",
};
#define NSORTED (sizeof sorted / sizeof sorted[0])

static int memcmp_sign(const struct pq_buf *a, const struct pq_buf *b)
{
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->data, b->data, n);
    if (c) return c < 0 ? -1 : 1;
    return a->len < b->len ? -1 : a->len > b->len ? 1 : 0;
}

static int key_order(const struct pq_decimal *a, const struct pq_decimal *b)
{
    struct pq_buf ka = PQ_BUF_INIT, kb = PQ_BUF_INIT;
    pq_buf_init(&ka);
    pq_buf_init(&kb);
    pq_decimal_encode_key(a, &ka);
    pq_decimal_encode_key(b, &kb);
    int c = memcmp_sign(&ka, &kb);
    pq_buf_release(&ka);
    pq_buf_release(&kb);
    return c;
}

static void test_sorted_pairs(void)
{
    for (size_t i = 0; i < NSORTED; i++) {
        for (size_t j = 0; j < NSORTED; j++) {
            struct pq_decimal a = num(sorted[i]), b = num(sorted[j]);
            int want = i < j ? -1 : i > j ? 1 : 0;
            CHECK_EQ(pq_decimal_cmp(&a, &b), want);
            CHECK_EQ(key_order(&a, &b), want);
        }
    }
    /* equal values written differently compare and encode equal */
    struct pq_decimal a = num("1.50"), b = num("15e-1");
    CHECK_EQ(pq_decimal_cmp(&a, &b), 0);
    CHECK_EQ(key_order(&a, &b), 0);
    a = num("-0.0");
    b = num("0e10");
    CHECK_EQ(key_order(&a, &b), 0);
}

/* A small deterministic generator (xorshift64*). */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ull;
}

/* A random in-range number; exponents often close together so that digit
 * comparison and carries matter, sometimes anywhere in the range. */
static struct pq_decimal random_number(void)
{
    char text[80];
    char *p = text;
    if (rng() % 8 == 0) return num("0");
    if (rng() % 2) *p++ = '-';
    int n = 1 + (int)(rng() % 38);
    if (rng() % 3 == 0) n = 1 + (int)(rng() % 3);
    for (int i = 0; i < n; i++) {
        int dgt = (int)(rng() % 10);
        if ((i == 0 || i == n - 1) && dgt == 0) dgt = 1 + (int)(rng() % 9);
        *p++ = (char)('0' + dgt);
        if (i == 0) *p++ = '.';
    }
    int adj = (rng() % 4 == 0) ? -130 + (int)(rng() % 256) : -3 + (int)(rng() % 7);
    snprintf(p, 16, "E%d", adj);
    return num(text);
}

static void test_random_pairs(void)
{
    int sub_ok = 0;
    for (int i = 0; i < 600; i++) {
        struct pq_decimal a = random_number(), b = random_number(), d, back;
        if (i % 5 == 0) b = a; /* equal pairs too */
        if (i % 7 == 0 && a.ndigits > 1) {
            b = a;
            b.ndigits--; /* a prefix of a's digits */
            while (b.ndigits && b.digits[b.ndigits - 1] == 0)
                b.ndigits--;
            b.exp = a.exp + (a.ndigits - b.ndigits);
            if (!b.ndigits) b.sign = 0, b.exp = 0;
        }
        int c = pq_decimal_cmp(&a, &b);
        CHECK_EQ(pq_decimal_cmp(&b, &a), -c);
        CHECK_EQ(key_order(&a, &b), c);
        /* the sign of a − b agrees with the comparison; (a − b) + b == a */
        if (pq_decimal_sub(&a, &b, &d) == PQ_DEC_OK) {
            sub_ok++;
            CHECK_EQ(d.sign, c);
            if (pq_decimal_add(&d, &b, &back) == PQ_DEC_OK) CHECK_EQ(pq_decimal_cmp(&back, &a), 0);
        }
        /* text round trip */
        char t[PQ_DECIMAL_TEXT_MAX];
        size_t n = pq_decimal_format(&a, t);
        struct pq_decimal again;
        CHECK_EQ(pq_decimal_parse(t, n, &again), PQ_DEC_OK);
        CHECK_EQ(pq_decimal_cmp(&again, &a), 0);
        CHECK_EQ(again.ndigits, a.ndigits);
        CHECK_EQ(again.exp, a.exp);
    }
    CHECK(sub_ok > 200);
}

static const char *arith(const char *a, char op, const char *b)
{
    struct pq_decimal x = num(a), y = num(b), r;
    pq_decimal_fail f = op == '+' ? pq_decimal_add(&x, &y, &r) : pq_decimal_sub(&x, &y, &r);
    if (f != PQ_DEC_OK) return fail_name(f);
    return fmt(&r);
}

static void test_add_sub(void)
{
    static const struct {
        const char *a;
        char op;
        const char *b, *want;
    } cases[] = {
        {"0.1", '+', "0.2", "0.3"},
        {"1", '-', "1", "0"},
        {"-5", '+', "5", "0"},
        {"0", '-', "5", "-5"},
        {"5", '-', "0", "5"},
        {"0", '+', "0", "0"},
        {"1.5", '+', "-2.25", "-0.75"},
        {"100", '-', "0.001", "99.999"},
        {"-100", '-', "0.001", "-100.001"},
        {"999", '+', "1", "1000"},
        {"1000", '-', "1", "999"},
        {"0.5", '+', "0.5", "1"},
        {"-0.5", '-', "0.5", "-1"},
        {"1E125", '-', "1E125", "0"},
        /* the 38-digit edge */
        {"99999999999999999999999999999999999999", '+', "1",
         "100000000000000000000000000000000000000"},
        {"99999999999999999999999999999999999999", '+', "0.1", PREC},
        {"9999999999999999999999999999999999999.9", '+', "0.1",
         "10000000000000000000000000000000000000"},
        {"12345678901234567890123456789012345678", '-', "12345678901234567890123456789012345677",
         "1"},
        {"12345678901234567890123456789012345678", '+', "1E38", PREC},
        {"12345678901234567890123456789012345678", '+', "1E37",
         "22345678901234567890123456789012345678"},
        {"12345678901234567890123456789012345678", '+', "0.5", PREC},
        {"1E100", '+', "1E-100", PREC},
        {"1E100", '-', "1", PREC},
        {"1E125", '+', "1E-130", PREC},
        {"1E37", '-', "1", "9999999999999999999999999999999999999"},
        {"1E38", '-', "1", "99999999999999999999999999999999999999"},
        {"1E39", '-', "1", PREC},
        /* range */
        {"9.9999999999999999999999999999999999999E125", '+', "1E88", OVER},
        {"-9.9999999999999999999999999999999999999E125", '-', "1E88", OVER},
        {"9E125", '+', "9E125", OVER},
        {"1E-130", '-', "1.1E-130", UNDER},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK_STR(arith(cases[i].a, cases[i].op, cases[i].b), cases[i].want);
    char *tiny = repeat('0', 129, "0.", "1"); /* 1E-130, the smallest magnitude */
    CHECK_STR(arith("2E-130", '-', "1E-130"), tiny);
    free(tiny);
}

static void test_size(void)
{
    static const struct {
        const char *n;
        size_t size;
    } cases[] = {
        {"0", 1},
        {"1", 2},
        {"-1", 2},
        {"12", 2},
        {"123", 3},
        {"1234", 3},
        {"1E100", 2},
        {"0.001", 2},
        {"12.34", 3},
        {"12345678901234567890123456789012345678", 20},
        {"1234567890123456789012345678901234567", 20},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct pq_decimal d = num(cases[i].n);
        CHECK_EQ(pq_decimal_size(&d), cases[i].size);
    }
}

static void test_key_bytes(void)
{
    struct pq_buf k = PQ_BUF_INIT;
    pq_buf_init(&k);
    struct pq_decimal d = num("0");
    pq_decimal_encode_key(&d, &k);
    CHECK_EQ(k.len, 1);
    CHECK_EQ((unsigned char)k.data[0], 0x80);
    pq_buf_reset(&k);
    d = num("1.5");
    pq_decimal_encode_key(&d, &k); /* appends; 0xC0, adj 0 biased, digits 2 6, 0 */
    CHECK_EQ(k.len, 8);
    CHECK_EQ((unsigned char)k.data[0], 0xC0);
    CHECK_EQ((unsigned char)k.data[1], 0x80);
    CHECK_EQ((unsigned char)k.data[5], 2);
    CHECK_EQ((unsigned char)k.data[6], 6);
    CHECK_EQ((unsigned char)k.data[7], 0);
    pq_buf_release(&k);
}

/* pq_decimal_plain_int: true only for "0" and 1–38 digits without a
 * leading zero, and then exactly what parsing says (valid for both parsers,
 * formatted back to the text, the same significant digits). */
static void check_plain(const char *text, bool want)
{
    size_t len = strlen(text), nd = 99;
    bool got = pq_decimal_plain_int(text, len, &nd);
    CHECK_EQ(got, want);
    if (got != want) fprintf(stderr, "  (plain int: \"%s\")\n", text);
    if (!got) return;
    struct pq_decimal d, dp;
    char back[PQ_DECIMAL_TEXT_MAX];
    CHECK_EQ(pq_decimal_parse(text, len, &d), PQ_DEC_OK);
    CHECK_EQ(pq_decimal_parse_partiql(text, len, &dp), PQ_DEC_OK);
    CHECK_EQ(pq_decimal_cmp(&d, &dp), 0);
    pq_decimal_format(&d, back);
    CHECK_STR(back, text);
    CHECK_EQ(nd, d.ndigits);
    CHECK_EQ((nd + 1) / 2 + 1, pq_decimal_size(&d));
}

static void test_plain_int(void)
{
    static const char *const yes[] = {"0",
                                      "1",
                                      "9",
                                      "10",
                                      "100",
                                      "1000000",
                                      "123",
                                      "120",
                                      "999",
                                      "1000000000000000000000",
                                      "12345678901234567890123456789012345678",
                                      "10000000000000000000000000000000000000",
                                      "99999999999999999999999999999999999999"};
    static const char *const no[] = {"",
                                     "00",
                                     "01",
                                     "007",
                                     "-1",
                                     "+1",
                                     "-0",
                                     "1.0",
                                     "1.",
                                     ".5",
                                     "1e2",
                                     "1E2",
                                     "1 ",
                                     " 1",
                                     "1a",
                                     "0x1",
                                     "123456789012345678901234567890123456789",
                                     "100000000000000000000000000000000000000"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        check_plain(yes[i], true);
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        check_plain(no[i], false);
    char text[32];
    for (unsigned i = 0; i < 20000; i += 7) {
        snprintf(text, sizeof text, "%u", i);
        check_plain(text, true);
    }
    /* The digits count stops at the text's length (no reading past it). */
    size_t nd = 0;
    CHECK(pq_decimal_plain_int("1200x", 3, &nd));
    CHECK_EQ(nd, 2);
}

int main(void)
{
    test_parse_table();
    test_extreme_texts();
    test_struct_and_messages();
    test_sorted_pairs();
    test_random_pairs();
    test_add_sub();
    test_size();
    test_key_bytes();
    test_plain_int();
    DONE();
}
