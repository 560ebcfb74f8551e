/* validate.c — checking AttributeValues from outside with DynamoDB's messages (§2.1–§2.3).
 *
 * Messages quoted in the reference are used verbatim. Where the reference
 * has none (wrong JSON types, bad base64) the wording is our best guess,
 * marked UNCONFIRMED below; those errors are SerializationExceptions, which
 * is what DynamoDB's protocol layer answers for a payload of the wrong shape.
 */
#include "pqsh/value.h"
#include "value_internal.h"

#include <stdlib.h>
#include <string.h>

/* "maps/lists up to 32 levels" (§2.3). We count the M or L that is the
 * attribute's value as level 1, so 32 nested containers pass and 33 fail.
 * UNCONFIRMED whether DynamoDB counts the item itself as a level. */

#define INVALID "One or more parameter values were invalid: "

struct vctx {
    bool partiql; /* numbers by pq_decimal_parse_partiql */
    struct pq_error *err;
};

/* SerializationException for a member of the wrong JSON type. The texts
 * follow the Coral deserializer messages recorded by dynalite (UNCONFIRMED
 * for the current cloud). `want` is 's' (string), 'b' (boolean), 'l' (list)
 * or 'm' (map). */
static pq_status wrong_json(struct vctx *c, char want, const json_t *got)
{
    const char *kind = "STRING_VALUE";
    if (json_is_object(got))
        return pq_error_service(c->err, "SerializationException",
                                "Start of structure or map found where not expected.");
    if (json_is_array(got))
        return pq_error_service(c->err, "SerializationException",
                                "Start of list found where not expected");
    if (json_is_number(got)) kind = "NUMBER_VALUE";
    if (json_is_true(got)) kind = "TRUE_VALUE";
    if (json_is_false(got)) kind = "FALSE_VALUE";
    switch (want) {
    case 's':
        return pq_error_service(c->err, "SerializationException",
                                "%s cannot be converted to String", kind);
    case 'b':
        return pq_error_service(c->err, "SerializationException",
                                "%s can not be converted to an Boolean", kind);
    default:
        return pq_error_service(c->err, "SerializationException", "Unexpected field type");
    }
}

/* Bad base64 in B / BS. UNCONFIRMED wording, modelled on the message of the
 * Java codec AWS uses; SerializationException as for other payload errors. */
static pq_status bad_base64(struct vctx *c, const json_t *s)
{
    size_t len = json_string_length(s);
    if (len % 4 != 0)
        return pq_error_service(c->err, "SerializationException",
                                "Base64 encoded length is expected a multiple of 4 bytes but "
                                "found: %zu",
                                len);
    return pq_error_service(c->err, "SerializationException", "Invalid Base64 character in: %s",
                            json_string_value(s));
}

/* Parses and range-checks one number string; *canon receives a new
 * reference to its canonical text when that differs from `s`, else NULL. */
static pq_status check_number(struct vctx *c, const json_t *s, json_t **canon)
{
    struct pq_decimal d;
    *canon = NULL;
    const char *text = json_string_value(s);
    size_t len = json_string_length(s);
    pq_decimal_fail f =
        c->partiql ? pq_decimal_parse_partiql(text, len, &d) : pq_decimal_parse(text, len, &d);
    if (f == PQ_DEC_NOT_A_NUMBER)
        return pq_error_validation(c->err, "%s%s", pq_decimal_fail_message(f), text);
    if (f != PQ_DEC_OK) return pq_error_validation(c->err, "%s", pq_decimal_fail_message(f));
    char buf[PQ_DECIMAL_TEXT_MAX];
    size_t n = pq_decimal_format(&d, buf);
    if (n != len || memcmp(buf, text, n) != 0) *canon = json_stringn(buf, n);
    return PQ_OK;
}

