/* ttl.c — Time to Live: UpdateTimeToLive, DescribeTimeToLive, the sweep and its thread.
 *
 * The setting is kept in the table's stored description under TTL_MEMBER
 * ({"AttributeName", "Enabled", "Modified"}), which DescribeTable leaves out,
 * so it lives and dies with the table in the same SQLite transaction.
 *
 * Statuses: the engine switches at once, so DescribeTimeToLive shows ENABLED
 * or DISABLED right after the call (what is observed of the service too);
 * the transitional ENABLING / DISABLING are never shown. A second change
 * within an hour of the last one is refused as the service refuses it, by
 * the engine's clock (.clock moves past it).
 *
 * The sweep deletes the items whose TTL attribute is a Number of epoch
 * seconds at or before now, and not more than five years before now (older
 * values are taken for a wrong unit and ignored, as the service does). It
 * goes through the engine's one write path (store_item_delete: index entries
 * go with the item) and works in bounded steps: one step examines at most a
 * given time (PQ_ENGINE_SWEEP_STEP_US: a slow disk or a busy machine makes
 * a step examine fewer items, not take longer) inside one transaction, in
 * chunks of a few items with a look at the clock between them; then it
 * gives the engine back and pauses at least as long as the step took, so a
 * request waits at most about one step and the sweep takes at most about
 * half of the writer's time. (Tests bound a step by items instead: a
 * deletion counts as DELETE_COST items examined.) Reads never hide expired items: until
 * the sweep reaches them they are there, as in DynamoDB.
 */
#include "engine/internal.h"
#include "engine/streams.h"
#include "pqsh/value.h"
#include "pqsh/time.h"

#include <errno.h>
#include <pthread.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FIVE_YEARS (5 * 365 * 86400.0)
#define CHANGE_INTERVAL 3600.0 /* the service's "fixed interval" between changes */
/* A deletion (old image, index entries, stream record) counts as this many
 * items examined. */
#define DELETE_COST 4
/* Items read between two looks at the clock; their deletions are done
 * before the next ones are read. */
#define CHUNK 16

struct ttl_cursor {
    char *table;      /* table being swept; NULL: start a new round */
    struct pq_key at; /* last key examined in it */
    bool has_at;
};

void ttl_cursor_free(struct ttl_cursor *c)
{
    if (!c) return;
    free(c->table);
    store_key_release(&c->at);
    free(c);
}

/* The TTL attribute of an enabled table, else NULL. */
static const char *ttl_attribute(const struct pq_table_meta *t)
{
    const json_t *spec = json_object_get(t->description, TTL_MEMBER);
    if (!json_is_true(json_object_get(spec, "Enabled"))) return NULL;
    return json_string_value(json_object_get(spec, "AttributeName"));
}

/* ---- UpdateTimeToLive / DescribeTimeToLive -------------------------- */

static json_t *member(const json_t *obj, const char *name)
{
    json_t *v = json_object_get(obj, name);
    return json_is_null(v) ? NULL : v;
}

/* The model's constraints, all reported together; the table's name (or
 * ARN) as DescribeTable takes it. */
static pq_status check_update(const json_t *req, const char **name, struct pq_error *err)
{
    static const struct str_rule attr_rule = {true, 1, 255, false, NULL};
    pq_status rc = ddl_table_name_arg(req, name, err);
    if (rc && !member(req, "TableName")) return rc; /* "… is required …" comes alone */
    struct verrs v = {PQ_BUF_INIT, 0};
    pq_buf_init(&v.text);
    if (rc) check_str(&v, "tableName", member(req, "TableName"), &R_TABLE_NAME);
    const json_t *spec = member(req, "TimeToLiveSpecification");
    if (!spec) {
        verr(&v, "null", "timeToLiveSpecification", "Member must not be null");
    } else {
        check_str(&v, "timeToLiveSpecification.attributeName", member(spec, "AttributeName"),
                  &attr_rule);
        if (!member(spec, "Enabled"))
            verr(&v, "null", "timeToLiveSpecification.enabled", "Member must not be null");
    }
    return verrs_finish(&v, err);
}

