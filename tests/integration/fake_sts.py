#!/usr/bin/env python3
"""A fake AWS STS and IAM Identity Center portal on loopback, for the credential-chain tests.

Usage: fake_sts.py [LIFETIME_SECONDS]   (lifetime of issued credentials, default 3600)
  POST / Action=AssumeRole                 must be SigV4-signed (service "sts") by a known
                                           key: AKSOURCE / source-secret, or credentials this
                                           server issued (with their session token); the
                                           signature is recomputed with botocore's SigV4Auth
  POST / Action=AssumeRoleWithWebIdentity  unsigned; WebIdentityToken must be "web-token-ok"
  GET  /federation/credentials?account_id=&role_name=
                                           header x-amz-sso_bearer_token must be
                                           "sso-access-token"
A RoleArn containing "denied" gets 403 AccessDenied. Answers are STS's XML
(or the portal's JSON). Issued keys are ASIA0001, ASIA0002, … with secret
"role-secret-N" and token "role-token-N". GET /__log returns what was asked:
[{"action", "role", "session", "external_id", "duration", "signed_by", "region"}].
Prints the port, serves until stdin closes.
"""
import datetime
import json
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler

import loopback

import botocore.auth
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

LIFETIME = int(sys.argv[1]) if len(sys.argv) > 1 else 3600
KEYS = {"AKSOURCE": ("source-secret", None)}
LOG = []
LOCK = threading.Lock()
NS = "https://sts.amazonaws.com/doc/2011-06-15/"


def error_xml(code, message):
    return ('<ErrorResponse xmlns="%s"><Error><Type>Sender</Type><Code>%s</Code>'
            '<Message>%s</Message></Error><RequestId>r-1</RequestId></ErrorResponse>'
            % (NS, code, message))


def issue():
    n = len(KEYS)
    akid, secret, token = "ASIA%04d" % n, "role-secret-%d" % n, "role-token-%d" % n
    KEYS[akid] = (secret, token)
    exp = datetime.datetime.utcfromtimestamp(int(time.time()) + LIFETIME)
    return akid, secret, token, exp.strftime("%Y-%m-%dT%H:%M:%SZ")


def check_signature(headers, body):
    """The access key that signed the request, or an error text."""
    auth = headers.get("Authorization", "")
    try:
        cred = auth.split("Credential=")[1].split(",")[0]
        akid, day, region, service, _ = cred.split("/")
    except (IndexError, ValueError):
        return None, None, "no SigV4 Authorization header"
    if akid not in KEYS:
        return None, None, "unknown access key %s" % akid
    secret, token = KEYS[akid]
    if token and headers.get("X-Amz-Security-Token") != token:
        return None, None, "wrong or missing session token"
    when = datetime.datetime.strptime(headers.get("X-Amz-Date", ""), "%Y%m%dT%H%M%SZ")
    botocore.auth.get_current_datetime = lambda: when
    req = AWSRequest(method="POST", url="http://%s/" % headers["Host"], data=body,
                     headers={"Content-Type": headers["Content-Type"], "Host": headers["Host"]})
    SigV4Auth(Credentials(akid, secret, token), service, region).add_auth(req)
    if req.headers["Authorization"] != auth or service != "sts":
        return None, None, "signature does not match"
    return akid, region, None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, text, ctype="text/xml"):
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        if url.path == "/__log":
            with LOCK:
                return self.reply(200, json.dumps(LOG), "application/json")
        if url.path != "/federation/credentials":
            return self.reply(404, "{}", "application/json")
        q = dict(urllib.parse.parse_qsl(url.query))
        with LOCK:
            LOG.append({"action": "GetRoleCredentials", "role": q.get("role_name"),
                        "account": q.get("account_id")})
            if self.headers.get("x-amz-sso_bearer_token") != "sso-access-token":
                return self.reply(401, json.dumps({"message": "Session token not found or invalid"}),
                                  "application/json")
            akid, secret, token, _ = issue()
        doc = {"roleCredentials": {"accessKeyId": akid, "secretAccessKey": secret,
                                   "sessionToken": token,
                                   "expiration": (int(time.time()) + LIFETIME) * 1000}}
        self.reply(200, json.dumps(doc), "application/json")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        form = dict(urllib.parse.parse_qsl(body.decode()))
        action = form.get("Action")
        entry = {"action": action, "role": form.get("RoleArn"),
                 "session": form.get("RoleSessionName"), "external_id": form.get("ExternalId"),
                 "duration": form.get("DurationSeconds"), "version": form.get("Version")}
        with LOCK:
            LOG.append(entry)
            if action == "AssumeRole":
                akid, region, why = check_signature(self.headers, body)
                if why:
                    return self.reply(403, error_xml("SignatureDoesNotMatch", why))
                entry["signed_by"], entry["region"] = akid, region
            elif action == "AssumeRoleWithWebIdentity":
                if form.get("WebIdentityToken") != "web-token-ok":
                    return self.reply(400, error_xml("InvalidIdentityToken",
                                                     "The web identity token is not valid"))
            else:
                return self.reply(400, error_xml("InvalidAction", "unknown action"))
            if "denied" in (form.get("RoleArn") or ""):
                return self.reply(403, error_xml("AccessDenied", "User is not authorized to "
                                                 "perform: sts:AssumeRole"))
            akid, secret, token, exp = issue()
        self.reply(200, '<%sResponse xmlns="%s"><%sResult><Credentials>'
                   '<AccessKeyId>%s</AccessKeyId><SecretAccessKey>%s</SecretAccessKey>'
                   '<SessionToken>%s</SessionToken><Expiration>%s</Expiration>'
                   '</Credentials></%sResult></%sResponse>'
                   % (action, NS, action, akid, secret, token, exp, action, action))


def main():
    loopback.serve(Handler)


if __name__ == "__main__":
    main()
