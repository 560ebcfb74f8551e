/* exec.c — ExecuteStatement: request checks, statement preparation, INSERT / UPDATE / DELETE. */
#include "engine/capacity.h"
#include "engine/eval.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "pqsh/literal.h"
#include "pqsh/parse.h"
#include "pqsh/thread.h"

#define MAX_ITEM_BYTES 409600
#define MAX_HASH_KEY_BYTES 2048
#define MAX_RANGE_KEY_BYTES 1024

static const char msg_no_key_equality[] =
    "Where clause does not contain a mandatory equality on all key attributes";

/* ---- request members (§3.1, §1.4) -------------------------------------- */

void exec_violations_init(struct exec_violations *v)
{
    pq_buf_init(&v->text);
    v->n = 0;
}

void exec_violation_raw(struct exec_violations *v, const char *value, const char *member,
                        const char *constraint)
{
    if (v->n++) pq_buf_adds(&v->text, "; ");
    pq_buf_addf(&v->text, "Value %s at '%s' failed to satisfy constraint: %s", value, member,
                constraint);
}

void exec_violation(struct exec_violations *v, const char *value, const char *member,
                    const char *rule)
{
    struct pq_buf c = PQ_BUF_INIT;
    pq_buf_init(&c);
    pq_buf_addf(&c, "Member must %s", rule);
    exec_violation_raw(v, value, member, c.data);
    pq_buf_release(&c);
}

pq_status exec_violations_finish(struct exec_violations *v, struct pq_error *err)
{
    pq_status st = PQ_OK;
    if (v->n)
        st = pq_error_validation(err, "%zu validation error%s detected: %s", v->n,
                                 v->n == 1 ? "" : "s", v->text.data);
    pq_buf_release(&v->text);
    return st;
}

static size_t utf8_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) c++;
    return c;
}

static void check_length(struct exec_violations *v, const json_t *s, const char *member, size_t min,
                         size_t max)
{
    size_t n = utf8_chars(json_string_value(s), json_string_length(s));
    if (n >= min && n <= max) return;
    struct pq_buf val = PQ_BUF_INIT, rule = PQ_BUF_INIT;
    pq_buf_init(&val);
    pq_buf_init(&rule);
    pq_buf_addf(&val, "'%s'", json_string_value(s));
    if (n < min)
        pq_buf_addf(&rule, "have length greater than or equal to %zu", min);
    else
        pq_buf_addf(&rule, "have length less than or equal to %zu", max);
    exec_violation(v, val.data, member, rule.data);
    pq_buf_release(&val);
    pq_buf_release(&rule);
}

void exec_check_enum(struct exec_violations *v, const json_t *s, const char *member,
                     const char *const *values, const char *shown)
{
    if (!s) return;
    for (const char *const *p = values; *p; p++)
        if (strcmp(json_string_value(s), *p) == 0) return;
    struct pq_buf val = PQ_BUF_INIT, rule = PQ_BUF_INIT;
    pq_buf_init(&val);
    pq_buf_init(&rule);
    pq_buf_addf(&val, "'%s'", json_string_value(s));
    pq_buf_addf(&rule, "satisfy enum value set: %s", shown);
    exec_violation(v, val.data, member, rule.data);
    pq_buf_release(&val);
    pq_buf_release(&rule);
}

/* A member that is absent or JSON null is absent. */
static json_t *member(const json_t *obj, const char *name)
{
    json_t *m = json_object_get(obj, name);
    return json_is_null(m) ? NULL : m;
}

/* The members of one ExecuteStatement request (or batch / transaction
 * entry) that the checks read, found in one pass over its members; absent
 * or JSON null ones are NULL. */
struct exec_members {
    const json_t *stmt, *params, *token, *limit, *rv, *rcc, *consistent;
};

static void read_members(const json_t *obj, struct exec_members *m)
{
    static const struct {
        const char *name;
        size_t at;
    } names[] = {
        {"Statement", offsetof(struct exec_members, stmt)},
        {"Parameters", offsetof(struct exec_members, params)},
        {"NextToken", offsetof(struct exec_members, token)},
        {"Limit", offsetof(struct exec_members, limit)},
        {"ReturnValuesOnConditionCheckFailure", offsetof(struct exec_members, rv)},
        {"ReturnConsumedCapacity", offsetof(struct exec_members, rcc)},
        {"ConsistentRead", offsetof(struct exec_members, consistent)},
    };
    const char *k;
    size_t klen;
    json_t *val;
    memset(m, 0, sizeof *m);
    json_object_keylen_foreach((json_t *)obj, k, klen, val)
    {
        if (json_is_null(val)) continue;
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (exec_name_eq(names[i].name, k, klen)) {
                *(const json_t **)((char *)m + names[i].at) = val;
                break;
            }
    }
}

