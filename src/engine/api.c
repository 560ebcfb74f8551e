/* api.c — the engine's front door: open/close, op dispatch, request shapes, the backend.
 *
 * pq_engine_call checks that the request has the JSON shape of the operation
 * (members of the wrong JSON type are a SerializationException, as from the
 * service's JSON deserialiser), then runs the operation inside one store
 * transaction: committed on success, rolled back on any error, so nothing is
 * ever half-applied. Unknown request members are ignored, as DynamoDB Local
 * does; a member whose value is JSON null counts as absent.
 */
#include "engine/batch.h"
#include "engine/batch_items.h"
#include "engine/internal.h"
#include "engine/item_ops.h"
#include "engine/query.h"
#include "engine/streams.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_REGION "ddblocal"
#define DEFAULT_PAGE_BYTES (1024 * 1024)

double engine_now(const struct pq_engine *e)
{
    double base;
    if (e->fixed_time > 0) {
        base = e->fixed_time;
    } else {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        /* Milliseconds, like the service's timestamps. */
        base = (double)ts.tv_sec + round((double)ts.tv_nsec / 1e6) / 1e3;
    }
    return base + e->clock_offset;
}

static double store_clock(const void *e)
{
    return engine_now(e);
}

double pq_engine_clock_now(const struct pq_engine *e)
{
    return engine_now(e);
}

double pq_engine_clock_offset(const struct pq_engine *e)
{
    return e->clock_offset;
}

void pq_engine_clock_advance(struct pq_engine *e, double seconds)
{
    e->clock_offset += seconds;
}

void pq_engine_clock_reset(struct pq_engine *e)
{
    e->clock_offset = 0;
}

void pq_engine_set_endpoint(struct pq_engine *e, const char *address)
{
    free(e->endpoint);
    e->endpoint = address ? pq_xstrdup(address) : NULL;
}

static pq_status engine_open(const struct pq_engine_options *opt, bool reader,
                             struct pq_engine **out, struct pq_error *err)
{
    struct pq_engine *e = pq_xcalloc(1, sizeof *e);
    *out = NULL;
    pq_status rc = store_open(opt->path ? opt->path : ":memory:", &e->store, err);
    if (rc == PQ_OK && reader) rc = store_set_reader(e->store, err);
    if (rc) {
        store_close(e->store);
        free(e);
        return rc;
    }
    /* DynamoDB Local's ARNs read arn:aws:dynamodb:ddblocal:000000000000:table/T. */
    e->region = pq_xstrdup(opt->region ? opt->region : DEFAULT_REGION);
    e->fixed_time = opt->fixed_time;
    e->page_bytes = opt->page_bytes ? opt->page_bytes : DEFAULT_PAGE_BYTES;
    store_set_clock(e->store, store_clock, e);
    store_set_collection_limit(e->store, opt->collection_limit);
    *out = e;
    return PQ_OK;
}

pq_status pq_engine_open(const struct pq_engine_options *opt, struct pq_engine **out,
                         struct pq_error *err)
{
    return engine_open(opt, false, out, err);
}

pq_status pq_engine_open_reader(const struct pq_engine_options *opt, struct pq_engine **out,
                                struct pq_error *err)
{
    return engine_open(opt, true, out, err);
}

void pq_engine_close(struct pq_engine *e)
{
    if (!e) return;
    exec_stmt_free(e->spare);
    exec_forget_answers(e);
    store_close(e->store);
    ttl_cursor_free(e->sweep);
    free(e->region);
    free(e->endpoint);
    free(e);
}

/* ---- request shapes ------------------------------------------------- */

enum shape_kind { K_STRING, K_BOOL, K_INT, K_LIST, K_STRUCT, K_MAP };

struct field;

struct shape {
    enum shape_kind kind;
    const char *java;           /* K_BOOL / K_INT / K_STRING: the Java type named in messages */
    const struct field *fields; /* K_STRUCT: known members (NULL: any object) */
    const struct shape *elem;   /* K_LIST: each element; K_MAP: each value */
};

struct field {
    const char *name;
    const struct shape *shape;
};

static const struct shape S_STRING = {K_STRING, "String", NULL, NULL};
static const struct shape S_BOOL = {K_BOOL, "Boolean", NULL, NULL};
static const struct shape S_LONG = {K_INT, "Long", NULL, NULL};
static const struct shape S_INT = {K_INT, "Integer", NULL, NULL};
static const struct shape S_OBJECT = {K_STRUCT, NULL, NULL, NULL};
static const struct shape S_STRINGS = {K_LIST, NULL, NULL, &S_STRING};
static const struct shape S_OBJECTS = {K_LIST, NULL, NULL, &S_OBJECT};
/* Item, Key, ExpressionAttributeValues: name → AttributeValue object. */
static const struct shape S_VALUE_MAP = {K_MAP, NULL, NULL, &S_OBJECT};
/* ExpressionAttributeNames: "#n" → attribute name. */
static const struct shape S_NAME_MAP = {K_MAP, NULL, NULL, &S_STRING};
/* Legacy Expected / AttributeUpdates (engine/legacy.c): name → struct. */
static const struct field F_EXPECTED_VALUE[] = {{"Value", &S_OBJECT},
                                                {"Exists", &S_BOOL},
                                                {"ComparisonOperator", &S_STRING},
                                                {"AttributeValueList", &S_OBJECTS},
                                                {NULL, NULL}};
static const struct shape S_EXPECTED_VALUE = {K_STRUCT, NULL, F_EXPECTED_VALUE, NULL};
static const struct shape S_EXPECTED = {K_MAP, NULL, NULL, &S_EXPECTED_VALUE};
static const struct field F_VALUE_UPDATE[] = {
    {"Value", &S_OBJECT}, {"Action", &S_STRING}, {NULL, NULL}};
