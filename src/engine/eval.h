/* eval.h — the engine's expression layer and per-statement execution (private to src/engine).
 *
 *   eval.c         WHERE / condition compilation and evaluation, document paths
 *   eval_update.c  UPDATE SET / REMOVE actions: compilation and application
 *   exec.c         ExecuteStatement: request checks, prepare, INSERT/UPDATE/DELETE
 *   exec_select.c  SELECT: checks, Query-vs-Scan plan, paging, ORDER BY
 *
 * A WHERE clause is compiled once per statement into a `struct ev_cond` tree:
 * constants (literals, `?`) are evaluated and checked up front with DynamoDB's
 * messages, so evaluating the tree against an item cannot fail. Paths in the
 * tree borrow the statement's AST, which must outlive the tree.
 *
 * Ownership: ev_compile / ev_update_compile / exec_prepare return new objects
 * freed by the matching _free; items passed in are borrowed; functions that
 * "return a new reference" give the caller a jansson reference.
 */
#ifndef PQSH_ENGINE_EVAL_H
#define PQSH_ENGINE_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include "pqsh/ast.h"
#include "pqsh/buf.h"
#include "pqsh/error.h"
#include "pqsh/value.h"
#include "engine/internal.h"

/* What compilation needs to know about the statement. */
struct ev_ctx {
    const char *text; /* statement source, for " at line:col:len" suffixes */
    size_t len;
    const json_t *params; /* JSON array of AttributeValues, or NULL */
    size_t base;          /* the tree's byte ranges count from `base` bytes before `text`
                             (a tree parsed by the caller from a larger source); 0 usually */
};

/* A document path, borrowed from the AST. steps[0] is the top-level name. */
struct ev_path {
    const struct pq_path_step *steps;
    size_t nsteps;
    struct pq_loc loc;
};

typedef enum ev_operand_kind {
    EV_O_CONST, /* `value` */
    EV_O_PATH,  /* attribute at `path` (MISSING when absent) */
    EV_O_SIZE,  /* size(`path`) */
    EV_O_COND,  /* a boolean function used as a value: attribute_exists(a) = true */
} ev_operand_kind;

struct ev_cond;

struct ev_operand {
    ev_operand_kind kind;
    json_t *value; /* CONST: owned AttributeValue */
    struct ev_path path;
    struct ev_cond *cond; /* COND: owned */
    struct pq_loc loc;
};

typedef enum ev_kind {
    EV_AND,        /* all kids */
    EV_OR,         /* any kid */
    EV_NOT,        /* not kids[0] */
    EV_CMP,        /* ops[0] `op` ops[1]; op is EQ NE LT LE GT GE */
    EV_BETWEEN,    /* ops[0] BETWEEN ops[1] AND ops[2] (negated: NOT BETWEEN) */
    EV_IN,         /* ops[0] IN ops[1..] (negated: NOT IN) */
    EV_IS_MISSING, /* ops[0] IS [NOT] MISSING */
    EV_IS_NULL,    /* ops[0] IS [NOT] NULL: true only for a NULL value */
    EV_IS_TYPE,    /* ops[0] IS [NOT] <type>, `type` */
    EV_EXISTS,     /* attribute_exists(ops[0]) */
    EV_NOT_EXISTS, /* attribute_not_exists(ops[0]) */
    EV_BEGINS,     /* begins_with(ops[0], ops[1]) */
    EV_CONTAINS,   /* contains(ops[0], ops[1]) */
    EV_ATTR_TYPE,  /* attribute_type(ops[0], `type`) */
    EV_VALUE,      /* a bare operand: true iff it is BOOL true */
} ev_kind;

struct ev_cond {
    ev_kind kind;
    pq_op op;
    bool negated;
    struct ev_cond **kids; /* AND (flattened), OR (flattened), NOT */
    size_t nkids;
    struct ev_operand *ops;
    size_t nops;
    pq_type type;
    struct pq_loc loc;
};

/* ---- eval.c ------------------------------------------------------------- */

#define EV_MAX_IN_VALUES 100    /* values of one IN list */
#define EV_MAX_IN_PARTITIONS 50 /* partition-key values one SELECT may query */

/* Compiles a WHERE expression. Static errors are DynamoDB ValidationExceptions. */
pq_status ev_compile(const struct ev_ctx *cx, const struct pq_expr *e, struct ev_cond **out,
                     struct pq_error *err) PQ_MUST_USE;
