/* value.h — the AttributeValue model shared by binder, planner, engine and renderer.
 *
 * A value IS its DynamoDB JSON form, held as a jansson object with exactly one
 * member: {"S": "text"}, {"N": "12.5"}, {"B": "<base64>"}, {"BOOL": true},
 * {"NULL": true}, {"M": {name: value, …}}, {"L": [value, …]}, {"SS": [..]},
 * {"NS": [..]}, {"BS": [..]}. Numbers stay strings (exact decimals, see
 * decimal.h). An item is a JSON object name → value.
 *
 * Ownership rule for this module (as jansson's): functions named *_new / that
 * "return a new reference" give the caller a reference to json_decref();
 * every other json_t* result is borrowed from its argument. Arguments are
 * borrowed unless the comment says "steals".
 */
#ifndef PQSH_VALUE_H
#define PQSH_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include "pqsh/buf.h"
#include "pqsh/decimal.h"
#include "pqsh/error.h"

typedef enum pq_type {
    PQ_T_NONE = 0, /* not a well-formed AttributeValue */
    PQ_T_S,
    PQ_T_N,
    PQ_T_B,
    PQ_T_BOOL,
    PQ_T_NULL,
    PQ_T_M,
    PQ_T_L,
    PQ_T_SS,
    PQ_T_NS,
    PQ_T_BS,
} pq_type;

/* Type tag of a value by its single member name (no deep validation). */
pq_type pq_value_type(const json_t *av);
/* pq_value_type and pq_value_payload in one look: *payload is the (borrowed)
 * payload, NULL when the type is PQ_T_NONE. */
pq_type pq_value_split(const json_t *av, json_t **payload);
/* The member's payload ({"S":"x"} → "x" JSON string); borrowed. NULL if malformed. */
json_t *pq_value_payload(const json_t *av);
/* "S", "N", … ; "" for PQ_T_NONE. */
const char *pq_type_name(pq_type t);
/* Parses "S", "N", …; PQ_T_NONE if unknown. */
pq_type pq_type_from_name(const char *name);

/* Constructors; each returns a new reference (NULL when `s` is not UTF-8). */
json_t *pq_value_new_s(const char *s, size_t len);
json_t *pq_value_new_n(const struct pq_decimal *d);
json_t *pq_value_new_b(const void *bytes, size_t len); /* base64-encodes */
json_t *pq_value_new_bool(bool b);
json_t *pq_value_new_null(void);
/* Wraps a payload: steals `payload`. */
json_t *pq_value_new(pq_type t, json_t *payload);

/* Validates a value received from outside (request parameter, item attribute)
 * with DynamoDB's messages (reference §2.1–§2.3): exactly one member, right
 * JSON types, NULL must be true, sets non-empty and duplicate-free, numbers in
 * range (pq_decimal_parse), base64 well formed, nesting ≤ 32 levels. On
 * success the value may be rewritten in place to canonical form (numbers
 * canonicalised). Returns PQ_ERR_SERVICE (ValidationException) on failure. */
pq_status pq_value_validate(json_t *av, struct pq_error *err) PQ_MUST_USE;

/* As pq_value_validate, but numbers are parsed as DynamoDB's PartiQL layer
 * parses ExecuteStatement parameters (pq_decimal_parse_partiql). */
pq_status pq_value_validate_partiql(json_t *av, struct pq_error *err) PQ_MUST_USE;

/* True when an SS / NS / BS value has two equal members (numbers compared
 * numerically, binary by decoded bytes). false for other types. */
bool pq_value_set_has_duplicates(const json_t *av);

/* Set arithmetic for UPDATE's set_add / set_delete and UpdateExpression's
 * ADD / DELETE: `a` and `b` are sets of one type (SS, NS or BS), members
 * compared as DynamoDB does (numbers numerically, binary by bytes). Both run
 * in O((n + m) log(n + m)) on sorted member keys, whatever the attacker
 * sends. The union is a's members as written, then b's members that a lacks;
 * the difference is a's members that b lacks. *out is a new reference, or
 * NULL when the result is empty (an emptied set disappears). false (and
 * *out NULL) when the types differ or are not sets, or a member is malformed. */