static const struct shape S_VALUE_UPDATE = {K_STRUCT, NULL, F_VALUE_UPDATE, NULL};
static const struct shape S_ATTRIBUTE_UPDATES = {K_MAP, NULL, NULL, &S_VALUE_UPDATE};

static const struct field F_ATTRDEF[] = {
    {"AttributeName", &S_STRING}, {"AttributeType", &S_STRING}, {NULL, NULL}};
static const struct shape S_ATTRDEF = {K_STRUCT, NULL, F_ATTRDEF, NULL};
static const struct shape S_ATTRDEFS = {K_LIST, NULL, NULL, &S_ATTRDEF};

static const struct field F_KEYELEM[] = {
    {"AttributeName", &S_STRING}, {"KeyType", &S_STRING}, {NULL, NULL}};
static const struct shape S_KEYELEM = {K_STRUCT, NULL, F_KEYELEM, NULL};
static const struct shape S_KEYSCHEMA = {K_LIST, NULL, NULL, &S_KEYELEM};

static const struct field F_THROUGHPUT[] = {
    {"ReadCapacityUnits", &S_LONG}, {"WriteCapacityUnits", &S_LONG}, {NULL, NULL}};
static const struct shape S_THROUGHPUT = {K_STRUCT, NULL, F_THROUGHPUT, NULL};

static const struct field F_ONDEMAND[] = {
    {"MaxReadRequestUnits", &S_LONG}, {"MaxWriteRequestUnits", &S_LONG}, {NULL, NULL}};
static const struct shape S_ONDEMAND = {K_STRUCT, NULL, F_ONDEMAND, NULL};

static const struct field F_PROJECTION[] = {
    {"ProjectionType", &S_STRING}, {"NonKeyAttributes", &S_STRINGS}, {NULL, NULL}};
static const struct shape S_PROJECTION = {K_STRUCT, NULL, F_PROJECTION, NULL};

static const struct field F_LSI[] = {{"IndexName", &S_STRING},
                                     {"KeySchema", &S_KEYSCHEMA},
                                     {"Projection", &S_PROJECTION},
                                     {NULL, NULL}};
static const struct shape S_LSI = {K_STRUCT, NULL, F_LSI, NULL};
static const struct shape S_LSIS = {K_LIST, NULL, NULL, &S_LSI};

static const struct field F_GSI[] = {{"IndexName", &S_STRING},
                                     {"KeySchema", &S_KEYSCHEMA},
                                     {"Projection", &S_PROJECTION},
                                     {"ProvisionedThroughput", &S_THROUGHPUT},
                                     {"OnDemandThroughput", &S_ONDEMAND},
                                     {NULL, NULL}};
static const struct shape S_GSI = {K_STRUCT, NULL, F_GSI, NULL};
static const struct shape S_GSIS = {K_LIST, NULL, NULL, &S_GSI};

static const struct field F_STREAM[] = {
    {"StreamEnabled", &S_BOOL}, {"StreamViewType", &S_STRING}, {NULL, NULL}};
static const struct shape S_STREAM = {K_STRUCT, NULL, F_STREAM, NULL};

static const struct field F_SSE[] = {
    {"Enabled", &S_BOOL}, {"SSEType", &S_STRING}, {"KMSMasterKeyId", &S_STRING}, {NULL, NULL}};
static const struct shape S_SSE = {K_STRUCT, NULL, F_SSE, NULL};

static const struct field F_TAG[] = {{"Key", &S_STRING}, {"Value", &S_STRING}, {NULL, NULL}};
static const struct shape S_TAG = {K_STRUCT, NULL, F_TAG, NULL};
static const struct shape S_TAGS = {K_LIST, NULL, NULL, &S_TAG};

static const struct field F_CREATE_TABLE[] = {{"TableName", &S_STRING},
                                              {"AttributeDefinitions", &S_ATTRDEFS},
                                              {"KeySchema", &S_KEYSCHEMA},
                                              {"LocalSecondaryIndexes", &S_LSIS},
                                              {"GlobalSecondaryIndexes", &S_GSIS},
                                              {"BillingMode", &S_STRING},
                                              {"ProvisionedThroughput", &S_THROUGHPUT},
                                              {"StreamSpecification", &S_STREAM},
                                              {"SSESpecification", &S_SSE},
                                              {"Tags", &S_TAGS},
                                              {"TableClass", &S_STRING},
                                              {"DeletionProtectionEnabled", &S_BOOL},
                                              {"OnDemandThroughput", &S_ONDEMAND},
                                              {NULL, NULL}};
static const struct field F_TABLE_NAME[] = {{"TableName", &S_STRING}, {NULL, NULL}};
static const struct field F_LIST_TABLES[] = {
    {"ExclusiveStartTableName", &S_STRING}, {"Limit", &S_INT}, {NULL, NULL}};
/* Parameters are AttributeValues: objects here; exec validates their content. */
static const struct field F_EXECUTE_STATEMENT[] = {
    {"Statement", &S_STRING},
    {"Parameters", &S_OBJECTS},
    {"ConsistentRead", &S_BOOL},
    {"NextToken", &S_STRING},
    {"ReturnConsumedCapacity", &S_STRING},
    {"Limit", &S_INT},
    {"ReturnValuesOnConditionCheckFailure", &S_STRING},
    {NULL, NULL}};

/* The item operations (engine/item_ops.c), legacy members included so their
 * JSON types are checked like the service checks them. */