static void check_rcc(const json_t *rcc, struct exec_violations *v)
{
    static const char *const rcc_values[] = {"INDEXES", "TOTAL", "NONE", NULL};
    if (json_is_string(rcc))
        exec_check_enum(v, rcc, "returnConsumedCapacity", rcc_values, "[INDEXES, TOTAL, NONE]");
}

void exec_check_rcc(const json_t *req, struct exec_violations *v)
{
    check_rcc(member(req, "ReturnConsumedCapacity"), v);
}

/* "<prefix><name>" in `path` (built only when a violation needs it). */
static const char *member_path(struct pq_buf *path, const char *prefix, const char *name)
{
    pq_buf_reset(path);
    pq_buf_adds(path, prefix);
    pq_buf_adds(path, name);
    return path->data;
}

static void request_check(const struct exec_members *m, const char *prefix,
                          struct exec_violations *v)
{
    static const char *const rv_values[] = {"ALL_OLD", "NONE", NULL};
    struct pq_buf path = PQ_BUF_INIT;
    pq_buf_init(&path);
    if (json_is_string(m->stmt)) {
        size_t n = json_string_length(m->stmt);
        /* Characters never outnumber bytes: only a long text needs counting. */
        if (n == 0 || n > 8192)
            check_length(v, m->stmt, member_path(&path, prefix, "statement"), 1, 8192);
    } else if (*prefix) {
        exec_violation(v, "null", member_path(&path, prefix, "statement"), "not be null");
    }
    if (json_is_array(m->params) && json_array_size(m->params) == 0)
        exec_violation(v, "'[]'", member_path(&path, prefix, "parameters"),
                       "have length greater than or equal to 1");
    if (json_is_string(m->token)) check_length(v, m->token, "nextToken", 1, 32768);
    if (!*prefix) check_rcc(m->rcc, v);
    if (json_is_integer(m->limit) && json_integer_value(m->limit) < 1) {
        char val[40];
        snprintf(val, sizeof val, "'%lld'", (long long)json_integer_value(m->limit));
        exec_violation(v, val, "limit", "have value greater than or equal to 1");
    }
    if (json_is_string(m->rv))
        exec_check_enum(v, m->rv, member_path(&path, prefix, "returnValuesOnConditionCheckFailure"),
                        rv_values, "[ALL_OLD, NONE]");
    pq_buf_release(&path);
}

void exec_request_check(const json_t *obj, const char *prefix, struct exec_violations *v)
{
    struct exec_members m;
    read_members(obj, &m);
    request_check(&m, prefix, v);
}

static pq_status request_read(const struct exec_members *m, struct exec_request *r,
                              struct pq_error *err)
{
    memset(r, 0, sizeof *r);
    r->statement = json_string_value(m->stmt);
    r->len = json_string_length(m->stmt);
    r->limit = json_is_integer(m->limit) ? (json_t *)m->limit : NULL;
    r->next_token = json_string_value(m->token);
    r->consistent_read = json_is_true(m->consistent);
    r->return_old_on_ccf =
        json_is_string(m->rv) && strcmp(json_string_value(m->rv), "ALL_OLD") == 0;
    if (!json_is_array(m->params)) return PQ_OK;
    r->params = json_deep_copy(m->params);
    for (size_t i = 0; i < json_array_size(r->params); i++) {
        pq_status st = pq_value_validate_partiql(json_array_get(r->params, i), err);
        if (st != PQ_OK) return st;
    }
    return PQ_OK;
}

pq_status exec_request_read(const json_t *obj, struct exec_request *r, struct pq_error *err)
{
    struct exec_members m;
    read_members(obj, &m);
    return request_read(&m, r, err);
}

/* Reads and checks the members of an ExecuteStatement request (api.c has
 * checked the JSON types). r->params is a new reference the caller releases;
 * *rcc is the request's ReturnConsumedCapacity (borrowed, or NULL). */
static pq_status read_request(json_t *req, struct exec_request *r, const json_t **rcc,
                              struct pq_error *err)
{
    struct exec_members m;
    read_members(req, &m);
    memset(r, 0, sizeof *r);
    *rcc = m.rcc;
    if (!m.stmt)
        /* The current service words a missing required member this way
         * (reference §1.4; for Statement UNCONFIRMED). */
        return pq_error_validation(
            err, "The parameter 'Statement' is required but was not present in the request");
    struct exec_violations v;
    exec_violations_init(&v);
    request_check(&m, "", &v);
    pq_status st = exec_violations_finish(&v, err);
    if (st != PQ_OK) return st;
    return request_read(&m, r, err);
}

/* ---- shared checks ------------------------------------------------------ */

pq_status exec_check_from(const struct pq_from *f, struct pq_error *err)
{
    if (f->nsources > 1)
        return pq_error_validation(err, "Only select from a single table or index is supported.");
    if (f->ncomponents > 2)
        return pq_error_validation(err,
                                   "A path may contain at most 2 components in the FROM clause");
    if (f->empty_component)
        return pq_error_validation(err, "Path component cannot be an empty string");
    if (f->alias.name) return pq_error_validation(err, "Aliasing is not supported");
    return PQ_OK;
}

