/* test_engine_ddl.c — CreateTable validation, DescribeTable, ListTables, DeleteTable through
 * pq_engine_call. */
#include "check.h"
#include "engine/internal.h"

#include <stdlib.h>

static struct pq_engine *eng;

static json_t *J(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, JSON_DECODE_ANY, &e);
    if (!j) {
        fprintf(stderr, "bad JSON in test: %s: %s\n", text, e.text);
        abort();
    }
    return j;
}

/* Calls `op` with the JSON request; returns the response (new reference) or
 * NULL, with the error's "Type: message" in `errtext` (static). */
static char errtext[4096];
static json_t *call(const char *op, const char *request)
{
    struct pq_error err;
    pq_error_init(&err);
    json_t *req = request ? J(request) : NULL, *resp = NULL;
    pq_status rc = pq_engine_call(eng, op, req, &resp, &err);
    errtext[0] = 0;
    if (rc) {
        snprintf(errtext, sizeof errtext, "%s: %s", err.type ? err.type : "(local)",
                 err.message ? err.message : "");
        CHECK(resp == NULL);
    }
    json_decref(req);
    pq_error_release(&err);
    return resp;
}

/* Expects the call to fail with exactly "Type: message". */
#define CHECK_FAILS(op, request, expected)                                                         \
    do {                                                                                           \
        json_t *r_ = call(op, request);                                                            \
        CHECK(r_ == NULL);                                                                         \
        json_decref(r_);                                                                           \
        CHECK_STR(errtext, expected);                                                              \
    } while (0)

#define V "ValidationException: "
#define INVALID V "One or more parameter values were invalid: "
#define KS_PK "\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}]"
#define KS_PK_SK                                                                                   \
    "\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},"                              \
    "{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}]"
