/* index.c — secondary indexes: key schemas from the description, entries, projections.
 *
 * An index is described once, in the table's TableDescription
 * (LocalSecondaryIndexes / GlobalSecondaryIndexes with KeySchema and
 * Projection; key types from AttributeDefinitions). The store keeps one entry
 * table per index holding only keys; an item is in the index when it holds
 * every index key attribute with the defined type (sparse indexes). What an
 * index read returns is the projection of the base item, computed here.
 */
#include "engine/internal.h"

#include <stdlib.h>
#include <string.h>

#include "pqsh/value.h"

static char def_type(const json_t *defs, const char *name)
{
    for (size_t i = 0; i < json_array_size(defs); i++) {
        const json_t *d = json_array_get(defs, i);
        const char *n = json_string_value(json_object_get(d, "AttributeName"));
        const char *t = json_string_value(json_object_get(d, "AttributeType"));
        if (n && t && strcmp(n, name) == 0) return t[0];
    }
    return 'S';
}

static void parse_one(const json_t *defs, const json_t *ix, bool global, struct pq_index_meta *m)
{
    memset(m, 0, sizeof *m);
    m->name = pq_xstrdup(json_string_value(json_object_get(ix, "IndexName")));
    m->global = global;
    const json_t *ks = json_object_get(ix, "KeySchema");
    for (size_t k = 0; k < json_array_size(ks); k++) {
        const json_t *e = json_array_get(ks, k);
        const char *n = json_string_value(json_object_get(e, "AttributeName"));
        const char *kt = json_string_value(json_object_get(e, "KeyType"));
        bool range = kt && strcmp(kt, "RANGE") == 0;
        size_t *count = range ? &m->nrange : &m->nhash;
        if (!n || *count == PQ_IX_MAX_KEYS) continue;
        struct pq_key_attr *a = range ? &m->ranges[(*count)++] : &m->hashes[(*count)++];
        a->name = pq_xstrdup(n);
        a->type = def_type(defs, n);
    }
    m->hash = m->hashes[0];
    if (m->nrange) m->range = m->ranges[0];
    m->multi = m->nhash > 1 || m->nrange > 1;
    const json_t *pr = json_object_get(ix, "Projection");
    const char *pt = json_string_value(json_object_get(pr, "ProjectionType"));
    m->projection = !pt || strcmp(pt, "ALL") == 0  ? PQ_IXP_ALL
                    : strcmp(pt, "KEYS_ONLY") == 0 ? PQ_IXP_KEYS_ONLY
                                                   : PQ_IXP_INCLUDE;
    const json_t *nk = json_object_get(pr, "NonKeyAttributes");
    if (json_array_size(nk)) {
        m->include = pq_xcalloc(json_array_size(nk), sizeof *m->include);
        for (size_t i = 0; i < json_array_size(nk); i++)
            m->include[m->ninclude++] = pq_xstrdup(json_string_value(json_array_get(nk, i)));
    }
}

void index_meta_parse(const json_t *desc, struct pq_index_meta **out, size_t *n)
{
    const json_t *defs = json_object_get(desc, "AttributeDefinitions");
    const json_t *lsis = json_object_get(desc, "LocalSecondaryIndexes");
    const json_t *gsis = json_object_get(desc, "GlobalSecondaryIndexes");
    size_t total = json_array_size(lsis) + json_array_size(gsis);
    *out = total ? pq_xcalloc(total, sizeof **out) : NULL;
    *n = 0;
    for (size_t i = 0; i < json_array_size(lsis); i++)
        parse_one(defs, json_array_get(lsis, i), false, &(*out)[(*n)++]);
    for (size_t i = 0; i < json_array_size(gsis); i++)
        parse_one(defs, json_array_get(gsis, i), true, &(*out)[(*n)++]);
}

void index_meta_free(struct pq_index_meta *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].name);
        for (size_t j = 0; j < v[i].nhash; j++)
            free(v[i].hashes[j].name);
        for (size_t j = 0; j < v[i].nrange; j++)
            free(v[i].ranges[j].name);
        for (size_t j = 0; j < v[i].ninclude; j++)
            free(v[i].include[j]);
        free(v[i].include);
    }
    free(v);
}

const struct pq_index_meta *index_find(const struct pq_table_meta *t, const char *name)
{
    for (size_t i = 0; i < t->nindexes; i++)
        if (strcmp(t->indexes[i].name, name) == 0) return &t->indexes[i];
    return NULL;
}

static bool encode_attr(const struct pq_key_attr *a, const json_t *item, struct pq_buf *out)
{
    const json_t *v = json_object_get(item, a->name);
    if (!v || pq_value_type(v) != pq_type_from_name((char[]){a->type, 0})) return false;
    return pq_value_encode_key(v, out);
}