static pq_status find_table(struct pq_engine *e, const struct pq_from *f,
                            const struct pq_table_meta **out, struct pq_error *err)
{
    pq_status st = store_table_get(e->store, f->table.name, out, err);
    if (st != PQ_OK) return st;
    if (!*out)
        return pq_error_service(err, "ResourceNotFoundException", "Requested resource not found");
    return PQ_OK;
}

pq_status exec_check_key_value(const struct pq_key_attr *k, const json_t *v, bool is_hash,
                               struct pq_error *err)
{
    pq_type want = k->type == 'S' ? PQ_T_S : k->type == 'N' ? PQ_T_N : PQ_T_B;
    json_t *p;
    if (pq_value_split(v, &p) != want)
        return pq_error_validation(
            err, "Key attribute's data type should match its data type in table's schema: Key %s",
            k->name);
    if (want != PQ_T_N && json_string_length(p) == 0)
        return pq_error_validation(err,
                                   "One or more parameter values are not valid. The "
                                   "AttributeValue for a key attribute cannot contain an empty "
                                   "%s value. Key: %s",
                                   want == PQ_T_S ? "string" : "binary", k->name);
    /* Bytes a key value counts for: UTF-8 bytes (a string's own length),
     * raw bytes, or the number's size. */
    size_t n = want == PQ_T_S && json_is_string(p) ? json_string_length(p) : pq_value_size(v);
    if (is_hash && n > MAX_HASH_KEY_BYTES)
        return pq_error_validation(err, "One or more parameter values were invalid: Size of "
                                        "hashkey has exceeded the maximum size limit of2048 bytes");
    if (!is_hash && n > MAX_RANGE_KEY_BYTES)
        return pq_error_validation(err, "One or more parameter values were invalid: Aggregated "
                                        "size of all range keys has exceeded the size limit of "
                                        "1024 bytes");
    return PQ_OK;
}

pq_status exec_ccf(struct pq_error *err, const json_t *old, bool return_old)
{
    pq_status st =
        pq_error_service(err, "ConditionalCheckFailedException", "The conditional request failed");
    if (return_old && old)
        err->detail = json_pack("{s:s, s:s, s:O}", "__type",
                                "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
                                "message", "The conditional request failed", "Item", old);
    return st;
}

static const char *returning_text(pq_returning r)
{
    switch (r) {
    case PQ_RET_ALL_OLD:
        return "RETURNING ALL OLD *";
    case PQ_RET_MODIFIED_OLD:
        return "RETURNING MODIFIED OLD *";
    case PQ_RET_ALL_NEW:
        return "RETURNING ALL NEW *";
    case PQ_RET_MODIFIED_NEW:
        return "RETURNING MODIFIED NEW *";
    case PQ_RET_NONE:
        break;
    }
    return "";
}

/* ---- keys of UPDATE / DELETE ------------------------------------------- */

/* The value `c` pins attribute `name` to (`name` = constant), or NULL. */
static const json_t *key_equality(const struct ev_cond *c, const char *name)
{
    if (c->kind != EV_CMP || c->op != PQ_OP_EQ) return NULL;
    for (int i = 0; i < 2; i++)
        if (ev_operand_is_attr(&c->ops[i], name) && c->ops[1 - i].kind == EV_O_CONST)
            return c->ops[1 - i].value;
    return NULL;
}

/* Takes the key equalities out of s->where (top-level AND conjuncts only)
 * into s->key; what remains is the write's condition (§4.5, §4.6). */
static pq_status extract_key(struct exec_stmt *s, struct pq_error *err)
{
    const struct pq_key_attr *keys[2] = {&s->table->hash,
                                         s->table->range.name ? &s->table->range : NULL};
    struct ev_cond *const *kids;
    size_t n;
    ev_conjuncts(&s->where, &kids, &n);
    bool *used = pq_xcalloc(n ? n : 1, sizeof *used);
    pq_status st = PQ_OK;
    s->key = json_object();
    for (int k = 0; k < 2 && keys[k]; k++) {
        const json_t *found = NULL;
        for (size_t i = 0; i < n; i++) {
            const json_t *v = key_equality(kids[i], keys[k]->name);
            if (!v) continue;
            if (found && !pq_value_equal(found, v)) {
                st = pq_error_validation(err,
                                         "Multiple conditions on same key %s. Only single item "
                                         "Update/Insert/Delete are supported",
                                         keys[k]->name);
                goto out;
            }
            if (!found) used[i] = true;
            found = v;
        }
        if (!found) {
            st = pq_error_validation(err, "%s", msg_no_key_equality);
            goto out;
        }
        if ((st = exec_check_key_value(keys[k], found, k == 0, err)) != PQ_OK) goto out;
        json_object_set_new(s->key, keys[k]->name, json_deep_copy(found));
    }
    /* Rebuild the condition from the conjuncts that are not key equalities. */
    struct ev_cond *w = s->where;
    if (w->kind == EV_AND) {
        size_t m = 0;
        for (size_t i = 0; i < w->nkids; i++) {
            if (used[i])
                ev_cond_free(w->kids[i]);
            else
                w->kids[m++] = w->kids[i];
        }
        w->nkids = m;
        if (m == 0) {
            ev_cond_free(w);
            s->where = NULL;
        } else if (m == 1) {
            s->where = w->kids[0];
            w->nkids = 0;
            ev_cond_free(w);
        }
    } else if (used[0]) {
        ev_cond_free(w);
        s->where = NULL;
    }
out:
    free(used);
    return st;
}

