/* plan.c — statements → steps: PartiQL statements, CREATE/DROP TABLE, DESCRIBE, SHOW TABLES. */
#include "pqsh/plan.h"
#include "pqsh/buf.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void pq_plan_init(struct pq_plan *p)
{
    p->steps = NULL;
    p->nsteps = 0;
    p->notices = NULL;
    p->nnotices = 0;
}

void pq_plan_release(struct pq_plan *p)
{
    for (size_t i = 0; i < p->nsteps; i++) {
        json_decref(p->steps[i].request);
        free(p->steps[i].table);
    }
    free(p->steps);
    for (size_t i = 0; i < p->nnotices; i++)
        free(p->notices[i]);
    free(p->notices);
    pq_plan_init(p);
}

/* Appends a step; steals `request`. */
static struct pq_step *add_step(struct pq_plan *p, pq_step_type kind, const char *op,
                                json_t *request, const char *table, struct pq_loc loc)
{
    p->steps = pq_xrealloc(p->steps, (p->nsteps + 1) * sizeof *p->steps);
    struct pq_step *st = &p->steps[p->nsteps++];
    memset(st, 0, sizeof *st);
    st->kind = kind;
    st->op = op;
    st->request = request;
    st->table = table ? pq_xstrdup(table) : NULL;
    st->loc = loc;
    return st;
}

static void add_notice(struct pq_plan *p, char *text)
{
    p->notices = pq_xrealloc(p->notices, (p->nnotices + 1) * sizeof *p->notices);
    p->notices[p->nnotices++] = text;
}

static json_t *table_request(const char *name)
{
    json_t *req = json_object();
    json_object_set_new(req, "TableName", json_string(name));
    return req;
}

/* ---- PartiQL statements -------------------------------------------------- */

/* SELECT … LIMIT n: a whole number of items, applied client-side. */
static pq_status select_limit(const struct pq_select *sel, uint64_t *limit, struct pq_error *err)
{
    const struct pq_expr *e = sel->limit;
    const char *text = NULL;
    if (e->kind == PQ_E_LIT && json_is_object(e->lit))
        text = json_string_value(json_object_get(e->lit, "N"));
    uint64_t n = 0;
    bool ok = text && *text;
    for (const char *c = text; ok && *c; c++) {
        if (*c < '0' || *c > '9' || n > (UINT64_MAX - 9) / 10) ok = false;
        n = n * 10 + (uint64_t)(*c - '0');
    }
    if (!ok)
        return pq_error_set(err, PQ_ERR_PLAN, e->loc.start, e->loc.end,
                            "LIMIT takes a whole number of items");
    *limit = n;
    return PQ_OK;
}

/* Binds `s`, prints it, and appends an ExecuteStatement step. */
static pq_status add_statement(struct pq_plan *p, struct pq_stmt *s, const struct pq_vars *vars,
                               pq_step_type kind, const char *tag, const char *table,
                               struct pq_loc loc, struct pq_error *err)
{
    json_t *params = NULL;
    struct pq_buf text = PQ_BUF_INIT;
    pq_status st = pq_bind(s, vars, &params, err);
    if (st) goto out;
    pq_buf_init(&text);
    pq_stmt_print(s, &text);
    json_t *req = json_object();
    json_object_set_new(req, "Statement", json_stringn(text.data, text.len));
    /* DynamoDB refuses an empty Parameters list (reference §1.4). */
    if (json_array_size(params)) json_object_set(req, "Parameters", params);
    struct pq_step *step = add_step(p, kind, "ExecuteStatement", req, table, loc);
    step->tag = tag;
out:
    pq_buf_release(&text);
    if (params) json_decref(params);
    return st;
}

static pq_status plan_select(struct pq_plan *p, struct pq_stmt *s, const struct pq_vars *vars,
                             struct pq_error *err)
{
    uint64_t limit = 0;
    struct pq_select *sel = &s->u.select;
    if (sel->limit) {
        pq_status st = select_limit(sel, &limit, err);
        if (st) return st;
    }
    pq_status st =
        add_statement(p, s, vars, PQ_STEP_SELECT, NULL, sel->from.table.name, s->loc, err);
    if (!st && sel->limit) {
        p->steps[p->nsteps - 1].has_limit = true;
        p->steps[p->nsteps - 1].limit = limit;
    }
    return st;
}

