/* partiql.y — DynamoDB PartiQL plus pqsh's statements → struct pq_stmt (pure bison).
 *
 * One statement per parse, an optional ';' after it. Locations are byte
 * offsets (struct pq_yyltype). Every owning semantic type has a %destructor,
 * so error paths leak nothing — except that bison does not destroy the
 * right-hand side of a rule whose own action calls YYERROR: such actions free
 * what they were given first. Syntax errors are reported by
 * yyreport_syntax_error below, which picks DynamoDB's detail category; errors
 * found by actions (STRICT-mode refusals, bad type names, …) go through
 * pq_parse_error() and YYERROR. The lexer wrapper pqyylex() is in
 * src/lang/parse.c.
 *
 * The "expected …" part of a syntax error is exact without bison's LAC, which
 * would check every lookahead that leads to a reduction on every statement:
 * the parser keeps a copy of its state stack as it was when it fetched each
 * lookahead (snap_stack), and only on an error does it run LAC's table
 * simulation over that copy (lac_shifts). Without LAC, reductions (and their
 * actions) may run on a lookahead that is then found to be wrong; an action
 * that finds an error first asks pq_parse_lookahead_refused(), so that the
 * error reported is still the one at the lookahead, as with LAC.
 */
%code requires {
#include <stdbool.h>
#include <stddef.h>
#include "pqsh/ast.h"
#include "pqsh/error.h"

typedef struct pq_yyltype {
    size_t start, end;
} PQYYLTYPE;
#define PQYYLTYPE_IS_DECLARED 1

struct pq_parse_ctx;

/* Growable lists used while a statement is being built. */
struct pqg_exprs {
    struct pq_expr **v;
    size_t n, cap;
};
#define NO_EXPRS ((struct pqg_exprs){NULL, 0, 0})
struct pqg_updops {
    struct pq_update_op *v;
    size_t n;
};
struct pqg_orders {
    struct pq_order_item *v;
    size_t n;
};
struct pqg_idents {
    struct pq_ident *v;
    size_t n;
};
struct pqg_keys {
    struct pq_key_part *v;
    size_t n;
    struct pq_loc loc;
};
/* The parenthesised body of CREATE TABLE and the options after it. */
struct pqg_table {
    struct pq_column *cols;
    size_t ncols;
    struct pq_key_part *pk;
    size_t npk;
    struct pq_index_def *indexes;
    size_t nindexes;
    pq_billing billing;
    int64_t rcu, wcu;
    struct pq_loc pk_loc; /* the PRIMARY KEY (…) clause after the parentheses */
};
/* A clause pqsh records but DynamoDB refuses (GROUP BY, HAVING, OFFSET). */
struct pqg_mark {
    bool present;
    struct pq_loc loc;
};
}

%code provides {
#define PQ_PARSE_SNAP_INLINE 32
struct pq_parse_ctx {
    const char *text;
    size_t len;
    bool strict;
    void *scanner;
    size_t offset;  /* lexer position */
    size_t nparams; /* `?` seen so far */
    struct pq_stmt *result;
    struct pq_error *err;
    const char *detail;
    bool failed;
    /* One token of lookahead, to fold NOT IN / NOT BETWEEN / NOT LIKE. */
    bool has_peek;
    int peek_tok;
    PQYYSTYPE peek_val;
    PQYYLTYPE peek_loc;
    /* Recent tokens, for DynamoDB's error categories. */
    int first_tok, second_tok, prev_tok, last_tok;
    PQYYLTYPE first_loc, prev_loc, last_loc;
    size_t ntok;
    /* Comments seen (SHELL mode only), handed to the statement. */
    struct pq_loc *comments;
    size_t ncomments;
    /* SHELL mode took a turn a STRICT parse of the same text would not (a
     * pqsh keyword, a reserved word as a name, `:name`, b64'…', …): handed
     * to the statement as pq_stmt.shell_syntax. */
    bool shell_syntax;
    /* The parser's state stack when it fetched the last lookahead: snap_n
     * states, in snap_inline when they fit, else in snap_heap (owned). */
    size_t snap_n, snap_cap;
    short snap_inline[PQ_PARSE_SNAP_INLINE];
    short *snap_heap;
    /* pq_parse_expected: where the syntax error's expected tokens (symbol
     * kinds) go; NULL in a plain pq_parse. */
    int *want_expected;
    int nexpected;
};

int pqyylex(PQYYSTYPE *lval, PQYYLTYPE *lloc, struct pq_parse_ctx *ctx);
/* Word → keyword token, RESERVED_WORD or IDENT, by parse mode. */
int pq_parse_word(struct pq_parse_ctx *ctx, const char *s, size_t len);
/* Checks quoted text: valid UTF-8, no NUL. Sets the error and returns false if not. */
bool pq_parse_check_text(struct pq_parse_ctx *ctx, const char *s, size_t len, size_t offset);
/* The body of a b64'…' literal (at byte `offset`) is well-formed base64. */
bool pq_parse_check_base64(struct pq_parse_ctx *ctx, const char *s, size_t len, size_t offset);
/* Non-ASCII text outside quotes (at byte `offset`): names typographic quotes
 * and odd spaces for what they are; sets the error. */
void pq_parse_nonascii(struct pq_parse_ctx *ctx, const char *s, size_t len, size_t offset);
/* A comment at [start, end) (kept for the text pqsh sends, SHELL mode). */
void pq_parse_comment(struct pq_parse_ctx *ctx, size_t start, size_t end);
/* A lexical error (DynamoDB detail ""). */
void pq_parse_lex_error(struct pq_parse_ctx *ctx, size_t start, size_t end, const char *fmt, ...)
    PQ_PRINTF(4, 5);
/* An error found by a grammar action; keeps the first error. */
void pq_parse_error(struct pq_parse_ctx *ctx, struct pq_loc loc, const char *detail,
                    const char *fmt, ...) PQ_PRINTF(4, 5);
/* Symbol names and kinds, for messages (defined in the grammar file). */
const char *pq_parse_symbol_name(int sym);
int pq_parse_token_symbol(int tok);
/* For an error found by a grammar action: when the lookahead the parser holds
 * could not be shifted (LAC would have stopped before the action ran), reports
 * the syntax error at it and returns true. Defined in the grammar file. */
bool pq_parse_lookahead_refused(struct pq_parse_ctx *ctx);
/* Reports a syntax error at the lookahead (called by yyreport_syntax_error). */
void pq_parse_syntax_error(struct pq_parse_ctx *ctx, int tok, struct pq_loc loc,
                           const int *expected, int nexpected);
}

%code {
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "pqsh/buf.h"
#include "pqsh/parse.h"

/* Bison's default, spelled without a branch on N: an empty rule is the
 * empty range at the end of what precedes it (YYRHSLOC(Rhs, 0)). */
#define YYLLOC_DEFAULT(Cur, Rhs, N)                                                                \
    do {                                                                                           \
        (Cur).end = YYRHSLOC(Rhs, N).end;                                                          \
        (Cur).start = (N) ? YYRHSLOC(Rhs, 1).start : (Cur).end;                                    \
    } while (0)
#define YYLOCATION_PRINT(File, Loc) ((void)0)

/* Each lookahead is fetched with a copy of the state stack (yyparse's yyss …
 * yyssp) taken first; see the comment at the top. */
static void snap_stack(struct pq_parse_ctx *ctx, const void *ss, size_t n);
#undef yylex
#define yylex(lval, lloc, c)                                                                      \
    (snap_stack((c), yyss, (size_t)(yyssp - yyss) + 1), pqyylex((lval), (lloc), (c)))

static void yyerror(PQYYLTYPE *loc, struct pq_parse_ctx *ctx, const char *msg);
static struct pq_loc L(PQYYLTYPE l);
static char *src_text(struct pq_parse_ctx *ctx, PQYYLTYPE l);
static struct pq_ident kw_ident(struct pq_parse_ctx *ctx, PQYYLTYPE l);
static struct pq_expr *new_expr(pq_expr_kind kind, PQYYLTYPE l);
static struct pq_expr *binary(pq_op op, struct pq_expr *a, struct pq_expr *b, PQYYLTYPE l);
static struct pq_expr *lit(json_t *v, PQYYLTYPE l);
static json_t *av_text(const char *type, char *text);
static json_t *av_bool(const char *type, bool b);
static struct pq_expr *negate(struct pq_expr *e, PQYYLTYPE l);
static unsigned set_depth(struct pq_expr *e);
static struct pq_expr *path_root(struct pq_ident id);
static void path_add(struct pq_expr *p, struct pq_path_step st);
static struct pq_expr *with_items(struct pq_expr *e, struct pqg_exprs list);
static struct pqg_exprs exprs_push(struct pqg_exprs l, struct pq_expr *e);
static void exprs_free(struct pqg_exprs *l);
static struct pqg_updops *updops_push(struct pqg_updops *l, struct pq_update_op op);
static void updops_free(struct pqg_updops *l);
static struct pqg_orders *orders_push(struct pqg_orders *l, struct pq_expr *e, bool desc);
static void orders_free(struct pqg_orders *l);
static struct pqg_idents *idents_push(struct pqg_idents *l, struct pq_ident id);
static void idents_free(struct pqg_idents *l);
static struct pqg_keys *keys_push(struct pqg_keys *l, struct pq_ident id, int role, PQYYLTYPE l0);
static void keys_free(struct pqg_keys *l);
static void table_free(struct pqg_table *t);
static struct pqg_table *table_new(void);
static struct pq_stmt *new_stmt(pq_stmt_kind kind, PQYYLTYPE l);
static bool strict_refuse(struct pq_parse_ctx *ctx, PQYYLTYPE l, const char *what);
static bool type_name_ok(const char *upper);
static bool number_scale_ok(const char *text);
static char type_code(const char *type_text);
static bool to_int64(const char *text, int64_t *out);
static pq_returning returning(int kind, int age);
static bool index_keys(struct pq_parse_ctx *ctx, struct pq_index_def *d, struct pqg_keys *k);
static void index_projection(struct pq_index_def *d, int proj, struct pqg_idents *inc);
static struct pq_stmt *insert_stmt(struct pq_parse_ctx *ctx, struct pq_from *into,
                                   struct pqg_idents *cols, bool values_kw,
                                   struct pqg_exprs *items, PQYYLTYPE l);
static struct pq_from take_from(struct pq_from *f);

/* Expressions deeper than this are refused, so that no recursive walk over a
 * tree (free, print, evaluation) can exhaust the C stack. */
#define PQ_MAX_DEPTH 1000
#define CHECK_DEPTH(e, loc)                                                                        \
    do {                                                                                           \
        if (set_depth(e) > PQ_MAX_DEPTH) {                                                         \
            pq_expr_free(e);                                                                       \
            (e) = NULL;                                                                            \
            pq_parse_error(ctx, L(loc), "", "expression nested too deeply (more than %d levels)",  \
                           PQ_MAX_DEPTH);                                                          \
            YYERROR;                                                                               \
        }                                                                                          \
    } while (0)
}

