/* load.c — a small keep-alive load generator for DynamoDB-protocol endpoints (bench/serve).
 *
 * usage: load HOST PORT MODE CLIENTS SECONDS
 *   MODE preload  INSERT items k0 … k999 into "Bench" (one client), then exit
 *   MODE insert   CLIENTS threads INSERT fresh keys for SECONDS
 *   MODE select   CLIENTS threads SELECT k<random 0..999> by key for SECONDS
 *   MODE list     CLIENTS threads send ListTables (a trivial request) for SECONDS
 * The item API, on table "BenchItems" (pk S, sk N: partitions p0 … p9 of
 * 100 items each):
 *   MODE preload-items  PutItem the 1,000 items (one client), then exit
 *   MODE getitem   GetItem of a random item
 *   MODE query     Query of a random partition: one page of its 100 items
 *   MODE scan      Scan, TotalSegments 4, Segment = request number mod 4,
 *                  Limit 100 (the first page of a quarter of the table)
 *   MODE update    UpdateItem SET v = v + :one on a random item
 *   MODE transact  TransactWriteItems: two such updates, in two partitions
 *   MODE stall    one thread sends the worst legal request the review found
 *                 (an UPDATE adding, then removing, a 40,000-member string set
 *                 in one parameter, ~400 KB) over and over, the other
 *                 CLIENTS-1 threads SELECT by key; the latencies are the
 *                 SELECTs' only (issue 15 item 2: no request may stall the
 *                 others for long)
 *   MODE preload-big    PutItem 100 items of ~390 KB into "BenchBig" (k S)
 *   MODE stall-write  as stall, the other threads sending GetItems (mode getitem)
 *   MODE stall-read   one thread sends the worst legal read, a BatchGetItem of
 *                 the 100 big items (a 16 MB answer: 39 MB of items, the rest
 *                 UnprocessedKeys), the others GetItems
 * The TTL sweep's table "Expiring" (pk S, sk N; partitions p0 … of 10 items,
 * LOAD_ITEMS items in all, default 1,000,000; bench/streams/sweep.sh):
 *   MODE preload-ttl  CLIENTS threads BatchWriteItem the items into the
 *                 existing table (25 a request): 9 in 10 carry exp = now +
 *                 1 hour, the rest exp = now + 30 days, then exit
 *   MODE ttl-get   GetItem of a random item
 *   MODE ttl-query Query of a random partition (its 10 items, fewer once swept)
 *   MODE ttl-put   PutItem of a fresh item without exp
 * Prints one line: MODE CLIENTS REQUESTS SECONDS REQ/S P50_MS P99_MS ERRORS MAX_MS.
 *
 * Each client thread keeps one TCP connection open (HTTP/1.1 keep-alive) and
 * sends the next request when the previous answer is complete; it reconnects
 * when the server closes. Requests carry a syntactically valid SigV4
 * Authorization header (neither server under test verifies it here), so the
 * figures measure the server, not the client's signing. Plain sockets keep
 * the client's own cost small: it shares the machine with the server.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PRELOAD 1000
#define PARTITIONS 10 /* of the item-API table: PRELOAD / PARTITIONS items each */
#define BIG_ITEMS 100
#define BIG_BYTES 390000 /* each BenchBig item's string: under the 400 KB item limit */
#define MAX_SAMPLES 4000000
#define TTL_PART 10 /* items per partition of "Expiring" */

struct client {
    int id;
    int fd;
    long requests, errors;
    double *lat; /* milliseconds */
    long nlat, cap;
};

static const char *host;
static int port;
static const char *mode;
static double seconds;
static double t_end;
static char run_tag[32];
static long ttl_items = 1000000;
static __thread int client_id; /* the running client's, for keys of its own */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int connect_server(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, host, &sa.sin_addr);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Reads one response; returns the status, 0 on a broken connection; sets
 * *close when the server will close the connection. */
