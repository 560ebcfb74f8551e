/* test_engine_exec.c — ExecuteStatement reads: request checks, SELECT, WHERE, plan, paging. */
#include "test_engine_util.h"

static void test_request_members(void)
{
    CHECK_STR(error_p("SELECT * FROM \"Tab\"", "[]"),
              "ValidationException: 1 validation error detected: Value '[]' at 'parameters' "
              "failed to satisfy constraint: Member must have length greater than or equal to 1");
    CHECK_STR(error_of(""), "ValidationException: 1 validation error detected: Value '' at "
                            "'statement' failed to satisfy constraint: Member must have length "
                            "greater than or equal to 1");
    json_t *r = run_ex("SELECT * FROM \"Tab\"", "[]", "{\"Limit\": 0}");
    CHECK(r == NULL);
    CHECK_STR(last_err.message,
              "2 validation errors detected: Value '[]' at 'parameters' failed to satisfy "
              "constraint: Member must have length greater than or equal to 1; Value '0' at "
              "'limit' failed to satisfy constraint: Member must have value greater than or equal "
              "to 1");
    r = run_ex("SELECT * FROM \"Tab\"", NULL, "{\"ReturnValuesOnConditionCheckFailure\": \"X\"}");
    CHECK(r == NULL);
    CHECK_STR(last_err.message,
              "1 validation error detected: Value 'X' at 'returnValuesOnConditionCheckFailure' "
              "failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]");
    char *big = malloc(8200);
    const char *head = "SELECT * FROM \"Tab\" WHERE zz = '";
    size_t hl = strlen(head);
    memcpy(big, head, hl);
    memset(big + hl, 'x', 8191 - hl);
    big[8191] = '\'';
    big[8192] = '\0';
    CHECK_STR(items(big), "[]"); /* exactly 8192 characters is fine */
    big[8192] = ' ';
    big[8193] = '\0';
    CHECK(run(big) == NULL);
    CHECK(strstr(last_err.message, "Member must have length less than or equal to 8192") != NULL);
    free(big);
    /* Parameters are validated as AttributeValues. */
    CHECK_STR(error_p("SELECT * FROM \"Tab\" WHERE pk = ?", "[{\"N\": \"abc\"}]"),
              "ValidationException: The parameter cannot be converted to a numeric value: abc");
    CHECK_STR(error_p("SELECT * FROM \"Tab\" WHERE pk = ? AND sk = ?", "[{\"S\": \"a\"}]"),
              "ValidationException: Number of parameters in request and statement don't match.");
    /* Too many parameters are accepted. */
    CHECK_STR(items_p("SELECT * FROM \"Tab\" WHERE pk = ?", "[{\"S\": \"a\"}, {\"S\": \"b\"}]"),
              "[{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"1\"}},{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":"
              "\"2\"}},{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"3\"}}]");
}

static void test_statement_kinds(void)
{
    CHECK_STR(error_of("SELECT * FROM \"Tab\" WHERE"),
              "ValidationException: Statement wasn't well formed, can't be processed: Unexpected "
              "term");
    CHECK_STR(error_of("x IS INT4"), "ValidationException: Unsupported operation: IsType");
    CHECK_STR(error_of("EXISTS(SELECT * FROM \"Tab\" WHERE pk = 'a' AND sk = 1 AND x IS MISSING)"),
              "ValidationException: EXISTS can only be used in ExecuteTransaction write "
              "requests.");
    CHECK_STR(error_of("SELECT * FROM \"Tab\" LIMIT 1"),
              "ValidationException: Unsupported clause: LIMIT");
    CHECK_STR(error_of("SELECT DISTINCT pk FROM \"Tab\""),
              "ValidationException: Unsupported token in expression: DISTINCT");
    CHECK_STR(error_of("SELECT pk FROM \"Tab\" GROUP BY pk"),
              "ValidationException: Unsupported clause: GROUP BY");
    CHECK_STR(error_of("INSERT INTO \"Tab\" VALUE {'pk': 'z', 'sk': 1} ON CONFLICT DO NOTHING"),
              "ValidationException: Unsupported clause: ON CONFLICT");
    CHECK_STR(error_of("a = 1"), "ValidationException: Unsupported operation: Eq");
    CHECK_STR(error_of("SELECT * FROM \"Nope\""),
              "ResourceNotFoundException: Requested resource not found");
    CHECK_STR(error_of("DELETE FROM \"Nope\" WHERE pk = 'a'"),
              "ResourceNotFoundException: Requested resource not found");
}

