/* sts.h — temporary credentials from AWS STS (AssumeRole, AssumeRoleWithWebIdentity) and
 * IAM Identity Center (SSO GetRoleCredentials).
 *
 * STS speaks the AWS Query protocol: a form-encoded POST answered in XML
 * (parsed with libxml2, xml.h). AssumeRole is signed with SigV4 (service
 * "sts") using the source credentials; AssumeRoleWithWebIdentity and
 * GetRoleCredentials are not signed (the web identity token or the SSO
 * access token is the proof). Nothing here retries: a failure is reported
 * as "error when retrieving credentials from <source>: …" with STS's error
 * code and message.
 *
 * Ownership: everything passed in is borrowed; on PQ_OK `out` is replaced
 * by new credentials (pq_aws_creds_clear() frees them).
 */
#ifndef PQSH_AWS_STS_H
#define PQSH_AWS_STS_H

#include "aws/creds.h"
#include "aws/http.h"
#include "pqsh/error.h"

struct pq_sts_role {
    const char *role_arn;
    const char *session_name;
    const char *external_id; /* NULL when none */
    long duration_s;         /* 0 → STS's default (1 hour) */
};

/* The standard STS endpoint of `region` (regional, as AWS CLI v2 uses). New string. */
char *pq_sts_default_url(const char *region);
/* The IAM Identity Center portal endpoint of `region`. New string. */
char *pq_sso_default_url(const char *region);

pq_status pq_sts_assume_role(struct pq_http *h, const char *url, const char *region,
                             const struct pq_aws_creds *source, const struct pq_sts_role *role,
                             struct pq_aws_creds *out, struct pq_error *err) PQ_MUST_USE;

pq_status pq_sts_assume_role_web(struct pq_http *h, const char *url, const struct pq_sts_role *role,
                                 const char *token, struct pq_aws_creds *out,
                                 struct pq_error *err) PQ_MUST_USE;

pq_status pq_sso_role_credentials(struct pq_http *h, const char *url, const char *access_token,
                                  const char *account_id, const char *role_name,
                                  struct pq_aws_creds *out, struct pq_error *err) PQ_MUST_USE;

#endif
