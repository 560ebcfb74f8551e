/* transact.c — TransactGetItems and TransactWriteItems (reference §9).
 *
 * Order of the checks of TransactWriteItems (§9.2); 1–6 fail the whole
 * request with one ValidationException (ResourceNotFoundException for a
 * missing table), 7–9 cancel it (TransactionCanceledException):
 *   1. model constraints, reported together (action count 1..100, every
 *      action's required members, table names, enums, ClientRequestToken
 *      1..36); then one action per element;
 *   2. per action: values (Item, Key, ExpressionAttributeValues) and
 *      expressions (§2.4: orphans, names, values, syntax, unused), unprefixed;
 *   3. the request's size (4 MB);
 *   4. ClientRequestToken: the one token store of ExecuteTransaction
 *      (txn.c) — a replay within 10 minutes answers the stored response and
 *      changes nothing, another request under the token is
 *      IdempotentParameterMismatchException;
 *   5. tables, then every key against its schema (a key must name an item
 *      before two actions on one item can be refused);
 *   6. two actions on one item;
 * then, through the single-item write steps of item_ops.h:
 *   7. item_write_bind (item size, index key types, key attributes an
 *      update may not touch): a cancellation with ValidationError on the
 *      first offending action, None on the others;
 *   8. item_write_read, every condition, no short-circuit: a cancellation
 *      listing each failure (with the item when
 *      ReturnValuesOnConditionCheckFailure is ALL_OLD);
 *   9. item_write_apply (runtime update errors, sizes): ValidationError as
 *      in 7.;
 *  10. item_write_store for every action, all in the API call's one SQLite
 *      transaction (indexes included), so a cancelled or failed
 *      transaction leaves nothing.
 * No two actions touch one item, so reading every item before writing any
 * is the same as running them in order.
 */
#include "engine/batch.h"
#include "engine/batch_items.h"

#include <stdlib.h>
#include <string.h>

#include "engine/capacity.h"
#include "engine/eval.h"
#include "engine/expr.h"
#include "engine/item_ops.h"
#include "pqsh/value.h"

#define MAX_ACTIONS 100
#define MAX_REQUEST_BYTES (4 * 1024 * 1024)

typedef enum tx_kind { TX_GET, TX_CHECK, TX_PUT, TX_UPDATE, TX_DELETE } tx_kind;

/* Member names of each kind: in the request, in model messages. */
static const char *const kind_member[] = {"Get", "ConditionCheck", "Put", "Update", "Delete"};
static const char *const kind_path[] = {"get", "conditionCheck", "put", "update", "delete"};

struct tx_action {
    tx_kind kind;
    const json_t *body;                     /* the action's object in the request (borrowed) */
    struct xp_request *xr;                  /* owns the compiled expressions */
    const struct xp_projection *projection; /* Get, or NULL */
    struct item_write w;                    /* the single-item write steps (item_ops.h) */
};

static void free_actions(struct tx_action *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        item_write_release(&a[i].w);
        xp_request_free(a[i].xr);
    }
    free(a);
}

/* ---- 1. model constraints ---------------------------------------------- */

static void null_violation(struct exec_violations *v, struct pq_buf *path, size_t i, tx_kind k,
                           const char *member)
{
    pq_buf_reset(path);
    pq_buf_addf(path, "transactItems.%zu.member.%s.%s", i + 1, kind_path[k], member);
    exec_violation(v, "null", path->data, "not be null");
}

/* The required members of one action, in the model's member order, its
 * table name and ReturnValuesOnConditionCheckFailure. */
static void check_action_model(struct exec_violations *v, const json_t *body, size_t i, tx_kind k)
{
    static const char *const rvccf[] = {"ALL_OLD", "NONE", NULL};
    struct pq_buf path = PQ_BUF_INIT;
    pq_buf_init(&path);
    if (k == TX_PUT && !bi_member(body, "Item")) null_violation(v, &path, i, k, "item");
    if (k != TX_PUT && !bi_member(body, "Key")) null_violation(v, &path, i, k, "key");
    if (k == TX_UPDATE && !bi_member(body, "UpdateExpression"))
        null_violation(v, &path, i, k, "updateExpression");
    const json_t *name = bi_member(body, "TableName");
    if (!name) null_violation(v, &path, i, k, "tableName");
    pq_buf_reset(&path);
    pq_buf_addf(&path, "transactItems.%zu.member.%s.tableName", i + 1, kind_path[k]);
    if (name) item_check_table_name(v, name, path.data);
    if (k == TX_CHECK && !bi_member(body, "ConditionExpression"))
        null_violation(v, &path, i, k, "conditionExpression");
    if (k != TX_GET) {
        pq_buf_reset(&path);
        pq_buf_addf(&path, "transactItems.%zu.member.%s.returnValuesOnConditionCheckFailure", i + 1,
                    kind_path[k]);
        exec_check_enum(v, bi_member(body, "ReturnValuesOnConditionCheckFailure"), path.data, rvccf,
                        "[ALL_OLD, NONE]");
    }
    pq_buf_release(&path);
}

