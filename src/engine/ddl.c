/* ddl.c — CreateTable (with DynamoDB's validation), DescribeTable, ListTables, DeleteTable.
 *
 * CreateTable validates in the service's order (reference §3.4, §5): first the
 * request-model constraints of every member (lengths, enums, patterns, nulls,
 * ranges), all reported together as "N validation errors detected: …; …";
 * then semantic checks, the first failure winning; then the table's
 * existence. Messages quoted in the reference are reproduced byte for byte;
 * the few it does not pin are marked UNCONFIRMED where they are written.
 *
 * The engine creates tables synchronously: CreateTable answers "CREATING"
 * like the cloud, and DescribeTable reports "ACTIVE" from then on.
 */
#include "engine/internal.h"
#include "engine/streams.h"

#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define INVALID "One or more parameter values were invalid: "
#define NAME_PATTERN "[a-zA-Z0-9_.-]+"
#define MAX_LSI 5
#define MAX_GSI 20
#define MAX_PROJECTED 100

/* A member that is absent or JSON null is absent. */
static json_t *member(const json_t *obj, const char *name)
{
    json_t *v = json_object_get(obj, name);
    return json_is_null(v) ? NULL : v;
}

static const char *member_str(const json_t *obj, const char *name)
{
    return json_string_value(member(obj, name));
}

static pq_status required(const char *name, struct pq_error *err)
{
    return pq_error_validation(
        err, "The parameter '%s' is required but was not present in the request", name);
}

/* ---- collected constraint violations (reference §1.4) ---------------- */

/* Adds "Value <value> at '<path>' failed to satisfy constraint: <rule>";
 * `value` is already rendered ('x', null, '[…]'). */
void verr(struct verrs *v, const char *value, const char *path, const char *fmt, ...)
{
    if (v->n++) pq_buf_adds(&v->text, "; ");
    pq_buf_addf(&v->text, "Value %s at '%s' failed to satisfy constraint: ", value, path);
    va_list ap;
    va_start(ap, fmt);
    pq_buf_vaddf(&v->text, fmt, ap);
    va_end(ap);
}

pq_status verrs_finish(struct verrs *v, struct pq_error *err)
{
    pq_status rc = PQ_OK;
    if (v->n)
        rc = pq_error_validation(err, "%d validation error%s detected: %s", v->n,
                                 v->n == 1 ? "" : "s", v->text.data);
    pq_buf_release(&v->text);
    return rc;
}

/* A path under `base`: "base.name", or "name" when base is empty. */
static const char *path_of(struct pq_buf *p, const char *base, const char *name)
{
    pq_buf_reset(p);
    if (*base) pq_buf_addf(p, "%s.", base);
    pq_buf_adds(p, name);
    return p->data;
}

/* "base.i.member" for the 0-based element i of a list at `base`. */
static void elem_path(struct pq_buf *p, const char *base, size_t i)
{
    pq_buf_reset(p);
    pq_buf_addf(p, "%s.%zu.member", base, i + 1);
}

static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
}

static bool matches_name_pattern(const char *s)
{
    if (!*s) return false;
    for (; *s; s++)
        if (!is_name_char(*s)) return false;
    return true;
}

void check_str(struct verrs *v, const char *path, const json_t *j, const struct str_rule *r)
{
    if (!j) {
        if (r->required) verr(v, "null", path, "Member must not be null");
        return;
    }
    const char *s = json_string_value(j);
    size_t len = json_string_length(j);
    struct pq_buf val = PQ_BUF_INIT;
    pq_buf_init(&val);
    pq_buf_addf(&val, "'%s'", s);
    if (r->enums) {
        bool found = false;
        for (const char *const *e = r->enums; *e; e++)
            found |= strcmp(*e, s) == 0;
        if (!found) {
            struct pq_buf set = PQ_BUF_INIT;
            pq_buf_init(&set);
            for (const char *const *e = r->enums; *e; e++)
                pq_buf_addf(&set, "%s%s", e == r->enums ? "" : ", ", *e);
            verr(v, val.data, path, "Member must satisfy enum value set: [%s]", set.data);
            pq_buf_release(&set);
        }
    }
    /* Pattern before length, as the service lists them (dynalite's capture). */
    if (r->name_pattern && !matches_name_pattern(s))
        verr(v, val.data, path, "Member must satisfy regular expression pattern: " NAME_PATTERN);
    if (len < r->min)
        verr(v, val.data, path, "Member must have length greater than or equal to %zu", r->min);
    if (r->max && len > r->max)
        verr(v, val.data, path, "Member must have length less than or equal to %zu", r->max);
    pq_buf_release(&val);
}

static void check_long_min(struct verrs *v, const char *path, const json_t *j, long long min)
{
    if (!j) {
        verr(v, "null", path, "Member must not be null");
        return;
    }
    long long n = json_integer_value(j);
    if (n < min) {
        char val[32];
        snprintf(val, sizeof val, "'%lld'", n);
        verr(v, val, path, "Member must have value greater than or equal to %lld", min);
    }
}

static const char *const KEY_TYPES[] = {"HASH", "RANGE", NULL};
static const char *const ATTR_TYPES[] = {"B", "N", "S", NULL};
static const char *const BILLING_MODES[] = {"PROVISIONED", "PAY_PER_REQUEST", NULL};
/* Enum orders below are the model's; the service's listing order is UNCONFIRMED. */
static const char *const PROJECTION_TYPES[] = {"ALL", "KEYS_ONLY", "INCLUDE", NULL};
static const char *const STREAM_VIEW_TYPES[] = {"NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES",
                                                "KEYS_ONLY", NULL};
static const char *const SSE_TYPES[] = {"AES256", "KMS", NULL};
static const char *const TABLE_CLASSES[] = {"STANDARD", "STANDARD_INFREQUENT_ACCESS", NULL};

const struct str_rule R_TABLE_NAME = {true, 3, 255, true, NULL};
static const struct str_rule R_ATTR_NAME = {true, 1, 255, false, NULL};
static const struct str_rule R_ATTR_TYPE = {true, 0, 0, false, ATTR_TYPES};
static const struct str_rule R_KEY_TYPE = {true, 0, 0, false, KEY_TYPES};
static const struct str_rule R_BILLING = {false, 0, 0, false, BILLING_MODES};
static const struct str_rule R_PROJ_TYPE = {false, 0, 0, false, PROJECTION_TYPES};
static const struct str_rule R_STREAM_VIEW = {false, 0, 0, false, STREAM_VIEW_TYPES};
static const struct str_rule R_SSE_TYPE = {false, 0, 0, false, SSE_TYPES};
static const struct str_rule R_TABLE_CLASS = {false, 0, 0, false, TABLE_CLASSES};
static const struct str_rule R_TAG_KEY = {true, 1, 128, false, NULL};
static const struct str_rule R_TAG_VALUE = {true, 0, 256, false, NULL};

/* A list element; one that is not an object (null) has no members, so each
 * of its members is reported as null. */
static const json_t *elem_obj(const json_t *list, size_t i)
{
    return json_array_get(list, i);
}

/* Java's toString of a KeySchemaElement list: [KeySchemaElement(attributeName=pk, keyType=HASH)].
 */
static void render_key_schema(const json_t *ks, struct pq_buf *out)
{
    pq_buf_adds(out, "'[");
    for (size_t i = 0; i < json_array_size(ks); i++) {
        const json_t *e = elem_obj(ks, i);
        const char *n = member_str(e, "AttributeName"), *t = member_str(e, "KeyType");
        pq_buf_addf(out, "%sKeySchemaElement(attributeName=%s, keyType=%s)", i ? ", " : "",
                    n ? n : "null", t ? t : "null");
    }
    pq_buf_adds(out, "]'");
}