static struct pq_loc row_loc(struct pq_expr **row, size_t n, struct pq_loc fallback)
{
    if (n == 0 || !row[0] || !row[n - 1]) return fallback;
    struct pq_loc l = {row[0]->loc.start, row[n - 1]->loc.end};
    return l;
}

/* A string literal node holding `name` (a tuple key). */
static struct pq_expr *key_literal(const char *name, struct pq_loc loc)
{
    struct pq_expr *k = pq_xcalloc(1, sizeof *k);
    k->kind = PQ_E_LIT;
    k->loc = loc;
    k->lit = json_pack("{s:s}", "S", name);
    return k;
}

/* INSERT INTO t (c1, c2) VALUES (v1, v2), (…): one
 * INSERT INTO "t" VALUE {'c1': v1, 'c2': v2} per row, in order. */
static pq_status plan_insert_values(struct pq_plan *p, struct pq_stmt *s,
                                    const struct pq_vars *vars, struct pq_error *err)
{
    const struct pq_ident *table = &s->u.values.table;
    const struct pq_ident *cols = s->u.values.cols;
    size_t ncols = s->u.values.ncols;
    if (!cols)
        return pq_error_set(err, PQ_ERR_PLAN, table->loc.start, table->loc.end,
                            "INSERT … VALUES needs a column list after the table name: "
                            "DynamoDB items have no column order");
    for (size_t r = 0; r < s->u.values.nrows; r++) {
        struct pq_expr **row = s->u.values.rows[r];
        size_t n = s->u.values.rowlen[r];
        struct pq_loc loc = row_loc(row, n, s->loc);
        if (n != ncols)
            return pq_error_set(err, PQ_ERR_PLAN, loc.start, loc.end,
                                "row %zu has %zu value%s but the column list names %zu", r + 1, n,
                                n == 1 ? "" : "s", ncols);
    }
    for (size_t r = 0; r < s->u.values.nrows; r++) {
        struct pq_expr **row = s->u.values.rows[r];
        struct pq_stmt *ins = pq_xcalloc(1, sizeof *ins);
        struct pq_expr *tuple = pq_xcalloc(1, sizeof *tuple);
        ins->kind = PQ_S_INSERT;
        ins->loc = row_loc(row, ncols, s->loc);
        ins->u.insert.into.table.name = pq_xstrdup(table->name);
        ins->u.insert.into.table.quoted = table->quoted;
        ins->u.insert.into.table.loc = table->loc;
        ins->u.insert.into.ncomponents = 1;
        ins->u.insert.into.nsources = 1;
        ins->u.insert.value = tuple;
        ins->u.insert.nvalues = 1;
        tuple->kind = PQ_E_TUPLE;
        tuple->loc = ins->loc;
        tuple->nitems = 2 * ncols;
        tuple->items = pq_xcalloc(tuple->nitems, sizeof *tuple->items);
        for (size_t c = 0; c < ncols; c++) {
            tuple->items[2 * c] = key_literal(cols[c].name, cols[c].loc);
            tuple->items[2 * c + 1] = pq_expr_clone(row[c]);
        }
        pq_status st =
            add_statement(p, ins, vars, PQ_STEP_WRITE, "INSERT", table->name, ins->loc, err);
        pq_stmt_free(ins);
        if (st) return st;
    }
    return PQ_OK;
}

/* ---- CREATE TABLE -------------------------------------------------------- */

/* Column type words (any case; a `(n)` or second word such as VARYING is
 * ignored): the key types S, N, B, and the words for other DynamoDB or SQL
 * types ('-'), which are fine on the non-key columns pqsh ignores. */
