/* test_engine_write.c — ExecuteStatement writes: INSERT, UPDATE, DELETE (§4.4–§4.6, §4.9). */
#include "test_engine_util.h"

static const char *get(const char *pk, int sk)
{
    static char stmt[256];
    snprintf(stmt, sizeof stmt, "SELECT * FROM \"Tab\" WHERE pk = '%s' AND sk = %d", pk, sk);
    return items(stmt);
}

/* Parameters text [{"S": "xxx…"}] with a string of n bytes; free() it. */
static char *big_string_param(size_t n)
{
    char *p = malloc(n + 16);
    memcpy(p, "[{\"S\": \"", 8);
    memset(p + 8, 'x', n);
    memcpy(p + 8 + n, "\"}]", 4);
    return p;
}

static void test_insert(void)
{
    CHECK_STR(items("INSERT INTO \"Tab\" VALUE {'pk': 'i', 'sk': 1, 'a': 'x'}"), "[]");
    CHECK_STR(get("i", 1), "[{\"a\":{\"S\":\"x\"},\"pk\":{\"S\":\"i\"},\"sk\":{\"N\":\"1\"}}]");
    CHECK_STR(error_of("INSERT INTO \"Tab\" VALUE {'pk': 'i', 'sk': 1}"),
              "DuplicateItemException: Duplicate primary key exists in table");
    CHECK_STR(error_of("INSERT INTO \"Tab\" VALUE {'pk': 'i'}"),
              "ValidationException: Key attribute should be present in the item: Key sk");
    CHECK_STR(error_of("INSERT INTO \"Tab\" VALUE {'pk': 'i', 'sk': '1'}"),
              "ValidationException: Key attribute's data type should match its data type in "
              "table's schema: Key sk");
    CHECK_STR(error_p("INSERT INTO \"Tab\" VALUE {'pk': ?, 'sk': 2}", "[{\"N\": \"1\"}]"),
              "ValidationException: Key attribute's data type should match its data type in "
              "table's schema: Key pk");
    CHECK_STR(error_of("INSERT INTO \"Tab\" VALUE {'pk': '', 'sk': 2}"),
              "ValidationException: One or more parameter values are not valid. The AttributeValue "
              "for a key attribute cannot contain an empty string value. Key: pk");
    CHECK_STR(error_of("INSERT INTO \"Tab\" VALUES {'pk': 'i', 'sk': 2}"),
              "ValidationException: Unsupported operation: Inserting multiple items in a single "
              "statement is not supported, use \"INSERT INTO tableName VALUE item\" instead");
    CHECK_STR(error_of("INSERT INTO \"Tab\" VALUE {'pk': 'i', 'sk': 2} RETURNING ALL OLD *"),
              "ValidationException: RETURNING is not supported in INSERT");
    CHECK_STR(error_of("INSERT INTO \"Tab\" VALUE ['i', 2]"),
              "ValidationException: Unsupported format in item expression. Please use struct "
              "format {...} to express item values for insert statement.");
    CHECK_STR(error_of("INSERT INTO \"Tab\" VALUE {'pk': 'i', 'sk': 2, 's': set_add(s, <<1>>)}"),
              "ValidationException: Unsupported data type: set_add under key root at 1:51:7");
    CHECK_STR(error_of("INSERT INTO \"Tab\".\"idx\" VALUE {'pk': 'i', 'sk': 2}"),
              "ValidationException: This operation is not supported on an index");
    CHECK_STR(error_of("INSERT INTO \"Nope\" VALUE {'pk': 'i', 'sk': 2}"),
              "ResourceNotFoundException: Requested resource not found");
    /* Parameters inside the item; binary only via parameters. */
    CHECK_STR(items_p("INSERT INTO \"Tab\" VALUE {'pk': ?, 'sk': ?, 'b': ?}",
                      "[{\"S\":\"i\"},{\"N\":\"2\"},{\"B\":\"AAE=\"}]"),
              "[]");
    CHECK_STR(get("i", 2), "[{\"b\":{\"B\":\"AAE=\"},\"pk\":{\"S\":\"i\"},\"sk\":{\"N\":\"2\"}}]");
    /* Key size limits. */
    char *stmt = malloc(3000);
    snprintf(stmt, 3000, "INSERT INTO \"Tab\" VALUE {'pk': '%02049d', 'sk': 1}", 0);
    CHECK_STR(error_of(stmt), "ValidationException: One or more parameter values were invalid: "
                              "Size of hashkey has exceeded the maximum size limit of2048 bytes");
    snprintf(stmt, 3000, "INSERT INTO \"Tab\" VALUE {'pk': '%02048d', 'sk': 1}", 0);
    CHECK_STR(error_of(stmt), "OK");
    free(stmt);
    /* Item size: 409,600 bytes is the most an item may hold (the text goes
     * in a parameter: statements are limited to 8192 characters). */
    size_t pad = 409600 - (2 + 1) - (2 + 2) - 3; /* pk 'i', sk 3 (N: 2 bytes), name "pad" */
    char *param = big_string_param(pad);
    CHECK_STR(error_p("INSERT INTO \"Tab\" VALUE {'pk': 'i', 'sk': 3, 'pad': ?}", param), "OK");
    free(param);
    param = big_string_param(pad + 1);
    CHECK_STR(error_p("INSERT INTO \"Tab\" VALUE {'pk': 'i', 'sk': 4, 'pad': ?}", param),
              "ValidationException: Item size has exceeded the maximum allowed size");
    free(param);
}

