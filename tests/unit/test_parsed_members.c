/* test_parsed_members.c — the members of BatchExecuteStatement and
 * ExecuteTransaction take the caller's parse (pq_engine_call_parsed; the
 * plan's step->member_parsed through pq_plan_run_step).
 *
 * Shown three ways: a tree that differs from its member's text is what runs
 * (an INSERT of another key), while a NULL entry, a tree with shell_syntax
 * set and a member beyond the array run their text; every answer, errors and
 * cancellation reasons included, is byte for byte the text path's when the
 * trees are the texts' own parses, made inside a larger source (a non-zero
 * base, several lines); and a plan of members with and without trees runs
 * the trees through the embedded backend.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "test_engine_open.h"
#include "pqsh/engine.h"
#include "pqsh/parse.h"
#include "pqsh/plan.h"

/* "OK <json>" or "ERR <type> <message> [range] <detail>": a new string. */
static char *answer(pq_status st, json_t *resp, const struct pq_error *err)
{
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    char *j = json_dumps(st == PQ_OK ? resp : err->detail, JSON_SORT_KEYS | JSON_COMPACT);
    if (st == PQ_OK)
        pq_buf_addf(&b, "OK %s", j ? j : "?");
    else
        pq_buf_addf(&b, "ERR %d %s %s [%zu,%zu) %s", (int)err->code, err->type ? err->type : "-",
                    err->message ? err->message : "-", err->start, err->end, j ? j : "-");
    free(j);
    return pq_buf_detach(&b, NULL);
}

/* Runs `op` with the request in JSON text (and `parsed`, n entries, when
 * given); returns the answer (new string). */
static char *call(struct pq_engine *e, const char *op, const char *request,
                  const struct pq_parsed *parsed, size_t n)
{
    json_error_t jerr;
    json_t *req = json_loads(request, 0, &jerr), *resp = NULL;
    if (!req) {
        fprintf(stderr, "bad test JSON: %s: %s\n", jerr.text, request);
        exit(1);
    }
    struct pq_error err;
    pq_error_init(&err);
    pq_status st = parsed ? pq_engine_call_parsed(e, op, req, parsed, n, &resp, &err)
                          : pq_engine_call(e, op, req, &resp, &err);
    char *a = answer(st, resp, &err);
    json_decref(req);
    json_decref(resp);
    pq_error_release(&err);
    return a;
}

static void call_ok(struct pq_engine *e, const char *op, const char *request)
{
    char *a = call(e, op, request, NULL, 0);
    CHECK(strncmp(a, "OK ", 3) == 0);
    if (strncmp(a, "OK ", 3) != 0) fprintf(stderr, "  %s %s: %s\n", op, request, a);
    free(a);
}

/* Whether table Tab holds the item with key `pk`. */
static bool has_item(struct pq_engine *e, const char *pk)
{
    char req[200];
    snprintf(req, sizeof req, "{\"TableName\": \"Tab\", \"Key\": {\"pk\": {\"S\": \"%s\"}}}", pk);
    char *a = call(e, "GetItem", req, NULL, 0);
    bool found = strstr(a, "\"Item\"") != NULL;
    free(a);
    return found;
}

/* `text` parsed as DynamoDB parses it, from a source in which `pad` comes
 * first: *base is where the text starts. */
static struct pq_stmt *parse_at(const char *pad, const char *text, size_t *base)
{
    size_t np = strlen(pad), nt = strlen(text);
    char *src = malloc(np + nt + 1);
    memcpy(src, pad, np);
    memcpy(src + np, text, nt + 1);
    struct pq_stmt *s = NULL;
    struct pq_error err;
    pq_error_init(&err);
    if (pq_parse(src, np + nt, PQ_PARSE_STRICT, &s, &err, NULL)) {
        fprintf(stderr, "test statement does not parse: %s: %s\n", text, err.message);
        exit(1);
    }
    pq_error_release(&err);
    free(src);
    *base = np;
    return s;
}

static void setup(struct pq_engine *e)
{
    call_ok(e, "CreateTable",
            "{\"TableName\": \"Tab\", \"AttributeDefinitions\": [{\"AttributeName\": \"pk\", "
            "\"AttributeType\": \"S\"}], \"KeySchema\": [{\"AttributeName\": \"pk\", "
            "\"KeyType\": \"HASH\"}], \"BillingMode\": \"PAY_PER_REQUEST\"}");
    call_ok(e, "ExecuteStatement",
            "{\"Statement\": \"INSERT INTO Tab VALUE {'pk': 'o1', 'amount': 10, 's': <<'a'>>}\"}");
}

