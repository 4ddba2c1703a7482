"""Shared fixtures: a real redis-server on a free port, the shared flows, and a CLI driver."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pytest
import redis

RUNNER_DIR = Path(__file__).resolve().parents[1]
REPO_ROOT = RUNNER_DIR.parent
TEST_FLOWS = Path(__file__).resolve().parent / "flows"


def _shared_flows() -> Path:
    env = os.environ.get("WALDIEZ_SHARED_FLOWS")
    return Path(env) if env else REPO_ROOT.parent / "shared" / "flows"


SHARED_FLOWS = _shared_flows()
# The per-run Redis ACL (protocol v2): the same rules file the Java supervisors apply.
TASK_ACL_RULES = REPO_ROOT / "protocol/src/main/resources/io/waldiez/runner/protocol/task-acl.rules"


def create_task_user(admin: "redis.Redis[str]", task_id: str) -> tuple[str, str]:
    """Creates the run's ACL user as a supervisor does; returns (username, password)."""
    password = uuid.uuid4().hex + uuid.uuid4().hex
    rules = [line.strip().replace("{task_id}", task_id).replace("{password}", password)
             for line in TASK_ACL_RULES.read_text().splitlines()]
    username = f"task-{task_id}"
    admin.execute_command("ACL", "SETUSER", username, *[r for r in rules if r and not r.startswith("#")])
    return username, password


def _check_installed_package_is_current() -> None:
    """The tests run the installed (non-editable) package, like the image does: refuse a stale one."""
    import hashlib

    import waldiez_task_runner

    installed = Path(waldiez_task_runner.__file__).parent
    source = RUNNER_DIR / "src" / "waldiez_task_runner"
    stale = [f.name for f in sorted(source.glob("*.py"))
             if not (installed / f.name).is_file()
             or hashlib.sha256(f.read_bytes()).digest() != hashlib.sha256((installed / f.name).read_bytes()).digest()]
    if stale and installed != source:
        pytest.exit(f"the installed waldiez_task_runner is older than src/ ({', '.join(stale)}): "
                    "run scripts/prepare-runner-venv.sh first", returncode=4)


