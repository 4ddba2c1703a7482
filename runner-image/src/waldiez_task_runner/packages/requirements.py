"""What a flow needs that the runner's environment lacks, in a canonical form, and the cache key.

Pure functions over ``packaging`` and ``importlib.metadata``: no pip, no network. The same key is
computed by the supervisors (Java, ``io.waldiez.runner.protocol.PackagesKey``) from the canonical
strings; ``protocol/src/test/resources/.../packages-key-vectors.json`` holds the shared test vectors.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata as metadata
import platform
import re
import site
import sys
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Iterable, Sequence

from packaging.markers import Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

KEY_VERSION = "waldiez-packages-v1"
MAX_REQUIREMENTS = 100
MAX_REQUIREMENT_LENGTH = 300
_HASH = re.compile(r"^--hash=(sha256|sha384|sha512):([0-9a-fA-F]{32,128})$")


class RequirementRefused(ValueError):
    """A requirement that cannot be installed here: malformed, a direct URL, or refused by the policy."""


@dataclass(frozen=True, order=True)
class Canonical:
    """One requirement in the form every party compares and hashes: ``name[extras]specifiers --hash=...``."""

    text: str
    name: str

    def __str__(self) -> str:
        return self.text

    @property
    def requirement(self) -> Requirement:
        return Requirement(self.text.split(" --hash=", 1)[0])


def canonical(line: str, environment: dict[str, str] | None = None) -> Canonical | None:
    """The canonical form of one requirement line, or None when its marker excludes this environment.

    Accepted: ``name[extras] specifiers ; marker`` (PEP 508) and ``--hash=algo:hex`` options after it.
    Refused: direct URLs (``pkg @ https://...``: they would bypass the configured index), pip options,
    anything longer than ``MAX_REQUIREMENT_LENGTH``.
    """
    text = line.strip()
    if not text or len(text) > MAX_REQUIREMENT_LENGTH:
        raise RequirementRefused(f"requirement {text[:60]!r} is empty or too long")
    tokens = text.split()
    hashes = sorted(t.lower() for t in tokens if t.startswith("--hash="))
    for h in hashes:
        if not _HASH.match(h):
            raise RequirementRefused(f"malformed hash option {h[:60]!r} in {text[:80]!r}")
    spec = " ".join(t for t in tokens if not t.startswith("--hash="))
    if spec.startswith("-"):
        raise RequirementRefused(f"pip options are not allowed in requirements: {text[:80]!r}")
    try:
        req = Requirement(spec)
    except InvalidRequirement as exc:
        raise RequirementRefused(f"invalid requirement {spec[:80]!r}: {exc}") from exc
    if req.url:
        raise RequirementRefused(f"direct URL requirements are not allowed (use the package index): {req.name}")
    if req.marker is not None and not req.marker.evaluate(environment or {}):
        return None
    name = canonicalize_name(req.name)
    extras = sorted({canonicalize_name(e) for e in req.extras})
    out = name + (f"[{','.join(extras)}]" if extras else "") + str(req.specifier)
    out += "".join(f" {h}" for h in hashes)
    return Canonical(out, name)


def canonical_set(lines: Iterable[str]) -> list[Canonical]:
    """Canonical, de-duplicated and sorted; lines excluded by their markers are dropped."""
    found: dict[str, Canonical] = {}
    for line in lines:
        c = canonical(line)
        if c is not None:
            found[c.text] = c
    if len(found) > MAX_REQUIREMENTS:
        raise RequirementRefused(f"{len(found)} requirements: at most {MAX_REQUIREMENTS} are allowed")
    return sorted(found.values())


# ------------------------------------------------------------------------------------ the base


def base_paths() -> list[str]:
    """Where the base environment's distributions are: the interpreter's site-packages, nothing else."""
    return [p for p in site.getsitepackages() if p]


@functools.lru_cache(maxsize=1)
def base_distributions() -> dict[str, str]:
    """Canonical name → version of every distribution of the base environment (first found wins).

    Read once per process (the base is read-only), and by ``warm_up`` before a standby's task arrives."""
    found: dict[str, str] = {}
    for dist in metadata.distributions(path=base_paths()):
        name = dist.metadata["Name"]
        if name:
            found.setdefault(canonicalize_name(name), dist.version)
    return found


def base_constraints(dists: dict[str, str] | None = None) -> str:
    """A pip constraints file pinning every base distribution: the base's pins win every conflict."""
    dists = base_distributions() if dists is None else dists
    return "".join(f"{name}=={version}\n" for name, version in sorted(dists.items()))


def base_fingerprint(dists: dict[str, str] | None = None) -> str:
    """sha256 of the interpreter and the base's pins: environments are built for exactly this base."""
    text = f"python {platform.python_version()} {sys.implementation.name} {platform.machine()}\n"
    text += base_constraints(dists)
    return hashlib.sha256(text.encode()).hexdigest()


def env_key(base: str, index: str, requirements: Sequence[str]) -> str:
    """The cache key of an environment: what gets installed, on which base, from which index."""
    text = f"{KEY_VERSION}\nbase {base}\nindex {index}\n" + "".join(f"{r}\n" for r in sorted(requirements))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


# ------------------------------------------------------------------------------------ satisfied?


def _satisfied(req: Requirement, dists: dict[str, str], seen: set[str]) -> bool:
    name = canonicalize_name(req.name)
    version = dists.get(name)
    if version is None:
        return False
    try:
        if not req.specifier.contains(Version(version), prereleases=True):
            return False
    except InvalidVersion:
        return False
    for extra in sorted(req.extras):
        tag = f"{name}[{canonicalize_name(extra)}]"
        if tag in seen:
            continue
        seen.add(tag)
        for dep in _extra_requirements(name, extra):
            if not _satisfied(dep, dists, seen):
                return False
    return True


@functools.lru_cache(maxsize=256)
def _extra_requirements(name: str, extra: str) -> list[Requirement]:
    """The requirements an extra adds to a distribution (those its markers enable only with the extra)."""
    try:
        raw = metadata.distribution(name).requires or []
    except metadata.PackageNotFoundError:
        return []
    out: list[Requirement] = []
    for line in raw:
        try:
            dep = Requirement(line)
        except InvalidRequirement:
            continue
        if dep.marker is None:
            continue
        if _marker_true(dep.marker, extra) and not _marker_true(dep.marker, ""):
            out.append(dep)
    return out


def _marker_true(marker: Marker, extra: str) -> bool:
    try:
        return marker.evaluate({"extra": extra})
    except Exception:  # noqa: BLE001 - a marker packaging cannot evaluate does not apply
        return False


def missing(requirements: Iterable[Canonical], dists: dict[str, str] | None = None) -> list[Canonical]:
    """The requirements the base environment does not satisfy (absent, another version, or an extra's
    dependency absent). A conflict with a base pin is "missing" too: pip then explains it."""
    dists = base_distributions() if dists is None else dists
    return [r for r in requirements if not _satisfied(r.requirement, dists, set())]


def warm_up() -> None:
    """Reads what every flow's check needs (the base's distributions, ag2's extras), so that a
    standby answers "nothing missing" for a flow without reading package metadata then."""
    dists = base_distributions()
    if "ag2" in dists:
        missing(canonical_set([f"ag2[openai]=={dists['ag2']}"]), dists)


# ------------------------------------------------------------------------------------ policy


@dataclass(frozen=True)
class Policy:
    """Which packages may be installed (globs on canonical names; deny wins; an empty allow list allows all)."""

    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()

    @staticmethod
    def parse(allow: str, deny: str) -> "Policy":
        def items(text: str) -> tuple[str, ...]:
            return tuple(canonicalize_name(p.strip()) if "*" not in p and "?" not in p else p.strip().lower()
                         for p in text.split(",") if p.strip())

        return Policy(items(allow), items(deny))

    def check(self, requirements: Iterable[Canonical]) -> None:
        for r in requirements:
            if any(fnmatchcase(r.name, p) for p in self.deny):
                raise RequirementRefused(f"package {r.name!r} is not allowed on this server")
            if self.allow and not any(fnmatchcase(r.name, p) for p in self.allow):
                raise RequirementRefused(f"package {r.name!r} is not in this server's list of allowed packages")
