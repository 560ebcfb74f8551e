/* parse.c — pq_parse(): runs the flex scanner and bison parser over one statement
 * and turns syntax errors into pqsh messages plus DynamoDB's detail category.
 */
#include "pqsh/parse.h"
#include "pqsh/value.h"

#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "partiql.tab.h"
#include "partiql.lex.h"
#include "pqsh/buf.h"
#include "pqsh/thread.h"

/* ---- words ---------------------------------------------------------------- */

struct keyword {
    const char *name;
    int tok;
    bool shell; /* a pqsh keyword: an ordinary word in STRICT mode */
};

static const struct keyword keywords[] = {
    {"ALL", K_ALL, false},
    {"AND", K_AND, false},
    {"AS", K_AS, false},
    {"ASC", K_ASC, false},
    {"AT", K_AT, false},
    {"BATCH", K_BATCH, true},
    {"BEGIN", K_BEGIN, true},
    {"BETWEEN", K_BETWEEN, false},
    {"BILLING", K_BILLING, true},
    {"BY", K_BY, false},
    {"COMMIT", K_COMMIT, true},
    {"CONFLICT", K_CONFLICT, false},
    {"CONSTRAINT", K_CONSTRAINT, true},
    {"CREATE", K_CREATE, true},
    {"DELETE", K_DELETE, false},
    {"DEMAND", K_DEMAND, true},
    {"DESC", K_DESC, false},
    {"DESCRIBE", K_DESCRIBE, true},
    {"DISTINCT", K_DISTINCT, false},
    {"DROP", K_DROP, true},
    {"END", K_END, true},
    {"EXISTS", K_EXISTS, false},
    {"EXPLAIN", K_EXPLAIN, true},
    {"FALSE", K_FALSE, false},
    {"FROM", K_FROM, false},
    {"GLOBAL", K_GLOBAL, true},
    {"GROUP", K_GROUP, false},
    {"HASH", K_HASH, true},
    {"HAVING", K_HAVING, false},
    {"IF", K_IF, true},
    {"IN", K_IN, false},
    {"INCLUDE", K_INCLUDE, true},
    {"INDEX", K_INDEX, true},
    {"INSERT", K_INSERT, false},
    {"INTO", K_INTO, false},
    {"IS", K_IS, false},
    {"JOIN", K_JOIN, false},
    {"KEY", K_KEY, true},
    {"KEYS", K_KEYS, true},
    {"KEYS_ONLY", K_KEYS_ONLY, true},
    {"LET", K_LET, true},
    {"LIKE", K_LIKE, false},
    {"LIMIT", K_LIMIT, false},
    {"LOCAL", K_LOCAL, true},
    {"MISSING", K_MISSING, false},
    {"MODE", K_MODE, true},
    {"MODIFIED", K_MODIFIED, false},
    {"NEW", K_NEW, false},
    {"NOT", K_NOT, false},
    {"NULL", K_NULL, false},
    {"OFFSET", K_OFFSET, false},
    {"OLD", K_OLD, false},
    {"ON", K_ON, false},
    {"ONLY", K_ONLY, true},
    {"OR", K_OR, false},
    {"ORDER", K_ORDER, false},
    {"PARTITION", K_PARTITION, true},
    {"PAY_PER_REQUEST", K_PAY_PER_REQUEST, true},
    {"PIVOT", K_PIVOT, false},
    {"PRECISION", K_PRECISION, true},
    {"PRIMARY", K_PRIMARY, true},
    {"PROJECTION", K_PROJECTION, true},
    {"PROVISIONED", K_PROVISIONED, true},
    {"RANGE", K_RANGE, true},
    {"RCU", K_RCU, true},
    {"READ", K_READ, true},
    {"REMOVE", K_REMOVE, false},
    {"RETURNING", K_RETURNING, false},
    {"ROLLBACK", K_ROLLBACK, true},
    {"SELECT", K_SELECT, false},
    {"SET", K_SET, false},
    {"SHOW", K_SHOW, true},
    {"SORT", K_SORT, true},
    {"TABLE", K_TABLE, true},
    {"TABLES", K_TABLES, true},
    {"TO", K_TO, true},
    {"TOKEN", K_TOKEN, true},
    {"TRANSACTION", K_TRANSACTION, true},
    {"TRUE", K_TRUE, false},
    {"UNSET", K_UNSET, true},
    {"UPDATE", K_UPDATE, false},
    {"VALUE", K_VALUE, false},
    {"VALUES", K_VALUES, false},
    {"VARYING", K_VARYING, true},
    {"WCU", K_WCU, true},
    {"WHERE", K_WHERE, false},
    {"WITH", K_WITH, true},
    {"WRITE", K_WRITE, true},
};

