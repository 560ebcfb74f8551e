/* expr.y — DynamoDB's expression language (ConditionExpression, FilterExpression,
 * KeyConditionExpression, ProjectionExpression, UpdateExpression) → struct xa_parsed
 * (pure bison).
 *
 * The tokens are cut beforehand by expr.l (src/engine/expr_parse.c hands them
 * over one by one, behind a first token that names what is parsed). Locations
 * are byte offsets; every semantic value that owns memory has a %destructor.
 *
 * The condition grammar is deliberately one level wider than the language:
 * `cond` also derives a lone operand, and comparisons take `cond` operands,
 * because which calls are conditions (attribute_exists) and which are values
 * (size) is only known from the function name, which DynamoDB judges after
 * the syntax (§2.5). expr_check.c then refuses an operand where a condition
 * must be (and the reverse) as the syntax error the narrower grammar gives:
 * at the token that follows it.
 */
%code requires {
#include <stddef.h>
#include "engine/expr_internal.h"

typedef struct xp_yyltype {
    size_t start, end;
} XPYYLTYPE;
#define XPYYLTYPE_IS_DECLARED 1

/* A growing list of nodes (call arguments, IN lists). */
struct xa_nodes {
    struct xa_node **v;
    size_t n;
};
}

%code {
#include <stdlib.h>
#include <string.h>

#define YYLLOC_DEFAULT(Cur, Rhs, N)                                                                \
    do {                                                                                           \
        if (N) {                                                                                   \
            (Cur).start = YYRHSLOC(Rhs, 1).start;                                                  \
            (Cur).end = YYRHSLOC(Rhs, N).end;                                                      \
        } else {                                                                                   \
            (Cur).start = (Cur).end = YYRHSLOC(Rhs, 0).end;                                        \
        }                                                                                          \
    } while (0)
#define YYLOCATION_PRINT(File, Loc) ((void)0)

static int xpyylex(XPYYSTYPE *lval, XPYYLTYPE *lloc, struct xa_parse_ctx *cx);
static void xpyyerror(XPYYLTYPE *loc, struct xa_parse_ctx *cx, const char *msg);

static void nodes_free(struct xa_nodes l)
{
    for (size_t i = 0; i < l.n; i++)
        xa_node_free(l.v[i]);
    free(l.v);
}

static struct xa_nodes nodes_one(struct xa_node *n)
{
    struct xa_nodes l = {pq_xmalloc(sizeof *l.v), 1};
    l.v[0] = n;
    return l;
}

static struct xa_nodes nodes_add(struct xa_nodes l, struct xa_node *n)
{
    l.v = pq_xrealloc(l.v, (l.n + 1) * sizeof *l.v);
    l.v[l.n++] = n;
    return l;
}

static struct xa_node *binary(xa_kind kind, struct xa_node *a, struct xa_node *b)
{
    struct xa_node *n = xa_node_new(kind, a->first_tok, b->last_tok);
    xa_node_add(n, a);
    xa_node_add(n, b);
    return n;
}

static struct xa_node *cmp(pq_op op, struct xa_node *a, struct xa_node *b)
{
    struct xa_node *n = binary(XA_CMP, a, b);
    n->op = op;
    return n;
}

/* `( x )`: x itself, one more pair of parentheses around it. */
static struct xa_node *paren(size_t open, struct xa_node *x, size_t close)
{
    x->parens++;
    x->first_tok = open;
    x->last_tok = close;
    return x;
}

static struct xa_node *path_elem(struct xa_node *p, bool is_ref, bool is_index, size_t tok,
                                 size_t last)
{
    p->elems = pq_xrealloc(p->elems, (p->nelems + 1) * sizeof *p->elems);
    struct xa_elem *e = &p->elems[p->nelems++];
    memset(e, 0, sizeof *e);
    e->is_ref = is_ref;
    e->is_index = is_index;
    e->tok = tok;
    p->last_tok = last;
    return p;
}

static void add_action(struct xa_parse_ctx *cx, xa_clause c, struct xa_node *path,
                       struct xa_node *value)
{
    struct xa_parsed *p = cx->p;
    p->actions = pq_xrealloc(p->actions, (p->nactions + 1) * sizeof *p->actions);
    p->actions[p->nactions++] = (struct xa_action){c, path, value};
}

static void add_clause(struct xa_parse_ctx *cx, xa_clause c, size_t tok)
{
    struct xa_parsed *p = cx->p;
    p->clauses = pq_xrealloc(p->clauses, (p->nclauses + 1) * sizeof *p->clauses);
    p->clauses[p->nclauses++] = (struct xa_clause_mark){c, tok};
}
}