static void test_update_keys(void)
{
    CHECK_STR(error_of("UPDATE \"Tab\" SET a = 1 WHERE pk = 'u'"),
              "ValidationException: Where clause does not contain a mandatory equality on all key "
              "attributes");
    CHECK_STR(error_of("UPDATE \"Tab\" SET a = 1 WHERE pk = 'u' AND sk > 1"),
              "ValidationException: Where clause does not contain a mandatory equality on all key "
              "attributes");
    CHECK_STR(error_of("UPDATE \"Tab\" SET a = 1 WHERE pk = 'u' AND sk = 1 OR pk = 'v' AND sk = 1"),
              "ValidationException: Where clause does not contain a mandatory equality on all key "
              "attributes");
    CHECK_STR(error_of("UPDATE \"Tab\" SET a = 1"),
              "ValidationException: Where clause does not contain a mandatory equality on all key "
              "attributes");
    CHECK_STR(error_of("UPDATE \"Tab\" SET a = 1 WHERE pk = 'u' AND pk = 'v' AND sk = 1"),
              "ValidationException: Multiple conditions on same key pk. Only single item "
              "Update/Insert/Delete are supported");
    CHECK_STR(error_of("UPDATE \"Tab\" SET a = 1 WHERE pk = 'u' AND sk = '1'"),
              "ValidationException: Key attribute's data type should match its data type in "
              "table's schema: Key sk");
    CHECK_STR(error_of("UPDATE \"Tab\" SET sk = 2 WHERE pk = 'u' AND sk = 1"),
              "ValidationException: One or more parameter values were invalid: Cannot update "
              "attribute sk. This attribute is part of the key");
    CHECK_STR(error_of("UPDATE \"Tab\".\"idx\" SET a = 1 WHERE pk = 'u' AND sk = 1"),
              "ValidationException: This operation is not supported on an index");
    /* A missing item is a failed condition, and nothing is created. */
    CHECK_STR(error_of("UPDATE \"Tab\" SET a = 1 WHERE pk = 'nobody' AND sk = 1"),
              "ConditionalCheckFailedException: The conditional request failed");
    CHECK_STR(get("nobody", 1), "[]");
}