#define AD_PK "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"}]"
#define AD_PK_SK                                                                                   \
    "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"},"                \
    "{\"AttributeName\":\"sk\",\"AttributeType\":\"N\"}]"
#define AD_PK_SK_G                                                                                 \
    "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"},"                \
    "{\"AttributeName\":\"sk\",\"AttributeType\":\"N\"},"                                          \
    "{\"AttributeName\":\"g\",\"AttributeType\":\"S\"}]"
#define PPR "\"BillingMode\":\"PAY_PER_REQUEST\""
#define GSI(name, proj)                                                                            \
    "{\"IndexName\":\"" name "\",\"KeySchema\":[{\"AttributeName\":\"g\",\"KeyType\":\"HASH\"}],"  \
    "\"Projection\":" proj "}"
#define LSI(name, proj)                                                                            \
    "{\"IndexName\":\"" name "\",\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},"  \
    "{\"AttributeName\":\"g\",\"KeyType\":\"RANGE\"}],\"Projection\":" proj "}"
#define ALL "{\"ProjectionType\":\"ALL\"}"

static void test_create_validation(void)
{
    CHECK_FAILS("CreateTable", "{" AD_PK "," KS_PK "," PPR "}",
                V "The parameter 'TableName' is required but was not present in the request");
    CHECK_FAILS("CreateTable", "{\"TableName\":null," AD_PK "," KS_PK "," PPR "}",
                V "The parameter 'TableName' is required but was not present in the request");
    CHECK_FAILS("CreateTable", "{\"TableName\":\"ab\"," AD_PK "," KS_PK "," PPR "}",
                V "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy "
                  "constraint: Member must have length greater than or equal to 3");
    CHECK_FAILS("CreateTable", "{\"TableName\":\"my table\"," AD_PK "," KS_PK "," PPR "}",
                V "1 validation error detected: Value 'my table' at 'tableName' failed to satisfy "
                  "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
    CHECK_FAILS("CreateTable", "{\"TableName\":\"a;\"," AD_PK "," KS_PK "," PPR "}",
                V "2 validation errors detected: Value 'a;' at 'tableName' failed to satisfy "
                  "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; "
                  "Value 'a;' at 'tableName' failed to satisfy constraint: Member must have "
                  "length greater than or equal to 3");
    char longname[300];
    memset(longname, 'x', 256);
    longname[256] = 0;
    char req[1024], expected[1024];
    snprintf(req, sizeof req, "{\"TableName\":\"%s\"," AD_PK "," KS_PK "," PPR "}", longname);
    snprintf(expected, sizeof expected,
             V "1 validation error detected: Value '%s' at 'tableName' failed to satisfy "
               "constraint: Member must have length less than or equal to 255",
             longname);
    CHECK_FAILS("CreateTable", req, expected);
    CHECK_FAILS("CreateTable",
                "{\"TableName\":\"Tab\"," AD_PK
                ",\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"INVALID\"}]," PPR "}",
                V
                "1 validation error detected: Value 'INVALID' at 'keySchema.1.member.keyType' "
                "failed to satisfy constraint: Member must satisfy enum value set: [HASH, RANGE]");
    CHECK_FAILS("CreateTable",
                "{\"TableName\":\"Tab\",\"AttributeDefinitions\":[{\"AttributeName\":\"pk\","
                "\"AttributeType\":\"INVALID\"}]," KS_PK "," PPR "}",
                V "1 validation error detected: Value 'INVALID' at "
                  "'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: "
                  "Member must satisfy enum value set: [B, N, S]");
    CHECK_FAILS("CreateTable",
                "{\"TableName\":\"Tab\"," AD_PK "," KS_PK ",\"BillingMode\":\"FREE\"}",
                V "1 validation error detected: Value 'FREE' at 'billingMode' failed to satisfy "
                  "constraint: Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]");
    CHECK_FAILS("CreateTable",
                "{\"TableName\":\"Tab\"," AD_PK_SK ",\"KeySchema\":["
                "{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},"
                "{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"},"
                "{\"AttributeName\":\"x\",\"KeyType\":\"RANGE\"}]," PPR "}",
                V "1 validation error detected: Value '[KeySchemaElement(attributeName=pk, "
                  "keyType=HASH), KeySchemaElement(attributeName=sk, keyType=RANGE), "
                  "KeySchemaElement(attributeName=x, keyType=RANGE)]' at 'keySchema' failed to "
                  "satisfy constraint: Member must have length less than or equal to 2");
    CHECK_FAILS("CreateTable", "{\"TableName\":\"Tab\"," AD_PK ",\"KeySchema\":[]," PPR "}",
                V "1 validation error detected: Value '[]' at 'keySchema' failed to satisfy "
                  "constraint: Member must have length greater than or equal to 1");
    CHECK_FAILS("CreateTable",
                "{\"TableName\":\"Tab\",\"AttributeDefinitions\":[{\"AttributeType\":\"S\"}],"
                "\"KeySchema\":[{\"AttributeName\":\"\",\"KeyType\":\"HASH\"}]," PPR "}",
                V "2 validation errors detected: Value null at "
                  "'attributeDefinitions.1.member.attributeName' failed to satisfy constraint: "
                  "Member must not be null; Value '' at 'keySchema.1.member.attributeName' failed "
                  "to satisfy constraint: Member must have length greater than or equal to 1");
    CHECK_FAILS("CreateTable",
                "{\"TableName\":\"Tab\"," AD_PK "," KS_PK
                ",\"ProvisionedThroughput\":{\"ReadCapacityUnits\":0}}",
                V "2 validation errors detected: Value '0' at "
                  "'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: Member "
                  "must have value greater than or equal to 1; Value null at "
                  "'provisionedThroughput.writeCapacityUnits' failed to satisfy constraint: "
                  "Member must not be null");
    CHECK_FAILS("CreateTable",
                "{\"TableName\":\"Tab\"," AD_PK_SK_G "," KS_PK_SK "," PPR
                ",\"GlobalSecondaryIndexes\":[" GSI("g1", ALL) "],"
                                                               "\"LocalSecondaryIndexes\":[" LSI(
                                                                   "l1", ALL) "]}",
                V "2 validation errors detected: Value 'g1' at "
                  "'globalSecondaryIndexes.1.member.indexName' failed to satisfy constraint: "
                  "Member must have length greater than or equal to 3; Value 'l1' at "
                  "'localSecondaryIndexes.1.member.indexName' failed to satisfy constraint: "
                  "Member must have length greater than or equal to 3");
    CHECK_FAILS("CreateTable",
                "{\"TableName\":\"Tab\"," AD_PK_SK_G "," KS_PK_SK "," PPR
                ",\"GlobalSecondaryIndexes\":[{\"IndexName\":\"gsi\",\"KeySchema\":[{"
                "\"AttributeName\":\"g\",\"KeyType\":\"HASH\"}],\"Projection\":{"
                "\"ProjectionType\":\"SOME\"}}]}",
                V "1 validation error detected: Value 'SOME' at "
                  "'globalSecondaryIndexes.1.member.projection.projectionType' failed to satisfy "
                  "constraint: Member must satisfy enum value set: [ALL, KEYS_ONLY, INCLUDE]");
    CHECK_FAILS("CreateTable",
                "{\"TableName\":\"Tab\"," AD_PK_SK_G "," KS_PK_SK "," PPR
                ",\"GlobalSecondaryIndexes\":[{\"IndexName\":\"gsi\",\"KeySchema\":[{"
                "\"AttributeName\":\"g\",\"KeyType\":\"HASH\"}]}]}",
                V "1 validation error detected: Value null at "
                  "'globalSecondaryIndexes.1.member.projection' failed to satisfy constraint: "
                  "Member must not be null");
    CHECK_FAILS("CreateTable",
                "{\"TableName\":\"Tab\"," AD_PK "," KS_PK "," PPR
                ",\"StreamSpecification\":{\"StreamViewType\":\"ALL\"}}",
                V "2 validation errors detected: Value null at 'streamSpecification.streamEnabled' "
                  "failed to satisfy constraint: Member must not be null; Value 'ALL' at "
                  "'streamSpecification.streamViewType' failed to satisfy constraint: Member must "
                  "satisfy enum value set: [NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES, KEYS_ONLY]");
    CHECK_FAILS("CreateTable",
                "{\"TableName\":\"Tab\"," AD_PK "," KS_PK "," PPR ",\"TableClass\":\"COLD\"}",
                V "1 validation error detected: Value 'COLD' at 'tableClass' failed to satisfy "
                  "constraint: Member must satisfy enum value set: [STANDARD, "
                  "STANDARD_INFREQUENT_ACCESS]");

    /* Semantic checks, one at a time. */
    CHECK_FAILS("CreateTable", "{\"TableName\":\"Tab\"," AD_PK "," PPR "}",
                V "The parameter 'KeySchema' is required but was not present in the request");
    CHECK_FAILS("CreateTable", "{\"TableName\":\"Tab\"," KS_PK "," PPR "}",
                V "The parameter 'AttributeDefinitions' is required but was not present in the "
                  "request");
    CHECK_FAILS("CreateTable",
                "{\"TableName\":\"Tab\"," AD_PK ",\"KeySchema\":["
                "{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},"
                "{\"AttributeName\":\"pk\",\"KeyType\":\"RANGE\"}]," PPR "}",
                V "Invalid KeySchema: Some index key attribute have no definition");
    CHECK_FAILS("CreateTable", "{\"TableName\":\"Tab\"," AD_PK "," KS_PK_SK "," PPR "}",
                V "Invalid KeySchema: Some index key attribute have no definition");
    CHECK_FAILS("CreateTable",
                "{\"TableName\":\"Tab\",\"AttributeDefinitions\":["
                "{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"},"
                "{\"AttributeName\":\"other\",\"AttributeType\":\"S\"}]," KS_PK_SK "," PPR "}",
                INVALID "Some index key attributes are not defined in AttributeDefinitions. Keys: "
                        "[pk, sk], AttributeDefinitions: [pk, other]");
    CHECK_FAILS("CreateTable", "{\"TableName\":\"Tab\"," AD_PK_SK "," KS_PK "," PPR "}",
                INVALID "Number of attributes in KeySchema does not exactly match number of "
                        "attributes defined in AttributeDefinitions");
    CHECK_FAILS("CreateTable",
                "{\"TableName\":\"Tab\",\"AttributeDefinitions\":["
                "{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"},"
                "{\"AttributeName\":\"pk\",\"AttributeType\":\"N\"}]," KS_PK "," PPR "}",
                V "Cannot have two attributes with the same name");
    CHECK_FAILS("CreateTable",
                "{\"TableName\":\"Tab\"," AD_PK_SK ",\"KeySchema\":["
                "{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"},"
                "{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}]," PPR "}",
                V "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
    CHECK_FAILS("CreateTable",
                "{\"TableName\":\"Tab\"," AD_PK_SK ",\"KeySchema\":["
                "{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},"
                "{\"AttributeName\":\"sk\",\"KeyType\":\"HASH\"}]," PPR "}",
                V "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
    CHECK_FAILS("CreateTable", "{\"TableName\":\"Tab\"," AD_PK "," KS_PK "}",
                INVALID "ReadCapacityUnits and WriteCapacityUnits must both be specified when "
                        "BillingMode is PROVISIONED");
    CHECK_FAILS("CreateTable",
                "{\"TableName\":\"Tab\"," AD_PK "," KS_PK ",\"BillingMode\":\"PROVISIONED\"}",
                INVALID "ReadCapacityUnits and WriteCapacityUnits must both be specified when "
                        "BillingMode is PROVISIONED");
    CHECK_FAILS("CreateTable",
                "{\"TableName\":\"Tab\"," AD_PK "," KS_PK "," PPR
                ",\"ProvisionedThroughput\":{\"ReadCapacityUnits\":1,\"WriteCapacityUnits\":1}}",
                INVALID "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when "
                        "BillingMode is PAY_PER_REQUEST");
    CHECK_FAILS("CreateTable",
                "{\"TableName\":\"Tab\",\"AttributeDefinitions\":["
                "{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"},"
                "{\"AttributeName\":\"g\",\"AttributeType\":\"S\"}]," KS_PK "," PPR
                ",\"LocalSecondaryIndexes\":[" LSI("lsi", ALL) "]}",
                INVALID "Table KeySchema does not have a range key, which is required when "
                        "specifying a LocalSecondaryIndex");
    CHECK_FAILS("CreateTable",
                "{\"TableName\":\"Tab\"," AD_PK_SK_G "," KS_PK_SK "," PPR
                ",\"LocalSecondaryIndexes\":[]}",
                INVALID "List of LocalSecondaryIndexes is empty");
    CHECK_FAILS("CreateTable",
                "{\"TableName\":\"Tab\"," AD_PK_SK_G "," KS_PK_SK "," PPR
                ",\"GlobalSecondaryIndexes\":[]}",
                INVALID "List of GlobalSecondaryIndexes is empty");
    CHECK_FAILS("CreateTable",
                "{\"TableName\":\"Tab\"," AD_PK_SK_G "," KS_PK_SK "," PPR
                ",\"LocalSecondaryIndexes\":[" LSI("ix1", ALL) "," LSI("ix2", ALL) "," LSI(
                    "ix3", ALL) "," LSI("ix4", ALL) "," LSI("ix5", ALL) "," LSI("ix6", ALL) "]}",
                INVALID "Number of LocalSecondaryIndexes exceeds per-table limit of 5");
    CHECK_FAILS("CreateTable",
                "{\"TableName\":\"Tab\"," AD_PK_SK_G "," KS_PK_SK "," PPR
                ",\"LocalSecondaryIndexes\":[" LSI("same", ALL) "],"
                                                                "\"GlobalSecondaryIndexes\":[" GSI(
                                                                    "same", ALL) "]}",
                INVALID "Duplicate index name: same");
    CHECK_FAILS("CreateTable",
                "{\"TableName\":\"Tab\"," AD_PK_SK_G "," KS_PK_SK "," PPR
                ",\"GlobalSecondaryIndexes\":[" GSI("gsi", "{\"ProjectionType\":\"INCLUDE\"}") "]}",
                INVALID "ProjectionType is INCLUDE, but NonKeyAttributes is not specified");
    CHECK_FAILS("CreateTable",
                "{\"TableName\":\"Tab\"," AD_PK_SK_G "," KS_PK_SK "," PPR
                ",\"GlobalSecondaryIndexes\":[" GSI(
                    "gsi", "{\"ProjectionType\":\"KEYS_ONLY\",\"NonKeyAttributes\":[\"a\"]}") "]}",
                INVALID "ProjectionType is KEYS_ONLY, but NonKeyAttributes is specified");
    CHECK_FAILS("CreateTable",
                "{\"TableName\":\"Tab\"," AD_PK_SK_G "," KS_PK_SK
                ",\"ProvisionedThroughput\":{\"ReadCapacityUnits\":1,\"WriteCapacityUnits\":1},"
                "\"GlobalSecondaryIndexes\":[" GSI("gsi", ALL) "]}",
                INVALID "ProvisionedThroughput must be specified for index: gsi");
    CHECK_FAILS("CreateTable",
                "{\"TableName\":\"Tab\",\"AttributeDefinitions\":["
                "{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"},"
                "{\"AttributeName\":\"sk\",\"AttributeType\":\"N\"},"
                "{\"AttributeName\":\"g\",\"AttributeType\":\"S\"}]," KS_PK_SK "," PPR
                ",\"LocalSecondaryIndexes\":[{\"IndexName\":\"lsi\",\"KeySchema\":["
                "{\"AttributeName\":\"g\",\"KeyType\":\"HASH\"},"
                "{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}],\"Projection\":" ALL "}]}",
                INVALID "Index KeySchema does not have the same leading hash key as table "
                        "KeySchema for index: lsi. index hash key: g, table hash key: pk");
    CHECK_FAILS("CreateTable",
                "{\"TableName\":\"Tab\"," AD_PK_SK "," KS_PK_SK "," PPR
                ",\"GlobalSecondaryIndexes\":[" GSI("gsi", ALL) "]}",
                INVALID "Some index key attributes are not defined in AttributeDefinitions. Keys: "
                        "[pk, sk, g], AttributeDefinitions: [pk, sk]");
    CHECK_FAILS("CreateTable",
                "{\"TableName\":\"Tab\",\"AttributeDefinitions\":["
                "{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"},"
                "{\"AttributeName\":\"sk\",\"AttributeType\":\"N\"},"
                "{\"AttributeName\":\"g\",\"AttributeType\":\"S\"},"
                "{\"AttributeName\":\"extra\",\"AttributeType\":\"S\"}]," KS_PK_SK "," PPR
                ",\"GlobalSecondaryIndexes\":[" GSI("gsi", ALL) "]}",
                INVALID "Some AttributeDefinitions are not used. AttributeDefinitions: [pk, sk, g, "
                        "extra], keys used: [pk, sk, g]");
    CHECK_FAILS("CreateTable",
                "{\"TableName\":\"Tab\"," AD_PK "," KS_PK "," PPR
                ",\"StreamSpecification\":{\"StreamEnabled\":false,"
                "\"StreamViewType\":\"NEW_IMAGE\"}}",
                INVALID "Table is being created with a stream disabled, UpdateViewType should not "
                        "be specified");

    /* Members of the wrong JSON type never reach validation. */
    CHECK_FAILS("CreateTable", "{\"TableName\":5}",
                "SerializationException: NUMBER_VALUE cannot be converted to String");
    CHECK_FAILS("CreateTable", "{\"TableName\":\"Tab\",\"KeySchema\":\"pk\"}",
                "SerializationException: Unexpected field type");
    CHECK_FAILS("CreateTable", "{\"TableName\":\"Tab\",\"KeySchema\":{}}",
                "SerializationException: Start of structure or map found where not expected");
    CHECK_FAILS("CreateTable",
                "{\"TableName\":\"Tab\",\"ProvisionedThroughput\":{\"ReadCapacityUnits\":\"5\"}}",
                "SerializationException: STRING_VALUE cannot be converted to Long");
    CHECK_FAILS("CreateTable", "{\"TableName\":\"Tab\",\"DeletionProtectionEnabled\":[]}",
                "SerializationException: Unrecognized collection type class java.lang.Boolean");
    CHECK_FAILS("CreateTable", "[]",
                "SerializationException: Start of list found where not expected");
    CHECK_FAILS("DropEverything", "{}", "UnknownOperationException: ");

    /* Nothing of the failed requests exists. */
    json_t *r = call("ListTables", "{}");
    CHECK(r && json_array_size(json_object_get(r, "TableNames")) == 0);
    json_decref(r);
}

