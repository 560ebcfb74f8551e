/* expr_update.c — UpdateExpression: static checks and compilation into ev_update (§2.8). */
#include "engine/expr_check.h"

pq_status xp_update(struct xp_request *r, const char *text, const struct ev_update **out,
                    struct pq_error *err)
{
    struct xa_parsed *p;
    *out = NULL;
    pq_status st = xp_parse(r, XP_UPDATE, XA_MODE_UPDATE, text, &p, err);
    if (st) return st;
    return xp_fail(r, XP_UPDATE, err, "UpdateExpression is not supported yet");
}
