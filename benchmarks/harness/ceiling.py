"""(5) The ceiling: raw Redis stream throughput and latency on the same machine.

  redis-benchmark (C client): XADD of an output-sized entry, and XREAD of 100 entries, ops/s and
                              latency percentiles at 50 connections;
  passthrough (Python, redis-py): one producer XADDs, one consumer XREAD BLOCKs the same stream,
                              entries/s delivered and latency from the entry's µs timestamp to
                              receipt, flat out and at fixed rates. This is the whole path a
                              streaming server adds a WebSocket hop to, minus the server.
"""
from __future__ import annotations

import asyncio
import csv
import io
import json
import shutil
import subprocess
import time
from typing import Any
from urllib.parse import urlparse

from .common import log, now_us, summarize

ENTRY_DATA = json.dumps({"type": "text", "content": {"content": "x" * 64, "sender": "a", "recipient": "b"}})


def redis_benchmark(url: str, *, requests: int = 100000, clients: int = 50) -> dict[str, Any]:
    exe = shutil.which("redis-benchmark")
    if not exe:
        return {"skipped": "redis-benchmark not installed"}
    u = urlparse(url)
    base = [exe, "-h", u.hostname or "127.0.0.1", "-p", str(u.port or 6379), "-c", str(clients),
            "--csv"]
    key = f"bench:ceil:{int(time.time())}"
    cmds = {
        "xadd": ["-n", str(requests), "XADD", key, "MAXLEN", "~", "100000", "*", "type", "print",
                 "data", "y" * len(ENTRY_DATA), "task_id", "x", "timestamp", "1"],
        "xread100": ["-n", str(max(1000, requests // 10)), "XREAD", "COUNT", "100", "STREAMS", key, "0-0"],
    }
    out: dict[str, Any] = {"clients": clients}
    for name, args in cmds.items():
        r = subprocess.run(base + args, capture_output=True, text=True, timeout=300)
        rows = list(csv.reader(io.StringIO(r.stdout)))
        if len(rows) < 2:
            out[name] = {"error": (r.stderr or r.stdout)[:300]}
            continue
        # the first column is the command line: take the numbers from the right
        hdr, val = rows[0], rows[-1]
        d = dict(zip(reversed(hdr), reversed(val)))
        out[name] = {
            "ops_per_s": float(d.get("rps", "nan")),
            "p50_ms": float(d.get("p50_latency_ms", "nan")),
            "p99_ms": float(d.get("p99_latency_ms", "nan")),
        }
    if "ops_per_s" in out.get("xread100", {}):
        out["xread100"]["entries_per_s"] = out["xread100"]["ops_per_s"] * 100
    subprocess.run([shutil.which("redis-cli") or "redis-cli", "-h", u.hostname or "127.0.0.1",
                    "-p", str(u.port or 6379), "DEL", key], capture_output=True)
    return out


async def passthrough(url: str, *, rate: float, seconds: float) -> dict[str, Any]:
    import redis.asyncio as aioredis

    key = f"bench:pass:{int(time.time() * 1000)}"
    prod = aioredis.from_url(url)
    cons = aioredis.from_url(url)
    lat: list[float] = []
    received = 0
    stop = asyncio.Event()
    first_rx = last_rx = None

    async def consumer() -> None:
        nonlocal received, first_rx, last_rx
        last_id = "$"
        while not stop.is_set() or received < sent:
            res = await cons.xread({key: last_id}, count=1000, block=200)
            if not res:
                if stop.is_set():
                    break
                continue
            rx = now_us()
            for _k, entries in res:
                for eid, fields in entries:
                    last_id = eid
                    received += 1
                    lat.append((rx - int(fields[b"timestamp"])) / 1000.0)
            first_rx = first_rx or rx
            last_rx = rx

    sent = 0
    ctask = asyncio.create_task(consumer())
    await asyncio.sleep(0.3)
    t0 = time.monotonic()
    try:
        while time.monotonic() - t0 < seconds:
            due = int(rate * (time.monotonic() - t0)) - sent if rate > 0 else 500
            if due <= 0:
                await asyncio.sleep(0.002)
                continue
            due = min(due, 1000)
            pipe = prod.pipeline(transaction=False)
            ts = str(now_us())
            for _ in range(due):
                pipe.xadd(key, {"type": "print", "data": ENTRY_DATA, "task_id": "x", "timestamp": ts},
                          maxlen=100000, approximate=True)
            await pipe.execute()
            sent += due
        send_s = time.monotonic() - t0
        stop.set()
        await asyncio.wait_for(ctask, timeout=10)
    finally:
        await prod.delete(key)
        await prod.aclose()
        await cons.aclose()
    window = (last_rx - first_rx) / 1e6 if first_rx and last_rx and last_rx > first_rx else send_s
    return {"target_rate": rate, "sent": sent, "received": received, "send_s": send_s,
            "entries_per_s": received / max(window, send_s) if received else None,
            "latency_ms": summarize(lat)}


async def run(url: str, *, seconds: float, rates: list[float]) -> dict[str, Any]:
    out: dict[str, Any] = {"redis_url": url}
    log("ceiling: redis-benchmark")
    out["redis_benchmark"] = await asyncio.to_thread(redis_benchmark, url)
    out["passthrough"] = {}
    for rate in rates:
        r = await passthrough(url, rate=rate, seconds=seconds)
        out["passthrough"]["max" if rate <= 0 else str(int(rate))] = r
        log(f"ceiling: passthrough rate={rate or 'max'}: {r['entries_per_s'] or 0:.0f} entries/s, "
            f"p50 {r['latency_ms']['p50']} ms p99 {r['latency_ms']['p99']} ms")
    return out
