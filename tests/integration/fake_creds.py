#!/usr/bin/env python3
"""Fake credential endpoints on loopback: a container credentials endpoint and EC2 IMDS.

Usage: fake_creds.py [v2|v1]
  GET  /container                       needs "Authorization: Bearer tok-123"
  PUT  /latest/api/token                IMDSv2 token (403 in v1 mode)
  GET  /latest/meta-data/iam/security-credentials/        role name
  GET  /latest/meta-data/iam/security-credentials/pqsh-role
In v2 mode the metadata GETs need the token. GET /__count returns how many
credential documents were served. Prints the port, serves until stdin closes.
"""
import json
import sys
from http.server import BaseHTTPRequestHandler

import loopback

MODE = sys.argv[1] if len(sys.argv) > 1 else "v2"
SERVED = [0]
DOC = {"Code": "Success", "AccessKeyId": "ASIAFAKE", "SecretAccessKey": "fake-secret",
       "Token": "fake-token", "Expiration": "2099-01-01T00:00:00Z"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, text):
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_PUT(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path == "/latest/api/token" and MODE == "v2" and \
                self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
            self.reply(200, "imds-token")
        else:
            self.reply(403, "")

    def do_GET(self):
        if self.path == "/__count":
            return self.reply(200, str(SERVED[0]))
        if self.path == "/container":
            if self.headers.get("Authorization") != "Bearer tok-123":
                return self.reply(401, "")
            SERVED[0] += 1
            return self.reply(200, json.dumps(DOC))
        if MODE == "v2" and self.headers.get("X-aws-ec2-metadata-token") != "imds-token":
            return self.reply(401, "")
        base = "/latest/meta-data/iam/security-credentials/"
        if self.path == base:
            return self.reply(200, "pqsh-role")
        if self.path == base + "pqsh-role":
            SERVED[0] += 1
            return self.reply(200, json.dumps(DOC))
        self.reply(404, "")


def main():
    loopback.serve(Handler)


if __name__ == "__main__":
    main()
