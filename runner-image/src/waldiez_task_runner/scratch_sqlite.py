"""SQLite databases in the run's working directory are opened without durability.

ag2's runtime logger (which waldiez turns on for every flow) writes each event to ``flow.db`` and
commits after every message. In the default rollback-journal mode each commit creates, writes and
deletes a journal file and syncs twice: profiling a 600-message flow found that logging took about
half of the flow thread's time even on tmpfs. The working directory is scratch (removed after the
run; what is kept is zipped from ``waldiez_out``), so its databases use WAL without syncs. Databases
elsewhere (a tool's own data on a mounted volume) are left exactly as the flow opens them.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_installed: Path | None = None


def install(workdir: Path) -> None:
    """Wrap ``sqlite3.connect`` for this process (idempotent; the last workdir wins)."""
    global _installed
    _installed = workdir.resolve()
    if not getattr(sqlite3.connect, "_waldiez_scratch", False):
        sqlite3.connect = _make_connect(sqlite3.connect)


def is_scratch(database: Any, workdir: Path) -> bool:
    """True for a file database inside ``workdir`` (relative paths resolve against the cwd)."""
    if isinstance(database, bytes):
        database = os.fsdecode(database)
    if not isinstance(database, (str, os.PathLike)):
        return False
    text = os.fspath(database)
    if text == "" or text == ":memory:" or text.startswith("file:"):
        return False  # in-memory, temporary, or a URI with its own options
    try:
        return Path(text).resolve().is_relative_to(workdir)
    except (OSError, ValueError):
        return False


def _make_connect(original: Any) -> Any:
    def connect(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        con: sqlite3.Connection = original(database, *args, **kwargs)
        if _installed is not None and is_scratch(database, _installed):
            try:
                con.execute("PRAGMA journal_mode=WAL")
                con.execute("PRAGMA synchronous=OFF")
            except sqlite3.Error as exc:  # e.g. a read-only database: keep its defaults
                log.debug("could not relax durability of %s: %s", database, exc)
        return con

    connect._waldiez_scratch = True  # type: ignore[attr-defined]
    return connect
