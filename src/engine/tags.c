/* tags.c — TagResource, UntagResource, ListTagsOfResource; DescribeLimits, DescribeEndpoints.
 *
 * A table's tags are kept in its stored description under TAGS_MEMBER (a
 * list of {"Key", "Value"} in the order they were first given; re-tagging a
 * key replaces its value in place), hidden from DescribeTable, so they go
 * with the table. The engine tags synchronously (the service has tagged
 * asynchronously since 2024; ListTagsOfResource may lag there, never here).
 *
 * Validation order: the request model's constraints (collected, "N
 * validation errors detected"), then the ARN, then an empty list, then the
 * tag rules, then the table. Texts the reference does not pin are marked
 * UNCONFIRMED where they are written, each shown by tests/api/tags*.api.
 */
#include "engine/internal.h"

#include <stdlib.h>
#include <string.h>

#define MAX_TAGS 50
#define MAX_KEY_CHARS 128
#define MAX_VALUE_CHARS 256
#define MAX_ARN 1283
#define INVALID "One or more parameter values were invalid: "

static json_t *member(const json_t *obj, const char *name)
{
    json_t *v = json_object_get(obj, name);
    return json_is_null(v) ? NULL : v;
}

/* Unicode characters of UTF-8 text (the limits count characters, not bytes). */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Length rule in characters; `j` NULL when absent. */
static void check_chars(struct verrs *v, const char *path, const json_t *j, size_t min, size_t max)
{
    if (!j) {
        verr(v, "null", path, "Member must not be null");
        return;
    }
    const char *s = json_string_value(j);
    size_t n = utf8_chars(s);
    struct pq_buf val = PQ_BUF_INIT;
    pq_buf_init(&val);
    pq_buf_addf(&val, "'%s'", s);
    if (n < min)
        verr(v, val.data, path, "Member must have length greater than or equal to %zu", min);
    if (n > max) verr(v, val.data, path, "Member must have length less than or equal to %zu", max);
    pq_buf_release(&val);
}

static void check_tag_list(struct verrs *v, const json_t *tags)
{
    struct pq_buf p = PQ_BUF_INIT;
    pq_buf_init(&p);
    for (size_t i = 0; i < json_array_size(tags); i++) {
        const json_t *t = json_array_get(tags, i);
        pq_buf_reset(&p);
        pq_buf_addf(&p, "tags.%zu.member.key", i + 1);
        check_chars(v, p.data, member(t, "Key"), 1, MAX_KEY_CHARS);
        pq_buf_reset(&p);
        pq_buf_addf(&p, "tags.%zu.member.value", i + 1);
        check_chars(v, p.data, member(t, "Value"), 0, MAX_VALUE_CHARS);
    }
    pq_buf_release(&p);
}

/* Letters, digits, whitespace and + - = . _ : / (reference §13); any
 * non-ASCII character is taken for a letter. */
static bool tag_text_ok(const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
            continue;
        if (!strchr(" \t\n\r+-=._:/", c)) return false;
    }
    return true;
}

/* The semantic rules of tags to add (after the model checks). UNCONFIRMED
 * texts: the service's wording for these three is not recorded. */
static pq_status check_tag_rules(const json_t *tags, struct pq_error *err)
{
    size_t i;
    json_t *t;
    json_array_foreach(tags, i, t)
    {
        const char *k = json_string_value(member(t, "Key"));
        const char *val = json_string_value(member(t, "Value"));
        if (strncmp(k, "aws:", 4) == 0)
            return pq_error_validation(err,
                                       INVALID "The tag key prefix 'aws:' is reserved for "
                                               "system use: %s",
                                       k);
        if (!tag_text_ok(k)) return pq_error_validation(err, INVALID "Invalid tag key: %s", k);
        if (!tag_text_ok(val))
            return pq_error_validation(err, INVALID "Invalid tag value: %s", val);
    }
    return PQ_OK;
}

/* Sets `key` to `value` in the stored list (in place when present). */
static void tag_set(json_t *list, const char *key, const char *value)
{
    size_t i;
    json_t *t;
    json_array_foreach(list, i, t)
    {
        if (strcmp(json_string_value(json_object_get(t, "Key")), key) == 0) {
            json_object_set_new(t, "Value", json_string(value));
            return;
        }
    }
    json_array_append_new(list, json_pack("{s:s, s:s}", "Key", key, "Value", value));
}

static pq_status check_count(const json_t *list, struct pq_error *err)
{
    if (json_array_size(list) > MAX_TAGS) /* UNCONFIRMED text (reference §16 item 5). */
        return pq_error_validation(err,
                                   INVALID "The number of tags on the resource exceeds "
                                           "the limit of %d",
                                   MAX_TAGS);
    return PQ_OK;
}