_check_installed_package_is_current()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_redis(client: "redis.Redis", proc: "subprocess.Popen[bytes]", what: str, timeout: float = 10) -> None:
    """Blocks until the redis-server started as ``proc`` answers PING; fails the test if it died or timed out."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            client.ping()
            return
        except redis.ConnectionError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail(f"{what} did not start")
            time.sleep(0.05)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A throwaway redis-server (no persistence) for the whole session."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(binary).exists():
        pytest.fail("redis-server is required (Debian package redis-server)")
    port = free_port()
    tmp = tempfile.mkdtemp(prefix="wz-redis-")
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", tmp, "--daemonize", "no", "--loglevel", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    wait_for_redis(client, proc, "redis-server")
    client.close()
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture()
def r(redis_url: str) -> Iterator["redis.Redis[str]"]:
    client: "redis.Redis[str]" = redis.Redis.from_url(redis_url, decode_responses=True)
    yield client
    client.close()


@pytest.fixture()
def task_id() -> str:
    return uuid.uuid4().hex


def shared_flow(name: str) -> Path:
    path = SHARED_FLOWS / name
    if not path.is_file():
        pytest.fail(f"shared flow {path} not found (set WALDIEZ_SHARED_FLOWS)")
    return path


@dataclass
class RunnerProcess:
    """A runner started as a subprocess with the venv's python (what the Java side does)."""

    proc: subprocess.Popen[str]
    task_id: str
    client: "redis.Redis[str]"
    stdout_path: Path
    stderr_path: Path
    stdout: str = ""
    stderr: str = ""
    _out_cursor: str = "0-0"
    _status_cursor: str = "0-0"
    output: list[dict[str, str]] = field(default_factory=list)
    statuses: list[dict[str, str]] = field(default_factory=list)

    @property
    def keys(self) -> dict[str, str]:
        t = self.task_id
        return {"output": f"task:{t}:output", "status": f"task:{t}:status",
                "input": f"task:{t}:input_response", "results": f"task:{t}:results",
                "artifacts": f"task:{t}:artifacts"}

    def poll_output(self, block_ms: int = 200) -> list[dict[str, str]]:
        reply = self.client.xread({self.keys["output"]: self._out_cursor}, block=block_ms, count=100)
        new: list[dict[str, str]] = []
        for _s, entries in reply or []:
            for eid, fields in entries:
                self._out_cursor = eid
                new.append(fields)
        self.output.extend(new)
        return new

    def wait_status(self, wanted: set[str], timeout: float = 60.0) -> dict[str, str]:
        """Block until a status entry with one of ``wanted`` statuses appears."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            reply = self.client.xread({self.keys["status"]: self._status_cursor}, block=200, count=100)
            for _s, entries in reply or []:
                for eid, fields in entries:
                    self._status_cursor = eid
                    if fields.get("kind") == "status":
                        self.statuses.append(fields)
                        if fields["status"] in wanted:
                            return fields
            if self.proc.poll() is not None and not reply:
                break
        raise AssertionError(f"no status in {wanted} within {timeout}s; stderr:\n{self.stderr_tail()}")

    def answer(self, request_id: str, data: str, **extra: str) -> str:
        return self.client.xadd(self.keys["input"], {"request_id": request_id, "data": data, **extra})

    def cancel(self, reason: str = "test cancel") -> None:
        self.client.xadd(self.keys["status"], {"kind": "control", "task_id": self.task_id,
                                               "action": "cancel", "reason": reason,
                                               "timestamp": str(time.time_ns() // 1000)})

    def finish(self, timeout: float = 90.0) -> int:
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            self._read_logs()
            raise AssertionError(f"runner did not exit within {timeout}s; stderr:\n{self.stderr_tail()}")
        self._read_logs()
        while self.poll_output(block_ms=1):
            pass
        return int(self.proc.returncode)

    def _read_logs(self) -> None:
        self.stdout = self.stdout_path.read_text(encoding="utf-8", errors="replace")
        self.stderr = self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def stderr_tail(self) -> str:
        self._read_logs()
        return self.stderr[-4000:]

    def final_status(self) -> dict[str, str]:
        entries = self.client.xrange(self.keys["status"])
        statuses = [f for _id, f in entries if f.get("kind") == "status"]
        assert statuses, "no status entries"
        return statuses[-1]

    def events(self) -> list[dict[str, Any]]:
        """The ag2 events (print entries whose data is a JSON event dump)."""
        out: list[dict[str, Any]] = []
        for e in self.output:
            if e.get("type") != "print":
                continue
            try:
                obj = json.loads(e["data"])
            except ValueError:
                continue
            if isinstance(obj, dict) and "type" in obj:
                out.append(obj)
        return out


@pytest.fixture()
def start_runner(redis_url: str, r: "redis.Redis[str]", tmp_path: Path) -> Iterator[Any]:
    started: list[RunnerProcess] = []

    def start(flow: Path, task_id: str, *args: str, env: dict[str, str] | None = None,
              url: str | None = None, standby: bool = False) -> RunnerProcess:
        """Starts a runner; standby: a ``--standby`` process that gets its task (argv, the task's
        environment) on stdin, as the API server's local launcher hands tasks to pre-started runners."""
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("WALDIEZ_")}
        full_env.update({"WALDIEZ_REDIS_URL": url or redis_url, "PYTHONUNBUFFERED": "1",
                         # a dead proxy for everything but localhost: a run that tried to download
                         # (pip, tiktoken encodings...) would fail instead of silently passing here
                         "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
                         "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",
                         "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"})
        task_env = {"WALDIEZ_REDIS_URL": full_env.pop("WALDIEZ_REDIS_URL"), **(env or {})}
        if not standby:
            full_env.update(task_env)
        argv = ["--task-id", task_id, "--flow", str(flow), "--workdir", str(tmp_path / f"work-{task_id[:8]}"), *args]
        cmd = [sys.executable, "-m", "waldiez_task_runner", *(["--standby"] if standby else argv)]
        # files, not pipes: a chatty run must never block on a full pipe
        out_path, err_path = tmp_path / f"{task_id}.stdout", tmp_path / f"{task_id}.stderr"
        with out_path.open("w") as out, err_path.open("w") as err:
            proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True, env=full_env, cwd=str(tmp_path),
                                    stdin=subprocess.PIPE if standby else subprocess.DEVNULL)
        if standby:
            assert proc.stdin is not None
            proc.stdin.write(json.dumps({"argv": argv, "env": task_env}) + "\n")
            proc.stdin.close()
        rp = RunnerProcess(proc, task_id, r, out_path, err_path)
        started.append(rp)
        return rp

    yield start
    for rp in started:
        if rp.proc.poll() is None:
            rp.proc.send_signal(signal.SIGKILL)
            rp.proc.wait()
