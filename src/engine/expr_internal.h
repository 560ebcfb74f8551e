/* expr_internal.h — the expression language's tokens, syntax tree and parser (private to expr*.c).
 *
 * expr_parse.c cuts the text into tokens (grammar/expr.l) and parses them
 * (grammar/expr.y) into the small tree below; expr.c, expr_check.c and
 * expr_update.c check it and compile it into the engine's trees (expr.h).
 *
 * Ownership: a struct xa_parsed owns its nodes, and every node its kids,
 * its path elements and its substituted steps; xa_parsed_free frees it all.
 */
#ifndef PQSH_ENGINE_EXPR_INTERNAL_H
#define PQSH_ENGINE_EXPR_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "engine/expr.h"
#include "pqsh/ast.h"

/* What the parser is asked to read. Key conditions use the condition grammar. */
typedef enum xa_mode {
    XA_MODE_CONDITION,
    XA_MODE_UPDATE,
    XA_MODE_PROJECTION,
} xa_mode;

/* One token of the text (byte offsets). kind is a grammar token number,
 * 0 for the end. */
struct xa_token {
    int kind;
    size_t start, end;
};

typedef enum xa_kind {
    XA_PATH,    /* elems */
    XA_VALUE,   /* a :value; name = the reference */
    XA_CALL,    /* name(kids…) */
    XA_CMP,     /* kids[0] op kids[1] */
    XA_BETWEEN, /* kids[0] BETWEEN kids[1] AND kids[2] */
    XA_IN,      /* kids[0] IN (kids[1…]) */
    XA_AND,     /* kids[0] AND kids[1] */
    XA_OR,      /* kids[0] OR kids[1] */
    XA_NOT,     /* NOT kids[0] */
    XA_PLUS,    /* kids[0] + kids[1] (UpdateExpression) */
    XA_MINUS,   /* kids[0] - kids[1] (UpdateExpression) */
} xa_kind;

/* One element of a document path as written. */
struct xa_elem {
    bool is_index; /* [n] */
    bool is_ref;   /* #name */
    size_t tok;    /* the NAME / HASHREF / NUMBER token */
    int64_t index; /* is_index; -1 when it overflows */
};

struct xa_node {
    xa_kind kind;
    size_t first_tok, last_tok; /* tokens covered, parentheses included */
    unsigned parens;            /* pairs of parentheses written right around it */
    pq_op op;                   /* CMP */
    size_t name_tok;            /* CALL: the function name; VALUE: the :ref */
    struct xa_node **kids;
    size_t nkids;
    struct xa_elem *elems; /* PATH */
    size_t nelems;
    /* PATH, after #name substitution (expr_check.c): what ev_path borrows. */
    struct pq_path_step *steps;
};

typedef enum xa_clause {
    XA_SET,
    XA_REMOVE,
    XA_ADD,
    XA_DELETE,
} xa_clause;

struct xa_action {
    xa_clause clause;
    struct xa_node *path;
    struct xa_node *value; /* SET: the value; ADD / DELETE: the :value; REMOVE: NULL */
};

struct xa_clause_mark {
    xa_clause clause;
    size_t tok;
};

/* A parsed expression and its text. */
struct xa_parsed {
    xa_mode mode;
    xp_param param;
    char *text; /* copy, NUL-terminated */
    size_t len;
    struct xa_token *toks;
    size_t ntoks;
    struct xa_node *root;   /* CONDITION */
    struct xa_node **paths; /* PROJECTION */
    size_t npaths;
    struct xa_action *actions; /* UPDATE, in the order written */
    size_t nactions;
    struct xa_clause_mark *clauses; /* UPDATE: each clause keyword, in order */
    size_t nclauses;
};

/* The lexer's state (grammar/expr.l). */
struct xa_lex_state {
    xa_mode mode;
    size_t offset;
};

/* The parser's state (grammar/expr.y). */
struct xa_parse_ctx {
    struct xa_parsed *p;
    size_t next;  /* next token to hand out */
    bool started; /* the mode token was handed out */
    bool failed;
    size_t error_tok; /* the token the syntax error is at (ntoks: end of text) */
};

/* ---- expr_parse.c ------------------------------------------------------- */

/* Lexes and parses `text` (len bytes). On a syntax error returns the
 * ValidationException "Invalid <Param>: Syntax error; token: …, near: …"
 * (without §1.2's prefix: the caller adds it). *out is set either way when
 * the text was lexed (NULL otherwise) and freed with xa_parsed_free. */
pq_status xa_parse(xa_mode mode, xp_param param, const char *text, size_t len,
                   struct xa_parsed **out, struct pq_error *err) PQ_MUST_USE;
void xa_parsed_free(struct xa_parsed *p);
void xa_node_free(struct xa_node *n);
struct xa_node *xa_node_new(xa_kind kind, size_t first_tok, size_t last_tok);
void xa_node_add(struct xa_node *n, struct xa_node *kid);
/* The syntax-error message at token `tok` (ntoks: <EOF>). */
pq_status xa_syntax_error(const struct xa_parsed *p, size_t tok, struct pq_error *err);
/* Source text of a token. */
const char *xa_tok_text(const struct xa_parsed *p, size_t tok, size_t *len);
/* "UpdateExpression" … */
const char *xa_param_name(xp_param param);

/* Called by the grammar: the lexer bridge and the result builders. */
int xa_lex_next(struct xa_parse_ctx *cx, size_t *tok, size_t *start, size_t *end);

#endif
