/* batch_items.c — BatchWriteItem and BatchGetItem (reference §7, §8).
 *
 * Both check the whole request before touching anything, in the service's
 * order: member JSON types (api.c), the model constraints reported together
 * (§D-1.4), the per-request rules that need no table (values, sizes,
 * expressions, counts), then every table, then keys against the schemas and
 * duplicates. Only then do they read or write, every write through the one
 * write path (store_item_put / store_item_delete keep indexes in the same
 * SQLite transaction). Without throttling nothing is ever left over, so
 * UnprocessedItems is always {}; UnprocessedKeys holds only what the 16 MB
 * response limit cut off.
 */
#include "engine/batch_items.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "engine/capacity.h"
#include "engine/eval.h"
#include "engine/expr.h"
#include "engine/item_ops.h"
#include "pqsh/value.h"

#define MAX_WRITES 25
#define MAX_GETS 100
#define MAX_GET_RESPONSE (16 * 1024 * 1024)

const json_t *bi_member(const json_t *req, const char *name)
{
    const json_t *m = json_object_get(req, name);
    return json_is_null(m) ? NULL : m;
}

pq_status bi_required(const json_t *req, const char *name, struct pq_error *err)
{
    if (bi_member(req, name)) return PQ_OK;
    return pq_error_validation(
        err, "The parameter '%s' is required but was not present in the request", name);
}

bool bi_same_key(const struct pq_table_meta *t, const json_t *a, const json_t *b)
{
    struct pq_key ka, kb;
    store_key_init(&ka);
    store_key_init(&kb);
    store_key_from_item(t, a, &ka);
    store_key_from_item(t, b, &kb);
    bool same = ka.hk.len == kb.hk.len && ka.rk.len == kb.rk.len &&
                memcmp(ka.hk.data, kb.hk.data, ka.hk.len) == 0 &&
                memcmp(ka.rk.data, kb.rk.data, ka.rk.len) == 0;
    store_key_release(&ka);
    store_key_release(&kb);
    return same;
}

/* ---- model constraints shared by both batches ------------------------- */

/* "'{t1=[...], t2=[...]}'": a RequestItems map as a model message shows it.
 * The service prints Java objects; the elements' rendering is UNCONFIRMED. */
static void render_map(struct pq_buf *b, const json_t *map)
{
    const char *name;
    json_t *v;
    bool first = true;
    pq_buf_reset(b);
    pq_buf_adds(b, "'{");
    json_object_foreach((json_t *)map, name, v)
    {
        pq_buf_addf(b, "%s%s=%s", first ? "" : ", ", name, json_is_array(v) ? "[...]" : "{...}");
        first = false;
    }
    pq_buf_adds(b, "}'");
}

static bool valid_table_name(const char *s)
{
    size_t n = strlen(s);
    if (n < 3 || n > 255) return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.' && *s != '-') return false;
    return true;
}

/* RequestItems: 1..`max` tables, table names as keys, each value's own
 * length rule (`value_rule`, NULL: none), reported as the service words
 * map constraints. */
static void check_request_items(struct exec_violations *v, const json_t *map, size_t max,
                                const char *value_rule, bool (*value_ok)(const json_t *))
{
    struct pq_buf shown = PQ_BUF_INIT;
    pq_buf_init(&shown);
    render_map(&shown, map);
    size_t n = json_object_size(map);
    if (n == 0)
        exec_violation(v, shown.data, "requestItems", "have length greater than or equal to 1");
    if (n > max) {
        char rule[64];
        snprintf(rule, sizeof rule, "have length less than or equal to %zu", max);
        exec_violation(v, shown.data, "requestItems", rule);
    }
    const char *name;
    json_t *val;
    bool bad_key = false, bad_value = false;
    json_object_foreach((json_t *)map, name, val)
    {
        bad_key |= !valid_table_name(name);
        bad_value |= value_rule && !value_ok(val);
    }
    if (bad_key)
        exec_violation_raw(v, shown.data, "requestItems",
                           "Map keys must satisfy constraint: [Member must have length less than "
                           "or equal to 255, Member must have length greater than or equal to 3, "
                           "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+]");
    if (bad_value) exec_violation_raw(v, shown.data, "requestItems", value_rule);
    pq_buf_release(&shown);
}

/* ---- BatchWriteItem --------------------------------------------------- */

