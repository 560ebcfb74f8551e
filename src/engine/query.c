/* query.c — Query, and the request checks, paging and response Query shares with Scan.
 *
 * Checks run in the service's order (reference item API §4.2): member JSON
 * types (api.c's shapes), model constraints reported together, the
 * legacy/expression mix and orphan EAN/EAV, AttributesToGet, the values of
 * ExclusiveStartKey, the key condition's presence, the expressions, Select,
 * then the table, the index, ExclusiveStartKey against the schema, the key
 * condition against the schema, the filter and projection against the keys
 * and the index's projection. Then one page is read (read_run).
 */
#include "engine/query.h"

#include <stdlib.h>
#include <string.h>

#include "engine/capacity.h"
#include "pqsh/value.h"

#define DEFAULT_PAGE_BYTES (1024 * 1024)

/* ---- the request ----------------------------------------------------------- */

void read_op_init(struct read_op *r, const json_t *req, bool query)
{
    memset(r, 0, sizeof *r);
    r->req = req;
    r->query = query;
    store_key_init(&r->after);
    pq_buf_init(&r->hk);
    pq_buf_init(&r->lo);
    pq_buf_init(&r->hi);
    pq_buf_init(&r->prefix);
}

void read_op_release(struct read_op *r)
{
    json_decref(r->esk);
    xp_request_free(r->xr);
    lg_request_free(r->lg);
    store_key_release(&r->after);
    pq_buf_release(&r->hk);
    pq_buf_release(&r->lo);
    pq_buf_release(&r->hi);
    pq_buf_release(&r->prefix);
}

const json_t *read_member(const json_t *req, const char *name)
{
    const json_t *m = json_object_get(req, name);
    return json_is_null(m) ? NULL : m;
}

static const char *str_member(const json_t *req, const char *name)
{
    return json_string_value(read_member(req, name));
}

/* ---- model constraints -------------------------------------------------- */

static size_t utf8_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) c++;
    return c;
}

/* Length (in characters) and, for index names, the name pattern. */
static void check_name(struct exec_violations *v, const json_t *s, const char *member, size_t min,
                       size_t max, bool pattern)
{
    if (!s) return;
    const char *text = json_string_value(s);
    size_t n = utf8_chars(text, json_string_length(s));
    struct pq_buf val = PQ_BUF_INIT, rule = PQ_BUF_INIT;
    pq_buf_init(&val);
    pq_buf_init(&rule);
    pq_buf_addf(&val, "'%s'", text);
    if (n < min || n > max) {
        pq_buf_addf(&rule, "have length %s than or equal to %zu", n < min ? "greater" : "less",
                    n < min ? min : max);
        exec_violation(v, val.data, member, rule.data);
    }
    for (const char *p = text; pattern && *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '_' || *p == '.' || *p == '-')
            continue;
        exec_violation(v, val.data, member, "satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
        break;
    }
    pq_buf_release(&val);
    pq_buf_release(&rule);
}

pq_status read_check_model(const json_t *req, struct exec_violations *v, struct pq_error *err)
{
    static const char *const selects[] = {"SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES",
                                          "ALL_PROJECTED_ATTRIBUTES", NULL};
    static const char *const condops[] = {"AND", "OR", NULL};
    if (!read_member(req, "TableName"))
        return pq_error_validation(
            err, "The parameter 'TableName' is required but was not present in the request");
    exec_violations_init(v);
    /* TableName is a TableArn (1..1024): a name or a table's ARN. */
    check_name(v, read_member(req, "TableName"), "tableName", 1, 1024, false);
    check_name(v, read_member(req, "IndexName"), "indexName", 3, 255, true);
    exec_check_enum(v, read_member(req, "Select"), "select", selects,
                    "[SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]");
    const json_t *atg = read_member(req, "AttributesToGet");
    if (atg && json_array_size(atg) == 0)
        exec_violation(v, "'[]'", "attributesToGet", "have length greater than or equal to 1");
    const json_t *limit = read_member(req, "Limit");
    if (limit && json_integer_value(limit) < 1) {
        char val[32];
        snprintf(val, sizeof val, "'%lld'", (long long)json_integer_value(limit));
        exec_violation(v, val, "limit", "have value greater than or equal to 1");
    }
    exec_check_enum(v, read_member(req, "ConditionalOperator"), "conditionalOperator", condops,
                    "[AND, OR]");
    exec_check_rcc(req, v);
    return PQ_OK;
}

/* ---- table-independent checks ------------------------------------------- */

