/* capacity.c — ConsumedCapacity: DynamoDB's read and write units for one API call.
 *
 * Rules (reference §2.4, §2.5, DG CapacityUnitCalculations):
 *   reads   one unit per 4 KB read, rounded up per operation (a key lookup
 *           rounds its item; a Query/Scan range rounds the sum of the items
 *           it evaluated, before filtering); at least one unit even when
 *           nothing is found; eventually consistent reads cost half;
 *   writes  one unit per 1 KB of the larger of the old and new item, at
 *           least one (deleting an absent item costs one too);
 *   indexes a write costs each index it touches: the projected entry's
 *           units when the item enters, leaves or changes in the index, both
 *           when the index key changes (delete + put), nothing when the entry
 *           is unchanged or the item is not in the index;
 *   transactions cost twice as much (the `factor`).
 *
 * The response shape (§3.1): TOTAL gives {TableName, CapacityUnits} plus
 * ReadCapacityUnits / WriteCapacityUnits when non-zero; INDEXES adds
 * "Table" (left out when only indexes were read) and per-index maps. That
 * the read/write split is reported outside transactions as well is
 * UNCONFIRMED.
 *
 * ItemCollectionMetrics (§11.3): the size of an item collection — the items
 * sharing a partition key value plus their entries in the table's local
 * secondary indexes — as SizeEstimateRangeGB [lower, upper] with lower =
 * floor(bytes / 2^30) and upper = lower + 1 (UNCONFIRMED: AWS calls it an
 * estimate and documents no formula).
 */
#include "engine/capacity.h"
#include "engine/collections.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pqsh/value.h"

struct cap_units {
    double read, write;
};

struct cap_index {
    char *name;
    bool global;
    struct cap_units u;
};

struct cap_table {
    char *name;
    struct cap_units table;
    struct cap_index *ix;
    size_t nix;
};

struct pq_capacity {
    double factor;
    bool indexes;
    struct cap_table *t;
    size_t n;
};

struct pq_capacity *cap_new(const char *mode, double factor)
{
    if (!mode || (strcmp(mode, "TOTAL") != 0 && strcmp(mode, "INDEXES") != 0)) return NULL;
    struct pq_capacity *c = pq_xcalloc(1, sizeof *c);
    c->factor = factor;
    c->indexes = strcmp(mode, "INDEXES") == 0;
    return c;
}

void cap_free(struct pq_capacity *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->n; i++) {
        for (size_t j = 0; j < c->t[i].nix; j++)
            free(c->t[i].ix[j].name);
        free(c->t[i].ix);
        free(c->t[i].name);
    }
    free(c->t);
    free(c);
}

static struct cap_table *table_of(struct pq_capacity *c, const char *name)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->t[i].name, name) == 0) return &c->t[i];
    c->t = pq_xrealloc(c->t, (c->n + 1) * sizeof *c->t);
    struct cap_table *t = &c->t[c->n++];
    memset(t, 0, sizeof *t);
    t->name = pq_xstrdup(name);
    return t;
}

static struct cap_units *units_of(struct pq_capacity *c, const struct pq_table_meta *t,
                                  const struct pq_index_meta *ix)
{
    struct cap_table *ct = table_of(c, t->name);
    if (!ix) return &ct->table;
    for (size_t i = 0; i < ct->nix; i++)
        if (strcmp(ct->ix[i].name, ix->name) == 0) return &ct->ix[i].u;
    ct->ix = pq_xrealloc(ct->ix, (ct->nix + 1) * sizeof *ct->ix);
    struct cap_index *ci = &ct->ix[ct->nix++];
    memset(ci, 0, sizeof *ci);
    ci->name = pq_xstrdup(ix->name);
    ci->global = ix->global;
    return &ci->u;
}

double cap_read_units(size_t bytes, bool consistent)
{
    double units = bytes ? ceil((double)bytes / 4096.0) : 1.0;
    return consistent ? units : units / 2;
}

double cap_write_units(size_t bytes)
{
    return bytes ? ceil((double)bytes / 1024.0) : 1.0;
}

void cap_read(struct pq_engine *e, const struct pq_table_meta *t, const struct pq_index_meta *ix,
              size_t bytes, bool consistent)
{
    if (!e->cap) return;
    units_of(e->cap, t, ix)->read += e->cap->factor * cap_read_units(bytes, consistent);
}

