/* value_internal.h — what the value module's files share: comparable byte keys of scalars.
 *
 * A "key" of an S, N or B payload (or of an SS / NS / BS member) is a byte
 * string whose memcmp order is DynamoDB's order and whose equality is
 * DynamoDB's equality: UTF-8 bytes, the decimal key encoding, decoded bytes.
 * Ownership: value_set_keys returns an array the caller frees with
 * value_keys_free.
 */
#ifndef PQSH_VALUE_INTERNAL_H
#define PQSH_VALUE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include "pqsh/buf.h"
#include "pqsh/value.h"

struct value_key {
    struct pq_buf b;
    size_t idx; /* position in the set as written */
};

/* Appends the key of payload string `s` for type t (S/N/B or the set types).
 * false (and possibly a partial append) if `s` is malformed. */
bool value_scalar_key(pq_type t, const json_t *s, struct pq_buf *out);

/* Keys of every member of a set payload, sorted (ties by position); NULL if
 * a member is malformed. *n receives the member count. When `work` is not
 * NULL, the key comparisons made are added to it (tests bound the growth). */
struct value_key *value_set_keys(pq_type t, const json_t *arr, size_t *n, size_t *work);
/* memcmp order of two keys, shorter first on a common prefix: -1, 0 or 1. */
int value_key_cmp(const struct value_key *a, const struct value_key *b);
void value_keys_free(struct value_key *k, size_t n);
/* True when two adjacent keys of a sorted key array are equal. */
bool value_keys_duplicate(const struct value_key *k, size_t n);

/* The type an AttributeValue's tag names (pq_type_from_name's answer,
 * decided on the tag's first bytes); PQ_T_NONE for no type. */
pq_type value_tag_of(const char *tag);
/* pq_value_size of a scalar payload `p` (or set member) of type t. */
size_t value_scalar_size(pq_type t, const json_t *p);
/* value_scalar_size of a string payload: its text s[0..len). */
size_t value_text_size(pq_type t, const char *s, size_t len);

/* DynamoDB's nesting limit: an attribute may hold M and L values 32 deep. */
#define VALUE_NEST_MAX 32
/* 0 for a scalar, 1 + the deepest member's depth for M and L, counted at
 * most `limit` + 1 levels down (so a comparison with `limit` stays exact). */
int value_depth(const json_t *av, int limit);
/* The ValidationException for an item nested beyond VALUE_NEST_MAX. */
pq_status value_nesting_error(struct pq_error *err);

/* pq_value_set_union / pq_value_set_difference with a count of the key
 * comparisons made added to *work (NULL allowed). */
bool value_set_merge(const json_t *a, const json_t *b, bool add, json_t **out, size_t *work);

#endif
