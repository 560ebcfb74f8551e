/* scan.c — Scan: its checks (item API reference §5) and parallel-scan segments.
 *
 * Order: model constraints, legacy/expression mix and orphans,
 * AttributesToGet, ScanFilter, the values of ExclusiveStartKey, Segment and
 * TotalSegments, the expressions, Select (unprefixed, unlike Query's), then
 * the table, the index, ExclusiveStartKey against the schema and the
 * segment, nested paths on key attributes.
 *
 * Segments: a partition belongs to segment floor(h * TotalSegments / 2^64)
 * where h is a fixed 64-bit hash of its encoded partition key (of the index
 * on an index scan; store_segment_of). Every partition is in exactly one
 * segment, so segments are disjoint and together cover the table; each is
 * read in key order like a plain Scan, so ExclusiveStartKey resumes inside
 * it. DynamoDB splits on a hash of the partition key too; its hash differs.
 */
#include "engine/query.h"

#include <stdio.h>
#include <string.h>

#define MAX_TOTAL_SEGMENTS 1000000

static void check_range(struct exec_violations *v, const json_t *n, const char *member,
                        json_int_t min, json_int_t max)
{
    if (!n) return;
    json_int_t x = json_integer_value(n);
    if (x >= min && x <= max) return;
    char val[32], rule[64];
    snprintf(val, sizeof val, "'%lld'", (long long)x);
    snprintf(rule, sizeof rule, "have value %s than or equal to %lld", x < min ? "greater" : "less",
             (long long)(x < min ? min : max));
    exec_violation(v, val, member, rule);
}

static pq_status scan_model(const json_t *req, struct pq_error *err)
{
    struct exec_violations v;
    pq_status st = read_check_model(req, &v, err);
    if (st) return st;
    lg_check_model(read_member(req, "ScanFilter"), LG_SCAN_FILTER, &v);
    check_range(&v, read_member(req, "TotalSegments"), "totalSegments", 1, MAX_TOTAL_SEGMENTS);
    check_range(&v, read_member(req, "Segment"), "segment", 0, MAX_TOTAL_SEGMENTS - 1);
    return exec_violations_finish(&v, err);
}

static pq_status check_segments(struct read_op *r, struct pq_error *err)
{
    const json_t *seg = read_member(r->req, "Segment");
    const json_t *total = read_member(r->req, "TotalSegments");
    if (seg && !total)
        return pq_error_validation(err, "The TotalSegments parameter is required but was not "
                                        "present in the request when Segment parameter is present");
    if (total && !seg)
        return pq_error_validation(err, "The Segment parameter is required but was not present in "
                                        "the request when parameter TotalSegments is present");
    if (!seg) return PQ_OK;
    json_int_t s = json_integer_value(seg), t = json_integer_value(total);
    if (s >= t)
        return pq_error_validation(err,
                                   "The Segment parameter is zero-based and must be less than "
                                   "parameter TotalSegments: Segment: %lld is not less than "
                                   "TotalSegments: %lld",
                                   (long long)s, (long long)t);
    r->range.segment = (uint32_t)s;
    r->range.total_segments = (uint32_t)t;
    return PQ_OK;
}

/* ExclusiveStartKey must lie in the requested segment. */
static pq_status check_esk_segment(const struct read_op *r, struct pq_error *err)
{
    const struct pq_range *g = &r->range;
    if (!r->esk || g->total_segments < 2) return PQ_OK;
    if (store_segment_of(r->after.hk.data, r->after.hk.len, g->total_segments) == g->segment)
        return PQ_OK;
    return pq_error_validation(err,
                               "The provided starting key is invalid: Invalid ExclusiveStartKey. "
                               "Please use ExclusiveStartKey with correct Segment. TotalSegments: "
                               "%u Segment: %u",
                               g->total_segments, g->segment);
}

pq_status query_scan(struct pq_engine *e, json_t *req, json_t **resp, struct pq_error *err)
{
    struct read_op r;
    *resp = NULL;
    read_op_init(&r, req, false);
    r.limit = json_integer_value(read_member(req, "Limit"));
    r.consistent = json_is_true(read_member(req, "ConsistentRead"));
    r.atg = read_member(req, "AttributesToGet");
    pq_status st;
    if ((st = scan_model(req, err)) || (st = read_check_mix(&r, err)) ||
        (st = read_check_atg(&r, err)) || (st = read_legacy_filter(&r, err)) ||
        (st = read_check_esk_values(&r, err)) || (st = check_segments(&r, err)) ||
        (st = read_compile(&r, NULL, err)) || (st = read_check_select(&r, "", err)) ||
        (st = read_bind_table(e, &r, err)))
        goto out;
    if (r.index)
        st = read_bind_esk(&r, "The provided starting key is invalid",
                           "The provided starting key is invalid",
                           "The provided starting key is invalid", err);
    else
        st = read_bind_esk(&r,
                           "The provided starting key is invalid: The provided key element does "
                           "not match the schema",
                           "The provided starting key is invalid: The provided key element does "
                           "not match the schema",
                           NULL, err);
    if (st || (st = check_esk_segment(&r, err)) || (st = read_check_paths(&r, err))) goto out;
    st = read_run(e, &r, resp, err);
out:
    read_op_release(&r);
    return st;
}
