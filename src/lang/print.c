/* print.c — syntax tree → DynamoDB PartiQL text (every name double-quoted).
 *
 * Parentheses are added from PartiQL's precedences, not from what was
 * written, so parse(print(t)) gives a tree that prints the same text.
 */
#include "pqsh/ast.h"

#include <string.h>

/* Precedence levels, loosest first. */
enum {
    LV_OR = 1,
    LV_AND,
    LV_NOT,
    LV_EQ,  /* = <> IS IN */
    LV_CMP, /* < <= > >= BETWEEN LIKE */
    LV_ADD, /* + - || */
    LV_MUL, /* * / % */
    LV_UNARY,
    LV_PRIMARY,
};

static int op_level(pq_op op)
{
    switch (op) {
    case PQ_OP_OR:
        return LV_OR;
    case PQ_OP_AND:
        return LV_AND;
    case PQ_OP_EQ:
    case PQ_OP_NE:
        return LV_EQ;
    case PQ_OP_LT:
    case PQ_OP_LE:
    case PQ_OP_GT:
    case PQ_OP_GE:
    case PQ_OP_LIKE:
        return LV_CMP;
    case PQ_OP_ADD:
    case PQ_OP_SUB:
    case PQ_OP_CONCAT:
        return LV_ADD;
    case PQ_OP_MUL:
    case PQ_OP_DIV:
    case PQ_OP_MOD:
        return LV_MUL;
    case PQ_OP_NOT:
        return LV_NOT;
    default:
        return LV_UNARY;
    }
}

const char *pq_op_text(pq_op op)
{
    switch (op) {
    case PQ_OP_EQ:
        return "=";
    case PQ_OP_NE:
        return "<>";
    case PQ_OP_LT:
        return "<";
    case PQ_OP_LE:
        return "<=";
    case PQ_OP_GT:
        return ">";
    case PQ_OP_GE:
        return ">=";
    case PQ_OP_AND:
        return "AND";
    case PQ_OP_OR:
        return "OR";
    case PQ_OP_ADD:
        return "+";
    case PQ_OP_SUB:
        return "-";
    case PQ_OP_MUL:
        return "*";
    case PQ_OP_DIV:
        return "/";
    case PQ_OP_MOD:
        return "%";
    case PQ_OP_CONCAT:
        return "||";
    case PQ_OP_LIKE:
        return "LIKE";
    case PQ_OP_NOT:
        return "NOT";
    case PQ_OP_NEG:
        return "-";
    case PQ_OP_POS:
        return "+";
    case PQ_OP_NONE:
        break;
    }
    return "?";
}

static int level(const struct pq_expr *e)
{
    switch (e->kind) {
    case PQ_E_BINARY:
        return op_level(e->op);
    case PQ_E_UNARY:
        return op_level(e->op);
    case PQ_E_BETWEEN:
        return LV_CMP;
    case PQ_E_IN:
    case PQ_E_IS:
        return LV_EQ;
    default:
        return LV_PRIMARY;
    }
}

static void print_at(const struct pq_expr *e, int min, struct pq_buf *out);
static void print_select(const struct pq_select *s, struct pq_buf *out);

static void print_list(struct pq_expr *const *items, size_t n, struct pq_buf *out)
{
    for (size_t i = 0; i < n; i++) {
        if (i) pq_buf_adds(out, ", ");
        print_at(items[i], LV_OR, out);
    }
}

/* open items… close: a list, a bag, call arguments. */
static void print_enclosed(const char *open, const struct pq_expr *e, const char *close,
                           struct pq_buf *out)
{
    pq_buf_adds(out, open);
    print_list(e->items, e->nitems, out);
    pq_buf_adds(out, close);
}

/* An AttributeValue literal. B and BS have no PartiQL literal form; they print
 * as the string of their base64 text, which is why the binder sends them as
 * parameters instead. */
static void print_value(const json_t *av, struct pq_buf *out)
{
    const char *type;
    json_t *v;
    if (!json_is_object(av) || json_object_size(av) != 1) {
        pq_buf_adds(out, "MISSING");
        return;
    }
    json_object_foreach((json_t *)av, type, v)
    {
        if (!strcmp(type, "S") || !strcmp(type, "B")) {
            pq_buf_add_squoted(out, json_string_value(v), json_string_length(v));
        } else if (!strcmp(type, "N")) {
            pq_buf_adds(out, json_string_value(v));
        } else if (!strcmp(type, "BOOL")) {
            pq_buf_adds(out, json_is_true(v) ? "TRUE" : "FALSE");
        } else if (!strcmp(type, "NULL")) {
            pq_buf_adds(out, "NULL");
        } else if (!strcmp(type, "M")) {
            const char *k;
            json_t *mv;
            bool first = true;
            pq_buf_addc(out, '{');
            json_object_foreach(v, k, mv)
            {
                if (!first) pq_buf_adds(out, ", ");
                first = false;
                pq_buf_add_squoted(out, k, strlen(k));
                pq_buf_adds(out, ": ");
                print_value(mv, out);
            }
            pq_buf_addc(out, '}');
        } else if (!strcmp(type, "L")) {
            pq_buf_addc(out, '[');
            for (size_t i = 0; i < json_array_size(v); i++) {
                if (i) pq_buf_adds(out, ", ");
                print_value(json_array_get(v, i), out);
            }
            pq_buf_addc(out, ']');
        } else {
            /* SS, NS, BS */
            bool num = !strcmp(type, "NS");
            pq_buf_adds(out, "<<");
            for (size_t i = 0; i < json_array_size(v); i++) {
                json_t *m = json_array_get(v, i);
                if (i) pq_buf_adds(out, ", ");
                if (num)
                    pq_buf_adds(out, json_string_value(m));
                else
                    pq_buf_add_squoted(out, json_string_value(m), json_string_length(m));
            }
            pq_buf_adds(out, ">>");
        }
    }
}

