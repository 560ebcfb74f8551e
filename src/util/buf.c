/* buf.c — growable NUL-terminated byte buffer and aborting allocators. */
#include "pqsh/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *pq_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) abort();
    return p;
}

void *pq_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) abort();
    return p;
}

void *pq_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) abort();
    return q;
}

char *pq_xstrdup(const char *s)
{
    return pq_xstrndup(s, strlen(s));
}

char *pq_xstrndup(const char *s, size_t n)
{
    char *p = pq_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static char empty_buf[1];

void pq_buf_init(struct pq_buf *b)
{
    b->data = empty_buf;
    b->len = 0;
    b->cap = 0;
}

void pq_buf_release(struct pq_buf *b)
{
    if (b->cap) free(b->data);
    pq_buf_init(b);
}

char *pq_buf_detach(struct pq_buf *b, size_t *len)
{
    char *d = b->cap ? b->data : pq_xstrdup("");
    if (len) *len = b->len;
    pq_buf_init(b);
    return d;
}

void pq_buf_reset(struct pq_buf *b)
{
    if (!b->data) pq_buf_init(b);
    b->len = 0;
    if (b->cap) b->data[0] = '\0';
}

void pq_buf_grow(struct pq_buf *b, size_t extra)
{
    if (!b->data) pq_buf_init(b);
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    if (b->cap) {
        b->data = pq_xrealloc(b->data, cap);
    } else {
        b->data = pq_xmalloc(cap);
        b->data[0] = '\0';
    }
    b->cap = cap;
}

void pq_buf_add(struct pq_buf *b, const void *data, size_t len)
{
    pq_buf_grow(b, len);
    if (len) memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void pq_buf_adds(struct pq_buf *b, const char *s)
{
    pq_buf_add(b, s, strlen(s));
}

void pq_buf_vaddf(struct pq_buf *b, const char *fmt, va_list ap)
{
    /* Also tells gcc (-O1+ with UBSan) that fmt is not NULL below. */
    if (!fmt) return;
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0) return;
    pq_buf_grow(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void pq_buf_addf(struct pq_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pq_buf_vaddf(b, fmt, ap);
    va_end(ap);
}

static void add_quoted(struct pq_buf *b, const char *s, size_t len, char q)
{
    pq_buf_addc(b, q);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == q) pq_buf_addc(b, q);
        pq_buf_addc(b, s[i]);
    }
    pq_buf_addc(b, q);
}

void pq_buf_add_squoted(struct pq_buf *b, const char *s, size_t len)
{
    add_quoted(b, s, len, '\'');
}

void pq_buf_add_dquoted(struct pq_buf *b, const char *s, size_t len)
{
    add_quoted(b, s, len, '"');
}
