"""Console entry point: ``waldiez-task-runner`` and ``python -m waldiez_task_runner``."""

from __future__ import annotations

import logging
import os
import sys
from typing import Sequence

from .config import parse_settings
from .protocol import ExitCode


def _configure_logging(level: str) -> None:
    logging.basicConfig(
        stream=sys.stderr,
        level=getattr(logging, level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    # HTTP client debug logs can carry request headers (Authorization: Bearer <LLM key>)
    for noisy in ("openai", "httpx", "httpcore", "httpx2", "httpcore2", "urllib3"):
        logging.getLogger(noisy).setLevel(max(logging.INFO, logging.getLogger().level))


def _lower_priority(increment: int) -> None:
    """Raise this process's nice value (lower priority); never fatal: the run matters more."""
    try:
        os.nice(increment)
    except (AttributeError, OSError) as exc:  # no os.nice on Windows; a sandbox may refuse
        logging.getLogger(__name__).warning("could not lower the CPU priority by %d: %s", increment, exc)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse options, run the task, return the exit code (docs/protocol.md section 6)."""
    try:
        settings = parse_settings(argv)
    except SystemExit as exc:  # argparse: 0 for --help/--version, 2 for usage errors
        return int(exc.code) if isinstance(exc.code, int) else ExitCode.USAGE
    _configure_logging(settings.log_level)
    if settings.nice:
        _lower_priority(settings.nice)
    # The transcript owns stdout; anything else that prints (waldiez, ag2, pip) goes to stderr
    # so that stdout stays the readable conversation.
    transcript = sys.stdout
    sys.stdout = sys.stderr
    # No bytecode files in a read-only image, no ag2 docker code execution.
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    os.environ.setdefault("AUTOGEN_USE_DOCKER", "0")
    from .app import TaskRun  # noqa: PLC0415 - keeps --help fast

    try:
        return TaskRun(settings, transcript).execute()
    finally:
        try:
            transcript.flush()
        except (OSError, ValueError):
            pass
        sys.stdout = transcript


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
