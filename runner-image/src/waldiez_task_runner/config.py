"""Command line and environment: every option can come from a WALDIEZ_* variable.

Environment variables are how the Kubernetes Job passes the Redis URL (from a Secret) without
putting the password on the command line; an explicit command-line option wins over the env.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Sequence, TypeVar

from . import __version__
from .protocol import is_valid_task_id

T = TypeVar("T")

DEFAULT_INPUT_TIMEOUT = 180.0
DEFAULT_OUTPUT_MAXLEN = 10000
DEFAULT_GLOBAL_MAXLEN = 100000
DEFAULT_KEY_TTL = 86400
DEFAULT_ARTIFACTS_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_REDIS_RETRIES = 5

# option dest -> environment variable
ENV_VARS: dict[str, str] = {
    "task_id": "WALDIEZ_TASK_ID",
    "redis_url": "WALDIEZ_REDIS_URL",
    "flow": "WALDIEZ_FLOW_PATH",
    "input_timeout": "WALDIEZ_INPUT_TIMEOUT",
    "output_maxlen": "WALDIEZ_OUTPUT_MAXLEN",
    "global_maxlen": "WALDIEZ_GLOBAL_MAXLEN",
    "key_ttl": "WALDIEZ_KEY_TTL",
    "artifacts_max_bytes": "WALDIEZ_ARTIFACTS_MAX_BYTES",
    "workdir": "WALDIEZ_WORKDIR",
    "log_level": "WALDIEZ_LOG_LEVEL",
    "redis_retries": "WALDIEZ_REDIS_RETRIES",
    "redis_ca_cert": "WALDIEZ_REDIS_CA_CERT",
    "nice": "WALDIEZ_NICE",
    "cpu_idle": "WALDIEZ_CPU_IDLE",
    # set by the local sandbox: the run is alone in its session (see cli._lower_autogroup_priority)
    "own_session": "WALDIEZ_OWN_SESSION",
}
# Only from the environment (a secret never belongs on a command line). With a per-task ACL user
# (protocol v2) the username comes with it, e.g. from the task's own Kubernetes Secret.
REDIS_PASSWORD_ENV = "WALDIEZ_REDIS_PASSWORD"
REDIS_USERNAME_ENV = "WALDIEZ_REDIS_USERNAME"


@dataclass(frozen=True)
class Settings:
    task_id: str
    redis_url: str
    flow: Path
    input_timeout: float = DEFAULT_INPUT_TIMEOUT
    output_maxlen: int = DEFAULT_OUTPUT_MAXLEN
    global_maxlen: int = DEFAULT_GLOBAL_MAXLEN
    key_ttl: int = DEFAULT_KEY_TTL
    artifacts_max_bytes: int = DEFAULT_ARTIFACTS_MAX_BYTES
    workdir: Path | None = None
    log_level: str = "INFO"
    redis_retries: int = DEFAULT_REDIS_RETRIES
    redis_password: str | None = None
    redis_username: str | None = None
    redis_ca_cert: str | None = None
    nice: int = 0
    cpu_idle: bool = False


def _positive(kind: Callable[[str], T], allow_zero: bool = False) -> Callable[[str], T]:
    def parse(text: str) -> T:
        try:
            value = kind(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from exc
        if value < 0 or (value == 0 and not allow_zero):  # type: ignore[operator]
            raise argparse.ArgumentTypeError(f"must be {'>= 0' if allow_zero else '> 0'}: {text!r}")
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="waldiez-task-runner",
        description="Run one .waldiez flow, streaming its I/O through Redis (protocol v1). "
        "Every option may also be given as the environment variable shown.",
    )
    p.add_argument("--task-id", help="task id, [A-Za-z0-9_-]{1,64} (env WALDIEZ_TASK_ID)")
    p.add_argument("--redis-url", help="redis:// or rediss:// URL (env WALDIEZ_REDIS_URL; "
                   "the user and password may also come from WALDIEZ_REDIS_USERNAME and WALDIEZ_REDIS_PASSWORD)")
    p.add_argument("--flow", help="path of the .waldiez file (env WALDIEZ_FLOW_PATH)")
    p.add_argument("--input-timeout", type=_positive(float),
                   help=f"seconds to wait for each input answer (env WALDIEZ_INPUT_TIMEOUT, default {DEFAULT_INPUT_TIMEOUT:g})")
    p.add_argument("--output-maxlen", type=_positive(int),
                   help=f"MAXLEN ~ of task:<id>:output (default {DEFAULT_OUTPUT_MAXLEN})")
    p.add_argument("--global-maxlen", type=_positive(int),
                   help=f"MAXLEN ~ of the task-status hint stream (default {DEFAULT_GLOBAL_MAXLEN})")
    p.add_argument("--key-ttl", type=_positive(int),
                   help=f"seconds the task keys live after the final status (default {DEFAULT_KEY_TTL})")
    p.add_argument("--artifacts-max-bytes", type=_positive(int, allow_zero=True),
                   help=f"largest zipped output folder stored (default {DEFAULT_ARTIFACTS_MAX_BYTES})")
    p.add_argument("--workdir", help="writable directory for the run (default: a new temp dir, removed at exit)")
    p.add_argument("--log-level", type=str.upper, choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                   help="stderr log level (default INFO)")
    p.add_argument("--redis-retries", type=_positive(int),
                   help=f"connection attempts before exit code 13 (default {DEFAULT_REDIS_RETRIES})")
    p.add_argument("--redis-ca-cert", help="CA bundle for rediss:// (env WALDIEZ_REDIS_CA_CERT)")
    p.add_argument("--nice", type=_positive(int, allow_zero=True),
                   help="lower this run's CPU priority by N (0-19) so that a server on the same machine "
                   "stays responsive while the flow computes (env WALDIEZ_NICE, default 0)")
    p.add_argument("--cpu-idle", type=flag, nargs="?", const=True,
                   help="run in Linux's idle scheduling class (SCHED_IDLE): the run takes only CPU time that "
                   "nothing else wants, and any other process preempts it at once (env WALDIEZ_CPU_IDLE=1)")
    p.add_argument("--standby", action="store_true",
                   help="pre-start: import waldiez and ag2, then read one task from stdin as a JSON line "
                   '{"argv": [options], "env": {variables}} and run it (alone, without other options)')
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return p


def flag(raw: str) -> bool:
    """A boolean option's value: 1/true/yes/on or 0/false/no/off (any case)."""
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, not {raw!r}")