pq_status read_check_mix(const struct read_op *r, struct pq_error *err)
{
    static const char *const q_legacy[] = {"AttributesToGet", "QueryFilter", "ConditionalOperator",
                                           "KeyConditions", NULL};
    static const char *const q_expr[] = {"ProjectionExpression", "FilterExpression",
                                         "KeyConditionExpression", NULL};
    static const char *const s_legacy[] = {"AttributesToGet", "ScanFilter", "ConditionalOperator",
                                           NULL};
    static const char *const s_expr[] = {"ProjectionExpression", "FilterExpression", NULL};
    const json_t *req = r->req;
    bool kce = read_member(req, "KeyConditionExpression") != NULL;
    struct pq_buf legacy = PQ_BUF_INIT, expr = PQ_BUF_INIT;
    pq_buf_init(&legacy);
    pq_buf_init(&expr);
    for (const char *const *p = r->query ? q_legacy : s_legacy; *p; p++) {
        /* KeyConditions counts only beside a KeyConditionExpression (dynalite). */
        if (!read_member(req, *p) || (strcmp(*p, "KeyConditions") == 0 && !kce)) continue;
        pq_buf_addf(&legacy, "%s%s", legacy.len ? ", " : "", *p);
    }
    for (const char *const *p = r->query ? q_expr : s_expr; *p; p++)
        if (read_member(req, *p)) pq_buf_addf(&expr, "%s%s", expr.len ? ", " : "", *p);
    pq_status st = PQ_OK;
    if (legacy.len && expr.len)
        st = pq_error_validation(err,
                                 "Can not use both expression and non-expression parameters in "
                                 "the same request: Non-expression parameters: {%s} Expression "
                                 "parameters: {%s}",
                                 legacy.data, expr.data);
    else if (read_member(req, "ExpressionAttributeNames") && !expr.len)
        st = pq_error_validation(err, "ExpressionAttributeNames can only be specified when using "
                                      "expressions");
    else if (read_member(req, "ExpressionAttributeValues") &&
             !read_member(req, "FilterExpression") && !kce)
        st = pq_error_validation(err,
                                 "ExpressionAttributeValues can only be specified when using "
                                 "expressions: %s",
                                 r->query ? "FilterExpression and KeyConditionExpression are null"
                                          : "FilterExpression is null");
    pq_buf_release(&legacy);
    pq_buf_release(&expr);
    return st;
}

pq_status read_check_atg(const struct read_op *r, struct pq_error *err)
{
    const json_t *atg = read_member(r->req, "AttributesToGet");
    for (size_t i = 0; i < json_array_size(atg); i++)
        for (size_t j = 0; j < i; j++)
            if (json_equal(json_array_get(atg, i), json_array_get(atg, j)))
                return pq_error_validation(err,
                                           "One or more parameter values were invalid: Duplicate "
                                           "value in attribute name: %s",
                                           json_string_value(json_array_get(atg, i)));
    return PQ_OK;
}

/* The value messages ExclusiveStartKey gives without "The provided starting
 * key is invalid: " (reference §4.2 step 5): number format and duplicates. */
static bool esk_unprefixed(const char *m)
{
    static const char *const starts[] = {"The parameter cannot be converted", "Number overflow",
                                         "Number underflow", "Attempting to store more than", NULL};
    for (const char *const *p = starts; *p; p++)
        if (strncmp(m, *p, strlen(*p)) == 0) return true;
    return strstr(m, "contains duplicates") != NULL;
}

pq_status read_check_esk_values(struct read_op *r, struct pq_error *err)
{
    const json_t *esk = read_member(r->req, "ExclusiveStartKey");
    if (!esk) return PQ_OK;
    r->esk = json_deep_copy(esk);
    const char *k;
    json_t *v;
    json_object_foreach(r->esk, k, v)
    {
        pq_status st = pq_value_validate(v, err);
        if (st == PQ_OK) continue;
        if (err->code == PQ_ERR_SERVICE && err->message && !esk_unprefixed(err->message)) {
            char *m = err->message;
            err->message = NULL;
            pq_error_validation(err, "The provided starting key is invalid: %s", m);
            free(m);
        }
        return st;
    }
    return PQ_OK;
}

pq_status read_legacy_filter(struct read_op *r, struct pq_error *err)
{
    const char *member = r->query ? "QueryFilter" : "ScanFilter";
    const json_t *filter = read_member(r->req, member);
    if (!filter) return PQ_OK;
    if (!r->lg) r->lg = lg_request_new();
    return lg_condition(r->lg, r->query ? LG_QUERY_FILTER : LG_SCAN_FILTER, filter,
                        str_member(r->req, "ConditionalOperator"), false, &r->filter, err);
}

pq_status read_compile(struct read_op *r, const struct xp_key_condition **kc, struct pq_error *err)
{
    const char *kce = str_member(r->req, "KeyConditionExpression");
    const char *fe = str_member(r->req, "FilterExpression");
    const char *pe = str_member(r->req, "ProjectionExpression");
    pq_status st = xp_request_new(read_member(r->req, "ExpressionAttributeNames"),
                                  read_member(r->req, "ExpressionAttributeValues"), 0, &r->xr, err);
    if (st) return st;
    if (kc && kce && (st = xp_key_condition(r->xr, kce, kc, err))) return st;
    if (fe && (st = xp_condition(r->xr, XP_FILTER, fe, &r->filter, err))) return st;
    if (pe && (st = xp_projection(r->xr, pe, &r->proj, err))) return st;
    return xp_request_finish(r->xr, err);
}