static unsigned short keyword_slots[256];
static struct pq_word_key keyword_keys[sizeof keywords / sizeof keywords[0]];
static struct pq_wordset keyword_set = {keywords,
                                        sizeof keywords[0],
                                        sizeof keywords / sizeof keywords[0],
                                        keyword_slots,
                                        sizeof keyword_slots / sizeof keyword_slots[0],
                                        keyword_keys};
static pthread_once_t keyword_set_built = PTHREAD_ONCE_INIT;

static void build_keyword_set(void)
{
    pq_wordset_build(&keyword_set);
}

int pq_parse_word(struct pq_parse_ctx *ctx, const char *s, size_t len)
{
    pthread_once(&keyword_set_built, build_keyword_set);
    /* One key for both lookups: keywords, then reserved words. */
    struct pq_word_key key;
    pq_word_key_make(&key, s, len);
    long i = pq_wordset_find_key(&keyword_set, &key, s);
    if (i >= 0) {
        const struct keyword *k = &keywords[i];
        if (!(k->shell && ctx->strict)) {
            if (k->shell) ctx->shell_syntax = true;
            return k->tok;
        }
    }
    if (pq_is_reserved_key(&key, s)) {
        if (ctx->strict) return RESERVED_WORD;
        ctx->shell_syntax = true;
    }
    return IDENT;
}

bool pq_is_plain_identifier(const char *word, size_t len)
{
    struct pq_parse_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.strict = true;
    if (len == 0 || !((word[0] >= 'A' && word[0] <= 'Z') || (word[0] >= 'a' && word[0] <= 'z') ||
                      word[0] == '_'))
        return false;
    for (size_t i = 1; i < len; i++) {
        char c = word[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '$'))
            return false;
    }
    return pq_parse_word(&ctx, word, len) == IDENT;
}

void pq_parse_comment(struct pq_parse_ctx *ctx, size_t start, size_t end)
{
    if (ctx->strict) return;
    ctx->comments = pq_xrealloc(ctx->comments, (ctx->ncomments + 1) * sizeof *ctx->comments);
    ctx->comments[ctx->ncomments].start = start;
    ctx->comments[ctx->ncomments].end = end;
    ctx->ncomments++;
}

/* ---- errors ---------------------------------------------------------------- */

static void set_error(struct pq_parse_ctx *ctx, size_t start, size_t end, const char *detail,
                      const char *fmt, va_list ap)
{
    if (ctx->failed) return;
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    pq_buf_vaddf(&b, fmt, ap);
    pq_error_set(ctx->err, PQ_ERR_SYNTAX, start, end, "%s", b.data);
    pq_buf_release(&b);
    ctx->detail = detail;
    ctx->failed = true;
}

void pq_parse_lex_error(struct pq_parse_ctx *ctx, size_t start, size_t end, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_error(ctx, start, end, "", fmt, ap);
    va_end(ap);
}

void pq_parse_error(struct pq_parse_ctx *ctx, struct pq_loc loc, const char *detail,
                    const char *fmt, ...)
{
    if (pq_parse_lookahead_refused(ctx)) return;
    va_list ap;
    va_start(ap, fmt);
    set_error(ctx, loc.start, loc.end, detail, fmt, ap);
    va_end(ap);
}

/* Length of the UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80) return c ? 1 : 0;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4, min = 0x10000;
    else
        return 0;
    if (len > n) return 0;
    unsigned cp = c & (0xff >> (len + 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    return len;
}

size_t pq_parse_ascii_run(const char *text, size_t len)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    size_t i = 0;
    /* Eight bytes at a time while all are ASCII other than NUL (each in
     * 1..0x7f leaves every high bit of w - ones and of w clear). */
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, text + i, 8);
        if (((w - ones) | w) & highs) break;
    }
    while (i < len && (unsigned char)text[i] - 1u < 0x7fu)
        i++;
    return i;
}