static void test_from_and_projection(void)
{
    CHECK_STR(error_of("SELECT * FROM \"Tab\" t"),
              "ValidationException: Aliasing is not supported");
    CHECK_STR(error_of("SELECT * FROM \"Tab\".\"a\".\"b\""),
              "ValidationException: A path may contain at most 2 components in the FROM clause");
    CHECK_STR(error_of("SELECT * FROM \"Tab\".\"\""),
              "ValidationException: Path component cannot be an empty string");
    CHECK_STR(error_of("SELECT * FROM \"Tab\".\"nope\""),
              "ValidationException: The table does not have the specified index");
    CHECK_STR(error_of("SELECT * FROM \"Tab\", \"Hsh\""),
              "ValidationException: Only select from a single table or index is supported.");
    CHECK_STR(error_of("SELECT *, a FROM \"Tab\""),
              "ValidationException: Other attributes should not be present in the projection when "
              "'*' is used.");
    CHECK_STR(error_of("SELECT a.z, b.z FROM \"Tab\""),
              "ValidationException: Duplicate identifiers in select clause: z");
    CHECK_STR(error_of("SELECT attribute_exists(ss) FROM \"Tab\""),
              "ValidationException: Unexpected path component at 1:8:16");
    CHECK_STR(error_of("SELECT VALUE a FROM \"Tab\""),
              "ValidationException: Select projection doesn't support value or pivot keywords");
    /* Each projected path comes back under its last component name. */
    CHECK_STR(items("SELECT m.nested, l[1], pk, nope FROM \"Tab\" WHERE pk = 'b' AND sk = 1"),
              "[{\"l[1]\":{\"S\":\"y\"},\"nested\":{\"M\":{\"k\":{\"N\":\"7\"}}},\"pk\":{\"S\":"
              "\"b\"}}]");
    /* An item with none of the projected attributes is {}. */
    CHECK_STR(items("SELECT nope FROM \"Tab\" WHERE pk = 'a' AND sk = 1"), "[{}]");
}