/* The kind of element `el`: TX_GET for TransactGetItems; for writes the one
 * member present, -1 when none or several are. */
static int element_kind(const json_t *el, bool gets)
{
    if (gets) return bi_member(el, "Get") ? TX_GET : -1;
    int kind = -1;
    for (int k = TX_CHECK; k <= TX_DELETE; k++) {
        if (!bi_member(el, kind_member[k])) continue;
        if (kind >= 0) return -1;
        kind = k;
    }
    return kind;
}

static pq_status check_model(const json_t *req, const json_t *list, bool gets, struct pq_error *err)
{
    static const char *const ricm[] = {"SIZE", "NONE", NULL};
    struct exec_violations v;
    exec_violations_init(&v);
    size_t n = json_array_size(list);
    if (n == 0)
        exec_violation(&v, "'[]'", "transactItems", "have length greater than or equal to 1");
    /* The rendering of the list is UNCONFIRMED (Java objects). */
    if (n > MAX_ACTIONS)
        exec_violation(&v, "'[...]'", "transactItems", "have length less than or equal to 100");
    for (size_t i = 0; i < n; i++) {
        const json_t *el = json_array_get(list, i);
        if (gets && !bi_member(el, "Get")) {
            struct pq_buf path = PQ_BUF_INIT;
            pq_buf_init(&path);
            pq_buf_addf(&path, "transactItems.%zu.member.get", i + 1);
            exec_violation(&v, "null", path.data, "not be null");
            pq_buf_release(&path);
        }
        for (int k = gets ? TX_GET : TX_CHECK; k <= (gets ? TX_GET : TX_DELETE); k++) {
            const json_t *body = bi_member(el, kind_member[k]);
            if (body) check_action_model(&v, body, i, (tx_kind)k);
        }
    }
    if (!gets) {
        const json_t *tok = bi_member(req, "ClientRequestToken");
        size_t len = tok ? json_string_length(tok) : 1;
        if (len < 1 || len > 36) {
            struct pq_buf val = PQ_BUF_INIT;
            pq_buf_init(&val);
            pq_buf_addf(&val, "'%s'", json_string_value(tok));
            exec_violation(&v, val.data, "clientRequestToken",
                           len < 1 ? "have length greater than or equal to 1"
                                   : "have length less than or equal to 36");
            pq_buf_release(&val);
        }
        exec_check_enum(&v, bi_member(req, "ReturnItemCollectionMetrics"),
                        "returnItemCollectionMetrics", ricm, "[SIZE, NONE]");
    }
    exec_check_rcc(req, &v);
    return exec_violations_finish(&v, err);
}

/* ---- 2. values and expressions ----------------------------------------- */

/* ExpressionAttributeNames / ExpressionAttributeValues of one action without
 * the expressions that use them (§2.4 steps 2–3); xp_request_new makes the
 * other checks of the two maps. */
static pq_status check_expression_maps(const struct tx_action *a, const json_t *names,
                                       const json_t *values, struct pq_error *err)
{
    bool cond = bi_member(a->body, "ConditionExpression") != NULL;
    bool proj = bi_member(a->body, "ProjectionExpression") != NULL;
    bool upd = bi_member(a->body, "UpdateExpression") != NULL;
    if (names && !cond && !proj && !upd)
        return pq_error_validation(err, "ExpressionAttributeNames can only be specified when using "
                                        "expressions");
    if (values && !cond && !upd)
        return pq_error_validation(err,
                                   "ExpressionAttributeValues can only be specified when using "
                                   "expressions: %s",
                                   a->kind == TX_UPDATE ? "UpdateExpression and "
                                                          "ConditionExpression are null"
                                                        : "ConditionExpression is null");
    return PQ_OK;
}

/* The action's expressions in the service's order (§2.4 (9)): Update,
 * Condition, Projection; then unused names and values. Unprefixed (§1.2). */
