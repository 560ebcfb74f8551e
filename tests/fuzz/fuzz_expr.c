/* fuzz_expr.c — libFuzzer target: the item API's expression parser and checks (src/engine/expr*.c).
 *
 * The input's first byte picks the kind (condition, filter, key condition,
 * projection, update) and the flags; the rest is the expression text. The
 * request's ExpressionAttributeNames / ExpressionAttributeValues are chosen
 * from the text: every #ref and :ref in it is defined (names map to short
 * names, values to one of a few types picked by the ref's last character),
 * except those whose first character after the sigil is 'u' (left undefined,
 * to reach those messages), plus one unused name and value when the kind
 * byte says so. Checks, beyond "no crash, no leak, no UB": an error is a
 * ValidationException with a message that names its parameter; a compiled
 * condition evaluates on a few items; a projection cuts them; an update
 * applies to them (its runtime errors are errors, not crashes).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/expr.h"

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_expr: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    abort();
}

static const char *const value_json[] = {
    "{\"N\":\"1\"}",
    "{\"S\":\"ab\"}",
    "{\"B\":\"AAE=\"}",
    "{\"SS\":[\"a\",\"b\"]}",
    "{\"NS\":[\"1\",\"2\"]}",
    "{\"L\":[{\"N\":\"1\"}]}",
    "{\"M\":{\"a\":{\"S\":\"x\"}}}",
    "{\"BOOL\":true}",
    "{\"NULL\":true}",
    "{\"S\":\"N\"}",
};

static const char *const items_json[] = {
    "{}",
    ("{\"a\":{\"N\":\"1\"},\"b\":{\"S\":\"ab\"},\"l\":{\"L\":[{\"N\":\"1\"},{\"S\":\"x\"}]},"
     "\"m\":{\"M\":{\"a\":{\"M\":{\"b\":{\"L\":[{\"N\":\"2\"}]}}}}},\"s\":{\"SS\":[\"a\"]}}"),
    "{\"a\":{\"S\":\"1\"},\"n0\":{\"NS\":[\"1\",\"3\"]},\"x\":{\"NULL\":true}}",
};

/* Defines every #ref / :ref of the text in `names` / `values`. */
static void refs(const char *text, size_t len, json_t *names, json_t *values)
{
    for (size_t i = 0; i < len; i++) {
        if (text[i] != '#' && text[i] != ':') continue;
        size_t j = i + 1;
        while (j < len &&
               ((text[j] >= '0' && text[j] <= '9') || (text[j] >= 'a' && text[j] <= 'z') ||
                (text[j] >= 'A' && text[j] <= 'Z') || text[j] == '_'))
            j++;
        if (j == i + 1 || j - i > 64 || text[i + 1] == 'u') continue;
        char key[70];
        memcpy(key, text + i, j - i);
        key[j - i] = '\0';
        if (text[i] == '#') {
            json_object_set_new(names, key, json_string(key[1] == 'd' ? "a.b" : key + 1));
        } else {
            unsigned pick = (unsigned char)text[j - 1] % (sizeof value_json / sizeof value_json[0]);
            json_object_set_new(values, key, json_loads(value_json[pick], 0, NULL));
        }
        i = j - 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 5000) return 0;
    unsigned sel = data[0];
    char *text = malloc(size);
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    size_t len = strlen(text);

    json_t *names = json_object(), *values = json_object();
    refs(text, len, names, values);
    if (sel & 0x10) json_object_set_new(names, "#unused", json_string("z"));
    if (sel & 0x20) json_object_set_new(values, ":unused", json_loads(value_json[0], 0, NULL));
    unsigned flags = sel & 0x40 ? XP_PREFIXED : 0;

    struct pq_error err;
    pq_error_init(&err);
    struct xp_request *r = NULL;
    const struct ev_cond *cond = NULL;
    const struct xp_key_condition *key = NULL;
    const struct xp_projection *proj = NULL;
    const struct ev_update *upd = NULL;
    pq_status st = xp_request_new(json_object_size(names) ? names : NULL,
                                  json_object_size(values) ? values : NULL, flags, &r, &err);
    if (!st) {
        switch (sel % 5) {
        case 0:
            st = xp_condition(r, XP_CONDITION, text, &cond, &err);
            break;
        case 1:
            st = xp_condition(r, XP_FILTER, text, &cond, &err);
            break;
        case 2:
            st = xp_key_condition(r, text, &key, &err);
            break;
        case 3:
            st = xp_projection(r, text, &proj, &err);
            break;
        default:
            st = xp_update(r, text, &upd, &err);
            break;
        }
    }
    if (!st) st = xp_request_finish(r, &err);
    if (st) {
        if (st != PQ_ERR_SERVICE || !err.type || strcmp(err.type, "ValidationException") != 0 ||
            !err.message || !err.message[0])
            die("an error that is not a ValidationException with a message", err.message);
    } else {
        if (key && (key->n < 1 || key->n > 2)) die("a key condition of 0 or 3+ conditions", text);
        for (size_t i = 0; key && i < key->n; i++) {
            const struct xp_key_cond *k = &key->conds[i];
            if (!k->name || !k->value || (k->op == XP_KEY_BETWEEN) != (k->value2 != NULL))
                die("a key condition without its name or values", text);
        }
        for (size_t i = 0; i < sizeof items_json / sizeof items_json[0]; i++) {
            json_t *item = json_loads(items_json[i], 0, NULL);
            if (cond) (void)ev_test(cond, item);
            if (proj) {
                json_t *cut = xp_project(proj, item);
                if (!json_is_object(cut)) die("a projection that is not an object", text);
                json_decref(cut);
            }
            if (upd) {
                struct pq_error e2;
                pq_error_init(&e2);
                if (ev_update_apply_item(upd, item, i > 0, &e2) != PQ_OK &&
                    (!e2.message || !e2.message[0]))
                    die("an update error without a message", text);
                pq_error_release(&e2);
            }
            json_decref(item);
        }
    }
    pq_error_release(&err);
    xp_request_free(r);
    json_decref(names);
    json_decref(values);
    free(text);
    return 0;
}
