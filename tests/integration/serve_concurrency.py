#!/usr/bin/env python3
"""Concurrent INSERT clients for test_serve_concurrency.sh.

serve_concurrency.py insert URL CLIENT N SHARED OUT
    INSERTs N items over one kept-alive connection: keys "c<CLIENT>-<i>" for
    the first N-SHARED, then "shared-<i>" for i < SHARED (the same keys in
    every client). Each item says who wrote it and carries a payload derived
    from key and writer, so a torn or mixed write shows. Writes one JSON line
    to OUT: {"ok": [keys], "duplicates": [keys], "errors": [...]}.
serve_concurrency.py until-stopped URL CLIENT OUT
    INSERTs "s<CLIENT>-<i>" until the server goes away; OUT gets one line
    per key whose INSERT was acknowledged.
serve_concurrency.py verify URL CLIENTS N SHARED RESULTS...
    Reads every item back and checks the outcome (prints ok/FAIL lines).
serve_concurrency.py verify-acked URL RESULTS...
    Checks that every acknowledged key of until-stopped clients exists.
"""
import hashlib
import json
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError, ConnectionClosedError

from serve_check import check, finish

TABLE = "Load"


def client(url):
    return boto3.client("dynamodb", endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="AKIDLOAD", aws_secret_access_key="load",
                        config=Config(retries={"max_attempts": 1, "mode": "standard"},
                                      max_pool_connections=1))


def payload(key, writer):
    return hashlib.sha256(("%s/%s" % (key, writer)).encode()).hexdigest()


INSERT = "INSERT INTO \"Load\" VALUE {'k': ?, 'writer': ?, 'payload': ?, 'n': ?}"


def insert(c, key, writer, n):
    c.execute_statement(Statement=INSERT, Parameters=[
        {"S": key}, {"N": str(writer)}, {"S": payload(key, writer)}, {"N": str(n)}])


def run_insert(url, me, n, shared, out):
    c = client(url)
    ok, dups, errors = [], [], []
    keys = ["c%d-%d" % (me, i) for i in range(n - shared)] + ["shared-%d" % i for i in range(shared)]
    for i, key in enumerate(keys):
        try:
            insert(c, key, me, i)
            ok.append(key)
        except ClientError as e:
            if e.response["Error"]["Code"] == "DuplicateItemException":
                dups.append(key)
            else:
                errors.append("%s: %s" % (key, e))
        except Exception as e:  # noqa: BLE001 — any transport failure is a test failure
            errors.append("%s: %r" % (key, e))
    with open(out, "w") as f:
        json.dump({"client": me, "ok": ok, "duplicates": dups, "errors": errors}, f)


def run_until_stopped(url, me, out):
    c = client(url)
    f = open(out, "w")
    i = 0
    while True:
        key = "s%d-%d" % (me, i)
        try:
            insert(c, key, me, i)
            f.write(key + "\n")
            f.flush()
        except (EndpointConnectionError, ConnectionClosedError, ConnectionError):
            break
        except ClientError as e:
            if e.response["ResponseMetadata"]["HTTPStatusCode"] >= 500:
                break
            raise
        except Exception:  # noqa: BLE001 — the server went away mid-request
            break
        i += 1
    f.close()


def all_items(c):
    items, token = [], None
    while True:
        kw = {"Statement": 'SELECT * FROM "Load"'}
        if token:
            kw["NextToken"] = token
        r = c.execute_statement(**kw)
        items += r["Items"]
        token = r.get("NextToken")
        if not token:
            return items


def run_verify(url, clients, n, shared, results):
    res = [json.load(open(p)) for p in results]
    check("every client finished", len(res) == clients, len(res))
    errors = [e for r in res for e in r["errors"]]
    check("no request failed other than by a duplicate key", not errors, errors[:5])
    items = all_items(client(url))
    keys = [i["k"]["S"] for i in items]
    check("every key exists exactly once", len(keys) == len(set(keys))
          and len(keys) == clients * (n - shared) + shared, (len(keys), len(set(keys))))
    dups = sum(len(r["duplicates"]) for r in res)
    check("DuplicateItemExceptions equal the losing INSERTs", dups == shared * (clients - 1),
          (dups, shared * (clients - 1)))
    winners = {}
    for r in res:
        for k in r["ok"]:
            winners.setdefault(k, []).append(r["client"])
    check("each shared key has exactly one winner",
          all(len(winners.get("shared-%d" % i, [])) == 1 for i in range(shared)))
    by_key = {i["k"]["S"]: i for i in items}
    torn = [k for k, w in winners.items()
            if len(w) != 1 or by_key[k]["writer"]["N"] != str(w[0])
            or by_key[k]["payload"]["S"] != payload(k, w[0])]
    check("every item is the whole item its acknowledged writer sent", not torn, torn[:5])
    finish()


def run_verify_acked(url, results):
    acked = [k for p in results for k in open(p).read().split()]
    keys = {i["k"]["S"] for i in all_items(client(url))}
    missing = [k for k in acked if k not in keys]
    check("writes acknowledged before SIGTERM survive the restart (%d)" % len(acked),
          acked and not missing, missing[:5])
    finish()


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "insert":
        run_insert(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
    elif mode == "until-stopped":
        run_until_stopped(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif mode == "verify":
        run_verify(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6:])
    elif mode == "verify-acked":
        run_verify_acked(sys.argv[2], sys.argv[3:])
