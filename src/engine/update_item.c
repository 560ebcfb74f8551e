/* update_item.c — UpdateItem (§6): request checks in the service's order, then the
 * single-item write steps of item_ops.h with ReturnValues.
 *
 * Order (dynalite): model constraints → expression/legacy mix and orphan
 * names/values → Key values → AttributeUpdates, Expected (legacy.h) → expressions
 * (UpdateExpression, then ConditionExpression, then unused names/values) → table → key schema and
 * key-attribute / index-key checks → read → condition → apply → size → write.
 */
#include "engine/item_ops.h"

#include <stdlib.h>
#include <string.h>

#include "engine/capacity.h"
#include "engine/expr.h"
#include "engine/legacy.h"
#include "pqsh/buf.h"

/* "Non-expression parameters: {…} Expression parameters: {…}" lists the
 * members present, in the reference's order (§2.4 (1)). */
static pq_status mix_check(const json_t *req, struct pq_error *err)
{
    static const char *const legacy[] = {"AttributeUpdates", "Expected"};
    static const char *const modern[] = {"UpdateExpression", "ConditionExpression"};
    struct pq_buf a = PQ_BUF_INIT, b = PQ_BUF_INIT;
    pq_buf_init(&a);
    pq_buf_init(&b);
    for (size_t i = 0; i < 2; i++) {
        if (item_member(req, legacy[i])) pq_buf_addf(&a, "%s%s", a.len ? ", " : "", legacy[i]);
        if (item_member(req, modern[i])) pq_buf_addf(&b, "%s%s", b.len ? ", " : "", modern[i]);
    }
    pq_status st = PQ_OK;
    if (a.len && b.len)
        st = pq_error_validation(err,
                                 "Can not use both expression and non-expression parameters in "
                                 "the same request: Non-expression parameters: {%s} Expression "
                                 "parameters: {%s}",
                                 a.data, b.data);
    pq_buf_release(&a);
    pq_buf_release(&b);
    return st;
}

/* The targets of the update, as a projection (UPDATED_OLD / UPDATED_NEW). */
static json_t *updated(const struct ev_update *u, const json_t *item)
{
    if (!u || !item) return NULL;
    struct xp_projection p = {pq_xcalloc(u->n ? u->n : 1, sizeof *p.paths), u->n};
    for (size_t i = 0; i < u->n; i++)
        p.paths[i] = u->acts[i].path;
    json_t *out = xp_project(&p, item);
    free(p.paths);
    if (json_object_size(out) == 0) {
        json_decref(out);
        return NULL;
    }
    return out;
}

pq_status item_update_item(struct pq_engine *e, json_t *req, json_t **resp, struct pq_error *err)
{
    struct item_write w = {0};
    struct xp_request *xr = NULL;
    struct lg_request *lg = NULL;
    *resp = NULL;
    pq_status st;
    if (!item_member(req, "TableName"))
        return pq_error_validation(
            err, "The parameter 'TableName' is required but was not present in the request");
    if (!item_member(req, "Key"))
        return pq_error_validation(
            err, "The parameter 'Key' is required but was not present in the request");
    if ((st = item_check_constraints(req, false, true, err))) return st;
    if ((st = mix_check(req, err))) return st;
    const json_t *update = item_member(req, "UpdateExpression");
    const json_t *cond = item_member(req, "ConditionExpression");
    const json_t *names = item_member(req, "ExpressionAttributeNames");
    const json_t *values = item_member(req, "ExpressionAttributeValues");
    if (names && !update && !cond)
        return pq_error_validation(err, "ExpressionAttributeNames can only be specified when using "
                                        "expressions");
    if (values && !update && !cond)
        return pq_error_validation(err, "ExpressionAttributeValues can only be specified when "
                                        "using expressions: UpdateExpression and "
                                        "ConditionExpression are null");
    w.kind = ITEM_UPDATE;
    if ((st = item_copy_values(item_member(req, "Key"), true, &w.values, err))) goto out;
    const json_t *updates = item_member(req, "AttributeUpdates");
    const json_t *expected = item_member(req, "Expected");
    if (updates || expected) {
        lg = lg_request_new();
        if (updates && (st = lg_updates(lg, updates, &w.update, err))) goto out;
        if (expected &&
            (st = lg_condition(lg, LG_EXPECTED, expected,
                               json_string_value(item_member(req, "ConditionalOperator")), true,
                               &w.cond, err)))
            goto out;
    }
    if ((st = xp_request_new(names, values, XP_PREFIXED, &xr, err))) goto out;
    if (update && (st = xp_update(xr, json_string_value(update), &w.update, err))) goto out;
    if (cond && (st = xp_condition(xr, XP_CONDITION, json_string_value(cond), &w.cond, err)))
        goto out;
    if ((st = xp_request_finish(xr, err))) goto out;

    if ((st = item_table(e, req, &w.table, err))) goto out;
    const char *rv = json_string_value(item_member(req, "ReturnValues"));
    const char *rvccf = json_string_value(item_member(req, "ReturnValuesOnConditionCheckFailure"));
    w.old_on_ccf = rvccf && strcmp(rvccf, "ALL_OLD") == 0;
    e->cap = cap_new(json_string_value(item_member(req, "ReturnConsumedCapacity")), 1);
    if ((st = item_write_bind(&w, err))) goto out;
    if ((st = item_write_read(e, &w, err))) goto out;
    if ((st = item_write_apply(&w, err))) {
        if (updates) lg_update_error(err);
        goto out;
    }
    if ((st = item_write_store(e, &w, err))) goto out;

    *resp = json_object();
    json_t *attrs = NULL;
    if (rv && strcmp(rv, "ALL_OLD") == 0 && w.old)
        attrs = json_incref(w.old);
    else if (rv && strcmp(rv, "ALL_NEW") == 0 && w.new_item)
        attrs = json_incref(w.new_item);
    else if (rv && strcmp(rv, "UPDATED_OLD") == 0)
        attrs = updated(w.update, w.old);
    else if (rv && strcmp(rv, "UPDATED_NEW") == 0)
        attrs = updated(w.update, w.new_item);
    if (attrs) json_object_set_new(*resp, "Attributes", attrs);
    st = item_response_extras(e, req, true, w.table, w.values, *resp, err);
out:
    if (st) {
        json_decref(*resp);
        *resp = NULL;
    }
    cap_free(e->cap);
    e->cap = NULL;
    item_write_release(&w);
    xp_request_free(xr);
    lg_request_free(lg);
    return st;
}