static int read_response(int fd, bool *close_after)
{
    static __thread char buf[1 << 16];
    size_t len = 0;
    char *end = NULL;
    *close_after = false;
    while (!end) {
        if (len == sizeof buf) return 0;
        ssize_t r = recv(fd, buf + len, sizeof buf - len, 0);
        if (r <= 0) return 0;
        len += (size_t)r;
        buf[len < sizeof buf ? len : sizeof buf - 1] = '\0';
        end = memmem(buf, len, "\r\n\r\n", 4);
    }
    int status = 0;
    sscanf(buf, "HTTP/%*s %d", &status);
    size_t head = (size_t)(end - buf) + 4;
    long clen = -1;
    for (char *p = buf; p < end; p = strchr(p, '\n') + 1) {
        if (strncasecmp(p, "Content-Length:", 15) == 0) clen = strtol(p + 15, NULL, 10);
        if (strncasecmp(p, "Connection: close", 17) == 0) *close_after = true;
        if (strncmp(buf, "HTTP/1.0", 8) == 0) *close_after = true;
        if (!strchr(p, '\n')) break;
    }
    if (clen < 0) { /* read to the end */
        *close_after = true;
        while (recv(fd, buf, sizeof buf, 0) > 0)
            ;
        return status;
    }
    size_t have = len - head;
    while (have < (size_t)clen) {
        ssize_t r = recv(fd, buf, sizeof buf, 0);
        if (r <= 0) return 0;
        have += (size_t)r;
    }
    return status;
}

static int call(struct client *c, const char *op, const char *body)
{
    size_t cap = strlen(body) + 1024;
    char *req = malloc(cap);
    int n = snprintf(req, cap,
                     "POST / HTTP/1.1\r\nHost: %s:%d\r\n"
                     "Content-Type: application/x-amz-json-1.0\r\n"
                     "X-Amz-Target: DynamoDB_20120810.%s\r\n"
                     "X-Amz-Date: 20240101T000000Z\r\n"
                     "Authorization: AWS4-HMAC-SHA256 Credential=AKIDBENCH/20240101/us-east-1/"
                     "dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-date;"
                     "x-amz-target, Signature=0000000000000000000000000000000000000000000000000000"
                     "000000000000\r\n"
                     "Content-Length: %zu\r\n\r\n%s",
                     host, port, op, strlen(body), body);
    for (int attempt = 0; attempt < 2; attempt++) {
        if (c->fd < 0) c->fd = connect_server();
        if (c->fd < 0) return 0;
        bool close_after;
        int status = send_all(c->fd, req, (size_t)n) == 0 ? read_response(c->fd, &close_after) : 0;
        if (status && !close_after) {
            free(req);
            return status;
        }
        close(c->fd);
        c->fd = -1;
        if (status) {
            free(req);
            return status;
        }
    }
    free(req);
    return 0;
}

/* The heavy request of mode stall: set_add (even i) or set_delete (odd i)
 * of 40,000 strings on item k0. */
static char *heavy_body(long i)
{
    size_t cap = 40000 * 16 + 512, len = 0;
    char *b = malloc(cap);
    len += (size_t)snprintf(b + len, cap - len,
                            "{\"Statement\":\"UPDATE \\\"Bench\\\" SET s = %s(s, ?) WHERE k = "
                            "'k0'\",\"Parameters\":[{\"SS\":[",
                            i % 2 ? "set_delete" : "set_add");
    for (int m = 0; m < 40000; m++)
        len += (size_t)snprintf(b + len, cap - len, "%s\"m%05d\"", m ? "," : "", m);
    snprintf(b + len, cap - len, "]}]}");
    return b;
}

/* The heavy request of mode stall-read: BatchGetItem of every BenchBig item. */
static char *heavy_read_body(void)
{
    size_t cap = BIG_ITEMS * 32 + 128, len = 0;
    char *b = malloc(cap);
    len += (size_t)snprintf(b, cap, "{\"RequestItems\":{\"BenchBig\":{\"Keys\":[");
    for (int i = 0; i < BIG_ITEMS; i++)
        len += (size_t)snprintf(b + len, cap - len, "%s{\"k\":{\"S\":\"b%d\"}}", i ? "," : "", i);
    snprintf(b + len, cap - len, "]}}}");
    return b;
}

static void sample(struct client *c, double ms)
{
    if (c->nlat == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 4096;
        if (c->cap > MAX_SAMPLES) c->cap = MAX_SAMPLES;
        c->lat = realloc(c->lat, (size_t)c->cap * sizeof *c->lat);
    }
    if (c->nlat < c->cap) c->lat[c->nlat++] = ms;
}

#define ITEM_KEY "{\"pk\":{\"S\":\"p%u\"},\"sk\":{\"N\":\"%u\"}}"
#define ADD_ONE                                                                                    \
    "\"UpdateExpression\":\"SET v = v + :one\",\"ExpressionAttributeValues\":{\":one\":{\"N\":"    \
    "\"1\"}}"