%define api.pure full
%define api.prefix {xpyy}
%define parse.error custom
%define parse.lac full
%locations
%param {struct xa_parse_ctx *cx}
%expect 0

%union {
    size_t tok;
    struct xa_node *node;
    struct xa_nodes nodes;
}

%token START_CONDITION START_UPDATE START_PROJECTION
%token <tok> NAME HASHREF VALREF NUMBER BAD
%token <tok> AND OR NOT BETWEEN IN SET REMOVE ADD DELETE
%token <tok> EQ NE LT LE GT GE LP RP LB RB COMMA DOT PLUS MINUS

%type <node> cond operand call path setval term
%type <nodes> args terms

%destructor { xa_node_free($$); } <node>
%destructor { nodes_free($$); } <nodes>

%left OR
%left AND
%precedence NOT
%nonassoc EQ NE LT LE GT GE BETWEEN IN

%%

top:
    START_CONDITION cond            { cx->p->root = $2; }
  | START_UPDATE clauses
  | START_PROJECTION projection
  ;

/* ---- conditions (§2.5) ---- */

cond:
    cond OR cond                    { $$ = binary(XA_OR, $1, $3); }
  | cond AND cond                   { $$ = binary(XA_AND, $1, $3); }
  | NOT cond                        {
        $$ = xa_node_new(XA_NOT, $1, $2->last_tok);
        xa_node_add($$, $2);
    }
  | cond EQ cond                    { $$ = cmp(PQ_OP_EQ, $1, $3); }
  | cond NE cond                    { $$ = cmp(PQ_OP_NE, $1, $3); }
  | cond LT cond                    { $$ = cmp(PQ_OP_LT, $1, $3); }
  | cond LE cond                    { $$ = cmp(PQ_OP_LE, $1, $3); }
  | cond GT cond                    { $$ = cmp(PQ_OP_GT, $1, $3); }
  | cond GE cond                    { $$ = cmp(PQ_OP_GE, $1, $3); }
  | cond BETWEEN operand AND operand {
        $$ = xa_node_new(XA_BETWEEN, $1->first_tok, $5->last_tok);
        xa_node_add($$, $1);
        xa_node_add($$, $3);
        xa_node_add($$, $5);
    }
  | cond IN LP args RP              {
        $$ = xa_node_new(XA_IN, $1->first_tok, $5);
        xa_node_add($$, $1);
        for (size_t i = 0; i < $4.n; i++)
            xa_node_add($$, $4.v[i]);
        free($4.v);
    }
  | operand                         { $$ = $1; }
  ;

operand:
    path                            { $$ = $1; }
  | VALREF                          { $$ = xa_node_new(XA_VALUE, $1, $1); $$->name_tok = $1; }
  | call                            { $$ = $1; }
  | LP cond RP                      { $$ = paren($1, $2, $3); }
  ;

call:
    NAME LP args RP                 {
        $$ = xa_node_new(XA_CALL, $1, $4);
        $$->name_tok = $1;
        for (size_t i = 0; i < $3.n; i++)
            xa_node_add($$, $3.v[i]);
        free($3.v);
    }
  ;

args:
    cond                            { $$ = nodes_one($1); }
  | args COMMA cond                 { $$ = nodes_add($1, $3); }
  ;

/* ---- document paths (§2.3) ---- */

path:
    NAME                            { $$ = path_elem(xa_node_new(XA_PATH, $1, $1), false, false, $1, $1); }
  | HASHREF                         { $$ = path_elem(xa_node_new(XA_PATH, $1, $1), true, false, $1, $1); }
  | path DOT NAME                   { $$ = path_elem($1, false, false, $3, $3); }
  | path DOT HASHREF                { $$ = path_elem($1, true, false, $3, $3); }
  | path LB NUMBER RB               { $$ = path_elem($1, false, true, $3, $4); }
  ;

/* ---- ProjectionExpression (§2.7) ---- */