/* ---- preparation -------------------------------------------------------- */

/* An empty statement: the engine's spare (exec_stmt_recycle), or a new one.
 * An INSERT's text is written into the spare's buffer, grown already. */
static struct exec_stmt *stmt_new(struct pq_engine *e)
{
    struct exec_stmt *s = e->spare;
    if (s) {
        e->spare = NULL;
        return s;
    }
    s = pq_xcalloc(1, sizeof *s);
    store_key_init(&s->made.key);
    pq_buf_init(&s->made.text);
    return s;
}

/* The first function call inside an INSERT item: DynamoDB refuses it as an
 * unsupported data type (§4.4). */
static const struct pq_expr *first_call(const struct pq_expr *e)
{
    if (!e) return NULL;
    if (e->kind == PQ_E_CALL) return e;
    for (size_t i = 0; i < e->nitems; i++) {
        const struct pq_expr *c = first_call(e->items[i]);
        if (c) return c;
    }
    const struct pq_expr *c = first_call(e->lhs);
    return c ? c : first_call(e->rhs);
}

static pq_status prepare_insert(struct pq_engine *e, struct exec_stmt *s, struct pq_error *err)
{
    pq_status st;
    const struct pq_stmt *a = s->ast;
    if ((st = exec_check_from(&a->u.insert.into, err)) != PQ_OK) return st;
    if (a->u.insert.unsupported)
        return pq_error_validation(err, "Unsupported clause: %s", a->u.insert.unsupported);
    if (a->u.insert.returning != PQ_RET_NONE)
        return pq_error_validation(err, "RETURNING is not supported in INSERT");
    if (a->u.insert.values_keyword || a->u.insert.nvalues > 1)
        return pq_error_validation(err,
                                   "Unsupported operation: Inserting multiple items in a single "
                                   "statement is not supported, use \"INSERT INTO tableName "
                                   "VALUE item\" instead");
    const struct pq_expr *item = a->u.insert.value;
    if (!item || item->kind != PQ_E_TUPLE)
        return pq_error_validation(err,
                                   "Unsupported format in item expression. Please use struct "
                                   "format {...} to express item values for insert statement.");
    if (a->u.insert.into.index.name)
        return pq_error_validation(err, "This operation is not supported on an index");
    if ((st = find_table(e, &a->u.insert.into, &s->table, err)) != PQ_OK) return st;
    /* s->key is only read (checked, sized, written, freed): it may share the
     * tree's literals. `item` is a tuple: this is its members map. A function
     * call anywhere in it is refused before anything else; the walk for one
     * is needed only when the item did not evaluate (a call never does). */
    json_t *spare = s->item_spare;
    s->item_spare = NULL;
    st = ev_constant_item(&s->cx, item, spare, &s->key, err);
    s->key_is_item = s->key != NULL;
    if (st != PQ_OK) {
        const struct pq_expr *call = first_call(item);
        if (!call) return st;
        struct pq_buf b = PQ_BUF_INIT;
        pq_buf_init(&b);
        pq_buf_addf(&b, "Unsupported data type: %s under key root", call->name);
        ev_loc_suffix(&b, &s->cx, call->name_loc);
        st = pq_error_validation(err, "%s", b.data);
        pq_buf_release(&b);
        return st;
    }
    const struct pq_key_attr *keys[2] = {&s->table->hash,
                                         s->table->range.name ? &s->table->range : NULL};
    /* The key made here, as store_key_from_item would (it stays unmade when
     * a value does not encode: the store then refuses the item itself). */
    struct pq_key *mk = &s->made.key;
    pq_buf_reset(&mk->hk);
    pq_buf_reset(&mk->rk);
    s->made.keyed = true;
    for (int k = 0; k < 2 && keys[k]; k++) {
        const json_t *v = json_object_get(s->key, keys[k]->name);
        if (!v)
            return pq_error_validation(err, "Key attribute should be present in the item: Key %s",
                                       keys[k]->name);
        if ((st = exec_check_key_value(keys[k], v, k == 0, err)) != PQ_OK) return st;
        if (!pq_value_encode_key(v, k == 0 ? &mk->hk : &mk->rk)) s->made.keyed = false;
    }
    /* Its text, size and nesting in one walk; the text is what is written. */
    if ((st = pq_item_text(s->key, &s->made.text, &s->made.size, err)) != PQ_OK) return st;
    if (s->made.size > MAX_ITEM_BYTES)
        return pq_error_validation(err, "Item size has exceeded the maximum allowed size");
    return index_check_item(s->table, s->key, err);
}

