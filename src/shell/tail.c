/* tail.c — .tail TABLE (a table's changes as they happen) and .stream (its StreamSpecification).
 *
 * Both are DynamoDB calls through the session's backend, like statements:
 * the embedded engine, pqsh serve, or AWS (whose streams endpoint the AWS
 * backend knows). .tail reads the table's latest stream: DescribeTable for
 * its ARN, DescribeStream for its shards, an iterator at LATEST on each open
 * shard, then GetRecords in a loop (four times a second while nothing
 * comes) until Ctrl-C. A shard that closes is replaced by its children
 * (read from their start); when every shard is closed the stream was
 * disabled and .tail ends. Each change is one row in the current output
 * mode: `eventName` (INSERT, MODIFY, REMOVE, or "REMOVE (TTL)" for the
 * service's deletions), then the item after the change — before it for
 * REMOVE, and only its key when the stream does not carry that image.
 */
#include "shell.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STREAMS "DynamoDBStreams_20120810."
#define IDLE_MS 250

/* Calls `op` (steals `req`); the answer, or NULL with the message printed
 * (nothing printed when Ctrl-C stopped it). */
static json_t *call(struct shell *sh, const struct where *w, const char *op, json_t *req)
{
    struct pq_error err;
    json_t *resp = NULL;
    pq_error_init(&err);
    if (pq_backend_call(sh->backend, op, req, &resp, &err) && !shell_interrupted)
        shell_error(w, &err);
    pq_error_release(&err);
    json_decref(req);
    return resp;
}

struct shard {
    char *id;
    char *iterator; /* NULL once the shard is closed and read */
};

struct tail {
    struct shell *sh;
    const struct where *w;
    const char *table;
    const char *arn;
    struct shard *shards;
    size_t n;
    unsigned long long changes;
};

static bool known(const struct tail *t, const char *id)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->shards[i].id, id) == 0) return true;
    return false;
}

/* Adds the shards not met yet: open ones at LATEST the first time (`first`),
 * later ones (children of a closed shard) from their start. */
static bool find_shards(struct tail *t, bool first)
{
    json_t *d =
        call(t->sh, t->w, STREAMS "DescribeStream", json_pack("{s:s}", "StreamArn", t->arn));
    if (!d) return false;
    json_t *shards = json_object_get(json_object_get(d, "StreamDescription"), "Shards");
    size_t i;
    json_t *s;
    bool ok = true;
    json_array_foreach(shards, i, s)
    {
        const char *id = json_string_value(json_object_get(s, "ShardId"));
        bool closed = json_object_get(json_object_get(s, "SequenceNumberRange"),
                                      "EndingSequenceNumber") != NULL;
        if (!id || known(t, id) || (first && closed)) continue;
        json_t *it = call(t->sh, t->w, STREAMS "GetShardIterator",
                          json_pack("{s:s, s:s, s:s}", "StreamArn", t->arn, "ShardId", id,
                                    "ShardIteratorType", first ? "LATEST" : "TRIM_HORIZON"));
        if (!it) {
            ok = false;
            break;
        }
        t->shards = pq_xrealloc(t->shards, (t->n + 1) * sizeof *t->shards);
        t->shards[t->n].id = pq_xstrdup(id);
        t->shards[t->n].iterator =
            pq_xstrdup(json_string_value(json_object_get(it, "ShardIterator")));
        t->n++;
        json_decref(it);
    }
    json_decref(d);
    return ok;
}

/* A record as a row: eventName, then the image (or the keys). */
static json_t *row_of(const json_t *rec)
{
    const json_t *d = json_object_get(rec, "dynamodb");
    const char *name = json_string_value(json_object_get(rec, "eventName"));
    bool removed = name && strcmp(name, "REMOVE") == 0;
    bool ttl = removed && json_object_get(rec, "userIdentity") != NULL;
    const json_t *image = json_object_get(d, removed ? "OldImage" : "NewImage");
    if (!image) image = json_object_get(d, "Keys");
    json_t *row = json_pack("{s:{s:s}}", "eventName", "S",
                            ttl    ? "REMOVE (TTL)"
                            : name ? name
                                   : "?");
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)image, k, v) json_object_set(row, k, v);
    return row;
}

