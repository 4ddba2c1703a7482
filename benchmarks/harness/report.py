"""Flatten results into metrics, take medians over rounds, print a table, write docs/benchmarks.md."""
from __future__ import annotations

import statistics
import time
from typing import Any, Callable

LOWER, HIGHER, INFO = "lower", "higher", "info"


def _g(d: Any, *path: str) -> Any:
    for p in path:
        if not isinstance(d, dict) or p not in d:
            return None
        d = d[p]
    return d


def _mb(v: Any) -> float | None:
    return v / 2**20 if isinstance(v, (int, float)) else None


def _kb(v: Any) -> float | None:
    return v / 1024 if isinstance(v, (int, float)) else None


def _footprint_metrics(key: str, prefix: str, what: str) -> list[tuple[str, str, str, str, Callable[[dict], Any]]]:
    """Rows of one idle-subscriber count (results["footprint"][key])."""
    return [
        (f"{prefix}_accepted", f"idle {what} requested: accepted", "conns", HIGHER,
         lambda r: _g(r, "footprint", key, "accepted")),
        (f"{prefix}_rss_mb", f"idle {what}: server RSS", "MiB", LOWER,
         lambda r: _mb(_g(r, "footprint", key, "after", "rss_bytes"))),
        # Not shown when negative: the process gave back memory it held before (a JVM's heap).
        (f"{prefix}_rss_kb_conn", f"idle {what}: RSS per connection", "KiB", LOWER,
         lambda r: _positive(_kb(_g(r, "footprint", key, "rss_delta_per_conn_bytes")))),
        (f"{prefix}_heap_mb", f"idle {what}: heap used after GC", "MiB", LOWER,
         lambda r: _mb(_g(r, "footprint", key, "after", "heap_used_bytes"))),
        (f"{prefix}_heap_kb_conn", f"idle {what}: heap used after GC per connection", "KiB", LOWER,
         lambda r: _kb(_g(r, "footprint", key, "heap_delta_per_conn_bytes"))),
    ]


def _positive(v: float | None) -> float | None:
    return v if v is not None and v > 0 else None


