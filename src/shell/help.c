/* help.c — `.help TOPIC`: syntax, a sentence and a worked example for every statement and command.
 */
#include "shell.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct topic {
    const char *name;    /* as listed: "CREATE TABLE", ".mode" */
    const char *aliases; /* other names, '|'-separated ("DESC|DESCRIBE TABLE"), or NULL */
    const char *syntax;
    const char *about;
    const char *example;
};

/* Statements first (listed by .help), then commands. */
static const struct topic statements[] = {
    {"SELECT", "QUERY",
     "SELECT * | expr [, ...] FROM table[.\"index\"] [WHERE condition]\n"
     "       [ORDER BY key [ASC|DESC]] [LIMIT n]",
     "Reads items. With the partition key in WHERE it is a Query, else a Scan of the\n"
     "whole table; results are fetched page by page (Ctrl-C stops).",
     "SELECT * FROM Orders WHERE idempotency_token = 'token123';\n"
     "SELECT order_id, order_amount FROM Orders WHERE order_amount > 50;"},
    {"INSERT", "INSERT INTO|INSERT VALUE",
     "INSERT INTO table VALUE {'attr': value, ...}\n"
     "INSERT INTO table [(col, ...)] VALUES (value, ...), (value, ...)",
     "Adds one item (DynamoDB refuses a duplicate primary key); the VALUES form\n"
     "adds one item per row.",
     "INSERT INTO Orders VALUE {'idempotency_token': 'token123', 'order_id': 'order001',\n"
     "                          'customer_name': 'Alice', 'order_amount': 100};\n"
     "INSERT INTO Orders (idempotency_token, order_id) VALUES ('t1', 'o1'), ('t2', 'o2');"},
    {"UPDATE", NULL,
     "UPDATE table SET path = value [, ...] [REMOVE path [, ...]] WHERE key = value\n"
     "       [RETURNING ALL|MODIFIED OLD|NEW *]",
     "Changes attributes of the one item the WHERE clause names by its full key.",
     "UPDATE Orders SET order_amount = 120 WHERE idempotency_token = 'token123';"},
    {"DELETE", NULL, "DELETE FROM table WHERE key = value [RETURNING ALL OLD *]",
     "Deletes the one item the WHERE clause names by its full key.",
     "DELETE FROM Orders WHERE idempotency_token = 'token123';"},
    {"CREATE TABLE", NULL,
     "CREATE TABLE [IF NOT EXISTS] table (attr TYPE [PRIMARY KEY|PARTITION KEY|SORT KEY], ...\n"
     "       [, PRIMARY KEY (partition [, sort])] [, INDEX name (keys)])\n"
     "       [BILLING MODE PAY_PER_REQUEST | PROVISIONED (read, write)]",
     "Creates a table; TYPE is STRING, NUMBER or BINARY (VARCHAR, INT, ... are\n"
     "accepted too). Only key attributes need a column.",
     "CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY);\n"
     "CREATE TABLE Music (Artist STRING, SongTitle STRING, PRIMARY KEY (Artist, SongTitle));"},
    {"DROP TABLE", NULL, "DROP TABLE [IF EXISTS] table", "Deletes a table and all its items.",
     "DROP TABLE IF EXISTS Orders;"},
    {"DESCRIBE", "DESC|DESCRIBE TABLE", "DESCRIBE [TABLE] table",
     "Shows a table's key schema, status, billing, item count and indexes (also\n"
     ".describe).",
     "DESCRIBE Orders;"},
    {"SHOW TABLES", NULL, "SHOW TABLES", "Lists the tables of the target (also .tables).",
     "SHOW TABLES;"},
    {"LITERALS", "TYPES|LITERAL|BINARY",
     "'text'  12.5  -1e3  TRUE  FALSE  NULL  {'k': value, ...}  [value, ...]\n"
     "<<'a', 'b'>>  <<1, 2>>  b64'AAE='  <<b64'AA==', b64'/w=='>>",
     "Values as DynamoDB's PartiQL writes them: strings (' doubled inside), exact\n"
     "numbers, booleans, NULL, maps, lists, string and number sets. b64'...' is\n"
     "pqsh's binary value (base64), the way results show binary: DynamoDB has no\n"
     "binary literal, so pqsh always sends it as a typed parameter.",
     "INSERT INTO Files VALUE {'name': 'logo', 'png': b64'iVBORw0KGgo=', 'tags': <<'a', 'b'>>};\n"
     "SET key = b64'AAEC/w==';"},
    {"SET", "LET|VARIABLES|VARIABLE", "SET name = literal\nLET name = literal\nname = literal",
     "Sets a session variable. Use it as :name (or a bare name) where a value goes;\n"
     "it is sent as a typed parameter, never pasted into the text. .vars lists them.\n"
     "A bare name is the variable wherever a value stands (either side of a\n"
     "comparison, arithmetic, function arguments), except that a test in WHERE must\n"
     "look at the item: when it would hold no attribute, its first bare name stays\n"
     "the attribute. A notice says when this decides. :name is always the variable,\n"
     "\"name\" always the attribute.\n"
     "uuid() (a random version 4 UUID string), now() (epoch seconds; the engine's\n"
     "clock on the embedded engine) and now() + N / now() - N (whole seconds) are\n"
     "the shell's: in SET and wherever a value stands in a statement, each call is\n"
     "evaluated once per run and sent as a typed parameter (?).",
     "SET token_to_check = 'token123';\n"
     "SELECT * FROM Orders WHERE idempotency_token = :token_to_check;\n"
     "INSERT INTO Orders VALUE {'order_id': uuid(), 'expires': now() + 3600};\n"
     "DELETE FROM Sessions WHERE id = 's1' AND expires < now();"},
    {"UNSET", NULL, "UNSET name", "Removes a session variable (also \\unset name).",
     "UNSET token_to_check;"},
    {"EXPLAIN", NULL, "EXPLAIN statement",
     "Shows the DynamoDB API calls a statement would make, without running it.",
     "EXPLAIN SELECT * FROM Orders WHERE idempotency_token = 'token123';"},
    {"BEGIN", "COMMIT|ROLLBACK|TRANSACTION|BEGIN TRANSACTION",
     "BEGIN [TRANSACTION]; statement; ...; COMMIT [WITH TOKEN 'token'|:var] | ROLLBACK",
     "Collects statements and sends them as one ExecuteTransaction: all or nothing.\n"
     "The token makes a retried COMMIT idempotent. A statement that fails inside\n"
     "(a typo, an undefined variable, anything) aborts the transaction: COMMIT then\n"
     "sends nothing and ends it as ROLLBACK does. A COMMIT that fails to parse\n"
     "leaves the transaction open.",
     "BEGIN;\n"
     "INSERT INTO Orders VALUE {'idempotency_token': 't9', 'order_id': 'o9'};\n"
     "UPDATE Orders SET order_amount = 5 WHERE idempotency_token = 't9';\n"
     "COMMIT WITH TOKEN 'order-o9';"},
    {"BEGIN BATCH", "END BATCH|BATCH", "BEGIN BATCH; statement; ...; END BATCH",
     "Collects statements and sends them as BatchExecuteStatement (each succeeds or\n"
     "fails on its own). A statement that fails before END BATCH aborts the batch:\n"
     "END BATCH then sends none of it (fix the script and run the batch again).",
     "BEGIN BATCH;\n"
     "INSERT INTO Orders VALUE {'idempotency_token': 't10', 'order_id': 'o10'};\n"
     "INSERT INTO Orders VALUE {'idempotency_token': 't11', 'order_id': 'o11'};\n"
     "END BATCH;"},
    {"CREATE INDEX", NULL,
     "CREATE [GLOBAL|LOCAL] INDEX name ON table (partition [HASH], [sort RANGE])\n"
     "       [PROJECTION ALL | KEYS_ONLY | INCLUDE (attr, ...)]",
     "Adds a secondary index; query it with SELECT ... FROM table.\"index\".",
     "CREATE INDEX ByCustomer ON Orders (customer_name);\n"
     "SELECT * FROM Orders.\"ByCustomer\" WHERE customer_name = 'Alice';"},
    {"DROP INDEX", NULL, "DROP INDEX name ON table", "Removes a global secondary index.",
     "DROP INDEX ByCustomer ON Orders;"},
    {NULL, NULL, NULL, NULL, NULL},
};

