#!/usr/bin/env python3
"""boto3's Query and Scan paginators against `pqsh serve`: every page fed back as
ExclusiveStartKey, on a hash-only table, a table with a sort key, an LSI and a GSI.

Usage: query_paginate.py URL. Prints one "ok"/"FAIL" line per check; exits 1 on any failure.
A paginator follows LastEvaluatedKey until it is absent: the pages together
must hold exactly the items a single unpaged request returns, in the same order.
"""
import sys

import boto3
from botocore.config import Config

from serve_check import check, finish

URL = sys.argv[1]
ddb = boto3.client("dynamodb", endpoint_url=URL, region_name="us-east-1",
                   aws_access_key_id="AKIDPQSHTEST", aws_secret_access_key="whatever",
                   config=Config(retries={"max_attempts": 1, "mode": "standard"}))


def pages(op, **kw):
    """Items of every page and the number of pages a paginator walks."""
    items, n = [], 0
    for page in ddb.get_paginator(op).paginate(**kw):
        n += 1
        items.extend(page.get("Items", []))
        if n > 1000:
            break
    return items, n


def same_walk(name, op, page_size, **kw):
    whole = getattr(ddb, op)(**kw)
    got, n = pages(op, PaginationConfig={"PageSize": page_size}, **kw)
    check("%s: pages hold the unpaged items in order" % name, got == whole["Items"],
          (len(got), len(whole["Items"])))
    return got, n


# A hash-only table: the query reads at most one item, and Limit 1 cuts the
# page at it; its LastEvaluatedKey comes back as ExclusiveStartKey.
ddb.create_table(TableName="Tokens", BillingMode="PAY_PER_REQUEST",
                 AttributeDefinitions=[{"AttributeName": "p", "AttributeType": "S"}],
                 KeySchema=[{"AttributeName": "p", "KeyType": "HASH"}])
for i in range(5):
    ddb.put_item(TableName="Tokens", Item={"p": {"S": "t%d" % i}, "n": {"N": str(i)}})
got, n = same_walk("hash-only Query", "query", 1, TableName="Tokens",
                   KeyConditionExpression="p = :p", ExpressionAttributeValues={":p": {"S": "t3"}})
check("hash-only Query: one item, then one empty page", len(got) == 1 and n == 2, (len(got), n))
got, n = same_walk("hash-only Query (legacy KeyConditions)", "query", 1, TableName="Tokens",
                   KeyConditions={"p": {"ComparisonOperator": "EQ",
                                        "AttributeValueList": [{"S": "t3"}]}})
check("hash-only legacy Query: one item", len(got) == 1, len(got))
got, n = same_walk("hash-only Scan", "scan", 2, TableName="Tokens")
check("hash-only Scan: five items over three pages", len(got) == 5 and n == 3, (len(got), n))

# A table with a sort key, an LSI and a GSI (ALL and KEYS_ONLY).
ddb.create_table(
    TableName="Orders", BillingMode="PAY_PER_REQUEST",
    AttributeDefinitions=[{"AttributeName": a, "AttributeType": t} for a, t in
                          (("cust", "S"), ("id", "N"), ("total", "N"), ("status", "S"))],
    KeySchema=[{"AttributeName": "cust", "KeyType": "HASH"}, {"AttributeName": "id", "KeyType": "RANGE"}],
    LocalSecondaryIndexes=[{"IndexName": "byTotal",
                            "KeySchema": [{"AttributeName": "cust", "KeyType": "HASH"},
                                          {"AttributeName": "total", "KeyType": "RANGE"}],
                            "Projection": {"ProjectionType": "ALL"}}],
    GlobalSecondaryIndexes=[{"IndexName": "byStatus",
                             "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"},
                                           {"AttributeName": "total", "KeyType": "RANGE"}],
                             "Projection": {"ProjectionType": "KEYS_ONLY"}},
                            {"IndexName": "byStatusOnly",
                             "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
                             "Projection": {"ProjectionType": "ALL"}}])
for c in ("ann", "bob"):
    for i in range(23):
        # Totals repeat, so index pages are cut between items of equal index key.
        ddb.put_item(TableName="Orders", Item={
            "cust": {"S": c}, "id": {"N": str(i)}, "total": {"N": str(i % 7)},
            "status": {"S": "open" if i % 3 else "shipped"}, "pad": {"S": "x" * 50}})
q = dict(TableName="Orders", KeyConditionExpression="cust = :c",
         ExpressionAttributeValues={":c": {"S": "ann"}})
got, n = same_walk("table Query", "query", 5, **q)
check("table Query: 23 items over 5 pages", len(got) == 23 and n == 5, (len(got), n))
same_walk("table Query, descending, filtered", "query", 4, ScanIndexForward=False,
          FilterExpression="#s = :s", ExpressionAttributeNames={"#s": "status"},
          **dict(q, ExpressionAttributeValues={":c": {"S": "ann"}, ":s": {"S": "open"}}))
got, n = same_walk("LSI Query", "query", 3, IndexName="byTotal", **q)
check("LSI Query: 23 items, sorted by total",
      len(got) == 23 and [int(i["total"]["N"]) for i in got] == sorted(i % 7 for i in range(23)),
      [i["total"]["N"] for i in got])
same_walk("LSI Query, descending", "query", 4, IndexName="byTotal", ScanIndexForward=False, **q)
same_walk("LSI Query, sort-key range", "query", 2, TableName="Orders", IndexName="byTotal",
          KeyConditionExpression="cust = :c AND #t BETWEEN :lo AND :hi",
          ExpressionAttributeNames={"#t": "total"},
          ExpressionAttributeValues={":c": {"S": "bob"}, ":lo": {"N": "2"}, ":hi": {"N": "4"}})
got, n = same_walk("GSI Query", "query", 4, TableName="Orders", IndexName="byStatus",
                   KeyConditionExpression="#s = :s", ExpressionAttributeNames={"#s": "status"},
                   ExpressionAttributeValues={":s": {"S": "shipped"}})
check("GSI Query: both customers' shipped orders", len(got) == 16, len(got))
got, n = same_walk("hash-only GSI Query", "query", 5, TableName="Orders", IndexName="byStatusOnly",
                   KeyConditionExpression="#s = :s", ExpressionAttributeNames={"#s": "status"},
                   ExpressionAttributeValues={":s": {"S": "open"}})
check("hash-only GSI Query: 30 open orders", len(got) == 30, len(got))
got, n = same_walk("legacy GSI Query", "query", 3, TableName="Orders", IndexName="byStatus",
                   KeyConditions={"status": {"ComparisonOperator": "EQ",
                                             "AttributeValueList": [{"S": "shipped"}]},
                                  "total": {"ComparisonOperator": "GE",
                                            "AttributeValueList": [{"N": "3"}]}})
check("legacy GSI Query: shipped orders with total >= 3", len(got) == 8, len(got))
got, n = same_walk("table Scan", "scan", 7, TableName="Orders")
check("table Scan: 46 items", len(got) == 46, len(got))
got, n = same_walk("GSI Scan", "scan", 6, TableName="Orders", IndexName="byStatus")
check("GSI Scan: 46 entries", len(got) == 46, len(got))
finish()