pq_status read_check_select(struct read_op *r, const char *prefix, struct pq_error *err)
{
    const char *sel = str_member(r->req, "Select");
    bool pe = read_member(r->req, "ProjectionExpression") != NULL;
    bool atg = read_member(r->req, "AttributesToGet") != NULL;
    if (!sel) {
        r->select = pe || atg ? SEL_SPECIFIC : SEL_DEFAULT;
        return PQ_OK;
    }
    r->select = strcmp(sel, "ALL_ATTRIBUTES") == 0             ? SEL_ALL
                : strcmp(sel, "ALL_PROJECTED_ATTRIBUTES") == 0 ? SEL_PROJECTED
                : strcmp(sel, "COUNT") == 0                    ? SEL_COUNT
                                                               : SEL_SPECIFIC;
    if (r->select == SEL_SPECIFIC && !pe && !atg)
        return pq_error_validation(err,
                                   "%sMust specify the AttributesToGet or ProjectionExpression "
                                   "when choosing to get SPECIFIC_ATTRIBUTES",
                                   prefix);
    if (r->select != SEL_SPECIFIC && (pe || atg))
        return pq_error_validation(err, "%sCannot specify the %s when choosing to get %s", prefix,
                                   pe ? "ProjectionExpression" : "AttributesToGet",
                                   r->select == SEL_COUNT ? "only the Count" : sel);
    if (r->select == SEL_PROJECTED && !read_member(r->req, "IndexName"))
        return pq_error_validation(err,
                                   "%sALL_PROJECTED_ATTRIBUTES can be used only when Querying "
                                   "using an IndexName",
                                   prefix);
    return PQ_OK;
}

/* ---- the table ------------------------------------------------------------ */

pq_status read_bind_table(struct pq_engine *e, struct read_op *r, struct pq_error *err)
{
    const char *name = ddl_table_name(str_member(r->req, "TableName"));
    pq_status st = store_table_get(e->store, name, &r->table, err);
    if (st) return st;
    if (!r->table)
        return pq_error_service(err, "ResourceNotFoundException", "Requested resource not found");
    r->khash = &r->table->hash;
    r->krange = r->table->range.name ? &r->table->range : NULL;
    const char *ixname = str_member(r->req, "IndexName");
    if (ixname) {
        r->index = index_find(r->table, ixname);
        if (!r->index)
            return pq_error_validation(err, "The table does not have the specified index: %s",
                                       ixname);
        r->khash = &r->index->hash;
        r->krange = r->index->range.name ? &r->index->range : NULL;
        if (r->consistent && r->index->global)
            return pq_error_validation(err, "Consistent reads are not supported on global "
                                            "secondary indexes");
    }
    if (r->select == SEL_DEFAULT) r->select = r->index ? SEL_PROJECTED : SEL_ALL;
    r->range.index = r->index;
    return PQ_OK;
}

static bool key_type_is(const struct pq_key_attr *k, const json_t *v)
{
    char want[2] = {k->type, '\0'};
    return strcmp(pq_type_name(pq_value_type(v)), want) == 0;
}

static void encode_into(const json_t *v, struct pq_buf *b)
{
    pq_buf_reset(b);
    if (v) pq_value_encode_key(v, b);
}

pq_status read_bind_esk(struct read_op *r, const char *bad_count, const char *bad_table_type,
                        const char *bad_index_type, struct pq_error *err)
{
    if (!r->esk) return PQ_OK;
    const struct pq_table_meta *t = r->table;
    const struct pq_key_attr *keys[2 + 2 * PQ_IX_MAX_KEYS] = {&t->hash,
                                                              t->range.name ? &t->range : NULL};
    int nkeys = 2;
    for (size_t i = 0; r->index && i < r->index->nhash; i++)
        keys[nkeys++] = &r->index->hashes[i];
    for (size_t i = 0; r->index && i < r->index->nrange; i++)
        keys[nkeys++] = &r->index->ranges[i];
    size_t want = 0;
    for (int i = 0; i < nkeys; i++) {
        if (!keys[i]) continue;
        bool dup = false;
        for (int j = 0; j < i; j++)
            dup = dup || (keys[j] && strcmp(keys[j]->name, keys[i]->name) == 0);
        if (dup) continue;
        want++;
        if (!json_object_get(r->esk, keys[i]->name))
            return pq_error_validation(err, "%s", bad_count);
    }
    if (json_object_size(r->esk) != want) return pq_error_validation(err, "%s", bad_count);
    for (int i = 0; i < nkeys; i++)
        if (keys[i] && !key_type_is(keys[i], json_object_get(r->esk, keys[i]->name)))
            return pq_error_validation(err, "%s", i < 2 ? bad_table_type : bad_index_type);
    if (r->index) {
        index_key_of(r->index, r->esk, &r->after.hk, &r->after.rk);
    } else {
        encode_into(json_object_get(r->esk, r->khash->name), &r->after.hk);
        encode_into(r->krange ? json_object_get(r->esk, r->krange->name) : NULL, &r->after.rk);
    }
    if (r->index) {
        encode_into(json_object_get(r->esk, t->hash.name), &r->after.bhk);
        encode_into(t->range.name ? json_object_get(r->esk, t->range.name) : NULL, &r->after.brk);
    }
    r->range.after = &r->after;
    return PQ_OK;
}

