"""Console entry point: ``waldiez-task-runner`` and ``python -m waldiez_task_runner``."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from typing import Any, Sequence, TextIO

from .config import ENV_VARS, flag, parse_settings
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


def _niceness() -> int:
    try:
        return os.getpriority(os.PRIO_PROCESS, 0)
    except (AttributeError, OSError):  # not on Windows
        return 0


# The priority the process started with: --nice N means N below it, however often it is applied
# (a standby lowers its priority before its imports, and again, as a no-op, with its task).
_START_NICENESS = _niceness()


def _lower_priority(increment: int, idle: bool = False) -> None:
    """Lower this process's CPU priority to ``increment`` below its start, and with ``idle`` into the idle
    scheduling class; never fatal: the run matters more."""
    target = min(19, _START_NICENESS + increment)
    try:
        if _niceness() < target:
            os.setpriority(os.PRIO_PROCESS, 0, target)
    except (AttributeError, OSError) as exc:  # no setpriority on Windows; a sandbox may refuse
        logging.getLogger(__name__).warning("could not lower the CPU priority by %d: %s", increment, exc)
    _lower_autogroup_priority(target)
    if idle:
        _enter_idle_class()


def _enter_idle_class() -> None:
    """SCHED_IDLE for this thread and the threads it starts later (call before imports start any).

    A niced run still holds a core until the scheduler's next decision, and on a saturated machine
    the API server's streaming threads queued behind runs for tens of milliseconds at a time
    (perf sched, two chatty flows on 2 cores). A task of the idle class is preempted as soon as any
    other task wakes on its core, and takes only the CPU time nothing else wants: the same flow
    throughput on an otherwise idle machine. Unprivileged (lowering only).
    """
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError) as exc:  # not Linux, or a seccomp policy refuses it
        logging.getLogger(__name__).warning("could not enter the idle scheduling class: %s", exc)


AUTOGROUP = "/proc/self/autogroup"


def autogroup_nice(path: str = AUTOGROUP) -> int | None:
    """The nice value of this process's session (the file reads ``/autogroup-123 nice 0``).

    None when the process is in no session group: the kernel leaves the file empty for processes
    of the boot session (descendants of init that never called setsid, as under some CI agents).
    """
    with open(path, encoding="ascii") as f:
        fields = f.read().split()
    return int(fields[-1]) if fields else None


def _lower_autogroup_priority(target: int, path: str = AUTOGROUP, attempts: int = 40) -> bool:
    """Give this process's session the priority ``target`` too, when the session is its own.

    With Linux's autogroup scheduling on (the default on desktop and many server kernels), each
    session is scheduled as one group and a process's nice value only ranks it inside its group.
    The local sandbox starts every run in a new session (bubblewrap ``--new-session``), so a
    niced run still took a third of the CPU from the API server with two runs busy (measured:
    ``setsid nice -n 19`` next to nice 0 on one core splits it 50/50). The session's own weight
    is what counts between sessions: set it, but only when the launcher says the session is the
    run's own (``WALDIEZ_OWN_SESSION=1``, set by the sandbox), so a runner started without a
    sandbox never lowers the server's session. Returns whether the weight was set.
    """
    if os.environ.get(ENV_VARS["own_session"]) != "1":
        return False
    for _ in range(attempts):
        try:
            nice = autogroup_nice(path)
            if nice is None:  # the boot session is no group of its own: nothing to lower
                return False
            if nice >= target:
                return True
            with open(path, "w", encoding="ascii") as f:
                f.write(str(target))
            return True
        except FileNotFoundError:  # a kernel without autogroup: the process's nice is enough
            return False
        except BlockingIOError:  # EAGAIN: unprivileged writers are limited to one per 100 ms
            time.sleep(0.05)
        except (OSError, ValueError, IndexError) as exc:
            logging.getLogger(__name__).warning("could not lower the session's CPU priority: %s", exc)
            return False
    return False


STANDBY = "--standby"


def main(argv: Sequence[str] | None = None) -> int:
    """Parse options, run the task, return the exit code (docs/protocol.md section 6)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args == [STANDBY]:
        return standby(sys.stdin)
    return run(args)


def standby(requests: TextIO) -> int:
    """A pre-started runner: import waldiez and ag2 now, then run the one task read from ``requests``.

    Importing waldiez and ag2 is most of a runner's start (seconds); a launcher that keeps a
    standby process ready saves it from the time to first output. The task arrives as one JSON
    line, ``{"argv": [...], "env": {...}}``: the same options as the command line, and the
    environment the task would have been started with (secrets stay off the command line). End of
    input without a task (the launcher stopped) exits 0; a malformed request exits 2.
    """
    _configure_logging(os.environ.get("WALDIEZ_LOG_LEVEL", "INFO").upper())
    # Import at the priority the task will run at; the task's own options say it again, validated.
    nice = os.environ.get(ENV_VARS["nice"], "")
    increment = int(nice) if nice.isdigit() else 0
    try:
        idle = flag(os.environ.get(ENV_VARS["cpu_idle"]) or "0")
    except argparse.ArgumentTypeError:
        idle = False
    if increment or idle:
        _lower_priority(increment, idle)
    from . import app, flow  # noqa: F401, PLC0415 - the runner's own modules, redis-py

    flow.preload()
    line = requests.readline()
    if not line.strip():
        return 0
    try:
        request = _standby_request(json.loads(line))
    except ValueError as exc:
        logging.getLogger(__name__).error("invalid standby request: %s", exc)
        return ExitCode.USAGE
    os.environ.update(request[1])
    return run(request[0])


def _standby_request(request: Any) -> tuple[list[str], dict[str, str]]:
    if not isinstance(request, dict):
        raise ValueError("expected a JSON object")
    argv, env = request.get("argv"), request.get("env", {})
    if not isinstance(argv, list) or not all(isinstance(a, str) for a in argv):
        raise ValueError('"argv" must be a list of strings')
    if not isinstance(env, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in env.items()):
        raise ValueError('"env" must be an object of strings')
    return argv, env


def run(argv: Sequence[str]) -> int:
    """One task from command-line options (and WALDIEZ_* environment variables)."""
    try:
        settings = parse_settings(argv)
    except SystemExit as exc:  # argparse: 0 for --help/--version, 2 for usage errors
        return int(exc.code) if isinstance(exc.code, int) else ExitCode.USAGE
    _configure_logging(settings.log_level)
    if settings.nice or settings.cpu_idle:
        _lower_priority(settings.nice, settings.cpu_idle)
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