%define api.pure full
%define api.prefix {pqyy}
%define parse.error custom
%locations
%param {struct pq_parse_ctx *ctx}
%expect 0
%initial-action { @$.start = @$.end = 0; }

%union {
    char *str;
    json_t *av; /* STRING: its AttributeValue {"S": text} (pq_lit_scalar) */
    size_t num;
    int ival;
    struct pq_ident ident;
    struct pq_expr *expr;
    struct pqg_exprs exprs; /* by value: no allocation for the list itself */
    struct pq_select *sel;
    struct pq_stmt *stmt;
    struct pq_from *from; /* big structs as pointers: bison copies the union */
    struct pqg_updops *upd;
    struct pqg_orders *order;
    struct pqg_idents *idents;
    struct pqg_keys *keys;
    struct pqg_table *table;
    struct pq_column *col;
    struct pq_index_def *index;
    struct pqg_mark mark;
}

%token <str> NUMBER BINARY
%token <av> STRING
%token <ident> IDENT QIDENT
%token <num> PARAM
%token RESERVED_WORD "reserved word"
%token LEXERR "invalid token"
%token NE "<>" LE "<=" GE ">=" CONCAT "||" LBAG "<<" RBAG ">>"
%token NOT_IN "NOT IN" NOT_BETWEEN "NOT BETWEEN" NOT_LIKE "NOT LIKE"

/* DynamoDB PartiQL keywords: tokens in both modes. */
%token K_SELECT "SELECT" K_FROM "FROM" K_WHERE "WHERE" K_ORDER "ORDER" K_BY "BY"
%token K_ASC "ASC" K_DESC "DESC" K_LIMIT "LIMIT" K_OFFSET "OFFSET" K_GROUP "GROUP"
%token K_HAVING "HAVING" K_AS "AS" K_AT "AT" K_VALUE "VALUE" K_VALUES "VALUES"
%token K_INSERT "INSERT" K_INTO "INTO" K_UPDATE "UPDATE" K_SET "SET" K_REMOVE "REMOVE"
%token K_DELETE "DELETE" K_RETURNING "RETURNING" K_ALL "ALL" K_MODIFIED "MODIFIED"
%token K_OLD "OLD" K_NEW "NEW" K_EXISTS "EXISTS" K_AND "AND" K_OR "OR" K_NOT "NOT"
%token K_IS "IS" K_IN "IN" K_BETWEEN "BETWEEN" K_LIKE "LIKE" K_TRUE "TRUE"
%token K_FALSE "FALSE" K_NULL "NULL" K_MISSING "MISSING" K_PIVOT "PIVOT"
%token K_JOIN "JOIN"
%token K_DISTINCT "DISTINCT" K_ON "ON" K_CONFLICT "CONFLICT"
/* pqsh keywords: tokens in SHELL mode only. */
%token K_CREATE "CREATE" K_TABLE "TABLE" K_IF "IF" K_PRIMARY "PRIMARY" K_KEY "KEY"
%token K_PARTITION "PARTITION" K_SORT "SORT" K_HASH "HASH" K_RANGE "RANGE"
%token K_BILLING "BILLING" K_MODE "MODE" K_PAY_PER_REQUEST "PAY_PER_REQUEST"
%token K_DEMAND "DEMAND" K_PROVISIONED "PROVISIONED" K_RCU "RCU" K_WCU "WCU"
%token K_READ "READ" K_WRITE "WRITE" K_INDEX "INDEX" K_GLOBAL "GLOBAL" K_LOCAL "LOCAL"
%token K_PROJECTION "PROJECTION" K_KEYS "KEYS" K_ONLY "ONLY" K_KEYS_ONLY "KEYS_ONLY"
%token K_INCLUDE "INCLUDE" K_DROP "DROP" K_DESCRIBE "DESCRIBE" K_SHOW "SHOW"
%token K_TO "TO" K_CONSTRAINT "CONSTRAINT"
%token K_TABLES "TABLES" K_LET "LET" K_UNSET "UNSET" K_BEGIN "BEGIN"
%token K_TRANSACTION "TRANSACTION" K_COMMIT "COMMIT" K_WITH "WITH" K_TOKEN "TOKEN"
%token K_ROLLBACK "ROLLBACK" K_BATCH "BATCH" K_END "END" K_EXPLAIN "EXPLAIN"
%token K_VARYING "VARYING" K_PRECISION "PRECISION"

%type <stmt> stmt dml_stmt shell_stmt create_table create_index
%type <sel> select projection proj_list
%type <expr> expr aexpr primary path call opt_where opt_limit
%type <exprs> expr_list opt_expr_list pairs opt_pairs
%type <from> from_path from_source from_list
%type <ident> ident col_ident unreserved_kw_ident var_name step_name
%type <upd> upd_clauses upd_clause set_list remove_list
%type <order> opt_order order_list
%type <idents> ident_list opt_cols
%type <keys> key_parts
%type <table> table_elems table_opts
%type <col> column_def col_type
%type <index> index_def index_body
%type <mark> opt_group opt_having opt_offset opt_on_conflict
%type <ival> opt_distinct opt_returning ret_kind ret_age col_attrs col_attr key_role
%type <ival> opt_projection index_scope opt_if_exists opt_if_not_exists opt_desc
%type <str> type_word

%destructor { free($$); } <str>
%destructor { json_decref($$); } <av>
%destructor { pq_ident_release(&$$); } <ident>
%destructor { pq_expr_free($$); } <expr>
%destructor { exprs_free(&$$); } <exprs>
%destructor { if ($$) { pq_select_release($$); free($$); } } <sel>
%destructor { pq_stmt_free($$); } <stmt>
%destructor { if ($$) { pq_from_release($$); free($$); } } <from>
%destructor { updops_free($$); } <upd>
%destructor { orders_free($$); } <order>
%destructor { idents_free($$); } <idents>
%destructor { keys_free($$); } <keys>
%destructor { table_free($$); } <table>
%destructor { if ($$) { pq_column_release($$); free($$); } } <col>
%destructor { if ($$) { pq_index_def_release($$); free($$); } } <index>

%left K_OR
%left K_AND
%precedence K_NOT
%left '=' NE K_IS K_IN NOT_IN
%left '<' LE '>' GE K_BETWEEN NOT_BETWEEN K_LIKE NOT_LIKE
%left '+' '-' CONCAT
%left '*' '/' '%'
%precedence UNARY

%%

input:
    stmt opt_semi {
        ctx->result = $1;
        for (struct pq_stmt *s = $1; s; s = s->kind == PQ_S_EXPLAIN ? s->u.explain.inner : NULL) {
            s->nparams = ctx->nparams;
            s->shell_syntax = ctx->shell_syntax;
        }
    }
    ;

opt_semi: %empty | ';' ;

stmt:
    dml_stmt
  | shell_stmt {
        $$ = $1;
        ctx->shell_syntax = true;
        if (strict_refuse(ctx, @1, "statement")) { pq_stmt_free($$); YYERROR; }
    }
  ;

/* ---- DynamoDB statements ------------------------------------------------ */

dml_stmt:
    select {
        $$ = new_stmt(PQ_S_SELECT, @$);
        $$->u.select = *$1;
        free($1);
    }
  | K_INSERT K_INTO from_path opt_cols K_VALUE expr_list opt_on_conflict opt_returning {
        $$ = insert_stmt(ctx, $3, $4, false, &$6, @$);
        if ($$->kind == PQ_S_INSERT) {
            $$->u.insert.returning = (pq_returning)$8;
            $$->u.insert.returning_loc = L(@8);
            if ($7.present) $$->u.insert.unsupported = "ON CONFLICT";
        }
    }
  | K_INSERT K_INTO from_path opt_cols K_VALUES expr_list opt_on_conflict opt_returning {
        $$ = insert_stmt(ctx, $3, $4, true, &$6, @$);
        if ($$->kind == PQ_S_INSERT) {
            $$->u.insert.values_loc = L(@5);
            $$->u.insert.returning = (pq_returning)$8;
            $$->u.insert.returning_loc = L(@8);
            if ($7.present) $$->u.insert.unsupported = "ON CONFLICT";
        }
    }
  | K_UPDATE from_source upd_clauses opt_where opt_returning {
        $$ = new_stmt(PQ_S_UPDATE, @$);
        $$->u.update.target = take_from($2);
        $$->u.update.ops = $3->v;
        $$->u.update.nops = $3->n;
        free($3);
        $$->u.update.where = $4;
        $$->u.update.returning = (pq_returning)$5;
        $$->u.update.returning_loc = L(@5);
    }
  | K_FROM from_source opt_where upd_clauses opt_returning {
        $$ = new_stmt(PQ_S_UPDATE, @$);
        $$->u.update.target = take_from($2);
        $$->u.update.where = $3;
        $$->u.update.ops = $4->v;
        $$->u.update.nops = $4->n;
        free($4);
        $$->u.update.returning = (pq_returning)$5;
        $$->u.update.returning_loc = L(@5);
        $$->u.update.from_first = true;
    }
  | K_DELETE K_FROM from_source opt_where opt_returning {
        $$ = new_stmt(PQ_S_DELETE, @$);
        $$->u.del.from = take_from($3);
        $$->u.del.where = $4;
        $$->u.del.returning = (pq_returning)$5;
        $$->u.del.returning_loc = L(@5);
    }
  | expr {
        if ($1->kind == PQ_E_EXISTS && !$1->paren) {
            $$ = new_stmt(PQ_S_EXISTS, @$);
            $$->u.exists.select = $1->select;
            $1->select = NULL;
            pq_expr_free($1);
        } else {
            $$ = new_stmt(PQ_S_EXPR, @$);
            $$->u.expr.expr = $1;
        }
    }
  ;

