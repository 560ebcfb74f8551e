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
    {"SELECT", 1},
    {"SET", 2},
    {"S", 3},
    {"KEYS_ONLY", 4},
    {"PAY_PER_REQUEST", 5},
    {"A$B", 6},
    /* longer than a key's folded prefix (PQ_WORD_KEY_BYTES): the rest is
     * compared from the text */
    {"LOCALIZED_TIMESTAMP", 7},
    {"LOCALIZED_TIMESTAMPS_ALL", 8},
    {"SIXTEEN_BYTES_XY", 9},
};

int main(void)
{
    /* A deliberately small table: probing wraps around and must still find
     * every word. */
    unsigned short slots[16] = {0};
    struct pq_word_key keys[sizeof entries / sizeof entries[0]];
    struct pq_wordset ws = {
        entries, sizeof entries[0], sizeof entries / sizeof entries[0], slots, 16, keys};
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
    CHECK_EQ(pq_wordset_find(&ws, "localized_timestamp", 19), 6);
    CHECK_EQ(pq_wordset_find(&ws, "LOCALIZED_TIMESTAMp", 19), 6);
    CHECK_EQ(pq_wordset_find(&ws, "LOCALIZED_TIMESTAMX", 19), -1); /* same first 16 bytes */
    CHECK_EQ(pq_wordset_find(&ws, "LOCALIZED_TIMESTAMPS_aLL", 24), 7);
    CHECK_EQ(pq_wordset_find(&ws, "LOCALIZED_TIMESTAMPS_ALX", 24), -1);
    CHECK_EQ(pq_wordset_find(&ws, "sixteen_bytes_xy", 16), 8);
    CHECK_EQ(pq_wordset_find(&ws, "SIXTEEN_BYTES_XYZ", 17), -1);
    CHECK_EQ(pq_wordset_find(&ws, "SIXTEEN_BYTES_X", 15), -1);
    /* One key, several sets. */
    struct pq_word_key k;
    pq_word_key_make(&k, "Keys_Only", 9);
    CHECK_EQ(pq_wordset_find_key(&ws, &k, "Keys_Only"), 3);
    pq_word_key_make(&k, "VaLuE", 5);
    CHECK_EQ(pq_wordset_find_key(&ws, &k, "VaLuE"), -1);
    CHECK(pq_is_reserved_key(&k, "VaLuE"));
    pq_word_key_make(&k, "current_timestamp", 17);
    CHECK(pq_is_reserved_key(&k, "current_timestamp"));
    pq_word_key_make(&k, "current_timestampx", 18);
    CHECK(!pq_is_reserved_key(&k, "current_timestampx"));
    /* '@' + 0x20 is '`': only A-Z fold */
    pq_word_key_make(&k, "@", 1);
    struct pq_word_key k2;
    pq_word_key_make(&k2, "`", 1);
    CHECK(k.w[0] != k2.w[0]);

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