void ev_cond_free(struct ev_cond *c);

/* The condition and update trees one request compiled (expr.c's xp_request,
 * legacy.c's lg_request): owned here and lent to the request's caller until
 * ev_trees_release frees them all. Zeroed is empty. */
struct ev_trees {
    struct ev_cond **conds;
    size_t nconds;
    struct ev_update **updates;
    size_t nupdates;
};
/* Takes `c` into `t`. */
void ev_trees_add_cond(struct ev_trees *t, struct ev_cond *c);
/* Takes `u` into `t`. */
void ev_trees_add_update(struct ev_trees *t, struct ev_update *u);
void ev_trees_release(struct ev_trees *t);

/* Evaluates a compiled condition on an item (attribute name → AttributeValue). */
bool ev_test(const struct ev_cond *c, const json_t *item);

/* size() of a value: a new N (string and binary bytes, element count of
 * sets, lists and maps), or NULL for other types. */
json_t *ev_size_of(const json_t *v);
/* The value at a path inside an item (borrowed), or NULL when missing. */
const json_t *ev_path_get(const json_t *item, const struct pq_path_step *steps, size_t nsteps);
/* True when `o` is a path of one step naming attribute `name`. */
bool ev_operand_is_attr(const struct ev_operand *o, const char *name);

/* Appends DynamoDB's position suffix " at <line>:<column>:<length>" (1-based,
 * counted in characters) for the byte range `loc` of the tree, in cx->text. */
void ev_loc_suffix(struct pq_buf *b, const struct ev_ctx *cx, struct pq_loc loc);
/* Appends a path as DynamoDB prints it in messages: "[a, b, [1]]". */
void ev_path_render(struct pq_buf *b, const struct pq_path_step *steps, size_t nsteps);

/* Evaluates a constant expression (literal, parameter, tuple, list, bag) with
 * pq_literal_eval; *out is a new reference. Anything else in a value position
 * (a path, an operator, a sign on a non-number) is refused with DynamoDB's
 * ValidationException ("Unsupported data type: … under key root"), never the
 * literal layer's own PQ_ERR_PLAN. */
pq_status ev_constant(const struct ev_ctx *cx, const struct pq_expr *e, json_t **out,
                      struct pq_error *err) PQ_MUST_USE;
/* ev_constant through pq_literal_eval_item (a tuple gives its members map,
 * made in `spare` as that function says; spare stolen, may be NULL):
 * *out may hold the tree's own scalar literals, so the caller must never
 * change it in place. */
pq_status ev_constant_item(const struct ev_ctx *cx, const struct pq_expr *e, json_t *spare,
                           json_t **out, struct pq_error *err) PQ_MUST_USE;

/* Splits a condition into its top-level AND conjuncts: *kids borrows the
 * array inside `c` (or `c` itself when it is not an AND). */
void ev_conjuncts(struct ev_cond *const *c, struct ev_cond *const **kids, size_t *n);

/* ---- eval_update.c ------------------------------------------------------ */

/* A SET value expression. PartiQL's UPDATE (ev_update_compile) and
 * UpdateExpression (expr.h's xp_update) both build these trees. */
typedef enum ev_vx_kind {
    EV_VX_CONST,         /* value */
    EV_VX_PATH,          /* the attribute at path */
    EV_VX_ADD,           /* a + b (numbers) */
    EV_VX_SUB,           /* a - b (numbers) */
    EV_VX_LIST_APPEND,   /* list_append(a, b) */
    EV_VX_IF_NOT_EXISTS, /* if_not_exists(path, b) */
    EV_VX_SET_ADD,       /* PartiQL set_add(path, value) */
    EV_VX_SET_DELETE,    /* PartiQL set_delete(path, value) */
} ev_vx_kind;

struct ev_vx {
    ev_vx_kind kind;
    json_t *value; /* CONST, SET_ADD, SET_DELETE: owned */
    struct ev_path path;
    struct ev_vx *a, *b; /* owned */
};

typedef enum ev_act_kind {
    EV_ACT_SET,    /* path = value */
    EV_ACT_REMOVE, /* path */
    EV_ACT_ADD,    /* UpdateExpression ADD path value (a CONST): number sum or set union */
    EV_ACT_DELETE, /* UpdateExpression DELETE path value (a CONST): set difference */
} ev_act_kind;

struct ev_action {
    ev_act_kind kind;
    struct ev_path path; /* the target (borrowed) */
    struct ev_vx *value; /* SET, ADD, DELETE: owned */
};

