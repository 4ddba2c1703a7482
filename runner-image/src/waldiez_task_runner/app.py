"""One run of the task runner: connect, watch for cancel, run the flow in a worker thread, report.

Threads:
- main: waits for "flow finished" or "cancel requested" (control entry or SIGTERM), then writes
  the final status; on cancel it exits the process with os._exit(12), because an ag2 thread
  blocked in a model call cannot be interrupted cleanly and the protocol promises 2 s.
- flow (daemon): WaldiezRunner.run with the RedisIOStream installed as ag2's default stream.
- cancel watcher (daemon): XREAD on task:<id>:status from 0-0 for kind=control action=cancel.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, TextIO, cast

import redis

from . import artifacts, flow, protocol, scratch_sqlite
from .config import Settings
from .io_stream import RedisIOStream
from .protocol import ExitCode, Status
from .redaction import redact_secrets, redact_url
from .redis_link import RedisLink, RedisOptions, RedisUnavailable, connect
from .serialization import to_json

log = logging.getLogger(__name__)

_WATCH_BLOCK_MS = 500


@dataclass
class _State:
    wake: threading.Event = field(default_factory=threading.Event)
    cancelled: threading.Event = field(default_factory=threading.Event)
    cancel_reason: str = ""
    done: bool = False
    results: Any = None
    error: BaseException | None = None

    def cancel(self, reason: str) -> None:
        if not self.cancelled.is_set():
            self.cancel_reason = reason
            self.cancelled.set()
        self.wake.set()


class CancelWatcher(threading.Thread):
    """Follows task:<id>:status from 0-0 so that a cancel written before the start is honoured."""

    def __init__(self, client: "redis.Redis", key: str, state: _State) -> None:
        super().__init__(name="cancel-watcher", daemon=True)
        self.client = client
        self.key = key
        self.state = state
        self.cursor = "0-0"
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set() and not self.state.cancelled.is_set():
            try:
                reply = cast(list[Any], self.client.xread({self.key: self.cursor}, block=_WATCH_BLOCK_MS, count=100))
            except redis.RedisError as exc:
                log.warning("cancel watcher: reading %s failed (%s); retrying", self.key, exc)
                self.stopped.wait(0.5)
                continue
            for _stream, entries in reply or []:
                for entry_id, fields in entries:
                    self.cursor = entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)
                    control = protocol.control_action(fields)
                    if control is None:
                        continue
                    action, reason = control
                    if action == "cancel":
                        log.info("cancel requested on the status stream: %s", reason or "(no reason)")
                        self.state.cancel(reason or "cancel requested")
                        return
                    log.info("ignoring unknown control action %r", action[:64])


class TaskRun:
    def __init__(self, settings: Settings, transcript: TextIO) -> None:
        self.settings = settings
        self.transcript = transcript
        self.state = _State()
        self.link: RedisLink | None = None
        self.stream: RedisIOStream | None = None
        self.workdir: Path | None = None
        self._own_workdir = False

    # -- entry point ------------------------------------------------------------------------
    def execute(self) -> int:
        s = self.settings
        log.info("task %s: flow %s, Redis %s", s.task_id, s.flow, redact_url(s.redis_url))
        try:
            client = connect(RedisOptions(s.redis_url, s.redis_password, s.redis_ca_cert, s.redis_retries,
                                          username=s.redis_username))
        except RedisUnavailable as exc:
            sys.stderr.write(f"waldiez-task-runner: error: {exc}\n")
            sys.stderr.flush()
            return ExitCode.INFRASTRUCTURE
        self.link = RedisLink(client, s.task_id, self.transcript, s.output_maxlen, s.global_maxlen, s.key_ttl)
        self._install_signal_handlers()
        watcher = CancelWatcher(client, self.link.keys.status, self.state)
        watcher.start()
        try:
            return self._execute(self.link)
        except redis.RedisError as exc:
            sys.stderr.write(f"waldiez-task-runner: error: Redis failed during the run: {exc}\n")
            return ExitCode.INFRASTRUCTURE
        except Exception as exc:  # noqa: BLE001 - a runner bug must still end with a final status
            log.exception("unexpected runner error")
            try:
                return self._finish_failed(self.link, exc, ExitCode.FLOW_FAILED)
            except redis.RedisError:
                return ExitCode.INFRASTRUCTURE
        finally:
            watcher.stopped.set()
            self._cleanup_workdir()

    def _execute(self, link: RedisLink) -> int:
        link.set_status(Status.RUNNING, None)
        if self.state.cancelled.is_set():
            self._finish_cancelled(link)
        try:
            self.workdir = self._prepare_workdir()
        except OSError as exc:
            return self._finish_failed(link, exc, ExitCode.FLOW_FAILED)

        stream = self.stream = RedisIOStream(link, self.settings.input_timeout, self.state.cancelled)
        # Loading happens in the worker too: importing waldiez/ag2 takes seconds, and the main
        # thread must stay free to honour a cancel or SIGTERM within 2 s at any moment.
        worker = threading.Thread(target=self._load_and_run, args=(stream, self.workdir / "flow.py"),
                                  name="waldiez-flow", daemon=True)
        worker.start()
        while True:
            self.state.wake.wait()
            self.state.wake.clear()
            if self.state.cancelled.is_set():
                self._finish_cancelled(link)
            if self.state.done:
                break
        worker.join(timeout=5)
        if isinstance(self.state.error, flow.InvalidFlow):
            return self._finish_failed(link, self.state.error, ExitCode.INVALID_FLOW)
        return self._finish_flow(link, self.workdir)

    # -- flow thread ------------------------------------------------------------------------
    def _load_and_run(self, stream: RedisIOStream, output_file: Path) -> None:
        try:
            waldiez = flow.load_flow(self.settings.flow)
            if self.state.cancelled.is_set():
                return
            from autogen.io import IOStream  # noqa: PLC0415

            # set_default is a context variable: it applies to this thread (and ag2's run thread,
            # which copies the context).
            with IOStream.set_default(stream):
                self.state.results = flow.run_flow(waldiez, output_file)
        except BaseException as exc:  # noqa: BLE001 - everything must reach the main thread
            self.state.error = exc
            if not isinstance(exc, flow.InvalidFlow):
                log.debug("flow raised:\n%s", traceback.format_exc())
        finally:
            self.state.done = True
            self.state.wake.set()

    # -- endings ----------------------------------------------------------------------------
    def _finish_flow(self, link: RedisLink, workdir: Path) -> int:
        # waldiez's generated API-key module holds the keys in clear (in waldiez_out/ and in the
        # checkpoints under HOME): it must not outlive the run or reach the artifacts.
        artifacts.remove_secret_files(workdir)
        if self.state.error is not None:
            exc = self.state.error
            return self._finish_failed(link, exc, ExitCode.FLOW_FAILED)
        outcome = flow.check_results(self.state.results)
        results_json = to_json(outcome.results)
        link.client.set(link.keys.results, results_json)
        if outcome.error is not None:
            message = _first_line(outcome.error)
            detail = self.stream.last_error if self.stream is not None else None
            if detail and message in flow.GENERIC_FAILURES:
                message = _first_line(detail)  # the cause, not waldiez's "No results generated"
            elif detail and detail not in message:
                message = _first_line(f"{message}: {detail}")
            log.error("flow failed (exit %d): %s", ExitCode.FLOW_FAILED, message)
            link.print_line(f"Task failed: {message}")
            link.set_status(Status.FAILED, {
                "error_type": outcome.error_type or "FlowError",
                "error": message,
                "exit_code": ExitCode.FLOW_FAILED,
            })
            link.expire_keys()
            return ExitCode.FLOW_FAILED
        artifacts_key = self._store_artifacts(link, workdir / "waldiez_out")
        link.set_status(Status.COMPLETED, {
            "results": outcome.results,
            "results_key": link.keys.results,
            "artifacts_key": artifacts_key,
        })
        link.expire_keys()
        return ExitCode.COMPLETED

    def _store_artifacts(self, link: RedisLink, folder: Path) -> str | None:
        archive = artifacts.zip_folder(folder, self.settings.artifacts_max_bytes)
        if archive.data is None:
            link.print_line(f"Artifacts not stored: {archive.reason}.")
            return None
        link.client.set(link.keys.artifacts, archive.data)
        log.info("stored %d artifact files (%d bytes zipped)", archive.files, archive.size)
        return link.keys.artifacts

    def _finish_failed(self, link: RedisLink, exc: BaseException, code: int) -> int:
        message = _first_line(redact_secrets(str(exc))) or type(exc).__name__
        log.error("task failed (exit %d): %s", code, message)
        link.print_line(f"Task failed: {message}")
        link.set_status(Status.FAILED, {"error_type": type(exc).__name__, "error": message, "exit_code": code})
        link.expire_keys()
        return code

    def _finish_cancelled(self, link: RedisLink) -> None:
        """Write CANCELLED, expire the keys and leave at once (never returns)."""
        reason = self.state.cancel_reason or "cancel requested"
        try:
            link.print_line(f"Task cancelled: {reason}")
            link.set_status(Status.CANCELLED, {"reason": reason, "exit_code": ExitCode.CANCELLED})
            link.expire_keys()
        except redis.RedisError as exc:
            sys.stderr.write(f"waldiez-task-runner: could not report the cancel: {exc}\n")
        log.info("cancelled: %s", reason)
        self._cleanup_workdir()
        _hard_exit(ExitCode.CANCELLED)

    # -- environment ------------------------------------------------------------------------
    def _prepare_workdir(self) -> Path:
        if self.settings.workdir is not None:
            workdir = self.settings.workdir.resolve()
            workdir.mkdir(parents=True, exist_ok=True)
        else:
            workdir = Path(tempfile.mkdtemp(prefix=f"wz-task-{self.settings.task_id[:16]}-")).resolve()
            self._own_workdir = True
        home, tmp = workdir / "home", workdir / "tmp"
        home.mkdir(exist_ok=True)
        tmp.mkdir(exist_ok=True)
        # waldiez keeps checkpoints under ~/waldiez/... and runs the flow from a temp dir; pods
        # have a read-only root filesystem and local runs must not pile up in the user's home, so
        # HOME, caches and temp files all live in the workdir (the only place that must be writable).
        os.environ["HOME"] = str(home)
        os.environ["XDG_CACHE_HOME"] = str(home / ".cache")
        os.environ["TMPDIR"] = str(tmp)
        tempfile.tempdir = str(tmp)  # gettempdir() caches its first answer
        os.chdir(workdir)
        scratch_sqlite.install(workdir)
        return workdir

    def _cleanup_workdir(self) -> None:
        if self._own_workdir and self.workdir is not None:
            os.chdir("/")
            shutil.rmtree(self.workdir, ignore_errors=True)
            self._own_workdir = False

    def _install_signal_handlers(self) -> None:
        def on_signal(signum: int, _frame: FrameType | None) -> None:
            self.state.cancel(f"received {signal.Signals(signum).name}")

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)


def _first_line(text: str) -> str:
    """Error messages go to status entries: one line, bounded, no traceback."""
    line = text.strip().split("\n", 1)[0]
    return line[:2000]


def _hard_exit(code: int) -> None:
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass
    logging.shutdown()
    os._exit(code)
