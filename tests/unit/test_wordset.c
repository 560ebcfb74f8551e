/* test_wordset.c — pq_wordset: words found by hash, ignoring ASCII case, and
 * nothing else found; the reserved-word and keyword lookups built on it. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pqsh/parse.h"

struct entry {
    const char *word;
    int value;
};

static const struct entry entries[] = {
    {"SELECT", 1}, {"SET", 2}, {"S", 3}, {"KEYS_ONLY", 4}, {"PAY_PER_REQUEST", 5}, {"A$B", 6},
};

int main(void)
{
    /* A deliberately small table: probing wraps around and must still find
     * every word. */
    unsigned short slots[16] = {0};
    struct pq_wordset ws = {entries, sizeof entries[0], sizeof entries / sizeof entries[0], slots,
                            16};
    pq_wordset_build(&ws);
    for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++) {
        const char *w = entries[i].word;
        CHECK_EQ(pq_wordset_find(&ws, w, strlen(w)), (long)i);
        /* any case */
        char low[32];
        size_t n = strlen(w);
        for (size_t k = 0; k <= n; k++)
            low[k] = w[k] >= 'A' && w[k] <= 'Z' ? (char)(w[k] - 'A' + 'a') : w[k];
        CHECK_EQ(pq_wordset_find(&ws, low, n), (long)i);
        /* a prefix or a longer word is not the word */
        CHECK_EQ(pq_wordset_find(&ws, w, n - 1) == (long)i, 0);
    }
    CHECK_EQ(pq_wordset_find(&ws, "SELECTS", 7), -1);
    CHECK_EQ(pq_wordset_find(&ws, "SELECT", 5), -1);
    CHECK_EQ(pq_wordset_find(&ws, "", 0), -1);
    CHECK_EQ(pq_wordset_find(&ws, "KEYS-ONLY", 9), -1); /* only letters fold */
    CHECK_EQ(pq_wordset_find(&ws, "keys_only", 9), 3);
    CHECK_EQ(pq_wordset_find(&ws, "SET\0X", 5), -1);

    /* The lists built on it. */
    CHECK(pq_is_reserved_word("value", 5));
    CHECK(pq_is_reserved_word("VaLuE", 5));
    CHECK(pq_is_reserved_word("ZONE", 4));
    CHECK(pq_is_reserved_word("absolute", 8));
    CHECK(!pq_is_reserved_word("name", 4));
    CHECK(!pq_is_reserved_word("status", 6));
    CHECK(!pq_is_reserved_word("values_", 7));
    CHECK(!pq_is_reserved_word("", 0));
    CHECK(pq_is_expression_reserved_word("name", 4));
    CHECK(pq_is_expression_reserved_word("Status", 6));
    CHECK(!pq_is_expression_reserved_word("Orders", 6));
    CHECK(pq_is_plain_identifier("Orders", 6));
    CHECK(!pq_is_plain_identifier("select", 6)); /* a keyword */
    CHECK(!pq_is_plain_identifier("date", 4));   /* a reserved word */
    DONE();
}