/* UPDATE and DELETE: one item named by equality on every key attribute. */
static pq_status prepare_keyed_write(struct pq_engine *e, struct exec_stmt *s,
                                     const struct pq_from *target, const struct pq_expr *where,
                                     struct pq_error *err)
{
    pq_status st;
    if ((st = exec_check_from(target, err)) != PQ_OK) return st;
    if (target->index.name)
        return pq_error_validation(err, "This operation is not supported on an index");
    if ((st = find_table(e, target, &s->table, err)) != PQ_OK) return st;
    if (!where) return pq_error_validation(err, "%s", msg_no_key_equality);
    if ((st = ev_compile(&s->cx, where, &s->where, err)) != PQ_OK) return st;
    return extract_key(s, err);
}

/* PartiQL AST names DynamoDB reports for bare expressions ("IsType" is
 * confirmed; the others follow the same naming and are UNCONFIRMED). */
static const char *expr_op_name(const struct pq_expr *x)
{
    static const char *const binary[] = {
        [PQ_OP_EQ] = "Eq",      [PQ_OP_NE] = "Ne",         [PQ_OP_LT] = "Lt",
        [PQ_OP_LE] = "Lte",     [PQ_OP_GT] = "Gt",         [PQ_OP_GE] = "Gte",
        [PQ_OP_AND] = "And",    [PQ_OP_OR] = "Or",         [PQ_OP_ADD] = "Plus",
        [PQ_OP_SUB] = "Minus",  [PQ_OP_MUL] = "Times",     [PQ_OP_DIV] = "Divide",
        [PQ_OP_MOD] = "Modulo", [PQ_OP_CONCAT] = "Concat", [PQ_OP_LIKE] = "Like",
        [PQ_OP_NOT] = "Not",    [PQ_OP_NEG] = "Neg",       [PQ_OP_POS] = "Pos",
    };
    switch (x->kind) {
    case PQ_E_LIT:
        return "Lit";
    case PQ_E_MISSING:
        return "Missing";
    case PQ_E_PARAM:
        return "Parameter";
    case PQ_E_VAR:
        return "Id";
    case PQ_E_PATH:
        return x->nsteps > 1 ? "Path" : "Id";
    case PQ_E_TUPLE:
        return "Struct";
    case PQ_E_LIST:
        return "List";
    case PQ_E_BAG:
        return "Bag";
    case PQ_E_UNARY:
    case PQ_E_BINARY:
        return (size_t)x->op < sizeof binary / sizeof binary[0] && binary[x->op] ? binary[x->op]
                                                                                 : "NAry";
    case PQ_E_BETWEEN:
        return "Between";
    case PQ_E_IN:
        return "InCollection";
    case PQ_E_IS:
        return "IsType";
    case PQ_E_CALL:
        return "Call";
    case PQ_E_EXISTS:
        return "Exists";
    }
    return "NAry";
}

