#!/usr/bin/env python3
"""Signs requests with botocore's SigV4Auth, for the differential test (test_sigv4_diff.c).

Reads JSON lines {"time","region","service","access_key","secret_key","token",
"host","headers":[[name,value],...],"body_hex"} from stdin and writes, for each,
one line: the Authorization header botocore computes.
"""
import datetime
import json
import sys

import botocore.auth
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def main():
    for line in sys.stdin:
        case = json.loads(line)
        when = datetime.datetime.strptime(case["time"], "%Y%m%dT%H%M%SZ")
        botocore.auth.get_current_datetime = lambda when=when: when
        creds = Credentials(case["access_key"], case["secret_key"], case.get("token"))
        req = AWSRequest(method="POST", url="https://%s/" % case["host"],
                         data=bytes.fromhex(case["body_hex"]), headers=dict(case["headers"]))
        SigV4Auth(creds, case["service"], case["region"]).add_auth(req)
        print(req.headers["Authorization"], flush=True)


if __name__ == "__main__":
    main()
