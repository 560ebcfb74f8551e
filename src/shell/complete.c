/* complete.c — tab completion: keywords, tables, attributes, :variables, commands, files.
 *
 * What is offered depends on the text before the cursor (the earlier lines
 * of the statement included): a command name at the start of a command
 * line, a file after .read, a table after FROM / INTO / UPDATE / TABLE /
 * DESCRIBE, attribute names after SELECT / WHERE / SET (the table's key
 * schema and the attributes seen in results this session), variables after
 * ':', keywords elsewhere. Table names come from ListTables, cached until
 * the next DDL statement.
 */
#include "shell.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <readline/readline.h>

static struct shell *csh;
static char *pending; /* earlier lines of the statement being typed */

static const char *const keywords[] = {
    "SELECT",
    "FROM",
    "WHERE",
    "AND",
    "OR",
    "NOT",
    "IN",
    "BETWEEN",
    "LIKE",
    "IS",
    "NULL",
    "MISSING",
    "TRUE",
    "FALSE",
    "EXISTS",
    "ORDER",
    "BY",
    "ASC",
    "DESC",
    "LIMIT",
    "INSERT",
    "INTO",
    "VALUE",
    "VALUES",
    "UPDATE",
    "SET",
    "REMOVE",
    "DELETE",
    "RETURNING",
    "ALL",
    "MODIFIED",
    "OLD",
    "NEW",
    "CREATE",
    "TABLE",
    "DROP",
    "DESCRIBE",
    "SHOW",
    "TABLES",
    "IF",
    "PRIMARY",
    "KEY",
    "PARTITION",
    "SORT",
    "HASH",
    "RANGE",
    "STRING",
    "NUMBER",
    "BINARY",
    "INDEX",
    "GLOBAL",
    "LOCAL",
    "ON",
    "PROJECTION",
    "INCLUDE",
    "KEYS_ONLY",
    "BILLING",
    "MODE",
    "PAY_PER_REQUEST",
    "PROVISIONED",
    "LET",
    "UNSET",
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "TRANSACTION",
    "BATCH",
    "END",
    "EXPLAIN",
    "WITH",
    "TOKEN",
    NULL,
};

json_t *shell_list_tables(struct shell *sh, struct pq_error *err)
{
    json_t *names = json_array(), *start = NULL;
    for (;;) {
        json_t *req = json_object(), *resp = NULL;
        if (start) json_object_set(req, "ExclusiveStartTableName", start);
        pq_status st = pq_backend_call(sh->backend, "ListTables", req, &resp, err);
        json_decref(req);
        if (st) {
            json_decref(start);
            json_decref(names);
            return NULL;
        }
        json_array_extend(names, json_object_get(resp, "TableNames"));
        json_t *next = json_object_get(resp, "LastEvaluatedTableName");
        json_decref(start);
        start = json_is_string(next) ? json_incref(next) : NULL;
        json_decref(resp);
        if (!start) return names;
    }
}

json_t *shell_table_names(struct shell *sh)
{
    if (!sh->tables) {
        struct pq_error err;
        pq_error_init(&err);
        sh->tables = shell_list_tables(sh, &err);
        if (!sh->tables) sh->tables = json_array(); /* offline: nothing to offer */
        pq_error_release(&err);
    }
    return sh->tables;
}

void shell_note_attrs(struct shell *sh, const char *table, json_t *items)
{
    size_t i;
    json_t *item, *v;
    const char *name;
    if (!sh->attrs) sh->attrs = json_object();
    json_t *seen = json_object_get(sh->attrs, table);
    if (!seen) {
        seen = json_object();
        json_object_set_new(sh->attrs, table, seen);
    }
    json_array_foreach(items, i, item)
    {
        if (json_object_size(seen) > 1000) break; /* enough to choose from */
        json_object_foreach(item, name, v) json_object_set(seen, name, json_true());
    }
}

void shell_complete_pending(const char *text)
{
    free(pending);
    pending = text && *text ? pq_xstrdup(text) : NULL;
}

/* ---- candidates ------------------------------------------------------------ */

struct cands {
    char **v;
    size_t n;
    const char *prefix; /* what is typed */
    bool lower;         /* keywords in lower case (the user types so) */
};

