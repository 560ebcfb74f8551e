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

/* Unlinks the plain files of the open folder `dfd` (never following links,
 * never descending); closes dfd. */
static void empty_folder(int dfd)
{
    DIR *d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
}

static void empty_and_remove(const char *dir)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd >= 0) empty_folder(dfd);
    rmdir(dir);
}

/* Removes `<base>/<prefix>-*` folders whose `.lock` nobody holds. Every
 * step goes through descriptors opened without following links (a folder
 * swapped for a symbolic link meanwhile is not followed), and only a
 * directory of ours with a `.lock` is touched. (A maker that died between
 * creating `.lock-new` and renaming it leaves an empty folder behind: the
 * price of never seeing a `.lock` before it is held.) */
static void sweep_abandoned(const char *base, const char *prefix)
{
    int bfd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = bfd >= 0 ? fdopendir(bfd) : NULL;
    if (!d) {
        if (bfd >= 0) close(bfd);
        return;
    }
    size_t n = strlen(prefix);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, prefix, n) != 0 || e->d_name[n] != '-') continue;
        int dfd = openat(bfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        if (dfd < 0) continue;
        if (fstat(dfd, &st) != 0 || st.st_uid != geteuid()) {
            close(dfd);
            continue;
        }
        int fd = openat(dfd, LOCK_NAME, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0) {
            empty_folder(dfd);
            unlinkat(bfd, e->d_name, AT_REMOVEDIR);
        } else {
            close(dfd);
        }
        if (fd >= 0) close(fd);
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
    char *pending = path_join(tmpl, LOCK_NAME "-new"), *lock = path_join(tmpl, LOCK_NAME);
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
