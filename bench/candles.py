"""Candle read benchmark: ``GET /api/v3/market/candles`` and ``history-candles`` over a full history.

Writes ``--days`` days of minute bars (every minute traded) and their hourly rollup for SPOT BTCUSDT
into a fresh data dir's history store, starts a real venue on it and times, end to end from the
client, the requests that read the most bars: 1m pages (from memory), 1H and 1D pages over the whole
window (the store's hourly rollup), each ``--runs`` times. Prints the median per request and, last,
one JSON line.

    python bench/candles.py [--days 90] [--runs 5]
"""

from __future__ import annotations

import sys

# bench/http.py is named like the stdlib ``http`` package: keep this folder off the import path.
if sys.path and sys.path[0] and __file__.startswith(sys.path[0]):
    sys.path.pop(0)

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from utaex.core.candles import MinuteBar, roll
from utaex.store import SQLiteHistoryStore
from utaex.testing import UtaexVenue

MIN = 60_000


def write_bars(data_dir: Path, days: int) -> int:
    now = int(time.time() * 1000) // MIN * MIN
    start = now - days * 1440 * MIN
    store = SQLiteHistoryStore(data_dir / "history.sqlite3")
    rows = []
    for k, ts in enumerate(range(start, now, MIN)):
        price = 5_000_000 + (k * 7919) % 20_000  # ticks of 0.01
        rows.append(("SPOT", "BTCUSDT", ts, price, price + 50, price - 50, price + 10, 1000, price * 10**16, 1))
    for i in range(0, len(rows), 10_000):
        store.put_bars(rows[i:i + 10_000])
        store.flush()
    minutes = [MinuteBar.from_row(r[2:]) for r in rows]  # the hourly rollup the venue writes as hours close
    store.put_bars([("SPOT", "BTCUSDT", *b.row()) for b in roll(minutes, 3_600_000)], 3_600_000)
    store.close()
    return len(rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        written = write_bars(data_dir, args.days)
        venue = UtaexVenue.start(data_dir=data_dir, args=("--no-rate-limit", "--clock", "realtime"))
        try:
            now = int(time.time() * 1000)
            cases = {
                "candles 1m limit 1000 (memory)": ("candles", {"interval": "1m", "limit": 1000}),
                "candles 1H limit 1000 (store)": ("candles", {"interval": "1H", "limit": 1000}),
                "candles 1D limit 1000 (store, whole window)": ("candles", {"interval": "1D", "limit": 1000}),
                "history-candles 1D limit 100 (store)": ("history-candles", {"interval": "1D", "limit": 100,
                                                                            "endTime": now}),
            }
            results: dict[str, float] = {}
            with httpx.Client(base_url=venue.base_url, timeout=60) as http:
                for name, (path, params) in cases.items():
                    times = []
                    for _ in range(args.runs):
                        t0 = time.perf_counter()
                        r = http.get(f"/api/v3/market/{path}", params={"category": "SPOT", "symbol": "BTCUSDT",
                                                                       **params})
                        times.append(time.perf_counter() - t0)
                        assert r.status_code == 200 and r.json()["data"], r.text[:200]
                    results[name] = statistics.median(times) * 1000
            print(f"{written:,} minute bars stored ({args.days} days)")
            for name, ms in results.items():
                print(f"{name:48s} {ms:9.1f} ms")
            print(json.dumps({"bars": written, "median_ms": {k: round(v, 2) for k, v in results.items()}}))
        finally:
            venue.stop()


if __name__ == "__main__":
    main()