static void check_key_schema(struct verrs *v, const char *path, const json_t *ks, size_t max)
{
    if (!ks) {
        verr(v, "null", path, "Member must not be null");
        return;
    }
    struct pq_buf val = PQ_BUF_INIT, p = PQ_BUF_INIT, q = PQ_BUF_INIT;
    pq_buf_init(&val);
    pq_buf_init(&p);
    pq_buf_init(&q);
    size_t n = json_array_size(ks);
    render_key_schema(ks, &val);
    if (n < 1) verr(v, val.data, path, "Member must have length greater than or equal to 1");
    if (max && n > max)
        verr(v, val.data, path, "Member must have length less than or equal to %zu", max);
    for (size_t i = 0; i < n; i++) {
        const json_t *e = elem_obj(ks, i);
        elem_path(&p, path, i);
        check_str(v, path_of(&q, p.data, "attributeName"), member(e, "AttributeName"),
                  &R_ATTR_NAME);
        check_str(v, path_of(&q, p.data, "keyType"), member(e, "KeyType"), &R_KEY_TYPE);
    }
    pq_buf_release(&val);
    pq_buf_release(&p);
    pq_buf_release(&q);
}

static void check_throughput(struct verrs *v, const char *path, const json_t *t)
{
    struct pq_buf p = PQ_BUF_INIT;
    pq_buf_init(&p);
    if (t) {
        check_long_min(v, path_of(&p, path, "readCapacityUnits"), member(t, "ReadCapacityUnits"),
                       1);
        check_long_min(v, path_of(&p, path, "writeCapacityUnits"), member(t, "WriteCapacityUnits"),
                       1);
    }
    pq_buf_release(&p);
}

static void check_projection(struct verrs *v, const char *path, const json_t *pr)
{
    if (!pr) {
        verr(v, "null", path, "Member must not be null");
        return;
    }
    struct pq_buf p = PQ_BUF_INIT, val = PQ_BUF_INIT;
    pq_buf_init(&p);
    pq_buf_init(&val);
    check_str(v, path_of(&p, path, "projectionType"), member(pr, "ProjectionType"), &R_PROJ_TYPE);
    const json_t *nk = member(pr, "NonKeyAttributes");
    if (nk) {
        size_t n = json_array_size(nk);
        pq_buf_adds(&val, "'[");
        for (size_t i = 0; i < n; i++)
            pq_buf_addf(&val, "%s%s", i ? ", " : "", json_string_value(json_array_get(nk, i)));
        pq_buf_adds(&val, "]'");
        path_of(&p, path, "nonKeyAttributes");
        if (n < 1) verr(v, val.data, p.data, "Member must have length greater than or equal to 1");
        if (n > 20) verr(v, val.data, p.data, "Member must have length less than or equal to 20");
        static const struct str_rule r = {true, 1, 255, false, NULL};
        struct pq_buf q = PQ_BUF_INIT;
        pq_buf_init(&q);
        for (size_t i = 0; i < n; i++) {
            pq_buf_reset(&q);
            pq_buf_addf(&q, "%s.%zu.member", p.data, i + 1);
            check_str(v, q.data, json_array_get(nk, i), &r);
        }
        pq_buf_release(&q);
    }
    pq_buf_release(&p);
    pq_buf_release(&val);
}

static void check_indexes(struct verrs *v, const char *base, const json_t *list, bool global)
{
    struct pq_buf p = PQ_BUF_INIT, q = PQ_BUF_INIT;
    pq_buf_init(&p);
    pq_buf_init(&q);
    for (size_t i = 0; i < json_array_size(list); i++) {
        const json_t *ix = elem_obj(list, i);
        elem_path(&p, base, i);
        check_str(v, path_of(&q, p.data, "indexName"), member(ix, "IndexName"), &R_TABLE_NAME);
        /* A GSI key may have up to 4 + 4 attributes: the model sets no
         * maximum (botocore's KeySchema has only min 1); gsi_key_schema
         * checks the counts. */
        check_key_schema(v, path_of(&q, p.data, "keySchema"), member(ix, "KeySchema"),
                         global ? 0 : 2);
        check_projection(v, path_of(&q, p.data, "projection"), member(ix, "Projection"));
        if (global)
            check_throughput(v, path_of(&q, p.data, "provisionedThroughput"),
                             member(ix, "ProvisionedThroughput"));
    }
    pq_buf_release(&p);
    pq_buf_release(&q);
}

/* The AttributeDefinitions of CreateTable and UpdateTable. */
static void check_attr_defs(struct verrs *v, const json_t *defs)
{
    struct pq_buf p = PQ_BUF_INIT, q = PQ_BUF_INIT;
    pq_buf_init(&p);
    pq_buf_init(&q);
    for (size_t i = 0; i < json_array_size(defs); i++) {
        const json_t *d = elem_obj(defs, i);
        elem_path(&p, "attributeDefinitions", i);
        check_str(v, path_of(&q, p.data, "attributeName"), member(d, "AttributeName"),
                  &R_ATTR_NAME);
        check_str(v, path_of(&q, p.data, "attributeType"), member(d, "AttributeType"),
                  &R_ATTR_TYPE);
    }
    pq_buf_release(&p);
    pq_buf_release(&q);
}

static void check_stream_spec(struct verrs *v, const json_t *st)
{
    if (!st) return;
    if (!member(st, "StreamEnabled"))
        verr(v, "null", "streamSpecification.streamEnabled", "Member must not be null");
    check_str(v, "streamSpecification.streamViewType", member(st, "StreamViewType"),
              &R_STREAM_VIEW);
}

/* Every model constraint of a CreateTable request. The order of members in
 * a multi-error message is UNCONFIRMED except that GSIs come before LSIs. */
static void check_create_constraints(struct verrs *v, const json_t *req)
{
    struct pq_buf p = PQ_BUF_INIT, q = PQ_BUF_INIT;
    pq_buf_init(&p);
    pq_buf_init(&q);
    check_attr_defs(v, member(req, "AttributeDefinitions"));
    const json_t *ks = member(req, "KeySchema");
    if (ks) check_key_schema(v, "keySchema", ks, 2);
    check_str(v, "tableName", member(req, "TableName"), &R_TABLE_NAME);
    check_str(v, "billingMode", member(req, "BillingMode"), &R_BILLING);
    check_throughput(v, "provisionedThroughput", member(req, "ProvisionedThroughput"));
    check_indexes(v, "globalSecondaryIndexes", member(req, "GlobalSecondaryIndexes"), true);
    check_indexes(v, "localSecondaryIndexes", member(req, "LocalSecondaryIndexes"), false);
    check_stream_spec(v, member(req, "StreamSpecification"));
    const json_t *sse = member(req, "SSESpecification");
    if (sse) check_str(v, "sSESpecification.sSEType", member(sse, "SSEType"), &R_SSE_TYPE);
    const json_t *tags = member(req, "Tags");
    for (size_t i = 0; i < json_array_size(tags); i++) {
        const json_t *t = elem_obj(tags, i);
        elem_path(&p, "tags", i);
        check_str(v, path_of(&q, p.data, "key"), member(t, "Key"), &R_TAG_KEY);
        check_str(v, path_of(&q, p.data, "value"), member(t, "Value"), &R_TAG_VALUE);
    }
    check_str(v, "tableClass", member(req, "TableClass"), &R_TABLE_CLASS);
    pq_buf_release(&p);
    pq_buf_release(&q);
}

/* ---- semantic checks ------------------------------------------------ */

/* Names in a Java list rendering: [a, b]. */
static void add_name_list(struct pq_buf *out, const char *const *names, size_t n)
{
    pq_buf_addc(out, '[');
    for (size_t i = 0; i < n; i++)
        pq_buf_addf(out, "%s%s", i ? ", " : "", names[i]);
    pq_buf_addc(out, ']');
}