bool pq_parse_check_text(struct pq_parse_ctx *ctx, const char *s, size_t len, size_t offset)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = pq_parse_ascii_run(s, len);
    while (i < len) {
        if (u[i] - 1u < 0x7fu) { /* ASCII other than NUL: the common case */
            i++;
            continue;
        }
        size_t n = utf8_len(u + i, len - i);
        if (!n) {
            pq_parse_lex_error(ctx, offset + i, offset + i + 1,
                               u[i] ? "invalid UTF-8 in quoted text" : "NUL byte in quoted text");
            return false;
        }
        i += n;
    }
    return true;
}

/* Characters pasted from slides, word processors and chat that stand where
 * ASCII belongs. */
static const struct lookalike {
    const char *utf8, *what, *fix;
} lookalikes[] = {
    {"\u2018", "\u2018 (U+2018) is a typographic quote", "write ' around a string"},
    {"\u2019", "\u2019 (U+2019) is a typographic quote", "write ' around a string"},
    {"\u201c", "\u201c (U+201C) is a typographic quote",
     "write ' around a string, or \" around a name"},
    {"\u201d", "\u201d (U+201D) is a typographic quote",
     "write ' around a string, or \" around a name"},
    {"\u3000", "U+3000 is a full-width space", "write an ASCII space"},
    {"\u00a0", "U+00A0 is a no-break space", "write an ASCII space"},
    {"\uff1b", "\uff1b (U+FF1B) is a full-width semicolon", "write ;"},
    {"\uff0c", "\uff0c (U+FF0C) is a full-width comma", "write ,"},
    {"\uff08", "\uff08 (U+FF08) is a full-width parenthesis", "write ("},
    {"\uff09", "\uff09 (U+FF09) is a full-width parenthesis", "write )"},
    {"\uff1d", "\uff1d (U+FF1D) is a full-width equals sign", "write ="},
};

void pq_parse_nonascii(struct pq_parse_ctx *ctx, const char *s, size_t len, size_t offset)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_len(u + i, len - i);
        if (!n) break;
        for (size_t k = 0; k < sizeof lookalikes / sizeof lookalikes[0]; k++) {
            const struct lookalike *l = &lookalikes[k];
            if (strlen(l->utf8) == n && memcmp(l->utf8, s + i, n) == 0) {
                pq_parse_lex_error(ctx, offset + i, offset + i + n, "%s: %s", l->what, l->fix);
                return;
            }
        }
        i += n;
    }
    pq_parse_lex_error(ctx, offset, offset + len, "unexpected non-ASCII text (quote it)");
}

bool pq_parse_check_base64(struct pq_parse_ctx *ctx, const char *s, size_t len, size_t offset)
{
    struct pq_buf bytes;
    pq_buf_init(&bytes);
    bool ok = pq_base64_decode(s, len, &bytes);
    pq_buf_release(&bytes);
    if (!ok)
        pq_parse_lex_error(ctx, offset, offset + 5 + len,
                           "invalid base64 in a binary literal (b64'…' takes standard base64 "
                           "with padding)");
    return ok;
}

static bool is_infix(int tok)
{
    switch (tok) {
    case K_AND:
    case K_OR:
    case '=':
    case NE:
    case '<':
    case LE:
    case '>':
    case GE:
    case K_LIKE:
    case NOT_LIKE:
    case K_IN:
    case NOT_IN:
    case K_BETWEEN:
    case NOT_BETWEEN:
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
    case CONCAT:
        return true;
    default:
        return false;
    }
}

static bool is_keyword(int tok)
{
    return (tok >= K_SELECT && tok <= K_PRECISION) || tok == RESERVED_WORD;
}

static bool expects(const int *expected, int n, int tok)
{
    int sym = pq_parse_token_symbol(tok);
    for (int i = 0; i < n; i++)
        if (expected[i] == sym) return true;
    return false;
}

