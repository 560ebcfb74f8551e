/* test_engine_util.h — a :memory: engine and one-line helpers for the ExecuteStatement tests. */
#ifndef PQSH_TEST_ENGINE_UTIL_H
#define PQSH_TEST_ENGINE_UTIL_H

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "check.h"
#include "test_engine_open.h"
#include "engine/eval.h"
#include "pqsh/engine.h"

static struct pq_engine *eng;
static struct pq_error last_err;

static void engine_start(size_t page_bytes)
{
    static bool started;
    if (!started) pq_error_init(&last_err);
    started = true;
    pq_error_release(&last_err);
    if (eng) pq_engine_close(eng);
    eng = test_engine_open(page_bytes);
}

/* Calls `op` with a request written as JSON text; returns the response (new
 * reference) or NULL with the error in last_err. */
static json_t *call_json(const char *op, const char *request)
{
    json_error_t jerr;
    json_t *req = json_loads(request, 0, &jerr);
    if (!req) {
        fprintf(stderr, "bad test JSON: %s: %s\n", request, jerr.text);
        exit(1);
    }
    json_t *resp = NULL;
    pq_error_release(&last_err);
    if (pq_engine_call(eng, op, req, &resp, &last_err) != PQ_OK) resp = NULL;
    json_decref(req);
    return resp;
}

static void create_table(const char *name, const char *hash, char htype, const char *range,
                         char rtype)
{
    char req[1024];
    if (range)
        snprintf(req, sizeof req,
                 "{\"TableName\":\"%s\",\"BillingMode\":\"PAY_PER_REQUEST\","
                 "\"AttributeDefinitions\":[{\"AttributeName\":\"%s\",\"AttributeType\":\"%c\"},"
                 "{\"AttributeName\":\"%s\",\"AttributeType\":\"%c\"}],"
                 "\"KeySchema\":[{\"AttributeName\":\"%s\",\"KeyType\":\"HASH\"},"
                 "{\"AttributeName\":\"%s\",\"KeyType\":\"RANGE\"}]}",
                 name, hash, htype, range, rtype, hash, range);
    else
        snprintf(req, sizeof req,
                 "{\"TableName\":\"%s\",\"BillingMode\":\"PAY_PER_REQUEST\","
                 "\"AttributeDefinitions\":[{\"AttributeName\":\"%s\",\"AttributeType\":\"%c\"}],"
                 "\"KeySchema\":[{\"AttributeName\":\"%s\",\"KeyType\":\"HASH\"}]}",
                 name, hash, htype, hash);
    json_t *r = call_json("CreateTable", req);
    if (!r) {
        fprintf(stderr, "CreateTable %s: %s\n", name, last_err.message);
        exit(1);
    }
    json_decref(r);
}

/* ExecuteStatement with optional Parameters (JSON array text) and extra
 * request members (JSON object text merged in). */
static json_t *run_ex(const char *stmt, const char *params, const char *extra)
{
    json_t *req = json_pack("{s:s}", "Statement", stmt);
    if (params) json_object_set_new(req, "Parameters", json_loads(params, 0, NULL));
    if (extra) {
        json_t *x = json_loads(extra, 0, NULL);
        json_object_update(req, x);
        json_decref(x);
    }
    json_t *resp = NULL;
    pq_error_release(&last_err);
    if (pq_engine_call(eng, "ExecuteStatement", req, &resp, &last_err) != PQ_OK) resp = NULL;
    json_decref(req);
    return resp;
}

static json_t *run(const char *stmt)
{
    return run_ex(stmt, NULL, NULL);
}

/* Runs a statement expected to succeed; returns its Items as compact JSON
 * text (static buffer) or "ERROR: <type>: <message>". */
static const char *items_p(const char *stmt, const char *params)
{
    static char out[8192];
    json_t *r = run_ex(stmt, params, NULL);
    if (!r) {
        snprintf(out, sizeof out, "ERROR: %s: %s", last_err.type ? last_err.type : "?",
                 last_err.message ? last_err.message : "?");
        return out;
    }
    char *t = json_dumps(json_object_get(r, "Items"), JSON_COMPACT | JSON_SORT_KEYS);
    snprintf(out, sizeof out, "%s", t);
    free(t);
    json_decref(r);
    return out;
}

static const char *items(const char *stmt)
{
    return items_p(stmt, NULL);
}

/* Runs a statement expected to fail; returns "<type>: <message>" or "OK". */
static const char *error_p(const char *stmt, const char *params)
{
    static char out[4096];
    json_t *r = run_ex(stmt, params, NULL);
    if (r) {
        json_decref(r);
        return "OK";
    }
    snprintf(out, sizeof out, "%s: %s", last_err.type ? last_err.type : "?",
             last_err.message ? last_err.message : "?");
    return out;
}

static const char *error_of(const char *stmt)
{
    return error_p(stmt, NULL);
}

/* Calls `op` and returns the whole response, or "<type>: <message>", as
 * compact sorted JSON text (static buffer). */
static inline const char *answer(const char *op, const char *request)
{
    static char out[16384];
    json_t *r = call_json(op, request);
    if (!r) {
        snprintf(out, sizeof out, "%s: %s", last_err.type ? last_err.type : "?",
                 last_err.message ? last_err.message : "?");
        return out;
    }
    char *t = json_dumps(r, JSON_COMPACT | JSON_SORT_KEYS);
    snprintf(out, sizeof out, "%s", t);
    free(t);
    json_decref(r);
    return out;
}

/* Runs a write that must succeed. */
static void ok(const char *stmt)
{
    json_t *r = run(stmt);
    if (!r) {
        fprintf(stderr, "unexpected failure of %s\n    %s: %s\n", stmt,
                last_err.type ? last_err.type : "?", last_err.message);
        check_failures++;
    }
    check_count++;
    json_decref(r);
}

#endif