/* SELECT [DISTINCT] proj FROM src [WHERE e] [GROUP BY …] [HAVING e]
 *        [ORDER BY …] [LIMIT n] [OFFSET n] */
select:
    K_SELECT opt_distinct projection K_FROM from_list opt_where opt_group opt_having opt_order
        opt_limit opt_offset {
        $$ = $3;
        $$->loc = L(@$);
        $$->from = take_from($5);
        $$->where = $6;
        if ($9) {
            $$->order = $9->v;
            $$->norder = $9->n;
            free($9);
        }
        $$->limit = $10;
        $$->limit_loc = L(@10);
        if ($2) {
            $$->unsupported = "DISTINCT";
            $$->unsupported_loc = L(@2);
        } else if ($7.present) {
            $$->unsupported = "GROUP BY";
            $$->unsupported_loc = $7.loc;
        } else if ($8.present) {
            $$->unsupported = "HAVING";
            $$->unsupported_loc = $8.loc;
        } else if ($11.present) {
            $$->unsupported = "OFFSET";
            $$->unsupported_loc = $11.loc;
        }
    }
  ;

opt_distinct: %empty { $$ = 0; } | K_DISTINCT { $$ = 1; } ;

projection:
    proj_list
  | K_VALUE expr {
        $$ = pq_xcalloc(1, sizeof *$$);
        $$->value_or_pivot = true;
        $$->proj = pq_xmalloc(sizeof *$$->proj);
        $$->proj[0] = $2;
        $$->nproj = 1;
    }
  | K_PIVOT expr K_AT expr {
        $$ = pq_xcalloc(1, sizeof *$$);
        $$->value_or_pivot = true;
        $$->proj = pq_xmalloc(2 * sizeof *$$->proj);
        $$->proj[0] = $2;
        $$->proj[1] = $4;
        $$->nproj = 2;
    }
  ;

proj_list:
    '*' { $$ = pq_xcalloc(1, sizeof *$$); $$->star = true; }
  | expr {
        $$ = pq_xcalloc(1, sizeof *$$);
        $$->proj = pq_xmalloc(sizeof *$$->proj);
        $$->proj[0] = $1;
        $$->nproj = 1;
    }
  | proj_list ',' '*' { $$ = $1; $$->star = true; }
  | proj_list ',' expr {
        $$ = $1;
        $$->proj = pq_xrealloc($$->proj, ($$->nproj + 1) * sizeof *$$->proj);
        $$->proj[$$->nproj++] = $3;
    }
  ;

from_list:
    from_source { $$ = $1; $$->nsources = 1; }
  | from_list ',' from_source { $$ = $1; $$->nsources++; pq_from_release($3); free($3); }
    /* Joins are counted as further sources: DynamoDB reads one table or index.
     * `a INNER JOIN b` reads INNER as a's alias (LEFT OUTER JOIN does not parse). */
  | from_list K_JOIN from_source opt_join_on {
        $$ = $1;
        $$->nsources++;
        pq_from_release($3);
        free($3);
    }
  ;

opt_join_on: %empty | K_ON expr { pq_expr_free($2); } ;

from_source:
    from_path
  | from_path K_AS ident { $$ = $1; $$->alias = $3; }
  | from_path ident { $$ = $1; $$->alias = $2; }
  ;

/* "table" or "table"."index"; further components are counted for the engine. */
from_path:
    ident {
        $$ = pq_xcalloc(1, sizeof *$$);
        $$->table = $1;
        $$->ncomponents = 1;
        $$->empty_component = !$1.name[0];
    }
  | from_path '.' ident {
        $$ = $1;
        $$->ncomponents++;
        if (!$3.name[0]) $$->empty_component = true;
        if ($$->ncomponents == 2) $$->index = $3;
        else pq_ident_release(&$3);
    }
  ;

opt_where: %empty { $$ = NULL; } | K_WHERE expr { $$ = $2; } ;

opt_group:
    %empty { $$.present = false; }
  | K_GROUP K_BY expr_list { $$.present = true; $$.loc = L(@1); $$.loc.end = @2.end; exprs_free(&$3); }
  ;

opt_having:
    %empty { $$.present = false; }
  | K_HAVING expr { $$.present = true; $$.loc = L(@1); pq_expr_free($2); }
  ;

opt_order: %empty { $$ = NULL; } | K_ORDER K_BY order_list { $$ = $3; } ;

order_list:
    expr opt_desc { $$ = orders_push(NULL, $1, $2); }
  | order_list ',' expr opt_desc { $$ = orders_push($1, $3, $4); }
  ;

opt_desc: %empty { $$ = 0; } | K_ASC { $$ = 0; } | K_DESC { $$ = 1; } ;

opt_limit: %empty { $$ = NULL; } | K_LIMIT expr { $$ = $2; } ;

opt_offset:
    %empty { $$.present = false; }
  | K_OFFSET expr { $$.present = true; $$.loc = L(@1); pq_expr_free($2); }
  ;

opt_cols: %empty { $$ = NULL; } | '(' ident_list ')' { $$ = $2; } ;

/* Recorded only through INSERT's `unsupported`; DynamoDB refuses it. */
opt_on_conflict:
    %empty { $$.present = false; }
  | K_ON K_CONFLICT conflict_words { $$.present = true; $$.loc = L(@$); }
  ;

conflict_words:
    %empty
  | conflict_words IDENT { pq_ident_release(&$2); }
  | conflict_words RESERVED_WORD
  | conflict_words K_UPDATE
  | conflict_words K_SET
  | conflict_words K_WHERE
  ;

upd_clauses:
    upd_clause
  | upd_clauses upd_clause {
        $$ = $1;
        for (size_t i = 0; i < $2->n; i++) updops_push($$, $2->v[i]);
        free($2->v);
        free($2);
    }
  ;

upd_clause: K_SET set_list { $$ = $2; } | K_REMOVE remove_list { $$ = $2; } ;

set_list:
    path '=' expr {
        struct pq_update_op op = {PQ_UPD_SET, $1, $3, L(@$)};
        $$ = updops_push(NULL, op);
    }
  | set_list ',' path '=' expr {
        struct pq_update_op op = {PQ_UPD_SET, $3, $5, {@3.start, @5.end}};
        $$ = updops_push($1, op);
    }
  ;

remove_list:
    path {
        struct pq_update_op op = {PQ_UPD_REMOVE, $1, NULL, L(@$)};
        $$ = updops_push(NULL, op);
    }
  | remove_list ',' path {
        struct pq_update_op op = {PQ_UPD_REMOVE, $3, NULL, L(@3)};
        $$ = updops_push($1, op);
    }
  ;

/* RETURNING (ALL | MODIFIED) (OLD | NEW) * */
opt_returning:
    %empty { $$ = PQ_RET_NONE; }
  | K_RETURNING ret_kind ret_age '*' { $$ = (int)returning($2, $3); }
  ;
ret_kind: K_ALL { $$ = 0; } | K_MODIFIED { $$ = 1; } ;
ret_age: K_OLD { $$ = 0; } | K_NEW { $$ = 1; } ;

/* ---- expressions (precedence: OR < AND < NOT < = <> IS IN < < <= > >=
 *      BETWEEN LIKE < + - || < * / %) ------------------------------------ */

