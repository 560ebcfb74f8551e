/* batch.c — BatchExecuteStatement (reference §3.2): up to 25 independent statements.
 *
 * The request is checked as a whole first (member constraints of every slot,
 * reported together; all reads or all writes; no two reads of one item).
 * Then each statement is prepared and run on its own, inside a savepoint: a
 * failing statement leaves nothing behind and its slot carries
 * {"Error": {"Code", "Message"[, "Item"]}} — the exception name without its
 * "Exception" suffix — while the others go on. The call itself succeeds
 * (HTTP 200) unless the store fails.
 *
 * Slot contents on success follow DynamoDB Local (the cloud's exact
 * presence of TableName is UNCONFIRMED): {"TableName": t} plus "Item" for a
 * SELECT that found its item or a write with RETURNING.
 */
#include "engine/batch.h"

#include <stdlib.h>
#include <string.h>

#include "engine/capacity.h"
#include "engine/eval.h"

#define MAX_BATCH 25

/* "ConditionalCheckFailedException" → "ConditionalCheckFailed";
 * "ValidationException" → "ValidationError" (BatchStatementErrorCodeEnum). */
void batch_error_code(const char *type, struct pq_buf *out)
{
    pq_buf_reset(out);
    if (!type || strcmp(type, "ValidationException") == 0) {
        pq_buf_adds(out, "ValidationError");
        return;
    }
    if (strcmp(type, "ThrottlingException") == 0) {
        pq_buf_adds(out, "ThrottlingError");
        return;
    }
    size_t n = strlen(type);
    if (n > 9 && strcmp(type + n - 9, "Exception") == 0) n -= 9;
    pq_buf_add(out, type, n);
}

/* The rendering of the Statements list in a length violation; the service
 * prints the Java objects, whose exact text is UNCONFIRMED. */
static void render_statements(const json_t *list, struct pq_buf *out)
{
    pq_buf_adds(out, "'[");
    for (size_t i = 0; i < json_array_size(list); i++) {
        const char *t = json_string_value(json_object_get(json_array_get(list, i), "Statement"));
        pq_buf_addf(out, "%sBatchStatementRequest(statement=%s)", i ? ", " : "", t ? t : "null");
    }
    pq_buf_adds(out, "]'");
}

static pq_status check_request(const json_t *req, const json_t *list, struct pq_error *err)
{
    struct exec_violations v;
    exec_violations_init(&v);
    size_t n = json_array_size(list);
    if (n < 1 || n > MAX_BATCH) {
        struct pq_buf val = PQ_BUF_INIT;
        pq_buf_init(&val);
        render_statements(list, &val);
        exec_violation(&v, val.data, "statements",
                       n < 1 ? "have length greater than or equal to 1"
                             : "have length less than or equal to 25");
        pq_buf_release(&val);
    }
    struct pq_buf prefix = PQ_BUF_INIT;
    pq_buf_init(&prefix);
    for (size_t i = 0; i < n; i++) {
        pq_buf_reset(&prefix);
        pq_buf_addf(&prefix, "statements.%zu.member.", i + 1);
        exec_request_check(json_array_get(list, i), prefix.data, &v);
    }
    pq_buf_release(&prefix);
    exec_check_rcc(req, &v);
    return exec_violations_finish(&v, err);
}

struct slot {
    struct exec_request r;
    struct exec_stmt *s;
    struct pq_error err; /* the slot's error when s is NULL or running failed */
    bool failed;
    json_t *key; /* SELECT: the item's key */
};

static void slot_fail(struct slot *sl, struct pq_error *e)
{
    pq_error_move(&sl->err, e);
    sl->failed = true;
}

static bool is_read(const struct exec_stmt *s)
{
    return s->ast->kind == PQ_S_SELECT;
}

static json_t *slot_error_json(const struct pq_error *e)
{
    struct pq_buf code = PQ_BUF_INIT;
    pq_buf_init(&code);
    batch_error_code(e->type, &code);
    json_t *o = json_pack("{s:s, s:s}", "Code", code.data, "Message", e->message ? e->message : "");
    pq_buf_release(&code);
    const json_t *item = json_object_get(e->detail, "Item");
    if (item) json_object_set(o, "Item", (json_t *)item);
    return json_pack("{s:o}", "Error", o);
}

/* Whether an error belongs to the slot (a DynamoDB answer) or ends the call. */
static bool slot_error(pq_status st)
{
    return st == PQ_ERR_SERVICE;
}

pq_status batch_execute_statement(struct pq_engine *e, json_t *req, json_t **resp,
                                  struct pq_error *err)
{
    return batch_execute_parsed(e, req, NULL, 0, resp, err);
}

