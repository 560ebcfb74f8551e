/* literal.h — constant PartiQL expressions → AttributeValues, with DynamoDB's rules.
 *
 * Used by the engine (INSERT items, SET values, comparison operands) and by the
 * shell (SET var = literal). Ownership: *out receives a new reference.
 */
#ifndef PQSH_LITERAL_H
#define PQSH_LITERAL_H

#include <stdbool.h>
#include <jansson.h>
#include "pqsh/ast.h"
#include "pqsh/error.h"

/* Evaluates a constant expression: PQ_E_LIT (numbers parsed, range-checked
 * and canonicalised), PQ_E_PARAM (taken from `params`, a JSON array of
 * AttributeValues, may be NULL), PQ_E_TUPLE (→ M; keys must be string
 * literals or S parameters), PQ_E_LIST (→ L), PQ_E_BAG (→ SS or NS), unary
 * minus (or plus) on a number. `e` is "root" in the error suffixes; errors
 * in the values also carry the offending expression's byte range. Nesting
 * depth is not checked here (pq_value_validate does).
 * Errors are DynamoDB's ValidationExceptions (reference §4.1), with the
 * " under root", " under root.x", " under root[1]" suffixes where DynamoDB
 * adds them; for an expression that is not constant (path, call, …) the
 * error is PQ_ERR_PLAN with the expression's range. `?` beyond the end of
 * `params` gives "Number of parameters in request and statement don't match." */
pq_status pq_literal_eval(const struct pq_expr *e, const json_t *params, json_t **out,
                          struct pq_error *err) PQ_MUST_USE;

/* pq_literal_eval, except that *out may hold the scalar literals of `e`
 * themselves (their value objects, by reference: strings, booleans, NULL,
 * numbers already in canonical form) where pq_literal_eval makes new ones.
 * Same result, same errors; for a caller that never changes *out, or any
 * value inside it, in place (the INSERT path). */
pq_status pq_literal_eval_shared(const struct pq_expr *e, const json_t *params, json_t **out,
                                 struct pq_error *err) PQ_MUST_USE;

/* pq_literal_eval_shared of a tuple, giving the members map (the payload
 * of the M value) rather than the M value around it: an INSERT's item.
 * For any other `e`, pq_literal_eval_shared.
 * `spare` (stolen, may be NULL) is a members map an earlier call gave,
 * which nobody else holds, its values left in any state: the map is made
 * in it (when `e` names the same members in the same order, only their
 * values are replaced — no allocation), so *out is `spare` on success for
 * a tuple; otherwise spare is released. Same result, same errors. */
pq_status pq_literal_eval_item(const struct pq_expr *e, const json_t *params, json_t *spare,
                               json_t **out, struct pq_error *err) PQ_MUST_USE;

/* True when `e` is built only of literals, parameters, tuples, lists, bags and
 * unary minus / plus (no paths, calls, variables or operators). */
bool pq_literal_is_constant(const struct pq_expr *e);

#endif