pq_status exec_prepare(struct pq_engine *e, const struct exec_request *r, struct exec_stmt **out,
                       struct pq_error *err)
{
    pq_status st;
    const char *detail = NULL;
    struct exec_stmt *s = stmt_new(e);
    s->cx = (struct ev_ctx){r->statement, r->len, r->params, r->parsed ? r->base : 0};
    *out = NULL;
    if (r->parsed) {
        /* The caller's parse stands for ours (pq_engine_call_parsed). */
        s->ast = r->parsed;
        st = PQ_OK;
    } else {
        st = pq_parse(r->statement, r->len, PQ_PARSE_STRICT, &s->owned, err, &detail);
        s->ast = s->owned;
    }
    if (st == PQ_ERR_SYNTAX) {
        size_t start = err->start, end = err->end;
        st = pq_error_validation(err, "Statement wasn't well formed, can't be processed: %s",
                                 detail ? detail : "");
        err->start = start;
        err->end = end;
        goto fail;
    }
    if (st != PQ_OK) goto fail;
    size_t nparams = r->params ? json_array_size(r->params) : 0;
    /* Too many parameters are accepted (DynamoDB Local; cloud UNCONFIRMED). */
    if (s->ast->nparams > nparams) {
        st = pq_error_validation(err, "Number of parameters in request and statement don't match.");
        goto fail;
    }
    const struct pq_stmt *a = s->ast;
    switch (a->kind) {
    case PQ_S_SELECT:
        s->sel = &a->u.select;
        st = exec_select_check(e, s, err);
        if (st == PQ_OK && s->index && s->index->global && r->consistent_read)
            st = pq_error_validation(
                err, "Strongly consistent read is not supported on Global Secondary Indexes");
        break;
    case PQ_S_INSERT:
        st = prepare_insert(e, s, err);
        break;
    case PQ_S_UPDATE:
        s->returning = a->u.update.returning;
        st = prepare_keyed_write(e, s, &a->u.update.target, a->u.update.where, err);
        if (st == PQ_OK)
            st = ev_update_compile(&s->cx, a->u.update.ops, a->u.update.nops, s->table, &s->update,
                                   err);
        break;
    case PQ_S_DELETE:
        s->returning = a->u.del.returning;
        if (s->returning != PQ_RET_NONE && s->returning != PQ_RET_ALL_OLD) {
            st = pq_error_validation(err,
                                     "Invalid returning clause: %s. Only RETURNING ALL OLD * is "
                                     "allowed in DELETE statements.",
                                     returning_text(s->returning));
            break;
        }
        st = prepare_keyed_write(e, s, &a->u.del.from, a->u.del.where, err);
        break;
    case PQ_S_EXISTS:
        if (r->mode != EXEC_TRANSACTION) {
            st = pq_error_validation(
                err, "EXISTS can only be used in ExecuteTransaction write requests.");
            break;
        }
        /* A condition check: the inner SELECT, checked as one. */
        s->sel = a->u.exists.select;
        st = exec_select_check(e, s, err);
        break;
    case PQ_S_EXPR:
        if (r->mode == EXEC_TRANSACTION)
            /* DynamoDB Local's text for bare expressions in a transaction. */
            st = pq_error_validation(err, "Unsupported operation in transaction.");
        else
            st =
                pq_error_validation(err, "Unsupported operation: %s", expr_op_name(a->u.expr.expr));
        break;
    default:
        /* pqsh's own statements never come out of a strict parse. */
        st = pq_error_validation(err, "Statement wasn't well formed, can't be processed: "
                                      "Unexpected term");
        break;
    }
    if (st != PQ_OK) goto fail;
    *out = s;
    return PQ_OK;
fail:
    exec_stmt_recycle(e, s);
    return st;
}

/* An INSERT's members map larger than this is not kept as the spare. */
#define SPARE_ITEM_MEMBERS 64

/* Keeps an INSERT's members map as s->item_spare when nobody else holds
 * it: its values become JSON null (json_null() is static), so the spare
 * holds no reference to a statement's literals — those belong to the
 * thread that parsed it — only its names and hash table. */
static void keep_item(struct exec_stmt *s)
{
    json_t *m = s->key;
    if (s->item_spare || !json_is_object(m) || json_object_size(m) > SPARE_ITEM_MEMBERS ||
        pq_thread_holders(m) != 1) {
        json_decref(m);
        return;
    }
    for (void *it = json_object_iter(m); it; it = json_object_iter_next(m, it))
        json_object_iter_set_new(m, it, json_null());
    s->item_spare = m;
}

/* Releases what `s` holds and empties it, keeping its buffers. */
static void stmt_clear(struct exec_stmt *s)
{
    ev_cond_free(s->where);
    ev_update_free(s->update);
    if (s->key && s->key_is_item)
        keep_item(s);
    else if (s->key)
        json_decref(s->key);
    pq_stmt_free(s->owned);
    struct store_made made = s->made;
    json_t *item_spare = s->item_spare;
    memset(s, 0, sizeof *s);
    s->made = made;
    s->item_spare = item_spare;
    s->made.keyed = false;
    s->made.size = 0;
    pq_buf_reset(&s->made.text);
}

void exec_stmt_free(struct exec_stmt *s)
{
    if (!s) return;
    stmt_clear(s);
    if (s->item_spare) json_decref(s->item_spare);
    store_key_release(&s->made.key);
    pq_buf_release(&s->made.text);
    free(s);
}

/* A spare text buffer larger than this is not kept (one huge item must not
 * pin its size for the rest of the session). */
#define SPARE_TEXT_MAX 65536

void exec_stmt_recycle(struct pq_engine *e, struct exec_stmt *s)
{
    if (!s) return;
    if (e->spare || s->made.text.cap > SPARE_TEXT_MAX) {
        exec_stmt_free(s);
        return;
    }
    stmt_clear(s);
    e->spare = s;
}

/* ---- writes ------------------------------------------------------------- */

/* True when `r`, which nobody else holds, is still exactly {"Items": []}:
 * one member, an empty array nobody else holds either. */
static bool still_empty_answer(json_t *r)
{
    void *it = json_object_iter(r);
    if (!it || json_object_size(r) != 1 || !exec_str_eq(json_object_iter_key(it), "Items"))
        return false;
    json_t *items = json_object_iter_value(it);
    return json_is_array(items) && pq_thread_holders(items) == 1 && json_array_size(items) == 0;
}