static const char *str_at(json_t *root, const char *path)
{
    /* path: "a.b.0.c" */
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    json_t *cur = root;
    for (char *tok = strtok(buf, "."); tok && cur; tok = strtok(NULL, ".")) {
        if (json_is_array(cur))
            cur = json_array_get(cur, (size_t)atoi(tok));
        else
            cur = json_object_get(cur, tok);
    }
    if (json_is_string(cur)) return json_string_value(cur);
    static char num[64];
    if (json_is_integer(cur)) {
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(cur));
        return num;
    }
    if (json_is_boolean(cur)) return json_is_true(cur) ? "true" : "false";
    return cur ? "(other)" : "(missing)";
}

static void test_create_describe_delete(void)
{
    json_t *r = call("CreateTable", "{\"TableName\":\"Orders\",\"AttributeDefinitions\":[{"
                                    "\"AttributeName\":\"idempotency_token\",\"AttributeType\":"
                                    "\"S\"}],\"KeySchema\":[{\"AttributeName\":"
                                    "\"idempotency_token\",\"KeyType\":\"HASH\"}]," PPR "}");
    CHECK(r != NULL);
    CHECK_STR(errtext, "");
    CHECK_STR(str_at(r, "TableDescription.TableStatus"), "CREATING");
    CHECK_STR(str_at(r, "TableDescription.TableName"), "Orders");
    CHECK_STR(str_at(r, "TableDescription.KeySchema.0.AttributeName"), "idempotency_token");
    CHECK_STR(str_at(r, "TableDescription.KeySchema.0.KeyType"), "HASH");
    CHECK_STR(str_at(r, "TableDescription.AttributeDefinitions.0.AttributeType"), "S");
    CHECK_STR(str_at(r, "TableDescription.TableArn"),
              "arn:aws:dynamodb:ddblocal:000000000000:table/Orders");
    CHECK_STR(str_at(r, "TableDescription.BillingModeSummary.BillingMode"), "PAY_PER_REQUEST");
    CHECK_STR(str_at(r, "TableDescription.ProvisionedThroughput.ReadCapacityUnits"), "0");
    CHECK_STR(str_at(r, "TableDescription.ProvisionedThroughput.NumberOfDecreasesToday"), "0");
    CHECK_STR(str_at(r, "TableDescription.ItemCount"), "0");
    CHECK_STR(str_at(r, "TableDescription.TableSizeBytes"), "0");
    CHECK_STR(str_at(r, "TableDescription.DeletionProtectionEnabled"), "false");
    json_t *cdt = json_object_get(json_object_get(r, "TableDescription"), "CreationDateTime");
    CHECK(json_is_real(cdt) && json_real_value(cdt) == 1700000000.5);
    const char *id = str_at(r, "TableDescription.TableId");
    CHECK_EQ(strlen(id), 36);
    CHECK(id[8] == '-' && id[13] == '-' && id[14] == '4' && id[18] == '-' && id[23] == '-');
    CHECK(strchr("89ab", id[19]) != NULL);
    /* Field order as the service sends it. */
    const char *order[] = {"AttributeDefinitions",
                           "TableName",
                           "KeySchema",
                           "TableStatus",
                           "CreationDateTime",
                           "ProvisionedThroughput",
                           "TableSizeBytes",
                           "ItemCount",
                           "TableArn",
                           "TableId",
                           "BillingModeSummary",
                           "DeletionProtectionEnabled"};
    void *it = json_object_iter(json_object_get(r, "TableDescription"));
    for (size_t i = 0; i < sizeof order / sizeof order[0];
         i++, it = json_object_iter_next(json_object_get(r, "TableDescription"), it))
        CHECK_STR(it ? json_object_iter_key(it) : NULL, order[i]);
    json_decref(r);

    CHECK_FAILS("CreateTable",
                "{\"TableName\":\"Orders\",\"AttributeDefinitions\":[{\"AttributeName\":\"x\","
                "\"AttributeType\":\"N\"}],\"KeySchema\":[{\"AttributeName\":\"x\",\"KeyType\":"
                "\"HASH\"}]," PPR "}",
                "ResourceInUseException: Table already exists: Orders");

    /* Items put behind the API's back are counted live. */
    const struct pq_table_meta *t;
    struct pq_error err;
    pq_error_init(&err);
    CHECK_EQ(store_table_get(eng->store, "Orders", &t, &err), PQ_OK);
    CHECK(t != NULL);
    json_t *item = json_loads("{\"idempotency_token\":{\"S\":\"token123\"},\"order_id\":{\"S\":"
                              "\"order001\"},\"customer_name\":{\"S\":\"Alice\"},"
                              "\"order_amount\":{\"N\":\"100\"}}",
                              0, NULL);
    CHECK_EQ(store_begin(eng->store, &err), PQ_OK);
    CHECK_EQ(store_item_put(eng->store, t, item, NULL, &err), PQ_OK);
    CHECK_EQ(store_commit(eng->store, &err), PQ_OK);
    json_decref(item);
    pq_error_release(&err);

    r = call("DescribeTable", "{\"TableName\":\"Orders\"}");
    CHECK_STR(str_at(r, "Table.TableStatus"), "ACTIVE");
    CHECK_STR(str_at(r, "Table.ItemCount"), "1");
    /* 17+8 + 8+8 + 13+5 + 12+2 */
    CHECK_STR(str_at(r, "Table.TableSizeBytes"), "73");
    json_decref(r);
    r = call("DescribeTable",
             "{\"TableName\":\"arn:aws:dynamodb:ddblocal:000000000000:table/Orders\"}");
    CHECK_STR(str_at(r, "Table.TableName"), "Orders");
    json_decref(r);

    CHECK_FAILS(
        "DescribeTable", "{\"TableName\":\"Missing\"}",
        "ResourceNotFoundException: Requested resource not found: Table: Missing not found");
    CHECK_FAILS("DescribeTable", "{}",
                V "The parameter 'TableName' is required but was not present in the request");
    CHECK_FAILS("DescribeTable", "{\"TableName\":\"x\"}",
                V "1 validation error detected: Value 'x' at 'tableName' failed to satisfy "
                  "constraint: Member must have length greater than or equal to 3");
    CHECK_FAILS(
        "DeleteTable", "{\"TableName\":\"Missing\"}",
        "ResourceNotFoundException: Requested resource not found: Table: Missing not found");

    r = call("DeleteTable", "{\"TableName\":\"Orders\"}");
    CHECK_STR(str_at(r, "TableDescription.TableStatus"), "DELETING");
    CHECK_STR(str_at(r, "TableDescription.ItemCount"), "1");
    json_decref(r);
    CHECK_FAILS("DescribeTable", "{\"TableName\":\"Orders\"}",
                "ResourceNotFoundException: Requested resource not found: Table: Orders not found");
    /* Recreated, it starts empty. */
    r = call("CreateTable", "{\"TableName\":\"Orders\"," AD_PK "," KS_PK "," PPR "}");
    CHECK_STR(str_at(r, "TableDescription.ItemCount"), "0");
    CHECK_STR(str_at(r, "TableDescription.KeySchema.0.AttributeName"), "pk");
    json_decref(r);
    r = call("DeleteTable", "{\"TableName\":\"Orders\"}");
    CHECK(r != NULL);
    json_decref(r);
}