pq_status tags_for_create(const json_t *tags, json_t **stored, struct pq_error *err)
{
    *stored = NULL;
    if (!json_array_size(tags)) return PQ_OK;
    pq_status rc = check_tag_rules(tags, err);
    if (rc) return rc;
    json_t *list = json_array();
    size_t i;
    json_t *t;
    json_array_foreach(tags, i, t)
        tag_set(list, json_string_value(member(t, "Key")), json_string_value(member(t, "Value")));
    if ((rc = check_count(list, err))) {
        json_decref(list);
        return rc;
    }
    *stored = list;
    return PQ_OK;
}

/* ---- the resource ARN ------------------------------------------------ */

enum arn_kind { ARN_MALFORMED, ARN_NOT_TABLE, ARN_TABLE };

/* arn:PARTITION:dynamodb:REGION:ACCOUNT:table/NAME → NAME (into `name`).
 * The table is looked up by name whatever the region and account. */
static enum arn_kind parse_arn(const char *arn, struct pq_buf *name)
{
    if (strncmp(arn, "arn:", 4) != 0) return ARN_MALFORMED;
    const char *p = arn;
    for (int i = 0; i < 5; i++) {
        p = strchr(p, ':');
        if (!p) return ARN_MALFORMED;
        p++;
    }
    const char *service = strchr(arn + 4, ':') + 1;
    if (strncmp(service, "dynamodb:", 9) != 0 || strncmp(p, "table/", 6) != 0) return ARN_NOT_TABLE;
    p += 6;
    if (!*p || strchr(p, '/')) return ARN_NOT_TABLE;
    pq_buf_reset(name);
    pq_buf_adds(name, p);
    return ARN_TABLE;
}

/* Checks the ARN; *t the table (NULL when it does not exist). */
static pq_status resolve(struct pq_engine *e, const char *arn, const struct pq_table_meta **t,
                         struct pq_error *err)
{
    struct pq_buf name = PQ_BUF_INIT;
    pq_buf_init(&name);
    pq_status rc = PQ_OK;
    *t = NULL;
    switch (parse_arn(arn, &name)) {
    case ARN_MALFORMED:
        /* UNCONFIRMED exact text; the service's mentions "ARNs must start with 'arn:'". */
        rc = pq_error_validation(err,
                                 "Invalid ResourceArn provided as input: ARNs must start "
                                 "with 'arn:': %s",
                                 arn);
        break;
    case ARN_NOT_TABLE:
        /* UNCONFIRMED which of the two recorded texts is current: the newer one. */
        rc = pq_error_validation(err,
                                 INVALID "Invalid resource arn provided, only table or "
                                         "stream is accepted. Provided resource %s",
                                 arn);
        break;
    case ARN_TABLE:
        rc = store_table_get(e->store, name.data, t, err);
        break;
    }
    pq_buf_release(&name);
    return rc;
}

/* ---- operations ------------------------------------------------------ */

static void check_key_list(struct verrs *v, const json_t *keys)
{
    struct pq_buf p = PQ_BUF_INIT;
    pq_buf_init(&p);
    for (size_t i = 0; i < json_array_size(keys); i++) {
        pq_buf_reset(&p);
        pq_buf_addf(&p, "tagKeys.%zu.member", i + 1);
        const json_t *k = json_array_get(keys, i);
        check_chars(v, p.data, json_is_null(k) ? NULL : k, 1, MAX_KEY_CHARS);
    }
    pq_buf_release(&p);
}

/* The start all three operations share: the request model (the ARN, then,
 * when `list` names a member, that it is there and `check`'s rules on it,
 * reported as `path`), then the ARN itself. *arn is the request's; *t the
 * table, NULL when it does not exist. */
static pq_status open_resource(struct pq_engine *e, const json_t *req, const char *list,
                               const char *path, void (*check)(struct verrs *, const json_t *),
                               const char **arn, const struct pq_table_meta **t,
                               struct pq_error *err)
{
    struct verrs v = {PQ_BUF_INIT, 0};
    pq_buf_init(&v.text);
    check_chars(&v, "resourceArn", member(req, "ResourceArn"), 1, MAX_ARN);
    if (list) {
        const json_t *l = member(req, list);
        if (!l) verr(&v, "null", path, "Member must not be null");
        check(&v, l);
    }
    pq_status rc = verrs_finish(&v, err);
    if (rc) return rc;
    *arn = json_string_value(member(req, "ResourceArn"));
    return resolve(e, *arn, t, err);
}