pq_status ttl_update(struct pq_engine *e, json_t *req, json_t **resp, struct pq_error *err)
{
    const char *name;
    const struct pq_table_meta *t;
    pq_status rc;
    *resp = NULL;
    if ((rc = check_update(req, &name, err)) || (rc = ddl_find_table(e, name, &t, err))) return rc;
    const json_t *spec = member(req, "TimeToLiveSpecification");
    bool enable = json_is_true(member(spec, "Enabled"));
    const char *attr = json_string_value(member(spec, "AttributeName"));
    const json_t *cur = json_object_get(t->description, TTL_MEMBER);
    const char *cur_attr = ttl_attribute(t);
    double now = engine_now(e);

    /* Texts as clients match them (reference §12). UNCONFIRMED: "current
     * AttributeName is" rather than "current value of AttributeName is". */
    if (cur_attr && strcmp(cur_attr, attr) != 0)
        return pq_error_validation(
            err, "TimeToLive is active on a different AttributeName: current AttributeName is %s",
            cur_attr);
    if (enable && cur_attr) return pq_error_validation(err, "TimeToLive is already enabled");
    if (!enable && !cur_attr) return pq_error_validation(err, "TimeToLive is already disabled");
    const json_t *modified = json_object_get(cur, "Modified");
    if (modified && now - json_number_value(modified) < CHANGE_INTERVAL)
        return pq_error_validation(
            err, "Time to live has been modified multiple times within a fixed interval");

    json_t *desc = json_deep_copy(t->description);
    json_object_set_new(
        desc, TTL_MEMBER,
        json_pack("{s:s, s:b, s:f}", "AttributeName", attr, "Enabled", enable, "Modified", now));
    if ((rc = store_table_update(e->store, t, desc, err))) return rc;
    *resp = json_pack("{s:{s:b, s:s}}", "TimeToLiveSpecification", "Enabled", enable,
                      "AttributeName", attr);
    return PQ_OK;
}

pq_status ttl_describe(struct pq_engine *e, json_t *req, json_t **resp, struct pq_error *err)
{
    const char *name;
    const struct pq_table_meta *t;
    pq_status rc;
    *resp = NULL;
    if ((rc = ddl_table_name_arg(req, &name, err)) || (rc = ddl_find_table(e, name, &t, err)))
        return rc;
    const char *attr = ttl_attribute(t);
    /* Disabled (never enabled, or disabled since): the status alone. */
    json_t *d = attr ? json_pack("{s:s, s:s}", "TimeToLiveStatus", "ENABLED", "AttributeName", attr)
                     : json_pack("{s:s}", "TimeToLiveStatus", "DISABLED");
    *resp = json_pack("{s:o}", "TimeToLiveDescription", d);
    return PQ_OK;
}

/* ---- the sweep ------------------------------------------------------ */

/* Whether `item` has expired at `now` under attribute `attr`. */
static bool expired(const json_t *item, const char *attr, const struct pq_decimal *now,
                    const struct pq_decimal *oldest)
{
    const json_t *av = json_object_get(item, attr);
    struct pq_decimal d;
    if (!av || pq_value_type(av) != PQ_T_N || pq_value_number(av, &d) != PQ_DEC_OK) return false;
    return pq_decimal_cmp(&d, now) <= 0 && pq_decimal_cmp(&d, oldest) >= 0;
}

/* Moves the cursor to the next table after its current one (the first when
 * none); false at the end of the round. */
static pq_status next_table(struct pq_engine *e, struct ttl_cursor *c, bool *found,
                            struct pq_error *err)
{
    json_t *names = NULL;
    bool more = false;
    pq_status rc = store_table_list(e->store, c->table, 1, &names, &more, err);
    if (rc) return rc;
    free(c->table);
    c->table = NULL;
    c->has_at = false;
    const char *n = json_string_value(json_array_get(names, 0));
    if (n) c->table = pq_xstrdup(n);
    *found = n != NULL;
    json_decref(names);
    return PQ_OK;
}

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Whether the step's time is up (deadline 0: no bound). */
static bool past(int64_t deadline)
{
    return deadline && mono_ns() >= deadline;
}

/* One chunk: reads at most CHUNK items (and at most *budget) after the
 * cursor, then deletes the expired ones. *finished at the table's end. */
