/* session.c — one student of the class: a pqsh REPL on a pseudo-terminal, relayed to a browser.
 *
 * The child is `pqsh --sandbox --local DIR/NAME.db` (src/shell/sandbox.c)
 * with a small, fixed environment (no AWS credentials, HOME in the class
 * folder), its progress reports on fd 3. A relay thread per session moves
 * the pty's output into the session's buffer (the browser's stream reads it
 * from there, web.c), parses the reports, and ends the child when it has
 * been idle too long.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/rand.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

double cls_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cls_random_hex(char *out, size_t n)
{
    unsigned char raw[64];
    if (n > sizeof raw) n = sizeof raw;
    if (RAND_bytes(raw, (int)n) != 1) abort(); /* no randomness: no safe tokens */
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
}

struct cls_session *cls_find_name(struct pq_class *c, const char *name)
{
    for (size_t i = 0; i < c->nsessions; i++)
        if (strcmp(c->sessions[i]->name, name) == 0) return c->sessions[i];
    return NULL;
}

struct cls_session *cls_find_sid(struct pq_class *c, const char *sid)
{
    for (size_t i = 0; i < c->nsessions; i++)
        if (strlen(sid) == 32 && strcmp(c->sessions[i]->sid, sid) == 0) return c->sessions[i];
    return NULL;
}

/* Output for the browser (lock held): kept up to CLS_OUT_MAX, oldest dropped. */
static void out_add(struct cls_session *s, const char *data, size_t len)
{
    if (s->out.len + len > CLS_OUT_MAX) {
        size_t drop = s->out.len / 2 > len ? s->out.len / 2 : s->out.len;
        memmove(s->out.data, s->out.data + drop, s->out.len - drop);
        s->out.len -= drop;
        s->out_base += drop;
    }
    pq_buf_add(&s->out, data, len);
    pthread_cond_broadcast(&s->cond);
}

static void set_text(char **field, const char *text)
{
    free(*field);
    *field = text ? pq_xstrdup(text) : NULL;
}

/* One report line from the child (lock held). */
static void take_report(struct cls_session *s, const char *line)
{
    json_t *o = json_loads(line, 0, NULL);
    if (!json_is_object(o)) goto out;
    json_t *t = json_object_get(o, "tutorial");
    if (json_is_string(t)) {
        set_text(&s->tutorial, json_string_value(t));
        s->done = (unsigned long long)json_integer_value(json_object_get(o, "done"));
        s->steps = (unsigned long long)json_integer_value(json_object_get(o, "steps"));
    }
    json_t *st = json_object_get(o, "statement");
    if (json_is_string(st)) {
        set_text(&s->last_statement, json_string_value(st));
        s->last_ok = json_is_true(json_object_get(o, "ok"));
        s->statements++;
        if (!s->last_ok) {
            s->errors++;
            json_t *e = json_object_get(o, "error");
            set_text(&s->last_error, json_is_string(e) ? json_string_value(e) : "(failed)");
        }
    }
out:
    json_decref(o);
}

