/* test_engine_open.h — a new :memory: engine on the unit tests' fixed clock. */
#ifndef PQSH_TEST_ENGINE_OPEN_H
#define PQSH_TEST_ENGINE_OPEN_H

#include <stdio.h>
#include <stdlib.h>

#include "pqsh/engine.h"

/* Opens an in-memory engine whose clock stands at 1700000000 (page_bytes
 * 0: the default page size); exits the test when it cannot. */
static inline struct pq_engine *test_engine_open(size_t page_bytes)
{
    struct pq_engine_options opt = {
        .path = ":memory:", .fixed_time = 1700000000.0, .page_bytes = page_bytes};
    struct pq_engine *e = NULL;
    struct pq_error err;
    pq_error_init(&err);
    if (pq_engine_open(&opt, &e, &err)) {
        fprintf(stderr, "cannot open engine: %s\n", err.message);
        exit(1);
    }
    pq_error_release(&err);
    return e;
}

#endif
