/* check.h — the few macros pqsh's unit tests need: CHECK, REQUIRE, CHECK_STR, CHECK_EQ, DONE. */
#ifndef PQSH_CHECK_H
#define PQSH_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                                              \
    do {                                                                                         \
        check_count++;                                                                           \
        if (!(cond)) {                                                                           \
            check_failures++;                                                                    \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);             \
        }                                                                                        \
    } while (0)

/* A check the rest of the test function builds on: when it fails, the function
 * returns at once instead of going on with what it could not get. */
#define REQUIRE(cond)                                                                            \
    do {                                                                                         \
        check_count++;                                                                           \
        if (!(cond)) {                                                                           \
            check_failures++;                                                                    \
            fprintf(stderr, "%s:%d: required check failed: %s\n", __FILE__, __LINE__, #cond);    \
            return;                                                                              \
        }                                                                                        \
    } while (0)

#define CHECK_EQ(a, b)                                                                           \
    do {                                                                                         \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);                          \
        check_count++;                                                                           \
        if (check_a_ != check_b_) {                                                              \
            check_failures++;                                                                    \
            fprintf(stderr, "%s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, #a,         \
                    check_a_, check_b_);                                                         \
        }                                                                                        \
    } while (0)

#define CHECK_STR(a, b)                                                                          \
    do {                                                                                         \
        const char *check_a_ = (a), *check_b_ = (b);                                             \
        check_count++;                                                                           \
        if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0) {                         \
            check_failures++;                                                                    \
            fprintf(stderr, "%s:%d: %s\n    got:      \"%s\"\n    expected: \"%s\"\n", __FILE__, \
                    __LINE__, #a, check_a_ ? check_a_ : "(null)", check_b_ ? check_b_ : "(null)"); \
        }                                                                                        \
    } while (0)

/* Ends main(): prints a summary and returns the exit status. */
#define DONE()                                                                                   \
    do {                                                                                         \
        printf("%d checks, %d failed\n", check_count, check_failures);                           \
        return check_failures ? 1 : (check_count ? 0 : 1);                                       \
    } while (0)

#endif