/* A write's {"Items": []} answer. Each answer is its own object while
 * anyone else holds it: one shared between pqsh serve's threads had its
 * count read outside jansson's atomics (json_decref's and json_incref's
 * test for a static object) while another thread changed it, a data race
 * ThreadSanitizer reports. So the engine keeps a reference to each of the
 * last few it gave (ANSWERS_KEPT) and never touches one — not even to drop
 * it — while its count, read with an atomic load, says someone else holds
 * it. Once the count is 1 (the other holder's release decrement ordered
 * before the load), the answer is the engine's alone: given again if it is
 * still exactly {"Items": []}, else released here as its last holder
 * would have. With every kept one still held, a new answer is made (and
 * kept if a place is free). The engine's references go at its close
 * (exec_forget_answers), unconditionally: every other holder's last use
 * must happen before pq_engine_close (engine.h's rule; pqsh serve's reset
 * waits for it, dbs.c). */
static json_t *empty_answer(struct pq_engine *e)
{
    json_t **place = NULL;
    for (size_t i = 0; i < ANSWERS_KEPT; i++) {
        json_t *r = e->answers[i];
        if (r && pq_thread_holders(r) != 1) continue;
        if (r && still_empty_answer(r)) return json_incref(r);
        if (r) json_decref(r);
        e->answers[i] = NULL;
        if (!place) place = &e->answers[i];
    }
    json_t *r = json_object();
    json_object_set_new_nocheck(r, "Items", json_array());
    if (place) *place = json_incref(r);
    return r;
}

/* Drops the kept answers whatever their counts: those held elsewhere were,
 * by engine.h's rule, dropped there before the close began, or are held
 * on this thread (the caller keeps its answer past the close). */
void exec_forget_answers(struct pq_engine *e)
{
    for (size_t i = 0; i < ANSWERS_KEPT; i++) {
        if (e->answers[i]) json_decref(e->answers[i]);
        e->answers[i] = NULL;
    }
}

static json_t *items_response(struct pq_engine *e, json_t *item /* stolen, may be NULL */)
{
    if (!item) return empty_answer(e);
    json_t *items = json_array(), *resp = json_object();
    json_array_append_new(items, item);
    json_object_set_new_nocheck(resp, "Items", items);
    return resp;
}

/* The writers below run inside the caller's store transaction (the API
 * call's, or a batch slot's savepoint) and write nothing when they fail. */

/* INSERT: PutItem with attribute_not_exists on the key (§4.4), in one
 * SQLite statement (INSERT OR IGNORE). */
static pq_status run_insert(struct pq_engine *e, struct exec_stmt *s, json_t **resp,
                            struct pq_error *err)
{
    bool inserted = false;
    pq_status st = store_item_insert(e->store, s->table, s->key, &s->made, &inserted, err);
    if (st != PQ_OK) return st;
    if (!inserted)
        return pq_error_service(err, "DuplicateItemException",
                                "Duplicate primary key exists in table");
    cap_write(e, s->table, NULL, s->key);
    *resp = items_response(e, NULL);
    return PQ_OK;
}

/* UPDATE: UpdateItem with attribute_exists on the key plus the non-key
 * conjuncts as condition; an absent item is a failed condition (§4.5). */
static pq_status run_update(struct pq_engine *e, struct exec_stmt *s, const struct exec_request *r,
                            json_t **resp, struct pq_error *err)
{
    pq_status st;
    struct pq_key k;
    json_t *old = NULL, *item = NULL, *result = NULL;
    store_key_init(&k);
    store_key_from_item(s->table, s->key, &k);
    if ((st = store_item_get(e->store, s->table, &k, &old, err)) != PQ_OK) goto out;
    if (!old || !ev_test(s->where, old)) {
        st = exec_ccf(err, old, r->return_old_on_ccf);
        goto out;
    }
    item = json_deep_copy(old);
    if ((st = ev_update_apply(s->update, item, err)) != PQ_OK) goto out;
    if ((st = pq_item_check_nesting(item, err)) != PQ_OK) goto out;
    if (pq_item_size(item) > MAX_ITEM_BYTES) {
        st = pq_error_validation(err, "Item size to update has exceeded the maximum allowed size");
        goto out;
    }
    if ((st = index_check_item(s->table, item, err)) != PQ_OK) goto out;
    if ((st = store_item_put(e->store, s->table, item, old, err)) != PQ_OK) goto out;
    cap_write(e, s->table, old, item);
    switch (s->returning) {
    case PQ_RET_ALL_OLD:
        result = json_incref(old);
        break;
    case PQ_RET_ALL_NEW:
        result = json_incref(item);
        break;
    case PQ_RET_MODIFIED_OLD:
        result = ev_update_modified(s->update, old);
        break;
    case PQ_RET_MODIFIED_NEW:
        result = ev_update_modified(s->update, item);
        break;
    case PQ_RET_NONE:
        break;
    }
    *resp = items_response(e, result);
out:
    if (old) json_decref(old);
    if (item) json_decref(item);
    store_key_release(&k);
    return st;
}

