/* run.c — executes plan steps on a backend: paging, LIMIT, batches, transactions,
 * wait-for-ACTIVE, IF [NOT] EXISTS. */
#include "plan/internal.h"
#include "pqsh/buf.h"
#include "pqsh/thread.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static void default_sleep(unsigned ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

static void pause_ms(const struct pq_run_sink *sink, unsigned ms)
{
    if (sink && sink->sleep)
        sink->sleep(sink->ctx, ms);
    else
        default_sleep(ms);
}

static void notice(const struct pq_run_sink *sink, const struct pq_step *step, const char *text)
{
    if (sink && sink->notice) sink->notice(sink->ctx, step, text);
}

static pq_status deliver(const struct pq_run_sink *sink, const struct pq_step *step, json_t *rows,
                         struct pq_error *err)
{
    if (!sink || !sink->rows || json_array_size(rows) == 0) return PQ_OK;
    return sink->rows(sink->ctx, step, rows, err);
}

static void capacity(const struct pq_run_sink *sink, const struct pq_step *step, json_t *resp)
{
    json_t *cc = json_object_get(resp, "ConsumedCapacity");
    if (cc && sink && sink->capacity) sink->capacity(sink->ctx, step, cc);
}

static bool is_error(const struct pq_error *err, const char *type)
{
    return err->code == PQ_ERR_SERVICE && err->type && type && strcmp(err->type, type) == 0;
}

/* `req` (one reference held) as a request of the caller's own to change. */
static json_t *own_request(json_t *req)
{
    if (pq_thread_holders(req) == 1) return req;
    json_t *c = json_copy(req);
    json_decref(req);
    return c;
}

/* ExecuteStatement, following NextToken until it is absent or LIMIT is met.
 * Each page is delivered and dropped before the next is asked for, so memory
 * stays bounded by one page. */
static pq_status run_statement(struct pq_backend *b, const struct pq_step *step,
                               const struct pq_run_sink *sink, struct pq_run_outcome *out,
                               struct pq_error *err)
{
    /* The request as planned; copied only to be changed (Limit, NextToken). */
    json_t *req = json_incref(step->request), *resp = NULL, *slice = NULL;
    uint64_t left = step->limit;
    pq_status st = PQ_OK;
    /* LIMIT 0 still asks the target, once, for at most one item: a missing
     * table or a refused statement must not pass for an empty result. */
    if (step->has_limit && left == 0) {
        req = own_request(req);
        json_object_set_new(req, "Limit", json_integer(1));
    }
    for (;;) {
        st = step->parsed ? pq_backend_execute(b, req, step->parsed, step->parsed_base, &resp, err)
                          : pq_backend_call(b, step->op, req, &resp, err);
        if (st) goto out;
        json_t *items = json_object_get(resp, "Items");
        size_t n = json_array_size(items);
        /* A write's answer is usually {} or {"Items": []}: nothing else to
         * look up in it. */
        if (n == 0 && !step->has_limit && json_object_size(resp) == (items ? 1u : 0u)) break;
        capacity(sink, step, resp);
        if (step->has_limit && n > left) {
            slice = json_array();
            for (size_t i = 0; i < left; i++)
                json_array_append(slice, json_array_get(items, i));
            items = slice;
            n = (size_t)left;
        }
        st = deliver(sink, step, items, err);
        if (st) goto out;
        out->count += n;
        if (step->has_limit && (left -= n) == 0) break;
        json_t *token = json_object_get(resp, "NextToken");
        if (!json_is_string(token)) {
            /* ExecuteStatement cannot resume from a key, only from a token
             * (reference §3.1): say so rather than loop or stop silently. */
            if (json_object_get(resp, "LastEvaluatedKey"))
                notice(sink, step,
                       "the service returned LastEvaluatedKey without NextToken: "
                       "results may be incomplete");
            break;
        }
        json_t *prev = json_object_get(req, "NextToken");
        if (prev && json_equal(prev, token)) {
            st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                              "the service returned the same NextToken twice");
            goto out;
        }
        req = own_request(req);
        json_object_set(req, "NextToken", token);
        json_decref(resp);
        resp = NULL;
        if (slice) json_decref(slice);
        slice = NULL;
    }
    /* An INSERT or UPDATE that succeeded wrote its one item; a DELETE counts
     * only the items RETURNING brought back (an absent key succeeds too). */
    if (step->kind == PQ_STEP_WRITE && out->count == 0 && strcmp(step->tag, "DELETE") != 0)
        out->count = 1;
