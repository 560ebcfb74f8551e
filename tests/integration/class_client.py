"""class_client.py — a classroom student without a browser: the same transport as web/student.js.

Join with POST /api/join, read the terminal's output from the Server-Sent
Events stream of /api/output (base64 bytes), type with POST /api/input. Used
by the security test (test_class_security.sh) and the load test (bench/class).
"""
import base64
import http.client
import json
import random
import re
import threading
import time
import urllib.parse

ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\r")
PROMPT = b"pqsh local> "


def request(base, method, path, body=None, headers=None):
    """One HTTP request; returns (status, body bytes)."""
    u = urllib.parse.urlsplit(base)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def join(base, name, code):
    """(status, answer JSON) of POST /api/join."""
    status, body = request(base, "POST", "/api/join", json.dumps({"name": name, "code": code}),
                           {"Content-Type": "application/json"})
    return status, json.loads(body)


class Student:
    """A joined student: output collected by a reader thread, typed input."""

    def __init__(self, base, name, code):
        self.base, self.name = base, name
        status, answer = join(base, name, code)
        if status != 200:
            raise RuntimeError(f"join {name}: {status} {answer}")
        self.sid = answer["session"]
        self.out = bytearray()
        self.ended = None
        self.cond = threading.Condition()
        u = urllib.parse.urlsplit(base)
        self.input = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        u = urllib.parse.urlsplit(self.base)
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
        c.request("GET", "/api/output?s=" + self.sid)
        r = c.getresponse()
        event = None
        while True:
            line = r.fp.readline()
            if not line:
                break
            line = line.rstrip(b"\n")
            if line.startswith(b"event: "):
                event = line[7:]
            elif line.startswith(b"data: "):
                with self.cond:
                    if event == b"end":
                        self.ended = line[6:].decode()
                    else:
                        self.out += base64.b64decode(line[6:])
                    self.cond.notify_all()
            elif not line:
                event = None
        with self.cond:
            if self.ended is None:
                self.ended = "(stream closed)"
            self.cond.notify_all()

    def type(self, data):
        """Sends keystrokes; returns the HTTP status."""
        self.input.request("POST", "/api/input?s=" + self.sid, body=data.encode(),
                           headers={"Content-Type": "text/plain"})
        r = self.input.getresponse()
        r.read()
        return r.status

    def wait(self, pattern, start=0, timeout=60.0):
        """Waits until `pattern` (bytes regex) matches the output after byte
        `start`; returns the match, or None at the timeout."""
        end = time.monotonic() + timeout
        rx = re.compile(pattern)
        with self.cond:
            while True:
                m = rx.search(self.out, start)
                if m or self.ended is not None:
                    return m
                left = end - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def wait_prompts(self, count, start=0, timeout=60.0):
        """Waits until `count` prompts have shown after byte `start`."""
        end = time.monotonic() + timeout
        with self.cond:
            while self.out.count(PROMPT, start) < count and self.ended is None:
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self.cond.wait(left)
            return True

    def run(self, line, timeout=60.0, cps=0):
        """Types `line` then Enter and waits for the next prompt. Returns
        (the output in between without escapes, seconds from Enter to the
        prompt). The text is sent first so the latency is the statement's;
        with `cps`, at about that many characters a second, in bursts of
        one to six keys as people type."""
        with self.cond:
            start = len(self.out)
        if cps:
            i = 0
            while i < len(line):
                k = random.randint(1, 6)
                self.type(line[i:i + k])
                i += k
                time.sleep(k / cps * random.uniform(0.5, 1.5))
        else:
            self.type(line)
        self.wait(re.escape(line[-8:].encode()), start, timeout)
        with self.cond:
            start = len(self.out)
        t0 = time.monotonic()
        self.type("\r")
        m = self.wait(re.escape(PROMPT), start, timeout)
        took = time.monotonic() - t0
        if not m:
            raise RuntimeError(f"{self.name}: no prompt after {line!r}: {self.text(start)!r}")
        return self.text(start, m.start()), took

    def text(self, start=0, end=None):
        with self.cond:
            return ANSI.sub(b"", bytes(self.out[start:end])).decode("utf-8", "replace")


def teacher_state(base, token):
    status, body = request(base, "GET", "/api/teacher/state?token=" + token)
    return status, json.loads(body)
