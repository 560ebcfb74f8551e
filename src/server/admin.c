/* admin.c — pqsh's own requests on `pqsh serve --clock`: move the clock, sweep TTL now.
 *
 *   GET  /pqsh/clock        {"Now": epoch seconds, "Offset": seconds}
 *   POST /pqsh/clock        body {"Advance": seconds} | {"Reset": true} | {}
 *   POST /pqsh/ttl-sweep    {"Deleted": n}
 *
 * The same operations also come as X-Amz-Target DynamoDB_20120810.pqsh:Clock
 * and .pqsh:TtlSweep, signed like any call (that is how the shell's .clock
 * and .ttl-sweep reach a server); handle.c routes them.
 *
 * The clock is the one clock of every database; a sweep sweeps every
 * database (dbs.c).
 *
 * No signature is asked for on /pqsh/ (curl is enough for a teacher); the switch is
 * the --clock option itself: without it every /pqsh/ path is refused with
 * 403 AccessDeniedException, so a server started plainly behaves exactly as
 * DynamoDB does. Answers and errors are JSON, like the service's.
 */
#include "server/internal.h"

#include <stdlib.h>
#include <string.h>

void srv_admin(struct srv_ctx *c, const struct srv_request *rq, struct srv_response *rs)
{
    const char *op = NULL;
    bool get = strcmp(rq->method, "GET") == 0, post = strcmp(rq->method, "POST") == 0;
    if (!c->clock_admin) {
        srv_error_body(rs, 403, "AccessDeniedException",
                       "pqsh serve was started without --clock: the clock cannot be moved");
        return;
    }
    if (strcmp(rq->path, "/pqsh/clock") == 0 && (get || post))
        op = "pqsh:Clock";
    else if (strcmp(rq->path, "/pqsh/ttl-sweep") == 0 && post)
        op = "pqsh:TtlSweep";
    if (!op) {
        srv_error_body(rs, 404, "UnknownOperationException",
                       "pqsh serve --clock answers GET/POST /pqsh/clock and POST /pqsh/ttl-sweep");
        return;
    }
    json_t *req = NULL, *resp = NULL;
    if (post && rq->body_len) {
        json_error_t jerr;
        req = json_loadb(rq->body, rq->body_len, 0, &jerr);
        if (!req) {
            srv_error_body(rs, 400, "SerializationException", "the body is not JSON");
            return;
        }
    }
    struct pq_error err;
    pq_error_init(&err);
    pq_status st = srv_dbs_admin(c->dbs, op, req, &resp, &err);
    if (st) {
        srv_error_body(rs, err.code == PQ_ERR_SERVICE ? 400 : 500,
                       err.type ? err.type : "InternalServerError", err.message);
    } else {
        char *text = json_dumps(resp, JSON_COMPACT);
        pq_buf_adds(&rs->body, text ? text : "{}");
        free(text);
    }
    pq_error_release(&err);
    json_decref(req);
    json_decref(resp);
}
