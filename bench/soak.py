"""Memory soak: RSS of ``utaex serve`` before and after 100,000 mixed requests.

The mix cycles through four answers a venue gives all day: an unknown path (HTTP 404), a public
endpoint far over its per-IP limit (429), a signed place-order with a bad body (400, parameter error)
and a signed account read (200). Signed requests rotate over a pool of users so the per-UID limits
leave most of them through. Rate limits are on (the venue's default). The server is pinned to CPU 0,
this client to CPU 1. RSS is the server's ``VmRSS`` from ``/proc/PID/status``: once after start-up,
once after a warm-up of the same mix (the figure the ratio is taken against: allocator pools and
caches are filled by then) and once after the soak.

    python bench/soak.py [--requests N] [--warmup N] [--connections N]

Prints the counts per status and RSS, and, last, one JSON line.
"""

from __future__ import annotations

import sys

# bench/ holds http.py, named like the stdlib ``http`` package: keep this folder off the import path.
if sys.path and sys.path[0] and __file__.startswith(sys.path[0]):
    sys.path.pop(0)

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from utaex.wire.signing import sign_headers

ADMIN = "soak-admin-token"
USERS = 120
BAD_ORDER = json.dumps({"category": "SPOT", "symbol": "BTCUSDT", "side": "buy", "orderType": "limit",
                        "qty": "not-a-number", "price": "1"}, separators=(",", ":"))


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc status")


def pin(cpu: int) -> list[str]:
    return ["taskset", "-c", str(cpu)] if shutil.which("taskset") and (os.cpu_count() or 1) > 1 else []


def start(tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "UTAEX_ADMIN_TOKEN": ADMIN}
    cmd = [*pin(0), sys.executable, "-m", "utaex", "serve", "--port", str(port), "--data-dir", str(tmp / "data"),
           "--market", "off"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        if proc.poll() is not None:
            raise SystemExit("server exited during start-up")
        try:
            if httpx.get(base + "/api/v2/public/time", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    proc.kill()
    raise SystemExit("server did not start")


class Mix:
    """The i-th request of the mix: (method, path, headers, body)."""

    def __init__(self, users: list[dict[str, str]]) -> None:
        self.users = users

    def request(self, i: int) -> tuple[str, str, dict[str, str], str]:
        kind = i % 4
        if kind == 0:
            return "GET", "/api/v3/no-such-path", {}, ""
        if kind == 1:
            return "GET", "/api/v2/public/time", {}, ""
        user = self.users[(i // 4) % len(self.users)]
        if kind == 2:
            path, body, method = "/api/v3/trade/place-order", BAD_ORDER, "POST"
        else:
            path, body, method = "/api/v3/account/assets", "", "GET"
        headers = sign_headers(user["apiKey"], user["secretKey"], user["passphrase"], method, path, "", body)
        return method, path, headers, body


async def run(base: str, mix: Mix, start_at: int, count: int, connections: int) -> Counter[int]:
    statuses: Counter[int] = Counter()
    next_i = start_at
    end = start_at + count
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
        async def worker() -> None:
            nonlocal next_i
            while next_i < end:
                i = next_i
                next_i += 1
                method, path, headers, body = mix.request(i)
                r = await client.request(method, path, headers=headers, content=body or None)
                statuses[r.status_code] += 1

        await asyncio.gather(*(worker() for _ in range(connections)))
    return statuses


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=100_000, help="requests in the soak (default 100000)")
    ap.add_argument("--warmup", type=int, default=10_000, help="requests before the baseline RSS (default 10000)")
    ap.add_argument("--connections", type=int, default=8, help="concurrent keep-alive connections (default 8)")
    args = ap.parse_args()
    if pin(1):
        os.sched_setaffinity(0, {1})
    with tempfile.TemporaryDirectory(prefix="utaex-soak-") as tmp:
        proc, base = start(Path(tmp))
        try:
            admin = httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {ADMIN}"})
            users = [admin.post("/admin/v1/users", json={"balances": {"USDT": "1000"}}).json()["data"]
                     for _ in range(USERS)]
            admin.close()
            mix = Mix(users)
            rss_start = rss_kb(proc.pid)
            warm = asyncio.run(run(base, mix, 0, args.warmup, args.connections))
            rss_before = rss_kb(proc.pid)
            t0 = time.perf_counter()
            soak = asyncio.run(run(base, mix, args.warmup, args.requests, args.connections))
            elapsed = time.perf_counter() - t0
            rss_after = rss_kb(proc.pid)
        finally:
            proc.terminate()
            proc.wait(30)
    ratio = rss_after / rss_before
    print(f"warm-up: {args.warmup} requests, statuses {dict(sorted(warm.items()))}")
    print(f"soak:    {args.requests} requests in {elapsed:.1f} s ({args.requests / elapsed:,.0f} req/s), "
          f"statuses {dict(sorted(soak.items()))}")
    print(f"RSS after start-up {rss_start / 1024:.1f} MiB, before the soak {rss_before / 1024:.1f} MiB, "
          f"after {rss_after / 1024:.1f} MiB: ratio {ratio:.3f}")
    result: dict[str, Any] = {
        "requests": args.requests, "warmup": args.warmup, "connections": args.connections,
        "statuses": {str(k): v for k, v in sorted(soak.items())}, "seconds": round(elapsed, 1),
        "rss_start_kb": rss_start, "rss_before_kb": rss_before, "rss_after_kb": rss_after,
        "ratio": round(ratio, 4),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
