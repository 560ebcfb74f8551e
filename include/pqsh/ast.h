/* ast.h — the syntax tree of one statement: DynamoDB PartiQL plus pqsh's own statements.
 *
 * Ownership rule for this module: a tree owns everything below it (strings,
 * child nodes, jansson references). pq_stmt_free() / pq_expr_free() free a
 * whole tree. Every node records its byte range (`loc`) in the source text the
 * parser was given, so errors can point at it.
 *
 * The tree is deliberately permissive: the grammar accepts some forms that
 * DynamoDB rejects (aliases, several FROM sources, LIMIT, functions in the
 * projection, …) and records them, so that the engine can answer with
 * DynamoDB's exact message and the shell can rewrite pqsh extensions.
 */
#ifndef PQSH_AST_H
#define PQSH_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "pqsh/buf.h"

struct pq_loc {
    size_t start; /* byte offset of the first byte */
    size_t end;   /* byte offset one past the last byte */
};

/* An identifier as written: bare (`Orders`) or double-quoted (`"Orders"`). */
struct pq_ident {
    char *name; /* unquoted text, "" doubled quotes already collapsed; NULL if absent */
    bool quoted;
    struct pq_loc loc;
};

typedef enum pq_expr_kind {
    PQ_E_LIT,     /* scalar literal: `lit` is an AttributeValue (S, N, BOOL, NULL), never
                     changed in place (it may be shared: pq_lit_scalar); a LIT node
                     owns nothing else (pq_expr_free releases only `lit`) */
    PQ_E_MISSING, /* MISSING */
    PQ_E_PARAM,   /* ? — `param` is its 0-based position in the statement */
    PQ_E_VAR,     /* :name — pqsh session variable; `var` holds the name */
    PQ_E_PATH,    /* document path: `steps[0]` is the top-level attribute */
    PQ_E_TUPLE,   /* {k: v, …}: `items` holds k0, v0, k1, v1, … */
    PQ_E_LIST,    /* [a, b, …] */
    PQ_E_BAG,     /* <<a, b, …>> */
    PQ_E_UNARY,   /* `op` applied to `lhs`: PQ_OP_NOT, PQ_OP_NEG, PQ_OP_POS */
    PQ_E_BINARY,  /* `lhs` `op` `rhs` */
    PQ_E_BETWEEN, /* `lhs` [NOT] BETWEEN items[0] AND items[1] */
    PQ_E_IN,      /* `lhs` [NOT] IN `rhs` (a PQ_E_LIST, or anything else written there) */
    PQ_E_IS,      /* `lhs` IS [NOT] `type_name` */
    PQ_E_CALL,    /* `name`(items…) */
    PQ_E_EXISTS,  /* EXISTS(`select`) */
} pq_expr_kind;

typedef enum pq_op {
    PQ_OP_NONE = 0,
    PQ_OP_EQ, /* = */
    PQ_OP_NE, /* <> or != */
    PQ_OP_LT,
    PQ_OP_LE,
    PQ_OP_GT,
    PQ_OP_GE,
    PQ_OP_AND,
    PQ_OP_OR,
    PQ_OP_ADD,
    PQ_OP_SUB,
    PQ_OP_MUL,
    PQ_OP_DIV,
    PQ_OP_MOD,
    PQ_OP_CONCAT, /* || */
    PQ_OP_LIKE,   /* parsed so the engine can refuse it with DynamoDB's message */
    PQ_OP_NOT,
    PQ_OP_NEG,
    PQ_OP_POS,
} pq_op;

typedef enum pq_step_kind {
    PQ_STEP_NAME,  /* .name or the root name */
    PQ_STEP_INDEX, /* [n] */
} pq_step_kind;

struct pq_path_step {
    pq_step_kind kind;
    char *name;    /* PQ_STEP_NAME */
    bool quoted;   /* PQ_STEP_NAME written as "name" */
    int64_t index; /* PQ_STEP_INDEX */
    struct pq_loc loc;
};

struct pq_select;

