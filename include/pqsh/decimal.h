/* decimal.h — exact decimal numbers with DynamoDB's precision, range and messages.
 *
 * A number is sign × coefficient × 10^exp, the coefficient held as up to 38
 * decimal digits with no leading or trailing zeros (zero has no digits).
 * Never converted through double. Plain value type: no ownership.
 */
#ifndef PQSH_DECIMAL_H
#define PQSH_DECIMAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "pqsh/error.h"

#define PQ_DECIMAL_DIGITS 38
/* Longest canonical text: sign, "0.", 129 zeros, 38 digits, NUL — rounded up. */
#define PQ_DECIMAL_TEXT_MAX 200

struct pq_decimal {
    int sign;                          /* -1, 0 (zero) or +1 */
    uint8_t ndigits;                   /* 0..38; 0 iff zero */
    uint8_t digits[PQ_DECIMAL_DIGITS]; /* most significant first, values 0..9 */
    int32_t exp;                       /* value = sign × digits × 10^exp */
};

typedef enum pq_decimal_fail {
    PQ_DEC_OK = 0,
    PQ_DEC_NOT_A_NUMBER, /* "The parameter cannot be converted to a numeric value: <text>" */
    PQ_DEC_PRECISION,    /* "Attempting to store more than 38 significant digits in a Number" */
    PQ_DEC_OVERFLOW,  /* "Number overflow. Attempting to store a number with magnitude larger than
                         supported range" */
    PQ_DEC_UNDERFLOW, /* "Number underflow. Attempting to store a number with magnitude smaller than
                         supported range" */
} pq_decimal_fail;

/* Parses DynamoDB number text (`1`, `-1.50`, `7.31E6`, `.73e1`, `0e125`): an
 * optional sign, digits with at most one dot, an optional exponent. No spaces,
 * no hex, no NaN/Infinity. Checks DynamoDB's range: a non-zero magnitude must lie
 * in [1E-130, 9.99…E+125]; zero is range-checked by its written exponent
 * (reference §2.2). Exponents beyond int64 are PQ_DEC_NOT_A_NUMBER. */
pq_decimal_fail pq_decimal_parse(const char *text, size_t len, struct pq_decimal *out);

/* Parses like DynamoDB's PartiQL layer (Java BigDecimal), used for
 * ExecuteStatement parameters and PartiQL number literals: an exponent or a
 * scale (fraction digits − exponent) beyond 32 bits is PQ_DEC_NOT_A_NUMBER,
 * and the range check wraps in 32 bits as DynamoDB's does (`1e2147483647`
 * underflows). Otherwise the same as pq_decimal_parse. */
pq_decimal_fail pq_decimal_parse_partiql(const char *text, size_t len, struct pq_decimal *out);

/* Sets *out to the integer `v` (always in range). */
void pq_decimal_from_int(int64_t v, struct pq_decimal *out);

/* DynamoDB's exact message for a failure (static string; "" for PQ_DEC_OK).
 * PQ_DEC_NOT_A_NUMBER's message is the prefix ending in ": " — append the text. */
const char *pq_decimal_fail_message(pq_decimal_fail f);

/* Canonical text without exponent: "-0.0015", "100", "0". Returns length.
 * `buf` must hold PQ_DECIMAL_TEXT_MAX bytes. */
size_t pq_decimal_format(const struct pq_decimal *d, char *buf);

/* -1, 0, +1 by numeric value. */
int pq_decimal_cmp(const struct pq_decimal *a, const struct pq_decimal *b);

/* Exact sum / difference. Fails with PQ_DEC_PRECISION / OVERFLOW / UNDERFLOW
 * when the exact result does not fit DynamoDB's number type. */
pq_decimal_fail pq_decimal_add(const struct pq_decimal *a, const struct pq_decimal *b,
                               struct pq_decimal *out);
pq_decimal_fail pq_decimal_sub(const struct pq_decimal *a, const struct pq_decimal *b,
                               struct pq_decimal *out);

/* Bytes the number counts for in DynamoDB's item-size accounting (§2.4). */
size_t pq_decimal_size(const struct pq_decimal *d);

/* True when `text` is a plain integer in canonical form: "0", or 1 to 38
 * digits without a leading zero — valid and in range for both parsers, and
 * pq_decimal_format of it gives the text back. *ndigits (if not NULL) is
 * then the parsed value's ndigits (trailing zeros are not digits), so
 * pq_decimal_size is (*ndigits + 1) / 2 + 1. A quick answer for the most
 * common number text; false says nothing (parse it). */
bool pq_decimal_plain_int(const char *text, size_t len, size_t *ndigits);

/* Appends an order-preserving byte encoding: memcmp order of two encodings
 * equals numeric order. Used for keys in the embedded engine. */
struct pq_buf;
void pq_decimal_encode_key(const struct pq_decimal *d, struct pq_buf *out);

#endif
