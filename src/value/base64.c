/* base64.c — RFC 4648 base64 (standard alphabet, '=' padding), as B and BS values travel. */
#include "pqsh/value.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int sextet(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

void pq_base64_encode(const void *bytes, size_t len, struct pq_buf *out)
{
    const unsigned char *p = bytes;
    char q[4];
    for (size_t i = 0; i < len; i += 3) {
        size_t left = len - i;
        uint32_t v = (uint32_t)p[i] << 16;
        if (left > 1) v |= (uint32_t)p[i + 1] << 8;
        if (left > 2) v |= p[i + 2];
        q[0] = alphabet[(v >> 18) & 63];
        q[1] = alphabet[(v >> 12) & 63];
        q[2] = left > 1 ? alphabet[(v >> 6) & 63] : '=';
        q[3] = left > 2 ? alphabet[v & 63] : '=';
        pq_buf_add(out, q, 4);
    }
}

/* Strict: the length is a multiple of 4, only the last one or two characters
 * may be '=', nothing outside the alphabet (no whitespace, no URL alphabet).
 * Unused low bits of the last sextet are ignored, as most decoders do. */
bool pq_base64_decode(const char *text, size_t len, struct pq_buf *out)
{
    if (len % 4 != 0) return false;
    size_t start = out->len;
    for (size_t i = 0; i < len; i += 4) {
        bool last = i + 4 == len;
        int s[4];
        int pad = 0;
        for (int k = 0; k < 4; k++) {
            unsigned char c = (unsigned char)text[i + k];
            if (c == '=' && last && k >= 2) {
                pad++;
                s[k] = 0;
                continue;
            }
            if (pad) goto fail; /* data after padding */
            s[k] = sextet(c);
            if (s[k] < 0) goto fail;
        }
        uint32_t v =
            (uint32_t)s[0] << 18 | (uint32_t)s[1] << 12 | (uint32_t)s[2] << 6 | (uint32_t)s[3];
        unsigned char b[3] = {(unsigned char)(v >> 16), (unsigned char)(v >> 8), (unsigned char)v};
        pq_buf_add(out, b, (size_t)(3 - pad));
    }
    return true;
fail:
    out->len = start;
    if (out->cap) out->data[start] = '\0';
    return false;
}

size_t pq_base64_decoded_size(const char *text, size_t len)
{
    size_t n = len / 4 * 3;
    if (len >= 1 && text[len - 1] == '=') n--;
    if (len >= 2 && text[len - 2] == '=') n--;
    return n;
}