static void test_indexes_and_options(void)
{
    json_t *r = call(
        "CreateTable",
        "{\"TableName\":\"Music\"," AD_PK_SK_G "," KS_PK_SK
        ",\"ProvisionedThroughput\":{\"ReadCapacityUnits\":5,\"WriteCapacityUnits\":7},"
        "\"LocalSecondaryIndexes\":[" LSI(
            "ByG",
            "{\"ProjectionType\":\"KEYS_ONLY\"}") "],"
                                                  "\"GlobalSecondaryIndexes\":[{\"IndexName\":"
                                                  "\"GIndex\",\"KeySchema\":[{"
                                                  "\"AttributeName\":\"g\",\"KeyType\":\"HASH\"},{"
                                                  "\"AttributeName\":\"sk\",\"KeyType\":"
                                                  "\"RANGE\"}],\"Projection\":{\"ProjectionType\":"
                                                  "\"INCLUDE\",\"NonKeyAttributes\":[\"a\","
                                                  "\"b\"]},\"ProvisionedThroughput\":{"
                                                  "\"ReadCapacityUnits\":3,\"WriteCapacityUnits\":"
                                                  "4}}],"
                                                  "\"StreamSpecification\":{\"StreamEnabled\":true,"
                                                  "\"StreamViewType\":\"NEW_IMAGE\"},"
                                                  "\"TableClass\":\"STANDARD\","
                                                  "\"DeletionProtectionEnabled\":true,"
                                                  "\"Tags\":[{\"Key\":\"team\",\"Value\":\"\"}]}");
    CHECK(r != NULL);
    CHECK_STR(errtext, "");
    CHECK_STR(str_at(r, "TableDescription.ProvisionedThroughput.ReadCapacityUnits"), "5");
    CHECK_STR(str_at(r, "TableDescription.ProvisionedThroughput.WriteCapacityUnits"), "7");
    CHECK_STR(str_at(r, "TableDescription.BillingModeSummary"), "(missing)");
    CHECK_STR(str_at(r, "TableDescription.LocalSecondaryIndexes.0.IndexName"), "ByG");
    CHECK_STR(str_at(r, "TableDescription.LocalSecondaryIndexes.0.KeySchema.1.AttributeName"), "g");
    CHECK_STR(str_at(r, "TableDescription.LocalSecondaryIndexes.0.Projection.ProjectionType"),
              "KEYS_ONLY");
    CHECK_STR(str_at(r, "TableDescription.LocalSecondaryIndexes.0.IndexArn"),
              "arn:aws:dynamodb:ddblocal:000000000000:table/Music/index/ByG");
    CHECK_STR(str_at(r, "TableDescription.GlobalSecondaryIndexes.0.IndexStatus"), "CREATING");
    CHECK_STR(str_at(r, "TableDescription.GlobalSecondaryIndexes.0.Projection.NonKeyAttributes.1"),
              "b");
    CHECK_STR(
        str_at(
            r,
            "TableDescription.GlobalSecondaryIndexes.0.ProvisionedThroughput.WriteCapacityUnits"),
        "4");
    CHECK_STR(str_at(r, "TableDescription.GlobalSecondaryIndexes.0.ItemCount"), "0");
    CHECK_STR(str_at(r, "TableDescription.StreamSpecification.StreamViewType"), "NEW_IMAGE");
    CHECK_STR(str_at(r, "TableDescription.LatestStreamLabel"), "2023-11-14T22:13:20.500");
    CHECK_STR(str_at(r, "TableDescription.TableClassSummary.TableClass"), "STANDARD");
    CHECK_STR(str_at(r, "TableDescription.DeletionProtectionEnabled"), "true");
    json_decref(r);

    /* Sparse index counts: only items holding the index keys. */
    const struct pq_table_meta *t;
    struct pq_error err;
    pq_error_init(&err);
    CHECK_EQ(store_table_get(eng->store, "Music", &t, &err), PQ_OK);
    CHECK_EQ(store_begin(eng->store, &err), PQ_OK);
    const char *items[] = {"{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"1\"},\"g\":{\"S\":\"x\"}}",
                           "{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"2\"}}",
                           "{\"pk\":{\"S\":\"b\"},\"sk\":{\"N\":\"1\"},\"g\":{\"S\":\"y\"}}"};
    for (size_t i = 0; i < 3; i++) {
        json_t *item = json_loads(items[i], 0, NULL);
        CHECK_EQ(store_item_put(eng->store, t, item, NULL, &err), PQ_OK);
        json_decref(item);
    }
    CHECK_EQ(store_commit(eng->store, &err), PQ_OK);
    pq_error_release(&err);
    r = call("DescribeTable", "{\"TableName\":\"Music\"}");
    CHECK_STR(str_at(r, "Table.ItemCount"), "3");
    CHECK_STR(str_at(r, "Table.GlobalSecondaryIndexes.0.ItemCount"), "2");
    CHECK_STR(str_at(r, "Table.GlobalSecondaryIndexes.0.IndexStatus"), "ACTIVE");
    CHECK_STR(str_at(r, "Table.LocalSecondaryIndexes.0.ItemCount"), "2");
    CHECK_STR(str_at(r, "Table.LocalSecondaryIndexes.0.IndexSizeBytes"), "18");
    json_decref(r);

    /* Deletion protection holds the table. */
    CHECK_FAILS("DeleteTable", "{\"TableName\":\"Music\"}",
                V "Resource cannot be deleted as it is currently protected against deletion. "
                  "Disable deletion protection first.");
    r = call("DescribeTable", "{\"TableName\":\"Music\"}");
    CHECK(r != NULL);
    json_decref(r);
}