struct pq_expr {
    pq_expr_kind kind;
    struct pq_loc loc;
    pq_op op;                   /* UNARY, BINARY */
    bool negated;               /* BETWEEN, IN, IS: the NOT form */
    json_t *lit;                /* LIT: AttributeValue; numbers keep their written text */
    size_t param;               /* PARAM */
    char *var;                  /* VAR: name without ':' */
    char *name;                 /* CALL: function name as written; IS: type word upper-cased */
    struct pq_loc name_loc;     /* CALL / IS: where the name is */
    struct pq_path_step *steps; /* PATH */
    size_t nsteps;
    struct pq_expr *lhs, *rhs; /* UNARY (lhs), BINARY, IN, BETWEEN, IS (lhs) */
    struct pq_expr **items;    /* TUPLE, LIST, BAG, CALL args, BETWEEN bounds */
    size_t nitems;
    struct pq_select *select; /* EXISTS */
    bool star_arg;            /* CALL written name(*), e.g. COUNT(*) (refused by DynamoDB) */
    bool paren;               /* written inside parentheses: `(e)`, or a row `(a, b)`
                                 (then kind is PQ_E_LIST); a parser hint only */
    unsigned depth;           /* parser bookkeeping: levels in this subtree (leaf = 0 or 1) */
};

/* FROM target: "table" or "table"."index", plus what DynamoDB refuses. */
struct pq_from {
    struct pq_ident table;
    struct pq_ident index; /* name NULL when there is none */
    size_t ncomponents;    /* components written in the path (3+ is an error) */
    bool empty_component;  /* a "" component was written */
    struct pq_ident alias; /* name NULL when there is none */
    size_t nsources;       /* FROM a, b → 2 (an error for DynamoDB) */
};

struct pq_order_item {
    struct pq_expr *expr;
    bool desc;
};

typedef enum pq_returning {
    PQ_RET_NONE = 0,
    PQ_RET_ALL_OLD,
    PQ_RET_MODIFIED_OLD,
    PQ_RET_ALL_NEW,
    PQ_RET_MODIFIED_NEW,
} pq_returning;

struct pq_select {
    struct pq_loc loc;
    bool star;             /* SELECT * (alone or with other items) */
    bool value_or_pivot;   /* SELECT VALUE … / PIVOT … (refused by DynamoDB) */
    struct pq_expr **proj; /* projection items other than `*` */
    size_t nproj;
    struct pq_from from;
    struct pq_expr *where; /* NULL when absent */
    struct pq_order_item *order;
    size_t norder;
    struct pq_expr *limit; /* LIMIT n — pqsh applies it client-side; NULL when absent */
    struct pq_loc limit_loc;
    const char *unsupported; /* static: "GROUP BY", "HAVING", "OFFSET", … when written */
    struct pq_loc unsupported_loc;
};

typedef enum pq_update_kind {
    PQ_UPD_SET,
    PQ_UPD_REMOVE,
} pq_update_kind;

struct pq_update_op {
    pq_update_kind kind;
    struct pq_expr *path;  /* target path */
    struct pq_expr *value; /* SET only */
    struct pq_loc loc;
};

struct pq_column {
    struct pq_ident name;
    char *type_text; /* type word as written */
    char type;       /* 'S', 'N', 'B', or 0 when the word is not a known type */
    struct pq_loc type_loc;
    int key_role; /* 0 none, 1 partition (PRIMARY KEY / PARTITION KEY / HASH), 2 sort */
};

struct pq_key_part {
    struct pq_ident name;
    int role; /* 0 as positioned (first = partition, second = sort), 1 HASH, 2 RANGE */
};

typedef enum pq_billing {
    PQ_BILLING_DEFAULT = 0, /* on-demand */
    PQ_BILLING_PAY_PER_REQUEST,
    PQ_BILLING_PROVISIONED,
} pq_billing;

typedef enum pq_projection {
    PQ_PROJ_ALL = 0,
    PQ_PROJ_KEYS_ONLY,
    PQ_PROJ_INCLUDE,
} pq_projection;