static void test_update_actions(void)
{
    ok("INSERT INTO \"Tab\" VALUE {'pk': 'u', 'sk': 1, 'n': 10, 'l': [1, 2, 3], 'm': {'a': {'b': "
       "1}}, "
       "'ss': <<'x', 'y'>>, 'big': 99999999999999999999999999999999999999}");
#define U(set) items("UPDATE \"Tab\" " set " WHERE pk = 'u' AND sk = 1 RETURNING MODIFIED NEW *")
    CHECK_STR(U("SET n = n + 1"), "[{\"n\":{\"N\":\"11\"}}]");
    CHECK_STR(U("SET n = n - 0.5"), "[{\"n\":{\"N\":\"10.5\"}}]");
    CHECK_STR(U("SET s = 'text'"), "[{\"s\":{\"S\":\"text\"}}]");
    CHECK_STR(U("SET copy = n"), "[{\"copy\":{\"N\":\"10.5\"}}]");
    CHECK_STR(U("SET l = list_append(l, [4])"),
              "[{\"l\":{\"L\":[{\"N\":\"1\"},{\"N\":\"2\"},{\"N\":\"3\"},{\"N\":\"4\"}]}}]");
    CHECK_STR(U("SET m.a.c = 2"),
              "[{\"m\":{\"M\":{\"a\":{\"M\":{\"b\":{\"N\":\"1\"},\"c\":{\"N\":\"2\"}}}}}}]");
    CHECK_STR(U("SET l[1] = 'two'"),
              "[{\"l\":{\"L\":[{\"N\":\"1\"},{\"S\":\"two\"},{\"N\":\"3\"},{\"N\":\"4\"}]}}]");
    CHECK_STR(U("REMOVE l[0] REMOVE l[2]"), "[{\"l\":{\"L\":[{\"S\":\"two\"},{\"N\":\"4\"}]}}]");
    CHECK_STR(U("SET ss = set_add(ss, <<'z', 'x'>>)"), "[{\"ss\":{\"SS\":[\"x\",\"y\",\"z\"]}}]");
    CHECK_STR(U("SET ss = set_delete(ss, <<'x', 'q'>>)"), "[{\"ss\":{\"SS\":[\"y\",\"z\"]}}]");
    CHECK_STR(U("SET ss = set_delete(ss, <<'y', 'z'>>)"), "[{}]"); /* emptied → removed */
    CHECK_STR(U("SET ns = set_add(ns, <<1, 2>>)"), "[{\"ns\":{\"NS\":[\"1\",\"2\"]}}]");
    CHECK_STR(U("SET c = 1 REMOVE copy"), "[{\"c\":{\"N\":\"1\"}}]");
    CHECK_STR(items("UPDATE \"Tab\" SET c = 2 WHERE pk = 'u' AND sk = 1 RETURNING ALL OLD *"),
              "[{\"big\":{\"N\":\"99999999999999999999999999999999999999\"},\"c\":{\"N\":\"1\"},"
              "\"l\":{\"L\":[{\"S\":\"two\"},{\"N\":\"4\"}]},\"m\":{\"M\":{\"a\":{\"M\":{\"b\":{"
              "\"N\":\"1\"},\"c\":{\"N\":\"2\"}}}}},\"n\":{\"N\":\"10.5\"},\"ns\":{\"NS\":[\"1\","
              "\"2\"]},\"pk\":{\"S\":\"u\"},\"s\":{\"S\":\"text\"},\"sk\":{\"N\":\"1\"}}]");
    CHECK_STR(items("UPDATE \"Tab\" SET c = 3 WHERE pk = 'u' AND sk = 1"), "[]");
    /* Numbers stay exact. */
    CHECK_STR(U("SET big = big - 99999999999999999999999999999999999998"),
              "[{\"big\":{\"N\":\"1\"}}]");
    CHECK_STR(U("SET n = n + 0.000000000000000000000000000000000001"),
              "[{\"n\":{\"N\":\"10.500000000000000000000000000000000001\"}}]");
#undef U
#define UERR(set) error_of("UPDATE \"Tab\" " set " WHERE pk = 'u' AND sk = 1")
    CHECK_STR(UERR("SET s = s + 1"),
              "ValidationException: An operand in the update expression has an incorrect data "
              "type");
    CHECK_STR(UERR("SET n = nope + 1"),
              "ValidationException: The provided expression refers to an attribute that does not "
              "exist in the item");
    CHECK_STR(UERR("SET n = n * 2"),
              "ValidationException: Unsupported operator in Update Expression. Operator: *");
    CHECK_STR(UERR("SET ss = set_add(other, <<'a'>>)"),
              "ValidationException: The first argument to SET_ADD must equal the assignment value "
              "at 1:23:7");
    CHECK_STR(
        UERR("SET ss = set_add(ss, 'a')"),
        "ValidationException: The second argument to SET_ADD must be a value with type SET at "
        "1:23:7");
    CHECK_STR(UERR("SET ss = SET_DELETE(ss)"),
              "ValidationException: SET_DELETE must have exactly two arguments at 1:23:10");
    CHECK_STR(UERR("SET s = set_add(s, <<1>>)"),
              "ValidationException: An operand in the update expression has an incorrect data "
              "type");
    CHECK_STR(UERR("SET m.x.y = 1"),
              "ValidationException: The document path provided in the update expression is "
              "invalid for update");
    CHECK_STR(UERR("SET a = 1 SET a = 2"),
              "ValidationException: Invalid UpdateExpression: Two document paths overlap with each "
              "other; must remove or rewrite one of these paths; path one: [a], path two: [a]");
#undef UERR
    /* Update size limit uses the update wording. */
    char *param = big_string_param(409600);
    CHECK_STR(error_p("UPDATE \"Tab\" SET filler = ? WHERE pk = 'u' AND sk = 1", param),
              "ValidationException: Item size to update has exceeded the maximum allowed size");
    free(param);
}

