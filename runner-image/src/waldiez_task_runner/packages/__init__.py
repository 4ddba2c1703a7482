"""A flow's own packages: what it needs beyond the runner's environment, and getting it there.

Before a flow runs, ``prepare`` asks waldiez what the flow requires (its ``requirements``, and what
waldiez derives from its models and tools), keeps what the runner's locked (base) environment does
not satisfy, and makes an environment holding exactly that available, in one of three modes chosen by
the supervisor (``WALDIEZ_PACKAGES``):

- ``off`` (or unset): nothing is installed; the flow runs as it is (a missing import fails it).
- ``cache``: environments live in a shared, read-only cache (``WALDIEZ_PACKAGES_DIR``), one per key.
  A hit is used at once. A miss is asked for (a ``kind=packages`` entry on the task's status stream);
  the supervisor builds it (one build per key) and answers with a control entry, while this run
  relays the build's log to its own output stream.
- ``self``: the run installs into a directory of its own (a Kubernetes pod without a shared cache).

Nothing to install means no extra work at all. docs/packages.md describes the whole design.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..redaction import redact_secrets
from . import environment
from . import requirements as reqs
from .build import FAILED_PREFIX, INSTALLING_PREFIX, LOG

log = logging.getLogger(__name__)

MODES = ("off", "cache", "self")
_REQUEST_AGAIN_SECONDS = 30.0
_POLL_SECONDS = 0.2


class PackagesFailed(RuntimeError):
    """The flow's packages could not be installed (or may not be): the run ends FAILED with this reason."""


def _flag(value: str | None) -> bool | None:
    if value is None or value.strip() == "":
        return None
    return value.strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class PackagesSettings:
    """What the supervisor decided for this run (environment variables, set after the task's own)."""

    mode: str = "off"
    root: Path | None = None
    index: str = ""
    wait_seconds: float = 1800.0
    skip_deps: bool | None = None
    only: bool = False
    environ: dict[str, str] = field(default_factory=dict)

    @staticmethod
    def from_env(env: dict[str, str] | None = None) -> "PackagesSettings":
        e = dict(os.environ if env is None else env)
        mode = e.get("WALDIEZ_PACKAGES", "off").strip().lower() or "off"
        if mode not in MODES:
            raise PackagesFailed(f"WALDIEZ_PACKAGES must be one of {', '.join(MODES)}, not {mode!r}")
        root = e.get("WALDIEZ_PACKAGES_DIR", "")
        if mode != "off" and not root:
            raise PackagesFailed("WALDIEZ_PACKAGES_DIR is not set")
        return PackagesSettings(
            mode=mode,
            root=Path(root) if root else None,
            index=e.get("WALDIEZ_PACKAGES_INDEX", ""),
            wait_seconds=float(e.get("WALDIEZ_PACKAGES_WAIT", "1800") or 1800),
            skip_deps=_flag(e.get("WALDIEZ_SKIP_DEPS")),
            only=_flag(e.get("WALDIEZ_PACKAGES_ONLY")) is True,
            environ=e,
        )


class Channel(Protocol):
    """How ``prepare`` talks to the task's streams and its supervisor (the run's RedisLink in app.py)."""

    def print_line(self, text: str) -> None: ...

    def request_packages(self, key: str, base: str, requirements: list[str], state: str) -> None: ...

    def packages_answer(self) -> tuple[str, str] | None:
        """("ready" | "failed", reason) once the supervisor answered, else None."""

    def wait(self, seconds: float) -> bool:
        """Sleeps up to ``seconds``; True when the run was cancelled meanwhile."""


@dataclass(frozen=True)
class Prepared:
    """What ``prepare`` did: ``state`` is off, skipped, none (nothing missing), cached, built or cancelled."""

    state: str
    requirements: list[str] = field(default_factory=list)
    key: str | None = None

    def summary(self) -> dict[str, Any]:
        return {"state": self.state, "requirements": self.requirements, "key": self.key}


def flow_requirements(waldiez: Any) -> list[str]:
    """What waldiez says the flow needs (its own list plus what its models and tools imply), minus
    waldiez itself, as waldiez's own installer (``RequirementsMixin.gather_requirements``) does.

    It imports ag2 (waldiez asks it for its version): probes ag2 made before the environment was on
    the path are re-run when it is activated (``environment.activate``)."""
    return [r for r in waldiez.requirements if "waldiez" not in r]


def prepare(waldiez: Any, settings: PackagesSettings, channel: Channel) -> Prepared:
    """Makes the flow's missing packages importable, or raises PackagesFailed. Blocks while installing."""
    try:
        return _prepare(waldiez, settings, channel)
    except PackagesFailed as exc:
        raise PackagesFailed(f"Installing the flow's packages failed: {exc}") from None