expr:
    aexpr
  | expr K_OR expr { $$ = binary(PQ_OP_OR, $1, $3, @$); CHECK_DEPTH($$, @$); }
  | expr K_AND expr { $$ = binary(PQ_OP_AND, $1, $3, @$); CHECK_DEPTH($$, @$); }
  | K_NOT expr %prec K_NOT {
        $$ = new_expr(PQ_E_UNARY, @$);
        $$->op = PQ_OP_NOT;
        $$->lhs = $2;
        CHECK_DEPTH($$, @$);
    }
  | expr '=' expr { $$ = binary(PQ_OP_EQ, $1, $3, @$); CHECK_DEPTH($$, @$); }
  | expr NE expr { $$ = binary(PQ_OP_NE, $1, $3, @$); CHECK_DEPTH($$, @$); }
  | expr '<' expr { $$ = binary(PQ_OP_LT, $1, $3, @$); CHECK_DEPTH($$, @$); }
  | expr LE expr { $$ = binary(PQ_OP_LE, $1, $3, @$); CHECK_DEPTH($$, @$); }
  | expr '>' expr { $$ = binary(PQ_OP_GT, $1, $3, @$); CHECK_DEPTH($$, @$); }
  | expr GE expr { $$ = binary(PQ_OP_GE, $1, $3, @$); CHECK_DEPTH($$, @$); }
  | expr K_LIKE expr { $$ = binary(PQ_OP_LIKE, $1, $3, @$); CHECK_DEPTH($$, @$); }
  | expr NOT_LIKE expr {
        $$ = new_expr(PQ_E_UNARY, @$);
        $$->op = PQ_OP_NOT;
        $$->lhs = binary(PQ_OP_LIKE, $1, $3, @$);
        set_depth($$->lhs);
        CHECK_DEPTH($$, @$);
    }
  | expr K_IN expr {
        $$ = new_expr(PQ_E_IN, @$);
        $$->lhs = $1;
        $$->rhs = $3;
        CHECK_DEPTH($$, @$);
    }
  | expr NOT_IN expr {
        $$ = new_expr(PQ_E_IN, @$);
        $$->negated = true;
        $$->lhs = $1;
        $$->rhs = $3;
        CHECK_DEPTH($$, @$);
    }
  | expr K_BETWEEN aexpr K_AND aexpr %prec K_BETWEEN {
        $$ = new_expr(PQ_E_BETWEEN, @$);
        $$->lhs = $1;
        $$->items = pq_xmalloc(2 * sizeof *$$->items);
        $$->items[0] = $3;
        $$->items[1] = $5;
        $$->nitems = 2;
        CHECK_DEPTH($$, @$);
    }
  | expr NOT_BETWEEN aexpr K_AND aexpr %prec K_BETWEEN {
        $$ = new_expr(PQ_E_BETWEEN, @$);
        $$->negated = true;
        $$->lhs = $1;
        $$->items = pq_xmalloc(2 * sizeof *$$->items);
        $$->items[0] = $3;
        $$->items[1] = $5;
        $$->nitems = 2;
        CHECK_DEPTH($$, @$);
    }
  | expr K_IS type_word %prec K_IS {
        $$ = new_expr(PQ_E_IS, @$);
        $$->lhs = $1;
        $$->name = $3;
        $$->name_loc = L(@3);
        CHECK_DEPTH($$, @$);
    }
  | expr K_IS K_NOT type_word %prec K_IS {
        $$ = new_expr(PQ_E_IS, @$);
        $$->negated = true;
        $$->lhs = $1;
        $$->name = $4;
        $$->name_loc = L(@4);
        CHECK_DEPTH($$, @$);
    }
  ;

/* The word after IS: a PartiQL type name, upper-cased. */
type_word:
    type_word_token {
        $$ = src_text(ctx, @1);
        for (char *p = $$; *p; p++)
            if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 'a' + 'A');
        if (!type_name_ok($$)) {
            free($$);
            pq_parse_error(ctx, L(@1), "Expected type name", "unknown type name '%.*s'",
                           (int)(@1.end - @1.start), ctx->text + @1.start);
            YYERROR;
        }
    }
  | QIDENT {
        $$ = NULL;
        pq_ident_release(&$1);
        pq_parse_error(ctx, L(@1), "Expected type name", "expected a type name after IS");
        YYERROR;
    }
  ;

type_word_token: IDENT { pq_ident_release(&$1); } | RESERVED_WORD | K_NULL | K_MISSING ;

aexpr:
    primary
  | aexpr '+' aexpr { $$ = binary(PQ_OP_ADD, $1, $3, @$); CHECK_DEPTH($$, @$); }
  | aexpr '-' aexpr { $$ = binary(PQ_OP_SUB, $1, $3, @$); CHECK_DEPTH($$, @$); }
  | aexpr CONCAT aexpr { $$ = binary(PQ_OP_CONCAT, $1, $3, @$); CHECK_DEPTH($$, @$); }
  | aexpr '*' aexpr { $$ = binary(PQ_OP_MUL, $1, $3, @$); CHECK_DEPTH($$, @$); }
  | aexpr '/' aexpr { $$ = binary(PQ_OP_DIV, $1, $3, @$); CHECK_DEPTH($$, @$); }
  | aexpr '%' aexpr { $$ = binary(PQ_OP_MOD, $1, $3, @$); CHECK_DEPTH($$, @$); }
  | '-' aexpr %prec UNARY { $$ = negate($2, @$); CHECK_DEPTH($$, @$); }
  | '+' aexpr %prec UNARY {
        $$ = new_expr(PQ_E_UNARY, @$);
        $$->op = PQ_OP_POS;
        $$->lhs = $2;
        CHECK_DEPTH($$, @$);
    }
  ;

/* Literals are alternatives of primary itself (no unit rule between): a
 * bulk script's literals each cost one reduction less. */
primary:
    NUMBER {
        bool scale_ok = number_scale_ok($1);
        if (!scale_ok && !ctx->strict) ctx->shell_syntax = true;
        if (ctx->strict && !scale_ok) {
            free($1);
            $$ = NULL;
            /* DynamoDB: "Statement wasn't well formed, can't be processed: " */
            pq_parse_error(ctx, L(@1), "", "number exponent out of range");
            YYERROR;
        }
        $$ = lit(av_text("N", $1), @$);
    }
  | STRING { $$ = lit($1, @$); }
    /* b64'AAE=': pqsh's binary literal (SHELL mode; the binder sends it as a parameter). */
  | BINARY { $$ = lit(av_text("B", $1), @$); }
  | K_TRUE { $$ = lit(av_bool("BOOL", true), @$); }
  | K_FALSE { $$ = lit(av_bool("BOOL", false), @$); }
  | K_NULL { $$ = lit(av_bool("NULL", true), @$); }
  | K_MISSING { $$ = new_expr(PQ_E_MISSING, @$); }
  | PARAM { $$ = new_expr(PQ_E_PARAM, @$); $$->param = $1; }
  | ':' var_name {
        if (@1.end != @2.start) {
            pq_ident_release(&$2);
            pq_parse_error(ctx, L(@1), "Unexpected term", "unexpected ':'");
            YYERROR;
        }
        /* DynamoDB has no named parameters; its exact detail for `:x` is
         * UNCONFIRMED — "Unexpected term" is the likeliest. */
        if (ctx->strict) {
            pq_ident_release(&$2);
            pq_parse_error(ctx, L(@$), "Unexpected term", "named variables are not PartiQL");
            YYERROR;
        }
        ctx->shell_syntax = true;
        $$ = new_expr(PQ_E_VAR, @$);
        $$->var = $2.name;
    }
  | path
  | call
  | '(' expr ')' { $$ = $2; $$->paren = true; $$->loc = L(@$); }
  | '(' expr ',' expr_list ')' {
        $4.n++;
        $4.v = pq_xrealloc($4.v, $4.n * sizeof *$4.v);
        memmove($4.v + 1, $4.v, ($4.n - 1) * sizeof *$4.v);
        $4.v[0] = $2;
        $$ = with_items(new_expr(PQ_E_LIST, @$), $4);
        $$->paren = true;
        CHECK_DEPTH($$, @$);
    }
  | '[' opt_expr_list ']' { $$ = with_items(new_expr(PQ_E_LIST, @$), $2); CHECK_DEPTH($$, @$); }
  | LBAG opt_expr_list RBAG { $$ = with_items(new_expr(PQ_E_BAG, @$), $2); CHECK_DEPTH($$, @$); }
  | '{' opt_pairs '}' { $$ = with_items(new_expr(PQ_E_TUPLE, @$), $2); CHECK_DEPTH($$, @$); }
  | K_EXISTS '(' select ')' { $$ = new_expr(PQ_E_EXISTS, @$); $$->select = $3; CHECK_DEPTH($$, @$); }
  ;

var_name: ident | RESERVED_WORD { $$ = kw_ident(ctx, @1); } ;

/* name(args): any name; DynamoDB's functions are checked by the engine. */
call:
    ident '(' opt_expr_list ')' {
        $$ = with_items(new_expr(PQ_E_CALL, @$), $3);
        $$->name = $1.name;
        $$->name_loc = $1.loc;
        CHECK_DEPTH($$, @$);
    }
  | RESERVED_WORD '(' opt_expr_list ')' {
        $$ = with_items(new_expr(PQ_E_CALL, @$), $3);
        $$->name = src_text(ctx, @1);
        $$->name_loc = L(@1);
        CHECK_DEPTH($$, @$);
    }
  | ident '(' '*' ')' {
        $$ = new_expr(PQ_E_CALL, @$);
        $$->name = $1.name;
        $$->name_loc = $1.loc;
        $$->star_arg = true;
    }
  | RESERVED_WORD '(' '*' ')' {
        $$ = new_expr(PQ_E_CALL, @$);
        $$->name = src_text(ctx, @1);
        $$->name_loc = L(@1);
        $$->star_arg = true;
    }
  | K_EXISTS '(' expr_list ')' {
        $$ = with_items(new_expr(PQ_E_CALL, @$), $3);
        $$->name = src_text(ctx, @1);
        $$->name_loc = L(@1);
        CHECK_DEPTH($$, @$);
    }
  ;

path:
    ident { $$ = path_root($1); }
  | path '.' step_name {
        $$ = $1;
        path_add($$, (struct pq_path_step){PQ_STEP_NAME, $3.name, $3.quoted, 0, L(@3)});
        $$->loc.end = @3.end;
    }
  | path '[' NUMBER ']' {
        struct pq_path_step st = {PQ_STEP_INDEX, NULL, false, 0, L(@2)};
        st.loc.end = @4.end;
        bool ok = strspn($3, "0123456789") == strlen($3) && to_int64($3, &st.index);
        free($3);
        if (!ok) {
            pq_expr_free($1);
            pq_parse_error(ctx, L(@3), "Unexpected term", "a list index must be a whole number");
            YYERROR;
        }
        $$ = $1;
        path_add($$, st);
        $$->loc.end = @4.end;
    }
  ;

