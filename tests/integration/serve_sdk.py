#!/usr/bin/env python3
"""boto3 against `pqsh serve`: the tutorial, the item API and the table API, as SDK code sees them.

Usage: serve_sdk.py URL. Prints one "ok"/"FAIL" line per check; exits 1 on any failure.
"""
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from serve_check import check, finish

URL = sys.argv[1]


def error_of(fn, **kw):
    """The botocore error (Code, Message, HTTP status, whole response) fn raises, or None."""
    try:
        fn(**kw)
    except ClientError as e:
        return (e.response["Error"]["Code"], e.response["Error"].get("Message", ""),
                e.response["ResponseMetadata"]["HTTPStatusCode"], e.response)
    return None


# No retries: every answer is the server's first one.
ddb = boto3.client("dynamodb", endpoint_url=URL, region_name="us-east-1",
                   aws_access_key_id="AKIDPQSHTEST", aws_secret_access_key="whatever",
                   config=Config(retries={"max_attempts": 1, "mode": "standard"}))

# ---- the tutorial, step by step --------------------------------------------
r = ddb.create_table(TableName="Orders",
                     AttributeDefinitions=[{"AttributeName": "idempotency_token", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "idempotency_token", "KeyType": "HASH"}],
                     BillingMode="PAY_PER_REQUEST")
td = r["TableDescription"]
check("create_table returns the description", td["TableName"] == "Orders"
      and td["KeySchema"] == [{"AttributeName": "idempotency_token", "KeyType": "HASH"}], td)
check("request id header", len(r["ResponseMetadata"]["RequestId"]) == 52, r["ResponseMetadata"])
check("crc32 header present", "x-amz-crc32" in r["ResponseMetadata"]["HTTPHeaders"])

ddb.get_waiter("table_exists").wait(TableName="Orders", WaiterConfig={"Delay": 1, "MaxAttempts": 5})
check("table_exists waiter", True)

insert = ("INSERT INTO Orders VALUE {'idempotency_token': ?, 'order_id': 'order001', "
          "'customer_name': 'Alice', 'order_amount': 100}")
r = ddb.execute_statement(Statement=insert, Parameters=[{"S": "token123"}])
check("INSERT with a parameter", r["Items"] == [], r)

r = ddb.execute_statement(Statement="SELECT * FROM Orders WHERE idempotency_token = ?",
                          Parameters=[{"S": "token123"}])
check("SELECT by key with a parameter", r["Items"] == [{
    "idempotency_token": {"S": "token123"}, "order_id": {"S": "order001"},
    "customer_name": {"S": "Alice"}, "order_amount": {"N": "100"}}], r["Items"])

try:
    ddb.execute_statement(Statement=insert, Parameters=[{"S": "token123"}])
    check("duplicate INSERT raises", False)
except ddb.exceptions.DuplicateItemException as e:
    check("duplicate INSERT raises DuplicateItemException",
          e.response["Error"]["Message"] == "Duplicate primary key exists in table"
          and e.response["ResponseMetadata"]["HTTPStatusCode"] == 400, e.response)

r = ddb.execute_statement(Statement="SELECT * FROM Orders WHERE idempotency_token = ?",
                          Parameters=[{"S": "token999"}])
check("unknown token finds nothing", r["Items"] == [], r)

r = ddb.describe_table(TableName="Orders")["Table"]
check("describe_table", r["TableName"] == "Orders" and r["ItemCount"] == 1
      and r["AttributeDefinitions"] == [{"AttributeName": "idempotency_token", "AttributeType": "S"}], r)
check("list_tables", ddb.list_tables()["TableNames"] == ["Orders"])

e = error_of(ddb.describe_table, TableName="Nope")
check("describe a missing table", e and e[0] == "ResourceNotFoundException"
      and e[1] == "Requested resource not found: Table: Nope not found" and e[2] == 400, e)