static const struct {
    const char *word;
    char type;
} type_words[] = {
    {"STRING", 'S'},    {"S", 'S'},        {"TEXT", 'S'},    {"VARCHAR", 'S'},   {"CHAR", 'S'},
    {"CHARACTER", 'S'}, {"NVARCHAR", 'S'}, {"NCHAR", 'S'},   {"NUMBER", 'N'},    {"N", 'N'},
    {"NUMERIC", 'N'},   {"DECIMAL", 'N'},  {"DEC", 'N'},     {"INT", 'N'},       {"INTEGER", 'N'},
    {"BIGINT", 'N'},    {"SMALLINT", 'N'}, {"TINYINT", 'N'}, {"FLOAT", 'N'},     {"REAL", 'N'},
    {"DOUBLE", 'N'},    {"BINARY", 'B'},   {"B", 'B'},       {"BLOB", 'B'},      {"BYTES", 'B'},
    {"VARBINARY", 'B'}, {"BYTEA", 'B'},    {"BOOLEAN", '-'}, {"BOOL", '-'},      {"MAP", '-'},
    {"M", '-'},         {"STRUCT", '-'},   {"TUPLE", '-'},   {"LIST", '-'},      {"L", '-'},
    {"SS", '-'},        {"NS", '-'},       {"BS", '-'},      {"SET", '-'},       {"NULL", '-'},
    {"JSON", '-'},      {"DATE", '-'},     {"TIME", '-'},    {"TIMESTAMP", '-'}, {"DATETIME", '-'},
    {"ANY", '-'},
};

/* 'S', 'N', 'B', '-' (a type, but not for keys) or 0 (not a type word). */
static char type_of(const char *text)
{
    size_t n = 0;
    while (text[n] && text[n] != '(' && text[n] != ' ' && text[n] != '\t')
        n++;
    for (size_t i = 0; i < sizeof type_words / sizeof type_words[0]; i++)
        if (strlen(type_words[i].word) == n && strncasecmp(type_words[i].word, text, n) == 0)
            return type_words[i].type;
    return 0;
}

struct key_choice {
    const struct pq_ident *hash, *range;
};

static const struct pq_column *find_column(const struct pq_stmt *s, const char *name)
{
    for (size_t i = 0; i < s->u.create.ncols; i++)
        if (s->u.create.cols[i].name.name && strcmp(s->u.create.cols[i].name.name, name) == 0)
            return &s->u.create.cols[i];
    return NULL;
}

/* Key parts of a PRIMARY KEY (…) clause or an index: role 0 means "by
 * position" (first partition, second sort), 1 HASH, 2 RANGE. */
static pq_status choose_parts(const struct pq_key_part *parts, size_t n, struct key_choice *kc,
                              struct pq_error *err)
{
    for (size_t i = 0; i < n; i++) {
        const struct pq_key_part *kp = &parts[i];
        int role = kp->role ? kp->role : (i == 0 ? 1 : 2);
        const struct pq_ident **slot = role == 1 ? &kc->hash : &kc->range;
        if (i >= 2 || *slot)
            return pq_error_set(err, PQ_ERR_PLAN, kp->name.loc.start, kp->name.loc.end,
                                "a DynamoDB key has one partition key and at most one sort key");
        *slot = &kp->name;
    }
    return PQ_OK;
}

/* The table's key: from PRIMARY KEY (…), or from the columns marked as keys. */
static pq_status choose_table_key(const struct pq_stmt *s, struct key_choice *kc,
                                  struct pq_error *err)
{
    const struct pq_ident *t = &s->u.create.table;
    memset(kc, 0, sizeof *kc);
    pq_status st = choose_parts(s->u.create.pk, s->u.create.npk, kc, err);
    if (st) return st;
    bool from_clause = s->u.create.npk > 0;
    for (size_t i = 0; i < s->u.create.ncols; i++) {
        const struct pq_column *c = &s->u.create.cols[i];
        if (!c->key_role) continue;
        const struct pq_ident **slot = c->key_role == 1 ? &kc->hash : &kc->range;
        if (from_clause) {
            /* Written twice: fine when both say the same thing. */
            if (*slot && strcmp((*slot)->name, c->name.name) == 0) continue;
            return pq_error_set(err, PQ_ERR_PLAN, c->name.loc.start, c->name.loc.end,
                                "column '%s' is marked as a key but the PRIMARY KEY clause "
                                "says otherwise",
                                c->name.name);
        }
        if (*slot)
            return pq_error_set(err, PQ_ERR_PLAN, c->name.loc.start, c->name.loc.end,
                                c->key_role == 1 ? "a table has one partition key: '%s' is the "
                                                   "second (use SORT KEY for a sort key)"
                                                 : "a table has at most one sort key: '%s' is "
                                                   "the second",
                                c->name.name);
        *slot = &c->name;
    }
    if (!kc->hash)
        return pq_error_set(err, PQ_ERR_PLAN, t->loc.start, t->loc.end,
                            "table '%s' needs a partition key: mark a column PRIMARY KEY", t->name);
    return PQ_OK;
}

