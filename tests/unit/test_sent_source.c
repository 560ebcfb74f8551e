/* test_sent_source.c — plan_sent_is_source() tells, without walking the tree,
 * that the text sent is the source text unchanged; whenever it says so,
 * plan_sent_text (which walks the tree and applies every edit) must give
 * exactly that text and a map of one copied piece.
 *
 * Every statement of every golden script (tests/sql/NAME.sql) is parsed as
 * the shell parses it (SHELL mode), bound with no variables set, and checked
 * both ways (LIMIT kept and not), inside a larger source half the time. Then
 * statements that need an edit must not be taken for their source.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "test_golden_util.h"
#include "plan/internal.h"
#include "pqsh/bind.h"
#include "pqsh/parse.h"
#include "pqsh/split.h"

static size_t n_source, n_edited;

/* Parses src[off..] in SHELL mode and binds it (no variables); NULL if
 * either fails or the statement is not one sent as a PartiQL statement. */
static struct pq_stmt *parse_bound(const char *src, size_t len, size_t *nparams)
{
    struct pq_stmt *s = NULL;
    struct pq_error err;
    struct pq_vars vars;
    json_t *params = NULL;
    pq_error_init(&err);
    pq_vars_init(&vars);
    if (pq_parse(src, len, 0, &s, &err, NULL) != PQ_OK) s = NULL;
    if (s && (s->kind == PQ_S_EXPLAIN || s->kind == PQ_S_INSERT_VALUES)) {
        pq_stmt_free(s);
        s = NULL;
    }
    if (s && pq_bind(s, &vars, &params, &err) != PQ_OK) {
        pq_stmt_free(s);
        s = NULL;
    }
    *nparams = json_array_size(params);
    json_decref(params);
    pq_vars_release(&vars);
    pq_error_release(&err);
    return s;
}

/* Whether plan_sent_is_source agrees with plan_sent_text for src[0..len). */
static void check_one(const char *src, size_t len, const char *where)
{
    size_t nparams;
    struct pq_stmt *s = parse_bound(src, len, &nparams);
    if (!s) return;
    struct pq_plan_context ctx = {
        .source = src, .source_len = len, .comments = s->comments, .ncomments = s->ncomments};
    for (int keep = 0; keep < 2; keep++) {
        struct pq_sent sent;
        struct pq_error err;
        pq_error_init(&err);
        bool fast = plan_sent_is_source(s, nparams, &ctx, keep);
        if (plan_sent_text(s, nparams, &ctx, keep, &sent, &err) == PQ_OK) {
            size_t n = s->loc.end - s->loc.start;
            bool same = sent.len == n && memcmp(sent.text, src + s->loc.start, n) == 0 &&
                        sent.map.n == 1 && sent.map.pieces[0].sent == 0 &&
                        sent.map.pieces[0].src == s->loc.start &&
                        sent.map.pieces[0].src_end == s->loc.end && sent.map.pieces[0].copied;
            if (fast) {
                CHECK(same);
                if (!same)
                    fprintf(stderr, "%s: taken for its source: %.*s\n", where, (int)len, src);
            }
            free(sent.text);
            pq_text_map_release(&sent.map);
        } else {
            /* A statement the text path refuses is never its own source. */
            CHECK(!fast);
        }
        if (fast)
            n_source++;
        else
            n_edited++;
        pq_error_release(&err);
    }
    pq_stmt_free(s);
}

/* Every other statement sits after some blank text. */
static void check_statement(const struct pq_split_stmt *st, size_t nth, const char *where,
                            void *ctx)
{
    (void)ctx;
    size_t off;
    char *src = golden_padded(st, nth, &off);
    check_one(src, off + st->len, where);
    free(src);
}

static void run_script(FILE *f, const char *path)
{
    each_golden_statement(f, path, check_statement, NULL);
}

/* Statements that need an edit: never their own source. */
static void test_edited(void)
{
    static const char *const edited[] = {
        "SELECT * FROM Orders LIMIT 3",
        "INSERT INTO Orders VALUES {'pk': 'a'}",
        "SELECT * FROM Orders -- why\nWHERE pk = 'a'",
        "SELECT * FROM Orders /* here */ WHERE pk = 'a'",
        "SELECT * FROM Orders WHERE pk = b64'AAE='",
        "SELECT * FROM \"Orders\" WHERE size = 1",
        "SELECT * FROM Orders WHERE pk = :x",
    };
    for (size_t i = 0; i < sizeof edited / sizeof edited[0]; i++) {
        struct pq_stmt *s = NULL;
        struct pq_error err;
        pq_error_init(&err);
        size_t len = strlen(edited[i]);
        CHECK_EQ(pq_parse(edited[i], len, 0, &s, &err, NULL), PQ_OK);
        if (!s) continue;
        struct pq_plan_context ctx = {.source = edited[i],
                                      .source_len = len,
                                      .comments = s->comments,
                                      .ncomments = s->ncomments};
        CHECK(!plan_sent_is_source(s, 0, &ctx, false));
        pq_stmt_free(s);
        pq_error_release(&err);
    }
    /* A parameter bound (a variable) is an edit too; LIMIT kept is not. */
    struct pq_stmt *s = NULL;
    struct pq_error err;
    pq_error_init(&err);
    const char *text = "SELECT * FROM Orders LIMIT 3";
    CHECK_EQ(pq_parse(text, strlen(text), 0, &s, &err, NULL), PQ_OK);
    struct pq_plan_context ctx = {.source = text, .source_len = strlen(text)};
    CHECK(plan_sent_is_source(s, 0, &ctx, true));
    CHECK(!plan_sent_is_source(s, 1, &ctx, true));
    pq_stmt_free(s);
    pq_error_release(&err);
}

int main(void)
{
    test_edited();
    size_t count = each_golden_script(run_script);
    printf("%zu scripts: %zu statements sent as their source, %zu with edits\n", count, n_source,
           n_edited);
    /* Both kinds must be common for the comparison to mean something. */
    CHECK(n_source >= 300);
    CHECK(n_edited >= 100);
    DONE();
}