static const struct topic commands[] = {
    {".help", "\\?|\\h|help", ".help [topic]",
     "Lists statements and commands, or explains one (any case, with or without '.').",
     ".help select\n.help .mode"},
    {".quit", "\\q|.exit|quit|exit", ".quit",
     "Leaves pqsh (Ctrl-D too). In a script, stops reading. An open BEGIN or BEGIN\n"
     "BATCH is not sent: pqsh says so (and a script fails).",
     ".quit"},
    {".mode", "mode|modes|\\x", ".mode [table|line|markdown|json|ddbjson|csv|tsv]",
     "Shows or sets how results print: table (box drawing on a UTF-8 terminal), line\n"
     "(one attribute per line; \\x toggles it), markdown, json (plain values),\n"
     "ddbjson (typed AttributeValues), csv (RFC 4180) and tsv. In json, ddbjson, csv\n"
     "and tsv modes stdout carries only data: status lines (CREATE TABLE, INSERT 1,\n"
     "SET, COMMIT n, ...) go to stderr. pqsh -q (--quiet) drops them in every mode.",
     ".mode line\nSELECT * FROM Orders;\n.mode table"},
    {".timing", "\\timing|timing", ".timing on|off",
     "After each statement prints the total time and the part spent waiting for\n"
     "DynamoDB (server) versus in pqsh (client).",
     ".timing on\nSELECT * FROM Orders;"},
    {".echo", NULL, ".echo on|off", "Prints each statement before its result (as --echo).",
     ".echo on"},
    {".bail", NULL, ".bail on|off",
     "Stops at the first failing statement (as --bail); statements then run one at\n"
     "a time (see .help jobs).",
     ".bail on"},
    {"--jobs", "jobs|-j", "pqsh --jobs N -f FILE",
     "Scripts against a remote target keep up to N statements in flight (default\n"
     "16; 1 at the prompt and on the embedded engine): an INSERT, UPDATE or DELETE\n"
     "naming its item's full key goes out at once unless one in flight writes the\n"
     "same item; anything else (a read, DDL, BEGIN ... COMMIT, a batch, a variable,\n"
     "\\gset, a dot command) waits for all of them. Output, errors and exit status\n"
     "are exactly those of one statement at a time, in order. --bail, .bail on,\n"
     ".timing on and --debug run one statement at a time.",
     "pqsh --endpoint-url http://localhost:8000 --jobs 32 -f load.sql"},
    {".read", "\\i", ".read FILE", "Runs the statements and commands in FILE (nesting allowed).",
     ".read setup.sql"},
    {".output", "\\o", ".output [FILE]",
     "Sends results to FILE (created or truncated); without FILE, back to the screen.",
     ".output orders.txt\nSELECT * FROM Orders;\n.output"},
    {".import", "import", ".import [OPTIONS] FILE TABLE",
     "Loads items from FILE into TABLE with BatchWriteItem, 25 a request and,\n"
     "against an endpoint, 16 requests in flight. Formats (by the file's name or\n"
     "--format): csv, tsv (a header row; `name:N` or --types name:N,tags:SS types a\n"
     "column, else numbers become N; an unquoted empty cell is no attribute, \"\" is\n"
     "the empty string), json (JSON Lines), ddbjson (DynamoDB JSON lines), s3\n"
     "(DynamoDB's S3 export: a folder, manifest or .json.gz). A bad line is reported\n"
     "as FILE:LINE and skipped (--bail stops there; so do 10 bad lines before a\n"
     "good one: a file in another format); FILE.progress records what is\n"
     "in, and --resume goes on after a broken import. --create KEY:S[,SORT:N]\n"
     "makes the table; --jobs N sets the requests in flight; --progress forces the\n"
     "progress line (on by default only on a terminal).",
     ".import orders.csv Orders\n"
     ".import --types zip:S --bail customers.csv Customers\n"
     ".import --create idempotency_token:S export/ OrdersCopy\n"
     ".import --resume big.jsonl Orders"},
    {".export", "export", ".export [--format F] [--segments N] [--progress] TABLE FILE",
     "Writes every item of TABLE to FILE through a parallel Scan (N segments;\n"
     "default by the table's size), streaming as pages arrive. Same formats as\n"
     ".import; CSV and TSV get a typed header (`price:N`) so they import back\n"
     "exactly; s3 writes a folder as DynamoDB's export to S3 does\n"
     "(manifest-summary.json, manifest-files.json, data/NAME.json.gz).",
     ".export Orders orders.csv\n"
     ".export --segments 8 Orders orders.ddbjson\n"
     ".export --format s3 Orders orders-export"},
    {".dump", "dump", ".dump [TABLE ...]",
     "Prints a PartiQL script that rebuilds the tables (all of them by default):\n"
     "CREATE TABLE with keys, indexes and billing mode, then one INSERT per item.\n"
     "Replay it with pqsh -f into an empty target.",
     ".output backup.sql\n.dump Orders\n.output"},
    {".sample", "sample", ".sample [NAME]",
     "Lists the sample data sets, or creates NAME's tables and loads its items:\n"
     "orders (customers, 3,000 orders with idempotency tokens, index ByCustomer)\n"
     "and music (a catalog with the global index ByGenre). Always the same items.",
     ".sample music\nSELECT * FROM Music.\"ByGenre\" WHERE Genre = 'Jazz';"},
    {".tables", "\\dt", ".tables", "Lists the tables (SHOW TABLES).", ".tables"},
    {".describe", "\\d", ".describe TABLE", "Describes a table (DESCRIBE TABLE).",
     ".describe Orders"},
    {".vars", "\\set", ".vars\n\\set [name [value]]\n\\unset name",
     "Lists the variables as PartiQL literals; \\set sets one (the value is a\n"
     "literal, or else taken as a string), \\unset removes one.",
     "\\set customer 'Alice'\n.vars"},
    {".connect", NULL, ".connect local[:PATH] | aws[:REGION] | URL",
     "Switches the target: the embedded engine, Amazon DynamoDB, or another\n"
     "DynamoDB-compatible endpoint.",
     ".connect local::memory:\n.connect aws:eu-west-1"},
    {".consistent", NULL, ".consistent on|off",
     "Asks for strongly consistent reads (ConsistentRead) on SELECT.", ".consistent on"},
    {".capacity", NULL, ".capacity on|off",
     "Prints the capacity units each statement consumed (ReturnConsumedCapacity).",
     ".capacity on\nSELECT * FROM Orders WHERE idempotency_token = 'token123';"},
    {".explain", NULL, ".explain on|off",
     "Prints the DynamoDB API call of each statement before running it (EXPLAIN\n"
     "shows it without running).",
     ".explain on\nSELECT * FROM Orders;"},
    {".reset", NULL, ".reset [force]",
     "Embedded engine only: drops every table after asking (force: without asking,\n"
     "for scripts).",
     ".reset"},
    {".clock", "clock|.ttl-sweep", ".clock [+11m|+2h|-30s|+1d|now]\n.ttl-sweep",
     "The embedded engine's one clock (TTL expiry, the ClientRequestToken window,\n"
     "timestamps): .clock shows it, +N/-N with s, m, h or d moves it, now puts it\n"
     "back. .ttl-sweep deletes the expired TTL items now (otherwise a background\n"
     "sweep does, about every second). Also on pqsh serve --clock.",
     ".clock +11m\n.ttl-sweep"},
    {".ttl", NULL, ".ttl TABLE [ATTRIBUTE|off]",
     "Shows, enables or disables a table's Time to Live (UpdateTimeToLive; PartiQL\n"
     "has no statement for it). Items whose ATTRIBUTE is a Number of epoch seconds\n"
     "at or before now are deleted by the sweep; until then they can be read.",
     ".ttl Tokens expires_at"},
    {".tail", "tail|.stream",
     ".tail TABLE\n.stream TABLE [KEYS_ONLY|NEW_IMAGE|OLD_IMAGE|NEW_AND_OLD_IMAGES|off]",
     "DynamoDB Streams: .tail prints each change of TABLE (INSERT, MODIFY, REMOVE;\n"
     "TTL deletions as \"REMOVE (TTL)\") as it happens, in the current mode, until\n"
     "Ctrl-C. .stream shows, enables (with the images records carry) or disables\n"
     "the table's stream (UpdateTable; PartiQL has no statement for it).",
     ".stream Orders NEW_AND_OLD_IMAGES\n.tail Orders"},
    {".tutorial", "tutorial|.hint|.skip", ".tutorial [NAME|off]\n.hint\n.skip",
     "Lists the tutorials or starts one (also pqsh --tutorial NAME). Each step states\n"
     "a goal; type a statement and pqsh checks its effect. .hint helps, .skip moves on.",
     ".tutorial idempotency"},
    {NULL, NULL, NULL, NULL, NULL},
};

