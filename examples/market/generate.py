"""Writes the sample replay files of docs/market.md: an hour of BTC trades and a day of 1-minute candles,
from a seeded random walk (``python examples/market/generate.py``)."""

from __future__ import annotations

import math
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
START = 1_767_225_600_000  # 2026-01-01T00:00:00Z


def main() -> None:
    rng = random.Random(2026)
    price, ts = 60_000.0, START
    rows = ["ts,price,qty,side"]
    for _ in range(1200):  # ~an hour of trades, 3 s apart on average
        ts += max(1, int(rng.expovariate(1 / 3000)))
        price *= math.exp(rng.gauss(0, 0.0004))
        rows.append(f"{ts},{price:.1f},{math.exp(rng.gauss(-4, 1)):.6f},{rng.choice(('buy', 'sell'))}")
    (HERE / "btc-trades.csv").write_text("\n".join(rows) + "\n")
    price = 60_000.0
    rows = ["ts,open,high,low,close,volume"]
    for i in range(240):  # four hours of 1-minute candles
        o = price
        path = [o * math.exp(rng.gauss(0, 0.0006) * math.sqrt(k + 1)) for k in range(4)]
        c = path[-1]
        h, lo = max(o, c, *path) * (1 + abs(rng.gauss(0, 0.0002))), min(o, c, *path) * (1 - abs(rng.gauss(0, 0.0002)))
        rows.append(f"{START + i * 60_000},{o:.1f},{h:.1f},{lo:.1f},{c:.1f},{abs(rng.gauss(5, 2)):.4f}")
        price = c
    (HERE / "btc-candles.csv").write_text("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