/* The actions of one update, in the order written. ev_update_free frees
 * the array and the value trees, not the paths. */
struct ev_update {
    struct ev_action *acts;
    size_t n;
};

/* Compiles UPDATE's SET / REMOVE actions for table `t` (key attributes may
 * not be updated). */
pq_status ev_update_compile(const struct ev_ctx *cx, const struct pq_update_op *ops, size_t n,
                            const struct pq_table_meta *t, struct ev_update **out,
                            struct pq_error *err) PQ_MUST_USE;
void ev_update_free(struct ev_update *u);
/* Applies the actions to `item` in place (all values are computed from the
 * item as it was before the first action, as UpdateItem does). */
pq_status ev_update_apply(const struct ev_update *u, json_t *item,
                          struct pq_error *err) PQ_MUST_USE;
/* The same on an item that did not exist before (`existed` false): REMOVE
 * and DELETE below a missing parent are then no-ops instead of errors
 * (UpdateItem creating an item, §2.8). */
pq_status ev_update_apply_item(const struct ev_update *u, json_t *item, bool existed,
                               struct pq_error *err) PQ_MUST_USE;
/* For RETURNING MODIFIED …: a new item holding the top-level attributes of
 * `item` that the actions touch. */
json_t *ev_update_modified(const struct ev_update *u, const json_t *item);

/* ---- exec.c / exec_select.c -------------------------------------------- */

/* Which API carries the statement: EXISTS is only prepared in a transaction. */
typedef enum exec_mode {
    EXEC_STATEMENT,
    EXEC_BATCH,
    EXEC_TRANSACTION,
} exec_mode;

/* One ExecuteStatement-style request, as BatchExecuteStatement and
 * ExecuteTransaction also carry it (members borrowed from the request JSON). */
struct exec_request {
    const char *statement;
    size_t len;
    json_t *params; /* validated array, or NULL */
    json_t *limit;  /* JSON integer or NULL */
    const char *next_token;
    bool consistent_read;
    bool return_old_on_ccf; /* ReturnValuesOnConditionCheckFailure = ALL_OLD */
    exec_mode mode;
    /* The caller's parse of `statement` (pq_engine_call_parsed), borrowed,
     * its byte ranges counted from `base` bytes before `statement`; NULL:
     * exec_prepare parses the text. */
    const struct pq_stmt *parsed;
    size_t base;
};

/* A parsed, checked statement bound to its table. */
struct exec_stmt {
    const struct pq_stmt *ast; /* `owned`, or the request's borrowed `parsed` */
    struct pq_stmt *owned;
    struct ev_ctx cx;
    const struct pq_table_meta *table;
    const struct pq_select *sel;       /* SELECT, and the inner SELECT of EXISTS */
    const struct pq_index_meta *index; /* SELECT FROM "t"."index" */
    const struct pq_key_attr *khash;   /* key of what is read: the table or the index */
    const struct pq_key_attr *krange;  /* NULL when that has no sort key */
    struct ev_cond *where;             /* SELECT: whole WHERE; UPDATE/DELETE: non-key conjuncts */
    json_t *key;                       /* UPDATE/DELETE: key attributes (item); INSERT: the item */
    bool key_is_item;                  /* `key` is an INSERT's members map (ev_constant_item) */
    struct store_made made;            /* INSERT: the item's key, text and size */
    /* Kept by stmt_clear like `made`: the last INSERT's members map, its
     * names kept and its values JSON null, which nobody else holds — the
     * next INSERT's item is made in it (pq_literal_eval_item); or NULL. */
    json_t *item_spare;
    struct ev_update *update; /* UPDATE */
    pq_returning returning;
};

/* Request-member constraint violations, reported together (reference §1.4):
 * "N validation error(s) detected: Value … at '<member>' failed to satisfy
 * constraint: Member must …; …". */
struct exec_violations {
    struct pq_buf text;
    size_t n;
};
void exec_violations_init(struct exec_violations *v);
/* Adds one entry; `value` is rendered already ('x', null, '[]'). */
void exec_violation(struct exec_violations *v, const char *value, const char *member,
                    const char *rule);
/* Adds one entry whose constraint is not a "Member must" rule
 * ("Map keys must satisfy constraint: [...]"). */
void exec_violation_raw(struct exec_violations *v, const char *value, const char *member,
                        const char *constraint);