static void test_conditions(void)
{
    ok("INSERT INTO \"Tab\" VALUE {'pk': 'c', 'sk': 1, 'v': 1}");
    CHECK_STR(error_of("UPDATE \"Tab\" SET v = 2 WHERE pk = 'c' AND sk = 1 AND v = 5"),
              "ConditionalCheckFailedException: The conditional request failed");
    CHECK(last_err.detail == NULL);
    json_t *r = run_ex("UPDATE \"Tab\" SET v = 2 WHERE pk = 'c' AND sk = 1 AND v = 5", NULL,
                       "{\"ReturnValuesOnConditionCheckFailure\": \"ALL_OLD\"}");
    CHECK(r == NULL);
    char *d = last_err.detail ? json_dumps(last_err.detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    CHECK_STR(d, "{\"Item\":{\"pk\":{\"S\":\"c\"},\"sk\":{\"N\":\"1\"},\"v\":{\"N\":\"1\"}},"
                 "\"__type\":\"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException\","
                 "\"message\":\"The conditional request failed\"}");
    free(d);
    CHECK_STR(items("UPDATE \"Tab\" SET v = 2 WHERE pk = 'c' AND sk = 1 AND v = 1 AND "
                    "attribute_exists(v) RETURNING ALL NEW *"),
              "[{\"pk\":{\"S\":\"c\"},\"sk\":{\"N\":\"1\"},\"v\":{\"N\":\"2\"}}]");
    CHECK_STR(items("UPDATE \"Tab\" SET v = 3 WHERE pk = 'c' AND sk = 1 RETURNING MODIFIED OLD *"),
              "[{\"v\":{\"N\":\"2\"}}]");
}

static void test_delete(void)
{
    ok("INSERT INTO \"Tab\" VALUE {'pk': 'd', 'sk': 1, 'v': 1}");
    ok("INSERT INTO \"Tab\" VALUE {'pk': 'd', 'sk': 2, 'v': 2}");
    CHECK_STR(error_of("DELETE FROM \"Tab\" WHERE pk = 'd'"),
              "ValidationException: Where clause does not contain a mandatory equality on all key "
              "attributes");
    CHECK_STR(error_of("DELETE FROM \"Tab\" WHERE pk = 'd' AND sk = 1 RETURNING MODIFIED OLD *"),
              "ValidationException: Invalid returning clause: RETURNING MODIFIED OLD *. Only "
              "RETURNING ALL OLD * is allowed in DELETE statements.");
    CHECK_STR(error_of("DELETE FROM \"Tab\" WHERE pk = 'd' AND sk = 1 RETURNING ALL NEW *"),
              "ValidationException: Invalid returning clause: RETURNING ALL NEW *. Only RETURNING "
              "ALL OLD * is allowed in DELETE statements.");
    CHECK_STR(error_of("DELETE FROM \"Tab\" t WHERE pk = 'd' AND sk = 1"),
              "ValidationException: Aliasing is not supported");
    CHECK_STR(error_of("DELETE FROM \"Tab\" WHERE pk = 'd' AND sk = 1 AND v = 9"),
              "ConditionalCheckFailedException: The conditional request failed");
    CHECK_STR(get("d", 1), "[{\"pk\":{\"S\":\"d\"},\"sk\":{\"N\":\"1\"},\"v\":{\"N\":\"1\"}}]");
    CHECK_STR(items("DELETE FROM \"Tab\" WHERE pk = 'd' AND sk = 1 AND v = 1"), "[]");
    CHECK_STR(get("d", 1), "[]");
    CHECK_STR(items("DELETE FROM \"Tab\" WHERE pk = 'd' AND sk = 2 RETURNING ALL OLD *"),
              "[{\"pk\":{\"S\":\"d\"},\"sk\":{\"N\":\"2\"},\"v\":{\"N\":\"2\"}}]");
    /* Deleting an absent item succeeds. */
    CHECK_STR(items("DELETE FROM \"Tab\" WHERE pk = 'd' AND sk = 2"), "[]");
    CHECK_STR(items("DELETE FROM \"Tab\" WHERE pk = 'd' AND sk = 2 AND v IS MISSING"), "[]");
    /* A positive condition on an absent item fails, as with DeleteItem. */
    CHECK_STR(error_of("DELETE FROM \"Tab\" WHERE pk = 'd' AND sk = 2 AND v = 1"),
              "ConditionalCheckFailedException: The conditional request failed");
    /* INSERT after DELETE of the same key succeeds. */
    ok("INSERT INTO \"Tab\" VALUE {'pk': 'd', 'sk': 1}");
}

/* Literal items obey the 32-level nesting limit like parameters do. */
static void test_nesting(void)
{
    const char *want = "ValidationException: Nesting Levels have exceeded supported limits: "
                       "Attributes in the item have nested levels beyond supported limit";
    char deep[512], ok32[512], stmt[1200];
    /* n nested lists around 1: the attribute's value is n levels deep. */
    for (int n = 32; n <= 33; n++) {
        char *b = n == 32 ? ok32 : deep;
        size_t len = 0;
        for (int i = 0; i < n; i++)
            b[len++] = '[';
        b[len++] = '1';
        for (int i = 0; i < n; i++)
            b[len++] = ']';
        b[len] = '\0';
    }
    snprintf(stmt, sizeof stmt, "INSERT INTO \"Tab\" VALUE {'pk': 'n', 'sk': 1, 'd': %s}", deep);
    CHECK_STR(error_of(stmt), want);
    snprintf(stmt, sizeof stmt, "INSERT INTO \"Tab\" VALUE {'pk': 'n', 'sk': 1, 'd': %s}", ok32);
    ok(stmt);
    snprintf(stmt, sizeof stmt, "UPDATE \"Tab\" SET e = %s WHERE pk = 'n' AND sk = 1", deep);
    CHECK_STR(error_of(stmt), want);
    /* A path into a map adds its levels: {'m': 32 levels} one level down is 33. */
    ok("UPDATE \"Tab\" SET m = {} WHERE pk = 'n' AND sk = 1");
    snprintf(stmt, sizeof stmt, "UPDATE \"Tab\" SET m.x = %s WHERE pk = 'n' AND sk = 1", ok32);
    CHECK_STR(error_of(stmt), want);
}

/* The engine keeps its last statement (emptied, with its text buffer) for
 * the next one: whatever came before, each INSERT writes its own item. And
 * writes without items answer {"Items": []}, each its own object (pqsh
 * serve's threads drop answers concurrently). */
static void test_kept_between_statements(void)
{
    ok("INSERT INTO \"Tab\" VALUE {'pk': 'r', 'sk': 1, 'a': 'first one, long enough'}");
    CHECK(eng->spare && eng->spare->key == NULL && eng->spare->made.text.len == 0 &&
          !eng->spare->made.keyed);
    ok("INSERT INTO \"Tab\" VALUE {'pk': 'r', 'sk': 2}");
    CHECK_STR(get("r", 2), "[{\"pk\":{\"S\":\"r\"},\"sk\":{\"N\":\"2\"}}]");
    /* Failures, in preparing and in running, leave a spare as empty. */
    CHECK_STR(error_of("INSERT INTO \"Tab\" VALUE {'pk': 'r', 'sk': 2}"),
              "DuplicateItemException: Duplicate primary key exists in table");
    CHECK(eng->spare && eng->spare->key == NULL && eng->spare->made.text.len == 0);
    CHECK_STR(error_of("INSERT INTO \"Tab\" VALUE {'pk': 'r'}"),
              "ValidationException: Key attribute should be present in the item: Key sk");
    CHECK(eng->spare && eng->spare->key == NULL && eng->spare->made.text.len == 0);
    ok("INSERT INTO \"Tab\" VALUE {'pk': 'r', 'sk': 3, 'b': true}");
    CHECK_STR(get("r", 3), "[{\"b\":{\"BOOL\":true},\"pk\":{\"S\":\"r\"},\"sk\":{\"N\":\"3\"}}]");
    /* A large item's buffer is not kept; the next statement makes its own. */
    char *big = big_string_param(100000);
    CHECK_STR(items_p("INSERT INTO \"Tab\" VALUE {'pk': 'r', 'sk': 4, 'big': ?}", big), "[]");
    free(big);
    CHECK(eng->spare == NULL);
    ok("INSERT INTO \"Tab\" VALUE {'pk': 'r', 'sk': 5}");
    CHECK(eng->spare != NULL);
    CHECK_STR(get("r", 5), "[{\"pk\":{\"S\":\"r\"},\"sk\":{\"N\":\"5\"}}]");
    /* Writes without items answer {"Items": []}, each its own object; one
     * that reports its capacity adds it to its own. */
    json_t *a = run("INSERT INTO \"Tab\" VALUE {'pk': 'r', 'sk': 6}");
    json_t *b = run("DELETE FROM \"Tab\" WHERE pk = 'r' AND sk = 6");
    CHECK(a && b && a != b);
    json_t *c = run_ex("INSERT INTO \"Tab\" VALUE {'pk': 'r', 'sk': 6}", NULL,
                       "{\"ReturnConsumedCapacity\": \"TOTAL\"}");
    CHECK(c && c != a && json_object_get(c, "ConsumedCapacity"));
    char *text = json_dumps(a, JSON_COMPACT);
    CHECK_STR(text, "{\"Items\":[]}");
    free(text);
    json_decref(a);
    json_decref(b);
    json_decref(c);
    ok("DELETE FROM \"Tab\" WHERE pk = 'r' AND sk = 6");
    CHECK_STR(items("SELECT sk FROM \"Tab\" WHERE pk = 'r'"),
              "[{\"sk\":{\"N\":\"1\"}},{\"sk\":{\"N\":\"2\"}},{\"sk\":{\"N\":\"3\"}},"
              "{\"sk\":{\"N\":\"4\"}},{\"sk\":{\"N\":\"5\"}}]");
}

/* The Items of SELECT `stmt` as compact JSON in the stored member order
 * (items() sorts the keys). */
static const char *stored(const char *stmt)
{
    static char out[1024];
    json_t *r = run(stmt);
    char *t = r ? json_dumps(json_object_get(r, "Items"), JSON_COMPACT) : NULL;
    snprintf(out, sizeof out, "%s", t ? t : "(failed)");
    free(t);
    json_decref(r);
    return out;
}

/* True when the spare statement holds a members map with exactly `n`
 * members, all JSON null (no statement's literals kept). */
static bool spare_item_emptied(size_t n)
{
    json_t *m = eng->spare ? eng->spare->item_spare : NULL;
    if (!m || json_object_size(m) != n) return false;
    for (void *it = json_object_iter(m); it; it = json_object_iter_next(m, it))
        if (!json_is_null(json_object_iter_value(it))) return false;
    return true;
}

/* An INSERT's members map is kept (names only) for the next INSERT, which
 * makes its item in it: each item is still its own, in its statement's
 * member order, whatever the shape of the one before. */
static void test_item_kept_between_inserts(void)
{
    ok("INSERT INTO \"Tab\" VALUE {'pk': 'k', 'sk': 1, 'a': 'x'}");
    CHECK(spare_item_emptied(3));
    ok("INSERT INTO \"Tab\" VALUE {'pk': 'k', 'sk': 2, 'a': 'y'}");
    CHECK(spare_item_emptied(3));
    ok("INSERT INTO \"Tab\" VALUE {'sk': 3, 'pk': 'k', 'b': [1, 'z']}");
    CHECK(spare_item_emptied(3));
    ok("INSERT INTO \"Tab\" VALUE {'pk': 'k', 'sk': 4}");
    CHECK(spare_item_emptied(2));
    CHECK_STR(error_of("INSERT INTO \"Tab\" VALUE {'pk': 'k', 'sk': 4}"),
              "DuplicateItemException: Duplicate primary key exists in table");
    CHECK_STR(error_of("INSERT INTO \"Tab\" VALUE {'pk': 'k', 'sk': 5, 'sk': 6}"),
              "ValidationException: Duplicate keys in tuple. Key: sk under root");
    ok("INSERT INTO \"Tab\" VALUE {'pk': 'k', 'sk': 5, 'c': 1, 'd': {'e': 2}}");
    CHECK(spare_item_emptied(4));
    CHECK_STR(
        stored("SELECT * FROM \"Tab\" WHERE pk = 'k'"),
        "[{\"pk\":{\"S\":\"k\"},\"sk\":{\"N\":\"1\"},\"a\":{\"S\":\"x\"}},"
        "{\"pk\":{\"S\":\"k\"},\"sk\":{\"N\":\"2\"},\"a\":{\"S\":\"y\"}},"
        "{\"sk\":{\"N\":\"3\"},\"pk\":{\"S\":\"k\"},\"b\":{\"L\":[{\"N\":\"1\"},{\"S\":\"z\"}]}},"
        "{\"pk\":{\"S\":\"k\"},\"sk\":{\"N\":\"4\"}},"
        "{\"pk\":{\"S\":\"k\"},\"sk\":{\"N\":\"5\"},\"c\":{\"N\":\"1\"},"
        "\"d\":{\"M\":{\"e\":{\"N\":\"2\"}}}}]");
}

/* The compact JSON of `r`, then `r` released (its pointer still compared). */
static const char *text_of(json_t *r)
{
    static char out[256];
    char *t = r ? json_dumps(r, JSON_COMPACT) : NULL;
    snprintf(out, sizeof out, "%s", t ? t : "(none)");
    free(t);
    json_decref(r);
    return out;
}

/* A write's {"Items": []} is given again only once its last holder has
 * dropped it and it is still exactly that; otherwise each answer is a new
 * object, and a changed one is never seen again. */
static void test_empty_answer_kept(void)
{
    json_t *a = run("INSERT INTO \"Tab\" VALUE {'pk': 'w', 'sk': 1}");
    const json_t *first = a;
    CHECK_STR(text_of(a), "{\"Items\":[]}");
    json_t *b = run("INSERT INTO \"Tab\" VALUE {'pk': 'w', 'sk': 2}");
    CHECK(b == first); /* dropped by its holder: given again */
    CHECK(b == eng->answers[0] && b->refcount == 2);
    /* Still held: the next write gets another. */
    json_t *c = run("DELETE FROM \"Tab\" WHERE pk = 'w' AND sk = 2");
    CHECK(c && c != b);
    CHECK_STR(text_of(b), "{\"Items\":[]}");
    /* Changed by its holder: not given again. */
    json_array_append_new(json_object_get(c, "Items"), json_true());
    json_object_set_new(c, "Extra", json_true());
    json_decref(c);
    CHECK_STR(text_of(run("INSERT INTO \"Tab\" VALUE {'pk': 'w', 'sk': 2}")), "{\"Items\":[]}");
    /* Its Items array kept by a holder after the answer: a new answer. */
    json_t *e = run("DELETE FROM \"Tab\" WHERE pk = 'w' AND sk = 2");
    json_t *items = json_incref(json_object_get(e, "Items"));
    json_decref(e);
    json_t *f = run("INSERT INTO \"Tab\" VALUE {'pk': 'w', 'sk': 2}");
    CHECK(f && json_object_get(f, "Items") != items);
    CHECK_STR(text_of(f), "{\"Items\":[]}");
    json_array_append_new(items, json_false());
    json_decref(items);
    /* A capacity report is added to the answer's own object, then gone. */
    json_t *g = run_ex("INSERT INTO \"Tab\" VALUE {'pk': 'w', 'sk': 3}", NULL,
                       "{\"ReturnConsumedCapacity\": \"TOTAL\"}");
    CHECK(g && json_object_get(g, "ConsumedCapacity"));
    json_decref(g);
    CHECK_STR(text_of(run("DELETE FROM \"Tab\" WHERE pk = 'w' AND sk = 3")), "{\"Items\":[]}");
    /* An answer with items is its own. */
    CHECK_STR(text_of(run("DELETE FROM \"Tab\" WHERE pk = 'w' AND sk = 1 RETURNING ALL OLD *")),
              "{\"Items\":[{\"pk\":{\"S\":\"w\"},\"sk\":{\"N\":\"1\"}}]}");
    CHECK_STR(text_of(run("DELETE FROM \"Tab\" WHERE pk = 'w' AND sk = 2")), "{\"Items\":[]}");
    /* More answers held at once than are kept: each its own; once all
     * are dropped, a kept one is given again. */
    json_t *held[ANSWERS_KEPT + 2];
    for (size_t i = 0; i < ANSWERS_KEPT + 2; i++) {
        held[i] = run(i % 2 ? "DELETE FROM \"Tab\" WHERE pk = 'w' AND sk = 9"
                            : "INSERT INTO \"Tab\" VALUE {'pk': 'w', 'sk': 9}");
        for (size_t j = 0; j < i; j++)
            CHECK(held[i] && held[i] != held[j]);
    }
    for (size_t i = 0; i < ANSWERS_KEPT; i++)
        CHECK(eng->answers[i] && eng->answers[i]->refcount == 2);
    for (size_t i = 0; i < ANSWERS_KEPT + 2; i++)
        CHECK_STR(text_of(held[i]), "{\"Items\":[]}");
    json_t *again = run("INSERT INTO \"Tab\" VALUE {'pk': 'w', 'sk': 9}");
    CHECK(again == eng->answers[0] && again->refcount == 2);
    CHECK_STR(text_of(again), "{\"Items\":[]}");
}

int main(void)
{
    engine_start(0);
    create_table("Tab", "pk", 'S', "sk", 'N');
    test_insert();
    test_update_keys();
    test_update_actions();
    test_conditions();
    test_delete();
    test_nesting();
    test_kept_between_statements();
    test_item_kept_between_inserts();
    test_empty_answer_kept();
    pq_engine_close(eng);
    pq_error_release(&last_err);
    DONE();
}