static const struct field F_PUT_ITEM[] = {{"TableName", &S_STRING},
                                          {"Item", &S_VALUE_MAP},
                                          {"Expected", &S_EXPECTED},
                                          {"ConditionalOperator", &S_STRING},
                                          {"ReturnValues", &S_STRING},
                                          {"ReturnConsumedCapacity", &S_STRING},
                                          {"ReturnItemCollectionMetrics", &S_STRING},
                                          {"ConditionExpression", &S_STRING},
                                          {"ExpressionAttributeNames", &S_NAME_MAP},
                                          {"ExpressionAttributeValues", &S_VALUE_MAP},
                                          {"ReturnValuesOnConditionCheckFailure", &S_STRING},
                                          {NULL, NULL}};

static const struct field F_GET_ITEM[] = {{"TableName", &S_STRING},
                                          {"Key", &S_VALUE_MAP},
                                          {"ConsistentRead", &S_BOOL},
                                          {"AttributesToGet", &S_STRINGS},
                                          {"ProjectionExpression", &S_STRING},
                                          {"ReturnConsumedCapacity", &S_STRING},
                                          {"ExpressionAttributeNames", &S_NAME_MAP},
                                          {NULL, NULL}};

static const struct field F_UPDATE_ITEM[] = {{"TableName", &S_STRING},
                                             {"Key", &S_VALUE_MAP},
                                             {"AttributeUpdates", &S_ATTRIBUTE_UPDATES},
                                             {"Expected", &S_EXPECTED},
                                             {"ConditionalOperator", &S_STRING},
                                             {"ReturnValues", &S_STRING},
                                             {"ReturnConsumedCapacity", &S_STRING},
                                             {"ReturnItemCollectionMetrics", &S_STRING},
                                             {"UpdateExpression", &S_STRING},
                                             {"ConditionExpression", &S_STRING},
                                             {"ExpressionAttributeNames", &S_NAME_MAP},
                                             {"ExpressionAttributeValues", &S_VALUE_MAP},
                                             {"ReturnValuesOnConditionCheckFailure", &S_STRING},
                                             {NULL, NULL}};

static const struct field F_DELETE_ITEM[] = {{"TableName", &S_STRING},
                                             {"Key", &S_VALUE_MAP},
                                             {"Expected", &S_EXPECTED},
                                             {"ConditionalOperator", &S_STRING},
                                             {"ReturnValues", &S_STRING},
                                             {"ReturnConsumedCapacity", &S_STRING},
                                             {"ReturnItemCollectionMetrics", &S_STRING},
                                             {"ConditionExpression", &S_STRING},
                                             {"ExpressionAttributeNames", &S_NAME_MAP},
                                             {"ExpressionAttributeValues", &S_VALUE_MAP},
                                             {"ReturnValuesOnConditionCheckFailure", &S_STRING},
                                             {NULL, NULL}};

/* BatchWriteItem / BatchGetItem (engine/batch_items.c). */
static const struct field F_PUT_REQUEST[] = {{"Item", &S_VALUE_MAP}, {NULL, NULL}};
static const struct shape S_PUT_REQUEST = {K_STRUCT, NULL, F_PUT_REQUEST, NULL};
static const struct field F_DELETE_REQUEST[] = {{"Key", &S_VALUE_MAP}, {NULL, NULL}};
static const struct shape S_DELETE_REQUEST = {K_STRUCT, NULL, F_DELETE_REQUEST, NULL};
static const struct field F_WRITE_REQUEST[] = {
    {"PutRequest", &S_PUT_REQUEST}, {"DeleteRequest", &S_DELETE_REQUEST}, {NULL, NULL}};
static const struct shape S_WRITE_REQUEST = {K_STRUCT, NULL, F_WRITE_REQUEST, NULL};
static const struct shape S_WRITE_REQUESTS = {K_LIST, NULL, NULL, &S_WRITE_REQUEST};
static const struct shape S_WRITE_ITEMS = {K_MAP, NULL, NULL, &S_WRITE_REQUESTS};
static const struct field F_BATCH_WRITE_ITEM[] = {{"RequestItems", &S_WRITE_ITEMS},
                                                  {"ReturnConsumedCapacity", &S_STRING},
                                                  {"ReturnItemCollectionMetrics", &S_STRING},
                                                  {NULL, NULL}};
static const struct shape S_KEYS = {K_LIST, NULL, NULL, &S_VALUE_MAP};
static const struct field F_KEYS_AND_ATTRIBUTES[] = {{"Keys", &S_KEYS},
                                                     {"AttributesToGet", &S_STRINGS},
                                                     {"ConsistentRead", &S_BOOL},
                                                     {"ProjectionExpression", &S_STRING},
                                                     {"ExpressionAttributeNames", &S_NAME_MAP},
                                                     {NULL, NULL}};
static const struct shape S_KEYS_AND_ATTRIBUTES = {K_STRUCT, NULL, F_KEYS_AND_ATTRIBUTES, NULL};
static const struct shape S_GET_ITEMS = {K_MAP, NULL, NULL, &S_KEYS_AND_ATTRIBUTES};
static const struct field F_BATCH_GET_ITEM[] = {
    {"RequestItems", &S_GET_ITEMS}, {"ReturnConsumedCapacity", &S_STRING}, {NULL, NULL}};
/* Query and Scan (engine/query.c, engine/scan.c); legacy Conditions are
 * {ComparisonOperator, AttributeValueList}. */
static const struct field F_CONDITION[] = {
    {"ComparisonOperator", &S_STRING}, {"AttributeValueList", &S_OBJECTS}, {NULL, NULL}};
