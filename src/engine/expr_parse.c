/* expr_parse.c — the expression language's lexer and parser glue, syntax-error messages (§2.2). */
#include "engine/expr_internal.h"

#include <stdlib.h>
#include <string.h>

#include "expr.tab.h"
#include "pqsh/buf.h"

#define YYSTYPE XPYYSTYPE
#define YYLTYPE XPYYLTYPE
#include "expr.lex.h"

const char *xa_param_name(xp_param param)
{
    switch (param) {
    case XP_UPDATE:
        return "UpdateExpression";
    case XP_CONDITION:
        return "ConditionExpression";
    case XP_KEY_CONDITION:
        return "KeyConditionExpression";
    case XP_FILTER:
        return "FilterExpression";
    case XP_PROJECTION:
        return "ProjectionExpression";
    }
    return "Expression";
}

struct xa_node *xa_node_new(xa_kind kind, size_t first_tok, size_t last_tok)
{
    struct xa_node *n = pq_xcalloc(1, sizeof *n);
    n->kind = kind;
    n->first_tok = first_tok;
    n->last_tok = last_tok;
    return n;
}

void xa_node_add(struct xa_node *n, struct xa_node *kid)
{
    n->kids = pq_xrealloc(n->kids, (n->nkids + 1) * sizeof *n->kids);
    n->kids[n->nkids++] = kid;
}

void xa_node_free(struct xa_node *n)
{
    if (!n) return;
    for (size_t i = 0; i < n->nkids; i++)
        xa_node_free(n->kids[i]);
    free(n->kids);
    if (n->steps)
        for (size_t i = 0; i < n->nelems; i++)
            free(n->steps[i].name);
    free(n->steps);
    free(n->elems);
    free(n);
}

void xa_parsed_free(struct xa_parsed *p)
{
    if (!p) return;
    xa_node_free(p->root);
    for (size_t i = 0; i < p->npaths; i++)
        xa_node_free(p->paths[i]);
    free(p->paths);
    for (size_t i = 0; i < p->nactions; i++) {
        xa_node_free(p->actions[i].path);
        xa_node_free(p->actions[i].value);
    }
    free(p->actions);
    free(p->clauses);
    free(p->toks);
    free(p->text);
    free(p);
}

const char *xa_tok_text(const struct xa_parsed *p, size_t tok, size_t *len)
{
    if (tok >= p->ntoks) {
        *len = 0;
        return p->text + p->len;
    }
    *len = p->toks[tok].end - p->toks[tok].start;
    return p->text + p->toks[tok].start;
}

pq_status xa_syntax_error(const struct xa_parsed *p, size_t tok, struct pq_error *err)
{
    struct pq_buf m = PQ_BUF_INIT;
    pq_buf_init(&m);
    pq_buf_addf(&m, "Invalid %s: Syntax error; token: \"", xa_param_name(p->param));
    size_t near_s = 0, near_e = 0;
    if (tok >= p->ntoks) {
        pq_buf_adds(&m, "<EOF>");
        if (p->ntoks) {
            near_s = p->toks[p->ntoks - 1].start;
            near_e = p->toks[p->ntoks - 1].end;
        }
    } else {
        pq_buf_add(&m, p->text + p->toks[tok].start, p->toks[tok].end - p->toks[tok].start);
        near_s = p->toks[tok ? tok - 1 : tok].start;
        near_e = p->toks[tok + 1 < p->ntoks ? tok + 1 : tok].end;
    }
    pq_buf_adds(&m, "\", near: \"");
    pq_buf_add(&m, p->text + near_s, near_e - near_s);
    pq_buf_addc(&m, '"');
    pq_status st = pq_error_validation(err, "%s", m.data);
    pq_buf_release(&m);
    return st;
}

int xa_lex_next(struct xa_parse_ctx *cx, size_t *tok, size_t *start, size_t *end)
{
    const struct xa_parsed *p = cx->p;
    if (cx->next >= p->ntoks) {
        *tok = p->ntoks;
        *start = *end = p->len;
        cx->next = p->ntoks + 1;
        return 0;
    }
    const struct xa_token *t = &p->toks[cx->next];
    *tok = cx->next++;
    *start = t->start;
    *end = t->end;
    return t->kind;
}

/* Cuts the whole text into tokens. */
static void lex_all(struct xa_parsed *p)
{
    yyscan_t scanner;
    struct xa_lex_state st = {p->mode, 0};
    xplexlex_init_extra(&st, &scanner);
    YY_BUFFER_STATE buf = xplex_scan_bytes(p->text, (int)p->len, scanner);
    size_t cap = 0;
    for (;;) {
        XPYYSTYPE lval;
        XPYYLTYPE lloc;
        int kind = xplexlex(&lval, &lloc, scanner);
        if (kind == 0) break;
        if (p->ntoks == cap) {
            cap = cap ? 2 * cap : 16;
            p->toks = pq_xrealloc(p->toks, cap * sizeof *p->toks);
        }
        p->toks[p->ntoks++] = (struct xa_token){kind, lloc.start, lloc.end};
    }
    xplex_delete_buffer(buf, scanner);
    xplexlex_destroy(scanner);
}

pq_status xa_parse(xa_mode mode, xp_param param, const char *text, size_t len,
                   struct xa_parsed **out, struct pq_error *err)
{
    struct xa_parsed *p = pq_xcalloc(1, sizeof *p);
    p->mode = mode;
    p->param = param;
    p->text = pq_xmalloc(len + 1);
    memcpy(p->text, text, len);
    p->text[len] = '\0';
    p->len = len;
    lex_all(p);
    *out = p;
    struct xa_parse_ctx cx = {.p = p};
    int rc = xpyyparse(&cx);
    if (rc != 0 || cx.failed) return xa_syntax_error(p, cx.failed ? cx.error_tok : p->ntoks, err);
    return PQ_OK;
}
