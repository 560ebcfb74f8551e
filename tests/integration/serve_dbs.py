#!/usr/bin/env python3
"""serve_dbs.py URL MODE — one database per access key id and region (pqsh serve's
default, as DynamoDB Local) or one shared (--shared-db), seen through boto3.

MODE per-key: two access keys each create their own `Orders` and see only
their own items; the same key in another region has no `Orders` at all;
every answer names its database in the x-pqsh-database header. With
--clock also given to the server (MODE per-key-clock), one clock move and
one TTL sweep cover both keys' databases.
MODE shared: a second key sees the first key's table and items.
MODE seen: (after a restart on the same files) each key still sees only its
own items.
"""
import json
import sys
import time
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

url, mode = sys.argv[1], sys.argv[2]
fails = 0


def check(name, ok, detail=""):
    global fails
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else f": {detail}"))
    fails += 0 if ok else 1


def client(key, region="us-east-1"):
    return boto3.client("dynamodb", endpoint_url=url, region_name=region,
                        aws_access_key_id=key, aws_secret_access_key="secret-" + key,
                        config=Config(retries={"max_attempts": 1}))


def create_orders(c):
    c.create_table(TableName="Orders", BillingMode="PAY_PER_REQUEST",
                   AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                   KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])


def ids(c):
    return sorted(i["id"]["S"] for i in c.scan(TableName="Orders")["Items"])


alice, bob = client("alice"), client("bob")

if mode == "seen":
    check("after a restart alice sees her items only", ids(alice) == ["a1", "a2"], ids(alice))
    check("after a restart bob sees his items only", ids(bob) == ["b1"], ids(bob))
    sys.exit(1 if fails else 0)

if mode == "shared":
    create_orders(alice)
    alice.put_item(TableName="Orders", Item={"id": {"S": "a1"}})
    check("--shared-db: bob sees alice's table and item", ids(bob) == ["a1"], ids(bob))
    r = client("carol", "eu-west-1").list_tables()
    check("--shared-db: another region too", r["TableNames"] == ["Orders"], r)
    h = r["ResponseMetadata"]["HTTPHeaders"].get("x-pqsh-database")
    check("--shared-db: x-pqsh-database is 'shared'", h == "shared", h)
    sys.exit(1 if fails else 0)

create_orders(alice)
create_orders(bob)
alice.put_item(TableName="Orders", Item={"id": {"S": "a1"}})
alice.put_item(TableName="Orders", Item={"id": {"S": "a2"}})
bob.put_item(TableName="Orders", Item={"id": {"S": "b1"}})
check("alice sees her two items only", ids(alice) == ["a1", "a2"], ids(alice))
check("bob sees his one item only", ids(bob) == ["b1"], ids(bob))
r = bob.get_item(TableName="Orders", Key={"id": {"S": "a1"}})
check("bob cannot read alice's item by key", "Item" not in r, r)
h = r["ResponseMetadata"]["HTTPHeaders"].get("x-pqsh-database")
check("x-pqsh-database names bob's database", h == "bob/us-east-1", h)

west = client("alice", "eu-west-1")
try:
    west.describe_table(TableName="Orders")
    check("alice in eu-west-1 has no Orders", False, "found")
except ClientError as e:
    err = e.response["Error"]
    h = e.response["ResponseMetadata"]["HTTPHeaders"].get("x-pqsh-database")
    check("alice in eu-west-1 has no Orders: DynamoDB's exact error",
          err["Code"] == "ResourceNotFoundException" and
          err["Message"] == "Requested resource not found: Table: Orders not found", err)
    check("the error's x-pqsh-database says alice/eu-west-1", h == "alice/eu-west-1", h)

odd = client("odd.key_1+x")
r = odd.list_tables()
h = r["ResponseMetadata"]["HTTPHeaders"].get("x-pqsh-database")
check("an odd key id is %-encoded in the name", h == "odd%2Ekey%5F1%2Bx/us-east-1", h)

if mode == "per-key-clock":
    # TTL on both tables; an item expiring in 100 s in each. The server runs
    # on a fixed clock (PQSH_TEST_FIXED_TIME), so no background sweep can
    # delete them before the one sweep asked for below.
    with urllib.request.urlopen(url + "/pqsh/clock", timeout=10) as resp:
        now = int(json.loads(resp.read())["Now"])
    for c, k in ((alice, "t-a"), (bob, "t-b")):
        c.update_time_to_live(TableName="Orders",
                              TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
        c.put_item(TableName="Orders", Item={"id": {"S": k}, "exp": {"N": str(now + 100)}})
    req = urllib.request.Request(url + "/pqsh/clock", data=json.dumps({"Advance": 200}).encode(),
                                 method="POST")
    with urllib.request.urlopen(req, timeout=10) as resp:
        off = json.loads(resp.read())["Offset"]
    check("one clock move", off == 200, off)
    req = urllib.request.Request(url + "/pqsh/ttl-sweep", data=b"{}", method="POST")
    with urllib.request.urlopen(req, timeout=10) as resp:
        deleted = json.loads(resp.read())["Deleted"]
    check("one sweep deletes the expired item of both databases", deleted == 2, deleted)
    check("alice's expired item gone, hers kept", ids(alice) == ["a1", "a2"], ids(alice))
    check("bob's expired item gone, his kept", ids(bob) == ["b1"], ids(bob))
    # A database opened after the move runs on the moved clock too.
    carol = client("carol")
    create_orders(carol)
    t = carol.describe_table(TableName="Orders")["Table"]["CreationDateTime"].timestamp()
    check("a database opened later is on the moved clock", t == now + 200, (t, now))

sys.exit(1 if fails else 0)
