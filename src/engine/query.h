/* query.h — Query and Scan in the engine (private to src/engine).
 *
 *   query.c  Query, and what Query and Scan share: request checks common to
 *            both, ExclusiveStartKey, Select, the page loop, the response
 *   scan.c   Scan: its own checks, parallel-scan segments
 *
 * Both read through the store's cursors (store_cursor_open with a pq_range),
 * the same machinery as PartiQL's SELECT: a page ends after Limit items
 * evaluated or e->page_bytes read, and resumes strictly after the
 * ExclusiveStartKey. Same contract as the other operations (internal.h): the
 * request is borrowed, *resp is a new reference on PQ_OK.
 */
#ifndef PQSH_ENGINE_QUERY_H
#define PQSH_ENGINE_QUERY_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include "engine/eval.h"
#include "engine/expr.h"
#include "engine/internal.h"
#include "engine/legacy.h"

pq_status query_query(struct pq_engine *e, json_t *req, json_t **resp,
                      struct pq_error *err) PQ_MUST_USE;
pq_status query_scan(struct pq_engine *e, json_t *req, json_t **resp,
                     struct pq_error *err) PQ_MUST_USE;

/* ---- shared by query.c and scan.c -------------------------------------- */

typedef enum read_select {
    SEL_DEFAULT, /* not given: ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES on an index,
                    SPECIFIC_ATTRIBUTES with a projection */
    SEL_ALL,
    SEL_PROJECTED,
    SEL_SPECIFIC,
    SEL_COUNT,
} read_select;

/* One Query or Scan request, read and checked. */
struct read_op {
    const json_t *req;
    bool query;                        /* Query, else Scan */
    const struct pq_table_meta *table; /* after the table lookup */
    const struct pq_index_meta *index; /* IndexName, else NULL */
    const struct pq_key_attr *khash;   /* key schema of what is read */
    const struct pq_key_attr *krange;  /* NULL without a sort key */
    read_select select;
    json_int_t limit; /* 0: none */
    bool consistent;
    json_t *esk; /* validated copy of ExclusiveStartKey, or NULL */
    struct pq_key after;
    struct xp_request *xr;
    struct lg_request *lg; /* QueryFilter / ScanFilter / KeyConditions, or NULL */
    const struct ev_cond *filter;
    const struct xp_projection *proj;
    const json_t *atg; /* AttributesToGet, borrowed */
    struct pq_range range;
    struct pq_buf hk, lo, hi, prefix; /* what range points at */
};

void read_op_init(struct read_op *r, const json_t *req, bool query);
void read_op_release(struct read_op *r);

/* The request member `name`, NULL when absent or JSON null. */
const json_t *read_member(const json_t *req, const char *name);

/* Starts either operation's model checks: TableName is required (else a
 * ValidationException, `v` untouched); then `v` is initialised with the
 * violations of the constraints both share (TableName, IndexName, Select,
 * AttributesToGet, Limit, ConditionalOperator, ReturnConsumedCapacity), for
 * the caller to add its own and exec_violations_finish. */
pq_status read_check_model(const json_t *req, struct exec_violations *v,
                           struct pq_error *err) PQ_MUST_USE;
/* The legacy/expression mix and the orphan EAN / EAV checks of §2.4 (1–3). */
pq_status read_check_mix(const struct read_op *r, struct pq_error *err) PQ_MUST_USE;
/* AttributesToGet duplicates. */
pq_status read_check_atg(const struct read_op *r, struct pq_error *err) PQ_MUST_USE;
/* ExclusiveStartKey's values (step 5 of §4.2): keeps a validated copy. */
pq_status read_check_esk_values(struct read_op *r, struct pq_error *err) PQ_MUST_USE;
/* QueryFilter / ScanFilter (with ConditionalOperator) into r->filter (§10). */
pq_status read_legacy_filter(struct read_op *r, struct pq_error *err) PQ_MUST_USE;
/* ExpressionAttributeNames/Values and the expressions (KeyCondition given by
 * Query through `kc`, may be NULL), then unused names and values. */
pq_status read_compile(struct read_op *r, const struct xp_key_condition **kc,
                       struct pq_error *err) PQ_MUST_USE;
/* Select's rules (§4.3); `prefix` is Query's "1 validation error detected: ". */
pq_status read_check_select(struct read_op *r, const char *prefix,
                            struct pq_error *err) PQ_MUST_USE;
/* Table and index lookup, ConsistentRead on a GSI. */
pq_status read_bind_table(struct pq_engine *e, struct read_op *r, struct pq_error *err) PQ_MUST_USE;
/* ExclusiveStartKey against the key schema: the attributes of the table key
 * (and of the index key on an index), encoded into r->after. The messages
 * are the operation's for a wrong set of attributes, for a table-key
 * attribute of the wrong type and for an index-key one. */
pq_status read_bind_esk(struct read_op *r, const char *bad_count, const char *bad_table_type,
                        const char *bad_index_type, struct pq_error *err) PQ_MUST_USE;
/* Nested paths on key attributes in the filter and projection, then (GSI)
 * projected attributes, then Select ALL_ATTRIBUTES on a GSI. */
pq_status read_check_paths(const struct read_op *r, struct pq_error *err) PQ_MUST_USE;
/* Reads one page of r->range and builds the response. */
pq_status read_run(struct pq_engine *e, struct read_op *r, json_t **resp,
                   struct pq_error *err) PQ_MUST_USE;

#endif
