/* base64.c — RFC 4648 base64 (standard alphabet, '=' padding), as B and BS values travel.
 *
 * OpenSSL's EVP_EncodeBlock / EVP_DecodeBlock do the coding. DecodeBlock is
 * lenient where DynamoDB is not — it strips whitespace (and '-') at either
 * end and takes '=' anywhere as a zero sextet — so the checks it lacks run
 * first: DynamoDB refuses all of those.
 */
#include "pqsh/value.h"

#include <limits.h>
#include <string.h>
#include <openssl/evp.h>

void pq_base64_encode(const void *bytes, size_t len, struct pq_buf *out)
{
    /* In pieces of a multiple of 3 bytes, since the length is an int. */
    const unsigned char *p = bytes;
    while (len) {
        size_t n = len > 3u * (1u << 28) ? 3u * (1u << 28) : len;
        size_t need = (n + 2) / 3 * 4;
        pq_buf_grow(out, need + 1);
        EVP_EncodeBlock((unsigned char *)out->data + out->len, p, (int)n);
        out->len += need;
        out->data[out->len] = '\0';
        p += n;
        len -= n;
    }
}

static bool in_alphabet(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
}

/* Strict: the length is a multiple of 4, only the last one or two characters
 * may be '=', nothing outside the alphabet (no whitespace, no URL alphabet).
 * Unused low bits of the last sextet are ignored, as most decoders do. */
bool pq_base64_decode(const char *text, size_t len, struct pq_buf *out)
{
    if (len % 4 != 0 || len > INT_MAX) return false;
    if (len == 0) return true;
    size_t pad = text[len - 1] == '=' ? (text[len - 2] == '=' ? 2 : 1) : 0;
    /* The ends are where DecodeBlock would strip; '=' before the padding it would take. */
    if (!in_alphabet((unsigned char)text[0]) || !in_alphabet((unsigned char)text[len - pad - 1]) ||
        memchr(text, '=', len - pad))
        return false;
    size_t full = len / 4 * 3;
    pq_buf_grow(out, full + 1);
    int n = EVP_DecodeBlock((unsigned char *)out->data + out->len, (const unsigned char *)text,
                            (int)len);
    if (n < 0 || (size_t)n != full) {
        out->data[out->len] = '\0';
        return false;
    }
    out->len += full - pad;
    out->data[out->len] = '\0';
    return true;
}

size_t pq_base64_decoded_size(const char *text, size_t len)
{
    size_t n = len / 4 * 3;
    if (len >= 1 && text[len - 1] == '=') n--;
    if (len >= 2 && text[len - 2] == '=') n--;
    return n;
}
