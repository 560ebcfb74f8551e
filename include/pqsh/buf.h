/* buf.h — one growable byte buffer, always NUL-terminated.
 *
 * Ownership: the buffer owns `data`. pq_buf_release() frees it and leaves an
 * empty buffer; pq_buf_detach() hands `data` to the caller (free() it) and
 * leaves an empty buffer. Appends abort on allocation failure (like git's
 * strbuf): out-of-memory is not a recoverable condition for a shell.
 */
#ifndef PQSH_BUF_H
#define PQSH_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include "pqsh/error.h"

struct pq_buf {
    char *data; /* never NULL after init: "" when empty */
    size_t len;
    size_t cap;
};

#define PQ_BUF_INIT {NULL, 0, 0}

void pq_buf_init(struct pq_buf *b);
void pq_buf_release(struct pq_buf *b);
char *pq_buf_detach(struct pq_buf *b, size_t *len);
void pq_buf_reset(struct pq_buf *b);
void pq_buf_add(struct pq_buf *b, const void *data, size_t len);
void pq_buf_adds(struct pq_buf *b, const char *s);
/* Makes room for `extra` more bytes (and the NUL). */
void pq_buf_grow(struct pq_buf *b, size_t extra);
/* One byte; inline because splitters and printers append byte by byte. */
static inline void pq_buf_addc(struct pq_buf *b, char c)
{
    if (b->len + 2 > b->cap) pq_buf_grow(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}
void pq_buf_addf(struct pq_buf *b, const char *fmt, ...) PQ_PRINTF(2, 3);
void pq_buf_vaddf(struct pq_buf *b, const char *fmt, va_list ap);
/* Appends `s` as a PartiQL single-quoted string literal ('' doubles a quote). */
void pq_buf_add_squoted(struct pq_buf *b, const char *s, size_t len);
/* Appends `s` as a PartiQL double-quoted identifier ("" doubles a quote). */
void pq_buf_add_dquoted(struct pq_buf *b, const char *s, size_t len);

/* Allocation helpers that abort on failure. */
void *pq_xmalloc(size_t n);
void *pq_xcalloc(size_t n, size_t size);
void *pq_xrealloc(void *p, size_t n);
char *pq_xstrdup(const char *s);
char *pq_xstrndup(const char *s, size_t n);

#endif