/* WHERE semantics over the fixture items (§4.3). */
static void test_where(void)
{
#define KEYS(where) items("SELECT sk FROM \"Tab\" WHERE pk = 'b' AND " where)
    CHECK_STR(KEYS("n = 5"), "[{\"sk\":{\"N\":\"1\"}}]");
    CHECK_STR(KEYS("n = 5.0"), "[{\"sk\":{\"N\":\"1\"}}]");
    CHECK_STR(KEYS("n <> 5"), "[{\"sk\":{\"N\":\"2\"}},{\"sk\":{\"N\":\"3\"}}]");
    CHECK_STR(KEYS("ss = <<'q', 'p'>>"), "[{\"sk\":{\"N\":\"1\"}}]");
    CHECK_STR(KEYS("m = {'nested': {'k': 7}}"), "[{\"sk\":{\"N\":\"1\"}}]");
    CHECK_STR(KEYS("l = ['x', 'y']"), "[{\"sk\":{\"N\":\"1\"}}]");
    CHECK_STR(KEYS("l = ['y', 'x']"), "[]");
    CHECK_STR(KEYS("n > 4"), "[{\"sk\":{\"N\":\"1\"}}]");
    CHECK_STR(KEYS("s < 'b'"), "[{\"sk\":{\"N\":\"2\"}}]");
    CHECK_STR(KEYS("s > 5"), "[]"); /* S against N is just false */
    CHECK_STR(error_of("SELECT * FROM \"Tab\" WHERE flag < TRUE"),
              "ValidationException: Incorrect operand type for operator or function; operator or "
              "function: <, operand type: BOOL");
    CHECK_STR(error_of("SELECT * FROM \"Tab\" WHERE n BETWEEN 1 AND [2]"),
              "ValidationException: Incorrect operand type for operator or function; operator or "
              "function: BETWEEN, operand type: L");
    CHECK_STR(KEYS("n BETWEEN 5 AND 6"), "[{\"sk\":{\"N\":\"1\"}}]");
    CHECK_STR(KEYS("s IN ['abc', 'zy']"), "[{\"sk\":{\"N\":\"2\"}}]");
    CHECK_STR(KEYS("n IS MISSING"), "[{\"sk\":{\"N\":\"2\"}},{\"sk\":{\"N\":\"3\"}}]");
    CHECK_STR(KEYS("n IS NOT MISSING"), "[{\"sk\":{\"N\":\"1\"}}]");
    CHECK_STR(KEYS("z IS NULL"), "[{\"sk\":{\"N\":\"3\"}}]");
    CHECK_STR(KEYS("s IS STRING"), "[{\"sk\":{\"N\":\"2\"}},{\"sk\":{\"N\":\"3\"}}]");
    CHECK_STR(KEYS("flag IS BOOL"), "[{\"sk\":{\"N\":\"1\"}}]");
    CHECK_STR(KEYS("m IS TUPLE"), "[{\"sk\":{\"N\":\"1\"}}]");
    CHECK_STR(KEYS("begins_with(s, 'ab')"), "[{\"sk\":{\"N\":\"2\"}}]");
    CHECK_STR(KEYS("contains(s, 'bc')"), "[{\"sk\":{\"N\":\"2\"}}]");
    CHECK_STR(KEYS("contains(ss, 'q')"), "[{\"sk\":{\"N\":\"1\"}}]");
    CHECK_STR(KEYS("attribute_type(s, 'S')"), "[{\"sk\":{\"N\":\"2\"}},{\"sk\":{\"N\":\"3\"}}]");
    CHECK_STR(KEYS("attribute_exists(m.nested.k)"), "[{\"sk\":{\"N\":\"1\"}}]");
    CHECK_STR(KEYS("attribute_not_exists(n)"), "[{\"sk\":{\"N\":\"2\"}},{\"sk\":{\"N\":\"3\"}}]");
    CHECK_STR(KEYS("attribute_exists(n) = true"), "[{\"sk\":{\"N\":\"1\"}}]");
    CHECK_STR(KEYS("size(s) = 3"), "[{\"sk\":{\"N\":\"2\"}}]");
    CHECK_STR(KEYS("size(l) >= 2"), "[{\"sk\":{\"N\":\"1\"}}]");
    CHECK_STR(KEYS("NOT n = 5"), "[{\"sk\":{\"N\":\"2\"}},{\"sk\":{\"N\":\"3\"}}]");
    CHECK_STR(KEYS("(n = 5 OR s = 'abc')"), "[{\"sk\":{\"N\":\"1\"}},{\"sk\":{\"N\":\"2\"}}]");
    CHECK_STR(KEYS("l[0] = 'x'"), "[{\"sk\":{\"N\":\"1\"}}]");
#undef KEYS
    CHECK_STR(error_of("SELECT * FROM \"Tab\" WHERE attribute_exists('a')"),
              "ValidationException: Operator or function requires a document path; operator or "
              "function: attribute_exists");
    CHECK_STR(error_of("SELECT * FROM \"Tab\" WHERE attribute_exists()"),
              "ValidationException: Incorrect number of operands for operator or function; "
              "operator or function: attribute_exists, number of operands: 0");
    CHECK_STR(error_of("SELECT * FROM \"Tab\" WHERE set_add(a, 1)"),
              "ValidationException: Unrecognized function: set_add at 1:27:7");
    CHECK_STR(error_of("SELECT * FROM \"Tab\" WHERE a = MISSING"),
              "ValidationException: MISSING must be compared using IS operator");
    CHECK_STR(error_of("SELECT * FROM \"Tab\" WHERE a IS DATE"),
              "ValidationException: Unsupported data type for IS operator: DATE. Supported data "
              "types are [MISSING, NULL, BOOLEAN, BLOB, STRING, NUMERIC, STRUCT, TUPLE, LIST]");
    CHECK_STR(error_of("SELECT * FROM \"Tab\" WHERE begins_with(s, 1)"),
              "ValidationException: Incorrect operand type for operator or function; operator or "
              "function: begins_with, operand type: N");
    /* Parameters work anywhere a constant does. */
    CHECK_STR(
        items_p("SELECT sk FROM \"Tab\" WHERE pk = ? AND n = ?", "[{\"S\":\"b\"},{\"N\":\"5\"}]"),
        "[{\"sk\":{\"N\":\"1\"}}]");
}