# key, description, unit, better, extractor(result["results"])
METRICS: list[tuple[str, str, str, str, Callable[[dict], Any]]] = [
    ("ttfo_cold_s", "time to first output, cold (first task)", "s", LOWER,
     lambda r: _g(r, "ttfo", "cold_first_output_s")),
    ("ttfo_warm_s", "time to first output, warm (median of next N)", "s", LOWER,
     lambda r: _g(r, "ttfo", "warm_first_output_median_s")),
    ("ttfo_done_s", "hello flow: submit to COMPLETED, warm median", "s", LOWER,
     lambda r: _g(r, "ttfo", "warm_completion_median_s")),
    ("flow_msgs_s", "stream (chatty flow, N×M): deliveries/s", "msg/s", HIGHER,
     lambda r: _g(r, "stream", "msgs_per_s")),
    ("flow_p50_ms", "stream (chatty flow): latency p50", "ms", LOWER,
     lambda r: _g(r, "stream", "latency_ms", "p50")),
    ("flow_p99_ms", "stream (chatty flow): latency p99", "ms", LOWER,
     lambda r: _g(r, "stream", "latency_ms", "p99")),
    ("flow_entries", "stream (chatty flow): entries per task", "", INFO,
     lambda r: max((_g(r, "stream", "entries_per_task") or {0: None}).values(), default=None)),
    ("injd2000_msgs_s", "injected, 2,000 deliveries/s offered (entries/s × M): deliveries/s", "msg/s", HIGHER,
     lambda r: _g(_inject_at_deliveries(r, 2000), "msgs_per_s")),
    ("injd2000_p50_ms", "injected, 2,000 deliveries/s offered: latency p50", "ms", LOWER,
     lambda r: _g(_inject_at_deliveries(r, 2000), "latency_ms", "p50")),
    ("injd2000_p99_ms", "injected, 2,000 deliveries/s offered: latency p99", "ms", LOWER,
     lambda r: _g(_inject_at_deliveries(r, 2000), "latency_ms", "p99")),
    ("injwarm_p99_ms", "injected warm-up (first injection after start, 2,000 entries/s): latency p99", "ms", INFO,
     lambda r: _g(r, "inject", "warmup", "latency_ms", "p99")),
    ("inj500_p50_ms", "injected 500 entries/s: latency p50", "ms", LOWER,
     lambda r: _g(r, "inject", "500", "latency_ms", "p50")),
    ("inj500_p99_ms", "injected 500 entries/s: latency p99", "ms", LOWER,
     lambda r: _g(r, "inject", "500", "latency_ms", "p99")),
    ("inj2000_msgs_s", "injected 2,000 entries/s: deliveries/s", "msg/s", HIGHER,
     lambda r: _g(r, "inject", "2000", "msgs_per_s")),
    ("inj2000_p50_ms", "injected 2,000 entries/s: latency p50", "ms", LOWER,
     lambda r: _g(r, "inject", "2000", "latency_ms", "p50")),
    ("inj2000_p99_ms", "injected 2,000 entries/s: latency p99", "ms", LOWER,
     lambda r: _g(r, "inject", "2000", "latency_ms", "p99")),
    ("inj2000_ratio", "injected 2,000 entries/s: delivered/expected", "", HIGHER,
     lambda r: _g(r, "inject", "2000", "delivery_ratio")),
    ("inj2000_cpu", "injected 2,000 entries/s: API server CPU per 1,000 deliveries", "ms", LOWER,
     lambda r: _g(r, "inject", "2000", "server_cpu_ms_per_1k")),
    ("injmax_msgs_s", "injected flat out: deliveries/s", "msg/s", HIGHER,
     lambda r: _g(r, "inject", "max", "msgs_per_s")),
    ("injmax_p99_ms", "injected flat out: latency p99", "ms", LOWER,
     lambda r: _g(r, "inject", "max", "latency_ms", "p99")),
    ("injmax_vs_xread", "injected flat out ÷ redis-benchmark XREAD entries/s of the same run", "", HIGHER,
     lambda r: (_g(r, "inject", "max", "msgs_per_s") / _g(r, "ceiling", "redis_benchmark", "xread100", "entries_per_s"))
     if _g(r, "inject", "max", "msgs_per_s") and _g(r, "ceiling", "redis_benchmark", "xread100", "entries_per_s") else None),
    ("injmax_vs_ceiling", "injected flat out ÷ pass-through ceiling of the same run", "", HIGHER,
     lambda r: (_g(r, "inject", "max", "msgs_per_s") / _g(r, "ceiling", "passthrough", "max", "entries_per_s"))
     if _g(r, "inject", "max", "msgs_per_s") and _g(r, "ceiling", "passthrough", "max", "entries_per_s") else None),
    ("list_rps", "list tasks (page 1, few rows): req/s at c", "req/s", HIGHER,
     lambda r: _g(r, "list", "list_small", "req_per_s")),
    ("list_p50_ms", "list tasks (few rows): latency p50 at c", "ms", LOWER,
     lambda r: _g(r, "list", "list_small", "latency_ms", "p50")),
    ("list100k_p50_ms", "list page 1, 100k rows: latency p50 (c=1)", "ms", LOWER,
     lambda r: _g(r, "list", "list_100k", "page1", "latency_c1", "latency_ms", "p50")),
    ("list100k_desc_p50_ms", "list newest first, 100k rows: p50 (c=1)", "ms", LOWER,
     lambda r: _g(r, "list", "list_100k", "last_page_desc", "latency_c1", "latency_ms", "p50")),
    ("list100k_deep_p50_ms", "list page 1000, 100k rows: p50 (c=1)", "ms", LOWER,
     lambda r: _g(r, "list", "list_100k", "deep_page", "latency_c1", "latency_ms", "p50")),
    ("list100k_search_p50_ms", "list with search, 100k rows: p50 (c=1)", "ms", LOWER,
     lambda r: _g(r, "list", "list_100k", "search", "latency_c1", "latency_ms", "p50")),
    ("list100k_rps", "list page 1, 100k rows: req/s at c", "req/s", HIGHER,
     lambda r: _g(r, "list", "list_100k", "page1", "throughput", "req_per_s")),
    # a run with refused creations (e.g. duplicate-flow 400s) is not a throughput measurement
    ("create_rps", "create task: req/s at c", "req/s", HIGHER,
     lambda r: None if _g(r, "create", "errors") else _g(r, "create", "req_per_s")),
    ("create_p50_ms", "create task: latency p50", "ms", LOWER,
     lambda r: None if _g(r, "create", "errors") else _g(r, "create", "latency_ms", "p50")),
    *[row for key, prefix, what in (("1000", "fp1k", "WS 1,000"), ("10000", "fp10k", "WS 10,000"),
                                     ("sse1000", "fpsse1k", "SSE 1,000"), ("sse10000", "fpsse10k", "SSE 10,000"))
      for row in _footprint_metrics(key, prefix, what)],
    ("ceil_client", "ceiling: the JVM load client's own (selftest, 10 sockets)", "frames/s", INFO,
     lambda r: _g(r, "ceiling", "jvm_client", "frames_per_s")),
    ("ceil_xadd_ops", "ceiling: redis-benchmark XADD ops/s (50 conns)", "ops/s", INFO,
     lambda r: _g(r, "ceiling", "redis_benchmark", "xadd", "ops_per_s")),
    ("ceil_xread_entries", "ceiling: redis-benchmark XREAD COUNT 100, entries/s", "entries/s", INFO,
     lambda r: _g(r, "ceiling", "redis_benchmark", "xread100", "entries_per_s")),
    ("ceil_pass_max", "ceiling: XADD→XREAD pass-through flat out (Python)", "entries/s", INFO,
     lambda r: _g(r, "ceiling", "passthrough", "max", "entries_per_s")),
    ("ceil_pass2000_p99_ms", "ceiling: pass-through at 2,000/s, latency p99", "ms", INFO,
     lambda r: _g(r, "ceiling", "passthrough", "2000", "latency_ms", "p99")),
]
META = {k: (d, u, b) for k, d, u, b, _ in METRICS}


