/* dump.c — .dump [TABLE…]: a PartiQL script that rebuilds the tables (as sqlite3's .dump).
 *
 * For each table: CREATE TABLE with its key schema, its global and local
 * secondary indexes (with their projections) and its billing mode, then
 * one INSERT per item, read with a paged Scan and written as it comes.
 * Values are pqsh literals (binary as b64'…', which pqsh's parser reads
 * back). An item whose INSERT would pass DynamoDB's 8,192-character
 * statement limit has its long attribute values put in variables first
 * (SET pqsh_dump_1 = …; INSERT … {'a': :pqsh_dump_1}; UNSET …): a variable
 * is sent as a parameter, outside the statement text.
 * Not dumped: TTL, streams, tags, provisioned index throughput.
 */
#include "bulk.h"
#include "pqsh/value.h"

#include <string.h>

#define STATEMENT_LIMIT 8192

static void add_name(struct pq_buf *b, const char *name)
{
    pq_buf_add_dquoted(b, name, strlen(name));
}

static const char *attr_type(json_t *table, const char *name)
{
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(table, "AttributeDefinitions"), i, d)
    {
        if (strcmp(json_string_value(json_object_get(d, "AttributeName")), name) == 0) {
            const char *t = json_string_value(json_object_get(d, "AttributeType"));
            return strcmp(t, "N") == 0 ? "NUMBER" : strcmp(t, "B") == 0 ? "BINARY" : "STRING";
        }
    }
    return "STRING";
}

static void add_keys(struct pq_buf *b, json_t *schema)
{
    size_t i;
    json_t *k;
    pq_buf_adds(b, "(");
    json_array_foreach(schema, i, k)
    {
        if (i) pq_buf_adds(b, ", ");
        add_name(b, json_string_value(json_object_get(k, "AttributeName")));
    }
    pq_buf_adds(b, ")");
}

static void add_indexes(struct pq_buf *b, json_t *list, const char *scope)
{
    size_t i;
    json_t *ix;
    json_array_foreach(list, i, ix)
    {
        pq_buf_addf(b, ",\n    %s INDEX ", scope);
        add_name(b, json_string_value(json_object_get(ix, "IndexName")));
        pq_buf_adds(b, " ");
        add_keys(b, json_object_get(ix, "KeySchema"));
        json_t *p = json_object_get(ix, "Projection");
        const char *type = json_string_value(json_object_get(p, "ProjectionType"));
        if (type && strcmp(type, "KEYS_ONLY") == 0) {
            pq_buf_adds(b, " PROJECTION KEYS_ONLY");
        } else if (type && strcmp(type, "INCLUDE") == 0) {
            pq_buf_adds(b, " PROJECTION INCLUDE (");
            size_t k;
            json_t *a;
            json_array_foreach(json_object_get(p, "NonKeyAttributes"), k, a)
            {
                if (k) pq_buf_adds(b, ", ");
                add_name(b, json_string_value(a));
            }
            pq_buf_adds(b, ")");
        }
    }
}

/* CREATE TABLE for a TableDescription. */
static void create_statement(struct pq_buf *b, json_t *t)
{
    const char *name = json_string_value(json_object_get(t, "TableName"));
    pq_buf_adds(b, "CREATE TABLE ");
    add_name(b, name);
    pq_buf_adds(b, " (");
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(t, "AttributeDefinitions"), i, d)
    {
        const char *a = json_string_value(json_object_get(d, "AttributeName"));
        if (i) pq_buf_adds(b, ", ");
        add_name(b, a);
        pq_buf_addf(b, " %s", attr_type(t, a));
    }
    pq_buf_adds(b, ",\n    PRIMARY KEY ");
    add_keys(b, json_object_get(t, "KeySchema"));
    add_indexes(b, json_object_get(t, "GlobalSecondaryIndexes"), "GLOBAL");
    add_indexes(b, json_object_get(t, "LocalSecondaryIndexes"), "LOCAL");
    pq_buf_adds(b, ")");
    json_t *billing = json_object_get(t, "BillingModeSummary");
    const char *mode = json_string_value(json_object_get(billing, "BillingMode"));
    json_t *pt = json_object_get(t, "ProvisionedThroughput");
    long long rcu = json_integer_value(json_object_get(pt, "ReadCapacityUnits"));
    long long wcu = json_integer_value(json_object_get(pt, "WriteCapacityUnits"));
    if ((mode && strcmp(mode, "PROVISIONED") == 0) || (!mode && rcu > 0))
        pq_buf_addf(b, " BILLING MODE PROVISIONED (%lld RCU, %lld WCU)", rcu, wcu);
    else
        pq_buf_adds(b, " BILLING MODE PAY_PER_REQUEST");
    pq_buf_adds(b, ";\n");
}

