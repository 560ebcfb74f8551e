/* meta.c — dot and backslash commands (psql-style aliases), from one table (like git.c's). */
#include "shell.h"
#include "target.h"
#include "exec.h"
#include "bulk.h"
#include "pqsh/value.h"

#include <errno.h>
#include <stdlib.h>
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

/* Commands with the same handler: the first is the name, the rest aliases. */
static void print_aliases(const struct command *cmd)
{
    bool any = false;
    for (const struct command *c = commands; c->name; c++) {
        if (c == cmd || c->run != cmd->run) continue;
        printf("%s%s", any ? ", " : " (also ", c->name);
        any = true;
    }
    printf("%s", any ? ")" : "");
}

static bool cmd_help(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    if (*args) {
        if (shell_help_topic(args)) return true;
        /* Commands added without a help.c topic: their table entry. */
        for (const struct command *c = commands; c->name; c++) {
            bool dotless = c->name[0] == '.' && strcmp(c->name + 1, args) == 0;
            if (strcmp(c->name, args) != 0 && !dotless) continue;
            const struct command *first = commands;
            while (first->run != c->run || !first->usage)
                first++;
            printf("%s\n    %s", first->usage, first->help);
            print_aliases(first);
            printf("\n");
            return true;
        }
        shell_errorf(w, "no help on '%s' (.help lists the topics)", args);
        return false;
    }
    printf("Statements end with ';'. Besides DynamoDB's PartiQL (SELECT, INSERT, UPDATE,\n"
           "DELETE) pqsh runs CREATE TABLE, DROP TABLE, DESCRIBE t, SHOW TABLES,\n"
           "INSERT INTO t (cols) VALUES (...), (...), EXPLAIN, and variables:\n"
           "SET name = literal; then use :name (or name) where a value goes.\n\n");
    printf("Statements (.help NAME shows the syntax and an example):\n ");
    size_t col = 1;
    for (size_t i = 0; shell_help_name(i); i++) {
        const char *name = shell_help_name(i);
        if (col + strlen(name) + 2 > 78) {
            printf("\n ");
            col = 1;
        }
        printf(" %s%s", name, shell_help_name(i + 1) ? "," : "\n");
        col += strlen(name) + 2;
    }
    printf("\nCommands (also with \\ as in psql):\n");
    for (const struct command *c = commands; c->name; c++)
        if (c->usage) printf("%-32s %s\n", c->usage, c->help);
    return true;
}

static bool cmd_quit(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    sh->quit = true;
    return true;
}

static const char *const mode_names[] = {
    [MODE_TABLE] = "table", [MODE_JSON] = "json", [MODE_DDBJSON] = "ddbjson",
    [MODE_CSV] = "csv",     [MODE_TSV] = "tsv",   [MODE_MARKDOWN] = "markdown",
    [MODE_LINE] = "line",
};

static bool cmd_mode(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    if (!*args) {
        printf("%s\n", mode_names[sh->mode]);
        return true;
    }
    if (shell_set_mode(sh, args)) return true;
    shell_errorf(w, "unknown mode '%s' (%s)", args, SHELL_MODES);
    return false;
}

