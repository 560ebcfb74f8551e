/* repl.c — interactive input: banner, readline prompts, history, Ctrl-C. The only readline user
 * (with complete.c, which it installs). */
#include "shell.h"
#include "pqsh/split.h"

#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <fcntl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

volatile int shell_interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    shell_interrupted = 1;
}

static char *line_read;
static bool line_done;

static void on_line(char *line)
{
    line_read = line;
    line_done = true;
    rl_callback_handler_remove();
}

/* One line through readline's callback interface, so that Ctrl-C (which
 * interrupts select) can drop the line being typed without a longjmp.
 * Returns the line (free it), or NULL at end of input; *interrupted tells
 * Ctrl-C apart from end of input. */
static char *read_line(const char *prompt, bool *interrupted)
{
    *interrupted = false;
    line_read = NULL;
    line_done = false;
    shell_interrupted = 0;
    rl_callback_handler_install(prompt, on_line);
    while (!line_done) {
        fd_set fds;
        FD_ZERO(&fds);
        FD_SET(STDIN_FILENO, &fds);
        if (select(STDIN_FILENO + 1, &fds, NULL, NULL, NULL) < 0) {
            if (errno != EINTR) break;
            if (!shell_interrupted) continue;
            rl_free_line_state();
            rl_crlf();
            rl_callback_handler_remove();
            *interrupted = true;
            return NULL;
        }
        rl_callback_read_char();
    }
    return line_read;
}

/* `pqsh local> `, or what is open in the statement being typed: `-> ` text,
 * `'> ` a string, `"> ` a quoted identifier, `*> ` a block comment. */
static char *prompt_for(const char *label, const char *block, pq_split_open open)
{
    static const char *const marks[] = {[PQ_OPEN_NONE] = ">",
                                        [PQ_OPEN_TEXT] = "->",
                                        [PQ_OPEN_STRING] = "'>",
                                        [PQ_OPEN_IDENT] = "\">",
                                        [PQ_OPEN_COMMENT] = "*>"};
    struct pq_buf b = PQ_BUF_INIT;
    pq_buf_init(&b);
    /* An open BEGIN / BEGIN BATCH shows as `pqsh local[txn]> `. */
    pq_buf_addf(&b, block ? "pqsh %s[%s]%s " : "pqsh %s%s%s ", label, block ? block : "",
                marks[open]);
    return pq_buf_detach(&b, NULL);
}

/* Entries kept: PQSH_HISTSIZE (0 keeps none), default 2000. */
static int history_size(void)
{
    const char *v = getenv("PQSH_HISTSIZE");
    if (!v || !*v) return 2000;
    char *end;
    long n = strtol(v, &end, 10);
    return *end || n < 0 || n > 1000000 ? 2000 : (int)n;
}

/* Text that looks like a credential never goes into the history: secret
 * keys, session tokens, passwords, access key ids and user:password@ URLs. */
static bool holds_credentials(const char *text)
{
    static const char *const words[] = {"secret",       "password",   "passwd",    "session_token",
                                        "sessiontoken", "access_key", "credential"};
    static regex_t key_id, url_userinfo;
    static bool compiled;
    if (!compiled) {
        regcomp(&key_id, "(AKIA|ASIA)[A-Z0-9]{16}", REG_EXTENDED | REG_NOSUB);
        regcomp(&url_userinfo, "://[^/@ ]+:[^/@ ]*@", REG_EXTENDED | REG_NOSUB);
        compiled = true;
    }
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t n = strlen(words[i]);
        for (const char *p = text; *p; p++)
            if (strncasecmp(p, words[i], n) == 0) return true;
    }
    return regexec(&key_id, text, 0, NULL, 0) == 0 || regexec(&url_userinfo, text, 0, NULL, 0) == 0;
}

/* The history file must be a regular file of ours, not a symlink (which
 * would send what is typed wherever it points); created 0600, and made
 * 0600 if it was not. false (with a warning): no history this session. */
