"""Benchmark harness for servers speaking the original waldiez-runner API.

  python -m harness run --label NAME --base-url URL --clients-json FILE [options]  -> JSON + table
  python -m harness report RESULT.json... [--markdown docs/benchmarks.md]          -> medians, ratios
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

from . import api as api_bench
from . import ceiling, footprint, jvmclient, stream, ttfo
from .common import FLOWS_DIR, Api, Sql, Target, env_info, log, wait_idle
from .report import metrics_of, print_table, write_markdown

# list first: it creates no task, so the first task of ttfo is still the cold one
ALL = ["ceiling", "list", "ttfo", "stream", "inject", "footprint", "create"]


def floats(s: str) -> list[float]:
    return [float(x) for x in s.split(",") if x.strip()]


def ints(s: str) -> list[int]:
    return [int(x) for x in s.split(",") if x.strip()]


async def owner_id(target: Target, sql: Sql) -> str | None:
    """Internal id of the tasks-api client (TaskResponse.client_id), needed to seed rows."""
    if target.psql:
        # psql -c does not expand :'var'; pass it through stdin instead
        import subprocess
        r = subprocess.run(list(target.psql) + ["-qAt", "-v", f"cid={target.client_id}"],
                           input="SELECT id FROM clients WHERE client_id = :'cid';\n",
                           capture_output=True, text=True, timeout=60)
        if r.returncode == 0 and r.stdout.strip():
            return r.stdout.strip().splitlines()[0]
    async with Api(target) as api:
        r = await api.http.get("/api/v1/tasks", params={"size": 1}, headers=await api.headers())
        items = r.json().get("items", []) if r.status_code == 200 else []
        if items:
            return items[0]["client_id"]
        t = await api.create_task(FLOWS_DIR / "hello.waldiez")
        await api.wait_terminal(t["id"], timeout=600)
        return t["client_id"]


async def run(args) -> dict:
    target = Target.from_args(args)
    sql = Sql(target)
    benches = ALL if args.bench == "all" else [b.strip() for b in args.bench.split(",")]
    result: dict = {"label": target.label, "base_url": target.base_url, "kind": target.kind,
                    "skip_deps": target.skip_deps, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "machine": env_info(), "meta": dict(kv.split("=", 1) for kv in args.meta),
                    "params": {k: v for k, v in vars(args).items() if k not in ("client_secret",)},
                    "results": {}}
    R = result["results"]
    owner = None
    client = args.client
    if client == "auto":
        client = "python" if jvmclient.why_unavailable() else "jvm"
    result["client"] = client

    async def need_owner():
        nonlocal owner
        if owner is None:
            owner = await owner_id(target, sql)
        return owner

    for b in benches:
        idle = await wait_idle(target)
        t0 = time.monotonic()
        log(f"=== {target.label}: {b} (waited {idle:.1f} s for the server to go idle)")
        try:
            if b == "ceiling":
                if not args.ceiling_redis:
                    R[b] = {"skipped": "no --ceiling-redis"}
                else:
                    R[b] = await ceiling.run(args.ceiling_redis, seconds=args.ceiling_seconds,
                                             rates=floats(args.ceiling_rates))
                if client == "jvm":
                    R[b]["jvm_client"] = await asyncio.to_thread(jvmclient.selftest, 10, args.ceiling_seconds)
                    log(f"ceiling: jvm client selftest: {R[b]['jvm_client'].get('frames_per_s')} frames/s")
            elif b == "ttfo":
                if "," in args.ttfo_flow:
                    R[b] = await ttfo.run_interleaved(target, flows=[FLOWS_DIR / f for f in args.ttfo_flow.split(",")],
                                                      rounds=args.warm, timeout=args.task_timeout,
                                                      settle=args.ttfo_settle)
                else:
                    R[b] = await ttfo.run(target, flow=FLOWS_DIR / args.ttfo_flow, warm=args.warm,
                                          timeout=args.task_timeout, settle=args.ttfo_settle)
            elif b == "stream":
                R[b] = await stream.run_flow(target, flow=FLOWS_DIR / args.stream_flow, n=args.stream_n,
                                             m=args.stream_m, timeout=args.task_timeout, client=client)
                s = R[b]
                log(f"stream(flow): {s['deliveries']} deliveries, {s['msgs_per_s'] or 0:.0f} msg/s, "
                    f"p50 {s['latency_ms']['p50']} ms, p99 {s['latency_ms']['p99']} ms{from_redis(s)}")
            elif b == "inject":
                R[b] = {}
                o = await need_owner()
                if args.inject_warmup > 0:
                    # Steady state is what the rates below measure: a JVM compiles its hot paths in
                    # the first seconds of traffic (the cold start is what ttfo measures). Same for
                    # every target; reported on its own row.
                    r = await stream.run_inject(target, n=args.stream_n, m=args.stream_m, rate=2000,
                                                seconds=args.inject_warmup, owner=o, sql=sql, client=client)
                    R[b]["warmup"] = r
                    if "skipped" not in r:
                        log(f"inject warm-up (2000/s, {args.inject_warmup:.0f} s): p50 {r['latency_ms']['p50']} ms, "
                            f"p99 {r['latency_ms']['p99']} ms")
                for rate in floats(args.inject_rates):
                    await wait_idle(target)  # the previous rate's backlog must not leak into this one
                    key = "max" if rate <= 0 else str(int(rate))
                    r = await stream.run_inject(target, n=args.stream_n, m=args.stream_m, rate=rate,
                                                seconds=args.inject_seconds, owner=o, sql=sql, client=client)
                    R[b][key] = r
                    if "skipped" in r:
                        log(f"inject: skipped: {r['skipped']}")
                        break
                    log(f"inject rate={key}: {r['msgs_per_s'] or 0:.0f} deliveries/s "
                        f"(ratio {r['delivery_ratio']}), p50 {r['latency_ms']['p50']} ms, "
                        f"p99 {r['latency_ms']['p99']} ms{from_redis(r)}")
            elif b == "list":
                R[b] = await api_bench.run_list(target, concurrency=args.concurrency,
                                                requests=args.list_requests, rows=args.rows,
                                                owner=await need_owner(), sql=sql)
            elif b == "footprint":
                R[b] = {}
                o = await need_owner()
                for count in ints(args.footprint):
                    await wait_idle(target)
                    r = await footprint.run(target, count=count, per_task=args.per_task, owner=o, sql=sql)
                    R[b][str(count)] = r
                    if "skipped" in r:
                        log(f"footprint: skipped: {r['skipped']}")
                        break
                for count in ints(args.footprint_sse):
                    await wait_idle(target)
                    r = await footprint.run(target, count=count, per_task=args.per_task, owner=o, sql=sql,
                                            transport="sse")
                    R[b][f"sse{count}"] = r
                    if "skipped" in r or not r.get("accepted"):
                        log(f"footprint (sse): {r.get('skipped') or 'none accepted'}")
                        break
            elif b == "create":
                R[b] = await api_bench.run_create(target, flow=FLOWS_DIR / args.ttfo_flow,
                                                  concurrency=args.create_concurrency,
                                                  requests=args.create_requests)
            else:
                raise SystemExit(f"unknown benchmark {b}; known: {', '.join(ALL)}")
        except Exception as e:  # keep going: one failing benchmark must not lose the others
            log(f"{b}: FAILED: {type(e).__name__}: {e}")
            R[b] = {"error": f"{type(e).__name__}: {e}"}
        R.setdefault(b, {})
        if isinstance(R[b], dict):
            R[b]["elapsed_s"] = time.monotonic() - t0
    result["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return result


def from_redis(r: dict) -> str:
    """The server's share of the latency (receipt − the ms Redis stamped on the entry), when the
    JVM client measured it: what is left is the writer's (runner or harness) own delay."""
    f = r.get("from_redis_ms")
    return f" (from Redis: p50 {f['p50']} ms, p99 {f['p99']} ms)" if f else ""


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m harness", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="run benchmarks against one server")
    r.add_argument("--label", required=True, help="name of this target in the tables")
    r.add_argument("--base-url", required=True)
    r.add_argument("--clients-json", help="clients.json written by the server's bootstrap")
    r.add_argument("--client-id"), r.add_argument("--client-secret")
    r.add_argument("--psql", help="psql command reaching the server's database, e.g. "
                                  "'psql -h 127.0.0.1 -p 5432 -U postgres -d db'")
    r.add_argument("--schema", help="sql/<schema>/ holding seed_tasks.sql + cleanup.sql (original|ours)")
    r.add_argument("--redis-url", help="the server's Redis (for the inject benchmark)")
    r.add_argument("--ceiling-redis", help="a Redis to measure the raw ceiling on")
    r.add_argument("--pid", help="server process id(s), comma separated (memory)")
    r.add_argument("--kind", default="python", choices=["python", "java"])
    r.add_argument("--skip-deps", action="store_true", help="send skip_deps=true on create")
    r.add_argument("--bench", default="all", help=f"comma list of {','.join(ALL)} (default all, in that order)")
    r.add_argument("--warm", type=int, default=5, help="warm tasks after the cold one")
    r.add_argument("--ttfo-flow", default="hello.waldiez",
                   help="flow of benchmark ttfo; several, comma-separated: one task of each in turn (--warm rounds)")
    r.add_argument("--ttfo-settle", action="store_true",
                   help="before each warm task, wait for the server to go idle (its standby runners ready): "
                        "compares flows in the same steady state instead of back to back")
    r.add_argument("--stream-flow", default="chatty.waldiez")
    r.add_argument("--stream-n", type=int, default=2, help="concurrent tasks")
    r.add_argument("--stream-m", type=int, default=5, help="WebSocket subscribers per task")
    r.add_argument("--client", default="auto", choices=["auto", "jvm", "python"],
                   help="WebSocket consumer of stream/inject: the JVM load client (auto: if java is "
                        "installed) or the harness's own asyncio one")
    r.add_argument("--inject-rates", default="400,500,2000,0", help="entries/s, 0 = flat out")
    r.add_argument("--inject-seconds", type=float, default=5.0)
    r.add_argument("--inject-warmup", type=float, default=3.0,
                   help="seconds of unmeasured injection at 2,000 entries/s before the rates (0: none)")
    r.add_argument("--concurrency", type=int, default=16, help="list concurrency")
    r.add_argument("--list-requests", type=int, default=1000)
    r.add_argument("--rows", type=int, default=100000)
    r.add_argument("--footprint", default="1000,10000", help="idle subscriber counts")
    r.add_argument("--footprint-sse", default="", help="idle SSE stream counts (servers with SSE)")
    r.add_argument("--per-task", type=int, default=5, help="idle subscribers per task")
    r.add_argument("--create-concurrency", type=int, default=8)
    r.add_argument("--create-requests", type=int, default=50)
    r.add_argument("--ceiling-seconds", type=float, default=3.0)
    r.add_argument("--ceiling-rates", default="2000,0")
    r.add_argument("--task-timeout", type=float, default=600.0)
    r.add_argument("--meta", action="append", default=[], help="key=value recorded in the result")
    r.add_argument("--out", help="write the JSON result here")

    rep = sub.add_parser("report", help="medians over result files, ratios, markdown")
    rep.add_argument("files", nargs="+")
    rep.add_argument("--markdown", help="write docs/benchmarks.md here")
    rep.add_argument("--baseline", default="original-skip-install",
                     help="label the ratios are taken against (also vs original-default)")
    rep.add_argument("--ours", default="ours")
    rep.add_argument("--notes", help="extra markdown appended (file)")
    args = p.parse_args(argv)

    if args.cmd == "run":
        res = asyncio.run(run(args))
        if args.out:
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            Path(args.out).write_text(json.dumps(res, indent=2, default=str))
            log(f"wrote {args.out}")
        print_table({res["label"]: [metrics_of(res)]})
        return 0
    results = [json.loads(Path(f).read_text()) for f in args.files]
    by_label: dict[str, list[dict]] = {}
    for res in results:
        by_label.setdefault(res["label"], []).append(metrics_of(res))
    print_table(by_label)
    if args.markdown:
        why = Path(args.files[0]).parent / f"{args.ours}-not-measured.txt"
        notes = Path(args.notes).read_text() if args.notes else ""
        findings = Path(args.files[0]).parent / "findings.md"  # run-specific, kept with the results
        if findings.exists():
            notes = findings.read_text().rstrip() + "\n\n" + notes
        write_markdown(args.markdown, results, by_label, ours=args.ours,
                       notes=notes,
                       why_not_ours=why.read_text().strip() if why.exists() else "")
        print(f"wrote {args.markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
