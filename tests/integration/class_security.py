"""class_security.py — what a student (or a stranger) may not do in `pqsh serve --class`.

Usage: python3 class_security.py CLASS_URL CODE TEACHER_TOKEN WORK_DIR
The server runs with --class-quota items=3,rate=20. Each refusal must be
clear: the exact message, never a crash, and nothing done. (The statement
rate is checked by test_class_security.sh on a server allowing 1 a second:
20 a second is more than a loaded machine may manage, 1 is not.)
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from class_client import Student, join, request, teacher_state  # noqa: E402

url, code, token, work = sys.argv[1:5]
fails = 0


def check(what, ok, detail=""):
    global fails
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        fails += 1
        if detail:
            print("     " + str(detail)[-1500:])


# A wrong class code.
status, answer = join(url, "mallory", "NOT-THE-CODE")
check("a wrong class code is refused (403)", status == 403 and
      answer["error"] == "wrong class code (ask your teacher for it)", (status, answer))
status, answer = join(url, "../etc", code)
check("a name that is a path is refused (400)", status == 400 and "1 to 32 letters" in answer["error"],
      (status, answer))

# A wrong teacher token, on every teacher call; nothing is reset.
for method, path in [("GET", "/api/teacher/state"), ("GET", "/api/teacher/results.csv"),
                     ("POST", "/api/teacher/reset")]:
    for t in ["", "?token=0123456789abcdef0123456789abcdef", "?token=" + token[:-1]]:
        status, body = request(url, method, path + t + ("&name=alice" if "reset" in path and t else ""))
        check(f"{method} {path} with a wrong token is refused (403)",
              status == 403 and b"wrong teacher token" in body, (status, body))

# Server files over HTTP: only the embedded pages exist.
for path in ["/etc/passwd", "/static/../../../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd",
             "/static/student.html/../../../etc/passwd", "//etc/passwd"]:
    status, body = request(url, "GET", path)
    check(f"GET {path} is not found (404)", status == 404 and b"root:" not in body, (status, body[:200]))
status, body = request(url, "GET", "/api/output?s=" + "0" * 32)
check("another session's stream without its handle: 404", status == 404, (status, body))
status, body = request(url, "POST", "/api/input?s=" + "0" * 32, b".read /etc/passwd\r")
check("input to a made-up session: 404", status == 404, (status, body))

# Server files from the browser shell.
alice = Student(url, "alice", code)
alice.wait(b"pqsh local> ")
banner = alice.text(0)
check("the banner names no server path", "local engine on your own database" in banner and
      work not in banner and ".db" not in banner, banner)
out_file = os.path.join(work, "stolen.txt")
for line, want in [
        (".read /etc/passwd", "'.read' is not available in the classroom: it would reach the server's files"),
        ("\\i /etc/passwd", "'\\i' is not available in the classroom"),
        (".output " + out_file, "'.output' is not available in the classroom"),
        ("\\o " + out_file, "'\\o' is not available in the classroom"),
        (".connect aws", "'.connect' is not available in the classroom"),
        (".import /etc/passwd", "'.import' is not available in the classroom"),
        (".export " + out_file, "'.export' is not available in the classroom"),
        (".tutorial /etc/passwd", ".tutorial takes a tutorial's name, not a path"),
]:
    text, _ = alice.run(line)
    check(f"{line} is refused in the browser shell", want in text and "root:" not in text, text)
check(".output created no file on the server", not os.path.exists(out_file))
start = len(alice.out)
alice.type(".read /e\t\t")
alice.wait(rb"\.read /e", start)
alice.wait(b"never", start, timeout=0.5)  # what Tab would have shown
text = alice.text(start)
check("Tab completes no server file names", "/etc/" not in text.split(".read /e")[-1], text[-300:])
alice.type("\x15")  # Ctrl-U: drop the line

# Another student's tables are not there for alice.
bob = Student(url, "bob", code)
bob.wait(b"pqsh local> ")
text, _ = bob.run("CREATE TABLE BobSecret (k STRING PRIMARY KEY);")
text, _ = bob.run("INSERT INTO BobSecret VALUE {'k': 'bob-only'};")
check("bob writes his own table", "INSERT 1" in text, text)
text, _ = alice.run("SELECT * FROM BobSecret;")
check("alice reading bob's table name: ResourceNotFoundException",
      "ResourceNotFoundException: Requested resource not found" in text and "bob-only" not in text, text)
text, _ = alice.run("INSERT INTO BobSecret VALUE {'k': 'from-alice'};")
check("alice writing to bob's table name: ResourceNotFoundException",
      "ResourceNotFoundException" in text, text)
text, _ = alice.run(".tables")
check("alice's .tables does not list bob's table", "BobSecret" not in text, text)
text, _ = bob.run("SELECT * FROM BobSecret;")
check("bob's table is untouched", "bob-only" in text and "from-alice" not in text, text)
# Commands that print and reach only the student's own tables are allowed.
text, _ = bob.run(".dump BobSecret")
check(".dump runs in the browser shell, on the student's own table",
      "CREATE TABLE" in text and "bob-only" in text and "not available" not in text, text)
status, answer = join(url, "bob", code)
check("joining under a live student's name is refused (409)",
      status == 409 and "already in use" in answer["error"], (status, answer))

# Quotas: 3 items (the rate: see the docstring).
alice.run("CREATE TABLE Notes (k STRING PRIMARY KEY);")
for k in "abc":
    text, _ = alice.run(f"INSERT INTO Notes VALUE {{'k': '{k}'}};")
    check(f"item {k} fits in the quota", "INSERT 1" in text, text)
text, _ = alice.run("INSERT INTO Notes VALUE {'k': 'd'};")
check("the 4th item is refused with the quota's message",
      "quota: your tables hold 3 items and this class allows 3; DELETE items or DROP a table "
      "to make room" in text, text)
text, _ = alice.run("SELECT k FROM Notes WHERE k = 'd';")
check("and was not written", "(0 items)" in text or "'d'" not in text, text)
text, _ = alice.run("DELETE FROM Notes WHERE k = 'a';")
text, _ = alice.run("INSERT INTO Notes VALUE {'k': 'd'};")
check("after a DELETE there is room again", "INSERT 1" in text, text)
status, state = teacher_state(url, token)
row = next(s for s in state["students"] if s["name"] == "alice")
check("the teacher sees alice's last error", row["last_error"] and "quota" in row["last_error"], row)

# Guessing the class code: 10 wrong codes from one address (one was tried
# above), then even the right code waits; the students already in are not
# touched. Last, because it closes joining from loopback for a minute.
statuses = [join(url, "mallory", f"GUESS{i}")[0] for i in range(9)]
check("wrong codes within the budget are refused as wrong (403)", statuses == [403] * 9, statuses)
status, answer = join(url, "mallory", "GUESS9")
check("the 11th wrong code is refused as too many (429)",
      status == 429 and answer["error"].startswith("too many wrong class codes from this address: "
                                                   "try again in "), (status, answer))
status, answer = join(url, "carol", code)
check("then the right code waits too (429), or guessing would go on", status == 429, (status, answer))
text, _ = alice.run("SELECT k FROM Notes WHERE k = 'd';")
check("a student already in works on", "'d'" in text or "│ d" in text, text)

print(f"{fails} failed" if fails else "all passed")
sys.exit(1 if fails else 0)
