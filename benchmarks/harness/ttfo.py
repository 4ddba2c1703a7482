"""(1) Time to first output: POST a flow, open WS /ws/{id}, time until the first non-status frame."""
from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

from websockets.asyncio.client import connect

from .common import Api, Target, log, median, summarize, wait_idle


async def ws_connect(target: Target, token: str, task_id: str, *, open_timeout: float = 30.0):
    return await connect(
        f"{target.ws_base}/ws/{task_id}",
        additional_headers={"Authorization": f"Bearer {token}"},
        open_timeout=open_timeout, ping_interval=None, close_timeout=2, max_size=2**24,
        max_queue=None,
    )


async def one_task(api: Api, flow: Path, timeout: float) -> dict[str, Any]:
    t0 = time.perf_counter()
    task = await api.create_task(flow)
    t_created = time.perf_counter()
    token = await api.bearer_token()
    first: float | None = None
    first_type = None
    ws = await ws_connect(api.t, token, task["id"])
    t_ws = time.perf_counter()
    try:
        deadline = t0 + timeout
        while time.perf_counter() < deadline:
            try:
                raw = await asyncio.wait_for(ws.recv(), timeout=max(0.1, deadline - time.perf_counter()))
            except asyncio.TimeoutError:
                break
            msg = json.loads(raw)
            if msg.get("type") != "status":
                first = time.perf_counter()
                first_type = msg.get("type")
                break
    finally:
        await ws.close()
    status, waited = await api.wait_terminal(task["id"], timeout=max(5.0, timeout - (time.perf_counter() - t0)))
    t_done = time.perf_counter()
    if status not in ("COMPLETED", "FAILED", "CANCELLED"):
        await api.cancel(task["id"])
    return {
        "task_id": task["id"],
        "create_s": t_created - t0,
        "ws_open_s": t_ws - t_created,
        "first_output_s": (first - t0) if first else None,
        "first_type": first_type,
        "completion_s": t_done - t0 if status in ("COMPLETED", "FAILED") else None,
        "final_status": status,
    }


async def run(target: Target, *, flow: Path, warm: int, timeout: float, settle: bool = False) -> dict[str, Any]:
    async with Api(target) as api:
        log(f"ttfo: cold task ({flow.name}, skip_deps={target.skip_deps})")
        cold = await one_task(api, flow, timeout)
        log(f"ttfo: cold first output {cold['first_output_s']} s, status {cold['final_status']}")
        warm_runs = []
        for i in range(warm):
            if settle:
                await wait_idle(target)
            r = await one_task(api, flow, timeout)
            log(f"ttfo: warm {i + 1}/{warm}: first output {r['first_output_s']} s, "
                f"done {r['completion_s']} s, {r['final_status']}")
            warm_runs.append(r)
    firsts = [r["first_output_s"] for r in warm_runs if r["first_output_s"] is not None]
    return {
        "flow": flow.name,
        "settle": settle,
        "skip_deps": target.skip_deps,
        "cold": cold,
        "warm": warm_runs,
        "cold_first_output_s": cold["first_output_s"],
        "warm_first_output_s": summarize(firsts),
        "warm_first_output_median_s": median(firsts),
        "warm_completion_median_s": median([r["completion_s"] for r in warm_runs]),
        "failures": sum(1 for r in [cold] + warm_runs if r["first_output_s"] is None),
    }


async def run_interleaved(target: Target, *, flows: list[Path], rounds: int, timeout: float,
                          settle: bool = True) -> dict[str, Any]:
    """Time to first output of several flows, one task of each in turn per round (so that the
    machine's drift lands on all of them alike), after a warm-up task of each; per flow the same
    figures as ``run``'s warm part."""
    async with Api(target) as api:
        for flow in flows:
            log(f"ttfo: warm-up task ({flow.name})")
            await one_task(api, flow, timeout)  # a first use (a build) is not what is compared
        runs: dict[str, list[dict[str, Any]]] = {f.name: [] for f in flows}
        for i in range(rounds):
            for flow in flows:
                if settle:
                    await wait_idle(target)
                r = await one_task(api, flow, timeout)
                runs[flow.name].append(r)
                log(f"ttfo: round {i + 1}/{rounds} {flow.name}: first output {r['first_output_s']} s")
    out: dict[str, Any] = {"interleaved": True, "settle": settle, "rounds": rounds, "flows": {}}
    for name, rs in runs.items():
        firsts = [r["first_output_s"] for r in rs if r["first_output_s"] is not None]
        out["flows"][name] = {
            "warm": rs,
            "warm_first_output_s": summarize(firsts),
            "warm_first_output_median_s": median(firsts),
            "warm_completion_median_s": median([r["completion_s"] for r in rs]),
            "failures": sum(1 for r in rs if r["first_output_s"] is None),
        }
    return out