struct pq_index_def {
    struct pq_ident name;
    bool global;
    struct pq_key_part keys[2];
    size_t nkeys;
    pq_projection projection;
    struct pq_ident *include; /* INCLUDE (x, y) */
    size_t ninclude;
    struct pq_loc loc;
};

typedef enum pq_stmt_kind {
    /* DynamoDB PartiQL */
    PQ_S_SELECT,
    PQ_S_INSERT, /* INSERT INTO t VALUE {…} */
    PQ_S_UPDATE,
    PQ_S_DELETE,
    PQ_S_EXISTS, /* EXISTS(SELECT …) as a whole statement (transactions) */
    PQ_S_EXPR,   /* a bare expression; `name = literal` is a pqsh assignment */
    /* pqsh statements */
    PQ_S_CREATE_TABLE,
    PQ_S_DROP_TABLE,
    PQ_S_DESCRIBE,
    PQ_S_SHOW_TABLES,
    PQ_S_INSERT_VALUES, /* INSERT INTO t [(cols)] VALUES (…), (…) */
    PQ_S_SET_VAR,       /* SET name = v / LET name = v */
    PQ_S_UNSET_VAR,
    PQ_S_BEGIN,  /* BEGIN [TRANSACTION] */
    PQ_S_COMMIT, /* COMMIT [WITH TOKEN 'x'] */
    PQ_S_ROLLBACK,
    PQ_S_BEGIN_BATCH,
    PQ_S_END_BATCH,
    PQ_S_EXPLAIN,
    PQ_S_CREATE_INDEX,
    PQ_S_DROP_INDEX,
} pq_stmt_kind;

/* A remark the binder made about how it read the statement (see bind.h). */
struct pq_note {
    struct pq_loc loc;
    char *text;
};

struct pq_stmt {
    pq_stmt_kind kind;
    struct pq_loc loc;
    size_t nparams; /* number of `?` in the statement */
    /* A SHELL-mode parse took a turn that a STRICT parse of the same text
     * would not take (a pqsh keyword or statement, a reserved word as a name,
     * `:name`, b64'…', a number DynamoDB cannot scale): only a tree without
     * it may stand for DynamoDB's parse of its text (see pq_plan's
     * step->parsed). Always false for STRICT parses. */
    bool shell_syntax;
    /* References beyond the first (pq_stmt_ref); pq_stmt_free drops one and
     * frees the tree with the last. Atomic: a reference may be dropped on
     * another thread. */
    _Atomic unsigned refs;
    struct pq_note *notes; /* set by pq_bind (owned); NULL when it had nothing to say */
    size_t nnotes;
    /* The comments inside the statement's text, in order (owned; SHELL-mode
     * parses only, on the outermost statement): the text pqsh sends leaves
     * them out. */
    struct pq_loc *comments;
    size_t ncomments;
    union {
        struct pq_select select; /* SELECT; EXISTS uses exists.select */
        struct {
            struct pq_from into;      /* table (index written → refused by the engine) */
            struct pq_expr *value;    /* the item expression after VALUE */
            size_t nvalues;           /* VALUE a, b → 2 (refused) */
            bool values_keyword;      /* VALUES written instead of VALUE */
            struct pq_loc values_loc; /* where VALUES is written (values_keyword) */
            pq_returning returning;
            struct pq_loc returning_loc;
            const char *unsupported; /* "ON CONFLICT", "AT", … */
        } insert;
        struct {
            struct pq_from target;
            struct pq_update_op *ops;
            size_t nops;
            struct pq_expr *where;
            pq_returning returning;
            struct pq_loc returning_loc;
            bool from_first; /* FROM t WHERE … SET … form */
        } update;
        struct {
            struct pq_from from;
            struct pq_expr *where;
            pq_returning returning;
            struct pq_loc returning_loc;
        } del;
        struct {
            struct pq_select *select;
        } exists;
        struct {
            struct pq_expr *expr;
        } expr;
        struct {
            struct pq_ident table;
            bool if_not_exists;
            struct pq_column *cols;
            size_t ncols;
            struct pq_key_part *pk; /* PRIMARY KEY (…) clause, if written */
            size_t npk;
            pq_billing billing;
            int64_t rcu, wcu;
            struct pq_index_def *indexes;
            size_t nindexes;
        } create;
        struct {
            struct pq_ident table;
            bool if_exists;
        } drop;
        struct {
            struct pq_ident table;
        } describe;
        struct {
            struct pq_ident table;
            struct pq_ident *cols; /* NULL when no column list was written */
            size_t ncols;
            struct pq_expr ***rows; /* rows[i][j] */
            size_t *rowlen;
            size_t nrows;
        } values;
        struct {
            struct pq_ident name;
            struct pq_expr *value;
        } set_var;
        struct {
            struct pq_ident name;
        } unset_var;
        struct {
            char *token;               /* COMMIT WITH TOKEN 'x'; NULL otherwise */
            struct pq_ident token_var; /* COMMIT WITH TOKEN :name (or name); name NULL otherwise */
        } commit;
        struct {
            struct pq_stmt *inner;
        } explain;
        struct {
            struct pq_ident table;
            struct pq_index_def index;
        } index;
    } u;
};

