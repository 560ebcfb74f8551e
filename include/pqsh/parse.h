/* parse.h — statement text → syntax tree (grammar/partiql.y + grammar/partiql.l).
 *
 * Ownership: on success *out is a new tree (pq_stmt_free it); on failure *out
 * is NULL and `err` is set (PQ_ERR_SYNTAX) with the byte range of the
 * offending token.
 */
#ifndef PQSH_PARSE_H
#define PQSH_PARSE_H

#include <stddef.h>
#include <stdint.h>
#include "pqsh/ast.h"
#include "pqsh/error.h"

enum pq_parse_flags {
    /* DynamoDB's own parser: only DynamoDB PartiQL statements are recognised
     * (SELECT, INSERT … VALUE, UPDATE, DELETE, EXISTS, bare expressions);
     * pqsh statements (CREATE TABLE, SET var, …) and `:name` are syntax
     * errors, and bare identifiers that are PartiQL/SQL-92 reserved words are
     * refused as DynamoDB refuses them. Used by the embedded engine. */
    PQ_PARSE_STRICT = 1u << 0,
};

/* Parses exactly one statement; a single trailing ';' is allowed.
 * `ddb_detail`, if not NULL, receives (on PQ_ERR_SYNTAX) the text DynamoDB
 * puts after "Statement wasn't well formed, can't be processed: " for this
 * kind of error — "Unexpected term", "Unexpected token after expression",
 * "Unexpected keyword", "Missing right-hand side expression of infix
 * operator", "Expected identifier for simple path", "Expected type name",
 * "Invalid path dot component", "Unexpected operator", "Expected '*' after
 * ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause" or "" (static string). */
/* Also in STRICT mode: a number whose exponent (or resulting scale) does not
 * fit 32 bits fails with detail "" (DynamoDB's parser does the same); rows
 * `VALUES (a, b)` stay PQ_S_INSERT (values_keyword set) for the engine to refuse.
 * Lexical errors (unterminated string or comment, '#', stray bytes) have
 * detail "". */
pq_status pq_parse(const char *text, size_t len, unsigned flags, struct pq_stmt **out,
                   struct pq_error *err, const char **ddb_detail) PQ_MUST_USE;

/* The length of text's leading run of ASCII other than NUL: the bytes
 * quoted text may hold without a UTF-8 check (len when all are). */
size_t pq_parse_ascii_run(const char *text, size_t len);

/* The tokens the parser would have taken where `text` has its syntax error,
 * in the grammar's order, as bison names them ("SELECT", "','", IDENT, "end
 * of file", …): their number, the first `cap` of them in names[] (static
 * strings). -1 when the text parses, or fails on something other than a
 * token the grammar cannot take there (a lexical error, an error found by a
 * rule). At most PQ_PARSE_MAX_TOKENS. For tests and diagnostics. */
#define PQ_PARSE_MAX_TOKENS 256
int pq_parse_expected(const char *text, size_t len, unsigned flags, const char **names, int cap);

/* A word ready for lookups in several word sets: its first bytes folded to
 * lower case (ASCII), zero-padded, its length and hash. Made once per word
 * (pq_word_key_make); the text itself is still needed for words longer than
 * PQ_WORD_KEY_BYTES. */
#define PQ_WORD_KEY_BYTES 16
struct pq_word_key {
    uint64_t w[PQ_WORD_KEY_BYTES / 8];
    size_t len;
    uint32_t hash;
};
void pq_word_key_make(struct pq_word_key *k, const char *word, size_t len);

/* A fixed list of ASCII words found by hash, ignoring ASCII case (keywords,
 * reserved words). `entries` is the caller's static array of `n` entries of
 * `stride` bytes, each starting with its word (a const char *); `slot` is the
 * caller's static table of `nslots` (a power of two, at least twice `n`,
 * at most 65536) zeroed indexes and `keys` its static array of `n` keys,
 * both filled by pq_wordset_build. Build once before the first lookup
 * (pthread_once); lookups may then run on any thread. */
struct pq_wordset {
    const void *entries;
    size_t stride, n;
    unsigned short *slot; /* entry index + 1; 0: empty */
    size_t nslots;
    struct pq_word_key *keys; /* the entries' keys, by index */
};
void pq_wordset_build(struct pq_wordset *ws);
/* The index of `word` (any case) in the list, or -1. */
long pq_wordset_find(const struct pq_wordset *ws, const char *word, size_t len);
/* The same for a word whose key is made (`word` is its text). */
long pq_wordset_find_key(const struct pq_wordset *ws, const struct pq_word_key *k,
                         const char *word);

/* True when `word` (any case) is a PartiQL / SQL-92 reserved word that
 * DynamoDB refuses as a bare identifier. */
bool pq_is_reserved_word(const char *word, size_t len);
/* The same for a word whose key is made. */
bool pq_is_reserved_key(const struct pq_word_key *k, const char *word);
/* True when `word` may stand bare as a name in DynamoDB's PartiQL: it lexes
 * as a plain identifier in STRICT mode (no keyword, no reserved word, only
 * [A-Za-z_][A-Za-z0-9_$]*). The text pqsh sends double-quotes the others. */
bool pq_is_plain_identifier(const char *word, size_t len);
/* True when `word` (any case) is one of the 573 reserved words of DynamoDB's
 * expression language (ConditionExpression, UpdateExpression, …). */
bool pq_is_expression_reserved_word(const char *word, size_t len);

#endif
