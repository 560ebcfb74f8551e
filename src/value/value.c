/* value.c — AttributeValues: type tags, constructors, equality, ordering, size, key encoding. */
#define _GNU_SOURCE /* qsort_r */
#include "pqsh/value.h"
#include "value_internal.h"

#include <stdlib.h>
#include <string.h>

static const char *const type_names[] = {
    [PQ_T_NONE] = "",     [PQ_T_S] = "S",       [PQ_T_N] = "N",   [PQ_T_B] = "B",
    [PQ_T_BOOL] = "BOOL", [PQ_T_NULL] = "NULL", [PQ_T_M] = "M",   [PQ_T_L] = "L",
    [PQ_T_SS] = "SS",     [PQ_T_NS] = "NS",     [PQ_T_BS] = "BS",
};

const char *pq_type_name(pq_type t)
{
    if ((unsigned)t >= sizeof type_names / sizeof type_names[0]) return "";
    return type_names[t];
}

pq_type pq_type_from_name(const char *name)
{
    for (pq_type t = PQ_T_S; t <= PQ_T_BS; t++)
        if (strcmp(type_names[t], name) == 0) return t;
    return PQ_T_NONE;
}

/* The tag named `k`, decided on its first bytes (pq_type_from_name's
 * answer, without a string comparison per tag: every value is typed through
 * here, several times per attribute written). */
pq_type value_tag_of(const char *k)
{
    switch (k[0]) {
    case 'S':
        return k[1] == 0 ? PQ_T_S : k[1] == 'S' && k[2] == 0 ? PQ_T_SS : PQ_T_NONE;
    case 'N':
        if (k[1] == 0) return PQ_T_N;
        if (k[1] == 'S' && k[2] == 0) return PQ_T_NS;
        return strcmp(k, "NULL") == 0 ? PQ_T_NULL : PQ_T_NONE;
    case 'B':
        if (k[1] == 0) return PQ_T_B;
        if (k[1] == 'S' && k[2] == 0) return PQ_T_BS;
        return strcmp(k, "BOOL") == 0 ? PQ_T_BOOL : PQ_T_NONE;
    case 'M':
        return k[1] == 0 ? PQ_T_M : PQ_T_NONE;
    case 'L':
        return k[1] == 0 ? PQ_T_L : PQ_T_NONE;
    default:
        return PQ_T_NONE;
    }
}

pq_type pq_value_split(const json_t *av, json_t **payload)
{
    *payload = NULL;
    if (!json_is_object(av) || json_object_size(av) != 1) return PQ_T_NONE;
    void *it = json_object_iter((json_t *)av);
    pq_type t = value_tag_of(json_object_iter_key(it));
    if (t != PQ_T_NONE) *payload = json_object_iter_value(it);
    return t;
}

pq_type pq_value_type(const json_t *av)
{
    json_t *p;
    return pq_value_split(av, &p);
}

json_t *pq_value_payload(const json_t *av)
{
    json_t *p;
    pq_value_split(av, &p);
    return p;
}

json_t *pq_value_new(pq_type t, json_t *payload)
{
    json_t *o = json_object();
    if (!o || !payload || t == PQ_T_NONE) {
        json_decref(o);
        json_decref(payload);
        return NULL;
    }
    json_object_set_new(o, pq_type_name(t), payload);
    return o;
}

json_t *pq_value_new_s(const char *s, size_t len)
{
    return pq_value_new(PQ_T_S, json_stringn(s, len));
}

json_t *pq_value_new_n(const struct pq_decimal *d)
{
    char text[PQ_DECIMAL_TEXT_MAX];
    size_t n = pq_decimal_format(d, text);
    return pq_value_new(PQ_T_N, json_stringn(text, n));
}

json_t *pq_value_new_b(const void *bytes, size_t len)
{
    struct pq_buf b;
    pq_buf_init(&b);
    pq_base64_encode(bytes, len, &b);
    json_t *v = pq_value_new(PQ_T_B, json_stringn(b.data, b.len));
    pq_buf_release(&b);
    return v;
}

json_t *pq_value_new_bool(bool b)
{
    return pq_value_new(PQ_T_BOOL, json_boolean(b));
}

json_t *pq_value_new_null(void)
{
    return pq_value_new(PQ_T_NULL, json_true());
}

pq_decimal_fail pq_value_number(const json_t *av, struct pq_decimal *out)
{
    json_t *p = pq_value_type(av) == PQ_T_N ? pq_value_payload(av) : NULL;
    if (!json_is_string(p)) return PQ_DEC_NOT_A_NUMBER;
    return pq_decimal_parse(json_string_value(p), json_string_length(p), out);
}

