#!/usr/bin/env python3
"""Signature checks of `pqsh serve --auth FILE`, with requests signed by botocore.

Usage: serve_auth.py URL MODE ACCESS_KEY SECRET
MODE "verify": the server was started with --auth holding ACCESS_KEY/SECRET.
MODE "any":    the server runs without --auth (DynamoDB Local's rule).
Prints one "ok"/"FAIL" line per check; exits 1 on any failure.
"""
import datetime
import http.client
import json
import sys
import urllib.parse

import boto3
import botocore.auth
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from serve_check import check, finish

URL, MODE, AKID, SECRET = sys.argv[1:5]
HOST = urllib.parse.urlparse(URL).netloc


class NoHostSigV4(SigV4Auth):
    """Signs every header botocore would, except host."""

    def headers_to_sign(self, request):
        h = super().headers_to_sign(request)
        del h["host"]
        return h


def signed(body, akid=AKID, secret=SECRET, when=None, auth_class=SigV4Auth, op="ListTables"):
    """Headers of a request signed by botocore (optionally at another time)."""
    req = AWSRequest(method="POST", url=URL + "/", data=body,
                     headers={"Content-Type": "application/x-amz-json-1.0",
                              "X-Amz-Target": "DynamoDB_20120810." + op})
    saved = botocore.auth.get_current_datetime
    if when is not None:
        botocore.auth.get_current_datetime = lambda: when
    try:
        auth_class(Credentials(akid, secret), "dynamodb", "us-east-1").add_auth(req)
    finally:
        botocore.auth.get_current_datetime = saved
    return dict(req.headers.items())


def send(headers, body):
    conn = http.client.HTTPConnection(HOST, timeout=10)
    conn.request("POST", "/", body=body, headers=headers)
    r = conn.getresponse()
    data = r.read()
    conn.close()
    try:
        j = json.loads(data)
    except ValueError:
        j = {}
    kind = j.get("__type", "").rsplit("#", 1)[-1]
    return r.status, kind, j.get("message", j.get("Message", "")), j


def client(akid, secret):
    return boto3.client("dynamodb", endpoint_url=URL, region_name="us-east-1",
                        aws_access_key_id=akid, aws_secret_access_key=secret,
                        config=Config(retries={"max_attempts": 1, "mode": "standard"}))


def sdk_error(akid, secret):
    try:
        client(akid, secret).list_tables()
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"].get("Message", "")
    return None


body = b"{}"
r = send({"Content-Type": "application/x-amz-json-1.0",
          "X-Amz-Target": "DynamoDB_20120810.ListTables"}, body)
check("no Authorization header", r[:3] == (400, "MissingAuthenticationTokenException",
                                            "Request is missing Authentication Token"), r)
h = signed(body)
h["Authorization"] = "AWS4-HMAC-SHA256 Credential=%s/20150830/us-east-1/dynamodb/aws4_request" % AKID
r = send(h, body)
check("Authorization without SignedHeaders and Signature",
      r[0] == 400 and r[1] == "IncompleteSignatureException"
      and "requires 'Signature' parameter" in r[2] and "requires 'SignedHeaders' parameter" in r[2], r)
h = signed(body)
h["X-Amz-Date"] = "201"
r = send(h, body)
check("malformed X-Amz-Date", r[1] == "IncompleteSignatureException"
      and r[2].startswith("Date must be in ISO-8601 'basic format'. Got '201'."), r)

if MODE == "any":
    check("any key and secret are accepted", sdk_error("AKIDANYTHING", "nothing") is None)
    old = datetime.datetime.utcnow() - datetime.timedelta(minutes=20)
    r = send(signed(body, akid="X", secret="Y", when=old), body)
    check("no clock check without --auth", r[0] == 200, r)
    finish()

check("the configured key is accepted", sdk_error(AKID, SECRET) is None)
e = sdk_error(AKID, SECRET + "x")
check("a wrong secret is refused", e and e[0] == "InvalidSignatureException" and e[1].startswith(
    "The request signature we calculated does not match the signature you provided."), e)
e = sdk_error("AKIDUNKNOWN", SECRET)
check("an unknown key is refused", e == ("UnrecognizedClientException",
                                         "The security token included in the request is invalid."), e)

h = signed(b'{"Limit": 5}')
r = send(h, b'{"Limit": 6}')
check("a tampered body is refused", r[0] == 400 and r[1] == "InvalidSignatureException"
      and "The Canonical String for this request should have been" in r[2], r)
r = send(h, b'{"Limit": 5}')
check("the same request untampered is accepted", r[0] == 200, r)

r = send(signed(body, auth_class=NoHostSigV4), body)
check("an unsigned host header is refused", r[:3] == (
    400, "InvalidSignatureException", "'Host' must be a 'SignedHeader' in the AWS Authorization."), r)

old = datetime.datetime.utcnow() - datetime.timedelta(minutes=20)
r = send(signed(body, when=old), body)
check("a 20-minute-old date is refused", r[0] == 400 and r[1] == "InvalidSignatureException"
      and r[2].startswith("Signature expired: " + old.strftime("%Y%m%dT%H%M%SZ") + " is now earlier than ")
      and r[2].endswith(" - 15 min.)"), r)
recent = datetime.datetime.utcnow() - datetime.timedelta(minutes=10)
r = send(signed(body, when=recent), body)
check("a 10-minute-old date is accepted", r[0] == 200, r)
future = datetime.datetime.utcnow() + datetime.timedelta(minutes=20)
r = send(signed(body, when=future), body)
check("a date 20 minutes ahead is refused", r[1] == "InvalidSignatureException"
      and r[2].startswith("Signature not yet current: "), r)

h = signed(body)
h["Authorization"] = h["Authorization"].replace("/dynamodb/", "/s3/")
r = send(h, body)
check("a scope for another service is refused", r[1] == "InvalidSignatureException"
      and r[2].startswith("Credential should be scoped to correct service: 'dynamodb'."), r)

finish()
