/* test_expr.c — the expression language (src/engine/expr*.c): syntax errors, static checks,
 * key conditions, projections, evaluation through ev_test. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "engine/expr.h"

static struct pq_error err;

/* Runs `kind` ("C" condition, "F" filter, "K" key condition, "P" projection,
 * "U" update) on `text` with the given names / values (JSON text or NULL),
 * then the unused check; returns the error message or "OK". */
static char result[1024];

static const char *run(const char *kind, const char *text, const char *names, const char *values,
                       unsigned flags)
{
    json_t *n = names ? json_loads(names, 0, NULL) : NULL;
    json_t *v = values ? json_loads(values, 0, NULL) : NULL;
    struct xp_request *r = NULL;
    pq_error_release(&err);
    pq_error_init(&err);
    pq_status st = xp_request_new(n, v, flags, &r, &err);
    if (!st) {
        const struct ev_cond *c;
        const struct xp_key_condition *k;
        const struct xp_projection *p;
        const struct ev_update *u;
        switch (kind[0]) {
        case 'C':
            st = xp_condition(r, XP_CONDITION, text, &c, &err);
            break;
        case 'F':
            st = xp_condition(r, XP_FILTER, text, &c, &err);
            break;
        case 'K':
            st = xp_key_condition(r, text, &k, &err);
            break;
        case 'P':
            st = xp_projection(r, text, &p, &err);
            break;
        default:
            st = xp_update(r, text, &u, &err);
            break;
        }
    }
    if (!st) st = xp_request_finish(r, &err);
    snprintf(result, sizeof result, "%s", st ? (err.message ? err.message : "?") : "OK");
    xp_request_free(r);
    json_decref(n);
    json_decref(v);
    return result;
}

