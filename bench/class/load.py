"""load.py — N students typing the idempotency tutorial at once into `pqsh serve --class`.

Usage: python3 load.py CLASS_URL CODE TEACHER_TOKEN SERVER_PID [STUDENTS] [P99_LIMIT_MS] [CPS]

Each simulated student speaks the browser's transport (tests/integration/
class_client.py): joins, starts `.tutorial idempotency`, types the four
steps (typed at about CPS characters a second, default 25, in bursts of
1 to 6 keys, each burst one POST as the page sends them; 0 sends each line
at once), then writes and reads a
row of its own. Checked: every student completes 4 / 4 (the same key
'token123' in every database, so one shared table would fail step 2 with
DuplicateItemException), each sees exactly its own two rows and nothing of
the others', and the teacher page shows all at 4 / 4. Measured: statement
latency seen by the client (Enter → next prompt; p50, p99, max) and memory
per session (the server's RSS growth plus each session's pqsh process).
Exit status 1 when a check fails or p99 exceeds P99_LIMIT_MS (default 50).
"""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "tests", "integration"))
from class_client import Student, teacher_state  # noqa: E402

url, code, token, server_pid = sys.argv[1:5]
n = int(sys.argv[5]) if len(sys.argv) > 5 else 30
limit_ms = float(sys.argv[6]) if len(sys.argv) > 6 else 50.0
cps = float(sys.argv[7]) if len(sys.argv) > 7 else 25.0

STEPS = [
    ".tutorial idempotency",
    "CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY);",
    "INSERT INTO Orders VALUE {'idempotency_token': 'token123', 'order_id': 'order001', "
    "'customer_name': 'Alice', 'order_amount': 100};",
    "SET token_to_check = 'token123';",
    "SELECT * FROM Orders WHERE idempotency_token = :token_to_check;",
]


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def pss_kb(pid):
    """Proportional set size: shared library pages divided among their users."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid):
    out = []
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open(f"/proc/{p}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == int(pid):
                        out.append(int(p))
            except (OSError, IndexError, ValueError):
                pass
    return out


server_before = rss_kb(server_pid)
latencies, errors, lock = [], [], threading.Lock()
by_step = {}
students = [None] * n
barrier = threading.Barrier(n)


def student(i):
    name = f"student{i:02d}"
    try:
        s = Student(url, name, code)
        students[i] = s
        s.wait(b"pqsh local> ")
        barrier.wait(timeout=60)  # everyone types at once
        mine = []
        for k, line in enumerate(STEPS):
            text, took = s.run(line, timeout=30, cps=cps)
            mine.append(took)
            with lock:
                by_step.setdefault(k, []).append(took)
        if "Tutorial 'idempotency' complete: 4 of 4 steps done." not in s.text():
            raise RuntimeError(f"{name} did not complete the tutorial: {s.text()[-800:]}")
        text, took = s.run(f"INSERT INTO Orders VALUE {{'idempotency_token': 'mine-{name}'}};")
        mine.append(took)
        text, took = s.run("SELECT idempotency_token FROM Orders;")
        mine.append(took)
        if (f"'mine-{name}'" not in text or "'token123'" not in text or "(2 items)" not in text
                or text.count("'mine-") != 1):
            raise RuntimeError(f"{name} sees other rows than its own: {text}")
        with lock:
            latencies.extend(mine)
    except Exception as e:  # noqa: BLE001 — reported and counted
        with lock:
            errors.append(f"{name}: {e}")


t0 = time.monotonic()
threads = [threading.Thread(target=student, args=(i,)) for i in range(n)]
for t in threads:
    t.start()
for t in threads:
    t.join()
wall = time.monotonic() - t0

kids = children(server_pid)
kids_kb = sum(rss_kb(k) for k in kids)
kids_pss = sum(pss_kb(k) for k in kids)
server_after = rss_kb(server_pid)
status, state = teacher_state(url, token)
done = sum(1 for s in state["students"] if s["done"] == 4 and s["steps"] == 4)
lat = sorted(latencies)


def pct(p):
    return lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else float("nan")


print(f"students: {n}, completed 4 / 4 on the teacher page: {done}, errors: {len(errors)}")
for e in errors[:5]:
    print("  " + e)
print(f"statements: {len(lat)} in {wall:.1f} s; latency Enter → prompt: p50 {pct(0.50):.1f} ms, "
      f"p99 {pct(0.99):.1f} ms, max {lat[-1] * 1000 if lat else float('nan'):.1f} ms")
print(f"memory: server RSS {server_before} → {server_after} kB "
      f"(+{(server_after - server_before) / max(n, 1):.0f} kB per session); "
      f"{len(kids)} session processes, {kids_kb / max(len(kids), 1):.0f} kB RSS "
      f"({kids_pss / max(len(kids), 1):.0f} kB PSS) each; "
      f"total per session {((server_after - server_before) + kids_pss) / max(n, 1) / 1024:.1f} MiB "
      f"(server growth + PSS)")
for k in sorted(by_step):
    v = sorted(by_step[k])
    print(f"  {STEPS[k][:44]:44}  p50 {v[len(v) // 2] * 1000:6.1f} ms  max {v[-1] * 1000:6.1f} ms")
ok = not errors and done == n and len(kids) == n and pct(0.99) < limit_ms
if pct(0.99) >= limit_ms:
    print(f"FAIL: p99 {pct(0.99):.1f} ms is over {limit_ms:.0f} ms")
print("all passed" if ok else "FAILED")
sys.exit(0 if ok else 1)
