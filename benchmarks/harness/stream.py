"""(2) Streaming throughput and end-to-end latency over WebSocket.

Two sources of output entries, both read by N tasks x M WebSocket subscribers:
  flow    real runs of flows/chatty.waldiez (the runner writes task:<id>:output);
  inject  the harness XADDs entries with the protocol's fields straight into the server's Redis
          (task:<id>:output of active tasks) at a fixed rate: isolates the server's fan-out path
          from the speed of the Python runner, and gives latency at a known rate.
Latency = receipt time - entry `timestamp` (µs, same machine clock). Entries written before a
subscriber's handshake completed (history replay) count for throughput, not for latency.
Frames are de-duplicated per subscriber on the stream id (the original sends each live entry once
per open connection of the task, to every connection: duplicates are counted separately).
"""
from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

from .common import Api, Sql, Target, cpu_total, log, now_us, summarize
from .jvmclient import JvmSubscribers
from .ttfo import ws_connect


class Subscriber:
    def __init__(self, task_id: str):
        self.task_id = task_id
        self.t_conn_us = 0
        self.seen: set[str] = set()
        self.latencies_ms: list[float] = []
        self.frames = 0
        self.dups = 0
        self.first_rx_us: int | None = None
        self.last_rx_us: int | None = None
        self.error: str | None = None
        self.ws = None

    async def open(self, target: Target, token: str) -> None:
        self.ws = await ws_connect(target, token, self.task_id)
        self.t_conn_us = now_us()

    async def consume(self) -> None:
        """Reads frames until the server closes the socket or the task is cancelled (see _stop).

        No per-frame timeout: asyncio.wait_for would create a task per frame and make the harness,
        not the server, the bottleneck at a few thousand frames per second.
        """
        ws = self.ws
        try:
            async for raw in ws:
                rx = now_us()
                self.frames += 1
                try:
                    msg = json.loads(raw)
                except ValueError:
                    continue
                if msg.get("type") == "status" or "error" in msg and "type" not in msg:
                    continue
                eid = msg.get("id") or f"{msg.get('timestamp')}:{msg.get('request_id')}"
                if eid in self.seen:
                    self.dups += 1
                    continue
                self.seen.add(eid)
                if self.first_rx_us is None:
                    self.first_rx_us = rx
                self.last_rx_us = rx
                try:
                    ts = int(msg.get("timestamp"))
                except (TypeError, ValueError):
                    continue
                if ts >= self.t_conn_us:
                    self.latencies_ms.append((rx - ts) / 1000.0)
            if ws.close_code not in (None, 1000, 1001):
                self.error = f"closed {ws.close_code} {ws.close_reason}"
        except asyncio.CancelledError:
            pass
        except Exception as e:  # connection closed by the server with an error, etc.
            self.error = f"{type(e).__name__}: {e}"
        finally:
            try:
                await ws.close()
            except Exception:
                pass


async def _stop(consumers: list[asyncio.Task[None]]) -> None:
    for c in consumers:
        c.cancel()
    await asyncio.gather(*consumers, return_exceptions=True)


def _aggregate(subs: list[Subscriber], extra: dict[str, Any]) -> dict[str, Any]:
    deliveries = sum(len(s.seen) for s in subs)
    firsts = [s.first_rx_us for s in subs if s.first_rx_us]
    lasts = [s.last_rx_us for s in subs if s.last_rx_us]
    window_s = (max(lasts) - min(firsts)) / 1e6 if firsts and lasts else None
    lat = [x for s in subs for x in s.latencies_ms]
    out = {
        "subscribers": len(subs),
        "deliveries": deliveries,
        "frames": sum(s.frames for s in subs),
        "duplicates": sum(s.dups for s in subs),
        "window_s": window_s,
        "msgs_per_s": (deliveries / window_s) if window_s else None,
        "latency_ms": summarize(lat),
        "subscriber_errors": sorted({s.error for s in subs if s.error})[:5],
    }
    out.update(extra)
    return out


async def _open_subs(api: Api, task_ids: list[str], m: int) -> list[Subscriber]:
    token = await api.bearer_token()
    subs = [Subscriber(t) for t in task_ids for _ in range(m)]
    res = await asyncio.gather(*(s.open(api.t, token) for s in subs), return_exceptions=True)
    ok = []
    for s, r in zip(subs, res):
        if isinstance(r, Exception):
            s.error = f"connect: {type(r).__name__}: {r}"
        else:
            ok.append(s)
    if len(ok) < len(subs):
        log(f"stream: {len(subs) - len(ok)} of {len(subs)} subscribers were refused "
            f"({next(s.error for s in subs if s.error)})")
    return ok


class PySubscribers:
    """M subscribers per task in this Python process (the harness's first client); the same
    interface as jvmclient.JvmSubscribers."""

    def __init__(self, api: Api, m: int):
        self.api, self.m = api, m
        self.subs: list[Subscriber] = []
        self.consumers: list[asyncio.Task[None]] = []
        self.ids: list[str] = []

    async def start(self) -> None:
        pass

    async def subscribe(self, ids: list[str]) -> None:
        self.ids = ids
        self.subs = await _open_subs(self.api, ids, self.m)
        self.consumers = [asyncio.create_task(s.consume()) for s in self.subs]

    def slowest(self, i: int) -> int:
        return min((len(s.seen) for s in self.subs if s.task_id == self.ids[i]), default=0)

    def settled(self) -> int:
        return sum(self.slowest(i) for i in range(len(self.ids)))

    async def stop(self) -> dict[str, Any]:
        await _stop(self.consumers)
        out = _aggregate(self.subs, {})
        out["per_task_max"] = [max((len(s.seen) for s in self.subs if s.task_id == t), default=0) for t in self.ids]
        return out

    async def close(self) -> None:
        await _stop(self.consumers)


