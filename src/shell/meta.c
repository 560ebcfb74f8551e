/* meta.c — dot and backslash commands, from one table (like git.c's commands). */
#include "shell.h"
#include "target.h"
#include "pqsh/value.h"

#include <errno.h>
#include <string.h>

#define MAX_READ_DEPTH 16

struct command {
    const char *name;
    const char *usage;
    const char *help;
    /* Runs with the arguments (trimmed, possibly ""), which begin at byte
     * `at` of the command line; false on failure, the message printed. */
    bool (*run)(struct shell *sh, const struct where *w, const char *args, size_t at);
};

static const struct command commands[];

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* on|off → *flag; anything else is a usage error. */
static bool parse_switch(const struct where *w, const char *cmd, const char *args, bool *flag)
{
    if (strcmp(args, "on") == 0) {
        *flag = true;
        return true;
    }
    if (strcmp(args, "off") == 0) {
        *flag = false;
        return true;
    }
    shell_errorf(w, "usage: %s on|off", cmd);
    return false;
}

static bool cmd_help(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    printf("Statements end with ';'. Besides DynamoDB's PartiQL (SELECT, INSERT, UPDATE,\n"
           "DELETE) pqsh runs CREATE TABLE, DROP TABLE, DESCRIBE t, SHOW TABLES,\n"
           "INSERT INTO t (cols) VALUES (...), (...), EXPLAIN, and variables:\n"
           "SET name = literal; then use :name (or name) where a value goes.\n\n");
    for (const struct command *c = commands; c->name; c++)
        printf("%-32s %s\n", c->usage, c->help);
    return true;
}

static bool cmd_quit(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    sh->quit = true;
    return true;
}

static bool cmd_mode(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    static const char *const names[] = {"table", "json", "ddbjson", "csv"};
    if (!*args) {
        printf("%s\n", names[sh->mode]);
        return true;
    }
    if (shell_set_mode(sh, args)) return true;
    shell_errorf(w, "unknown mode '%s' (table, json, ddbjson or csv)", args);
    return false;
}

static bool cmd_vars(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    shell_list_vars(sh);
    return true;
}

/* \set name value — the value is a PartiQL literal, or else a string. */
static bool cmd_set(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    if (!*args) {
        shell_list_vars(sh);
        return true;
    }
    size_t n = 0;
    while (args[n] && !is_blank(args[n]))
        n++;
    const char *value = args + n;
    while (is_blank(*value))
        value++;
    if (!pq_vars_valid_name(args, n)) {
        shell_errorf(w, "invalid variable name '%.*s' (letters, digits and _)", (int)n, args);
        return false;
    }
    struct pq_error err;
    json_t *v = NULL;
    pq_error_init(&err);
    if (pq_vars_parse_text(&sh->vars, value, strlen(value), &v, &err)) {
        /* Positions in the value → positions in the command line. */
        size_t off = at + (size_t)(value - args);
        if (err.start != PQ_NO_POS) {
            err.start += off;
            err.end = err.end == PQ_NO_POS ? err.start : err.end + off;
        }
        shell_error(w, &err);
        pq_error_release(&err);
        return false;
    }
    char *name = pq_xstrndup(args, n);
    pq_vars_set(&sh->vars, name, v);
    free(name);
    return true;
}

static bool cmd_unset(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    if (!*args) {
        shell_errorf(w, "usage: \\unset name");
        return false;
    }
    if (!pq_vars_unset(&sh->vars, args)) {
        shell_errorf(w, "no variable named '%s'", args);
        return false;
    }
    return true;
}

static bool cmd_echo(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    return parse_switch(w, ".echo", args, &sh->echo);
}

static bool cmd_bail(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    return parse_switch(w, ".bail", args, &sh->bail);
}

static bool cmd_read(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    if (!*args) {
        shell_errorf(w, "usage: .read FILE");
        return false;
    }
    if (sh->depth >= MAX_READ_DEPTH) {
        shell_errorf(w, ".read nested more than %d deep", MAX_READ_DEPTH);
        return false;
    }
    FILE *f = fopen(args, "r");
    if (!f) {
        shell_errorf(w, "cannot open '%s': %s", args, strerror(errno));
        return false;
    }
    char *name = pq_xstrdup(args);
    sh->depth++;
    shell_run_stream(sh, f, name);
    sh->depth--;
    fclose(f);
    free(name);
    return true;
}

static const struct command commands[] = {
    {".help", ".help", "show this help", cmd_help},
    {".quit", ".quit", "leave pqsh (also \\q, .exit)", cmd_quit},
    {".exit", ".exit", "leave pqsh", cmd_quit},
    {"\\q", "\\q", "leave pqsh", cmd_quit},
    {".mode", ".mode [table|json|ddbjson|csv]", "show or set how results are printed", cmd_mode},
    {".vars", ".vars", "list the variables as PartiQL literals", cmd_vars},
    {"\\set", "\\set [name [value]]", "set a variable (value: a PartiQL literal or a word)",
     cmd_set},
    {"\\unset", "\\unset name", "remove a variable (also UNSET name;)", cmd_unset},
    {".echo", ".echo on|off", "print each statement before its result", cmd_echo},
    {".bail", ".bail on|off", "stop at the first error", cmd_bail},
    {".read", ".read FILE", "run the statements in FILE", cmd_read},
    {".connect", ".connect local[:PATH]|aws[:REGION]|URL",
     "switch the target (no argument: show it)", target_connect},
    {NULL, NULL, NULL, NULL},
};

bool shell_set_mode(struct shell *sh, const char *name)
{
    static const struct {
        const char *name;
        enum out_mode mode;
    } modes[] = {
        {"table", MODE_TABLE}, {"json", MODE_JSON}, {"ddbjson", MODE_DDBJSON}, {"csv", MODE_CSV}};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        if (strcmp(name, modes[i].name) == 0) {
            sh->mode = modes[i].mode;
            return true;
        }
    return false;
}

void shell_list_vars(struct shell *sh)
{
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    for (size_t i = 0; i < pq_vars_count(&sh->vars); i++) {
        pq_buf_reset(&b);
        pq_value_to_partiql(pq_vars_value(&sh->vars, i), &b);
        printf("%s = %s\n", pq_vars_name(&sh->vars, i), b.data);
    }
    pq_buf_release(&b);
}

void shell_command(struct shell *sh, const struct where *w)
{
    const char *t = w->text;
    size_t n = 0, len = w->len;
    while (len && is_blank(t[len - 1]))
        len--;
    while (n < len && !is_blank(t[n]))
        n++;
    size_t a = n;
    while (a < len && is_blank(t[a]))
        a++;
    char *args = pq_xstrndup(t + a, len - a);
    const struct command *c = commands;
    while (c->name && (strlen(c->name) != n || strncmp(c->name, t, n) != 0))
        c++;
    bool ok;
    if (!c->name) {
        shell_errorf(w, "unknown command '%.*s' (.help lists them)", (int)n, t);
        ok = false;
    } else {
        ok = c->run(sh, w, args, a);
    }
    if (!ok) shell_fail(sh);
    free(args);
}
