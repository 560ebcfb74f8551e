/* decimal.c — exact decimal numbers: parse, format, compare, add/sub, size, key encoding.
 *
 * A canonical pq_decimal has no leading or trailing zero digits; zero has
 * sign 0, no digits and exp 0. Every function here produces canonical values
 * and expects canonical inputs. DynamoDB's range in terms of the adjusted
 * (scientific) exponent adj = exp + ndigits - 1 is [-130, 125]: with at most
 * 38 digits that is exactly [1E-130, 9.99…E+125].
 */
#include "pqsh/decimal.h"
#include "pqsh/buf.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define ADJ_MAX 125
#define ADJ_MIN (-130)

typedef __int128 wide;

/* The pieces of number text, as written. */
struct scan {
    bool neg;
    const char *mant; /* integer digits, then (after skipping the dot) fraction digits */
    size_t nint;
    size_t nfrac;
    bool has_dot;
    bool exp_big; /* exponent written beyond int64 */
    int64_t exp;
    /* over the mantissa digits (integer then fraction, dot skipped): */
    bool zero;
    size_t first; /* index of the first non-zero digit */
    size_t last;  /* index of the last non-zero digit */
};

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The k-th mantissa digit (0-based over integer then fraction digits). */
static int mant_digit(const struct scan *s, size_t k)
{
    if (k < s->nint) return s->mant[k] - '0';
    return s->mant[k + (s->has_dot ? 1 : 0)] - '0';
}

/* number := [+-] ( digits [ '.' [digits] ] | '.' digits ) [ (e|E) [+-] digits ]
 * A leading '+' is accepted as Java's BigDecimal (which DynamoDB uses) does;
 * "5." is accepted for the same reason. Nothing else (no spaces, hex, NaN). */
static bool scan_number(const char *text, size_t len, struct scan *s)
{
    size_t i = 0;
    memset(s, 0, sizeof *s);
    if (i < len && (text[i] == '+' || text[i] == '-')) s->neg = text[i++] == '-';
    s->mant = text + i;
    while (i < len && is_digit(text[i]))
        i++, s->nint++;
    if (i < len && text[i] == '.') {
        s->has_dot = true;
        i++;
        while (i < len && is_digit(text[i]))
            i++, s->nfrac++;
    }
    if (s->nint + s->nfrac == 0) return false;
    if (i < len && (text[i] == 'e' || text[i] == 'E')) {
        bool eneg = false;
        uint64_t mag = 0;
        size_t ndig = 0;
        i++;
        if (i < len && (text[i] == '+' || text[i] == '-')) eneg = text[i++] == '-';
        for (; i < len && is_digit(text[i]); i++, ndig++) {
            if (mag > (UINT64_MAX - 9) / 10) {
                s->exp_big = true;
                continue;
            }
            mag = mag * 10 + (uint64_t)(text[i] - '0');
        }
        if (ndig == 0) return false;
        if (mag > (uint64_t)INT64_MAX + (eneg ? 1u : 0u)) s->exp_big = true;
        if (!s->exp_big) s->exp = eneg ? (int64_t)(0 - mag) : (int64_t)mag;
    }
    if (i != len) return false;

    size_t m = s->nint + s->nfrac;
    s->zero = true;
    for (size_t k = 0; k < m; k++) {
        if (mant_digit(s, k) == 0) continue;
        if (s->zero) s->first = k;
        s->zero = false;
        s->last = k;
    }
    return true;
}

/* Adjusted exponent of the number written (non-zero only). */
static wide scan_adj(const struct scan *s)
{
    return (wide)s->exp + (wide)s->nint - 1 - (wide)s->first;
}

static void scan_fill(const struct scan *s, struct pq_decimal *out)
{
    memset(out, 0, sizeof *out);
    if (s->zero) return;
    out->sign = s->neg ? -1 : 1;
    out->ndigits = (uint8_t)(s->last - s->first + 1);
    for (size_t k = s->first; k <= s->last; k++)
        out->digits[k - s->first] = (uint8_t)mant_digit(s, k);
    out->exp = (int32_t)(scan_adj(s) - out->ndigits + 1);
}

