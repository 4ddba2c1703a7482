"""The runner's side of the Redis streams: connection with bounded retries, output, status, results.

One ``RedisLink`` is shared by the main thread, the flow thread and the cancel watcher; redis-py
clients are thread-safe (each command borrows a pooled connection).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, TextIO

import redis

from . import protocol
from .protocol import Status, TaskKeys
from .redaction import redact_url

log = logging.getLogger(__name__)


class RedisUnavailable(RuntimeError):
    """Redis could not be reached after the bounded retries (exit code 13)."""


@dataclass(frozen=True)
class RedisOptions:
    url: str
    password: str | None = None
    ca_cert: str | None = None
    retries: int = 5
    backoff_seconds: float = 0.5
    username: str | None = None


def connect(options: RedisOptions, sleep: Callable[[float], None] = time.sleep) -> "redis.Redis":
    """Connect and PING, retrying with exponential backoff; raise RedisUnavailable when it gives up.

    With the defaults (5 attempts, 0.5 s doubling, 2 s connect timeout) it gives up after ~10 s.
    """
    kwargs: dict[str, Any] = {
        "socket_connect_timeout": 2.0,
        # must exceed the longest XREAD BLOCK we issue (1 s)
        "socket_timeout": 10.0,
        "health_check_interval": 30,
    }
    if options.password:
        kwargs["password"] = options.password
    if options.username:
        kwargs["username"] = options.username
    if options.ca_cert and options.url.startswith("rediss://"):
        kwargs["ssl_ca_certs"] = options.ca_cert
    try:
        client = redis.Redis.from_url(options.url, **kwargs)
    except ValueError as exc:
        raise RedisUnavailable(f"invalid Redis URL {redact_url(options.url)}: {exc}") from exc
    attempts = max(1, options.retries)
    delay = options.backoff_seconds
    last: Exception | None = None
    for attempt in range(1, attempts + 1):
        try:
            client.ping()
            return client
        except redis.AuthenticationError as exc:
            # a wrong password will not fix itself
            raise RedisUnavailable(f"Redis at {redact_url(options.url)} refused the credentials") from exc
        except (redis.RedisError, OSError) as exc:
            last = exc
            log.warning(
                "Redis at %s not reachable (attempt %d/%d): %s",
                redact_url(options.url), attempt, attempts, type(exc).__name__,
            )
            if attempt < attempts:
                sleep(delay)
                delay *= 2
    raise RedisUnavailable(
        f"Redis at {redact_url(options.url)} unreachable after {attempts} attempts: {last}"
    )


class RedisLink:
    """Writes output/status entries for one task and guarantees a single final status."""

    def __init__(
        self,
        client: "redis.Redis",
        task_id: str,
        transcript: TextIO,
        output_maxlen: int = 10000,
        global_maxlen: int = 100000,
        key_ttl: int = 86400,
    ) -> None:
        self.client = client
        self.task_id = task_id
        self.keys = TaskKeys(task_id)
        self.transcript = transcript
        self.output_maxlen = output_maxlen
        self.global_maxlen = global_maxlen
        self.key_ttl = key_ttl
        self._lock = threading.Lock()
        self._final: Status | None = None

    @property
    def final_status(self) -> Status | None:
        return self._final

    def emit_output(self, fields: dict[str, str], readable: str) -> None:
        """XADD one output entry to the task's output stream, then echo it to stdout.

        Redis first: a run is preempted at syscall boundaries, and under a low CPU priority a
        preemption between the entry's timestamp and its XADD held entries back for up to 26 ms
        (benchmarks/notes.md item 18); the local echo can wait. Redis errors are logged, not
        raised: a lost transcript line must not kill the flow. After the final status nothing
        more is written.
        """
        if self._final is not None:
            return
        try:
            self.client.xadd(self.keys.output, fields, maxlen=self.output_maxlen, approximate=True)  # type: ignore[arg-type]
        except redis.RedisError as exc:
            log.warning("could not write an output entry: %s", exc)
        self._echo(readable)

    def print_line(self, text: str) -> None:
        """A plain print entry written by the runner itself (timeouts, skipped artifacts...)."""
        if not text.endswith("\n"):
            text += "\n"
        self.emit_output(protocol.print_entry(self.task_id, text), f"[print] {text}")

    def set_status(self, status: Status, data: Any = None) -> bool:
        """Write a status entry to the task's status stream, then a hint naming the task to the global
        one (supervisors re-read the task's own stream). Returns False if a final one was already written.

        Non-final statuses are best effort; a final status is raised on Redis errors so that the
        caller can report an infrastructure failure.
        """
        with self._lock:
            if self._final is not None:
                return False
            fields = protocol.status_entry(self.task_id, status, data)
            try:
                pipe = self.client.pipeline(transaction=False)
                pipe.xadd(self.keys.status, fields, maxlen=protocol.STATUS_MAXLEN, approximate=True)  # type: ignore[arg-type]
                pipe.xadd(protocol.GLOBAL_STATUS, protocol.status_hint(self.task_id, status),  # type: ignore[arg-type]
                          maxlen=self.global_maxlen, approximate=True)
                pipe.execute()
            except redis.RedisError as exc:
                if status.is_final:
                    raise
                log.warning("could not write status %s: %s", status.value, exc)
            if status.is_final:
                self._final = status
            log.info("status %s", status.value)
            return True

    def request_packages(self, key: str, base: str, requirements: list[str], state: str) -> None:
        """A packages entry on the task's status stream, and a hint (best effort: the run asks again)."""
        with self._lock:
            if self._final is not None:
                return
            try:
                pipe = self.client.pipeline(transaction=False)
                pipe.xadd(self.keys.status, protocol.packages_entry(self.task_id, key, base, requirements, state),  # type: ignore[arg-type]
                          maxlen=protocol.STATUS_MAXLEN, approximate=True)
                pipe.xadd(protocol.GLOBAL_STATUS, protocol.status_hint(self.task_id, Status.RUNNING),  # type: ignore[arg-type]
                          maxlen=self.global_maxlen, approximate=True)
                pipe.execute()
            except redis.RedisError as exc:
                log.warning("could not write the packages entry: %s", exc)

    def expire_keys(self) -> None:
        """EXPIRE every per-task key (missing keys are simply skipped by Redis)."""
        try:
            pipe = self.client.pipeline(transaction=False)
            for key in self.keys.all():
                pipe.expire(key, self.key_ttl)
            pipe.execute()
        except redis.RedisError as exc:
            log.warning("could not set the TTL on the task keys: %s", exc)

    def _echo(self, text: str) -> None:
        try:
            self.transcript.write(text if text.endswith("\n") else text + "\n")
            self.transcript.flush()
        except (OSError, ValueError):
            pass