static pq_status sweep_chunk(struct pq_engine *e, const struct pq_table_meta *t, const char *attr,
                             struct ttl_cursor *c, size_t *budget, size_t *deleted, bool *finished,
                             struct pq_error *err)
{
    double now_s = floor(engine_now(e));
    struct pq_decimal now, oldest;
    pq_decimal_from_int((int64_t)now_s, &now);
    pq_decimal_from_int((int64_t)(now_s - FIVE_YEARS), &oldest);
    struct pq_range r = {.after = c->has_at ? &c->at : NULL};
    struct pq_cursor *cur;
    pq_status rc = store_cursor_open(e->store, t, &r, &cur, err);
    if (rc) return rc;
    json_t *doomed = json_array();
    struct pq_key k;
    store_key_init(&k);
    for (size_t n = 0; *budget && n < CHUNK; n++) {
        json_t *item;
        size_t size;
        if ((rc = store_cursor_next(cur, &item, &size, &k, err))) break;
        if (!item) {
            *finished = true;
            break;
        }
        (*budget)--;
        pq_buf_reset(&c->at.hk);
        pq_buf_add(&c->at.hk, k.hk.data, k.hk.len);
        pq_buf_reset(&c->at.rk);
        pq_buf_add(&c->at.rk, k.rk.data, k.rk.len);
        c->has_at = true;
        if (expired(item, attr, &now, &oldest)) {
            json_array_append_new(doomed, item);
            /* Deleting costs more than reading: a step stays short. */
            *budget = *budget > DELETE_COST - 1 ? *budget - (DELETE_COST - 1) : 0;
        } else
            json_decref(item);
    }
    store_cursor_close(cur);
    size_t i;
    json_t *item;
    json_array_foreach(doomed, i, item)
    {
        if (rc) break;
        struct pq_key dk;
        store_key_init(&dk);
        /* A service deletion: its stream REMOVE record carries userIdentity
         * {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"}
         * (reference §12, §14.3). */
        store_set_service(e->store, true);
        if (store_key_from_item(t, item, &dk)) rc = store_item_delete(e->store, t, &dk, item, err);
        store_set_service(e->store, false);
        store_key_release(&dk);
        if (!rc) (*deleted)++;
    }
    store_key_release(&k);
    json_decref(doomed);
    return rc;
}

/* One bounded piece of work on the current table: chunks until *budget
 * items are examined or the deadline passes (one chunk at least, so every
 * step makes progress). *finished when the table's end was reached. */
static pq_status sweep_table(struct pq_engine *e, struct ttl_cursor *c, size_t *budget,
                             int64_t deadline, size_t *deleted, bool *finished,
                             struct pq_error *err)
{
    const struct pq_table_meta *t;
    pq_status rc = store_table_get(e->store, c->table, &t, err);
    *finished = true;
    if (rc || !t) return rc;
    const char *attr = ttl_attribute(t);
    if (!attr) return PQ_OK;
    *finished = false;
    do
        rc = sweep_chunk(e, t, attr, c, budget, deleted, finished, err);
    while (!rc && !*finished && *budget && !past(deadline));
    return rc;
}

pq_status pq_engine_ttl_sweep(struct pq_engine *e, size_t budget, unsigned max_us, size_t *deleted,
                              bool *done, struct pq_error *err)
{
    *deleted = 0;
    *done = false;
    if (!e->sweep) {
        e->sweep = pq_xcalloc(1, sizeof *e->sweep);
        store_key_init(&e->sweep->at);
    }
    struct ttl_cursor *c = e->sweep;
    size_t left = budget ? budget : SIZE_MAX;
    pq_status rc = store_begin(e->store, err);
    if (rc) return rc;
    int64_t deadline = max_us ? mono_ns() + (int64_t)max_us * 1000 : 0;
    bool found = true;
    /* Stream retention rides along: a bounded batch a step. */
    rc = streams_trim(e->store, engine_now(e), err);
    if (!rc && !c->table) rc = next_table(e, c, &found, err);
    while (!rc && found && left) {
        bool finished;
        if ((rc = sweep_table(e, c, &left, deadline, deleted, &finished, err)) || !finished) break;
        /* A table visited counts as one item examined, so a step over many
         * tables without TTL stays bounded too; a finished table is left
         * before the clock is looked at, so every step makes progress. */
        left--;
        if ((rc = next_table(e, c, &found, err)) || past(deadline)) break;
    }
    if (!rc && !found) *done = true; /* c->table is NULL again: the next call starts a round */
    if (!rc) rc = store_commit(e->store, err);
    if (rc) {
        store_rollback(e->store);
        *deleted = 0;
    }
    return rc;
}