projection:
    path                            {
        cx->p->paths = pq_xmalloc(sizeof *cx->p->paths);
        cx->p->paths[0] = $1;
        cx->p->npaths = 1;
    }
  | projection COMMA path           {
        struct xa_parsed *p = cx->p;
        p->paths = pq_xrealloc(p->paths, (p->npaths + 1) * sizeof *p->paths);
        p->paths[p->npaths++] = $3;
    }
  ;

/* ---- UpdateExpression (§2.8) ---- */

clauses:
    clause
  | clauses clause
  ;

clause:
    SET { add_clause(cx, XA_SET, $1); } set_actions
  | REMOVE { add_clause(cx, XA_REMOVE, $1); } remove_actions
  | ADD { add_clause(cx, XA_ADD, $1); } add_actions
  | DELETE { add_clause(cx, XA_DELETE, $1); } delete_actions
  ;

set_actions:
    set_action
  | set_actions COMMA set_action
  ;

set_action:
    path EQ setval                  { add_action(cx, XA_SET, $1, $3); }
  ;

remove_actions:
    path                            { add_action(cx, XA_REMOVE, $1, NULL); }
  | remove_actions COMMA path       { add_action(cx, XA_REMOVE, $3, NULL); }
  ;

add_actions:
    path VALREF                     {
        struct xa_node *v = xa_node_new(XA_VALUE, $2, $2);
        v->name_tok = $2;
        add_action(cx, XA_ADD, $1, v);
    }
  | add_actions COMMA path VALREF   {
        struct xa_node *v = xa_node_new(XA_VALUE, $4, $4);
        v->name_tok = $4;
        add_action(cx, XA_ADD, $3, v);
    }
  ;

delete_actions:
    path VALREF                     {
        struct xa_node *v = xa_node_new(XA_VALUE, $2, $2);
        v->name_tok = $2;
        add_action(cx, XA_DELETE, $1, v);
    }
  | delete_actions COMMA path VALREF {
        struct xa_node *v = xa_node_new(XA_VALUE, $4, $4);
        v->name_tok = $4;
        add_action(cx, XA_DELETE, $3, v);
    }
  ;

setval:
    term                            { $$ = $1; }
  | term PLUS term                  { $$ = binary(XA_PLUS, $1, $3); }
  | term MINUS term                 { $$ = binary(XA_MINUS, $1, $3); }
  ;

term:
    path                            { $$ = $1; }
  | VALREF                          { $$ = xa_node_new(XA_VALUE, $1, $1); $$->name_tok = $1; }
  | NAME LP terms RP                {
        $$ = xa_node_new(XA_CALL, $1, $4);
        $$->name_tok = $1;
        for (size_t i = 0; i < $3.n; i++)
            xa_node_add($$, $3.v[i]);
        free($3.v);
    }
  | LP setval RP                    { $$ = paren($1, $2, $3); }
  ;

terms:
    term                            { $$ = nodes_one($1); }
  | terms COMMA term                { $$ = nodes_add($1, $3); }
  ;

%%

static int xpyylex(XPYYSTYPE *lval, XPYYLTYPE *lloc, struct xa_parse_ctx *cx)
{
    if (!cx->started) {
        cx->started = true;
        lloc->start = lloc->end = 0;
        return cx->p->mode == XA_MODE_UPDATE       ? START_UPDATE
               : cx->p->mode == XA_MODE_PROJECTION ? START_PROJECTION
                                                   : START_CONDITION;
    }
    size_t tok;
    int kind = xa_lex_next(cx, &tok, &lloc->start, &lloc->end);
    lval->tok = tok;
    return kind;
}

/* Called by bison only when its stack is full: the text nests too deeply to
 * be an expression DynamoDB accepts (4 KB of parentheses). */
static void xpyyerror(XPYYLTYPE *loc, struct xa_parse_ctx *cx, const char *msg)
{
    (void)loc;
    (void)msg;
    if (!cx->failed) {
        cx->failed = true;
        cx->error_tok = cx->next ? cx->next - 1 : 0;
    }
}

static int yyreport_syntax_error(const yypcontext_t *yyctx, struct xa_parse_ctx *cx)
{
    if (cx->failed) return 0;
    cx->failed = true;
    /* The lookahead is the token handed out last (or the end of the text). */
    cx->error_tok = yypcontext_token(yyctx) == YYSYMBOL_YYEOF ? cx->p->ntoks
                    : cx->next ? cx->next - 1 : 0;
    return 0;
}
