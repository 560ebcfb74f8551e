#!/usr/bin/env python3
"""A fault-injecting fake DynamoDB on a loopback port, for the AWS backend tests.

Usage: fake_ddb.py ACTION[,ACTION...]
Each POST consumes the next action (the last one repeats); DescribeTable is
always answered (an ACTIVE table keyed by idempotency_token) and consumes none:
  ok        200 {"TableNames": []} (ListTables) or {"Items": []} with a correct x-amz-crc32
  500       500 InternalServerError (JSON body)
  503       503 with a plain-text body
  throttle  400 ThrottlingException
  ptee      400 ProvisionedThroughputExceededException
  validate  400 ValidationException with a capital-M "Message"
  badcreds  400 UnrecognizedClientException (credentials the service does not know)
  reset     read the request, then reset the connection (RST)
  closeafter  read the request (as applied: it is logged), then close the
            connection without an answer (FIN), as a server that drops a
            kept-alive connection just after applying a write
  dup       400 DuplicateItemException (what a resent INSERT would meet)
  slow      sleep 3 s, then answer like ok
  trunc     200 with a truncated JSON body (no checksum)
  badcrc    200 with a valid body but a wrong x-amz-crc32
GET /__log returns the requests seen: [{"target", "time", "port", "auth", "token"}].
Prints the port on stdout, serves until stdin closes.
"""
import json
import socket
import struct
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler

import loopback

ACTIONS = sys.argv[1].split(",") if len(sys.argv) > 1 else ["ok"]
LOG = []
SCRIPTED = [0]  # requests that consumed an action
LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Whole responses in one write: headers and body sent apart meet the
    # client's delayed ACK (Nagle) and cost ~40 ms a request.
    wbufsize = 1 << 16

    def log_message(self, *args):
        pass

    def send(self, status, body, crc=None, ctype="application/x-amz-json-1.0"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "REQ%d" % len(LOG))
        if crc is not False:
            self.send_header("x-amz-crc32", str(crc if crc is not None else zlib.crc32(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        with LOCK:
            self.send(200, json.dumps(LOG), crc=False)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        target = self.headers.get("X-Amz-Target", "")
        if target.endswith(".DescribeTable"):
            # Table metadata the planner may ask for is always answered and
            # does not consume a scripted action: the faults are for statements.
            name = json.loads(body or b"{}").get("TableName", "T")
            with LOCK:
                LOG.append({"target": target, "time": time.time(), "port": self.client_address[1]})
            return self.send(200, json.dumps({"Table": {
                "TableName": name, "TableStatus": "ACTIVE",
                "KeySchema": [{"AttributeName": "idempotency_token", "KeyType": "HASH"}],
                "AttributeDefinitions": [{"AttributeName": "idempotency_token",
                                          "AttributeType": "S"}]}}))
        with LOCK:
            SCRIPTED[0] += 1
            LOG.append({"target": self.headers.get("X-Amz-Target"), "time": time.time(),
                        "port": self.client_address[1],
                        "auth": self.headers.get("Authorization"),
                        "token": self.headers.get("X-Amz-Security-Token"),
                        "body": body.decode("utf-8", "replace"),
                        "ua": self.headers.get("User-Agent")})
            action = ACTIONS[min(SCRIPTED[0] - 1, len(ACTIONS) - 1)]
        ns = "com.amazonaws.dynamodb.v20120810#"
        # A well-formed empty answer for the operation asked.
        okbody = '{"TableNames":[]}' if self.headers.get("X-Amz-Target", "").endswith(
            "ListTables") else '{"Items":[]}'
        if action == "ok":
            self.send(200, okbody)
        elif action == "500":
            self.send(500, json.dumps({"__type": ns + "InternalServerError",
                                       "message": "Internal server error"}))
        elif action == "503":
            self.send(503, "Service Unavailable", crc=False, ctype="text/plain")
        elif action == "throttle":
            self.send(400, json.dumps({"__type": ns + "ThrottlingException",
                                       "message": "Rate of requests exceeds the allowed throughput."}))
        elif action == "ptee":
            self.send(400, json.dumps({"__type": ns + "ProvisionedThroughputExceededException",
                                       "message": "The level of configured provisioned throughput "
                                                  "for the table was exceeded."}))
        elif action == "validate":
            self.send(400, json.dumps({"__type": "com.amazon.coral.validate#ValidationException",
                                       "Message": "bad input"}))
        elif action == "badcreds":
            self.send(400, json.dumps({"__type": ns + "UnrecognizedClientException",
                                       "message": "The security token included in the request "
                                                  "is invalid."}))
        elif action == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
        elif action == "closeafter":
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
        elif action == "dup":
            self.send(400, json.dumps({"__type": ns + "DuplicateItemException",
                                       "message": "Duplicate primary key exists in table"}))
        elif action == "slow":
            time.sleep(3)
            self.send(200, okbody)
        elif action == "trunc":
            self.send(200, '{"TableNames":["a","b"', crc=False)
        elif action == "badcrc":
            self.send(200, okbody, crc=12345)


def main():
    loopback.serve(Handler, quiet_errors=True)


if __name__ == "__main__":
    main()
