"""The JVM WebSocket load client (loadclient/WsLoadClient.java, SelfTest.java) driven from the harness.

The Python consumer tops out at a few tens of thousands of frames per second and adds its own
scheduling delays to every latency; the JVM client takes several hundred thousand frames per second
on this machine (`selftest`), so what it measures is the server. Same counting rules as the Python
subscriber: distinct entries per subscriber, latency = receipt − the entry's µs `timestamp` for
entries written after the subscriber's handshake.
"""
from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from .common import BENCH_DIR, Target, log

SOURCES = sorted((BENCH_DIR / "loadclient").glob("*.java"))
CLASSES = BENCH_DIR / ".work" / "loadclient"
# The client's own GC and JIT must not show in the latencies: a young generation that a benchmark's
# few seconds do not fill, one GC thread, and C1 only. With C2 the client compiled its receive path
# during the chatty flow's 2-s window and took a core from the server: chatty p99 32-98 ms against
# 10-14 ms C1 only, same server, alternating rounds (benchmarks/notes.md item 16). C1 only it still
# takes ~600,000 frames/s (selftest), 5x the server's flat-out rate.
JAVA_OPTS = ["-XX:+UseSerialGC", "-Xms1500m", "-Xmx1500m", "-Xmn1200m", "-XX:TieredStopAtLevel=1"]


def why_unavailable() -> str | None:
    """Why the JVM client cannot run, or None."""
    if not shutil.which("java") or not shutil.which("javac"):
        return "no java/javac on PATH"
    return None


def compile_client() -> Path:
    """Compiles the client once per change of its source (javac, a second or two)."""
    marker = CLASSES / "WsLoadClient.class"
    if not marker.exists() or marker.stat().st_mtime < max(p.stat().st_mtime for p in SOURCES):
        CLASSES.mkdir(parents=True, exist_ok=True)
        subprocess.run(["javac", "-d", str(CLASSES), *map(str, SOURCES)], check=True, capture_output=True,
                       timeout=300)
    return CLASSES


def selftest(m: int = 10, seconds: float = 3.0) -> dict[str, Any]:
    """The client's own ceiling: frames/s it takes from an in-process server that writes flat out."""
    why = why_unavailable()
    if why:
        return {"skipped": why}
    cp = compile_client()
    r = subprocess.run(["java", *JAVA_OPTS, "-cp", str(cp), "WsLoadClient", "selftest", "--m", str(m),
                        "--seconds", str(seconds)], capture_output=True, text=True, timeout=120)
    try:
        return json.loads(r.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"error": (r.stderr or r.stdout)[-300:]}


class JvmSubscribers:
    """M subscribers per task in one JVM process; `progress[i]` = entries the slowest subscriber of
    task i has received (updated live, for the harness's closed loop)."""

    def __init__(self, target: Target, token: str, m: int):
        self.target, self.token, self.m = target, token, m
        self.proc: asyncio.subprocess.Process | None = None
        self.progress: dict[int, int] = {}
        self.opened = 0
        self.failed = 0
        self._lines: asyncio.Queue[str] = asyncio.Queue()
        self._reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Starts the JVM and waits until it has warmed up (call before the tasks exist)."""
        cp = await asyncio.to_thread(compile_client)
        self.proc = await asyncio.create_subprocess_exec(
            "java", *JAVA_OPTS, "-cp", str(cp), "WsLoadClient", "subscribe", "--url", self.target.ws_base,
            "--token", self.token, "--m", str(self.m),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=2**24)
        self._reader = asyncio.create_task(self._read())
        await self._expect("HELLO", 120)

    async def subscribe(self, task_ids: list[str]) -> None:
        assert self.proc and self.proc.stdin
        self.proc.stdin.write(("SUB " + ",".join(task_ids) + "\n").encode())
        await self.proc.stdin.drain()
        ready = await self._expect("READY", 120)
        _, opened, failed = ready.split()
        self.opened, self.failed = int(opened), int(failed)
        if self.failed:
            log(f"jvm client: {self.failed} of {self.opened + self.failed} subscribers were refused")

    def slowest(self, i: int) -> int:
        """Entries the slowest subscriber of task i has received so far."""
        return self.progress.get(i, 0)

    def settled(self) -> int:
        return sum(self.progress.values())

    async def stop(self) -> dict[str, Any]:
        """Closes the sockets; the client's counts (see WsLoadClient.result), with the delivery window."""
        assert self.proc and self.proc.stdin
        try:
            self.proc.stdin.write(b"STOP\n")
            await self.proc.stdin.drain()
            self.proc.stdin.close()
            line = await self._expect("RESULT", 60)
            r = json.loads(line.split(" ", 1)[1])
        finally:
            await self.close()
        first, last = r.pop("first_rx_us"), r.pop("last_rx_us")
        window_s = (last - first) / 1e6 if first and last else None
        r["window_s"] = window_s
        r["msgs_per_s"] = (r["deliveries"] / window_s) if window_s else None
        return r

    async def close(self) -> None:
        if self.proc and self.proc.returncode is None:
            try:
                await asyncio.wait_for(self.proc.wait(), timeout=10)
            except asyncio.TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        if self._reader:
            self._reader.cancel()

    async def _read(self) -> None:
        assert self.proc and self.proc.stdout
        while True:
            raw = await self.proc.stdout.readline()
            if not raw:
                await self._lines.put("EOF")
                return
            line = raw.decode().strip()
            if line.startswith("P "):
                _, idx, n = line.split()
                self.progress[int(idx)] = int(n)
            else:
                await self._lines.put(line)

    async def _expect(self, word: str, timeout: float) -> str:
        while True:
            line = await asyncio.wait_for(self._lines.get(), timeout=timeout)
            if line.startswith(word):
                return line
            if line == "EOF":
                raise RuntimeError(f"jvm client exited before {word}")
