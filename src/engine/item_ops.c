/* item_ops.c — PutItem, GetItem, DeleteItem: request checks, conditions, the single-item writes.
 *
 * Checks run in the service's order: member JSON types (SerializationException),
 * missing required members, model constraints reported together (§1.4),
 * attribute values, expressions, then the table and its key schema.
 * Messages are DynamoDB's where the reference or the SDK-visible behaviour
 * pins them (UNCONFIRMED ones are marked).
 */
#include "engine/item_ops.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "engine/capacity.h"
#include "engine/eval.h"
#include "engine/expr.h"
#include "engine/legacy.h"
#include "pqsh/value.h"

#define MAX_ITEM_BYTES 409600

enum item_op { OP_PUT, OP_GET, OP_DELETE };

/* ---- model constraints ------------------------------------------------ */

pq_status item_response_extras(struct pq_engine *e, const json_t *req, bool write,
                               const struct pq_table_meta *t, const json_t *values, json_t *resp,
                               struct pq_error *err)
{
    if (write &&
        cap_wants_metrics(json_string_value(item_member(req, "ReturnItemCollectionMetrics")), t)) {
        json_t *m;
        pq_status st = cap_item_collection(e, t, values, &m, err);
        if (st) return st;
        json_object_set_new(resp, "ItemCollectionMetrics", m);
    }
    if (e->cap) {
        json_t *cc = cap_one_json(e->cap);
        if (cc) json_object_set_new(resp, "ConsumedCapacity", cc);
    }
    return PQ_OK;
}

const json_t *item_member(const json_t *req, const char *name)
{
    const json_t *m = json_object_get(req, name);
    return json_is_null(m) ? NULL : m;
}