/* Stores `list` (taken) as the tags of `t`; the empty answer of TagResource
 * and UntagResource. */
static pq_status save_tags(struct pq_engine *e, const struct pq_table_meta *t, json_t *list,
                           json_t **resp, struct pq_error *err)
{
    json_t *desc = json_deep_copy(t->description);
    json_object_set_new(desc, TAGS_MEMBER, list);
    pq_status rc = store_table_update(e->store, t, desc, err);
    if (rc) return rc;
    *resp = json_object();
    return PQ_OK;
}

pq_status tags_tag(struct pq_engine *e, json_t *req, json_t **resp, struct pq_error *err)
{
    const struct pq_table_meta *t;
    const char *arn;
    pq_status rc;
    *resp = NULL;
    if ((rc = open_resource(e, req, "Tags", "tags", check_tag_list, &arn, &t, err))) return rc;
    const json_t *tags = member(req, "Tags");
    if (!json_array_size(tags))
        return pq_error_validation(err, "Atleast one Tag needs to be provided as Input.");
    if ((rc = check_tag_rules(tags, err))) return rc;
    if (!t)
        return pq_error_service(err, "ResourceNotFoundException",
                                "Requested resource not found: ResourcArn: %s not found", arn);
    json_t *old = json_object_get(t->description, TAGS_MEMBER);
    json_t *list = old ? json_deep_copy(old) : json_array();
    size_t i;
    json_t *tag;
    json_array_foreach(tags, i, tag) tag_set(list, json_string_value(member(tag, "Key")),
                                             json_string_value(member(tag, "Value")));
    if ((rc = check_count(list, err))) {
        json_decref(list);
        return rc;
    }
    return save_tags(e, t, list, resp, err);
}

pq_status tags_untag(struct pq_engine *e, json_t *req, json_t **resp, struct pq_error *err)
{
    const struct pq_table_meta *t;
    const char *arn;
    pq_status rc;
    *resp = NULL;
    if ((rc = open_resource(e, req, "TagKeys", "tagKeys", check_key_list, &arn, &t, err)))
        return rc;
    const json_t *keys = member(req, "TagKeys");
    if (!json_array_size(keys))
        return pq_error_validation(err, "Atleast one Tag Key needs to be provided as Input.");
    if (!t)
        return pq_error_service(err, "ResourceNotFoundException", "Requested resource not found");
    json_t *kept = json_array();
    size_t i;
    json_t *tag;
    json_array_foreach(json_object_get(t->description, TAGS_MEMBER), i, tag)
    {
        bool drop = false;
        size_t j;
        json_t *k;
        json_array_foreach(keys, j, k) drop |= json_equal(k, json_object_get(tag, "Key"));
        if (!drop) json_array_append_new(kept, json_deep_copy(tag));
    }
    return save_tags(e, t, kept, resp, err);
}

pq_status tags_list(struct pq_engine *e, json_t *req, json_t **resp, struct pq_error *err)
{
    const struct pq_table_meta *t;
    const char *arn;
    pq_status rc;
    *resp = NULL;
    if ((rc = open_resource(e, req, NULL, NULL, NULL, &arn, &t, err))) return rc;
    if (!t)
        return pq_error_service(err, "ResourceNotFoundException",
                                "Requested resource not found: ResourcArn: %s not found", arn);
    /* At most 50 tags: one page, never a NextToken (reference §13). */
    const json_t *list = json_object_get(t->description, TAGS_MEMBER);
    *resp = json_pack("{s:o}", "Tags", list ? json_deep_copy(list) : json_array());
    return PQ_OK;
}

pq_status tags_describe_limits(struct pq_engine *e, json_t *req, json_t **resp,
                               struct pq_error *err)
{
    (void)e, (void)req, (void)err;
    /* The current default quotas (reference §15), not the model example's older ones. */
    *resp = json_pack("{s:i, s:i, s:i, s:i}", "AccountMaxReadCapacityUnits", 80000,
                      "AccountMaxWriteCapacityUnits", 80000, "TableMaxReadCapacityUnits", 40000,
                      "TableMaxWriteCapacityUnits", 40000);
    return PQ_OK;
}

pq_status tags_describe_endpoints(struct pq_engine *e, json_t *req, json_t **resp,
                                  struct pq_error *err)
{
    (void)req, (void)err;
    /* One entry, the address without a scheme: `pqsh serve` sets its own
     * host:port; an engine not served over HTTP has no address but its
     * machine's. */
    *resp = json_pack("{s:[{s:s, s:i}]}", "Endpoints", "Address",
                      e->endpoint ? e->endpoint : "localhost", "CachePeriodInMinutes", 1440);
    return PQ_OK;
}
