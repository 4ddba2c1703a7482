#!/usr/bin/env python3
"""Drive this server with the ORIGINAL Waldiez Runner Python client (waldiez-runner==0.7.1).

Follows the compatibility test plan of the server spec (§15.3, steps 1-22) with the original
client's own calls (``waldiez_runner.client.TasksClient`` / ``ClientsAdmin``); raw ``httpx`` and
``websockets`` are used only where the client has no call (count, admin routes, WS negatives) and
for the browser page's requests of §12.2 (form token/refresh, subprotocol WS, CORS, ``detail``).

Every check prints PASS/FAIL; a failing check prints the HTTP exchanges (request and response)
and WebSocket frames that led to it. The last line is ``N passed, N failed``; the exit code is 0
only when nothing failed.

Run it from compat-tests/.venv (scripts/prepare-compat-venv.sh), against a running server:

    compat-tests/.venv/bin/python compat-tests/original_client_lifecycle.py \
        --base-url http://127.0.0.1:8000 \
        --tasks-client-id ID --tasks-secret SECRET \
        --clients-client-id ID --clients-secret SECRET \
        --admin-client-id ID --admin-secret SECRET \
        --flows ../shared/flows

The tasks-api client should be a fresh one: step 17 deletes all of its tasks (superset
``DELETE /api/v1/tasks`` without ids).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import io
import json
import os
import secrets
import shutil
import subprocess
import sys
import threading
import time
import traceback
import zipfile
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterator

import httpx
import websockets.sync.client
from websockets.exceptions import InvalidStatus

from waldiez_runner.client import ClientsAdmin, TasksClient

BROWSER_ORIGIN = "http://localhost:3000"
TERMINAL = {"COMPLETED", "CANCELLED", "FAILED"}


# --------------------------------------------------------------------------------------------
# What was sent and received: every httpx exchange (the original client uses httpx for all of
# its REST calls and its token fetch/refresh) is recorded, so a failing check can show it.
# --------------------------------------------------------------------------------------------
class Exchanges:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[str] = []

    def add(self, text: str) -> None:
        with self._lock:
            self._items.append(text)

    def mark(self) -> int:
        with self._lock:
            return len(self._items)

    def since(self, mark: int) -> list[str]:
        with self._lock:
            return list(self._items[mark:])


EXCHANGES = Exchanges()


def _short(text: str, limit: int = 700) -> str:
    text = text.replace("\r", "")
    return text if len(text) <= limit else text[:limit] + f"... [{len(text)} chars]"


def _redact_auth(value: str) -> str:
    if value.lower().startswith("bearer ") and len(value) > 27:
        return value[:27] + "..."
    return value


def _describe_request(request: httpx.Request) -> str:
    lines = [f"  -> {request.method} {request.url}"]
    for name in ("authorization", "content-type", "origin", "access-control-request-method",
                 "access-control-request-headers"):
        if name in request.headers:
            lines.append(f"     {name}: {_redact_auth(request.headers[name])}")
    try:
        body = request.content
    except httpx.RequestNotRead:
        body = None
    if body:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith("multipart/"):
            lines.append(f"     body: multipart, {len(body)} bytes: "
                         + _short(body.decode("utf-8", "replace"), 300))
        else:
            lines.append("     body: " + _short(body.decode("utf-8", "replace")))
    return "\n".join(lines)


def _describe_response(response: httpx.Response) -> str:
    lines = [f"  <- {response.status_code} {response.reason_phrase}"]
    for name in ("content-type", "content-disposition", "access-control-allow-origin",
                 "access-control-allow-headers", "access-control-allow-methods",
                 "access-control-expose-headers", "www-authenticate"):
        if name in response.headers:
            lines.append(f"     {name}: {response.headers[name]}")
    try:
        content = response.content
    except httpx.ResponseNotRead:
        lines.append("     body: (streamed)")
        return "\n".join(lines)
    ctype = response.headers.get("content-type", "")
    if content and ("json" in ctype or ctype.startswith("text/")):
        lines.append("     body: " + _short(content.decode("utf-8", "replace")))
    elif content:
        lines.append(f"     body: {len(content)} bytes of {ctype or 'unknown type'}")
    return "\n".join(lines)


def _install_recorder() -> None:
    sync_send = httpx.Client.send
    async_send = httpx.AsyncClient.send

    def send(self: httpx.Client, request: httpx.Request, *args: Any, **kwargs: Any) -> httpx.Response:
        try:
            response = sync_send(self, request, *args, **kwargs)
        except Exception as exc:
            EXCHANGES.add(_describe_request(request) + f"\n  <- transport error: {exc!r}")
            raise
        EXCHANGES.add(_describe_request(request) + "\n" + _describe_response(response))
        return response

    async def a_send(self: httpx.AsyncClient, request: httpx.Request, *args: Any,
                     **kwargs: Any) -> httpx.Response:
        try:
            response = await async_send(self, request, *args, **kwargs)
        except Exception as exc:
            EXCHANGES.add(_describe_request(request) + f"\n  <- transport error: {exc!r}")
            raise
        EXCHANGES.add(_describe_request(request) + "\n" + _describe_response(response))
        return response

    httpx.Client.send = send  # type: ignore[method-assign]
    httpx.AsyncClient.send = a_send  # type: ignore[method-assign]


# --------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------
class StepAbort(Exception):
    """A required check failed: the rest of the step cannot run."""


class Checks:
    def __init__(self, deadline: float) -> None:
        self.passed = 0
        self.failed = 0
        self.failures: list[str] = []
        self.deadline = deadline
        self._step = ""
        self._mark = 0
        self.notes: list[str] = []

    @contextmanager
    def step(self, label: str) -> Iterator[None]:
        self._step = label
        self._mark = EXCHANGES.mark()
        started = time.monotonic()
        print(f"\n=== {label}", flush=True)
        try:
            yield
        except StepAbort:
            pass
        except Exception as exc:  # an unexpected exception is a failed check of its own
            self._record(False, f"no unexpected exception ({type(exc).__name__}: {exc})",
                         traceback.format_exc())
        finally:
            print(f"    ({time.monotonic() - started:.1f}s)", flush=True)

    def _record(self, ok: bool, what: str, detail: str = "") -> None:
        if ok:
            self.passed += 1
            print(f"PASS {self._step}: {what}", flush=True)
            return
        self.failed += 1
        self.failures.append(f"{self._step}: {what}")
        print(f"FAIL {self._step}: {what}", flush=True)
        if detail:
            for line in detail.rstrip().splitlines():
                print(f"     | {line}")
        exchanges = EXCHANGES.since(self._mark)
        if exchanges:
            print(f"     | HTTP exchanges of this step (last {min(len(exchanges), 8)} of {len(exchanges)}):")
            for item in exchanges[-8:]:
                for line in item.splitlines():
                    print(f"     | {line}")
        sys.stdout.flush()

    def expect(self, ok: bool, what: str, detail: str = "") -> bool:
        self._record(bool(ok), what, detail)
        return bool(ok)

    def require(self, ok: bool, what: str, detail: str = "") -> None:
        if not self.expect(ok, what, detail):
            raise StepAbort()

    def expect_http_error(self, func: Callable[[], Any], status: int, what: str,
                          detail_text: str | None = None) -> httpx.Response | None:
        """The call must raise httpx.HTTPStatusError with this status (and JSON ``detail``)."""
        try:
            result = func()
        except httpx.HTTPStatusError as err:
            response = err.response
            ok = response.status_code == status
            body = _json_or_none(response)
            if ok and detail_text is not None:
                ok = isinstance(body, dict) and body.get("detail") == detail_text
            self.expect(ok, f"{what}: HTTP {status}" + (f" detail {detail_text!r}" if detail_text else ""),
                        f"got HTTP {response.status_code} body {response.text[:300]!r}")
            return response
        self.expect(False, f"{what}: HTTP {status}", f"no error raised; the call returned {result!r:.300}")
        return None

    def remaining(self) -> float:
        return self.deadline - time.monotonic()


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


# --------------------------------------------------------------------------------------------
# WebSocket frames seen by the original client's listener
# --------------------------------------------------------------------------------------------
class Frames:
    PRINT_ALL = 80

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.raw: list[str] = []
        self.parsed: list[dict[str, Any]] = []
        self.errors: list[str] = []

    def on_message(self, message: str) -> None:
        try:
            frame = json.loads(message)
        except ValueError:
            frame = {"_unparsed": message}
        with self.cond:
            self.raw.append(message)
            self.parsed.append(frame if isinstance(frame, dict) else {"_value": frame})
            self.cond.notify_all()
        kind = frame.get("type") if isinstance(frame, dict) else "?"
        count = len(self.raw)
        if count <= self.PRINT_ALL or kind != "print":
            print(f"     ws frame #{count} type={kind}: {_short(message, 220)}", flush=True)
        elif count == self.PRINT_ALL + 1:
            print(f"     (after {self.PRINT_ALL} frames only non-print frames are shown)", flush=True)

    def on_error(self, message: str) -> None:
        with self.cond:
            self.errors.append(message)
            self.cond.notify_all()
        print(f"     ws listener error: {message}", flush=True)

    def wait_for(self, predicate: Callable[[dict[str, Any]], bool], timeout: float,
                 start: int = 0) -> dict[str, Any] | None:
        end = time.monotonic() + max(timeout, 0)
        with self.cond:
            while True:
                for frame in self.parsed[start:]:
                    if predicate(frame):
                        return frame
                left = end - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(min(left, 0.5))

    def snapshot(self) -> list[dict[str, Any]]:
        with self.cond:
            return list(self.parsed)

    def dump(self, last: int = 12) -> str:
        with self.cond:
            items = self.raw[-last:]
            total = len(self.raw)
        return f"ws frames received so far: {total}; last {len(items)}:\n" + "\n".join(
            _short(x, 300) for x in items)


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------
def flow_id(content: bytes, name: str) -> str:
    return hashlib.md5(content).hexdigest() + "-" + hashlib.md5(name.encode()).hexdigest()[:8]


def token_for(base_url: str, client_id: str, secret: str) -> dict[str, Any]:
    r = httpx.post(f"{base_url}/auth/token", data={"client_id": client_id, "client_secret": secret})
    r.raise_for_status()
    return r.json()


def poll_task(client: TasksClient, task_id: str, predicate: Callable[[Any], bool], timeout: float,
              interval: float = 0.4) -> Any:
    end = time.monotonic() + max(timeout, 1)
    last = None
    while time.monotonic() < end:
        last = client.get_task(task_id)
        if predicate(last):
            return last
        time.sleep(interval)
    return last


def ws_url(base_url: str, task_id: str) -> str:
    return base_url.replace("http", "ws", 1) + f"/ws/{task_id}"


def ws_try_connect(url: str, **kwargs: Any) -> tuple[Any, str | None, list[str]]:
    """Connects; returns (status or None if accepted, echoed subprotocol, first frames)."""
    try:
        with websockets.sync.client.connect(url, open_timeout=10, **kwargs) as ws:
            frames = []
            try:
                frames.append(ws.recv(timeout=5))
            except Exception:  # noqa: BLE001 - only the handshake matters here
                pass
            return None, ws.subprotocol, frames
    except InvalidStatus as exc:
        return exc.response.status_code, None, []


def zip_entries(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        bad = zf.testzip()
        if bad is not None:
            raise ValueError(f"corrupt entry {bad}")
        return zf.namelist()


# --------------------------------------------------------------------------------------------
# The lifecycle
# --------------------------------------------------------------------------------------------
class Lifecycle:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.base = args.base_url.rstrip("/")
        self.flows = Path(args.flows)
        self.c = Checks(time.monotonic() + args.budget)
        self.auth_errors: list[str] = []
        self.errors: list[str] = []
        self.tasks = TasksClient(self.base, args.tasks_client_id, args.tasks_secret,
                                 on_auth_error=self.auth_errors.append, on_error=self.errors.append)
        self.frames = Frames()
        self.main_task: str | None = None
        self.force_task: str | None = None
        self.cancel_task: str | None = None
        self.admin_task: str | None = None
        self.async_task: str | None = None
        self.completed = False
        self.token_before_refresh: str | None = None

    def flow(self, name: str) -> bytes:
        return (self.flows / name).read_bytes()

    def raw(self, token: str | None = None, **headers: str) -> httpx.Client:
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return httpx.Client(base_url=self.base, headers=headers, timeout=30)

    def access_token(self) -> str:
        token = self.tasks.auth.sync_get_token() if self.tasks.auth else None
        assert token, "no access token"
        return token

    # ---- steps 1-4: auth, status, clients admin --------------------------------------------
    def step01_auth_and_status(self) -> None:
        c = self.c
        with c.step("step 1: authenticate() + get_status()"):
            c.require(self.tasks.authenticate(), "TasksClient.authenticate() returns True",
                      f"auth errors: {self.auth_errors}")
            c.expect(self.tasks.has_valid_token(), "the client holds a valid token")
            status = self.tasks.get_status()
            c.expect(status is not None, "get_status() parses into StatusResponse (whole-number memory_percent)",
                     f"errors reported by the client: {self.errors}")
            if status is not None:
                c.expect(status.healthy and status.max_capacity >= 1,
                         f"status healthy, max_capacity {status.max_capacity}")
            self.token_before_refresh = self.tasks.auth._tokens_response.access_token  # type: ignore[union-attr]

    def step02_wrong_secret(self) -> None:
        c = self.c
        with c.step("step 2: wrong secret -> authenticate() False + on_auth_error"):
            errors: list[str] = []
            bad = TasksClient(self.base, self.args.tasks_client_id, self.args.tasks_secret + "x",
                              on_auth_error=errors.append)
            mark = EXCHANGES.mark()
            c.expect(bad.authenticate() is False, "authenticate() returns False")
            c.expect(len(errors) >= 1, f"on_auth_error called ({errors[:1]})")
            last = "\n".join(EXCHANGES.since(mark))
            c.expect("<- 401" in last, "POST /auth/token answered 401", last)
            c.expect('"detail"' in last, "the 401 body carries detail", last)

    def step03_clients_admin(self) -> None:
        c = self.c
        with c.step("step 3: ClientsAdmin create/get/update/list(search)/delete/delete_clients"):
            admin = ClientsAdmin(self.base, self.args.clients_client_id, self.args.clients_secret,
                                 on_auth_error=self.auth_errors.append)
            c.require(admin.authenticate(), "ClientsAdmin.authenticate() with the clients-api client")
            name = f"compat-{secrets.token_hex(4)}"
            mark = EXCHANGES.mark()
            created = admin.create_client({"name": name, "description": "d"})
            c.expect(bool(created.client_secret) and created.name == name and created.audience == "tasks-api",
                     "create_client -> ClientCreateResponse with a client_secret, audience tasks-api")
            got = admin.get_client(created.id)
            c.expect(got.client_id == created.client_id and got.description == "d", "get_client -> same client")
            get_body = EXCHANGES.since(mark)[-1]
            c.expect("client_secret" not in get_body, "the secret is only in the create response", get_body)
            name2 = name + "-n2"
            updated = admin.update_client(created.id, name=name2)
            c.expect(updated.name == name2, f"update_client(name=...) -> name {updated.name!r}")
            page = admin.list_clients({"search": name2})
            c.expect(page.total == 1 and [x.id for x in page.items] == [created.id],
                     f"list_clients(search) -> the one client (total {page.total})")
            admin.delete_client(created.id)
            c.expect_http_error(lambda: admin.get_client(created.id), 404, "get_client after delete_client")
            second = admin.create_client({"name": name + "-b", "audience": "clients-api"})
            admin.delete_clients(ids=[second.id])
            c.expect_http_error(lambda: admin.get_client(second.id), 404, "get_client after delete_clients(ids)")
            # the client's own delete_clients() without arguments would delete every other client of
            # this shared server: not called.

    def step04_tasks_token_on_clients(self) -> None:
        c = self.c
        with c.step("step 4: a tasks-api token on /api/v1/clients -> 401"):
            with self.raw(self.access_token()) as h:
                r = h.get("/api/v1/clients")
            c.expect(r.status_code == 401 and "detail" in (_json_or_none(r) or {}), "401 with detail",
                     f"got {r.status_code} {r.text[:200]}")

    # ---- steps 5-6, 16, 18: create, duplicates, delete, PUT --------------------------------
    def step05_create(self) -> None:
        c = self.c
        with c.step("step 5: create_task(dummy_with_input as flow.waldiez, input_timeout) + start_ws_listener"):
            content = self.flow("dummy_with_input.waldiez")
            task = self.tasks.create_task({"file_data": content, "file_name": "flow.waldiez",
                                           "input_timeout": self.args.input_timeout})
            self.main_task = task.id
            print(f"     main task {task.id}")
            c.expect(task.status.value == "PENDING", f"status PENDING (got {task.status.value})")
            c.expect(task.flow_id == flow_id(content, "flow.waldiez"),
                     f"flow_id = md5(file)-md5(name)[:8] (got {task.flow_id})")
            c.expect(task.filename == "flow.waldiez", f"filename {task.filename!r}")
            c.expect(task.input_timeout == self.args.input_timeout,
                     f"the query input_timeout is honoured (superset §13.5): {task.input_timeout}")
            c.expect(task.results is None and task.input_request_id is None, "results and input_request_id null")
            # step 7 starts here so that the listener sees the run from its start
            self.tasks.start_ws_listener(task.id, self.frames.on_message, on_error=self.frames.on_error)
            c.expect(self.tasks.is_listening(), "start_ws_listener: the listener thread runs")

    def step06_duplicate(self) -> None:
        c = self.c
        with c.step("step 6: same flow again while active -> 400; force=true -> 200"):
            c.require(self.main_task is not None, "needs the task of step 5")
            content = self.flow("dummy_with_input.waldiez")
            resp = c.expect_http_error(
                lambda: self.tasks.create_task({"file_data": content, "file_name": "flow.waldiez"}),
                400, "duplicate create_task")
            if resp is not None:
                detail = (_json_or_none(resp) or {}).get("detail", "")
                c.expect(isinstance(detail, str) and detail.startswith(
                    f"A task with the same file already exists. Task ID: {self.main_task}, status: "),
                         f"the original's duplicate detail: {detail!r}")
            with self.raw(self.access_token()) as h:
                r = h.post("/api/v1/tasks", files={"file": ("flow.waldiez", content)},
                           data={"force": "true", "input_timeout": "300"})
            body = _json_or_none(r) or {}
            c.require(r.status_code == 200 and body.get("status") == "PENDING",
                      "force=true form field -> 200 PENDING", f"got {r.status_code} {r.text[:300]}")
            self.force_task = body["id"]
            c.expect(body.get("flow_id", "").startswith(flow_id(content, "flow.waldiez") + "-"),
                     f"forced flow_id gets a random suffix: {body.get('flow_id')}")

    def step18_put_update(self) -> None:
        c = self.c
        with c.step("step 18: update_task(id, {'expires_at': None}) sends PUT -> 200 (superset §13.2)"):
            c.require(self.force_task is not None, "needs the forced task of step 6")
            mark = EXCHANGES.mark()
            updated = self.tasks.update_task(self.force_task, {"expires_at": None})
            sent = "\n".join(EXCHANGES.since(mark))
            c.expect("-> PUT" in sent and '"input_timeout": null' in sent.replace('":null', '": null'),
                     "the client sent PUT with every TaskUpdateRequest key", sent)
            c.expect(updated.id == self.force_task and updated.expires_at is None,
                     f"PUT answered with the TaskResponse (status {updated.status.value})")

    def step16_delete_active(self) -> None:
        c = self.c
        with c.step("step 16: delete_task on an active task: 400 without force, 204 with force, then 404"):
            c.require(self.force_task is not None, "needs the forced task of step 6")
            task = self.tasks.get_task(self.force_task)
            c.require(task.status.value not in TERMINAL, f"the forced task is still active ({task.status.value})")
            c.expect_http_error(lambda: self.tasks.delete_task(self.force_task), 400, "delete_task without force")
            self.tasks.delete_task(self.force_task, force=True)
            c.expect(True, "delete_task(force=True) -> 204")
            c.expect_http_error(lambda: self.tasks.get_task(self.force_task), 404, "get_task after forced delete")

    # ---- step 15: cancel ---------------------------------------------------------------------
    def step15_cancel(self) -> None:
        c = self.c
        with c.step("step 15: create another task, cancel_task -> CANCELLED, stays final"):
            task = self.tasks.create_task({"file_data": self.flow("valid.waldiez"),
                                           "file_name": "valid-flow.waldiez", "input_timeout": 5})
            self.cancel_task = task.id
            cancelled = self.tasks.cancel_task(task.id)
            c.expect(cancelled.id == task.id and cancelled.status.value == "CANCELLED",
                     f"cancel_task -> TaskResponse CANCELLED (got {cancelled.status.value})")
            c.expect_http_error(lambda: self.tasks.cancel_task(task.id), 400, "cancel_task again")
        # "stays final" is checked later (step 15b), once the run had time to write anything

    def step15b_still_cancelled(self) -> None:
        c = self.c
        with c.step("step 15b: the cancelled task stays CANCELLED"):
            c.require(self.cancel_task is not None, "needs the task of step 15")
            task = self.tasks.get_task(self.cancel_task)
            c.expect(task.status.value == "CANCELLED", f"get_task -> {task.status.value}")

    # ---- steps 7-11: WS listener, input over REST and WS, completion -------------------------
    def steps07_to_11_interactive_run(self) -> None:
        c = self.c
        f = self.frames
        request_ids: list[str] = []
        with c.step("step 7: WS listener frames: status first, print frames, input_request"):
            c.require(self.main_task is not None, "needs the task of step 5")
            first = f.wait_for(lambda x: True, min(20, c.remaining()))
            c.require(first is not None, "the listener received a first frame", f.dump())
            c.expect(first.get("type") == "status" and isinstance(first.get("data"), dict)
                     and first["data"].get("task_id") == self.main_task,
                     "first frame is type=status with data.task_id", f.dump())
            req = f.wait_for(lambda x: x.get("type") == "input_request", c.remaining() - 25)
            c.require(req is not None, "an input_request frame arrives", f.dump())
            c.expect(isinstance(req.get("request_id"), str) and bool(req["request_id"]),
                     f"input_request has a request_id ({req.get('request_id')})")
            c.expect(isinstance(req.get("id"), str) and "-" in req.get("id", ""),
                     f"stream frames carry their stream id ({req.get('id')})")
            prints = [x for x in f.snapshot() if x.get("type") == "print"]
            c.expect(len(prints) >= 1, f"print frames before the prompt ({len(prints)})", f.dump())
            c.expect(all(isinstance(x.get("timestamp"), str) for x in prints + [req]),
                     "stream frames carry string timestamps", f.dump())
            parsed = [x for x in prints if isinstance(x.get("data"), dict)]
            c.expect(len(parsed) >= 1, "JSON print data arrives parsed into objects", f.dump())
            request_ids.append(req["request_id"])

        with c.step("step 8: get_task while waiting: WAITING_FOR_INPUT with the WS request_id"):
            c.require(bool(request_ids), "needs the input_request of step 7")
            task = poll_task(self.tasks, self.main_task,
                             lambda t: t.status.value == "WAITING_FOR_INPUT", min(15, c.remaining()))
            c.expect(task.status.value == "WAITING_FOR_INPUT", f"status {task.status.value}")
            c.expect(task.input_request_id == request_ids[0],
                     f"input_request_id {task.input_request_id} == WS request_id {request_ids[0]}")

        # step 18 on a WAITING task too: PUT must not disturb the run
        with c.step("step 9: send_user_input(use_rest=True): wrong request_id 400, right one 204"):
            c.require(bool(request_ids), "needs the input_request of step 7")
            c.expect_http_error(lambda: self.tasks.send_user_input(
                {"task_id": self.main_task, "request_id": "not-" + request_ids[0], "data": "x"}, use_rest=True),
                400, "wrong request_id")
            mark = len(f.snapshot())
            self.tasks.send_user_input({"task_id": self.main_task, "request_id": request_ids[0],
                                        "data": "hello from the original client"}, use_rest=True)
            c.expect(True, "send_user_input(use_rest=True) -> 204")
            resp = f.wait_for(lambda x: x.get("type") == "input_response"
                              and x.get("request_id") == request_ids[0], min(15, c.remaining()), mark)
            c.expect(resp is not None and resp.get("data") == "hello from the original client",
                     "the listener sees the input_response with the sent data", f.dump())

        with c.step("step 10: next input_request answered by send_user_input over the WebSocket"):
            c.require(bool(request_ids), "needs step 9")
            nxt = f.wait_for(lambda x: x.get("type") == "input_request" and x.get("request_id") not in request_ids,
                             c.remaining() - 20)
            c.require(nxt is not None, "a second input_request arrives", f.dump())
            request_ids.append(nxt["request_id"])
            poll_task(self.tasks, self.main_task, lambda t: t.input_request_id == nxt["request_id"],
                      min(10, c.remaining()))
            c.require(self.tasks.is_listening(), "the listener still runs (WS path is used only then)")
            mark = EXCHANGES.mark()
            self.tasks.send_user_input({"task_id": self.main_task, "request_id": nxt["request_id"],
                                        "data": "hello over the socket"})
            resp = f.wait_for(lambda x: x.get("type") == "input_response"
                              and x.get("request_id") == nxt["request_id"], min(15, c.remaining()))
            c.expect(resp is not None and resp.get("data") == "hello over the socket",
                     "input_response frame with the WS-sent data", f.dump())
            c.expect(not any("/input" in x for x in EXCHANGES.since(mark)),
                     "the answer went over the WebSocket, not REST", "\n".join(EXCHANGES.since(mark)))

        with c.step("step 20a: a later prompt answered by a_send_user_input(use_rest=True)"):
            nxt = f.wait_for(lambda x: x.get("type") == "input_request" and x.get("request_id") not in request_ids,
                             min(20, c.remaining() - 15))
            if nxt is None:
                c.expect(True, "no third prompt: a_send_user_input is covered in step 20 instead")
            else:
                request_ids.append(nxt["request_id"])
                poll_task(self.tasks, self.main_task, lambda t: t.input_request_id == nxt["request_id"],
                          min(10, c.remaining()))
                asyncio.run(self.tasks.a_send_user_input(
                    {"task_id": self.main_task, "request_id": nxt["request_id"], "data": "exit"}, use_rest=True))
                c.expect(True, "a_send_user_input(use_rest=True) -> 204")

        with c.step("step 11: poll get_task to COMPLETED with results (answering further prompts with 'exit')"):
            c.require(bool(request_ids), "needs the interactive run")
            end = time.monotonic() + max(c.remaining() - 12, 5)
            task = None
            while time.monotonic() < end:
                task = self.tasks.get_task(self.main_task)
                if task.status.value in TERMINAL:
                    break
                if task.status.value == "WAITING_FOR_INPUT" and task.input_request_id not in request_ids:
                    request_ids.append(task.input_request_id)
                    self.tasks.send_user_input({"task_id": self.main_task, "request_id": task.input_request_id,
                                                "data": "exit"}, use_rest=True)
                time.sleep(0.4)
            c.require(task is not None and task.status.value == "COMPLETED",
                      f"status COMPLETED (got {task.status.value if task else None})", f.dump())
            self.completed = True
            c.expect(isinstance(task.results, list) and len(task.results) >= 1,
                     f"results is the flow's results list ({str(task.results)[:120]})")
            c.expect(task.input_request_id is None, "input_request_id cleared")
            final = f.wait_for(lambda x: x.get("type") == "status" and isinstance(x.get("data"), dict)
                               and x["data"].get("status") == "COMPLETED", min(10, c.remaining()))
            c.expect(final is not None, "a final status frame COMPLETED reaches the listener", f.dump())

        with c.step("step 11b: after the end, the original listener gets no entry twice"):
            c.require(self.completed, "needs the completed task")
            # The original server never closes the socket, so the original client's listener simply
            # keeps waiting. Its sync listener reconnects after a normal close without delay; a server
            # that closes at the end and then accepts the reconnect replays the whole transcript again.
            time.sleep(3)
            frames = f.snapshot()
            ids = [x["id"] for x in frames if x.get("type") != "status" and x.get("id")]
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            statuses = [x for x in frames if x.get("type") == "status"]
            c.expect(not dupes, f"every stream entry delivered once ({len(ids)} entries, {len(dupes)} repeated)",
                     f"repeated ids: {dupes[:10]}; status frames: {len(statuses)}\n{f.dump(6)}")
            if not self.tasks.is_listening():
                # the original server never closes, so there the listener runs until stop_ws_listener()
                self.c.notes.append("the original listener stopped by itself after the task ended "
                                    f"(on_error: {f.errors[-1:]})")
            self.tasks.stop_ws_listener()
            c.expect(True, "stop_ws_listener()")

    # ---- steps 12-14: results, list, count -------------------------------------------------
    def step12_download(self) -> None:
        c = self.c
        with c.step("step 12: download_task_results -> ZIP, entries <id>/..., filename <id>.zip"):
            c.require(self.completed, "needs the completed task of step 11")
            tid = self.main_task
            data = self.tasks.download_task_results(tid)
            try:
                names = zip_entries(data)
            except Exception as exc:  # noqa: BLE001
                c.require(False, "the bytes are a valid ZIP", f"{exc!r}; first bytes {data[:40]!r}")
            c.expect(bool(names) and all(n.startswith(f"{tid}/") for n in names),
                     f"{len(names)} entries, all prefixed {tid}/", "\n".join(names[:20]))
            c.expect(f"{tid}/flow.waldiez" in names, "the uploaded flow is in the archive", "\n".join(names[:20]))
            with self.raw(self.access_token()) as h:
                r = h.get(f"/api/v1/tasks/{tid}/download")
            cd = r.headers.get("content-disposition", "")
            c.expect(r.status_code == 200 and f"filename={tid}.zip" in cd.replace('"', ""),
                     f"Content-Disposition {cd!r}")

    def step13_list(self) -> None:
        c = self.c
        with c.step("step 13: list_tasks(page,size,order_by,order_type,search)"):
            page = self.tasks.list_tasks({"page": 1, "size": 2, "order_by": "filename", "order_type": "desc",
                                          "search": "flow"})
            c.expect(page.page == 1 and page.size == 2 and page.total >= 2 and len(page.items) == 2
                     and page.pages == (page.total + 1) // 2,
                     f"page keys (total {page.total}, pages {page.pages}, {len(page.items)} items)")
            c.expect(all(t.results is None for t in page.items), "items have results null")
            names = [t.filename for t in page.items]
            c.expect(names == sorted(names, reverse=True), f"ordered by filename desc: {names}")
            with self.raw(self.access_token()) as h:
                r = h.get("/api/v1/tasks", params={"page": 1, "size": 10})
            body = _json_or_none(r) or {}
            c.expect(r.status_code == 200 and {"items", "page", "pages"} <= set(body),
                     "browser getTasks(page, size=10) -> items, page, pages", r.text[:300])

    def step14_count(self) -> None:
        c = self.c
        with c.step("step 14: GET /api/v1/tasks/count (raw httpx)"):
            with self.raw(self.access_token()) as h:
                r = h.get("/api/v1/tasks/count", params={"active_only": "true"})
                both = h.get("/api/v1/tasks/count", params={"active_only": "true", "inactive_only": "true"})
                total = h.get("/api/v1/tasks/count")
            body = _json_or_none(r) or {}
            c.expect(r.status_code == 200 and set(body) == {"count"} and isinstance(body["count"], int),
                     f"active_only -> {r.text[:100]}")
            tbody = _json_or_none(total) or {}
            c.expect(total.status_code == 200 and tbody.get("count", -1) >= body.get("count", 0),
                     f"all -> {total.text[:100]}")
            c.expect(both.status_code == 400 and "detail" in (_json_or_none(both) or {}),
                     f"both flags -> 400 with detail (got {both.status_code} {both.text[:150]})")

    # ---- step 17: bulk delete ----------------------------------------------------------------
    def step17_bulk_delete(self) -> None:
        c = self.c
        with c.step("step 17: delete_tasks(ids=[a,b]) then delete_tasks() without ids (superset: 204)"):
            c.require(self.cancel_task is not None, "needs the cancelled task of step 15")
            extra = self.tasks.create_task({"file_data": self.flow("valid.waldiez"), "file_name": "bulk-flow.waldiez"})
            self.tasks.cancel_task(extra.id)
            self.tasks.delete_tasks(ids=[self.cancel_task, extra.id])
            c.expect(True, "delete_tasks(ids=[a, b]) -> 204")
            c.expect_http_error(lambda: self.tasks.get_task(self.cancel_task), 404, "get_task(a) after bulk delete")
            c.expect_http_error(lambda: self.tasks.get_task(extra.id), 404, "get_task(b) after bulk delete")
            before = self.tasks.list_tasks({"page": 1, "size": 100})
            mark = EXCHANGES.mark()
            self.tasks.delete_tasks()
            sent = "\n".join(EXCHANGES.since(mark))
            c.expect("ids=" not in sent, "the client sent DELETE /api/v1/tasks without ids", sent)
            c.expect(True, f"delete_tasks() -> 204 ({before.total} tasks before)")
            after = self.tasks.list_tasks({"page": 1, "size": 100})
            left = [(t.id, t.status.value) for t in after.items]
            c.expect(all(s not in TERMINAL for _, s in left),
                     f"every finished task is gone ({after.total} left, all active)", f"left: {left}")

    # ---- step 19: refresh as a form ------------------------------------------------------------
    def step19_refresh(self) -> None:
        c = self.c
        with c.step("step 19: expired access token -> the client refreshes with a form; no auth error"):
            auth = self.tasks.auth
            c.require(auth is not None and auth._tokens_response is not None, "the client holds tokens")
            held = auth._tokens_response.access_token
            errors_before = len(self.auth_errors)
            expired = auth._tokens_response.model_copy(update={"expires_at": "2000-01-01T00:00:00.000Z"})
            auth._tokens_response = expired
            mark = EXCHANGES.mark()
            listed = self.tasks.list_tasks({"page": 1, "size": 1})
            sent = "\n".join(EXCHANGES.since(mark))
            c.expect("-> POST" in sent and "/auth/token/refresh" in sent
                     and "application/x-www-form-urlencoded" in sent, "POST /auth/token/refresh as a form", sent)
            c.expect("/auth/token/refresh\n" in sent and "<- 200" in sent.split("/auth/token/refresh", 1)[-1],
                     "the refresh answered 200", sent)
            c.expect(len(self.auth_errors) == errors_before,
                     "on_auth_error not called", f"auth errors: {self.auth_errors[errors_before:]}")
            c.expect(auth._tokens_response.access_token != held, "the held access_token changed", sent)
            c.expect(not auth.is_token_expired(), "the new token is not expired")
            c.expect(listed.page == 1, "the call itself succeeded with the new token")

    # ---- step 20: async variants ---------------------------------------------------------------
    def step20_async(self) -> None:
        c = self.c

        async def tasks_part() -> None:
            content = self.flow("dummy_with_input2.waldiez")
            task = await self.tasks.a_create_task({"file_data": content, "file_name": "async-flow.waldiez",
                                                   "input_timeout": 30})
            self.async_task = task.id
            c.expect(task.status.value == "PENDING", f"a_create_task -> PENDING ({task.id})")
            got = await self.tasks.a_get_task(task.id)
            c.expect(got.id == task.id, "a_get_task -> the task")
            page = await self.tasks.a_list_tasks({"page": 1, "size": 5, "search": "async-flow"})
            c.expect(page.total == 1 and page.items[0].id == task.id, f"a_list_tasks(search) -> {page.total}")
            updated = await self.tasks.a_update_task(task.id, {"expires_at": None})
            c.expect(updated.id == task.id, "a_update_task (PUT) -> 200")
            cancelled = await self.tasks.a_cancel_task(task.id)
            c.expect(cancelled.status.value == "CANCELLED", f"a_cancel_task -> {cancelled.status.value}")
            archive = await self.tasks.a_download_task_results(task.id)
            # documented as BytesIO; 0.7.1 returns the response bytes
            names = zip_entries(archive.getvalue() if isinstance(archive, io.BytesIO) else archive)
            c.expect(names and all(n.startswith(f"{task.id}/") for n in names),
                     f"a_download_task_results -> ZIP of {len(names)} entries")
            await self.tasks.a_delete_task(task.id)
            c.expect(True, "a_delete_task -> 204")
            try:
                await self.tasks.a_get_task(task.id)
                c.expect(False, "a_get_task after a_delete_task -> 404", "no error raised")
            except httpx.HTTPStatusError as err:
                c.expect(err.response.status_code == 404, f"a_get_task after a_delete_task -> "
                         f"{err.response.status_code}")

        async def clients_part() -> None:
            admin = ClientsAdmin(self.base, self.args.clients_client_id, self.args.clients_secret)
            c.require(await admin.a_authenticate(), "ClientsAdmin.a_authenticate()")
            name = f"compat-async-{secrets.token_hex(4)}"
            created = await admin.a_create_client({"name": name, "description": "async"})
            c.expect(bool(created.client_secret), "a_create_client -> with secret")
            got = await admin.a_get_client(created.id)
            c.expect(got.name == name, "a_get_client")
            updated = await admin.a_update_client(created.id, description="changed")  # no name parameter
            c.expect(updated.name == name and updated.description == "changed", "a_update_client(description)")
            try:
                listed = await admin.a_list_clients()
                c.expect(any(x.id == created.id for x in listed.items) or listed.total > len(listed.items),
                         f"a_list_clients -> {listed.total} clients")
            except Exception as exc:  # noqa: BLE001
                # a_list_clients takes no filter; its ClientResponse model rejects admin-api clients
                # (client-side, as against the original server, spec §12.1)
                c.expect("admin-api" in str(exc), "a_list_clients fails only client-side on an admin-api "
                         "client (as against the original)", f"{type(exc).__name__}: {str(exc)[:300]}")
            await admin.a_delete_client(created.id)
            second = await admin.a_create_client({"name": name + "-b"})
            await admin.a_delete_clients(ids=[second.id])
            c.expect(True, "a_delete_client / a_delete_clients(ids) -> 204")
            for cid in (created.id, second.id):
                try:
                    await admin.a_get_client(cid)
                    c.expect(False, "a_get_client after delete -> 404", "no error raised")
                except httpx.HTTPStatusError as err:
                    c.expect(err.response.status_code == 404, f"a_get_client after delete -> "
                             f"{err.response.status_code}")
            status = await self.tasks.a_get_status()
            c.expect(status is not None, "a_get_status -> StatusResponse")

        with c.step("step 20: async variants (a_create/get/list/update/cancel/download/delete)"):
            asyncio.run(tasks_part())
        with c.step("step 20b: async ClientsAdmin variants"):
            asyncio.run(clients_part())

    # ---- step 21: admin ------------------------------------------------------------------------
    def step21_admin(self) -> None:
        c = self.c
        with c.step("step 21: admin-api token: admin list, other owner's task get/cancel/delete"):
            if self.args.admin_token:
                admin_token = self.args.admin_token
            else:
                c.require(bool(self.args.admin_client_id), "admin credentials given")
                admin_token = token_for(self.base, self.args.admin_client_id, self.args.admin_secret)["access_token"]
            task = self.tasks.create_task({"file_data": self.flow("valid.waldiez"), "file_name": "admin-flow.waldiez",
                                           "input_timeout": 5})
            self.admin_task = task.id
            with self.raw(admin_token) as h:
                r = h.get("/api/v1/admin/tasks", params={"search": "admin-flow", "size": 100})
                body = _json_or_none(r) or {}
                c.expect(r.status_code == 200 and any(x.get("id") == task.id for x in body.get("items", [])),
                         f"GET /api/v1/admin/tasks -> 200 with the other owner's task ({r.status_code})", r.text[:300])
                r = h.get(f"/api/v1/tasks/{task.id}")
                c.expect(r.status_code == 200 and (_json_or_none(r) or {}).get("id") == task.id,
                         f"GET another owner's task -> 200 ({r.status_code})", r.text[:300])
                r = h.post(f"/api/v1/tasks/{task.id}/cancel")
                c.expect(r.status_code == 200 and (_json_or_none(r) or {}).get("status") == "CANCELLED",
                         f"cancel it -> 200 CANCELLED ({r.status_code})", r.text[:300])
                r = h.delete(f"/api/v1/tasks/{task.id}")
                c.expect(r.status_code == 204, f"delete it -> 204 ({r.status_code})", r.text[:300])
            with self.raw(self.access_token()) as h:
                r = h.get("/api/v1/admin/tasks")
            c.expect(r.status_code == 401 and "detail" in (_json_or_none(r) or {}),
                     f"a tasks-api token on the admin route -> 401 ({r.status_code})", r.text[:200])
            self._admin_token = admin_token

    # ---- step 22 + browser page: WS handshakes ---------------------------------------------------
    def step22_ws_negatives(self) -> None:
        c = self.c
        with c.step("step 22: WS handshakes: no token / admin / garbage refused; browser-style subprotocol echo"):
            c.require(self.main_task is not None, "needs the task of step 5")
            # a fresh active task to connect to (the main one has finished)
            task = self.tasks.create_task({"file_data": self.flow("dummy_with_input2.waldiez"),
                                           "file_name": "ws-flow.waldiez", "input_timeout": 30})
            try:
                url = ws_url(self.base, task.id)
                status, _, _ = ws_try_connect(url)
                c.expect(status == 403, f"no token -> HTTP 403 (got {status if status else 'accepted'})")
                admin_token = getattr(self, "_admin_token", None)
                if admin_token:
                    status, _, _ = ws_try_connect(url, additional_headers={"Authorization": f"Bearer {admin_token}"})
                    c.expect(status == 403, f"admin-api token -> HTTP 403 (got {status if status else 'accepted'})")
                status, _, _ = ws_try_connect(url, additional_headers={"Authorization": "Bearer not-a-jwt"})
                c.expect(status == 403, f"garbage token -> HTTP 403 (got {status if status else 'accepted'})")
                # browser page: new WebSocket(url, ["tasks-api", token]) needs the echo
                status, proto, frames = ws_try_connect(url, subprotocols=["tasks-api", self.access_token()])
                c.expect(status is None and proto == "tasks-api",
                         f"browser-style subprotocols ['tasks-api', token] -> accepted, echo {proto!r}"
                         f" (status {status})")
                first = json.loads(frames[0]) if frames else {}
                c.expect(first.get("type") == "status", "first frame over the subprotocol socket is status",
                         str(frames[:1]))
                self.node_browser_checks(url)
                # the Python client's token carrier with a browser origin
                status, proto, _ = ws_try_connect(url, additional_headers={
                    "Authorization": f"Bearer {self.access_token()}"}, origin=BROWSER_ORIGIN)
                c.expect(status is None, f"Bearer header + Origin {BROWSER_ORIGIN} -> accepted (status {status})")
            finally:
                self.tasks.cancel_task(task.id)
                self.tasks.delete_task(task.id)

    def node_browser_checks(self, url: str) -> None:
        """The page's WebSocketManager.connect in Node 20 with the npm ws package (optional)."""
        node = shutil.which("node")
        module_dir = Path(sys.prefix) / "node"
        script = Path(__file__).resolve().parent / "browser_page_checks.mjs"
        if not node or not (module_dir / "node_modules" / "ws").is_dir():
            self.c.notes.append("node or the npm ws package missing: browser_page_checks.mjs not run")
            return
        env = dict(os.environ, WALDIEZ_WS_MODULE_DIR=str(module_dir))
        proc = subprocess.run([node, str(script), url, self.access_token()], capture_output=True, text=True,
                              timeout=30, env=env, check=False)
        output = proc.stdout.splitlines()
        for i, line in enumerate(output):
            if line.startswith(("PASS ", "FAIL ")):
                detail = "\n".join(x.removeprefix("     | ") for x in output[i + 1:i + 3] if x.startswith("     | "))
                self.c.expect(line.startswith("PASS "), "node ws: " + line[5:], detail)
        self.c.expect(proc.returncode == 0 and bool(output) and output[-1].endswith(" 0 failed"),
                      f"browser_page_checks.mjs exit {proc.returncode}: {output[-1] if output else ''}",
                      proc.stderr[-800:])

    def step22b_ws_completed(self) -> None:
        c = self.c
        with c.step("step 22b: WS to a COMPLETED task (original: HTTP 403)"):
            c.require(self.completed, "needs the completed task of step 11")
            bearer = {"Authorization": f"Bearer {self.access_token()}"}
            status, _, frames = ws_try_connect(ws_url(self.base, self.main_task), additional_headers=bearer)
            c.expect(status == 403, f"without a cursor: refused with HTTP 403 (got {status or 'accepted'})",
                     f"first frames: {frames[:2]}")
            # superset: an explicit cursor replays the finished task's archived history
            status, _, frames = ws_try_connect(ws_url(self.base, self.main_task) + "?after=0",
                                               additional_headers=bearer)
            first = json.loads(frames[0]) if frames else {}
            c.expect(status is None and first.get("type") == "status"
                     and first.get("data", {}).get("status") == "COMPLETED",
                     f"?after=0 (superset): accepted with a first status frame COMPLETED (status {status})",
                     str(frames[:1]))

    # ---- browser page (§12.2): token JSON, CORS, detail, form refresh ---------------------------
    def browser_page_checks(self) -> None:
        c = self.c
        with c.step("browser: POST /auth/token (urlencoded) gives what AuthManager needs"):
            r = httpx.post(f"{self.base}/auth/token", data={"client_id": self.args.tasks_client_id,
                                                            "client_secret": self.args.tasks_secret},
                           headers={"Origin": BROWSER_ORIGIN})
            body = _json_or_none(r) or {}
            c.require(r.status_code == 200, f"200 ({r.status_code})", r.text[:300])
            keys = {"access_token", "refresh_token", "token_type", "expires_at", "refresh_expires_at", "audience"}
            c.expect(keys <= set(body), f"keys {sorted(keys - set(body)) or 'all present'}", r.text[:300])
            for key in ("expires_at", "refresh_expires_at"):
                try:
                    datetime.fromisoformat(str(body.get(key)).replace("Z", "+00:00"))
                    ok = True
                except ValueError:
                    ok = False
                c.expect(ok, f"{key} is an ISO date ({body.get(key)})")
            c.expect(body.get("audience") == "tasks-api", f"audience {body.get('audience')}")
            c.expect(r.headers.get("access-control-allow-origin") == BROWSER_ORIGIN,
                     f"CORS allow-origin on the token response ({r.headers.get('access-control-allow-origin')})")
            refresh_token = body.get("refresh_token")

        with c.step("browser: refreshAccessToken (urlencoded refresh_token) -> 200 new pair"):
            r = httpx.post(f"{self.base}/auth/token/refresh", data={"refresh_token": refresh_token},
                           headers={"Origin": BROWSER_ORIGIN})
            body = _json_or_none(r) or {}
            c.expect(r.status_code == 200 and body.get("access_token") and body.get("audience") == "tasks-api",
                     f"form refresh -> {r.status_code}", r.text[:300])
            r = httpx.post(f"{self.base}/auth/token/refresh", data={"refresh_token": "nonsense"})
            c.expect(r.status_code == 401 and "detail" in (_json_or_none(r) or {}),
                     f"a bad refresh token -> 401 with detail ({r.status_code})", r.text[:200])

        with c.step("browser: CORS preflight from http://localhost:3000"):
            with self.raw() as h:
                r = h.options("/api/v1/tasks", headers={
                    "Origin": BROWSER_ORIGIN, "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": "authorization,content-type"})
                allow_headers = r.headers.get("access-control-allow-headers", "").lower()
                c.expect(r.status_code in (200, 204) and r.headers.get("access-control-allow-origin") == BROWSER_ORIGIN
                         and "authorization" in allow_headers and "POST" in r.headers.get(
                             "access-control-allow-methods", ""),
                         f"preflight POST with Authorization -> {r.status_code}", _describe_response(r))
                r = h.options("/api/v1/tasks/x/download", headers={
                    "Origin": BROWSER_ORIGIN, "Access-Control-Request-Method": "GET",
                    "Access-Control-Request-Headers": "authorization"})
                c.expect(r.status_code in (200, 204) and r.headers.get("access-control-allow-origin") == BROWSER_ORIGIN,
                         f"preflight GET download -> {r.status_code}", _describe_response(r))
                r = h.options("/api/v1/tasks", headers={
                    "Origin": "http://evil.invalid", "Access-Control-Request-Method": "POST"})
                c.expect(r.headers.get("access-control-allow-origin") is None,
                         f"an unlisted origin gets no allow-origin ({r.status_code})", _describe_response(r))
            # the real multipart POST from the page carries the CORS headers too
            with self.raw(self.access_token(), Origin=BROWSER_ORIGIN) as h:
                r = h.post("/api/v1/tasks?input_timeout=60",
                           files={"file": ("browser-flow.waldiez", self.flow("valid.waldiez"))})
                body = _json_or_none(r) or {}
                c.expect(r.status_code == 200 and body.get("id") and body.get("input_timeout") == 60
                         and r.headers.get("access-control-allow-origin") == BROWSER_ORIGIN,
                         f"triggerTask(file, 60) multipart with Origin -> {r.status_code}", _describe_response(r))
                if body.get("id"):
                    r2 = h.post(f"/api/v1/tasks/{body['id']}/cancel")
                    c.expect(r2.status_code == 200, f"cancelTask -> {r2.status_code}", r2.text[:200])
                    r2 = h.get(f"/api/v1/tasks/{body['id']}/download")
                    expose = r2.headers.get("access-control-expose-headers", "").lower()
                    c.expect(r2.status_code == 200 and "content-disposition" in expose,
                             f"download exposes Content-Disposition to the page ({expose!r})", _describe_response(r2))
                    r2 = h.delete(f"/api/v1/tasks/{body['id']}?force=true")
                    c.expect(r2.status_code == 204, f"deleteTask(id, true) -> {r2.status_code}", r2.text[:200])

        with c.step("browser: error bodies carry detail"):
            with self.raw(self.access_token()) as h:
                cases = [
                    ("GET", "/api/v1/tasks/00000000000000000000000000000000", 404),
                    ("POST", "/api/v1/tasks/00000000000000000000000000000000/cancel", 404),
                    ("GET", "/api/v1/tasks?order_by=nonsense", 422),
                ]
                for method, path, status in cases:
                    r = h.request(method, path)
                    body = _json_or_none(r)
                    c.expect(r.status_code == status and isinstance(body, dict) and "detail" in body,
                             f"{method} {path} -> {status} with detail (got {r.status_code})", r.text[:200])
            with self.raw() as h:
                r = h.get("/api/v1/tasks")
                body = _json_or_none(r)
                c.expect(r.status_code == 401 and isinstance(body, dict) and isinstance(body.get("detail"), str),
                         f"no token -> 401 with detail (got {r.status_code})", r.text[:200])

    # ---- all -------------------------------------------------------------------------------------
    def run(self) -> int:
        started = time.monotonic()
        self.step01_auth_and_status()
        self.step02_wrong_secret()
        if not self.tasks.has_valid_token():
            print("FATAL: cannot authenticate the tasks-api client; nothing else can run")
            print(f"\n{self.c.passed} passed, {self.c.failed + 1} failed")
            return 1
        self.step05_create()          # starts the flow early: everything else runs while it starts
        self.step03_clients_admin()
        self.step04_tasks_token_on_clients()
        self.step06_duplicate()
        self.step18_put_update()
        self.step16_delete_active()
        self.step15_cancel()
        self.step14_count()
        self.steps07_to_11_interactive_run()
        self.step15b_still_cancelled()
        self.step12_download()
        self.step13_list()
        self.step19_refresh()
        self.step20_async()
        self.step21_admin()
        self.step22_ws_negatives()
        self.step22b_ws_completed()
        self.browser_page_checks()
        self.step17_bulk_delete()
        if self.tasks.is_listening():
            self.tasks.stop_ws_listener()
        elapsed = time.monotonic() - started
        print(f"\n--- finished in {elapsed:.1f}s")
        for note in self.c.notes:
            print(f"note: {note}")
        if self.c.failures:
            print("failed checks:")
            for item in self.c.failures:
                print(f"  - {item}")
        print(f"\n{self.c.passed} passed, {self.c.failed} failed", flush=True)
        return 0 if self.c.failed == 0 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--tasks-client-id", required=True)
    parser.add_argument("--tasks-secret", required=True)
    parser.add_argument("--clients-client-id", required=True)
    parser.add_argument("--clients-secret", required=True)
    parser.add_argument("--admin-client-id")
    parser.add_argument("--admin-secret")
    parser.add_argument("--admin-token", help="an admin-api access token (instead of admin credentials)")
    parser.add_argument("--flows", required=True, help="folder with the shared .waldiez test flows")
    parser.add_argument("--input-timeout", type=int, default=30, help="input_timeout of the interactive task")
    parser.add_argument("--budget", type=float, default=150, help="seconds the waits may take in total")
    args = parser.parse_args()
    if not args.admin_token and not (args.admin_client_id and args.admin_secret):
        parser.error("give --admin-token or --admin-client-id and --admin-secret")
    _install_recorder()
    return Lifecycle(args).run()


if __name__ == "__main__":
    sys.exit(main())
