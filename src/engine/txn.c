/* txn.c — ExecuteTransaction (reference §3.3): all-or-nothing, with idempotency tokens.
 *
 * Order of the checks, each failing the whole request:
 *   1. member constraints (statement count 1..100, every slot's members,
 *      ClientRequestToken 1..36), reported together; then the parameter
 *      values (their messages carry no statement prefix, §3.3);
 *   2. ClientRequestToken: a token recorded in the last 10 minutes answers
 *      with the stored response when the request is the same, and with
 *      IdempotentParameterMismatchException when it is not;
 *   3. each statement's static checks, prefixed "Validation failed in
 *      TransactStatements[i]: ";
 *   4. reads and writes mixed; two statements on one item.
 * Then every statement runs in its own savepoint inside the call's SQLite
 * transaction. No two statements touch the same item, so each one's outcome
 * does not depend on the others: all are run and each failure becomes its
 * cancellation reason; if any failed, the call fails with
 * TransactionCanceledException and the call's transaction is rolled back.
 */
#include "engine/batch.h"

#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

#include "engine/capacity.h"
#include "engine/eval.h"

#define MAX_TXN 100
#define TOKEN_WINDOW 600.0 /* seconds */
#define NS "com.amazonaws.dynamodb.v20120810#"

static pq_status check_request(const json_t *req, const json_t *list, struct pq_error *err)
{
    struct exec_violations v;
    exec_violations_init(&v);
    size_t n = json_array_size(list);
    if (n > MAX_TXN) {
        /* The rendering of the list is UNCONFIRMED (Java objects). */
        exec_violation(&v, "'[...]'", "transactStatements",
                       "have length less than or equal to 100");
    }
    struct pq_buf prefix = PQ_BUF_INIT;
    pq_buf_init(&prefix);
    for (size_t i = 0; i < n; i++) {
        pq_buf_reset(&prefix);
        pq_buf_addf(&prefix, "transactStatements.%zu.member.", i + 1);
        exec_request_check(json_array_get(list, i), prefix.data, &v);
    }
    pq_buf_release(&prefix);
    const json_t *tok = json_object_get(req, "ClientRequestToken");
    if (json_is_string(tok)) {
        size_t len = json_string_length(tok);
        if (len < 1 || len > 36) {
            struct pq_buf val = PQ_BUF_INIT;
            pq_buf_init(&val);
            pq_buf_addf(&val, "'%s'", json_string_value(tok));
            exec_violation(&v, val.data, "clientRequestToken",
                           len < 1 ? "have length greater than or equal to 1"
                                   : "have length less than or equal to 36");
            pq_buf_release(&val);
        }
    }
    exec_check_rcc(req, &v);
    return exec_violations_finish(&v, err);
}

void txn_request_hash(const json_t *list, char out[65])
{
    char *text = json_dumps(list, JSON_COMPACT | JSON_SORT_KEYS);
    unsigned char d[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)text, strlen(text), d);
    for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
    free(text);
}

/* Sets a service error whose body has a capital-M "Message" (§1.3). */
static pq_status capital_error(struct pq_error *err, const char *type, const char *msg)
{
    pq_status st = pq_error_service(err, type, "%s", msg);
    err->detail = json_pack("{s:s+, s:s}", "__type", NS, type, "Message", msg);
    return st;
}

struct tstmt {
    struct exec_request r;
    struct exec_stmt *s;
    json_t *key; /* the item the statement names */
    bool read;
};

/* The static, per-statement rules of a transaction (§3.3, §4.7, §4.8). */
static pq_status check_statement(struct tstmt *t, struct pq_error *err)
{
    const struct exec_stmt *s = t->s;
    switch (s->ast->kind) {
    case PQ_S_SELECT:
        t->read = true;
        if (s->index)
            return pq_error_validation(err,
                                       "Reads on indices are not supported within transactions.");
        if (!exec_full_key(s, &t->key))
            return pq_error_validation(err, "Select statements within ExecuteTransaction must "
                                            "specify the primary key in the where clause.");
        return PQ_OK;
    case PQ_S_EXISTS:
        /* DynamoDB Local's text for an index here. */
        if (s->index)
            return pq_error_validation(err, "Operations on indices are not supported in "
                                            "transactions");
        if (!exec_full_key(s, &t->key) || !exec_has_extra_condition(s))
            return pq_error_validation(err, "EXISTS() must contain a single item read with "
                                            "additional condition");
        return PQ_OK;
    case PQ_S_UPDATE:
    case PQ_S_DELETE:
        if (s->returning != PQ_RET_NONE)
            return pq_error_validation(err,
                                       "RETURNING clause is not supported in ExecuteTransaction.");
        /* fall through */
    default:
        if (!exec_full_key(s, &t->key))
            return pq_error_validation(err, "Unsupported operation in transaction.");
        return PQ_OK;
    }
}