/* One round of GetRecords over the open shards; false to stop. */
static bool poll_once(struct tail *t, bool *got)
{
    bool closed = false;
    *got = false;
    for (size_t i = 0; i < t->n && !shell_interrupted; i++) {
        struct shard *s = &t->shards[i];
        if (!s->iterator) continue;
        json_t *r = call(t->sh, t->w, STREAMS "GetRecords",
                         json_pack("{s:s, s:i}", "ShardIterator", s->iterator, "Limit", 1000));
        if (!r) return false;
        json_t *recs = json_object_get(r, "Records");
        if (json_array_size(recs)) {
            json_t *rows = json_array();
            size_t j;
            json_t *rec;
            json_array_foreach(recs, j, rec) json_array_append_new(rows, row_of(rec));
            struct pq_step step;
            memset(&step, 0, sizeof step);
            step.kind = PQ_STEP_BATCH;
            step.op = "GetRecords";
            step.table = (char *)t->table;
            struct render *rd = render_begin(t->sh, &step);
            struct pq_error err;
            pq_error_init(&err);
            pq_status rc = render_rows(rd, &step, rows, &err);
            struct pq_run_outcome out = {json_array_size(rows), false, 0};
            render_end(rd, &out, rc == PQ_OK);
            pq_error_release(&err);
            t->changes += json_array_size(rows);
            json_decref(rows);
            *got = true;
        }
        const char *next = json_string_value(json_object_get(r, "NextShardIterator"));
        free(s->iterator);
        s->iterator = next ? pq_xstrdup(next) : NULL;
        closed |= !next;
        json_decref(r);
    }
    if (closed && !find_shards(t, false)) return false;
    for (size_t i = 0; i < t->n; i++)
        if (t->shards[i].iterator) return true;
    shell_statusf(t->sh, "the stream of %s was disabled\n", t->table);
    return false;
}

static void idle(void)
{
    for (int i = 0; i < IDLE_MS / 50 && !shell_interrupted; i++) {
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
    }
}

bool shell_cmd_tail(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    (void)at;
    if (!*args || strpbrk(args, " \t")) {
        shell_errorf(w, "usage: .tail TABLE  (prints each change of TABLE as it happens; Ctrl-C "
                        "stops)");
        return false;
    }
    json_t *d = call(sh, w, "DescribeTable", json_pack("{s:s}", "TableName", args));
    if (!d) return false;
    const json_t *table = json_object_get(d, "Table");
    const char *arn = json_string_value(json_object_get(table, "LatestStreamArn"));
    const json_t *spec = json_object_get(table, "StreamSpecification");
    if (!arn || !json_is_true(json_object_get(spec, "StreamEnabled"))) {
        shell_errorf(w,
                     "table %s has no stream to follow: .stream %s NEW_AND_OLD_IMAGES enables one",
                     args, args);
        json_decref(d);
        return false;
    }
    struct tail t = {sh, w, args, arn, NULL, 0, 0};
    bool ok = find_shards(&t, true);
    if (ok) {
        shell_statusf(sh, "following %s (%s); Ctrl-C stops\n", args,
                      json_string_value(json_object_get(spec, "StreamViewType")));
        fflush(stdout);
        bool got;
        while (!shell_interrupted && poll_once(&t, &got))
            if (!got) idle();
        if (shell_interrupted)
            shell_statusf(sh, "stopped: %llu change%s\n", t.changes, t.changes == 1 ? "" : "s");
        shell_interrupted = 0;
    }
    for (size_t i = 0; i < t.n; i++) {
        free(t.shards[i].id);
        free(t.shards[i].iterator);
    }
    free(t.shards);
    json_decref(d);
    return ok;
}

/* .stream TABLE [KEYS_ONLY|NEW_IMAGE|OLD_IMAGE|NEW_AND_OLD_IMAGES|off] */
bool shell_cmd_stream(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    (void)at;
    size_t n = strcspn(args, " \t");
    const char *arg = args + n + strspn(args + n, " \t");
    if (!n || strpbrk(arg, " \t")) {
        shell_errorf(w, "usage: .stream TABLE [KEYS_ONLY|NEW_IMAGE|OLD_IMAGE|NEW_AND_OLD_IMAGES|"
                        "off]");
        return false;
    }
    char *table = pq_xstrndup(args, n);
    json_t *resp;
    if (*arg) {
        bool off = strcmp(arg, "off") == 0;
        json_t *spec = off ? json_pack("{s:b}", "StreamEnabled", 0)
                           : json_pack("{s:b, s:s}", "StreamEnabled", 1, "StreamViewType", arg);
        resp = call(sh, w, "UpdateTable",
                    json_pack("{s:s, s:o}", "TableName", table, "StreamSpecification", spec));
    } else {
        resp = call(sh, w, "DescribeTable", json_pack("{s:s}", "TableName", table));
    }
    const json_t *d = json_object_get(resp, *arg ? "TableDescription" : "Table");
    const json_t *spec = json_object_get(d, "StreamSpecification");
    if (resp) {
        if (json_is_true(json_object_get(spec, "StreamEnabled")))
            printf("stream of %s: ENABLED (%s), %s\n", table,
                   json_string_value(json_object_get(spec, "StreamViewType")),
                   json_string_value(json_object_get(d, "LatestStreamArn")));
        else
            printf("stream of %s: DISABLED\n", table);
    }
    bool ok = resp != NULL;
    json_decref(resp);
    free(table);
    return ok;
}
