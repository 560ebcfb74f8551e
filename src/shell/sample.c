/* sample.c — .sample NAME: data sets made by this project, for class and for trying things.
 *
 * Every item is generated here from a fixed seed, so a data set is the same
 * on every machine and in every run. The tables are created with the
 * item API (CreateTable with their indexes, waited for until ACTIVE); the
 * items are written to a temporary DynamoDB JSON file and loaded with the
 * one import path (.import), so they travel as .import's do.
 */
#include "bulk.h"
#include "exec.h"
#include "pqsh/value.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct rng {
    uint64_t s;
};

static uint64_t next(struct rng *r)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return r->s;
}

static unsigned pick(struct rng *r, unsigned n)
{
    return (unsigned)(next(r) % n);
}

static const char *const first_names[] = {"Ada",      "Grace",   "Alan",   "Edsger", "Barbara",
                                          "Donald",   "Frances", "Ken",    "Radia",  "Niklaus",
                                          "Margaret", "Dennis",  "Leslie", "Tony",   "Shafi"};
static const char *const last_names[] = {
    "Lovelace", "Hopper", "Turing",   "Dijkstra", "Liskov",  "Knuth", "Allen",     "Thompson",
    "Perlman",  "Wirth",  "Hamilton", "Ritchie",  "Lamport", "Hoare", "Goldwasser"};
static const char *const cities[] = {"Lisbon", "Oslo",  "Nairobi", "Osaka",  "Lima",
                                     "Quebec", "Tartu", "Pune",    "Recife", "Perth"};
static const char *const products[] = {"keyboard", "mouse",  "monitor", "cable", "laptop stand",
                                       "headset",  "webcam", "dock",    "lamp",  "chair"};
static const char *const statuses[] = {"PLACED", "PAID", "SHIPPED", "DELIVERED", "RETURNED"};
static const char *const genres[] = {"Rock", "Jazz", "Folk", "Electronic", "Classical", "Soul"};
static const char *const words[] = {"Blue",  "Night", "River", "Paper", "Glass", "Summer",
                                    "Quiet", "Train", "Stone", "Light", "Road",  "Heart"};

/* A token that looks like a UUID (deterministic). */
static void token(struct rng *r, char out[37])
{
    uint64_t a = next(r), b = next(r);
    snprintf(out, 37, "%08x-%04x-4%03x-a%03x-%012llx", (unsigned)(a >> 32),
             (unsigned)(a >> 16) & 0xffff, (unsigned)a & 0xfff, (unsigned)(b >> 52) & 0xfff,
             (unsigned long long)(b & 0xffffffffffffULL));
}

static void line(FILE *f, json_t *item)
{
    char *s = json_dumps(item, JSON_COMPACT);
    fprintf(f, "%s\n", s);
    free(s);
    json_decref(item);
}

static json_t *s(const char *v)
{
    return json_pack("{s:s}", "S", v);
}

