"""Stylized facts of the simulated market: run ``utaex serve --market on --clock step`` with the default
parameters, step the virtual clock through a simulated hour (or ``--hours N``) and print what the tape
looks like: 1-minute return kurtosis (fat tails: > 3), autocorrelation of 1-minute returns (about 0) and of
absolute returns (volatility clustering: > 0), the spread and top-of-book depth, public trade sizes.

    python bench/market_facts.py [--hours N] [--seed S] [--book CATEGORY:SYMBOL]

Only the measured book trades (the others are disabled in the config), so an hour takes well under a
minute of wall time. Prints a table and, last, one JSON line. Results: docs/market.md, docs/benchmarks.md.
"""

from __future__ import annotations

import sys

# bench/http.py is named like the stdlib ``http`` package: keep this folder off the import path.
if sys.path and sys.path[0] and __file__.startswith(sys.path[0]):
    sys.path.pop(0)

import argparse
import itertools
import json
import math
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ADMIN = "bench-admin-token"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def kurtosis(xs: list[float]) -> float:
    m = statistics.fmean(xs)
    v = statistics.fmean((x - m) ** 2 for x in xs)
    return statistics.fmean((x - m) ** 4 for x in xs) / (v * v) if v else float("nan")


def autocorr(xs: list[float], lag: int) -> float:
    m = statistics.fmean(xs)
    den = sum((x - m) ** 2 for x in xs)
    return sum((xs[i] - m) * (xs[i + lag] - m) for i in range(len(xs) - lag)) / den if den else float("nan")


def pct(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, int(p * len(s)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hours", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--book", default="SPOT:BTCUSDT")
    args = ap.parse_args()
    category, symbol = args.book.split(":")
    minutes = int(args.hours * 60)
    with tempfile.TemporaryDirectory(prefix="utaex-facts-") as d:
        tmp = Path(d)
        others = [{"category": c, "symbol": s, "enabled": False} for c, s in (
            ("SPOT", "BTCUSDT"), ("SPOT", "ETHUSDT"), ("USDT-FUTURES", "BTCUSDT"), ("USDT-FUTURES", "ETHUSDT"),
            ("COIN-FUTURES", "BTCUSD"), ("COIN-FUTURES", "ETHUSD"), ("USDC-FUTURES", "BTCPERP"),
            ("USDC-FUTURES", "ETHPERP")) if (c, s) != (category, symbol)]
        (tmp / "venue.json").write_text(json.dumps({"market": {"books": others}}))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = subprocess.Popen([sys.executable, "-m", "utaex", "serve", "--port", str(port), "--data-dir",
                                 str(tmp / "data"), "--no-rate-limit", "--durability", "none", "--market", "on",
                                 "--clock", "step", "--seed", str(args.seed), "--config", str(tmp / "venue.json")],
                                env={**os.environ, "UTAEX_ADMIN_TOKEN": ADMIN}, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        http = httpx.Client(base_url=base, timeout=120, headers={"Authorization": f"Bearer {ADMIN}"})
        try:
            for _ in range(600):
                try:
                    if http.get("/api/v2/public/time").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
            q = {"category": category, "symbol": symbol}
            t0 = time.monotonic()
            start = int(http.get("/admin/v1/clock").json()["data"]["now"])
            mids: list[float] = []
            index: list[float] = []
            spreads: list[float] = []
            depth: list[float] = []
            sizes: dict[str, float] = {}
            for _ in range(minutes * 6):  # sample every 10 s of virtual time
                http.post("/admin/v1/clock/advance", json={"ms": 10_000})
                book = http.get("/api/v3/market/orderbook", params={**q, "limit": 50}).json()["data"]
                if book["a"] and book["b"]:
                    bid, ask = float(book["b"][0][0]), float(book["a"][0][0])
                    mids.append((bid + ask) / 2)
                    spreads.append((ask - bid) / ((ask + bid) / 2) * 1e4)
                    depth.append(sum(float(p) * float(s) for p, s in book["b"][:10] + book["a"][:10]))
                t = http.get("/api/v3/market/tickers", params={"category": "USDT-FUTURES", "symbol": "BTCUSDT"})
                index.append(float(t.json()["data"][0]["indexPrice"]))
                for f in http.get("/api/v3/market/fills", params={**q, "limit": 100}).json()["data"]:
                    sizes[f["execId"]] = float(f["size"]) * float(f["price"])
            wall = time.monotonic() - t0
            bars = http.get("/api/v3/market/candles", params={**q, "interval": "1m", "limit": 1000,
                                                               "startTime": start}).json()["data"]
            audit = http.get("/admin/v1/audit").json()["data"]
        finally:
            http.close()
            proc.terminate()
            proc.wait(60)
    closes = [float(b[4]) for b in bars][: minutes]
    rets = [math.log(b / a) for a, b in itertools.pairwise(closes)]
    mid_1m = mids[5::6]
    mid_rets = [math.log(b / a) for a, b in itertools.pairwise(mid_1m)]
    absr = [abs(r) for r in mid_rets]
    idx_1m = index[5::6]
    idx_rets = [math.log(b / a) for a, b in itertools.pairwise(idx_1m)]
    facts: dict[str, Any] = {
        "simulated_minutes": minutes,
        "wall_seconds": round(wall, 1),
        "commands": int(audit["journalSeq"]),
        "trades": len(sizes),
        "kurtosis_1m_trade_returns": round(kurtosis(rets), 2),
        "kurtosis_1m_mid_returns": round(kurtosis(mid_rets), 2),
        "kurtosis_1m_index_returns": round(kurtosis(idx_rets), 2),
        "acf_abs_1m_index_returns_lag1_5": round(statistics.fmean(autocorr([abs(r) for r in idx_rets], k)
                                                                  for k in range(1, 6)), 3),
        "acf1_1m_mid_returns": round(autocorr(mid_rets, 1), 3),
        "acf1_1m_trade_returns": round(autocorr(rets, 1), 3),
        "acf_abs_1m_mid_returns_lag1_5": round(statistics.fmean(autocorr(absr, k) for k in range(1, 6)), 3),
        "stdev_1m_mid_return_bps": round(statistics.pstdev(mid_rets) * 1e4, 2),
        "spread_bps_p50": round(pct(spreads, 0.5), 2),
        "spread_bps_p90": round(pct(spreads, 0.9), 2),
        "depth10_value_p10": round(pct(depth, 0.1)),
        "depth10_value_p50": round(pct(depth, 0.5)),
        "trade_value_p50": round(pct(list(sizes.values()), 0.5), 1),
        "trade_value_p90": round(pct(list(sizes.values()), 0.9), 1),
        "trade_value_p99": round(pct(list(sizes.values()), 0.99), 1),
        "seed": args.seed,
        "book": args.book,
    }
    for k, v in facts.items():
        print(f"{k:<34}{v}")
    print(json.dumps(facts))


if __name__ == "__main__":
    main()
