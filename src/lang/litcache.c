/* litcache.c — pq_lit_scalar(): the AttributeValue of a string or number
 * literal, shared between statements that write the same one (ast.h).
 *
 * A bulk script writes the same attribute names (tuple keys) and many of the
 * same values in every statement; making {"S": "name"} costs five
 * allocations and freeing it five more. Each thread keeps the last literals
 * it made in a small direct-mapped table and hands out new references to
 * them. The values are never changed in place (ast.h says so for every LIT
 * payload), so sharing one is not visible.
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
    json_t *value;         /* {type: text}, one reference held by the table; NULL if empty */
    const json_t *payload; /* its text (borrowed from `value`) */
    char type;             /* 'S' or 'N' */
    size_t len;
};

struct lit_table {
    struct lit_slot slot[LIT_SLOTS];
    bool registered; /* the thread-exit destructor knows this table */
};

static _Thread_local struct lit_table lit_table;

static void lit_table_drain(void *p)
{
    struct lit_table *t = p;
    for (size_t i = 0; i < LIT_SLOTS; i++) {
        if (t->slot[i].value) json_decref(t->slot[i].value);
        t->slot[i].value = NULL;
    }
}

/* {type: text}; *payload (if not NULL) receives its string. */
static json_t *make(const char *type, const char *text, size_t len, const json_t **payload)
{
    json_t *o = json_object();
    json_t *s = json_stringn_nocheck(text, len);
    if (!o || !s || json_object_set_new_nocheck(o, type, s)) abort(); /* out of memory */
    if (payload) *payload = s;
    return o;
}

json_t *pq_lit_scalar(const char *type, const char *text, size_t len)
{
    char t = type[0];
    if (len > LIT_MAX_LEN || (t != 'S' && t != 'N') || type[1]) return make(type, text, len, NULL);
    uint32_t h = 2166136261u ^ (unsigned char)t; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)text[i]) * 16777619u;
    struct lit_table *tab = &lit_table;
    struct lit_slot *sl = &tab->slot[h & (LIT_SLOTS - 1)];
    if (sl->value && sl->type == t && sl->len == len) {
        if (memcmp(json_string_value(sl->payload), text, len) == 0) return json_incref(sl->value);
    }
    const json_t *payload;
    json_t *v = make(type, text, len, &payload);
    if (!tab->registered) {
        if (!pq_thread_at_exit(lit_table_drain, tab)) return v; /* not kept: no harm */
        tab->registered = true;
    }
    if (sl->value) json_decref(sl->value);
    sl->value = json_incref(v);
    sl->payload = payload;
    sl->type = t;
    sl->len = len;
    return v;
}
