/* test_item_ops.c — PutItem, GetItem and DeleteItem in the engine: results, conditions, messages.
 */
#include "test_engine_util.h"

/* Calls op and expects an error: checks its type and exact message. */
static void expect_error(const char *op, const char *req, const char *type, const char *message)
{
    json_t *r = call_json(op, req);
    CHECK(r == NULL);
    json_decref(r);
    CHECK_STR(last_err.type, type);
    CHECK_STR(last_err.message, message);
}

/* Calls op and expects success; returns the response as compact JSON text (static). */
static const char *expect_ok(const char *op, const char *req)
{
    static char text[4096];
    json_t *r = call_json(op, req);
    CHECK(r != NULL);
    if (!r) {
        fprintf(stderr, "  %s %s: %s: %s\n", op, req, last_err.type, last_err.message);
        return "";
    }
    char *s = json_dumps(r, JSON_COMPACT | JSON_SORT_KEYS);
    snprintf(text, sizeof text, "%s", s);
    free(s);
    json_decref(r);
    return text;
}

static void test_put_get_delete(void)
{
    engine_start(0);
    create_table("Orders", "idempotency_token", 'S', NULL, 0);
    CHECK_STR(expect_ok("PutItem", "{\"TableName\":\"Orders\",\"Item\":{\"idempotency_token\":"
                                   "{\"S\":\"t1\"},\"amount\":{\"N\":\"100.50\"}}}"),
              "{}");
    /* Numbers come back canonical. */
    CHECK_STR(
        expect_ok("GetItem",
                  "{\"TableName\":\"Orders\",\"Key\":{\"idempotency_token\":{\"S\":\"t1\"}}}"),
        "{\"Item\":{\"amount\":{\"N\":\"100.5\"},\"idempotency_token\":{\"S\":\"t1\"}}}");
    CHECK_STR(
        expect_ok("GetItem",
                  "{\"TableName\":\"Orders\",\"Key\":{\"idempotency_token\":{\"S\":\"no\"}}}"),
        "{}");
    /* PutItem replaces the whole item; ALL_OLD returns what was there. */
    CHECK_STR(
        expect_ok("PutItem", "{\"TableName\":\"Orders\",\"ReturnValues\":\"ALL_OLD\",\"Item\":"
                             "{\"idempotency_token\":{\"S\":\"t1\"},\"note\":{\"S\":\"x\"}}}"),
        "{\"Attributes\":{\"amount\":{\"N\":\"100.5\"},\"idempotency_token\":{\"S\":\"t1\"}}}");
    CHECK_STR(expect_ok("PutItem",
                        "{\"TableName\":\"Orders\",\"ReturnValues\":\"ALL_OLD\",\"Item\":"
                        "{\"idempotency_token\":{\"S\":\"t2\"}}}"),
              "{}");
    /* PartiQL sees what the item API wrote, and the other way round. */
    CHECK_STR(items("SELECT note FROM Orders WHERE idempotency_token = 't1'"),
              "[{\"note\":{\"S\":\"x\"}}]");
    CHECK_STR(error_of("INSERT INTO Orders VALUE {'idempotency_token': 't2'}"),
              "DuplicateItemException: Duplicate primary key exists in table");
    ok("INSERT INTO Orders VALUE {'idempotency_token': 'pq', 'n': 1}");
    CHECK_STR(
        expect_ok("GetItem",
                  "{\"TableName\":\"Orders\",\"Key\":{\"idempotency_token\":{\"S\":\"pq\"}}}"),
        "{\"Item\":{\"idempotency_token\":{\"S\":\"pq\"},\"n\":{\"N\":\"1\"}}}");
    CHECK_STR(expect_ok("DeleteItem", "{\"TableName\":\"Orders\",\"ReturnValues\":\"ALL_OLD\","
                                      "\"Key\":{\"idempotency_token\":{\"S\":\"t1\"}}}"),
              "{\"Attributes\":{\"idempotency_token\":{\"S\":\"t1\"},\"note\":{\"S\":\"x\"}}}");
    CHECK_STR(expect_ok("DeleteItem", "{\"TableName\":\"Orders\",\"ReturnValues\":\"ALL_OLD\","
                                      "\"Key\":{\"idempotency_token\":{\"S\":\"t1\"}}}"),
              "{}");
    /* Projection: top-level names, #names, and the legacy AttributesToGet. */
    expect_ok("PutItem", "{\"TableName\":\"Orders\",\"Item\":{\"idempotency_token\":{\"S\":\"p\"},"
                         "\"a\":{\"N\":\"1\"},\"b\":{\"N\":\"2\"},\"c\":{\"N\":\"3\"}}}");
    CHECK_STR(expect_ok("GetItem", "{\"TableName\":\"Orders\",\"Key\":{\"idempotency_token\":"
                                   "{\"S\":\"p\"}},\"ProjectionExpression\":\"a, #c, zz\","
                                   "\"ExpressionAttributeNames\":{\"#c\":\"c\"}}"),
              "{\"Item\":{\"a\":{\"N\":\"1\"},\"c\":{\"N\":\"3\"}}}");
    CHECK_STR(expect_ok("GetItem", "{\"TableName\":\"Orders\",\"Key\":{\"idempotency_token\":"
                                   "{\"S\":\"p\"}},\"AttributesToGet\":[\"b\"]}"),
              "{\"Item\":{\"b\":{\"N\":\"2\"}}}");
    /* Capacity when asked for. */
    CHECK_STR(expect_ok("GetItem", "{\"TableName\":\"Orders\",\"Key\":{\"idempotency_token\":"
                                   "{\"S\":\"none\"}},\"ReturnConsumedCapacity\":\"TOTAL\"}"),
              "{\"ConsumedCapacity\":{\"CapacityUnits\":0.5,\"ReadCapacityUnits\":0.5,"
              "\"TableName\":\"Orders\"}}");
}

