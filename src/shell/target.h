/* target.h — the shell's target: AWS connection options (--debug, --ca-bundle,
 * --no-verify-ssl, --connect-timeout, --read-timeout) and `.connect`.
 *
 * The options live in `struct shell_target` (a member of struct shell, see
 * shell.h); its strings are borrowed from argv. The backend opened here
 * replaces sh->backend; the banner text it returns is a new string.
 */
#ifndef PQSH_SHELL_TARGET_H
#define PQSH_SHELL_TARGET_H

#include <stdbool.h>
#include "shell.h"

/* Option values main.c hands over (getopt's optarg, NULL for flags). */
enum target_option {
    TARGET_OPT_DEBUG,
    TARGET_OPT_CA_BUNDLE,
    TARGET_OPT_NO_VERIFY_SSL,
    TARGET_OPT_CONNECT_TIMEOUT,
    TARGET_OPT_READ_TIMEOUT,
};

/* Records one option; exits with status 2 (usage) on a bad value. */
void target_option(struct shell *sh, enum target_option opt, const char *arg);

/* Opens Amazon DynamoDB (or the endpoint URL) into sh->backend with the
 * recorded options; `region`, `profile`, `endpoint_url` may be NULL. The
 * profile is remembered for `.connect aws`. */
pq_status target_open_aws(struct shell *sh, const char *region, const char *profile,
                          const char *endpoint_url, struct pq_error *err) PQ_MUST_USE;

/* Opens the embedded engine on `path` (NULL or "": the data folder's
 * local.db) into sh->backend, replacing any; *banner gets a new string
 * ("local engine at PATH" or the like; no path in the sandbox). */
pq_status target_open_local(struct shell *sh, const char *path, char **banner,
                            struct pq_error *err) PQ_MUST_USE;

/* Opens `spec` — local[:PATH], aws[:REGION] or an endpoint URL, as .connect
 * takes them — with the recorded options into *out (a new backend), leaving
 * sh->backend as it is (--compare's second target). */
pq_status target_open_other(struct shell *sh, const char *spec, struct pq_backend **out,
                            struct pq_error *err) PQ_MUST_USE;

/* .connect local[:PATH] | aws[:REGION] | URL — the command-table entry. */
bool target_connect(struct shell *sh, const struct where *w, const char *args, size_t at);

#endif