static void test_syntax(void)
{
    /* §2.2's examples. */
    CHECK_STR(run("U", "SET MyStr = myNum + 1", NULL, NULL, 0),
              "Invalid UpdateExpression: Syntax error; token: \"1\", near: \"+ 1\"");
    CHECK_STR(run("U", "SET MyStr = myNum Mystr2 myNum2", NULL, NULL, 0),
              "Invalid UpdateExpression: Syntax error; token: \"Mystr2\", near: \"myNum Mystr2 "
              "myNum2\"");
    CHECK_STR(run("U", "SET MyStr = my Num", NULL, NULL, 0),
              "Invalid UpdateExpression: Syntax error; token: \"Num\", near: \"my Num\"");
    CHECK_STR(run("U", "SET #a = :v, #b = :w,", "{\"#a\":\"a\",\"#b\":\"b\"}",
                  "{\":v\":{\"N\":\"1\"},\":w\":{\"N\":\"2\"}}", 0),
              "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \",\"");
    CHECK_STR(run("U", "SET _123 = :v", NULL, "{\":v\":{\"N\":\"1\"}}", 0),
              "Invalid UpdateExpression: Syntax error; token: \"_\", near: \"SET _123\"");
    CHECK_STR(run("C", "", NULL, NULL, 0),
              "Invalid ConditionExpression: The expression can not be empty;");
    CHECK_STR(run("C", "", NULL, NULL, XP_PREFIXED),
              "1 validation error detected: Invalid ConditionExpression: The expression can not "
              "be empty;");
    /* A lone operand is not a condition; a literal is not an operand. */
    CHECK_STR(run("C", "a", NULL, NULL, 0),
              "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"a\"");
    CHECK_STR(run("C", "a AND b = :v", NULL, "{\":v\":{\"N\":\"1\"}}", 0),
              "Invalid ConditionExpression: Syntax error; token: \"AND\", near: \"a AND b\"");
    CHECK_STR(run("C", "a = 1", NULL, NULL, 0),
              "Invalid ConditionExpression: Syntax error; token: \"1\", near: \"= 1\"");
    CHECK_STR(run("C", "a = 'x'", NULL, NULL, 0),
              "Invalid ConditionExpression: Syntax error; token: \"'\", near: \"= 'x\"");
    CHECK_STR(run("C", "a IN ()", NULL, NULL, 0),
              "Invalid ConditionExpression: Syntax error; token: \")\", near: \"()\"");
    CHECK_STR(run("P", "a[:i]", NULL, "{\":i\":{\"N\":\"1\"}}", 0),
              "Invalid ProjectionExpression: Syntax error; token: \":i\", near: \"[:i]\"");
    CHECK_STR(run("P", "a, #", NULL, NULL, 0),
              "Invalid ProjectionExpression: Syntax error; token: \"#\", near: \", #\"");
    /* Size comes before syntax. */
    char big[5000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    big[10] = ' ';
    CHECK_STR(run("P", big, NULL, NULL, 0),
              "Invalid ProjectionExpression: Expression size has exceeded the maximum allowed "
              "size; expression size: 4999");
}

static void test_condition_checks(void)
{
    const char *v1 = "{\":v\":{\"N\":\"1\"}}";
    CHECK_STR(run("C", "((a = :v))", NULL, v1, 0),
              "Invalid ConditionExpression: The expression has redundant parentheses;");
    CHECK_STR(run("C", "(a = :v)", NULL, v1, 0), "OK");
    CHECK_STR(run("C", "BegIns_WiTh(a, :v)", NULL, v1, 0),
              "Invalid ConditionExpression: Invalid function name; function: BegIns_WiTh");
    CHECK_STR(run("C", "list_append(a, :v)", NULL, v1, 0),
              "Invalid ConditionExpression: Invalid function name; function: list_append");
    CHECK_STR(run("C", "size(a)", NULL, NULL, 0),
              "Invalid ConditionExpression: The function is not allowed to be used this way in an "
              "expression; function: size");
    CHECK_STR(run("C", "attribute_exists(a) = :v", NULL, v1, 0),
              "Invalid ConditionExpression: The function is not allowed to be used this way in an "
              "expression; function: attribute_exists");
    CHECK_STR(run("C", "Size = :v", NULL, v1, 0),
              "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved "
              "keyword: Size");
    CHECK_STR(run("C", "a.#b = :v", NULL, v1, 0),
              "Invalid ConditionExpression: An expression attribute name used in the document "
              "path is not defined; attribute name: #b");
    CHECK_STR(run("C", "a = :w", NULL, v1, 0),
              "Invalid ConditionExpression: An expression attribute value used in expression is "
              "not defined; attribute value: :w");
    CHECK_STR(run("C", "size(a, b) = :v", NULL, v1, 0),
              "Invalid ConditionExpression: Incorrect number of operands for operator or "
              "function; operator or function: size, number of operands: 2");
    CHECK_STR(run("C", "a = a", NULL, NULL, 0),
              "Invalid ConditionExpression: The first operand must be distinct from the remaining "
              "operands for this operator or function; operator: =, first operand: [a]");
    CHECK_STR(run("C", "contains(a.b[1], a.b[1])", NULL, NULL, 0),
              "Invalid ConditionExpression: The first operand must be distinct from the remaining "
              "operands for this operator or function; operator: contains, first operand: [a, "
              "b, [1]]");
    CHECK_STR(run("C", "attribute_exists(:v)", NULL, v1, 0),
              "Invalid ConditionExpression: Operator or function requires a document path; "
              "operator or function: attribute_exists");
    CHECK_STR(run("C", "attribute_type(a, :v)", NULL, v1, 0),
              "Invalid ConditionExpression: Incorrect operand type for operator or function; "
              "operator or function: attribute_type, operand type: N");
    CHECK_STR(run("C", "attribute_type(a, :t)", NULL, "{\":t\":{\"S\":\"STRING\"}}", 0),
              "Invalid ConditionExpression: Invalid attribute type name found; type: STRING, "
              "valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}");
    CHECK_STR(run("C", "begins_with(a, :v)", NULL, v1, 0),
              "Invalid ConditionExpression: Incorrect operand type for operator or function; "
              "operator or function: begins_with, operand type: N");
    CHECK_STR(run("C", "size(:v) > :v", NULL, v1, 0),
              "Invalid ConditionExpression: Incorrect operand type for operator or function; "
              "operator or function: size, operand type: N");
    CHECK_STR(
        run("C", "a BETWEEN :a AND :b", NULL, "{\":a\":{\"N\":\"1\"},\":b\":{\"S\":\"a\"}}", 0),
        "Invalid ConditionExpression: The BETWEEN operator requires same data type for lower "
        "and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: "
        "AttributeValue: {S:a}");
    CHECK_STR(
        run("C", "a BETWEEN :a AND :b", NULL, "{\":a\":{\"S\":\"b\"},\":b\":{\"S\":\"a\"}}", 0),
        "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be "
        "greater than or equal to lower bound; lower bound operand: AttributeValue: {S:b}, "
        "upper bound operand: AttributeValue: {S:a}");
    CHECK_STR(run("C", "a < :l", NULL, "{\":l\":{\"L\":[]}}", 0),
              "Invalid ConditionExpression: Incorrect operand type for operator or function; "
              "operator or function: <, operand type: L");
    CHECK_STR(run("F", "a = :v", "{\"#x\":\"x\"}", v1, 0),
              "Value provided in ExpressionAttributeNames unused in expressions: keys: {#x}");
    CHECK_STR(run("F", "a = :v", NULL, "{\":v\":{\"N\":\"1\"},\":w\":{\"N\":\"1\"}}", 0),
              "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}");
    /* 101 operands to IN, 301 operators. */
    char text[4096];
    strcpy(text, "a IN (:v");
    for (int i = 0; i < 99; i++)
        strcat(text, ",:v");
    strcat(text, ")");
    CHECK_STR(run("C", text, NULL, v1, 0),
              "Invalid ConditionExpression: The IN operator is provided with too many operands; "
              "number of operands: 101");
    strcpy(text, "a = :v");
    for (int i = 0; i < 150; i++)
        strcat(text, " OR a = :v");
    CHECK_STR(run("C", text, NULL, v1, 0),
              "Invalid ConditionExpression: The expression contains too many operators; operator "
              "count: 301");
    /* Paths: 33 levels; an index out of range. */
    strcpy(text, "a");
    for (int i = 0; i < 32; i++)
        strcat(text, ".b");
    CHECK_STR(run("P", text, NULL, NULL, 0),
              "Invalid ProjectionExpression: The document path has too many nesting levels; "
              "nesting levels: 33");
    CHECK_STR(run("P", "a[99999999999999]", NULL, NULL, 0),
              "Invalid ProjectionExpression: List index is not within the allowable range; index: "
              "[99999999999999]");
}

static void test_request(void)
{
    CHECK_STR(run("C", "a = :v", "{}", NULL, 0), "ExpressionAttributeNames must not be empty");
    CHECK_STR(run("C", "a = :v", NULL, "{}", XP_PREFIXED),
              "1 validation error detected: ExpressionAttributeValues must not be empty");
    CHECK_STR(run("C", "a = :v", "{\"a\":\"b\"}", NULL, 0),
              "ExpressionAttributeNames contains invalid key: Syntax error; key: \"a\"");
    CHECK_STR(run("C", "a = :v", NULL, "{\":a-b\":{\"S\":\"x\"}}", 0),
              "ExpressionAttributeValues contains invalid key: Syntax error; key: \":a-b\"");
    CHECK_STR(run("C", "a = :v", NULL, "{\":v\":{\"NS\":[]}}", XP_PREFIXED),
              "1 validation error detected: One or more parameter values were invalid: An number "
              "set  may not be empty");
    CHECK_STR(run("P", "#a", "{\"#a\":\"\"}", NULL, 0),
              "ExpressionAttributeNames contains invalid value: Empty attribute name for key #a");
}

static void test_key_conditions(void)
{
    const char *v = "{\":a\":{\"S\":\"x\"},\":b\":{\"S\":\"y\"}}";
    CHECK_STR(run("K", "p = :a AND s BETWEEN :a AND :b", NULL, v, 0), "OK");
    CHECK_STR(
        run("K", "p = :a OR s = :b", NULL, v, 0),
        "Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: OR");
    CHECK_STR(run("K", "p = :a AND contains(s, :b)", NULL, v, 0),
              "Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: "
              "contains");
    CHECK_STR(run("K", "size(p) = :a", NULL, v, 0),
              "Invalid KeyConditionExpression: KeyConditionExpressions cannot contain nested "
              "operations");
    CHECK_STR(run("K", "p = :a AND begins_with(:b, s)", NULL, v, 0),
              "Invalid KeyConditionExpression: Invalid condition in KeyConditionExpression: "
              "begins_with operator must have the key attribute as its first operand");
    CHECK_STR(run("K", "p = :a AND begins_with(s)", NULL, "{\":a\":{\"S\":\"x\"}}", 0),
              "Invalid KeyConditionExpression: Incorrect number of operands for operator or "
              "function; operator or function: begins_with, number of operands: 1");
    CHECK_STR(run("K", "p = s", NULL, NULL, 0),
              "Invalid KeyConditionExpression: Invalid condition in KeyConditionExpression: "
              "Multiple attribute names used in one condition");
    CHECK_STR(run("K", ":a = :b", NULL, v, 0),
              "Invalid KeyConditionExpression: Invalid condition in KeyConditionExpression: No "
              "key attribute specified");
    CHECK_STR(run("K", "p.q = :a", NULL, v, 0),
              "Invalid KeyConditionExpression: KeyConditionExpressions cannot have conditions on "
              "nested attributes");
    CHECK_STR(run("K", "p = :a AND p = :b", NULL, v, 0),
              "Invalid KeyConditionExpression: KeyConditionExpressions must only contain one "
              "condition per key");
    /* Up to 8 parse (multi-attribute GSI keys); query.c refuses more than 2
     * on other keys. */
    CHECK_STR(run("K", "p = :a AND q = :a AND r = :b", NULL, v, 0), "OK");
    CHECK_STR(run("K",
                  "a = :a AND b = :a AND c = :b AND d = :a AND e = :a AND f = :a AND g = :a "
                  "AND h = :a AND p = :a",
                  NULL, v, 0),
              "Invalid KeyConditionExpression: Conditions can be of length 1 or 2 only");
    CHECK_STR(run("K", "a = :a AND b = :a AND c = :b AND a = :a", NULL, v, 0),
              "Invalid KeyConditionExpression: KeyConditionExpressions must only contain one "
              "condition per key");
    CHECK_STR(run("K", "((c = :a) AND ((p = :b)))", NULL, v, 0),
              "Invalid KeyConditionExpression: The expression has redundant parentheses;");

    /* `:v > sk` is sk < :v. */
    json_t *vals = json_loads(v, 0, NULL);
    struct xp_request *r;
    const struct xp_key_condition *k;
    CHECK(xp_request_new(NULL, vals, 0, &r, &err) == PQ_OK);
    CHECK(xp_key_condition(r, "(#p = :a) AND :b > s", &k, &err) != PQ_OK); /* #p undefined */
    xp_request_free(r);
    CHECK(xp_request_new(NULL, vals, 0, &r, &err) == PQ_OK);
    CHECK(xp_key_condition(r, "(p = :a) AND :b > s", &k, &err) == PQ_OK);
    CHECK_EQ(k->n, 2);
    CHECK_STR(k->conds[0].name, "p");
    CHECK_EQ(k->conds[0].op, XP_KEY_EQ);
    CHECK_STR(k->conds[1].name, "s");
    CHECK_EQ(k->conds[1].op, XP_KEY_LT);
    CHECK_STR(json_string_value(json_object_get(k->conds[1].value, "S")), "y");
    xp_request_free(r);
    json_decref(vals);
}

static bool holds(const char *text, const char *values, const char *item_json)
{
    json_t *v = values ? json_loads(values, 0, NULL) : NULL;
    json_t *item = json_loads(item_json, 0, NULL);
    struct xp_request *r;
    const struct ev_cond *c = NULL;
    bool ok = xp_request_new(NULL, v, 0, &r, &err) == PQ_OK &&
              xp_condition(r, XP_CONDITION, text, &c, &err) == PQ_OK;
    if (!ok) fprintf(stderr, "  %s: %s\n", text, err.message);
    bool res = ok && ev_test(c, item);
    xp_request_free(r);
    json_decref(v);
    json_decref(item);
    return res;
}

static void test_evaluation(void)
{
    const char *item = "{\"a\":{\"M\":{\"b\":{\"L\":[{\"N\":\"1\"},{\"S\":\"xyz\"}]}}},"
                       "\"n\":{\"NULL\":true},\"bin\":{\"B\":\"AAECAw==\"}}";
    CHECK(holds("a.b[0] = :one", "{\":one\":{\"N\":\"1.0\"}}", item));
    CHECK(holds("begins_with(a.b[1], :p)", "{\":p\":{\"S\":\"xy\"}}", item));
    CHECK(holds("attribute_exists(n) AND NOT attribute_exists(a.b[2])", NULL, item));
    CHECK(holds("size(a.b) = :two", "{\":two\":{\"N\":\"2\"}}", item));
    CHECK(holds("size(:s) = :three", "{\":s\":{\"S\":\"abc\"},\":three\":{\"N\":\"3\"}}", item));
    CHECK(holds("contains(bin, :b)", "{\":b\":{\"B\":\"AQI=\"}}", item));
    CHECK(!holds("contains(bin, :b)", "{\":b\":{\"B\":\"AgE=\"}}", item));
    CHECK(holds("x <> :v", "{\":v\":{\"N\":\"1\"}}", item));
    CHECK(!holds("x = :v OR x < :v", "{\":v\":{\"N\":\"1\"}}", item));
    CHECK(holds("a.b[0] IN (:x, :one)", "{\":one\":{\"N\":\"1\"},\":x\":{\"S\":\"1\"}}", item));
    CHECK(holds("attribute_type(n, :t)", "{\":t\":{\"S\":\"NULL\"}}", item));
    CHECK(holds("NOT a.b[1] BETWEEN :l AND :h OR a.b[1] BETWEEN :l AND :h",
                "{\":l\":{\"S\":\"a\"},\":h\":{\"S\":\"z\"}}", item));
}

static void test_projection(void)
{
    CHECK_STR(run("P", "a, a.b", NULL, NULL, 0),
              "Invalid ProjectionExpression: Two document paths overlap with each other; must "
              "remove or rewrite one of these paths; path one: [a], path two: [a, b]");
    CHECK_STR(run("P", "a.b, a[1]", NULL, NULL, 0),
              "Invalid ProjectionExpression: Two document paths conflict with each other; must "
              "remove or rewrite one of these paths; path one: [a, b], path two: [a, [1]]");
    json_t *names = json_loads("{\"#c\":\"c\"}", 0, NULL);
    json_t *item = json_loads("{\"a\":{\"M\":{\"b\":{\"S\":\"x\"},\"c\":{\"L\":[{\"N\":\"0\"},"
                              "{\"N\":\"1\"},{\"N\":\"2\"}]},\"d\":{\"S\":\"no\"}}},"
                              "\"k\":{\"S\":\"key\"}}",
                              0, NULL);
    struct xp_request *r;
    const struct xp_projection *p;
    CHECK(xp_request_new(names, NULL, 0, &r, &err) == PQ_OK);
    CHECK(xp_projection(r, "a.#c[2], a.b, a.#c[0], a.zz, q[3]", &p, &err) == PQ_OK);
    json_t *out = xp_project(p, item);
    char *s = json_dumps(out, JSON_SORT_KEYS | JSON_COMPACT);
    CHECK_STR(s,
              "{\"a\":{\"M\":{\"b\":{\"S\":\"x\"},\"c\":{\"L\":[{\"N\":\"0\"},{\"N\":\"2\"}]}}}}");
    free(s);
    json_decref(out);
    xp_request_free(r);
    json_decref(names);
    json_decref(item);
}

int main(void)
{
    pq_error_init(&err);
    test_syntax();
    test_condition_checks();
    test_request();
    test_key_conditions();
    test_evaluation();
    test_projection();
    pq_error_release(&err);
    DONE();
}
