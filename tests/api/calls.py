#!/usr/bin/env python3
"""calls.py URL FILE.api — run an API golden file through boto3 and print the answers.

An .api file is a list of DynamoDB calls, each `OpName {request JSON}`: the
operation name starts a line, its JSON request follows on the same line and
may continue on the lines after it (indented) up to the next call. `#` at
the start of a line is a comment. Binary values are written in base64
({"B": "AAE="}) and sent as bytes.

For each call the output is `> OpName`, then the response as JSON with
sorted keys (ResponseMetadata left out; binary values back in base64;
timestamps as epoch seconds; TableId masked), one line, or, when the call fails, `! Code: Message`
followed by the error's other members (CancellationReasons, Item, …) as
JSON on one line. The operations of DynamoDB Streams (ListStreams,
DescribeStream, GetShardIterator, GetRecords) go through the SDK's streams
client to the same endpoint. A request string "$Name" is replaced by the
last value of member Name met in an earlier answer (an iterator, a shard
id, a sequence number), so a file can follow what the server handed out.
The same files are run through the AWS SDK for JavaScript v3 by
calls.mjs, which prints the same text, so both SDKs see the same answers.
"""
import base64
import datetime
import json
import re
import sys

import boto3
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError

CALL = re.compile(r"^([A-Z][A-Za-z]+)\s*(.*)$")


def read_calls(path):
    calls, cur = [], None
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.startswith("#"):
                continue
            m = CALL.match(line)
            if m:
                cur = [m.group(1), m.group(2), n]
                calls.append(cur)
            elif line.strip():
                if cur is None:
                    sys.exit(f"{path}:{n}: text before the first call")
                cur[1] += "\n" + line.rstrip("\n")
    out = []
    for op, text, n in calls:
        try:
            out.append((op, json.loads(text) if text.strip() else {}, n))
        except json.JSONDecodeError as e:
            sys.exit(f"{path}:{n}: the request of {op} is not JSON: {e}")
    return out


def to_wire(v):
    """Request JSON → boto3 arguments: base64 binary values become bytes."""
    if isinstance(v, dict):
        if len(v) == 1 and isinstance(v.get("B"), str):
            return {"B": base64.b64decode(v["B"])}
        if len(v) == 1 and isinstance(v.get("BS"), list) and all(isinstance(x, str) for x in v["BS"]):
            return {"BS": [base64.b64decode(x) for x in v["BS"]]}
        return {k: to_wire(x) for k, x in v.items()}
    if isinstance(v, list):
        return [to_wire(x) for x in v]
    return v


def from_wire(v):
    """boto3 answer → printable JSON: bytes in base64, times as epoch seconds."""
    if isinstance(v, (bytes, bytearray)):
        return base64.b64encode(v).decode()
    if isinstance(v, datetime.datetime):
        return epoch(v.timestamp())
    if isinstance(v, dict):
        return {k: from_wire(x) for k, x in v.items()}
    if isinstance(v, list):
        return [from_wire(x) for x in v]
    return v


def epoch(t):
    s = f"{t:.3f}".rstrip("0").rstrip(".")
    return s


# Members that differ from run to run on any DynamoDB (Address: DescribeEndpoints'
# host:port): shown as "<varies>".
VARIES = {"TableId", "Address", "ShardIterator", "NextShardIterator"}

STREAMS_OPS = {"ListStreams", "DescribeStream", "GetShardIterator", "GetRecords"}


def remember(v, seen):
    """Every string member of an answer, by name (the last one met wins)."""
    if isinstance(v, dict):
        for k, x in v.items():
            if isinstance(x, str):
                seen[k] = x
            else:
                remember(x, seen)
    elif isinstance(v, list):
        for x in v:
            remember(x, seen)


def recall(v, seen):
    """Request JSON with each "$Name" string replaced from `seen`."""
    if isinstance(v, str) and v.startswith("$") and v[1:] in seen:
        return seen[v[1:]]
    if isinstance(v, dict):
        return {k: recall(x, seen) for k, x in v.items()}
    if isinstance(v, list):
        return [recall(x, seen) for x in v]
    return v


def mask(v):
    if isinstance(v, dict):
        return {k: "<varies>" if k in VARIES else mask(x) for k, x in v.items()}
    if isinstance(v, list):
        return [mask(x) for x in v]
    return v


def show(obj):
    print(json.dumps(mask(obj), sort_keys=True, ensure_ascii=False))


def main():
    url, path = sys.argv[1], sys.argv[2]
    clients = {name: boto3.client(name, endpoint_url=url, region_name="us-east-1",
                                  aws_access_key_id="AKIDPQSHTEST",
                                  aws_secret_access_key="pqsh-test-secret",
                                  config=Config(retries={"max_attempts": 1, "mode": "standard"},
                                                parameter_validation=False))
               for name in ("dynamodb", "dynamodbstreams")}
    seen = {}
    for op, req, _ in read_calls(path):
        print(f"> {op}")
        fn = getattr(clients["dynamodbstreams" if op in STREAMS_OPS else "dynamodb"],
                     xform_name(op))
        try:
            resp = fn(**to_wire(recall(req, seen)))
        except ClientError as e:
            r = e.response
            print(f"! {r['Error'].get('Code', '?')}: {r['Error'].get('Message', '')}")
            rest = {k: v for k, v in r.items()
                    if k not in ("Error", "ResponseMetadata", "message", "Message")}
            if rest:
                show(from_wire(rest))
            continue
        resp.pop("ResponseMetadata", None)
        remember(resp, seen)
        show(from_wire(resp))


if __name__ == "__main__":
    main()