/* ---- paths of the filter and the projection ------------------------------ */

struct paths {
    const struct ev_path **v;
    size_t n;
};

static void add_path(struct paths *p, const struct ev_path *path)
{
    p->v = pq_xrealloc(p->v, (p->n + 1) * sizeof *p->v);
    p->v[p->n++] = path;
}

static void cond_paths(const struct ev_cond *c, struct paths *p)
{
    if (!c) return;
    for (size_t i = 0; i < c->nkids; i++)
        cond_paths(c->kids[i], p);
    for (size_t i = 0; i < c->nops; i++) {
        const struct ev_operand *o = &c->ops[i];
        if (o->kind == EV_O_PATH || o->kind == EV_O_SIZE) add_path(p, &o->path);
        if (o->kind == EV_O_COND) cond_paths(o->cond, p);
    }
}

static bool names_attr(const struct ev_path *p, const char *name)
{
    return name && p->nsteps && p->steps[0].kind == PQ_STEP_NAME &&
           strcmp(p->steps[0].name, name) == 0;
}

/* Query (§4.2 step 14): the filter may not name a key attribute of what is read. */
static pq_status check_filter_keys(const struct read_op *r, struct pq_error *err)
{
    struct paths p = {NULL, 0};
    cond_paths(r->filter, &p);
    pq_status st = PQ_OK;
    for (size_t i = 0; i < p.n && !st; i++) {
        const struct pq_key_attr *k = names_attr(p.v[i], r->khash->name)                 ? r->khash
                                      : r->krange && names_attr(p.v[i], r->krange->name) ? r->krange
                                                                                         : NULL;
        /* A multi-attribute GSI key: every one of its attributes (the
         * message names it as for one-attribute keys: UNCONFIRMED). */
        const char *name = k ? k->name : NULL;
        if (!name && r->index && r->index->multi && p.v[i]->nsteps &&
            p.v[i]->steps[0].kind == PQ_STEP_NAME && index_has_key(r->index, p.v[i]->steps[0].name))
            name = p.v[i]->steps[0].name;
        if (name)
            st = pq_error_validation(
                err,
                "%s can only contain non-primary key attributes: Primary "
                "key attribute: %s",
                read_member(r->req, "QueryFilter") ? "QueryFilter" : "Filter Expression", name);
    }
    free(p.v);
    return st;
}

pq_status read_check_paths(const struct read_op *r, struct pq_error *err)
{
    const struct pq_table_meta *t = r->table;
    const struct pq_index_meta *ix = r->index;
    struct paths p = {NULL, 0};
    cond_paths(r->filter, &p);
    for (size_t i = 0; r->proj && i < r->proj->npaths; i++)
        add_path(&p, &r->proj->paths[i]);
    pq_status st = PQ_OK;
    for (size_t i = 0; i < p.n && !st; i++) {
        if (p.v[i]->nsteps < 2) continue;
        const char *table_keys[2] = {t->hash.name, t->range.name};
        for (int k = 0; k < 2 && !st; k++)
            if (names_attr(p.v[i], table_keys[k]))
                st = pq_error_validation(err,
                                         "Key attributes must be scalars; list random access '[]' "
                                         "and map lookup '.' are not allowed: Key: %s",
                                         table_keys[k]);
        if (!st && ix && p.v[i]->steps[0].kind == PQ_STEP_NAME &&
            index_has_key(ix, p.v[i]->steps[0].name))
            st = pq_error_validation(err,
                                     "Key attributes must be scalars; list random access '[]' "
                                     "and map lookup '.' are not allowed: IndexKey: %s",
                                     p.v[i]->steps[0].name);
    }
    free(p.v);
    if (st || !ix || !ix->global) return st;
    if (r->select == SEL_ALL && ix->projection != PQ_IXP_ALL)
        return pq_error_validation(err,
                                   "One or more parameter values were invalid: Select type "
                                   "ALL_ATTRIBUTES is not supported for global secondary index %s "
                                   "because its projection type is not ALL",
                                   ix->name);
    /* A GSI holds only its projection. The text is PartiQL's for the same
     * case (exec_select.c); DynamoDB's for the item API is UNCONFIRMED. */
    struct pq_buf missing = PQ_BUF_INIT;
    pq_buf_init(&missing);
    size_t n = r->proj ? r->proj->npaths : json_array_size(r->atg);
    for (size_t i = 0; i < n; i++) {
        const char *name = r->proj ? r->proj->paths[i].steps[0].name
                                   : json_string_value(json_array_get(r->atg, i));
        if (!index_projects(t, ix, name))
            pq_buf_addf(&missing, "%s%s", missing.len ? ", " : "", name);
    }
    if (missing.len)
        st = pq_error_validation(err,
                                 "One or more parameter values were invalid: Global secondary "
                                 "index %s does not project [%s]",
                                 ix->name, missing.data);
    pq_buf_release(&missing);
    return st;
}