static json_t *plan_of(const char *stmt)
{
    struct exec_request r = {.statement = stmt, .len = strlen(stmt), .mode = EXEC_STATEMENT};
    json_t *plan = NULL;
    pq_error_release(&last_err);
    if (exec_select_explain(eng, &r, &plan, &last_err) != PQ_OK) return NULL;
    return plan;
}

static const char *plan_type(const char *stmt)
{
    json_t *p = plan_of(stmt);
    static char out[64];
    snprintf(out, sizeof out, "%s", p ? json_string_value(json_object_get(p, "Type")) : "ERROR");
    if (p) json_decref(p);
    return out;
}

static size_t plan_ranges(const char *stmt)
{
    json_t *p = plan_of(stmt);
    size_t n = p ? json_array_size(json_object_get(p, "Ranges")) : 0;
    if (p) json_decref(p);
    return n;
}

/* Query vs Scan (§4.2.1). */
static void test_plan(void)
{
    CHECK_STR(plan_type("SELECT * FROM \"Tab\""), "Scan");
    CHECK_STR(plan_type("SELECT * FROM \"Tab\" WHERE pk = 'a'"), "Query");
    CHECK_STR(plan_type("SELECT * FROM \"Tab\" WHERE 'a' = pk AND n > 1"), "Query");
    CHECK_STR(plan_type("SELECT * FROM \"Tab\" WHERE pk > 'a'"), "Scan");
    CHECK_STR(plan_type("SELECT * FROM \"Tab\" WHERE n = 1"), "Scan");
    CHECK_STR(plan_type("SELECT * FROM \"Tab\" WHERE pk = 'a' OR n = 1"), "Scan");
    CHECK_STR(plan_type("SELECT * FROM \"Tab\" WHERE pk = 'a' OR pk = 'b'"), "Query");
    CHECK_STR(plan_type("SELECT * FROM \"Tab\" WHERE pk IN ['a', 'b', 'c']"), "Query");
    CHECK_STR(plan_type("SELECT * FROM \"Tab\" WHERE NOT pk = 'a'"), "Scan");
    CHECK_EQ(plan_ranges("SELECT * FROM \"Tab\" WHERE pk IN ['a', 'b', 'a']"), 2);
    CHECK_EQ(plan_ranges("SELECT * FROM \"Tab\" WHERE (pk = 'a' OR pk = 'b') AND sk = 1"), 2);
    json_t *p = plan_of("SELECT * FROM \"Tab\" WHERE pk = 'a' AND sk BETWEEN 2 AND 3");
    CHECK(p != NULL);
    json_t *r0 = json_array_get(json_object_get(p, "Ranges"), 0);
    CHECK_STR(json_string_value(json_object_get(json_object_get(r0, "Lower"), "N")), "2");
    CHECK_STR(json_string_value(json_object_get(json_object_get(r0, "Upper"), "N")), "3");
    json_decref(p);
    p = plan_of("SELECT * FROM \"Tab\" WHERE pk = 'a' AND sk <> 2");
    r0 = json_array_get(json_object_get(p, "Ranges"), 0);
    CHECK(json_object_get(r0, "Lower") == NULL); /* <> is only a filter */
    json_decref(p);
    /* Query results: only the pinned partitions, sort key ascending. */
    CHECK_STR(items("SELECT pk, sk FROM \"Tab\" WHERE pk = 'a' AND sk > 1"),
              "[{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"2\"}},{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":"
              "\"3\"}}]");
    CHECK_STR(items("SELECT sk FROM \"Tab\" WHERE pk = 'a' AND sk <> 2"),
              "[{\"sk\":{\"N\":\"1\"}},{\"sk\":{\"N\":\"3\"}}]");
    CHECK_STR(items("SELECT sk FROM \"Tab\" WHERE pk = 'a' AND sk = 1 OR pk = 'a' AND sk = 3"),
              "[{\"sk\":{\"N\":\"1\"}},{\"sk\":{\"N\":\"3\"}}]");
    CHECK_STR(error_of("SELECT * FROM \"Tab\" WHERE pk = 'a' AND x = '1' OR pk = 'a' AND sk = 2"),
              "ValidationException: Overlapping conditions with range keys are not supported in "
              "where clause");
    CHECK_STR(error_of("SELECT * FROM \"Tab\" WHERE pk = 'a' AND sk > 1 OR pk = 'a' AND sk > 2"),
              "ValidationException: Overlapping conditions with range keys are not supported in "
              "where clause");
    CHECK_STR(items("SELECT pk FROM \"Str\" WHERE begins_with(sk, 'b') AND pk = 'p'"),
              "[{\"pk\":{\"S\":\"p\"}},{\"pk\":{\"S\":\"p\"}}]");
    CHECK_STR(
        items("SELECT sk FROM \"Str\" WHERE pk = 'p' AND begins_with(sk, 'b') ORDER BY sk DESC"),
        "[{\"sk\":{\"S\":\"bz\"}},{\"sk\":{\"S\":\"ba\"}}]");
}