static void add(struct cands *c, const char *word, bool keyword)
{
    size_t n = strlen(c->prefix);
    bool match = keyword ? strncasecmp(word, c->prefix, n) == 0 : strncmp(word, c->prefix, n) == 0;
    if (!match) return;
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->v[i], word) == 0) return;
    char *w = pq_xstrdup(word);
    if (keyword && c->lower)
        for (char *p = w; *p; p++)
            *p = (char)tolower((unsigned char)*p);
    c->v = pq_xrealloc(c->v, (c->n + 2) * sizeof *c->v);
    c->v[c->n++] = w;
}

static void add_keywords(struct cands *c)
{
    for (size_t i = 0; keywords[i]; i++)
        add(c, keywords[i], true);
}

static void add_tables(struct cands *c)
{
    size_t i;
    json_t *t;
    json_array_foreach(shell_table_names(csh), i, t) add(c, json_string_value(t), false);
}

static void add_attrs_of(struct cands *c, const char *table)
{
    const struct key_entry *k = shell_table_keys(csh, table);
    if (k->hash) add(c, k->hash, false);
    if (k->range) add(c, k->range, false);
    const char *name;
    json_t *v;
    json_object_foreach(json_object_get(csh->attrs, table), name, v) add(c, name, false);
}

/* Attributes of the table the statement names, or of every table seen. */
static void add_attrs(struct cands *c, const char *table)
{
    if (table) {
        add_attrs_of(c, table);
        return;
    }
    const char *t;
    json_t *v;
    json_object_foreach(csh->attrs, t, v) add_attrs_of(c, t);
}

static void add_vars(struct cands *c)
{
    for (size_t i = 0; i < pq_vars_count(&csh->vars); i++) {
        char buf[256];
        snprintf(buf, sizeof buf, ":%s", pq_vars_name(&csh->vars, i));
        add(c, buf, false);
    }
}

/* Readline wants a NULL-terminated array whose first entry is the common
 * prefix of the rest (or the only match). */
static char **finish(struct cands *c)
{
    if (c->n == 0) {
        free(c->v);
        return NULL;
    }
    size_t common = strlen(c->v[0]);
    for (size_t i = 1; i < c->n; i++) {
        size_t k = 0;
        while (k < common && c->v[i][k] == c->v[0][k])
            k++;
        common = k;
    }
    char **out = pq_xcalloc(c->n + 2, sizeof *out);
    if (c->n == 1) {
        out[0] = c->v[0];
    } else {
        out[0] = pq_xstrndup(c->v[0], common);
        for (size_t i = 0; i < c->n; i++)
            out[i + 1] = c->v[i];
    }
    free(c->v);
    return out;
}

/* ---- context ---------------------------------------------------------------- */

/* The words of `text` (identifiers, keywords; quotes and literals skipped). */
static size_t words(const char *text, char ***out)
{
    char **v = NULL;
    size_t n = 0;
    for (const char *p = text; *p;) {
        if (*p == '\'' || *p == '"') {
            char q = *p++;
            while (*p && *p != q)
                p++;
            if (*p) p++;
            continue;
        }
        if (isalpha((unsigned char)*p) || *p == '_') {
            const char *s = p;
            while (isalnum((unsigned char)*p) || *p == '_')
                p++;
            v = pq_xrealloc(v, (n + 1) * sizeof *v);
            v[n++] = pq_xstrndup(s, (size_t)(p - s));
            continue;
        }
        if (strchr(",()=<>", *p)) {
            v = pq_xrealloc(v, (n + 1) * sizeof *v);
            v[n++] = pq_xstrndup(p, 1);
        }
        p++;
    }
    *out = v;
    return n;
}

static bool is_word(const char *w, const char *kw)
{
    return w && strcasecmp(w, kw) == 0;
}

/* The table named after FROM / UPDATE / INTO / DESCRIBE anywhere in the statement. */
static char *statement_table(char **w, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (is_word(w[i], "FROM") || is_word(w[i], "UPDATE") || is_word(w[i], "INTO"))
            if (isalpha((unsigned char)w[i + 1][0]) || w[i + 1][0] == '_')
                return pq_xstrdup(w[i + 1]);
    return NULL;
}

static void free_words(char **w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(w[i]);
    free(w);
}