/* The item-API modes: the operation and its request body for request i. */
static const char *item_request(long i, unsigned *seed, char *body, size_t size)
{
    unsigned part = (unsigned)rand_r(seed) % PARTITIONS;
    unsigned sk = (unsigned)rand_r(seed) % (PRELOAD / PARTITIONS);
    if (strcmp(mode, "getitem") == 0 || strcmp(mode, "stall-write") == 0 ||
        strcmp(mode, "stall-read") == 0) {
        snprintf(body, size, "{\"TableName\":\"BenchItems\",\"Key\":" ITEM_KEY "}", part, sk);
        return "GetItem";
    }
    if (strncmp(mode, "ttl-", 4) == 0) {
        unsigned long n = ((unsigned long)rand_r(seed) << 16 ^ (unsigned long)rand_r(seed)) %
                          (unsigned long)ttl_items;
        if (strcmp(mode, "ttl-get") == 0) {
            snprintf(body, size, "{\"TableName\":\"Expiring\",\"Key\":" ITEM_KEY "}",
                     (unsigned)(n / TTL_PART), (unsigned)(n % TTL_PART));
            return "GetItem";
        }
        if (strcmp(mode, "ttl-query") == 0) {
            snprintf(body, size,
                     "{\"TableName\":\"Expiring\",\"KeyConditionExpression\":\"pk = :p\","
                     "\"ExpressionAttributeValues\":{\":p\":{\"S\":\"p%u\"}}}",
                     (unsigned)(n / TTL_PART));
            return "Query";
        }
        snprintf(body, size,
                 "{\"TableName\":\"Expiring\",\"Item\":{\"pk\":{\"S\":\"w%s-%d-%ld\"},"
                 "\"sk\":{\"N\":\"0\"},\"pad\":{\"S\":\"a payload of some forty bytes, "
                 "as usual\"}}}",
                 run_tag, client_id, i);
        return "PutItem";
    }
    if (strcmp(mode, "query") == 0) {
        snprintf(body, size,
                 "{\"TableName\":\"BenchItems\",\"KeyConditionExpression\":\"pk = :p\","
                 "\"ExpressionAttributeValues\":{\":p\":{\"S\":\"p%u\"}}}",
                 part);
        return "Query";
    }
    if (strcmp(mode, "scan") == 0) {
        snprintf(body, size,
                 "{\"TableName\":\"BenchItems\",\"TotalSegments\":4,\"Segment\":%ld,"
                 "\"Limit\":100}",
                 i % 4);
        return "Scan";
    }
    if (strcmp(mode, "update") == 0) {
        snprintf(body, size, "{\"TableName\":\"BenchItems\",\"Key\":" ITEM_KEY "," ADD_ONE "}",
                 part, sk);
        return "UpdateItem";
    }
    if (strcmp(mode, "transact") == 0) {
        snprintf(body, size,
                 "{\"TransactItems\":[{\"Update\":{\"TableName\":\"BenchItems\",\"Key\":" ITEM_KEY
                 "," ADD_ONE "}},{\"Update\":{\"TableName\":\"BenchItems\",\"Key\":" ITEM_KEY
                 "," ADD_ONE "}}]}",
                 part, sk, (part + 1) % PARTITIONS, sk);
        return "TransactWriteItems";
    }
    return NULL;
}