/* After a dot any word is a name in SHELL mode; DynamoDB refuses keywords.
 * A name, not a pq_path_step, so that no member of the semantic union is
 * larger than a pq_ident: bison copies the union on every reduction. */
step_name:
    IDENT
  | QIDENT
  | RESERVED_WORD {
        $$ = (struct pq_ident){0};
        pq_parse_error(ctx, L(@1), "Invalid path dot component",
                       "'%.*s' is a reserved word; quote it as a name",
                       (int)(@1.end - @1.start), ctx->text + @1.start);
        YYERROR;
    }
  | any_keyword {
        if (ctx->strict) {
            pq_parse_error(ctx, L(@1), "Invalid path dot component",
                           "'%.*s' is a reserved word; quote it as a name",
                           (int)(@1.end - @1.start), ctx->text + @1.start);
            YYERROR;
        }
        ctx->shell_syntax = true;
        $$ = (struct pq_ident){.name = src_text(ctx, @1), .quoted = false, .loc = L(@1)};
    }
  ;

expr_list:
    expr { $$ = exprs_push(NO_EXPRS, $1); }
  | expr_list ',' expr { $$ = exprs_push($1, $3); }
  ;

opt_expr_list: %empty { $$ = NO_EXPRS; } | expr_list ;

pairs:
    expr ':' expr { $$ = exprs_push(exprs_push(NO_EXPRS, $1), $3); }
  | pairs ',' expr ':' expr { $$ = exprs_push(exprs_push($1, $3), $5); }
  ;

opt_pairs: %empty { $$ = NO_EXPRS; } | pairs ;

/* Identifiers: bare, "quoted", or a pqsh keyword that is not reserved. */
ident:
    col_ident
  | K_PRIMARY { $$ = kw_ident(ctx, @1); }
  | K_INDEX { $$ = kw_ident(ctx, @1); }
  | K_GLOBAL { $$ = kw_ident(ctx, @1); }
  | K_LOCAL { $$ = kw_ident(ctx, @1); }
  ;

/* A column name in CREATE TABLE: not PRIMARY / INDEX / GLOBAL / LOCAL. */
col_ident:
    IDENT
  | QIDENT
  | unreserved_kw_ident
  ;

unreserved_kw_ident:
    unreserved_kw {
        $$ = kw_ident(ctx, @1);
        /* MODIFIED / OLD / NEW are PartiQL keywords: bare, DynamoDB refuses them. */
        if (ctx->strict) {
            pq_ident_release(&$$);
            pq_parse_error(ctx, L(@1), "Unexpected keyword", "unexpected keyword '%.*s'",
                           (int)(@1.end - @1.start), ctx->text + @1.start);
            YYERROR;
        }
        ctx->shell_syntax = true;
    }
  ;

unreserved_kw:
    K_MODIFIED | K_OLD | K_NEW | K_KEY | K_PARTITION | K_SORT | K_HASH | K_RANGE | K_BILLING
  | K_MODE | K_PAY_PER_REQUEST | K_DEMAND | K_PROVISIONED | K_RCU | K_WCU | K_READ | K_WRITE
  | K_PROJECTION | K_KEYS | K_ONLY | K_KEYS_ONLY | K_INCLUDE | K_TABLES | K_TRANSACTION
  | K_TOKEN | K_BATCH | K_TO
  ;

/* Everything the lexer can return for a word other than IDENT / RESERVED_WORD. */
any_keyword:
    unreserved_kw | K_PRIMARY | K_INDEX | K_GLOBAL | K_LOCAL
  | K_SELECT | K_FROM | K_WHERE | K_ORDER | K_BY | K_ASC | K_DESC | K_LIMIT | K_OFFSET
  | K_GROUP | K_HAVING | K_AS | K_AT | K_VALUE | K_VALUES | K_INSERT | K_INTO | K_UPDATE
  | K_SET | K_REMOVE | K_DELETE | K_RETURNING | K_ALL | K_EXISTS | K_AND | K_OR | K_NOT
  | K_IS | K_IN | K_BETWEEN | K_LIKE | K_TRUE | K_FALSE | K_NULL | K_MISSING | K_PIVOT
  | K_DISTINCT | K_ON | K_JOIN | K_CONFLICT | K_CREATE | K_TABLE | K_IF | K_DROP | K_DESCRIBE
  | K_SHOW | K_LET | K_UNSET | K_BEGIN | K_COMMIT | K_WITH | K_ROLLBACK | K_END
  | K_EXPLAIN | K_VARYING | K_PRECISION | K_CONSTRAINT
  ;

ident_list:
    ident { $$ = idents_push(NULL, $1); }
  | ident_list ',' ident { $$ = idents_push($1, $3); }
  ;

/* ---- pqsh statements (SHELL mode) --------------------------------------- */

shell_stmt:
    create_table
  | create_index
  | K_DROP K_TABLE opt_if_exists ident {
        $$ = new_stmt(PQ_S_DROP_TABLE, @$);
        $$->u.drop.table = $4;
        $$->u.drop.if_exists = $3;
    }
  | K_DROP K_INDEX ident K_ON ident {
        $$ = new_stmt(PQ_S_DROP_INDEX, @$);
        $$->u.index.index.name = $3;
        $$->u.index.table = $5;
    }
  | K_DESCRIBE ident { $$ = new_stmt(PQ_S_DESCRIBE, @$); $$->u.describe.table = $2; }
  | K_DESCRIBE K_TABLE ident { $$ = new_stmt(PQ_S_DESCRIBE, @$); $$->u.describe.table = $3; }
  | K_DESC ident { $$ = new_stmt(PQ_S_DESCRIBE, @$); $$->u.describe.table = $2; }
  | K_DESC K_TABLE ident { $$ = new_stmt(PQ_S_DESCRIBE, @$); $$->u.describe.table = $3; }
  | K_SHOW K_TABLES { $$ = new_stmt(PQ_S_SHOW_TABLES, @$); }
  | set_word ident set_op expr {
        $$ = new_stmt(PQ_S_SET_VAR, @$);
        $$->u.set_var.name = $2;
        $$->u.set_var.value = $4;
    }
  | K_UNSET ident { $$ = new_stmt(PQ_S_UNSET_VAR, @$); $$->u.unset_var.name = $2; }
  | K_BEGIN { $$ = new_stmt(PQ_S_BEGIN, @$); }
  | K_BEGIN K_TRANSACTION { $$ = new_stmt(PQ_S_BEGIN, @$); }
  | K_BEGIN K_BATCH { $$ = new_stmt(PQ_S_BEGIN_BATCH, @$); }
  | K_COMMIT { $$ = new_stmt(PQ_S_COMMIT, @$); }
  | K_COMMIT K_TRANSACTION { $$ = new_stmt(PQ_S_COMMIT, @$); }
  | K_COMMIT K_WITH K_TOKEN STRING {
        $$ = new_stmt(PQ_S_COMMIT, @$);
        $$->u.commit.token = pq_xstrdup(json_string_value(json_object_get($4, "S")));
        json_decref($4);
    }
    /* The token in a variable: `:name`, or the bare name. */
  | K_COMMIT K_WITH K_TOKEN ':' var_name {
        if (@4.end != @5.start) {
            pq_ident_release(&$5);
            pq_parse_error(ctx, L(@4), "Unexpected term", "unexpected ':'");
            YYERROR;
        }
        $$ = new_stmt(PQ_S_COMMIT, @$);
        $5.loc.start = L(@4).start;
        $$->u.commit.token_var = $5;
    }
  | K_COMMIT K_WITH K_TOKEN ident { $$ = new_stmt(PQ_S_COMMIT, @$); $$->u.commit.token_var = $4; }
  | K_ROLLBACK { $$ = new_stmt(PQ_S_ROLLBACK, @$); }
  | K_ROLLBACK K_TRANSACTION { $$ = new_stmt(PQ_S_ROLLBACK, @$); }
  | K_END K_BATCH { $$ = new_stmt(PQ_S_END_BATCH, @$); }
  | K_EXPLAIN stmt { $$ = new_stmt(PQ_S_EXPLAIN, @$); $$->u.explain.inner = $2; }
  ;

/* SET name = v as README spells it; also PostgreSQL's SET name TO v and the
 * := of PL/pgSQL, MySQL and Pascal — students type all of them. */
set_word: K_SET | K_LET ;
set_op: '=' | K_TO | ':' '=' ;

/* SQL's CONSTRAINT pk_orders PRIMARY KEY (…): DynamoDB keys have no name, so
 * the name is read and dropped. */
opt_constraint: %empty | K_CONSTRAINT ident { pq_ident_release(&$2); } ;

opt_if_exists: %empty { $$ = 0; } | K_IF K_EXISTS { $$ = 1; } ;
opt_if_not_exists: %empty { $$ = 0; } | K_IF K_NOT K_EXISTS { $$ = 1; } ;

/* CREATE TABLE [IF NOT EXISTS] t (elements) [PRIMARY KEY (…)] [BILLING MODE …] */
create_table:
    K_CREATE K_TABLE opt_if_not_exists ident '(' table_elems ')' table_opts {
        $$ = new_stmt(PQ_S_CREATE_TABLE, @$);
        $$->u.create.table = $4;
        $$->u.create.if_not_exists = $3;
        $$->u.create.cols = $6->cols;
        $$->u.create.ncols = $6->ncols;
        $$->u.create.pk = $6->pk;
        $$->u.create.npk = $6->npk;
        $$->u.create.indexes = $6->indexes;
        $$->u.create.nindexes = $6->nindexes;
        free($6);
        if ($8->pk) {
            if ($$->u.create.pk) {
                pq_parse_error(ctx, $8->pk_loc, "", "PRIMARY KEY is given twice");
                table_free($8);
                pq_stmt_free($$);
                YYERROR;
            }
            $$->u.create.pk = $8->pk;
            $$->u.create.npk = $8->npk;
            $8->pk = NULL;
            $8->npk = 0;
        }
        $$->u.create.billing = $8->billing;
        $$->u.create.rcu = $8->rcu;
        $$->u.create.wcu = $8->wcu;
        table_free($8);
    }
  ;

