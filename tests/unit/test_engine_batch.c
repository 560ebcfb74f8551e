/* test_engine_batch.c — BatchExecuteStatement (§3.2) and ExecuteTransaction (§3.3). */
#include "test_engine_util.h"

static const char *batch(const char *statements)
{
    char req[8192];
    snprintf(req, sizeof req, "{\"Statements\": %s}", statements);
    return answer("BatchExecuteStatement", req);
}

static const char *txn(const char *statements, const char *token)
{
    char req[8192];
    if (token)
        snprintf(req, sizeof req, "{\"TransactStatements\": %s, \"ClientRequestToken\": \"%s\"}",
                 statements, token);
    else
        snprintf(req, sizeof req, "{\"TransactStatements\": %s}", statements);
    return answer("ExecuteTransaction", req);
}

/* The error body (err->detail) of the last failed call as sorted JSON. */
static const char *detail(void)
{
    static char out[8192];
    char *t = last_err.detail ? json_dumps(last_err.detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    snprintf(out, sizeof out, "%s", t ? t : "(none)");
    free(t);
    return out;
}

#define S(text) "{\"Statement\": \"" text "\"}"

static void test_batch_request_checks(void)
{
    CHECK_STR(answer("BatchExecuteStatement", "{}"),
              "ValidationException: The parameter 'Statements' is required but was not present "
              "in the request");
    CHECK_STR(batch("[]"), "ValidationException: 1 validation error detected: Value '[]' at "
                           "'statements' failed to satisfy constraint: Member must have length "
                           "greater than or equal to 1");
    char many[4096] = "[";
    for (int i = 0; i < 26; i++)
        strcat(many, i ? ", " S("x") : S("x"));
    strcat(many, "]");
    const char *a = batch(many);
    CHECK(strstr(a, "ValidationException: 1 validation error detected: Value '[BatchStatement"
                    "Request(statement=x), ") == a);
    CHECK(strstr(a, "at 'statements' failed to satisfy constraint: Member must have length less "
                    "than or equal to 25") != NULL);
    CHECK_STR(batch("[{\"Statement\": \"\"}, {\"Statement\": \"x\", \"Parameters\": []}]"),
              "ValidationException: 2 validation errors detected: Value '' at "
              "'statements.1.member.statement' failed to satisfy constraint: Member must have "
              "length greater than or equal to 1; Value '[]' at 'statements.2.member.parameters' "
              "failed to satisfy constraint: Member must have length greater than or equal to 1");
    CHECK_STR(batch("[{\"Parameters\": [{\"S\": \"a\"}]}]"),
              "ValidationException: 1 validation error detected: Value null at "
              "'statements.1.member.statement' failed to satisfy constraint: Member must not be "
              "null");
    CHECK_STR(batch("[{\"Statement\": 5}]"),
              "SerializationException: NUMBER_VALUE cannot be converted to String");
    CHECK_STR(batch("[" S("SELECT * FROM Tab WHERE pk = 'a' AND sk = 1") ", " S(
                  "DELETE FROM Tab WHERE pk = 'a' AND sk = 1") "]"),
              "ValidationException: Read and write requests together in the same batch is not "
              "supported.");
    CHECK_STR(batch("[" S("SELECT * FROM Tab WHERE pk = 'a' AND sk = 1") ", " S(
                  "SELECT a FROM Tab WHERE sk = 1 AND pk = 'a'") "]"),
              "ValidationException: Provided list of item keys contains duplicates");
}

static void test_batch_writes(void)
{
    ok("INSERT INTO Tab VALUE {'pk': 'b1', 'sk': 1, 'n': 1}");
    /* Partial failure: each slot answers for itself, the others still run. */
    CHECK_STR(batch(
                  "[" S("INSERT INTO Tab VALUE {'pk': 'b1', 'sk': 2}") ", " S(
                      "INSERT INTO Tab "
                      "VALUE {'pk': 'b1', "
                      "'sk': 1}") ", " S("U"
                                         "P"
                                         "D"
                                         "A"
                                         "T"
                                         "E"
                                         " "
                                         "T"
                                         "a"
                                         "b"
                                         " "
                                         "S"
                                         "E"
                                         "T"
                                         " "
                                         "n"
                                         " "
                                         "="
                                         " "
                                         "n"
                                         " "
                                         "+"
                                         " "
                                         "1"
                                         " "
                                         "W"
                                         "H"
                                         "E"
                                         "R"
                                         "E"
                                         " "
                                         "p"
                                         "k"
                                         " "
                                         "="
                                         " "
                                         "'"
                                         "b"
                                         "1"
                                         "'"
                                         " "
                                         "A"
                                         "N"
                                         "D"
                                         " "
                                         "s"
                                         "k"
                                         " "
                                         "="
                                         " "
                                         "1"
                                         " "
                                         "R"
                                         "E"
                                         "T"
                                         "U"
                                         "R"
                                         "N"
                                         "I"
                                         "N"
                                         "G"
                                         " "
                                         "A"
                                         "L"
                                         "L"
                                         " "
                                         "N"
                                         "E"
                                         "W"
                                         " "
                                         "*") ", " S("UPDATE Tab SET n = 1 WHERE pk = 'zz' AND sk "
                                                     "= 1") ", " S("INSERT INTO Nope VALUE {'pk': "
                                                                   "'x'}") ", " S("INSERT INTO Tab "
                                                                                  "VALUE {'pk': "
                                                                                  "'b1'}") ", " S("SELEC x") ", " S("DELETE FROM "
                                                                                                                    "Tab WHERE pk "
                                                                                                                    "= 'b1' AND "
                                                                                                                    "sk = 1 AND n "
                                                                                                                    "= 5") ", " S("EXISTS(SELECT * FROM Tab WHERE pk = 'b1' AND sk = 1 AND n = 2)") "]"),
              "{\"Responses\":[{\"TableName\":\"Tab\"},"
              "{\"Error\":{\"Code\":\"DuplicateItem\",\"Message\":\"Duplicate primary key exists "
              "in "
              "table\"}},"
              "{\"Item\":{\"n\":{\"N\":\"2\"},\"pk\":{\"S\":\"b1\"},\"sk\":{\"N\":\"1\"}},"
              "\"TableName\":"
              "\"Tab\"},"
              "{\"Error\":{\"Code\":\"ConditionalCheckFailed\",\"Message\":\"The conditional "
              "request "
              "failed\"}},"
              "{\"Error\":{\"Code\":\"ResourceNotFound\",\"Message\":\"Requested resource not "
              "found\"}},"
              "{\"Error\":{\"Code\":\"ValidationError\",\"Message\":\"Key attribute should be "
              "present in "
              "the item: Key sk\"}},"
              "{\"Error\":{\"Code\":\"ValidationError\",\"Message\":\"Statement wasn't well "
              "formed, can't "
              "be processed: Unexpected token after expression\"}},"
              "{\"Error\":{\"Code\":\"ConditionalCheckFailed\",\"Message\":\"The conditional "
              "request "
              "failed\"}},"
              "{\"Error\":{\"Code\":\"ValidationError\",\"Message\":\"EXISTS can only be used in "
              "ExecuteTransaction write requests.\"}}]}");
    CHECK_STR(items("SELECT * FROM Tab WHERE pk = 'b1'"),
              "[{\"n\":{\"N\":\"2\"},\"pk\":{\"S\":\"b1\"},\"sk\":{\"N\":\"1\"}},"
              "{\"pk\":{\"S\":\"b1\"},\"sk\":{\"N\":\"2\"}}]");
    /* ALL_OLD puts the item in the slot's error. */
    CHECK_STR(batch("[{\"Statement\": \"DELETE FROM Tab WHERE pk = 'b1' AND sk = 1 AND n = 5\", "
                    "\"ReturnValuesOnConditionCheckFailure\": \"ALL_OLD\"}]"),
              "{\"Responses\":[{\"Error\":{\"Code\":\"ConditionalCheckFailed\",\"Item\":{\"n\":{"
              "\"N\":\"2\"},\"pk\":{\"S\":\"b1\"},\"sk\":{\"N\":\"1\"}},\"Message\":\"The "
              "conditional request failed\"}}]}");
    /* A failing UPDATE leaves no trace even after an earlier slot wrote. */
    CHECK_STR(batch("[" S("UPDATE Tab SET big = 'x' WHERE pk = 'b1' AND sk = 2") ", " S(
                  "UPDATE Tab SET n = n + 'a' WHERE pk = 'b1' AND sk = 1") "]"),
              "{\"Responses\":[{\"TableName\":\"Tab\"},{\"Error\":{\"Code\":\"ValidationError\","
              "\"Message\":\"An operand in the update expression has an incorrect data type\"}}]}");
    CHECK_STR(items("SELECT n FROM Tab WHERE pk = 'b1' AND sk = 1"), "[{\"n\":{\"N\":\"2\"}}]");
}

static void test_batch_reads(void)
{
    CHECK_STR(
        batch("[" S("SELECT * FROM Tab WHERE pk = 'b1' AND sk = 1") ", " S(
            "SELECT n, zz "
            "FROM Tab WHERE "
            "sk = 2 AND pk = "
            "'b1'") ", " S("SE"
                           "LE"
                           "CT"
                           " *"
                           " F"
                           "RO"
                           "M "
                           "Ta"
                           "b "
                           "WH"
                           "ER"
                           "E "
                           "pk"
                           " ="
                           " '"
                           "no"
                           "ne"
                           "' "
                           "AN"
                           "D "
                           "sk"
                           " ="
                           " "
                           "1") ", " S("SELECT * FROM Tab WHERE pk = 'b1'") ", " S("SELECT * FROM "
                                                                                   "Tab WHERE pk = "
                                                                                   "'b1' AND sk > "
                                                                                   "1") ", " S("SEL"
                                                                                               "ECT"
                                                                                               " * "
                                                                                               "FRO"
                                                                                               "M "
                                                                                               "Tab"
                                                                                               ".id"
                                                                                               "x "
                                                                                               "WHE"
                                                                                               "RE "
                                                                                               "pk "
                                                                                               "= "
                                                                                               "'b1"
                                                                                               "' "
                                                                                               "AND"
                                                                                               " sk"
                                                                                               " = "
                                                                                               "3") ", " S("SELECT * "
                                                                                                           "FROM Nope "
                                                                                                           "WHERE pk = "
                                                                                                           "'b1' AND sk "
                                                                                                           "= 1") "]"),
        "{\"Responses\":[{\"Item\":{\"n\":{\"N\":\"2\"},\"pk\":{\"S\":\"b1\"},\"sk\":{\"N\":"
        "\"1\"}},\"TableName\":\"Tab\"},"
        "{\"Item\":{},\"TableName\":\"Tab\"},"
        "{\"TableName\":\"Tab\"},"
        "{\"Error\":{\"Code\":\"ValidationError\",\"Message\":\"Select statements within "
        "BatchExecuteStatement must specify the primary key in the where clause.\"}},"
        "{\"Error\":{\"Code\":\"ValidationError\",\"Message\":\"Select statements within "
        "BatchExecuteStatement must specify the primary key in the where clause.\"}},"
        "{\"Error\":{\"Code\":\"ValidationError\",\"Message\":\"The table does not have the "
        "specified index\"}},"
        "{\"Error\":{\"Code\":\"ResourceNotFound\",\"Message\":\"Requested resource not "
        "found\"}}]}");
    /* Parameters per slot; a bad parameter is that slot's error. */
    CHECK_STR(batch("[{\"Statement\": \"SELECT sk FROM Tab WHERE pk = ? AND sk = ?\", "
                    "\"Parameters\": [{\"S\": \"b1\"}, {\"N\": \"1\"}]}, {\"Statement\": \"SELECT "
                    "sk FROM Tab WHERE pk = ? AND sk = 1\", \"Parameters\": [{\"N\": \"x\"}]}]"),
              "{\"Responses\":[{\"Item\":{\"sk\":{\"N\":\"1\"}},\"TableName\":\"Tab\"},{\"Error\":{"
              "\"Code\":\"ValidationError\",\"Message\":\"The parameter cannot be converted to a "
              "numeric value: x\"}}]}");
}

static void test_txn_request_checks(void)
{
    CHECK_STR(answer("ExecuteTransaction", "{}"),
              "ValidationException: The parameter 'TransactStatements' is required but was not "
              "present in the request");
    CHECK_STR(txn("[]", NULL),
              "ValidationException: ExecutePartiQLTransaction can not have empty statement.");
    char many[8192] = "[";
    for (int i = 0; i < 101; i++)
        strcat(many, i ? ", " S("x") : S("x"));
    strcat(many, "]");
    CHECK_STR(txn(many, NULL), "ValidationException: 1 validation error detected: Value '[...]' at "
                               "'transactStatements' failed to satisfy constraint: Member must "
                               "have length less than or equal to 100");
    CHECK_STR(txn("[" S("x") "]", "0123456789012345678901234567890123456"),
              "ValidationException: 1 validation error detected: Value "
              "'0123456789012345678901234567890123456' at 'clientRequestToken' failed to satisfy "
              "constraint: Member must have length less than or equal to 36");
    /* Static errors name the statement; parameter values do not. */
    CHECK_STR(
        txn("[" S("DELETE FROM Tab WHERE pk = 'a' AND sk = 1") ", " S("SELECT * FROM") "]", NULL),
        "ValidationException: Validation failed in TransactStatements[1]: Statement wasn't "
        "well formed, can't be processed: Unexpected term");
    CHECK_STR(txn("[{\"Statement\": \"DELETE FROM Tab WHERE pk = ? AND sk = 1\", \"Parameters\": "
                  "[{\"N\": \"1e99999999999\"}]}]",
                  NULL),
              "ValidationException: The parameter cannot be converted to a numeric value: "
              "1e99999999999");
    CHECK_STR(txn("[" S("SELECT * FROM Tab WHERE pk = 'a'") "]", NULL),
              "ValidationException: Validation failed in TransactStatements[0]: Select statements "
              "within ExecuteTransaction must specify the primary key in the where clause.");
    CHECK_STR(txn("[" S("SELECT * FROM Tab.idx WHERE pk = 'a' AND sk = 1") "]", NULL),
              "ValidationException: Validation failed in TransactStatements[0]: The table does "
              "not have the specified index");
    CHECK_STR(
        txn("[" S("UPDATE Tab SET a = 1 WHERE pk = 'a' AND sk = 1 RETURNING ALL NEW *") "]", NULL),
        "ValidationException: Validation failed in TransactStatements[0]: RETURNING clause "
        "is not supported in ExecuteTransaction.");
    CHECK_STR(txn("[" S("EXISTS(SELECT * FROM Tab WHERE pk = 'a' AND sk = 1)") "]", NULL),
              "ValidationException: Validation failed in TransactStatements[0]: EXISTS() must "
              "contain a single item read with additional condition");
    CHECK_STR(txn("[" S("EXISTS(SELECT * FROM Tab WHERE pk = 'a' AND x = 1)") "]", NULL),
              "ValidationException: Validation failed in TransactStatements[0]: EXISTS() must "
              "contain a single item read with additional condition");
    CHECK_STR(txn("[" S("a = 1") "]", NULL),
              "ValidationException: Validation failed in TransactStatements[0]: Unsupported "
              "operation in transaction.");
    CHECK_STR(txn("[" S("DELETE FROM Nope WHERE pk = 'a'") "]", NULL),
              "ResourceNotFoundException: Requested resource not found");
    CHECK_STR(txn("[" S("SELECT * FROM Tab WHERE pk = 'a' AND sk = 1") ", " S(
                      "DELETE FROM Tab WHERE pk = 'a' AND sk = 2") "]",
                  NULL),
              "ValidationException: ExecuteTransaction API does not support both read and write "
              "operations in the same request.");
    CHECK_STR(txn("[" S("DELETE FROM Tab WHERE pk = 'a' AND sk = 1") ", " S(
                      "UPDATE Tab SET x = 1 WHERE sk = 1 AND pk = 'a'") "]",
                  NULL),
              "ValidationException: Transaction request cannot include multiple operations on "
              "one item");
    CHECK_STR(txn("[" S("INSERT INTO Tab VALUE {'pk': 'a', 'sk': 1}") ", " S(
                      "EXISTS(SELECT * FROM Tab WHERE pk = 'a' AND sk = 1 AND x = 1)") "]",
                  NULL),
              "ValidationException: Transaction request cannot include multiple operations on "
              "one item");
}

static void test_txn_commit_and_cancel(void)
{
    ok("INSERT INTO Tab VALUE {'pk': 't', 'sk': 1, 'n': 10}");
    CHECK_STR(
        txn("[" S("UPDATE Tab SET n = n - 3 WHERE pk = 't' AND sk = 1") ", " S(
                "INSERT INTO Tab VALUE {'pk': 't', 'sk': 2, 'n': 3}") ", " S("EXISTS(SELECT * FROM "
                                                                             "Tab WHERE pk = 'b1' "
                                                                             "AND sk = 1 AND n = "
                                                                             "2)") "]",
            NULL),
        "{\"Responses\":[]}");
    CHECK_STR(items("SELECT n FROM Tab WHERE pk = 't'"),
              "[{\"n\":{\"N\":\"7\"}},{\"n\":{\"N\":\"3\"}}]");
    /* A false condition and a duplicate cancel everything, reasons in order. */
    const char *a = txn(
        "[" S("UPDATE Tab SET n = n - 3 WHERE pk = 't' AND sk = 1") ", " S(
            "INSERT INTO Tab "
            "VALUE {'pk': 't', "
            "'sk': 2}") ", " S("UPDATE Tab SET n = 0 WHERE pk = 't' AND sk = 9") ", " S("EXISTS("
                                                                                        "SELECT * "
                                                                                        "FROM Tab "
                                                                                        "WHERE pk "
                                                                                        "= 'b1' "
                                                                                        "AND sk = "
                                                                                        "1 AND n = "
                                                                                        "3)") ","
                                                                                              " " S("DE"
                                                                                                    "LE"
                                                                                                    "TE"
                                                                                                    " F"
                                                                                                    "RO"
                                                                                                    "M "
                                                                                                    "Ta"
                                                                                                    "b "
                                                                                                    "WH"
                                                                                                    "ER"
                                                                                                    "E "
                                                                                                    "pk"
                                                                                                    " ="
                                                                                                    " '"
                                                                                                    "b1"
                                                                                                    "' "
                                                                                                    "AN"
                                                                                                    "D "
                                                                                                    "sk"
                                                                                                    " ="
                                                                                                    " "
                                                                                                    "2") "]",
        NULL);
    CHECK_STR(a, "TransactionCanceledException: Transaction cancelled, please refer cancellation "
                 "reasons for specific reasons [None, DuplicateItem, ConditionalCheckFailed, "
                 "ConditionalCheckFailed, None]");
    CHECK_STR(detail(),
              "{\"CancellationReasons\":[{\"Code\":\"None\"},{\"Code\":\"DuplicateItem\","
              "\"Message\":\"Duplicate primary key exists in table\"},{\"Code\":"
              "\"ConditionalCheckFailed\",\"Message\":\"The conditional request failed\"},{"
              "\"Code\":\"ConditionalCheckFailed\",\"Message\":\"The conditional request "
              "failed\"},{\"Code\":\"None\"}],\"Message\":\"Transaction cancelled, please refer "
              "cancellation reasons for specific reasons [None, DuplicateItem, "
              "ConditionalCheckFailed, ConditionalCheckFailed, None]\",\"__type\":\"com.amazonaws."
              "dynamodb.v20120810#TransactionCanceledException\"}");
    CHECK_STR(items("SELECT n FROM Tab WHERE pk = 't'"),
              "[{\"n\":{\"N\":\"7\"}},{\"n\":{\"N\":\"3\"}}]");
    CHECK_STR(error_of("INSERT INTO Tab VALUE {'pk': 't', 'sk': 2}"),
              "DuplicateItemException: Duplicate primary key exists in table");
    CHECK_STR(items("SELECT * FROM Tab WHERE pk = 'b1' AND sk = 2"),
              "[{\"big\":{\"S\":\"x\"},\"pk\":{\"S\":\"b1\"},\"sk\":{\"N\":\"2\"}}]");
    /* ALL_OLD puts the old item in that reason. */
    txn("[{\"Statement\": \"UPDATE Tab SET n = 1 WHERE pk = 't' AND sk = 2 AND n = 4\", "
        "\"ReturnValuesOnConditionCheckFailure\": \"ALL_OLD\"}]",
        NULL);
    CHECK_STR(detail(),
              "{\"CancellationReasons\":[{\"Code\":\"ConditionalCheckFailed\",\"Item\":{"
              "\"n\":{\"N\":\"3\"},\"pk\":{\"S\":\"t\"},\"sk\":{\"N\":\"2\"}},\"Message\":"
              "\"The conditional request failed\"}],\"Message\":\"Transaction "
              "cancelled, please refer cancellation reasons for specific reasons "
              "[ConditionalCheckFailed]\",\"__type\":\"com.amazonaws.dynamodb."
              "v20120810#TransactionCanceledException\"}");
    /* Reads: one entry per statement. */
    CHECK_STR(
        txn("[" S("SELECT n FROM Tab WHERE pk = 't' AND sk = 1") ", " S(
                "SELECT zz FROM Tab WHERE pk = 't' AND sk = 2") ", " S("SELECT * FROM Tab WHERE pk "
                                                                       "= 't' AND sk = 3") "]",
            NULL),
        "{\"Responses\":[{\"Item\":{\"n\":{\"N\":\"7\"}}},{\"Item\":{}},{}]}");
}

static void test_txn_tokens(void)
{
    const char *stmts = "[" S("UPDATE Tab SET n = n + 1 WHERE pk = 't' AND sk = 1") "]";
    CHECK_STR(txn(stmts, "tok-1"), "{\"Responses\":[]}");
    CHECK_STR(items("SELECT n FROM Tab WHERE pk = 't' AND sk = 1"), "[{\"n\":{\"N\":\"8\"}}]");
    /* The same request again: the same answer, not run again. */
    CHECK_STR(txn(stmts, "tok-1"), "{\"Responses\":[]}");
    CHECK_STR(items("SELECT n FROM Tab WHERE pk = 't' AND sk = 1"), "[{\"n\":{\"N\":\"8\"}}]");
    /* Consumed capacity of a replay: reading the item. */
    CHECK_STR(answer("ExecuteTransaction", "{\"TransactStatements\": [" S(
                                               "UPDATE Tab SET n = n + 1 WHERE pk = 't' AND sk = "
                                               "1") "], "
                                                    "\"ClientRequestToken\": \"tok-1\", "
                                                    "\"ReturnConsumedCapacity\": \"TOTAL\"}"),
              "{\"ConsumedCapacity\":[{\"CapacityUnits\":1.0,\"ReadCapacityUnits\":1.0,"
              "\"TableName\":\"Tab\"}],\"Responses\":[]}");
    /* Another request with that token. */
    CHECK_STR(txn("[" S("UPDATE Tab SET n = n + 2 WHERE pk = 't' AND sk = 1") "]", "tok-1"),
              "IdempotentParameterMismatchException: Specified idempotent token was used with "
              "different request parameters within the idempotency window");
    CHECK_STR(detail(),
              "{\"Message\":\"Specified idempotent token was used with different request "
              "parameters within the idempotency window\",\"__type\":\"com.amazonaws.dynamodb."
              "v20120810#IdempotentParameterMismatchException\"}");
    /* A cancelled transaction does not use up its token. */
    const char *bad = "[" S("UPDATE Tab SET n = 0 WHERE pk = 't' AND sk = 99") "]";
    CHECK(strncmp(txn(bad, "tok-2"), "TransactionCanceledException:", 29) == 0);
    CHECK_STR(txn(stmts, "tok-2"), "{\"Responses\":[]}");
    CHECK_STR(items("SELECT n FROM Tab WHERE pk = 't' AND sk = 1"), "[{\"n\":{\"N\":\"9\"}}]");
    /* Ten minutes later the token is forgotten: the request runs again. */
    double t0 = eng->fixed_time;
    eng->fixed_time = t0 + 599;
    CHECK_STR(txn(stmts, "tok-1"), "{\"Responses\":[]}");
    CHECK_STR(items("SELECT n FROM Tab WHERE pk = 't' AND sk = 1"), "[{\"n\":{\"N\":\"9\"}}]");
    eng->fixed_time = t0 + 601;
    CHECK_STR(txn(stmts, "tok-1"), "{\"Responses\":[]}");
    CHECK_STR(items("SELECT n FROM Tab WHERE pk = 't' AND sk = 1"), "[{\"n\":{\"N\":\"10\"}}]");
    eng->fixed_time = t0;
}

int main(void)
{
    engine_start(0);
    create_table("Tab", "pk", 'S', "sk", 'N');
    test_batch_request_checks();
    test_batch_writes();
    test_batch_reads();
    test_txn_request_checks();
    test_txn_commit_and_cancel();
    test_txn_tokens();
    pq_engine_close(eng);
    pq_error_release(&last_err);
    DONE();
}