static const struct shape S_CONDITION = {K_STRUCT, NULL, F_CONDITION, NULL};
static const struct shape S_CONDITIONS = {K_MAP, NULL, NULL, &S_CONDITION};
static const struct field F_QUERY[] = {{"TableName", &S_STRING},
                                       {"IndexName", &S_STRING},
                                       {"Select", &S_STRING},
                                       {"AttributesToGet", &S_STRINGS},
                                       {"Limit", &S_INT},
                                       {"ConsistentRead", &S_BOOL},
                                       {"KeyConditions", &S_CONDITIONS},
                                       {"QueryFilter", &S_CONDITIONS},
                                       {"ConditionalOperator", &S_STRING},
                                       {"ScanIndexForward", &S_BOOL},
                                       {"ExclusiveStartKey", &S_VALUE_MAP},
                                       {"ReturnConsumedCapacity", &S_STRING},
                                       {"ProjectionExpression", &S_STRING},
                                       {"FilterExpression", &S_STRING},
                                       {"KeyConditionExpression", &S_STRING},
                                       {"ExpressionAttributeNames", &S_NAME_MAP},
                                       {"ExpressionAttributeValues", &S_VALUE_MAP},
                                       {NULL, NULL}};
static const struct field F_SCAN[] = {{"TableName", &S_STRING},
                                      {"IndexName", &S_STRING},
                                      {"AttributesToGet", &S_STRINGS},
                                      {"Limit", &S_INT},
                                      {"Select", &S_STRING},
                                      {"ScanFilter", &S_CONDITIONS},
                                      {"ConditionalOperator", &S_STRING},
                                      {"ExclusiveStartKey", &S_VALUE_MAP},
                                      {"ReturnConsumedCapacity", &S_STRING},
                                      {"TotalSegments", &S_INT},
                                      {"Segment", &S_INT},
                                      {"ProjectionExpression", &S_STRING},
                                      {"FilterExpression", &S_STRING},
                                      {"ExpressionAttributeNames", &S_NAME_MAP},
                                      {"ExpressionAttributeValues", &S_VALUE_MAP},
                                      {"ConsistentRead", &S_BOOL},
                                      {NULL, NULL}};

/* TransactGetItems / TransactWriteItems (engine/transact.c). */
static const struct field F_TX_GET[] = {{"Key", &S_VALUE_MAP},
                                        {"TableName", &S_STRING},
                                        {"ProjectionExpression", &S_STRING},
                                        {"ExpressionAttributeNames", &S_NAME_MAP},
                                        {NULL, NULL}};
static const struct shape S_TX_GET = {K_STRUCT, NULL, F_TX_GET, NULL};
static const struct field F_TX_GET_ITEM[] = {{"Get", &S_TX_GET}, {NULL, NULL}};
static const struct shape S_TX_GET_ITEM = {K_STRUCT, NULL, F_TX_GET_ITEM, NULL};
static const struct shape S_TX_GET_ITEMS = {K_LIST, NULL, NULL, &S_TX_GET_ITEM};
static const struct field F_TRANSACT_GET_ITEMS[] = {
    {"TransactItems", &S_TX_GET_ITEMS}, {"ReturnConsumedCapacity", &S_STRING}, {NULL, NULL}};
/* Every member any of the four actions has; each action reads its own. */
static const struct field F_TX_WRITE[] = {{"Key", &S_VALUE_MAP},
                                          {"Item", &S_VALUE_MAP},
                                          {"TableName", &S_STRING},
                                          {"UpdateExpression", &S_STRING},
                                          {"ConditionExpression", &S_STRING},
                                          {"ExpressionAttributeNames", &S_NAME_MAP},
                                          {"ExpressionAttributeValues", &S_VALUE_MAP},
                                          {"ReturnValuesOnConditionCheckFailure", &S_STRING},
                                          {NULL, NULL}};
static const struct shape S_TX_WRITE = {K_STRUCT, NULL, F_TX_WRITE, NULL};
static const struct field F_TX_WRITE_ITEM[] = {{"ConditionCheck", &S_TX_WRITE},
                                               {"Put", &S_TX_WRITE},
                                               {"Update", &S_TX_WRITE},
                                               {"Delete", &S_TX_WRITE},
                                               {NULL, NULL}};
static const struct shape S_TX_WRITE_ITEM = {K_STRUCT, NULL, F_TX_WRITE_ITEM, NULL};
static const struct shape S_TX_WRITE_ITEMS = {K_LIST, NULL, NULL, &S_TX_WRITE_ITEM};
static const struct field F_TRANSACT_WRITE_ITEMS[] = {{"TransactItems", &S_TX_WRITE_ITEMS},
                                                      {"ReturnConsumedCapacity", &S_STRING},
                                                      {"ReturnItemCollectionMetrics", &S_STRING},
                                                      {"ClientRequestToken", &S_STRING},
                                                      {NULL, NULL}};

static const struct field F_BATCH_STATEMENT[] = {{"Statement", &S_STRING},
                                                 {"Parameters", &S_OBJECTS},
                                                 {"ConsistentRead", &S_BOOL},
                                                 {"ReturnValuesOnConditionCheckFailure", &S_STRING},
                                                 {NULL, NULL}};
static const struct shape S_BATCH_STATEMENT = {K_STRUCT, NULL, F_BATCH_STATEMENT, NULL};
static const struct shape S_BATCH_STATEMENTS = {K_LIST, NULL, NULL, &S_BATCH_STATEMENT};
static const struct field F_BATCH_EXECUTE[] = {
    {"Statements", &S_BATCH_STATEMENTS}, {"ReturnConsumedCapacity", &S_STRING}, {NULL, NULL}};
static const struct field F_PARAM_STATEMENT[] = {{"Statement", &S_STRING},
                                                 {"Parameters", &S_OBJECTS},
                                                 {"ReturnValuesOnConditionCheckFailure", &S_STRING},
                                                 {NULL, NULL}};
