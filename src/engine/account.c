/* account.c — the operations that describe what an engine has none of:
 * point-in-time recovery (DescribeContinuousBackups, UpdateContinuousBackups),
 * backups, global tables, exports, imports, Kinesis destinations and
 * contributor insights.
 *
 * Infrastructure tools read these right after CreateTable (Terraform's
 * table resource asks for continuous backups, Kinesis destinations and
 * more); an engine that answers UnknownOperationException stops them. The
 * engine keeps no backups, global tables, exports or imports, so their
 * lists are empty; Kinesis destinations and contributor insights are never
 * enabled. Point-in-time recovery is a setting of the table, kept in its
 * stored description under PITR_MEMBER (hidden from DescribeTable like the
 * TTL setting), so a tool that switches it on reads it back on.
 */
#include "engine/internal.h"

#include <stdio.h>

#define PITR_MEMBER "pqsh:PointInTimeRecovery"
#define PITR_DAYS_DEFAULT 35

static json_t *member(const json_t *obj, const char *name)
{
    json_t *v = json_object_get(obj, name);
    return json_is_null(v) ? NULL : v;
}

/* The table named by the request (a name or an ARN). DescribeContinuousBackups
 * and UpdateContinuousBackups name a missing table TableNotFoundException
 * (their model's error); UNCONFIRMED: the text "Table not found: <name>".
 * The others answer as DescribeTable does. */
static pq_status find_table(struct pq_engine *e, const json_t *req, bool table_not_found,
                            const struct pq_table_meta **t, struct pq_error *err)
{
    const char *name;
    pq_status rc = ddl_table_name_arg(req, &name, err);
    if (rc) return rc;
    if (!table_not_found) return ddl_find_table(e, name, t, err);
    if ((rc = store_table_get(e->store, name, t, err))) return rc;
    if (!*t) return pq_error_service(err, "TableNotFoundException", "Table not found: %s", name);
    return PQ_OK;
}

/* ContinuousBackupsDescription for `t` at `now`. Backups are always on (as
 * in the service); recovery is the table's setting. UNCONFIRMED: the latest
 * restorable time is five minutes before now (the service documents "about
 * five minutes"), never before the earliest. */
static json_t *continuous_backups(const struct pq_table_meta *t, double now)
{
    const json_t *p = json_object_get(t->description, PITR_MEMBER);
    json_t *d;
    if (json_is_true(json_object_get(p, "Enabled"))) {
        double since = json_number_value(json_object_get(p, "Since"));
        double latest = now - 300 > since ? now - 300 : since;
        d = json_pack("{s:s, s:I, s:f, s:f}", "PointInTimeRecoveryStatus", "ENABLED",
                      "RecoveryPeriodInDays",
                      (json_int_t)json_integer_value(json_object_get(p, "RecoveryPeriodInDays")),
                      "EarliestRestorableDateTime", since, "LatestRestorableDateTime", latest);
    } else {
        d = json_pack("{s:s}", "PointInTimeRecoveryStatus", "DISABLED");
    }
    return json_pack("{s:{s:s, s:o}}", "ContinuousBackupsDescription", "ContinuousBackupsStatus",
                     "ENABLED", "PointInTimeRecoveryDescription", d);
}

pq_status account_describe_continuous_backups(struct pq_engine *e, json_t *req, json_t **resp,
                                              struct pq_error *err)
{
    const struct pq_table_meta *t;
    *resp = NULL;
    pq_status rc = find_table(e, req, true, &t, err);
    if (rc) return rc;
    *resp = continuous_backups(t, engine_now(e));
    return PQ_OK;
}

pq_status account_update_continuous_backups(struct pq_engine *e, json_t *req, json_t **resp,
                                            struct pq_error *err)
{
    *resp = NULL;
    /* The model's constraints, reported together (reference §1.4), as
     * UpdateTimeToLive's: a missing TableName alone. */
    const char *name;
    pq_status rc = ddl_table_name_arg(req, &name, err);
    if (rc && !member(req, "TableName")) return rc;
    struct verrs v = {PQ_BUF_INIT, 0};
    pq_buf_init(&v.text);
    if (rc) check_str(&v, "tableName", member(req, "TableName"), &R_TABLE_NAME);
    const json_t *spec = member(req, "PointInTimeRecoverySpecification");
    const json_t *days = member(spec, "RecoveryPeriodInDays");
    if (!spec) {
        verr(&v, "null", "pointInTimeRecoverySpecification", "Member must not be null");
    } else {
        if (!member(spec, "PointInTimeRecoveryEnabled"))
            verr(&v, "null", "pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled",
                 "Member must not be null");
        json_int_t n = json_integer_value(days);
        char shown[32];
        snprintf(shown, sizeof shown, "'%lld'", (long long)n);
        if (days && n < 1)
            verr(&v, shown, "pointInTimeRecoverySpecification.recoveryPeriodInDays",
                 "Member must have value greater than or equal to 1");
        else if (days && n > PITR_DAYS_DEFAULT)
            verr(&v, shown, "pointInTimeRecoverySpecification.recoveryPeriodInDays",
                 "Member must have value less than or equal to %d", PITR_DAYS_DEFAULT);
    }
    const struct pq_table_meta *t;
    if ((rc = verrs_finish(&v, err)) || (rc = find_table(e, req, true, &t, err))) return rc;