static bool history_open(const char *path)
{
    /* Created private: statements may hold values worth keeping to oneself. */
    /* O_NONBLOCK: a FIFO in its place must not hang the shell. */
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600);
    struct stat st;
    const char *why = NULL;
    if (fd < 0)
        why = errno == ELOOP                      ? "it is a symbolic link"
              : errno == EISDIR || errno == ENXIO ? "it is not a regular file"
                                                  : strerror(errno);
    else if (fstat(fd, &st) != 0)
        why = strerror(errno);
    else if (!S_ISREG(st.st_mode))
        why = "it is not a regular file";
    else if (st.st_uid != geteuid())
        why = "it belongs to another user";
    else if ((st.st_mode & 077) && fchmod(fd, 0600) != 0)
        why = strerror(errno);
    if (fd >= 0) close(fd);
    if (why) {
        fprintf(stderr, "pqsh: warning: history is off: cannot use '%s': %s\n", path, why);
        return false;
    }
    /* Multi-line statements are one entry; timestamps mark where each starts. */
    history_comment_char = '#';
    history_write_timestamps = 1;
    history_multiline_entries = 1;
    stifle_history(history_size());
    read_history(path);
    return true;
}

static void history_add(const char *path, struct pq_buf *entry)
{
    if (entry->len == 0) return;
    bool blank = strspn(entry->data, " \t\n") == entry->len;
    if (!blank && !holds_credentials(entry->data) && history_size() > 0) {
        add_history(entry->data);
        if (path) append_history(1, path);
    }
    pq_buf_reset(entry);
}

bool shell_confirm(const char *question)
{
    bool interrupted;
    char *answer = read_line(question, &interrupted);
    bool yes = answer && tolower((unsigned char)answer[strspn(answer, " \t")]) == 'y';
    free(answer);
    shell_interrupted = 0;
    return yes;
}

void shell_repl(struct shell *sh, const char *target, bool history)
{
    struct pq_splitter sp;
    struct pq_buf entry = PQ_BUF_INIT;
    char *hist_path = NULL;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    pq_buf_init(&entry);
    pq_split_init(&sp);
    shell_complete_init(sh);
    printf("pqsh %s — %s\nEnter .help for help, .quit to leave.\n", PQSH_VERSION, target);
    if (history) {
        char *dir = shell_data_dir();
        if (dir) {
            struct pq_buf p = PQ_BUF_INIT;
            pq_buf_init(&p);
            pq_buf_addf(&p, "%s/history", dir);
            hist_path = pq_buf_detach(&p, NULL);
            if (!history_open(hist_path)) {
                free(hist_path);
                hist_path = NULL;
            }
            free(dir);
        }
    }
    while (!sh->quit) {
        char *prompt = prompt_for(sh->backend->label, sh->block_mark, pq_split_state(&sp));
        bool interrupted;
        shell_complete_pending(entry.data);
        char *line = read_line(prompt, &interrupted);
        free(prompt);
        if (interrupted) {
            /* Ctrl-C drops the statement being typed, as in psql. */
            pq_split_discard(&sp);
            pq_buf_reset(&entry);
            continue;
        }
        if (!line) {
            putchar('\n');
            break;
        }
        if (entry.len) pq_buf_addc(&entry, '\n');
        pq_buf_adds(&entry, line);
        /* A multi-line entry recalled from history comes back as one line
         * with line breaks: the splitter takes it line by line. */
        for (char *p = line;;) {
            char *nl = strchr(p, '\n');
            pq_split_feed(&sp, p, nl ? (size_t)(nl - p) : strlen(p));
            if (!nl) break;
            p = nl + 1;
        }
        free(line);
        if (pq_split_state(&sp) == PQ_OPEN_NONE) history_add(hist_path, &entry);
        shell_interrupted = 0;
        shell_drain(sh, &sp, "<stdin>");
    }
    shell_finish(sh, &sp, "<stdin>");
    shell_complete_pending(NULL);
    if (hist_path) history_truncate_file(hist_path, history_size());
    free(hist_path);
    pq_buf_release(&entry);
    pq_split_release(&sp);
}