/* Appends {AttributeName, AttributeType} for a key attribute unless present. */
static pq_status define_attribute(const struct pq_stmt *s, const struct pq_ident *key, json_t *defs,
                                  struct pq_error *err)
{
    size_t i;
    json_t *d;
    json_array_foreach(defs, i,
                       d) if (strcmp(json_string_value(json_object_get(d, "AttributeName")),
                                     key->name) == 0) return PQ_OK;
    const struct pq_column *c = find_column(s, key->name);
    if (!c || !c->type_text)
        return pq_error_set(err, PQ_ERR_PLAN, key->loc.start, key->loc.end,
                            "key attribute '%s' needs a column with a type (STRING, NUMBER "
                            "or BINARY)",
                            key->name);
    char type[2] = {type_of(c->type_text), 0};
    if (type[0] == '-')
        return pq_error_set(err, PQ_ERR_PLAN, c->type_loc.start, c->type_loc.end,
                            "key attribute '%s' cannot be %s: DynamoDB keys are STRING, NUMBER "
                            "or BINARY",
                            key->name, c->type_text);
    json_array_append_new(
        defs, json_pack("{s:s,s:s}", "AttributeName", key->name, "AttributeType", type));
    return PQ_OK;
}

static json_t *key_schema(const struct key_choice *kc)
{
    json_t *ks = json_array();
    json_array_append_new(
        ks, json_pack("{s:s,s:s}", "AttributeName", kc->hash->name, "KeyType", "HASH"));
    if (kc->range)
        json_array_append_new(
            ks, json_pack("{s:s,s:s}", "AttributeName", kc->range->name, "KeyType", "RANGE"));
    return ks;
}

static json_t *throughput(const struct pq_stmt *s)
{
    return json_pack("{s:I,s:I}", "ReadCapacityUnits", (json_int_t)s->u.create.rcu,
                     "WriteCapacityUnits", (json_int_t)s->u.create.wcu);
}

static bool provisioned(const struct pq_stmt *s)
{
    return s->u.create.billing == PQ_BILLING_PROVISIONED;
}

static pq_status index_request(const struct pq_stmt *s, const struct pq_index_def *ix, json_t *defs,
                               json_t **out, struct pq_error *err)
{
    struct key_choice kc = {0};
    pq_status st = choose_parts(ix->keys, ix->nkeys, &kc, err);
    if (!st && !kc.hash)
        st = pq_error_set(err, PQ_ERR_PLAN, ix->name.loc.start, ix->name.loc.end,
                          "index '%s' needs a partition key", ix->name.name);
    if (!st) st = define_attribute(s, kc.hash, defs, err);
    if (!st && kc.range) st = define_attribute(s, kc.range, defs, err);
    if (st) return st;
    static const char *const proj_names[] = {"ALL", "KEYS_ONLY", "INCLUDE"};
    json_t *proj = json_pack("{s:s}", "ProjectionType", proj_names[ix->projection]);
    if (ix->projection == PQ_PROJ_INCLUDE) {
        json_t *attrs = json_array();
        for (size_t i = 0; i < ix->ninclude; i++)
            json_array_append_new(attrs, json_string(ix->include[i].name));
        json_object_set_new(proj, "NonKeyAttributes", attrs);
    }
    json_t *req = json_pack("{s:s,s:o,s:o}", "IndexName", ix->name.name, "KeySchema",
                            key_schema(&kc), "Projection", proj);
    if (ix->global && provisioned(s))
        json_object_set_new(req, "ProvisionedThroughput", throughput(s));
    *out = req;
    return PQ_OK;
}

