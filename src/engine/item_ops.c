/* item_ops.c — PutItem, GetItem, DeleteItem: request checks, conditions, the single-item writes.
 *
 * Checks run in the service's order: member JSON types (SerializationException),
 * missing required members, model constraints reported together (§1.4),
 * attribute values, expressions, then the table and its key schema.
 * Messages are DynamoDB's where the reference or the SDK-visible behaviour
 * pins them (UNCONFIRMED ones are marked).
 */
#include "engine/item_ops.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "engine/capacity.h"
#include "engine/eval.h"
#include "pqsh/parse.h"
#include "pqsh/value.h"

#define MAX_ITEM_BYTES 409600

enum item_op { OP_PUT, OP_GET, OP_DELETE };

/* ---- model constraints ------------------------------------------------ */

static const json_t *member(const json_t *req, const char *name)
{
    const json_t *m = json_object_get(req, name);
    return json_is_null(m) ? NULL : m;
}

void item_check_table_name(struct exec_violations *v, const json_t *name, const char *path)
{
    const char *s = json_string_value(name);
    size_t n = strlen(s);
    struct pq_buf val = PQ_BUF_INIT;
    pq_buf_init(&val);
    pq_buf_addf(&val, "'%s'", s);
    if (n < 3) exec_violation(v, val.data, path, "have length greater than or equal to 3");
    if (n > 255) exec_violation(v, val.data, path, "have length less than or equal to 255");
    for (const char *p = s; *p; p++) {
        if (isalnum((unsigned char)*p) || *p == '_' || *p == '.' || *p == '-') continue;
        exec_violation(v, val.data, path, "satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
        break;
    }
    pq_buf_release(&val);
}

static pq_status check_constraints(const json_t *req, enum item_op op, struct pq_error *err)
{
    static const char *const rv[] = {"NONE",    "ALL_OLD",     "UPDATED_OLD",
                                     "ALL_NEW", "UPDATED_NEW", NULL};
    static const char *const ricm[] = {"SIZE", "NONE", NULL};
    static const char *const rvccf[] = {"ALL_OLD", "NONE", NULL};
    static const char *const condop[] = {"AND", "OR", NULL};
    struct exec_violations v;
    exec_violations_init(&v);
    item_check_table_name(&v, member(req, "TableName"), "tableName");
    if (op != OP_GET) {
        /* The enum in the order the service prints it (dynalite's recording). */
        exec_check_enum(&v, member(req, "ReturnValues"), "returnValues", rv,
                        "[ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]");
        exec_check_enum(&v, member(req, "ReturnItemCollectionMetrics"),
                        "returnItemCollectionMetrics", ricm, "[SIZE, NONE]");
        exec_check_enum(&v, member(req, "ReturnValuesOnConditionCheckFailure"),
                        "returnValuesOnConditionCheckFailure", rvccf, "[ALL_OLD, NONE]");
        exec_check_enum(&v, member(req, "ConditionalOperator"), "conditionalOperator", condop,
                        "[AND, OR]");
    } else {
        const json_t *atg = member(req, "AttributesToGet");
        if (atg && json_array_size(atg) == 0)
            exec_violation(&v, "'[]'", "attributesToGet", "have length greater than or equal to 1");
    }
    exec_check_rcc(req, &v);
    return exec_violations_finish(&v, err);
}

/* ---- attribute values ------------------------------------------------- */

/* A validated copy of an Item / Key map. Errors in Put/Delete values are
 * prefixed the way the cloud words them there (§2.1, CS-P valueLayers). */
pq_status item_copy_values(const json_t *map, bool prefixed, json_t **out, struct pq_error *err)
{
    json_t *copy = json_deep_copy(map);
    const char *k;
    json_t *v;
    *out = NULL;
    json_object_foreach(copy, k, v)
    {
        pq_status st = pq_value_validate(v, err);
        if (st == PQ_OK) continue;
        if (prefixed && err->code == PQ_ERR_SERVICE && err->message &&
            strcmp(err->type, "ValidationException") == 0) {
            char *m = err->message;
            err->message = NULL;
            pq_error_validation(err, "1 validation error detected: %s", m);
            free(m);
        }
        json_decref(copy);
        return st;
    }
    *out = copy;
    return PQ_OK;
}

pq_status item_check_item_keys(const struct pq_table_meta *t, const json_t *item,
                               struct pq_error *err)
{
    const struct pq_key_attr *keys[2] = {&t->hash, t->range.name ? &t->range : NULL};
    for (int k = 0; k < 2 && keys[k]; k++) {
        const json_t *v = json_object_get(item, keys[k]->name);
        if (!v)
            return pq_error_validation(
                err, "One or more parameter values were invalid: Missing the key %s in the item",
                keys[k]->name);
        const char *actual = pq_type_name(pq_value_type(v));
        char want[2] = {keys[k]->type, '\0'};
        if (strcmp(actual, want) != 0)
            return pq_error_validation(err,
                                       "One or more parameter values were invalid: Type mismatch "
                                       "for key %s expected: %s actual: %s",
                                       keys[k]->name, want, actual);
        pq_status st = exec_check_key_value(keys[k], v, k == 0, err);
        if (st) return st;
    }
    return PQ_OK;
}

/* A Key must hold exactly the table's key attributes with their types. */
pq_status item_check_key(const struct pq_table_meta *t, const json_t *key, struct pq_error *err)
{
    const struct pq_key_attr *keys[2] = {&t->hash, t->range.name ? &t->range : NULL};
    size_t want = keys[1] ? 2 : 1;
    static const char mismatch[] = "The provided key element does not match the schema";
    if (json_object_size(key) != want) return pq_error_validation(err, "%s", mismatch);
    for (int k = 0; k < 2 && keys[k]; k++) {
        const json_t *v = json_object_get(key, keys[k]->name);
        char want_type[2] = {keys[k]->type, '\0'};
        if (!v || strcmp(pq_type_name(pq_value_type(v)), want_type) != 0)
            return pq_error_validation(err, "%s", mismatch);
        pq_status st = exec_check_key_value(keys[k], v, k == 0, err);
        if (st) return st;
    }
    return PQ_OK;
}

/* ---- expressions ------------------------------------------------------ */

/* Where each token of the translation came from, for syntax-error messages. */
struct token_map {
    size_t out_start;
    size_t src_start, src_end;
};

struct xlate {
    const char *what; /* "ConditionExpression" */
    const char *src;
    const json_t *names, *values;
    json_t *used_names, *used_values; /* sets: key → true */
    json_t *params;                   /* values in `?` order (validated copies) */
    struct pq_buf out;
    struct token_map *tokens;
    size_t ntokens, cap;
};

static void emit_token(struct xlate *x, size_t src_start, size_t src_end)
{
    if (x->ntokens == x->cap) {
        x->cap = x->cap ? 2 * x->cap : 16;
        x->tokens = pq_xrealloc(x->tokens, x->cap * sizeof *x->tokens);
    }
    x->tokens[x->ntokens++] = (struct token_map){x->out.len, src_start, src_end};
}

/* "Syntax error; token: "t", near: "a t b"" around source bytes [s, e). */
static pq_status syntax_error(const struct xlate *x, size_t tok, bool eof, struct pq_error *err)
{
    struct pq_buf m = PQ_BUF_INIT;
    pq_buf_init(&m);
    pq_buf_addf(&m, "Invalid %s: Syntax error; token: ", x->what);
    size_t near_s, near_e;
    if (eof || x->ntokens == 0) {
        pq_buf_adds(&m, "<EOF>");
        near_s = x->ntokens >= 2 ? x->tokens[x->ntokens - 2].src_start
                 : x->ntokens    ? x->tokens[0].src_start
                                 : 0;
        near_e = strlen(x->src);
    } else {
        const struct token_map *t = &x->tokens[tok];
        pq_buf_addf(&m, "\"%.*s\"", (int)(t->src_end - t->src_start), x->src + t->src_start);
        near_s = tok ? x->tokens[tok - 1].src_start : t->src_start;
        near_e = tok + 1 < x->ntokens ? x->tokens[tok + 1].src_end : t->src_end;
    }
    pq_buf_addf(&m, ", near: \"%.*s\"", (int)(near_e - near_s), x->src + near_s);
    pq_status st = pq_error_validation(err, "%s", m.data);
    pq_buf_release(&m);
    return st;
}

static bool word_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

static bool is_keyword(const char *s, size_t n)
{
    static const char *const kw[] = {"AND", "OR", "NOT", "BETWEEN", "IN", NULL};
    for (const char *const *p = kw; *p; p++)
        if (strlen(*p) == n && strncasecmp(*p, s, n) == 0) return true;
    return false;
}

/* Translates a DynamoDB condition expression into PartiQL WHERE text:
 * #name → "resolved name", :value → ? (values collected in order), bare
 * names → "name", IN (a, b) → IN [a, b]. DynamoDB's reserved-word check on
 * bare names is not reproduced (the expression is accepted). */
static pq_status translate(struct xlate *x, struct pq_error *err)
{
    const char *s = x->src;
    size_t n = strlen(s), i = 0;
    char closers[64];
    size_t depth = 0;
    bool after_in = false, after_dot = false;
    while (i < n) {
        char c = s[i];
        if (isspace((unsigned char)c)) {
            pq_buf_addc(&x->out, ' ');
            i++;
            continue;
        }
        size_t start = i;
        bool was_in = false, was_dot = false;
        emit_token(x, start, start + 1);
        if (c == '#' || c == ':') {
            i++;
            while (i < n && word_char(s[i]))
                i++;
            x->tokens[x->ntokens - 1].src_end = i;
            char *key = pq_xstrndup(s + start, i - start);
            const json_t *map = c == '#' ? x->names : x->values;
            const json_t *v = json_object_get(map, key);
            if (i - start == 1) {
                free(key);
                return syntax_error(x, x->ntokens - 1, false, err);
            }
            if (!v) {
                pq_status st =
                    c == '#' ? pq_error_validation(err,
                                                   "Invalid %s: An expression attribute name used "
                                                   "in the document path is not defined; attribute "
                                                   "name: %s",
                                                   x->what, key)
                             : pq_error_validation(err,
                                                   "Invalid %s: An expression attribute value used "
                                                   "in expression is not defined; attribute value: "
                                                   "%s",
                                                   x->what, key);
                free(key);
                return st;
            }
            json_object_set_new(c == '#' ? x->used_names : x->used_values, key, json_true());
            if (c == '#') {
                pq_buf_add_dquoted(&x->out, json_string_value(v), json_string_length(v));
            } else {
                pq_buf_addc(&x->out, '?');
                json_array_append(x->params, (json_t *)v);
            }
            free(key);
        } else if (isalpha((unsigned char)c) || c == '_') {
            while (i < n && word_char(s[i]))
                i++;
            x->tokens[x->ntokens - 1].src_end = i;
            size_t j = i;
            while (j < n && isspace((unsigned char)s[j]))
                j++;
            if (!after_dot && is_keyword(s + start, i - start)) {
                pq_buf_add(&x->out, s + start, i - start);
                was_in = i - start == 2 && strncasecmp(s + start, "IN", 2) == 0;
            } else if (!after_dot && j < n && s[j] == '(') {
                pq_buf_add(&x->out, s + start, i - start); /* function name */
            } else {
                pq_buf_add_dquoted(&x->out, s + start, i - start);
            }
        } else if (isdigit((unsigned char)c)) {
            while (i < n && isdigit((unsigned char)s[i]))
                i++;
            x->tokens[x->ntokens - 1].src_end = i;
            pq_buf_add(&x->out, s + start, i - start);
        } else if (c == '(') {
            if (depth == sizeof closers) return syntax_error(x, x->ntokens - 1, false, err);
            closers[depth++] = after_in ? ']' : ')';
            pq_buf_addc(&x->out, after_in ? '[' : '(');
            i++;
        } else if (c == ')') {
            if (!depth) return syntax_error(x, x->ntokens - 1, false, err);
            pq_buf_addc(&x->out, closers[--depth]);
            i++;
        } else if (c == '<' || c == '>') {
            i++;
            if (i < n && (s[i] == '=' || (c == '<' && s[i] == '>'))) i++;
            x->tokens[x->ntokens - 1].src_end = i;
            pq_buf_add(&x->out, s + start, i - start);
        } else if (strchr("=,.[]", c)) {
            was_dot = c == '.';
            pq_buf_addc(&x->out, c);
            i++;
        } else {
            return syntax_error(x, x->ntokens - 1, false, err);
        }
        after_in = was_in;
        after_dot = was_dot;
    }
    return PQ_OK;
}

/* A compiled ConditionExpression: the PartiQL tree it was translated to
 * must outlive the compiled condition, which borrows its paths. */
struct condition {
    struct pq_stmt *ast;
    char *text;
    json_t *params;
    struct ev_cond *cond;
};

static void condition_release(struct condition *c)
{
    ev_cond_free(c->cond);
    if (c->ast) pq_stmt_free(c->ast);
    free(c->text);
    json_decref(c->params);
    memset(c, 0, sizeof *c);
}

static pq_status compile_condition(struct xlate *x, struct condition *c, struct pq_error *err)
{
    static const char prefix[] = "SELECT * FROM \"t\" WHERE ";
    pq_status st;
    if ((st = translate(x, err))) return st;
    for (size_t i = 0; i < json_array_size(x->params); i++) {
        json_t *v = json_deep_copy(json_array_get(x->params, i));
        json_array_set_new(x->params, i, v);
        if ((st = pq_value_validate(v, err))) {
            char *m = err->message;
            err->message = NULL;
            pq_error_validation(err, "ExpressionAttributeValues contains invalid value: %s", m);
            free(m);
            return st;
        }
    }
    struct pq_buf text = PQ_BUF_INIT;
    pq_buf_init(&text);
    pq_buf_adds(&text, prefix);
    pq_buf_add(&text, x->out.data, x->out.len);
    size_t len = text.len;
    c->text = pq_buf_detach(&text, NULL);
    c->params = json_incref(x->params);
    struct pq_error perr;
    pq_error_init(&perr);
    if (pq_parse(c->text, len, PQ_PARSE_STRICT, &c->ast, &perr, NULL)) {
        size_t pos = perr.start == PQ_NO_POS || perr.start < sizeof prefix - 1
                         ? x->out.len
                         : perr.start - (sizeof prefix - 1);
        pq_error_release(&perr);
        if (pos >= x->out.len) return syntax_error(x, 0, true, err);
        size_t tok = 0;
        for (size_t i = 0; i < x->ntokens; i++)
            if (x->tokens[i].out_start <= pos) tok = i;
        return syntax_error(x, tok, false, err);
    }
    pq_error_release(&perr);
    if (c->ast->kind != PQ_S_SELECT || !c->ast->u.select.where)
        return syntax_error(x, 0, true, err);
    struct ev_ctx cx = {c->text, len, c->params};
    if ((st = ev_compile(&cx, c->ast->u.select.where, &c->cond, err))) {
        char *m = err->message;
        err->message = NULL;
        pq_error_validation(err, "Invalid %s: %s", x->what, m ? m : "");
        free(m);
    }
    return st;
}

/* "keys: {#a, #b}" of the map members no expression used. */
static pq_status check_unused(const char *what, const json_t *map, const json_t *used,
                              struct pq_error *err)
{
    struct pq_buf keys = PQ_BUF_INIT;
    pq_buf_init(&keys);
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)map, k, v)
    {
        if (json_object_get(used, k)) continue;
        if (keys.len) pq_buf_adds(&keys, ", ");
        pq_buf_adds(&keys, k);
    }
    pq_status st = PQ_OK;
    if (keys.len)
        st = pq_error_validation(err, "Value provided in %s unused in expressions: keys: {%s}",
                                 what, keys.data);
    pq_buf_release(&keys);
    return st;
}