/* ---- byte keys: one comparable byte string per S / N / B -------------- */

bool value_scalar_key(pq_type t, const json_t *s, struct pq_buf *out)
{
    if (!json_is_string(s)) return false;
    const char *text = json_string_value(s);
    size_t len = json_string_length(s);
    switch (t) {
    case PQ_T_S:
    case PQ_T_SS:
        pq_buf_add(out, text, len);
        return true;
    case PQ_T_N:
    case PQ_T_NS: {
        struct pq_decimal d;
        /* Accept what either parser accepts: stored values are canonical. */
        if (pq_decimal_parse(text, len, &d) != PQ_DEC_OK &&
            pq_decimal_parse_partiql(text, len, &d) != PQ_DEC_OK)
            return false;
        pq_decimal_encode_key(&d, out);
        return true;
    }
    case PQ_T_B:
    case PQ_T_BS:
        return pq_base64_decode(text, len, out);
    default:
        return false;
    }
}

int value_key_cmp(const struct value_key *a, const struct value_key *b)
{
    size_t n = a->b.len < b->b.len ? a->b.len : b->b.len;
    int c = memcmp(a->b.data, b->b.data, n);
    if (c) return c < 0 ? -1 : 1;
    if (a->b.len != b->b.len) return a->b.len < b->b.len ? -1 : 1;
    return 0;
}

static int key_qsort_cmp(const void *a, const void *b, void *work)
{
    if (work) ++*(size_t *)work;
    int c = value_key_cmp(a, b);
    if (c) return c;
    const struct value_key *ka = a, *kb = b;
    return ka->idx < kb->idx ? -1 : ka->idx > kb->idx;
}

void value_keys_free(struct value_key *k, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pq_buf_release(&k[i].b);
    free(k);
}

struct value_key *value_set_keys(pq_type t, const json_t *arr, size_t *n, size_t *work)
{
    size_t count = json_array_size(arr);
    struct value_key *k = pq_xcalloc(count, sizeof *k);
    for (size_t i = 0; i < count; i++) {
        pq_buf_init(&k[i].b);
        k[i].idx = i;
        if (!value_scalar_key(t, json_array_get(arr, i), &k[i].b)) {
            value_keys_free(k, i + 1);
            return NULL;
        }
    }
    qsort_r(k, count, sizeof *k, key_qsort_cmp, work);
    *n = count;
    return k;
}

bool value_keys_duplicate(const struct value_key *k, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (value_key_cmp(&k[i - 1], &k[i]) == 0) return true;
    return false;
}

bool pq_value_set_has_duplicates(const json_t *av)
{
    pq_type t = pq_value_type(av);
    if (t != PQ_T_SS && t != PQ_T_NS && t != PQ_T_BS) return false;
    size_t n = 0;
    struct value_key *k = value_set_keys(t, pq_value_payload(av), &n, NULL);
    bool dup = k && value_keys_duplicate(k, n);
    value_keys_free(k, n);
    return dup;
}

/* ---- equality and ordering ------------------------------------------- */

static bool sets_equal(pq_type t, const json_t *a, const json_t *b)
{
    size_t na = 0, nb = 0;
    bool eq = false;
    if (json_array_size(a) != json_array_size(b)) return false;
    struct value_key *ka = value_set_keys(t, a, &na, NULL);
    struct value_key *kb = value_set_keys(t, b, &nb, NULL);
    if (!ka || !kb) goto out;
    eq = true;
    for (size_t i = 0; eq && i < na; i++)
        eq = value_key_cmp(&ka[i], &kb[i]) == 0;
out:
    value_keys_free(ka, na);
    value_keys_free(kb, nb);
    return eq;
}

/* Compares two S / N / B payloads by key bytes; false if either is malformed. */
static bool scalar_cmp(pq_type t, const json_t *a, const json_t *b, int *cmp)
{
    struct value_key ka, kb;
    pq_buf_init(&ka.b);
    pq_buf_init(&kb.b);
    bool ok = value_scalar_key(t, a, &ka.b) && value_scalar_key(t, b, &kb.b);
    if (ok) *cmp = value_key_cmp(&ka, &kb);
    pq_buf_release(&ka.b);
    pq_buf_release(&kb.b);
    return ok;
}