static pq_status read_expressions(struct tx_action *a, struct pq_error *err)
{
    const json_t *names = bi_member(a->body, "ExpressionAttributeNames");
    const json_t *values = bi_member(a->body, "ExpressionAttributeValues");
    const json_t *upd = bi_member(a->body, "UpdateExpression");
    const json_t *cond = bi_member(a->body, "ConditionExpression");
    const json_t *proj = bi_member(a->body, "ProjectionExpression");
    pq_status st = check_expression_maps(a, names, values, err);
    if (st == PQ_OK) st = xp_request_new(names, values, 0, &a->xr, err);
    if (st == PQ_OK && upd) st = xp_update(a->xr, json_string_value(upd), &a->w.update, err);
    if (st == PQ_OK && cond)
        st = xp_condition(a->xr, XP_CONDITION, json_string_value(cond), &a->w.cond, err);
    if (st == PQ_OK && proj)
        st = xp_projection(a->xr, json_string_value(proj), &a->projection, err);
    if (st == PQ_OK) st = xp_request_finish(a->xr, err);
    return st;
}

static pq_status read_actions(const json_t *list, bool gets, struct tx_action *a,
                              struct pq_error *err)
{
    size_t n = json_array_size(list);
    for (size_t i = 0; i < n; i++) {
        int k = element_kind(json_array_get(list, i), gets);
        if (k < 0)
            return pq_error_validation(err, "TransactItems can only contain one of Check, Put, "
                                            "Update or Delete");
        static const item_write_kind wk[] = {ITEM_CHECK, ITEM_CHECK, ITEM_PUT, ITEM_UPDATE,
                                             ITEM_DELETE};
        a[i].kind = (tx_kind)k;
        a[i].w.kind = wk[k];
        a[i].body = bi_member(json_array_get(list, i), kind_member[k]);
        const json_t *rv = bi_member(a[i].body, "ReturnValuesOnConditionCheckFailure");
        a[i].w.old_on_ccf = rv && strcmp(json_string_value(rv), "ALL_OLD") == 0;
    }
    for (size_t i = 0; i < n; i++) {
        const char *what = a[i].kind == TX_PUT ? "Item" : "Key";
        pq_status st = item_copy_values(bi_member(a[i].body, what), false, &a[i].w.values, err);
        if (st == PQ_OK) st = read_expressions(&a[i], err);
        if (st) return st;
    }
    return PQ_OK;
}

/* ---- 5., 6. tables, keys, one item once ------------------------------- */