/* A new reference to the AttributeValue {type: text[0..len)} of a literal
 * (`text` already checked as UTF-8; json_stringn_nocheck's rules). Short
 * "S" and "N" ones are shared: each thread keeps the last ones it made
 * (litcache.c), so a bulk script's repeated attribute names and values are
 * made once. A LIT payload may thus be shared by many trees and threads:
 * nothing may change one in place (replace `lit` instead). */
json_t *pq_lit_scalar(const char *type, const char *text, size_t len);

/* A new node, zeroed but for `kind` and `loc` (pq_expr_free it, or hand it
 * to a tree). Nodes may also be made with calloc: pq_expr_free takes both.
 * Freed nodes are kept for reuse on the thread that freed them, a bounded
 * number of them (no malloc/free per node of a statement's tree); a
 * thread's leftovers are freed when it exits. */
struct pq_expr *pq_expr_new(pq_expr_kind kind, struct pq_loc loc);
void pq_expr_free(struct pq_expr *e);
/* Release helpers for the parts of a tree held by value (members freed, the
 * struct itself left zeroed). */
void pq_ident_release(struct pq_ident *id);
void pq_from_release(struct pq_from *f);
void pq_index_def_release(struct pq_index_def *d);
void pq_column_release(struct pq_column *c);
void pq_select_release(struct pq_select *s); /* frees the members, not `s` */
/* Drops one reference to `s` (NULL allowed); the last one frees the tree. */
void pq_stmt_free(struct pq_stmt *s);
/* Takes another reference to `s` (a statement shared read-only, e.g. by a
 * plan step that outlives its caller's hold on it); returns `s`. */
struct pq_stmt *pq_stmt_ref(struct pq_stmt *s);
/* Deep copy; returns a new tree. */
struct pq_expr *pq_expr_clone(const struct pq_expr *e);

/* Appends DynamoDB PartiQL text for a statement of kind SELECT, INSERT,
 * UPDATE, DELETE or EXISTS (and any expression). Every identifier is
 * double-quoted, strings single-quoted with '' escapes, numbers as written,
 * parameters as `?`. pqsh variables (PQ_E_VAR) print as `:name` — bind them
 * first. LIMIT is not printed (pqsh applies it client-side); nor are GROUP BY,
 * HAVING, OFFSET, DISTINCT or ON CONFLICT (only recorded as `unsupported`).
 * Literal values of any AttributeValue type print (M as a tuple, L as a list,
 * SS/NS as bags); B/BS have no PartiQL form and print as their base64 string.
 * Other statement kinds print nothing, except EXPLAIN (its statement). */
void pq_stmt_print(const struct pq_stmt *s, struct pq_buf *out);
void pq_expr_print(const struct pq_expr *e, struct pq_buf *out);
/* The operator as PartiQL writes it ("=", "<>", "AND", "||", "NOT", "-", …);
 * static string, "?" for PQ_OP_NONE. */
const char *pq_op_text(pq_op op);

#endif
