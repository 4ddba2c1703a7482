"""Builds one environment: ``pip install --prefix <entry>`` on top of the base, whose pins win.

Run by a supervisor as its own process (``python -m waldiez_task_runner.packages build``): locally in
the same sandbox as runs with only the entry's directory writable, in Kubernetes as a build Job (or by
the runner itself in its own pod). It prints pip's output as it goes (the waiting runs relay it to
their streams), tees it into ``<entry>/.build.log``, and ends with the marker ``.waldiez-env.json``
(success) or ``.waldiez-env-failed.json`` plus a last line ``waldiez-packages: failed: <summary>``.

Everything is checked again here, by code that runs before any package's: the requirements must be
canonical and allowed, the base must be the one the key names, the key must be theirs.
"""

from __future__ import annotations

import importlib.metadata as metadata
import json
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Callable, TextIO

from ..redaction import redact_secrets
from . import requirements as reqs

MARKER = ".waldiez-env.json"
FAILED = ".waldiez-env-failed.json"
LOG = ".build.log"
FAILED_PREFIX = "waldiez-packages: failed: "
INSTALLING_PREFIX = "waldiez-packages: installing "
_SUMMARY_LIMIT = 600


class BuildFailed(RuntimeError):
    """pip (or a check around it) failed; the message is a one-line summary without secrets."""


@dataclass(frozen=True)
class BuildOptions:
    """How to install: the policy a supervisor passes (environment variables, never the flow)."""

    index_fingerprint: str = ""
    only_binary: bool = False
    max_bytes: int = 0
    timeout_seconds: float = 900.0
    policy: reqs.Policy = field(default_factory=reqs.Policy)

    @staticmethod
    def from_env(env: dict[str, str] | None = None) -> "BuildOptions":
        e = os.environ if env is None else env
        return BuildOptions(
            index_fingerprint=e.get("WALDIEZ_PACKAGES_INDEX", ""),
            only_binary=e.get("WALDIEZ_PACKAGES_ONLY_BINARY", "").lower() == "true",
            max_bytes=int(e.get("WALDIEZ_PACKAGES_MAX_BYTES", "0") or 0),
            timeout_seconds=float(e.get("WALDIEZ_PACKAGES_TIMEOUT", "900") or 900),
            policy=reqs.Policy.parse(e.get("WALDIEZ_PACKAGES_ALLOW", ""), e.get("WALDIEZ_PACKAGES_DENY", "")),
        )


def site_dirs(entry: Path) -> list[Path]:
    """The entry's site-packages directories (pip's ``--prefix`` scheme for this interpreter)."""
    dirs: list[Path] = []
    for kind in ("purelib", "platlib"):
        p = Path(sysconfig.get_path(kind, "posix_prefix", vars={"base": str(entry), "platbase": str(entry)}))
        if p not in dirs:
            dirs.append(p)
    return dirs


def build(entry: Path, key: str, base: str, requirements: list[str], options: BuildOptions,
          out: TextIO) -> dict[str, object]:
    """Install ``requirements`` into ``entry`` (emptied first). Returns the marker written on success."""
    started = time.monotonic()
    entry.mkdir(parents=True, exist_ok=True)
    done = _read_marker(entry)
    if done is not None and done.get("key") == key:
        # asked again (a restarted supervisor, or a run that asked twice): what runs use stays untouched
        out.write(f"waldiez-packages: {key} is built already\n")
        out.flush()
        return done
    _empty(entry)
    log = (entry / LOG).open("w", encoding="utf-8")

    def say(line: str) -> None:
        line = redact_secrets(line.rstrip("\n"))
        for stream in (out, log):
            stream.write(line + "\n")
            stream.flush()

    try:
        wanted = _check(key, base, requirements, options)
        say(f"{INSTALLING_PREFIX}{', '.join(str(r) for r in wanted)}")
        last_error = _pip(entry, wanted, options, say)
        if last_error is not None:
            raise BuildFailed(last_error)
        installed = _installed(entry)
        for name in installed:
            if any(fnmatchcase(name.split("==")[0], p) for p in options.policy.deny):
                raise BuildFailed(f"package {name.split('==')[0]!r} (a dependency) is not allowed on this server")
        size = _size(entry)
        if options.max_bytes and size > options.max_bytes:
            raise BuildFailed(f"the environment takes {size // 2**20} MiB, over this server's limit of "
                              f"{options.max_bytes // 2**20} MiB")
        marker = {
            "key": key,
            "base": base,
            "requirements": [str(r) for r in wanted],
            "installed": installed,
            "site": [str(p.relative_to(entry)) for p in site_dirs(entry)],
            "bytes": size,
            "seconds": round(time.monotonic() - started, 3),
            "built_at": int(time.time()),
        }
        _write_json(entry / MARKER, marker)
        say(f"waldiez-packages: ready in {marker['seconds']:.1f} s ({size / 2**20:.1f} MiB): "
            f"{', '.join(installed) or 'nothing new'}")
        return marker
    except (BuildFailed, reqs.RequirementRefused) as exc:
        summary = _one_line(str(exc))
        _write_json(entry / FAILED, {"key": key, "summary": summary, "failed_at": int(time.time())})
        say(FAILED_PREFIX + summary)
        _termination_message(summary)
        raise BuildFailed(summary) from exc
    finally:
        log.close()


