"""Using a built environment: find its marker, put its site-packages on the path, let ag2 see it.

A run uses an environment read-only: it only adds the entry's site-packages directories to
``sys.path`` (and ``PYTHONPATH``, for the processes a flow starts). The base stays first in
nothing: pip installed into the entry only what the base lacks, with the base's pins as constraints.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import json
import logging
import os
import site
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
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

    ag2 decides at import time which optional packages it has: ``autogen.oai.client`` tries ``import
    groq`` (and each other provider's SDK) once, in an ``optional_import_block``, and ``autogen.oai.groq``
    turns ``GroqClient.create`` into a function raising "groq is not installed" when it failed
    (``require_optional_import``). A runner imports ag2 before it knows a flow's packages (a standby
    imports it ahead of any task), so each ag2 module with such a probe that would now succeed, and
    that needs something the environment brings, is reloaded in place (the classes other modules hold
    see the new globals), the modules it imports from first. A probe still missing something (say
    ``matplotlib`` and ``networkx`` together, with only matplotlib installed) is left alone: reloading
    would only import for nothing.
    """
    if not provided:
        return
    stale: dict[str, tuple[ModuleType, set[str]]] = {}
    for name, module in list(sys.modules.items()):
        probes = _module_probes(name, module)
        if probes and any(_satisfiable(probe, provided) for probe in probes[1]):
            stale[name] = (module, probes[0])
    for module in _dependencies_first(stale):
        try:
            importlib.reload(module)
        except Exception as exc:  # noqa: BLE001 - a module that cannot reload keeps its first answer
            log.warning("could not reload %s after adding the environment: %s", module.__name__, exc)
    if stale:
        log.info("re-imported %s", ", ".join(sorted(stale)))


# module name -> (the modules it imports, the packages each of its optional imports needs); None: it
# has no optional imports.
# Filled by warm_up() in a standby before its task, so that using an environment reads no source then.
_PROBES: dict[str, tuple[str, list[set[str]]] | None] = {}


def warm_up() -> None:
    """Reads the optional imports of the ag2 modules loaded now (a standby does it before its task)."""
    for name, module in list(sys.modules.items()):
        _module_probes(name, module)


def _module_probes(name: str, module: ModuleType | None) -> tuple[set[str], list[set[str]]] | None:
    if name in _PROBES:
        return _PROBES[name]
    found: tuple[set[str], list[set[str]]] | None = None
    path = getattr(module, "__file__", None) if name.startswith("autogen.") else None
    if path and path.endswith(".py"):
        try:
            source = Path(path).read_text(encoding="utf-8")
        except OSError:
            source = ""
        if "optional_import" in source:
            found = _probes(source, getattr(module, "__package__", None) or name.rpartition(".")[0])
    _PROBES[name] = found
    return found


def _probes(source: str, package: str) -> tuple[set[str], list[set[str]]] | None:
    """The ag2 modules a module imports, and the top-level packages each of its optional imports
    needs: the absolute imports of each ``with optional_import_block():``, and the names given to each
    ``require_optional_import(...)``. None when it has no optional imports."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    imports: set[str] = set()
    probes: list[set[str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            parts = package.split(".")
            base = ".".join(parts[: len(parts) - node.level + 1])
            imports.add(f"{base}.{node.module}" if node.module else base)
        elif isinstance(node, ast.Import):
            imports.update(a.name for a in node.names if a.name.startswith("autogen."))
        if isinstance(node, ast.With) and any(
                isinstance(i.context_expr, ast.Call) and getattr(i.context_expr.func, "id", "") == "optional_import_block"
                for i in node.items):
            needed: set[str] = set()
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import):
                    needed.update(a.name.split(".")[0] for a in inner.names)
                elif isinstance(inner, ast.ImportFrom) and not inner.level and inner.module:
                    needed.add(inner.module.split(".")[0])
            probes.append(needed)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "require_optional_import" and node.args:
            first = node.args[0]
            items = first.elts if isinstance(first, (ast.List, ast.Tuple)) else [first]
            probes.append({i.value.split(".")[0] for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)})
    return (imports, probes) if probes else None


def _satisfiable(probe: set[str], provided: set[str]) -> bool:
    """The probe needs something the environment brings, and everything it needs can be imported now."""
    if not probe & provided:
        return False
    for name in probe:
        try:
            if name not in sys.modules and importlib.util.find_spec(name) is None:
                return False
        except (ImportError, ValueError):
            return False
    return True


def _dependencies_first(stale: dict[str, tuple[ModuleType, set[str]]]) -> list[ModuleType]:
    """The modules to reload, each after those of them it imports (``from .groq import`` ...)."""
    ordered: list[ModuleType] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen:
            return
        seen.add(name)
        for other in sorted(stale[name][1] & stale.keys()):
            visit(other)
        ordered.append(stale[name][0])

    for name in sorted(stale):
        visit(name)
    return ordered
