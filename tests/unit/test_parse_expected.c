/* test_parse_expected.c — the tokens a syntax error says were expected.
 *
 * The lists were taken from bison's LAC (parse.lac full) before the parser
 * stopped using it: the parser now keeps a copy of its state stack for each
 * lookahead and runs LAC's simulation over it only on an error. They cover a
 * stack copied in place and one copied to the heap (40 open parentheses), an
 * action that fails on a lookahead LAC would have refused first (STRICT SET:
 * the error is still the syntax error at b64), and errors that are not at a
 * lookahead (-1).
 */
#include "check.h"

#include <stdlib.h>
#include <string.h>

#include "pqsh/buf.h"
#include "pqsh/parse.h"

#define SHELL 0u
#define STRICT PQ_PARSE_STRICT

struct want {
    unsigned flags;
    const char *text;
    int n;
    const char *names;
};

static const struct want wants[] = {
    {SHELL, "SELECT * FROM", 33,
     "IDENT, QIDENT, MODIFIED, OLD, NEW, PRIMARY, KEY, PARTITION, SORT, HASH, RANGE, BILLING, "
     "MODE, PAY_PER_REQUEST, DEMAND, PROVISIONED, RCU, WCU, READ, WRITE, INDEX, GLOBAL, LOCAL, "
     "PROJECTION, KEYS, ONLY, KEYS_ONLY, INCLUDE, TO, TABLES, TRANSACTION, TOKEN, BATCH"},
    {SHELL, "INSERT INTO t VALUE {'a': 1", 23,
     "<>, <=, >=, ||, NOT IN, NOT BETWEEN, NOT LIKE, AND, OR, IS, IN, BETWEEN, LIKE, '=', '<', "
     "'>', '+', '-', '*', '/', '%', ',', '}'"},
    {SHELL, "SELECT a FROM t WHERE", 51,
     "NUMBER, BINARY, STRING, IDENT, QIDENT, PARAM, reserved word, <<, MODIFIED, OLD, NEW, EXISTS, "
     "NOT, TRUE, FALSE, NULL, MISSING, PRIMARY, KEY, PARTITION, SORT, HASH, RANGE, BILLING, MODE, "
     "PAY_PER_REQUEST, DEMAND, PROVISIONED, RCU, WCU, READ, WRITE, INDEX, GLOBAL, LOCAL, "
     "PROJECTION, KEYS, ONLY, KEYS_ONLY, INCLUDE, TO, TABLES, TRANSACTION, TOKEN, BATCH, '+', '-', "
     "'(', ':', '[', '{'"},
    {STRICT, "SET token_to_check = b64'AA==' 'token123'", 26,
     "end of file, <>, <=, >=, ||, NOT IN, NOT BETWEEN, NOT LIKE, AND, OR, IS, IN, BETWEEN, LIKE, "
     "'=', '<', '>', '+', '-', '*', '/', '%', ';', '.', '(', '['"},
    {SHELL, "DEEP", 23,
     "<>, <=, >=, ||, NOT IN, NOT BETWEEN, NOT LIKE, AND, OR, IS, IN, BETWEEN, LIKE, '=', '<', "
     "'>', '+', '-', '*', '/', '%', ',', ')'"},
    {SHELL, "CREATE TABLE t (a STRING PRIMARY KEY", 8,
     "NOT, PRIMARY, PARTITION, SORT, HASH, RANGE, ',', ')'"},
    {SHELL, "SELECT * FROM t ORDER BY a", -1, ""},
    {SHELL, "SELECT 'abc", -1, ""},
    {SHELL, "SELECT * FROM t WHERE a IS foo", -1, ""},
    {STRICT, "SELECT * FROM t WHERE a = 1 1", 28,
     "end of file, <>, <=, >=, ||, NOT IN, NOT BETWEEN, NOT LIKE, ORDER, LIMIT, OFFSET, GROUP, "
     "HAVING, AND, OR, IS, IN, BETWEEN, LIKE, '=', '<', '>', '+', '-', '*', '/', '%', ';'"},
    {STRICT, "EXISTS(SELECT * FROM t WHERE a = 1", 27,
     "<>, <=, >=, ||, NOT IN, NOT BETWEEN, NOT LIKE, ORDER, LIMIT, OFFSET, GROUP, HAVING, AND, OR, "
     "IS, IN, BETWEEN, LIKE, '=', '<', '>', '+', '-', '*', '/', '%', ')'"},
};

int main(void)
{
    struct pq_buf deep;
    pq_buf_init(&deep);
    pq_buf_adds(&deep, "SELECT * FROM t WHERE a = ");
    for (int i = 0; i < 40; i++)
        pq_buf_adds(&deep, "(");
    pq_buf_adds(&deep, "1 x");
    for (size_t i = 0; i < sizeof wants / sizeof wants[0]; i++) {
        const struct want *w = &wants[i];
        const char *text = strcmp(w->text, "DEEP") == 0 ? deep.data : w->text;
        const char *names[PQ_PARSE_MAX_TOKENS];
        int n = pq_parse_expected(text, strlen(text), w->flags, names, PQ_PARSE_MAX_TOKENS);
        CHECK_EQ(n, w->n);
        struct pq_buf got;
        pq_buf_init(&got);
        for (int k = 0; k < n; k++) {
            if (k) pq_buf_adds(&got, ", ");
            pq_buf_adds(&got, names[k]);
        }
        CHECK_STR(got.data, w->names);
        pq_buf_release(&got);
    }
    /* A short buffer takes the first names; the count is still all of them. */
    const char *two[2];
    CHECK_EQ(pq_parse_expected("SELECT * FROM", 13, SHELL, two, 2), 33);
    CHECK_STR(two[0], "IDENT");
    CHECK_STR(two[1], "QIDENT");
    /* The message built from the list is the one it was with LAC. */
    struct pq_error err;
    pq_error_init(&err);
    struct pq_stmt *s = NULL;
    const char *detail = NULL;
    const char *set = "SET token_to_check = b64'AA==' 'token123'";
    CHECK_EQ(pq_parse(set, strlen(set), STRICT, &s, &err, &detail), PQ_ERR_SYNTAX);
    CHECK_STR(err.message, "unexpected ''AA=='' after the end of the statement");
    CHECK_EQ(err.start, 24);
    CHECK_EQ(err.end, 30);
    CHECK_STR(detail, "Unexpected token after expression");
    pq_error_release(&err);
    pq_buf_release(&deep);
    DONE();
}
