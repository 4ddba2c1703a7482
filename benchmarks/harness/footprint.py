"""(4) Connection footprint: server memory with K idle WebSocket (or SSE) subscribers.

Active tasks to subscribe to are seeded as PENDING rows through SQL (a WebSocket is refused for
inactive tasks), `per_task` subscribers each. The original refuses a 6th connection per task and a
51st task per process; refused handshakes are counted, and memory is read with what was accepted.
Memory: RSS of the server process(es) (/proc) and, for a JVM, heap used after a full GC (jcmd).
SSE (`GET /api/v1/tasks/{id}/stream`, this project only; the original has no SSE endpoint) is opened
with plain asyncio sockets: an HTTP/1.1 request, then the response head and first event are read
and the connection is left open.
"""
from __future__ import annotations

import asyncio
import math
import time
from typing import Any
from urllib.parse import urlparse

from .common import Api, Sql, Target, log, memory_snapshot, raise_nofile
from .ttfo import ws_connect


class _SseConn:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, writer

    @property
    def is_open(self) -> bool:
        return not self.writer.is_closing() and not self.reader.at_eof()

    async def close(self) -> None:
        self.writer.close()
        try:
            await self.writer.wait_closed()
        except Exception:
            pass


class HttpRefused(Exception):
    def __init__(self, status: int):
        super().__init__(f"HTTP {status}")
        self.status_code = status


async def sse_connect(target: Target, token: str, task_id: str, *, open_timeout: float = 60.0) -> _SseConn:
    u = urlparse(target.base_url)
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection(u.hostname or "127.0.0.1", u.port or 80), open_timeout)
    writer.write((f"GET /api/v1/tasks/{task_id}/stream HTTP/1.1\r\nHost: {u.netloc}\r\n"
                  f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n").encode())
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), open_timeout)
    status = int(head.split(b" ", 2)[1])
    if status != 200:
        writer.close()
        raise HttpRefused(status)
    await asyncio.wait_for(reader.readuntil(b"\n\n"), open_timeout)  # the status event
    return _SseConn(reader, writer)


async def run(target: Target, *, count: int, per_task: int, owner: str | None, sql: Sql,
              settle: float = 3.0, give_up: int = 300, transport: str = "ws") -> dict[str, Any]:
    if not (sql.available and owner):
        return {"skipped": f"needs active tasks made through SQL: {sql.why_not()}"}
    if not target.pids:
        return {"skipped": "no --pid of the server process"}
    limit = raise_nofile(count + 1024)
    if limit < count + 100:
        return {"skipped": f"open-files limit {limit} too low for {count} sockets"}
    n_tasks = math.ceil(count / per_task)
    tag = f"fp{count}x{int(time.time())}"
    ids = sql.seed(owner=owner, n=n_tasks, status="PENDING", tag=tag)
    conns: list[Any] = []
    refused: dict[str, int] = {}
    try:
        async with Api(target) as api:
            token = await api.bearer_token()
            await asyncio.sleep(1.0)
            before = memory_snapshot(target)
            sem = asyncio.Semaphore(100)
            t0 = time.perf_counter()
            streak = 0  # consecutive refusals: past give_up the server is at its cap, stop asking

            async def one(tid: str) -> None:
                nonlocal streak
                async with sem:
                    if streak >= give_up:
                        refused["not attempted (server at its cap)"] = refused.get("not attempted (server at its cap)", 0) + 1
                        return
                    try:
                        connect = ws_connect if transport == "ws" else sse_connect
                        conns.append(await connect(target, token, tid, open_timeout=60))
                        streak = 0
                    except Exception as e:
                        streak += 1
                        key = type(e).__name__
                        code = getattr(getattr(e, "response", None), "status_code", None)
                        if code:
                            key += f" {code}"
                        refused[key] = refused.get(key, 0) + 1

            await asyncio.gather(*(one(tid) for tid in ids for _ in range(per_task)))
            connect_s = time.perf_counter() - t0
            log(f"footprint ({transport}): {len(conns)} of {n_tasks * per_task} subscribers open in {connect_s:.1f} s "
                f"(refused {refused})")
            await asyncio.sleep(settle)
            after = memory_snapshot(target)
            # the connections are still alive?
            alive = sum(1 for c in conns if (c.state.name == "OPEN" if transport == "ws" else c.is_open))
    finally:
        await asyncio.gather(*(c.close() for c in conns), return_exceptions=True)
        try:
            sql.cleanup(tag)
        except Exception as e:
            log(f"footprint: cleanup failed: {e}")

    def delta(key: str) -> int | None:
        if before.get(key) is None or after.get(key) is None:
            return None
        return after[key] - before[key]

    accepted = len(conns)
    res = {
        "transport": transport, "requested": n_tasks * per_task, "tasks": n_tasks, "per_task": per_task,
        "accepted": accepted, "alive_after_settle": alive, "refused": refused,
        "connect_seconds": connect_s,
        "before": before, "after": after,
        "rss_delta_bytes": delta("rss_bytes"), "heap_delta_bytes": delta("heap_used_bytes"),
    }
    if accepted:
        for k in ("rss_delta_bytes", "heap_delta_bytes"):
            if res[k] is not None:
                res[k.replace("_bytes", "_per_conn_bytes")] = res[k] / accepted
    return res