/* Case-insensitive, blanks collapsed, a leading '.' optional for commands. */
static bool same(const char *name, const char *topic, size_t len)
{
    size_t i = 0, j = 0;
    while (j < len && name[i]) {
        if (isspace((unsigned char)topic[j])) {
            if (name[i] != ' ') return false;
            while (j < len && isspace((unsigned char)topic[j]))
                j++;
            i++;
            continue;
        }
        if (tolower((unsigned char)name[i]) != tolower((unsigned char)topic[j])) return false;
        i++;
        j++;
    }
    return !name[i] && j == len;
}

static bool matches(const struct topic *t, const char *topic)
{
    size_t len = strlen(topic);
    if (same(t->name, topic, len)) return true;
    if (t->name[0] == '.' && same(t->name + 1, topic, len)) return true;
    for (const char *a = t->aliases; a && *a;) {
        const char *bar = strchr(a, '|');
        size_t n = bar ? (size_t)(bar - a) : strlen(a);
        char alias[64];
        if (n < sizeof alias) {
            memcpy(alias, a, n);
            alias[n] = '\0';
            if (same(alias, topic, len)) return true;
        }
        a = bar ? bar + 1 : a + n;
    }
    return false;
}

static void indent(const char *text)
{
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        printf("    %.*s\n", (int)n, p);
        p = nl ? nl + 1 : p + n;
    }
}

static void show(const struct topic *t)
{
    printf("%s\n\nSyntax:\n", t->name);
    indent(t->syntax);
    printf("\n");
    indent(t->about);
    printf("\nExample:\n");
    indent(t->example);
}

bool shell_help_topic(const char *topic)
{
    while (isspace((unsigned char)*topic))
        topic++;
    size_t len = strlen(topic);
    while (len && isspace((unsigned char)topic[len - 1]))
        len--;
    char *t = pq_xstrndup(topic, len);
    if (len && t[len - 1] == ';') t[len - 1] = '\0';
    const struct topic *found = NULL;
    for (const struct topic *s = statements; s->name && !found; s++)
        if (matches(s, t)) found = s;
    for (const struct topic *c = commands; c->name && !found; c++)
        if (matches(c, t)) found = c;
    free(t);
    if (!found) return false;
    show(found);
    return true;
}

const char *shell_help_name(size_t i)
{
    return i < sizeof statements / sizeof statements[0] ? statements[i].name : NULL;
}