def _inject_at_deliveries(r: dict, deliveries: float) -> dict | None:
    """The inject run whose offered deliveries/s (entries/s × subscribers per task) is `deliveries`."""
    for k, v in (r.get("inject") or {}).items():
        if k != "warmup" and isinstance(v, dict) and v.get("target_rate") and v.get("m_subscribers"):
            if abs(v["target_rate"] * v["m_subscribers"] - deliveries) < 1:
                return v
    return None


def metrics_of(res: dict) -> dict[str, Any]:
    R = res.get("results", {})
    out = {}
    for key, _d, _u, _b, fn in METRICS:
        try:
            v = fn(R)
        except Exception:
            v = None
        if isinstance(v, (int, float)):
            out[key] = float(v)
    return out


def medians(rows: list[dict[str, Any]]) -> dict[str, float]:
    keys = {k for r in rows for k in r}
    return {k: statistics.median([r[k] for r in rows if k in r]) for k in keys}


def fmt(v: float | None) -> str:
    if v is None:
        return "n/m"
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 100:
        return f"{v:.0f}"
    if a >= 10:
        return f"{v:.1f}"
    if a >= 1:
        return f"{v:.2f}"
    return f"{v:.3f}"


def print_table(by_label: dict[str, list[dict[str, Any]]]) -> None:
    labels = list(by_label)
    meds = {lab: medians(rows) for lab, rows in by_label.items()}
    w = 52
    print()
    print(f"{'metric':<{w}} {'unit':>9} " + " ".join(f"{lab[:22]:>22}" for lab in labels))
    print("-" * (w + 11 + 23 * len(labels)))
    for key, desc, unit, _b, _f in METRICS:
        vals = [meds[lab].get(key) for lab in labels]
        if all(v is None for v in vals):
            continue
        print(f"{desc[:w]:<{w}} {unit:>9} " + " ".join(f"{fmt(v):>22}" for v in vals))
    print("(medians over " + ", ".join(f"{lab}: {len(rows)} run(s)" for lab, rows in by_label.items()) + ")")


def ratio(ours: float | None, base: float | None, better: str) -> str:
    if ours is None or base is None or base == 0 or ours == 0:
        return "n/m"
    r = ours / base
    if better == LOWER:
        return f"{r:.3g} ({base / ours:.3g}× better)" if r < 1 else f"{r:.3g} ({r:.3g}× worse)"
    if better == HIGHER:
        return f"{r:.3g} ({r:.3g}× better)" if r >= 1 else f"{r:.3g} ({1 / r:.3g}× worse)"
    return f"{r:.3g}"


