#!/usr/bin/env python3
"""A DynamoDB-protocol proxy on a loopback port: delays and faults in front of pqsh serve.

Usage: ddb_proxy.py UPSTREAM_URL [--delay-ms N] [--throttle P] [--unprocessed P]
                    [--capacity N] [--seed S] [--log FILE] [--drop-after TEXT]
  --delay-ms N     sleep N ms before forwarding each request and N ms before
                   returning each answer (a network N ms away each way)
  --throttle P     answer a share P of BatchWriteItem calls with
                   ProvisionedThroughputExceededException, forwarding nothing
  --unprocessed P  for a share P of BatchWriteItem calls, forward a random
                   part of the items and hand the rest back as UnprocessedItems
  --capacity N     a table that takes N items a second (a bucket of N/10):
                   BatchWriteItem forwards what the bucket holds and hands
                   the rest back as UnprocessedItems, as DynamoDB does when
                   writes outrun a partition
  --log FILE       one line per request as it arrives: how many requests were
                   in flight (arrived, not yet answered), the operation and,
                   for ExecuteStatement, the statement; and "- OP STATEMENT"
                   just before its answer is sent
  --drop-after TEXT  an ExecuteStatement whose statement contains TEXT is
                   forwarded, and then the connection is closed unanswered
                   (the write took effect; the client cannot know)
GET /__counts returns {"puts": {key-json: times forwarded}, "throttled": n,
"unprocessed": n, "capped": n}. Prints the port on stdout; serves until stdin closes.
Every connection is kept alive, and has its own kept-alive upstream connection.
"""
import argparse
import http.client
import json
import random
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ap = argparse.ArgumentParser()
ap.add_argument("upstream")
ap.add_argument("--delay-ms", type=float, default=0)
ap.add_argument("--throttle", type=float, default=0)
ap.add_argument("--unprocessed", type=float, default=0)
ap.add_argument("--capacity", type=float, default=0)
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--log")
ap.add_argument("--drop-after")
ARGS = ap.parse_args()
UP = urllib.parse.urlparse(ARGS.upstream)
RNG = random.Random(ARGS.seed)
LOCK = threading.Lock()
PUTS = {}
STATS = {"throttled": 0, "unprocessed": 0, "capped": 0}
BUCKET = {"tokens": ARGS.capacity / 10, "at": time.monotonic()}


def take(n):
    """Up to n items from the capacity bucket (under LOCK)."""
    now = time.monotonic()
    BUCKET["tokens"] = min(ARGS.capacity / 10,
                           BUCKET["tokens"] + (now - BUCKET["at"]) * ARGS.capacity)
    BUCKET["at"] = now
    k = min(n, int(BUCKET["tokens"]))
    BUCKET["tokens"] -= k
    return k


LOCAL = threading.local()
INFLIGHT = [0]
LOG = open(ARGS.log, "a", buffering=1) if ARGS.log else None


def upstream():
    c = getattr(LOCAL, "conn", None)
    if c is None:
        c = LOCAL.conn = http.client.HTTPConnection(UP.hostname, UP.port, timeout=60)
    return c


def key_of(item):
    return json.dumps(item, sort_keys=True)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = 1 << 16

    def log_message(self, *args):
        pass

    def answer(self, status, body, headers=()):
        if ARGS.delay_ms:
            time.sleep(ARGS.delay_ms / 1000)
        self.answered()
        self.send_response(status)
        for k, v in headers:
            if k.lower() not in ("content-length", "connection", "transfer-encoding", "date",
                                 "server", "x-amz-crc32"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def forward(self, body):
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("content-length", "connection")}
        for attempt in range(2):
            try:
                c = upstream()
                c.request("POST", self.path, body=body, headers=headers)
                r = c.getresponse()
                return r.status, r.read(), r.getheaders()
            except (http.client.HTTPException, OSError):
                LOCAL.conn = None
                if attempt:
                    raise

    def do_GET(self):
        with LOCK:
            body = json.dumps({"puts": PUTS, **STATS}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        op = self.headers.get("X-Amz-Target", "").rpartition(".")[2]
        self.logged = "%s %s" % (op, json.loads(body).get("Statement", "")
                                 if op == "ExecuteStatement" else "")
        with LOCK:
            if LOG:
                LOG.write("%d %s\n" % (INFLIGHT[0], self.logged))
            INFLIGHT[0] += 1
        try:
            self.handle_post(body)
        finally:
            self.answered()

    def answered(self):
        """Logs '- OP STATEMENT' once, before the answer can reach the client."""
        if getattr(self, "logged", None) is None:
            return
        with LOCK:
            if LOG:
                LOG.write("- %s\n" % self.logged)
            INFLIGHT[0] -= 1
        self.logged = None

    def handle_post(self, body):
        if ARGS.delay_ms:
            time.sleep(ARGS.delay_ms / 1000)
        target = self.headers.get("X-Amz-Target", "")
        if not target.endswith(".BatchWriteItem") or not (ARGS.throttle or ARGS.unprocessed or
                                                           ARGS.capacity):
            status, data, headers = self.forward(body)
            if ARGS.drop_after and ARGS.drop_after in self.logged:
                self.answered()
                self.close_connection = True
                return
            return self.answer(status, data, headers)
        req = json.loads(body)
        with LOCK:
            roll = RNG.random()
            split = RNG.random()
        if roll < ARGS.throttle:
            with LOCK:
                STATS["throttled"] += 1
            msg = {"__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                   "message": "The level of configured provisioned throughput for the table was exceeded."}
            return self.answer(400, json.dumps(msg).encode(),
                               [("Content-Type", "application/x-amz-json-1.0")])
        held = {}
        if roll < ARGS.throttle + ARGS.unprocessed:
            with LOCK:
                STATS["unprocessed"] += 1
            for table, reqs in req["RequestItems"].items():
                keep = [r for r in reqs if RNG.random() < split]
                held[table] = [r for r in reqs if r not in keep]
                req["RequestItems"][table] = keep
            req["RequestItems"] = {t: r for t, r in req["RequestItems"].items() if r}
        if ARGS.capacity:
            for table, reqs in req["RequestItems"].items():
                with LOCK:
                    k = take(len(reqs))
                    STATS["capped"] += len(reqs) - k
                held.setdefault(table, []).extend(reqs[k:])
                req["RequestItems"][table] = reqs[:k]
            req["RequestItems"] = {t: r for t, r in req["RequestItems"].items() if r}
        if req["RequestItems"]:
            status, data, headers = self.forward(json.dumps(req).encode())
        else:
            status, data, headers = 200, b'{"UnprocessedItems": {}}', [
                ("Content-Type", "application/x-amz-json-1.0")]
        if status == 200:
            with LOCK:
                for reqs in req["RequestItems"].values():
                    for r in reqs:
                        k = key_of(r.get("PutRequest", {}).get("Item"))
                        PUTS[k] = PUTS.get(k, 0) + 1
            out = json.loads(data)
            un = out.setdefault("UnprocessedItems", {})
            for table, reqs in held.items():
                if reqs:
                    un.setdefault(table, []).extend(reqs)
            data = json.dumps(out).encode()
        return self.answer(status, data, headers)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


srv = Server(("127.0.0.1", 0), Handler)
print(srv.server_address[1], flush=True)
threading.Thread(target=srv.serve_forever, daemon=True).start()
sys.stdin.read()
