/* item_text.c — JSON text of values and items; an item's text, size and nesting in one walk.
 *
 * An item written to the store is walked once for three answers that used
 * to take a walk each: its compact JSON text, its DynamoDB size
 * (pq_item_size) and the depth of its deepest attribute (the 32-level limit
 * of pq_item_check_nesting). Well-formed AttributeValues take the walk's own
 * path; anything else (a malformed value) is written, sized and measured by
 * the general functions, so the answers are always theirs.
 */
#include "pqsh/value.h"
#include "value_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Bytes a JSON string holds as they are: not a control character, '"' or '\\'. */
/* clang-format off */
#define NO16 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
#define YES16 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
static const bool plain_byte[256] = {
    NO16, NO16,                                     /* 0x00-0x1f: control characters */
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x20-0x2f: '"' at 0x22 */
    YES16, YES16,                                   /* 0x30-0x4f */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, /* 0x50-0x5f: '\\' at 0x5c */
    YES16, YES16, YES16, YES16, YES16, YES16, YES16, YES16, YES16, YES16, /* 0x60-0xff */
};
#undef NO16
#undef YES16
/* clang-format on */

/* Non-zero when some byte of x is a control character, '"' or '\\' (the
 * "has a byte less than 0x20 / equal to c" tests on a 64-bit word: exact
 * for the word, whatever the bytes above 0x7f). */