/* Appends the "Input collection … contains duplicates." rendering of a set.
 * SS: ["a", "b", "b"] (reference §2.1, current layer). BS: ["AA==","/w=="]of
 * type BS (verbatim, odd spacing included). NS: our choice, UNCONFIRMED:
 * the numbers as written, unquoted, ", "-separated — [1, 2, 2] — since the
 * layer renders SS members as quoted strings and numbers are not strings. */
static void render_collection(pq_type t, const json_t *arr, struct pq_buf *out)
{
    pq_buf_addc(out, '[');
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *m = json_array_get(arr, i);
        if (i) pq_buf_adds(out, t == PQ_T_BS ? "," : ", ");
        if (t == PQ_T_NS)
            pq_buf_add(out, json_string_value(m), json_string_length(m));
        else
            pq_value_add_json_string(out, json_string_value(m), json_string_length(m));
    }
    pq_buf_addc(out, ']');
    if (t == PQ_T_BS) pq_buf_adds(out, "of type BS");
}

static pq_status check_set(struct vctx *c, pq_type t, json_t *arr)
{
    pq_status st = PQ_OK;
    struct pq_buf scratch;
    if (!json_is_array(arr)) return wrong_json(c, 'l', arr);
    if (json_array_size(arr) == 0) {
        if (t == PQ_T_SS)
            return pq_error_validation(c->err, INVALID "An string set  may not be empty");
        if (t == PQ_T_NS)
            return pq_error_validation(c->err, INVALID "An number set  may not be empty");
        return pq_error_validation(c->err, INVALID "Binary sets should not be empty");
    }
    pq_buf_init(&scratch);
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *m = json_array_get(arr, i);
        if (!json_is_string(m)) {
            st = wrong_json(c, 's', m);
            goto out;
        }
        if (t == PQ_T_BS) {
            pq_buf_reset(&scratch);
            if (!pq_base64_decode(json_string_value(m), json_string_length(m), &scratch)) {
                st = bad_base64(c, m);
                goto out;
            }
        } else if (t == PQ_T_NS) {
            json_t *canon = NULL;
            st = check_number(c, m, &canon);
            json_decref(canon);
            if (st) goto out;
        }
    }

    size_t n = 0;
    struct value_key *k = value_set_keys(t, arr, &n, NULL);
    bool dup = k && value_keys_duplicate(k, n);
    value_keys_free(k, n);
    if (dup) {
        pq_buf_reset(&scratch);
        render_collection(t, arr, &scratch);
        st = pq_error_validation(c->err, INVALID "Input collection %s contains duplicates.",
                                 scratch.data);
        goto out;
    }
    /* Canonicalise only once the whole set is known to be good, so that the
     * duplicates message shows the numbers as written. */
    for (size_t i = 0; t == PQ_T_NS && i < json_array_size(arr); i++) {
        json_t *canon = NULL;
        if (check_number(c, json_array_get(arr, i), &canon) == PQ_OK && canon)
            json_array_set_new(arr, i, canon);
    }
out:
    pq_buf_release(&scratch);
    return st;
}

static pq_status check(struct vctx *c, json_t *av, int level);

/* Finds the single datatype member of `av`, dropping unknown members and
 * members set to JSON null (DynamoDB's deserializer ignores both). */
static pq_status single_member(struct vctx *c, json_t *av, pq_type *t)
{
    const char *k;
    json_t *v;
    void *tmp;
    size_t known = 0;
    if (!json_is_object(av)) return wrong_json(c, 'm', av);
    json_object_foreach_safe(av, tmp, k, v)
    {
        if (json_is_null(v) || pq_type_from_name(k) == PQ_T_NONE) {
            json_object_del(av, k);
            continue;
        }
        known++;
        *t = pq_type_from_name(k);
    }
    if (known == 0)
        return pq_error_validation(c->err, "Supplied AttributeValue is empty, must contain exactly "
                                           "one of the supported datatypes");
    if (known > 1)
        return pq_error_validation(c->err, "Supplied AttributeValue has more than one datatypes "
                                           "set, must contain exactly one of the supported "
                                           "datatypes");
    return PQ_OK;
}