out:
    if (slice) json_decref(slice);
    if (resp) json_decref(resp);
    json_decref(req);
    return st;
}

/* Whether a TableDescription shows the step done: the table ACTIVE
 * (CREATE TABLE), the index ACTIVE (CREATE INDEX) or gone (DROP INDEX). */
static bool is_done(const struct pq_step *step, const json_t *desc)
{
    if (!desc) return false;
    const char *status = json_string_value(json_object_get(desc, "TableStatus"));
    if (step->kind != PQ_STEP_UPDATE_TABLE) return status && strcmp(status, "ACTIVE") == 0;
    size_t i;
    json_t *ix;
    json_array_foreach(json_object_get(desc, "GlobalSecondaryIndexes"), i, ix)
    {
        const char *name = json_string_value(json_object_get(ix, "IndexName"));
        if (!name || strcmp(name, step->index) != 0) continue;
        const char *ist = json_string_value(json_object_get(ix, "IndexStatus"));
        return step->index_create && ist && strcmp(ist, "ACTIVE") == 0;
    }
    return !step->index_create;
}

/* After CreateTable / UpdateTable: DescribeTable with backoff until done.
 * Right after CreateTable the cloud may still answer ResourceNotFoundException.
 * The first DescribeTable goes out at once: the embedded engine (and pqsh
 * serve) answer ACTIVE to it, so creating a table costs no sleep there;
 * DynamoDB answers CREATING, and the backoff starts. */
static pq_status wait_done(struct pq_backend *b, const struct pq_step *step, json_t *first,
                           const struct pq_run_sink *sink, struct pq_error *err)
{
    json_t *req = json_pack("{s:s}", "TableName", step->table);
    unsigned delay = 0, waited = 0;
    bool done = is_done(step, json_object_get(first, "TableDescription"));
    pq_status st = PQ_OK;
    while (!done) {
        if (waited >= PQ_PLAN_ACTIVE_TIMEOUT_MS) {
            if (step->kind == PQ_STEP_UPDATE_TABLE)
                st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                                  "index '%s' of table '%s' did not become %s within %u seconds",
                                  step->index, step->table,
                                  step->index_create ? "ACTIVE" : "deleted",
                                  PQ_PLAN_ACTIVE_TIMEOUT_MS / 1000);
            else
                st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                                  "table '%s' did not become ACTIVE within %u seconds", step->table,
                                  PQ_PLAN_ACTIVE_TIMEOUT_MS / 1000);
            break;
        }
        if (delay) pause_ms(sink, delay);
        waited += delay;
        delay = delay == 0 ? 100 : delay * 2 > 2000 ? 2000 : delay * 2;
        json_t *resp = NULL;
        st = pq_backend_call(b, "DescribeTable", req, &resp, err);
        if (st && step->kind == PQ_STEP_CREATE_TABLE &&
            is_error(err, "ResourceNotFoundException")) {
            pq_error_release(err);
            st = PQ_OK;
            continue;
        }
        if (st) break;
        done = is_done(step, json_object_get(resp, "Table"));
        json_decref(resp);
    }
    json_decref(req);
    return st;
}

/* ---- batches and transactions ------------------------------------------- */

/* Slot codes worth sending again (reference §3.2's Error.Code enum). */
static bool retryable_code(const json_t *slot)
{
    static const char *const codes[] = {"ThrottlingError", "ProvisionedThroughputExceeded",
                                        "RequestLimitExceeded", "TransactionConflict",
                                        "InternalServerError"};
    const char *code = json_string_value(json_object_get(json_object_get(slot, "Error"), "Code"));
    for (size_t i = 0; code && i < sizeof codes / sizeof codes[0]; i++)
        if (strcmp(code, codes[i]) == 0) return true;
    return false;
}

#define BATCH_ATTEMPTS 4

/* BatchExecuteStatement: HTTP 200 whatever the slots say (§3.2). Slots that
 * failed with a retryable code are sent again (only those), with backoff;
 * then every member's outcome goes to the sink in order. */