def _prepare(waldiez: Any, settings: PackagesSettings, channel: Channel) -> Prepared:
    if settings.mode == "off":
        return Prepared("off")
    skip = settings.skip_deps if settings.skip_deps is not None else bool(getattr(waldiez, "skip_deps", False))
    if skip:
        log.info("skip_deps: the flow's requirements are not installed")
        return Prepared("skipped")
    try:
        wanted = reqs.canonical_set(flow_requirements(waldiez))
        dists = reqs.base_distributions()
        needed = reqs.missing(wanted, dists)
        if not needed:
            return Prepared("none")
        reqs.Policy.parse(settings.environ.get("WALDIEZ_PACKAGES_ALLOW", ""),
                          settings.environ.get("WALDIEZ_PACKAGES_DENY", "")).check(needed)
    except reqs.RequirementRefused as exc:
        raise PackagesFailed(str(exc)) from exc
    names = [str(r) for r in needed]
    base = reqs.base_fingerprint(dists)
    key = reqs.env_key(base, settings.index, names)
    assert settings.root is not None
    ready = environment.find(settings.root, key)
    if ready is not None:
        log.info("packages %s: cached environment %s", ", ".join(names), key)
        channel.request_packages(key, base, names, "cached")
        environment.activate(ready)
        return Prepared("cached", names, key)
    channel.print_line(f"Installing the flow's packages (not in the runner's environment): {', '.join(names)}")
    started = time.monotonic()
    if settings.mode == "self":
        ok = _install_here(settings.root / key, key, base, names, channel)
    else:
        ok = _wait_for_supervisor(settings, key, base, names, channel)
    if not ok:
        return Prepared("cancelled", names, key)
    ready = environment.find(settings.root, key)
    if ready is None:
        raise PackagesFailed("the environment was announced ready but is not complete")
    environment.activate(ready)
    channel.print_line(f"Packages ready after {time.monotonic() - started:.1f} s.")
    return Prepared("built", names, key)


def _wait_for_supervisor(settings: PackagesSettings, key: str, base: str, names: list[str],
                         channel: Channel) -> bool:
    """Asks for the environment and relays its build log until it is there; False when cancelled."""
    assert settings.root is not None
    relay = _LogRelay(settings.root / key / LOG, channel)
    deadline = time.monotonic() + settings.wait_seconds
    asked = 0.0
    while True:
        if time.monotonic() - asked > _REQUEST_AGAIN_SECONDS:
            # again now and then: a supervisor that restarted meanwhile learns of the wait this way
            channel.request_packages(key, base, names, "needed")
            asked = time.monotonic()
        relay.pump()
        if environment.find(settings.root, key) is not None:
            relay.pump()
            return True
        answer = channel.packages_answer()
        if answer is not None:
            result, reason = answer
            relay.pump()
            if result == "failed":
                raise PackagesFailed(reason or "the build failed")
            if environment.find(settings.root, key) is not None:
                return True
        if time.monotonic() > deadline:
            raise PackagesFailed(f"the environment was not ready within {settings.wait_seconds:.0f} s")
        if channel.wait(_POLL_SECONDS):
            return False


class _LogRelay:
    """Copies the complete lines a build appends to its log into the task's output stream."""

    def __init__(self, path: Path, channel: Channel) -> None:
        self.path = path
        self.channel = channel
        self.position = 0
        self.identity: tuple[int, int] | None = None

    def pump(self) -> None:
        try:
            with self.path.open("rb") as fh:
                stat = os.fstat(fh.fileno())
                identity = (stat.st_dev, stat.st_ino)
                if identity != self.identity or stat.st_size < self.position:
                    self.identity, self.position = identity, 0  # a new build (or a retry) started
                fh.seek(self.position)
                chunk = fh.read()
        except OSError:
            return
        end = chunk.rfind(b"\n")
        if end < 0:
            return
        self.position += end + 1
        for line in chunk[: end + 1].decode("utf-8", errors="replace").splitlines():
            if _shown(line):
                self.channel.print_line(line)


def _shown(line: str) -> bool:
    """A builder's line worth a frame in the task's stream (its failure comes in the final status)."""
    return bool(line.strip()) and not line.startswith((FAILED_PREFIX, INSTALLING_PREFIX))


def _install_here(entry: Path, key: str, base: str, names: list[str], channel: Channel) -> bool:
    """``self`` mode: runs the builder as a child process, relaying its output; False when cancelled."""
    cmd = [sys.executable, "-m", "waldiez_task_runner.packages", "build", "--dir", str(entry), "--key", key,
           "--base", base, *[a for n in names for a in ("--requirement", n)]]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    failed: list[str] = []

    def follow() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            line = line.rstrip()
            if line.startswith(FAILED_PREFIX):
                failed.append(line[len(FAILED_PREFIX):])
            elif _shown(line):
                channel.print_line(line)

    reader = threading.Thread(target=follow, daemon=True)
    reader.start()
    while proc.poll() is None:
        if channel.wait(_POLL_SECONDS):
            proc.kill()
            return False
    reader.join(timeout=5)
    if proc.returncode != 0:
        raise PackagesFailed(redact_secrets(failed[-1] if failed else f"the builder failed (exit {proc.returncode})"))
    return True