static bool used_by_index(const struct pq_stmt *s, const char *name)
{
    for (size_t i = 0; i < s->u.create.nindexes; i++) {
        const struct pq_index_def *ix = &s->u.create.indexes[i];
        for (size_t k = 0; k < ix->nkeys; k++)
            if (strcmp(ix->keys[k].name.name, name) == 0) return true;
    }
    return false;
}

/* One line naming the columns that are not keys: DynamoDB is schemaless. */
static void note_ignored_columns(struct pq_plan *p, const struct pq_stmt *s,
                                 const struct key_choice *kc)
{
    struct pq_buf b = PQ_BUF_INIT;
    size_t n = 0;
    pq_buf_init(&b);
    for (size_t i = 0; i < s->u.create.ncols; i++) {
        const char *name = s->u.create.cols[i].name.name;
        if (strcmp(name, kc->hash->name) == 0 ||
            (kc->range && strcmp(name, kc->range->name) == 0) || used_by_index(s, name))
            continue;
        pq_buf_adds(&b, n++ ? ", " : "");
        pq_buf_adds(&b, name);
    }
    if (n) {
        struct pq_buf line = PQ_BUF_INIT;
        pq_buf_init(&line);
        pq_buf_addf(&line, "non-key column%s %s not declared: DynamoDB tables are schemaless",
                    n == 1 ? "" : "s", b.data);
        add_notice(p, pq_buf_detach(&line, NULL));
    }
    pq_buf_release(&b);
}

static pq_status plan_create_table(struct pq_plan *p, const struct pq_stmt *s, struct pq_error *err)
{
    struct key_choice kc;
    json_t *defs = json_array(), *req = NULL, *gsis = json_array(), *lsis = json_array();
    pq_status st = PQ_OK;
    /* A type word pqsh does not know is a mistake on any column, key or not. */
    for (size_t i = 0; i < s->u.create.ncols; i++) {
        const struct pq_column *c = &s->u.create.cols[i];
        if (c->type_text && !type_of(c->type_text)) {
            st = pq_error_set(err, PQ_ERR_PLAN, c->type_loc.start, c->type_loc.end,
                              "unknown type '%s' for column '%s' (keys are STRING, NUMBER "
                              "or BINARY)",
                              c->type_text, c->name.name);
            goto out;
        }
    }
    st = choose_table_key(s, &kc, err);
    if (!st) st = define_attribute(s, kc.hash, defs, err);
    if (!st && kc.range) st = define_attribute(s, kc.range, defs, err);
    for (size_t i = 0; i < s->u.create.nindexes && !st; i++) {
        const struct pq_index_def *ix = &s->u.create.indexes[i];
        json_t *ireq = NULL;
        st = index_request(s, ix, defs, &ireq, err);
        if (!st) json_array_append_new(ix->global ? gsis : lsis, ireq);
    }
    if (st) goto out;
    req = json_pack("{s:s,s:O,s:o}", "TableName", s->u.create.table.name, "AttributeDefinitions",
                    defs, "KeySchema", key_schema(&kc));
    if (provisioned(s)) {
        json_object_set_new(req, "BillingMode", json_string("PROVISIONED"));
        /* Zero units are left out so that DynamoDB names what is missing. */
        if (s->u.create.rcu || s->u.create.wcu)
            json_object_set_new(req, "ProvisionedThroughput", throughput(s));
    } else {
        json_object_set_new(req, "BillingMode", json_string("PAY_PER_REQUEST"));
    }
    if (json_array_size(gsis)) json_object_set(req, "GlobalSecondaryIndexes", gsis);
    if (json_array_size(lsis)) json_object_set(req, "LocalSecondaryIndexes", lsis);
    struct pq_step *step =
        add_step(p, PQ_STEP_CREATE_TABLE, "CreateTable", req, s->u.create.table.name, s->loc);
    step->tag = "CREATE TABLE";
    if (s->u.create.if_not_exists) step->tolerate = "ResourceInUseException";
    note_ignored_columns(p, s, &kc);
out:
    json_decref(defs);
    json_decref(gsis);
    json_decref(lsis);
    return st;
}