static const struct shape S_PARAM_STATEMENT = {K_STRUCT, NULL, F_PARAM_STATEMENT, NULL};
static const struct shape S_PARAM_STATEMENTS = {K_LIST, NULL, NULL, &S_PARAM_STATEMENT};
static const struct field F_EXECUTE_TRANSACTION[] = {{"TransactStatements", &S_PARAM_STATEMENTS},
                                                     {"ClientRequestToken", &S_STRING},
                                                     {"ReturnConsumedCapacity", &S_STRING},
                                                     {NULL, NULL}};

static const struct field F_GSI_DELETE[] = {{"IndexName", &S_STRING}, {NULL, NULL}};
static const struct shape S_GSI_DELETE = {K_STRUCT, NULL, F_GSI_DELETE, NULL};
static const struct field F_GSI_UPDATE[] = {
    {"IndexName", &S_STRING}, {"ProvisionedThroughput", &S_THROUGHPUT}, {NULL, NULL}};
static const struct shape S_GSI_UPDATE = {K_STRUCT, NULL, F_GSI_UPDATE, NULL};
static const struct field F_GSI_CHANGE[] = {
    {"Create", &S_GSI}, {"Delete", &S_GSI_DELETE}, {"Update", &S_GSI_UPDATE}, {NULL, NULL}};
static const struct shape S_GSI_CHANGE = {K_STRUCT, NULL, F_GSI_CHANGE, NULL};
static const struct shape S_GSI_CHANGES = {K_LIST, NULL, NULL, &S_GSI_CHANGE};
static const struct field F_UPDATE_TABLE[] = {{"TableName", &S_STRING},
                                              {"AttributeDefinitions", &S_ATTRDEFS},
                                              {"BillingMode", &S_STRING},
                                              {"ProvisionedThroughput", &S_THROUGHPUT},
                                              {"GlobalSecondaryIndexUpdates", &S_GSI_CHANGES},
                                              {"StreamSpecification", &S_STREAM},
                                              {"SSESpecification", &S_SSE},
                                              {"TableClass", &S_STRING},
                                              {"DeletionProtectionEnabled", &S_BOOL},
                                              {NULL, NULL}};

static const struct field F_TTL_SPEC[] = {
    {"Enabled", &S_BOOL}, {"AttributeName", &S_STRING}, {NULL, NULL}};
static const struct shape S_TTL_SPEC = {K_STRUCT, NULL, F_TTL_SPEC, NULL};
static const struct field F_UPDATE_TTL[] = {
    {"TableName", &S_STRING}, {"TimeToLiveSpecification", &S_TTL_SPEC}, {NULL, NULL}};
static const struct field F_TAG_RESOURCE[] = {
    {"ResourceArn", &S_STRING}, {"Tags", &S_TAGS}, {NULL, NULL}};
static const struct field F_UNTAG_RESOURCE[] = {
    {"ResourceArn", &S_STRING}, {"TagKeys", &S_STRINGS}, {NULL, NULL}};
static const struct field F_LIST_TAGS[] = {
    {"ResourceArn", &S_STRING}, {"NextToken", &S_STRING}, {NULL, NULL}};
static const struct field F_NONE[] = {{NULL, NULL}};
/* engine/account.c. */
static const struct field F_PITR_SPEC[] = {
    {"PointInTimeRecoveryEnabled", &S_BOOL}, {"RecoveryPeriodInDays", &S_INT}, {NULL, NULL}};
static const struct shape S_PITR_SPEC = {K_STRUCT, NULL, F_PITR_SPEC, NULL};
static const struct field F_UPDATE_BACKUPS[] = {
    {"TableName", &S_STRING}, {"PointInTimeRecoverySpecification", &S_PITR_SPEC}, {NULL, NULL}};
static const struct field F_TABLE_INDEX[] = {
    {"TableName", &S_STRING}, {"IndexName", &S_STRING}, {NULL, NULL}};
static const struct field F_LIST_BACKUPS[] = {{"TableName", &S_STRING},
                                              {"Limit", &S_INT},
                                              {"ExclusiveStartBackupArn", &S_STRING},
                                              {"BackupType", &S_STRING},
                                              {NULL, NULL}};
static const struct field F_LIST_GLOBAL_TABLES[] = {{"ExclusiveStartGlobalTableName", &S_STRING},
                                                    {"Limit", &S_INT},
                                                    {"RegionName", &S_STRING},
                                                    {NULL, NULL}};
static const struct field F_LIST_EXPORTS[] = {
    {"TableArn", &S_STRING}, {"MaxResults", &S_INT}, {"NextToken", &S_STRING}, {NULL, NULL}};
static const struct field F_LIST_IMPORTS[] = {
    {"TableArn", &S_STRING}, {"PageSize", &S_INT}, {"NextToken", &S_STRING}, {NULL, NULL}};
static const struct field F_LIST_INSIGHTS[] = {
    {"TableName", &S_STRING}, {"MaxResults", &S_INT}, {"NextToken", &S_STRING}, {NULL, NULL}};

/* DynamoDBStreams_20120810 (engine/streams_api.c). */
static const struct field F_LIST_STREAMS[] = {{"TableName", &S_STRING},
                                              {"Limit", &S_INT},
                                              {"ExclusiveStartStreamArn", &S_STRING},
                                              {NULL, NULL}};
static const struct field F_SHARD_FILTER[] = {
    {"Type", &S_STRING}, {"ShardId", &S_STRING}, {NULL, NULL}};
static const struct shape S_SHARD_FILTER = {K_STRUCT, NULL, F_SHARD_FILTER, NULL};
static const struct field F_DESCRIBE_STREAM[] = {{"StreamArn", &S_STRING},
                                                 {"Limit", &S_INT},
                                                 {"ExclusiveStartShardId", &S_STRING},
                                                 {"ShardFilter", &S_SHARD_FILTER},
                                                 {NULL, NULL}};