static void print_name(const char *name, struct pq_buf *out)
{
    pq_buf_add_dquoted(out, name, strlen(name));
}

static void print_expr(const struct pq_expr *e, struct pq_buf *out)
{
    switch (e->kind) {
    case PQ_E_LIT:
        print_value(e->lit, out);
        break;
    case PQ_E_MISSING:
        pq_buf_adds(out, "MISSING");
        break;
    case PQ_E_PARAM:
        pq_buf_addc(out, '?');
        break;
    case PQ_E_VAR:
        pq_buf_addf(out, ":%s", e->var);
        break;
    case PQ_E_PATH:
        for (size_t i = 0; i < e->nsteps; i++) {
            const struct pq_path_step *st = &e->steps[i];
            if (st->kind == PQ_STEP_INDEX) {
                pq_buf_addf(out, "[%lld]", (long long)st->index);
            } else {
                if (i) pq_buf_addc(out, '.');
                print_name(st->name, out);
            }
        }
        break;
    case PQ_E_TUPLE:
        pq_buf_addc(out, '{');
        for (size_t i = 0; i + 1 < e->nitems; i += 2) {
            if (i) pq_buf_adds(out, ", ");
            print_at(e->items[i], LV_OR, out);
            pq_buf_adds(out, ": ");
            print_at(e->items[i + 1], LV_OR, out);
        }
        pq_buf_addc(out, '}');
        break;
    case PQ_E_LIST:
        print_enclosed("[", e, "]", out);
        break;
    case PQ_E_BAG:
        print_enclosed("<<", e, ">>", out);
        break;
    case PQ_E_UNARY:
        if (e->op == PQ_OP_NOT) {
            pq_buf_adds(out, "NOT ");
            print_at(e->lhs, LV_NOT, out);
        } else {
            /* The operand is parenthesised unless it is a primary, so that no
             * "--" (a comment) or folded "-1" can appear. */
            pq_buf_adds(out, pq_op_text(e->op));
            print_at(e->lhs, LV_PRIMARY, out);
        }
        break;
    case PQ_E_BINARY: {
        int lv = op_level(e->op);
        print_at(e->lhs, lv, out);
        pq_buf_addf(out, " %s ", pq_op_text(e->op));
        print_at(e->rhs, lv + 1, out);
        break;
    }
    case PQ_E_BETWEEN:
        print_at(e->lhs, LV_CMP, out);
        pq_buf_adds(out, e->negated ? " NOT BETWEEN " : " BETWEEN ");
        print_at(e->items[0], LV_ADD, out);
        pq_buf_adds(out, " AND ");
        print_at(e->items[1], LV_ADD, out);
        break;
    case PQ_E_IN:
        print_at(e->lhs, LV_EQ, out);
        pq_buf_adds(out, e->negated ? " NOT IN " : " IN ");
        print_at(e->rhs, LV_CMP, out);
        break;
    case PQ_E_IS:
        print_at(e->lhs, LV_EQ, out);
        pq_buf_addf(out, e->negated ? " IS NOT %s" : " IS %s", e->name);
        break;
    case PQ_E_CALL:
        pq_buf_adds(out, e->name);
        if (e->star_arg)
            pq_buf_adds(out, "(*)");
        else
            print_enclosed("(", e, ")", out);
        break;
    case PQ_E_EXISTS:
        pq_buf_adds(out, "EXISTS(");
        print_select(e->select, out);
        pq_buf_addc(out, ')');
        break;
    }
}

static bool negative_literal(const struct pq_expr *e)
{
    json_t *n = e->kind == PQ_E_LIT ? json_object_get(e->lit, "N") : NULL;
    return n && json_string_value(n)[0] == '-';
}

