#!/usr/bin/env python3
"""boto3's high-level layer against `pqsh serve`: the Table resource, conditions, batch_writer, paginators, waiters.

Usage: boto3_resource.py URL. Prints one "ok"/"FAIL" line per check; exits 1 on any failure.
Expected values are DynamoDB's documented behaviour as boto3 presents it (Decimal numbers,
Binary, Python sets, the error response members boto3 exposes).
"""
import datetime
import os
import sys
from decimal import Decimal

import boto3
from boto3.dynamodb.conditions import Attr, Key
from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer
from botocore.config import Config
from botocore.exceptions import ClientError

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from serve_check import check, finish  # noqa: E402

URL = sys.argv[1]
ARGS = dict(endpoint_url=URL, region_name="us-east-1", aws_access_key_id="AKIDPQSHTEST",
            aws_secret_access_key="whatever")
# Standard retries (3 attempts): a non-retryable error must come back after one.
CFG = Config(retries={"max_attempts": 3, "mode": "standard"})
res = boto3.resource("dynamodb", config=CFG, **ARGS)
low = boto3.client("dynamodb", config=CFG, **ARGS)  # plain wire-format client

# Every request the resource's client sends, by operation (for batch_writer).
sent = []
res.meta.client.meta.events.register(
    "before-parameter-build.dynamodb", lambda model, params, **kw: sent.append((model.name, params)))
# The raw body of each answer of the low-level client (for __type).
raw = {}
low.meta.events.register("before-parse.dynamodb",
                         lambda response_dict, **kw: raw.update(body=response_dict["body"]))


def error_of(fn, **kw):
    """(Code, Message, whole response) of the ClientError fn raises, or None."""
    try:
        fn(**kw)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"], e.response
    return None


