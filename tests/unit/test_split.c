/* test_split.c — statements cut from lines: quotes, comments, commands, positions. */
#include "check.h"

#include <stdlib.h>
#include <string.h>

#include "pqsh/split.h"

#define MAXS 16

struct result {
    size_t n;
    struct pq_split_stmt st[MAXS];
};

/* Feeds `input` line by line (split at '\n'), optionally finishes, collects statements. */
static void run(const char *input, bool finish, struct result *r)
{
    struct pq_splitter s;
    pq_split_init(&s);
    r->n = 0;
    const char *p = input;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        pq_split_feed(&s, p, len);
        p += len + (nl ? 1 : 0);
    }
    if (finish) pq_split_finish(&s);
    while (r->n < MAXS && pq_split_next(&s, &r->st[r->n]))
        r->n++;
    pq_split_release(&s);
}

static void release(struct result *r)
{
    for (size_t i = 0; i < r->n; i++)
        pq_split_stmt_release(&r->st[i]);
}

static void test_basic(void)
{
    struct result r;
    run("SELECT * FROM t;", false, &r);
    CHECK_EQ(r.n, 1);
    CHECK_STR(r.st[0].text, "SELECT * FROM t");
    CHECK_EQ(r.st[0].len, 15);
    CHECK_EQ(r.st[0].line, 1);
    CHECK_EQ(r.st[0].col, 1);
    CHECK(r.st[0].terminated);
    CHECK(!r.st[0].is_command);
    release(&r);

    /* Two statements on one line, the second's column. */
    run("  a = 1;  SELECT 2 ;", false, &r);
    CHECK_EQ(r.n, 2);
    CHECK_STR(r.st[0].text, "a = 1");
    CHECK_EQ(r.st[0].col, 3);
    CHECK_STR(r.st[1].text, "SELECT 2");
    CHECK_EQ(r.st[1].col, 11);
    release(&r);

    /* Empty statements are dropped. */
    run(";;  ;\n;", true, &r);
    CHECK_EQ(r.n, 0);
    release(&r);
}

static void test_multiline(void)
{
    struct result r;
    run("\nSELECT *\n  FROM t\n  WHERE a = 1;\nDELETE FROM t\nWHERE x = 2;", false, &r);
    CHECK_EQ(r.n, 2);
    CHECK_STR(r.st[0].text, "SELECT *\n  FROM t\n  WHERE a = 1");
    CHECK_EQ(r.st[0].line, 2);
    CHECK_EQ(r.st[0].col, 1);
    CHECK_STR(r.st[1].text, "DELETE FROM t\nWHERE x = 2");
    CHECK_EQ(r.st[1].line, 5);
    release(&r);
}

static void test_quotes(void)
{
    struct result r;
    run("INSERT INTO t VALUE {'a': 'x;y', 'b': 'it''s;'};", false, &r);
    CHECK_EQ(r.n, 1);
    CHECK_STR(r.st[0].text, "INSERT INTO t VALUE {'a': 'x;y', 'b': 'it''s;'}");
    release(&r);

    run("SELECT \"we;ird\"\"x\" FROM t;", false, &r);
    CHECK_EQ(r.n, 1);
    CHECK_STR(r.st[0].text, "SELECT \"we;ird\"\"x\" FROM t");
    release(&r);

    /* Comment openers and backslashes inside quotes are text; a statement
     * may begin with a quote; the next one on the line is cut after it. */
    run("'--x;' || \"/*;\\gset\" ; SELECT 'a''' FROM t;", false, &r);
    CHECK_EQ(r.n, 2);
    CHECK_STR(r.st[0].text, "'--x;' || \"/*;\\gset\"");
    CHECK_STR(r.st[1].text, "SELECT 'a''' FROM t");
    CHECK_EQ(r.st[1].col, 24);
    release(&r);

    /* A string across lines keeps its newline. */
    run("INSERT INTO t VALUE {'a': 'line1\nline2;'};", false, &r);
    CHECK_EQ(r.n, 1);
    CHECK_STR(r.st[0].text, "INSERT INTO t VALUE {'a': 'line1\nline2;'}");
    release(&r);
}

static void test_comments(void)
{
    struct result r;
    /* A -- comment containing ';' does not end the statement. */
    run("SELECT * -- not; the end\nFROM t;", false, &r);
    CHECK_EQ(r.n, 1);
    CHECK_STR(r.st[0].text, "SELECT * -- not; the end\nFROM t");
    release(&r);

    /* Comments before a statement are not part of it. */
    run("-- step 1; create\n/* a; b */ SELECT 1;", false, &r);
    CHECK_EQ(r.n, 1);
    CHECK_STR(r.st[0].text, "SELECT 1");
    CHECK_EQ(r.st[0].line, 2);
    CHECK_EQ(r.st[0].col, 12);
    release(&r);

    /* Block comments do not nest: the first close ends it. */
    run("SELECT /* a /* b */ 1; c */;", false, &r);
    CHECK_EQ(r.n, 2);
    CHECK_STR(r.st[0].text, "SELECT /* a /* b */ 1");
    CHECK_STR(r.st[1].text, "c */");
    release(&r);

    /* A block comment spanning lines, inside and outside statements. */
    run("/* one;\ntwo; */ x = 1 /* in;\nside */;", false, &r);
    CHECK_EQ(r.n, 1);
    CHECK_STR(r.st[0].text, "x = 1 /* in;\nside */");
    CHECK_EQ(r.st[0].line, 2);
    CHECK_EQ(r.st[0].col, 9);
    release(&r);

    /* '-' alone and '/' alone are not comments. */
    run("a = 3 - 1 / 2;", false, &r);
    CHECK_EQ(r.n, 1);
    CHECK_STR(r.st[0].text, "a = 3 - 1 / 2");
    release(&r);
}