pq_status batch_execute_parsed(struct pq_engine *e, json_t *req, const struct pq_parsed *parsed,
                               size_t nparsed, json_t **resp, struct pq_error *err)
{
    const json_t *list = json_object_get(req, "Statements");
    *resp = NULL;
    if (!list || json_is_null(list))
        return pq_error_validation(
            err, "The parameter 'Statements' is required but was not present in the request");
    pq_status st = check_request(req, list, err);
    if (st != PQ_OK) return st;

    size_t n = json_array_size(list);
    struct slot *slots = pq_xcalloc(n, sizeof *slots);
    json_t *responses = json_array();
    bool reads = false, writes = false;
    for (size_t i = 0; i < n; i++) {
        struct slot *sl = &slots[i];
        pq_error_init(&sl->err);
        struct pq_error e1;
        pq_error_init(&e1);
        st = exec_request_read(json_array_get(list, i), &sl->r, &e1);
        sl->r.mode = EXEC_BATCH;
        exec_request_take_parse(&sl->r, i < nparsed ? &parsed[i] : NULL);
        if (st == PQ_OK) st = exec_prepare(e, &sl->r, &sl->s, &e1);
        if (st == PQ_OK && is_read(sl->s) && !exec_full_key(sl->s, &sl->key))
            st = pq_error_validation(&e1, "Select statements within BatchExecuteStatement must "
                                          "specify the primary key in the where clause.");
        /* A batch read is a BatchGetItem, which has no filter: a condition
         * besides the key is refused with DynamoDB Local's text (§3.2; the
         * cloud's answer is UNCONFIRMED). */
        if (st == PQ_OK && is_read(sl->s) && exec_has_extra_condition(sl->s))
            st = pq_error_validation(&e1, "Only single item select is supported");
        if (st != PQ_OK) {
            if (!slot_error(st)) {
                pq_error_move(err, &e1);
                goto out;
            }
            slot_fail(sl, &e1);
            exec_stmt_free(sl->s);
            sl->s = NULL;
            if (sl->key) json_decref(sl->key);
            sl->key = NULL;
        } else {
            reads |= is_read(sl->s);
            writes |= !is_read(sl->s);
        }
        pq_error_release(&e1);
    }
    /* DynamoDB Local's texts for these two whole-request checks. */
    if (reads && writes) {
        st = pq_error_validation(err, "Read and write requests together in the same batch is not "
                                      "supported.");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; slots[i].key && j < i; j++) {
            if (slots[j].key && slots[i].s->table == slots[j].s->table &&
                json_equal(slots[i].key, slots[j].key)) {
                st = pq_error_validation(err, "Provided list of item keys contains duplicates");
                goto out;
            }
        }
    }

    e->cap = cap_new(json_string_value(json_object_get(req, "ReturnConsumedCapacity")), 1);
    for (size_t i = 0; i < n; i++) {
        struct slot *sl = &slots[i];
        json_t *r = NULL;
        if (!sl->failed) {
            struct pq_error e1;
            pq_error_init(&e1);
            st = store_begin(e->store, err);
            if (st == PQ_OK) st = exec_run(e, sl->s, &sl->r, &r, &e1);
            if (st == PQ_OK) {
                st = store_commit(e->store, err);
                if (st != PQ_OK) store_rollback(e->store);
            } else if (slot_error(st)) {
                store_rollback(e->store);
                slot_fail(sl, &e1);
                st = PQ_OK;
            } else {
                store_rollback(e->store);
                if (e1.code) pq_error_move(err, &e1);
            }
            pq_error_release(&e1);
            if (st != PQ_OK) {
                if (r) json_decref(r);
                goto out;
            }
        }
        json_t *slot;
        if (sl->failed) {
            slot = slot_error_json(&sl->err);
        } else {
            slot = json_pack("{s:s}", "TableName", sl->s->table->name);
            json_t *item = json_array_get(json_object_get(r, "Items"), 0);
            if (item) json_object_set(slot, "Item", item);
        }
        if (r) json_decref(r);
        json_array_append_new(responses, slot);
    }
    *resp = json_pack("{s:O}", "Responses", responses);
    if (e->cap) json_object_set_new(*resp, "ConsumedCapacity", cap_list_json(e->cap));
    st = PQ_OK;
out:
    cap_free(e->cap);
    e->cap = NULL;
    for (size_t i = 0; i < n; i++) {
        exec_stmt_free(slots[i].s);
        if (slots[i].r.params) json_decref(slots[i].r.params);
        if (slots[i].key) json_decref(slots[i].key);
        pq_error_release(&slots[i].err);
    }
    free(slots);
    json_decref(responses);
    return st;
}
