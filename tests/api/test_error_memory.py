"""Error answers do not leak: 404s and 429s leave the server's memory flat.

Each raise of one shared exception instance appends the raising frames to its ``__traceback__``, so a
module-level ``ApiError`` answered on every unknown path grew the server by ~4 KB per request.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from support import start_server

WARMUP = 300
ROUNDS = 2000
MAX_GROWTH_KB = 3 * 1024  # a shared, re-raised error grew ~4 KB per request: ~16 MB here


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_404_and_429_do_not_grow_the_server(tmp_path: Path) -> None:
    srv = start_server(tmp_path)  # rate limits on: /api/v2/public/time beyond 20/s answers 429
    try:
        assert srv.proc is not None
        with httpx.Client(base_url=srv.base_url, timeout=10) as c:
            def burst(n: int) -> tuple[int, int]:
                seen_404 = seen_429 = 0
                for _ in range(n):
                    seen_404 += c.get("/api/v3/no-such-path").status_code == 404
                    seen_429 += c.get("/api/v2/public/time").status_code == 429
                return seen_404, seen_429

            burst(WARMUP)
            before = rss_kb(srv.proc.pid)
            n404, n429 = burst(ROUNDS)
            after = rss_kb(srv.proc.pid)
        assert n404 == ROUNDS
        assert n429 > ROUNDS // 2  # the limiter really answered most of them with 429
        assert after - before < MAX_GROWTH_KB, f"RSS grew {before} -> {after} kB over {2 * ROUNDS} requests"
    finally:
        srv.stop()