static pq_status run_batch(struct pq_backend *b, const struct pq_step *step,
                           const struct pq_run_sink *sink, struct pq_run_outcome *out,
                           struct pq_error *err)
{
    json_t *all = json_object_get(step->request, "Statements");
    size_t n = json_array_size(all), npending = n;
    json_t **slots = pq_xcalloc(n ? n : 1, sizeof *slots);
    size_t *pending = pq_xcalloc(n ? n : 1, sizeof *pending);
    /* The pending members' parses, in the order they are sent. */
    struct pq_parsed *parsed = step->member_parsed ? pq_xcalloc(n ? n : 1, sizeof *parsed) : NULL;
    json_t *req = json_copy(step->request), *rows = json_array();
    unsigned delay = 50;
    pq_status st = PQ_OK;
    for (size_t i = 0; i < n; i++)
        pending[i] = i;
    for (int attempt = 0; npending && attempt < BATCH_ATTEMPTS; attempt++) {
        if (attempt) {
            pause_ms(sink, delay);
            delay *= 2;
        }
        json_t *list = json_array(), *resp = NULL;
        for (size_t j = 0; j < npending; j++) {
            json_array_append(list, json_array_get(all, pending[j]));
            if (parsed) parsed[j] = step->member_parsed[pending[j]];
        }
        json_object_set_new(req, "Statements", list);
        st = pq_backend_call_parsed(b, step->op, req, parsed, npending, &resp, err);
        if (st) {
            /* A retry that fails as a whole leaves the slots as they were. */
            if (attempt == 0) goto out;
            pq_error_release(err);
            st = PQ_OK;
            break;
        }
        capacity(sink, step, resp);
        json_t *responses = json_object_get(resp, "Responses");
        size_t still = 0;
        for (size_t j = 0; j < npending; j++) {
            json_t *slot = json_array_get(responses, j);
            if (slots[pending[j]]) json_decref(slots[pending[j]]);
            slots[pending[j]] =
                slot ? json_incref(slot)
                     : json_pack("{s:{s:s,s:s}}", "Error", "Code", "InternalServerError", "Message",
                                 "the service returned no outcome for this statement");
            if (retryable_code(slots[pending[j]])) pending[still++] = pending[j];
        }
        npending = still;
        json_decref(resp);
    }
    for (size_t i = 0; i < n; i++) {
        const json_t *error = json_object_get(slots[i], "Error");
        const json_t *item = json_object_get(slots[i], "Item");
        if (sink && sink->member) sink->member(sink->ctx, step, i, error, item);
        if (error)
            out->failed++;
        else
            out->count++;
        if (!error && item && step->reads) json_array_append(rows, (json_t *)item);
    }
    st = deliver(sink, step, rows, err);
out:
    for (size_t i = 0; i < n; i++)
        if (slots[i]) json_decref(slots[i]);
    free(slots);
    free(pending);
    free(parsed);
    json_decref(rows);
    json_decref(req);
    return st;
}

/* ExecuteTransaction: all or nothing. Reads give one row per statement
 * (`{}` when the item does not exist); writes give an empty Responses. */
static pq_status run_transaction(struct pq_backend *b, const struct pq_step *step,
                                 const struct pq_run_sink *sink, struct pq_run_outcome *out,
                                 struct pq_error *err)
{
    json_t *resp = NULL, *rows = json_array();
    pq_status st = pq_backend_call_parsed(b, step->op, step->request, step->member_parsed,
                                          step->nmembers, &resp, err);
    if (st) goto out;
    capacity(sink, step, resp);
    json_t *responses = json_object_get(resp, "Responses");
    for (size_t i = 0; i < step->nmembers; i++) {
        const json_t *item = json_object_get(json_array_get(responses, i), "Item");
        if (sink && sink->member) sink->member(sink->ctx, step, i, NULL, item);
        if (step->reads)
            json_array_append_new(rows, item ? json_copy((json_t *)item) : json_object());
    }
    out->count = step->nmembers;
    st = deliver(sink, step, rows, err);
out:
    json_decref(rows);
    if (resp) json_decref(resp);
    return st;
}

static pq_status run_list_tables(struct pq_backend *b, const struct pq_step *step,
                                 const struct pq_run_sink *sink, struct pq_run_outcome *out,
                                 struct pq_error *err)
{
    json_t *req = json_copy(step->request), *resp = NULL;
    pq_status st = PQ_OK;
    for (;;) {
        st = pq_backend_call(b, step->op, req, &resp, err);
        if (st) break;
        json_t *names = json_object_get(resp, "TableNames");
        st = deliver(sink, step, names, err);
        if (st) break;
        out->count += json_array_size(names);
        json_t *last = json_object_get(resp, "LastEvaluatedTableName");
        if (!json_is_string(last)) break;
        json_object_set(req, "ExclusiveStartTableName", last);
        json_decref(resp);
        resp = NULL;
    }
    if (resp) json_decref(resp);
    json_decref(req);
    return st;
}