/* ---- one page ------------------------------------------------------------- */

/* What the read sees of an item: a GSI holds only its projection; an LSI
 * fetches what it does not hold from the table, so its filter sees the
 * whole item. New reference. */
static json_t *view_of(const struct read_op *r, json_t *item)
{
    if (r->index && r->index->global) return index_project(r->table, r->index, item);
    return json_incref(item);
}

/* True when an LSI read returns attributes the index does not hold. */
static bool lsi_fetches(const struct read_op *r)
{
    if (!r->index || r->index->global || r->select == SEL_PROJECTED || r->select == SEL_COUNT)
        return false;
    if (r->select == SEL_ALL) return r->index->projection != PQ_IXP_ALL;
    size_t n = r->proj ? r->proj->npaths : json_array_size(r->atg);
    for (size_t i = 0; i < n; i++) {
        const char *name = r->proj ? r->proj->paths[i].steps[0].name
                                   : json_string_value(json_array_get(r->atg, i));
        if (!index_projects(r->table, r->index, name)) return true;
    }
    return false;
}

/* What the read returns of an item that passed the filter. */
static json_t *output_of(const struct read_op *r, const json_t *view)
{
    if (r->index && !r->index->global && r->select == SEL_PROJECTED)
        return index_project(r->table, r->index, view);
    if (r->proj) return xp_project(r->proj, view);
    if (!r->atg) return json_incref((json_t *)view);
    json_t *out = json_object();
    for (size_t i = 0; i < json_array_size(r->atg); i++) {
        const char *name = json_string_value(json_array_get(r->atg, i));
        json_t *v = json_object_get(view, name);
        if (v) json_object_set(out, name, v);
    }
    return out;
}

/* LastEvaluatedKey: the table key of the last item read, and the index key
 * on an index. */
static json_t *last_key(const struct read_op *r, const json_t *item)
{
    const struct pq_key_attr *keys[2 + 2 * PQ_IX_MAX_KEYS] = {&r->table->hash, &r->table->range};
    int nkeys = 2;
    for (size_t i = 0; r->index && i < r->index->nhash; i++)
        keys[nkeys++] = &r->index->hashes[i];
    for (size_t i = 0; r->index && i < r->index->nrange; i++)
        keys[nkeys++] = &r->index->ranges[i];
    json_t *k = json_object();
    for (int i = 0; i < nkeys; i++) {
        const json_t *v = keys[i] && keys[i]->name ? json_object_get(item, keys[i]->name) : NULL;
        if (v) json_object_set(k, keys[i]->name, (json_t *)v);
    }
    return k;
}

pq_status read_run(struct pq_engine *e, struct read_op *r, json_t **resp, struct pq_error *err)
{
    struct pq_cursor *cur = NULL;
    struct pq_key key;
    json_t *items = json_array(), *item = NULL, *last = NULL;
    size_t scanned = 0, count = 0, bytes = 0;
    size_t budget = e->page_bytes ? e->page_bytes : DEFAULT_PAGE_BYTES;
    bool cut = false, fetch = lsi_fetches(r);
    *resp = NULL;
    store_key_init(&key);
    e->cap = cap_new(str_member(r->req, "ReturnConsumedCapacity"), 1);
    pq_status st = store_cursor_open(e->store, r->table, &r->range, &cur, err);
    while (st == PQ_OK) {
        size_t size = 0;
        if ((st = store_cursor_next(cur, &item, &size, &key, err)) || !item) break;
        scanned++;
        bytes += size;
        json_t *view = view_of(r, item);
        if (!r->filter || ev_test(r->filter, view)) {
            count++;
            if (r->select != SEL_COUNT) json_array_append_new(items, output_of(r, view));
            if (fetch) cap_read(e, r->table, NULL, pq_item_size(item), r->consistent);
        }
        json_decref(view);
        json_decref(last);
        last = item;
        item = NULL;
        /* A page ends after Limit items evaluated or page_bytes read (the
         * item that crosses the line is kept); LastEvaluatedKey is given
         * then even if nothing follows, as DynamoDB does. */
        if ((r->limit > 0 && scanned >= (size_t)r->limit) || bytes >= budget) {
            cut = true;
            break;
        }
    }
    store_cursor_close(cur);
    if (st) goto out;
    cap_read(e, r->table, r->index, bytes, r->consistent);
    *resp =
        json_pack("{s:I, s:I}", "Count", (json_int_t)count, "ScannedCount", (json_int_t)scanned);
    if (r->select != SEL_COUNT) json_object_set(*resp, "Items", items);
    if (cut) json_object_set_new(*resp, "LastEvaluatedKey", last_key(r, last));
    if (e->cap) {
        json_t *cc = cap_one_json(e->cap);
        if (cc) json_object_set_new(*resp, "ConsumedCapacity", cc);
    }
out:
    cap_free(e->cap);
    e->cap = NULL;
    json_decref(items);
    json_decref(item);
    json_decref(last);
    store_key_release(&key);
    return st;
}