bool index_key_append(const json_t *v, bool open, struct pq_buf *out)
{
    struct pq_buf one = PQ_BUF_INIT;
    pq_buf_init(&one);
    bool ok = pq_value_encode_key(v, &one);
    for (size_t i = 0; ok && i < one.len; i++) {
        pq_buf_addc(out, one.data[i]);
        if (one.data[i] == '\0') pq_buf_addc(out, (char)0xff);
    }
    if (ok && !open) pq_buf_add(out, "\0\1", 2);
    pq_buf_release(&one);
    return ok;
}

/* One side of the key: a single attribute as it encodes, several each
 * escaped and terminated. */
static bool encode_side(const struct pq_key_attr *attrs, size_t n, const json_t *item,
                        struct pq_buf *out)
{
    if (n == 1) return encode_attr(&attrs[0], item, out);
    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_object_get(item, attrs[i].name);
        if (!v || pq_value_type(v) != pq_type_from_name((char[]){attrs[i].type, 0}) ||
            !index_key_append(v, false, out))
            return false;
    }
    return true;
}

bool index_key_of(const struct pq_index_meta *ix, const json_t *item, struct pq_buf *ihk,
                  struct pq_buf *irk)
{
    pq_buf_reset(ihk);
    pq_buf_reset(irk);
    if (!encode_side(ix->hashes, ix->nhash, item, ihk)) return false;
    return !ix->nrange || encode_side(ix->ranges, ix->nrange, item, irk);
}

bool index_has_key(const struct pq_index_meta *ix, const char *attr)
{
    for (size_t i = 0; i < ix->nhash; i++)
        if (strcmp(ix->hashes[i].name, attr) == 0) return true;
    for (size_t i = 0; i < ix->nrange; i++)
        if (strcmp(ix->ranges[i].name, attr) == 0) return true;
    return false;
}

bool index_projects(const struct pq_table_meta *t, const struct pq_index_meta *ix, const char *attr)
{
    if (ix->projection == PQ_IXP_ALL) return true;
    if (index_has_key(ix, attr)) return true;
    const char *keys[2] = {t->hash.name, t->range.name};
    for (int i = 0; i < 2; i++)
        if (keys[i] && strcmp(keys[i], attr) == 0) return true;
    for (size_t i = 0; i < ix->ninclude; i++)
        if (strcmp(ix->include[i], attr) == 0) return true;
    return false;
}

json_t *index_project(const struct pq_table_meta *t, const struct pq_index_meta *ix,
                      const json_t *item)
{
    if (ix->projection == PQ_IXP_ALL) return json_incref((json_t *)item);
    json_t *out = json_object();
    const char *name;
    json_t *v;
    json_object_foreach((json_t *)item, name, v)
    {
        if (index_projects(t, ix, name)) json_object_set(out, name, v);
    }
    return out;
}

size_t index_entry_size(const struct pq_table_meta *t, const struct pq_index_meta *ix,
                        const json_t *item)
{
    if (ix->projection == PQ_IXP_ALL) return pq_item_size(item);
    json_t *p = index_project(t, ix, item);
    size_t n = pq_item_size(p);
    json_decref(p);
    return n;
}

size_t index_key_attrs(const struct pq_index_meta *ix,
                       const struct pq_key_attr *out[2 * PQ_IX_MAX_KEYS])
{
    size_t n = 0;
    for (size_t k = 0; k < ix->nhash; k++)
        out[n++] = &ix->hashes[k];
    for (size_t k = 0; k < ix->nrange; k++)
        out[n++] = &ix->ranges[k];
    return n;
}

/* A write must give each index key attribute it holds the type the index
 * defines, and never an empty string or binary: the texts are those the
 * service sends for item writes (PartiQL writes are item writes underneath). */
pq_status index_check_item(const struct pq_table_meta *t, const json_t *item, struct pq_error *err)
{
    for (size_t i = 0; i < t->nindexes; i++) {
        const struct pq_index_meta *ix = &t->indexes[i];
        const struct pq_key_attr *keys[2 * PQ_IX_MAX_KEYS];
        size_t nkeys = index_key_attrs(ix, keys);
        for (size_t k = 0; k < nkeys; k++) {
            const json_t *v = json_object_get(item, keys[k]->name);
            if (!v) continue;
            pq_type want = pq_type_from_name((char[]){keys[k]->type, 0});
            pq_type got = pq_value_type(v);
            if (got != want)
                return pq_error_validation(err,
                                           "One or more parameter values were invalid: Type "
                                           "mismatch for Index Key %s Expected: %c Actual: %s "
                                           "IndexName: %s",
                                           keys[k]->name, keys[k]->type, pq_type_name(got),
                                           ix->name);
            if (want != PQ_T_N && json_string_length(pq_value_payload(v)) == 0)
                return pq_error_validation(
                    err,
                    "One or more parameter values are not valid. A value specified for a "
                    "secondary index key is not supported. The AttributeValue for a key "
                    "attribute cannot contain an empty %s value. IndexName: %s, IndexKey: %s",
                    want == PQ_T_S ? "string" : "binary", ix->name, keys[k]->name);
        }
    }
    return PQ_OK;
}
