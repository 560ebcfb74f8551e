/* fuzz_parse.c — libFuzzer target: bytes → splitter → parser (both modes) → printer.
 *
 * Checks, beyond "no crash, no leak, no UB": error ranges lie inside the text,
 * and printing is a fixed point in each mode (print(parse(print(t))) == print(t)).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pqsh/parse.h"
#include "pqsh/split.h"

static void parse_one(const char *text, size_t len, unsigned flags)
{
    struct pq_error err;
    pq_error_init(&err);
    struct pq_stmt *s = NULL;
    const char *detail = NULL;
    if (pq_parse(text, len, flags, &s, &err, &detail) != PQ_OK) {
        if (s || !detail || err.code != PQ_ERR_SYNTAX || !err.message) abort();
        if (err.start > err.end || err.end > len) abort();
        pq_error_release(&err);
        return;
    }
    struct pq_buf once = PQ_BUF_INIT, twice = PQ_BUF_INIT;
    pq_buf_init(&once);
    pq_buf_init(&twice);
    pq_stmt_print(s, &once);
    pq_stmt_free(s);
    if (once.len > 0) {
        /* Read back in the same mode: function names print as written, and a
         * name like COMMIT is a call in STRICT mode but a keyword in SHELL mode. */
        struct pq_stmt *again = NULL;
        if (pq_parse(once.data, once.len, flags, &again, &err, NULL) != PQ_OK) {
            fprintf(stderr, "printed text does not parse: %s\n  %s\n", once.data, err.message);
            abort();
        }
        pq_stmt_print(again, &twice);
        pq_stmt_free(again);
        if (strcmp(once.data, twice.data)) {
            fprintf(stderr, "print is not a fixed point:\n  %s\n  %s\n", once.data, twice.data);
            abort();
        }
    }
    pq_buf_release(&once);
    pq_buf_release(&twice);
    pq_error_release(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    parse_one(text, size, 0);
    parse_one(text, size, PQ_PARSE_STRICT);

    struct pq_splitter sp;
    pq_split_init(&sp);
    size_t pos = 0;
    while (pos <= size) {
        const char *nl = memchr(text + pos, '\n', size - pos);
        size_t len = nl ? (size_t)(nl - (text + pos)) : size - pos;
        pq_split_feed(&sp, text + pos, len);
        pos += len + 1;
        struct pq_split_stmt st;
        while (pq_split_next(&sp, &st)) {
            if (st.len != strlen(st.text) && !memchr(st.text, '\0', st.len)) abort();
            if (!st.is_command) {
                parse_one(st.text, st.len, 0);
                parse_one(st.text, st.len, PQ_PARSE_STRICT);
            }
            pq_split_stmt_release(&st);
        }
    }
    (void)pq_split_state(&sp);
    pq_split_finish(&sp);
    struct pq_split_stmt st;
    while (pq_split_next(&sp, &st)) {
        parse_one(st.text, st.len, 0);
        pq_split_stmt_release(&st);
    }
    pq_split_release(&sp);
    return 0;
}