/* ---- Query ---------------------------------------------------------------- */

static pq_status query_model(const json_t *req, struct pq_error *err)
{
    struct exec_violations v;
    pq_status st = read_check_model(req, &v, err);
    if (st) return st;
    lg_check_model(read_member(req, "KeyConditions"), LG_KEY_CONDITIONS, &v);
    lg_check_model(read_member(req, "QueryFilter"), LG_QUERY_FILTER, &v);
    return exec_violations_finish(&v, err);
}

/* The condition on a sort key of one attribute into r->range. */
static void bind_sort(struct read_op *r, const struct xp_key_cond *s)
{
    switch (s->op) {
    case XP_KEY_EQ:
    case XP_KEY_GE:
    case XP_KEY_GT:
    case XP_KEY_BETWEEN:
        encode_into(s->value, &r->lo);
        r->range.rk_lo = &r->lo;
        r->range.lo_inclusive = s->op != XP_KEY_GT;
        break;
    case XP_KEY_BEGINS_WITH:
        /* S and B keys encode as their bytes: a prefix of the value is a
         * prefix of the encoding. */
        encode_into(s->value, &r->prefix);
        r->range.rk_prefix = &r->prefix;
        break;
    default:
        break;
    }
    if (s->op == XP_KEY_EQ || s->op == XP_KEY_LE || s->op == XP_KEY_LT || s->op == XP_KEY_BETWEEN) {
        encode_into(s->op == XP_KEY_BETWEEN ? s->value2 : s->value, &r->hi);
        r->range.rk_hi = &r->hi;
        r->range.hi_inclusive = s->op != XP_KEY_LT;
    }
}

/* The condition of `kc` on attribute `name`, or NULL. */
static const struct xp_key_cond *cond_on(const struct xp_key_condition *kc, const char *name)
{
    for (size_t i = 0; i < kc->n; i++)
        if (strcmp(kc->conds[i].name, name) == 0) return &kc->conds[i];
    return NULL;
}

/* A condition's values against the key attribute's type. */
static pq_status check_cond_values(const struct xp_key_cond *c, const struct pq_key_attr *k,
                                   bool hash, struct pq_error *err)
{
    const json_t *vals[2] = {c->value, c->value2};
    for (int j = 0; j < 2; j++) {
        if (!vals[j]) continue;
        if (!key_type_is(k, vals[j]))
            return pq_error_validation(err, "One or more parameter values were invalid: "
                                            "Condition parameter type does not match schema "
                                            "type");
        pq_status st = exec_check_key_value(k, vals[j], hash, err);
        if (st) return st;
    }
    return PQ_OK;
}

/* `p` followed by the value's terminated encoding, optionally with its last
 * byte raised: the first key past every key that starts with it. */
static void bound(struct pq_buf *out, const struct pq_buf *p, const json_t *v, bool past)
{
    pq_buf_reset(out);
    pq_buf_add(out, p->data ? p->data : "", p->len);
    index_key_append(v, false, out);
    if (past) out->data[out->len - 1]++; /* the terminator 0x00 0x01 becomes 0x00 0x02 */
}

/* A multi-attribute GSI key (reference §2.6): `=` on every HASH attribute;
 * RANGE attributes left to right without gaps, all `=` but the last. The
 * RANGE side is encoded attribute by attribute (index_key_of), so the
 * conditions become one prefix plus bounds on the next attribute. Where the
 * reference gives no text (a HASH attribute missing or not `=`, a
 * condition on a non-key attribute) the one-attribute texts are used:
 * UNCONFIRMED. */
