"""loopback.py — what the fake HTTP services of the tests share (fake_creds.py,
fake_sts.py, fake_ddb.py): a threaded server on a free loopback port that
prints the port, serves until stdin closes, and then exits at once."""
import os
import sys
import threading
from http.server import ThreadingHTTPServer


def serve(handler, quiet_errors=False):
    """Serves `handler` (a BaseHTTPRequestHandler class) on 127.0.0.1, a port
    the system picks, printed on stdout; never returns. `quiet_errors` keeps
    the tracebacks of clients that close early off stderr."""

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request, client_address):
            if not quiet_errors:
                super().handle_error(request, client_address)

    server = Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    sys.stdin.read()
    os._exit(0)  # no graceful shutdown: it would wait for serve_forever's poll
