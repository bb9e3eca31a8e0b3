"""Reset benchmark: how long ``POST /admin/v1/reset`` takes on a venue holding many resting orders.

Starts a real venue (fsync durability, rate limits off, ``maxOpenOrders`` raised), fills it with
``--orders`` resting SPOT limit orders over many price levels through signed ``place-batch`` requests,
then times the reset request end to end (client side: request, one engine step, fsync, answer).
Repeats ``--runs`` times (refilling in between) and prints the median; checks after each reset that
no order is left and the audit reports no problem.

    python bench/reset.py [--orders 100000] [--runs 3]

Prints a table and, last, one JSON line.
"""

from __future__ import annotations

import sys

# bench/http.py is named like the stdlib ``http`` package: keep this folder off the import path.
if sys.path and sys.path[0] and __file__.startswith(sys.path[0]):
    sys.path.pop(0)

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from utaex.testing import UtaexVenue
from utaex.wire.signing import sign_headers

BATCH = 20


async def fill(venue: UtaexVenue, creds: dict[str, str], orders: int, concurrency: int = 16) -> float:
    """Place ``orders`` resting buys (20 per place-batch); returns the seconds it took."""
    path = "/api/v3/trade/place-batch"
    batches = [[{"category": "SPOT", "symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "qty": "0.001",
                 "price": str(10000 + (b * BATCH + j) % 9000)} for j in range(min(BATCH, orders - b * BATCH))]
               for b in range((orders + BATCH - 1) // BATCH)]
    queue: asyncio.Queue[list[dict[str, str]]] = asyncio.Queue()
    for batch in batches:
        queue.put_nowait(batch)
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=venue.base_url, timeout=60) as http:
        async def worker() -> None:
            while not queue.empty():
                body = json.dumps(queue.get_nowait()).encode()
                headers = sign_headers(creds["apiKey"], creds["secretKey"], creds["passphrase"], "POST", path,
                                       "", body)
                r = await http.post(path, content=body, headers={**headers, "Content-Type": "application/json"})
                items = r.json()["data"]
                if any("code" in item for item in items):
                    raise RuntimeError(f"place-batch failed: {items[:1]}")

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "venue.toml"
        config.write_text(f"maxOpenOrders = {args.orders}\n")
        with UtaexVenue.start(args=("--no-rate-limit", "--config", str(config), "--clock", "realtime")) as venue:
            creds = venue.new_user({"USDT": "100000000"})
            timings, fills = [], []
            for run in range(args.runs):
                fills.append(asyncio.run(fill(venue, creds, args.orders)))
                audit = venue.audit()
                assert int(audit["openOrders"]) == args.orders, audit["openOrders"]
                started = time.perf_counter()
                out = venue.reset()
                timings.append(time.perf_counter() - started)
                assert out["removedOrders"] == str(args.orders), out
                audit = venue.audit()
                assert audit["openOrders"] == "0" and audit["problems"] == [], audit
                print(f"run {run + 1}: filled {args.orders:,} orders in {fills[-1]:.1f} s, "
                      f"reset in {timings[-1] * 1000:.1f} ms")
    median = statistics.median(timings)
    print(f"\nreset of {args.orders:,} resting orders: median {median * 1000:.1f} ms over {args.runs} runs "
          f"(min {min(timings) * 1000:.1f}, max {max(timings) * 1000:.1f})")
    print(json.dumps({"orders": args.orders, "runs": args.runs, "reset_ms_median": round(median * 1000, 1),
                      "reset_ms": [round(t * 1000, 1) for t in timings],
                      "fill_s": [round(f, 1) for f in fills]}))


if __name__ == "__main__":
    main()