static inline uint64_t escape_bits(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t q = x ^ (ones * '"'), s = x ^ (ones * '\\');
    return (((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((s - ones) & ~s)) & highs;
}

/* Appends n bytes; the room check inline (most appends fit). */
static inline void add_raw(struct pq_buf *b, const char *p, size_t n)
{
    if (b->len + n + 1 > b->cap) pq_buf_grow(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

/* add_string for a string with something to escape: runs of plain bytes
 * copied at once, control characters, '"' and '\\' escaped. */
static void add_string_escaped(struct pq_buf *b, const char *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    pq_buf_addc(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (plain_byte[c]) continue;
        pq_buf_add(b, p + run, i - run);
        run = i + 1;
        char esc[7] = {'\\', (char)c, 0};
        if (c < 0x20) {
            static const char short_esc[] = "btn\0fr";
            if (c >= '\b' && c <= '\r' && c != 0x0b)
                esc[1] = short_esc[c - '\b'];
            else
                snprintf(esc, sizeof esc, "\\u00%c%c", hex[c >> 4], hex[c & 15]);
        }
        pq_buf_adds(b, esc);
    }
    pq_buf_add(b, p + run, n - run);
    pq_buf_addc(b, '"');
}

/* Appends a JSON string literal (UTF-8 passes through). The common case,
 * nothing to escape, is checked and copied a word at a time straight into
 * the buffer: whole 8-byte words, then the last 8 bytes again (overlapping;
 * 8-16 bytes: the first and last 8 as two words, no memcpy call); a string
 * of 4-7 bytes as its first and last 4, one of 1-3 as its first,
 * middle and last byte. The bytes are written only once the string is known
 * plain; otherwise add_string_escaped writes it all from the start. */
static inline void add_string(struct pq_buf *b, const char *p, size_t n)
{
    if (b->len + n + 3 > b->cap) pq_buf_grow(b, n + 2);
    char *o = b->data + b->len + 1;
    if (n > 16) {
        uint64_t x;
        for (size_t i = 0; i + 8 < n; i += 8) {
            memcpy(&x, p + i, 8);
            if (escape_bits(x)) goto escaped;
        }
        memcpy(&x, p + n - 8, 8);
        if (escape_bits(x)) goto escaped;
        memcpy(o, p, n);
    } else if (n >= 8) { /* two words, overlapping unless n is 16 */
        uint64_t first, last;
        memcpy(&first, p, 8);
        memcpy(&last, p + n - 8, 8);
        if (escape_bits(first) | escape_bits(last)) goto escaped;
        memcpy(o + n - 8, &last, 8);
        memcpy(o, &first, 8);
    } else if (n >= 4) {
        uint32_t lo, hi;
        memcpy(&lo, p, 4);
        memcpy(&hi, p + n - 4, 4);
        if (escape_bits(lo | (uint64_t)hi << 32)) goto escaped;
        memcpy(o + n - 4, &hi, 4);
        memcpy(o, &lo, 4);
    } else if (n) {
        unsigned char f = (unsigned char)p[0], m = (unsigned char)p[n / 2],
                      l = (unsigned char)p[n - 1];
        /* 'a' in the five bytes not checked: never escaped */
        if (escape_bits(0x6161616161000000u | f | (uint64_t)m << 8 | (uint64_t)l << 16))
            goto escaped;
        o[0] = (char)f;
        o[n / 2] = (char)m;
        o[n - 1] = (char)l;
    }
    o[-1] = '"';
    o[n] = '"';
    o[n + 1] = '\0';
    b->len += n + 2;
    return;
escaped:
    add_string_escaped(b, p, n);
}

void pq_value_write_json(const json_t *j, struct pq_buf *b)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        /* The iterator itself (json_object_foreach looks each key up again). */
        pq_buf_addc(b, '{');
        for (void *it = json_object_iter((json_t *)j); it;) {
            add_string(b, json_object_iter_key(it), json_object_iter_key_len(it));
            pq_buf_addc(b, ':');
            pq_value_write_json(json_object_iter_value(it), b);
            if ((it = json_object_iter_next((json_t *)j, it))) pq_buf_addc(b, ',');
        }
        pq_buf_addc(b, '}');
        break;
    }
    case JSON_ARRAY:
        pq_buf_addc(b, '[');
        for (size_t i = 0; i < json_array_size(j); i++) {
            if (i) pq_buf_addc(b, ',');
            pq_value_write_json(json_array_get(j, i), b);
        }
        pq_buf_addc(b, ']');
        break;
    case JSON_STRING:
        add_string(b, json_string_value(j), json_string_length(j));
        break;
    case JSON_TRUE:
        pq_buf_adds(b, "true");
        break;
    case JSON_FALSE:
        pq_buf_adds(b, "false");
        break;
    case JSON_INTEGER:
        pq_buf_addf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
        break;
    case JSON_REAL:
        pq_buf_addf(b, "%.17g", json_real_value(j));
        break;
    default:
        pq_buf_adds(b, "null");
        break;
    }
}

static size_t walk_value(const json_t *av, int *depth, struct pq_buf *b);

/* `{` members `}` of object `m`: returns Σ (extra + name bytes + value size);
 * *depth is the deepest member's. */
static size_t walk_members(json_t *m, size_t extra, int *depth, struct pq_buf *b)
{
    size_t n = 0;
    int deepest = 0, d;
    pq_buf_addc(b, '{');
    for (void *it = json_object_iter(m); it;) {
        size_t klen = json_object_iter_key_len(it);
        add_string(b, json_object_iter_key(it), klen);
        pq_buf_addc(b, ':');
        n += extra + klen + walk_value(json_object_iter_value(it), &d, b);
        if (d > deepest) deepest = d;
        if ((it = json_object_iter_next(m, it))) pq_buf_addc(b, ',');
    }
    pq_buf_addc(b, '}');
    *depth = deepest;
    return n;
}

/* Writes AttributeValue `av`, returns pq_value_size(av); *depth is 0 for
 * a scalar, 1 + the deepest member's for M and L (capped at NEST_MAX + 1
 * where value_depth answers, which keeps every comparison with NEST_MAX). */
static size_t walk_value(const json_t *av, int *depth, struct pq_buf *b)
{
    *depth = 0;
    if (json_is_object(av) && json_object_size(av) == 1) {
        void *it = json_object_iter((json_t *)av);
        const char *tag = json_object_iter_key(it);
        json_t *p = json_object_iter_value(it);
        pq_type t = value_tag_of(tag);
        bool fits = ((t == PQ_T_S || t == PQ_T_N || t == PQ_T_B) && json_is_string(p)) ||
                    (t == PQ_T_M && json_is_object(p)) || (t == PQ_T_L && json_is_array(p));
        if (fits) {
            /* `{"S":` and the like: the tag is the type's name, nothing to escape. */
            static const char *const opening[] = {
                [PQ_T_S] = "{\"S\":", [PQ_T_N] = "{\"N\":", [PQ_T_B] = "{\"B\":",
                [PQ_T_M] = "{\"M\":", [PQ_T_L] = "{\"L\":",
            };
            size_t n = 3;
            int d = 0, deepest = 0;
            add_raw(b, opening[t], 5);
            switch (t) {
            case PQ_T_M:
                n += walk_members(p, 1, &d, b);
                *depth = d + 1;
                break;
            case PQ_T_L:
                pq_buf_addc(b, '[');
                for (size_t i = 0; i < json_array_size(p); i++) {
                    if (i) pq_buf_addc(b, ',');
                    n += 1 + walk_value(json_array_get(p, i), &d, b);
                    if (d > deepest) deepest = d;
                }
                pq_buf_addc(b, ']');
                *depth = deepest + 1;
                break;
            default: {
                const char *s = json_string_value(p);
                size_t len = json_string_length(p);
                add_string(b, s, len);
                n = value_text_size(t, s, len);
                break;
            }
            }
            pq_buf_addc(b, '}');
            return n;
        }
    }
    /* BOOL, NULL, sets and anything malformed. */
    pq_value_write_json(av, b);
    *depth = value_depth(av, VALUE_NEST_MAX);
    return pq_value_size(av);
}

pq_status pq_item_text(const json_t *item, struct pq_buf *text, size_t *size, struct pq_error *err)
{
    int depth = 0;
    if (json_is_object(item)) {
        *size = walk_members((json_t *)item, 0, &depth, text);
    } else { /* not an item: written as it is, sized as pq_item_size does */
        pq_value_write_json(item, text);
        *size = pq_item_size(item);
    }
    if (err && depth > VALUE_NEST_MAX) return value_nesting_error(err);
    return PQ_OK;
}