table_elems:
    column_def {
        $$ = table_new();
        $$->cols = pq_xmalloc(sizeof *$$->cols);
        $$->cols[$$->ncols++] = *$1;
        free($1);
    }
  | opt_constraint K_PRIMARY K_KEY '(' key_parts ')' {
        $$ = table_new();
        $$->pk = $5->v;
        $$->npk = $5->n;
        free($5);
    }
  | index_def {
        $$ = table_new();
        $$->indexes = pq_xmalloc(sizeof *$$->indexes);
        $$->indexes[$$->nindexes++] = *$1;
        free($1);
    }
  | table_elems ',' column_def {
        $$ = $1;
        $$->cols = pq_xrealloc($$->cols, ($$->ncols + 1) * sizeof *$$->cols);
        $$->cols[$$->ncols++] = *$3;
        free($3);
    }
  | table_elems ',' opt_constraint K_PRIMARY K_KEY '(' key_parts ')' {
        $$ = $1;
        if ($$->pk) {
            keys_free($7);
            table_free($$);
            pq_parse_error(ctx, L(@4), "", "PRIMARY KEY is given twice");
            YYERROR;
        }
        $$->pk = $7->v;
        $$->npk = $7->n;
        free($7);
    }
  | table_elems ',' index_def {
        $$ = $1;
        $$->indexes = pq_xrealloc($$->indexes, ($$->nindexes + 1) * sizeof *$$->indexes);
        $$->indexes[$$->nindexes++] = *$3;
        free($3);
    }
  ;

/* name type [PRIMARY KEY | PARTITION KEY | HASH [KEY] | SORT KEY | RANGE [KEY]] */
column_def:
    col_ident col_type col_attrs {
        $$ = $2;
        $$->name = $1;
        $$->key_role = $3;
        $$->type = type_code($$->type_text);
    }
  ;

col_type:
    type_name_word { $$ = pq_xcalloc(1, sizeof *$$); $$->type_text = src_text(ctx, @1); $$->type_loc = L(@1); }
  | type_name_word '(' NUMBER ')' {
        free($3);
        $$ = pq_xcalloc(1, sizeof *$$);
        $$->type_text = src_text(ctx, @$);
        $$->type_loc = L(@$);
    }
  | type_name_word '(' NUMBER ',' NUMBER ')' {
        free($3);
        free($5);
        $$ = pq_xcalloc(1, sizeof *$$);
        $$->type_text = src_text(ctx, @$);
        $$->type_loc = L(@$);
    }
  | type_name_word K_VARYING {
        $$ = pq_xcalloc(1, sizeof *$$);
        $$->type_text = src_text(ctx, @$);
        $$->type_loc = L(@$);
    }
  | type_name_word K_PRECISION {
        $$ = pq_xcalloc(1, sizeof *$$);
        $$->type_text = src_text(ctx, @$);
        $$->type_loc = L(@$);
    }
  ;

type_name_word: col_ident { pq_ident_release(&$1); } ;

col_attrs:
    %empty { $$ = 0; }
  | col_attrs col_attr { $$ = $2 ? $2 : $1; }
  ;

col_attr:
    K_PRIMARY K_KEY { $$ = 1; }
  | K_PARTITION K_KEY { $$ = 1; }
  | K_HASH K_KEY { $$ = 1; }
  | K_HASH { $$ = 1; }
  | K_SORT K_KEY { $$ = 2; }
  | K_RANGE K_KEY { $$ = 2; }
  | K_RANGE { $$ = 2; }
  | K_NOT K_NULL { $$ = 0; }
  ;

key_parts:
    ident key_role { $$ = keys_push(NULL, $1, $2, @$); }
  | key_parts ',' ident key_role { $$ = keys_push($1, $3, $4, @$); }
  ;

key_role:
    %empty { $$ = 0; }
  | K_HASH { $$ = 1; }
  | K_HASH K_KEY { $$ = 1; }
  | K_PARTITION K_KEY { $$ = 1; }
  | K_RANGE { $$ = 2; }
  | K_RANGE K_KEY { $$ = 2; }
  | K_SORT K_KEY { $$ = 2; }
  ;

/* INDEX name [GLOBAL|LOCAL] (keys) [PROJECTION …] | GLOBAL|LOCAL INDEX name (keys) … */
index_def:
    K_INDEX ident index_scope index_body {
        $$ = $4;
        $$->name = $2;
        $$->global = $3 != 2;
        $$->loc = L(@$);
    }
  | K_GLOBAL K_INDEX ident index_body { $$ = $4; $$->name = $3; $$->global = true; $$->loc = L(@$); }
  | K_LOCAL K_INDEX ident index_body { $$ = $4; $$->name = $3; $$->global = false; $$->loc = L(@$); }
  ;

index_scope: %empty { $$ = 0; } | K_GLOBAL { $$ = 1; } | K_LOCAL { $$ = 2; } ;

index_body:
    '(' key_parts ')' opt_projection {
        $$ = pq_xcalloc(1, sizeof *$$);
        if (!index_keys(ctx, $$, $2)) {
            free($$);
            YYERROR;
        }
        index_projection($$, $4, NULL);
    }
  | '(' key_parts ')' K_PROJECTION K_INCLUDE '(' ident_list ')' {
        $$ = pq_xcalloc(1, sizeof *$$);
        if (!index_keys(ctx, $$, $2)) {
            free($$);
            idents_free($7);
            YYERROR;
        }
        index_projection($$, PQ_PROJ_INCLUDE, $7);
    }
  ;

opt_projection:
    %empty { $$ = PQ_PROJ_ALL; }
  | K_PROJECTION K_ALL { $$ = PQ_PROJ_ALL; }
  | K_PROJECTION K_KEYS K_ONLY { $$ = PQ_PROJ_KEYS_ONLY; }
  | K_PROJECTION K_KEYS_ONLY { $$ = PQ_PROJ_KEYS_ONLY; }
  ;

table_opts:
    %empty { $$ = table_new(); }
  | table_opts K_PRIMARY K_KEY '(' key_parts ')' {
        $$ = $1;
        if ($$->pk) {
            keys_free($5);
            table_free($$);
            pq_parse_error(ctx, L(@2), "", "PRIMARY KEY is given twice");
            YYERROR;
        }
        $$->pk = $5->v;
        $$->npk = $5->n;
        $$->pk_loc = (struct pq_loc){@2.start, @6.end};
        free($5);
    }
  | table_opts K_BILLING K_MODE K_PAY_PER_REQUEST { $$ = $1; $$->billing = PQ_BILLING_PAY_PER_REQUEST; }
  | table_opts K_BILLING K_MODE K_ON K_DEMAND { $$ = $1; $$->billing = PQ_BILLING_PAY_PER_REQUEST; }
  | table_opts K_BILLING K_MODE K_PROVISIONED { $$ = $1; $$->billing = PQ_BILLING_PROVISIONED; }
  | table_opts K_BILLING K_MODE K_PROVISIONED '(' NUMBER K_RCU ',' NUMBER K_WCU ')' {
        $$ = $1;
        $$->billing = PQ_BILLING_PROVISIONED;
        bool ok = to_int64($6, &$$->rcu) && to_int64($9, &$$->wcu);
        free($6);
        free($9);
        if (!ok) {
            table_free($$);
            pq_parse_error(ctx, L(@5), "", "capacity units must be whole numbers");
            YYERROR;
        }
    }
  | table_opts K_BILLING K_MODE K_PROVISIONED '(' K_READ NUMBER ',' K_WRITE NUMBER ')' {
        $$ = $1;
        $$->billing = PQ_BILLING_PROVISIONED;
        bool ok = to_int64($7, &$$->rcu) && to_int64($10, &$$->wcu);
        free($7);
        free($10);
        if (!ok) {
            table_free($$);
            pq_parse_error(ctx, L(@5), "", "capacity units must be whole numbers");
            YYERROR;
        }
    }
  ;

/* CREATE [GLOBAL|LOCAL] INDEX name ON table (keys) [PROJECTION …] */
create_index:
    K_CREATE index_scope K_INDEX ident K_ON ident index_body {
        $$ = new_stmt(PQ_S_CREATE_INDEX, @$);
        $$->u.index.table = $6;
        $$->u.index.index = *$7;
        free($7);
        $$->u.index.index.name = $4;
        $$->u.index.index.global = $2 != 2;
        $$->u.index.index.loc = L(@$);
    }
  ;

%%

/* Called by bison only when its stack is full ("memory exhausted"). */
static void yyerror(PQYYLTYPE *loc, struct pq_parse_ctx *ctx, const char *msg)
{
    (void)msg;
    pq_parse_error(ctx, L(*loc), "", "statement nested too deeply");
}

_Static_assert(YYNTOKENS <= PQ_PARSE_MAX_TOKENS, "pq_parse_expected's buffers are too small");

_Static_assert(sizeof(yy_state_t) == sizeof(short), "pq_parse_ctx keeps states as shorts");