/* ---- one request -------------------------------------------------------- */

struct item_request {
    enum item_op op;
    const struct pq_table_meta *table;
    json_t *values;     /* validated Item (Put) or Key (Get/Delete) */
    json_t *projection; /* Get: JSON array of top-level names, or NULL for all */
    bool all_old;       /* ReturnValues = ALL_OLD */
    bool old_on_ccf;    /* ReturnValuesOnConditionCheckFailure = ALL_OLD */
    bool consistent;
    struct condition cond;
};

static void item_request_release(struct item_request *r)
{
    json_decref(r->values);
    json_decref(r->projection);
    condition_release(&r->cond);
}

/* GetItem's ProjectionExpression: comma-separated top-level names or #names.
 * Nested paths are refused (UNCONFIRMED wording; pqsh's own limit). */
static pq_status read_projection(const char *expr, const json_t *names, json_t *used, json_t **out,
                                 struct pq_error *err)
{
    json_t *list = json_array();
    const char *p = expr;
    pq_status st = PQ_OK;
    for (;;) {
        while (isspace((unsigned char)*p))
            p++;
        const char *s = p;
        if (*p == '#') p++;
        while (word_char(*p))
            p++;
        const char *e = p;
        while (isspace((unsigned char)*p))
            p++;
        if (e == s || (*s == '#' && e == s + 1) || (*p && *p != ',')) {
            if (*p == '.' || *p == '[')
                st = pq_error_validation(err, "Invalid ProjectionExpression: only top-level "
                                              "attribute names are supported by this engine");
            else
                st = pq_error_validation(
                    err,
                    "Invalid ProjectionExpression: Syntax error; token: \"%.*s\", near: \"%s\"",
                    *p ? 1 : 5, *p ? p : "<EOF>", expr);
            goto fail;
        }
        char *word = pq_xstrndup(s, (size_t)(e - s));
        if (*s == '#') {
            const json_t *v = json_object_get(names, word);
            if (!v) {
                st = pq_error_validation(err,
                                         "Invalid ProjectionExpression: An expression attribute "
                                         "name used in the document path is not defined; "
                                         "attribute name: %s",
                                         word);
                free(word);
                goto fail;
            }
            json_object_set_new(used, word, json_true());
            json_array_append(list, (json_t *)v);
        } else {
            json_array_append_new(list, json_string(word));
        }
        free(word);
        if (!*p) break;
        p++;
    }
    *out = list;
    return PQ_OK;
fail:
    json_decref(list);
    return st;
}