#define INS(k) "{\"Statement\": \"INSERT INTO Tab VALUE {'pk': '" k "'}\"}"

/* The tree runs, not the text; NULL entries and entries past `n` parse. */
static void test_tree_runs(const char *op, const char *list)
{
    struct pq_engine *e = test_engine_open(0);
    setup(e);
    size_t base;
    struct pq_stmt *tree = parse_at("", "INSERT INTO Tab VALUE {'pk': 'tree1'}", &base);
    struct pq_parsed parsed[2] = {{tree, base}, {NULL, 0}};
    char req[400];
    snprintf(req, sizeof req, "{\"%s\": [" INS("text1") ", " INS("text2") ", " INS("text3") "]}",
             list);
    char *a = call(e, op, req, parsed, 2);
    CHECK(strncmp(a, "OK ", 3) == 0);
    free(a);
    CHECK(has_item(e, "tree1"));
    CHECK(!has_item(e, "text1"));
    CHECK(has_item(e, "text2")); /* a NULL entry */
    CHECK(has_item(e, "text3")); /* past the array */

    /* A tree that took a pqsh-only turn does not stand for DynamoDB's parse. */
    struct pq_stmt *shell = parse_at("", "INSERT INTO Tab VALUE {'pk': 'tree4'}", &base);
    shell->shell_syntax = true;
    struct pq_parsed one = {shell, base};
    snprintf(req, sizeof req, "{\"%s\": [" INS("text4") "]}", list);
    a = call(e, op, req, &one, 1);
    CHECK(strncmp(a, "OK ", 3) == 0);
    free(a);
    CHECK(has_item(e, "text4"));
    CHECK(!has_item(e, "tree4"));

    /* The tree is borrowed and left as it was: it runs again. */
    snprintf(req, sizeof req, "{\"%s\": [" INS("text5") "]}", list);
    pq_stmt_free(shell);
    a = call(e, op, req, parsed, 1);
    CHECK(strstr(a, "Duplicate") != NULL); /* tree1 is there already */
    free(a);
    CHECK(!has_item(e, "text5"));
    pq_stmt_free(tree);
    pq_engine_close(e);
}

/* A member of the comparison: its text, as typed over several lines. */
struct member {
    const char *text;
    const char *params; /* JSON array, or NULL */
};

/* The request holding `m` (JSON text, new string): the members' texts are
 * escaped as JSON strings. */
static char *request_of(const char *list, const struct member *m, size_t n, const char *extra)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_pack("{s:s}", "Statement", m[i].text);
        if (m[i].params) json_object_set_new(o, "Parameters", json_loads(m[i].params, 0, NULL));
        json_array_append_new(arr, o);
    }
    json_t *req = json_pack("{s:o}", list, arr);
    json_t *more = extra ? json_loads(extra, 0, NULL) : NULL;
    if (more) json_object_update(req, more);
    json_decref(more);
    char *text = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    return text;
}

/* The same request to engine A as text and to engine B with each member's
 * own parse (inside a larger source): the answers are the same. */