/* \x: line mode on / off (back to table), as psql's expanded display. */
static bool cmd_expanded(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    bool on = sh->mode != MODE_LINE;
    if (*args && !parse_switch(w, "\\x", args, &on)) return false;
    sh->mode = on ? MODE_LINE : MODE_TABLE;
    printf("Expanded display is %s.\n", on ? "on" : "off");
    return true;
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
    /* `\set x = 'v'` (SET's '=' out of habit) means `\set x 'v'`. */
    if (value[0] == '=' && (is_blank(value[1]) || !value[1])) {
        value++;
        while (is_blank(*value))
            value++;
    }
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

/* `\gset` alone: it ends a statement (input.c / shell_exec_gset). */
static bool cmd_gset(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    shell_errorf(w, "\\gset ends a statement instead of ';': SELECT … \\gset [prefix]");
    return false;
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
    FILE *f = shell_open_script(args);
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

static bool cmd_timing(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    return parse_switch(w, ".timing", args, &sh->timing);
}

static bool cmd_consistent(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    return parse_switch(w, ".consistent", args, &sh->consistent);
}

static bool cmd_explain(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    return parse_switch(w, ".explain", args, &sh->explain);
}

static bool cmd_output(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    return shell_output_to(sh, w, *args ? args : NULL);
}

/* Runs a statement the shell writes itself, with messages pointing at the command. */
static bool run_text(struct shell *sh, const struct where *w, const char *text)
{
    struct where inner = {w->file, w->line, w->col, text, strlen(text)};
    bool failed = sh->failed;
    sh->failed = false;
    shell_exec(sh, &inner);
    bool ok = !sh->failed;
    sh->failed = failed || !ok;
    return ok;
}

static bool cmd_tables(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    return run_text(sh, w, "SHOW TABLES");
}

static bool cmd_describe(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    if (!*args) return cmd_tables(sh, w, args, at);
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    pq_buf_adds(&b, "DESCRIBE ");
    pq_buf_add_dquoted(&b, args, strlen(args));
    bool ok = run_text(sh, w, b.data);
    pq_buf_release(&b);
    return ok;
}

/* Every table name of the target; NULL on failure (the message printed). */
static json_t *list_tables(struct shell *sh, const struct where *w)
{
    struct pq_error err;
    pq_error_init(&err);
    json_t *names = shell_list_tables(sh, &err);
    if (!names) shell_error(w, &err);
    pq_error_release(&err);
    return names;
}

/* .reset [force] — the embedded engine only: drops every table. */
static bool cmd_reset(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    if (sh->backend->remote) {
        shell_errorf(w, ".reset works on the embedded engine only (this is %s)",
                     sh->backend->label);
        return false;
    }
    bool force = strcmp(args, "force") == 0;
    if (*args && !force) {
        shell_errorf(w, "usage: .reset [force]");
        return false;
    }
    json_t *names = list_tables(sh, w);
    if (!names) return false;
    bool ok = true;
    if (json_array_size(names) == 0) {
        printf("No tables to drop.\n");
        goto out;
    }
    if (!force) {
        if (!sh->interactive) {
            shell_errorf(w, ".reset asks before it drops every table: use '.reset force' in "
                            "scripts");
            ok = false;
            goto out;
        }
        char q[128];
        snprintf(q, sizeof q, "Drop all %zu table%s? [y/N] ", json_array_size(names),
                 json_array_size(names) == 1 ? "" : "s");
        if (!shell_confirm(q)) {
            printf("Nothing dropped.\n");
            goto out;
        }
    }
    size_t i;
    json_t *name;
    json_array_foreach(names, i, name)
    {
        json_t *req = json_pack("{s:O}", "TableName", name), *resp = NULL;
        struct pq_error err;
        pq_error_init(&err);
        if (pq_backend_call(sh->backend, "DeleteTable", req, &resp, &err)) {
            shell_error(w, &err);
            ok = false;
        }
        pq_error_release(&err);
        json_decref(req);
        json_decref(resp);
    }
    shell_forget_keys(sh);
    if (ok)
        printf("Dropped %zu table%s.\n", json_array_size(names),
               json_array_size(names) == 1 ? "" : "s");
out:
    json_decref(names);
    return ok;
}

static bool cmd_tutorial(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    if (!*args) {
        if (sh->tutorial)
            shell_tutorial_status(sh);
        else
            shell_tutorial_list(stdout);
        return true;
    }
    if (strcmp(args, "off") == 0) {
        shell_tutorial_free(sh);
        return true;
    }
    return shell_tutorial_start(sh, args);
}

static bool cmd_hint(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    if (!sh->tutorial) {
        shell_errorf(w, "no tutorial is running (.tutorial lists them)");
        return false;
    }
    shell_tutorial_hint(sh);
    return true;
}

static bool cmd_skip(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    if (!sh->tutorial) {
        shell_errorf(w, "no tutorial is running (.tutorial lists them)");
        return false;
    }
    shell_tutorial_skip(sh);
    return true;
}

static const struct command commands[] = {
    {".help", ".help [topic]", "show this help, or the syntax and an example for a topic",
     cmd_help},
    {"\\?", NULL, NULL, cmd_help},
    {"\\h", NULL, NULL, cmd_help},
    {".quit", ".quit", "leave pqsh (also \\q, .exit, Ctrl-D)", cmd_quit},
    {".exit", NULL, NULL, cmd_quit},
    {"\\q", NULL, NULL, cmd_quit},
    {".mode", ".mode [MODE]", "show or set how results are printed: " SHELL_MODES, cmd_mode},
    {"\\x", "\\x [on|off]", "line mode on / off (psql's expanded display)", cmd_expanded},
    {".timing", ".timing on|off", "print how long each statement took (client and server)",
     cmd_timing},
    {"\\timing", NULL, NULL, cmd_timing},
    {".vars", ".vars", "list the variables as PartiQL literals", cmd_vars},
    {"\\set", "\\set [name [value]]", "set a variable (value: a PartiQL literal or a word)",
     cmd_set},
    {"\\gset", "\\gset [prefix]",
     "end a SELECT with it instead of ';': its one item's attributes become variables", cmd_gset},
    {"\\unset", "\\unset name", "remove a variable (also UNSET name;)", cmd_unset},
    {".echo", ".echo on|off", "print each statement before its result", cmd_echo},
    {".bail", ".bail on|off", "stop at the first error", cmd_bail},
    {".read", ".read FILE", "run the statements in FILE", cmd_read},
    {".connect", ".connect local[:PATH]|aws[:REGION]|URL",
     "switch the target (no argument: show it)", target_connect},
    {".capacity", ".capacity on|off", "print the capacity each statement consumed",
     shell_cmd_capacity},
    {".scanwarn", ".scanwarn on|off", "ask before a SELECT that scans a whole table (HTTP)",
     shell_cmd_scanwarn},
    {"\\i", NULL, NULL, cmd_read},
    {".output", ".output [FILE]", "send results to FILE (no FILE: back to the screen)", cmd_output},
    {"\\o", NULL, NULL, cmd_output},
    {".tables", ".tables", "list the tables (SHOW TABLES)", cmd_tables},
    {"\\dt", NULL, NULL, cmd_tables},
    {".describe", ".describe TABLE", "show a table's keys, indexes and size (DESCRIBE)",
     cmd_describe},
    {"\\d", NULL, NULL, cmd_describe},
    {".consistent", ".consistent on|off", "strongly consistent reads for SELECT", cmd_consistent},
    {".explain", ".explain on|off", "show the API call of each statement before it runs",
     cmd_explain},
    {".reset", ".reset [force]", "embedded engine: drop every table (asks first)", cmd_reset},
    {".clock", ".clock [+11m|+2h|-30s|now]",
     "embedded engine: show or move its clock (TTL, token windows)", shell_cmd_clock},
    {".ttl-sweep", ".ttl-sweep", "embedded engine: delete expired TTL items now",
     shell_cmd_ttl_sweep},
    {".ttl", ".ttl TABLE [ATTRIBUTE|off]", "show, enable or disable a table's Time to Live",
     shell_cmd_ttl},
    {".tail", ".tail TABLE", "print each change of TABLE as it happens (its stream; Ctrl-C stops)",
     shell_cmd_tail},
    {".stream", ".stream TABLE [VIEW|off]", "show, enable or disable a table's stream",
     shell_cmd_stream},
    {".tutorial", ".tutorial [NAME|off]", "list the tutorials, or start one", cmd_tutorial},
    {".hint", ".hint", "tutorial: a hint for the current step", cmd_hint},
    {".skip", ".skip", "tutorial: go on to the next step", cmd_skip},
    {".import", ".import [OPTIONS] FILE TABLE",
     "load items from CSV, TSV, JSON Lines, DynamoDB JSON or an S3 export (.help import)",
     shell_cmd_import},
    {".export", ".export [OPTIONS] TABLE FILE",
     "write a table to CSV, TSV, JSON Lines, DynamoDB JSON or an S3 export (.help export)",
     shell_cmd_export},
    {".dump", ".dump [TABLE...]",
     "print a PartiQL script (CREATE TABLE, INSERTs) that rebuilds the tables", shell_cmd_dump},
    {".sample", ".sample [NAME]", "list the sample data sets, or create and load one",
     shell_cmd_sample},
    {NULL, NULL, NULL, NULL},
};

bool shell_set_mode(struct shell *sh, const char *name)
{
    for (size_t i = 0; i < sizeof mode_names / sizeof mode_names[0]; i++)
        if (strcmp(name, mode_names[i]) == 0) {
            sh->mode = (enum out_mode)i;
            return true;
        }
    return false;
}

const char *shell_command_name(size_t i)
{
    return i < sizeof commands / sizeof commands[0] ? commands[i].name : NULL;
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
    } else if (sh->sandbox && !shell_sandbox_command(w, t, n, args)) {
        ok = false;
    } else {
        ok = c->run(sh, w, args, a);
    }
    if (!ok) shell_fail(sh);
    free(args);
}