static pq_status read_request(struct pq_engine *e, json_t *req, enum item_op op,
                              struct item_request *r, struct pq_error *err)
{
    pq_status st;
    memset(r, 0, sizeof *r);
    r->op = op;
    /* Member JSON types were checked by api.c's request shapes. */
    const char *values_member = op == OP_PUT ? "Item" : "Key";
    if (!member(req, "TableName"))
        return pq_error_validation(
            err, "The parameter 'TableName' is required but was not present in the request");
    if (!member(req, values_member))
        return pq_error_validation(
            err, "The parameter '%s' is required but was not present in the request",
            values_member);
    if ((st = check_constraints(req, op, err))) return st;
    if ((st = item_copy_values(member(req, values_member), op != OP_GET, &r->values, err)))
        return st;

    const json_t *rv = member(req, "ReturnValues");
    if (rv && strcmp(json_string_value(rv), "NONE") != 0 &&
        strcmp(json_string_value(rv), "ALL_OLD") != 0)
        return pq_error_validation(err, "ReturnValues can only be ALL_OLD or NONE");
    r->all_old = rv && strcmp(json_string_value(rv), "ALL_OLD") == 0;
    const json_t *rvccf = member(req, "ReturnValuesOnConditionCheckFailure");
    r->old_on_ccf = rvccf && strcmp(json_string_value(rvccf), "ALL_OLD") == 0;
    r->consistent = json_is_true(member(req, "ConsistentRead"));