def write_markdown(path: str, results: list[dict], by_label: dict[str, list[dict]], *, ours: str,
                   notes: str = "", why_not_ours: str = "") -> None:
    meds = {lab: medians(rows) for lab, rows in by_label.items()}
    bases = [lab for lab in by_label if lab.startswith("original")]
    labels = bases + [lab for lab in by_label if lab not in bases]
    first = results[0] if results else {}
    m = first.get("machine", {})
    metas: dict[str, str] = {}
    for res in results:
        for k, v in res.get("meta", {}).items():
            if k != "round":
                metas.setdefault(k, v)
    # Other work on the machine shows as a lower Redis pass-through ceiling in some runs (it is
    # measured at the start of every run); the load average is no signal here, since it still
    # holds the previous round's own work for minutes.
    ceilings = [c for c in (_g(r.get("results"), "ceiling", "passthrough", "max", "entries_per_s")
                            for r in results) if c]
    loaded = bool(ceilings) and min(ceilings) < 0.6 * max(ceilings)
    L: list[str] = []
    L.append("# Benchmarks: this project against the original waldiez-runner")
    L.append("")
    L.append(f"Generated by `benchmarks/run.sh` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. "
             "How each number is measured: `benchmarks/README.md`.")
    L.append("")
    if loaded:
        L.append("> **Measured on a loaded machine**: other work shared the cores during some runs (the "
                 "Redis pass-through ceiling measured at the start of each run varied from "
                 f"{min(ceilings):,.0f} to {max(ceilings):,.0f} entries/s), so absolute numbers are noisy; "
                 "ratios measured in the same session are more telling.")
        L.append("")
    L.append("## Machine and versions")
    L.append("")
    L.append(f"- CPU: {m.get('cpu_model')} × {m.get('cpus')} (shared); memory {round((m.get('mem_total_kb') or 0) / 2**20)} GiB")
    for k, v in sorted(metas.items()):
        L.append(f"- {k}: {v}")
    L.append("- runs: " + ", ".join(f"{lab}: {len(by_label[lab])}" for lab in labels)
             + " (each run = a fresh server start; the table shows medians over runs)")
    load = [round((r.get("machine", {}).get("loadavg") or [0])[0], 2) for r in results]
    L.append(f"- 1-minute load average at the start of each run: {load} (it still holds the previous "
             "round's own work)")
    if ceilings:
        L.append(f"- Redis pass-through ceiling at the start of each run (entries/s): "
                 f"{[round(c) for c in ceilings]}")
    L.append("")
    L.append("## Results (medians)")
    L.append("")
    ratio_cols = [f"{ours} / {b}" for b in bases] if ours in meds else []
    hdr = "| metric | unit | " + " | ".join(labels + ratio_cols) + " |"
    L.append(hdr)
    L.append("|" + "---|" * (hdr.count("|") - 1))
    rows_seeded = next((r.get("params", {}).get("rows") for r in results if r.get("params", {}).get("rows")), 100000)
    for key, desc, unit, better, _f in METRICS:
        vals = [meds[lab].get(key) for lab in labels]
        if all(v is None for v in vals):
            continue
        if rows_seeded != 100000:
            desc = desc.replace("100k rows", f"{rows_seeded:,} rows")
        row = f"| {desc} | {unit} | " + " | ".join(fmt(v) for v in vals) + " |"
        if ours in meds:
            row += " " + " | ".join(ratio(meds[ours].get(key), meds[b].get(key), better) for b in bases) + " |"
        L.append(row)
    L.append("")
    L.append("`n/m`: not measured (see the notes and the raw JSON in `benchmarks/results/`).")
    L.append("")
    L.append("## Targets of issue 7")
    L.append("")
    L.append("| target | measured | met? |")
    L.append("|---|---|---|")
    L.extend(_targets(meds, ours, why_not_ours))
    L.append("")
    L.append("## Targets of issue 17")
    L.append("")
    L.append("Latency targets are against the original's lower figure of its two modes (the injected "
             "benchmarks run in its skip-install mode only). Where a target is not met, the reason is in "
             "the notes below.")
    L.append("")
    L.append("| target | measured | met? |")
    L.append("|---|---|---|")
    L.extend(_targets17(meds, ours))
    L.append("")
    if notes:
        L.append(notes.rstrip())
        L.append("")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(L) + "\n")