static void test_list_tables(void)
{
    const char *names[] = {"t05", "t01", "t03", "t02", "t04"};
    for (size_t i = 0; i < 5; i++) {
        char req[512];
        snprintf(req, sizeof req, "{\"TableName\":\"%s\"," AD_PK "," KS_PK "," PPR "}", names[i]);
        json_t *r = call("CreateTable", req);
        CHECK(r != NULL);
        json_decref(r);
    }
    json_t *r = call("ListTables", NULL);
    char *text = json_dumps(r, JSON_COMPACT);
    CHECK_STR(text, "{\"TableNames\":[\"Music\",\"t01\",\"t02\",\"t03\",\"t04\",\"t05\"]}");
    free(text);
    json_decref(r);
    r = call("ListTables", "{\"Limit\":2,\"ExclusiveStartTableName\":\"Music\"}");
    text = json_dumps(r, JSON_COMPACT);
    CHECK_STR(text, "{\"TableNames\":[\"t01\",\"t02\"],\"LastEvaluatedTableName\":\"t02\"}");
    free(text);
    json_decref(r);
    r = call("ListTables", "{\"Limit\":3,\"ExclusiveStartTableName\":\"t02\"}");
    text = json_dumps(r, JSON_COMPACT);
    /* Exactly full and nothing after: no LastEvaluatedTableName. */
    CHECK_STR(text, "{\"TableNames\":[\"t03\",\"t04\",\"t05\"]}");
    free(text);
    json_decref(r);
    r = call("ListTables", "{\"ExclusiveStartTableName\":\"zzz\"}");
    text = json_dumps(r, JSON_COMPACT);
    CHECK_STR(text, "{\"TableNames\":[]}");
    free(text);
    json_decref(r);

    CHECK_FAILS("ListTables", "{\"Limit\":0}",
                V "1 validation error detected: Value '0' at 'limit' failed to satisfy "
                  "constraint: Member must have value greater than or equal to 1");
    CHECK_FAILS("ListTables", "{\"Limit\":2147483647}",
                V "1 validation error detected: Value '2147483647' at 'limit' failed to satisfy "
                  "constraint: Member must have value less than or equal to 100");
    CHECK_FAILS("ListTables", "{\"ExclusiveStartTableName\":\"a\",\"Limit\":101}",
                V "2 validation errors detected: Value 'a' at 'exclusiveStartTableName' failed to "
                  "satisfy constraint: Member must have length greater than or equal to 3; Value "
                  "'101' at 'limit' failed to satisfy constraint: Member must have value less "
                  "than or equal to 100");
    CHECK_FAILS("ListTables", "{\"Limit\":\"5\"}",
                "SerializationException: STRING_VALUE cannot be converted to Integer");
    CHECK_FAILS("ListTables", "{\"Limit\":2.5}",
                "SerializationException: DECIMAL_VALUE cannot be converted to Integer");
}

