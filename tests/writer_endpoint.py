"""A scripted OpenAI-compatible endpoint for the writer's tests: a real HTTP server on 127.0.0.1 that
answers /MODE/v1/chat/completions with the draft a test sets, so the real client and the real code
path are exercised (no mock object).

    sse       the draft as server-sent events, a few characters per event (as vLLM, llama.cpp do)
    json      the draft as one JSON body (a server that ignores stream=true)
    slow      nothing for `delay` seconds, then the draft
    trickle   one event every 0.2 s, never finishing
    garbage   an event stream of things that are not JSON
    html      200 with an HTML page
    http500   an internal server error
"""
from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Handler(BaseHTTPRequestHandler):
    server: "ScriptedEndpoint"

    def log_message(self, *args) -> None:  # quiet test output
        pass

    def _send(self, status: int, ctype: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _events(self, parts) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for part in parts:
            self.wfile.write(part)
            self.wfile.flush()

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        self.server.requests.append({"body": body, "auth": self.headers.get("Authorization")})
        mode, draft = self.path.strip("/").split("/")[0], self.server.draft
        chunk = lambda text: f"data: {json.dumps({'choices': [{'delta': {'content': text}}]}, ensure_ascii=False)}\n\n".encode()
        try:
            if mode == "slow":
                time.sleep(self.server.delay)
                mode = "sse"
            if mode == "sse":
                self._events([chunk(draft[i:i + 4]) for i in range(0, len(draft), 4)] + [b"data: [DONE]\n\n"])
            elif mode == "json":
                message = {"choices": [{"message": {"role": "assistant", "content": draft}}]}
                self._send(200, "application/json", json.dumps(message, ensure_ascii=False).encode())
            elif mode == "trickle":
                self._events(chunk("绥") for _ in range(1000) if time.sleep(0.2) is None)
            elif mode == "garbage":
                self._events([b"data: {not json at all\n\n", b"data: [DONE]\n\n"])
            elif mode == "html":
                self._send(200, "text/html", b"<html><body>502 Bad Gateway</body></html>")
            else:
                self._send(500, "application/json", b'{"error": "boom"}')
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (its deadline): expected
            pass


class ScriptedEndpoint(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.draft, self.delay, self.requests = "", 3.0, []
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def url(self, mode: str = "sse") -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/{mode}/v1"


def closed_port_url() -> str:
    """A base URL where nothing listens (the endpoint is down)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"