pq_status value_nesting_error(struct pq_error *err)
{
    return pq_error_validation(err, "Nesting Levels have exceeded supported limits: Attributes "
                                    "in the item have nested levels beyond supported limit");
}

static pq_status check(struct vctx *c, json_t *av, int level)
{
    pq_type t = PQ_T_NONE;
    pq_status st = single_member(c, av, &t);
    if (st) return st;
    json_t *p = pq_value_payload(av);
    switch (t) {
    case PQ_T_S:
        return json_is_string(p) ? PQ_OK : wrong_json(c, 's', p);
    case PQ_T_N: {
        json_t *canon = NULL;
        if (!json_is_string(p)) return wrong_json(c, 's', p);
        st = check_number(c, p, &canon);
        if (st == PQ_OK && canon) json_object_set_new(av, "N", canon);
        return st;
    }
    case PQ_T_B: {
        if (!json_is_string(p)) return wrong_json(c, 's', p);
        struct pq_buf b;
        pq_buf_init(&b);
        bool ok = pq_base64_decode(json_string_value(p), json_string_length(p), &b);
        pq_buf_release(&b);
        return ok ? PQ_OK : bad_base64(c, p);
    }
    case PQ_T_BOOL:
        return json_is_boolean(p) ? PQ_OK : wrong_json(c, 'b', p);
    case PQ_T_NULL:
        if (!json_is_boolean(p)) return wrong_json(c, 'b', p);
        if (json_is_false(p))
            return pq_error_validation(c->err, INVALID
                                       "Null attribute value types must have the value of true");
        return PQ_OK;
    case PQ_T_M: {
        const char *k;
        json_t *v;
        if (!json_is_object(p)) return wrong_json(c, 'm', p);
        if (level + 1 > VALUE_NEST_MAX) return value_nesting_error(c->err);
        json_object_foreach(p, k, v)
        {
            if ((st = check(c, v, level + 1))) return st;
        }
        return PQ_OK;
    }
    case PQ_T_L:
        if (!json_is_array(p)) return wrong_json(c, 'l', p);
        if (level + 1 > VALUE_NEST_MAX) return value_nesting_error(c->err);
        for (size_t i = 0; i < json_array_size(p); i++)
            if ((st = check(c, json_array_get(p, i), level + 1))) return st;
        return PQ_OK;
    default:
        return check_set(c, t, p);
    }
}

pq_status pq_value_validate(json_t *av, struct pq_error *err)
{
    struct vctx c = {false, err};
    return check(&c, av, 0);
}

pq_status pq_value_validate_partiql(json_t *av, struct pq_error *err)
{
    struct vctx c = {true, err};
    return check(&c, av, 0);
}

/* Depth of containers below `av` (an M or L counts 1, as in check()). */
int value_depth(const json_t *av, int limit)
{
    json_t *p;
    pq_type t = pq_value_split(av, &p);
    if (t != PQ_T_M && t != PQ_T_L) return 0;
    if (limit <= 0) return 1;
    int max = 0;
    if (t == PQ_T_M) {
        for (void *it = json_object_iter(p); it; it = json_object_iter_next(p, it)) {
            int d = value_depth(json_object_iter_value(it), limit - 1);
            if (d > max) max = d;
        }
    } else {
        for (size_t i = 0; i < json_array_size(p); i++) {
            int d = value_depth(json_array_get(p, i), limit - 1);
            if (d > max) max = d;
        }
    }
    return max + 1;
}

pq_status pq_item_check_nesting(const json_t *item, struct pq_error *err)
{
    /* The iterator itself: json_object_foreach looks every key up again. */
    for (void *it = json_object_iter((json_t *)item); it;
         it = json_object_iter_next((json_t *)item, it)) {
        if (value_depth(json_object_iter_value(it), VALUE_NEST_MAX) > VALUE_NEST_MAX)
            return value_nesting_error(err);
    }
    return PQ_OK;
}
