#!/usr/bin/env python3
"""Starts moto_server on a loopback port WITH signature checking, for the AWS backend tests.

`moto_auth.py noauth` starts it without signature checking instead (any
credentials, session tokens included, are accepted) and prints {"port"}.

The first INITIAL_NO_AUTH_ACTION_COUNT requests are unauthenticated: they
create an IAM user, a `dynamodb:*` policy and an access key. From then on
moto verifies every request's SigV4 signature against that key. Prints one
JSON line {"port", "access_key", "secret_key"} and serves until stdin closes.
"""
import json
import logging
import os
import sys

NOAUTH = sys.argv[1:] == ["noauth"]
if not NOAUTH:
    os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = "3"
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

import boto3  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402

POLICY = {"Version": "2012-10-17",
          "Statement": [{"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}]}


def main():
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    if NOAUTH:
        print(json.dumps({"port": port}), flush=True)
        sys.stdin.read()
        server.stop()
        return
    iam = boto3.client("iam", endpoint_url="http://%s:%d" % (host, port), region_name="us-east-1",
                       aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
    iam.create_user(UserName="pqsh")
    iam.put_user_policy(UserName="pqsh", PolicyName="ddb", PolicyDocument=json.dumps(POLICY))
    key = iam.create_access_key(UserName="pqsh")["AccessKey"]
    print(json.dumps({"port": port, "access_key": key["AccessKeyId"],
                      "secret_key": key["SecretAccessKey"]}), flush=True)
    sys.stdin.read()
    server.stop()


if __name__ == "__main__":
    main()
