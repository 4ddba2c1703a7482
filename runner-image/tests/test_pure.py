"""Unit tests of the pure parts: protocol encoding, input parsing, redaction, serialization,
configuration, artifacts, result checks and validation messages."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from waldiez_task_runner import protocol
from waldiez_task_runner.artifacts import zip_folder
from waldiez_task_runner import cli
from waldiez_task_runner.config import DEFAULT_INPUT_TIMEOUT, parse_settings
from waldiez_task_runner.flow import InvalidFlow, check_results, load_flow
from waldiez_task_runner.io_stream import readable_event, summarize_exception
from waldiez_task_runner.protocol import MalformedEntry, Status, normalize_input, parse_answer
from waldiez_task_runner.redaction import redact_secrets, redact_url
from waldiez_task_runner.serialization import make_serializable

from .conftest import shared_flow

# -- protocol ---------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["", "\n", "  ", "\\n", "/\\n", '""', "''", " '' \n"])
def test_empty_spellings_mean_no_input(raw: str) -> None:
    assert normalize_input(raw) == ""


@pytest.mark.parametrize("raw", ["hi", " hi ", "exit", "0", "''x"])
def test_real_answers_are_kept_verbatim(raw: str) -> None:
    assert normalize_input(raw) == raw


def test_parse_answer_flat_fields_bytes_and_str() -> None:
    assert parse_answer({b"request_id": b"abc", b"data": "hello".encode()}) == protocol.Answer("abc", "hello")
    assert parse_answer({"request_id": "abc", "data": '""', "source": "ws"}).data == ""


def test_parse_answer_accepts_the_originals_json_payload() -> None:
    payload = json.dumps({"request_id": "r1", "data": "yes"})
    assert parse_answer({"payload": payload}) == protocol.Answer("r1", "yes")


@pytest.mark.parametrize(
    "fields, why",
    [
        ({"data": "x"}, "missing field 'request_id'"),
        ({"request_id": "r1"}, "missing field 'data'"),
        ({"request_id": "", "data": "x"}, "empty"),
        ({"request_id": "r" * 200, "data": "x"}, "too long"),
        ({b"request_id": b"r1", b"data": b"\xff\xfe"}, "not UTF-8"),
        ({"payload": "{not json"}, "not JSON"),
        ({"payload": "[1, 2]"}, "not a JSON object"),
        ({"payload": json.dumps({"request_id": 5, "data": "x"})}, "must be strings"),
        ({"payload": json.dumps({"request_id": "r1", "data": {"a": 1}})}, "must be strings"),
        ({"request_id": 7, "data": "x"}, "not a string"),
    ],
)
def test_parse_answer_rejects_malformed_entries(fields: dict[object, object], why: str) -> None:
    with pytest.raises(MalformedEntry, match=why):
        parse_answer(fields)


def test_output_entries_have_the_originals_fields_in_order() -> None:
    p = protocol.print_entry("t1", "hello\n")
    assert list(p) == ["type", "data", "task_id", "timestamp"]
    assert p["type"] == "print" and p["timestamp"].isdigit() and len(p["timestamp"]) == 16  # µs
    req = protocol.input_request_entry("t1", "> ", True, "a" * 32)
    assert list(req) == ["type", "data", "password", "request_id", "task_id", "timestamp"]
    assert req["password"] == "True"
    assert protocol.input_request_entry("t1", ">", False, "r")["password"] == "False"
    resp = protocol.input_response_entry("t1", "r", "hunter2", password=True)
    assert list(resp) == ["request_id", "type", "data", "task_id", "timestamp"]
    assert resp["data"] == "***"
    assert protocol.input_response_entry("t1", "r", "plain", password=False)["data"] == "plain"
    assert protocol.input_response_entry("t1", "r", "", password=True)["data"] == ""


def test_status_entry_encodes_data_as_json() -> None:
    e = protocol.status_entry("t1", Status.WAITING_FOR_INPUT, {"request_id": "r", "prompt": "p", "password": False})
    assert e["kind"] == "status" and e["status"] == "WAITING_FOR_INPUT"
    assert json.loads(e["data"]) == {"request_id": "r", "prompt": "p", "password": False}
    assert protocol.status_entry("t1", Status.RUNNING)["data"] == "null"
    assert Status.CANCELLED.is_final and not Status.RUNNING.is_final


def test_control_action() -> None:
    assert protocol.control_action({b"kind": b"control", b"action": b"cancel", b"reason": b"user"}) == ("cancel", "user")
    assert protocol.control_action({"kind": "control", "action": "cancel"}) == ("cancel", "")
    assert protocol.control_action({"kind": "status", "status": "RUNNING"}) is None
    assert protocol.control_action({"kind": "control"}) is None
    assert protocol.control_action({b"kind": b"\xff"}) is None


def test_task_keys_and_ids() -> None:
    keys = protocol.TaskKeys("abc")
    assert keys.all() == ["task:abc:output", "task:abc:input_response", "task:abc:status",
                          "task:abc:results", "task:abc:artifacts"]
    assert protocol.is_valid_task_id("0123456789abcdef0123456789abcdef")
    assert protocol.is_valid_task_id("k8s-uid_1")
    assert not protocol.is_valid_task_id("a:b")
    assert not protocol.is_valid_task_id("x" * 65)
    assert not protocol.is_valid_task_id("")


def test_readable_event_lines() -> None:
    text = {"type": "text", "content": {"content": "Hi", "sender": "A", "recipient": "B"}}
    assert readable_event(text) == "[A -> B] Hi"
    other = readable_event({"type": "termination", "content": {"termination_reason": "max"}})
    assert other.startswith("[termination] ") and "max" in other


# -- redaction --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, expected",
    [
        ("redis://:s3cret@redis:6379/0", "redis://:***@redis:6379/0"),
        ("rediss://user:s3cret@redis.example:6380/1", "rediss://user:***@redis.example:6380/1"),
        ("redis://s3cret@redis:6379", "redis://***@redis:6379"),
        ("redis://localhost:6379/0", "redis://localhost:6379/0"),
        ("redis://localhost/0?password=s3cret&db=1", "redis://localhost/0?password=***&db=1"),
    ],
)
def test_redact_url(url: str, expected: str) -> None:
    assert redact_url(url) == expected
    assert "s3cret" not in redact_url(url)


# -- serialization ----------------------------------------------------------------------------


def test_make_serializable() -> None:
    @dataclasses.dataclass
    class Inner:
        x: int
        tags: tuple[str, ...]

    class Opaque:
        def __str__(self) -> str:
            return "opaque!"

    value = {"a": Inner(1, ("t",)), 2: {1, 2}, "o": Opaque(), "n": None, "b": b"hi", "l": [Inner(2, ())]}
    out = make_serializable(value)
    assert out == {"a": {"x": 1, "tags": ["t"]}, "2": [1, 2], "o": "opaque!", "n": None, "b": "hi",
                   "l": [{"x": 2, "tags": []}]}
    json.dumps(out)


def test_make_serializable_pydantic_model() -> None:
    from pydantic import BaseModel

    class M(BaseModel):
        name: str
        path: Path

    assert make_serializable([M(name="n", path=Path("/x"))]) == [{"name": "n", "path": "/x"}]


# -- configuration ----------------------------------------------------------------------------


def test_settings_from_environment_only() -> None:
    env = {"WALDIEZ_TASK_ID": "t1", "WALDIEZ_REDIS_URL": "redis://h:1/0", "WALDIEZ_FLOW_PATH": "/flow/f.waldiez",
           "WALDIEZ_INPUT_TIMEOUT": "2.5", "WALDIEZ_KEY_TTL": "60", "WALDIEZ_LOG_LEVEL": "debug",
           "WALDIEZ_REDIS_PASSWORD": "pw"}
    s = parse_settings([], env)
    assert (s.task_id, s.redis_url, s.flow) == ("t1", "redis://h:1/0", Path("/flow/f.waldiez"))
    assert s.input_timeout == 2.5 and s.key_ttl == 60 and s.log_level == "DEBUG"
    assert s.redis_password == "pw"
    assert s.output_maxlen == 10000 and s.global_maxlen == 100000 and s.artifacts_max_bytes == 10485760


def test_command_line_wins_over_environment() -> None:
    env = {"WALDIEZ_TASK_ID": "envtask", "WALDIEZ_REDIS_URL": "redis://h/0", "WALDIEZ_FLOW_PATH": "f"}
    s = parse_settings(["--task-id", "clitask", "--output-maxlen", "5"], env)
    assert s.task_id == "clitask" and s.output_maxlen == 5
    assert s.input_timeout == DEFAULT_INPUT_TIMEOUT


def test_nice_from_option_or_environment_lowers_the_priority(monkeypatch: pytest.MonkeyPatch) -> None:
    base = {"WALDIEZ_TASK_ID": "t", "WALDIEZ_REDIS_URL": "redis://h/0", "WALDIEZ_FLOW_PATH": "f"}
    assert parse_settings([], base).nice == 0
    assert parse_settings([], {**base, "WALDIEZ_NICE": "7"}).nice == 7
    assert parse_settings(["--nice", "10"], {**base, "WALDIEZ_NICE": "7"}).nice == 10
    current = {"niceness": cli._START_NICENESS}
    calls: list[int] = []

    def setpriority(which: int, who: int, value: int) -> None:
        calls.append(value)
        current["niceness"] = value

    monkeypatch.setattr(cli.os, "getpriority", lambda which, who: current["niceness"])
    monkeypatch.setattr(cli.os, "setpriority", setpriority)
    cli._lower_priority(10)
    cli._lower_priority(10)  # a standby applies it twice: the second time changes nothing
    assert calls == [min(19, cli._START_NICENESS + 10)]

    def refuse(which: int, who: int, value: int) -> None:
        raise PermissionError("not allowed")

    current["niceness"] = cli._START_NICENESS
    monkeypatch.setattr(cli.os, "setpriority", refuse)
    cli._lower_priority(5)  # logged, not raised: the run goes on at normal priority


@pytest.mark.skipif(shutil.which("bwrap") is None or not os.path.exists(cli.AUTOGROUP),
                    reason="needs bubblewrap and a kernel with autogroup scheduling")
def test_a_run_in_its_own_session_lowers_that_sessions_weight_and_never_the_callers() -> None:
    """Under autogroup scheduling nice ranks a process only inside its session: a sandboxed run
    (a session of its own) must lower its session's weight, or it competes with the server as an equal."""
    src = str(Path(cli.__file__).resolve().parents[1])
    script = ("import sys; sys.path.insert(0, sys.argv[1]); from waldiez_task_runner import cli; "
              "cli._lower_priority(10); print(cli.autogroup_nice())")
    before = cli.autogroup_nice()  # None in the boot session (a CI runner that never called setsid)
    out = subprocess.run(
        ["bwrap", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "--unshare-user",
         "--unshare-pid", "--new-session", "--setenv", "WALDIEZ_OWN_SESSION", "1", "--die-with-parent",
         sys.executable, "-c", script, src],
        capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.split() == [str(min(19, cli._START_NICENESS + 10))], out.stderr
    assert cli.autogroup_nice() == before


def test_cpu_idle_from_option_or_environment() -> None:
    base = {"WALDIEZ_TASK_ID": "t1", "WALDIEZ_REDIS_URL": "redis://h:6379/0", "WALDIEZ_FLOW_PATH": "f.waldiez"}
    assert parse_settings([], base).cpu_idle is False
    assert parse_settings([], {**base, "WALDIEZ_CPU_IDLE": "1"}).cpu_idle is True
    assert parse_settings(["--cpu-idle"], base).cpu_idle is True
    assert parse_settings(["--cpu-idle", "false"], {**base, "WALDIEZ_CPU_IDLE": "true"}).cpu_idle is False
    with pytest.raises(SystemExit):
        parse_settings(["--cpu-idle", "maybe"], base)


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="Linux scheduling classes")
def test_the_idle_class_applies_to_the_run_and_the_threads_it_starts() -> None:
    """SCHED_IDLE: a run is preempted by any other process that wakes on its core (a separate
    process: the class cannot be left again without privileges)."""
    src = str(Path(cli.__file__).resolve().parents[1])
    script = ("import os, sys, threading; sys.path.insert(0, sys.argv[1]); from waldiez_task_runner import cli; "
              "cli._lower_priority(0, idle=True); seen = []; "
              "t = threading.Thread(target=lambda: seen.append(os.sched_getscheduler(0))); t.start(); t.join(); "
              "print(os.sched_getscheduler(0), seen[0], os.SCHED_IDLE)")
    out = subprocess.run([sys.executable, "-c", script, src], capture_output=True, text=True, timeout=60, check=True)
    main, thread, idle = out.stdout.split()
    assert main == thread == idle, out.stderr
    assert os.sched_getscheduler(0) != os.SCHED_IDLE  # the caller's class is untouched