static void snap_stack(struct pq_parse_ctx *ctx, const void *ss, size_t n)
{
    ctx->snap_n = n;
    /* A fixed size, a few moves: the stack array (yyssa, YYINITDEPTH
     * states, or a larger one) always holds this many; states above yyssp
     * are copied but never read. */
    _Static_assert(PQ_PARSE_SNAP_INLINE <= YYINITDEPTH, "the copy stays inside yyssa");
    if (n <= PQ_PARSE_SNAP_INLINE / 2) {
        memcpy(ctx->snap_inline, ss, sizeof ctx->snap_inline / 2);
        return;
    }
    if (n <= PQ_PARSE_SNAP_INLINE) {
        memcpy(ctx->snap_inline, ss, sizeof ctx->snap_inline);
        return;
    }
    if (n > ctx->snap_cap) {
        ctx->snap_cap = n > 2 * ctx->snap_cap ? n : 2 * ctx->snap_cap;
        ctx->snap_heap = pq_xrealloc(ctx->snap_heap, ctx->snap_cap * sizeof *ctx->snap_heap);
    }
    memcpy(ctx->snap_heap, ss, n * sizeof *ctx->snap_heap);
}

/* Bison's LAC check (yy_lac) on a copy of the stack `ss` (n states), with
 * `work` as scratch (n + 1 states, grown as needed): whether the parser
 * would shift token `tok` after the reductions it calls for. */
static bool lac_shifts(const yy_state_t *ss, size_t n, yysymbol_kind_t tok, yy_state_t **work,
                       size_t *cap)
{
    if (tok == YYSYMBOL_YYUNDEF) return false;
    memcpy(*work, ss, n * sizeof *ss);
    size_t top = n - 1;
    for (;;) {
        int state = (*work)[top];
        int rule = yypact[state];
        if (yypact_value_is_default(rule) || (rule += tok) < 0 || YYLAST < rule ||
            yycheck[rule] != tok) {
            rule = yydefact[state];
            if (rule == 0) return false;
        } else {
            rule = yytable[rule];
            if (yytable_value_is_error(rule)) return false;
            if (rule > 0) return true;
            rule = -rule;
        }
        top -= (size_t)yyr2[rule];
        int lhs = yyr1[rule] - YYNTOKENS;
        int i = yypgoto[lhs] + (*work)[top];
        int next =
            0 <= i && i <= YYLAST && yycheck[i] == (*work)[top] ? yytable[i] : yydefgoto[lhs];
        if (++top == *cap) {
            *cap *= 2;
            *work = pq_xrealloc(*work, *cap * sizeof **work);
        }
        (*work)[top] = (yy_state_t)next;
    }
}

/* The tokens the parser would shift from the stack it had when it fetched
 * the last lookahead, in symbol order, as bison's LAC lists them. */
static int expected_tokens(struct pq_parse_ctx *ctx, int *out)
{
    const yy_state_t *ss = ctx->snap_n <= PQ_PARSE_SNAP_INLINE ? ctx->snap_inline : ctx->snap_heap;
    size_t cap = ctx->snap_n + 1;
    yy_state_t *work = pq_xmalloc(cap * sizeof *work);
    int n = 0;
    for (int t = 0; t < YYNTOKENS; t++)
        if (t != YYSYMBOL_YYerror && t != YYSYMBOL_YYUNDEF &&
            lac_shifts(ss, ctx->snap_n, (yysymbol_kind_t)t, &work, &cap))
            out[n++] = t;
    free(work);
    return n;
}

bool pq_parse_lookahead_refused(struct pq_parse_ctx *ctx)
{
    if (ctx->failed || ctx->snap_n == 0) return false;
    const yy_state_t *ss = ctx->snap_n <= PQ_PARSE_SNAP_INLINE ? ctx->snap_inline : ctx->snap_heap;
    size_t cap = ctx->snap_n + 1;
    yy_state_t *work = pq_xmalloc(cap * sizeof *work);
    bool ok = lac_shifts(ss, ctx->snap_n, YYTRANSLATE(ctx->last_tok), &work, &cap);
    free(work);
    if (ok) return false;
    int exp[YYNTOKENS];
    int n = expected_tokens(ctx, exp);
    pq_parse_syntax_error(ctx, (int)YYTRANSLATE(ctx->last_tok), L(ctx->last_loc), exp, n);
    return true;
}

static int yyreport_syntax_error(const yypcontext_t *yyctx, struct pq_parse_ctx *ctx)
{
    if (ctx->failed) return 0; /* the lexer or an action already said what is wrong */
    int exp[YYNTOKENS];
    int n = expected_tokens(ctx, exp);
    const PQYYLTYPE *loc = yypcontext_location(yyctx);
    pq_parse_syntax_error(ctx, (int)yypcontext_token(yyctx), L(*loc), exp, n);
    return 0;
}

/* Symbol-kind helpers for parse.c, which cannot see the yysymbol_kind_t enum. */
const char *pq_parse_symbol_name(int sym)
{
    return yysymbol_name((yysymbol_kind_t)sym);
}

/* Token number (as pqyylex returns it) → symbol kind. */
int pq_parse_token_symbol(int tok)
{
    return (int)YYTRANSLATE(tok);
}

static struct pq_loc L(PQYYLTYPE l)
{
    struct pq_loc r = {l.start, l.end};
    return r;
}

static char *src_text(struct pq_parse_ctx *ctx, PQYYLTYPE l)
{
    return pq_xstrndup(ctx->text + l.start, l.end - l.start);
}

static struct pq_ident kw_ident(struct pq_parse_ctx *ctx, PQYYLTYPE l)
{
    struct pq_ident id = {src_text(ctx, l), false, L(l)};
    return id;
}

static struct pq_expr *new_expr(pq_expr_kind kind, PQYYLTYPE l)
{
    return pq_expr_new(kind, L(l));
}

static struct pq_expr *binary(pq_op op, struct pq_expr *a, struct pq_expr *b, PQYYLTYPE l)
{
    struct pq_expr *e = new_expr(PQ_E_BINARY, l);
    e->op = op;
    e->lhs = a;
    e->rhs = b;
    return e;
}

/* {"S": text} etc. (short S and N ones shared between statements:
 * pq_lit_scalar). Takes `text`, which the lexer has checked to be UTF-8. */
static json_t *av_text(const char *type, char *text)
{
    json_t *o = pq_lit_scalar(type, text, strlen(text));
    free(text);
    return o;
}

static json_t *av_bool(const char *type, bool b)
{
    json_t *o = json_object();
    if (!o || json_object_set_new_nocheck(o, type, json_boolean(b))) abort();
    return o;
}

static struct pq_expr *lit(json_t *v, PQYYLTYPE l)
{
    struct pq_expr *e = new_expr(PQ_E_LIT, l);
    if (!v) abort(); /* out of memory: not recoverable (see buf.h) */
    e->lit = v;
    return e;
}

static unsigned depth_of(const struct pq_expr *e)
{
    return e ? e->depth : 0;
}

/* Sets and returns e->depth from its children's (already set) depths. */
static unsigned set_depth(struct pq_expr *e)
{
    unsigned d = depth_of(e->lhs);
    if (depth_of(e->rhs) > d) d = depth_of(e->rhs);
    for (size_t i = 0; i < e->nitems; i++)
        if (depth_of(e->items[i]) > d) d = depth_of(e->items[i]);
    if (e->select && e->select->where && e->select->where->depth > d) d = e->select->where->depth;
    e->depth = d + 1;
    return e->depth;
}

/* -e; a minus directly before a number literal becomes part of its text. */
static struct pq_expr *negate(struct pq_expr *e, PQYYLTYPE l)
{
    json_t *n = e->kind == PQ_E_LIT && !e->paren ? json_object_get(e->lit, "N") : NULL;
    if (n && json_string_value(n)[0] != '-') {
        struct pq_buf b = PQ_BUF_INIT;
        pq_buf_init(&b);
        pq_buf_addc(&b, '-');
        pq_buf_adds(&b, json_string_value(n));
        /* A new value: literals are never changed in place (they may be shared). */
        json_t *neg = pq_lit_scalar("N", b.data, b.len);
        json_decref(e->lit);
        e->lit = neg;
        pq_buf_release(&b);
        e->loc = L(l);
        return e;
    }
    struct pq_expr *u = new_expr(PQ_E_UNARY, l);
    u->op = PQ_OP_NEG;
    u->lhs = e;
    return u;
}

static struct pq_expr *path_root(struct pq_ident id)
{
    struct pq_expr *e = pq_expr_new(PQ_E_PATH, id.loc);
    struct pq_path_step st = {PQ_STEP_NAME, id.name, id.quoted, 0, id.loc};
    path_add(e, st);
    return e;
}

static void path_add(struct pq_expr *p, struct pq_path_step st)
{
    p->steps = pq_xrealloc(p->steps, (p->nsteps + 1) * sizeof *p->steps);
    p->steps[p->nsteps++] = st;
}

static struct pq_expr *with_items(struct pq_expr *e, struct pqg_exprs list)
{
    e->items = list.v;
    e->nitems = list.n;
    return e;
}

static struct pqg_exprs exprs_push(struct pqg_exprs l, struct pq_expr *e)
{
    if (l.n == l.cap) {
        l.cap = l.cap ? 2 * l.cap : 8;
        l.v = pq_xrealloc(l.v, l.cap * sizeof *l.v);
    }
    l.v[l.n++] = e;
    return l;
}

static void exprs_free(struct pqg_exprs *l)
{
    for (size_t i = 0; i < l->n; i++) pq_expr_free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

static struct pqg_updops *updops_push(struct pqg_updops *l, struct pq_update_op op)
{
    if (!l) l = pq_xcalloc(1, sizeof *l);
    l->v = pq_xrealloc(l->v, (l->n + 1) * sizeof *l->v);
    l->v[l->n++] = op;
    return l;
}

static void updops_free(struct pqg_updops *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->n; i++) {
        pq_expr_free(l->v[i].path);
        pq_expr_free(l->v[i].value);
    }
    free(l->v);
    free(l);
}

static struct pqg_orders *orders_push(struct pqg_orders *l, struct pq_expr *e, bool desc)
{
    if (!l) l = pq_xcalloc(1, sizeof *l);
    l->v = pq_xrealloc(l->v, (l->n + 1) * sizeof *l->v);
    l->v[l->n].expr = e;
    l->v[l->n++].desc = desc;
    return l;
}