/* Reads what the report pipe has; false at its end. */
static bool read_reports(struct pq_class *c, struct cls_session *s)
{
    char buf[4096];
    ssize_t n = read(s->report, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
    if (n <= 0) return false;
    pthread_mutex_lock(&c->lock);
    for (ssize_t i = 0; i < n; i++) {
        if (buf[i] != '\n') {
            if (s->line.len < 64 * 1024) pq_buf_addc(&s->line, buf[i]);
            continue;
        }
        take_report(s, s->line.data);
        pq_buf_reset(&s->line);
    }
    pthread_mutex_unlock(&c->lock);
    return true;
}

static void *relay(void *arg)
{
    void **args = arg;
    struct pq_class *c = args[0];
    struct cls_session *s = args[1];
    free(args);
    bool idle_killed = false, reports_open = true;
    unsigned idle = c->opt.idle_s ? c->opt.idle_s : 1800;
    for (;;) {
        struct pollfd p[2] = {{s->master, POLLIN, 0}, {reports_open ? s->report : -1, POLLIN, 0}};
        int k = poll(p, 2, 500);
        if (k < 0 && errno != EINTR) break;
        if (reports_open && (p[1].revents & (POLLIN | POLLHUP))) reports_open = read_reports(c, s);
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            char buf[16384];
            ssize_t n = read(s->master, buf, sizeof buf);
            if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
            if (n <= 0) break; /* EIO: the child and its terminal are gone */
            pthread_mutex_lock(&c->lock);
            out_add(s, buf, (size_t)n);
            pthread_mutex_unlock(&c->lock);
        }
        pthread_mutex_lock(&c->lock);
        bool stop = c->stopping, resetting = s->resetting;
        bool idle_now = !idle_killed && cls_now() - s->last_active > idle;
        pthread_mutex_unlock(&c->lock);
        if (stop || resetting) break;
        if (idle_now) {
            idle_killed = true;
            kill(s->pid, SIGKILL);
        }
    }
    while (reports_open && read_reports(c, s))
        ;
    pthread_mutex_lock(&c->lock);
    if (!s->resetting && !c->stopping) {
        char msg[160];
        if (idle_killed && idle < 120)
            snprintf(msg, sizeof msg, "the session ended after %u seconds without input", idle);
        else if (idle_killed)
            snprintf(msg, sizeof msg, "the session ended after %u minutes without input",
                     idle / 60);
        else
            snprintf(msg, sizeof msg, "the session ended");
        set_text(&s->end_reason, msg);
        s->ended = true;
        out_add(s, "", 0);
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

/* The child's environment: fixed, nothing of the server's but test and sanitizer knobs. */
static char **child_env(struct pq_class *c, char *fd_env, char *quota_env, char *home_env,
                        char *xdg_env)
{
    static const char *const pass[] = {"PQSH_TUTORIAL_PATH", "PQSH_TEST_FIXED_TIME", "ASAN_OPTIONS",
                                       "UBSAN_OPTIONS",      "LSAN_OPTIONS",         NULL};
    char **env = pq_xcalloc(16, sizeof *env);
    size_t n = 0;
    env[n++] = pq_xstrdup("TERM=xterm-256color");
    env[n++] = pq_xstrdup("LANG=C.UTF-8");
    env[n++] = pq_xstrdup("PATH=/usr/bin:/bin");
    env[n++] = pq_xstrdup(fd_env);
    env[n++] = pq_xstrdup(quota_env);
    env[n++] = pq_xstrdup(home_env);
    env[n++] = pq_xstrdup(xdg_env);
    for (size_t i = 0; pass[i]; i++) {
        const char *v = getenv(pass[i]);
        if (!v) continue;
        size_t len = strlen(pass[i]) + strlen(v) + 2;
        env[n] = pq_xmalloc(len);
        snprintf(env[n++], len, "%s=%s", pass[i], v);
    }
    (void)c;
    return env;
}

static void free_env(char **env)
{
    for (size_t i = 0; env[i]; i++)
        free(env[i]);
    free(env);
}

/* Starts the child and its relay (s->life held). */
static bool spawn(struct pq_class *c, struct cls_session *s)
{
    char fd_env[] = "PQSH_CLASS_FD=3", quota_env[128], home_env[4200], xdg_env[4200];
    snprintf(quota_env, sizeof quota_env, "PQSH_CLASS_QUOTA=%llu %llu %llu", c->opt.quota_items,
             c->opt.quota_bytes, c->opt.quota_rate);
    snprintf(home_env, sizeof home_env, "HOME=%s", c->opt.dir);
    snprintf(xdg_env, sizeof xdg_env, "XDG_DATA_HOME=%s", c->opt.dir);
    char **env = child_env(c, fd_env, quota_env, home_env, xdg_env);
    char *argv[] = {(char *)c->opt.pqsh, "--sandbox", "--local", s->db, NULL};
    int pfd[2];
    if (pipe2(pfd, O_CLOEXEC) != 0) {
        free_env(env);
        return false;
    }
    struct winsize ws = {.ws_row = 30, .ws_col = 100};
    int master = -1;
    pid_t pid = forkpty(&master, NULL, NULL, &ws);
    if (pid == 0) {
        /* The child: async-signal-safe calls only until execve. */
        if (pfd[1] == 3)
            fcntl(3, F_SETFD, 0);
        else
            dup2(pfd[1], 3);
        close_range(4, ~0U, 0);
        signal(SIGPIPE, SIG_DFL);
        execve(argv[0], argv, env);
        _exit(127);
    }
    free_env(env);
    close(pfd[1]);
    if (pid < 0) {
        close(pfd[0]);
        return false;
    }
    fcntl(master, F_SETFD, FD_CLOEXEC);
    fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
    fcntl(pfd[0], F_SETFL, fcntl(pfd[0], F_GETFL) | O_NONBLOCK);
    pthread_mutex_lock(&c->lock);
    s->pid = pid;
    s->master = master;
    s->report = pfd[0];
    s->ended = false;
    s->resetting = false;
    set_text(&s->end_reason, NULL);
    s->last_active = cls_now();
    pthread_mutex_unlock(&c->lock);
    void **args = pq_xmalloc(2 * sizeof *args);
    args[0] = c;
    args[1] = s;
    if (pthread_create(&s->relay, NULL, relay, args) != 0) {
        free(args);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        close(master);
        close(pfd[0]);
        s->pid = 0;
        s->master = s->report = -1;
        return false;
    }
    s->relay_running = true;
    return true;
}

/* Ends the child and its relay (s->life held; `resetting` or `stopping` set). */
static void end_child(struct cls_session *s)
{
    if (!s->relay_running) return;
    kill(s->pid, SIGKILL);
    pthread_join(s->relay, NULL);
    s->relay_running = false;
    waitpid(s->pid, NULL, 0);
    close(s->master);
    close(s->report);
    s->pid = 0;
    s->master = s->report = -1;
}

/* Letters, digits, '_', '-' and '.', 1 to 32 of them, not starting with '.'. */
static bool valid_name(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 32 || name[0] == '.') return false;
    for (size_t i = 0; i < n; i++) {
        char ch = name[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.';
        if (!ok) return false;
    }
    return true;
}

static struct cls_session *session_new(struct pq_class *c, const char *name)
{
    struct cls_session *s = pq_xcalloc(1, sizeof *s);
    s->name = pq_xstrdup(name);
    cls_random_hex(s->sid, 16);
    size_t n = strlen(c->opt.dir) + strlen(name) + 8;
    s->db = pq_xmalloc(n);
    snprintf(s->db, n, "%s/%s.db", c->opt.dir, name);
    s->master = s->report = -1;
    pthread_cond_init(&s->cond, NULL);
    pthread_mutex_init(&s->life, NULL);
    pq_buf_init(&s->out);
    pq_buf_init(&s->line);
    s->joined = s->last_active = cls_now();
    return s;
}

struct cls_session *cls_join(struct pq_class *c, const char *name, const char *resume,
                             unsigned *status, const char **why)
{
    if (!valid_name(name)) {
        *status = 400;
        *why = "a name is 1 to 32 letters, digits, '_', '-' or '.'";
        return NULL;
    }
    pthread_mutex_lock(&c->lock);
    struct cls_session *s = cls_find_name(c, name);
    bool fresh = false, restart = false;
    if (s && !s->ended && !(resume && strcmp(resume, s->sid) == 0)) {
        pthread_mutex_unlock(&c->lock);
        *status = 409;
        *why = "that name is already in use in this class: choose another";
        return NULL;
    }
    if (!s) {
        unsigned max = c->opt.max_sessions ? c->opt.max_sessions : 100;
        if (c->nsessions >= max) {
            pthread_mutex_unlock(&c->lock);
            *status = 503;
            *why = "the class is full";
            return NULL;
        }
        s = session_new(c, name);
        c->sessions = pq_xrealloc(c->sessions, (c->nsessions + 1) * sizeof *c->sessions);
        c->sessions[c->nsessions++] = s;
        fresh = true;
    } else if (s->ended) {
        /* A new child on the same database, a new handle, a clean screen. */
        cls_random_hex(s->sid, 16);
        s->out_base += s->out.len;
        pq_buf_reset(&s->out);
        restart = true;
    }
    s->last_active = cls_now();
    pthread_mutex_unlock(&c->lock);
    if (fresh || restart) {
        pthread_mutex_lock(&s->life);
        if (s->relay_running) end_child(s); /* an ended child's relay, not yet joined */
        bool ok = spawn(c, s);
        pthread_mutex_unlock(&s->life);
        if (!ok) {
            *status = 500;
            *why = "the session could not be started";
            return NULL;
        }
    }
    return s;
}

bool cls_input(struct pq_class *c, struct cls_session *s, const char *data, size_t len)
{
    pthread_mutex_lock(&s->life);
    pthread_mutex_lock(&c->lock);
    bool live = !s->ended && s->master >= 0;
    if (live) s->last_active = cls_now();
    int fd = s->master;
    pthread_mutex_unlock(&c->lock);
    /* A child that reads nothing for 2 s loses the rest (a paste into a busy shell). */
    for (size_t off = 0; live && off < len;) {
        ssize_t k = write(fd, data + off, len - off);
        if (k > 0) {
            off += (size_t)k;
        } else if (k < 0 && errno == EAGAIN) {
            struct pollfd p = {fd, POLLOUT, 0};
            if (poll(&p, 1, 2000) <= 0) break;
        } else if (!(k < 0 && errno == EINTR)) {
            break;
        }
    }
    pthread_mutex_unlock(&s->life);
    return live;
}

void cls_resize(struct pq_class *c, struct cls_session *s, unsigned cols, unsigned rows)
{
    pthread_mutex_lock(&s->life);
    if (s->master >= 0) {
        struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
        ioctl(s->master, TIOCSWINSZ, &ws);
    }
    pthread_mutex_unlock(&s->life);
    (void)c;
}

bool cls_reset(struct pq_class *c, struct cls_session *s)
{
    pthread_mutex_lock(&s->life);
    pthread_mutex_lock(&c->lock);
    s->resetting = true;
    pthread_mutex_unlock(&c->lock);
    end_child(s);
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal", NULL};
    for (size_t i = 0; suffix[i]; i++) {
        size_t n = strlen(s->db) + 10;
        char *p = pq_xmalloc(n);
        snprintf(p, n, "%s%s", s->db, suffix[i]);
        unlink(p);
        free(p);
    }
    pthread_mutex_lock(&c->lock);
    set_text(&s->tutorial, NULL);
    set_text(&s->last_statement, NULL);
    set_text(&s->last_error, NULL);
    s->done = s->steps = s->statements = s->errors = 0;
    static const char msg[] = "\r\n\033[33m[Your teacher reset your database: every table is "
                              "gone. A new session starts.]\033[0m\r\n";
    out_add(s, msg, sizeof msg - 1);
    pthread_mutex_unlock(&c->lock);
    bool ok = spawn(c, s);
    if (!ok) {
        pthread_mutex_lock(&c->lock);
        s->ended = true;
        s->resetting = false;
        set_text(&s->end_reason, "the session could not be restarted");
        out_add(s, "", 0);
        pthread_mutex_unlock(&c->lock);
    }
    pthread_mutex_unlock(&s->life);
    return ok;
}

void cls_sessions_free(struct pq_class *c)
{
    for (size_t i = 0; i < c->nsessions; i++) {
        struct cls_session *s = c->sessions[i];
        pthread_mutex_lock(&s->life);
        end_child(s);
        pthread_mutex_unlock(&s->life);
        pthread_cond_destroy(&s->cond);
        pthread_mutex_destroy(&s->life);
        pq_buf_release(&s->out);
        pq_buf_release(&s->line);
        free(s->name);
        free(s->db);
        free(s->end_reason);
        free(s->tutorial);
        free(s->last_statement);
        free(s->last_error);
        free(s);
    }
    free(c->sessions);
    c->sessions = NULL;
    c->nsessions = 0;
}
