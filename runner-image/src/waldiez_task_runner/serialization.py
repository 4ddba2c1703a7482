"""Turns whatever a waldiez run returns into JSON-safe values (mirrors the original runner)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any


def make_serializable(value: Any) -> Any:
    """Recursively convert ``value`` to something ``json.dumps`` accepts.

    Dataclasses and pydantic models become dicts, sets/tuples become lists, dict keys become
    strings, and anything unknown becomes its ``str()``.
    """
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return make_serializable(dataclasses.asdict(value))
    model_dump = getattr(value, "model_dump", None)
    if callable(model_dump) and not isinstance(value, type):
        try:
            return make_serializable(model_dump(mode="json", fallback=str))
        except TypeError:
            return make_serializable(model_dump(mode="json"))
    if isinstance(value, dict):
        return {str(k): make_serializable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [make_serializable(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        return str(value)


def to_json(value: Any) -> str:
    return json.dumps(make_serializable(value), ensure_ascii=False)