/* HASH first, optional RANGE second, two distinct names. */
static pq_status key_schema_order(const json_t *ks, const char **hash, const char **range,
                                  struct pq_error *err)
{
    const json_t *h = json_array_get(ks, 0), *r = json_array_get(ks, 1);
    *hash = member_str(h, "AttributeName");
    *range = r ? member_str(r, "AttributeName") : NULL;
    /* The service words a repeated key attribute this way (CS-N). */
    if (r && strcmp(*hash, *range) == 0)
        return pq_error_validation(
            err, "Invalid KeySchema: Some index key attribute have no definition");
    if (strcmp(member_str(h, "KeyType"), "HASH") != 0)
        return pq_error_validation(
            err, "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
    if (r && strcmp(member_str(r, "KeyType"), "RANGE") != 0)
        return pq_error_validation(
            err, "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
    return PQ_OK;
}

static pq_status check_projection_semantics(const json_t *ix, size_t *projected,
                                            struct pq_error *err)
{
    const json_t *pr = member(ix, "Projection");
    const char *type = member_str(pr, "ProjectionType");
    const json_t *nk = member(pr, "NonKeyAttributes");
    /* UNCONFIRMED wording (dynalite's). */
    if (!type) return pq_error_validation(err, INVALID "Unknown ProjectionType: null");
    if (strcmp(type, "INCLUDE") == 0 && !nk)
        return pq_error_validation(
            err, INVALID "ProjectionType is INCLUDE, but NonKeyAttributes is not specified");
    if (strcmp(type, "INCLUDE") != 0 && nk)
        return pq_error_validation(
            err, INVALID "ProjectionType is %s, but NonKeyAttributes is specified", type);
    *projected += json_array_size(nk);
    return PQ_OK;
}

/* Key attribute names used by the table and its indexes, without repeats. */
struct names {
    const char **v;
    size_t n;
};

static bool names_has(const struct names *ns, const char *s)
{
    for (size_t i = 0; i < ns->n; i++)
        if (strcmp(ns->v[i], s) == 0) return true;
    return false;
}

static void names_add(struct names *ns, const char *s)
{
    if (!s || names_has(ns, s)) return;
    ns->v = pq_xrealloc(ns->v, (ns->n + 1) * sizeof *ns->v);
    ns->v[ns->n++] = s;
}

/* Records an index's name (unique across LSIs and GSIs) and key attributes. */
static pq_status index_names_add(struct names *index_names, struct names *keys, const char *name,
                                 const json_t *ks, struct pq_error *err)
{
    if (names_has(index_names, name))
        return pq_error_validation(err, INVALID "Duplicate index name: %s", name);
    names_add(index_names, name);
    for (size_t i = 0; i < json_array_size(ks); i++)
        names_add(keys, member_str(json_array_get(ks, i), "AttributeName"));
    return PQ_OK;
}

/* A GSI's KeySchema (multi-attribute keys, Nov 2025): 1 to 4 HASH
 * attributes first, then 0 to 4 RANGE attributes, all distinct. The texts
 * for the first element and a repeated name are the one-attribute ones;
 * the order and count texts are UNCONFIRMED (pinned in gsi_multi_key.api). */
static pq_status gsi_key_schema(const json_t *ks, struct pq_error *err)
{
    size_t n = json_array_size(ks), nhash = 0, nrange = 0;
    for (size_t i = 0; i < n; i++) {
        const char *a = member_str(json_array_get(ks, i), "AttributeName");
        for (size_t j = 0; j < i; j++)
            if (strcmp(a, member_str(json_array_get(ks, j), "AttributeName")) == 0)
                return pq_error_validation(
                    err, "Invalid KeySchema: Some index key attribute have no definition");
    }
    for (size_t i = 0; i < n; i++) {
        bool hash = strcmp(member_str(json_array_get(ks, i), "KeyType"), "HASH") == 0;
        if (i == 0 && !hash)
            return pq_error_validation(
                err, "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
        if (hash && nrange)
            return pq_error_validation(err, "Invalid KeySchema: HASH key attributes must come "
                                            "before RANGE key attributes");
        if (hash)
            nhash++;
        else
            nrange++;
    }
    if (nhash > PQ_IX_MAX_KEYS)
        return pq_error_validation(err,
                                   "Invalid KeySchema: The number of HASH key attributes (%zu) "
                                   "exceeds the limit of %d",
                                   nhash, PQ_IX_MAX_KEYS);
    if (nrange > PQ_IX_MAX_KEYS)
        return pq_error_validation(err,
                                   "Invalid KeySchema: The number of RANGE key attributes (%zu) "
                                   "exceeds the limit of %d",
                                   nrange, PQ_IX_MAX_KEYS);
    return PQ_OK;
}

struct create_plan {
    const char *name;
    const json_t *defs, *ks, *lsis, *gsis;
    const char *hash, *range;
    bool pay_per_request;
};

/* One index's own rules, on its key schema or after its projection. */
typedef pq_status (*index_rule)(const struct create_plan *c, const json_t *ix, const char *name,
                                struct pq_error *err);

static pq_status lsi_keys(const struct create_plan *c, const json_t *ix, const char *name,
                          struct pq_error *err)
{
    const char *h, *r;
    pq_status rc = key_schema_order(member(ix, "KeySchema"), &h, &r, err);
    if (rc) return rc;
    /* UNCONFIRMED wording (dynalite's) for the two LSI key rules. */
    if (strcmp(h, c->hash) != 0)
        return pq_error_validation(
            err,
            INVALID "Index KeySchema does not have the same leading hash key as table "
                    "KeySchema for index: %s. index hash key: %s, table hash key: %s",
            name, h, c->hash);
    if (!r)
        return pq_error_validation(
            err, INVALID "Index KeySchema does not have a range key for index: %s", name);
    return PQ_OK;
}

static pq_status gsi_keys(const struct create_plan *c, const json_t *ix, const char *name,
                          struct pq_error *err)
{
    (void)c, (void)name;
    return gsi_key_schema(member(ix, "KeySchema"), err);
}

static pq_status gsi_throughput(const struct create_plan *c, const json_t *ix, const char *name,
                                struct pq_error *err)
{
    bool thr = member(ix, "ProvisionedThroughput") != NULL;
    /* UNCONFIRMED wording (dynalite's) for GSI throughput vs billing mode. */
    if (!c->pay_per_request && !thr)
        return pq_error_validation(
            err, INVALID "ProvisionedThroughput must be specified for index: %s", name);
    if (c->pay_per_request && thr)
        return pq_error_validation(err,
                                   INVALID "ProvisionedThroughput should not be specified for "
                                           "index: %s when BillingMode is PAY_PER_REQUEST",
                                   name);
    return PQ_OK;
}

/* One kind of secondary index in CreateTable: the messages of its list and
 * the rules of each index. */
struct index_kind {
    const char *empty;    /* the list is empty */
    const char *too_many; /* more indexes than the table may have */
    size_t max;
    index_rule keys;  /* the index's key schema */
    index_rule after; /* after its projection, or NULL */
};

static const struct index_kind lsi_kind = {
    INVALID "List of LocalSecondaryIndexes is empty",
    INVALID "Number of LocalSecondaryIndexes exceeds per-table limit of %d",
    MAX_LSI,
    lsi_keys,
    NULL,
};

static const struct index_kind gsi_kind = {
    INVALID "List of GlobalSecondaryIndexes is empty",
    INVALID "GlobalSecondaryIndex count exceeds the per-table limit of %d",
    MAX_GSI,
    gsi_keys,
    gsi_throughput,
};

/* A list of one kind of index, in DynamoDB's order: not empty, `needs`
 * (what the table lacks for this kind, or NULL), not too many; then each
 * index: its keys, its projection, its `after` rules, a name of its own. */
static pq_status check_index_list(const struct create_plan *c, const json_t *list,
                                  const struct index_kind *k, const char *needs,
                                  struct names *index_names, struct names *keys, size_t *projected,
                                  struct pq_error *err)
{
    size_t n = json_array_size(list);
    pq_status rc;
    if (n == 0) return pq_error_validation(err, "%s", k->empty);
    if (needs) return pq_error_validation(err, "%s", needs);
    if (n > k->max) return pq_error_validation(err, k->too_many, (int)k->max);
    for (size_t i = 0; i < n; i++) {
        const json_t *ix = json_array_get(list, i);
        const char *name = member_str(ix, "IndexName");
        if ((rc = k->keys(c, ix, name, err))) return rc;
        if ((rc = check_projection_semantics(ix, projected, err))) return rc;
        if (k->after && (rc = k->after(c, ix, name, err))) return rc;
        if ((rc = index_names_add(index_names, keys, name, member(ix, "KeySchema"), err)))
            return rc;
    }
    return PQ_OK;
}

static pq_status check_indexes_semantics(struct create_plan *c, struct names *keys,
                                         struct pq_error *err)
{
    pq_status rc;
    size_t projected = 0;
    struct names index_names = {NULL, 0};
    const char *no_range = c->range ? NULL
                                    : INVALID "Table KeySchema does not have a range key, which "
                                              "is required when specifying a LocalSecondaryIndex";
    if (c->lsis && (rc = check_index_list(c, c->lsis, &lsi_kind, no_range, &index_names, keys,
                                          &projected, err)))
        goto out;
    if (c->gsis &&
        (rc = check_index_list(c, c->gsis, &gsi_kind, NULL, &index_names, keys, &projected, err)))
        goto out;
    /* UNCONFIRMED wording for the limit of 100 projected attributes. */
    if (projected > MAX_PROJECTED) {
        rc = pq_error_validation(
            err,
            INVALID "The number of projected attributes in all indexes exceeds the limit of %d",
            MAX_PROJECTED);
        goto out;
    }
    rc = PQ_OK;
out:
    free(index_names.v);
    return rc;
}

/* Key attributes against AttributeDefinitions (defined, and nothing unused). */
static pq_status check_definitions(struct create_plan *c, const struct names *keys,
                                   struct pq_error *err)
{
    pq_status rc = PQ_OK;
    struct names defs = {NULL, 0};
    struct pq_buf a = PQ_BUF_INIT, b = PQ_BUF_INIT;
    pq_buf_init(&a);
    pq_buf_init(&b);
    size_t ndefs = json_array_size(c->defs);
    for (size_t i = 0; i < ndefs; i++) {
        const char *n = member_str(json_array_get(c->defs, i), "AttributeName");
        /* UNCONFIRMED wording (dynalite's). */
        if (names_has(&defs, n)) {
            rc = pq_error_validation(err, "Cannot have two attributes with the same name");
            goto out;
        }
        names_add(&defs, n);
    }
    bool indexes = c->lsis || c->gsis;
    if (!indexes && keys->n > ndefs) {
        rc = pq_error_validation(err,
                                 "Invalid KeySchema: Some index key attribute have no definition");
        goto out;
    }
    for (size_t i = 0; i < keys->n; i++) {
        if (names_has(&defs, keys->v[i])) continue;
        add_name_list(&a, keys->v, keys->n);
        add_name_list(&b, defs.v, defs.n);
        rc = pq_error_validation(err,
                                 INVALID "Some index key attributes are not defined in "
                                         "AttributeDefinitions. Keys: %s, AttributeDefinitions: %s",
                                 a.data, b.data);
        goto out;
    }
    if (ndefs > keys->n) {
        if (!indexes) {
            rc = pq_error_validation(err, INVALID
                                     "Number of attributes in KeySchema does not exactly match "
                                     "number of attributes defined in AttributeDefinitions");
        } else {
            add_name_list(&a, defs.v, defs.n);
            add_name_list(&b, keys->v, keys->n);
            rc = pq_error_validation(
                err,
                INVALID
                "Some AttributeDefinitions are not used. AttributeDefinitions: %s, keys used: %s",
                a.data, b.data);
        }
    }
out:
    free(defs.v);
    pq_buf_release(&a);
    pq_buf_release(&b);
    return rc;
}

static pq_status check_create_semantics(struct create_plan *c, const json_t *req,
                                        struct pq_error *err)
{
    pq_status rc;
    struct names keys = {NULL, 0};
    if ((rc = key_schema_order(c->ks, &c->hash, &c->range, err))) goto out;
    names_add(&keys, c->hash);
    names_add(&keys, c->range);

    const char *billing = member_str(req, "BillingMode");
    c->pay_per_request = billing && strcmp(billing, "PAY_PER_REQUEST") == 0;
    bool thr = member(req, "ProvisionedThroughput") != NULL;
    if (c->pay_per_request && thr) {
        rc =
            pq_error_validation(err, INVALID "Neither ReadCapacityUnits nor WriteCapacityUnits can "
                                             "be specified when BillingMode is PAY_PER_REQUEST");
        goto out;
    }
    if (!c->pay_per_request && !thr) {
        rc = pq_error_validation(err, INVALID "ReadCapacityUnits and WriteCapacityUnits must both "
                                              "be specified when BillingMode is PROVISIONED");
        goto out;
    }
    if ((rc = check_indexes_semantics(c, &keys, err))) goto out;
    if ((rc = check_definitions(c, &keys, err))) goto out;

    const json_t *st = member(req, "StreamSpecification");
    if (st) {
        bool enabled = json_is_true(member(st, "StreamEnabled"));
        bool view = member(st, "StreamViewType") != NULL;
        if (!enabled && view) {
            rc = pq_error_validation(err, INVALID "Table is being created with a stream disabled, "
                                                  "UpdateViewType should not be specified");
            goto out;
        }
        /* UNCONFIRMED wording. */
        if (enabled && !view) {
            rc = pq_error_validation(
                err, INVALID
                "Table is being created with a stream enabled, StreamViewType must be specified");
            goto out;
        }
    }
out:
    free(keys.v);
    return rc;
}

/* ---- descriptions --------------------------------------------------- */

static char attr_type(const json_t *defs, const char *name)
{
    for (size_t i = 0; i < json_array_size(defs); i++) {
        const json_t *d = json_array_get(defs, i);
        if (strcmp(member_str(d, "AttributeName"), name) == 0)
            return member_str(d, "AttributeType")[0];
    }
    return 0;
}

static json_t *key_schema_json(const json_t *ks)
{
    json_t *out = json_array();
    for (size_t i = 0; i < json_array_size(ks); i++) {
        const json_t *e = json_array_get(ks, i);
        json_array_append_new(out, json_pack("{s:s, s:s}", "AttributeName",
                                             member_str(e, "AttributeName"), "KeyType",
                                             member_str(e, "KeyType")));
    }
    return out;
}

static json_t *throughput_json(const json_t *t)
{
    json_int_t r = t ? json_integer_value(member(t, "ReadCapacityUnits")) : 0;
    json_int_t w = t ? json_integer_value(member(t, "WriteCapacityUnits")) : 0;
    return json_pack("{s:i, s:I, s:I}", "NumberOfDecreasesToday", 0, "ReadCapacityUnits", r,
                     "WriteCapacityUnits", w);
}

static json_t *index_json(const json_t *ix, bool global, const char *table_arn, bool ppr)
{
    const json_t *pr = member(ix, "Projection");
    json_t *proj = json_pack("{s:s}", "ProjectionType", member_str(pr, "ProjectionType"));
    const json_t *nk = member(pr, "NonKeyAttributes");
    if (nk) json_object_set_new(proj, "NonKeyAttributes", json_deep_copy(nk));
    const char *name = member_str(ix, "IndexName");
    json_t *out = json_pack("{s:s, s:o, s:o}", "IndexName", name, "KeySchema",
                            key_schema_json(member(ix, "KeySchema")), "Projection", proj);
    if (global) {
        json_object_set_new(out, "IndexStatus", json_string("ACTIVE"));
        json_object_set_new(out, "ProvisionedThroughput",
                            throughput_json(ppr ? NULL : member(ix, "ProvisionedThroughput")));
    }
    /* Placeholders, filled with live counts by describe(). */
    json_object_set_new(out, "IndexSizeBytes", json_integer(0));
    json_object_set_new(out, "ItemCount", json_integer(0));
    json_object_set_new(out, "IndexArn", json_sprintf("%s/index/%s", table_arn, name));
    return out;
}

/* A version-4 UUID. With a fixed clock (reproducible runs) it is derived from
 * the table name instead of random bytes. */
static json_t *table_id(const struct pq_engine *e, const char *name)
{
    unsigned char b[SHA256_DIGEST_LENGTH];
    if (e->fixed_time > 0 || RAND_bytes(b, 16) != 1)
        SHA256((const unsigned char *)name, strlen(name), b);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    return json_sprintf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                        b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
                        b[12], b[13], b[14], b[15]);
}

/* The stored TableDescription (TableStatus ACTIVE, counts left out). */
static json_t *build_description(struct pq_engine *e, const struct create_plan *c,
                                 const json_t *req)
{
    double now = engine_now(e);
    json_t *defs = json_array();
    for (size_t i = 0; i < json_array_size(c->defs); i++) {
        const json_t *d = json_array_get(c->defs, i);
        json_array_append_new(defs, json_pack("{s:s, s:s}", "AttributeName",
                                              member_str(d, "AttributeName"), "AttributeType",
                                              member_str(d, "AttributeType")));
    }
    json_t *arn = json_sprintf("arn:aws:dynamodb:%s:000000000000:table/%s", e->region, c->name);
    json_t *d = json_pack("{s:o, s:s, s:o, s:s, s:f, s:o, s:o, s:o}", "AttributeDefinitions", defs,
                          "TableName", c->name, "KeySchema", key_schema_json(c->ks), "TableStatus",
                          "ACTIVE", "CreationDateTime", now, "ProvisionedThroughput",
                          throughput_json(member(req, "ProvisionedThroughput")), "TableArn", arn,
                          "TableId", table_id(e, c->name));
    if (c->pay_per_request)
        json_object_set_new(d, "BillingModeSummary",
                            json_pack("{s:s, s:f}", "BillingMode", "PAY_PER_REQUEST",
                                      "LastUpdateToPayPerRequestDateTime", now));
    const char *arn_text = json_string_value(arn);
    for (int g = 0; g < 2; g++) {
        const json_t *list = g ? c->gsis : c->lsis;
        if (!list) continue;
        json_t *out = json_array();
        for (size_t i = 0; i < json_array_size(list); i++)
            json_array_append_new(
                out, index_json(json_array_get(list, i), g, arn_text, c->pay_per_request));
        json_object_set_new(d, g ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes", out);
    }
    const json_t *sse = member(req, "SSESpecification");
    if (sse && json_is_true(member(sse, "Enabled")))
        json_object_set_new(d, "SSEDescription",
                            json_pack("{s:s, s:s}", "Status", "ENABLED", "SSEType", "KMS"));
    const char *cls = member_str(req, "TableClass");
    if (cls) json_object_set_new(d, "TableClassSummary", json_pack("{s:s}", "TableClass", cls));
    json_object_set_new(d, "DeletionProtectionEnabled",
                        json_boolean(json_is_true(member(req, "DeletionProtectionEnabled"))));
    return d;
}

/* Fills the live counts of each index of a described table. */
static pq_status index_counts(struct pq_engine *e, const struct pq_table_meta *t, json_t *list,
                              const char *status, struct pq_error *err)
{
    for (size_t i = 0; i < json_array_size(list); i++) {
        json_t *ix = json_array_get(list, i);
        const struct pq_index_meta *m = index_find(t, member_str(ix, "IndexName"));
        int64_t count = 0, bytes = 0;
        pq_status rc = m ? store_index_stats(e->store, t, m, &count, &bytes, err) : PQ_OK;
        if (rc) return rc;
        /* Bytes are the projected entries' sizes (keys + projected attributes). */
        json_object_set_new(ix, "IndexSizeBytes", json_integer(bytes));
        json_object_set_new(ix, "ItemCount", json_integer(count));
        if (json_object_get(ix, "IndexStatus"))
            json_object_set_new(ix, "IndexStatus", json_string(status));
    }
    return PQ_OK;
}

/* The TableDescription of `t` with live counts and the given status. */
static pq_status describe(struct pq_engine *e, const struct pq_table_meta *t, const char *status,
                          json_t **out, struct pq_error *err)
{
    int64_t count = 0, bytes = 0;
    pq_status rc = store_table_stats(e->store, t, &count, &bytes, err);
    if (rc) return rc;
    json_t *d = json_object();
    const char *key;
    json_t *value;
    json_object_foreach(t->description, key, value)
    {
        if (strncmp(key, "pqsh:", 5) == 0) continue; /* TTL_MEMBER, TAGS_MEMBER: not shown */
        if (strcmp(key, "TableStatus") == 0) {
            json_object_set_new(d, key, json_string(status));
        } else if (strcmp(key, "LocalSecondaryIndexes") == 0 ||
                   strcmp(key, "GlobalSecondaryIndexes") == 0) {
            json_t *list = json_deep_copy(value);
            json_object_set_new(d, key, list);
            const char *ixstatus = strcmp(status, "DELETING") == 0   ? "DELETING"
                                   : strcmp(status, "CREATING") == 0 ? "CREATING"
                                                                     : "ACTIVE";
            if ((rc = index_counts(e, t, list, ixstatus, err))) goto fail;
        } else {
            json_object_set_new(d, key, json_deep_copy(value));
        }
        if (strcmp(key, "ProvisionedThroughput") == 0) {
            json_object_set_new(d, "TableSizeBytes", json_integer(bytes));
            json_object_set_new(d, "ItemCount", json_integer(count));
        }
    }
    *out = d;
    return PQ_OK;
fail:
    json_decref(d);
    return rc;
}

/* ---- operations ----------------------------------------------------- */

pq_status ddl_create_table(struct pq_engine *e, json_t *req, json_t **resp, struct pq_error *err)
{
    pq_status rc;
    struct verrs v = {PQ_BUF_INIT, 0};
    pq_buf_init(&v.text);
    struct create_plan c = {0};
    *resp = NULL;
    c.name = member_str(req, "TableName");
    if (!c.name) {
        pq_buf_release(&v.text);
        return required("TableName", err);
    }
    check_create_constraints(&v, req);
    if ((rc = verrs_finish(&v, err))) return rc;

    /* The model marks only TableName required; the service still needs
     * these two. UNCONFIRMED wording: the form of the model-required one. */
    c.defs = member(req, "AttributeDefinitions");
    c.ks = member(req, "KeySchema");
    c.lsis = member(req, "LocalSecondaryIndexes");
    c.gsis = member(req, "GlobalSecondaryIndexes");
    if (!c.defs) return required("AttributeDefinitions", err);
    if (!c.ks) return required("KeySchema", err);
    if ((rc = check_create_semantics(&c, req, err))) return rc;
    json_t *tags = NULL;
    if ((rc = tags_for_create(member(req, "Tags"), &tags, err))) return rc;

    const struct pq_table_meta *t;
    if ((rc = store_table_get(e->store, c.name, &t, err)) == PQ_OK && t)
        rc = pq_error_service(err, "ResourceInUseException", "Table already exists: %s", c.name);
    if (rc) {
        json_decref(tags);
        return rc;
    }

    struct pq_key_attr hash = {(char *)c.hash, attr_type(c.defs, c.hash)};
    struct pq_key_attr range = {(char *)c.range, c.range ? attr_type(c.defs, c.range) : 0};
    json_t *desc = build_description(e, &c, req);
    if (tags) json_object_set_new(desc, TAGS_MEMBER, tags);
    /* StreamSpecification, LatestStreamArn, LatestStreamLabel (streams.c). */
    if ((rc = streams_on_create(e, desc, member(req, "StreamSpecification"), err))) {
        json_decref(desc);
        return rc;
    }
    if ((rc = store_table_create(e->store, c.name, &hash, c.range ? &range : NULL, desc, err)))
        return rc;
    if ((rc = store_table_get(e->store, c.name, &t, err))) return rc;
    json_t *d;
    if ((rc = describe(e, t, "CREATING", &d, err))) return rc;
    *resp = json_pack("{s:o}", "TableDescription", d);
    return PQ_OK;
}

/* TableName of DescribeTable / DeleteTable: a name, or a table ARN. */
const char *ddl_table_name(const char *name)
{
    const char *p = strncmp(name, "arn:", 4) == 0 ? strstr(name, ":table/") : NULL;
    return p ? p + strlen(":table/") : name;
}

pq_status ddl_table_name_arg(const json_t *req, const char **name, struct pq_error *err)
{
    const json_t *j = member(req, "TableName");
    if (!j) return required("TableName", err);
    const char *s = json_string_value(j);
    struct verrs v = {PQ_BUF_INIT, 0};
    pq_buf_init(&v.text);
    if (strncmp(s, "arn:", 4) == 0) {
        static const struct str_rule arn_rule = {true, 1, 1024, false, NULL};
        check_str(&v, "tableName", j, &arn_rule);
        *name = ddl_table_name(s);
    } else {
        check_str(&v, "tableName", j, &R_TABLE_NAME);
        *name = s;
    }
    return verrs_finish(&v, err);
}

pq_status ddl_find_table(struct pq_engine *e, const char *name, const struct pq_table_meta **t,
                         struct pq_error *err)
{
    pq_status rc = store_table_get(e->store, name, t, err);
    if (rc) return rc;
    if (!*t)
        return pq_error_service(err, "ResourceNotFoundException",
                                "Requested resource not found: Table: %s not found", name);
    return PQ_OK;
}

pq_status ddl_describe_table(struct pq_engine *e, json_t *req, json_t **resp, struct pq_error *err)
{
    const char *name;
    const struct pq_table_meta *t;
    json_t *d;
    pq_status rc;
    *resp = NULL;
    if ((rc = ddl_table_name_arg(req, &name, err)) || (rc = ddl_find_table(e, name, &t, err)) ||
        (rc = describe(e, t, "ACTIVE", &d, err)))
        return rc;
    *resp = json_pack("{s:o}", "Table", d);
    return PQ_OK;
}

pq_status ddl_delete_table(struct pq_engine *e, json_t *req, json_t **resp, struct pq_error *err)
{
    const char *name;
    const struct pq_table_meta *t;
    json_t *d = NULL;
    pq_status rc;
    *resp = NULL;
    if ((rc = ddl_table_name_arg(req, &name, err)) || (rc = ddl_find_table(e, name, &t, err)))
        return rc;
    /* UNCONFIRMED wording: DynamoDB Local's text. */
    if (json_is_true(json_object_get(t->description, "DeletionProtectionEnabled")))
        return pq_error_validation(err, "Resource cannot be deleted as it is currently protected "
                                        "against deletion. Disable deletion protection first.");
    if ((rc = describe(e, t, "DELETING", &d, err))) return rc;
    if ((rc = streams_on_delete(e, t, err))) {
        json_decref(d);
        return rc;
    }
    char *copy = pq_xstrdup(name); /* `name` may live in the cache entry dropped next */
    rc = store_table_drop(e->store, copy, err);
    free(copy);
    if (rc) {
        json_decref(d);
        return rc;
    }
    *resp = json_pack("{s:o}", "TableDescription", d);
    return PQ_OK;
}

pq_status ddl_list_tables(struct pq_engine *e, json_t *req, json_t **resp, struct pq_error *err)
{
    static const struct str_rule start_rule = {false, 3, 255, true, NULL};
    struct verrs v = {PQ_BUF_INIT, 0};
    pq_buf_init(&v.text);
    *resp = NULL;
    const json_t *start = member(req, "ExclusiveStartTableName");
    const json_t *limit = member(req, "Limit");
    check_str(&v, "exclusiveStartTableName", start, &start_rule);
    json_int_t n = limit ? json_integer_value(limit) : 100;
    char val[32];
    snprintf(val, sizeof val, "'%lld'", (long long)n);
    if (n < 1) verr(&v, val, "limit", "Member must have value greater than or equal to 1");
    if (n > 100) verr(&v, val, "limit", "Member must have value less than or equal to 100");
    pq_status rc = verrs_finish(&v, err);
    if (rc) return rc;

    json_t *names;
    bool more;
    if ((rc = store_table_list(e->store, json_string_value(start), (size_t)n, &names, &more, err)))
        return rc;
    *resp = json_pack("{s:o}", "TableNames", names);
    /* Only when more names follow, as dynalite does (UNCONFIRMED for an
     * exactly full last page on the cloud). */
    if (more)
        json_object_set_new(*resp, "LastEvaluatedTableName",
                            json_copy(json_array_get(names, json_array_size(names) - 1)));
    return PQ_OK;
}

/* ---- UpdateTable ---------------------------------------------------- */

/* Model constraints of an UpdateTable request, reported together. */
static void check_update_constraints(struct verrs *v, const json_t *req)
{
    struct pq_buf p = PQ_BUF_INIT, q = PQ_BUF_INIT;
    pq_buf_init(&p);
    pq_buf_init(&q);
    check_attr_defs(v, member(req, "AttributeDefinitions"));
    check_str(v, "tableName", member(req, "TableName"), &R_TABLE_NAME);
    check_str(v, "billingMode", member(req, "BillingMode"), &R_BILLING);
    check_throughput(v, "provisionedThroughput", member(req, "ProvisionedThroughput"));
    check_stream_spec(v, member(req, "StreamSpecification"));
    const json_t *ups = member(req, "GlobalSecondaryIndexUpdates");
    for (size_t i = 0; i < json_array_size(ups); i++) {
        const json_t *u = elem_obj(ups, i);
        elem_path(&p, "globalSecondaryIndexUpdates", i);
        const json_t *c = member(u, "Create"), *d = member(u, "Delete"), *up = member(u, "Update");
        if (c) {
            path_of(&q, p.data, "create");
            struct pq_buf r = PQ_BUF_INIT;
            pq_buf_init(&r);
            check_str(v, path_of(&r, q.data, "indexName"), member(c, "IndexName"), &R_TABLE_NAME);
            check_key_schema(v, path_of(&r, q.data, "keySchema"), member(c, "KeySchema"), 0);
            check_projection(v, path_of(&r, q.data, "projection"), member(c, "Projection"));
            check_throughput(v, path_of(&r, q.data, "provisionedThroughput"),
                             member(c, "ProvisionedThroughput"));
            pq_buf_release(&r);
        }
        if (d)
            check_str(v, path_of(&q, p.data, "delete.indexName"), member(d, "IndexName"),
                      &R_TABLE_NAME);
        if (up) {
            check_str(v, path_of(&q, p.data, "update.indexName"), member(up, "IndexName"),
                      &R_TABLE_NAME);
            check_throughput(v, path_of(&q, p.data, "update.provisionedThroughput"),
                             member(up, "ProvisionedThroughput"));
        }
    }
    pq_buf_release(&p);
    pq_buf_release(&q);
}

static json_t *find_index_json(const json_t *desc, const char *list, const char *name, size_t *at)
{
    const json_t *l = json_object_get(desc, list);
    for (size_t i = 0; i < json_array_size(l); i++) {
        json_t *ix = json_array_get(l, i);
        if (strcmp(member_str(ix, "IndexName"), name) == 0) {
            if (at) *at = i;
            return ix;
        }
    }
    return NULL;
}

/* AttributeDefinitions of the updated table: only the key attributes of the
 * table and its indexes, typed by the old definitions or the request's. */
static pq_status merge_definitions(json_t *desc, const json_t *req_defs, struct pq_error *err)
{
    const json_t *old = json_object_get(desc, "AttributeDefinitions");
    struct names keys = {NULL, 0};
    const json_t *ks = json_object_get(desc, "KeySchema");
    for (size_t i = 0; i < json_array_size(ks); i++)
        names_add(&keys, member_str(json_array_get(ks, i), "AttributeName"));
    for (int g = 0; g < 2; g++) {
        const json_t *l =
            json_object_get(desc, g ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes");
        for (size_t i = 0; i < json_array_size(l); i++) {
            const json_t *iks = json_object_get(json_array_get(l, i), "KeySchema");
            for (size_t k = 0; k < json_array_size(iks); k++)
                names_add(&keys, member_str(json_array_get(iks, k), "AttributeName"));
        }
    }
    pq_status rc = PQ_OK;
    json_t *defs = json_array();
    struct names all = {NULL, 0};
    struct pq_buf a = PQ_BUF_INIT, b = PQ_BUF_INIT;
    pq_buf_init(&a);
    pq_buf_init(&b);
    for (size_t i = 0; i < json_array_size(old); i++)
        names_add(&all, member_str(json_array_get(old, i), "AttributeName"));
    for (size_t i = 0; i < json_array_size(req_defs); i++)
        names_add(&all, member_str(json_array_get(req_defs, i), "AttributeName"));
    for (size_t i = 0; i < keys.n; i++) {
        char ot = attr_type(old, keys.v[i]), nt = req_defs ? attr_type(req_defs, keys.v[i]) : 0;
        /* UNCONFIRMED wording for redefining an attribute with another type. */
        if (ot && nt && ot != nt) {
            rc = pq_error_validation(err,
                                     INVALID "Cannot change the type of an existing key attribute "
                                             "%s from %c to %c",
                                     keys.v[i], ot, nt);
            goto out;
        }
        char t = ot ? ot : nt;
        if (!t) {
            add_name_list(&a, keys.v, keys.n);
            add_name_list(&b, all.v, all.n);
            rc =
                pq_error_validation(err,
                                    INVALID "Some index key attributes are not defined in "
                                            "AttributeDefinitions. Keys: %s, AttributeDefinitions: "
                                            "%s",
                                    a.data, b.data);
            goto out;
        }
        char type[2] = {t, 0};
        json_array_append_new(
            defs, json_pack("{s:s, s:s}", "AttributeName", keys.v[i], "AttributeType", type));
    }
    json_object_set(desc, "AttributeDefinitions", defs);
out:
    json_decref(defs);
    free(keys.v);
    free(all.v);
    pq_buf_release(&a);
    pq_buf_release(&b);
    return rc;
}

/* Billing mode and table throughput changes (messages UNCONFIRMED unless
 * shared with CreateTable). */
static pq_status update_billing(struct pq_engine *e, json_t *desc, const json_t *req,
                                struct pq_error *err)
{
    const char *mode = member_str(req, "BillingMode");
    const json_t *thr = member(req, "ProvisionedThroughput");
    bool was_ppr = json_object_get(desc, "BillingModeSummary") &&
                   strcmp(member_str(json_object_get(desc, "BillingModeSummary"), "BillingMode"),
                          "PAY_PER_REQUEST") == 0;
    bool ppr = mode ? strcmp(mode, "PAY_PER_REQUEST") == 0 : was_ppr;
    if (ppr && thr)
        return pq_error_validation(err, INVALID "Neither ReadCapacityUnits nor WriteCapacityUnits "
                                                "can be specified when BillingMode is "
                                                "PAY_PER_REQUEST");
    if (!ppr && was_ppr && !thr)
        return pq_error_validation(err, INVALID "ReadCapacityUnits and WriteCapacityUnits must "
                                                "both be specified when BillingMode is "
                                                "PROVISIONED");
    json_t *pt = json_object_get(desc, "ProvisionedThroughput");
    if (thr && !was_ppr) {
        json_int_t r0 = json_integer_value(json_object_get(pt, "ReadCapacityUnits"));
        json_int_t w0 = json_integer_value(json_object_get(pt, "WriteCapacityUnits"));
        json_int_t r1 = json_integer_value(member(thr, "ReadCapacityUnits"));
        json_int_t w1 = json_integer_value(member(thr, "WriteCapacityUnits"));
        if (r0 == r1 && w0 == w1 && !member(req, "GlobalSecondaryIndexUpdates"))
            return pq_error_validation(
                err,
                "The provisioned throughput for the table will not change. The requested value "
                "equals the current value. Current ReadCapacityUnits provisioned for the table: "
                "%lld. Requested ReadCapacityUnits: %lld. Current WriteCapacityUnits provisioned "
                "for the table: %lld. Requested WriteCapacityUnits: %lld. Refer to the Amazon "
                "DynamoDB Developer Guide for current limits and how to request higher limits.",
                (long long)r0, (long long)r1, (long long)w0, (long long)w1);
        double now = engine_now(e);
        if (r1 < r0 || w1 < w0) {
            /* NumberOfDecreasesToday counts the decreases of the current UTC
             * day: the first decrease of a later day starts it again (it is
             * not reset when a day passes without a decrease: UNCONFIRMED). */
            const json_t *last = json_object_get(pt, "LastDecreaseDateTime");
            json_int_t n = json_integer_value(json_object_get(pt, "NumberOfDecreasesToday"));
            if (!last || (long long)(json_number_value(last) / 86400) != (long long)(now / 86400))
                n = 0;
            json_object_set_new(pt, "NumberOfDecreasesToday", json_integer(n + 1));
            json_object_set_new(pt, "LastDecreaseDateTime", json_real(now));
        } else {
            json_object_set_new(pt, "LastIncreaseDateTime", json_real(now));
        }
    }
    if (thr) {
        json_object_set(pt, "ReadCapacityUnits", member(thr, "ReadCapacityUnits"));
        json_object_set(pt, "WriteCapacityUnits", member(thr, "WriteCapacityUnits"));
    }
    if (ppr && !was_ppr) {
        json_object_set_new(pt, "ReadCapacityUnits", json_integer(0));
        json_object_set_new(pt, "WriteCapacityUnits", json_integer(0));
        json_object_set_new(desc, "BillingModeSummary",
                            json_pack("{s:s, s:f}", "BillingMode", "PAY_PER_REQUEST",
                                      "LastUpdateToPayPerRequestDateTime", engine_now(e)));
    } else if (!ppr && was_ppr) {
        json_object_set_new(desc, "BillingModeSummary",
                            json_pack("{s:s}", "BillingMode", "PROVISIONED"));
    }
    /* GSIs follow the table's mode; switching to provisioned gives them the
     * table's throughput (the service wants it per index: UNCONFIRMED). */
    if (ppr != was_ppr) {
        json_t *gl = json_object_get(desc, "GlobalSecondaryIndexes");
        for (size_t i = 0; i < json_array_size(gl); i++)
            json_object_set_new(json_array_get(gl, i), "ProvisionedThroughput",
                                throughput_json(ppr ? NULL : thr));
    }
    return PQ_OK;
}

pq_status ddl_update_table(struct pq_engine *e, json_t *req, json_t **resp, struct pq_error *err)
{
    struct verrs v = {PQ_BUF_INIT, 0};
    pq_buf_init(&v.text);
    const char *name;
    const struct pq_table_meta *t;
    json_t *desc = NULL, *d = NULL;
    const char *created = NULL, *deleted = NULL;
    json_t *deleted_json = NULL;
    pq_status rc;
    *resp = NULL;
    if (!member(req, "TableName")) {
        pq_buf_release(&v.text);
        return required("TableName", err);
    }
    check_update_constraints(&v, req);
    if ((rc = verrs_finish(&v, err))) return rc;
    const json_t *ups = member(req, "GlobalSecondaryIndexUpdates");
    if (!member(req, "ProvisionedThroughput") && !member(req, "BillingMode") && !ups &&
        !member(req, "StreamSpecification") && !member(req, "SSESpecification") &&
        !member(req, "ReplicaUpdates") && !member(req, "DeletionProtectionEnabled") &&
        !member(req, "TableClass"))
        return pq_error_validation(err, "At least one of ProvisionedThroughput, BillingMode, "
                                        "UpdateStreamEnabled, GlobalSecondaryIndexUpdates or "
                                        "SSESpecification or ReplicaUpdates is required");
    if ((rc = ddl_table_name_arg(req, &name, err)) || (rc = ddl_find_table(e, name, &t, err)))
        return rc;
    desc = json_deep_copy(t->description);
    if ((rc = update_billing(e, desc, req, err))) goto out;
    bool ppr = json_object_get(desc, "BillingModeSummary") &&
               strcmp(member_str(json_object_get(desc, "BillingModeSummary"), "BillingMode"),
                      "PAY_PER_REQUEST") == 0;

    size_t online = 0;
    for (size_t i = 0; i < json_array_size(ups); i++) {
        const json_t *u = json_array_get(ups, i);
        const json_t *c = member(u, "Create"), *dl = member(u, "Delete"), *up = member(u, "Update");
        if ((c != NULL) + (dl != NULL) + (up != NULL) != 1) {
            /* UNCONFIRMED wording. */
            rc = pq_error_validation(err, INVALID "One of GlobalSecondaryIndexUpdate.Create, "
                                                  "GlobalSecondaryIndexUpdate.Update or "
                                                  "GlobalSecondaryIndexUpdate.Delete must be "
                                                  "specified");
            goto out;
        }
        if ((c || dl) && ++online > 1) {
            rc = pq_error_service(err, "LimitExceededException",
                                  "Subscriber limit exceeded: Only 1 online index can be created "
                                  "or deleted simultaneously per table");
            goto out;
        }
        if (c) {
            const char *ixname = member_str(c, "IndexName");
            size_t projected = 0;
            if (find_index_json(desc, "GlobalSecondaryIndexes", ixname, NULL) ||
                find_index_json(desc, "LocalSecondaryIndexes", ixname, NULL)) {
                rc = pq_error_validation(err, "Attempting to create an index which already "
                                              "exists");
                goto out;
            }
            if ((rc = gsi_key_schema(member(c, "KeySchema"), err)) ||
                (rc = check_projection_semantics(c, &projected, err)))
                goto out;
            bool thr = member(c, "ProvisionedThroughput") != NULL;
            if (!ppr && !thr) {
                rc = pq_error_validation(
                    err, INVALID "ProvisionedThroughput must be specified for index: %s", ixname);
                goto out;
            }
            if (ppr && thr) {
                rc = pq_error_validation(err,
                                         INVALID "ProvisionedThroughput should not be specified "
                                                 "for index: %s when BillingMode is "
                                                 "PAY_PER_REQUEST",
                                         ixname);
                goto out;
            }
            json_t *gl = json_object_get(desc, "GlobalSecondaryIndexes");
            if (!gl) {
                gl = json_array();
                json_object_set_new(desc, "GlobalSecondaryIndexes", gl);
            }
            if (json_array_size(gl) >= MAX_GSI) {
                rc = pq_error_validation(
                    err, INVALID "GlobalSecondaryIndex count exceeds the per-table limit of %d",
                    MAX_GSI);
                goto out;
            }
            json_array_append_new(gl, index_json(c, true, member_str(desc, "TableArn"), ppr));
            created = ixname;
        } else if (dl) {
            const char *ixname = member_str(dl, "IndexName");
            size_t at = 0;
            json_t *ix = find_index_json(desc, "GlobalSecondaryIndexes", ixname, &at);
            /* UNCONFIRMED: error type and text for deleting an unknown index. */
            if (!ix) {
                rc = pq_error_service(err, "ResourceNotFoundException",
                                      "Requested resource not found: Index: %s not found", ixname);
                goto out;
            }
            deleted_json = json_deep_copy(ix);
            json_t *gl = json_object_get(desc, "GlobalSecondaryIndexes");
            json_array_remove(gl, at);
            if (json_array_size(gl) == 0) json_object_del(desc, "GlobalSecondaryIndexes");
            deleted = ixname;
        } else {
            const char *ixname = member_str(up, "IndexName");
            json_t *ix = find_index_json(desc, "GlobalSecondaryIndexes", ixname, NULL);
            if (!ix) {
                rc = pq_error_service(err, "ResourceNotFoundException",
                                      "Requested resource not found: Index: %s not found", ixname);
                goto out;
            }
            if (ppr) {
                rc = pq_error_validation(err,
                                         INVALID "ProvisionedThroughput should not be specified "
                                                 "for index: %s when BillingMode is "
                                                 "PAY_PER_REQUEST",
                                         ixname);
                goto out;
            }
            json_object_set_new(ix, "ProvisionedThroughput",
                                throughput_json(member(up, "ProvisionedThroughput")));
        }
    }
    if ((rc = merge_definitions(desc, member(req, "AttributeDefinitions"), err)) ||
        (rc = streams_on_update(e, t, desc, member(req, "StreamSpecification"), err)))
        goto out;
    if (member(req, "DeletionProtectionEnabled"))
        json_object_set(desc, "DeletionProtectionEnabled",
                        member(req, "DeletionProtectionEnabled"));
    const char *cls = member_str(req, "TableClass");
    if (cls) json_object_set_new(desc, "TableClassSummary", json_pack("{s:s}", "TableClass", cls));

    rc = store_table_update(e->store, t, desc, err);
    desc = NULL;
    if (rc) goto out;
    if (created && (rc = store_index_create(e->store, t, created, err))) goto out;
    if (deleted && (rc = store_index_drop(e->store, t, deleted, err))) goto out;
    if ((rc = describe(e, t, "UPDATING", &d, err))) goto out;
    /* The engine builds an index at once; the answer still shows the
     * service's transitional states, DescribeTable then shows ACTIVE. */
    json_t *gl = json_object_get(d, "GlobalSecondaryIndexes");
    if (created) {
        json_t *ix = find_index_json(d, "GlobalSecondaryIndexes", created, NULL);
        json_object_set_new(ix, "IndexStatus", json_string("CREATING"));
        json_object_set_new(ix, "Backfilling", json_false());
    }
    if (deleted_json) {
        json_object_set_new(deleted_json, "IndexStatus", json_string("DELETING"));
        if (!gl) {
            gl = json_array();
            json_object_set_new(d, "GlobalSecondaryIndexes", gl);
        }
        json_array_append(gl, deleted_json);
    }
    *resp = json_pack("{s:o}", "TableDescription", d);
out:
    if (desc) json_decref(desc);
    if (deleted_json) json_decref(deleted_json);
    return rc;
}