    bool enable = json_is_true(member(spec, "PointInTimeRecoveryEnabled"));
    const json_t *cur = json_object_get(t->description, PITR_MEMBER);
    double now = engine_now(e);
    json_t *desc = json_deep_copy(t->description);
    if (enable) {
        /* Switching it on again keeps the earliest restorable time; a new
         * period applies from now on. */
        bool on = json_is_true(json_object_get(cur, "Enabled"));
        double since = on ? json_number_value(json_object_get(cur, "Since")) : now;
        json_int_t n = days ? json_integer_value(days)
                       : on ? json_integer_value(json_object_get(cur, "RecoveryPeriodInDays"))
                            : PITR_DAYS_DEFAULT;
        json_object_set_new(
            desc, PITR_MEMBER,
            json_pack("{s:b, s:f, s:I}", "Enabled", 1, "Since", since, "RecoveryPeriodInDays", n));
    } else {
        json_object_del(desc, PITR_MEMBER);
    }
    if ((rc = store_table_update(e->store, t, desc, err))) return rc;
    *resp = continuous_backups(t, now);
    return PQ_OK;
}

pq_status account_describe_kinesis(struct pq_engine *e, json_t *req, json_t **resp,
                                   struct pq_error *err)
{
    const struct pq_table_meta *t;
    *resp = NULL;
    pq_status rc = find_table(e, req, false, &t, err);
    if (rc) return rc;
    *resp = json_pack("{s:s, s:[]}", "TableName", t->name, "KinesisDataStreamDestinations");
    return PQ_OK;
}

pq_status account_describe_contributor_insights(struct pq_engine *e, json_t *req, json_t **resp,
                                                struct pq_error *err)
{
    const struct pq_table_meta *t;
    *resp = NULL;
    pq_status rc = find_table(e, req, false, &t, err);
    if (rc) return rc;
    const char *index = json_string_value(member(req, "IndexName"));
    if (index) {
        /* UNCONFIRMED text, in the shape of the table's. */
        if (!index_find(t, index))
            return pq_error_service(err, "ResourceNotFoundException",
                                    "Requested resource not found: Index: %s not found", index);
        *resp = json_pack("{s:s, s:s, s:s}", "TableName", t->name, "IndexName", index,
                          "ContributorInsightsStatus", "DISABLED");
        return PQ_OK;
    }
    *resp = json_pack("{s:s, s:s}", "TableName", t->name, "ContributorInsightsStatus", "DISABLED");
    return PQ_OK;
}

/* The account-wide lists the engine has nothing in: their one member,
 * empty. */
pq_status account_list_backups(struct pq_engine *e, json_t *req, json_t **resp,
                               struct pq_error *err)
{
    (void)e, (void)req, (void)err;
    *resp = json_pack("{s:[]}", "BackupSummaries");
    return PQ_OK;
}

pq_status account_list_global_tables(struct pq_engine *e, json_t *req, json_t **resp,
                                     struct pq_error *err)
{
    (void)e, (void)req, (void)err;
    *resp = json_pack("{s:[]}", "GlobalTables");
    return PQ_OK;
}

pq_status account_list_exports(struct pq_engine *e, json_t *req, json_t **resp,
                               struct pq_error *err)
{
    (void)e, (void)req, (void)err;
    *resp = json_pack("{s:[]}", "ExportSummaries");
    return PQ_OK;
}

pq_status account_list_imports(struct pq_engine *e, json_t *req, json_t **resp,
                               struct pq_error *err)
{
    (void)e, (void)req, (void)err;
    *resp = json_pack("{s:[]}", "ImportSummaryList");
    return PQ_OK;
}

pq_status account_list_contributor_insights(struct pq_engine *e, json_t *req, json_t **resp,
                                            struct pq_error *err)
{
    (void)e, (void)req, (void)err;
    *resp = json_pack("{s:[]}", "ContributorInsightsSummaries");
    return PQ_OK;
}