static pq_decimal_fail check_adj(wide adj)
{
    if (adj > ADJ_MAX) return PQ_DEC_OVERFLOW;
    if (adj < ADJ_MIN) return PQ_DEC_UNDERFLOW;
    return PQ_DEC_OK;
}

/* Precision is counted after trimming leading and trailing zeros ("1.000…0"
 * with 50 zeros is one digit), and is checked before the range. */
pq_decimal_fail pq_decimal_parse(const char *text, size_t len, struct pq_decimal *out)
{
    struct scan s;
    if (!scan_number(text, len, &s) || s.exp_big) return PQ_DEC_NOT_A_NUMBER;
    pq_decimal_fail f;
    if (s.zero) {
        /* Zero is checked by its written exponent as Java sees it: 0e126 is
         * 0 × 10^126, "0.0e126" is 0 × 10^125 (reference §2.2). */
        f = check_adj((wide)s.exp - (wide)s.nfrac);
    } else if (s.last - s.first + 1 > PQ_DECIMAL_DIGITS) {
        f = PQ_DEC_PRECISION;
    } else {
        f = check_adj(scan_adj(&s));
    }
    if (f == PQ_DEC_OK) scan_fill(&s, out);
    return f;
}

/* Java BigDecimal semantics (DynamoDB's PartiQL layer, reference §2.2): the
 * exponent must fit an int and so must the scale (fraction digits − exponent),
 * else the text "cannot be converted". The range check is then done on
 * precision − scale in 32-bit arithmetic, which wraps: that reproduces
 * DynamoDB answering 1e2147483647 with *underflow*. The bounds 126 / −129 are
 * the same range as pq_decimal_parse for every exponent that does not wrap. */
pq_decimal_fail pq_decimal_parse_partiql(const char *text, size_t len, struct pq_decimal *out)
{
    struct scan s;
    if (!scan_number(text, len, &s) || s.exp_big) return PQ_DEC_NOT_A_NUMBER;
    if (s.exp > INT32_MAX || s.exp < INT32_MIN) return PQ_DEC_NOT_A_NUMBER;
    int64_t scale = (int64_t)s.nfrac - s.exp;
    if (scale > INT32_MAX || scale < INT32_MIN) return PQ_DEC_NOT_A_NUMBER;
    int64_t precision = s.zero ? 1 : (int64_t)(s.nint + s.nfrac - s.first);
    int32_t v = (int32_t)(uint32_t)(uint64_t)(precision - scale);
    if (!s.zero && s.last - s.first + 1 > PQ_DECIMAL_DIGITS) return PQ_DEC_PRECISION;
    if (v > ADJ_MAX + 1) return PQ_DEC_OVERFLOW;
    if (v < ADJ_MIN + 1) return PQ_DEC_UNDERFLOW;
    scan_fill(&s, out);
    return PQ_DEC_OK;
}

const char *pq_decimal_fail_message(pq_decimal_fail f)
{
    switch (f) {
    case PQ_DEC_OK:
        return "";
    case PQ_DEC_NOT_A_NUMBER:
        return "The parameter cannot be converted to a numeric value: ";
    case PQ_DEC_PRECISION:
        return "Attempting to store more than 38 significant digits in a Number";
    case PQ_DEC_OVERFLOW:
        return "Number overflow. Attempting to store a number with magnitude larger than "
               "supported range";
    case PQ_DEC_UNDERFLOW:
        return "Number underflow. Attempting to store a number with magnitude smaller than "
               "supported range";
    }
    return "";
}