/* ", expected …" for the message, from the expected tokens and the context. */
static void describe_expected(struct pq_parse_ctx *ctx, const int *expected, int n,
                              struct pq_buf *b)
{
    if (expects(expected, n, NUMBER)) {
        pq_buf_adds(b, ", expected an expression");
        return;
    }
    if (expects(expected, n, IDENT)) {
        switch (ctx->prev_tok) {
        case K_FROM:
        case K_INTO:
        case K_UPDATE:
        case K_TABLE:
        case K_DESCRIBE:
        case K_DESC:
        case K_EXISTS:
        case K_ON:
            pq_buf_adds(b, ", expected table name");
            break;
        case K_INDEX:
            pq_buf_adds(b, ", expected index name");
            break;
        default:
            pq_buf_adds(b, ", expected a name");
        }
        return;
    }
    /* SELECT's projection may end here (`SELECT 1`, `SELECT EXISTS(…)`):
     * what is missing is the table. */
    if (expects(expected, n, K_FROM)) {
        pq_buf_adds(b, ", expected FROM and a table name");
        return;
    }
    if (n == 0 || n > 4) return;
    pq_buf_adds(b, ", expected ");
    for (int i = 0; i < n; i++) {
        if (i) pq_buf_adds(b, i == n - 1 ? " or " : ", ");
        const char *name = pq_parse_symbol_name(expected[i]);
        if (expected[i] == pq_parse_token_symbol(0)) {
            pq_buf_adds(b, "end of input");
        } else if (name[0] == '"') {
            pq_buf_addf(b, "'%.*s'", (int)strlen(name) - 2, name + 1);
        } else {
            pq_buf_adds(b, name);
        }
    }
}

/* ---- habits from other SQL dialects ---------------------------------------- */

static bool word_is(const char *text, size_t len, const char *word)
{
    return strlen(word) == len && strncasecmp(text, word, len) == 0;
}

static bool word_in(const char *text, size_t len, const char *const *words)
{
    for (; *words; words++)
        if (word_is(text, len, *words)) return true;
    return false;
}

/* Keywords that are never names in any dialect: an error at one of them is
 * something else missing, not a name that needs quoting. */
static bool structural_keyword(int tok)
{
    switch (tok) {
    case K_AND:
    case K_OR:
    case K_NOT:
    case K_IN:
    case K_IS:
    case K_LIKE:
    case K_BETWEEN:
    case K_SELECT:
    case K_FROM:
    case K_WHERE:
    case K_SET:
    case K_INTO:
    case K_ON:
    case K_AS:
    case K_BY:
    case K_WITH:
    case K_INSERT:
    case K_UPDATE:
    case K_DELETE:
    case K_RETURNING:
    case K_EXISTS:
    case K_CREATE:
    case K_DROP:
    case K_TRUE:
    case K_FALSE:
    case K_NULL:
    case K_MISSING:
        return true;
    default:
        return false;
    }
}

/* A statement that fails to parse because it is written the way another SQL
 * database wants: a message saying DynamoDB's way replaces the generic one
 * (shell mode only; DynamoDB's detail category is not changed). */
