"""A whole task lifecycle through a client GENERATED from the server's /openapi.json.

openapi-python-client (from contract-tests/.venv) generates a package from the live document; this
script then uses only that package: token, upload a flow (multipart, every form field), poll, answer
the input requests, download, delete. Run by the Java test OpenApiContractTest; prints one line per
check and a closing "N passed, N failed" line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import io
import json
import os
import subprocess
import sys
import time
import traceback
import urllib.request
import zipfile
from pathlib import Path

PASSED: list[str] = []
FAILED: list[str] = []


def check(name: str, ok: bool, detail: object = "") -> None:
    (PASSED if ok else FAILED).append(name)
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else f": {detail}"), flush=True)


def generate(base_url: str, workdir: Path) -> str:
    spec = workdir / "openapi.json"
    with urllib.request.urlopen(base_url + "/openapi.json", timeout=30) as r:  # noqa: S310 (local server)
        spec.write_bytes(r.read())
    out = workdir / "generated"
    # The generator's own option: the zip download is a binary body like application/octet-stream.
    config = workdir / "generator.json"
    config.write_text(json.dumps({"content_type_overrides": {"application/zip": "application/octet-stream"}}))
    cmd = [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(spec),
           "--output-path", str(out), "--meta", "none", "--overwrite", "--config", str(config)]
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
    print(done.stdout[-3000:], done.stderr[-3000:], sep="\n", flush=True)
    check("openapi-python-client generates a client without warnings",
          done.returncode == 0 and "Warning" not in done.stdout + done.stderr,
          f"exit {done.returncode}")
    sys.path.insert(0, str(out.parent))
    return out.name


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--base-url", required=True)
    p.add_argument("--client-id", required=True)
    p.add_argument("--client-secret", required=True)
    p.add_argument("--flow", required=True, help="a .waldiez flow that asks for input")
    p.add_argument("--workdir", required=True)
    a = p.parse_args()
    workdir = Path(a.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        run(a, generate(a.base_url, workdir))
    except Exception:  # noqa: BLE001 (report and count)
        traceback.print_exc()
        check("lifecycle ran to its end", False, "exception")
    print(f"{len(PASSED)} passed, {len(FAILED)} failed", flush=True)
    return 1 if FAILED else 0


def run(a: argparse.Namespace, package: str) -> None:
    pkg = importlib.import_module(package)
    def api(tag: str) -> object:
        """The tag's operations as attributes: api("tasks").create_task.sync(...)."""
        folder = Path(importlib.import_module(f"{package}.api.{tag}").__file__).parent
        ops = {f.stem: importlib.import_module(f"{package}.api.{tag}.{f.stem}") for f in folder.glob("*.py")
               if f.stem != "__init__"}
        return argparse.Namespace(**ops)

    models = importlib.import_module(f"{package}.models")
    types = importlib.import_module(f"{package}.types")

    anonymous = pkg.Client(base_url=a.base_url, raise_on_unexpected_status=True)
    token_api = api("auth").get_token
    form = models.TokenRequest(client_id=a.client_id, client_secret=a.client_secret)
    tokens = token_api.sync_detailed(client=anonymous, body=form)
    check("token: 200", tokens.status_code == 200, tokens.status_code)
    check("token: parsed TokensResponse", isinstance(tokens.parsed, models.TokensResponse), tokens.parsed)
    check("token: Cache-Control no-store", tokens.headers.get("cache-control") == "no-store", tokens.headers)
    bad = token_api.sync_detailed(client=anonymous, body=models.TokenRequest(client_id="x", client_secret="y"))
    check("token: wrong secret is a parsed 401 ErrorBody",
          bad.status_code == 401 and bad.parsed.detail == "Invalid credentials.", bad)

    client = pkg.AuthenticatedClient(base_url=a.base_url, token=tokens.parsed.access_token,
                                     raise_on_unexpected_status=True)
    tasks = api("tasks")
    expires = dt.datetime(2031, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    flow = Path(a.flow)
    body = models.CreateTaskForm(
        file=types.File(payload=io.BytesIO(flow.read_bytes()), file_name=flow.name),
        env_vars=json.dumps({"GENERATED_CLIENT": "yes"}),
        input_timeout=120,
        skip_deps=True,
        message="from the generated client",
        expires_at=expires,
        trigger_now=False,
        force=True,
    )
    created = tasks.create_task.sync_detailed(client=client, body=body)
    check("create: 200 TaskResponse", created.status_code == 200 and created.parsed is not None, created)
    task = created.parsed
    check("create: PENDING", str(task.status.value) == "PENDING", task.status)
    check("create: expires_at returned", task.expires_at == expires, task.expires_at)
    check("create: file name kept", task.filename == flow.name, task.filename)

    invalid = tasks.create_task.sync_detailed(client=client, body=models.CreateTaskForm(filename="../x"))
    check("create: a bad source is a parsed 400 ErrorBody",
          invalid.status_code == 400 and invalid.parsed.detail == "Invalid file path", invalid)

    answered = 0
    deadline = time.monotonic() + 240
    status = ""
    while time.monotonic() < deadline:
        current = tasks.get_task.sync(task_id=task.id, client=client)
        status = str(current.status.value)
        if status in ("COMPLETED", "FAILED", "CANCELLED"):
            break
        if status == "WAITING_FOR_INPUT" and isinstance(current.input_request_id, str):
            sent = tasks.send_input.sync_detailed(
                task_id=task.id, client=client,
                body=models.InputRequest(request_id=current.input_request_id, data=f"answer {answered}"))
            if sent.status_code == 204:
                answered += 1
            else:
                check("input: 204", False, sent)
        time.sleep(0.5)
    check("poll: the run COMPLETED", status == "COMPLETED", status)
    check("input: at least one answer delivered", answered >= 1, answered)
    wrong = tasks.send_input.sync_detailed(task_id=task.id, client=client,
                                           body=models.InputRequest(request_id="nope", data="x"))
    check("input: after the end is a parsed 400", wrong.status_code == 400 and wrong.parsed.detail
          == "Invalid input request", wrong)

    zipped = tasks.download_task.sync_detailed(task_id=task.id, client=client)
    check("download: 200", zipped.status_code == 200, zipped.status_code)
    names = zipfile.ZipFile(io.BytesIO(zipped.content)).namelist()
    check("download: flow and transcript in the zip",
          f"{task.id}/{flow.name}" in names and f"{task.id}/transcript.jsonl" in names, names)

    page = tasks.list_tasks.sync(client=client, search=flow.stem)
    check("list: the task is listed", any(t.id == task.id for t in page.items), page)
    count = tasks.count_tasks.sync(client=client, inactive_only=True)
    check("count: at least one inactive", count.count >= 1, count)

    deleted = tasks.delete_task.sync_detailed(task_id=task.id, client=client)
    check("delete: 204", deleted.status_code == 204, deleted.status_code)
    gone = tasks.get_task.sync_detailed(task_id=task.id, client=client)
    check("get after delete: a parsed 404", gone.status_code == 404 and gone.parsed.detail == "Task not found", gone)


if __name__ == "__main__":
    sys.exit(main())
