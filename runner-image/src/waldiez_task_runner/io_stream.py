"""An ag2 IOStream that turns every print, event and input request of a flow into Redis stream entries."""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any, Callable, cast

import redis

from . import protocol
from .protocol import Answer, MalformedEntry, Status
from .redaction import redact_secrets
from .redis_link import RedisLink

log = logging.getLogger(__name__)

# XREAD BLOCK slice while waiting for an answer: short, so a cancel is noticed quickly.
_BLOCK_MS = 500
_READABLE_LIMIT = 2000
_WALDIEZ_FAILED = "<Waldiez> - Workflow execution failed: "


class InputCancelled(Exception):
    """Raised inside the flow thread when the task is cancelled while it waits for an answer."""


def event_dump(event: Any) -> dict[str, Any]:
    """The JSON-safe dump of an ag2 event, with the same fallbacks as the original runner."""
    try:
        dumped = event.model_dump(mode="json")
    except Exception:  # noqa: BLE001 - some events hold objects pydantic cannot dump
        try:
            dumped = event.model_dump(mode="json", serialize_as_any=True, fallback=str)
        except Exception as exc:  # noqa: BLE001
            return {"type": type(event).__name__, "error": str(exc)}
    return dumped if isinstance(dumped, dict) else {"type": type(event).__name__, "content": dumped}


def readable_event(dump: dict[str, Any]) -> str:
    """One stdout line for an event: chat messages as ``[sender -> recipient] text``."""
    etype = str(dump.get("type", "event"))
    content = dump.get("content")
    if etype == "text" and isinstance(content, dict):
        sender = content.get("sender") or content.get("sender_name") or "?"
        recipient = content.get("recipient") or content.get("recipient_name") or "?"
        text = content.get("content")
        if not isinstance(text, str):
            text = json.dumps(text, ensure_ascii=False, default=str)
        return f"[{sender} -> {recipient}] {text}"
    body = json.dumps(content, ensure_ascii=False, default=str)
    if len(body) > _READABLE_LIMIT:
        body = body[:_READABLE_LIMIT] + "..."
    return f"[{etype}] {body}"


def summarize_exception(exc: BaseException | None) -> str | None:
    """``Type: message (file, line N)``: one line for a status reason, instead of a traceback.

    The location is the innermost frame outside the Python installation (the flow's own code when
    it raised there); the message is redacted of the task's secrets.
    """
    if exc is None:
        return None
    message = redact_secrets(str(exc).strip().split("\n", 1)[0])
    summary = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "site-packages" not in f.filename
              and not f.filename.startswith("<")]
    if frames:
        summary += f" ({Path(frames[-1].filename).name}, line {frames[-1].lineno})"
    return summary


class RedisIOStream:
    """ag2 ``IOStreamProtocol`` backed by the protocol v1 streams.

    ``input`` announces a request, then reads ``task:<id>:input_response`` from its own cursor
    (starting at 0-0, kept across requests) so that an answer written before the wait starts is
    still found and no answer is used twice.
    """

    def __init__(
        self,
        link: RedisLink,
        input_timeout: float,
        cancelled: threading.Event | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.link = link
        self.task_id = link.task_id
        self.input_timeout = input_timeout
        self.cancelled = cancelled or threading.Event()
        self._clock = clock
        self._cursor = "0-0"
        self._input_lock = threading.Lock()
        # the last error the flow reported (ag2 error event or waldiez's failure line): waldiez's
        # own result for a failed run is often just "No results generated"
        self.last_error: str | None = None

    # -- output -----------------------------------------------------------------------------
    def print(self, *objects: Any, sep: str = " ", end: str = "\n", flush: bool = False, **kwargs: Any) -> None:
        text = sep.join(str(o) for o in objects)
        extra = kwargs.get("file")
        getvalue = getattr(extra, "getvalue", None)
        if callable(getvalue):
            value = getvalue()
            if isinstance(value, bytes):
                value = value.decode("utf-8", errors="replace")
            text = f"{text} {value}" if text else str(value)
        text += end
        if text.startswith(_WALDIEZ_FAILED):
            # waldiez prints this line inside its ``except`` block, so the exception is at hand:
            # its type and where the flow raised it say more than the bare message.
            self.last_error = summarize_exception(sys.exc_info()[1]) or text[len(_WALDIEZ_FAILED):].strip() \
                or self.last_error
        self.link.emit_output(protocol.print_entry(self.task_id, text), f"[print] {text}")

    def send(self, message: Any) -> None:
        dump = event_dump(message)
        content = dump.get("content")
        if dump.get("type") == "error" and isinstance(content, dict) and content.get("error"):
            self.last_error = str(content["error"])
        data = json.dumps(dump, ensure_ascii=False, default=str)
        self.link.emit_output(protocol.print_entry(self.task_id, data), readable_event(dump))

    # -- input ------------------------------------------------------------------------------
    def input(self, prompt: str = "", *, password: bool = False, **kwargs: Any) -> str:
        """Ask the supervisors for input and block until it arrives, the timeout passes, or cancel."""
        with self._input_lock:
            request_id = kwargs.get("request_id") or protocol.new_request_id()
            prompt = str(prompt)
            self.link.emit_output(
                protocol.input_request_entry(self.task_id, prompt, password, request_id),
                f"[input_request] {prompt}",
            )
            self.link.set_status(
                Status.WAITING_FOR_INPUT,
                {"request_id": request_id, "prompt": prompt, "password": bool(password)},
            )
            answer = self.wait_for_answer(request_id)
            if answer is None:
                if self.cancelled.is_set():
                    raise InputCancelled("task cancelled while waiting for input")
                self.link.print_line(
                    f"No input received within {self.input_timeout:g} seconds; "
                    "using the default (empty) input."
                )
                answer = ""
            self.link.set_status(Status.RUNNING, None)
            entry = protocol.input_response_entry(self.task_id, request_id, answer, password)
            self.link.emit_output(entry, f"[input_response] {entry['data']}")
            return answer

    def wait_for_answer(self, request_id: str) -> str | None:
        """The answer to ``request_id`` (normalised), or None after the timeout or on cancel."""
        deadline = self._clock() + self.input_timeout
        key = self.link.keys.input_response
        while not self.cancelled.is_set():
            remaining = deadline - self._clock()
            if remaining <= 0:
                log.warning("input request %s timed out after %ss", request_id, self.input_timeout)
                return None
            block = max(1, min(_BLOCK_MS, int(remaining * 1000)))
            try:
                reply = cast(list[Any], self.link.client.xread({key: self._cursor}, block=block, count=50))
            except redis.RedisError as exc:
                log.warning("reading input answers failed (%s); retrying", exc)
                time.sleep(min(0.5, max(0.0, remaining)))
                continue
            for _stream, entries in reply or []:
                for entry_id, fields in entries:
                    self._cursor = entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)
                    answer = self._accept(entry_id, fields, request_id)
                    if answer is not None:
                        return answer.data
        return None

    def _accept(self, entry_id: Any, fields: Any, request_id: str) -> Answer | None:
        try:
            answer = protocol.parse_answer(fields)
        except MalformedEntry as exc:
            log.warning("ignoring malformed input_response entry %s: %s", _id(entry_id), exc)
            return None
        if answer.request_id != request_id:
            log.warning(
                "ignoring input_response entry %s for request %s (waiting for %s)",
                _id(entry_id), answer.request_id[:64], request_id,
            )
            return None
        return answer


def _id(entry_id: Any) -> str:
    return entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)