/* Runs EXISTS: the item must exist and satisfy the whole WHERE clause
 * (UNCONFIRMED whether a missing item with a true condition such as
 * `x IS MISSING` passes; SQL's EXISTS says it does not). */
static pq_status run_exists(struct pq_engine *e, struct tstmt *t, struct pq_error *err)
{
    struct pq_key k;
    json_t *item = NULL;
    store_key_init(&k);
    store_key_from_item(t->s->table, t->key, &k);
    pq_status st = store_item_get(e->store, t->s->table, &k, &item, err);
    store_key_release(&k);
    if (st != PQ_OK) return st;
    /* A condition check is billed as a write of the item (UNCONFIRMED). */
    cap_check(e, t->s->table, item);
    if (!item || !ev_test(t->s->where, item)) st = exec_ccf(err, item, t->r.return_old_on_ccf);
    if (item) json_decref(item);
    return st;
}

/* The cancellation reason of a failed statement. A duplicate INSERT has the
 * code DuplicateItem: the code enum of the service model lists it, and
 * cloud error logs read "... specific reasons [DuplicateItem]". DynamoDB
 * Local says ValidationError instead; which the cloud uses is UNCONFIRMED
 * in the reference (§3.3), pinned by tests/sql/txn.sql. */
static json_t *reason_of(const struct pq_error *e)
{
    struct pq_buf code = PQ_BUF_INIT;
    pq_buf_init(&code);
    batch_error_code(e->type, &code);
    json_t *r = json_pack("{s:s, s:s}", "Code", code.data, "Message", e->message ? e->message : "");
    const json_t *item = json_object_get(e->detail, "Item");
    if (item) json_object_set(r, "Item", (json_t *)item);
    pq_buf_release(&code);
    return r;
}

pq_status txn_cancel(json_t *reasons, struct pq_error *err)
{
    struct pq_buf msg = PQ_BUF_INIT;
    pq_buf_init(&msg);
    pq_buf_adds(&msg, "Transaction cancelled, please refer cancellation reasons for specific "
                      "reasons [");
    for (size_t i = 0; i < json_array_size(reasons); i++)
        pq_buf_addf(&msg, "%s%s", i ? ", " : "",
                    json_string_value(json_object_get(json_array_get(reasons, i), "Code")));
    pq_buf_addc(&msg, ']');
    pq_status st = capital_error(err, "TransactionCanceledException", msg.data);
    json_object_set(err->detail, "CancellationReasons", reasons);
    pq_buf_release(&msg);
    return st;
}

/* A replayed request: the stored answer. Its ConsumedCapacity, when asked
 * for, is what reading the items costs (one strongly consistent unit per
 * statement, as DynamoDB documents for replays; item sizes UNCONFIRMED). */
static json_t *replay(const json_t *stored, const char *rcc)
{
    json_t *resp = json_deep_copy(json_object_get(stored, "Response"));
    if (rcc && strcmp(rcc, "NONE") != 0) {
        json_t *list = json_array();
        const char *name;
        json_t *count;
        json_object_foreach((json_t *)json_object_get(stored, "Tables"), name, count)
        {
            double u = (double)json_integer_value(count);
            json_t *c = json_pack("{s:s, s:f, s:f}", "TableName", name, "CapacityUnits", u,
                                  "ReadCapacityUnits", u);
            if (strcmp(rcc, "INDEXES") == 0)
                json_object_set_new(
                    c, "Table",
                    json_pack("{s:f, s:f}", "CapacityUnits", u, "ReadCapacityUnits", u));
            json_array_append_new(list, c);
        }
        json_object_set_new(resp, "ConsumedCapacity", list);
    }
    return resp;
}