def _targets(meds: dict[str, dict[str, float]], ours: str, why_not_ours: str = "") -> list[str]:
    o = meds.get(ours, {})
    d = meds.get("original-default", {})
    s = meds.get("original-skip-install", {})
    rows = []

    def line(target: str, measured: str, ok: bool | None) -> None:
        rows.append(f"| {target} | {measured} | {'yes' if ok else ('no' if ok is not None else 'not measured yet')} |")

    why = "" if o else f" (no `{ours}` results: {why_not_ours or 'our server was not run'})"
    # 1
    ow, dw, sw = o.get("ttfo_warm_s"), d.get("ttfo_warm_s"), s.get("ttfo_warm_s")
    oc, dc = o.get("ttfo_cold_s"), d.get("ttfo_cold_s")
    if ow and dw:
        line("time to first output ≥ 10× shorter than the original's default mode",
             f"warm {fmt(ow)} s vs {fmt(dw)} s = {dw / ow:.1f}×; cold {fmt(oc)} s vs {fmt(dc)} s"
             + (f" = {dc / oc:.1f}×" if oc and dc else ""), dw / ow >= 10)
    else:
        line("time to first output ≥ 10× shorter than the original's default mode",
             f"original default warm {fmt(dw)} s; ours {fmt(ow)}{why}", None)
    if ow and sw:
        line("time to first output shorter than the original's skip-install mode",
             f"warm {fmt(ow)} s vs {fmt(sw)} s", ow < sw)
    else:
        line("time to first output shorter than the original's skip-install mode",
             f"original skip-install warm {fmt(sw)} s; ours {fmt(ow)}{why}", None)
    # 2
    for key, what in (("injmax_msgs_s", "injected flat out"), ("flow_msgs_s", "chatty flow")):
        # against the original's best mode: the comparison that is hardest for ours
        base = max((v for v in (s.get(key), d.get(key)) if v), default=None)
        if o.get(key) and base:
            other = min((v for v in (s.get(key), d.get(key)) if v), default=base)
            also = f" (its other mode: {fmt(other)} msg/s = {o[key] / other:.1f}×)" if other != base else ""
            line(f"streaming throughput ≥ 5× the original at equal N and M ({what})",
                 f"{fmt(o[key])} vs {fmt(base)} msg/s = {o[key] / base:.1f}×{also}", o[key] / base >= 5)
        else:
            line(f"streaming throughput ≥ 5× the original at equal N and M ({what})",
                 f"original {fmt(base)} msg/s; ours {fmt(o.get(key))}{why}", None)
    p99 = o.get("injd2000_p99_ms")
    line("p99 latency < 20 ms at 2,000 messages/s (delivered: injected entries/s × M subscribers = 2,000)",
         f"p99 {fmt(p99)} ms, p50 {fmt(o.get('injd2000_p50_ms'))} ms (original: p99 "
         f"{fmt(s.get('injd2000_p99_ms') or d.get('injd2000_p99_ms'))} ms); at 2,000 entries/s × M: "
         f"p99 {fmt(o.get('inj2000_p99_ms'))} ms"
         if p99 is not None else f"not measured{why}",
         (p99 < 20) if p99 is not None else None)
    # 3
    h = o.get("fp10k_heap_mb")
    acc = o.get("fp10k_accepted")
    orig_acc = s.get("fp10k_accepted") or d.get("fp10k_accepted")
    tail = f"; the original accepted {fmt(orig_acc)} of 10,000" if orig_acc is not None else ""
    if h is not None:
        line("10,000 idle WebSocket subscribers within 1 GiB of heap",
             f"{fmt(acc)} accepted, heap {fmt(h)} MiB, RSS {fmt(o.get('fp10k_rss_mb'))} MiB" + tail,
             h < 1024 and (acc or 0) >= 10000)
    elif acc is not None and acc < 10000:
        line("10,000 idle WebSocket subscribers within 1 GiB of heap",
             f"only {fmt(acc)} of 10,000 accepted (no memory reading at 10,000); with 1,000: heap "
             f"{fmt(o.get('fp1k_heap_mb'))} MiB after GC, RSS {fmt(o.get('fp1k_rss_mb'))} MiB" + tail, False)
    else:
        line("10,000 idle WebSocket subscribers within 1 GiB of heap", f"not measured{why}" + tail, None)
    # 4
    ceil = o.get("ceil_pass_max")
    thr = o.get("injmax_msgs_s")
    # per-run ratio (load changes between runs; the same run's ceiling is the fair yardstick)
    if o.get("injmax_vs_ceiling") is not None and thr and ceil:
        thr, ceil = o["injmax_vs_ceiling"] * ceil, ceil
    line("streaming throughput ≥ half of the raw Redis ceiling (same run)",
         f"{fmt(thr)} msg/s vs pass-through ceiling {fmt(ceil)} entries/s"
         + (f" = {thr / ceil:.2f}" if thr and ceil else "") if thr and ceil else f"not measured{why}",
         (thr / ceil >= 0.5) if thr and ceil else None)
    return rows


