/* creds.h — the AWS CLI's credential provider chain, with refresh of temporary credentials.
 *
 * Order (botocore's): environment (skipped when --profile was given) →
 * assume-role (profile `role_arn` with `source_profile` or
 * `credential_source`; STS AssumeRole signed with the source's credentials,
 * which may themselves come from a role: role chains) → web identity
 * (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN, or the profile's
 * `web_identity_token_file` + `role_arn`; AssumeRoleWithWebIdentity) → IAM
 * Identity Center (`sso_session` or legacy `sso_*` keys; the access token
 * from ~/.aws/sso/cache/<sha1>.json, then GetRoleCredentials) → shared
 * credentials file → profile `credential_process` → static keys in the
 * config file → container credentials endpoint → EC2 instance metadata
 * (IMDSv2, v1 fallback). A source profile is resolved like botocore does:
 * its static keys (or web identity / SSO / process) when it has them or has
 * no role_arn, else its own role; a loop of profiles is an error.
 * Temporary credentials are fetched again from the same source once less
 * than 15 minutes remain (an assumed role first refreshes its source); if
 * that fails while more than 10 minutes remain, the old ones are kept.
 *
 * Ownership: struct pq_creds owns its credentials and a private HTTP handle;
 * pq_creds_release() wipes the secrets. The pointer from pq_creds_current()
 * is borrowed and valid until the next call on the same struct.
 */
#ifndef PQSH_AWS_CREDS_H
#define PQSH_AWS_CREDS_H

#include <stdbool.h>
#include <time.h>
#include "aws/config.h"
#include "aws/http.h"
#include "pqsh/error.h"

struct pq_aws_creds {
    char *access_key;
    char *secret_key;
    char *session_token; /* NULL for long-term keys */
    time_t expiration;   /* 0 when they do not expire */
};

typedef enum pq_creds_source {
    PQ_CREDS_NONE = 0,
    PQ_CREDS_ENV,
    PQ_CREDS_ASSUME_ROLE,
    PQ_CREDS_WEB_IDENTITY,
    PQ_CREDS_SSO,
    PQ_CREDS_SHARED_FILE,
    PQ_CREDS_PROCESS,
    PQ_CREDS_CONFIG_FILE,
    PQ_CREDS_CONTAINER,
    PQ_CREDS_IMDS,
} pq_creds_source;

struct pq_creds {
    pq_creds_source source;
    struct pq_aws_creds cur;
    char *process;        /* credential_process command */
    char *url;            /* container endpoint, or IMDS base URL */
    char *auth;           /* container Authorization value (or NULL) */
    char *auth_file;      /* container token file, read at each fetch */
    bool imds_v1;         /* IMDS answered without a token last time */
    struct pq_http *http; /* for container / IMDS / STS / SSO; NULL otherwise */
    int fetches;          /* how many times credentials were fetched (tests) */
    /* Assume-role and web identity (url = the STS endpoint). */
    struct pq_creds *parent; /* credentials that sign AssumeRole; owned */
    char *role_arn;
    char *session_name;
    char *external_id;
    long duration_s;
    char *token_file; /* web identity token, read at each fetch */
    char *region;     /* STS signing region */
    /* IAM Identity Center (url = the portal endpoint). */
    char *sso_cache; /* token cache file */
    char *sso_account;
    char *sso_role;
};

/* Walks the chain for the profile of `cfg`. `region` is the session's
 * region, used to reach and sign for STS (NULL → us-east-1). `http_opt`
 * gives TLS settings for credential endpoints. On failure the message names
 * each source tried. */
pq_status pq_creds_resolve(struct pq_creds *c, const struct pq_aws_config *cfg, const char *region,
                           const struct pq_http_options *http_opt,
                           struct pq_error *err) PQ_MUST_USE;

/* Current credentials at time `now`, refreshed first if they are about to
 * expire (see above). */
pq_status pq_creds_current(struct pq_creds *c, time_t now, const struct pq_aws_creds **out,
                           struct pq_error *err) PQ_MUST_USE;

/* A short name of the source for --debug: "env", "assume-role",
 * "assume-role-with-web-identity", "sso", "shared-credentials-file",
 * "custom-process", "config-file", "container-role", "iam-role". */
const char *pq_creds_source_name(pq_creds_source s);

void pq_creds_release(struct pq_creds *c);

/* Replaces `k` with copies of the given values (token may be NULL or ""). */
void pq_aws_creds_set(struct pq_aws_creds *k, const char *akid, const char *secret,
                      const char *token, time_t expiration);
/* Wipes and frees the secrets of `k`; leaves it zeroed. */
void pq_aws_creds_clear(struct pq_aws_creds *k);

/* Parses an ISO 8601 UTC timestamp ("2024-01-02T03:04:05Z", fractions,
 * ±hh:mm offsets and the SSO cache's "UTC" suffix accepted). false when malformed. */
bool pq_aws_parse_time(const char *text, time_t *out);

/* ---- process.c: credential_process and the container URL -------------- */

/* Splits a credential_process value into words as Python's shlex.split
 * (POSIX mode) does: blanks separate, '…' is literal, "…" honours \\ and
 * \", a backslash outside quotes escapes one character. *argv is new and
 * NULL-terminated: aws_free_argv it. PQ_ERR_IO for an unclosed quote, a
 * trailing backslash or no word at all. */
pq_status aws_split_command(const char *s, char ***argv, struct pq_error *err) PQ_MUST_USE;
void aws_free_argv(char **argv);
/* Runs argv (argv[0] searched in PATH) with no shell, stdout into `out`,
 * stderr to `err_fd` (-1: inherited); *status as waitpid's. PQ_ERR_IO when
 * it cannot be started. */
pq_status aws_run_process(char *const *argv, int err_fd, struct pq_buf *out, int *status,
                          struct pq_error *err) PQ_MUST_USE;
/* AWS_CONTAINER_CREDENTIALS_FULL_URI as botocore allows it: https, or http
 * to 169.254.170.2, 169.254.170.23, [fd00:ec2::23], localhost or a loopback
 * address — the host as a URL parser sees it, and no userinfo. */
bool aws_container_url_ok(const char *url);

#endif