    const json_t *cond = member(req, "ConditionExpression");
    const json_t *proj = member(req, "ProjectionExpression");
    const json_t *names = member(req, "ExpressionAttributeNames");
    const json_t *values = member(req, "ExpressionAttributeValues");
    const json_t *legacy = member(req, op == OP_GET ? "AttributesToGet" : "Expected");
    if (member(req, "ConditionalOperator") && !legacy) legacy = member(req, "ConditionalOperator");
    if (legacy && (cond || proj))
        return pq_error_validation(
            err,
            "Can not use both expression and non-expression parameters in the same request: "
            "Non-expression parameters: {%s} Expression parameters: {%s}",
            op == OP_GET ? "AttributesToGet" : "Expected",
            op == OP_GET ? "ProjectionExpression" : "ConditionExpression");
    if (legacy && op != OP_GET)
        /* pqsh's own limit (the legacy conditional parameters are not implemented). */
        return pq_error_validation(err, "The legacy parameters Expected and ConditionalOperator "
                                        "are not supported by this engine; use "
                                        "ConditionExpression");
    if (names && !cond && !proj)
        return pq_error_validation(err, "ExpressionAttributeNames can only be specified when using "
                                        "expressions");
    if (values && !cond)
        return pq_error_validation(err,
                                   "ExpressionAttributeValues can only be specified when using "
                                   "expressions");
    if (names && json_object_size(names) == 0)
        return pq_error_validation(err, "ExpressionAttributeNames must not be empty");
    if (values && json_object_size(values) == 0)
        return pq_error_validation(err, "ExpressionAttributeValues must not be empty");
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)(names ? names : json_null()), k, v) if (
        k[0] != '#' ||
        !k[1]) return pq_error_validation(err,
                                          "ExpressionAttributeNames contains invalid key: Syntax "
                                          "error; key: \"%s\"",
                                          k);
    json_object_foreach((json_t *)(values ? values : json_null()), k, v) if (
        k[0] != ':' ||
        !k[1]) return pq_error_validation(err,
                                          "ExpressionAttributeValues contains invalid key: Syntax "
                                          "error; key: \"%s\"",
                                          k);

    json_t *used_names = json_object(), *used_values = json_object();
    struct xlate x = {0};
    pq_buf_init(&x.out);
    if (cond && json_string_length(cond) == 0) {
        st = pq_error_validation(err,
                                 "Invalid ConditionExpression: The expression can not be empty;");
        goto out;
    }
    if (proj && json_string_length(proj) == 0) {
        st = pq_error_validation(err,
                                 "Invalid ProjectionExpression: The expression can not be empty;");
        goto out;
    }
    if (cond) {
        x.what = "ConditionExpression";
        x.src = json_string_value(cond);
        x.names = names;
        x.values = values;
        x.used_names = used_names;
        x.used_values = used_values;
        x.params = json_array();
        st = compile_condition(&x, &r->cond, err);
        if (st) goto out;
    }
    if (proj &&
        (st = read_projection(json_string_value(proj), names, used_names, &r->projection, err)))
        goto out;
    if (!proj && legacy) {
        r->projection = json_deep_copy(legacy);
        for (size_t i = 0; i < json_array_size(r->projection); i++)
            for (size_t j = 0; j < i; j++)
                if (json_equal(json_array_get(r->projection, i),
                               json_array_get(r->projection, j))) {
                    st = pq_error_validation(err,
                                             "One or more parameter values were invalid: "
                                             "Duplicate value in attribute name: %s",
                                             json_string_value(json_array_get(r->projection, i)));
                    goto out;
                }
    }
    if (names && (st = check_unused("ExpressionAttributeNames", names, used_names, err))) goto out;
    if (values && (st = check_unused("ExpressionAttributeValues", values, used_values, err)))
        goto out;

    if ((st = store_table_get(e->store, json_string_value(member(req, "TableName")), &r->table,
                              err)))
        goto out;
    if (!r->table) {
        st = pq_error_service(err, "ResourceNotFoundException", "Requested resource not found");
        goto out;
    }
    if (op == OP_PUT) {
        if ((st = item_check_item_keys(r->table, r->values, err))) goto out;
        if (pq_item_size(r->values) > MAX_ITEM_BYTES) {
            st = pq_error_validation(err, "Item size has exceeded the maximum allowed size");
            goto out;
        }
        st = index_check_item(r->table, r->values, err);
    } else {
        st = item_check_key(r->table, r->values, err);
    }
