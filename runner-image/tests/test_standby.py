"""A pre-started (``--standby``) runner: waldiez and ag2 imported before the task arrives on stdin."""

from __future__ import annotations

import io
import subprocess
import sys
from typing import Callable

import pytest

from waldiez_task_runner import cli
from waldiez_task_runner.protocol import ExitCode

from .conftest import RunnerProcess, shared_flow

Start = Callable[..., RunnerProcess]


@pytest.mark.e2e
def test_a_standby_runner_runs_the_task_it_is_handed_with_its_environment(start_runner: Start, task_id: str) -> None:
    # The task's environment arrives with the task: the Redis URL, and here the input timeout.
    rp = start_runner(shared_flow("dummy_with_input.waldiez"), task_id, standby=True,
                      env={"WALDIEZ_INPUT_TIMEOUT": "1"})
    code = rp.finish()
    assert code == 0, rp.stderr_tail()
    assert rp.final_status()["status"] == "COMPLETED"
    requests = [e for e in rp.output if e.get("type") == "input_request"]
    # Every prompt timed out after 1 s and the flow went on: WALDIEZ_INPUT_TIMEOUT reached the run
    # (with the default 180 s, finish() would have given up after 90 s).
    assert len(requests) >= 2
    assert all(e["task_id"] == task_id for e in rp.output)


@pytest.mark.e2e
def test_a_standby_runner_without_a_task_exits_quietly() -> None:
    proc = subprocess.run([sys.executable, "-m", "waldiez_task_runner", "--standby"], input="",
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize(
    "line, why",
    [
        ("not json\n", "Expecting value"),
        ('["--task-id", "t"]\n', "expected a JSON object"),
        ('{"argv": "--task-id t"}\n', '"argv" must be a list of strings'),
        ('{"argv": ["--task-id", 1]}\n', '"argv" must be a list of strings'),
        ('{"argv": [], "env": {"A": 1}}\n', '"env" must be an object of strings'),
    ],
)
def test_malformed_standby_requests_exit_2_with_the_reason(
        line: str, why: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(cli, "_configure_logging", lambda level: None)
    monkeypatch.setattr("waldiez_task_runner.flow.preload", lambda: None)
    assert cli.standby(io.StringIO(line)) == ExitCode.USAGE
    assert why in caplog.text


def test_standby_takes_no_other_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--standby", "--task-id", "t"]) == ExitCode.USAGE
    assert "--standby" in capsys.readouterr().err
