/* config.h — AWS CLI-compatible configuration: shared config/credentials files, region, endpoint.
 *
 * Files: AWS_CONFIG_FILE (default ~/.aws/config) with `[default]`,
 * `[profile NAME]`, `[services NAME]` and `[sso-session NAME]` sections, and
 * AWS_SHARED_CREDENTIALS_FILE (default ~/.aws/credentials) with `[NAME]`.
 * Indented lines after `key =` are sub-keys, stored as "key.sub" (the
 * `[services]` form `dynamodb =` / `  endpoint_url = …`). Missing files are
 * empty, as for the CLI.
 *
 * Ownership: a pq_aws_config owns its copies of everything; strings returned
 * by the getters are borrowed from it; the resolve functions return new
 * strings (free()).
 */
#ifndef PQSH_AWS_CONFIG_H
#define PQSH_AWS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include "pqsh/error.h"

struct pq_ini_entry {
    char *section; /* as written between the brackets, trimmed */
    char *key;     /* lower case as written; "parent.child" for sub-keys */
    char *value;
};

struct pq_ini {
    struct pq_ini_entry *e;
    size_t n, cap;
};

/* Parses INI text. Lines outside any section, and malformed lines, are
 * reported as PQ_ERR_IO "<path>:<line>: …" the way the CLI refuses them. */
pq_status pq_ini_parse(struct pq_ini *ini, const char *text, const char *path,
                       struct pq_error *err) PQ_MUST_USE;
void pq_ini_release(struct pq_ini *ini);
const char *pq_ini_get(const struct pq_ini *ini, const char *section, const char *key);
bool pq_ini_has_section(const struct pq_ini *ini, const char *section);

struct pq_aws_config {
    char *profile;         /* profile in use */
    bool profile_explicit; /* came from --profile (then env credentials are skipped) */
    char *config_path;
    char *creds_path;
    struct pq_ini config;
    struct pq_ini creds;
};

/* Loads both files and picks the profile: `profile_opt` > AWS_PROFILE >
 * AWS_DEFAULT_PROFILE > "default". A named profile that exists in neither
 * file is an error: `the config profile (NAME) could not be found`. */
pq_status pq_aws_config_load(struct pq_aws_config *c, const char *profile_opt,
                             struct pq_error *err) PQ_MUST_USE;
void pq_aws_config_release(struct pq_aws_config *c);

/* A key of a profile in the config file (`[profile NAME]`, or `[default]`
 * for "default"). NULL when absent. */
const char *pq_aws_config_get(const struct pq_aws_config *c, const char *profile, const char *key);
/* A key of a profile in the credentials file. NULL when absent. */
const char *pq_aws_config_cred(const struct pq_aws_config *c, const char *profile, const char *key);
/* True when the profile has a section in either file. */
bool pq_aws_config_has_profile(const struct pq_aws_config *c, const char *profile);

/* Region: `opt` > AWS_REGION > AWS_DEFAULT_REGION > profile `region`.
 * Returns a new string or NULL. */
char *pq_aws_config_region(const struct pq_aws_config *c, const char *opt);

/* Endpoint URL: `opt` > AWS_ENDPOINT_URL_DYNAMODB > AWS_ENDPOINT_URL >
 * `[services]` dynamodb endpoint_url > profile endpoint_url > the region's
 * standard endpoint. AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true (or the
 * profile's ignore_configured_endpoint_urls) skips everything but `opt`.
 * Sets *custom when the URL did not come from the region. New string. */
char *pq_aws_config_endpoint(const struct pq_aws_config *c, const char *opt, const char *region,
                             bool *custom);

/* The endpoint configured for another service (lower-case id: "sts", "sso"),
 * by the same rules as above without `opt` and without a default; a new
 * string or NULL (then the caller uses the service's standard endpoint). */
char *pq_aws_config_service_endpoint(const struct pq_aws_config *c, const char *service);

/* "~/x" → "$HOME/x"; otherwise a copy. New string. */
char *pq_aws_expand_home(const char *path);

/* True for "true" in any case (the CLI's boolean spelling). */
bool pq_aws_truthy(const char *v);

#endif