static json_t *n(const char *fmt, ...) PQ_PRINTF(1, 2);
static json_t *n(const char *fmt, ...)
{
    char buf[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return json_pack("{s:s}", "N", buf);
}

static void gen_customers(FILE *f)
{
    struct rng r = {0x5eed0001};
    for (int i = 1; i <= 200; i++) {
        char id[16], name[64], email[96];
        snprintf(id, sizeof id, "C%04d", i);
        const char *fn = first_names[pick(&r, 15)], *ln = last_names[pick(&r, 15)];
        snprintf(name, sizeof name, "%s %s", fn, ln);
        snprintf(email, sizeof email, "%c.%s%d@example.com", fn[0] | 0x20, ln, i);
        for (char *p = email; *p; p++)
            if (*p >= 'A' && *p <= 'Z') *p |= 0x20;
        line(f, json_pack("{s:o,s:o,s:o,s:o,s:o}", "customer_id", s(id), "name", s(name), "email",
                          s(email), "city", s(cities[pick(&r, 10)]), "since",
                          n("%d", 2015 + (int)pick(&r, 11))));
    }
}

static void gen_orders(FILE *f)
{
    struct rng r = {0x5eed0002};
    for (int i = 1; i <= 3000; i++) {
        char tok[37], cust[16], day[16];
        token(&r, tok);
        snprintf(cust, sizeof cust, "C%04u", 1 + pick(&r, 200));
        snprintf(day, sizeof day, "2026-%02u-%02u", 1 + pick(&r, 12), 1 + pick(&r, 28));
        json_t *lines = json_array();
        unsigned cents = 0, nlines = 1 + pick(&r, 3);
        for (unsigned k = 0; k < nlines; k++) {
            unsigned qty = 1 + pick(&r, 4), price = 199 + pick(&r, 30000);
            cents += qty * price;
            json_array_append_new(lines,
                                  json_pack("{s:{s:o,s:o,s:o}}", "M", "product",
                                            s(products[pick(&r, 10)]), "qty", n("%u", qty), "price",
                                            n("%u.%02u", price / 100, price % 100)));
        }
        json_t *item =
            json_pack("{s:o,s:o,s:o,s:o,s:o,s:{s:o}}", "idempotency_token", s(tok), "customer_id",
                      s(cust), "order_date", s(day), "status", s(statuses[pick(&r, 5)]), "total",
                      n("%u.%02u", cents / 100, cents % 100), "lines", "L", lines);
        if (pick(&r, 4) == 0) json_object_set_new(item, "gift", json_pack("{s:b}", "BOOL", 1));
        line(f, item);
    }
}

static void gen_music(FILE *f)
{
    struct rng r = {0x5eed0003};
    for (int a = 1; a <= 40; a++) {
        char artist[64];
        snprintf(artist, sizeof artist, "The %s %ss", words[pick(&r, 12)], words[pick(&r, 12)]);
        /* Two artists may draw one name: number the rest. */
        char uniq[80];
        snprintf(uniq, sizeof uniq, "%s %d", artist, a);
        const char *genre = genres[pick(&r, 6)];
        unsigned songs = 5 + pick(&r, 15);
        for (unsigned k = 1; k <= songs; k++) {
            char title[96];
            snprintf(title, sizeof title, "%s %s %u", words[pick(&r, 12)], words[pick(&r, 12)], k);
            json_t *item =
                json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}", "Artist", s(uniq), "SongTitle", s(title),
                          "Genre", s(genre), "Year", n("%u", 1965 + pick(&r, 60)), "Seconds",
                          n("%u", 120 + pick(&r, 300)), "Plays",
                          n("%llu", (unsigned long long)(next(&r) % 10000000)));
            json_t *tags = json_array();
            json_array_append_new(tags, json_string(genre));
            if (pick(&r, 3) == 0) json_array_append_new(tags, json_string("live"));
            json_object_set_new(item, "Tags", json_pack("{s:o}", "SS", tags));
            line(f, item);
        }
    }
}

struct table_spec {
    const char *name, *hash, *range;
    const char *index, *ihash, *irange;
    void (*gen)(FILE *f);
};

struct sample {
    const char *name, *about;
    struct table_spec tables[2];
};

static const struct sample samples[] = {
    {"orders",
     "200 customers and 3,000 orders keyed by idempotency token; index ByCustomer",
     {{"Customers", "customer_id", NULL, NULL, NULL, NULL, gen_customers},
      {"Orders", "idempotency_token", NULL, "ByCustomer", "customer_id", "order_date",
       gen_orders}}},
    {"music",
     "a music catalog (Artist, SongTitle), 416 songs; global index ByGenre (Genre, Year)",
     {{"Music", "Artist", "SongTitle", "ByGenre", "Genre", "Year", gen_music},
      {NULL, NULL, NULL, NULL, NULL, NULL, NULL}}},
};

static json_t *key_schema(const char *hash, const char *range)
{
    json_t *k = json_array();
    json_array_append_new(k, json_pack("{s:s,s:s}", "AttributeName", hash, "KeyType", "HASH"));
    if (range)
        json_array_append_new(k,
                              json_pack("{s:s,s:s}", "AttributeName", range, "KeyType", "RANGE"));
    return k;
}