static void test_order_by(void)
{
    CHECK_STR(error_of("SELECT * FROM \"Tab\" ORDER BY pk"),
              "ValidationException: Must have WHERE clause in the statement when using ORDER BY "
              "clause.");
    CHECK_STR(error_of("SELECT * FROM \"Tab\" WHERE n = 1 ORDER BY sk"),
              "ValidationException: Must have at least one non-optional hash key condition in "
              "WHERE clause when using ORDER BY clause.");
    CHECK_STR(error_of("SELECT * FROM \"Tab\" WHERE pk = 'a' ORDER BY n"),
              "ValidationException: Variable reference n in ORDER BY clause must be part of the "
              "primary key");
    CHECK_STR(error_of("SELECT * FROM \"Tab\" WHERE pk IN ['a', 'b'] ORDER BY sk"),
              "ValidationException: Must have hash key in ORDER BY clause when more than one hash "
              "key condition specified in WHERE clause.");
    CHECK_STR(items("SELECT sk FROM \"Tab\" WHERE pk = 'a' ORDER BY sk DESC"),
              "[{\"sk\":{\"N\":\"3\"}},{\"sk\":{\"N\":\"2\"}},{\"sk\":{\"N\":\"1\"}}]");
    CHECK_STR(items("SELECT pk FROM \"Hsh\" WHERE id IN ['3', '1', '2'] ORDER BY id DESC"),
              "[{\"pk\":{\"N\":\"3\"}},{\"pk\":{\"N\":\"2\"}},{\"pk\":{\"N\":\"1\"}}]");
}

/* Collects every item of a SELECT by following NextToken; counts pages. */
static json_t *collect(const char *stmt, const char *extra, size_t *pages, size_t *empty_pages)
{
    json_t *all = json_array();
    char *token = NULL;
    *pages = 0;
    *empty_pages = 0;
    for (;;) {
        json_t *x = extra ? json_loads(extra, 0, NULL) : json_object();
        if (token) json_object_set_new(x, "NextToken", json_string(token));
        char *xs = json_dumps(x, JSON_COMPACT);
        json_decref(x);
        json_t *r = run_ex(stmt, NULL, xs);
        free(xs);
        free(token);
        token = NULL;
        if (!r) {
            fprintf(stderr, "paging failed: %s\n", last_err.message);
            check_failures++;
            break;
        }
        (*pages)++;
        json_t *its = json_object_get(r, "Items");
        if (json_array_size(its) == 0) (*empty_pages)++;
        json_array_extend(all, its);
        const char *t = json_string_value(json_object_get(r, "NextToken"));
        if (t) token = strdup(t);
        json_decref(r);
        if (!token || *pages > 1000) break;
    }
    free(token);
    return all;
}

