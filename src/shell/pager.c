/* pager.c — where results go: tall interactive results through $PAGER, .output FILE.
 *
 * Both work on file descriptor 1, so that everything any shell file prints
 * with printf follows: while a statement runs at the prompt its stdout goes
 * to a temporary file; afterwards the file is shown directly when it fits
 * the screen and through the pager ($PAGER, default `less -S`) when it does
 * not. Scripts are never paged (sh->pager is only set at the prompt).
 */
#include "shell.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

static FILE *capture; /* stdout of the statement being run, when paging */
static int capture_saved = -1;
static bool color_saved; /* sh->color before .output FILE */

static bool term_size(struct winsize *ws)
{
    const int fds[] = {STDOUT_FILENO, STDERR_FILENO, STDIN_FILENO};
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
        if (isatty(fds[i]) && ioctl(fds[i], TIOCGWINSZ, ws) == 0 && ws->ws_col) return true;
    return false;
}

unsigned shell_term_rows(void)
{
    struct winsize ws;
    return term_size(&ws) ? ws.ws_row : 0;
}

unsigned shell_term_cols(void)
{
    struct winsize ws;
    return term_size(&ws) ? ws.ws_col : 0;
}

void shell_page_begin(struct shell *sh)
{
    /* The window may have changed; a file from .output gets whole lines. */
    if (sh->width_auto) sh->width = sh->saved_stdout >= 0 ? 0 : shell_term_cols();
    if (!sh->pager || sh->saved_stdout >= 0 || capture) return;
    fflush(stdout);
    capture = tmpfile();
    if (!capture) return;
    capture_saved = dup(STDOUT_FILENO);
    if (capture_saved < 0 || dup2(fileno(capture), STDOUT_FILENO) < 0) {
        if (capture_saved >= 0) close(capture_saved);
        capture_saved = -1;
        fclose(capture);
        capture = NULL;
    }
}

/* Runs the pager on the captured text; false when it could not start. */
static bool run_pager(int fd)
{
    const char *pager = getenv("PAGER");
    if (!pager || !*pager) pager = "less -S";
    pid_t pid = fork();
    if (pid < 0) return false;
    if (pid == 0) {
        dup2(fd, STDIN_FILENO);
        /* Colour escapes pass through less when the user has not said otherwise. */
        setenv("LESS", getenv("LESS") ? getenv("LESS") : "-R", 0);
        signal(SIGINT, SIG_DFL);
        signal(SIGPIPE, SIG_DFL); /* pqsh ignores it (main.c); the pager's commands should not */
        execl("/bin/sh", "sh", "-c", pager, (char *)NULL);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(status) && WEXITSTATUS(status) != 127;
}

void shell_page_end(struct shell *sh)
{
    if (!capture) return;
    fflush(stdout);
    dup2(capture_saved, STDOUT_FILENO);
    close(capture_saved);
    capture_saved = -1;
    /* Lines on screen: text lines, each wider line taking several rows
     * (the pager chops them, but then they still count once). */
    size_t lines = 0;
    int c;
    rewind(capture);
    while ((c = getc(capture)) != EOF)
        if (c == '\n') lines++;
    unsigned rows = shell_term_rows();
    rewind(capture);
    fflush(stdout);
    bool paged = false;
    if (rows && lines + 1 >= rows) {
        lseek(fileno(capture), 0, SEEK_SET);
        paged = run_pager(fileno(capture));
        rewind(capture);
    }
    if (!paged) {
        char buf[8192];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, capture)) > 0)
            fwrite(buf, 1, n, stdout);
        fflush(stdout);
    }
    fclose(capture);
    capture = NULL;
    shell_interrupted = 0; /* Ctrl-C in the pager leaves it, nothing more */
}

bool shell_output_to(struct shell *sh, const struct where *w, const char *path)
{
    fflush(stdout);
    if (!path) {
        if (sh->saved_stdout < 0) return true;
        dup2(sh->saved_stdout, STDOUT_FILENO);
        close(sh->saved_stdout);
        sh->saved_stdout = -1;
        sh->color = color_saved;
        free(sh->output_path);
        sh->output_path = NULL;
        return true;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        shell_errorf(w, "cannot open '%s': %s", path, strerror(errno));
        return false;
    }
    if (sh->saved_stdout < 0) {
        sh->saved_stdout = dup(STDOUT_FILENO);
        color_saved = sh->color;
    }
    dup2(fd, STDOUT_FILENO);
    close(fd);
    free(sh->output_path);
    sh->output_path = pq_xstrdup(path);
    sh->color = false; /* a file gets plain text */
    return true;
}