pq_status txn_token_check(struct pq_engine *e, const char *token, const char *hash, const char *rcc,
                          json_t **replayed, struct pq_error *err)
{
    char *old_hash = NULL;
    json_t *stored = NULL;
    *replayed = NULL;
    pq_status st =
        store_token_get(e->store, token, engine_now(e) - TOKEN_WINDOW, &old_hash, &stored, err);
    if (st == PQ_OK && old_hash && strcmp(old_hash, hash) == 0)
        *replayed = replay(stored, rcc);
    else if (st == PQ_OK && old_hash)
        /* DynamoDB Local's text (§1.3). */
        st = capital_error(err, "IdempotentParameterMismatchException",
                           "Specified idempotent token was used with different request "
                           "parameters within the idempotency window");
    free(old_hash);
    if (stored) json_decref(stored);
    return st;
}

pq_status txn_token_record(struct pq_engine *e, const char *token, const char *hash,
                           const json_t *response, json_t *tables, struct pq_error *err)
{
    json_t *rec = json_pack("{s:O, s:o}", "Response", response, "Tables", tables);
    double now = engine_now(e);
    pq_status st = store_token_put(e->store, token, hash, rec, now, now - TOKEN_WINDOW, err);
    json_decref(rec);
    return st;
}

/* Whether two statements name one item: the same table and json_equal
 * keys. A key's text (sorted, compact) is the same exactly when the keys
 * are json_equal (its values are AttributeValues: objects and strings,
 * written one way), so each key is written once and the texts compared —
 * not json_equal on every pair, which was a fifth of a 100-statement
 * transaction's instructions. */
static bool one_item_twice(const struct tstmt *ts, size_t n)
{
    char **text = pq_xcalloc(n ? n : 1, sizeof *text);
    bool twice = false;
    for (size_t i = 0; i < n && !twice; i++) {
        text[i] = json_dumps(ts[i].key, JSON_COMPACT | JSON_SORT_KEYS);
        for (size_t j = 0; j < i && !twice; j++)
            twice = ts[i].s->table == ts[j].s->table &&
                    (text[i] && text[j] ? strcmp(text[i], text[j]) == 0
                                        : json_equal(ts[i].key, ts[j].key));
    }
    for (size_t i = 0; i < n; i++)
        free(text[i]);
    free(text);
    return twice;
}

pq_status txn_execute_transaction(struct pq_engine *e, json_t *req, json_t **resp,
                                  struct pq_error *err)
{
    return txn_execute_parsed(e, req, NULL, 0, resp, err);
}

