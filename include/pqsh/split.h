/* split.h — cut input lines into complete statements, keeping where each began.
 *
 * Statements end at ';' outside 'strings', "quoted identifiers", -- line
 * comments and block comments. A line whose first non-blank character
 * is '.' or '\' while no statement is pending is a command line and is
 * returned whole. CRLF endings and a UTF-8 BOM on the first line are accepted
 * (the BOM is dropped and not counted in columns). Comments before a
 * statement's first token are not part of it; comments inside it are kept.
 * Block comments do not nest. Statements with no text (";;") are skipped.
 * `\gset [prefix]` outside quotes and comments ends a statement as ';' does
 * (psql's way to store a result in variables): the rest of that line is the
 * statement's `then`.
 *
 * Ownership: the splitter owns its buffer; each returned statement's `text`
 * is a new string the caller frees.
 */
#ifndef PQSH_SPLIT_H
#define PQSH_SPLIT_H

#include <stdbool.h>
#include <stddef.h>
#include "pqsh/buf.h"

typedef enum pq_split_open {
    PQ_OPEN_NONE = 0, /* nothing pending */
    PQ_OPEN_TEXT,     /* a statement has started */
    PQ_OPEN_STRING,   /* inside '…' */
    PQ_OPEN_IDENT,    /* inside "…" */
    PQ_OPEN_COMMENT,  /* inside a block comment */
} pq_split_open;

struct pq_split_stmt {
    char *text; /* statement text from its first non-blank byte, ';' excluded */
    size_t len;
    unsigned line;   /* 1-based line of text[0] in the input */
    unsigned col;    /* 1-based column (bytes) of text[0] */
    bool is_command; /* a dot / backslash command line (text = the line from its
                        first non-blank byte; terminated = true) */
    bool terminated; /* ended by ';' (false for the last statement at end of input) */
    char *then;      /* psql's `\gset [prefix]` written instead of ';': the command
                        (from the backslash to the end of its line, owned), run on
                        the statement's result; NULL otherwise */
};

struct pq_splitter {
    struct pq_buf pending; /* text of the statement being collected */
    unsigned line;         /* lines fed so far */
    unsigned start_line, start_col;
    pq_split_open state;
    int comment_depth;
    bool in_line_comment;
    /* Complete statements waiting to be taken. */
    struct pq_split_stmt *ready;
    size_t nready, cap_ready, head;
};

void pq_split_init(struct pq_splitter *s);
void pq_split_release(struct pq_splitter *s);
/* Feeds one input line (without its line terminator; a trailing '\r' is dropped). */
void pq_split_feed(struct pq_splitter *s, const char *line, size_t len);
/* Takes the next complete statement; false when none is ready. */
bool pq_split_next(struct pq_splitter *s, struct pq_split_stmt *out);
/* End of input: whatever non-blank text is pending becomes a last statement
 * (terminated = false), available through pq_split_next. */
void pq_split_finish(struct pq_splitter *s);
/* What is open at the end of the text fed so far (for the continuation prompt). */
pq_split_open pq_split_state(const struct pq_splitter *s);
/* Drops any pending partial statement (Ctrl-C at the prompt). */
void pq_split_discard(struct pq_splitter *s);
void pq_split_stmt_release(struct pq_split_stmt *st);

#endif
