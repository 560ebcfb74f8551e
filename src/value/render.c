/* render.c — AttributeValues as PartiQL literal text and as plain JSON text.
 *
 * Numbers are written from their canonical decimal text, never through a
 * double (jansson's reals cannot hold 38 digits), so both writers build their
 * text themselves instead of calling json_dumps.
 */
#include "pqsh/value.h"

#include <stdlib.h>
#include <string.h>

void pq_value_add_json_string(struct pq_buf *out, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    pq_buf_addc(out, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"':
            pq_buf_adds(out, "\\\"");
            break;
        case '\\':
            pq_buf_adds(out, "\\\\");
            break;
        case '\b':
            pq_buf_adds(out, "\\b");
            break;
        case '\f':
            pq_buf_adds(out, "\\f");
            break;
        case '\n':
            pq_buf_adds(out, "\\n");
            break;
        case '\r':
            pq_buf_adds(out, "\\r");
            break;
        case '\t':
            pq_buf_adds(out, "\\t");
            break;
        default:
            if (c < 0x20 || c == 0x7f) {
                char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                pq_buf_add(out, esc, 6);
            } else {
                pq_buf_addc(out, (char)c);
            }
        }
    }
    pq_buf_addc(out, '"');
}

/* Canonical text of a number payload. A payload that does not parse (an
 * unvalidated value) is written as it is — quoted in JSON, so the output
 * stays valid JSON — so nothing is ever lost silently. */
static void add_number(struct pq_buf *out, const json_t *p, bool partiql)
{
    struct pq_decimal d;
    const char *s = json_string_value(p);
    size_t len = json_string_length(p);
    if (!s) {
        pq_buf_adds(out, "null");
        return;
    }
    if (pq_decimal_parse(s, len, &d) == PQ_DEC_OK ||
        pq_decimal_parse_partiql(s, len, &d) == PQ_DEC_OK) {
        char buf[PQ_DECIMAL_TEXT_MAX];
        pq_buf_add(out, buf, pq_decimal_format(&d, buf));
        return;
    }
    if (partiql)
        pq_buf_add(out, s, len);
    else
        pq_value_add_json_string(out, s, len);
}

static void add_string_payload(struct pq_buf *out, const json_t *p, bool partiql)
{
    const char *s = json_string_value(p);
    size_t len = json_string_length(p);
    if (!s) s = "", len = 0;
    if (partiql)
        pq_buf_add_squoted(out, s, len);
    else
        pq_value_add_json_string(out, s, len);
}

/* Writes a value not well formed as its raw JSON, for display only. */
static void add_raw(struct pq_buf *out, const json_t *av)
{
    char *s = json_dumps(av, JSON_COMPACT | JSON_ENCODE_ANY);
    pq_buf_adds(out, s ? s : "null");
    free(s);
}

static void add_value(struct pq_buf *out, const json_t *av, bool partiql);

static void add_set(struct pq_buf *out, pq_type t, const json_t *p, bool partiql)
{
    pq_buf_adds(out, partiql ? "<<" : "[");
    for (size_t i = 0; i < json_array_size(p); i++) {
        json_t *m = json_array_get(p, i);
        if (i) pq_buf_adds(out, ", ");
        if (t == PQ_T_NS) {
            add_number(out, m, partiql);
        } else {
            if (partiql && t == PQ_T_BS) pq_buf_adds(out, "b64");
            add_string_payload(out, m, partiql);
        }
    }
    pq_buf_adds(out, partiql ? ">>" : "]");
}

static void add_value(struct pq_buf *out, const json_t *av, bool partiql)
{
    pq_type t = pq_value_type(av);
    json_t *p = pq_value_payload(av);
    switch (t) {
    case PQ_T_S:
        add_string_payload(out, p, partiql);
        return;
    case PQ_T_N:
        add_number(out, p, partiql);
        return;
    case PQ_T_B:
        if (partiql) pq_buf_adds(out, "b64");
        add_string_payload(out, p, partiql);
        return;
    case PQ_T_BOOL:
        if (partiql)
            pq_buf_adds(out, json_is_true(p) ? "TRUE" : "FALSE");
        else
            pq_buf_adds(out, json_is_true(p) ? "true" : "false");
        return;
    case PQ_T_NULL:
        pq_buf_adds(out, partiql ? "NULL" : "null");
        return;
    case PQ_T_M: {
        const char *k;
        json_t *v;
        bool first = true;
        if (!json_is_object(p)) break;
        pq_buf_addc(out, '{');
        json_object_foreach(p, k, v)
        {
            if (!first) pq_buf_adds(out, ", ");
            first = false;
            if (partiql)
                pq_buf_add_squoted(out, k, strlen(k));
            else
                pq_value_add_json_string(out, k, strlen(k));
            pq_buf_adds(out, ": ");
            add_value(out, v, partiql);
        }
        pq_buf_addc(out, '}');
        return;
    }
    case PQ_T_L:
        if (!json_is_array(p)) break;
        pq_buf_addc(out, '[');
        for (size_t i = 0; i < json_array_size(p); i++) {
            if (i) pq_buf_adds(out, ", ");
            add_value(out, json_array_get(p, i), partiql);
        }
        pq_buf_addc(out, ']');
        return;
    case PQ_T_SS:
    case PQ_T_NS:
    case PQ_T_BS:
        if (!json_is_array(p)) break;
        add_set(out, t, p, partiql);
        return;
    default:
        break;
    }
    add_raw(out, av);
}

void pq_value_to_partiql(const json_t *av, struct pq_buf *out)
{
    add_value(out, av, true);
}

void pq_value_to_plain_json(const json_t *av, struct pq_buf *out)
{
    add_value(out, av, false);
}