static char **complete_command(const char *line, int start, const char *text)
{
    struct cands c = {NULL, 0, text, false};
    size_t lead = strspn(line, " \t");
    if ((size_t)start <= lead) {
        for (size_t i = 0; shell_command_name(i); i++)
            add(&c, shell_command_name(i), false);
        return finish(&c);
    }
    size_t n = strcspn(line + lead, " \t");
    char *cmd = pq_xstrndup(line + lead, n);
    char **out = NULL;
    /* No file names in the classroom's sandbox: they are the server's. */
    if (!shell_sandboxed() && (strcmp(cmd, ".read") == 0 || strcmp(cmd, "\\i") == 0 ||
                               strcmp(cmd, ".output") == 0 || strcmp(cmd, "\\o") == 0)) {
        rl_filename_completion_desired = 1;
        out = rl_completion_matches(text, rl_filename_completion_function);
        goto out;
    }
    if (strcmp(cmd, ".mode") == 0) {
        static const char *const modes[] = {"table",   "line", "markdown", "json",
                                            "ddbjson", "csv",  "tsv",      NULL};
        for (size_t i = 0; modes[i]; i++)
            add(&c, modes[i], false);
    } else if (strcmp(cmd, ".describe") == 0 || strcmp(cmd, "\\d") == 0) {
        add_tables(&c);
    } else if (strcmp(cmd, ".help") == 0 || strcmp(cmd, "\\?") == 0) {
        for (size_t i = 0; shell_help_name(i); i++)
            if (!strchr(shell_help_name(i), ' ')) add(&c, shell_help_name(i), true);
        for (size_t i = 0; shell_command_name(i); i++)
            add(&c, shell_command_name(i), false);
    } else {
        add(&c, "on", false);
        add(&c, "off", false);
    }
    out = finish(&c);
out:
    free(cmd);
    return out;
}

static char **complete(const char *text, int start, int end)
{
    rl_attempted_completion_over = 1; /* no file names unless asked for */
    const char *line = rl_line_buffer;
    size_t lead = strspn(line, " \t");
    if (!pending && (line[lead] == '.' || line[lead] == '\\'))
        return complete_command(line, start, text);
    struct cands c = {NULL, 0, text, false};
    if (text[0] == ':') {
        add_vars(&c);
        return finish(&c);
    }
    /* Lower-case keywords when the user types in lower case. */
    for (const char *p = text; *p; p++)
        if (islower((unsigned char)*p))
            c.lower = true;
        else if (isupper((unsigned char)*p)) {
            c.lower = false;
            break;
        }
    struct pq_buf before = PQ_BUF_INIT, all = PQ_BUF_INIT;
    pq_buf_init(&before);
    pq_buf_init(&all);
    if (pending) {
        pq_buf_adds(&before, pending);
        pq_buf_addc(&before, '\n');
    }
    pq_buf_adds(&all, before.data);
    pq_buf_add(&before, line, (size_t)start);
    pq_buf_adds(&all, line);
    char **w, **aw;
    size_t n = words(before.data, &w), an = words(all.data, &aw);
    char *table = statement_table(aw, an);
    const char *prev = n ? w[n - 1] : NULL;
    if (is_word(prev, "FROM") || is_word(prev, "INTO") || is_word(prev, "UPDATE") ||
        is_word(prev, "TABLE") || is_word(prev, "DESCRIBE") || is_word(prev, "DESC") ||
        is_word(prev, "ON") || is_word(prev, "EXISTS")) {
        add_tables(&c);
    } else {
        /* The clause the cursor is in decides whether attributes fit. */
        bool attrs = false;
        for (size_t i = n; i-- > 0;) {
            if (is_word(w[i], "SELECT") || is_word(w[i], "WHERE") || is_word(w[i], "SET") ||
                is_word(w[i], "REMOVE") || is_word(w[i], "BY")) {
                attrs = true;
                break;
            }
            if (is_word(w[i], "FROM") || is_word(w[i], "INTO") || is_word(w[i], "VALUE") ||
                is_word(w[i], "VALUES") || is_word(w[i], "LIMIT"))
                break;
        }
        if (attrs) add_attrs(&c, table);
        add_keywords(&c);
    }
    free(table);
    free_words(w, n);
    free_words(aw, an);
    pq_buf_release(&before);
    pq_buf_release(&all);
    return finish(&c);
}

void shell_complete_init(struct shell *sh)
{
    csh = sh;
    rl_readline_name = "pqsh";
    rl_attempted_completion_function = complete;
    /* ':' and '.' stay in words (variables, dot-commands, file names); ',' and
     * parentheses end them. */
    rl_basic_word_break_characters = " \t\n\"'`@$><=;|&{(),";
    rl_completer_word_break_characters = rl_basic_word_break_characters;
}