static const struct field F_GET_SHARD_ITERATOR[] = {{"StreamArn", &S_STRING},
                                                    {"ShardId", &S_STRING},
                                                    {"ShardIteratorType", &S_STRING},
                                                    {"SequenceNumber", &S_STRING},
                                                    {NULL, NULL}};
static const struct field F_GET_RECORDS[] = {
    {"ShardIterator", &S_STRING}, {"Limit", &S_INT}, {NULL, NULL}};

/* The name Jackson gives a JSON token in "X cannot be converted to T". */
static const char *token_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_STRING:
        return "STRING_VALUE";
    case JSON_INTEGER:
        return "NUMBER_VALUE";
    case JSON_REAL:
        return "DECIMAL_VALUE";
    case JSON_TRUE:
        return "TRUE_VALUE";
    case JSON_FALSE:
        return "FALSE_VALUE";
    default:
        return "VALUE";
    }
}

static pq_status check_shape(const json_t *v, const struct shape *sh, struct pq_error *err);

/* Checks the members of object `v` that `fields` knows, in the order of
 * `fields` (so the first bad one reported is the same whatever the order in
 * the request). A request names few of its operation's members: looking up
 * each of those in `fields` is cheaper than looking up every field in `v`. */
static pq_status check_members(const json_t *v, const struct field *fields, struct pq_error *err)
{
    enum { FEW = 8 };
    struct {
        size_t at;
        const json_t *m;
    } seen[FEW];
    size_t n = 0;
    const char *k;
    json_t *m;
    if (!fields) return PQ_OK;
    if (json_object_size(v) > FEW) {
        for (const struct field *f = fields; f->name; f++) {
            const json_t *fm = json_object_get(v, f->name);
            pq_status rc = fm ? check_shape(fm, f->shape, err) : PQ_OK;
            if (rc) return rc;
        }
        return PQ_OK;
    }
    size_t klen;
    json_object_keylen_foreach((json_t *)v, k, klen, m)
    {
        /* A name with a NUL inside is no field's (as json_object_get sees it). */
        for (size_t i = 0; fields[i].name; i++) {
            if (!exec_name_eq(fields[i].name, k, klen)) continue;
            size_t j = n++;
            for (; j > 0 && seen[j - 1].at > i; j--)
                seen[j] = seen[j - 1];
            seen[j].at = i;
            seen[j].m = m;
            break;
        }
    }
    for (size_t j = 0; j < n; j++) {
        pq_status rc = check_shape(seen[j].m, fields[seen[j].at].shape, err);
        if (rc) return rc;
    }
    return PQ_OK;
}

/* Checks `v` against `sh`. The messages are those dynalite recorded from the
 * service's Java deserialiser (reference §1.5); the exact wording the cloud
 * uses today is UNCONFIRMED. A real number where an integer is expected is
 * refused rather than truncated (UNCONFIRMED: the service may truncate). */
static pq_status check_shape(const json_t *v, const struct shape *sh, struct pq_error *err)
{
    if (json_is_null(v)) return PQ_OK;
    const char *type = "SerializationException";
    switch (sh->kind) {
    case K_STRING:
    case K_BOOL:
    case K_INT: {
        bool ok = sh->kind == K_STRING ? json_is_string(v)
                  : sh->kind == K_BOOL ? json_is_boolean(v)
                                       : json_is_integer(v);
        if (ok) return PQ_OK;
        if (json_is_array(v))
            return pq_error_service(err, type, "Unrecognized collection type class java.lang.%s",
                                    sh->java);
        if (json_is_object(v))
            return pq_error_service(err, type,
                                    "Start of structure or map found where not expected");
        return pq_error_service(err, type, "%s cannot be converted to %s", token_name(v), sh->java);
    }
    case K_LIST:
        if (json_is_object(v))
            return pq_error_service(err, type,
                                    "Start of structure or map found where not expected");
        if (!json_is_array(v)) return pq_error_service(err, type, "Unexpected field type");
        for (size_t i = 0; i < json_array_size(v); i++) {
            pq_status rc = check_shape(json_array_get(v, i), sh->elem, err);
            if (rc) return rc;
        }
        return PQ_OK;
    case K_MAP:
    case K_STRUCT:
        if (json_is_array(v))
            return pq_error_service(err, type, "Start of list found where not expected");
        if (!json_is_object(v)) return pq_error_service(err, type, "Unexpected field type");
        if (sh->kind == K_MAP) {
            const char *k;
            json_t *m;
            json_object_foreach((json_t *)v, k, m)
            {
                /* A scalar where an AttributeValue object belongs. */
                if (sh->elem->kind == K_STRUCT && !json_is_null(m) && !json_is_object(m) &&
                    !json_is_array(m))
                    return pq_error_service(err, type, "Unexpected value type in payload");
                pq_status rc = check_shape(m, sh->elem, err);
                if (rc) return rc;
            }
            return PQ_OK;
        }
        return check_members(v, sh->fields, err);
    }
    return PQ_OK;
}

/* ---- dispatch ------------------------------------------------------- */

typedef pq_status (*op_fn)(struct pq_engine *e, json_t *req, json_t **resp, struct pq_error *err);