static void test_backend(void)
{
    struct pq_engine_options opt = {
        .path = ":memory:", .region = "eu-west-2", .fixed_time = 0, .page_bytes = 0};
    struct pq_backend *b = NULL;
    struct pq_error err;
    pq_error_init(&err);
    CHECK_EQ(pq_engine_backend_open(&opt, &b, &err), PQ_OK);
    if (!b) return;
    CHECK_STR(b->label, "local");
    CHECK(!b->remote);
    json_t *req = J("{\"TableName\":\"Tab\"," AD_PK "," KS_PK "," PPR "}"), *resp = NULL;
    CHECK_EQ(pq_backend_call(b, "CreateTable", req, &resp, &err), PQ_OK);
    CHECK_STR(str_at(resp, "TableDescription.TableArn"),
              "arn:aws:dynamodb:eu-west-2:000000000000:table/Tab");
    /* The real clock: a plausible epoch time. */
    json_t *cdt = json_object_get(json_object_get(resp, "TableDescription"), "CreationDateTime");
    CHECK(json_real_value(cdt) > 1.6e9);
    json_decref(resp);
    CHECK_EQ(pq_backend_call(b, "CreateTable", req, &resp, &err), PQ_ERR_SERVICE);
    CHECK_STR(err.type, "ResourceInUseException");
    CHECK(resp == NULL);
    json_decref(req);
    pq_error_release(&err);
    pq_backend_close(b);
    pq_backend_close(NULL);
}

