/* test_server_util.h — a write stuck on SQLite's write lock, for the tests
 * that show pqsh serve's reads answer beside a waiting write. */
#ifndef PQSH_TEST_SERVER_UTIL_H
#define PQSH_TEST_SERVER_UTIL_H

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <unistd.h>

#include <sqlite3.h>

#include "check.h"

static atomic_int stuck_started, stuck_finished;
static void (*stuck_write)(void);

static void *stuck_run(void *arg)
{
    (void)arg;
    atomic_store(&stuck_started, 1);
    stuck_write();
    atomic_store(&stuck_finished, 1);
    return NULL;
}

/* Parallelism, without timing: while another connection holds the write
 * lock of the database file `path`, `write` (a call through the server)
 * runs on a thread and waits in SQLite's busy handler, holding the
 * server's writer; `reads` runs meanwhile. Checks that the write had not
 * finished when the reads had, and that it finishes once the lock goes. */
static void beside_stuck_write(const char *path, void (*write)(void), void (*reads)(void))
{
    sqlite3 *other = NULL;
    CHECK_EQ(sqlite3_open(path, &other), SQLITE_OK);
    CHECK_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    atomic_store(&stuck_started, 0);
    atomic_store(&stuck_finished, 0);
    pthread_t w;
    stuck_write = write;
    pthread_create(&w, NULL, stuck_run, NULL);
    while (!atomic_load(&stuck_started))
        sched_yield();
    usleep(100 * 1000); /* into the busy handler, holding the writer */
    reads();
    CHECK(!atomic_load(&stuck_finished));
    CHECK_EQ(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    pthread_join(w, NULL);
    CHECK(atomic_load(&stuck_finished));
    sqlite3_close(other);
}

#endif
