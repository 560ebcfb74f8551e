/* test_engine_index.c — secondary indexes (§4.2), UpdateTable, IN limits, ConsumedCapacity. */
#include "test_engine_util.h"

/* A member of the last DescribeTable answer, by dotted path ("a.0.b"). */
static json_t *described;
static const char *at(const char *path)
{
    static char out[1024];
    json_t *j = described;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = strtok(buf, "."); p && j; p = strtok(NULL, "."))
        j = (*p >= '0' && *p <= '9') ? json_array_get(j, (size_t)atoi(p)) : json_object_get(j, p);
    if (!j) return "(absent)";
    char *t = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    snprintf(out, sizeof out, "%s", t);
    free(t);
    return out;
}

static void describe(const char *table)
{
    char req[256];
    snprintf(req, sizeof req, "{\"TableName\": \"%s\"}", table);
    if (described) json_decref(described);
    described = call_json("DescribeTable", req);
}

#define DEF(n, t) "{\"AttributeName\":\"" n "\",\"AttributeType\":\"" t "\"}"
#define KEY(n, t) "{\"AttributeName\":\"" n "\",\"KeyType\":\"" t "\"}"

static void create_indexed(void)
{
    json_t *r = call_json(
        "CreateTable",
        "{\"TableName\":\"Idx\",\"BillingMode\":\"PAY_PER_REQUEST\","
        "\"AttributeDefinitions\":[" DEF("pk", "S") "," DEF("sk", "N") "," DEF("g", "S") "," DEF(
            "n",
            "N") "," DEF("ls",
                         "N") "],"
                              "\"KeySchema\":[" KEY("pk", "HASH") "," KEY(
                                  "sk",
                                  "RANGE") "],"
                                           "\"GlobalSecondaryIndexes\":[{\"IndexName\":"
                                           "\"byG\",\"KeySchema\":[" KEY("g", "HASH") "," KEY(
                                               "n",
                                               "RANGE") "],\"Projection\":{\"ProjectionType\":"
                                                        "\"KEYS_ONLY\"}},"
                                                        "{\"IndexName\":\"byN\",\"KeySchema\":"
                                                        "[" KEY(
                                                            "n",
                                                            "HASH") "],\"Projection\":{"
                                                                    "\"ProjectionType\":"
                                                                    "\"INCLUDE\","
                                                                    "\"NonKeyAttributes\":["
                                                                    "\"v\"]}}],"
                                                                    "\"LocalSecondaryIndexes\""
                                                                    ":[{\"IndexName\":"
                                                                    "\"byLs\",\"KeySchema\":"
                                                                    "[" KEY("pk", "HASH") "," KEY(
                                                                        "ls",
                                                                        "RANGE") "],"
                                                                                 "\"Projection"
                                                                                 "\":{"
                                                                                 "\"Projection"
                                                                                 "Type\":"
                                                                                 "\"KEYS_"
                                                                                 "ONLY\"}}]}");
    if (!r) {
        fprintf(stderr, "CreateTable Idx: %s\n", last_err.message);
        exit(1);
    }
    json_decref(r);
    ok("INSERT INTO Idx VALUE {'pk': 'a', 'sk': 1, 'g': 'x', 'n': 2, 'ls': 5, 'v': 'va1', 'w': 1}");
    ok("INSERT INTO Idx VALUE {'pk': 'a', 'sk': 2, 'g': 'x', 'n': 1, 'ls': 3, 'v': 'va2'}");
    ok("INSERT INTO Idx VALUE {'pk': 'b', 'sk': 1, 'g': 'y', 'n': 3, 'v': 'vb1'}");
    ok("INSERT INTO Idx VALUE {'pk': 'c', 'sk': 1, 'g': 'x', 'v': 'vc1'}"); /* no n: not in byG */
}