/* ---- the dispatcher ------------------------------------------------------ */

static pq_status unsupported(const struct pq_stmt *s, const char *what, struct pq_error *err)
{
    return pq_error_set(err, PQ_ERR_PLAN, s->loc.start, s->loc.end, "%s is not supported yet",
                        what);
}

static pq_status plan_stmt(struct pq_plan *p, struct pq_stmt *s, const struct pq_vars *vars,
                           struct pq_error *err)
{
    struct pq_step *step;
    switch (s->kind) {
    case PQ_S_SELECT:
        return plan_select(p, s, vars, err);
    case PQ_S_INSERT:
        /* `INSERT INTO t VALUES {…}` with one item: pqsh accepts the SQL word. */
        if (s->u.insert.values_keyword && s->u.insert.nvalues == 1)
            s->u.insert.values_keyword = false;
        return add_statement(p, s, vars, PQ_STEP_WRITE, "INSERT", s->u.insert.into.table.name,
                             s->loc, err);
    case PQ_S_UPDATE:
        return add_statement(p, s, vars, PQ_STEP_WRITE, "UPDATE", s->u.update.target.table.name,
                             s->loc, err);
    case PQ_S_DELETE:
        return add_statement(p, s, vars, PQ_STEP_WRITE, "DELETE", s->u.del.from.table.name, s->loc,
                             err);
    case PQ_S_EXISTS:
    case PQ_S_EXPR:
        /* DynamoDB answers these with its own error; let it. */
        return add_statement(p, s, vars, PQ_STEP_SELECT, NULL, NULL, s->loc, err);
    case PQ_S_INSERT_VALUES:
        return plan_insert_values(p, s, vars, err);
    case PQ_S_CREATE_TABLE:
        return plan_create_table(p, s, err);
    case PQ_S_DROP_TABLE:
        step = add_step(p, PQ_STEP_DROP_TABLE, "DeleteTable", table_request(s->u.drop.table.name),
                        s->u.drop.table.name, s->loc);
        step->tag = "DROP TABLE";
        if (s->u.drop.if_exists) step->tolerate = "ResourceNotFoundException";
        return PQ_OK;
    case PQ_S_DESCRIBE:
        add_step(p, PQ_STEP_DESCRIBE, "DescribeTable", table_request(s->u.describe.table.name),
                 s->u.describe.table.name, s->loc);
        return PQ_OK;
    case PQ_S_SHOW_TABLES:
        add_step(p, PQ_STEP_LIST_TABLES, "ListTables", json_object(), NULL, s->loc);
        return PQ_OK;
    case PQ_S_EXPLAIN:
        if (!s->u.explain.inner || s->u.explain.inner->kind == PQ_S_EXPLAIN)
            return unsupported(s, "EXPLAIN of this statement", err);
        return plan_stmt(p, s->u.explain.inner, vars, err);
    case PQ_S_SET_VAR:
    case PQ_S_UNSET_VAR:
        return pq_error_set(err, PQ_ERR_PLAN, s->loc.start, s->loc.end,
                            "variable statements are run by the shell, not planned");
    case PQ_S_BEGIN:
    case PQ_S_COMMIT:
    case PQ_S_ROLLBACK:
        return unsupported(s, "a transaction (BEGIN / COMMIT / ROLLBACK)", err);
    case PQ_S_BEGIN_BATCH:
    case PQ_S_END_BATCH:
        return unsupported(s, "a batch (BEGIN BATCH / END BATCH)", err);
    case PQ_S_CREATE_INDEX:
    case PQ_S_DROP_INDEX:
        return unsupported(s, "CREATE / DROP INDEX on an existing table", err);
    }
    return unsupported(s, "this statement", err);
}

pq_status pq_plan_build(struct pq_stmt *s, const struct pq_vars *vars, struct pq_plan *out,
                        struct pq_error *err)
{
    pq_plan_init(out);
    pq_status st = plan_stmt(out, s, vars, err);
    if (st) pq_plan_release(out);
    return st;
}
