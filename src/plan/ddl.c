/* ddl.c — CREATE TABLE (keys, indexes, billing), CREATE INDEX and DROP INDEX (UpdateTable). */
#include "plan/internal.h"
#include "pqsh/buf.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

static bool defined(const json_t *defs, const char *name)
{
    size_t i;
    json_t *d;
    json_array_foreach(defs, i, d)
    {
        const char *n = json_string_value(json_object_get(d, "AttributeName"));
        if (n && strcmp(n, name) == 0) return true;
    }
    return false;
}

static void define(json_t *defs, const char *name, char type)
{
    char t[2] = {type, 0};
    json_array_append_new(defs, json_pack("{s:s,s:s}", "AttributeName", name, "AttributeType", t));
}

/* Where the type of a key attribute comes from: the columns of CREATE TABLE,
 * or the table's description for CREATE INDEX. Appends the definition to
 * `defs` unless present. */
struct typer {
    pq_status (*define)(const struct typer *t, const struct pq_ident *key, json_t *defs,
                        struct pq_error *err);
    const struct pq_stmt *s;
    const json_t *desc;                /* CREATE INDEX: the table's description, or NULL */
    struct pq_plan *plan;              /* CREATE INDEX: for notices */
    const struct pq_plan_context *ctx; /* CREATE INDEX: for attr_type, or NULL */
};

/* CREATE TABLE: the key's column must have a key type. */
static pq_status define_from_columns(const struct typer *ty, const struct pq_ident *key,
                                     json_t *defs, struct pq_error *err)
{
    if (defined(defs, key->name)) return PQ_OK;
    const struct pq_column *c = find_column(ty->s, key->name);
    if (!c || !c->type_text)
        return pq_error_set(err, PQ_ERR_PLAN, key->loc.start, key->loc.end,
                            "key attribute '%s' needs a column with a type (STRING, NUMBER "
                            "or BINARY)",
                            key->name);
    char type = type_of(c->type_text);
    if (type == '-')
        return pq_error_set(err, PQ_ERR_PLAN, c->type_loc.start, c->type_loc.end,
                            "key attribute '%s' cannot be %s: DynamoDB keys are STRING, NUMBER "
                            "or BINARY",
                            key->name, c->type_text);
    define(defs, key->name, type);
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

/* {IndexName, KeySchema, Projection} of an index definition, defining its
 * key attributes through `ty`. */
static pq_status index_request(const struct typer *ty, const struct pq_index_def *ix, json_t *defs,
                               json_t **out, struct pq_error *err)
{
    struct key_choice kc = {0};
    pq_status st = choose_parts(ix->keys, ix->nkeys, &kc, err);
    if (!st && !kc.hash)
        st = pq_error_set(err, PQ_ERR_PLAN, ix->name.loc.start, ix->name.loc.end,
                          "index '%s' needs a partition key", ix->name.name);
    if (!st) st = ty->define(ty, kc.hash, defs, err);
    if (!st && kc.range) st = ty->define(ty, kc.range, defs, err);
    if (st) return st;
    static const char *const proj_names[] = {"ALL", "KEYS_ONLY", "INCLUDE"};
    json_t *proj = json_pack("{s:s}", "ProjectionType", proj_names[ix->projection]);
    if (ix->projection == PQ_PROJ_INCLUDE) {
        json_t *attrs = json_array();
        for (size_t i = 0; i < ix->ninclude; i++)
            json_array_append_new(attrs, json_string(ix->include[i].name));
        json_object_set_new(proj, "NonKeyAttributes", attrs);
    }
    *out = json_pack("{s:s,s:o,s:o}", "IndexName", ix->name.name, "KeySchema", key_schema(&kc),
                     "Projection", proj);
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
        plan_add_notice(p, pq_buf_detach(&line, NULL));
    }
    pq_buf_release(&b);
}