# ---- create_table, the waiter, every attribute the Table resource reads ------
table = res.create_table(
    TableName="Music",
    KeySchema=[{"AttributeName": "artist", "KeyType": "HASH"},
               {"AttributeName": "song", "KeyType": "RANGE"}],
    AttributeDefinitions=[{"AttributeName": "artist", "AttributeType": "S"},
                          {"AttributeName": "song", "AttributeType": "N"},
                          {"AttributeName": "genre", "AttributeType": "S"},
                          {"AttributeName": "plays", "AttributeType": "N"}],
    GlobalSecondaryIndexes=[{"IndexName": "byGenre",
                             "KeySchema": [{"AttributeName": "genre", "KeyType": "HASH"},
                                           {"AttributeName": "song", "KeyType": "RANGE"}],
                             "Projection": {"ProjectionType": "KEYS_ONLY"}}],
    LocalSecondaryIndexes=[{"IndexName": "byPlays",
                            "KeySchema": [{"AttributeName": "artist", "KeyType": "HASH"},
                                          {"AttributeName": "plays", "KeyType": "RANGE"}],
                            "Projection": {"ProjectionType": "ALL"}}],
    BillingMode="PAY_PER_REQUEST",
    StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
check("create_table answers CREATING", table.table_status == "CREATING", table.table_status)
table.wait_until_exists()
table.reload()
check("after the waiter: ACTIVE", table.table_status == "ACTIVE", table.table_status)
check("key_schema", table.key_schema == [{"AttributeName": "artist", "KeyType": "HASH"},
                                         {"AttributeName": "song", "KeyType": "RANGE"}], table.key_schema)
check("attribute_definitions", table.attribute_definitions == [
    {"AttributeName": "artist", "AttributeType": "S"}, {"AttributeName": "song", "AttributeType": "N"},
    {"AttributeName": "genre", "AttributeType": "S"}, {"AttributeName": "plays", "AttributeType": "N"}],
    table.attribute_definitions)
check("item_count and table_size_bytes of a new table",
      table.item_count == 0 and table.table_size_bytes == 0, (table.item_count, table.table_size_bytes))
check("creation_date_time is a recent datetime",
      isinstance(table.creation_date_time, datetime.datetime)
      and abs((datetime.datetime.now(datetime.timezone.utc) - table.creation_date_time).total_seconds()) < 600,
      table.creation_date_time)
check("billing_mode_summary", table.billing_mode_summary["BillingMode"] == "PAY_PER_REQUEST",
      table.billing_mode_summary)
check("provisioned_throughput of on-demand is zeros", table.provisioned_throughput == {
    "NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0, "WriteCapacityUnits": 0}, table.provisioned_throughput)
gsi = table.global_secondary_indexes
check("global_secondary_indexes", len(gsi) == 1 and gsi[0]["IndexName"] == "byGenre"
      and gsi[0]["IndexStatus"] == "ACTIVE" and gsi[0]["Projection"] == {"ProjectionType": "KEYS_ONLY"}
      and gsi[0]["IndexArn"] == table.table_arn + "/index/byGenre", gsi)
lsi = table.local_secondary_indexes
check("local_secondary_indexes", len(lsi) == 1 and lsi[0]["IndexName"] == "byPlays"
      and lsi[0]["IndexArn"] == table.table_arn + "/index/byPlays" and "IndexStatus" not in lsi[0], lsi)
check("table_arn", table.table_arn.startswith("arn:aws:dynamodb:")
      and table.table_arn.endswith(":table/Music"), table.table_arn)
check("stream: latest_stream_arn is the table's ARN, /stream/, the label",
      table.latest_stream_arn == table.table_arn + "/stream/" + table.latest_stream_label
      and table.stream_specification == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
      (table.latest_stream_arn, table.stream_specification))
check("deletion_protection_enabled", table.deletion_protection_enabled is False)

# ---- every value type through put_item/get_item -----------------------------
BIG = Decimal("1234567890123456789012345678901234567.8")  # 38 significant digits
ITEM = {"artist": "Ann", "song": 1, "genre": "jazz", "plays": 10,
        "big": BIG, "tiny": Decimal("-1E-130"), "huge": Decimal("9.9999999999999999999999999999999999999E+37"),
        "bin": Binary(b"\x00\xff"), "raw": b"bytes", "empty_s": "", "empty_b": Binary(b""),
        "tags": {"a", "b"}, "nums": {Decimal(1), Decimal("2.5")}, "bins": {Binary(b"x"), Binary(b"y")},
        "list": [1, "two", None, True, [], {}], "map": {"k": {"deep": [Decimal("0.5")]}},
        "nothing": None, "flag": False, "title": "hello world"}
table.put_item(Item=ITEM)
got = table.get_item(Key={"artist": "Ann", "song": 1}, ConsistentRead=True)["Item"]
want = dict(ITEM, song=Decimal(1), plays=Decimal(10), raw=Binary(b"bytes"),
            list=[Decimal(1), "two", None, True, [], {}])
check("every type round-trips (Decimal, Binary, sets, nesting, NULL, empties)", got == want, got)
check("38 significant digits kept exactly", got["big"] == BIG and str(got["big"]) == str(BIG), got["big"])
check("numbers come back as Decimal", type(got["song"]) is Decimal and type(got["plays"]) is Decimal)
check("binary comes back as Binary", isinstance(got["bin"], Binary) and got["bin"].value == b"\x00\xff")
e = error_of(table.put_item, Item={"artist": "Ann", "song": 2, "empty": set()})
check("an empty set is refused",
      e and e[0] == "ValidationException" and "number set  may not be empty" in e[1], e)
check("get_item of a missing key has no Item",
      "Item" not in table.get_item(Key={"artist": "Ann", "song": 99}))
got = table.get_item(Key={"artist": "Ann", "song": 1}, ProjectionExpression="#m.k.deep[0], tags, #l[1]",
                     ExpressionAttributeNames={"#m": "map", "#l": "list"})["Item"]
check("ProjectionExpression with nested paths",
      got == {"map": {"k": {"deep": [Decimal("0.5")]}}, "tags": {"a", "b"}, "list": ["two"]}, got)

# Any Unicode text, U+0000 and characters beyond the BMP included (botocore
# sends them escaped, "\u0000" and surrogate pairs); keys sort by UTF-8 bytes.
TEXT = "h\u00e9llo \U0001F600 \u0000 end"
table.put_item(Item={"artist": "\u00e9\u0000", "song": 1, "text": TEXT, "set": {"\u0000", "\U0001F600"}})
got = table.get_item(Key={"artist": "\u00e9\u0000", "song": 1})["Item"]
check("strings with U+0000 and an emoji round-trip",
      got == {"artist": "\u00e9\u0000", "song": 1, "text": TEXT, "set": {"\u0000", "\U0001F600"}}, got)
r = table.scan(FilterExpression=Attr("text").size().eq(len(TEXT.encode("utf-8"))) & Attr("set").contains("\u0000"))
check("size() of a string counts UTF-8 bytes; contains() finds a NUL",
      [i["artist"] for i in r["Items"]] == ["\u00e9\u0000"], r["Items"])
table.delete_item(Key={"artist": "\u00e9\u0000", "song": 1})

# ---- boto3.dynamodb.conditions: every operator, true and false ---------------
KEY = {"artist": "Ann", "song": 1}


def holds(cond):
    """Whether DynamoDB finds cond true on ITEM: a conditional update that changes nothing."""
    try:
        table.update_item(Key=KEY, UpdateExpression="SET plays = plays", ConditionExpression=cond)
        return True
    except ClientError as err:
        if err.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        return False


CONDITIONS = [
    ("eq", Attr("title").eq("hello world"), Attr("title").eq("hello")),
    ("ne", Attr("title").ne("x"), Attr("title").ne("hello world")),
    ("lt", Attr("plays").lt(11), Attr("plays").lt(10)),
    ("lte", Attr("plays").lte(10), Attr("plays").lte(9)),
    ("gt", Attr("big").gt(Decimal("1234567890123456789012345678901234567.7")), Attr("big").gt(BIG)),
    ("gte", Attr("big").gte(BIG), Attr("tiny").gte(0)),
    ("between", Attr("plays").between(10, 20), Attr("plays").between(11, 20)),
    ("between strings", Attr("title").between("h", "i"), Attr("title").between("i", "j")),
    ("begins_with", Attr("title").begins_with("hell"), Attr("title").begins_with("world")),
    ("begins_with binary", Attr("bin").begins_with(Binary(b"\x00")), Attr("bin").begins_with(Binary(b"\xff"))),
    ("is_in", Attr("genre").is_in(["rock", "jazz"]), Attr("genre").is_in(["rock", "pop"])),
    ("exists", Attr("map.k.deep[0]").exists(), Attr("map.k.deep[1]").exists()),
    ("not_exists", Attr("missing").not_exists(), Attr("nothing").not_exists()),
    ("contains in a string set", Attr("tags").contains("a"), Attr("tags").contains("c")),
    ("contains in a list", Attr("list").contains("two"), Attr("list").contains("three")),
    ("contains in a string", Attr("title").contains("lo w"), Attr("title").contains("low")),
    ("size of a list", Attr("list").size().eq(6), Attr("list").size().eq(5)),
    ("size of a string", Attr("title").size().gt(10), Attr("title").size().gt(11)),
    ("size of a binary", Attr("bin").size().eq(2), Attr("bin").size().lt(2)),
    ("attribute_type NULL", Attr("nothing").attribute_type("NULL"), Attr("flag").attribute_type("NULL")),
    ("attribute_type BS", Attr("bins").attribute_type("BS"), Attr("bins").attribute_type("SS")),
    ("&", Attr("title").exists() & Attr("flag").eq(False), Attr("title").exists() & Attr("flag").eq(True)),
    ("|", Attr("missing").exists() | Attr("flag").eq(False), Attr("missing").exists() | Attr("flag").eq(True)),
    ("~", ~Attr("missing").exists(), ~Attr("title").exists()),
    ("nested & | ~", (Attr("plays").gt(5) | Attr("x").exists()) & ~Attr("genre").eq("rock"),
     (Attr("plays").gt(50) | Attr("x").exists()) & ~Attr("genre").eq("rock")),
]
for name, yes, no in CONDITIONS:
    check("condition %s: true, then false" % name, holds(yes) is True and holds(no) is False, name)
e = error_of(table.put_item, Item=KEY, ConditionExpression=Attr("nothing").attribute_type("XX"))
check("attribute_type with an unknown type",
      e and e[0] == "ValidationException" and e[1] == "1 validation error detected: "
      "Invalid ConditionExpression: Invalid attribute type "
      "name found; type: XX, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}", e)
e = error_of(table.query, KeyConditionExpression=Key("artist").eq("Ann") & Key("song").begins_with(1))
check("Key begins_with a number is refused",
      e and e[0] == "ValidationException" and e[1] == "Invalid KeyConditionExpression: Incorrect operand type "
      "for operator or function; operator or function: begins_with, operand type: N", e)

# ConditionalCheckFailedException with ReturnValuesOnConditionCheckFailure=ALL_OLD:
# boto3 exposes the old item, still in wire format, as e.response['Item'].
try:
    table.put_item(Item={"artist": "Ann", "song": 1}, ConditionExpression=Attr("plays").eq(0),
                   ReturnValuesOnConditionCheckFailure="ALL_OLD")
    check("ALL_OLD on a failed condition raises", False)
except table.meta.client.exceptions.ConditionalCheckFailedException as err:
    item = err.response.get("Item")
    check("ConditionalCheckFailedException carries the old item (wire format)",
          item is not None and item["plays"] == {"N": "10"} and item["big"] == {"N": str(BIG)}
          and TypeDeserializer().deserialize({"M": item}) == want, item)
    check("… and its message", err.response["Error"]["Message"] == "The conditional request failed")
e = error_of(table.delete_item, Key=KEY, ConditionExpression=Attr("plays").eq(0))
check("without ReturnValuesOnConditionCheckFailure: no Item",
      e and e[0] == "ConditionalCheckFailedException" and "Item" not in e[2], e)

# ---- update_item / delete_item -------------------------------------------------
r = table.update_item(
    Key=KEY, UpdateExpression="SET #c = if_not_exists(#c, :z) + :one, #l = list_append(#l, :more) "
    "REMOVE nothing ADD tags :t DELETE nums :n",
    ExpressionAttributeNames={"#c": "count", "#l": "list"},
    ExpressionAttributeValues={":z": 0, ":one": 1, ":more": ["x"], ":t": {"c"}, ":n": {Decimal("2.5")}},
    ConditionExpression=Attr("genre").eq("jazz"), ReturnValues="UPDATED_NEW")
check("update_item UPDATED_NEW", r["Attributes"] == {
    "count": 1, "list": [1, "two", None, True, [], {}, "x"], "tags": {"a", "b", "c"}, "nums": {1}},
    r["Attributes"])
r = table.update_item(Key=KEY, UpdateExpression="ADD #c :d", ExpressionAttributeNames={"#c": "count"},
                      ExpressionAttributeValues={":d": Decimal("0.25")}, ReturnValues="UPDATED_OLD")
check("update_item UPDATED_OLD", r["Attributes"] == {"count": 1}, r)
r = table.update_item(Key=KEY, UpdateExpression="SET plays = plays + :d",
                      ExpressionAttributeValues={":d": 1}, ReturnValues="ALL_NEW")
check("update_item ALL_NEW", r["Attributes"]["plays"] == 11 and r["Attributes"]["count"] == Decimal("1.25")
      and "nothing" not in r["Attributes"], r)
r = table.update_item(Key={"artist": "Bob", "song": 7}, UpdateExpression="SET genre = :g",
                      ExpressionAttributeValues={":g": "rock"}, ReturnValues="ALL_OLD")
check("update_item creating an item: ALL_OLD has no Attributes", "Attributes" not in r, r)
e = error_of(table.update_item, Key=KEY, UpdateExpression="SET song = :s", ExpressionAttributeValues={":s": 2})
check("updating a key attribute is refused", e and e[1] == "One or more parameter values were invalid: "
      "Cannot update attribute song. This attribute is part of the key", e)
r = table.delete_item(Key={"artist": "Bob", "song": 7}, ReturnValues="ALL_OLD",
                      ConditionExpression=Attr("genre").eq("rock"))
check("delete_item ALL_OLD", r["Attributes"] == {"artist": "Bob", "song": 7, "genre": "rock"}, r)
r = table.delete_item(Key={"artist": "Bob", "song": 7}, ReturnValues="ALL_OLD")
check("deleting a missing item: no Attributes", "Attributes" not in r, r)

# ---- batch_writer ----------------------------------------------------------------
sent.clear()
with table.batch_writer(overwrite_by_pkeys=["artist", "song"]) as bw:
    for i in range(60):
        bw.put_item(Item={"artist": "Cat", "song": i, "genre": "pop" if i % 3 else "rock", "plays": i})
    bw.put_item(Item={"artist": "Cat", "song": 59, "genre": "pop", "plays": 1000})   # replaces the 59 above
    bw.delete_item(Key={"artist": "Cat", "song": 58})
batches = [p for op, p in sent if op == "BatchWriteItem"]
sizes = [len(p["RequestItems"]["Music"]) for p in batches]
check("batch_writer: 25-item batches, the rest flushed on exit", sizes == [25, 25, 10], sizes)
check("overwrite_by_pkeys: the last put of a key wins",
      table.get_item(Key={"artist": "Cat", "song": 59})["Item"]["plays"] == 1000)
check("batch_writer delete", "Item" not in table.get_item(Key={"artist": "Cat", "song": 58}))
r = low.batch_write_item(RequestItems={"Music": [
    {"PutRequest": {"Item": {"artist": {"S": "Dan"}, "song": {"N": "1"}}}},
    {"DeleteRequest": {"Key": {"artist": {"S": "Dan"}, "song": {"N": "2"}}}}]})
check("BatchWriteItem answers UnprocessedItems {} (batch_writer reads it to retry)",
      r.get("UnprocessedItems") == {}, r)
r = res.batch_get_item(RequestItems={"Music": {"Keys": [{"artist": "Cat", "song": 1}, {"artist": "Zed", "song": 1}],
                                               "ProjectionExpression": "plays"}})
check("batch_get_item through the resource", r["Responses"] == {"Music": [{"plays": 1}]}
      and r["UnprocessedKeys"] == {}, r)

# ---- query / scan loops on LastEvaluatedKey ---------------------------------------
def drain(fn, **kw):
    items, pages = [], 0
    while True:
        page = fn(**kw)
        items += page["Items"]
        pages += 1
        if "LastEvaluatedKey" not in page:
            return items, pages
        kw["ExclusiveStartKey"] = page["LastEvaluatedKey"]


items, pages = drain(table.query, KeyConditionExpression=Key("artist").eq("Cat") & Key("song").between(10, 49),
                     Limit=7)
check("query loop: 40 items in 6 pages, in order",
      [i["song"] for i in items] == list(range(10, 50)) and pages == 6, ([i["song"] for i in items], pages))
items, _ = drain(table.query, KeyConditionExpression=Key("artist").eq("Cat") & Key("song").gte(50),
                 ScanIndexForward=False, ProjectionExpression="song")
check("query descending, projected", items == [{"song": s} for s in (59, 57, 56, 55, 54, 53, 52, 51, 50)], items)
items, pages = drain(table.query, KeyConditionExpression=Key("artist").eq("Cat"),
                     FilterExpression=Attr("genre").eq("rock"), Limit=10)
check("query with a filter: Limit counts before the filter",
      [i["song"] for i in items] == list(range(0, 58, 3)) and pages == 6, ([i["song"] for i in items], pages))
items, _ = drain(table.query, IndexName="byGenre", KeyConditionExpression=Key("genre").eq("rock") & Key("song").lt(10),
                 Limit=2)
check("GSI query (KEYS_ONLY) loop", items == [{"genre": "rock", "song": s, "artist": "Cat"} for s in (0, 3, 6, 9)],
      items)
items, _ = drain(table.query, IndexName="byPlays", KeyConditionExpression=Key("artist").eq("Cat") & Key("plays").gt(56),
                 Limit=1)
check("LSI query in plays order", [i["plays"] for i in items] == [57, 1000], items)
items, pages = drain(table.scan, FilterExpression=Attr("artist").eq("Cat") & Attr("plays").lt(30), Limit=9)
check("scan loop with a filter", sorted(i["song"] for i in items) == list(range(30)), len(items))
seg = [drain(table.scan, Segment=s, TotalSegments=3, ProjectionExpression="artist, song")[0] for s in range(3)]
everything, _ = drain(table.scan, ProjectionExpression="artist, song")
keys = sorted((i["artist"], i["song"]) for part in seg for i in part)
check("parallel scan: 3 segments are the whole table, once", keys == sorted(
    (i["artist"], i["song"]) for i in everything) and len(keys) == 61, len(keys))
r = table.scan(Select="COUNT", FilterExpression=Attr("genre").eq("rock"))
check("scan Select=COUNT", r["Count"] == 20 and r["ScannedCount"] == 61 and "Items" not in r, r)

# ---- meta.client paginators (wire-format params on a plain client) -------------------
qp = low.get_paginator("query")
base = dict(TableName="Music", KeyConditionExpression="artist = :a", ExpressionAttributeValues={":a": {"S": "Cat"}})
pages = list(qp.paginate(**base, PaginationConfig={"PageSize": 10}))
check("query paginator: PageSize 10 over 59 items",
      [len(p["Items"]) for p in pages] == [10, 10, 10, 10, 10, 9], [len(p["Items"]) for p in pages])
first = qp.paginate(**base, PaginationConfig={"PageSize": 10, "MaxItems": 25}).build_full_result()
rest = qp.paginate(**base, PaginationConfig={"PageSize": 10, "StartingToken": first["NextToken"]}).build_full_result()
songs = [int(i["song"]["N"]) for i in first["Items"] + rest["Items"]]
check("query paginator: MaxItems then StartingToken resumes exactly", len(first["Items"]) == 25
      and songs == [s for s in range(60) if s != 58] and "NextToken" not in rest, songs)
full = low.get_paginator("scan").paginate(TableName="Music", PaginationConfig={"PageSize": 7}).build_full_result()
check("scan paginator", full["Count"] == 61 and len(full["Items"]) == 61, full["Count"])
for name in ("Extra1", "Extra2", "Extra3", "Extra4"):
    low.create_table(TableName=name, KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
lt = list(low.get_paginator("list_tables").paginate(PaginationConfig={"PageSize": 2}))
check("list_tables paginator", [p["TableNames"] for p in lt] == [["Extra1", "Extra2"], ["Extra3", "Extra4"], ["Music"]],
      [p["TableNames"] for p in lt])
lt = low.get_paginator("list_tables").paginate(PaginationConfig={"MaxItems": 3}).build_full_result()
lt2 = low.get_paginator("list_tables").paginate(PaginationConfig={"StartingToken": lt["NextToken"]}).build_full_result()
check("list_tables MaxItems + StartingToken", lt["TableNames"] == ["Extra1", "Extra2", "Extra3"]
      and lt2["TableNames"] == ["Extra4", "Music"], (lt, lt2))
check("tables() collection", sorted(t.name for t in res.tables.all()) ==
      ["Extra1", "Extra2", "Extra3", "Extra4", "Music"])

# ---- TypeSerializer / TypeDeserializer through the low-level client ----------------
ser, de = TypeSerializer(), TypeDeserializer()
value = {"artist": "Eve", "song": Decimal(3), "d": Decimal("-0.000000000000000000000000000000000000012"),
         "b": Binary(b"\x01"), "l": [{"n": None}], "ss": {"x", "y"}, "ns": {Decimal("1E+10"), Decimal(-1)},
         "bs": {Binary(b"a")}, "t": True, "m": {}, "e": ""}
wire = {k: ser.serialize(v) for k, v in value.items()}
low.put_item(TableName="Music", Item=wire)
back = low.get_item(TableName="Music", Key={"artist": {"S": "Eve"}, "song": {"N": "3"}})["Item"]
check("TypeSerializer → server → TypeDeserializer round trip",
      {k: de.deserialize(v) for k, v in back.items()} == value, back)
check("numbers keep their digits on the wire", back["d"] == {"N": "-0.000000000000000000000000000000000000012"}
      and sorted(back["ns"]["NS"]) == ["-1", "10000000000"], back)

# ---- errors as libraries see them -------------------------------------------------------
def wire_error(fn, **kw):
    """(__type, Code, RetryAttempts, response) of a low-level call that fails."""
    try:
        fn(**kw)
    except ClientError as err:
        import json
        body = json.loads(raw["body"])
        return body.get("__type"), err.response["Error"]["Code"], err.response["ResponseMetadata"]["RetryAttempts"], err.response
    return None


DDB = "com.amazonaws.dynamodb.v20120810#"
cases = [
    ("ResourceNotFoundException", DDB, low.get_item, dict(TableName="Nope", Key={"k": {"S": "x"}})),
    ("ConditionalCheckFailedException", DDB, low.put_item,
     dict(TableName="Music", Item={"artist": {"S": "Eve"}, "song": {"N": "3"}}, ConditionExpression="attribute_not_exists(artist)")),
    ("ResourceInUseException", DDB, low.create_table,
     dict(TableName="Music", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
          AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")),
    ("ValidationException", "com.amazon.coral.validate#", low.get_item,
     dict(TableName="Music", Key={"artist": {"S": "Eve"}})),
]
for code, prefix, fn, kw in cases:
    got = wire_error(fn, **kw)
    check("%s: __type %s…, not retried" % (code, prefix),
          got and got[0] == prefix + code and got[1] == code and got[2] == 0, got and got[:3])
check("modeled exception classes match",
      isinstance(error_of(low.describe_table, TableName="Nope"), tuple)
      and issubclass(low.exceptions.ResourceNotFoundException, ClientError))
try:
    low.describe_table(TableName="Nope")
except low.exceptions.ResourceNotFoundException as err:
    check("describe_table of a missing table", err.response["Error"]["Message"]
          == "Requested resource not found: Table: Nope not found", err.response["Error"])

try:
    low.transact_write_items(TransactItems=[
        {"Put": {"TableName": "Music", "Item": {"artist": {"S": "Fay"}, "song": {"N": "1"}}}},
        {"ConditionCheck": {"TableName": "Music", "Key": {"artist": {"S": "Eve"}, "song": {"N": "3"}},
                            "ConditionExpression": "t = :f", "ExpressionAttributeValues": {":f": {"BOOL": False}},
                            "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
        {"Delete": {"TableName": "Music", "Key": {"artist": {"S": "Cat"}, "song": {"N": "1"}}}}])
    check("TransactionCanceledException raised", False)
except low.exceptions.TransactionCanceledException as err:
    reasons = err.response["CancellationReasons"]
    old = reasons[1].pop("Item", None) if len(reasons) == 3 else None
    check("CancellationReasons as boto3 parses them", reasons == [
        {"Code": "None"}, {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"},
        {"Code": "None"}] and old == back, (reasons, old))
    check("TransactionCanceledException message", err.response["Error"]["Message"] ==
          "Transaction cancelled, please refer cancellation reasons for specific reasons "
          "[None, ConditionalCheckFailed, None]", err.response["Error"])
    check("… not retried", err.response["ResponseMetadata"]["RetryAttempts"] == 0)
check("a cancelled transaction changed nothing",
      "Item" not in low.get_item(TableName="Music", Key={"artist": {"S": "Fay"}, "song": {"N": "1"}})
      and "Item" in low.get_item(TableName="Music", Key={"artist": {"S": "Cat"}, "song": {"N": "1"}}))

# ---- delete and wait_until_not_exists --------------------------------------------------
r = table.delete()
check("delete answers DELETING", r["TableDescription"]["TableStatus"] == "DELETING", r["TableDescription"])
table.wait_until_not_exists()
check("wait_until_not_exists", "Music" not in low.list_tables()["TableNames"])
finish()
