/* litcache.c — pq_lit_scalar(): the AttributeValue of a string or number
 * literal, shared between statements that write the same one (ast.h).
 *
 * A bulk script writes the same attribute names (tuple keys) and many of the
 * same values in every statement; making {"S": "name"} costs five
 * allocations and freeing it five more. Each thread keeps the last literals
 * it made in a small direct-mapped table and hands out new references to
 * them. The values are never changed in place while anyone else holds them
 * (ast.h says so for every LIT payload), so sharing one is not visible; a
 * slot's value nobody else holds any more is given the next literal's text
 * that lands there, instead of being freed for a new one.
 */
#include "pqsh/ast.h"
#include "pqsh/thread.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum {
    LIT_SLOTS = 128,  /* a power of two */
    LIT_MAX_LEN = 64, /* longer texts are rarely repeated: not kept */
};

struct lit_slot {
    json_t *value;   /* {type: text}, one reference held by the table; NULL if empty */
    json_t *payload; /* its text (borrowed from `value`) */
    size_t len;
};

/* One table per type, so that a slot's value can always take the text of
 * the next literal landing there (its key stays). */
struct lit_table {
    struct lit_slot slot[2][LIT_SLOTS]; /* [0] "S", [1] "N" */
    bool registered;                    /* the thread-exit destructor knows this table */
};

static _Thread_local struct lit_table lit_table;

static void lit_table_drain(void *p)
{
    struct lit_table *t = p;
    for (size_t k = 0; k < 2; k++) {
        for (size_t i = 0; i < LIT_SLOTS; i++) {
            if (t->slot[k][i].value) json_decref(t->slot[k][i].value);
            t->slot[k][i].value = NULL;
        }
    }
}

/* {type: text}; *payload (if not NULL) receives its string. */
static json_t *make(const char *type, const char *text, size_t len, json_t **payload)
{
    json_t *o = json_object();
    json_t *s = json_stringn_nocheck(text, len);
    if (!o || !s || json_object_set_new_nocheck(o, type, s)) abort(); /* out of memory */
    if (payload) *payload = s;
    return o;
}

/* A hash of the type and text, eight bytes at a time (a bulk script's
 * attribute names are 10–20 bytes: FNV-1a byte by byte was a third of a
 * lookup). Only the low bits pick a slot; equality is checked in full. */
static uint32_t lit_hash(const char *text, size_t len)
{
    uint64_t h = 0x9e3779b97f4a7c15u ^ len;
    uint64_t w;
    for (; len >= 8; len -= 8, text += 8) {
        memcpy(&w, text, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdu;
        h ^= h >> 32;
    }
    w = 0;
    memcpy(&w, text, len);
    h = (h ^ w) * 0xff51afd7ed558ccdu;
    h ^= h >> 33; /* murmur3's finish: every bit of h reaches the low ones */
    h *= 0xc4ceb9fe1a85ec53u;
    return (uint32_t)(h ^ (h >> 33));
}

/* Whether the table holds the only reference to `v`: then no tree and no
 * other thread can see it, so its text may be replaced for a new literal
 * — one allocation for the text instead of freeing five
 * and making five. The count is read with an acquire load, pairing with
 * jansson's releasing decrement: whatever another thread did with the
 * value before dropping its reference happened before the change. */
static bool only_ours(json_t *v)
{
    return PQ_THREAD_REUSE && pq_thread_holders(v) == 1;
}

json_t *pq_lit_scalar(const char *type, const char *text, size_t len)
{
    char t = type[0];
    if (len > LIT_MAX_LEN || (t != 'S' && t != 'N') || type[1]) return make(type, text, len, NULL);
    struct lit_table *tab = &lit_table;
    struct lit_slot *sl = &tab->slot[t == 'N'][lit_hash(text, len) & (LIT_SLOTS - 1)];
    if (sl->value) {
        if (sl->len == len && memcmp(json_string_value(sl->payload), text, len) == 0)
            return json_incref(sl->value);
        if (only_ours(sl->value) && only_ours(sl->payload)) {
            /* The payload is this slot's own string, held by nobody else
             * either (pq_literal_eval's new {"S": …} and a set share the
             * string alone): jansson frees its old text and copies the new. */
            if (json_string_setn_nocheck(sl->payload, text, len)) abort(); /* out of memory */
            sl->len = len;
            return json_incref(sl->value);
        }
    }
    json_t *payload;
    json_t *v = make(type, text, len, &payload);
    if (!tab->registered) {
        if (!pq_thread_at_exit(lit_table_drain, tab)) return v; /* not kept: no harm */
        tab->registered = true;
    }
    if (sl->value) json_decref(sl->value);
    sl->value = json_incref(v);
    sl->payload = payload;
    sl->len = len;
    return v;
}