static const struct op {
    const char *name;
    op_fn fn;
    const struct field *fields;
} ops[] = {
    /* First: the one operation a script of statements calls (find_op). */
    {"ExecuteStatement", exec_execute_statement, F_EXECUTE_STATEMENT},
    {"CreateTable", ddl_create_table, F_CREATE_TABLE},
    {"DescribeTable", ddl_describe_table, F_TABLE_NAME},
    {"ListTables", ddl_list_tables, F_LIST_TABLES},
    {"DeleteTable", ddl_delete_table, F_TABLE_NAME},
    {"UpdateTable", ddl_update_table, F_UPDATE_TABLE},
    {"BatchExecuteStatement", batch_execute_statement, F_BATCH_EXECUTE},
    {"ExecuteTransaction", txn_execute_transaction, F_EXECUTE_TRANSACTION},
    {"PutItem", item_put_item, F_PUT_ITEM},
    {"GetItem", item_get_item, F_GET_ITEM},
    {"DeleteItem", item_delete_item, F_DELETE_ITEM},
    {"BatchWriteItem", bi_batch_write_item, F_BATCH_WRITE_ITEM},
    {"BatchGetItem", bi_batch_get_item, F_BATCH_GET_ITEM},
    {"Query", query_query, F_QUERY},
    {"Scan", query_scan, F_SCAN},
    {"TransactGetItems", tx_transact_get_items, F_TRANSACT_GET_ITEMS},
    {"TransactWriteItems", tx_transact_write_items, F_TRANSACT_WRITE_ITEMS},
    {"UpdateItem", item_update_item, F_UPDATE_ITEM},
    {"UpdateTimeToLive", ttl_update, F_UPDATE_TTL},
    {"DescribeTimeToLive", ttl_describe, F_TABLE_NAME},
    {"TagResource", tags_tag, F_TAG_RESOURCE},
    {"UntagResource", tags_untag, F_UNTAG_RESOURCE},
    {"ListTagsOfResource", tags_list, F_LIST_TAGS},
    {"DescribeLimits", tags_describe_limits, F_NONE},
    {"DescribeEndpoints", tags_describe_endpoints, F_NONE},
    {"DescribeContinuousBackups", account_describe_continuous_backups, F_TABLE_NAME},
    {"UpdateContinuousBackups", account_update_continuous_backups, F_UPDATE_BACKUPS},
    {"DescribeKinesisStreamingDestination", account_describe_kinesis, F_TABLE_NAME},
    {"DescribeContributorInsights", account_describe_contributor_insights, F_TABLE_INDEX},
    {"ListContributorInsights", account_list_contributor_insights, F_LIST_INSIGHTS},
    {"ListBackups", account_list_backups, F_LIST_BACKUPS},
    {"ListGlobalTables", account_list_global_tables, F_LIST_GLOBAL_TABLES},
    {"ListExports", account_list_exports, F_LIST_EXPORTS},
    {"ListImports", account_list_imports, F_LIST_IMPORTS},
    {STREAMS_TARGET "ListStreams", streams_list, F_LIST_STREAMS},
    {STREAMS_TARGET "DescribeStream", streams_describe, F_DESCRIBE_STREAM},
    {STREAMS_TARGET "GetShardIterator", streams_get_shard_iterator, F_GET_SHARD_ITERATOR},
    {STREAMS_TARGET "GetRecords", streams_get_records, F_GET_RECORDS},
};

/* An op whose request carries statements, taking the caller's parses of them. */
typedef pq_status (*op_parsed_fn)(struct pq_engine *e, json_t *req, const struct pq_parsed *parsed,
                                  size_t n, json_t **resp, struct pq_error *err);

static op_parsed_fn parsed_fn(const struct op *o)
{
    if (o->fn == exec_execute_statement) return exec_execute_parsed;
    if (o->fn == batch_execute_statement) return batch_execute_parsed;
    if (o->fn == txn_execute_transaction) return txn_execute_parsed;
    return NULL;
}

/* One call of `op` (NULL: unknown); `parsed` (n entries, or NULL) as
 * pq_engine_call_parsed's. */
static pq_status call_op(struct pq_engine *e, const struct op *o, json_t *request,
                         const struct pq_parsed *parsed, size_t n, json_t **response,
                         struct pq_error *err)
{
    json_t *req = NULL;
    pq_status rc;
    *response = NULL;
    /* The service sends no message with this one (reference §1.5). */
    if (!o) return pq_error_service(err, "UnknownOperationException", "%s", "");

    req = request ? json_incref(request) : json_object();
    struct shape top = {K_STRUCT, NULL, o->fields, NULL};
    if (json_is_null(req)) {
        json_decref(req);
        req = json_object();
    }
    if ((rc = check_shape(req, &top, err))) goto out;

    if ((rc = store_begin(e->store, err))) goto out;
    op_parsed_fn with = parsed ? parsed_fn(o) : NULL;
    rc = with ? with(e, req, parsed, n, response, err) : o->fn(e, req, response, err);
    if (rc == PQ_OK) rc = store_commit(e->store, err);
    if (rc) {
        store_rollback(e->store);
        json_decref(*response);
        *response = NULL;
    }
out:
    json_decref(req);
    return rc;
}

static const struct op *find_op(const char *name)
{
    for (size_t i = 0; name && i < sizeof ops / sizeof ops[0]; i++)
        if (exec_str_eq(ops[i].name, name)) return &ops[i];
    return NULL;
}

pq_status pq_engine_call(struct pq_engine *e, const char *op, json_t *request, json_t **response,
                         struct pq_error *err)
{
    return call_op(e, find_op(op), request, NULL, 0, response, err);
}

pq_status pq_engine_call_parsed(struct pq_engine *e, const char *op, json_t *request,
                                const struct pq_parsed *parsed, size_t n, json_t **response,
                                struct pq_error *err)
{
    const struct op *o = find_op(op);
    pq_status rc = call_op(e, o, request, parsed, n, response, err);
    /* Byte ranges as the text path gives them: in the Statement text. Only
     * ExecuteStatement's errors carry one (a batch's or a transaction's
     * member errors are in messages and slots). */
    size_t base = n && parsed && parsed[0].stmt ? parsed[0].base : 0;
    if (rc && o && o->fn == exec_execute_statement && err->start != PQ_NO_POS) {
        err->start = err->start > base ? err->start - base : 0;
        err->end = err->end > base ? err->end - base : 0;
    }
    return rc;
}

