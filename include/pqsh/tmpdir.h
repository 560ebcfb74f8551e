/* tmpdir.h — private scratch folders that a killed process does not leave behind.
 *
 * `pqsh serve` keeps its in-memory databases and the classroom its students'
 * databases as files in a folder of their own. A clean stop removes it; a
 * SIGKILL cannot. So each folder holds a `.lock` file its owner keeps
 * flock()ed while it lives, and making a new folder first removes the folders
 * of the same prefix whose lock nobody holds (their owner is gone). flock
 * works across PID namespaces, where a PID check would not; a folder without
 * a `.lock` (being made, or not ours) is never touched.
 */
#ifndef PQSH_TMPDIR_H
#define PQSH_TMPDIR_H

#include "pqsh/error.h"

/* Empty when path is NULL (a zeroed struct is empty); lock_fd is only
 * meaningful beside a path. */
struct pq_tmpdir {
    char *path;  /* owned */
    int lock_fd; /* the held lock */
};

/* Makes `<base>/<prefix>-XXXXXX` (mode 0700) after removing abandoned folders
 * `<base>/<prefix>-*`. `base` NULL: $TMPDIR if absolute, else /tmp. On error
 * *out is left empty (path NULL, lock_fd -1). */
pq_status pq_tmpdir_make(const char *base, const char *prefix, struct pq_tmpdir *out,
                         struct pq_error *err) PQ_MUST_USE;

/* Removes the folder's files (one level: nothing else is made there) and the
 * folder, releases the lock and empties *t. Nothing on an empty one. */
void pq_tmpdir_remove(struct pq_tmpdir *t);

#endif