out:
    json_decref(x.params);
    free(x.tokens);
    pq_buf_release(&x.out);
    json_decref(used_names);
    json_decref(used_values);
    return st;
}

/* Runs one item operation with capacity accounting when it was asked for. */
static pq_status run(struct pq_engine *e, json_t *req, enum item_op op, json_t **resp,
                     struct pq_error *err)
{
    struct item_request r;
    struct pq_key k;
    json_t *old = NULL, *empty = json_object();
    *resp = NULL;
    store_key_init(&k);
    pq_status st = read_request(e, req, op, &r, err);
    if (st) goto out;
    e->cap = cap_new(json_string_value(member(req, "ReturnConsumedCapacity")), 1);
    store_key_from_item(r.table, r.values, &k);
    if ((st = store_item_get(e->store, r.table, &k, &old, err))) goto out;
    if (r.cond.cond && !ev_test(r.cond.cond, old ? old : empty)) {
        st = exec_ccf(err, old, r.old_on_ccf);
        goto out;
    }
    *resp = json_object();
    switch (op) {
    case OP_PUT:
        if ((st = store_item_put(e->store, r.table, r.values, err))) goto out;
        cap_write(e, r.table, old, r.values);
        if (r.all_old && old) json_object_set(*resp, "Attributes", old);
        break;
    case OP_DELETE:
        if (old && (st = store_item_delete(e->store, r.table, &k, err))) goto out;
        cap_write(e, r.table, old, NULL);
        if (r.all_old && old) json_object_set(*resp, "Attributes", old);
        break;
    case OP_GET:
        cap_read(e, r.table, NULL, old ? pq_item_size(old) : 0, r.consistent);
        if (!old) break;
        if (r.projection) {
            json_t *item = json_object();
            for (size_t i = 0; i < json_array_size(r.projection); i++) {
                const char *name = json_string_value(json_array_get(r.projection, i));
                json_t *v = json_object_get(old, name);
                if (v) json_object_set(item, name, v);
            }
            json_object_set_new(*resp, "Item", item);
        } else {
            json_object_set(*resp, "Item", old);
        }
        break;
    }
    if (op != OP_GET &&
        cap_wants_metrics(json_string_value(member(req, "ReturnItemCollectionMetrics")), r.table)) {
        json_t *m;
        if ((st = cap_item_collection(e, r.table, r.values, &m, err))) goto out;
        json_object_set_new(*resp, "ItemCollectionMetrics", m);
    }
    if (e->cap) {
        json_t *cc = cap_one_json(e->cap);
        if (cc) json_object_set_new(*resp, "ConsumedCapacity", cc);
    }
out:
    if (st) {
        json_decref(*resp);
        *resp = NULL;
    }
    cap_free(e->cap);
    e->cap = NULL;
    json_decref(old);
    json_decref(empty);
    store_key_release(&k);
    item_request_release(&r);
    return st;
}

