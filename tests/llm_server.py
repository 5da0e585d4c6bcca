"""A scripted chat server on 127.0.0.1 speaking the real wire protocols.

- OpenAI `POST /v1/chat/completions`: a JSON completion, or with `"stream": true` server-sent
  events (`data: {chat.completion.chunk}` ... `data: [DONE]`) over chunked HTTP/1.1.
- Ollama `POST /api/chat`: NDJSON lines `{"message": {...}, "done": false}` ... `"done": true`.

Each test sets `server.script` to say how to reply: the text (sent in small pieces), an HTTP
status with an error body, a delay before the first byte, a cut after N pieces (the socket is
closed inside the chunked body), pieces that trickle in, SSE keep-alive comments and nothing
else, or bytes that are not the protocol. Requests are recorded
in `server.requests` so tests can read the prompt that was sent.
"""

from __future__ import annotations

import dataclasses
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Script:
    text: object = ""              # the reply, or a function of the request body returning it
    status: int = 200
    delay: float = 0.0             # seconds before the reply starts
    cut_after: int | None = None   # close the connection after this many pieces
    garbage: bool = False          # reply 200 with bytes that are not the protocol
    piece: int = 6                 # characters per streamed piece
    trickle: float = 0.0           # seconds between streamed pieces
    keepalive: float = 0.0         # OpenAI: send only SSE comments (": ping"), one every this many seconds,
    keepalive_for: float = 30.0    # for this long, before the reply


@dataclass
class ChatServer:
    script: Script = field(default_factory=Script)
    requests: list[dict] = field(default_factory=list)
    url: str = ""

    def start(self) -> "ChatServer":
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def handle(self):
                try:
                    super().handle()
                except OSError:   # a client that closed its connection between requests
                    self.close_connection = True

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                req = json.loads(body or b"{}")
                owner.requests.append({"path": self.path, "body": req,
                                       "authorization": self.headers.get("Authorization")})
                s = owner.script
                if callable(s.text):
                    s = dataclasses.replace(s, text=s.text(req))
                try:
                    if s.delay:
                        time.sleep(s.delay)
                    if self.path.rstrip("/").endswith("/chat/completions"):
                        self._openai(req, s)
                    elif self.path.rstrip("/") == "/api/chat":
                        self._ollama(req, s)
                    else:
                        self._send(404, "application/json", b'{"error": "not found"}')
                except (OSError, ValueError):   # the client gave up (its deadline) or the server stopped
                    self.close_connection = True

            # -- helpers ---------------------------------------------------------------------
            def _send(self, status, ctype, data: bytes):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _error(self, s: Script, openai: bool):
                msg = {401: "invalid api key", 403: "forbidden"}.get(s.status, "internal error")
                body = {"error": {"message": msg, "type": "error", "code": s.status}} if openai else {"error": msg}
                self._send(s.status, "application/json", json.dumps(body).encode())

            def _stream(self, ctype: str, frames: list[bytes], s: Script):
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                if s.keepalive and ctype == "text/event-stream":
                    until = time.monotonic() + s.keepalive_for
                    while time.monotonic() < until:
                        ping = b": ping\n\n"
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(ping), ping))
                        self.wfile.flush()
                        time.sleep(s.keepalive)
                for i, frame in enumerate(frames):
                    if i and s.trickle:
                        time.sleep(s.trickle)
                    if s.cut_after is not None and i >= s.cut_after:
                        self.wfile.flush()
                        self.connection.shutdown(socket.SHUT_RDWR)  # mid-body: no final chunk
                        self.close_connection = True
                        return
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(frame), frame))
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")

            def _pieces(self, s: Script) -> list[str]:
                return [s.text[i:i + s.piece] for i in range(0, len(s.text), s.piece)] or [""]

            def _openai(self, req, s: Script):
                if s.status != 200:
                    return self._error(s, openai=True)
                if s.garbage:
                    return self._send(200, "text/html", b"<html>not an API</html>")
                model = req.get("model", "m")
                if not req.get("stream"):
                    body = {"id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": model,
                            "choices": [{"index": 0, "finish_reason": "stop",
                                         "message": {"role": "assistant", "content": s.text}}],
                            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
                    return self._send(200, "application/json", json.dumps(body).encode())
                frames = []
                for i, p in enumerate(self._pieces(s)):
                    delta = {"content": p} if i else {"role": "assistant", "content": p}
                    chunk = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 0, "model": model,
                             "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
                    frames.append(b"data: " + json.dumps(chunk).encode() + b"\n\n")
                end = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 0, "model": model,
                       "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
                frames.append(b"data: " + json.dumps(end).encode() + b"\n\n")
                frames.append(b"data: [DONE]\n\n")
                self._stream("text/event-stream", frames, s)

            def _ollama(self, req, s: Script):
                if s.status != 200:
                    return self._error(s, openai=False)
                if s.garbage:
                    return self._send(200, "application/x-ndjson", b"this is not json\n")
                model = req.get("model", "m")
                frames = [json.dumps({"model": model, "created_at": "2026-01-01T00:00:00Z",
                                      "message": {"role": "assistant", "content": p}, "done": False}).encode() + b"\n"
                          for p in self._pieces(s)]
                frames.append(json.dumps({"model": model, "created_at": "2026-01-01T00:00:00Z",
                                          "message": {"role": "assistant", "content": ""}, "done": True,
                                          "done_reason": "stop", "total_duration": 1, "load_duration": 1,
                                          "prompt_eval_count": 1, "prompt_eval_duration": 1, "eval_count": 1,
                                          "eval_duration": 1}).encode() + b"\n")
                if not req.get("stream", True):
                    last = json.loads(frames[-1])
                    last["message"]["content"] = s.text
                    return self._send(200, "application/json", json.dumps(last).encode())
                self._stream("application/x-ndjson", frames, s)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