size_t pq_decimal_format(const struct pq_decimal *d, char *buf)
{
    char *p = buf;
    if (d->sign == 0 || d->ndigits == 0) {
        memcpy(buf, "0", 2);
        return 1;
    }
    if (d->sign < 0) *p++ = '-';
    int64_t n = d->ndigits, exp = d->exp, adj = exp + n - 1;
    /* Values outside DynamoDB's range never come from this module; keep the
     * buffer bound for hand-made ones by falling back to an exponent form. */
    if (adj > 160 || exp < -170) {
        *p++ = (char)('0' + d->digits[0]);
        if (n > 1) *p++ = '.';
        for (int64_t i = 1; i < n; i++)
            *p++ = (char)('0' + d->digits[i]);
        p += snprintf(p, 16, "E%+d", (int)adj);
        return (size_t)(p - buf);
    }
    if (exp >= 0) {
        for (int64_t i = 0; i < n; i++)
            *p++ = (char)('0' + d->digits[i]);
        for (int64_t i = 0; i < exp; i++)
            *p++ = '0';
    } else if (adj >= 0) {
        for (int64_t i = 0; i < n; i++) {
            if (i == adj + 1) *p++ = '.';
            *p++ = (char)('0' + d->digits[i]);
        }
    } else {
        *p++ = '0';
        *p++ = '.';
        for (int64_t i = 0; i < -adj - 1; i++)
            *p++ = '0';
        for (int64_t i = 0; i < n; i++)
            *p++ = (char)('0' + d->digits[i]);
    }
    *p = '\0';
    return (size_t)(p - buf);
}

static int64_t adj_of(const struct pq_decimal *d)
{
    return (int64_t)d->exp + d->ndigits - 1;
}

/* Compares |a| and |b| (both non-zero). */
static int cmp_mag(const struct pq_decimal *a, const struct pq_decimal *b)
{
    int64_t ea = adj_of(a), eb = adj_of(b);
    if (ea != eb) return ea < eb ? -1 : 1;
    size_t n = a->ndigits < b->ndigits ? a->ndigits : b->ndigits;
    for (size_t i = 0; i < n; i++)
        if (a->digits[i] != b->digits[i]) return a->digits[i] < b->digits[i] ? -1 : 1;
    if (a->ndigits != b->ndigits) return a->ndigits < b->ndigits ? -1 : 1;
    return 0;
}

int pq_decimal_cmp(const struct pq_decimal *a, const struct pq_decimal *b)
{
    if (a->sign != b->sign) return a->sign < b->sign ? -1 : 1;
    if (a->sign == 0) return 0;
    int c = cmp_mag(a, b);
    return a->sign > 0 ? c : -c;
}

/* Enough room for any exact sum whose operands overlap; see add_signed. */
#define SPAN_MAX 128

/* Adds the digits of `d` (scaled by 10^(d->exp - lo)) into r, times `mul` (+1/−1). */
static void spread(const struct pq_decimal *d, int64_t lo, int *r, int mul)
{
    for (size_t i = 0; i < d->ndigits; i++) {
        int64_t pow = adj_of(d) - (int64_t)i;
        r[pow - lo] += mul * d->digits[i];
    }
}

/* out = sa·|a| + sb·|b| exactly. */
static pq_decimal_fail add_signed(const struct pq_decimal *a, int sa, const struct pq_decimal *b,
                                  int sb, struct pq_decimal *out)
{
    if (a->sign == 0 || b->sign == 0) {
        const struct pq_decimal *nz = a->sign ? a : b;
        int s = a->sign ? sa : sb;
        *out = *nz;
        out->sign = nz->sign ? s : 0;
        return PQ_DEC_OK;
    }
    int64_t lo = a->exp < b->exp ? a->exp : b->exp;
    int64_t hi = (adj_of(a) > adj_of(b) ? adj_of(a) : adj_of(b)) + 1; /* room for a carry */
    /* When the span is this wide the digit runs of a and b (≤ 38 each) cannot
     * overlap, so the exact result has more than 38 significant digits. */
    if (hi - lo + 1 > SPAN_MAX) return PQ_DEC_PRECISION;

    int c = cmp_mag(a, b);
    if (sa != sb && c == 0) {
        memset(out, 0, sizeof *out);
        return PQ_DEC_OK;
    }
    /* Larger magnitude minus (or plus) the smaller keeps every column ≥ 0 after borrows. */
    const struct pq_decimal *big = c >= 0 ? a : b, *small = c >= 0 ? b : a;
    int sign = c >= 0 ? sa : sb;
    int r[SPAN_MAX] = {0};
    spread(big, lo, r, 1);
    spread(small, lo, r, sa == sb ? 1 : -1);
    int64_t span = hi - lo + 1;
    for (int64_t i = 0; i < span - 1; i++) {
        while (r[i] < 0)
            r[i] += 10, r[i + 1]--;
        while (r[i] > 9)
            r[i] -= 10, r[i + 1]++;
    }
    int64_t top = span - 1, bot = 0;
    while (top >= 0 && r[top] == 0)
        top--;
    while (bot <= top && r[bot] == 0)
        bot++;
    if (top - bot + 1 > PQ_DECIMAL_DIGITS) return PQ_DEC_PRECISION;
    pq_decimal_fail f = check_adj(top + lo);
    if (f != PQ_DEC_OK) return f;
    memset(out, 0, sizeof *out);
    out->sign = sign;
    out->ndigits = (uint8_t)(top - bot + 1);
    for (int64_t i = top; i >= bot; i--)
        out->digits[top - i] = (uint8_t)r[i];
    out->exp = (int32_t)(bot + lo);
    return PQ_DEC_OK;
}

