/* test_value.c — AttributeValues: types, validation messages, equality, order, size, rendering. */
#include "check.h"
#include "pqsh/value.h"

#include <stdlib.h>
#include <string.h>

static json_t *J(const char *text)
{
    json_error_t e;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &e);
    if (!v) {
        fprintf(stderr, "bad test JSON %s: %s\n", text, e.text);
        abort();
    }
    return v;
}

/* Compact JSON text of v, in a static buffer. */
static const char *dump(const json_t *v)
{
    static char buf[4096];
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    snprintf(buf, sizeof buf, "%s", s ? s : "(null)");
    free(s);
    return buf;
}

static void test_types(void)
{
    static const struct {
        const char *json;
        pq_type t;
    } cases[] = {
        {"{\"S\":\"x\"}", PQ_T_S},
        {"{\"N\":\"1\"}", PQ_T_N},
        {"{\"B\":\"AA==\"}", PQ_T_B},
        {"{\"BOOL\":true}", PQ_T_BOOL},
        {"{\"NULL\":true}", PQ_T_NULL},
        {"{\"M\":{}}", PQ_T_M},
        {"{\"L\":[]}", PQ_T_L},
        {"{\"SS\":[\"a\"]}", PQ_T_SS},
        {"{\"NS\":[\"1\"]}", PQ_T_NS},
        {"{\"BS\":[\"AA==\"]}", PQ_T_BS},
        {"{}", PQ_T_NONE},
        {"{\"S\":\"a\",\"N\":\"1\"}", PQ_T_NONE},
        {"{\"X\":1}", PQ_T_NONE},
        {"\"S\"", PQ_T_NONE},
        {"[]", PQ_T_NONE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *v = J(cases[i].json);
        CHECK_EQ(pq_value_type(v), cases[i].t);
        CHECK((pq_value_payload(v) != NULL) == (cases[i].t != PQ_T_NONE));
        json_decref(v);
    }
    for (pq_type t = PQ_T_S; t <= PQ_T_BS; t++)
        CHECK_EQ(pq_type_from_name(pq_type_name(t)), t);
    CHECK_STR(pq_type_name(PQ_T_NONE), "");
    CHECK_STR(pq_type_name(PQ_T_BOOL), "BOOL");
    CHECK_EQ(pq_type_from_name("s"), PQ_T_NONE);
    CHECK_EQ(pq_type_from_name(""), PQ_T_NONE);
    json_t *v = J("{\"S\":\"hello\"}");
    CHECK_STR(json_string_value(pq_value_payload(v)), "hello");
    json_decref(v);
}

static void test_constructors(void)
{
    struct pq_decimal d;
    json_t *v = pq_value_new_s("a\0b", 3);
    CHECK_EQ(json_string_length(pq_value_payload(v)), 3);
    json_decref(v);
    CHECK(pq_value_new_s("\xff", 1) == NULL); /* not UTF-8 */
    CHECK_EQ(pq_decimal_parse("-0012.500", 9, &d), PQ_DEC_OK);
    v = pq_value_new_n(&d);
    CHECK_STR(dump(v), "{\"N\":\"-12.5\"}");
    CHECK_EQ(pq_value_number(v, &d), PQ_DEC_OK);
    CHECK_EQ(d.sign, -1);
    json_decref(v);
    v = pq_value_new_b("\x00\x01\xff", 3);
    CHECK_STR(dump(v), "{\"B\":\"AAH/\"}");
    json_decref(v);
    v = pq_value_new_bool(false);
    CHECK_STR(dump(v), "{\"BOOL\":false}");
    json_decref(v);
    v = pq_value_new_null();
    CHECK_STR(dump(v), "{\"NULL\":true}");
    json_decref(v);
    v = pq_value_new(PQ_T_L, json_array());
    CHECK_STR(dump(v), "{\"L\":[]}");
    json_decref(v);
    CHECK(pq_value_new(PQ_T_NONE, json_array()) == NULL);
    v = J("{\"S\":\"1\"}");
    CHECK_EQ(pq_value_number(v, &d), PQ_DEC_NOT_A_NUMBER);
    json_decref(v);
}

static char nested_buf[2048];

/* n nested lists around a string: {"L":[{"L":[... {"S":"x"} ...]}]} */
static const char *nested(int n)
{
    char *p = nested_buf;
    for (int i = 0; i < n; i++)
        p += sprintf(p, "{\"L\":[");
    p += sprintf(p, "{\"S\":\"x\"}");
    for (int i = 0; i < n; i++)
        p += sprintf(p, "]}");
    return nested_buf;
}

#define EMPTY_MSG                                                                                  \
    "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
#define TWO_MSG                                                                                    \
    "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the "    \
    "supported datatypes"
#define INV "One or more parameter values were invalid: "
#define NEST_MSG                                                                                   \
    "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels "    \
    "beyond supported limit"
#define VE "ValidationException"
#define SE "SerializationException"

static void check_validation(const char *in, int partiql, const char *type, const char *want)
{
    struct pq_error err;
    pq_error_init(&err);
    json_t *v = J(in);
    pq_status st = partiql ? pq_value_validate_partiql(v, &err) : pq_value_validate(v, &err);
    if (type) {
        CHECK_EQ(st, PQ_ERR_SERVICE);
        CHECK_STR(err.type, type);
        CHECK_STR(err.message, want);
        if (err.message && want && strcmp(err.message, want) != 0)
            fprintf(stderr, "  input: %s\n", in);
    } else {
        CHECK_EQ(st, PQ_OK);
        CHECK_STR(dump(v), want ? want : in);
        if (st) fprintf(stderr, "  input: %s → %s\n", in, err.message);
    }
    json_decref(v);
    pq_error_release(&err);
}

static void test_validate(void)
{
    static const struct {
        const char *in;
        int partiql;
        const char *type; /* NULL: valid */
        const char *want; /* message, or canonical JSON (NULL: unchanged) */
    } cases[] = {
        {"{\"S\":\"a\"}", 0, NULL, NULL},
        {"{\"S\":\"\"}", 0, NULL, NULL},
        {"{\"B\":\"\"}", 0, NULL, NULL},
        {"{\"B\":\"AAH/\"}", 0, NULL, NULL},
        {"{\"BOOL\":false}", 0, NULL, NULL},
        {"{\"NULL\":true}", 0, NULL, NULL},
        {"{\"M\":{}}", 0, NULL, NULL},
        {"{\"L\":[]}", 0, NULL, NULL},
        {"{\"N\":\"01.50\"}", 0, NULL, "{\"N\":\"1.5\"}"},
        {"{\"N\":\"-0\"}", 0, NULL, "{\"N\":\"0\"}"},
        {"{\"N\":\"1E-2\"}", 0, NULL, "{\"N\":\"0.01\"}"},
        {"{\"M\":{\"a\":{\"N\":\"1.0\"},\"b\":{\"L\":[{\"NS\":[\"3.0\",\"1e0\"]}]}}}", 0, NULL,
         "{\"M\":{\"a\":{\"N\":\"1\"},\"b\":{\"L\":[{\"NS\":[\"3\",\"1\"]}]}}}"},
        {"{\"S\":\"a\",\"X\":1}", 0, NULL, "{\"S\":\"a\"}"},
        {"{\"S\":null,\"N\":\"2\"}", 0, NULL, "{\"N\":\"2\"}"},
        /* shape */
        {"{}", 0, VE, EMPTY_MSG},
        {"{\"X\":\"a\"}", 0, VE, EMPTY_MSG},
        {"{\"S\":null}", 0, VE, EMPTY_MSG},
        {"{\"S\":\"a\",\"N\":\"1\"}", 0, VE, TWO_MSG},
        {"{\"M\":{\"a\":{}}}", 0, VE, EMPTY_MSG},
        {"{\"L\":[{\"S\":\"a\"},{\"BOOL\":true,\"NULL\":true}]}", 0, VE, TWO_MSG},
        {"{\"NULL\":false}", 0, VE, INV "Null attribute value types must have the value of true"},
        /* sets */
        {"{\"SS\":[]}", 0, VE, INV "An string set  may not be empty"},
        {"{\"NS\":[]}", 0, VE, INV "An number set  may not be empty"},
        {"{\"BS\":[]}", 0, VE, INV "Binary sets should not be empty"},
        {"{\"SS\":[\"a\",\"b\",\"b\"]}", 0, VE,
         INV "Input collection [\"a\", \"b\", \"b\"] contains duplicates."},
        {"{\"SS\":[\"q\\\"\",\"q\\\"\"]}", 0, VE,
         INV "Input collection [\"q\\\"\", \"q\\\"\"] contains duplicates."},
        {"{\"NS\":[\"1\",\"2\",\"2.0\"]}", 0, VE,
         INV "Input collection [1, 2, 2.0] contains duplicates."},
        {"{\"BS\":[\"AA==\",\"/w==\",\"AA==\"]}", 0, VE,
         INV "Input collection [\"AA==\",\"/w==\",\"AA==\"]of type BS contains duplicates."},
        {"{\"SS\":[\"a\",\"A\"]}", 0, NULL, NULL},
        {"{\"NS\":[\"1\",\"x\"]}", 0, VE,
         "The parameter cannot be converted to a numeric value: x"},
        {"{\"NS\":[\"1\",\"1e126\"]}", 0, VE,
         "Number overflow. Attempting to store a number with magnitude larger than supported "
         "range"},
        /* numbers */
        {"{\"N\":\"abc\"}", 0, VE, "The parameter cannot be converted to a numeric value: abc"},
        {"{\"N\":\"\"}", 0, VE, "The parameter cannot be converted to a numeric value: "},
        {"{\"N\":\" 1\"}", 0, VE, "The parameter cannot be converted to a numeric value:  1"},
        {"{\"N\":\"1e126\"}", 0, VE,
         "Number overflow. Attempting to store a number with magnitude larger than supported "
         "range"},
        {"{\"N\":\"1E-131\"}", 0, VE,
         "Number underflow. Attempting to store a number with magnitude smaller than supported "
         "range"},
        {"{\"N\":\"123456789012345678901234567890123456789\"}", 0, VE,
         "Attempting to store more than 38 significant digits in a Number"},
        {"{\"N\":\"1e2147483647\"}", 0, VE,
         "Number overflow. Attempting to store a number with magnitude larger than supported "
         "range"},
        {"{\"N\":\"1e2147483647\"}", 1, VE,
         "Number underflow. Attempting to store a number with magnitude smaller than supported "
         "range"},
        {"{\"N\":\"1e99999999999\"}", 1, VE,
         "The parameter cannot be converted to a numeric value: 1e99999999999"},
        {"{\"M\":{\"x\":{\"N\":\"1e99999999999\"}}}", 0, VE,
         "Number overflow. Attempting to store a number with magnitude larger than supported "
         "range"},
        /* wrong JSON types and base64 (our wording, UNCONFIRMED) */
        {"{\"S\":1}", 0, SE, "NUMBER_VALUE cannot be converted to String"},
        {"{\"N\":1}", 0, SE, "NUMBER_VALUE cannot be converted to String"},
        {"{\"S\":true}", 0, SE, "TRUE_VALUE cannot be converted to String"},
        {"{\"S\":{}}", 0, SE, "Start of structure or map found where not expected."},
        {"{\"S\":[]}", 0, SE, "Start of list found where not expected"},
        {"{\"BOOL\":\"true\"}", 0, SE, "STRING_VALUE can not be converted to an Boolean"},
        {"{\"NULL\":1}", 0, SE, "NUMBER_VALUE can not be converted to an Boolean"},
        {"{\"SS\":[\"a\",1]}", 0, SE, "NUMBER_VALUE cannot be converted to String"},
        {"{\"SS\":\"a\"}", 0, SE, "Unexpected field type"},
        {"{\"M\":[]}", 0, SE, "Start of list found where not expected"},
        {"\"x\"", 0, SE, "Unexpected field type"},
        {"{\"B\":\"AA=\"}", 0, SE,
         "Base64 encoded length is expected a multiple of 4 bytes but found: 3"},
        {"{\"B\":\"A*==\"}", 0, SE, "Invalid Base64 character in: A*=="},
        {"{\"BS\":[\"AA==\",\"%%%%\"]}", 0, SE, "Invalid Base64 character in: %%%%"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_validation(cases[i].in, cases[i].partiql, cases[i].type, cases[i].want);

    /* 32 nested lists pass, 33 fail; the same for maps */
    char *ok = strdup(nested(32));
    check_validation(ok, 0, NULL, NULL);
    free(ok);
    check_validation(nested(33), 0, VE, NEST_MSG);
    char buf[2048], *p = buf;
    for (int i = 0; i < 33; i++)
        p += sprintf(p, "{\"M\":{\"k\":");
    p += sprintf(p, "{\"NULL\":true}");
    for (int i = 0; i < 33; i++)
        p += sprintf(p, "}}");
    check_validation(buf, 0, VE, NEST_MSG);
}

static void test_equal(void)
{
    static const struct {
        const char *a, *b;
        bool eq;
    } cases[] = {
        {"{\"N\":\"1\"}", "{\"N\":\"1.0\"}", true},
        {"{\"N\":\"-0\"}", "{\"N\":\"0e5\"}", true},
        {"{\"N\":\"1\"}", "{\"N\":\"2\"}", false},
        {"{\"N\":\"1\"}", "{\"S\":\"1\"}", false},
        {"{\"S\":\"a\"}", "{\"S\":\"a\"}", true},
        {"{\"S\":\"a\"}", "{\"S\":\"A\"}", false},
        {"{\"S\":\"a\"}", "{\"S\":\"a \"}", false},
        {"{\"B\":\"AAE=\"}", "{\"B\":\"AAE=\"}", true},
        {"{\"B\":\"AAE=\"}", "{\"B\":\"AAI=\"}", false},
        {"{\"BOOL\":true}", "{\"BOOL\":true}", true},
        {"{\"BOOL\":true}", "{\"BOOL\":false}", false},
        {"{\"NULL\":true}", "{\"NULL\":true}", true},
        {"{\"NULL\":true}", "{\"BOOL\":true}", false},
        {"{\"SS\":[\"a\",\"b\"]}", "{\"SS\":[\"b\",\"a\"]}", true},
        {"{\"SS\":[\"a\",\"b\"]}", "{\"SS\":[\"a\"]}", false},
        {"{\"SS\":[\"a\",\"b\"]}", "{\"SS\":[\"a\",\"c\"]}", false},
        {"{\"SS\":[\"a\"]}", "{\"NS\":[\"1\"]}", false},
        {"{\"NS\":[\"1\",\"2.50\"]}", "{\"NS\":[\"2.5\",\"1.0\"]}", true},
        {"{\"NS\":[\"1\",\"2\"]}", "{\"NS\":[\"1\",\"3\"]}", false},
        {"{\"BS\":[\"AAE=\",\"Ag==\"]}", "{\"BS\":[\"Ag==\",\"AAE=\"]}", true},
        {"{\"M\":{\"a\":{\"N\":\"1\"},\"b\":{\"S\":\"x\"}}}",
         "{\"M\":{\"b\":{\"S\":\"x\"},\"a\":{\"N\":\"1.0\"}}}", true},
        {"{\"M\":{\"a\":{\"N\":\"1\"}}}", "{\"M\":{\"a\":{\"N\":\"2\"}}}", false},
        {"{\"M\":{\"a\":{\"N\":\"1\"}}}", "{\"M\":{\"a\":{\"N\":\"1\"}, \"b\":{\"NULL\":true}}}",
         false},
        {"{\"M\":{\"a\":{\"N\":\"1\"}}}", "{\"M\":{\"b\":{\"N\":\"1\"}}}", false},
        {"{\"M\":{}}", "{\"M\":{}}", true},
        {"{\"M\":{}}", "{\"L\":[]}", false},
        {"{\"L\":[{\"N\":\"1\"},{\"S\":\"a\"}]}", "{\"L\":[{\"N\":\"1.00\"},{\"S\":\"a\"}]}", true},
        {"{\"L\":[{\"N\":\"1\"},{\"S\":\"a\"}]}", "{\"L\":[{\"S\":\"a\"},{\"N\":\"1\"}]}", false},
        {"{\"L\":[{\"N\":\"1\"}]}", "{\"L\":[{\"N\":\"1\"},{\"N\":\"1\"}]}", false},
        {"{\"L\":[{\"M\":{\"s\":{\"SS\":[\"x\",\"y\"]}}}]}",
         "{\"L\":[{\"M\":{\"s\":{\"SS\":[\"y\",\"x\"]}}}]}", true},
        {"{}", "{}", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *a = J(cases[i].a), *b = J(cases[i].b);
        CHECK_EQ(pq_value_equal(a, b), cases[i].eq);
        CHECK_EQ(pq_value_equal(b, a), cases[i].eq);
        json_decref(a);
        json_decref(b);
    }
}

static void test_compare(void)
{
    static const struct {
        const char *a, *b;
        int ordered; /* 0: not ordered, else 1 and cmp */
        int cmp;
    } cases[] = {
        {"{\"S\":\"a\"}", "{\"S\":\"b\"}", 1, -1},
        {"{\"S\":\"A\"}", "{\"S\":\"a\"}", 1, -1},
        {"{\"S\":\"z\"}", "{\"S\":\"\xc2\xbf\"}", 1, -1}, /* UTF-8 bytes: ¿ is C2 BF */
        {"{\"S\":\"ab\"}", "{\"S\":\"a\"}", 1, 1},
        {"{\"S\":\"\"}", "{\"S\":\"a\"}", 1, -1},
        {"{\"S\":\"x\"}", "{\"S\":\"x\"}", 1, 0},
        {"{\"N\":\"-1\"}", "{\"N\":\"0.5\"}", 1, -1},
        {"{\"N\":\"10\"}", "{\"N\":\"9\"}", 1, 1},
        {"{\"N\":\"1.0\"}", "{\"N\":\"1\"}", 1, 0},
        {"{\"N\":\"-10\"}", "{\"N\":\"-9\"}", 1, -1},
        {"{\"B\":\"/w==\"}", "{\"B\":\"AA==\"}", 1, 1},  /* 0xFF > 0x00 unsigned */
        {"{\"B\":\"fw==\"}", "{\"B\":\"gA==\"}", 1, -1}, /* 0x7F < 0x80 */
        {"{\"B\":\"AA==\"}", "{\"B\":\"AAA=\"}", 1, -1},
        {"{\"S\":\"1\"}", "{\"N\":\"1\"}", 0, 0},
        {"{\"BOOL\":true}", "{\"BOOL\":true}", 0, 0},
        {"{\"SS\":[\"a\"]}", "{\"SS\":[\"a\"]}", 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *a = J(cases[i].a), *b = J(cases[i].b);
        int cmp = 99;
        CHECK_EQ(pq_value_compare(a, b, &cmp), cases[i].ordered);
        if (cases[i].ordered) CHECK_EQ(cmp, cases[i].cmp);
        json_decref(a);
        json_decref(b);
    }
}

static int buf_order(const struct pq_buf *a, const struct pq_buf *b)
{
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->data, b->data, n);
    if (c) return c < 0 ? -1 : 1;
    return a->len < b->len ? -1 : a->len > b->len;
}

static uint64_t rng_state = 88172645463325252ull;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Random S, N and B values of one type; key order must equal pq_value_compare. */
static json_t *random_value(pq_type t)
{
    char text[64];
    unsigned char bytes[8];
    size_t n = rng() % 5;
    switch (t) {
    case PQ_T_S: {
        static const char *const parts[] = {"a", "b", "A", "\xc3\xa9", "\xc2\xbf", "z", "0"};
        text[0] = '\0';
        for (size_t i = 0; i < n; i++)
            strcat(text, parts[rng() % 7]);
        return pq_value_new_s(text, strlen(text));
    }
    case PQ_T_B:
        for (size_t i = 0; i < n; i++)
            bytes[i] = (unsigned char)(rng() % 3 ? rng() : 0x80 - rng() % 2);
        return pq_value_new_b(bytes, n);
    default: {
        struct pq_decimal d;
        snprintf(text, sizeof text, "%s%d.%02dE%d", rng() % 2 ? "-" : "", (int)(rng() % 10),
                 (int)(rng() % 100), (int)(rng() % 7) - 3);
        if (pq_decimal_parse(text, strlen(text), &d)) abort();
        return pq_value_new_n(&d);
    }
    }
}

static void test_encode_key(void)
{
    static const pq_type types[] = {PQ_T_S, PQ_T_N, PQ_T_B};
    for (int i = 0; i < 900; i++) {
        pq_type t = types[i % 3];
        json_t *a = random_value(t), *b = random_value(t);
        struct pq_buf ka, kb;
        pq_buf_init(&ka);
        pq_buf_init(&kb);
        CHECK(pq_value_encode_key(a, &ka));
        CHECK(pq_value_encode_key(b, &kb));
        int cmp = 99;
        CHECK(pq_value_compare(a, b, &cmp));
        CHECK_EQ(buf_order(&ka, &kb), cmp);
        CHECK_EQ(cmp == 0, pq_value_equal(a, b));
        pq_buf_release(&ka);
        pq_buf_release(&kb);
        json_decref(a);
        json_decref(b);
    }
    /* S and B keys are the bytes themselves, so begins_with is a key prefix */
    struct pq_buf k;
    pq_buf_init(&k);
    pq_buf_adds(&k, "pre:");
    json_t *v = J("{\"S\":\"ab\"}");
    CHECK(pq_value_encode_key(v, &k));
    CHECK_STR(k.data, "pre:ab");
    json_decref(v);
    v = J("{\"BOOL\":true}");
    CHECK(!pq_value_encode_key(v, &k));
    CHECK_STR(k.data, "pre:ab");
    json_decref(v);
    v = J("{\"B\":\"!!!!\"}");
    CHECK(!pq_value_encode_key(v, &k));
    CHECK_EQ(k.len, 6);
    json_decref(v);
    pq_buf_release(&k);
}

static void test_size(void)
{
    static const struct {
        const char *json;
        size_t size;
    } values[] = {
        {"{\"S\":\"abc\"}", 3},
        {"{\"S\":\"\"}", 0},
        {"{\"S\":\"\xc3\xa9\"}", 2},
        {"{\"N\":\"123\"}", 3},
        {"{\"N\":\"-1.5\"}", 2},
        {"{\"N\":\"0\"}", 1},
        {"{\"B\":\"AAEC\"}", 3},
        {"{\"B\":\"AA==\"}", 1},
        {"{\"B\":\"AAE=\"}", 2},
        {"{\"BOOL\":false}", 1},
        {"{\"NULL\":true}", 1},
        {"{\"L\":[]}", 3},
        {"{\"M\":{}}", 3},
        {"{\"L\":[{\"N\":\"1\"},{\"S\":\"ab\"}]}", 9},
        {"{\"M\":{\"k\":{\"S\":\"v\"}}}", 6},
        {"{\"M\":{\"k\":{\"M\":{\"kk\":{\"BOOL\":true}}}}}", 3 + 1 + 1 + (3 + 1 + 2 + 1)},
        {"{\"SS\":[\"a\",\"bc\"]}", 3},
        {"{\"NS\":[\"1\",\"12345\"]}", 6},
        {"{\"BS\":[\"AA==\",\"AAE=\"]}", 3},
    };
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        json_t *v = J(values[i].json);
        CHECK_EQ(pq_value_size(v), values[i].size);
        json_decref(v);
    }
    /* the tutorial's order: names 17+8+13+12, values 8+8+5+2 */
    json_t *item =
        J("{\"idempotency_token\":{\"S\":\"token123\"},\"order_id\":{\"S\":\"order001\"},"
          "\"customer_name\":{\"S\":\"Alice\"},\"order_amount\":{\"N\":\"100\"}}");
    CHECK_EQ(pq_item_size(item), 73);
    json_decref(item);
    item = J("{}");
    CHECK_EQ(pq_item_size(item), 0);
    json_decref(item);
    item = J("{\"\xc3\xa9\":{\"L\":[{\"NULL\":true}]}}");
    CHECK_EQ(pq_item_size(item), 2 + 3 + 1 + 1);
    json_decref(item);
}

static void test_render(void)
{
    static const struct {
        const char *json, *partiql, *plain;
    } cases[] = {
        {"{\"S\":\"it's\"}", "'it''s'", "\"it's\""},
        {"{\"S\":\"\"}", "''", "\"\""},
        {"{\"S\":\"q\\\"b\\\\n\\n\\t\\u0001\"}", "'q\"b\\n\n\t\x01'",
         "\"q\\\"b\\\\n\\n\\t\\u0001\""},
        {"{\"S\":\"\xc3\xa9\"}", "'\xc3\xa9'", "\"\xc3\xa9\""},
        {"{\"N\":\"12.50\"}", "12.5", "12.5"},
        {"{\"N\":\"-7.31E6\"}", "-7310000", "-7310000"},
        {"{\"N\":\"12345678901234567890123456789012345678\"}",
         "12345678901234567890123456789012345678", "12345678901234567890123456789012345678"},
        {"{\"N\":\"0.000000000000000000000000000000000000000000001\"}",
         "0.000000000000000000000000000000000000000000001",
         "0.000000000000000000000000000000000000000000001"},
        {"{\"N\":\"oops\"}", "oops", "\"oops\""},
        {"{\"BOOL\":true}", "TRUE", "true"},
        {"{\"BOOL\":false}", "FALSE", "false"},
        {"{\"NULL\":true}", "NULL", "null"},
        {"{\"B\":\"AAE=\"}", "b64'AAE='", "\"AAE=\""},
        {"{\"M\":{}}", "{}", "{}"},
        {"{\"L\":[]}", "[]", "[]"},
        {"{\"M\":{\"z\":{\"N\":\"1\"},\"a b\":{\"S\":\"x\"},\"it's\":{\"NULL\":true}}}",
         "{'z': 1, 'a b': 'x', 'it''s': NULL}", "{\"z\": 1, \"a b\": \"x\", \"it's\": null}"},
        {"{\"L\":[{\"N\":\"1\"},{\"S\":\"a\"},{\"L\":[{\"BOOL\":true}]}]}", "[1, 'a', [TRUE]]",
         "[1, \"a\", [true]]"},
        {"{\"SS\":[\"a\",\"b'\"]}", "<<'a', 'b'''>>", "[\"a\", \"b'\"]"},
        {"{\"NS\":[\"1\",\"2.50\"]}", "<<1, 2.5>>", "[1, 2.5]"},
        {"{\"BS\":[\"AA==\",\"AQ==\"]}", "<<b64'AA==', b64'AQ=='>>", "[\"AA==\", \"AQ==\"]"},
        {"{\"M\":{\"o\":{\"M\":{\"s\":{\"SS\":[\"x\"]}}}}}", "{'o': {'s': <<'x'>>}}",
         "{\"o\": {\"s\": [\"x\"]}}"},
        {"{}", "{}", "{}"},
        {"{\"S\":\"a\",\"N\":\"1\"}", "{\"S\":\"a\",\"N\":\"1\"}", "{\"S\":\"a\",\"N\":\"1\"}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *v = J(cases[i].json);
        struct pq_buf b;
        pq_buf_init(&b);
        pq_value_to_partiql(v, &b);
        CHECK_STR(b.data, cases[i].partiql);
        pq_buf_reset(&b);
        pq_value_to_plain_json(v, &b);
        CHECK_STR(b.data, cases[i].plain);
        /* plain JSON of a well-formed value reads back as JSON */
        if (pq_value_type(v) != PQ_T_NONE) {
            json_t *back = json_loads(b.data, JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL, NULL);
            CHECK(back != NULL);
            json_decref(back);
        }
        pq_buf_release(&b);
        json_decref(v);
    }
}

static void test_base64(void)
{
    static const struct {
        const char *bytes, *text;
    } vectors[] = {
        {"", ""},
        {"f", "Zg=="},
        {"fo", "Zm8="},
        {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="},
        {"fooba", "Zm9vYmE="},
        {"foobar", "Zm9vYmFy"},
    };
    struct pq_buf b;
    pq_buf_init(&b);
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        const char *bytes = vectors[i].bytes, *text = vectors[i].text;
        pq_buf_reset(&b);
        pq_base64_encode(bytes, strlen(bytes), &b);
        CHECK_STR(b.data, text);
        pq_buf_reset(&b);
        CHECK(pq_base64_decode(text, strlen(text), &b));
        CHECK_STR(b.data, bytes);
        CHECK_EQ(pq_base64_decoded_size(text, strlen(text)), strlen(bytes));
    }
    /* every byte value round-trips */
    unsigned char all[256];
    for (int i = 0; i < 256; i++)
        all[i] = (unsigned char)i;
    struct pq_buf enc;
    pq_buf_init(&enc);
    pq_base64_encode(all, sizeof all, &enc);
    pq_buf_reset(&b);
    CHECK(pq_base64_decode(enc.data, enc.len, &b));
    CHECK_EQ(b.len, 256);
    CHECK(memcmp(b.data, all, 256) == 0);
    pq_buf_release(&enc);

    static const char *const bad[] = {"Zg=", "Zg", "Z===", "Zm9v\n", "Zm=v", "=Zm9", "Zm9vYg==Zm9v",
                                      "Zm9-", "Zm9_", " Zm9", "Zg=a", "====",
                                      /* what OpenSSL's decoder alone would strip or take */
                                      "Zm9v----", "Zm9vYg  ", "\nZm9", "Zm9v\r\n\r\n", "Z=9v"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pq_buf_reset(&b);
        pq_buf_adds(&b, "keep");
        CHECK(!pq_base64_decode(bad[i], strlen(bad[i]), &b));
        CHECK_STR(b.data, "keep"); /* nothing appended on failure */
    }
    pq_buf_release(&b);
}

static void test_set_duplicates(void)
{
    static const struct {
        const char *json;
        bool dup;
    } cases[] = {
        {"{\"SS\":[\"a\",\"b\"]}", false},      {"{\"SS\":[\"a\",\"b\",\"a\"]}", true},
        {"{\"NS\":[\"1\",\"1.0\"]}", true},     {"{\"NS\":[\"1\",\"-1\"]}", false},
        {"{\"BS\":[\"AA==\",\"AA==\"]}", true}, {"{\"L\":[{\"N\":\"1\"},{\"N\":\"1\"}]}", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *v = J(cases[i].json);
        CHECK_EQ(pq_value_set_has_duplicates(v), cases[i].dup);
        json_decref(v);
    }
}

/* pq_item_text's one walk against its three references: json_dumps's text,
 * pq_item_size and pq_item_check_nesting. */
static void check_item_text(const json_t *item)
{
    struct pq_buf text = PQ_BUF_INIT;
    struct pq_error e1, e2;
    size_t size = 12345;
    pq_buf_init(&text);
    pq_error_init(&e1);
    pq_error_init(&e2);
    pq_status st = pq_item_text(item, &text, &size, &e1);
    char *want = json_dumps(item, JSON_COMPACT | JSON_ENCODE_ANY);
    /* The store has always written \u escapes with lower-case hex digits
     * (jansson: upper-case); either reads back as the same string. */
    for (char *u = want; (u = strstr(u, "\\u00")); u += 6)
        for (int i = 4; i < 6; i++)
            if (u[i] >= 'A' && u[i] <= 'F') u[i] = (char)(u[i] - 'A' + 'a');
    CHECK_STR(text.data, want);
    CHECK_EQ(text.len, strlen(want));
    CHECK_EQ(size, pq_item_size(item));
    CHECK_EQ(st, pq_item_check_nesting(item, &e2));
    if (st) CHECK_STR(e1.message, e2.message);
    /* Appended: what the buffer held stays in front. */
    pq_buf_reset(&text);
    pq_buf_adds(&text, "x");
    (void)pq_item_text(item, &text, &size, NULL);
    CHECK(text.data[0] == 'x' && strcmp(text.data + 1, want) == 0);
    free(want);
    pq_buf_release(&text);
    pq_error_release(&e1);
    pq_error_release(&e2);
}

/* {"a": v} with v = `levels` M and L values around a string, alternating. */
static json_t *nested_item(int levels)
{
    json_t *v = json_pack("{s:s}", "S", "deep");
    for (int i = 0; i < levels; i++)
        v = i % 2 ? json_pack("{s:[o]}", "L", v) : json_pack("{s:{s:o}}", "M", "k", v);
    return json_pack("{s:o}", "a", v);
}

static void test_item_text(void)
{
    static const char *const items[] = {
        "{}",
        "{\"idempotency_token\":{\"S\":\"token00000001\"},\"order_id\":{\"S\":\"order1\"},"
        "\"customer_name\":{\"S\":\"Alice\"},\"order_amount\":{\"N\":\"12.50\"}}",
        "{\"b\":{\"B\":\"AAEC\"},\"t\":{\"BOOL\":true},\"f\":{\"BOOL\":false},\"n\":{\"NULL\":true}"
        "}",
        "{\"ss\":{\"SS\":[\"a\",\"b\\\"c\"]},\"ns\":{\"NS\":[\"1\",\"2.50\"]},\"bs\":{\"BS\":[\"AA="
        "=\"]}}",
        "{\"m\":{\"M\":{\"x\":{\"L\":[{\"S\":\"\"},{\"M\":{}},{\"L\":[]},{\"N\":\"-0.1e5\"}]}}}}",
        "{\"q\\\"uote\":{\"S\":\"a\\\\b\\\"c\\n\\t\\r\\b\\f\\u0001\\u001f\\u007f\"}}",
        "{\"utf8 \\u00e9\\u4e2d\\ud83d\\ude00\":{\"S\":\"caf\\u00e9 \\u4e2d\\u6587 "
        "\\ud83d\\ude00\"}}",
        "{\"slash\":{\"S\":\"a/b\"}}",
        /* Not AttributeValues: written and sized as the general functions do. */
        "{\"x\":{\"S\":1},\"y\":{\"M\":5},\"z\":{\"L\":{}},\"w\":{\"Q\":\"1\"},\"v\":{\"S\":\"a\","
        "\"N\":\"1\"},\"u\":[1,2.5,null,true],\"t\":\"bare\",\"s\":{\"N\":\"not a number\"}}",
    };
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        json_t *item = J(items[i]);
        check_item_text(item);
        json_decref(item);
    }
    /* A character to escape at every place around the 8-byte steps. */
    static const char specials[] = {'"', '\\', '\n', 0x01, 0x1f};
    for (size_t k = 0; k < sizeof specials; k++) {
        for (size_t at = 0; at < 20; at++) {
            char s[21];
            memset(s, 'a' + (char)(at % 26), sizeof s - 1);
            s[20] = '\0';
            s[at] = specials[k];
            json_t *item = json_pack("{s:{s:s}}", s, "S", s);
            check_item_text(item);
            json_decref(item);
        }
    }
    /* Every length from 0 to 26 (the word-at-a-time checks: 1-3, 4-7, 8 and
     * more bytes), plain, and with a character to escape or a two-byte
     * UTF-8 character (bytes above 0x7f) at every place. */
    for (size_t n = 0; n <= 26; n++) {
        for (size_t at = 0; at <= n; at++) {
            for (size_t k = 0; k < sizeof specials + 1; k++) {
                char s[27];
                for (size_t i = 0; i < n; i++)
                    s[i] = (char)('b' + i);
                s[n] = '\0';
                if (at < n && k < sizeof specials) s[at] = specials[k];
                if (at + 1 < n && k == sizeof specials) { /* é, 0xc3 0xa9: written as it is */
                    s[at] = (char)0xc3;
                    s[at + 1] = (char)0xa9;
                }
                json_t *item = json_pack("{s:{s:s%}}", s, "S", s, n);
                check_item_text(item);
                json_decref(item);
                if (at == n) break; /* no place left for a special */
            }
        }
    }
    /* Every ASCII character but NUL, in a name and in a value. */
    char ascii[128];
    for (int c = 1; c < 128; c++)
        ascii[c - 1] = (char)c;
    ascii[127] = '\0';
    json_t *all = json_pack("{s:{s:s}}", ascii, "S", ascii);
    check_item_text(all);
    json_decref(all);
    /* DynamoDB's 32 levels: within and beyond, deep below the cap too. */
    static const int levels[] = {0, 1, 31, 32, 33, 40};
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
        json_t *item = nested_item(levels[i]);
        check_item_text(item);
        struct pq_buf text = PQ_BUF_INIT;
        struct pq_error err;
        size_t size;
        pq_buf_init(&text);
        pq_error_init(&err);
        CHECK_EQ(pq_item_text(item, &text, &size, &err) != PQ_OK, levels[i] > 32);
        pq_buf_release(&text);
        pq_error_release(&err);
        json_decref(item);
    }
    json_t *nul = json_pack("{s:{s:s%}}", "nul", "S", "a\0b", (size_t)3);
    check_item_text(nul);
    json_decref(nul);
    /* Not an object: written as it is, size 0 as pq_item_size says. */
    json_t *arr = J("[{\"S\":\"a\"}]");
    check_item_text(arr);
    json_decref(arr);
}

int main(void)
{
    test_types();
    test_constructors();
    test_validate();
    test_equal();
    test_compare();
    test_encode_key();
    test_size();
    test_render();
    test_base64();
    test_set_duplicates();
    test_item_text();
    DONE();
}