/* Units one index is charged for a write from `old` to `new_` (either NULL). */
static double index_write_units(const struct pq_table_meta *t, const struct pq_index_meta *ix,
                                const json_t *old, const json_t *new_)
{
    struct pq_buf oh = PQ_BUF_INIT, orr = PQ_BUF_INIT, nh = PQ_BUF_INIT, nr = PQ_BUF_INIT;
    pq_buf_init(&oh);
    pq_buf_init(&orr);
    pq_buf_init(&nh);
    pq_buf_init(&nr);
    bool in_old = old && index_key_of(ix, old, &oh, &orr);
    bool in_new = new_ && index_key_of(ix, new_, &nh, &nr);
    double units = 0;
    json_t *po = in_old ? index_project(t, ix, old) : NULL;
    json_t *pn = in_new ? index_project(t, ix, new_) : NULL;
    if (in_old && in_new) {
        bool same_key = oh.len == nh.len && orr.len == nr.len &&
                        memcmp(oh.data, nh.data, oh.len) == 0 &&
                        memcmp(orr.data, nr.data, orr.len) == 0;
        if (!same_key)
            units = cap_write_units(pq_item_size(po)) + cap_write_units(pq_item_size(pn));
        else if (!item_equal(po, pn))
            units = cap_write_units(pq_item_size(po) > pq_item_size(pn) ? pq_item_size(po)
                                                                        : pq_item_size(pn));
    } else if (in_old) {
        units = cap_write_units(pq_item_size(po));
    } else if (in_new) {
        units = cap_write_units(pq_item_size(pn));
    }
    if (po) json_decref(po);
    if (pn) json_decref(pn);
    pq_buf_release(&oh);
    pq_buf_release(&orr);
    pq_buf_release(&nh);
    pq_buf_release(&nr);
    return units;
}

void cap_write(struct pq_engine *e, const struct pq_table_meta *t, const json_t *old,
               const json_t *new_)
{
    if (!e->cap) return;
    size_t a = old ? pq_item_size(old) : 0, b = new_ ? pq_item_size(new_) : 0;
    units_of(e->cap, t, NULL)->write += e->cap->factor * cap_write_units(a > b ? a : b);
    for (size_t i = 0; i < t->nindexes; i++) {
        double u = index_write_units(t, &t->indexes[i], old, new_);
        if (u > 0) units_of(e->cap, t, &t->indexes[i])->write += e->cap->factor * u;
    }
}

void cap_check(struct pq_engine *e, const struct pq_table_meta *t, const json_t *item)
{
    if (!e->cap) return;
    units_of(e->cap, t, NULL)->write +=
        e->cap->factor * cap_write_units(item ? pq_item_size(item) : 0);
}

static void add_units(json_t *o, const struct cap_units *u)
{
    json_object_set_new(o, "CapacityUnits", json_real(u->read + u->write));
    if (u->read > 0) json_object_set_new(o, "ReadCapacityUnits", json_real(u->read));
    if (u->write > 0) json_object_set_new(o, "WriteCapacityUnits", json_real(u->write));
}

static json_t *table_json(const struct pq_capacity *c, const struct cap_table *t)
{
    struct cap_units total = t->table;
    for (size_t i = 0; i < t->nix; i++) {
        total.read += t->ix[i].u.read;
        total.write += t->ix[i].u.write;
    }
    json_t *o = json_pack("{s:s}", "TableName", t->name);
    add_units(o, &total);
    if (!c->indexes) return o;
    /* A Query or Scan of an index reports only the index (§11.1). */
    if (t->table.read + t->table.write > 0 || !t->nix) {
        json_t *tab = json_object();
        add_units(tab, &t->table);
        json_object_set_new(o, "Table", tab);
    }
    for (int g = 0; g < 2; g++) {
        json_t *m = NULL;
        for (size_t i = 0; i < t->nix; i++) {
            if (t->ix[i].global != (g == 1)) continue;
            if (!m) m = json_object();
            json_t *u = json_object();
            add_units(u, &t->ix[i].u);
            json_object_set_new(m, t->ix[i].name, u);
        }
        if (m) json_object_set_new(o, g ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes", m);
    }
    return o;
}

json_t *cap_one_json(const struct pq_capacity *c)
{
    return c->n ? table_json(c, &c->t[0]) : NULL;
}

json_t *cap_list_json(const struct pq_capacity *c)
{
    json_t *list = json_array();
    for (size_t i = 0; i < c->n; i++)
        json_array_append_new(list, table_json(c, &c->t[i]));
    return list;
}

bool cap_wants_metrics(const char *mode, const struct pq_table_meta *t)
{
    if (!mode || strcmp(mode, "SIZE") != 0) return false;
    return coll_tracked(t);
}

pq_status cap_item_collection(struct pq_engine *e, const struct pq_table_meta *t, const json_t *key,
                              json_t **out, struct pq_error *err)
{
    /* The figure store.c keeps for the collection limit (collections.c). */
    struct pq_key k;
    int64_t bytes = 0;
    *out = NULL;
    store_key_init(&k);
    store_key_from_item(t, key, &k);
    pq_status st = coll_size(e->store, t, &k.hk, &bytes, err);
    store_key_release(&k);
    if (st) return st;
    double lower = floor((double)bytes / (1024.0 * 1024.0 * 1024.0));
    *out = json_pack("{s:{s:O}, s:[f, f]}", "ItemCollectionKey", t->hash.name,
                     json_object_get(key, t->hash.name), "SizeEstimateRangeGB", lower, lower + 1);
    return PQ_OK;
}