def parse_settings(argv: Sequence[str] | None, environ: Mapping[str, str] | None = None) -> Settings:
    """Parse argv and the environment; exits with code 2 (argparse) on bad input."""
    env = os.environ if environ is None else environ
    parser = build_parser()
    ns = parser.parse_args(argv)
    # Fill unset options from the environment, validating them with the same converters.
    for action in parser._actions:  # noqa: SLF001 - argparse has no public accessor
        dest = action.dest
        if dest not in ENV_VARS or getattr(ns, dest) is not None:
            continue
        raw = env.get(ENV_VARS[dest])
        if raw is None or raw == "":
            continue
        try:
            value = action.type(raw) if callable(action.type) else raw
        except (argparse.ArgumentTypeError, ValueError) as exc:
            parser.error(f"{ENV_VARS[dest]}: {exc}")
        if action.choices is not None and value not in action.choices:
            parser.error(f"{ENV_VARS[dest]}: must be one of {', '.join(map(str, action.choices))}")
        setattr(ns, dest, value)
    if ns.standby:
        parser.error("--standby takes no other options (the task's options arrive on stdin)")
    missing = [f"--{d.replace('_', '-')} (or {ENV_VARS[d]})" for d in ("task_id", "redis_url", "flow")
               if not getattr(ns, d)]
    if missing:
        parser.error("missing required option(s): " + ", ".join(missing))
    if not is_valid_task_id(ns.task_id):
        parser.error(f"invalid task id {ns.task_id!r}: expected [A-Za-z0-9_-]{{1,64}}")
    if ns.nice is not None and ns.nice > 19:
        parser.error(f"--nice must be between 0 and 19, not {ns.nice}")
    if not str(ns.redis_url).startswith(("redis://", "rediss://", "unix://")):
        parser.error("the Redis URL must start with redis://, rediss:// or unix://")
    return Settings(
        task_id=ns.task_id,
        redis_url=ns.redis_url,
        flow=Path(ns.flow),
        input_timeout=ns.input_timeout if ns.input_timeout is not None else DEFAULT_INPUT_TIMEOUT,
        output_maxlen=ns.output_maxlen or DEFAULT_OUTPUT_MAXLEN,
        global_maxlen=ns.global_maxlen or DEFAULT_GLOBAL_MAXLEN,
        key_ttl=ns.key_ttl or DEFAULT_KEY_TTL,
        artifacts_max_bytes=(ns.artifacts_max_bytes if ns.artifacts_max_bytes is not None
                             else DEFAULT_ARTIFACTS_MAX_BYTES),
        workdir=Path(ns.workdir) if ns.workdir else None,
        log_level=ns.log_level or "INFO",
        redis_retries=ns.redis_retries or DEFAULT_REDIS_RETRIES,
        redis_password=env.get(REDIS_PASSWORD_ENV) or None,
        redis_username=env.get(REDIS_USERNAME_ENV) or None,
        redis_ca_cert=ns.redis_ca_cert,
        nice=ns.nice or 0,
        cpu_idle=bool(ns.cpu_idle),
    )