struct wreq {
    const char *table; /* borrowed from the request */
    const struct pq_table_meta *t;
    json_t *values; /* validated copy of the Item (put) or Key (delete) */
    bool put;
};

static bool write_list_ok(const json_t *list)
{
    return json_array_size(list) >= 1 && json_array_size(list) <= MAX_WRITES;
}

static pq_status write_constraints(const json_t *req, const json_t *items, struct pq_error *err)
{
    static const char *const ricm[] = {"SIZE", "NONE", NULL};
    struct exec_violations v;
    struct pq_buf path = PQ_BUF_INIT;
    exec_violations_init(&v);
    pq_buf_init(&path);
    check_request_items(&v, items, MAX_WRITES,
                        "Map value must satisfy constraint: [Member must have length less than or "
                        "equal to 25, Member must have length greater than or equal to 1]",
                        write_list_ok);
    const char *name;
    json_t *list;
    json_object_foreach((json_t *)items, name, list)
    {
        for (size_t i = 0; i < json_array_size(list); i++) {
            const json_t *w = json_array_get(list, i);
            const json_t *put = bi_member(w, "PutRequest"), *del = bi_member(w, "DeleteRequest");
            pq_buf_reset(&path);
            if (put && !bi_member(put, "Item")) {
                pq_buf_addf(&path, "requestItems.%s.member.%zu.member.putRequest.item", name,
                            i + 1);
                exec_violation(&v, "null", path.data, "not be null");
            }
            pq_buf_reset(&path);
            if (del && !bi_member(del, "Key")) {
                pq_buf_addf(&path, "requestItems.%s.member.%zu.member.deleteRequest.key", name,
                            i + 1);
                exec_violation(&v, "null", path.data, "not be null");
            }
        }
    }
    exec_check_rcc(req, &v);
    exec_check_enum(&v, bi_member(req, "ReturnItemCollectionMetrics"),
                    "returnItemCollectionMetrics", ricm, "[SIZE, NONE]");
    pq_buf_release(&path);
    return exec_violations_finish(&v, err);
}

/* Everything that needs no table: counts, request kinds, values, sizes. */
static pq_status read_writes(const json_t *items, struct wreq **out, size_t *nout,
                             struct pq_error *err)
{
    size_t total = 0, n = 0;
    const char *name;
    json_t *list;
    json_object_foreach((json_t *)items, name, list) total += json_array_size(list);
    /* The limit across tables (UNCONFIRMED text, §8). */
    if (total > MAX_WRITES)
        return pq_error_validation(err, "Too many items requested for the BatchWriteItem call");
    struct wreq *w = pq_xcalloc(total ? total : 1, sizeof *w);
    *out = w;
    pq_status st = PQ_OK;
    json_object_foreach((json_t *)items, name, list)
    {
        for (size_t i = 0; i < json_array_size(list) && st == PQ_OK; i++) {
            const json_t *r = json_array_get(list, i);
            const json_t *put = bi_member(r, "PutRequest"), *del = bi_member(r, "DeleteRequest");
            struct wreq *q = &w[n++];
            q->table = name;
            q->put = put != NULL;
            /* Neither or both: dynalite's recording for neither; the same
             * text for both is UNCONFIRMED (§16 item 7). */
            if (!put == !del) {
                st = pq_error_validation(err, "Supplied AttributeValue has more than one "
                                              "datatypes set, must contain exactly one of the "
                                              "supported datatypes");
                break;
            }
            st = item_copy_values(bi_member(put ? put : del, put ? "Item" : "Key"), false,
                                  &q->values, err);
            if (st == PQ_OK && put && pq_item_size(q->values) > BI_MAX_ITEM_BYTES)
                st = pq_error_validation(err, "Item size has exceeded the maximum allowed size");
        }
        if (st) break;
    }
    *nout = n;
    return st;
}

static void free_writes(struct wreq *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        json_decref(w[i].values);
    free(w);
}

/* Tables (all of them first), then each request against its schema, then
 * duplicates. */