bool pq_value_equal(const json_t *a, const json_t *b)
{
    pq_type t = pq_value_type(a);
    if (t == PQ_T_NONE || t != pq_value_type(b)) return false;
    json_t *pa = pq_value_payload(a), *pb = pq_value_payload(b);
    int cmp;
    switch (t) {
    case PQ_T_S:
    case PQ_T_N:
    case PQ_T_B:
        if (scalar_cmp(t, pa, pb, &cmp)) return cmp == 0;
        return json_equal(pa, pb); /* malformed: fall back to the text */
    case PQ_T_BOOL:
    case PQ_T_NULL:
        return json_is_boolean(pa) && json_equal(pa, pb);
    case PQ_T_M: {
        const char *k;
        json_t *v;
        if (!json_is_object(pa) || !json_is_object(pb)) return false;
        if (json_object_size(pa) != json_object_size(pb)) return false;
        json_object_foreach(pa, k, v)
        {
            json_t *w = json_object_get(pb, k);
            if (!w || !pq_value_equal(v, w)) return false;
        }
        return true;
    }
    case PQ_T_L: {
        if (!json_is_array(pa) || !json_is_array(pb)) return false;
        if (json_array_size(pa) != json_array_size(pb)) return false;
        for (size_t i = 0; i < json_array_size(pa); i++)
            if (!pq_value_equal(json_array_get(pa, i), json_array_get(pb, i))) return false;
        return true;
    }
    case PQ_T_SS:
    case PQ_T_NS:
    case PQ_T_BS:
        return sets_equal(t, pa, pb);
    default:
        return false;
    }
}

bool pq_value_compare(const json_t *a, const json_t *b, int *cmp)
{
    pq_type t = pq_value_type(a);
    if (t != PQ_T_S && t != PQ_T_N && t != PQ_T_B) return false;
    if (t != pq_value_type(b)) return false;
    return scalar_cmp(t, pq_value_payload(a), pq_value_payload(b), cmp);
}

bool pq_value_encode_key(const json_t *av, struct pq_buf *out)
{
    json_t *p;
    pq_type t = pq_value_split(av, &p);
    if (t != PQ_T_S && t != PQ_T_N && t != PQ_T_B) return false;
    size_t start = out->len;
    if (value_scalar_key(t, p, out)) return true;
    out->len = start;
    if (out->cap) out->data[start] = '\0';
    return false;
}

/* ---- item-size accounting (reference §2.4) ------------------------------
 * S: UTF-8 bytes. N: pq_decimal_size (ceil(digits / 2) + 1). B: decoded bytes.
 * BOOL, NULL: 1. M: 3 + Σ (1 + name bytes + value). L: 3 + Σ (1 + value).
 * Sets: Σ member sizes by the member's scalar rule. Malformed parts count
 * their text length, so a size is always defined. */

size_t value_scalar_size(pq_type t, const json_t *p)
{
    if (!json_is_string(p)) return 1;
    return value_text_size(t, json_string_value(p), json_string_length(p));
}

size_t value_text_size(pq_type t, const char *s, size_t len)
{
    if (t == PQ_T_N || t == PQ_T_NS) {
        size_t digits;
        if (pq_decimal_plain_int(s, len, &digits)) return (digits + 1) / 2 + 1;
        struct pq_decimal d;
        if (pq_decimal_parse(s, len, &d) != PQ_DEC_OK &&
            pq_decimal_parse_partiql(s, len, &d) != PQ_DEC_OK)
            return len;
        return pq_decimal_size(&d);
    }
    if (t == PQ_T_B || t == PQ_T_BS) return pq_base64_decoded_size(s, len);
    return len;
}

/* Σ (extra + name bytes + value) over the members of object `m`, walked
 * with its iterator (json_object_foreach looks every key up again). */
static size_t members_size(json_t *m, size_t extra)
{
    size_t n = 0;
    for (void *it = json_object_iter(m); it; it = json_object_iter_next(m, it))
        n += extra + json_object_iter_key_len(it) + pq_value_size(json_object_iter_value(it));
    return n;
}

size_t pq_value_size(const json_t *av)
{
    json_t *p;
    pq_type t = pq_value_split(av, &p);
    size_t n = 0;
    switch (t) {
    case PQ_T_S:
    case PQ_T_N:
    case PQ_T_B:
        return value_scalar_size(t, p);
    case PQ_T_M:
        return 3 + members_size(p, 1);
    case PQ_T_L:
        n = 3;
        for (size_t i = 0; i < json_array_size(p); i++)
            n += 1 + pq_value_size(json_array_get(p, i));
        return n;
    case PQ_T_SS:
    case PQ_T_NS:
    case PQ_T_BS:
        for (size_t i = 0; i < json_array_size(p); i++)
            n += value_scalar_size(t, json_array_get(p, i));
        return n;
    default:
        return 1; /* BOOL, NULL; malformed values count as one byte */
    }
}

size_t pq_item_size(const json_t *item)
{
    return members_size((json_t *)item, 0);
}