static void test_paging(void)
{
    engine_start(200); /* a page ends once 200 bytes of items were evaluated */
    create_table("Pag", "pk", 'S', "sk", 'N');
    char stmt[256];
    for (int i = 0; i < 40; i++) {
        snprintf(stmt, sizeof stmt,
                 "INSERT INTO \"Pag\" VALUE {'pk': 'p%d', 'sk': %d, 'pad': "
                 "'0123456789012345678901234567890123456789'}",
                 i % 4, i);
        ok(stmt);
    }
    size_t pages, empty;
    json_t *all = collect("SELECT pk, sk FROM \"Pag\"", NULL, &pages, &empty);
    CHECK_EQ(json_array_size(all), 40);
    CHECK(pages > 5);
    /* Every item exactly once. */
    int seen[40] = {0};
    for (size_t i = 0; i < json_array_size(all); i++) {
        const char *n =
            json_string_value(json_object_get(json_object_get(json_array_get(all, i), "sk"), "N"));
        int k = n ? atoi(n) : -1;
        if (k >= 0 && k < 40) seen[k]++;
    }
    int once = 0;
    for (int i = 0; i < 40; i++)
        once += seen[i] == 1;
    CHECK_EQ(once, 40);
    json_decref(all);

    /* A filter that matches little still pages by items evaluated; pages may be empty. */
    all = collect("SELECT sk FROM \"Pag\" WHERE sk >= 38", NULL, &pages, &empty);
    CHECK_EQ(json_array_size(all), 2);
    CHECK(empty > 0);
    json_decref(all);

    /* Query paging across several partitions. */
    all = collect("SELECT sk FROM \"Pag\" WHERE pk IN ['p1', 'p3'] ORDER BY pk DESC", NULL, &pages,
                  &empty);
    CHECK_EQ(json_array_size(all), 20);
    CHECK_STR(
        json_string_value(json_object_get(json_object_get(json_array_get(all, 0), "sk"), "N")),
        "3");
    CHECK_STR(
        json_string_value(json_object_get(json_object_get(json_array_get(all, 19), "sk"), "N")),
        "37");
    json_decref(all);

    engine_start(0);
    create_table("Pag", "pk", 'S', "sk", 'N');
    for (int i = 0; i < 10; i++) {
        snprintf(stmt, sizeof stmt, "INSERT INTO \"Pag\" VALUE {'pk': 'x', 'sk': %d}", i);
        ok(stmt);
    }
    /* Limit counts items evaluated, not returned. */
    json_t *r = run_ex("SELECT * FROM \"Pag\" WHERE pk = 'x' AND sk > 1", NULL, "{\"Limit\": 3}");
    CHECK(r != NULL);
    CHECK_EQ(json_array_size(json_object_get(r, "Items")), 3);
    CHECK(json_is_string(json_object_get(r, "NextToken")));
    json_decref(r);
    r = run_ex("SELECT * FROM \"Pag\" WHERE n = 1", NULL, "{\"Limit\": 4}");
    CHECK_EQ(json_array_size(json_object_get(r, "Items")), 0);
    CHECK(json_is_string(json_object_get(r, "NextToken")));
    /* A token belongs to its statement. */
    char extra[512];
    snprintf(extra, sizeof extra, "{\"NextToken\": \"%s\"}",
             json_string_value(json_object_get(r, "NextToken")));
    json_decref(r);
    r = run_ex("SELECT pk FROM \"Pag\"", NULL, extra);
    CHECK(r == NULL);
    CHECK_STR(last_err.message, "The provided starting key is invalid");
    r = run_ex("SELECT * FROM \"Pag\" WHERE n = 1", NULL, "{\"NextToken\": \"garbage!\"}");
    CHECK(r == NULL);
    CHECK_STR(last_err.message, "Invalid NextToken");
    all = collect("SELECT sk FROM \"Pag\" WHERE pk = 'x'", "{\"Limit\": 3}", &pages, &empty);
    CHECK_EQ(json_array_size(all), 10);
    CHECK_EQ(pages, 4);
    json_decref(all);
    all = collect("SELECT sk FROM \"Pag\"", "{\"Limit\": 5}", &pages, &empty);
    CHECK_EQ(json_array_size(all), 10);
    CHECK_EQ(pages, 3); /* the last page is empty: DynamoDB gives a token when Limit is reached */
    json_decref(all);
}