static pq_status check_writes(struct pq_engine *e, const json_t *items, struct wreq *w, size_t n,
                              struct pq_error *err)
{
    const char *name;
    json_t *list;
    pq_status st;
    json_object_foreach((json_t *)items, name, list)
    {
        const struct pq_table_meta *t;
        if ((st = store_table_get(e->store, name, &t, err))) return st;
        if (!t)
            return pq_error_service(err, "ResourceNotFoundException",
                                    "Requested resource not found");
    }
    for (size_t i = 0; i < n; i++) {
        if ((st = store_table_get(e->store, w[i].table, &w[i].t, err))) return st;
        if (w[i].put) {
            if ((st = item_check_item_keys(w[i].t, w[i].values, err))) return st;
            if ((st = index_check_item(w[i].t, w[i].values, err))) return st;
        } else if ((st = item_check_key(w[i].t, w[i].values, err))) {
            return st;
        }
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (w[i].t == w[j].t && bi_same_key(w[i].t, w[i].values, w[j].values))
                return pq_error_validation(err, "Provided list of item keys contains duplicates");
    return PQ_OK;
}

/* One write with its capacity; *old is the item it replaced (new reference or NULL). */
static pq_status apply_write(struct pq_engine *e, const struct wreq *w, struct pq_error *err)
{
    struct pq_key k;
    json_t *old = NULL;
    store_key_init(&k);
    store_key_from_item(w->t, w->values, &k);
    pq_status st = store_item_get(e->store, w->t, &k, &old, err);
    if (st == PQ_OK && w->put) st = store_item_put(e->store, w->t, w->values, old, err);
    if (st == PQ_OK && !w->put && old) st = store_item_delete(e->store, w->t, &k, old, err);
    if (st == PQ_OK) cap_write(e, w->t, old, w->put ? w->values : NULL);
    json_decref(old);
    store_key_release(&k);
    return st;
}

/* Appends the metrics of `key`'s collection under metrics[table]. */
static pq_status add_metrics(struct pq_engine *e, const struct pq_table_meta *t, const json_t *key,
                             json_t *metrics, struct pq_error *err)
{
    json_t *m;
    pq_status st = cap_item_collection(e, t, key, &m, err);
    if (st) return st;
    json_t *list = json_object_get(metrics, t->name);
    if (!list) {
        list = json_array();
        json_object_set_new(metrics, t->name, list);
    }
    json_array_append_new(list, m);
    return PQ_OK;
}

pq_status bi_batch_write_item(struct pq_engine *e, json_t *req, json_t **resp, struct pq_error *err)
{
    const json_t *items = bi_member(req, "RequestItems");
    const char *ricm = json_string_value(bi_member(req, "ReturnItemCollectionMetrics"));
    struct wreq *w = NULL;
    size_t n = 0;
    json_t *metrics = NULL;
    *resp = NULL;
    pq_status st = bi_required(req, "RequestItems", err);
    if (st == PQ_OK) st = write_constraints(req, items, err);
    if (st == PQ_OK) st = read_writes(items, &w, &n, err);
    if (st == PQ_OK) st = check_writes(e, items, w, n, err);
    if (st) goto out;

    e->cap = cap_new(json_string_value(bi_member(req, "ReturnConsumedCapacity")), 1);
    metrics = json_object();
    for (size_t i = 0; i < n && st == PQ_OK; i++) {
        st = apply_write(e, &w[i], err);
        /* One entry per request, for the collection it changed (§11.3). */
        if (st == PQ_OK && cap_wants_metrics(ricm, w[i].t))
            st = add_metrics(e, w[i].t, w[i].values, metrics, err);
    }
    if (st) goto out;
    *resp = json_pack("{s:{}}", "UnprocessedItems");
    if (e->cap) json_object_set_new(*resp, "ConsumedCapacity", cap_list_json(e->cap));
    /* Absent when no table has a local secondary index (UNCONFIRMED: the
     * service may send an empty map). */
    if (json_object_size(metrics)) json_object_set(*resp, "ItemCollectionMetrics", metrics);
out:
    cap_free(e->cap);
    e->cap = NULL;
    json_decref(metrics);
    free_writes(w, n);
    return st;
}

/* ---- BatchGetItem ----------------------------------------------------- */

struct gtable {
    const char *name;
    const json_t *ka; /* its KeysAndAttributes as sent (borrowed) */
    const struct pq_table_meta *t;
    json_t *keys;                        /* validated copies of Keys */
    json_t *names;                       /* AttributesToGet: top-level names to keep */
    struct xp_request *xr;               /* owns the ProjectionExpression */
    const struct xp_projection *project; /* ProjectionExpression, or NULL */
    bool consistent;
};

static pq_status get_constraints(const json_t *req, const json_t *items, struct pq_error *err)
{
    struct exec_violations v;
    struct pq_buf path = PQ_BUF_INIT;
    exec_violations_init(&v);
    pq_buf_init(&path);
    check_request_items(&v, items, MAX_GETS, NULL, NULL);
    const char *name;
    json_t *ka;
    json_object_foreach((json_t *)items, name, ka)
    {
        const json_t *keys = bi_member(ka, "Keys"), *atg = bi_member(ka, "AttributesToGet");
        pq_buf_reset(&path);
        pq_buf_addf(&path, "requestItems.%s.member.keys", name);
        if (!keys)
            exec_violation(&v, "null", path.data, "not be null");
        else if (json_array_size(keys) == 0)
            exec_violation(&v, "'[]'", path.data, "have length greater than or equal to 1");
        else if (json_array_size(keys) > MAX_GETS)
            /* The rendering of the list is UNCONFIRMED (Java objects). */
            exec_violation(&v, "'[...]'", path.data, "have length less than or equal to 100");
        pq_buf_reset(&path);
        pq_buf_addf(&path, "requestItems.%s.member.attributesToGet", name);
        if (atg && json_array_size(atg) == 0)
            exec_violation(&v, "'[]'", path.data, "have length greater than or equal to 1");
    }
    exec_check_rcc(req, &v);
    pq_buf_release(&path);
    return exec_violations_finish(&v, err);
}

/* The expression members of one table's KeysAndAttributes (§2.4 with no
 * values: projections only; messages unprefixed, §1.2). */
static pq_status read_get_expressions(struct gtable *g, struct pq_error *err)
{
    const json_t *proj = bi_member(g->ka, "ProjectionExpression");
    const json_t *names = bi_member(g->ka, "ExpressionAttributeNames");
    const json_t *atg = bi_member(g->ka, "AttributesToGet");
    if (atg && proj)
        return pq_error_validation(
            err, "Can not use both expression and non-expression parameters in the same request: "
                 "Non-expression parameters: {AttributesToGet} Expression parameters: "
                 "{ProjectionExpression}");
    if (names && !proj)
        return pq_error_validation(err, "ExpressionAttributeNames can only be specified when using "
                                        "expressions");
    if (atg) {
        for (size_t i = 0; i < json_array_size(atg); i++)
            for (size_t j = 0; j < i; j++)
                if (json_equal(json_array_get(atg, i), json_array_get(atg, j)))
                    return pq_error_validation(err,
                                               "One or more parameter values were invalid: "
                                               "Duplicate value in attribute name: %s",
                                               json_string_value(json_array_get(atg, i)));
        g->names = json_deep_copy(atg);
        return PQ_OK;
    }
    if (!proj) return PQ_OK;
    pq_status st = xp_request_new(names, NULL, 0, &g->xr, err);
    if (st == PQ_OK) st = xp_projection(g->xr, json_string_value(proj), &g->project, err);
    if (st == PQ_OK) st = xp_request_finish(g->xr, err);
    return st;
}

/* Per table in map order: expressions, then each key's values, duplicates
 * (as written: {"N":"1e3"} and {"N":"1000"} differ here, §7) and the
 * running total. */
static pq_status read_gets(const json_t *items, struct gtable *g, struct pq_error *err)
{
    size_t total = 0, n = 0;
    const char *name;
    json_t *ka;
    json_object_foreach((json_t *)items, name, ka)
    {
        struct gtable *q = &g[n++];
        q->name = name;
        q->ka = ka;
        q->consistent = json_is_true(bi_member(ka, "ConsistentRead"));
        q->keys = json_array();
        pq_status st = read_get_expressions(q, err);
        if (st) return st;
        const json_t *keys = bi_member(ka, "Keys");
        for (size_t i = 0; i < json_array_size(keys); i++) {
            json_t *copy;
            const json_t *key = json_array_get(keys, i);
            if ((st = item_copy_values(key, false, &copy, err))) return st;
            json_array_append_new(q->keys, copy);
            for (size_t j = 0; j < i; j++)
                if (json_equal(key, json_array_get(keys, j)))
                    return pq_error_validation(err,
                                               "Provided list of item keys contains duplicates");
            if (++total > MAX_GETS)
                return pq_error_validation(err, "Too many items requested for the BatchGetItem "
                                                "call");
        }
    }
    return PQ_OK;
}

static pq_status check_gets(struct pq_engine *e, struct gtable *g, size_t n, struct pq_error *err)
{
    pq_status st;
    for (size_t i = 0; i < n; i++) {
        if ((st = store_table_get(e->store, g[i].name, &g[i].t, err))) return st;
        if (!g[i].t)
            return pq_error_service(err, "ResourceNotFoundException",
                                    "Requested resource not found");
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < json_array_size(g[i].keys); j++)
            if ((st = item_check_key(g[i].t, json_array_get(g[i].keys, j), err))) return st;
    return PQ_OK;
}

/* The item as returned: cut to the projection when there is one. */
static json_t *projected(const struct gtable *g, json_t *item)
{
    if (g->project) return xp_project(g->project, item);
    if (!g->names) return json_incref(item);
    json_t *out = json_object();
    for (size_t i = 0; i < json_array_size(g->names); i++) {
        const char *name = json_string_value(json_array_get(g->names, i));
        json_t *v = json_object_get(item, name);
        if (v) json_object_set(out, name, v);
    }
    return out;
}

/* Keys from `from` on of table `g` left for another call: its settings
 * as sent, with the remaining keys. */
static void leave_unprocessed(const struct gtable *g, size_t from, json_t *unprocessed)
{
    json_t *ka = json_deep_copy(g->ka);
    json_t *keys = json_array();
    const json_t *sent = bi_member(g->ka, "Keys");
    for (size_t i = from; i < json_array_size(sent); i++)
        json_array_append(keys, json_array_get(sent, i));
    json_object_set_new(ka, "Keys", keys);
    json_object_set_new(unprocessed, g->name, ka);
}

pq_status bi_batch_get_item(struct pq_engine *e, json_t *req, json_t **resp, struct pq_error *err)
{
    const json_t *items = bi_member(req, "RequestItems");
    size_t n = json_object_size(items), bytes = 0;
    struct gtable *g = pq_xcalloc(n ? n : 1, sizeof *g);
    json_t *responses = NULL, *unprocessed = NULL;
    *resp = NULL;
    pq_status st = bi_required(req, "RequestItems", err);
    if (st == PQ_OK) st = get_constraints(req, items, err);
    if (st == PQ_OK) st = read_gets(items, g, err);
    if (st == PQ_OK) st = check_gets(e, g, n, err);
    if (st) goto out;

    e->cap = cap_new(json_string_value(bi_member(req, "ReturnConsumedCapacity")), 1);
    responses = json_object();
    unprocessed = json_object();
    bool full = false;
    for (size_t i = 0; i < n && st == PQ_OK; i++) {
        json_t *list = json_array();
        json_object_set_new(responses, g[i].name, list);
        for (size_t j = 0; j < json_array_size(g[i].keys) && st == PQ_OK; j++) {
            struct pq_key k;
            json_t *item = NULL;
            if (full) {
                leave_unprocessed(&g[i], j, unprocessed);
                break;
            }
            store_key_init(&k);
            store_key_from_item(g[i].t, json_array_get(g[i].keys, j), &k);
            st = store_item_get(e->store, g[i].t, &k, &item, err);
            store_key_release(&k);
            if (st || !item) {
                if (st == PQ_OK) cap_read(e, g[i].t, NULL, 0, g[i].consistent);
                continue;
            }
            json_t *out = projected(&g[i], item);
            size_t size = pq_item_size(out);
            /* The 16 MB response limit: this key and the rest wait for
             * another call (§7). */
            if (bytes + size > MAX_GET_RESPONSE) {
                full = true;
                json_decref(out);
                json_decref(item);
                leave_unprocessed(&g[i], j, unprocessed);
                break;
            }
            bytes += size;
            cap_read(e, g[i].t, NULL, pq_item_size(item), g[i].consistent);
            json_array_append_new(list, out);
            json_decref(item);
        }
    }
    if (st) goto out;
    *resp = json_pack("{s:O, s:O}", "Responses", responses, "UnprocessedKeys", unprocessed);
    if (e->cap) json_object_set_new(*resp, "ConsumedCapacity", cap_list_json(e->cap));
out:
    cap_free(e->cap);
    e->cap = NULL;
    json_decref(responses);
    json_decref(unprocessed);
    for (size_t i = 0; i < n; i++) {
        json_decref(g[i].keys);
        json_decref(g[i].names);
        xp_request_free(g[i].xr);
    }
    free(g);
    return st;
}