static void test_commands(void)
{
    struct result r;
    run(".mode json\n  \\set x 1\nSELECT 1\n.not a command;\n.help", true, &r);
    CHECK_EQ(r.n, 4);
    CHECK_STR(r.st[0].text, ".mode json");
    CHECK(r.st[0].is_command);
    CHECK_EQ(r.st[0].line, 1);
    CHECK_STR(r.st[1].text, "\\set x 1");
    CHECK(r.st[1].is_command);
    CHECK_EQ(r.st[1].col, 3);
    /* '.' while a statement is pending is statement text. */
    CHECK_STR(r.st[2].text, "SELECT 1\n.not a command");
    CHECK(!r.st[2].is_command);
    CHECK_STR(r.st[3].text, ".help");
    CHECK(r.st[3].is_command);
    CHECK_EQ(r.st[3].line, 5);
    release(&r);
}

/* psql's \gset ends a statement as ';' does and rides along with it; inside
 * a string it is text. */
static void test_gset(void)
{
    struct result r;
    run("SELECT a\n  FROM t WHERE k = '\\gset' \\gset  p_  \nSELECT 2;", false, &r);
    CHECK_EQ(r.n, 2);
    CHECK_STR(r.st[0].text, "SELECT a\n  FROM t WHERE k = '\\gset'");
    CHECK(r.st[0].terminated);
    CHECK_STR(r.st[0].then, "\\gset  p_");
    CHECK_STR(r.st[1].text, "SELECT 2");
    CHECK(r.st[1].then == NULL);
    release(&r);
    /* Not a word of its own: text (\gsetx), and alone on a line: a command. */
    run("SELECT 1 \\gsetx;\n\\gset", false, &r);
    CHECK_EQ(r.n, 2);
    CHECK_STR(r.st[0].text, "SELECT 1 \\gsetx");
    CHECK(r.st[0].then == NULL);
    CHECK(r.st[1].is_command);
    release(&r);
}

static void test_crlf_bom(void)
{
    struct result r;
    run("\xEF\xBB\xBFSELECT 1;\r\nSELECT\r\n 2;\r", false, &r);
    CHECK_EQ(r.n, 2);
    CHECK_STR(r.st[0].text, "SELECT 1");
    CHECK_EQ(r.st[0].col, 1); /* the BOM is not counted */
    CHECK_STR(r.st[1].text, "SELECT\n 2");
    release(&r);

    /* A BOM on a later line is text. */
    run("x = 1;\n\xEF\xBB\xBFy;", false, &r);
    CHECK_EQ(r.n, 2);
    CHECK_STR(r.st[1].text, "\xEF\xBB\xBFy");
    release(&r);
}

static void test_finish_and_state(void)
{
    struct pq_splitter s;
    pq_split_init(&s);
    struct pq_split_stmt st;
    CHECK_EQ(pq_split_state(&s), PQ_OPEN_NONE);
    pq_split_feed(&s, "SELECT 'abc", 11);
    CHECK_EQ(pq_split_state(&s), PQ_OPEN_STRING);
    CHECK(!pq_split_next(&s, &st));
    pq_split_feed(&s, "def' FROM \"t", 12);
    CHECK_EQ(pq_split_state(&s), PQ_OPEN_IDENT);
    pq_split_feed(&s, "\" /* c", 6);
    CHECK_EQ(pq_split_state(&s), PQ_OPEN_COMMENT);
    pq_split_feed(&s, "*/", 2);
    CHECK_EQ(pq_split_state(&s), PQ_OPEN_TEXT);
    pq_split_feed(&s, "WHERE a = 1", 11);
    pq_split_finish(&s);
    CHECK(pq_split_next(&s, &st));
    CHECK_STR(st.text, "SELECT 'abc\ndef' FROM \"t\n\" /* c\n*/\nWHERE a = 1");
    CHECK(!st.terminated);
    pq_split_stmt_release(&st);
    CHECK_EQ(pq_split_state(&s), PQ_OPEN_NONE);

    /* Discard drops what is pending. */
    pq_split_feed(&s, "SELECT 'half", 12);
    pq_split_discard(&s);
    CHECK_EQ(pq_split_state(&s), PQ_OPEN_NONE);
    pq_split_feed(&s, ".quit", 5);
    CHECK(pq_split_next(&s, &st));
    CHECK(st.is_command);
    pq_split_stmt_release(&st);

    /* A comment alone leaves nothing pending. */
    pq_split_feed(&s, "  -- just a comment", 19);
    CHECK_EQ(pq_split_state(&s), PQ_OPEN_NONE);
    pq_split_finish(&s);
    CHECK(!pq_split_next(&s, &st));

    /* Many statements queue up and come out in order. */
    for (int i = 0; i < 40; i++)
        pq_split_feed(&s, "a;b;", 4);
    int n = 0;
    while (pq_split_next(&s, &st)) {
        CHECK_STR(st.text, n % 2 ? "b" : "a");
        pq_split_stmt_release(&st);
        n++;
    }
    CHECK_EQ(n, 80);
    pq_split_release(&s);
}

int main(void)
{
    test_basic();
    test_multiline();
    test_quotes();
    test_comments();
    test_commands();
    test_gset();
    test_crlf_bom();
    test_finish_and_state();
    DONE();
}