static pq_status bind_multi_key_condition(struct read_op *r, const struct xp_key_condition *kc,
                                          struct pq_error *err)
{
    const struct pq_index_meta *ix = r->index;
    pq_status st;
    for (size_t i = 0; i < ix->nhash; i++)
        if (!cond_on(kc, ix->hashes[i].name))
            return pq_error_validation(err, "Query condition missed key schema element: %s",
                                       ix->hashes[i].name);
    for (size_t i = 0; i < kc->n; i++) {
        if (index_has_key(ix, kc->conds[i].name)) continue;
        size_t j = 0;
        while (j < ix->nrange && cond_on(kc, ix->ranges[j].name))
            j++;
        if (j == ix->nrange) return pq_error_validation(err, "Query key condition not supported");
        return pq_error_validation(err, "Query condition missed key schema element: %s",
                                   ix->ranges[j].name);
    }
    for (size_t i = 0; i < ix->nhash; i++) {
        const struct xp_key_cond *c = cond_on(kc, ix->hashes[i].name);
        if (c->op != XP_KEY_EQ)
            return pq_error_validation(err, "Query key condition not supported");
    }
    /* The last RANGE attribute with a condition; every one before it needs `=`. */
    size_t last = 0;
    for (size_t i = 0; i < ix->nrange; i++)
        if (cond_on(kc, ix->ranges[i].name)) last = i + 1;
    for (size_t i = 0; i + 1 < last; i++) {
        const struct xp_key_cond *c = cond_on(kc, ix->ranges[i].name);
        if (c && c->op == XP_KEY_EQ) continue;
        size_t b = i + 1;
        while (!cond_on(kc, ix->ranges[b].name))
            b++;
        return pq_error_validation(err,
                                   "RANGE key attributes %s must have equality conditions "
                                   "specified in the query because a condition is present on key "
                                   "attribute %s",
                                   ix->ranges[i].name, ix->ranges[b].name);
    }
    for (size_t i = 0; i < ix->nhash; i++)
        if ((st = check_cond_values(cond_on(kc, ix->hashes[i].name), &ix->hashes[i], true, err)))
            return st;
    for (size_t i = 0; i < last; i++)
        if ((st = check_cond_values(cond_on(kc, ix->ranges[i].name), &ix->ranges[i], false, err)))
            return st;

    pq_buf_reset(&r->hk);
    for (size_t i = 0; i < ix->nhash; i++) {
        const json_t *v = cond_on(kc, ix->hashes[i].name)->value;
        if (ix->nhash == 1)
            pq_value_encode_key(v, &r->hk);
        else
            index_key_append(v, false, &r->hk);
    }
    r->range.hk = &r->hk;
    if (!last) return PQ_OK;
    /* A single RANGE attribute encodes as itself: the one-attribute rules. */
    if (ix->nrange == 1) {
        bind_sort(r, cond_on(kc, ix->ranges[0].name));
        return PQ_OK;
    }
    struct pq_buf p = PQ_BUF_INIT;
    pq_buf_init(&p);
    for (size_t i = 0; i + 1 < last; i++)
        index_key_append(cond_on(kc, ix->ranges[i].name)->value, false, &p);
    const struct xp_key_cond *s = cond_on(kc, ix->ranges[last - 1].name);
    pq_buf_reset(&r->prefix);
    pq_buf_add(&r->prefix, p.data ? p.data : "", p.len);
    switch (s->op) {
    case XP_KEY_EQ:
        bound(&r->prefix, &p, s->value, false);
        break;
    case XP_KEY_BEGINS_WITH:
        index_key_append(s->value, true, &r->prefix);
        break;
    case XP_KEY_GT:
    case XP_KEY_GE:
    case XP_KEY_BETWEEN:
        bound(&r->lo, &p, s->value, s->op == XP_KEY_GT);
        r->range.rk_lo = &r->lo;
        r->range.lo_inclusive = true;
        break;
    default:
        break;
    }
    if (s->op == XP_KEY_LT || s->op == XP_KEY_LE || s->op == XP_KEY_BETWEEN) {
        bound(&r->hi, &p, s->op == XP_KEY_BETWEEN ? s->value2 : s->value, s->op != XP_KEY_LT);
        r->range.rk_hi = &r->hi;
        r->range.hi_inclusive = false;
    }
    if (r->prefix.len) r->range.rk_prefix = &r->prefix;
    pq_buf_release(&p);
    return PQ_OK;
}

/* The key condition against the schema of what is read (§2.6, schema level),
 * then into r->range. */
static pq_status bind_key_condition(struct read_op *r, const struct xp_key_condition *kc,
                                    const struct xp_key_cond **sort, struct pq_error *err)
{
    const struct xp_key_cond *hash = NULL;
    *sort = NULL;
    if (r->index && r->index->multi) return bind_multi_key_condition(r, kc, err);
    /* The parser takes up to 8 conditions for multi-attribute keys; a key of
     * one or two attributes takes two, with the parser's text. */
    if (kc->n > 2)
        return pq_error_validation(err, "Invalid KeyConditionExpression: Conditions can be of "
                                        "length 1 or 2 only");
    for (size_t i = 0; i < kc->n; i++)
        if (strcmp(kc->conds[i].name, r->khash->name) == 0) hash = &kc->conds[i];
    if (!hash)
        return pq_error_validation(err, "Query condition missed key schema element: %s",
                                   r->khash->name);
    for (size_t i = 0; i < kc->n; i++) {
        const struct xp_key_cond *c = &kc->conds[i];
        if (c == hash) continue;
        if (!r->krange) return pq_error_validation(err, "Query key condition not supported");
        if (strcmp(c->name, r->krange->name) != 0)
            return pq_error_validation(err, "Query condition missed key schema element: %s",
                                       r->krange->name);
        *sort = c;
    }
    if (hash->op != XP_KEY_EQ) return pq_error_validation(err, "Query key condition not supported");
    for (size_t i = 0; i < kc->n; i++) {
        const struct xp_key_cond *c = &kc->conds[i];
        const struct pq_key_attr *k = c == hash ? r->khash : r->krange;
        pq_status st = check_cond_values(c, k, c == hash, err);
        if (st) return st;
    }
    encode_into(hash->value, &r->hk);
    r->range.hk = &r->hk;
    if (*sort) bind_sort(r, *sort);
    return PQ_OK;
}

