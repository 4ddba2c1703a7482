"""Loading, validating and running a .waldiez flow with the waldiez 0.7.1 Python API."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .serialization import make_serializable

if TYPE_CHECKING:
    from waldiez import Waldiez

log = logging.getLogger(__name__)


class InvalidFlow(ValueError):
    """The flow file is missing, not JSON, or rejected by waldiez validation (exit code 11)."""


def describe_validation_error(exc: BaseException) -> str:
    """A readable, secret-free message for a waldiez/pydantic validation error.

    pydantic's ``str()`` embeds the offending input (which may hold model API keys), so only the
    error messages and their locations are kept.
    """
    errors = getattr(exc, "errors", None)
    if callable(errors):
        try:
            items = errors(include_input=False, include_url=False)
        except TypeError:
            items = errors()
        parts: list[str] = []
        for item in items:
            msg = str(item.get("msg", "")).removeprefix("Value error, ")
            loc = ".".join(str(p) for p in item.get("loc", ()) if p != "")
            parts.append(f"{loc}: {msg}" if loc else msg)
        if parts:
            return "; ".join(parts)
    return str(exc).split("\n", 1)[0]


def check_file(path: Path) -> None:
    """Cheap checks before importing waldiez, with messages a user can act on."""
    if not path.is_file():
        raise InvalidFlow(f"flow file not found: {path}")
    try:
        with path.open("r", encoding="utf-8") as fh:
            data = json.load(fh)
    except UnicodeDecodeError as exc:
        raise InvalidFlow(f"flow file is not UTF-8 text: {path}") from exc
    except json.JSONDecodeError as exc:
        raise InvalidFlow(f"flow file is not valid JSON ({exc.msg} at line {exc.lineno}): {path}") from exc
    if not isinstance(data, dict):
        raise InvalidFlow(f"flow file is not a JSON object: {path}")


def preload() -> None:
    """Import what running a flow needs (waldiez, ag2, its IOStream): the slow part of a start."""
    import autogen.io  # noqa: F401, PLC0415
    import waldiez  # noqa: F401, PLC0415


def load_flow(path: Path) -> "Waldiez":
    """``Waldiez.load`` with errors turned into InvalidFlow carrying a readable message."""
    check_file(path)
    from waldiez import Waldiez  # noqa: PLC0415 - heavy import (ag2), only once Redis is up

    try:
        return Waldiez.load(path)
    except Exception as exc:  # noqa: BLE001 - waldiez raises ValueError and pydantic errors
        raise InvalidFlow(f"invalid flow: {describe_validation_error(exc)}") from exc


# What waldiez (or check_results) says when a run produced nothing; the cause is elsewhere.
GENERIC_FAILURES = frozenset({"No results generated", "No results returned"})


@dataclass(frozen=True)
class Outcome:
    """What the flow produced: serialized results, and an error message if it failed."""

    results: Any
    error: str | None
    error_type: str | None = None


def check_results(results: Any) -> Outcome:
    """Mirror of the original's check_results: a result holding an ``error`` means failure."""
    serial = make_serializable(results)
    if isinstance(serial, dict) and "error" in serial:
        return Outcome(serial, str(serial["error"]), "FlowError")
    if isinstance(serial, list):
        if not serial:
            return Outcome(serial, "No results returned", "FlowError")
        for item in serial:
            if isinstance(item, dict) and item.get("error"):
                return Outcome(serial, str(item["error"]), "FlowError")
    return Outcome(serial, None)


def run_flow(waldiez: "Waldiez", output_file: Path) -> Any:
    """Run the flow synchronously in the calling thread; the caller installs the IOStream.

    skip_deps: the image is prebuilt and pods have no network, so waldiez must not pip-install.
    skip_symlinks: copies instead of symlinks, so the zipped output folder holds real files.
    """
    from autogen.io import IOStream  # noqa: PLC0415
    from waldiez import WaldiezRunner  # noqa: PLC0415

    runner = WaldiezRunner(waldiez, output_path=output_file, skip_deps=True)
    # waldiez installs the IOStream's print only once the generated module has loaded, so a flow
    # failing at import (a missing package) would report its cause with the built-in print, out
    # of the task's stream; the inner runner takes our print from the start.
    inner = getattr(runner, "_runner", runner)
    inner.set_print_function(IOStream.get_default().print)
    return runner.run(
        output_path=output_file,
        skip_deps=True,
        skip_symlinks=True,
        structured_io=False,
    )
