#!/usr/bin/env python3
"""serve_clock.py URL [refused] — pqsh serve --clock with the real clock: TTL
expiry by the background sweep after the clock is moved over HTTP.

With `refused`, checks only that a server started without --clock refuses
every /pqsh/ request and the signed pqsh: operations.
"""
import json
import sys
import time
import urllib.error
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

url = sys.argv[1]
fails = 0


def check(name, ok, detail=""):
    global fails
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else f": {detail}"))
    fails += 0 if ok else 1


def admin(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url + path, data=data, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def count(statement):
    """Items a PartiQL SELECT returns, every page (Scan/Query: the item-API issue)."""
    n, token = 0, None
    while True:
        kw = {"NextToken": token} if token else {}
        r = ddb.execute_statement(Statement=statement, **kw)
        n += len(r["Items"])
        token = r.get("NextToken")
        if not token:
            return n


ddb = boto3.client("dynamodb", endpoint_url=url, region_name="us-east-1",
                   aws_access_key_id="AKIDPQSHTEST", aws_secret_access_key="pqsh-test-secret",
                   config=Config(retries={"max_attempts": 1}))

if len(sys.argv) > 2 and sys.argv[2] == "refused":
    for method, path, body in [("POST", "/pqsh/clock", {"Advance": 660}), ("GET", "/pqsh/clock", None),
                               ("POST", "/pqsh/ttl-sweep", {})]:
        status, j = admin(method, path, body)
        check(f"{method} {path} refused without --clock", status == 403 and
              j.get("__type", "").endswith("#AccessDeniedException"), (status, j))
    # Nor the same operations as a DynamoDB target.
    try:
        ddb.list_tables()
        raw = urllib.request.Request(url + "/", data=b"{}", method="POST", headers={
            "X-Amz-Target": "DynamoDB_20120810.pqsh:Clock", "Content-Type": "application/x-amz-json-1.0",
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDPQSHTEST/20231114/us-east-1/dynamodb/aws4_request, "
                             "SignedHeaders=host;x-amz-date;x-amz-target, Signature=" + "0" * 64,
            "X-Amz-Date": time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())})
        try:
            urllib.request.urlopen(raw, timeout=10)
            check("target pqsh:Clock refused without --clock", False, "answered")
        except urllib.error.HTTPError as e:
            j = json.loads(e.read())
            check("target pqsh:Clock refused without --clock", e.code == 403, (e.code, j))
    except ClientError as e:
        check("ListTables", False, e)
    sys.exit(1 if fails else 0)

status, clock = admin("GET", "/pqsh/clock")
now = clock["Now"]
# Within a minute of this process's clock: the real time (a fixed one would
# be years off), with room for an answer slowed by a loaded machine.
check("GET /pqsh/clock: the real time, not moved", status == 200 and abs(now - time.time()) < 60
      and clock["Offset"] == 0, clock)

host_port = url.split("//", 1)[1]
ep = ddb.describe_endpoints()["Endpoints"]
check("DescribeEndpoints names this server", ep == [{"Address": host_port, "CachePeriodInMinutes": 1440}], ep)

ddb.create_table(TableName="Tokens", BillingMode="PAY_PER_REQUEST",
                 AttributeDefinitions=[{"AttributeName": "token", "AttributeType": "S"},
                                       {"AttributeName": "user", "AttributeType": "S"}],
                 KeySchema=[{"AttributeName": "token", "KeyType": "HASH"}],
                 GlobalSecondaryIndexes=[{"IndexName": "byUser",
                                          "KeySchema": [{"AttributeName": "user", "KeyType": "HASH"}],
                                          "Projection": {"ProjectionType": "ALL"}}])
ddb.update_time_to_live(TableName="Tokens",
                        TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"})
soon, later = int(now) + 600, int(now) + 7200
for i in range(300):
    ddb.put_item(TableName="Tokens", Item={"token": {"S": f"t{i:03}"}, "user": {"S": "ann"},
                                           "expires_at": {"N": str(soon if i % 3 else later)}})
time.sleep(1.5)
n = count('SELECT token FROM Tokens')
check("nothing expires before the clock moves (background sweep ran)", n == 300, n)

status, clock = admin("POST", "/pqsh/clock", {"Advance": 660})
check("POST /pqsh/clock moves it by 11 minutes", status == 200 and clock["Offset"] == 660
      and abs(clock["Now"] - time.time() - 660) < 60, clock)

# Expired items stay readable until the sweep deletes them; the background
# sweep (every second) gets there within a few seconds, or, on a loaded
# machine, within the deadline: it must run at all, at no particular pace.
deadline = time.time() + 120
while time.time() < deadline:
    n = count('SELECT token FROM Tokens')
    if n == 100:
        break
    time.sleep(0.2)
check("the background sweep deleted the 200 expired items", n == 100, n)
q = count('SELECT token FROM "Tokens"."byUser" WHERE "user" = \'ann\'')
check("the index lost the same entries", q == 100, q)
gsi = ddb.describe_table(TableName="Tokens")["Table"]["GlobalSecondaryIndexes"][0]["ItemCount"]
check("the index ItemCount agrees", gsi == 100, gsi)

status, clock = admin("POST", "/pqsh/clock", {"Reset": True})
check("POST /pqsh/clock Reset", status == 200 and clock["Offset"] == 0, clock)
status, j = admin("POST", "/pqsh/clock", {"Advance": "soon"})
check("a bad Advance is a ValidationException", status == 400 and
      j.get("__type", "").endswith("#ValidationException"), (status, j))
status, j = admin("POST", "/pqsh/ttl-sweep", {})
check("POST /pqsh/ttl-sweep answers", status == 200 and j == {"Deleted": 0}, (status, j))
status, j = admin("DELETE", "/pqsh/clock")
check("another method is refused", status == 404, (status, j))
sys.exit(1 if fails else 0)
