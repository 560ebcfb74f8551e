/* item_ops.h — the single-item operations in the engine (private to src/engine).
 *
 * PutItem, GetItem, DeleteItem (item_ops.c) and UpdateItem (update_item.c):
 * Item / Key, ConsistentRead, ReturnValues, ReturnConsumedCapacity,
 * ReturnValuesOnConditionCheckFailure, and the expression members, which
 * expr.h parses and compiles into the engine's own trees (ev_test judges
 * conditions, ev_update_apply applies updates), so PartiQL and the item API
 * judge and change items alike.
 *
 * Same contract as the other operations (internal.h): the request is
 * borrowed, *resp is a new reference on PQ_OK, and the call runs inside the
 * API call's store transaction.
 *
 * The single-item write steps are shared with TransactWriteItems: a struct
 * item_write describes one Put / Update / Delete / ConditionCheck on one
 * item, and goes through
 *
 *     item_write_bind   table-dependent checks (key schema, key attributes
 *                       an update may not touch, index-key types, item size
 *                       of a put); `w->table` must be set by the caller
 *     item_write_read   reads the stored item into w->old and evaluates
 *                       w->cond on it (or on {} when absent):
 *                       ConditionalCheckFailedException, with "Item" when
 *                       w->old_on_ccf, when it is false
 *     item_write_apply  computes w->new_item (Put: the item; Update: the old
 *                       item or the key with the actions applied, runtime
 *                       update errors, item size, nesting and index keys;
 *                       Delete / ConditionCheck: nothing). w->new_item NULL
 *                       means "no item afterwards" (deleted, or an update
 *                       that only removes on a missing item)
 *     item_write_store  writes: put / delete through the store (indexes in
 *                       the same transaction) and reports capacity to e->cap
 *                       when it is set
 *     item_write_release
 *
 * Nothing is written before item_write_store, so a transaction can run
 * bind/read/apply over all its actions first and store only when all pass.
 * Table-independent checks (values, expressions) are the caller's, before
 * bind: compile the condition / update with expr.h into an xp_request the
 * caller owns and that outlives the item_write.
 */
#ifndef PQSH_ENGINE_ITEM_OPS_H
#define PQSH_ENGINE_ITEM_OPS_H

#include <jansson.h>
#include "engine/eval.h"
#include "engine/internal.h"

pq_status item_put_item(struct pq_engine *e, json_t *req, json_t **resp,
                        struct pq_error *err) PQ_MUST_USE;
pq_status item_get_item(struct pq_engine *e, json_t *req, json_t **resp,
                        struct pq_error *err) PQ_MUST_USE;
pq_status item_delete_item(struct pq_engine *e, json_t *req, json_t **resp,
                           struct pq_error *err) PQ_MUST_USE;
/* update_item.c */
pq_status item_update_item(struct pq_engine *e, json_t *req, json_t **resp,
                           struct pq_error *err) PQ_MUST_USE;

typedef enum item_write_kind {
    ITEM_PUT,
    ITEM_UPDATE,
    ITEM_DELETE,
    ITEM_CHECK, /* TransactWriteItems ConditionCheck: read and condition only */
} item_write_kind;

struct item_write {
    item_write_kind kind;
    const struct pq_table_meta *table; /* set by the caller before bind */
    json_t *values;                    /* owned: PUT the item, others the key */
    const struct ev_cond *cond;        /* borrowed (xp_request), or NULL */
    const struct ev_update *update;    /* UPDATE: borrowed, or NULL (no actions) */
    bool old_on_ccf;                   /* ReturnValuesOnConditionCheckFailure=ALL_OLD */
    /* Results. */
    json_t *old;      /* owned: the stored item before, or NULL */
    json_t *new_item; /* owned: the item after, or NULL */
};

pq_status item_write_bind(struct item_write *w, struct pq_error *err) PQ_MUST_USE;
pq_status item_write_read(struct pq_engine *e, struct item_write *w,
                          struct pq_error *err) PQ_MUST_USE;
pq_status item_write_apply(struct item_write *w, struct pq_error *err) PQ_MUST_USE;
pq_status item_write_store(struct pq_engine *e, struct item_write *w,
                           struct pq_error *err) PQ_MUST_USE;
void item_write_release(struct item_write *w);

/* Request helpers shared by the item operations. */
/* The member `name` of the request, NULL when absent or JSON null. */
const json_t *item_member(const json_t *req, const char *name);
/* The tail of a single-item operation's response: ItemCollectionMetrics
 * (when `write`, the request asks for them and `t` has an LSI; `values` is
 * the item or key the write named) and ConsumedCapacity (when the call
 * accounts it), added to `resp`. */
pq_status item_response_extras(struct pq_engine *e, const json_t *req, bool write,
                               const struct pq_table_meta *t, const json_t *values, json_t *resp,
                               struct pq_error *err) PQ_MUST_USE;
/* The model constraints of the request (TableName, the enums of the write
 * operations unless `get` — with Expected's, and AttributeUpdates' when
 * `update` —, AttributesToGet of GetItem, ReturnConsumedCapacity),
 * reported together (§1.4). */
pq_status item_check_constraints(const json_t *req, bool get, bool update,
                                 struct pq_error *err) PQ_MUST_USE;
/* The table named by the request (TableName, already checked), or
 * ResourceNotFoundException "Requested resource not found". */
pq_status item_table(struct pq_engine *e, const json_t *req, const struct pq_table_meta **t,
                     struct pq_error *err) PQ_MUST_USE;

/* Shared with the batch and transaction operations (batch_items.c, transact.c). */
struct exec_violations;
/* TableName's model constraints, reported at member `path` ("tableName"). */
void item_check_table_name(struct exec_violations *v, const json_t *name, const char *path);
/* A validated deep copy of an Item / Key map (*out a new reference); with
 * `prefixed`, value errors carry "1 validation error detected: ". */
pq_status item_copy_values(const json_t *map, bool prefixed, json_t **out,
                           struct pq_error *err) PQ_MUST_USE;
/* An Item holds the table's key attributes with their types ("Missing the
 * key", "Type mismatch for key"). */
pq_status item_check_item_keys(const struct pq_table_meta *t, const json_t *item,
                               struct pq_error *err) PQ_MUST_USE;
/* A Key holds exactly the table's key attributes ("The provided key element
 * does not match the schema"). */
pq_status item_check_key(const struct pq_table_meta *t, const json_t *key,
                         struct pq_error *err) PQ_MUST_USE;

#endif
