#!/usr/bin/env python3
"""differential.py PQSH_URL [--steps N] [--seed S] — pqsh serve and moto in lock-step.

Random operations, generated from a fixed seed, are sent through boto3 to
`pqsh serve` and to moto (started here, in-process, on a free loopback port):
PutItem / DeleteItem / GetItem with random condition expressions,
projections and ReturnValues, UpdateItem with random update expressions,
Scan (segments, Limit, every page), BatchWriteItem / BatchGetItem, and
ExecuteStatement INSERT / UPDATE / DELETE / SELECT with random values. After each step the outcomes are compared
(success or the error's type, and what a success returned) and then every
item of the table on both sides.

moto is the witness of the wire, not the judge of semantics: where moto is
known to be wrong per the reference, the case is listed in
differential_moto.md beside this file, recognised here by KNOWN (each entry
also checks that pqsh answered what the reference says), and moto's table
is re-synchronised from pqsh's so the walk goes on. Any other difference is
a failure: the step is printed with both answers, and the exit status is 1.
"""
import argparse
import base64
import json
import random
import re
import sys
import time
from decimal import Decimal

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from moto import mock_aws

TABLE = "Diff"
PKS = ["a", "b", "c"]
SKS = ["1", "2", "3", "4"]  # strings: moto's PartiQL WHERE takes only quoted literals
ATTRS = ["n", "s", "flag", "l", "m", "ss", "ns", "bin", "nul"]  # none is a reserved word


# ---- random values, items, expressions --------------------------------------


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def number(self):
        return self.r.choice(["0", "1", "2", "-1", "1.5", "10", "100", "2.50", "-0.25", "3"])

    def string(self):
        return self.r.choice(["", "a", "ab", "abc", "b", "Z", "é", "a b", "1"])

    def scalar(self):
        k = self.r.choice("NNSSB")
        if k == "N":
            return {"N": self.number()}
        if k == "S":
            return {"S": self.string()}
        return {"B": base64.b64encode(self.r.choice([b"", b"\x00", b"\x01\x02", b"a"])).decode()}

    def value(self, depth=0):
        k = self.r.choice(["N", "N", "S", "S", "B", "BOOL", "NULL", "L", "M", "SS", "NS", "BS"])
        if k in ("N", "S", "B"):
            v = self.scalar()
            while next(iter(v)) != k:
                v = self.scalar()
            return v
        if k == "BOOL":
            return {"BOOL": self.r.random() < 0.5}
        if k == "NULL":
            return {"NULL": True}
        if k == "L":
            return {"L": [self.value(depth + 1) if depth < 1 else self.scalar()
                          for _ in range(self.r.randint(0, 3))]}
        if k == "M":
            return {"M": {self.r.choice(["x", "y", "z"]): self.value(depth + 1) if depth < 1
                          else self.scalar() for _ in range(self.r.randint(0, 3))}}
        if k == "SS":
            return {"SS": sorted(set(self.r.choice(["a", "b", "c", "ab"])
                                     for _ in range(self.r.randint(1, 3))))}
        if k == "NS":
            return {"NS": sorted(set(self.r.choice(["1", "2", "3", "1.5"])
                                     for _ in range(self.r.randint(1, 3))))}
        return {"BS": sorted(set(self.r.choice(["AA==", "AQ==", "YQ=="])
                                 for _ in range(self.r.randint(1, 2))))}

    def key(self):
        return {"pk": {"S": self.r.choice(PKS)}, "sk": {"S": self.r.choice(SKS)}}

    def item(self):
        it = self.key()
        for a in self.r.sample(ATTRS, self.r.randint(0, 4)):
            it[a] = self.value()
        return it

    # A condition expression with its own names and values. Operands are
    # mostly well typed (a path against a scalar of a plausible type), as an
    # application writes them; ill-typed constant operands are a parser
    # matter for the golden tests, not for a walk through the data.
    def condition(self):
        ctx = {"names": {}, "values": {}}
        text = self.cond(ctx, 0)
        return text, ctx

    def path(self, ctx):
        a = self.r.choice(ATTRS + ["pk", "sk", "gone"])
        if self.r.random() < 0.5:
            ref = f"#{a}"
            ctx["names"][ref] = a
            a = ref
        # Nested paths into a map or a list now and then.
        if a.lstrip("#") == "m" and self.r.random() < 0.4:
            a += "." + self.r.choice(["x", "y"])
        elif a.lstrip("#") == "l" and self.r.random() < 0.4:
            a += f"[{self.r.randint(0, 2)}]"
        return a

    def val(self, ctx, v):
        ref = f":v{len(ctx['values'])}"
        ctx["values"][ref] = v
        return ref

    def typed(self):
        return {"N": self.number()} if self.r.random() < 0.5 else {"S": self.string()}

    def cond(self, ctx, depth):
        c = self.r.random()
        if depth < 2 and c < 0.2:
            op = self.r.choice(["AND", "OR"])
            return f"({self.cond(ctx, depth + 1)} {op} {self.cond(ctx, depth + 1)})"
        if depth < 2 and c < 0.25:
            return f"NOT {self.cond(ctx, depth + 1)}"
        c = self.r.random()
        if c < 0.3:
            op = self.r.choice(["=", "<>", "<", "<=", ">", ">="])
            return f"{self.path(ctx)} {op} {self.val(ctx, self.typed())}"
        if c < 0.38:
            lo, hi = sorted([self.number(), self.number()], key=Decimal)
            return f"{self.path(ctx)} BETWEEN {self.val(ctx, {'N': lo})} AND {self.val(ctx, {'N': hi})}"
        if c < 0.45:
            opts = ", ".join(self.val(ctx, self.typed()) for _ in range(self.r.randint(1, 3)))
            return f"{self.path(ctx)} IN ({opts})"
        if c < 0.60:
            return f"attribute_exists({self.path(ctx)})"
        if c < 0.75:
            return f"attribute_not_exists({self.path(ctx)})"
        if c < 0.81:
            t = self.r.choice(["S", "N", "B", "BOOL", "NULL", "L", "M", "SS", "NS", "BS"])
            return f"attribute_type({self.path(ctx)}, {self.val(ctx, {'S': t})})"
        if c < 0.87:
            return f"begins_with({self.path(ctx)}, {self.val(ctx, {'S': self.string() or 'a'})})"
        if c < 0.93:
            return f"contains({self.path(ctx)}, {self.val(ctx, self.typed())})"
        op = self.r.choice(["=", "<", ">="])
        return f"size({self.path(ctx)}) {op} {self.val(ctx, {'N': str(self.r.randint(0, 3))})}"

    def projection(self):
        # Distinct top-level attributes: overlapping paths are an error
        # (a parser matter), nested ones wait for the expression parser.
        ctx = {"names": {}, "values": {}}
        paths = []
        for a in self.r.sample(ATTRS + ["pk", "sk", "gone"], self.r.randint(1, 3)):
            if self.r.random() < 0.5:
                ctx["names"][f"#{a}"] = a
                a = f"#{a}"
            paths.append(a)
        return ", ".join(paths), ctx