pq_status pq_plan_run_step(struct pq_backend *b, const struct pq_step *step,
                           const struct pq_run_sink *sink, struct pq_run_outcome *out,
                           struct pq_error *err)
{
    json_t *resp = NULL, *rows = NULL;
    pq_status st = PQ_OK;
    out->count = 0;
    out->skipped = false;
    switch (step->kind) {
    case PQ_STEP_SELECT:
    case PQ_STEP_WRITE:
        return run_statement(b, step, sink, out, err);
    case PQ_STEP_LIST_TABLES:
        return run_list_tables(b, step, sink, out, err);
    case PQ_STEP_BATCH:
        return run_batch(b, step, sink, out, err);
    case PQ_STEP_TRANSACTION:
        return run_transaction(b, step, sink, out, err);
    case PQ_STEP_CREATE_TABLE:
    case PQ_STEP_DROP_TABLE:
    case PQ_STEP_DESCRIBE:
    case PQ_STEP_UPDATE_TABLE:
        break;
    }
    st = pq_backend_call(b, step->op, step->request, &resp, err);
    if (st && step->tolerate && is_error(err, step->tolerate)) {
        struct pq_buf text = PQ_BUF_INIT;
        pq_buf_init(&text);
        pq_buf_addf(&text, "table '%s' %s, skipping", step->table,
                    step->kind == PQ_STEP_CREATE_TABLE ? "already exists" : "does not exist");
        notice(sink, step, text.data);
        pq_buf_release(&text);
        pq_error_release(err);
        out->skipped = true;
        return PQ_OK;
    }
    if (st) goto out;
    if (step->kind == PQ_STEP_CREATE_TABLE || step->kind == PQ_STEP_UPDATE_TABLE)
        st = wait_done(b, step, resp, sink, err);
    if (step->kind == PQ_STEP_DESCRIBE) {
        rows = json_array();
        json_array_append(rows, json_object_get(resp, "Table"));
        st = deliver(sink, step, rows, err);
    }
    if (!st) out->count = 1;
out:
    if (rows) json_decref(rows);
    if (resp) json_decref(resp);
    return st;
}

void pq_step_describe(const struct pq_step *step, struct pq_buf *out)
{
    char *body = json_dumps(step->request, JSON_COMPACT | JSON_PRESERVE_ORDER);
    pq_buf_addf(out, "%s %s", step->op, body ? body : "{}");
    free(body);
    switch (step->kind) {
    case PQ_STEP_SELECT:
        pq_buf_adds(out, " [follow NextToken");
        if (step->has_limit)
            pq_buf_addf(out, "; stop after %llu item%s", (unsigned long long)step->limit,
                        step->limit == 1 ? "" : "s");
        pq_buf_adds(out, "]");
        break;
    case PQ_STEP_CREATE_TABLE:
        pq_buf_adds(out, " [then DescribeTable until ACTIVE");
        if (step->tolerate) pq_buf_addf(out, "; %s means it exists", step->tolerate);
        pq_buf_adds(out, "]");
        break;
    case PQ_STEP_DROP_TABLE:
        if (step->tolerate) pq_buf_addf(out, " [%s means it is gone]", step->tolerate);
        break;
    case PQ_STEP_LIST_TABLES:
        pq_buf_adds(out, " [follow LastEvaluatedTableName]");
        break;
    case PQ_STEP_BATCH:
        pq_buf_adds(out, " [one outcome per statement; retry slots that were throttled]");
        break;
    case PQ_STEP_TRANSACTION:
        pq_buf_adds(out, step->reads ? " [all or nothing; one item per statement]"
                                     : " [all or nothing]");
        break;
    case PQ_STEP_UPDATE_TABLE:
        pq_buf_addf(out, " [then DescribeTable until index '%s' is %s]", step->index,
                    step->index_create ? "ACTIVE" : "gone");
        break;
    case PQ_STEP_WRITE:
    case PQ_STEP_DESCRIBE:
        break;
    }
    if (step->read_note) pq_buf_addf(out, "\n  %s", step->read_note);
    if (step->has_limit)
        pq_buf_addf(out,
                    "\n  LIMIT %llu is applied by pqsh: DynamoDB refuses LIMIT in a statement, so "
                    "it is not sent and paging stops after %llu item%s",
                    (unsigned long long)step->limit, (unsigned long long)step->limit,
                    step->limit == 1 ? "" : "s");
}