static void compare(const char *op, const char *list, const struct member *m, size_t n,
                    const char *extra, const char *expect)
{
    static const char *const pads[] = {"", "\n\n   ", " \t\n"};
    struct pq_engine *a = test_engine_open(0), *b = test_engine_open(0);
    setup(a);
    setup(b);
    struct pq_parsed *parsed = calloc(n, sizeof *parsed);
    for (size_t i = 0; i < n; i++)
        parsed[i].stmt = parse_at(pads[i % 3], m[i].text, &parsed[i].base);
    char *req = request_of(list, m, n, extra);
    char *xa = call(a, op, req, NULL, 0), *xb = call(b, op, req, parsed, n);
    CHECK_STR(xb, xa);
    /* The answer shows the case meant (and the databases agree after it). */
    CHECK(strstr(xa, expect) != NULL);
    if (!strstr(xa, expect)) fprintf(stderr, "  expected %s in %s\n", expect, xa);
    char *sa = call(a, "Scan", "{\"TableName\": \"Tab\"}", NULL, 0);
    char *sb = call(b, "Scan", "{\"TableName\": \"Tab\"}", NULL, 0);
    CHECK_STR(sb, sa);
    free(sa);
    free(sb);
    free(xa);
    free(xb);
    free(req);
    for (size_t i = 0; i < n; i++)
        pq_stmt_free((struct pq_stmt *)parsed[i].stmt);
    free(parsed);
    pq_engine_close(a);
    pq_engine_close(b);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_same_answers(void)
{
    const char *B = "BatchExecuteStatement", *T = "ExecuteTransaction";
    const struct member writes[] = {
        {"INSERT INTO Tab VALUE {'pk': 'o2'}", NULL},
        {"INSERT INTO Tab VALUE {'pk': 'o1'}", NULL},
        {"UPDATE Tab\n   SET amount = nosuch(amount)\n WHERE pk = 'o1'", NULL},
        {"UPDATE Tab SET s = SET_DELETE(s, 1) WHERE pk = 'o1'", NULL},
        {"INSERT INTO Tab VALUE {'pk': ?, 'n': ?}", "[{\"S\": \"o3\"}, {\"N\": \"1.50\"}]"},
        {"UPDATE Tab SET amount = amount + 1 WHERE pk = 'o1' AND amount = 11", NULL},
        {"INSERT INTO Nope VALUE {'pk': 'x'}", NULL},
        {"INSERT INTO Tab VALUE {'pk': 'o4', 'x': size(1)}", NULL},
        {"DELETE FROM Tab WHERE pk = 'o1' RETURNING ALL OLD *", NULL},
    };
    compare(B, "Statements", writes, N(writes), NULL, "ConditionalCheckFailed");
    compare(B, "Statements", writes, N(writes), "{\"ReturnConsumedCapacity\": \"TOTAL\"}",
            "ConsumedCapacity");
    const struct member reads[] = {
        {"SELECT * FROM Tab WHERE pk = 'o1'", NULL},
        {"SELECT * FROM Tab WHERE pk = 'o1' AND amount = 10", NULL},
        {"SELECT *\n  FROM Tab\n WHERE amount = 10", NULL},
        {"SELECT amount FROM Tab WHERE pk = ?", "[{\"S\": \"zz\"}]"},
    };
    compare(B, "Statements", reads, N(reads), NULL, "Only single item select");
    const struct member mixed[] = {
        {"SELECT * FROM Tab WHERE pk = 'o1'", NULL},
        {"INSERT INTO Tab VALUE {'pk': 'o2'}", NULL},
    };
    compare(B, "Statements", mixed, N(mixed), NULL, "Read and write requests together");

    /* A member refused before anything runs: its message, with the
     * position in its own multi-line text. */
    const struct member refused[] = {
        {"INSERT INTO Tab VALUE {'pk': 'o3'}", NULL},
        {"INSERT INTO Tab VALUE {'pk': 'o4'}", NULL},
        {"UPDATE Tab\n   SET amount = nosuch(amount)\n WHERE pk = 'o1'", NULL},
    };
    compare(T, "TransactStatements", refused, N(refused), NULL,
            "Validation failed in TransactStatements[2]: Unrecognized function: nosuch at 2:17:6");
    /* Cancelled: one reason per member. */
    const struct member cancelled[] = {
        {"INSERT INTO Tab VALUE {'pk': 'o5'}", NULL},
        {"INSERT INTO Tab\n  VALUE {'pk': 'o1'}", NULL},
        {"UPDATE Tab SET amount = 1 WHERE pk = 'o9' AND amount = 3", NULL},
    };
    compare(T, "TransactStatements", cancelled, N(cancelled),
            "{\"ClientRequestToken\": \"tok-1\", \"ReturnConsumedCapacity\": \"INDEXES\"}",
            "CancellationReasons");
    const struct member committed[] = {
        {"INSERT INTO Tab VALUE {'pk': ?}", "[{\"S\": \"o6\"}]"},
        {"UPDATE Tab SET amount = amount + 1 WHERE pk = 'o1'", NULL},
    };
    compare(T, "TransactStatements", committed, N(committed), "{\"ClientRequestToken\": \"tok-2\"}",
            "OK {\"Responses\":[]}");
    const struct member treads[] = {
        {"SELECT * FROM Tab WHERE pk = 'o1'", NULL},
        {"SELECT pk FROM Tab WHERE pk = 'none'", NULL},
    };
    compare(T, "TransactStatements", treads, N(treads), NULL, "\"Item\"");
    const struct member unsupported[] = {
        {"SELECT * FROM Tab WHERE pk = 'o1'", NULL},
        {"DELETE FROM Tab WHERE amount = 1", NULL},
    };
    compare(T, "TransactStatements", unsupported, N(unsupported), NULL,
            "Validation failed in TransactStatements[1]: Where clause");
    /* ExecuteStatement through the same call: the range in the text. */
    const struct member one[] = {{"SELECT * FROM Tab WHERE pk = 'o1' AND nosuch(amount)", NULL}};
    struct pq_engine *a = test_engine_open(0), *b = test_engine_open(0);
    setup(a);
    setup(b);
    size_t base;
    struct pq_stmt *s = parse_at("\n  ", one[0].text, &base);
    struct pq_parsed p = {s, base};
    char req[200];
    snprintf(req, sizeof req, "{\"Statement\": \"%s\"}", one[0].text);
    char *xa = call(a, "ExecuteStatement", req, NULL, 0);
    char *xb = call(b, "ExecuteStatement", req, &p, 1);
    CHECK_STR(xb, xa);
    free(xa);
    free(xb);
    pq_stmt_free(s);
    pq_engine_close(a);
    pq_engine_close(b);
}

/* Members planned with and without a tree run through the runner and the
 * embedded backend: the trees run. */
static void test_plan_runs_trees(bool transaction)
{
    struct pq_engine_options opt = {.path = ":memory:", .fixed_time = 1700000000.0};
    struct pq_backend *be = NULL;
    struct pq_error err;
    pq_error_init(&err);
    CHECK(pq_engine_backend_open(&opt, &be, &err) == PQ_OK);
    if (!be) return;
    json_t *resp = NULL;
    json_t *create = json_loads("{\"TableName\": \"Tab\", \"AttributeDefinitions\": "
                                "[{\"AttributeName\": \"pk\", \"AttributeType\": \"S\"}], "
                                "\"KeySchema\": [{\"AttributeName\": \"pk\", \"KeyType\": "
                                "\"HASH\"}], \"BillingMode\": \"PAY_PER_REQUEST\"}",
                                0, NULL);
    CHECK(pq_backend_call(be, "CreateTable", create, &resp, &err) == PQ_OK);
    json_decref(create);
    json_decref(resp);

    size_t base;
    struct pq_stmt *tree = parse_at("\n\n", "INSERT INTO Tab VALUE {'pk': 'tree1'}", &base);
    json_t *r1 = json_loads(INS("text1"), 0, NULL), *r2 = json_loads(INS("text2"), 0, NULL);
    struct pq_member m[2] = {{r1, "Tab", false, tree, base}, {r2, "Tab", false, NULL, 0}};
    struct pq_plan plan;
    pq_plan_init(&plan);
    if (transaction)
        CHECK(pq_plan_transaction(m, 2, "tok", NULL, &plan, &err) == PQ_OK);
    else
        pq_plan_batch(m, 2, NULL, &plan);
    CHECK_EQ(plan.nsteps, 1);
    /* The plan holds its own reference: the caller's may go. */
    pq_stmt_free(tree);
    if (plan.nsteps == 1) {
        const struct pq_step *step = &plan.steps[0];
        CHECK(step->member_parsed != NULL);
        CHECK(step->member_parsed && step->member_parsed[0].stmt != NULL &&
              step->member_parsed[0].base == base);
        CHECK(step->member_parsed && step->member_parsed[1].stmt == NULL);
        struct pq_run_sink sink = {0};
        struct pq_run_outcome out;
        CHECK(pq_plan_run_step(be, step, &sink, &out, &err) == PQ_OK);
        CHECK_EQ(out.count, 2);
    }
    pq_plan_release(&plan);
    const char *keys[] = {"tree1", "text1", "text2"};
    const bool found[] = {true, false, true};
    for (size_t i = 0; i < 3; i++) {
        json_t *get =
            json_pack("{s:s, s:{s:{s:s}}}", "TableName", "Tab", "Key", "pk", "S", keys[i]);
        CHECK(pq_backend_call(be, "GetItem", get, &resp, &err) == PQ_OK);
        CHECK_EQ(json_object_get(resp, "Item") != NULL, found[i]);
        json_decref(get);
        json_decref(resp);
    }

    /* Members without a tree: the step carries none. */
    m[0].parsed = NULL;
    pq_plan_init(&plan);
    if (transaction)
        CHECK(pq_plan_transaction(m, 2, "tok2", NULL, &plan, &err) == PQ_OK);
    else
        pq_plan_batch(m, 2, NULL, &plan);
    CHECK(plan.nsteps == 1 && plan.steps[0].member_parsed == NULL);
    pq_plan_release(&plan);
    json_decref(r1);
    json_decref(r2);
    pq_error_release(&err);
    pq_backend_close(be);
}

int main(void)
{
    test_tree_runs("BatchExecuteStatement", "Statements");
    test_tree_runs("ExecuteTransaction", "TransactStatements");
    test_same_answers();
    test_plan_runs_trees(false);
    test_plan_runs_trees(true);
    DONE();
}