static bool habit(struct pq_parse_ctx *ctx, int tok, struct pq_loc *loc, const int *expected, int n,
                  struct pq_buf *msg)
{
    static const char *const auto_words[] = {"AUTO_INCREMENT", "AUTOINCREMENT", "IDENTITY",
                                             "SERIAL",         "BIGSERIAL",     NULL};
    static const char *const type_words[] = {
        "STRING", "NUMBER",  "BINARY", "S",     "N",      "B",    "VARCHAR", "TEXT",  "CHAR",
        "INT",    "INTEGER", "BIGINT", "FLOAT", "DOUBLE", "BLOB", "DECIMAL", "BYTES", NULL};
    const char *text = ctx->text + loc->start;
    size_t len = loc->end - loc->start;
    const char *first = ctx->text + ctx->first_loc.start;
    size_t first_len = ctx->first_loc.end - ctx->first_loc.start;
    if (ctx->first_tok == IDENT) {
        if (word_is(first, first_len, "UPSERT"))
            pq_buf_adds(msg, "PartiQL has no UPSERT: INSERT INTO t VALUE {...} adds an item (and "
                             "fails when the key exists); UPDATE t SET a = v WHERE key = k "
                             "changes one that exists");
        else if (word_is(first, first_len, "REPLACE"))
            pq_buf_adds(msg, "PartiQL has no REPLACE: DELETE FROM t WHERE key = k, then INSERT "
                             "INTO t VALUE {...} (inside BEGIN ... COMMIT: both or neither)");
        else if (word_is(first, first_len, "TRUNCATE"))
            pq_buf_adds(msg, "PartiQL has no TRUNCATE: DROP TABLE t and CREATE TABLE it again, "
                             "or DELETE each item by its key");
        if (msg->len) {
            *loc = (struct pq_loc){ctx->first_loc.start, ctx->first_loc.end};
            return true;
        }
    }
    if (ctx->first_tok == K_CREATE && tok == IDENT && word_in(text, len, auto_words)) {
        pq_buf_addf(msg,
                    "DynamoDB has no %.*s: every item brings its own key value (an order "
                    "number, a UUID, ...)",
                    (int)len, text);
        return true;
    }
    if (ctx->first_tok == K_CREATE && ctx->prev_tok == IDENT && word_in(text, len, type_words) &&
        (ctx->second_tok == K_INDEX || ctx->second_tok == K_GLOBAL || ctx->second_tok == K_LOCAL)) {
        pq_buf_addf(msg,
                    "an index key is written without a type, (%.*s): pqsh takes the type "
                    "from the table (a key attribute, or the type the items have)",
                    (int)(ctx->prev_loc.end - ctx->prev_loc.start),
                    ctx->text + ctx->prev_loc.start);
        return true;
    }
    /* SELECT value FROM t: SELECT VALUE takes an expression, so FROM is
     * where the parser stops; the word is the mistake. */
    if (ctx->first_tok == K_SELECT && ctx->prev_tok == K_VALUE && ctx->ntok == 3 &&
        (tok == K_FROM || tok == ',')) {
        *loc = (struct pq_loc){ctx->prev_loc.start, ctx->prev_loc.end};
        text = ctx->text + loc->start;
        len = loc->end - loc->start;
        pq_buf_addf(msg, "%.*s is a reserved word: write \"%.*s\"", (int)len, text, (int)len, text);
        return true;
    }
    if (is_keyword(tok) && tok != RESERVED_WORD && !structural_keyword(tok) &&
        (expects(expected, n, IDENT) || expects(expected, n, NUMBER))) {
        pq_buf_addf(msg, "%.*s is a reserved word: write \"%.*s\"", (int)len, text, (int)len, text);
        return true;
    }
    return false;
}

void pq_parse_syntax_error(struct pq_parse_ctx *ctx, int sym, struct pq_loc loc,
                           const int *expected, int n)
{
    (void)sym;
    if (ctx->failed) return; /* the lexer already said what is wrong */
    if (ctx->want_expected) {
        memcpy(ctx->want_expected, expected, (size_t)n * sizeof *expected);
        ctx->nexpected = n;
    }
    int tok = ctx->last_tok;
    struct pq_buf msg = PQ_BUF_INIT;
    pq_buf_init(&msg);
    const char *detail;
    bool complete = expects(expected, n, 0) || expects(expected, n, ';');
    bool at_end = (tok == 0 || tok == ';') && !complete;
    size_t len = loc.end - loc.start;
    const char *text = ctx->text + loc.start;
    if (ctx->prev_tok == RESERVED_WORD && tok != '(') {
        /* A reserved word was read as a function name; the word is the error. */
        loc.start = ctx->prev_loc.start;
        loc.end = ctx->prev_loc.end;
        len = loc.end - loc.start;
        text = ctx->text + loc.start;
        tok = RESERVED_WORD;
        at_end = complete = false;
    }
    if ((ctx->prev_tok == K_OLD || ctx->prev_tok == K_NEW) && n == 1 && expects(expected, n, '*')) {
        /* RETURNING ALL OLD without its '*': DynamoDB Local's text [LOCAL]. */
        detail = "Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause";
        if (at_end)
            pq_buf_adds(&msg, tok == 0 ? "unexpected end of input" : "unexpected ';'");
        else
            pq_buf_addf(&msg, "unexpected '%.*s'", (int)(len > 40 ? 40 : len), text);
        pq_buf_adds(&msg, ", expected '*'");
    } else if (at_end) {
        if (ctx->prev_tok == K_IS)
            detail = "Expected type name";
        else if (is_infix(ctx->prev_tok))
            detail = "Missing right-hand side expression of infix operator";
        else if (expects(expected, n, IDENT) && !expects(expected, n, NUMBER) &&
                 !(ctx->first_tok == K_SELECT && ctx->prev_tok == K_FROM))
            detail = "Expected identifier for simple path";
        else
            detail = "Unexpected term";
        pq_buf_adds(&msg, tok == 0 ? "unexpected end of input" : "unexpected ';'");
        describe_expected(ctx, expected, n, &msg);
    } else if (complete) {
        detail = "Unexpected token after expression";
        pq_buf_addf(&msg, "unexpected '%.*s' after the end of the statement",
                    (int)(len > 40 ? 40 : len), text);
    } else {
        if (is_infix(tok) || tok == K_IS)
            detail = "Unexpected operator";
        else if (is_keyword(tok))
            detail = "Unexpected keyword";
        else
            detail = "Unexpected term";
        pq_buf_addf(&msg, "unexpected '%.*s'", (int)(len > 40 ? 40 : len), text);
        if (tok == RESERVED_WORD)
            pq_buf_addf(&msg, " (a reserved word: write \"%.*s\" for a name)",
                        (int)(len > 40 ? 40 : len), text);
        else
            describe_expected(ctx, expected, n, &msg);
    }
    if (!ctx->strict) {
        struct pq_buf hint = PQ_BUF_INIT;
        pq_buf_init(&hint);
        if (habit(ctx, tok, &loc, expected, n, &hint)) {
            pq_buf_release(&msg);
            msg = hint;
        } else {
            pq_buf_release(&hint);
        }
    }
    pq_error_set(ctx->err, PQ_ERR_SYNTAX, loc.start, loc.end, "%s", msg.data);
    pq_buf_release(&msg);
    ctx->detail = detail;
    ctx->failed = true;
}

