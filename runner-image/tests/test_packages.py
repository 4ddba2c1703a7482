"""A flow's own packages (docs/packages.md): what it needs, the key, the builder, and real runs.

The unit tests need nothing; the ``e2e`` ones install real (small) packages from the package index:
tabulate (pure Python) and groq (ag2's Groq API type, served here by the OpenAI-compatible stub).
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import redis

from waldiez_task_runner.packages import PackagesFailed, PackagesSettings, prepare
from waldiez_task_runner.packages import environment
from waldiez_task_runner.packages import requirements as reqs
from waldiez_task_runner.packages.build import FAILED, LOG, MARKER, BuildOptions, pip_summary

from .conftest import REPO_ROOT, RunnerProcess, shared_flow
from .llm_stub import CANNED_REPLY, start_stub

Start = Callable[..., RunnerProcess]
VECTORS = json.loads((REPO_ROOT / "protocol/src/test/resources/io/waldiez/runner/protocol/packages-vectors.json")
                     .read_text())
# what a run needs to reach the package index (the runner fixture points proxies at a dead port)
ONLINE = {"HTTP_PROXY": "", "HTTPS_PROXY": "", "http_proxy": "", "https_proxy": ""}


# ------------------------------------------------------------------------------------ pure parts


@pytest.mark.parametrize("line, expected", [
    ("Tabulate", "tabulate"),
    ("matplotlib >= 3.8", "matplotlib>=3.8"),
    ("tabulate>=0.9,<1", "tabulate<1,>=0.9"),
    ("ag2[openai,Anthropic]==0.10.3", "ag2[anthropic,openai]==0.10.3"),
    ("zope.interface~=6.0", "zope-interface~=6.0"),
    ("pkg==1.0 --hash=sha256:" + "AB" * 32, "pkg==1.0 --hash=sha256:" + "ab" * 32),
    ("pkg; python_version >= '3'", "pkg"),
])
def test_requirements_have_one_canonical_form(line: str, expected: str) -> None:
    got = reqs.canonical(line)
    assert got is not None and str(got) == expected


def test_a_requirement_whose_marker_excludes_this_python_is_dropped() -> None:
    assert reqs.canonical("pkg; python_version < '3'") is None


@pytest.mark.parametrize("line", [
    "--index-url=http://127.0.0.1:9/simple", "-r /etc/passwd", "pkg @ https://example.invalid/pkg.whl",
    "pkg==1 --hash=md5:abc", "not a requirement!", "x" * 400,
])
def test_options_urls_and_garbage_are_refused(line: str) -> None:
    with pytest.raises(reqs.RequirementRefused):
        reqs.canonical(line)


def test_the_shared_canonical_vectors() -> None:
    for text in VECTORS["canonical"]["valid"]:
        assert str(reqs.canonical(text)) == text
    for text in VECTORS["canonical"]["invalid"]:
        try:
            got = reqs.canonical(text)
        except reqs.RequirementRefused:
            continue
        assert got is None or str(got) != text, text


def test_keys_match_the_vectors_the_java_supervisors_check_too() -> None:
    for v in VECTORS["keys"]:
        assert reqs.env_key(v["base"], v["index"], v["requirements"]) == v["key"]
    # order does not matter, content does
    v = VECTORS["keys"][1]
    assert reqs.env_key(v["base"], v["index"], list(reversed(v["requirements"]))) == v["key"]
    assert reqs.env_key(v["base"], v["index"] + "x", v["requirements"]) != v["key"]


def test_what_the_base_already_satisfies_is_not_missing() -> None:
    wanted = reqs.canonical_set(["ag2[openai]==0.10.3", "numpy", "requests>=2", "python-dotenv",
                                 "ag2[groq]==0.10.3", "requests==2.0.0", "tabulate"])
    assert [str(m) for m in reqs.missing(wanted)] == ["ag2[groq]==0.10.3", "requests==2.0.0", "tabulate"]


def test_the_fingerprint_and_constraints_describe_the_base() -> None:
    dists = reqs.base_distributions()
    assert "waldiez" in dists and "ag2" in dists
    assert f"ag2=={dists['ag2']}\n" in reqs.base_constraints(dists)
    assert reqs.base_fingerprint(dists) == reqs.base_fingerprint()
    assert reqs.base_fingerprint({**dists, "ag2": "0.0.1"}) != reqs.base_fingerprint(dists)


def test_policy_deny_wins_and_allow_lists_restrict() -> None:
    wanted = reqs.canonical_set(["Tabulate", "matplotlib"])
    reqs.Policy.parse("", "").check(wanted)
    reqs.Policy.parse("tabulate, matplot*", "").check(wanted)
    with pytest.raises(reqs.RequirementRefused, match="'matplotlib' is not in this server's list"):
        reqs.Policy.parse("tabulate", "").check(wanted)
    with pytest.raises(reqs.RequirementRefused, match="'tabulate' is not allowed"):
        reqs.Policy.parse("*", "Tabulate").check(wanted)


def test_pips_error_is_summarised_without_its_advice() -> None:
    lines = ["Collecting x", "ERROR: Cannot install requests==2.31.0 because these package versions have "
             "conflicting dependencies.", "The conflict is caused by:", "    The user requested requests==2.31.0",
             "    The user requested (constraint) requests==2.34.2", "To fix this you could try to:",
             "1. loosen the range of package versions you've specified",
             "ERROR: ResolutionImpossible: for help visit https://pip.pypa.io/x"]
    assert pip_summary(lines) == ("Cannot install requests==2.31.0 because these package versions have conflicting "
                                  "dependencies. The conflict is caused by: The user requested requests==2.31.0 "
                                  "The user requested (constraint) requests==2.34.2")
    secret = ["ERROR: Could not fetch https://user:s3cret-token@mirror.invalid/simple/x/"]
    assert "s3cret" not in pip_summary(secret)


class FakeFlow:
    def __init__(self, requirements: list[str], skip_deps: bool = False) -> None:
        self.requirements = requirements
        self.skip_deps = skip_deps


class Recorder:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.requests: list[tuple[str, str, list[str], str]] = []

    def print_line(self, text: str) -> None:
        self.lines.append(text)

    def request_packages(self, key: str, base: str, requirements: list[str], state: str) -> None:
        self.requests.append((key, base, requirements, state))

    def packages_answer(self) -> tuple[str, str] | None:
        return None

    def wait(self, seconds: float) -> bool:
        return False


def test_nothing_missing_or_skip_deps_or_off_means_nothing_is_done(tmp_path: Path) -> None:
    cache = PackagesSettings(mode="cache", root=tmp_path)
    rec = Recorder()
    assert prepare(FakeFlow(["ag2[openai]==0.10.3", "numpy"]), cache, rec).state == "none"
    assert prepare(FakeFlow(["tabulate"], skip_deps=True), cache, rec).state == "skipped"
    # the task's skip_deps wins over the flow's own
    assert prepare(FakeFlow(["tabulate"]), PackagesSettings(mode="cache", root=tmp_path, skip_deps=True),
                   rec).state == "skipped"
    with pytest.raises(PackagesFailed, match="not ready within"):
        prepare(FakeFlow(["tabulate"], skip_deps=True),
                PackagesSettings(mode="cache", root=tmp_path, skip_deps=False, wait_seconds=0), Recorder())
    assert prepare(FakeFlow(["tabulate"]), PackagesSettings(mode="off"), rec).state == "off"
    assert rec.lines == [] and rec.requests == []


def test_a_refused_package_fails_before_anything_is_asked(tmp_path: Path) -> None:
    settings = PackagesSettings(mode="cache", root=tmp_path, environ={"WALDIEZ_PACKAGES_DENY": "tabulate"})
    rec = Recorder()
    with pytest.raises(PackagesFailed, match="Installing the flow's packages failed: package 'tabulate' is not allowed"):
        prepare(FakeFlow(["tabulate"]), settings, rec)
    assert rec.requests == []


def test_a_miss_asks_the_supervisor_and_gives_up_at_its_deadline(tmp_path: Path) -> None:
    rec = Recorder()
    with pytest.raises(PackagesFailed, match="not ready within 0 s"):
        prepare(FakeFlow(["tabulate"]), PackagesSettings(mode="cache", root=tmp_path, wait_seconds=0), rec)
    key, base, names, state = rec.requests[0]
    assert names == ["tabulate"] and state == "needed" and base == reqs.base_fingerprint()
    assert key == reqs.env_key(base, "", ["tabulate"])
    assert rec.lines == ["Installing the flow's packages (not in the runner's environment): tabulate"]


# ------------------------------------------------------------------------------------ real builds


def build(entry: Path, names: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = reqs.base_fingerprint()
    canon = [str(c) for c in reqs.canonical_set(names)]
    key = reqs.env_key(base, "", canon)
    return subprocess.run([sys.executable, "-m", "waldiez_task_runner.packages", "build", "--dir", str(entry / key),
                           "--key", key, "--base", base, *[a for n in canon for a in ("--requirement", n)]],
                          capture_output=True, text=True, timeout=300, env={**_clean_env(), **(env or {})})


def _clean_env() -> dict[str, str]:
    import os  # noqa: PLC0415

    return {k: v for k, v in os.environ.items() if not k.startswith("WALDIEZ_")}


@pytest.mark.e2e
def test_the_builder_installs_only_what_the_base_lacks_and_the_base_pins_win(tmp_path: Path) -> None:
    ok = build(tmp_path, ["tabulate", "requests>=2"])
    assert ok.returncode == 0, ok.stdout + ok.stderr
    key = reqs.env_key(reqs.base_fingerprint(), "", ["requests>=2", "tabulate"])
    ready = environment.find(tmp_path, key)
    assert ready is not None, ok.stdout
    assert [i.split("==")[0] for i in ready.marker["installed"]] == ["tabulate"]  # requests is the base's
    assert (ready.site_dirs[0] / "tabulate").is_dir()
    assert "Successfully installed tabulate" in (tmp_path / key / LOG).read_text()

    conflict = build(tmp_path, ["requests==2.0.0"])
    assert conflict.returncode == 1
    last = conflict.stdout.strip().splitlines()[-1]
    assert last.startswith("waldiez-packages: failed: ") and "requests==2.0.0" in last and "conflict" in last
    key = reqs.env_key(reqs.base_fingerprint(), "", ["requests==2.0.0"])
    assert environment.find(tmp_path, key) is None and environment.failure(tmp_path, key) is not None


# sha256 of the tabulate 0.10.0 wheel (files on the package index never change)
TABULATE_HASH = "sha256:f0b0622e567335c8fabaaa659f1b33bcb6ddfe2e496071b743aa113f8774f2d3"


@pytest.mark.e2e
def test_hashes_the_user_gives_are_checked_by_pip(tmp_path: Path) -> None:
    ok = build(tmp_path, [f"tabulate==0.10.0 --hash={TABULATE_HASH}"])
    assert ok.returncode == 0, ok.stdout + ok.stderr
    tampered = build(tmp_path, ["tabulate==0.10.0 --hash=sha256:" + "0" * 64])
    assert tampered.returncode == 1
    assert "DO NOT MATCH THE HASHES" in tampered.stdout.strip().splitlines()[-1]


@pytest.mark.e2e
def test_the_builder_checks_the_key_the_base_and_the_size(tmp_path: Path) -> None:
    base = reqs.base_fingerprint()
    wrong_key = subprocess.run([sys.executable, "-m", "waldiez_task_runner.packages", "build", "--dir",
                                str(tmp_path / "k"), "--key", "0" * 32, "--base", base, "--requirement", "tabulate"],
                               capture_output=True, text=True, timeout=60)
    assert wrong_key.returncode == 1 and "does not match its requirements" in wrong_key.stdout
    not_canonical = subprocess.run([sys.executable, "-m", "waldiez_task_runner.packages", "build", "--dir",
                                    str(tmp_path / "k"), "--key", "0" * 32, "--base", base, "--requirement",
                                    "Tabulate"], capture_output=True, text=True, timeout=60)
    assert not_canonical.returncode == 1 and "canonical" in not_canonical.stdout
    too_big = build(tmp_path, ["tabulate"], env={"WALDIEZ_PACKAGES_MAX_BYTES": "1000"})
    assert too_big.returncode == 1 and "over this server's limit" in too_big.stdout
    assert (tmp_path / reqs.env_key(base, "", ["tabulate"]) / FAILED).is_file()
    assert BuildOptions.from_env({"WALDIEZ_PACKAGES_MAX_BYTES": "1000"}).max_bytes == 1000


def tool_flow(tmp_path: Path, requirements: list[str], body: str) -> Path:
    """valid.waldiez whose first message is a Python function (runs without a model), with requirements."""
    flow = json.loads(shared_flow("valid.waldiez").read_text())
    chat = flow["data"]["chats"][0]["data"]
    chat["message"] = {"type": "method", "context": {}, "useCarryover": False,
                       "content": "def callable_message(sender, recipient, context):\n" + body}
    chat["maxTurns"] = 1
    flow["requirements"] = requirements
    path = tmp_path / f"flow-{len(list(tmp_path.iterdir()))}.waldiez"
    path.write_text(json.dumps(flow))
    return path


TABLE = "    import tabulate\n    return 'TABLE ' + tabulate.tabulate([[1, 2]], tablefmt='plain')\n"


@pytest.mark.e2e
def test_self_mode_installs_in_the_run_and_a_bad_requirement_fails_with_pips_reason(
        start_runner: Start, task_id: str, tmp_path: Path) -> None:
    env = {**ONLINE, "WALDIEZ_PACKAGES": "self", "WALDIEZ_PACKAGES_DIR": str(tmp_path / "envs")}
    rp = start_runner(tool_flow(tmp_path, ["tabulate"], TABLE), task_id, env=env)
    assert rp.finish() == 0, rp.stderr_tail()
    prints = [e["data"] for e in rp.output if e.get("type") == "print"]
    assert any("Installing the flow's packages (not in the runner's environment): tabulate" in p for p in prints)
    assert any("Successfully installed tabulate" in p for p in prints), prints
    assert any("TABLE 1  2" in p for p in prints), prints

    bad = start_runner(tool_flow(tmp_path, ["tabulate", "no-such-package-zz9-qx==1.0"], TABLE),
                       task_id[::-1], env=env)
    assert bad.finish() == 14, bad.stderr_tail()
    data = json.loads(bad.final_status()["data"])
    assert data["error_type"] == "PackagesFailed" and data["exit_code"] == 14
    assert data["error"].startswith("Installing the flow's packages failed: ")
    assert "No matching distribution found for no-such-package-zz9-qx==1.0" in data["error"]
    assert any(e["data"].startswith("Task failed: Installing the flow's packages failed")
               for e in bad.output if e.get("type") == "print")


class Supervisor:
    """What the Java supervisors do, in a thread: build on a packages request, answer with a control entry."""

    def __init__(self, client: "redis.Redis[str]", task_id: str, root: Path) -> None:
        self.client, self.task_id, self.root = client, task_id, root
        self.requests: list[dict[str, str]] = []
        self.builds = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        cursor = "0-0"
        key = f"task:{self.task_id}:status"
        while not self.stop.is_set():
            for _s, entries in self.client.xread({key: cursor}, block=200) or []:
                for eid, fields in entries:
                    cursor = eid
                    if fields.get("kind") != "packages":
                        continue
                    self.requests.append(fields)
                    if fields["state"] != "needed":
                        continue
                    self.builds += 1
                    done = subprocess.run([sys.executable, "-m", "waldiez_task_runner.packages", "build", "--dir",
                                           str(self.root / fields["key"]), "--key", fields["key"], "--base",
                                           fields["base"], *[a for n in json.loads(fields["requirements"])
                                                             for a in ("--requirement", n)]],
                                          capture_output=True, text=True, timeout=300, env=_clean_env())
                    self.client.xadd(key, {"kind": "control", "task_id": self.task_id,
                                           "action": "packages-ready" if done.returncode == 0 else "packages-failed",
                                           "reason": done.stdout.strip().splitlines()[-1], "timestamp": "1"})

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)


@pytest.fixture()
def llm_stub() -> Iterator[Any]:
    stub = start_stub()
    yield stub
    stub.stop()


@pytest.mark.e2e
def test_a_groq_model_flow_on_a_standby_gets_its_sdk_built_by_the_supervisor_then_hits_the_cache(
        start_runner: Start, r: "redis.Redis[str]", tmp_path: Path, llm_stub: Any) -> None:
    """ag2 probed for groq when the standby imported it: the environment must still make it usable."""
    flow = json.loads((Path(__file__).parent / "flows" / "llm_echo.waldiez").read_text())
    model = flow["data"]["models"][0]["data"]
    model["apiType"], model["baseUrl"] = "groq", llm_stub.base_url.removesuffix("/v1")
    path = tmp_path / "groq.waldiez"
    path.write_text(json.dumps(flow))
    root = tmp_path / "cache"
    env = {"WALDIEZ_PACKAGES": "cache", "WALDIEZ_PACKAGES_DIR": str(root), "GROQ_API_KEY": "gsk-test"}
    ids = [f"{i}{'a' * 31}" for i in range(2)]
    runs: list[RunnerProcess] = []
    for task in ids:
        supervisor = Supervisor(r, task, root)
        try:
            rp = start_runner(path, task, env=env, standby=True)
            assert rp.finish(timeout=180) == 0, rp.stderr_tail()
        finally:
            supervisor.close()
        runs.append(rp)
        kinds = [f["state"] for f in supervisor.requests]
        assert kinds == (["needed"] if task == ids[0] else ["cached"]), kinds
    first, second = runs
    assert any(CANNED_REPLY in e["data"] for e in first.output if e.get("type") == "print")
    assert any(req.path.endswith("/openai/v1/chat/completions") for req in llm_stub.requests)
    first_prints = [e["data"] for e in first.output if e.get("type") == "print"]
    assert any("Installing the flow's packages" in p and "ag2[groq,openai]==0.10.3" in p for p in first_prints)
    assert any("Successfully installed" in p and "groq" in p for p in first_prints), first_prints
    assert not any("Installing the flow's packages" in e["data"] for e in second.output if e.get("type") == "print")
    assert second.final_status()["status"] == "COMPLETED"