/* INSERT INTO t VALUE {…}; over the statement limit, long attribute values
 * go first into variables (SET pqsh_dump_N = …;) and the INSERT names them. */
static void insert_statement(struct pq_buf *b, const char *table, json_t *item)
{
    json_t *m = json_pack("{s:O}", "M", item);
    size_t start = b->len;
    pq_buf_adds(b, "INSERT INTO ");
    add_name(b, table);
    pq_buf_adds(b, " VALUE ");
    pq_value_to_partiql(m, b);
    pq_buf_adds(b, ";\n");
    json_decref(m);
    if (b->len - start <= STATEMENT_LIMIT) return;
    b->len = start;
    b->data[start] = 0;
    struct pq_buf ins = PQ_BUF_INIT, v = PQ_BUF_INIT;
    pq_buf_init(&ins);
    pq_buf_init(&v);
    pq_buf_adds(&ins, "INSERT INTO ");
    add_name(&ins, table);
    pq_buf_adds(&ins, " VALUE {");
    const char *name;
    json_t *value;
    int vars = 0;
    json_object_foreach(item, name, value)
    {
        if (ins.data[ins.len - 1] != '{') pq_buf_adds(&ins, ", ");
        pq_buf_add_squoted(&ins, name, strlen(name));
        pq_buf_adds(&ins, ": ");
        pq_buf_reset(&v);
        pq_value_to_partiql(value, &v);
        if (v.len > 256) {
            pq_buf_addf(b, "SET pqsh_dump_%d = %s;\n", ++vars, v.data);
            pq_buf_addf(&ins, ":pqsh_dump_%d", vars);
        } else {
            pq_buf_add(&ins, v.data, v.len);
        }
    }
    pq_buf_adds(&ins, "};\n");
    pq_buf_add(b, ins.data, ins.len);
    for (int i = 1; i <= vars; i++)
        pq_buf_addf(b, "UNSET pqsh_dump_%d;\n", i);
    pq_buf_release(&ins);
    pq_buf_release(&v);
}

static bool dump_table(struct shell *sh, const struct where *w, const char *table)
{
    struct pq_error err;
    pq_error_init(&err);
    json_t *req = json_pack("{s:s}", "TableName", table), *resp = NULL;
    bool ok = true;
    if (pq_backend_call(sh->backend, "DescribeTable", req, &resp, &err) != PQ_OK) {
        err.start = err.end = PQ_NO_POS;
        shell_error(w, &err);
        json_decref(req);
        pq_error_release(&err);
        return false;
    }
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    create_statement(&b, json_object_get(resp, "Table"));
    fputs(b.data, stdout);
    json_decref(resp);
    for (;;) {
        resp = NULL;
        if (pq_backend_call(sh->backend, "Scan", req, &resp, &err) != PQ_OK) {
            err.start = err.end = PQ_NO_POS;
            shell_error(w, &err);
            ok = false;
            break;
        }
        size_t i;
        json_t *item;
        json_array_foreach(json_object_get(resp, "Items"), i, item)
        {
            pq_buf_reset(&b);
            insert_statement(&b, table, item);
            fputs(b.data, stdout);
        }
        json_t *last = json_object_get(resp, "LastEvaluatedKey");
        if (!last) break;
        json_object_set(req, "ExclusiveStartKey", last);
        json_decref(resp);
        if (shell_interrupted) {
            resp = NULL;
            shell_errorf(w, "interrupted");
            ok = false;
            break;
        }
    }
    json_decref(resp);
    json_decref(req);
    pq_buf_release(&b);
    pq_error_release(&err);
    return ok;
}

bool shell_cmd_dump(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    (void)at;
    json_t *names = bulk_words(args);
    struct pq_error err;
    pq_error_init(&err);
    if (!names) {
        shell_errorf(w, "a quote is not closed");
        return false;
    }
    if (!json_array_size(names)) {
        json_decref(names);
        names = shell_list_tables(sh, &err);
        if (!names) {
            shell_error(w, &err);
            pq_error_release(&err);
            return false;
        }
    }
    bool ok = true;
    size_t i;
    json_t *name;
    printf("-- pqsh .dump: run with pqsh -f FILE against an empty target\n");
    json_array_foreach(names, i, name)
    {
        if (!dump_table(sh, w, json_string_value(name))) ok = false;
        if (shell_interrupted) break;
    }
    json_decref(names);
    return ok;
}