async def _subscribers(api: Api, client: str, m: int):
    if client == "jvm":
        token = await api.bearer_token()
        c = JvmSubscribers(api.t, token, m)
    else:
        c = PySubscribers(api, m)
    await c.start()
    return c


# --------------------------------------------------------------------------- flow-driven
async def run_flow(target: Target, *, flow: Path, n: int, m: int, timeout: float,
                   client: str = "python") -> dict[str, Any]:
    async with Api(target) as api:
        subs = await _subscribers(api, client, m)  # started first: a JVM takes a second to start
        statuses: dict[str, str] = {}
        try:
            tasks = await asyncio.gather(*(api.create_task(flow) for _ in range(n)))
            ids = [t["id"] for t in tasks]
            await subs.subscribe(ids)
            t0 = time.monotonic()
            for tid in ids:
                status, _ = await api.wait_terminal(tid, timeout=max(1.0, timeout - (time.monotonic() - t0)))
                statuses[tid] = status
            # the original never closes the stream; wait until deliveries stop growing
            last, quiet_since = -1, time.monotonic()
            while time.monotonic() - quiet_since < 2.0 and time.monotonic() - t0 < timeout + 10:
                cur = subs.settled()
                if cur != last:
                    last, quiet_since = cur, time.monotonic()
                await asyncio.sleep(0.25)
            res = await subs.stop()
        finally:
            await subs.close()
        for tid, st in statuses.items():
            if st not in ("COMPLETED", "FAILED", "CANCELLED"):
                await api.cancel(tid)
    per_task = dict(zip(ids, res.pop("per_task_max")))
    res.update({"source": "flow", "flow": flow.name, "n_tasks": n, "m_subscribers": m, "client": client,
                "entries_per_task": per_task, "final_status": statuses})
    return res


# --------------------------------------------------------------------------- injected
async def run_inject(target: Target, *, n: int, m: int, rate: float, seconds: float,
                     owner: str | None, sql: Sql, client: str = "python") -> dict[str, Any]:
    """rate: total entries per second over all tasks (0 = flat out, closed loop: see below)."""
    import redis.asyncio as aioredis

    if not target.redis_url:
        return {"skipped": "no --redis-url for the server's Redis"}
    tag = f"inj{int(time.time())}"
    async with Api(target) as api:
        if sql.available and owner:
            ids = sql.seed(owner=owner, n=n, status="PENDING", tag=tag)
        else:
            return {"skipped": f"needs active tasks made through SQL: {sql.why_not()}"}
        subs = await _subscribers(api, client, m)
        r = aioredis.from_url(target.redis_url)
        sent = 0
        cpu_after: float | None = None
        try:
            await subs.subscribe(ids)
            await asyncio.sleep(1.0)  # handshake + (empty) history replay done
            cpu_before = cpu_total(target.pids)
            t_start = time.monotonic()
            tick = 0.005
            payload = json.dumps({"type": "text", "content": {"content": "x" * 64, "sender": "a",
                                                               "recipient": "b"}})
            # Flat out (rate 0) is a closed loop: each task's producer stays at most `window` entries
            # ahead of the slowest subscriber of that task, so the figure is the throughput the whole
            # path sustains, not how fast a server drops or disconnects clients it cannot keep up with.
            window = 250
            sent_per = [0] * len(ids)
            while time.monotonic() - t_start < seconds:
                if rate > 0:
                    due = min(int(rate * (time.monotonic() - t_start)) - sent, 2000)
                    batch = [(sent + i) % len(ids) for i in range(max(0, due))]
                else:
                    batch = []
                    for i in range(len(ids)):
                        batch += [i] * max(0, window - (sent_per[i] - subs.slowest(i)))
                if not batch:
                    await asyncio.sleep(tick if rate > 0 else 0.001)
                    continue
                pipe = r.pipeline(transaction=False)
                ts = str(now_us())
                for i in batch:
                    tid = ids[i]
                    pipe.xadd(f"task:{tid}:output",
                              {"type": "print", "data": payload, "task_id": tid, "timestamp": ts},
                              maxlen=10000, approximate=True)
                    sent_per[i] += 1
                await pipe.execute()
                sent += len(batch)
                if rate <= 0:
                    await asyncio.sleep(0)
            send_s = time.monotonic() - t_start
            expected = sent * m
            deadline = time.monotonic() + 5.0
            while time.monotonic() < deadline and subs.settled() < sent:
                await asyncio.sleep(0.05)
            cpu_after = cpu_total(target.pids)
            res = await subs.stop()
        finally:
            await subs.close()
            for tid in ids:
                await r.delete(f"task:{tid}:output")
            await r.aclose()
            try:
                sql.cleanup(tag)
            except Exception as e:
                log(f"stream: cleanup failed: {e}")
    res.pop("per_task_max", None)
    res.update({"source": "inject", "n_tasks": n, "m_subscribers": m, "client": client,
                "target_rate": rate, "sent": sent, "send_s": send_s,
                "offered_per_s": sent / send_s if send_s else None})
    res["expected_deliveries"] = expected
    # Server CPU (API process only: Redis and the harness excluded) per 1,000 deliveries.
    if cpu_before is not None and cpu_after is not None and res["deliveries"]:
        res["server_cpu_s"] = cpu_after - cpu_before
        res["server_cpu_ms_per_1k"] = (cpu_after - cpu_before) * 1e6 / res["deliveries"]
    res["delivery_ratio"] = res["deliveries"] / expected if sent else None
    return res