/* The ValidationException for the violations so far (PQ_OK when none);
 * releases `v` either way. */
pq_status exec_violations_finish(struct exec_violations *v, struct pq_error *err) PQ_MUST_USE;
/* Checks the members of one statement request (Statement, Parameters,
 * ConsistentRead, ReturnValuesOnConditionCheckFailure, and for
 * ExecuteStatement NextToken and Limit) with member paths under `prefix`
 * ("" or "statements.1.member."). */
void exec_request_check(const json_t *obj, const char *prefix, struct exec_violations *v);
/* Fills `r` from a checked statement request; r->params becomes a validated
 * copy (a new reference the caller releases) — a bad parameter value is the
 * error. */
pq_status exec_request_read(const json_t *obj, struct exec_request *r,
                            struct pq_error *err) PQ_MUST_USE;
/* Makes the caller's parse `p` (NULL, or a NULL or shell_syntax tree: none)
 * stand for the parse of r->statement (after exec_request_read). */
void exec_request_take_parse(struct exec_request *r, const struct pq_parsed *p);
/* Adds "Member must satisfy enum value set: <shown>" when the string `s`
 * (absent: NULL, no check) is none of `values` (NULL-terminated). */
void exec_check_enum(struct exec_violations *v, const json_t *s, const char *member,
                     const char *const *values, const char *shown);
/* Adds the violations of ReturnConsumedCapacity to `v`. */
void exec_check_rcc(const json_t *req, struct exec_violations *v);
/* The item key a statement names by equality on every key attribute of its
 * table: INSERT's item key, UPDATE/DELETE's key, a SELECT/EXISTS WHERE whose
 * top-level conjuncts pin every key attribute. *key is a new reference;
 * false (and *key NULL) when the statement does not name one item. */
bool exec_full_key(const struct exec_stmt *s, json_t **key);
/* The write condition of EXISTS / SELECT beyond the key equalities: true
 * when WHERE has a conjunct that is not a key equality. */
bool exec_has_extra_condition(const struct exec_stmt *s);

/* Parses and checks one statement: everything that does not depend on the
 * stored items (syntax, parameters, clauses, table, keys, constants). */
pq_status exec_prepare(struct pq_engine *e, const struct exec_request *r, struct exec_stmt **out,
                       struct pq_error *err) PQ_MUST_USE;
void exec_stmt_free(struct exec_stmt *s);
/* exec_stmt_free, but keeps the emptied statement as the engine's spare for
 * its next exec_prepare (when it has none). */
void exec_stmt_recycle(struct pq_engine *e, struct exec_stmt *s);
/* Drops the engine's references to the write answers it kept
 * (pq_engine_close, once no call runs and, engine.h's rule, no other
 * thread still holds one). */
void exec_forget_answers(struct pq_engine *e);
/* Runs a prepared statement; *resp is a new {"Items": […], "NextToken"?} object. */
pq_status exec_run(struct pq_engine *e, struct exec_stmt *s, const struct exec_request *r,
                   json_t **resp, struct pq_error *err) PQ_MUST_USE;

/* exec.c: the ConditionalCheckFailedException (with the old item in the
 * error body when `old` is not NULL and ALL_OLD was asked for). */
pq_status exec_ccf(struct pq_error *err, const json_t *old, bool return_old);
/* exec.c: key attribute checks shared by INSERT and UPDATE/DELETE. */
pq_status exec_check_key_value(const struct pq_key_attr *k, const json_t *v, bool is_hash,
                               struct pq_error *err) PQ_MUST_USE;
/* exec.c: FROM checks shared by every statement (alias, components, sources). */
pq_status exec_check_from(const struct pq_from *f, struct pq_error *err) PQ_MUST_USE;

/* exec_select.c */
pq_status exec_select_check(struct pq_engine *e, struct exec_stmt *s,
                            struct pq_error *err) PQ_MUST_USE;
pq_status exec_select_run(struct pq_engine *e, struct exec_stmt *s, const struct exec_request *r,
                          json_t **resp, struct pq_error *err) PQ_MUST_USE;
/* How a SELECT would read: a new object {"Type": "Query"|"Scan", "Ranges":
 * [{"Partition": AV, "SortKey": "<condition text>"?}, …]} (for tests and
 * EXPLAIN on the local target). */
pq_status exec_select_explain(struct pq_engine *e, const struct exec_request *r, json_t **plan,
                              struct pq_error *err) PQ_MUST_USE;

#endif