static void print_at(const struct pq_expr *e, int min, struct pq_buf *out)
{
    int lv = level(e);
    if (negative_literal(e)) lv = LV_UNARY;
    if (lv < min) {
        pq_buf_addc(out, '(');
        print_expr(e, out);
        pq_buf_addc(out, ')');
    } else {
        print_expr(e, out);
    }
}

void pq_expr_print(const struct pq_expr *e, struct pq_buf *out)
{
    print_at(e, LV_OR, out);
}

static void print_from(const struct pq_from *f, struct pq_buf *out)
{
    print_name(f->table.name, out);
    if (f->index.name) {
        pq_buf_addc(out, '.');
        print_name(f->index.name, out);
    }
    if (f->alias.name) {
        pq_buf_adds(out, " AS ");
        print_name(f->alias.name, out);
    }
}

static void print_where(const struct pq_expr *where, struct pq_buf *out)
{
    if (!where) return;
    pq_buf_adds(out, " WHERE ");
    pq_expr_print(where, out);
}

static void print_returning(pq_returning r, struct pq_buf *out)
{
    static const char *const text[] = {
        [PQ_RET_ALL_OLD] = "ALL OLD",
        [PQ_RET_MODIFIED_OLD] = "MODIFIED OLD",
        [PQ_RET_ALL_NEW] = "ALL NEW",
        [PQ_RET_MODIFIED_NEW] = "MODIFIED NEW",
    };
    if (r == PQ_RET_NONE) return;
    pq_buf_addf(out, " RETURNING %s *", text[r]);
}

static void print_select(const struct pq_select *s, struct pq_buf *out)
{
    pq_buf_adds(out, "SELECT ");
    if (s->value_or_pivot) {
        pq_buf_adds(out, s->nproj == 2 ? "PIVOT " : "VALUE ");
        pq_expr_print(s->proj[0], out);
        if (s->nproj == 2) {
            pq_buf_adds(out, " AT ");
            pq_expr_print(s->proj[1], out);
        }
    } else {
        if (s->star) pq_buf_addc(out, '*');
        if (s->star && s->nproj) pq_buf_adds(out, ", ");
        print_list(s->proj, s->nproj, out);
    }
    pq_buf_adds(out, " FROM ");
    print_from(&s->from, out);
    print_where(s->where, out);
    for (size_t i = 0; i < s->norder; i++) {
        pq_buf_adds(out, i ? ", " : " ORDER BY ");
        pq_expr_print(s->order[i].expr, out);
        if (s->order[i].desc) pq_buf_adds(out, " DESC");
    }
}

void pq_stmt_print(const struct pq_stmt *s, struct pq_buf *out)
{
    switch (s->kind) {
    case PQ_S_SELECT:
        print_select(&s->u.select, out);
        break;
    case PQ_S_INSERT:
        pq_buf_adds(out, "INSERT INTO ");
        print_from(&s->u.insert.into, out);
        pq_buf_adds(out, s->u.insert.values_keyword ? " VALUES " : " VALUE ");
        pq_expr_print(s->u.insert.value, out);
        print_returning(s->u.insert.returning, out);
        break;
    case PQ_S_UPDATE:
        /* The FROM-first form keeps its order, so that its `?`s stay in
         * text order (pq_bind numbers them so). */
        pq_buf_adds(out, s->u.update.from_first ? "FROM " : "UPDATE ");
        print_from(&s->u.update.target, out);
        if (s->u.update.from_first) print_where(s->u.update.where, out);
        for (size_t i = 0; i < s->u.update.nops; i++) {
            const struct pq_update_op *op = &s->u.update.ops[i];
            pq_buf_adds(out, op->kind == PQ_UPD_SET ? " SET " : " REMOVE ");
            pq_expr_print(op->path, out);
            if (op->kind == PQ_UPD_SET) {
                pq_buf_adds(out, " = ");
                pq_expr_print(op->value, out);
            }
        }
        if (!s->u.update.from_first) print_where(s->u.update.where, out);
        print_returning(s->u.update.returning, out);
        break;
    case PQ_S_DELETE:
        pq_buf_adds(out, "DELETE FROM ");
        print_from(&s->u.del.from, out);
        print_where(s->u.del.where, out);
        print_returning(s->u.del.returning, out);
        break;
    case PQ_S_EXISTS:
        pq_buf_adds(out, "EXISTS(");
        print_select(s->u.exists.select, out);
        pq_buf_addc(out, ')');
        break;
    case PQ_S_EXPR:
        pq_expr_print(s->u.expr.expr, out);
        break;
    case PQ_S_EXPLAIN: {
        /* Nothing when the inner statement has no DynamoDB text either. */
        size_t mark = out->len;
        pq_buf_adds(out, "EXPLAIN ");
        size_t body = out->len;
        pq_stmt_print(s->u.explain.inner, out);
        if (out->len == body) {
            out->len = mark;
            out->data[mark] = '\0';
        }
        break;
    }
    default:
        /* pqsh statements have no DynamoDB text. */
        break;
    }
}