static void test_tutorial(void)
{
    create_table("Orders", "idempotency_token", 'S', NULL, 0);
    ok("INSERT INTO Orders VALUE {'idempotency_token': 'token123', 'order_id': 'order001', "
       "'customer_name': 'Alice', 'order_amount': 100}");
    CHECK_STR(items_p("SELECT * FROM Orders WHERE idempotency_token = ?", "[{\"S\":\"token123\"}]"),
              "[{\"customer_name\":{\"S\":\"Alice\"},\"idempotency_token\":{\"S\":\"token123\"},"
              "\"order_amount\":{\"N\":\"100\"},\"order_id\":{\"S\":\"order001\"}}]");
    CHECK_STR(items("SELECT order_id FROM \"Orders\" WHERE idempotency_token = 'nope'"), "[]");
    CHECK_STR(error_of("INSERT INTO Orders VALUE {'idempotency_token': 'token123'}"),
              "DuplicateItemException: Duplicate primary key exists in table");
}

static void fixtures(void)
{
    engine_start(0);
    create_table("Tab", "pk", 'S', "sk", 'N');
    create_table("Hsh", "id", 'S', NULL, 0);
    create_table("Str", "pk", 'S', "sk", 'S');
    ok("INSERT INTO \"Tab\" VALUE {'pk': 'a', 'sk': 1}");
    ok("INSERT INTO \"Tab\" VALUE {'pk': 'a', 'sk': 2}");
    ok("INSERT INTO \"Tab\" VALUE {'pk': 'a', 'sk': 3}");
    ok("INSERT INTO \"Tab\" VALUE {'pk': 'b', 'sk': 1, 'n': 5, 'flag': true, 'ss': <<'p', 'q'>>, "
       "'m': {'nested': {'k': 7}}, 'l': ['x', 'y']}");
    ok("INSERT INTO \"Tab\" VALUE {'pk': 'b', 'sk': 2, 's': 'abc'}");
    ok("INSERT INTO \"Tab\" VALUE {'pk': 'b', 'sk': 3, 's': 'zz', 'z': NULL}");
    ok("INSERT INTO \"Hsh\" VALUE {'id': '1', 'pk': 1}");
    ok("INSERT INTO \"Hsh\" VALUE {'id': '2', 'pk': 2}");
    ok("INSERT INTO \"Hsh\" VALUE {'id': '3', 'pk': 3}");
    ok("INSERT INTO \"Str\" VALUE {'pk': 'p', 'sk': 'a'}");
    ok("INSERT INTO \"Str\" VALUE {'pk': 'p', 'sk': 'ba'}");
    ok("INSERT INTO \"Str\" VALUE {'pk': 'p', 'sk': 'bz'}");
    ok("INSERT INTO \"Str\" VALUE {'pk': 'p', 'sk': 'c'}");
}

int main(void)
{
    fixtures();
    test_request_members();
    test_statement_kinds();
    test_from_and_projection();
    test_where();
    test_plan();
    test_order_by();
    test_tutorial();
    test_paging();
    pq_engine_close(eng);
    pq_error_release(&last_err);
    DONE();
}