/* UpdateTable's throughput bookkeeping: NumberOfDecreasesToday counts the
 * decreases of the current UTC day. */
static long decreases_after(const char *op, const char *request)
{
    json_t *r = call(op, request);
    CHECK(r != NULL);
    json_t *d = json_object_get(r, "TableDescription");
    if (!d) d = json_object_get(r, "Table");
    json_t *pt = json_object_get(d, "ProvisionedThroughput");
    long n = (long)json_integer_value(json_object_get(pt, "NumberOfDecreasesToday"));
    json_decref(r);
    return n;
}

static const char *rcu_update(int rcu)
{
    static char req[160];
    snprintf(req, sizeof req,
             "{\"TableName\":\"Metered\",\"ProvisionedThroughput\":"
             "{\"ReadCapacityUnits\":%d,\"WriteCapacityUnits\":1}}",
             rcu);
    return req;
}

static void test_decreases_per_day(void)
{
    json_decref(call("CreateTable", "{\"TableName\":\"Metered\",\"ProvisionedThroughput\":"
                                    "{\"ReadCapacityUnits\":9,\"WriteCapacityUnits\":1},"
                                    "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\","
                                    "\"AttributeType\":\"S\"}],\"KeySchema\":[{\"AttributeName\":"
                                    "\"pk\",\"KeyType\":\"HASH\"}]}"));
    /* 1700000000 is 22:13:20 UTC: two decreases, an increase (not counted). */
    CHECK_EQ(decreases_after("UpdateTable", rcu_update(8)), 1);
    CHECK_EQ(decreases_after("UpdateTable", rcu_update(7)), 2);
    CHECK_EQ(decreases_after("UpdateTable", rcu_update(10)), 2);
    CHECK_EQ(decreases_after("DescribeTable", "{\"TableName\":\"Metered\"}"), 2);
    /* Past midnight UTC the next decrease is the day's first. */
    pq_engine_clock_advance(eng, 2 * 3600);
    CHECK_EQ(decreases_after("UpdateTable", rcu_update(6)), 1);
    CHECK_EQ(decreases_after("UpdateTable", rcu_update(5)), 2);
    json_t *r = call("DescribeTable", "{\"TableName\":\"Metered\"}");
    json_t *pt = json_object_get(json_object_get(r, "Table"), "ProvisionedThroughput");
    CHECK(json_number_value(json_object_get(pt, "LastDecreaseDateTime")) == 1700007200.5);
    json_decref(r);
    pq_engine_clock_reset(eng);
}

int main(void)
{
    struct pq_engine_options opt = {
        .path = ":memory:", .region = NULL, .fixed_time = 1700000000.5, .page_bytes = 0};
    struct pq_error err;
    pq_error_init(&err);
    CHECK_EQ(pq_engine_open(&opt, &eng, &err), PQ_OK);
    if (!eng) DONE();
    CHECK_EQ(eng->page_bytes, 1024 * 1024);
    test_create_validation();
    test_create_describe_delete();
    test_indexes_and_options();
    test_list_tables();
    test_decreases_per_day();
    pq_engine_close(eng);
    test_backend();
    pq_error_release(&err);
    DONE();
}