static void *run_client(void *arg)
{
    struct client *c = arg;
    unsigned seed = (unsigned)c->id * 2654435761u + 1;
    client_id = c->id;
    char body[1024];
    bool heavy = strncmp(mode, "stall", 5) == 0 && c->id == 0;
    bool heavy_read = strcmp(mode, "stall-read") == 0;
    for (long i = 0; now() < t_end; i++) {
        if (heavy) {
            char *big = heavy_read ? heavy_read_body() : heavy_body(i);
            int status = call(c, heavy_read ? "BatchGetItem" : "ExecuteStatement", big);
            free(big);
            if (status != 200) c->errors++;
            continue;
        }
        const char *item_op = item_request(i + c->id, &seed, body, sizeof body);
        if (item_op) {
            double t0 = now();
            int status = call(c, item_op, body);
            sample(c, (now() - t0) * 1e3);
            c->requests++;
            if (status != 200) c->errors++;
            continue;
        }
        if (strcmp(mode, "insert") == 0)
            snprintf(
                body, sizeof body,
                "{\"Statement\":\"INSERT INTO \\\"Bench\\\" VALUE {'k': '%s-c%d-%ld', 'v': %ld, "
                "'note': 'benchmark item'}\"}",
                run_tag, c->id, i, i);
        else
            snprintf(body, sizeof body,
                     "{\"Statement\":\"SELECT * FROM \\\"Bench\\\" WHERE k = ?\","
                     "\"Parameters\":[{\"S\":\"k%d\"}]}",
                     rand_r(&seed) % PRELOAD);
        bool list = strcmp(mode, "list") == 0;
        double t0 = now();
        int status = call(c, list ? "ListTables" : "ExecuteStatement", list ? "{}" : body);
        sample(c, (now() - t0) * 1e3);
        c->requests++;
        if (status != 200) c->errors++;
    }
    if (c->fd >= 0) close(c->fd);
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int preload(void)
{
    struct client c = {.fd = -1};
    const char *create =
        "{\"TableName\":\"Bench\",\"BillingMode\":\"PAY_PER_REQUEST\",\"AttributeDefinitions\":"
        "[{\"AttributeName\":\"k\",\"AttributeType\":\"S\"}],\"KeySchema\":[{\"AttributeName\":"
        "\"k\",\"KeyType\":\"HASH\"}]}";
    if (call(&c, "CreateTable", create) != 200) {
        fprintf(stderr, "load: CreateTable failed\n");
        return 1;
    }
    char body[512];
    for (int i = 0; i < PRELOAD; i++) {
        snprintf(body, sizeof body,
                 "{\"Statement\":\"INSERT INTO \\\"Bench\\\" VALUE {'k': 'k%d', 'v': %d, 'note': "
                 "'benchmark item'}\"}",
                 i, i);
        if (call(&c, "ExecuteStatement", body) != 200) {
            fprintf(stderr, "load: preload INSERT %d failed\n", i);
            return 1;
        }
    }
    if (c.fd >= 0) close(c.fd);
    return 0;
}

static int preload_items(void)
{
    struct client c = {.fd = -1};
    const char *create =
        "{\"TableName\":\"BenchItems\",\"BillingMode\":\"PAY_PER_REQUEST\","
        "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"},"
        "{\"AttributeName\":\"sk\",\"AttributeType\":\"N\"}],\"KeySchema\":[{\"AttributeName\":"
        "\"pk\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}]}";
    if (call(&c, "CreateTable", create) != 200) {
        fprintf(stderr, "load: CreateTable BenchItems failed\n");
        return 1;
    }
    char body[512];
    for (int i = 0; i < PRELOAD; i++) {
        snprintf(body, sizeof body,
                 "{\"TableName\":\"BenchItems\",\"Item\":{\"pk\":{\"S\":\"p%d\"},\"sk\":{\"N\":"
                 "\"%d\"},\"v\":{\"N\":\"%d\"},\"note\":{\"S\":\"benchmark item\"}}}",
                 i % PARTITIONS, i / PARTITIONS, i);
        if (call(&c, "PutItem", body) != 200) {
            fprintf(stderr, "load: preload PutItem %d failed\n", i);
            return 1;
        }
    }
    if (c.fd >= 0) close(c.fd);
    return 0;
}

static int preload_big(void)
{
    struct client c = {.fd = -1};
    const char *create =
        "{\"TableName\":\"BenchBig\",\"BillingMode\":\"PAY_PER_REQUEST\",\"AttributeDefinitions\":"
        "[{\"AttributeName\":\"k\",\"AttributeType\":\"S\"}],\"KeySchema\":[{\"AttributeName\":"
        "\"k\",\"KeyType\":\"HASH\"}]}";
    if (call(&c, "CreateTable", create) != 200) {
        fprintf(stderr, "load: CreateTable BenchBig failed\n");
        return 1;
    }
    size_t cap = BIG_BYTES + 256;
    char *body = malloc(cap);
    for (int i = 0; i < BIG_ITEMS; i++) {
        int n = snprintf(body, cap,
                         "{\"TableName\":\"BenchBig\",\"Item\":{\"k\":{\"S\":\"b%d\"},"
                         "\"v\":{\"S\":\"",
                         i);
        memset(body + n, 'a' + i % 26, BIG_BYTES);
        snprintf(body + n + BIG_BYTES, cap - (size_t)n - BIG_BYTES, "\"}}}");
        if (call(&c, "PutItem", body) != 200) {
            fprintf(stderr, "load: preload PutItem big %d failed\n", i);
            free(body);
            return 1;
        }
    }
    free(body);
    if (c.fd >= 0) close(c.fd);
    return 0;
}

