"""Pure parts of the Redis protocol v2 (docs/protocol.md): key names, entry encoding, answer parsing.

Nothing here talks to Redis, so all of it is unit-tested without a server.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import dataclass
from enum import Enum
from typing import Any, Mapping

TASK_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

PROTOCOL_VERSION = 2
# Write-only for runners (their ACL user): a hint that a task's own status stream has news.
GLOBAL_STATUS = "task-status"
STATUS_MAXLEN = 1000

# Inputs that mean "no input" (after trimming), as in the original runner.
EMPTY_INPUTS = frozenset({"", "\\n", "/\\n", '""', "''", '"/\\n"', "'/\\n'"})

PASSWORD_MASK = "***"


class ExitCode:
    """Exit codes of the runner process (docs/protocol.md section 6)."""

    COMPLETED = 0
    USAGE = 2
    FLOW_FAILED = 10
    INVALID_FLOW = 11
    CANCELLED = 12
    INFRASTRUCTURE = 13


class Status(str, Enum):
    """Status values of a kind=status entry."""

    RUNNING = "RUNNING"
    WAITING_FOR_INPUT = "WAITING_FOR_INPUT"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"

    @property
    def is_final(self) -> bool:
        return self in (Status.COMPLETED, Status.FAILED, Status.CANCELLED)


@dataclass(frozen=True)
class TaskKeys:
    """The per-task Redis keys of one task."""

    task_id: str

    @property
    def output(self) -> str:
        return f"task:{self.task_id}:output"

    @property
    def input_response(self) -> str:
        return f"task:{self.task_id}:input_response"

    @property
    def status(self) -> str:
        return f"task:{self.task_id}:status"

    @property
    def results(self) -> str:
        return f"task:{self.task_id}:results"

    @property
    def artifacts(self) -> str:
        return f"task:{self.task_id}:artifacts"

    def all(self) -> list[str]:
        """Every per-task key; all of them get the TTL after the final status."""
        return [self.output, self.input_response, self.status, self.results, self.artifacts]


def is_valid_task_id(task_id: str) -> bool:
    return bool(TASK_ID_PATTERN.match(task_id))


def now_micros() -> int:
    return time.time_ns() // 1000


def new_request_id() -> str:
    return uuid.uuid4().hex


def print_entry(task_id: str, data: str) -> dict[str, str]:
    return {"type": "print", "data": data, "task_id": task_id, "timestamp": str(now_micros())}


def input_request_entry(task_id: str, prompt: str, password: bool, request_id: str) -> dict[str, str]:
    return {
        "type": "input_request",
        "data": prompt,
        "password": str(bool(password)),
        "request_id": request_id,
        "task_id": task_id,
        "timestamp": str(now_micros()),
    }


def input_response_entry(task_id: str, request_id: str, data: str, password: bool) -> dict[str, str]:
    """The transcript entry of an answer; a password answer is masked (never stored in clear)."""
    return {
        "request_id": request_id,
        "type": "input_response",
        "data": PASSWORD_MASK if password and data else data,
        "task_id": task_id,
        "timestamp": str(now_micros()),
    }


def status_entry(task_id: str, status: Status, data: Any = None) -> dict[str, str]:
    return {
        "kind": "status",
        "task_id": task_id,
        "status": status.value,
        "timestamp": str(now_micros()),
        "data": json.dumps(data, ensure_ascii=False, default=str),
    }


def status_hint(task_id: str, status: Status) -> dict[str, str]:
    """The entry a runner adds to the global hint stream after each status (no data, no results)."""
    return {"task_id": task_id, "status": status.value, "timestamp": str(now_micros())}


def normalize_input(value: str) -> str:
    """Map the original's "no input" spellings to ""; any other answer is kept as written."""
    if value.strip().lower() in EMPTY_INPUTS:
        return ""
    return value


@dataclass(frozen=True)
class Answer:
    """A well-formed entry of task:<id>:input_response."""

    request_id: str
    data: str


class MalformedEntry(ValueError):
    """An input_response entry that cannot be an answer; the reader logs it and moves on."""


def _decode(value: Any, name: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedEntry(f"field {name!r} is not UTF-8") from exc
    raise MalformedEntry(f"field {name!r} is not a string")


def parse_answer(fields: Mapping[Any, Any]) -> Answer:
    """Decode one input_response stream entry.

    Accepted shapes: flat fields ``request_id`` + ``data`` (protocol v1), or a single ``payload``
    field holding the original's pub/sub JSON ``{"request_id": "...", "data": "..."}``.
    Raises MalformedEntry for anything else.
    """
    decoded: dict[str, str] = {}
    for key, value in fields.items():
        decoded[_decode(key, "key")] = _decode(value, str(key))
    if "request_id" not in decoded and "payload" in decoded:
        try:
            obj = json.loads(decoded["payload"])
        except ValueError as exc:
            raise MalformedEntry("payload is not JSON") from exc
        if not isinstance(obj, dict):
            raise MalformedEntry("payload is not a JSON object")
        rid, data = obj.get("request_id"), obj.get("data")
        if not isinstance(rid, str) or not isinstance(data, str):
            raise MalformedEntry("payload request_id and data must be strings")
        decoded = {"request_id": rid, "data": data}
    rid = decoded.get("request_id")
    if rid is None:
        raise MalformedEntry("missing field 'request_id'")
    if not rid or len(rid) > 128:
        raise MalformedEntry("request_id is empty or too long")
    if "data" not in decoded:
        raise MalformedEntry("missing field 'data'")
    return Answer(request_id=rid, data=normalize_input(decoded["data"]))


def control_action(fields: Mapping[Any, Any]) -> tuple[str, str] | None:
    """(action, reason) of a kind=control entry of task:<id>:status; None for anything else."""
    try:
        decoded = {_decode(k, "key"): _decode(v, "value") for k, v in fields.items()}
    except MalformedEntry:
        return None
    if decoded.get("kind") != "control" or not decoded.get("action"):
        return None
    return decoded["action"], decoded.get("reason", "")