static pq_status check_tables(struct pq_engine *e, struct tx_action *a, size_t n,
                              struct pq_error *err)
{
    pq_status st;
    for (size_t i = 0; i < n; i++) {
        const char *name = ddl_table_name(json_string_value(bi_member(a[i].body, "TableName")));
        if ((st = store_table_get(e->store, name, &a[i].w.table, err))) return st;
        if (!a[i].w.table)
            return pq_error_service(err, "ResourceNotFoundException",
                                    "Requested resource not found");
    }
    for (size_t i = 0; i < n; i++) {
        st = a[i].kind == TX_PUT ? item_check_item_keys(a[i].w.table, a[i].w.values, err)
                                 : item_check_key(a[i].w.table, a[i].w.values, err);
        if (st) return st;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (a[i].w.table == a[j].w.table &&
                bi_same_key(a[i].w.table, a[i].w.values, a[j].w.values))
                return pq_error_validation(err, "Transaction request cannot include multiple "
                                                "operations on one item");
    return PQ_OK;
}

/* Reads every item (TransactGetItems: no conditions). */
static pq_status read_items(struct pq_engine *e, struct tx_action *a, size_t n,
                            struct pq_error *err)
{
    for (size_t i = 0; i < n; i++) {
        pq_status st = item_write_read(e, &a[i].w, err);
        if (st) return st;
    }
    return PQ_OK;
}

/* ---- TransactGetItems ------------------------------------------------- */

pq_status tx_transact_get_items(struct pq_engine *e, json_t *req, json_t **resp,
                                struct pq_error *err)
{
    const json_t *list = bi_member(req, "TransactItems");
    size_t n = json_array_size(list);
    struct tx_action *a = pq_xcalloc(n ? n : 1, sizeof *a);
    *resp = NULL;
    pq_status st = bi_required(req, "TransactItems", err);
    if (st == PQ_OK) st = check_model(req, list, true, err);
    if (st == PQ_OK) st = read_actions(list, true, a, err);
    if (st == PQ_OK) st = check_tables(e, a, n, err);
    if (st == PQ_OK) st = read_items(e, a, n, err);
    if (st) goto out;
    /* Transactional reads are strongly consistent and cost twice (§11.2). */
    e->cap = cap_new(json_string_value(bi_member(req, "ReturnConsumedCapacity")), 2);
    json_t *responses = json_array();
    for (size_t i = 0; i < n; i++) {
        cap_read(e, a[i].w.table, NULL, a[i].w.old ? pq_item_size(a[i].w.old) : 0, true);
        json_t *r = json_object();
        if (a[i].w.old && a[i].projection)
            json_object_set_new(r, "Item", xp_project(a[i].projection, a[i].w.old));
        else if (a[i].w.old)
            json_object_set(r, "Item", a[i].w.old);
        json_array_append_new(responses, r);
    }
    *resp = json_pack("{s:o}", "Responses", responses);
    if (e->cap) json_object_set_new(*resp, "ConsumedCapacity", cap_list_json(e->cap));
out:
    cap_free(e->cap);
    e->cap = NULL;
    free_actions(a, n);
    return st;
}

/* ---- TransactWriteItems ----------------------------------------------- */

/* A cancellation with `reason` at action `at` and None on the others;
 * steals `reason`. */
static pq_status cancel_at(size_t n, size_t at, json_t *reason, struct pq_error *err)
{
    json_t *reasons = json_array();
    for (size_t j = 0; j < n; j++)
        json_array_append_new(reasons,
                              j == at ? json_incref(reason) : json_pack("{s:s}", "Code", "None"));
    json_decref(reason);
    pq_status st = txn_cancel(reasons, err);
    json_decref(reasons);
    return st;
}

/* The ValidationError reason of a failed step (its message as the text). */
static json_t *validation_reason(const struct pq_error *e1)
{
    return json_pack("{s:s, s:s}", "Code", "ValidationError", "Message",
                     e1->message ? e1->message : "");
}

/* 7. (bind) and 9. (apply): a step over every action; the first failure
 * that is a ValidationException cancels with ValidationError there. */
static pq_status each_step(struct tx_action *a, size_t n, bool apply_step, struct pq_error *err)
{
    for (size_t i = 0; i < n; i++) {
        struct pq_error e1;
        pq_error_init(&e1);
        pq_status st = apply_step ? item_write_apply(&a[i].w, &e1) : item_write_bind(&a[i].w, &e1);
        if (st == PQ_OK) continue;
        if (st == PQ_ERR_SERVICE && e1.type && strcmp(e1.type, "ValidationException") == 0)
            st = cancel_at(n, i, validation_reason(&e1), err);
        else
            pq_error_move(err, &e1);
        pq_error_release(&e1);
        return st;
    }
    return PQ_OK;
}

/* 8.: every item read and its condition judged; a cancellation lists each
 * failure (with the item when ReturnValuesOnConditionCheckFailure=ALL_OLD). */
static pq_status check_conditions(struct pq_engine *e, struct tx_action *a, size_t n,
                                  struct pq_error *err)
{
    json_t *reasons = json_array();
    bool failed = false;
    pq_status st = PQ_OK;
    for (size_t i = 0; i < n && st == PQ_OK; i++) {
        struct pq_error e1;
        pq_error_init(&e1);
        st = item_write_read(e, &a[i].w, &e1);
        if (st == PQ_OK) {
            json_array_append_new(reasons, json_pack("{s:s}", "Code", "None"));
        } else if (st == PQ_ERR_SERVICE && e1.type &&
                   strcmp(e1.type, "ConditionalCheckFailedException") == 0) {
            json_t *r = json_pack("{s:s, s:s}", "Code", "ConditionalCheckFailed", "Message",
                                  "The conditional request failed");
            const json_t *item = json_object_get(e1.detail, "Item");
            if (item) json_object_set(r, "Item", (json_t *)item);
            json_array_append_new(reasons, r);
            failed = true;
            st = PQ_OK;
        } else {
            pq_error_move(err, &e1);
        }
        pq_error_release(&e1);
    }
    if (st == PQ_OK && failed) st = txn_cancel(reasons, err);
    json_decref(reasons);
    return st;
}

/* The writes, with capacity and item collection metrics. A condition
 * check is billed as a write of the item's size to the table alone
 * (UNCONFIRMED: DynamoDB documents the ConditionCheck as a write). */
static pq_status store_all(struct pq_engine *e, struct tx_action *a, size_t n, const char *ricm,
                           json_t *metrics, json_t *tables, struct pq_error *err)
{
    for (size_t i = 0; i < n; i++) {
        const struct pq_table_meta *t = a[i].w.table;
        json_object_set_new(tables, t->name,
                            json_integer(json_integer_value(json_object_get(tables, t->name)) + 1));
        if (a[i].kind == TX_CHECK) {
            cap_check(e, t, a[i].w.old);
            continue;
        }
        struct pq_error e1;
        pq_error_init(&e1);
        pq_status st = item_write_store(e, &a[i].w, &e1);
        /* A write that would grow an item collection past its limit cancels
         * the transaction at that action (the caller rolls back the ones
         * before it); reporting only the first such action is UNCONFIRMED. */
        if (st == PQ_ERR_SERVICE && e1.type &&
            strcmp(e1.type, "ItemCollectionSizeLimitExceededException") == 0)
            st = cancel_at(n, i,
                           json_pack("{s:s, s:s}", "Code", "ItemCollectionSizeLimitExceeded",
                                     "Message", e1.message),
                           err);
        else if (st)
            pq_error_move(err, &e1);
        pq_error_release(&e1);
        if (st) return st;
        if (cap_wants_metrics(ricm, t)) {
            json_t *m;
            if ((st = cap_item_collection(e, t, a[i].w.values, &m, err))) return st;
            json_t *l = json_object_get(metrics, t->name);
            if (!l) json_object_set_new(metrics, t->name, l = json_array());
            json_array_append_new(l, m);
        }
    }
    return PQ_OK;
}

/* 3.: the size of the request's actions as sent (UNCONFIRMED: the text,
 * and the measure — the JSON of TransactItems — of a 4 MB request limit). */
static pq_status check_size(const json_t *list, struct pq_error *err)
{
    size_t size = json_dumpb(list, NULL, 0, JSON_COMPACT);
    if (size <= MAX_REQUEST_BYTES) return PQ_OK;
    return pq_error_validation(err, "Transaction request size cannot exceed 4 MB");
}

pq_status tx_transact_write_items(struct pq_engine *e, json_t *req, json_t **resp,
                                  struct pq_error *err)
{
    const json_t *list = bi_member(req, "TransactItems");
    const char *token = json_string_value(bi_member(req, "ClientRequestToken"));
    const char *rcc = json_string_value(bi_member(req, "ReturnConsumedCapacity"));
    const char *ricm = json_string_value(bi_member(req, "ReturnItemCollectionMetrics"));
    size_t n = json_array_size(list);
    struct tx_action *a = pq_xcalloc(n ? n : 1, sizeof *a);
    json_t *metrics = NULL, *tables = NULL;
    char hash[65];
    *resp = NULL;
    pq_status st = bi_required(req, "TransactItems", err);
    if (st == PQ_OK) st = check_model(req, list, false, err);
    if (st == PQ_OK) st = read_actions(list, false, a, err);
    if (st == PQ_OK) st = check_size(list, err);
    if (st == PQ_OK && token) {
        /* The operation is part of what is hashed: the same token on an
         * ExecuteTransaction is another request. */
        json_t *what =
            json_pack("{s:s, s:O}", "Operation", "TransactWriteItems", "TransactItems", list);
        txn_request_hash(what, hash);
        json_decref(what);
        if ((st = txn_token_check(e, token, hash, rcc, resp, err)) || *resp) goto out;
    }
    if (st == PQ_OK) st = check_tables(e, a, n, err);
    if (st == PQ_OK) st = each_step(a, n, false, err);
    if (st == PQ_OK) st = check_conditions(e, a, n, err);
    if (st == PQ_OK) st = each_step(a, n, true, err);
    if (st) goto out;

    e->cap = cap_new(rcc, 2);
    metrics = json_object();
    tables = json_object();
    if ((st = store_all(e, a, n, ricm, metrics, tables, err))) goto out;
    *resp = json_object();
    if (token) {
        st = txn_token_record(e, token, hash, *resp, tables, err);
        tables = NULL;
        if (st) goto out;
    }
    if (e->cap) json_object_set_new(*resp, "ConsumedCapacity", cap_list_json(e->cap));
    if (json_object_size(metrics)) json_object_set(*resp, "ItemCollectionMetrics", metrics);
out:
    if (st && *resp) {
        json_decref(*resp);
        *resp = NULL;
    }
    cap_free(e->cap);
    e->cap = NULL;
    json_decref(metrics);
    json_decref(tables);
    free_actions(a, n);
    return st;
}
