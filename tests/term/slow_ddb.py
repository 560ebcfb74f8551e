"""slow_ddb.py PORTFILE — a DynamoDB-protocol server on loopback that answers
ExecuteStatement at once, except statements mentioning 'Slow' (20 s late) and
'Paged' (8 pages of 3 items, each page 0.4 s late, linked by NextToken)."""
import json, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        op = self.headers.get("X-Amz-Target", "").split(".")[-1]
        if op == "ExecuteStatement" and "Slow" in body.get("Statement", ""):
            time.sleep(20)
        if op == "ExecuteStatement" and "Paged" in body.get("Statement", ""):
            time.sleep(0.4)
            page = int(body.get("NextToken", "0"))
            out = {"Items": [{"k": {"S": "p%d-%d" % (page, i)}} for i in range(3)]}
            if page < 7:
                out["NextToken"] = str(page + 1)
        elif op == "ExecuteStatement":
            out = {"Items": [{"k": {"S": "fast"}}]}
        elif op == "ListTables":
            out = {"TableNames": ["Fast", "Slow"]}
        else:
            out = {}
        data = json.dumps(out).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/x-amz-json-1.0")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[1], "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