/* ---- tokens --------------------------------------------------------------- */

static void token_value_free(int tok, PQYYSTYPE *v)
{
    if (tok == NUMBER || tok == BINARY) free(v->str);
    if (tok == STRING) json_decref(v->av);
    if (tok == IDENT || tok == QIDENT) free(v->ident.name);
}

/* The scanner's tokens, with NOT IN / NOT BETWEEN / NOT LIKE folded into one
 * token each so the grammar stays LALR(1) with PartiQL's precedences. */
int pqyylex(PQYYSTYPE *lval, PQYYLTYPE *lloc, struct pq_parse_ctx *ctx)
{
    int tok;
    if (ctx->has_peek) {
        ctx->has_peek = false;
        tok = ctx->peek_tok;
        *lval = ctx->peek_val;
        *lloc = ctx->peek_loc;
    } else {
        tok = pqlexlex(lval, lloc, ctx->scanner);
        if (tok == K_NOT) {
            int next = pqlexlex(&ctx->peek_val, &ctx->peek_loc, ctx->scanner);
            if (next == 0) ctx->peek_loc.start = ctx->peek_loc.end = ctx->len;
            if (next == K_IN || next == K_BETWEEN || next == K_LIKE) {
                tok = next == K_IN ? NOT_IN : next == K_BETWEEN ? NOT_BETWEEN : NOT_LIKE;
                lloc->end = ctx->peek_loc.end;
            } else {
                ctx->has_peek = true;
                ctx->peek_tok = next;
            }
        }
    }
    if (tok == 0) lloc->start = lloc->end = ctx->len; /* flex sets no location at EOF */
    if (ctx->ntok++ < 2) {
        if (ctx->ntok == 2) {
            ctx->second_tok = tok;
        } else {
            ctx->first_tok = tok;
            ctx->first_loc = *lloc;
        }
    }
    ctx->prev_tok = ctx->last_tok;
    ctx->prev_loc = ctx->last_loc;
    ctx->last_tok = tok;
    ctx->last_loc = *lloc;
    return tok;
}

/* ---- entry point ------------------------------------------------------------ */

/* ---- the scanner, kept per thread ---------------------------------------- */

/* A scanner and a copy of the text it reads, kept between statements: a
 * bulk script would make and free both for each. A parse that starts while
 * another is under way on the same thread (none does today) gets a scanner
 * of its own. */
struct scanner_cache {
    yyscan_t scanner; /* NULL until first used */
    char *bytes;      /* the text and flex's two end-of-buffer NULs */
    size_t cap;
    bool busy;
    bool registered, refused; /* with pq_thread_at_exit */
};

static _Thread_local struct scanner_cache scanner_cache;

static void scanner_cache_drain(void *p)
{
    struct scanner_cache *c = p;
    if (c->scanner) pqlexlex_destroy(c->scanner);
    free(c->bytes);
    memset(c, 0, sizeof *c);
}

