"""Shared pieces: target description, auth, statistics, process memory, SQL seeding."""
from __future__ import annotations

import asyncio
import json
import os
import re
import resource
import shlex
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
BENCH_DIR = HERE.parent
FLOWS_DIR = BENCH_DIR / "flows"
SQL_DIR = BENCH_DIR / "sql"
TERMINAL = {"COMPLETED", "FAILED", "CANCELLED"}


def now_us() -> int:
    return time.time_ns() // 1000


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def raise_nofile(want: int = 65536) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(want, hard) if hard != resource.RLIM_INFINITY else want
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# --------------------------------------------------------------------------- statistics
def pct(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return None
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


def median(values: list[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return statistics.median(vals) if vals else None


def summarize(values: list[float]) -> dict[str, Any]:
    return {
        "n": len(values),
        "p50": pct(values, 50),
        "p90": pct(values, 90),
        "p99": pct(values, 99),
        "max": max(values) if values else None,
        "mean": (sum(values) / len(values)) if values else None,
    }


# --------------------------------------------------------------------------- target
@dataclass
class Target:
    label: str
    base_url: str
    client_id: str
    client_secret: str
    psql: list[str] = field(default_factory=list)   # psql command line reaching the server's DB
    sql_dir: Path | None = None                     # sql/<schema>/ with seed_tasks.sql, cleanup.sql
    redis_url: str | None = None                    # the server's Redis (stream injection)
    pids: list[int] = field(default_factory=list)   # API server process(es) for memory
    kind: str = "python"                            # python | java
    skip_deps: bool = False                         # send skip_deps=true on create

    @property
    def ws_base(self) -> str:
        return self.base_url.replace("https://", "wss://").replace("http://", "ws://")

    @staticmethod
    def from_args(args) -> "Target":
        cid, secret = args.client_id, args.client_secret
        if args.clients_json and not (cid and secret):
            clients = json.loads(Path(args.clients_json).read_text())
            tasks = [c for c in clients if c.get("audience") == "tasks-api"]
            if not tasks:
                raise SystemExit(f"no tasks-api client in {args.clients_json}")
            cid, secret = tasks[-1]["client_id"], tasks[-1]["client_secret"]
        if not (cid and secret):
            raise SystemExit("need --clients-json or --client-id/--client-secret")
        pids = [int(p) for p in (args.pid or "").split(",") if p.strip()]
        return Target(
            label=args.label, base_url=args.base_url.rstrip("/"), client_id=cid,
            client_secret=secret, psql=shlex.split(args.psql) if args.psql else [],
            sql_dir=(SQL_DIR / args.schema) if args.schema else None,
            redis_url=args.redis_url, pids=pids, kind=args.kind, skip_deps=args.skip_deps,
        )


_FLOW_CACHE: dict[Path, dict] = {}


def unique_flow_bytes(flow: Path) -> bytes:
    """The flow with a fresh nonce in its description.

    Servers reject a second active task with the same flow_id (md5 of the file); the original
    0.7.1 has no `force` field to override that, so every upload is made distinct. The nonce does
    not change what the flow does."""
    base = _FLOW_CACHE.get(flow)
    if base is None:
        base = _FLOW_CACHE[flow] = json.loads(flow.read_text(encoding="utf-8"))
    doc = dict(base)
    doc["description"] = f"{base.get('description', '')} [run {os.urandom(8).hex()}]"
    return json.dumps(doc).encode("utf-8")


class Api:
    """Minimal client of the original's REST API (tasks-api audience)."""

    def __init__(self, target: Target, *, max_connections: int = 64):
        self.t = target
        limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
        self.http = httpx.AsyncClient(base_url=target.base_url, timeout=60.0, limits=limits)
        self.token: str | None = None
        self.token_at = 0.0

    async def __aenter__(self) -> "Api":
        await self.auth()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.http.aclose()

    async def auth(self) -> str:
        r = await self.http.post("/auth/token", data={"client_id": self.t.client_id,
                                                      "client_secret": self.t.client_secret})
        r.raise_for_status()
        self.token = r.json()["access_token"]
        self.token_at = time.monotonic()
        return self.token

    async def headers(self) -> dict[str, str]:
        if self.token is None or time.monotonic() - self.token_at > 1800:
            await self.auth()
        return {"Authorization": f"Bearer {self.token}"}

    async def bearer_token(self) -> str:
        """The current access token (WebSocket and SSE handshakes carry it themselves)."""
        await self.headers()
        assert self.token is not None
        return self.token

    async def create_task(self, flow: Path, *, input_timeout: int | None = None) -> dict[str, Any]:
        data = {"force": "true"}
        if self.t.skip_deps:
            data["skip_deps"] = "true"
        if input_timeout is not None:
            data["input_timeout"] = str(input_timeout)
        files = {"file": (flow.name, unique_flow_bytes(flow), "application/octet-stream")}
        r = await self.http.post("/api/v1/tasks", data=data, files=files, headers=await self.headers())
        if r.status_code >= 400:
            raise RuntimeError(f"create task: HTTP {r.status_code}: {r.text[:300]}")
        return r.json()

    async def get_task(self, task_id: str) -> dict[str, Any]:
        r = await self.http.get(f"/api/v1/tasks/{task_id}", headers=await self.headers())
        r.raise_for_status()
        return r.json()

    async def cancel(self, task_id: str) -> None:
        try:
            await self.http.post(f"/api/v1/tasks/{task_id}/cancel", headers=await self.headers())
        except httpx.HTTPError:
            pass

    async def wait_terminal(self, task_id: str, timeout: float) -> tuple[str, float]:
        """Poll until the task is terminal; returns (status, seconds waited)."""
        t0 = time.monotonic()
        status = "?"
        while time.monotonic() - t0 < timeout:
            status = (await self.get_task(task_id))["status"]
            if status in TERMINAL:
                break
            await asyncio.sleep(0.2)
        return status, time.monotonic() - t0


# --------------------------------------------------------------------------- memory
def rss_bytes(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def java_heap_used_after_gc(pid: int) -> int | None:
    """Heap in use after a full GC (jcmd GC.run + GC.heap_info), bytes."""
    try:
        subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, timeout=60, check=False)
        out = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True,
                             timeout=60, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    # G1: " garbage-first heap   total 262144K, used 51234K [...]"
    m = re.search(r"heap\s+total\s+\d+K,\s+used\s+(\d+)K", out)
    if m:
        return int(m.group(1)) * 1024
    used = [int(x) for x in re.findall(r"used\s+(\d+)K", out)]
    return sum(used) * 1024 if used else None


def memory_snapshot(target: Target) -> dict[str, Any]:
    snap: dict[str, Any] = {"rss_bytes": None, "heap_used_bytes": None}
    if target.pids:
        rss = [rss_bytes(p) for p in target.pids]
        snap["rss_bytes"] = sum(r for r in rss if r) or None
        if target.kind == "java":
            snap["heap_used_bytes"] = java_heap_used_after_gc(target.pids[0])
    return snap


# --------------------------------------------------------------------------- SQL
class Sql:
    """Seeds task rows straight into the server's PostgreSQL through psql."""

    def __init__(self, target: Target):
        self.t = target

    @property
    def available(self) -> bool:
        return bool(self.t.psql) and self.t.sql_dir is not None and (self.t.sql_dir / "seed_tasks.sql").exists()

    def why_not(self) -> str:
        if not self.t.psql:
            return "no --psql given (the server's database is not reachable)"
        if self.t.sql_dir is None:
            return "no --schema given"
        return f"no {self.t.sql_dir / 'seed_tasks.sql'}"

    def run(self, script: str, **vars: Any) -> str:
        cmd = list(self.t.psql) + ["-v", "ON_ERROR_STOP=1", "-qAt"]
        for k, v in vars.items():
            cmd += ["-v", f"{k}={v}"]
        cmd += ["-f", str(self.t.sql_dir / script)]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            raise RuntimeError(f"psql {script}: {r.stderr.strip()[:500]}")
        return r.stdout

    def seed(self, *, owner: str, n: int, status: str, tag: str) -> list[str]:
        """Insert n tasks owned by `owner` (internal client id); returns their ids."""
        out = self.run("seed_tasks.sql", owner=owner, n=n, status=status, tag=tag)
        return [line.strip() for line in out.splitlines() if re.fullmatch(r"[0-9a-f]{32}", line.strip())]

    def cleanup(self, tag: str) -> None:
        self.run("cleanup.sql", tag=tag)


def cpu_seconds(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            parts = f.read().rsplit(")", 1)[1].split()
        return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def cpu_total(pids: list[int]) -> float | None:
    """CPU seconds used so far by these processes together (those that exited are skipped), or None."""
    vals = [c for c in (cpu_seconds(p) for p in pids) if c is not None]
    return sum(vals) if vals else None


def with_children(pids: list[int]) -> list[int]:
    """The processes and their descendants (a server's runners, standbys, embedded databases)."""
    parent: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parent[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, todo = set(pids), list(pids)
    while todo:
        p = todo.pop()
        for child, ppid in parent.items():
            if ppid == p and child not in found:
                found.add(child)
                todo.append(child)
    return sorted(found)


async def wait_idle(target: Target, *, below: float = 0.15, max_s: float = 30.0) -> float:
    """Wait until the server and the processes it started use less than `below` of a core over 1 s
    (bounded): work left over from one benchmark (a run finishing, a standby runner importing) must
    not land in the next one's numbers."""
    if not target.pids:
        return 0.0
    t0 = time.monotonic()
    while time.monotonic() - t0 < max_s:
        procs = with_children(target.pids)
        a = cpu_total(procs) or 0.0
        await asyncio.sleep(1.0)
        b = cpu_total(procs) or 0.0
        if b - a < below:
            break
    return time.monotonic() - t0


def env_info() -> dict[str, Any]:
    info: dict[str, Any] = {"cpus": os.cpu_count()}
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"model name\s*:\s*(.+)", f.read())
            info["cpu_model"] = m.group(1).strip() if m else None
        with open("/proc/meminfo") as f:
            info["mem_total_kb"] = int(f.readline().split()[1])
        info["loadavg"] = os.getloadavg()
    except OSError:
        pass
    return info
