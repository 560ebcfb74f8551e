#!/usr/bin/env python3
"""The AWS CLI's `aws dynamodb` and `aws dynamodbstreams` commands against `pqsh serve`.

Usage: aws_cli.py URL. Runs the CLI's own driver (awscli.clidriver, what the `aws`
command runs) in this one process — the CLI starts slowly, and one interpreter
keeps dozens of commands within seconds. Prints one "ok"/"FAIL" line per check;
exits 1 on any failure. Credentials and region come from the environment.
"""
import contextlib
import io
import json
import os
import re
import sys
import tempfile

from awscli.clidriver import create_clidriver

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from serve_check import check, finish  # noqa: E402

URL = sys.argv[1]
DRIVER = create_clidriver()


def aws(*args, output="json"):
    """(exit status, stdout, stderr) of `aws --endpoint-url URL --output OUTPUT ARGS...`."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = DRIVER.main(["--endpoint-url", URL, "--output", output] + list(args))
    return rc, out.getvalue(), err.getvalue()


def ok_json(name, *args, output="json"):
    """The parsed JSON answer of a command that must succeed (None, and a FAIL, if it does not)."""
    rc, out, err = aws(*args, output=output)
    if rc != 0:
        check(name + " succeeds", False, (rc, out, err))
        return None
    return json.loads(out) if out.strip() else {}


def key(pk, sk):
    return json.dumps({"pk": {"S": pk}, "sk": {"N": str(sk)}})


# ---- tables: create, wait, describe, list with pagination ------------------
j = ok_json("create-table", "dynamodb", "create-table", "--table-name", "CliSongs",
            "--attribute-definitions", "AttributeName=pk,AttributeType=S", "AttributeName=sk,AttributeType=N",
            "--key-schema", "AttributeName=pk,KeyType=HASH", "AttributeName=sk,KeyType=RANGE",
            "--billing-mode", "PAY_PER_REQUEST",
            "--stream-specification", "StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES")
td = (j or {}).get("TableDescription", {})
check("create-table: the description", td.get("TableName") == "CliSongs" and td.get("KeySchema") == [
    {"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]
    and td.get("BillingModeSummary", {}).get("BillingMode") == "PAY_PER_REQUEST", td)
rc, out, err = aws("dynamodb", "wait", "table-exists", "--table-name", "CliSongs")
check("wait table-exists", rc == 0 and out == "", (rc, out, err))
rc, out, err = aws("dynamodb", "describe-table", "--table-name", "CliSongs",
                   "--query", "[Table.TableStatus, Table.ItemCount, Table.StreamSpecification.StreamViewType]",
                   output="text")
check("describe-table --query --output text", (rc, out) == (0, "ACTIVE\t0\tNEW_AND_OLD_IMAGES\n"), (rc, out, err))
for name in ("CliA", "CliB", "CliC"):
    aws("dynamodb", "create-table", "--table-name", name, "--attribute-definitions",
        "AttributeName=k,AttributeType=S", "--key-schema", "AttributeName=k,KeyType=HASH",
        "--billing-mode", "PAY_PER_REQUEST")
j = ok_json("list-tables --max-items", "dynamodb", "list-tables", "--max-items", "2")
check("list-tables --max-items 2", j and j["TableNames"] == ["CliA", "CliB"] and "NextToken" in j, j)
j2 = ok_json("list-tables --starting-token", "dynamodb", "list-tables", "--starting-token", (j or {}).get("NextToken", ""))
check("list-tables --starting-token resumes", j2 and j2["TableNames"] == ["CliC", "CliSongs"]
      and "NextToken" not in j2, j2)
rc, out, err = aws("dynamodb", "list-tables", "--page-size", "1", output="text")
check("list-tables --page-size 1 (auto-pagination) --output text",
      (rc, out) == (0, "TABLENAMES\tCliA\nTABLENAMES\tCliB\nTABLENAMES\tCliC\nTABLENAMES\tCliSongs\n"), (rc, out, err))

# ---- put / get / update / delete ------------------------------------------------
rc, out, err = aws("dynamodb", "put-item", "--table-name", "CliSongs", "--item",
                   json.dumps({"pk": {"S": "ann"}, "sk": {"N": "1"}, "plays": {"N": "5"},
                               "tags": {"SS": ["a", "b"]}, "big": {"N": "12345678901234567890123456789012345678"}}),
                   "--return-consumed-capacity", "TOTAL")
check("put-item --return-consumed-capacity TOTAL", rc == 0 and json.loads(out) == {
    "ConsumedCapacity": {"TableName": "CliSongs", "CapacityUnits": 1.0, "WriteCapacityUnits": 1.0}}, (rc, out, err))
rc, out, err = aws("dynamodb", "put-item", "--table-name", "CliSongs", "--item", key("ann", 1),
                   "--condition-expression", "attribute_not_exists(pk)")
check("put-item with a failed condition: status 255, the error on stderr",
      rc == 255 and out == "" and err.strip() == "An error occurred (ConditionalCheckFailedException) when "
      "calling the PutItem operation: The conditional request failed", (rc, out, err))
j = ok_json("update-item", "dynamodb", "update-item", "--table-name", "CliSongs", "--key", key("ann", 1),
            "--update-expression", "SET plays = plays + :one ADD tags :t", "--condition-expression", "plays = :five",
            "--expression-attribute-values", json.dumps({":one": {"N": "1"}, ":t": {"SS": ["c"]}, ":five": {"N": "5"}}),
            "--return-values", "UPDATED_NEW")
check("update-item --return-values UPDATED_NEW", j and j["Attributes"]["plays"] == {"N": "6"}
      and sorted(j["Attributes"]["tags"]["SS"]) == ["a", "b", "c"] and len(j["Attributes"]) == 2, j)
j = ok_json("get-item", "dynamodb", "get-item", "--table-name", "CliSongs", "--key", key("ann", 1),
            "--projection-expression", "plays, big", "--consistent-read")
check("get-item --projection-expression keeps 38 digits", j == {"Item": {
    "plays": {"N": "6"}, "big": {"N": "12345678901234567890123456789012345678"}}}, j)
rc, out, err = aws("dynamodb", "get-item", "--table-name", "CliSongs", "--key", key("nobody", 1))
check("get-item of a missing item prints nothing", (rc, out) == (0, ""), (rc, out, err))
rc, out, err = aws("dynamodb", "get-item", "--table-name", "CliSongs", "--key", key("ann", 1),
                   "--projection-expression", "plays", output="text")
check("get-item --output text", (rc, out) == (0, "PLAYS\t6\n"), (rc, out, err))

# ---- batch-write-item from a file, query and scan with pagination ----------------
with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
    json.dump({"CliSongs": [{"PutRequest": {"Item": {"pk": {"S": "bob"}, "sk": {"N": str(i)},
                                                     "even": {"BOOL": i % 2 == 0}}}} for i in range(25)]}, f)
j = ok_json("batch-write-item", "dynamodb", "batch-write-item", "--request-items", "file://" + f.name)
os.unlink(f.name)
check("batch-write-item of 25: UnprocessedItems {}", j == {"UnprocessedItems": {}}, j)
QUERY = ["dynamodb", "query", "--table-name", "CliSongs", "--key-condition-expression", "pk = :p",
         "--expression-attribute-values", json.dumps({":p": {"S": "bob"}})]
j = ok_json("query --page-size", *QUERY, "--page-size", "7")
check("query --page-size 7: the CLI follows every page",
      j and [int(i["sk"]["N"]) for i in j["Items"]] == list(range(25)) and j["Count"] == 25
      and j["ScannedCount"] == 25 and "NextToken" not in j, j and (j["Count"], j.get("NextToken")))
j = ok_json("query --select COUNT", *QUERY, "--page-size", "10", "--select", "COUNT",
            "--filter-expression", "even = :t", "--expression-attribute-values",
            json.dumps({":p": {"S": "bob"}, ":t": {"BOOL": True}}))
check("query --select COUNT with a filter: counts summed over pages",
      j and j["Count"] == 13 and j["ScannedCount"] == 25 and "Items" not in j, j)
j = ok_json("query --max-items", *QUERY, "--max-items", "10", "--scan-index-forward" if False else "--no-scan-index-forward")
check("query --no-scan-index-forward --max-items 10",
      j and [int(i["sk"]["N"]) for i in j["Items"]] == list(range(24, 14, -1)) and "NextToken" in j, j)
j2 = ok_json("query --starting-token", *QUERY, "--no-scan-index-forward", "--starting-token", (j or {}).get("NextToken", ""))
check("query --starting-token resumes after the 10th",
      j2 and [int(i["sk"]["N"]) for i in j2["Items"]] == list(range(14, -1, -1)), j2)
j = ok_json("scan --projection-expression", "dynamodb", "scan", "--table-name", "CliSongs",
            "--projection-expression", "sk", "--page-size", "4", "--filter-expression", "pk = :p",
            "--expression-attribute-values", json.dumps({":p": {"S": "ann"}}))
check("scan --projection-expression --filter-expression --page-size 4",
      j and j["Items"] == [{"sk": {"N": "1"}}] and j["Count"] == 1 and j["ScannedCount"] == 26, j)
j = ok_json("scan --select COUNT", "dynamodb", "scan", "--table-name", "CliSongs", "--select", "COUNT", "--page-size", "5")
check("scan --select COUNT --page-size 5", j and j["Count"] == 26 and j["ScannedCount"] == 26, j)

# ---- execute-statement with NextToken, transact-write-items ------------------------
j = ok_json("execute-statement --limit", "dynamodb", "execute-statement", "--statement",
            "SELECT sk FROM CliSongs WHERE pk = ?", "--parameters", '[{"S": "bob"}]', "--limit", "10")
seen, rounds = [], 0
while j is not None:
    seen += [int(i["sk"]["N"]) for i in j["Items"]]
    rounds += 1
    if "NextToken" not in j or rounds > 5:
        break
    j = ok_json("execute-statement --next-token", "dynamodb", "execute-statement", "--statement",
                "SELECT sk FROM CliSongs WHERE pk = ?", "--parameters", '[{"S": "bob"}]', "--limit", "10",
                "--next-token", j["NextToken"])
check("execute-statement --limit 10 then --next-token: 3 rounds, every item once",
      seen == list(range(25)) and rounds == 3, (seen, rounds))
TX_OK = [{"Update": {"TableName": "CliSongs", "Key": {"pk": {"S": "ann"}, "sk": {"N": "1"}},
                     "UpdateExpression": "SET plays = :z", "ExpressionAttributeValues": {":z": {"N": "0"}}}},
         {"Put": {"TableName": "CliSongs", "Item": {"pk": {"S": "cat"}, "sk": {"N": "1"}}}}]
j = ok_json("transact-write-items", "dynamodb", "transact-write-items", "--transact-items", json.dumps(TX_OK))
check("transact-write-items", j == {}, j)
TX_BAD = [{"Delete": {"TableName": "CliSongs", "Key": {"pk": {"S": "cat"}, "sk": {"N": "1"}}}},
          {"ConditionCheck": {"TableName": "CliSongs", "Key": {"pk": {"S": "ann"}, "sk": {"N": "1"}},
                              "ConditionExpression": "plays > :z", "ExpressionAttributeValues": {":z": {"N": "0"}}}}]
rc, out, err = aws("dynamodb", "transact-write-items", "--transact-items", json.dumps(TX_BAD))
check("transact-write-items cancelled", rc == 255 and err.strip() == "An error occurred "
      "(TransactionCanceledException) when calling the TransactWriteItems operation: Transaction cancelled, "
      "please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]", (rc, out, err))
j = ok_json("get-item after the cancelled transaction", "dynamodb", "get-item", "--table-name", "CliSongs",
            "--key", key("cat", 1))
check("… which deleted nothing", j == {"Item": {"pk": {"S": "cat"}, "sk": {"N": "1"}}}, j)

# ---- TTL, tags --------------------------------------------------------------------------
rc, out, err = aws("dynamodb", "describe-time-to-live", "--table-name", "CliSongs", output="text")
check("describe-time-to-live before", (rc, out) == (0, "TIMETOLIVEDESCRIPTION\tDISABLED\n"), (rc, out, err))
j = ok_json("update-time-to-live", "dynamodb", "update-time-to-live", "--table-name", "CliSongs",
            "--time-to-live-specification", "Enabled=true,AttributeName=expires")
check("update-time-to-live", j == {"TimeToLiveSpecification": {"Enabled": True, "AttributeName": "expires"}}, j)
j = ok_json("describe-time-to-live", "dynamodb", "describe-time-to-live", "--table-name", "CliSongs")
check("describe-time-to-live after", j == {"TimeToLiveDescription": {
    "TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}}, j)
rc, out, err = aws("dynamodb", "update-time-to-live", "--table-name", "CliSongs",
                   "--time-to-live-specification", "Enabled=true,AttributeName=expires")
check("enabling TTL twice is refused", rc == 255 and "(ValidationException)" in err
      and err.strip().endswith("TimeToLive is already enabled"), (rc, err))
arn = ok_json("describe-table for the ARN", "dynamodb", "describe-table", "--table-name", "CliSongs")["Table"]["TableArn"]
rc, out, err = aws("dynamodb", "tag-resource", "--resource-arn", arn, "--tags", "Key=env,Value=test", "Key=team,Value=db")
check("tag-resource prints nothing", (rc, out) == (0, ""), (rc, out, err))
rc, out, err = aws("dynamodb", "untag-resource", "--resource-arn", arn, "--tag-keys", "team")
rc, out, err = aws("dynamodb", "list-tags-of-resource", "--resource-arn", arn, output="text")
check("list-tags-of-resource after untag", (rc, out) == (0, "TAGS\tenv\ttest\n"), (rc, out, err))
rc, out, err = aws("dynamodb", "list-tags-of-resource", "--resource-arn", arn, output="table")
lines = out.splitlines()
check("--output table: the title, the Tags box, the row",
      rc == 0 and "|ListTagsOfResource" in lines[1] and re.fullmatch(r"\|\|\s+Tags\s+\|\|", lines[3])
      and re.fullmatch(r"\|\|\s+Key\s+\|\s+Value\s+\|\|", lines[5])
      and re.fullmatch(r"\|\|\s+env\s+\|\s+test\s+\|\|", lines[7]) and len(lines) == 9, (rc, out, err))

# ---- dynamodbstreams: list-streams, describe-stream, get-shard-iterator, get-records ----
j = ok_json("list-streams", "dynamodbstreams", "list-streams", "--table-name", "CliSongs")
streams = (j or {}).get("Streams", [])
check("list-streams", len(streams) == 1 and streams[0]["TableName"] == "CliSongs"
      and streams[0]["StreamArn"] == arn + "/stream/" + streams[0]["StreamLabel"], j)
sarn = streams[0]["StreamArn"] if streams else ""
j = ok_json("describe-stream", "dynamodbstreams", "describe-stream", "--stream-arn", sarn)
sd = (j or {}).get("StreamDescription", {})
check("describe-stream", sd.get("StreamStatus") == "ENABLED" and sd.get("StreamViewType") == "NEW_AND_OLD_IMAGES"
      and sd.get("KeySchema") == td.get("KeySchema") and len(sd.get("Shards", [])) >= 1, sd)
shard = sd["Shards"][0]["ShardId"] if sd.get("Shards") else ""
j = ok_json("get-shard-iterator", "dynamodbstreams", "get-shard-iterator", "--stream-arn", sarn,
            "--shard-id", shard, "--shard-iterator-type", "TRIM_HORIZON")
j = ok_json("get-records", "dynamodbstreams", "get-records", "--shard-iterator", (j or {}).get("ShardIterator", ""),
            "--limit", "100")
recs = (j or {}).get("Records", [])
# Written so far: ann put, ann updated, 25 bob puts, ann updated, cat put (the TTL and tag
# changes are not item writes; the failed writes wrote nothing).
names = [r["eventName"] for r in recs]
check("get-records: one record per item write, in order",
      names == ["INSERT", "MODIFY"] + ["INSERT"] * 25 + ["MODIFY", "INSERT"], names)
first = recs[0]["dynamodb"] if recs else {}
check("a record's images and keys", first.get("Keys") == {"pk": {"S": "ann"}, "sk": {"N": "1"}}
      and first.get("NewImage", {}).get("plays") == {"N": "5"} and "OldImage" not in first
      and recs[1]["dynamodb"]["OldImage"]["plays"] == {"N": "5"}
      and recs[1]["dynamodb"]["NewImage"]["plays"] == {"N": "6"}
      and first.get("StreamViewType") == "NEW_AND_OLD_IMAGES"
      and recs[0]["eventSource"] == "aws:dynamodb", recs[:2])

# ---- delete-table, wait table-not-exists, errors ---------------------------------------------
j = ok_json("delete-table", "dynamodb", "delete-table", "--table-name", "CliA")
check("delete-table answers DELETING", j and j["TableDescription"]["TableStatus"] == "DELETING", j)
rc, out, err = aws("dynamodb", "wait", "table-not-exists", "--table-name", "CliA")
check("wait table-not-exists", (rc, out) == (0, ""), (rc, out, err))
rc, out, err = aws("dynamodb", "describe-table", "--table-name", "CliA")
check("describe-table of a deleted table", rc == 255 and err.strip() == "An error occurred "
      "(ResourceNotFoundException) when calling the DescribeTable operation: Requested resource not found: "
      "Table: CliA not found", (rc, out, err))
finish()
