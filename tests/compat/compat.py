#!/usr/bin/env python3
"""compat.py PQSH SQLDIR BUGS.md [SCRIPT...] — the compatibility run.

Runs golden scripts (tests/sql/NAME.sql, with run.sh's options) through pqsh
against three targets, each with fresh state:

  local  the embedded engine (--local :memory:)
  serve  `pqsh serve --local :memory:` over HTTP (a new server per script)
  moto   moto_server over HTTP (one server, reset between scripts)

and cuts each output into one block per statement (the --echo line of the
statement starts its block). Embedded vs serve must be byte-identical for
every statement. Every statement whose block differs between the embedded
engine and moto must be listed in BUGS.md (the rows of its table whose first
cell is `script.sql:LINE`; the second cell names the moto bug, the third a
text moto's block must contain), and every listed row must still differ: an
unlisted difference and a stale row both fail the run.

Scripts in SKIP below are not run, each for the reason given there.
PQSH_COMPAT_SHOW=1 prints every block that differs (for writing BUGS.md).
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

# Scripts that make no sense against a remote endpoint on fresh state.
SKIP = {
    "connect.sql": "switches to embedded engines with .connect",
    "read_dir.sql": "about .read of a folder, no endpoint involved",
    "ttl_clock.sql": ".clock and .ttl-sweep move the embedded engine's clock (moto has none)",
    "shell_language.sql": ".clock moves the engine's clock (moto has none)",
    "session_functions.sql": "now() reads the engine's clock, fixed here; moto and a pqsh serve "
    "without --clock give the machine's time",
    "help.sql": "help text only",
    "help_commands.sql": "help text only",
    "quit_open_batch.sql": "no statement reaches the endpoint",
    "quit_open_block.sql": "no statement reaches the endpoint",
}

FIXED_TIME = "1700000000"


def split_statements(text):
    """(line, first line of text) of each statement and command, in order:
    the places --echo prints them. A rough copy of the splitter's rules
    (quotes, comments, `;`, dot and backslash command lines) — enough to
    find the echo lines, which are then matched in order."""
    out = []
    i, n, line = 0, len(text), 1
    start = None  # (line, offset) of the pending statement
    while i < n:
        c = text[i]
        if start is None:
            if c in " \t\r":
                i += 1
                continue
            if c == "\n":
                line += 1
                i += 1
                continue
            if text.startswith("--", i):
                j = text.find("\n", i)
                i = n if j < 0 else j
                continue
            if text.startswith("/*", i):
                j = text.find("*/", i + 2)
                j = n if j < 0 else j + 2
                line += text.count("\n", i, j)
                i = j
                continue
            if c in ".\\":
                j = text.find("\n", i)
                j = n if j < 0 else j
                out.append((line, text[i:j].rstrip()))
                i = j
                continue
            start = (line, i)
        if c == "\n":
            line += 1
            i += 1
        elif c in "'\"":
            j = i + 1
            while j < n and text[j] != c:
                j += 1
            line += text.count("\n", i, j)
            i = j + 1
        elif text.startswith("--", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            line += text.count("\n", i, j)
            i = j
        elif c == ";" or (c == "\\" and text.startswith("\\g", i)):
            first = text[start[1]:i].split("\n", 1)[0].rstrip()
            out.append((start[0], first))
            start = None
            if c == "\\":
                j = text.find("\n", i)
                i = n if j < 0 else j
            else:
                i += 1
        else:
            i += 1
    if start is not None:
        out.append((start[0], text[start[1]:].split("\n", 1)[0].rstrip()))
    return out


def blocks(stmts, output):
    """{line: block text}: the output cut at each statement's echo line."""
    lines = output.split("\n")
    starts = []
    pos = 0
    for ln, first in stmts:
        for k in range(pos, len(lines)):
            if lines[k].startswith(first):
                starts.append((ln, k))
                pos = k + 1
                break
    res = {}
    for idx, (ln, k) in enumerate(starts):
        end = starts[idx + 1][1] if idx + 1 < len(starts) else len(lines)
        res[ln] = "\n".join(lines[k:end])
    # What comes after the last block's statement output is in that block;
    # statements never echoed (a --bail stop) are simply absent.
    return res


def script_args(path):
    with open(path, encoding="utf-8") as f:
        first = f.readline()
    if first.startswith("-- pqsh-args:"):
        return first[len("-- pqsh-args:"):].split()
    return []


