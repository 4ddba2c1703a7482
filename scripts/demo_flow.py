#!/usr/bin/env python3
"""Runs one .waldiez flow through a Waldiez Runner server over its REST API, answering its input.

    demo_flow.py --base-url http://127.0.0.1:8000 --clients var/clients.json FLOW [--answer TEXT ...]

Steps: token (tasks-api credentials from clients.json), create the task (multipart upload), poll
GET /api/v1/tasks/{id}, answer each WAITING_FOR_INPUT over REST (the given answers in order, then
"exit"), then download the task's zip and print the conversation from its transcript, the results
and the final status. Exit code 0 when the task COMPLETED, 1 otherwise. Needs only httpx (the
runner virtualenv has it).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import httpx

FINAL = {"COMPLETED", "FAILED", "CANCELLED"}


def tasks_credentials(path: Path) -> tuple[str, str]:
    """clients.json holds one entry per audience; the tasks-api one runs flows."""
    data = json.loads(path.read_text())
    entries = data if isinstance(data, list) else data.get("clients", data)
    if isinstance(entries, dict):
        entries = list(entries.values())
    for entry in entries:
        if isinstance(entry, dict) and entry.get("audience") == "tasks-api":
            return entry["client_id"], entry["client_secret"]
    raise SystemExit(f"no tasks-api client in {path}")


def say(text: str) -> None:
    print(text, flush=True)


def conversation(transcript: str) -> list[str]:
    """Readable lines from transcript.jsonl: chat messages, prompts and answers."""
    lines: list[str] = []
    for raw in transcript.splitlines():
        entry = json.loads(raw)
        kind, data = entry.get("type"), entry.get("data", "")
        if kind == "input_request":
            lines.append(f"  [prompt] {data.strip()}")
        elif kind == "input_response":
            lines.append(f"  [answer] {data}")
        elif kind == "print":
            event: Any = None
            if data.startswith("{"):
                try:
                    event = json.loads(data)
                except ValueError:
                    event = None
            if isinstance(event, dict) and event.get("type") == "text":
                content = event.get("content", {})
                lines.append(f"  {content.get('sender')} -> {content.get('recipient')}: {content.get('content')}")
            elif event is None and data.strip():
                lines.append(f"  {data.strip()}")
    return lines


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("flow", type=Path)
    p.add_argument("--base-url", default="http://127.0.0.1:8000")
    p.add_argument("--clients", type=Path, default=Path("var/clients.json"))
    p.add_argument("--answer", action="append", default=[], help="answers to give, in order (then 'exit')")
    p.add_argument("--input-timeout", type=int, default=30)
    p.add_argument("--timeout", type=float, default=300, help="seconds to wait for the task to end")
    args = p.parse_args()

    client_id, secret = tasks_credentials(args.clients)
    answers = list(args.answer) or ["Hello from the demo client!"]
    with httpx.Client(base_url=args.base_url, timeout=30) as http:
        token = http.post("/auth/token", data={"client_id": client_id, "client_secret": secret})
        token.raise_for_status()
        http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        say(f"authenticated as {client_id[:8]}… (tasks-api)")

        with args.flow.open("rb") as fh:
            created = http.post("/api/v1/tasks", params={"input_timeout": args.input_timeout},
                                files={"file": (args.flow.name, fh, "application/json")})
        if created.status_code != 200:
            say(f"create failed: {created.status_code} {created.text}")
            return 1
        task = created.json()
        task_id = task["id"]
        say(f"task {task_id} created from {args.flow.name}: {task['status']}")

        seen_status, answered = None, set()
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            task = http.get(f"/api/v1/tasks/{task_id}").json()
            if task["status"] != seen_status:
                seen_status = task["status"]
                say(f"status: {seen_status}")
            request_id = task.get("input_request_id")
            if task["status"] == "WAITING_FOR_INPUT" and request_id and request_id not in answered:
                answer = answers.pop(0) if answers else "exit"
                r = http.post(f"/api/v1/tasks/{task_id}/input", json={"request_id": request_id, "data": answer})
                answered.add(request_id)
                say(f"answered input request {request_id[:8]}… with {answer!r} -> HTTP {r.status_code}")
            if task["status"] in FINAL:
                break
            time.sleep(0.5)
        else:
            say(f"task still {task['status']} after {args.timeout:.0f}s")
            return 1

        zipped = http.get(f"/api/v1/tasks/{task_id}/download")
        zipped.raise_for_status()
        with zipfile.ZipFile(io.BytesIO(zipped.content)) as z:
            names = z.namelist()
            transcript = z.read(f"{task_id}/transcript.jsonl").decode()
        say(f"\ndownload: {len(names)} files ({', '.join(n.split('/', 1)[1] for n in names[:4])}"
            f"{', …' if len(names) > 4 else ''})")
        say("\nconversation:")
        for line in conversation(transcript):
            say(line)
        say(f"\nresults: {json.dumps(task.get('results'))[:600]}")
        say(f"final status: {task['status']}" + (f" ({task['status_reason']})" if task.get("status_reason") else ""))
        return 0 if task["status"] == "COMPLETED" else 1


if __name__ == "__main__":
    sys.exit(main())
