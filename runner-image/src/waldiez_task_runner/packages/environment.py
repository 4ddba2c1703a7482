"""Using a built environment: find its marker, put its site-packages on the path, let ag2 see it.

A run uses an environment read-only: it only adds the entry's site-packages directories to
``sys.path`` (and ``PYTHONPATH``, for the processes a flow starts). The base stays first in
nothing: pip installed into the entry only what the base lacks, with the base's pins as constraints.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import re
import site
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .build import FAILED, MARKER

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Ready:
    """A complete environment: its directory and its marker's content."""

    entry: Path
    marker: dict[str, Any]

    @property
    def site_dirs(self) -> list[Path]:
        return [self.entry / str(d) for d in self.marker.get("site", [])]


def find(root: Path, key: str) -> Ready | None:
    """The environment ``key`` under ``root`` if it is complete (its marker names it), else None."""
    entry = root / key
    marker = _read(entry / MARKER)
    if marker is None or marker.get("key") != key:
        return None
    return Ready(entry, marker)


def failure(root: Path, key: str) -> dict[str, Any] | None:
    """The failure record of the last build of ``key``, if it failed."""
    record = _read(root / key / FAILED)
    return record if record is not None and record.get("key") == key else None


def _read(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def activate(ready: Ready) -> None:
    """Adds the environment to this process (and to the processes the flow starts)."""
    dirs = [str(d) for d in ready.site_dirs]
    for d in dirs:
        site.addsitedir(d)  # also runs the .pth files pip installed there
    inherited = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = os.pathsep.join(dirs + ([inherited] if inherited else []))
    importlib.invalidate_caches()
    _refresh_optional_imports(provided_modules(ready))
    log.info("environment %s active: %s", ready.entry.name, ", ".join(ready.marker.get("installed", [])))


def provided_modules(ready: Ready) -> set[str]:
    """Top-level module names the environment provides (packages, modules, extension modules)."""
    names: set[str] = set()
    for d in ready.site_dirs:
        try:
            children = list(d.iterdir())
        except OSError:
            continue
        for child in children:
            name = child.name
            if name.endswith((".dist-info", ".egg-info", ".pth")) or name.startswith(("_", ".")):
                continue
            names.add(name.split(".", 1)[0] if child.is_file() else name)
    return {n for n in names if n.isidentifier()}


def _refresh_optional_imports(provided: set[str]) -> None:
    """Re-runs the optional imports of ag2 modules loaded before the environment was there.

    ag2 decides at import time which provider SDKs it has: ``autogen.oai.client`` tries ``import
    groq``, ``anthropic``, ... once, and ``autogen.oai.groq`` turns ``GroqClient.create`` into a function
    raising "groq is not installed" when the import failed. A runner imports ag2 before it knows a
    flow's packages (a standby imports it ahead of any task), so the ag2 modules that import one of
    the environment's modules are reloaded now, in place (the classes other modules hold see the new
    globals), twice so that each one sees the others' new definitions.
    """
    if not provided:
        return
    names = "|".join(map(re.escape, sorted(provided)))
    pattern = re.compile(rf"^\s*(?:from|import)\s+(?:{names})\b"
                         rf"|require_optional_import\(\s*\[?\s*[\"'](?:{names})\b", re.MULTILINE)
    stale = []
    for name, module in sorted(sys.modules.items()):
        path = getattr(module, "__file__", None) if name.startswith("autogen.") else None
        if not path or not path.endswith(".py"):
            continue
        try:
            source = Path(path).read_text(encoding="utf-8")
        except OSError:
            continue
        if pattern.search(source):
            stale.append(module)
    for _ in range(2):
        for module in stale:
            try:
                importlib.reload(module)
            except Exception as exc:  # noqa: BLE001 - a module that cannot reload keeps its first answer
                log.warning("could not reload %s after adding the environment: %s", module.__name__, exc)
    if stale:
        log.info("re-imported %s", ", ".join(m.__name__ for m in stale))