def with_ctx(req, ctx):
    if ctx["names"]:
        req["ExpressionAttributeNames"] = ctx["names"]
    if ctx["values"]:
        req["ExpressionAttributeValues"] = ctx["values"]
    return req


# ---- operations ---------------------------------------------------------------


def op_put(g):
    req = {"TableName": TABLE, "Item": g.item()}
    if g.r.random() < 0.6:
        text, ctx = g.condition()
        with_ctx(req, ctx)
        req["ConditionExpression"] = text
        if g.r.random() < 0.3:
            req["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    if g.r.random() < 0.3:
        req["ReturnValues"] = "ALL_OLD"
    return "PutItem", req


def op_delete(g):
    req = {"TableName": TABLE, "Key": g.key()}
    if g.r.random() < 0.6:
        text, ctx = g.condition()
        with_ctx(req, ctx)
        req["ConditionExpression"] = text
        if g.r.random() < 0.3:
            req["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    if g.r.random() < 0.4:
        req["ReturnValues"] = "ALL_OLD"
    return "DeleteItem", req


def op_get(g):
    req = {"TableName": TABLE, "Key": g.key(), "ConsistentRead": True}
    if g.r.random() < 0.4:
        text, ctx = g.projection()
        with_ctx(req, ctx)
        req["ProjectionExpression"] = text
    return "GetItem", req


def literal(v):
    """An AttributeValue as a PartiQL literal (of the kinds moto can read)."""
    k, x = next(iter(v.items()))
    if k == "S":
        return "'" + x + "'"
    if k == "N":
        return x
    if k == "BOOL":
        return "true" if x else "false"
    if k == "L":
        return "[" + ", ".join(literal(e) for e in x) + "]"
    return "{" + ", ".join(f"'{a}': {literal(e)}" for a, e in x.items()) + "}"


def literal_value(g):
    """A value that moto's PartiQL INSERT reads right: integers, strings
    without quotes, booleans, flat lists and non-empty flat maps of those
    (moto answers 500 to sets, NULL, decimals, nested lists and {})."""
    def scalar():
        c = g.r.random()
        if c < 0.4:
            return {"N": g.r.choice(["0", "1", "2", "-1", "10", "100"])}
        if c < 0.85:
            return {"S": g.string()}
        return {"BOOL": g.r.random() < 0.5}
    c = g.r.random()
    if c < 0.75:
        return scalar()
    if c < 0.88:
        return {"L": [scalar() for _ in range(g.r.randint(0, 3))]}
    return {"M": {a: scalar() for a in g.r.sample(["x", "y", "z"], g.r.randint(1, 3))}}


# PartiQL statements: moto cannot bind `?` in INSERT or DELETE (500), so
# those carry literals; UPDATE binds its new value as a parameter (any type).
def op_insert(g):
    k = g.key()
    cols = [("pk", k["pk"]), ("sk", k["sk"])]
    cols += [(a, literal_value(g)) for a in g.r.sample(ATTRS, g.r.randint(0, 3))]
    body = ", ".join(f"'{a}': {literal(v)}" for a, v in cols)
    return "ExecuteStatement", {"Statement": f'INSERT INTO "{TABLE}" VALUE {{{body}}}'}


def key_where(k):
    return f"pk = {literal(k['pk'])} AND sk = {literal(k['sk'])}"


def op_update(g):
    k = g.key()
    a = g.r.choice(ATTRS)
    if g.r.random() < 0.2:
        return "ExecuteStatement", {"Statement": f'UPDATE "{TABLE}" REMOVE {a} WHERE {key_where(k)}'}
    return "ExecuteStatement", {"Statement": f'UPDATE "{TABLE}" SET {a} = ? WHERE {key_where(k)}',
                                "Parameters": [g.value()]}


def op_delete_stmt(g):
    return "ExecuteStatement", {"Statement": f'DELETE FROM "{TABLE}" WHERE {key_where(g.key())}'}


def op_select(g):
    k = g.key()
    if g.r.random() < 0.5:
        return "ExecuteStatement", {"Statement": f'SELECT * FROM "{TABLE}" WHERE pk = ? AND sk = ?',
                                    "Parameters": [k["pk"], k["sk"]], "ConsistentRead": True}
    return "ExecuteStatement", {"Statement": f'SELECT * FROM "{TABLE}" WHERE pk = ?',
                                "Parameters": [k["pk"]], "ConsistentRead": True}


def op_update_item(g):
    """UpdateItem: a random UpdateExpression (SET with values, arithmetic,
    list_append and if_not_exists; REMOVE; ADD; DELETE), maybe a condition,
    a random ReturnValues."""
    ctx = {"names": {}, "values": {}}
    clauses = {}
    for a in g.r.sample(ATTRS, g.r.randint(1, 3)):
        ref = a
        if g.r.random() < 0.4:
            ref = f"#{a}"
            ctx["names"][ref] = a
        c = g.r.random()
        if c < 0.4:
            clauses.setdefault("SET", []).append(f"{ref} = {g.val(ctx, g.value())}")
        elif c < 0.5:
            op = g.r.choice(["+", "-"])
            clauses.setdefault("SET", []).append(
                f"{ref} = {ref} {op} {g.val(ctx, {'N': g.number()})}")
        elif c < 0.55:
            clauses.setdefault("SET", []).append(
                f"{ref} = if_not_exists({ref}, {g.val(ctx, {'N': g.number()})})")
        elif c < 0.6:
            clauses.setdefault("SET", []).append(
                f"{ref} = list_append({ref}, {g.val(ctx, {'L': [g.scalar()]})})")
        elif c < 0.75:
            clauses.setdefault("REMOVE", []).append(ref)
        elif c < 0.9:
            v = g.r.choice([{"N": g.number()}, {"SS": ["a", "z"]}, {"NS": ["1", "7"]}])
            clauses.setdefault("ADD", []).append(f"{ref} {g.val(ctx, v)}")
        else:
            v = g.r.choice([{"SS": ["a"]}, {"NS": ["1"]}])
            clauses.setdefault("DELETE", []).append(f"{ref} {g.val(ctx, v)}")
    text = " ".join(f"{k} {', '.join(v)}" for k, v in clauses.items())
    req = {"TableName": TABLE, "Key": g.key(), "UpdateExpression": text,
           "ReturnValues": g.r.choice(["NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"])}
    if g.r.random() < 0.4:
        cond, cctx = g.condition()
        # The condition's references get their own numbering after the update's.
        for ref, v in cctx["values"].items():
            new = f":c{ref[2:]}"
            cond = re.sub(rf"{ref}\b", new, cond)
            ctx["values"][new] = v
        ctx["names"].update(cctx["names"])
        req["ConditionExpression"] = cond
    return "UpdateItem", with_ctx(req, ctx)


def op_query(g):
    """Query of one partition: a sort-key condition, maybe a filter, either
    direction, maybe a Limit, maybe Select COUNT. The order of the answer
    is DynamoDB's (by sort key) and is compared as it is."""
    ctx = {"names": {}, "values": {}}
    key = g.r.choice(["pk", "#pk"])
    if key == "#pk":
        ctx["names"]["#pk"] = "pk"
    text = f"{key} = {g.val(ctx, {'S': g.r.choice(PKS)})}"
    c = g.r.random()
    if c < 0.5:
        op = g.r.choice(["=", "<", "<=", ">", ">="])
        text += f" AND sk {op} {g.val(ctx, {'S': g.r.choice(SKS)})}"
    elif c < 0.65:
        lo, hi = sorted(g.r.sample(SKS, 2))
        text += f" AND sk BETWEEN {g.val(ctx, {'S': lo})} AND {g.val(ctx, {'S': hi})}"
    elif c < 0.75:
        text += f" AND begins_with(sk, {g.val(ctx, {'S': g.r.choice(SKS)})})"
    req = {"TableName": TABLE, "KeyConditionExpression": text, "ConsistentRead": True,
           "ScanIndexForward": g.r.random() < 0.6}
    if g.r.random() < 0.4:
        cond, cctx = g.condition()
        for ref, v in cctx["values"].items():
            new = f":f{ref[2:]}"
            cond = re.sub(rf"{ref}\b", new, cond)
            ctx["values"][new] = v
        ctx["names"].update(cctx["names"])
        req["FilterExpression"] = cond
    if g.r.random() < 0.3:
        req["Limit"] = g.r.randint(1, 3)
    if g.r.random() < 0.15:
        req["Select"] = "COUNT"
    return "Query", with_ctx(req, ctx)


SCAN_FILTERS = True


def op_scan(g):
    """Scan of the whole table (every page), maybe with a filter and in
    segments: the order and the split differ between implementations, so
    the union of the pages is compared as a set."""
    req = {"TableName": TABLE, "ConsistentRead": True}
    if g.r.random() < 0.5:
        cond, ctx = g.condition()
        if SCAN_FILTERS:
            req["FilterExpression"] = cond
            with_ctx(req, ctx)
    if g.r.random() < 0.3:
        req["TotalSegments"] = g.r.randint(2, 4)
    if g.r.random() < 0.3:
        req["Limit"] = g.r.randint(1, 4)
    return "Scan", req


def distinct_keys(g, n):
    keys = {}
    while len(keys) < n:
        k = g.key()
        keys[(k["pk"]["S"], k["sk"]["S"])] = k
    return list(keys.values())


def op_batch_write(g):
    reqs = []
    for k in distinct_keys(g, g.r.randint(1, 4)):
        if g.r.random() < 0.7:
            it = g.item()
            it.update(k)
            reqs.append({"PutRequest": {"Item": it}})
        else:
            reqs.append({"DeleteRequest": {"Key": k}})
    return "BatchWriteItem", {"RequestItems": {TABLE: reqs}}


def op_batch_get(g):
    req = {"Keys": distinct_keys(g, g.r.randint(1, 4)), "ConsistentRead": True}
    if g.r.random() < 0.3:
        text, ctx = g.projection()
        req["ProjectionExpression"] = text
        if ctx["names"]:
            req["ExpressionAttributeNames"] = ctx["names"]
    return "BatchGetItem", {"RequestItems": {TABLE: req}}


# ---- legacy parameters (§10): the same walk through Expected, AttributeUpdates,
# ScanFilter, QueryFilter and KeyConditions --------------------------------------

LEGACY_OPS = ["EQ", "NE", "LT", "LE", "GT", "GE", "NULL", "NOT_NULL", "CONTAINS",
              "NOT_CONTAINS", "BEGINS_WITH", "IN", "BETWEEN"]


def legacy_condition(g):
    """One Condition {ComparisonOperator, AttributeValueList} with well-typed
    arguments (the argument checks are the golden tests' matter)."""
    op = g.r.choice(LEGACY_OPS)
    if op in ("NULL", "NOT_NULL"):
        return {"ComparisonOperator": op}
    if op == "BETWEEN":
        lo, hi = sorted([g.number(), g.number()], key=Decimal)
        return {"ComparisonOperator": op, "AttributeValueList": [{"N": lo}, {"N": hi}]}
    if op == "IN":
        t = g.r.choice("NS")
        vals = [{"N": g.number()} if t == "N" else {"S": g.string()}
                for _ in range(g.r.randint(1, 3))]
        return {"ComparisonOperator": op, "AttributeValueList": vals}
    if op == "BEGINS_WITH":
        return {"ComparisonOperator": op, "AttributeValueList": [{"S": g.string() or "a"}]}
    return {"ComparisonOperator": op, "AttributeValueList": [g.typed()]}


def legacy_filter(g, attrs):
    return {a: legacy_condition(g) for a in g.r.sample(attrs, g.r.randint(1, 2))}


def legacy_expected(g):
    out = {}
    for a in g.r.sample(ATTRS + ["pk", "gone"], g.r.randint(1, 2)):
        c = g.r.random()
        if c < 0.25:
            out[a] = {"Exists": False}
        elif c < 0.45:
            out[a] = {"Value": g.typed()}
        else:
            out[a] = legacy_condition(g)
    return out


def op_put_legacy(g):
    req = {"TableName": TABLE, "Item": g.item(), "Expected": legacy_expected(g)}
    if g.r.random() < 0.3:
        req["ReturnValues"] = "ALL_OLD"
    return "PutItem", req


def op_delete_legacy(g):
    req = {"TableName": TABLE, "Key": g.key(), "Expected": legacy_expected(g)}
    if g.r.random() < 0.4:
        req["ReturnValues"] = "ALL_OLD"
    return "DeleteItem", req


def op_scan_legacy(g):
    req = {"TableName": TABLE, "ConsistentRead": True, "ScanFilter": legacy_filter(g, ATTRS)}
    if g.r.random() < 0.3:
        req["Limit"] = g.r.randint(1, 4)
    return "Scan", req


# The reference's meaning of a legacy condition (§10, §2.5 Evaluation), to
# judge pqsh where moto's legacy support is wrong: an oracle for the test,
# not a second engine.

def av_type(v):
    return next(iter(v))


def av_equal(a, b):
    ta, tb = av_type(a), av_type(b)
    if ta != tb:
        return False
    x, y = a[ta], b[tb]
    if ta == "N":
        return Decimal(x) == Decimal(y)
    if ta == "NS":
        return set(map(Decimal, x)) == set(map(Decimal, y))
    if ta in ("SS", "BS"):
        return set(x) == set(y)
    if ta == "L":
        return len(x) == len(y) and all(av_equal(i, j) for i, j in zip(x, y))
    if ta == "M":
        return x.keys() == y.keys() and all(av_equal(x[k], y[k]) for k in x)
    return x == y


def scalar_key(v):
    t = av_type(v)
    if t == "N":
        return Decimal(v["N"])
    if t == "S":
        return v["S"].encode()
    return base64.b64decode(v["B"])


def av_cmp(a, b):
    """-1/0/1 for two scalars of one type (S, N, B), None otherwise."""
    if av_type(a) != av_type(b) or av_type(a) not in ("S", "N", "B"):
        return None
    x, y = scalar_key(a), scalar_key(b)
    return (x > y) - (x < y)


def av_contains(attr, v):
    t, vt = av_type(attr), av_type(v)
    if t in ("S", "B") and vt == t:
        return scalar_key(v) in scalar_key(attr)
    if t in ("SS", "NS", "BS") and vt == t[0]:
        return any(av_equal({vt: e}, v) for e in attr[t])
    if t == "L":
        return any(av_equal(e, v) for e in attr["L"])
    return False


def legacy_holds(cond, attr):
    op, vals = cond["ComparisonOperator"], cond.get("AttributeValueList", [])
    if op == "NULL":
        return attr is None
    if op == "NOT_NULL":
        return attr is not None
    if op == "NE":
        return not (attr is not None and av_equal(attr, vals[0]))
    if op == "NOT_CONTAINS":
        return not (attr is not None and av_contains(attr, vals[0]))
    if attr is None:
        return False
    if op == "EQ":
        return av_equal(attr, vals[0])
    if op == "CONTAINS":
        return av_contains(attr, vals[0])
    if op == "IN":
        return any(av_equal(attr, v) for v in vals)
    if op == "BEGINS_WITH":
        return (av_type(attr) == av_type(vals[0]) and av_type(attr) in ("S", "B") and
                scalar_key(attr).startswith(scalar_key(vals[0])))
    if op == "BETWEEN":
        lo, hi = av_cmp(attr, vals[0]), av_cmp(attr, vals[1])
        return lo is not None and hi is not None and lo >= 0 and hi <= 0
    c = av_cmp(attr, vals[0])
    return c is not None and {"LT": c < 0, "LE": c <= 0, "GT": c > 0, "GE": c >= 0}[op]


def expected_holds(expected, item):
    item = item or {}
    for a, e in expected.items():
        attr = item.get(a)
        if e.get("Exists") is False:
            ok = attr is None
        elif "Value" in e:
            ok = attr is not None and av_equal(attr, norm(e["Value"]))
        else:
            ok = legacy_holds(norm(e), attr)
        if not ok:
            return False
    return True


OPS = [(op_put, 30), (op_delete, 15), (op_get, 15), (op_insert, 10), (op_update, 12),
       (op_delete_stmt, 6), (op_select, 12), (op_batch_write, 8), (op_batch_get, 6),
       (op_update_item, 20), (op_scan, 6), (op_query, 12), (op_put_legacy, 8),
       (op_delete_legacy, 5), (op_scan_legacy, 4)]
# Written, and joining OPS as the operations arrive on main.
LATER = []


# ---- the two sides ----------------------------------------------------------
#
# pqsh serve is reached over HTTP; moto runs in this process (mock_aws: the
# same boto3 requests, parsed by moto's own handlers, without its HTTP
# server, which costs 40 ms a request here), and its table is read straight
# from its backend for the comparison after each step.


def client(url=None):
    kw = {"endpoint_url": url} if url else {}
    return boto3.client("dynamodb", region_name="us-east-1",
                        aws_access_key_id="AKIDPQSHTEST", aws_secret_access_key="pqsh-test-secret",
                        config=Config(retries={"max_attempts": 1, "mode": "standard"},
                                      parameter_validation=False), **kw)


def to_wire(v):
    """Generated JSON (binary in base64) → boto3 arguments (bytes)."""
    if isinstance(v, dict):
        if len(v) == 1 and isinstance(v.get("B"), str):
            return {"B": base64.b64decode(v["B"])}
        if len(v) == 1 and isinstance(v.get("BS"), list):
            return {"BS": [base64.b64decode(x) for x in v["BS"]]}
        return {k: to_wire(x) for k, x in v.items()}
    if isinstance(v, list):
        return [to_wire(x) for x in v]
    return v


def number(x):
    return format(Decimal(x).normalize(), "f")


def norm(v):
    """boto3 answer → comparable JSON: binary in base64, sets sorted, numbers
    in one spelling (DynamoDB answers 2.5 for 2.50; moto echoes what was sent)."""
    if isinstance(v, (bytes, bytearray)):
        return base64.b64encode(v).decode()
    if isinstance(v, dict):
        if len(v) == 1 and "N" in v:
            return {"N": number(v["N"])}
        if len(v) == 1 and "NS" in v:
            return {"NS": sorted(number(x) for x in v["NS"])}
        if len(v) == 1 and next(iter(v)) in ("SS", "BS"):
            return {next(iter(v)): sorted(norm(x) for x in next(iter(v.values())))}
        return {k: norm(x) for k, x in v.items()}
    if isinstance(v, list):
        return [norm(x) for x in v]
    return v


METHODS = {"PutItem": "put_item", "DeleteItem": "delete_item", "GetItem": "get_item",
           "BatchWriteItem": "batch_write_item", "BatchGetItem": "batch_get_item",
           "ExecuteStatement": "execute_statement", "UpdateItem": "update_item",
           "Query": "query", "Scan": "scan"}


def scan_all(c, req):
    """Every page of every segment of a Scan, as one answer."""
    items, count, scanned = [], 0, 0
    for seg in range(req.get("TotalSegments", 1)):
        r = dict(req)
        if "TotalSegments" in req:
            r["Segment"] = seg
        while True:
            resp = c.scan(**to_wire(r))
            items += resp.get("Items", [])
            count += resp["Count"]
            scanned += resp["ScannedCount"]
            if not resp.get("LastEvaluatedKey"):
                break
            r["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
    return {"Items": items, "Count": count, "ScannedCount": scanned}


def call(c, op, req):
    """→ ("ok", comparable answer) or ("error", code, message)."""
    try:
        if op == "Scan":
            resp = scan_all(c, req)
        else:
            resp = getattr(c, METHODS[op])(**to_wire(req))
    except ClientError as e:
        err = e.response.get("Error", {})
        return ("error", err.get("Code", "?"), err.get("Message", ""))
    except Exception as e:  # moto in-process: its own crash (a 500 over HTTP)
        return ("error", "500", f"{type(e).__name__}: {e}")
    ans = {k: norm(resp[k]) for k in ("Attributes", "Item", "Items", "Responses",
                                      "UnprocessedItems", "UnprocessedKeys") if k in resp}
    if op == "Query":  # the order and the paging are part of the answer
        ans.update({k: norm(resp[k]) for k in ("Count", "ScannedCount", "LastEvaluatedKey")
                    if k in resp})
        return ("ok", ans)
    if op == "Scan":
        ans["Count"] = resp["Count"]
    by_text = lambda it: json.dumps(it, sort_keys=True)
    if "Items" in ans:
        ans["Items"] = sorted(ans["Items"], key=by_text)
    for t, items in ans.get("Responses", {}).items():
        ans["Responses"][t] = sorted(items, key=by_text)
    return ("ok", ans)


def keyed(items):
    return {(it["pk"]["S"], it["sk"]["S"]): it for it in (norm(i) for i in items)}


def pqsh_items(c):
    items, token = [], None
    while True:
        req = {"Statement": f'SELECT * FROM "{TABLE}"', "ConsistentRead": True}
        if token:
            req["NextToken"] = token
        resp = c.execute_statement(**req)
        items += resp["Items"]
        token = resp.get("NextToken")
        if not token:
            return keyed(items)


def moto_items():
    from moto.dynamodb.models import dynamodb_backends
    table = dynamodb_backends["123456789012"]["us-east-1"].tables[TABLE]
    return keyed(it.to_json()["Attributes"] for it in table.all_items())


def resync(pq, mo):
    """Make moto's table what pqsh's is (after a difference)."""
    want, have = pqsh_items(pq), moto_items()
    for k in have.keys() - want.keys():
        mo.delete_item(TableName=TABLE, Key={"pk": {"S": k[0]}, "sk": {"S": k[1]}})
    for k, it in want.items():
        if have.get(k) != it:
            mo.put_item(TableName=TABLE, Item=to_wire(it))


# ---- the cases where moto is wrong (differential_moto.md) --------------------
#
# Each predicate gets (op, request, pqsh's outcome, moto's outcome, pqsh's item
# of the request's key before the step or None) and says whether the
# difference is that case AND pqsh answered what the reference says.


def stmt(req):
    return req.get("Statement", "").split()[0] if "Statement" in req else ""


def stmt_key(req):
    """The key a generated INSERT / UPDATE / DELETE statement names."""
    text = req["Statement"]
    m = re.search(r"'pk': '([^']*)', 'sk': '([^']*)'", text) or \
        re.search(r"pk = '([^']*)' AND sk = '([^']*)'", text)
    return (m.group(1), m.group(2))


def m1_insert_existing(op, req, p, m, before, state):
    return (stmt(req) == "INSERT" and before is not None and m[0] == "ok" and
            p[:2] == ("error", "DuplicateItemException"))


def m2_update_missing(op, req, p, m, before, state):
    return (stmt(req) == "UPDATE" and before is None and m[0] == "ok" and
            p[:2] == ("error", "ConditionalCheckFailedException"))


def m3_size_crash(op, req, p, m, before, state):
    if op in ("Query", "Scan"):
        # A filter: moto crashes, or (Scan) refuses "Bad Filter Expression:
        # Invalid attribute name <a>"; pqsh reads the page.
        return ("size(" in req.get("FilterExpression", "") and p[0] == "ok" and
                (m[:2] == ("error", "500") or
                 (m[:2] == ("error", "ValidationException") and
                  "Invalid attribute name" in m[2])))
    return ("size(" in req.get("ConditionExpression", "") and m[:2] == ("error", "500") and
            (p[0] == "ok" or p[1] == "ConditionalCheckFailedException" or
             (op == "UpdateItem" and p[1] == "ValidationException" and p[2] in UPDATE_RUNTIME)))


def m4_select_drops_m(op, req, p, m, before, state):
    if stmt(req) != "SELECT" or p[0] != "ok" or m[0] != "ok":
        return False
    args = [x["S"] for x in req["Parameters"]]
    want = sorted((it for k, it in state.items() if list(k[:len(args)]) == args),
                  key=lambda it: json.dumps(it, sort_keys=True))
    return (p[1]["Items"] == want and
            m[1]["Items"] == [it for it in want if "m" not in it])


# An UpdateItem whose condition held fails on its actions at run time.
UPDATE_RUNTIME = ("An operand in the update expression has an incorrect data type",
                  "The provided expression refers to an attribute that does not exist in the item")


def moto_crash(text):
    return lambda op, req, p, m, before, state: (
        m[:2] == ("error", "500") and text in m[2] and
        (p[0] == "ok" or p[1] == "ConditionalCheckFailedException" or
         (op == "UpdateItem" and p[1] == "ValidationException" and p[2] in UPDATE_RUNTIME)))


def m7_bool_as_number(op, req, p, m, before, state):
    if op in ("Query", "Scan"):
        # A filter: both sides read, and the items differ.
        text = req.get("FilterExpression", "")
        if p[0] != "ok" or m[0] != "ok" or p[1] == m[1]:
            return False
        bools = {a for it in state.values() for a, v in it.items() if "BOOL" in v}
    else:
        text = req.get("ConditionExpression", "")
        if not before or not {p[0], m[0]} <= {"ok", "error"} or p[0] == m[0]:
            return False
        if "ConditionalCheckFailedException" not in (p[1], m[1]):
            return False
        bools = [a for a, v in before.items() if "BOOL" in v]
    names = req.get("ExpressionAttributeNames", {})
    used = [a for a in bools if re.search(rf"(?<![#:.\w]){a}\b", text) or
            any(names.get(ref) == a and ref in text for ref in names)]
    numbers = any("N" in v for v in req.get("ExpressionAttributeValues", {}).values())
    return bool(used) and numbers


def update_clauses(req):
    return set(re.findall(r"\b(SET|REMOVE|ADD|DELETE)\b", req.get("UpdateExpression", "")))


def m8_remove_only_creates(op, req, p, m, before, state):
    key = request_key(op, req)
    return (op == "UpdateItem" and before is None and update_clauses(req) <= {"REMOVE", "DELETE"}
            and p[0] == "ok" and "Attributes" not in p[1] and key not in state)


def m9_updated_new_keys(op, req, p, m, before, state):
    if op != "UpdateItem" or req.get("ReturnValues") != "UPDATED_NEW" or p[0] != "ok" or m[0] != "ok":
        return False
    mine = {k: v for k, v in m[1].get("Attributes", {}).items() if k not in ("pk", "sk")}
    return mine == p[1].get("Attributes", {}) and m[1] != p[1]


def m11_same_value_not_returned(op, req, p, m, before, state):
    if (op != "UpdateItem" or req.get("ReturnValues") not in ("UPDATED_OLD", "UPDATED_NEW") or
            p[0] != "ok" or m[0] != "ok" or before is None):
        return False
    names = req.get("ExpressionAttributeNames", {})
    text = req.get("UpdateExpression", "")
    # SET targets (`a = …`) and ADD / DELETE targets (`a :v`).
    targets = {names.get(a, a) for a in re.findall(r"([#\w]+) (?:= |:)", text)}
    mine = {k: v for k, v in m[1].get("Attributes", {}).items() if k not in ("pk", "sk")}
    theirs = p[1].get("Attributes", {})
    extra = theirs.keys() - mine.keys()
    return (bool(extra) and extra <= targets and all(theirs[k] == before.get(k) for k in extra) and
            {k: v for k, v in theirs.items() if k not in extra} == mine)


def m10_failed_update_applied(op, req, p, m, before, state):
    key = request_key(op, req)
    return (op == "UpdateItem" and p[0] == m[0] == "error" and p[1] == m[1] and
            state.get(key) == before)


def m12_limit_without_last_key(op, req, p, m, before, state):
    """A Query page cut by Limit: DynamoDB gives LastEvaluatedKey (the last
    item evaluated) even when nothing follows; moto leaves it out then."""
    if op != "Query" or "Limit" not in req or p[0] != "ok" or m[0] != "ok":
        return False
    ans = p[1]
    lek = ans.get("LastEvaluatedKey")
    if not lek or ans["ScannedCount"] != req["Limit"] or "LastEvaluatedKey" in m[1]:
        return False
    if {k: v for k, v in ans.items() if k != "LastEvaluatedKey"} != m[1]:
        return False
    # Without a filter the key is the last item's: the page ended on it.
    if "FilterExpression" in req or "Items" not in ans or not ans["Items"]:
        return True
    last = ans["Items"][-1]
    return lek == {"pk": last["pk"], "sk": last["sk"]}


def m13_filter_on_key(op, req, p, m, before, state):
    """A Query filter naming a key attribute: DynamoDB refuses it; moto reads."""
    if op != "Query" or p[:2] != ("error", "ValidationException"):
        return False
    hit = re.match(r"Filter Expression can only contain non-primary key attributes: "
                   r"Primary key attribute: (\w+)$", p[2])
    if not hit:
        return False
    key = hit.group(1)
    text = req.get("FilterExpression", "")
    names = req.get("ExpressionAttributeNames", {})
    return bool(re.search(rf"(?<![#:.\w]){key}\b", text) or
                any(v == key and re.search(rf"{ref}\b", text) for ref, v in names.items()))


def m14_legacy_conditions(op, req, p, m, before, state):
    """moto ignores DeleteItem's Expected; its ScanFilter fails NE and
    NOT_CONTAINS on a missing attribute and crashes on operands of another
    type. pqsh must give the outcome the reference's meaning gives
    (expected_holds / legacy_holds on the items before the step)."""
    if op in ("PutItem", "DeleteItem", "UpdateItem") and "Expected" in req:
        key = request_key(op, req)
        if expected_holds(req["Expected"], before):
            return p[0] == "ok" or (op == "UpdateItem" and p[1] == "ValidationException")
        return p[:2] == ("error", "ConditionalCheckFailedException") and state.get(key) == before
    if op == "Scan" and "ScanFilter" in req and p[0] == "ok":
        by_text = lambda it: json.dumps(it, sort_keys=True)
        want = [it for it in state.values()
                if all(legacy_holds(norm(c), it.get(a)) for a, c in req["ScanFilter"].items())]
        return p[1]["Items"] == sorted(want, key=by_text)
    return False


KNOWN = [("M1 INSERT of an existing key", m1_insert_existing),
         ("M2 UPDATE of a missing item", m2_update_missing),
         ("M3 size() of a missing or unsized attribute", m3_size_crash),
         ("M4 PartiQL SELECT leaves out items with an attribute named m", m4_select_drops_m),
         ("M5 NOT NOT", moto_crash("Bad NOT expression NOT NOT")),
         ("M6 ordering comparison of two types", moto_crash("not supported between instances of")),
         ("M7 a BOOL compared with a number", m7_bool_as_number),
         ("M8 UpdateItem that only removes, on a missing item", m8_remove_only_creates),
         ("M9 UPDATED_NEW with the key attributes", m9_updated_new_keys),
         ("M10 a failed UpdateItem half applied", m10_failed_update_applied),
         ("M11 UPDATED_OLD/NEW leave out a path SET to the value it had", m11_same_value_not_returned),
         ("M12 Query page cut by Limit without LastEvaluatedKey", m12_limit_without_last_key),
         ("M13 Query filter on a key attribute", m13_filter_on_key),
         ("M14 legacy conditions (DeleteItem's Expected, ScanFilter)",
          m14_legacy_conditions)]


def request_key(op, req):
    if op == "ExecuteStatement":
        return stmt_key(req) if stmt(req) != "SELECT" else None
    if op.startswith("Batch") or op in ("Query", "Scan"):
        return None
    k = req.get("Key") or req.get("Item")
    return (k["pk"]["S"], k["sk"]["S"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--max-failures", type=int, default=10)
    ap.add_argument("--verbose", action="store_true", help="list pqsh's errors by type")
    ap.add_argument("--ops", help="comma-separated generators to use (default: every one of OPS)")
    args = ap.parse_args()

    mock = mock_aws()
    mock.start()
    pq, mo = client(args.url), client()
    for c in (pq, mo):
        c.create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST",
                       AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                             {"AttributeName": "sk", "AttributeType": "S"}],
                       KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                  {"AttributeName": "sk", "KeyType": "RANGE"}])

    g = Gen(args.seed)
    chosen = [(f, w) for f, w in OPS + LATER if f.__name__ in args.ops.split(",")] if args.ops else OPS
    ops = [f for f, w in chosen for _ in range(w)]
    t0 = time.monotonic()
    failures, listed, by_op = 0, {}, {}
    state = {}
    for step in range(1, args.steps + 1):
        op, req = g.r.choice(ops)(g)
        key = request_key(op, req)
        before = state.get(key) if key else None
        p, m = call(pq, op, req), call(mo, op, req)
        kind = op if op != "ExecuteStatement" else stmt(req)
        stat = by_op.setdefault(kind, {"ok": 0, "error": 0, "codes": {}})
        stat[p[0]] += 1
        if p[0] == "error":
            code = p[1] if p[1] != "ValidationException" else f"{p[1]} ({p[2][:60]})"
            stat["codes"][code] = stat["codes"].get(code, 0) + 1
        state = pqsh_items(pq)
        diff = None
        if p[0] != m[0] or p[1] != m[1]:
            diff = "outcome"
        elif state != moto_items():
            diff = "items"
        if diff is None:
            continue
        name = next((n for n, pred in KNOWN if pred(op, req, p, m, before, state)), None)
        if name:
            listed[name] = listed.get(name, 0) + 1
        else:
            failures += 1
            print(f"DIFFERENCE at step {step} ({diff}): {op} {json.dumps(req, sort_keys=True)}")
            print(f"  before: {json.dumps(before, sort_keys=True)}")
            print(f"  pqsh: {json.dumps(p, sort_keys=True)[:400]}")
            print(f"  moto: {json.dumps(m, sort_keys=True)[:400]}")
            if diff == "items":
                a, b = state, moto_items()
                for k in sorted(a.keys() | b.keys()):
                    if a.get(k) != b.get(k):
                        print(f"  item {k}: pqsh {json.dumps(a.get(k), sort_keys=True)}"
                              f" moto {json.dumps(b.get(k), sort_keys=True)}")
            if failures >= args.max_failures:
                break
        resync(pq, mo)

    elapsed = time.monotonic() - t0
    mock.stop()
    print(f"differential: {step} steps in {elapsed:.1f} s (seed {args.seed}); pqsh answered " +
          ", ".join(f"{k} {v['ok']} ok / {v['error']} error" for k, v in sorted(by_op.items())))
    if args.verbose:
        for k, v in sorted(by_op.items()):
            for code, n in sorted(v["codes"].items(), key=lambda x: -x[1]):
                print(f"  {k}: {n} x {code}")
    for name, n in sorted(listed.items()):
        print(f"listed moto difference {name}: {n} time(s)")
    print(f"differential: {failures} unlisted difference(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
