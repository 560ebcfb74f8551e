/* run.c — executes plan steps on a backend: paging, LIMIT, wait-for-ACTIVE, IF [NOT] EXISTS. */
#include "pqsh/plan.h"
#include "pqsh/buf.h"

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

static bool is_error(const struct pq_error *err, const char *type)
{
    return err->code == PQ_ERR_SERVICE && err->type && type && strcmp(err->type, type) == 0;
}

/* ExecuteStatement, following NextToken until it is absent or LIMIT is met.
 * Each page is delivered and dropped before the next is asked for, so memory
 * stays bounded by one page. */
static pq_status run_statement(struct pq_backend *b, const struct pq_step *step,
                               const struct pq_run_sink *sink, struct pq_run_outcome *out,
                               struct pq_error *err)
{
    json_t *req = json_copy(step->request), *resp = NULL, *slice = NULL;
    uint64_t left = step->limit;
    pq_status st = PQ_OK;
    if (step->has_limit && left == 0) goto out;
    for (;;) {
        st = pq_backend_call(b, step->op, req, &resp, err);
        if (st) goto out;
        json_t *items = json_object_get(resp, "Items");
        size_t n = json_array_size(items);
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
        json_object_set(req, "NextToken", token);
        json_decref(resp);
        resp = NULL;
        if (slice) json_decref(slice);
        slice = NULL;
    }
    if (step->kind == PQ_STEP_WRITE && out->count == 0) out->count = 1;
out:
    if (slice) json_decref(slice);
    if (resp) json_decref(resp);
    json_decref(req);
    return st;
}

static bool is_active(json_t *resp, const char *member)
{
    const char *status =
        json_string_value(json_object_get(json_object_get(resp, member), "TableStatus"));
    return status && strcmp(status, "ACTIVE") == 0;
}

/* After CreateTable: DescribeTable with backoff until ACTIVE. Right after
 * CreateTable the cloud may still answer ResourceNotFoundException. */
static pq_status wait_active(struct pq_backend *b, const struct pq_step *step, json_t *created,
                             const struct pq_run_sink *sink, struct pq_error *err)
{
    json_t *req = json_pack("{s:s}", "TableName", step->table);
    unsigned delay = 100, waited = 0;
    bool active = is_active(created, "TableDescription");
    pq_status st = PQ_OK;
    while (!active) {
        if (waited >= PQ_PLAN_ACTIVE_TIMEOUT_MS) {
            st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                              "table '%s' did not become ACTIVE within %u seconds", step->table,
                              PQ_PLAN_ACTIVE_TIMEOUT_MS / 1000);
            break;
        }
        pause_ms(sink, delay);
        waited += delay;
        delay = delay * 2 > 2000 ? 2000 : delay * 2;
        json_t *resp = NULL;
        st = pq_backend_call(b, "DescribeTable", req, &resp, err);
        if (st && is_error(err, "ResourceNotFoundException")) {
            pq_error_release(err);
            st = PQ_OK;
            continue;
        }
        if (st) break;
        active = is_active(resp, "Table");
        json_decref(resp);
    }
    json_decref(req);
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
    case PQ_STEP_CREATE_TABLE:
    case PQ_STEP_DROP_TABLE:
    case PQ_STEP_DESCRIBE:
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
    if (step->kind == PQ_STEP_CREATE_TABLE) st = wait_active(b, step, resp, sink, err);
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
            pq_buf_addf(out, "; stop after %llu items", (unsigned long long)step->limit);
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
    case PQ_STEP_WRITE:
    case PQ_STEP_DESCRIBE:
        break;
    }
}