static int bufcmp(const struct pq_buf *a, const struct pq_buf *b)
{
    size_t n = a->len < b->len ? a->len : b->len;
    int c = n ? memcmp(a->data, b->data, n) : 0;
    if (c) return c;
    return a->len < b->len ? -1 : a->len > b->len;
}

/* ExclusiveStartKey against the key condition (§4.5). */
static pq_status check_esk_bounds(const struct read_op *r, const struct xp_key_cond *sort,
                                  struct pq_error *err)
{
    if (!r->esk) return PQ_OK;
    /* A hash-only table: the query reads at most one item, and a page cut
     * by Limit gives that item's key as LastEvaluatedKey. Paginators (boto3,
     * the JS SDK's paginateQuery) send it back, so the same key is accepted
     * and the page after it is empty, without LastEvaluatedKey. Alternator
     * quotes a refusal ("The provided exclusive start key is invalid: …")
     * that would break every paginator: UNCONFIRMED, pinned in
     * query_hash_only.api. Another partition is outside the boundaries, as
     * on any table. */
    if (bufcmp(&r->after.hk, &r->hk) != 0) {
        if (sort && sort->op == XP_KEY_EQ)
            return pq_error_validation(err, "The query can return at most one row and cannot be "
                                            "restarted");
        return pq_error_validation(err, "The provided starting key is outside query boundaries "
                                        "based on provided conditions");
    }
    const struct pq_range *g = &r->range;
    const struct pq_buf *rk = &r->after.rk;
    bool inside = true;
    if (g->rk_lo) {
        int c = bufcmp(rk, g->rk_lo);
        inside = c > 0 || (c == 0 && g->lo_inclusive);
    }
    if (inside && g->rk_hi) {
        int c = bufcmp(rk, g->rk_hi);
        inside = c < 0 || (c == 0 && g->hi_inclusive);
    }
    if (inside && g->rk_prefix)
        inside = rk->len >= g->rk_prefix->len &&
                 memcmp(rk->data, g->rk_prefix->data, g->rk_prefix->len) == 0;
    if (!inside)
        return pq_error_validation(err, "The provided starting key does not match the range key "
                                        "predicate");
    return PQ_OK;
}

pq_status query_query(struct pq_engine *e, json_t *req, json_t **resp, struct pq_error *err)
{
    static const char prefix[] = "1 validation error detected: ";
    struct read_op r;
    const struct xp_key_condition *kc = NULL;
    const struct xp_key_cond *sort = NULL;
    *resp = NULL;
    read_op_init(&r, req, true);
    r.limit = json_integer_value(read_member(req, "Limit"));
    r.consistent = json_is_true(read_member(req, "ConsistentRead"));
    r.range.descending = json_is_false(read_member(req, "ScanIndexForward"));
    r.atg = read_member(req, "AttributesToGet");
    pq_status st;
    if ((st = query_model(req, err)) || (st = read_check_mix(&r, err)) ||
        (st = read_legacy_filter(&r, err)) || (st = read_check_atg(&r, err)) ||
        (st = read_check_esk_values(&r, err)))
        goto out;
    if (!read_member(req, "KeyConditionExpression") && !read_member(req, "KeyConditions")) {
        st = pq_error_validation(err, "Either the KeyConditions or KeyConditionExpression "
                                      "parameter must be specified in the request.");
        goto out;
    }
    if ((st = read_compile(&r, &kc, err))) goto out;
    if (!kc) {
        /* KeyConditions (a KeyConditionExpression beside it was refused by the mix check). */
        if (!r.lg) r.lg = lg_request_new();
        if ((st = lg_key_conditions(r.lg, read_member(req, "KeyConditions"), &kc, err))) goto out;
    }
    if ((st = read_check_select(&r, prefix, err)) || (st = read_bind_table(e, &r, err))) goto out;
    if (r.index)
        st = read_bind_esk(&r, "The provided starting key is invalid",
                           "The provided starting key is invalid: The provided key element does "
                           "not match the schema",
                           "The provided key element does not match the schema", err);
    else
        st = read_bind_esk(&r, "The provided starting key is invalid",
                           "The provided key element does not match the schema",
                           "The provided key element does not match the schema", err);
    if (st || (st = bind_key_condition(&r, kc, &sort, err)) ||
        (st = check_esk_bounds(&r, sort, err)) || (st = check_filter_keys(&r, err)) ||
        (st = read_check_paths(&r, err)))
        goto out;
    st = read_run(e, &r, resp, err);
out:
    read_op_release(&r);
    return st;
}