static void test_index_reads(void)
{
    /* Query on a GSI: index-key order, only the projected attributes. */
    CHECK_STR(
        items("SELECT * FROM Idx.byG WHERE g = 'x'"),
        "[{\"g\":{\"S\":\"x\"},\"n\":{\"N\":\"1\"},\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"2\"}},"
        "{\"g\":{\"S\":\"x\"},\"n\":{\"N\":\"2\"},\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"1\"}}]");
    CHECK_STR(items("SELECT pk FROM \"Idx\".\"byG\" WHERE g = 'x' AND n > 1"),
              "[{\"pk\":{\"S\":\"a\"}}]");
    CHECK_STR(items("SELECT sk FROM Idx.byG WHERE g = 'x' ORDER BY n DESC"),
              "[{\"sk\":{\"N\":\"1\"}},{\"sk\":{\"N\":\"2\"}}]");
    /* Full index scan: sparse, in index order (y after x). */
    CHECK_STR(items("SELECT pk, sk FROM Idx.byG"),
              "[{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"2\"}},{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":"
              "\"1\"}},{\"pk\":{\"S\":\"b\"},\"sk\":{\"N\":\"1\"}}]");
    /* INCLUDE projects v; the table key is always there. */
    CHECK_STR(
        items("SELECT * FROM Idx.byN WHERE n = 3"),
        "[{\"n\":{\"N\":\"3\"},\"pk\":{\"S\":\"b\"},\"sk\":{\"N\":\"1\"},\"v\":{\"S\":\"vb1\"}}]");
    CHECK_STR(items("SELECT v FROM Idx.byN WHERE n IN [1, 2] AND v <> 'zz' ORDER BY n"),
              "[{\"v\":{\"S\":\"va2\"}},{\"v\":{\"S\":\"va1\"}}]");
    /* What a GSI does not hold cannot be asked for. */
    CHECK_STR(error_of("SELECT v, pk, w FROM Idx.byG WHERE g = 'x'"),
              "ValidationException: One or more parameter values were invalid: Global secondary "
              "index byG does not project [v, w]");
    CHECK_STR(error_of("SELECT pk FROM Idx.byG WHERE g = 'x' AND v = 'va1'"),
              "ValidationException: One or more parameter values were invalid: Secondary index "
              "byG does not project one or more filter attributes: [v]");
    CHECK_STR(error_of("SELECT pk FROM Idx.byLs WHERE pk = 'a' AND (w = 1 OR size(v) > 1)"),
              "ValidationException: One or more parameter values were invalid: Secondary index "
              "byLs does not project one or more filter attributes: [w, v]");
    json_t *r = run_ex("SELECT pk FROM Idx.byG WHERE g = 'x'", NULL, "{\"ConsistentRead\": true}");
    CHECK(r == NULL);
    CHECK_STR(last_err.message,
              "Strongly consistent read is not supported on Global Secondary Indexes");
    /* An LSI fetches what it does not project from the base item. */
    r = run_ex("SELECT v, ls FROM Idx.byLs WHERE pk = 'a' AND ls >= 3", NULL,
               "{\"ConsistentRead\": true}");
    CHECK(r != NULL);
    char *t = r ? json_dumps(json_object_get(r, "Items"), JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    CHECK_STR(t, "[{\"ls\":{\"N\":\"3\"},\"v\":{\"S\":\"va2\"}},{\"ls\":{\"N\":\"5\"},\"v\":{\"S\":"
                 "\"va1\"}}]");
    free(t);
    json_decref(r);
    CHECK_STR(items("SELECT * FROM Idx.byLs WHERE pk = 'a' AND ls = 5"),
              "[{\"ls\":{\"N\":\"5\"},\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"1\"}}]");
    /* ORDER BY names the key of what is read. */
    CHECK_STR(error_of("SELECT * FROM Idx.byG WHERE g = 'x' ORDER BY sk"),
              "ValidationException: Variable reference sk in ORDER BY clause must be part of the "
              "primary key");
    CHECK_STR(error_of("SELECT * FROM Idx.byG WHERE pk = 'a' ORDER BY n"),
              "ValidationException: Must have at least one non-optional hash key condition in "
              "WHERE clause when using ORDER BY clause.");
    CHECK_STR(error_of("SELECT * FROM Idx.byN WHERE n IN [1, 2] ORDER BY pk"),
              "ValidationException: Variable reference pk in ORDER BY clause must be part of the "
              "primary key");
    CHECK_STR(error_of("SELECT * FROM Idx.nope"),
              "ValidationException: The table does not have the specified index");
    /* Paging through an index resumes after the last entry. */
    r = run_ex("SELECT sk FROM Idx.byG WHERE g = 'x'", NULL, "{\"Limit\": 1}");
    CHECK(r && json_object_get(r, "NextToken"));
    char extra[2048];
    snprintf(extra, sizeof extra, "{\"NextToken\": \"%s\"}",
             r ? json_string_value(json_object_get(r, "NextToken")) : "");
    json_decref(r);
    r = run_ex("SELECT sk FROM Idx.byG WHERE g = 'x'", NULL, extra);
    t = r ? json_dumps(json_object_get(r, "Items"), JSON_COMPACT) : NULL;
    CHECK_STR(t, "[{\"sk\":{\"N\":\"1\"}}]");
    free(t);
    json_decref(r);
    /* A table token is not an index token. */
    CHECK(run_ex("SELECT sk FROM Idx WHERE pk = 'a'", NULL, extra) == NULL);
    CHECK_STR(last_err.message, "The provided starting key is invalid");
}

static void test_index_writes(void)
{
    CHECK_STR(error_of("UPDATE Idx.byG SET v = 1 WHERE pk = 'a' AND sk = 1"),
              "ValidationException: This operation is not supported on an index");
    CHECK_STR(error_of("DELETE FROM Idx.byG WHERE pk = 'a' AND sk = 1"),
              "ValidationException: This operation is not supported on an index");
    CHECK_STR(error_of("INSERT INTO Idx VALUE {'pk': 'd', 'sk': 1, 'g': 1}"),
              "ValidationException: One or more parameter values were invalid: Type mismatch for "
              "Index Key g Expected: S Actual: N IndexName: byG");
    CHECK_STR(error_of("UPDATE Idx SET n = 'two' WHERE pk = 'a' AND sk = 1"),
              "ValidationException: One or more parameter values were invalid: Type mismatch for "
              "Index Key n Expected: N Actual: S IndexName: byG");
    CHECK_STR(error_of("INSERT INTO Idx VALUE {'pk': 'd', 'sk': 1, 'g': ''}"),
              "ValidationException: One or more parameter values are not valid. A value specified "
              "for a secondary index key is not supported. The AttributeValue for a key attribute "
              "cannot contain an empty string value. IndexName: byG, IndexKey: g");
    /* Updates move entries; REMOVE takes the item out of the index. */
    ok("UPDATE Idx SET g = 'y' WHERE pk = 'a' AND sk = 2");
    ok("UPDATE Idx REMOVE n WHERE pk = 'a' AND sk = 1");
    CHECK_STR(items("SELECT pk, sk FROM Idx.byG WHERE g = 'y'"),
              "[{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"2\"}},{\"pk\":{\"S\":\"b\"},\"sk\":{\"N\":"
              "\"1\"}}]");
    CHECK_STR(items("SELECT pk FROM Idx.byG WHERE g = 'x'"), "[]");
    ok("DELETE FROM Idx WHERE pk = 'b' AND sk = 1");
    CHECK_STR(items("SELECT pk, sk FROM Idx.byG"), "[{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"2\"}}]");
    ok("UPDATE Idx SET n = 2 WHERE pk = 'a' AND sk = 1");
    ok("INSERT INTO Idx VALUE {'pk': 'b', 'sk': 1, 'g': 'y', 'n': 3, 'v': 'vb1'}");
    describe("Idx");
    CHECK_STR(at("Table.GlobalSecondaryIndexes.0.IndexName"), "\"byG\"");
    CHECK_STR(at("Table.GlobalSecondaryIndexes.0.IndexStatus"), "\"ACTIVE\"");
    CHECK_STR(at("Table.GlobalSecondaryIndexes.0.ItemCount"), "3");
    /* KEYS_ONLY entries: pk 3, sk 4, g 2, n 3 bytes each. */
    CHECK_STR(at("Table.GlobalSecondaryIndexes.0.IndexSizeBytes"), "36");
    CHECK_STR(at("Table.GlobalSecondaryIndexes.1.ItemCount"), "3");
    CHECK_STR(at("Table.LocalSecondaryIndexes.0.ItemCount"), "2");
    CHECK_STR(at("Table.ItemCount"), "4");
}

static void test_update_table(void)
{
    CHECK_STR(answer("UpdateTable", "{\"TableName\": \"Idx\"}"),
              "ValidationException: At least one of ProvisionedThroughput, BillingMode, "
              "UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or "
              "ReplicaUpdates is required");
    CHECK_STR(answer("UpdateTable", "{\"TableName\": \"Nope\", \"BillingMode\": \"PROVISIONED\"}"),
              "ResourceNotFoundException: Requested resource not found: Table: Nope not found");
    CHECK_STR(answer("UpdateTable", "{\"TableName\": \"No\", \"BillingMode\": \"FREE\"}"),
              "ValidationException: 2 validation errors detected: Value 'No' at 'tableName' "
              "failed to satisfy constraint: Member must have length greater than or equal to 3; "
              "Value 'FREE' at 'billingMode' failed to satisfy constraint: Member must satisfy "
              "enum value set: [PROVISIONED, PAY_PER_REQUEST]");
#define CREATE_W(name, extra)                                                                      \
    "{\"Create\":{\"IndexName\":\"" name                                                           \
    "\",\"KeySchema\":[" KEY("w", "HASH") "],\"Projection\":{\"ProjectionType\":\"ALL\"}" extra    \
                                          "}}"
    CHECK_STR(answer("UpdateTable",
                     "{\"TableName\": \"Idx\", \"GlobalSecondaryIndexUpdates\": [" CREATE_W(
                         "byW", "") "]}"),
              "ValidationException: One or more parameter values were invalid: Some index key "
              "attributes are not defined in AttributeDefinitions. Keys: [pk, sk, ls, g, n, w], "
              "AttributeDefinitions: [pk, sk, g, n, ls]");
    CHECK_STR(
        answer("UpdateTable",
               "{\"TableName\": \"Idx\", \"AttributeDefinitions\": [" DEF(
                   "w",
                   "N") "], \"GlobalSecondaryIndexUpdates\": [" CREATE_W("byW",
                                                                         "") "," CREATE_W("byW2",
                                                                                          "") "]}"),
        "LimitExceededException: Subscriber limit exceeded: Only 1 online index can be "
        "created or deleted simultaneously per table");
    CHECK_STR(
        answer("UpdateTable",
               "{\"TableName\": \"Idx\", \"AttributeDefinitions\": [" DEF(
                   "w", "N") "], \"GlobalSecondaryIndexUpdates\": [" CREATE_W("byG", "") "]}"),
        "ValidationException: Attempting to create an index which already exists");
    CHECK_STR(
        answer("UpdateTable",
               "{\"TableName\": \"Idx\", \"AttributeDefinitions\": [" DEF(
                   "w",
                   "N") "], \"GlobalSecondaryIndexUpdates\": [" CREATE_W("byW",
                                                                         ",\"ProvisionedThroughput"
                                                                         "\":{"
                                                                         "\"ReadCapacityUnits\":1,"
                                                                         "\"WriteCapacityUnits\":"
                                                                         "1}") "]}"),
        "ValidationException: One or more parameter values were invalid: "
        "ProvisionedThroughput should not be specified for index: byW when BillingMode is "
        "PAY_PER_REQUEST");
    /* Created and backfilled: item a/1 has w = 1. */
    const char *a =
        answer("UpdateTable",
               "{\"TableName\": \"Idx\", \"AttributeDefinitions\": [" DEF(
                   "w", "N") "], \"GlobalSecondaryIndexUpdates\": [" CREATE_W("byW", "") "]}");
    CHECK(strstr(a, "\"TableStatus\":\"UPDATING\"") != NULL);
    CHECK(strstr(a, "\"IndexName\":\"byW\",\"IndexSizeBytes\":") != NULL);
    CHECK(strstr(a, "\"IndexStatus\":\"CREATING\"") != NULL);
    CHECK_STR(items("SELECT pk, sk FROM Idx.byW WHERE w = 1"),
              "[{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"1\"}}]");
    ok("INSERT INTO Idx VALUE {'pk': 'e', 'sk': 1, 'w': 1}");
    CHECK_STR(items("SELECT pk FROM Idx.byW WHERE w = 1"),
              "[{\"pk\":{\"S\":\"a\"}},{\"pk\":{\"S\":\"e\"}}]");
    describe("Idx");
    CHECK_STR(at("Table.GlobalSecondaryIndexes.2.IndexStatus"), "\"ACTIVE\"");
    CHECK_STR(at("Table.GlobalSecondaryIndexes.2.ItemCount"), "2");
    CHECK_STR(at("Table.AttributeDefinitions.5"),
              "{\"AttributeName\":\"w\",\"AttributeType\":\"N\"}");
    /* Deleted: gone from reads and from the definitions. */
    a = answer("UpdateTable", "{\"TableName\": \"Idx\", \"GlobalSecondaryIndexUpdates\": "
                              "[{\"Delete\": {\"IndexName\": \"byW\"}}]}");
    CHECK(strstr(a, "\"IndexName\":\"byW\"") != NULL && strstr(a, "\"IndexStatus\":\"DELETING\""));
    CHECK_STR(error_of("SELECT * FROM Idx.byW"),
              "ValidationException: The table does not have the specified index");
    describe("Idx");
    CHECK_STR(at("Table.AttributeDefinitions.5"), "(absent)");
    CHECK_STR(answer("UpdateTable", "{\"TableName\": \"Idx\", \"GlobalSecondaryIndexUpdates\": "
                                    "[{\"Delete\": {\"IndexName\": \"byW\"}}]}"),
              "ResourceNotFoundException: Requested resource not found: Index: byW not found");
    /* Billing mode. */
    CHECK_STR(answer("UpdateTable", "{\"TableName\": \"Idx\", \"BillingMode\": \"PROVISIONED\"}"),
              "ValidationException: One or more parameter values were invalid: ReadCapacityUnits "
              "and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED");
    CHECK_STR(answer("UpdateTable", "{\"TableName\": \"Idx\", \"ProvisionedThroughput\": "
                                    "{\"ReadCapacityUnits\": 5, \"WriteCapacityUnits\": 5}}"),
              "ValidationException: One or more parameter values were invalid: Neither "
              "ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is "
              "PAY_PER_REQUEST");
    a = answer("UpdateTable", "{\"TableName\": \"Idx\", \"BillingMode\": \"PROVISIONED\", "
                              "\"ProvisionedThroughput\": {\"ReadCapacityUnits\": 5, "
                              "\"WriteCapacityUnits\": 5}}");
    CHECK(strstr(a, "\"BillingModeSummary\":{\"BillingMode\":\"PROVISIONED\"}") != NULL);
    describe("Idx");
    CHECK_STR(at("Table.ProvisionedThroughput.ReadCapacityUnits"), "5");
    CHECK_STR(at("Table.GlobalSecondaryIndexes.0.ProvisionedThroughput.WriteCapacityUnits"), "5");
    CHECK_STR(answer("UpdateTable", "{\"TableName\": \"Idx\", \"ProvisionedThroughput\": "
                                    "{\"ReadCapacityUnits\": 5, \"WriteCapacityUnits\": 5}}"),
              "ValidationException: The provisioned throughput for the table will not change. The "
              "requested value equals the current value. Current ReadCapacityUnits provisioned "
              "for the table: 5. Requested ReadCapacityUnits: 5. Current WriteCapacityUnits "
              "provisioned for the table: 5. Requested WriteCapacityUnits: 5. Refer to the Amazon "
              "DynamoDB Developer Guide for current limits and how to request higher limits.");
    a = answer("UpdateTable", "{\"TableName\": \"Idx\", \"BillingMode\": \"PAY_PER_REQUEST\"}");
    describe("Idx");
    CHECK_STR(at("Table.BillingModeSummary.BillingMode"), "\"PAY_PER_REQUEST\"");
    CHECK_STR(at("Table.ProvisionedThroughput.ReadCapacityUnits"), "0");
}

static void test_in_limits(void)
{
    char stmt[2048] = "SELECT * FROM Tab WHERE x IN [";
    for (int i = 0; i < 101; i++)
        snprintf(stmt + strlen(stmt), sizeof stmt - strlen(stmt), "%s%d", i ? ", " : "", i);
    strcat(stmt, "]");
    CHECK_STR(error_of(stmt), "ValidationException: IN operator must have at most 100 members in "
                              "its right hand argument of type Seq");
    strcpy(stmt, "SELECT * FROM Tab WHERE pk IN [");
    for (int i = 0; i < 51; i++)
        snprintf(stmt + strlen(stmt), sizeof stmt - strlen(stmt), "%s'p%d'", i ? ", " : "", i);
    strcat(stmt, "]");
    CHECK_STR(error_of(stmt),
              "ValidationException: Too many decomposed read operations for a given query.");
    /* 50 partitions are fine; 100 values on a non-key attribute too. */
    strcpy(strstr(stmt, ", 'p50'"), "]");
    CHECK_STR(items(stmt), "[]");
    strcpy(stmt, "SELECT * FROM Tab WHERE x IN [");
    for (int i = 0; i < 100; i++)
        snprintf(stmt + strlen(stmt), sizeof stmt - strlen(stmt), "%s%d", i ? ", " : "", i);
    strcat(stmt, "]");
    CHECK_STR(items(stmt), "[]");
}

/* ConsumedCapacity of one ExecuteStatement as compact JSON. */
static const char *cc(const char *stmt, const char *extra)
{
    static char out[2048];
    json_t *r = run_ex(stmt, NULL, extra);
    if (!r) {
        snprintf(out, sizeof out, "ERROR: %s", last_err.message);
        return out;
    }
    char *t = json_dumps(json_object_get(r, "ConsumedCapacity"),
                         JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    snprintf(out, sizeof out, "%s", t ? t : "(none)");
    free(t);
    json_decref(r);
    return out;
}

static void test_capacity(void)
{
    const char *total = "{\"ReturnConsumedCapacity\": \"TOTAL\"}";
    const char *indexes = "{\"ReturnConsumedCapacity\": \"INDEXES\"}";
    /* Item sizes: a 1000-byte string plus pk/sk (names 4, values 2+1) → 1007 bytes. */
    char stmt[6000];
    char big[5000];
    memset(big, 'x', 1000);
    big[1000] = 0;
    snprintf(stmt, sizeof stmt, "INSERT INTO Tab VALUE {'pk': 'c1', 'sk': 1, 's': '%s'}", big);
    CHECK_STR(cc(stmt, total), "{\"CapacityUnits\":1.0,\"TableName\":\"Tab\","
                               "\"WriteCapacityUnits\":1.0}");
    memset(big, 'y', 1100);
    big[1100] = 0;
    snprintf(stmt, sizeof stmt, "INSERT INTO Tab VALUE {'pk': 'c1', 'sk': 2, 's': '%s'}", big);
    CHECK_STR(cc(stmt, total), "{\"CapacityUnits\":2.0,\"TableName\":\"Tab\","
                               "\"WriteCapacityUnits\":2.0}");
    /* Reads: 4 KB units, halved unless strongly consistent; nothing found costs one. */
    CHECK_STR(cc("SELECT * FROM Tab WHERE pk = 'c1' AND sk = 1", total),
              "{\"CapacityUnits\":0.5,\"ReadCapacityUnits\":0.5,\"TableName\":\"Tab\"}");
    CHECK_STR(cc("SELECT * FROM Tab WHERE pk = 'none' AND sk = 1",
                 "{\"ReturnConsumedCapacity\": \"TOTAL\", \"ConsistentRead\": true}"),
              "{\"CapacityUnits\":1.0,\"ReadCapacityUnits\":1.0,\"TableName\":\"Tab\"}");
    memset(big, 'z', 4000);
    big[4000] = 0;
    snprintf(stmt, sizeof stmt, "INSERT INTO Tab VALUE {'pk': 'c1', 'sk': 3, 's': '%s'}", big);
    CHECK_STR(cc(stmt, total), "{\"CapacityUnits\":4.0,\"TableName\":\"Tab\","
                               "\"WriteCapacityUnits\":4.0}");
    /* A Query sums what it evaluates (1007 + 1107 + 4007 bytes: 2 units), filter or not. */
    CHECK_STR(cc("SELECT pk FROM Tab WHERE pk = 'c1' AND s = 'nothing'",
                 "{\"ReturnConsumedCapacity\": \"TOTAL\", \"ConsistentRead\": true}"),
              "{\"CapacityUnits\":2.0,\"ReadCapacityUnits\":2.0,\"TableName\":\"Tab\"}");
    /* Writes count the larger of old and new; DELETE of nothing costs one. */
    CHECK_STR(cc("UPDATE Tab SET s = 'short' WHERE pk = 'c1' AND sk = 3", total),
              "{\"CapacityUnits\":4.0,\"TableName\":\"Tab\",\"WriteCapacityUnits\":4.0}");
    CHECK_STR(cc("DELETE FROM Tab WHERE pk = 'c1' AND sk = 3", total),
              "{\"CapacityUnits\":1.0,\"TableName\":\"Tab\",\"WriteCapacityUnits\":1.0}");
    CHECK_STR(cc("DELETE FROM Tab WHERE pk = 'c1' AND sk = 3", total),
              "{\"CapacityUnits\":1.0,\"TableName\":\"Tab\",\"WriteCapacityUnits\":1.0}");
    CHECK_STR(cc("DELETE FROM Tab WHERE pk = 'c1' AND sk = 3", NULL), "(none)");
    /* Index writes: INSERT into byG and byN (KEYS_ONLY / INCLUDE) and byLs. */
    CHECK_STR(cc("INSERT INTO Idx VALUE {'pk': 'f', 'sk': 1, 'g': 'x', 'n': 9, 'ls': 1}", indexes),
              "{\"CapacityUnits\":4.0,\"GlobalSecondaryIndexes\":{\"byG\":{\"CapacityUnits\":1.0,"
              "\"WriteCapacityUnits\":1.0},\"byN\":{\"CapacityUnits\":1.0,\"WriteCapacityUnits\":"
              "1.0}},\"LocalSecondaryIndexes\":{\"byLs\":{\"CapacityUnits\":1.0,"
              "\"WriteCapacityUnits\":1.0}},\"Table\":{\"CapacityUnits\":1.0,"
              "\"WriteCapacityUnits\":1.0},\"TableName\":\"Idx\",\"WriteCapacityUnits\":4.0}");
    /* Changing a non-projected attribute touches no KEYS_ONLY index; changing
     * an index key is a delete and a put there. */
    CHECK_STR(cc("UPDATE Idx SET zz = 1 WHERE pk = 'f' AND sk = 1", indexes),
              "{\"CapacityUnits\":1.0,\"Table\":{\"CapacityUnits\":1.0,\"WriteCapacityUnits\":1.0},"
              "\"TableName\":\"Idx\",\"WriteCapacityUnits\":1.0}");
    CHECK_STR(cc("UPDATE Idx SET g = 'q' WHERE pk = 'f' AND sk = 1", indexes),
              "{\"CapacityUnits\":3.0,\"GlobalSecondaryIndexes\":{\"byG\":{\"CapacityUnits\":2.0,"
              "\"WriteCapacityUnits\":2.0}},\"Table\":{\"CapacityUnits\":1.0,"
              "\"WriteCapacityUnits\":1.0},\"TableName\":\"Idx\",\"WriteCapacityUnits\":3.0}");
    /* Index reads are charged to the index, and only the index is reported
     * (item API reference §11.1). */
    CHECK_STR(cc("SELECT pk FROM Idx.byG WHERE g = 'q'", indexes),
              "{\"CapacityUnits\":0.5,\"GlobalSecondaryIndexes\":{\"byG\":{\"CapacityUnits\":0.5,"
              "\"ReadCapacityUnits\":0.5}},\"ReadCapacityUnits\":0.5,\"TableName\":\"Idx\"}");
    /* Batches list each table; transactions cost twice. */
    const char *a = NULL;
    json_t *r = call_json("BatchExecuteStatement",
                          "{\"ReturnConsumedCapacity\": \"TOTAL\", \"Statements\": ["
                          "{\"Statement\": \"SELECT * FROM Tab WHERE pk = 'c1' AND sk = 2\"},"
                          "{\"Statement\": \"SELECT * FROM Idx WHERE pk = 'f' AND sk = 1\", "
                          "\"ConsistentRead\": true}]}");
    char *t = r ? json_dumps(json_object_get(r, "ConsumedCapacity"), JSON_COMPACT | JSON_SORT_KEYS)
                : NULL;
    CHECK_STR(t, "[{\"CapacityUnits\":0.5,\"ReadCapacityUnits\":0.5,\"TableName\":\"Tab\"},"
                 "{\"CapacityUnits\":1.0,\"ReadCapacityUnits\":1.0,\"TableName\":\"Idx\"}]");
    free(t);
    json_decref(r);
    r = call_json("ExecuteTransaction",
                  "{\"ReturnConsumedCapacity\": \"TOTAL\", \"TransactStatements\": ["
                  "{\"Statement\": \"UPDATE Tab SET n = 1 WHERE pk = 'c1' AND sk = 2\"},"
                  "{\"Statement\": \"INSERT INTO Tab VALUE {'pk': 'c2', 'sk': 1}\"}]}");
    t = r ? json_dumps(json_object_get(r, "ConsumedCapacity"), JSON_COMPACT | JSON_SORT_KEYS)
          : NULL;
    CHECK_STR(t, "[{\"CapacityUnits\":6.0,\"TableName\":\"Tab\",\"WriteCapacityUnits\":6.0}]");
    free(t);
    json_decref(r);
    r = call_json("ExecuteTransaction",
                  "{\"ReturnConsumedCapacity\": \"TOTAL\", \"TransactStatements\": ["
                  "{\"Statement\": \"SELECT * FROM Tab WHERE pk = 'c1' AND sk = 2\"}]}");
    t = r ? json_dumps(json_object_get(r, "ConsumedCapacity"), JSON_COMPACT | JSON_SORT_KEYS)
          : NULL;
    CHECK_STR(t, "[{\"CapacityUnits\":2.0,\"ReadCapacityUnits\":2.0,\"TableName\":\"Tab\"}]");
    free(t);
    json_decref(r);
    (void)a;
}

int main(void)
{
    engine_start(0);
    create_table("Tab", "pk", 'S', "sk", 'N');
    create_indexed();
    test_index_reads();
    test_index_writes();
    test_update_table();
    test_in_limits();
    test_capacity();
    if (described) json_decref(described);
    pq_engine_close(eng);
    pq_error_release(&last_err);
    DONE();
}