bool pq_value_set_union(const json_t *a, const json_t *b, json_t **out) PQ_MUST_USE;
bool pq_value_set_difference(const json_t *a, const json_t *b, json_t **out) PQ_MUST_USE;

/* Parses the number of an N value. PQ_DEC_* failure for bad text. */
pq_decimal_fail pq_value_number(const json_t *av, struct pq_decimal *out);
/* Decodes the base64 of a B payload into `out` (appended). false if malformed. */
bool pq_base64_decode(const char *text, size_t len, struct pq_buf *out);
void pq_base64_encode(const void *bytes, size_t len, struct pq_buf *out);
/* Decoded length of well-formed base64 text (not checked). */
size_t pq_base64_decoded_size(const char *text, size_t len);

/* DynamoDB equality: same type and equal content; numbers numerically, sets
 * ignoring order, maps ignoring key order, lists in order, binary by bytes. */
bool pq_value_equal(const json_t *a, const json_t *b);
/* Ordering for S (UTF-8 bytes), N (numeric) and B (unsigned bytes) of the same
 * type. Returns false when the pair is not ordered (different types or not
 * S/N/B); otherwise sets *cmp to -1/0/+1. */
bool pq_value_compare(const json_t *a, const json_t *b, int *cmp);

/* DynamoDB item-size accounting (reference §2.4): S = UTF-8 bytes, N =
 * pq_decimal_size, B = decoded bytes, BOOL/NULL = 1, L = 3 + Σ(1 + element),
 * M = 3 + Σ(1 + name bytes + value), sets = Σ members; an item = Σ(name
 * bytes + value). */
size_t pq_value_size(const json_t *av);
size_t pq_item_size(const json_t *item); /* names + values */

/* Appends the compact JSON text of any JSON value, as
 * json_dumps(JSON_COMPACT) writes it (object members in insertion order). */
void pq_value_write_json(const json_t *j, struct pq_buf *text);
/* What writing an item takes, in one walk of it: its compact JSON text
 * (pq_value_write_json's) appended to `text` and its pq_item_size in *size.
 * When `err` is not NULL, also pq_item_check_nesting's error for an item
 * nested too deep (text and size are complete all the same). */
pq_status pq_item_text(const json_t *item, struct pq_buf *text, size_t *size, struct pq_error *err);

/* Appends the value as PartiQL literal text: 'it''s', 12.5, TRUE, NULL,
 * {'k': 1}, [1, 'a'], <<'a', 'b'>>. Binary has no PartiQL literal; it is
 * written as b64'AAE=' (and binary sets as <<b64'…'>>) for display only. */
void pq_value_to_partiql(const json_t *av, struct pq_buf *out);
/* Appends the value as plain JSON (S → "x", N → exact number token, B →
 * base64 string, BOOL, NULL → null, M → object, L/sets → arrays), on one
 * line with ", " and ": " separators: {"k": [1, "a"]}. */
void pq_value_to_plain_json(const json_t *av, struct pq_buf *out);
/* Appends `s` as a JSON string literal ("…" with \" \\ \n \u001f escapes;
 * UTF-8 passes through). */
void pq_value_add_json_string(struct pq_buf *out, const char *s, size_t len);

/* Appends an order-preserving key encoding of an S, N or B value: memcmp
 * order of encodings equals DynamoDB's key order. false for other types. */
bool pq_value_encode_key(const json_t *av, struct pq_buf *out);

/* DynamoDB's 32-level nesting limit over every attribute of an item built
 * by a statement (INSERT item, UPDATE result): the "Nesting Levels have
 * exceeded supported limits…" ValidationException when exceeded. */
pq_status pq_item_check_nesting(const json_t *item, struct pq_error *err) PQ_MUST_USE;

#endif
