/* test_fuzz_findings.c — inputs fuzz_engine found, each reduced to its essence, and the answer
 * expected. */
#include "test_engine_util.h"

static void setup(void)
{
    engine_start(0);
    create_table("Hash", "pk", 'S', NULL, 0);
    create_table("HashRange", "pk", 'S', "sk", 'N');
    ok("INSERT INTO \"HashRange\" VALUE {'pk': 'a', 'sk': 1}");
}

/* A value in an INSERT item that is not a constant reached the literal
 * evaluator, whose PQ_ERR_PLAN is no service error. */
static void test_insert_nonconstant_value(void)
{
    CHECK_STR(error_of("INSERT INTO \"Hash\" VALUE {'pk': sk = 'c'}"),
              "ValidationException: Unsupported data type: UNKNOWN under key root at 1:33:8");
    CHECK_STR(error_of("INSERT INTO \"Hash\" VALUE {'pk': 1 + 1}"),
              "ValidationException: Unsupported data type: UNKNOWN under key root at 1:33:5");
    CHECK_STR(error_of("INSERT INTO \"Hash\" VALUE {'pk': 'a', 'm': {'x': [1, other.y]}}"),
              "ValidationException: Unsupported data type: other under key root at 1:53:7");
    CHECK_STR(error_of("INSERT INTO \"Hash\" VALUE {'pk': 'a', 'x': MISSING}"),
              "ValidationException: Unsupported data type: UNKNOWN under key root at 1:43:7");
    /* A call anywhere is still named. */
    CHECK_STR(error_of("INSERT INTO \"Hash\" VALUE {'pk': 1 + size(x)}"),
              "ValidationException: Unsupported data type: size under key root at 1:37:4");
    CHECK_STR(items("SELECT * FROM \"Hash\""), "[]");
}

/* A signed path (-pk) or a collection holding a path ([pk]) in WHERE went
 * from compile_operand to compile_cond and back until the stack ran out. */
static void test_where_nonconstant_operand(void)
{
    CHECK_STR(error_of("SELECT * FROM \"Hash\" WHERE -pk = 'a'"),
              "ValidationException: Unsupported operator in Condition Expression. Operator: -");
    CHECK_STR(error_of("SELECT * FROM \"Hash\" WHERE pk = 'a' AND +size(x) > 1"),
              "ValidationException: Unsupported operator in Condition Expression. Operator: +");
    CHECK_STR(
        answer("ExecuteTransaction",
               "{\"TransactStatements\": [{\"Statement\": \"EXISTS(SELECT * FROM \\\"Hash\\\" "
               "WHERE pk = 'a' AND -n = 1)\"}]}"),
        "ValidationException: Validation failed in TransactStatements[0]: Unsupported operator "
        "in Condition Expression. Operator: -");
    CHECK_STR(error_of("SELECT * FROM \"Hash\" WHERE [pk, 1] = 1"),
              "ValidationException: Unsupported data type: pk under key root at 1:29:2");
    CHECK_STR(error_of("UPDATE \"HashRange\" SET x = 1 WHERE pk = 'a' AND sk = 1 AND "
                       "{'a': <<sk>>} = x"),
              "ValidationException: Unsupported data type: sk under key root at 1:68:2");
    CHECK_STR(error_of("DELETE FROM \"HashRange\" WHERE pk = 'a' AND sk = 1 AND [-x] = y"),
              "ValidationException: Unsupported data type: UNKNOWN under key root at 1:56:2");
    /* A sign on a string or a parameter is no constant either. */
    CHECK_STR(error_of("SELECT * FROM \"Hash\" WHERE pk = -'a'"),
              "ValidationException: Unsupported operator in Condition Expression. Operator: -");
    CHECK_STR(error_p("SELECT * FROM \"Hash\" WHERE pk = 'a' AND n = +?", "[{\"N\": \"1\"}]"),
              "ValidationException: Unsupported operator in Condition Expression. Operator: +");
    CHECK_STR(error_of("INSERT INTO \"Hash\" VALUE {'pk': +'a'}"),
              "ValidationException: Unsupported data type: UNKNOWN under key root at 1:33:4");
    CHECK_STR(error_of("INSERT INTO \"Hash\" VALUE {'pk': 'a', 'l': [- -TRUE]}"),
              "ValidationException: Unsupported data type: UNKNOWN under key root at 1:44:7");
    CHECK_STR(error_of("UPDATE \"HashRange\" SET x = -'a' WHERE pk = 'a' AND sk = 1"),
              "ValidationException: Unsupported data type: UNKNOWN under key root at 1:28:4");
    /* NOT and a signed number are still fine. */
    CHECK_STR(items("SELECT sk FROM \"HashRange\" WHERE pk = 'a' AND NOT sk = -1"),
              "[{\"sk\":{\"N\":\"1\"}}]");
}

int main(void)
{
    setup();
    test_insert_nonconstant_value();
    test_where_nonconstant_operand();
    pq_engine_close(eng);
    pq_error_release(&last_err);
    DONE();
}
