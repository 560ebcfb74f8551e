/* tutorial.c — tutorial mode: steps, goals, hints and checks read from data files.
 *
 * A tutorial is a text file NAME.tut (see tutorials/README and pqsh(1)):
 * `key: value` lines, indented lines continuing the value above, `#`
 * comments, and `step:` starting each step. After every statement the
 * student runs, the current step's checks look at the effect — a table with
 * a key schema, an item with attributes, a variable's value, the items the
 * last SELECT returned — and the student either moves on or is told what is
 * missing, with the step's hint. Teachers add tutorials without writing C.
 */
#include "shell.h"
#include "pqsh/literal.h"
#include "pqsh/parse.h"
#include "pqsh/value.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#ifndef PQSH_TUTORIAL_DIRS
#define PQSH_TUTORIAL_DIRS "/usr/local/share/pqsh/tutorials"
#endif

struct tstep {
    char *title, *goal, *hint;
    char **checks;
    size_t nchecks;
};

struct tutorial {
    char *name, *title, *scenario, *goal, *why;
    struct tstep *steps;
    size_t nsteps, cur, done;
    /* The last SELECT's request when the checks last ran (a reference): a
     * result or keyread check wants a SELECT run since. */
    json_t *seen;
    bool last_ok; /* the statement just run succeeded */
};

/* ---- reading the data file -------------------------------------------------- */

static void append(char **field, const char *text, const char *sep)
{
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    if (*field) {
        pq_buf_adds(&b, *field);
        pq_buf_adds(&b, sep);
        free(*field);
    }
    pq_buf_adds(&b, text);
    *field = pq_buf_detach(&b, NULL);
}

static void tutorial_free(struct tutorial *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->nsteps; i++) {
        struct tstep *s = &t->steps[i];
        free(s->title);
        free(s->goal);
        free(s->hint);
        for (size_t k = 0; k < s->nchecks; k++)
            free(s->checks[k]);
        free(s->checks);
    }
    free(t->steps);
    json_decref(t->seen);
    free(t->name);
    free(t->title);
    free(t->scenario);
    free(t->goal);
    free(t->why);
    free(t);
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

/* Parses a tutorial file; NULL with *why set (a static or new message in buf). */
static struct tutorial *tutorial_load(const char *path, struct pq_buf *msg)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        pq_buf_addf(msg, "cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    struct tutorial *t = pq_xcalloc(1, sizeof *t);
    char *line = NULL, **last = NULL;
    size_t cap = 0;
    unsigned lineno = 0;
    bool ok = true, blank = false;
    while (getline(&line, &cap, f) >= 0) {
        lineno++;
        bool cont = line[0] == ' ' || line[0] == '\t';
        char *text = trim(line);
        if (*text == '#') continue;
        if (!*text) {
            blank = true; /* before a continuation line: a new paragraph */
            continue;
        }
        if (cont) {
            if (!last) {
                pq_buf_addf(msg, "%s:%u: an indented line continues nothing", path, lineno);
                ok = false;
                break;
            }
            append(last, text, blank ? "\n\n" : "\n");
            blank = false;
            continue;
        }
        blank = false;
        char *colon = strchr(text, ':');
        if (!colon) {
            pq_buf_addf(msg, "%s:%u: expected 'key: value'", path, lineno);
            ok = false;
            break;
        }
        *colon = '\0';
        char *key = trim(text), *value = trim(colon + 1);
        struct tstep *s = t->nsteps ? &t->steps[t->nsteps - 1] : NULL;
        if (strcmp(key, "step") == 0) {
            t->steps = pq_xrealloc(t->steps, (t->nsteps + 1) * sizeof *t->steps);
            s = &t->steps[t->nsteps++];
            memset(s, 0, sizeof *s);
            last = &s->title;
        } else if (strcmp(key, "check") == 0 && s) {
            s->checks = pq_xrealloc(s->checks, (s->nchecks + 1) * sizeof *s->checks);
            s->checks[s->nchecks] = NULL;
            last = &s->checks[s->nchecks++];
        } else if (s && strcmp(key, "goal") == 0) {
            last = &s->goal;
        } else if (s && strcmp(key, "hint") == 0) {
            last = &s->hint;
        } else if (!s && strcmp(key, "title") == 0) {
            last = &t->title;
        } else if (!s && strcmp(key, "scenario") == 0) {
            last = &t->scenario;
        } else if (!s && strcmp(key, "goal") == 0) {
            last = &t->goal;
        } else if (strcmp(key, "why") == 0) {
            last = &t->why;
        } else {
            pq_buf_addf(msg, "%s:%u: unknown key '%s'", path, lineno, key);
            ok = false;
            break;
        }
        free(*last);
        *last = NULL;
        append(last, value, "");
    }
    free(line);
    fclose(f);
    if (ok && (t->nsteps == 0 || !t->title)) {
        pq_buf_addf(msg, "%s: a tutorial needs a title and at least one step", path);
        ok = false;
    }
    for (size_t i = 0; ok && i < t->nsteps; i++)
        if (!t->steps[i].goal || t->steps[i].nchecks == 0) {
            pq_buf_addf(msg, "%s: step %zu needs a goal and a check", path, i + 1);
            ok = false;
        }
    if (!ok) {
        tutorial_free(t);
        return NULL;
    }
    return t;
}