def _check(key: str, base: str, requirements: list[str], options: BuildOptions) -> list[reqs.Canonical]:
    wanted = reqs.canonical_set(requirements)
    if [str(w) for w in wanted] != sorted(set(requirements)) or not wanted:
        raise BuildFailed("the requirements are not in canonical form")
    options.policy.check(wanted)
    own = reqs.base_fingerprint()
    if base != own:
        raise BuildFailed("this builder's runner environment is not the one the request was made for "
                          "(a different runner image or version)")
    if reqs.env_key(base, options.index_fingerprint, [str(w) for w in wanted]) != key:
        raise BuildFailed("the environment key does not match its requirements")
    return wanted


def _pip(entry: Path, wanted: list[reqs.Canonical], options: BuildOptions,
         say: Callable[[str], None]) -> str | None:
    """Runs pip; returns None on success, else the summary of its error lines."""
    work = Path(tempfile.mkdtemp(prefix="build-", dir=entry))
    try:
        constraints = work / "constraints.txt"
        constraints.write_text(reqs.base_constraints(), encoding="utf-8")
        cmd = [sys.executable, "-m", "pip", "install", "--prefix", str(entry), "--no-cache-dir", "--no-input",
               "--disable-pip-version-check", "--progress-bar", "off", "--no-warn-script-location",
               "--constraint", str(constraints)]
        if any(" --hash=" in str(w) for w in wanted):
            # hashes only work in a requirements file; pip then checks every download against them
            wanted_file = work / "requirements.txt"
            wanted_file.write_text("".join(f"{w}\n" for w in wanted), encoding="utf-8")
            cmd += ["--requirement", str(wanted_file)]
        else:
            cmd += ["--", *[str(w) for w in wanted]]
        if options.only_binary:
            cmd += ["--only-binary", ":all:"]
        env = dict(os.environ)
        env.update({"TMPDIR": str(work), "HOME": str(work), "PIP_NO_INPUT": "1", "PYTHONNOUSERSITE": "1"})
        shown: list[str] = []

        def follow(stream: TextIO) -> None:
            for raw in stream:
                line = raw.rstrip()
                if not line or line.startswith("Requirement already satisfied"):
                    continue  # the base's packages: hundreds of lines that say nothing new
                say(line)
                shown.append(line)

        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                                start_new_session=True)
        assert proc.stdout is not None
        reader = threading.Thread(target=follow, args=(proc.stdout,), daemon=True)
        reader.start()
        try:
            code = proc.wait(timeout=options.timeout_seconds)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return f"pip did not finish within {options.timeout_seconds:.0f} s"
        finally:
            reader.join(timeout=5)
        if code == 0:
            return None
        return pip_summary(shown) or f"pip failed with exit code {code}"
    finally:
        shutil.rmtree(work, ignore_errors=True)


def pip_summary(lines: list[str]) -> str:
    """pip's error, in one line: its ERROR lines and the explanation under them, without its advice."""
    kept: list[str] = []
    collecting = False
    for line in lines:
        text = line.strip()
        if text.startswith("ERROR:"):
            collecting = "ResolutionImpossible" not in text
            if collecting:
                kept.append(text.removeprefix("ERROR:").strip())
        elif text.startswith(("To fix this", "Additionally,")) or text[:2].rstrip(".").isdigit():
            collecting = False
        elif collecting:
            kept.append(text)
    return _one_line(" ".join(kept))


def _installed(entry: Path) -> list[str]:
    dists = metadata.distributions(path=[str(p) for p in site_dirs(entry)])
    return sorted({f"{reqs.canonicalize_name(d.metadata['Name'])}=={d.version}" for d in dists if d.metadata["Name"]})


def _size(entry: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(entry):
        for f in files:
            try:
                total += os.lstat(os.path.join(root, f)).st_size
            except OSError:
                pass
    return total


def _empty(entry: Path) -> None:
    for child in entry.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def _read_marker(entry: Path) -> dict[str, object] | None:
    try:
        data = json.loads((entry / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write_json(path: Path, data: dict[str, object]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def _one_line(text: str) -> str:
    text = " ".join(redact_secrets(text).split())
    return text if len(text) <= _SUMMARY_LIMIT else text[: _SUMMARY_LIMIT - 1] + "…"


def _termination_message(summary: str) -> None:
    """In a Kubernetes build pod, the reason the operator reads from the pod's status."""
    path = Path("/dev/termination-log")
    try:
        if path.exists() and os.access(path, os.W_OK):
            path.write_text(summary, encoding="utf-8")
    except OSError:
        pass