static void add_def(json_t *defs, const char *name, const char *type)
{
    size_t i;
    json_t *d;
    json_array_foreach(defs, i, d)
    {
        if (strcmp(json_string_value(json_object_get(d, "AttributeName")), name) == 0) return;
    }
    json_array_append_new(defs,
                          json_pack("{s:s,s:s}", "AttributeName", name, "AttributeType", type));
}

static bool create(struct shell *sh, const struct where *w, const struct table_spec *t)
{
    json_t *defs = json_array();
    add_def(defs, t->hash, "S");
    if (t->range) add_def(defs, t->range, "S");
    json_t *req = json_pack("{s:s,s:o,s:s}", "TableName", t->name, "KeySchema",
                            key_schema(t->hash, t->range), "BillingMode", "PAY_PER_REQUEST");
    if (t->index) {
        add_def(defs, t->ihash, "S");
        add_def(defs, t->irange, strcmp(t->irange, "Year") == 0 ? "N" : "S");
        json_object_set_new(req, "GlobalSecondaryIndexes",
                            json_pack("[{s:s,s:o,s:{s:s}}]", "IndexName", t->index, "KeySchema",
                                      key_schema(t->ihash, t->irange), "Projection",
                                      "ProjectionType", "ALL"));
    }
    json_object_set_new(req, "AttributeDefinitions", defs);
    json_t *resp = NULL;
    struct pq_error err;
    pq_error_init(&err);
    bool ok = pq_backend_call(sh->backend, "CreateTable", req, &resp, &err) == PQ_OK;
    json_decref(req);
    json_decref(resp);
    for (int i = 0; ok && i < 600; i++) {
        req = json_pack("{s:s}", "TableName", t->name);
        resp = NULL;
        ok = pq_backend_call(sh->backend, "DescribeTable", req, &resp, &err) == PQ_OK;
        const char *st =
            json_string_value(json_object_get(json_object_get(resp, "Table"), "TableStatus"));
        bool active = st && strcmp(st, "ACTIVE") == 0;
        json_decref(req);
        json_decref(resp);
        if (active) break;
        usleep(200000);
    }
    if (!ok) {
        err.start = err.end = PQ_NO_POS;
        shell_error(w, &err);
    }
    pq_error_release(&err);
    shell_forget_keys(sh);
    shell_forget_schemas(sh);
    return ok;
}

static bool load(struct shell *sh, const struct where *w, const struct table_spec *t)
{
    char path[] = "/tmp/pqsh-sample-XXXXXX.ddbjson";
    int fd = mkstemps(path, 8);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        shell_errorf(w, "cannot write a temporary file in /tmp");
        if (fd >= 0) close(fd);
        return false;
    }
    t->gen(f);
    bool ok = fclose(f) == 0;
    if (ok) {
        struct pq_buf args = PQ_BUF_INIT;
        pq_buf_init(&args);
        pq_buf_addf(&args, "'%s' %s", path, t->name);
        ok = shell_cmd_import(sh, w, args.data, 0);
        pq_buf_release(&args);
    }
    remove(path);
    return ok;
}

bool shell_cmd_sample(struct shell *sh, const struct where *w, const char *args, size_t at)
{
    (void)at;
    size_t count = sizeof samples / sizeof *samples;
    if (!*args) {
        printf("Sample data sets (.sample NAME creates the tables and loads them):\n");
        for (size_t i = 0; i < count; i++)
            printf("  %-8s %s\n", samples[i].name, samples[i].about);
        return true;
    }
    for (size_t i = 0; i < count; i++) {
        if (strcmp(args, samples[i].name) != 0) continue;
        for (int k = 0; k < 2 && samples[i].tables[k].name; k++)
            if (!create(sh, w, &samples[i].tables[k]) || !load(sh, w, &samples[i].tables[k]))
                return false;
        return true;
    }
    shell_errorf(w, "no sample data set '%s' (.sample lists them)", args);
    return false;
}