pq_status plan_create_table(struct pq_plan *p, const struct pq_stmt *s, struct pq_error *err)
{
    struct key_choice kc;
    const struct typer ty = {define_from_columns, s, NULL, NULL, NULL};
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
    if (!st) st = ty.define(&ty, kc.hash, defs, err);
    if (!st && kc.range) st = ty.define(&ty, kc.range, defs, err);
    for (size_t i = 0; i < s->u.create.nindexes && !st; i++) {
        const struct pq_index_def *ix = &s->u.create.indexes[i];
        json_t *ireq = NULL;
        st = index_request(&ty, ix, defs, &ireq, err);
        if (ireq && ix->global && provisioned(s))
            json_object_set_new(ireq, "ProvisionedThroughput", throughput(s));
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
        plan_add_step(p, PQ_STEP_CREATE_TABLE, "CreateTable", req, s->u.create.table.name, s->loc);
    step->tag = "CREATE TABLE";
    if (s->u.create.if_not_exists) step->tolerate = "ResourceInUseException";
    note_ignored_columns(p, s, &kc);
out:
    json_decref(defs);
    json_decref(gsis);
    json_decref(lsis);
    return st;
}

/* ---- CREATE INDEX / DROP INDEX (UpdateTable) ---------------------------- */

/* CREATE INDEX: the type of an attribute the table already defines (a key
 * of the table or of another index); else the type it has in the table's
 * items; else a string. The statement has no place for a type (yet), so the
 * choice is said in a notice. */
static pq_status define_from_table(const struct typer *ty, const struct pq_ident *key, json_t *defs,
                                   struct pq_error *err)
{
    size_t i;
    json_t *d;
    const char *table = ty->s->u.index.table.name;
    if (defined(defs, key->name)) return PQ_OK;
    json_array_foreach(json_object_get(ty->desc, "AttributeDefinitions"), i, d)
    {
        const char *n = json_string_value(json_object_get(d, "AttributeName"));
        const char *t = json_string_value(json_object_get(d, "AttributeType"));
        if (n && t && strcmp(n, key->name) == 0) {
            define(defs, key->name, t[0]);
            return PQ_OK;
        }
    }
    char type = 0;
    if (!ty->desc) {
        /* No such table (or no description): DynamoDB will say so. */
        define(defs, key->name, 'S');
        return PQ_OK;
    }
    if (ty->ctx && ty->ctx->attr_type)
        type = ty->ctx->attr_type(ty->ctx->ctx, table, key->name);
    static const char *const words[] = {"STRING", "NUMBER", "BINARY"};
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    if (type == 'S' || type == 'N' || type == 'B')
        pq_buf_addf(&b, "index key '%s' is %s, the type it has in the items of '%s'", key->name,
                    words[type == 'S'   ? 0
                          : type == 'N' ? 1
                                        : 2],
                    table);
    else
        pq_buf_addf(&b,
                    "index key '%s' is taken as STRING: no item of '%s' has it yet, and "
                    "DynamoDB defines only key attributes",
                    key->name, table);
    if (type != 'N' && type != 'B') type = 'S';
    plan_add_notice(ty->plan, pq_buf_detach(&b, NULL));
    define(defs, key->name, type);
    return PQ_OK;
}

/* A provisioned table's new GSI gets the table's throughput (DynamoDB
 * requires one); an on-demand table's gets none. */
static json_t *table_throughput(const json_t *desc)
{
    const char *billing = json_string_value(
        json_object_get(json_object_get(desc, "BillingModeSummary"), "BillingMode"));
    const json_t *pt = json_object_get(desc, "ProvisionedThroughput");
    json_int_t rcu = json_integer_value(json_object_get(pt, "ReadCapacityUnits"));
    json_int_t wcu = json_integer_value(json_object_get(pt, "WriteCapacityUnits"));
    if (!desc || (billing && strcmp(billing, "PAY_PER_REQUEST") == 0) || rcu <= 0 || wcu <= 0)
        return NULL;
    return json_pack("{s:I,s:I}", "ReadCapacityUnits", rcu, "WriteCapacityUnits", wcu);
}

pq_status plan_create_index(struct pq_plan *p, const struct pq_stmt *s,
                            const struct pq_plan_context *ctx, struct pq_error *err)
{
    const struct pq_index_def *ix = &s->u.index.index;
    const char *table = s->u.index.table.name;
    if (!ix->global)
        return pq_error_set(err, PQ_ERR_PLAN, s->loc.start, s->loc.end,
                            "a local secondary index can only be created with its table: "
                            "CREATE TABLE %s (…, INDEX %s LOCAL (…))",
                            table, ix->name.name);
    const json_t *desc = plan_describe(ctx, table, NULL);
    const struct typer ty = {define_from_table, s, desc, p, ctx};
    json_t *defs = json_array(), *create = NULL;
    pq_status st = index_request(&ty, ix, defs, &create, err);
    if (st) {
        json_decref(defs);
        return st;
    }
    json_t *pt = table_throughput(desc);
    if (pt) json_object_set_new(create, "ProvisionedThroughput", pt);
    json_t *req = json_pack("{s:s,s:o,s:[{s:o}]}", "TableName", table, "AttributeDefinitions", defs,
                            "GlobalSecondaryIndexUpdates", "Create", create);
    struct pq_step *step =
        plan_add_step(p, PQ_STEP_UPDATE_TABLE, "UpdateTable", req, table, s->loc);
    step->tag = "CREATE INDEX";
    step->index = pq_xstrdup(ix->name.name);
    step->index_create = true;
    return PQ_OK;
}

void plan_drop_index(struct pq_plan *p, const struct pq_stmt *s)
{
    const char *table = s->u.index.table.name;
    json_t *req =
        json_pack("{s:s,s:[{s:{s:s}}]}", "TableName", table, "GlobalSecondaryIndexUpdates",
                  "Delete", "IndexName", s->u.index.index.name.name);
    struct pq_step *step =
        plan_add_step(p, PQ_STEP_UPDATE_TABLE, "UpdateTable", req, table, s->loc);
    step->tag = "DROP INDEX";
    step->index = pq_xstrdup(s->u.index.index.name.name);
}
