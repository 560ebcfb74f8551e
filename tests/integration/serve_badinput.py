#!/usr/bin/env python3
"""Bad input against `pqsh serve` (started with --timeout 5 --threads 2).

Usage: serve_badinput.py URL. Prints one "ok"/"FAIL" line per check; exits 1 on any failure.
Malformed JSON, members of the wrong type, a 17 MB body (with Content-Length
and chunked), clients that send half a request and stall, 10,000 random or
mutated bodies, random bytes instead of HTTP — each gets an error or a
timeout, the server keeps answering, and the data written first is intact.
"""
import http.client
import json
import random
import socket
import sys
import time
import urllib.parse

from serve_check import check, finish

URL = sys.argv[1]
HOST, PORT = urllib.parse.urlparse(URL).hostname, urllib.parse.urlparse(URL).port
AUTH = ("AWS4-HMAC-SHA256 Credential=AKIDBAD/20240101/us-east-1/dynamodb/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + "0" * 64)


def headers(op):
    return {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810." + op,
            "X-Amz-Date": "20240101T000000Z", "Authorization": AUTH}


class Conn:
    """One kept-alive connection; reconnects when the server closed it."""

    def __init__(self):
        self.c = http.client.HTTPConnection(HOST, PORT, timeout=10)

    def call(self, op, body):
        for attempt in (1, 2):
            try:
                self.c.request("POST", "/", body=body, headers=headers(op))
                r = self.c.getresponse()
                data = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.c.close()
                return r.status, data
            except (http.client.HTTPException, ConnectionError, OSError):
                self.c.close()
                self.c = http.client.HTTPConnection(HOST, PORT, timeout=10)
                if attempt == 2:
                    raise


def kind(data):
    try:
        return json.loads(data).get("__type", "").rsplit("#", 1)[-1]
    except ValueError:
        return None


conn = Conn()
st, _ = conn.call("CreateTable", json.dumps({
    "TableName": "Keep", "BillingMode": "PAY_PER_REQUEST",
    "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"}],
    "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}]}))
item = {"k": {"S": "precious"}, "v": {"L": [{"N": "1.5"}, {"B": "AAE="}, {"M": {"x": {"NULL": True}}}]}}
st2, _ = conn.call("PutItem", json.dumps({"TableName": "Keep", "Item": item}))
check("setup", st == 200 and st2 == 200, (st, st2))

# ---- malformed JSON and wrong member types -----------------------------------
for body in [b"{", b"not json", b"", b'{"TableName": "Keep",}', b"\xff\xfe{}", b'{"a": "\xc3\x28"}']:
    st, data = conn.call("DescribeTable", body)
    check("malformed JSON %r" % body[:12], st == 400 and kind(data) == "SerializationException",
          (st, data))
for op, body, want in [
    ("DescribeTable", {"TableName": 5}, "NUMBER_VALUE cannot be converted to String"),
    ("ListTables", {"Limit": "3"}, "STRING_VALUE cannot be converted to Integer"),
    ("ExecuteStatement", {"Statement": ["x"]}, "Unrecognized collection type class java.lang.String"),
    ("PutItem", {"TableName": "Keep", "Item": []}, "Start of list found where not expected"),
    ("GetItem", {"TableName": "Keep", "Key": {"k": {"S": "precious"}}, "ConsistentRead": "yes"},
     "STRING_VALUE cannot be converted to Boolean"),
]:
    st, data = conn.call(op, json.dumps(body))
    j = json.loads(data)
    check("wrong type: %s %s" % (op, want), st == 400 and kind(data) == "SerializationException"
          and j.get("Message") == want, (st, data))
st, data = conn.call("ExecuteStatement", json.dumps(
    {"Statement": "SELECT * FROM Keep WHERE k = ?", "Parameters": [{"S": "a", "N": "1"}]}))
check("a malformed AttributeValue", st == 400 and kind(data) == "ValidationException", data)
st, data = conn.call("DescribeTable", b"[1, 2]")
check("a body that is not an object", st == 400 and kind(data) == "SerializationException", data)
st, data = conn.call("NoSuchOperation", b"{}")
check("unknown operation", st == 400 and json.loads(data) ==
      {"__type": "com.amazon.coral.service#UnknownOperationException"}, data)

# ---- bodies over 16 MB ----------------------------------------------------------
big = b'{"TableName": "' + b"x" * (17 * 1024 * 1024) + b'"}'
c = http.client.HTTPConnection(HOST, PORT, timeout=30)
try:
    c.request("POST", "/", body=big, headers=headers("DescribeTable"))
    r = c.getresponse()
    data = r.read()
    check("17 MB body with Content-Length: 413", r.status == 413 and kind(data), (r.status, data[:200]))
except (ConnectionError, OSError) as e:
    # The server may close before the client has finished sending.
    check("17 MB body with Content-Length refused (connection closed: %s)" % type(e).__name__, True)
c.close()

s = socket.create_connection((HOST, PORT), timeout=30)
hdr = "".join("%s: %s\r\n" % kv for kv in headers("DescribeTable").items())
s.sendall(("POST / HTTP/1.1\r\nHost: %s:%d\r\nTransfer-Encoding: chunked\r\n%s\r\n" % (HOST, PORT, hdr)).encode())
chunk = b"y" * (1024 * 1024)
answer = b""
try:
    for _ in range(17):
        s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
    s.sendall(b"0\r\n\r\n")
    answer = s.recv(4096)
except (ConnectionError, OSError):
    pass
check("17 MB chunked body: 413 or closed", answer.startswith(b"HTTP/1.1 413") or answer == b"", answer[:100])
s.close()

# ---- half a request, then silence ---------------------------------------------
stalled = []
for i in range(12):  # more stalled clients than worker threads
    s = socket.create_connection((HOST, PORT), timeout=10)
    s.sendall(("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n%s\r\n{\"Tab" % hdr).encode())
    stalled.append(s)



def cut_off(s):
    """Whether the server has closed `s` (without waiting)."""
    s.setblocking(False)
    try:
        return s.recv(1024) == b""
    except BlockingIOError:
        return False
    except (ConnectionError, OSError):
        return True
    finally:
        s.setblocking(True)


# Served while they stall: answered before the 5 s timeout has cut any of
# them off, an ordering rather than a time (workers held by the stalled
# clients would answer only once the timeout had freed them).
t0 = time.time()
st, data = Conn().call("ListTables", b"{}")
early = sum(cut_off(s) for s in stalled)
check("served while 12 clients stall", st == 200 and early == 0, (st, early, time.time() - t0))
closed = 0
for s in stalled:
    try:
        s.settimeout(60)
        closed += s.recv(1024) == b""
    except socket.timeout:
        pass
    except (ConnectionError, OSError):
        closed += 1
    s.close()
check("stalled clients are cut off by the timeout (%.1f s)" % (time.time() - t0), closed == len(stalled)
      and time.time() - t0 >= 4, closed)

# ---- 10,000 random and mutated bodies -------------------------------------------
rnd = random.Random(20240101)
seeds = [
    ("ExecuteStatement", {"Statement": "SELECT * FROM Keep WHERE k = ?", "Parameters": [{"S": "precious"}]}),
    ("ExecuteStatement", {"Statement": "INSERT INTO Fuzz VALUE {'k': 'a', 'n': 1}"}),
    ("PutItem", {"TableName": "Fuzz", "Item": {"k": {"S": "a"}, "s": {"SS": ["x", "y"]}},
                 "ConditionExpression": "attribute_not_exists(#k) OR n < :v",
                 "ExpressionAttributeNames": {"#k": "k"}, "ExpressionAttributeValues": {":v": {"N": "3"}}}),
    ("GetItem", {"TableName": "Keep", "Key": {"k": {"S": "precious"}}, "ProjectionExpression": "v"}),
    ("DeleteItem", {"TableName": "Fuzz", "Key": {"k": {"S": "a"}}, "ReturnValues": "ALL_OLD"}),
    ("CreateTable", {"TableName": "Fuzz", "BillingMode": "PAY_PER_REQUEST",
                     "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"}],
                     "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}]}),
    ("ListTables", {"Limit": 2}),
    ("BatchExecuteStatement", {"Statements": [{"Statement": "SELECT * FROM Keep WHERE k = 'precious'"}]}),
]
conn.call("CreateTable", json.dumps(seeds[5][1]))
bad = []
statuses = {}
for i in range(10000):
    op, req = seeds[i % len(seeds)]
    if i % 2:
        body = bytes(rnd.getrandbits(8) for _ in range(rnd.randint(0, 200)))
    else:
        body = bytearray(json.dumps(req).encode())
        for _ in range(rnd.randint(1, 6)):
            pos = rnd.randrange(len(body))
            r = rnd.random()
            if r < 0.4:
                body[pos] = rnd.choice(b'{}[]":,0123456789-.eE tfn\\"abcSNBLMN#:')
            elif r < 0.7:
                del body[pos]
            else:
                body[pos:pos] = bytes([rnd.getrandbits(8)])
        body = bytes(body)
    st, data = conn.call(op, body)
    statuses[st] = statuses.get(st, 0) + 1
    if st not in (200, 400) or (st == 400 and not kind(data)):
        bad.append((op, body[:80], st, data[:200]))
check("10,000 random/mutated bodies: each a 200 or a typed 400 %s" % statuses, not bad, bad[:3])

# ---- random bytes instead of HTTP -----------------------------------------------
for i in range(200):
    # Bytes that leave the server waiting for more are cut off by its timeout
    # (5 s); what it answers is not checked here, so wait 2 s at most.
    s = socket.create_connection((HOST, PORT), timeout=2)
    try:
        s.sendall(bytes(rnd.getrandbits(8) for _ in range(rnd.randint(1, 300))) + b"\r\n\r\n")
        s.recv(1024)
    except (ConnectionError, OSError):
        pass
    s.close()
check("random bytes instead of HTTP", True)

# ---- still serving, data intact ---------------------------------------------------
st, data = Conn().call("GetItem", json.dumps({"TableName": "Keep", "Key": {"k": {"S": "precious"}},
                                               "ConsistentRead": True}))
check("the server still answers and the item is intact",
      st == 200 and json.loads(data).get("Item") == {"k": {"S": "precious"}, "v": {
          "L": [{"N": "1.5"}, {"B": "AAE="}, {"M": {"x": {"NULL": True}}}]}}, (st, data))
finish()
