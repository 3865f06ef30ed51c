"""A real local HTTP server standing in for a WeCom group robot and an SMS gateway (never a mock).

`Receiver()` listens on 127.0.0.1 on a free port in a thread; every POST is recorded (path, JSON
body). `fail_first` answers that many requests with a failure (HTTP 500 for SMS paths, HTTP 200
with `{"errcode": 93000}` for /wecom paths, as the real robot does), `always_fail` answers every
one so; otherwise 200 and `{"errcode": 0}`.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self) -> None:
        self.received: list[tuple[str, dict]] = []
        self.failed: list[tuple[str, dict]] = []
        self.fail_first = 0
        self.always_fail = False
        self.delay = 0.0  # seconds before each answer (a slow gateway)
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {"raw": raw.decode("utf-8", "replace")}
                body["_headers"] = {k.lower(): v for k, v in self.headers.items()}
                with outer._lock:
                    fail = outer.always_fail or outer.fail_first > 0
                    if outer.fail_first > 0:
                        outer.fail_first -= 1
                    (outer.failed if fail else outer.received).append((self.path, body))
                if outer.delay:
                    time.sleep(outer.delay)
                wecom = self.path.startswith("/wecom")
                if fail and not wecom:
                    status, answer = 500, {"error": "gateway down"}
                elif fail:
                    status, answer = 200, {"errcode": 93000, "errmsg": "invalid webhook url"}
                else:
                    status, answer = 200, {"errcode": 0, "errmsg": "ok"}
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def to(self, path: str) -> list[dict]:
        with self._lock:
            return [b for p, b in self.received if p == path]