pq_status pq_engine_execute_parsed(struct pq_engine *e, json_t *request, const struct pq_stmt *stmt,
                                   size_t base, json_t **response, struct pq_error *err)
{
    struct pq_parsed one = {stmt, base};
    return pq_engine_call_parsed(e, "ExecuteStatement", request, stmt ? &one : NULL, 1, response,
                                 err);
}

/* ---- pqsh's own operations -------------------------------------------- */

static pq_status admin_clock(struct pq_engine *e, const json_t *req, struct pq_error *err)
{
    const json_t *adv = json_object_get(req, "Advance"), *reset = json_object_get(req, "Reset");
    if (adv && !json_is_number(adv))
        return pq_error_validation(err, "Advance must be a number of seconds");
    if (reset && !json_is_boolean(reset))
        return pq_error_validation(err, "Reset must be true or false");
    if (json_is_true(reset)) pq_engine_clock_reset(e);
    if (adv) pq_engine_clock_advance(e, json_number_value(adv));
    return PQ_OK;
}

pq_status pq_engine_admin(struct pq_engine *e, const char *op, json_t *request, json_t **response,
                          struct pq_error *err)
{
    pq_status rc;
    *response = NULL;
    if (request && !json_is_object(request) && !json_is_null(request))
        return pq_error_service(err, "SerializationException", "%s",
                                "Start of structure or map expected");
    if (op && strcmp(op, "pqsh:Clock") == 0) {
        if ((rc = admin_clock(e, request, err))) return rc;
        *response = json_pack("{s:f, s:f}", "Now", engine_now(e), "Offset", e->clock_offset);
        return PQ_OK;
    }
    if (op && strcmp(op, "pqsh:TtlSweep") == 0) {
        size_t total = 0, n;
        bool done = false;
        /* From the start of a round: whatever a background step left behind
         * is finished first, then one whole round runs. */
        for (int rounds = 0; rounds < 2; rounds += done) {
            if ((rc = pq_engine_ttl_sweep(e, 0, 0, &n, &done, err))) return rc;
            total += n;
        }
        *response = json_pack("{s:I}", "Deleted", (json_int_t)total);
        return PQ_OK;
    }
    return pq_error_service(err, "UnknownOperationException", "%s", "");
}

/* ---- backend -------------------------------------------------------- */

struct engine_backend {
    struct pq_backend base;
    struct pq_engine *engine;
    pthread_mutex_t lock; /* one call at a time: the caller's or the sweeper's */
    struct pq_engine_sweeper *sweeper;
};

static pq_status backend_call(struct pq_backend *b, const char *op, json_t *request,
                              json_t **response, struct pq_error *err)
{
    struct engine_backend *eb = (struct engine_backend *)b;
    pthread_mutex_lock(&eb->lock);
    pq_status st = op && strncmp(op, "pqsh:", 5) == 0
                       ? pq_engine_admin(eb->engine, op, request, response, err)
                       : pq_engine_call(eb->engine, op, request, response, err);
    pthread_mutex_unlock(&eb->lock);
    /* A byte range the engine found points into the request's Statement text,
     * which DynamoDB's wire does not carry: a backend answers as the wire does,
     * so callers see the same error in-process and over HTTP. */
    if (st) err->start = err->end = PQ_NO_POS;
    return st;
}

static pq_status backend_call_parsed(struct pq_backend *b, const char *op, json_t *request,
                                     const struct pq_parsed *parsed, size_t n, json_t **response,
                                     struct pq_error *err)
{
    struct engine_backend *eb = (struct engine_backend *)b;
    if (op && strncmp(op, "pqsh:", 5) == 0) return backend_call(b, op, request, response, err);
    pthread_mutex_lock(&eb->lock);
    pq_status st = pq_engine_call_parsed(eb->engine, op, request, parsed, n, response, err);
    pthread_mutex_unlock(&eb->lock);
    if (st) err->start = err->end = PQ_NO_POS; /* as backend_call */
    return st;
}

static void backend_close(struct pq_backend *b)
{
    struct engine_backend *eb = (struct engine_backend *)b;
    pq_engine_sweeper_stop(eb->sweeper);
    pq_engine_close(eb->engine);
    pthread_mutex_destroy(&eb->lock);
    free(eb);
}

/* sqlite3_interrupt is thread-safe and does nothing when no statement runs. */
static void backend_cancel(struct pq_backend *b)
{
    sqlite3_interrupt(store_db(((struct engine_backend *)b)->engine->store));
}

static const struct pq_backend_ops engine_ops = {backend_call, backend_close, backend_cancel, NULL,
                                                 backend_call_parsed};

pq_status pq_engine_backend_open(const struct pq_engine_options *opt, struct pq_backend **out,
                                 struct pq_error *err)
{
    struct pq_engine *e;
    *out = NULL;
    pq_status rc = pq_engine_open(opt, &e, err);
    if (rc) return rc;
    struct engine_backend *eb = pq_xcalloc(1, sizeof *eb);
    eb->base.ops = &engine_ops;
    eb->base.label = pq_xstrdup("local");
    eb->base.remote = false;
    eb->engine = e;
    pthread_mutex_init(&eb->lock, NULL);
    if (opt->fixed_time <= 0 &&
        (rc = pq_engine_sweeper_start(e, &eb->lock, 0, &eb->sweeper, err))) {
        free(eb->base.label);
        backend_close(&eb->base);
        return rc;
    }
    *out = &eb->base;
    return PQ_OK;
}

/* Frees `label` here; ops->close releases the backend's own state and frees
 * the struct itself. */
void pq_backend_close(struct pq_backend *b)
{
    if (!b) return;
    free(b->label);
    b->label = NULL;
    b->ops->close(b);
}
