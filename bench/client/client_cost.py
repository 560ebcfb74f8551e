#!/usr/bin/env python3
"""Client cost per statement: pqsh vs boto3 vs the AWS CLI, same local server, one run.

Usage: client_cost.py PQSH [N] [N_CLI]

1. Starts moto_server on loopback (tests/integration/moto_auth.py noauth) and
   creates a table per client. Then N INSERTs (distinct keys, the same item shape):
   - pqsh: one process, statements piped on stdin;
   - boto3: one client, a loop of execute_statement calls (in this process);
   - aws CLI: one `aws dynamodb execute-statement` process per statement
     (N_CLI of them, default 20: each takes a good part of a second).
   Wall time and the client's own CPU time (user+sys, from wait4 / process
   time) per statement are printed side by side, with ratios to pqsh.
2. pqsh's own CPU per request against a trivial loopback server that answers
   instantly (tests/integration/fake_ddb.py ok): N SELECTs in one process,
   minus the CPU of a run with no statement (start-up).
Prints a Markdown table (as recorded in bench/README.md).
"""
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
HELPERS = os.path.join(HERE, "..", "..", "tests", "integration")


def helper(script, *args):
    p = subprocess.Popen([sys.executable, os.path.join(HELPERS, script), *args],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    return p, p.stdout.readline().strip()


def run_child(argv, stdin_text=None, env=None):
    """Runs argv; returns (wall seconds, cpu seconds of the child)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdin=subprocess.PIPE if stdin_text is not None else subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    if stdin_text is not None:
        p.stdin.write(stdin_text.encode())
        p.stdin.close()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    err = p.stderr.read().decode()
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit("%s failed (%d): %s" % (argv[0], p.returncode, err[-500:]))
    return wall, ru.ru_utime + ru.ru_stime


def insert_stmt(i):
    return ("INSERT INTO \"Orders\" VALUE {'idempotency_token': 'token%06d', "
            "'order_id': 'order%06d', 'customer_name': 'Alice', 'order_amount': %d}"
            % (i, i, i % 1000))


def main():
    pqsh = os.path.abspath(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    n_cli = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDBENCH", AWS_SECRET_ACCESS_KEY="bench-secret",
               AWS_DEFAULT_REGION="us-east-1", AWS_REGION="us-east-1",
               AWS_CONFIG_FILE="/nonexistent", AWS_SHARED_CREDENTIALS_FILE="/nonexistent",
               AWS_EC2_METADATA_DISABLED="true", AWS_PAGER="")
    env.pop("AWS_SESSION_TOKEN", None)
    env.pop("AWS_PROFILE", None)
    os.environ.update(env)

    rows = []

    def fresh_moto():
        """A new moto_server with an empty Orders table: moto slows down as
        it holds more items (in any table), so each client gets its own."""
        moto, line = helper("moto_auth.py", "noauth")
        url = "http://127.0.0.1:%d" % json.loads(line)["port"]
        run_child([pqsh, "--endpoint-url", url, "-c",
                   "CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY)"], env=env)
        return moto, url

    def stop(server):
        server.stdin.close()
        server.wait()

    moto, url = fresh_moto()
    script = "".join(insert_stmt(i) + ";\n" for i in range(n))
    wall, cpu = run_child([pqsh, "--endpoint-url", url, "--bail"], script, env)
    rows.append(("pqsh (one process, N statements on stdin)", n, wall, cpu))
    stop(moto)

    import boto3
    moto, url = fresh_moto()
    client = boto3.client("dynamodb", endpoint_url=url)
    client.list_tables()  # connection and first-call set-up outside the loop
    c0, t0 = time.process_time(), time.perf_counter()
    for i in range(n):
        client.execute_statement(Statement=insert_stmt(i))
    rows.append(("boto3 (one client, execute_statement loop)", n,
                 time.perf_counter() - t0, time.process_time() - c0))
    stop(moto)

    moto, url = fresh_moto()
    wall = cpu = 0.0
    for i in range(n_cli):
        w, c = run_child(["aws", "dynamodb", "execute-statement", "--endpoint-url", url,
                          "--statement", insert_stmt(i), "--output", "json"], env=env)
        wall, cpu = wall + w, cpu + c
    rows.append(("aws CLI (one process per statement)", n_cli, wall, cpu))
    stop(moto)

    fake, port = helper("fake_ddb.py", "ok")
    url = "http://127.0.0.1:%s" % port
    try:
        select = "".join("SELECT * FROM \"Orders\" WHERE idempotency_token = 'k%d';\n" % i
                         for i in range(n))
        base_wall, base_cpu = min(run_child([pqsh, "--endpoint-url", url, "-c", "SET x = 1"],
                                            env=env) for _ in range(5))
        wall, cpu = run_child([pqsh, "--endpoint-url", url], select, env)
    finally:
        stop(fake)

    base = rows[0]
    print("| client | statements | wall ms/stmt | client CPU ms/stmt | wall ×pqsh | CPU ×pqsh |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, count, w, c in rows:
        print("| %s | %d | %.2f | %.3f | %.1f | %.1f |" % (
            name, count, 1000 * w / count, 1000 * c / count,
            (w / count) / (base[2] / base[1]), (c / count) / max(base[3] / base[1], 1e-9)))
    print()
    print("pqsh against an instant loopback server: %d SELECTs in %.3f s wall, %.3f s CPU; "
          "start-up alone %.1f ms CPU; CPU per request %.1f µs" % (
              n, wall, cpu, 1000 * base_cpu, 1e6 * max(cpu - base_cpu, 0) / n))


if __name__ == "__main__":
    main()