void pq_engine_sweep_pause(const struct timespec *started)
{
    struct timespec end;
    clock_gettime(CLOCK_MONOTONIC, &end);
    int64_t took =
        (int64_t)(end.tv_sec - started->tv_sec) * 1000000000 + (end.tv_nsec - started->tv_nsec);
    if (took < PQ_ENGINE_SWEEP_PAUSE_NS) took = PQ_ENGINE_SWEEP_PAUSE_NS;
    struct timespec pause = {(time_t)(took / 1000000000), (long)(took % 1000000000)};
    nanosleep(&pause, NULL);
}

/* ---- the background sweeper ----------------------------------------- */

struct pq_engine_sweeper {
    struct pq_engine *engine;
    pthread_mutex_t *lock; /* the engine's call lock, borrowed */
    unsigned interval_ms;
    pthread_t thread;
    pthread_mutex_t m;
    pthread_cond_t wake;
    bool stop;
};

/* Waits `ms` or until stopped; true when stopped. */
static bool sweeper_wait(struct pq_engine_sweeper *s, unsigned ms)
{
    struct timespec ts = pq_time_after_ms(ms);
    pthread_mutex_lock(&s->m);
    while (!s->stop && pthread_cond_timedwait(&s->wake, &s->m, &ts) != ETIMEDOUT)
        ;
    bool stop = s->stop;
    pthread_mutex_unlock(&s->m);
    return stop;
}

static void *sweeper_main(void *arg)
{
    struct pq_engine_sweeper *s = arg;
    while (!sweeper_wait(s, s->interval_ms)) {
        /* A round in bounded steps; the lock is given back between them. */
        for (bool done = false; !done;) {
            struct pq_error err;
            size_t deleted;
            pq_error_init(&err);
            struct timespec started;
            clock_gettime(CLOCK_MONOTONIC, &started);
            pthread_mutex_lock(s->lock);
            pq_status rc =
                pq_engine_ttl_sweep(s->engine, 0, PQ_ENGINE_SWEEP_STEP_US, &deleted, &done, &err);
            pthread_mutex_unlock(s->lock);
            pq_error_release(&err);
            /* A failed step (busy database, interrupted) is tried again next round. */
            if (rc || sweeper_wait(s, 0)) break;
            pq_engine_sweep_pause(&started);
        }
    }
    return NULL;
}

pq_status pq_engine_sweeper_start(struct pq_engine *e, pthread_mutex_t *lock, unsigned interval_ms,
                                  struct pq_engine_sweeper **out, struct pq_error *err)
{
    struct pq_engine_sweeper *s = pq_xcalloc(1, sizeof *s);
    *out = NULL;
    s->engine = e;
    s->lock = lock;
    s->interval_ms = interval_ms ? interval_ms : 1000;
    pthread_mutex_init(&s->m, NULL);
    pthread_cond_init(&s->wake, NULL);
    if (pthread_create(&s->thread, NULL, sweeper_main, s) != 0) {
        pthread_cond_destroy(&s->wake);
        pthread_mutex_destroy(&s->m);
        free(s);
        return pq_error_set(err, PQ_ERR_IO, PQ_NO_POS, PQ_NO_POS,
                            "cannot start the TTL sweep thread");
    }
    *out = s;
    return PQ_OK;
}

void pq_engine_sweeper_stop(struct pq_engine_sweeper *s)
{
    if (!s) return;
    pthread_mutex_lock(&s->m);
    s->stop = true;
    pthread_cond_signal(&s->wake);
    pthread_mutex_unlock(&s->m);
    pthread_join(s->thread, NULL);
    pthread_cond_destroy(&s->wake);
    pthread_mutex_destroy(&s->m);
    free(s);
}