/* ---- finding tutorials ------------------------------------------------------ */

/* Folders searched, in order: $PQSH_TUTORIAL_PATH, then the built-in ones. */
static char *search_path(void)
{
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    const char *env = getenv("PQSH_TUTORIAL_PATH");
    if (env && *env) pq_buf_addf(&b, "%s:", env);
    pq_buf_adds(&b, PQSH_TUTORIAL_DIRS);
    return pq_buf_detach(&b, NULL);
}

/* The file of tutorial NAME (a new string), or NULL. */
static char *find(const char *name)
{
    if (strchr(name, '/')) return pq_xstrdup(name);
    char *path = search_path(), *save = NULL, *found = NULL;
    for (char *dir = strtok_r(path, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
        struct pq_buf b = PQ_BUF_INIT;
        pq_buf_init(&b);
        pq_buf_addf(&b, "%s/%s.tut", dir, name);
        FILE *f = fopen(b.data, "r");
        if (f) {
            fclose(f);
            found = pq_buf_detach(&b, NULL);
        } else {
            pq_buf_release(&b);
        }
    }
    free(path);
    return found;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void shell_tutorial_list(FILE *out)
{
    char *path = search_path(), *save = NULL;
    char **names = NULL;
    size_t n = 0;
    for (char *dir = strtok_r(path, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        DIR *d = opendir(dir);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            size_t len = strlen(e->d_name);
            if (len < 5 || strcmp(e->d_name + len - 4, ".tut") != 0) continue;
            char *name = pq_xstrndup(e->d_name, len - 4);
            bool dup = false;
            for (size_t i = 0; i < n && !dup; i++)
                dup = strcmp(names[i], name) == 0;
            if (dup) {
                free(name);
                continue;
            }
            names = pq_xrealloc(names, (n + 1) * sizeof *names);
            names[n++] = name;
        }
        if (d) closedir(d);
    }
    free(path);
    if (names) qsort(names, n, sizeof *names, str_cmp);
    fprintf(out, "Tutorials (pqsh --tutorial NAME, or .tutorial NAME at the prompt):\n");
    for (size_t i = 0; i < n; i++) {
        char *file = find(names[i]);
        struct pq_buf msg = PQ_BUF_INIT;
        pq_buf_init(&msg);
        struct tutorial *t = file ? tutorial_load(file, &msg) : NULL;
        if (t)
            fprintf(out, "  %-20s %s (%zu steps)\n", names[i], t->title, t->nsteps);
        else
            fprintf(out, "  %-20s (unreadable: %s)\n", names[i], msg.data);
        tutorial_free(t);
        pq_buf_release(&msg);
        free(file);
        free(names[i]);
    }
    if (n == 0) fprintf(out, "  (none found)\n");
    free(names);
}

/* ---- the session ------------------------------------------------------------ */

static void show_step(const struct tutorial *t)
{
    const struct tstep *s = &t->steps[t->cur];
    printf("\nStep %zu / %zu: %s\n%s\n", t->cur + 1, t->nsteps, s->title ? s->title : "", s->goal);
}

static void progress(const struct tutorial *t)
{
    printf("Progress %zu / %zu steps\n", t->done, t->nsteps);
    shell_sandbox_progress(t->name, t->done, t->nsteps); /* the teacher's page, in a class */
}

static void next_step(struct shell *sh)
{
    struct tutorial *t = sh->tutorial;
    t->cur++;
    if (t->cur < t->nsteps) {
        show_step(t);
        return;
    }
    if (t->why) printf("\nWhy this matters\n%s\n", t->why);
    printf("\nTutorial '%s' complete: %zu of %zu steps done.\n", t->name, t->done, t->nsteps);
    shell_tutorial_free(sh);
}

bool shell_tutorial_start(struct shell *sh, const char *name)
{
    struct pq_buf msg = PQ_BUF_INIT;
    pq_buf_init(&msg);
    char *file = find(name);
    struct tutorial *t = NULL;
    if (!file)
        pq_buf_addf(&msg, "no tutorial named '%s' (pqsh --tutorial lists them)", name);
    else
        t = tutorial_load(file, &msg);
    free(file);
    if (!t) {
        fflush(stdout);
        fprintf(stderr, "pqsh: error: %s\n", msg.data);
        pq_buf_release(&msg);
        return false;
    }
    pq_buf_release(&msg);
    shell_tutorial_free(sh);
    const char *slash = strrchr(name, '/');
    t->name = pq_xstrdup(slash ? slash + 1 : name);
    sh->tutorial = t;
    printf("Tutorial: %s\n", t->title);
    if (t->scenario) printf("\n%s\n", t->scenario);
    if (t->goal) printf("\nGoal: %s\n", t->goal);
    printf("\nType each step's statement at the prompt; pqsh checks its effect.\n"
           ".hint gives a hint, .skip moves on, .tutorial shows where you are.\n");
    progress(t);
    show_step(t);
    fflush(stdout);
    return true;
}

void shell_tutorial_free(struct shell *sh)
{
    tutorial_free(sh->tutorial);
    sh->tutorial = NULL;
}

void shell_tutorial_hint(struct shell *sh)
{
    const struct tstep *s = &sh->tutorial->steps[sh->tutorial->cur];
    printf("Hint: %s\n", s->hint ? s->hint : "(this step has no hint)");
}

void shell_tutorial_skip(struct shell *sh)
{
    printf("Skipped step %zu.\n", sh->tutorial->cur + 1);
    progress(sh->tutorial);
    next_step(sh);
}

void shell_tutorial_status(struct shell *sh)
{
    printf("Tutorial: %s\n", sh->tutorial->title);
    progress(sh->tutorial);
    show_step(sh->tutorial);
}

/* ---- checks ------------------------------------------------------------------- */

/* Words of a check line: `kind arg arg literal…` (the literal is the rest). */
static const char *word(const char **p, char *buf, size_t cap)
{
    while (**p == ' ')
        (*p)++;
    size_t n = strcspn(*p, " ");
    if (n == 0 || n >= cap) return NULL;
    memcpy(buf, *p, n);
    buf[n] = '\0';
    *p += n;
    while (**p == ' ')
        (*p)++;
    return buf;
}

static json_t *literal(struct shell *sh, const char *text)
{
    struct pq_error err;
    json_t *v = NULL;
    pq_error_init(&err);
    if (pq_vars_parse_text(&sh->vars, text, strlen(text), &v, &err)) v = NULL;
    pq_error_release(&err);
    return v;
}

static void show_value(json_t *v, struct pq_buf *out)
{
    pq_value_to_partiql(v, out);
}

static bool service_error(struct pq_error *err, const char *type)
{
    return err->code == PQ_ERR_SERVICE && err->type && strcmp(err->type, type) == 0;
}

static const char *type_word(const char *t)
{
    return strcmp(t, "S") == 0 ? "STRING" : strcmp(t, "N") == 0 ? "NUMBER" : "BINARY";
}

/* table NAME HASH TYPE [RANGE TYPE] */
static bool check_table(struct shell *sh, const char *args, struct pq_buf *why)
{
    char table[256], hash[256], htype[8], range[256] = "", rtype[8] = "";
    const char *p = args;
    if (!word(&p, table, sizeof table) || !word(&p, hash, sizeof hash) ||
        !word(&p, htype, sizeof htype)) {
        pq_buf_addf(why, "(bad check in the tutorial: 'table %s')", args);
        return false;
    }
    if (word(&p, range, sizeof range)) word(&p, rtype, sizeof rtype);
    json_t *req = json_pack("{s:s}", "TableName", table), *resp = NULL;
    struct pq_error err;
    pq_error_init(&err);
    bool ok = false;
    if (pq_backend_call(sh->backend, "DescribeTable", req, &resp, &err)) {
        if (service_error(&err, "ResourceNotFoundException"))
            pq_buf_addf(why, "there is no table '%s' yet", table);
        else
            pq_buf_addf(why, "cannot describe table '%s': %s", table, err.message);
        goto out;
    }
    json_t *t = json_object_get(resp, "Table");
    const char *names[2] = {NULL, NULL}, *types[2] = {NULL, NULL};
    size_t i, j;
    json_t *k, *d;
    json_array_foreach(json_object_get(t, "KeySchema"), i, k)
    {
        int slot = strcmp(json_string_value(json_object_get(k, "KeyType")), "HASH") == 0 ? 0 : 1;
        names[slot] = json_string_value(json_object_get(k, "AttributeName"));
        json_array_foreach(
            json_object_get(t, "AttributeDefinitions"), j,
            d) if (names[slot] &&
                   strcmp(json_string_value(json_object_get(d, "AttributeName")), names[slot]) == 0)
            types[slot] = json_string_value(json_object_get(d, "AttributeType"));
    }
    if (!names[0] || strcmp(names[0], hash) != 0 || !types[0] || strcmp(types[0], htype) != 0) {
        pq_buf_addf(why,
                    "table '%s' has partition key '%s' (%s); this step wants '%s' (%s). "
                    "Drop it (DROP TABLE %s;) and create it again",
                    table, names[0] ? names[0] : "?", types[0] ? type_word(types[0]) : "?", hash,
                    type_word(htype), table);
        goto out;
    }
    if (*range &&
        (!names[1] || strcmp(names[1], range) != 0 || !types[1] || strcmp(types[1], rtype) != 0)) {
        pq_buf_addf(why,
                    "table '%s' needs the sort key '%s' (%s). Drop it (DROP TABLE %s;) "
                    "and create it again",
                    table, range, type_word(rtype), table);
        goto out;
    }
    if (!*range && names[1]) {
        pq_buf_addf(why,
                    "table '%s' has a sort key '%s' this step does not want. Drop it "
                    "(DROP TABLE %s;) and create it again",
                    table, names[1], table);
        goto out;
    }
    ok = true;
out:
    pq_error_release(&err);
    json_decref(req);
    json_decref(resp);
    return ok;
}

/* Does `item` have every attribute of `want` (a map's payload)? */
static bool has_attrs(json_t *item, json_t *want, struct pq_buf *why)
{
    const char *name;
    json_t *v;
    json_object_foreach(want, name, v)
    {
        json_t *got = json_object_get(item, name);
        if (!got) {
            pq_buf_addf(why, "the item has no attribute '%s'", name);
            return false;
        }
        if (!pq_value_equal(got, v)) {
            pq_buf_addf(why, "the item's '%s' is ", name);
            show_value(got, why);
            pq_buf_adds(why, "; this step wants ");
            show_value(v, why);
            return false;
        }
    }
    return true;
}

/* item TABLE {'key': value, 'attr': value, …} */
static bool check_item(struct shell *sh, const char *args, struct pq_buf *why)
{
    char table[256];
    const char *p = args;
    json_t *want = word(&p, table, sizeof table) ? literal(sh, p) : NULL;
    json_t *req = NULL, *resp = NULL;
    struct pq_error err;
    bool ok = false;
    pq_error_init(&err);
    if (!want || pq_value_type(want) != PQ_T_M) {
        pq_buf_addf(why, "(bad check in the tutorial: 'item %s')", args);
        goto out;
    }
    json_t *attrs = pq_value_payload(want);
    shell_forget_keys(sh); /* the table may just have been made */
    const struct key_entry *k = shell_table_keys(sh, table);
    if (!k->hash) {
        pq_buf_addf(why, "there is no table '%s' yet", table);
        goto out;
    }
    struct pq_buf stmt = PQ_BUF_INIT;
    pq_buf_init(&stmt);
    pq_buf_adds(&stmt, "SELECT * FROM ");
    pq_buf_add_dquoted(&stmt, table, strlen(table));
    json_t *params = json_array();
    const char *keys[2] = {k->hash, k->range};
    for (int i = 0; i < 2 && keys[i]; i++) {
        json_t *v = json_object_get(attrs, keys[i]);
        if (!v) continue;
        pq_buf_adds(&stmt, i ? " AND " : " WHERE ");
        pq_buf_add_dquoted(&stmt, keys[i], strlen(keys[i]));
        pq_buf_adds(&stmt, " = ?");
        json_array_append(params, v);
    }
    req = json_pack("{s:s,s:o}", "Statement", stmt.data, "Parameters", params);
    pq_buf_release(&stmt);
    if (pq_backend_call(sh->backend, "ExecuteStatement", req, &resp, &err)) {
        pq_buf_addf(why, "cannot read table '%s': %s", table, err.message);
        goto out;
    }
    json_t *items = json_object_get(resp, "Items");
    if (json_array_size(items) == 0) {
        pq_buf_addf(why, "table '%s' has no item with %s = ", table, k->hash);
        json_t *hv = json_object_get(attrs, k->hash);
        if (hv) show_value(hv, why);
        goto out;
    }
    ok = has_attrs(json_array_get(items, 0), attrs, why);
out:
    pq_error_release(&err);
    json_decref(want);
    json_decref(req);
    json_decref(resp);
    return ok;
}

/* var NAME literal */
static bool check_var(struct shell *sh, const char *args, struct pq_buf *why)
{
    char name[256];
    const char *p = args;
    json_t *want = word(&p, name, sizeof name) ? literal(sh, p) : NULL;
    bool ok = false;
    if (!want) {
        pq_buf_addf(why, "(bad check in the tutorial: 'var %s')", args);
        return false;
    }
    json_t *got = pq_vars_get(&sh->vars, name);
    if (!got) {
        pq_buf_addf(why, "there is no variable '%s' yet (SET %s = ...;)", name, name);
    } else if (!pq_value_equal(got, want)) {
        pq_buf_addf(why, "variable '%s' is ", name);
        show_value(got, why);
        pq_buf_adds(why, "; this step wants ");
        show_value(want, why);
    } else {
        ok = true;
    }
    json_decref(want);
    return ok;
}

/* ttl TABLE ATTR: Time to Live is enabled on TABLE with attribute ATTR. */
static bool check_ttl(struct shell *sh, const char *args, struct pq_buf *why)
{
    char table[256], attr[256];
    const char *p = args;
    if (!word(&p, table, sizeof table) || !word(&p, attr, sizeof attr)) {
        pq_buf_addf(why, "(bad check in the tutorial: 'ttl %s')", args);
        return false;
    }
    json_t *req = json_pack("{s:s}", "TableName", table), *resp = NULL;
    struct pq_error err;
    pq_error_init(&err);
    bool ok = false;
    if (pq_backend_call(sh->backend, "DescribeTimeToLive", req, &resp, &err)) {
        pq_buf_addf(why, "cannot read the TTL setting of '%s': %s", table, err.message);
    } else {
        const json_t *d = json_object_get(resp, "TimeToLiveDescription");
        const char *got = json_string_value(json_object_get(d, "AttributeName"));
        ok = got && strcmp(got, attr) == 0 &&
             strcmp(json_string_value(json_object_get(d, "TimeToLiveStatus")), "ENABLED") == 0;
        if (!ok)
            pq_buf_addf(why, "Time to Live is not enabled on '%s' with attribute '%s' (.ttl %s %s)",
                        table, attr, table, attr);
    }
    pq_error_release(&err);
    json_decref(req);
    json_decref(resp);
    return ok;
}

/* gone TABLE {'key': value}: the table has no item with that key (any more). */
static bool check_gone(struct shell *sh, const char *args, struct pq_buf *why)
{
    struct pq_buf ignore = PQ_BUF_INIT;
    pq_buf_init(&ignore);
    bool present = check_item(sh, args, &ignore);
    pq_buf_release(&ignore);
    if (present) pq_buf_addf(why, "this item is still there: %s", args);
    return !present;
}

/* Was the statement just run a SELECT on `table`? (A SELECT run before the
 * step's checks last ran does not count again.) */
static bool fresh_select(struct shell *sh, const char *table, struct pq_buf *why)
{
    if (!sh->last_rows || !sh->last_table || strcmp(sh->last_table, table) != 0 ||
        !sh->last_request || sh->last_request == sh->tutorial->seen || !sh->tutorial->last_ok) {
        pq_buf_addf(why, "this step wants a SELECT on table '%s'", table);
        return false;
    }
    return true;
}

/* Does condition `e` (an AND of tests) pin attribute `attr` with `=` to a
 * value equal to `want`? Values are `?` (filled from `params`) or literals. */
static bool pins(const struct pq_expr *e, const char *attr, const json_t *params, json_t *want)
{
    if (!e) return false;
    if (e->kind == PQ_E_BINARY && e->op == PQ_OP_AND)
        return pins(e->lhs, attr, params, want) || pins(e->rhs, attr, params, want);
    if (e->kind != PQ_E_BINARY || e->op != PQ_OP_EQ) return false;
    for (int side = 0; side < 2; side++) {
        const struct pq_expr *path = side ? e->rhs : e->lhs, *value = side ? e->lhs : e->rhs;
        if (path->kind != PQ_E_PATH || path->nsteps != 1 || path->steps[0].kind != PQ_STEP_NAME ||
            strcmp(path->steps[0].name, attr) != 0 || !pq_literal_is_constant(value))
            continue;
        struct pq_error err;
        json_t *v = NULL;
        pq_error_init(&err);
        bool same = pq_literal_eval(value, params, &v, &err) == PQ_OK && pq_value_equal(v, want);
        json_decref(v);
        pq_error_release(&err);
        if (same) return true;
    }
    return false;
}

/* keyread TABLE ATTR VAR: the statement just run was a SELECT on TABLE, any
 * projection, whose WHERE pins ATTR with `=` to the value of variable VAR —
 * written :VAR, a bare VAR, or a literal with the same value. A SELECT with
 * no WHERE, or a WHERE on another attribute, does not do what the step asks
 * even when its result holds the item. */
static bool check_keyread(struct shell *sh, const char *args, struct pq_buf *why)
{
    char table[256], attr[256], var[256];
    const char *p = args;
    if (!word(&p, table, sizeof table) || !word(&p, attr, sizeof attr) ||
        !word(&p, var, sizeof var) || *p) {
        pq_buf_addf(why, "(bad check in the tutorial: 'keyread %s')", args);
        return false;
    }
    json_t *want = pq_vars_get(&sh->vars, var);
    if (!want) {
        pq_buf_addf(why, "there is no variable '%s' yet (SET %s = ...;)", var, var);
        return false;
    }
    if (!fresh_select(sh, table, why)) return false;
    const char *text = json_string_value(json_object_get(sh->last_request, "Statement"));
    struct pq_stmt *s = NULL;
    struct pq_error err;
    pq_error_init(&err);
    bool ok = text && pq_parse(text, strlen(text), PQ_PARSE_STRICT, &s, &err, NULL) == PQ_OK &&
              s->kind == PQ_S_SELECT &&
              pins(s->u.select.where, attr, json_object_get(sh->last_request, "Parameters"), want);
    if (!ok)
        pq_buf_addf(why,
                    "this step wants a SELECT on '%s' that finds the item by its key: WHERE %s = "
                    ":%s",
                    table, attr, var);
    pq_error_release(&err);
    if (s) pq_stmt_free(s);
    return ok;
}

/* result TABLE {'attr': value, …}: the last SELECT, on TABLE, returned such an item. */
static bool check_result(struct shell *sh, const char *args, struct pq_buf *why)
{
    char table[256];
    const char *p = args;
    json_t *want = word(&p, table, sizeof table) ? literal(sh, p) : NULL;
    bool ok = false;
    if (!want || pq_value_type(want) != PQ_T_M) {
        pq_buf_addf(why, "(bad check in the tutorial: 'result %s')", args);
        goto out;
    }
    if (!fresh_select(sh, table, why)) goto out;
    size_t i;
    json_t *item;
    struct pq_buf ignore = PQ_BUF_INIT;
    pq_buf_init(&ignore);
    json_array_foreach(sh->last_rows, i, item) if (has_attrs(item, pq_value_payload(want), &ignore))
    {
        ok = true;
        break;
    }
    pq_buf_release(&ignore);
    if (!ok) {
        pq_buf_adds(why, "the last SELECT did not return the item ");
        show_value(want, why);
    }
out:
    json_decref(want);
    return ok;
}

static bool run_check(struct shell *sh, const char *check, struct pq_buf *why)
{
    static const struct {
        const char *kind;
        bool (*run)(struct shell *, const char *, struct pq_buf *);
    } kinds[] = {{"table", check_table},   {"item", check_item},       {"var", check_var},
                 {"result", check_result}, {"keyread", check_keyread}, {"ttl", check_ttl},
                 {"gone", check_gone}};
    size_t n = strcspn(check, " ");
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strlen(kinds[i].kind) == n && strncmp(check, kinds[i].kind, n) == 0)
            return kinds[i].run(sh, check + n + strspn(check + n, " "), why);
    pq_buf_addf(why, "(unknown check in the tutorial: '%s')", check);
    return false;
}

void shell_tutorial_after(struct shell *sh, bool statement_ok)
{
    struct tutorial *t = sh->tutorial;
    const struct tstep *s = &t->steps[t->cur];
    struct pq_buf why = PQ_BUF_INIT;
    pq_buf_init(&why);
    bool ok = true;
    t->last_ok = statement_ok;
    for (size_t i = 0; i < s->nchecks && ok; i++)
        ok = run_check(sh, s->checks[i], &why);
    json_decref(t->seen);
    t->seen = json_incref(sh->last_request);
    if (ok) {
        t->done++;
        printf("%s\u2713 Step %zu done.%s ", shell_sgr(sh, "\033[32m"), t->cur + 1,
               shell_sgr(sh, "\033[0m"));
        progress(t);
        next_step(sh);
    } else {
        printf("%sNot yet:%s %s.\n", shell_sgr(sh, "\033[33m"), shell_sgr(sh, "\033[0m"), why.data);
        shell_tutorial_hint(sh);
    }
    pq_buf_release(&why);
    fflush(stdout);
}
