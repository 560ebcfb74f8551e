/* error.c — the pq_error value: set, move, release. */
#include "pqsh/error.h"
#include "pqsh/buf.h"

#include <stdarg.h>
#include <stdlib.h>

void pq_error_init(struct pq_error *e)
{
    e->code = PQ_OK;
    e->type = NULL;
    e->message = NULL;
    e->start = PQ_NO_POS;
    e->end = PQ_NO_POS;
    e->detail = NULL;
    e->http_status = 0;
    e->at_token = false;
}

void pq_error_release(struct pq_error *e)
{
    free(e->type);
    free(e->message);
    if (e->detail) json_decref(e->detail);
    pq_error_init(e);
}

void pq_error_move(struct pq_error *dst, struct pq_error *src)
{
    pq_error_release(dst);
    *dst = *src;
    pq_error_init(src);
}

static char *vformat(const char *fmt, va_list ap)
{
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    pq_buf_vaddf(&b, fmt, ap);
    return pq_buf_detach(&b, NULL);
}

pq_status pq_error_set(struct pq_error *e, pq_status code, size_t start, size_t end,
                       const char *fmt, ...)
{
    pq_error_release(e);
    va_list ap;
    va_start(ap, fmt);
    e->message = vformat(fmt, ap);
    va_end(ap);
    e->code = code;
    e->start = start;
    e->end = end;
    return code;
}

pq_status pq_error_service(struct pq_error *e, const char *type, const char *fmt, ...)
{
    pq_error_release(e);
    va_list ap;
    va_start(ap, fmt);
    e->message = vformat(fmt, ap);
    va_end(ap);
    e->type = pq_xstrdup(type);
    e->code = PQ_ERR_SERVICE;
    return PQ_ERR_SERVICE;
}

pq_status pq_error_validation(struct pq_error *e, const char *fmt, ...)
{
    pq_error_release(e);
    va_list ap;
    va_start(ap, fmt);
    e->message = vformat(fmt, ap);
    va_end(ap);
    e->type = pq_xstrdup("ValidationException");
    e->code = PQ_ERR_SERVICE;
    return PQ_ERR_SERVICE;
}

pq_status pq_error_nomem(struct pq_error *e)
{
    return pq_error_set(e, PQ_ERR_NOMEM, PQ_NO_POS, PQ_NO_POS, "out of memory");
}
