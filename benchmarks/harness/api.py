"""(3) API throughput: task listing and creation requests/s at a fixed concurrency, and list
latency with 100,000 task rows seeded straight into the server's PostgreSQL."""
from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any, Awaitable, Callable

from .common import Api, Sql, Target, log, summarize, unique_flow_bytes


async def closed_loop(fn: Callable[[], Awaitable[int]], *, concurrency: int, requests: int,
                      max_seconds: float) -> dict[str, Any]:
    """`concurrency` workers issue `requests` calls in total (or stop after max_seconds)."""
    lat: list[float] = []
    errors: dict[str, int] = {}
    issued = 0
    t_end = time.perf_counter() + max_seconds

    async def worker() -> None:
        nonlocal issued
        while issued < requests and time.perf_counter() < t_end:
            issued += 1
            t = time.perf_counter()
            try:
                code = await fn()
                if code >= 400:
                    errors[str(code)] = errors.get(str(code), 0) + 1
                    continue
            except Exception as e:
                errors[type(e).__name__] = errors.get(type(e).__name__, 0) + 1
                continue
            lat.append((time.perf_counter() - t) * 1000.0)

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    dt = time.perf_counter() - t0
    return {"concurrency": concurrency, "ok": len(lat), "errors": errors, "seconds": dt,
            "req_per_s": len(lat) / dt if dt else None, "latency_ms": summarize(lat)}


async def list_bench(api: Api, *, concurrency: int, requests: int, params: dict[str, Any],
                     max_seconds: float = 60) -> dict[str, Any]:
    headers = await api.headers()

    async def call() -> int:
        r = await api.http.get("/api/v1/tasks", params=params, headers=headers)
        return r.status_code

    for _ in range(min(20, requests)):  # warm-up
        await call()
    return await closed_loop(call, concurrency=concurrency, requests=requests, max_seconds=max_seconds)


async def run_list(target: Target, *, concurrency: int, requests: int, rows: int,
                   owner: str | None, sql: Sql) -> dict[str, Any]:
    out: dict[str, Any] = {}
    async with Api(target, max_connections=max(concurrency, 8)) as api:
        page1 = {"page": 1, "size": 50}
        out["list_small"] = await list_bench(api, concurrency=concurrency, requests=requests, params=page1)
        log(f"api: list (own tasks as they are) {out['list_small']['req_per_s']:.1f} req/s")
        if not (sql.available and owner):
            out["list_100k"] = {"skipped": sql.why_not() if not sql.available else "no owner id"}
            return out
        tag = f"rows{int(time.time())}"
        t = time.perf_counter()
        sql.seed(owner=owner, n=rows, status="COMPLETED", tag=tag)
        out["seed_seconds"] = time.perf_counter() - t
        log(f"api: seeded {rows} rows in {out['seed_seconds']:.1f} s")
        try:
            variants = {
                "page1": page1,
                "last_page_desc": {"page": 1, "size": 50, "order_type": "desc"},
                "deep_page": {"page": rows // 100, "size": 50},
                "search": {"page": 1, "size": 50, "search": "seed-4242"},
            }
            res = {}
            for name, params in variants.items():
                # latency at concurrency 1, then throughput at the fixed concurrency
                single = await list_bench(api, concurrency=1, requests=max(20, requests // 20), params=params)
                conc = await list_bench(api, concurrency=concurrency, requests=requests // 2, params=params)
                res[name] = {"params": params, "latency_c1": single, "throughput": conc}
                log(f"api: {rows} rows, {name}: p50 {single['latency_ms']['p50']:.1f} ms (c=1), "
                    f"{conc['req_per_s']:.1f} req/s (c={concurrency})")
            out["list_100k"] = {"rows": rows, **res}
        finally:
            sql.cleanup(tag)
    return out


async def run_create(target: Target, *, flow: Path, concurrency: int, requests: int) -> dict[str, Any]:
    created: list[str] = []
    async with Api(target, max_connections=max(concurrency, 8)) as api:
        headers = await api.headers()
        data = {"force": "true"}
        if target.skip_deps:
            data["skip_deps"] = "true"

        async def call() -> int:
            r = await api.http.post("/api/v1/tasks", data=data,
                                    files={"file": (flow.name, unique_flow_bytes(flow), "application/octet-stream")},
                                    headers=headers)
            if r.status_code < 400:
                created.append(r.json()["id"])
            return r.status_code

        res = await closed_loop(call, concurrency=concurrency, requests=requests, max_seconds=120)
        log(f"api: create {res['req_per_s']:.1f} req/s, errors {res['errors']}")
        # these runs are not part of the measurement: cancel them
        for i in range(0, len(created), 16):
            await asyncio.gather(*(api.cancel(t) for t in created[i:i + 16]))
    res["flow"] = flow.name
    return res
