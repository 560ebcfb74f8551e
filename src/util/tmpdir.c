/* tmpdir.c — private scratch folders, and the removal of those a killed owner left. */
#include "pqsh/tmpdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "pqsh/buf.h"

#define LOCK_NAME ".lock"

static char *path_join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = pq_xmalloc(a + 1 + b + 1);
    memcpy(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, name, b + 1);
    return p;
}

/* Unlinks the plain files in `dir` (never following links, never descending),
 * then the folder itself. */
static void empty_and_remove(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        unlinkat(dirfd(d), e->d_name, 0);
    }
    if (d) closedir(d);
    rmdir(dir);
}

/* Removes `<base>/<prefix>-*` folders whose `.lock` nobody holds. */
static void sweep_abandoned(const char *base, const char *prefix)
{
    DIR *d = opendir(base);
    if (!d) return;
    size_t n = strlen(prefix);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, prefix, n) != 0 || e->d_name[n] != '-') continue;
        char *dir = path_join(base, e->d_name);
        char *lock = path_join(dir, LOCK_NAME);
        struct stat st;
        /* Our own folders only: a directory owned by us with a lock file. */
        int fd = lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid()
                     ? open(lock, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
                     : -1;
        if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0) empty_and_remove(dir);
        if (fd >= 0) close(fd);
        free(lock);
        free(dir);
    }
    closedir(d);
}

pq_status pq_tmpdir_make(const char *base, const char *prefix, struct pq_tmpdir *out,
                         struct pq_error *err)
{
    out->path = NULL;
    out->lock_fd = -1;
    if (!base) {
        const char *t = getenv("TMPDIR");
        base = t && *t == '/' ? t : "/tmp";
    }
    sweep_abandoned(base, prefix);
    char *tmpl = pq_xmalloc(strlen(base) + strlen(prefix) + sizeof "/-XXXXXX");
    sprintf(tmpl, "%s/%s-XXXXXX", base, prefix);
    if (!mkdtemp(tmpl)) {
        pq_status st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                                    "cannot create the folder %s: %s", tmpl, strerror(errno));
        free(tmpl);
        return st;
    }
    /* Locked under another name first: a sweeper that finds `.lock` must find
     * it held, never in the moment between creating and locking it. */
    char *pending = path_join(tmpl, ".lock-new"), *lock = path_join(tmpl, LOCK_NAME);
    int fd = open(pending, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    int saved = errno;
    if (fd >= 0 && (flock(fd, LOCK_EX) != 0 || rename(pending, lock) != 0)) {
        saved = errno;
        close(fd);
        fd = -1;
    }
    free(pending);
    free(lock);
    if (fd < 0) {
        empty_and_remove(tmpl);
        pq_status st = pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                                    "cannot lock the folder %s: %s", tmpl, strerror(saved));
        free(tmpl);
        return st;
    }
    out->path = tmpl;
    out->lock_fd = fd;
    return PQ_OK;
}

void pq_tmpdir_remove(struct pq_tmpdir *t)
{
    if (!t->path) return;
    empty_and_remove(t->path);
    close(t->lock_fd);
    free(t->path);
    t->path = NULL;
    t->lock_fd = -1;
}