/* Mode preload-ttl: client `c->id` of `clients` writes its share of the items. */
static int ttl_clients;
static long ttl_exp_base;

static void *preload_ttl_client(void *arg)
{
    struct client *c = arg;
    size_t cap = 25 * 256 + 128;
    char *body = malloc(cap);
    for (long first = (long)c->id * 25; first < ttl_items; first += 25L * ttl_clients) {
        size_t len = (size_t)snprintf(body, cap, "{\"RequestItems\":{\"Expiring\":[");
        for (long i = first; i < first + 25 && i < ttl_items; i++)
            len += (size_t)snprintf(
                body + len, cap - len,
                "%s{\"PutRequest\":{\"Item\":{\"pk\":{\"S\":\"p%ld\"},\"sk\":{\"N\":\"%ld\"},"
                "\"exp\":{\"N\":\"%ld\"},\"pad\":{\"S\":\"some forty bytes of data\"}}}}",
                i > first ? "," : "", i / TTL_PART, i % TTL_PART,
                ttl_exp_base + (i % TTL_PART ? 3600 : 30 * 86400));
        snprintf(body + len, cap - len, "]}}");
        if (call(c, "BatchWriteItem", body) != 200) c->errors++;
        c->requests++;
    }
    free(body);
    if (c->fd >= 0) close(c->fd);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: load HOST PORT preload|insert|select|list|stall|preload-items|"
                        "getitem|query|scan|update|transact|preload-big|stall-write|stall-read|"
                        "preload-ttl|ttl-get|ttl-query|ttl-put "
                        "CLIENTS SECONDS\n");
        return 2;
    }
    host = argv[1];
    port = atoi(argv[2]);
    mode = argv[3];
    int clients = atoi(argv[4]);
    seconds = atof(argv[5]);
    if (strcmp(mode, "preload") == 0) return preload();
    if (strcmp(mode, "preload-items") == 0) return preload_items();
    if (strcmp(mode, "preload-big") == 0) return preload_big();
    const char *items_env = getenv("LOAD_ITEMS");
    if (items_env && atol(items_env) > 0) ttl_items = atol(items_env);
    snprintf(run_tag, sizeof run_tag, "r%ld-%d", (long)time(NULL), (int)getpid());
    struct client *cs = calloc((size_t)clients, sizeof *cs);
    pthread_t *th = calloc((size_t)clients, sizeof *th);
    bool ttl_load = strcmp(mode, "preload-ttl") == 0;
    ttl_clients = clients;
    ttl_exp_base = (long)time(NULL);
    double t0 = now();
    t_end = t0 + seconds;
    for (int i = 0; i < clients; i++) {
        cs[i].id = i;
        cs[i].fd = -1;
        pthread_create(&th[i], NULL, ttl_load ? preload_ttl_client : run_client, &cs[i]);
    }
    long total = 0, errors = 0, n = 0;
    for (int i = 0; i < clients; i++) {
        pthread_join(th[i], NULL);
        total += cs[i].requests;
        errors += cs[i].errors;
        n += cs[i].nlat;
    }
    double elapsed = now() - t0;
    double *all = malloc((size_t)(n ? n : 1) * sizeof *all);
    long k = 0;
    for (int i = 0; i < clients; i++) {
        memcpy(all + k, cs[i].lat, (size_t)cs[i].nlat * sizeof *all);
        k += cs[i].nlat;
        free(cs[i].lat);
    }
    qsort(all, (size_t)n, sizeof *all, cmp_double);
    double p50 = n ? all[n / 2] : 0, p99 = n ? all[(long)((double)n * 0.99)] : 0;
    double max = n ? all[n - 1] : 0;
    printf("%s %d %ld %.2f %.1f %.3f %.3f %ld %.3f\n", mode, clients, total, elapsed,
           (double)total / elapsed, p50, p99, errors, max);
    free(all);
    free(cs);
    free(th);
    return 0;
}