pq_status item_put_item(struct pq_engine *e, json_t *req, json_t **resp, struct pq_error *err)
{
    return run(e, req, OP_PUT, resp, err);
}

pq_status item_get_item(struct pq_engine *e, json_t *req, json_t **resp, struct pq_error *err)
{
    return run(e, req, OP_GET, resp, err);
}

pq_status item_delete_item(struct pq_engine *e, json_t *req, json_t **resp, struct pq_error *err)
{
    return run(e, req, OP_DELETE, resp, err);
}

/* ---- shared with the batch and transaction operations ----------------- */

struct item_cond {
    struct condition c;
};

pq_status item_cond_compile(const char *what, const char *text, const json_t *names,
                            const json_t *values, json_t *used_names, json_t *used_values,
                            struct item_cond **out, struct pq_error *err)
{
    struct xlate x = {0};
    struct item_cond *ic = pq_xcalloc(1, sizeof *ic);
    pq_buf_init(&x.out);
    x.what = what;
    x.src = text;
    x.names = names;
    x.values = values;
    x.used_names = used_names;
    x.used_values = used_values;
    x.params = json_array();
    pq_status st = compile_condition(&x, &ic->c, err);
    json_decref(x.params);
    free(x.tokens);
    pq_buf_release(&x.out);
    if (st) {
        item_cond_free(ic);
        ic = NULL;
    }
    *out = ic;
    return st;
}

bool item_cond_test(const struct item_cond *c, const json_t *item)
{
    return ev_test(c->c.cond, item);
}

void item_cond_free(struct item_cond *c)
{
    if (!c) return;
    condition_release(&c->c);
    free(c);
}

pq_status item_projection(const char *text, const json_t *names, json_t *used_names, json_t **out,
                          struct pq_error *err)
{
    return read_projection(text, names, used_names, out, err);
}

pq_status item_check_unused(const char *what, const json_t *map, const json_t *used,
                            struct pq_error *err)
{
    return check_unused(what, map, used, err);
}