e = error_of(ddb.create_table, TableName="Orders",
             AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
             KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
check("create an existing table", e and e[0] == "ResourceInUseException", e)
e = error_of(ddb.execute_statement, Statement="SELEC * FROM Orders")
check("syntax error", e and e[0] == "ValidationException"
      and e[1].startswith("Statement wasn't well formed"), e)

# ---- the idempotency pattern with put_item ----------------------------------
order = {"idempotency_token": {"S": "tok-42"}, "order_id": {"S": "order042"},
         "order_amount": {"N": "250.50"}}
r = ddb.put_item(TableName="Orders", Item=order,
                 ConditionExpression="attribute_not_exists(idempotency_token)")
check("first put_item with attribute_not_exists", "Attributes" not in r, r)
try:
    ddb.put_item(TableName="Orders", Item=dict(order, order_id={"S": "order043"}),
                 ConditionExpression="attribute_not_exists(idempotency_token)")
    check("second order refused", False)
except ddb.exceptions.ConditionalCheckFailedException as e:
    check("second order refused with ConditionalCheckFailedException",
          e.response["Error"]["Message"] == "The conditional request failed", e.response)
r = ddb.get_item(TableName="Orders", Key={"idempotency_token": {"S": "tok-42"}}, ConsistentRead=True)
check("get_item sees the first order only", r["Item"] == dict(order, order_amount={"N": "250.5"}), r)

e = error_of(ddb.put_item, TableName="Orders", Item=order,
             ConditionExpression="attribute_not_exists(#t)", ExpressionAttributeNames={"#t": "idempotency_token"},
             ReturnValuesOnConditionCheckFailure="ALL_OLD")
check("refusal with ExpressionAttributeNames returns the old item",
      e and e[0] == "ConditionalCheckFailedException" and e[3].get("Item", {}).get("order_id") == {"S": "order042"}, e)

r = ddb.put_item(TableName="Orders", Item=dict(order, order_amount={"N": "7"}), ReturnValues="ALL_OLD",
                 ConditionExpression="attribute_exists(idempotency_token) AND order_amount > :min",
                 ExpressionAttributeValues={":min": {"N": "100"}})
check("put_item ReturnValues ALL_OLD", r["Attributes"]["order_amount"] == {"N": "250.5"}, r)
r = ddb.get_item(TableName="Orders", Key={"idempotency_token": {"S": "tok-42"}},
                 ProjectionExpression="#o, order_amount", ExpressionAttributeNames={"#o": "order_id"})
check("get_item projection", r["Item"] == {"order_id": {"S": "order042"}, "order_amount": {"N": "7"}}, r)
r = ddb.get_item(TableName="Orders", Key={"idempotency_token": {"S": "nope"}})
check("get_item of a missing item has no Item", "Item" not in r, r)

e = error_of(ddb.put_item, TableName="Orders", Item={"order_id": {"S": "x"}})
check("put_item without the key", e and e[1] ==
      "One or more parameter values were invalid: Missing the key idempotency_token in the item", e)
e = error_of(ddb.put_item, TableName="Orders", Item={"idempotency_token": {"N": "1"}})
check("put_item with a key of the wrong type", e and e[1] ==
      "One or more parameter values were invalid: Type mismatch for key idempotency_token expected: S actual: N", e)
e = error_of(ddb.get_item, TableName="Orders", Key={"order_id": {"S": "x"}})
check("get_item with a wrong key", e and e[1] == "The provided key element does not match the schema", e)
e = error_of(ddb.put_item, TableName="Orders", Item=order, ReturnValues="ALL_NEW")
check("put_item ReturnValues ALL_NEW", e and e[1] == "Return values set to invalid value", e)
e = error_of(ddb.put_item, TableName="Missing", Item=order)
check("put_item on a missing table", e and e[0] == "ResourceNotFoundException"
      and e[1] == "Requested resource not found", e)
e = error_of(ddb.put_item, TableName="Orders", Item=order, ConditionExpression="attribute_exists(a)",
             ExpressionAttributeNames={"#unused": "x"})
check("unused ExpressionAttributeNames", e and e[1] ==
      "1 validation error detected: "
      "Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}", e)

r = ddb.delete_item(TableName="Orders", Key={"idempotency_token": {"S": "tok-42"}}, ReturnValues="ALL_OLD")
check("delete_item returns the old item", r["Attributes"]["order_id"] == {"S": "order042"}, r)
r = ddb.delete_item(TableName="Orders", Key={"idempotency_token": {"S": "tok-42"}})
check("delete_item of a missing item succeeds", "Attributes" not in r, r)
e = error_of(ddb.delete_item, TableName="Orders", Key={"idempotency_token": {"S": "token123"}},
             ConditionExpression="order_amount = :n", ExpressionAttributeValues={":n": {"N": "1"}})
check("delete_item with a false condition", e and e[0] == "ConditionalCheckFailedException", e)

# ---- operations the engine lacks -------------------------------------------
e = error_of(ddb.create_backup, TableName="Music", BackupName="backup1")
check("an unimplemented operation is named", e and e[0] == "UnknownOperationException"
      and "CreateBackup" in e[1], e)

# ---- CreateTable shapes SDK code uses ---------------------------------------
r = ddb.create_table(
    TableName="Music",
    AttributeDefinitions=[{"AttributeName": a, "AttributeType": t} for a, t in
                          [("Artist", "S"), ("SongTitle", "S"), ("Year", "N"), ("Genre", "S"),
                           ("Hash", "B"), ("Plays", "N")]],
    KeySchema=[{"AttributeName": "Artist", "KeyType": "HASH"},
               {"AttributeName": "SongTitle", "KeyType": "RANGE"}],
    LocalSecondaryIndexes=[
        {"IndexName": "ByYear", "KeySchema": [{"AttributeName": "Artist", "KeyType": "HASH"},
                                              {"AttributeName": "Year", "KeyType": "RANGE"}],
         "Projection": {"ProjectionType": "KEYS_ONLY"}},
        {"IndexName": "ByHash", "KeySchema": [{"AttributeName": "Artist", "KeyType": "HASH"},
                                              {"AttributeName": "Hash", "KeyType": "RANGE"}],
         "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["Album"]}}],
    GlobalSecondaryIndexes=[
        {"IndexName": "ByGenre", "KeySchema": [{"AttributeName": "Genre", "KeyType": "HASH"},
                                               {"AttributeName": "Year", "KeyType": "RANGE"}],
         "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["Album", "Label"]},
         "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}},
        {"IndexName": "ByPlays", "KeySchema": [{"AttributeName": "Plays", "KeyType": "HASH"}],
         "Projection": {"ProjectionType": "ALL"},
         "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}],
    BillingMode="PROVISIONED",
    ProvisionedThroughput={"ReadCapacityUnits": 10, "WriteCapacityUnits": 5})
td = r["TableDescription"]
check("CreateTable with 2 LSIs, 2 GSIs, INCLUDE, S/N/B keys, PROVISIONED",
      sorted(i["IndexName"] for i in td.get("GlobalSecondaryIndexes", [])) == ["ByGenre", "ByPlays"]
      and sorted(i["IndexName"] for i in td.get("LocalSecondaryIndexes", [])) == ["ByHash", "ByYear"]
      and td["ProvisionedThroughput"]["ReadCapacityUnits"] == 10, td)
ddb.put_item(TableName="Music", Item={"Artist": {"S": "A"}, "SongTitle": {"S": "S"}, "Year": {"N": "1999"},
                                     "Genre": {"S": "Pop"}, "Hash": {"B": b"\x00\xff"}, "Album": {"S": "X"}})
r = ddb.execute_statement(Statement='SELECT Album FROM "Music"."ByGenre" WHERE Genre = ?',
                          Parameters=[{"S": "Pop"}])
check("a put item is visible through a GSI", r["Items"] == [{"Album": {"S": "X"}}], r)
r = ddb.get_item(TableName="Music", Key={"Artist": {"S": "A"}, "SongTitle": {"S": "S"}})
check("binary values round-trip", r["Item"]["Hash"] == {"B": b"\x00\xff"}, r)

# ---- ListTables pages by name ------------------------------------------------
for i in range(7):
    ddb.create_table(TableName="page%02d" % i,
                     AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "N"}],
                     KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
r = ddb.list_tables(Limit=3)
check("ListTables first page", r["TableNames"] == ["Music", "Orders", "page00"]
      and r.get("LastEvaluatedTableName") == "page00", r)
r = ddb.list_tables(Limit=3, ExclusiveStartTableName="page00")
check("ListTables next page", r["TableNames"] == ["page01", "page02", "page03"], r)
names = [n for page in ddb.get_paginator("list_tables").paginate(PaginationConfig={"PageSize": 2})
         for n in page["TableNames"]]
check("ListTables paginator", names == ["Music", "Orders"] + ["page%02d" % i for i in range(7)], names)

# ---- delete --------------------------------------------------------------------
r = ddb.delete_table(TableName="Orders")
check("delete_table", r["TableDescription"]["TableName"] == "Orders")
e = error_of(ddb.describe_table, TableName="Orders")
check("deleted table is gone", e and e[0] == "ResourceNotFoundException", e)

finish()