def _targets17(meds: dict[str, dict[str, float]], ours: str) -> list[str]:
    o = meds.get(ours, {})
    bases = [meds.get("original-skip-install", {}), meds.get("original-default", {})]
    rows = []

    def line(target: str, measured: str, ok: bool | None) -> None:
        rows.append(f"| {target} | {measured} | {'yes' if ok else ('no' if ok is not None else 'not measured')} |")

    def base(key: str) -> float | None:
        vals = [b[key] for b in bases if b.get(key) is not None]
        return min(vals) if vals else None

    for what, k50, k99 in (("injected 500 entries/s (× 5 subscribers)", "inj500_p50_ms", "inj500_p99_ms"),
                           ("injected 2,000 deliveries/s", "injd2000_p50_ms", "injd2000_p99_ms"),
                           ("injected 2,000 entries/s × 5", "inj2000_p50_ms", "inj2000_p99_ms"),
                           ("chatty flow", "flow_p50_ms", "flow_p99_ms")):
        o50, o99, b50, b99 = o.get(k50), o.get(k99), base(k50), base(k99)
        if None in (o50, o99, b50, b99):
            line(f"{what}: p50 and p99 at or below the original's",
                 f"ours p50 {fmt(o50)} / p99 {fmt(o99)} ms; original {fmt(b50)} / {fmt(b99)} ms", None)
            continue
        line(f"{what}: p50 and p99 at or below the original's",
             f"p50 {fmt(o50)} vs {fmt(b50)} ms ({o50 / b50:.2f}); p99 {fmt(o99)} vs {fmt(b99)} ms ({o99 / b99:.2f})",
             o50 <= b50 and o99 <= b99)
    p99 = o.get("injd2000_p99_ms")
    line("p99 ≤ 5 ms at 2,000 deliveries/s", f"{fmt(p99)} ms" if p99 is not None else "not measured",
         p99 <= 5 if p99 is not None else None)
    c = o.get("ceil_client")
    line("load client takes ≥ 200,000 frames/s (its selftest)", f"{fmt(c)} frames/s" if c else "not measured",
         c >= 200000 if c else None)
    thr, xr = o.get("injmax_msgs_s"), o.get("ceil_xread_entries")
    rows.append("| our flat-out ceiling against Redis's own | "
                + (f"{fmt(thr)} deliveries/s (N×M = 2×5, closed loop) vs redis-benchmark XREAD COUNT 100 "
                   f"{fmt(xr)} entries/s = {thr / xr:.3f}; Python XADD→XREAD pass-through {fmt(o.get('ceil_pass_max'))} "
                   "entries/s" if thr and xr else "not measured") + " | reported |")
    for label, acc_k, rss_k in (("WebSocket", "fp10k_accepted", "fp10k_rss_mb"),
                                ("SSE", "fpsse10k_accepted", "fpsse10k_rss_mb")):
        acc, rss = o.get(acc_k), o.get(rss_k)
        line(f"10,000 idle {label} subscribers in ≤ 1 GiB RSS",
             f"{fmt(acc)} accepted, RSS {fmt(rss)} MiB" if rss is not None else "not measured",
             (rss <= 1024 and (acc or 0) >= 10000) if rss is not None else None)
    return rows
