"""Zips the flow's output folder (waldiez_out/) for the task:<id>:artifacts key."""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

# waldiez writes <flow>_api_keys.py with the model API keys in clear next to the generated
# flow; it must never leave the pod.
_SECRET_SUFFIXES = ("_api_keys.py",)
_SKIPPED_DIRS = frozenset({"__pycache__"})


def is_secret_file(name: str) -> bool:
    return name.endswith(_SECRET_SUFFIXES) or name == ".env"


@dataclass(frozen=True)
class Archive:
    data: bytes | None
    size: int
    files: int
    reason: str | None = None


class _TooLarge(Exception):
    pass


class _CappedBuffer(io.BytesIO):
    """Stops writing as soon as the zip exceeds the cap, so a huge folder never fills memory."""

    def __init__(self, cap: int) -> None:
        super().__init__()
        self.cap = cap

    def write(self, b: "bytes | bytearray | memoryview") -> int:  # type: ignore[override]
        if self.tell() + len(b) > self.cap:
            raise _TooLarge()
        return super().write(b)


def zip_folder(folder: Path, max_bytes: int) -> Archive:
    """Zip ``folder`` (paths relative to its parent, e.g. ``waldiez_out/...``) if within ``max_bytes``."""
    if not folder.is_dir():
        return Archive(None, 0, 0, f"no output folder {folder.name}/ was produced")
    buf = _CappedBuffer(max_bytes)
    count = 0
    try:
        with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for root, dirs, files in os.walk(folder, followlinks=False):
                dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS)
                for name in sorted(files):
                    path = Path(root) / name
                    if is_secret_file(name) or path.is_symlink() or not path.is_file():
                        continue
                    zf.write(path, arcname=str(path.relative_to(folder.parent)))
                    count += 1
    except _TooLarge:
        return Archive(None, max_bytes + 1, count, f"the output folder is larger than {max_bytes} bytes zipped")
    data = buf.getvalue()
    return Archive(data, len(data), count)


def remove_secret_files(folder: Path) -> None:
    """Delete generated API-key modules from the output folder (it may outlive the run locally)."""
    if not folder.is_dir():
        return
    for root, _dirs, files in os.walk(folder):
        for name in files:
            if is_secret_file(name):
                try:
                    (Path(root) / name).unlink()
                except OSError:
                    pass