def test_a_run_sharing_the_launchers_session_leaves_its_weight_alone(monkeypatch: pytest.MonkeyPatch,
                                                                    tmp_path: Path) -> None:
    group = tmp_path / "autogroup"
    group.write_text("/autogroup-1 nice 0\n")
    monkeypatch.delenv("WALDIEZ_OWN_SESSION", raising=False)
    assert not cli._lower_autogroup_priority(10, str(group))
    assert group.read_text() == "/autogroup-1 nice 0\n"
    monkeypatch.setenv("WALDIEZ_OWN_SESSION", "1")
    assert cli._lower_autogroup_priority(10, str(group))
    assert group.read_text() == "10"


def test_a_run_outside_autogroup_scheduling_leaves_the_file_alone(monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path: Path) -> None:
    """A process still in the boot session (never setsid) reads /proc/self/autogroup empty: no write."""
    group = tmp_path / "autogroup"
    group.write_text("")
    monkeypatch.setenv("WALDIEZ_OWN_SESSION", "1")
    assert cli.autogroup_nice(str(group)) is None
    assert not cli._lower_autogroup_priority(10, str(group))
    assert group.read_text() == ""


@pytest.mark.parametrize(
    "argv, env",
    [
        ([], {}),
        (["--task-id", "bad:id", "--redis-url", "redis://h", "--flow", "f"], {}),
        (["--task-id", "t", "--redis-url", "http://h", "--flow", "f"], {}),
        (["--task-id", "t", "--redis-url", "redis://h", "--flow", "f", "--input-timeout", "0"], {}),
        (["--task-id", "t", "--redis-url", "redis://h", "--flow", "f"], {"WALDIEZ_INPUT_TIMEOUT": "abc"}),
        (["--task-id", "t", "--redis-url", "redis://h", "--flow", "f", "--bogus"], {}),
        (["--task-id", "t", "--redis-url", "redis://h", "--flow", "f", "--nice", "20"], {}),
        (["--task-id", "t", "--redis-url", "redis://h", "--flow", "f"], {"WALDIEZ_NICE": "-5"}),
    ],
)
def test_usage_errors_exit_2(argv: list[str], env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        parse_settings(argv, env)
    assert info.value.code == 2
    assert "error" in capsys.readouterr().err


# -- artifacts --------------------------------------------------------------------------------


def _make_out(tmp_path: Path) -> Path:
    out = tmp_path / "waldiez_out" / "Flow" / "latest"
    out.mkdir(parents=True)
    (out / "results.json").write_text('{"results": []}')
    (out / "flow_api_keys.py").write_text('KEYS = {"m": {"key": "sk-secret"}}')
    (out / "logs").mkdir()
    (out / "logs" / "events.csv").write_text("a,b\n1,2\n")
    return tmp_path / "waldiez_out"


def test_zip_folder_excludes_api_key_modules(tmp_path: Path) -> None:
    archive = zip_folder(_make_out(tmp_path), 1024 * 1024)
    assert archive.data is not None and archive.files == 2
    names = zipfile.ZipFile(io.BytesIO(archive.data)).namelist()
    assert sorted(names) == ["waldiez_out/Flow/latest/logs/events.csv", "waldiez_out/Flow/latest/results.json"]
    assert b"sk-secret" not in archive.data


def test_zip_folder_over_the_cap_is_skipped(tmp_path: Path) -> None:
    folder = _make_out(tmp_path)
    (folder / "big.bin").write_bytes(os.urandom(1024 * 1024))  # random: does not compress
    archive = zip_folder(folder, 64 * 1024)
    assert archive.data is None and "larger than 65536 bytes" in (archive.reason or "")


def test_zip_folder_missing(tmp_path: Path) -> None:
    archive = zip_folder(tmp_path / "nope", 10)
    assert archive.data is None and "no output folder" in (archive.reason or "")


# -- flow results and validation --------------------------------------------------------------


def test_check_results() -> None:
    ok = [{"index": 0, "messages": [], "summary": "s"}]
    assert check_results(ok).error is None and check_results(ok).results == ok
    assert check_results([]).error == "No results returned"
    assert check_results({"error": "boom"}).error == "boom"
    assert check_results([{"error": "bad model"}]).error == "bad model"
    assert check_results([{"index": 0}, {"error": "second run failed"}]).error == "second run failed"


def test_invalid_flow_message_names_the_unconnected_agent() -> None:
    with pytest.raises(InvalidFlow) as info:
        load_flow(shared_flow("invalid.waldiez"))
    message = str(info.value)
    assert "Assistant 2" in message and "does not connect to any other node" in message
    assert "input_value" not in message and "errors.pydantic.dev" not in message


def test_flow_file_checks(tmp_path: Path) -> None:
    with pytest.raises(InvalidFlow, match="not found"):
        load_flow(tmp_path / "missing.waldiez")
    bad = tmp_path / "bad.waldiez"
    bad.write_text("{ nope")
    with pytest.raises(InvalidFlow, match="not valid JSON"):
        load_flow(bad)
    arr = tmp_path / "arr.waldiez"
    arr.write_text("[]")
    with pytest.raises(InvalidFlow, match="not a JSON object"):
        load_flow(arr)


# -- scratch SQLite ---------------------------------------------------------------------------


def test_sqlite_databases_in_the_workdir_are_opened_without_durability(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from waldiez_task_runner import scratch_sqlite

    monkeypatch.setattr(sqlite3, "connect", sqlite3.connect)  # undone after the test
    workdir, elsewhere = tmp_path / "work", tmp_path / "data"
    workdir.mkdir()
    elsewhere.mkdir()
    monkeypatch.chdir(workdir)
    scratch_sqlite.install(workdir)

    inside = sqlite3.connect("flow.db", check_same_thread=False)  # relative, as ag2 opens it
    assert inside.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert inside.execute("PRAGMA synchronous").fetchone()[0] == 0
    outside = sqlite3.connect(str(elsewhere / "tool.db"))
    assert outside.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert outside.execute("PRAGMA synchronous").fetchone()[0] == 2
    assert not scratch_sqlite.is_scratch(":memory:", workdir)
    assert not scratch_sqlite.is_scratch(f"file:{workdir}/x.db?mode=ro", workdir)
    assert scratch_sqlite.is_scratch(str(workdir / "sub" / "x.db").encode(), workdir)
    inside.close()
    outside.close()


def test_redact_secrets_masks_secret_env_values_and_url_credentials() -> None:
    env = {"OPENAI_API_KEY": "sk-live-123456", "MY_TOKEN": "tok-abcdef", "SHORT_KEY": "abc", "HOME": "/home/x"}
    text = "401 for key sk-live-123456 at https://bob:hunter22@api.example/v1 (tok-abcdef) in /home/x abc"
    assert redact_secrets(text, env) == "401 for key *** at https://***@api.example/v1 (***) in /home/x abc"


def test_summarize_exception_gives_type_message_and_the_flow_frame() -> None:
    try:
        exec(compile("import no_such_module_here\n", "/tmp/wlz/flow.py", "exec"))  # noqa: S102
    except ModuleNotFoundError as exc:
        assert summarize_exception(exc) == \
            "ModuleNotFoundError: No module named 'no_such_module_here' (flow.py, line 1)"
    assert summarize_exception(None) is None
