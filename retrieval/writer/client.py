"""An OpenAI-compatible chat-completions client (vLLM, Ollama, Xinference, llama.cpp's server, a cloud
API): POST {base}/chat/completions with stream=true, read as server-sent events; a server that answers
with one JSON body instead is read too.

Every way it can go wrong is a WriterError with a kind (unreachable, timeout, http, garbage, empty),
never another exception: the caller falls back to the extractive answer. The API key goes in the
Authorization header only; it is never logged or put in an error."""
from __future__ import annotations

import json
import logging
import time
from typing import Iterator

import httpx

from reportqa.config import WriterSettings
from retrieval.writer.prompt import stop_sequences

log = logging.getLogger(__name__)
# Connecting to a local or LAN endpoint takes milliseconds; one that does not answer within this is down.
CONNECT_SECONDS = 5.0


class WriterError(Exception):
    def __init__(self, kind: str, detail: str = ""):
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind, self.detail = kind, detail


def _request(settings: WriterSettings, messages: list[dict]) -> tuple[str, dict, dict]:
    url = settings.url.rstrip("/") + "/chat/completions"
    headers = {"Authorization": f"Bearer {settings.api_key}"} if settings.api_key else {}
    body = {"model": settings.model, "messages": messages, "stream": True, "temperature": 0,
            "max_tokens": settings.max_tokens, "stop": stop_sequences()}
    return url, headers, body


def _delta(payload: str) -> str:
    """The text of one event (or of a whole JSON answer); garbage is a WriterError."""
    try:
        data = json.loads(payload)
        choice = data["choices"][0]
        part = (choice.get("delta") or choice.get("message") or {}).get("content")
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        raise WriterError("garbage", f"unreadable reply ({type(exc).__name__})") from None
    return part if isinstance(part, str) else ""


def _events(response: httpx.Response, deadline: float) -> Iterator[str]:
    """Text deltas of a server-sent event stream, the deadline checked at every chunk read."""
    buffer = b""
    for chunk in response.iter_bytes():
        if time.monotonic() > deadline:
            raise WriterError("timeout", "the draft took longer than the timeout")
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for raw in lines:
            line = raw.decode("utf-8", errors="replace").strip()
            if not line.startswith("data:"):
                continue  # comments, event names, keep-alives
            payload = line[5:].strip()
            if payload == "[DONE]":
                return
            yield _delta(payload)


def stream_chat(settings: WriterSettings, messages: list[dict]) -> Iterator[str]:
    """Yield the model's text as it comes; raise WriterError (only) on any failure."""
    deadline = time.monotonic() + settings.timeout
    url, headers, body = _request(settings, messages)
    timeout = httpx.Timeout(settings.timeout, connect=min(CONNECT_SECONDS, settings.timeout))
    try:
        with httpx.Client(timeout=timeout) as client, \
                client.stream("POST", url, json=body, headers=headers) as response:
            if response.status_code >= 400:
                raise WriterError("http", f"HTTP {response.status_code}")
            if "text/event-stream" in response.headers.get("content-type", ""):
                yield from _events(response, deadline)
            else:  # a server that ignores stream=true
                yield _delta(response.read().decode("utf-8", errors="replace"))
    except httpx.TimeoutException:
        raise WriterError("timeout", "no reply within the timeout") from None
    except httpx.HTTPError as exc:  # refused, reset, bad URL, protocol errors
        raise WriterError("unreachable", type(exc).__name__) from None