static void test_conditions(void)
{
    engine_start(0);
    create_table("Orders", "idempotency_token", 'S', NULL, 0);
    const char *first = "{\"TableName\":\"Orders\",\"Item\":{\"idempotency_token\":{\"S\":\"t\"},"
                        "\"n\":{\"N\":\"5\"},\"tags\":{\"SS\":[\"a\",\"b\"]}},"
                        "\"ConditionExpression\":\"attribute_not_exists(#t)\","
                        "\"ExpressionAttributeNames\":{\"#t\":\"idempotency_token\"}}";
    CHECK_STR(expect_ok("PutItem", first), "{}");
    /* The idempotency pattern: the same token again is refused, item unchanged. */
    expect_error("PutItem", first, "ConditionalCheckFailedException",
                 "The conditional request failed");
    CHECK(last_err.detail == NULL);
    expect_error("PutItem",
                 "{\"TableName\":\"Orders\",\"Item\":{\"idempotency_token\":{\"S\":\"t\"}},"
                 "\"ConditionExpression\":\"attribute_not_exists(idempotency_token)\","
                 "\"ReturnValuesOnConditionCheckFailure\":\"ALL_OLD\"}",
                 "ConditionalCheckFailedException", "The conditional request failed");
    CHECK(last_err.detail && json_object_get(json_object_get(last_err.detail, "Item"), "n"));

    /* The rest of the condition language, through the PartiQL evaluator. */
    static const struct {
        const char *cond;
        const char *values;
        bool holds;
    } cases[] = {
        {"attribute_exists(n)", NULL, true},
        {"attribute_exists(absent_attr)", NULL, false},
        {"n = :v", "{\":v\":{\"N\":\"5.0\"}}", true},
        {"n <> :v", "{\":v\":{\"N\":\"5\"}}", false},
        {"n > :a AND n < :b", "{\":a\":{\"N\":\"1\"},\":b\":{\"N\":\"9\"}}", true},
        {"n BETWEEN :a AND :b", "{\":a\":{\"N\":\"6\"},\":b\":{\"N\":\"9\"}}", false},
        {"n IN (:a, :b)", "{\":a\":{\"N\":\"4\"},\":b\":{\"N\":\"5\"}}", true},
        {"NOT (n = :a) OR attribute_not_exists(x)", "{\":a\":{\"N\":\"5\"}}", true},
        {"contains(tags, :t)", "{\":t\":{\"S\":\"b\"}}", true},
        {"begins_with(idempotency_token, :p)", "{\":p\":{\"S\":\"x\"}}", false},
        {"size(tags) = :two", "{\":two\":{\"N\":\"2\"}}", true},
        {"attribute_type(n, :type)", "{\":type\":{\"S\":\"N\"}}", true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *req =
            json_pack("{s:s, s:{s:{s:s}}, s:s}", "TableName", "Orders", "Key", "idempotency_token",
                      "S", "t", "ConditionExpression", cases[i].cond);
        if (cases[i].values)
            json_object_set_new(req, "ExpressionAttributeValues",
                                json_loads(cases[i].values, 0, NULL));
        /* DeleteItem with ALL_OLD, then put the item back when it went. */
        json_object_set_new(req, "ReturnValues", json_string("ALL_OLD"));
        char *text = json_dumps(req, JSON_COMPACT);
        json_t *r = call_json("DeleteItem", text);
        if ((r != NULL) != cases[i].holds)
            fprintf(stderr, "  condition %s: %s\n", cases[i].cond, r ? "held" : last_err.message);
        CHECK((r != NULL) == cases[i].holds);
        if (!cases[i].holds) CHECK_STR(last_err.type, "ConditionalCheckFailedException");
        if (r) {
            json_t *old = json_object_get(r, "Attributes");
            json_t *put = json_pack("{s:s, s:O}", "TableName", "Orders", "Item", old);
            char *pt = json_dumps(put, JSON_COMPACT);
            json_decref(call_json("PutItem", pt));
            free(pt);
            json_decref(put);
        }
        json_decref(r);
        free(text);
        json_decref(req);
    }
    /* DeleteItem of an absent item evaluates the condition on no item. */
    CHECK_STR(expect_ok("DeleteItem", "{\"TableName\":\"Orders\",\"Key\":{\"idempotency_token\":"
                                      "{\"S\":\"absent\"}},\"ConditionExpression\":"
                                      "\"attribute_not_exists(n)\"}"),
              "{}");
    expect_error("DeleteItem",
                 "{\"TableName\":\"Orders\",\"Key\":{\"idempotency_token\":{\"S\":\"absent\"}},"
                 "\"ConditionExpression\":\"attribute_exists(n)\"}",
                 "ConditionalCheckFailedException", "The conditional request failed");
}

static void test_validation(void)
{
    engine_start(0);
    create_table("Orders", "idempotency_token", 'S', NULL, 0);
    create_table("Music", "Artist", 'S', "Year", 'N');
    const char *vx = "ValidationException";
    expect_error("PutItem", "{\"Item\":{}}", vx,
                 "The parameter 'TableName' is required but was not present in the request");
    expect_error("PutItem", "{\"TableName\":\"Orders\"}", vx,
                 "The parameter 'Item' is required but was not present in the request");
    expect_error("GetItem", "{\"TableName\":\"Orders\"}", vx,
                 "The parameter 'Key' is required but was not present in the request");
    expect_error("PutItem", "{\"TableName\":\"ab\",\"Item\":{},\"ReturnValues\":\"SOME\"}", vx,
                 "2 validation errors detected: Value 'ab' at 'tableName' failed to satisfy "
                 "constraint: Member must have length greater than or equal to 3; Value 'SOME' at "
                 "'returnValues' failed to satisfy constraint: Member must satisfy enum value set: "
                 "[ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]");
    expect_error("PutItem", "{\"TableName\":\"Orders\",\"Item\":{},\"ReturnValues\":\"ALL_NEW\"}",
                 vx, "Return values set to invalid value");
    expect_error("PutItem", "{\"TableName\":\"Nope\",\"Item\":{\"k\":{\"S\":\"a\"}}}",
                 "ResourceNotFoundException", "Requested resource not found");
    expect_error("PutItem", "{\"TableName\":\"Orders\",\"Item\":{\"x\":{\"S\":\"a\"}}}", vx,
                 "One or more parameter values were invalid: Missing the key idempotency_token "
                 "in the item");
    expect_error("PutItem",
                 "{\"TableName\":\"Music\",\"Item\":{\"Artist\":{\"S\":\"a\"},"
                 "\"Year\":{\"S\":\"1999\"}}}",
                 vx,
                 "One or more parameter values were invalid: Type mismatch for key Year "
                 "expected: N actual: S");
    expect_error("PutItem",
                 "{\"TableName\":\"Orders\",\"Item\":{\"idempotency_token\":{\"S\":\"\"}}}", vx,
                 "One or more parameter values are not valid. The AttributeValue for a key "
                 "attribute cannot contain an empty string value. Key: idempotency_token");
    expect_error("PutItem",
                 "{\"TableName\":\"Orders\",\"Item\":{\"idempotency_token\":"
                 "{\"S\":\"a\"},\"s\":{\"SS\":[]}}}",
                 vx,
                 "1 validation error detected: One or more parameter values were invalid: An "
                 "string set  may not be empty");
    expect_error("GetItem", "{\"TableName\":\"Music\",\"Key\":{\"Artist\":{\"S\":\"a\"}}}", vx,
                 "The provided key element does not match the schema");
    expect_error(
        "GetItem",
        "{\"TableName\":\"Music\",\"Key\":{\"Artist\":{\"S\":\"a\"},\"Year\":{\"N\":\"1\"},"
        "\"x\":{\"N\":\"1\"}}}",
        vx, "The provided key element does not match the schema");
    expect_error(
        "DeleteItem",
        "{\"TableName\":\"Music\",\"Key\":{\"Artist\":{\"S\":\"a\"},\"Year\":{\"S\":\"1\"}}}", vx,
        "The provided key element does not match the schema");

    /* Expressions. */
    const char *key = "\"TableName\":\"Orders\",\"Key\":{\"idempotency_token\":{\"S\":\"a\"}}";
    char req[1024];
    snprintf(req, sizeof req, "{%s,\"ConditionExpression\":\"\"}", key);
    expect_error("DeleteItem", req, vx,
                 "1 validation error detected: "
                 "Invalid ConditionExpression: The expression can not be empty;");
    snprintf(req, sizeof req, "{%s,\"ConditionExpression\":\"#a = :b\"}", key);
    expect_error("DeleteItem", req, vx,
                 "1 validation error detected: "
                 "Invalid ConditionExpression: An expression attribute name used in the document "
                 "path is not defined; attribute name: #a");
    snprintf(req, sizeof req,
             "{%s,\"ConditionExpression\":\"a = :b\",\"ExpressionAttributeValues\":{\":c\":"
             "{\"N\":\"1\"}}}",
             key);
    expect_error("DeleteItem", req, vx,
                 "1 validation error detected: "
                 "Invalid ConditionExpression: An expression attribute value used in expression "
                 "is not defined; attribute value: :b");
    snprintf(req, sizeof req,
             "{%s,\"ConditionExpression\":\"a = :b\",\"ExpressionAttributeValues\":{\":b\":"
             "{\"N\":\"1\"},\":c\":{\"N\":\"2\"}}}",
             key);
    expect_error("DeleteItem", req, vx,
                 "1 validation error detected: "
                 "Value provided in ExpressionAttributeValues unused in expressions: keys: {:c}");
    snprintf(req, sizeof req, "{%s,\"ExpressionAttributeNames\":{\"#a\":\"a\"}}", key);
    expect_error("DeleteItem", req, vx,
                 "ExpressionAttributeNames can only be specified when using expressions");
    snprintf(req, sizeof req, "{%s,\"ConditionExpression\":\"a = = b\"}", key);
    expect_error("DeleteItem", req, vx,
                 "1 validation error detected: "
                 "Invalid ConditionExpression: Syntax error; token: \"=\", near: \"= = b\"");
    snprintf(req, sizeof req, "{%s,\"ConditionExpression\":\"attribute_exists(a) AND\"}", key);
    expect_error("DeleteItem", req, vx,
                 "1 validation error detected: "
                 "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"AND\"");
    snprintf(req, sizeof req,
             "{%s,\"ConditionExpression\":\"a = :v\",\"ExpressionAttributeValues\""
             ":{\":v\":{\"NS\":[]}}}",
             key);
    expect_error("DeleteItem", req, vx,
                 "1 validation error detected: One or more parameter values were invalid: An "
                 "number set  may not be empty");
    snprintf(req, sizeof req, "{%s,\"Expected\":{\"a\":{\"Exists\":true}}}", key);
    expect_error("DeleteItem", req, vx,
                 "One or more parameter values were invalid: Value must be provided when Exists "
                 "is true for Attribute: a");

    /* UpdateItem: an update that would make the item too big changes nothing. */
    {
        size_t n = 300 * 1024;
        char *big = malloc(n + 1);
        memset(big, 'x', n);
        big[n] = '\0';
        size_t cap = 2 * n + 512;
        char *ureq = malloc(cap);
        snprintf(ureq, cap,
                 "{%s,\"UpdateExpression\":\"SET a = :v\",\"ExpressionAttributeValues\":"
                 "{\":v\":{\"S\":\"%s\"}}}",
                 key, big);
        expect_ok("UpdateItem", ureq);
        snprintf(ureq, cap,
                 "{%s,\"UpdateExpression\":\"SET b = :v\",\"ExpressionAttributeValues\":"
                 "{\":v\":{\"S\":\"%s\"}}}",
                 key, big);
        expect_error("UpdateItem", ureq, vx,
                     "Item size to update has exceeded the maximum allowed size");
        snprintf(req, sizeof req, "{%s,\"ProjectionExpression\":\"b\"}", key);
        CHECK_STR(expect_ok("GetItem", req), "{\"Item\":{}}");
        free(ureq);
        free(big);
    }

    /* Member types are the deserialiser's business. */
    expect_error("PutItem", "{\"TableName\":1,\"Item\":{}}", "SerializationException",
                 "NUMBER_VALUE cannot be converted to String");
    expect_error("GetItem", "{\"TableName\":\"Orders\",\"Key\":[]}", "SerializationException",
                 "Start of list found where not expected");
    expect_error("GetItem",
                 "{\"TableName\":\"Orders\",\"Key\":{\"idempotency_token\":{\"S\":\"a\"}},"
                 "\"ConsistentRead\":\"yes\"}",
                 "SerializationException", "STRING_VALUE cannot be converted to Boolean");
    /* Inside the maps: AttributeValue objects, and names that are strings. */
    expect_error("PutItem", "{\"TableName\":\"Orders\",\"Item\":{\"a\":\"x\"}}",
                 "SerializationException", "Unexpected value type in payload");
    expect_error("PutItem", "{\"TableName\":\"Orders\",\"Item\":{\"a\":[]}}",
                 "SerializationException", "Start of list found where not expected");
    expect_error("GetItem",
                 "{\"TableName\":\"Orders\",\"Key\":{\"idempotency_token\":{\"S\":\"a\"}},"
                 "\"ExpressionAttributeNames\":{\"#n\":7}}",
                 "SerializationException", "NUMBER_VALUE cannot be converted to String");
}

int main(void)
{
    test_put_get_delete();
    test_conditions();
    test_validation();
    pq_engine_close(eng);
    pq_error_release(&last_err);
    DONE();
}
