/* records_write.c — writing items as lines of the record formats (records.h). */
#include "records.h"
#include "pqsh/value.h"

#include <stdlib.h>
#include <string.h>

/* DynamoDB JSON of an item with the numbers' text as stored (no double). */
static void add_ddbjson(const json_t *v, struct pq_buf *out)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    pq_buf_adds(out, s);
    free(s);
}

void rec_format_line(enum rec_format format, const json_t *item, struct pq_buf *out)
{
    switch (format) {
    case REC_JSON: {
        json_t *m = json_pack("{s:O}", "M", (json_t *)item);
        pq_value_to_plain_json(m, out);
        json_decref(m);
        break;
    }
    case REC_S3:
        pq_buf_adds(out, "{\"Item\":");
        add_ddbjson(item, out);
        pq_buf_addc(out, '}');
        break;
    default:
        add_ddbjson(item, out);
        break;
    }
    pq_buf_addc(out, '\n');
}

/* A CSV / TSV field, quoted when it must be (or when it is empty, which
 * tells an empty string from an absent attribute). */
static void add_field(enum rec_format format, const char *s, size_t len, bool force,
                      struct pq_buf *out)
{
    char sep = format == REC_TSV ? '\t' : ',';
    bool quote = force || len == 0;
    for (size_t i = 0; i < len && !quote; i++)
        quote = s[i] == sep || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) {
        pq_buf_add(out, s, len);
        return;
    }
    pq_buf_addc(out, '"');
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"') pq_buf_addc(out, '"');
        pq_buf_addc(out, s[i]);
    }
    pq_buf_addc(out, '"');
}

void rec_csv_header(enum rec_format format, const json_t *order, const json_t *columns,
                    struct pq_buf *out)
{
    size_t i;
    json_t *name;
    struct pq_buf h = PQ_BUF_INIT;
    pq_buf_init(&h);
    json_array_foreach(order, i, name)
    {
        pq_buf_reset(&h);
        pq_buf_addf(&h, "%s:%s", json_string_value(name),
                    json_string_value(json_object_get(columns, json_string_value(name))));
        if (i) pq_buf_addc(out, format == REC_TSV ? '\t' : ',');
        add_field(format, h.data, h.len, false, out);
    }
    pq_buf_release(&h);
    pq_buf_addc(out, '\n');
}

void rec_csv_row(enum rec_format format, const json_t *order, const json_t *columns,
                 const json_t *item, struct pq_buf *out)
{
    size_t i;
    json_t *name;
    json_array_foreach(order, i, name)
    {
        if (i) pq_buf_addc(out, format == REC_TSV ? '\t' : ',');
        json_t *v = json_object_get(item, json_string_value(name));
        if (!v) continue; /* absent: an unquoted empty field */
        const char *type = json_string_value(json_object_get(columns, json_string_value(name)));
        json_t *payload = pq_value_payload(v);
        if (strcmp(type, "AV") == 0) {
            char *s = json_dumps(v, JSON_COMPACT);
            add_field(format, s, strlen(s), false, out);
            free(s);
        } else if (json_is_string(payload)) {
            /* S, N, B: the text itself; an empty string is quoted. */
            add_field(format, json_string_value(payload), json_string_length(payload), false, out);
        } else if (json_is_boolean(payload) && pq_value_type(v) == PQ_T_BOOL) {
            pq_buf_adds(out, json_is_true(payload) ? "true" : "false");
        } else if (pq_value_type(v) == PQ_T_NULL) {
            pq_buf_adds(out, "true");
        } else {
            char *s = json_dumps(payload, JSON_COMPACT | JSON_ENCODE_ANY);
            add_field(format, s, strlen(s), false, out);
            free(s);
        }
    }
    pq_buf_addc(out, '\n');
}