static void orders_free(struct pqg_orders *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->n; i++) pq_expr_free(l->v[i].expr);
    free(l->v);
    free(l);
}

static struct pqg_idents *idents_push(struct pqg_idents *l, struct pq_ident id)
{
    if (!l) l = pq_xcalloc(1, sizeof *l);
    l->v = pq_xrealloc(l->v, (l->n + 1) * sizeof *l->v);
    l->v[l->n++] = id;
    return l;
}

static void idents_free(struct pqg_idents *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->n; i++) pq_ident_release(&l->v[i]);
    free(l->v);
    free(l);
}

static struct pqg_keys *keys_push(struct pqg_keys *l, struct pq_ident id, int role, PQYYLTYPE l0)
{
    if (!l) {
        l = pq_xcalloc(1, sizeof *l);
        l->loc.start = l0.start;
    }
    l->loc.end = l0.end;
    l->v = pq_xrealloc(l->v, (l->n + 1) * sizeof *l->v);
    l->v[l->n].name = id;
    l->v[l->n++].role = role;
    return l;
}

static void keys_free(struct pqg_keys *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->n; i++) pq_ident_release(&l->v[i].name);
    free(l->v);
    free(l);
}

static struct pqg_table *table_new(void)
{
    return pq_xcalloc(1, sizeof(struct pqg_table));
}

static void table_free(struct pqg_table *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->ncols; i++) pq_column_release(&t->cols[i]);
    free(t->cols);
    for (size_t i = 0; i < t->npk; i++) pq_ident_release(&t->pk[i].name);
    free(t->pk);
    for (size_t i = 0; i < t->nindexes; i++) pq_index_def_release(&t->indexes[i]);
    free(t->indexes);
    free(t);
}

static struct pq_stmt *new_stmt(pq_stmt_kind kind, PQYYLTYPE l)
{
    struct pq_stmt *s = pq_xcalloc(1, sizeof *s);
    s->kind = kind;
    s->loc = L(l);
    return s;
}

/* pqsh statements do not exist for DynamoDB's parser. */
static bool strict_refuse(struct pq_parse_ctx *ctx, PQYYLTYPE l, const char *what)
{
    (void)what;
    if (!ctx->strict) return false;
    size_t end = l.start;
    while (end < ctx->len && end - l.start < 64 &&
           (ctx->text[end] == '_' || ((ctx->text[end] | 0x20) >= 'a' && (ctx->text[end] | 0x20) <= 'z')))
        end++;
    struct pq_loc at = {l.start, end};
    pq_parse_error(ctx, at, "Unexpected keyword", "unexpected '%.*s'", (int)(end - l.start),
                   ctx->text + l.start);
    return true;
}

/* PartiQL's type names (partiql-lang-kotlin); the engine decides which IS supports. */
static bool type_name_ok(const char *upper)
{
    static const char *const names[] = {
        "ANY",      "BAG",     "BIGINT",  "BLOB",     "BOOL",    "BOOLEAN",  "CHAR",
        "CHARACTER", "CLOB",   "DATE",    "DEC",      "DECIMAL", "DOUBLE",   "FLOAT",
        "INT",      "INT2",    "INT4",    "INT8",     "INTEGER", "INTEGER2", "INTEGER4",
        "INTEGER8", "LIST",    "MISSING", "NULL",     "NUMERIC", "REAL",     "SEXP",
        "SMALLINT", "STRING",  "STRUCT",  "SYMBOL",   "TIME",    "TIMESTAMP", "TUPLE",
        "VARCHAR",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(names[i], upper)) return true;
    return false;
}

/* DynamoDB's parser keeps a number as unscaled digits and a 32-bit scale:
 * the exponent, and the scale it yields, must fit an int32 (reference §4.1). */
static bool number_scale_ok(const char *text)
{
    const char *e = strpbrk(text, "eE");
    const char *dot = strchr(text, '.');
    int64_t frac = 0;
    if (dot) frac = (int64_t)((e ? (size_t)(e - dot) : strlen(dot)) - 1);
    if (!e) return frac <= INT32_MAX;
    const char *p = e + 1;
    bool neg = *p == '-';
    if (*p == '-' || *p == '+') p++;
    int64_t exp = 0;
    for (; *p; p++) {
        exp = exp * 10 + (*p - '0');
        if (exp > (int64_t)INT32_MAX + 1) return false;
    }
    if (neg) exp = -exp;
    if (exp < INT32_MIN || exp > INT32_MAX) return false;
    int64_t scale = frac - exp;
    return scale >= INT32_MIN && scale <= INT32_MAX;
}

/* DynamoDB attribute type of a CREATE TABLE column type: its first word decides. */
static char type_code(const char *type_text)
{
    static const struct {
        const char *word;
        char type;
    } words[] = {
        {"S", 'S'},        {"STRING", 'S'},   {"VARCHAR", 'S'},  {"TEXT", 'S'},
        {"CHAR", 'S'},     {"CHARACTER", 'S'}, {"NVARCHAR", 'S'}, {"N", 'N'},
        {"NUMBER", 'N'},   {"INT", 'N'},      {"INTEGER", 'N'},  {"BIGINT", 'N'},
        {"SMALLINT", 'N'}, {"TINYINT", 'N'},  {"DECIMAL", 'N'},  {"NUMERIC", 'N'},
        {"FLOAT", 'N'},    {"DOUBLE", 'N'},   {"REAL", 'N'},     {"B", 'B'},
        {"BINARY", 'B'},   {"BLOB", 'B'},     {"BYTES", 'B'},    {"VARBINARY", 'B'},
    };
    size_t n = strcspn(type_text, " \t\r\n(");
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i].word) == n && !strncasecmp(words[i].word, type_text, n))
            return words[i].type;
    return 0;
}

static bool to_int64(const char *text, int64_t *out)
{
    int64_t v = 0;
    if (!*text) return false;
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9') return false;
        if (v > (INT64_MAX - (*p - '0')) / 10) return false;
        v = v * 10 + (*p - '0');
    }
    *out = v;
    return true;
}

static pq_returning returning(int kind, int age)
{
    if (kind == 0) return age ? PQ_RET_ALL_NEW : PQ_RET_ALL_OLD;
    return age ? PQ_RET_MODIFIED_NEW : PQ_RET_MODIFIED_OLD;
}

/* Moves the key list into the index definition (at most two keys). Frees `k`. */
static bool index_keys(struct pq_parse_ctx *ctx, struct pq_index_def *d, struct pqg_keys *k)
{
    bool ok = k->n <= 2;
    if (!ok) {
        pq_parse_error(ctx, k->loc, "", "an index has at most two key attributes");
        keys_free(k);
        return false;
    }
    for (size_t i = 0; i < k->n; i++) d->keys[i] = k->v[i];
    d->nkeys = k->n;
    free(k->v);
    free(k);
    return true;
}

static void index_projection(struct pq_index_def *d, int proj, struct pqg_idents *inc)
{
    d->projection = (pq_projection)proj;
    if (inc) {
        d->include = inc->v;
        d->ninclude = inc->n;
        free(inc);
    }
}

/* INSERT INTO t [(cols)] VALUE(S) items: DynamoDB's form is PQ_S_INSERT; SQL
 * rows `(a, b), …` or a column list make pqsh's PQ_S_INSERT_VALUES (SHELL mode
 * only — in STRICT mode they stay PQ_S_INSERT for the engine to refuse). */
/* The value of a heap-allocated FROM, which is freed. */
static struct pq_from take_from(struct pq_from *f)
{
    struct pq_from v = *f;
    free(f);
    return v;
}

static struct pq_stmt *insert_stmt(struct pq_parse_ctx *ctx, struct pq_from *into_p,
                                   struct pqg_idents *cols, bool values_kw,
                                   struct pqg_exprs *items, PQYYLTYPE l)
{
    struct pq_from into = take_from(into_p);
    bool rows = cols != NULL;
    for (size_t i = 0; i < items->n && values_kw; i++)
        if (items->v[i]->paren) rows = true;
    struct pq_stmt *s;
    if (!rows || ctx->strict) {
        s = new_stmt(PQ_S_INSERT, l);
        s->u.insert.into = into;
        s->u.insert.value = items->v[0];
        s->u.insert.nvalues = items->n;
        s->u.insert.values_keyword = values_kw;
        for (size_t i = 1; i < items->n; i++) pq_expr_free(items->v[i]);
        free(items->v);
        idents_free(cols);
        return s;
    }
    ctx->shell_syntax = true;
    s = new_stmt(PQ_S_INSERT_VALUES, l);
    s->u.values.table = into.table;
    into.table.name = NULL;
    pq_from_release(&into);
    if (cols) {
        s->u.values.cols = cols->v;
        s->u.values.ncols = cols->n;
        free(cols);
    }
    s->u.values.nrows = items->n;
    s->u.values.rows = pq_xcalloc(items->n, sizeof *s->u.values.rows);
    s->u.values.rowlen = pq_xcalloc(items->n, sizeof *s->u.values.rowlen);
    for (size_t i = 0; i < items->n; i++) {
        struct pq_expr *e = items->v[i];
        if (e->kind == PQ_E_LIST && e->paren) {
            s->u.values.rows[i] = e->items;
            s->u.values.rowlen[i] = e->nitems;
            e->items = NULL;
            e->nitems = 0;
            pq_expr_free(e);
        } else {
            e->paren = false;
            s->u.values.rows[i] = pq_xmalloc(sizeof(struct pq_expr *));
            s->u.values.rows[i][0] = e;
            s->u.values.rowlen[i] = 1;
        }
    }
    free(items->v);
    return s;
}