/* DELETE: DeleteItem with the non-key conjuncts as condition. Deleting an
 * absent item succeeds; with a condition, the condition is evaluated on the
 * absent item as DeleteItem does (so `a = 1` fails, `a IS MISSING` passes) —
 * PartiQL behaviour for this case is UNCONFIRMED (§4.6). */
static pq_status run_delete(struct pq_engine *e, struct exec_stmt *s, const struct exec_request *r,
                            json_t **resp, struct pq_error *err)
{
    pq_status st;
    struct pq_key k;
    json_t *old = NULL, *empty = json_object();
    store_key_init(&k);
    store_key_from_item(s->table, s->key, &k);
    if ((st = store_item_get(e->store, s->table, &k, &old, err)) != PQ_OK) goto out;
    if (!ev_test(s->where, old ? old : empty)) {
        st = exec_ccf(err, old, r->return_old_on_ccf);
        goto out;
    }
    if (old && (st = store_item_delete(e->store, s->table, &k, old, err)) != PQ_OK) goto out;
    cap_write(e, s->table, old, NULL);
    *resp = items_response(e, s->returning == PQ_RET_ALL_OLD && old ? json_incref(old) : NULL);
out:
    if (old) json_decref(old);
    json_decref(empty);
    store_key_release(&k);
    return st;
}

pq_status exec_run(struct pq_engine *e, struct exec_stmt *s, const struct exec_request *r,
                   json_t **resp, struct pq_error *err)
{
    *resp = NULL;
    switch (s->ast->kind) {
    case PQ_S_SELECT:
    case PQ_S_EXISTS:
        return exec_select_run(e, s, r, resp, err);
    case PQ_S_INSERT:
        return run_insert(e, s, resp, err);
    case PQ_S_UPDATE:
        return run_update(e, s, r, resp, err);
    case PQ_S_DELETE:
        return run_delete(e, s, r, resp, err);
    default:
        break;
    }
    return pq_error_validation(err, "Unsupported operation: %s", "statement");
}

void exec_request_take_parse(struct exec_request *r, const struct pq_parsed *p)
{
    /* A tree that took a pqsh-only turn does not stand for DynamoDB's parse. */
    r->parsed = p && p->stmt && !p->stmt->shell_syntax ? p->stmt : NULL;
    r->base = r->parsed ? p->base : 0;
}

pq_status exec_execute_parsed(struct pq_engine *e, json_t *req, const struct pq_parsed *parsed,
                              size_t n, json_t **resp, struct pq_error *err)
{
    struct exec_request r;
    struct exec_stmt *s = NULL;
    *resp = NULL;
    const json_t *rcc = NULL;
    pq_status st = read_request(req, &r, &rcc, err);
    exec_request_take_parse(&r, n ? parsed : NULL);
    if (st == PQ_OK) st = exec_prepare(e, &r, &s, err);
    e->cap = cap_new(json_string_value(rcc), 1);
    if (st == PQ_OK) st = exec_run(e, s, &r, resp, err);
    if (st == PQ_OK && e->cap) {
        json_t *cc = cap_one_json(e->cap);
        if (cc) json_object_set_new(*resp, "ConsumedCapacity", cc);
    }
    cap_free(e->cap);
    e->cap = NULL;
    exec_stmt_recycle(e, s);
    if (r.params) json_decref(r.params);
    return st;
}

pq_status exec_execute_statement(struct pq_engine *e, json_t *req, json_t **resp,
                                 struct pq_error *err)
{
    return exec_execute_parsed(e, req, NULL, 0, resp, err);
}

bool exec_full_key(const struct exec_stmt *s, json_t **key)
{
    const struct pq_key_attr *keys[2] = {&s->table->hash,
                                         s->table->range.name ? &s->table->range : NULL};
    *key = NULL;
    if (s->sel && s->sel->from.index.name) return false;
    json_t *k = json_object();
    for (int i = 0; i < 2 && keys[i]; i++) {
        const json_t *v = NULL;
        if (s->sel) {
            struct ev_cond *const *kids;
            size_t n;
            ev_conjuncts(&s->where, &kids, &n);
            for (size_t j = 0; j < n && !v; j++)
                v = key_equality(kids[j], keys[i]->name);
        } else if (s->key) {
            v = json_object_get(s->key, keys[i]->name);
        }
        if (!v || pq_value_type(v) != pq_type_from_name((char[]){keys[i]->type, 0})) {
            json_decref(k);
            return false;
        }
        json_object_set(k, keys[i]->name, (json_t *)v);
    }
    *key = k;
    return true;
}

bool exec_has_extra_condition(const struct exec_stmt *s)
{
    struct ev_cond *const *kids;
    size_t n;
    ev_conjuncts(&s->where, &kids, &n);
    for (size_t i = 0; i < n; i++) {
        if (!key_equality(kids[i], s->table->hash.name) &&
            !(s->table->range.name && key_equality(kids[i], s->table->range.name)))
            return true;
    }
    return false;
}
