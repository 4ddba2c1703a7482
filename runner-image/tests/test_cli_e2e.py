"""End to end: the runner CLI as a subprocess (the venv's python), a real redis-server, real waldiez.

These are what issue 2 section 3 asks the runner to show.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path
from typing import Any, Callable

import pytest
import redis

from .conftest import TEST_FLOWS, RunnerProcess, create_task_user, free_port, shared_flow, wait_for_redis
from .llm_stub import CANNED_REPLY, start_stub

pytestmark = pytest.mark.e2e

Start = Callable[..., RunnerProcess]


def drive_inputs(rp: RunnerProcess, answer: Callable[[dict[str, str], int], str | None],
                 timeout: float = 90) -> list[dict[str, str]]:
    """Follow the output stream until the runner exits, answering each input_request via ``answer``."""
    requests: list[dict[str, str]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for e in rp.poll_output(block_ms=200):
            if e.get("type") == "input_request":
                requests.append(e)
                reply = answer(e, len(requests))
                if reply is not None:
                    rp.answer(e["request_id"], reply, source="test")
        if rp.proc.poll() is not None:
            rp.poll_output(block_ms=1)
            return requests
    raise AssertionError(f"runner still running after {timeout}s; stderr:\n{rp.stderr_tail()}")


def test_valid_flow_completes_with_transcript_results_and_artifacts(start_runner: Start, task_id: str) -> None:
    # unwritable HOME and TMPDIR, as in a pod with a read-only root filesystem: the runner
    # keeps everything in its workdir
    rp = start_runner(shared_flow("valid.waldiez"), task_id, "--key-ttl", "600",
                      env={"HOME": "/proc/no-such-home", "TMPDIR": "/proc/no-such-tmp"})
    code = rp.finish()
    assert code == 0, rp.stderr_tail()

    texts = [(e["content"]["sender"], e["content"]["content"]) for e in rp.events() if e["type"] == "text"]
    assert texts[:2] == [("Assistant", "Hi there!"), ("Assistant2", "Hello from Assistant2")]
    assert any(e["type"] == "run_completion" for e in rp.events())
    assert all(e["task_id"] == task_id and e["timestamp"].isdigit() for e in rp.output)

    final = rp.final_status()
    assert final["status"] == "COMPLETED"
    data = json.loads(final["data"])
    assert data["results_key"] == f"task:{task_id}:results"
    assert data["artifacts_key"] == f"task:{task_id}:artifacts"
    stored = json.loads(rp.client.get(rp.keys["results"]) or "null")
    assert stored == data["results"]
    assert isinstance(stored, list) and stored[0]["summary"] == "Hello from Assistant2"
    statuses = [f["status"] for _i, f in rp.client.xrange(rp.keys["status"])]
    assert statuses == ["RUNNING", "COMPLETED"]
    # the global hint stream names the task after each status, without its data
    hints = [f for _i, f in rp.client.xrange("task-status") if f.get("task_id") == task_id]
    assert [h["status"] for h in hints] == ["RUNNING", "COMPLETED"]
    assert all(set(h) == {"task_id", "status", "timestamp"} for h in hints)

    raw = rp.client.connection_pool.connection_kwargs  # same server, binary read for the zip
    import redis as _redis

    binary = _redis.Redis(**{k: v for k, v in raw.items() if k != "decode_responses"})
    archive = zipfile.ZipFile(io.BytesIO(binary.get(rp.keys["artifacts"]) or b""))
    assert any(n.endswith("results.json") for n in archive.namelist())
    assert all(n.startswith("waldiez_out/") for n in archive.namelist())

    for name, key in rp.keys.items():
        if name != "input":  # nobody answered anything: that stream was never created
            assert 0 < rp.client.ttl(key) <= 600, key
    assert "[Assistant -> Assistant2] Hi there!" in rp.stdout
    assert "redis://" not in rp.stdout


def test_dummy_with_input_answers_reach_the_agents_and_bad_entries_are_ignored(
        start_runner: Start, task_id: str) -> None:
    rp = start_runner(shared_flow("dummy_with_input.waldiez"), task_id, "--input-timeout", "20")

    def answer(e: dict[str, str], n: int) -> str | None:
        if n == 1:
            # before the real answer: malformed entries and an answer to another request
            key = rp.keys["input"]
            rp.client.xadd(key, {"data": "no request id"})
            rp.client.xadd(key, {"request_id": e["request_id"]})
            rp.client.xadd(key, {"payload": "not json at all"})
            rp.client.xadd(key, {"payload": json.dumps({"request_id": 12, "data": None})})
            rp.client.xadd(key, {"request_id": "0" * 32, "data": "wrong request"})
        return f"answer-{n} from the test" if n <= 2 else ""

    requests = drive_inputs(rp, answer)
    code = rp.finish()
    assert code == 0, rp.stderr_tail()
    assert len(requests) >= 2
    user1_texts = [e["content"]["content"] for e in rp.events()
                   if e["type"] == "text" and e["content"]["sender"] == "User1"]
    assert "answer-1 from the test" in user1_texts
    assert "answer-2 from the test" in user1_texts
    assert "wrong request" not in user1_texts
    responses = {e["request_id"]: e["data"] for e in rp.output if e["type"] == "input_response"}
    assert responses[requests[0]["request_id"]] == "answer-1 from the test"
    assert set(responses) == {r["request_id"] for r in requests}
    waiting = [f for _i, f in rp.client.xrange(rp.keys["status"]) if f.get("status") == "WAITING_FOR_INPUT"]
    assert len(waiting) == len(requests)
    assert rp.final_status()["status"] == "COMPLETED"
    # every bad entry was logged, and the run went on
    assert rp.stderr.count("ignoring malformed input_response entry") == 4
    assert "ignoring input_response entry" in rp.stderr and "0" * 32 in rp.stderr


def test_dummy_with_input_unanswered_finishes_on_timeout_defaults(start_runner: Start, task_id: str) -> None:
    # a tiny artifacts cap rides along: the zip is skipped and the transcript says why
    rp = start_runner(shared_flow("dummy_with_input.waldiez"), task_id, "--input-timeout", "1",
                      "--artifacts-max-bytes", "1000")
    code = rp.finish(timeout=120)
    assert code == 0, rp.stderr_tail()
    assert json.loads(rp.final_status()["data"])["artifacts_key"] is None
    assert not rp.client.exists(rp.keys["artifacts"])
    assert any(e["type"] == "print" and "Artifacts not stored: the output folder is larger than 1000 bytes"
               in e["data"] for e in rp.output)
    requests = [e for e in rp.output if e["type"] == "input_request"]
    responses = [e for e in rp.output if e["type"] == "input_response"]
    timeouts = [e for e in rp.output if e["type"] == "print" and "No input received within 1 seconds" in e["data"]]
    assert requests and len(responses) == len(requests) == len(timeouts)
    assert all(e["data"] == "" for e in responses)
    assert rp.final_status()["status"] == "COMPLETED"


def test_invalid_flow_fails_with_readable_message_and_exit_11(start_runner: Start, task_id: str) -> None:
    rp = start_runner(shared_flow("invalid.waldiez"), task_id)
    assert rp.finish() == 11
    final = rp.final_status()
    assert final["status"] == "FAILED"
    data = json.loads(final["data"])
    assert data["exit_code"] == 11
    assert "Assistant 2" in data["error"] and "does not connect to any other node" in data["error"]
    assert "Traceback" not in data["error"]
    assert any("Assistant 2" in e["data"] for e in rp.output if e["type"] == "print")


def test_missing_flow_file_exit_11(start_runner: Start, task_id: str, tmp_path: Path) -> None:
    rp = start_runner(tmp_path / "nope.waldiez", task_id)
    assert rp.finish() == 11
    assert "not found" in json.loads(rp.final_status()["data"])["error"]


def _wait_for_input_request(rp: RunnerProcess, timeout: float = 60) -> dict[str, str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for e in rp.poll_output(block_ms=200):
            if e["type"] == "input_request":
                return e
        assert rp.proc.poll() is None, rp.stderr_tail()
    raise AssertionError("no input request")


def test_cancel_control_entry_stops_within_2s_exit_12(start_runner: Start, task_id: str) -> None:
    rp = start_runner(shared_flow("dummy_with_input.waldiez"), task_id, "--input-timeout", "60")
    _wait_for_input_request(rp)
    rp.cancel("user pressed stop")
    start = time.monotonic()
    code = rp.proc.wait(timeout=10)
    elapsed = time.monotonic() - start
    assert code == 12, rp.stderr_tail()
    assert elapsed < 2.0
    rp.finish()
    final = rp.final_status()
    assert final["status"] == "CANCELLED"
    assert json.loads(final["data"]) == {"reason": "user pressed stop", "exit_code": 12}
    assert rp.client.ttl(rp.keys["status"]) > 0


def test_sigterm_is_a_cancel(start_runner: Start, task_id: str) -> None:
    rp = start_runner(shared_flow("dummy_with_input.waldiez"), task_id, "--input-timeout", "60")
    _wait_for_input_request(rp)
    rp.proc.send_signal(signal.SIGTERM)
    start = time.monotonic()
    code = rp.proc.wait(timeout=10)
    assert code == 12
    assert time.monotonic() - start < 2.0
    rp.finish()
    final = rp.final_status()
    assert final["status"] == "CANCELLED"
    assert "SIGTERM" in json.loads(final["data"])["reason"]


def test_cancel_written_before_start_is_honoured(start_runner: Start, task_id: str, r: Any) -> None:
    r.xadd(f"task:{task_id}:status", {"kind": "control", "task_id": task_id, "action": "cancel",
                                       "reason": "changed my mind", "timestamp": "1"})
    rp = start_runner(shared_flow("valid.waldiez"), task_id)
    assert rp.finish() == 12
    assert rp.final_status()["status"] == "CANCELLED"
    assert not any(e["type"] == "print" and "Starting workflow" in e["data"] for e in rp.output)


def test_redis_unreachable_exit_13_quickly(tmp_path: Path, task_id: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WALDIEZ_")}
    env["WALDIEZ_REDIS_URL"] = f"redis://:pw-never-logged@127.0.0.1:{free_port()}/0"
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "waldiez_task_runner", "--task-id", task_id, "--flow",
         str(shared_flow("valid.waldiez")), "--redis-retries", "3"],
        env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert proc.returncode == 13
    assert time.monotonic() - start < 30
    assert "unreachable after 3 attempts" in proc.stderr
    assert "pw-never-logged" not in proc.stderr + proc.stdout


def test_usage_error_exit_2(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WALDIEZ_")}
    proc = subprocess.run([sys.executable, "-m", "waldiez_task_runner", "--task-id", "x"],
                          env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert proc.returncode == 2
    assert "missing required option" in proc.stderr


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "waldiez-task-runner"
    proc = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "waldiez-task-runner" in proc.stdout


def test_llm_flow_reaches_the_stub_with_model_key_and_base_url(
        start_runner: Start, task_id: str, tmp_path: Path) -> None:
    stub = start_stub()
    try:
        flow = json.loads((TEST_FLOWS / "llm_echo.waldiez").read_text())
        flow["data"]["models"][0]["data"]["baseUrl"] = stub.base_url
        path = tmp_path / "llm_echo.waldiez"
        path.write_text(json.dumps(flow))
        secret = "sk-test-" + task_id
        # DEBUG on purpose: even debug logs must not show the key
        rp = start_runner(path, task_id, "--log-level", "DEBUG", env={"OPENAI_API_KEY": secret})
        assert rp.finish() == 0, rp.stderr_tail()
    finally:
        stub.stop()

    calls = [c for c in stub.requests if c.path.endswith("/chat/completions")]
    assert len(calls) == 1
    assert calls[0].headers["authorization"] == f"Bearer {secret}"
    assert calls[0].body["model"] == "stub-echo-model"
    assert any(m.get("content") == "Please echo: ping-42" for m in calls[0].body["messages"])

    replies = [e["content"] for e in rp.events() if e["type"] == "text" and e["content"]["sender"] == "EchoBot"]
    assert replies and replies[0]["content"] == CANNED_REPLY
    assert rp.final_status()["status"] == "COMPLETED"

    # the API key must not leak into Redis (output, status, results, artifacts) or the logs
    import redis as _redis

    raw = rp.client.connection_pool.connection_kwargs
    binary = _redis.Redis(**{k: v for k, v in raw.items() if k != "decode_responses"})
    for key in binary.scan_iter(f"task:{task_id}:*"):
        kind = binary.type(key)
        if kind == b"stream":
            blob = b"".join(v for _i, f in binary.xrange(key) for v in f.values())
        else:
            blob = binary.get(key) or b""
        assert secret.encode() not in blob, key
        if key.endswith(b":artifacts"):
            archive = zipfile.ZipFile(io.BytesIO(blob))
            for name in archive.namelist():
                assert secret.encode() not in archive.read(name), name
                assert not name.endswith("_api_keys.py")
    assert secret not in rp.stdout and secret not in rp.stderr


def test_sigterm_while_waldiez_is_still_loading(start_runner: Start, task_id: str) -> None:
    rp = start_runner(shared_flow("valid.waldiez"), task_id)
    rp.wait_status({"RUNNING"}, timeout=30)
    # the flow thread is now importing waldiez/ag2 (seconds): the main thread must still react
    rp.proc.send_signal(signal.SIGTERM)
    start = time.monotonic()
    assert rp.proc.wait(timeout=10) == 12
    assert time.monotonic() - start < 2.0
    rp.finish()
    assert rp.final_status()["status"] == "CANCELLED"


@pytest.fixture(scope="module")
def password_redis() -> Any:
    """A second redis-server that requires a password."""
    import shutil
    import tempfile

    import redis as _redis

    port, secret = free_port(), "Pw-" + os.urandom(6).hex()
    tmp = tempfile.mkdtemp(prefix="wz-redis-auth-")
    proc = subprocess.Popen(
        [shutil.which("redis-server") or "/usr/bin/redis-server", "--port", str(port), "--bind", "127.0.0.1",
         "--save", "", "--appendonly", "no", "--dir", tmp, "--requirepass", secret],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = _redis.Redis(host="127.0.0.1", port=port, password=secret, decode_responses=True)
    wait_for_redis(client, proc, "redis-server")
    yield port, secret, client
    proc.terminate()
    proc.wait(timeout=10)
    shutil.rmtree(tmp, ignore_errors=True)


def test_password_in_url_or_env_works_and_is_never_logged(
        start_runner: Start, task_id: str, password_redis: Any, tmp_path: Path) -> None:
    port, secret, client = password_redis
    # A missing flow file keeps these runs short (no waldiez import) while still going through
    # connect, status entries, a print entry and EXPIRE; the TLS test below runs a whole flow
    # with a password.
    missing = tmp_path / "missing.waldiez"
    rp = start_runner(missing, task_id, "--log-level", "DEBUG", url=f"redis://:{secret}@127.0.0.1:{port}/0")
    rp.client = client
    assert rp.finish() == 11, rp.stderr_tail()
    assert [f["status"] for _i, f in client.xrange(rp.keys["status"])] == ["RUNNING", "FAILED"]
    assert secret not in rp.stdout and secret not in rp.stderr
    assert f"redis://:***@127.0.0.1:{port}/0" in rp.stderr

    # password only in WALDIEZ_REDIS_PASSWORD
    rp2 = start_runner(missing, task_id + "-env", url=f"redis://127.0.0.1:{port}/0",
                       env={"WALDIEZ_REDIS_PASSWORD": secret})
    rp2.client = client
    assert rp2.finish() == 11
    assert rp2.final_status()["status"] == "FAILED"
    # a wrong password is not retried: exit 13 at once, with a clear message
    rp3 = start_runner(missing, task_id + "-bad", url=f"redis://127.0.0.1:{port}/0",
                       env={"WALDIEZ_REDIS_PASSWORD": "wrong-" + secret})
    assert rp3.finish() == 13
    assert "refused the credentials" in rp3.stderr
    assert secret not in rp2.stderr + rp3.stderr


def _make_tls_material(folder: Path) -> tuple[Path, Path, Path]:
    """A throwaway CA and a server certificate for 127.0.0.1 (openssl CLI)."""
    ca_key, ca_crt = folder / "ca.key", folder / "ca.crt"
    key, csr, crt = folder / "server.key", folder / "server.csr", folder / "server.crt"
    ext = folder / "san.ext"
    ext.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    steps = [
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=test-ca",
         "-keyout", str(ca_key), "-out", str(ca_crt)],
        ["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
         "-keyout", str(key), "-out", str(csr)],
        ["openssl", "x509", "-req", "-in", str(csr), "-CA", str(ca_crt), "-CAkey", str(ca_key),
         "-CAcreateserial", "-days", "2", "-extfile", str(ext), "-out", str(crt)],
    ]
    for cmd in steps:
        subprocess.run(cmd, check=True, capture_output=True, timeout=60)
    return ca_crt, crt, key


def test_tls_redis_with_ca_bundle(start_runner: Start, task_id: str, tmp_path: Path) -> None:
    import shutil

    import redis as _redis

    if shutil.which("openssl") is None:
        pytest.skip("openssl CLI not available to make test certificates")
    ca, crt, key = _make_tls_material(tmp_path)
    port, secret = free_port(), "tls-" + os.urandom(6).hex()
    proc = subprocess.Popen(
        [shutil.which("redis-server") or "/usr/bin/redis-server", "--port", "0", "--tls-port", str(port),
         "--bind", "127.0.0.1", "--tls-cert-file", str(crt), "--tls-key-file", str(key),
         "--tls-ca-cert-file", str(ca), "--tls-auth-clients", "no", "--requirepass", secret,
         "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        client = _redis.Redis(host="127.0.0.1", port=port, password=secret, ssl=True,
                              ssl_ca_certs=str(ca), decode_responses=True)
        wait_for_redis(client, proc, "TLS redis-server")
        # a missing flow keeps it short: connect, cancel watcher, statuses, a print entry, EXPIRE
        rp = start_runner(tmp_path / "missing.waldiez", task_id, "--redis-ca-cert", str(ca),
                          url=f"rediss://:{secret}@127.0.0.1:{port}/0")
        rp.client = client
        assert rp.finish() == 11, rp.stderr_tail()
        assert [f["status"] for _i, f in client.xrange(rp.keys["status"])] == ["RUNNING", "FAILED"]
        assert client.ttl(rp.keys["status"]) > 0
        assert secret not in rp.stderr + rp.stdout

        # without the CA bundle the server certificate is not trusted: infrastructure error
        rp2 = start_runner(tmp_path / "missing.waldiez", task_id + "-noca", "--redis-retries", "1",
                           url=f"rediss://:{secret}@127.0.0.1:{port}/0")
        assert rp2.finish() == 13
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_flow_failing_at_run_time_exit_10(start_runner: Start, task_id: str, tmp_path: Path) -> None:
    stub = start_stub(fail_status=400)  # 4xx: the OpenAI client does not retry
    try:
        flow = json.loads((TEST_FLOWS / "llm_echo.waldiez").read_text())
        flow["data"]["models"][0]["data"]["baseUrl"] = stub.base_url
        path = tmp_path / "llm_fail.waldiez"
        path.write_text(json.dumps(flow))
        rp = start_runner(path, task_id, env={"OPENAI_API_KEY": "sk-unused"})
        assert rp.finish() == 10, rp.stderr_tail()
    finally:
        stub.stop()
    assert stub.requests, "the flow never called the model"
    final = rp.final_status()
    assert final["status"] == "FAILED"
    data = json.loads(final["data"])
    assert data["exit_code"] == 10 and data["error"]
    assert "\n" not in data["error"] and "Traceback" not in data["error"]
    assert "stub refuses this request" in data["error"] and data["error_type"] == "FlowError"
    assert any(e["type"] == "print" and e["data"].startswith("Task failed: ") for e in rp.output)
    assert rp.client.get(rp.keys["results"]) is not None


def test_flow_failing_at_import_reports_the_cause(start_runner: Start, task_id: str) -> None:
    """A tool importing a package the environment lacks: the cause reaches the status and the stream."""
    rp = start_runner(TEST_FLOWS / "missing_package.waldiez", task_id)
    assert rp.finish() == 10, rp.stderr_tail()
    data = json.loads(rp.final_status()["data"])
    cause = "ModuleNotFoundError: No module named 'matplotlib_not_installed_here'"
    assert cause in data["error"], data
    assert "\n" not in data["error"] and "Traceback" not in data["error"]
    prints = [e["data"] for e in rp.output if e["type"] == "print"]
    assert any("Workflow execution failed" in p and "matplotlib_not_installed_here" in p for p in prints), prints
    assert any(p.startswith("Task failed: ") and cause in p for p in prints), prints


def test_a_run_needs_nothing_beyond_its_own_acl_user(start_runner: Start, task_id: str, r: Any,
                                                     redis_url: str) -> None:
    """Protocol v2: the runner works with the per-run ACL user, and that user reaches nothing else."""
    user, password = create_task_user(r, task_id)
    other = uuid.uuid4().hex
    r.xadd(f"task:{other}:output", {"type": "print", "data": "secret of another task"})
    try:
        rp = start_runner(shared_flow("dummy_with_input.waldiez"), task_id,
                          env={"WALDIEZ_REDIS_USERNAME": user, "WALDIEZ_REDIS_PASSWORD": password})
        drive_inputs(rp, lambda _e, n: f"answer {n}")
        assert rp.finish() == 0, rp.stderr_tail()
        assert rp.final_status()["status"] == "COMPLETED"
        assert [f["task_id"] for _i, f in r.xrange("task-status")].count(task_id) >= 3

        host_port = redis_url.split("//", 1)[1]
        own = redis.Redis.from_url(f"redis://{user}:{password}@{host_port}", decode_responses=True)
        assert own.xrange(f"task:{task_id}:output")
        own.xadd("task-status", {"task_id": other, "status": "COMPLETED"})  # write-only: allowed
        for attempt in (lambda: own.xrange("task-status"), lambda: own.xrange(f"task:{other}:output"),
                        lambda: own.xadd(f"task:{other}:input_response", {"request_id": "x", "data": "y"}),
                        lambda: own.keys("*"), lambda: own.scan(0), lambda: own.expire("task-status", 1),
                        lambda: own.delete(f"task:{other}:output"), lambda: own.execute_command("ACL", "LIST"),
                        lambda: own.publish("task-status", "x"), lambda: own.config_get("*")):
            with pytest.raises(redis.exceptions.NoPermissionError):
                attempt()
        own.close()
    finally:
        r.execute_command("ACL", "DELUSER", user)