/* The cached scanner, reading for `ctx`, with text[0..len) copied into
 * c->bytes (the buffer pqlex_scan_buffer takes). */
static yyscan_t cached_scanner(struct scanner_cache *c, struct pq_parse_ctx *ctx, const char *text,
                               size_t len)
{
    if (!c->scanner && pqlexlex_init_extra(ctx, &c->scanner)) abort();
    pqlexset_extra(ctx, c->scanner);
    if (len + 2 > c->cap) {
        c->cap = len + 2 > 2 * c->cap ? len + 2 : 2 * c->cap;
        c->bytes = pq_xrealloc(c->bytes, c->cap);
    }
    if (len) memcpy(c->bytes, text, len);
    c->bytes[len] = c->bytes[len + 1] = '\0';
    return c->scanner;
}

/* pq_parse, and with `expected` (room for every token kind) the expected
 * tokens of a syntax error found at a lookahead into it, their number in
 * *nexpected (-1 when there is no such error). */
static pq_status parse(const char *text, size_t len, unsigned flags, struct pq_stmt **out,
                       struct pq_error *err, const char **ddb_detail, int *expected, int *nexpected)
{
    *out = NULL;
    if (ddb_detail) *ddb_detail = NULL;
    struct pq_parse_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.want_expected = expected;
    ctx.nexpected = -1;
    ctx.text = text;
    ctx.len = len;
    ctx.strict = (flags & PQ_PARSE_STRICT) != 0;
    ctx.err = err;
    if (len > INT_MAX / 2) {
        pq_error_set(err, PQ_ERR_SYNTAX, 0, 0, "statement is too long");
        if (ddb_detail) *ddb_detail = "";
        return PQ_ERR_SYNTAX;
    }
    struct scanner_cache *c = &scanner_cache;
    /* Kept only when it can be released at the thread's end (the main
     * thread's goes with the process). */
    if (!c->registered && !c->refused && !c->busy) {
        c->registered = pq_thread_at_exit(scanner_cache_drain, c);
        c->refused = !c->registered;
    }
    bool cached = c->registered && !c->busy;
    yyscan_t scanner;
    YY_BUFFER_STATE buf;
    if (cached) {
        c->busy = true;
        scanner = cached_scanner(c, &ctx, text, len);
        buf = pqlex_scan_buffer(c->bytes, len + 2, scanner);
    } else {
        if (pqlexlex_init_extra(&ctx, &scanner)) abort();
        buf = pqlex_scan_bytes(text ? text : "", (int)len, scanner);
    }
    ctx.scanner = scanner;
    int rc = pqyyparse(&ctx);
    if (ctx.has_peek) token_value_free(ctx.peek_tok, &ctx.peek_val);
    free(ctx.snap_heap);
    pqlex_delete_buffer(buf, scanner);
    if (cached)
        c->busy = false;
    else
        pqlexlex_destroy(scanner);
    if (nexpected) *nexpected = ctx.nexpected;
    if (rc == 0 && ctx.result && !ctx.failed) {
        *out = ctx.result;
        ctx.result->comments = ctx.comments;
        ctx.result->ncomments = ctx.ncomments;
        return PQ_OK;
    }
    free(ctx.comments);
    if (ctx.result) pq_stmt_free(ctx.result);
    if (!ctx.failed) pq_error_set(err, PQ_ERR_SYNTAX, 0, len, "syntax error");
    if (ddb_detail) *ddb_detail = ctx.detail ? ctx.detail : "";
    return PQ_ERR_SYNTAX;
}

pq_status pq_parse(const char *text, size_t len, unsigned flags, struct pq_stmt **out,
                   struct pq_error *err, const char **ddb_detail)
{
    return parse(text, len, flags, out, err, ddb_detail, NULL, NULL);
}

int pq_parse_expected(const char *text, size_t len, unsigned flags, const char **names, int cap)
{
    int sym[PQ_PARSE_MAX_TOKENS];
    int n = -1;
    struct pq_stmt *s;
    struct pq_error err;
    pq_error_init(&err);
    if (parse(text, len, flags, &s, &err, NULL, sym, &n) == PQ_OK) pq_stmt_free(s);
    pq_error_release(&err);
    for (int i = 0; i < n && i < cap; i++)
        names[i] = pq_parse_symbol_name(sym[i]);
    return n;
}