pq_decimal_fail pq_decimal_add(const struct pq_decimal *a, const struct pq_decimal *b,
                               struct pq_decimal *out)
{
    return add_signed(a, a->sign, b, b->sign, out);
}

pq_decimal_fail pq_decimal_sub(const struct pq_decimal *a, const struct pq_decimal *b,
                               struct pq_decimal *out)
{
    return add_signed(a, a->sign, b, -b->sign, out);
}

/* Our rule for DynamoDB's "1 byte per 2 significant digits + 1" (§2.4):
 * ceil(significant digits / 2) + 1, sign not counted; zero is 1 byte. */
size_t pq_decimal_size(const struct pq_decimal *d)
{
    return (size_t)(d->ndigits + 1) / 2 + 1;
}

bool pq_decimal_plain_int(const char *text, size_t len, size_t *ndigits)
{
    if (len == 0 || len > PQ_DECIMAL_DIGITS || (text[0] == '0' && len > 1)) return false;
    size_t last = 0; /* one past the last non-zero digit */
    for (size_t i = 0; i < len; i++) {
        if (!is_digit(text[i])) return false;
        if (text[i] != '0') last = i + 1;
    }
    if (ndigits) *ndigits = last;
    return true;
}

/* Layout (memcmp order = numeric order):
 *   negative: 0x40, ~(adj + 2^31) as 4 big-endian bytes, (10 − digit) per digit, 0xFF
 *   zero:     0x80
 *   positive: 0xC0, (adj + 2^31) as 4 big-endian bytes, (digit + 1) per digit, 0x00
 * Digit bytes are 1..10, so the terminators sort below (positive) or above
 * (negative) any digit: a shorter digit string sorts first among positives
 * (1.2 < 1.25) and last among negatives (−1.2 > −1.25). */
void pq_decimal_encode_key(const struct pq_decimal *d, struct pq_buf *out)
{
    if (d->sign == 0) {
        pq_buf_addc(out, (char)0x80);
        return;
    }
    bool neg = d->sign < 0;
    uint32_t e = (uint32_t)((int64_t)adj_of(d) + 0x80000000LL);
    if (neg) e = ~e;
    unsigned char b[5 + PQ_DECIMAL_DIGITS + 1];
    size_t n = 0;
    b[n++] = neg ? 0x40 : 0xC0;
    b[n++] = (unsigned char)(e >> 24);
    b[n++] = (unsigned char)(e >> 16);
    b[n++] = (unsigned char)(e >> 8);
    b[n++] = (unsigned char)e;
    for (size_t i = 0; i < d->ndigits; i++)
        b[n++] = (unsigned char)(neg ? 10 - d->digits[i] : d->digits[i] + 1);
    b[n++] = neg ? 0xFF : 0x00;
    pq_buf_add(out, b, n);
}

void pq_decimal_from_int(int64_t v, struct pq_decimal *out)
{
    char text[32];
    int n = snprintf(text, sizeof text, "%lld", (long long)v);
    /* 19 digits at most: always a valid, in-range number. */
    (void)pq_decimal_parse(text, (size_t)n, out);
}