def run_pqsh(pqsh, sqldir, name, target, env):
    args = [pqsh] + target + ["--echo"] + script_args(os.path.join(sqldir, name)) + ["-f", name]
    p = subprocess.run(args, cwd=sqldir, env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    return p.stdout.decode("utf-8", "replace") + "-- exit status: %d" % p.returncode


def start_serve(pqsh, env):
    p = subprocess.Popen([pqsh, "serve", "--port", "0", "--local", ":memory:"], env=env,
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        line = p.stdout.readline().decode()
        m = re.search(r"http://[0-9.]+:[0-9]+", line)
        if m:
            return p, m.group(0)
        if not line and p.poll() is not None:
            break
    p.kill()
    raise SystemExit("compat: pqsh serve did not start")


def stop(p):
    p.terminate()
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def read_bugs(path):
    """{(script, line): (bug ids, moto text)} from the table rows of BUGS.md."""
    listed = {}
    with open(path, encoding="utf-8") as f:
        for row in f:
            m = re.match(r"\|\s*`?([\w.-]+\.sql):(\d+)`?\s*\|([^|]*)\|\s*`([^`]*)`\s*\|", row)
            if m:
                key = (m.group(1), int(m.group(2)))
                if key in listed:
                    raise SystemExit("compat: %s:%d is listed twice" % key)
                listed[key] = (m.group(3).strip(), m.group(4).replace("\\|", "|"))
    return listed


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    pqsh, sqldir, bugs_path = (os.path.abspath(a) for a in sys.argv[1:4])
    only = sys.argv[4:]
    here = os.path.dirname(os.path.abspath(__file__))
    show = os.environ.get("PQSH_COMPAT_SHOW") == "1"
    work = tempfile.mkdtemp(prefix="pqsh-compat-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(HOME=work, XDG_DATA_HOME=work + "/data", XDG_CONFIG_HOME=work + "/config",
               AWS_CONFIG_FILE=work + "/none", AWS_SHARED_CREDENTIALS_FILE=work + "/none",
               AWS_ACCESS_KEY_ID="AKIDPQSHCOMPAT", AWS_SECRET_ACCESS_KEY="pqsh-compat-secret",
               AWS_REGION="us-east-1", AWS_DEFAULT_REGION="us-east-1",
               PQSH_TEST_FIXED_TIME=FIXED_TIME,
               # moto's HTTP 500s are not transient: one attempt gives the
               # same output as three, without the back-off between them.
               AWS_MAX_ATTEMPTS="1")

    # moto in a process of its own (its tracebacks go to a file).
    moto_log = open(os.path.join(work, "moto.err"), "w")
    moto = subprocess.Popen([sys.executable, os.path.join(here, "..", "integration", "moto_auth.py"),
                             "noauth"], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=moto_log)
    info = moto.stdout.readline().decode()
    if not info:
        raise SystemExit("compat: moto did not start")
    moto_url = "http://127.0.0.1:%d" % json.loads(info)["port"]

    listed = read_bugs(bugs_path)
    seen = set()
    fails = 0
    names = only or sorted(f for f in os.listdir(sqldir) if f.endswith(".sql"))
    ran_names = set()
    try:
        for name in names:
            if name in SKIP and not only:
                continue
            ran_names.add(name)
            with open(os.path.join(sqldir, name), encoding="utf-8") as f:
                stmts = split_statements(f.read())
            local = run_pqsh(pqsh, sqldir, name, ["--local", ":memory:"], env)
            serve, url = start_serve(pqsh, env)
            try:
                over_http = run_pqsh(pqsh, sqldir, name, ["--endpoint-url", url], env)
            finally:
                stop(serve)
            urllib.request.urlopen(urllib.request.Request(moto_url + "/moto-api/reset",
                                                          data=b"", method="POST")).read()
            on_moto = run_pqsh(pqsh, sqldir, name, ["--endpoint-url", moto_url], env)
            b_local, b_serve, b_moto = (blocks(stmts, o) for o in (local, over_http, on_moto))
            if local != over_http:
                fails += 1
                print("FAIL %s: the embedded engine and pqsh serve differ:" % name)
                for ln, text in b_local.items():
                    if b_serve.get(ln) != text:
                        print("--- %s:%d embedded:\n%s\n--- serve:\n%s" %
                              (name, ln, text, b_serve.get(ln)))
            lines = sorted(set(b_local) | set(b_moto))
            for ln in lines:
                key = (name, ln)
                same = b_local.get(ln) == b_moto.get(ln)
                if not same:
                    seen.add(key)
                if not same and key not in listed:
                    fails += 1
                    print("FAIL %s:%d differs on moto and is not listed" % (name, ln))
                elif not same and listed[key][1] not in (b_moto.get(ln) or ""):
                    fails += 1
                    print("FAIL %s:%d: moto's answer no longer contains `%s`" %
                          (name, ln, listed[key][1]))
                if not same and (show or key not in listed):
                    print("--- %s:%d embedded:\n%s\n--- moto:\n%s" %
                          (name, ln, b_local.get(ln), b_moto.get(ln)))
        for key in sorted(listed):
            if key in seen:
                continue
            if key[0] in ran_names:
                fails += 1
                print("FAIL %s:%d is listed but moto now answers as the engine (stale row)" % key)
            elif not only:
                fails += 1
                print("FAIL %s:%d is listed but its script is not run" % key)
    finally:
        moto.stdin.close()
        moto.wait()
        subprocess.run(["rm", "-rf", work])
    print("%d scripts on 3 targets; %d statements differ on moto (all listed: %s); %s" %
          (len(ran_names), len(seen), "yes" if seen <= set(listed) else "no",
           "all passed" if not fails else "%d failed" % fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