void item_check_table_name(struct exec_violations *v, const json_t *name, const char *path)
{
    const char *s = json_string_value(name);
    size_t n = strlen(s);
    struct pq_buf val = PQ_BUF_INIT;
    pq_buf_init(&val);
    pq_buf_addf(&val, "'%s'", s);
    /* TableName is a TableArn (1..1024): a table's ARN is checked for its
       length only, as Query and Scan do (query.c). */
    if (strncmp(s, "arn:", 4) == 0) {
        if (n > 1024) exec_violation(v, val.data, path, "have length less than or equal to 1024");
        pq_buf_release(&val);
        return;
    }
    if (n < 3) exec_violation(v, val.data, path, "have length greater than or equal to 3");
    if (n > 255) exec_violation(v, val.data, path, "have length less than or equal to 255");
    for (const char *p = s; *p; p++) {
        if (isalnum((unsigned char)*p) || *p == '_' || *p == '.' || *p == '-') continue;
        exec_violation(v, val.data, path, "satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
        break;
    }
    pq_buf_release(&val);
}

pq_status item_check_constraints(const json_t *req, bool get, bool update, struct pq_error *err)
{
    static const char *const rv[] = {"NONE",    "ALL_OLD",     "UPDATED_OLD",
                                     "ALL_NEW", "UPDATED_NEW", NULL};
    static const char *const ricm[] = {"SIZE", "NONE", NULL};
    static const char *const rvccf[] = {"ALL_OLD", "NONE", NULL};
    static const char *const condop[] = {"AND", "OR", NULL};
    struct exec_violations v;
    exec_violations_init(&v);
    item_check_table_name(&v, item_member(req, "TableName"), "tableName");
    if (!get) {
        if (update) lg_check_updates_model(item_member(req, "AttributeUpdates"), &v);
        lg_check_model(item_member(req, "Expected"), LG_EXPECTED, &v);
        /* The enum in the order the service prints it (dynalite's recording). */
        exec_check_enum(&v, item_member(req, "ReturnValues"), "returnValues", rv,
                        "[ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]");
        exec_check_enum(&v, item_member(req, "ReturnItemCollectionMetrics"),
                        "returnItemCollectionMetrics", ricm, "[SIZE, NONE]");
        exec_check_enum(&v, item_member(req, "ReturnValuesOnConditionCheckFailure"),
                        "returnValuesOnConditionCheckFailure", rvccf, "[ALL_OLD, NONE]");
        exec_check_enum(&v, item_member(req, "ConditionalOperator"), "conditionalOperator", condop,
                        "[AND, OR]");
    } else {
        const json_t *atg = item_member(req, "AttributesToGet");
        if (atg && json_array_size(atg) == 0)
            exec_violation(&v, "'[]'", "attributesToGet", "have length greater than or equal to 1");
    }
    exec_check_rcc(req, &v);
    return exec_violations_finish(&v, err);
}

/* ---- attribute values ------------------------------------------------- */

/* A validated copy of an Item / Key map. Errors in Put/Delete values are
 * prefixed the way the cloud words them there (§2.1, CS-P valueLayers). */
pq_status item_copy_values(const json_t *map, bool prefixed, json_t **out, struct pq_error *err)
{
    json_t *copy = json_deep_copy(map);
    const char *k;
    json_t *v;
    *out = NULL;
    json_object_foreach(copy, k, v)
    {
        pq_status st = pq_value_validate(v, err);
        if (st == PQ_OK) continue;
        if (prefixed && err->code == PQ_ERR_SERVICE && err->message &&
            strcmp(err->type, "ValidationException") == 0) {
            char *m = err->message;
            err->message = NULL;
            pq_error_validation(err, "1 validation error detected: %s", m);
            free(m);
        }
        json_decref(copy);
        return st;
    }
    *out = copy;
    return PQ_OK;
}

pq_status item_check_item_keys(const struct pq_table_meta *t, const json_t *item,
                               struct pq_error *err)
{
    const struct pq_key_attr *keys[2] = {&t->hash, t->range.name ? &t->range : NULL};
    for (int k = 0; k < 2 && keys[k]; k++) {
        const json_t *v = json_object_get(item, keys[k]->name);
        if (!v)
            return pq_error_validation(
                err, "One or more parameter values were invalid: Missing the key %s in the item",
                keys[k]->name);
        const char *actual = pq_type_name(pq_value_type(v));
        char want[2] = {keys[k]->type, '\0'};
        if (strcmp(actual, want) != 0)
            return pq_error_validation(err,
                                       "One or more parameter values were invalid: Type mismatch "
                                       "for key %s expected: %s actual: %s",
                                       keys[k]->name, want, actual);
        pq_status st = exec_check_key_value(keys[k], v, k == 0, err);
        if (st) return st;
    }
    return PQ_OK;
}

/* A Key must hold exactly the table's key attributes with their types. */
pq_status item_check_key(const struct pq_table_meta *t, const json_t *key, struct pq_error *err)
{
    const struct pq_key_attr *keys[2] = {&t->hash, t->range.name ? &t->range : NULL};
    size_t want = keys[1] ? 2 : 1;
    static const char mismatch[] = "The provided key element does not match the schema";
    if (json_object_size(key) != want) return pq_error_validation(err, "%s", mismatch);
    for (int k = 0; k < 2 && keys[k]; k++) {
        const json_t *v = json_object_get(key, keys[k]->name);
        char want_type[2] = {keys[k]->type, '\0'};
        if (!v || strcmp(pq_type_name(pq_value_type(v)), want_type) != 0)
            return pq_error_validation(err, "%s", mismatch);
        pq_status st = exec_check_key_value(keys[k], v, k == 0, err);
        if (st) return st;
    }
    return PQ_OK;
}

/* ---- one request -------------------------------------------------------- */

struct item_request {
    enum item_op op;
    const struct pq_table_meta *table;
    json_t *values;     /* validated Item (Put) or Key (Get/Delete) */
    json_t *projection; /* Get: AttributesToGet (JSON array of names), or NULL */
    bool all_old;       /* ReturnValues = ALL_OLD */
    bool old_on_ccf;    /* ReturnValuesOnConditionCheckFailure = ALL_OLD */
    bool consistent;
    struct xp_request *xr;            /* owns cond (expression) and proj */
    struct lg_request *lg;            /* owns cond (Expected) */
    const struct ev_cond *cond;       /* ConditionExpression, or NULL */
    const struct xp_projection *proj; /* ProjectionExpression, or NULL */
};

static void item_request_release(struct item_request *r)
{
    json_decref(r->values);
    json_decref(r->projection);
    xp_request_free(r->xr);
    lg_request_free(r->lg);
}

static pq_status read_request(struct pq_engine *e, json_t *req, enum item_op op,
                              struct item_request *r, struct pq_error *err)
{
    pq_status st;
    memset(r, 0, sizeof *r);
    r->op = op;
    /* Member JSON types were checked by api.c's request shapes. */
    const char *values_member = op == OP_PUT ? "Item" : "Key";
    if (!item_member(req, "TableName"))
        return pq_error_validation(
            err, "The parameter 'TableName' is required but was not present in the request");
    if (!item_member(req, values_member))
        return pq_error_validation(
            err, "The parameter '%s' is required but was not present in the request",
            values_member);
    if ((st = item_check_constraints(req, op == OP_GET, false, err))) return st;
    const json_t *rv = item_member(req, "ReturnValues");
    if (rv && strcmp(json_string_value(rv), "NONE") != 0 &&
        strcmp(json_string_value(rv), "ALL_OLD") != 0)
        /* Current DynamoDB's text (§6); dynalite recorded the older "ReturnValues
         * can only be ALL_OLD or NONE". */
        return pq_error_validation(err, "Return values set to invalid value");
    r->all_old = rv && strcmp(json_string_value(rv), "ALL_OLD") == 0;
    const json_t *rvccf = item_member(req, "ReturnValuesOnConditionCheckFailure");
    r->old_on_ccf = rvccf && strcmp(json_string_value(rvccf), "ALL_OLD") == 0;
    r->consistent = json_is_true(item_member(req, "ConsistentRead"));

    const json_t *cond = item_member(req, "ConditionExpression");
    const json_t *proj = item_member(req, "ProjectionExpression");
    const json_t *names = item_member(req, "ExpressionAttributeNames");
    const json_t *values = item_member(req, "ExpressionAttributeValues");
    const json_t *legacy = item_member(req, op == OP_GET ? "AttributesToGet" : "Expected");
    /* ConditionalOperator without Expected changes nothing and is not named
     * by the mix message (dynalite's lists; UNCONFIRMED). */
    if (legacy && (cond || proj))
        return pq_error_validation(
            err,
            "Can not use both expression and non-expression parameters in the same request: "
            "Non-expression parameters: {%s} Expression parameters: {%s}",
            op == OP_GET ? "AttributesToGet" : "Expected",
            op == OP_GET ? "ProjectionExpression" : "ConditionExpression");
    if (names && !cond && !proj)
        return pq_error_validation(err, "ExpressionAttributeNames can only be specified when using "
                                        "expressions");
    if (values && !cond)
        return pq_error_validation(err,
                                   "ExpressionAttributeValues can only be specified when using "
                                   "expressions: ConditionExpression is null");
    if ((st = item_copy_values(item_member(req, values_member), op != OP_GET, &r->values, err)))
        return st;
    if (legacy && op != OP_GET) {
        r->lg = lg_request_new();
        if ((st = lg_condition(r->lg, LG_EXPECTED, legacy,
                               json_string_value(item_member(req, "ConditionalOperator")), true,
                               &r->cond, err)))
            return st;
    }
    if ((st = xp_request_new(names, values, op != OP_GET ? XP_PREFIXED : 0, &r->xr, err)))
        return st;
    if (cond && (st = xp_condition(r->xr, XP_CONDITION, json_string_value(cond), &r->cond, err)))
        return st;
    if (proj && (st = xp_projection(r->xr, json_string_value(proj), &r->proj, err))) return st;
    if (op == OP_GET && legacy) {
        r->projection = json_deep_copy(legacy);
        for (size_t i = 0; i < json_array_size(r->projection); i++)
            for (size_t j = 0; j < i; j++)
                if (json_equal(json_array_get(r->projection, i),
                               json_array_get(r->projection, j))) {
                    st = pq_error_validation(err,
                                             "One or more parameter values were invalid: "
                                             "Duplicate value in attribute name: %s",
                                             json_string_value(json_array_get(r->projection, i)));
                    return st;
                }
    }
    if ((st = xp_request_finish(r->xr, err))) return st;

    return item_table(e, req, &r->table, err);
}

pq_status item_table(struct pq_engine *e, const json_t *req, const struct pq_table_meta **t,
                     struct pq_error *err)
{
    const char *name = ddl_table_name(json_string_value(item_member(req, "TableName")));
    pq_status st = store_table_get(e->store, name, t, err);
    if (st) return st;
    if (!*t)
        return pq_error_service(err, "ResourceNotFoundException", "Requested resource not found");
    return PQ_OK;
}

/* ---- the single-item write steps (item_ops.h) -------------------------- */

pq_status item_write_bind(struct item_write *w, struct pq_error *err)
{
    pq_status st;
    if (w->kind != ITEM_PUT) {
        if ((st = item_check_key(w->table, w->values, err))) return st;
        return w->update ? xp_update_check_table(w->update, w->table, err) : PQ_OK;
    }
    if ((st = item_check_item_keys(w->table, w->values, err))) return st;
    if (pq_item_size(w->values) > MAX_ITEM_BYTES)
        return pq_error_validation(err, "Item size has exceeded the maximum allowed size");
    return index_check_item(w->table, w->values, err);
}

pq_status item_write_read(struct pq_engine *e, struct item_write *w, struct pq_error *err)
{
    struct pq_key k;
    store_key_init(&k);
    store_key_from_item(w->table, w->values, &k);
    json_decref(w->old);
    w->old = NULL;
    pq_status st = store_item_get(e->store, w->table, &k, &w->old, err);
    store_key_release(&k);
    if (st) return st;
    if (!w->cond) return PQ_OK;
    json_t *empty = json_object();
    bool ok = ev_test(w->cond, w->old ? w->old : empty);
    json_decref(empty);
    return ok ? PQ_OK : exec_ccf(err, w->old, w->old_on_ccf);
}

/* Only REMOVE / DELETE actions: an update that creates nothing (§6). */
static bool removes_only(const struct ev_update *u)
{
    if (!u || u->n == 0) return false;
    for (size_t i = 0; i < u->n; i++)
        if (u->acts[i].kind != EV_ACT_REMOVE && u->acts[i].kind != EV_ACT_DELETE) return false;
    return true;
}

/* An update's index-key errors are worded for updates (§2.8). */
static pq_status update_index_check(const struct pq_table_meta *t, const json_t *item,
                                    struct pq_error *err)
{
    pq_status st = index_check_item(t, item, err);
    if (!st) return PQ_OK;
    bool mismatch = err->message && strstr(err->message, "Type mismatch");
    pq_error_release(err);
    pq_error_init(err);
    if (mismatch)
        return pq_error_validation(err, "The update expression attempted to update the secondary "
                                        "index key to unsupported type");
    return pq_error_validation(err, "One or more parameter values are not valid. The update "
                                    "expression attempted to update a secondary index key to a "
                                    "value that is not supported. The AttributeValue for a key "
                                    "attribute cannot contain an empty string value.");
}

pq_status item_write_apply(struct item_write *w, struct pq_error *err)
{
    json_decref(w->new_item);
    w->new_item = NULL;
    switch (w->kind) {
    case ITEM_PUT:
        w->new_item = json_incref(w->values);
        return PQ_OK;
    case ITEM_DELETE:
    case ITEM_CHECK:
        return PQ_OK;
    case ITEM_UPDATE:
        break;
    }
    if (!w->old && removes_only(w->update)) return PQ_OK;
    json_t *item = json_deep_copy(w->old ? w->old : w->values);
    pq_status st = PQ_OK;
    if (w->update && (st = ev_update_apply_item(w->update, item, w->old != NULL, err))) goto fail;
    if (pq_item_size(item) > MAX_ITEM_BYTES) {
        st = pq_error_validation(err, "Item size to update has exceeded the maximum allowed size");
        goto fail;
    }
    if ((st = pq_item_check_nesting(item, err))) goto fail;
    if ((st = update_index_check(w->table, item, err))) goto fail;
    w->new_item = item;
    return PQ_OK;
fail:
    json_decref(item);
    return st;
}

pq_status item_write_store(struct pq_engine *e, struct item_write *w, struct pq_error *err)
{
    pq_status st = PQ_OK;
    if (w->kind == ITEM_CHECK) return PQ_OK;
    if (w->new_item) {
        st = store_item_put(e->store, w->table, w->new_item, w->old, err);
    } else if (w->old) {
        struct pq_key k;
        store_key_init(&k);
        store_key_from_item(w->table, w->values, &k);
        st = store_item_delete(e->store, w->table, &k, w->old, err);
        store_key_release(&k);
    }
    if (!st) cap_write(e, w->table, w->old, w->new_item);
    return st;
}

void item_write_release(struct item_write *w)
{
    json_decref(w->values);
    json_decref(w->old);
    json_decref(w->new_item);
    memset(w, 0, sizeof *w);
}

/* Runs one item operation with capacity accounting when it was asked for. */
static pq_status run(struct pq_engine *e, json_t *req, enum item_op op, json_t **resp,
                     struct pq_error *err)
{
    struct item_request r;
    struct item_write w = {0};
    *resp = NULL;
    pq_status st = read_request(e, req, op, &r, err);
    if (st) goto out;
    e->cap = cap_new(json_string_value(item_member(req, "ReturnConsumedCapacity")), 1);
    w.kind = op == OP_PUT ? ITEM_PUT : ITEM_DELETE;
    w.table = r.table;
    w.values = json_incref(r.values);
    w.cond = r.cond;
    w.old_on_ccf = r.old_on_ccf;
    if ((st = item_write_bind(&w, err))) goto out;
    if ((st = item_write_read(e, &w, err))) goto out;
    *resp = json_object();
    if (op == OP_GET) {
        cap_read(e, r.table, NULL, w.old ? pq_item_size(w.old) : 0, r.consistent);
        if (r.proj && w.old) {
            json_object_set_new(*resp, "Item", xp_project(r.proj, w.old));
        } else if (r.projection && w.old) {
            json_t *item = json_object();
            for (size_t i = 0; i < json_array_size(r.projection); i++) {
                const char *name = json_string_value(json_array_get(r.projection, i));
                json_t *v = json_object_get(w.old, name);
                if (v) json_object_set(item, name, v);
            }
            json_object_set_new(*resp, "Item", item);
        } else if (w.old) {
            json_object_set(*resp, "Item", w.old);
        }
    } else {
        if ((st = item_write_apply(&w, err))) goto out;
        if ((st = item_write_store(e, &w, err))) goto out;
        if (r.all_old && w.old) json_object_set(*resp, "Attributes", w.old);
    }
    st = item_response_extras(e, req, op != OP_GET, r.table, r.values, *resp, err);
out:
    if (st) {
        json_decref(*resp);
        *resp = NULL;
    }
    cap_free(e->cap);
    e->cap = NULL;
    item_write_release(&w);
    item_request_release(&r);
    return st;
}

pq_status item_put_item(struct pq_engine *e, json_t *req, json_t **resp, struct pq_error *err)
{
    return run(e, req, OP_PUT, resp, err);
}

pq_status item_get_item(struct pq_engine *e, json_t *req, json_t **resp, struct pq_error *err)
{
    return run(e, req, OP_GET, resp, err);
}

pq_status item_delete_item(struct pq_engine *e, json_t *req, json_t **resp, struct pq_error *err)
{
    return run(e, req, OP_DELETE, resp, err);
}

bool item_equal(const json_t *a, const json_t *b)
{
    if (json_object_size(a) != json_object_size(b)) return false;
    const char *name;
    json_t *v;
    json_object_foreach((json_t *)a, name, v)
    {
        const json_t *w = json_object_get(b, name);
        if (!w || !pq_value_equal(v, w)) return false;
    }
    return true;
}