pq_status txn_execute_parsed(struct pq_engine *e, json_t *req, const struct pq_parsed *parsed,
                             size_t nparsed, json_t **resp, struct pq_error *err)
{
    const json_t *list = json_object_get(req, "TransactStatements");
    const char *token = json_string_value(json_object_get(req, "ClientRequestToken"));
    const char *rcc = json_string_value(json_object_get(req, "ReturnConsumedCapacity"));
    *resp = NULL;
    if (!list || json_is_null(list))
        return pq_error_validation(err, "The parameter 'TransactStatements' is required but was "
                                        "not present in the request");
    /* DynamoDB Local's text (the model's min-length form is as plausible). */
    if (json_array_size(list) == 0)
        return pq_error_validation(err, "ExecutePartiQLTransaction can not have empty statement.");
    pq_status st = check_request(req, list, err);
    if (st != PQ_OK) return st;

    size_t n = json_array_size(list);
    struct tstmt *ts = pq_xcalloc(n, sizeof *ts);
    json_t *reasons = json_array(), *responses = json_array();
    char hash[65];
    bool failed = false, reads = false, writes = false;
    for (size_t i = 0; i < n && st == PQ_OK; i++) {
        st = exec_request_read(json_array_get(list, i), &ts[i].r, err);
        ts[i].r.mode = EXEC_TRANSACTION;
        exec_request_take_parse(&ts[i].r, i < nparsed ? &parsed[i] : NULL);
    }
    if (st != PQ_OK) goto out;

    if (token) {
        txn_request_hash(list, hash);
        if ((st = txn_token_check(e, token, hash, rcc, resp, err)) || *resp) goto out;
    }

    for (size_t i = 0; i < n; i++) {
        struct tstmt *t = &ts[i];
        struct pq_error e1;
        pq_error_init(&e1);
        st = exec_prepare(e, &t->r, &t->s, &e1);
        if (st == PQ_OK) st = check_statement(t, &e1);
        /* Transactional reads are serializable. Set only now: prepared as
         * consistent, a read of a GSI would be refused for that before the
         * rule of transactions that refuses every index read (§3.3). */
        t->r.consistent_read = true;
        if (st != PQ_OK) {
            if (st == PQ_ERR_SERVICE && e1.type && strcmp(e1.type, "ValidationException") == 0)
                st = pq_error_validation(err, "Validation failed in TransactStatements[%zu]: %s", i,
                                         e1.message);
            else
                pq_error_move(err, &e1);
            pq_error_release(&e1);
            goto out;
        }
        pq_error_release(&e1);
        reads |= t->read;
        writes |= !t->read;
    }
    /* DynamoDB Local's texts for the two whole-request rules. */
    if (reads && writes) {
        st = pq_error_validation(err, "ExecuteTransaction API does not support both read and "
                                      "write operations in the same request.");
        goto out;
    }
    if (one_item_twice(ts, n)) {
        st = pq_error_validation(err, "Transaction request cannot include multiple "
                                      "operations on one item");
        goto out;
    }

    e->cap = cap_new(rcc, 2);
    json_t *tables = json_object();
    for (size_t i = 0; i < n; i++) {
        struct tstmt *t = &ts[i];
        struct pq_error e1;
        pq_error_init(&e1);
        json_t *r = NULL;
        json_object_set_new(
            tables, t->s->table->name,
            json_integer(json_integer_value(json_object_get(tables, t->s->table->name)) + 1));
        if ((st = store_begin(e->store, err)) != PQ_OK) {
            json_decref(tables);
            goto out;
        }
        st = t->s->ast->kind == PQ_S_EXISTS ? run_exists(e, t, &e1)
                                            : exec_run(e, t->s, &t->r, &r, &e1);
        if (st == PQ_OK) {
            st = store_commit(e->store, err);
            if (st != PQ_OK) store_rollback(e->store);
        } else {
            store_rollback(e->store);
            if (st == PQ_ERR_SERVICE) {
                json_array_append_new(reasons, reason_of(&e1));
                failed = true;
                st = PQ_OK;
                pq_error_release(&e1);
                continue;
            }
            pq_error_move(err, &e1);
        }
        pq_error_release(&e1);
        if (st != PQ_OK) {
            if (r) json_decref(r);
            json_decref(tables);
            goto out;
        }
        json_array_append_new(reasons, json_pack("{s:s}", "Code", "None"));
        if (t->read) {
            json_t *item = json_array_get(json_object_get(r, "Items"), 0);
            json_array_append_new(responses,
                                  item ? json_pack("{s:O}", "Item", item) : json_object());
        }
        json_decref(r);
    }
    if (failed) {
        json_decref(tables);
        st = txn_cancel(reasons, err);
        goto out;
    }
    *resp = json_pack("{s:O}", "Responses", responses);
    if (token) {
        st = txn_token_record(e, token, hash, *resp, tables, err);
        if (st != PQ_OK) goto out;
    } else {
        json_decref(tables);
    }
    if (e->cap) json_object_set_new(*resp, "ConsumedCapacity", cap_list_json(e->cap));
out:
    if (st != PQ_OK && *resp) {
        json_decref(*resp);
        *resp = NULL;
    }
    cap_free(e->cap);
    e->cap = NULL;
    for (size_t i = 0; i < n; i++) {
        exec_stmt_free(ts[i].s);
        if (ts[i].r.params) json_decref(ts[i].r.params);
        if (ts[i].key) json_decref(ts[i].key);
    }
    free(ts);
    json_decref(reasons);
    json_decref(responses);
    return st;
}
