/* bind.h — pqsh session variables, and binding their references as `?` parameters.
 *
 * Variables are set by `SET name = v`, `LET name = v`, a bare `name = v`,
 * `\set name v` and `-v name=v`. A statement refers to one as `:name`
 * anywhere a value may stand, or as a bare (never double-quoted) identifier
 * in a value position when a variable of that name exists. Binding replaces
 * every reference with `?` (PQ_E_PARAM) and appends the value to the
 * statement's parameter list in printed order; values are never pasted into the
 * statement text.
 *
 * Value positions: both operands of a comparison, BETWEEN's operand and
 * bounds, IN's operand and list, every function argument, the right-hand
 * side of an UPDATE SET, INSERT item values, INSERT … VALUES rows, and
 * (recursively) the elements of tuples, lists and bags, both operands of
 * arithmetic and the operand of unary minus standing in such a position.
 * Never projections, paths being assigned, IS operands or conditions as a
 * whole.
 *
 * The one rule for a bare name that could be read two ways: it is the
 * variable wherever it stands in a value position, except that a test in a
 * WHERE condition (comparison, BETWEEN, IN, function call) must look at the
 * item — when reading its bare names as variables would leave it no
 * attribute, its first bare name stays the attribute. The binder leaves a
 * note (pq_stmt.notes) when this decides something a reader could take the
 * other way: a name kept as the attribute though a variable has it, a
 * variable read on the left of a comparison with an attribute, a name read
 * as a variable in one place and as an attribute in another, and two bare
 * names compared when neither is a variable (did you mean :name?).
 *
 * Ownership: struct pq_vars owns its names and values. pq_vars_set steals the
 * value; pq_vars_get and pq_vars_value return borrowed references.
 */
#ifndef PQSH_BIND_H
#define PQSH_BIND_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include "pqsh/ast.h"
#include "pqsh/error.h"

struct pq_var {
    char *name;
    json_t *value; /* an AttributeValue */
};

/* The caller's functions (the shell's uuid(), now(), now() ± N): asked
 * about every expression in a value position (outermost first); true when
 * `e` is one, with *value a new AttributeValue it stands for, or *value NULL
 * and `err` set when it is written wrong. The binder sends the value as a
 * parameter, like a variable's: each call written is asked once per bind. */
typedef bool (*pq_vars_fn)(void *ctx, const struct pq_expr *e, json_t **value,
                           struct pq_error *err);

/* Kept sorted by name (byte order). */
struct pq_vars {
    struct pq_var *items;
    size_t n, cap;
    pq_vars_fn fn; /* NULL: none (pq_vars_init); kept by pq_vars_release */
    void *fn_ctx;
};

void pq_vars_init(struct pq_vars *vs);
void pq_vars_release(struct pq_vars *vs);
/* Sets (or replaces) a variable; steals `value`. */
void pq_vars_set(struct pq_vars *vs, const char *name, json_t *value);
/* Borrowed value, or NULL when the variable is not set. */
json_t *pq_vars_get(const struct pq_vars *vs, const char *name);
/* Removes a variable; false when it was not set. */
bool pq_vars_unset(struct pq_vars *vs, const char *name);
/* Iteration in name order: 0 <= i < pq_vars_count(). */
size_t pq_vars_count(const struct pq_vars *vs);
const char *pq_vars_name(const struct pq_vars *vs, size_t i);
json_t *pq_vars_value(const struct pq_vars *vs, size_t i); /* borrowed */

/* Rewrites `s` in place: every variable reference becomes a PQ_E_PARAM
 * numbered in text order (the order the `?`s stand in the text sent), and
 * s->nparams is set. *params receives a new JSON array of the values, in
 * the same order, or NULL when there are none (json_array_size(NULL) is 0). A `?` typed by the
 * user and an undefined `:name` are PQ_ERR_BIND errors with the byte range of
 * the offending token. On failure *params is NULL and `s` may be partly
 * rewritten (free it). EXPLAIN binds its inner statement. On success
 * s->notes holds the binder's notes (above), owned by `s`. A b64'…'
 * literal (sent as a parameter) is looked for only when s->shell_syntax is
 * set, as a SHELL-mode parse sets it for every tree that holds one: a tree
 * made otherwise with one must set it too. */
pq_status pq_bind(struct pq_stmt *s, const struct pq_vars *vars, json_t **params,
                  struct pq_error *err) PQ_MUST_USE;

/* The same for one expression standing at `*slot`: `value_pos` tells whether
 * the slot itself is a value position. References found are appended to
 * `params` (an existing JSON array) in text order. */
pq_status pq_bind_expr(struct pq_expr **slot, bool value_pos, const struct pq_vars *vars,
                       json_t *params, struct pq_error *err) PQ_MUST_USE;

/* An assignment statement: PQ_S_SET_VAR (SET / LET), or a bare expression
 * statement `name = anything` whose left side is one bare identifier (as a
 * statement of its own it can only be an assignment: pq_vars_eval then judges
 * the value with SET's words). On true, *name and *value are borrowed from
 * `s` (name_loc may be NULL). */
bool pq_bind_assignment(const struct pq_stmt *s, const char **name, struct pq_loc *name_loc,
                        const struct pq_expr **value);

/* Evaluates the value of an assignment: a PartiQL literal (any type, via
 * pq_literal_eval), which may refer to other variables. *out is a new
 * reference. Not a constant → PQ_ERR_BIND with the expression's range. */
pq_status pq_vars_eval(const struct pq_vars *vars, const struct pq_expr *value, json_t **out,
                       struct pq_error *err) PQ_MUST_USE;

/* The value of `\set name TEXT` and `-v name=TEXT`: TEXT is read as a PartiQL
 * literal ('abc', 12, TRUE, NULL, {'a': 1}, [1], <<'x'>>, :other); text that
 * is no literal is taken as a string as written. *out is a new reference;
 * fails only when TEXT is a literal DynamoDB refuses (e.g. a number out of
 * range) or refers to an undefined variable. */
pq_status pq_vars_parse_text(const struct pq_vars *vars, const char *text, size_t len, json_t **out,
                             struct pq_error *err) PQ_MUST_USE;

/* True when `name` is usable as a variable name: [A-Za-z_][A-Za-z0-9_]*. */
bool pq_vars_valid_name(const char *name, size_t len);

#endif
